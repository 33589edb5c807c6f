// socle/trail.hpp: the access trail: who did what on whose file, and why (REQ-38 to REQ-41,
// REQ-54, REQ-55; CNIL délibération 2021-122).
//
// An AccessTrail decides and records in one call: AccessTrail::Decide asks the engine, and when
// the decision carries the log obligation (every decision does, allowed or denied) it appends one
// entry to the trail ledger before it returns. A list screen that opens N files makes N
// requests and gets N entries (DecideMany appends them together). If the entry cannot be
// recorded, the call fails and the caller must not show the item: recording cannot be skipped.
// AccessEngine::Decide (pure, unrecorded) stays for callers that keep their own trail, for
// simulations (what would happen if…), and for filtering what is never shown.
//
// Each entry about a person carries only their pseudonym in the trail's domain; the decision's
// details (actor, role, structure, action, item, category, purpose, outcome, reason, rule,
// break-the-glass flag and justification, revision, policy digest) are sealed under the
// person's vault key. Reading the trail (History) needs the reader to be the person themselves
// or a professional whose role has the policy's SECURITY_AUDITOR capability, and is itself
// recorded. No call aggregates entries per professional (REQ-41).
//
// Every sharing decision under professional secrecy (socle/sharing.hpp), granted or refused, is
// recorded by RecordSharing as one entry sealed for the person (REQ-30, sharing checklist line
// 10): emitter and recipient, basis, purpose, items with their content hashes, the failed check,
// the prior-information and consent evidence. The person's history shows these entries. (The
// recipients of an item, for a rectification (REQ-12, GDPR art. 19), come from the engine's
// state: socle::ItemRecipients in socle/sharing.hpp.)
//
// Thread safety: safe for concurrent use. The engine and the ledger must outlive the trail.
#ifndef SOCLE_TRAIL_HPP_
#define SOCLE_TRAIL_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "socle/access.hpp"
#include "socle/export.hpp"
#include "socle/ledger.hpp"
#include "socle/pseudonym.hpp"
#include "socle/sharing.hpp"
#include "socle/vault.hpp"
#include "socle/vocabulary.hpp"

