// socle/privacy_budget.hpp: a dataset's differential-privacy budget (ε, δ) and the releases
// charged to it, in exact rationals (issue 14; docs/differential-privacy.md, "The budget").
//
// The policy declares each dataset's budget (statistics.privacy_budgets). The access engine keeps
// every dataset's charges as state: ChargePrivacyBudget records a charge as the state event
// privacy_budget_charged, admitted only if it fits what is left, before the noisy table is made
// (socle/statistics_release.hpp does both). The state ledger is the budget's ledger: a replay
// admits exactly the same charges. The noise itself is socle/noise.hpp.
//
// Thread safety: Rational, PrivacyCharge and PrivacyBudget are plain values, not synchronised.
// ChargePrivacyBudget writes through the engine (serialised by it: two releases cannot both spend
// the last of a budget); PrivacyBudgetOf reads one immutable snapshot.
#ifndef SOCLE_PRIVACY_BUDGET_HPP_
#define SOCLE_PRIVACY_BUDGET_HPP_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "socle/export.hpp"

namespace socle {

// A non-negative rational numerator/denominator. A plain value: Create() checks the
// denominator, and every function taking a Rational checks it again (INVALID_ARGUMENT naming the
// parameter when it is 0), so a hand-built {1, 0} is refused where it is used.
struct SOCLE_CXX_API Rational {
  uint64_t numerator = 0;
  uint64_t denominator = 1;

  // INVALID_ARGUMENT when `denominator` is 0. The fraction is kept as given (not reduced).
  static absl::StatusOr<Rational> Create(uint64_t numerator, uint64_t denominator);
  // The same fraction in lowest terms (a zero denominator is returned as is).
  Rational Reduced() const;
  // "3/2" (or "3" when the denominator is 1), for messages and reports.
  std::string ToString() const;
};

// Exact comparison of two rationals (cross-multiplied in 128 bits: never overflows). Both
// denominators must be non-zero.
SOCLE_CXX_API bool RationalLess(Rational a, Rational b);
SOCLE_CXX_API bool RationalEqual(Rational a, Rational b);

// How a release was noised.
enum class NoiseMechanism : int32_t {  // = socle.v1.NoiseMechanism
  kDiscreteLaplace = 1,                // pure ε-DP, ε = Δ/t (Δ: L1 sensitivity)
  kDiscreteGaussian = 2,               // ρ-zCDP, ρ = Δ²/(2σ²) (Δ: L2 sensitivity)
};

// One release charged to a budget. `release` is the caller's label for it (a table's name, no
// personal data); `parameter` is the Laplace scale t or the Gaussian σ².
struct SOCLE_CXX_API PrivacyCharge {
  std::string release;
  NoiseMechanism mechanism = NoiseMechanism::kDiscreteLaplace;
  Rational sensitivity;
  Rational parameter;
  Rational epsilon;  // Laplace: Δ/t; Gaussian: 0 (its cost is in rho)
  Rational rho;      // Gaussian: Δ²/(2σ²); Laplace: 0
};

// A dataset's privacy budget (ε, δ) and the releases charged to it.
//
// Accounting (docs/differential-privacy.md, "The budget"): discrete Laplace releases compose
// sequentially in pure DP (their ε add up exactly); discrete Gaussian releases compose in zCDP
// (their ρ add up exactly, Bun and Steinke 2016) and the total ρ is converted once to
// (ρ + 2·sqrt(ρ·ln(1/δ)), δ)-DP (Bun and Steinke 2016, Proposition 1.3), with a rational upper
// bound of ln(1/δ), so the conversion can only overcharge. A release is accepted when
//   Σ ε_Laplace + ρ + 2·sqrt(ρ·L) ≤ ε,   L ≥ ln(1/δ),
// decided exactly on rationals. With δ = 0 only Laplace releases are possible.
//
// Refusals leave the budget unchanged: RESOURCE_EXHAUSTED when the release would exceed ε,
// FAILED_PRECONDITION for a Gaussian release under δ = 0, INVALID_ARGUMENT for bad parameters,
// OUT_OF_RANGE when the exact sums no longer fit 64-bit fractions.
//
// Thread safety: a value type, not synchronised (the engine will serialise its writes).
class SOCLE_CXX_API PrivacyBudget {
 public:
  // ε > 0; 0 ≤ δ < 1. INVALID_ARGUMENT otherwise (zero denominators included).
  static absl::StatusOr<PrivacyBudget> Create(Rational epsilon, Rational delta);

