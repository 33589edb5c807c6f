// The reversal rate limit on its own (src/pseudonym/pseudonymizer_rate_limit.h): the REQ-49
// guarantee for any spread of calls, a clock that goes back, and bookkeeping that stays O(1) per
// call with many more than 4,096 actors.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "pseudonym/pseudonymizer_rate_limit.h"

namespace socle::pseudonym_internal {
namespace {

BOOST_AUTO_TEST_SUITE(rate_limit)

// Never more than `capacity` calls allowed in any interval of length `window`, however the calls
// fall (random gaps, bursts, window edges), and the actor is never locked out for good.
BOOST_AUTO_TEST_CASE(no_interval_of_one_window_holds_more_than_the_capacity) {
  std::mt19937_64 random(20261203);
  for (const uint32_t capacity : {1u, 3u, 10u, 100u}) {
    const absl::Duration window = absl::Minutes(10);
    RateLimiter limiter;
    absl::Time now = absl::FromUnixSeconds(1767225600) + absl::Seconds(7);  // not on an edge
    std::vector<absl::Time> allowed;
    for (int i = 0; i < 20000; ++i) {
      // Mostly bursts, sometimes long pauses.
      const uint64_t r = random() % 100;
      now += r < 80 ? absl::Milliseconds(random() % 2000)
                    : absl::Seconds(static_cast<int64_t>(random() % 1500));
      if (limiter.Allow("agent-42", capacity, window, now)) allowed.push_back(now);
    }
    // Sliding check over the allowed calls: [allowed[i], allowed[i] + window) holds at most
    // `capacity` of them.
    size_t j = 0;
    for (size_t i = 0; i < allowed.size(); ++i) {
      while (j < allowed.size() && allowed[j] < allowed[i] + window) ++j;
      BOOST_TEST_REQUIRE(j - i <= capacity, "capacity " << capacity << ": " << j - i
                                                          << " calls within one window");
    }
    BOOST_TEST(allowed.size() > 20u * capacity);  // the allowance keeps coming back
  }
}

BOOST_AUTO_TEST_CASE(the_allowance_returns_once_both_windows_are_over) {
  RateLimiter limiter;
  const absl::Duration window = absl::Hours(1);
  const absl::Time start = absl::FromUnixSeconds(1767225600);  // a whole hour: a window starts
  for (int i = 0; i < 3; ++i) BOOST_TEST(limiter.Allow("a", 3, window, start + absl::Minutes(i)));
  BOOST_TEST(!limiter.Allow("a", 3, window, start + absl::Minutes(59)));
  BOOST_TEST(!limiter.Allow("a", 3, window, start + absl::Minutes(119)));  // previous window
  BOOST_TEST(limiter.Allow("a", 3, window, start + absl::Minutes(120)));
  // A clock that goes back stays in the latest window: nothing is freed early.
  BOOST_TEST(limiter.Allow("a", 3, window, start + absl::Minutes(121)));
  BOOST_TEST(limiter.Allow("a", 3, window, start));
  BOOST_TEST(!limiter.Allow("a", 3, window, start - absl::Hours(10)));
  // Times before 1970 are windows too.
  BOOST_TEST(limiter.Allow("b", 1, window, absl::FromUnixSeconds(-1)));
  BOOST_TEST(!limiter.Allow("b", 1, window, absl::FromUnixSeconds(-2)));
}

// The defect: past 4,096 actors every call scanned all of them. Now each call examines at most
// two expiry-queue entries, and the actors of old windows are forgotten as time goes on.
BOOST_AUTO_TEST_CASE(many_actors_cost_o1_per_call_and_old_ones_are_forgotten) {
  RateLimiter limiter;
  const absl::Duration window = absl::Minutes(10);
  const absl::Time start = absl::FromUnixSeconds(1767225600);
  constexpr int kActors = 10000;
  uint64_t calls = 0;
  for (int i = 0; i < kActors; ++i) {
    BOOST_REQUIRE(limiter.Allow("agent-" + std::to_string(i), 5, window,
                                start + absl::Milliseconds(i)));
    ++calls;
  }
  BOOST_TEST(limiter.tracked_actors() == static_cast<size_t>(kActors));
  BOOST_TEST(limiter.examined() == 0u);  // nothing had expired: nothing was looked at
  // All of them again, in the same window: still one entry each, nothing scanned.
  for (int i = 0; i < kActors; ++i) {
    BOOST_REQUIRE(limiter.Allow("agent-" + std::to_string(i), 5, window,
                                start + absl::Seconds(20) + absl::Milliseconds(i)));
    ++calls;
  }
  BOOST_TEST(limiter.tracked_actors() == static_cast<size_t>(kActors));
  BOOST_TEST(limiter.queued() == static_cast<size_t>(kActors));
  BOOST_TEST(limiter.examined() == 0u);
  // Two windows later, other actors: each call forgets at most two old ones.
  const absl::Time later = start + 2 * window + absl::Minutes(1);
  for (int i = 0; i < kActors; ++i) {
    BOOST_REQUIRE(limiter.Allow("other-" + std::to_string(i), 5, window,
                                later + absl::Milliseconds(i)));
    ++calls;
    BOOST_TEST_REQUIRE(limiter.examined() <= 2 * static_cast<uint64_t>(i + 1));
  }
  BOOST_TEST(limiter.examined() <= 2 * calls);
  // The first 10,000 are gone (two per call), the new ones remain: bounded by the active ones.
  BOOST_TEST(limiter.tracked_actors() == static_cast<size_t>(kActors));
  BOOST_TEST(limiter.queued() == static_cast<size_t>(kActors));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pseudonym_internal
