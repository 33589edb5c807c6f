#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/ledger.hpp"
#include "socle/v1/ledger.pb.h"

namespace socle {

namespace {

// Events are read back this many at a time.
constexpr size_t kReadChunk = 4096;

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
      if (stored.pruned || !entry.ParseFromString(stored.bytes) ||
          entry.type() != v1::STATE_EVENT) {
        return MakeError(ErrorCode::kDataLoss,
                         absl::StrCat("state ledger: entry ", index, " is not a state event"));
      }
      SOCLE_RETURN_IF_ERROR(visit(index + 1, entry.payload()));
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

absl::StatusOr<std::unique_ptr<RecordWatch>> StateLedger::Watch() {
  return ledger_->WatchGrowth();
}

}  // namespace socle
