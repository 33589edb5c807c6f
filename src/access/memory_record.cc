// MemoryEngineRecord: an EngineRecord in memory (include/socle/access.hpp).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/status_macros.h"
#include "socle/access.hpp"
#include "socle/error.hpp"

namespace socle {

struct MemoryEngineRecord::Data {
  absl::Mutex mu;
  std::vector<std::string> events ABSL_GUARDED_BY(mu);
  uint64_t snapshot_revision ABSL_GUARDED_BY(mu) = 0;
  std::optional<std::string> snapshot ABSL_GUARDED_BY(mu);
};

MemoryEngineRecord::MemoryEngineRecord() : data_(std::make_unique<Data>()) {}
MemoryEngineRecord::~MemoryEngineRecord() = default;

absl::StatusOr<uint64_t> MemoryEngineRecord::EventCount() {
  absl::ReaderMutexLock lock(&data_->mu);
  return data_->events.size();
}

absl::Status MemoryEngineRecord::AppendEvents(uint64_t first_revision,
                                              absl::Span<const std::string> events) {
  absl::MutexLock lock(&data_->mu);
  if (first_revision != data_->events.size() + 1) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        absl::StrCat("the record holds ", data_->events.size(), " events; an append from revision ",
                     first_revision, " expects ", first_revision - 1,
                     " (another writer went first: catch up and retry)"));
  }
  data_->events.insert(data_->events.end(), events.begin(), events.end());
  return absl::OkStatus();
}

absl::Status MemoryEngineRecord::ReadEvents(
    uint64_t from_revision,
    absl::FunctionRef<absl::Status(uint64_t revision, absl::string_view event)> visit) {
  absl::ReaderMutexLock lock(&data_->mu);
  for (uint64_t revision = from_revision == 0 ? 1 : from_revision; revision <= data_->events.size();
       ++revision) {
    SOCLE_RETURN_IF_ERROR(visit(revision, data_->events[revision - 1]));
  }
  return absl::OkStatus();
}

absl::Status MemoryEngineRecord::SaveSnapshot(uint64_t revision, absl::string_view snapshot) {
  absl::MutexLock lock(&data_->mu);
  if (revision > data_->events.size()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("a snapshot of revision ", revision, " is past the ",
                                  data_->events.size(), " events recorded"));
  }
  if (data_->snapshot.has_value() && revision < data_->snapshot_revision) {
    return absl::OkStatus();  // an older snapshot than the one kept: the newest stays
  }
  data_->snapshot_revision = revision;
  data_->snapshot = std::string(snapshot);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> MemoryEngineRecord::LatestSnapshot() {
  absl::ReaderMutexLock lock(&data_->mu);
  return data_->snapshot;
}

namespace {

// Waits on the record's own mutex for its events to pass a count: an append wakes it at once.
class MemoryWatch final : public RecordWatch {
 public:
  MemoryWatch(absl::Mutex& mu, const std::vector<std::string>& events)
      : mu_(mu), events_(events) {}

  absl::StatusOr<uint64_t> WaitForGrowth(uint64_t known_count, absl::Duration timeout) override {
    struct Wait {
      const MemoryWatch* watch;
      uint64_t known;
      static bool Done(Wait* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return w->watch->interrupted_ || w->watch->events_.size() > w->known;
      }
    } wait{this, known_count};
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&Wait::Done, &wait), timeout);
    return static_cast<uint64_t>(events_.size());
  }

  void Interrupt() override {
    absl::MutexLock lock(&mu_);
    interrupted_ = true;
  }

 private:
  absl::Mutex& mu_;
  const std::vector<std::string>& events_;  // guarded by mu_
  bool interrupted_ = false;                // guarded by mu_
};

}  // namespace

absl::StatusOr<std::unique_ptr<RecordWatch>> MemoryEngineRecord::Watch() {
  return std::unique_ptr<RecordWatch>(std::make_unique<MemoryWatch>(data_->mu, data_->events));
}

}  // namespace socle
