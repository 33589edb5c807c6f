// AccessEngine: the published snapshot, the writer lock, the typed API (each call builds state
// events and folds them), the bulk loaders (TSV, DirectoryData, serialized events).
#include <algorithm>
#include <atomic>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "access/apply.h"
#include "access/builder.h"
#include "access/governance.h"
#include "access/snapshot.h"
#include "access/state.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/v1/events.pb.h"

namespace socle {

using access_internal::Builder;
using access_internal::SnapshotData;

namespace access_internal {

// The precondition of the ApplyNow running on this thread, on its way to the writer lock.
// ApplyNow reaches the engine through its public ApplyEvent (the public header names no internal
// friend), so it leaves the precondition here and ApplyEvent takes it before anything else.
struct PendingPrecondition {
  Precondition check;
  absl::Time at;
};
thread_local const PendingPrecondition* pending_precondition = nullptr;

}  // namespace access_internal

namespace {

absl::Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kIo, absl::StrCat("cannot open ", path));
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return MakeError(ErrorCode::kIo, absl::StrCat("cannot read ", path));
  return absl::OkStatus();
}

// Prefixes a failure with where it comes from, keeping its code.
absl::Status Within(absl::string_view where, const absl::Status& status) {
  if (status.ok()) return status;
  return MakeError(ErrorCodeOf(status), absl::StrCat(where, ": ", status.message()));
}

// The teams column of the TSV format: a comma-separated list, so a team id read from TSV cannot
// contain a comma (one that does is loaded through the API's arrays instead).
absl::Status AddTeams(absl::string_view list,
                      google::protobuf::RepeatedPtrField<std::string>* out) {
  if (list.empty()) return absl::OkStatus();
  for (absl::string_view team : absl::StrSplit(list, ',')) {
    team = absl::StripAsciiWhitespace(team);
    if (team.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "the team list has an empty entry (teams are separated by commas)");
    }
    out->Add(std::string(team));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SecrecyStatus> ParseSecrecy(absl::string_view s) {
  if (s.empty()) return v1::SECRECY_STATUS_UNSPECIFIED;
  if (s == "none") return v1::SECRECY_NONE;
  if (s == "by_profession") return v1::BY_PROFESSION;
  if (s == "by_mission") return v1::BY_MISSION;
  return MakeError(
      ErrorCode::kInvalidArgument,
      absl::StrCat("secrecy '", s.substr(0, 64), "' is not none, by_profession or by_mission"));
}

// One TSV line: columns split by tabs, a trailing CR dropped; nullopt for blank and # lines.
std::vector<absl::string_view> Columns(absl::string_view line) {
  absl::ConsumeSuffix(&line, "\r");
  if (line.empty() || line[0] == '#') return {};
  return absl::StrSplit(line, '\t');
}

// The default RecordWatch: reads the record's count every kPollEvery, or sooner when the
// caller's timeout is shorter. Interrupt wakes it through its own mutex.
class PollingWatch final : public RecordWatch {
 public:
  explicit PollingWatch(EngineRecord& record) : record_(record) {}

  absl::StatusOr<uint64_t> WaitForGrowth(uint64_t known_count, absl::Duration timeout) override {
    const absl::Time deadline = absl::Now() + timeout;
    for (;;) {
      SOCLE_ASSIGN_OR_RETURN(const uint64_t count, record_.EventCount());
      const absl::Duration left = deadline - absl::Now();
      if (count > known_count || left <= absl::ZeroDuration()) return count;
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&interrupted_), std::min(left, kPollEvery))) {
        return count;
      }
    }
  }

  void Interrupt() override {
    absl::MutexLock lock(&mu_);
    interrupted_ = true;
  }

 private:
  static constexpr absl::Duration kPollEvery = absl::Milliseconds(10);
  EngineRecord& record_;
  absl::Mutex mu_;
  bool interrupted_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RecordWatch>> EngineRecord::Watch() {
  return std::unique_ptr<RecordWatch>(std::make_unique<PollingWatch>(*this));
}

namespace {

// The longest a follower waits after errors before trying again.
constexpr absl::Duration kMaxRetryDelay = absl::Seconds(5);

}  // namespace

class AccessEngine::Impl {
 public:
  Impl(std::shared_ptr<const access_internal::Tables> tables, const Clock* clock,
       absl::Duration max_clock_skew, bool development, std::shared_ptr<EngineRecord> record)
      : tables_(std::move(tables)),
        ids_(std::make_shared<access_internal::Ids>()),
        clock_(clock),
        max_skew_nanos_(absl::ToInt64Nanoseconds(max_clock_skew)),
        development_(development),
        record_(std::move(record)) {
    current_.store(
        std::make_shared<const SnapshotData>(tables_, ids_, clock_, access_internal::State()));
  }

  std::shared_ptr<const SnapshotData> current() const {
    return current_.load(std::memory_order_acquire);
  }
  const access_internal::Tables& tables() const { return *tables_; }
  const access_internal::Ids& ids() const { return *ids_; }
  const Clock& clock() const { return *clock_; }
  EngineRecord* record() const { return record_.get(); }

