#include "access/person_facts.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "access/event_checks.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::access_internal {
namespace {

constexpr int64_t kNanosPerDay = int64_t{86400} * 1000 * 1000 * 1000;

bool Has(const std::vector<uint32_t>& sorted, uint32_t value) {
  return std::binary_search(sorted.begin(), sorted.end(), value);
}

// Whether the people who gave `c` are enough for the person's age on `day` (REQ-08, REQ-09):
// under 15, the minor and every holder of parental authority; from 15 to 17, the minor; an adult
// (or age unknown), the person or a representative who represents them on that day.
bool GivenByEnough(const ConsentRecord& c, uint32_t person, const PersonRecord& record,
                   int32_t day) {
  const int age = AgeOn(record.birth_days, day);
  if (age >= 0 && age < 15) {
    if (!Has(c.given_by, person)) return false;
    const auto holders =
        RepresentativesOn(record.state.get(), day, KindBit(RepresentativeKind::kParentalAuthority));
    if (holders.empty()) return false;  // no holder recorded: nobody can complete the consent
    for (uint32_t holder : holders) {
      if (!Has(c.given_by, holder)) return false;
    }
    return true;
  }
  if (Has(c.given_by, person)) return true;
  if (age >= 0 && age < 18) return false;  // from 15 on, the minor's own consent (LIL art. 45)
  // An adult represented by a guardian, a family authorisation or a proxy consents through them;
  // a curator only assists: the person consents themselves.
  constexpr uint32_t kRepresenting = KindBit(RepresentativeKind::kGuardianship) |
                                     KindBit(RepresentativeKind::kFamilyAuthorisation) |
                                     KindBit(RepresentativeKind::kProxy);
  for (uint32_t representative : RepresentativesOn(record.state.get(), day, kRepresenting)) {
    if (Has(c.given_by, representative)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<uint32_t> FindPerson(const SnapshotData& s, absl::string_view field,
                                    absl::string_view id) {
  SOCLE_RETURN_IF_ERROR(CheckId(field, id));
  const std::optional<uint32_t> found = s.ids->persons.Find(id);
  if (!found || s.person(*found) == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(field, ": no such person in the directory"));
  }
  return *found;
}

absl::StatusOr<uint32_t> FindProfessional(const SnapshotData& s, absl::string_view field,
                                          absl::string_view id) {
  SOCLE_RETURN_IF_ERROR(CheckId(field, id));
  const std::optional<uint32_t> found = s.ids->professionals.Find(id);
  if (!found || s.professional(*found) == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(field, ": no such professional in the directory"));
  }
  return *found;
}

int32_t DayOf(int64_t unix_nanos) {
  int64_t day = unix_nanos / kNanosPerDay;
  if (unix_nanos % kNanosPerDay < 0) --day;  // floor
  return static_cast<int32_t>(day);
}

int AgeOn(int32_t birth_day, int32_t day) {
  if (birth_day == kUnknownDate || day < birth_day) return -1;
  const absl::CivilDay epoch(1970, 1, 1);
  const absl::CivilDay born = epoch + birth_day;
  const absl::CivilDay on = epoch + day;
  int age = static_cast<int>(on.year() - born.year());
  // Not yet the birthday this year. Born on 29 February: (2, 28) comes before (2, 29), so the
  // year is gained on 1 March in a common year.
  if (on.month() < born.month() || (on.month() == born.month() && on.day() < born.day())) --age;
  return age;
}

absl::InlinedVector<uint32_t, 2> RepresentativesOn(const PersonState* state, int32_t day,
                                                   uint32_t kinds) {
  absl::InlinedVector<uint32_t, 2> out;
  if (state == nullptr) return out;
  for (const Representative& r : state->representatives) {
    if ((kinds & KindBit(r.kind)) != 0 && r.ActiveOn(day) &&
        std::find(out.begin(), out.end(), r.person) == out.end()) {
      out.push_back(r.person);
    }
  }
  return out;
}

bool UnderRepresentationMeasure(const PersonState* state, int32_t day) {
  constexpr uint32_t kAdultMeasures =
      KindBit(RepresentativeKind::kGuardianship) | KindBit(RepresentativeKind::kCuratorship) |
      KindBit(RepresentativeKind::kFamilyAuthorisation) | KindBit(RepresentativeKind::kProxy);
  return !RepresentativesOn(state, day, kAdultMeasures).empty();
}

bool ConsentComplete(const PersonRecord& record, uint32_t person, const ConsentRecord& c,
                     int64_t at) {
  const int32_t given = DayOf(c.given_at);
  const int32_t day = DayOf(at);
  return GivenByEnough(c, person, record, given) &&
         (day == given || GivenByEnough(c, person, record, day));
}

const ConsentRecord* ValidConsent(const SnapshotData& s, uint32_t person, uint32_t purpose,
                                  ConsentScope scope, uint32_t category, uint32_t recipient,
                                  int64_t at) {
  const PersonRecord* record = s.person(person);
  if (record == nullptr || record->state == nullptr) return nullptr;
  // The newest grant first: a later grant for the same purpose and scope ended the earlier one.
  const std::vector<ConsentRecord>& consents = record->state->consents;
  for (auto it = consents.rbegin(); it != consents.rend(); ++it) {
    const ConsentRecord& c = *it;
    if (c.purpose != purpose || c.scope != scope || !c.ValidAt(at)) continue;
    if (category != kNoId && !c.categories.empty() && !Has(c.categories, category)) continue;
    if (scope == ConsentScope::kSharing && recipient != kNoId) {
      const ProfessionalRecord* p = s.professional(recipient);
      if (!Has(c.recipients, recipient) && (p == nullptr || !Has(c.recipient_roles, p->role))) {
        continue;
      }
    }
    if (!ConsentComplete(*record, person, c, at)) continue;
    return &c;
  }
  return nullptr;
}

ConsentVerdict ConsentVerdictAt(const SnapshotData& s, uint32_t person, uint32_t purpose,
                                ConsentScope scope, uint32_t category, uint32_t recipient,
                                int64_t at, const ConsentRecord** record) {
  *record = ValidConsent(s, person, purpose, scope, category, recipient, at);
  if (*record != nullptr) return ConsentVerdict::kValid;
  const PersonRecord* person_record = s.person(person);
  if (person_record == nullptr || person_record->state == nullptr) {
    return ConsentVerdict::kNotGiven;
  }
  const std::vector<ConsentRecord>& consents = person_record->state->consents;
  for (auto it = consents.rbegin(); it != consents.rend(); ++it) {
    if (it->purpose == purpose && it->scope == scope && it->given_at <= at) {
      *record = &*it;
      break;
    }
  }
  const ConsentRecord* c = *record;
  if (c == nullptr) return ConsentVerdict::kNotGiven;
  if (at >= c->ended_at && c->ended_at <= c->expires_at) {
    switch (c->ended_by) {
      case ConsentEnd::kWithdrawn:
        return ConsentVerdict::kWithdrawn;
      case ConsentEnd::kReplaced:
        return ConsentVerdict::kReplaced;
      case ConsentEnd::kCaseClosed:
        return ConsentVerdict::kCaseClosed;
      default:
        break;
    }
  }
  if (!c->ValidAt(at)) return ConsentVerdict::kExpired;
  if (category != kNoId && !c->categories.empty() && !Has(c->categories, category)) {
    return ConsentVerdict::kCategoryNotCovered;
  }
  if (scope == ConsentScope::kSharing && recipient != kNoId) {
    const ProfessionalRecord* p = s.professional(recipient);
    if (!Has(c->recipients, recipient) && (p == nullptr || !Has(c->recipient_roles, p->role))) {
      return ConsentVerdict::kRecipientNotCovered;
    }
  }
  // Valid in time and scope, so the people who gave it are not enough.
  const int given_age = AgeOn(person_record->birth_days, DayOf(c->given_at));
  const int age = AgeOn(person_record->birth_days, DayOf(at));
  return (given_age >= 0 && given_age < 18) || (age >= 0 && age < 18)
             ? ConsentVerdict::kIncompleteForMinor
             : ConsentVerdict::kIncompleteForAdult;
}

std::optional<ObjectionOutcome> ObjectionAt(const PersonState* state, ObjectionKind kind,
                                            uint32_t purpose, int64_t at) {
  if (state == nullptr) return std::nullopt;
  for (const Objection& o : state->objections) {
    if (o.kind != kind || (kind == ObjectionKind::kProcessing && o.purpose != purpose)) continue;
    if (at < o.recorded_at || at >= o.withdrawn_at) continue;
    if (at < o.decided_at) return ObjectionOutcome::kPending;
    if (o.outcome == ObjectionOutcome::kUpheld) return ObjectionOutcome::kUpheld;
  }
  return std::nullopt;
}

}  // namespace socle::access_internal
