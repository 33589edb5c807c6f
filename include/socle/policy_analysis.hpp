// socle/policy_analysis.hpp: a policy's access rules decided over every case (REQ-62 context;
// docs/policy-analysis.md).
//
// A policy is finite: roles × actions × data categories × purposes × entry kinds, times the few
// facts of a situation that change a decision (how the professional stands to the person, and
// whether they wrote the entry, the person masked it, blocked them, consented, objected, the file
// is archived or restricted, the request carries an art. 18(2) justification). PolicyAnalysis
// builds, on an access engine of its own, a world holding one professional per role and relation
// and one person per situation, and decides cases with the engine's own Decide: a property the
// DPO declares is proven or refuted over every case it covers, with the smallest counter-example
// and the engine's explanation of it. Nothing is modelled: the decisions are the engine's.
//
// Thread safety: a PolicyAnalysis is immutable once created; every const method may be called
// from any number of threads at once.
#ifndef SOCLE_POLICY_ANALYSIS_HPP_
#define SOCLE_POLICY_ANALYSIS_HPP_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/access.hpp"
#include "socle/export.hpp"
#include "socle/policy.hpp"
#include "socle/vocabulary.hpp"

namespace socle {

namespace analysis_internal {
struct World;  // src/analysis/space.h
}  // namespace analysis_internal

// How the professional stands to the person (the grammar's `relation`).
enum class Relation : int32_t {
  kTeam = 0,        // a member of one of the person's teams
  kReferent = 1,    // the person's referent, outside their teams (roles that may be referents)
  kGrant = 2,       // outside their teams, with an active grant on the whole file
  kBreakGlass = 3,  // outside their teams, in an open break-the-glass session (roles that may)
  kNone = 4,        // outside their teams, nothing else
};
inline constexpr int kRelationCount = 5;

// The situation of a case, as bits (the grammar's flags, same names).
namespace situation {
inline constexpr uint32_t kAuthor = 1u << 0;      // the professional wrote the entry
inline constexpr uint32_t kMasked = 1u << 1;      // the person masked the entry
inline constexpr uint32_t kBlocked = 1u << 2;     // the person blocked the professional
inline constexpr uint32_t kConsented = 1u << 3;   // consent given to every consent-based purpose
inline constexpr uint32_t kObjected = 1u << 4;    // objection (pending) to every objectable purpose
inline constexpr uint32_t kArchived = 1u << 5;    // the category is past its active phase
inline constexpr uint32_t kRestricted = 1u << 6;  // the whole file is restricted (art. 18)
inline constexpr uint32_t kJustified = 1u << 7;   // the request carries an art. 18(2) justification
inline constexpr int kCount = 8;
}  // namespace situation

// One case of the space: dense ids of the policy, and the situation.
struct DecisionCase {
  uint32_t role = 0;
  Action action = Action::kRead;
  uint32_t category = 0;
  uint32_t purpose = 0;
  EntryKind kind = EntryKind::kFact;
  Relation relation = Relation::kTeam;
  uint32_t situation = 0;  // situation::k* bits
};

// What proving one property found.
struct PropertyResult {
  std::string id;         // the property's id (empty for an ad hoc statement)
  std::string statement;  // as written
  bool forall = true;
  bool holds = false;
  uint64_t cases = 0;      // the cases the statement covers
  uint64_t decisions = 0;  // Decide calls it took (cases with one outcome share one call)
  // forall: the smallest counter-example (none when it holds); exists: the smallest witness.
  // Smallest: fewest situation flags, then relation, role, action, category, purpose, kind in
  // the policy's order.
  std::optional<DecisionCase> example;
  Decision decision;        // the example's decision
  std::string description;  // the example in words (PolicyAnalysis::Describe)
  std::string explanation;  // the engine's explanation of the example's decision
};

class SOCLE_CXX_API PolicyAnalysis {
 public:
  // Builds the world of `policy` on an engine of its own (in memory, fixed clock).
  static absl::StatusOr<std::unique_ptr<PolicyAnalysis>> Create(const Policy& policy);
  // Both sides of a diff at once: Create(before) and Create(after), on two threads where the
  // machine has two cores (the worlds are independent). On error, the first side's error.
  static absl::StatusOr<std::pair<std::unique_ptr<PolicyAnalysis>, std::unique_ptr<PolicyAnalysis>>>
  CreatePair(const Policy& before, const Policy& after);
  ~PolicyAnalysis();
  PolicyAnalysis(const PolicyAnalysis&) = delete;
  PolicyAnalysis& operator=(const PolicyAnalysis&) = delete;

  const Policy& policy() const;

  // The number of cases of the whole space that can occur (a role that may not be a referent
  // has no referent case; a category whose rules keep it active has no archived case…).
  uint64_t space_size() const;

