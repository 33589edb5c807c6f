// Two-person activation of a policy (socle/policy_approval.hpp; REQ-62): a new policy takes
// effect on an engine of record only with the approvals of two distinct professionals, one
// holding DPO_ROLE; one approval, the same person twice, an approval of another policy or change,
// a forged or tampered signature are refused; development mode runs a policy unapproved and the
// record says so. Both a change of access (the front desk reads social data) and a change no
// decision shows (the statistics threshold) go through it.
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../access/test_util.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "access/governance.h"
#include "analysis_testing.h"
#include "ledger/note.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "socle/policy_approval.hpp"
#include "socle/v1/events.pb.h"

namespace socle {
namespace {

using access_testing::CodeOf;
using analysis_testing::Example;
using analysis_testing::kFrontDesk;
using analysis_testing::kFrontDeskSocial;
using analysis_testing::Load;
using analysis_testing::Replace;

// A CCAS record: the example policy in force, a DPO, a head of service and two social workers,
// each with an approval key.
struct Fixture {
  Fixture()
      : current(Load(Example("ccas.textproto"))),
        wider(Load(Replace(Example("ccas.textproto"), kFrontDesk, kFrontDeskSocial))),
        threshold(Load(Replace(Example("ccas.textproto"), "small_cell_threshold: 11",
                               "small_cell_threshold: 5"))),
        record(std::make_shared<MemoryEngineRecord>()) {
    engine = OpenWith(current);
    BOOST_TEST_REQUIRE(engine != nullptr);
    DirectoryData directory;
    for (const auto& [id, role] :
         {std::pair{"dpo1", "dpo"}, std::pair{"resp1", "responsable_service"},
          std::pair{"ass1", "ass"}, std::pair{"ass2", "ass"}}) {
      directory.professionals.push_back(ProfessionalEntry{id, role, {"t1"}});
    }
    BOOST_TEST_REQUIRE(engine->LoadDirectory(directory).ok());
    for (const char* id : {"dpo1", "resp1", "ass1", "ass2"}) {
      absl::StatusOr<ApprovalKeyPair> key = GenerateApprovalKey(id);
      BOOST_TEST_REQUIRE(key.ok(), key.status());
      const absl::StatusOr<uint64_t> registered =
          RegisterApprovalKey(*engine, id, key->verifier_key, "dpo1");
      BOOST_TEST_REQUIRE(registered.ok(), registered.status());
      keys.emplace(id, std::move(key->signer_key));
    }
  }

  std::unique_ptr<AccessEngine> OpenWith(const Policy& policy, bool development = false) {
    AccessEngine::Options options;
    options.clock = &clock;
    options.development_mode = development;
    absl::StatusOr<std::unique_ptr<AccessEngine>> opened =
        AccessEngine::Open(policy, record, options);
    if (!opened.ok()) {
      last_error = opened.status();
      return nullptr;
    }
    return *std::move(opened);
  }

  std::string Sign(const Policy& next, const std::string& who) {
    absl::StatusOr<std::string> note = SignPolicyApproval(current, next, who, keys.at(who));
    BOOST_TEST_REQUIRE(note.ok(), note.status());
    return *note;
  }
  absl::Status Approve(const Policy& next, const std::string& who) {
    return RecordPolicyApproval(*engine, next, Sign(next, who)).status();
  }
  uint64_t Events() { return *record->EventCount(); }
  // A policy_activated event from `current` to `next` as a caller could append it without
  // ActivatePolicy (APPROVED: with the digest of the changes and next's DPO roles, and no
  // approvals yet).
  v1::StateEvent RawActivation(const Policy& next, v1::PolicyActivated::Mode mode,
                               const std::string& by) {
    v1::StateEvent event;
    event.set_format_version(1);
    event.mutable_at()->set_seconds(1780000000);
    event.set_recorded_by(by);
    v1::PolicyActivated* e = event.mutable_policy_activated();
    e->set_mode(mode);
    e->set_policy_sha256(std::string(next.digest().begin(), next.digest().end()));
    e->set_previous_sha256(std::string(current.digest().begin(), current.digest().end()));
    if (mode == v1::PolicyActivated::APPROVED) {
      const absl::StatusOr<std::array<uint8_t, 32>> changes = PolicyChangesDigest(current, next);
      BOOST_TEST_REQUIRE(changes.ok());
      e->set_changes_sha256(std::string(changes->begin(), changes->end()));
      for (const std::string& role : access_internal::DpoRoleNames(next)) e->add_dpo_roles(role);
    }
    return event;
  }

