#include "core/privacy_budget.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/rational.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle {

using absl::uint128;
using core::AddRationals;
using core::CheckDenominator;
using core::FitRational;
using core::Gcd;
using core::LessOrEqual;
using core::Mul256;
using core::MulOverflows;
using core::Overflow;
using core::ShiftRight2;
using core::SubtractRationals;
using core::U256;

// ---- Rational ----

absl::StatusOr<Rational> Rational::Create(uint64_t numerator, uint64_t denominator) {
  Rational r{numerator, denominator};
  SOCLE_RETURN_IF_ERROR(CheckDenominator(r, "rational"));
  return r;
}

Rational Rational::Reduced() const {
  if (denominator == 0) return *this;
  const uint64_t g = absl::Uint128Low64(Gcd(numerator, denominator));
  return Rational{numerator / g, denominator / g};
}

std::string Rational::ToString() const {
  if (denominator == 1) return absl::StrCat(numerator);
  return absl::StrCat(numerator, "/", denominator);
}

bool RationalLess(Rational a, Rational b) {
  return uint128(a.numerator) * b.denominator < uint128(b.numerator) * a.denominator;
}

bool RationalEqual(Rational a, Rational b) {
  return uint128(a.numerator) * b.denominator == uint128(b.numerator) * a.denominator;
}

// ---- PrivacyBudget ----

namespace core {

absl::StatusOr<Rational> LogInverseUpperBound(Rational delta) {
  SOCLE_RETURN_IF_ERROR(CheckDenominator(delta, "ln(1/δ): δ"));
  if (delta.numerator == 0 || delta.numerator >= delta.denominator) {
    return MakeError(ErrorCode::kInvalidArgument, "ln(1/δ): δ must be above 0 and below 1");
  }
  // N = ⌈1/δ⌉ ≥ 1/δ, N = 2^k + a with 0 ≤ a < 2^k, y = a/2^k.
  const uint64_t n =
      static_cast<uint64_t>((uint128(delta.denominator) + delta.numerator - 1) / delta.numerator);
  const int k = 63 - __builtin_clzll(n);
  uint128 a = n - (uint64_t{1} << k);
  uint128 c = uint128(1) << k;
  if (k > 40) {  // y rounded up to 40 bits: the bound grows with y, so it stays an upper bound
    const int shift = k - 40;
    a = (a + (uint128(1) << shift) - 1) >> shift;
    c = uint128(1) << 40;
  }
  // ⌈2^30 · a(6c + a)/(c(6c + 4a))⌉: below 2^113 before the division.
  const uint128 num = (a * (6 * c + a)) << 30;
  const uint128 den = c * (6 * c + 4 * a);
  const uint128 term = (num + den - 1) / den;
  constexpr uint64_t kLn2Ceil30 = 744261118;  // ⌈2^30 · ln 2⌉
  return FitRational(uint128(k) * kLn2Ceil30 + term, uint128(1) << 30, "ln(1/δ)");
}

}  // namespace core

absl::StatusOr<PrivacyBudget> PrivacyBudget::Create(Rational epsilon, Rational delta) {
  SOCLE_RETURN_IF_ERROR(CheckDenominator(epsilon, "privacy budget: ε"));
  SOCLE_RETURN_IF_ERROR(CheckDenominator(delta, "privacy budget: δ"));
  if (epsilon.numerator == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "privacy budget: ε must be above 0");
  }
  if (delta.numerator >= delta.denominator) {
    return MakeError(ErrorCode::kInvalidArgument, "privacy budget: δ must be below 1");
  }
  PrivacyBudget budget;
  budget.epsilon_ = epsilon.Reduced();
  budget.delta_ = delta.Reduced();
  budget.log_inv_delta_ = Rational{0, 1};
  if (delta.numerator != 0) {
    SOCLE_ASSIGN_OR_RETURN(budget.log_inv_delta_, core::LogInverseUpperBound(delta));
  }
  return budget;
}

