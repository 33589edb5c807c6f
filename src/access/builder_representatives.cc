// The fold of RepresentativeSet and RepresentativeEnded (REQ-09): who may act for a person, over
// which dates. Messages name the field, never a person's id.
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "access/person_facts.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::access_internal {
namespace {

constexpr int32_t kOpenEnded = std::numeric_limits<int32_t>::max();

absl::StatusOr<RepresentativeKind> KindOf(absl::string_view field,
                                          v1::RepresentativeSet::Kind kind) {
  if (kind < v1::RepresentativeSet::PARENTAL_AUTHORITY || kind > v1::RepresentativeSet::PROXY) {
    return Invalid(absl::StrCat(field, " ", static_cast<int>(kind),
                                " is not a kind of representation (1 parental authority to 5 "
                                "proxy)"));
  }
  return static_cast<RepresentativeKind>(kind);
}

// The last day of a minor's parental authority: the day before their 18th birthday (born on 29
// February: 28 February, the day before 1 March of a common year).
int32_t LastDayOfMinority(int32_t birth_day) {
  const absl::CivilDay epoch(1970, 1, 1);
  const absl::CivilDay born = epoch + birth_day;
  const absl::CivilDay majority(born.year() + 18, born.month(), born.day());  // 29/2 → 1/3
  return static_cast<int32_t>(majority - epoch) - 1;
}

bool Overlaps(const Representative& r, int32_t from, int32_t to) {
  return r.from_day <= to && from <= r.to_day;
}

}  // namespace

absl::Status Builder::SetRepresentative(const v1::RepresentativeSet& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("representative_set.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t rep,
                         KnownPerson("representative_set.representative", e.representative()));
  if (rep == id) {
    return Invalid(
        "representative_set.representative is the person: a person is not their own "
        "representative");
  }
  SOCLE_ASSIGN_OR_RETURN(const RepresentativeKind kind,
                         KindOf("representative_set.kind", e.kind()));
  if (e.from_date().empty()) return Invalid("representative_set.from_date is empty");
  SOCLE_ASSIGN_OR_RETURN(const int32_t from,
                         ParseDate("representative_set.from_date", e.from_date()));
  int32_t to = kOpenEnded;
  if (!e.to_date().empty()) {
    SOCLE_ASSIGN_OR_RETURN(to, ParseDate("representative_set.to_date", e.to_date()));
    if (to < from) {
      return MakeError(ErrorCode::kOutOfRange, "representative_set.to_date is before from_date");
    }
  }
  SOCLE_RETURN_IF_ERROR(CheckText("representative_set.reference", e.reference()));

  const int32_t birth = s_.persons[id].birth_days;
  switch (kind) {
    case RepresentativeKind::kParentalAuthority: {
      if (birth == kUnknownDate) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "representative_set: parental authority needs the person's birth date "
                         "(person_upserted.birth_date)");
      }
      const int32_t last = LastDayOfMinority(birth);
      if (from > last) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "representative_set.from_date: the person is of age then; parental "
                         "authority ends at 18");
      }
      if (to > last) to = last;  // it ends at majority, whatever the event says
      break;
    }
    case RepresentativeKind::kCuratorship:
    case RepresentativeKind::kFamilyAuthorisation:
      if (birth != kUnknownDate && AgeOn(birth, from) < 18) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "representative_set.kind: curatorship and family authorisation protect "
                         "adults; the person is a minor on from_date");
      }
      break;
    default:
      break;
  }

  // A representative acts for themselves: one who is represented in turn (guardianship, family
  // authorisation) over these dates, or whom the person represents, is refused.
  if (const PersonState* theirs = s_.persons[rep].state.get(); theirs != nullptr) {
    for (const Representative& r : theirs->representatives) {
      if (!Overlaps(r, from, to)) continue;
      if (r.person == id) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "representative_set.representative is represented by the person over "
                         "these dates: representation cannot go both ways");
      }
      if (r.kind == RepresentativeKind::kGuardianship ||
          r.kind == RepresentativeKind::kFamilyAuthorisation) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "representative_set.representative is under a representation measure "
                         "over these dates: a representative of a representative is refused");
      }
    }
  }
  if (const PersonState* current = s_.persons[id].state.get(); current != nullptr) {
    for (const Representative& r : current->representatives) {
      if (r.person == rep && r.kind == kind && Overlaps(r, from, to)) {
        return MakeError(ErrorCode::kAlreadyExists,
                         "representative_set: this representative already holds this kind of "
                         "representation over some of these dates");
      }
    }
  }

  PersonRecord& r = MutablePerson(id);
  MutableState(r).representatives.push_back(Representative{rep, kind, from, to});
  Settle(r);
  return absl::OkStatus();
}

absl::Status Builder::EndRepresentative(const v1::RepresentativeEnded& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("representative_ended.person", e.person()));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t rep,
                         KnownPerson("representative_ended.representative", e.representative()));
  SOCLE_ASSIGN_OR_RETURN(const RepresentativeKind kind,
                         KindOf("representative_ended.kind", e.kind()));
  if (e.to_date().empty()) return Invalid("representative_ended.to_date is empty");
  SOCLE_ASSIGN_OR_RETURN(const int32_t to, ParseDate("representative_ended.to_date", e.to_date()));
  const PersonState* current = s_.persons[id].state.get();
  int found = -1;
  if (current != nullptr) {
    for (size_t i = 0; i < current->representatives.size(); ++i) {
      const Representative& r = current->representatives[i];
      if (r.person == rep && r.kind == kind && r.from_day <= to && to < r.to_day) {
        found = static_cast<int>(i);
      }
    }
  }
  if (found < 0) {
    return MakeError(ErrorCode::kNotFound,
                     "representative_ended: no representation of this kind by this representative "
                     "runs past to_date (it may have ended already, or start later)");
  }
  PersonRecord& r = MutablePerson(id);
  MutableState(r).representatives[static_cast<size_t>(found)].to_day = to;
  Settle(r);
  return absl::OkStatus();
}

}  // namespace socle::access_internal
