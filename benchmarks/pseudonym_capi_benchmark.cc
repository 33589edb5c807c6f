// Keyed pseudonyms through the C ABI (libsocle only), measured in the same run as the raw
// libsodium primitive (called directly here), with the ratios printed at the end:
//
//   BM_RawKeyedBlake2b/N    crypto_generichash(out 16, id of N bytes, 32-byte key): the limit
//   BM_CapiBatchBinary/N    socle_pseudonym_context_compute_batch, 1024 ids back to back, 16-byte
//                           records (target >= 50 % of raw)
//   BM_CapiBatchText/N      the same, 27-character text records
//   BM_CapiOne/N            socle_pseudonym_context_compute, one call per identifier, binary
//
// A vendor program sees exactly this: the program links libsocle and nothing of socle's
// internals. Run from a release build (see pseudonym_benchmark.cc).
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "socle/socle.h"

namespace {

constexpr size_t kIds = 1024;

struct Setup {
  socle_policy* policy = nullptr;
  socle_pseudonymizer* pseudonymizer = nullptr;
  socle_pseudonym_context* context = nullptr;
  std::array<uint8_t, 32> key{};
  bool ok = false;
};

Setup& Shared() {
  static Setup s = [] {
    Setup s;
    if (sodium_init() < 0 || socle_init() != SOCLE_OK) return s;
    const std::string path = std::string(SOCLE_EXAMPLES_DIR) + "/policies/ccas.textproto";
    if (socle_policy_load_file(path.c_str(), &s.policy, nullptr) != SOCLE_OK) return s;
    for (size_t i = 0; i < s.key.size(); ++i) s.key[i] = static_cast<uint8_t>(i);
    socle_pseudonym_secrets* secrets = nullptr;
    if (socle_pseudonym_secrets_new(&secrets, nullptr) != SOCLE_OK) return s;
    const bool added =
        socle_pseudonym_secrets_add(secrets, 1, s.key.data(), s.key.size(), nullptr) == SOCLE_OK;
    const bool created = added && socle_pseudonymizer_create(s.policy, secrets, nullptr,
                                                             &s.pseudonymizer, nullptr) == SOCLE_OK;
    socle_pseudonym_secrets_free(secrets);
    if (!created) return s;
    const char domain[] = "recherche_non_recours";
    s.ok = socle_pseudonymizer_new_context(s.pseudonymizer, domain, sizeof domain - 1, nullptr, 0,
                                           0, &s.context, nullptr) == SOCLE_OK;
    return s;
  }();
  return s;
}

// `kIds` identifiers of exactly `len` bytes, back to back, with their lengths.
struct Batch {
  std::string bytes;
  std::vector<size_t> lens;
  std::vector<size_t> offsets;
};

Batch Identifiers(size_t len) {
  Batch b;
  for (size_t i = 0; i < kIds; ++i) {
    std::string id = "usager-" + std::to_string(i) + "-";
    while (id.size() < len) id.push_back(static_cast<char>('a' + (id.size() * 7 + i) % 26));
    id.resize(len);
    b.offsets.push_back(b.bytes.size());
    b.bytes += id;
    b.lens.push_back(len);
  }
  return b;
}

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

void BM_RawKeyedBlake2b(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.ok) return state.SkipWithError("setup failed");
  const Batch b = Identifiers(static_cast<size_t>(state.range(0)));
  std::array<uint8_t, 16> out{};
  size_t i = 0;
  for (auto _ : state) {
    const size_t k = i++ & (kIds - 1);
    crypto_generichash(out.data(), out.size(), U8(b.bytes) + b.offsets[k], b.lens[k], s.key.data(),
                       s.key.size());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void Batched(benchmark::State& state, int32_t format, size_t record) {
  Setup& s = Shared();
  if (!s.ok) return state.SkipWithError("setup failed");
  const Batch b = Identifiers(static_cast<size_t>(state.range(0)));
  std::vector<uint8_t> out(kIds * record);
  for (auto _ : state) {
    const int32_t rc = socle_pseudonym_context_compute_batch(
        s.context, U8(b.bytes), b.lens.data(), kIds, format, out.data(), out.size(), nullptr);
    if (rc != SOCLE_OK) return state.SkipWithError("socle_pseudonym_context_compute_batch failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kIds);
}

void BM_CapiBatchBinary(benchmark::State& state) {
  Batched(state, SOCLE_PSEUDONYM_FORMAT_BINARY, SOCLE_PSEUDONYM_BYTES);
}

void BM_CapiBatchText(benchmark::State& state) {
  Batched(state, SOCLE_PSEUDONYM_FORMAT_TEXT, SOCLE_PSEUDONYM_TEXT_LEN);
}

void BM_CapiOne(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.ok) return state.SkipWithError("setup failed");
  const Batch b = Identifiers(static_cast<size_t>(state.range(0)));
  std::array<uint8_t, SOCLE_PSEUDONYM_BYTES> out{};
  size_t i = 0;
  for (auto _ : state) {
    const size_t k = i++ & (kIds - 1);
    const int32_t rc = socle_pseudonym_context_compute(s.context, U8(b.bytes) + b.offsets[k],
                                                       b.lens[k], SOCLE_PSEUDONYM_FORMAT_BINARY,
                                                       out.data(), out.size(), nullptr);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_RawKeyedBlake2b)->Arg(16)->Arg(32)->Arg(64);
BENCHMARK(BM_CapiBatchBinary)->Arg(16)->Arg(32)->Arg(64);
BENCHMARK(BM_CapiBatchText)->Arg(16)->Arg(32)->Arg(64);
BENCHMARK(BM_CapiOne)->Arg(16)->Arg(32)->Arg(64);

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool aggregate = run.run_type == Run::RT_Aggregate;
      if (aggregate && run.aggregate_name != "median") continue;
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      if (!aggregate && medians_.count(run.run_name.str()) != 0) continue;
      if (aggregate) medians_[run.run_name.str()] = true;
      rates_[run.run_name.str()] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void PrintRatios() const {
    std::printf("\nratios (items/s through the C ABI / items/s of raw keyed BLAKE2b, same run)\n");
    const struct {
      const char* name;
      double target;
    } rows[] = {{"BM_CapiBatchBinary", 0.50}, {"BM_CapiBatchText", 0.50}, {"BM_CapiOne", 0.0}};
    for (const auto& row : rows) {
      for (const char* n : {"16", "32", "64"}) {
        const auto a = rates_.find(std::string(row.name) + "/" + n);
        const auto b = rates_.find(std::string("BM_RawKeyedBlake2b/") + n);
        if (a == rates_.end() || b == rates_.end() || b->second <= 0) continue;
        const double ratio = a->second / b->second;
        if (row.target > 0) {
          std::printf("  %-20s N=%-3s %8.2f M/s / %8.2f M/s = %5.1f %%  (target >= %.0f %%: %s)\n",
                      row.name, n, a->second / 1e6, b->second / 1e6, 100 * ratio, 100 * row.target,
                      ratio >= row.target ? "met" : "NOT met");
        } else {
          std::printf("  %-20s N=%-3s %8.2f M/s / %8.2f M/s = %5.1f %%  (no target)\n", row.name, n,
                      a->second / 1e6, b->second / 1e6, 100 * ratio);
        }
      }
    }
  }

 private:
  std::map<std::string, double> rates_;
  std::map<std::string, bool> medians_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatios();
  socle_pseudonym_context_free(Shared().context);
  socle_pseudonymizer_free(Shared().pseudonymizer);
  socle_policy_free(Shared().policy);
  benchmark::Shutdown();
  return 0;
}
