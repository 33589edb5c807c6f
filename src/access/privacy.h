// Internals of the differential-privacy budgets in the engine's state (socle/privacy_budget.hpp).
#ifndef SOCLE_SRC_ACCESS_PRIVACY_H_
#define SOCLE_SRC_ACCESS_PRIVACY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "access/state.h"
#include "policy/compiled_policy.h"
#include "socle/privacy_budget.hpp"

namespace socle::access_internal {

// The budget `declared` with `charges` (may be null) charged again in order. RESOURCE_EXHAUSTED
// when they no longer fit it (the policy's budget was lowered after they were admitted).
absl::StatusOr<PrivacyBudget> BudgetWithCharges(
    const policy_internal::CompiledPolicy::PrivacyBudgetTable& declared,
    const std::vector<PrivacyChargeRecord>* charges);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_PRIVACY_H_