absl::StatusOr<PrivacyCharge> PrivacyBudget::Price(NoiseMechanism mechanism, Rational sensitivity,
                                                   Rational parameter) {
  const bool laplace = mechanism == NoiseMechanism::kDiscreteLaplace;
  if (!laplace && mechanism != NoiseMechanism::kDiscreteGaussian) {
    return MakeError(ErrorCode::kInvalidArgument, "privacy budget: unknown noise mechanism");
  }
  const absl::string_view name = laplace ? "discrete Laplace" : "discrete Gaussian";
  SOCLE_RETURN_IF_ERROR(CheckDenominator(sensitivity, absl::StrCat(name, ": the sensitivity")));
  SOCLE_RETURN_IF_ERROR(
      CheckDenominator(parameter, absl::StrCat(name, laplace ? ": the scale" : ": σ²")));
  if (sensitivity.numerator == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(name, ": the sensitivity must be above 0"));
  }
  if (parameter.numerator == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(name, laplace ? ": the scale" : ": σ²", " must be above 0"));
  }
  PrivacyCharge charge;
  charge.mechanism = mechanism;
  charge.sensitivity = sensitivity.Reduced();
  charge.parameter = parameter.Reduced();
  const Rational ds = charge.sensitivity, p = charge.parameter;
  if (laplace) {
    // ε = Δ/t
    SOCLE_ASSIGN_OR_RETURN(
        charge.epsilon,
        FitRational(uint128(ds.numerator) * p.denominator, uint128(ds.denominator) * p.numerator,
                    absl::StrCat(name, ": ε = sensitivity/scale")));
    charge.rho = Rational{0, 1};
  } else {
    // ρ = Δ²/(2σ²)
    SOCLE_ASSIGN_OR_RETURN(
        const Rational squared,
        FitRational(uint128(ds.numerator) * ds.numerator, uint128(ds.denominator) * ds.denominator,
                    absl::StrCat(name, ": the squared sensitivity")));
    uint128 den;
    if (MulOverflows(uint128(squared.denominator) * p.numerator, 2, &den)) {
      return Overflow(absl::StrCat(name, ": ρ = sensitivity²/(2σ²)"));
    }
    SOCLE_ASSIGN_OR_RETURN(charge.rho, FitRational(uint128(squared.numerator) * p.denominator, den,
                                                   absl::StrCat(name, ": ρ = sensitivity²/(2σ²)")));
    charge.epsilon = Rational{0, 1};
  }
  return charge;
}

absl::Status PrivacyBudget::Admit(const PrivacyCharge& charge, Rational* laplace,
                                  Rational* rho) const {
  const bool gaussian = charge.mechanism == NoiseMechanism::kDiscreteGaussian;
  if (gaussian && delta_.numerator == 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "privacy budget: a discrete Gaussian release needs δ > 0 (its guarantee is "
                     "(ε, δ)-DP); this budget has δ = 0: use the discrete Laplace");
  }
  SOCLE_ASSIGN_OR_RETURN(*laplace,
                         AddRationals(laplace_epsilon_, charge.epsilon, "privacy budget: Σ ε"));
  SOCLE_ASSIGN_OR_RETURN(*rho, AddRationals(rho_, charge.rho, "privacy budget: Σ ρ"));
  const std::string what =
      gaussian
          ? absl::StrCat(
                "privacy budget: the release (discrete Gaussian, ρ = ", charge.rho.ToString(), ")")
          : absl::StrCat("privacy budget: the release (discrete Laplace, ε = ",
                         charge.epsilon.ToString(), ")");
  if (RationalLess(epsilon_, *laplace)) {
    return MakeError(ErrorCode::kResourceExhausted,
                     absl::StrCat(what, " would bring the Laplace releases' ε to ",
                                  laplace->ToString(), ", above the budget ε = ",
                                  epsilon_.ToString(), "; refused, the budget is unchanged"));
  }
  if (rho->numerator == 0) return absl::OkStatus();
  // ε_left = ε - Σε_Laplace must hold ρ + 2·sqrt(ρ·L): x = ε_left - ρ ≥ 0 and 4·ρ·L ≤ x².
  SOCLE_ASSIGN_OR_RETURN(const Rational left,
                         SubtractRationals(epsilon_, *laplace, "privacy budget: ε left"));
  bool fits = !RationalLess(left, *rho);
  if (fits) {
    SOCLE_ASSIGN_OR_RETURN(const Rational x,
                           SubtractRationals(left, *rho, "privacy budget: ε left - ρ"));
    // 4·ρn·Ln·xd² ≤ xn²·ρd·Ld, in 256 bits: ρn·Ln·xd² ≤ ⌊xn²·ρd·Ld / 4⌋.
    const U256 lhs = Mul256(uint128(rho->numerator) * log_inv_delta_.numerator,
                            uint128(x.denominator) * x.denominator);
    const U256 rhs = Mul256(uint128(x.numerator) * x.numerator,
                            uint128(rho->denominator) * log_inv_delta_.denominator);
    fits = LessOrEqual(lhs, ShiftRight2(rhs));
  }
  if (!fits) {
    return MakeError(ErrorCode::kResourceExhausted,
                     absl::StrCat(what, " would bring the Gaussian releases' ρ to ",
                                  rho->ToString(), ": with the Laplace releases' ε = ",
                                  laplace->ToString(), " and δ = ", delta_.ToString(),
                                  ", ε_Laplace + ρ + 2·sqrt(ρ·ln(1/δ)) would exceed the "
                                  "budget ε = ",
                                  epsilon_.ToString(), "; refused, the budget is unchanged"));
  }
  return absl::OkStatus();
}

