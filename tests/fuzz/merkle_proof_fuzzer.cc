// libFuzzer target for the Merkle proof verifiers and parsers (src/ledger/merkle.h). The first
// byte chooses what the rest is:
//   0: inclusion    index (8 bytes, big-endian) size (8) leaf hash (32) root (32) proof bytes
//   1: consistency  size1 (8) size2 (8) root1 (32) root2 (32) proof bytes
//   2: a serialised compact range
//   3: a real proof, mutated: index (8) size (8) pick a proof of a 1,000-leaf tree (index and
//      size reduced into range), and the remaining bytes are XORed into the serialised proof.
// The proof bytes go through ParseProof, the verifiers' input format.
//
// Contracts checked (abort on failure):
//   - no input crashes or reads out of bounds (the sanitizers);
//   - ParseProof accepts exactly the lengths that are multiples of 32 up to kMaxProofHashes
//     hashes, and SerializeProof gives the bytes back; the same for CompactRange::Parse;
//   - a proof that verifies has the length the sizes give, and for inclusion leads to the root;
//   - a mutated real proof verifies if and only if the mutation left it unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "crypto/crypto.h"
#include "ledger/merkle.h"

namespace {

using socle::ledger::MerkleHash;
namespace ledger = socle::ledger;

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "merkle_proof_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

// Reads fixed-size fields from the front of the input; missing bytes read as zero.
struct Reader {
  const uint8_t* data;
  size_t size;
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | Byte();
    return v;
  }
  MerkleHash Hash() {
    MerkleHash h;
    for (auto& b : h) b = Byte();
    return h;
  }
  uint8_t Byte() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
  absl::Span<const uint8_t> Rest() const { return {data, size}; }
};

const ledger::MemoryLeafHashes& Tree() {
  static const ledger::MemoryLeafHashes* tree = [] {
    auto* t = new ledger::MemoryLeafHashes(2);
    for (uint32_t i = 0; i < 1000; ++i) {
      if (!t->Append(ledger::HashLeaf({reinterpret_cast<const uint8_t*>(&i), sizeof(i)})).ok()) {
        Broken("the reference tree cannot be built");
      }
    }
    return t;
  }();
  return *tree;
}

std::vector<MerkleHash> ParsedProof(absl::Span<const uint8_t> bytes) {
  auto proof = ledger::ParseProof(bytes);
  const bool acceptable = bytes.size() % ledger::kMerkleHashBytes == 0 &&
                          bytes.size() / ledger::kMerkleHashBytes <= ledger::kMaxProofHashes;
  if (proof.ok() != acceptable) Broken("ParseProof accepts the wrong lengths");
  if (!proof.ok()) return {};
  const std::string again = ledger::SerializeProof(*proof);
  if (again.size() != bytes.size() || std::memcmp(again.data(), bytes.data(), bytes.size()) != 0) {
    Broken("SerializeProof does not give back the parsed bytes");
  }
  return *std::move(proof);
}

void Inclusion(Reader in) {
  const uint64_t index = in.U64(), size = in.U64();
  const MerkleHash leaf = in.Hash(), root = in.Hash();
  const std::vector<MerkleHash> proof = ParsedProof(in.Rest());
  if (ledger::VerifyInclusion(leaf, index, size, proof, root).ok()) {
    if (proof.size() != ledger::InclusionProofLength(index, size)) Broken("inclusion length");
    auto computed = ledger::RootFromInclusionProof(leaf, index, size, proof);
    if (!computed.ok() || *computed != root) Broken("an accepted proof leads elsewhere");
  }
}

void Consistency(Reader in) {
  const uint64_t size1 = in.U64(), size2 = in.U64();
  const MerkleHash root1 = in.Hash(), root2 = in.Hash();
  const std::vector<MerkleHash> proof = ParsedProof(in.Rest());
  if (ledger::VerifyConsistency(size1, size2, proof, root1, root2).ok()) {
    if (size1 == 0 || size1 > size2) Broken("accepted impossible sizes");
    if (proof.size() != ledger::ConsistencyProofLength(size1, size2)) Broken("consistency length");
  }
}

void Range(Reader in) {
  const absl::Span<const uint8_t> bytes = in.Rest();
  auto range = ledger::CompactRange::Parse(bytes);
  if (!range.ok()) return;
  const std::string again = range->Serialize();
  if (again.size() != bytes.size() || std::memcmp(again.data(), bytes.data(), bytes.size()) != 0) {
    Broken("CompactRange::Serialize does not give back the parsed bytes");
  }
  (void)range->Root();
}

void Mutated(Reader in) {
  const ledger::MemoryLeafHashes& tree = Tree();
  const uint64_t size = 1 + in.U64() % tree.size();
  const uint64_t index = in.U64() % size;
  const bool consistency = (in.Byte() & 1) != 0;
  const uint64_t size1 = 1 + index;  // the old tree's size, for consistency
  auto proof = consistency ? ledger::ConsistencyProof(tree, size1, size)
                           : ledger::InclusionProof(tree, index, size);
  if (!proof.ok()) Broken("no proof for sizes in range");
  std::string bytes = ledger::SerializeProof(*proof);
  const absl::Span<const uint8_t> mask = in.Rest();
  bool changed = false;
  for (size_t i = 0; i < mask.size() && i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>(bytes[i] ^ mask[i]);
    changed = changed || mask[i] != 0;
  }
  // Mask bytes past the proof's end extend it.
  if (mask.size() > bytes.size()) {
    bytes.append(reinterpret_cast<const char*>(mask.data()) + bytes.size(), mask.size() - bytes.size());
    changed = true;
  }
  auto parsed = ledger::ParseProof(
      {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  if (!parsed.ok()) return;
  MerkleHash leaf, root1, root2;
  if (!tree.ReadLeafHashes(index, absl::MakeSpan(&leaf, 1)).ok()) Broken("leaf read");
  root1 = *ledger::ComputeRoot(tree, size1);
  root2 = *ledger::ComputeRoot(tree, size);
  const bool ok = consistency
                      ? ledger::VerifyConsistency(size1, size, *parsed, root1, root2).ok()
                      : ledger::VerifyInclusion(leaf, index, size, *parsed, root2).ok();
  if (ok == changed) Broken(changed ? "a mutated proof verifies" : "a real proof is rejected");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialised = socle::crypto::Init().ok();
  if (!initialised) Broken("libsodium did not initialise");
  if (size == 0) return 0;
  Reader in{data + 1, size - 1};
  switch (data[0] % 4) {
    case 0: Inclusion(in); break;
    case 1: Consistency(in); break;
    case 2: Range(in); break;
    default: Mutated(in); break;
  }
  return 0;
}
