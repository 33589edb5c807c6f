// Folding the retention facts (socle/retention.hpp): contacts with their originator, rights and
// follow-ups in course or ended, deaths, and the day a case closed. Days are legal days
// (Europe/Paris); a date after the day of the event's `at` is refused, so nothing is recorded
// ahead of time. Messages name the field, never the person.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "access/person_facts.h"
#include "access/retention.h"
#include "core/calendar.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::access_internal {

int32_t Builder::LegalDay() const { return core::LegalDayNumber(at_); }

absl::StatusOr<int32_t> Builder::PastDate(absl::string_view field, absl::string_view date,
                                          bool required) const {
  const int32_t today = LegalDay();
  if (date.empty()) {
    if (required) return Invalid(absl::StrCat(field, " is missing: write the date YYYY-MM-DD"));
    return today;
  }
  SOCLE_ASSIGN_OR_RETURN(const int32_t day, ParseDate(field, date));
  if (day > today) {
    return Invalid(absl::StrCat(field,
                                " is after the day of the event's `at`: a fact is "
                                "recorded once it has happened"));
  }
  return day;
}

absl::Status Builder::RecordContact(const v1::ContactRecorded& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("contact_recorded.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const int32_t day, PastDate("contact_recorded.date", e.date(), false));
  if (!v1::ContactRecorded::Kind_IsValid(e.kind())) {
    return Invalid(absl::StrCat("contact_recorded.kind: ", e.kind(), " is not a kind of contact"));
  }
  const v1::ContactRecorded::Originator originator = e.originator();
  switch (originator) {
    case v1::ContactRecorded::PERSON:
    case v1::ContactRecorded::PROFESSIONAL:
    case v1::ContactRecorded::BATCH:
      if (!e.representative().empty()) {
        return Invalid(
            "contact_recorded.representative is set, but the originator is not REPRESENTATIVE");
      }
      break;
    case v1::ContactRecorded::REPRESENTATIVE: {
      if (e.representative().empty()) {
        return Invalid(
            "contact_recorded.representative is missing: a contact from a representative "
            "names them");
      }
      SOCLE_ASSIGN_OR_RETURN(const uint32_t rep,
                             KnownPerson("contact_recorded.representative", e.representative()));
      const auto valid = RepresentativesOn(s_.persons[id].state.get(), day, ~0u);
      if (std::find(valid.begin(), valid.end(), rep) == valid.end()) {
        return Invalid(
            "contact_recorded.representative is not a representative of the person on the "
            "contact's date (representative_set; REQ-09)");
      }
      break;
    }
    default:
      return Invalid(
          "contact_recorded.originator: say who the contact came from (PERSON, REPRESENTATIVE, "
          "PROFESSIONAL or BATCH)");
  }
  if (s_.persons[id].state != nullptr) {
    const RetentionFacts& f = s_.persons[id].state->retention;
    if (f.death != kUnknownDate && day > f.death && (originator == v1::ContactRecorded::PERSON)) {
      return Invalid("contact_recorded.date is after the person's recorded death");
    }
  }
  RetentionFacts& f = MutableState(MutablePerson(id)).retention;
  const bool restarts = originator == v1::ContactRecorded::PERSON ||
                        originator == v1::ContactRecorded::REPRESENTATIVE;
  int32_t& last = restarts ? f.last_contact_from_person : f.last_contact_other;
  // Contacts may be recorded late and out of order: the clock counts from the latest.
  if (last == kUnknownDate || day > last) last = day;
  if (f.first_contact == kUnknownDate || day < f.first_contact) f.first_contact = day;
  ++f.contacts;
  return absl::OkStatus();
}

absl::Status Builder::RecordEnd(absl::string_view event, absl::string_view person,
                                absl::string_view activity, absl::string_view end_date,
                                RetentionEndKind kind) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson(absl::StrCat(event, ".person"), person));
  SOCLE_RETURN_IF_ERROR(CheckId(absl::StrCat(event, ".activity"), activity));
  const auto purpose = t_.c->activities.Find(activity);
  if (!purpose) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(event, ".activity: '", activity.substr(0, kMaxIdBytes),
                                  "' is not an activity of the policy"));
  }
  int32_t end = kUnknownDate;
  if (!end_date.empty()) {
    SOCLE_ASSIGN_OR_RETURN(end, PastDate(absl::StrCat(event, ".end_date"), end_date, true));
  }
  PersonState& st = MutableState(MutablePerson(id));
  std::vector<RetentionEnd>& ends = st.retention.ends;
  auto it = std::find_if(ends.begin(), ends.end(), [&](const RetentionEnd& x) {
    return x.activity == *purpose && x.kind == kind;
  });
  if (it == ends.end()) {
    RetentionEnd e{*purpose, kind, end};
    it = std::upper_bound(
        ends.begin(), ends.end(), e, [](const RetentionEnd& a, const RetentionEnd& b) {
          return a.activity != b.activity ? a.activity < b.activity : a.kind < b.kind;
        });
    ends.insert(it, e);
  } else {
    it->end_day = end;  // the latest event wins: a right renewed, an end corrected
  }
  return absl::OkStatus();
}

absl::Status Builder::RecordDeath(const v1::DeathRecorded& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("death_recorded.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const int32_t day, PastDate("death_recorded.date", e.date(), true));
  MutableState(MutablePerson(id)).retention.death = day;
  return absl::OkStatus();
}

void Builder::NoteCaseClosed(PersonRecord& person) {
  MutableState(person).retention.case_closed = LegalDay();
}

void Builder::SettleRetention() {
  std::sort(retention_dirty_.begin(), retention_dirty_.end());
  retention_dirty_.erase(std::unique(retention_dirty_.begin(), retention_dirty_.end()),
                         retention_dirty_.end());
  for (PersonRecord* person : retention_dirty_) {
    const PersonState* current = person->state.get();
    if (current == nullptr || (person->facts & kFactRetention) == 0) continue;
    const bool case_open = !person->teams.empty();
    if (current->retention_schedule.Applies(person->birth_days, case_open)) continue;
    PersonState& st = MutableState(*person);
    BuildRetentionSchedule(*t_.c, person->birth_days, case_open, st, &st.retention_schedule);
  }
  retention_dirty_.clear();
}

}  // namespace socle::access_internal
