// socle/access.hpp: the access decision engine.
//
// Before a product shows an item of a person's file, it asks the engine: may this professional
// do this action on this item, for this purpose? The engine answers from the policy (habilitation
// matrix, purposes, special categories, entry kinds, masking and break-the-glass settings) and
// from its state: the directory the vendor pushes in (professionals, teams, persons and the teams
// assigned to their case) and the privacy facts recorded by or for the person (masks, blocks,
// break-the-glass sessions, objections to emergency access, grants). Deny by default; a deny wins.
// docs/access-rules.md is the reference of every rule, reason code and obligation.
//
// Every change of state is an event (proto/socle/v1/events.proto) folded in order; each event
// advances the revision by one, and every decision carries the revision it was computed on.
// Decisions read an immutable AccessSnapshot; writers publish a new snapshot without copying the
// directory (copy-on-write chunks), so a decision never waits for a writer.
//
// Engine of record: an engine opened on an EngineRecord (AccessEngine::Open) writes every event it
// applies to the record before publishing it, and rebuilds its state from the record's newest
// snapshot and the events after it (docs/access-rules.md, "Engine of record").
//
// Hot path: ids are interned once (FindProfessional, FindPerson, FindCategory, FindPurpose…) and
// requests carry dense uint32_t ids; Decide does no allocation and no string work, except
// comparing `item` with the person's item masks when the person has some.
#ifndef SOCLE_ACCESS_HPP_
#define SOCLE_ACCESS_HPP_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "socle/clock.hpp"
#include "socle/export.hpp"
#include "socle/policy.hpp"
#include "socle/retention.hpp"
#include "socle/vocabulary.hpp"