  // Proves `statement` (the grammar of docs/policy-analysis.md). INVALID_ARGUMENT for a statement
  // that does not parse or names what the policy does not declare, with the character.
  absl::StatusOr<PropertyResult> Prove(absl::string_view statement) const;
  // The policy's own properties (Policy.properties), in order.
  std::vector<PropertyResult> ProveDeclared() const;

  // The engine's decision of one case; NOT_FOUND for a case that cannot occur.
  absl::StatusOr<Decision> Decide(const DecisionCase& c) const;
  // "role stagiaire reads category sante for purpose accompagnement, an appreciation, as a
  // member of the person's team; wrote the entry".
  std::string Describe(const DecisionCase& c) const;
  // The policy element a decision's rule names ("habilitations[3]", "masking"…).
  std::string RuleName(uint32_t rule) const;

  // The results as JSON (schema socle.v1.PropertyReport, proto/socle/v1/analysis.proto).
  std::string ReportJson(const std::vector<PropertyResult>& results) const;

  // The world, for socle's own modules (src/analysis).
  const analysis_internal::World& world() const { return *world_; }

 private:
  explicit PolicyAnalysis(std::unique_ptr<analysis_internal::World> world);
  std::unique_ptr<analysis_internal::World> world_;
};

// The properties `policy` declares (its `properties` section), which ProveDeclared proves; 0: there
// is nothing to prove, and no PolicyAnalysis needs to be created.
SOCLE_CXX_API size_t DeclaredPropertyCount(const Policy& policy);

// What a case comes to under one policy: whether it can occur there, and its decision.
struct CaseOutcome {
  bool possible = false;  // false: the case cannot occur (its role, category or purpose is not
                          // in the policy, or its relation or archive cannot occur there)
  Effect effect = Effect::kDeny;
  Reason reason = Reason::kUnspecified;
  std::string rule;  // the policy element that decided ("habilitations[3]"); empty if !possible
};

// One group of cases whose outcome differs between two policies: one (role, action, category,
// purpose, kind) and one pair of outcomes, over the situations that give it.
struct PolicyChange {
  std::string role;  // ids, as the policies write them
  Action action = Action::kRead;
  std::string category;
  std::string purpose;
  EntryKind kind = EntryKind::kFact;
  Relation relation = Relation::kTeam;  // the group's smallest case
  uint32_t situation = 0;
  uint64_t cases = 0;
  CaseOutcome before, after;  // of the smallest case
};

enum class AnalysisLanguage : int32_t { kFrench = 1, kEnglish = 2 };

struct SOCLE_CXX_API PolicyDiff {
  std::string before_digest, after_digest;  // hex
  uint64_t cases = 0;          // the cases compared (possible under one policy at least)
  uint64_t changed_cases = 0;  // whose outcome differs
  uint64_t decisions = 0;      // Decide calls, both policies
  // In the order role, action, category, purpose, kind of the policy after (then before), each
  // group's smallest situation first.
  std::vector<PolicyChange> changes;

  // One sentence per (role, action, category) whose outcome changed, e.g. « secretaire_accueil »
  // peut désormais lire « social » (…), in plain French or English.
  std::vector<std::string> Summary(AnalysisLanguage language = AnalysisLanguage::kFrench) const;
  // As JSON (schema socle.v1.PolicyDiffReport, proto/socle/v1/analysis.proto).
  std::string Json(AnalysisLanguage language = AnalysisLanguage::kFrench) const;
};

// Every case whose outcome differs between `before` and `after` (matched by id: a role,
// category or activity only one of them declares is a case only that one can decide). Walks the
// roles on two threads where the machine has two cores (the result does not depend on it).
SOCLE_CXX_API PolicyDiff DiffPolicies(const PolicyAnalysis& before, const PolicyAnalysis& after);

// The register of processing activities of `current` (Policy::RenderRegister's three formats and
// two languages) with a "what changed" section: the previous policy (id, revision, digest) and
// what DiffPolicies(previous, current) finds in its access decisions, as PolicyDiff::Summary's
// sentences in the register's language, or that no access decision changed. Markdown: a
// section after the preamble ("Modifications depuis la version précédente"); JSON: the field
// `changes` of socle.v1.Register; DPV JSON-LD: the record dct:replaces the previous one, with
// adms:versionNotes. Builds both policies' worlds (PolicyAnalysis::Create). INVALID_ARGUMENT
// for a format or language out of the enums (checked first).
SOCLE_CXX_API absl::StatusOr<std::string> RenderRegisterWithChanges(
    const Policy& previous, const Policy& current, RegisterFormat format,
    RegisterLanguage language = RegisterLanguage::kFrench);

// The lower_snake name of a relation ("break_glass"), as the grammar writes it.
SOCLE_CXX_API absl::string_view Name(Relation relation);

}  // namespace socle

#endif  // SOCLE_POLICY_ANALYSIS_HPP_
