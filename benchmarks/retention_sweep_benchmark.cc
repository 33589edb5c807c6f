// The retention sweep (socle/retention_sweep.hpp, REQ-36), under the workload policy (four data
// categories kept 24 months after the last contact from the person, then deleted):
//   - BM_SweepPlan: the plan of a sweep over 1,000,000 persons, each with a contact from the
//     person spread over the last 8 years (about three quarters of them due): every (person,
//     category) whose phase changed, and the vendor's to-do list with its ids. The target is
//     10 s. Beside it, BM_RawScan reads the same persons' records and retention days and sums
//     them: the memory floor of any scan of the directory.
//   - BM_SweepShred/N: a sweep that purges N persons whose whole file is due and crypto-shreds
//     them through the access trail (its record, then the vault) and issues the certificates;
//     the sweep shreds the finished persons of each purge batch at once (AccessTrail::
//     ShredPersons). In the same run, the physical limits: BM_RawVaultShredBatch/N,
//     Vault::ShredPersons of the N persons with the same keys (one SQLite transaction and one WAL
//     truncation for all), and BM_RawVaultShred/N, Vault::ShredPerson one person at a time (a
//     transaction and a WAL truncation each: what the sweep did before it shredded in batches).
//
// Run from a release build (see README.md in this folder):
//   build/access-rel/benchmarks/retention_sweep_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "access/state.h"
#include "core/calendar.h"
#include "harness.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "socle/export_file.hpp"
#include "socle/init.hpp"
#include "socle/ledger.hpp"
#include "socle/retention_sweep.hpp"
#include "socle/trail.hpp"
#include "socle/v1/events.pb.h"
#include "socle/vault.hpp"
#include "workload.h"

namespace socle {
namespace {

using socle_bench::Check;

constexpr size_t kPlanPersons = 1000000;
const absl::CivilDay kToday(2026, 12, 5);

std::string Tsv(size_t persons, const std::string& prefix) {
  std::string out;
  for (size_t i = 0; i < persons; ++i) absl::StrAppend(&out, prefix, i, "\tt1\n");
  return out;
}

// Contacts from the person, one per person, `back_days` (random up to 8 years) before today.
void RecordContacts(AccessEngine& engine, const FakeClock& clock, size_t persons,
                    const std::string& prefix, int max_back_days) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> back(0, max_back_days);
  const int32_t today = core::DayNumber(kToday);
  const int64_t at = absl::ToUnixSeconds(clock.Now());
  for (size_t first = 0; first < persons; first += 10000) {
    v1::StateEventBatch batch;
    batch.set_format_version(1);
    for (size_t i = first; i < std::min(persons, first + 10000); ++i) {
      v1::StateEvent* e = batch.add_events();
      e->set_format_version(1);
      e->mutable_at()->set_seconds(at);
      v1::ContactRecorded* c = e->mutable_contact_recorded();
      c->set_person(absl::StrCat(prefix, i));
      c->set_originator(v1::ContactRecorded::PERSON);
      c->set_date(RetentionDayText(today - back(rng)));
    }
    Check(engine.ApplyEventBatch(batch.SerializeAsString()));
  }
}

std::unique_ptr<AccessEngine> NewEngine(const FakeClock& clock, size_t persons,
                                        const std::string& prefix) {
  AccessEngine::Options options;
  options.clock = &clock;
  auto engine = Check(AccessEngine::Create(socle_bench::WorkloadPolicy(), options));
  Check(engine->LoadDirectoryTsv("sw1\tsocial_worker\tt1\n", Tsv(persons, prefix)));
  return engine;
}

FakeClock& Clock() {
  static FakeClock* clock =
      new FakeClock(absl::FromCivil(absl::CivilSecond(2026, 12, 5, 12, 0, 0), absl::UTCTimeZone()));
  return *clock;
}

AccessEngine& PlanEngine() {
  static AccessEngine* engine = [] {
    auto e = NewEngine(Clock(), kPlanPersons, "usager-");
    RecordContacts(*e, Clock(), kPlanPersons, "usager-", 365 * 8);
    return e.release();
  }();
  return *engine;
}

void BM_SweepPlan(benchmark::State& state) {
  AccessEngine& engine = PlanEngine();
  uint64_t purged = 0;
  size_t changes = 0;
  for (auto _ : state) {
    SweepReport report = Check(PlanSweep(engine, kToday));
    purged = report.purged;
    changes = report.changes.size();
    benchmark::DoNotOptimize(report);
  }
  state.counters["persons"] = static_cast<double>(kPlanPersons);
  state.counters["items_due"] = static_cast<double>(purged);
  state.counters["changes"] = static_cast<double>(changes);
  state.counters["ns_per_person"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kPlanPersons),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SweepPlan)->Unit(benchmark::kMillisecond)->Iterations(3);

// The floor: every person's record and retention days read and summed, no calendar work and no
// output.
void BM_RawScan(benchmark::State& state) {
  AccessEngine& engine = PlanEngine();
  const auto snapshot = engine.snapshot();
  const access_internal::SnapshotData& s = access_internal::Data(*snapshot);
  int64_t sum = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < s.state.persons.size(); ++i) {
      const access_internal::PersonRecord& p = s.state.persons[i];
      if (!p.known || p.state == nullptr) continue;
      const access_internal::RetentionFacts& r = p.state->retention;
      sum += r.last_contact_from_person + r.first_contact + r.case_closed +
             static_cast<int64_t>(p.teams.size());
    }
    benchmark::DoNotOptimize(sum);
  }
  state.counters["ns_per_person"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kPlanPersons),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RawScan)->Unit(benchmark::kMillisecond)->Iterations(3);

