// Retention phases (socle/retention.hpp): the pure phase function, the snapshot's answers and the
// helpers that record the facts.
#include "access/retention.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "access/apply.h"
#include "core/calendar.h"
#include "socle/access.hpp"
#include "socle/error.hpp"

namespace socle {
namespace access_internal {
namespace {

using policy_internal::RetentionRuleTable;
using v1::RetentionRule;

// Less advanced first: a category is kept as long as one of its rules keeps it. Awaiting a visa
// keeps more than due (the archives service may keep the records).
int Rank(RetentionPhase phase) {
  switch (phase) {
    case RetentionPhase::kActive:
      return 0;
    case RetentionPhase::kIntermediateArchive:
      return 1;
    case RetentionPhase::kAwaitingVisa:
      return 2;
    case RetentionPhase::kDue:
      return 3;
  }
  return 3;
}

// A change not scheduled comes after every scheduled one.
int64_t ChangeKey(int32_t next_change) {
  return next_change == kNoRetentionDay ? int64_t{1} << 40 : next_change;
}

}  // namespace

int32_t RetentionInput::AddMonths(int32_t from, uint32_t months) const {
  if (months == 0) return from;
  for (const Months& m : months_) {
    if (m.from == from && m.months == months) return m.to;
  }
  Months& m = months_[next_++ % months_.size()];
  m.from = from;
  m.months = months;
  m.to = core::AddMonthsToDay(from, months);
  return m.to;
}

int32_t RetentionInput::Birthday(uint32_t years) const {
  if (years != stop_years_) {
    stop_years_ = years;
    stop_day_ = core::DayNumber(core::NthBirthday(core::DayFromNumber(birth_days), years));
  }
  return stop_day_;
}

RetentionInput RetentionInputOf(const PersonRecord& person, int32_t day) {
  return RetentionInputOf(person.birth_days, !person.teams.empty(), person.state.get(), day);
}

RetentionInput RetentionInputOf(int32_t birth_days, bool case_open, const PersonState* st,
                                int32_t day) {
  RetentionInput in;
  in.birth_days = birth_days;
  in.case_open = case_open;
  if (st == nullptr) return in;
  if (!st->retention.empty()) in.facts = &st->retention;
  for (const MandateRecord& m : st->mandates) {
    const int32_t end = core::LegalDayNumber(m.EndsAt());
    if (end > day) in.mandate_in_course = true;
    in.mandate_end = in.mandate_end == kUnknownDate ? end : std::max(in.mandate_end, end);
  }
  return in;
}

RulePhase PhaseUnder(const RetentionRuleTable& rule, bool public_archives, const RetentionInput& in,
                     int32_t day) {
  RulePhase out;
  const RetentionPhase terminal =
      public_archives || rule.end_action == RetentionRule::DEFINITIVE_ARCHIVE
          ? RetentionPhase::kAwaitingVisa
          : RetentionPhase::kDue;
  const RetentionFacts* f = in.facts;
  bool in_course = false;
  int32_t start = kUnknownDate;
  bool ends_at_death = true;  // a right, a follow-up, a case or a mandate in course ends then
  switch (rule.start) {
    case RetentionRule::LAST_CONTACT_FROM_PERSON:
      ends_at_death = false;
      if (f != nullptr) start = f->last_contact_from_person;
      break;
    case RetentionRule::CREATION:
      ends_at_death = false;
      if (f != nullptr) start = f->first_contact;
      break;
    case RetentionRule::END_OF_RIGHT:
    case RetentionRule::END_OF_FOLLOW_UP: {
      const RetentionEndKind kind = rule.start == RetentionRule::END_OF_RIGHT
                                        ? RetentionEndKind::kRight
                                        : RetentionEndKind::kFollowUp;
      const RetentionEnd* e = f != nullptr ? f->Find(rule.activity, kind) : nullptr;
      if (e != nullptr) {
        in_course = e->end_day == kUnknownDate;
        start = e->end_day;
      }
      break;
    }
    case RetentionRule::CASE_CLOSURE:
      if (in.case_open) {
        in_course = true;
      } else if (f != nullptr) {
        start = f->case_closed;
      }
      break;
    case RetentionRule::END_OF_MANDATE:
      in_course = in.mandate_in_course;
      if (!in_course) start = in.mandate_end;
      break;
    default:
      return out;  // validation refuses rules without a start
  }
  if (in_course && ends_at_death && f != nullptr && f->death != kUnknownDate && f->death <= day) {
    in_course = false;
    start = f->death;
  }
  if (!in_course && start == kUnknownDate) return out;
  out.votes = true;

  if (!in_course) {
    out.start_day = start;
    const int32_t active_end = in.AddMonths(start, rule.active_months);
    const int32_t archive_end = in.AddMonths(active_end, rule.intermediate_months);
    if (day < active_end) {
      out.phase = RetentionPhase::kActive;
      out.since = start;
      out.next_change = active_end;
      out.next_phase = archive_end > active_end ? RetentionPhase::kIntermediateArchive : terminal;
    } else if (day < archive_end) {
      out.phase = RetentionPhase::kIntermediateArchive;
      out.since = active_end;
      out.next_change = archive_end;
      out.next_phase = terminal;
    } else {
      out.phase = terminal;
      out.since = archive_end;
    }
  }

  // The age stop (hard_stop_age_years): the end, on that birthday at the latest.
  if (rule.hard_stop_age_years > 0 && in.birth_days != kUnknownDate) {
    const int32_t stop = in.Birthday(rule.hard_stop_age_years);
    if (day >= stop) {
      if (out.phase != terminal || stop < out.since) {
        out.phase = terminal;
        out.since = stop;
        out.hard_stop = true;
      }
      out.next_change = kNoRetentionDay;
    } else if (out.phase != terminal && ChangeKey(stop) <= ChangeKey(out.next_change)) {
      if (stop != out.next_change || out.next_phase != terminal) out.hard_stop = true;
      out.next_change = stop;
      out.next_phase = terminal;
    }
  }
  return out;
}

namespace {

// The deciding rule of `category` (< the policy's count) on `day`: its phase under that rule
// (votes false when no rule votes), its index in `chosen` (the first rule of the category when
// none votes; the category must have one), and in `next_any` the first change of any voting rule
// (kNoRetentionDay: none). CategoryRetention's choice, without building the status.
RulePhase DecidingRule(const policy_internal::CompiledPolicy& c, const RetentionInput& in,
                       uint32_t category, int32_t day, uint32_t* chosen, int32_t* next_any) {
  const uint32_t first = c.retention_first[category];
  const uint32_t last = c.retention_first[category + 1];
  *chosen = first;
  *next_any = kNoRetentionDay;
  RulePhase best;
  for (uint32_t i = first; i < last; ++i) {
    const RulePhase ph = PhaseUnder(c.retention_rules[i], c.public_archives, in, day);
    if (!ph.votes) continue;
    if (ph.next_change != kNoRetentionDay &&
        (*next_any == kNoRetentionDay || ph.next_change < *next_any)) {
      *next_any = ph.next_change;
    }
    if (!best.votes || Rank(ph.phase) < Rank(best.phase) ||
        (Rank(ph.phase) == Rank(best.phase) &&
         ChangeKey(ph.next_change) > ChangeKey(best.next_change))) {
      best = ph;
      *chosen = i;
    }
  }
  return best;
}

}  // namespace

RetentionStatus CategoryRetention(const policy_internal::CompiledPolicy& c,
                                  const RetentionInput& in, uint32_t category, int32_t day,
                                  uint32_t* rule_id, int32_t* next_any) {
  RetentionStatus status;
  status.category = category;
  if (rule_id != nullptr) *rule_id = kRuleIndexNone;
  if (next_any != nullptr) *next_any = kNoRetentionDay;
  if (c.retention_first[category] == c.retention_first[category + 1]) return status;
  uint32_t chosen = 0;
  int32_t next = kNoRetentionDay;
  const RulePhase best = DecidingRule(c, in, category, day, &chosen, &next);
  if (next_any != nullptr) *next_any = next;
  const RetentionRuleTable& rule = c.retention_rules[chosen];
  if (rule_id != nullptr) *rule_id = chosen;
  status.activity = rule.activity;
  status.rule_index = rule.index;
  status.start = static_cast<RetentionStart>(rule.start);
  status.end_action = static_cast<RetentionEndAction>(rule.end_action);
  status.source = c.source.activities(static_cast<int>(rule.activity))
                      .retention(static_cast<int>(rule.index))
                      .source();
  if (best.votes) {
    status.phase = best.phase;
    status.since = best.since;
    status.next_change = best.next_change;
    status.next_phase = best.next_phase;
    status.start_day = best.start_day;
    status.hard_stop = best.hard_stop;
  }
  return status;
}

void BuildRetentionSchedule(const policy_internal::CompiledPolicy& c, int32_t birth_days,
                            bool case_open, const PersonState& st, RetentionSchedule* out) {
  out->valid = true;
  out->case_open = case_open;
  out->birth_days = birth_days;
  out->first.clear();
  out->steps.clear();
  const uint32_t categories = static_cast<uint32_t>(c.retention_first.size()) - 1;
  out->first.reserve(categories + 1);
  // Besides the rules' own changes, what RetentionInputOf reads of the day: whether the person
  // has died (a right, a follow-up, a case or a mandate in course ends then) and whether a
  // mandate is still in force (until the end of the last one).
  // One input for every day and category (its calendar memo shared): only whether a mandate is
  // in force depends on the day, as RetentionInputOf reads it (one ending after the day).
  constexpr int32_t kEarliest = std::numeric_limits<int32_t>::min() + 1;
  const int32_t death = st.retention.death;
  RetentionInput in = RetentionInputOf(birth_days, case_open, &st, kEarliest);
  const int32_t mandate_end = in.mandate_end;
  auto later = [](int32_t candidate, int32_t day, int32_t best) {
    if (candidate == kUnknownDate || candidate <= day) return best;
    return best == kUnknownDate || candidate < best ? candidate : best;
  };
  for (uint32_t k = 0; k < categories; ++k) {
    out->first.push_back(static_cast<uint32_t>(out->steps.size()));
    if (c.retention_first[k] == c.retention_first[k + 1]) {  // no rule: active, always
      out->steps.push_back(
          RetentionStep{kEarliest, kRuleIndexNone, static_cast<uint8_t>(RetentionPhase::kActive)});
      continue;
    }
    int32_t day = kEarliest;
    while (true) {
      in.mandate_in_course = mandate_end != kUnknownDate && mandate_end > day;
      uint32_t rule = 0;
      int32_t next = kNoRetentionDay;
      const RulePhase best = DecidingRule(c, in, k, day, &rule, &next);
      const auto phase = static_cast<uint8_t>(best.votes ? best.phase : RetentionPhase::kActive);
      if (out->steps.size() == out->first.back() || out->steps.back().phase != phase ||
          out->steps.back().rule != rule) {
        out->steps.push_back(RetentionStep{day, rule, phase});
      }
      int32_t to = later(next, day, kUnknownDate);
      to = later(death, day, to);
      to = later(mandate_end, day, to);
      if (to == kUnknownDate) break;
      day = to;
    }
  }
  out->first.push_back(static_cast<uint32_t>(out->steps.size()));
}

void SetNextPhase(const policy_internal::CompiledPolicy& c, const PersonRecord& x,
                  RetentionStatus* status) {
  if (status->next_change == kNoRetentionDay) return;
  const uint32_t rules =
      c.retention_first[status->category + 1] - c.retention_first[status->category];
  if (rules < 2) return;  // one rule: its own next phase is the category's
  const int32_t at = status->next_change;
  status->next_phase = CategoryRetention(c, RetentionInputOf(x, at), status->category, at).phase;
}

}  // namespace access_internal

// --- Public API -----------------------------------------------------------------------------

const char* RetentionPhaseName(RetentionPhase phase) {
  switch (phase) {
    case RetentionPhase::kActive:
      return "active";
    case RetentionPhase::kIntermediateArchive:
      return "intermediate_archive";
    case RetentionPhase::kDue:
      return "due";
    case RetentionPhase::kAwaitingVisa:
      return "awaiting_visa";
  }
  return "unspecified";
}

const char* RetentionEndActionName(RetentionEndAction action) {
  switch (action) {
    case RetentionEndAction::kDelete:
      return "delete";
    case RetentionEndAction::kAnonymise:
      return "anonymise";
    case RetentionEndAction::kDefinitiveArchive:
      return "definitive_archive";
    case RetentionEndAction::kUnspecified:
      break;
  }
  return "unspecified";
}

std::string RetentionDayText(int32_t day) {
  if (day == kNoRetentionDay) return "-";
  const absl::CivilDay d = core::DayFromNumber(day);
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

absl::StatusOr<RetentionStatus> AccessSnapshot::Retention(uint32_t person, uint32_t category,
                                                          absl::CivilDay day) const {
  const access_internal::SnapshotData& s = access_internal::Data(*this);
  const access_internal::PersonRecord* x = s.person(person);
  if (x == nullptr) {
    return MakeError(ErrorCode::kNotFound, "retention: person: no such person in the directory");
  }
  if (category >= s.tables->categories) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("retention: category ", category, " is out of range (",
                                  s.tables->categories, " categories)"));
  }
  const int32_t d = core::DayNumber(day);
  RetentionStatus out = access_internal::CategoryRetention(
      *s.tables->c, access_internal::RetentionInputOf(*x, d), category, d);
  access_internal::SetNextPhase(*s.tables->c, *x, &out);
  return out;
}

