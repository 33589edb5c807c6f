// The injectable clock: a FakeClock moves only when told to, and may be moved from many threads.
#include "socle/clock.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace socle {
namespace {

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 3, 1, 9, 30, 0), absl::UTCTimeZone());

BOOST_AUTO_TEST_SUITE(clock)

BOOST_AUTO_TEST_CASE(fake_clock_stands_still_until_moved) {
  FakeClock clock(kStart);
  BOOST_TEST((clock.Now() == kStart));
  BOOST_TEST((clock.Now() == kStart));
}

BOOST_AUTO_TEST_CASE(fake_clock_set_and_advance) {
  FakeClock clock(kStart);
  clock.Advance(absl::Minutes(240));
  BOOST_TEST((clock.Now() == kStart + absl::Hours(4)));
  clock.Advance(absl::Nanoseconds(1));
  BOOST_TEST((clock.Now() - kStart == absl::Hours(4) + absl::Nanoseconds(1)));
  clock.Advance(-absl::Hours(5));  // a clock may be stepped back in a test
  BOOST_TEST((clock.Now() == kStart - absl::Hours(1) + absl::Nanoseconds(1)));
  const absl::Time later = absl::FromCivil(absl::CivilDay(2027, 1, 1), absl::UTCTimeZone());
  clock.Set(later);
  BOOST_TEST((clock.Now() == later));
  clock.Set(absl::UnixEpoch());
  BOOST_TEST((clock.Now() == absl::UnixEpoch()));
}

BOOST_AUTO_TEST_CASE(fake_clock_is_usable_through_the_interface) {
  FakeClock fake(kStart);
  const Clock& clock = fake;
  fake.Advance(absl::Seconds(30));
  BOOST_TEST((clock.Now() == kStart + absl::Seconds(30)));
}

BOOST_AUTO_TEST_CASE(fake_clock_advances_from_many_threads_without_losing_a_step) {
  FakeClock clock(kStart);
  constexpr int kThreads = 4;
  constexpr int kSteps = 20000;
  std::atomic<bool> go{false};
  std::atomic<bool> went_backwards{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kSteps; ++i) clock.Advance(absl::Nanoseconds(1));
    });
  }
  // A reader racing the writers only ever sees the time move forward.
  threads.emplace_back([&] {
    while (!go.load()) std::this_thread::yield();
    absl::Time last = clock.Now();
    for (int i = 0; i < kSteps; ++i) {
      const absl::Time now = clock.Now();
      if (now < last) went_backwards = true;
      last = now;
    }
  });
  go = true;
  for (std::thread& thread : threads) thread.join();
  BOOST_TEST(!went_backwards.load());
  BOOST_TEST((clock.Now() == kStart + absl::Nanoseconds(int64_t{kThreads} * kSteps)));
}

BOOST_AUTO_TEST_CASE(real_clock_is_one_instance_near_the_system_time) {
  const Clock& a = Clock::Real();
  const Clock& b = Clock::Real();
  BOOST_TEST(&a == &b);
  // Loose on purpose: the system clock may be stepped between the two reads.
  BOOST_TEST((absl::AbsDuration(a.Now() - absl::Now()) < absl::Minutes(5)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
