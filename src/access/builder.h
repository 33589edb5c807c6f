// Folds state events into a private copy of the newest state (the writer's side of the engine).
//
// A Builder starts from the published state, applies events one by one (each validated against
// the state as it stands, then applied, advancing the revision by one) and hands the new state
// over to be published. If any event fails, the caller drops the builder and nothing is
// published: a batch is all or nothing. Copy-on-write (cow_array.h) makes the copy cheap.
//
// Event times are not trusted: an event dated more than `max_skew` after the engine's clock
// (`now`, read once per batch) is refused, and a break-the-glass session never ends later than
// now + the policy's maximum duration, whatever its event says.
//
// Replay (set_replay): events read back from an engine record are folded as of their own time,
// as if the clock read their `at`: the skew check does not refuse old events, and sessions end
// as they did. RecordTo: the builder keeps each event it applies, serialized and stamped as
// applied (a break-the-glass session's expires_at is the end the builder gave it, a mandate's
// attestation_sha256 the hash the builder computed when the event left it empty), for the
// engine's record; without it the write path does no extra work.
//
// Not thread-safe: one builder at a time, under the engine's writer lock.
#ifndef SOCLE_SRC_ACCESS_BUILDER_H_
#define SOCLE_SRC_ACCESS_BUILDER_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "access/state.h"
#include "socle/v1/events.pb.h"

namespace socle::access_internal {

class Builder {
 public:
  // `now` and `max_skew` in unix nanoseconds: the engine's clock when the batch began, and how
  // far ahead of it an event may be dated.
  Builder(const Tables& tables, Ids& ids, State state, BatchId batch, int64_t now, int64_t max_skew)
      : t_(tables),
        ids_(ids),
        s_(std::move(state)),
        batch_(batch),
        now_(now),
        max_skew_(max_skew) {}

  // Validates `event` against the current state and applies it. On error the builder must be
  // dropped (the event may have been half applied to the private copy).
  absl::Status Apply(const v1::StateEvent& event);

  void set_replay(bool replay) { replay_ = replay; }
  // The engine was opened in development mode (AccessEngine::Options::development_mode): it may
  // record a DEVELOPMENT activation of its own policy.
  void set_development(bool development) { development_ = development; }
  // Appends each event applied from now on to `out` (serialized socle.v1.StateEvent).
  void RecordTo(std::vector<std::string>* out) { applied_ = out; }

  uint64_t revision() const { return s_.revision; }
  // The new state, once every event applied: the retention schedules of the persons the batch
  // changed are rebuilt first (SettleRetention).
  State Take() && {
    SettleRetention();
    return std::move(s_);
  }

