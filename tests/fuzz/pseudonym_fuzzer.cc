// libFuzzer target for the pseudonym and token text forms (socle/pseudonym.hpp,
// src/pseudonym/text_form.h, src/pseudonym/token.h): any bytes go through Pseudonym::Parse, the
// base64url decoder, TokenTextVersion and the privileged reversal of a Pseudonymizer over the
// test secrets, which must never crash and must agree with each other.
//
// Contracts checked (abort on failure):
//   - a text Pseudonym::Parse accepts is 27 characters, of a version 1..9999, and prints back
//     as itself (one text per pseudonym);
//   - a text DecodeBase64Url accepts encodes back to itself;
//   - TokenTextVersion names a version only for a 'K' text of a token length;
//   - ReverseToken of any bytes is VERIFICATION_FAILED (or FAILED_PRECONDITION for the retired
//     version 1), or releases an identifier whose token is exactly the input;
//   - no error message repeats the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pseudonym/text_form.h"
#include "pseudonym/token.h"
#include "socle/clock.hpp"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"

namespace {

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "pseudonym_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

void Check(bool ok, const char* contract) {
  if (!ok) Broken(contract);
}

bool IsBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Only inputs shaped like a pseudonym or a token are looked for: a kind letter, 4 digits and a
// body of at least 22 base64url characters (a pseudonym's). Anything else may legitimately be a
// piece of a fixed message ("T0001udonym text: character" ends with words of "the pseudonym
// text: expected 27 characters"), which the fuzzer finds fast; fixed messages have no run of 22
// such characters.
void CheckMessage(const absl::Status& status, absl::string_view input) {
  if (input.size() < 5 + 22) return;
  if (input[0] != 'P' && input[0] != 'R' && input[0] != 'T' && input[0] != 'K') return;
  for (size_t i = 1; i <= 4; ++i) {
    if (input[i] < '0' || input[i] > '9') return;
  }
  for (size_t i = 5; i < input.size(); ++i) {
    if (!IsBase64Url(input[i])) return;
  }
  Check(status.message().find(input.substr(5)) == absl::string_view::npos,
        "a message quotes the input");
}

socle::SecretBytes Master(uint32_t v) {
  std::vector<uint8_t> b(32);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(32 * (v - 1) + i);
  return socle::SecretBytes(b.data(), b.size());
}

// tests/pseudonym/policy.textproto, embedded so that the target needs no file at run time.
constexpr char kPolicy[] = R"policy(# The policy of socle's pseudonymisation tests: one domain of each kind (and one whose kind is
# left out, which means TRANSACTION), two PERSON domains to show they do not link, and roles
# with and without the PSEUDONYM_REVERSAL capability.
format_version: 1
id: "ccas_pseudo"
revision: "test"
controller {
  name: "CCAS d'Essai"
  contact: "ccas@essai.example"
  public_authority: true
}
dpo {
  name: "Délégué mutualisé"
  contact: "dpd@cdg.example"
}
data_categories { id: "administrative" label: "Identité et coordonnées" sensitivity: ORDINARY }
data_categories { id: "health" label: "Santé déclarée" sensitivity: SPECIAL_CATEGORY }
person_categories { id: "personne_accompagnee" label: "Personnes accompagnées" }
activities {
  id: "accompagnement_social"
  name: "Accompagnement social"
  purpose: "Évaluer la situation et accompagner les personnes"
  purpose_kind: SOCIAL_SUPPORT
  legal_basis: PUBLIC_TASK
  legal_basis_reference: "CASF L.123-5"
  public_task: true
  special_category_conditions: HEALTH_OR_SOCIAL_CARE
  data_categories: ["administrative", "health"]
  person_categories: ["personne_accompagnee"]
  recipients { name: "Travailleurs sociaux du CCAS" kind: INTERNAL }
  retention { data_category: "administrative" start: LAST_CONTACT_FROM_PERSON active_months: 24 end_action: DELETE }
  retention { data_category: "health" start: LAST_CONTACT_FROM_PERSON active_months: 24 end_action: DELETE }
  security_measures: "Authentification forte"
  dpia_reference: "AIPD-ESSAI-1"
}
roles { id: "ass" label: "Assistant de service social" secrecy: BY_PROFESSION secrecy_reference: "CASF L.411-3" referent: true capabilities: [REVIEWER] }
roles { id: "secretaire" label: "Secrétaire d'accueil" secrecy: SECRECY_NONE }
roles { id: "dpo" label: "Délégué à la protection des données" secrecy: BY_MISSION secrecy_reference: "RGPD art. 38(5)" capabilities: [DPO_ROLE, PSEUDONYM_REVERSAL] }
habilitations { role: "ass" actions: [READ, WRITE, SHARE] data_categories: ["administrative", "health"] }
habilitations { role: "secretaire" actions: [READ] data_categories: ["administrative"] }
sharing_rules { id: "equipe" basis: CSP_L1110_4_III_TEAM data_categories: ["health"] recipient_roles: ["ass"] }
masking { mode: SIGNALLED referent_keeps_access: true }
break_glass {
  enabled: true
  max_duration_minutes: 240
  reason_codes { id: "danger" label: "Danger grave et imminent" }
  reviewer_roles: ["ass"]
  allowed_roles: ["ass"]
}
pseudonym_domains {
  id: "suivi"
  kind: PERSON
  recipient: "Observatoire social"
  activity: "accompagnement_social"
  linkage_justification: "Suivi longitudinal des parcours"
}
pseudonym_domains {
  id: "recherche"
  kind: PERSON
  recipient: "Laboratoire partenaire"
  activity: "accompagnement_social"
  linkage_justification: "Étude en plusieurs vagues"
}
pseudonym_domains {
  id: "evaluation"
  kind: RELATIONSHIP
  recipient: "Service évaluation"
  activity: "accompagnement_social"
  linkage_justification: "Évaluation par dispositif"
}
pseudonym_domains { id: "stats" kind: TRANSACTION recipient: "Observatoire social" activity: "accompagnement_social" }
pseudonym_domains { id: "stats_defaut" recipient: "Direction" activity: "accompagnement_social" }
statistics { small_cell_threshold: 11 dominance_percent: 85 }
log_retention { months: 12 }
)policy";

