#include "socle/clock.hpp"

#include "absl/time/clock.h"

namespace socle {
namespace {

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace

const Clock& Clock::Real() {
  static const RealClock* const clock = new RealClock();  // never destroyed: usable at exit
  return *clock;
}

}  // namespace socle
