// XChaCha20-Poly1305: the draft's known answer, and one generic failure for every tampering.
#include <array>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "crypto/crypto.h"
#include "test_util.h"

namespace socle::crypto {
namespace {

using testing::Bytes;
using testing::CodeName;
using testing::SecretFromHex;
using testing::Unhex;

// draft-irtf-cfrg-xchacha-03, appendix A.3.1 (AEAD_XChaCha20_Poly1305 example): the plaintext,
// associated data, key and nonce, and the ciphertext and tag it gives.
constexpr absl::string_view kDraftPlaintext =
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
    "future, sunscreen would be it.";
constexpr char kDraftAad[] = "50515253c0c1c2c3c4c5c6c7";
constexpr char kDraftKey[] = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
constexpr char kDraftNonce[] = "404142434445464748494a4b4c4d4e4f5051525354555657";
constexpr char kDraftCiphertext[] =
    "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
    "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
    "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
    "21f9664c97637da9768812f615c68b13b52e";
constexpr char kDraftTag[] = "c0875924c1c7987947deafd8780acf49";

std::vector<uint8_t> DraftSealed() {
  return Unhex(std::string(kDraftNonce) + kDraftCiphertext + kDraftTag);
}

std::string AsString(const SecretBytes& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

BOOST_AUTO_TEST_SUITE(aead)

BOOST_AUTO_TEST_CASE(draft_xchacha_a_3_1_known_answer) {
  // AeadSeal picks a random nonce, so the vector is checked on the opening side: the sealed
  // layout is nonce || ciphertext || tag.
  const absl::StatusOr<SecretBytes> plain =
      AeadOpen(SecretFromHex(kDraftKey), DraftSealed(), Unhex(kDraftAad));
  BOOST_REQUIRE(plain.ok());
  BOOST_TEST(AsString(*plain) == kDraftPlaintext);
}

BOOST_AUTO_TEST_CASE(seal_then_open_round_trips_with_fresh_nonces) {
  const SecretBytes key = SecretBytes::Random(kAeadKeyBytes);
  const std::vector<uint8_t> plaintext = Bytes("consent withdrawn");
  const std::vector<uint8_t> aad = Bytes("person:pseudonym");
  const auto a = AeadSeal(key, plaintext, aad);
  const auto b = AeadSeal(key, plaintext, aad);
  BOOST_REQUIRE(a.ok());
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(a->size() == kAeadNonceBytes + plaintext.size() + kAeadTagBytes);
  BOOST_TEST(ToHex(*a) != ToHex(*b));  // a random nonce each time
  const auto opened = AeadOpen(key, *a, aad);
  BOOST_REQUIRE(opened.ok());
  BOOST_TEST(AsString(*opened) == "consent withdrawn");
}

BOOST_AUTO_TEST_CASE(empty_plaintext_and_empty_associated_data) {
  const SecretBytes key = SecretBytes::Random(kAeadKeyBytes);
  const auto sealed = AeadSeal(key, {}, {});
  BOOST_REQUIRE(sealed.ok());
  BOOST_TEST(sealed->size() == kAeadNonceBytes + kAeadTagBytes);
  const auto opened = AeadOpen(key, *sealed, {});
  BOOST_REQUIRE(opened.ok());
  BOOST_TEST(opened->size() == 0u);
  // The tag still authenticates an empty message.
  std::vector<uint8_t> altered = *sealed;
  altered.back() ^= 1;
  BOOST_TEST(CodeName(AeadOpen(key, altered, {}).status()) == "VERIFICATION_FAILED");
}

BOOST_AUTO_TEST_CASE(every_tampering_gives_the_same_failure) {
  const SecretBytes key = SecretFromHex(kDraftKey);
  const std::vector<uint8_t> aad = Unhex(kDraftAad);
  const auto sealed = AeadSeal(key, Bytes("small"), aad);
  BOOST_REQUIRE(sealed.ok());
  BOOST_REQUIRE(AeadOpen(key, *sealed, aad).ok());

  // The one failure every case must give, code and message alike: no detail of what was wrong.
  SecretBytes wrong_key = key.Clone();
  wrong_key.data()[0] ^= 1;
  const absl::Status reference = AeadOpen(wrong_key, *sealed, aad).status();
  BOOST_TEST(CodeName(reference) == "VERIFICATION_FAILED");

  // Every bit of every byte: nonce, ciphertext and tag.
  for (size_t i = 0; i < sealed->size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> altered = *sealed;
      altered[i] ^= static_cast<uint8_t>(1u << bit);
      const auto opened = AeadOpen(key, altered, aad);
      BOOST_TEST_CONTEXT("byte " << i << " bit " << bit) {
        BOOST_TEST((opened.status() == reference));
      }
    }
  }
  // Every truncation, down to nothing, and an extension.
  for (size_t length = 0; length < sealed->size(); ++length) {
    const std::vector<uint8_t> truncated(sealed->begin(), sealed->begin() + length);
    BOOST_TEST_CONTEXT("truncated to " << length) {
      BOOST_TEST((AeadOpen(key, truncated, aad).status() == reference));
    }
  }
  std::vector<uint8_t> extended = *sealed;
  extended.push_back(0);
  BOOST_TEST((AeadOpen(key, extended, aad).status() == reference));

  // Wrong associated data: altered, missing, extended.
  std::vector<uint8_t> other_aad = aad;
  other_aad[3] ^= 0x10;
  BOOST_TEST((AeadOpen(key, *sealed, other_aad).status() == reference));
  BOOST_TEST((AeadOpen(key, *sealed, {}).status() == reference));
  other_aad = aad;
  other_aad.push_back(0);
  BOOST_TEST((AeadOpen(key, *sealed, other_aad).status() == reference));

  // Keys of the wrong size fail the same way when opening.
  BOOST_TEST((AeadOpen(SecretBytes::Random(31), *sealed, aad).status() == reference));
  BOOST_TEST((AeadOpen(SecretBytes(), *sealed, aad).status() == reference));
}

BOOST_AUTO_TEST_CASE(sealing_checks_the_key_size) {
  for (size_t size : {size_t{0}, size_t{16}, size_t{31}, size_t{33}}) {
    const auto sealed = AeadSeal(SecretBytes::Random(size), Bytes("x"), {});
    BOOST_TEST(CodeName(sealed.status()) == "INVALID_ARGUMENT");
  }
}

BOOST_AUTO_TEST_CASE(errors_never_contain_the_key) {
  // A recognisable key, so a leak of any 4 of its bytes would show.
  const std::vector<uint8_t> key_bytes =
      Unhex("deadbeefcafebabe0123456789abcdeffedcba98765432100f1e2d3c4b5a69");  // 31 bytes
  const SecretBytes short_key(key_bytes.data(), key_bytes.size());
  const auto sealed = AeadSeal(short_key, Bytes("x"), {});
  BOOST_REQUIRE(!sealed.ok());
  testing::CheckNoKeyMaterial(sealed.status(), key_bytes);

  const auto opened = AeadOpen(short_key, DraftSealed(), {});
  BOOST_REQUIRE(!opened.ok());
  testing::CheckNoKeyMaterial(opened.status(), key_bytes);

  const std::vector<uint8_t> full_key = Unhex(kDraftKey);
  const auto wrong_aad = AeadOpen(SecretFromHex(kDraftKey), DraftSealed(), Bytes("other"));
  BOOST_REQUIRE(!wrong_aad.ok());
  testing::CheckNoKeyMaterial(wrong_aad.status(), full_key);
}

// Lengths are checked before any arithmetic (issue 7, defect 6): at the limit a size is computed,
// one byte above it (and anywhere up to SIZE_MAX, where `overhead + size` used to wrap) the call
// fails cleanly, without allocating or touching the buffers. The spans below claim huge sizes
// over a few real bytes: any read or write past them would crash the test.
BOOST_AUTO_TEST_CASE(lengths_are_checked_before_any_arithmetic) {
  constexpr size_t kMax = std::numeric_limits<size_t>::max();
  BOOST_TEST(CheckedAdd(kMax - 1, 1).value_or(0) == kMax);
  BOOST_TEST(!CheckedAdd(kMax, 1).has_value());
  BOOST_TEST(!CheckedAdd(kMax - 44, 45).has_value());

  BOOST_TEST(SealedSize(kAeadMaxPlaintextBytes, 45).value_or(0) == kAeadMaxPlaintextBytes + 45);
  BOOST_TEST(SealedSize(0, 45).value_or(0) == 45u);
  for (size_t huge : {kAeadMaxPlaintextBytes + 1, kMax / 2, kMax - 45, kMax - 44, kMax}) {
    const absl::StatusOr<size_t> size = SealedSize(huge, 45);
    BOOST_TEST(CodeName(size.status()) == "INVALID_ARGUMENT");
    BOOST_TEST(size.status().message().find("limit") != absl::string_view::npos);
  }
  BOOST_TEST(CheckSealedSize(kAeadMaxPlaintextBytes + 16, 16).ok());
  BOOST_TEST(CodeName(CheckSealedSize(kAeadMaxPlaintextBytes + 17, 16)) == "VERIFICATION_FAILED");
  BOOST_TEST(CheckSealedSize(3, 16).ok());  // short inputs are the callers' own check

  const SecretBytes key = SecretBytes::Random(kAeadKeyBytes);
  std::array<uint8_t, 64> small{};
  std::array<uint8_t, kAeadNonceBytes> nonce{};
  // kMax - 10 + 16 wraps to 5: the old size check accepted a 5-byte output for it.
  const auto huge_plain = absl::MakeConstSpan(small.data(), kMax - 10);
  BOOST_TEST(CodeName(AeadSealWithNonce(key, nonce, huge_plain, {},
                                        absl::MakeSpan(small.data(), 5))) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(AeadSeal(key, huge_plain, {}).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(AeadSeal(key, absl::MakeConstSpan(small.data(), kAeadMaxPlaintextBytes + 1),
                               {})
                          .status()) == "INVALID_ARGUMENT");
  const auto huge_sealed = absl::MakeConstSpan(small.data(), kMax - 10);
  BOOST_TEST(CodeName(AeadOpen(key, huge_sealed, {}).status()) == "VERIFICATION_FAILED");
  BOOST_TEST(CodeName(AeadOpenWithNonce(key, nonce, huge_sealed, {},
                                        absl::MakeSpan(small.data(), kMax - 26))) ==
             "VERIFICATION_FAILED");
  BOOST_TEST((small == std::array<uint8_t, 64>{}));  // nothing was written
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::crypto
