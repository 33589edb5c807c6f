// socle/consent.hpp: the person's consents and objections, as facts the access engine enforces
// (REQ-05 to REQ-09, REQ-16, REQ-25, REQ-26; docs/consent-and-sharing.md).
//
// A consent is given for ONE purpose (an activity of the policy) and one scope: PROCESSING, for
// an activity whose legal basis is consent (GDPR art. 6(1)(a)) or that relies on explicit
// consent for special categories (art. 9(2)(a)); SHARING, for sharing outside the care team
// under CSP L.1110-4 III. Nothing is consented by default (not_given) and there is no bundle:
// one call, one purpose. Each consent keeps who gave it (the person and/or representatives valid
// on its day: socle/representation.hpp), the version and SHA-256 of the information text shown,
// the channel, the evidence, the expiry, the categories and recipients covered, and the revision
// of its event; it is never rewritten. A withdrawal takes the same parameters as the grant, no
// more, and ends it for every later decision. A new grant for the same (purpose, scope) ends the
// previous one; a SHARING consent also ends when the person's case closes (their last team is
// unassigned, or they are upserted with no team).
//
// For a person under 15 on the decision day (and on the day it was given), a consent is valid
// only when the person AND every holder of parental authority gave it; from 15, the person's own
// consent (LIL art. 45); an adult under guardianship, family authorisation or proxy consents
// through that representative. The engine denies a decision for a consent-based purpose without a
// valid consent with Reason::kNoConsent.
//
// An objection (art. 21) to an activity whose basis is a public task or legitimate interests
// suspends it for the person (Reason::kObjectionPending) until the controller decides: upheld
// (Reason::kObjectionUpheld), or compelling legitimate grounds / legal claims (the processing
// resumes). An objection to sharing (CSP L.1110-4 IV) is kept with the evidence that the person
// was told of that right; sharing decisions consult it (socle/sharing.hpp).
//
// Every write is a state event (proto/socle/v1/events.proto) recorded by an engine of record and
// replayed as it was. Thread safety: the writes are serialised by the engine; the queries read an
// immutable snapshot and may run on any thread.
#ifndef SOCLE_CONSENT_HPP_
#define SOCLE_CONSENT_HPP_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/export.hpp"

