// The register with its "what changed" section (socle/policy_analysis.hpp): the policy module
// renders it from plain data (src/policy/register.h) and never depends on the analysis; this
// file computes that data with DiffPolicies.
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "policy/compiled_policy.h"
#include "policy/register.h"
#include "socle/error.hpp"
#include "socle/policy_analysis.hpp"
#include "socle/v1/register.pb.h"

namespace socle {

absl::StatusOr<std::string> RenderRegisterWithChanges(const Policy& previous, const Policy& current,
                                                      RegisterFormat format,
                                                      RegisterLanguage language) {
  // The format and the language first: a bad one is refused before any world is built.
  if (absl::Status status = policy_internal::CheckRegisterOptions(format, language); !status.ok()) {
    return status;
  }
  absl::StatusOr<std::unique_ptr<PolicyAnalysis>> before = PolicyAnalysis::Create(previous);
  if (!before.ok()) return before.status();
  absl::StatusOr<std::unique_ptr<PolicyAnalysis>> after = PolicyAnalysis::Create(current);
  if (!after.ok()) return after.status();
  const PolicyDiff diff = DiffPolicies(**before, **after);

  v1::PolicyChanges changes;
  changes.set_previous_policy_id(std::string(previous.id()));
  changes.set_previous_revision(std::string(previous.revision()));
  changes.set_previous_digest(previous.digest_hex());
  changes.set_cases(diff.cases);
  changes.set_changed_cases(diff.changed_cases);
  for (std::string& line :
       diff.Summary(language == RegisterLanguage::kEnglish ? AnalysisLanguage::kEnglish
                                                           : AnalysisLanguage::kFrench)) {
    changes.add_summary(std::move(line));
  }
  return policy_internal::RenderRegister(policy_internal::Compiled(current), format, language,
                                         &changes);
}

}  // namespace socle