namespace socle {

// No id: an author that is not a professional of the directory, no referent.
inline constexpr uint32_t kNoId = 0xFFFFFFFFu;

// How far ahead of the engine's clock a state event may be dated by default
// (AccessEngine::Options::max_clock_skew): the writer's and the engine's clocks may differ a
// little; an event dated later is refused.
inline constexpr absl::Duration kDefaultMaxClockSkew = absl::Minutes(5);

enum class Effect : int32_t { kDeny = 0, kAllow = 1 };

// Why a decision went the way it did. The values are frozen and equal to the SOCLE_REASON_*
// constants of the C ABI; new reasons are only ever added. Allowed reasons are below 20.
enum class Reason : int32_t {
  kUnspecified = 0,
  kAllowed = 1,                  // team or referent, habilitation, purpose: nothing in the way
  kAllowedAuthorOfMasked = 2,    // masked, but the professional wrote the item
  kAllowedReferentOfMasked = 3,  // masked, but the referent keeps access (policy masking)
  kAllowedBreakGlass = 4,        // through an open break-the-glass session
  kAllowedByGrant = 5,           // through an active grant (a sharing decision)
  kAllowedArchivist = 6,         // an archivist's reasoned read of the intermediate archive
  kAllowedUnderRestriction = 7,  // restricted (art. 18), but with a justification of art. 18(2)
  kProfessionalLeft = 20,        // the professional has left
  kBlocked = 21,                 // the person blocked this professional
  kWorkingNote = 22,             // a working note is its author's alone
  kNotAssigned = 23,             // no shared team, not the referent, no grant, no session
  kBreakGlassExpired = 24,       // only an expired or closed break-the-glass session
  kRoleDoesNotAllow = 25,        // the habilitation matrix does not grant this
  kCategoryOutsidePurpose = 26,  // the purpose's activity does not declare this category
  kNotBoundBySecrecy = 27,       // a special category (art. 9/10) needs professional secrecy
  kEntryKindRestricted = 28,     // the policy's entry-kind rule keeps this kind from the role
  kMasked = 29,                  // masked by the person
  kInvalidRequest = 30,          // unknown id or value in the request (only in batch answers)
  kNoConsent = 31,               // the purpose rests on consent; no valid consent of the person
  kObjectionPending = 32,        // the person objected (art. 21); the controller has not decided
  kObjectionUpheld = 33,         // the controller upheld the person's objection
  kItemNotShared = 34,           // only shares reach the file, and none shares this item (for
                                 // this purpose, to be read)
  kArchived = 35,    // the category is past its active phase for the person (REQ-35): only an
                     // ARCHIVIST reads it, with a reason (AccessRequest::archive_reason)
  kRestricted = 36,  // the person's file or the item is restricted (art. 18, REQ-14): stored
                     // only; AccessRequest::restriction_justification may lift the deny
  kErased = 37,      // the person's whole file was erased (GDPR art. 17, socle/erasure.hpp):
                     // every decision about them is denied
};

// The stable lower_snake name of a reason ("role_does_not_allow"); "unspecified" if unknown.
SOCLE_CXX_API absl::string_view Name(Reason reason);

// What the caller must do with a decision (bit flags, frozen; equal to SOCLE_OBLIGATION_*).
namespace obligation {
inline constexpr uint32_t kLog = 1u << 0;              // every decision, denials included
inline constexpr uint32_t kBreakGlassFlag = 1u << 1;   // log it with the break-the-glass flag
inline constexpr uint32_t kNotifyPerson = 1u << 2;     // tell the person afterwards
inline constexpr uint32_t kNotifyReferent = 1u << 3;   // tell the person's referent afterwards
inline constexpr uint32_t kOpenReview = 1u << 4;       // open a review for a reviewer or the DPO
inline constexpr uint32_t kShowPlaceholder = 1u << 5;  // show "masked item", with no content
}  // namespace obligation

// A rule id names what decided: the high 8 bits are a RuleKind, the low 24 bits an index (into
// the policy list of that kind, e.g. habilitations[i]; kRuleIndexNone when no element applies,
// as for "no habilitation row grants this"). AccessEngine::RuleName renders it.
enum class RuleKind : uint32_t {
  kNone = 0,
  kDirectory = 1,     // the professional's status in the directory
  kBlock = 2,         // the person's blocks
  kEntryKind = 3,     // entry_kinds[i]; kRuleIndexNone: the built-in working-note rule
  kNeedToKnow = 4,    // need-to-know; index 0 team, 1 referent
  kHabilitation = 5,  // habilitations[i]
  kPurpose = 6,       // activities[i]
  kSecrecy = 7,       // roles[i].secrecy; kRuleIndexNone: the professional's own status
  kMasking = 8,       // the policy's masking section
  kBreakGlass = 9,    // the policy's break_glass section
  kGrant = 10,        // a grant recorded for the person
  kConsent = 11,      // the person's consents (index: the activity)
  kObjection = 12,    // the person's objections (index: the activity)
  kRetention = 13,    // a retention rule (index: AccessEngine::RuleName renders
                      // "activities[i].retention[j]")
  kRestriction = 14,  // a restriction in force (index: its ground, socle.v1.RestrictionGround)
};
inline constexpr uint32_t kRuleIndexNone = 0xFFFFFFu;
constexpr uint32_t MakeRule(RuleKind kind, uint32_t index) {
  return (static_cast<uint32_t>(kind) << 24) | (index & kRuleIndexNone);
}
constexpr RuleKind RuleKindOf(uint32_t rule) { return static_cast<RuleKind>(rule >> 24); }
constexpr uint32_t RuleIndexOf(uint32_t rule) { return rule & kRuleIndexNone; }

// Why a request may go ahead while the person's file or the item is restricted (GDPR art. 18(2):
// "with the exception of storage, only be processed with the data subject's consent or for the
// establishment, exercise or defence of legal claims or for the protection of the rights of
// another natural or legal person or for reasons of important public interest"). Values are
// frozen and equal to the SOCLE_RESTRICTION_JUSTIFICATION_* constants of the C ABI.
enum class RestrictionJustification : int32_t {
  kNone = 0,
  kSubjectConsent = 1,           // the person consents to this processing
  kLegalClaims = 2,              // establishment, exercise or defence of legal claims
  kProtectionOfOthers = 3,       // protection of the rights of another person
  kImportantPublicInterest = 4,  // important public interest of the Union or a Member State
};
inline constexpr int32_t kRestrictionJustificationCount = 5;

// The stable lower_snake name ("legal_claims"); "unspecified" for another value.
SOCLE_CXX_API absl::string_view Name(RestrictionJustification justification);

// One question. Ids are dense ids from AccessEngine::Find*; `purpose` is an activity of the
// policy. `item` and `masked` describe the item when the caller knows it: `masked` is the
// vendor's own per-item mask (hidden from everyone but its author, and the referent when the
// policy says so); masks recorded in the engine apply as well. `time` is when the access
// happens; InfinitePast means now by the engine's clock, read only when a session or a grant
// with an expiry has to be checked. A time earlier than the engine's clock counts as the clock's
// time: it can make a session or a grant expire sooner, never reopen one that has ended.
struct AccessRequest {
  uint32_t actor = kNoId;
  Action action = Action::kRead;
  uint32_t person = kNoId;
  uint32_t category = kNoId;
  uint32_t purpose = kNoId;
  EntryKind kind = EntryKind::kFact;
  uint32_t author = kNoId;
  bool masked = false;
  absl::string_view item;
  absl::Time time = absl::InfinitePast();
  // Why an ARCHIVIST reads a file past its active phase (REQ-35): required for that read, which
  // is allowed with Reason::kAllowedArchivist (read only; need-to-know does not apply to the
  // archive, the habilitation matrix and the purpose do). Record it with the decision: pass the
  // same text as AccessTrail::Decide's justification. Ignored for active files.
  absl::string_view archive_reason;
  // Why the request goes ahead although the person's file or the item is restricted (GDPR
  // art. 18(2)): allowed then with Reason::kAllowedUnderRestriction, once every other check has
  // passed. Record it with the decision (AccessTrail::Decide's justification). Ignored when
  // nothing restricted is concerned; kNone on a restricted item: denied with kRestricted.
  RestrictionJustification restriction_justification = RestrictionJustification::kNone;
};

struct Decision {
  Effect effect = Effect::kDeny;
  Reason reason = Reason::kUnspecified;
  uint32_t rule = 0;         // see RuleKind
  uint32_t obligations = 0;  // obligation::k* flags
  uint64_t revision = 0;     // the state revision the decision was computed on
  bool allowed() const { return effect == Effect::kAllow; }
};

// How an item of a file is shown to a professional (FilterView).
enum class Visibility : int32_t {
  kAbsent = 0,  // not shown at all (denied, or masked in silent mode)
  kVisible = 1,
  kPlaceholder = 2,  // "masked item", without any content (masked in signalled mode)
};

// One line of an explanation: a check, whether it passed, the policy element it rests on.
struct ExplanationStep {
  std::string check;  // "need_to_know", "habilitation"…
  bool passed = false;
  bool decisive = false;  // the check that gave the decision its reason
  std::string rule;       // "habilitations[2]", "activities[0]", "masking"…
  std::string detail;     // a sentence a DPO can read
};

struct SOCLE_CXX_API Explanation {
  Decision decision;
  std::vector<ExplanationStep> steps;
  // The trace as text: a heading with the decision, then one line per check.
  std::string ToString() const;
};

// Why a professional has access to a person's file (AccessSnapshot::ListAccessHolders).
enum class AccessBasis : int32_t {
  kTeam = 1,        // a team of the professional is assigned to the person's case
  kReferent = 2,    // the professional is the person's referent
  kGrant = 3,       // an active grant (a sharing decision)
  kBreakGlass = 4,  // an open break-the-glass session
};

// One professional and one reason why they reach a person's file.
struct AccessHolder {
  uint32_t professional = kNoId;
  AccessBasis basis = AccessBasis::kTeam;
  uint32_t team = kNoId;  // kTeam: the lowest shared team id; kNoId otherwise
  absl::Time expires_at = absl::InfiniteFuture();  // kGrant, kBreakGlass: when it ends
  std::string reference;                           // kGrant: the sharing decision, if any
};

// How the policy an engine of record runs came into force (socle/policy_approval.hpp, REQ-62).
enum class PolicyActivationMode : int32_t {
  kNone = 0,         // no activation recorded (an engine without a record)
  kInitial = 1,      // the record's first policy
  kApproved = 2,     // two approvals, one with DPO_ROLE
  kDevelopment = 3,  // an engine opened in development mode: not approved
};

// One approval of a change of the policy in force, pending until an activation.
struct PolicyApprovalStatus {
  std::string professional;
  bool dpo = false;            // their role held DPO_ROLE under the policy in force
  std::string policy_digest;   // hex: the policy approved
  std::string changes_digest;  // hex: SHA-256 of the summary of changes they read
  uint64_t revision = 0;       // of their policy_approved event
  absl::Time at;
};

// The policy in force on a record, the approval keys and the approvals pending.
struct PolicyGovernanceStatus {
  PolicyActivationMode mode = PolicyActivationMode::kNone;
  std::string policy_digest;  // hex; empty for kNone
  uint64_t activated_at_revision = 0;
  std::vector<std::string> key_holders;         // professionals with an approval key, sorted
  std::vector<PolicyApprovalStatus> approvals;  // in the order recorded
  // The roles holding DPO_ROLE in the last policy activated kInitial or kApproved, sorted: an
  // approval counts as the DPO's when the approver's role is one of them (also while a
  // kDevelopment policy is in force).
  std::vector<std::string> dpo_roles;
};

// An immutable state of the engine at one revision. Every method is const and thread-safe; hold
// the shared_ptr for a batch of decisions to skip reloading the current snapshot each time.
class SOCLE_CXX_API AccessSnapshot {
 public:
  AccessSnapshot(const AccessSnapshot&) = delete;
  AccessSnapshot& operator=(const AccessSnapshot&) = delete;

