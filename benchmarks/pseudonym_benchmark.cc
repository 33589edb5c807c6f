// Keyed pseudonyms and reversible tokens through socle's C++ API, measured in the same run as
// the raw libsodium primitives they are built on, with the ratios printed at the end:
//
//   BM_RawKeyedBlake2b/N     crypto_generichash(out 16, id of N bytes, 32-byte key): the limit
//   BM_Pseudonym/N           PseudonymContext::ComputeBytes, one call per identifier (target
//                            >= 70 % of raw)
//   BM_PseudonymBatch/N      PseudonymContext::ComputeBatchBytes over 1024 identifiers
//   BM_RawToken/N            keyed BLAKE2b (24 bytes) over ad || padded, then
//                            XChaCha20-Poly1305 of the padded identifier: the limit of a token
//   BM_Token/N               Pseudonymizer::CreateToken into a caller buffer, text form included
//                            (target >= 60 % of raw)
//
// N (16, 32, 64) is the identifier length. Run from a release build:
//   cmake --preset release -B build/pseudo-rel -DSOCLE_BUILD_BENCHMARKS=ON
//   cmake --build build/pseudo-rel -j2 --target pseudonym_benchmark
//   build/pseudo-rel/benchmarks/pseudonym_benchmark --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness.h"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"

