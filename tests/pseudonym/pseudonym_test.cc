// Keyed pseudonyms per domain: kinds from the policy, linkage (PERSON stable, TRANSACTION fresh
// per export), separation of domains, batches, and the text form.
#include "socle/pseudonym.hpp"

#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "test_util.h"

namespace socle::pseudonym_testing {
namespace {

std::vector<std::string> Ids(size_t n) {
  std::vector<std::string> ids;
  ids.reserve(n);
  for (size_t i = 0; i < n; ++i) ids.push_back(absl::StrCat("usager-", i));
  return ids;
}

std::vector<absl::string_view> Views(const std::vector<std::string>& ids) {
  return std::vector<absl::string_view>(ids.begin(), ids.end());
}

BOOST_AUTO_TEST_SUITE(domains)

BOOST_AUTO_TEST_CASE(kinds_come_from_the_policy_and_default_to_transaction) {
  auto p = Make(1);
  BOOST_TEST(p->domain_count() == 5u);
  BOOST_TEST((p->domain_kind("suivi") == PseudonymKind::kPerson));
  BOOST_TEST((p->domain_kind("evaluation") == PseudonymKind::kRelationship));
  BOOST_TEST((p->domain_kind("stats") == PseudonymKind::kTransaction));
  BOOST_TEST((p->domain_kind("stats_defaut") == PseudonymKind::kTransaction));
  BOOST_TEST(!p->domain_kind("inconnu").has_value());
  BOOST_TEST(p->domain_id(*p->FindDomain("evaluation")) == "evaluation");
}

BOOST_AUTO_TEST_CASE(an_unknown_domain_is_not_found) {
  auto p = Make(1);
  BOOST_TEST((Code(p->NewContext("inconnu").status()) == ErrorCode::kNotFound));
  BOOST_TEST((Code(p->CreateToken("inconnu", "x").status()) == ErrorCode::kNotFound));
}

BOOST_AUTO_TEST_CASE(relationship_labels_are_required_exactly_where_they_belong) {
  auto p = Make(1);
  BOOST_TEST((Code(p->NewContext("evaluation").status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(p->NewContext("suivi", "apa").status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(p->NewContext("stats", "apa").status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST(p->NewContext("evaluation", "apa").ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(linkage)

BOOST_AUTO_TEST_CASE(same_identifier_same_key_same_pseudonym) {
  auto a = Make(1);
  auto b = Make(1);  // another object with the same secrets: the same pseudonyms
  auto ca = a->NewContext("suivi");
  auto cb = b->NewContext("suivi");
  BOOST_REQUIRE(ca.ok() && cb.ok());
  BOOST_TEST(Text(Compute(*ca, "usager-1")) == Text(Compute(*cb, "usager-1")));
  BOOST_TEST(Text(Compute(*ca, "usager-1")) != Text(Compute(*ca, "usager-2")));
}

BOOST_AUTO_TEST_CASE(a_different_key_gives_a_different_pseudonym) {
  auto a = Make(1);
  FixedPseudonymSecrets other;
  std::vector<uint8_t> bytes = MasterBytes(1);
  bytes[0] ^= 1;
  BOOST_REQUIRE(other.Add(1, SecretBytes(bytes.data(), bytes.size())).ok());
  auto b = Pseudonymizer::Create(TestPolicy(), other);
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(Text(Compute(*a->NewContext("suivi"), "usager-1")) !=
             Text(Compute(*(*b)->NewContext("suivi"), "usager-1")));
}

// REQ-47: over 10,000 identifiers, no pseudonym of one domain equals any pseudonym of another
// (every pair across the domains is compared, through a set of all of them).
BOOST_AUTO_TEST_CASE(domains_do_not_link_over_ten_thousand_identifiers) {
  auto p = Make(1);
  const auto ids = Ids(10000);
  const auto views = Views(ids);
  std::vector<std::pair<std::string, std::string>> scopes = {{"suivi", ""},
                                                             {"recherche", ""},
                                                             {"evaluation", "apa"},
                                                             {"evaluation", "ash"},
                                                             {"stats", ""}};
  std::unordered_set<std::string> all;
  for (const auto& [domain, label] : scopes) {
    auto ctx = p->NewContext(domain, label);
    BOOST_REQUIRE(ctx.ok());
    std::vector<Pseudonym> out(ids.size());
    BOOST_REQUIRE(ctx->ComputeBatch(views, absl::MakeSpan(out)).ok());
    for (const Pseudonym& q : out) {
      // Compare the 16 bytes only: the kind letter must not be what keeps domains apart.
      const std::string bytes(q.bytes.begin(), q.bytes.end());
      BOOST_REQUIRE_MESSAGE(all.insert(bytes).second, "two scopes share a pseudonym");
    }
  }
  BOOST_TEST(all.size() == 5 * ids.size());
}

// REQ-48: without declared linkage, two exports of the same persons share no pseudonym; within
// one export a person keeps one pseudonym.
BOOST_AUTO_TEST_CASE(transaction_pseudonyms_are_fresh_per_export_and_stable_within_one) {
  auto p = Make(1);
  const auto ids = Ids(1000);
  for (const char* domain : {"stats", "stats_defaut"}) {
    auto first = p->NewContext(domain);
    auto second = p->NewContext(domain);
    BOOST_REQUIRE(first.ok() && second.ok());
    BOOST_TEST((first->kind() == PseudonymKind::kTransaction));
    std::set<std::string> seen;
    for (const std::string& id : ids) {
      const Pseudonym a = Compute(*first, id);
      BOOST_TEST(Text(a) == Text(Compute(*first, id)));  // within one export: stable
      BOOST_TEST(Text(a).substr(0, 5) == "T0001");
      seen.insert(std::string(a.bytes.begin(), a.bytes.end()));
    }
    for (const std::string& id : ids) {
      const Pseudonym b = Compute(*second, id);
      BOOST_TEST(seen.count(std::string(b.bytes.begin(), b.bytes.end())) == 0u);
    }
  }
}

// REQ-48: with declared linkage (PERSON), two exports — even from two processes — agree.
BOOST_AUTO_TEST_CASE(person_pseudonyms_are_stable_across_exports) {
  auto a = Make(1);
  auto b = Make(1);
  auto first = a->NewContext("suivi");
  auto second = b->NewContext("suivi");
  BOOST_REQUIRE(first.ok() && second.ok());
  for (const std::string& id : Ids(1000)) {
    BOOST_TEST(Text(Compute(*first, id)) == Text(Compute(*second, id)));
  }
}

BOOST_AUTO_TEST_CASE(relationship_pseudonyms_differ_per_label_and_are_stable_per_label) {
  auto p = Make(1);
  auto apa1 = p->NewContext("evaluation", "apa");
  auto apa2 = p->NewContext("evaluation", "apa");
  auto ash = p->NewContext("evaluation", "ash");
  BOOST_REQUIRE(apa1.ok() && apa2.ok() && ash.ok());
  BOOST_TEST(Text(Compute(*apa1, "usager-7")) == Text(Compute(*apa2, "usager-7")));
  BOOST_TEST(Text(Compute(*apa1, "usager-7")) != Text(Compute(*ash, "usager-7")));
  BOOST_TEST(Text(Compute(*apa1, "usager-7")).substr(0, 5) == "R0001");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(keys)

// REQ-45: there is no unkeyed variant, and a short secret is refused before anything is derived.
BOOST_AUTO_TEST_CASE(secrets_shorter_than_16_bytes_are_refused) {
  FixedPseudonymSecrets s;
  BOOST_TEST((Code(s.Add(1, SecretBytes(std::string(15, 'k')))) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(s.Add(1, SecretBytes())) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(s.Add(1, SecretBytes(std::string(65, 'k')))) == ErrorCode::kInvalidArgument));
  BOOST_TEST(s.Add(1, SecretBytes(std::string(16, 'k'))).ok());
  BOOST_TEST((Code(s.Add(1, SecretBytes(std::string(16, 'k')))) == ErrorCode::kAlreadyExists));
  BOOST_TEST((Code(s.Add(0, SecretBytes(std::string(16, 'k')))) == ErrorCode::kOutOfRange));
  BOOST_TEST((Code(s.Add(10000, SecretBytes(std::string(16, 'k')))) == ErrorCode::kOutOfRange));
}

// A source that hands out a short secret (a vault bug, a hand-made source) is refused too.
class ShortSecretSource final : public PseudonymSecretSource {
 public:
  absl::StatusOr<uint32_t> CurrentPseudonymVersion() const override { return 1; }
  absl::StatusOr<SecretBytes> PseudonymMasterSecret(uint32_t) const override {
    return SecretBytes(std::string(8, 's'));
  }
};

BOOST_AUTO_TEST_CASE(a_source_with_a_short_secret_is_refused) {
  ShortSecretSource source;
  BOOST_TEST(
      (Code(Pseudonymizer::Create(TestPolicy(), source).status()) == ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_CASE(versions_and_options_are_checked) {
  auto secrets = Secrets(2);
  PseudonymizerOptions base3;
  base3.base_version = 3;
  BOOST_TEST((Code(Pseudonymizer::Create(TestPolicy(), *secrets, base3).status()) ==
              ErrorCode::kOutOfRange));
  PseudonymizerOptions retire_current;
  retire_current.retired_through = 2;
  BOOST_TEST((Code(Pseudonymizer::Create(TestPolicy(), *secrets, retire_current).status()) ==
              ErrorCode::kFailedPrecondition));
  PseudonymizerOptions no_capacity;
  no_capacity.reversal.capacity = 0;
  BOOST_TEST((Code(Pseudonymizer::Create(TestPolicy(), *secrets, no_capacity).status()) ==
              ErrorCode::kInvalidArgument));
  FixedPseudonymSecrets only2;  // the chain's base (1) is missing
  BOOST_REQUIRE(only2.Add(2, Master(2)).ok());
  BOOST_TEST((Code(Pseudonymizer::Create(TestPolicy(), only2).status()) == ErrorCode::kNotFound));
  PseudonymizerOptions base2;
  base2.base_version = 2;
  BOOST_TEST(Pseudonymizer::Create(TestPolicy(), only2, base2).ok());
  FixedPseudonymSecrets none;
  BOOST_TEST((Code(Pseudonymizer::Create(TestPolicy(), none).status()) == ErrorCode::kNotFound));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(batches)

BOOST_AUTO_TEST_CASE(batches_equal_single_calls_in_every_format) {
  auto p = Make(2);  // a chain of two links
  auto ctx = p->NewContext("suivi");
  BOOST_REQUIRE(ctx.ok());
  const auto ids = Ids(300);
  const auto views = Views(ids);
  std::vector<Pseudonym> structs(ids.size());
  std::vector<uint8_t> bytes(ids.size() * kPseudonymBytes);
  std::string text(ids.size() * kPseudonymTextLength, '\0');
  BOOST_REQUIRE(ctx->ComputeBatch(views, absl::MakeSpan(structs)).ok());
  BOOST_REQUIRE(ctx->ComputeBatchBytes(views, absl::MakeSpan(bytes)).ok());
  BOOST_REQUIRE(ctx->ComputeBatchText(views, absl::MakeSpan(text)).ok());
  for (size_t i = 0; i < ids.size(); ++i) {
    const Pseudonym one = Compute(*ctx, ids[i]);
    BOOST_TEST((structs[i] == one));
    BOOST_TEST(std::equal(one.bytes.begin(), one.bytes.end(), bytes.begin() + i * 16));
    BOOST_TEST(text.substr(i * kPseudonymTextLength, kPseudonymTextLength) == Text(one));
    std::array<uint8_t, 16> raw{};
    BOOST_REQUIRE(ctx->ComputeBytes(ids[i], absl::MakeSpan(raw)).ok());
    BOOST_TEST((raw == one.bytes));
  }
}

BOOST_AUTO_TEST_CASE(a_batch_with_an_empty_identifier_or_a_wrong_size_fails) {
  auto p = Make(1);
  auto ctx = p->NewContext("suivi");
  BOOST_REQUIRE(ctx.ok());
  std::vector<absl::string_view> views = {"a", "", "c"};
  std::vector<Pseudonym> out(3);
  BOOST_TEST((Code(ctx->ComputeBatch(views, absl::MakeSpan(out))) == ErrorCode::kInvalidArgument));
  std::vector<Pseudonym> small(2);
  views[1] = "b";
  BOOST_TEST(
      (Code(ctx->ComputeBatch(views, absl::MakeSpan(small))) == ErrorCode::kInvalidArgument));
  std::string text(3 * kPseudonymTextLength - 1, '\0');
  BOOST_TEST(
      (Code(ctx->ComputeBatchText(views, absl::MakeSpan(text))) == ErrorCode::kInvalidArgument));
  BOOST_TEST((Code(ctx->Compute("").status()) == ErrorCode::kInvalidArgument));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(text_form)

BOOST_AUTO_TEST_CASE(round_trips_and_carries_kind_and_version) {
  auto p = Make(3);
  for (const auto& [domain, label] : std::vector<std::pair<std::string, std::string>>{
           {"suivi", ""}, {"evaluation", "x"}, {"stats", ""}}) {
    auto ctx = p->NewContext(domain, label);
    BOOST_REQUIRE(ctx.ok());
    for (const std::string& id : Ids(200)) {
      const Pseudonym q = Compute(*ctx, id);
      const std::string t = Text(q);
      BOOST_TEST(t.size() == kPseudonymTextLength);
      BOOST_TEST(t.substr(1, 4) == "0003");
      for (char c : t) {
        BOOST_TEST((std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'));
      }
      auto back = Pseudonym::Parse(t);
      BOOST_REQUIRE(back.ok());
      BOOST_TEST((*back == q));
    }
  }
}

BOOST_AUTO_TEST_CASE(parsing_is_strict) {
  const std::string good = "P0001uQMTaVANaV_YO4KaKwG1qA";
  BOOST_REQUIRE(Pseudonym::Parse(good).ok());
  auto parse_code = [](const std::string& s) { return Code(Pseudonym::Parse(s).status()); };
  BOOST_TEST((parse_code(good.substr(0, 26)) == ErrorCode::kParse));        // truncated
  BOOST_TEST((parse_code(good + "A") == ErrorCode::kParse));                // too long
  BOOST_TEST((parse_code("X" + good.substr(1)) == ErrorCode::kParse));      // unknown kind
  BOOST_TEST((parse_code("K" + good.substr(1)) == ErrorCode::kParse));      // a token tag
  BOOST_TEST((parse_code("P0000" + good.substr(5)) == ErrorCode::kParse));  // version 0
  BOOST_TEST((parse_code("P00a1" + good.substr(5)) == ErrorCode::kParse));
  std::string plus = good;
  plus[10] = '+';  // base64, not base64url
  BOOST_TEST((parse_code(plus) == ErrorCode::kParse));
  std::string padded = good;
  padded[26] = '=';
  BOOST_TEST((parse_code(padded) == ErrorCode::kParse));
  // The last character carries 2 bits; a text with the 4 unused bits set is not canonical.
  std::string noncanonical = good;
  noncanonical[26] = 'B';  // 'A' = 000000, 'B' = 000001
  BOOST_TEST((parse_code(noncanonical) == ErrorCode::kParse));
}

BOOST_AUTO_TEST_CASE(to_text_checks_its_output_and_version) {
  Pseudonym q;
  q.version = 1;
  std::array<char, 26> small{};
  BOOST_TEST((Code(q.ToText(absl::MakeSpan(small))) == ErrorCode::kInvalidArgument));
  q.version = 10000;
  BOOST_TEST(q.ToText().empty());
  q.version = 9999;
  BOOST_TEST(q.ToText().substr(0, 5) == "P9999");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pseudonym_testing
