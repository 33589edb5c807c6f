// The ledger's Merkle tree, as RFC 9162 (Certificate Transparency 2.0) §2.1 defines it: SHA-256,
// leaf hash = SHA-256(0x00 || entry), node hash = SHA-256(0x01 || left || right), the root of
// the empty tree SHA-256(""). Here are the incremental appender (CompactRange), the proof
// generators (inclusion §2.1.3.1, consistency §2.1.4.1) over a source of leaf hashes that a
// storage layer implements (LeafHashes), and the verifiers (§2.1.3.2, §2.1.4.2), which take only
// hashes and sizes. docs/ledger.md describes the tree and the proofs for a third party.
//
// Sizes and indexes are uint64_t. Errors name what is wrong (an index out of range, a size of 0,
// a proof of the wrong length) and never carry an entry's bytes.
//
// Thread safety: the free functions are thread-safe once crypto::Init() has returned OK (they
// read a LeafHashes through const calls only). CompactRange and MemoryLeafHashes are value types:
// not synchronised.
#ifndef SOCLE_SRC_LEDGER_MERKLE_H_
#define SOCLE_SRC_LEDGER_MERKLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

// A hash from bytes: INVALID_ARGUMENT (naming `what` and the length) unless exactly 32 bytes.
absl::StatusOr<MerkleHash> ParseHash(absl::Span<const uint8_t> bytes, absl::string_view what);

// ---- Incremental appends -------------------------------------------------------------------

// The compact range [0, size) of a tree (its "frontier"): the roots of the perfect subtrees that
// the binary decomposition of `size` gives, largest (leftmost) first, one per bit set in size, so
// at most 64. Appending a leaf hash costs one node hash per trailing one bit of the size
// (amortised O(1), at most O(log n)); the root costs popcount(size) - 1 node hashes. Serialised
// as the size (8 bytes, big-endian) followed by the hashes, so the ledger can store it with a
// checkpoint and resume appending.
class CompactRange {
 public:
  // The largest number of hashes a range holds (one per bit of a 64-bit size).
  static constexpr int kMaxHashes = 64;

  CompactRange() = default;
  // INVALID_ARGUMENT when `hashes` does not hold exactly one hash per bit set in `size`.
  static absl::StatusOr<CompactRange> Create(uint64_t size, absl::Span<const MerkleHash> hashes);
  // What Serialize() wrote; INVALID_ARGUMENT naming the length that was expected otherwise.
  static absl::StatusOr<CompactRange> Parse(absl::Span<const uint8_t> bytes);

  uint64_t size() const { return size_; }
  // The perfect subtrees' roots, largest first.
  absl::Span<const MerkleHash> hashes() const { return absl::MakeConstSpan(hashes_.data(), count_); }

  // Appends the next leaf. OUT_OF_RANGE when the tree already holds 2^64 - 1 leaves.
  absl::Status Append(const MerkleHash& leaf_hash);
  // The same, calling `on_node(level, index, hash)` for every perfect subtree this append
  // completes (the leaf itself at level 0, then each merged node: the subtree of leaves
  // [index << level, (index + 1) << level)), so a store can keep their roots.
  absl::Status Append(const MerkleHash& leaf_hash,
                      absl::FunctionRef<void(int level, uint64_t index, const MerkleHash&)> on_node);

  // The tree's root at size() (RFC 9162's MTH(D[size])); EmptyRoot() for size 0.
  MerkleHash Root() const;
  // 8 + 32 * popcount(size) bytes.
  std::string Serialize() const;

 private:
  uint64_t size_ = 0;
  int count_ = 0;
  std::array<MerkleHash, kMaxHashes> hashes_{};
};

// ---- Proof generation over stored leaf hashes ----------------------------------------------

// Where the proof generators read the tree: a storage layer serves leaf hashes by ranges and may
// keep the roots of full (perfect) subtrees, which bounds a proof's cost by the levels it does
// not keep. Implementations are only called for leaves below size().
class LeafHashes {
 public:
  virtual ~LeafHashes() = default;
  // The number of leaves stored.
  virtual uint64_t size() const = 0;
  // Writes the hashes of leaves [begin, begin + out.size()) to `out`.
  virtual absl::Status ReadLeafHashes(uint64_t begin, absl::Span<MerkleHash> out) const = 0;
  // The root of the perfect subtree of leaves [index << level, (index + 1) << level) (level >= 1),
  // when the store keeps it: true with *out set; false when it must be computed from below. The
  // default keeps none.
  virtual absl::StatusOr<bool> ReadSubtreeRoot(int level, uint64_t index, MerkleHash* out) const;
};

// MTH(D[0:size]): OUT_OF_RANGE when size exceeds leaves.size().
absl::StatusOr<MerkleHash> ComputeRoot(const LeafHashes& leaves, uint64_t size);

// PATH(index, D[size]) (RFC 9162 §2.1.3.1): the sibling hashes from the leaf up to the root.
// OUT_OF_RANGE when index >= size or size > leaves.size().
absl::StatusOr<std::vector<MerkleHash>> InclusionProof(const LeafHashes& leaves, uint64_t index,
                                                       uint64_t size);

