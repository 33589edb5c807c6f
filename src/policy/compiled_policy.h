// The compiled form of a validated policy: dense integer ids and flat lookup tables that the
// decision engine and the other modules read. Built once by Compile(), immutable afterwards, so
// any number of threads may read it at once.
#ifndef SOCLE_SRC_POLICY_COMPILED_POLICY_H_
#define SOCLE_SRC_POLICY_COMPILED_POLICY_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "core/interner.h"
#include "socle/policy.hpp"
#include "socle/privacy_budget.hpp"
#include "socle/v1/policy.pb.h"
#include "socle/vocabulary.hpp"

namespace socle::policy_internal {

// Defaults for fields the DPO may leave out (documented in docs/policy-reference.md).
inline constexpr uint32_t kDefaultSmallCellThreshold = 11;
inline constexpr uint32_t kDefaultDominancePercent = 85;
inline constexpr uint32_t kDefaultLogRetentionMonths = 6;
inline constexpr uint32_t kDefaultBreakGlassMinutes = 240;
inline constexpr uint32_t kMaxBreakGlassMinutes = 24 * 60;
// Mandate records are kept at least 6 years after their end (REQ-66); at most 100.
inline constexpr uint32_t kDefaultMandateRetentionYears = 6;
inline constexpr uint32_t kMinMandateRetentionYears = 6;
inline constexpr uint32_t kMaxMandateRetentionYears = 100;

// Retention rules (REQ-32): months at most in one phase (100 years), so a day never overflows.
inline constexpr uint32_t kMaxRetentionMonths = 1200;
inline constexpr uint32_t kMaxRetentionAgeYears = 150;

// One retention rule of the policy (activities[activity].retention[index]), compiled.
struct RetentionRuleTable {
  uint32_t activity = 0;
  uint32_t category = 0;
  uint32_t index = 0;  // in the activity's retention list
  v1::RetentionRule::Start start = v1::RetentionRule::START_UNSPECIFIED;
  v1::RetentionRule::EndAction end_action = v1::RetentionRule::END_ACTION_UNSPECIFIED;
  uint32_t active_months = 0;
  uint32_t intermediate_months = 0;
  uint32_t hard_stop_age_years = 0;
};

enum class MaskingMode : int32_t { kSignalled = 1, kSilent = 2 };

struct CompiledPolicy {
  v1::Policy source;  // the validated policy as written
  std::array<uint8_t, kPolicyDigestBytes> digest{};
  std::string digest_hex;

  core::Interner data_categories;
  core::Interner person_categories;
  core::Interner roles;
  core::Interner activities;

  std::vector<DataSensitivity> category_sensitivity;  // by category id
  std::vector<SecrecyStatus> role_secrecy;            // by role id
  std::vector<uint32_t> role_capabilities;            // by role id: bit (1 << Role.Capability)
  std::vector<uint8_t> role_referent;                 // by role id

  // Bitsets over categories, `category_words` 64-bit words each.
  size_t category_words = 0;
  // The habilitation matrix: bitset at ((role * kActionCount) + action) * category_words.
  std::vector<uint64_t> habilitations;
  // The categories each activity declares: bitset at activity * category_words.
  std::vector<uint64_t> activity_categories;

  MaskingMode masking_mode = MaskingMode::kSignalled;
  bool masking_referent_keeps_access = false;
  bool break_glass_enabled = false;
  bool break_glass_reveals_masked = false;
  absl::Duration break_glass_max = absl::Minutes(kDefaultBreakGlassMinutes);
  uint32_t small_cell_threshold = kDefaultSmallCellThreshold;
  uint32_t dominance_percent = kDefaultDominancePercent;
  // The datasets released with differential-privacy noise (statistics.privacy_budgets), by id.
  struct PrivacyBudgetTable {
    std::string dataset;
    std::string activity;
    Rational epsilon;
    Rational delta;
  };
  std::vector<PrivacyBudgetTable> privacy_budgets;
  const PrivacyBudgetTable* FindPrivacyBudget(absl::string_view dataset) const {
    for (const PrivacyBudgetTable& b : privacy_budgets) {
      if (b.dataset == dataset) return &b;
    }
    return nullptr;
  }
  uint32_t log_retention_months = kDefaultLogRetentionMonths;

