// The access engine's internal state: the policy tables it decides with, the id interners, the
// records of the directory, the rare per-person privacy state, and the immutable snapshot that
// readers decide on. docs/access-rules.md says what the engine decides; this file, how its state
// is laid out.
#ifndef SOCLE_SRC_ACCESS_STATE_H_
#define SOCLE_SRC_ACCESS_STATE_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "access/cow_array.h"
#include "core/interner.h"
#include "policy/compiled_policy.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "socle/mandate.hpp"
#include "socle/policy.hpp"
#include "socle/privacy_budget.hpp"

namespace socle::access_internal {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();  // no expiry
inline constexpr int32_t kUnknownDate = std::numeric_limits<int32_t>::min();
// Ids and free text pushed in by the vendor are bounded, so one bad record cannot blow up memory.
inline constexpr size_t kMaxIdBytes = 256;
inline constexpr size_t kMaxTextBytes = 4096;

// The sizes of a policy the engine accepts (BuildTables refuses larger ones with
// RESOURCE_EXHAUSTED). Far above any real service (a département has tens of roles and
// categories), low enough that the tables stay small and every index fits the 24 bits of a rule
// id. The habilitation table has roles × kActionCount × categories cells of 4 bytes.
inline constexpr size_t kMaxPolicyRoles = 1024;
inline constexpr size_t kMaxPolicyCategories = 1024;
inline constexpr size_t kMaxPolicyActivities = 4096;
inline constexpr size_t kMaxPolicyHabilitations = 65536;
inline constexpr size_t kMaxPolicyReasonCodes = 1024;
inline constexpr size_t kMaxHabilitationCells = size_t{1} << 22;  // 16 MiB of table

// A string interner safe for concurrent use: lookups take a shared lock, new ids an exclusive
// one. Names live at stable addresses, so a returned view stays valid for the interner's life.
// Never used on the decision path: callers look ids up once.
class SharedInterner {
 public:
  uint32_t Intern(absl::string_view name) ABSL_LOCKS_EXCLUDED(mu_);
  std::optional<uint32_t> Find(absl::string_view name) const ABSL_LOCKS_EXCLUDED(mu_);
  // Empty for an id that was never assigned.
  absl::string_view Name(uint32_t id) const ABSL_LOCKS_EXCLUDED(mu_);
  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  core::Interner interner_ ABSL_GUARDED_BY(mu_);
};

// Every external id the engine has seen. Ids are never forgotten: a professional who left keeps
// their id, and ids named by a rejected event stay interned (without a record, so they are still
// unknown to decisions).
struct Ids {
  SharedInterner professionals;
  SharedInterner persons;
  SharedInterner teams;
  SharedInterner labels;    // structures and professional categories
  SharedInterner mandates;  // mandate ids (MandateCreated.mandate); the index is State::mandates
  SharedInterner rights_requests;  // RightsRequestReceived.request; State::rights_requests
  SharedInterner breaches;         // BreachRecorded.breach; State::breaches
};

// The policy as the engine reads it: flat tables indexed by dense ids, built once per engine.
struct Tables {
  explicit Tables(Policy p) : policy(std::move(p)), c(&policy_internal::Compiled(policy)) {}

  Policy policy;
  const policy_internal::CompiledPolicy* c;
  uint32_t categories = 0;
  uint32_t roles = 0;
  uint32_t activities = 0;
  // ((role * kActionCount) + action) * categories + category → the index of the first
  // habilitation row that grants it, or kRuleIndexNone.
  std::vector<uint32_t> habilitation_row;
  std::vector<uint8_t> category_special;  // by category: art. 9 or art. 10 data
  std::vector<uint8_t> role_bound;        // by role: bound by secrecy
  std::vector<uint8_t> role_referent;     // by role: may be a referent
  std::vector<uint8_t> role_break_glass;  // by role: may open break-the-glass sessions
  // By activity, whether a decision for it needs the person's consent (a PROCESSING consent may
  // be given for it unless kConsentNone): kConsentAll when its legal basis is consent (art.
  // 6(1)(a)); kConsentSpecial when it lists explicit consent among its art. 9(2) conditions, for
  // the special categories only (the other conditions may be met too; deny wins).
  std::vector<uint8_t> activity_consent;
  static constexpr uint8_t kConsentNone = 0, kConsentAll = 1, kConsentSpecial = 2;
  bool NeedsConsent(uint32_t activity, uint32_t category) const {
    const uint8_t c = activity_consent[activity];
    return c == kConsentAll || (c == kConsentSpecial && category_special[category]);
  }
  // By activity: its legal basis is a public task or legitimate interests (art. 6(1)(e), (f)):
  // the person may object (art. 21), which suspends it for them.
  std::vector<uint8_t> activity_objectable;
  core::Interner reason_codes;  // break_glass.reason_codes, in policy order
  // sharing_rules, in policy order (socle/sharing.hpp): by category and by role, 1 when the rule
  // names it.
  struct SharingRuleTable {
    SharingBasis basis = SharingBasis::kUnspecified;
    bool allow_whole_file = false;
    std::vector<uint8_t> category;
    std::vector<uint8_t> role;
  };
  std::vector<SharingRuleTable> sharing_rules;
  bool referent_keeps_access = false;
  bool reveals_masked = false;
  bool signalled = true;
  bool break_glass_enabled = false;
  int64_t break_glass_max_nanos = 0;

