// Two-person activation of a policy (socle/policy_approval.hpp; REQ-62): what the approvers sign
// and the calls that record approvals and activations on an engine of record. The engine checks
// every event itself (src/access/builder_governance.cc); this file adds what only the analysis
// can compute, the summary of changes the approvers read, and the trail's records.
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/governance.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "ledger/note.h"
#include "socle/error.hpp"
#include "socle/policy_analysis.hpp"
#include "socle/policy_approval.hpp"
#include "socle/v1/events.pb.h"

namespace socle {

namespace {

using access_internal::ApprovalTerms;

absl::StatusOr<ApprovalTerms> TermsOf(const Policy& previous, const Policy& next,
                                      absl::string_view professional) {
  if (professional.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the approval's professional is empty");
  }
  ApprovalTerms terms;
  terms.policy = next.digest();
  terms.previous = previous.digest();
  SOCLE_ASSIGN_OR_RETURN(terms.changes, PolicyChangesDigest(previous, next));
  terms.dpo_roles = access_internal::DpoRoleNames(next);
  terms.professional = std::string(professional);
  // The id is one line of the note's text: no control character.
  SOCLE_RETURN_IF_ERROR(ledger::CheckNoteText(access_internal::ApprovalText(terms)));
  return terms;
}

absl::StatusOr<uint64_t> ApplyOne(AccessEngine& engine, const v1::StateEvent& event) {
  std::string bytes;
  event.SerializeToString(&bytes);
  return engine.ApplyEvent(bytes);
}

v1::StateEvent NewEvent(const AccessEngine& engine, absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_format_version(1);
  core::SetTimestamp(engine.clock().Now(), event.mutable_at());
  event.set_recorded_by(std::string(recorded_by));
  return event;
}

}  // namespace

absl::StatusOr<std::array<uint8_t, 32>> PolicyChangesDigest(const Policy& previous,
                                                            const Policy& next) {
  SOCLE_ASSIGN_OR_RETURN(const auto pair, PolicyAnalysis::CreatePair(previous, next));
  std::string summary;
  for (const std::string& line :
       DiffPolicies(*pair.first, *pair.second).Summary(AnalysisLanguage::kFrench)) {
    absl::StrAppend(&summary, line, "\n");
  }
  return crypto::Sha256(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(summary.data()), summary.size()));
}

absl::StatusOr<std::string> PolicyApprovalText(const Policy& previous, const Policy& next,
                                               absl::string_view professional) {
  SOCLE_ASSIGN_OR_RETURN(const ApprovalTerms terms, TermsOf(previous, next, professional));
  return access_internal::ApprovalText(terms);
}

absl::StatusOr<ApprovalKeyPair> GenerateApprovalKey(absl::string_view name) {
  if (!ledger::IsValidKeyName(name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "an approval key's name must be non-empty, without '+' or white space");
  }
  SOCLE_ASSIGN_OR_RETURN(const ledger::NoteSigner signer, ledger::NoteSigner::Generate(name));
  return ApprovalKeyPair{signer.SignerKey(), signer.VerifierKey()};
}

absl::StatusOr<std::string> SignPolicyApproval(const Policy& previous, const Policy& next,
                                               absl::string_view professional,
                                               const SecretBytes& signer_key) {
  SOCLE_ASSIGN_OR_RETURN(const ledger::NoteSigner signer,
                         ledger::NoteSigner::Parse(signer_key.view()));
  SOCLE_ASSIGN_OR_RETURN(const ApprovalTerms terms, TermsOf(previous, next, professional));
  return ledger::SignNote(access_internal::ApprovalText(terms), signer);
}

absl::StatusOr<uint64_t> RegisterApprovalKey(AccessEngine& engine, absl::string_view professional,
                                             absl::string_view verifier_key,
                                             absl::string_view recorded_by) {
  v1::StateEvent event = NewEvent(engine, recorded_by);
  v1::ApprovalKeyRegistered* e = event.mutable_approval_key_registered();
  e->set_professional(std::string(professional));
  e->set_verifier_key(std::string(verifier_key));
  return ApplyOne(engine, event);
}

