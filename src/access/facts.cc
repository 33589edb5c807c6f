#include "access/facts.h"

#include "access/state.h"
#include "policy/compiled_policy.h"

namespace socle::access_internal {

std::optional<ProfessionalFacts> DescribeProfessional(const AccessSnapshot& snapshot,
                                                      uint32_t professional) {
  const SnapshotData& s = Data(snapshot);
  const ProfessionalRecord* p = s.professional(professional);
  if (p == nullptr) return std::nullopt;
  const policy_internal::CompiledPolicy& c = *s.tables->c;
  ProfessionalFacts facts;
  facts.role = c.roles.Name(p->role);
  if (p->structure != kNoId) facts.structure = s.ids->labels.Name(p->structure);
  if (p->professional_category != kNoId) {
    facts.professional_category = s.ids->labels.Name(p->professional_category);
  }
  facts.secrecy = p->secrecy;
  facts.capabilities = p->role < c.role_capabilities.size() ? c.role_capabilities[p->role] : 0;
  facts.left = p->left;
  return facts;
}

absl::string_view CategoryName(const AccessSnapshot& snapshot, uint32_t category) {
  const policy_internal::CompiledPolicy& c = *Data(snapshot).tables->c;
  return category < c.data_categories.size() ? c.data_categories.Name(category)
                                             : absl::string_view();
}

absl::string_view PurposeName(const AccessSnapshot& snapshot, uint32_t purpose) {
  const policy_internal::CompiledPolicy& c = *Data(snapshot).tables->c;
  return purpose < c.activities.size() ? c.activities.Name(purpose) : absl::string_view();
}

}  // namespace socle::access_internal
