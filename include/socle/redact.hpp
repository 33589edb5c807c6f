// socle/redact.hpp: redaction of free-text notes before they leave a case file.
//
// A Redactor is built once from the identities the case file already knows (the person's names
// and birth name, the first names of relatives, addresses, phones, e-mails, NIRs, birth dates),
// then redacts any number of notes:
//   1. the known identities, matched regardless of case, accents, hyphens and spacing ("Jean-
//      Pierre" = "JEAN PIERRE" = "jean pierre", "Le Goff" = "LEGOFF", "06 12 34 56 78" =
//      "0612345678"), on word boundaries ("Rose" is not found in "Roseline");
//   2. recognisers for identifiers nobody declared: NIRs (key-checked), French phone numbers,
//      e-mail addresses, IBANs (mod-97 checked) and dates of birth (a date right after "né(e)
//      le", "date de naissance", "DDN"…).
// Each finding becomes a typed placeholder: [PERSONNE-1], [PERSONNE-2]… (numbered by order of
// first appearance in the note, one number per individual), [NIR], [TÉLÉPHONE], [EMAIL], [IBAN],
// [ADRESSE], [DATE-NAISSANCE]. The report counts replacements by type and never holds a value.
// docs/redaction.md describes the rules, the measured recall and precision, and the limits
// (people the file does not know are not found: there is no name recogniser).
//
// Text is UTF-8 in and UTF-8 out; invalid bytes are replaced by U+FFFD in the output.
//
// Thread safety: a Redactor is immutable after Create(); copies share one matcher, and Redact()
// and Find() may be called from any number of threads at once.
#ifndef SOCLE_REDACT_HPP_
#define SOCLE_REDACT_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/export.hpp"

namespace socle {

namespace redact_internal {
struct Matcher;
}

// What a known identity is. Frozen values (the C ABI's SOCLE_IDENTITY_*).
enum class IdentityKind : int32_t {
  kName = 1,       // a surname: family name, usage (married) name, birth name
  kFirstName = 2,  // a first name, of the person or of a relative
  kAddress = 3,    // a postal address as the file holds it ("12 rue des Lilas, 75011 Paris")
  kPhone = 4,      // any format, French or not
  kEmail = 5,
  kNir = 6,        // 15 characters, or the 13 without the key
  kBirthDate = 7,  // ISO "YYYY-MM-DD": found in the text in any common format, with or without
                   // a "né le" nearby
};

// One identity of the case file. Names and first names with the same `person` number belong to
// one individual and share one placeholder ("Rose MARTIN" -> "[PERSONNE-1]").
struct KnownIdentity {
  IdentityKind kind = IdentityKind::kName;
  std::string value;
  uint32_t person = 0;
};

// The kinds of placeholder. Frozen values (the C ABI's SOCLE_REDACTION_*), also the indexes of
// RedactionReport::counts.
enum class RedactionType : int32_t {
  kPerson = 0,
  kNir = 1,
  kPhone = 2,
  kEmail = 3,
  kIban = 4,
  kAddress = 5,
  kBirthDate = 6,
};
inline constexpr size_t kRedactionTypeCount = 7;

// "PERSONNE", "NIR", "TÉLÉPHONE", "EMAIL", "IBAN", "ADRESSE", "DATE-NAISSANCE" (UTF-8).
SOCLE_CXX_API absl::string_view RedactionTypeName(RedactionType type);

struct RedactorOptions {
  // The recognisers of undeclared identifiers (known identities are always redacted).
  bool nir = true;
  bool phone = true;
  bool email = true;
  bool iban = true;
  bool birth_date = true;
  // Precise names (the default). A known name that is also an everyday French word (Rose,
  // Blanc, Petit, Olive, Pierre…; docs/redaction.md has the list) is redacted where it is used
  // as a name: with a capital letter ("Rose", "PETIT"), after a civility or a word of civil
  // status ("mme rose", "née blanc"), or beside another name of the person ("julien petit");
  // not in lower case alone ("une robe rose", "un petit problème") nor glued by a hyphen to
  // another word ("Le Blanc-Mesnil", "Jean-Pierre"). And no known name is redacted inside a
  // place name or a feast ("Saint-Martin-d'Hères", "la Saint-Martin", "Fontaine-de-Vaucluse").
  // false: the aggressive mode, every case-insensitive match of every name (higher recall of
  // names written in lower case, such as "vu avec rose", for many over-redactions).
  bool common_words_need_capital = true;
};

// One replaced span: bytes [begin, end) of the original text.
struct RedactionSpan {
  size_t begin = 0;
  size_t end = 0;
  RedactionType type = RedactionType::kPerson;
  uint32_t number = 0;  // the n of [PERSONNE-n] (1-based); 0 for other types
};

// What a redaction replaced, by type. Holds counts only, never a value.
struct SOCLE_CXX_API RedactionReport {
  std::array<uint64_t, kRedactionTypeCount> counts{};
  uint64_t persons = 0;       // distinct [PERSONNE-n] placeholders
  uint64_t invalid_utf8 = 0;  // invalid byte sequences replaced by U+FFFD