 private:
  absl::Status Upsert(const v1::ProfessionalUpserted& e);
  absl::Status Leave(const v1::ProfessionalLeft& e);
  absl::Status Upsert(const v1::PersonUpserted& e);
  absl::Status Assign(const v1::PersonAssigned& e);
  absl::Status Unassign(const v1::PersonUnassigned& e);
  absl::Status SetReferent(const v1::ReferentSet& e);
  absl::Status SetMask(const v1::MaskTarget& target, bool set);
  absl::Status SetBlock(absl::string_view person, absl::string_view professional, bool set);
  absl::Status Open(const v1::BreakGlassOpened& e, int64_t at, int64_t now);
  absl::Status Close(const v1::BreakGlassClosed& e, int64_t at);
  absl::Status SetObjection(absl::string_view person, bool set, int64_t at);
  // builder_sharing.cc
  absl::Status Grant(const v1::StateEvent& event, int64_t at);
  absl::Status Share(const v1::StateEvent& event, GrantRecord grant, uint32_t person);
  absl::Status RevokeGrant(const v1::AccessGrantRevoked& e);
  absl::Status Inform(const v1::PersonInformed& e);
  absl::Status Except(const v1::InformationException& e);
  // builder_representatives.cc
  absl::Status SetRepresentative(const v1::RepresentativeSet& e);
  absl::Status EndRepresentative(const v1::RepresentativeEnded& e);
  // builder_consent.cc
  absl::Status GiveConsent(const v1::ConsentGiven& e);
  absl::Status WithdrawConsent(const v1::ConsentWithdrawn& e);
  absl::Status RecordObjection(const v1::ObjectionRecorded& e);
  absl::Status DecideObjection(const v1::ObjectionDecided& e);
  absl::Status WithdrawObjection(const v1::ObjectionWithdrawn& e);
  // The person's case closed (their last team unassigned): their SHARING consents end now
  // (REQ-25). Called by Upsert(person) and Unassign.
  void CloseCase(PersonRecord& person);
  // `who` (field `field`) is the person `id` or one of their representatives active on the day
  // of the event being applied; returns their person id.
  absl::StatusOr<uint32_t> PersonOrRepresentative(absl::string_view field, absl::string_view who,
                                                  uint32_t id) const;
  // builder_mandates.cc
  absl::Status CreateMandate(const v1::StateEvent& event);
  absl::Status UseMandate(const v1::StateEvent& event);
  absl::Status RevokeMandate(const v1::MandateRevoked& e);
  // The mandate of `id` (MandateCreated.mandate): its person and index, or NOT_FOUND.
  absl::StatusOr<MandateOwner> KnownMandate(absl::string_view field, absl::string_view id) const;
  // builder_rights.cc: rights requests and breaches (issue 13)
  absl::Status ReceiveRightsRequest(const v1::RightsRequestReceived& e);
  absl::Status ExtendRightsRequest(const v1::RightsRequestExtended& e);
  absl::Status CloseRightsRequest(const v1::RightsRequestClosed& e);
  absl::Status WithdrawRightsRequest(const v1::RightsRequestWithdrawn& e);
  absl::Status RecordBreach(const v1::BreachRecorded& e);
  absl::Status NotifyBreachAuthority(const v1::BreachAuthorityNotified& e);
  absl::Status NotifyBreachPersons(const v1::BreachPersonsNotified& e);
  absl::Status CloseBreach(const v1::BreachClosed& e);
  absl::StatusOr<uint32_t> KnownRightsRequest(absl::string_view field, absl::string_view id) const;
  absl::StatusOr<uint32_t> KnownBreach(absl::string_view field, absl::string_view id) const;

  // builder_erasure.cc: legal holds and erasures (GDPR art. 17)
  absl::Status SetLegalHold(const v1::LegalHoldSet& e);
  absl::Status LiftLegalHold(const v1::LegalHoldLifted& e);
  absl::Status RecordErasure(const v1::ErasureRecorded& e);
  // FAILED_PRECONDITION naming `field`: the person's whole file was erased (a tombstone), so no
  // event about them applies any more.
  static absl::Status ErasedPerson(absl::string_view field);
  // builder_restriction.cc: restriction (art. 18) and rectification (art. 16, 19) (issue 13)
  absl::Status SetRestriction(const v1::RestrictionSet& e);
  absl::Status NotifyRestrictionLift(const v1::RestrictionLiftNotified& e);
  absl::Status LiftRestriction(const v1::RestrictionLifted& e);
  absl::Status RecordRectification(const v1::RectificationRecorded& e);
  absl::Status NotifyRectificationRecipient(const v1::RectificationRecipientNotified& e);

