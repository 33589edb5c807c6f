// The register of processing activities (GDPR art. 30(1)) built from a compiled policy, and its
// Markdown and JSON renderings. One Register message feeds both, so they never disagree.
#ifndef SOCLE_SRC_POLICY_REGISTER_H_
#define SOCLE_SRC_POLICY_REGISTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "policy/compiled_policy.h"
#include "socle/v1/register.pb.h"

namespace socle::policy_internal {

v1::Register BuildRegister(const CompiledPolicy& policy);
std::string RenderMarkdown(const v1::Register& reg);
absl::StatusOr<std::string> RenderJson(const v1::Register& reg);

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_REGISTER_H_
