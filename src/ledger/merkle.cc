#include "ledger/merkle.h"

#include <cstring>

namespace socle::ledger {
namespace {

constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;

}  // namespace

MerkleHash HashLeaf(absl::Span<const uint8_t> entry) {
  return crypto::Sha256WithPrefix(kLeafPrefix, entry);
}

MerkleHash HashChildren(const MerkleHash& left, const MerkleHash& right) {
  // One contiguous block of 65 bytes: a single call, no streaming state.
  uint8_t block[1 + 2 * kMerkleHashBytes];
  block[0] = kNodePrefix;
  std::memcpy(block + 1, left.data(), kMerkleHashBytes);
  std::memcpy(block + 1 + kMerkleHashBytes, right.data(), kMerkleHashBytes);
  return crypto::Sha256(absl::MakeConstSpan(block));
}

MerkleHash EmptyRoot() { return crypto::Sha256({}); }

}  // namespace socle::ledger