absl::Status PrivacyBudget::Charge(absl::string_view release, NoiseMechanism mechanism,
                                   Rational sensitivity, Rational parameter) {
  SOCLE_ASSIGN_OR_RETURN(PrivacyCharge charge, Price(mechanism, sensitivity, parameter));
  Rational laplace, rho;
  SOCLE_RETURN_IF_ERROR(Admit(charge, &laplace, &rho));
  charge.release = std::string(release);
  charges_.push_back(std::move(charge));
  laplace_epsilon_ = laplace;
  rho_ = rho;
  return absl::OkStatus();
}

absl::Status PrivacyBudget::Charge(const PrivacyCharge& charge) {
  if (charge.mechanism != NoiseMechanism::kDiscreteLaplace &&
      charge.mechanism != NoiseMechanism::kDiscreteGaussian) {
    return MakeError(ErrorCode::kInvalidArgument, "privacy budget: unknown noise mechanism");
  }
  return Charge(charge.release, charge.mechanism, charge.sensitivity, charge.parameter);
}

absl::Status PrivacyBudget::ChargeLaplace(absl::string_view release, Rational sensitivity,
                                          Rational scale) {
  return Charge(release, NoiseMechanism::kDiscreteLaplace, sensitivity, scale);
}

absl::Status PrivacyBudget::ChargeGaussian(absl::string_view release, Rational sensitivity,
                                           Rational sigma2) {
  return Charge(release, NoiseMechanism::kDiscreteGaussian, sensitivity, sigma2);
}

absl::Status PrivacyBudget::CheckLaplace(Rational sensitivity, Rational scale) const {
  SOCLE_ASSIGN_OR_RETURN(const PrivacyCharge charge,
                         Price(NoiseMechanism::kDiscreteLaplace, sensitivity, scale));
  Rational laplace, rho;
  return Admit(charge, &laplace, &rho);
}

absl::Status PrivacyBudget::CheckGaussian(Rational sensitivity, Rational sigma2) const {
  SOCLE_ASSIGN_OR_RETURN(const PrivacyCharge charge,
                         Price(NoiseMechanism::kDiscreteGaussian, sensitivity, sigma2));
  Rational laplace, rho;
  return Admit(charge, &laplace, &rho);
}

// ---- Records ----

