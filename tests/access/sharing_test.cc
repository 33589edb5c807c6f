// Sharing under professional secrecy and prior information (REQ-21 to REQ-29; socle/sharing.hpp):
// a passing and a failing fixture for every basis and every line of the sharing checklist, the
// item-level grant a share becomes, the history of shares, hostile events, and the same outcomes
// after a snapshot restore and a replay. Consent (line 7, passing) and objection (line 8) need
// the consent fold: tests/access/sharing_consent_test.cc.
#include "socle/sharing.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sharing_util.h"
#include "socle/access.hpp"
#include "socle/v1/events.pb.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

using B = SharingBasis;

BOOST_AUTO_TEST_SUITE(sharing)

// ---------------------------------------------------------------------------------------------
// Every basis: a passing and a failing fixture (REQ-22)

BOOST_FIXTURE_TEST_CASE(l1110_4_ii_exchange_between_professionals_in_charge, Sharing) {
  // x3 is in t1 (sw1) and has sw3 as referent: both in charge, different teams.
  Inform("x3", "s1", "sw3", {"social"});
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "sw3", "x3", {kSocial})) == "granted");
  // x1 is not sw3's case.
  Inform("x1", "s1", "sw3", {"social"});
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "sw3", "x1", {kSocial})) ==
             "not_in_care_of_same_person");
}

BOOST_FIXTURE_TEST_CASE(l1110_4_iii_team_needs_a_care_team_in_common, Sharing) {
  Inform("x1", "s1", "hp1", {"health"});
  BOOST_TEST(Failed(Request(B::kCspL1110_4_IIITeam, "sw1", "hp1", "x1", {kHealth})) == "granted");
  // sw1 and sw3 both care for x3, but in different teams.
  Inform("x3", "s1", "sw3", {"social"});
  BOOST_TEST(Failed(Request(B::kCspL1110_4_IIITeam, "sw1", "sw3", "x3", {kSocial})) ==
             "not_in_same_care_team");
  // adult is in t1 and t3: hp3 (t3) is in charge, yet shares no team with sw1.
  Inform("adult", "s1", "hp3", {"health"});
  BOOST_TEST(Failed(Request(B::kCspL1110_4_IIITeam, "sw1", "hp3", "adult", {kHealth})) ==
             "not_in_same_care_team");
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "hp3", "adult", {kHealth})) == "granted");
}

