#include "core/calendar.h"

#include <boost/test/unit_test.hpp>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace socle::core {
namespace {

using absl::CivilDay;

BOOST_AUTO_TEST_SUITE(calendar)

BOOST_AUTO_TEST_CASE(months_clamp_to_the_end_of_the_month) {
  struct Row {
    CivilDay from;
    int64_t months;
    CivilDay expected;
  };
  const Row rows[] = {
      {CivilDay(2025, 1, 31), 1, CivilDay(2025, 2, 28)},
      {CivilDay(2024, 1, 31), 1, CivilDay(2024, 2, 29)},
      {CivilDay(2024, 1, 30), 1, CivilDay(2024, 2, 29)},
      {CivilDay(2024, 1, 28), 1, CivilDay(2024, 2, 28)},
      {CivilDay(2025, 3, 31), 1, CivilDay(2025, 4, 30)},
      {CivilDay(2025, 12, 15), 1, CivilDay(2026, 1, 15)},
      {CivilDay(2025, 12, 31), 2, CivilDay(2026, 2, 28)},
      {CivilDay(2024, 2, 29), 12, CivilDay(2025, 2, 28)},
      {CivilDay(2024, 2, 29), 48, CivilDay(2028, 2, 29)},
      {CivilDay(2025, 3, 31), -1, CivilDay(2025, 2, 28)},
      {CivilDay(2025, 5, 10), 0, CivilDay(2025, 5, 10)},
      {CivilDay(2025, 1, 31), 3, CivilDay(2025, 4, 30)},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.from << " + " << r.months) {
      BOOST_TEST(AddMonthsClamped(r.from, r.months) == r.expected);
    }
  }
}

// The integer day-number form against absl's civil-time arithmetic (the reference: the target
// month from CivilMonth, its length from the next month's first day), every day from 1599 to
// 2401 with offsets across year, century and 400-year boundaries.
BOOST_AUTO_TEST_CASE(day_number_months_agree_with_civil_time) {
  const auto reference = [](CivilDay day, int64_t months) {
    const absl::CivilMonth target = absl::CivilMonth(day) + months;
    const int last = static_cast<int>(CivilDay(target + 1) - CivilDay(target));
    return CivilDay(target.year(), target.month(), day.day() > last ? last : day.day());
  };
  int64_t mismatches = 0;
  for (CivilDay d(1599, 1, 1); d <= CivilDay(2401, 12, 31); ++d) {
    for (int64_t months : {0, 1, -1, 2, 11, 12, -12, 13, 24, 25, 48, 120, -1201, 2400, 4801}) {
      const CivilDay got = DayFromNumber(AddMonthsToDay(DayNumber(d), months));
      if (got != reference(d, months)) {
        if (++mismatches <= 5) BOOST_ERROR(d << " + " << months << ": " << got);
      }
    }
  }
  BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_CASE(birthdays_of_a_leap_day_birth_fall_on_the_first_of_march) {
  BOOST_TEST(NthBirthday(CivilDay(2000, 2, 29), 25) == CivilDay(2025, 3, 1));
  BOOST_TEST(NthBirthday(CivilDay(2000, 2, 29), 24) == CivilDay(2024, 2, 29));
  BOOST_TEST(NthBirthday(CivilDay(2001, 12, 31), 25) == CivilDay(2026, 12, 31));
}

BOOST_AUTO_TEST_CASE(day_numbers_round_trip) {
  BOOST_TEST(DayNumber(CivilDay(1970, 1, 1)) == 0);
  BOOST_TEST(DayNumber(CivilDay(1969, 12, 31)) == -1);
  for (int32_t n : {-40000, -1, 0, 1, 19000, 20454, 60000}) {
    BOOST_TEST(DayNumber(DayFromNumber(n)) == n);
  }
}

BOOST_AUTO_TEST_CASE(the_legal_day_is_the_day_in_paris) {
  BOOST_REQUIRE(LegalTimeZone().ok());
  // 23:30 UTC on 31 December 2025 is 00:30 on 1 January 2026 in Paris (UTC+1 in winter).
  const absl::Time winter =
      absl::FromCivil(absl::CivilSecond(2025, 12, 31, 23, 30, 0), absl::UTCTimeZone());
  BOOST_TEST(LegalDayOf(winter) == CivilDay(2026, 1, 1));
  // 22:30 UTC on 30 June is 00:30 on 1 July (UTC+2 in summer); 21:59 UTC is still 30 June.
  BOOST_TEST(LegalDayOf(absl::FromCivil(absl::CivilSecond(2026, 6, 30, 22, 30, 0),
                                        absl::UTCTimeZone())) == CivilDay(2026, 7, 1));
  BOOST_TEST(LegalDayOf(absl::FromCivil(absl::CivilSecond(2026, 6, 30, 21, 59, 0),
                                        absl::UTCTimeZone())) == CivilDay(2026, 6, 30));
}

// LegalDayNumber keeps the last day's bounds per thread: every minute of two years (both DST
// changes), walked forwards, then backwards, then jumping between distant times, agrees with
// DayNumber(LegalDayOf).
BOOST_AUTO_TEST_CASE(the_legal_day_number_agrees_with_the_legal_day) {
  BOOST_REQUIRE(LegalTimeZone().ok());
  const absl::Time start =
      absl::FromCivil(absl::CivilSecond(2025, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  const int64_t minutes = 2 * 366 * 24 * 60;
  int mismatches = 0;
  auto check = [&](absl::Time t) {
    if (LegalDayNumber(absl::ToUnixNanos(t)) != DayNumber(LegalDayOf(t))) ++mismatches;
  };
  for (int64_t m = 0; m < minutes; ++m) check(start + absl::Minutes(m));
  for (int64_t m = minutes; m >= 0; m -= 7) check(start + absl::Minutes(m));
  for (int i = 0; i < 1000; ++i) {
    check(start + absl::Hours(i * 977 % 17000) - absl::Nanoseconds(i % 3));
    check(absl::FromUnixSeconds(-5000000000LL + i * 86399LL));
  }
  BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::core
