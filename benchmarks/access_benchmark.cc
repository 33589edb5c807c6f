// Access decisions through the C++ API on the access workload (tests/access/workload, a copy of
// the shared benchmark workload, loaded from its TSV files under
// tests/access/workload_policy.textproto), single thread:
//   - loading the workload, and the resident memory of the loaded engine (RSS delta);
//   - decisions/s on the mixed request file: one Decide per request on a held snapshot, through
//     the engine (which loads the current snapshot each time), and in batches (DecideMany);
//   - latency percentiles of one decision (rdtsc around each call) and per decision over batches
//     of 8 (steady_clock), as counters;
//   - ListPersons for a professional; one directory update until a reader sees it;
//   - consent facts (socle/consent.hpp) on 10 % of the persons: the mixed requests decided on
//     that engine and on today's (no facts) in alternating rounds, and for a consent-based
//     purpose, with the ratios;
//   - an engine of record: Open on a MemoryEngineRecord holding the workload's 102,000 events,
//     from a snapshot and by replaying every event, and SaveSnapshot; the write path with a
//     record (LoadWorkload_Recorded);
// beside the physical limit measured in the same run (the same requests checked by a minimal
// hand-written loop over flat arrays and team bitmasks) and the peers' figures of the workload's
// README, as ratios.
//
// Run from a release build (see README.md in this folder):
//   build/access-rel/benchmarks/access_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "harness.h"
#include "socle/access.hpp"
#include "socle/consent.hpp"
#include "socle/policy.hpp"
#include "workload.h"

namespace socle {
namespace {

using socle_bench::AccessWorkloadDir;
using socle_bench::AddPeerRatios;
using socle_bench::CountDecisions;
using socle_bench::Percentile;
using socle_bench::ReadFileOrDie;
using socle_bench::ResidentMb;
using socle_bench::ThreadCpuMicroseconds;
using socle_bench::Ticks;

using socle_bench::Check;

std::unique_ptr<AccessEngine> LoadEngine() { return socle_bench::LoadWorkloadEngine(); }

// The engine and the mixed requests, prepared once (requests prepared before timing, as for the
// peers).
struct Fixture {
  std::unique_ptr<AccessEngine> engine = LoadEngine();
  socle_bench::WorkloadRequests workload{*engine, "requests_mixed.tsv"};
  const std::vector<AccessRequest>& requests = workload.requests;
};

Fixture& Shared() {
  static Fixture* f = new Fixture();
  return *f;
}

// ----------------------------------------------------------------------------------------------

void BM_ResidentMemory(benchmark::State& state) {
  for (auto _ : state) {
    const double before = ResidentMb();
    auto engine = LoadEngine();
    const double after = ResidentMb();
    state.counters["engine_rss_mb"] = after - before;
    state.counters["target_mb"] = 64;
    benchmark::DoNotOptimize(engine.get());
  }
}
BENCHMARK(BM_ResidentMemory)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_LoadWorkload(benchmark::State& state) {
  const Policy policy = socle_bench::WorkloadPolicy();
  const std::string professionals = ReadFileOrDie(AccessWorkloadDir() + "/professionals.tsv");
  const std::string persons = ReadFileOrDie(AccessWorkloadDir() + "/persons.tsv");
  for (auto _ : state) {
    auto engine = Check(AccessEngine::Create(policy));
    benchmark::DoNotOptimize(Check(engine->LoadDirectoryTsv(professionals, persons)));
  }
  state.counters["target_ms"] = 500;
}
BENCHMARK(BM_LoadWorkload)->Unit(benchmark::kMillisecond)->MinTime(2);

// One Decide per request on a snapshot held by the caller.
void BM_DecideMixed_Snapshot(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  size_t allowed = 0;
  for (auto _ : state) {
    for (const AccessRequest& r : f.requests) {
      const absl::StatusOr<Decision> d = snapshot->Decide(r);
      allowed += d->allowed();
    }
  }
  benchmark::DoNotOptimize(allowed);
  CountDecisions(state, f.requests.size());
}
BENCHMARK(BM_DecideMixed_Snapshot)->Unit(benchmark::kMillisecond)->MinTime(2);

// One Decide per request through the engine: each call loads the current snapshot.
void BM_DecideMixed_Engine(benchmark::State& state) {
  Fixture& f = Shared();
  size_t allowed = 0;
  for (auto _ : state) {
    for (const AccessRequest& r : f.requests) allowed += f.engine->Decide(r)->allowed();
  }
  benchmark::DoNotOptimize(allowed);
  CountDecisions(state, f.requests.size());
}
BENCHMARK(BM_DecideMixed_Engine)->Unit(benchmark::kMillisecond)->MinTime(2);

// The whole file as one batch.
void BM_DecideMixed_Batch(benchmark::State& state) {
  Fixture& f = Shared();
  std::vector<Decision> out(f.requests.size());
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.engine->DecideMany(f.requests, absl::MakeSpan(out)).ok());
  }
  CountDecisions(state, f.requests.size());
}
BENCHMARK(BM_DecideMixed_Batch)->Unit(benchmark::kMillisecond)->MinTime(2);

