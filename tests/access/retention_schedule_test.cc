// The retention schedule (access/state.h, RetentionSchedule): what a decision reads of a person's
// retention phase. It is derived from the person's facts at the end of each batch and on loading
// a snapshot; here it is compared with the full computation (CategoryRetention, the function
// AccessSnapshot::Retention answers with) on every day of 1990 to 2079, for randomised persons
// (a fixed seed): contacts, rights and follow-ups ended or in course, deaths, cases closed,
// mandates expiring or revoked, birth days under an age stop, several rules per category. Then
// the same after reopening from a snapshot and after a replay of the events alone, and the
// decisions (archived or not) equal the full computation's.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "access/retention.h"
#include "access/state.h"
#include "core/calendar.h"
#include "socle/access.hpp"
#include "socle/mandate.hpp"
#include "socle/retention.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

using absl::CivilDay;

// The workload policy with several rules on each category: the last contact (2 years), the end
// of a right (6 years, then anonymised), a follow-up (3 years of archive, never past the 25th
// birthday), the case's closure (1 year then 2 of archive), the creation (10 years, never past the
// 90th birthday), the end of the last mandate (6 years); an archivist.
std::string SchedulePolicy() {
  return PolicyVariant({}, R"(
activities {
  id: "apa" name: "APA" purpose: "Instruire et verser l'APA" purpose_kind: BENEFITS
  legal_basis: PUBLIC_TASK legal_basis_reference: "CASF L.232-1" public_task: true
  data_categories: ["financial", "social"] person_categories: ["personne_accompagnee"]
  recipients { name: "Service APA" kind: INTERNAL }
  retention { data_category: "financial" start: END_OF_RIGHT active_months: 72 end_action: ANONYMISE source: "CASF R.232-46" }
  retention { data_category: "social" start: END_OF_RIGHT active_months: 12 intermediate_months: 24 end_action: DELETE source: "test" }
  security_measures: "Accès limité"
}
activities {
  id: "prevention" name: "Prévention" purpose: "Suivre le programme de prévention" purpose_kind: PREVENTION
  legal_basis: PUBLIC_TASK legal_basis_reference: "CASF L.121-2" public_task: true
  data_categories: ["social", "health"] person_categories: ["personne_accompagnee"]
  special_category_conditions: HEALTH_OR_SOCIAL_CARE
  recipients { name: "Équipe de prévention" kind: INTERNAL }
  retention { data_category: "social" start: END_OF_FOLLOW_UP active_months: 0 intermediate_months: 36 hard_stop_age_years: 25 end_action: DELETE source: "CNIL délib. 2014-262, art. 5" }
  retention { data_category: "health" start: CREATION active_months: 120 hard_stop_age_years: 90 end_action: DELETE source: "test" }
  security_measures: "Accès ponctuel et motivé"
}
activities {
  id: "hebergement" name: "Hébergement" purpose: "Héberger" purpose_kind: ADMINISTRATION
  legal_basis: PUBLIC_TASK legal_basis_reference: "CASF L.345-1" public_task: true
  data_categories: ["administrative", "financial"] person_categories: ["personne_accompagnee"]
  recipients { name: "Service hébergement" kind: INTERNAL }
  retention { data_category: "administrative" start: CASE_CLOSURE active_months: 12 intermediate_months: 24 end_action: DELETE source: "test" }
  retention { data_category: "financial" start: END_OF_MANDATE active_months: 72 end_action: DELETE source: "Aidants Connect" }
  security_measures: "Accès limité"
}
mandates {
  procedures { id: "papers" label: "Papiers - Citoyenneté - Élections" }
  procedures { id: "social" label: "Social - Santé" }
  habilitated_structures: ["France Services Villeneuve"]
  roles: ["social_worker"]
}
roles { id: "archivist" label: "Archiviste" secrecy: BY_MISSION secrecy_reference: "Code du patrimoine L.213-2" capabilities: [ARCHIVIST] }
habilitations { role: "archivist" actions: [READ] data_categories: ["administrative", "social", "financial", "health"] }
)");
}

constexpr int kPersons = 36;