absl::StatusOr<std::vector<RetentionStatus>> AccessSnapshot::Retention(uint32_t person,
                                                                       absl::CivilDay day) const {
  const access_internal::SnapshotData& s = access_internal::Data(*this);
  const access_internal::PersonRecord* x = s.person(person);
  if (x == nullptr) {
    return MakeError(ErrorCode::kNotFound, "retention: person: no such person in the directory");
  }
  const int32_t d = core::DayNumber(day);
  const access_internal::RetentionInput in = access_internal::RetentionInputOf(*x, d);
  std::vector<RetentionStatus> out;
  out.reserve(s.tables->categories);
  for (uint32_t c = 0; c < s.tables->categories; ++c) {
    out.push_back(access_internal::CategoryRetention(*s.tables->c, in, c, d));
    access_internal::SetNextPhase(*s.tables->c, *x, &out.back());
  }
  return out;
}

absl::StatusOr<std::vector<RetentionStatus>> AccessEngine::Retention(
    absl::string_view person, std::optional<absl::CivilDay> day) const {
  const auto id = FindPerson(person);
  if (!id) {
    return MakeError(ErrorCode::kNotFound, "retention: person: no such person in the directory");
  }
  const absl::CivilDay on = day ? *day : core::LegalDayOf(clock().Now());
  return snapshot()->Retention(*id, on);
}

