// The fold of MandateCreated, MandateUsed and MandateRevoked (REQ-63 to REQ-66; the rules are
// listed in socle/mandate.hpp). Messages name the field, never a person's id.
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "access/builder.h"
#include "access/event_checks.h"
#include "access/person_facts.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"

namespace socle::access_internal {
namespace {

constexpr int64_t kNanosPerDay = int64_t{86400} * 1000 * 1000 * 1000;
constexpr char kAttestationDomain[] = "socle.mandate.attestation.v1";

void AppendU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}
void AppendI64(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(u >> shift));
}
void AppendField(std::string& out, absl::string_view field) {
  AppendU32(out, static_cast<uint32_t>(field.size()));
  out.append(field.data(), field.size());
}

bool AllowedDuration(uint32_t days) {
  for (uint32_t d : kMandateDurationsDays) {
    if (d == days) return true;
  }
  return false;
}

absl::Status RepresentationRequired(absl::string_view what) {
  return MakeError(ErrorCode::kFailedPrecondition,
                   absl::StrCat("representation_required: ", what,
                                ": the person is under a representation measure on this day; "
                                "act through their representative (socle/representation.hpp)"));
}

}  // namespace

std::array<uint8_t, 32> MandateAttestation(absl::string_view aidant, absl::string_view person,
                                           absl::string_view structure,
                                           std::vector<absl::string_view> procedures,
                                           int64_t created_at, int64_t expires_at,
                                           absl::string_view template_version) {
  std::sort(procedures.begin(), procedures.end());
  std::string bytes(kAttestationDomain, sizeof(kAttestationDomain));  // with its 0x00
  AppendField(bytes, aidant);
  AppendField(bytes, person);
  AppendField(bytes, structure);
  AppendU32(bytes, static_cast<uint32_t>(procedures.size()));
  for (absl::string_view procedure : procedures) AppendField(bytes, procedure);
  AppendI64(bytes, created_at);
  AppendI64(bytes, expires_at);
  AppendField(bytes, template_version);
  return crypto::Sha256(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

MandateVerdict MandateUseVerdict(const Tables& t, const ProfessionalRecord& pro,
                                 const PersonRecord& person, const MandateRecord& m,
                                 uint32_t procedure, int64_t at) {
  if (pro.left) return MandateVerdict::kProfessionalLeft;
  const MandateAuthorisation* a = m.Find(procedure);
  if (a == nullptr) return MandateVerdict::kProcedureNotInMandate;
  if (at < m.created_at) return MandateVerdict::kNotYetCreated;
  if (at >= a->revoked_at) return MandateVerdict::kRevoked;
  if (at >= m.expires_at) return MandateVerdict::kExpired;
  if (pro.structure == kNoId || pro.structure != m.structure) {
    return MandateVerdict::kOtherStructure;
  }
  if (pro.role >= t.c->mandate_role.size() || !t.c->mandate_role[pro.role]) {
    return MandateVerdict::kRoleNotAllowed;
  }
  if (UnderRepresentationMeasure(person.state.get(), DayOf(at))) {
    return MandateVerdict::kRepresentationRequired;
  }
  return MandateVerdict::kAllowed;
}

absl::StatusOr<MandateOwner> Builder::KnownMandate(absl::string_view field,
                                                   absl::string_view id) const {
  SOCLE_RETURN_IF_ERROR(CheckId(field, id));
  const auto found = ids_.mandates.Find(id);
  if (!found || *found >= s_.mandates.size() || s_.mandates[*found].person == kNoId) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat(field, ": no such mandate"));
  }
  return s_.mandates[*found];
}

