// The exact differential-privacy samplers (socle/noise.hpp), measured in the same run as the raw
// libsodium calls they are built on, with the ratios printed at the end:
//
//   BM_RawRandombytesUniform    randombytes_uniform(10): one uniform integer straight from
//                               libsodium, the limit for anything that needs a random draw
//   BM_RawSourceWords           64-bit words from the default RandomSource (socle's ChaCha20
//                               stream seeded by randombytes_buf), 64 per refill as NoiseSource
//                               reads them
//   BM_Uniform                  NoiseSource::Uniform(10)
//   BM_BernoulliExp/<γ·10>      Bernoulli(exp(-γ)) for γ = 0.5, 1, 2.5
//   BM_Laplace/<t>              the discrete Laplace of scale t = 1, 10, 1000
//   BM_Gaussian/<σ²>            the discrete Gaussian of variance σ² = 1, 100, 10000
//   BM_NoisyTable               10,000 base cells noised (Laplace, t = 2) and their margins
//                               (3 dimensions, 25 × 20 × 20)
//
// Every sampler also reports words_per_sample (64-bit random words consumed per sample), so
// its rate can be read against the source's word rate: samples/s × words_per_sample is the
// part of the source's throughput it uses. Run from a release build (benchmarks/README.md).
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"
#include "socle/noise.hpp"

namespace {

using socle::NoiseSource;
using socle::Rational;

// The default source, counting the bytes it hands out.
class CountingSource final : public socle::RandomSource {
 public:
  explicit CountingSource(uint64_t* bytes) : inner_(socle::SodiumRandomSource()), bytes_(bytes) {}
  void Fill(absl::Span<uint8_t> out) override {
    inner_->Fill(out);
    *bytes_ += out.size();
  }

 private:
  std::unique_ptr<socle::RandomSource> inner_;
  uint64_t* bytes_;
};

// Runs `sample` once per iteration and reports samples/s and the words each one consumed.
// (NoiseSource reads 64 words at a time: the count is exact to within one refill.)
template <typename Sample>
void RunSampler(benchmark::State& state, Sample sample) {
  if (sodium_init() < 0) return state.SkipWithError("sodium_init failed");
  uint64_t bytes = 0;
  NoiseSource noise(std::make_unique<CountingSource>(&bytes));
  for (auto _ : state) {
    if (!sample(noise)) return state.SkipWithError("the sampler failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["words_per_sample"] =
      static_cast<double>(bytes) / 8.0 / static_cast<double>(state.iterations());
}

void BM_RawRandombytesUniform(benchmark::State& state) {
  if (sodium_init() < 0) return state.SkipWithError("sodium_init failed");
  for (auto _ : state) benchmark::DoNotOptimize(randombytes_uniform(10));
  state.SetItemsProcessed(state.iterations());
}

void BM_RawSourceWords(benchmark::State& state) {
  if (sodium_init() < 0) return state.SkipWithError("sodium_init failed");
  auto source = socle::SodiumRandomSource();
  uint8_t block[512];
  for (auto _ : state) {
    source->Fill(absl::MakeSpan(block));
    benchmark::DoNotOptimize(block);
  }
  state.SetItemsProcessed(state.iterations() * 64);  // words
}

void BM_Uniform(benchmark::State& state) {
  RunSampler(state, [](NoiseSource& n) {
    auto x = n.Uniform(10);
    benchmark::DoNotOptimize(x);
    return x.ok();
  });
}

void BM_BernoulliExp(benchmark::State& state) {
  const Rational gamma{static_cast<uint64_t>(state.range(0)), 10};
  RunSampler(state, [gamma](NoiseSource& n) {
    auto x = n.BernoulliExp(gamma);
    benchmark::DoNotOptimize(x);
    return x.ok();
  });
}

void BM_Laplace(benchmark::State& state) {
  const Rational scale{static_cast<uint64_t>(state.range(0)), 1};
  RunSampler(state, [scale](NoiseSource& n) {
    auto x = n.DiscreteLaplace(scale);
    benchmark::DoNotOptimize(x);
    return x.ok();
  });
}

void BM_Gaussian(benchmark::State& state) {
  const Rational sigma2{static_cast<uint64_t>(state.range(0)), 1};
  RunSampler(state, [sigma2](NoiseSource& n) {
    auto x = n.DiscreteGaussian(sigma2);
    benchmark::DoNotOptimize(x);
    return x.ok();
  });
}

void BM_NoisyTable(benchmark::State& state) {
  if (sodium_init() < 0) return state.SkipWithError("sodium_init failed");
  const std::vector<size_t> shape = {25, 20, 20};
  std::vector<int64_t> counts(25 * 20 * 20);
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = static_cast<int64_t>(i % 97);
  NoiseSource noise;
  for (auto _ : state) {
    std::vector<int64_t> base = counts;
    if (!noise.AddDiscreteLaplace(Rational{2, 1}, absl::MakeSpan(base)).ok()) {
      return state.SkipWithError("noise failed");
    }
    auto all = socle::AddMargins(shape, base);
    if (!all.ok()) return state.SkipWithError("margins failed");
    benchmark::DoNotOptimize(all->data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(counts.size()));  // cells
}

BENCHMARK(BM_RawRandombytesUniform);
BENCHMARK(BM_RawSourceWords);
BENCHMARK(BM_Uniform);
BENCHMARK(BM_BernoulliExp)->Arg(5)->Arg(10)->Arg(25);
BENCHMARK(BM_Laplace)->Arg(1)->Arg(10)->Arg(1000);
BENCHMARK(BM_Gaussian)->Arg(1)->Arg(100)->Arg(10000);
BENCHMARK(BM_NoisyTable);

// Two readings of the same run: samples/s against randombytes_uniform calls/s (libsodium's own
// uniform integer, one getrandom() system call each with Debian's libsodium), and the random
// words a sampler consumes per second against the words the default source delivers per second
// (the rest of a sampler's time is its arithmetic and its rejections).
void PrintRatios(const socle_bench::RateReporter& reporter) {
  const char* const samplers[] = {"BM_Uniform",         "BM_BernoulliExp/5", "BM_BernoulliExp/10",
                                  "BM_BernoulliExp/25", "BM_Laplace/1",      "BM_Laplace/10",
                                  "BM_Laplace/1000",    "BM_Gaussian/1",     "BM_Gaussian/100",
                                  "BM_Gaussian/10000"};
  std::printf("\nratios (samples/s / randombytes_uniform calls/s, same run; no target)\n");
  const double raw = reporter.ItemsPerSecond("BM_RawRandombytesUniform");
  for (const char* name : samplers) {
    char label[40];
    std::snprintf(label, sizeof label, "%-20s", name);
    socle_bench::PrintRateRatio(label, reporter.ItemsPerSecond(name), raw, 0);
  }
  std::printf("\nratios (words consumed/s / source words/s, same run; no target)\n");
  const double words = reporter.ItemsPerSecond("BM_RawSourceWords");
  for (const char* name : samplers) {
    char label[40];
    std::snprintf(label, sizeof label, "%-20s", name);
    socle_bench::PrintRateRatio(
        label, reporter.ItemsPerSecond(name) * reporter.Counter(name, "words_per_sample"), words,
        0);
  }
}

}  // namespace

int main(int argc, char** argv) { return socle_bench::RunBenchmarks(argc, argv, PrintRatios); }
