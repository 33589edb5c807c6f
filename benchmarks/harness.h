// benchmarks/harness.h: what socle's benchmark programs share, header-only.
//
// Both kinds of benchmark include it: those that link socle_static (the C++ API and internals)
// and the *_capi_benchmark programs, which link libsocle only, as a vendor does. So it includes
// nothing of socle but the public C header, and nothing that needs linking but Google Benchmark.
//
//   paths      ExamplesDir, AccessWorkloadDir, AccessWorkloadPolicyPath
//   files      TryReadFile, ReadFileOrDie, Split, ReadAccessRequests (the workload's request TSV)
//   ids        SyntheticIdentifiers (distinct ids of an exact length)
//   C ABI      Require (a socle status that must be SOCLE_OK)
//   timing     Ticks (rdtsc, fenced), TicksPerMicrosecond, TicksOverhead, Percentile,
//              ThreadCpuMicroseconds, ResidentMb
//   counters   CountDecisions (items and decisions_per_s), AddPeerRatios (the access peers)
//   reporting  RateReporter (each run's rates and counters, the median when repeated),
//              PrintRateRatio, RunBenchmarks (a main() that prints a summary after the runs)
//
// SOCLE_EXAMPLES_DIR and SOCLE_ACCESS_WORKLOAD_DIR are defined by benchmarks/CMakeLists.txt.
#ifndef SOCLE_BENCHMARKS_HARNESS_H_
#define SOCLE_BENCHMARKS_HARNESS_H_

#include <benchmark/benchmark.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "socle/socle.h"

namespace socle_bench {

// --- Paths ------------------------------------------------------------------------------------

inline std::string ExamplesDir() { return SOCLE_EXAMPLES_DIR; }
// tests/access/workload: the access workload (professionals.tsv, persons.tsv, requests_*.tsv).
inline std::string AccessWorkloadDir() { return SOCLE_ACCESS_WORKLOAD_DIR; }
// The policy the access workload is decided under.
inline std::string AccessWorkloadPolicyPath() {
  return ExamplesDir() + "/../tests/access/workload_policy.textproto";
}

// --- Files ------------------------------------------------------------------------------------

// The bytes of the file at `path`, or nullopt when it cannot be read.
inline std::optional<std::string> TryReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The bytes of the file at `path`; a benchmark without its input cannot run, so it aborts.
inline std::string ReadFileOrDie(const std::string& path) {
  std::optional<std::string> text = TryReadFile(path);
  if (!text) {
    std::fprintf(stderr, "benchmark: cannot read %s\n", path.c_str());
    std::abort();
  }
  return *std::move(text);
}

// `s` cut at every `sep`, empty fields kept ("a,,b" gives "a", "", "b").
inline std::vector<std::string> Split(const std::string& s, char sep) {
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

// One line of the access workload's request files (tests/access/workload/README.md):
// professional, action, record, person, category, masked, author, expected effect, reason.
struct AccessRequestLine {
  std::string professional, action, record, person, category, author, reason;
  bool masked = false;
};

// The lines of tests/access/workload/`name` (for instance "requests_mixed.tsv").
inline std::vector<AccessRequestLine> ReadAccessRequests(const std::string& name) {
  std::vector<AccessRequestLine> out;
  for (const std::string& line : Split(ReadFileOrDie(AccessWorkloadDir() + "/" + name), '\n')) {
    if (line.empty()) continue;
    const std::vector<std::string> c = Split(line, '\t');
    if (c.size() < 9) {
      std::fprintf(stderr, "benchmark: %s: a line with %zu fields, 9 expected\n", name.c_str(),
                   c.size());
      std::abort();
    }
    AccessRequestLine r;
    r.professional = c[0];
    r.action = c[1];
    r.record = c[2];
    r.person = c[3];
    r.category = c[4];
    r.masked = c[5] == "1";
    r.author = c[6];
    r.reason = c[8];
    out.push_back(std::move(r));
  }
  return out;
}

// `count` distinct identifiers of exactly `len` bytes ("usager-<i>-" padded with letters).
inline std::vector<std::string> SyntheticIdentifiers(size_t count, size_t len) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < count; ++i) {
    std::string id = "usager-" + std::to_string(i) + "-";
    while (id.size() < len) id.push_back(static_cast<char>('a' + (id.size() * 7 + i) % 26));
    id.resize(len);
    ids.push_back(std::move(id));
  }
  return ids;
}

// --- The C ABI --------------------------------------------------------------------------------

// Aborts with `what`, the status name and the message unless `status` is SOCLE_OK. `error` is
// the call's socle_error out-parameter, or NULL to read the thread's last error.
inline void Require(int32_t status, socle_error* error, const char* what) {
  if (status == SOCLE_OK) return;
  std::fprintf(stderr, "%s: %s: %s\n", what, socle_status_name(status),
               error != nullptr ? socle_error_message(error) : socle_last_error_message());
  std::abort();
}

// --- Timing -----------------------------------------------------------------------------------

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

