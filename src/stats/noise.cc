#include "stats/noise.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "core/rational.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"

namespace socle {

using absl::uint128;
using core::CheckDenominator;
using core::IntegerSqrt;
using core::kMax128;
using core::kMaxInt64;
using core::MulOverflows;

// ---- Random sources ----

RandomSource::~RandomSource() = default;

namespace {

class SodiumSource final : public RandomSource {
 public:
  // libsodium's randombytes_buf seeds itself when first called; sodium_init() only makes it
  // fail early, so its (impossible in practice) failure is left to the first call to report.
  SodiumSource() { (void)crypto::Init(); }
  void Fill(absl::Span<uint8_t> out) override { crypto::FastRandomBytes(out); }
};

}  // namespace

std::unique_ptr<RandomSource> SodiumRandomSource() { return std::make_unique<SodiumSource>(); }

namespace stats {

absl::StatusOr<std::unique_ptr<SeededRandomSource>> SeededRandomSource::Create(SecretBytes key) {
  if (key.size() < 16 || key.size() > 64) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "seeded random source: the key must be 16 to 64 bytes");
  }
  return std::unique_ptr<SeededRandomSource>(new SeededRandomSource(std::move(key)));
}

void SeededRandomSource::Fill(absl::Span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    if (pos_ == sizeof block_) {
      uint8_t counter[8];
      for (int i = 0; i < 8; ++i) counter[i] = static_cast<uint8_t>(counter_ >> (8 * i));
      ++counter_;
      // The key's size was checked by Create, the output size is fixed: this cannot fail.
      (void)crypto::KeyedHash(key_, counter, absl::MakeSpan(block_));
      pos_ = 0;
    }
    const size_t n = std::min(out.size() - done, sizeof block_ - pos_);
    std::memcpy(out.data() + done, block_ + pos_, n);
    pos_ += n;
    done += n;
  }
}

}  // namespace stats

// ---- NoiseSource ----
//
// The samplers work on 128-bit fractions: Bernoulli(n/d) is "a uniform integer below d is below
// n", so every probability is exact. Uniform integers come from 64-bit random words by rejection
// (the threshold of OpenBSD's arc4random_uniform and libsodium's randombytes_uniform, extended to
// 64 and 128 bits): no modulo bias.

NoiseSource::NoiseSource() : NoiseSource(SodiumRandomSource()) {}

NoiseSource::NoiseSource(std::unique_ptr<RandomSource> source) : source_(std::move(source)) {}

NoiseSource::~NoiseSource() {
  // Unused random words would let whoever reads this memory later remove the next noise.
  crypto::Wipe(absl::MakeSpan(reinterpret_cast<uint8_t*>(words_), sizeof words_));
  bits_ = 0;
}

uint64_t NoiseSource::NextWord() {
  if (next_ == 64) {
    uint8_t bytes[sizeof words_];
    source_->Fill(absl::MakeSpan(bytes));
    // Little-endian words, so a seeded stream gives the same samples on every platform.
    for (size_t w = 0; w < 64; ++w) {
      uint64_t v = 0;
      for (int i = 7; i >= 0; --i) v = (v << 8) | bytes[8 * w + i];
      words_[w] = v;
    }
    crypto::Wipe(absl::MakeSpan(bytes));
    next_ = 0;
  }
  return words_[next_++];
}

bool NoiseSource::Bit() {
  if (bit_count_ == 0) {
    bits_ = NextWord();
    bit_count_ = 64;
  }
  const bool bit = bits_ & 1;
  bits_ >>= 1;
  --bit_count_;
  return bit;
}

namespace {

// The pieces of the samplers, over a NoiseSource's word stream. Parameters are checked by the
// public methods; here every denominator is non-zero.
class Sampler {
 public:
  // `word` and `bit` must outlive the Sampler (FunctionRef does not own them).
  Sampler(absl::FunctionRef<uint64_t()> word, absl::FunctionRef<bool()> bit)
      : word_(word), bit_(bit) {}

  uint64_t Uniform64(uint64_t upper) {
    const uint64_t threshold = (0 - upper) % upper;  // 2^64 mod upper
    while (true) {
      const uint64_t r = word_();
      if (r >= threshold) return r % upper;
    }
  }

