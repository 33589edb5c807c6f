#include "ledger/merkle.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::ledger {
namespace {

constexpr uint8_t kLeafPrefix = 0x00;
constexpr uint8_t kNodePrefix = 0x01;

// Perfect subtrees up to this level are computed from one read of their leaves into a stack
// buffer (64 hashes, 2 KiB) rather than by recursion: one call into the store instead of 64.
constexpr int kLeafBatchLevel = 6;

absl::Status OutOfRange(absl::string_view message) {
  return MakeError(ErrorCode::kOutOfRange, message);
}
absl::Status Invalid(absl::string_view message) {
  return MakeError(ErrorCode::kInvalidArgument, message);
}
absl::Status Mismatch(absl::string_view message) {
  return MakeError(ErrorCode::kVerificationFailed, message);
}

bool IsPowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// The RFC's "largest power of two smaller than n" (n >= 2): the size of the left subtree.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// The root of the perfect subtree of leaves [index << level, (index + 1) << level).
absl::Status PerfectRoot(const LeafHashes& leaves, int level, uint64_t index, MerkleHash* out) {
  if (level == 0) return leaves.ReadLeafHashes(index, absl::MakeSpan(out, 1));
  SOCLE_ASSIGN_OR_RETURN(const bool stored, leaves.ReadSubtreeRoot(level, index, out));
  if (stored) return absl::OkStatus();
  if (level > kLeafBatchLevel) {
    MerkleHash left, right;
    SOCLE_RETURN_IF_ERROR(PerfectRoot(leaves, level - 1, 2 * index, &left));
    SOCLE_RETURN_IF_ERROR(PerfectRoot(leaves, level - 1, 2 * index + 1, &right));
    *out = HashChildren(left, right);
    return absl::OkStatus();
  }
  MerkleHash buffer[size_t{1} << kLeafBatchLevel];
  size_t n = size_t{1} << level;
  SOCLE_RETURN_IF_ERROR(leaves.ReadLeafHashes(index << level, absl::MakeSpan(buffer, n)));
  for (; n > 1; n /= 2) {
    for (size_t i = 0; i < n / 2; ++i) buffer[i] = HashChildren(buffer[2 * i], buffer[2 * i + 1]);
  }
  *out = buffer[0];
  return absl::OkStatus();
}

// MTH(D[begin:end]) for a range the RFC's recursion produces: `begin` is a multiple of the
// largest power of two below end - begin, so the range splits into aligned perfect subtrees.
absl::Status RangeRoot(const LeafHashes& leaves, uint64_t begin, uint64_t end, MerkleHash* out) {
  const uint64_t n = end - begin;
  if (IsPowerOfTwo(n)) {
    const int level = std::countr_zero(n);
    return PerfectRoot(leaves, level, begin >> level, out);
  }
  const uint64_t k = std::bit_floor(n);
  const int level = std::countr_zero(k);
  MerkleHash left, right;
  SOCLE_RETURN_IF_ERROR(PerfectRoot(leaves, level, begin >> level, &left));
  SOCLE_RETURN_IF_ERROR(RangeRoot(leaves, begin + k, end, &right));
  *out = HashChildren(left, right);
  return absl::OkStatus();
}

// PATH(m, D[begin:end]) of RFC 9162 §2.1.3.1, with absolute indexes; appends bottom-up.
absl::Status Path(const LeafHashes& leaves, uint64_t m, uint64_t begin, uint64_t end,
                  std::vector<MerkleHash>& proof) {
  if (end - begin == 1) return absl::OkStatus();
  const uint64_t k = SplitPoint(end - begin);
  MerkleHash sibling;
  if (m < begin + k) {
    SOCLE_RETURN_IF_ERROR(Path(leaves, m, begin, begin + k, proof));
    SOCLE_RETURN_IF_ERROR(RangeRoot(leaves, begin + k, end, &sibling));
  } else {
    SOCLE_RETURN_IF_ERROR(Path(leaves, m, begin + k, end, proof));
    SOCLE_RETURN_IF_ERROR(RangeRoot(leaves, begin, begin + k, &sibling));
  }
  proof.push_back(sibling);
  return absl::OkStatus();
}

// SUBPROOF(m, D[begin:end], b) of RFC 9162 §2.1.4.1, with `m` the absolute end of the old tree.
absl::Status SubProof(const LeafHashes& leaves, uint64_t m, uint64_t begin, uint64_t end,
                      bool complete, std::vector<MerkleHash>& proof) {
  MerkleHash node;
  if (m == end) {
    if (complete) return absl::OkStatus();
    SOCLE_RETURN_IF_ERROR(RangeRoot(leaves, begin, end, &node));
    proof.push_back(node);
    return absl::OkStatus();
  }
  const uint64_t k = SplitPoint(end - begin);
  if (m <= begin + k) {
    SOCLE_RETURN_IF_ERROR(SubProof(leaves, m, begin, begin + k, complete, proof));
    SOCLE_RETURN_IF_ERROR(RangeRoot(leaves, begin + k, end, &node));
  } else {
    SOCLE_RETURN_IF_ERROR(SubProof(leaves, m, begin + k, end, false, proof));
    SOCLE_RETURN_IF_ERROR(RangeRoot(leaves, begin, begin + k, &node));
  }
  proof.push_back(node);
  return absl::OkStatus();
}

absl::Status CheckStored(const LeafHashes& leaves, uint64_t size) {
  if (size > leaves.size()) {
    return OutOfRange(absl::StrCat("tree size ", size, " exceeds the ", leaves.size(),
                                   " leaves stored"));
  }
  return absl::OkStatus();
}

// One step of the RFC's verification loops: "right-shift both fn and sn equally until either
// LSB(fn) is set or fn is 0".
void ShiftUntilOddOrZero(uint64_t& fn, uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

// The number of path hashes the RFC's loop consumes from (fn, sn) before sn reaches 0: the
// loop of §2.1.3.2 step 4 and §2.1.4.2 step 6 with the hashing left out.
size_t PathLength(uint64_t fn, uint64_t sn) {
  size_t n = 0;
  for (; sn != 0; ++n) {
    if ((fn & 1) != 0 || fn == sn) {
      if ((fn & 1) == 0) ShiftUntilOddOrZero(fn, sn);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return n;
}

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

absl::StatusOr<MerkleHash> ParseHash(absl::Span<const uint8_t> bytes, absl::string_view what) {
  if (bytes.size() != kMerkleHashBytes) {
    return Invalid(absl::StrCat(what, " is ", bytes.size(), " bytes long, not ",
                                kMerkleHashBytes, " (a SHA-256 hash)"));
  }
  MerkleHash hash;
  std::memcpy(hash.data(), bytes.data(), kMerkleHashBytes);
  return hash;
}

// ---- CompactRange ----

absl::StatusOr<CompactRange> CompactRange::Create(uint64_t size,
                                                  absl::Span<const MerkleHash> hashes) {
  const int expected = std::popcount(size);
  if (hashes.size() != static_cast<size_t>(expected)) {
    return Invalid(absl::StrCat("a compact range of size ", size, " holds ", expected,
                                " hashes, not ", hashes.size()));
  }
  CompactRange range;
  range.size_ = size;
  range.count_ = expected;
  std::copy(hashes.begin(), hashes.end(), range.hashes_.begin());
  return range;
}

absl::StatusOr<CompactRange> CompactRange::Parse(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < 8) {
    return Invalid(absl::StrCat("a serialised compact range is ", bytes.size(),
                                " bytes long, shorter than its 8-byte size"));
  }
  uint64_t size = 0;
  for (int i = 0; i < 8; ++i) size = (size << 8) | bytes[i];
  const size_t count = static_cast<size_t>(std::popcount(size));
  const size_t expected = 8 + count * kMerkleHashBytes;
  if (bytes.size() != expected) {
    return Invalid(absl::StrCat("a serialised compact range of size ", size, " is ", expected,
                                " bytes long, not ", bytes.size()));
  }
  CompactRange range;
  range.size_ = size;
  range.count_ = static_cast<int>(count);
  for (size_t i = 0; i < count; ++i) {
    std::memcpy(range.hashes_[i].data(), bytes.data() + 8 + i * kMerkleHashBytes,
                kMerkleHashBytes);
  }
  return range;
}

absl::Status CompactRange::Append(const MerkleHash& leaf_hash) {
  return Append(leaf_hash, [](int, uint64_t, const MerkleHash&) {});
}

absl::Status CompactRange::Append(
    const MerkleHash& leaf_hash,
    absl::FunctionRef<void(int level, uint64_t index, const MerkleHash&)> on_node) {
  if (size_ == UINT64_MAX) {
    return OutOfRange("the tree already holds 2^64 - 1 leaves: no index is left for another");
  }
  on_node(0, size_, leaf_hash);
  // Each trailing one bit of the size is a perfect subtree that the new leaf's subtree completes.
  MerkleHash node = leaf_hash;
  uint64_t index = size_;
  int level = 0;
  while ((index & 1) != 0) {
    node = HashChildren(hashes_[--count_], node);
    index >>= 1;
    ++level;
    on_node(level, index, node);
  }
  hashes_[count_++] = node;
  ++size_;
  return absl::OkStatus();
}

MerkleHash CompactRange::Root() const {
  if (count_ == 0) return EmptyRoot();
  MerkleHash root = hashes_[count_ - 1];
  for (int i = count_ - 2; i >= 0; --i) root = HashChildren(hashes_[i], root);
  return root;
}

std::string CompactRange::Serialize() const {
  std::string out(8 + count_ * kMerkleHashBytes, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(size_ >> (56 - 8 * i));
  for (int i = 0; i < count_; ++i) {
    std::memcpy(out.data() + 8 + i * kMerkleHashBytes, hashes_[i].data(), kMerkleHashBytes);
  }
  return out;
}

// ---- Proof generation ----

absl::StatusOr<bool> LeafHashes::ReadSubtreeRoot(int, uint64_t, MerkleHash*) const {
  return false;
}

absl::StatusOr<MerkleHash> ComputeRoot(const LeafHashes& leaves, uint64_t size) {
  SOCLE_RETURN_IF_ERROR(CheckStored(leaves, size));
  if (size == 0) return EmptyRoot();
  MerkleHash root;
  SOCLE_RETURN_IF_ERROR(RangeRoot(leaves, 0, size, &root));
  return root;
}

absl::StatusOr<std::vector<MerkleHash>> InclusionProof(const LeafHashes& leaves, uint64_t index,
                                                       uint64_t size) {
  if (index >= size) {
    return OutOfRange(absl::StrCat("leaf index ", index, " is not below the tree size ", size));
  }
  SOCLE_RETURN_IF_ERROR(CheckStored(leaves, size));
  std::vector<MerkleHash> proof;
  proof.reserve(InclusionProofLength(index, size));
  SOCLE_RETURN_IF_ERROR(Path(leaves, index, 0, size, proof));
  return proof;
}

namespace {

// The proofs of the sorted, distinct `indexes` that lie in [begin, end), in one descent of the
// RFC's recursion: each node's sibling is computed once and given to every proof below it (the
// siblings are found top-down, so each path is reversed at the end), and each leaf is read when
// the descent reaches it, so the leaves are read in order.
absl::Status Paths(const LeafHashes& leaves, absl::Span<const uint64_t> indexes, uint64_t begin,
                   uint64_t end, absl::Span<InclusionPath> out) {
  while (!indexes.empty() && end - begin > 1) {
    const uint64_t k = SplitPoint(end - begin);
    const size_t left = static_cast<size_t>(
        std::lower_bound(indexes.begin(), indexes.end(), begin + k) - indexes.begin());
    MerkleHash sibling;
    if (left > 0) {
      SOCLE_RETURN_IF_ERROR(RangeRoot(leaves, begin + k, end, &sibling));
      for (size_t i = 0; i < left; ++i) out[i].hashes.push_back(sibling);
    }
    if (left < indexes.size()) {
      SOCLE_RETURN_IF_ERROR(RangeRoot(leaves, begin, begin + k, &sibling));
      for (size_t i = left; i < indexes.size(); ++i) out[i].hashes.push_back(sibling);
    }
    // The left part (a perfect subtree) in a call, the right one (the tree's ragged edge when
    // the size is not a power of two) in this loop.
    if (left > 0) {
      SOCLE_RETURN_IF_ERROR(Paths(leaves, indexes.first(left), begin, begin + k, out.first(left)));
    }
    indexes.remove_prefix(left);
    out.remove_prefix(left);
    begin += k;
  }
  if (indexes.empty()) return absl::OkStatus();
  return leaves.ReadLeafHashes(begin, absl::MakeSpan(&out[0].leaf_hash, 1));
}

}  // namespace

absl::StatusOr<std::vector<InclusionPath>> InclusionProofs(const LeafHashes& leaves,
                                                           absl::Span<const uint64_t> indexes,
                                                           uint64_t size) {
  SOCLE_RETURN_IF_ERROR(CheckStored(leaves, size));
  std::vector<uint64_t> sorted(indexes.begin(), indexes.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  if (!sorted.empty() && sorted.back() >= size) {
    return OutOfRange(
        absl::StrCat("leaf index ", sorted.back(), " is not below the tree size ", size));
  }
  std::vector<InclusionPath> distinct(sorted.size());
  for (size_t i = 0; i < sorted.size(); ++i) {
    distinct[i].hashes.reserve(InclusionProofLength(sorted[i], size));
  }
  SOCLE_RETURN_IF_ERROR(Paths(leaves, sorted, 0, size, absl::MakeSpan(distinct)));
  for (InclusionPath& path : distinct) std::reverse(path.hashes.begin(), path.hashes.end());
  // In the caller's order; a repeated index gets a copy of its proof.
  const bool repeats = sorted.size() != indexes.size();
  std::vector<InclusionPath> out(indexes.size());
  for (size_t i = 0; i < indexes.size(); ++i) {
    const size_t at = static_cast<size_t>(
        std::lower_bound(sorted.begin(), sorted.end(), indexes[i]) - sorted.begin());
    out[i] = repeats ? distinct[at] : std::move(distinct[at]);
  }
  return out;
}

absl::StatusOr<std::vector<MerkleHash>> ConsistencyProof(const LeafHashes& leaves, uint64_t size1,
                                                         uint64_t size2) {
  if (size1 == 0) {
    return Invalid(
        "size1 is 0: the empty tree is a prefix of every tree, there is nothing to prove");
  }
  if (size1 > size2) {
    return OutOfRange(absl::StrCat("size1 ", size1, " is larger than size2 ", size2));
  }
  SOCLE_RETURN_IF_ERROR(CheckStored(leaves, size2));
  std::vector<MerkleHash> proof;
  if (size1 == size2) return proof;
  proof.reserve(ConsistencyProofLength(size1, size2));
  SOCLE_RETURN_IF_ERROR(SubProof(leaves, size1, 0, size2, /*complete=*/true, proof));
  return proof;
}

// ---- Verification ----

size_t InclusionProofLength(uint64_t index, uint64_t size) {
  if (index >= size) return 0;
  return PathLength(index, size - 1);
}

size_t ConsistencyProofLength(uint64_t size1, uint64_t size2) {
  if (size1 == 0 || size1 >= size2) return 0;
  uint64_t fn = size1 - 1, sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  // A size1 that is a power of two is a node of the new tree: root1 seeds the path and the proof
  // does not carry it.
  return (IsPowerOfTwo(size1) ? 0 : 1) + PathLength(fn, sn);
}

absl::StatusOr<MerkleHash> RootFromInclusionProof(const MerkleHash& leaf_hash, uint64_t index,
                                                  uint64_t size,
                                                  absl::Span<const MerkleHash> proof) {
  if (size == 0) return OutOfRange("tree size is 0: an empty tree includes no leaf");
  if (index >= size) {
    return OutOfRange(absl::StrCat("leaf index ", index, " is not below the tree size ", size));
  }
  const size_t expected = InclusionProofLength(index, size);
  if (proof.size() != expected) {
    return Invalid(absl::StrCat("wrong inclusion proof length for leaf ", index, " of a tree of ",
                                size, ": ", proof.size(), " hashes, expected ", expected));
  }
  // RFC 9162 §2.1.3.2, steps 2 to 4.
  uint64_t fn = index, sn = size - 1;
  MerkleHash r = leaf_hash;
  for (const MerkleHash& p : proof) {
    if ((fn & 1) != 0 || fn == sn) {
      r = HashChildren(p, r);
      if ((fn & 1) == 0) ShiftUntilOddOrZero(fn, sn);
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return r;
}

absl::Status VerifyInclusion(const MerkleHash& leaf_hash, uint64_t index, uint64_t size,
                             absl::Span<const MerkleHash> proof, const MerkleHash& root) {
  SOCLE_ASSIGN_OR_RETURN(const MerkleHash computed,
                         RootFromInclusionProof(leaf_hash, index, size, proof));
  if (computed != root) {
    return Mismatch(absl::StrCat("the inclusion proof of leaf ", index,
                                 " does not lead to the root of the tree of size ", size));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, absl::Span<const MerkleHash> proof,
                               const MerkleHash& root1, const MerkleHash& root2) {
  if (size1 == 0) {
    return Invalid("size1 is 0: the empty tree is a prefix of every tree, there is nothing to verify");
  }
  if (size1 > size2) {
    return OutOfRange(absl::StrCat("size1 ", size1, " is larger than size2 ", size2));
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return Invalid(absl::StrCat("wrong consistency proof length for equal sizes ", size1, ": ",
                                  proof.size(), " hashes, expected 0"));
    }
    if (root1 != root2) {
      return Mismatch(absl::StrCat("two roots of the tree of size ", size1, " differ"));
    }
    return absl::OkStatus();
  }
  const size_t expected = ConsistencyProofLength(size1, size2);
  if (proof.size() != expected) {
    return Invalid(absl::StrCat("wrong consistency proof length from size ", size1, " to ", size2,
                                ": ", proof.size(), " hashes, expected ", expected));
  }
  // RFC 9162 §2.1.4.2: step 2 (root1 seeds the path when size1 is a power of two), then 3 to 7.
  size_t next = 0;
  const MerkleHash seed = IsPowerOfTwo(size1) ? root1 : proof[next++];
  uint64_t fn = size1 - 1, sn = size2 - 1;
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  MerkleHash fr = seed, sr = seed;
  for (; next < proof.size(); ++next) {
    const MerkleHash& c = proof[next];
    if ((fn & 1) != 0 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if ((fn & 1) == 0) ShiftUntilOddOrZero(fn, sn);
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (fr != root1) {
    return Mismatch(absl::StrCat("the consistency proof from size ", size1, " to ", size2,
                                 " does not lead to the first root"));
  }
  if (sr != root2) {
    return Mismatch(absl::StrCat("the consistency proof from size ", size1, " to ", size2,
                                 " does not lead to the second root"));
  }
  return absl::OkStatus();
}

// ---- Serialised proofs ----

std::string SerializeProof(absl::Span<const MerkleHash> proof) {
  std::string out(proof.size() * kMerkleHashBytes, '\0');
  for (size_t i = 0; i < proof.size(); ++i) {
    std::memcpy(out.data() + i * kMerkleHashBytes, proof[i].data(), kMerkleHashBytes);
  }
  return out;
}

absl::StatusOr<std::vector<MerkleHash>> ParseProof(absl::Span<const uint8_t> bytes) {
  if (bytes.size() % kMerkleHashBytes != 0) {
    return Invalid(absl::StrCat("a serialised proof is ", bytes.size(),
                                " bytes long, not a multiple of ", kMerkleHashBytes));
  }
  const size_t count = bytes.size() / kMerkleHashBytes;
  if (count > kMaxProofHashes) {
    return Invalid(absl::StrCat("a serialised proof holds ", count, " hashes, more than the ",
                                kMaxProofHashes, " of the largest tree"));
  }
  std::vector<MerkleHash> proof(count);
  for (size_t i = 0; i < count; ++i) {
    std::memcpy(proof[i].data(), bytes.data() + i * kMerkleHashBytes, kMerkleHashBytes);
  }
  return proof;
}

// ---- MemoryLeafHashes ----

MemoryLeafHashes::MemoryLeafHashes(int min_stored_level)
    : min_stored_level_(min_stored_level < 1 ? 1 : (min_stored_level > 63 ? 63 : min_stored_level)) {}

absl::Status MemoryLeafHashes::Append(const MerkleHash& leaf_hash) {
  return range_.Append(leaf_hash, [this](int level, uint64_t, const MerkleHash& node) {
    if (level == 0) {
      leaves_.push_back(node);
    } else if (level >= min_stored_level_) {
      const size_t slot = static_cast<size_t>(level - min_stored_level_);
      if (levels_.size() <= slot) levels_.resize(slot + 1);
      // Perfect subtrees of one level complete in order: the node's index is the vector's size.
      levels_[slot].push_back(node);
    }
  });
}

size_t MemoryLeafHashes::MemoryBytes() const {
  size_t bytes = leaves_.capacity() * sizeof(MerkleHash);
  for (const auto& level : levels_) bytes += level.capacity() * sizeof(MerkleHash);
  return bytes;
}

absl::Status MemoryLeafHashes::ReadLeafHashes(uint64_t begin, absl::Span<MerkleHash> out) const {
  if (begin > leaves_.size() || out.size() > leaves_.size() - begin) {
    return OutOfRange(absl::StrCat("leaves [", begin, ", ", begin + out.size(),
                                   ") are not all among the ", leaves_.size(), " stored"));
  }
  std::copy_n(leaves_.begin() + begin, out.size(), out.begin());
  return absl::OkStatus();
}

absl::StatusOr<bool> MemoryLeafHashes::ReadSubtreeRoot(int level, uint64_t index,
                                                       MerkleHash* out) const {
  if (level < min_stored_level_) return false;
  const size_t slot = static_cast<size_t>(level - min_stored_level_);
  if (slot >= levels_.size() || index >= levels_[slot].size()) return false;
  *out = levels_[slot][index];
  return true;
}

}  // namespace socle::ledger
