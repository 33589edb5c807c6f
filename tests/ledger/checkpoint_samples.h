// The signed checkpoints of the ledger's tests and of docs/ledger.md ("Checkpoints"), made from a
// fixed seed (Ed25519 signatures are deterministic, so they are the same bytes every time).
// checkpoint_test.cc freezes the second one; checkpoint_samples.cc writes all of them for the
// independent verifiers (Go's note package, tests/ledger/verify_checkpoint.py).
#ifndef SOCLE_TESTS_LEDGER_CHECKPOINT_SAMPLES_H_
#define SOCLE_TESTS_LEDGER_CHECKPOINT_SAMPLES_H_

#include <string>
#include <vector>

#include "crypto/crypto.h"
#include "ledger/checkpoint.h"
#include "ledger/note.h"

namespace socle::ledger::testing {

inline constexpr char kSampleOrigin[] = "example.org/socle/trail";

// The sample signer: seed bytes 0x00, 0x01, ..., 0x1f, named after the log.
inline NoteSigner SampleSigner(const char* name = kSampleOrigin) {
  SecretBytes seed(32);
  for (size_t i = 0; i < seed.size(); ++i) seed.data()[i] = static_cast<uint8_t>(i);
  return *NoteSigner::FromSeed(name, seed);
}

// The checkpoints socle signs in the samples: the empty tree, a tree with a root hash and one with
// extension lines and the largest size.
inline std::vector<Checkpoint> SampleCheckpoints() {
  Checkpoint empty{kSampleOrigin, 0, crypto::Sha256({}), {}};
  const std::string socle = "socle";
  Checkpoint tree{kSampleOrigin, 12345,
                  crypto::Sha256(absl::Span<const uint8_t>(
                      reinterpret_cast<const uint8_t*>(socle.data()), socle.size())),
                  {}};
  Checkpoint extended = tree;
  extended.size = 18446744073709551615u;
  extended.extensions = {"time 1733270400", "— une extension en UTF-8"};
  return {empty, tree, extended};
}

}  // namespace socle::ledger::testing

#endif  // SOCLE_TESTS_LEDGER_CHECKPOINT_SAMPLES_H_
