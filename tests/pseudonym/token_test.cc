// Reversible tokens: determinism, length buckets, and tampering: every bit flip, every
// truncation, the wrong key, the wrong domain and the wrong version fail with one generic
// VERIFICATION_FAILED.
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

#include "pseudonym/text_form.h"
#include "socle/pseudonym.hpp"
#include "test_util.h"

namespace socle::pseudonym_testing {
namespace {

struct Reverser {
  explicit Reverser(uint32_t current, PseudonymizerOptions options = {}) {
    options.reversal.hook = [](const ReversalEvent&) { return absl::OkStatus(); };
    options.reversal.capacity = 100000;
    p = Make(current, std::move(options));
  }
  absl::StatusOr<SecretBytes> Reverse(absl::string_view token, absl::string_view domain = "suivi") {
    ReversalRequest r;
    r.actor = "agent-42";
    r.role = "dpo";
    r.reason = "demande de la personne (RGPD art. 15)";
    r.domain = domain;
    return p->ReverseToken(r, token);
  }
  std::unique_ptr<Pseudonymizer> p;
};

BOOST_AUTO_TEST_SUITE(tokens)

BOOST_AUTO_TEST_CASE(tokens_round_trip_and_are_deterministic) {
  Reverser r(1);
  const std::vector<std::string> ids = {"a", "personne-000042", "2 85 02 75 123 456 78",
                                        std::string(255, 'z'), std::string("\0\x80\0", 3)};
  for (const std::string& id : ids) {
    auto t = r.p->CreateToken("suivi", id);
    BOOST_REQUIRE(t.ok());
    BOOST_TEST(*t == *r.p->CreateToken("suivi", id));
    BOOST_TEST(t->size() == TokenTextLength(id.size()));
    BOOST_TEST((*t)[0] == 'K');
    auto back = r.Reverse(*t);
    BOOST_REQUIRE_MESSAGE(back.ok(), back.status().message());
    BOOST_TEST(back->view() == id);
  }
  // A RELATIONSHIP domain declares linkage too.
  auto t = r.p->CreateToken("evaluation", "personne-000042");
  BOOST_REQUIRE(t.ok());
  BOOST_TEST(r.Reverse(*t, "evaluation")->view() == "personne-000042");
}

// The length of a token reveals the bucket of the identifier, nothing finer.
BOOST_AUTO_TEST_CASE(token_length_leaks_only_the_bucket) {
  Reverser r(1);
  const std::vector<std::pair<size_t, size_t>> buckets = {
      {1, 80},   {15, 80},  {16, 101},  {31, 101},  {32, 144},
      {63, 144}, {64, 229}, {127, 229}, {128, 400}, {255, 400}};
  for (const auto& [n, len] : buckets) {
    auto t = r.p->CreateToken("suivi", std::string(n, 'x'));
    BOOST_REQUIRE(t.ok());
    BOOST_TEST(t->size() == len, n << " bytes");
    BOOST_TEST(TokenTextLength(n) == len);
  }
  BOOST_TEST(TokenTextLength(0) == 0u);
  BOOST_TEST(TokenTextLength(256) == 0u);
  BOOST_TEST((Code(r.p->CreateToken("suivi", "").status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(r.p->CreateToken("suivi", std::string(256, 'x')).status()) ==
              ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(transaction_domains_have_no_tokens) {
  Reverser r(1);
  BOOST_TEST((Code(r.p->CreateToken("stats", "x").status()) == ErrorCode::kFailedPrecondition));
  BOOST_TEST(
      (Code(r.p->CreateToken("stats_defaut", "x").status()) == ErrorCode::kFailedPrecondition));
}

BOOST_AUTO_TEST_CASE(the_output_buffer_is_checked) {
  Reverser r(1);
  std::array<char, 79> small{};
  const auto index = r.p->FindDomain("suivi");
  BOOST_TEST((Code(r.p->CreateToken(*index, "x", absl::MakeSpan(small)).status()) ==
              ErrorCode::kInvalidArgument));
  std::array<char, 80> exact{};
  BOOST_TEST(*r.p->CreateToken(*index, "x", absl::MakeSpan(exact)) == 80u);
}

// Every bit of every character of the text: each altered token either fails to verify or (when
// the flip turns a character into another valid one of the same value… which base64url does not
// allow) decodes to the same bytes. None may ever reverse to another identifier.
BOOST_AUTO_TEST_CASE(every_bit_flip_fails) {
  Reverser r(1);
  const std::string id = "personne-000042";
  const std::string token = *r.p->CreateToken("suivi", id);
  size_t tried = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string altered = token;
      altered[i] = static_cast<char>(altered[i] ^ (1 << bit));
      auto back = r.Reverse(altered);
      ++tried;
      BOOST_REQUIRE_MESSAGE(!back.ok(),
                            "a token altered at " << i << " bit " << bit << " reversed");
      BOOST_TEST((Code(back.status()) == ErrorCode::kVerificationFailed ||
                  // the version digits: a valid other version that is not loaded, or retired
                  Code(back.status()) == ErrorCode::kFailedPrecondition));
    }
  }
  BOOST_TEST(tried == token.size() * 8);
}

// Flips of the decoded bytes (IV, ciphertext, tag), re-encoded so the text stays well-formed:
// this is what reaches the cipher, and every one must fail the tag or the IV check.
BOOST_AUTO_TEST_CASE(every_decoded_bit_flip_fails_authentication) {
  Reverser r(1);
  const std::string token = *r.p->CreateToken("suivi", "personne-000042");
  std::vector<uint8_t> bytes(56);
  BOOST_REQUIRE(pseudonym_internal::DecodeBase64Url(token.substr(5), absl::MakeSpan(bytes)));
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> altered = bytes;
      altered[i] ^= static_cast<uint8_t>(1 << bit);
      std::string text = token.substr(0, 5) + std::string(75, '\0');
      pseudonym_internal::EncodeBase64Url(altered, text.data() + 5);
      auto back = r.Reverse(text);
      BOOST_REQUIRE(!back.ok());
      BOOST_TEST((Code(back.status()) == ErrorCode::kVerificationFailed));
      BOOST_TEST(back.status().message() == "verification failed");
    }
  }
}

BOOST_AUTO_TEST_CASE(every_truncation_and_extension_fails) {
  Reverser r(1);
  const std::string token = *r.p->CreateToken("suivi", "personne-000042");
  for (size_t n = 0; n < token.size(); ++n) {
    BOOST_TEST((Code(r.Reverse(token.substr(0, n)).status()) == ErrorCode::kVerificationFailed));
  }
  BOOST_TEST((Code(r.Reverse(token + "A").status()) == ErrorCode::kVerificationFailed));
  // A token of a longer bucket cut to the length of a shorter one.
  const std::string longer = *r.p->CreateToken("suivi", std::string(20, 'y'));
  BOOST_TEST((Code(r.Reverse(longer.substr(0, 80)).status()) == ErrorCode::kVerificationFailed));
}

BOOST_AUTO_TEST_CASE(a_token_fails_under_the_wrong_key) {
  Reverser mine(1);
  const std::string token = *mine.p->CreateToken("suivi", "personne-000042");
  FixedPseudonymSecrets other;
  std::vector<uint8_t> bytes = MasterBytes(1);
  bytes[31] ^= 0x40;
  BOOST_REQUIRE(other.Add(1, SecretBytes(bytes.data(), bytes.size())).ok());
  PseudonymizerOptions options;
  options.reversal.hook = [](const ReversalEvent&) { return absl::OkStatus(); };
  auto theirs = Pseudonymizer::Create(TestPolicy(), other, std::move(options));
  BOOST_REQUIRE(theirs.ok());
  ReversalRequest req{"agent-42", "dpo", "contrôle", "suivi"};
  BOOST_TEST(
      (Code((*theirs)->ReverseToken(req, token).status()) == ErrorCode::kVerificationFailed));
}

BOOST_AUTO_TEST_CASE(a_token_fails_in_the_wrong_domain) {
  Reverser r(1);
  const std::string token = *r.p->CreateToken("suivi", "personne-000042");
  BOOST_TEST((Code(r.Reverse(token, "recherche").status()) == ErrorCode::kVerificationFailed));
  BOOST_TEST((Code(r.Reverse(token, "evaluation").status()) == ErrorCode::kVerificationFailed));
  BOOST_TEST((Code(r.Reverse(token, "stats").status()) == ErrorCode::kVerificationFailed));
  BOOST_TEST((Code(r.Reverse(token, "inconnu").status()) == ErrorCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(the_version_is_bound_to_the_token) {
  Reverser r(2);
  const std::string v2 = *r.p->CreateToken("suivi", "personne-000042");
  BOOST_TEST(v2.substr(0, 5) == "K0002");
  // Relabelled as version 1: the v1 keys and the v1 associated data reject it.
  BOOST_TEST((Code(r.Reverse("K0001" + v2.substr(5)).status()) == ErrorCode::kVerificationFailed));
  // A version the pseudonymizer does not hold.
  BOOST_TEST((Code(r.Reverse("K0003" + v2.substr(5)).status()) == ErrorCode::kVerificationFailed));
  // Tokens of version 1 made earlier still reverse under version 2's pseudonymizer.
  Reverser old(1);
  const std::string v1 = *old.p->CreateToken("suivi", "personne-000042");
  BOOST_TEST(r.Reverse(v1)->view() == "personne-000042");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pseudonym_testing