  // Runs `body` on a builder over the newest state and publishes the result if it succeeds.
  // `now` is the engine's clock for this batch: the events are checked against it. An engine of
  // record appends the applied events to its record first: if that fails, nothing is published.
  // A precondition, when given, is decided on that newest state first, with its event's time.
  absl::StatusOr<uint64_t> Commit(
      absl::Time now, absl::FunctionRef<absl::Status(Builder&)> body,
      const access_internal::PendingPrecondition* precondition = nullptr) {
    absl::MutexLock lock(&write_mu_);
    const std::shared_ptr<const SnapshotData> base = current();
    if (precondition != nullptr) {
      SOCLE_RETURN_IF_ERROR(precondition->check(*base, precondition->at));
    }
    Builder builder(*tables_, *ids_, base->state, ++last_batch_, absl::ToUnixNanos(now),
                    max_skew_nanos_);
    builder.set_development(development_);
    std::vector<std::string> applied;  // stays empty (no allocation) without a record
    if (record_ != nullptr) builder.RecordTo(&applied);
    SOCLE_RETURN_IF_ERROR(body(builder));
    if (builder.revision() == base->state.revision) return base->state.revision;
    if (record_ != nullptr) {
      SOCLE_RETURN_IF_ERROR(record_->AppendEvents(base->state.revision + 1, applied));
    }
    return Publish(std::move(builder).Take());
  }

