// Access decisions through the C ABI (libsocle only) on the shared workload's mixed request file,
// single thread: one socle_access_engine_decide call per decision (throughput, and latency
// percentiles with rdtsc around each call), an array of requests per call
// (socle_access_engine_decide_many), and columns (socle_access_engine_decide_columns, what the
// Python bindings call), with the peers' figures of the workload's README as ratios.
//
// Run from a release build (see README.md in this folder):
//   build/access-rel/benchmarks/access_capi_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "socle/socle.h"

namespace {

constexpr double kCedar = 7100, kCedarP50 = 131;
constexpr double kCasbinAbac = 122000, kCasbinAbacP50 = 9;
constexpr double kCasbinRbac = 1000, kCasbinRbacP50 = 1200;
constexpr double kJsMaps = 940000, kJsMapsP50 = 1.5;

std::string WorkloadDir() { return SOCLE_ACCESS_WORKLOAD_DIR; }

void Require(int32_t status, socle_error* error, const char* what) {
  if (status == SOCLE_OK) return;
  fprintf(stderr, "%s: %s: %s\n", what, socle_status_name(status),
          error != nullptr ? socle_error_message(error) : socle_last_error_message());
  std::abort();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fprintf(stderr, "cannot open %s\n", path.c_str());
    std::abort();
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

uint32_t IdOf(int32_t (*lookup)(const socle_access_engine*, const char*, size_t, uint32_t*,
                                socle_error**),
              const socle_access_engine* engine, const std::string& id) {
  uint32_t out = SOCLE_NO_ID;
  lookup(engine, id.data(), id.size(), &out, nullptr);
  return out;
}

struct Fixture {
  socle_access_engine* engine = nullptr;
  std::vector<std::string> items;  // keeps item ids alive
  std::vector<socle_access_request> requests;
  // Columns.
  std::vector<uint32_t> actors, persons, categories, purposes, authors;
  std::vector<int32_t> actions, masked;

  Fixture() {
    socle_policy* policy = nullptr;
    socle_error* error = nullptr;
    const std::string policy_path =
        std::string(SOCLE_EXAMPLES_DIR) + "/../tests/access/workload_policy.textproto";
    Require(socle_policy_load_file(policy_path.c_str(), &policy, &error), error, "policy");
    Require(socle_access_engine_create(policy, &engine, &error), error, "engine");
    socle_policy_free(policy);
    const std::string professionals = WorkloadDir() + "/professionals.tsv";
    const std::string persons_path = WorkloadDir() + "/persons.tsv";
    Require(socle_access_engine_load_directory_tsv_files(engine, professionals.c_str(),
                                                         persons_path.c_str(), nullptr, &error),
            error, "load");
    uint32_t purpose = SOCLE_NO_ID;
    Require(socle_access_engine_find_purpose(engine, "accompagnement", 14, &purpose, &error), error,
            "purpose");
    const std::string text = ReadFile(WorkloadDir() + "/requests_mixed.tsv");
    for (const std::string& line : Split(text, '\n')) {
      if (line.empty()) continue;
      items.push_back(Split(line, '\t')[2]);
    }
    size_t k = 0;
    for (const std::string& line : Split(text, '\n')) {
      if (line.empty()) continue;
      const std::vector<std::string> c = Split(line, '\t');
      socle_access_request r;
      socle_access_request_init(&r);
      r.actor = IdOf(socle_access_engine_find_professional, engine, c[0]);
      r.action = c[1] == "write" ? SOCLE_ACTION_WRITE : SOCLE_ACTION_READ;
      r.item = items[k].data();
      r.item_len = items[k].size();
      r.person = IdOf(socle_access_engine_find_person, engine, c[3]);
      r.category = IdOf(socle_access_engine_find_category, engine, c[4]);
      r.purpose = purpose;
      r.masked = c[5] == "1";
      r.author = IdOf(socle_access_engine_find_professional, engine, c[6]);
      requests.push_back(r);
      actors.push_back(r.actor);
      persons.push_back(r.person);
      categories.push_back(r.category);
      purposes.push_back(r.purpose);
      authors.push_back(r.author);
      actions.push_back(r.action);
      masked.push_back(r.masked);
      ++k;
    }
  }
};

Fixture& Shared() {
  static Fixture* f = new Fixture();
  return *f;
}

// A cycle counter for single-call latencies: the TSC on x86-64 (fenced), steady_clock elsewhere.
#if defined(__x86_64__) || defined(__i386__)
inline uint64_t Ticks() {
  _mm_lfence();
  const uint64_t t = __rdtsc();
  _mm_lfence();
  return t;
}
#else
inline uint64_t Ticks() {
  return static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}
#endif

double TicksPerMicrosecond() {
  static const double ticks = [] {
    const auto t0 = std::chrono::steady_clock::now();
    const uint64_t c0 = Ticks();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(50)) {
    }
    const uint64_t c1 = Ticks();
    const auto t1 = std::chrono::steady_clock::now();
    return static_cast<double>(c1 - c0) /
           std::chrono::duration<double, std::micro>(t1 - t0).count();
  }();
  return ticks;
}

double Percentile(std::vector<double>& v, double p) {
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

void AddPeerRatios(benchmark::State& state, double per_second, double p50_us) {
  state.counters["x_cedar"] = per_second / kCedar;
  state.counters["x_casbin_abac"] = per_second / kCasbinAbac;
  state.counters["x_casbin_rbac"] = per_second / kCasbinRbac;
  state.counters["x_js_maps"] = per_second / kJsMaps;
  if (p50_us > 0) {
    state.counters["p50_x_cedar"] = kCedarP50 / p50_us;
    state.counters["p50_x_casbin_abac"] = kCasbinAbacP50 / p50_us;
    state.counters["p50_x_casbin_rbac"] = kCasbinRbacP50 / p50_us;
    state.counters["p50_x_js_maps"] = kJsMapsP50 / p50_us;
  }
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
  state.SetItemsProcessed(state.iterations() * f.requests.size());
  state.counters["decisions_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * f.requests.size()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Capi_DecideOneCall)->Unit(benchmark::kMillisecond)->MinTime(2);

void BM_Capi_DecideOneCall_Latency(benchmark::State& state) {
  Fixture& f = Shared();
  const double tpu = TicksPerMicrosecond();
  uint64_t overhead = UINT64_MAX;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t a = Ticks();
    const uint64_t b = Ticks();
    overhead = std::min(overhead, b - a);
  }
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
  const double p50 = Percentile(us, 0.5);
  state.counters["p50_us"] = p50;
  state.counters["p99_us"] = Percentile(us, 0.99);
  state.counters["p999_us"] = Percentile(us, 0.999);
  state.counters["target_p50_us"] = 0.5;
  AddPeerRatios(state, static_cast<double>(us.size()) / (static_cast<double>(ticks) / tpu * 1e-6),
                p50);
}
BENCHMARK(BM_Capi_DecideOneCall_Latency)->Iterations(20)->Unit(benchmark::kMillisecond);

void BM_Capi_DecideMany(benchmark::State& state) {
  Fixture& f = Shared();
  std::vector<socle_decision> out(f.requests.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(socle_access_engine_decide_many(
        f.engine, f.requests.data(), f.requests.size(), out.data(), nullptr));
  }
  state.SetItemsProcessed(state.iterations() * f.requests.size());
  state.counters["decisions_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * f.requests.size()), benchmark::Counter::kIsRate);
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
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["decisions_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Capi_DecideColumns)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace

BENCHMARK_MAIN();
