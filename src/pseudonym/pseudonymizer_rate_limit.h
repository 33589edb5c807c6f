// The per-actor rate limit of token reversal (REQ-49): a token bucket of `capacity` tokens in
// which every token taken comes back exactly one `window` after it was taken. Unlike a bucket
// refilled at a steady rate (which lets up to 2 × capacity calls through in one window: a full
// bucket, then the refill), this guarantees what the requirement says: never more than
// `capacity` calls by one actor in any interval of length `window`. Each actor costs one ring of
// `capacity` timestamps; actors whose tokens have all come back are forgotten.
#ifndef SOCLE_SRC_PSEUDONYM_PSEUDONYMIZER_RATE_LIMIT_H_
#define SOCLE_SRC_PSEUDONYM_PSEUDONYMIZER_RATE_LIMIT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace socle::pseudonym_internal {

// Thread-safe.
class RateLimiter {
 public:
  // 1 <= capacity <= kMaxCapacity, window > 0 (checked by the caller).
  static constexpr uint32_t kMaxCapacity = 100000;
  RateLimiter(uint32_t capacity, absl::Duration window);
  // Takes one token from `actor`'s bucket at `now`; false when none is left (nothing is taken
  // then). A clock that goes back never frees a token early.
  bool Allow(absl::string_view actor, absl::Time now);

 private:
  struct Ring {
    std::vector<absl::Time> taken;  // when each token in use was taken, oldest at `head`
    size_t head = 0;
  };
  const uint32_t capacity_;
  const absl::Duration window_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Ring> actors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace socle::pseudonym_internal

#endif  // SOCLE_SRC_PSEUDONYM_PSEUDONYMIZER_RATE_LIMIT_H_