  // The cell of (role, action, category); BuildTables bounds the sizes, so no product overflows.
  size_t HabilitationCell(uint32_t role, uint32_t action, uint32_t category) const {
    return (size_t{role} * kActionCount + action) * categories + category;
  }
  uint32_t HabilitationRow(uint32_t role, Action action, uint32_t category) const {
    return habilitation_row[HabilitationCell(role, static_cast<uint32_t>(action), category)];
  }
};

absl::StatusOr<std::shared_ptr<const Tables>> BuildTables(const Policy& policy);

using TeamList = absl::InlinedVector<uint32_t, 4>;  // sorted team ids

// Persons a professional reaches other than through their teams (for ListPersons).
struct ProfessionalExtra {
  std::vector<uint32_t> referent_of;  // sorted person ids
  std::vector<uint32_t> granted;      // sorted person ids with a grant or a session for them
};

struct ProfessionalRecord {
  uint32_t role = 0;
  SecrecyStatus secrecy = SecrecyStatus::kUnspecified;  // effective status
  bool own_secrecy = false;  // the status was set for the professional, not taken from the role
  bool known = false;
  bool left = false;
  uint32_t structure = kNoId;              // in Ids::labels
  uint32_t professional_category = kNoId;  // in Ids::labels
  TeamList teams;
  std::shared_ptr<const ProfessionalExtra> extra;  // null unless referent or grantee
};

struct Mask {
  uint32_t category = kNoId;  // kNoId for an item mask
  std::string item;           // empty for a category mask
  MaskAudience audience = MaskAudience::kEveryone;
  uint32_t audience_id = kNoId;  // role or professional
  bool operator==(const Mask& o) const {
    return category == o.category && item == o.item && audience == o.audience &&
           audience_id == o.audience_id;
  }
};

struct Session {
  uint32_t professional = kNoId;
  uint32_t reason_code = 0;
  int64_t opened_at = 0;   // unix nanoseconds
  int64_t expires_at = 0;  // unix nanoseconds; closed sessions expire when closed
};

// A grant on a person's file. A plain grant (AccessGranted without `share`) covers its
// categories for every action the habilitation matrix allows; at most one per professional, a
// later one replaces it. A share (socle/sharing.hpp) is a grant of its own, one per share id:
// the recipient reads exactly its items (or, for a whole-file share, its categories), for its
// purpose only. A professional's grants combine by union: a request is covered when one of them
// covers it.
struct GrantRecord {
  uint32_t professional = kNoId;
  std::vector<uint32_t> categories;  // sorted; empty: every category
  int64_t expires_at = kNever;
  std::string reference;
  // A share: its id, basis and purpose; `items` sorted (empty with a share: a whole-file share)
  // and item_categories[i] the category items[i] was shared as.
  std::string share;
  std::vector<std::string> items;
  std::vector<uint32_t> item_categories;
  SharingBasis basis = SharingBasis::kUnspecified;
  uint32_t purpose = kNoId;
  bool is_share() const { return !share.empty(); }
  bool Covers(uint32_t category) const {
    if (categories.empty()) return true;
    for (uint32_t c : categories) {
      if (c == category) return true;
    }
    return false;
  }
  bool HasItem(absl::string_view item) const {
    return std::binary_search(items.begin(), items.end(), item);
  }
};

// One share granted on the person's file (the history of shares: kept after the grant is
// revoked or has expired), for ItemRecipients and the person's history.
struct ShareRecord {
  std::string share;
  uint32_t emitter = kNoId;  // recorded_by of the AccessGranted
  uint32_t recipient = kNoId;
  SharingBasis basis = SharingBasis::kUnspecified;
  uint32_t purpose = kNoId;
  std::vector<std::string> items;    // sorted; empty: whole file
  std::vector<uint32_t> categories;  // sorted: the items' categories, or the whole file's
  int64_t at = 0;
  uint64_t revision = 0;  // the state revision of the AccessGranted
  bool Includes(absl::string_view item, uint32_t category) const {
    if (items.empty())
      return category != kNoId &&
             std::binary_search(categories.begin(), categories.end(), category);
    return std::binary_search(items.begin(), items.end(), item);
  }
};

// The person (or a representative) was told of a share before it (REQ-27).
struct InformationRecord {
  std::string share;
  uint32_t informed = kNoId;         // a person: the person themself or a representative
  uint32_t recipient = kNoId;        // the professional the person was told about
  std::vector<uint32_t> categories;  // sorted: the nature of the information
  int32_t channel = 0;               // v1::Channel
  std::string maturity_assessment;   // a child told: the professional's assessment
  uint32_t recorded_by = kNoId;
  int64_t at = 0;
  uint64_t revision = 0;
};

enum class InformationExceptionKind : uint8_t {  // = InformationException.Kind
  kUrgency = 1,
  kImpossibility = 2,
  kContraryToChildInterest = 3,
};

// No prior information for a share, and why (REQ-27).
struct InformationExceptionRecord {
  std::string share;
  InformationExceptionKind kind = InformationExceptionKind::kUrgency;
  std::string justification;
  uint32_t decided_by = kNoId;  // recorded_by
  int64_t at = 0;
  uint64_t revision = 0;
};

// --- Consent, representation, objection (issue 11; folded by builder, read by consent.cc,
// sharing.cc and mandate.cc through person_facts.h). Dates are days since 1970-01-01.

enum class ConsentScope : uint8_t { kProcessing = 1, kSharing = 2 };  // = ConsentGiven.Scope

enum class ConsentChannel : uint8_t {  // = socle.v1.Channel
  kUnspecified = 0,
  kInPerson = 1,
  kPaper = 2,
  kOnline = 3,
  kPhone = 4,
};

// Why a consent ended before its expiry (ConsentRecord::ended_at).
enum class ConsentEnd : uint8_t {
  kNone = 0,        // still current (or only expired)
  kWithdrawn = 1,   // ConsentWithdrawn
  kReplaced = 2,    // a later grant for the same (purpose, scope)
  kCaseClosed = 3,  // kSharing: the person's last team was unassigned (REQ-25)
};

// One consent as given; kept after it ends (the person's history, REQ-05). At most one per
// (purpose, scope) is current: a later grant ends the previous one at its own time.
struct ConsentRecord {
  uint32_t purpose = kNoId;
  ConsentScope scope = ConsentScope::kProcessing;
  std::vector<uint32_t> categories;       // sorted; empty: the purpose's categories
  std::vector<uint32_t> recipients;       // sorted professional ids (kSharing)
  std::vector<uint32_t> recipient_roles;  // sorted role ids (kSharing)
  std::vector<uint32_t> given_by;         // sorted person ids: the person and/or representatives
  int64_t given_at = 0;
  int64_t expires_at = kNever;
  int64_t ended_at = kNever;  // withdrawn, replaced, or (kSharing) the case closed
  uint64_t revision = 0;      // the state revision of the ConsentGiven event
  // The proof of the grant (REQ-05), as the event gave it.
  std::string information_version;
  std::string information_sha256;  // 32 bytes
  std::string notice_language;     // BCP 47 tag of the text shown ("fr" when the event had none)
  ConsentChannel channel = ConsentChannel::kUnspecified;
  std::string evidence_reference;
  std::string supports;           // kSharing: the supports the person was shown
  std::string security_measures;  // kSharing: the security measures the person was shown
  uint32_t recorded_by = kNoId;   // the professional who recorded it
  // How it ended: why, by whom (ConsentWithdrawn: a person), through which channel, at which
  // revision (0: not ended).
  ConsentEnd ended_by = ConsentEnd::kNone;
  uint32_t withdrawn_by = kNoId;
  ConsentChannel withdrawal_channel = ConsentChannel::kUnspecified;
  uint32_t withdrawal_recorded_by = kNoId;
  uint64_t ended_revision = 0;
  bool ValidAt(int64_t t) const { return given_at <= t && t < expires_at && t < ended_at; }
};

enum class RepresentativeKind : uint8_t {  // = RepresentativeSet.Kind
  kParentalAuthority = 1,
  kGuardianship = 2,
  kCuratorship = 3,
  kFamilyAuthorisation = 4,
  kProxy = 5,
};

struct Representative {
  uint32_t person = kNoId;  // the representative, a person of the directory
  RepresentativeKind kind = RepresentativeKind::kParentalAuthority;
  int32_t from_day = 0;
  int32_t to_day = std::numeric_limits<int32_t>::max();  // last day, inclusive
  bool ActiveOn(int32_t day) const { return from_day <= day && day <= to_day; }
};

enum class ObjectionKind : uint8_t { kProcessing = 1, kSharing = 2 };  // = ObjectionRecorded.Kind
enum class ObjectionOutcome : uint8_t {  // 0, then = ObjectionDecided.Outcome
  kPending = 0,
  kUpheld = 1,
  kCompellingGrounds = 2,
  kLegalClaims = 3,
};

struct Objection {
  ObjectionKind kind = ObjectionKind::kProcessing;
  uint32_t purpose = kNoId;  // kProcessing: the activity; kSharing: kNoId
  ObjectionOutcome outcome = ObjectionOutcome::kPending;
  int64_t recorded_at = 0;
  int64_t decided_at = kNever;
  int64_t withdrawn_at = kNever;
  uint32_t objected_by = kNoId;   // the person or a representative (a person id)
  uint32_t recorded_by = kNoId;   // the professional who recorded it
  uint32_t decided_by = kNoId;    // the professional who recorded the controller's decision
  uint64_t revision = 0;          // the state revision of the ObjectionRecorded event
  uint64_t decided_revision = 0;  // of the ObjectionDecided event; 0: not decided
  std::string informed_evidence;  // kSharing: how the person was told of the right (REQ-26)
  std::string justification;      // the controller's decision
  // Pending or upheld, and not withdrawn: it stands (one per kind and purpose at a time).
  bool Stands() const {
    return withdrawn_at == kNever &&
           (outcome == ObjectionOutcome::kPending || outcome == ObjectionOutcome::kUpheld);
  }
};

// --- Mandates (REQ-63 to REQ-66; folded by builder_mandates.cc, read by mandate.cc) -----------

// One procedure (démarche) a mandate covers: an authorisation of its own, revoked on its own.
struct MandateAuthorisation {
  uint32_t procedure = kNoId;   // policy_internal::CompiledPolicy::mandate_procedures
  int64_t revoked_at = kNever;  // unix nanoseconds
  bool revoked_by_person = false;
  uint32_t uses = 0;         // MandateUsed events folded for it
  int64_t last_used_at = 0;  // 0: never used
};

// A mandate held by a structure for a person. Kept after it ends (the person's history, and the
// retention of REQ-66: until end + the policy's retention_years_after_end).
struct MandateRecord {
  std::string id;              // the vendor's mandate id
  uint32_t structure = kNoId;  // in Ids::labels
  uint32_t aidant = kNoId;     // the professional who created it (StateEvent.recorded_by)
  int64_t created_at = 0;      // unix nanoseconds
  int64_t expires_at = 0;      // created_at + duration_days × 24 h exactly
  uint32_t duration_days = 0;
  std::string template_version;
  std::array<uint8_t, 32> attestation{};             // SHA-256 (MandateAttestation)
  std::vector<MandateAuthorisation> authorisations;  // sorted by procedure, unique