  // Folds the record's events after the current revision, each as of its own time, and
  // publishes the result (all or nothing). Returns the new revision.
  absl::StatusOr<uint64_t> CatchUp() {
    absl::MutexLock lock(&write_mu_);
    const std::shared_ptr<const SnapshotData> base = current();
    Builder builder(*tables_, *ids_, base->state, ++last_batch_, 0, max_skew_nanos_);
    builder.set_replay(true);
    v1::StateEvent event;
    SOCLE_RETURN_IF_ERROR(record_->ReadEvents(
        base->state.revision + 1, [&](uint64_t revision, absl::string_view bytes) -> absl::Status {
          if (revision != builder.revision() + 1) {
            return MakeError(ErrorCode::kDataLoss,
                             absl::StrCat("the record gave revision ", revision, " where ",
                                          builder.revision() + 1, " was due"));
          }
          if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()) ||
              !event.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
            return MakeError(ErrorCode::kDataLoss,
                             absl::StrCat("the record's event of revision ", revision,
                                          " is not a serialized socle.v1.StateEvent"));
          }
          return Within(absl::StrCat("the record's event of revision ", revision),
                        builder.Apply(event));
        }));
    if (builder.revision() == base->state.revision) return base->state.revision;
    return Publish(std::move(builder).Take());
  }

  // Starts from the state of a snapshot (on a fresh engine, before any write).
  // Starts from the record's snapshot, unless it was folded under another policy (the one in
  // force before this one was activated, or a policy this engine may not run): that is not this
  // engine's state, and every event is replayed instead.
  absl::Status Restore(absl::string_view snapshot, uint64_t event_count) {
    absl::MutexLock lock(&write_mu_);
    SOCLE_ASSIGN_OR_RETURN(
        std::optional<access_internal::State> state,
        access_internal::DecodeSnapshot(snapshot, *tables_, *ids_, ++last_batch_));
    if (!state.has_value()) return absl::OkStatus();
    if (state->revision > event_count) {
      return MakeError(ErrorCode::kDataLoss,
                       absl::StrCat("the record's snapshot is of revision ", state->revision,
                                    " but the record holds ", event_count, " events"));
    }
    Publish(std::move(*state));
    return absl::OkStatus();
  }

  // The engine of record's policy must be the one its record runs (two-person activation,
  // REQ-62): a new record runs it from an INITIAL activation, a record that never recorded one
  // (written before activations existed) adopts it the same way; an engine in development mode
  // records a DEVELOPMENT activation of its policy unless it is already the one in force in
  // development. Otherwise FAILED_PRECONDITION: the policy needs two approvals.
  absl::Status RequirePolicyInForce() {
    absl::Status status;
    for (int attempt = 0; attempt < 3; ++attempt) {
      status = PolicyInForceOnce();
      if (status.ok()) return status;
      // Another process may have appended first (two engines opening a new record at once):
      // decide again on what it recorded; with nothing new, the refusal stands.
      const uint64_t revision = current()->state.revision;
      const absl::StatusOr<uint64_t> caught = CatchUp();
      if (!caught.ok() || *caught == revision) return status;
    }
    return status;
  }

  // The record's policy in force read from its policy_activated events alone (nothing applied):
  // FAILED_PRECONDITION when it is another policy and this engine is not in development mode.
  absl::Status RequireRecordedPolicy() {
    std::string active;
    uint64_t since = 0;
    v1::StateEvent event;
    SOCLE_RETURN_IF_ERROR(
        record_->ReadEvents(1, [&](uint64_t revision, absl::string_view bytes) -> absl::Status {
          if (bytes.size() <= static_cast<size_t>(std::numeric_limits<int>::max()) &&
              event.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) &&
              event.has_policy_activated()) {
            active = event.policy_activated().policy_sha256();
            since = revision;
          }
          return absl::OkStatus();
        }));
    const auto& digest = tables_->policy.digest();
    if (active.empty() || development_ ||
        active == absl::string_view(reinterpret_cast<const char*>(digest.data()), digest.size())) {
      return absl::OkStatus();
    }
    return MakeError(
        ErrorCode::kFailedPrecondition,
        absl::StrCat("policy ", tables_->policy.digest_hex().substr(0, 12),
                     "… is not the policy in force on this record (",
                     absl::BytesToHexString(active).substr(0, 12), "…, since revision ", since,
                     "): a new policy takes effect once two distinct professionals, one with "
                     "DPO_ROLE, approved it and it was activated (docs/policy-approval.md)"));
  }

  absl::Status PolicyInForceOnce() {
    const std::shared_ptr<const SnapshotData> snapshot = current();
    const access_internal::State& state = snapshot->state;
    const access_internal::PolicyGovernance* g = state.governance.get();
    const Policy& policy = tables_->policy;
    v1::StateEvent event;
    v1::PolicyActivated* activated = event.mutable_policy_activated();
    activated->set_policy_sha256(std::string(policy.digest().begin(), policy.digest().end()));
    activated->set_policy_id(std::string(policy.id()));
    activated->set_policy_revision(std::string(policy.revision()));
    if (g == nullptr || !g->has_active) {
      if (development_) {
        activated->set_mode(v1::PolicyActivated::DEVELOPMENT);
      } else {
        activated->set_mode(v1::PolicyActivated::INITIAL);
        for (std::string& role : access_internal::DpoRoleNames(policy)) {
          activated->add_dpo_roles(std::move(role));
        }
      }
      return Apply(event).status();
    }
    const bool mine = g->active == policy.digest();
    const bool in_development = g->active_mode == v1::PolicyActivated::DEVELOPMENT;
    if (mine && !in_development) return absl::OkStatus();
    if (development_) {
      if (mine) return absl::OkStatus();
      activated->set_mode(v1::PolicyActivated::DEVELOPMENT);
      activated->set_previous_sha256(std::string(g->active.begin(), g->active.end()));
      return Apply(event).status();
    }
    const std::string in_force = crypto::ToHex(g->active).substr(0, 12);
    if (mine) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       absl::StrCat("policy ", policy.digest_hex().substr(0, 12),
                                    "… runs on this record in development mode only (since "
                                    "revision ",
                                    g->active_revision,
                                    "): open the engine in development mode, or activate it with "
                                    "two approvals (docs/policy-approval.md)"));
    }
    size_t approvals = 0;
    for (const access_internal::PolicyApprovalRecord& r : g->approvals) {
      approvals += r.policy == policy.digest() ? 1 : 0;
    }
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("policy ", policy.digest_hex().substr(0, 12),
                                  "… is not the policy in force on this record (", in_force,
                                  "…, since revision ", g->active_revision, "); it has ", approvals,
                                  " approval(s) recorded: a new policy takes effect once two "
                                  "distinct professionals, one with DPO_ROLE, approved it and it "
                                  "was activated (docs/policy-approval.md)"));
  }

  // One event, stamped now.
  absl::StatusOr<uint64_t> Apply(v1::StateEvent& event) {
    const absl::Time now = clock_->Now();
    event.set_format_version(1);
    core::SetTimestamp(now, event.mutable_at());
    return Commit(now, [&](Builder& b) { return b.Apply(event); });
  }

  uint64_t Publish(access_internal::State state) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_) {
    auto next = std::make_shared<const SnapshotData>(tables_, ids_, clock_, std::move(state));
    const uint64_t revision = next->state.revision;
    current_.store(std::move(next), std::memory_order_release);
    {
      absl::MutexLock published(&publish_mu_);
      published_ = revision;
    }
    return revision;
  }

  ~Impl() { StopFollowing(); }

  // The follower (AccessEngine::Follow): the watch is made here, so that a record that cannot
  // be watched fails Follow itself; then one thread waits and catches up until StopFollowing.
  absl::Status Follow(const FollowOptions& options) {
    if (options.poll_interval < absl::Milliseconds(1) || options.poll_interval > absl::Minutes(1)) {
      return MakeError(ErrorCode::kOutOfRange,
                       absl::StrCat("FollowOptions.poll_interval is ",
                                    absl::FormatDuration(options.poll_interval),
                                    "; it must be between 1ms and 1m"));
    }
    if (options.retry_delay < absl::Milliseconds(1) || options.retry_delay > kMaxRetryDelay) {
      return MakeError(
          ErrorCode::kOutOfRange,
          absl::StrCat("FollowOptions.retry_delay is ", absl::FormatDuration(options.retry_delay),
                       "; it must be between 1ms and 5s"));
    }
    absl::MutexLock control(&follow_control_mu_);
    {
      absl::MutexLock lock(&follow_mu_);
      if (follower_.joinable()) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "Follow: this engine is already following its record");
      }
    }
    SOCLE_ASSIGN_OR_RETURN(std::unique_ptr<RecordWatch> watch, record_->Watch());
    absl::MutexLock lock(&follow_mu_);
    watch_ = std::move(watch);
    stop_following_ = false;
    follower_status_ = FollowerStatus();
    follower_status_.following = true;
    follower_ = std::thread([this, options] { RunFollower(options); });
    return absl::OkStatus();
  }

  void StopFollowing() {
    // One Follow or StopFollowing at a time (follow_control_mu_), so the thread is joined once;
    // the follower itself takes only follow_mu_, which is not held while joining.
    absl::MutexLock control(&follow_control_mu_);
    std::thread follower;
    {
      absl::MutexLock lock(&follow_mu_);
      if (!follower_.joinable()) return;
      stop_following_ = true;
      watch_->Interrupt();
      follower = std::move(follower_);
    }
    follower.join();
    absl::MutexLock lock(&follow_mu_);
    watch_.reset();
    follower_status_.following = false;
  }

  FollowerStatus follower_status() const {
    absl::MutexLock lock(&follow_mu_);
    return follower_status_;
  }

  bool WaitFor(uint64_t revision, absl::Duration timeout) const {
    struct Wait {
      const Impl* impl;
      uint64_t revision;
      static bool Reached(Wait* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return w->impl->published_ >= w->revision;
      }
    } wait{this, revision};
    absl::MutexLock lock(&publish_mu_);
    return publish_mu_.AwaitWithTimeout(absl::Condition(&Wait::Reached, &wait), timeout);
  }

 private:
  void RunFollower(const FollowOptions& options) {
    RecordWatch* watch = nullptr;
    {
      absl::MutexLock lock(&follow_mu_);
      watch = watch_.get();  // reset only after this thread is joined
    }
    absl::Duration retry = options.retry_delay;
    for (;;) {
      const uint64_t known = current()->state.revision;
      absl::StatusOr<uint64_t> count = watch->WaitForGrowth(known, options.poll_interval);
      {
        absl::MutexLock lock(&follow_mu_);
        if (stop_following_) return;
      }
      absl::Status status = count.status();
      if (status.ok() && *count > known) {
        absl::StatusOr<uint64_t> caught = CatchUp();
        status = caught.status();
        // A record that counts events it does not give would wake the follower at once again:
        // an error, so that it waits before the next try.
        if (caught.ok() && *caught < *count) {
          status = MakeError(ErrorCode::kDataLoss, absl::StrCat("the record counts ", *count,
                                                                " events but gave only ", *caught));
        }
      }
      absl::MutexLock lock(&follow_mu_);
      follower_status_.status = status;
      if (status.ok()) {
        retry = options.retry_delay;
        if (current()->state.revision >= *count) follower_status_.in_step_at = clock_->Now();
        continue;
      }
      ++follower_status_.failures;
      follower_status_.last_error = status;
      // Waits before the next try, unless stopped.
      if (follow_mu_.AwaitWithTimeout(absl::Condition(&stop_following_), retry)) return;
      retry = std::min(retry * 2, kMaxRetryDelay);
    }
  }

  const std::shared_ptr<const access_internal::Tables> tables_;
  const std::shared_ptr<access_internal::Ids> ids_;
  const Clock* const clock_;
  const int64_t max_skew_nanos_;
  const bool development_;
  const std::shared_ptr<EngineRecord> record_;  // null: an engine made by Create
  std::atomic<std::shared_ptr<const SnapshotData>> current_;
  absl::Mutex write_mu_;
  access_internal::BatchId last_batch_ ABSL_GUARDED_BY(write_mu_) = 0;
  mutable absl::Mutex publish_mu_;
  uint64_t published_ ABSL_GUARDED_BY(publish_mu_) = 0;
  // The follower: its thread, its watch and what it did.
  absl::Mutex follow_control_mu_ ABSL_ACQUIRED_BEFORE(follow_mu_);
  mutable absl::Mutex follow_mu_;
  std::thread follower_ ABSL_GUARDED_BY(follow_mu_);
  std::unique_ptr<RecordWatch> watch_ ABSL_GUARDED_BY(follow_mu_);
  bool stop_following_ ABSL_GUARDED_BY(follow_mu_) = false;
  FollowerStatus follower_status_ ABSL_GUARDED_BY(follow_mu_);
};