// Latency: every request timed alone with rdtsc (the timer's own cost, measured on an empty
// interval, is subtracted), and per decision over batches of 8 with steady_clock. Throughput
// from the same run gives the peer ratios.
void BM_DecideMixed_Latency(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  const double tpu = socle_bench::TicksPerMicrosecond();
  const uint64_t overhead = socle_bench::TicksOverhead();
  std::vector<double> single, batched;
  size_t allowed = 0;
  double total_us = 0;
  size_t total = 0;
  for (auto _ : state) {
    for (const AccessRequest& r : f.requests) {
      const uint64_t a = Ticks();
      const absl::StatusOr<Decision> d = snapshot->Decide(r);
      const uint64_t b = Ticks();
      allowed += d->allowed();
      single.push_back(static_cast<double>(b - a > overhead ? b - a - overhead : 0) / tpu);
    }
    for (size_t i = 0; i + 8 <= f.requests.size(); i += 8) {
      const auto t0 = std::chrono::steady_clock::now();
      for (size_t k = i; k < i + 8; ++k) allowed += snapshot->Decide(f.requests[k])->allowed();
      const auto t1 = std::chrono::steady_clock::now();
      const double us = std::chrono::duration<double, std::micro>(t1 - t0).count();
      batched.push_back(us / 8);
      total_us += us;
      total += 8;
    }
  }
  benchmark::DoNotOptimize(allowed);
  const double p50 = Percentile(single, 0.50);
  state.counters["p50_us"] = p50;
  state.counters["p99_us"] = Percentile(single, 0.99);
  state.counters["p999_us"] = Percentile(single, 0.999);
  state.counters["batch8_p50_us"] = Percentile(batched, 0.50);
  state.counters["batch8_p99_us"] = Percentile(batched, 0.99);
  AddPeerRatios(state, total / (total_us * 1e-6), p50);
}
BENCHMARK(BM_DecideMixed_Latency)->Iterations(20)->Unit(benchmark::kMillisecond);