// A leaf's hash and its inclusion proof (the sibling hashes from the leaf up to the root).
struct InclusionPath {
  MerkleHash leaf_hash{};
  std::vector<MerkleHash> hashes;
};

// The leaf hashes and inclusion proofs of `indexes` (any order, repeats allowed) in the tree of
// `size` leaves, in the order given, each proof equal to InclusionProof(leaves, index, size):
// one descent of the tree computes each node the proofs share once (the ragged right edge, the
// upper levels), where separate calls compute them for every proof, and reads the leaves in
// index order. OUT_OF_RANGE as InclusionProof.
absl::StatusOr<std::vector<InclusionPath>> InclusionProofs(const LeafHashes& leaves,
                                                           absl::Span<const uint64_t> indexes,
                                                           uint64_t size);

// PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1); empty when size1 == size2. INVALID_ARGUMENT when
// size1 is 0 (the empty tree is consistent with every tree: there is nothing to prove) and
// OUT_OF_RANGE when size1 > size2 or size2 > leaves.size().
absl::StatusOr<std::vector<MerkleHash>> ConsistencyProof(const LeafHashes& leaves, uint64_t size1,
                                                         uint64_t size2);

// ---- Verification (hashes and sizes only) --------------------------------------------------

// The number of hashes a valid proof holds (0 when the sizes make the proof invalid).
size_t InclusionProofLength(uint64_t index, uint64_t size);
size_t ConsistencyProofLength(uint64_t size1, uint64_t size2);

// RFC 9162 §2.1.3.2: OK when `proof` proves that `leaf_hash` is leaf `index` of the tree of
// `size` leaves whose root is `root`. OUT_OF_RANGE when index >= size; INVALID_ARGUMENT when
// the proof does not hold InclusionProofLength(index, size) hashes; VERIFICATION_FAILED when the
// computed root differs. No allocation.
absl::Status VerifyInclusion(const MerkleHash& leaf_hash, uint64_t index, uint64_t size,
                             absl::Span<const MerkleHash> proof, const MerkleHash& root);
// The root the proof leads to, for callers that look the root up afterwards (same errors,
// without the final comparison).
absl::StatusOr<MerkleHash> RootFromInclusionProof(const MerkleHash& leaf_hash, uint64_t index,
                                                  uint64_t size,
                                                  absl::Span<const MerkleHash> proof);

// RFC 9162 §2.1.4.2: OK when `proof` proves that the tree of size1 leaves with root `root1` is a
// prefix of the tree of size2 leaves with root `root2`. INVALID_ARGUMENT when size1 is 0 or the
// proof has the wrong length (a non-empty proof for equal sizes included); OUT_OF_RANGE when
// size1 > size2; VERIFICATION_FAILED when a root differs. No allocation.
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, absl::Span<const MerkleHash> proof,
                               const MerkleHash& root1, const MerkleHash& root2);

// ---- Serialised proofs ---------------------------------------------------------------------

// The longest proof socle reads: an inclusion proof holds at most 64 hashes and a consistency
// proof at most 65 (the seed and one per level); anything longer is refused before allocation.
inline constexpr size_t kMaxProofHashes = 65;
// A proof as bytes: its hashes concatenated, in proof order (RFC 9162's inclusion_path and
// consistency_path without their TLS length prefixes).
std::string SerializeProof(absl::Span<const MerkleHash> proof);
// INVALID_ARGUMENT when the length is not a multiple of 32 or exceeds kMaxProofHashes hashes.
absl::StatusOr<std::vector<MerkleHash>> ParseProof(absl::Span<const uint8_t> bytes);

// ---- An in-memory store ---------------------------------------------------------------------

// Leaf hashes in memory, with the roots of every perfect subtree of 2^min_stored_level leaves or
// more (level 4 by default: 1/8 of the leaves' memory), so that a proof reads at most
// 2^min_stored_level - 1 leaves per level below. For tests and benchmarks, and the model a
// storage layer follows.
class MemoryLeafHashes final : public LeafHashes {
 public:
  explicit MemoryLeafHashes(int min_stored_level = 4);

  absl::Status Append(const MerkleHash& leaf_hash);
  // The root at size(), from the compact range (no store access).
  MerkleHash Root() const { return range_.Root(); }
  const CompactRange& range() const { return range_; }
  // The bytes held by the leaves and the stored subtree roots (capacity, not size).
  size_t MemoryBytes() const;

  uint64_t size() const override { return range_.size(); }
  absl::Status ReadLeafHashes(uint64_t begin, absl::Span<MerkleHash> out) const override;
  absl::StatusOr<bool> ReadSubtreeRoot(int level, uint64_t index, MerkleHash* out) const override;

 private:
  int min_stored_level_;
  CompactRange range_;
  std::vector<MerkleHash> leaves_;
  // levels_[l] holds the roots of the perfect subtrees of level min_stored_level_ + l, in order.
  std::vector<std::vector<MerkleHash>> levels_;
};

}  // namespace socle::ledger

#endif  // SOCLE_SRC_LEDGER_MERKLE_H_