  uint64_t revision() const;

  // Decides one request. An id out of range or unknown at this revision, an action or entry kind
  // outside the vocabulary: INVALID_ARGUMENT or NOT_FOUND naming the field.
  absl::StatusOr<Decision> Decide(const AccessRequest& request) const;
  // Decides requests[i] into out[i] (out.size() must equal requests.size()). An invalid request
  // is denied with Reason::kInvalidRequest and the others are decided all the same; the status
  // then names the first invalid one.
  absl::Status DecideMany(absl::Span<const AccessRequest> requests, absl::Span<Decision> out) const;
  // The decision and a trace of every check, passed or failed, with the rule it rests on.
  absl::StatusOr<Explanation> Explain(const AccessRequest& request) const;
  // How each item of a file (one request per item) is shown: visible, placeholder or absent.
  absl::Status FilterView(absl::Span<const AccessRequest> items, absl::Span<Visibility> out) const;
  // The persons `actor` may access for (action, category, purpose) at `time`, sorted by id:
  // found through the actor's teams, the persons they are referent of and their grants and
  // sessions, never by a scan of the population.
  absl::StatusOr<std::vector<uint32_t>> ListPersons(uint32_t actor, uint32_t category,
                                                    uint32_t purpose, Action action = Action::kRead,
                                                    absl::Time time = absl::InfinitePast()) const;
  // Who has access to `person`'s file at `time` (REQ-55; InfinitePast: now by the engine's
  // clock, an earlier time counts as the clock's): one entry per professional and basis, sorted
  // by professional then basis. Professionals who left, and those the person blocks, are not
  // listed; grants and sessions that have ended are not listed. This is need-to-know only: the
  // habilitation matrix, purposes, secrecy, entry kinds and masks still decide each request
  // (Explain says which). Found through the person's teams (team → professionals index), referent,
  // grants and sessions, never by a scan of the professionals: the cost is the number of
  // professionals of the person's teams plus their grants and sessions, times log of that.
  // NOT_FOUND when the person is not in the directory at this revision.
  absl::StatusOr<std::vector<AccessHolder>> ListAccessHolders(
      uint32_t person, absl::Time time = absl::InfinitePast()) const;
  // Retention (socle/retention.hpp): the phase of every data category of the policy for
  // `person` on `day` (Europe/Paris), by category id; or of one category. NOT_FOUND when the
  // person is not in the directory; INVALID_ARGUMENT for a category out of range. The one-category
  // form does not allocate.
  absl::StatusOr<std::vector<RetentionStatus>> Retention(uint32_t person, absl::CivilDay day) const;
  absl::StatusOr<RetentionStatus> Retention(uint32_t person, uint32_t category,
                                            absl::CivilDay day) const;
  // The policy in force on the record and the approvals of its change (REQ-62).
  PolicyGovernanceStatus Governance() const;