BOOST_FIXTURE_TEST_CASE(l1110_4_iii_consent_needs_the_persons_consent, Sharing) {
  // The passing fixture (a valid consent) is in sharing_consent_test.cc, with the consent fold.
  Inform("adult", "s1", "hp3", {"health"});
  const SharingOutcome o = Check(Request(B::kCspL1110_4_IIIConsent, "sw1", "hp3", "adult",
                                         {kHealth}));
  BOOST_TEST(Name(o.failed) == "no_sharing_consent");
  BOOST_TEST(o.sentence.find("adult") == std::string::npos);
  // Every check before it passed: with secrecy, case, purpose, items and information right.
  BOOST_TEST(o.information_revisions.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(l226_2_2_child_protection_between_bound_professionals, Sharing) {
  Inform("child", "s1", "sw2", {"social"}, "mother");
  Inform("child", "s1", "sw2", {"social"}, "father");
  BOOST_TEST(Failed(Request(B::kCasfL226_2_2, "sw1", "sw2", "child", {kSocial})) == "granted");
  // REQ-22's example: a recipient whose secrecy is none.
  Inform("child", "s2", "hp2", {"administrative"}, "mother");
  Inform("child", "s2", "hp2", {"administrative"}, "father");
  BOOST_TEST(Failed(Request(B::kCasfL226_2_2, "sw1", "hp2", "child", {kAdmin}, "s2")) ==
             "recipient_not_bound_by_secrecy");
}

BOOST_FIXTURE_TEST_CASE(l226_2_1_alert_to_the_crip, Sharing) {
  // The CRIP is not in charge of the child: the alert does not need the same case.
  Inform("child", "s1", "crip1", {"social"}, "mother");
  Inform("child", "s1", "crip1", {"social"}, "father");
  BOOST_TEST(Failed(Request(B::kCasfL226_2_1, "sw1", "crip1", "child", {kSocial})) == "granted");
  // Only what the rule names: financial data is not for the CRIP under this policy.
  BOOST_TEST(Failed(Request(B::kCasfL226_2_1, "sw1", "crip1", "child", {kFinancial})) ==
             "item_outside_sharing_rule");
}

BOOST_FIXTURE_TEST_CASE(l121_6_2_information_of_the_maire, Sharing) {
  // mgr1 is in t1 with x1: both in charge.
  Inform("x1", "s1", "mgr1", {"social"});
  BOOST_TEST(Failed(Request(B::kCasfL121_6_2, "sw1", "mgr1", "x1", {kSocial})) == "granted");
  // maire1 is not in charge of x1.
  Inform("x1", "s2", "maire1", {"social"});
  BOOST_TEST(Failed(Request(B::kCasfL121_6_2, "sw1", "maire1", "x1", {kSocial}, "s2")) ==
             "not_in_care_of_same_person");
}

BOOST_FIXTURE_TEST_CASE(cp_226_14_report_needs_no_prior_information, Sharing) {
  // A report: not in charge, not informed, emitter not bound (a secretary may report).
  BOOST_TEST(Failed(Request(B::kCp226_14, "sec1", "maire1", "x1", {kSocial})) == "granted");
  // The recipient must still be bound by secrecy (REQ-21).
  BOOST_TEST(Failed(Request(B::kCp226_14, "sw1", "sec1", "x1", {kAdmin})) ==
             "recipient_not_bound_by_secrecy");
}

BOOST_FIXTURE_TEST_CASE(legal_obligation_may_share_the_whole_file_where_the_policy_allows,
                        Sharing) {
  SharingRequest r = Request(B::kLegalObligation, "sw1", "maire1", "x1", {});
  r.whole_file = true;
  const SharingOutcome o = Check(r);
  BOOST_TEST(o.granted);
  // The rule's categories the recipient reads and the purpose declares.
  BOOST_TEST(o.categories == (std::vector<std::string>{"administrative", "social"}));
  // Not to a role the rule does not name.
  r.recipient = "crip1";
  BOOST_TEST(Failed(r) == "whole_file_not_allowed");
}

// ---------------------------------------------------------------------------------------------
// Every line of the checklist

BOOST_FIXTURE_TEST_CASE(line_1_a_basis_is_named, Sharing) {
  BOOST_TEST(Failed(Request(B::kUnspecified, "sw1", "sw2", "x1", {kSocial})) == "no_basis");
  BOOST_TEST(Failed(Request(static_cast<B>(42), "sw1", "sw2", "x1", {kSocial})) == "no_basis");
}

BOOST_FIXTURE_TEST_CASE(line_2_both_identified_and_bound_by_secrecy, Sharing) {
  Inform("x1", "s1", "sw2", {"social"});
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial})) == "granted");
  // The emitter is a secretary: L.1110-4 needs both bound.
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sec1", "sw2", "x1", {kSocial})) ==
             "emitter_not_bound_by_secrecy");
  // REQ-21: a SECRECY_NONE recipient is never a share recipient, on any basis.
  for (B basis : {B::kCspL1110_4_II, B::kCspL1110_4_IIITeam, B::kCspL1110_4_IIIConsent,
                  B::kCasfL226_2_2, B::kCasfL226_2_1, B::kCasfL121_6_2, B::kCp226_14,
                  B::kLegalObligation}) {
    BOOST_TEST(Failed(Request(basis, "sw1", "sec1", "x1", {kAdmin})) ==
               "recipient_not_bound_by_secrecy");
    BOOST_TEST(Failed(Request(basis, "sw1", "hp2", "x1", {kAdmin})) ==
               "recipient_not_bound_by_secrecy");
  }
  // A professional who left is no party.
  BOOST_REQUIRE(engine->ProfessionalLeaves("sw2").ok());
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial})) ==
             "party_not_identified");
  // Unknown ids are errors, not outcomes.
  auto unknown = CheckShare(*engine->snapshot(),
                            Request(B::kCspL1110_4_II, "sw1", "nobody", "x1", {kSocial}));
  BOOST_TEST(CodeOf(unknown.status()) == "NOT_FOUND");
}

BOOST_FIXTURE_TEST_CASE(line_3_same_case_at_the_decision_time, Sharing) {
  // REQ-23: the recipient is attached to the case at the decision time, not before nor after.
  Inform("x1", "s1", "sw3", {"social"});
  const SharingRequest r = Request(B::kCspL1110_4_II, "sw1", "sw3", "x1", {kSocial});
  BOOST_TEST(Failed(r) == "not_in_care_of_same_person");
  BOOST_REQUIRE(engine->SetReferent("x1", "sw3").ok());
  BOOST_TEST(Failed(r) == "granted");
  BOOST_REQUIRE(engine->SetReferent("x1", "").ok());
  BOOST_REQUIRE(engine->Assign("x1", "t2").ok());
  BOOST_TEST(Failed(r) == "granted");
  BOOST_REQUIRE(engine->Unassign("x1", "t2").ok());
  BOOST_TEST(Failed(r) == "not_in_care_of_same_person");
  // The emitter too.
  Inform("x1", "s1", "sw2", {"social"});
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw3", "sw2", "x1", {kSocial})) ==
             "not_in_care_of_same_person");
}

BOOST_FIXTURE_TEST_CASE(line_4_the_purpose_is_an_activity_of_the_policy, Sharing) {
  Inform("x1", "s1", "sw2", {"social"});
  SharingRequest r = Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial});
  BOOST_TEST(Failed(r) == "granted");
  r.purpose = "marketing";
  BOOST_TEST(Failed(r) == "purpose_not_allowed");
}

