// socle/breach.hpp: the register of personal data breaches (GDPR art. 33, 34; REQ-20).
//
// A breach is recorded with the time the controller became aware of it, its nature in category
// words (no personal data, no free text: [a-z0-9_-]), a risk level and counts. The engine
// enforces:
//   - the authority (the CNIL) is notified within 72 hours of aware_at, counted in hours (a
//     daylight-saving change does not move it): a notification later than aware_at + 72 h without
//     a reason for the delay is INVALID_ARGUMENT (art. 33(1)); a breach "unlikely to result in a
//     risk" is not notified, and its assessment is then required (art. 33(1), 33(5));
//   - the persons must be told of a high-risk breach (art. 34(1)), unless the data were
//     unintelligible to whoever got them, an exception asserted with its reason, e.g. "sealed by
//     the vault, keys not exposed" (art. 34(3)(a));
//   - closing a breach deletes nothing: the register keeps every breach, notified or not
//     (art. 33(5)); closing is refused while a required notification is missing.
// Each step is a state event (socle.v1.BreachRecorded, …AuthorityNotified, …PersonsNotified,
// …Closed) recorded by the engine of record.
//
// Thread safety: the functions are as thread-safe as the engine (writes serialised, reads on
// immutable snapshots).
#ifndef SOCLE_BREACH_HPP_
#define SOCLE_BREACH_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/export.hpp"

namespace socle {

// The authority's deadline after aware_at: 72 hours exactly (art. 33(1)).
inline constexpr absl::Duration kBreachAuthorityDelay = absl::Hours(72);

enum class BreachRisk : int32_t {  // = socle.v1.BreachRecorded.Risk
  kUnlikely = 1,  // unlikely to result in a risk to the persons: the authority is not notified
  kRisk = 2,      // the authority is notified
  kHigh = 3,      // the authority and the persons (unless the data were unintelligible)
};

// "unlikely", "risk", "high_risk"; "unspecified" for another value.
SOCLE_CXX_API const char* BreachRiskName(BreachRisk risk);

struct BreachSpec {
  std::string breach;               // the vendor's id; unique
  absl::Time aware_at;              // not after the engine's clock
  std::vector<std::string> nature;  // category words, e.g. {"confidentiality", "lost_laptop"}
  BreachRisk risk = BreachRisk::kRisk;
  std::string assessment;             // required for kUnlikely: why
  bool unintelligible = false;        // art. 34(3)(a) asserted
  std::string unintelligible_reason;  // required when asserted
  uint64_t persons_concerned = 0;     // approximate
  uint64_t records_concerned = 0;     // approximate
  std::string recorded_by;            // the professional who records it
};

// Records a breach (event breach_recorded, at the engine's clock). Returns the new revision.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordBreach(AccessEngine& engine, const BreachSpec& spec);

// The authority was notified at `notified_at` (event breach_authority_notified); `delay_reason`
// is required when that is later than aware_at + 72 h. `reference`: the authority's, if any.
SOCLE_CXX_API absl::StatusOr<uint64_t> NotifyBreachAuthority(
    AccessEngine& engine, absl::string_view breach, absl::Time notified_at,
    absl::string_view delay_reason, absl::string_view reference, absl::string_view recorded_by);

// The persons were told at `notified_at`, by `means` (letter, e-mail, public communication)
// (event breach_persons_notified).
SOCLE_CXX_API absl::StatusOr<uint64_t> NotifyBreachPersons(AccessEngine& engine,
                                                           absl::string_view breach,
                                                           absl::Time notified_at,
                                                           absl::string_view means,
                                                           absl::string_view recorded_by);

// Closes the handling of `breach` (event breach_closed); the breach stays in the register.
SOCLE_CXX_API absl::StatusOr<uint64_t> CloseBreach(AccessEngine& engine, absl::string_view breach,
                                                   absl::string_view recorded_by);

struct BreachInfo {
  std::string breach;
  absl::Time aware_at;
  std::vector<std::string> nature;
  BreachRisk risk = BreachRisk::kRisk;
  std::string assessment;
  bool unintelligible = false;
  std::string unintelligible_reason;
  uint64_t persons_concerned = 0;
  uint64_t records_concerned = 0;
  std::string recorded_by;
  bool authority_notification_required = true;  // every risk but kUnlikely
  absl::Time authority_deadline;                // aware_at + 72 h
  std::optional<absl::Time> authority_notified_at;
  bool authority_notified_late = false;  // after the deadline (delay_reason then recorded)
  std::string delay_reason;
  std::string authority_reference;
  // kHigh and not unintelligible (art. 34(1), 34(3)(a)).
  bool person_notification_required = false;
  std::optional<absl::Time> persons_notified_at;
  std::string persons_notification_means;
  std::optional<absl::Time> closed_at;
  uint64_t revision = 0;  // of the BreachRecorded event
};

// Every breach of the register, closed or not, in the order recorded.
SOCLE_CXX_API std::vector<BreachInfo> BreachRegister(const AccessSnapshot& snapshot);

// The breach `breach`; NOT_FOUND for an unknown id.
SOCLE_CXX_API absl::StatusOr<BreachInfo> GetBreach(const AccessSnapshot& snapshot,
                                                   absl::string_view breach);

// The breaches whose authority notification is required, not yet made, and past its deadline at
// `at` (later than aware_at + 72 h), most late first.
SOCLE_CXX_API std::vector<BreachInfo> OverdueBreachNotifications(const AccessSnapshot& snapshot,
                                                                 absl::Time at);

}  // namespace socle

#endif  // SOCLE_BREACH_HPP_