absl::StatusOr<uint64_t> RecordPolicyApproval(AccessEngine& engine, const Policy& next,
                                              absl::string_view approval, AccessTrail* trail) {
  // The note's text, read without its signature (the engine checks it against the key).
  const size_t blank = approval.find("\n\n");
  if (blank == absl::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the approval is not a signed note (no blank line before its signatures)");
  }
  SOCLE_ASSIGN_OR_RETURN(const ApprovalTerms terms,
                         access_internal::ParseApprovalText(approval.substr(0, blank + 1)));
  if (terms.policy != next.digest()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("the approval is of policy ", crypto::ToHex(terms.policy).substr(0, 12),
                     "…, not of ", next.digest_hex().substr(0, 12), "…"));
  }
  if (terms.previous != engine.policy().digest()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("the approval replaces policy ", crypto::ToHex(terms.previous).substr(0, 12),
                     "…, not this engine's ", engine.policy().digest_hex().substr(0, 12), "…"));
  }
  if (terms.dpo_roles != access_internal::DpoRoleNames(next)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the approval's dpo-roles are not the roles holding DPO_ROLE in this policy");
  }
  SOCLE_ASSIGN_OR_RETURN(const auto changes, PolicyChangesDigest(engine.policy(), next));
  if (terms.changes != changes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the approval's summary of changes is not the summary of the changes from "
                     "the policy in force to this one: the approver read another diff");
  }
  v1::StateEvent event = NewEvent(engine, terms.professional);
  event.mutable_policy_approved()->set_approval(std::string(approval));
  SOCLE_ASSIGN_OR_RETURN(const uint64_t revision, ApplyOne(engine, event));
  if (trail != nullptr) {
    SOCLE_RETURN_IF_ERROR(trail->RecordOperation(
        TrailOperation::kPolicyApproval, terms.professional, "",
        absl::StrCat("approved policy ", next.digest_hex(), " (revision ", revision, ")")));
  }
  return revision;
}

absl::StatusOr<uint64_t> ActivatePolicy(AccessEngine& engine, const Policy& next,
                                        absl::string_view actor, AccessTrail* trail) {
  SOCLE_ASSIGN_OR_RETURN(const auto changes, PolicyChangesDigest(engine.policy(), next));
  const std::string policy_hex = next.digest_hex();
  const std::string changes_hex = crypto::ToHex(changes);
  v1::StateEvent event = NewEvent(engine, actor);
  v1::PolicyActivated* e = event.mutable_policy_activated();
  e->set_mode(v1::PolicyActivated::APPROVED);
  e->set_policy_sha256(std::string(next.digest().begin(), next.digest().end()));
  e->set_previous_sha256(
      std::string(engine.policy().digest().begin(), engine.policy().digest().end()));
  e->set_changes_sha256(std::string(changes.begin(), changes.end()));
  e->set_policy_id(std::string(next.id()));
  e->set_policy_revision(std::string(next.revision()));
  for (std::string& role : access_internal::DpoRoleNames(next)) e->add_dpo_roles(std::move(role));
  // One approval per professional (the first), of exactly this change; the engine decides
  // whether they are enough.
  std::set<std::string> approvers;
  for (const PolicyApprovalStatus& a : engine.snapshot()->Governance().approvals) {
    if (a.policy_digest == policy_hex && a.changes_digest == changes_hex &&
        approvers.insert(a.professional).second) {
      e->add_approvals(a.revision);
    }
  }
  SOCLE_ASSIGN_OR_RETURN(const uint64_t revision, ApplyOne(engine, event));
  if (trail != nullptr) {
    SOCLE_RETURN_IF_ERROR(trail->RecordOperation(
        TrailOperation::kPolicyActivation, actor, "",
        absl::StrCat("activated policy ", policy_hex, " with ", e->approvals_size(),
                     " approvals (revision ", revision, ")")));
  }
  return revision;
}

}  // namespace socle