// A vault with a key (one sealed record) for each of `persons`, and a trail on it.
struct ShredSetup {
  std::string dir;
  std::shared_ptr<Vault> vault;
  std::shared_ptr<Ledger> ledger;
  std::unique_ptr<AccessEngine> engine;
  std::unique_ptr<AccessTrail> trail;

  ShredSetup(size_t persons, int run) {
    dir = (std::filesystem::temp_directory_path() /
           absl::StrCat("socle-sweep-bench-", ::getpid(), "-", run))
              .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    KeyFileOptions key_options;
    key_options.kdf = PassphraseKdfParams::MinimumForTests();
    key_options.allow_weak_kdf_for_tests = true;
    std::shared_ptr<KeyProvider> provider = Check(KeyFileProvider::Create(
        dir + "/master.key", SecretBytes(absl::string_view("benchmark passphrase")), key_options));
    vault = Check(Vault::Open(provider, dir + "/vault.db", "bench"));
    const std::string text = "case note";
    for (size_t i = 0; i < persons; ++i) {
      const std::string person = absl::StrCat("shred-", i);
      Check(vault->SealRecord(
          RecordRef{person, "note"},
          absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
    }
    engine = NewEngine(Clock(), persons, "shred-");
    // Every contact 3 to 8 years back: every category due, every person finished.
    RecordContactsBack(persons);
    LedgerOptions options;
    ledger = Check(Ledger::Open(dir + "/trail.db", vault, "access_trail", options));
    trail = Check(AccessTrail::Create(ledger, *engine));
  }
  void RecordContactsBack(size_t persons) {
    const int64_t at = absl::ToUnixSeconds(Clock().Now());
    v1::StateEventBatch batch;
    batch.set_format_version(1);
    for (size_t i = 0; i < persons; ++i) {
      v1::StateEvent* e = batch.add_events();
      e->set_format_version(1);
      e->mutable_at()->set_seconds(at);
      v1::ContactRecorded* c = e->mutable_contact_recorded();
      c->set_person(absl::StrCat("shred-", i));
      c->set_originator(v1::ContactRecorded::PERSON);
      c->set_date(RetentionDayText(core::DayNumber(kToday) - 365 * 3 - static_cast<int>(i % 1800)));
    }
    Check(engine->ApplyEventBatch(batch.SerializeAsString()));
  }
  ~ShredSetup() {
    trail.reset();
    engine.reset();
    ledger.reset();
    vault.reset();
    std::filesystem::remove_all(dir);
  }
};

void BM_SweepShred(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  int run = 0;
  uint64_t shredded = 0;
  const ExportSigningKey key = ExportSigningKey::Generate();
  for (auto _ : state) {
    state.PauseTiming();
    auto setup = std::make_unique<ShredSetup>(n, run++);
    SweepOptions options;
    options.day = kToday;
    options.recorded_by = "sw1";
    state.ResumeTiming();
    SweepReport report = Check(Sweep(*setup->engine, *setup->trail, key, options));
    shredded = report.shredded;
    state.PauseTiming();
    if (report.shredded != n || report.purged != 4 * n) std::abort();
    setup.reset();
    state.ResumeTiming();
  }
  state.counters["shredded"] = static_cast<double>(shredded);
  // Wall-clock time per person (UseRealTime: the fsyncs are the cost, not the CPU).
  state.counters["per_person"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SweepShred)
    ->Arg(200)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

void BM_RawVaultShredBatch(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  int run = 2000;
  for (auto _ : state) {
    state.PauseTiming();
    auto setup = std::make_unique<ShredSetup>(n, run++);
    std::vector<std::string> persons;
    for (size_t i = 0; i < n; ++i) persons.push_back(absl::StrCat("shred-", i));
    state.ResumeTiming();
    const std::vector<absl::Status> shredded = Check(setup->vault->ShredPersons(persons));
    state.PauseTiming();
    for (const absl::Status& st : shredded) Check(st);
    setup.reset();
    state.ResumeTiming();
  }
  // Wall-clock time per person (UseRealTime: the fsyncs are the cost, not the CPU).
  state.counters["per_person"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RawVaultShredBatch)
    ->Arg(200)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();

void BM_RawVaultShred(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  int run = 1000;
  for (auto _ : state) {
    state.PauseTiming();
    auto setup = std::make_unique<ShredSetup>(n, run++);
    state.ResumeTiming();
    for (size_t i = 0; i < n; ++i) Check(setup->vault->ShredPerson(absl::StrCat("shred-", i)));
    state.PauseTiming();
    setup.reset();
    state.ResumeTiming();
  }
  // Wall-clock time per person (UseRealTime: the fsyncs are the cost, not the CPU).
  state.counters["per_person"] =
      benchmark::Counter(static_cast<double>(state.iterations() * n),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_RawVaultShred)->Arg(200)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace
}  // namespace socle

int main(int argc, char** argv) {
  socle_bench::Check(socle::Initialize());
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
