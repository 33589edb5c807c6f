// socle/generalise.hpp: generalisation of quasi-identifiers for exports and statistics (REQ-50).
//
// A quasi-identifier is not an identifier on its own but singles a person out in combination
// (birth date + commune + income). An export profile replaces each one by a coarser value:
// birth date -> year or age band, date -> month or year, postcode or INSEE commune code ->
// département, amount -> bracket. docs/redaction.md gives the rules and their sources.
//
// Dates are absl::CivilDay (a calendar day, no time zone); text dates are ISO 8601
// "YYYY-MM-DD". Error messages never repeat the value they refuse (a birth date or a postcode is
// personal data).
//
// Thread safety: the free functions are pure; AmountBrackets is immutable after Create() and may
// be shared between threads.
#ifndef SOCLE_GENERALISE_HPP_
#define SOCLE_GENERALISE_HPP_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "socle/export.hpp"

namespace socle {

// Parses a strict ISO 8601 calendar date "YYYY-MM-DD" (years 0001-9999); "2023-02-29" is
// refused. INVALID_ARGUMENT otherwise.
SOCLE_CXX_API absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text);

// Age in completed years on `reference`. A person born on 29 February has their birthday on
// 1 March in common years (they are not a year older on 28 February). OUT_OF_RANGE when
// `reference` is before `birth`.
SOCLE_CXX_API absl::StatusOr<int> AgeAt(absl::CivilDay birth, absl::CivilDay reference);

// An age band [low, high], both inclusive; an open top band ("90+") has no high.
struct SOCLE_CXX_API AgeBand {
  int low = 0;
  std::optional<int> high;
  // "35-39", or "90+" for an open band.
  std::string Label() const;
};

// The band of the age on `reference`, `width` years wide (5 or 10, as REQ-50 asks), aligned on
// multiples of the width. When `open_from` is not 0 (a multiple of the width), every age from
// `open_from` up falls in one open band, so the oldest people are not singled out.
// INVALID_ARGUMENT for another width or a misaligned `open_from`; OUT_OF_RANGE as AgeAt.
SOCLE_CXX_API absl::StatusOr<AgeBand> AgeBandAt(absl::CivilDay birth, absl::CivilDay reference,
                                                int width, int open_from = 0);

// A date reduced to its month or its year.
enum class DateGranularity : int32_t { kMonth = 1, kYear = 2 };

// "2024-03" (kMonth) or "2024" (kYear).
SOCLE_CXX_API std::string GeneraliseDate(absl::CivilDay day, DateGranularity granularity);

// The département of a French postcode (5 digits): the first two digits, except
//   - Corsica: 200xx-201xx -> "2A" (Corse-du-Sud), 202xx and 206xx -> "2B" (Haute-Corse); other
//     20xxx codes are not assigned (NOT_FOUND);
//   - overseas: 971xx-974xx, 976xx -> "971".."974", "976"; 975xx -> "975" (Saint-Pierre-et-
//     Miquelon); 97133 -> "977" (Saint-Barthélemy) and 97150 -> "978" (Saint-Martin), which
//     kept Guadeloupe's postcodes when they became collectivities; 984xx-988xx -> "984".."988";
//   - 980xx is Monaco (NOT_FOUND), 00xxx and 96xxx are not postcodes (NOT_FOUND).
// A postcode names a distribution office, so a few communes near a border have the postcode of a
// neighbouring département (docs/redaction.md): prefer the INSEE commune code when you have it.
// INVALID_ARGUMENT unless exactly 5 digits (spaces around are ignored).
SOCLE_CXX_API absl::StatusOr<std::string> DepartementFromPostcode(absl::string_view postcode);

// The département of an INSEE commune code (Code officiel géographique, 5 characters): "2A004"
// -> "2A", "97411" -> "974", "98818" -> "988", "75056" -> "75". Codes starting with 99 are
// countries, not communes (NOT_FOUND); "20xxx" has not existed since 1976 (NOT_FOUND);
// INVALID_ARGUMENT when the text is not a commune code at all.
SOCLE_CXX_API absl::StatusOr<std::string> DepartementFromInseeCode(absl::string_view code);

// Brackets of amounts (income, debts, benefits) with configurable bounds. With bounds
// {500, 1000, 1500} there are four brackets: < 500, [500, 1000), [1000, 1500), >= 1500. Amounts
// are integers in the caller's unit (euros, or cents: say which in your export profile).
class SOCLE_CXX_API AmountBrackets {
 public:
  struct Bracket {
    size_t index = 0;             // 0 for the lowest bracket
    std::optional<int64_t> low;   // inclusive; none for the lowest bracket
    std::optional<int64_t> high;  // exclusive; none for the highest bracket
    // "< 500", "[500, 1000)", ">= 1500".
    std::string Label() const;
  };

  // `bounds` must be strictly increasing, with 1 to 1000 values. INVALID_ARGUMENT otherwise.
  static absl::StatusOr<AmountBrackets> Create(std::vector<int64_t> bounds);

  Bracket Find(int64_t amount) const;
  size_t bracket_count() const { return bounds_.size() + 1; }
  const std::vector<int64_t>& bounds() const { return bounds_; }

 private:
  explicit AmountBrackets(std::vector<int64_t> bounds) : bounds_(std::move(bounds)) {}
  std::vector<int64_t> bounds_;
};

}  // namespace socle

#endif  // SOCLE_GENERALISE_HPP_
