// Shared fixtures of the pseudonymisation suites: the test policy, fixed master secrets (the
// same bytes as reference_vectors.py), a secret source that records what it was asked for, and
// a check that a status carries no secret and no identifier.
#ifndef SOCLE_TESTS_PSEUDONYM_TEST_UTIL_H_
#define SOCLE_TESTS_PSEUDONYM_TEST_UTIL_H_

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"

namespace socle::pseudonym_testing {

inline const std::string& PolicyPath() {
  static const std::string path = std::string(SOCLE_TEST_DATA_DIR) + "/pseudonym/policy.textproto";
  return path;
}

inline const Policy& TestPolicy() {
  static const Policy policy = [] {
    auto p = Policy::LoadFile(PolicyPath());
    if (!p.ok()) {
      BOOST_FAIL("tests/pseudonym/policy.textproto does not load: " << p.status().message());
    }
    return *std::move(p);
  }();
  return policy;
}

// Master secret of version v: the 32 bytes 32(v-1), 32(v-1)+1, …  (v = 1: 00 01 … 1f).
inline std::vector<uint8_t> MasterBytes(uint32_t v) {
  std::vector<uint8_t> b(32);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(32 * (v - 1) + i);
  return b;
}

inline SecretBytes Master(uint32_t v) {
  const auto b = MasterBytes(v);
  return SecretBytes(b.data(), b.size());
}

// Versions 1..current.
inline std::unique_ptr<FixedPseudonymSecrets> Secrets(uint32_t current) {
  auto s = std::make_unique<FixedPseudonymSecrets>();
  for (uint32_t v = 1; v <= current; ++v) BOOST_REQUIRE(s->Add(v, Master(v)).ok());
  return s;
}

inline std::unique_ptr<Pseudonymizer> Make(uint32_t current, PseudonymizerOptions options = {}) {
  auto secrets = Secrets(current);
  auto p = Pseudonymizer::Create(TestPolicy(), *secrets, std::move(options));
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().message());
  return *std::move(p);
}

inline Pseudonym Compute(const PseudonymContext& ctx, absl::string_view id) {
  auto p = ctx.Compute(id);
  BOOST_REQUIRE_MESSAGE(p.ok(), p.status().message());
  return *p;
}

inline std::string Text(const Pseudonym& p) { return p.ToText(); }

// Wraps a source and records every request, to prove which secrets a call reads.
class RecordingSecrets final : public PseudonymSecretSource {
 public:
  explicit RecordingSecrets(const PseudonymSecretSource& inner) : inner_(inner) {}
  absl::StatusOr<uint32_t> CurrentPseudonymVersion() const override {
    std::lock_guard<std::mutex> lock(mu_);
    ++current_requests_;
    return inner_.CurrentPseudonymVersion();
  }
  absl::StatusOr<SecretBytes> PseudonymMasterSecret(uint32_t version) const override {
    std::lock_guard<std::mutex> lock(mu_);
    requested_.push_back(version);
    return inner_.PseudonymMasterSecret(version);
  }
  std::vector<uint32_t> requested() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requested_;
  }
  int current_requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_requests_;
  }

 private:
  const PseudonymSecretSource& inner_;
  mutable std::mutex mu_;
  mutable std::vector<uint32_t> requested_;
  mutable int current_requests_ = 0;
};

// Every form in which a secret or an identifier could leak into a message: raw, hex (both
// cases), base64 and base64url; for byte strings of 4 bytes or more, every 4-byte window too.
inline std::vector<std::string> LeakForms(absl::string_view needle) {
  std::vector<std::string> forms;
  auto add = [&](absl::string_view s) {
    const std::string raw(s);
    forms.push_back(raw);
    const std::string hex = absl::BytesToHexString(raw);
    forms.push_back(hex);
    forms.push_back(absl::AsciiStrToUpper(hex));
    if (s.size() >= 3) {
      forms.push_back(absl::Base64Escape(raw).substr(0, 4));
      forms.push_back(absl::WebSafeBase64Escape(raw).substr(0, 4));
    }
  };
  if (needle.size() <= 4) {
    add(needle);
  } else {
    for (size_t i = 0; i + 4 <= needle.size(); ++i) add(needle.substr(i, 4));
  }
  return forms;
}

inline void CheckNoLeak(const absl::Status& status, const std::vector<std::string>& needles) {
  BOOST_TEST_REQUIRE(!status.ok());
  std::vector<std::string> haystacks = {std::string(status.message()), status.ToString()};
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    haystacks.emplace_back(url);
    haystacks.emplace_back(std::string(payload));
  });
  for (const std::string& needle : needles) {
    for (const std::string& form : LeakForms(needle)) {
      for (const std::string& haystack : haystacks) {
        BOOST_TEST(haystack.find(form) == std::string::npos,
                   "message \"" << status.message() << "\" contains a secret or identifier");
      }
    }
  }
}

inline ErrorCode Code(const absl::Status& s) { return ErrorCodeOf(s); }

}  // namespace socle::pseudonym_testing

#endif  // SOCLE_TESTS_PSEUDONYM_TEST_UTIL_H_