namespace socle {

enum class ConsentScope : int32_t {  // = socle.v1.ConsentGiven.Scope
  kProcessing = 1,                   // the activity rests on consent (art. 6(1)(a), 9(2)(a))
  kSharing = 2,                      // sharing outside the care team (CSP L.1110-4 III)
};

enum class ConsentChannel : int32_t {  // = socle.v1.Channel
  kInPerson = 1,
  kPaper = 2,  // a signed form
  kOnline = 3,
  kPhone = 4,
};

// The language of an information text when none is named: socle's notices were in French
// before the language was recorded (events and snapshots without it read as "fr").
inline constexpr absl::string_view kDefaultNoticeLanguage = "fr";

// What a grant records (event consent_given).
struct ConsentSpec {
  std::string person;
  std::string purpose;  // ONE activity id of the policy
  ConsentScope scope = ConsentScope::kProcessing;
  // Who consents: the person's id and/or their representatives' ids (persons of the directory
  // whose representation is in force on the day). At least one.
  std::vector<std::string> given_by;
  std::string information_version;  // the version of the information text shown; required
  std::string information_sha256;   // SHA-256 of that text: 32 bytes; required
  // The language of that text (ISO/IEC TS 27560's notice language): a BCP 47 tag (RFC 5646),
  // e.g. "fr", "fr-FR", "en", "ar"; INVALID_ARGUMENT when it is not one. Empty: "fr".
  std::string notice_language = std::string(kDefaultNoticeLanguage);
  ConsentChannel channel = ConsentChannel::kInPerson;
  std::string evidence_reference;  // where the evidence is kept (a signed form's reference)
  absl::Time expires_at = absl::InfiniteFuture();  // InfiniteFuture: until withdrawn
  std::vector<std::string> categories;             // data categories covered; empty: the purpose's
  // kSharing: who may receive (professional ids, role ids of the policy; at least one of the
  // two), and what the person was shown of the supports and security measures.
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_roles;
  std::string supports;
  std::string security_measures;
  std::string recorded_by;  // the professional who records it
};

// Records a consent; returns the new revision. FAILED_PRECONDITION for a PROCESSING consent to an
// activity that is not consent-based; PERMISSION_DENIED when a giver is neither the person nor a
// representative in force that day; NOT_FOUND for an unknown id.
SOCLE_CXX_API absl::StatusOr<uint64_t> GiveConsent(AccessEngine& engine, const ConsentSpec& spec);

// Withdraws the consent in force for (person, purpose, scope): the same channel and no more
// parameters than the grant (REQ-06). `withdrawn_by` is the person or a representative in force.
// NOT_FOUND when no consent is in force.
SOCLE_CXX_API absl::StatusOr<uint64_t> WithdrawConsent(
    AccessEngine& engine, absl::string_view person, absl::string_view purpose, ConsentScope scope,
    absl::string_view withdrawn_by, ConsentChannel channel, absl::string_view recorded_by);

// Why a consent is or is not valid at a time (ConsentStatusAt), and how one in the history ended.
enum class ConsentState : int32_t {
  kValid = 1,
  kNotGiven = 2,  // the default: none given for (purpose, scope) by then (REQ-07)
  kWithdrawn = 3,
  kReplaced = 4,  // a later grant for the same purpose and scope replaced it
  kExpired = 5,
  kCaseClosed = 6,            // SHARING: the person's case closed (REQ-25)
  kIncompleteForMinor = 7,    // under 15: the minor and every holder of parental authority
                              // consent; 15 to 17: the minor does (REQ-08)
  kIncompleteForAdult = 8,    // neither the person nor a guardian, family authorisation or proxy
  kCategoryNotCovered = 9,    // the consent does not list the category asked about
  kRecipientNotCovered = 10,  // SHARING: the recipient is not among those consented to
};
// "valid", "not_given", "withdrawn", "replaced", "expired", "case_closed",
// "incomplete_for_minor", "incomplete_for_adult", "category_not_covered",
// "recipient_not_covered"; "unspecified" for another value.
SOCLE_CXX_API absl::string_view Name(ConsentState state);

// One consent of the person's history, with everything its event recorded (REQ-05).
struct ConsentInfo {
  std::string purpose;
  ConsentScope scope = ConsentScope::kProcessing;
  std::vector<std::string> given_by;
  std::string information_version;
  std::string information_sha256;
  std::string notice_language;  // BCP 47 tag of the text shown ("fr" when none was recorded)
  ConsentChannel channel = ConsentChannel::kInPerson;
  std::string evidence_reference;
  std::vector<std::string> categories;
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_roles;
  std::string supports;
  std::string security_measures;
  std::string recorded_by;
  uint64_t revision = 0;  // the state revision of the grant's event
  absl::Time given_at;
  absl::Time expires_at = absl::InfiniteFuture();
  absl::Time ended_at = absl::InfiniteFuture();  // withdrawn, replaced or case closed
  // As of the engine's clock now: kValid while in force (its givers may still not be enough:
  // ConsentStatusAt says), else kWithdrawn, kReplaced, kExpired or kCaseClosed.
  ConsentState state = ConsentState::kValid;
  std::string withdrawn_by;  // kWithdrawn: the person or representative
  ConsentChannel withdrawal_channel = ConsentChannel::kInPerson;  // kWithdrawn
  uint64_t ended_revision = 0;  // the revision of the event that ended it; 0: not ended
};

// Every consent of `person`, ended ones included, in the order given. NOT_FOUND when the person
// is not in the snapshot's directory.
SOCLE_CXX_API absl::StatusOr<std::vector<ConsentInfo>> Consents(const AccessSnapshot& snapshot,
                                                                absl::string_view person);

struct ConsentStatusInfo {
  ConsentState state = ConsentState::kNotGiven;
  // The consent the answer rests on: the valid one, or the newest given for (purpose, scope)
  // by then that fails; 0 when none (kNotGiven).
  uint64_t revision = 0;
};

// Whether `person` has a valid consent of `scope` for `purpose` at `time` (InfinitePast: the
// engine's clock now), covering `category` and (kSharing) `recipient` when given (empty: any),
// and why not. NOT_FOUND for an unknown person, purpose, category or recipient.
SOCLE_CXX_API absl::StatusOr<ConsentStatusInfo> ConsentStatusAt(
    const AccessSnapshot& snapshot, absl::string_view person, absl::string_view purpose,
    ConsentScope scope, absl::Time time = absl::InfinitePast(), absl::string_view category = "",
    absl::string_view recipient = "");

enum class ObjectionKind : int32_t {  // = socle.v1.ObjectionRecorded.Kind
  kProcessing = 1,                    // GDPR art. 21, to one activity
  kSharing = 2,                       // CSP L.1110-4 IV, to every share
};

enum class ObjectionOutcome : int32_t {  // 0, then = socle.v1.ObjectionDecided.Outcome
  kPending = 0,
  kUpheld = 1,                       // the processing stops for the person
  kCompellingLegitimateGrounds = 2,  // the processing resumes
  kLegalClaims = 3,                  // the processing resumes
};
// "pending", "upheld", "compelling_legitimate_grounds", "legal_claims"; "unspecified" otherwise.
SOCLE_CXX_API absl::string_view Name(ObjectionOutcome outcome);

struct ObjectionSpec {
  std::string person;
  ObjectionKind kind = ObjectionKind::kProcessing;
  std::string purpose;            // kProcessing: the activity (public task or legitimate interests)
  std::string objected_by;        // the person or a representative in force
  std::string informed_evidence;  // kSharing: how the person was told of the right (required)
  std::string recorded_by;
};

// Records an objection (event objection_recorded). FAILED_PRECONDITION for an activity with no
// right to object (consent: withdraw it; legal obligation, contract, vital interests: none);
// ALREADY_EXISTS while one of the same kind and purpose stands.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordObjection(AccessEngine& engine,
                                                       const ObjectionSpec& spec);