  // builder_retention.cc
  absl::Status RecordContact(const v1::ContactRecorded& e);
  absl::Status RecordEnd(absl::string_view event, absl::string_view person,
                         absl::string_view activity, absl::string_view end_date,
                         RetentionEndKind kind);
  absl::Status RecordDeath(const v1::DeathRecorded& e);
  // builder_sweep.cc: the retention sweep (REQ-36)
  absl::Status StartSweep(const v1::RetentionSweepStarted& e);
  absl::Status Purge(const v1::RetentionPurged& e);
  absl::Status IssueCertificate(const v1::DeletionCertificateIssued& e);
  absl::Status RecordVisa(const v1::EliminationVisaRecorded& e);
  // A private copy of the sweep register, published with the state.
  SweepRegister& MutableSweeps();
  // builder_privacy.cc: differential-privacy budgets (issue 14)
  absl::Status ChargePrivacyBudget(const v1::PrivacyBudgetCharged& e);
  // builder_governance.cc: two-person activation of a policy (REQ-62)
  absl::Status RegisterApprovalKey(const v1::ApprovalKeyRegistered& e);
  absl::Status ApprovePolicy(const v1::PolicyApproved& e);
  absl::Status ActivatePolicy(const v1::StateEvent& event);
  // A live write on an engine whose policy the record no longer runs (another one was activated
  // since, or the engine was opened in development mode on another): FAILED_PRECONDITION.
  absl::Status CheckPolicyInForce(const v1::StateEvent& event) const;
  PolicyGovernance& MutableGovernance();
  // The case closed on the day of the event being applied (CASE_CLOSURE rules count from it).
  void NoteCaseClosed(PersonRecord& person);
  // Rebuilds the retention schedule (state.h) of each person in retention_dirty_ whose schedule
  // no longer applies (builder_retention.cc).
  void SettleRetention();
  // The legal day (Europe/Paris) of the event being applied.
  int32_t LegalDay() const;
  // A date of the event (`field`), no later than LegalDay(); empty: LegalDay(), or an error when
  // `required`.
  absl::StatusOr<int32_t> PastDate(absl::string_view field, absl::string_view date,
                                   bool required) const;

  // The facts recorded by or for the person (event numbers 26 on) name who recorded them: an
  // active professional (StateEvent.recorded_by). Apply checks it and keeps it in recorder_.
  absl::StatusOr<uint32_t> Recorder(const v1::StateEvent& event) const;
  // An action on the person's behalf carries the person's involvement (REQ-61): a kind, and a
  // reason when the person was not informed.
  static absl::Status RequireInvolvement(const v1::StateEvent& event);

  // Lookups of records that exist at this point of the batch, with clear errors.
  absl::StatusOr<uint32_t> KnownPerson(absl::string_view field, absl::string_view id) const;
  absl::StatusOr<uint32_t> KnownProfessional(absl::string_view field, absl::string_view id,
                                             bool must_be_active) const;
  absl::StatusOr<uint32_t> ReferentFor(absl::string_view field, absl::string_view id) const;

  PersonRecord& MutablePerson(uint32_t id);
  ProfessionalRecord& MutableProfessional(uint32_t id);
  // A private copy of the person's rare state; call Settle after changing it.
  PersonState& MutableState(PersonRecord& person);
  void Settle(PersonRecord& person);
  ProfessionalExtra& MutableExtra(uint32_t professional);
  // The team's persons (professional = false) or professionals (true).
  void TeamAdd(uint32_t team, uint32_t member, bool professional = false);
  void TeamRemove(uint32_t team, uint32_t member, bool professional = false);
  void IndexReferent(uint32_t professional, uint32_t person, bool add);
  void IndexGranted(uint32_t professional, uint32_t person, bool add);

  const Tables& t_;
  Ids& ids_;
  State s_;
  const BatchId batch_;
  const int64_t now_;
  const int64_t max_skew_;
  bool replay_ = false;
  bool development_ = false;
  bool approval_dpo_ = false;  // what ApprovePolicy found of the approver's role, for the record
  std::vector<std::string>* applied_ = nullptr;
  int64_t session_end_ = 0;                // the end Open gave the last session, for the record
  std::array<uint8_t, 32> attestation_{};  // the hash CreateMandate gave the last mandate
  uint32_t recorder_ = kNoId;  // the professional who recorded the event being applied, if any
  // The persons whose state the event being applied changed (MutableState), whose `facts` Apply
  // recomputes once the event has applied. Records stay in place within a batch.
  absl::InlinedVector<PersonRecord*, 2> touched_;
  // The persons of the batch whose retention schedule may be out of date: their state changed,
  // or their birth day or teams. Rebuilt once, in Take.
  std::vector<PersonRecord*> retention_dirty_;
  int64_t at_ = 0;  // the time of the event being applied (unix nanoseconds)
};

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_BUILDER_H_
