// Internals of socle/noise.hpp: the deterministic random source of socle's tests and benchmarks,
// the 128-bit pieces the samplers are made of (exposed for tests), and the budget's records as
// socle.v1 messages (proto/socle/v1/noise.proto), for the trail when the module is wired to the
// engine.
#ifndef SOCLE_SRC_STATS_NOISE_H_
#define SOCLE_SRC_STATS_NOISE_H_

#include <cstdint>
#include <memory>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/noise.hpp"
#include "socle/secret_bytes.hpp"
#include "socle/v1/noise.pb.h"

namespace socle::stats {

// A reproducible stream: block i is the keyed BLAKE2b-512 of the little-endian counter i under
// `key` (16 to 64 bytes). For tests and benchmarks only: noise that can be replayed from a key
// protects nothing. Not synchronised.
class SeededRandomSource final : public RandomSource {
 public:
  // INVALID_ARGUMENT when the key is not 16 to 64 bytes.
  static absl::StatusOr<std::unique_ptr<SeededRandomSource>> Create(SecretBytes key);
  void Fill(absl::Span<uint8_t> out) override;

 private:
  explicit SeededRandomSource(SecretBytes key) : key_(std::move(key)) {}
  SecretBytes key_;
  uint64_t counter_ = 0;
  uint8_t block_[64] = {};
  size_t pos_ = 64;
};

// The largest 2·a·b·t² the discrete Gaussian accepts (see noise.cc, DiscreteGaussian).
inline constexpr absl::uint128 kMaxGaussianDenominator = absl::uint128(1) << 96;

// A rational upper bound of ln(1/δ) for 0 < δ < 1, with denominator 2^30: ln(N) for N = ⌈1/δ⌉
// bounded by k·ln 2 + ln(1 + y) with N = 2^k·(1 + y), ln 2 ≤ 744261118/2^30 and
// ln(1 + y) ≤ y(6 + y)/(6 + 4y) (y ≥ 0), every rounding upwards. It exceeds ln(1/δ) by at most
// ln(1 + δ) + 0.007 (the ceiling, then ln(1 + y)'s bound) plus 2^-29 of roundings.
absl::StatusOr<Rational> LogInverseUpperBound(Rational delta);

// The budget's records (socle.v1.PrivacyBudgetRecord): the declaration and every charge.
v1::PrivacyBudgetRecord BudgetToProto(const PrivacyBudget& budget, absl::string_view dataset);
// Rebuilds a budget by charging the recorded releases again in order, through the same checks:
// a record that a budget would not have accepted is refused (INVALID_ARGUMENT naming the charge,
// or the charge's own error), so a reloaded budget is exactly the one that was saved.
absl::StatusOr<PrivacyBudget> BudgetFromProto(const v1::PrivacyBudgetRecord& record);

}  // namespace socle::stats

#endif  // SOCLE_SRC_STATS_NOISE_H_
