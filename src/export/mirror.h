// Internals of the training mirror (socle/training_mirror.hpp) that its tests check one by one:
// the fiction phone blocks, the fake NIR, the date shifter and the word folding.
#ifndef SOCLE_SRC_EXPORT_MIRROR_H_
#define SOCLE_SRC_EXPORT_MIRROR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"

namespace socle::mirror_internal {

// The six blocks of 10,000 numbers the French numbering plan keeps for audiovisual works (ARCEP,
// plan national de numérotation, § 2.5.12; docs/training-mirror.md): the first six digits of a
// national number, "019900" (Paris region) … "063998" (mobile).
absl::Span<const absl::string_view> FictionPhoneBlocks();

// Whether `text` (separators allowed, national "0…" or international "+33…"/"0033…") is a number
// of one of the fiction blocks.
bool IsFictionPhone(absl::string_view text);

// The national form (10 digits starting with 0) of a French number written in any format, or
// its bare digits when it is not a French number.
std::string PhoneDigits(absl::string_view text);

// A NIR whose order number is 000 (never assigned by INSEE), with a valid key: sex digit,
// birth year (2 digits) and month, and the 5-character INSEE code of the birth commune (2A/2B
// allowed). 15 characters, no separator.
std::string MakeFakeNir(int sex_digit, int year2, int month, absl::string_view insee);

// Appends `text` to `out` with every date it recognises moved by `days` days, written in the
// same format: "12/03/2024", "12.03.2024", "12-03-2024", "12/03/24", "2024-03-12", "12 mars 2024",
// "1er mars", "mars 2024" (a month without a day moves by its 15th). A 2-digit year or a missing
// year is read in `context_year`'s century or year. Invalid UTF-8 becomes U+FFFD. Returns the
// number of dates moved.
size_t ShiftDates(absl::string_view text, int days, int context_year, std::string* out);

// "YYYY-MM-DD" (exactly), or nullopt.
std::optional<absl::CivilDay> ParseIsoDay(absl::string_view text);

// The words of `text` folded as the Redactor folds them (lower case, no accents, a-z0-9).
std::vector<std::string> FoldWords(absl::string_view text);

}  // namespace socle::mirror_internal

#endif  // SOCLE_SRC_EXPORT_MIRROR_H_