BOOST_FIXTURE_TEST_CASE(line_5_items_strictly_necessary_within_rules_and_habilitations,
                        Sharing) {
  Inform("x1", "s1", "sw2", {"social", "health", "financial", "administrative"});
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial, kAdmin})) ==
             "granted");
  // Nothing selected.
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {})) == "no_item_selected");
  // REQ-24: scope = ALL under the default policy (no allow_whole_file for this basis).
  SharingRequest all = Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {});
  all.whole_file = true;
  BOOST_TEST(Failed(all) == "whole_file_not_allowed");
  // A category no rule of the basis names.
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial, kFinancial})) ==
             "item_outside_sharing_rule");
  // REQ-24: an item type the recipient's category may not read (the rule names health, the
  // habilitation matrix keeps it from social workers).
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kHealth})) ==
             "item_outside_recipient_habilitations");
  // A role the rule does not name.
  Inform("x1", "s1", "mgr1", {"social"});
  BOOST_TEST(Failed(Request(B::kCspL1110_4_IIITeam, "sw1", "mgr1", "x1", {kSocial})) ==
             "item_outside_sharing_rule");
}

BOOST_FIXTURE_TEST_CASE(line_6_req_27_prior_information_or_an_exception, Sharing) {
  const SharingRequest r = Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial, kAdmin});
  // Neither information nor exception: refused.
  BOOST_TEST(Failed(r) == "person_not_informed");
  // Told of another recipient, or of another share, or not of every category: still refused.
  Inform("x1", "s1", "sw3", {"social", "administrative"});
  Inform("x1", "s9", "sw2", {"social", "administrative"});
  Inform("x1", "s1", "sw2", {"social"});
  BOOST_TEST(Failed(r) == "person_not_informed");
  Inform("x1", "s1", "sw2", {"social", "administrative"});
  const SharingOutcome o = Check(r);
  BOOST_TEST(o.granted);
  BOOST_REQUIRE(o.persons_to_inform.size() == 1u);
  BOOST_TEST(o.persons_to_inform[0].person == "x1");
  BOOST_TEST(o.persons_to_inform[0].informed);
  BOOST_TEST(o.information_revisions == (std::vector<uint64_t>{engine->snapshot()->revision()}));
  BOOST_TEST(!o.follow_up_open);
}

