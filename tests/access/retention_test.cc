// Retention (REQ-32 to REQ-35; socle/retention.hpp): the facts recorded, the phases at their
// boundaries (the day before, of and after each change), the age stop on a 29 February birthday,
// the intermediate archive enforced by the decisions, ListPersons and Explain, bad input, and the
// same phases after a replay and after reopening from a snapshot.
#include "socle/retention.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/calendar.h"
#include "socle/access.hpp"
#include "socle/representation.hpp"
#include "socle/v1/events.pb.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

using absl::CivilDay;

// The workload policy with the retention table's rules (docs/retention-and-rights.md): the
// accompaniment's administrative data kept 2 years after the last contact from the person, then
// 5 years of intermediate archive; APA (6 years after the end of the right, then anonymised);
// prevention of delinquency (the follow-up, then 3 years of archive, never past the 25th
// birthday); an archivist.
std::string RetentionPolicy(bool public_archives = false) {
  return PolicyVariant(
      {{R"(retention { data_category: "administrative" start: LAST_CONTACT_FROM_PERSON active_months: 24 end_action: DELETE)",
        R"(retention { data_category: "administrative" start: LAST_CONTACT_FROM_PERSON active_months: 24 intermediate_months: 60 end_action: DELETE)"},
       {"public_authority: true", public_archives ? "public_authority: true public_archives: true"
                                                  : "public_authority: true"}},
      R"(
data_categories { id: "benefits" label: "APA" sensitivity: ORDINARY }
data_categories { id: "prevention" label: "Prévention de la délinquance" sensitivity: ORDINARY }
data_categories { id: "housing" label: "Hébergement" sensitivity: ORDINARY }
activities {
  id: "hebergement" name: "Hébergement" purpose: "Héberger" purpose_kind: ADMINISTRATION
  legal_basis: PUBLIC_TASK legal_basis_reference: "CASF L.345-1" public_task: true
  data_categories: ["housing"] person_categories: ["personne_accompagnee"]
  recipients { name: "Service hébergement" kind: INTERNAL }
  retention { data_category: "housing" start: CASE_CLOSURE active_months: 12 end_action: DELETE source: "test" }
  security_measures: "Accès limité"
}
activities {
  id: "apa" name: "APA" purpose: "Instruire et verser l'APA" purpose_kind: BENEFITS
  legal_basis: PUBLIC_TASK legal_basis_reference: "CASF L.232-1" public_task: true
  data_categories: ["benefits"] person_categories: ["personne_accompagnee"]
  recipients { name: "Service APA" kind: INTERNAL }
  retention { data_category: "benefits" start: END_OF_RIGHT active_months: 72 end_action: ANONYMISE source: "CASF R.232-46" }
  security_measures: "Accès limité au service APA"
}
activities {
  id: "prevention" name: "Prévention" purpose: "Suivre le programme de prévention" purpose_kind: PREVENTION
  legal_basis: PUBLIC_TASK legal_basis_reference: "CASF L.121-2" public_task: true
  data_categories: ["prevention"] person_categories: ["personne_accompagnee"]
  recipients { name: "Équipe de prévention" kind: INTERNAL }
  retention { data_category: "prevention" start: END_OF_FOLLOW_UP active_months: 0 intermediate_months: 36 hard_stop_age_years: 25 end_action: DELETE source: "CNIL délib. 2014-262, art. 5" }
  security_measures: "Accès ponctuel et motivé"
}
roles { id: "archivist" label: "Archiviste" secrecy: BY_MISSION secrecy_reference: "Code du patrimoine L.213-2" capabilities: [ARCHIVIST] }
habilitations { role: "archivist" actions: [READ, WRITE] data_categories: ["administrative", "social", "benefits", "prevention"] }
habilitations { role: "social_worker" actions: [READ] data_categories: ["benefits", "prevention"] }
)");
}