absl::Status Builder::CreateMandate(const v1::StateEvent& event) {
  const v1::MandateCreated& e = event.mandate_created();
  if (t_.c->mandate_procedures.size() == 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "mandate_created: the policy declares no mandates (mandates.procedures)");
  }
  SOCLE_RETURN_IF_ERROR(CheckId("mandate_created.mandate", e.mandate()));
  if (const auto id = ids_.mandates.Find(e.mandate());
      id && *id < s_.mandates.size() && s_.mandates[*id].person != kNoId) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "mandate_created.mandate: a mandate with this id exists");
  }
  SOCLE_ASSIGN_OR_RETURN(const uint32_t person, KnownPerson("mandate_created.person", e.person()));
  SOCLE_RETURN_IF_ERROR(CheckId("mandate_created.structure", e.structure()));
  if (e.procedures().empty()) {
    return Invalid("mandate_created.procedures is empty: name the procedure domains it covers");
  }
  std::vector<uint32_t> procedures;
  for (const std::string& name : e.procedures()) {
    const auto procedure = t_.c->mandate_procedures.Find(name);
    if (!procedure) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("mandate_created.procedures: '", name.substr(0, kMaxIdBytes),
                                    "' is not a procedure domain of the policy "
                                    "(mandates.procedures)"));
    }
    if (!InsertSorted(procedures, *procedure)) {
      return Invalid(absl::StrCat("mandate_created.procedures: '", name, "' is named twice"));
    }
  }
  if (!AllowedDuration(e.duration_days())) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("mandate_created.duration_days is ", e.duration_days(),
                                  "; a mandate lasts 1, 31, 182 or 365 days exactly (REQ-63)"));
  }
  if (e.template_version().empty()) {
    return Invalid(
        "mandate_created.template_version is empty: name the attestation text the person signed");
  }
  SOCLE_RETURN_IF_ERROR(CheckId("mandate_created.template_version", e.template_version()));
  if (!e.attestation_sha256().empty() && e.attestation_sha256().size() != 32) {
    return Invalid("mandate_created.attestation_sha256 is not 32 bytes (SHA-256)");
  }
  SOCLE_RETURN_IF_ERROR(RequireInvolvement(event));

  // Eligibility (REQ-66): a professional of a habilitated structure, with a listed role, acting
  // for that same structure.
  const ProfessionalRecord& aidant = s_.professionals[recorder_];
  if (!t_.c->mandate_structures.Find(e.structure())) {
    return MakeError(ErrorCode::kPermissionDenied,
                     absl::StrCat("mandate_created.structure: '", e.structure(),
                                  "' is not habilitated to hold mandates "
                                  "(mandates.habilitated_structures)"));
  }
  if (aidant.role >= t_.c->mandate_role.size() || !t_.c->mandate_role[aidant.role]) {
    return MakeError(
        ErrorCode::kPermissionDenied,
        absl::StrCat("mandate_created.recorded_by: role '", t_.c->roles.Name(aidant.role),
                     "' may not create mandates (mandates.roles)"));
  }
  const auto structure = ids_.labels.Find(e.structure());
  if (aidant.structure == kNoId || !structure || aidant.structure != *structure) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "mandate_created.recorded_by: the aidant is not a professional of the "
                     "mandate's structure (ProfessionalUpserted.structure)");
  }
  const PersonRecord& record = s_.persons[person];
  if (UnderRepresentationMeasure(record.state.get(), DayOf(at_))) {
    return RepresentationRequired("mandate_created.person");
  }
  // At most one authorisation in force per (person, procedure), whatever the structure (REQ-64).
  if (record.state != nullptr) {
    for (const MandateRecord& m : record.state->mandates) {
      for (const MandateAuthorisation& a : m.authorisations) {
        if (std::binary_search(procedures.begin(), procedures.end(), a.procedure) &&
            m.ActiveAt(a, at_)) {
          return MakeError(
              ErrorCode::kAlreadyExists,
              absl::StrCat("procedure_already_mandated: mandate_created.procedures: '",
                           t_.c->mandate_procedures.Name(a.procedure),
                           "' is already mandated for the person; it must be revoked or expire "
                           "before it is granted again (REQ-64)"));
        }
      }
    }
  }
  const int64_t days = int64_t{e.duration_days()} * kNanosPerDay;
  if (at_ > std::numeric_limits<int64_t>::max() - days) {
    return MakeError(ErrorCode::kOutOfRange, "mandate_created: the expiry is out of range");
  }
  const int64_t expires = at_ + days;

  std::vector<absl::string_view> names;
  for (uint32_t p : procedures) names.push_back(t_.c->mandate_procedures.Name(p));
  const std::array<uint8_t, 32> hash = MandateAttestation(
      event.recorded_by(), e.person(), e.structure(), names, at_, expires, e.template_version());
  if (!e.attestation_sha256().empty() &&
      std::memcmp(e.attestation_sha256().data(), hash.data(), hash.size()) != 0) {
    return Invalid(
        "mandate_created.attestation_sha256 does not match the mandate's terms (socle/mandate.hpp "
        "gives the encoding)");
  }

  MandateRecord m;
  m.id = e.mandate();
  m.structure = *structure;
  m.aidant = recorder_;
  m.created_at = at_;
  m.expires_at = expires;
  m.duration_days = e.duration_days();
  m.template_version = e.template_version();
  m.attestation = hash;
  for (uint32_t p : procedures) m.authorisations.push_back(MandateAuthorisation{p});
  attestation_ = hash;

  const uint32_t id = ids_.mandates.Intern(e.mandate());
  PersonRecord& r = MutablePerson(person);
  PersonState& state = MutableState(r);
  state.mandates.push_back(std::move(m));
  s_.mandates.Resize(id + 1, batch_);
  s_.mandates.Mutable(id, batch_) =
      MandateOwner{person, static_cast<uint32_t>(state.mandates.size() - 1)};
  return absl::OkStatus();
}