BOOST_FIXTURE_TEST_CASE(line_6_req_27_urgency_opens_a_follow_up_until_the_person_is_told,
                        Sharing) {
  const SharingRequest r = Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial}, "urgent");
  BOOST_TEST(Failed(r) == "person_not_informed");
  BOOST_REQUIRE(Except("x1", "urgent", InformationExceptionKind::kUrgency, "hospitalisation").ok());
  const uint64_t exception_revision = engine->snapshot()->revision();
  const SharingOutcome o = Granted(r);
  BOOST_TEST(o.follow_up_open);
  BOOST_TEST(o.exception_revision == exception_revision);
  auto open = OpenInformationFollowUps(*engine->snapshot(), "x1");
  BOOST_REQUIRE(open.ok());
  BOOST_REQUIRE(open->size() == 1u);
  BOOST_TEST((*open)[0].share == "urgent");
  BOOST_TEST(((*open)[0].kind == InformationExceptionKind::kUrgency));
  BOOST_TEST((*open)[0].revision == exception_revision);
  // The deferred information closes it.
  clock.Advance(absl::Hours(2));
  Inform("x1", "urgent", "sw2", {"social"});
  open = OpenInformationFollowUps(*engine->snapshot(), "x1");
  BOOST_REQUIRE(open.ok());
  BOOST_TEST(open->empty());
  // Impossibility works the same way.
  BOOST_REQUIRE(Except("x1", "later", InformationExceptionKind::kImpossibility).ok());
  BOOST_TEST(Check(Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial}, "later")).granted);
  open = OpenInformationFollowUps(*engine->snapshot(), "x1");
  BOOST_REQUIRE(open.ok());
  BOOST_TEST(open->size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(line_6_req_28_every_holder_of_parental_authority_is_informed, Sharing) {
  const SharingRequest r = Request(B::kCasfL226_2_2, "sw1", "sw2", "child", {kSocial});
  SharingOutcome o = Check(r);
  BOOST_TEST(Name(o.failed) == "person_not_informed");
  // The list: both parents required, the child offered with a maturity assessment.
  BOOST_REQUIRE(o.persons_to_inform.size() == 3u);
  BOOST_TEST(o.persons_to_inform[0].person == "mother");
  BOOST_TEST((o.persons_to_inform[0].relation == InformRelation::kParentalAuthority));
  BOOST_TEST(o.persons_to_inform[0].required);
  BOOST_TEST(o.persons_to_inform[1].person == "father");
  BOOST_TEST(o.persons_to_inform[2].person == "child");
  BOOST_TEST((o.persons_to_inform[2].relation == InformRelation::kChild));
  BOOST_TEST(!o.persons_to_inform[2].required);
  // One parent is not enough; the child alone is not enough.
  Inform("child", "s1", "sw2", {"social"}, "mother");
  InformationSpec child;
  child.person = "child";
  child.share = "s1";
  child.recipient = "sw2";
  child.categories = {"social"};
  child.maturity_assessment = "comprend la situation, 14 ans";
  child.recorded_by = "sw1";
  BOOST_REQUIRE(RecordPersonInformed(*engine, child).ok());
  BOOST_TEST(Failed(r) == "person_not_informed");
  Inform("child", "s1", "sw2", {"social"}, "father");
  o = Check(r);
  BOOST_TEST(o.granted);
  BOOST_TEST(o.information_revisions.size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(line_6_req_28_unless_contrary_to_the_childs_interest, Sharing) {
  const SharingRequest r = Request(B::kCasfL226_2_2, "sw1", "sw2", "child", {kSocial});
  // The exception needs a justification, and a minor.
  BOOST_TEST(CodeOf(Except("child", "s1", InformationExceptionKind::kContraryToChildInterest)) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Except("adult", "s1", InformationExceptionKind::kContraryToChildInterest,
                           "violences")) == "FAILED_PRECONDITION");
  BOOST_REQUIRE(Except("child", "s1", InformationExceptionKind::kContraryToChildInterest,
                       "violences intrafamiliales")
                    .ok());
  const SharingOutcome o = Check(r);
  BOOST_TEST(o.granted);
  BOOST_TEST(!o.follow_up_open);  // no deferred information is due
  BOOST_TEST(o.exception_revision == engine->snapshot()->revision());
  BOOST_TEST(o.sentence.find("violences") == std::string::npos);
  auto open = OpenInformationFollowUps(*engine->snapshot(), "child");
  BOOST_REQUIRE(open.ok());
  BOOST_TEST(open->empty());
}

BOOST_FIXTURE_TEST_CASE(line_9_req_29_no_onward_disclosure_of_l121_6_2_data, Sharing) {
  Inform("x1", "to-maire", "mgr1", {"social"});
  Granted(Request(B::kCasfL121_6_2, "sw1", "mgr1", "x1", {kSocial}, "to-maire"));
  // mgr1 received i-social under L.121-6-2: passing it on is refused on any basis.
  Inform("x1", "onward", "sw2", {"social", "administrative"});
  const SharingOutcome o =
      Check(Request(B::kCspL1110_4_II, "mgr1", "sw2", "x1", {kSocial}, "onward"));
  BOOST_TEST(Name(o.failed) == "onward_disclosure_forbidden");
  BOOST_TEST(Failed(Request(B::kCp226_14, "mgr1", "maire1", "x1", {kSocial}, "onward")) ==
             "onward_disclosure_forbidden");
  // Another item, and the same item from the one who wrote it, may be shared.
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "mgr1", "sw2", "x1", {kAdmin}, "onward")) ==
             "granted");
  BOOST_TEST(Failed(Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial}, "onward")) ==
             "granted");
}

// ---------------------------------------------------------------------------------------------
// The share becomes an item-level grant

BOOST_FIXTURE_TEST_CASE(the_recipient_reads_exactly_the_shared_items, Sharing) {
  // crip1 has no case in t1: before the alert, nothing.
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "social", "i-social")) == "not_assigned");
  Inform("x1", "alert", "crip1", {"social", "administrative"});
  const SharingOutcome o =
      Granted(Request(B::kCasfL226_2_1, "sw1", "crip1", "x1", {kSocial, kAdmin}, "alert"));
  BOOST_TEST(o.revision == engine->snapshot()->revision());
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "social", "i-social")) == "allowed_by_grant");
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "administrative", "i-admin")) == "allowed_by_grant");
  // Another item, no item, an item read as another category, another action: not shared.
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "social", "i-other")) == "item_not_shared");
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "social", "")) == "item_not_shared");
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "administrative", "i-social")) == "item_not_shared");
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "social", "i-social", Action::kWrite)) ==
             "item_not_shared");
  auto denied = engine->Decide(Read("crip1", "x1", "social", "i-other"));
  BOOST_REQUIRE(denied.ok());
  BOOST_TEST(static_cast<int>(denied->reason) == 34);
  BOOST_TEST((RuleKindOf(denied->rule) == RuleKind::kGrant));
  // Explain says which share.
  auto explained = engine->Explain(Read("crip1", "x1", "social", "i-social"));
  BOOST_REQUIRE(explained.ok());
  const std::string text = explained->ToString();
  BOOST_TEST(text.find("share 'alert'") != std::string::npos, text);
  BOOST_TEST(text.find("CASF L.226-2-1") != std::string::npos, text);
  explained = engine->Explain(Read("crip1", "x1", "social", "i-other"));
  BOOST_REQUIRE(explained.ok());
  BOOST_TEST(explained->ToString().find("none of which shares this item") != std::string::npos,
             explained->ToString());
  // The team still reads everything: shares add, they never take away.
  BOOST_TEST(ReasonFor(Read("sw2", "x1", "social", "i-other")) == "allowed");
}