  // Entry-kind rules (REQ-60), by EntryKind value: the index of the rule in source.entry_kinds()
  // or -1 when the kind has no rule; and, for kinds with a rule, the roles that may access such
  // entries besides their author (bitset at kind * role_words).
  size_t role_words = 1;
  std::array<int32_t, kEntryKindCount> entry_kind_rule{-1, -1, -1, -1, -1};
  std::vector<uint64_t> entry_kind_readers;

  // Mandates (REQ-63 to REQ-66): the procedure domains (dense ids in policy order), the
  // structures habilitated to hold mandates (by name, policy order), the roles that may create and
  // use them (by role id: 1 or 0), and how long their records are kept after their end.
  core::Interner mandate_procedures;
  core::Interner mandate_structures;
  std::vector<uint8_t> mandate_role;
  uint32_t mandate_retention_years = kDefaultMandateRetentionYears;

  // Retention rules (REQ-32), grouped by category: the rules of category c are
  // retention_rules[retention_first[c] .. retention_first[c + 1]). Every category an activity
  // declares has one rule per such activity (validation refuses a category without a rule).
  std::vector<RetentionRuleTable> retention_rules;
  std::vector<uint32_t> retention_first;  // categories + 1 entries
  bool public_archives = false;           // controller.public_archives: destruction needs a visa

  static bool TestBit(const uint64_t* words, uint32_t bit) {
    return (words[bit >> 6] >> (bit & 63)) & 1u;
  }
  bool Allows(uint32_t role, Action action, uint32_t category) const {
    const auto a = static_cast<uint32_t>(action);
    if (role >= roles.size() || category >= data_categories.size() || a == 0 ||
        a >= static_cast<uint32_t>(kActionCount)) {
      return false;
    }
    return TestBit(&habilitations[(role * kActionCount + a) * category_words], category);
  }
  // Whether `role` may access entries of `kind` written by someone else. True for kinds without
  // a rule; false for a working note (its author's alone) and for an unspecified kind.
  bool EntryKindAllows(EntryKind kind, uint32_t role) const {
    const auto k = static_cast<uint32_t>(kind);
    if (k == 0 || k >= static_cast<uint32_t>(kEntryKindCount)) return false;
    if (kind == EntryKind::kWorkingNote) return false;
    if (entry_kind_rule[k] < 0) return true;
    if (role >= roles.size()) return false;
    return TestBit(&entry_kind_readers[k * role_words], role);
  }
  bool ActivityDeclares(uint32_t activity, uint32_t category) const {
    if (activity >= activities.size() || category >= data_categories.size()) return false;
    return TestBit(&activity_categories[activity * category_words], category);
  }

  // The tables behind `policy` (Policy befriends CompiledPolicy for this alone). Call it as
  // Compiled(policy).
  static const CompiledPolicy& Of(const Policy& policy) { return *policy.impl_; }
};

// The compiled tables of `policy`, for socle's own modules and tests: the only way in, now
// that the public Policy keeps them opaque. Valid as long as `policy` or a copy of it lives.
inline const CompiledPolicy& Compiled(const Policy& policy) { return CompiledPolicy::Of(policy); }

// Compiles a policy that passed validation. Fails only on internal inconsistencies.
absl::StatusOr<CompiledPolicy> Compile(v1::Policy source);

// The digest of a policy: BLAKE2b-256 of its deterministic serialisation, domain "socle.policy.v1".
std::array<uint8_t, kPolicyDigestBytes> PolicyDigest(const v1::Policy& policy);

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_COMPILED_POLICY_H_