  // Whether `a` is in force at `t`: created, not expired, not revoked.
  bool ActiveAt(const MandateAuthorisation& a, int64_t t) const {
    return created_at <= t && t < expires_at && t < a.revoked_at;
  }
  // When the mandate ended or ends: at its expiry, or when its last authorisation was revoked if
  // that came first.
  int64_t EndsAt() const {
    int64_t last_revoked = 0;
    for (const MandateAuthorisation& a : authorisations) {
      if (a.revoked_at == kNever) return expires_at;
      last_revoked = std::max(last_revoked, a.revoked_at);
    }
    return std::min(expires_at, last_revoked);
  }
  const MandateAuthorisation* Find(uint32_t procedure) const {
    for (const MandateAuthorisation& a : authorisations) {
      if (a.procedure == procedure) return &a;
    }
    return nullptr;
  }
};

// Where a mandate id's record lives (State::mandates, by dense id in Ids::mandates).
struct MandateOwner {
  uint32_t person = kNoId;  // kNoId: no mandate has this id (a rejected event interned it)
  uint32_t index = 0;       // in the person's PersonState::mandates
};

// SHA-256 over the canonical encoding of a mandate's terms (socle/mandate.hpp documents it).
// `procedures` are the procedure ids; they are sorted here.
std::array<uint8_t, 32> MandateAttestation(absl::string_view aidant, absl::string_view person,
                                           absl::string_view structure,
                                           std::vector<absl::string_view> procedures,
                                           int64_t created_at, int64_t expires_at,
                                           absl::string_view template_version);

// --- Retention (REQ-32 to REQ-35; folded by builder_retention.cc, read by retention.cc) -------
// Days are days since 1970-01-01 in Europe/Paris; kUnknownDate: none recorded.

enum class RetentionEndKind : uint8_t { kRight = 1, kFollowUp = 2 };

// A right to a benefit, or a follow-up programme, of one activity: in course or ended.
struct RetentionEnd {
  uint32_t activity = kNoId;
  RetentionEndKind kind = RetentionEndKind::kRight;
  int32_t end_day = kUnknownDate;  // the last day; kUnknownDate: in course
};

// The facts the policy's retention rules count from (RetentionRule.Start).
struct RetentionFacts {
  int32_t last_contact_from_person = kUnknownDate;  // the person or a representative (REQ-34)
  int32_t last_contact_other = kUnknownDate;        // a professional or a batch job
  int32_t first_contact = kUnknownDate;             // any originator (Start CREATION)
  int32_t case_closed = kUnknownDate;  // the last team unassigned (read while no team is)
  int32_t death = kUnknownDate;
  uint64_t contacts = 0;           // contacts recorded, any originator
  std::vector<RetentionEnd> ends;  // sorted by (activity, kind), unique
  bool empty() const {
    return contacts == 0 && case_closed == kUnknownDate && death == kUnknownDate && ends.empty();
  }
  const RetentionEnd* Find(uint32_t activity, RetentionEndKind kind) const {
    for (const RetentionEnd& e : ends) {
      if (e.activity == activity && e.kind == kind) return &e;
    }
    return nullptr;
  }
};

// The retention phase of each data category of one person as a function of the day, derived
// from what the phase depends on (the retention facts, the mandates and the death in
// PersonState; the birth day and whether a case is open in PersonRecord) by
// BuildRetentionSchedule (retention.h): a decision reads the phase in a scan of a few steps
// instead of recomputing every rule's calendar. Rebuilt by the builder at the end of each batch
// that changes one of those inputs, and by the snapshot loader; never persisted. A schedule
// that is not valid, or was built for another birth day or case state, is not read: the
// decision computes the phase in full (RetentionOf in decide.cc).
struct RetentionStep {
  int32_t from = std::numeric_limits<int32_t>::min();  // the first day of the step
  uint32_t rule = kRuleIndexNone;                      // the compiled rule (CategoryRetention)
  uint8_t phase = 1;                                   // = RetentionPhase
};
struct RetentionSchedule {
  bool valid = false;
  bool case_open = false;
  int32_t birth_days = kUnknownDate;
  std::vector<uint32_t> first;  // categories + 1: category k's steps are [first[k], first[k+1])
  std::vector<RetentionStep> steps;  // by category, then by day

