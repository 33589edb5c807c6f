// The policy analysis (socle/policy_analysis.hpp; issue 15): proving every declared property of
// the example policies, building their worlds, walking their whole decision space, next to the
// physical limit measured in the same run: the same number of Decide calls on prepared requests
// (what the enumeration cannot go below without deciding fewer cases), and the walk that decides
// every case alone (what the blocks save).
//
// Targets (issue 15): all properties of the département example ≤ 10 ms; a full diff ≤ 20 ms;
// the space's size reported (`cases`). Cedar's analysis (Cutler et al., "Cedar: A New Language for
// Expressive, Fast, Safe, and Analyzable Authorization", OOPSLA 2024): 75 ms per property on
// average with an SMT solver.
//
// Run from a release build (see README.md in this folder):
//   build/release/benchmarks/policy_analysis_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "access/state.h"
#include "analysis/space.h"
#include "harness.h"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"

namespace socle {
namespace {

Policy LoadExample(const std::string& name) {
  const std::string text =
      socle_bench::ReadFileOrDie(socle_bench::ExamplesDir() + "/policies/" + name);
  absl::StatusOr<Policy> policy = Policy::Load(text);
  if (!policy.ok()) std::abort();
  return *std::move(policy);
}

const char* ExampleName(int64_t which) {
  return which == 0 ? "ccas.textproto" : "departement.textproto";
}

// Create the world, then prove every declared property: what `socle policy check` does after
// validation.
void BM_ProveDeclared(benchmark::State& state) {
  const Policy policy = LoadExample(ExampleName(state.range(0)));
  uint64_t decisions = 0, cases = 0;
  size_t properties = 0;
  for (auto _ : state) {
    auto analysis = PolicyAnalysis::Create(policy);
    if (!analysis.ok()) std::abort();
    const std::vector<PropertyResult> results = (*analysis)->ProveDeclared();
    decisions = cases = 0;
    for (const PropertyResult& r : results) {
      decisions += r.decisions;
      cases += r.cases;
    }
    properties = results.size();
    benchmark::DoNotOptimize(results.data());
  }
  state.counters["properties"] = static_cast<double>(properties);
  state.counters["cases"] = static_cast<double>(cases);
  state.counters["decisions"] = static_cast<double>(decisions);
}
BENCHMARK(BM_ProveDeclared)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The properties alone, on a world built once.
void BM_ProveDeclared_WorldBuilt(benchmark::State& state) {
  const Policy policy = LoadExample(ExampleName(state.range(0)));
  auto analysis = PolicyAnalysis::Create(policy);
  if (!analysis.ok()) std::abort();
  for (auto _ : state) {
    const std::vector<PropertyResult> results = (*analysis)->ProveDeclared();
    benchmark::DoNotOptimize(results.data());
  }
  state.counters["space"] = static_cast<double>((*analysis)->space_size());
}
BENCHMARK(BM_ProveDeclared_WorldBuilt)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_CreateWorld(benchmark::State& state) {
  const Policy policy = LoadExample(ExampleName(state.range(0)));
  for (auto _ : state) {
    auto analysis = PolicyAnalysis::Create(policy);
    benchmark::DoNotOptimize(analysis);
  }
}
BENCHMARK(BM_CreateWorld)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The whole space in blocks (what a diff walks, once per policy).
void BM_WholeSpace_Blocks(benchmark::State& state) {
  const Policy policy = LoadExample(ExampleName(state.range(0)));
  auto analysis = PolicyAnalysis::Create(policy);
  if (!analysis.ok()) std::abort();
  const analysis_internal::World& w = (*analysis)->world();
  const auto domain = analysis_internal::WholeSpace(w);
  uint64_t decisions = 0, cases = 0;
  for (auto _ : state) {
    cases = 0;
    decisions = analysis_internal::Enumerate(
        w, domain, [&](const DecisionCase&, const Decision&, uint64_t n) { cases += n; });
  }
  state.counters["cases"] = static_cast<double>(cases);
  state.counters["decisions"] = static_cast<double>(decisions);
  state.counters["ns_per_decision"] = benchmark::Counter(
      static_cast<double>(decisions) * 1e-9,
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_WholeSpace_Blocks)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The physical limit beside it: the same number of Decide calls, on requests prepared before
// timing (the blocks' own requests), with nothing else.
void BM_WholeSpace_RawDecide(benchmark::State& state) {
  const Policy policy = LoadExample(ExampleName(state.range(0)));
  auto analysis = PolicyAnalysis::Create(policy);
  if (!analysis.ok()) std::abort();
  const analysis_internal::World& w = (*analysis)->world();
  std::vector<AccessRequest> requests;
  analysis_internal::Enumerate(w, analysis_internal::WholeSpace(w),
                               [&](const DecisionCase& c, const Decision&, uint64_t) {
                                 requests.push_back(w.RequestOf(c));
                               });
  const auto& data = access_internal::Data(*w.snapshot);
  for (auto _ : state) {
    uint32_t allowed = 0;
    for (const AccessRequest& r : requests) {
      allowed += access_internal::DecideValid(data, r).allowed() ? 1 : 0;
    }
    benchmark::DoNotOptimize(allowed);
  }
  state.counters["decisions"] = static_cast<double>(requests.size());
}
BENCHMARK(BM_WholeSpace_RawDecide)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// A full diff (`socle policy diff`): the ccas example against the same policy with one line of its
// habilitation matrix widened (the front desk also reads, writes and prints social data), both
// worlds built (PolicyAnalysis::CreatePair, two threads) then every case of both spaces compared
// (DiffPolicies, two threads): the tuples whose inputs are the same under both policies are
// counted without being decided (analysis_internal::JointInputs), the others decided under both.
// Arg 1: on worlds built once. Real time: the work is on 2 threads.
std::string WidenedCcas(const std::string& text) {
  const std::string from =
      "habilitations { role: \"secretaire_accueil\"  actions: [READ, WRITE, PRINT] "
      "data_categories: [\"administrative\"] }";
  const std::string to =
      "habilitations { role: \"secretaire_accueil\"  actions: [READ, WRITE, PRINT] "
      "data_categories: [\"administrative\", \"social\"] }";
  const size_t at = text.find(from);
  if (at == std::string::npos) std::abort();
  return std::string(text).replace(at, from.size(), to);
}

// The diff's two policies: the CCAS example and its widened front desk line.
std::pair<Policy, Policy> DiffPair() {
  const std::string text =
      socle_bench::ReadFileOrDie(socle_bench::ExamplesDir() + "/policies/ccas.textproto");
  absl::StatusOr<Policy> before = Policy::Load(text);
  absl::StatusOr<Policy> after = Policy::Load(WidenedCcas(text));
  if (!before.ok() || !after.ok()) std::abort();
  return {*std::move(before), *std::move(after)};
}

void BM_Diff(benchmark::State& state) {
  const auto [before, after] = DiffPair();
  std::unique_ptr<PolicyAnalysis> built_before, built_after;
  if (state.range(0) == 1) {
    built_before = *PolicyAnalysis::Create(before);
    built_after = *PolicyAnalysis::Create(after);
  }
  uint64_t decisions = 0, changed = 0, cases = 0;
  for (auto _ : state) {
    std::unique_ptr<PolicyAnalysis> b, a;
    if (state.range(0) == 0) {
      auto sides = PolicyAnalysis::CreatePair(before, after);  // what `socle policy diff` does
      if (!sides.ok()) std::abort();
      b = std::move(sides->first);
      a = std::move(sides->second);
    }
    const PolicyDiff d = DiffPolicies(b ? *b : *built_before, a ? *a : *built_after);
    decisions = d.decisions;
    changed = d.changed_cases;
    cases = d.cases;
    benchmark::DoNotOptimize(d.changes.data());
  }
  state.counters["cases"] = static_cast<double>(cases);
  state.counters["decisions"] = static_cast<double>(decisions);
  state.counters["changed_cases"] = static_cast<double>(changed);
}
BENCHMARK(BM_Diff)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// The physical limit of BM_Diff/1 beside it: the Decide calls the diff makes (those of the tuples
// whose inputs differ, under each policy), on requests prepared before timing, on one thread.
void BM_Diff_RawDecide(benchmark::State& state) {
  const auto [before, after] = DiffPair();
  auto b = PolicyAnalysis::Create(before);
  auto a = PolicyAnalysis::Create(after);
  if (!b.ok() || !a.ok()) std::abort();
  const analysis_internal::World& wb = (*b)->world();
  const analysis_internal::World& wa = (*a)->world();
  const analysis_internal::JointInputs inputs(wb, wa);
  std::vector<AccessRequest> requests_b, requests_a;
  uint64_t skipped = 0;
  analysis_internal::EnumerateJoint(
      wb, wa, 0, analysis_internal::JointRoleCount(wb, wa),
      [&](const DecisionCase& cb, const Decision* db, const DecisionCase& ca, const Decision* da,
          uint64_t) {
        if (db != nullptr) requests_b.push_back(wb.RequestOf(cb));
        if (da != nullptr) requests_a.push_back(wa.RequestOf(ca));
      },
      &inputs, &skipped);
  const auto& data_b = access_internal::Data(*wb.snapshot);
  const auto& data_a = access_internal::Data(*wa.snapshot);
  for (auto _ : state) {
    uint32_t allowed = 0;
    for (const AccessRequest& r : requests_b) {
      allowed += access_internal::DecideValid(data_b, r).allowed() ? 1 : 0;
    }
    for (const AccessRequest& r : requests_a) {
      allowed += access_internal::DecideValid(data_a, r).allowed() ? 1 : 0;
    }
    benchmark::DoNotOptimize(allowed);
  }
  state.counters["decisions"] = static_cast<double>(requests_b.size() + requests_a.size());
}
BENCHMARK(BM_Diff_RawDecide)->Unit(benchmark::kMillisecond);

// Every case decided alone: what the blocks save.
void BM_WholeSpace_EveryCase(benchmark::State& state) {
  const Policy policy = LoadExample(ExampleName(state.range(0)));
  auto analysis = PolicyAnalysis::Create(policy);
  if (!analysis.ok()) std::abort();
  const analysis_internal::World& w = (*analysis)->world();
  const auto domain = analysis_internal::WholeSpace(w);
  uint64_t decisions = 0;
  for (auto _ : state) {
    decisions = analysis_internal::EnumerateEveryCase(
        w, domain, [](const DecisionCase&, const Decision&, uint64_t) {});
  }
  state.counters["decisions"] = static_cast<double>(decisions);
}
BENCHMARK(BM_WholeSpace_EveryCase)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace socle

BENCHMARK_MAIN();
