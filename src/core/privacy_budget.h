// Internals of socle/privacy_budget.hpp: the rational bound of ln(1/δ) the budget converts zCDP
// with, and the budget's records as socle.v1 messages (proto/socle/v1/noise.proto).
#ifndef SOCLE_SRC_CORE_PRIVACY_BUDGET_H_
#define SOCLE_SRC_CORE_PRIVACY_BUDGET_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/privacy_budget.hpp"
#include "socle/v1/noise.pb.h"

namespace socle::core {

// A rational upper bound of ln(1/δ) for 0 < δ < 1, with denominator 2^30: ln(N) for N = ⌈1/δ⌉
// bounded by k·ln 2 + ln(1 + y) with N = 2^k·(1 + y), ln 2 ≤ 744261118/2^30 and
// ln(1 + y) ≤ y(6 + y)/(6 + 4y) (y ≥ 0), every rounding upwards. It exceeds ln(1/δ) by at most
// ln(1 + δ) + 0.007 (the ceiling, then ln(1 + y)'s bound) plus 2^-29 of roundings.
absl::StatusOr<Rational> LogInverseUpperBound(Rational delta);

// A charge as its record (socle.v1.PrivacyCharge: a state event's, a snapshot's).
void ChargeToProto(const PrivacyCharge& charge, v1::PrivacyCharge* out);
// A recorded charge as a value, checked: a known mechanism, no zero denominator
// (INVALID_ARGUMENT otherwise). Unset epsilon and rho are 0.
absl::StatusOr<PrivacyCharge> ChargeFromProto(const v1::PrivacyCharge& charge);
// Charges a recorded charge to `budget` (PrivacyBudget::Charge: its ε or ρ recomputed); a
// recorded epsilon or rho, when set, must be the recomputed one. Errors are prefixed with
// `where`; the budget is unchanged on an error.
absl::Status ChargeRecorded(PrivacyBudget& budget, const v1::PrivacyCharge& charge,
                            absl::string_view where);

// The budget's records (socle.v1.PrivacyBudgetRecord): the declaration and every charge.
v1::PrivacyBudgetRecord BudgetToProto(const PrivacyBudget& budget, absl::string_view dataset);
// Rebuilds a budget by charging the recorded releases again in order, through the same checks:
// a record that a budget would not have accepted is refused (INVALID_ARGUMENT naming the charge,
// or the charge's own error), so a reloaded budget is exactly the one that was saved.
absl::StatusOr<PrivacyBudget> BudgetFromProto(const v1::PrivacyBudgetRecord& record);

}  // namespace socle::core

#endif  // SOCLE_SRC_CORE_PRIVACY_BUDGET_H_