namespace {

std::string DateText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

}  // namespace

absl::StatusOr<uint64_t> RecordContact(AccessEngine& engine, const ContactSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::ContactRecorded* e = event.mutable_contact_recorded();
  e->set_person(spec.person);
  e->set_originator(static_cast<v1::ContactRecorded::Originator>(spec.originator));
  e->set_representative(spec.representative);
  if (spec.day) e->set_date(DateText(*spec.day));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RecordRight(AccessEngine& engine, absl::string_view person,
                                     absl::string_view activity,
                                     std::optional<absl::CivilDay> last_day) {
  v1::StateEvent event;
  v1::RightRecorded* e = event.mutable_right_recorded();
  e->set_person(std::string(person));
  e->set_activity(std::string(activity));
  if (last_day) e->set_end_date(DateText(*last_day));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RecordFollowUp(AccessEngine& engine, absl::string_view person,
                                        absl::string_view activity,
                                        std::optional<absl::CivilDay> last_day) {
  v1::StateEvent event;
  v1::FollowUpRecorded* e = event.mutable_follow_up_recorded();
  e->set_person(std::string(person));
  e->set_activity(std::string(activity));
  if (last_day) e->set_end_date(DateText(*last_day));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RecordDeath(AccessEngine& engine, absl::string_view person,
                                     absl::CivilDay day) {
  v1::StateEvent event;
  v1::DeathRecorded* e = event.mutable_death_recorded();
  e->set_person(std::string(person));
  e->set_date(DateText(day));
  return access_internal::ApplyNow(engine, event);
}

}  // namespace socle
