// Helpers shared by the crypto suites: hex decoding of vectors and checks that an error status
// never carries key material.
#ifndef SOCLE_TESTS_CRYPTO_TEST_UTIL_H_
#define SOCLE_TESTS_CRYPTO_TEST_UTIL_H_

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"

namespace socle::crypto::testing {

// Decodes a vector written in hex; spaces are ignored so vectors can be copied as printed.
inline std::vector<uint8_t> Unhex(absl::string_view hex) {
  std::string compact;
  for (char c : hex) {
    if (c != ' ' && c != '\n') compact.push_back(c);
  }
  BOOST_REQUIRE_MESSAGE(compact.size() % 2 == 0, "odd-length hex vector");
  const std::string bytes = absl::HexStringToBytes(compact);
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

inline SecretBytes SecretFromHex(absl::string_view hex) {
  const std::vector<uint8_t> bytes = Unhex(hex);
  return SecretBytes(bytes.data(), bytes.size());
}

inline std::vector<uint8_t> Bytes(absl::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

// 0, 1, 2, … n-1 (the inputs and keys of the BLAKE2 reference vectors).
inline std::vector<uint8_t> Sequence(size_t n) {
  std::vector<uint8_t> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(i);
  return out;
}

inline absl::string_view CodeName(const absl::Status& status) {
  return ErrorCodeName(ErrorCodeOf(status));
}

// Fails the test if `status` (message or payloads) contains any 4-byte window of `key`, raw or
// as lower- or upper-case hex.
inline void CheckNoKeyMaterial(const absl::Status& status, absl::Span<const uint8_t> key) {
  std::vector<std::string> haystacks = {std::string(status.message())};
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    haystacks.emplace_back(type_url);
    haystacks.emplace_back(std::string(payload));
  });
  for (size_t i = 0; i + 4 <= key.size(); ++i) {
    const std::string raw(reinterpret_cast<const char*>(key.data() + i), 4);
    const std::string hex = ToHex(key.subspan(i, 4));
    const std::string upper = absl::AsciiStrToUpper(hex);
    for (const std::string& haystack : haystacks) {
      BOOST_TEST(haystack.find(raw) == std::string::npos);
      BOOST_TEST(haystack.find(hex) == std::string::npos);
      BOOST_TEST(haystack.find(upper) == std::string::npos);
    }
  }
}

}  // namespace socle::crypto::testing

#endif  // SOCLE_TESTS_CRYPTO_TEST_UTIL_H_
