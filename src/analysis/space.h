// The decision space behind socle/policy_analysis.hpp: the world (professionals and persons on an
// engine of its own) and the enumeration of cases through the engine's Decide.
//
// The enumeration walks a case's situation in the order Decide consults it (docs/access-rules.md:
// block, working note, archive, need-to-know, …, consent, objection, mask, restriction). A
// decision's reason says which check decided, hence which leading part of the situation it may
// have read (Stage): every case that shares that part has the same decision, and is counted
// without another call. tests/analysis checks this against a walk that decides every case.
//
// Thread safety: a World is immutable once built; Enumerate may run on any number of threads.
#ifndef SOCLE_SRC_ANALYSIS_SPACE_H_
#define SOCLE_SRC_ANALYSIS_SPACE_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "policy/property.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"

namespace socle::analysis_internal {

// The facts of a person's file in the world (one person per combination and group).
struct PersonFlags {
  enum : uint32_t { kBlocked = 1, kConsented = 2, kObjected = 4, kArchived = 8, kRestricted = 16 };
};
inline constexpr int kPersonFlagCount = 5;

// The situation's inputs in the order Decide consults them.
enum Dim : int {
  kDimBlocked,
  kDimAuthor,
  kDimArchived,
  kDimRelation,
  kDimConsented,
  kDimObjected,
  kDimMasked,
  kDimRestricted,
  kDimJustified,
  kDimCount
};

// How many leading inputs (Dim order) a decision with `reason` may have read.
int Stage(Reason reason);

struct World {
  World(const Policy& p, absl::Time now);
  absl::Status Build();

  Policy policy;
  FakeClock clock;
  std::unique_ptr<AccessEngine> engine;
  std::shared_ptr<const AccessSnapshot> snapshot;
  uint32_t roles = 0;
  uint32_t categories = 0;
  uint32_t purposes = 0;
  uint32_t groups = 0;  // 0: in the team; 1: outside it; 2 + role: the role's referent persons
  std::vector<uint8_t> relation_possible;  // role * kRelationCount + relation
  std::vector<uint32_t> actor;             // role * kRelationCount + relation → professional
  uint32_t other_author = kNoId;           // writes the entries others read
  std::vector<uint32_t> person;            // (group << kPersonFlagCount) | flags → person
  // (group * 2 + archived) * categories + category: 1 when the category is past its active
  // phase for that group's persons with (1) or without (0) an archived file.
  std::vector<uint8_t> archived_category;
  // role * categories + category: bit (archived * kRelationCount + relation) when possible.
  std::vector<uint16_t> possible;
  uint64_t space_size = 0;

  static uint32_t GroupOf(uint32_t role, Relation relation) {
    if (relation == Relation::kTeam) return 0;
    return relation == Relation::kReferent ? 2 + role : 1;
  }
  // Whether the case can occur: its relation for its role, its category's phase for its file.
  bool Possible(uint32_t role, Relation relation, bool archived, uint32_t category) const {
    const uint32_t bit = (archived ? kRelationCount : 0) + static_cast<uint32_t>(relation);
    return (possible[role * categories + category] >> bit) & 1u;
  }
  bool Possible(const DecisionCase& c) const {
    return c.role < roles && c.category < categories && c.purpose < purposes &&
           Possible(c.role, c.relation, (c.situation & situation::kArchived) != 0, c.category);
  }
  AccessRequest RequestOf(const DecisionCase& c) const;
  // Fills `possible` from relation_possible and archived_category.
  void ComputePossible();
  uint64_t CountSpace() const;
};

// The domain of the whole space.
policy_internal::PropertyDomain WholeSpace(const World& w);

// Visits every possible case of `domain` once, by blocks of cases with one decision: `visit`
// receives the block's smallest case, its decision and how many cases it stands for. Returns the
// number of Decide calls.
using BlockVisitor = absl::FunctionRef<void(const DecisionCase&, const Decision&, uint64_t)>;
uint64_t Enumerate(const World& w, const policy_internal::PropertyDomain& domain,
                   BlockVisitor visit);
// The same, one Decide per case (no blocks): for tests, and as the reference of Enumerate.
uint64_t EnumerateEveryCase(const World& w, const policy_internal::PropertyDomain& domain,
                            BlockVisitor visit);

// Two policies' spaces walked together (DiffPolicies): the tuples of both, matched by id (those
// of the policy after first, in its order, then those only the policy before has), and for each
// the situations, in blocks where both decisions are constant. `before` or `after` is null when
// the case cannot occur under that policy; the cases' ids are each policy's own (kNoId where
// it lacks the role, category or purpose).
using JointVisitor =
    absl::FunctionRef<void(const DecisionCase& before, const Decision* b, const DecisionCase& after,
                           const Decision* a, uint64_t count)>;
uint64_t EnumerateJoint(const World& before, const World& after, JointVisitor visit);

// What Decide reads of two worlds beside a case's situation, laid side by side for the joint
// walk: the policy tables it consults for a tuple (role, action, category, purpose, kind) and the
// answers of the worlds' persons for a purpose and category (consents, objections). A tuple whose
// inputs are all the same under both policies, and whose cases are possible alike, has the same
// decision under both in every situation: the joint walk need not decide it (docs/
// policy-analysis.md, "What the diff skips"). Built once per pair of worlds; immutable, so any
// number of threads may read it.
class JointInputs {
 public:
  JointInputs(const World& before, const World& after);