  uint128 Uniform128(uint128 upper) {
    if (absl::Uint128High64(upper) == 0) return Uniform64(absl::Uint128Low64(upper));
    const uint128 threshold = (0 - upper) % upper;  // 2^128 mod upper
    while (true) {
      const uint128 r = absl::MakeUint128(word_(), word_());
      if (r >= threshold) return r % upper;
    }
  }

  // true with probability n/d (n ≥ d: always).
  bool Bernoulli(uint128 n, uint128 d) { return n >= d || Uniform128(d) < n; }

  // Algorithm 1 of Canonne, Kamath and Steinke for γ = n/d ≤ 1: K counts the successes of
  // Bernoulli(γ/1), Bernoulli(γ/2), … up to the first failure; the parity of K is
  // Bernoulli(exp(-γ)) (the series 1 - γ + γ²/2! - …).
  bool ExpMinusAtMostOne(uint128 n, uint128 d) {
    if (n == 0) return true;
    uint64_t k = 1;
    while (true) {
      uint128 dk;
      // Bernoulli(n/(d·k)) is Bernoulli(n/d) and Bernoulli(1/k), independent, when d·k does not
      // fit 128 bits (k beyond 2^64/d: never in practice, but exact if it happens).
      const bool a =
          MulOverflows(d, k, &dk) ? (Bernoulli(n, d) && Bernoulli(1, k)) : Bernoulli(n, dk);
      if (!a) break;
      ++k;
    }
    return (k & 1) == 1;
  }

  // Bernoulli(exp(-n/d)) for any n/d ≥ 0: exp(-γ) = exp(-1)^⌊γ⌋ · exp(-(γ - ⌊γ⌋)), each factor
  // an independent trial, stopping at the first failure.
  bool ExpMinus(uint128 n, uint128 d) {
    if (n <= d) return ExpMinusAtMostOne(n, d);
    const uint128 whole = n / d;
    for (uint128 i = 0; i < whole; ++i) {
      if (!ExpMinusAtMostOne(1, 1)) return false;
    }
    return ExpMinusAtMostOne(n % d, d);
  }

  // Algorithm 2: the discrete Laplace of scale t/s (t, s ≥ 1). U + t·V with U uniform below t
  // (kept with probability exp(-U/t)) and V geometric (successes of Bernoulli(exp(-1))) is
  // geometric with parameter exp(-1/t); dividing by s gives exp(-s/t); a sign, and rejecting
  // the negative zero, makes it two-sided.
  absl::StatusOr<int64_t> Laplace(uint64_t t, uint64_t s) {
    while (true) {
      const uint64_t u = Uniform64(t);
      if (!ExpMinusAtMostOne(u, t)) continue;
      uint64_t v = 0;
      while (ExpMinusAtMostOne(1, 1)) ++v;
      uint128 x;
      if (MulOverflows(t, v, &x) || x > kMax128 - u) return TooLarge();
      x += u;
      const uint128 y = x / s;
      const bool negative = bit_();
      if (negative && y == 0) continue;
      if (y > kMaxInt64) return TooLarge();
      const int64_t magnitude = static_cast<int64_t>(absl::Uint128Low64(y));
      return negative ? -magnitude : magnitude;
    }
  }

  static absl::Status TooLarge() {
    // exp(-2^23) for a scale of at most 2^40: this is never seen.
    return MakeError(ErrorCode::kOutOfRange, "discrete Laplace: the sample does not fit int64");
  }

 private:
  absl::FunctionRef<uint64_t()> word_;
  absl::FunctionRef<bool()> bit_;  // Bernoulli(1/2) costs one bit of a word, not a word
};

}  // namespace

absl::StatusOr<uint64_t> NoiseSource::Uniform(uint64_t upper) {
  if (upper == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "uniform: the upper bound must be at least 1");
  }
  const auto word = [this] { return NextWord(); };
  const auto bit = [this] { return Bit(); };
  Sampler s(word, bit);
  return s.Uniform64(upper);
}

