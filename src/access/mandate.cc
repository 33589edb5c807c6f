#include "socle/mandate.hpp"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "access/apply.h"
#include "access/person_facts.h"
#include "access/state.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle {
namespace {

using access_internal::kNever;
using access_internal::MandateAuthorisation;
using access_internal::MandateOwner;
using access_internal::MandateRecord;
using access_internal::SnapshotData;

void SetInvolvement(const MandateInvolvement& involvement, v1::StateEvent& event) {
  event.mutable_involvement()->set_kind(static_cast<v1::PersonInvolvement::Kind>(involvement.kind));
  event.mutable_involvement()->set_reason(involvement.reason);
}

// The record of mandate `id`, or NOT_FOUND.
absl::StatusOr<const MandateRecord*> FindMandate(const SnapshotData& s, absl::string_view id) {
  const std::optional<uint32_t> dense = s.ids->mandates.Find(id);
  if (dense && *dense < s.state.mandates.size()) {
    const MandateOwner& owner = s.state.mandates[*dense];
    const access_internal::PersonRecord* person =
        owner.person != kNoId ? s.person(owner.person) : nullptr;
    if (person != nullptr && person->state != nullptr &&
        owner.index < person->state->mandates.size()) {
      return &person->state->mandates[owner.index];
    }
  }
  return MakeError(ErrorCode::kNotFound, "mandate: no such mandate");
}

int64_t TimeOf(const SnapshotData& s, absl::Time time) {
  // As decisions do: a time before the clock counts as the clock's, so nothing that has expired
  // or been revoked since reopens.
  const absl::Time now = s.clock->Now();
  return absl::ToUnixNanos(time > now ? time : now);
}

// `t` + `years` calendar years, in UTC (29 February + 6 years is 1 March).
absl::Time AddYears(absl::Time t, uint32_t years) {
  if (t == absl::InfiniteFuture()) return t;
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond second = absl::ToCivilSecond(t, utc);
  const absl::Duration fraction = t - absl::FromCivil(second, utc);
  const absl::CivilSecond later(second.year() + years, second.month(), second.day(), second.hour(),
                                second.minute(), second.second());
  return absl::FromCivil(later, utc) + fraction;
}

MandateState StateOf(const MandateRecord& m, const MandateAuthorisation& a, int64_t t) {
  if (a.revoked_at != kNever && a.revoked_at <= t && a.revoked_at < m.expires_at) {
    return MandateState::kRevoked;
  }
  if (t >= m.expires_at) return MandateState::kExpired;
  return MandateState::kActive;
}

}  // namespace

const char* MandateStateName(MandateState state) {
  switch (state) {
    case MandateState::kActive:
      return "active";
    case MandateState::kRevoked:
      return "revoked";
    case MandateState::kExpired:
      return "expired";
  }
  return "unspecified";
}

const char* MandateVerdictName(MandateVerdict verdict) {
  switch (verdict) {
    case MandateVerdict::kAllowed:
      return "allowed";
    case MandateVerdict::kProcedureNotInMandate:
      return "procedure_not_in_mandate";
    case MandateVerdict::kRevoked:
      return "revoked";
    case MandateVerdict::kExpired:
      return "expired";
    case MandateVerdict::kNotYetCreated:
      return "not_yet_created";
    case MandateVerdict::kOtherStructure:
      return "other_structure";
    case MandateVerdict::kRoleNotAllowed:
      return "role_not_allowed";
    case MandateVerdict::kProfessionalLeft:
      return "professional_left";
    case MandateVerdict::kRepresentationRequired:
      return "representation_required";
  }
  return "unspecified";
}

std::array<uint8_t, 32> MandateAttestationSha256(absl::string_view aidant, absl::string_view person,
                                                 absl::string_view structure,
                                                 absl::Span<const std::string> procedures,
                                                 absl::Time created_at, absl::Time expires_at,
                                                 absl::string_view template_version) {
  std::vector<absl::string_view> names(procedures.begin(), procedures.end());
  return access_internal::MandateAttestation(aidant, person, structure, std::move(names),
                                             absl::ToUnixNanos(created_at),
                                             absl::ToUnixNanos(expires_at), template_version);
}