 protected:
  AccessSnapshot() = default;
  ~AccessSnapshot() = default;
};

// The directory in bulk (AccessEngine::LoadDirectory). Each entry is an upsert.
struct ProfessionalEntry {
  std::string id;
  std::string role;  // a role of the policy
  std::vector<std::string> teams;
  std::string structure;
  SecrecyStatus secrecy = SecrecyStatus::kUnspecified;  // unspecified: the role's
  std::string professional_category;
};
struct PersonEntry {
  std::string id;
  std::vector<std::string> teams;
  std::string referent;    // a professional id, or empty
  std::string birth_date;  // YYYY-MM-DD, or empty
};
struct DirectoryData {
  std::vector<ProfessionalEntry> professionals;
  std::vector<PersonEntry> persons;
};

enum class MaskAudience : int32_t {
  kUnspecified = 0,
  kEveryone = 1,      // everyone but the author (and the referent, per the policy)
  kRole = 2,          // audience_id is a role of the policy
  kProfessional = 3,  // audience_id is a professional
};

// A mask recorded for a person: one item or one whole data category (exactly one of the two).
struct MaskSpec {
  std::string person;
  std::string item;
  std::string category;
  MaskAudience audience = MaskAudience::kEveryone;
  std::string audience_id;
};

struct BreakGlassRequest {
  std::string actor;
  std::string person;
  std::string reason_code;    // a reason code of the policy's break_glass section
  std::string justification;  // written by the professional; required
  absl::Duration duration = absl::ZeroDuration();  // zero: the policy's maximum
};

struct BreakGlassSession {
  uint64_t revision = 0;
  absl::Time opened_at;
  absl::Time expires_at;  // a decision at or after this instant is denied
};

struct GrantSpec {
  std::string person;
  std::string professional;
  std::vector<std::string> categories;  // empty: every category
  absl::Time expires_at = absl::InfiniteFuture();
  std::string reference;  // the sharing decision, if any
};

// Tells when a record has grown (AccessEngine::Follow): the state ledger on PostgreSQL is told
// by the server (LISTEN/NOTIFY), on SQLite it looks at the database's change counter; other
// records are polled. Thread safety: one thread waits at a time; Interrupt may be called from
// any thread. A watch must not outlive the record it came from.
class SOCLE_CXX_API RecordWatch {
 public:
  virtual ~RecordWatch() = default;
  // Waits until the record holds more than `known_count` events, `timeout` passes or Interrupt
  // is called, and returns the record's event count then: at most `known_count` when it did not
  // grow in time (or the wait was interrupted). On a timeout the count is read from the record
  // itself, so a notification that was lost (a reconnection) only delays the news by `timeout`.
  virtual absl::StatusOr<uint64_t> WaitForGrowth(uint64_t known_count, absl::Duration timeout) = 0;
  // Makes the current WaitForGrowth, and every later one, return at once.
  virtual void Interrupt() = 0;
};

// Where an engine of record keeps its state: every StateEvent it applies, in order, written
// before the new state is published, and snapshots of its state. The state ledger
// (socle/ledger.hpp) is the durable one; MemoryEngineRecord keeps them in memory. Revisions count
// from 1: the first event recorded is revision 1. Implementations must be thread-safe; the engine
// calls AppendEvents under its writer lock, and never calls back into itself from `visit`.
class SOCLE_CXX_API EngineRecord {
 public:
  virtual ~EngineRecord() = default;
  // The number of events recorded (= the revision of the state they fold to).
  virtual absl::StatusOr<uint64_t> EventCount() = 0;
  // Durably appends `events` (serialized socle.v1.StateEvent, stamped as applied) as revisions
  // first_revision .. first_revision + events.size() - 1. FAILED_PRECONDITION when the record
  // does not hold exactly first_revision - 1 events (another writer went first): nothing is
  // appended. Any error: the engine publishes nothing.
  virtual absl::Status AppendEvents(uint64_t first_revision,
                                    absl::Span<const std::string> events) = 0;
  // Calls `visit(revision, serialized_event)` for every event of revision >= from_revision, in
  // order; stops at the first error `visit` returns and returns it.
  virtual absl::Status ReadEvents(
      uint64_t from_revision,
      absl::FunctionRef<absl::Status(uint64_t revision, absl::string_view event)> visit) = 0;
  // Keeps a snapshot (serialized socle.v1.EngineSnapshot) of the state at `revision`.
  virtual absl::Status SaveSnapshot(uint64_t revision, absl::string_view snapshot) = 0;
  // The newest snapshot kept, or nullopt when none.
  virtual absl::StatusOr<std::optional<std::string>> LatestSnapshot() = 0;
  // A watch of the record's growth, for a follower (AccessEngine::Follow). The default reads
  // EventCount() every 10 ms; a record that can be told of appends does better.
  virtual absl::StatusOr<std::unique_ptr<RecordWatch>> Watch();
};

// An EngineRecord in memory, for tests and for callers without storage: it lives as long as the
// process. Thread-safe. `visit` (ReadEvents) runs under a reader lock: it must not write to the
// same record. SaveSnapshot keeps only the newest snapshot (the highest revision; the later call
// on a tie) and refuses, with FAILED_PRECONDITION, a revision past the events recorded.
class SOCLE_CXX_API MemoryEngineRecord final : public EngineRecord {
 public:
  MemoryEngineRecord();
  ~MemoryEngineRecord() override;
  MemoryEngineRecord(const MemoryEngineRecord&) = delete;
  MemoryEngineRecord& operator=(const MemoryEngineRecord&) = delete;

