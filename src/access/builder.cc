// Applying state events: validation first, with messages that name the field and never a
// person's id, an item id or a justification; then the change, copy-on-write.
#include "access/builder.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "access/event_checks.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::access_internal {
namespace {

TeamList SortedTeams(Ids& ids, const google::protobuf::RepeatedPtrField<std::string>& names) {
  TeamList teams;
  for (const std::string& name : names) teams.push_back(ids.teams.Intern(name));
  std::sort(teams.begin(), teams.end());
  teams.erase(std::unique(teams.begin(), teams.end()), teams.end());
  return teams;
}

bool Contains(const TeamList& teams, uint32_t team) {
  return std::find(teams.begin(), teams.end(), team) != teams.end();
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// Lookups

absl::StatusOr<uint32_t> Builder::KnownPerson(absl::string_view field, absl::string_view id) const {
  SOCLE_RETURN_IF_ERROR(CheckId(field, id));
  const auto found = ids_.persons.Find(id);
  if (!found || *found >= s_.persons.size() || !s_.persons[*found].known) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(field, ": no such person in the directory"));
  }
  if ((s_.persons[*found].facts & kFactErased) != 0) return ErasedPerson(field);
  return *found;
}

absl::StatusOr<uint32_t> Builder::KnownProfessional(absl::string_view field, absl::string_view id,
                                                    bool must_be_active) const {
  SOCLE_RETURN_IF_ERROR(CheckId(field, id));
  const auto found = ids_.professionals.Find(id);
  if (!found || *found >= s_.professionals.size() || !s_.professionals[*found].known) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(field, ": professional '", id, "' is not in the directory"));
  }
  if (must_be_active && s_.professionals[*found].left) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat(field, ": professional '", id, "' has left"));
  }
  return *found;
}

absl::StatusOr<uint32_t> Builder::ReferentFor(absl::string_view field, absl::string_view id) const {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t professional, KnownProfessional(field, id, true));
  const uint32_t role = s_.professionals[professional].role;
  if (!t_.role_referent[role]) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        absl::StrCat(field, ": professional '", id, "' has role '", t_.c->roles.Name(role),
                     "', which the policy does not allow as a referent (roles[", role,
                     "].referent)"));
  }
  return professional;
}

absl::StatusOr<uint32_t> Builder::Recorder(const v1::StateEvent& event) const {
  const std::string field = absl::StrCat(EventName(event), ": recorded_by");
  if (event.recorded_by().empty()) {
    return Invalid(absl::StrCat(field,
                                " is empty: a fact recorded by or for the person names the "
                                "professional who recorded it"));
  }
  return KnownProfessional(field, event.recorded_by(), true);
}

absl::Status Builder::RequireInvolvement(const v1::StateEvent& event) {
  const v1::PersonInvolvement& involvement = event.involvement();
  const std::string field = absl::StrCat(EventName(event), ": involvement");
  switch (involvement.kind()) {
    case v1::PersonInvolvement::PRESENT:
    case v1::PersonInvolvement::INFORMED_BEFOREHAND:
      break;
    case v1::PersonInvolvement::NOT_INFORMED:
      if (involvement.reason().empty()) {
        return Invalid(
            absl::StrCat(field, ".reason is empty: say why the person was not informed"));
      }
      break;
    case v1::PersonInvolvement::KIND_UNSPECIFIED:
      return Invalid(absl::StrCat(field,
                                  " is missing: an action on the person's behalf says "
                                  "whether the person was present, informed beforehand, "
                                  "or not informed and why (REQ-61)"));
    default:
      return Invalid(absl::StrCat(field, ".kind ", involvement.kind(), " is not a kind"));
  }
  return CheckText(absl::StrCat(field, ".reason"), involvement.reason());
}

// ----------------------------------------------------------------------------------------------
// Copy-on-write helpers

PersonRecord& Builder::MutablePerson(uint32_t id) {
  s_.persons.Resize(id + 1, batch_);
  return s_.persons.Mutable(id, batch_);
}

ProfessionalRecord& Builder::MutableProfessional(uint32_t id) {
  s_.professionals.Resize(id + 1, batch_);
  return s_.professionals.Mutable(id, batch_);
}

