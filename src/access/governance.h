// The text of a policy approval (socle/policy_approval.hpp; REQ-62), which a professional signs
// as a C2SP signed note and the engine reads back when it folds a PolicyApproved event:
//
//   socle policy approval v1
//   policy <64 hex: the digest of the policy approved>
//   previous <64 hex: the digest of the policy in force it replaces>
//   changes <64 hex: SHA-256 of the summary of changes of access the approver read>
//   dpo-roles <the roles holding DPO_ROLE in the new policy, sorted, separated by spaces>
//   professional <the approver's id>
//
// Thread safety: free functions on values.
#ifndef SOCLE_SRC_ACCESS_GOVERNANCE_H_
#define SOCLE_SRC_ACCESS_GOVERNANCE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/policy.hpp"

namespace socle::access_internal {

using PolicyDigestBytes = std::array<uint8_t, kPolicyDigestBytes>;

struct ApprovalTerms {
  PolicyDigestBytes policy{};
  PolicyDigestBytes previous{};
  PolicyDigestBytes changes{};
  std::vector<std::string> dpo_roles;  // of the new policy, sorted (DpoRoleNames)
  std::string professional;
};

// The note text of `terms` (ends with a newline).
std::string ApprovalText(const ApprovalTerms& terms);
// Reads a note text ApprovalText wrote. INVALID_ARGUMENT naming the line that is not as expected.
absl::StatusOr<ApprovalTerms> ParseApprovalText(absl::string_view text);

// The roles holding DPO_ROLE in `policy`, sorted (PolicyActivated.dpo_roles).
std::vector<std::string> DpoRoleNames(const Policy& policy);

// The bytes of a digest field of an event (`field` names it in the error): exactly 32 bytes.
absl::StatusOr<PolicyDigestBytes> DigestField(absl::string_view field, absl::string_view bytes);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_GOVERNANCE_H_
