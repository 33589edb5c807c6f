// The ledger's Merkle tree, as RFC 9162 (Certificate Transparency 2.0) §2.1 defines it: SHA-256,
// leaf hash = SHA-256(0x00 || entry), node hash = SHA-256(0x01 || left || right), the root of
// the empty tree SHA-256(""). docs/ledger.md describes the tree and the proofs for a third party.
//
// Thread safety: the free functions are thread-safe once crypto::Init() has returned OK.
#ifndef SOCLE_SRC_LEDGER_MERKLE_H_
#define SOCLE_SRC_LEDGER_MERKLE_H_

#include <cstdint>

#include "absl/types/span.h"
#include "crypto/crypto.h"

namespace socle::ledger {

inline constexpr size_t kMerkleHashBytes = crypto::kHashBytes;
using MerkleHash = crypto::Hash256;

// SHA-256(0x00 || entry): the hash of one entry of the log.
MerkleHash HashLeaf(absl::Span<const uint8_t> entry);
// SHA-256(0x01 || left || right): the hash of an interior node.
MerkleHash HashChildren(const MerkleHash& left, const MerkleHash& right);
// SHA-256(""): the root of a tree of no entries.
MerkleHash EmptyRoot();

}  // namespace socle::ledger

#endif  // SOCLE_SRC_LEDGER_MERKLE_H_
