// The recognisers of the redactor: identifiers found by their shape and their check digits, not
// because the case file declared them. Each works on the original bytes and returns byte spans.
#ifndef SOCLE_SRC_TEXT_REDACT_RECOGNISE_H_
#define SOCLE_SRC_TEXT_REDACT_RECOGNISE_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace socle::redact_internal {

struct ByteSpan {
  size_t begin = 0;
  size_t end = 0;  // 0 when nothing matched
  bool ok() const { return end != 0; }
};

// Whether text[pos] is an ASCII letter or digit, or starts a Latin letter (U+00C0-U+024F).
bool IsWordByteAt(absl::string_view text, size_t pos);
// Whether the character that ends right before `pos` is a letter or digit (ASCII or Latin).
bool IsWordCharBefore(absl::string_view text, size_t pos);

// A French phone number starting at the digit text[pos] (or at the `+` right before it):
// 0X XX XX XX XX with single spaces, dots, dashes or no-break spaces between digits, or
// +33 / 0033 (and the overseas codes 262, 269, 508, 590, 594, 596) followed by 9 digits, with an
// optional "(0)" or a stray 0.
ByteSpan MatchPhone(absl::string_view text, size_t pos);

// An e-mail address around the '@' at text[at].
ByteSpan MatchEmail(absl::string_view text, size_t at);

// An IBAN starting at text[pos] (two letters, two digits, then the BBAN in groups or not), whose
// length fits its country and whose mod-97 check gives 1.
ByteSpan MatchIban(absl::string_view text, size_t pos);

// A calendar date starting at the digit text[pos]: D/M/YYYY, D.M.YYYY, D-M-YYYY (also with a
// 2-digit year), YYYY-MM-DD, "12 mars 1985", "1er janvier 1990". The day must exist.
struct DateMatch {
  ByteSpan span;
  int year = 0;  // 4 digits, or 0-99 when written with two
  int month = 0;
  int day = 0;
  bool two_digit_year = false;
};
DateMatch MatchDate(absl::string_view text, size_t pos);

// Whether the words right before `pos` announce a date of birth: "né(e) le", "née à Lyon le",
// "date de naissance :", "DDN". The look-back stops at a sentence end or a number.
bool HasBirthContext(absl::string_view text, size_t pos);

// Mod-97 check of an IBAN given as upper-case letters and digits without separators.
bool IbanChecks(absl::string_view compact);

}  // namespace socle::redact_internal

#endif  // SOCLE_SRC_TEXT_REDACT_RECOGNISE_H_
