// socle/rights.hpp: the register of the person's rights requests and their deadlines (GDPR
// art. 12(3)-(4), 15 to 21; REQ-09, REQ-10).
//
// A request is received (access, rectification, erasure, restriction, portability, objection),
// may be extended once, and is closed (answered, or no action) or withdrawn. The engine enforces:
//   - the requester is the person or one of their representatives whose measure is in force on the
//     receipt day (socle/representation.hpp); an expired measure is PERMISSION_DENIED, a current
//     one is accepted and the request attributed to the representative (REQ-09);
//   - the deadline is the receipt day in Europe/Paris + 1 calendar month, a day the month lacks
//     becoming its last (31 January → 28 or 29 February); the request is due by the end of that
//     day;
//   - one extension, of 1 or 2 further months counted from the first deadline (art. 12(3): "may
//     be extended by two further months"), only with a justification and when the person was told
//     of it on or before the first deadline, and the extension recorded by then too; otherwise
//     FAILED_PRECONDITION whose message starts "extension_too_late:"; a second one is
//     FAILED_PRECONDITION;
//   - closing with no action only with the reasons and the information given to the person about
//     complaining to the CNIL and seeking a judicial remedy (art. 12(4)); INVALID_ARGUMENT
//     otherwise.
// Each step is a state event (socle.v1.RightsRequestReceived, …Extended, …Closed, …Withdrawn)
// recorded by the engine of record, so replaying the state ledger or reopening a snapshot gives
// the same register. Closing late is allowed (the register shows how late).
//
// Thread safety: the functions are as thread-safe as the engine (writes serialised, reads on
// immutable snapshots).
#ifndef SOCLE_RIGHTS_HPP_
#define SOCLE_RIGHTS_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/consent.hpp"
#include "socle/export.hpp"
#include "socle/representation.hpp"

namespace socle {

enum class RightsRequestKind : int32_t {  // = socle.v1.RightsRequestKind
  kAccess = 1,                            // art. 15
  kRectification = 2,                     // art. 16
  kErasure = 3,                           // art. 17
  kRestriction = 4,                       // art. 18
  kPortability = 5,                       // art. 20
  kObjection = 6,                         // art. 21
};

// "access", "rectification", "erasure", "restriction", "portability", "objection";
// "unspecified" for another value.
SOCLE_CXX_API const char* RightsRequestKindName(RightsRequestKind kind);
// The kind named `name` (as RightsRequestKindName spells it); nullopt for another name.
SOCLE_CXX_API std::optional<RightsRequestKind> RightsRequestKindFromName(absl::string_view name);

struct RightsRequestSpec {
  std::string request;  // the vendor's id for the request; unique
  RightsRequestKind kind = RightsRequestKind::kAccess;
  std::string person;      // whose data the request is about
  std::string requester;   // the person (or empty), or one of their representatives
  absl::Time received_at;  // when it reached the service; not after the engine's clock
  ConsentChannel channel = ConsentChannel::kInPerson;
  std::string recorded_by;  // the professional who records it
};

// Records a request received (event rights_request_received, at the engine's clock). Returns the
// new revision.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordRightsRequest(AccessEngine& engine,
                                                           const RightsRequestSpec& spec);

// Extends the deadline of `request` by `months` (1 or 2) further months; the person was told at
// `notified_at` (event rights_request_extended).
SOCLE_CXX_API absl::StatusOr<uint64_t> ExtendRightsRequest(AccessEngine& engine,
                                                           absl::string_view request,
                                                           absl::string_view justification,
                                                           absl::Time notified_at, uint32_t months,
                                                           absl::string_view recorded_by);

enum class RightsRequestStatus : int32_t {
  kOpen = 0,
  kAnswered = 1,
  kNoAction = 2,  // closed with no action (reasons and complaint information recorded)
  kWithdrawn = 3,
};

// "open", "answered", "no_action", "withdrawn"; "unspecified" for another value.
SOCLE_CXX_API const char* RightsRequestStatusName(RightsRequestStatus status);

// Closes `request` as answered (`no_action` false) or with no action taken (`reasons` and
// `complaint_information` then required) (event rights_request_closed).
SOCLE_CXX_API absl::StatusOr<uint64_t> CloseRightsRequest(AccessEngine& engine,
                                                          absl::string_view request, bool no_action,
                                                          absl::string_view reasons,
                                                          absl::string_view complaint_information,
                                                          absl::string_view recorded_by);

// The requester withdraws `request`: `withdrawn_by` is the person or a representative in force
// today (empty: the person) (event rights_request_withdrawn).
SOCLE_CXX_API absl::StatusOr<uint64_t> WithdrawRightsRequest(AccessEngine& engine,
                                                             absl::string_view request,
                                                             absl::string_view withdrawn_by,
                                                             absl::string_view recorded_by);

struct RightsRequestInfo {
  std::string request;
  RightsRequestKind kind = RightsRequestKind::kAccess;
  std::string person;
  std::string requester;  // the person, or the representative who made it
  std::optional<RepresentativeKind> requester_kind;  // set when a representative made it
  ConsentChannel channel = ConsentChannel::kInPerson;
  std::string recorded_by;
  absl::Time received_at;
  absl::CivilDay received_day;    // in Europe/Paris
  absl::CivilDay first_deadline;  // received_day + 1 month, clamped
  absl::CivilDay deadline;        // first_deadline, or extended
  uint32_t extension_months = 0;  // 0: not extended
  std::string justification;
  std::optional<absl::Time> extension_notified_at;
  RightsRequestStatus status = RightsRequestStatus::kOpen;
  std::optional<absl::Time> closed_at;
  std::string reasons;                // no action
  std::string complaint_information;  // no action
  // Counted on the query's day for an open request, on the closing day (Europe/Paris) for a
  // closed one: days from that day to the deadline (0: due that day), negative when late.
  int64_t days_left = 0;
  uint64_t revision = 0;  // of the RightsRequestReceived event
};

// The request `request` with its days counted on `day` (the legal day in Europe/Paris). NOT_FOUND
// for an unknown id.
SOCLE_CXX_API absl::StatusOr<RightsRequestInfo> GetRightsRequest(const AccessSnapshot& snapshot,
                                                                 absl::string_view request,
                                                                 absl::CivilDay day);

// The open requests about `person`, by deadline. NOT_FOUND for a person not in the directory.
SOCLE_CXX_API absl::StatusOr<std::vector<RightsRequestInfo>> OpenRightsRequests(
    const AccessSnapshot& snapshot, absl::string_view person, absl::CivilDay day);

// Every request of the register (open and closed), in the order received.
SOCLE_CXX_API std::vector<RightsRequestInfo> RightsRegister(const AccessSnapshot& snapshot,
                                                            absl::CivilDay day);

// The DPO's lists: the open requests whose deadline is before `day` (overdue, most late first),
// and those due from `day` to `day` + `days` included (soonest first). One scan of the register.
SOCLE_CXX_API std::vector<RightsRequestInfo> OverdueRightsRequests(const AccessSnapshot& snapshot,
                                                                   absl::CivilDay day);
SOCLE_CXX_API std::vector<RightsRequestInfo> RightsRequestsDueWithin(const AccessSnapshot& snapshot,
                                                                     absl::CivilDay day,
                                                                     int64_t days);

// The day of `t` in Europe/Paris, as the deadlines are counted (e.g. "today" for the queries).
SOCLE_CXX_API absl::CivilDay RightsDayOf(absl::Time t);

}  // namespace socle

#endif  // SOCLE_RIGHTS_HPP_
