// The person summary (socle/person_summary.hpp, REQ-55) of a person with 1,000 events, on the
// workload-sized engine (the access workload's directory, tests/access/workload), single thread.
// x0 (teams t15 and t49: 40-odd professionals reach the file) carries:
//   200 consent events (100 grants of a consent-based activity, each withdrawn), 300 sharing
//   events (150 prior-information records and their 150 shares), 200 mandate events (20
//   mandates, each used 8 times, then revoked), 100 masks, 50 blocks, 100 objection events (50
//   recorded then withdrawn), 50 urgency exceptions (open follow-ups).
// Measured:
//   - SummarisePerson (the struct): the target is 1 ms;
//   - SummarisePerson then PersonSummaryJson, what the C ABI and the bindings return; and the
//     JSON and binary encodings of a ready summary on their own;
//   - beside them, in the same run, the raw limit: a deep copy of x0's state (every vector and
//     string the summary reads, without resolving a single id), and ListAccessHolders alone.
//
// Run from a release build (see README.md in this folder):
//   build/access-rel/benchmarks/person_summary_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/state.h"
#include "socle/access.hpp"
#include "socle/consent.hpp"
#include "socle/mandate.hpp"
#include "socle/person_summary.hpp"
#include "socle/policy.hpp"
#include "socle/sharing.hpp"
#include "workload.h"

namespace socle {
namespace {

using socle_bench::Check;

constexpr const char* kExtraPolicy = R"pb(
  sharing_rules {
    id: "crip"
    basis: CASF_L226_2_1
    data_categories: [ "administrative", "social" ]
    recipient_roles: [ "social_worker" ]
  }
  mandates {
    procedures { id: "papers" label: "Papiers" }
    habilitated_structures: [ "France Services" ]
    roles: [ "social_worker" ]
  }
)pb";

struct Fixture {
  std::unique_ptr<AccessEngine> engine;
  uint64_t events = 0;  // recorded for x0

