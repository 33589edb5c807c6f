// Consents and objections (socle/consent.hpp): one test per requirement line (REQ-05 to REQ-09,
// REQ-16, REQ-25), hostile events refused without a change, and an engine reopened from its
// record or restored from a snapshot deciding as the original.
#include "socle/consent.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "socle/access.hpp"
#include "socle/representation.hpp"
#include "socle/v1/events.pb.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

using absl::CivilDay;

// The workload policy (its "accompagnement" rests on a public task: the person may object) with
// three more activities: workshops that rest on consent (art. 6(1)(a)), mandatory reports under a
// legal obligation (no right to object), and a health follow-up on a public task that relies on
// explicit consent for health data (art. 9(2)(a)).
constexpr char kExtraActivities[] = R"pb(
activities {
  id: "signalement"
  name: "Transmissions obligatoires"
  purpose: "Transmettre ce que la loi impose"
  purpose_kind: SOCIAL_SUPPORT
  legal_basis: LEGAL_OBLIGATION
  legal_basis_reference: "CASF L.226-3"
  data_categories: ["administrative"]
  person_categories: ["personne_accompagnee"]
  recipients { name: "Autorité judiciaire" kind: INTERNAL }
  retention { data_category: "administrative" start: LAST_CONTACT_FROM_PERSON active_months: 12 end_action: DELETE source: "CASF" }
  security_measures: "Accès limité"
  dpia_reference: "AIPD-BANC-1"
}
activities {
  id: "suivi_sante"
  name: "Suivi de santé"
  purpose: "Coordonner le suivi de santé avec l'accord exprès de la personne"
  purpose_kind: SOCIAL_SUPPORT
  legal_basis: PUBLIC_TASK
  legal_basis_reference: "CASF L.123-2"
  public_task: true
  special_category_conditions: EXPLICIT_CONSENT
  data_categories: ["administrative", "health"]
  person_categories: ["personne_accompagnee"]
  recipients { name: "Professionnels de santé de l'équipe" kind: INTERNAL }
  retention { data_category: "administrative" start: LAST_CONTACT_FROM_PERSON active_months: 12 end_action: DELETE source: "CNIL" }
  retention { data_category: "health" start: LAST_CONTACT_FROM_PERSON active_months: 12 end_action: DELETE source: "CNIL" }
  security_measures: "Accès limité"
  dpia_reference: "AIPD-BANC-1"
}
)pb";

std::string ConsentPolicyText() {
  return PolicyVariant({}, ReadFile(TestDir() + "/consent_activity.textproto") + kExtraActivities);
}

// The scenario (2026-05-28) with families. On that day `child` (born 2011-05-29) is 14 years
// and 364 days old, `teen` (born 2011-05-28) 15 years and 0 days; both have `mother` and
// `father` as holders of parental authority. `adult` was under `gran`'s curatorship until
// 2026-05-01 and is under `guardian`'s guardianship from 2026-05-02.
struct Consenting : Scenario {
  Consenting() : Scenario(ConsentPolicyText()) {
    for (const PersonEntry& p : std::vector<PersonEntry>{
             {"child", {"t1"}, "", "2011-05-29"},
             {"teen", {"t1"}, "", "2011-05-28"},
             {"leap", {"t1"}, "", "2012-02-29"},
             {"mother", {"t1"}, "", "1985-01-02"},
             {"father", {"t1"}, "", "1983-07-14"},
             {"adult", {"t1"}, "", "1960-06-01"},
             {"gran", {}, "", "1940-02-03"},
             {"guardian", {}, "", "1970-02-03"},
         }) {
      BOOST_REQUIRE(engine().UpsertPerson(p).ok());
    }
    for (const char* minor : {"child", "teen", "leap"}) {
      for (const char* parent : {"mother", "father"}) {
        RepresentativeSpec spec{minor, parent, RepresentativeKind::kParentalAuthority,
                                CivilDay(2011, 5, 28), std::nullopt, "livret de famille", "sw1"};
        BOOST_REQUIRE(SetRepresentative(engine(), spec).ok());
      }
    }
    RepresentativeSpec curator{"adult",       "gran", RepresentativeKind::kCuratorship,
                               CivilDay(2020, 1, 1), CivilDay(2026, 5, 1), "jugement 1", "sw1"};
    BOOST_REQUIRE(SetRepresentative(engine(), curator).ok());
    RepresentativeSpec guardian{"adult", "guardian", RepresentativeKind::kGuardianship,
                                CivilDay(2026, 5, 2), std::nullopt, "jugement 2", "sw1"};
    BOOST_REQUIRE(SetRepresentative(engine(), guardian).ok());
  }

  static ConsentSpec Spec(const std::string& person, std::vector<std::string> given_by,
                          const std::string& purpose = "atelier") {
    ConsentSpec spec;
    spec.person = person;
    spec.purpose = purpose;
    spec.scope = ConsentScope::kProcessing;
    spec.given_by = std::move(given_by);
    spec.information_version = "notice-ateliers-v3";
    spec.information_sha256 = std::string(32, '\x5a');
    spec.channel = ConsentChannel::kPaper;
    spec.evidence_reference = "formulaire 2026-117";
    spec.recorded_by = "sw1";
    return spec;
  }
  absl::StatusOr<uint64_t> Give(const std::string& person, std::vector<std::string> given_by,
                                const std::string& purpose = "atelier") {
    return GiveConsent(engine(), Spec(person, std::move(given_by), purpose));
  }
  AccessRequest For(const std::string& person, const std::string& purpose = "atelier",
                    const std::string& category = "social", const std::string& actor = "sw1") {
    AccessRequest r = Request(actor, person, category);
    r.purpose = Purpose(purpose);
    return r;
  }
  std::string Reason(const std::string& person, const std::string& purpose = "atelier",
                     const std::string& category = "social") {
    return ReasonOf(Decide(For(person, purpose, category)));
  }
  std::string Status(const std::string& person, const std::string& purpose = "atelier",
                     ConsentScope scope = ConsentScope::kProcessing,
                     const std::string& category = "", const std::string& recipient = "") {
    auto status = ConsentStatusAt(*engine().snapshot(), person, purpose, scope,
                                absl::InfinitePast(), category, recipient);
    BOOST_REQUIRE_MESSAGE(status.ok(), status.status().message());
    return std::string(Name(status->state));
  }
  void SetDay(CivilDay day) {
    clock().Set(absl::FromCivil(absl::CivilSecond(day.year(), day.month(), day.day(), 12, 0, 0),
                                absl::UTCTimeZone()));
  }
};

BOOST_AUTO_TEST_SUITE(consent)

BOOST_FIXTURE_TEST_CASE(req05_a_consent_keeps_every_field_and_is_never_rewritten, Consenting) {
  ConsentSpec spec = Spec("adult", {"adult"});
  spec.categories = {"social"};
  spec.expires_at = absl::FromUnixSeconds(kStart) + absl::Hours(24 * 365);
  auto revision = GiveConsent(engine(), spec);
  BOOST_REQUIRE_MESSAGE(revision.ok(), revision.status().message());
  auto consents = Consents(*engine().snapshot(), "adult");
  BOOST_REQUIRE(consents.ok());
  BOOST_REQUIRE(consents->size() == 1u);
  const ConsentInfo first = (*consents)[0];
  BOOST_TEST(first.purpose == "atelier");
  BOOST_TEST((first.scope == ConsentScope::kProcessing));
  BOOST_TEST(first.given_by == (std::vector<std::string>{"adult"}));
  BOOST_TEST(first.information_version == "notice-ateliers-v3");
  BOOST_TEST(first.information_sha256 == std::string(32, '\x5a'));
  BOOST_TEST((first.channel == ConsentChannel::kPaper));
  BOOST_TEST(first.evidence_reference == "formulaire 2026-117");
  BOOST_TEST(first.categories == (std::vector<std::string>{"social"}));
  BOOST_TEST(first.recorded_by == "sw1");
  BOOST_TEST(first.revision == *revision);
  BOOST_TEST((first.given_at == absl::FromUnixSeconds(kStart)));
  BOOST_TEST((first.expires_at == spec.expires_at));
  BOOST_TEST((first.ended_at == absl::InfiniteFuture()));
  BOOST_TEST(Name(first.state) == "valid");

  // A new grant ends the first at its own time; the first keeps every field it had.
  clock().Advance(absl::Hours(1));
  ConsentSpec again = Spec("adult", {"adult"});
  again.information_version = "notice-ateliers-v4";
  auto second = GiveConsent(engine(), again);
  BOOST_REQUIRE(second.ok());
  consents = Consents(*engine().snapshot(), "adult");
  BOOST_REQUIRE(consents->size() == 2u);
  const ConsentInfo& replaced = (*consents)[0];
  BOOST_TEST(replaced.information_version == "notice-ateliers-v3");
  BOOST_TEST(replaced.revision == first.revision);
  BOOST_TEST((replaced.given_at == first.given_at));
  BOOST_TEST((replaced.ended_at == absl::FromUnixSeconds(kStart) + absl::Hours(1)));
  BOOST_TEST(Name(replaced.state) == "replaced");
  BOOST_TEST(replaced.ended_revision == *second);
  BOOST_TEST((*consents)[1].information_version == "notice-ateliers-v4");
  BOOST_TEST(Name((*consents)[1].state) == "valid");
  // The earlier snapshot still shows the first as it stood.
  BOOST_TEST(Status("adult") == "valid");
}

BOOST_FIXTURE_TEST_CASE(req06_withdrawal_denies_what_follows_and_rewrites_nothing, Consenting) {
  BOOST_TEST(Reason("adult") == "no_consent");
  BOOST_REQUIRE(Give("adult", {"adult"}).ok());
  const auto granted = engine().snapshot();
  const Decision allowed = Decide(For("adult"));
  BOOST_TEST(ReasonOf(allowed) == "allowed");

  clock().Advance(absl::Minutes(10));
  // The same API class, no more parameters than the grant: who, what, how.
  auto withdrawn = WithdrawConsent(engine(), "adult", "atelier", ConsentScope::kProcessing,
                                   "adult", ConsentChannel::kPaper, "sw1");
  BOOST_REQUIRE_MESSAGE(withdrawn.ok(), withdrawn.status().message());
  const Decision denied = Decide(For("adult"));
  BOOST_TEST(ReasonOf(denied) == "no_consent");
  BOOST_TEST((RuleKindOf(denied.rule) == RuleKind::kConsent));
  BOOST_TEST(engine().RuleName(denied.rule) == "consents");
  BOOST_TEST(Status("adult") == "withdrawn");

  // The decision taken before is still what its revision says.
  auto before = granted->Decide(For("adult"));
  BOOST_REQUIRE(before.ok());
  BOOST_TEST(before->allowed());
  BOOST_TEST(before->revision == allowed.revision);
  auto history = Consents(*engine().snapshot(), "adult");
  BOOST_REQUIRE(history->size() == 1u);
  BOOST_TEST((*history)[0].withdrawn_by == "adult");
  BOOST_TEST((*history)[0].ended_revision == *withdrawn);
  BOOST_TEST(((*history)[0].withdrawal_channel == ConsentChannel::kPaper));

  // Explain names the consent as the decisive check.
  auto e = engine().Explain(For("adult"));
  BOOST_REQUIRE(e.ok());
  bool found = false;
  for (const ExplanationStep& step : e->steps) {
    if (step.check != "consent") continue;
    found = true;
    BOOST_TEST(!step.passed);
    BOOST_TEST(step.decisive);
    BOOST_TEST(step.detail.find("withdrawn") != std::string::npos, step.detail);
  }
  BOOST_TEST(found);
  // Withdrawing again: nothing in force.
  BOOST_TEST(CodeOf(WithdrawConsent(engine(), "adult", "atelier", ConsentScope::kProcessing,
                                    "adult", ConsentChannel::kPaper, "sw1")
                        .status()) == "NOT_FOUND");
}

BOOST_FIXTURE_TEST_CASE(req07_nothing_is_consented_by_default_and_nothing_is_bundled,
                        Consenting) {
  BOOST_REQUIRE(engine().UpsertPerson({"newcomer", {"t1"}}).ok());
  BOOST_TEST(Status("newcomer") == "not_given");
  BOOST_TEST(Reason("newcomer") == "no_consent");
  // A person without any state at all: no consent, and ListPersons does not list them.
  auto listed = engine().snapshot()->ListPersons(Pro("sw1"), Category("social"),
                                                 Purpose("atelier"));
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST(listed->empty());
  // Two purposes in one grant: not an activity of the policy.
  const uint64_t revision = engine().revision();
  auto bundled = Give("newcomer", {"newcomer"}, "atelier,suivi_sante");
  BOOST_TEST(CodeOf(bundled.status()) == "NOT_FOUND");
  BOOST_TEST(std::string(bundled.status().message()).find("REQ-07") != std::string::npos);
  BOOST_TEST(engine().revision() == revision);
  // One call, one purpose: the other stays not given.
  BOOST_REQUIRE(Give("newcomer", {"newcomer"}).ok());
  BOOST_TEST(Status("newcomer") == "valid");
  BOOST_TEST(Status("newcomer", "suivi_sante") == "not_given");
  listed = engine().snapshot()->ListPersons(Pro("sw1"), Category("social"), Purpose("atelier"));
  BOOST_TEST(*listed == (std::vector<uint32_t>{Person("newcomer")}));
}

BOOST_FIXTURE_TEST_CASE(req08_the_age_on_the_decision_day_says_who_consents, Consenting) {
  // 14 years and 364 days: the minor and both parents.
  BOOST_REQUIRE(Give("child", {"child"}).ok());
  BOOST_TEST(Status("child") == "incomplete_for_minor");
  BOOST_TEST(Reason("child") == "no_consent");
  BOOST_REQUIRE(Give("child", {"child", "mother"}).ok());
  BOOST_TEST(Status("child") == "incomplete_for_minor");
  // Under 15 with only the parents' consent: invalid.
  BOOST_REQUIRE(Give("child", {"mother", "father"}).ok());
  BOOST_TEST(Status("child") == "incomplete_for_minor");
  BOOST_TEST(Reason("child") == "no_consent");
  BOOST_REQUIRE(Give("child", {"child", "mother", "father"}).ok());
  BOOST_TEST(Status("child") == "valid");
  BOOST_TEST(Reason("child") == "allowed");

  // 15 years and 0 days: the minor alone suffices.
  BOOST_REQUIRE(Give("teen", {"teen"}).ok());
  BOOST_TEST(Status("teen") == "valid");
  BOOST_TEST(Reason("teen") == "allowed");
  // ... and the parents alone do not.
  BOOST_REQUIRE(Give("teen", {"mother", "father"}).ok());
  BOOST_TEST(Status("teen") == "incomplete_for_minor");

  // Born on 29 February 2012: 14 on 28 February 2027, 15 on 1 March 2027 (a common year).
  SetDay(CivilDay(2027, 2, 28));
  BOOST_REQUIRE(Give("leap", {"leap"}).ok());
  BOOST_TEST(Status("leap") == "incomplete_for_minor");
  // The day after, the consent given at 14 alone is still not enough: it was incomplete when
  // given.
  SetDay(CivilDay(2027, 3, 1));
  BOOST_TEST(Status("leap") == "incomplete_for_minor");
  BOOST_TEST(Reason("leap") == "no_consent");
  BOOST_REQUIRE(Give("leap", {"leap"}).ok());
  BOOST_TEST(Status("leap") == "valid");
  BOOST_TEST(Reason("leap") == "allowed");
}

BOOST_FIXTURE_TEST_CASE(req09_an_ended_representative_is_refused_the_current_one_consents,
                        Consenting) {
  const uint64_t revision = engine().revision();
  auto by_curator = Give("adult", {"gran"});
  BOOST_TEST(CodeOf(by_curator.status()) == "PERMISSION_DENIED");
  BOOST_TEST(std::string(by_curator.status().message()).find("REQ-09") != std::string::npos);
  BOOST_TEST(engine().revision() == revision);
  auto by_guardian = Give("adult", {"guardian"});
  BOOST_REQUIRE_MESSAGE(by_guardian.ok(), by_guardian.status().message());
  auto history = Consents(*engine().snapshot(), "adult");
  BOOST_REQUIRE(history->size() == 1u);
  BOOST_TEST((*history)[0].given_by == (std::vector<std::string>{"guardian"}));
  BOOST_TEST(Status("adult") == "valid");
  // Withdrawals and objections route the same way.
  BOOST_TEST(CodeOf(WithdrawConsent(engine(), "adult", "atelier", ConsentScope::kProcessing,
                                    "gran", ConsentChannel::kPaper, "sw1")
                        .status()) == "PERMISSION_DENIED");
  BOOST_TEST(WithdrawConsent(engine(), "adult", "atelier", ConsentScope::kProcessing, "guardian",
                             ConsentChannel::kPaper, "sw1")
                 .ok());
  // When the guardianship ends, a consent the guardian gave is no longer enough.
  BOOST_REQUIRE(Give("adult", {"guardian"}).ok());
  BOOST_REQUIRE(EndRepresentative(engine(), "adult", "guardian",
                                  RepresentativeKind::kGuardianship, CivilDay(2026, 6, 30), "sw1")
                    .ok());
  SetDay(CivilDay(2026, 7, 1));
  BOOST_TEST(Status("adult") == "incomplete_for_adult");
}

BOOST_FIXTURE_TEST_CASE(req16_an_objection_suspends_until_the_controller_decides, Consenting) {
  ObjectionSpec spec{"x1", ObjectionKind::kProcessing, "accompagnement", "x1", "", "sw1"};
  BOOST_TEST(ReasonFor("sw1", "x1", "social") == "allowed");
  auto recorded = RecordObjection(engine(), spec);
  BOOST_REQUIRE_MESSAGE(recorded.ok(), recorded.status().message());
  const Decision pending = Decide(Request("sw1", "x1", "social"));
  BOOST_TEST(ReasonOf(pending) == "objection_pending");
  BOOST_TEST(engine().RuleName(pending.rule) == "objections");
  // FilterView and ListPersons follow.
  std::vector<Visibility> view(1);
  const AccessRequest item = Request("sw1", "x1", "social");
  BOOST_REQUIRE(engine().snapshot()->FilterView({&item, 1}, absl::MakeSpan(view)).ok());
  BOOST_TEST((view[0] == Visibility::kAbsent));
  auto listed = engine().snapshot()->ListPersons(Pro("sw1"), Category("social"), Purpose());
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST((std::find(listed->begin(), listed->end(), Person("x1")) == listed->end()));
  BOOST_TEST((std::find(listed->begin(), listed->end(), Person("x3")) != listed->end()));
  // While it stands, it is not recorded twice.
  BOOST_TEST(CodeOf(RecordObjection(engine(), spec).status()) == "ALREADY_EXISTS");
  // The decision needs its grounds.
  BOOST_TEST(CodeOf(DecideObjection(engine(), "x1", "accompagnement",
                                    ObjectionOutcome::kCompellingLegitimateGrounds, " ", "mgr1")
                        .status()) == "INVALID_ARGUMENT");
  BOOST_REQUIRE(DecideObjection(engine(), "x1", "accompagnement",
                                ObjectionOutcome::kCompellingLegitimateGrounds,
                                "protection de l'enfance en cours", "mgr1")
                    .ok());
  BOOST_TEST(ReasonFor("sw1", "x1", "social") == "allowed");
  auto objections = Objections(*engine().snapshot(), "x1");
  BOOST_REQUIRE(objections->size() == 1u);
  BOOST_TEST(Name((*objections)[0].outcome) == "compelling_legitimate_grounds");
  BOOST_TEST((*objections)[0].justification == "protection de l'enfance en cours");
  BOOST_TEST((*objections)[0].decided_by == "mgr1");
  BOOST_TEST((*objections)[0].revision == *recorded);

  // A new objection, upheld this time, then withdrawn.
  clock().Advance(absl::Hours(1));
  BOOST_REQUIRE(RecordObjection(engine(), spec).ok());
  BOOST_TEST(ReasonFor("sw1", "x1", "social") == "objection_pending");
  BOOST_REQUIRE(DecideObjection(engine(), "x1", "accompagnement", ObjectionOutcome::kUpheld,
                                "aucun motif impérieux", "mgr1")
                    .ok());
  BOOST_TEST(ReasonFor("sw1", "x1", "social") == "objection_upheld");
  BOOST_TEST(CodeOf(DecideObjection(engine(), "x1", "accompagnement", ObjectionOutcome::kUpheld,
                                    "encore", "mgr1")
                        .status()) == "NOT_FOUND");
  BOOST_REQUIRE(
      WithdrawObjection(engine(), "x1", ObjectionKind::kProcessing, "accompagnement", "sw1").ok());
  BOOST_TEST(ReasonFor("sw1", "x1", "social") == "allowed");

  // No right to object to a consent-based or a legal-obligation activity.
  spec.purpose = "atelier";
  auto consent_based = RecordObjection(engine(), spec);
  BOOST_TEST(CodeOf(consent_based.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(std::string(consent_based.status().message()).find("consent_withdrawn") !=
             std::string::npos);
  spec.purpose = "signalement";
  BOOST_TEST(CodeOf(RecordObjection(engine(), spec).status()) == "FAILED_PRECONDITION");
  // An objection to sharing needs the evidence the person was told of the right (REQ-26).
  ObjectionSpec sharing{"x1", ObjectionKind::kSharing, "", "x1", "", "sw1"};
  BOOST_TEST(CodeOf(RecordObjection(engine(), sharing).status()) == "INVALID_ARGUMENT");
  sharing.informed_evidence = "notice remise le 28 mai";
  BOOST_TEST(RecordObjection(engine(), sharing).ok());
  BOOST_TEST(ReasonFor("sw1", "x1", "social") == "allowed");  // sharing decisions consult it
}

BOOST_FIXTURE_TEST_CASE(req25_a_sharing_consent_ends_when_the_case_closes, Consenting) {
  ConsentSpec spec = Spec("x1", {"x1"}, "accompagnement");
  spec.scope = ConsentScope::kSharing;
  spec.categories = {"social"};
  spec.recipient_roles = {"health_professional"};
  spec.supports = "dossier partagé";
  spec.security_measures = "messagerie sécurisée de santé";
  BOOST_REQUIRE(GiveConsent(engine(), spec).ok());
  BOOST_TEST(Status("x1", "accompagnement", ConsentScope::kSharing, "social", "hp1") == "valid");
  // Category A does not cover B; a recipient outside the roles is not covered.
  BOOST_TEST(Status("x1", "accompagnement", ConsentScope::kSharing, "financial", "hp1") ==
             "category_not_covered");
  BOOST_TEST(Status("x1", "accompagnement", ConsentScope::kSharing, "social", "sw3") ==
             "recipient_not_covered");
  // A SHARING consent does not open a processing.
  BOOST_TEST(Status("x1", "accompagnement", ConsentScope::kProcessing) == "not_given");

  // The case closes when the last team is unassigned.
  clock().Advance(absl::Hours(1));
  BOOST_REQUIRE(engine().Unassign("x1", "t1").ok());
  BOOST_TEST(Status("x1", "accompagnement", ConsentScope::kSharing, "social", "hp1") ==
             "case_closed");
  auto history = Consents(*engine().snapshot(), "x1");
  BOOST_TEST(Name((*history)[0].state) == "case_closed");
  BOOST_TEST((*history)[0].supports == "dossier partagé");
  BOOST_TEST((*history)[0].security_measures == "messagerie sécurisée de santé");
  // Reassigned, the case opens again without the consent.
  BOOST_REQUIRE(engine().Assign("x1", "t1").ok());
  BOOST_TEST(Status("x1", "accompagnement", ConsentScope::kSharing) == "case_closed");

  // An upsert with no team closes it too.
  spec.person = "x3";
  spec.given_by = {"x3"};
  BOOST_REQUIRE(GiveConsent(engine(), spec).ok());
  BOOST_REQUIRE(engine().UpsertPerson({"x3", {}, "sw3"}).ok());
  BOOST_TEST(Status("x3", "accompagnement", ConsentScope::kSharing) == "case_closed");

  // A withdrawal ends it.
  spec.person = "x2";
  spec.given_by = {"x2"};
  BOOST_REQUIRE(GiveConsent(engine(), spec).ok());
  BOOST_REQUIRE(WithdrawConsent(engine(), "x2", "accompagnement", ConsentScope::kSharing, "x2",
                                ConsentChannel::kInPerson, "sw3")
                    .ok());
  BOOST_TEST(Status("x2", "accompagnement", ConsentScope::kSharing, "social", "hp1") ==
             "withdrawn");
  // A SHARING consent names who may receive.
  spec.recipient_roles.clear();
  BOOST_TEST(CodeOf(GiveConsent(engine(), spec).status()) == "INVALID_ARGUMENT");
}

BOOST_FIXTURE_TEST_CASE(explicit_consent_covers_the_special_categories_only, Consenting) {
  // suivi_sante rests on a public task and relies on explicit consent for health data.
  BOOST_TEST(ReasonOf(Decide(For("x1", "suivi_sante", "administrative", "hp1"))) == "allowed");
  BOOST_TEST(ReasonOf(Decide(For("x1", "suivi_sante", "health", "hp1"))) == "no_consent");
  ConsentSpec spec = Spec("x1", {"x1"}, "suivi_sante");
  spec.categories = {"health"};
  BOOST_REQUIRE(GiveConsent(engine(), spec).ok());
  BOOST_TEST(ReasonOf(Decide(For("x1", "suivi_sante", "health", "hp1"))) == "allowed");
}

// A decision opens the person's state only for the facts it holds (PersonRecord::facts): each
// kind added or removed beside a consent is seen at once.
BOOST_FIXTURE_TEST_CASE(other_facts_beside_a_consent_are_seen, Consenting) {
  BOOST_REQUIRE(Give("x1", {"x1"}).ok());
  BOOST_TEST(Reason("x1") == "allowed");
  BOOST_REQUIRE(engine().Block("x1", "sw1").ok());
  BOOST_TEST(Reason("x1") == "blocked");
  BOOST_REQUIRE(engine().Unblock("x1", "sw1").ok());
  const MaskSpec mask{"x1", "", "social", MaskAudience::kEveryone, ""};
  BOOST_REQUIRE(engine().SetMask(mask).ok());
  BOOST_TEST(Reason("x1") == "masked");
  BOOST_REQUIRE(engine().RevokeMask(mask).ok());
  BOOST_TEST(Reason("x1") == "allowed");
  BOOST_TEST(Reason("x1", "accompagnement") == "allowed");
  BOOST_REQUIRE(RecordObjection(engine(), {"x1", ObjectionKind::kProcessing, "accompagnement",
                                           "x1", "", "sw1"})
                    .ok());
  BOOST_TEST(Reason("x1", "accompagnement") == "objection_pending");
  BOOST_TEST(Reason("x1") == "allowed");
  // A grant outside the teams, on a person with consents only.
  GrantSpec grant;
  grant.person = "x1";
  grant.professional = "sw3";
  BOOST_REQUIRE(engine().Grant(grant).ok());
  BOOST_TEST(ReasonOf(Decide(For("x1", "atelier", "social", "sw3"))) == "allowed_by_grant");
}

BOOST_FIXTURE_TEST_CASE(hostile_events_are_refused_and_change_nothing, Consenting) {
  BOOST_REQUIRE(Give("adult", {"adult"}).ok());
  const uint64_t revision = engine().revision();
  const auto before = Consents(*engine().snapshot(), "adult");
  struct Case {
    const char* name;
    ConsentSpec spec;
    const char* code;
  };
  std::vector<Case> cases;
  auto add = [&](const char* name, const char* code, auto change) {
    ConsentSpec spec = Spec("adult", {"adult"});
    change(spec);
    cases.push_back({name, spec, code});
  };
  add("unknown person", "NOT_FOUND", [](ConsentSpec& s) { s.person = "nobody"; });
  add("unknown purpose", "NOT_FOUND", [](ConsentSpec& s) { s.purpose = "nothing"; });
  add("not consent-based", "FAILED_PRECONDITION",
      [](ConsentSpec& s) { s.purpose = "accompagnement"; });
  add("hash of 31 bytes", "INVALID_ARGUMENT",
      [](ConsentSpec& s) { s.information_sha256.resize(31); });
  add("hash of 33 bytes", "INVALID_ARGUMENT",
      [](ConsentSpec& s) { s.information_sha256.push_back('x'); });
  add("no information version", "INVALID_ARGUMENT",
      [](ConsentSpec& s) { s.information_version.clear(); });
  add("representative of nobody", "PERMISSION_DENIED",
      [](ConsentSpec& s) { s.given_by = {"mother"}; });
  add("unknown giver", "NOT_FOUND", [](ConsentSpec& s) { s.given_by = {"adult", "nobody"}; });
  add("nobody gives", "INVALID_ARGUMENT", [](ConsentSpec& s) { s.given_by.clear(); });
  add("no recorder", "INVALID_ARGUMENT", [](ConsentSpec& s) { s.recorded_by.clear(); });
  add("unknown recorder", "NOT_FOUND", [](ConsentSpec& s) { s.recorded_by = "ghost"; });
  add("no channel", "INVALID_ARGUMENT",
      [](ConsentSpec& s) { s.channel = static_cast<ConsentChannel>(0); });
  add("scope out of range", "INVALID_ARGUMENT",
      [](ConsentSpec& s) { s.scope = static_cast<ConsentScope>(7); });
  add("expired already", "OUT_OF_RANGE",
      [](ConsentSpec& s) { s.expires_at = absl::FromUnixSeconds(kStart - 1); });
  add("unknown category", "NOT_FOUND", [](ConsentSpec& s) { s.categories = {"nothing"}; });
  add("category the purpose does not declare", "FAILED_PRECONDITION",
      [](ConsentSpec& s) { s.categories = {"financial"}; });
  add("recipients on a processing consent", "INVALID_ARGUMENT",
      [](ConsentSpec& s) { s.recipients = {"hp1"}; });
  add("unknown recipient", "NOT_FOUND", [](ConsentSpec& s) {
    s.scope = ConsentScope::kSharing;
    s.recipients = {"ghost"};
  });
  add("unknown recipient role", "NOT_FOUND", [](ConsentSpec& s) {
    s.scope = ConsentScope::kSharing;
    s.recipient_roles = {"astronaut"};
  });
  add("evidence too long", "INVALID_ARGUMENT",
      [](ConsentSpec& s) { s.evidence_reference = std::string(5000, 'e'); });
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      const absl::Status status = GiveConsent(engine(), c.spec).status();
      BOOST_TEST(CodeOf(status) == c.code, status.message());
      // No message names a person (professional ids may be named, as elsewhere).
      for (const char* id : {"adult", "mother", "nobody"}) {
        BOOST_TEST(std::string(status.message()).find(std::string("'") + id + "'") ==
                   std::string::npos);
      }
    }
  }
  BOOST_TEST(CodeOf(WithdrawConsent(engine(), "adult", "suivi_sante", ConsentScope::kProcessing,
                                    "adult", ConsentChannel::kPaper, "sw1")
                        .status()) == "NOT_FOUND");
  BOOST_TEST(CodeOf(WithdrawConsent(engine(), "adult", "atelier", ConsentScope::kProcessing,
                                    "mother", ConsentChannel::kPaper, "sw1")
                        .status()) == "PERMISSION_DENIED");
  BOOST_TEST(CodeOf(WithdrawConsent(engine(), "adult", "atelier", ConsentScope::kProcessing,
                                    "adult", static_cast<ConsentChannel>(0), "sw1")
                        .status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(RecordObjection(engine(), {"adult", ObjectionKind::kProcessing,
                                               "accompagnement", "mother", "", "sw1"})
                        .status()) == "PERMISSION_DENIED");
  BOOST_TEST(CodeOf(RecordObjection(engine(), {"adult", static_cast<ObjectionKind>(5),
                                               "accompagnement", "adult", "", "sw1"})
                        .status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(DecideObjection(engine(), "adult", "accompagnement",
                                    static_cast<ObjectionOutcome>(9), "motif", "mgr1")
                        .status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(WithdrawObjection(engine(), "adult", ObjectionKind::kProcessing,
                                      "accompagnement", "sw1")
                        .status()) == "NOT_FOUND");
  BOOST_TEST(engine().revision() == revision);
  const auto after = Consents(*engine().snapshot(), "adult");
  BOOST_REQUIRE(after->size() == before->size());
  BOOST_TEST(Name((*after)[0].state) == "valid");
  BOOST_TEST(Objections(*engine().snapshot(), "adult")->empty());
}

// Every (actor, person, category, purpose) of the scenario, decided.
std::vector<std::string> DecideAll(AccessEngine& engine) {
  std::vector<std::string> out;
  const auto snapshot = engine.snapshot();
  for (const char* actor : {"sw1", "sw3", "hp1", "tr1"}) {
    for (const char* person : {"x1", "x2", "x3", "child", "teen", "adult"}) {
      for (const char* category : {"administrative", "social", "health"}) {
        for (const char* purpose : {"accompagnement", "atelier", "suivi_sante"}) {
          AccessRequest r;
          r.actor = *engine.FindProfessional(actor);
          r.person = *engine.FindPerson(person);
          r.category = *engine.FindCategory(category);
          r.purpose = *engine.FindPurpose(purpose);
          out.push_back(ReasonOf(snapshot->Decide(r)));
        }
      }
    }
  }
  return out;
}

// ISO/IEC TS 27560's notice language: the BCP 47 tag of the information text shown, "fr" when
// none is named; anything that is not a tag is refused with a message naming the field, never
// the text sent.
BOOST_FIXTURE_TEST_CASE(the_notice_language_is_a_bcp_47_tag_fr_by_default, Consenting) {
  auto language_of = [&](const std::string& person) {
    auto consents = Consents(*engine().snapshot(), person);
    BOOST_REQUIRE(consents.ok());
    BOOST_REQUIRE(!consents->empty());
    return consents->back().notice_language;
  };
  BOOST_REQUIRE(Give("adult", {"adult"}).ok());
  BOOST_TEST(language_of("adult") == "fr");  // ConsentSpec's default
  ConsentSpec spec = Spec("adult", {"adult"});
  spec.notice_language = "";
  BOOST_REQUIRE(GiveConsent(engine(), spec).ok());
  BOOST_TEST(language_of("adult") == "fr");
  for (const char* tag :
       {"en", "fr-FR", "FR-fr", "ar", "zh-Hant-TW", "sl-rozaj-biske", "de-CH-1996",
        "en-US-u-ca-gregory", "zh-yue-HK", "es-419", "x-langue-des-signes", "fr-x-facile"}) {
    spec.notice_language = tag;
    auto given = GiveConsent(engine(), spec);
    BOOST_TEST(given.ok(), tag << ": " << given.status().message());
    BOOST_TEST(language_of("adult") == tag);
  }
  const uint64_t before = engine().revision();
  for (const std::string& tag : std::vector<std::string>{
           "not a tag", "f", "fr_FR", "fr-", "-fr", "fr--FR", "123", "français", "abcdefghi",
           "en-US-x", "x", "fr-FR-a", "fr-FR-a-", "i-klingon", "fr\n", std::string(70, 'a')}) {
    spec.notice_language = tag;
    auto refused = GiveConsent(engine(), spec);
    BOOST_TEST(CodeOf(refused.status()) == "INVALID_ARGUMENT", tag);
    const std::string message(refused.status().message());
    BOOST_TEST(absl::StrContains(message, "consent_given.notice_language is not a BCP 47"),
               message);
    if (tag.size() > 3) BOOST_TEST(!absl::StrContains(message, tag), message);
  }
  BOOST_TEST(engine().revision() == before);
  // A ConsentGiven recorded before the field existed reads as French.
  v1::StateEvent event;
  event.set_format_version(1);
  event.mutable_at()->set_seconds(absl::ToUnixSeconds(clock().Now()));
  event.set_recorded_by("sw1");
  v1::ConsentGiven* e = event.mutable_consent_given();
  e->set_person("mother");
  e->set_purpose("atelier");
  e->set_scope(v1::ConsentGiven::PROCESSING);
  e->add_given_by("mother");
  e->set_information_version("notice-ateliers-v2");
  e->set_information_sha256(std::string(32, '\x11'));
  e->set_channel(v1::PAPER);
  auto applied = engine().ApplyEvent(event.SerializeAsString());
  BOOST_REQUIRE_MESSAGE(applied.ok(), applied.status().message());
  BOOST_TEST(language_of("mother") == "fr");
}

BOOST_AUTO_TEST_CASE(a_reopened_or_restored_engine_decides_the_same) {
  FakeClock clock(absl::FromUnixSeconds(Scenario::kStart));
  AccessEngine::Options options;
  options.clock = &clock;
  const Policy policy = LoadPolicy(ConsentPolicyText());
  auto record = std::make_shared<MemoryEngineRecord>();
  auto opened = AccessEngine::Open(policy, record, options);
  BOOST_REQUIRE(opened.ok());
  AccessEngine& engine = **opened;
  DirectoryData d;
  d.professionals = {{"sw1", "social_worker", {"t1"}},
                     {"sw3", "social_worker", {"t2"}},
                     {"hp1", "health_professional", {"t1"}},
                     {"tr1", "trainee", {"t1"}},
                     {"mgr1", "manager", {"t1"}}};
  d.persons = {{"x1", {"t1"}},
               {"x2", {"t2"}},
               {"x3", {"t1"}, "sw3"},
               {"child", {"t1"}, "", "2011-05-29"},
               {"teen", {"t1"}, "", "2011-05-28"},
               {"mother", {"t1"}, "", "1985-01-02"},
               {"father", {"t1"}, "", "1983-07-14"},
               {"adult", {"t1"}, "", "1960-06-01"}};
  BOOST_REQUIRE(engine.LoadDirectory(d).ok());
  for (const char* parent : {"mother", "father"}) {
    BOOST_REQUIRE(SetRepresentative(engine, {"child", parent, RepresentativeKind::kParentalAuthority,
                                             CivilDay(2011, 5, 29), std::nullopt, "", "sw1"})
                      .ok());
  }
  auto give = [&](const std::string& person, std::vector<std::string> by,
                  const std::string& purpose, ConsentScope scope) {
    ConsentSpec spec = Consenting::Spec(person, std::move(by), purpose);
    spec.scope = scope;
    if (scope == ConsentScope::kSharing) spec.recipients = {"hp1"};
    if (purpose == "suivi_sante") spec.categories = {"health"};
    auto r = GiveConsent(engine, spec);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.status().message());
  };
  give("child", {"child", "mother", "father"}, "atelier", ConsentScope::kProcessing);
  give("teen", {"teen"}, "atelier", ConsentScope::kProcessing);
  {
    ConsentSpec spec = Consenting::Spec("x2", {"x2"}, "atelier");
    spec.notice_language = "ar";  // kept through the replay and the snapshot
    BOOST_REQUIRE(GiveConsent(engine, spec).ok());
  }
  give("adult", {"adult"}, "suivi_sante", ConsentScope::kProcessing);
  give("x1", {"x1"}, "accompagnement", ConsentScope::kSharing);
  give("x1", {"x1"}, "atelier", ConsentScope::kProcessing);
  BOOST_REQUIRE(RecordObjection(engine, {"x2", ObjectionKind::kProcessing, "accompagnement", "x2",
                                         "", "sw3"})
                    .ok());
  BOOST_REQUIRE(RecordObjection(engine, {"x3", ObjectionKind::kProcessing, "accompagnement", "x3",
                                         "", "sw1"})
                    .ok());
  BOOST_REQUIRE(DecideObjection(engine, "x3", "accompagnement", ObjectionOutcome::kUpheld,
                                "motif", "mgr1")
                    .ok());
  clock.Advance(absl::Minutes(5));
  BOOST_REQUIRE(WithdrawConsent(engine, "x1", "atelier", ConsentScope::kProcessing, "x1",
                                ConsentChannel::kOnline, "sw1")
                    .ok());
  BOOST_REQUIRE(engine.Unassign("x1", "t1").ok());  // closes x1's case: the SHARING consent ends
  BOOST_REQUIRE(engine.Assign("x1", "t1").ok());
  const std::vector<std::string> expected = DecideAll(engine);
  BOOST_TEST(std::count(expected.begin(), expected.end(), "no_consent") > 0);
  BOOST_TEST(std::count(expected.begin(), expected.end(), "objection_pending") > 0);
  BOOST_TEST(std::count(expected.begin(), expected.end(), "objection_upheld") > 0);
  BOOST_TEST(std::count(expected.begin(), expected.end(), "allowed") > 0);

  auto compare = [&](AccessEngine& other) {
    BOOST_TEST(other.revision() == engine.revision());
    BOOST_TEST(DecideAll(other) == expected, boost::test_tools::per_element());
    for (const char* person : {"x1", "x2", "x3", "child", "teen", "adult"}) {
      auto a = Consents(*engine.snapshot(), person);
      auto b = Consents(*other.snapshot(), person);
      BOOST_REQUIRE(a.ok());
      BOOST_REQUIRE(b.ok());
      BOOST_REQUIRE(a->size() == b->size());
      for (size_t i = 0; i < a->size(); ++i) {
        BOOST_TEST((*a)[i].given_by == (*b)[i].given_by);
        BOOST_TEST(((*a)[i].ended_at == (*b)[i].ended_at));
        BOOST_TEST(((*a)[i].state == (*b)[i].state));
        BOOST_TEST((*a)[i].revision == (*b)[i].revision);
        BOOST_TEST((*a)[i].ended_revision == (*b)[i].ended_revision);
        BOOST_TEST((*a)[i].information_sha256 == (*b)[i].information_sha256);
        BOOST_TEST((*a)[i].notice_language == (*b)[i].notice_language);
      }
      auto oa = Objections(*engine.snapshot(), person);
      auto ob = Objections(*other.snapshot(), person);
      BOOST_REQUIRE(oa->size() == ob->size());
      for (size_t i = 0; i < oa->size(); ++i) {
        BOOST_TEST(((*oa)[i].outcome == (*ob)[i].outcome));
        BOOST_TEST((*oa)[i].justification == (*ob)[i].justification);
        BOOST_TEST(((*oa)[i].decided_at == (*ob)[i].decided_at));
      }
    }
  };
  {
    auto replayed = AccessEngine::Open(policy, record, options);  // every event replayed
    BOOST_REQUIRE(replayed.ok());
    compare(**replayed);
  }
  BOOST_REQUIRE(engine.SaveSnapshot().ok());
  {
    auto restored = AccessEngine::Open(policy, record, options);  // from the snapshot
    BOOST_REQUIRE(restored.ok());
    compare(**restored);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
