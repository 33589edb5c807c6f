// The register of processing activities (GDPR art. 30(1)) built from a compiled policy, and its
// Markdown, JSON and DPV JSON-LD renderings. One Register message feeds all three, so they never
// disagree; its `language` picks the table of texts every rendering reads (French by default,
// under the headings of the CNIL's model register, or English).
#ifndef SOCLE_SRC_POLICY_REGISTER_H_
#define SOCLE_SRC_POLICY_REGISTER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "policy/compiled_policy.h"
#include "socle/policy.hpp"
#include "socle/v1/register.pb.h"

namespace socle::policy_internal {

// The register of `policy` with every sentence socle writes in `language`.
v1::Register BuildRegister(const CompiledPolicy& policy, RegisterLanguage language);
// OK, or INVALID_ARGUMENT naming a format or a language out of the enums.
absl::Status CheckRegisterOptions(RegisterFormat format, RegisterLanguage language);
// The register of `policy` in `format` and `language`, with its "what changed" section when
// `changes` is given (plain data: the previous policy and the summary of what changed in its
// access decisions, already in `language`; socle/policy_analysis.hpp computes it, this module
// only renders it). CheckRegisterOptions's errors first. Policy::RenderRegister and
// RenderRegisterWithChanges both render through it.
absl::StatusOr<std::string> RenderRegister(const CompiledPolicy& policy, RegisterFormat format,
                                           RegisterLanguage language,
                                           const v1::PolicyChanges* changes = nullptr);
// The renderings, each in the language `reg` was built in.
std::string RenderMarkdown(const v1::Register& reg);
absl::StatusOr<std::string> RenderJson(const v1::Register& reg);
// JSON-LD in the W3C Data Privacy Vocabulary: `reg` must be BuildRegister(policy, …), whose
// entries follow the policy's activities (the legal bases' GDPR articles come from the policy).
std::string RenderJsonLd(const CompiledPolicy& policy, const v1::Register& reg);

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_REGISTER_H_
