// The statistics tables (src/stats): aggregation of streamed records beside the raw loop over the
// same records into a flat array (the physical limit), and secondary suppression plus the
// attacker's LP audit of the resulting table (as released, and with every bound exact).
//
// Workload (fixed seed): 1,000,000 records over 3 dimensions of 20, 20 and 24 labels (the full
// table with its margins: 21 × 21 × 25 = 11,025 cells), each label drawn from a Zipf-like law
// (weight 1 / (i + 1)^s), so the rare combinations make small cells, and an amount of 0 to 9,999
// cents. The argument of each benchmark is 10·s: 7 (1.5 % of the cells sensitive) and 9 (a
// heavier tail).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "harness.h"
#include "socle/statistics.hpp"
#include "stats/audit.h"

namespace {

constexpr int kRecords = 1000000;
constexpr int kSizes[3] = {20, 20, 24};

struct Workload {
  std::vector<std::string> labels[3];
  std::vector<uint32_t> ids;  // 3 per record
  std::vector<int64_t> amounts;
};

const Workload& GetWorkload(int skew_tenths) {
  static std::map<int, Workload*>* cache = new std::map<int, Workload*>;
  Workload*& slot = (*cache)[skew_tenths];
  if (slot != nullptr) return *slot;
  const double skew = skew_tenths / 10.0;
  slot = [skew] {
    auto* w = new Workload;
    std::mt19937_64 rng(14);
    std::discrete_distribution<uint32_t> dist[3];
    for (int d = 0; d < 3; ++d) {
      std::vector<double> weights;
      for (int i = 0; i < kSizes[d]; ++i) {
        w->labels[d].push_back(absl::StrCat("d", d, "_label_", i));
        weights.push_back(1.0 / std::pow(i + 1, skew));
      }
      dist[d] = std::discrete_distribution<uint32_t>(weights.begin(), weights.end());
    }
    w->ids.reserve(3 * kRecords);
    for (int r = 0; r < kRecords; ++r) {
      for (int d = 0; d < 3; ++d) w->ids.push_back(dist[d](rng));
      w->amounts.push_back(static_cast<int64_t>(rng() % 10000));
    }
    return w;
  }();
  return *slot;
}

const socle::StatisticsTable& GetTable(int skew_tenths);

socle::StatisticsTable BuildTable(const Workload& w) {
  auto builder = socle::TableBuilder::Create({"a", "b", "c"}, {.amounts = true});
  if (!builder.ok()) std::abort();
  for (int r = 0; r < kRecords; ++r) {
    const uint32_t* id = &w.ids[3 * r];
    const absl::string_view labels[3] = {w.labels[0][id[0]], w.labels[1][id[1]],
                                         w.labels[2][id[2]]};
    if (!builder->Add(labels, w.amounts[r]).ok()) std::abort();
  }
  auto table = std::move(*builder).Finish();
  if (!table.ok()) std::abort();
  return *std::move(table);
}

const socle::StatisticsTable& GetTable(int skew_tenths) {
  static std::map<int, socle::StatisticsTable>* cache = new std::map<int, socle::StatisticsTable>;
  auto it = cache->find(skew_tenths);
  if (it == cache->end()) {
    it = cache->emplace(skew_tenths, BuildTable(GetWorkload(skew_tenths))).first;
  }
  return it->second;
}

// TableBuilder: Add of every record (labels interned per dimension, count, sum, two largest),
// then Finish (sorted labels, margins).
void BM_Aggregate(benchmark::State& state) {
  const Workload& w = GetWorkload(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    socle::StatisticsTable table = BuildTable(w);
    benchmark::DoNotOptimize(table.record_count());
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_Aggregate)->Arg(7)->Unit(benchmark::kMillisecond);

// Physical limit: the same records, already as integer ids, summed (count, sum) into a flat
// array; no label, no largest contributions, no margins.
void BM_RawFlatArray(benchmark::State& state) {
  const Workload& w = GetWorkload(static_cast<int>(state.range(0)));
  std::vector<int64_t> count(kSizes[0] * kSizes[1] * kSizes[2]), sum(count.size());
  for (auto _ : state) {
    std::fill(count.begin(), count.end(), 0);
    std::fill(sum.begin(), sum.end(), 0);
    for (int r = 0; r < kRecords; ++r) {
      const uint32_t* id = &w.ids[3 * r];
      const size_t i = (id[0] * kSizes[1] + id[1]) * kSizes[2] + id[2];
      ++count[i];
      sum[i] += w.amounts[r];
    }
    benchmark::DoNotOptimize(count.data());
    benchmark::DoNotOptimize(sum.data());
  }
  state.SetItemsProcessed(state.iterations() * kRecords);
}
BENCHMARK(BM_RawFlatArray)->Arg(7)->Unit(benchmark::kMillisecond);

// ProtectTable on the aggregated table under the default rules (k = 11, dominance 85 %):
// primary suppression, the hypercube method, the LP audit of counts and sums.
void BM_ProtectTable(benchmark::State& state) {
  const socle::StatisticsTable& table = GetTable(static_cast<int>(state.range(0)));
  const socle::StatisticsRules rules;
  size_t primary = 0, secondary = 0;
  int64_t lps = 0;
  for (auto _ : state) {
    auto release = socle::ProtectTable(table, rules);
    if (!release.ok()) {
      state.SkipWithError(std::string(release.status().message()).c_str());
      return;
    }
    primary = release->primary_suppressed;
    secondary = release->secondary_suppressed;
    lps = release->audit.linear_programs;
  }
  state.counters["cells"] = static_cast<double>(table.cell_count());
  state.counters["primary"] = static_cast<double>(primary);
  state.counters["secondary"] = static_cast<double>(secondary);
  state.counters["linear_programs"] = static_cast<double>(lps);
}
BENCHMARK(BM_ProtectTable)->Arg(7)->Arg(9)->Unit(benchmark::kMillisecond);

// The audit alone on the same pattern, to report its time per suppressed cell. `exact_block_cells`
// is the audit's threshold: AuditSuppression's default (blocks past it prove each sensitive
// cell's requirement, docs/statistics.md "Speed"), or every bound exact.
void RunAudit(benchmark::State& state, size_t exact_block_cells) {
  const socle::StatisticsTable& table = GetTable(static_cast<int>(state.range(0)));
  auto protection = socle::PrimarySuppression(table, socle::StatisticsRules());
  auto suppressed = socle::SecondarySuppression(table, *protection);
  if (!suppressed.ok()) {
    state.SkipWithError("secondary suppression failed");
    return;
  }
  size_t cells = 0;
  for (bool s : *suppressed) cells += s;
  int64_t lps = 0, inexact = 0;
  for (auto _ : state) {
    auto audit = socle::stats::Audit(table, *protection, *suppressed,
                                     {.exact_block_cells = exact_block_cells});
    if (!audit.ok() || !audit->ok) {
      state.SkipWithError("the audit failed");
      return;
    }
    lps = audit->linear_programs;
    inexact = 0;
    for (const socle::AuditEntry& e : audit->entries) inexact += !e.min_exact + !e.max_exact;
  }
  state.counters["suppressed"] = static_cast<double>(cells);
  state.counters["linear_programs"] = static_cast<double>(lps);
  state.counters["inner_bounds"] = static_cast<double>(inexact);
  state.counters["us_per_suppressed_cell"] = benchmark::Counter(
      static_cast<double>(cells) * 1e-6,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_Audit(benchmark::State& state) {
  RunAudit(state, socle::stats::AuditOptions().exact_block_cells);
}
BENCHMARK(BM_Audit)->Arg(7)->Arg(9)->Unit(benchmark::kMillisecond);

// Every bound exact, whatever the block's size: what the early exit saves.
void BM_AuditExact(benchmark::State& state) { RunAudit(state, SIZE_MAX); }
BENCHMARK(BM_AuditExact)->Arg(9)->Unit(benchmark::kMillisecond);

void PrintRatios(const socle_bench::RateReporter& reporter) {
  std::printf("\nworkload: %d records, 3 dimensions (%d x %d x %d labels), 11,025 cells\n",
              kRecords, kSizes[0], kSizes[1], kSizes[2]);
  socle_bench::PrintRateRatio("aggregation / raw flat array",
                              reporter.ItemsPerSecond("BM_Aggregate"),
                              reporter.ItemsPerSecond("BM_RawFlatArray"), 0);
  const double rate = reporter.ItemsPerSecond("BM_Aggregate");
  if (rate > 0) {
    std::printf("  aggregation %.1f M records/s (target >= 20: %s)\n", rate / 1e6,
                rate >= 20e6 ? "met" : "NOT met");
  }
  for (const char* name : {"BM_ProtectTable/7", "BM_ProtectTable/9"}) {
    const double protect = reporter.SecondsPerIteration(name);
    if (protect <= 0) continue;
    std::printf("  %s: suppression + audit %.3f s (target <= 2 s: %s), %.0f sensitive cells\n",
                name, protect, protect <= 2 ? "met" : "NOT met", reporter.Counter(name, "primary"));
  }
  for (const char* name : {"BM_Audit/7", "BM_Audit/9", "BM_AuditExact/9"}) {
    const double audit = reporter.SecondsPerIteration(name);
    const double cells = reporter.Counter(name, "suppressed");
    if (audit <= 0 || cells <= 0) continue;
    std::printf(
        "  %s: %.0f suppressed cells, %.3f ms per cell, %.0f simplex runs, %.0f inner "
        "bounds\n",
        name, cells, 1e3 * audit / cells, reporter.Counter(name, "linear_programs"),
        reporter.Counter(name, "inner_bounds"));
  }
}

}  // namespace

int main(int argc, char** argv) { return socle_bench::RunBenchmarks(argc, argv, PrintRatios); }
