#include "pseudonym/pseudonymizer_rate_limit.h"

namespace socle::pseudonym_internal {
namespace {

// Past this many actors, those whose tokens have all come back are forgotten (a fresh bucket is
// the same as theirs), so the map does not grow with every actor ever seen.
constexpr size_t kPruneAbove = 4096;

}  // namespace

RateLimiter::RateLimiter(uint32_t capacity, absl::Duration window)
    : capacity_(capacity), window_(window) {}

bool RateLimiter::Allow(absl::string_view actor, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (actors_.size() > kPruneAbove) {
    absl::erase_if(actors_, [&](const auto& entry) {
      const Ring& r = entry.second;
      if (r.taken.empty()) return true;
      const size_t newest = (r.head + r.taken.size() - 1) % r.taken.size();
      return r.taken[newest] + window_ <= now;
    });
  }
  Ring& ring = actors_[actor];
  if (ring.taken.size() < capacity_) {
    // Tokens never taken yet are free. The ring fills in order, so `head` stays 0 until full.
    ring.taken.push_back(now);
    return true;
  }
  // All tokens have been taken once: the oldest comes back one window after it was taken.
  if (ring.taken[ring.head] + window_ > now) return false;
  ring.taken[ring.head] = now;
  ring.head = (ring.head + 1) % ring.taken.size();
  return true;
}

}  // namespace socle::pseudonym_internal