// Ticks per microsecond, measured once against steady_clock (50 ms).
inline double TicksPerMicrosecond() {
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

// The timer's own cost: the shortest of 1000 empty intervals, to subtract from each measure.
inline uint64_t TicksOverhead() {
  uint64_t overhead = UINT64_MAX;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t a = Ticks();
    const uint64_t b = Ticks();
    overhead = std::min(overhead, b - a);
  }
  return overhead;
}

// The `p` quantile (0..1) of `v`, which is reordered; `v` must not be empty.
inline double Percentile(std::vector<double>& v, double p) {
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

// CPU time of this thread: immune to the preemption of a shared machine.
inline double ThreadCpuMicroseconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

// The resident memory of this process, in MiB (Linux: /proc/self/statm).
inline double ResidentMb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
         (1024.0 * 1024.0);
}

// --- Counters ---------------------------------------------------------------------------------

// `per_iteration` decisions per iteration: items processed, and a decisions_per_s rate counter.
inline void CountDecisions(benchmark::State& state, size_t per_iteration) {
  const auto total = static_cast<int64_t>(state.iterations() * per_iteration);
  state.SetItemsProcessed(total);
  state.counters["decisions_per_s"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kIsRate);
}

// The peers on the access workload's mixed requests (decisions/s, p50 µs), from the workload's
// README (tests/access/workload/README.md).
struct AccessPeer {
  const char* name;
  double per_second;
  double p50_us;
};
inline constexpr AccessPeer kAccessPeers[] = {
    {"cedar", 7100, 131},
    {"casbin_abac", 122000, 9},
    {"casbin_rbac", 1000, 1200},
    {"js_maps", 940000, 1.5},
};

// Counters x_<peer> (our decisions/s over the peer's) and, when `p50_us` > 0, p50_x_<peer>
// (the peer's p50 over ours): above 1 means faster than the peer.
inline void AddPeerRatios(benchmark::State& state, double per_second, double p50_us) {
  for (const AccessPeer& peer : kAccessPeers) {
    state.counters[std::string("x_") + peer.name] = per_second / peer.per_second;
    if (p50_us > 0) state.counters[std::string("p50_x_") + peer.name] = peer.p50_us / p50_us;
  }
}

// --- Reporting --------------------------------------------------------------------------------

// Prints as the console reporter does, and keeps each run's time per iteration and counters
// (items_per_second, bytes_per_second and the benchmark's own), keyed by run name
// ("BM_Token/16", "BM_Paired/min_time:2.000"). With --benchmark_repetitions, the median is kept.
class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool aggregate = run.run_type == Run::RT_Aggregate;
      if (aggregate && run.aggregate_name != "median") continue;
      const std::string name = run.run_name.str();
      if (!aggregate && medians_.count(name) != 0) continue;
      if (aggregate) medians_.insert(name);
      Result& r = results_[name];
      r.seconds_per_iteration =
          run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
      r.counters.clear();
      for (const auto& [counter, value] : run.counters) r.counters[counter] = value.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }

  // 0 when the benchmark did not run (filtered out, failed) or has no such counter.
  double Counter(const std::string& run_name, const std::string& counter) const {
    const auto r = results_.find(run_name);
    if (r == results_.end()) return 0;
    const auto c = r->second.counters.find(counter);
    return c == r->second.counters.end() ? 0 : c->second;
  }
  double ItemsPerSecond(const std::string& run_name) const {
    return Counter(run_name, "items_per_second");
  }
  double BytesPerSecond(const std::string& run_name) const {
    return Counter(run_name, "bytes_per_second");
  }
  // Real time per iteration in seconds; 0 when the benchmark did not run.
  double SecondsPerIteration(const std::string& run_name) const {
    const auto r = results_.find(run_name);
    return r == results_.end() ? 0 : r->second.seconds_per_iteration;
  }

 private:
  struct Result {
    double seconds_per_iteration = 0;
    std::map<std::string, double> counters;
  };
  std::map<std::string, Result> results_;
  std::set<std::string> medians_;
};

// One line "  <label>  <ours> M/s / <raw> M/s = <ratio> %  (target >= t %: met|NOT met)" for
// two rates in items/s; nothing when either is missing. `target` <= 0 means no target.
inline void PrintRateRatio(const std::string& label, double ours, double raw, double target) {
  if (ours <= 0 || raw <= 0) return;
  const double ratio = ours / raw;
  std::printf("  %s %8.2f M/s / %8.2f M/s = %5.1f %%", label.c_str(), ours / 1e6, raw / 1e6,
              100 * ratio);
  if (target > 0) {
    std::printf("  (target >= %.0f %%: %s)\n", 100 * target, ratio >= target ? "met" : "NOT met");
  } else {
    std::printf("  (no target)\n");
  }
}

// A benchmark's main(): runs what the command line selects through a RateReporter, then calls
// `summary(reporter)` to print the ratios. Returns main's exit code.
template <typename Summary>
int RunBenchmarks(int argc, char** argv, Summary summary) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RateReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  summary(static_cast<const RateReporter&>(reporter));
  benchmark::Shutdown();
  return 0;
}

}  // namespace socle_bench

#endif  // SOCLE_BENCHMARKS_HARNESS_H_
