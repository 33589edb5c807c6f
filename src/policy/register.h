// The register of processing activities (GDPR art. 30(1)) built from a compiled policy, and its
// Markdown, JSON and DPV JSON-LD renderings. One Register message feeds all three, so they never
// disagree; its `language` picks the table of texts every rendering reads (French by default,
// under the headings of the CNIL's model register, or English).
#ifndef SOCLE_SRC_POLICY_REGISTER_H_
#define SOCLE_SRC_POLICY_REGISTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "policy/compiled_policy.h"
#include "socle/policy.hpp"
#include "socle/v1/register.pb.h"

namespace socle::policy_internal {

// The register of `policy` with every sentence socle writes in `language`.
v1::Register BuildRegister(const CompiledPolicy& policy, RegisterLanguage language);
// The renderings, each in the language `reg` was built in.
std::string RenderMarkdown(const v1::Register& reg);
absl::StatusOr<std::string> RenderJson(const v1::Register& reg);
// JSON-LD in the W3C Data Privacy Vocabulary: `reg` must be BuildRegister(policy, …), whose
// entries follow the policy's activities (the legal bases' GDPR articles come from the policy).
std::string RenderJsonLd(const CompiledPolicy& policy, const v1::Register& reg);

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_REGISTER_H_