absl::StatusOr<bool> NoiseSource::Bernoulli(Rational p) {
  SOCLE_RETURN_IF_ERROR(CheckDenominator(p, "Bernoulli: the probability"));
  if (p.numerator > p.denominator) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("Bernoulli: the probability ", p.ToString(), " exceeds 1"));
  }
  const auto word = [this] { return NextWord(); };
  const auto bit = [this] { return Bit(); };
  Sampler s(word, bit);
  return s.Bernoulli(p.numerator, p.denominator);
}

absl::StatusOr<bool> NoiseSource::BernoulliExp(Rational gamma) {
  SOCLE_RETURN_IF_ERROR(CheckDenominator(gamma, "Bernoulli(exp(-γ)): γ"));
  const auto word = [this] { return NextWord(); };
  const auto bit = [this] { return Bit(); };
  Sampler s(word, bit);
  return s.ExpMinus(gamma.numerator, gamma.denominator);
}

absl::StatusOr<int64_t> NoiseSource::DiscreteLaplace(Rational scale) {
  SOCLE_RETURN_IF_ERROR(CheckDenominator(scale, "discrete Laplace: the scale"));
  if (scale.numerator == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "discrete Laplace: the scale must be above 0");
  }
  if (uint128(scale.numerator) > uint128(kMaxScale) * scale.denominator) {
    return MakeError(ErrorCode::kOutOfRange, absl::StrCat("discrete Laplace: the scale ",
                                                          scale.ToString(), " exceeds 2^40"));
  }
  const Rational t = scale.Reduced();
  const auto word = [this] { return NextWord(); };
  const auto bit = [this] { return Bit(); };
  Sampler s(word, bit);
  return s.Laplace(t.numerator, t.denominator);
}

absl::StatusOr<int64_t> NoiseSource::DiscreteGaussian(Rational sigma2) {
  SOCLE_RETURN_IF_ERROR(CheckDenominator(sigma2, "discrete Gaussian: σ²"));
  if (sigma2.numerator == 0) {
    return MakeError(ErrorCode::kInvalidArgument, "discrete Gaussian: σ² must be above 0");
  }
  if (uint128(sigma2.numerator) > uint128(kMaxSigma2) * sigma2.denominator) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("discrete Gaussian: σ² = ", sigma2.ToString(), " exceeds 2^40"));
  }
  const Rational v = sigma2.Reduced();
  const uint64_t a = v.numerator, b = v.denominator;
  // Algorithm 3: t = ⌊σ⌋ + 1 (⌊√(a/b)⌋ = ⌊√⌊a/b⌋⌋), then Y from the discrete Laplace of scale t
  // kept with probability exp(-(|Y| - σ²/t)²/(2σ²)) = exp(-m²/D), where
  // m = |Y|·b·t - a (in absolute value) and D = 2·a·b·t².
  const uint64_t t = IntegerSqrt(a / b) + 1;
  uint128 d;
  if (MulOverflows(uint128(a) * b, uint128(2) * t * t, &d) || d > stats::kMaxGaussianDenominator) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("discrete Gaussian: σ² = ", sigma2.ToString(),
                                  " needs 2·numerator·denominator·t² ≤ 2^96 (t = ⌊σ⌋ + 1) for "
                                  "exact 128-bit arithmetic; use a fraction with a smaller "
                                  "denominator"));
  }
  const uint128 bt = uint128(b) * t;
  const auto word = [this] { return NextWord(); };
  const auto bit = [this] { return Bit(); };
  Sampler s(word, bit);
  while (true) {
    SOCLE_ASSIGN_OR_RETURN(const int64_t y, s.Laplace(t, 1));
    const uint64_t magnitude = y < 0 ? 0 - static_cast<uint64_t>(y) : static_cast<uint64_t>(y);
    uint128 scaled;
    bool accept;
    if (!MulOverflows(magnitude, bt, &scaled) &&
        absl::Uint128High64(scaled > a ? scaled - a : a - scaled) == 0) {
      const uint128 m = scaled > a ? scaled - a : a - scaled;
      accept = s.ExpMinus(m * m, d);
    } else {
      // m ≥ 2^64, so γ = m²/D > L = ⌊(2^128 - 1)/D⌋ ≥ 2^32. exp(-γ) = exp(-L)·exp(-(γ - L)):
      // the first factor's trial rejects exactly; only when it succeeds (probability below
      // exp(-2^32)) would the second need more than 128 bits.
      if (s.ExpMinus(kMax128 / d, 1)) {
        return MakeError(ErrorCode::kInternal,
                         "discrete Gaussian: an exact comparison exceeded 128 bits");
      }
      accept = false;
    }
    if (accept) return y;
  }
}