  bool Applies(int32_t birth, bool open) const {
    return valid && birth_days == birth && case_open == open;
  }
  // The step of `category` on `day` (Applies must hold; category < the policy's count).
  const RetentionStep& On(uint32_t category, int32_t day) const {
    uint32_t i = first[category + 1] - 1;
    while (i > first[category] && steps[i].from > day) --i;
    return steps[i];
  }
};

// --- Erasure (GDPR art. 17, REQ-13; folded by builder_erasure.cc, read by erasure.cc) ---------

// A hold on the person's file for legal claims (LegalHoldSet): no erasure while it stands.
struct LegalHold {
  std::string reason;
  std::string reference;
  int64_t since = 0;  // unix nanoseconds
  uint32_t recorded_by = kNoId;
};

// What of the person's file was erased (ErasureRecorded).
struct Erasure {
  bool whole = false;
  std::vector<uint32_t> categories;  // sorted: the categories erased (every one when whole)
  bool empty() const { return !whole && categories.empty(); }
  bool Erased(uint32_t category) const {
    return whole || std::binary_search(categories.begin(), categories.end(), category);
  }
};

// One ErasureRecorded, kept for the restore from backup (socle::Tombstones).
struct Tombstone {
  uint32_t person = kNoId;
  std::vector<uint32_t> categories;  // sorted; empty: the whole file
  int32_t day = 0;                   // the legal day of the event (Europe/Paris)
  int64_t at = 0;                    // unix nanoseconds
  std::string request;               // the rights request it answers, or empty
  uint32_t recorded_by = kNoId;
  uint64_t revision = 0;  // the state revision of the ErasureRecorded event
};

// --- Restriction and rectification (GDPR art. 16, 18, 19; issue 13; folded by
// builder_restriction.cc, read by decide.cc and restriction.cc). Times in unix nanoseconds.

// A restriction of the person's whole file (item empty) or of one item. Kept once lifted (the
// person's history); at most one in force per item.
struct RestrictionRecord {
  std::string item;            // empty: the whole file
  uint8_t ground = 0;          // = socle.v1.RestrictionGround
  uint8_t notice_channel = 0;  // = socle.v1.Channel
  uint32_t set_by = kNoId;
  uint32_t notified_by = kNoId;
  uint32_t lifted_by = kNoId;
  int64_t set_at = 0;
  int64_t notified_at = kNever;  // the person was told of the coming lift (art. 18(3))
  int64_t lifted_at = kNever;    // kNever: in force
  uint64_t revision = 0;         // of the RestrictionSet event
  uint64_t lifted_revision = 0;
  std::string rights_request;  // the request it answers, if any
  bool InForce() const { return lifted_at == kNever; }
  // Whether it covers a request on `item` (empty: the request names no item).
  bool Covers(absl::string_view request_item) const { return item.empty() || item == request_item; }
};

// One recipient to tell of a rectification (art. 19).
struct RectificationNotice {
  uint32_t recipient = kNoId;  // a professional the item was shared with before
  uint8_t channel = 0;         // = socle.v1.Channel
  uint32_t notified_by = kNoId;
  int64_t notified_at = kNever;  // kNever: pending
  uint64_t revision = 0;         // of the RectificationRecipientNotified event
};

enum class RectificationKind : uint8_t { kRectified = 1, kStatement = 2 };  // = .Kind

// One rectification of an item, or the person's statement on it. The vendor keeps the content;
// the hashes are SHA-256 (32 bytes) of its versions and of the statement.
struct RectificationRecord {
  std::string id;
  std::string item;
  uint32_t category = kNoId;
  RectificationKind kind = RectificationKind::kRectified;
  bool contested = false;
  uint32_t recorded_by = kNoId;
  int64_t at = 0;
  uint64_t revision = 0;
  std::string previous_sha256;  // kRectified
  std::string new_sha256;       // kRectified
  std::string statement_sha256;
  std::string rights_request;
  std::vector<RectificationNotice> notices;  // in the order of the first share
};

// A category of the person purged by a retention sweep (socle/retention_sweep.hpp): handed to the
// vendor to delete, anonymise or transfer on `day`. Each (person, category) is purged once.
struct RetentionPurge {
  uint32_t category = kNoId;
  int32_t day = kUnknownDate;
  uint8_t end_action = 0;  // = socle.v1.RetentionRule.EndAction
  uint64_t revision = 0;   // of the RetentionPurged event
};

// The rare state of one person. Immutable once published; null for persons who have none.
// A decision through a team reads `blocked`, `masks`, `objections` and `consents` (their begin
// and end): they come first, in one cache line (alignas), so a person with state costs one miss.
struct alignas(64) PersonState {
  std::vector<uint32_t> blocked;  // sorted professional ids
  std::vector<Mask> masks;
  std::vector<Objection> objections;            // in the order recorded
  std::vector<ConsentRecord> consents;          // in the order given
  std::vector<Session> sessions;                // at most one per professional: the latest
  std::vector<GrantRecord> grants;              // at most one per professional
  std::vector<Representative> representatives;  // in the order set
  std::vector<MandateRecord> mandates;          // in the order created; never removed
  std::vector<InformationRecord> informed;      // in the order recorded
  std::vector<InformationExceptionRecord> information_exceptions;  // in the order recorded
  std::vector<ShareRecord> shares;                                 // in the order granted
  bool objects_to_emergency_access = false;
  RetentionFacts retention;                         // retention (builder_retention.cc)
  RetentionSchedule retention_schedule;             // derived (above): not part of empty()
  std::vector<RetentionPurge> purged;               // sorted by category, unique (builder_sweep.cc)
  std::vector<RestrictionRecord> restrictions;      // in the order set (builder_restriction.cc)
  std::vector<RectificationRecord> rectifications;  // in the order recorded
  std::optional<LegalHold> legal_hold;              // builder_erasure.cc
  Erasure erasure;                                  // builder_erasure.cc
  // The batch that made this copy (Builder::MutableState): the later events of the same batch
  // change it in place, since nothing published holds it yet. Not part of the person's state.
  BatchId owner = 0;