namespace {

absl::StatusOr<std::unique_ptr<AccessEngine::Impl>> NewImpl(const Policy& policy,
                                                            const AccessEngine::Options& options,
                                                            std::shared_ptr<EngineRecord> record) {
  if (options.max_clock_skew < absl::ZeroDuration() || options.max_clock_skew > absl::Hours(24)) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("Options.max_clock_skew is ", absl::FormatDuration(options.max_clock_skew),
                     "; it must be between 0 and 24h"));
  }
  SOCLE_ASSIGN_OR_RETURN(auto tables, access_internal::BuildTables(policy));
  const Clock* clock = options.clock != nullptr ? options.clock : &Clock::Real();
  return std::make_unique<AccessEngine::Impl>(std::move(tables), clock, options.max_clock_skew,
                                              options.development_mode, std::move(record));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AccessEngine>> AccessEngine::Create(const Policy& policy,
                                                                   Options options) {
  SOCLE_ASSIGN_OR_RETURN(auto impl, NewImpl(policy, options, nullptr));
  return std::unique_ptr<AccessEngine>(new AccessEngine(std::move(impl)));
}

absl::StatusOr<std::unique_ptr<AccessEngine>> AccessEngine::Open(
    const Policy& policy, std::shared_ptr<EngineRecord> record, Options options) {
  if (record == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "AccessEngine::Open: the record is null");
  }
  SOCLE_ASSIGN_OR_RETURN(auto impl, NewImpl(policy, options, record));
  SOCLE_ASSIGN_OR_RETURN(const uint64_t count, record->EventCount());
  SOCLE_ASSIGN_OR_RETURN(const std::optional<std::string> snapshot, record->LatestSnapshot());
  if (snapshot.has_value()) SOCLE_RETURN_IF_ERROR(impl->Restore(*snapshot, count));
  const absl::StatusOr<uint64_t> caught = impl->CatchUp();
  if (!caught.ok()) {
    // An event that does not apply under this policy: first say whether it is the record's
    // policy at all (an event of another policy's record names what this one does not know).
    SOCLE_RETURN_IF_ERROR(impl->RequireRecordedPolicy());
    return caught.status();
  }
  const uint64_t revision = *caught;
  if (revision < count) {
    return MakeError(ErrorCode::kDataLoss,
                     absl::StrCat("the record counts ", count, " events but gave only ", revision));
  }
  SOCLE_RETURN_IF_ERROR(impl->RequirePolicyInForce());
  return std::unique_ptr<AccessEngine>(new AccessEngine(std::move(impl)));
}