PersonState& Builder::MutableState(PersonRecord& person) {
  if (person.state != nullptr && person.state->owner == batch_) {
    // Copied earlier in this batch (below): made non-const and published nowhere yet.
    if (std::find(touched_.begin(), touched_.end(), &person) == touched_.end()) {
      touched_.push_back(&person);
    }
    return const_cast<PersonState&>(*person.state);
  }
  auto copy = person.state != nullptr ? std::make_shared<PersonState>(*person.state)
                                      : std::make_shared<PersonState>();
  copy->owner = batch_;
  PersonState& state = *copy;
  person.state = std::move(copy);
  if (std::find(touched_.begin(), touched_.end(), &person) == touched_.end()) {
    touched_.push_back(&person);
  }
  return state;
}

void Builder::Settle(PersonRecord& person) {
  // Persons without privacy state keep a null pointer: the fast path of every decision.
  if (person.state != nullptr && person.state->empty()) person.state.reset();
}

ProfessionalExtra& Builder::MutableExtra(uint32_t professional) {
  ProfessionalRecord& record = MutableProfessional(professional);
  auto copy = record.extra != nullptr ? std::make_shared<ProfessionalExtra>(*record.extra)
                                      : std::make_shared<ProfessionalExtra>();
  ProfessionalExtra& extra = *copy;
  record.extra = std::move(copy);
  return extra;
}

void Builder::TeamAdd(uint32_t team, uint32_t member, bool professional) {
  s_.teams.Resize(team + 1, batch_);
  TeamRecord& record = s_.teams.Mutable(team, batch_);
  std::shared_ptr<TeamMembers>& members = professional ? record.professionals : record.members;
  if (members == nullptr || members->owner != batch_) {
    auto copy = std::make_shared<TeamMembers>();
    if (members != nullptr) copy->persons = members->persons;
    copy->owner = batch_;
    members = std::move(copy);
  }
  InsertSorted(members->persons, member);
}

void Builder::TeamRemove(uint32_t team, uint32_t member, bool professional) {
  if (team >= s_.teams.size()) return;
  const TeamRecord& current = s_.teams[team];
  if ((professional ? current.professionals : current.members) == nullptr) return;
  TeamRecord& record = s_.teams.Mutable(team, batch_);
  std::shared_ptr<TeamMembers>& members = professional ? record.professionals : record.members;
  if (members->owner != batch_) {
    auto copy = std::make_shared<TeamMembers>(*members);
    copy->owner = batch_;
    members = std::move(copy);
  }
  EraseSorted(members->persons, member);
}

void Builder::IndexReferent(uint32_t professional, uint32_t person, bool add) {
  if (professional == kNoId) return;
  ProfessionalExtra& extra = MutableExtra(professional);
  add ? (void)InsertSorted(extra.referent_of, person)
      : (void)EraseSorted(extra.referent_of, person);
}

void Builder::IndexGranted(uint32_t professional, uint32_t person, bool add) {
  ProfessionalExtra& extra = MutableExtra(professional);
  add ? (void)InsertSorted(extra.granted, person) : (void)EraseSorted(extra.granted, person);
}

// ----------------------------------------------------------------------------------------------
// Events

absl::Status Builder::Apply(const v1::StateEvent& event) {
  if (event.format_version() != 1) {
    return MakeError(ErrorCode::kUnsupported,
                     absl::StrCat("event format_version is ", event.format_version(),
                                  "; this version of socle reads format_version 1"));
  }
  if (!event.has_at()) return Invalid("event.at is missing: every event carries its time");
  SOCLE_ASSIGN_OR_RETURN(const int64_t at, TimestampNanos("event.at", event.at()));
  // Event times are not trusted: one dated in the future would open a session or a grant that
  // runs from then on. A little skew between the writer's clock and the engine's is tolerated.
  // A replayed event was checked when it was first applied; it folds as of its own time.
  const int64_t now = replay_ ? at : now_;
  if (!replay_ && at > SaturatingAdd(now_, max_skew_)) {
    return Invalid(absl::StrCat(
        EventName(event), ".at is ",
        absl::FormatDuration(absl::Nanoseconds(at) - absl::Nanoseconds(now_)),
        " ahead of the engine's clock; events dated more than ",
        absl::FormatDuration(absl::Nanoseconds(max_skew_)), " in the future are refused"));
  }
  recorder_ = kNoId;
  touched_.clear();
  at_ = at;
  if (event.event_case() >= v1::StateEvent::kConsentGiven &&
      event.event_case() <= v1::StateEvent::kMandateRevoked) {
    SOCLE_ASSIGN_OR_RETURN(recorder_, Recorder(event));
  }
  // Rights requests and breaches (issue 13) name who recorded them too.
  if (event.event_case() >= v1::StateEvent::kRightsRequestReceived &&
      event.event_case() <= v1::StateEvent::kBreachClosed) {
    SOCLE_ASSIGN_OR_RETURN(recorder_, Recorder(event));
  }
  // So do legal holds and erasures, restriction and rectification, the retention sweep's events
  // and the elimination visas (issue 13), and the privacy budgets' charges (issue 14).
  if ((event.event_case() >= v1::StateEvent::kLegalHoldSet &&
       event.event_case() <= v1::StateEvent::kErasureRecorded) ||
      (event.event_case() >= v1::StateEvent::kRestrictionSet &&
       event.event_case() <= v1::StateEvent::kRectificationRecipientNotified) ||
      (event.event_case() >= v1::StateEvent::kRetentionSweepStarted &&
       event.event_case() <= v1::StateEvent::kEliminationVisaRecorded) ||
      event.event_case() == v1::StateEvent::kPrivacyBudgetCharged ||
      event.event_case() == v1::StateEvent::kApprovalKeyRegistered ||
      event.event_case() == v1::StateEvent::kPolicyApproved ||
      (event.event_case() == v1::StateEvent::kPolicyActivated &&
       event.policy_activated().mode() == v1::PolicyActivated::APPROVED)) {
    SOCLE_ASSIGN_OR_RETURN(recorder_, Recorder(event));
  }
  if (!replay_) SOCLE_RETURN_IF_ERROR(CheckPolicyInForce(event));
  absl::Status status;
  switch (event.event_case()) {
    case v1::StateEvent::kProfessionalUpserted:
      status = Upsert(event.professional_upserted());
      break;
    case v1::StateEvent::kProfessionalLeft:
      status = Leave(event.professional_left());
      break;
    case v1::StateEvent::kPersonUpserted:
      status = Upsert(event.person_upserted());
      break;
    case v1::StateEvent::kPersonAssigned:
      status = Assign(event.person_assigned());
      break;
    case v1::StateEvent::kPersonUnassigned:
      status = Unassign(event.person_unassigned());
      break;
    case v1::StateEvent::kReferentSet:
      status = SetReferent(event.referent_set());
      break;
    case v1::StateEvent::kMaskSet:
      status = SetMask(event.mask_set().mask(), true);
      break;
    case v1::StateEvent::kMaskRevoked:
      status = SetMask(event.mask_revoked().mask(), false);
      break;
    case v1::StateEvent::kBlockSet:
      status = SetBlock(event.block_set().person(), event.block_set().professional(), true);
      break;
    case v1::StateEvent::kBlockRevoked:
      status =
          SetBlock(event.block_revoked().person(), event.block_revoked().professional(), false);
      break;
    case v1::StateEvent::kBreakGlassOpened:
      status = Open(event.break_glass_opened(), at, now);
      break;
    case v1::StateEvent::kBreakGlassClosed:
      status = Close(event.break_glass_closed(), at);
      break;
    case v1::StateEvent::kEmergencyAccessObjectionRecorded:
      status = SetObjection(event.emergency_access_objection_recorded().person(), true, at);
      break;
    case v1::StateEvent::kEmergencyAccessObjectionRevoked:
      status = SetObjection(event.emergency_access_objection_revoked().person(), false, at);
      break;
    case v1::StateEvent::kAccessGranted:
      status = Grant(event, at);
      break;
    case v1::StateEvent::kAccessGrantRevoked:
      status = RevokeGrant(event.access_grant_revoked());
      break;
    case v1::StateEvent::kRepresentativeSet:
      status = SetRepresentative(event.representative_set());
      break;
    case v1::StateEvent::kRepresentativeEnded:
      status = EndRepresentative(event.representative_ended());
      break;
    case v1::StateEvent::kMandateCreated:
      status = CreateMandate(event);
      break;
    case v1::StateEvent::kMandateUsed:
      status = UseMandate(event);
      break;
    case v1::StateEvent::kMandateRevoked:
      status = RevokeMandate(event.mandate_revoked());
      break;
    case v1::StateEvent::kPersonInformed:
      status = Inform(event.person_informed());
      break;
    case v1::StateEvent::kInformationException:
      status = Except(event.information_exception());
      break;
    case v1::StateEvent::kConsentGiven:
      status = GiveConsent(event.consent_given());
      break;
    case v1::StateEvent::kConsentWithdrawn:
      status = WithdrawConsent(event.consent_withdrawn());
      break;
    case v1::StateEvent::kObjectionRecorded:
      status = RecordObjection(event.objection_recorded());
      break;
    case v1::StateEvent::kObjectionDecided:
      status = DecideObjection(event.objection_decided());
      break;
    case v1::StateEvent::kObjectionWithdrawn:
      status = WithdrawObjection(event.objection_withdrawn());
      break;
    // Rights requests and breaches (builder_rights.cc)
    case v1::StateEvent::kRightsRequestReceived:
      status = ReceiveRightsRequest(event.rights_request_received());
      break;
    case v1::StateEvent::kRightsRequestExtended:
      status = ExtendRightsRequest(event.rights_request_extended());
      break;
    case v1::StateEvent::kRightsRequestClosed:
      status = CloseRightsRequest(event.rights_request_closed());
      break;
    case v1::StateEvent::kRightsRequestWithdrawn:
      status = WithdrawRightsRequest(event.rights_request_withdrawn());
      break;
    case v1::StateEvent::kBreachRecorded:
      status = RecordBreach(event.breach_recorded());
      break;
    case v1::StateEvent::kBreachAuthorityNotified:
      status = NotifyBreachAuthority(event.breach_authority_notified());
      break;
    case v1::StateEvent::kBreachPersonsNotified:
      status = NotifyBreachPersons(event.breach_persons_notified());
      break;
    case v1::StateEvent::kBreachClosed:
      status = CloseBreach(event.breach_closed());
      break;
    // Restriction and rectification (builder_restriction.cc)
    case v1::StateEvent::kRestrictionSet:
      status = SetRestriction(event.restriction_set());
      break;
    case v1::StateEvent::kRestrictionLiftNotified:
      status = NotifyRestrictionLift(event.restriction_lift_notified());
      break;
    case v1::StateEvent::kRestrictionLifted:
      status = LiftRestriction(event.restriction_lifted());
      break;
    case v1::StateEvent::kRectificationRecorded:
      status = RecordRectification(event.rectification_recorded());
      break;
    case v1::StateEvent::kRectificationRecipientNotified:
      status = NotifyRectificationRecipient(event.rectification_recipient_notified());
      break;
    case v1::StateEvent::kContactRecorded:
      status = RecordContact(event.contact_recorded());
      break;
    case v1::StateEvent::kRightRecorded:
      status = RecordEnd("right_recorded", event.right_recorded().person(),
                         event.right_recorded().activity(), event.right_recorded().end_date(),
                         RetentionEndKind::kRight);
      break;
    case v1::StateEvent::kFollowUpRecorded:
      status = RecordEnd("follow_up_recorded", event.follow_up_recorded().person(),
                         event.follow_up_recorded().activity(),
                         event.follow_up_recorded().end_date(), RetentionEndKind::kFollowUp);
      break;
    case v1::StateEvent::kDeathRecorded:
      status = RecordDeath(event.death_recorded());
      break;
    // Legal holds and erasures (builder_erasure.cc)
    case v1::StateEvent::kLegalHoldSet:
      status = SetLegalHold(event.legal_hold_set());
      break;
    case v1::StateEvent::kLegalHoldLifted:
      status = LiftLegalHold(event.legal_hold_lifted());
      break;
    case v1::StateEvent::kErasureRecorded:
      status = RecordErasure(event.erasure_recorded());
      break;
    case v1::StateEvent::kRetentionSweepStarted:
      status = StartSweep(event.retention_sweep_started());
      break;
    case v1::StateEvent::kRetentionPurged:
      status = Purge(event.retention_purged());
      break;
    case v1::StateEvent::kDeletionCertificateIssued:
      status = IssueCertificate(event.deletion_certificate_issued());
      break;
    case v1::StateEvent::kEliminationVisaRecorded:
      status = RecordVisa(event.elimination_visa_recorded());
      break;
    case v1::StateEvent::kPrivacyBudgetCharged:
      status = ChargePrivacyBudget(event.privacy_budget_charged());
      break;
    // Two-person activation of a policy (builder_governance.cc)
    case v1::StateEvent::kApprovalKeyRegistered:
      status = RegisterApprovalKey(event.approval_key_registered());
      break;
    case v1::StateEvent::kPolicyApproved:
      status = ApprovePolicy(event.policy_approved());
      break;
    case v1::StateEvent::kPolicyActivated:
      status = ActivatePolicy(event);
      break;
    case v1::StateEvent::kLedgerAlert:
      // A refused edit of the state ledger: nothing changes but the revision.
      if (!replay_) {
        return Invalid("ledger_alert is read back from the state ledger only, never applied");
      }
      break;
    default:
      return Invalid("the event holds no change (event is not set)");
  }
  if (!status.ok()) return status;
  for (PersonRecord* person : touched_) {
    person->facts = FactsOf(person->state.get());
    const PersonState* st = person->state.get();
    if (st == nullptr) continue;
    // Its schedule is stale until Take rebuilds it: decisions in the batch compute in full.
    if (st->owner == batch_) const_cast<PersonState*>(st)->retention_schedule.valid = false;
    if ((person->facts & kFactRetention) != 0) retention_dirty_.push_back(person);
  }
  ++s_.revision;
  if (applied_ != nullptr) {
    std::string& out = applied_->emplace_back();
    if (event.event_case() == v1::StateEvent::kBreakGlassOpened) {
      // Stamped as applied: the end the session got, so a replay as of `at` folds the same.
      v1::StateEvent stamped = event;
      google::protobuf::Timestamp* expires =
          stamped.mutable_break_glass_opened()->mutable_expires_at();
      const absl::Time end = absl::FromUnixNanos(session_end_);
      core::SetTimestamp(end, expires);
      stamped.SerializeToString(&out);
    } else if (event.event_case() == v1::StateEvent::kMandateCreated &&
               event.mandate_created().attestation_sha256().empty()) {
      // Stamped with the hash the engine computed: the record holds the attestation's terms and
      // their hash, and a replay checks it instead of computing it again.
      v1::StateEvent stamped = event;
      stamped.mutable_mandate_created()->set_attestation_sha256(
          std::string(attestation_.begin(), attestation_.end()));
      stamped.SerializeToString(&out);
    } else if (event.event_case() == v1::StateEvent::kPolicyApproved &&
               event.policy_approved().dpo() != approval_dpo_) {
      // Stamped with what the engine found of the approver's role under the policy in force: a
      // replay, perhaps under the next policy, does not ask that policy.
      v1::StateEvent stamped = event;
      stamped.mutable_policy_approved()->set_dpo(approval_dpo_);
      stamped.SerializeToString(&out);
    } else {
      event.SerializeToString(&out);
    }
  }
  return absl::OkStatus();
}

absl::Status Builder::Upsert(const v1::ProfessionalUpserted& e) {
  SOCLE_RETURN_IF_ERROR(CheckId("professional_upserted.id", e.id()));
  const auto role = t_.c->roles.Find(e.role());
  if (!role) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("professional_upserted.role: '", e.role().substr(0, kMaxIdBytes),
                                  "' is not a role of the policy"));
  }
  for (const std::string& team : e.teams()) {
    SOCLE_RETURN_IF_ERROR(CheckId("professional_upserted.teams", team));
  }
  if (!v1::SecrecyStatus_IsValid(e.secrecy())) {
    return Invalid(
        absl::StrCat("professional_upserted.secrecy: ", e.secrecy(), " is not a secrecy status"));
  }
  SOCLE_RETURN_IF_ERROR(CheckText("professional_upserted.structure", e.structure()));
  SOCLE_RETURN_IF_ERROR(
      CheckText("professional_upserted.professional_category", e.professional_category()));

  const uint32_t id = ids_.professionals.Intern(e.id());
  TeamList teams = SortedTeams(ids_, e.teams());
  {
    const TeamList old_teams = id < s_.professionals.size() && s_.professionals[id].known
                                   ? s_.professionals[id].teams
                                   : TeamList();
    for (uint32_t team : old_teams) {
      if (!Contains(teams, team)) TeamRemove(team, id, true);
    }
    for (uint32_t team : teams) {
      if (!Contains(old_teams, team)) TeamAdd(team, id, true);
    }
  }
  ProfessionalRecord& r = MutableProfessional(id);
  r.known = true;
  r.left = false;
  r.role = *role;
  r.own_secrecy = e.secrecy() != v1::SECRECY_STATUS_UNSPECIFIED;
  r.secrecy = r.own_secrecy ? static_cast<SecrecyStatus>(e.secrecy()) : t_.c->role_secrecy[*role];
  r.teams = std::move(teams);
  r.structure = e.structure().empty() ? kNoId : ids_.labels.Intern(e.structure());
  r.professional_category =
      e.professional_category().empty() ? kNoId : ids_.labels.Intern(e.professional_category());
  return absl::OkStatus();
}

absl::Status Builder::Leave(const v1::ProfessionalLeft& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownProfessional("professional_left.id", e.id(), false));
  if (s_.professionals[id].left) {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        absl::StrCat("professional_left.id: professional '", e.id(), "' has already left"));
  }
  MutableProfessional(id).left = true;
  return absl::OkStatus();
}

absl::Status Builder::Upsert(const v1::PersonUpserted& e) {
  SOCLE_RETURN_IF_ERROR(CheckId("person_upserted.id", e.id()));
  for (const std::string& team : e.teams()) {
    SOCLE_RETURN_IF_ERROR(CheckId("person_upserted.teams", team));
  }
  uint32_t referent = kNoId;
  if (!e.referent().empty()) {
    SOCLE_ASSIGN_OR_RETURN(referent, ReferentFor("person_upserted.referent", e.referent()));
  }
  int32_t birth = kUnknownDate;
  if (!e.birth_date().empty()) {
    SOCLE_ASSIGN_OR_RETURN(birth, ParseDate("person_upserted.birth_date", e.birth_date()));
  }

  if (const auto erased = ids_.persons.Find(e.id());
      erased && *erased < s_.persons.size() && (s_.persons[*erased].facts & kFactErased) != 0) {
    return ErasedPerson("person_upserted.id");
  }
  const uint32_t id = ids_.persons.Intern(e.id());
  PersonRecord& r = MutablePerson(id);
  TeamList teams = SortedTeams(ids_, e.teams());
  const TeamList old_teams = r.known ? r.teams : TeamList();
  for (uint32_t team : old_teams) {
    if (!Contains(teams, team)) TeamRemove(team, id);
  }
  for (uint32_t team : teams) {
    if (!Contains(old_teams, team)) TeamAdd(team, id);
  }
  const uint32_t old_referent = r.known ? r.referent : kNoId;
  if (old_referent != referent) {
    IndexReferent(old_referent, id, false);
    IndexReferent(referent, id, true);
  }
  // TeamAdd and IndexReferent touch other arrays only: `r` is still this batch's record.
  const bool closes = !old_teams.empty() && teams.empty();
  r.known = true;
  r.teams = std::move(teams);
  r.referent = referent;
  r.birth_days = birth;
  if (r.state != nullptr) retention_dirty_.push_back(&r);  // birth day, case open
  if (closes) {
    CloseCase(r);
    NoteCaseClosed(r);
  }
  return absl::OkStatus();
}

absl::Status Builder::Assign(const v1::PersonAssigned& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("person_assigned.person", e.person()));
  SOCLE_RETURN_IF_ERROR(CheckId("person_assigned.team", e.team()));
  const uint32_t team = ids_.teams.Intern(e.team());
  if (Contains(s_.persons[id].teams, team)) {
    return MakeError(
        ErrorCode::kAlreadyExists,
        absl::StrCat("person_assigned: the person is already assigned to team '", e.team(), "'"));
  }
  PersonRecord& r = MutablePerson(id);
  r.teams.insert(std::upper_bound(r.teams.begin(), r.teams.end(), team), team);
  TeamAdd(team, id);
  if (r.state != nullptr) retention_dirty_.push_back(&r);  // a case may have opened
  return absl::OkStatus();
}

absl::Status Builder::Unassign(const v1::PersonUnassigned& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("person_unassigned.person", e.person()));
  SOCLE_RETURN_IF_ERROR(CheckId("person_unassigned.team", e.team()));
  const auto team = ids_.teams.Find(e.team());
  if (!team || !Contains(s_.persons[id].teams, *team)) {
    return MakeError(
        ErrorCode::kNotFound,
        absl::StrCat("person_unassigned: the person is not assigned to team '", e.team(), "'"));
  }
  PersonRecord& r = MutablePerson(id);
  r.teams.erase(std::find(r.teams.begin(), r.teams.end(), *team));
  TeamRemove(*team, id);
  // TeamRemove touches the teams only: `r` is still this batch's record.
  if (r.state != nullptr) retention_dirty_.push_back(&r);
  if (r.teams.empty()) {
    CloseCase(r);
    NoteCaseClosed(r);
  }
  return absl::OkStatus();
}

absl::Status Builder::SetReferent(const v1::ReferentSet& e) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("referent_set.person", e.person()));
  uint32_t referent = kNoId;
  if (!e.referent().empty()) {
    SOCLE_ASSIGN_OR_RETURN(referent, ReferentFor("referent_set.referent", e.referent()));
  }
  const uint32_t old = s_.persons[id].referent;
  if (old == referent) return absl::OkStatus();
  IndexReferent(old, id, false);
  IndexReferent(referent, id, true);
  MutablePerson(id).referent = referent;
  return absl::OkStatus();
}

absl::Status Builder::SetMask(const v1::MaskTarget& target, bool set) {
  const absl::string_view what = set ? "mask_set.mask" : "mask_revoked.mask";
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id,
                         KnownPerson(absl::StrCat(what, ".person"), target.person()));
  Mask mask;
  switch (target.target_case()) {
    case v1::MaskTarget::kItem:
      SOCLE_RETURN_IF_ERROR(CheckId(absl::StrCat(what, ".item"), target.item()));
      mask.item = target.item();
      break;
    case v1::MaskTarget::kCategory: {
      const auto category = t_.c->data_categories.Find(target.category());
      if (!category) {
        return MakeError(
            ErrorCode::kNotFound,
            absl::StrCat(what, ".category: '", target.category().substr(0, kMaxIdBytes),
                         "' is not a data category of the policy"));
      }
      mask.category = *category;
      break;
    }
    default:
      return Invalid(absl::StrCat(what, ": name the item or the data category to mask"));
  }
  switch (target.audience()) {
    case v1::MaskTarget::EVERYONE:
      if (!target.audience_id().empty()) {
        return Invalid(absl::StrCat(what, ".audience_id must be empty for audience EVERYONE"));
      }
      mask.audience = MaskAudience::kEveryone;
      break;
    case v1::MaskTarget::ROLE: {
      const auto role = t_.c->roles.Find(target.audience_id());
      if (!role) {
        return MakeError(
            ErrorCode::kNotFound,
            absl::StrCat(what, ".audience_id: '", target.audience_id().substr(0, kMaxIdBytes),
                         "' is not a role of the policy"));
      }
      mask.audience = MaskAudience::kRole;
      mask.audience_id = *role;
      break;
    }
    case v1::MaskTarget::PROFESSIONAL: {
      SOCLE_ASSIGN_OR_RETURN(mask.audience_id, KnownProfessional(absl::StrCat(what, ".audience_id"),
                                                                 target.audience_id(), false));
      mask.audience = MaskAudience::kProfessional;
      break;
    }
    default:
      return Invalid(absl::StrCat(what, ".audience: choose EVERYONE, ROLE or PROFESSIONAL"));
  }
  const PersonState* current = s_.persons[id].state.get();
  const bool exists = current != nullptr && std::find(current->masks.begin(), current->masks.end(),
                                                      mask) != current->masks.end();
  if (set && exists) {
    return MakeError(ErrorCode::kAlreadyExists, absl::StrCat(what, ": this mask is already set"));
  }
  if (!set && !exists) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(what, ": no such mask is set for the person"));
  }
  PersonRecord& r = MutablePerson(id);
  PersonState& state = MutableState(r);
  if (set) {
    state.masks.push_back(std::move(mask));
  } else {
    state.masks.erase(std::find(state.masks.begin(), state.masks.end(), mask));
  }
  Settle(r);
  return absl::OkStatus();
}

absl::Status Builder::SetBlock(absl::string_view person, absl::string_view professional, bool set) {
  const absl::string_view what = set ? "block_set" : "block_revoked";
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson(absl::StrCat(what, ".person"), person));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t pro, KnownProfessional(absl::StrCat(what, ".professional"),
                                                               professional, false));
  const PersonState* current = s_.persons[id].state.get();
  const bool exists = current != nullptr && current->Blocks(pro);
  if (set && exists) {
    return MakeError(ErrorCode::kAlreadyExists,
                     absl::StrCat(what, ": the person already blocks '", professional, "'"));
  }
  if (!set && !exists) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(what, ": the person does not block '", professional, "'"));
  }
  PersonRecord& r = MutablePerson(id);
  PersonState& state = MutableState(r);
  set ? (void)InsertSorted(state.blocked, pro) : (void)EraseSorted(state.blocked, pro);
  Settle(r);
  return absl::OkStatus();
}

