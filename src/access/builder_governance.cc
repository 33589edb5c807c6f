// Folding the two-person activation of a policy (socle/policy_approval.hpp; REQ-62): the
// professionals' approval keys, their signed approvals of a change, and the activations that say
// which policy the record runs from then on.
//
// Whether an approver is the DPO is judged by the DPO roles of the last policy activated INITIAL
// or APPROVED (recorded in that activation), never by a development policy; it is checked when
// the event is first applied and stamped on the event, and a replay folds what was recorded.
// Everything else (the signature, the approver, the chain of policies in force) is checked again on
// replay.
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "access/governance.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "ledger/note.h"
#include "socle/error.hpp"

namespace socle::access_internal {

namespace {

// The first 12 hex digits of a digest: enough to tell policies apart in a message.
std::string Short(const PolicyDigestBytes& digest) { return crypto::ToHex(digest).substr(0, 12); }

// An activation's dpo_roles: names, sorted, each once; none for DEVELOPMENT.
absl::Status CheckDpoRoles(const v1::PolicyActivated& e) {
  for (int i = 0; i < e.dpo_roles_size(); ++i) {
    SOCLE_RETURN_IF_ERROR(
        CheckText(absl::StrCat("policy_activated.dpo_roles[", i, "]"), e.dpo_roles(i)));
    if (i > 0 && e.dpo_roles(i - 1) >= e.dpo_roles(i)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("policy_activated.dpo_roles[", i,
                                    "] is not after the one before: the roles are sorted, each "
                                    "once"));
    }
  }
  if (e.mode() == v1::PolicyActivated::DEVELOPMENT && e.dpo_roles_size() > 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "policy_activated: a DEVELOPMENT activation names no dpo_roles (an "
                     "unapproved policy makes nobody a DPO)");
  }
  return absl::OkStatus();
}

}  // namespace

PolicyGovernance& Builder::MutableGovernance() {
  auto copy = s_.governance != nullptr ? std::make_shared<PolicyGovernance>(*s_.governance)
                                       : std::make_shared<PolicyGovernance>();
  PolicyGovernance& out = *copy;
  s_.governance = std::move(copy);
  return out;
}

absl::Status Builder::CheckPolicyInForce(const v1::StateEvent& event) const {
  const PolicyGovernance* g = s_.governance.get();
  if (g == nullptr || !g->has_active || g->active == t_.policy.digest()) return absl::OkStatus();
  // An engine opened in development mode records its own policy's activation, then runs it.
  if (event.event_case() == v1::StateEvent::kPolicyActivated &&
      event.policy_activated().mode() == v1::PolicyActivated::DEVELOPMENT) {
    return absl::OkStatus();
  }
  return MakeError(ErrorCode::kFailedPrecondition,
                   absl::StrCat(EventName(event), ": the record runs policy ", Short(g->active),
                                "… since revision ", g->active_revision, ", not this engine's (",
                                t_.policy.digest_hex().substr(0, 12),
                                "…): open an engine with the policy in force"));
}

absl::Status Builder::RegisterApprovalKey(const v1::ApprovalKeyRegistered& e) {
  SOCLE_ASSIGN_OR_RETURN(
      const uint32_t professional,
      KnownProfessional("approval_key_registered.professional", e.professional(), true));
  absl::StatusOr<ledger::NoteVerifier> verifier = ledger::NoteVerifier::Parse(e.verifier_key());
  if (!verifier.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("approval_key_registered.verifier_key is not a signed-note "
                                  "verifier key: ",
                                  verifier.status().message()));
  }
  const std::string key = verifier->Key();
  if (s_.governance != nullptr) {
    for (const auto& [other, other_key] : s_.governance->keys) {
      if (other != professional && other_key == key) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "approval_key_registered.verifier_key is another professional's "
                         "approval key: two approvals must come from two people");
      }
    }
  }
  MutableGovernance().keys[professional] = key;
  return absl::OkStatus();
}

