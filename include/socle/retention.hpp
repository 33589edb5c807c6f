// socle/retention.hpp: how long a person's file is kept, from the vendor's facts (REQ-32 to
// REQ-35).
//
// socle holds no case data. The vendor tells the access engine the facts retention counts from,
// as state events (proto/socle/v1/events.proto): a contact with who it came from (only the
// person or a representative valid that day restart the clock, REQ-34), the right to a benefit
// in course or ended, a follow-up programme in course or ended, the person's death. The engine
// knows the rest itself: the case closes when the person's last team is unassigned, and a
// mandate ends at its expiry or revocation. From these and the policy's retention rule of each
// data category (Activity.retention), socle answers the phase of each category of the person's
// file on a given day, and the day it changes next (AccessSnapshot::Retention).
//
// Phases: ACTIVE (the file is in use), INTERMEDIATE_ARCHIVE (kept for legal obligations or
// evidence only: the access engine lets only an ARCHIVIST read it, with a reason, REQ-35), then
// DUE (to delete or anonymise, per the rule's end action) or AWAITING_VISA (the end action is
// DEFINITIVE_ARCHIVE, or the controller's records are public archives: nothing is destroyed
// before the archives service's visa). docs/retention-and-rights.md has the rules and examples.
//
// Days are calendar days in Europe/Paris, as day numbers (days since 1970-01-01:
// absl::CivilDay(1970, 1, 1) + n). Thread safety: plain values and functions; the recording
// helpers are as safe as AccessEngine's writes (serialised by the engine).
#ifndef SOCLE_RETENTION_HPP_
#define SOCLE_RETENTION_HPP_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "socle/export.hpp"

namespace socle {

class AccessEngine;

// No day: a phase that began before anything was recorded, a change that no recorded fact
// schedules yet.
inline constexpr int32_t kNoRetentionDay = std::numeric_limits<int32_t>::min();

enum class RetentionPhase : int32_t {
  kActive = 1,
  kIntermediateArchive = 2,
  kDue = 3,           // delete or anonymise (RetentionStatus::end_action)
  kAwaitingVisa = 4,  // destruction or transfer waits for the archives service's visa
};

// = socle.v1.RetentionRule.Start
enum class RetentionStart : int32_t {
  kUnspecified = 0,
  kLastContactFromPerson = 1,
  kEndOfRight = 2,
  kEndOfFollowUp = 3,
  kCaseClosure = 4,
  kCreation = 5,  // the first contact recorded, of any originator
  kEndOfMandate = 6,
};

// = socle.v1.RetentionRule.EndAction
enum class RetentionEndAction : int32_t {
  kUnspecified = 0,
  kDelete = 1,
  kAnonymise = 2,
  kDefinitiveArchive = 3,
};

// The retention of one data category of a person's file on one day.
struct RetentionStatus {
  uint32_t category = 0xFFFFFFFFu;  // dense category id (AccessEngine::FindCategory)
  RetentionPhase phase = RetentionPhase::kActive;
  int32_t since = kNoRetentionDay;        // the first day of the phase, when known
  int32_t next_change = kNoRetentionDay;  // the first day of the next phase, when scheduled
  RetentionPhase next_phase = RetentionPhase::kActive;               // meaningful with next_change
  RetentionEndAction end_action = RetentionEndAction::kUnspecified;  // at the end of the rule
  // The rule that decided: activities[activity].retention[rule_index] of the policy; kNoId
  // (0xFFFFFFFF) when the category has no rule (no activity declares it). When no rule has a
  // recorded fact to count from, the first rule of the category is named and the phase is
  // ACTIVE with no day.
  uint32_t activity = 0xFFFFFFFFu;
  uint32_t rule_index = 0xFFFFFFFFu;
  RetentionStart start = RetentionStart::kUnspecified;
  int32_t start_day = kNoRetentionDay;  // the day the rule counts from; none while in course
  bool hard_stop = false;               // the phase or the next change is the age stop
  absl::string_view source;             // the rule's legal source (the policy's text)
};

// "active", "intermediate_archive", "due", "awaiting_visa"; "unspecified" for another value.
SOCLE_CXX_API const char* RetentionPhaseName(RetentionPhase phase);
// "delete", "anonymise", "definitive_archive"; "unspecified" for another value.
SOCLE_CXX_API const char* RetentionEndActionName(RetentionEndAction action);
// A day number as YYYY-MM-DD; "-" for kNoRetentionDay.
SOCLE_CXX_API std::string RetentionDayText(int32_t day);

// --- Recording the facts (each applies one event at the engine's clock; returns the revision) --

enum class ContactOriginator : int32_t {  // = socle.v1.ContactRecorded.Originator
  kPerson = 1,
  kRepresentative = 2,
  kProfessional = 3,
  kBatch = 4,
};

struct ContactSpec {
  std::string person;
  ContactOriginator originator = ContactOriginator::kPerson;
  std::string representative;         // kRepresentative: a representative valid on `day`
  std::optional<absl::CivilDay> day;  // nullopt: today (the engine's clock, Europe/Paris)
  std::string recorded_by;            // the professional who records it, if any
};

// Event contact_recorded.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordContact(AccessEngine& engine, const ContactSpec& spec);
// Event right_recorded: the person's right of `activity` is in course (last_day nullopt) or
// ended on `last_day`.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordRight(AccessEngine& engine, absl::string_view person,
                                                   absl::string_view activity,
                                                   std::optional<absl::CivilDay> last_day);
// Event follow_up_recorded, as RecordRight for a follow-up programme.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordFollowUp(AccessEngine& engine,
                                                      absl::string_view person,
                                                      absl::string_view activity,
                                                      std::optional<absl::CivilDay> last_day);
// Event death_recorded.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordDeath(AccessEngine& engine, absl::string_view person,
                                                   absl::CivilDay day);

}  // namespace socle

#endif  // SOCLE_RETENTION_HPP_
