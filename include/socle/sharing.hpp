// socle/sharing.hpp: sharing under professional secrecy (secret partagé) and the prior
// information of the person (REQ-21 to REQ-29).
//
// A share names one legal basis of the closed list (SharingBasis) and is checked against every
// line of the sharing checklist for that basis (docs/consent-and-sharing.md): both professionals
// identified and bound by secrecy where the basis requires it, both in charge of the person, a
// purpose that declares what is shared, items selected one by one within the policy's
// sharing_rules and the recipient's habilitations, the person informed beforehand (or an
// exception recorded), the person's consent and objection where they count, and no onward
// disclosure of what was received under CASF L.121-6-2. A refusal names the check that failed.
//
// A granted share is recorded as an AccessGranted event with its items, basis, purpose and id: the
// recipient then reads exactly those items, for that purpose (a request for another item is
// denied with Reason::kItemNotShared). Several shares to the same recipient add up; each share
// can be revoked on its own (RevokeShare). Every share stays in the person's history of shares,
// so a rectification lists whom to notify (ItemRecipients, REQ-12).
//
// Thread safety: the queries and CheckShare read an immutable snapshot and are thread-safe; the
// writes are serialised by the engine.
#ifndef SOCLE_SHARING_HPP_
#define SOCLE_SHARING_HPP_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/export.hpp"
#include "socle/vocabulary.hpp"

namespace socle {

// The check of the sharing checklist that refused a share. Values are frozen.
enum class SharingCheck : int32_t {
  kNone = 0,                                // granted: every check passed
  kNoBasis = 1,                             // 1: no basis of the closed list named
  kPartyNotIdentified = 2,                  // 2: a party has left, or no known secrecy status
  kEmitterNotBoundBySecrecy = 3,            // 2: the basis needs the emitter bound by secrecy
  kRecipientNotBoundBySecrecy = 4,          // 2 (REQ-21): a SECRECY_NONE recipient, or unbound
  kNotInCareOfSamePerson = 5,               // 3 (REQ-23): a party not in charge of the person
  kNotInSameCareTeam = 6,                   // 3: L.1110-4 III team: no care team in common
  kPurposeNotAllowed = 7,                   // 4: the activity does not declare an item's category
  kNoItemSelected = 8,                      // 5: neither items nor a whole file
  kWholeFileNotAllowed = 9,                 // 5 (REQ-24): no sharing rule allows the whole file
  kItemOutsideSharingRule = 10,             // 5: no sharing rule of the basis covers the item
  kItemOutsideRecipientHabilitations = 11,  // 5 (REQ-24): the recipient's role may not read it
  kPersonNotInformed = 12,                  // 6 (REQ-27, REQ-28): no information, no exception
  kNoSharingConsent = 13,                   // 7 (REQ-25): L.1110-4 III consent: none valid
  kPersonObjectsToSharing = 14,             // 8 (REQ-26): an objection to sharing stands
  kOnwardDisclosureForbidden = 15,          // 9 (REQ-29): the emitter received it under L.121-6-2
};

// "recipient_not_bound_by_secrecy"…; "unspecified" for an unknown value, "none" for kNone.
SOCLE_CXX_API absl::string_view Name(SharingCheck check);

// One item of the file to share: the vendor's item id and its data category (a category id of
// the policy).
struct SharedItem {
  std::string item;
  std::string category;
  std::string content_sha256;  // SHA-256 of the content shared (32 bytes), for the sharing log;
                               // carried to the outcome, not checked
};

// Whether the person took part (REQ-61): = socle.v1.PersonInvolvement.Kind.
enum class PersonInvolvementKind : int32_t {
  kUnspecified = 0,  // refused by Share
  kPresent = 1,
  kInformedBeforehand = 2,
  kNotInformed = 3,  // `involvement_reason` says why
};

struct SharingRequest {
  std::string emitter;    // the professional who shares
  std::string recipient;  // the professional who receives
  std::string person;     // whose data is shared
  SharingBasis basis = SharingBasis::kUnspecified;
  std::string purpose;  // an activity id of the policy
  std::vector<SharedItem> items;
  // The whole file (the categories of `items`, or of the rule that allows it when `items` is
  // empty) instead of selected items: refused unless a sharing rule of the basis allows it.
  bool whole_file = false;
  std::string share;  // the share's id, chosen by the caller, unique for the person
  PersonInvolvementKind involvement = PersonInvolvementKind::kUnspecified;
  std::string involvement_reason;
  absl::Time time = absl::InfinitePast();  // InfinitePast: now by the engine's clock
};

enum class InformationExceptionKind : int32_t {  // = socle.v1.InformationException.Kind
  kUrgency = 1,
  kImpossibility = 2,
  kContraryToChildInterest = 3,  // a minor only; justification required
};

// Who is to be told of a share (REQ-28).
enum class InformRelation : int32_t {
  kPerson = 1,             // the person themself
  kParentalAuthority = 2,  // a holder of parental authority of the minor
  kGuardian = 3,           // the guardian (tuteur)
  kChild = 4,              // the child, offered, with an age/maturity assessment
};

struct PersonToInform {
  std::string person;  // a person of the directory
  InformRelation relation = InformRelation::kPerson;
  bool required = true;   // false: offered (the child), not needed for the share
  bool informed = false;  // a PersonInformed for this share and recipient is recorded
  uint64_t revision = 0;  // that record's revision
};

// The decision on a share: granted or the check that refused it, with everything the sharing log
// records (REQ-30): who, to whom, on what basis, for what, which items, on which evidence, when.
struct SharingOutcome {
  bool granted = false;
  SharingCheck failed = SharingCheck::kNone;
  std::string sentence;  // why, for a DPO; never a person id, an item id or a justification
  // A mandatory report (CP 226-14, CASF L.226-2-1) made although the person objects to sharing.
  bool overrides_opposition = false;

