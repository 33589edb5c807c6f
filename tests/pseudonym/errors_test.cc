// No key, secret or identifier in any error message: every error path of the module is
// triggered with known secrets and identifiers (used as identifiers, and also where a careless
// message would echo them: as domain, role, actor, reason and relationship names), and each
// message and payload is searched for them, raw, in hex and in base64.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "pseudonym/domain.h"
#include "socle/pseudonym.hpp"
#include "test_util.h"

namespace socle::pseudonym_testing {
namespace {

const std::string kNir = "2850275123456";  // synthetic; shaped like a NIR without its key
const std::string kName = "Jeanne Dupont-Moreau";
const std::string kShortSecret = "Zq8#Wv2!Kp4@Xm";  // 14 bytes

// A source that fails, with a message full of secrets (a careless vault): socle must not relay
// the message.
class LeakySource final : public PseudonymSecretSource {
 public:
  absl::StatusOr<uint32_t> CurrentPseudonymVersion() const override {
    return MakeError(ErrorCode::kIo, "cannot read " + kNir);
  }
  absl::StatusOr<SecretBytes> PseudonymMasterSecret(uint32_t) const override {
    return MakeError(ErrorCode::kIo, "cannot read " + kName);
  }
};

class LeakyVersionSource final : public PseudonymSecretSource {
 public:
  absl::StatusOr<uint32_t> CurrentPseudonymVersion() const override { return 1; }
  absl::StatusOr<SecretBytes> PseudonymMasterSecret(uint32_t) const override {
    return MakeError(ErrorCode::kNotFound, "secret " + kName + " destroyed");
  }
};

struct Collector {
  std::vector<absl::Status> statuses;
  template <typename T>
  void Add(const absl::StatusOr<T>& s) {
    Add(s.status());
  }
  void Add(const absl::Status& s) {
    BOOST_TEST_REQUIRE(!s.ok(), "an error path did not fail (call " << statuses.size() << ")");
    statuses.push_back(s);
  }
};

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(no_error_message_carries_a_secret_or_an_identifier) {
  Collector c;
  std::vector<std::string> needles = {kNir, kName, kShortSecret};
  for (uint32_t v = 1; v <= 3; ++v) {
    const auto m = MasterBytes(v);
    needles.emplace_back(m.begin(), m.end());
    for (const char* label : {"pseudonym", "rotate", "token-mac", "token-enc", "relationship"}) {
      auto k = pseudonym_internal::Derive(Master(v), label, v, "suivi");
      BOOST_REQUIRE(k.ok());
      needles.emplace_back(k->view());
    }
  }

  // Secrets.
  FixedPseudonymSecrets s;
  c.Add(s.Add(1, SecretBytes(kShortSecret)));
  c.Add(s.Add(1, SecretBytes(std::string(65, 'k'))));
  c.Add(s.Add(0, Master(1)));
  BOOST_REQUIRE(s.Add(1, Master(1)).ok());
  c.Add(s.Add(1, Master(1)));
  c.Add(s.PseudonymMasterSecret(7));
  FixedPseudonymSecrets empty;
  c.Add(empty.CurrentPseudonymVersion());

  // Creation.
  LeakySource leaky;
  c.Add(Pseudonymizer::Create(TestPolicy(), leaky));
  LeakyVersionSource leaky_version;
  c.Add(Pseudonymizer::Create(TestPolicy(), leaky_version));
  c.Add(PseudonymRotator::Create(TestPolicy(), leaky_version, 1, 2));
  class Short final : public PseudonymSecretSource {
   public:
    absl::StatusOr<uint32_t> CurrentPseudonymVersion() const override { return 1; }
    absl::StatusOr<SecretBytes> PseudonymMasterSecret(uint32_t) const override {
      return SecretBytes(kShortSecret);
    }
  } short_source;
  c.Add(Pseudonymizer::Create(TestPolicy(), short_source));
  auto secrets = Secrets(3);
  {
    PseudonymizerOptions o;
    o.base_version = 4;
    c.Add(Pseudonymizer::Create(TestPolicy(), *secrets, o));
    o.base_version = 0;
    c.Add(Pseudonymizer::Create(TestPolicy(), *secrets, o));
    o = {};
    o.retired_through = 3;
    c.Add(Pseudonymizer::Create(TestPolicy(), *secrets, o));
    o = {};
    o.reversal.capacity = 0;
    c.Add(Pseudonymizer::Create(TestPolicy(), *secrets, o));
    o = {};
    o.reversal.reason_codes = {kNir + "\n"};
    c.Add(Pseudonymizer::Create(TestPolicy(), *secrets, o));
  }
  c.Add(PseudonymRotator::Create(TestPolicy(), *secrets, 3, 2));
  c.Add(PseudonymRotator::Create(TestPolicy(), *secrets, 0, 2));
  c.Add(PseudonymRotator::Create(TestPolicy(), *secrets, 3, 5));

  // Contexts and pseudonyms.
  bool refuse = true;
  PseudonymizerOptions options;
  options.reversal.capacity = 1;
  options.reversal.hook = [&](const ReversalEvent&) {
    return refuse ? MakeError(ErrorCode::kIo, "trail down while recording " + kNir)
                  : absl::OkStatus();
  };
  auto p = Make(3, options);
  c.Add(p->NewContext(kNir));
  c.Add(p->NewContext(kName, kNir));
  c.Add(p->NewContext("suivi", kNir));
  c.Add(p->NewContext("evaluation", ""));
  c.Add(p->NewContext("evaluation", std::string(257, 'x') + kNir));
  c.Add(p->NewContext("suivi", "", 4));
  c.Add(p->NewContext("stats", "", 2));
  auto ctx = p->NewContext("suivi");
  BOOST_REQUIRE(ctx.ok());
  c.Add(ctx->Compute(""));
  std::array<uint8_t, 15> small{};
  c.Add(ctx->ComputeBytes(kNir, absl::MakeSpan(small)));
  std::vector<absl::string_view> ids = {kNir, "", kName};
  std::vector<Pseudonym> out(3);
  c.Add(ctx->ComputeBatch(ids, absl::MakeSpan(out)));
  std::vector<Pseudonym> out2(2);
  c.Add(ctx->ComputeBatch(ids, absl::MakeSpan(out2)));
  std::vector<uint8_t> bytes(47);
  c.Add(ctx->ComputeBatchBytes(ids, absl::MakeSpan(bytes)));
  std::string text(80, '\0');
  c.Add(ctx->ComputeBatchText(ids, absl::MakeSpan(text)));

  // The text form (the texts are pseudonyms of the identifiers).
  const std::string pseudo = Text(Compute(*ctx, kNir));
  needles.push_back(pseudo.substr(5));
  c.Add(Pseudonym::Parse(pseudo.substr(0, 26)));
  c.Add(Pseudonym::Parse("X" + pseudo.substr(1)));
  c.Add(Pseudonym::Parse("P00x1" + pseudo.substr(5)));
  c.Add(Pseudonym::Parse(pseudo.substr(0, 26) + "="));
  Pseudonym bad_version = Compute(*ctx, kNir);
  bad_version.version = 0;
  std::array<char, 27> text_out{};
  c.Add(bad_version.ToText(absl::MakeSpan(text_out)));
  c.Add(Compute(*ctx, kNir).ToText(absl::MakeSpan(text_out.data(), 20)));

  // Tokens.
  const std::string token = *p->CreateToken("suivi", kNir);
  needles.push_back(token.substr(5));
  c.Add(p->CreateToken(kNir, kName));
  c.Add(p->CreateToken("stats", kNir));
  c.Add(p->CreateToken("suivi", ""));
  c.Add(p->CreateToken("suivi", std::string(250, 'x') + kNir));
  std::array<char, 20> token_out{};
  c.Add(p->CreateToken(*p->FindDomain("suivi"), kNir, absl::MakeSpan(token_out)));
  c.Add(p->CreateToken(99, kNir, absl::MakeSpan(token_out)));

  // Reversal, every refusal; the identifier and the token are also slipped into the fields.
  auto no_hook = Make(1);
  c.Add(no_hook->ReverseToken({"agent-42", "dpo", "motif", "suivi"}, token));
  c.Add(p->ReverseToken({"agent-42", kNir, "motif", "suivi"}, token));
  c.Add(p->ReverseToken({"agent-42", "ass", kNir, "suivi"}, token));
  c.Add(p->ReverseToken({kNir + "\x01", "dpo", "motif", "suivi"}, token));
  c.Add(p->ReverseToken({"agent-42", "dpo", kName + "\t" + kNir, "suivi"}, token));
  c.Add(p->ReverseToken({"agent-42", "dpo", "   ", "suivi"}, token));
  c.Add(p->ReverseToken({kName, "dpo", "motif", kNir}, token));                   // unknown domain
  c.Add(p->ReverseToken({kName, "dpo", "motif", "suivi"}, token));                // exhausted (1)
  c.Add(p->ReverseToken({"agent-1", "dpo", "motif", "suivi"}, token.substr(1)));  // malformed
  c.Add(p->ReverseToken({"agent-2", "dpo", "motif", "recherche"}, token));        // wrong domain
  c.Add(p->ReverseToken({"agent-3", "dpo", "motif", "suivi"}, token));            // hook refuses
  refuse = false;
  BOOST_REQUIRE(p->Retire(1).ok());
  auto p1 = Make(1, options);
  const std::string v1_token = *p1->CreateToken("suivi", kName);
  needles.push_back(v1_token.substr(5));
  c.Add(p->ReverseToken({"agent-4", "dpo", "motif", "suivi"}, v1_token));  // retired
  c.Add(p->Retire(3));
  c.Add(p->Retire(0));

  // Rotation.
  auto v1 = p1->NewContext("suivi");
  std::vector<Pseudonym> old = {Compute(*v1, kNir), Compute(*v1, kName)};
  std::vector<Pseudonym> rotated(2);
  c.Add(p->Rotate(kNir, old, absl::MakeSpan(rotated)));
  c.Add(p->Rotate("stats", old, absl::MakeSpan(rotated)));
  c.Add(p->Rotate("evaluation", old, absl::MakeSpan(rotated)));
  c.Add(p->Rotate("suivi", old, absl::MakeSpan(out2.data(), 1)));
  old[1].version = 9;
  c.Add(p->Rotate("suivi", old, absl::MakeSpan(rotated)));

  BOOST_TEST(c.statuses.size() >= 60u);
  for (const absl::Status& status : c.statuses) CheckNoLeak(status, needles);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pseudonym_testing