struct State {
  socle::FakeClock clock{absl::FromUnixSeconds(1767225600)};
  std::unique_ptr<socle::Pseudonymizer> pseudonymizer;
};

std::unique_ptr<State> NewState() {
  auto s = std::make_unique<State>();
  auto policy = socle::Policy::Load(kPolicy);
  Check(policy.ok(), "the test policy loads");
  socle::FixedPseudonymSecrets secrets;
  for (uint32_t v = 1; v <= 2; ++v) Check(secrets.Add(v, Master(v)).ok(), "secrets");
  socle::PseudonymizerOptions options;
  options.retired_through = 1;  // version 1 tokens reach the retirement check
  options.reversal.capacity = 100000;
  options.reversal.clock = &s->clock;
  options.reversal.hook = [](const socle::ReversalEvent&) { return absl::OkStatus(); };
  auto p = socle::Pseudonymizer::Create(*policy, secrets, std::move(options));
  Check(p.ok(), "the pseudonymizer is created");
  s->pseudonymizer = *std::move(p);
  return s;
}

// The clock moves 3 hours per input so the rate limit never throttles; after about 300,000
// inputs it would pass the year 2262, where times stop fitting in int64 nanoseconds (socle's
// storage format for them), so the state starts again well before.
State& Get() {
  static std::unique_ptr<State> state;
  if (state == nullptr || state->clock.Now() > absl::FromUnixSeconds(1767225600) +
                                                   absl::Hours(24 * 365 * 100)) {
    state = NewState();
  }
  return *state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  State& state = Get();
  namespace pi = socle::pseudonym_internal;

  // Pseudonyms.
  auto parsed = socle::Pseudonym::Parse(input);
  if (parsed.ok()) {
    Check(size == socle::kPseudonymTextLength, "a parsed pseudonym is 27 characters");
    Check(parsed->version >= 1 && parsed->version <= socle::kMaxPseudonymVersion,
          "a parsed version is 1 to 9999");
    Check(parsed->ToText() == input, "a parsed pseudonym prints back as itself");
  } else {
    Check(socle::ErrorCodeOf(parsed.status()) == socle::ErrorCode::kParse, "Parse fails as PARSE");
    CheckMessage(parsed.status(), input);
  }

  // Base64url bodies: any length that some byte count encodes to.
  for (size_t n = 0; n <= size; ++n) {
    if (pi::Base64UrlLength(n) != size) continue;
    std::vector<uint8_t> bytes(n);
    if (pi::DecodeBase64Url(input, absl::MakeSpan(bytes))) {
      std::string again(size, '\0');
      pi::EncodeBase64Url(bytes, again.data());
      Check(again == input, "decoded base64url encodes back to itself");
    }
  }

  // Tokens.
  const uint32_t version = pi::TokenTextVersion(input);
  if (version != 0) {
    Check(!input.empty() && input[0] == pi::kTokenTag, "a token text starts with K");
    bool token_length = false;
    for (size_t n = 1; n <= socle::kMaxTokenIdentifierBytes; ++n) {
      token_length = token_length || socle::TokenTextLength(n) == size;
    }
    Check(token_length, "a token version is read only from a token of a valid length");
  }
  state.clock.Advance(absl::Hours(3));  // never throttled: the rate limit is not under test
  auto identifier = state.pseudonymizer->ReverseToken(
      socle::ReversalRequest{"agent-fuzz", "dpo", "fuzzing", "suivi"}, input);
  if (identifier.ok()) {
    Check(version == 2, "only a current-version token reverses");
    auto again = state.pseudonymizer->CreateToken("suivi", identifier->view());
    Check(again.ok() && *again == input, "a reversed token is exactly the token of its identifier");
  } else {
    const socle::ErrorCode code = socle::ErrorCodeOf(identifier.status());
    Check(code == socle::ErrorCode::kVerificationFailed ||
              (code == socle::ErrorCode::kFailedPrecondition && version == 1),
          "a bad token fails verification (or names the retired version)");
    CheckMessage(identifier.status(), input);
  }
  return 0;
}
