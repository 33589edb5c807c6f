// The policy as the access engine reads it, the thread-safe interner, and the names of reasons
// and rules.
#include <string>

#include "absl/strings/str_cat.h"
#include "access/state.h"
#include "core/status_macros.h"
#include "policy/validate.h"
#include "socle/access.hpp"
#include "socle/error.hpp"

namespace socle {

// A loaded policy never reaches these two caps (the validator refuses it first, with
// policy.too_many_entries); the engine checks them anyway, for any CompiledPolicy it is given.
static_assert(access_internal::kMaxPolicyRoles == policy_internal::kMaxRoles &&
              access_internal::kMaxPolicyCategories == policy_internal::kMaxDataCategories);

absl::string_view Name(Reason reason) {
  switch (reason) {
    case Reason::kAllowed:
      return "allowed";
    case Reason::kAllowedAuthorOfMasked:
      return "allowed_author_of_masked";
    case Reason::kAllowedReferentOfMasked:
      return "allowed_referent_of_masked";
    case Reason::kAllowedBreakGlass:
      return "allowed_break_glass";
    case Reason::kAllowedByGrant:
      return "allowed_by_grant";
    case Reason::kProfessionalLeft:
      return "professional_left";
    case Reason::kBlocked:
      return "blocked";
    case Reason::kWorkingNote:
      return "working_note";
    case Reason::kNotAssigned:
      return "not_assigned";
    case Reason::kBreakGlassExpired:
      return "break_glass_expired";
    case Reason::kRoleDoesNotAllow:
      return "role_does_not_allow";
    case Reason::kCategoryOutsidePurpose:
      return "category_outside_purpose";
    case Reason::kNotBoundBySecrecy:
      return "not_bound_by_secrecy";
    case Reason::kEntryKindRestricted:
      return "entry_kind_restricted";
    case Reason::kMasked:
      return "masked";
    case Reason::kInvalidRequest:
      return "invalid_request";
    case Reason::kNoConsent:
      return "no_consent";
    case Reason::kObjectionPending:
      return "objection_pending";
    case Reason::kObjectionUpheld:
      return "objection_upheld";
    case Reason::kItemNotShared:
      return "item_not_shared";
    case Reason::kAllowedArchivist:
      return "allowed_archivist";
    case Reason::kArchived:
      return "archived";
    case Reason::kErased:
      return "erased";
    case Reason::kAllowedUnderRestriction:
      return "allowed_under_restriction";
    case Reason::kRestricted:
      return "restricted";
    default:
      return "unspecified";
  }
}

absl::string_view Name(RestrictionJustification justification) {
  switch (justification) {
    case RestrictionJustification::kNone:
      return "none";
    case RestrictionJustification::kSubjectConsent:
      return "subject_consent";
    case RestrictionJustification::kLegalClaims:
      return "legal_claims";
    case RestrictionJustification::kProtectionOfOthers:
      return "protection_of_others";
    case RestrictionJustification::kImportantPublicInterest:
      return "important_public_interest";
  }
  return "unspecified";
}

namespace access_internal {

uint32_t SharedInterner::Intern(absl::string_view name) {
  {
    absl::ReaderMutexLock lock(&mu_);
    if (auto id = interner_.Find(name)) return *id;
  }
  absl::MutexLock lock(&mu_);
  return interner_.Intern(name);
}

std::optional<uint32_t> SharedInterner::Find(absl::string_view name) const {
  absl::ReaderMutexLock lock(&mu_);
  return interner_.Find(name);
}

absl::string_view SharedInterner::Name(uint32_t id) const {
  absl::ReaderMutexLock lock(&mu_);
  // The deque behind the interner keeps each name at a stable address: the view outlives the lock.
  return id < interner_.size() ? interner_.Name(id) : absl::string_view();
}

size_t SharedInterner::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return interner_.size();
}

namespace {

absl::Status TooLarge(absl::string_view what, size_t count, size_t cap) {
  return MakeError(
      ErrorCode::kResourceExhausted,
      absl::StrCat("the policy has ", count, " ", what, "; the access engine takes at most ", cap));
}

// The sizes of the policy against the engine's caps, and the habilitation table's cell count,
// before anything is allocated.
absl::StatusOr<size_t> CheckSizes(const policy_internal::CompiledPolicy& c) {
  const v1::Policy& p = c.source;
  const struct {
    absl::string_view what;
    size_t count;
    size_t cap;
  } sizes[] = {
      {"roles", c.roles.size(), kMaxPolicyRoles},
      {"data categories", c.data_categories.size(), kMaxPolicyCategories},
      {"activities", c.activities.size(), kMaxPolicyActivities},
      {"habilitation rows", static_cast<size_t>(p.habilitations_size()), kMaxPolicyHabilitations},
      {"break-the-glass reason codes", static_cast<size_t>(p.break_glass().reason_codes_size()),
       kMaxPolicyReasonCodes},
  };
  for (const auto& s : sizes) {
    if (s.count > s.cap) return TooLarge(s.what, s.count, s.cap);
  }
  // roles × actions × categories, overflow-checked (the caps above already keep it small).
  size_t cells = 0;
  if (__builtin_mul_overflow(c.roles.size(), size_t{kActionCount}, &cells) ||
      __builtin_mul_overflow(cells, c.data_categories.size(), &cells) ||
      cells > kMaxHabilitationCells) {
    return MakeError(ErrorCode::kResourceExhausted,
                     absl::StrCat("the policy's ", c.roles.size(), " roles × ", kActionCount,
                                  " actions × ", c.data_categories.size(),
                                  " data categories exceed the access engine's table of ",
                                  kMaxHabilitationCells, " cells"));
  }
  return cells;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Tables>> BuildTables(const Policy& policy) {
  SOCLE_ASSIGN_OR_RETURN(const size_t cells, CheckSizes(policy_internal::Compiled(policy)));
  auto t = std::make_shared<Tables>(policy);
  const policy_internal::CompiledPolicy& c = *t->c;
  t->categories = static_cast<uint32_t>(c.data_categories.size());
  t->roles = static_cast<uint32_t>(c.roles.size());
  t->activities = static_cast<uint32_t>(c.activities.size());

  t->habilitation_row.assign(cells, kRuleIndexNone);
  const auto& rows = c.source.habilitations();
  for (int i = 0; i < rows.size(); ++i) {
    const auto role = c.roles.Find(rows[i].role());
    if (!role) continue;  // validation rejects unknown roles
    for (int action : rows[i].actions()) {
      if (action <= 0 || action >= kActionCount) continue;
      for (const auto& name : rows[i].data_categories()) {
        const auto category = c.data_categories.Find(name);
        if (!category) continue;
        uint32_t& slot = t->habilitation_row[t->HabilitationCell(
            *role, static_cast<uint32_t>(action), *category)];
        if (slot == kRuleIndexNone) slot = static_cast<uint32_t>(i);
      }
    }
  }
  for (uint32_t k = 0; k < t->categories; ++k) {
    const DataSensitivity s = c.category_sensitivity[k];
    t->category_special.push_back(
        s == DataSensitivity::kSpecialCategory || s == DataSensitivity::kOffence ? 1 : 0);
  }
  t->role_break_glass.assign(t->roles, 0);
  for (uint32_t r = 0; r < t->roles; ++r) {
    const SecrecyStatus s = c.role_secrecy[r];
    t->role_bound.push_back(s == SecrecyStatus::kByProfession || s == SecrecyStatus::kByMission);
    t->role_referent.push_back(c.role_referent[r]);
  }
  for (const auto& name : c.source.break_glass().allowed_roles()) {
    if (auto role = c.roles.Find(name)) t->role_break_glass[*role] = 1;
  }
  for (const auto& code : c.source.break_glass().reason_codes()) t->reason_codes.Intern(code.id());
  for (const auto& rule : c.source.sharing_rules()) {
    Tables::SharingRuleTable& out = t->sharing_rules.emplace_back();
    out.basis = static_cast<SharingBasis>(rule.basis());
    out.allow_whole_file = rule.allow_whole_file();
    out.category.assign(t->categories, 0);
    out.role.assign(t->roles, 0);
    for (const auto& name : rule.data_categories()) {
      if (auto category = c.data_categories.Find(name)) out.category[*category] = 1;
    }
    for (const auto& name : rule.recipient_roles()) {
      if (auto role = c.roles.Find(name)) out.role[*role] = 1;
    }
  }
  t->activity_consent.assign(t->activities, 0);
  t->activity_objectable.assign(t->activities, 0);
  for (uint32_t a = 0; a < t->activities; ++a) {
    const v1::Activity& activity = c.source.activities(static_cast<int>(a));
    uint8_t consent = Tables::kConsentNone;
    for (int condition : activity.special_category_conditions()) {
      if (condition == v1::EXPLICIT_CONSENT) consent = Tables::kConsentSpecial;
    }
    if (activity.legal_basis() == v1::CONSENT) consent = Tables::kConsentAll;
    t->activity_consent[a] = consent;
    t->activity_objectable[a] = activity.legal_basis() == v1::PUBLIC_TASK ||
                                activity.legal_basis() == v1::LEGITIMATE_INTERESTS;
  }
  t->referent_keeps_access = c.masking_referent_keeps_access;
  t->reveals_masked = c.break_glass_reveals_masked;
  t->signalled = c.masking_mode == policy_internal::MaskingMode::kSignalled;
  t->break_glass_enabled = c.break_glass_enabled;
  t->break_glass_max_nanos = absl::ToInt64Nanoseconds(c.break_glass_max);
  return std::shared_ptr<const Tables>(std::move(t));
}

std::string RuleNameOf(const Tables& t, uint32_t rule) {
  const uint32_t index = RuleIndexOf(rule);
  const bool none = index == kRuleIndexNone;
  const auto& p = t.c->source;
  switch (RuleKindOf(rule)) {
    case RuleKind::kDirectory:
      // Index 1: the person's erasure (socle/erasure.hpp), a fact of the directory too.
      if (index == 1) return "directory (the person's file was erased, art. 17)";
      return "directory (professional status)";
    case RuleKind::kBlock:
      return "blocks recorded by the person";
    case RuleKind::kEntryKind:
      if (none || index >= static_cast<uint32_t>(p.entry_kinds_size())) {
        return "working notes are their author's alone (built-in)";
      }
      return absl::StrCat("entry_kinds[", index, "]");
    case RuleKind::kNeedToKnow:
      if (none) return "need-to-know (no team, referent, grant or session)";
      return index == 0 ? "need-to-know (shared team)" : "need-to-know (referent)";
    case RuleKind::kHabilitation:
      if (none || index >= static_cast<uint32_t>(p.habilitations_size())) {
        return "habilitations (no row grants it: deny by default)";
      }
      return absl::StrCat("habilitations[", index, "]");
    case RuleKind::kPurpose:
      if (none || index >= static_cast<uint32_t>(p.activities_size())) return "activities";
      return absl::StrCat("activities[", index, "] (", p.activities(index).id(), ")");
    case RuleKind::kSecrecy:
      if (none || index >= static_cast<uint32_t>(p.roles_size())) {
        return "directory (the professional's own secrecy status)";
      }
      return absl::StrCat("roles[", index, "].secrecy (", p.roles(index).id(), ")");
    case RuleKind::kMasking:
      return "masking";
    case RuleKind::kBreakGlass:
      return "break_glass";
    case RuleKind::kGrant:
      return "grants recorded for the person";
    case RuleKind::kConsent:
      return "consents";
    case RuleKind::kObjection:
      return "objections";
    case RuleKind::kRetention: {
      const auto& rules = t.c->retention_rules;
      if (none || index >= rules.size()) return "retention (no rule for the category)";
      const policy_internal::RetentionRuleTable& r = rules[index];
      return absl::StrCat("activities[", r.activity, "].retention[", r.index, "] (",
                          p.activities(static_cast<int>(r.activity)).id(), ")");
    }
    case RuleKind::kRestriction:
      // The index is the restriction's ground (socle.v1.RestrictionGround).
      switch (index) {
        case 1:
          return "restriction (art. 18(1)(a): accuracy contested)";
        case 2:
          return "restriction (art. 18(1)(b): unlawful processing, erasure opposed)";
        case 3:
          return "restriction (art. 18(1)(c): needed for legal claims)";
        case 4:
          return "restriction (art. 18(1)(d): objection pending)";
        default:
          return "restriction (art. 18)";
      }
    default:
      return "none";
  }
}

}  // namespace access_internal
}  // namespace socle