absl::StatusOr<CreatedMandate> CreateMandate(AccessEngine& engine, const MandateSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.aidant);
  SetInvolvement(spec.involvement, event);
  v1::MandateCreated* e = event.mutable_mandate_created();
  e->set_mandate(spec.mandate);
  e->set_person(spec.person);
  e->set_structure(spec.structure);
  for (const std::string& procedure : spec.procedures) e->add_procedures(procedure);
  e->set_duration_days(spec.duration_days);
  e->set_template_version(spec.template_version);
  CreatedMandate out;
  SOCLE_ASSIGN_OR_RETURN(out.revision, access_internal::ApplyNow(engine, event));
  // Read back what the engine folded: the hash it computed and the expiry it gave.
  const std::shared_ptr<const AccessSnapshot> snapshot = engine.snapshot();
  SOCLE_ASSIGN_OR_RETURN(const MandateRecord* m,
                         FindMandate(access_internal::Data(*snapshot), spec.mandate));
  out.attestation_sha256 = m->attestation;
  out.created_at = absl::FromUnixNanos(m->created_at);
  out.expires_at = absl::FromUnixNanos(m->expires_at);
  return out;
}

absl::StatusOr<uint64_t> UseMandate(AccessEngine& engine, absl::string_view mandate,
                                    absl::string_view procedure, absl::string_view professional,
                                    const MandateInvolvement& involvement) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(professional));
  SetInvolvement(involvement, event);
  v1::MandateUsed* e = event.mutable_mandate_used();
  e->set_mandate(std::string(mandate));
  e->set_procedure(std::string(procedure));
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RevokeMandate(AccessEngine& engine, absl::string_view mandate,
                                       absl::Span<const std::string> procedures, bool by_person,
                                       absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::MandateRevoked* e = event.mutable_mandate_revoked();
  e->set_mandate(std::string(mandate));
  for (const std::string& procedure : procedures) e->add_procedures(procedure);
  e->set_by_person(by_person);
  return access_internal::ApplyNow(engine, event);
}

absl::StatusOr<std::vector<MandateInfo>> Mandates(const AccessSnapshot& snapshot,
                                                  absl::string_view person, absl::Time time) {
  const SnapshotData& s = access_internal::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, access_internal::FindPerson(s, "person", person));
  const access_internal::PersonRecord* record = s.person(id);
  std::vector<MandateInfo> out;
  if (record->state == nullptr) return out;
  const int64_t t =
      time == absl::InfinitePast() ? absl::ToUnixNanos(s.clock->Now()) : absl::ToUnixNanos(time);
  const uint32_t retention = s.tables->c->mandate_retention_years;
  for (const MandateRecord& m : record->state->mandates) {
    MandateInfo info;
    info.mandate = m.id;
    info.structure = std::string(s.ids->labels.Name(m.structure));
    info.aidant = std::string(s.ids->professionals.Name(m.aidant));
    info.created_at = absl::FromUnixNanos(m.created_at);
    info.expires_at = absl::FromUnixNanos(m.expires_at);
    info.duration_days = m.duration_days;
    info.template_version = m.template_version;
    info.attestation_sha256 = m.attestation;
    bool active = false, revoked_all = true;
    for (const MandateAuthorisation& a : m.authorisations) {
      MandateProcedureInfo p;
      p.procedure = std::string(s.tables->c->mandate_procedures.Name(a.procedure));
      p.state = StateOf(m, a, t);
      if (a.revoked_at != kNever && a.revoked_at <= t) {
        p.revoked_at = absl::FromUnixNanos(a.revoked_at);
        p.revoked_by_person = a.revoked_by_person;
      }
      p.uses = a.uses;
      if (a.uses > 0) p.last_used_at = absl::FromUnixNanos(a.last_used_at);
      active = active || p.state == MandateState::kActive;
      revoked_all = revoked_all && p.state == MandateState::kRevoked;
      info.procedures.push_back(std::move(p));
    }
    info.state = active        ? MandateState::kActive
                 : revoked_all ? MandateState::kRevoked
                               : MandateState::kExpired;
    info.ends_at = absl::FromUnixNanos(m.EndsAt());
    info.keep_until = AddYears(info.ends_at, retention);
    out.push_back(std::move(info));
  }
  return out;
}

absl::StatusOr<MandateVerdict> CheckMandate(const AccessSnapshot& snapshot,
                                            absl::string_view mandate, absl::string_view procedure,
                                            absl::string_view professional, absl::Time time) {
  const SnapshotData& s = access_internal::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const MandateRecord* m, FindMandate(s, mandate));
  const std::optional<uint32_t> p = s.tables->c->mandate_procedures.Find(procedure);
  if (!p) {
    return MakeError(ErrorCode::kNotFound,
                     "procedure: not a procedure domain of the policy (mandates.procedures)");
  }
  SOCLE_ASSIGN_OR_RETURN(const uint32_t pro,
                         access_internal::FindProfessional(s, "professional", professional));
  const access_internal::ProfessionalRecord* record = s.professional(pro);
  const MandateOwner& owner = s.state.mandates[*s.ids->mandates.Find(mandate)];
  return access_internal::MandateUseVerdict(*s.tables, *record, *s.person(owner.person), *m, *p,
                                            TimeOf(s, time));
}

}  // namespace socle