  absl::StatusOr<uint64_t> EventCount() override;
  absl::Status AppendEvents(uint64_t first_revision, absl::Span<const std::string> events) override;
  absl::Status ReadEvents(
      uint64_t from_revision,
      absl::FunctionRef<absl::Status(uint64_t revision, absl::string_view event)> visit) override;
  absl::Status SaveSnapshot(uint64_t revision, absl::string_view snapshot) override;
  absl::StatusOr<std::optional<std::string>> LatestSnapshot() override;
  // Woken by every append, at once.
  absl::StatusOr<std::unique_ptr<RecordWatch>> Watch() override;

 private:
  struct Data;
  std::unique_ptr<Data> data_;
};

// The engine. Thread safety: every method may be called from any number of threads. Reads
// (Decide, Explain, ListPersons, snapshot()) never block on writers; writes are serialised and
// publish a new snapshot when they succeed. A write that fails changes nothing (the revision
// stays the same) and says what was wrong; error messages never contain a person's id, an item
// id or a justification.
class SOCLE_CXX_API AccessEngine {
 public:
  struct Options {
    // Stamps events, answers requests and is the reference events are checked against. Must
    // outlive the engine; null: the real clock. The engine trusts it as it is: a FakeClock moved
    // backwards (in tests) makes expired sessions and grants count again. Through the C ABI the
    // clock never moves backwards (socle_engine_set_time).
    const Clock* clock = nullptr;
    // Events (ApplyEvent, ApplyEventBatch) dated more than this after the clock are refused with
    // INVALID_ARGUMENT. 0 to 24 hours.
    absl::Duration max_clock_skew = kDefaultMaxClockSkew;
    // Open only: run `policy` on the record although it is not the policy in force (two-person
    // activation, socle/policy_approval.hpp, REQ-62), for development and tests. The record
    // keeps it: Open appends a DEVELOPMENT activation (the access trail's readers see it), and an
    // engine opened later without this option refuses that policy until it is approved.
    bool development_mode = false;
  };