  const World& before() const { return before_; }
  const World& after() const { return after_; }

  // For the role (id `rb` before, `ra` after) and each (category, purpose) of the joint walk
  // (index category * purposes + purpose, in the walk's order): 1 when both policies declare the
  // category for the purpose alike, treat it as special alike, ask a consent alike, allow
  // objections alike, and every person the role meets (its relations' groups, every combination
  // of flags) answers alike.
  std::vector<uint8_t> SameCategoryPurpose(uint32_t rb, uint32_t ra) const;

 private:
  // What ConsentAndObjection reads of each person's state, as it reads it, per purpose and
  // category: consent at ((purpose * categories + category) * slots + slot), objection at
  // (purpose * slots + slot), the slot being World::person's.
  struct Answers {
    size_t slots = 0;
    std::vector<uint8_t> consent, objection;
  };
  static Answers AnswersOf(const World& w);
  // Whether the persons of group `gb` before and `ga` after answer alike for the purpose and
  // category (ids before, after).
  bool SameGroup(uint32_t gb, uint32_t ga, uint32_t kb, uint32_t ka, uint32_t pb,
                 uint32_t pa) const;

  const World& before_;
  const World& after_;
  Answers before_answers_, after_answers_;
  std::vector<std::pair<uint32_t, uint32_t>> categories_, purposes_;  // the joint walk's
  // For each (category, purpose) of the walk: the inputs that do not depend on the role, and the
  // answers of the groups every role meets (in the team, outside it).
  std::vector<uint8_t> shared_;
};

// The number of roles the joint walk visits (those of the policy after, then those only the
// policy before has), and the walk of roles [begin, end) of that order alone: the concatenation
// of the walks of consecutive ranges is the whole walk. With `skip` (built on the same worlds),
// the tuples whose inputs are the same under both policies are not walked: their cases are added
// to `*skipped_cases` (the walk of the others is unchanged, and their decision is the same under
// both policies in every case).
size_t JointRoleCount(const World& before, const World& after);
uint64_t EnumerateJoint(const World& before, const World& after, size_t begin, size_t end,
                        JointVisitor visit, const JointInputs* skip = nullptr,
                        uint64_t* skipped_cases = nullptr);

// DiffPolicies on `threads` threads (at least one): the same diff whatever their number. With
// `skip_identical` false, every tuple is walked (the reference of the skipping walk, for tests):
// the same diff, with more decisions.
PolicyDiff DiffWorlds(const World& before, const World& after, int threads,
                      bool skip_identical = true);

// The JSON of the analysis's reports (prove.cc): protobuf's printer, the proto's field names,
// every field printed (a property that does not hold says `"holds": false`).
std::string ReportJson(const google::protobuf::Message& report);

// The order of "smallest": fewest situation flags, then relation, role, action, category,
// purpose, kind.
bool Smaller(const DecisionCase& a, const DecisionCase& b);

}  // namespace socle::analysis_internal

#endif  // SOCLE_SRC_ANALYSIS_SPACE_H_
