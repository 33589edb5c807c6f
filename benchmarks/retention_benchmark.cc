// Retention phases (socle/retention.hpp, REQ-32): the phase of every data category of one person,
// under the département example policy (examples/policies/departement.textproto: ten categories,
// up to five rules each: last contact, end of right, end of follow-up with the age stop, case
// closure, creation), for 100,000 synthetic persons with a birth date, contacts, an APA right
// (in course or ended) and a follow-up (in course or ended). The target is 1 µs per person.
// Measured:
//   - BM_PhasePerPerson: RetentionInputOf + CategoryRetention for every category of one person,
//     the work AccessSnapshot::Retention and the sweep do (no allocation);
//   - BM_PhaseOneCategory: one category, what a decision on a person with facts adds;
//   - BM_RawDayFields, in the same run: a loop that reads the same persons' day fields and sums
//     them, the memory floor of any phase computation over these records.
//
// Run from a release build (see README.md in this folder):
//   build/access-rel/benchmarks/retention_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "access/retention.h"
#include "access/state.h"
#include "core/calendar.h"
#include "harness.h"
#include "policy/compiled_policy.h"
#include "socle/policy.hpp"
#include "workload.h"

namespace socle {
namespace {

using access_internal::PersonRecord;
using access_internal::PersonState;
using access_internal::RetentionEnd;
using access_internal::RetentionEndKind;
using socle_bench::Check;

constexpr size_t kPersons = 100000;

struct Fixture {
  explicit Fixture(Policy p) : policy(std::move(p)) {}
  Policy policy;
  const policy_internal::CompiledPolicy* c = nullptr;
  std::vector<PersonRecord> persons;
  uint32_t apa = 0;
  uint32_t prevention = 0;
  int32_t today = 0;
};

Fixture& Get() {
  static Fixture* f = [] {
    auto* f = new Fixture(
        Check(Policy::LoadFile(socle_bench::ExamplesDir() + "/policies/departement.textproto")));
    f->c = &policy_internal::Compiled(f->policy);
    f->apa = *f->c->activities.Find("apa_ash");
    f->prevention = *f->c->activities.Find("prevention_specialisee");
    f->today = core::DayNumber(absl::CivilDay(2026, 12, 5));
    std::mt19937 rng(42);
    std::uniform_int_distribution<int32_t> back(0, 365 * 8);
    f->persons.resize(kPersons);
    for (size_t i = 0; i < kPersons; ++i) {
      PersonRecord& p = f->persons[i];
      p.known = true;
      p.birth_days = f->today - 365 * 10 - back(rng) * 4;
      if (i % 3 == 0) p.teams.push_back(1);
      auto st = std::make_shared<PersonState>();
      st->retention.last_contact_from_person = f->today - back(rng);
      st->retention.last_contact_other = f->today - back(rng) / 2;
      st->retention.first_contact = f->today - 365 * 9;
      st->retention.contacts = 12;
      if (i % 3 != 0) st->retention.case_closed = f->today - back(rng);
      st->retention.ends.push_back(
          RetentionEnd{f->apa, RetentionEndKind::kRight,
                       i % 2 == 0 ? access_internal::kUnknownDate : f->today - back(rng)});
      st->retention.ends.push_back(
          RetentionEnd{f->prevention, RetentionEndKind::kFollowUp,
                       i % 4 == 0 ? access_internal::kUnknownDate : f->today - back(rng)});
      std::sort(
          st->retention.ends.begin(), st->retention.ends.end(),
          [](const RetentionEnd& a, const RetentionEnd& b) { return a.activity < b.activity; });
      p.state = std::move(st);
      p.facts = access_internal::FactsOf(p.state.get());
    }
    return f;
  }();
  return *f;
}

void BM_PhasePerPerson(benchmark::State& state) {
  Fixture& f = Get();
  const uint32_t categories = static_cast<uint32_t>(f.c->data_categories.size());
  size_t i = 0;
  int64_t archived = 0;
  for (auto _ : state) {
    const PersonRecord& p = f.persons[i];
    const access_internal::RetentionInput in = access_internal::RetentionInputOf(p, f.today);
    for (uint32_t c = 0; c < categories; ++c) {
      const RetentionStatus s = access_internal::CategoryRetention(*f.c, in, c, f.today);
      archived += s.phase != RetentionPhase::kActive;
      benchmark::DoNotOptimize(s);
    }
    if (++i == f.persons.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["categories"] = categories;
  state.counters["past_active_share"] =
      static_cast<double>(archived) / static_cast<double>(state.iterations() * categories);
  state.counters["ns_per_person"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_PhasePerPerson);

void BM_PhaseOneCategory(benchmark::State& state) {
  Fixture& f = Get();
  const uint32_t category = *f.c->data_categories.Find("social");
  size_t i = 0;
  for (auto _ : state) {
    const PersonRecord& p = f.persons[i];
    const RetentionStatus s = access_internal::CategoryRetention(
        *f.c, access_internal::RetentionInputOf(p, f.today), category, f.today);
    benchmark::DoNotOptimize(s);
    if (++i == f.persons.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhaseOneCategory);

// The floor: the same records' day fields read and summed, no calendar work.
void BM_RawDayFields(benchmark::State& state) {
  Fixture& f = Get();
  size_t i = 0;
  int64_t sum = 0;
  for (auto _ : state) {
    const PersonRecord& p = f.persons[i];
    const access_internal::RetentionFacts& r = p.state->retention;
    sum += p.birth_days + r.last_contact_from_person + r.first_contact + r.case_closed +
           static_cast<int64_t>(p.teams.size());
    for (const RetentionEnd& e : r.ends) sum += e.end_day;
    benchmark::DoNotOptimize(sum);
    if (++i == f.persons.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawDayFields);

}  // namespace
}  // namespace socle

BENCHMARK_MAIN();
