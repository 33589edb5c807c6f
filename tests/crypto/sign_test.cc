// Ed25519 signatures: RFC 8032 known answers, and verification failures without detail.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <vector>

#include "crypto/crypto.h"
#include "test_util.h"

namespace socle::crypto {
namespace {

using testing::Bytes;
using testing::CodeName;
using testing::SecretFromHex;
using testing::Unhex;

// RFC 8032, section 7.1 "Test Vectors for Ed25519", TEST 1, TEST 2 and TEST 3.
struct Rfc8032Vector {
  const char* name;
  const char* secret_key;  // the 32-byte seed ("SECRET KEY" in the RFC)
  const char* public_key;
  const char* message;
  const char* signature;
};
constexpr Rfc8032Vector kRfc8032[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

BOOST_AUTO_TEST_SUITE(ed25519)

BOOST_AUTO_TEST_CASE(rfc8032_known_answers) {
  for (const Rfc8032Vector& v : kRfc8032) {
    BOOST_TEST_CONTEXT(v.name) {
      absl::StatusOr<SigningKeyPair> pair = SigningKeyPairFromSeed(SecretFromHex(v.secret_key));
      BOOST_REQUIRE(pair.ok());
      BOOST_TEST(ToHex(pair->public_key) == v.public_key);
      // libsodium keeps seed || public key as the secret key.
      BOOST_TEST(ToHex(pair->secret_key.span()) == std::string(v.secret_key) + v.public_key);

      const std::vector<uint8_t> message = Unhex(v.message);
      const auto signature = Sign(*pair, message);
      BOOST_TEST(ToHex(signature) == v.signature);
      BOOST_TEST(Verify(Unhex(v.public_key), message, Unhex(v.signature)).ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(altered_signatures_messages_and_keys_fail_alike) {
  const Rfc8032Vector& v = kRfc8032[2];
  const std::vector<uint8_t> public_key = Unhex(v.public_key);
  const std::vector<uint8_t> message = Unhex(v.message);
  const std::vector<uint8_t> signature = Unhex(v.signature);
  const absl::Status reference = Verify(public_key, Bytes("other message"), signature);
  BOOST_TEST(CodeName(reference) == "VERIFICATION_FAILED");

  for (size_t i = 0; i < signature.size(); ++i) {
    std::vector<uint8_t> altered = signature;
    altered[i] ^= 0x01;
    BOOST_TEST_CONTEXT("signature byte " << i) {
      BOOST_TEST((Verify(public_key, message, altered) == reference));
    }
  }
  for (size_t i = 0; i < message.size(); ++i) {
    std::vector<uint8_t> altered = message;
    altered[i] ^= 0x80;
    BOOST_TEST((Verify(public_key, altered, signature) == reference));
  }
  // Another signer's key, a truncated or extended signature, a short public key.
  BOOST_TEST((Verify(Unhex(kRfc8032[1].public_key), message, signature) == reference));
  std::vector<uint8_t> truncated(signature.begin(), signature.end() - 1);
  BOOST_TEST((Verify(public_key, message, truncated) == reference));
  std::vector<uint8_t> extended = signature;
  extended.push_back(0);
  BOOST_TEST((Verify(public_key, message, extended) == reference));
  std::vector<uint8_t> short_key(public_key.begin(), public_key.end() - 1);
  BOOST_TEST((Verify(short_key, message, signature) == reference));
  BOOST_TEST((Verify({}, message, {}) == reference));
}

BOOST_AUTO_TEST_CASE(generated_key_pairs_sign_and_verify) {
  const SigningKeyPair a = GenerateSigningKeyPair();
  const SigningKeyPair b = GenerateSigningKeyPair();
  BOOST_TEST(ToHex(a.public_key) != ToHex(b.public_key));
  BOOST_TEST(a.secret_key.size() == 64u);
  const std::vector<uint8_t> message = Bytes("checkpoint 42");
  const auto signature = Sign(a, message);
  BOOST_TEST(Verify(a.public_key, message, signature).ok());
  BOOST_TEST(CodeName(Verify(b.public_key, message, signature)) == "VERIFICATION_FAILED");
}

BOOST_AUTO_TEST_CASE(seed_size_is_checked_without_leaking_it) {
  const std::vector<uint8_t> seed =
      Unhex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458");
  const absl::StatusOr<SigningKeyPair> pair =
      SigningKeyPairFromSeed(SecretBytes(seed.data(), seed.size()));
  BOOST_REQUIRE(!pair.ok());
  BOOST_TEST(CodeName(pair.status()) == "INVALID_ARGUMENT");
  testing::CheckNoKeyMaterial(pair.status(), seed);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::crypto
