// The ledger's Merkle tree (src/ledger/merkle.h) against its physical limit, libsodium's SHA-256
// (crypto_hash_sha256) on the same bytes:
//   - SHA-256 of a 300-byte entry (the size of a sealed trail entry) vs the leaf hash, and of the
//     65-byte node block vs the node hash;
//   - appends to the compact range (one leaf hash in, amortised one node hash) and to the
//     in-memory store (which also keeps the leaves and the subtrees of 16 leaves and more);
//   - inclusion and consistency proofs at 10 million leaves from the in-memory store, with its
//     memory;
//   - verification: inclusion proofs per second, and the full recompute of a tree from its
//     entries (leaf hash + node hashes per entry, target >= 500,000 entries/s), and the root of
//     1M leaf hashes recomputed.
// Run it from a release build (benchmarks/README.md).
#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "harness.h"
#include "ledger/merkle.h"
#include "socle/init.hpp"

namespace {

using socle::ledger::CompactRange;
using socle::ledger::MemoryLeafHashes;
using socle::ledger::MerkleHash;
namespace ledger = socle::ledger;

constexpr size_t kEntryBytes = 300;
constexpr uint64_t kLargeTree = 10'000'000;
constexpr uint64_t kRecomputeLeaves = 1'000'000;

std::vector<uint8_t> Entry(uint64_t i) {
  std::vector<uint8_t> entry(kEntryBytes);
  for (size_t j = 0; j < entry.size(); ++j) entry[j] = static_cast<uint8_t>(i * 131 + j * 7);
  return entry;
}

MerkleHash LeafFor(uint64_t i) {
  return ledger::HashLeaf({reinterpret_cast<const uint8_t*>(&i), sizeof(i)});
}

void Check(const absl::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "ledger_benchmark: %s: %s\n", what, status.ToString().c_str());
    std::abort();
  }
}

// The 10-million-leaf store, built once (about 10 s) and shared by the proof benchmarks.
struct LargeTree {
  std::unique_ptr<MemoryLeafHashes> store;
  double build_seconds = 0;
  double resident_mb_delta = 0;
};
const LargeTree& Large() {
  static const LargeTree* tree = [] {
    auto* t = new LargeTree;
    const double before = socle_bench::ResidentMb();
    const auto start = std::chrono::steady_clock::now();
    t->store = std::make_unique<MemoryLeafHashes>();
    for (uint64_t i = 0; i < kLargeTree; ++i) Check(t->store->Append(LeafFor(i)), "append");
    t->build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    t->resident_mb_delta = socle_bench::ResidentMb() - before;
    return t;
  }();
  return *tree;
}

// --- Hashing: raw SHA-256 vs the tree's hashes ------------------------------------------------

void BM_RawSha256_300B(benchmark::State& state) {
  const std::vector<uint8_t> entry = Entry(1);
  uint8_t out[crypto_hash_sha256_BYTES];
  for (auto _ : state) {
    crypto_hash_sha256(out, entry.data(), entry.size());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * entry.size());
}
BENCHMARK(BM_RawSha256_300B);

void BM_LeafHash_300B(benchmark::State& state) {
  const std::vector<uint8_t> entry = Entry(1);
  for (auto _ : state) benchmark::DoNotOptimize(ledger::HashLeaf(entry));
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * entry.size());
}
BENCHMARK(BM_LeafHash_300B);

