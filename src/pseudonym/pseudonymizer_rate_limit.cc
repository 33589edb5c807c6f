#include "pseudonym/pseudonymizer_rate_limit.h"

#include <algorithm>

#include "socle/error.hpp"

namespace socle::pseudonym_internal {

int64_t WindowIndex(absl::Time now, absl::Duration window) {
  absl::Duration remainder;
  int64_t index = absl::IDivDuration(now - absl::UnixEpoch(), window, &remainder);
  if (remainder < absl::ZeroDuration()) --index;  // floor, not truncation, before 1970
  return index;
}

int64_t WindowCountsExpiry(const WindowCounts& counts, absl::Duration window) {
  // absl's duration arithmetic saturates, so a huge window gives "never" rather than overflow.
  return absl::ToUnixNanos(absl::UnixEpoch() + window * (counts.index + 2));
}

bool TakeFromWindows(WindowCounts& counts, uint32_t capacity, absl::Duration window,
                     absl::Time now) {
  const int64_t index = WindowIndex(now, window);
  if (index > counts.index) {
    counts.previous = index == counts.index + 1 ? counts.current : 0;
    counts.current = 0;
    counts.index = index;
  }
  if (static_cast<uint64_t>(counts.previous) + counts.current >= capacity) return false;
  ++counts.current;
  return true;
}

bool RateLimiter::Allow(absl::string_view actor, uint32_t capacity, absl::Duration window,
                        absl::Time now) {
  const int64_t now_nanos = absl::ToUnixNanos(now);
  absl::MutexLock lock(&mu_);
  ForgetExpired(now_nanos);
  auto [it, inserted] = actors_.try_emplace(actor);
  Entry& entry = it->second;
  if (inserted) {
    entry.counts.index = WindowIndex(now, window);
    entry.window = window;
  } else if (entry.window != window) {
    // Another limit for the same actor (a caller that changed its options): keep every call
    // still in the window as spent, counted in the previous window.
    const uint32_t spent = entry.expiry > now_nanos ? entry.counts.previous + entry.counts.current : 0;
    entry.counts = WindowCounts{WindowIndex(now, window), std::min(spent, kMaxReversalCapacity), 0};
    entry.window = window;
  }
  const bool allowed = TakeFromWindows(entry.counts, capacity, window, now);
  const int64_t expiry = WindowCountsExpiry(entry.counts, window);
  if (expiry != entry.expiry) {
    entry.expiry = expiry;
    queue_.emplace_back(expiry, std::string(actor));
  }
  return allowed;
}

void RateLimiter::ForgetExpired(int64_t now_nanos) {
  for (int i = 0; i < 2 && !queue_.empty() && queue_.front().first <= now_nanos; ++i) {
    ++examined_;
    const auto it = actors_.find(queue_.front().second);
    // The actor may have been seen since: then a later queue entry carries its new expiry.
    if (it != actors_.end() && it->second.expiry <= now_nanos) actors_.erase(it);
    queue_.pop_front();
  }
}

size_t RateLimiter::tracked_actors() const {
  absl::MutexLock lock(&mu_);
  return actors_.size();
}

size_t RateLimiter::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

uint64_t RateLimiter::examined() const {
  absl::MutexLock lock(&mu_);
  return examined_;
}

absl::StatusOr<uint32_t> LocalControls::RetiredThrough() const { return retired_.load(); }

absl::Status LocalControls::RetireThrough(uint32_t version) {
  if (version == 0) return MakeError(ErrorCode::kInvalidArgument, "retire: version 0");
  if (version >= current_) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "retire: version " + std::to_string(version) +
                         " is not older than the current " + std::to_string(current_));
  }
  uint32_t seen = retired_.load();
  while (seen < version && !retired_.compare_exchange_weak(seen, version)) {
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> LocalControls::TakeReversal(absl::string_view actor, uint32_t capacity,
                                                 absl::Duration window, absl::Time now) {
  return limiter_.Allow(actor, capacity, window, now);
}

}  // namespace socle::pseudonym_internal