  std::string emitter, recipient, person;
  std::string recipient_role, recipient_structure, recipient_category;
  SecrecyStatus recipient_secrecy = SecrecyStatus::kUnspecified;
  SharingBasis basis = SharingBasis::kUnspecified;
  std::string purpose;
  std::vector<SharedItem> items;  // as requested; a whole-file share lists no item
  bool whole_file = false;
  std::vector<std::string> categories;  // what the grant covers (whole file: these categories)
  std::string share;
  absl::Time time;

  // Evidence: the state revisions of the PersonInformed records and the InformationException
  // relied on, and of the consent (0: none).
  std::vector<uint64_t> information_revisions;
  uint64_t exception_revision = 0;
  InformationExceptionKind exception = InformationExceptionKind::kUrgency;  // when relied on
  // An urgency or impossibility exception: the follow-up "inform the person" stays open until a
  // PersonInformed for the share is recorded (OpenInformationFollowUps).
  bool follow_up_open = false;
  uint64_t consent_revision = 0;
  std::vector<PersonToInform> persons_to_inform;
  PersonInvolvementKind involvement = PersonInvolvementKind::kUnspecified;  // as requested
  std::string involvement_reason;

  uint64_t checked_revision = 0;  // the snapshot the checks read
  uint64_t revision = 0;          // Share, granted: the revision of the recorded AccessGranted
};

// The decision, without recording anything. Unknown ids (emitter, recipient, person) and a share
// id already used for the person: an error; every other failure is a refused outcome.
SOCLE_CXX_API absl::StatusOr<SharingOutcome> CheckShare(const AccessSnapshot& snapshot,
                                                        const SharingRequest& request);

// Checks on the engine's current snapshot; when granted, records the share (an AccessGranted
// with its items, basis, purpose and id, recorded_by the emitter, with the involvement: required,
// REQ-61) and returns the outcome with the new revision. A refused share changes nothing.
// AccessTrail::Share (socle/trail.hpp) does this and records the outcome in the sharing log,
// granted or refused, in one call: the way a product shares.
SOCLE_CXX_API absl::StatusOr<SharingOutcome> Share(AccessEngine& engine,
                                                   const SharingRequest& request);

// Ends one share's grant (the share stays in the person's history). NOT_FOUND when none.
SOCLE_CXX_API absl::StatusOr<uint64_t> RevokeShare(AccessEngine& engine, absl::string_view person,
                                                   absl::string_view recipient,
                                                   absl::string_view share,
                                                   absl::string_view recorded_by);

enum class InformChannel : int32_t {  // = socle.v1.Channel
  kInPerson = 1,
  kPaper = 2,
  kOnline = 3,
  kPhone = 4,
};

// The person (or a representative) was told, before the share, what will be shared and with whom.
struct InformationSpec {
  std::string person;
  std::string informed;   // empty: the person; otherwise a representative valid that day
  std::string share;      // the share's id
  std::string recipient;  // the professional the person was told about
  std::vector<std::string> categories;  // the nature of the information (category ids)
  InformChannel channel = InformChannel::kInPerson;
  std::string maturity_assessment;  // a child told: the professional's age/maturity assessment
  std::string recorded_by;
};
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordPersonInformed(AccessEngine& engine,
                                                            const InformationSpec& spec);

struct InformationExceptionSpec {
  std::string person;
  std::string share;
  InformationExceptionKind kind = InformationExceptionKind::kUrgency;
  std::string justification;
  std::string recorded_by;  // the deciding professional
};
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordInformationException(
    AccessEngine& engine, const InformationExceptionSpec& spec);

// An urgency or impossibility exception whose deferred information is not recorded yet.
struct InformationFollowUp {
  std::string share;
  InformationExceptionKind kind = InformationExceptionKind::kUrgency;
  absl::Time since;
  uint64_t revision = 0;  // of the exception
};
SOCLE_CXX_API absl::StatusOr<std::vector<InformationFollowUp>> OpenInformationFollowUps(
    const AccessSnapshot& snapshot, absl::string_view person);

// One share of the person's history (granted; revoked or not).
struct ShareInfo {
  std::string share;
  std::string emitter, recipient;
  SharingBasis basis = SharingBasis::kUnspecified;
  std::string purpose;
  std::vector<std::string> items;  // empty: whole file
  std::vector<std::string> categories;
  absl::Time at;
  uint64_t revision = 0;
  bool active = false;  // its grant has not been revoked (it may have expired)
};
SOCLE_CXX_API absl::StatusOr<std::vector<ShareInfo>> Shares(const AccessSnapshot& snapshot,
                                                            absl::string_view person);

// The professionals an item was shared with (each once, in the order of their first share), for
// the notifications of a rectification (REQ-12): item-level shares naming `item`, and whole-file
// shares covering `category` when given.
SOCLE_CXX_API absl::StatusOr<std::vector<std::string>> ItemRecipients(
    const AccessSnapshot& snapshot, absl::string_view person, absl::string_view item,
    absl::string_view category = "");

}  // namespace socle

#endif  // SOCLE_SHARING_HPP_