namespace {

absl::Status AddNoise(absl::Span<int64_t> values,
                      absl::FunctionRef<absl::StatusOr<int64_t>()> sample, absl::string_view what) {
  std::vector<int64_t> noisy(values.begin(), values.end());
  for (size_t i = 0; i < noisy.size(); ++i) {
    SOCLE_ASSIGN_OR_RETURN(const int64_t noise, sample());
    if (__builtin_add_overflow(noisy[i], noise, &noisy[i])) {
      return MakeError(ErrorCode::kOutOfRange,
                       absl::StrCat(what, ": value ", i, " plus its noise leaves int64"));
    }
  }
  std::copy(noisy.begin(), noisy.end(), values.begin());
  return absl::OkStatus();
}

}  // namespace

absl::Status NoiseSource::AddDiscreteLaplace(Rational scale, absl::Span<int64_t> values) {
  return AddNoise(
      values, [&] { return DiscreteLaplace(scale); }, "discrete Laplace");
}

absl::Status NoiseSource::AddDiscreteGaussian(Rational sigma2, absl::Span<int64_t> values) {
  return AddNoise(
      values, [&] { return DiscreteGaussian(sigma2); }, "discrete Gaussian");
}

// ---- Margins ----

absl::StatusOr<std::vector<int64_t>> AddMargins(absl::Span<const size_t> shape,
                                                absl::Span<const int64_t> base,
                                                MarginOptions options) {
  if (shape.empty() || shape.size() > 4) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("margins: a table has 1 to 4 dimensions, not ", shape.size()));
  }
  constexpr uint64_t kMaxCells = uint64_t{1} << 31;
  uint64_t base_cells = 1, all_cells = 1;
  for (size_t j = 0; j < shape.size(); ++j) {
    if (shape[j] == 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("margins: dimension ", j, " has no value"));
    }
    if (shape[j] >= kMaxCells || (all_cells *= shape[j] + 1) > kMaxCells) {
      return MakeError(ErrorCode::kOutOfRange, "margins: the table would exceed 2^31 cells");
    }
    base_cells *= shape[j];
  }
  if (base.size() != base_cells) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat("margins: the shape has ", base_cells, " base cells, not ", base.size()));
  }
  std::vector<int64_t> cells(all_cells, 0);
  // Base cell (i_0, …) at its place in the extended table: walk both layouts in step.
  size_t index[4] = {0, 0, 0, 0};
  const size_t k = shape.size();
  for (size_t b = 0; b < base.size(); ++b) {
    size_t at = 0;
    for (size_t j = 0; j < k; ++j) at = at * (shape[j] + 1) + index[j];
    cells[at] = options.clamp_negative_base ? std::max<int64_t>(base[b], 0) : base[b];
    for (size_t j = k; j-- > 0;) {  // the last dimension fastest
      if (++index[j] < shape[j]) break;
      index[j] = 0;
    }
  }
  // One pass per dimension adds each cell into its margin along that dimension; a pass reads
  // only cells below the margin index, which it never writes, so margins of margins come out of
  // the later passes.
  size_t stride = 1;
  for (size_t j = k; j-- > 0;) {
    const size_t n = shape[j];
    for (size_t c = 0; c < cells.size(); ++c) {
      const size_t i = (c / stride) % (n + 1);
      if (i == n) continue;
      int64_t& margin = cells[c + (n - i) * stride];
      if (__builtin_add_overflow(margin, cells[c], &margin)) {
        return MakeError(ErrorCode::kOutOfRange,
                         absl::StrCat("margins: a margin of dimension ", j, " leaves int64"));
      }
    }
    stride *= n + 1;
  }
  return cells;
}

}  // namespace socle
