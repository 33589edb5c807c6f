// Internals of socle/noise.hpp: the deterministic random source of socle's tests and benchmarks,
// and the limit of the discrete Gaussian's exact arithmetic.
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

}  // namespace socle::stats

#endif  // SOCLE_SRC_STATS_NOISE_H_