absl::Status Builder::UseMandate(const v1::StateEvent& event) {
  const v1::MandateUsed& e = event.mandate_used();
  SOCLE_ASSIGN_OR_RETURN(const MandateOwner owner,
                         KnownMandate("mandate_used.mandate", e.mandate()));
  const auto procedure = t_.c->mandate_procedures.Find(e.procedure());
  if (!procedure) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("mandate_used.procedure: '", e.procedure().substr(0, kMaxIdBytes),
                                  "' is not a procedure domain of the policy"));
  }
  SOCLE_RETURN_IF_ERROR(RequireInvolvement(event));
  const PersonRecord& person = s_.persons[owner.person];
  const MandateRecord& m = person.state->mandates[owner.index];
  const ProfessionalRecord& pro = s_.professionals[recorder_];
  MandateVerdict verdict = MandateUseVerdict(t_, pro, person, m, *procedure, at_);
  // Live, a use dated before the engine's clock must hold at the clock too: a late event does not
  // reopen what was revoked or has expired since. A replay folds as of the event's own time.
  if (verdict == MandateVerdict::kAllowed && !replay_ && now_ > at_) {
    verdict = MandateUseVerdict(t_, pro, person, m, *procedure, now_);
  }
  if (verdict == MandateVerdict::kRepresentationRequired) {
    return RepresentationRequired("mandate_used");
  }
  if (verdict != MandateVerdict::kAllowed) {
    return MakeError(ErrorCode::kPermissionDenied,
                     absl::StrCat("mandate_used: ", MandateVerdictName(verdict), " (procedure '",
                                  e.procedure(), "', professional '", event.recorded_by(), "')"));
  }
  PersonRecord& r = MutablePerson(owner.person);
  MandateRecord& mutable_m = MutableState(r).mandates[owner.index];
  for (MandateAuthorisation& a : mutable_m.authorisations) {
    if (a.procedure != *procedure) continue;
    ++a.uses;
    a.last_used_at = std::max(a.last_used_at, at_);
  }
  return absl::OkStatus();
}

absl::Status Builder::RevokeMandate(const v1::MandateRevoked& e) {
  SOCLE_ASSIGN_OR_RETURN(const MandateOwner owner,
                         KnownMandate("mandate_revoked.mandate", e.mandate()));
  const MandateRecord& m = s_.persons[owner.person].state->mandates[owner.index];
  std::vector<uint32_t> named;
  for (const std::string& name : e.procedures()) {
    const auto procedure = t_.c->mandate_procedures.Find(name);
    if (!procedure) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("mandate_revoked.procedures: '", name.substr(0, kMaxIdBytes),
                                    "' is not a procedure domain of the policy"));
    }
    if (!InsertSorted(named, *procedure)) {
      return Invalid(absl::StrCat("mandate_revoked.procedures: '", name, "' is named twice"));
    }
    const MandateAuthorisation* a = m.Find(*procedure);
    if (a == nullptr || !m.ActiveAt(*a, at_)) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("mandate_revoked.procedures: '", name,
                                    "' is not in force under this mandate (not covered, already "
                                    "revoked or expired)"));
    }
  }
  if (!e.by_person()) {
    const ProfessionalRecord& pro = s_.professionals[recorder_];
    if (pro.structure == kNoId || pro.structure != m.structure) {
      return MakeError(ErrorCode::kPermissionDenied,
                       "mandate_revoked.recorded_by: a revocation by the structure is recorded by "
                       "one of its professionals (or set by_person when the person revokes)");
    }
  }
  size_t revoked = 0;
  PersonRecord& r = MutablePerson(owner.person);
  MandateRecord& mutable_m = MutableState(r).mandates[owner.index];
  for (MandateAuthorisation& a : mutable_m.authorisations) {
    const bool wanted = named.empty() ? mutable_m.ActiveAt(a, at_)
                                      : std::binary_search(named.begin(), named.end(), a.procedure);
    if (!wanted) continue;
    a.revoked_at = at_;
    a.revoked_by_person = e.by_person();
    ++revoked;
  }
  if (revoked == 0) {
    return MakeError(ErrorCode::kNotFound,
                     "mandate_revoked: no authorisation of this mandate is in force (already "
                     "revoked or expired)");
  }
  return absl::OkStatus();
}

}  // namespace socle::access_internal
