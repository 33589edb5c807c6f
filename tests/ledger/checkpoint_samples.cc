// Writes socle-signed checkpoints for the independent verifiers (CTest fixture
// ledger.checkpoint_samples): in DIR,
//   verifier_key.txt   the verifier key of the sample signer
//   origin.txt         the log's origin
//   good/*.txt         signed checkpoints that must verify
//   bad/*.txt          altered or foreign ones that must not
// Usage: ledger_checkpoint_samples DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "checkpoint_samples.h"
#include "crypto/crypto.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

namespace {

using socle::ledger::Checkpoint;
using socle::ledger::NoteSigner;

bool Write(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) std::cerr << "cannot write " << path << "\n";
  return static_cast<bool>(out);
}

std::string Sign(const Checkpoint& checkpoint, const NoteSigner& signer) {
  absl::StatusOr<std::string> note = socle::ledger::SignCheckpoint(checkpoint, signer);
  if (!note.ok()) {
    std::cerr << "sign: " << note.status() << "\n";
    std::exit(1);
  }
  return *note;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " DIR\n";
    return 2;
  }
  if (!socle::crypto::Init().ok()) return 1;
  const std::filesystem::path dir = argv[1];
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "good");
  std::filesystem::create_directories(dir / "bad");

  const NoteSigner signer = socle::ledger::testing::SampleSigner();
  const NoteSigner other = *NoteSigner::Generate("example.org/witness");
  // Same name, another key: its key hash differs, so the verifier does not know it.
  const NoteSigner impostor = *NoteSigner::Generate(socle::ledger::testing::kSampleOrigin);
  bool ok = Write(dir / "verifier_key.txt", signer.VerifierKey() + "\n") &&
            Write(dir / "origin.txt", std::string(socle::ledger::testing::kSampleOrigin) + "\n");

  const std::vector<Checkpoint> checkpoints = socle::ledger::testing::SampleCheckpoints();
  for (size_t i = 0; i < checkpoints.size(); ++i) {
    const std::string note = Sign(checkpoints[i], signer);
    ok &= Write(dir / "good" / absl::StrCat("checkpoint", i, ".txt"), note);
    // Altered copies: each must be rejected.
    const size_t text_end = note.find("\n\n") + 1;
    std::string size_changed = note;
    char& first_digit = size_changed[size_changed.find('\n') + 1];
    first_digit = first_digit == '1' ? '2' : '1';
    ok &= Write(dir / "bad" / absl::StrCat("size_changed", i, ".txt"), size_changed);
    std::string text_flipped = note;
    text_flipped[text_end - 2] ^= 0x01;  // the last character of the text
    ok &= Write(dir / "bad" / absl::StrCat("text_flipped", i, ".txt"), text_flipped);
    std::string signature_flipped = note;
    const size_t sig_byte = note.size() - 10;
    signature_flipped[sig_byte] = signature_flipped[sig_byte] == 'A' ? 'B' : 'A';
    ok &= Write(dir / "bad" / absl::StrCat("signature_flipped", i, ".txt"), signature_flipped);
    ok &= Write(dir / "bad" / absl::StrCat("unsigned", i, ".txt"), note.substr(0, text_end + 1));
    ok &= Write(dir / "bad" / absl::StrCat("impostor", i, ".txt"), Sign(checkpoints[i], impostor));
  }
  // Cosigned by a key the verifier does not know: still valid (unknown signers are ignored).
  const NoteSigner* both[] = {&other, &signer};
  ok &= Write(dir / "good" / "cosigned.txt",
              *socle::ledger::SignNote(*socle::ledger::FormatCheckpoint(checkpoints[1]), both));
  // Only the unknown key: no known signature.
  ok &= Write(dir / "bad" / "only_unknown_signer.txt", Sign(checkpoints[1], other));
  // A foreign checkpoint: another log's origin, signed by the right key.
  Checkpoint foreign = checkpoints[1];
  foreign.origin = "example.org/another/log";
  ok &= Write(dir / "bad" / "foreign_origin.txt", Sign(foreign, signer));
  // A root hash re-encoded, signature unchanged.
  std::string root_changed = Sign(checkpoints[1], signer);
  const size_t root_at = root_changed.find('\n', root_changed.find('\n') + 1) + 1;
  root_changed[root_at] = root_changed[root_at] == 'A' ? 'B' : 'A';
  ok &= Write(dir / "bad" / "root_changed.txt", root_changed);
  return ok ? 0 : 1;
}
