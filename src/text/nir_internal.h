// Internals of the NIR module shared with the redactor (src/text/redact*.cc).
#ifndef SOCLE_SRC_TEXT_NIR_INTERNAL_H_
#define SOCLE_SRC_TEXT_NIR_INTERNAL_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "socle/nir.hpp"

namespace socle::nir_internal {

// The byte length of the separator that starts at text[pos] (space, non-breaking space U+00A0,
// narrow no-break space U+202F, thin space U+2009, dot, dash), or 0.
size_t SeparatorAt(absl::string_view text, size_t pos);

// Validates exactly 15 normalised characters (digits, upper-case 2A/2B at 6-7) and fills `out`
// when not null. Does not allocate.
NirCheck CheckNormalised(const std::array<char, kNirLength>& chars, Nir* out);

// When a key-checked NIR with a valid sex digit starts at text[pos] and is not part of a longer
// number (no digit right before `pos` or after the match; letters may touch it: "NIR185…"),
// returns the offset one past its last character; otherwise 0. Between two characters at most
// two separators (space, tab, no-break spaces, dot, dash) and one line break are allowed.
size_t MatchAt(absl::string_view text, size_t pos);

// The 13 characters of a NIR body as the number used for the key (2A -> 19, 2B -> 18), or -1.
int64_t BodyNumber(const char* body13);

}  // namespace socle::nir_internal

#endif  // SOCLE_SRC_TEXT_NIR_INTERNAL_H_
