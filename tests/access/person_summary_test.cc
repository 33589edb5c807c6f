// What the person sees (REQ-55; socle/person_summary.hpp): a 14-year-old with every kind of fact,
// summarised now and at an earlier time, after a snapshot reload, and as JSON that parses back
// into socle.v1.PersonSummary.
#include "socle/person_summary.hpp"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "sharing_util.h"
#include "socle/consent.hpp"
#include "socle/mandate.hpp"
#include "socle/representation.hpp"
#include "socle/sharing.hpp"
#include "socle/v1/person_summary.pb.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

constexpr char kFranceServices[] = "France Services Villeneuve";

// The sharing suites' policy, with workshops that rest on consent and mandates.
std::string SummaryPolicyText() {
  return PolicyVariant(
      {}, absl::StrCat(kSharingRules, ReadFile(TestDir() + "/consent_activity.textproto"), R"pb(
        mandates {
          procedures { id: "papers" label: "Papiers - Citoyenneté - Élections" }
          procedures { id: "family" label: "Famille - Scolarité" }
          habilitated_structures: [ "France Services Villeneuve" ]
          roles: [ "social_worker" ]
        }
      )pb"));
}

constexpr int64_t kStart = Scenario::kStart;  // 2026-05-28 20:26:40 UTC

// A service on a fake clock, on an engine of record (so a reload can be compared):
//   sw1 (referent of the child), sw2, sec1, mgr1, hp1 in team t1; hp3 in t3; aidant1 of France
//   Services in t1; child (t1, born 2012-03-10: 14 years old) with mother and father holding
//   parental authority.
// At kStart: the child and both parents consent to the workshops; aidant1 creates a mandate for
// papers and family, and uses it for papers. At +1 h: the mother objects, for the child, to the
// follow-up (accompagnement). At +2 h: the controller decides (compelling legitimate grounds), the
// mother withdraws the consent, the child revokes the mandate, the child masks a note and blocks
// sec1, sw1 shares the social evaluation with sw2 (CASF L.226-2-2, parents informed), an urgency
// exception is recorded for another share, and hp3 opens a break-the-glass session.
struct Family {
  Family() {
    engine = Open();
    DirectoryData d;
    d.professionals = {
        {"sw1", "social_worker", {"t1"}},
        {"sw2", "social_worker", {"t1"}},
        {"sec1", "secretary", {"t1"}},
        {"mgr1", "manager", {"t1"}},
        {"hp1", "health_professional", {"t1"}},
        {"hp3", "health_professional", {"t3"}},
        {"aidant1", "social_worker", {"t1"}, kFranceServices},
    };
    d.persons = {{"child", {"t1"}, "sw1", "2012-03-10"},
                 {"mother", {}, "", "1985-01-02"},
                 {"father", {}, "", "1983-07-14"},
                 {"alone", {"t1"}}};
    Require(engine->LoadDirectory(d).status());
    for (const char* parent : {"mother", "father"}) {
      RepresentativeSpec spec;
      spec.person = "child";
      spec.representative = parent;
      spec.kind = RepresentativeKind::kParentalAuthority;
      spec.from = absl::CivilDay(2012, 3, 10);
      spec.reference = "livret de famille";
      spec.recorded_by = "sw1";
      Require(SetRepresentative(*engine, spec).status());
    }

    ConsentSpec consent;
    consent.person = "child";
    consent.purpose = "atelier";
    consent.given_by = {"child", "mother", "father"};
    consent.information_version = "notice-ateliers-v2";
    consent.information_sha256 = std::string(32, '\xab');
    consent.channel = ConsentChannel::kPaper;
    consent.evidence_reference = "formulaire 2026-041";
    consent.recorded_by = "sw1";
    Require(GiveConsent(*engine, consent).status());
    MandateSpec mandate;
    mandate.mandate = "m1";
    mandate.person = "child";
    mandate.structure = kFranceServices;
    mandate.procedures = {"papers", "family"};
    mandate.duration_days = 31;
    mandate.template_version = "mandat-2026-01";
    mandate.aidant = "aidant1";
    mandate.involvement = {MandateInvolvement::Kind::kPresent, ""};
    Require(CreateMandate(*engine, mandate).status());
    Require(UseMandate(*engine, "m1", "papers", "aidant1", mandate.involvement).status());

    clock.Advance(absl::Hours(1));
    ObjectionSpec objection;
    objection.person = "child";
    objection.kind = ObjectionKind::kProcessing;
    objection.purpose = "accompagnement";
    objection.objected_by = "mother";
    objection.recorded_by = "sw1";
    Require(RecordObjection(*engine, objection).status());

    clock.Advance(absl::Hours(1));
    Require(DecideObjection(*engine, "child", "accompagnement",
                            ObjectionOutcome::kCompellingLegitimateGrounds,
                            "Mesure d'assistance éducative en cours", "mgr1")
                .status());
    Require(WithdrawConsent(*engine, "child", "atelier", ConsentScope::kProcessing, "mother",
                            ConsentChannel::kPaper, "sw1")
                .status());
    Require(RevokeMandate(*engine, "m1", {}, /*by_person=*/true, "aidant1").status());
    Require(engine->SetMask({"child", "note-7", "", MaskAudience::kEveryone, ""}).status());
    Require(engine->Block("child", "sec1").status());
    for (const char* who : {"child", "mother", "father"}) {
      InformationSpec spec;
      spec.person = "child";
      if (std::string(who) != "child") spec.informed = who;
      spec.share = "s1";
      spec.recipient = "sw2";
      spec.categories = {"social"};
      spec.recorded_by = "sw1";
      Require(RecordPersonInformed(*engine, spec).status());
    }
    SharingRequest share =
        Sharing::Request(SharingBasis::kCasfL226_2_2, "sw1", "sw2", "child", {kSocial}, "s1");
    auto shared = Share(*engine, share);
    Require(shared.status());
    BOOST_REQUIRE_MESSAGE(shared->granted, Name(shared->failed) << ": " << shared->sentence);
    InformationExceptionSpec urgency;
    urgency.person = "child";
    urgency.share = "s2";
    urgency.kind = InformationExceptionKind::kUrgency;
    urgency.justification = "Départ en urgence vers le foyer";
    urgency.recorded_by = "sw1";
    Require(RecordInformationException(*engine, urgency).status());
    Require(
        engine->OpenBreakGlass({"hp3", "child", "urgence_vitale", "Appel du SAMU", absl::Hours(1)})
            .status());
    clock.Advance(absl::Minutes(10));
  }

  static void Require(const absl::Status& status) {
    BOOST_REQUIRE_MESSAGE(status.ok(), status.message());
  }

  std::unique_ptr<AccessEngine> Open() {
    AccessEngine::Options options;
    options.clock = &clock;
    auto opened = AccessEngine::Open(LoadPolicy(SummaryPolicyText()), record, options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    return *std::move(opened);
  }

  PersonSummary Summary(absl::Time time = absl::InfinitePast()) const {
    auto summary = SummarisePerson(*engine->snapshot(), "child", time);
    BOOST_REQUIRE_MESSAGE(summary.ok(), summary.status().message());
    return *std::move(summary);
  }

  FakeClock clock{absl::FromUnixSeconds(kStart)};
  std::shared_ptr<MemoryEngineRecord> record = std::make_shared<MemoryEngineRecord>();
  std::unique_ptr<AccessEngine> engine;
};

absl::Time At(absl::Duration since_start) { return absl::FromUnixSeconds(kStart) + since_start; }

const AccessHolderInfo* Holder(const PersonSummary& s, const std::string& professional,
                               AccessBasis basis) {
  for (const AccessHolderInfo& h : s.access) {
    if (h.professional == professional && h.basis == basis) return &h;
  }
  return nullptr;
}

v1::PersonSummary Parsed(const std::string& json) {
  v1::PersonSummary message;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
  return message;
}

BOOST_AUTO_TEST_SUITE(person_summary)

BOOST_FIXTURE_TEST_CASE(every_part_of_a_minors_file_is_there, Family) {
  const PersonSummary s = Summary();
  BOOST_TEST(s.person == "child");
  BOOST_TEST(s.at == At(absl::Minutes(130)));
  BOOST_TEST(s.revision == engine->revision());
  BOOST_TEST(s.birth_date == "2012-03-10");
  BOOST_TEST(s.referent == "sw1");
  BOOST_TEST(s.teams == std::vector<std::string>{"t1"}, boost::test_tools::per_element());

  // The consent of the minor and both parents, then withdrawn by the mother.
  BOOST_REQUIRE(s.consents.size() == 1u);
  const ConsentInfo& c = s.consents[0];
  BOOST_TEST(c.purpose == "atelier");
  std::vector<std::string> givers = c.given_by;
  std::sort(givers.begin(), givers.end());
  BOOST_TEST(givers == (std::vector<std::string>{"child", "father", "mother"}),
             boost::test_tools::per_element());
  BOOST_TEST(c.information_version == "notice-ateliers-v2");
  BOOST_TEST(c.evidence_reference == "formulaire 2026-041");
  BOOST_TEST(c.given_at == At(absl::ZeroDuration()));
  BOOST_TEST(Name(c.state) == Name(ConsentState::kWithdrawn));
  BOOST_TEST(c.ended_at == At(absl::Hours(2)));
  BOOST_TEST(c.withdrawn_by == "mother");
  BOOST_TEST(c.ended_revision > c.revision);

  // The objection, decided.
  BOOST_REQUIRE(s.objections.size() == 1u);
  BOOST_TEST(s.objections[0].purpose == "accompagnement");
  BOOST_TEST(s.objections[0].objected_by == "mother");
  BOOST_TEST(Name(s.objections[0].outcome) == Name(ObjectionOutcome::kCompellingLegitimateGrounds));
  BOOST_TEST(s.objections[0].decided_by == "mgr1");
  BOOST_TEST(s.objections[0].decided_at == At(absl::Hours(2)));
  BOOST_TEST(!s.objects_to_emergency_access);

  BOOST_REQUIRE(s.representatives.size() == 2u);
  BOOST_TEST(s.representatives[0].representative == "mother");
  BOOST_TEST(s.representatives[1].representative == "father");
  BOOST_TEST(static_cast<int>(s.representatives[1].kind) ==
             static_cast<int>(RepresentativeKind::kParentalAuthority));

  BOOST_REQUIRE(s.masks.size() == 1u);
  BOOST_TEST(s.masks[0].item == "note-7");
  BOOST_TEST(s.masks[0].category.empty());
  BOOST_TEST(static_cast<int>(s.masks[0].audience) == static_cast<int>(MaskAudience::kEveryone));
  BOOST_TEST(s.blocked == std::vector<std::string>{"sec1"}, boost::test_tools::per_element());

  // The mandate used for papers, then revoked by the child.
  BOOST_REQUIRE(s.mandates.size() == 1u);
  const MandateInfo& m = s.mandates[0];
  BOOST_TEST(m.mandate == "m1");
  BOOST_TEST(m.structure == kFranceServices);
  BOOST_TEST(m.aidant == "aidant1");
  BOOST_TEST(static_cast<int>(m.state) == static_cast<int>(MandateState::kRevoked));
  BOOST_REQUIRE(m.procedures.size() == 2u);
  BOOST_TEST(m.procedures[0].procedure == "papers");
  BOOST_TEST(m.procedures[0].uses == 1u);
  BOOST_TEST(m.procedures[0].revoked_by_person);
  BOOST_TEST(m.procedures[1].uses == 0u);

  // The share, with its recipient, items and basis.
  BOOST_REQUIRE(s.shares.size() == 1u);
  BOOST_TEST(s.shares[0].share == "s1");
  BOOST_TEST(s.shares[0].emitter == "sw1");
  BOOST_TEST(s.shares[0].recipient == "sw2");
  BOOST_TEST(static_cast<int>(s.shares[0].basis) == static_cast<int>(SharingBasis::kCasfL226_2_2));
  BOOST_TEST(s.shares[0].items == std::vector<std::string>{"i-social"},
             boost::test_tools::per_element());
  BOOST_TEST(s.shares[0].active);

  BOOST_REQUIRE(s.open_follow_ups.size() == 1u);
  BOOST_TEST(s.open_follow_ups[0].share == "s2");
  BOOST_TEST(static_cast<int>(s.open_follow_ups[0].kind) ==
             static_cast<int>(InformationExceptionKind::kUrgency));

  BOOST_REQUIRE(s.break_glass_sessions.size() == 1u);
  BOOST_TEST(s.break_glass_sessions[0].professional == "hp3");
  BOOST_TEST(s.break_glass_sessions[0].role == "health_professional");
  BOOST_TEST(s.break_glass_sessions[0].reason_code == "urgence_vitale");
  BOOST_TEST(s.break_glass_sessions[0].expires_at == At(absl::Hours(3)));

  // Who can reach the file: the team (not sec1, blocked), the referent, the share's recipient,
  // the session; by vendor ids, roles and structures.
  const AccessHolderInfo* team = Holder(s, "aidant1", AccessBasis::kTeam);
  BOOST_REQUIRE(team != nullptr);
  BOOST_TEST(team->team == "t1");
  BOOST_TEST(team->role == "social_worker");
  BOOST_TEST(team->structure == kFranceServices);
  BOOST_TEST(Holder(s, "sw1", AccessBasis::kReferent) != nullptr);
  BOOST_TEST(Holder(s, "sw1", AccessBasis::kTeam) != nullptr);
  BOOST_TEST(Holder(s, "sw2", AccessBasis::kGrant) != nullptr);
  const AccessHolderInfo* glass = Holder(s, "hp3", AccessBasis::kBreakGlass);
  BOOST_REQUIRE(glass != nullptr);
  BOOST_TEST(glass->expires_at == At(absl::Hours(3)));
  BOOST_TEST(std::none_of(s.access.begin(), s.access.end(),
                          [](const AccessHolderInfo& h) { return h.professional == "sec1"; }));
}

BOOST_FIXTURE_TEST_CASE(an_earlier_time_shows_what_stood_then, Family) {
  // Between the objection (+1 h) and the decisions (+2 h).
  const PersonSummary s = Summary(At(absl::Minutes(90)));
  BOOST_TEST(s.at == At(absl::Minutes(90)));
  BOOST_REQUIRE(s.consents.size() == 1u);
  BOOST_TEST(Name(s.consents[0].state) == Name(ConsentState::kValid));
  BOOST_TEST(s.consents[0].ended_at == absl::InfiniteFuture());
  BOOST_TEST(s.consents[0].withdrawn_by.empty());
  BOOST_TEST(s.consents[0].ended_revision == 0u);
  BOOST_REQUIRE(s.objections.size() == 1u);
  BOOST_TEST(Name(s.objections[0].outcome) == Name(ObjectionOutcome::kPending));
  BOOST_TEST(s.objections[0].justification.empty());
  BOOST_TEST(s.objections[0].decided_revision == 0u);
  BOOST_REQUIRE(s.mandates.size() == 1u);
  BOOST_TEST(static_cast<int>(s.mandates[0].state) == static_cast<int>(MandateState::kActive));
  BOOST_TEST(!s.mandates[0].procedures[0].revoked_at.has_value());
  BOOST_TEST(s.shares.empty());
  BOOST_TEST(s.open_follow_ups.empty());
  BOOST_TEST(s.break_glass_sessions.empty());

  // Before anything: no consent, objection or mandate yet.
  const PersonSummary before = Summary(At(-absl::Minutes(1)));
  BOOST_TEST(before.consents.empty());
  BOOST_TEST(before.objections.empty());
  BOOST_TEST(before.mandates.empty());
  BOOST_TEST(before.representatives.size() == 2u);  // date ranges, shown with them

  // Once the deferred information is recorded, the follow-up closes from then on only.
  InformationSpec spec;
  spec.person = "child";
  spec.share = "s2";
  spec.recipient = "sw2";
  spec.categories = {"social"};
  spec.recorded_by = "sw1";
  Require(RecordPersonInformed(*engine, spec).status());
  BOOST_TEST(Summary().open_follow_ups.empty());
  BOOST_TEST(Summary(At(absl::Minutes(125))).open_follow_ups.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(an_unknown_person_is_not_found_and_not_named, Family) {
  const auto summary = SummarisePerson(*engine->snapshot(), "inconnu-4711");
  BOOST_TEST(CodeOf(summary.status()) == "NOT_FOUND");
  BOOST_TEST(std::string(summary.status().message()).find("inconnu-4711") == std::string::npos);
  const auto empty = SummarisePerson(*engine->snapshot(), "");
  BOOST_TEST(!empty.ok());
}

BOOST_FIXTURE_TEST_CASE(a_person_with_no_facts_has_an_empty_summary, Family) {
  auto s = SummarisePerson(*engine->snapshot(), "alone");
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->consents.empty());
  BOOST_TEST(s->masks.empty());
  BOOST_TEST(s->birth_date.empty());
  BOOST_TEST(Holder(*s, "sw1", AccessBasis::kTeam) != nullptr);
  BOOST_TEST(Holder(*s, "sec1", AccessBasis::kTeam) != nullptr);  // only the child blocked sec1
}

BOOST_FIXTURE_TEST_CASE(a_reloaded_engine_gives_the_same_summary, Family) {
  const std::string before = SerializePersonSummary(Summary());
  auto json_before = PersonSummaryJson(Summary());
  BOOST_REQUIRE(json_before.ok());
  Require(engine->SaveSnapshot());
  engine.reset();
  engine = Open();
  BOOST_TEST(SerializePersonSummary(Summary()) == before);
  auto json_after = PersonSummaryJson(Summary());
  BOOST_REQUIRE(json_after.ok());
  BOOST_TEST(*json_after == *json_before);
}

BOOST_FIXTURE_TEST_CASE(the_json_parses_back_into_the_proto, Family) {
  const PersonSummary s = Summary();
  auto json = PersonSummaryJson(s);
  BOOST_REQUIRE(json.ok());
  const v1::PersonSummary parsed = Parsed(*json);
  v1::PersonSummary binary;
  BOOST_REQUIRE(binary.ParseFromString(SerializePersonSummary(s)));
  BOOST_TEST(google::protobuf::util::MessageDifferencer::Equals(parsed, binary));
  // Self-describing: field names of the proto, enums by name, vendor ids, hex hashes.
  BOOST_TEST(json->find("\"given_by\"") != std::string::npos);
  BOOST_TEST(json->find("\"WITHDRAWN\"") != std::string::npos);
  BOOST_TEST(json->find("\"COMPELLING_LEGITIMATE_GROUNDS\"") != std::string::npos);
  BOOST_TEST(json->find("\"CASF_L226_2_2\"") != std::string::npos);
  BOOST_TEST(json->find("\"BREAK_GLASS\"") != std::string::npos);
  BOOST_TEST(parsed.format_version() == 1u);
  BOOST_TEST(parsed.person() == "child");
  BOOST_REQUIRE(parsed.consents_size() == 1);
  BOOST_TEST(parsed.consents(0).state() == v1::PersonSummary_Consent::WITHDRAWN);
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += "ab";
  BOOST_TEST(parsed.consents(0).information_sha256() == hex);
  BOOST_TEST(!parsed.consents(0).has_expires_at());  // never: left out
  BOOST_TEST(parsed.consents(0).given_at().seconds() == kStart);
  BOOST_REQUIRE(parsed.representatives_size() == 2);
  BOOST_TEST(parsed.representatives(0).from_date() == "2012-03-10");
  BOOST_TEST(parsed.representatives(0).in_force());
  BOOST_TEST(parsed.mandates(0).attestation_sha256().size() == 64u);
  BOOST_TEST(parsed.shares(0).basis() == v1::CASF_L226_2_2);
  BOOST_TEST(!parsed.shares(0).whole_file());
  // Round trip: printing the parsed message gives the same JSON.
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string again;
  BOOST_REQUIRE(google::protobuf::util::MessageToJsonString(parsed, &again, options).ok());
  BOOST_TEST(again == *json);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