BOOST_FIXTURE_TEST_CASE(shares_to_one_recipient_add_up_and_end_one_by_one, Sharing) {
  Inform("x1", "a", "crip1", {"social"});
  Inform("x1", "b", "crip1", {"administrative"});
  Granted(Request(B::kCasfL226_2_1, "sw1", "crip1", "x1", {kSocial}, "a"));
  Granted(Request(B::kCasfL226_2_1, "sw2", "crip1", "x1", {kAdmin}, "b"));
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "social", "i-social")) == "allowed_by_grant");
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "administrative", "i-admin")) == "allowed_by_grant");
  // A plain grant of another category adds to them too.
  GrantSpec plain;
  plain.person = "x1";
  plain.professional = "crip1";
  plain.categories = {"financial"};
  BOOST_REQUIRE(engine->Grant(plain).ok());
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "financial", "anything")) == "allowed_by_grant");
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "social", "i-social")) == "allowed_by_grant");
  // Ending share a leaves b and the plain grant.
  BOOST_REQUIRE(RevokeShare(*engine, "x1", "crip1", "a", "sw1").ok());
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "social", "i-social")) == "item_not_shared");
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "administrative", "i-admin")) == "allowed_by_grant");
  BOOST_TEST(CodeOf(RevokeShare(*engine, "x1", "crip1", "a", "sw1").status()) == "NOT_FOUND");
  // Revoking every grant of the professional ends the rest.
  BOOST_REQUIRE(engine->RevokeGrant("x1", "crip1").ok());
  BOOST_TEST(ReasonFor(Read("crip1", "x1", "administrative", "i-admin")) == "not_assigned");
  // The history keeps both shares (REQ-12).
  auto shares = Shares(*engine->snapshot(), "x1");
  BOOST_REQUIRE(shares.ok());
  BOOST_REQUIRE(shares->size() == 2u);
  BOOST_TEST((*shares)[0].share == "a");
  BOOST_TEST((*shares)[0].emitter == "sw1");
  BOOST_TEST((*shares)[1].emitter == "sw2");
  BOOST_TEST(!(*shares)[0].active);
  // A share id is used once per person.
  Inform("x1", "a", "crip1", {"social"});
  auto again = CheckShare(*engine->snapshot(),
                          Request(B::kCasfL226_2_1, "sw1", "crip1", "x1", {kSocial}, "a"));
  BOOST_TEST(CodeOf(again.status()) == "ALREADY_EXISTS");
}

BOOST_FIXTURE_TEST_CASE(a_whole_file_share_covers_its_categories_for_its_purpose, Sharing) {
  SharingRequest r = Request(B::kLegalObligation, "sw1", "maire1", "x1", {}, "requisition");
  r.whole_file = true;
  Granted(r);
  BOOST_TEST(ReasonFor(Read("maire1", "x1", "social", "any")) == "allowed_by_grant");
  BOOST_TEST(ReasonFor(Read("maire1", "x1", "administrative", "")) == "allowed_by_grant");
  BOOST_TEST(ReasonFor(Read("maire1", "x1", "financial", "any")) == "item_not_shared");
}

BOOST_FIXTURE_TEST_CASE(req_12_item_recipients_list_whom_to_notify, Sharing) {
  Inform("x1", "a", "crip1", {"social"});
  Inform("x1", "b", "mgr1", {"social", "administrative"});
  Granted(Request(B::kCasfL226_2_1, "sw1", "crip1", "x1", {kSocial}, "a"));
  Granted(Request(B::kCasfL121_6_2, "sw1", "mgr1", "x1", {kSocial, kAdmin}, "b"));
  SharingRequest file = Request(B::kLegalObligation, "sw1", "maire1", "x1", {}, "c");
  file.whole_file = true;
  Granted(file);
  BOOST_REQUIRE(RevokeShare(*engine, "x1", "crip1", "a", "sw1").ok());  // still to notify
  auto recipients = ItemRecipients(*engine->snapshot(), "x1", "i-social");
  BOOST_REQUIRE(recipients.ok());
  BOOST_TEST(*recipients == (std::vector<std::string>{"crip1", "mgr1"}));
  recipients = ItemRecipients(*engine->snapshot(), "x1", "i-social", "social");
  BOOST_REQUIRE(recipients.ok());
  BOOST_TEST(*recipients == (std::vector<std::string>{"crip1", "mgr1", "maire1"}));
  recipients = ItemRecipients(*engine->snapshot(), "x1", "i-admin");
  BOOST_REQUIRE(recipients.ok());
  BOOST_TEST(*recipients == (std::vector<std::string>{"mgr1"}));
  recipients = ItemRecipients(*engine->snapshot(), "x3", "i-social");
  BOOST_REQUIRE(recipients.ok());
  BOOST_TEST(recipients->empty());
}