  // How an engine of record follows its record (Follow).
  struct FollowOptions {
    // How long the follower waits to be told of an append before it reads the record's count
    // itself (the poll fallback: a lost notification only delays by this much). 1 ms to 1 min.
    absl::Duration poll_interval = absl::Seconds(1);
    // After a failed wait or catch-up, the follower waits this long before trying again, twice
    // as long after each further failure, up to 5 s. 1 ms to 5 s.
    absl::Duration retry_delay = absl::Milliseconds(100);
  };

  // What a follower has done since Follow (follower_status()).
  struct FollowerStatus {
    bool following = false;
    // The outcome of the follower's last wait and catch-up: OK, or its error (the engine then
    // keeps deciding on the revision it has, which every decision states).
    absl::Status status;
    // The most recent error since Follow, kept after later attempts succeed; OK if none.
    absl::Status last_error;
    uint64_t failures = 0;  // failed attempts since Follow
    // When the follower last found the engine in step with its record (the engine's clock);
    // InfinitePast before the first time.
    absl::Time in_step_at = absl::InfinitePast();
  };

  static absl::StatusOr<std::unique_ptr<AccessEngine>> Create(const Policy& policy,
                                                              Options options);
  static absl::StatusOr<std::unique_ptr<AccessEngine>> Create(const Policy& policy) {
    return Create(policy, Options());
  }
  // An engine of record: its state is `record`'s. Loads the newest snapshot, if any (one written
  // under another policy is passed over: every event is replayed; UNSUPPORTED for an unknown
  // format version, DATA_LOSS when its content does not match its hash or does not hold
  // together), then replays every later event, each as of its own recorded time (the clock-skew
  // check does not apply to them, and sessions and grants fold exactly as they did), up to the
  // record's EventCount(). From then on every successful write appends its events, stamped as
  // applied, to the record before the new state is published; when AppendEvents fails, nothing
  // is published, the revision stays, and the write returns its error. FAILED_PRECONDITION from
  // AppendEvents means another process appended first: call CatchUp() and retry the write. An
  // event of the record that does not apply (a record written under another policy, or damaged)
  // fails Open with its error, prefixed with its revision; one that does not parse, DATA_LOSS.
  // Then the policy must be the record's policy in force (REQ-62, socle/policy_approval.hpp): a
  // new record, or one that never recorded an activation, runs it from an INITIAL activation
  // Open appends; a record that runs another policy refuses it with FAILED_PRECONDITION until two
  // professionals approved it and it was activated (ActivatePolicy), unless
  // Options::development_mode. Once another policy is activated on the record, the engine's
  // writes are refused with FAILED_PRECONDITION: reopen it with the policy in force.
  // (Two overloads rather than `Options options = {}`: a nested struct with default member
  // initializers cannot be a default argument inside its enclosing class.)
  static absl::StatusOr<std::unique_ptr<AccessEngine>> Open(const Policy& policy,
                                                            std::shared_ptr<EngineRecord> record,
                                                            Options options);
  static absl::StatusOr<std::unique_ptr<AccessEngine>> Open(const Policy& policy,
                                                            std::shared_ptr<EngineRecord> record) {
    return Open(policy, std::move(record), Options());
  }
  ~AccessEngine();
  AccessEngine(const AccessEngine&) = delete;
  AccessEngine& operator=(const AccessEngine&) = delete;

