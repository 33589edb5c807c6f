// Checkpoints (src/ledger/checkpoint.h): the C2SP tlog-checkpoint text, its parser's limits, and
// signed checkpoints that open only with the right key and origin.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "checkpoint_samples.h"
#include "crypto/crypto.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "socle/error.hpp"

namespace socle::ledger {
namespace {

using testing::kSampleOrigin;
using testing::SampleCheckpoints;
using testing::SampleSigner;

// The sample signed checkpoint, frozen (the "Checkpoints" section of docs/ledger.md shows these bytes; the Go
// and Python verifiers check the same ones, written by ledger_checkpoint_samples).
constexpr absl::string_view kSampleVerifierKey =
    "example.org/socle/trail+63f94fbc+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
constexpr absl::string_view kSampleSignedCheckpoint =
    "example.org/socle/trail\n"
    "12345\n"
    "AsbN2GgqrhJz3J1UAcrlsKpJ9exMndbsTJNX84T+5BE=\n"
    "\n"
    "— example.org/socle/trail Y/lPvCjOi3O5seeyIVMOq6SKFOKKh19bBuEscwfXmI5MO2Zft9DxfX/W3IqE4CEh5vrG54kHDYzaE7U9R97+qLcn4Qg=\n";

// The stable name of a status's socle code ("PARSE"), printable in a failed check.
std::string Code(const absl::Status& status) {
  return std::string(ErrorCodeName(ErrorCodeOf(status)));
}

BOOST_AUTO_TEST_SUITE(checkpoint)

BOOST_AUTO_TEST_CASE(the_sample_is_signed_byte_for_byte) {
  const NoteSigner signer = SampleSigner();
  BOOST_TEST(signer.VerifierKey() == kSampleVerifierKey);
  absl::StatusOr<std::string> signed_note = SignCheckpoint(SampleCheckpoints()[1], signer);
  BOOST_TEST_REQUIRE(signed_note.ok(), signed_note.status());
  BOOST_TEST(*signed_note == kSampleSignedCheckpoint);
}

BOOST_AUTO_TEST_CASE(format_writes_the_c2sp_lines_and_parse_reads_them_back) {
  Checkpoint checkpoint{"example.org/log", 7, {}, {}};
  for (size_t i = 0; i < checkpoint.root_hash.size(); ++i) checkpoint.root_hash[i] = i;
  absl::StatusOr<std::string> text = FormatCheckpoint(checkpoint);
  BOOST_TEST_REQUIRE(text.ok(), text.status());
  BOOST_TEST(*text == "example.org/log\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
  for (const Checkpoint& sample : SampleCheckpoints()) {
    absl::StatusOr<std::string> sample_text = FormatCheckpoint(sample);
    BOOST_TEST_REQUIRE(sample_text.ok(), sample_text.status());
    absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(*sample_text);
    BOOST_TEST_REQUIRE(parsed.ok(), parsed.status());
    BOOST_TEST((*parsed == sample));
  }
  const std::string extended = *FormatCheckpoint(SampleCheckpoints()[2]);
  BOOST_TEST(extended.find("\n18446744073709551615\n") != std::string::npos);
  BOOST_TEST(absl::EndsWith(extended, "\ntime 1733270400\n— une extension en UTF-8\n"));
}

BOOST_AUTO_TEST_CASE(parse_refuses_what_is_not_a_checkpoint) {
  const std::string root = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "does not end with a newline"},
      {"o\n1\n", "fewer than"},
      {absl::StrCat("o\n1\n", root), "does not end with a newline"},
      {absl::StrCat("\n1\n", root, "\n"), "line 1: the origin is empty"},
      {absl::StrCat(std::string(kMaxCheckpointOriginBytes + 1, 'o'), "\n1\n", root, "\n"),
       "line 1"},
      {absl::StrCat("o\n01\n", root, "\n"), "line 2"},
      {absl::StrCat("o\n-1\n", root, "\n"), "line 2"},
      {absl::StrCat("o\n+1\n", root, "\n"), "line 2"},
      {absl::StrCat("o\n 1\n", root, "\n"), "line 2"},
      {absl::StrCat("o\n\n", root, "\n"), "line 2"},
      {absl::StrCat("o\n18446744073709551616\n", root, "\n"), "line 2"},
      {absl::StrCat("o\n99999999999999999999\n", root, "\n"), "line 2"},
      {"o\n1\nAAEC\n", "line 3"},
      {absl::StrCat("o\n1\n", root.substr(0, 43), "\n"), "line 3"},
      {absl::StrCat("o\n1\n", root, "AAAA\n"), "line 3"},
      {"o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n", "line 3"},  // unpadded
      {"o\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh-=\n", "line 3"},  // base64url
      {absl::StrCat("o\n1\n", root, "\n\n"), "line 4: an empty extension line"},
      {absl::StrCat("o\n1\n", root, "\next\n\nmore\n"), "line 5"},
      {absl::StrCat("o\r\n1\n", root, "\n"), "control character"},
      {absl::StrCat("o\xff\n1\n", root, "\n"), "invalid UTF-8"},
      {std::string(kMaxCheckpointBytes + 1, '\n'), "limit"},
  };
  for (const auto& [text, why] : cases) {
    absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(text);
    BOOST_TEST_REQUIRE(!parsed.ok(), text);
    BOOST_TEST(Code(parsed.status()) == "PARSE");
    BOOST_TEST(absl::StrContains(parsed.status().message(), why), parsed.status() << " for "
                                                                                   << why);
  }
  std::string many = absl::StrCat("o\n1\n", root, "\n");
  for (size_t i = 0; i < kMaxCheckpointExtensions; ++i) many += "e\n";
  BOOST_TEST(ParseCheckpoint(many).ok());
  BOOST_TEST(!ParseCheckpoint(many + "e\n").ok());
  // The largest size and the size 0.
  BOOST_TEST(ParseCheckpoint(absl::StrCat("o\n18446744073709551615\n", root, "\n"))->size ==
             18446744073709551615u);
  BOOST_TEST(ParseCheckpoint(absl::StrCat("o\n0\n", root, "\n"))->size == 0u);
}

BOOST_AUTO_TEST_CASE(format_refuses_fields_that_would_change_the_lines) {
  const Checkpoint good = SampleCheckpoints()[1];
  std::vector<Checkpoint> bad(6, good);
  bad[0].origin = "";
  bad[1].origin = "two\nlines";
  bad[2].origin = "tab\there";
  bad[3].extensions = {""};
  bad[4].extensions = {"a\nb"};
  bad[5].extensions.assign(kMaxCheckpointExtensions + 1, "e");
  for (const Checkpoint& checkpoint : bad) {
    absl::StatusOr<std::string> text = FormatCheckpoint(checkpoint);
    BOOST_TEST(!text.ok(), checkpoint.origin);
    BOOST_TEST(Code(text.status()) == "INVALID_ARGUMENT");
  }
}

BOOST_AUTO_TEST_CASE(a_signed_checkpoint_opens_only_with_its_key_and_origin) {
  const NoteSigner signer = SampleSigner();
  const NoteVerifier known[] = {*NoteVerifier::Parse(signer.VerifierKey())};
  const Checkpoint checkpoint = SampleCheckpoints()[2];
  const std::string note = *SignCheckpoint(checkpoint, signer);
  absl::StatusOr<Checkpoint> opened = OpenCheckpoint(note, kSampleOrigin, known);
  BOOST_TEST_REQUIRE(opened.ok(), opened.status());
  BOOST_TEST((*opened == checkpoint));

  absl::StatusOr<Checkpoint> foreign = OpenCheckpoint(note, "example.org/other", known);
  BOOST_TEST(!foreign.ok());
  BOOST_TEST(Code(foreign.status()) == "VERIFICATION_FAILED");
  BOOST_TEST(absl::StrContains(foreign.status().message(), "example.org/other"));

  const NoteSigner stranger = SampleSigner("example.org/stranger");
  const NoteVerifier strangers[] = {*NoteVerifier::Parse(stranger.VerifierKey())};
  BOOST_TEST(!OpenCheckpoint(note, kSampleOrigin, strangers).ok());

  // A signed note whose text is not a checkpoint.
  const std::string not_a_checkpoint = *SignNote("hello\n", signer);
  absl::StatusOr<Checkpoint> refused = OpenCheckpoint(not_a_checkpoint, "hello", known);
  BOOST_TEST(!refused.ok());
  BOOST_TEST(Code(refused.status()) == "PARSE");

  // Each byte of the size line changed to another digit: the signature no longer holds.
  const size_t size_at = note.find('\n') + 1;
  for (size_t i = size_at; note[i] != '\n'; ++i) {
    std::string altered = note;
    altered[i] = altered[i] == '1' ? '2' : '1';
    BOOST_TEST(!OpenCheckpoint(altered, kSampleOrigin, known).ok(), "digit " << i - size_at);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger
