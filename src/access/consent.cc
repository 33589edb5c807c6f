// socle/consent.hpp: the events of consents and objections, built here and applied through
// ApplyNow; the queries read the person's state of a snapshot (person_facts.h holds the rules).
#include "socle/consent.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access/apply.h"
#include "access/person_facts.h"
#include "access/person_queries.h"
#include "access/state.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/v1/events.pb.h"

namespace socle {
namespace {

namespace ai = access_internal;

absl::Time TimeOf(int64_t nanos) {
  return nanos == ai::kNever ? absl::InfiniteFuture() : absl::FromUnixNanos(nanos);
}

std::string PersonName(const ai::SnapshotData& s, uint32_t id) {
  return id == kNoId ? std::string() : std::string(s.ids->persons.Name(id));
}
std::string ProfessionalName(const ai::SnapshotData& s, uint32_t id) {
  return id == kNoId ? std::string() : std::string(s.ids->professionals.Name(id));
}

ConsentState StateOf(const ai::ConsentRecord& c, int64_t now) {
  if (c.ended_at <= now && c.ended_at <= c.expires_at) {
    switch (c.ended_by) {
      case ai::ConsentEnd::kWithdrawn:
        return ConsentState::kWithdrawn;
      case ai::ConsentEnd::kReplaced:
        return ConsentState::kReplaced;
      case ai::ConsentEnd::kCaseClosed:
        return ConsentState::kCaseClosed;
      default:
        break;
    }
  }
  return now >= c.expires_at ? ConsentState::kExpired : ConsentState::kValid;
}

}  // namespace

absl::string_view Name(ConsentState state) {
  switch (state) {
    case ConsentState::kValid:
      return "valid";
    case ConsentState::kNotGiven:
      return "not_given";
    case ConsentState::kWithdrawn:
      return "withdrawn";
    case ConsentState::kReplaced:
      return "replaced";
    case ConsentState::kExpired:
      return "expired";
    case ConsentState::kCaseClosed:
      return "case_closed";
    case ConsentState::kIncompleteForMinor:
      return "incomplete_for_minor";
    case ConsentState::kIncompleteForAdult:
      return "incomplete_for_adult";
    case ConsentState::kCategoryNotCovered:
      return "category_not_covered";
    case ConsentState::kRecipientNotCovered:
      return "recipient_not_covered";
  }
  return "unspecified";
}

absl::string_view Name(ObjectionOutcome outcome) {
  switch (outcome) {
    case ObjectionOutcome::kPending:
      return "pending";
    case ObjectionOutcome::kUpheld:
      return "upheld";
    case ObjectionOutcome::kCompellingLegitimateGrounds:
      return "compelling_legitimate_grounds";
    case ObjectionOutcome::kLegalClaims:
      return "legal_claims";
  }
  return "unspecified";
}

// ----------------------------------------------------------------------------------------------
// Writes

absl::StatusOr<uint64_t> GiveConsent(AccessEngine& engine, const ConsentSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::ConsentGiven* e = event.mutable_consent_given();
  e->set_person(spec.person);
  e->set_purpose(spec.purpose);
  e->set_scope(static_cast<v1::ConsentGiven::Scope>(spec.scope));
  for (const std::string& who : spec.given_by) e->add_given_by(who);
  e->set_information_version(spec.information_version);
  e->set_information_sha256(spec.information_sha256);
  e->set_notice_language(spec.notice_language);
  e->set_channel(static_cast<v1::Channel>(spec.channel));
  e->set_evidence_reference(spec.evidence_reference);
  if (spec.expires_at != absl::InfiniteFuture()) {
    if (spec.expires_at == absl::InfinitePast()) {
      return MakeError(ErrorCode::kOutOfRange, "expires_at: the infinite past is not a time");
    }
    core::SetTimestamp(spec.expires_at, e->mutable_expires_at());
  }
  for (const std::string& c : spec.categories) e->add_categories(c);
  for (const std::string& r : spec.recipients) e->add_recipients(r);
  for (const std::string& r : spec.recipient_roles) e->add_recipient_roles(r);
  e->set_supports(spec.supports);
  e->set_security_measures(spec.security_measures);
  return ai::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> WithdrawConsent(AccessEngine& engine, absl::string_view person,
                                         absl::string_view purpose, ConsentScope scope,
                                         absl::string_view withdrawn_by, ConsentChannel channel,
                                         absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::ConsentWithdrawn* e = event.mutable_consent_withdrawn();
  e->set_person(std::string(person));
  e->set_purpose(std::string(purpose));
  e->set_scope(static_cast<v1::ConsentGiven::Scope>(scope));
  e->set_withdrawn_by(std::string(withdrawn_by));
  e->set_channel(static_cast<v1::Channel>(channel));
  return ai::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> RecordObjection(AccessEngine& engine, const ObjectionSpec& spec) {
  v1::StateEvent event;
  event.set_recorded_by(spec.recorded_by);
  v1::ObjectionRecorded* e = event.mutable_objection_recorded();
  e->set_person(spec.person);
  e->set_kind(static_cast<v1::ObjectionRecorded::Kind>(spec.kind));
  e->set_purpose(spec.purpose);
  e->set_objected_by(spec.objected_by);
  e->set_informed_evidence(spec.informed_evidence);
  return ai::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> DecideObjection(AccessEngine& engine, absl::string_view person,
                                         absl::string_view purpose, ObjectionOutcome outcome,
                                         absl::string_view justification,
                                         absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::ObjectionDecided* e = event.mutable_objection_decided();
  e->set_person(std::string(person));
  e->set_purpose(std::string(purpose));
  e->set_outcome(static_cast<v1::ObjectionDecided::Outcome>(outcome));
  e->set_justification(std::string(justification));
  return ai::ApplyNow(engine, event);
}

absl::StatusOr<uint64_t> WithdrawObjection(AccessEngine& engine, absl::string_view person,
                                           ObjectionKind kind, absl::string_view purpose,
                                           absl::string_view recorded_by) {
  v1::StateEvent event;
  event.set_recorded_by(std::string(recorded_by));
  v1::ObjectionWithdrawn* e = event.mutable_objection_withdrawn();
  e->set_person(std::string(person));
  e->set_kind(static_cast<v1::ObjectionRecorded::Kind>(kind));
  e->set_purpose(std::string(purpose));
  return ai::ApplyNow(engine, event);
}

// ----------------------------------------------------------------------------------------------
// Queries

std::vector<ConsentInfo> ai::ConsentInfos(const ai::SnapshotData& s, const ai::PersonState* st,
                                          int64_t now) {
  std::vector<ConsentInfo> out;
  if (st == nullptr) return out;
  const auto& c = *s.tables->c;
  out.reserve(st->consents.size());
  for (const ai::ConsentRecord& r : st->consents) {
    ConsentInfo info;
    info.purpose = std::string(c.activities.Name(r.purpose));
    info.scope = static_cast<socle::ConsentScope>(r.scope);
    for (uint32_t v : r.given_by) info.given_by.push_back(PersonName(s, v));
    info.information_version = r.information_version;
    info.information_sha256 = r.information_sha256;
    info.notice_language = r.notice_language;
    info.channel = static_cast<socle::ConsentChannel>(r.channel);
    info.evidence_reference = r.evidence_reference;
    for (uint32_t v : r.categories)
      info.categories.push_back(std::string(c.data_categories.Name(v)));
    for (uint32_t v : r.recipients) info.recipients.push_back(ProfessionalName(s, v));
    for (uint32_t v : r.recipient_roles)
      info.recipient_roles.push_back(std::string(c.roles.Name(v)));
    info.supports = r.supports;
    info.security_measures = r.security_measures;
    info.recorded_by = ProfessionalName(s, r.recorded_by);
    info.revision = r.revision;
    info.given_at = absl::FromUnixNanos(r.given_at);
    info.expires_at = TimeOf(r.expires_at);
    info.ended_at = TimeOf(r.ended_at);
    info.state = StateOf(r, now);
    info.withdrawn_by = PersonName(s, r.withdrawn_by);
    if (r.withdrawal_channel != ai::ConsentChannel::kUnspecified) {
      info.withdrawal_channel = static_cast<socle::ConsentChannel>(r.withdrawal_channel);
    }
    info.ended_revision = r.ended_revision;
    out.push_back(std::move(info));
  }
  return out;
}

absl::StatusOr<std::vector<ConsentInfo>> Consents(const AccessSnapshot& snapshot,
                                                  absl::string_view person) {
  const ai::SnapshotData& s = ai::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, ai::FindPerson(s, "person", person));
  return ai::ConsentInfos(s, s.person(id)->state.get(), absl::ToUnixNanos(s.clock->Now()));
}

absl::StatusOr<ConsentStatusInfo> ConsentStatusAt(const AccessSnapshot& snapshot,
                                                  absl::string_view person,
                                                  absl::string_view purpose, ConsentScope scope,
                                                  absl::Time time, absl::string_view category,
                                                  absl::string_view recipient) {
  const ai::SnapshotData& s = ai::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, ai::FindPerson(s, "person", person));
  const auto& c = *s.tables->c;
  const std::optional<uint32_t> activity = c.activities.Find(purpose);
  if (!activity) {
    return MakeError(ErrorCode::kNotFound, "purpose: not an activity of the policy");
  }
  if (scope != ConsentScope::kProcessing && scope != ConsentScope::kSharing) {
    return MakeError(ErrorCode::kInvalidArgument, "scope: choose kProcessing or kSharing");
  }
  uint32_t category_id = kNoId;
  if (!category.empty()) {
    const std::optional<uint32_t> found = c.data_categories.Find(category);
    if (!found)
      return MakeError(ErrorCode::kNotFound, "category: not a data category of the policy");
    category_id = *found;
  }
  uint32_t recipient_id = kNoId;
  if (!recipient.empty()) {
    const std::optional<uint32_t> found = s.ids->professionals.Find(recipient);
    if (!found || s.professional(*found) == nullptr) {
      return MakeError(ErrorCode::kNotFound, "recipient: no such professional in the directory");
    }
    recipient_id = *found;
  }
  const absl::Time now = s.clock->Now();
  const int64_t at = absl::ToUnixNanos(time == absl::InfinitePast() ? now : time);
  const ai::ConsentRecord* record = nullptr;
  const ai::ConsentVerdict verdict =
      ai::ConsentVerdictAt(s, id, *activity, static_cast<ai::ConsentScope>(scope), category_id,
                           recipient_id, at, &record);
  ConsentStatusInfo info;
  info.state = static_cast<ConsentState>(verdict);
  info.revision = record != nullptr ? record->revision : 0;
  return info;
}

absl::StatusOr<std::vector<ObjectionInfo>> Objections(const AccessSnapshot& snapshot,
                                                      absl::string_view person) {
  const ai::SnapshotData& s = ai::Data(snapshot);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, ai::FindPerson(s, "person", person));
  std::vector<ObjectionInfo> out;
  const ai::PersonState* st = s.person(id)->state.get();
  if (st == nullptr) return out;
  for (const ai::Objection& o : st->objections) {
    ObjectionInfo info;
    info.kind = static_cast<ObjectionKind>(o.kind);
    if (o.purpose != kNoId) info.purpose = std::string(s.tables->c->activities.Name(o.purpose));
    info.objected_by = PersonName(s, o.objected_by);
    info.informed_evidence = o.informed_evidence;
    info.recorded_by = ProfessionalName(s, o.recorded_by);
    info.revision = o.revision;
    info.recorded_at = absl::FromUnixNanos(o.recorded_at);
    info.outcome = static_cast<ObjectionOutcome>(o.outcome);
    info.decided_at = TimeOf(o.decided_at);
    info.decided_by = ProfessionalName(s, o.decided_by);
    info.justification = o.justification;
    info.decided_revision = o.decided_revision;
    info.withdrawn_at = TimeOf(o.withdrawn_at);
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace socle
