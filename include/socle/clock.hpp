// socle/clock.hpp: the injectable source of "now".
//
// Every socle call that depends on the time takes its time from a Clock, so tests can step a
// FakeClock to the exact second (a break-the-glass session expiring, a deadline passing) instead
// of sleeping. All times are UTC (absl::Time has no time zone).
#ifndef SOCLE_CLOCK_HPP_
#define SOCLE_CLOCK_HPP_

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "socle/export.hpp"

namespace socle {

// A source of the current time. Implementations must be thread-safe.
class SOCLE_CXX_API Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;

  // The process-wide real-time clock. Never null, never destroyed.
  static const Clock& Real();
};

// A clock that only moves when told to. Thread-safe: Now(), Set() and Advance() may race.
class SOCLE_CXX_API FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override {
    return absl::FromUnixNanos(nanos_.load(std::memory_order_acquire));
  }
  void Set(absl::Time t) { nanos_.store(absl::ToUnixNanos(t), std::memory_order_release); }
  void Advance(absl::Duration d) {
    nanos_.fetch_add(absl::ToInt64Nanoseconds(d), std::memory_order_acq_rel);
  }

 private:
  std::atomic<int64_t> nanos_;
};

}  // namespace socle

#endif  // SOCLE_CLOCK_HPP_