void BM_RawSha256_65B(benchmark::State& state) {
  uint8_t block[65] = {1};
  uint8_t out[crypto_hash_sha256_BYTES];
  for (auto _ : state) {
    crypto_hash_sha256(out, block, sizeof(block));
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawSha256_65B);

void BM_NodeHash(benchmark::State& state) {
  const MerkleHash left = LeafFor(1), right = LeafFor(2);
  for (auto _ : state) benchmark::DoNotOptimize(ledger::HashChildren(left, right));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NodeHash);

// --- Appends ----------------------------------------------------------------------------------

void BM_CompactRangeAppend(benchmark::State& state) {
  std::vector<MerkleHash> leaves;
  for (uint64_t i = 0; i < 4096; ++i) leaves.push_back(LeafFor(i));
  CompactRange range;
  uint64_t i = 0;
  for (auto _ : state) Check(range.Append(leaves[i++ & 4095]), "append");
  benchmark::DoNotOptimize(range.Root());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompactRangeAppend);

void BM_MemoryStoreAppend(benchmark::State& state) {
  std::vector<MerkleHash> leaves;
  for (uint64_t i = 0; i < 4096; ++i) leaves.push_back(LeafFor(i));
  MemoryLeafHashes store;
  uint64_t i = 0;
  for (auto _ : state) Check(store.Append(leaves[i++ & 4095]), "append");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MemoryStoreAppend);

// --- Proofs at 10 million leaves --------------------------------------------------------------

void BM_InclusionProof_10M(benchmark::State& state) {
  const LargeTree& tree = Large();
  std::mt19937_64 rng(7);
  for (auto _ : state) {
    auto proof = ledger::InclusionProof(*tree.store, rng() % kLargeTree, kLargeTree);
    Check(proof.status(), "inclusion proof");
    benchmark::DoNotOptimize(proof->data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["store_mib"] = static_cast<double>(tree.store->MemoryBytes()) / (1 << 20);
  state.counters["rss_delta_mib"] = tree.resident_mb_delta;
  state.counters["build_s"] = tree.build_seconds;
}
BENCHMARK(BM_InclusionProof_10M)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProof_10M(benchmark::State& state) {
  const LargeTree& tree = Large();
  std::mt19937_64 rng(8);
  for (auto _ : state) {
    auto proof = ledger::ConsistencyProof(*tree.store, 1 + rng() % (kLargeTree - 1), kLargeTree);
    Check(proof.status(), "consistency proof");
    benchmark::DoNotOptimize(proof->data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProof_10M)->Unit(benchmark::kMicrosecond);

// --- Verification -----------------------------------------------------------------------------

void BM_VerifyInclusion_10M(benchmark::State& state) {
  const LargeTree& tree = Large();
  const MerkleHash root = tree.store->Root();
  struct Case {
    uint64_t index;
    MerkleHash leaf;
    std::vector<MerkleHash> proof;
  };
  std::vector<Case> cases;
  std::mt19937_64 rng(9);
  for (int i = 0; i < 1024; ++i) {
    const uint64_t index = rng() % kLargeTree;
    cases.push_back({index, LeafFor(index), *ledger::InclusionProof(*tree.store, index, kLargeTree)});
  }
  size_t i = 0;
  for (auto _ : state) {
    const Case& c = cases[i++ & 1023];
    Check(ledger::VerifyInclusion(c.leaf, c.index, kLargeTree, c.proof, root), "verify");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyInclusion_10M);

// The whole tree recomputed from its entries, as a verifier of the trail does: one leaf hash
// of a 300-byte entry and (amortised) one node hash per entry. Items are entries.
void BM_FullRecompute_1M_Entries(benchmark::State& state) {
  std::vector<std::vector<uint8_t>> entries;
  for (uint64_t i = 0; i < 4096; ++i) entries.push_back(Entry(i));
  for (auto _ : state) {
    CompactRange range;
    for (uint64_t i = 0; i < kRecomputeLeaves; ++i) {
      Check(range.Append(ledger::HashLeaf(entries[i & 4095])), "append");
    }
    benchmark::DoNotOptimize(range.Root());
  }
  state.SetItemsProcessed(state.iterations() * kRecomputeLeaves);
}
BENCHMARK(BM_FullRecompute_1M_Entries)->Unit(benchmark::kMillisecond)->Iterations(3);

// The root of 1M stored leaf hashes (node hashing only), through the proof generator's
// ComputeRoot over leaves only (no stored subtree) and through a compact range.
class LeavesOnly final : public ledger::LeafHashes {
 public:
  explicit LeavesOnly(const std::vector<MerkleHash>& leaves) : leaves_(leaves) {}
  uint64_t size() const override { return leaves_.size(); }
  absl::Status ReadLeafHashes(uint64_t begin, absl::Span<MerkleHash> out) const override {
    std::copy_n(leaves_.begin() + begin, out.size(), out.begin());
    return absl::OkStatus();
  }

 private:
  const std::vector<MerkleHash>& leaves_;
};

const std::vector<MerkleHash>& MillionLeaves() {
  static const auto* leaves = [] {
    auto* v = new std::vector<MerkleHash>;
    for (uint64_t i = 0; i < kRecomputeLeaves; ++i) v->push_back(LeafFor(i));
    return v;
  }();
  return *leaves;
}

void BM_RecomputeRoot_1M_FromLeafHashes(benchmark::State& state) {
  const LeavesOnly leaves(MillionLeaves());
  for (auto _ : state) {
    auto root = ledger::ComputeRoot(leaves, kRecomputeLeaves);
    Check(root.status(), "root");
    benchmark::DoNotOptimize(*root);
  }
  state.SetItemsProcessed(state.iterations() * kRecomputeLeaves);
}
BENCHMARK(BM_RecomputeRoot_1M_FromLeafHashes)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_RecomputeRoot_1M_CompactRange(benchmark::State& state) {
  const std::vector<MerkleHash>& leaves = MillionLeaves();
  for (auto _ : state) {
    CompactRange range;
    for (const MerkleHash& leaf : leaves) Check(range.Append(leaf), "append");
    benchmark::DoNotOptimize(range.Root());
  }
  state.SetItemsProcessed(state.iterations() * kRecomputeLeaves);
}
BENCHMARK(BM_RecomputeRoot_1M_CompactRange)->Unit(benchmark::kMillisecond)->Iterations(3);

void Summary(const socle_bench::RateReporter& reporter) {
  std::printf("\nThe tree's hashes against raw SHA-256 (libsodium) on the same bytes:\n");
  socle_bench::PrintRateRatio("leaf hash, 300 B  ", reporter.ItemsPerSecond("BM_LeafHash_300B"),
                              reporter.ItemsPerSecond("BM_RawSha256_300B"), 0);
  socle_bench::PrintRateRatio("node hash, 65 B   ", reporter.ItemsPerSecond("BM_NodeHash"),
                              reporter.ItemsPerSecond("BM_RawSha256_65B"), 0);
  const double full = reporter.ItemsPerSecond("BM_FullRecompute_1M_Entries/iterations:3");
  if (full > 0) {
    std::printf("  full recompute: %.0f entries/s (target >= 500,000: %s)\n", full,
                full >= 500000 ? "met" : "NOT met");
  }
  const double proof = reporter.SecondsPerIteration("BM_InclusionProof_10M");
  if (proof > 0) {
    std::printf("  inclusion proof at 10M leaves: %.1f us (target <= 50 us: %s)\n", proof * 1e6,
                proof * 1e6 <= 50 ? "met" : "NOT met");
  }
}

}  // namespace

int main(int argc, char** argv) {
  // sodium_init() before any raw benchmark, as every socle entry point does.
  if (!socle::Initialize().ok()) return 1;
  return socle_bench::RunBenchmarks(argc, argv, Summary);
}