absl::Status AccessEngine::SaveSnapshot() {
  EngineRecord* record = impl_->record();
  if (record == nullptr) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "SaveSnapshot: this engine has no record (made by Create, not Open)");
  }
  const std::shared_ptr<const SnapshotData> snapshot = impl_->current();
  return record->SaveSnapshot(snapshot->state.revision, access_internal::EncodeSnapshot(*snapshot));
}

absl::StatusOr<uint64_t> AccessEngine::CatchUp() {
  if (impl_->record() == nullptr) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "CatchUp: this engine has no record (made by Create, not Open)");
  }
  return impl_->CatchUp();
}

absl::Status AccessEngine::Follow(const FollowOptions& options) {
  if (impl_->record() == nullptr) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "Follow: this engine has no record (made by Create, not Open)");
  }
  return impl_->Follow(options);
}

void AccessEngine::StopFollowing() { impl_->StopFollowing(); }

AccessEngine::FollowerStatus AccessEngine::follower_status() const {
  return impl_->follower_status();
}

AccessEngine::AccessEngine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AccessEngine::~AccessEngine() = default;

const Policy& AccessEngine::policy() const { return impl_->tables().policy; }

// --- Ids ----------------------------------------------------------------------------------------

std::optional<uint32_t> AccessEngine::FindProfessional(absl::string_view id) const {
  const auto found = impl_->ids().professionals.Find(id);
  if (!found || impl_->current()->professional(*found) == nullptr) return std::nullopt;
  return found;
}

std::optional<uint32_t> AccessEngine::FindPerson(absl::string_view id) const {
  const auto found = impl_->ids().persons.Find(id);
  if (!found || impl_->current()->person(*found) == nullptr) return std::nullopt;
  return found;
}

std::optional<uint32_t> AccessEngine::FindTeam(absl::string_view id) const {
  return impl_->ids().teams.Find(id);
}

std::optional<uint32_t> AccessEngine::FindCategory(absl::string_view id) const {
  return impl_->tables().c->data_categories.Find(id);
}

std::optional<uint32_t> AccessEngine::FindPurpose(absl::string_view id) const {
  return impl_->tables().c->activities.Find(id);
}

absl::string_view AccessEngine::ProfessionalName(uint32_t id) const {
  return impl_->ids().professionals.Name(id);
}
absl::string_view AccessEngine::PersonName(uint32_t id) const {
  return impl_->ids().persons.Name(id);
}
absl::string_view AccessEngine::TeamName(uint32_t id) const { return impl_->ids().teams.Name(id); }

std::string AccessEngine::RuleName(uint32_t rule) const {
  return access_internal::RuleNameOf(impl_->tables(), rule);
}

// --- State --------------------------------------------------------------------------------------

uint64_t AccessEngine::revision() const { return impl_->current()->state.revision; }

const Clock& AccessEngine::clock() const { return impl_->clock(); }

std::shared_ptr<const AccessSnapshot> AccessEngine::snapshot() const { return impl_->current(); }

bool AccessEngine::WaitForRevision(uint64_t revision, absl::Duration timeout) const {
  return impl_->WaitFor(revision, timeout);
}