absl::Status Builder::ApprovePolicy(const v1::PolicyApproved& e) {
  const PolicyGovernance* g = s_.governance.get();
  if (g == nullptr || !g->has_active) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "policy_approved: the record has no policy in force yet (no "
                     "policy_activated): there is no change to approve");
  }
  const auto key = g->keys.find(recorder_);
  if (key == g->keys.end()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "policy_approved: the professional of recorded_by has no approval key "
                     "(approval_key_registered)");
  }
  SOCLE_ASSIGN_OR_RETURN(ledger::NoteVerifier verifier, ledger::NoteVerifier::Parse(key->second));
  absl::StatusOr<ledger::Note> note = ledger::OpenNote(e.approval(), {&verifier, 1});
  if (!note.ok()) {
    return MakeError(ErrorCode::kVerificationFailed,
                     absl::StrCat("policy_approved.approval is not a note signed with the approval "
                                  "key of the professional of recorded_by: ",
                                  note.status().message()));
  }
  absl::StatusOr<ApprovalTerms> terms = ParseApprovalText(note->text);
  if (!terms.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("policy_approved.approval: ", terms.status().message()));
  }
  if (ids_.professionals.Find(terms->professional) != recorder_) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "policy_approved.approval names another professional than recorded_by");
  }
  if (terms->previous != g->active) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("policy_approved.approval approves a change of policy ",
                                  Short(terms->previous), "…, but the policy in force is ",
                                  Short(g->active), "…"));
  }
  if (terms->policy == g->active && g->active_mode != v1::PolicyActivated::DEVELOPMENT) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "policy_approved.approval approves the policy in force itself: nothing "
                     "changes");
  }
  for (const PolicyApprovalRecord& r : g->approvals) {
    if (r.professional == recorder_ && r.policy == terms->policy && r.changes == terms->changes) {
      return MakeError(ErrorCode::kAlreadyExists,
                       absl::StrCat("policy_approved: this professional already approved this "
                                    "change (revision ",
                                    r.revision, "); two approvals come from two professionals"));
    }
  }
  bool dpo = e.dpo();
  if (!replay_) {
    // Under an approved (or initial) policy, this engine's own; under a development policy,
    // those the last approved one recorded: an unapproved policy makes nobody a DPO.
    const uint32_t role = s_.professionals[recorder_].role;
    if (g->active_mode != v1::PolicyActivated::DEVELOPMENT) {
      dpo = role < t_.c->role_capabilities.size() &&
            (t_.c->role_capabilities[role] & (1u << v1::Role::DPO_ROLE)) != 0;
    } else {
      dpo = role < t_.c->roles.size() &&
            std::binary_search(g->dpo_roles.begin(), g->dpo_roles.end(), t_.c->roles.Name(role));
    }
    if (e.dpo() && !dpo) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "policy_approved.dpo is set, but the approver's role does not hold "
                       "DPO_ROLE in the last approved policy (the engine sets this field)");
    }
  }
  approval_dpo_ = dpo;
  MutableGovernance().approvals.push_back(
      PolicyApprovalRecord{recorder_, terms->policy, terms->changes, std::move(terms->dpo_roles),
                           dpo, s_.revision + 1, at_});
  return absl::OkStatus();
}

