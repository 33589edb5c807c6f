// libFuzzer target for the ledger's checkpoint readers (src/ledger/note.h, checkpoint.h): any
// bytes are opened as a signed note with the fixed sample key of tests/ledger (seed 0x00..0x1f)
// and parsed as a checkpoint text.
//
// Contracts checked (abort on failure):
//   - OpenNote refuses with PARSE or VERIFICATION_FAILED only; an opened note's text is a prefix
//     of the input, is a valid note text, and has at least one verified signature; the text
//     signed again with the sample key opens to the same text;
//   - ParseCheckpoint refuses with PARSE only; a parsed checkpoint formats back to exactly the
//     input (the format has one spelling of each checkpoint), and signing it then opening it
//     with its origin gives the same checkpoint;
//   - OpenCheckpoint agrees with OpenNote followed by ParseCheckpoint.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../ledger/checkpoint_samples.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "crypto/crypto.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"
#include "socle/error.hpp"

namespace {

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "checkpoint_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

void Check(bool ok, const char* contract) {
  if (!ok) Broken(contract);
}

struct Keys {
  socle::ledger::NoteSigner signer = socle::ledger::testing::SampleSigner();
  socle::ledger::NoteVerifier verifier = *socle::ledger::NoteVerifier::Parse(signer.VerifierKey());
};

const Keys& GetKeys() {
  static const Keys* keys = [] {
    Check(socle::crypto::Init().ok(), "libsodium initialises");
    return new Keys();
  }();
  return *keys;
}

void FuzzCheckpointText(absl::string_view input) {
  using socle::ErrorCode;
  auto parsed = socle::ledger::ParseCheckpoint(input);
  if (!parsed.ok()) {
    Check(socle::ErrorCodeOf(parsed.status()) == ErrorCode::kParse, "a bad checkpoint is PARSE");
    return;
  }
  auto text = socle::ledger::FormatCheckpoint(*parsed);
  Check(text.ok(), "a parsed checkpoint formats");
  Check(*text == input, "a parsed checkpoint formats back to its text");
  const Keys& keys = GetKeys();
  auto signed_note = socle::ledger::SignCheckpoint(*parsed, keys.signer);
  Check(signed_note.ok(), "a parsed checkpoint signs");
  const socle::ledger::NoteVerifier known[] = {keys.verifier};
  auto opened = socle::ledger::OpenCheckpoint(*signed_note, parsed->origin, known);
  Check(opened.ok() && *opened == *parsed, "a signed checkpoint opens to itself");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using socle::ErrorCode;
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const Keys& keys = GetKeys();
  const socle::ledger::NoteVerifier known[] = {keys.verifier};

  auto note = socle::ledger::OpenNote(input, known);
  if (!note.ok()) {
    const ErrorCode code = socle::ErrorCodeOf(note.status());
    Check(code == ErrorCode::kParse || code == ErrorCode::kVerificationFailed,
          "a refused note is PARSE or VERIFICATION_FAILED");
  } else {
    Check(absl::StartsWith(input, note->text), "the text is a prefix of the note");
    Check(socle::ledger::CheckNoteText(note->text).ok(), "an opened text is a note text");
    Check(!note->verified.empty(), "an opened note has a verified signature");
    auto again = socle::ledger::SignNote(note->text, keys.signer);
    Check(again.ok(), "an opened text signs");
    auto reopened = socle::ledger::OpenNote(*again, known);
    Check(reopened.ok() && reopened->text == note->text, "a re-signed text opens to itself");
  }

  // The checkpoint parser on the raw input, and on the opened text.
  FuzzCheckpointText(input);
  if (note.ok()) {
    FuzzCheckpointText(note->text);
    auto parsed = socle::ledger::ParseCheckpoint(note->text);
    const std::string origin = parsed.ok() ? parsed->origin : std::string("example.org/none");
    auto opened = socle::ledger::OpenCheckpoint(input, origin, known);
    Check(opened.ok() == parsed.ok(), "OpenCheckpoint agrees with OpenNote + ParseCheckpoint");
    if (opened.ok()) Check(*opened == *parsed, "OpenCheckpoint gives the parsed checkpoint");
  }
  return 0;
}
