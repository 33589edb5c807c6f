// What the vault added to src/crypto: the fast nonce stream and Argon2id.
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "crypto/crypto.h"
#include "test_util.h"

namespace socle::crypto {
namespace {

using vault_testing::Bytes;
using vault_testing::CodeName;
using vault_testing::Hex;

// Argon2id v1.3, t=1, m=8 KiB, p=1, 32 bytes, passphrase "correct horse battery staple",
// salt 00..0f: computed once with libsodium and cross-checked with an independent Argon2id
// (tests/vault/cross_check_vectors.py, with the `cryptography` package's Argon2id).
constexpr char kArgon2idMinHex[] =
    "d17ea6341ca93da6079ea2f64dc4aa31dd1aaf9caa67fb42ac4afd0714706f26";

BOOST_AUTO_TEST_SUITE(crypto_additions)

BOOST_AUTO_TEST_CASE(argon2id_known_answer) {
  std::vector<uint8_t> salt(16);
  for (size_t i = 0; i < salt.size(); ++i) salt[i] = static_cast<uint8_t>(i);
  const auto key =
      DeriveKeyFromPassphrase(Bytes("correct horse battery staple"), salt, kPwhashMin, 32);
  BOOST_REQUIRE(key.ok());
  BOOST_TEST(Hex(key->span()) == kArgon2idMinHex);
  // Any change of passphrase, salt or cost changes the key.
  salt[0] ^= 1;
  BOOST_TEST(
      Hex(DeriveKeyFromPassphrase(Bytes("correct horse battery staple"), salt, kPwhashMin, 32)
              ->span()) != kArgon2idMinHex);
  salt[0] ^= 1;
  BOOST_TEST(
      Hex(DeriveKeyFromPassphrase(Bytes("correct horse battery stapler"), salt, kPwhashMin, 32)
              ->span()) != kArgon2idMinHex);
  BOOST_TEST(Hex(DeriveKeyFromPassphrase(Bytes("correct horse battery staple"), salt,
                                         PwhashParams{2, 8192}, 32)
                     ->span()) != kArgon2idMinHex);
}

BOOST_AUTO_TEST_CASE(argon2id_rejects_bad_parameters) {
  const std::vector<uint8_t> salt(16, 1);
  BOOST_TEST(CodeName(DeriveKeyFromPassphrase(Bytes("pw"), std::vector<uint8_t>(15), kPwhashMin, 32)
                          .status()) == "INVALID_ARGUMENT");
  BOOST_TEST(
      CodeName(DeriveKeyFromPassphrase(Bytes("pw"), salt, PwhashParams{0, 8192}, 32).status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(
      CodeName(DeriveKeyFromPassphrase(Bytes("pw"), salt, PwhashParams{1, 4096}, 32).status()) ==
      "INVALID_ARGUMENT");
  // A hostile file cannot make us allocate more than the maximum.
  BOOST_TEST(CodeName(DeriveKeyFromPassphrase(Bytes("pw"), salt, PwhashParams{1, 8ull << 30}, 32)
                          .status()) == "INVALID_ARGUMENT");
  BOOST_TEST(
      CodeName(DeriveKeyFromPassphrase(Bytes("pw"), salt, PwhashParams{65, 8192}, 32).status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(DeriveKeyFromPassphrase(Bytes("pw"), salt, kPwhashMin, 8).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(DeriveKeyFromPassphrase({}, salt, kPwhashMin, 32).ok());  // empty is computable
}

BOOST_AUTO_TEST_CASE(fast_random_bytes_never_repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {  // crosses several 4 KiB blocks and a reseed
    uint8_t nonce[24];
    FastRandomBytes(absl::MakeSpan(nonce));
    BOOST_REQUIRE(seen.insert(Hex(nonce)).second);
  }
  // Large and odd-sized requests span blocks.
  std::vector<uint8_t> big(10000);
  FastRandomBytes(absl::MakeSpan(big));
  std::set<uint8_t> values(big.begin(), big.end());
  BOOST_TEST(values.size() == 256u);
  FastRandomBytes({});  // an empty span is fine
}

BOOST_AUTO_TEST_CASE(fast_random_bytes_differ_between_threads) {
  std::string a, b;
  std::thread ta([&] {
    uint8_t n[24];
    FastRandomBytes(absl::MakeSpan(n));
    a = Hex(n);
  });
  std::thread tb([&] {
    uint8_t n[24];
    FastRandomBytes(absl::MakeSpan(n));
    b = Hex(n);
  });
  ta.join();
  tb.join();
  BOOST_TEST(a != b);
}

BOOST_AUTO_TEST_CASE(fast_random_bytes_reseed_in_a_forked_child) {
  uint8_t warm[24];
  FastRandomBytes(absl::MakeSpan(warm));  // the parent's stream has state the child copies
  int fds[2];
  BOOST_REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    uint8_t n[24];
    FastRandomBytes(absl::MakeSpan(n));
    const ssize_t w = write(fds[1], n, sizeof n);
    _exit(w == static_cast<ssize_t>(sizeof n) ? 0 : 1);
  }
  uint8_t parent[24];
  FastRandomBytes(absl::MakeSpan(parent));
  uint8_t child[24] = {};
  close(fds[1]);
  BOOST_REQUIRE(read(fds[0], child, sizeof child) == static_cast<ssize_t>(sizeof child));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  BOOST_TEST(WIFEXITED(status));
  // Without the reseed, the child would hand out exactly the parent's next nonce.
  BOOST_TEST(Hex(child) != Hex(parent));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::crypto