  const RetentionPurge* Purged(uint32_t category) const {
    for (const RetentionPurge& p : purged) {
      if (p.category == category) return &p;
    }
    return nullptr;
  }
  bool empty() const {
    return blocked.empty() && masks.empty() && sessions.empty() && grants.empty() &&
           consents.empty() && representatives.empty() && objections.empty() && mandates.empty() &&
           informed.empty() && information_exceptions.empty() && shares.empty() &&
           !objects_to_emergency_access && retention.empty() && purged.empty() &&
           restrictions.empty() && rectifications.empty() && !legal_hold.has_value() &&
           erasure.empty();
  }
  bool Blocks(uint32_t professional) const {
    for (uint32_t p : blocked) {
      if (p == professional) return true;
    }
    return false;
  }
  // The professionals `item` was shared with (item-level shares naming it, and whole-file shares
  // covering `category` unless kNoId), each once, in the order of their first share: whom to tell
  // of a rectification (socle::ItemRecipients, RectificationRecorded).
  std::vector<uint32_t> ItemRecipientIds(absl::string_view item, uint32_t category) const {
    std::vector<uint32_t> out;
    for (const ShareRecord& r : shares) {
      if (!r.Includes(item, category)) continue;
      if (std::find(out.begin(), out.end(), r.recipient) == out.end()) out.push_back(r.recipient);
    }
    return out;
  }
  // The restriction in force that covers a request on `item`, or null.
  const RestrictionRecord* RestrictionCovering(absl::string_view item) const {
    for (const RestrictionRecord& r : restrictions) {
      if (r.InForce() && r.Covers(item)) return &r;
    }
    return nullptr;
  }
};

// What a person's state holds, in bits (PersonRecord::facts): a decision tests them in the
// record it has already loaded and opens the state only for the parts that bear on it, so a
// person whose state holds only, say, consents costs nothing more to a purpose that does not
// rest on consent.
inline constexpr uint8_t kFactBlocks = 1;        // blocked
inline constexpr uint8_t kFactMasks = 2;         // masks
inline constexpr uint8_t kFactAccess = 4;        // grants or sessions
inline constexpr uint8_t kFactObjections = 8;    // objections
inline constexpr uint8_t kFactConsents = 16;     // consents
inline constexpr uint8_t kFactRetention = 32;    // retention facts or mandates (retention.h)
inline constexpr uint8_t kFactErased = 64;       // the whole file was erased (erasure.whole)
inline constexpr uint8_t kFactRestricted = 128;  // a restriction in force (art. 18)
inline uint8_t FactsOf(const PersonState* st) {
  if (st == nullptr) return 0;
  // An erased person has no other fact: the erasure dropped them.
  if (st->erasure.whole) return kFactErased;
  const uint8_t retention = st->retention.empty() && st->mandates.empty() ? 0 : kFactRetention;
  return (st->blocked.empty() ? 0 : kFactBlocks) | (st->masks.empty() ? 0 : kFactMasks) |
         (st->grants.empty() && st->sessions.empty() ? 0 : kFactAccess) |
         (st->objections.empty() ? 0 : kFactObjections) |
         (st->consents.empty() ? 0 : kFactConsents) | retention |
         (std::any_of(st->restrictions.begin(), st->restrictions.end(),
                      [](const RestrictionRecord& r) { return r.InForce(); })
              ? kFactRestricted
              : 0);
}

struct PersonRecord {
  uint32_t referent = kNoId;
  int32_t birth_days = kUnknownDate;  // days since 1970-01-01
  bool known = false;
  uint8_t facts = 0;  // FactsOf(state), kept by the builder and the snapshot loader
  TeamList teams;
  std::shared_ptr<const PersonState> state;  // null for most persons
};

// Whether professional `pro` may act under `m`, a mandate of `person`, for `procedure` at `at`
// (unix nanoseconds): the rule of MandateUsed and CheckMandate, written once
// (builder_mandates.cc).
MandateVerdict MandateUseVerdict(const Tables& t, const ProfessionalRecord& pro,
                                 const PersonRecord& person, const MandateRecord& m,
                                 uint32_t procedure, int64_t at);

struct TeamMembers {
  BatchId owner = 0;
  std::vector<uint32_t> persons;  // sorted
};
struct TeamRecord {
  std::shared_ptr<TeamMembers> members;  // never changed in place once published
  // The professionals of the team (in `persons`, sorted), for ListAccessHolders; professionals
  // who left stay listed (they may come back) and are filtered out when read.
  std::shared_ptr<TeamMembers> professionals;
};

// --- Rights requests and breaches (issue 13; folded by builder_rights.cc, read by rights.cc and
// breach.cc). Not per person: the DPO's lists scan these arrays, which hold only the registers.

enum class RightsRequestState : uint8_t { kOpen = 0, kAnswered = 1, kNoAction = 2, kWithdrawn = 3 };

// One rights request (REQ-10). Days are days since 1970-01-01 in Europe/Paris (the legal day).
struct RightsRequestRecord {
  bool known = false;          // false: no request has this id (a rejected event interned it)
  uint8_t kind = 0;            // = socle.v1.RightsRequestKind
  uint8_t channel = 0;         // = socle.v1.Channel
  uint8_t requester_kind = 0;  // 0: the person; else RepresentativeKind
  RightsRequestState state = RightsRequestState::kOpen;
  uint8_t extension_months = 0;  // 0: not extended
  uint32_t person = kNoId;
  uint32_t requester = kNoId;  // a person id: the person or a representative
  uint32_t recorded_by = kNoId;
  uint32_t closed_by = kNoId;
  int32_t received_day = 0;
  int32_t first_deadline = 0;  // received_day + 1 month, clamped
  int32_t deadline = 0;        // first_deadline, or + extension_months when extended
  int64_t received_at = 0;
  int64_t extension_notified_at = 0;
  int64_t extended_at = 0;
  int64_t closed_at = kNever;
  uint64_t revision = 0;  // of the RightsRequestReceived event
  std::string id;
  std::string justification;
  std::string reasons;
  std::string complaint_information;
};

enum class BreachRisk : uint8_t { kUnlikely = 1, kRisk = 2, kHigh = 3 };  // = BreachRecorded.Risk

// One breach of the register (REQ-20). Times in unix nanoseconds.
struct BreachRecord {
  bool known = false;
  bool unintelligible = false;
  BreachRisk risk = BreachRisk::kRisk;
  uint32_t recorded_by = kNoId;
  int64_t aware_at = 0;
  int64_t authority_notified_at = kNever;
  int64_t persons_notified_at = kNever;
  int64_t closed_at = kNever;
  uint64_t persons_concerned = 0;
  uint64_t records_concerned = 0;
  uint64_t revision = 0;
  std::string id;
  std::vector<std::string> nature;
  std::string assessment;
  std::string unintelligible_reason;
  std::string delay_reason;
  std::string authority_reference;
  std::string persons_notification_means;

