// Signed notes (src/ledger/note.h): the Go note package's vector reproduced byte for byte, its
// keys' rules, and every mutation of a signed note rejected.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "crypto/crypto.h"
#include "ledger/note.h"
#include "socle/error.hpp"

namespace socle::ledger {
namespace {

std::string ReadVector(absl::string_view name) {
  const std::string path =
      absl::StrCat(SOCLE_LEDGER_VECTORS_DIR, "/signed-note/", name);
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The value of `KEY=` in vector.txt.
std::string VectorField(absl::string_view key) {
  std::istringstream in(ReadVector("vector.txt"));
  const std::string prefix = absl::StrCat(key, "=");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
  }
  BOOST_FAIL("vector.txt has no " << key);
  return "";
}

struct Vector {
  std::string text = ReadVector("text.txt");
  std::string signed_note = ReadVector("signed.txt");
  std::string signer_key = VectorField("SIGNER_KEY");
  std::string verifier_key = VectorField("VERIFIER_KEY");
};

// The stable name of a status's socle code ("PARSE"), printable in a failed check.
std::string Code(const absl::Status& status) {
  return std::string(ErrorCodeName(ErrorCodeOf(status)));
}

BOOST_AUTO_TEST_SUITE(note)

BOOST_AUTO_TEST_CASE(signing_the_go_vector_reproduces_it_byte_for_byte) {
  const Vector v;
  absl::StatusOr<NoteSigner> signer = NoteSigner::Parse(v.signer_key);
  BOOST_TEST_REQUIRE(signer.ok(), signer.status());
  BOOST_TEST(signer->name() == "PeterNeumann");
  BOOST_TEST(signer->key_hash() == 0xc74f20a3u);
  BOOST_TEST(signer->VerifierKey() == v.verifier_key);
  BOOST_TEST(signer->SignerKey().view() == v.signer_key);
  absl::StatusOr<std::string> signed_note = SignNote(v.text, *signer);
  BOOST_TEST_REQUIRE(signed_note.ok(), signed_note.status());
  BOOST_TEST(*signed_note == v.signed_note);
}

BOOST_AUTO_TEST_CASE(the_go_vector_opens_with_its_verifier_key) {
  const Vector v;
  absl::StatusOr<NoteVerifier> verifier = NoteVerifier::Parse(v.verifier_key);
  BOOST_TEST_REQUIRE(verifier.ok(), verifier.status());
  BOOST_TEST(verifier->Key() == v.verifier_key);
  const NoteVerifier known[] = {*verifier};
  absl::StatusOr<Note> note = OpenNote(v.signed_note, known);
  BOOST_TEST_REQUIRE(note.ok(), note.status());
  BOOST_TEST(note->text == v.text);
  BOOST_TEST_REQUIRE(note->verified.size() == 1u);
  BOOST_TEST(note->verified[0].name == "PeterNeumann");
  BOOST_TEST(note->verified[0].key_hash == 0xc74f20a3u);
  BOOST_TEST(note->unverified.empty());
}

BOOST_AUTO_TEST_CASE(every_byte_flip_of_the_go_vector_is_rejected) {
  const Vector v;
  const NoteVerifier known[] = {*NoteVerifier::Parse(v.verifier_key)};
  for (size_t i = 0; i < v.signed_note.size(); ++i) {
    for (uint8_t bit : {0x01, 0x20, 0x80}) {
      std::string mutated = v.signed_note;
      mutated[i] = static_cast<char>(mutated[i] ^ bit);
      absl::StatusOr<Note> note = OpenNote(mutated, known);
      // A flip inside the text, the name or the signature never verifies. The one flip that
      // yields the same note is none: every byte is meaningful.
      BOOST_TEST(!note.ok(), "byte " << i << " bit " << int{bit} << " accepted");
    }
  }
}

BOOST_AUTO_TEST_CASE(truncations_and_structural_mutations_are_rejected) {
  const Vector v;
  const NoteVerifier known[] = {*NoteVerifier::Parse(v.verifier_key)};
  for (size_t n = 0; n < v.signed_note.size(); ++n) {
    BOOST_TEST(!OpenNote(v.signed_note.substr(0, n), known).ok(), "truncated to " << n);
  }
  const std::string sig_line = v.signed_note.substr(v.text.size() + 1);
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"no blank line", v.text + sig_line},
      {"CRLF", absl::StrReplaceAll(v.signed_note, {{"\n", "\r\n"}})},
      {"hyphen instead of em dash", absl::StrReplaceAll(v.signed_note, {{"\xE2\x80\x94", "-"}})},
      {"two spaces", absl::StrReplaceAll(v.signed_note, {{"PeterNeumann ", "PeterNeumann  "}})},
      {"unpadded base64", absl::StrReplaceAll(v.signed_note, {{"AM=\n", "AM\n"}})},
      {"trailing text", v.signed_note + "x"},
      {"text changed", absl::StrReplaceAll(v.signed_note, {{"problem", "Problem"}})},
      {"empty signature block", v.text + "\n"},
      {"invalid UTF-8", "\xff" + v.signed_note},
      {"tab in the text", "\t" + v.signed_note},
  };
  for (const auto& [what, note] : cases) {
    BOOST_TEST(!OpenNote(note, known).ok(), what);
  }
}