namespace socle {

// Privileged operations the trail records (socle.v1.OperationRecord.Operation).
enum class TrailOperation : int32_t {
  kTokenReversal = 1,
  kKeyRotation = 2,
  kCryptoShredding = 3,
  kPolicyLoaded = 4,
  kTrailRead = 5,
  kExport = 6,
  kShare = 7,
  // A deletion certificate of a retention sweep (socle/retention_sweep.hpp). 10, not 8: 8 and 9
  // are the trail's refused update and delete attempts (OperationRecord.Operation).
  kRetentionSweep = 10,
  // A statistics table released (socle/statistics_release.hpp): about no person.
  kStatisticsRelease = 11,
  // Two-person activation of a policy (socle/policy_approval.hpp): about no person.
  kPolicyApproval = 12,
  kPolicyActivation = 13,
};

// Who reads a person's history.
struct SOCLE_CXX_API HistoryQuery {
  std::string person;  // whose history
  // The reader: a professional id whose role has SECURITY_AUDITOR, or, with reader_is_person,
  // the person themselves (or their legal representative), authenticated by the product.
  std::string reader;
  bool reader_is_person = false;
  absl::Time from = absl::InfinitePast();  // entries with from <= time < to
  absl::Time to = absl::InfiniteFuture();
  int64_t after = -1;  // paging: the last index of the previous page, -1 for the first
  size_t limit = 100;  // 1 to 10,000 entries per page
};

// A sharing decision as the trail records it (socle.v1.SharingRecord): a share under
// professional secrecy, granted, or an attempt refused with the check that failed.
struct SOCLE_CXX_API SharingTrailRecord {
  // The emitter or the recipient. For a professional of the engine's directory, RecordSharing
  // fills role, structure, professional_category and secrecy from the snapshot (what the caller
  // put there is ignored); for a recipient outside the directory (the CRIP, a prosecutor), they
  // are recorded as the caller gives them.
  struct Party {
    std::string professional;  // the professional's id (or the position's), required
    std::string role;
    std::string structure;              // organisation or position
    std::string professional_category;  // e.g. "Assistant de service social (CSP R.1110-2)"
    SecrecyStatus secrecy = SecrecyStatus::kUnspecified;
  };
  // item (required), category (a DataCategory id, required), content_sha256 (32 bytes, computed
  // by the caller): the items of socle/sharing.hpp.
  using Item = SharedItem;
  // How the person was told beforehand (sharing checklist line 6).
  struct Information {
    enum class Kind : int32_t {
      kNone = 0,       // no evidence: not required, or missing (the share is then refused)
      kInformed = 1,   // a PersonInformed event, at `revision`
      kException = 2,  // an InformationException event, at `revision`
    };
    // socle.v1.InformationException.Kind.
    enum class Exception : int32_t {
      kUnspecified = 0,
      kUrgency = 1,
      kImpossibility = 2,
      kContraryToChildInterest = 3,
    };
    Kind kind = Kind::kNone;
    uint64_t revision = 0;  // the state revision of the event (kInformed: the last of them)
    // kInformed: the revision of every PersonInformed event the share rests on, one per person to
    // inform (REQ-28: for a minor, each holder of parental authority); `revision` is the last.
    std::vector<uint64_t> informed_revisions;
    Exception exception = Exception::kUnspecified;
    // kUrgency or kImpossibility: the deferred information is still to be recorded.
    bool follow_up_open = false;
  };
  // The person's involvement (socle.v1.PersonInvolvement, REQ-61).
  struct Involvement {
    using Kind = PersonInvolvementKind;  // kNotInformed: `reason` says why
    Kind kind = Kind::kUnspecified;
    std::string reason;
  };

  std::string share;                                // the share's id
  Party emitter;                                    // required
  Party recipient;                                  // required
  std::string person;                               // required
  SharingBasis basis = SharingBasis::kUnspecified;  // required
  std::string purpose;                              // an Activity id of the policy
  std::vector<Item> items;                          // at most 10,000
  bool granted = false;
  std::string failed_check;  // refused: the check's lower_snake name (required); granted: empty
  // A mandatory report (CP 226-14, CASF L.226-2-1) made despite the person's objection.
  bool overrides_opposition = false;
  Information information;
  uint64_t consent_revision = 0;  // the ConsentGiven event's state revision; 0: none
  Involvement involvement;
  // When the decision was taken; InfinitePast: now, by the ledger's clock. In a history, the
  // entry's time.
  absl::Time time = absl::InfinitePast();
  // Filled by the trail: the revision of the snapshot the record describes, and the SHA-256 of
  // the policy the engine decides under.
  uint64_t revision = 0;
  std::string policy_digest;
};

// One line of a person's history, decrypted.
struct SOCLE_CXX_API HistoryEntry {
  uint64_t index = 0;
  absl::Time time;
  LedgerEntryType type = LedgerEntryType::kAccessDecision;
  // False when the entry cannot be read any more: the person's key was shredded, or the
  // retention period removed its bytes. Its proof still holds.
  bool readable = false;
  // Access decisions (type kAccessDecision).
  std::string actor;      // the professional's id
  std::string role;       // their role at the time
  std::string structure;  // their structure at the time
  Action action = Action::kUnspecified;
  std::string item;
  std::string category;
  std::string purpose;
  bool allowed = false;
  std::string reason;  // lower_snake reason name
  std::string rule;    // the policy element that decided
  bool break_glass = false;
  std::string justification;
  uint64_t revision = 0;
  // Operations (type kOperation): what was done ("trail_read", "crypto_shredding"…) and a
  // short detail.
  std::string operation;
  std::string detail;
  // Sharing decisions (type kSharingDecision): the whole record. actor, role and structure are
  // then the emitter's, purpose the share's, allowed whether it was granted, reason the failed
  // check, revision the engine's.
  std::optional<SharingTrailRecord> sharing;
  // The proof that this entry is in the tree of the history's checkpoint.
  LedgerInclusionProof proof;
};

// Who may read the person's file now, and why (REQ-55).
struct SOCLE_CXX_API CurrentAccess {
  std::string professional;
  std::string role;
  std::string structure;
  std::string basis;  // "team", "referent", "grant", "break_glass"
  std::string team;   // for "team"
  absl::Time expires_at = absl::InfiniteFuture();
};

struct SOCLE_CXX_API PersonHistory {
  std::vector<HistoryEntry> entries;
  // The checkpoint every proof leads to (signed; verify it with Ledger::verifier_key()).
  LedgerCheckpoint checkpoint;
  // The `after` of the next page; -1 when this page is the last.
  int64_t next_after = -1;
};

class SOCLE_CXX_API AccessTrail {
 public:
  // `ledger` is the trail's ledger (opened with the name "access_trail"); `engine` decides.
  // Both must outlive the trail. Records the policy the engine decides under (an operation
  // "policy_loaded" whose detail is the policy's digest in hex, followed by " (development
  // mode)" when the engine runs it unapproved, AccessEngine::Options::development_mode).
  static absl::StatusOr<std::unique_ptr<AccessTrail>> Create(std::shared_ptr<Ledger> ledger,
                                                             const AccessEngine& engine);
  ~AccessTrail();
  AccessTrail(const AccessTrail&) = delete;
  AccessTrail& operator=(const AccessTrail&) = delete;

  // Decides `request` on the engine's current state and records the decision (entry sealed
  // for the person) before returning it. `justification` is the professional's, when they gave
  // one (break-the-glass). Errors: the request's (as AccessSnapshot::Decide), and the ledger's
  // (the decision is then not returned: show nothing).
  absl::StatusOr<Decision> Decide(const AccessRequest& request,
                                  absl::string_view justification = {});
  // Decides requests[i] into out[i] and records every decision, in one append. An invalid
  // request is denied with Reason::kInvalidRequest, recorded when its person is known, and the
  // status names the first invalid one (as AccessSnapshot::DecideMany).
  absl::Status DecideMany(absl::Span<const AccessRequest> requests, absl::Span<Decision> out);

  // Records a privileged operation by `actor` (about `person`, or about no person when empty),
  // durable before it returns: the one-person case of RecordOperations (an empty `person`: one
  // entry about no one, in clear). `detail` is a few words for the reader of the history; no
  // secret, no identifier.
  absl::Status RecordOperation(TrailOperation operation, absl::string_view actor,
                               absl::string_view person, absl::string_view detail);

  // At most this many persons per RecordOperations call.
  static constexpr size_t kMaxOperationPersons = 10000;
  // Records one operation by `actor` about each of `persons` (an export of many persons' files:
  // a pseudonymised dataset, a training mirror), as RecordOperation does for one: one entry per
  // person, sealed for that person (in clear for kCryptoShredding), so that each sees it in their
  // history. One ledger append, all or nothing, durable before it returns. The same person twice
  // gets two entries. Errors, nothing recorded: INVALID_ARGUMENT for an unknown operation, an
  // empty actor or an empty person (the message names its position, never an id); OUT_OF_RANGE
  // for more than kMaxOperationPersons persons; FAILED_PRECONDITION when one of them was
  // crypto-shredded (the whole batch is refused, naming the first such position: a shredded
  // person's file is gone and cannot be exported); then the ledger's errors. An empty `persons`
  // records nothing and returns OK.
  absl::Status RecordOperations(TrailOperation operation, absl::string_view actor,
                                absl::Span<const std::string> persons, absl::string_view detail);

