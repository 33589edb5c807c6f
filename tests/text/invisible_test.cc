// Issue 7, defect 4: invisible characters (default-ignorable code points) and invalid bytes
// inside an identifier must not let it through; a NIR glued to letters or split across lines
// is found. And the default a user meets: precise names ("une rose" stays, "Mme Rose" goes).
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "socle/nir.hpp"
#include "socle/redact.hpp"
#include "text/corpus.h"

namespace socle::text_test {
namespace {

KnownIdentity Id(IdentityKind kind, const std::string& value, uint32_t person = 1) {
  return KnownIdentity{kind, value, person};
}

Redactor Make(const std::vector<KnownIdentity>& ids, RedactorOptions options = {}) {
  auto r = Redactor::Create(ids, options);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status());
  return *std::move(r);
}

// Default-ignorable code points (Unicode's Default_Ignorable_Code_Point) of every block, and
// invalid UTF-8 bytes: none of them shows on screen.
const std::vector<std::string>& Invisibles() {
  static const auto* const kChars = new std::vector<std::string>{
      "\xC2\xAD",          // U+00AD soft hyphen
      "\xCD\x8F",          // U+034F combining grapheme joiner
      "\xD8\x9C",          // U+061C Arabic letter mark
      "\xE1\x85\x9F",      // U+115F Hangul choseong filler
      "\xE1\xA0\x8E",      // U+180E Mongolian vowel separator
      "\xE2\x80\x8B",      // U+200B zero-width space
      "\xE2\x80\x8C",      // U+200C zero-width non-joiner
      "\xE2\x80\x8D",      // U+200D zero-width joiner
      "\xE2\x80\x8E",      // U+200E left-to-right mark
      "\xE2\x80\x8F",      // U+200F right-to-left mark
      "\xE2\x80\xAA",      // U+202A left-to-right embedding
      "\xE2\x80\xAE",      // U+202E right-to-left override
      "\xE2\x81\xA0",      // U+2060 word joiner
      "\xE2\x81\xA3",      // U+2063 invisible separator
      "\xE2\x81\xA6",      // U+2066 left-to-right isolate
      "\xE2\x81\xAF",      // U+206F nominal digit shapes
      "\xE3\x85\xA4",      // U+3164 Hangul filler
      "\xEF\xB8\x8F",      // U+FE0F variation selector 16
      "\xEF\xBB\xBF",      // U+FEFF BOM / zero-width no-break space
      "\xEF\xBE\xA0",      // U+FFA0 halfwidth Hangul filler
      "\xF0\x9B\xB2\xA0",  // U+1BCA0 shorthand format letter overlap
      "\xF3\xA0\x80\x81",  // U+E0001 language tag
      "\xF3\xA0\x81\x81",  // U+E0041 tag latin capital letter A
      "\xFF",              // invalid byte
      "\x80",              // stray continuation byte
      "\xC3",              // truncated sequence
      "\xED\xA0\x80",      // an encoded surrogate
  };
  return *kChars;
}

// Offsets of the code point boundaries of `s` (0 and s.size() included).
std::vector<size_t> Boundaries(const std::string& s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  out.push_back(s.size());
  return out;
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
         (static_cast<unsigned char>(c) & 0x80) != 0;
}

// Whether the spans cover every byte of [begin, end) of text that is a letter or a digit (or
// any byte of a non-ASCII character), except [skip_begin, skip_end).
bool LettersCovered(const std::vector<RedactionSpan>& spans, const std::string& text, size_t begin,
                    size_t end, size_t skip_begin = 0, size_t skip_end = 0) {
  for (size_t i = begin; i < end; ++i) {
    if (!IsAlnum(text[i]) || (skip_begin <= i && i < skip_end)) continue;
    bool in = false;
    for (const RedactionSpan& s : spans) in = in || (s.begin <= i && i < s.end);
    if (!in) return false;
  }
  return true;
}

// Every known identity of a corpus, with every invisible character inserted at every position,
// in a sentence: the letters and digits of the identity are all redacted.
size_t CheckCorpus(const char* dir, const RedactorOptions& options) {
  std::vector<CaseFile> files;
  std::string error;
  BOOST_REQUIRE_MESSAGE(
      LoadCorpus(std::string(SOCLE_TEST_DATA_DIR) + "/text/" + dir, &files, &error), error);
  size_t checked = 0;
  size_t failures = 0;
  for (const CaseFile& file : files) {
    auto known = ParseKnownIdentities(file.known);
    BOOST_REQUIRE(known.ok());
    const Redactor redactor = Make(*known, options);
    for (size_t k = 0; k < known->size(); ++k) {
      const std::string& value = (*known)[k].value;
      // Prose around the value, as a note would have it.
      const std::string before = "Vu ce jour : ";
      const std::string after = " ; dossier suivi.";
      const std::string plain = before + value + after;
      BOOST_TEST_REQUIRE(
          LettersCovered(redactor.Find(plain), plain, before.size(), before.size() + value.size()),
          file.id << " identity " << k << " is redacted without invisible characters");
      for (size_t at : Boundaries(value)) {
        for (const std::string& invisible : Invisibles()) {
          const std::string text =
              before + value.substr(0, at) + invisible + value.substr(at) + after;
          ++checked;
          // An invisible character inside the identity is replaced with it; one before or
          // after it may stay (it shows nothing and says nothing).
          const size_t inv = before.size() + at;
          const bool edge = at == 0 || at == value.size();
          if (!LettersCovered(redactor.Find(text), text, before.size(),
                              before.size() + value.size() + invisible.size(), edge ? inv : 0,
                              edge ? inv + invisible.size() : 0)) {
            // One message per identity, never the value (the corpus is synthetic anyway).
            if (++failures <= 20) {
              BOOST_ERROR(file.id << " identity " << k << " (kind "
                                  << static_cast<int>((*known)[k].kind) << "): leaked with an "
                                  << invisible.size() << "-byte invisible at offset " << at);
            }
          }
        }
      }
    }
  }
  BOOST_TEST(failures == 0u, failures << " of " << checked << " insertions leaked");
  return checked;
}

BOOST_AUTO_TEST_SUITE(invisible)

BOOST_AUTO_TEST_CASE(every_invisible_at_every_position_of_every_known_identity) {
  const size_t checked =
      CheckCorpus("corpus", RedactorOptions{}) + CheckCorpus("corpus_independent", {});
  BOOST_TEST(checked > 100000u);
  // The aggressive mode folds the same way.
  RedactorOptions aggressive;
  aggressive.common_words_need_capital = false;
  CheckCorpus("corpus", aggressive);
  CheckCorpus("corpus_independent", aggressive);
}

BOOST_AUTO_TEST_CASE(the_whole_original_span_is_replaced) {
  const Redactor r = Make({Id(IdentityKind::kFirstName, "Rose"), Id(IdentityKind::kName, "Martin"),
                           Id(IdentityKind::kPhone, "06 12 34 56 78"),
                           Id(IdentityKind::kBirthDate, "1985-03-12")});
  BOOST_TEST(r.Redact("Mme Mar\xC2\xADtin vient.") == "Mme [PERSONNE-1] vient.");
  BOOST_TEST(r.Redact("Mme Mar\xE2\x80\x8Btin vient.") == "Mme [PERSONNE-1] vient.");
  BOOST_TEST(r.Redact("\xEF\xBB\xBFMartin") == "\xEF\xBB\xBF[PERSONNE-1]");
  // An invisible character between two names of the person: one mention.
  BOOST_TEST(r.Redact("Rose\xE2\x80\x8BMARTIN vient.") == "[PERSONNE-1] vient.");
  // Invalid bytes: inside a name they go with it; elsewhere they become U+FFFD.
  RedactionReport report;
  BOOST_TEST(r.Redact("Mar\xFFtin \xFF", &report) == "[PERSONNE-1] \xEF\xBF\xBD");
  BOOST_TEST(report.invalid_utf8 == 1u);
  BOOST_TEST(r.Redact("tel 06\xC2\xAD 12 34 56 78") == "tel [TÉLÉPHONE]");
  BOOST_TEST(r.Redact("née le 12/0\xE2\x81\xA0" "3/1985") == "née le [DATE-NAISSANCE]");
  // A recogniser sees through them too (no identity needed).
  const Redactor none = Make({});
  BOOST_TEST(none.Redact("NIR 2 85 03 75\xE2\x80\x8C 111 222 03.") == "NIR [NIR].");
  BOOST_TEST(none.Redact("ecrire a rose.mar\xC2\xADtin@example.fr") == "ecrire a [EMAIL]");
  // Visible text is unchanged.
  BOOST_TEST(r.Redact("Martinez et Roseline") == "Martinez et Roseline");
}

BOOST_AUTO_TEST_CASE(nir_glued_to_letters_or_split_across_lines) {
  const Redactor none = Make({});
  BOOST_TEST(none.Redact("NIR285037511122203 à vérifier") == "NIR[NIR] à vérifier");
  BOOST_TEST(none.Redact("n°SS2850375111222 03.") == "n°SS[NIR].");
  BOOST_TEST(none.Redact("NIR 2 85 03 75 111\n222 03 (attestation)") == "NIR [NIR] (attestation)");
  BOOST_TEST(none.Redact("NIR 2 85 03 75 111 \r\n 222 03") == "NIR [NIR]");
  BOOST_TEST(none.Redact("NIR : 285037511122203cle") == "NIR : [NIR]cle");
  // Still not part of a longer number, and the key still decides.
  BOOST_TEST(none.Redact("ref 4285037511122203") == "ref 4285037511122203");
  BOOST_TEST(none.Redact("NIR285037511122204") == "NIR285037511122204");
  BOOST_TEST(none.Redact("2 85 03 75 111\n\n222 03") == "2 85 03 75 111\n\n222 03");
  // A known NIR (even without its key) or phone glued to letters.
  const Redactor known = Make({Id(IdentityKind::kNir, "2 85 03 75 111 222 03"),
                               Id(IdentityKind::kPhone, "06 12 34 56 78")});
  BOOST_TEST(known.Redact("NIR2850375111222 sans clé") == "NIR[NIR] sans clé");
  BOOST_TEST(known.Redact("tel0612345678 ou 06.12.34.56.78") == "tel[TÉLÉPHONE] ou [TÉLÉPHONE]");
  // FindNirs follows the same rules.
  BOOST_TEST(FindNirs("NIR285037511122203").size() == 1u);
  BOOST_TEST(FindNirs("2 85 03 75 111\n222 03").size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(precise_names)

std::vector<KnownIdentity> Everyday() {
  return {Id(IdentityKind::kFirstName, "Julien", 1), Id(IdentityKind::kName, "Petit", 1),
          Id(IdentityKind::kFirstName, "Rose", 2),   Id(IdentityKind::kName, "Blanc", 2),
          Id(IdentityKind::kName, "Martin", 3),      Id(IdentityKind::kFirstName, "Pierre", 4)};
}

BOOST_AUTO_TEST_CASE(everyday_words_and_places_stay_by_default) {
  const Redactor r = Make(Everyday());
  for (const char* text :
       {"une rose sur la table", "un petit problème de chauffage", "blanc et propre",
        "un vin blanc", "une robe rose", "à Saint-Martin-d'Hères", "le CCAS de Saint-Martin-d’Hères",
        "la Saint-Martin", "la fête de la St-Martin", "au Blanc-Mesnil", "un martin-pêcheur",
        "Jean-Pierre est venu", "un mur en pierre", "petit à petit"}) {
    BOOST_TEST(r.Redact(text) == text, text);
  }
}

BOOST_AUTO_TEST_CASE(every_use_as_a_name_is_redacted_by_default) {
  const Redactor r = Make(Everyday());
  BOOST_TEST(r.Redact("M. Petit est venu") == "M. [PERSONNE-1] est venu");
  BOOST_TEST(r.Redact("Petit a appelé") == "[PERSONNE-1] a appelé");
  BOOST_TEST(r.Redact("M. PETIT") == "M. [PERSONNE-1]");
  BOOST_TEST(r.Redact("PETIT Julien") == "[PERSONNE-1]");
  BOOST_TEST(r.Redact("julien petit") == "[PERSONNE-1]");
  BOOST_TEST(r.Redact("vu mme rose") == "vu mme [PERSONNE-1]");
  BOOST_TEST(r.Redact("vu madame blanc") == "vu madame [PERSONNE-1]");
  BOOST_TEST(r.Redact("monsieur petit") == "monsieur [PERSONNE-1]");
  BOOST_TEST(r.Redact("rose blanc") == "[PERSONNE-1]");
  BOOST_TEST(r.Redact("Mme Rose BLANC") == "Mme [PERSONNE-1]");
  BOOST_TEST(r.Redact("la famille blanc") == "la famille [PERSONNE-1]");
  BOOST_TEST(r.Redact("Rose a une robe rose") == "[PERSONNE-1] a une robe rose");
  // Names that are not everyday words: any case, and not only beside a first name.
  BOOST_TEST(r.Redact("vu martin ce jour") == "vu [PERSONNE-1] ce jour");
  BOOST_TEST(r.Redact("M. Martin habite Saint-Martin-d'Hères") ==
             "M. [PERSONNE-1] habite Saint-Martin-d'Hères");
  BOOST_TEST(r.Redact("Mme Martin-Durand") == "Mme [PERSONNE-1]-Durand");
}

BOOST_AUTO_TEST_CASE(the_aggressive_mode_is_an_explicit_option) {
  RedactorOptions aggressive;
  aggressive.common_words_need_capital = false;
  const Redactor r = Make(Everyday(), aggressive);
  BOOST_TEST(r.Redact("une rose") == "une [PERSONNE-1]");
  BOOST_TEST(r.Redact("un petit problème") == "un [PERSONNE-1] problème");
  BOOST_TEST(r.Redact("à Saint-Martin-d'Hères") == "à Saint-[PERSONNE-1]-d'Hères");
  BOOST_TEST(RedactorOptions{}.common_words_need_capital);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::text_test