  Fixture() {
    const std::string text = socle_bench::ReadFileOrDie(socle_bench::AccessWorkloadPolicyPath()) +
                             socle_bench::ReadFileOrDie(socle_bench::AccessWorkloadDir() +
                                                        "/../consent_activity.textproto") +
                             kExtraPolicy;
    engine = Check(AccessEngine::Create(Check(Policy::Load(text))));
    Check(engine->LoadDirectoryTsvFiles(socle_bench::AccessWorkloadDir() + "/professionals.tsv",
                                        socle_bench::AccessWorkloadDir() + "/persons.tsv"));
    ProfessionalEntry aidant;
    aidant.id = "p600";
    aidant.role = "social_worker";
    aidant.teams = {"t15"};
    aidant.structure = "France Services";
    Check(engine->UpsertProfessional(aidant));
    const uint64_t first = engine->revision();

    for (int k = 0; k < 100; ++k) {  // 200
      ConsentSpec consent;
      consent.person = "x0";
      consent.purpose = "atelier";
      consent.given_by = {"x0"};
      consent.information_version = absl::StrCat("notice-v", k);
      consent.information_sha256 = std::string(32, static_cast<char>(k));
      consent.channel = ConsentChannel::kPaper;
      consent.evidence_reference = absl::StrCat("form-", k);
      consent.recorded_by = "p600";
      Check(GiveConsent(*engine, consent));
      Check(WithdrawConsent(*engine, "x0", "atelier", ConsentScope::kProcessing, "x0",
                            ConsentChannel::kPaper, "p600"));
    }
    for (int k = 0; k < 150; ++k) {  // 300
      const std::string share = absl::StrCat("share-", k);
      InformationSpec info;
      info.person = "x0";
      info.share = share;
      info.recipient = "p601";
      info.categories = {"social"};
      info.recorded_by = "p600";
      Check(RecordPersonInformed(*engine, info));
      SharingRequest r;
      r.basis = SharingBasis::kCasfL226_2_1;
      r.emitter = "p600";
      r.recipient = "p601";
      r.person = "x0";
      r.purpose = "accompagnement";
      r.items = {{absl::StrCat("item-", k), "social", ""}};
      r.share = share;
      r.involvement = PersonInvolvementKind::kPresent;
      const SharingOutcome done = Check(Share(*engine, r));
      if (!done.granted) {
        std::fprintf(stderr, "setup share refused: %s\n", done.sentence.c_str());
        std::abort();
      }
    }
    const MandateInvolvement present{MandateInvolvement::Kind::kPresent, ""};
    for (int k = 0; k < 20; ++k) {  // 200
      MandateSpec m;
      m.mandate = absl::StrCat("mandate-", k);
      m.person = "x0";
      m.structure = "France Services";
      m.procedures = {"papers"};
      m.duration_days = 31;
      m.template_version = "mandat-2026-01";
      m.aidant = "p600";
      m.involvement = present;
      Check(CreateMandate(*engine, m));
      for (int u = 0; u < 8; ++u) Check(UseMandate(*engine, m.mandate, "papers", "p600", present));
      Check(RevokeMandate(*engine, m.mandate, {}, /*by_person=*/true, "p600"));
    }
    for (int k = 0; k < 100; ++k) {  // 100
      MaskSpec mask;
      mask.person = "x0";
      mask.item = absl::StrCat("note-", k);
      Check(engine->SetMask(mask));
    }
    for (int k = 0; k < 50; ++k) {  // 50: 12 of x0's team t15, 38 elsewhere
      Check(engine->Block("x0", absl::StrCat("p", k < 12 ? 610 + k : 700 + k)));
    }
    for (int k = 0; k < 50; ++k) {  // 100
      ObjectionSpec objection;
      objection.person = "x0";
      objection.purpose = "accompagnement";
      objection.objected_by = "x0";
      objection.recorded_by = "p600";
      Check(RecordObjection(*engine, objection));
      Check(WithdrawObjection(*engine, "x0", ObjectionKind::kProcessing, "accompagnement", "p600"));
    }
    for (int k = 0; k < 50; ++k) {  // 50
      InformationExceptionSpec urgency;
      urgency.person = "x0";
      urgency.share = absl::StrCat("late-", k);
      urgency.kind = InformationExceptionKind::kUrgency;
      urgency.justification = "Mise à l'abri en urgence";
      urgency.recorded_by = "p600";
      Check(RecordInformationException(*engine, urgency));
    }
    events = engine->revision() - first;
  }
};

Fixture& Shared() {
  static Fixture* f = new Fixture();
  return *f;
}

void Counters(benchmark::State& state, const PersonSummary& s) {
  state.counters["events"] = static_cast<double>(Shared().events);
  state.counters["holders"] = static_cast<double>(s.access.size());
}

void BM_PersonSummary(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  PersonSummary last;
  for (auto _ : state) {
    auto summary = SummarisePerson(*snapshot, "x0");
    if (!summary.ok()) {
      state.SkipWithError("the summary failed");
      break;
    }
    last = *std::move(summary);
    benchmark::DoNotOptimize(last);
  }
  Counters(state, last);
  state.counters["target_us"] = 1000;
}
BENCHMARK(BM_PersonSummary)->Unit(benchmark::kMicrosecond)->MinTime(1);

void BM_PersonSummary_Json(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  size_t bytes = 0;
  for (auto _ : state) {
    auto summary = SummarisePerson(*snapshot, "x0");
    auto json = summary.ok() ? PersonSummaryJson(*summary) : summary.status();
    if (!json.ok()) {
      state.SkipWithError("the summary failed");
      break;
    }
    bytes = json->size();
    benchmark::DoNotOptimize(json);
  }
  state.counters["json_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_PersonSummary_Json)->Unit(benchmark::kMicrosecond)->MinTime(1);

// The encodings of a ready summary, on their own.
void BM_Encode_Json(benchmark::State& state) {
  const PersonSummary s = Check(SummarisePerson(*Shared().engine->snapshot(), "x0"));
  for (auto _ : state) {
    auto json = PersonSummaryJson(s);
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_Encode_Json)->Unit(benchmark::kMicrosecond)->MinTime(1);

void BM_Encode_Binary(benchmark::State& state) {
  const PersonSummary s = Check(SummarisePerson(*Shared().engine->snapshot(), "x0"));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string binary = SerializePersonSummary(s);
    bytes = binary.size();
    benchmark::DoNotOptimize(binary);
  }
  state.counters["binary_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Encode_Binary)->Unit(benchmark::kMicrosecond)->MinTime(1);

// The raw limit: a deep copy of x0's state as the engine holds it (every vector and string the
// summary reads, ids left dense), and the access list alone.
void BM_Raw_CopyPersonState(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  const access_internal::SnapshotData& s = access_internal::Data(*snapshot);
  const access_internal::PersonState& st = *s.person(*f.engine->FindPerson("x0"))->state;
  for (auto _ : state) {
    access_internal::PersonState copy = st;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_Raw_CopyPersonState)->Unit(benchmark::kMicrosecond)->MinTime(1);

void BM_Raw_ListAccessHolders(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  const uint32_t x0 = *f.engine->FindPerson("x0");
  for (auto _ : state) {
    auto holders = snapshot->ListAccessHolders(x0);
    benchmark::DoNotOptimize(holders);
  }
}
BENCHMARK(BM_Raw_ListAccessHolders)->Unit(benchmark::kMicrosecond)->MinTime(1);

}  // namespace
}  // namespace socle

BENCHMARK_MAIN();