  // Privileged operations done and recorded in one call (the record is durable before the
  // operation runs: an operation that cannot be recorded does not happen).
  // Crypto-shreds `person` in the trail's vault (Vault::ShredPerson), recorded as done by
  // `actor`. The record stays readable (in clear, without the person's id) after the shred.
  absl::Status ShredPerson(absl::string_view actor, absl::string_view person);
  // Crypto-shreds several persons (Vault::ShredPersons: one transaction and one WAL truncation
  // for the batch), each recorded as ShredPerson records one, all the records in one durable
  // append before any key is deleted. Element i is ShredPerson's answer for persons[i] (OK, or
  // NOT_FOUND when they had no key). INVALID_ARGUMENT (empty actor, or the position of an empty
  // person) and OUT_OF_RANGE (more than Vault::kMaxShredBatch) with nothing recorded; then the
  // ledger's and the vault's errors (recorded but not shredded, or not wholly: call again).
  absl::StatusOr<std::vector<absl::Status>> ShredPersons(absl::string_view actor,
                                                         absl::Span<const std::string> persons);
  // Rotates the vault's master key (Vault::RotateMasterKey), recorded as done by `actor`.
  absl::StatusOr<RotationReport> RotateMasterKey(absl::string_view actor, bool retire_previous);
  // A ReversalHook (PseudonymizerOptions::reversal.hook) that records every reversal attempt,
  // granted or refused, as a "token_reversal" operation of its actor; a reversal that cannot be
  // recorded is withheld. The trail must outlive the Pseudonymizer.
  ReversalHook ReversalRecorder();

  // The person's history, one page, each entry with its inclusion proof against the newest
  // checkpoint (signed now if the tree has grown). PERMISSION_DENIED (and recorded) when the
  // reader is neither the person nor a SECURITY_AUDITOR; the read itself is recorded in the
  // person's trail.
  absl::StatusOr<PersonHistory> History(const HistoryQuery& query);

  // Records a sharing decision, granted or refused (REQ-30), described from the engine's current
  // snapshot, and returns its index once it is durable. A share must not take effect unless
  // this returned OK. INVALID_ARGUMENT (nothing recorded) for an empty emitter, recipient or
  // person, an unspecified basis, an item without id or category or whose content hash is not
  // 32 bytes, more than 10,000 items, a refusal without its failed check (or a grant with one);
  // then the ledger's errors (FAILED_PRECONDITION for a shredded person).
  absl::StatusOr<uint64_t> RecordSharing(const SharingTrailRecord& record);
  // The same, described from `snapshot` (the one the sharing decision was computed on, so the
  // record and the decision agree). `snapshot` must come from the trail's engine.
  absl::StatusOr<uint64_t> RecordSharing(const AccessSnapshot& snapshot,
                                         const SharingTrailRecord& record);

  // Shares and records in one call, the way a product shares: socle::Share on `engine` (the
  // trail's engine; FAILED_PRECONDITION otherwise) decides and, when granted, records the grant;
  // the outcome, granted or refused, is then recorded in the sharing log. If that record cannot
  // be written, a granted share is revoked again and the error returned: no share stands without
  // its entry. Errors of the request (unknown ids, a share id already used): as socle::Share,
  // nothing recorded.
  absl::StatusOr<SharingOutcome> Share(AccessEngine& engine, const SharingRequest& request);

  // The professionals who may read the person's file now, and why.
  absl::StatusOr<std::vector<CurrentAccess>> CurrentAccessList(absl::string_view person) const;

  Ledger& ledger() const;
  const AccessEngine& engine() const;  // the engine it was created with

  // Admits `auditor` to read the trail beyond one person's history (an audit extract,
  // socle/audit_extract.hpp): PERMISSION_DENIED unless their role has the SECURITY_AUDITOR
  // capability. The read, or its refusal, is recorded as a trail read described by `what`.
  absl::Status AdmitAuditor(absl::string_view auditor, absl::string_view what);

 private:
  struct State;
  explicit AccessTrail(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace socle

#endif  // SOCLE_TRAIL_HPP_