BOOST_FIXTURE_TEST_CASE(req_30_the_outcome_carries_what_the_sharing_log_records, Sharing) {
  Inform("x1", "s1", "sw2", {"social"});
  const uint64_t informed_at = engine->snapshot()->revision();
  SharingRequest r = Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial});
  r.time = absl::FromUnixSeconds(Scenario::kStart + 60);
  const SharingOutcome o = Granted(r);
  BOOST_TEST(o.emitter == "sw1");
  BOOST_TEST(o.recipient == "sw2");
  BOOST_TEST(o.recipient_role == "social_worker");
  BOOST_TEST((o.recipient_secrecy == SecrecyStatus::kByProfession));
  BOOST_TEST(o.person == "x1");
  BOOST_TEST((o.basis == B::kCspL1110_4_II));
  BOOST_TEST(o.purpose == "accompagnement");
  BOOST_REQUIRE(o.items.size() == 1u);
  BOOST_TEST(o.items[0].item == "i-social");
  BOOST_TEST(o.share == "s1");
  BOOST_TEST((o.time == r.time));
  BOOST_TEST(o.information_revisions == (std::vector<uint64_t>{informed_at}));
  BOOST_TEST(o.checked_revision == informed_at);
  BOOST_TEST(o.revision == informed_at + 1);
  BOOST_TEST(o.sentence.find("x1") == std::string::npos);
  BOOST_TEST(o.sentence.find("i-social") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_refused_share_changes_nothing, Sharing) {
  const uint64_t before = engine->snapshot()->revision();
  auto refused = Share(*engine, Request(B::kCspL1110_4_II, "sw1", "sw3", "x1", {kSocial}));
  BOOST_REQUIRE(refused.ok());
  BOOST_TEST(!refused->granted);
  BOOST_TEST(refused->revision == 0u);
  BOOST_TEST(engine->snapshot()->revision() == before);
  // REQ-61: a share without the person's involvement is rejected.
  Inform("x1", "s1", "sw2", {"social"});
  SharingRequest r = Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial});
  r.involvement = PersonInvolvementKind::kUnspecified;
  const uint64_t informed = engine->snapshot()->revision();
  BOOST_TEST(CodeOf(Share(*engine, r).status()) == "INVALID_ARGUMENT");
  r.involvement = PersonInvolvementKind::kNotInformed;  // without a reason
  BOOST_TEST(CodeOf(Share(*engine, r).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(engine->snapshot()->revision() == informed);
  auto shares = Shares(*engine->snapshot(), "x1");
  BOOST_REQUIRE(shares.ok());
  BOOST_TEST(shares->empty());
}

// ---------------------------------------------------------------------------------------------
// Hostile events: refused, nothing changes, no id in the message

v1::StateEvent ShareEvent() {
  v1::StateEvent event;
  event.set_format_version(1);
  event.mutable_at()->set_seconds(Scenario::kStart);
  event.set_recorded_by("sw1");
  event.mutable_involvement()->set_kind(v1::PersonInvolvement::PRESENT);
  v1::AccessGranted* e = event.mutable_access_granted();
  e->set_person("x1");
  e->set_professional("crip1");
  e->add_items("secret-item-id");
  e->add_categories("social");
  e->set_basis(v1::CASF_L226_2_1);
  e->set_share("hostile");
  e->set_purpose("accompagnement");
  return event;
}

BOOST_FIXTURE_TEST_CASE(hostile_share_and_information_events_change_nothing, Sharing) {
  BOOST_REQUIRE(engine->ApplyEvent(ShareEvent().SerializeAsString()).ok());
  const uint64_t before = engine->snapshot()->revision();
  struct Case {
    const char* what;
    void (*spoil)(v1::StateEvent&);
    const char* code;
  };
  const Case cases[] = {
      {"same share id", [](v1::StateEvent&) {}, "ALREADY_EXISTS"},
      {"no recorder", [](v1::StateEvent& e) { e.clear_recorded_by(); }, "INVALID_ARGUMENT"},
      {"recorder unknown", [](v1::StateEvent& e) { e.set_recorded_by("ghost"); }, "NOT_FOUND"},
      {"no involvement", [](v1::StateEvent& e) { e.clear_involvement(); }, "INVALID_ARGUMENT"},
      {"basis out of the list",
       [](v1::StateEvent& e) { e.mutable_access_granted()->set_basis(v1::SharingBasis(99)); },
       "INVALID_ARGUMENT"},
      {"unknown purpose",
       [](v1::StateEvent& e) { e.mutable_access_granted()->set_purpose("nope"); }, "NOT_FOUND"},
      {"one category short",
       [](v1::StateEvent& e) {
         e.mutable_access_granted()->set_share("h2");
         e.mutable_access_granted()->add_items("other-item");
       },
       "INVALID_ARGUMENT"},
      {"item twice",
       [](v1::StateEvent& e) {
         e.mutable_access_granted()->set_share("h3");
         e.mutable_access_granted()->add_items("secret-item-id");
         e.mutable_access_granted()->add_categories("social");
       },
       "INVALID_ARGUMENT"},
      {"empty item",
       [](v1::StateEvent& e) {
         e.mutable_access_granted()->set_share("h4");
         e.mutable_access_granted()->set_items(0, "");
       },
       "INVALID_ARGUMENT"},
      {"nothing shared",
       [](v1::StateEvent& e) {
         e.mutable_access_granted()->set_share("h5");
         e.mutable_access_granted()->clear_items();
         e.mutable_access_granted()->clear_categories();
       },
       "INVALID_ARGUMENT"},
  };
  for (const Case& c : cases) {
    v1::StateEvent event = ShareEvent();
    c.spoil(event);
    auto applied = engine->ApplyEvent(event.SerializeAsString());
    BOOST_TEST(CodeOf(applied.status()) == c.code, c.what);
    BOOST_TEST(std::string(applied.status().message()).find("secret-item-id") ==
                   std::string::npos,
               c.what);
    BOOST_TEST(std::string(applied.status().message()).find("x1") == std::string::npos, c.what);
  }

  auto informed = [](void (*spoil)(v1::PersonInformed&)) {
    v1::StateEvent event;
    event.set_format_version(1);
    event.mutable_at()->set_seconds(Scenario::kStart);
    event.set_recorded_by("sw1");
    v1::PersonInformed* e = event.mutable_person_informed();
    e->set_person("x1");
    e->set_share("s1");
    e->set_recipient("sw2");
    e->add_categories("social");
    e->set_channel(v1::PAPER);
    spoil(*e);
    return event.SerializeAsString();
  };
  BOOST_TEST(CodeOf(engine->ApplyEvent(informed([](v1::PersonInformed& e) {
                                e.clear_categories();
                              })).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(engine->ApplyEvent(informed([](v1::PersonInformed& e) {
                                e.set_channel(v1::CHANNEL_UNSPECIFIED);
                              })).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(engine->ApplyEvent(informed([](v1::PersonInformed& e) {
                                e.set_recipient("ghost");
                              })).status()) == "NOT_FOUND");
  BOOST_TEST(CodeOf(engine->ApplyEvent(informed([](v1::PersonInformed& e) {
                                e.set_informed("mother");  // not x1's representative
                              })).status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(engine->ApplyEvent(informed([](v1::PersonInformed& e) {
                                e.set_share("");
                              })).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(engine->ApplyEvent(informed([](v1::PersonInformed& e) {
                                e.add_categories("nope");
                              })).status()) == "NOT_FOUND");
  BOOST_TEST(CodeOf(Except("x1", "s1", static_cast<InformationExceptionKind>(0))) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Except("x1", "", InformationExceptionKind::kUrgency)) == "INVALID_ARGUMENT");
  BOOST_TEST(engine->snapshot()->revision() == before);
  BOOST_REQUIRE(Except("x1", "s1", InformationExceptionKind::kUrgency).ok());
  BOOST_TEST(CodeOf(Except("x1", "s1", InformationExceptionKind::kImpossibility)) ==
             "ALREADY_EXISTS");
}

// ---------------------------------------------------------------------------------------------
// Snapshot restore and replay

// Information, an exception, shares of every kind and a revocation.
void Record(Sharing& s) {
  s.Inform("x1", "a", "crip1", {"social"});
  s.Granted(Sharing::Request(B::kCasfL226_2_1, "sw1", "crip1", "x1", {kSocial}, "a"));
  BOOST_REQUIRE(s.Except("x1", "b", InformationExceptionKind::kUrgency, "urgence").ok());
  s.Granted(Sharing::Request(B::kCspL1110_4_II, "sw1", "mgr1", "x1", {kAdmin}, "b"));
  s.Inform("x1", "m", "mgr1", {"social"});
  s.Granted(Sharing::Request(B::kCasfL121_6_2, "sw1", "mgr1", "x1", {kSocial}, "m"));
  SharingRequest file = Sharing::Request(B::kLegalObligation, "sw1", "maire1", "x1", {}, "c");
  file.whole_file = true;
  s.Granted(file);
  BOOST_REQUIRE(
      s.Except("child", "k", InformationExceptionKind::kContraryToChildInterest, "danger").ok());
  s.Granted(Sharing::Request(B::kCasfL226_2_2, "sw1", "sw2", "child", {kSocial}, "k"));
  BOOST_REQUIRE(RevokeShare(*s.engine, "x1", "mgr1", "b", "sw1").ok());
}

// Both engines decide and check alike.
void ExpectSame(const Sharing& a, const AccessEngine& b) {
  BOOST_TEST(a.engine->snapshot()->revision() == b.snapshot()->revision());
  for (const char* actor : {"crip1", "mgr1", "maire1", "sw2"}) {
    for (const char* person : {"x1", "child"}) {
      for (const char* category : {"social", "administrative", "financial"}) {
        for (const char* item : {"i-social", "i-admin", "x", ""}) {
          const AccessRequest r = a.Read(actor, person, category, item);
          auto da = a.engine->Decide(r);
          auto db = b.Decide(r);
          BOOST_REQUIRE(da.ok());
          BOOST_REQUIRE(db.ok());
          BOOST_TEST((da->reason == db->reason), actor << " " << person << " " << item);
          BOOST_TEST(da->revision == db->revision);
        }
      }
    }
  }
  for (const char* share : {"b", "z"}) {
    const SharingRequest r =
        Sharing::Request(B::kCspL1110_4_II, "mgr1", "sw2", "x1", {kSocial, kAdmin}, share);
    auto oa = CheckShare(*a.engine->snapshot(), r);
    auto ob = CheckShare(*b.snapshot(), r);
    if (!oa.ok()) {
      BOOST_TEST(CodeOf(oa.status()) == CodeOf(ob.status()));
      continue;
    }
    BOOST_REQUIRE(ob.ok());
    BOOST_TEST((oa->failed == ob->failed));
  }
  auto ra = ItemRecipients(*a.engine->snapshot(), "x1", "i-social", "social");
  auto rb = ItemRecipients(*b.snapshot(), "x1", "i-social", "social");
  BOOST_REQUIRE(ra.ok());
  BOOST_REQUIRE(rb.ok());
  BOOST_TEST(*ra == *rb);
  BOOST_TEST(ra->size() == 3u);
  auto fa = OpenInformationFollowUps(*a.engine->snapshot(), "x1");
  auto fb = OpenInformationFollowUps(*b.snapshot(), "x1");
  BOOST_REQUIRE(fa.ok());
  BOOST_REQUIRE(fb.ok());
  BOOST_REQUIRE(fa->size() == 1u);
  BOOST_REQUIRE(fb->size() == 1u);
  BOOST_TEST((*fa)[0].revision == (*fb)[0].revision);
  auto sa = Shares(*a.engine->snapshot(), "x1");
  auto sb = Shares(*b.snapshot(), "x1");
  BOOST_REQUIRE(sa.ok());
  BOOST_REQUIRE(sb.ok());
  BOOST_REQUIRE(sa->size() == sb->size());
  for (size_t i = 0; i < sa->size(); ++i) {
    BOOST_TEST((*sa)[i].share == (*sb)[i].share);
    BOOST_TEST((*sa)[i].emitter == (*sb)[i].emitter);
    BOOST_TEST((*sa)[i].items == (*sb)[i].items);
    BOOST_TEST((*sa)[i].categories == (*sb)[i].categories);
    BOOST_TEST((*sa)[i].revision == (*sb)[i].revision);
    BOOST_TEST((*sa)[i].active == (*sb)[i].active);
  }
}

BOOST_AUTO_TEST_CASE(a_replay_and_a_restored_snapshot_decide_the_same) {
  auto record = std::make_shared<MemoryEngineRecord>();
  Sharing s(record);
  Record(s);
  AccessEngine::Options options;
  options.clock = &s.clock;
  {  // replay of every event
    auto replayed = AccessEngine::Open(LoadPolicy(SharingPolicy()), record, options);
    BOOST_REQUIRE_MESSAGE(replayed.ok(), replayed.status().message());
    ExpectSame(s, **replayed);
  }
  BOOST_REQUIRE(s.engine->SaveSnapshot().ok());
  s.Inform("x1", "late", "crip1", {"administrative"});  // replayed after the snapshot
  {
    auto restored = AccessEngine::Open(LoadPolicy(SharingPolicy()), record, options);
    BOOST_REQUIRE_MESSAGE(restored.ok(), restored.status().message());
    ExpectSame(s, **restored);
  }
}

// The checklist is decided when a share is recorded (under the writer lock), never when its event
// is folded: a share that a later policy no longer allows (its sharing rule removed) still
// replays and stays in the history, while a new share of the same item is refused.
BOOST_AUTO_TEST_CASE(a_share_a_later_policy_no_longer_allows_still_replays) {
  auto record = std::make_shared<MemoryEngineRecord>();
  Sharing s(record);
  s.Inform("x1", "s1", "sw2", {"social"});
  s.Granted(Sharing::Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial}));
  std::string rules(kSharingRules);
  const size_t from = rules.find("sharing_rules { id: \"exchange\"");
  const size_t to = rules.find("sharing_rules { id: \"care_team\"");
  BOOST_REQUIRE(from != std::string::npos && to != std::string::npos);
  rules.erase(from, to - from);
  AccessEngine::Options options;
  options.clock = &s.clock;
  options.development_mode = true;  // a policy change outside two-person activation (REQ-62)
  auto replayed = AccessEngine::Open(LoadPolicy(PolicyVariant({}, rules)), record, options);
  BOOST_REQUIRE_MESSAGE(replayed.ok(), replayed.status().message());
  auto shares = Shares(*(*replayed)->snapshot(), "x1");
  BOOST_REQUIRE(shares.ok());
  BOOST_REQUIRE(shares->size() == 1u);
  BOOST_TEST((*shares)[0].share == "s1");
  BOOST_TEST((*shares)[0].active);
  auto again = CheckShare(*(*replayed)->snapshot(),
                          Sharing::Request(B::kCspL1110_4_II, "sw1", "sw2", "x1", {kSocial}, "s2"));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(Name(again->failed) == "item_outside_sharing_rule");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