BOOST_AUTO_TEST_CASE(unknown_signers_are_kept_but_one_known_signature_is_required) {
  const Vector v;
  const NoteVerifier peter = *NoteVerifier::Parse(v.verifier_key);
  absl::StatusOr<NoteSigner> other = NoteSigner::Generate("example.com/other");
  BOOST_TEST_REQUIRE(other.ok(), other.status());
  const NoteSigner peter_signer = *NoteSigner::Parse(v.signer_key);
  const NoteSigner* both[] = {&*other, &peter_signer};
  absl::StatusOr<std::string> cosigned = SignNote(v.text, both);
  BOOST_TEST_REQUIRE(cosigned.ok(), cosigned.status());

  const NoteVerifier only_peter[] = {peter};
  absl::StatusOr<Note> note = OpenNote(*cosigned, only_peter);
  BOOST_TEST_REQUIRE(note.ok(), note.status());
  BOOST_TEST(note->verified.size() == 1u);
  BOOST_TEST_REQUIRE(note->unverified.size() == 1u);
  BOOST_TEST(note->unverified[0].name == "example.com/other");
  BOOST_TEST(note->unverified[0].key_hash == other->key_hash());

  // Signed only by keys the caller does not know: refused.
  const NoteVerifier only_other[] = {*NoteVerifier::Parse(other->VerifierKey())};
  absl::StatusOr<Note> by_other = OpenNote(v.signed_note, only_other);
  BOOST_TEST(!by_other.ok());
  BOOST_TEST(Code(by_other.status()) == "VERIFICATION_FAILED");
  BOOST_TEST(!OpenNote(v.signed_note, {}).ok());

  // A key with the same name but another key: its hash differs, so it is not the known key.
  const NoteSigner impostor = *NoteSigner::Generate("PeterNeumann");
  absl::StatusOr<std::string> forged = SignNote(v.text, impostor);
  BOOST_TEST_REQUIRE(forged.ok());
  BOOST_TEST(!OpenNote(*forged, only_peter).ok());
}

BOOST_AUTO_TEST_CASE(a_bad_signature_of_a_known_key_fails_even_beside_a_good_one) {
  const Vector v;
  const NoteVerifier known[] = {*NoteVerifier::Parse(v.verifier_key)};
  // The good line, then a line with the same key hash and another signature.
  const std::string sig_line = v.signed_note.substr(v.text.size() + 1);
  std::string bad_line = sig_line;
  bad_line[bad_line.size() - 6] = bad_line[bad_line.size() - 6] == 'A' ? 'B' : 'A';
  absl::StatusOr<Note> note = OpenNote(v.text + "\n" + bad_line + sig_line, known);
  BOOST_TEST(!note.ok());
  BOOST_TEST(Code(note.status()) == "VERIFICATION_FAILED");
  BOOST_TEST(absl::StrContains(note.status().message(), "PeterNeumann+c74f20a3"),
             note.status());
  // The same good line twice counts once.
  absl::StatusOr<Note> twice = OpenNote(v.signed_note + sig_line, known);
  BOOST_TEST_REQUIRE(twice.ok(), twice.status());
  BOOST_TEST(twice->verified.size() == 1u);
}

BOOST_AUTO_TEST_CASE(more_than_100_signature_lines_are_refused) {
  const Vector v;
  const NoteVerifier known[] = {*NoteVerifier::Parse(v.verifier_key)};
  const std::string sig_line = v.signed_note.substr(v.text.size() + 1);
  std::string note = v.signed_note;
  for (int i = 1; i < 100; ++i) note += sig_line;
  BOOST_TEST(OpenNote(note, known).ok());  // exactly 100
  note += sig_line;
  absl::StatusOr<Note> refused = OpenNote(note, known);
  BOOST_TEST(!refused.ok());
  BOOST_TEST(Code(refused.status()) == "PARSE");
  BOOST_TEST(!OpenNote(std::string(kMaxNoteBytes + 1, 'a'), known).ok());
}