  bool AuthorityNotificationRequired() const { return risk != BreachRisk::kUnlikely; }
  // Art. 34(1) and 34(3)(a): the persons are told of a high-risk breach unless the data were
  // unintelligible.
  bool PersonNotificationRequired() const { return risk == BreachRisk::kHigh && !unintelligible; }
};

// --- Retention sweeps (REQ-36; folded by builder_sweep.cc, read by retention_sweep.cc) --------

struct SweepRecord {
  int32_t day = 0;
  uint64_t revision = 0;  // of the RetentionSweepStarted event
  uint32_t recorded_by = kNoId;
};

// A RetentionPurged event no certificate covers yet (its persons are kept until one does, so a
// re-run can finish their shredding).
struct PurgeBatch {
  uint64_t revision = 0;
  int32_t day = 0;
  uint32_t category = kNoId;
  uint32_t rule = 0;  // the compiled rule (CompiledPolicy::retention_rules)
  uint8_t end_action = 0;
  std::shared_ptr<const std::vector<uint32_t>> persons;  // never null; shared by copies
  std::string visa;
};

struct CertificateRecord {
  uint64_t revision = 0;  // of the DeletionCertificateIssued event
  int32_t day = 0;
  uint32_t category = kNoId;
  uint32_t rule = 0;
  uint8_t end_action = 0;
  uint64_t count = 0;
  std::string visa;
  std::array<uint8_t, 32> sha256{};  // of the certificate's bytes
};

struct VisaRecord {
  std::string reference;
  uint32_t category = kNoId;
  int32_t through = 0;
  uint32_t recorded_by = kNoId;
  int64_t recorded_at = 0;
  uint64_t revision = 0;
};

// Replaced whole (copy on write) by the builder; shared by the snapshots between.
struct SweepRegister {
  std::vector<SweepRecord> sweeps;       // in the order started; days never go back
  std::vector<PurgeBatch> open_batches;  // in revision order
  std::vector<CertificateRecord> certificates;
  std::vector<VisaRecord> visas;
  bool empty() const {
    return sweeps.empty() && open_batches.empty() && certificates.empty() && visas.empty();
  }
};

// One release charged to a dataset's differential-privacy budget (PrivacyBudgetCharged).
struct PrivacyChargeRecord {
  PrivacyCharge charge;  // epsilon and rho as the budget computed them
  uint32_t recorded_by = kNoId;
  int64_t recorded_at = 0;
  uint64_t revision = 0;
};

// The charges of every dataset, by the policy's dataset id (sorted: snapshots are canonical).
// Replaced whole (copy on write) by the builder; shared by the snapshots between.
struct PrivacyRegister {
  std::map<std::string, std::vector<PrivacyChargeRecord>, std::less<>> datasets;
};

// The policies' two-person activation (builder_governance.cc; socle/policy_approval.hpp).
struct PolicyApprovalRecord {
  uint32_t professional = 0;
  std::array<uint8_t, kPolicyDigestBytes> policy{};   // the policy approved
  std::array<uint8_t, kPolicyDigestBytes> changes{};  // the summary of changes approved
  std::vector<std::string> dpo_roles;  // the new policy's DPO roles the approver signed
  bool dpo = false;  // the approver's role held DPO_ROLE under the policy in force
  uint64_t revision = 0;
  int64_t at = 0;  // unix nanoseconds
};
struct PolicyGovernance {
  bool has_active = false;  // false: no PolicyActivated yet (a new or an older record)
  std::array<uint8_t, kPolicyDigestBytes> active{};
  int32_t active_mode = 0;  // v1::PolicyActivated::Mode
  uint64_t active_revision = 0;
  // Professional (dense id) → their approval key, "<name>+<hash>+<base64>".
  std::map<uint32_t, std::string> keys;
  // The approvals of a change of the policy in force, in the order recorded (cleared by an
  // activation: an approval is of one change, from one policy in force).
  std::vector<PolicyApprovalRecord> approvals;
  // The roles holding DPO_ROLE in the last policy activated INITIAL or APPROVED, sorted: whose
  // approval counts as the DPO's. A DEVELOPMENT activation leaves them as they are.
  std::vector<std::string> dpo_roles;
};

// The directory and the privacy facts at one revision.
struct State {
  uint64_t revision = 0;
  CowArray<ProfessionalRecord> professionals;
  CowArray<PersonRecord> persons;
  CowArray<TeamRecord> teams;
  CowArray<MandateOwner> mandates;                     // by dense mandate id (Ids::mandates)
  CowArray<RightsRequestRecord> rights_requests;       // by dense id (Ids::rights_requests)
  CowArray<BreachRecord> breaches;                     // by dense id (Ids::breaches)
  CowArray<Tombstone> tombstones;                      // in the order recorded (ErasureRecorded)
  std::shared_ptr<const SweepRegister> sweeps;         // null: no sweep, no visa yet
  std::shared_ptr<const PrivacyRegister> privacy;      // null: no charge yet
  std::shared_ptr<const PolicyGovernance> governance;  // null: no activation, key or approval yet
};

// The published, immutable snapshot.
class SnapshotData final : public AccessSnapshot {
 public:
  SnapshotData(std::shared_ptr<const Tables> tables, std::shared_ptr<const Ids> ids,
               const Clock* clock, State state)
      : tables(std::move(tables)), ids(std::move(ids)), clock(clock), state(std::move(state)) {}