  const Policy& policy() const;

  // --- Ids (dense, stable for the engine's life) ----------------------------------------------
  // nullopt when the id is not in the directory at the current revision (or not in the policy).
  std::optional<uint32_t> FindProfessional(absl::string_view id) const;
  std::optional<uint32_t> FindPerson(absl::string_view id) const;
  std::optional<uint32_t> FindTeam(absl::string_view id) const;
  std::optional<uint32_t> FindCategory(absl::string_view id) const;
  std::optional<uint32_t> FindPurpose(absl::string_view id) const;
  // The string id of a dense id; empty if out of range. Valid for the engine's life.
  absl::string_view ProfessionalName(uint32_t id) const;
  absl::string_view PersonName(uint32_t id) const;
  absl::string_view TeamName(uint32_t id) const;
  // "habilitations[2]", "activities[0]", "masking"… (see RuleKind).
  std::string RuleName(uint32_t rule) const;

  // --- State ------------------------------------------------------------------------------------
  uint64_t revision() const;
  // The clock it decides by (Options::clock, or the real clock).
  const Clock& clock() const;
  std::shared_ptr<const AccessSnapshot> snapshot() const;
  // Retention of `person` (an id of the directory) on `day`, nullopt: today by the engine's clock
  // in Europe/Paris (AccessSnapshot::Retention on the current snapshot). NOT_FOUND for a person
  // not in the directory.
  absl::StatusOr<std::vector<RetentionStatus>> Retention(
      absl::string_view person, std::optional<absl::CivilDay> day = std::nullopt) const;
  // Waits until the published revision is at least `revision`; false on timeout.
  bool WaitForRevision(uint64_t revision, absl::Duration timeout) const;

  // --- Engine of record (Open) ------------------------------------------------------------------
  // Keeps a snapshot (socle.v1.EngineSnapshot) of the current state in the record, so that the
  // next Open replays only the events after it. Serialises one immutable snapshot: writers are
  // not blocked. FAILED_PRECONDITION on an engine made by Create (no record).
  absl::Status SaveSnapshot();
  // Applies the events other processes appended to the record since this engine's revision (one
  // record shared by several engines); returns the new revision. FAILED_PRECONDITION on an
  // engine without a record.
  absl::StatusOr<uint64_t> CatchUp();
  // Keeps the engine caught up in the background: one thread waits for the record to grow
  // (RecordWatch: on PostgreSQL a notification sent by the appending transaction's COMMIT, with
  // `poll_interval` as the fallback) and calls CatchUp, so that a block or a revoked consent
  // another server recorded denies here too within that delay. Errors do not stop it: it tries
  // again after `retry_delay` and keeps them in follower_status(). FAILED_PRECONDITION without a
  // record or when already following; the watch's error when it cannot be set up (nothing is
  // started then). The engine's destructor stops the follower.
  absl::Status Follow(const FollowOptions& options);
  absl::Status Follow() { return Follow(FollowOptions()); }
  // Stops the follower, interrupting its wait, and joins its thread; returns when it has ended.
  // Does nothing when the engine is not following.
  void StopFollowing();
  FollowerStatus follower_status() const;

