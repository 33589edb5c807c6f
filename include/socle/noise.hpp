// socle/noise.hpp: optional differential privacy for published counts and sums (issue 14).
//
// Three parts, all in integer arithmetic (docs/differential-privacy.md):
// - NoiseSource: exact samplers of Canonne, Kamath and Steinke, "The Discrete Gaussian for
//   Differential Privacy" (NeurIPS 2020): Bernoulli(exp(-γ)) (their Algorithm 1), the discrete
//   Laplace (Algorithm 2) and the discrete Gaussian (Algorithm 3), for rational parameters. No
//   floating point is used anywhere in sampling: floating-point Laplace noise leaks the true value
//   through the pattern of representable doubles (Mironov, CCS 2012).
// - PrivacyBudget (socle/privacy_budget.hpp): a dataset's (ε, δ) budget, charged per release and
//   refused, unchanged, when a release would exceed it.
// - AddMargins: the margins of a noisy table as sums of its noisy base cells (post-processing,
//   which costs no budget), so the published table stays additive.
//
// Rationals are a numerator and a denominator of 64 bits; every product and sum is checked, and
// an overflow or a zero denominator is a clear error, never a wrapped value.
#ifndef SOCLE_NOISE_HPP_
#define SOCLE_NOISE_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/export.hpp"
#include "socle/privacy_budget.hpp"

namespace socle {

// Where a NoiseSource takes its random bits. The default reads libsodium's CSPRNG; socle's tests
// inject a deterministic stream seeded from a test key so a statistical test cannot flake. A
// vendor may inject an HSM's generator. Fill must write `out.size()` unpredictable bytes; it is
// called from the thread that uses the NoiseSource.
class SOCLE_CXX_API RandomSource {
 public:
  virtual ~RandomSource();
  virtual void Fill(absl::Span<uint8_t> out) = 0;
};

// The default RandomSource: libsodium's generator (socle's per-thread ChaCha20 stream seeded
// from the operating system's CSPRNG through randombytes_buf, with fast key erasure). Stateless
// itself: safe to share between threads.
SOCLE_CXX_API std::unique_ptr<RandomSource> SodiumRandomSource();

// Exact samplers for rational parameters. The largest scales accepted (kMaxScale for the
// Laplace scale, kMaxSigma2 for the Gaussian variance) keep every intermediate value inside 128
// bits; anything larger is OUT_OF_RANGE with the parameter named.
//
// Thread safety: a NoiseSource is not synchronised (it buffers random words); use one per thread
// or guard it. Samples from one NoiseSource are independent.
class SOCLE_CXX_API NoiseSource {
 public:
  static constexpr uint64_t kMaxScale = uint64_t{1} << 40;   // discrete Laplace: t ≤ 2^40
  static constexpr uint64_t kMaxSigma2 = uint64_t{1} << 40;  // discrete Gaussian: σ² ≤ 2^40

  // Randomness from libsodium (SodiumRandomSource).
  NoiseSource();
  // Randomness from `source`, which must not be null.
  explicit NoiseSource(std::unique_ptr<RandomSource> source);
  ~NoiseSource();
  NoiseSource(const NoiseSource&) = delete;
  NoiseSource& operator=(const NoiseSource&) = delete;

  // A uniform integer in [0, upper) (rejection sampling: no modulo bias). INVALID_ARGUMENT when
  // `upper` is 0.
  absl::StatusOr<uint64_t> Uniform(uint64_t upper);
  // true with probability `p` (0 ≤ p ≤ 1). INVALID_ARGUMENT for p > 1 or a zero denominator.
  absl::StatusOr<bool> Bernoulli(Rational p);
  // true with probability exp(-γ), γ ≥ 0 (Algorithm 1). INVALID_ARGUMENT for a zero
  // denominator.
  absl::StatusOr<bool> BernoulliExp(Rational gamma);
  // The discrete Laplace with scale t > 0: P[X = x] ∝ exp(-|x|/t) over the integers (Algorithm
  // 2). Adding it to a query of L1 sensitivity Δ is (Δ/t)-differentially private.
  // INVALID_ARGUMENT for t = 0 or a zero denominator, OUT_OF_RANGE for t > kMaxScale.
  absl::StatusOr<int64_t> DiscreteLaplace(Rational scale);
  // The discrete Gaussian with variance parameter σ² > 0: P[X = x] ∝ exp(-x²/(2σ²)) (Algorithm
  // 3). Adding it to a query of L2 sensitivity Δ is (Δ²/(2σ²))-zero-concentrated DP.
  // INVALID_ARGUMENT for σ² = 0 or a zero denominator, OUT_OF_RANGE for σ² > kMaxSigma2.
  absl::StatusOr<int64_t> DiscreteGaussian(Rational sigma2);

  // Adds independent noise to every value in place. On an error (a bad parameter, a sum leaving
  // int64) `values` is unchanged.
  absl::Status AddDiscreteLaplace(Rational scale, absl::Span<int64_t> values);
  absl::Status AddDiscreteGaussian(Rational sigma2, absl::Span<int64_t> values);

 private:
  uint64_t NextWord();

  bool Bit();

  std::unique_ptr<RandomSource> source_;
  uint64_t words_[64];  // random words read ahead from source_ (wiped on destruction)
  size_t next_ = 64;
  uint64_t bits_ = 0;  // single bits, taken one at a time from a word
  int bit_count_ = 0;
};

// The full table of a table of base cells: every base cell and every margin, margins computed as
// sums of the (noisy) base cells, so the result is additive whatever the noise was (differential
// privacy is closed under post-processing: the margins cost no budget).
//
// `shape` holds the sizes n_0 … n_{k-1} of k = 1 to 4 dimensions (each ≥ 1); `base` holds the
// Π n_j base cells in row-major order (the last dimension varies fastest). The result has
// Π (n_j + 1) cells, also row-major, where index n_j in dimension j is that dimension's margin
// ("all values"): cell (i_0, …, i_{k-1}) is at Σ_j i_j · Π_{l>j} (n_l + 1). So the base cell
// (i_0, …) keeps its indices, (i_0, n_1) is the margin of row i_0 over dimension 1, and the last
// cell is the grand total.
//
// With `clamp_negative_base`, negative base cells become 0 before the margins are summed: the
// table stays additive (margins are sums of the published cells) but every cell and margin is
// biased upwards (E[max(0, x + noise)] ≥ x), and more so the more zero cells it sums. Clamping the
// margins after summing would break additivity: socle never does it.
//
// INVALID_ARGUMENT for 0 or more than 4 dimensions, a zero size, or `base` of the wrong length;
// OUT_OF_RANGE when the table would exceed 2^31 cells or a sum leaves int64.
struct SOCLE_CXX_API MarginOptions {
  bool clamp_negative_base = false;
};
SOCLE_CXX_API absl::StatusOr<std::vector<int64_t>> AddMargins(absl::Span<const size_t> shape,
                                                              absl::Span<const int64_t> base,
                                                              MarginOptions options = {});

}  // namespace socle

#endif  // SOCLE_NOISE_HPP_
