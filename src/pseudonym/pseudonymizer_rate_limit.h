// The per-actor rate limit of token reversal (REQ-49) and the controls a Pseudonymizer keeps in
// memory when its secret source has no durable ones.
//
// The limit is counted in fixed windows of length `window` (window k is [k·window, (k+1)·window)
// of Unix time). A call is allowed only while the calls already allowed in the current window
// and the previous one number fewer than `capacity`. Any interval of length `window` lies within
// two consecutive windows, so this guarantees what REQ-49 asks — never more than `capacity`
// calls by one actor in any interval of length `window` — which a bucket refilled at a steady
// rate would not (it lets up to twice the capacity through). The price is caution: an actor who
// used the whole allowance waits until it has left both windows (one to two windows). Each actor
// costs three integers, whatever the capacity: the vault stores them as one row, the in-memory
// limiter as one map entry.
#ifndef SOCLE_SRC_PSEUDONYM_PSEUDONYMIZER_RATE_LIMIT_H_
#define SOCLE_SRC_PSEUDONYM_PSEUDONYMIZER_RATE_LIMIT_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "socle/pseudonym_secrets.hpp"

namespace socle::pseudonym_internal {

inline constexpr uint32_t kMaxReversalCapacity = 100000;

// One actor's counts: `current` calls allowed in window `index`, `previous` in window index-1.
struct WindowCounts {
  int64_t index = 0;
  uint32_t previous = 0;
  uint32_t current = 0;
};

// The index of the window that holds `now` (floor division: times before 1970 work too).
int64_t WindowIndex(absl::Time now, absl::Duration window);
// The first time at which `counts` no longer restrain anything (the end of the window after
// counts.index), as Unix nanoseconds: a record may be forgotten from then on.
int64_t WindowCountsExpiry(const WindowCounts& counts, absl::Duration window);
// Moves `counts` to the window of `now` and takes one call if the limit allows it. A clock that
// goes back stays in the latest window seen, so it never frees a call early.
bool TakeFromWindows(WindowCounts& counts, uint32_t capacity, absl::Duration window,
                     absl::Time now);

// The in-memory limiter: O(1) per call. Each call forgets at most two actors whose counts have
// expired (an expiry queue in time order), so the bookkeeping follows the actors active in the
// last two windows without ever scanning them all. Thread-safe.
class RateLimiter {
 public:
  RateLimiter() = default;
  bool Allow(absl::string_view actor, uint32_t capacity, absl::Duration window, absl::Time now);

  // For tests and monitoring: actors tracked now, expiry-queue entries, and how many entries all
  // calls together have examined to forget expired actors (at most two per call).
  size_t tracked_actors() const;
  size_t queued() const;
  uint64_t examined() const;

 private:
  struct Entry {
    WindowCounts counts;
    absl::Duration window;
    int64_t expiry = 0;  // Unix nanoseconds
  };
  void ForgetExpired(int64_t now_nanos) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> actors_ ABSL_GUARDED_BY(mu_);
  // (expiry, actor) in the order the expiries were set. Expiries only move forward and every
  // queued expiry is at most two windows ahead of the call that queued it, so the front is
  // always among the earliest to expire (exactly, for one window length).
  std::deque<std::pair<int64_t, std::string>> queue_ ABSL_GUARDED_BY(mu_);
  uint64_t examined_ ABSL_GUARDED_BY(mu_) = 0;
};

// The controls of a Pseudonymizer whose source has none: retirement and the limit in memory,
// for that object alone.
class LocalControls final : public PseudonymControls {
 public:
  explicit LocalControls(uint32_t current) : current_(current) {}
  absl::StatusOr<uint32_t> RetiredThrough() const override;
  absl::Status RetireThrough(uint32_t version) override;
  absl::StatusOr<bool> TakeReversal(absl::string_view actor, uint32_t capacity,
                                    absl::Duration window, absl::Time now) override;
  const RateLimiter& limiter() const { return limiter_; }

 private:
  const uint32_t current_;
  std::atomic<uint32_t> retired_{0};
  RateLimiter limiter_;
};

}  // namespace socle::pseudonym_internal

#endif  // SOCLE_SRC_PSEUDONYM_PSEUDONYMIZER_RATE_LIMIT_H_
