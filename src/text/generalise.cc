#include "socle/generalise.hpp"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "socle/error.hpp"

namespace socle {
namespace {

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int ToInt(absl::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2)) || !AllDigits(text.substr(8, 2))) {
    return MakeError(ErrorCode::kInvalidArgument, "date: expected YYYY-MM-DD");
  }
  const int year = ToInt(text.substr(0, 4));
  const int month = ToInt(text.substr(5, 2));
  const int day = ToInt(text.substr(8, 2));
  const absl::CivilDay parsed(year, month, day);
  // CivilDay normalises out-of-range fields (2023-02-29 becomes 2023-03-01): refuse those.
  if (year < 1 || parsed.year() != year || parsed.month() != month || parsed.day() != day) {
    return MakeError(ErrorCode::kInvalidArgument, "date: no such calendar day");
  }
  return parsed;
}

absl::StatusOr<int> AgeAt(absl::CivilDay birth, absl::CivilDay reference) {
  if (reference < birth) {
    return MakeError(ErrorCode::kOutOfRange, "age: the reference date is before the birth date");
  }
  int age = static_cast<int>(reference.year() - birth.year());
  // Compare (month, day) as written: someone born on 29 February is not a year older until
  // 1 March in a common year.
  if (reference.month() < birth.month() ||
      (reference.month() == birth.month() && reference.day() < birth.day())) {
    --age;
  }
  return age;
}

std::string AgeBand::Label() const {
  if (!high.has_value()) return absl::StrCat(low, "+");
  return absl::StrCat(low, "-", *high);
}

absl::StatusOr<AgeBand> AgeBandAt(absl::CivilDay birth, absl::CivilDay reference, int width,
                                  int open_from) {
  if (width != 5 && width != 10) {
    return MakeError(ErrorCode::kInvalidArgument, "age band: the width must be 5 or 10 years");
  }
  if (open_from < 0 || open_from % width != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "age band: open_from must be 0 or a positive multiple of the width");
  }
  absl::StatusOr<int> age = AgeAt(birth, reference);
  if (!age.ok()) return age.status();
  AgeBand band;
  if (open_from > 0 && *age >= open_from) {
    band.low = open_from;
    return band;
  }
  band.low = *age / width * width;
  band.high = band.low + width - 1;
  return band;
}

std::string GeneraliseDate(absl::CivilDay day, DateGranularity granularity) {
  if (granularity == DateGranularity::kYear) return absl::StrFormat("%04d", day.year());
  return absl::StrFormat("%04d-%02d", day.year(), day.month());
}

absl::StatusOr<std::string> DepartementFromPostcode(absl::string_view postcode) {
  postcode = absl::StripAsciiWhitespace(postcode);
  if (postcode.size() != 5 || !AllDigits(postcode)) {
    return MakeError(ErrorCode::kInvalidArgument, "postcode: expected 5 digits");
  }
  const int code = ToInt(postcode);
  const int dep = code / 1000;
  if (dep == 0 || dep == 96) {
    return MakeError(ErrorCode::kNotFound, "postcode: no département uses this range");
  }
  if (dep == 20) {
    const int block = code / 100;  // 200, 201, ..., 209
    if (block == 200 || block == 201) return std::string("2A");
    if (block == 202 || block == 206) return std::string("2B");
    return MakeError(ErrorCode::kNotFound, "postcode: not an assigned Corsican postcode");
  }
  if (dep == 97) {
    if (code == 97133) return std::string("977");  // Saint-Barthélemy
    if (code == 97150) return std::string("978");  // Saint-Martin
    const int overseas = code / 100;
    if (overseas >= 971 && overseas <= 976) return std::to_string(overseas);
    return MakeError(ErrorCode::kNotFound, "postcode: not an overseas postcode");
  }
  if (dep == 98) {
    const int overseas = code / 100;
    if (overseas >= 984 && overseas <= 988) return std::to_string(overseas);
    return MakeError(ErrorCode::kNotFound,
                     "postcode: Monaco or an unassigned range, not a French département");
  }
  return std::string(postcode.substr(0, 2));
}

absl::StatusOr<std::string> DepartementFromInseeCode(absl::string_view code) {
  code = absl::StripAsciiWhitespace(code);
  if (code.size() != 5) {
    return MakeError(ErrorCode::kInvalidArgument, "INSEE commune code: expected 5 characters");
  }
  const char c0 = code[0];
  const char c1 = static_cast<char>(absl::ascii_toupper(static_cast<unsigned char>(code[1])));
  if (c0 == '2' && (c1 == 'A' || c1 == 'B')) {
    if (!AllDigits(code.substr(2))) {
      return MakeError(ErrorCode::kInvalidArgument, "INSEE commune code: expected 5 characters");
    }
    return std::string{c0, c1};
  }
  if (!AllDigits(code)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "INSEE commune code: digits only (or 2A/2B for Corsica)");
  }
  const int dep = ToInt(code.substr(0, 2));
  if (dep == 0 || dep == 20 || dep == 96) {
    return MakeError(ErrorCode::kNotFound, "INSEE commune code: no such département");
  }
  if (dep == 99) {
    return MakeError(ErrorCode::kNotFound, "INSEE code: a country, not a French commune");
  }
  if (dep == 97 || dep == 98) {
    const int overseas = ToInt(code.substr(0, 3));
    if ((overseas >= 971 && overseas <= 978) || (overseas >= 984 && overseas <= 988)) {
      return std::to_string(overseas);
    }
    return MakeError(ErrorCode::kNotFound, "INSEE commune code: no such overseas code");
  }
  return std::string(code.substr(0, 2));
}

std::string AmountBrackets::Bracket::Label() const {
  if (!low.has_value() && high.has_value()) return absl::StrCat("< ", *high);
  if (low.has_value() && !high.has_value()) return absl::StrCat(">= ", *low);
  if (low.has_value() && high.has_value()) return absl::StrCat("[", *low, ", ", *high, ")");
  return "all";
}

absl::StatusOr<AmountBrackets> AmountBrackets::Create(std::vector<int64_t> bounds) {
  if (bounds.empty() || bounds.size() > 1000) {
    return MakeError(ErrorCode::kInvalidArgument, "amount brackets: give 1 to 1000 bounds");
  }
  for (size_t i = 1; i < bounds.size(); ++i) {
    if (bounds[i] <= bounds[i - 1]) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("amount brackets: bound ", i, " is not above bound ", i - 1));
    }
  }
  return AmountBrackets(std::move(bounds));
}

AmountBrackets::Bracket AmountBrackets::Find(int64_t amount) const {
  // The first bound strictly above the amount closes its bracket.
  const auto it = std::upper_bound(bounds_.begin(), bounds_.end(), amount);
  Bracket b;
  b.index = static_cast<size_t>(it - bounds_.begin());
  if (it != bounds_.begin()) b.low = *(it - 1);
  if (it != bounds_.end()) b.high = *it;
  return b;
}

}  // namespace socle
