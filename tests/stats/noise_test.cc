// The exact samplers against their distributions (chi-square on 10^6 samples from a seeded
// stream, so the tests cannot flake), the privacy budget's accounting and refusals, and the
// margins of a noisy table.
#include "socle/noise.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/privacy_budget.h"
#include "socle/error.hpp"
#include "stats/noise.h"

namespace socle {
namespace {

// A deterministic NoiseSource from a test key: the same key gives the same samples everywhere.
NoiseSource SeededNoise(absl::string_view label) {
  std::string key(32, '\0');
  for (size_t i = 0; i < label.size() && i < key.size(); ++i) key[i] = label[i];
  auto source = stats::SeededRandomSource::Create(SecretBytes(absl::string_view(key)));
  BOOST_REQUIRE(source.ok());
  return NoiseSource(std::move(source).value());
}

Rational R(uint64_t n, uint64_t d) { return Rational{n, d}; }

// The upper 0.001 quantile of the chi-square distribution with k degrees of freedom, by the
// Wilson–Hilferty approximation (the cube root of a chi-square variable is nearly normal):
// k·(1 - 2/(9k) + z·sqrt(2/(9k)))³ with z = 3.0902323 the normal's upper 0.001 quantile. Within a
// percent of the exact value for k ≥ 10, closer as k grows.
double ChiSquareCritical001(int k) {
  const double z = 3.0902323061678132;
  const double c = 2.0 / (9.0 * k);
  return k * std::pow(1.0 - c + z * std::sqrt(c), 3);
}

struct Fit {
  double statistic = 0;
  int degrees = 0;
  double critical = 0;
};

// Pearson's chi-square of the observed counts against `pmf` (summing to 1 over the integers, its
// mass negligible beyond ±`reach`): one bin per value whose expected count is at least 5, each
// tail pooled into one bin (or into its neighbour when the pool itself expects fewer than 5).
Fit ChiSquare(const std::map<int64_t, int64_t>& observed, int64_t n,
              const std::function<double(int64_t)>& pmf, int64_t reach) {
  int64_t lo = 0, hi = 0;
  while (n * pmf(lo - 1) >= 5) --lo;
  while (n * pmf(hi + 1) >= 5) ++hi;
  std::vector<double> expected, counts;
  double left_p = 0, right_p = 0;
  for (int64_t x = -reach; x < lo; ++x) left_p += pmf(x);
  for (int64_t x = hi + 1; x <= reach; ++x) right_p += pmf(x);
  int64_t left_n = 0, right_n = 0;
  std::map<int64_t, int64_t> middle;
  for (const auto& [x, c] : observed) {
    if (x < lo) {
      left_n += c;
    } else if (x > hi) {
      right_n += c;
    } else {
      middle[x] += c;
    }
  }
  for (int64_t x = lo; x <= hi; ++x) {
    expected.push_back(n * pmf(x));
    counts.push_back(middle.count(x) ? middle[x] : 0);
  }
  if (n * left_p >= 5) {
    expected.insert(expected.begin(), n * left_p);
    counts.insert(counts.begin(), left_n);
  } else {
    expected.front() += n * left_p;
    counts.front() += left_n;
  }
  if (n * right_p >= 5) {
    expected.push_back(n * right_p);
    counts.push_back(right_n);
  } else {
    expected.back() += n * right_p;
    counts.back() += right_n;
  }
  Fit fit;
  for (size_t i = 0; i < expected.size(); ++i) {
    fit.statistic += (counts[i] - expected[i]) * (counts[i] - expected[i]) / expected[i];
  }
  fit.degrees = static_cast<int>(expected.size()) - 1;
  fit.critical = ChiSquareCritical001(fit.degrees);
  return fit;
}

// Draws n samples, checks the chi-square fit and the mean and variance against the pmf's (within
// 5 standard errors, from the pmf's own fourth moment).
void CheckDistribution(const std::function<int64_t()>& sample,
                       const std::function<double(int64_t)>& pmf, int64_t reach, int64_t n) {
  std::map<int64_t, int64_t> observed;
  double sum = 0, sum2 = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t x = sample();
    ++observed[x];
    sum += x;
    sum2 += static_cast<double>(x) * x;
  }
  double var = 0, m4 = 0, total = 0;
  for (int64_t x = -reach; x <= reach; ++x) {
    const double p = pmf(x);
    total += p;
    var += p * x * x;
    m4 += p * std::pow(static_cast<double>(x), 4);
  }
  BOOST_REQUIRE_CLOSE(total, 1.0, 1e-9);
  const Fit fit = ChiSquare(observed, n, pmf, reach);
  BOOST_TEST_MESSAGE("chi-square " << fit.statistic << " on " << fit.degrees
                                   << " degrees of freedom, critical value " << fit.critical);
  BOOST_CHECK_GE(fit.degrees, 5);
  BOOST_CHECK_LT(fit.statistic, fit.critical);
  const double mean = sum / n;
  BOOST_CHECK_LE(std::abs(mean), 5 * std::sqrt(var / n));  // symmetric: the mean is 0
  const double sample_var = sum2 / n - mean * mean;
  BOOST_CHECK_LE(std::abs(sample_var - var), 5 * std::sqrt((m4 - var * var) / n));
}

constexpr int64_t kSamples = 1000000;

BOOST_AUTO_TEST_SUITE(noise)

// P[X = x] = (1 - q)/(1 + q) · q^|x|, q = exp(-1/t).
void CheckLaplace(Rational t, const char* label) {
  NoiseSource noise = SeededNoise(label);
  const double scale = static_cast<double>(t.numerator) / t.denominator;
  const double q = std::exp(-1.0 / scale);
  auto pmf = [q](int64_t x) { return (1 - q) / (1 + q) * std::pow(q, std::abs(x)); };
  CheckDistribution(
      [&] {
        auto x = noise.DiscreteLaplace(t);
        BOOST_REQUIRE(x.ok());
        return *x;
      },
      pmf, static_cast<int64_t>(60 * scale) + 60, kSamples);
}

BOOST_AUTO_TEST_CASE(discrete_laplace_fits_its_pmf_scale_1) { CheckLaplace(R(1, 1), "lap1"); }
BOOST_AUTO_TEST_CASE(discrete_laplace_fits_its_pmf_scale_3_2) { CheckLaplace(R(3, 2), "lap3/2"); }
BOOST_AUTO_TEST_CASE(discrete_laplace_fits_its_pmf_scale_10) { CheckLaplace(R(10, 1), "lap10"); }

// P[X = x] ∝ exp(-x²/(2σ²)), normalised over ±reach.
void CheckGaussian(Rational sigma2, const char* label) {
  NoiseSource noise = SeededNoise(label);
  const double s2 = static_cast<double>(sigma2.numerator) / sigma2.denominator;
  const int64_t reach = static_cast<int64_t>(40 * std::sqrt(s2)) + 40;
  double norm = 0;
  for (int64_t x = -reach; x <= reach; ++x) norm += std::exp(-(double(x) * x) / (2 * s2));
  auto pmf = [s2, norm](int64_t x) { return std::exp(-(double(x) * x) / (2 * s2)) / norm; };
  CheckDistribution(
      [&] {
        auto x = noise.DiscreteGaussian(sigma2);
        BOOST_REQUIRE(x.ok());
        return *x;
      },
      pmf, reach, kSamples);
}

BOOST_AUTO_TEST_CASE(discrete_gaussian_fits_its_pmf_variance_1) { CheckGaussian(R(1, 1), "g1"); }
BOOST_AUTO_TEST_CASE(discrete_gaussian_fits_its_pmf_variance_10) { CheckGaussian(R(10, 1), "g10"); }
BOOST_AUTO_TEST_CASE(discrete_gaussian_fits_its_pmf_variance_100) {
  CheckGaussian(R(100, 1), "g100");
}
// A fraction that is not an integer, so t = ⌊σ⌋ + 1 and σ²/t take the rational path.
BOOST_AUTO_TEST_CASE(discrete_gaussian_fits_its_pmf_variance_7_3) {
  CheckGaussian(R(7, 3), "g7/3");
}

// The chi-square test does catch a wrong distribution: Laplace samples of scale 1 against the
// pmf of scale 11/10.
BOOST_AUTO_TEST_CASE(chi_square_rejects_a_neighbouring_scale) {
  NoiseSource noise = SeededNoise("neighbour");
  std::map<int64_t, int64_t> observed;
  for (int64_t i = 0; i < kSamples; ++i) ++observed[*noise.DiscreteLaplace(R(1, 1))];
  const double q = std::exp(-1.0 / 1.1);
  auto pmf = [q](int64_t x) { return (1 - q) / (1 + q) * std::pow(q, std::abs(x)); };
  const Fit fit = ChiSquare(observed, kSamples, pmf, 200);
  BOOST_CHECK_GT(fit.statistic, fit.critical);
}

BOOST_AUTO_TEST_CASE(wilson_hilferty_is_close_to_tabulated_quantiles) {
  // χ²(0.999) for 10, 30 and 100 degrees of freedom: 29.588, 59.703, 149.449.
  BOOST_CHECK_CLOSE(ChiSquareCritical001(10), 29.588, 1.0);
  BOOST_CHECK_CLOSE(ChiSquareCritical001(30), 59.703, 0.2);
  BOOST_CHECK_CLOSE(ChiSquareCritical001(100), 149.449, 0.1);
}

BOOST_AUTO_TEST_CASE(bernoulli_exp_frequencies) {
  NoiseSource noise = SeededNoise("bernoulli");
  const int64_t n = 200000;
  for (const Rational gamma : {R(0, 1), R(1, 3), R(1, 1), R(5, 2), R(7, 1), R(1, 1000000)}) {
    const double p = std::exp(-static_cast<double>(gamma.numerator) / gamma.denominator);
    int64_t hits = 0;
    for (int64_t i = 0; i < n; ++i) hits += *noise.BernoulliExp(gamma) ? 1 : 0;
    const double freq = static_cast<double>(hits) / n;
    BOOST_TEST_MESSAGE("exp(-" << gamma.ToString() << ") = " << p << ", observed " << freq);
    if (gamma.numerator == 0) {
      BOOST_CHECK_EQUAL(hits, n);
    } else {
      BOOST_CHECK_LE(std::abs(freq - p), 5 * std::sqrt(p * (1 - p) / n) + 1e-12);
    }
  }
}

BOOST_AUTO_TEST_CASE(uniform_and_bernoulli) {
  NoiseSource noise = SeededNoise("uniform");
  std::vector<int64_t> counts(7, 0);
  const int64_t n = 700000;
  for (int64_t i = 0; i < n; ++i) ++counts[*noise.Uniform(7)];
  for (int64_t c : counts) BOOST_CHECK_LE(std::abs(c - n / 7), 5 * std::sqrt(n / 7.0));
  BOOST_CHECK(*noise.Bernoulli(R(1, 1)));
  BOOST_CHECK(!*noise.Bernoulli(R(0, 5)));
  int64_t hits = 0;
  for (int64_t i = 0; i < n; ++i) hits += *noise.Bernoulli(R(2, 3)) ? 1 : 0;
  BOOST_CHECK_LE(std::abs(hits - 2.0 * n / 3), 5 * std::sqrt(n * 2.0 / 9));
}

// Bounds where rejection sampling rejects often (2^64 mod (2^63 + 1) = 2^63 - 1: about half the
// words) and a γ so large that exp(-γ) is 0 for every practical purpose.
BOOST_AUTO_TEST_CASE(extreme_bounds) {
  NoiseSource noise = SeededNoise("extreme");
  const uint64_t half = (uint64_t{1} << 63) + 1;
  int64_t high = 0;
  for (int i = 0; i < 10000; ++i) {
    const uint64_t u = *noise.Uniform(half);
    BOOST_REQUIRE_LT(u, half);
    high += u >= (uint64_t{1} << 62) ? 1 : 0;
  }
  BOOST_CHECK_LE(std::abs(high - 5000), 5 * 50);  // [2^62, 2^63] holds half of the range
  BOOST_CHECK_LT(*noise.Uniform(~uint64_t{0}), ~uint64_t{0});
  for (int i = 0; i < 100; ++i) BOOST_CHECK(!*noise.BernoulliExp(R(~uint64_t{0}, 1)));
  // A Gaussian with a large denominator (σ² = 10^6/999983, t = 2) is still exact: its mean
  // square is near σ² ≈ 1.00002.
  double sum2 = 0;
  for (int i = 0; i < 100000; ++i) {
    const int64_t x = *noise.DiscreteGaussian(R(1000000, 999983));
    sum2 += static_cast<double>(x) * x;
  }
  BOOST_CHECK_CLOSE(sum2 / 100000, 1.0, 2.0);
}

BOOST_AUTO_TEST_CASE(a_seed_replays_and_another_key_differs) {
  NoiseSource a = SeededNoise("replay"), b = SeededNoise("replay"), c = SeededNoise("other");
  std::vector<int64_t> xa, xb, xc;
  for (int i = 0; i < 200; ++i) {
    xa.push_back(*a.DiscreteGaussian(R(10, 1)));
    xb.push_back(*b.DiscreteGaussian(R(10, 1)));
    xc.push_back(*c.DiscreteGaussian(R(10, 1)));
  }
  BOOST_CHECK(xa == xb);
  BOOST_CHECK(xa != xc);
}

BOOST_AUTO_TEST_CASE(libsodium_source_samples) {
  NoiseSource noise;  // the default source
  std::map<int64_t, int> seen;
  for (int i = 0; i < 2000; ++i) {
    auto x = noise.DiscreteLaplace(R(3, 1));
    BOOST_REQUIRE(x.ok());
    ++seen[*x];
  }
  BOOST_CHECK_GT(seen.size(), 10u);  // noise, not a constant
  BOOST_CHECK_GT(seen[0], 100);      // P[0] = (1 - q)/(1 + q) ≈ 0.165
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_clear_errors) {
  NoiseSource noise = SeededNoise("errors");
  auto code = [](const auto& result) { return ErrorCodeOf(result.status()); };
  BOOST_CHECK(code(Rational::Create(1, 0)) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(Rational::Create(3, 2).ok());
  BOOST_CHECK(code(noise.Uniform(0)) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(noise.Bernoulli(R(3, 2))) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(noise.Bernoulli(R(1, 0))) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(noise.BernoulliExp(R(1, 0))) == ErrorCode::kInvalidArgument);
  const auto zero_den = noise.DiscreteLaplace(R(1, 0));
  BOOST_CHECK(code(zero_den) == ErrorCode::kInvalidArgument);
  BOOST_CHECK_EQUAL(zero_den.status().message(),
                    "discrete Laplace: the scale: the denominator is 0");
  BOOST_CHECK(code(noise.DiscreteLaplace(R(0, 1))) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(noise.DiscreteLaplace(R((uint64_t{1} << 40) + 1, 1))) == ErrorCode::kOutOfRange);
  BOOST_CHECK(noise.DiscreteLaplace(R(uint64_t{1} << 40, 1)).ok());
  BOOST_CHECK(code(noise.DiscreteGaussian(R(1, 0))) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(noise.DiscreteGaussian(R(0, 7))) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(noise.DiscreteGaussian(R((uint64_t{1} << 40) + 1, 1))) ==
              ErrorCode::kOutOfRange);
  // σ² ≈ 4 written with a 60-bit denominator: 2·a·b·t² is about 2^126.
  const auto precise = noise.DiscreteGaussian(R((uint64_t{1} << 62) + 1, uint64_t{1} << 60));
  BOOST_CHECK(code(precise) == ErrorCode::kOutOfRange);
  BOOST_CHECK_NE(precise.status().message().find("2^96"), absl::string_view::npos);
  // The largest accepted parameters still sample.
  BOOST_CHECK(noise.DiscreteGaussian(R(uint64_t{1} << 40, 1)).ok());
  BOOST_CHECK(noise.DiscreteGaussian(R(1, 1000000007)).ok());
  BOOST_CHECK(noise.BernoulliExp(R(~uint64_t{0}, ~uint64_t{0} - 1)).ok());
}

BOOST_AUTO_TEST_CASE(adding_noise_is_all_or_nothing) {
  NoiseSource noise = SeededNoise("add");
  std::vector<int64_t> values = {5, 0, 12, 7};
  BOOST_REQUIRE(noise.AddDiscreteLaplace(R(2, 1), absl::MakeSpan(values)).ok());
  BOOST_CHECK(values != (std::vector<int64_t>{5, 0, 12, 7}));
  // A value at the edge of int64: the noise would overflow one value with high probability;
  // when it does, no value has changed.
  const int64_t max = std::numeric_limits<int64_t>::max();
  int refusals = 0;
  for (int i = 0; i < 50; ++i) {
    std::vector<int64_t> edge = {1, 2, max, 3};
    const absl::Status s = noise.AddDiscreteGaussian(R(100, 1), absl::MakeSpan(edge));
    if (!s.ok()) {
      ++refusals;
      BOOST_CHECK(ErrorCodeOf(s) == ErrorCode::kOutOfRange);
      BOOST_CHECK(edge == (std::vector<int64_t>{1, 2, max, 3}));
    }
  }
  BOOST_CHECK_GT(refusals, 10);
  BOOST_CHECK(ErrorCodeOf(noise.AddDiscreteLaplace(R(0, 1), absl::MakeSpan(values))) ==
              ErrorCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(privacy_budget)

BOOST_AUTO_TEST_CASE(laplace_releases_compose_and_exhaustion_is_refused) {
  auto budget = PrivacyBudget::Create(R(1, 1), R(0, 1));
  BOOST_REQUIRE(budget.ok());
  BOOST_REQUIRE(budget->ChargeLaplace("by age band", R(1, 1), R(2, 1)).ok());  // ε = 1/2
  BOOST_REQUIRE(budget->ChargeLaplace("by commune", R(1, 1), R(4, 1)).ok());   // ε = 1/4
  BOOST_CHECK(RationalEqual(budget->laplace_epsilon_spent(), R(3, 4)));
  // ε = 1/3 would bring Σε to 13/12 > 1.
  const absl::Status refused = budget->ChargeLaplace("by help type", R(1, 1), R(3, 1));
  BOOST_CHECK(ErrorCodeOf(refused) == ErrorCode::kResourceExhausted);
  BOOST_TEST_MESSAGE(refused.message());
  BOOST_CHECK_NE(refused.message().find("13/12"), absl::string_view::npos);
  BOOST_CHECK_NE(refused.message().find("unchanged"), absl::string_view::npos);
  BOOST_CHECK_EQUAL(budget->charges().size(), 2u);
  BOOST_CHECK(RationalEqual(budget->laplace_epsilon_spent(), R(3, 4)));
  BOOST_CHECK(ErrorCodeOf(budget->CheckLaplace(R(1, 1), R(3, 1))) == ErrorCode::kResourceExhausted);
  // Exactly the rest of the budget is accepted (Δ = 2, t = 8: ε = 1/4); then nothing more.
  BOOST_CHECK(budget->CheckLaplace(R(2, 1), R(8, 1)).ok());
  BOOST_REQUIRE(budget->ChargeLaplace("by month", R(2, 1), R(8, 1)).ok());
  BOOST_CHECK(RationalEqual(budget->laplace_epsilon_spent(), R(1, 1)));
  BOOST_CHECK(ErrorCodeOf(budget->ChargeLaplace("more", R(1, 1), R(1000000, 1))) ==
              ErrorCode::kResourceExhausted);
  BOOST_CHECK_EQUAL(budget->charges().size(), 3u);
  BOOST_CHECK_EQUAL(budget->charges()[2].release, "by month");
  BOOST_CHECK(RationalEqual(budget->charges()[2].epsilon, R(1, 4)));
}

BOOST_AUTO_TEST_CASE(gaussian_needs_delta) {
  auto budget = PrivacyBudget::Create(R(1, 1), R(0, 1));
  BOOST_REQUIRE(budget.ok());
  const absl::Status s = budget->ChargeGaussian("table", R(1, 1), R(100, 1));
  BOOST_CHECK(ErrorCodeOf(s) == ErrorCode::kFailedPrecondition);
  BOOST_CHECK(budget->charges().empty());
  BOOST_CHECK_EQUAL(budget->rho_spent().numerator, 0u);
}

BOOST_AUTO_TEST_CASE(log_inverse_delta_is_a_tight_upper_bound) {
  for (const Rational delta : {R(1, 1000000), R(1, 1000000000), R(1, 2), R(3, 7), R(1, 3),
                               R(1, ~uint64_t{0}), R(999, 1000)}) {
    auto bound = core::LogInverseUpperBound(delta);
    BOOST_REQUIRE(bound.ok());
    const double l = static_cast<double>(bound->numerator) / bound->denominator;
    const double d = static_cast<double>(delta.numerator) / delta.denominator;
    const double truth = std::log(1 / d);
    BOOST_TEST_MESSAGE("δ = " << delta.ToString() << ": L = " << l << ", ln(1/δ) = " << truth);
    BOOST_CHECK_GE(l, truth);
    BOOST_CHECK_LE(l, truth + std::log1p(d) + 0.007 + 1e-8);
  }
  BOOST_CHECK(ErrorCodeOf(core::LogInverseUpperBound(R(0, 1)).status()) ==
              ErrorCode::kInvalidArgument);
  BOOST_CHECK(ErrorCodeOf(core::LogInverseUpperBound(R(1, 1)).status()) ==
              ErrorCode::kInvalidArgument);
}

// ρ + 2·sqrt(ρ·L) ≤ ε, recomputed in floating point for cases far from the boundary.
BOOST_AUTO_TEST_CASE(gaussian_releases_compose_in_zcdp) {
  auto budget = PrivacyBudget::Create(R(1, 1), R(1, 1000000));
  BOOST_REQUIRE(budget.ok());
  const double l = std::log(1e6);
  // With Δ = 1, the largest ρ is (sqrt(L + 1) - sqrt(L))² ≈ 0.01747: σ² ≥ 28.7.
  BOOST_CHECK(ErrorCodeOf(budget->CheckGaussian(R(1, 1), R(28, 1))) ==
              ErrorCode::kResourceExhausted);
  BOOST_REQUIRE(budget->ChargeGaussian("first", R(1, 1), R(60, 1)).ok());  // ρ = 1/120
  BOOST_CHECK(RationalEqual(budget->rho_spent(), R(1, 120)));
  BOOST_CHECK(RationalEqual(budget->charges()[0].rho, R(1, 120)));
  BOOST_CHECK_EQUAL(budget->charges()[0].epsilon.numerator, 0u);
  // Another ρ = 1/120 makes 1/60 < 0.01703: accepted; a third is refused.
  BOOST_REQUIRE(budget->ChargeGaussian("second", R(1, 1), R(60, 1)).ok());
  const double rho = 1.0 / 60;
  BOOST_CHECK_LE(rho + 2 * std::sqrt(rho * l), 1.0);
  const absl::Status third = budget->ChargeGaussian("third", R(1, 1), R(60, 1));
  BOOST_CHECK(ErrorCodeOf(third) == ErrorCode::kResourceExhausted);
  BOOST_TEST_MESSAGE(third.message());
  BOOST_CHECK(RationalEqual(budget->rho_spent(), R(1, 60)));
  BOOST_CHECK_EQUAL(budget->charges().size(), 2u);
  // Sensitivity 2 counts four times: ρ = 4/(2·σ²).
  auto other = PrivacyBudget::Create(R(2, 1), R(1, 1000000000));
  BOOST_REQUIRE(other.ok());
  BOOST_REQUIRE(other->ChargeGaussian("sums", R(2, 1), R(400, 1)).ok());
  BOOST_CHECK(RationalEqual(other->rho_spent(), R(1, 200)));
}

BOOST_AUTO_TEST_CASE(laplace_and_gaussian_share_epsilon) {
  auto budget = PrivacyBudget::Create(R(1, 1), R(1, 1000000));
  BOOST_REQUIRE(budget.ok());
  BOOST_REQUIRE(budget->ChargeLaplace("counts", R(1, 1), R(2, 1)).ok());  // ε = 1/2
  // ε left 1/2: ρ + 2·sqrt(ρ·13.82) ≤ 1/2 needs ρ ≤ 0.00437; ρ = 1/120 no longer fits.
  BOOST_CHECK(ErrorCodeOf(budget->ChargeGaussian("g", R(1, 1), R(60, 1))) ==
              ErrorCode::kResourceExhausted);
  BOOST_REQUIRE(budget->ChargeGaussian("g", R(1, 1), R(200, 1)).ok());  // ρ = 1/400 fits
  // And the Laplace side sees the Gaussian's share: ε = 1/4 more would not fit.
  BOOST_CHECK(ErrorCodeOf(budget->ChargeLaplace("more", R(1, 1), R(4, 1))) ==
              ErrorCode::kResourceExhausted);
  BOOST_CHECK_EQUAL(budget->charges().size(), 2u);
}

BOOST_AUTO_TEST_CASE(bad_budgets_and_charges) {
  auto code = [](const absl::Status& s) { return ErrorCodeOf(s); };
  BOOST_CHECK(code(PrivacyBudget::Create(R(0, 1), R(0, 1)).status()) ==
              ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(PrivacyBudget::Create(R(1, 0), R(0, 1)).status()) ==
              ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(PrivacyBudget::Create(R(1, 1), R(1, 0)).status()) ==
              ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(PrivacyBudget::Create(R(1, 1), R(1, 1)).status()) ==
              ErrorCode::kInvalidArgument);
  auto budget = PrivacyBudget::Create(R(10, 1), R(1, 1000));
  BOOST_REQUIRE(budget.ok());
  BOOST_CHECK(code(budget->ChargeLaplace("x", R(0, 1), R(1, 1))) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(budget->ChargeLaplace("x", R(1, 1), R(0, 1))) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(budget->ChargeLaplace("x", R(1, 0), R(1, 1))) == ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(budget->ChargeGaussian("x", R(1, 1), R(1, 0))) == ErrorCode::kInvalidArgument);
  // Coprime denominators near 2^40: Σε = 1/2^40 + 1/(2^40 + 1) needs an 80-bit denominator.
  const uint64_t p = uint64_t{1} << 40;
  BOOST_REQUIRE(budget->ChargeLaplace("a", R(1, 1), R(p, 1)).ok());
  const absl::Status overflow = budget->ChargeLaplace("b", R(1, 1), R(p + 1, 1));
  BOOST_CHECK(code(overflow) == ErrorCode::kOutOfRange);
  BOOST_CHECK_NE(overflow.message().find("common denominator"), absl::string_view::npos);
  BOOST_CHECK_EQUAL(budget->charges().size(), 1u);
  BOOST_CHECK(RationalEqual(budget->laplace_epsilon_spent(), R(1, p)));
  // ρ = Δ²/(2σ²) whose denominator leaves 64 bits.
  BOOST_CHECK(code(budget->ChargeGaussian("c", R(1, uint64_t{1} << 40), R(1, 1))) ==
              ErrorCode::kOutOfRange);
  BOOST_CHECK_EQUAL(budget->charges().size(), 1u);
}

BOOST_AUTO_TEST_CASE(records_round_trip_and_are_checked_on_load) {
  auto budget = PrivacyBudget::Create(R(2, 1), R(1, 1000000));
  BOOST_REQUIRE(budget.ok());
  BOOST_REQUIRE(budget->ChargeLaplace("counts", R(1, 1), R(3, 2)).ok());
  BOOST_REQUIRE(budget->ChargeGaussian("sums", R(5, 1), R(2500, 1)).ok());
  const v1::PrivacyBudgetRecord record = core::BudgetToProto(*budget, "activity-2026");
  BOOST_CHECK_EQUAL(record.dataset(), "activity-2026");
  BOOST_CHECK_EQUAL(record.charges_size(), 2);
  auto reloaded = core::BudgetFromProto(record);
  BOOST_REQUIRE(reloaded.ok());
  BOOST_CHECK(RationalEqual(reloaded->laplace_epsilon_spent(), budget->laplace_epsilon_spent()));
  BOOST_CHECK(RationalEqual(reloaded->rho_spent(), budget->rho_spent()));
  BOOST_CHECK(RationalEqual(reloaded->rho_spent(), R(1, 200)));
  BOOST_CHECK_EQUAL(reloaded->charges().size(), 2u);
  BOOST_CHECK_EQUAL(reloaded->charges()[1].release, "sums");
  // Serialised and parsed back, the same record.
  v1::PrivacyBudgetRecord parsed;
  BOOST_REQUIRE(parsed.ParseFromString(record.SerializeAsString()));
  BOOST_CHECK_EQUAL(
      core::BudgetToProto(*core::BudgetFromProto(parsed), "activity-2026").SerializeAsString(),
      record.SerializeAsString());

  // A record whose ε does not match its parameters.
  v1::PrivacyBudgetRecord forged = record;
  forged.mutable_charges(0)->mutable_epsilon()->set_numerator(1);
  forged.mutable_charges(0)->mutable_epsilon()->set_denominator(100);
  auto refused = core::BudgetFromProto(forged);
  BOOST_CHECK(ErrorCodeOf(refused.status()) == ErrorCode::kInvalidArgument);
  BOOST_CHECK_NE(refused.status().message().find("charges[0]"), absl::string_view::npos);
  // A record that overspends its budget.
  v1::PrivacyBudgetRecord over = record;
  over.mutable_epsilon()->set_numerator(1);
  over.mutable_epsilon()->set_denominator(2);
  auto overspent = core::BudgetFromProto(over);
  BOOST_CHECK(ErrorCodeOf(overspent.status()) == ErrorCode::kResourceExhausted);
  BOOST_CHECK_NE(overspent.status().message().find("charges[0]"), absl::string_view::npos);
  v1::PrivacyBudgetRecord unknown = record;
  unknown.mutable_charges(1)->set_mechanism(v1::NOISE_MECHANISM_UNSPECIFIED);
  BOOST_CHECK(ErrorCodeOf(core::BudgetFromProto(unknown).status()) == ErrorCode::kInvalidArgument);
  v1::PrivacyBudgetRecord future = record;
  future.set_format_version(2);
  BOOST_CHECK(ErrorCodeOf(core::BudgetFromProto(future).status()) == ErrorCode::kUnsupported);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(margins)

BOOST_AUTO_TEST_CASE(two_dimensions_by_hand) {
  // 2 rows × 3 columns: extended 3 × 4, row-major, index 3 of a row is its margin.
  const std::vector<size_t> shape = {2, 3};
  const std::vector<int64_t> base = {1, 2, 3, 4, 5, -6};
  auto all = AddMargins(shape, base);
  BOOST_REQUIRE(all.ok());
  const std::vector<int64_t> expected = {1, 2, 3,  6,   //
                                         4, 5, -6, 3,   //
                                         5, 7, -3, 9};  // column margins, grand total
  BOOST_CHECK(*all == expected);
  auto clamped = AddMargins(shape, base, MarginOptions{.clamp_negative_base = true});
  BOOST_REQUIRE(clamped.ok());
  const std::vector<int64_t> expected_clamped = {1, 2, 3, 6, 4, 5, 0, 9, 5, 7, 3, 15};
  BOOST_CHECK(*clamped == expected_clamped);
}

BOOST_AUTO_TEST_CASE(one_dimension) {
  const std::vector<size_t> shape = {4};
  auto all = AddMargins(shape, std::vector<int64_t>{3, -1, 0, 8});
  BOOST_REQUIRE(all.ok());
  BOOST_CHECK(*all == (std::vector<int64_t>{3, -1, 0, 8, 10}));
}

// A noisy 4-dimensional table: every margin of the result is the sum of the cells it covers,
// computed independently here from the base cells.
BOOST_AUTO_TEST_CASE(noisy_four_dimensions_are_additive) {
  const std::vector<size_t> shape = {3, 2, 4, 5};
  std::vector<int64_t> base(3 * 2 * 4 * 5);
  for (size_t i = 0; i < base.size(); ++i) base[i] = static_cast<int64_t>(i % 7);
  NoiseSource noise = SeededNoise("margins");
  BOOST_REQUIRE(noise.AddDiscreteLaplace(R(2, 1), absl::MakeSpan(base)).ok());
  auto all = AddMargins(shape, base);
  BOOST_REQUIRE(all.ok());
  BOOST_REQUIRE_EQUAL(all->size(), 4u * 3 * 5 * 6);
  size_t checked = 0;
  for (size_t a = 0; a <= 3; ++a)
    for (size_t b = 0; b <= 2; ++b)
      for (size_t c = 0; c <= 4; ++c)
        for (size_t d = 0; d <= 5; ++d) {
          int64_t sum = 0;
          for (size_t i = 0; i < 3; ++i)
            for (size_t j = 0; j < 2; ++j)
              for (size_t k = 0; k < 4; ++k)
                for (size_t l = 0; l < 5; ++l) {
                  if ((a == 3 || a == i) && (b == 2 || b == j) && (c == 4 || c == k) &&
                      (d == 5 || d == l)) {
                    sum += base[((i * 2 + j) * 4 + k) * 5 + l];
                  }
                }
          BOOST_CHECK_EQUAL((*all)[((a * 3 + b) * 5 + c) * 6 + d], sum);
          ++checked;
        }
  BOOST_CHECK_EQUAL(checked, all->size());
}

BOOST_AUTO_TEST_CASE(bad_shapes_are_clear_errors) {
  auto code = [](const auto& r) { return ErrorCodeOf(r.status()); };
  BOOST_CHECK(code(AddMargins(std::vector<size_t>{}, std::vector<int64_t>{})) ==
              ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(AddMargins(std::vector<size_t>{1, 1, 1, 1, 1}, std::vector<int64_t>{1})) ==
              ErrorCode::kInvalidArgument);
  BOOST_CHECK(code(AddMargins(std::vector<size_t>{2, 0}, std::vector<int64_t>{})) ==
              ErrorCode::kInvalidArgument);
  const auto wrong = AddMargins(std::vector<size_t>{2, 2}, std::vector<int64_t>{1, 2, 3});
  BOOST_CHECK(code(wrong) == ErrorCode::kInvalidArgument);
  BOOST_CHECK_EQUAL(wrong.status().message(), "margins: the shape has 4 base cells, not 3");
  BOOST_CHECK(code(AddMargins(std::vector<size_t>{100000, 100000}, std::vector<int64_t>{})) ==
              ErrorCode::kOutOfRange);
  const int64_t max = std::numeric_limits<int64_t>::max();
  BOOST_CHECK(code(AddMargins(std::vector<size_t>{2}, std::vector<int64_t>{max, 1})) ==
              ErrorCode::kOutOfRange);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
