// Sharing decisions (socle/sharing.hpp) on the workload-sized engine: the access workload's
// directory (tests/access/workload) under its policy with a sharing rule per basis, single
// thread:
//   - CheckShare of 5 items under CSP L.1110-4 II, granted: every line of the checklist runs
//     (secrecy, same case, purpose, rules and habilitations per item, prior information among
//     the person's other records, objection, onward disclosure over the person's history of
//     shares); the target is 20 µs;
//   - CheckShare refused at the first line that can fail late (no prior information);
//   - a plain Decide on a held snapshot for the same emitter and person, and a Decide by a
//     recipient through an item-level grant, beside it in the same run (the decision path's raw
//     figures: what a share check costs in decisions).
// One person in ten carries information records and shares, as the consent facts of issue 11.
//
// Run from a release build (see README.md in this folder):
//   build/access-rel/benchmarks/sharing_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "socle/access.hpp"
#include "socle/policy.hpp"
#include "socle/sharing.hpp"
#include "workload.h"

namespace socle {
namespace {

using socle_bench::Check;

constexpr const char* kSharingRules = R"pb(
sharing_rules { id: "exchange" basis: CSP_L1110_4_II
                data_categories: ["administrative", "social", "financial"]
                recipient_roles: ["social_worker", "manager"] }
sharing_rules { id: "crip" basis: CASF_L226_2_1
                data_categories: ["administrative", "social"] recipient_roles: ["social_worker"] }
)pb";

SharedItem Item(std::string id, std::string category) {
  SharedItem item;
  item.item = std::move(id);
  item.category = std::move(category);
  return item;
}

// p600 and p601 are social workers of t15; x0 is in t15. Five items of the categories the rule
// names.
struct Fixture {
  std::unique_ptr<AccessEngine> engine;
  SharingRequest request;
  AccessRequest plain;
  AccessRequest granted_read;

  Fixture() {
    const std::string text =
        socle_bench::ReadFileOrDie(socle_bench::AccessWorkloadPolicyPath()) + kSharingRules;
    engine = Check(AccessEngine::Create(Check(Policy::Load(text))));
    Check(engine->LoadDirectoryTsvFiles(socle_bench::AccessWorkloadDir() + "/professionals.tsv",
                                        socle_bench::AccessWorkloadDir() + "/persons.tsv"));
    // Facts on one person in ten: told of a share, which was made; x0 has ten of each.
    for (int i = 0; i < 100000; i += 10) {
      const std::string person = absl::StrCat("x", i);
      const int records = i == 0 ? 10 : 1;
      for (int k = 0; k < records; ++k) {
        const std::string share = absl::StrCat("old-", k);
        InformationSpec info;
        info.person = person;
        info.share = share;
        info.recipient = "p601";
        info.categories = {"social"};
        info.recorded_by = "p600";
        if (!RecordPersonInformed(*engine, info).ok()) break;  // a person absent from the file
        SharingRequest old;
        old.basis = SharingBasis::kCasfL226_2_1;
        old.emitter = "p600";
        old.recipient = "p601";
        old.person = person;
        old.purpose = "accompagnement";
        old.items = {Item(absl::StrCat("old-item-", k), "social")};
        old.share = share;
        old.involvement = PersonInvolvementKind::kPresent;
        Check(Share(*engine, old));
      }
    }
    request.basis = SharingBasis::kCspL1110_4_II;
    request.emitter = "p600";
    request.recipient = "p601";
    request.person = "x0";
    request.purpose = "accompagnement";
    request.items = {Item("i1", "social"), Item("i2", "social"), Item("i3", "administrative"),
                     Item("i4", "financial"), Item("i5", "social")};
    request.share = "bench";
    request.involvement = PersonInvolvementKind::kPresent;
    InformationSpec info;
    info.person = "x0";
    info.share = "bench";
    info.recipient = "p601";
    info.categories = {"social", "administrative", "financial"};
    info.recorded_by = "p600";
    Check(RecordPersonInformed(*engine, info));

    plain.actor = *engine->FindProfessional("p600");
    plain.person = *engine->FindPerson("x0");
    plain.category = *engine->FindCategory("social");
    plain.purpose = *engine->FindPurpose("accompagnement");
    plain.item = "i1";
    // A professional outside x0's teams who received old-item-0 (p601 is in t15 with x0: take a
    // share to a professional of another team).
    SharingRequest crip = request;
    crip.basis = SharingBasis::kCasfL226_2_1;
    crip.recipient = "p0";  // t0, not one of x0's teams
    crip.share = "to-p0";
    crip.items = {Item("i1", "social")};
    info.share = "to-p0";
    info.recipient = "p0";
    Check(RecordPersonInformed(*engine, info));
    const SharingOutcome done = Check(Share(*engine, crip));
    if (!done.granted) {
      std::fprintf(stderr, "setup share refused: %s\n", done.sentence.c_str());
      std::abort();
    }
    granted_read = plain;
    granted_read.actor = *engine->FindProfessional("p0");
  }
};

Fixture& Shared() {
  static Fixture* f = new Fixture();
  return *f;
}

void BM_CheckShare_5Items(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  bool granted = true;
  for (auto _ : state) {
    auto outcome = CheckShare(*snapshot, f.request);
    granted = granted && outcome.ok() && outcome->granted;
    benchmark::DoNotOptimize(outcome);
  }
  if (!granted) state.SkipWithError("the share was refused");
  state.counters["target_us"] = 20;
}
BENCHMARK(BM_CheckShare_5Items)->Unit(benchmark::kMicrosecond)->MinTime(1);

void BM_CheckShare_5Items_Refused(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  SharingRequest r = f.request;
  r.share = "never-informed";
  for (auto _ : state) {
    auto outcome = CheckShare(*snapshot, r);
    benchmark::DoNotOptimize(outcome);
  }
}
BENCHMARK(BM_CheckShare_5Items_Refused)->Unit(benchmark::kMicrosecond)->MinTime(1);

// The raw figure beside it: one plain decision for the same emitter and person.
void BM_Decide_Plain(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  for (auto _ : state) {
    auto d = snapshot->Decide(f.plain);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_Decide_Plain)->Unit(benchmark::kMicrosecond)->MinTime(1);

// A recipient reads a shared item through the item-level grant.
void BM_Decide_ThroughShare(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  bool allowed = true;
  for (auto _ : state) {
    auto d = snapshot->Decide(f.granted_read);
    allowed = allowed && d.ok() && d->allowed();
    benchmark::DoNotOptimize(d);
  }
  if (!allowed) state.SkipWithError("the shared item was denied");
}
BENCHMARK(BM_Decide_ThroughShare)->Unit(benchmark::kMicrosecond)->MinTime(1);

}  // namespace
}  // namespace socle

BENCHMARK_MAIN();
