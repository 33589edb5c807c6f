// Validation of a parsed policy: every rule a DPO could break, each reported with a stable code
// and the field path (locations are added afterwards from the parse tree).
#ifndef SOCLE_SRC_POLICY_VALIDATE_H_
#define SOCLE_SRC_POLICY_VALIDATE_H_

#include <cstddef>
#include <vector>

#include "socle/policy.hpp"
#include "socle/v1/policy.pb.h"

namespace socle::policy_internal {

// At most this many validation diagnostics are reported for one policy; the others are counted
// and summed up in one last diagnostic, kTruncatedCode (docs/policy-reference.md). A hostile
// policy may hold millions of problems; nobody reads past the first hundred.
inline constexpr size_t kMaxReportedDiagnostics = 100;
inline constexpr char kTruncatedCode[] = "diagnostics.truncated";

// The most roles and data categories a policy may declare (`policy.too_many_entries`). The
// habilitation matrix is roles × actions × categories bits here, and the access engine's rule
// tables roles × actions × categories entries: without a cap, a 16 MiB text of declarations alone
// would ask for gigabytes. Real policies declare a few dozen of each.
inline constexpr int kMaxRoles = 1024;
inline constexpr int kMaxDataCategories = 1024;

// Appends one Diagnostic per problem of `policy` to `out` (paths set, lines and columns not), at
// most kMaxReportedDiagnostics of them, then, if there were more, one kTruncatedCode diagnostic
// (no path) saying how many were left out: an error when at least one of them is an error, so
// that the policy is refused exactly when it has an error, a warning otherwise.
void ValidatePolicy(const v1::Policy& policy, std::vector<Diagnostic>* out);

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_VALIDATE_H_