absl::Status Builder::ActivatePolicy(const v1::StateEvent& event) {
  const v1::PolicyActivated& e = event.policy_activated();
  SOCLE_ASSIGN_OR_RETURN(const PolicyDigestBytes policy,
                         DigestField("policy_activated.policy_sha256", e.policy_sha256()));
  SOCLE_RETURN_IF_ERROR(CheckText("policy_activated.policy_id", e.policy_id()));
  SOCLE_RETURN_IF_ERROR(CheckText("policy_activated.policy_revision", e.policy_revision()));
  SOCLE_RETURN_IF_ERROR(CheckDpoRoles(e));
  const PolicyGovernance* g = s_.governance.get();
  const bool has_active = g != nullptr && g->has_active;
  const bool mine = policy == t_.policy.digest();
  // An activation of this engine's own policy names its DPO roles (checked on replay too: the
  // engine of an approved policy checks what the engine before it recorded).
  if (mine && e.mode() != v1::PolicyActivated::DEVELOPMENT) {
    const std::vector<std::string> own = DpoRoleNames(t_.policy);
    if (!std::equal(own.begin(), own.end(), e.dpo_roles().begin(), e.dpo_roles().end())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("policy_activated.dpo_roles are not the ", own.size(),
                                    " role(s) holding DPO_ROLE in the policy activated"));
    }
  }
  switch (e.mode()) {
    case v1::PolicyActivated::INITIAL:
      if (has_active) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "policy_activated: INITIAL, but the record already has a policy in force");
      }
      if (!e.previous_sha256().empty() || !e.approvals().empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "policy_activated: an INITIAL activation has no previous policy and no "
                         "approvals");
      }
      if (!replay_ && !mine) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "policy_activated: INITIAL activates the engine's own policy only");
      }
      break;
    case v1::PolicyActivated::DEVELOPMENT:
      if (!replay_ && (!development_ || !mine)) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "policy_activated: DEVELOPMENT is recorded only by an engine opened in "
                         "development mode, for its own policy");
      }
      if (!e.approvals().empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "policy_activated: a DEVELOPMENT activation has no approvals");
      }
      break;
    case v1::PolicyActivated::APPROVED: {
      if (!has_active) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "policy_activated: APPROVED, but the record has no policy in force to "
                         "replace");
      }
      SOCLE_ASSIGN_OR_RETURN(const PolicyDigestBytes changes,
                             DigestField("policy_activated.changes_sha256", e.changes_sha256()));
      if (policy == g->active && g->active_mode != v1::PolicyActivated::DEVELOPMENT) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "policy_activated: the policy is already in force");
      }
      std::set<uint32_t> approvers;
      bool dpo = false;
      for (int i = 0; i < e.approvals_size(); ++i) {
        const uint64_t revision = e.approvals(i);
        const auto r =
            std::find_if(g->approvals.begin(), g->approvals.end(),
                         [&](const PolicyApprovalRecord& a) { return a.revision == revision; });
        if (r == g->approvals.end() || r->policy != policy || r->changes != changes) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           absl::StrCat("policy_activated.approvals[", i, "]: revision ", revision,
                                        " is not an approval of this change of the policy in "
                                        "force"));
        }
        // What the approvers signed names the new policy's DPO roles: the activation names
        // those, so a list nobody signed never decides whose approval is the DPO's.
        if (!std::equal(r->dpo_roles.begin(), r->dpo_roles.end(), e.dpo_roles().begin(),
                        e.dpo_roles().end())) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           absl::StrCat("policy_activated.approvals[", i,
                                        "]: the approver signed other DPO roles than "
                                        "policy_activated.dpo_roles"));
        }
        if (s_.professionals[r->professional].left) {
          return MakeError(
              ErrorCode::kFailedPrecondition,
              absl::StrCat("policy_activated.approvals[", i, "]: the approver has left since"));
        }
        approvers.insert(r->professional);
        dpo = dpo || r->dpo;
      }
      if (approvers.size() < 2 || approvers.size() != static_cast<size_t>(e.approvals_size())) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         absl::StrCat("policy_activated: ", approvers.size(),
                                      " distinct approver(s); a policy takes effect with the "
                                      "approvals of two distinct professionals (REQ-62)"));
      }
      if (!dpo) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "policy_activated: no approver holds DPO_ROLE in the policy in force; "
                         "one of the two must (REQ-62)");
      }
      break;
    }
    default:
      return MakeError(ErrorCode::kInvalidArgument,
                       "policy_activated.mode must be INITIAL, APPROVED or DEVELOPMENT");
  }
  if (e.mode() != v1::PolicyActivated::INITIAL) {
    const std::string expected =
        has_active ? std::string(g->active.begin(), g->active.end()) : std::string();
    if (e.previous_sha256() != expected) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "policy_activated.previous_sha256 is not the digest of the policy in force");
    }
  }
  PolicyGovernance& out = MutableGovernance();
  out.has_active = true;
  out.active = policy;
  out.active_mode = e.mode();
  out.active_revision = s_.revision + 1;
  out.approvals.clear();
  if (e.mode() != v1::PolicyActivated::DEVELOPMENT) {
    out.dpo_roles.assign(e.dpo_roles().begin(), e.dpo_roles().end());
  }
  return absl::OkStatus();
}

}  // namespace socle::access_internal
