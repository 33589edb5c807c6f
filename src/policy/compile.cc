#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/proto_bytes.h"
#include "crypto/crypto.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"

namespace socle::policy_internal {
namespace {

// The vocabulary enums of the C++ API and of the schema are one vocabulary: same numbers.
static_assert(static_cast<int>(LegalBasis::kPublicTask) == v1::PUBLIC_TASK);
static_assert(static_cast<int>(LegalBasis::kLegitimateInterests) == v1::LEGITIMATE_INTERESTS);
static_assert(static_cast<int>(Action::kShare) == v1::SHARE);
static_assert(static_cast<int>(Action::kRead) == v1::READ);
static_assert(kActionCount == v1::Action_ARRAYSIZE);
static_assert(static_cast<int>(DataSensitivity::kNir) == v1::NIR);
static_assert(static_cast<int>(SecrecyStatus::kByMission) == v1::BY_MISSION);
static_assert(static_cast<int>(SecrecyStatus::kNone) == v1::SECRECY_NONE);
static_assert(static_cast<int>(SharingBasis::kLegalObligation) == v1::SHARING_LEGAL_OBLIGATION);
static_assert(static_cast<int>(SharingBasis::kCasfL226_2_2) == v1::CASF_L226_2_2);
static_assert(static_cast<int>(SpecialCategoryCondition::kArchivingResearchStatistics) ==
              v1::ARCHIVING_RESEARCH_STATISTICS);
static_assert(static_cast<int>(ControllerCapability::kLilArt46) == v1::LIL_ART46);
static_assert(static_cast<int>(EntryKind::kFact) == v1::FACT);
static_assert(static_cast<int>(EntryKind::kAppreciation) == v1::PROFESSIONAL_APPRECIATION);
static_assert(static_cast<int>(EntryKind::kThirdPartyInformation) == v1::THIRD_PARTY_INFORMATION);
static_assert(static_cast<int>(EntryKind::kWorkingNote) == v1::WORKING_NOTE);
static_assert(kEntryKindCount == v1::EntryKind_ARRAYSIZE);

absl::Status Inconsistent(absl::string_view what) {
  return MakeError(ErrorCode::kInternal,
                   absl::StrCat("policy compilation found ", what, " after validation"));
}

}  // namespace

std::array<uint8_t, kPolicyDigestBytes> PolicyDigest(const v1::Policy& policy) {
  return crypto::Hash("socle.policy.v1", core::DeterministicBytes(policy));
}

absl::StatusOr<CompiledPolicy> Compile(v1::Policy source) {
  CompiledPolicy c;
  c.source = std::move(source);
  const v1::Policy& p = c.source;
  c.digest = PolicyDigest(p);
  c.digest_hex = crypto::ToHex(c.digest);

  for (const auto& category : p.data_categories()) {
    c.data_categories.Intern(category.id());
    c.category_sensitivity.push_back(static_cast<DataSensitivity>(category.sensitivity()));
  }
  for (const auto& person : p.person_categories()) c.person_categories.Intern(person.id());
  for (const auto& role : p.roles()) {
    c.roles.Intern(role.id());
    c.role_secrecy.push_back(static_cast<SecrecyStatus>(role.secrecy()));
    uint32_t caps = 0;
    for (int cap : role.capabilities()) caps |= 1u << cap;
    c.role_capabilities.push_back(caps);
    c.role_referent.push_back(role.referent() ? 1 : 0);
  }
  for (const auto& activity : p.activities()) c.activities.Intern(activity.id());
  if (c.data_categories.size() != static_cast<size_t>(p.data_categories_size()) ||
      c.roles.size() != static_cast<size_t>(p.roles_size()) ||
      c.activities.size() != static_cast<size_t>(p.activities_size())) {
    return Inconsistent("duplicate ids");
  }

  c.category_words = (c.data_categories.size() + 63) / 64;
  if (c.category_words == 0) c.category_words = 1;
  c.habilitations.assign(c.roles.size() * kActionCount * c.category_words, 0);
  for (const auto& row : p.habilitations()) {
    const auto role = c.roles.Find(row.role());
    if (!role) return Inconsistent("an unknown role");
    for (int action : row.actions()) {
      if (action <= 0 || action >= kActionCount) return Inconsistent("an unknown action");
      uint64_t* words = &c.habilitations[(*role * kActionCount + action) * c.category_words];
      for (const auto& name : row.data_categories()) {
        const auto category = c.data_categories.Find(name);
        if (!category) return Inconsistent("an unknown data category");
        words[*category >> 6] |= uint64_t{1} << (*category & 63);
      }
    }
  }

  c.activity_categories.assign(c.activities.size() * c.category_words, 0);
  for (int i = 0; i < p.activities_size(); ++i) {
    uint64_t* words = &c.activity_categories[i * c.category_words];
    for (const auto& name : p.activities(i).data_categories()) {
      const auto category = c.data_categories.Find(name);
      if (!category) return Inconsistent("an unknown data category");
      words[*category >> 6] |= uint64_t{1} << (*category & 63);
    }
  }

  c.role_words = (c.roles.size() + 63) / 64;
  if (c.role_words == 0) c.role_words = 1;
  c.entry_kind_readers.assign(kEntryKindCount * c.role_words, 0);
  for (int i = 0; i < p.entry_kinds_size(); ++i) {
    const v1::EntryKindRule& rule = p.entry_kinds(i);
    const int kind = rule.kind();
    if (kind <= 0 || kind >= kEntryKindCount || c.entry_kind_rule[kind] >= 0) {
      return Inconsistent("an invalid or duplicate entry-kind rule");
    }
    c.entry_kind_rule[kind] = i;
    uint64_t* words = &c.entry_kind_readers[kind * c.role_words];
    for (const auto& name : rule.reader_roles()) {
      const auto role = c.roles.Find(name);
      if (!role) return Inconsistent("an unknown role");
      words[*role >> 6] |= uint64_t{1} << (*role & 63);
    }
  }

  c.masking_mode =
      p.masking().mode() == v1::Masking::SILENT ? MaskingMode::kSilent : MaskingMode::kSignalled;
  c.masking_referent_keeps_access = p.masking().referent_keeps_access();
  c.break_glass_enabled = p.break_glass().enabled();
  c.break_glass_reveals_masked = p.break_glass().reveals_masked_items();
  if (p.break_glass().max_duration_minutes() != 0) {
    c.break_glass_max = absl::Minutes(p.break_glass().max_duration_minutes());
  }
  if (p.statistics().has_small_cell_threshold()) {
    c.small_cell_threshold = p.statistics().small_cell_threshold();
  }
  if (p.statistics().has_dominance_percent()) {
    c.dominance_percent = p.statistics().dominance_percent();
  }
  for (const v1::PrivacyBudgetDeclaration& b : p.statistics().privacy_budgets()) {
    c.privacy_budgets.push_back(CompiledPolicy::PrivacyBudgetTable{
        b.id(), b.activity(), Rational{b.epsilon().numerator(), b.epsilon().denominator()},
        b.has_delta() ? Rational{b.delta().numerator(), b.delta().denominator()} : Rational{0, 1}});
  }
  if (p.log_retention().has_months()) c.log_retention_months = p.log_retention().months();

  const v1::Mandates& m = p.mandates();
  for (const auto& procedure : m.procedures()) c.mandate_procedures.Intern(procedure.id());
  for (const auto& structure : m.habilitated_structures()) c.mandate_structures.Intern(structure);
  if (c.mandate_procedures.size() != static_cast<size_t>(m.procedures_size()) ||
      c.mandate_structures.size() != static_cast<size_t>(m.habilitated_structures_size())) {
    return Inconsistent("duplicate mandate procedures or structures");
  }
  c.mandate_role.assign(c.roles.size(), 0);
  for (const auto& name : m.roles()) {
    const auto role = c.roles.Find(name);
    if (!role) return Inconsistent("an unknown role");
    c.mandate_role[*role] = 1;
  }
  if (m.has_retention_years_after_end()) {
    c.mandate_retention_years = m.retention_years_after_end();
  }

  // Retention rules, by category then in policy order (activity, then rule).
  c.public_archives = p.controller().public_archives();
  c.retention_first.assign(c.data_categories.size() + 1, 0);
  std::vector<RetentionRuleTable> rules;
  for (int i = 0; i < p.activities_size(); ++i) {
    const v1::Activity& a = p.activities(i);
    for (int j = 0; j < a.retention_size(); ++j) {
      const v1::RetentionRule& r = a.retention(j);
      const auto category = c.data_categories.Find(r.data_category());
      if (!category) return Inconsistent("a retention rule of an unknown data category");
      RetentionRuleTable t;
      t.activity = static_cast<uint32_t>(i);
      t.category = *category;
      t.index = static_cast<uint32_t>(j);
      t.start = r.start();
      t.end_action = r.end_action();
      t.active_months = r.active_months();
      t.intermediate_months = r.intermediate_months();
      t.hard_stop_age_years = r.hard_stop_age_years();
      rules.push_back(t);
    }
  }
  std::stable_sort(rules.begin(), rules.end(),
                   [](const RetentionRuleTable& x, const RetentionRuleTable& y) {
                     return x.category < y.category;
                   });
  for (const RetentionRuleTable& r : rules) ++c.retention_first[r.category + 1];
  for (size_t k = 1; k < c.retention_first.size(); ++k) {
    c.retention_first[k] += c.retention_first[k - 1];
  }
  c.retention_rules = std::move(rules);
  return c;
}

}  // namespace socle::policy_internal
