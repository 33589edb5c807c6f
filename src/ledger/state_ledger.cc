#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/ledger.hpp"
#include "socle/v1/events.pb.h"
#include "socle/v1/ledger.pb.h"

namespace socle {

namespace {

// Events are read back this many at a time.
constexpr size_t kReadChunk = 4096;

// The serialized socle.v1.StateEvent (ledger_alert) standing for the tamper alert `entry`.
absl::StatusOr<std::string> AlertEvent(const v1::LedgerEntry& entry, uint64_t index) {
  v1::OperationRecord record;
  if (!record.ParseFromString(entry.payload())) {
    return MakeError(ErrorCode::kDataLoss, absl::StrCat("state ledger: the tamper alert of entry ",
                                                        index, " does not parse"));
  }
  v1::StateEvent event;
  event.set_format_version(1);
  const int64_t micros = entry.time_micros();
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  event.mutable_at()->set_seconds(seconds);
  event.mutable_at()->set_nanos(static_cast<int32_t>(rest * 1000));
  event.mutable_ledger_alert()->set_target_index(record.target_index());
  event.mutable_ledger_alert()->set_delete_attempt(record.operation() ==
                                                   v1::OperationRecord::DELETE_ATTEMPT);
  return event.SerializeAsString();
}

}  // namespace

StateLedger::StateLedger(std::shared_ptr<Ledger> ledger) : ledger_(std::move(ledger)) {}
StateLedger::~StateLedger() = default;

absl::StatusOr<uint64_t> StateLedger::EventCount() { return ledger_->Size(); }

absl::Status StateLedger::AppendEvents(uint64_t first_revision,
                                       absl::Span<const std::string> events) {
  if (first_revision == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "state ledger: revisions start at 1");
  }
  if (events.empty()) return absl::OkStatus();
  std::vector<NewLedgerEntry> entries(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    entries[i].type = LedgerEntryType::kStateEvent;
    entries[i].payload = events[i];
  }
  return ledger_->AppendAt(first_revision - 1, entries);
}

absl::Status StateLedger::ReadEvents(
    uint64_t from_revision,
    absl::FunctionRef<absl::Status(uint64_t revision, absl::string_view event)> visit) {
  uint64_t index = from_revision == 0 ? 0 : from_revision - 1;
  v1::LedgerEntry entry;
  for (;;) {
    SOCLE_ASSIGN_OR_RETURN(const std::vector<StoredLedgerEntry> chunk,
                           ledger_->ReadEntries(index, kReadChunk));
    for (const StoredLedgerEntry& stored : chunk) {
      if (stored.index != index) {
        return MakeError(ErrorCode::kDataLoss,
                         absl::StrCat("state ledger: entry ", index, " is missing"));
      }
      if (stored.pruned || !entry.ParseFromString(stored.bytes)) {
        return MakeError(ErrorCode::kDataLoss,
                         absl::StrCat("state ledger: entry ", index, " is not a state event"));
      }
      if (entry.type() == v1::TAMPER_ALERT) {
        // A refused edit of this ledger (Ledger::UpdateEntry) recorded here: given as the no-op
        // event that keeps entry i the event of revision i + 1.
        SOCLE_ASSIGN_OR_RETURN(const std::string alert, AlertEvent(entry, index));
        SOCLE_RETURN_IF_ERROR(visit(index + 1, alert));
      } else if (entry.type() == v1::STATE_EVENT) {
        SOCLE_RETURN_IF_ERROR(visit(index + 1, entry.payload()));
      } else {
        return MakeError(ErrorCode::kDataLoss,
                         absl::StrCat("state ledger: entry ", index, " is not a state event"));
      }
      ++index;
    }
    if (chunk.size() < kReadChunk) return absl::OkStatus();
  }
}

absl::Status StateLedger::SaveSnapshot(uint64_t revision, absl::string_view snapshot) {
  return ledger_->SaveSnapshot(revision, snapshot);
}

absl::StatusOr<std::optional<std::string>> StateLedger::LatestSnapshot() {
  SOCLE_ASSIGN_OR_RETURN(auto latest, ledger_->LatestSnapshot());
  if (!latest.has_value()) return std::nullopt;
  return std::move(latest->second);
}

absl::StatusOr<std::unique_ptr<RecordWatch>> StateLedger::Watch() { return ledger_->WatchGrowth(); }

}  // namespace socle