// The physical limit: the workload's rule (shared team, role × action × category, masked unless
// author) checked by a minimal loop over flat arrays, team bitmasks (50 teams fit in 64 bits) and
// a habilitation bitset, on the same requests.
void BM_DecideMixed_RawLoop(benchmark::State& state) {
  Fixture& f = Shared();
  const Policy& policy = f.engine->policy();
  // Flat arrays built from the workload files.
  std::vector<uint64_t> professional_teams, person_teams;
  std::vector<uint8_t> professional_role;
  auto team_bit = [&](absl::string_view team) {
    return uint64_t{1} << (std::stoi(std::string(team.substr(1))) & 63);
  };
  const std::string professionals = ReadFileOrDie(AccessWorkloadDir() + "/professionals.tsv");
  for (absl::string_view l : absl::StrSplit(professionals, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> c = absl::StrSplit(l, '\t');
    const uint32_t id = *f.engine->FindProfessional(c[0]);
    if (professional_teams.size() <= id) {
      professional_teams.resize(id + 1);
      professional_role.resize(id + 1);
    }
    for (absl::string_view t : absl::StrSplit(c[2], ',')) professional_teams[id] |= team_bit(t);
    professional_role[id] = static_cast<uint8_t>(*policy.FindRole(c[1]));
  }
  const std::string persons = ReadFileOrDie(AccessWorkloadDir() + "/persons.tsv");
  for (absl::string_view l : absl::StrSplit(persons, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> c = absl::StrSplit(l, '\t');
    const uint32_t id = *f.engine->FindPerson(c[0]);
    if (person_teams.size() <= id) person_teams.resize(id + 1);
    for (absl::string_view t : absl::StrSplit(c[1], ',')) person_teams[id] |= team_bit(t);
  }
  // role × action → category bits
  uint8_t matrix[16][kActionCount] = {};
  for (uint32_t role = 0; role < policy.role_count(); ++role) {
    for (int a = 1; a < kActionCount; ++a) {
      for (uint32_t c = 0; c < policy.data_category_count(); ++c) {
        if (policy.Allows(role, static_cast<Action>(a), c)) matrix[role][a] |= 1u << c;
      }
    }
  }
  size_t allowed = 0;
  for (auto _ : state) {
    for (const AccessRequest& r : f.requests) {
      const bool team = (professional_teams[r.actor] & person_teams[r.person]) != 0;
      const bool role =
          (matrix[professional_role[r.actor]][static_cast<int>(r.action)] >> r.category) & 1u;
      const bool visible = !r.masked || r.author == r.actor;
      allowed += team && role && visible;
    }
  }
  benchmark::DoNotOptimize(allowed);
  CountDecisions(state, f.requests.size());
}
BENCHMARK(BM_DecideMixed_RawLoop)->Unit(benchmark::kMillisecond)->MinTime(2);

// ListPersons for professionals across all roles (one call per professional; latency counters).
void BM_ListPersons(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  const uint32_t purpose = *f.engine->FindPurpose("accompagnement");
  const uint32_t administrative = *f.engine->FindCategory("administrative");
  std::vector<double> us, cpu_us;
  size_t listed = 0;
  for (auto _ : state) {
    for (int p = 0; p < 2000; p += 7) {
      const uint32_t actor = *f.engine->FindProfessional("p" + std::to_string(p));
      const double c0 = ThreadCpuMicroseconds();
      const auto t0 = std::chrono::steady_clock::now();
      auto persons = snapshot->ListPersons(actor, administrative, purpose);
      const auto t1 = std::chrono::steady_clock::now();
      cpu_us.push_back(ThreadCpuMicroseconds() - c0);
      listed += persons->size();
      us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    }
  }
  state.counters["persons_per_call"] = static_cast<double>(listed) / us.size();
  state.counters["p50_us"] = Percentile(us, 0.5);
  state.counters["p99_us"] = Percentile(us, 0.99);
  state.counters["max_us"] = *std::max_element(us.begin(), us.end());
  state.counters["cpu_p99_us"] = Percentile(cpu_us, 0.99);
  state.counters["cpu_max_us"] = *std::max_element(cpu_us.begin(), cpu_us.end());
  state.counters["target_us"] = 1000;
}
BENCHMARK(BM_ListPersons)->Iterations(5)->Unit(benchmark::kMillisecond);

// One directory update (a person assigned to or unassigned from a team) until a reader holding
// a fresh snapshot decides with it: the write, the publication, the reader's snapshot load and
// the decision that shows the change.
void BM_UpdateVisibleToReaders(benchmark::State& state) {
  Fixture& f = Shared();
  AccessRequest r;
  r.actor = *f.engine->FindProfessional("p0");  // a social worker of t0
  r.category = *f.engine->FindCategory("social");
  r.purpose = *f.engine->FindPurpose("accompagnement");
  // The first person who is not in t0.
  std::string person;
  for (int i = 0;; ++i) {
    r.person = *f.engine->FindPerson("x" + std::to_string(i));
    if (!f.engine->Decide(r)->allowed()) {
      person = "x" + std::to_string(i);
      break;
    }
  }
  std::vector<double> us, cpu_us;
  bool in = false;
  for (auto _ : state) {
    const double c0 = ThreadCpuMicroseconds();
    const auto t0 = std::chrono::steady_clock::now();
    Check(in ? f.engine->Unassign(person, "t0") : f.engine->Assign(person, "t0"));
    in = !in;
    const bool seen = f.engine->snapshot()->Decide(r)->allowed();
    const auto t1 = std::chrono::steady_clock::now();
    if (seen != in) std::abort();
    cpu_us.push_back(ThreadCpuMicroseconds() - c0);
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  if (in) Check(f.engine->Unassign(person, "t0"));
  state.counters["p50_us"] = Percentile(us, 0.5);
  state.counters["p99_us"] = Percentile(us, 0.99);
  state.counters["max_us"] = *std::max_element(us.begin(), us.end());
  state.counters["cpu_p99_us"] = Percentile(cpu_us, 0.99);
  state.counters["target_us"] = 1000;
}
BENCHMARK(BM_UpdateVisibleToReaders)->Iterations(2000)->Unit(benchmark::kMicrosecond);

// ----------------------------------------------------------------------------------------------
// Consent facts (socle/consent.hpp)

// The workload policy with a consent-based activity (art. 6(1)(a), and 9(2)(a) for health data)
// that declares the four categories.
Policy ConsentPolicy() {
  std::string text = ReadFileOrDie(socle_bench::AccessWorkloadPolicyPath());
  text += R"pb(
activities {
  id: "atelier"
  name: "Ateliers collectifs"
  purpose: "Ateliers proposés aux personnes qui le souhaitent"
  purpose_kind: SOCIAL_SUPPORT
  legal_basis: CONSENT
  special_category_conditions: EXPLICIT_CONSENT
  data_categories: ["administrative", "social", "financial", "health"]
  person_categories: ["personne_accompagnee"]
  recipients { name: "Animateurs" kind: INTERNAL }
  retention { data_category: "administrative" start: LAST_CONTACT_FROM_PERSON active_months: 12 end_action: DELETE source: "CNIL" }
  retention { data_category: "social" start: LAST_CONTACT_FROM_PERSON active_months: 12 end_action: DELETE source: "CNIL" }
  retention { data_category: "financial" start: LAST_CONTACT_FROM_PERSON active_months: 12 end_action: DELETE source: "CNIL" }
  retention { data_category: "health" start: LAST_CONTACT_FROM_PERSON active_months: 12 end_action: DELETE source: "CNIL" }
  security_measures: "Accès limité"
  dpia_reference: "AIPD-ATELIERS"
}
)pb";
  return Check(Policy::Load(text));
}

// The workload under ConsentPolicy with consent facts on 10 % of the persons (every tenth): a
// consent to "atelier" each, and for one in five of them an objection to "accompagnement"
// (half still pending, half decided for compelling legitimate grounds, so the processing
// resumes); the mixed requests for "accompagnement" and the same for "atelier".
struct ConsentFixture {
  std::unique_ptr<AccessEngine> engine;
  size_t persons_with_facts = 0;
  size_t objections = 0;
  std::unique_ptr<socle_bench::WorkloadRequests> workload;
  std::vector<AccessRequest> consent_purpose;

  ConsentFixture() {
    engine = Check(AccessEngine::Create(ConsentPolicy()));
    Check(engine->LoadDirectoryTsvFiles(AccessWorkloadDir() + "/professionals.tsv",
                                        AccessWorkloadDir() + "/persons.tsv"));
    for (int i = 0; i < 100000; i += 10) {
      const std::string person = "x" + std::to_string(i);
      ConsentSpec spec;
      spec.person = person;
      spec.purpose = "atelier";
      spec.given_by = {person};
      spec.information_version = "v1";
      spec.information_sha256 = std::string(32, 'h');
      spec.channel = ConsentChannel::kPaper;
      spec.recorded_by = "p0";
      Check(GiveConsent(*engine, spec));
      ++persons_with_facts;
      if (i % 50 == 0) {
        Check(RecordObjection(*engine, {person, ObjectionKind::kProcessing, "accompagnement",
                                        person, "", "p0"}));
        if (i % 100 == 0) {
          Check(DecideObjection(*engine, person, "accompagnement",
                                ObjectionOutcome::kCompellingLegitimateGrounds, "motif", "p0"));
        }
        ++objections;
      }
    }
    workload = std::make_unique<socle_bench::WorkloadRequests>(*engine, "requests_mixed.tsv");
    consent_purpose = workload->requests;
    const uint32_t atelier = *engine->FindPurpose("atelier");
    for (AccessRequest& r : consent_purpose) r.purpose = atelier;
  }
};

ConsentFixture& SharedConsent() {
  static ConsentFixture* f = new ConsentFixture();
  return *f;
}

// Today's engine and the engine with consent facts on the same requests, in rounds that
// alternate (the machine is shared: a slow patch hits both alike), and the consent engine on the
// same requests for the consent-based purpose. Counters: decisions per thread-CPU second of each
// (wall time on the shared machine mostly measures the other processes) and the ratios.
void BM_DecideMixed_ConsentFacts(benchmark::State& state) {
  Fixture& today = Shared();
  ConsentFixture& f = SharedConsent();
  const auto base = today.engine->snapshot();
  const auto facts = f.engine->snapshot();
  double base_s = 0, facts_s = 0, consent_s = 0;
  size_t rounds = 0, allowed_base = 0, allowed_facts = 0, allowed_consent = 0;
  auto time_loop = [](const AccessSnapshot& snapshot, const std::vector<AccessRequest>& requests,
                      size_t* allowed) {
    const double c0 = ThreadCpuMicroseconds();
    for (const AccessRequest& r : requests) *allowed += snapshot.Decide(r)->allowed();
    return (ThreadCpuMicroseconds() - c0) * 1e-6;
  };
  for (auto _ : state) {
    // Each loop evicts some of the others' data: the order turns every round, so none always
    // runs first.
    for (size_t k = 0; k < 3; ++k) {
      switch ((rounds + k) % 3) {
        case 0:
          base_s += time_loop(*base, today.requests, &allowed_base);
          break;
        case 1:
          facts_s += time_loop(*facts, f.workload->requests, &allowed_facts);
          break;
        default:
          consent_s += time_loop(*facts, f.consent_purpose, &allowed_consent);
          break;
      }
    }
    ++rounds;
  }
  const double n = static_cast<double>(today.requests.size() * rounds);
  state.counters["today_dps"] = n / base_s;
  state.counters["facts_dps"] = n / facts_s;
  state.counters["consent_purpose_dps"] = n / consent_s;
  state.counters["facts_ratio"] = base_s / facts_s;
  state.counters["consent_purpose_ratio"] = base_s / consent_s;
  state.counters["target_ratio"] = 0.9;
  state.counters["persons_with_facts"] = static_cast<double>(f.persons_with_facts);
  state.counters["objections"] = static_cast<double>(f.objections);
  state.counters["allowed_today"] = static_cast<double>(allowed_base / rounds);
  state.counters["allowed_facts"] = static_cast<double>(allowed_facts / rounds);
  state.counters["allowed_consent"] = static_cast<double>(allowed_consent / rounds);
}
BENCHMARK(BM_DecideMixed_ConsentFacts)->Iterations(300)->Unit(benchmark::kMillisecond);

// ----------------------------------------------------------------------------------------------
// Engine of record

// A record holding the workload (102,000 events), with a snapshot of its state when asked.
std::shared_ptr<MemoryEngineRecord> RecordedWorkload(const Policy& policy, bool snapshot) {
  auto record = std::make_shared<MemoryEngineRecord>();
  auto engine = Check(AccessEngine::Open(policy, record));
  Check(engine->LoadDirectoryTsvFiles(AccessWorkloadDir() + "/professionals.tsv",
                                      AccessWorkloadDir() + "/persons.tsv"));
  if (snapshot) {
    const absl::Status saved = engine->SaveSnapshot();
    if (!saved.ok()) {
      fprintf(stderr, "%s\n", std::string(saved.message()).c_str());
      std::abort();
    }
  }
  return record;
}

// Open from the newest snapshot (no event after it): decode the state, rebuild the indexes.
void BM_OpenRecord_Snapshot(benchmark::State& state) {
  const Policy policy = socle_bench::WorkloadPolicy();
  const auto record = RecordedWorkload(policy, true);
  for (auto _ : state) {
    auto engine = Check(AccessEngine::Open(policy, record));
    if (engine->revision() != 102000u) std::abort();
  }
  state.counters["snapshot_mb"] =
      static_cast<double>(Check(record->LatestSnapshot())->size()) / (1 << 20);
  state.counters["target_ms"] = 1000;
}
BENCHMARK(BM_OpenRecord_Snapshot)->Unit(benchmark::kMillisecond)->MinTime(2);

// Open by replaying all 102,000 events (no snapshot).
void BM_OpenRecord_Replay(benchmark::State& state) {
  const Policy policy = socle_bench::WorkloadPolicy();
  const auto record = RecordedWorkload(policy, false);
  for (auto _ : state) {
    auto engine = Check(AccessEngine::Open(policy, record));
    if (engine->revision() != 102000u) std::abort();
  }
}
BENCHMARK(BM_OpenRecord_Replay)->Unit(benchmark::kMillisecond)->MinTime(2);

void BM_SaveSnapshot(benchmark::State& state) {
  const Policy policy = socle_bench::WorkloadPolicy();
  const auto record = RecordedWorkload(policy, false);
  auto engine = Check(AccessEngine::Open(policy, record));
  for (auto _ : state) {
    if (!engine->SaveSnapshot().ok()) std::abort();
  }
}
BENCHMARK(BM_SaveSnapshot)->Unit(benchmark::kMillisecond)->MinTime(2);

// BM_LoadWorkload with a record: each event serialized and appended before publication.
void BM_LoadWorkload_Recorded(benchmark::State& state) {
  const Policy policy = socle_bench::WorkloadPolicy();
  const std::string professionals = ReadFileOrDie(AccessWorkloadDir() + "/professionals.tsv");
  const std::string persons = ReadFileOrDie(AccessWorkloadDir() + "/persons.tsv");
  for (auto _ : state) {
    auto engine = Check(AccessEngine::Open(policy, std::make_shared<MemoryEngineRecord>()));
    benchmark::DoNotOptimize(Check(engine->LoadDirectoryTsv(professionals, persons)));
  }
}
BENCHMARK(BM_LoadWorkload_Recorded)->Unit(benchmark::kMillisecond)->MinTime(2);

}  // namespace
}  // namespace socle

BENCHMARK_MAIN();