// protobuf takes an int size: a longer input would be truncated (and a prefix parsed) by the cast.
static absl::Status CheckSerializedSize(absl::string_view bytes, absl::string_view what) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return MakeError(ErrorCode::kResourceExhausted,
                     absl::StrCat("the serialized ", what, " is ", bytes.size(),
                                  " bytes; protobuf reads at most 2 GiB"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> AccessEngine::ApplyEvent(absl::string_view serialized_event) {
  const access_internal::PendingPrecondition* precondition =
      std::exchange(access_internal::pending_precondition, nullptr);
  SOCLE_RETURN_IF_ERROR(CheckSerializedSize(serialized_event, "event"));
  v1::StateEvent event;
  if (!event.ParseFromArray(serialized_event.data(), static_cast<int>(serialized_event.size()))) {
    return MakeError(ErrorCode::kParse, "the bytes are not a serialized socle.v1.StateEvent");
  }
  return impl_->Commit(
      impl_->clock().Now(), [&](Builder& b) { return b.Apply(event); }, precondition);
}

absl::StatusOr<uint64_t> AccessEngine::ApplyEventBatch(absl::string_view serialized_batch) {
  SOCLE_RETURN_IF_ERROR(CheckSerializedSize(serialized_batch, "batch"));
  v1::StateEventBatch batch;
  if (!batch.ParseFromArray(serialized_batch.data(), static_cast<int>(serialized_batch.size()))) {
    return MakeError(ErrorCode::kParse, "the bytes are not a serialized socle.v1.StateEventBatch");
  }
  if (batch.format_version() != 1) {
    return MakeError(ErrorCode::kUnsupported,
                     absl::StrCat("batch format_version is ", batch.format_version(),
                                  "; this version of socle reads format_version 1"));
  }
  return impl_->Commit(impl_->clock().Now(), [&](Builder& b) -> absl::Status {
    for (int i = 0; i < batch.events_size(); ++i) {
      SOCLE_RETURN_IF_ERROR(Within(absl::StrCat("event ", i), b.Apply(batch.events(i))));
    }
    return absl::OkStatus();
  });
}

namespace access_internal {

absl::StatusOr<uint64_t> ApplyNow(AccessEngine& engine, v1::StateEvent& event) {
  const absl::Time now = Data(*engine.snapshot()).clock->Now();
  event.set_format_version(1);
  core::SetTimestamp(now, event.mutable_at());
  return engine.ApplyEvent(event.SerializeAsString());
}

absl::StatusOr<uint64_t> ApplyNow(AccessEngine& engine, v1::StateEvent& event,
                                  Precondition precondition) {
  const absl::Time now = Data(*engine.snapshot()).clock->Now();
  event.set_format_version(1);
  core::SetTimestamp(now, event.mutable_at());
  const std::string serialized = event.SerializeAsString();
  const PendingPrecondition pending{precondition, now};
  pending_precondition = &pending;
  absl::StatusOr<uint64_t> revision = engine.ApplyEvent(serialized);
  pending_precondition = nullptr;  // ApplyEvent took it; cleared again whatever happened
  return revision;
}

}  // namespace access_internal

// --- The directory ------------------------------------------------------------------------------

namespace {

void FillProfessional(const ProfessionalEntry& p, v1::ProfessionalUpserted* e) {
  e->set_id(p.id);
  e->set_role(p.role);
  for (const auto& team : p.teams) e->add_teams(team);
  e->set_structure(p.structure);
  e->set_secrecy(static_cast<v1::SecrecyStatus>(p.secrecy));
  e->set_professional_category(p.professional_category);
}

void FillPerson(const PersonEntry& p, v1::PersonUpserted* e) {
  e->set_id(p.id);
  for (const auto& team : p.teams) e->add_teams(team);
  e->set_referent(p.referent);
  e->set_birth_date(p.birth_date);
}

}  // namespace

absl::StatusOr<uint64_t> AccessEngine::LoadDirectory(const DirectoryData& data) {
  const absl::Time now = impl_->clock().Now();
  return impl_->Commit(now, [&](Builder& b) -> absl::Status {
    // One message reused for every record: Clear() keeps its allocations.
    v1::StateEvent event;
    for (size_t i = 0; i < data.professionals.size(); ++i) {
      event.Clear();
      event.set_format_version(1);
      core::SetTimestamp(now, event.mutable_at());
      FillProfessional(data.professionals[i], event.mutable_professional_upserted());
      SOCLE_RETURN_IF_ERROR(Within(absl::StrCat("professionals[", i, "]"), b.Apply(event)));
    }
    for (size_t i = 0; i < data.persons.size(); ++i) {
      event.Clear();
      event.set_format_version(1);
      core::SetTimestamp(now, event.mutable_at());
      FillPerson(data.persons[i], event.mutable_person_upserted());
      SOCLE_RETURN_IF_ERROR(Within(absl::StrCat("persons[", i, "]"), b.Apply(event)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<uint64_t> AccessEngine::LoadDirectoryTsv(absl::string_view professionals_tsv,
                                                        absl::string_view persons_tsv) {
  const absl::Time now = impl_->clock().Now();
  return impl_->Commit(now, [&](Builder& b) -> absl::Status {
    v1::StateEvent event;
    size_t line_number = 0;
    for (absl::string_view line : absl::StrSplit(professionals_tsv, '\n')) {
      ++line_number;
      const std::vector<absl::string_view> cols = Columns(line);
      if (cols.empty()) continue;
      const std::string where = absl::StrCat("professionals line ", line_number);
      if (cols.size() < 3 || cols.size() > 6) {
        return MakeError(ErrorCode::kParse,
                         absl::StrCat(where, ": ", cols.size(),
                                      " columns; expected id, role, teams[, structure[, "
                                      "secrecy[, professional category]]]"));
      }
      event.Clear();
      event.set_format_version(1);
      core::SetTimestamp(now, event.mutable_at());
      v1::ProfessionalUpserted* e = event.mutable_professional_upserted();
      e->set_id(std::string(cols[0]));
      e->set_role(std::string(cols[1]));
      SOCLE_RETURN_IF_ERROR(Within(where, AddTeams(cols[2], e->mutable_teams())));
      if (cols.size() > 3) e->set_structure(std::string(cols[3]));
      if (cols.size() > 4) {
        auto secrecy = ParseSecrecy(cols[4]);
        if (!secrecy.ok()) return Within(where, secrecy.status());
        e->set_secrecy(*secrecy);
      }
      if (cols.size() > 5) e->set_professional_category(std::string(cols[5]));
      SOCLE_RETURN_IF_ERROR(Within(where, b.Apply(event)));
    }
    line_number = 0;
    for (absl::string_view line : absl::StrSplit(persons_tsv, '\n')) {
      ++line_number;
      const std::vector<absl::string_view> cols = Columns(line);
      if (cols.empty()) continue;
      const std::string where = absl::StrCat("persons line ", line_number);
      if (cols.size() < 2 || cols.size() > 4) {
        return MakeError(ErrorCode::kParse,
                         absl::StrCat(where, ": ", cols.size(),
                                      " columns; expected id, teams[, referent[, birth date]]"));
      }
      event.Clear();
      event.set_format_version(1);
      core::SetTimestamp(now, event.mutable_at());
      v1::PersonUpserted* e = event.mutable_person_upserted();
      e->set_id(std::string(cols[0]));
      SOCLE_RETURN_IF_ERROR(Within(where, AddTeams(cols[1], e->mutable_teams())));
      if (cols.size() > 2) e->set_referent(std::string(cols[2]));
      if (cols.size() > 3) e->set_birth_date(std::string(cols[3]));
      SOCLE_RETURN_IF_ERROR(Within(where, b.Apply(event)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<uint64_t> AccessEngine::LoadDirectoryTsvFiles(const std::string& professionals_path,
                                                             const std::string& persons_path) {
  std::string professionals, persons;
  SOCLE_RETURN_IF_ERROR(ReadFile(professionals_path, &professionals));
  SOCLE_RETURN_IF_ERROR(ReadFile(persons_path, &persons));
  return LoadDirectoryTsv(professionals, persons);
}

absl::StatusOr<uint64_t> AccessEngine::UpsertProfessional(const ProfessionalEntry& professional) {
  v1::StateEvent event;
  FillProfessional(professional, event.mutable_professional_upserted());
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::ProfessionalLeaves(absl::string_view professional) {
  v1::StateEvent event;
  event.mutable_professional_left()->set_id(std::string(professional));
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::UpsertPerson(const PersonEntry& person) {
  v1::StateEvent event;
  FillPerson(person, event.mutable_person_upserted());
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::Assign(absl::string_view person, absl::string_view team) {
  v1::StateEvent event;
  event.mutable_person_assigned()->set_person(std::string(person));
  event.mutable_person_assigned()->set_team(std::string(team));
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::Unassign(absl::string_view person, absl::string_view team) {
  v1::StateEvent event;
  event.mutable_person_unassigned()->set_person(std::string(person));
  event.mutable_person_unassigned()->set_team(std::string(team));
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::SetReferent(absl::string_view person,
                                                   absl::string_view referent) {
  v1::StateEvent event;
  event.mutable_referent_set()->set_person(std::string(person));
  event.mutable_referent_set()->set_referent(std::string(referent));
  return impl_->Apply(event);
}

// --- Privacy facts ------------------------------------------------------------------------------

namespace {

absl::Status FillMask(const MaskSpec& mask, v1::MaskTarget* t) {
  t->set_person(mask.person);
  if (!mask.item.empty() && !mask.category.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "a mask names an item or a data category, not both");
  }
  if (!mask.item.empty()) t->set_item(mask.item);
  if (!mask.category.empty()) t->set_category(mask.category);
  const auto audience = static_cast<int>(mask.audience);
  if (audience < 0 || !v1::MaskTarget::Audience_IsValid(audience)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("mask audience ", audience,
                                  " is not everyone (1), role (2) or professional (3)"));
  }
  t->set_audience(static_cast<v1::MaskTarget::Audience>(audience));
  t->set_audience_id(mask.audience_id);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<uint64_t> AccessEngine::SetMask(const MaskSpec& mask) {
  v1::StateEvent event;
  SOCLE_RETURN_IF_ERROR(FillMask(mask, event.mutable_mask_set()->mutable_mask()));
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::RevokeMask(const MaskSpec& mask) {
  v1::StateEvent event;
  SOCLE_RETURN_IF_ERROR(FillMask(mask, event.mutable_mask_revoked()->mutable_mask()));
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::Block(absl::string_view person,
                                             absl::string_view professional) {
  v1::StateEvent event;
  event.mutable_block_set()->set_person(std::string(person));
  event.mutable_block_set()->set_professional(std::string(professional));
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::Unblock(absl::string_view person,
                                               absl::string_view professional) {
  v1::StateEvent event;
  event.mutable_block_revoked()->set_person(std::string(person));
  event.mutable_block_revoked()->set_professional(std::string(professional));
  return impl_->Apply(event);
}

absl::StatusOr<BreakGlassSession> AccessEngine::OpenBreakGlass(const BreakGlassRequest& request) {
  const absl::Duration max = impl_->tables().c->break_glass_max;
  if (request.duration < absl::ZeroDuration()) {
    return MakeError(
        ErrorCode::kOutOfRange,
        absl::StrCat("the duration ", absl::FormatDuration(request.duration), " is negative"));
  }
  if (request.duration > max) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("the duration ", absl::FormatDuration(request.duration),
                                  " exceeds the policy's maximum of ", absl::FormatDuration(max),
                                  " (break_glass.max_duration_minutes)"));
  }
  const absl::Duration duration = request.duration == absl::ZeroDuration() ? max : request.duration;
  v1::StateEvent event;
  event.set_format_version(1);
  const absl::Time now = impl_->clock().Now();
  core::SetTimestamp(now, event.mutable_at());
  v1::BreakGlassOpened* e = event.mutable_break_glass_opened();
  e->set_professional(request.actor);
  e->set_person(request.person);
  e->set_reason_code(request.reason_code);
  e->set_justification(request.justification);
  core::SetTimestamp(now + duration, e->mutable_expires_at());
  SOCLE_ASSIGN_OR_RETURN(const uint64_t revision,
                         impl_->Commit(now, [&](Builder& b) { return b.Apply(event); }));
  BreakGlassSession session;
  session.revision = revision;
  session.opened_at = now;
  session.expires_at = now + duration;
  return session;
}

absl::StatusOr<uint64_t> AccessEngine::CloseBreakGlass(absl::string_view actor,
                                                       absl::string_view person) {
  v1::StateEvent event;
  event.mutable_break_glass_closed()->set_professional(std::string(actor));
  event.mutable_break_glass_closed()->set_person(std::string(person));
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::RecordEmergencyAccessObjection(absl::string_view person) {
  v1::StateEvent event;
  event.mutable_emergency_access_objection_recorded()->set_person(std::string(person));
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::RevokeEmergencyAccessObjection(absl::string_view person) {
  v1::StateEvent event;
  event.mutable_emergency_access_objection_revoked()->set_person(std::string(person));
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::Grant(const GrantSpec& grant) {
  v1::StateEvent event;
  v1::AccessGranted* e = event.mutable_access_granted();
  e->set_person(grant.person);
  e->set_professional(grant.professional);
  for (const auto& c : grant.categories) e->add_categories(c);
  if (grant.expires_at != absl::InfiniteFuture())
    core::SetTimestamp(grant.expires_at, e->mutable_expires_at());
  e->set_reference(grant.reference);
  return impl_->Apply(event);
}

absl::StatusOr<uint64_t> AccessEngine::RevokeGrant(absl::string_view person,
                                                   absl::string_view professional) {
  v1::StateEvent event;
  event.mutable_access_grant_revoked()->set_person(std::string(person));
  event.mutable_access_grant_revoked()->set_professional(std::string(professional));
  return impl_->Apply(event);
}

// --- Decisions ----------------------------------------------------------------------------------

absl::StatusOr<Decision> AccessEngine::Decide(const AccessRequest& request) const {
  return impl_->current()->Decide(request);
}

absl::Status AccessEngine::DecideMany(absl::Span<const AccessRequest> requests,
                                      absl::Span<Decision> out) const {
  return impl_->current()->DecideMany(requests, out);
}

absl::StatusOr<Explanation> AccessEngine::Explain(const AccessRequest& request) const {
  return impl_->current()->Explain(request);
}

absl::Status AccessEngine::FilterView(absl::Span<const AccessRequest> items,
                                      absl::Span<Visibility> out) const {
  return impl_->current()->FilterView(items, out);
}

absl::StatusOr<std::vector<uint32_t>> AccessEngine::ListPersons(uint32_t actor, uint32_t category,
                                                                uint32_t purpose, Action action,
                                                                absl::Time time) const {
  return impl_->current()->ListPersons(actor, category, purpose, action, time);
}

}  // namespace socle