namespace socle {
namespace {

constexpr size_t kIds = 1024;
constexpr char kDomain[] = "recherche_non_recours";  // a PERSON domain of the example policy

// Identifiers of exactly `len` bytes, all different.
std::vector<std::string> Identifiers(size_t len) {
  return socle_bench::SyntheticIdentifiers(kIds, len);
}

struct Setup {
  std::unique_ptr<Pseudonymizer> pseudonymizer;
  std::optional<PseudonymContext> context;
  uint32_t domain = 0;
  std::array<uint8_t, 32> key{};
  bool ok = false;
};

Setup& Shared() {
  static Setup s = [] {
    Setup s;
    if (sodium_init() < 0) return s;
    auto policy = Policy::LoadFile(std::string(SOCLE_EXAMPLES_DIR) + "/policies/ccas.textproto");
    if (!policy.ok()) return s;
    FixedPseudonymSecrets secrets;
    for (size_t i = 0; i < s.key.size(); ++i) s.key[i] = static_cast<uint8_t>(i);
    if (!secrets.Add(1, SecretBytes(s.key.data(), s.key.size())).ok()) return s;
    auto p = Pseudonymizer::Create(*policy, secrets);
    if (!p.ok()) return s;
    s.pseudonymizer = *std::move(p);
    auto ctx = s.pseudonymizer->NewContext(kDomain);
    if (!ctx.ok()) return s;
    s.context.emplace(*std::move(ctx));
    s.domain = *s.pseudonymizer->FindDomain(kDomain);
    s.ok = true;
    return s;
  }();
  return s;
}

void BM_RawKeyedBlake2b(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.ok) return state.SkipWithError("setup failed");
  const auto ids = Identifiers(static_cast<size_t>(state.range(0)));
  std::array<uint8_t, 16> out{};
  size_t i = 0;
  for (auto _ : state) {
    const std::string& id = ids[i++ & (kIds - 1)];
    crypto_generichash(out.data(), out.size(), reinterpret_cast<const uint8_t*>(id.data()),
                       id.size(), s.key.data(), s.key.size());
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Pseudonym(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.ok) return state.SkipWithError("setup failed");
  const auto ids = Identifiers(static_cast<size_t>(state.range(0)));
  std::array<uint8_t, 16> out{};
  size_t i = 0;
  for (auto _ : state) {
    const absl::Status st = s.context->ComputeBytes(ids[i++ & (kIds - 1)], absl::MakeSpan(out));
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PseudonymBatch(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.ok) return state.SkipWithError("setup failed");
  const auto ids = Identifiers(static_cast<size_t>(state.range(0)));
  const std::vector<absl::string_view> views(ids.begin(), ids.end());
  std::vector<uint8_t> out(kIds * kPseudonymBytes);
  for (auto _ : state) {
    const absl::Status st = s.context->ComputeBatchBytes(views, absl::MakeSpan(out));
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kIds);
}

// What a token costs at the very least: the synthetic IV (one keyed BLAKE2b over the associated
// data and the padded identifier) and one XChaCha20-Poly1305 encryption of the padded identifier.
void BM_RawToken(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.ok) return state.SkipWithError("setup failed");
  const size_t len = static_cast<size_t>(state.range(0));
  const auto ids = Identifiers(len);
  size_t bucket = 16;
  while (bucket < len + 1) bucket *= 2;
  const std::string ad = std::string("socle.token.v1\0\0\0\0\1\0\25", 21) + kDomain;
  std::array<uint8_t, 32> enc_key{};
  enc_key.fill(7);
  std::vector<uint8_t> buf(ad.size() + bucket);
  std::memcpy(buf.data(), ad.data(), ad.size());
  std::array<uint8_t, 24> nonce{};
  std::vector<uint8_t> sealed(bucket + 16);
  size_t i = 0;
  for (auto _ : state) {
    const std::string& id = ids[i++ & (kIds - 1)];
    uint8_t* padded = buf.data() + ad.size();
    std::memcpy(padded, id.data(), id.size());
    padded[id.size()] = 0x80;
    std::memset(padded + id.size() + 1, 0, bucket - id.size() - 1);
    crypto_generichash(nonce.data(), nonce.size(), buf.data(), buf.size(), s.key.data(),
                       s.key.size());
    unsigned long long tag_len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
        sealed.data(), sealed.data() + bucket, &tag_len, padded, bucket,
        reinterpret_cast<const uint8_t*>(ad.data()), ad.size(), nullptr, nonce.data(),
        enc_key.data());
    benchmark::DoNotOptimize(sealed.data());
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Token(benchmark::State& state) {
  Setup& s = Shared();
  if (!s.ok) return state.SkipWithError("setup failed");
  const auto ids = Identifiers(static_cast<size_t>(state.range(0)));
  std::array<char, kMaxTokenTextLength> out{};
  size_t i = 0;
  for (auto _ : state) {
    auto n = s.pseudonymizer->CreateToken(s.domain, ids[i++ & (kIds - 1)], absl::MakeSpan(out));
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_RawKeyedBlake2b)->Arg(16)->Arg(32)->Arg(64);
BENCHMARK(BM_Pseudonym)->Arg(16)->Arg(32)->Arg(64);
BENCHMARK(BM_PseudonymBatch)->Arg(16)->Arg(32)->Arg(64);
BENCHMARK(BM_RawToken)->Arg(16)->Arg(32)->Arg(64);
BENCHMARK(BM_Token)->Arg(16)->Arg(32)->Arg(64);

// items/s of socle's call over items/s of the raw primitive, measured in the same run.
void PrintRatios(const socle_bench::RateReporter& reporter) {
  std::printf("\nratios (items/s of socle's call / items/s of the raw primitive, same run)\n");
  const struct {
    const char* socle;
    const char* raw;
    double target;
  } pairs[] = {{"BM_Pseudonym", "BM_RawKeyedBlake2b", 0.70},
               {"BM_PseudonymBatch", "BM_RawKeyedBlake2b", 0.70},
               {"BM_Token", "BM_RawToken", 0.60}};
  for (const auto& p : pairs) {
    for (const char* n : {"16", "32", "64"}) {
      socle_bench::PrintRateRatio(absl::StrFormat("%-22s / %-20s N=%-3s", p.socle, p.raw, n),
                                  reporter.ItemsPerSecond(absl::StrCat(p.socle, "/", n)),
                                  reporter.ItemsPerSecond(absl::StrCat(p.raw, "/", n)), p.target);
    }
  }
}

}  // namespace
}  // namespace socle

int main(int argc, char** argv) {
  return socle_bench::RunBenchmarks(argc, argv, socle::PrintRatios);
}