struct Retained : Scenario {
  explicit Retained(bool public_archives = false) : Scenario(RetentionPolicy(public_archives)) {
    ProfessionalEntry arc{"arc1", "archivist", {"t1"}};
    BOOST_REQUIRE(engine().UpsertProfessional(arc).ok());
    for (const PersonEntry& p : std::vector<PersonEntry>{{"young", {"t1"}, "", "2004-02-29"},
                                                         {"parent", {"t1"}, "", "1970-01-01"}}) {
      BOOST_REQUIRE(engine().UpsertPerson(p).ok());
    }
  }
  absl::StatusOr<uint64_t> Contact(const std::string& person, ContactOriginator originator,
                                   CivilDay day, const std::string& representative = "") {
    ContactSpec spec;
    spec.person = person;
    spec.originator = originator;
    spec.representative = representative;
    spec.day = day;
    spec.recorded_by = "sw1";
    return RecordContact(engine(), spec);
  }
  RetentionStatus On(const std::string& person, const std::string& category, CivilDay day) {
    auto status = engine().snapshot()->Retention(Person(person), Category(category), day);
    BOOST_REQUIRE_MESSAGE(status.ok(), status.status().message());
    return *status;
  }
  std::string PhaseOn(const std::string& person, const std::string& category, CivilDay day) {
    return RetentionPhaseName(On(person, category, day).phase);
  }
};

struct PublicArchives : Retained {
  PublicArchives() : Retained(true) {}
};

int32_t Day(CivilDay d) { return core::DayNumber(d); }

BOOST_AUTO_TEST_SUITE(retention)

BOOST_FIXTURE_TEST_CASE(without_facts_every_category_is_active_with_no_day, Retained) {
  auto all = engine().snapshot()->Retention(Person("x1"), CivilDay(2030, 1, 1));
  BOOST_REQUIRE(all.ok());
  BOOST_REQUIRE_EQUAL(all->size(), 7u);
  for (const RetentionStatus& s : *all) {
    BOOST_TEST(RetentionPhaseName(s.phase) == std::string("active"));
    BOOST_TEST(s.since == kNoRetentionDay);
    BOOST_TEST(s.next_change == kNoRetentionDay);
  }
  // The rule named is still the category's.
  BOOST_TEST((*all)[Category("benefits")].source == "CASF R.232-46");
}

// REQ-33: 2 years after the last contact from the person, then the intermediate archive. Born on
// 29 February: 29 February + 24 months is 28 February (clamped).
BOOST_FIXTURE_TEST_CASE(two_years_after_the_last_contact_at_the_boundaries, Retained) {
  BOOST_REQUIRE(Contact("x1", ContactOriginator::kPerson, CivilDay(2024, 2, 29)).ok());
  BOOST_TEST(PhaseOn("x1", "administrative", CivilDay(2026, 2, 27)) == "active");
  const RetentionStatus before = On("x1", "administrative", CivilDay(2026, 2, 27));
  BOOST_TEST(before.since == Day(CivilDay(2024, 2, 29)));
  BOOST_TEST(before.next_change == Day(CivilDay(2026, 2, 28)));
  BOOST_TEST(RetentionPhaseName(before.next_phase) == std::string("intermediate_archive"));
  BOOST_TEST(before.source == "CNIL délib. 2023-095");
  BOOST_TEST(PhaseOn("x1", "administrative", CivilDay(2026, 2, 28)) == "intermediate_archive");
  BOOST_TEST(PhaseOn("x1", "administrative", CivilDay(2026, 3, 1)) == "intermediate_archive");
  const RetentionStatus archived = On("x1", "administrative", CivilDay(2026, 3, 1));
  BOOST_TEST(archived.since == Day(CivilDay(2026, 2, 28)));
  BOOST_TEST(archived.next_change == Day(CivilDay(2031, 2, 28)));
  BOOST_TEST(PhaseOn("x1", "administrative", CivilDay(2031, 2, 27)) == "intermediate_archive");
  BOOST_TEST(PhaseOn("x1", "administrative", CivilDay(2031, 2, 28)) == "due");
  BOOST_TEST(PhaseOn("x1", "administrative", CivilDay(2031, 3, 1)) == "due");
  BOOST_TEST(
      (On("x1", "administrative", CivilDay(2031, 3, 1)).end_action == RetentionEndAction::kDelete));
  // "social" has no intermediate archive: due the same day the active phase ends.
  BOOST_TEST(PhaseOn("x1", "social", CivilDay(2026, 2, 27)) == "active");
  BOOST_TEST(PhaseOn("x1", "social", CivilDay(2026, 2, 28)) == "due");
}

