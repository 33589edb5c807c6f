// socle/restriction.hpp: restriction of processing (GDPR art. 18; REQ-14).
//
// The person obtains that their whole file, or one item of it, be restricted, on one of the
// grounds of art. 18(1): they contest its accuracy (a), the processing is unlawful and they oppose
// erasure (b), they need the data for a legal claim (c), or they objected and the verification of
// art. 21(1) is pending (d). While a restriction is in force the data are stored only (art. 18(2)):
// every decision of the engine on what it covers (read, write, delete, export, print, share) is
// denied with Reason::kRestricted, after every other check, unless the request carries one of the
// justifications of art. 18(2) (AccessRequest::restriction_justification: the person's consent,
// legal claims, the protection of another person's rights, an important public interest); it is
// then allowed with Reason::kAllowedUnderRestriction, to be recorded with that justification. No
// Action is "storage": the vendor keeps what it holds, and a write that changes the content is
// processing (docs/retention-and-rights.md, "Restriction").
//
// Lifting needs the person told beforehand (art. 18(3)): RecordRestrictionLiftNotice first, then
// LiftRestriction, which is FAILED_PRECONDITION without it. Each step is a state event
// (socle.v1.RestrictionSet, RestrictionLiftNotified, RestrictionLifted) that names the
// professional who recorded it; replaying the state ledger or reopening a snapshot gives the same
// restrictions. Lifted restrictions stay in the person's history.
//
// Thread safety: the functions are as thread-safe as the engine (writes serialised, reads on
// immutable snapshots).
#ifndef SOCLE_RESTRICTION_HPP_
#define SOCLE_RESTRICTION_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/consent.hpp"
#include "socle/export.hpp"

namespace socle {

enum class RestrictionGround : int32_t {  // = socle.v1.RestrictionGround
  kAccuracyContested = 1,                 // art. 18(1)(a)
  kUnlawfulProcessing = 2,                // art. 18(1)(b)
  kLegalClaims = 3,                       // art. 18(1)(c)
  kObjectionPending = 4,                  // art. 18(1)(d)
};

// "accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending";
// "unspecified" for another value.
SOCLE_CXX_API const char* RestrictionGroundName(RestrictionGround ground);
SOCLE_CXX_API std::optional<RestrictionGround> RestrictionGroundFromName(absl::string_view name);
// The justification named as Name(RestrictionJustification) spells it ("legal_claims"…; "none").
SOCLE_CXX_API std::optional<RestrictionJustification> RestrictionJustificationFromName(
    absl::string_view name);

struct RestrictionSpec {
  std::string person;
  std::string item;  // the vendor's item id; empty: the whole file
  RestrictionGround ground = RestrictionGround::kAccuracyContested;
  // Optional: the rights request (socle/rights.hpp) it answers: of kind restriction, about the
  // same person.
  std::string rights_request;
  std::string recorded_by;  // the professional who records it
};

// Restricts the file or the item (event restriction_set). ALREADY_EXISTS when a restriction is
// already in force on the same item (or the whole file). Returns the new revision.
SOCLE_CXX_API absl::StatusOr<uint64_t> RestrictProcessing(AccessEngine& engine,
                                                          const RestrictionSpec& spec);

// Records that the person was told, at `notified_at` (not after now, not before the restriction),
// through `channel`, that the restriction on `item` (empty: the whole file) is going to be lifted
// (event restriction_lift_notified; art. 18(3)).
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordRestrictionLiftNotice(
    AccessEngine& engine, absl::string_view person, absl::string_view item, absl::Time notified_at,
    ConsentChannel channel, absl::string_view recorded_by);

// Lifts the restriction on `item` (empty: the whole file) (event restriction_lifted).
// FAILED_PRECONDITION when none is in force, or when the person was not told beforehand.
SOCLE_CXX_API absl::StatusOr<uint64_t> LiftRestriction(AccessEngine& engine,
                                                       absl::string_view person,
                                                       absl::string_view item,
                                                       absl::string_view recorded_by);

struct RestrictionInfo {
  std::string person;
  std::string item;  // empty: the whole file
  RestrictionGround ground = RestrictionGround::kAccuracyContested;
  std::string rights_request;
  std::string set_by;
  absl::Time set_at;
  uint64_t revision = 0;  // of the RestrictionSet event
  bool in_force = true;
  std::optional<absl::Time> notified_at;  // the prior notice of the lift, once recorded
  ConsentChannel notice_channel = ConsentChannel::kInPerson;
  std::string notified_by;
  std::optional<absl::Time> lifted_at;
  std::string lifted_by;
  uint64_t lifted_revision = 0;  // 0: in force
};

// The person's restrictions, in the order set: those in force, and the lifted ones too when
// `include_lifted`. NOT_FOUND for a person not in the directory.
SOCLE_CXX_API absl::StatusOr<std::vector<RestrictionInfo>> Restrictions(
    const AccessSnapshot& snapshot, absl::string_view person, bool include_lifted = true);

}  // namespace socle

#endif  // SOCLE_RESTRICTION_HPP_
