// Calendar dates as the law counts them: deadlines in months with end-of-month clamping, the
// N-th birthday, and the legal day of an instant in Europe/Paris. Retention (phases, the 25th
// birthday) and rights requests (receipt + 1 month, + 2 months) both count with these, so a date
// is computed one way everywhere.
//
// Thread safety: plain functions; LegalTimeZone() loads the zone once, thread-safely.
#ifndef SOCLE_SRC_CORE_CALENDAR_H_
#define SOCLE_SRC_CORE_CALENDAR_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace socle::core {

// `day` plus `months` calendar months (negative: minus). A day the target month does not have
// becomes its last day: 31 January + 1 month = 28 February (29 in a leap year), 31 March + 1
// month = 30 April, 29 February + 12 months = 28 February.
absl::CivilDay AddMonthsClamped(absl::CivilDay day, int64_t months);
// The same on day numbers (days since 1970-01-01), in integer arithmetic only (the proleptic
// Gregorian calendar's closed forms, no civil-time normalisation): the retention phases compute
// a few of these per person and decision. |months| up to 12 × 10^6.
int32_t AddMonthsToDay(int32_t day, int64_t months);

// The day a person born on `birth` reaches `years` years of age: the anniversary, or 1 March in a
// common year for a person born on 29 February (as the engine counts ages: AgeOn in
// src/access/person_facts.h gains the year on 1 March).
absl::CivilDay NthBirthday(absl::CivilDay birth, int64_t years);

// Days since 1970-01-01, the engine's day numbers, and back.
inline int32_t DayNumber(absl::CivilDay day) {
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}
inline absl::CivilDay DayFromNumber(int32_t day) { return absl::CivilDay(1970, 1, 1) + day; }

// The time zone French deadlines are counted in (Europe/Paris), loaded once from the system's
// time zone data. FAILED_PRECONDITION when the data is missing (Debian's tzdata package).
absl::StatusOr<absl::TimeZone> LegalTimeZone();

// The calendar day of `t` in Europe/Paris. Requires LegalTimeZone() to have succeeded (callers
// check it once when they are created); falls back to UTC otherwise.
absl::CivilDay LegalDayOf(absl::Time t);
// DayNumber(LegalDayOf(t)) of `unix_nanos`. Each thread keeps the bounds of the last day it
// answered, so the decisions on persons with retention facts, which all ask for the present's
// day, convert once a day rather than once per decision.
int32_t LegalDayNumber(int64_t unix_nanos);

}  // namespace socle::core

#endif  // SOCLE_SRC_CORE_CALENDAR_H_