  const ProfessionalRecord* professional(uint32_t id) const {
    if (id >= state.professionals.size()) return nullptr;
    const ProfessionalRecord& r = state.professionals[id];
    return r.known ? &r : nullptr;
  }
  const PersonRecord* person(uint32_t id) const {
    if (id >= state.persons.size()) return nullptr;
    const PersonRecord& r = state.persons[id];
    return r.known ? &r : nullptr;
  }

  const std::shared_ptr<const Tables> tables;
  const std::shared_ptr<const Ids> ids;
  const Clock* const clock;
  const State state;
};

inline const SnapshotData& Data(const AccessSnapshot& s) {
  return static_cast<const SnapshotData&>(s);
}

// The validated request's problem, or OK (the slow path: messages are built here only).
absl::Status CheckRequest(const SnapshotData& s, const AccessRequest& r);
// Whether the ids and values of `r` are all in range and known (the fast path of CheckRequest).
bool RequestValid(const SnapshotData& s, const AccessRequest& r);
// Decides a request that RequestValid accepted. No allocation.
Decision DecideValid(const SnapshotData& s, const AccessRequest& r);
// The persons a professional may access (see AccessSnapshot::ListPersons).
absl::StatusOr<std::vector<uint32_t>> ListPersonsImpl(const SnapshotData& s, uint32_t actor,
                                                      uint32_t category, uint32_t purpose,
                                                      Action action, absl::Time time);
absl::StatusOr<std::vector<AccessHolder>> ListAccessHoldersImpl(const SnapshotData& s,
                                                                uint32_t person, absl::Time time);
absl::StatusOr<Explanation> ExplainImpl(const SnapshotData& s, const AccessRequest& r);
// "habilitations[2]", "activities[0] (name)"…
std::string RuleNameOf(const Tables& t, uint32_t rule);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_STATE_H_