  uint64_t count(RedactionType type) const { return counts[static_cast<size_t>(type)]; }
  uint64_t total() const;
  // Adds `other` to this report (batch totals).
  void Add(const RedactionReport& other);
  // "PERSONNE 3, NIR 1, TÉLÉPHONE 0, …", one line, no values.
  std::string ToString() const;
};

class SOCLE_CXX_API Redactor {
 public:
  // Builds the matcher of `identities`. INVALID_ARGUMENT (naming the identity by its index and
  // kind, never its value) for an identity with nothing to match once folded, a name shorter
  // than 2 letters, a NIR that is neither 13 nor 15 valid characters, a phone with fewer than 6
  // digits, or a birth date that is not YYYY-MM-DD; RESOURCE_EXHAUSTED beyond 64 persons or
  // 65,536 characters of patterns.
  static absl::StatusOr<Redactor> Create(absl::Span<const KnownIdentity> identities,
                                         const RedactorOptions& options = {});

  // The redacted text. `report`, if given, is overwritten with this text's counts.
  std::string Redact(absl::string_view text, RedactionReport* report = nullptr) const;
  // As Redact, writing into `*out` (cleared first; its capacity is reused, so a loop over notes
  // does not allocate once the buffer is large enough).
  void RedactTo(absl::string_view text, std::string* out, RedactionReport* report = nullptr) const;
  // The spans Redact would replace, sorted and disjoint, with their placeholder numbers.
  std::vector<RedactionSpan> Find(absl::string_view text) const;

  // How many patterns the identities produced (variants included).
  size_t pattern_count() const;
  const RedactorOptions& options() const;

 private:
  explicit Redactor(std::shared_ptr<const redact_internal::Matcher> matcher)
      : matcher_(std::move(matcher)) {}
  std::shared_ptr<const redact_internal::Matcher> matcher_;
};

// Reads identities from the text format of `socle redact --known FILE`, one per line:
//
//   # comment
//   name Martin            (or birth_name, usage_name: all kName)
//   first_name Rose
//   person                 (starts the next individual: later names belong to person 2)
//   first_name Lucas
//   address 12 rue des Lilas, 75011 Paris
//   phone 06 12 34 56 78
//   email rose.martin@example.fr
//   nir 2 85 03 75 111 222 33
//   birth_date 1985-03-12
//
// Every line before the first `person` belongs to person 1. PARSE with the line number (never
// the line) for an unknown keyword or a keyword without a value.
SOCLE_CXX_API absl::StatusOr<std::vector<KnownIdentity>> ParseKnownIdentities(
    absl::string_view text);

}  // namespace socle

#endif  // SOCLE_REDACT_HPP_
