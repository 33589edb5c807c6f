#include "core/calendar.h"

#include <string>

#include "socle/error.hpp"

namespace socle::core {
namespace {

constexpr char kLegalZone[] = "Europe/Paris";

struct LoadedZone {
  bool ok = false;
  absl::TimeZone zone = absl::UTCTimeZone();
};

const LoadedZone& Zone() {
  static const LoadedZone* const loaded = [] {
    auto* z = new LoadedZone;
    z->ok = absl::LoadTimeZone(kLegalZone, &z->zone);
    if (!z->ok) z->zone = absl::UTCTimeZone();
    return z;
  }();
  return *loaded;
}

int DaysInMonth(absl::civil_year_t year, int month) {
  const absl::CivilMonth m(year, month);
  return static_cast<int>(absl::CivilDay(m + 1) - absl::CivilDay(m));
}

}  // namespace

absl::CivilDay AddMonthsClamped(absl::CivilDay day, int64_t months) {
  return DayFromNumber(AddMonthsToDay(DayNumber(day), months));
}

int32_t AddMonthsToDay(int32_t day, int64_t months) {
  // Day number to (year, month, day) and back: H. Hinnant's civil_from_days and days_from_civil
  // (eras of 400 years, years starting on 1 March so that February's length comes last).
  const int64_t z = int64_t{day} + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;                                       // [0, 146096]
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const int64_t mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);

  const int64_t total = y * 12 + (m - 1) + months;  // months since year 0
  int64_t ty = total >= 0 ? total / 12 : (total - 11) / 12;
  const int64_t tm = total - ty * 12 + 1;
  const bool leap = (ty % 4 == 0 && ty % 100 != 0) || ty % 400 == 0;
  static constexpr int8_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int64_t last = kDays[tm - 1] + (tm == 2 && leap ? 1 : 0);
  const int64_t td = d > last ? last : d;

  ty -= tm <= 2 ? 1 : 0;
  const int64_t tera = (ty >= 0 ? ty : ty - 399) / 400;
  const int64_t tyoe = ty - tera * 400;
  const int64_t tdoy = (153 * (tm > 2 ? tm - 3 : tm + 9) + 2) / 5 + td - 1;
  const int64_t tdoe = tyoe * 365 + tyoe / 4 - tyoe / 100 + tdoy;
  return static_cast<int32_t>(tera * 146097 + tdoe - 719468);
}

absl::CivilDay NthBirthday(absl::CivilDay birth, int64_t years) {
  const absl::civil_year_t year = birth.year() + years;
  if (birth.month() == 2 && birth.day() == 29 && DaysInMonth(year, 2) == 28) {
    return absl::CivilDay(year, 3, 1);
  }
  return absl::CivilDay(year, birth.month(), birth.day());
}

absl::StatusOr<absl::TimeZone> LegalTimeZone() {
  const LoadedZone& z = Zone();
  if (!z.ok) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the Europe/Paris time zone cannot be loaded: install the system's time zone "
                     "data (Debian: tzdata)");
  }
  return z.zone;
}

absl::CivilDay LegalDayOf(absl::Time t) { return absl::ToCivilDay(t, Zone().zone); }

int32_t LegalDayNumber(int64_t unix_nanos) {
  struct Day {
    int64_t begin = 1;  // [begin, end) in unix nanoseconds; empty until first used
    int64_t end = 0;
    int32_t number = 0;
  };
  thread_local Day last;
  if (unix_nanos >= last.begin && unix_nanos < last.end) return last.number;
  const absl::CivilDay day = LegalDayOf(absl::FromUnixNanos(unix_nanos));
  last.begin = absl::ToUnixNanos(absl::FromCivil(day, Zone().zone));
  last.end = absl::ToUnixNanos(absl::FromCivil(day + 1, Zone().zone));
  last.number = DayNumber(day);
  return last.number;
}

}  // namespace socle::core
