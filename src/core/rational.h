// Exact rational arithmetic on socle::Rational (socle/privacy_budget.hpp) in 128-bit integers:
// the pieces the privacy budget (core/privacy_budget.cc) and the noise samplers (stats/noise.cc)
// are made of. Every product and sum is checked; an overflow is OUT_OF_RANGE naming what, never
// a wrapped value.
#ifndef SOCLE_SRC_CORE_RATIONAL_H_
#define SOCLE_SRC_CORE_RATIONAL_H_

#include <cstdint>
#include <limits>

#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "socle/error.hpp"
#include "socle/privacy_budget.hpp"

namespace socle::core {

using absl::uint128;
inline constexpr uint128 kMax128 = ~uint128(0);
inline constexpr uint64_t kMaxInt64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

inline uint128 Gcd(uint128 a, uint128 b) {
  while (b != 0) {
    const uint128 r = a % b;
    a = b;
    b = r;
  }
  return a;
}

// a·b, or false when it does not fit 128 bits.
inline bool MulOverflows(uint128 a, uint128 b, uint128* out) {
  if (a != 0 && b > kMax128 / a) return true;
  *out = a * b;
  return false;
}

inline absl::Status CheckDenominator(Rational r, absl::string_view what) {
  if (r.denominator == 0) {
    return MakeError(ErrorCode::kInvalidArgument, absl::StrCat(what, ": the denominator is 0"));
  }
  return absl::OkStatus();
}

inline absl::Status Overflow(absl::string_view what) {
  return MakeError(ErrorCode::kOutOfRange,
                   absl::StrCat(what,
                                ": the exact fraction no longer fits 64-bit numerator and "
                                "denominator (use parameters with a common denominator)"));
}

// num/den in lowest terms as a 64-bit Rational; OUT_OF_RANGE naming `what` when it does not
// fit. `den` is not 0.
inline absl::StatusOr<Rational> FitRational(uint128 num, uint128 den, absl::string_view what) {
  const uint128 g = Gcd(num, den);
  num /= g;
  den /= g;
  if (absl::Uint128High64(num) != 0 || absl::Uint128High64(den) != 0) return Overflow(what);
  return Rational{absl::Uint128Low64(num), absl::Uint128Low64(den)};
}

inline absl::StatusOr<Rational> AddRationals(Rational a, Rational b, absl::string_view what) {
  const uint128 g = Gcd(a.denominator, b.denominator);
  const uint128 den = uint128(a.denominator / absl::Uint128Low64(g)) * b.denominator;
  const uint128 left = uint128(a.numerator) * (b.denominator / absl::Uint128Low64(g));
  const uint128 right = uint128(b.numerator) * (a.denominator / absl::Uint128Low64(g));
  if (left > kMax128 - right) return Overflow(what);
  return FitRational(left + right, den, what);
}

// a - b for a ≥ b.
inline absl::StatusOr<Rational> SubtractRationals(Rational a, Rational b, absl::string_view what) {
  const uint128 g = Gcd(a.denominator, b.denominator);
  const uint128 den = uint128(a.denominator / absl::Uint128Low64(g)) * b.denominator;
  const uint128 left = uint128(a.numerator) * (b.denominator / absl::Uint128Low64(g));
  const uint128 right = uint128(b.numerator) * (a.denominator / absl::Uint128Low64(g));
  return FitRational(left - right, den, what);
}

// 256-bit products, for comparisons of products of 128-bit values.
struct U256 {
  uint128 hi;
  uint128 lo;
};

inline U256 Mul256(uint128 a, uint128 b) {
  const uint128 a_lo = absl::Uint128Low64(a), a_hi = absl::Uint128High64(a);
  const uint128 b_lo = absl::Uint128Low64(b), b_hi = absl::Uint128High64(b);
  const uint128 ll = a_lo * b_lo, lh = a_lo * b_hi, hl = a_hi * b_lo, hh = a_hi * b_hi;
  // middle = the carries of ll's high half plus the low halves of the cross products.
  const uint128 middle =
      uint128(absl::Uint128High64(ll)) + absl::Uint128Low64(lh) + absl::Uint128Low64(hl);
  U256 out;
  out.lo = (middle << 64) | absl::Uint128Low64(ll);
  out.hi = hh + absl::Uint128High64(lh) + absl::Uint128High64(hl) + absl::Uint128High64(middle);
  return out;
}

inline bool LessOrEqual(U256 a, U256 b) { return a.hi < b.hi || (a.hi == b.hi && a.lo <= b.lo); }

inline U256 ShiftRight2(U256 v) { return U256{v.hi >> 2, (v.lo >> 2) | (v.hi << 126)}; }

inline uint64_t IntegerSqrt(uint64_t n) {
  // Newton's iteration on integers from an upper bound, decreasing to ⌊√n⌋.
  if (n < 2) return n;
  uint64_t x = uint64_t{1} << ((64 - __builtin_clzll(n)) / 2 + 1);
  while (true) {
    const uint64_t y = (x + n / x) / 2;
    if (y >= x) return x;
    x = y;
  }
}

}  // namespace socle::core

#endif  // SOCLE_SRC_CORE_RATIONAL_H_
