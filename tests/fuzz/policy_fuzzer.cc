// libFuzzer target for the policy loader: any bytes go through Policy::Validate and
// Policy::Load, which must never crash, leak or disagree with each other. A policy that loads is
// then used the way a program would (digest, lookups, register rendering).
//
// Beyond the sanitizers' findings, the target aborts when one of the loader's contracts breaks:
//   - Load fails if and only if Validate reports an error, and both report the same problems;
//   - a failed Load returns PARSE or POLICY_INVALID (RESOURCE_EXHAUSTED only above the size
//     limit), never another code;
//   - every diagnostic has a code and a message, and a location that is not negative;
//   - the digest of a loaded policy does not depend on the run;
//   - every declared id is found again, and lookups outside the tables are refused.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/vocabulary.hpp"

namespace {

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "policy_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

void Check(bool ok, const char* contract) {
  if (!ok) Broken(contract);
}

bool HasError(const std::vector<socle::Diagnostic>& diagnostics) {
  for (const socle::Diagnostic& d : diagnostics) {
    if (d.severity == socle::Diagnostic::Severity::kError) return true;
  }
  return false;
}

void CheckDiagnostics(const std::vector<socle::Diagnostic>& diagnostics) {
  for (const socle::Diagnostic& d : diagnostics) {
    Check(!d.code.empty(), "a diagnostic has a code");
    Check(!d.message.empty(), "a diagnostic has a message");
    Check(d.line >= 0 && d.column >= 0, "a diagnostic's location is not negative");
    Check(d.severity == socle::Diagnostic::Severity::kError ||
              d.severity == socle::Diagnostic::Severity::kWarning,
          "a diagnostic is an error or a warning");
    Check(!d.ToString("fuzz.textproto").empty(), "a diagnostic prints");
  }
}

void UseLoadedPolicy(const socle::Policy& policy, absl::string_view text) {
  const socle::v1::Policy& source = socle::policy_internal::Compiled(policy).source;
  Check(policy.role_count() == static_cast<size_t>(source.roles_size()), "every role compiled");
  Check(policy.data_category_count() == static_cast<size_t>(source.data_categories_size()),
        "every data category compiled");
  for (const auto& role : source.roles()) {
    const auto id = policy.FindRole(role.id());
    Check(id.has_value() && *id < policy.role_count(), "a declared role is found");
  }
  for (const auto& category : source.data_categories()) {
    const auto id = policy.FindDataCategory(category.id());
    Check(id.has_value() && *id < policy.data_category_count(), "a declared category is found");
  }
  // The matrix answers for every cell (bounded, so large inputs stay fast) and refuses ids
  // outside the tables.
  const uint32_t roles = static_cast<uint32_t>(policy.role_count());
  const uint32_t categories = static_cast<uint32_t>(policy.data_category_count());
  for (uint32_t r = 0; r < roles && r < 64; ++r) {
    for (int a = 0; a <= socle::kActionCount; ++a) {
      for (uint32_t c = 0; c < categories && c < 64; ++c) {
        const bool allowed = policy.Allows(r, static_cast<socle::Action>(a), c);
        if (a == 0 || a == socle::kActionCount) Check(!allowed, "no unspecified action is allowed");
      }
    }
  }
  Check(!policy.Allows(roles, socle::Action::kRead, 0), "an unknown role is refused");
  Check(!policy.Allows(0, socle::Action::kRead, categories), "an unknown category is refused");
  Check(policy.sensitivity(categories) == socle::DataSensitivity::kUnspecified,
        "an unknown category has no sensitivity");

  Check(policy.digest_hex().size() == 2 * socle::kPolicyDigestBytes, "the digest is 32 bytes");
  const absl::StatusOr<socle::Policy> again = socle::Policy::Load(text);
  Check(again.ok() && again->digest_hex() == policy.digest_hex(), "the digest is stable");

  for (const socle::RegisterLanguage language :
       {socle::RegisterLanguage::kFrench, socle::RegisterLanguage::kEnglish}) {
    Check(policy.RenderRegister(socle::RegisterFormat::kMarkdown, language).ok(),
          "markdown renders");
    Check(policy.RenderRegister(socle::RegisterFormat::kJson, language).ok(), "json renders");
    Check(policy.RenderRegister(socle::RegisterFormat::kJsonLd, language).ok(), "jsonld renders");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  const std::vector<socle::Diagnostic> validated = socle::Policy::Validate(text);
  CheckDiagnostics(validated);

  std::vector<socle::Diagnostic> loaded_diagnostics;
  const absl::StatusOr<socle::Policy> policy = socle::Policy::Load(text, &loaded_diagnostics);
  CheckDiagnostics(loaded_diagnostics);
  Check(loaded_diagnostics.size() == validated.size(), "Load and Validate report alike");
  for (size_t i = 0; i < validated.size(); ++i) {
    Check(loaded_diagnostics[i].code == validated[i].code, "Load and Validate report alike");
  }
  Check(policy.ok() == !HasError(validated), "Load fails if and only if Validate finds an error");

  if (!policy.ok()) {
    const socle::ErrorCode code = socle::ErrorCodeOf(policy.status());
    Check(code == socle::ErrorCode::kParse || code == socle::ErrorCode::kPolicyInvalid ||
              (code == socle::ErrorCode::kResourceExhausted && size > socle::kMaxPolicyBytes),
          "a failed Load returns PARSE or POLICY_INVALID (or RESOURCE_EXHAUSTED when too big)");
    Check(!policy.status().message().empty(), "a failed Load says why");
    return 0;
  }
  UseLoadedPolicy(*policy, text);
  return 0;
}
