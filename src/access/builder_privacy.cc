// Folding the differential-privacy budgets' charges (socle/privacy_budget.hpp; issue 14): a
// noisy statistics release is charged to its dataset's budget before the table is released. The
// check is the budget's own (PrivacyBudget, exact rationals): the dataset's budget as the policy
// declares it now, every earlier charge of the dataset charged again, then this one; two writers
// cannot both spend the last of a budget (the engine applies one event at a time). A replay
// folds the recorded charges as they were admitted (their cost recomputed, not the budget): a
// policy that lowered a budget since refuses new charges but still opens.
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "access/privacy.h"
#include "core/privacy_budget.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::access_internal {

absl::StatusOr<PrivacyBudget> BudgetWithCharges(
    const policy_internal::CompiledPolicy::PrivacyBudgetTable& declared,
    const std::vector<PrivacyChargeRecord>* charges) {
  SOCLE_ASSIGN_OR_RETURN(PrivacyBudget budget,
                         PrivacyBudget::Create(declared.epsilon, declared.delta));
  if (charges == nullptr) return budget;
  for (const PrivacyChargeRecord& r : *charges) {
    // A charge admitted under an earlier policy's larger budget leaves nothing under this one.
    if (const absl::Status status = budget.Charge(r.charge); !status.ok()) {
      return MakeError(
          ErrorCode::kResourceExhausted,
          absl::StrCat("the privacy budget of dataset '", declared.dataset,
                       "' is already spent under the current policy (", status.message(), ")"));
    }
  }
  return budget;
}

namespace {

// `state`'s register with `record` appended to `dataset`'s charges (copy on write).
void AppendCharge(State& state, const std::string& dataset, PrivacyChargeRecord record) {
  auto copy = state.privacy != nullptr ? std::make_shared<PrivacyRegister>(*state.privacy)
                                       : std::make_shared<PrivacyRegister>();
  copy->datasets[dataset].push_back(std::move(record));
  state.privacy = std::move(copy);
}

}  // namespace

absl::Status Builder::ChargePrivacyBudget(const v1::PrivacyBudgetCharged& e) {
  SOCLE_RETURN_IF_ERROR(CheckId("privacy_budget_charged.dataset", e.dataset()));
  if (e.charge().release().empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "privacy_budget_charged.charge.release is empty: name the release");
  }
  SOCLE_RETURN_IF_ERROR(CheckText("privacy_budget_charged.charge.release", e.charge().release()));
  if (replay_) {
    // Admitted when it was first applied, under the policy of that day: a budget lowered since
    // (or a dataset removed) leaves no room for new charges, but never rewrites the past.
    absl::StatusOr<PrivacyCharge> recorded = core::ChargeFromProto(e.charge());
    if (recorded.ok()) {
      recorded =
          PrivacyBudget::Price(recorded->mechanism, recorded->sensitivity, recorded->parameter);
    }
    if (!recorded.ok()) {
      return MakeError(
          ErrorCodeOf(recorded.status()),
          absl::StrCat("privacy_budget_charged.charge: ", recorded.status().message()));
    }
    recorded->release = e.charge().release();
    AppendCharge(s_, e.dataset(),
                 PrivacyChargeRecord{*std::move(recorded), recorder_, at_, s_.revision + 1});
    return absl::OkStatus();
  }
  const policy_internal::CompiledPolicy::PrivacyBudgetTable* declared =
      t_.c->FindPrivacyBudget(e.dataset());
  if (declared == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("privacy_budget_charged.dataset: '", e.dataset(),
                                  "' is not a privacy budget of the policy "
                                  "(statistics.privacy_budgets)"));
  }
  const std::vector<PrivacyChargeRecord>* charges = nullptr;
  if (s_.privacy != nullptr) {
    const auto it = s_.privacy->datasets.find(e.dataset());
    if (it != s_.privacy->datasets.end()) charges = &it->second;
  }
  SOCLE_ASSIGN_OR_RETURN(PrivacyBudget budget, BudgetWithCharges(*declared, charges));
  SOCLE_RETURN_IF_ERROR(core::ChargeRecorded(
      budget, e.charge(), absl::StrCat("privacy_budget_charged (dataset '", e.dataset(), "'): ")));
  AppendCharge(s_, e.dataset(),
               PrivacyChargeRecord{budget.charges().back(), recorder_, at_, s_.revision + 1});
  return absl::OkStatus();
}

}  // namespace socle::access_internal
