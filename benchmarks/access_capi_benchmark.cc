// Access decisions through the C ABI (libsocle only) on the shared workload's mixed request file,
// single thread: one socle_access_engine_decide call per decision (throughput, and latency
// percentiles with rdtsc around each call), an array of requests per call
// (socle_access_engine_decide_many), and columns (socle_access_engine_decide_columns, what the
// Python bindings call), with the peers' figures of the workload's README as ratios.
//
// Run from a release build (see README.md in this folder):
//   build/access-rel/benchmarks/access_capi_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"
#include "socle/socle.h"

namespace {

using socle_bench::AccessRequestLine;
using socle_bench::AccessWorkloadDir;
using socle_bench::CountDecisions;
using socle_bench::Require;
using socle_bench::Ticks;

uint32_t IdOf(int32_t (*lookup)(const socle_access_engine*, const char*, size_t, uint32_t*,
                                socle_error**),
              const socle_access_engine* engine, const std::string& id) {
  uint32_t out = SOCLE_NO_ID;
  lookup(engine, id.data(), id.size(), &out, nullptr);
  return out;
}

struct Fixture {
  socle_access_engine* engine = nullptr;
  std::vector<AccessRequestLine> lines;  // keeps item ids alive
  std::vector<socle_access_request> requests;
  // Columns.
  std::vector<uint32_t> actors, persons, categories, purposes, authors;
  std::vector<int32_t> actions, masked;

  Fixture() {
    socle_policy* policy = nullptr;
    socle_error* error = nullptr;
    const std::string policy_path = socle_bench::AccessWorkloadPolicyPath();
    Require(socle_policy_load_file(policy_path.c_str(), &policy, &error), error, "policy");
    Require(socle_access_engine_create(policy, &engine, &error), error, "engine");
    socle_policy_free(policy);
    const std::string professionals = AccessWorkloadDir() + "/professionals.tsv";
    const std::string persons_path = AccessWorkloadDir() + "/persons.tsv";
    Require(socle_access_engine_load_directory_tsv_files(engine, professionals.c_str(),
                                                         persons_path.c_str(), nullptr, &error),
            error, "load");
    uint32_t purpose = SOCLE_NO_ID;
    Require(socle_access_engine_find_purpose(engine, "accompagnement", 14, &purpose, &error), error,
            "purpose");
    lines = socle_bench::ReadAccessRequests("requests_mixed.tsv");
    for (const AccessRequestLine& l : lines) {
      socle_access_request r;
      socle_access_request_init(&r);
      r.actor = IdOf(socle_access_engine_find_professional, engine, l.professional);
      r.action = l.action == "write" ? SOCLE_ACTION_WRITE : SOCLE_ACTION_READ;
      r.item = l.record.data();
      r.item_len = l.record.size();
      r.person = IdOf(socle_access_engine_find_person, engine, l.person);
      r.category = IdOf(socle_access_engine_find_category, engine, l.category);
      r.purpose = purpose;
      r.masked = l.masked;
      r.author = IdOf(socle_access_engine_find_professional, engine, l.author);
      requests.push_back(r);
      actors.push_back(r.actor);
      persons.push_back(r.person);
      categories.push_back(r.category);
      purposes.push_back(r.purpose);
      authors.push_back(r.author);
      actions.push_back(r.action);
      masked.push_back(r.masked);
    }
  }
};

Fixture& Shared() {
  static Fixture* f = new Fixture();
  return *f;
}

void BM_Capi_DecideOneCall(benchmark::State& state) {
  Fixture& f = Shared();
  size_t allowed = 0;
  for (auto _ : state) {
    for (const socle_access_request& r : f.requests) {
      socle_decision d;
      socle_access_engine_decide(f.engine, &r, &d, nullptr);
      allowed += d.effect;
    }
  }
  benchmark::DoNotOptimize(allowed);
  CountDecisions(state, f.requests.size());
}
BENCHMARK(BM_Capi_DecideOneCall)->Unit(benchmark::kMillisecond)->MinTime(2);

void BM_Capi_DecideOneCall_Latency(benchmark::State& state) {
  Fixture& f = Shared();
  const double tpu = socle_bench::TicksPerMicrosecond();
  const uint64_t overhead = socle_bench::TicksOverhead();
  std::vector<double> us;
  size_t allowed = 0;
  uint64_t ticks = 0;
  for (auto _ : state) {
    for (const socle_access_request& r : f.requests) {
      socle_decision d;
      const uint64_t a = Ticks();
      socle_access_engine_decide(f.engine, &r, &d, nullptr);
      const uint64_t b = Ticks();
      allowed += d.effect;
      const uint64_t t = b - a > overhead ? b - a - overhead : 0;
      ticks += t;
      us.push_back(static_cast<double>(t) / tpu);
    }
  }
  benchmark::DoNotOptimize(allowed);
  const double p50 = socle_bench::Percentile(us, 0.5);
  state.counters["p50_us"] = p50;
  state.counters["p99_us"] = socle_bench::Percentile(us, 0.99);
  state.counters["p999_us"] = socle_bench::Percentile(us, 0.999);
  state.counters["target_p50_us"] = 0.5;
  socle_bench::AddPeerRatios(
      state, static_cast<double>(us.size()) / (static_cast<double>(ticks) / tpu * 1e-6), p50);
}
BENCHMARK(BM_Capi_DecideOneCall_Latency)->Iterations(20)->Unit(benchmark::kMillisecond);

void BM_Capi_DecideMany(benchmark::State& state) {
  Fixture& f = Shared();
  std::vector<socle_decision> out(f.requests.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(socle_access_engine_decide_many(
        f.engine, f.requests.data(), f.requests.size(), out.data(), nullptr));
  }
  CountDecisions(state, f.requests.size());
}
BENCHMARK(BM_Capi_DecideMany)->Unit(benchmark::kMillisecond)->MinTime(2);

void BM_Capi_DecideColumns(benchmark::State& state) {
  Fixture& f = Shared();
  const size_t n = f.requests.size();
  std::vector<int32_t> effects(n), reasons(n);
  for (auto _ : state) {
    benchmark::DoNotOptimize(socle_access_engine_decide_columns(
        f.engine, n, f.actors.data(), f.actions.data(), f.persons.data(), f.categories.data(),
        f.purposes.data(), nullptr, f.authors.data(), f.masked.data(), nullptr, nullptr, 0,
        effects.data(), reasons.data(), nullptr, nullptr, nullptr, nullptr));
  }
  CountDecisions(state, n);
}
BENCHMARK(BM_Capi_DecideColumns)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace

BENCHMARK_MAIN();
