// The DPO's lists of rights requests (socle/rights.hpp) over 100,000 open requests, one per person
// of the access workload's directory (tests/access/workload), received over the last 60 days, so
// that about half are overdue today; single thread.
// Measured:
//   - OverdueRightsRequests(today): one scan of the register, building the overdue list (ids,
//     deadlines, days late) sorted by deadline; the brief's budget is a few µs per open request;
//   - RightsRequestsDueWithin(today, 7 days): the same scan, a short list;
//   - beside them, in the same run, the raw limit: a scan of the same 100,000 deadlines held in a
//     plain std::vector<int32_t>, collecting the indexes of the overdue ones (no record, no id).
// Counters: ns per open request scanned, and the list's length.
//
// Run from a release build (see README.md in this folder):
//   build/release/benchmarks/rights_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "socle/access.hpp"
#include "socle/rights.hpp"
#include "socle/v1/events.pb.h"
#include "workload.h"

namespace socle {
namespace {

using socle_bench::Check;

constexpr int kRequests = 100000;

struct Fixture {
  std::unique_ptr<AccessEngine> engine;
  std::vector<int32_t> deadlines;  // the raw copy: each request's deadline, days since 1970
  absl::CivilDay today;

  Fixture() {
    engine = socle_bench::LoadWorkloadEngine();
    const absl::Time now = absl::Now();
    today = RightsDayOf(now);
    v1::StateEventBatch batch;
    batch.set_format_version(1);
    for (int i = 0; i < kRequests; ++i) {
      v1::StateEvent* e = batch.add_events();
      e->set_format_version(1);
      e->set_recorded_by("p0");
      e->mutable_at()->set_seconds(absl::ToUnixSeconds(now));
      v1::RightsRequestReceived* r = e->mutable_rights_request_received();
      r->set_request(absl::StrCat("req-", i));
      r->set_kind(v1::RIGHT_ACCESS);
      r->set_person(absl::StrCat("x", i));
      // Spread over the last 60 days, a few hours apart.
      r->mutable_received_at()->set_seconds(
          absl::ToUnixSeconds(now - absl::Minutes((i * 53) % (60 * 24 * 60))));
    }
    Check(engine->ApplyEventBatch(batch.SerializeAsString()));
    for (const RightsRequestInfo& info : RightsRegister(*engine->snapshot(), today)) {
      deadlines.push_back(static_cast<int32_t>(info.deadline - absl::CivilDay(1970, 1, 1)));
    }
    if (deadlines.size() != kRequests) {
      std::fprintf(stderr, "rights_benchmark: %zu requests recorded\n", deadlines.size());
      std::abort();
    }
  }
};

Fixture& Shared() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

void BM_OverdueRightsRequests(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  size_t listed = 0;
  for (auto _ : state) {
    std::vector<RightsRequestInfo> list = OverdueRightsRequests(*snapshot, f.today);
    listed = list.size();
    benchmark::DoNotOptimize(list.data());
  }
  state.counters["listed"] = static_cast<double>(listed);
  state.counters["ns_per_request"] = benchmark::Counter(
      static_cast<double>(kRequests),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_OverdueRightsRequests)->Unit(benchmark::kMillisecond);

void BM_RightsRequestsDueWithin7Days(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  size_t listed = 0;
  for (auto _ : state) {
    std::vector<RightsRequestInfo> list = RightsRequestsDueWithin(*snapshot, f.today, 7);
    listed = list.size();
    benchmark::DoNotOptimize(list.data());
  }
  state.counters["listed"] = static_cast<double>(listed);
  state.counters["ns_per_request"] = benchmark::Counter(
      static_cast<double>(kRequests),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RightsRequestsDueWithin7Days)->Unit(benchmark::kMillisecond);

// The raw limit: the same deadlines in a flat array, the overdue indexes collected.
void BM_RawScanOfTheDeadlines(benchmark::State& state) {
  Fixture& f = Shared();
  const int32_t day = static_cast<int32_t>(f.today - absl::CivilDay(1970, 1, 1));
  std::vector<uint32_t> overdue;
  overdue.reserve(f.deadlines.size());
  for (auto _ : state) {
    overdue.clear();
    for (size_t i = 0; i < f.deadlines.size(); ++i) {
      if (f.deadlines[i] < day) overdue.push_back(static_cast<uint32_t>(i));
    }
    benchmark::DoNotOptimize(overdue.data());
  }
  state.counters["listed"] = static_cast<double>(overdue.size());
  state.counters["ns_per_request"] = benchmark::Counter(
      static_cast<double>(kRequests),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RawScanOfTheDeadlines)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace socle

BENCHMARK_MAIN();