// REQ-34: a professional's note and a batch job do not restart the clock; an inbound letter does,
// and so does a contact from a representative valid that day.
BOOST_FIXTURE_TEST_CASE(only_the_person_or_a_representative_restart_the_clock, Retained) {
  BOOST_REQUIRE(Contact("x1", ContactOriginator::kPerson, CivilDay(2024, 1, 31)).ok());
  BOOST_REQUIRE(Contact("x1", ContactOriginator::kProfessional, CivilDay(2025, 6, 1)).ok());
  BOOST_REQUIRE(Contact("x1", ContactOriginator::kBatch, CivilDay(2025, 7, 1)).ok());
  BOOST_TEST(On("x1", "social", CivilDay(2025, 1, 1)).next_change == Day(CivilDay(2026, 1, 31)));
  BOOST_TEST(PhaseOn("x1", "social", CivilDay(2026, 1, 31)) == "due");
  BOOST_REQUIRE(Contact("x1", ContactOriginator::kPerson, CivilDay(2025, 8, 31)).ok());  // letter
  BOOST_TEST(PhaseOn("x1", "social", CivilDay(2026, 1, 31)) == "active");
  BOOST_TEST(On("x1", "social", CivilDay(2026, 1, 31)).next_change == Day(CivilDay(2027, 8, 31)));
  // A letter recorded late, dated before the last contact, does not move the clock back.
  BOOST_REQUIRE(Contact("x1", ContactOriginator::kPerson, CivilDay(2025, 1, 2)).ok());
  BOOST_TEST(On("x1", "social", CivilDay(2026, 1, 31)).start_day == Day(CivilDay(2025, 8, 31)));

  RepresentativeSpec rep;
  rep.person = "x1";
  rep.representative = "parent";
  rep.kind = RepresentativeKind::kGuardianship;
  rep.from = CivilDay(2025, 1, 1);
  rep.to = CivilDay(2025, 12, 31);
  rep.reference = "jugement";
  rep.recorded_by = "sw1";
  BOOST_REQUIRE(SetRepresentative(engine(), rep).ok());
  BOOST_REQUIRE(
      Contact("x1", ContactOriginator::kRepresentative, CivilDay(2025, 12, 31), "parent").ok());
  BOOST_TEST(On("x1", "social", CivilDay(2026, 1, 31)).next_change == Day(CivilDay(2027, 12, 31)));
  // The day after the measure ended, the same person is no longer a representative.
  const uint64_t revision = engine().revision();
  auto late = Contact("x1", ContactOriginator::kRepresentative, CivilDay(2026, 1, 1), "parent");
  BOOST_TEST(CodeOf(late.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(late.status().message().find("contact_recorded.representative") != std::string::npos);
  BOOST_TEST(late.status().message().find("parent") == std::string::npos);
  BOOST_TEST(engine().revision() == revision);
}

// REQ-33: APA, 6 years after the end of the right, then anonymised.
BOOST_FIXTURE_TEST_CASE(apa_six_years_after_the_end_of_the_right, Retained) {
  BOOST_REQUIRE(RecordRight(engine(), "x1", "apa", std::nullopt).ok());
  const RetentionStatus in_course = On("x1", "benefits", CivilDay(2040, 1, 1));
  BOOST_TEST(RetentionPhaseName(in_course.phase) == std::string("active"));
  BOOST_TEST(in_course.next_change == kNoRetentionDay);
  BOOST_REQUIRE(RecordRight(engine(), "x1", "apa", CivilDay(2020, 1, 31)).ok());
  BOOST_TEST(PhaseOn("x1", "benefits", CivilDay(2026, 1, 30)) == "active");
  BOOST_TEST(PhaseOn("x1", "benefits", CivilDay(2026, 1, 31)) == "due");
  BOOST_TEST(PhaseOn("x1", "benefits", CivilDay(2026, 2, 1)) == "due");
  const RetentionStatus due = On("x1", "benefits", CivilDay(2026, 2, 1));
  BOOST_TEST((due.end_action == RetentionEndAction::kAnonymise));
  BOOST_TEST(due.since == Day(CivilDay(2026, 1, 31)));
  BOOST_TEST((due.start == RetentionStart::kEndOfRight));
  // Another person's right, or another activity's, does not count.
  BOOST_TEST(PhaseOn("x2", "benefits", CivilDay(2030, 1, 1)) == "active");
  BOOST_TEST(On("x2", "benefits", CivilDay(2030, 1, 1)).since == kNoRetentionDay);
}

// A right still in course ends on the person's death.
BOOST_FIXTURE_TEST_CASE(a_right_in_course_ends_at_death, Retained) {
  BOOST_REQUIRE(RecordRight(engine(), "x1", "apa", std::nullopt).ok());
  BOOST_REQUIRE(RecordDeath(engine(), "x1", CivilDay(2020, 3, 15)).ok());
  BOOST_TEST(PhaseOn("x1", "benefits", CivilDay(2026, 3, 14)) == "active");
  BOOST_TEST(PhaseOn("x1", "benefits", CivilDay(2026, 3, 15)) == "due");
  // Asked about a day before the death, the right was in course.
  BOOST_TEST(On("x1", "benefits", CivilDay(2020, 3, 14)).next_change == kNoRetentionDay);
}

// REQ-33: prevention, the follow-up then 3 years of archive, never past the 25th birthday. Born on
// 29 February 2004: 25 on 1 March 2029 (a common year).
BOOST_FIXTURE_TEST_CASE(prevention_stops_at_the_25th_birthday, Retained) {
  BOOST_REQUIRE(RecordFollowUp(engine(), "young", "prevention", std::nullopt).ok());
  const RetentionStatus in_course = On("young", "prevention", CivilDay(2026, 1, 1));
  BOOST_TEST(RetentionPhaseName(in_course.phase) == std::string("active"));
  BOOST_TEST(in_course.next_change == Day(CivilDay(2029, 3, 1)));
  BOOST_TEST(in_course.hard_stop);
  BOOST_REQUIRE(RecordFollowUp(engine(), "young", "prevention", CivilDay(2026, 5, 1)).ok());
  BOOST_TEST(PhaseOn("young", "prevention", CivilDay(2026, 4, 30)) == "active");
  BOOST_TEST(PhaseOn("young", "prevention", CivilDay(2026, 5, 1)) == "intermediate_archive");
  const RetentionStatus archived = On("young", "prevention", CivilDay(2027, 1, 1));
  BOOST_TEST(archived.next_change == Day(CivilDay(2029, 3, 1)));  // not 2029-05-01
  BOOST_TEST(archived.hard_stop);
  BOOST_TEST(PhaseOn("young", "prevention", CivilDay(2029, 2, 28)) == "intermediate_archive");
  BOOST_TEST(PhaseOn("young", "prevention", CivilDay(2029, 3, 1)) == "due");
  BOOST_TEST(On("young", "prevention", CivilDay(2029, 3, 1)).since == Day(CivilDay(2029, 3, 1)));
  BOOST_TEST(PhaseOn("young", "prevention", CivilDay(2029, 3, 2)) == "due");
  // An adult is past 25: the programme's data is due as soon as the follow-up ends.
  BOOST_REQUIRE(RecordFollowUp(engine(), "parent", "prevention", CivilDay(2026, 5, 1)).ok());
  BOOST_TEST(PhaseOn("parent", "prevention", CivilDay(2026, 5, 2)) == "due");
}

// REQ-36: a controller whose records are public archives destroys nothing before the visa.
BOOST_FIXTURE_TEST_CASE(public_archives_await_the_visa, PublicArchives) {
  BOOST_REQUIRE(Contact("x1", ContactOriginator::kPerson, CivilDay(2020, 1, 1)).ok());
  BOOST_TEST(PhaseOn("x1", "social", CivilDay(2021, 12, 31)) == "active");
  BOOST_TEST(RetentionPhaseName(On("x1", "social", CivilDay(2021, 12, 31)).next_phase) ==
             std::string("awaiting_visa"));
  BOOST_TEST(PhaseOn("x1", "social", CivilDay(2022, 1, 1)) == "awaiting_visa");
}

// The case closes when its last team is unassigned (the engine's own fact, on that event's day);
// assigning a team again reopens it.
BOOST_FIXTURE_TEST_CASE(case_closure_counts_from_the_last_team_unassigned, Retained) {
  BOOST_TEST(On("x1", "housing", CivilDay(2030, 1, 1)).since == kNoRetentionDay);  // never closed
  BOOST_REQUIRE(engine().Unassign("x1", "t1").ok());                               // 2026-05-28
  BOOST_TEST(PhaseOn("x1", "housing", CivilDay(2027, 5, 27)) == "active");
  BOOST_TEST(PhaseOn("x1", "housing", CivilDay(2027, 5, 28)) == "due");
  BOOST_TEST(On("x1", "housing", CivilDay(2026, 6, 1)).start_day == Day(CivilDay(2026, 5, 28)));
  BOOST_REQUIRE(engine().Assign("x1", "t2").ok());
  BOOST_TEST(PhaseOn("x1", "housing", CivilDay(2030, 1, 1)) == "active");
  BOOST_TEST(On("x1", "housing", CivilDay(2030, 1, 1)).next_change == kNoRetentionDay);
}

// REQ-35: past the active phase only an archivist reads the file, with a reason, read only.
BOOST_FIXTURE_TEST_CASE(the_intermediate_archive_is_the_archivists, Retained) {
  // The clock reads 2026-05-28: a last contact on 2024-02-29 archived the file on 2026-02-28.
  BOOST_REQUIRE(Contact("x1", ContactOriginator::kPerson, CivilDay(2024, 2, 29)).ok());
  BOOST_TEST(ReasonFor("sw1", "x1", "administrative") == "archived");
  BOOST_TEST(ReasonFor("sw1", "x3", "administrative") == "allowed");    // x3: no fact recorded
  BOOST_TEST(ReasonFor("arc1", "x1", "administrative") == "archived");  // no reason
  AccessRequest read = Request("arc1", "x1", "administrative");
  read.archive_reason = "contentieux en cours, demande du service juridique";
  const Decision allowed = Decide(read);
  BOOST_TEST(ReasonOf(allowed) == "allowed_archivist");
  BOOST_TEST(engine().RuleName(allowed.rule) == "activities[0].retention[0] (accompagnement)");
  AccessRequest write = Request("arc1", "x1", "administrative", Action::kWrite);
  write.archive_reason = "correction";
  BOOST_TEST(ReasonOf(Decide(write)) == "archived");
  // An archivist out of the team reads the archive too (need-to-know is the active file's).
  BOOST_REQUIRE(engine().UpsertProfessional({"arc2", "archivist", {"t2"}}).ok());
  read.actor = Pro("arc2");
  BOOST_TEST(ReasonOf(Decide(read)) == "allowed_archivist");
  // But not an active file.
  AccessRequest active = Request("arc2", "x3", "administrative");
  active.archive_reason = "curiosité";
  BOOST_TEST(ReasonOf(Decide(active)) == "not_assigned");

  // Lists: x1 leaves the social worker's list, not the archivist's.
  auto listed = engine().snapshot()->ListPersons(Pro("sw1"), Category("administrative"), Purpose());
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST(std::count(listed->begin(), listed->end(), Person("x1")) == 0);
  BOOST_TEST(std::count(listed->begin(), listed->end(), Person("x3")) == 1);
  auto archivist =
      engine().snapshot()->ListPersons(Pro("arc1"), Category("administrative"), Purpose());
  BOOST_REQUIRE(archivist.ok());
  BOOST_TEST(std::count(archivist->begin(), archivist->end(), Person("x1")) == 1);

  // Explain says why.
  auto explained = engine().snapshot()->Explain(Request("sw1", "x1", "administrative"));
  BOOST_REQUIRE(explained.ok());
  bool found = false;
  for (const ExplanationStep& step : explained->steps) {
    if (step.check != "retention") continue;
    found = true;
    BOOST_TEST(!step.passed);
    BOOST_TEST(step.decisive);
    BOOST_TEST(step.detail.find("intermediate_archive since 2026-02-28") != std::string::npos);
    BOOST_TEST(step.rule == "activities[0].retention[0] (accompagnement)");
  }
  BOOST_TEST(found);

  // A new letter from the person brings the file back to the active base.
  BOOST_REQUIRE(Contact("x1", ContactOriginator::kPerson, CivilDay(2026, 5, 28)).ok());
  BOOST_TEST(ReasonFor("sw1", "x1", "administrative") == "allowed");
}

BOOST_FIXTURE_TEST_CASE(bad_facts_are_refused_and_change_nothing, Retained) {
  const uint64_t revision = engine().revision();
  // The clock reads 2026-05-28 (Europe/Paris): the 29th has not happened yet.
  auto future = Contact("x1", ContactOriginator::kPerson, CivilDay(2026, 5, 29));
  BOOST_TEST(CodeOf(future.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(future.status().message().find("contact_recorded.date") != std::string::npos);
  BOOST_TEST(CodeOf(Contact("nobody", ContactOriginator::kPerson, CivilDay(2026, 1, 1)).status()) ==
             "NOT_FOUND");
  BOOST_TEST(
      CodeOf(Contact("x1", static_cast<ContactOriginator>(0), CivilDay(2026, 1, 1)).status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(
      CodeOf(Contact("x1", ContactOriginator::kRepresentative, CivilDay(2026, 1, 1)).status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(
      CodeOf(Contact("x1", ContactOriginator::kPerson, CivilDay(2026, 1, 1), "parent").status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(RecordRight(engine(), "x1", "no_such_activity", std::nullopt).status()) ==
             "NOT_FOUND");
  BOOST_TEST(CodeOf(RecordRight(engine(), "x1", "apa", CivilDay(2027, 1, 1)).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(RecordDeath(engine(), "x1", CivilDay(2026, 6, 1)).status()) ==
             "INVALID_ARGUMENT");
  v1::StateEvent e;
  e.set_format_version(1);
  e.mutable_at()->set_seconds(Scenario::kStart);
  e.mutable_death_recorded()->set_person("x1");
  e.mutable_death_recorded()->set_date("2026-02-30");
  BOOST_TEST(CodeOf(engine().ApplyEvent(e.SerializeAsString()).status()) == "INVALID_ARGUMENT");
  e.mutable_death_recorded()->clear_date();
  BOOST_TEST(CodeOf(engine().ApplyEvent(e.SerializeAsString()).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(engine().revision() == revision);
  // Queries: an unknown person, a category out of range.
  BOOST_TEST(CodeOf(engine().snapshot()->Retention(kNoId, CivilDay(2026, 1, 1)).status()) ==
             "NOT_FOUND");
  BOOST_TEST(
      CodeOf(engine().snapshot()->Retention(Person("x1"), 999, CivilDay(2026, 1, 1)).status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(engine().Retention("nobody").status()) == "NOT_FOUND");
}

// The state is the events': replaying them, or reopening from a snapshot, gives the same phases.
BOOST_AUTO_TEST_CASE(replay_and_snapshot_give_the_same_phases) {
  auto record = std::make_shared<MemoryEngineRecord>();
  FakeClock clock(absl::FromUnixSeconds(Scenario::kStart));
  AccessEngine::Options options;
  options.clock = &clock;
  const Policy policy = LoadPolicy(RetentionPolicy());
  auto engine = AccessEngine::Open(policy, record, options);
  BOOST_REQUIRE(engine.ok());
  AccessEngine& e = **engine;
  DirectoryData d;
  d.professionals = {{"sw1", "social_worker", {"t1"}}};
  d.persons = {{"a", {"t1"}, "", "2004-02-29"}, {"b", {"t1"}}, {"rep", {}}};
  BOOST_REQUIRE(e.LoadDirectory(d).ok());
  RepresentativeSpec rep;
  rep.person = "b";
  rep.representative = "rep";
  rep.kind = RepresentativeKind::kCuratorship;
  rep.from = CivilDay(2020, 1, 1);
  rep.recorded_by = "sw1";
  BOOST_REQUIRE(SetRepresentative(e, rep).ok());
  ContactSpec c{"a", ContactOriginator::kPerson, "", CivilDay(2024, 2, 29), "sw1"};
  BOOST_REQUIRE(RecordContact(e, c).ok());
  c = {"b", ContactOriginator::kRepresentative, "rep", CivilDay(2025, 3, 3), "sw1"};
  BOOST_REQUIRE(RecordContact(e, c).ok());
  c = {"b", ContactOriginator::kProfessional, "", std::nullopt, "sw1"};
  BOOST_REQUIRE(RecordContact(e, c).ok());
  BOOST_REQUIRE(RecordRight(e, "b", "apa", CivilDay(2021, 6, 30)).ok());
  BOOST_REQUIRE(RecordFollowUp(e, "a", "prevention", CivilDay(2026, 1, 15)).ok());
  BOOST_REQUIRE(e.SaveSnapshot().ok());
  BOOST_REQUIRE(RecordDeath(e, "b", CivilDay(2026, 4, 1)).ok());
  BOOST_REQUIRE(e.Unassign("a", "t1").ok());

  auto phases = [](const AccessEngine& engine) {
    std::vector<std::string> out;
    for (const char* person : {"a", "b", "rep"}) {
      for (const CivilDay day : {CivilDay(2026, 1, 1), CivilDay(2026, 2, 28), CivilDay(2027, 6, 30),
                                 CivilDay(2029, 3, 1), CivilDay(2035, 1, 1)}) {
        auto all = engine.Retention(person, day);
        BOOST_REQUIRE(all.ok());
        for (const RetentionStatus& s : *all) {
          out.push_back(absl::StrCat(person, " ", s.category, " ", RetentionPhaseName(s.phase), " ",
                                     s.since, " ", s.next_change, " ", s.start_day, " ",
                                     s.hard_stop));
        }
      }
    }
    return out;
  };
  const std::vector<std::string> expected = phases(e);
  // Some phases moved: the test would not see a lost fact otherwise.
  BOOST_TEST(std::count_if(expected.begin(), expected.end(), [](const std::string& s) {
               return s.find(" due ") != std::string::npos;
             }) > 3);

  // Reopened: the snapshot, then the two events after it.
  auto reopened = AccessEngine::Open(policy, record, options);
  BOOST_REQUIRE(reopened.ok());
  BOOST_TEST(phases(**reopened) == expected, boost::test_tools::per_element());

  // Replayed from the events alone.
  auto events_only = EventsOnly(*record);
  auto replayed = AccessEngine::Open(policy, events_only, options);
  BOOST_REQUIRE(replayed.ok());
  BOOST_TEST(phases(**replayed) == expected, boost::test_tools::per_element());
}

// The ready-made rules of the département example policy (examples/policies), at their
// boundaries. Its records are public archives: every end waits for the visa.
BOOST_AUTO_TEST_CASE(departement_example_rules_at_their_boundaries) {
  FakeClock clock(absl::FromUnixSeconds(Scenario::kStart));  // 2026-05-28
  AccessEngine::Options options;
  options.clock = &clock;
  auto created = AccessEngine::Create(
      LoadPolicy(ReadFile(TestDir() + "/../../examples/policies/departement.textproto")), options);
  BOOST_REQUIRE(created.ok());
  AccessEngine& e = **created;
  for (const char* id : {"usager", "beneficiaire", "jeune"}) {
    BOOST_REQUIRE(e.UpsertPerson({id, {}, "", "2004-02-29"}).ok());
  }
  auto phase = [&](const char* person, const char* category, CivilDay day) {
    auto s = e.snapshot()->Retention(*e.FindPerson(person), *e.FindCategory(category), day);
    BOOST_REQUIRE(s.ok());
    return std::string(RetentionPhaseName(s->phase));
  };
  // Accompaniment (CNIL 2023-095, 2022-008 §46): 2 years after the last contact from the person.
  BOOST_REQUIRE(
      RecordContact(e, {"usager", ContactOriginator::kPerson, "", CivilDay(2024, 1, 31), ""}).ok());
  BOOST_TEST(phase("usager", "social", CivilDay(2026, 1, 30)) == "active");
  BOOST_TEST(phase("usager", "social", CivilDay(2026, 1, 31)) == "awaiting_visa");
  BOOST_TEST(phase("usager", "social", CivilDay(2026, 2, 1)) == "awaiting_visa");
  // APA/ASH (CASF R.232-46): 6 years after the end of the right.
  BOOST_REQUIRE(RecordRight(e, "beneficiaire", "apa_ash", CivilDay(2019, 8, 31)).ok());
  BOOST_TEST(phase("beneficiaire", "financial", CivilDay(2025, 8, 30)) == "active");
  BOOST_TEST(phase("beneficiaire", "financial", CivilDay(2025, 8, 31)) == "awaiting_visa");
  BOOST_TEST(phase("beneficiaire", "financial", CivilDay(2025, 9, 1)) == "awaiting_visa");
  // Prevention (CNIL 2014-262 art. 5): 1 month, 3 years of archive, never past 25 (born 29
  // February 2004: 1 March 2029).
  BOOST_REQUIRE(RecordFollowUp(e, "jeune", "prevention_specialisee", CivilDay(2026, 3, 31)).ok());
  BOOST_TEST(phase("jeune", "employment", CivilDay(2026, 4, 29)) == "active");
  BOOST_TEST(phase("jeune", "employment", CivilDay(2026, 4, 30)) == "intermediate_archive");
  BOOST_TEST(phase("jeune", "employment", CivilDay(2029, 2, 28)) == "intermediate_archive");
  BOOST_TEST(phase("jeune", "employment", CivilDay(2029, 3, 1)) == "awaiting_visa");
}

// A category under several rules changes when its last least-advanced rule does, and then takes
// the phase the rules give together on that day, not the deciding rule's own next phase. The
// CCAS's financial papers: the research study keeps them active 36 months from the first contact
// and then anonymises them, the accompaniment deletes them 24 months after the last contact, but
// the aides facultatives keep them 36 more months in the intermediate archive.
BOOST_AUTO_TEST_CASE(next_phase_is_the_categorys_under_several_rules) {
  FakeClock clock(absl::FromUnixSeconds(Scenario::kStart));  // 2026-05-28
  AccessEngine::Options options;
  options.clock = &clock;
  auto created = AccessEngine::Create(
      LoadPolicy(ReadFile(TestDir() + "/../../examples/policies/ccas.textproto")), options);
  BOOST_REQUIRE(created.ok());
  AccessEngine& e = **created;
  BOOST_REQUIRE(e.UpsertPerson({"usager", {}, "", "1984-05-12"}).ok());
  BOOST_REQUIRE(
      RecordContact(e, {"usager", ContactOriginator::kPerson, "", CivilDay(2025, 6, 2), ""}).ok());
  BOOST_REQUIRE(
      RecordContact(e, {"usager", ContactOriginator::kPerson, "", CivilDay(2026, 5, 20), ""}).ok());
  auto on = [&](CivilDay day) {
    auto s = e.snapshot()->Retention(*e.FindPerson("usager"), *e.FindCategory("financial"), day);
    BOOST_REQUIRE(s.ok());
    return *s;
  };
  const RetentionStatus before = on(CivilDay(2027, 1, 1));
  BOOST_TEST(RetentionPhaseName(before.phase) == std::string("active"));
  BOOST_TEST(RetentionDayText(before.next_change) == "2028-06-02");  // the study's end
  BOOST_TEST(RetentionPhaseName(before.next_phase) == std::string("intermediate_archive"));
  BOOST_TEST(RetentionPhaseName(on(CivilDay(2028, 6, 1)).phase) == std::string("active"));
  const RetentionStatus archived = on(CivilDay(2028, 6, 2));
  BOOST_TEST(RetentionPhaseName(archived.phase) == std::string("intermediate_archive"));
  BOOST_TEST(RetentionDayText(archived.next_change) == "2031-05-20");
  BOOST_TEST(RetentionPhaseName(archived.next_phase) == std::string("awaiting_visa"));
  // The whole file's list says the same.
  auto all = e.snapshot()->Retention(*e.FindPerson("usager"), CivilDay(2027, 1, 1));
  BOOST_REQUIRE(all.ok());
  BOOST_TEST(RetentionPhaseName((*all)[*e.FindCategory("financial")].next_phase) ==
             std::string("intermediate_archive"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
