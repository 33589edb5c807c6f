// socle's proof generators and verifiers against a naive recursive reference written here from
// RFC 9162 §2.1 (MTH, PATH, SUBPROOF), for every (index, size) and (size1, size2) up to 64 and
// random larger trees, over three kinds of store; mutated proofs are rejected; the compact range
// gives the reference root at every size and survives serialisation; errors name what is wrong.
#include <boost/test/unit_test.hpp>
#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "crypto/crypto.h"
#include "ledger/merkle.h"
#include "socle/error.hpp"

namespace socle::ledger {
namespace {

using Hashes = std::vector<MerkleHash>;

// ---- The reference: RFC 9162 §2.1's definitions, transcribed literally -------------------

uint64_t LargestPowerOfTwoBelow(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

MerkleHash Mth(const Hashes& d, uint64_t begin, uint64_t end) {
  if (end == begin) return crypto::Sha256({});
  if (end - begin == 1) return d[begin];
  const uint64_t k = LargestPowerOfTwoBelow(end - begin);
  return HashChildren(Mth(d, begin, begin + k), Mth(d, begin + k, end));
}

Hashes RefPath(const Hashes& d, uint64_t m, uint64_t begin, uint64_t end) {
  if (end - begin == 1) return {};
  const uint64_t k = LargestPowerOfTwoBelow(end - begin);
  Hashes path;
  if (m < k) {
    path = RefPath(d, m, begin, begin + k);
    path.push_back(Mth(d, begin + k, end));
  } else {
    path = RefPath(d, m - k, begin + k, end);
    path.push_back(Mth(d, begin, begin + k));
  }
  return path;
}

Hashes RefSubproof(const Hashes& d, uint64_t m, uint64_t begin, uint64_t end, bool b) {
  const uint64_t n = end - begin;
  if (m == n) return b ? Hashes{} : Hashes{Mth(d, begin, end)};
  const uint64_t k = LargestPowerOfTwoBelow(n);
  Hashes proof;
  if (m <= k) {
    proof = RefSubproof(d, m, begin, begin + k, b);
    proof.push_back(Mth(d, begin + k, end));
  } else {
    proof = RefSubproof(d, m - k, begin + k, end, false);
    proof.push_back(Mth(d, begin, begin + k));
  }
  return proof;
}

// ---- Stores ----------------------------------------------------------------------------

// Leaf hashes only: every subtree root is computed from the leaves.
class LeavesOnly final : public LeafHashes {
 public:
  explicit LeavesOnly(const Hashes& leaves) : leaves_(leaves) {}
  uint64_t size() const override { return leaves_.size(); }
  absl::Status ReadLeafHashes(uint64_t begin, absl::Span<MerkleHash> out) const override {
    BOOST_REQUIRE(begin + out.size() <= leaves_.size());
    std::copy_n(leaves_.begin() + begin, out.size(), out.begin());
    return absl::OkStatus();
  }

 private:
  const Hashes& leaves_;
};

Hashes Leaves(uint64_t n, uint64_t seed = 1) {
  Hashes leaves;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t value[2] = {seed, i};
    leaves.push_back(HashLeaf({reinterpret_cast<const uint8_t*>(value), sizeof(value)}));
  }
  return leaves;
}

MemoryLeafHashes Memory(const Hashes& leaves, int min_stored_level) {
  MemoryLeafHashes store(min_stored_level);
  for (const MerkleHash& leaf : leaves) BOOST_REQUIRE(store.Append(leaf).ok());
  return store;
}

// The code's stable name, printable in a failed check.
std::string Code(const absl::Status& status) {
  return std::string(ErrorCodeName(ErrorCodeOf(status)));
}

// Every inclusion proof of `index` in `size` from `store` is the reference's and verifies.
void CheckInclusion(const LeafHashes& store, const Hashes& d, uint64_t index, uint64_t size) {
  BOOST_TEST_CONTEXT("index " << index << " size " << size) {
    const auto proof = InclusionProof(store, index, size);
    BOOST_REQUIRE(proof.ok());
    BOOST_TEST((*proof == RefPath(d, index, 0, size)));
    BOOST_TEST(proof->size() == InclusionProofLength(index, size));
    const MerkleHash root = Mth(d, 0, size);
    BOOST_TEST(VerifyInclusion(d[index], index, size, *proof, root).ok());
  }
}

void CheckConsistency(const LeafHashes& store, const Hashes& d, uint64_t size1, uint64_t size2) {
  BOOST_TEST_CONTEXT("size1 " << size1 << " size2 " << size2) {
    const auto proof = ConsistencyProof(store, size1, size2);
    BOOST_REQUIRE(proof.ok());
    const Hashes reference = size1 == size2 ? Hashes{} : RefSubproof(d, size1, 0, size2, true);
    BOOST_TEST((*proof == reference));
    BOOST_TEST(proof->size() == ConsistencyProofLength(size1, size2));
    BOOST_TEST(VerifyConsistency(size1, size2, *proof, Mth(d, 0, size1), Mth(d, 0, size2)).ok());
  }
}

BOOST_AUTO_TEST_SUITE(merkle_proofs)

BOOST_AUTO_TEST_CASE(every_proof_up_to_64_leaves_matches_the_reference) {
  const Hashes d = Leaves(64);
  const LeavesOnly leaves_only(d);
  const MemoryLeafHashes level1 = Memory(d, 1), level4 = Memory(d, 4);
  for (const LeafHashes* store :
       std::vector<const LeafHashes*>{&leaves_only, &level1, &level4}) {
    for (uint64_t size = 1; size <= 64; ++size) {
      BOOST_TEST((*ComputeRoot(*store, size) == Mth(d, 0, size)));
      for (uint64_t index = 0; index < size; ++index) CheckInclusion(*store, d, index, size);
      for (uint64_t size1 = 1; size1 <= size; ++size1) CheckConsistency(*store, d, size1, size);
    }
  }
}

BOOST_AUTO_TEST_CASE(random_larger_trees_match_the_reference) {
  std::mt19937_64 rng(20261204);
  const Hashes d = Leaves(5000, 2);
  const LeavesOnly leaves_only(d);
  const MemoryLeafHashes stored = Memory(d, 3);
  for (int round = 0; round < 40; ++round) {
    const uint64_t size = 65 + rng() % (d.size() - 64);
    const uint64_t index = rng() % size;
    const uint64_t size1 = 1 + rng() % size;
    CheckInclusion(leaves_only, d, index, size);
    CheckInclusion(stored, d, index, size);
    CheckConsistency(leaves_only, d, size1, size);
    CheckConsistency(stored, d, size1, size);
  }
  BOOST_TEST((*ComputeRoot(stored, d.size()) == Mth(d, 0, d.size())));
  BOOST_TEST((stored.Root() == Mth(d, 0, d.size())));
}

BOOST_AUTO_TEST_CASE(mutated_inclusion_proofs_are_rejected) {
  const Hashes d = Leaves(64);
  const MemoryLeafHashes store = Memory(d, 2);
  int checked = 0;
  for (uint64_t size = 1; size <= 64; size += 3) {
    const MerkleHash root = Mth(d, 0, size);
    for (uint64_t index = 0; index < size; index += 2) {
      BOOST_TEST_CONTEXT("index " << index << " size " << size) {
        const Hashes proof = *InclusionProof(store, index, size);
        for (size_t i = 0; i < proof.size(); ++i) {
          Hashes bad = proof;
          bad[i][i % kMerkleHashBytes] ^= 0x80;
          BOOST_TEST(Code(VerifyInclusion(d[index], index, size, bad, root)) ==
                     "VERIFICATION_FAILED");
        }
        MerkleHash bad_leaf = d[index];
        bad_leaf[31] ^= 1;
        BOOST_TEST(!VerifyInclusion(bad_leaf, index, size, proof, root).ok());
        MerkleHash bad_root = root;
        bad_root[0] ^= 1;
        BOOST_TEST(!VerifyInclusion(d[index], index, size, proof, bad_root).ok());
        if (!proof.empty()) {
          const Hashes truncated(proof.begin(), proof.end() - 1);
          BOOST_TEST(Code(VerifyInclusion(d[index], index, size, truncated, root)) ==
                     "INVALID_ARGUMENT");
        }
        Hashes extended = proof;
        extended.push_back(root);
        BOOST_TEST(Code(VerifyInclusion(d[index], index, size, extended, root)) ==
                   "INVALID_ARGUMENT");
        // The neighbour's index puts the leaf on the other side at the bottom level. (A changed
        // size alone can keep the same path: the root, signed with its size in a checkpoint, is
        // what binds the size.)
        BOOST_TEST(!VerifyInclusion(d[index], index ^ 1, size, proof, root).ok());
        ++checked;
      }
    }
  }
  BOOST_TEST(checked > 100);
}

BOOST_AUTO_TEST_CASE(mutated_consistency_proofs_are_rejected) {
  const Hashes d = Leaves(64);
  const MemoryLeafHashes store = Memory(d, 2);
  int checked = 0;
  for (uint64_t size2 = 2; size2 <= 64; size2 += 3) {
    for (uint64_t size1 = 1; size1 < size2; size1 += 2) {
      BOOST_TEST_CONTEXT("size1 " << size1 << " size2 " << size2) {
        const MerkleHash root1 = Mth(d, 0, size1), root2 = Mth(d, 0, size2);
        const Hashes proof = *ConsistencyProof(store, size1, size2);
        BOOST_REQUIRE(!proof.empty());
        for (size_t i = 0; i < proof.size(); ++i) {
          Hashes bad = proof;
          bad[i][(i * 7) % kMerkleHashBytes] ^= 0x01;
          BOOST_TEST(Code(VerifyConsistency(size1, size2, bad, root1, root2)) ==
                     "VERIFICATION_FAILED");
        }
        MerkleHash bad1 = root1, bad2 = root2;
        bad1[5] ^= 4;
        bad2[5] ^= 4;
        BOOST_TEST(!VerifyConsistency(size1, size2, proof, bad1, root2).ok());
        BOOST_TEST(!VerifyConsistency(size1, size2, proof, root1, bad2).ok());
        BOOST_TEST(!VerifyConsistency(size1, size2, proof, root2, root1).ok());
        const Hashes truncated(proof.begin(), proof.end() - 1);
        BOOST_TEST(!VerifyConsistency(size1, size2, truncated, root1, root2).ok());
        Hashes extended = proof;
        extended.push_back(root1);
        BOOST_TEST(!VerifyConsistency(size1, size2, extended, root1, root2).ok());
        ++checked;
      }
    }
  }
  BOOST_TEST(checked > 300);
}

BOOST_AUTO_TEST_CASE(errors_name_what_is_wrong) {
  const Hashes d = Leaves(10);
  const MemoryLeafHashes store = Memory(d, 1);
  const MerkleHash root = Mth(d, 0, 10);

  absl::Status status = InclusionProof(store, 10, 10).status();
  BOOST_TEST(Code(status) == "OUT_OF_RANGE");
  BOOST_TEST(absl::StrContains(status.message(), "leaf index 10"));
  status = InclusionProof(store, 3, 11).status();
  BOOST_TEST(Code(status) == "OUT_OF_RANGE");
  BOOST_TEST(absl::StrContains(status.message(), "tree size 11 exceeds the 10 leaves"));
  status = ComputeRoot(store, 11).status();
  BOOST_TEST(Code(status) == "OUT_OF_RANGE");

  status = VerifyInclusion(d[0], 0, 0, {}, root);
  BOOST_TEST(Code(status) == "OUT_OF_RANGE");
  BOOST_TEST(absl::StrContains(status.message(), "tree size is 0"));
  status = VerifyInclusion(d[0], 12, 10, {}, root);
  BOOST_TEST(absl::StrContains(status.message(), "leaf index 12 is not below the tree size 10"));
  status = VerifyInclusion(d[0], 0, 10, Hashes(3), root);
  BOOST_TEST(Code(status) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(status.message(), "3 hashes, expected 4"));
  status = VerifyInclusion(d[1], 0, 10, *InclusionProof(store, 0, 10), root);
  BOOST_TEST(Code(status) == "VERIFICATION_FAILED");
  BOOST_TEST(absl::StrContains(status.message(), "does not lead to the root"));

  status = ConsistencyProof(store, 0, 5).status();
  BOOST_TEST(Code(status) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(status.message(), "size1 is 0"));
  status = ConsistencyProof(store, 6, 5).status();
  BOOST_TEST(Code(status) == "OUT_OF_RANGE");
  BOOST_TEST(absl::StrContains(status.message(), "size1 6 is larger than size2 5"));
  status = VerifyConsistency(0, 5, {}, root, root);
  BOOST_TEST(absl::StrContains(status.message(), "size1 is 0"));
  status = VerifyConsistency(3, 3, Hashes(1), root, root);
  BOOST_TEST(absl::StrContains(status.message(), "1 hashes, expected 0"));
  status = VerifyConsistency(3, 3, {}, root, d[0]);
  BOOST_TEST(Code(status) == "VERIFICATION_FAILED");
  status = VerifyConsistency(3, 10, Hashes(2), Mth(d, 0, 3), root);
  BOOST_TEST(Code(status) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(status.message(), "from size 3 to 10: 2 hashes, expected 5"));
}

BOOST_AUTO_TEST_CASE(serialised_proofs_round_trip_and_bad_lengths_are_refused) {
  const Hashes d = Leaves(40);
  const MemoryLeafHashes store = Memory(d, 1);
  const Hashes proof = *InclusionProof(store, 17, 40);
  const std::string bytes = SerializeProof(proof);
  BOOST_TEST(bytes.size() == proof.size() * kMerkleHashBytes);
  const auto span = [](const std::string& s) {
    return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  BOOST_TEST((*ParseProof(span(bytes)) == proof));
  BOOST_TEST(ParseProof(span("")).ok());
  absl::Status status = ParseProof(span(bytes.substr(1))).status();
  BOOST_TEST(Code(status) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(status.message(), "not a multiple of 32"));
  status = ParseProof(span(std::string(66 * kMerkleHashBytes, 'x'))).status();
  BOOST_TEST(absl::StrContains(status.message(), "66 hashes"));
  BOOST_TEST(ParseProof(span(std::string(65 * kMerkleHashBytes, 'x'))).ok());
  status = ParseHash(span("short"), "root").status();
  BOOST_TEST(absl::StrContains(status.message(), "root is 5 bytes long"));
}

// The longest proofs fit kMaxProofHashes.
BOOST_AUTO_TEST_CASE(proof_lengths_at_the_largest_sizes) {
  BOOST_TEST(InclusionProofLength(0, UINT64_MAX) == 64u);
  BOOST_TEST(InclusionProofLength(UINT64_MAX - 1, UINT64_MAX) == 63u);  // alone at the right edge
  BOOST_TEST(ConsistencyProofLength(3, UINT64_MAX) <= kMaxProofHashes);
  BOOST_TEST(ConsistencyProofLength((uint64_t{1} << 63) + 1, UINT64_MAX) <= kMaxProofHashes);
  BOOST_TEST(InclusionProofLength(0, 1) == 0u);
  BOOST_TEST(ConsistencyProofLength(1, 2) == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(merkle_compact_range)

BOOST_AUTO_TEST_CASE(root_at_every_size_and_resume_after_serialisation) {
  const Hashes d = Leaves(300, 3);
  CompactRange range;
  BOOST_TEST((range.Root() == EmptyRoot()));
  BOOST_TEST(range.Serialize().size() == 8u);
  for (uint64_t n = 0; n < d.size(); ++n) {
    BOOST_REQUIRE(range.Append(d[n]).ok());
    BOOST_TEST_CONTEXT("size " << n + 1) {
      BOOST_TEST((range.Root() == Mth(d, 0, n + 1)));
      BOOST_TEST(range.hashes().size() == static_cast<size_t>(std::popcount(n + 1)));
      const std::string bytes = range.Serialize();
      BOOST_TEST(bytes.size() == 8 + 32 * range.hashes().size());
      auto parsed = CompactRange::Parse(
          {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
      BOOST_REQUIRE(parsed.ok());
      BOOST_TEST(parsed->size() == n + 1);
      if (n + 1 < d.size()) {
        BOOST_REQUIRE(parsed->Append(d[n + 1]).ok());
        BOOST_TEST((parsed->Root() == Mth(d, 0, n + 2)));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(appends_report_every_completed_subtree) {
  const Hashes d = Leaves(16, 4);
  CompactRange range;
  std::vector<std::string> seen;
  for (const MerkleHash& leaf : d) {
    BOOST_REQUIRE(range
                      .Append(leaf,
                              [&](int level, uint64_t index, const MerkleHash& node) {
                                BOOST_TEST((node == Mth(d, index << level, (index + 1) << level)));
                                seen.push_back(std::to_string(level) + ":" + std::to_string(index));
                              })
                      .ok());
  }
  BOOST_TEST(seen.size() == 31u);  // 16 leaves, 8 + 4 + 2 + 1 nodes
  BOOST_TEST(seen.back() == "4:0");
}

BOOST_AUTO_TEST_CASE(bad_serialisations_are_refused) {
  const auto span = [](const std::string& s) {
    return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  absl::Status status = CompactRange::Parse(span("1234567")).status();
  BOOST_TEST(Code(status) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(status.message(), "7 bytes long, shorter than its 8-byte size"));
  std::string three(8, '\0');
  three[7] = 3;  // size 3: two hashes expected
  status = CompactRange::Parse(span(three + std::string(32, 'a'))).status();
  BOOST_TEST(absl::StrContains(status.message(), "size 3 is 72 bytes long, not 40"));
  BOOST_TEST(CompactRange::Parse(span(three + std::string(64, 'a'))).ok());
  status = CompactRange::Create(3, Hashes(1)).status();
  BOOST_TEST(absl::StrContains(status.message(), "size 3 holds 2 hashes, not 1"));
  auto full = CompactRange::Create(UINT64_MAX, Hashes(64));
  BOOST_REQUIRE(full.ok());
  BOOST_TEST(Code(full->Append(Leaves(1)[0])) == "OUT_OF_RANGE");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger
