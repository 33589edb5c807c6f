// One scenario per rule of docs/access-rules.md, with its boundaries: need-to-know (teams,
// referent, reassignment), the habilitation matrix, purposes, special categories, working notes,
// entry kinds, masks (item, category, audiences, author, referent, signalled and silent), blocks,
// break-the-glass (expiry at the exact second, refusals, objection while open), professionals who
// leave, grants, and ListPersons.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "socle/access.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

constexpr uint32_t kAllBreakGlassObligations = obligation::kLog | obligation::kBreakGlassFlag |
                                               obligation::kNotifyPerson | obligation::kOpenReview;

// A second activity that declares administrative data only.
constexpr char kAccueil[] = R"pb(
  activities {
    id: "accueil"
    name: "Accueil et orientation"
    purpose: "Accueillir et orienter les personnes"
    purpose_kind: ADMINISTRATION
    legal_basis: PUBLIC_TASK
    legal_basis_reference: "CASF L.123-2"
    data_categories: [ "administrative" ]
    person_categories: [ "personne_accompagnee" ]
    recipients { name: "Agents d'accueil" kind: INTERNAL }
    retention {
      data_category: "administrative"
      start: LAST_CONTACT_FROM_PERSON
      active_months: 24
      end_action: DELETE
    }
    security_measures: "Accès limité"
  }
)pb";

constexpr char kEntryKinds[] = R"pb(
  entry_kinds {
    kind: PROFESSIONAL_APPRECIATION
    reader_roles: [ "social_worker", "manager" ]
  }
  entry_kinds { kind: THIRD_PARTY_INFORMATION }
)pb";

const char kMasking[] = "masking { mode: SIGNALLED referent_keeps_access: false }";

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(need_to_know_team_and_referent) {
  Scenario s;
  BOOST_TEST(s.ReasonFor("sw1", "x1", "social") == "allowed");
  BOOST_TEST(s.ReasonFor("sw1", "x2", "social") == "not_assigned");
  const Decision d = s.Decide(s.Request("sw1", "x2", "social"));
  BOOST_TEST(d.rule == MakeRule(RuleKind::kNeedToKnow, kRuleIndexNone));
  BOOST_TEST(d.obligations == obligation::kLog);  // denials are logged too
  // sw3 is in t2 only, but is x3's referent.
  BOOST_TEST(s.ReasonFor("sw3", "x3", "social") == "allowed");
  auto e = s.engine().Explain(s.Request("sw3", "x3", "social"));
  BOOST_REQUIRE(e.ok());
  BOOST_TEST(e->ToString().find("'sw3' is the referent of person 'x3'") != std::string::npos,
             e->ToString());
  BOOST_REQUIRE(s.engine().SetReferent("x3", "").ok());
  BOOST_TEST(s.ReasonFor("sw3", "x3", "social") == "not_assigned");
}

BOOST_AUTO_TEST_CASE(reassignment_between_two_decisions) {
  Scenario s;
  const uint64_t r0 = s.engine().revision();
  const AccessRequest request = s.Request("sw1", "x2", "social");
  BOOST_TEST(ReasonOf(s.Decide(request)) == "not_assigned");
  BOOST_TEST(*s.engine().Assign("x2", "t1") == r0 + 1);
  Decision d = s.Decide(request);
  BOOST_TEST(ReasonOf(d) == "allowed");
  BOOST_TEST(d.revision == r0 + 1);
  BOOST_TEST(*s.engine().Unassign("x2", "t1") == r0 + 2);
  d = s.Decide(request);
  BOOST_TEST(ReasonOf(d) == "not_assigned");
  BOOST_TEST(d.revision == r0 + 2);

  // The professional moves from t1 to t2.
  ProfessionalEntry moved{"sw1", "social_worker", {"t2"}};
  BOOST_REQUIRE(s.engine().UpsertProfessional(moved).ok());
  BOOST_TEST(s.ReasonFor("sw1", "x1", "social") == "not_assigned");
  BOOST_TEST(s.ReasonFor("sw1", "x2", "social") == "allowed");
  // A change of role takes effect at once.
  ProfessionalEntry promoted{"sw1", "secretary", {"t2"}};
  BOOST_REQUIRE(s.engine().UpsertProfessional(promoted).ok());
  BOOST_TEST(s.ReasonFor("sw1", "x2", "social") == "role_does_not_allow");
}

BOOST_AUTO_TEST_CASE(only_referent_roles_may_be_referents) {
  Scenario s;
  const uint64_t before = s.engine().revision();
  auto set = s.engine().SetReferent("x3", "sec1");
  BOOST_TEST(CodeOf(set.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(std::string(set.status().message()).find("referent") != std::string::npos);
  BOOST_TEST(s.engine().revision() == before);
  BOOST_TEST(s.ReasonFor("sw3", "x3", "social") == "allowed");
}

BOOST_AUTO_TEST_CASE(habilitation_matrix) {
  Scenario s;
  Decision d = s.Decide(s.Request("sec1", "x1", "administrative"));
  BOOST_TEST(ReasonOf(d) == "allowed");
  BOOST_TEST(d.rule == MakeRule(RuleKind::kHabilitation, 2));  // the secretary's row
  BOOST_TEST(s.engine().RuleName(d.rule) == "habilitations[2]");
  d = s.Decide(s.Request("sec1", "x1", "social"));
  BOOST_TEST(ReasonOf(d) == "role_does_not_allow");
  BOOST_TEST(d.rule == MakeRule(RuleKind::kHabilitation, kRuleIndexNone));
  BOOST_TEST(s.ReasonFor("tr1", "x1", "administrative", Action::kWrite) == "role_does_not_allow");
  BOOST_TEST(s.ReasonFor("mgr1", "x1", "administrative", Action::kWrite) == "allowed");
  BOOST_TEST(s.ReasonFor("sw1", "x1", "administrative", Action::kWrite) == "role_does_not_allow");
  BOOST_TEST(s.ReasonFor("sw1", "x1", "social", Action::kDelete) == "role_does_not_allow");
}

BOOST_AUTO_TEST_CASE(category_outside_the_purpose) {
  Scenario s(PolicyVariant({}, kAccueil));
  AccessRequest r = s.Request("sw1", "x1", "social");
  r.purpose = s.Purpose("accueil");
  const Decision d = s.Decide(r);
  BOOST_TEST(ReasonOf(d) == "category_outside_purpose");
  BOOST_TEST(d.rule == MakeRule(RuleKind::kPurpose, r.purpose));
  BOOST_TEST(s.engine().RuleName(d.rule) == "activities[1] (accueil)");
  r.category = s.Category("administrative");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed");
}

BOOST_AUTO_TEST_CASE(special_categories_need_secrecy) {
  Scenario s;
  BOOST_TEST(s.ReasonFor("hp1", "x1", "health") == "allowed");
  // hp2 holds a health role but their own secrecy status is none.
  const Decision d = s.Decide(s.Request("hp2", "x1", "health"));
  BOOST_TEST(ReasonOf(d) == "not_bound_by_secrecy");
  BOOST_TEST(d.rule == MakeRule(RuleKind::kSecrecy, kRuleIndexNone));
  BOOST_TEST(s.ReasonFor("hp2", "x1", "administrative") == "allowed");
  BOOST_TEST(s.ReasonFor("sw1", "x1", "health") == "role_does_not_allow");
  auto e = s.engine().Explain(s.Request("hp1", "x1", "health"));
  BOOST_TEST(e->ToString().find("art. 9(2) health_or_social_care") != std::string::npos,
             e->ToString());
}

BOOST_AUTO_TEST_CASE(working_notes_are_their_authors_alone) {
  Scenario s;
  AccessRequest r = s.Request("sw1", "x1", "social");
  r.kind = EntryKind::kWorkingNote;
  r.author = s.Pro("sw1");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed");
  r.actor = s.Pro("sw2");
  const Decision d = s.Decide(r);
  BOOST_TEST(ReasonOf(d) == "working_note");
  BOOST_TEST(d.rule == MakeRule(RuleKind::kEntryKind, kRuleIndexNone));
  // Not even the person's referent or a manager.
  r.actor = s.Pro("mgr1");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "working_note");
}

BOOST_AUTO_TEST_CASE(entry_kind_rules) {
  Scenario s(PolicyVariant({}, kEntryKinds));
  AccessRequest r = s.Request("tr1", "x1", "social");
  r.kind = EntryKind::kAppreciation;
  r.author = s.Pro("sw1");
  Decision d = s.Decide(r);
  BOOST_TEST(ReasonOf(d) == "entry_kind_restricted");
  BOOST_TEST(s.engine().RuleName(d.rule) == "entry_kinds[0]");
  r.actor = s.Pro("sw2");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed");
  r.actor = s.Pro("mgr1");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed");
  r.actor = s.Pro("tr1");
  r.author = s.Pro("tr1");  // the trainee's own appreciation
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed");

  r.kind = EntryKind::kThirdPartyInformation;  // a rule without readers: the author only
  r.author = s.Pro("sw1");
  r.actor = s.Pro("sw2");
  d = s.Decide(r);
  BOOST_TEST(ReasonOf(d) == "entry_kind_restricted");
  BOOST_TEST(s.engine().RuleName(d.rule) == "entry_kinds[1]");
  r.actor = s.Pro("sw1");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed");

  r.kind = EntryKind::kFact;  // no rule for facts
  r.actor = s.Pro("tr1");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed");
}

BOOST_AUTO_TEST_CASE(item_mask_author_keeps_access_and_revocation) {
  Scenario s;
  MaskSpec mask{"x1", "doc-1", "", MaskAudience::kEveryone, ""};
  BOOST_REQUIRE(s.engine().SetMask(mask).ok());
  AccessRequest r = s.Request("sw2", "x1", "social");
  r.item = "doc-1";
  r.author = s.Pro("sw1");
  Decision d = s.Decide(r);
  BOOST_TEST(ReasonOf(d) == "masked");
  BOOST_TEST(d.obligations == (obligation::kLog | obligation::kShowPlaceholder));
  BOOST_TEST(d.rule == MakeRule(RuleKind::kMasking, 0));
  r.actor = s.Pro("sw1");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed_author_of_masked");
  r.actor = s.Pro("sw2");
  r.item = "doc-2";  // another item of the same person
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed");
  r.item = "doc-1";
  BOOST_REQUIRE(s.engine().RevokeMask(mask).ok());
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed");
}

BOOST_AUTO_TEST_CASE(category_mask_audiences) {
  Scenario s;
  BOOST_REQUIRE(s.engine().SetMask({"x1", "", "social", MaskAudience::kRole, "trainee"}).ok());
  BOOST_REQUIRE(
      s.engine().SetMask({"x1", "", "financial", MaskAudience::kProfessional, "sw2"}).ok());
  BOOST_TEST(s.ReasonFor("tr1", "x1", "social") == "masked");
  BOOST_TEST(s.ReasonFor("tr1", "x1", "administrative") == "allowed");
  BOOST_TEST(s.ReasonFor("sw2", "x1", "social") == "allowed");
  BOOST_TEST(s.ReasonFor("sw2", "x1", "financial") == "masked");
  BOOST_TEST(s.ReasonFor("sw1", "x1", "financial") == "allowed");
  // Masks are per person.
  BOOST_REQUIRE(s.engine().Assign("x2", "t1").ok());
  BOOST_TEST(s.ReasonFor("tr1", "x2", "social") == "allowed");
  auto e = s.engine().Explain(s.Request("tr1", "x1", "social"));
  BOOST_TEST(e->ToString().find("category 'social' is masked by the person from role 'trainee'") !=
                 std::string::npos,
             e->ToString());
}

BOOST_AUTO_TEST_CASE(referent_keeps_masked_access_when_the_policy_says_so) {
  for (const bool keeps : {false, true}) {
    Scenario s(
        PolicyVariant({{kMasking, keeps ? "masking { mode: SIGNALLED referent_keeps_access: true }"
                                        : kMasking}}));
    BOOST_REQUIRE(s.engine().SetMask({"x3", "note-7", "", MaskAudience::kEveryone, ""}).ok());
    AccessRequest r = s.Request("sw3", "x3", "social");
    r.item = "note-7";
    BOOST_TEST(ReasonOf(s.Decide(r)) == (keeps ? "allowed_referent_of_masked" : "masked"));
    // The vendor's own per-item mask follows the same rule.
    r.item = "other";
    r.masked = true;
    BOOST_TEST(ReasonOf(s.Decide(r)) == (keeps ? "allowed_referent_of_masked" : "masked"));
    // A colleague of the team does not keep access either way.
    r.actor = s.Pro("sw1");
    BOOST_TEST(ReasonOf(s.Decide(r)) == "masked");
  }
}

BOOST_AUTO_TEST_CASE(signalled_and_silent_masking_in_a_file_view) {
  for (const bool silent : {false, true}) {
    Scenario s(PolicyVariant({{kMasking, silent ? "masking { mode: SILENT }" : kMasking}}));
    BOOST_REQUIRE(s.engine().SetMask({"x1", "doc-1", "", MaskAudience::kEveryone, ""}).ok());
    std::vector<AccessRequest> items(3, s.Request("tr1", "x1", "social"));
    items[0].item = "doc-0";
    items[1].item = "doc-1";
    items[2].item = "doc-2";
    items[2].category = s.Category("financial");  // not for trainees
    std::vector<Visibility> shown(3);
    BOOST_REQUIRE(s.engine().FilterView(items, absl::MakeSpan(shown)).ok());
    BOOST_TEST(static_cast<int>(shown[0]) == static_cast<int>(Visibility::kVisible));
    BOOST_TEST(static_cast<int>(shown[1]) ==
               static_cast<int>(silent ? Visibility::kAbsent : Visibility::kPlaceholder));
    BOOST_TEST(static_cast<int>(shown[2]) == static_cast<int>(Visibility::kAbsent));
    const Decision d = s.Decide(items[1]);
    BOOST_TEST(ReasonOf(d) == "masked");
    BOOST_TEST(((d.obligations & obligation::kShowPlaceholder) != 0) == !silent);
  }
}

BOOST_AUTO_TEST_CASE(blocks) {
  Scenario s;
  const uint64_t r0 = s.engine().revision();
  BOOST_REQUIRE(s.engine().Block("x1", "sw2").ok());
  Decision d = s.Decide(s.Request("sw2", "x1", "administrative"));
  BOOST_TEST(ReasonOf(d) == "blocked");
  BOOST_TEST(d.rule == MakeRule(RuleKind::kBlock, 0));
  // A block wins over authorship and over working notes.
  AccessRequest own = s.Request("sw2", "x1", "social");
  own.author = s.Pro("sw2");
  own.kind = EntryKind::kWorkingNote;
  BOOST_TEST(ReasonOf(s.Decide(own)) == "blocked");
  BOOST_TEST(s.ReasonFor("sw1", "x1", "administrative") == "allowed");
  BOOST_TEST(s.ReasonFor("sw2", "x3", "administrative") == "allowed");
  BOOST_TEST(CodeOf(s.engine().Block("x1", "sw2").status()) == "ALREADY_EXISTS");
  BOOST_REQUIRE(s.engine().Unblock("x1", "sw2").ok());
  BOOST_TEST(s.ReasonFor("sw2", "x1", "administrative") == "allowed");
  BOOST_TEST(CodeOf(s.engine().Unblock("x1", "sw2").status()) == "NOT_FOUND");
  BOOST_TEST(s.engine().revision() == r0 + 2);
}

BOOST_AUTO_TEST_CASE(break_the_glass_expires_at_the_exact_second) {
  Scenario s;
  const AccessRequest r = s.Request("sw3", "x1", "social");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "not_assigned");
  auto session = s.engine().OpenBreakGlass(
      {"sw3", "x1", "astreinte", "Appel du SAMU, équipe injoignable", absl::Minutes(60)});
  BOOST_REQUIRE_MESSAGE(session.ok(), session.status().message());
  BOOST_TEST(session->opened_at == absl::FromUnixSeconds(Scenario::kStart));
  BOOST_TEST(session->expires_at == absl::FromUnixSeconds(Scenario::kStart + 3600));
  BOOST_TEST(session->revision == s.engine().revision());

  Decision d = s.Decide(r);
  BOOST_TEST(ReasonOf(d) == "allowed_break_glass");
  BOOST_TEST(d.rule == MakeRule(RuleKind::kBreakGlass, 0));
  BOOST_TEST(d.obligations == kAllBreakGlassObligations);  // x1 has no referent to tell

  s.clock().Set(session->expires_at - absl::Seconds(1));
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed_break_glass");
  s.clock().Set(session->expires_at - absl::Nanoseconds(1));
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed_break_glass");
  s.clock().Set(session->expires_at);
  BOOST_TEST(ReasonOf(s.Decide(r)) == "break_glass_expired");
  // A time of the request earlier than the clock does not reopen it (time_test.cc).
  AccessRequest earlier = r;
  earlier.time = session->expires_at - absl::Seconds(1);
  BOOST_TEST(ReasonOf(s.Decide(earlier)) == "break_glass_expired");
  auto e = s.engine().Explain(r);
  BOOST_TEST(e->ToString().find("session on person 'x1' ended at") != std::string::npos,
             e->ToString());
}

BOOST_AUTO_TEST_CASE(break_the_glass_obligations_and_masked_items) {
  for (const bool reveals : {false, true}) {
    Scenario s(
        PolicyVariant({{"reveals_masked_items: false",
                        reveals ? "reveals_masked_items: true" : "reveals_masked_items: false"}}));
    ProfessionalEntry outsider{"sw4", "social_worker", {"t3"}};
    BOOST_REQUIRE(s.engine().UpsertProfessional(outsider).ok());
    BOOST_REQUIRE(s.engine().OpenBreakGlass({"sw4", "x3", "urgence_vitale", "Danger", {}}).ok());
    AccessRequest r = s.Request("sw4", "x3", "social");
    Decision d = s.Decide(r);
    BOOST_TEST(ReasonOf(d) == "allowed_break_glass");
    // x3 has a referent (sw3): they are told too.
    BOOST_TEST(d.obligations == (kAllBreakGlassObligations | obligation::kNotifyReferent));
    r.masked = true;
    d = s.Decide(r);
    BOOST_TEST(ReasonOf(d) == (reveals ? "allowed_break_glass" : "masked"));
    BOOST_TEST((d.obligations & obligation::kBreakGlassFlag) != 0u);
    // The habilitation matrix still applies under break-the-glass.
    BOOST_TEST(s.ReasonFor("sw4", "x3", "health") == "role_does_not_allow");
  }
}