  FakeClock clock{absl::FromUnixSeconds(1780000000)};
  Policy current, wider, threshold;
  std::shared_ptr<MemoryEngineRecord> record;
  std::unique_ptr<AccessEngine> engine;
  std::map<std::string, SecretBytes> keys;
  absl::Status last_error;
};

BOOST_FIXTURE_TEST_SUITE(policy_approval, Fixture)

BOOST_AUTO_TEST_CASE(a_new_record_runs_its_first_policy) {
  const PolicyGovernanceStatus g = engine->snapshot()->Governance();
  BOOST_TEST(static_cast<int>(g.mode) == static_cast<int>(PolicyActivationMode::kInitial));
  BOOST_TEST(g.policy_digest == current.digest_hex());
  BOOST_TEST(g.activated_at_revision == 1u);
  BOOST_TEST(g.key_holders.size() == 4u);
  engine.reset();
  BOOST_TEST(OpenWith(current) != nullptr, last_error);  // the same policy opens again
}

BOOST_AUTO_TEST_CASE(an_unapproved_policy_does_not_open) {
  const uint64_t before = Events();
  BOOST_TEST(OpenWith(wider) == nullptr);
  BOOST_TEST(CodeOf(last_error) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(last_error.message(), "0 approval(s)"), last_error);
  BOOST_TEST(Events() == before);  // nothing recorded
}

BOOST_AUTO_TEST_CASE(two_approvals_one_by_the_dpo_activate_it) {
  for (const Policy* next : {&wider, &threshold}) {
    Fixture f;
    BOOST_TEST_REQUIRE(f.Approve(*next, "dpo1").ok());
    BOOST_TEST_REQUIRE(f.Approve(*next, "resp1").ok());
    BOOST_TEST(f.OpenWith(*next) == nullptr);  // approved, not yet activated
    const absl::StatusOr<uint64_t> activated = ActivatePolicy(*f.engine, *next, "resp1");
    BOOST_TEST_REQUIRE(activated.ok(), activated.status());
    // The engine of the old policy writes no more.
    const absl::Status write = f.engine->Assign("nobody", "t1").status();
    BOOST_TEST(CodeOf(write) == "FAILED_PRECONDITION");
    BOOST_TEST(absl::StrContains(write.message(), "open an engine with the policy in force"));
    std::unique_ptr<AccessEngine> reopened = f.OpenWith(*next);
    BOOST_TEST_REQUIRE(reopened != nullptr, f.last_error);
    const PolicyGovernanceStatus g = reopened->snapshot()->Governance();
    BOOST_TEST(static_cast<int>(g.mode) == static_cast<int>(PolicyActivationMode::kApproved));
    BOOST_TEST(g.policy_digest == next->digest_hex());
    BOOST_TEST(g.activated_at_revision == *activated);
    BOOST_TEST(g.approvals.empty());               // an activation consumes the approvals
    BOOST_TEST(f.OpenWith(f.current) == nullptr);  // going back needs approvals too
  }
}

BOOST_AUTO_TEST_CASE(one_approval_is_not_enough) {
  BOOST_TEST_REQUIRE(Approve(wider, "dpo1").ok());
  const absl::Status status = ActivatePolicy(*engine, wider, "dpo1").status();
  BOOST_TEST(CodeOf(status) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(status.message(), "1 distinct approver"), status);
  BOOST_TEST(OpenWith(wider) == nullptr);
}

BOOST_AUTO_TEST_CASE(the_same_person_twice_is_one_approval) {
  BOOST_TEST_REQUIRE(Approve(wider, "dpo1").ok());
  const absl::Status again = Approve(wider, "dpo1");
  BOOST_TEST(CodeOf(again) == "ALREADY_EXISTS");
  // Nor does an activation that lists one approval twice pass.
  const PolicyGovernanceStatus g = engine->snapshot()->Governance();
  BOOST_TEST_REQUIRE(g.approvals.size() == 1u);
  v1::StateEvent event = RawActivation(wider, v1::PolicyActivated::APPROVED, "dpo1");
  v1::PolicyActivated* e = event.mutable_policy_activated();
  e->add_approvals(g.approvals[0].revision);
  e->add_approvals(g.approvals[0].revision);
  const absl::Status raw = engine->ApplyEvent(event.SerializeAsString()).status();
  BOOST_TEST(CodeOf(raw) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(raw.message(), "two distinct professionals"), raw);
  // One person's key under two names is refused as well.
  absl::StatusOr<ApprovalKeyPair> shared = GenerateApprovalKey("shared");
  BOOST_TEST_REQUIRE(shared.ok());
  BOOST_TEST_REQUIRE(RegisterApprovalKey(*engine, "ass1", shared->verifier_key, "dpo1").ok());
  BOOST_TEST(CodeOf(RegisterApprovalKey(*engine, "ass2", shared->verifier_key, "dpo1").status()) ==
             "ALREADY_EXISTS");
}

BOOST_AUTO_TEST_CASE(an_approval_of_another_policy_or_change_does_not_count) {
  // Signed for the threshold change, offered for the wider matrix.
  const absl::Status other = RecordPolicyApproval(*engine, wider, Sign(threshold, "dpo1")).status();
  BOOST_TEST(CodeOf(other) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(other.message(), "is of policy"), other);
  // Recorded as it is (the engine takes approvals of any change of the policy in force), it does
  // not count for the wider matrix.
  v1::StateEvent event;
  event.set_format_version(1);
  event.mutable_at()->set_seconds(1780000000);
  event.set_recorded_by("dpo1");
  event.mutable_policy_approved()->set_approval(Sign(threshold, "dpo1"));
  BOOST_TEST_REQUIRE(engine->ApplyEvent(event.SerializeAsString()).ok());
  BOOST_TEST_REQUIRE(Approve(wider, "resp1").ok());
  const absl::Status status = ActivatePolicy(*engine, wider, "resp1").status();
  BOOST_TEST(CodeOf(status) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(status.message(), "1 distinct approver"), status);
}

BOOST_AUTO_TEST_CASE(a_forged_or_tampered_signature_is_refused) {
  // A key of the same name that dpo1 never registered.
  absl::StatusOr<ApprovalKeyPair> forger = GenerateApprovalKey("dpo1");
  BOOST_TEST_REQUIRE(forger.ok());
  absl::StatusOr<std::string> forged =
      SignPolicyApproval(current, wider, "dpo1", forger->signer_key);
  BOOST_TEST_REQUIRE(forged.ok());
  const uint64_t before = Events();
  const absl::Status status = RecordPolicyApproval(*engine, wider, *forged).status();
  BOOST_TEST(CodeOf(status) == "VERIFICATION_FAILED", status);
  // dpo1's own note with its text changed after signing (another professional named).
  std::string tampered = Sign(wider, "dpo1");
  tampered.replace(tampered.find("professional dpo1"), 17, "professional ass1");
  const absl::Status changed = RecordPolicyApproval(*engine, wider, tampered).status();
  BOOST_TEST(CodeOf(changed) == "VERIFICATION_FAILED", changed);
  BOOST_TEST(Events() == before);
}

BOOST_AUTO_TEST_CASE(one_of_the_two_holds_dpo_role) {
  BOOST_TEST_REQUIRE(Approve(wider, "ass1").ok());
  BOOST_TEST_REQUIRE(Approve(wider, "resp1").ok());
  const absl::Status status = ActivatePolicy(*engine, wider, "resp1").status();
  BOOST_TEST(CodeOf(status) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(status.message(), "DPO_ROLE"), status);
  // The engine sets the approver's DPO flag; an event cannot claim it.
  v1::StateEvent event;
  event.set_format_version(1);
  event.mutable_at()->set_seconds(1780000000);
  event.set_recorded_by("ass2");
  event.mutable_policy_approved()->set_approval(Sign(wider, "ass2"));
  event.mutable_policy_approved()->set_dpo(true);
  BOOST_TEST(CodeOf(engine->ApplyEvent(event.SerializeAsString()).status()) == "INVALID_ARGUMENT");
  // With the DPO's approval it goes through.
  BOOST_TEST_REQUIRE(Approve(wider, "dpo1").ok());
  BOOST_TEST(ActivatePolicy(*engine, wider, "resp1").ok());
}

BOOST_AUTO_TEST_CASE(an_approver_who_left_does_not_count) {
  BOOST_TEST_REQUIRE(Approve(wider, "dpo1").ok());
  BOOST_TEST_REQUIRE(Approve(wider, "resp1").ok());
  BOOST_TEST_REQUIRE(engine->ProfessionalLeaves("resp1").ok());
  const absl::Status status = ActivatePolicy(*engine, wider, "dpo1").status();
  BOOST_TEST(CodeOf(status) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(status.message(), "has left"), status);
}

BOOST_AUTO_TEST_CASE(development_mode_runs_it_unapproved_and_the_record_says_so) {
  engine.reset();
  const uint64_t before = Events();
  std::unique_ptr<AccessEngine> dev = OpenWith(wider, /*development=*/true);
  BOOST_TEST_REQUIRE(dev != nullptr, last_error);
  BOOST_TEST(Events() == before + 1);  // the DEVELOPMENT activation
  BOOST_TEST(static_cast<int>(dev->snapshot()->Governance().mode) ==
             static_cast<int>(PolicyActivationMode::kDevelopment));
  BOOST_TEST(dev->Assign("nobody", "t1").status().code() != absl::StatusCode::kFailedPrecondition);
  dev.reset();
  // Without development mode neither it nor the former policy opens: both need approvals now.
  BOOST_TEST(OpenWith(wider) == nullptr);
  BOOST_TEST(absl::StrContains(last_error.message(), "development mode only"), last_error);
  BOOST_TEST(OpenWith(current) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_snapshot_and_a_replay_give_the_same_governance) {
  BOOST_TEST_REQUIRE(Approve(wider, "dpo1").ok());
  BOOST_TEST_REQUIRE(Approve(wider, "ass1").ok());
  const PolicyGovernanceStatus live = engine->snapshot()->Governance();
  BOOST_TEST_REQUIRE(engine->SaveSnapshot().ok());
  engine.reset();
  std::unique_ptr<AccessEngine> from_snapshot = OpenWith(current);
  BOOST_TEST_REQUIRE(from_snapshot != nullptr, last_error);
  for (const PolicyGovernanceStatus& g : {from_snapshot->snapshot()->Governance(), live}) {
    BOOST_TEST(g.policy_digest == live.policy_digest);
    BOOST_TEST(g.key_holders == live.key_holders);
    BOOST_TEST_REQUIRE(g.approvals.size() == 2u);
    BOOST_TEST(g.approvals[0].dpo);
    BOOST_TEST(!g.approvals[1].dpo);
  }
  // Activated, then opened with the new policy: the snapshot of the old one is passed over and
  // every event replayed; the DPO flags come from the record, not from the new policy.
  BOOST_TEST_REQUIRE(ActivatePolicy(*from_snapshot, wider, "dpo1").ok());
  from_snapshot.reset();
  std::unique_ptr<AccessEngine> replayed = OpenWith(wider);
  BOOST_TEST_REQUIRE(replayed != nullptr, last_error);
  BOOST_TEST(replayed->revision() == Events());
}

// The CCAS policy where the social workers' role holds DPO_ROLE and the DPO's no longer does.
Policy SocialWorkersAsDpo() {
  const std::string kAss =
      "\"CASF L.411-3 ; CP 226-13\"\n"
      "  professional_category: \"Assistant de service social (CSP R.1110-2)\"";
  return Load(Replace(Replace(Example("ccas.textproto"), "capabilities: [DPO_ROLE, REVIEWER]",
                              "capabilities: [REVIEWER]"),
                      kAss, absl::StrCat(kAss, "\n  capabilities: [DPO_ROLE]")));
}

BOOST_AUTO_TEST_CASE(a_development_policy_makes_nobody_a_dpo) {
  const Policy dev_policy = SocialWorkersAsDpo();
  using Roles = std::vector<std::string>;
  BOOST_TEST(engine->snapshot()->Governance().dpo_roles == Roles{"dpo"});
  engine = OpenWith(dev_policy, /*development=*/true);
  BOOST_TEST_REQUIRE(engine != nullptr, last_error);
  // Approvals of its promotion (the development policy in force, approved as it is) are judged
  // by the DPO roles of the last approved policy, not by its own.
  const auto approve = [&](const std::string& who) {
    const absl::StatusOr<std::string> note =
        SignPolicyApproval(dev_policy, dev_policy, who, keys.at(who));
    BOOST_TEST_REQUIRE(note.ok(), note.status());
    return RecordPolicyApproval(*engine, dev_policy, *note).status();
  };
  BOOST_TEST_REQUIRE(approve("ass1").ok());
  BOOST_TEST_REQUIRE(approve("ass2").ok());
  PolicyGovernanceStatus g = engine->snapshot()->Governance();
  BOOST_TEST(static_cast<int>(g.mode) == static_cast<int>(PolicyActivationMode::kDevelopment));
  BOOST_TEST(g.dpo_roles == Roles{"dpo"});  // a development activation leaves them
  BOOST_TEST_REQUIRE(g.approvals.size() == 2u);
  BOOST_TEST(!g.approvals[0].dpo);
  BOOST_TEST(!g.approvals[1].dpo);
  const absl::Status status = ActivatePolicy(*engine, dev_policy, "ass1").status();
  BOOST_TEST(CodeOf(status) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(status.message(), "DPO_ROLE"), status);
  // The DPO of the approved policy counts, though the development policy took the capability
  // from their role.
  BOOST_TEST_REQUIRE(approve("dpo1").ok());
  BOOST_TEST(engine->snapshot()->Governance().approvals.back().dpo);
  const absl::StatusOr<uint64_t> activated = ActivatePolicy(*engine, dev_policy, "ass1");
  BOOST_TEST_REQUIRE(activated.ok(), activated.status());
  g = engine->snapshot()->Governance();
  BOOST_TEST(static_cast<int>(g.mode) == static_cast<int>(PolicyActivationMode::kApproved));
  BOOST_TEST(g.dpo_roles == Roles{"ass"});  // from now on, the promoted policy's
  // It opens without development mode now, from the events, then from a snapshot alike.
  engine.reset();
  for (int pass = 0; pass < 2; ++pass) {
    engine = OpenWith(dev_policy);
    BOOST_TEST_REQUIRE(engine != nullptr, last_error);
    BOOST_TEST(engine->snapshot()->Governance().dpo_roles == Roles{"ass"});
    BOOST_TEST(engine->revision() == *activated);
    BOOST_TEST_REQUIRE(engine->SaveSnapshot().ok());
    engine.reset();
  }
}

BOOST_AUTO_TEST_CASE(an_activation_names_the_dpo_roles_its_approvers_signed) {
  BOOST_TEST_REQUIRE(Approve(wider, "dpo1").ok());
  BOOST_TEST_REQUIRE(Approve(wider, "resp1").ok());
  const PolicyGovernanceStatus g = engine->snapshot()->Governance();
  BOOST_TEST_REQUIRE(g.approvals.size() == 2u);
  v1::StateEvent development = RawActivation(wider, v1::PolicyActivated::DEVELOPMENT, "resp1");
  development.mutable_policy_activated()->add_dpo_roles("dpo");
  const absl::Status refused = engine->ApplyEvent(development.SerializeAsString()).status();
  BOOST_TEST(CodeOf(refused) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(refused.message(), "names no dpo_roles"), refused);
  // An activation appended without ActivatePolicy, naming other DPO roles than the two approvers
  // signed (the policy's: "dpo"), is refused when it is appended.
  v1::StateEvent event = RawActivation(wider, v1::PolicyActivated::APPROVED, "resp1");
  v1::PolicyActivated* e = event.mutable_policy_activated();
  for (const PolicyApprovalStatus& a : g.approvals) e->add_approvals(a.revision);
  e->clear_dpo_roles();
  e->add_dpo_roles("ass");
  const absl::Status unsigned_roles = engine->ApplyEvent(event.SerializeAsString()).status();
  BOOST_TEST(CodeOf(unsigned_roles) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(unsigned_roles.message(), "signed other DPO roles"), unsigned_roles);
  e->clear_dpo_roles();
  e->add_dpo_roles("dpo");
  BOOST_TEST(engine->ApplyEvent(event.SerializeAsString()).ok());
}

BOOST_AUTO_TEST_CASE(approvals_of_false_dpo_roles_do_not_run) {
  // Two approvers who sign a false list of the new policy's DPO roles: RecordPolicyApproval
  // refuses their notes; appended as raw events all the same, and activated, the engine of the
  // new policy finds the list false and refuses to run on the record.
  const absl::StatusOr<std::array<uint8_t, 32>> changes = PolicyChangesDigest(current, wider);
  BOOST_TEST_REQUIRE(changes.ok());
  v1::StateEvent activation = RawActivation(wider, v1::PolicyActivated::APPROVED, "resp1");
  for (const std::string who : {"dpo1", "resp1"}) {
    access_internal::ApprovalTerms terms;
    terms.policy = wider.digest();
    terms.previous = current.digest();
    terms.changes = *changes;
    terms.dpo_roles = {"ass"};
    terms.professional = who;
    const absl::StatusOr<ledger::NoteSigner> signer =
        ledger::NoteSigner::Parse(keys.at(who).view());
    BOOST_TEST_REQUIRE(signer.ok());
    const absl::StatusOr<std::string> note =
        ledger::SignNote(access_internal::ApprovalText(terms), *signer);
    BOOST_TEST_REQUIRE(note.ok());
    const absl::Status checked = RecordPolicyApproval(*engine, wider, *note).status();
    BOOST_TEST(CodeOf(checked) == "INVALID_ARGUMENT");
    BOOST_TEST(absl::StrContains(checked.message(), "dpo-roles are not"), checked);
    v1::StateEvent approved;
    approved.set_format_version(1);
    approved.mutable_at()->set_seconds(1780000000);
    approved.set_recorded_by(who);
    approved.mutable_policy_approved()->set_approval(*note);
    const absl::StatusOr<uint64_t> revision = engine->ApplyEvent(approved.SerializeAsString());
    BOOST_TEST_REQUIRE(revision.ok(), revision.status());
    activation.mutable_policy_activated()->add_approvals(*revision);
  }
  activation.mutable_policy_activated()->clear_dpo_roles();
  activation.mutable_policy_activated()->add_dpo_roles("ass");
  BOOST_TEST_REQUIRE(engine->ApplyEvent(activation.SerializeAsString()).ok());
  engine.reset();
  BOOST_TEST(OpenWith(wider) == nullptr);
  BOOST_TEST(CodeOf(last_error) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(last_error.message(), "policy_activated.dpo_roles are not"),
             last_error);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
