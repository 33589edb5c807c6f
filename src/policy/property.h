// The statements of a policy's properties (Policy.properties, docs/policy-analysis.md): their
// grammar, parsed into conditions over one decision's inputs and an expected outcome. Names
// (roles, categories, activities) are kept as written; validation (validate.cc) and the analysis
// (src/analysis) resolve them against a policy.
//
//   statement := ("forall" | "exists") [condition {"and" condition}] ":" outcome
//   condition := ["not"] atom
//   atom      := DIMENSION ("=" | "!=") NAME
//              | DIMENSION ["not"] "in" "{" NAME {"," NAME} "}"
//              | "role" "has" CAPABILITY | "role" "is" ("bound" | "referent")
//              | "category" "is" ("special" | SENSITIVITY)
//              | FLAG
//   outcome   := ("allow" | "deny") ["because" (REASON | "{" REASON {"," REASON} "}")]
//
// Thread safety: plain functions and values.
#ifndef SOCLE_SRC_POLICY_PROPERTY_H_
#define SOCLE_SRC_POLICY_PROPERTY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/v1/policy.pb.h"

namespace socle::policy_internal {

// The inputs a condition may name.
enum class PropertyDimension : uint8_t { kRole, kAction, kCategory, kPurpose, kKind, kRelation };

struct PropertyCondition {
  enum class Kind : uint8_t {
    kIn,               // dimension in names (`=`, `in`; `!=` and `not in` set negated)
    kRoleHas,          // role has the capability names[0]
    kRoleBound,        // role bound by professional secrecy (by profession or by mission)
    kRoleReferent,     // role may be a person's referent
    kCategorySpecial,  // category of art. 9 or art. 10 data
    kCategoryIs,       // category of sensitivity names[0]
    kFlag,             // situation flag names[0] (author, masked, blocked…)
  };
  Kind kind = Kind::kIn;
  bool negated = false;
  PropertyDimension dimension = PropertyDimension::kRole;
  std::vector<std::string> names;
  size_t offset = 0;  // of the condition in the statement, for messages
};

struct PropertyStatement {
  bool forall = true;  // false: exists
  std::vector<PropertyCondition> conditions;
  bool expect_allow = false;
  std::vector<std::string> reasons;  // "because": the decision's reason is one of these
  size_t reasons_offset = 0;
};

// The words the grammar knows, in the order the analysis numbers them.
inline constexpr absl::string_view kPropertyFlags[] = {
    "author", "masked", "blocked", "consented", "objected", "archived", "restricted", "justified"};
inline constexpr absl::string_view kPropertyRelations[] = {"team", "referent", "grant",
                                                           "break_glass", "none"};

// A statement resolved against a policy: the values of each input it covers (by dense id, which
// is the policy's order), the situation flags it requires set or clear, and what it expects.
struct PropertyDomain {
  bool forall = true;
  std::vector<uint8_t> roles;       // by role: 1 when covered
  std::vector<uint8_t> categories;  // by data category
  std::vector<uint8_t> purposes;    // by activity
  uint32_t actions = 0;             // bit (1 << Action)
  uint32_t kinds = 0;               // bit (1 << EntryKind)
  uint32_t relations = 0;           // bit (1 << index in kPropertyRelations)
  uint32_t flags_set = 0;           // bit (1 << index in kPropertyFlags): required set
  uint32_t flags_clear = 0;         // required clear
  bool expect_allow = false;
  uint64_t reasons = 0;  // bit (1 << Reason): the reason must be one of these; 0: any
};

// Resolves `statement` against `policy` (validated or not: names are looked up in its lists).
// INVALID_ARGUMENT names the first unknown name and the character where it is.
absl::StatusOr<PropertyDomain> ResolveProperty(const PropertyStatement& statement,
                                               const v1::Policy& policy);

// Parses `text`. INVALID_ARGUMENT names the character (1-based) where it goes wrong and what
// was expected there; the message never repeats more of the text than one word of the grammar.
absl::StatusOr<PropertyStatement> ParsePropertyStatement(absl::string_view text);

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_PROPERTY_H_
