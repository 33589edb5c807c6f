// socle/person_summary.hpp: the person summary is read from one snapshot by the queries of each
// part (consent.hpp, representation.hpp, sharing.hpp, mandate.hpp and their readers in
// person_queries.h), so it says exactly what they say; only the parts with no query (masks,
// blocks, sessions, who can reach the file) are read here from the person's state.
#include "socle/person_summary.hpp"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "access/facts.h"
#include "access/person_facts.h"
#include "access/person_queries.h"
#include "access/state.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/v1/person_summary.pb.h"

namespace socle {
namespace {

namespace ai = access_internal;
using v1::PersonSummary_Consent;

const absl::CivilDay kEpoch(1970, 1, 1);

// What a session or a holder's professional is: their role and structure.
template <typename Info>
void Describe(const AccessSnapshot& snapshot, uint32_t professional, Info* info) {
  if (const auto facts = ai::DescribeProfessional(snapshot, professional)) {
    info->role = std::string(facts->role);
    info->structure = std::string(facts->structure);
  }
}

// The summary shows what stood at `at`: the parts that carry their own times drop what came
// later and forget endings that came later.
void ConsentsAsOf(int64_t at, std::vector<ConsentInfo>* consents) {
  const absl::Time t = absl::FromUnixNanos(at);
  std::erase_if(*consents, [&](const ConsentInfo& c) { return c.given_at > t; });
  for (ConsentInfo& c : *consents) {
    if (c.ended_at <= t) continue;
    c.ended_at = absl::InfiniteFuture();
    c.withdrawn_by.clear();
    c.withdrawal_channel = ConsentChannel::kInPerson;
    c.ended_revision = 0;
  }
}

void ObjectionsAsOf(absl::Time t, std::vector<ObjectionInfo>* objections) {
  std::erase_if(*objections, [&](const ObjectionInfo& o) { return o.recorded_at > t; });
  for (ObjectionInfo& o : *objections) {
    if (o.decided_at > t) {
      o.outcome = ObjectionOutcome::kPending;
      o.decided_at = absl::InfiniteFuture();
      o.decided_by.clear();
      o.justification.clear();
      o.decided_revision = 0;
    }
    if (o.withdrawn_at > t) o.withdrawn_at = absl::InfiniteFuture();
  }
}

}  // namespace

absl::StatusOr<PersonSummary> SummarisePerson(const AccessSnapshot& snapshot,
                                              absl::string_view person, absl::Time time) {
  const ai::SnapshotData& s = ai::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, ai::FindPerson(s, "person", person));
  const ai::PersonRecord& record = *s.person(id);
  const ai::PersonState* st = record.state.get();
  const absl::Time at = time == absl::InfinitePast() ? s.clock->Now() : time;
  const int64_t at_nanos = absl::ToUnixNanos(at);

  PersonSummary out;
  out.person = std::string(person);
  out.at = at;
  out.revision = s.state.revision;
  if (record.birth_days != ai::kUnknownDate) {
    out.birth_date = absl::FormatCivilTime(kEpoch + record.birth_days);
  }
  if (record.referent != kNoId) {
    out.referent = std::string(s.ids->professionals.Name(record.referent));
  }
  for (uint32_t team : record.teams) out.teams.push_back(std::string(s.ids->teams.Name(team)));

  out.consents = ai::ConsentInfos(s, st, at_nanos);
  ConsentsAsOf(at_nanos, &out.consents);
  SOCLE_ASSIGN_OR_RETURN(out.objections, Objections(snapshot, person));
  ObjectionsAsOf(at, &out.objections);
  SOCLE_ASSIGN_OR_RETURN(out.representatives, Representatives(snapshot, person));
  SOCLE_ASSIGN_OR_RETURN(out.mandates, Mandates(snapshot, person, at));
  std::erase_if(out.mandates, [&](const MandateInfo& m) { return m.created_at > at; });
  SOCLE_ASSIGN_OR_RETURN(out.shares, Shares(snapshot, person));
  std::erase_if(out.shares, [&](const ShareInfo& x) { return x.at > at; });
  out.open_follow_ups = ai::FollowUpsOpenAt(st, at_nanos);

  if (st != nullptr) {
    out.objects_to_emergency_access = st->objects_to_emergency_access;
    const auto& c = *s.tables->c;
    for (const ai::Mask& m : st->masks) {
      MaskInfo info;
      info.item = m.item;
      if (m.category != kNoId) info.category = std::string(c.data_categories.Name(m.category));
      info.audience = m.audience;
      if (m.audience == MaskAudience::kRole && m.audience_id != kNoId) {
        info.audience_id = std::string(c.roles.Name(m.audience_id));
      } else if (m.audience == MaskAudience::kProfessional && m.audience_id != kNoId) {
        info.audience_id = std::string(s.ids->professionals.Name(m.audience_id));
      }
      out.masks.push_back(std::move(info));
    }
    for (uint32_t pro : st->blocked) {
      out.blocked.push_back(std::string(s.ids->professionals.Name(pro)));
    }
    for (const ai::Session& session : st->sessions) {
      if (session.opened_at > at_nanos || at_nanos >= session.expires_at) continue;
      BreakGlassInfo info;
      info.professional = std::string(s.ids->professionals.Name(session.professional));
      Describe(snapshot, session.professional, &info);
      if (session.reason_code < s.tables->reason_codes.size()) {
        info.reason_code = std::string(s.tables->reason_codes.Name(session.reason_code));
      }
      info.opened_at = absl::FromUnixNanos(session.opened_at);
      info.expires_at = absl::FromUnixNanos(session.expires_at);
      out.break_glass_sessions.push_back(std::move(info));
    }
  }

