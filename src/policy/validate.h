// Validation of a parsed policy: every rule a DPO could break, each reported with a stable code
// and the field path (locations are added afterwards from the parse tree).
#ifndef SOCLE_SRC_POLICY_VALIDATE_H_
#define SOCLE_SRC_POLICY_VALIDATE_H_

#include <vector>

#include "socle/policy.hpp"
#include "socle/v1/policy.pb.h"

namespace socle::policy_internal {

// Appends one Diagnostic per problem of `policy` to `out` (paths set, lines and columns not).
void ValidatePolicy(const v1::Policy& policy, std::vector<Diagnostic>* out);

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_VALIDATE_H_
