// The differential-privacy budgets in the engine's state (socle/privacy_budget.hpp): reading a
// dataset's budget and charges from a snapshot, and charging one through the engine.
#include "access/privacy.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/apply.h"
#include "core/privacy_budget.h"
#include "core/proto_time.h"
#include "socle/access.hpp"
#include "socle/error.hpp"

namespace socle {

namespace ai = access_internal;

namespace {

const std::vector<ai::PrivacyChargeRecord>* ChargesOf(const ai::SnapshotData& s,
                                                      absl::string_view dataset) {
  if (s.state.privacy == nullptr) return nullptr;
  const auto it = s.state.privacy->datasets.find(dataset);
  return it == s.state.privacy->datasets.end() ? nullptr : &it->second;
}

}  // namespace

absl::StatusOr<PrivacyBudget> PrivacyBudgetOf(const AccessSnapshot& snapshot,
                                              absl::string_view dataset) {
  const ai::SnapshotData& s = ai::Data(snapshot);
  const policy_internal::CompiledPolicy::PrivacyBudgetTable* declared =
      s.tables->c->FindPrivacyBudget(dataset);
  if (declared == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("privacy budget: '", dataset,
                                  "' is not a dataset of the policy (statistics.privacy_budgets)"));
  }
  return ai::BudgetWithCharges(*declared, ChargesOf(s, dataset));
}

std::vector<RecordedPrivacyCharge> PrivacyChargesOf(const AccessSnapshot& snapshot,
                                                    absl::string_view dataset) {
  const ai::SnapshotData& s = ai::Data(snapshot);
  std::vector<RecordedPrivacyCharge> out;
  const std::vector<ai::PrivacyChargeRecord>* charges = ChargesOf(s, dataset);
  if (charges == nullptr) return out;
  for (const ai::PrivacyChargeRecord& r : *charges) {
    out.push_back(RecordedPrivacyCharge{r.charge,
                                        r.recorded_by == kNoId
                                            ? std::string()
                                            : std::string(s.ids->professionals.Name(r.recorded_by)),
                                        absl::FromUnixNanos(r.recorded_at), r.revision});
  }
  return out;
}

absl::StatusOr<uint64_t> ChargePrivacyBudget(AccessEngine& engine, absl::string_view dataset,
                                             absl::Span<const PrivacyCharge> charges,
                                             absl::string_view recorded_by) {
  constexpr size_t kMaxCharges = 16;
  if (charges.empty() || charges.size() > kMaxCharges) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("privacy budget: charge 1 to ", kMaxCharges,
                                  " releases at once, not ", charges.size()));
  }
  const absl::Time now = ai::Data(*engine.snapshot()).clock->Now();
  v1::StateEventBatch batch;
  batch.set_format_version(1);
  for (const PrivacyCharge& charge : charges) {
    v1::StateEvent* event = batch.add_events();
    event->set_format_version(1);
    core::SetTimestamp(now, event->mutable_at());
    event->set_recorded_by(std::string(recorded_by));
    v1::PrivacyBudgetCharged* e = event->mutable_privacy_budget_charged();
    e->set_dataset(std::string(dataset));
    core::ChargeToProto(charge, e->mutable_charge());
    // ε and ρ are the engine's to compute: a caller's values are not compared with them.
    e->mutable_charge()->clear_epsilon();
    e->mutable_charge()->clear_rho();
  }
  return engine.ApplyEventBatch(batch.SerializeAsString());
}

}  // namespace socle
