#include "socle/representation.hpp"

#include <limits>

#include "absl/strings/str_format.h"
#include "access/apply.h"
#include "access/person_facts.h"
#include "access/state.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle {
namespace {

constexpr int32_t kOpenEnded = std::numeric_limits<int32_t>::max();
const absl::CivilDay kEpoch(1970, 1, 1);

std::string DateText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

RepresentativeInfo Info(const access_internal::SnapshotData& s,
                        const access_internal::Representative& r) {
  RepresentativeInfo info;
  info.representative = std::string(s.ids->persons.Name(r.person));
  info.kind = static_cast<RepresentativeKind>(r.kind);
  info.from = kEpoch + r.from_day;
  if (r.to_day != kOpenEnded) info.to = kEpoch + r.to_day;
  return info;
}

}  // namespace

const char* RepresentativeKindName(RepresentativeKind kind) {
  switch (kind) {
    case RepresentativeKind::kParentalAuthority:
      return "parental_authority";
    case RepresentativeKind::kGuardianship:
      return "guardianship";
    case RepresentativeKind::kCuratorship:
      return "curatorship";
    case RepresentativeKind::kFamilyAuthorisation:
      return "family_authorisation";
    case RepresentativeKind::kProxy:
      return "proxy";
  }
  return "unspecified";
}

absl::StatusOr<uint64_t> SetRepresentative(AccessEngine& engine, const RepresentativeSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::RepresentativeSet* e = event.mutable_representative_set();
  e->set_person(spec.person);
  e->set_representative(spec.representative);
  e->set_kind(static_cast<v1::RepresentativeSet::Kind>(spec.kind));
  e->set_from_date(DateText(spec.from));
  if (spec.to) e->set_to_date(DateText(*spec.to));
  e->set_reference(spec.reference);
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> EndRepresentative(AccessEngine& engine, absl::string_view person,
                                           absl::string_view representative,
                                           RepresentativeKind kind, absl::CivilDay last_day,
                                           absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::RepresentativeEnded* e = event.mutable_representative_ended();
  e->set_person(std::string(person));
  e->set_representative(std::string(representative));
  e->set_kind(static_cast<v1::RepresentativeSet::Kind>(kind));
  e->set_to_date(DateText(last_day));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<std::vector<RepresentativeInfo>> Representatives(const AccessSnapshot& snapshot,
                                                                absl::string_view person) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, access_internal::FindPerson(s, "person", person));
  const access_internal::PersonRecord* record = s.person(id);
  std::vector<RepresentativeInfo> out;
  if (record->state == nullptr) return out;
  for (const access_internal::Representative& r : record->state->representatives) {
    out.push_back(Info(s, r));
  }
  return out;
}

absl::StatusOr<std::vector<RepresentativeInfo>> RepresentativesOn(const AccessSnapshot& snapshot,
                                                                  absl::string_view person,
                                                                  absl::CivilDay day) {
  const access_internal::SnapshotData& s = access_internal::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, access_internal::FindPerson(s, "person", person));
  const access_internal::PersonRecord* record = s.person(id);
  std::vector<RepresentativeInfo> out;
  if (record->state == nullptr) return out;
  const auto d = static_cast<int32_t>(day - kEpoch);
  for (const access_internal::Representative& r : record->state->representatives) {
    if (r.ActiveOn(d)) out.push_back(Info(s, r));
  }
  return out;
}

}  // namespace socle