std::string DateText(CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

// A day between 1985 and the engine's clock (2026-05-28).
CivilDay PastDay(std::mt19937& rng) {
  return CivilDay(1985, 1, 1) + static_cast<int>(rng() % (41 * 365 + 140));
}

struct Service {
  Service() {
    options.clock = &clock;
    engine = Open(record);
  }
  std::unique_ptr<AccessEngine> Open(std::shared_ptr<MemoryEngineRecord> from) {
    auto opened = AccessEngine::Open(policy, std::move(from), options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    return *std::move(opened);
  }

  // The persons p0… with random facts, some recorded after a snapshot.
  void Populate() {
    std::mt19937 rng(20261206);
    DirectoryData d;
    d.professionals = {{"aidant", "social_worker", {"t1"}, "France Services Villeneuve"},
                       {"arc", "archivist", {"t9"}}};
    for (int i = 0; i < kPersons; ++i) {
      PersonEntry p{absl::StrCat("p", i), {"t1"}, "", ""};
      // Born between 1930 and 2015: some reach their 25th birthday (the follow-up's stop) in
      // the range, some their 90th.
      if (rng() % 6 != 0) p.birth_date = DateText(CivilDay(1930, 1, 1) + int(rng() % (85 * 365)));
      if (i % 7 == 3) p.teams.clear();  // never followed
      d.persons.push_back(p);
    }
    BOOST_REQUIRE(engine->LoadDirectory(d).ok());
    for (int i = 0; i < kPersons; ++i) Facts(rng, absl::StrCat("p", i), i);
    BOOST_REQUIRE(engine->SaveSnapshot().ok());
    // After the snapshot: deaths and closed cases, replayed on reopening.
    for (int i = 0; i < kPersons; i += 5) {
      if (i % 2 == 0 && i % 6 != 2)
        BOOST_REQUIRE(RecordDeath(*engine, absl::StrCat("p", i), PastDay(rng)).ok());
      (void)engine->Unassign(absl::StrCat("p", i), "t1");  // refused for those never followed
    }
  }

  void Facts(std::mt19937& rng, const std::string& person, int i) {
    for (uint32_t n = rng() % 3; n > 0; --n) {
      ContactSpec c{person,
                    rng() % 2 ? ContactOriginator::kPerson : ContactOriginator::kProfessional, "",
                    PastDay(rng), "aidant"};
      BOOST_REQUIRE(RecordContact(*engine, c).ok());
    }
    auto end = [&]() -> std::optional<CivilDay> {
      if (rng() % 3 == 0) return std::nullopt;  // in course
      return PastDay(rng);
    };
    if (rng() % 2) BOOST_REQUIRE(RecordRight(*engine, person, "apa", end()).ok());
    if (rng() % 2) BOOST_REQUIRE(RecordFollowUp(*engine, person, "prevention", end()).ok());
    if (i % 4 == 1) {
      MandateSpec m;
      m.mandate = absl::StrCat("m", i);
      m.person = person;
      m.structure = "France Services Villeneuve";
      m.procedures = {"papers"};
      m.duration_days = std::vector<uint32_t>{1, 31, 182, 365}[rng() % 4];
      m.template_version = "mandat-2026-01";
      m.aidant = "aidant";
      m.involvement = {MandateInvolvement::Kind::kPresent, ""};
      auto created = CreateMandate(*engine, m);
      BOOST_REQUIRE_MESSAGE(created.ok(), created.status().message());
      if (rng() % 3 == 0) {
        const std::vector<std::string> procedures = {"papers"};
        BOOST_REQUIRE(RevokeMandate(*engine, m.mandate, procedures, false, "aidant").ok());
      }
    }
    if (i % 6 == 2) BOOST_REQUIRE(RecordDeath(*engine, person, PastDay(rng)).ok());
    if (i % 6 == 4 && i % 7 != 3) BOOST_REQUIRE(engine->Unassign(person, "t1").ok());
    clock.Advance(absl::Hours(7));  // the mandates end on different days
  }

  FakeClock clock{absl::FromUnixSeconds(Scenario::kStart)};
  AccessEngine::Options options;
  Policy policy = LoadPolicy(SchedulePolicy());
  std::shared_ptr<MemoryEngineRecord> record = std::make_shared<MemoryEngineRecord>();
  std::unique_ptr<AccessEngine> engine;
};

// Every person's schedule applies and gives CategoryRetention's phase (and its rule, past the
// active phase) on every day of 1990 to 2079. Returns how many (person, category, day) were past
// their active phase, and counts the phase changes seen.
uint64_t CheckEveryDay(const AccessEngine& engine, uint64_t* changes) {
  const auto snapshot = engine.snapshot();
  const access_internal::SnapshotData& s = access_internal::Data(*snapshot);
  const policy_internal::CompiledPolicy& c = *s.tables->c;
  const int32_t first = core::DayNumber(CivilDay(1990, 1, 1));
  const int32_t last = core::DayNumber(CivilDay(2080, 1, 1));
  uint64_t archived = 0;
  uint32_t with_facts = 0;
  for (int i = 0; i < kPersons; ++i) {
    const access_internal::PersonRecord& x = *s.person(*engine.FindPerson(absl::StrCat("p", i)));
    if (!access_internal::RetentionMayApply(x)) continue;
    ++with_facts;
    const access_internal::RetentionSchedule& schedule = x.state->retention_schedule;
    BOOST_REQUIRE(schedule.Applies(x.birth_days, !x.teams.empty()));
    for (uint32_t k = 0; k < s.tables->categories; ++k) {
      RetentionPhase previous = RetentionPhase::kActive;
      for (int32_t day = first; day < last; ++day) {
        uint32_t rule = kRuleIndexNone;
        const RetentionStatus full = access_internal::CategoryRetention(
            c, access_internal::RetentionInputOf(x, day), k, day, &rule);
        const access_internal::RetentionStep& step = schedule.On(k, day);
        if (static_cast<RetentionPhase>(step.phase) != full.phase ||
            (full.phase != RetentionPhase::kActive && step.rule != rule)) {
          BOOST_FAIL(absl::StrCat("p", i, " category ", k, " on ", RetentionDayText(day),
                                  ": schedule ", static_cast<int>(step.phase), " rule ", step.rule,
                                  ", full ", RetentionPhaseName(full.phase), " rule ", rule));
        }
        if (full.phase != RetentionPhase::kActive) ++archived;
        if (day > first && full.phase != previous) ++*changes;
        previous = full.phase;
      }
    }
  }
  BOOST_TEST(with_facts > kPersons / 2);
  return archived;
}

BOOST_AUTO_TEST_SUITE(retention_schedule)

BOOST_AUTO_TEST_CASE(equals_the_full_computation_every_day_after_snapshot_and_replay) {
  Service service;
  service.Populate();
  uint64_t changes = 0;
  const uint64_t archived = CheckEveryDay(*service.engine, &changes);
  // The range sees files archived and phases moving (else the comparison would prove little).
  BOOST_TEST(archived > 100000u);
  BOOST_TEST(changes > 100u);

  // Reopened: the snapshot (schedules rebuilt by the loader), then the events after it.
  auto reopened = service.Open(service.record);
  uint64_t changes_reopened = 0;
  BOOST_TEST(CheckEveryDay(*reopened, &changes_reopened) == archived);
  BOOST_TEST(changes_reopened == changes);

  // Replayed from the events alone (schedules rebuilt by the builder).
  auto replayed = service.Open(EventsOnly(*service.record));
  uint64_t changes_replayed = 0;
  BOOST_TEST(CheckEveryDay(*replayed, &changes_replayed) == archived);
  BOOST_TEST(changes_replayed == changes);
}

// The decisions read the schedule: on days across the range, a social worker of the team is
// denied as archived exactly when the full computation says the category is past its active
// phase, and the archivist (with a reason) reads it then, by the rule the computation names.
BOOST_AUTO_TEST_CASE(decisions_follow_the_full_computation) {
  Service service;
  service.Populate();
  const AccessEngine& e = *service.engine;
  const uint32_t sw = *e.FindProfessional("aidant");
  const uint32_t arc = *e.FindProfessional("arc");
  const uint32_t purpose = *e.FindPurpose("accompagnement");
  uint64_t archived = 0, active = 0;
  for (const CivilDay day : {CivilDay(2026, 6, 1), CivilDay(2027, 1, 1), CivilDay(2028, 7, 14),
                             CivilDay(2031, 3, 1), CivilDay(2040, 1, 1), CivilDay(2060, 1, 1)}) {
    service.clock.Set(absl::FromCivil(day, absl::UTCTimeZone()) + absl::Hours(12));
    const auto snapshot = e.snapshot();
    const access_internal::SnapshotData& s = access_internal::Data(*snapshot);
    for (int i = 0; i < kPersons; ++i) {
      const uint32_t person = *e.FindPerson(absl::StrCat("p", i));
      const access_internal::PersonRecord& x = *s.person(person);
      for (uint32_t k = 0; k < s.tables->categories; ++k) {
        AccessRequest r;
        r.actor = sw;
        r.person = person;
        r.category = k;
        r.purpose = purpose;
        r.action = Action::kRead;
        r.kind = EntryKind::kFact;
        r.author = kNoId;
        uint32_t rule = kRuleIndexNone;
        const int32_t d = core::DayNumber(day);
        const bool past = access_internal::CategoryRetention(
                              *s.tables->c, access_internal::RetentionInputOf(x, d), k, d, &rule)
                              .phase != RetentionPhase::kActive;
        auto decided = snapshot->Decide(r);
        BOOST_REQUIRE(decided.ok());
        if (x.teams.empty()) continue;  // not assigned, whatever the phase
        BOOST_TEST((decided->reason == Reason::kArchived) == past);
        r.actor = arc;
        r.archive_reason = "contrôle";
        decided = snapshot->Decide(r);
        BOOST_REQUIRE(decided.ok());
        BOOST_TEST((decided->reason == Reason::kAllowedArchivist) == past);
        if (past) {
          BOOST_TEST(decided->rule == MakeRule(RuleKind::kRetention, rule));
          ++archived;
        } else {
          ++active;
        }
      }
    }
  }
  BOOST_TEST(archived > 50u);
  BOOST_TEST(active > 50u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