absl::Status Builder::Open(const v1::BreakGlassOpened& e, int64_t at, int64_t now) {
  if (!t_.break_glass_enabled) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "break-the-glass is disabled by the policy (break_glass.enabled)");
  }
  SOCLE_ASSIGN_OR_RETURN(const uint32_t pro, KnownProfessional("break_glass_opened.professional",
                                                               e.professional(), true));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("break_glass_opened.person", e.person()));
  const auto reason = t_.reason_codes.Find(e.reason_code());
  if (!reason) {
    std::vector<std::string> codes;
    for (const auto& code : t_.c->source.break_glass().reason_codes()) codes.push_back(code.id());
    return MakeError(
        ErrorCode::kNotFound,
        absl::StrCat("break_glass_opened.reason_code: '", e.reason_code().substr(0, kMaxIdBytes),
                     "' is not a reason code of the policy (", absl::StrJoin(codes, ", "), ")"));
  }
  if (e.justification().find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid("break_glass_opened.justification is empty: write why the access is needed");
  }
  SOCLE_RETURN_IF_ERROR(CheckText("break_glass_opened.justification", e.justification()));
  const uint32_t role = s_.professionals[pro].role;
  if (!t_.role_break_glass[role]) {
    return MakeError(ErrorCode::kPermissionDenied,
                     absl::StrCat("break_glass_opened: role '", t_.c->roles.Name(role),
                                  "' may not open break-the-glass sessions "
                                  "(break_glass.allowed_roles)"));
  }
  const PersonState* current = s_.persons[id].state.get();
  if (current != nullptr && current->objects_to_emergency_access) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "break_glass_opened: the person objected to emergency access");
  }
  if (current != nullptr && current->Blocks(pro)) {
    return MakeError(
        ErrorCode::kPermissionDenied,
        absl::StrCat("break_glass_opened: the person blocked '", e.professional(), "'"));
  }
  if (!e.has_expires_at()) return Invalid("break_glass_opened.expires_at is missing");
  SOCLE_ASSIGN_OR_RETURN(const int64_t expires,
                         TimestampNanos("break_glass_opened.expires_at", e.expires_at()));
  if (expires <= at) {
    return MakeError(ErrorCode::kOutOfRange,
                     "break_glass_opened.expires_at is not after the opening time");
  }
  if (expires - at > t_.break_glass_max_nanos) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("break_glass_opened: the session would last ",
                                  absl::FormatDuration(absl::Nanoseconds(expires - at)),
                                  "; the policy allows at most ",
                                  absl::FormatDuration(absl::Nanoseconds(t_.break_glass_max_nanos)),
                                  " (break_glass.max_duration_minutes)"));
  }
  // Measured from the engine's clock as well: an event dated a little ahead (within the skew)
  // does not stretch the session past now + the maximum.
  const int64_t ends = std::min(expires, SaturatingAdd(now, t_.break_glass_max_nanos));
  session_end_ = ends;
  PersonRecord& r = MutablePerson(id);
  PersonState& state = MutableState(r);
  Session session{pro, *reason, at, ends};
  auto it = std::find_if(state.sessions.begin(), state.sessions.end(),
                         [&](const Session& s) { return s.professional == pro; });
  if (it != state.sessions.end()) {
    *it = session;
  } else {
    state.sessions.push_back(session);
  }
  IndexGranted(pro, id, true);
  return absl::OkStatus();
}

absl::Status Builder::Close(const v1::BreakGlassClosed& e, int64_t at) {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t pro, KnownProfessional("break_glass_closed.professional",
                                                               e.professional(), false));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson("break_glass_closed.person", e.person()));
  const PersonState* current = s_.persons[id].state.get();
  const bool exists =
      current != nullptr && std::any_of(current->sessions.begin(), current->sessions.end(),
                                        [&](const Session& s) { return s.professional == pro; });
  if (!exists) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("break_glass_closed: '", e.professional(),
                                  "' has no break-the-glass session on the person"));
  }
  PersonRecord& r = MutablePerson(id);
  for (Session& s : MutableState(r).sessions) {
    // A closed session stays on record as expired, so later decisions say so.
    if (s.professional == pro) s.expires_at = std::min(s.expires_at, at);
  }
  return absl::OkStatus();
}

absl::Status Builder::SetObjection(absl::string_view person, bool set, int64_t at) {
  const absl::string_view what =
      set ? "emergency_access_objection_recorded" : "emergency_access_objection_revoked";
  SOCLE_ASSIGN_OR_RETURN(const uint32_t id, KnownPerson(absl::StrCat(what, ".person"), person));
  const PersonState* current = s_.persons[id].state.get();
  const bool exists = current != nullptr && current->objects_to_emergency_access;
  if (set && exists) {
    return MakeError(ErrorCode::kAlreadyExists,
                     absl::StrCat(what, ": the person has already objected"));
  }
  if (!set && !exists) {
    return MakeError(ErrorCode::kNotFound, absl::StrCat(what, ": the person has not objected"));
  }
  PersonRecord& r = MutablePerson(id);
  PersonState& state = MutableState(r);
  state.objects_to_emergency_access = set;
  if (set) {
    // The objection ends every open session now.
    for (Session& s : state.sessions) s.expires_at = std::min(s.expires_at, at);
  }
  Settle(r);
  return absl::OkStatus();
}

}  // namespace socle::access_internal