  SOCLE_ASSIGN_OR_RETURN(const std::vector<AccessHolder> holders,
                         snapshot.ListAccessHolders(id, time));
  out.access.reserve(holders.size());
  for (const AccessHolder& h : holders) {
    AccessHolderInfo info;
    info.professional = std::string(s.ids->professionals.Name(h.professional));
    Describe(snapshot, h.professional, &info);
    info.basis = h.basis;
    if (h.team != kNoId) info.team = std::string(s.ids->teams.Name(h.team));
    info.expires_at = h.expires_at;
    info.reference = h.reference;
    out.access.push_back(std::move(info));
  }
  return out;
}

// ----------------------------------------------------------------------------------------------
// socle.v1.PersonSummary

namespace {

template <typename Repeated, typename Strings>
void AddAll(const Strings& from, Repeated* to) {
  for (const auto& v : from) to->Add(std::string(v));
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

v1::PersonSummary ToProto(const PersonSummary& x) {
  v1::PersonSummary p;
  p.set_format_version(1);
  p.set_person(x.person);
  core::SetTimestampIfFinite(x.at, [&] { return p.mutable_at(); });
  p.set_revision(x.revision);
  p.set_birth_date(x.birth_date);
  p.set_referent(x.referent);
  AddAll(x.teams, p.mutable_teams());
  for (const ConsentInfo& c : x.consents) {
    PersonSummary_Consent& q = *p.add_consents();
    q.set_purpose(c.purpose);
    q.set_scope(static_cast<v1::ConsentGiven::Scope>(c.scope));
    AddAll(c.given_by, q.mutable_given_by());
    q.set_information_version(c.information_version);
    q.set_notice_language(c.notice_language);
    q.set_information_sha256(absl::BytesToHexString(c.information_sha256));
    q.set_channel(static_cast<v1::Channel>(c.channel));
    q.set_evidence_reference(c.evidence_reference);
    AddAll(c.categories, q.mutable_categories());
    AddAll(c.recipients, q.mutable_recipients());
    AddAll(c.recipient_roles, q.mutable_recipient_roles());
    q.set_supports(c.supports);
    q.set_security_measures(c.security_measures);
    q.set_recorded_by(c.recorded_by);
    q.set_revision(c.revision);
    core::SetTimestampIfFinite(c.given_at, [&] { return q.mutable_given_at(); });
    core::SetTimestampIfFinite(c.expires_at, [&] { return q.mutable_expires_at(); });
    core::SetTimestampIfFinite(c.ended_at, [&] { return q.mutable_ended_at(); });
    q.set_state(static_cast<PersonSummary_Consent::State>(c.state));
    q.set_withdrawn_by(c.withdrawn_by);
    if (c.state == ConsentState::kWithdrawn) {
      q.set_withdrawal_channel(static_cast<v1::Channel>(c.withdrawal_channel));
    }
    q.set_ended_revision(c.ended_revision);
  }
  for (const ObjectionInfo& o : x.objections) {
    v1::PersonSummary_Objection& q = *p.add_objections();
    q.set_kind(static_cast<v1::ObjectionRecorded::Kind>(o.kind));
    q.set_purpose(o.purpose);
    q.set_objected_by(o.objected_by);
    q.set_informed_evidence(o.informed_evidence);
    q.set_recorded_by(o.recorded_by);
    q.set_revision(o.revision);
    core::SetTimestampIfFinite(o.recorded_at, [&] { return q.mutable_recorded_at(); });
    q.set_outcome(static_cast<v1::PersonSummary_Objection::Outcome>(o.outcome));
    core::SetTimestampIfFinite(o.decided_at, [&] { return q.mutable_decided_at(); });
    q.set_decided_by(o.decided_by);
    q.set_justification(o.justification);
    q.set_decided_revision(o.decided_revision);
    core::SetTimestampIfFinite(o.withdrawn_at, [&] { return q.mutable_withdrawn_at(); });
  }
  p.set_objects_to_emergency_access(x.objects_to_emergency_access);
  const absl::CivilDay today = absl::ToCivilDay(x.at, absl::UTCTimeZone());
  for (const RepresentativeInfo& r : x.representatives) {
    v1::PersonSummary_Representative& q = *p.add_representatives();
    q.set_representative(r.representative);
    q.set_kind(static_cast<v1::RepresentativeSet::Kind>(r.kind));
    q.set_from_date(DayText(r.from));
    if (r.to.has_value()) q.set_to_date(DayText(*r.to));
    q.set_in_force(r.from <= today && (!r.to.has_value() || today <= *r.to));
  }
  for (const MaskInfo& m : x.masks) {
    v1::PersonSummary_Mask& q = *p.add_masks();
    q.set_item(m.item);
    q.set_category(m.category);
    q.set_audience(static_cast<v1::MaskTarget::Audience>(m.audience));
    q.set_audience_id(m.audience_id);
  }
  AddAll(x.blocked, p.mutable_blocked());
  for (const MandateInfo& m : x.mandates) {
    v1::PersonSummary_Mandate& q = *p.add_mandates();
    q.set_mandate(m.mandate);
    q.set_structure(m.structure);
    q.set_aidant(m.aidant);
    core::SetTimestampIfFinite(m.created_at, [&] { return q.mutable_created_at(); });
    core::SetTimestampIfFinite(m.expires_at, [&] { return q.mutable_expires_at(); });
    q.set_duration_days(m.duration_days);
    q.set_template_version(m.template_version);
    q.set_attestation_sha256(absl::BytesToHexString(absl::string_view(
        reinterpret_cast<const char*>(m.attestation_sha256.data()), m.attestation_sha256.size())));
    for (const MandateProcedureInfo& a : m.procedures) {
      v1::PersonSummary_Mandate_Procedure& r = *q.add_procedures();
      r.set_procedure(a.procedure);
      r.set_state(static_cast<v1::PersonSummary_Mandate::State>(a.state));
      if (a.revoked_at.has_value())
        core::SetTimestampIfFinite(*a.revoked_at, [&] { return r.mutable_revoked_at(); });
      r.set_revoked_by_person(a.revoked_by_person);
      r.set_uses(a.uses);
      if (a.last_used_at.has_value())
        core::SetTimestampIfFinite(*a.last_used_at, [&] { return r.mutable_last_used_at(); });
    }
    q.set_state(static_cast<v1::PersonSummary_Mandate::State>(m.state));
    core::SetTimestampIfFinite(m.ends_at, [&] { return q.mutable_ends_at(); });
    core::SetTimestampIfFinite(m.keep_until, [&] { return q.mutable_keep_until(); });
  }
  for (const ShareInfo& sh : x.shares) {
    v1::PersonSummary_Share& q = *p.add_shares();
    q.set_share(sh.share);
    q.set_emitter(sh.emitter);
    q.set_recipient(sh.recipient);
    q.set_basis(static_cast<v1::SharingBasis>(sh.basis));
    q.set_purpose(sh.purpose);
    AddAll(sh.items, q.mutable_items());
    AddAll(sh.categories, q.mutable_categories());
    core::SetTimestampIfFinite(sh.at, [&] { return q.mutable_at(); });
    q.set_revision(sh.revision);
    q.set_active(sh.active);
    q.set_whole_file(sh.items.empty());
  }
  for (const InformationFollowUp& f : x.open_follow_ups) {
    v1::PersonSummary_FollowUp& q = *p.add_open_follow_ups();
    q.set_share(f.share);
    q.set_kind(static_cast<v1::InformationException::Kind>(f.kind));
    core::SetTimestampIfFinite(f.since, [&] { return q.mutable_since(); });
    q.set_revision(f.revision);
  }
  for (const BreakGlassInfo& b : x.break_glass_sessions) {
    v1::PersonSummary_BreakGlassSession& q = *p.add_break_glass_sessions();
    q.set_professional(b.professional);
    q.set_role(b.role);
    q.set_structure(b.structure);
    q.set_reason_code(b.reason_code);
    core::SetTimestampIfFinite(b.opened_at, [&] { return q.mutable_opened_at(); });
    core::SetTimestampIfFinite(b.expires_at, [&] { return q.mutable_expires_at(); });
  }
  for (const AccessHolderInfo& h : x.access) {
    v1::PersonSummary_AccessHolder& q = *p.add_access();
    q.set_professional(h.professional);
    q.set_role(h.role);
    q.set_structure(h.structure);
    q.set_basis(static_cast<v1::PersonSummary_AccessHolder::Basis>(h.basis));
    q.set_team(h.team);
    core::SetTimestampIfFinite(h.expires_at, [&] { return q.mutable_expires_at(); });
    q.set_reference(h.reference);
  }
  return p;
}

}  // namespace

absl::StatusOr<std::string> PersonSummaryJson(const PersonSummary& summary) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  const auto status = google::protobuf::util::MessageToJsonString(ToProto(summary), &out, options);
  if (!status.ok()) {
    return MakeError(ErrorCode::kInternal, "person summary: protobuf could not print it as JSON");
  }
  return out;
}

std::string SerializePersonSummary(const PersonSummary& summary) {
  return ToProto(summary).SerializeAsString();
}

}  // namespace socle