  // Charges a discrete Laplace release of L1 sensitivity Δ > 0 at scale t > 0: ε = Δ/t.
  absl::Status ChargeLaplace(absl::string_view release, Rational sensitivity, Rational scale);
  // Charges a discrete Gaussian release of L2 sensitivity Δ > 0 with variance σ² > 0:
  // ρ = Δ²/(2σ²).
  absl::Status ChargeGaussian(absl::string_view release, Rational sensitivity, Rational sigma2);
  // Charges a recorded release again (a budget rebuilt from its records): by its mechanism,
  // sensitivity and parameter, as ChargeLaplace or ChargeGaussian; its epsilon and rho are
  // recomputed, never read. INVALID_ARGUMENT for an unknown mechanism.
  absl::Status Charge(const PrivacyCharge& charge);
  // A release's cost alone, without a budget: its ε (Laplace: Δ/t) or ρ (Gaussian: Δ²/(2σ²)),
  // the fractions in lowest terms. INVALID_ARGUMENT for an unknown mechanism, a zero
  // denominator, a zero sensitivity or parameter; OUT_OF_RANGE when the cost leaves 64 bits.
  static absl::StatusOr<PrivacyCharge> Price(NoiseMechanism mechanism, Rational sensitivity,
                                             Rational parameter);
  // Whether a release could be charged now, without charging it (the same checks and errors).
  absl::Status CheckLaplace(Rational sensitivity, Rational scale) const;
  absl::Status CheckGaussian(Rational sensitivity, Rational sigma2) const;

  Rational epsilon() const { return epsilon_; }
  Rational delta() const { return delta_; }
  // Σ ε of the Laplace releases and Σ ρ of the Gaussian ones, in lowest terms.
  Rational laplace_epsilon_spent() const { return laplace_epsilon_; }
  Rational rho_spent() const { return rho_; }
  // The rational L ≥ ln(1/δ) the conversion uses (0 when δ = 0).
  Rational log_inverse_delta_bound() const { return log_inv_delta_; }
  const std::vector<PrivacyCharge>& charges() const { return charges_; }

 private:
  PrivacyBudget() = default;
  absl::Status Admit(const PrivacyCharge& charge, Rational* laplace, Rational* rho) const;
  absl::Status Charge(absl::string_view release, NoiseMechanism mechanism, Rational sensitivity,
                      Rational parameter);

  Rational epsilon_;
  Rational delta_;
  Rational log_inv_delta_;
  Rational laplace_epsilon_{0, 1};
  Rational rho_{0, 1};
  std::vector<PrivacyCharge> charges_;
};

class AccessEngine;
class AccessSnapshot;

// `dataset`'s budget on `snapshot`: its (ε, δ) as the snapshot's policy declares it, with every
// charge recorded so far. NOT_FOUND when the policy declares no such dataset; RESOURCE_EXHAUSTED
// when the recorded charges exceed a budget the policy has since lowered.
SOCLE_CXX_API absl::StatusOr<PrivacyBudget> PrivacyBudgetOf(const AccessSnapshot& snapshot,
                                                            absl::string_view dataset);

// A recorded charge, with who recorded it, when, and the state revision of its event.
struct SOCLE_CXX_API RecordedPrivacyCharge {
  PrivacyCharge charge;
  std::string recorded_by;  // a professional id
  absl::Time recorded_at;
  uint64_t revision = 0;
};
// `dataset`'s charges on `snapshot`, in the order recorded (empty for a dataset never charged).
SOCLE_CXX_API std::vector<RecordedPrivacyCharge> PrivacyChargesOf(const AccessSnapshot& snapshot,
                                                                  absl::string_view dataset);

// Charges `charges` (1 to 16; each its release label, mechanism, sensitivity and parameter; ε or
// ρ are recomputed) to `dataset`'s budget, all or none: one state event privacy_budget_charged
// each, in one batch at the engine's clock, recorded by `recorded_by` (an active professional),
// durable in the engine's record when it has one. Returns the new revision. Refused, nothing
// recorded: NOT_FOUND (no such dataset in the policy), RESOURCE_EXHAUSTED (the budget left is too
// small for them all), FAILED_PRECONDITION (a Gaussian release under δ = 0), INVALID_ARGUMENT
// (no charge or more than 16, bad parameters, an empty release label), and the engine's errors.
SOCLE_CXX_API absl::StatusOr<uint64_t> ChargePrivacyBudget(AccessEngine& engine,
                                                           absl::string_view dataset,
                                                           absl::Span<const PrivacyCharge> charges,
                                                           absl::string_view recorded_by);

}  // namespace socle

#endif  // SOCLE_PRIVACY_BUDGET_HPP_