BOOST_AUTO_TEST_CASE(break_the_glass_default_duration_and_closing) {
  Scenario s;
  auto session = s.engine().OpenBreakGlass({"sw3", "x1", "astreinte", "Nuit", {}});
  BOOST_REQUIRE(session.ok());
  BOOST_TEST(session->expires_at - session->opened_at == absl::Minutes(240));
  s.clock().Advance(absl::Minutes(10));
  BOOST_REQUIRE(s.engine().CloseBreakGlass("sw3", "x1").ok());
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "break_glass_expired");
  BOOST_TEST(CodeOf(s.engine().CloseBreakGlass("sw1", "x1").status()) == "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(break_the_glass_refusals_change_nothing) {
  Scenario s;
  BOOST_REQUIRE(s.engine().RecordEmergencyAccessObjection("x2").ok());
  BOOST_REQUIRE(s.engine().Block("x3", "hp1").ok());
  const uint64_t before = s.engine().revision();
  struct Case {
    BreakGlassRequest request;
    const char* code;
    const char* words;
  };
  const Case cases[] = {
      {{"sw1", "x2", "astreinte", "Nuit", {}}, "PERMISSION_DENIED", "objected"},
      {{"sec1", "x2", "astreinte", "Nuit", {}}, "PERMISSION_DENIED", "allowed_roles"},
      {{"hp1", "x3", "astreinte", "Nuit", {}}, "PERMISSION_DENIED", "blocked"},
      {{"sw3", "x1", "astreinte", "Nuit", absl::Minutes(241)}, "OUT_OF_RANGE", "maximum"},
      {{"sw3", "x1", "astreinte", "Nuit", absl::Minutes(-5)}, "OUT_OF_RANGE", "negative"},
      {{"sw3", "x1", "curiosite", "Nuit", {}}, "NOT_FOUND", "urgence_vitale, astreinte"},
      {{"sw3", "x1", "astreinte", "  ", {}}, "INVALID_ARGUMENT", "justification"},
      {{"nobody", "x1", "astreinte", "Nuit", {}}, "NOT_FOUND", "'nobody'"},
  };
  for (const Case& c : cases) {
    auto session = s.engine().OpenBreakGlass(c.request);
    BOOST_TEST_CONTEXT(c.request.actor << " " << c.words) {
      BOOST_TEST(CodeOf(session.status()) == c.code);
      BOOST_TEST(std::string(session.status().message()).find(c.words) != std::string::npos,
                 session.status().message());
    }
  }
  BOOST_TEST(s.engine().revision() == before);

  Scenario disabled(PolicyVariant({{"enabled: true", "enabled: false"}}));
  auto refused = disabled.engine().OpenBreakGlass({"sw3", "x1", "astreinte", "Nuit", {}});
  BOOST_TEST(CodeOf(refused.status()) == "FAILED_PRECONDITION");
}

BOOST_AUTO_TEST_CASE(objection_recorded_while_a_session_is_open) {
  Scenario s;
  BOOST_REQUIRE(s.engine().OpenBreakGlass({"sw3", "x1", "astreinte", "Nuit", {}}).ok());
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "allowed_break_glass");
  s.clock().Advance(absl::Seconds(30));
  BOOST_REQUIRE(s.engine().RecordEmergencyAccessObjection("x1").ok());
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "break_glass_expired");
  BOOST_TEST(CodeOf(s.engine().OpenBreakGlass({"sw3", "x1", "astreinte", "Nuit", {}}).status()) ==
             "PERMISSION_DENIED");
  BOOST_TEST(CodeOf(s.engine().RecordEmergencyAccessObjection("x1").status()) == "ALREADY_EXISTS");
  BOOST_REQUIRE(s.engine().RevokeEmergencyAccessObjection("x1").ok());
  BOOST_REQUIRE(s.engine().OpenBreakGlass({"sw3", "x1", "astreinte", "Nuit", {}}).ok());
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "allowed_break_glass");
}

BOOST_AUTO_TEST_CASE(professional_who_left) {
  Scenario s;
  BOOST_REQUIRE(s.engine().ProfessionalLeaves("sw2").ok());
  AccessRequest r = s.Request("sw2", "x1", "social");
  r.author = s.Pro("sw2");
  r.masked = true;
  const Decision d = s.Decide(r);
  BOOST_TEST(ReasonOf(d) == "professional_left");
  BOOST_TEST(d.rule == MakeRule(RuleKind::kDirectory, 0));
  BOOST_TEST(CodeOf(s.engine().ProfessionalLeaves("sw2").status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(s.engine().OpenBreakGlass({"sw2", "x2", "astreinte", "Nuit", {}}).status()) ==
             "FAILED_PRECONDITION");
  ProfessionalEntry back{"sw2", "social_worker", {"t1"}};
  BOOST_REQUIRE(s.engine().UpsertProfessional(back).ok());
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed_author_of_masked");
}

BOOST_AUTO_TEST_CASE(grants_scope_and_expiry) {
  Scenario s;
  GrantSpec grant{"x2",
                  "sw1",
                  {"administrative"},
                  absl::FromUnixSeconds(Scenario::kStart) + absl::Hours(1),
                  "partage-2026-17"};
  BOOST_REQUIRE(s.engine().Grant(grant).ok());
  Decision d = s.Decide(s.Request("sw1", "x2", "administrative"));
  BOOST_TEST(ReasonOf(d) == "allowed_by_grant");
  BOOST_TEST(d.rule == MakeRule(RuleKind::kGrant, 0));
  BOOST_TEST(s.ReasonFor("sw1", "x2", "social") == "not_assigned");
  const uint32_t admin = s.Category("administrative");
  auto listed = s.engine().ListPersons(s.Pro("sw1"), admin, s.Purpose());
  BOOST_TEST((*listed == std::vector<uint32_t>{s.Person("x1"), s.Person("x2"), s.Person("x3")}));
  s.clock().Set(grant.expires_at);
  BOOST_TEST(s.ReasonFor("sw1", "x2", "administrative") == "not_assigned");
  listed = s.engine().ListPersons(s.Pro("sw1"), admin, s.Purpose());
  BOOST_TEST((*listed == std::vector<uint32_t>{s.Person("x1"), s.Person("x3")}));
  BOOST_REQUIRE(s.engine().RevokeGrant("x2", "sw1").ok());
  BOOST_TEST(CodeOf(s.engine().RevokeGrant("x2", "sw1").status()) == "NOT_FOUND");
  // A grant without categories or expiry covers everything until revoked.
  BOOST_REQUIRE(s.engine().Grant({"x2", "sw1", {}, absl::InfiniteFuture(), ""}).ok());
  BOOST_TEST(s.ReasonFor("sw1", "x2", "social") == "allowed_by_grant");
  BOOST_REQUIRE(s.engine().RevokeGrant("x2", "sw1").ok());
  BOOST_TEST(s.ReasonFor("sw1", "x2", "social") == "not_assigned");
}

BOOST_AUTO_TEST_CASE(list_persons_through_teams_referents_and_blocks) {
  Scenario s;
  const uint32_t social = s.Category("social");
  auto listed = s.engine().ListPersons(s.Pro("sw3"), social, s.Purpose());
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST((*listed == std::vector<uint32_t>{s.Person("x2"), s.Person("x3")}));
  BOOST_REQUIRE(s.engine().Block("x3", "sw3").ok());
  listed = s.engine().ListPersons(s.Pro("sw3"), social, s.Purpose());
  BOOST_TEST((*listed == std::vector<uint32_t>{s.Person("x2")}));
  // A category masked from the professional removes the person from the list.
  BOOST_REQUIRE(s.engine().SetMask({"x2", "", "social", MaskAudience::kProfessional, "sw3"}).ok());
  BOOST_TEST(s.engine().ListPersons(s.Pro("sw3"), social, s.Purpose())->empty());
  // Nobody when the role does not allow the category.
  BOOST_TEST(s.engine().ListPersons(s.Pro("sec1"), social, s.Purpose())->empty());
  BOOST_TEST(
      s.engine().ListPersons(s.Pro("sec1"), s.Category("administrative"), s.Purpose())->size() ==
      2u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