namespace core {
namespace {

void ToProto(Rational r, v1::PrivacyRational* out) {
  out->set_numerator(r.numerator);
  out->set_denominator(r.denominator);
}

Rational FromProto(const v1::PrivacyRational& r) {
  return Rational{r.numerator(), r.denominator()};
}

}  // namespace

void ChargeToProto(const PrivacyCharge& charge, v1::PrivacyCharge* out) {
  out->set_release(charge.release);
  out->set_mechanism(charge.mechanism == NoiseMechanism::kDiscreteLaplace ? v1::DISCRETE_LAPLACE
                                                                          : v1::DISCRETE_GAUSSIAN);
  ToProto(charge.sensitivity, out->mutable_sensitivity());
  ToProto(charge.parameter, out->mutable_parameter());
  ToProto(charge.epsilon, out->mutable_epsilon());
  ToProto(charge.rho, out->mutable_rho());
}

absl::StatusOr<PrivacyCharge> ChargeFromProto(const v1::PrivacyCharge& c) {
  if (c.mechanism() != v1::DISCRETE_LAPLACE && c.mechanism() != v1::DISCRETE_GAUSSIAN) {
    return MakeError(ErrorCode::kInvalidArgument, "unknown mechanism");
  }
  PrivacyCharge charge;
  charge.release = c.release();
  charge.mechanism = c.mechanism() == v1::DISCRETE_LAPLACE ? NoiseMechanism::kDiscreteLaplace
                                                           : NoiseMechanism::kDiscreteGaussian;
  charge.sensitivity = FromProto(c.sensitivity());
  charge.parameter = FromProto(c.parameter());
  charge.epsilon = c.has_epsilon() ? FromProto(c.epsilon()) : Rational{0, 1};
  charge.rho = c.has_rho() ? FromProto(c.rho()) : Rational{0, 1};
  for (const Rational r : {charge.sensitivity, charge.parameter, charge.epsilon, charge.rho}) {
    if (r.denominator == 0) {
      return MakeError(ErrorCode::kInvalidArgument, "a fraction has the denominator 0");
    }
  }
  return charge;
}

absl::Status ChargeRecorded(PrivacyBudget& budget, const v1::PrivacyCharge& c,
                            absl::string_view where) {
  absl::StatusOr<PrivacyCharge> charge = ChargeFromProto(c);
  PrivacyBudget charged = budget;  // `budget` changes only when every check passes
  absl::Status status = charge.ok() ? charged.Charge(*charge) : charge.status();
  if (!status.ok()) {
    return MakeError(ErrorCodeOf(status), absl::StrCat(where, status.message()));
  }
  const PrivacyCharge& added = charged.charges().back();
  if ((c.has_epsilon() && !RationalEqual(added.epsilon, charge->epsilon)) ||
      (c.has_rho() && !RationalEqual(added.rho, charge->rho))) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(where,
                                  "the recorded ε or ρ is not the one its sensitivity "
                                  "and parameter give"));
  }
  budget = std::move(charged);
  return absl::OkStatus();
}

v1::PrivacyBudgetRecord BudgetToProto(const PrivacyBudget& budget, absl::string_view dataset) {
  v1::PrivacyBudgetRecord record;
  record.set_format_version(1);
  record.set_dataset(std::string(dataset));
  ToProto(budget.epsilon(), record.mutable_epsilon());
  ToProto(budget.delta(), record.mutable_delta());
  for (const PrivacyCharge& charge : budget.charges()) {
    ChargeToProto(charge, record.add_charges());
  }
  return record;
}

absl::StatusOr<PrivacyBudget> BudgetFromProto(const v1::PrivacyBudgetRecord& record) {
  if (record.format_version() != 1) {
    return MakeError(ErrorCode::kUnsupported,
                     absl::StrCat("privacy budget record: format_version ", record.format_version(),
                                  " is not supported (1 is)"));
  }
  SOCLE_ASSIGN_OR_RETURN(PrivacyBudget budget, PrivacyBudget::Create(FromProto(record.epsilon()),
                                                                     FromProto(record.delta())));
  for (int i = 0; i < record.charges_size(); ++i) {
    SOCLE_RETURN_IF_ERROR(ChargeRecorded(
        budget, record.charges(i), absl::StrCat("privacy budget record: charges[", i, "]: ")));
  }
  return budget;
}

}  // namespace core

}  // namespace socle
