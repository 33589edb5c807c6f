// socle/nir.hpp: the NIR (numéro d'inscription au répertoire, the French social security number).
//
// A NIR is 13 characters and a 2-digit key: sex (1), year of birth (2), month of birth (2),
// place of birth (5: département + commune, or 99 + country), order number (3), key (2). The key
// is 97 − (the 13-character number mod 97), where a Corsican département `2A` counts as 19 and
// `2B` as 18. docs/redaction.md lists every rule accepted here and why.
//
// The NIR is a restricted identifier (REQ-44): nothing in this module ever puts it in a message.
// Results are structs and enums; a failed parse says *what* is wrong (length, character, sex
// digit, key), never the characters it saw. The normalised form is returned to the caller who
// asked for it, in a value the caller owns.
//
// Thread safety: every function here is pure and may be called from any thread.
#ifndef SOCLE_NIR_HPP_
#define SOCLE_NIR_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/export.hpp"

namespace socle {

// 13 characters + the 2-digit key.
inline constexpr size_t kNirLength = 15;
inline constexpr size_t kNirBodyLength = 13;

// Why a text is not a NIR. The values are frozen (the C ABI returns them as SOCLE_NIR_*).
enum class NirProblem : int32_t {
  kNone = 0,
  kLength = 1,     // not 15 characters once spaces, dots and dashes are removed
  kCharacter = 2,  // a character other than a digit, or a letter outside `2A`/`2B` at 6-7
  kSex = 3,        // the first digit is not 1, 2, 3, 4, 7 or 8
  kKey = 4,        // the key is not 97 - (number mod 97)
};

// The stable lower-case name of a problem ("key"), for messages and reports.
SOCLE_CXX_API absl::string_view NirProblemName(NirProblem problem);

// Plausibility warnings: a NIR with warnings is still valid (its key checks), but a field holds a
// value that no regular registration produces. Bits of Nir::warnings; frozen values (the C ABI
// returns them as SOCLE_NIR_WARN_*).
enum class NirWarning : uint32_t {
  // Sex digit 3, 4 (foreign-born person whose registration is in progress) or 7, 8 (provisional
  // number, NIA): valid, but not a definitive NIR.
  kProvisional = 1u << 0,
  // Month 20-42 or 50-99: the civil-status record did not give a usable month (accepted).
  kMonthUnknown = 1u << 1,
  // Month 00, 13-19 or 43-49: no known registration uses these.
  kMonthImplausible = 1u << 2,
  // Place 00, 970, 979, 980-983, 989, or a country code 000 after 99.
  kPlaceImplausible = 1u << 3,
  // Commune 000 (or 00 overseas).
  kCommuneZero = 1u << 4,
  // Order number 000.
  kOrderZero = 1u << 5,
};

enum class NirSex : int32_t { kMale = 1, kFemale = 2 };

// A NIR that passed validation, split into its fields.
struct SOCLE_CXX_API Nir {
  // The normalised form: 15 characters, digits and upper-case `2A`/`2B`, no separators.
  std::array<char, kNirLength> chars{};

  NirSex sex = NirSex::kMale;  // from the first digit (odd: male, even: female)
  int sex_digit = 0;           // the first digit as written: 1, 2, 3, 4, 7 or 8
  int birth_year = 0;          // two digits, 0-99: the century is not in the NIR
  int birth_month = 0;         // as written (1-12, or a special code; see the warnings)
  // The place of birth: a département ("75", "2A", "971"…), "99" for abroad. NUL-terminated.
  std::array<char, 4> place{};
  int commune = 0;        // commune code within the département, or country code after 99
  int order = 0;          // order number, 1-999
  int key = 0;            // 1-97
  uint32_t warnings = 0;  // NirWarning bits

  absl::string_view view() const { return absl::string_view(chars.data(), chars.size()); }
  absl::string_view place_code() const { return absl::string_view(place.data()); }
  bool Has(NirWarning w) const { return (warnings & static_cast<uint32_t>(w)) != 0; }
};

// The outcome of a validation: the problem (kNone when valid) and, when valid, the warnings.
struct NirCheck {
  NirProblem problem = NirProblem::kNone;
  uint32_t warnings = 0;
  bool ok() const { return problem == NirProblem::kNone; }
};

// Validates `text` (spaces, non-breaking spaces, dots and dashes between characters are
// ignored; `2a`/`2b` are accepted in lower case) and splits it into its fields. Fails with
// INVALID_ARGUMENT whose message names the problem ("NIR: wrong key") and never the text.
SOCLE_CXX_API absl::StatusOr<Nir> ParseNir(absl::string_view text);

// As ParseNir, for callers that only need the verdict: no allocation, no status.
SOCLE_CXX_API NirCheck CheckNir(absl::string_view text);

// The key of a 13-character NIR body (separators allowed as in ParseNir): 97 - (number mod 97),
// with 2A/2B counted as 19/18. INVALID_ARGUMENT if `body` is not 13 valid characters.
SOCLE_CXX_API absl::StatusOr<int> NirKey(absl::string_view body);

// A NIR found in free text: byte offsets [begin, end) of the original text, separators included.
struct NirSpan {
  size_t begin = 0;
  size_t end = 0;
};

// Every NIR written in `text`, with or without separators (spaces, non-breaking spaces, dots,
// dashes; at most two between two characters, plus one line break), whose key checks and whose
// first digit is a valid sex digit. A candidate must not continue a longer number (no digit
// right before or after it); letters may touch it ("NIR185…"). Spans do not overlap.
SOCLE_CXX_API std::vector<NirSpan> FindNirs(absl::string_view text);

}  // namespace socle

#endif  // SOCLE_NIR_HPP_
