// The retention phase as a pure function of a compiled rule and a person's facts (REQ-32): the
// access engine reads it for each decision on a person with retention facts (REQ-35), the public
// AccessSnapshot::Retention for each category, and the sweep (issue 13, next round) for every
// person. Integer work on day numbers; no allocation.
//
// Thread safety: plain functions over immutable inputs.
#ifndef SOCLE_SRC_ACCESS_RETENTION_H_
#define SOCLE_SRC_ACCESS_RETENTION_H_

#include <array>
#include <cstdint>

#include "access/state.h"
#include "policy/compiled_policy.h"
#include "socle/retention.hpp"

namespace socle::access_internal {

// What the rules read of one person on one day.
struct RetentionInput {
  int32_t birth_days = kUnknownDate;
  bool case_open = false;                 // a team is assigned to the person's case
  const RetentionFacts* facts = nullptr;  // null: none recorded
  // The day the person's last mandate ended (kUnknownDate: no mandate), and whether one is still
  // in force on the day asked.
  int32_t mandate_end = kUnknownDate;
  bool mandate_in_course = false;

  // Calendar arithmetic memoised for one person: the rules of a policy share a few (start,
  // months) pairs and one age stop, and civil-date conversions are the cost of a phase.
  int32_t AddMonths(int32_t from, uint32_t months) const;
  int32_t Birthday(uint32_t years) const;

 private:
  struct Months {
    int32_t from = kUnknownDate;
    uint32_t months = 0;
    int32_t to = 0;
  };
  mutable std::array<Months, 8> months_{};
  mutable uint32_t next_ = 0;
  mutable uint32_t stop_years_ = 0;
  mutable int32_t stop_day_ = 0;
};

// The input of `person` on `day` (reads its mandates; no allocation).
RetentionInput RetentionInputOf(const PersonRecord& person, int32_t day);
// The same from its parts: the person's birth day, whether a team is assigned to their case,
// their state (may be null).
RetentionInput RetentionInputOf(int32_t birth_days, bool case_open, const PersonState* st,
                                int32_t day);

// The phase under one rule. `votes` is false when the person has no fact the rule counts from
// (no contact, no right, no follow-up, no case, no mandate recorded): the rule then says nothing.
struct RulePhase {
  bool votes = false;
  RetentionPhase phase = RetentionPhase::kActive;
  int32_t since = kNoRetentionDay;
  int32_t next_change = kNoRetentionDay;
  RetentionPhase next_phase = RetentionPhase::kActive;
  int32_t start_day = kNoRetentionDay;
  bool hard_stop = false;
};

RulePhase PhaseUnder(const policy_internal::RetentionRuleTable& rule, bool public_archives,
                     const RetentionInput& in, int32_t day);

// The status of `category` (< the policy's category count): the least advanced phase among the
// rules of the category that vote (on a tie, the one that changes last); ACTIVE with no day when
// none votes. `rule_id` receives the compiled rule's index (kRuleIndexNone without a rule);
// `next_any` the first day after `day` on which one of the category's voting rules changes
// phase (kNoRetentionDay: none does), which the category's phase may change on.
RetentionStatus CategoryRetention(const policy_internal::CompiledPolicy& c,
                                  const RetentionInput& in, uint32_t category, int32_t day,
                                  uint32_t* rule_id = nullptr, int32_t* next_any = nullptr);

// Fills `out` with the phase of every category of the person on every day (state.h,
// RetentionSchedule): steps from the earliest day on, each where CategoryRetention's phase or
// rule may change (a rule's next change, the death, the end of the last mandate), with
// CategoryRetention's own answer on that day; consecutive equal steps merged.
void BuildRetentionSchedule(const policy_internal::CompiledPolicy& c, int32_t birth_days,
                            bool case_open, const PersonState& st, RetentionSchedule* out);

// Sets status->next_phase to the category's phase on status->next_change, as the rules of the
// category give it on that day (with several rules, the deciding rule's own next phase may not
// be the category's: another rule can hold the category in the intermediate archive). Only the
// public queries need it; decisions and the sweep read the phase alone.
void SetNextPhase(const policy_internal::CompiledPolicy& c, const PersonRecord& x,
                  RetentionStatus* status);

// Whether a decision on the person may need the retention check: only a person with retention
// facts or mandates has a rule that votes. Read from the record already loaded.
inline bool RetentionMayApply(const PersonRecord& x) { return (x.facts & kFactRetention) != 0; }

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_RETENTION_H_
