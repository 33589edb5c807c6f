// socle/policy_approval.hpp: two-person activation of a new policy (REQ-62).
//
// A DPO who changes the habilitation matrix, a sharing rule, a retention rule, the scope of
// break-the-glass or a statistics threshold changes the policy's digest; an engine of record
// runs only the policy in force on its record (AccessEngine::Open). A new policy comes into
// force in four steps, each an event of the state ledger:
//   1. each approver registers an approval key once (RegisterApprovalKey: the public half of an
//      Ed25519 key, as a C2SP signed-note verifier key);
//   2. two distinct professionals, one whose role holds DPO_ROLE in the policy in force, read the
//      summary of changes (DiffPolicies) and sign an approval (SignPolicyApproval): a signed note
//      over the new policy's digest, the digest of the policy in force and the digest of the
//      summary of changes they read;
//   3. the approvals are recorded on an engine running the policy in force
//      (RecordPolicyApproval), which checks the signature against the approver's key;
//   4. ActivatePolicy records the activation; from then on the old engine's writes are refused
//      and AccessEngine::Open accepts the new policy.
// The record and, when given, the access trail keep every step. docs/policy-approval.md.
//
// Thread safety: free functions; the engine and the trail are thread-safe.
#ifndef SOCLE_POLICY_APPROVAL_HPP_
#define SOCLE_POLICY_APPROVAL_HPP_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/access.hpp"
#include "socle/export.hpp"
#include "socle/policy.hpp"
#include "socle/secret_bytes.hpp"
#include "socle/trail.hpp"

namespace socle {

// SHA-256 of the summary of changes of access from `previous` to `next`, as approvers read it:
// every line of DiffPolicies(previous, next).Summary(kFrench), each followed by a newline.
// Builds both policies' analyses (tens of milliseconds).
SOCLE_CXX_API absl::StatusOr<std::array<uint8_t, 32>> PolicyChangesDigest(const Policy& previous,
                                                                          const Policy& next);

// The text `professional` signs to approve `next` in place of `previous`
// ("socle policy approval v1", then the policy, previous and changes digests and the
// professional's id, one per line).
SOCLE_CXX_API absl::StatusOr<std::string> PolicyApprovalText(const Policy& previous,
                                                             const Policy& next,
                                                             absl::string_view professional);

// An approval key: the signer key (a secret, "PRIVATE+KEY+<name>+<hash>+<base64>": keep it in a
// file only its holder reads) and the verifier key to register ("<name>+<hash>+<base64>").
struct SOCLE_CXX_API ApprovalKeyPair {
  SecretBytes signer_key;
  std::string verifier_key;
};
// A fresh Ed25519 key named `name` (no '+' and no white space; the professional's id is a good
// name). INVALID_ARGUMENT for a bad name.
SOCLE_CXX_API absl::StatusOr<ApprovalKeyPair> GenerateApprovalKey(absl::string_view name);

// The approval of `professional`, signed with their signer key: a C2SP signed note.
// INVALID_ARGUMENT or PARSE for a bad key (the message never quotes it).
SOCLE_CXX_API absl::StatusOr<std::string> SignPolicyApproval(const Policy& previous,
                                                             const Policy& next,
                                                             absl::string_view professional,
                                                             const SecretBytes& signer_key);

// Records `verifier_key` as `professional`'s approval key (an approval_key_registered event,
// recorded by `recorded_by`). Returns the engine's new revision.
SOCLE_CXX_API absl::StatusOr<uint64_t> RegisterApprovalKey(AccessEngine& engine,
                                                           absl::string_view professional,
                                                           absl::string_view verifier_key,
                                                           absl::string_view recorded_by);

// Records `approval` (SignPolicyApproval's note) on `engine`, an engine of record running the
// policy in force. Checks first that the note approves `next` in place of engine.policy() with
// the summary of changes between them (INVALID_ARGUMENT otherwise); the engine then checks the
// signature against the approver's registered key (VERIFICATION_FAILED), that the approver is
// an active professional and has not approved this change already (ALREADY_EXISTS). With a
// trail, also recorded there as a policy_approval by the approver. Returns the new revision.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordPolicyApproval(AccessEngine& engine,
                                                            const Policy& next,
                                                            absl::string_view approval,
                                                            AccessTrail* trail = nullptr);

// Activates `next` on `engine`'s record with the approvals recorded for it: FAILED_PRECONDITION
// unless two distinct professionals, still active, approved this change, one holding DPO_ROLE
// in the policy in force. `actor` (an active professional) records the activation. With a
// trail, also recorded there as a policy_activation. Afterwards `engine` refuses writes: open
// the record with `next`. Returns the revision of the activation.
SOCLE_CXX_API absl::StatusOr<uint64_t> ActivatePolicy(AccessEngine& engine, const Policy& next,
                                                      absl::string_view actor,
                                                      AccessTrail* trail = nullptr);

}  // namespace socle

#endif  // SOCLE_POLICY_APPROVAL_HPP_
