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
  const absl::CivilMonth target = absl::CivilMonth(day) + months;
  const int last = DaysInMonth(target.year(), target.month());
  return absl::CivilDay(target.year(), target.month(), day.day() > last ? last : day.day());
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

}  // namespace socle::core