BOOST_AUTO_TEST_CASE(key_names_follow_the_go_rules) {
  BOOST_TEST(IsValidKeyName("example.com/log"));
  BOOST_TEST(IsValidKeyName("journal-d'accès"));
  for (absl::string_view bad : {"", "a+b", "a b", "a\tb", "a\nb", "a\xC2\xA0" "b",
                                "a\xE2\x80\x83" "b", "a\xE3\x80\x80" "b", "\xff", "\xC0\xAF"}) {
    BOOST_TEST(!IsValidKeyName(bad), bad);
    BOOST_TEST(!NoteSigner::Generate(bad).ok(), bad);
  }
}

BOOST_AUTO_TEST_CASE(malformed_keys_are_refused_without_quoting_them) {
  const Vector v;
  const std::string secret_part = v.signer_key.substr(v.signer_key.rfind('+') + 1);
  const std::vector<std::string> bad_signers = {
      "", "PRIVATE+KEY+PeterNeumann+c74f20a3",  // no key
      absl::StrReplaceAll(v.signer_key, {{"PRIVATE+KEY", "PRIVATE+KEX"}}),
      absl::StrReplaceAll(v.signer_key, {{"c74f20a3", "c74f20a4"}}),  // wrong hash
      absl::StrReplaceAll(v.signer_key, {{"c74f20a3", "c74f20a"}}),   // 7 digits
      absl::StrReplaceAll(v.signer_key, {{"+AYEK", "+ZYEK"}}),        // unknown algorithm
      v.signer_key + "AAAA",                                          // 35 bytes
      v.verifier_key,
  };
  for (const std::string& key : bad_signers) {
    absl::StatusOr<NoteSigner> signer = NoteSigner::Parse(key);
    BOOST_TEST(!signer.ok(), key);
    BOOST_TEST(!absl::StrContains(signer.status().message(), secret_part), signer.status());
  }
  BOOST_TEST(Code(NoteSigner::Parse(bad_signers[3]).status()) == "VERIFICATION_FAILED");
  BOOST_TEST(Code(NoteSigner::Parse(bad_signers[5]).status()) == "UNSUPPORTED");

  const std::vector<std::string> bad_verifiers = {
      "", "PeterNeumann", "PeterNeumann+c74f20a3",
      absl::StrReplaceAll(v.verifier_key, {{"c74f20a3", "c74f20a4"}}),
      absl::StrReplaceAll(v.verifier_key, {{"+ARpc", "+ZRpc"}}),
      "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      v.verifier_key + "=",
      // The Go tests' wrong-length key with an adjusted hash.
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
      // Its unknown algorithm with an adjusted hash.
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
  };
  for (const std::string& key : bad_verifiers) {
    BOOST_TEST(!NoteVerifier::Parse(key).ok(), key);
  }
  // Upper-case hex is a valid hash, as Go's strconv.ParseUint reads it.
  BOOST_TEST(NoteVerifier::Parse(absl::StrReplaceAll(v.verifier_key, {{"c74f20a3", "C74F20A3"}}))
                 .ok());
}

BOOST_AUTO_TEST_CASE(text_that_is_not_a_note_text_is_not_signed) {
  const NoteSigner signer = *NoteSigner::Generate("example.com/log");
  for (absl::string_view bad : std::vector<absl::string_view>{"", "no final newline", "tab\there\n", "cr\r\n", "\xff\n",
                                absl::string_view("nul\0\n", 5)}) {
    absl::StatusOr<std::string> signed_note = SignNote(bad, signer);
    BOOST_TEST(!signed_note.ok(), bad);
    BOOST_TEST(Code(signed_note.status()) == "INVALID_ARGUMENT");
  }
  BOOST_TEST(!SignNote("text\n", absl::Span<const NoteSigner* const>()).ok());
  // A text with blank lines of its own round-trips: the signatures follow the last one.
  const NoteVerifier known[] = {*NoteVerifier::Parse(signer.VerifierKey())};
  for (absl::string_view text : {"\n", "a\n\nb\n", "a\n\n\n", "é — ü\n"}) {
    absl::StatusOr<Note> note = OpenNote(*SignNote(text, signer), known);
    BOOST_TEST_REQUIRE(note.ok(), note.status());
    BOOST_TEST(note->text == text);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger
