// libFuzzer target for the consent receipt readers (socle/consent_receipt.hpp): any bytes are
// parsed (ParseConsentReceipt) and verified (VerifyConsentReceipt) with fixed sample keys; a
// receipt that parses is then re-signed with the sample keys (its checkpoint's text by the
// checkpoint key, its document by the receipts key) and verified again.
//
// Contracts checked (abort on failure):
//   - ParseConsentReceipt refuses with PARSE only; a parsed receipt is unverified, its leaf hash
//     is the hash of its entry's bytes, its event names a person and a purpose, its index is its
//     proof's, and its JSON text is a prefix of the input;
//   - VerifyConsentReceipt of the input with the sample keys refuses with VERIFICATION_FAILED
//     only (the input was not signed by them);
//   - the re-signed receipt verifies exactly when the proof leads to its checkpoint's root (the
//     RFC 9162 check done here on the parsed values), and then gives the parsed event.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "crypto/crypto.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "socle/consent_receipt.hpp"
#include "socle/error.hpp"

namespace {

using socle::ErrorCode;
using socle::ledger::NoteSigner;

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "consent_receipt_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

void Check(bool ok, const char* contract) {
  if (!ok) Broken(contract);
}

NoteSigner SampleSigner(const std::string& name) {
  socle::SecretBytes seed(32);
  for (size_t i = 0; i < seed.size(); ++i) seed.data()[i] = static_cast<uint8_t>(i);
  auto signer = NoteSigner::FromSeed(name, seed);
  Check(signer.ok(), "a sample signer");
  return *std::move(signer);
}

void Init() {
  static const bool initialised = socle::crypto::Init().ok();
  Check(initialised, "libsodium initialises");
}

socle::ledger::MerkleHash ToMerkle(const socle::LedgerHash& h) {
  socle::ledger::MerkleHash m;
  std::copy(h.begin(), h.end(), m.begin());
  return m;
}

// The receipt `r` (parsed from `text`) with its checkpoint re-signed by the sample key of its
// origin and its document by the sample receipts key; false when its checkpoint text or the
// document cannot be re-signed.
bool Resign(const socle::ConsentReceipt& r, std::string* out, std::string* receipts_key,
            std::string* checkpoint_key) {
  if (!socle::ledger::IsValidKeyName(r.origin)) return false;
  const size_t blank = r.checkpoint_note.find("\n\n");
  if (blank == std::string::npos) return false;
  const std::string checkpoint_text = r.checkpoint_note.substr(0, blank + 1);
  const NoteSigner checkpoint_signer = SampleSigner(r.origin);
  auto checkpoint = socle::ledger::SignNote(checkpoint_text, checkpoint_signer);
  if (!checkpoint.ok()) return false;
  google::protobuf::Struct doc;
  if (!google::protobuf::util::JsonStringToMessage(r.json, &doc).ok()) return false;
  auto* proof = (*doc.mutable_fields())["socle:proof"].mutable_struct_value();
  (*proof->mutable_fields())["socle:checkpoint"].set_string_value(*checkpoint);
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(doc, &json).ok()) return false;
  json += '\n';
  const NoteSigner receipts_signer = SampleSigner(socle::ConsentReceiptKeyName(r.origin));
  auto note = socle::ledger::SignNote(json, receipts_signer);
  if (!note.ok()) return false;
  *out = *std::move(note);
  *receipts_key = receipts_signer.VerifierKey();
  *checkpoint_key = checkpoint_signer.VerifierKey();
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Init();
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  static const NoteSigner* const checkpoint_signer = new NoteSigner(SampleSigner("socle/t/state"));
  static const NoteSigner* const receipts_signer =
      new NoteSigner(SampleSigner(socle::ConsentReceiptKeyName("socle/t/state")));

  auto verified = socle::VerifyConsentReceipt(input, receipts_signer->VerifierKey(),
                                              checkpoint_signer->VerifierKey());
  Check(!verified.ok() && socle::ErrorCodeOf(verified.status()) == ErrorCode::kVerificationFailed,
        "an unsigned receipt is VERIFICATION_FAILED");

  auto parsed = socle::ParseConsentReceipt(input);
  if (!parsed.ok()) {
    Check(socle::ErrorCodeOf(parsed.status()) == ErrorCode::kParse, "a bad receipt is PARSE");
    return 0;
  }
  const socle::ConsentReceipt& r = *parsed;
  Check(!r.verified, "a parsed receipt is unverified");
  Check(absl::StartsWith(input, r.json), "the JSON text is a prefix of the input");
  const socle::ledger::MerkleHash leaf = socle::ledger::HashLeaf(absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(r.entry.data()), r.entry.size()));
  Check(leaf == ToMerkle(r.proof.leaf_hash), "the leaf hash is the entry's");
  Check(!r.event.person.empty() && !r.event.purpose.empty(), "the event names its pair");
  Check(r.event.index == r.proof.index, "the event is the proof's entry");

  std::string resigned, receipts_key, checkpoint_key;
  if (!Resign(r, &resigned, &receipts_key, &checkpoint_key)) return 0;
  auto checkpoint = socle::ledger::ParseCheckpoint(
      r.checkpoint_note.substr(0, r.checkpoint_note.find("\n\n") + 1));
  bool proof_holds = false;
  if (checkpoint.ok() && checkpoint->origin == r.origin && checkpoint->size == r.proof.tree_size) {
    std::vector<socle::ledger::MerkleHash> path;
    for (const auto& h : r.proof.hashes) path.push_back(ToMerkle(h));
    proof_holds = socle::ledger::VerifyInclusion(leaf, r.proof.index, r.proof.tree_size, path,
                                                 checkpoint->root_hash)
                      .ok();
  }
  auto again = socle::VerifyConsentReceipt(resigned, receipts_key, checkpoint_key);
  if (!again.ok()) {
    Check(socle::ErrorCodeOf(again.status()) == ErrorCode::kVerificationFailed,
          "a re-signed receipt that does not verify is VERIFICATION_FAILED");
  }
  Check(again.ok() == proof_holds, "a re-signed receipt verifies exactly when its proof holds");
  if (again.ok()) {
    Check(again->verified && again->event.person == r.event.person &&
              again->event.index == r.event.index && again->event.time == r.event.time,
          "a verified receipt gives the parsed event");
  }
  return 0;
}