// The controller's decision on the pending art. 21 objection to `purpose` (REQ-16); the
// justification is required. NOT_FOUND when none is pending.
SOCLE_CXX_API absl::StatusOr<uint64_t> DecideObjection(
    AccessEngine& engine, absl::string_view person, absl::string_view purpose,
    ObjectionOutcome outcome, absl::string_view justification, absl::string_view recorded_by);
// The person withdraws a standing objection (`purpose` empty for kSharing).
SOCLE_CXX_API absl::StatusOr<uint64_t> WithdrawObjection(AccessEngine& engine,
                                                         absl::string_view person,
                                                         ObjectionKind kind,
                                                         absl::string_view purpose,
                                                         absl::string_view recorded_by);

struct ObjectionInfo {
  ObjectionKind kind = ObjectionKind::kProcessing;
  std::string purpose;  // kProcessing
  std::string objected_by;
  std::string informed_evidence;
  std::string recorded_by;
  uint64_t revision = 0;
  absl::Time recorded_at;
  ObjectionOutcome outcome = ObjectionOutcome::kPending;
  absl::Time decided_at = absl::InfiniteFuture();
  std::string decided_by;
  std::string justification;  // the controller's decision
  uint64_t decided_revision = 0;
  absl::Time withdrawn_at = absl::InfiniteFuture();
};

// Every objection of `person`, withdrawn and decided ones included, in the order recorded.
SOCLE_CXX_API absl::StatusOr<std::vector<ObjectionInfo>> Objections(const AccessSnapshot& snapshot,
                                                                    absl::string_view person);

}  // namespace socle

#endif  // SOCLE_CONSENT_HPP_