  // Applies one serialized socle.v1.StateEvent, or a socle.v1.StateEventBatch (all or nothing).
  // Returns the new revision.
  absl::StatusOr<uint64_t> ApplyEvent(absl::string_view serialized_event);
  absl::StatusOr<uint64_t> ApplyEventBatch(absl::string_view serialized_batch);

  // --- The directory (each call is one or more events; returns the new revision) ---------------
  absl::StatusOr<uint64_t> LoadDirectory(const DirectoryData& data);
  // The workload's TSV format, one record per line, no header, columns separated by tabs, lists
  // by commas: professionals "id, role, teams[, structure[, secrecy[, professional category]]]"
  // (secrecy: none, by_profession, by_mission, or empty for the role's); persons "id, teams[,
  // referent[, birth date]]". All or nothing; errors name the file and line.
  absl::StatusOr<uint64_t> LoadDirectoryTsv(absl::string_view professionals_tsv,
                                            absl::string_view persons_tsv);
  absl::StatusOr<uint64_t> LoadDirectoryTsvFiles(const std::string& professionals_path,
                                                 const std::string& persons_path);
  absl::StatusOr<uint64_t> UpsertProfessional(const ProfessionalEntry& professional);
  absl::StatusOr<uint64_t> ProfessionalLeaves(absl::string_view professional);
  absl::StatusOr<uint64_t> UpsertPerson(const PersonEntry& person);
  absl::StatusOr<uint64_t> Assign(absl::string_view person, absl::string_view team);
  absl::StatusOr<uint64_t> Unassign(absl::string_view person, absl::string_view team);
  // `referent` empty: the person has no referent any more.
  absl::StatusOr<uint64_t> SetReferent(absl::string_view person, absl::string_view referent);

  // --- Privacy facts --------------------------------------------------------------------------
  absl::StatusOr<uint64_t> SetMask(const MaskSpec& mask);
  absl::StatusOr<uint64_t> RevokeMask(const MaskSpec& mask);
  absl::StatusOr<uint64_t> Block(absl::string_view person, absl::string_view professional);
  absl::StatusOr<uint64_t> Unblock(absl::string_view person, absl::string_view professional);
  // PERMISSION_DENIED when the person objected to emergency access, the professional is blocked
  // or their role may not open sessions; FAILED_PRECONDITION when the policy disables
  // break-the-glass; OUT_OF_RANGE for a negative duration or one above the policy's maximum.
  absl::StatusOr<BreakGlassSession> OpenBreakGlass(const BreakGlassRequest& request);
  absl::StatusOr<uint64_t> CloseBreakGlass(absl::string_view actor, absl::string_view person);
  // Recording an objection ends the person's open sessions at once.
  absl::StatusOr<uint64_t> RecordEmergencyAccessObjection(absl::string_view person);
  absl::StatusOr<uint64_t> RevokeEmergencyAccessObjection(absl::string_view person);
  absl::StatusOr<uint64_t> Grant(const GrantSpec& grant);
  absl::StatusOr<uint64_t> RevokeGrant(absl::string_view person, absl::string_view professional);

  // --- Decisions on the current snapshot (see AccessSnapshot) ---------------------------------
  absl::StatusOr<Decision> Decide(const AccessRequest& request) const;
  absl::Status DecideMany(absl::Span<const AccessRequest> requests, absl::Span<Decision> out) const;
  absl::StatusOr<Explanation> Explain(const AccessRequest& request) const;
  absl::Status FilterView(absl::Span<const AccessRequest> items, absl::Span<Visibility> out) const;
  absl::StatusOr<std::vector<uint32_t>> ListPersons(uint32_t actor, uint32_t category,
                                                    uint32_t purpose, Action action = Action::kRead,
                                                    absl::Time time = absl::InfinitePast()) const;

  class Impl;

 private:
  explicit AccessEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace socle

#endif  // SOCLE_ACCESS_HPP_
