// socle/mandate.hpp: mandates to carry out procedures (démarches) on a person's behalf, the
// Aidants Connect model (REQ-63 to REQ-66).
//
// A mandate is held by a structure, never by an individual: any professional of the structure
// whose role the policy lists (mandates.roles) may use it. It covers one or more procedure
// domains of the policy (mandates.procedures: papers, housing…), each an authorisation of its
// own, for 1, 31, 182 or 365 days exactly, and carries an attestation hash over its terms. The
// engine enforces, when a mandate is created:
//   - the aidant (recorded_by) is an active professional whose role is in mandates.roles and whose
//     structure (ProfessionalUpserted.structure) is the mandate's structure and is habilitated
//     (mandates.habilitated_structures); PERMISSION_DENIED otherwise (a volunteer is refused);
//   - the person is not under a representation measure of an adult on that day (guardianship,
//     curatorship, family authorisation, proxy: socle/representation.hpp): FAILED_PRECONDITION
//     whose message starts "representation_required:" (act through the representative);
//   - the procedures are known, not repeated, and none is already in force for the person under
//     another mandate, of any structure: ALREADY_EXISTS whose message starts
//     "procedure_already_mandated:" (revoke it first, or wait for its expiry; REQ-64);
//   - the duration is 1, 31, 182 or 365 days (OUT_OF_RANGE otherwise); the mandate expires at its
//     creation time + that many days of 24 hours, exactly;
//   - the person's involvement is given (REQ-61): present, informed beforehand, or not informed
//     with a reason;
//   - mandate ids are unique (ALREADY_EXISTS).
// A use names the mandate and one procedure; it is refused (PERMISSION_DENIED, naming why: see
// MandateVerdict) unless the authorisation is in force at the use's time and the professional
// belongs to the mandate's structure with a listed role; it also needs the person's involvement.
// A revocation, by the person or by the structure at the person's request, ends some
// authorisations or all of them at its time (REQ-65); revoking what is not in force is NOT_FOUND.
//
// Every creation, use and revocation is a state event (socle.v1.MandateCreated, MandateUsed,
// MandateRevoked) recorded by the engine of record: the state ledger is the mandate journal,
// append-only. Records are kept after a mandate ends, until its end + the policy's
// retention_years_after_end (6 by default, REQ-66): MandateInfo::keep_until.
//
// The attestation hash is SHA-256 over this encoding (all integers big-endian):
//   "socle.mandate.attestation.v1" 0x00
//   field(aidant) field(person) field(structure)
//   u32(number of procedures) field(procedure) … (procedure ids sorted bytewise, ascending)
//   i64(creation time) i64(expiry)  (unix nanoseconds, UTC)
//   field(template_version)
// where field(x) = u32(length of x in bytes) followed by x, and ids are the vendor's and the
// policy's ids as strings. MandateAttestationSha256 computes it, so an auditor can recompute the
// hash printed on the attestation from the mandate's terms.
//
// Thread safety: the functions are as thread-safe as the engine (writes serialised, reads on
// immutable snapshots).
#ifndef SOCLE_MANDATE_HPP_
#define SOCLE_MANDATE_HPP_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "socle/access.hpp"
#include "socle/export.hpp"

namespace socle {

// The durations a mandate may have, in days (Aidants Connect's: a day, a month, a semester, a
// year). Nothing else is accepted.
inline constexpr uint32_t kMandateDurationsDays[] = {1, 31, 182, 365};

// Whether the person took part in the action taken on their behalf (REQ-61); equal to
// socle.v1.PersonInvolvement.
struct MandateInvolvement {
  enum class Kind : int32_t {
    kUnspecified = 0,         // refused
    kPresent = 1,             // the person was there and took part
    kInformedBeforehand = 2,  // the person was told before the action
    kNotInformed = 3,         // the person was not told; `reason` says why (required)
  };
  Kind kind = Kind::kUnspecified;
  std::string reason;
};

struct MandateSpec {
  std::string mandate;                  // the vendor's id for the mandate; unique
  std::string person;                   // the usager
  std::string structure;                // the mandatary structure, a habilitated one
  std::vector<std::string> procedures;  // procedure domains of the policy
  uint32_t duration_days = 0;           // 1, 31, 182 or 365
  std::string template_version;         // the attestation text shown and signed; required
  std::string aidant;                   // the professional who creates it (recorded_by)
  MandateInvolvement involvement;
};

struct CreatedMandate {
  uint64_t revision = 0;
  std::array<uint8_t, 32> attestation_sha256{};
  absl::Time created_at;  // the engine's clock when it was recorded
  absl::Time expires_at;  // created_at + duration_days × 24 h
};

// Creates a mandate (event mandate_created, at the engine's clock); the engine computes its
// attestation hash.
SOCLE_CXX_API absl::StatusOr<CreatedMandate> CreateMandate(AccessEngine& engine,
                                                           const MandateSpec& spec);

// Records that `professional` acted for the person under `mandate` for `procedure` (event
// mandate_used). Refused, and nothing recorded, unless CheckMandate allows it now.
SOCLE_CXX_API absl::StatusOr<uint64_t> UseMandate(AccessEngine& engine, absl::string_view mandate,
                                                  absl::string_view procedure,
                                                  absl::string_view professional,
                                                  const MandateInvolvement& involvement);

// Revokes `procedures` of `mandate`, or all its authorisations still in force when `procedures`
// is empty, with immediate effect (event mandate_revoked). `by_person`: the usager revoked it
// (any active professional may record it); otherwise the structure did, at the person's request,
// and `recorded_by` must be one of its professionals. NOT_FOUND when a named procedure, or every
// procedure, is not in force.
SOCLE_CXX_API absl::StatusOr<uint64_t> RevokeMandate(AccessEngine& engine,
                                                     absl::string_view mandate,
                                                     absl::Span<const std::string> procedures,
                                                     bool by_person, absl::string_view recorded_by);

enum class MandateState : int32_t {
  kActive = 1,   // in force
  kRevoked = 2,  // revoked before it expired
  kExpired = 3,  // reached its expiry
};

// "active", "revoked", "expired"; "unspecified" for another value.
SOCLE_CXX_API const char* MandateStateName(MandateState state);

struct MandateProcedureInfo {
  std::string procedure;
  MandateState state = MandateState::kActive;
  std::optional<absl::Time> revoked_at;
  bool revoked_by_person = false;
  uint32_t uses = 0;
  std::optional<absl::Time> last_used_at;
};

struct MandateInfo {
  std::string mandate;
  std::string structure;
  std::string aidant;  // who created it
  absl::Time created_at;
  absl::Time expires_at;
  uint32_t duration_days = 0;
  std::string template_version;
  std::array<uint8_t, 32> attestation_sha256{};
  std::vector<MandateProcedureInfo> procedures;  // in the policy's order
  MandateState state = MandateState::kActive;    // active while one procedure is
  // When it ends: its expiry, or the revocation of its last procedure if earlier (may be ahead).
  absl::Time ends_at;
  // Until when its record must be kept: ends_at + the policy's retention_years_after_end, in
  // calendar years (UTC; 29 February + 6 years is 1 March).
  absl::Time keep_until;
};

// Every mandate of `person`, ended ones included, in the order created, with each state as of
// `time` (InfinitePast: the engine's clock now). NOT_FOUND when the person is not in the
// snapshot's directory.
SOCLE_CXX_API absl::StatusOr<std::vector<MandateInfo>> Mandates(
    const AccessSnapshot& snapshot, absl::string_view person,
    absl::Time time = absl::InfinitePast());

// Why a use of a mandate is allowed or not. Values frozen.
enum class MandateVerdict : int32_t {
  kAllowed = 0,
  kProcedureNotInMandate = 1,   // the mandate does not cover this procedure
  kRevoked = 2,                 // the authorisation was revoked
  kExpired = 3,                 // the mandate has expired
  kNotYetCreated = 4,           // the time is before the mandate's creation
  kOtherStructure = 5,          // the professional is not of the mandate's structure
  kRoleNotAllowed = 6,          // the professional's role is not in mandates.roles
  kProfessionalLeft = 7,        // the professional has left
  kRepresentationRequired = 8,  // the person is now under a representation measure
};

// "allowed", "procedure_not_in_mandate", "revoked"…; "unspecified" for another value.
SOCLE_CXX_API const char* MandateVerdictName(MandateVerdict verdict);

// Whether `professional` may act under `mandate` for `procedure` at `time` (InfinitePast, or any
// time before the engine's clock: the clock now, so what has expired never reopens), as a use
// would be folded; records nothing. NOT_FOUND for an unknown mandate, procedure or professional.
SOCLE_CXX_API absl::StatusOr<MandateVerdict> CheckMandate(const AccessSnapshot& snapshot,
                                                          absl::string_view mandate,
                                                          absl::string_view procedure,
                                                          absl::string_view professional,
                                                          absl::Time time = absl::InfinitePast());

// The attestation hash of a mandate's terms (the encoding above).
SOCLE_CXX_API std::array<uint8_t, 32> MandateAttestationSha256(
    absl::string_view aidant, absl::string_view person, absl::string_view structure,
    absl::Span<const std::string> procedures, absl::Time created_at, absl::Time expires_at,
    absl::string_view template_version);

}  // namespace socle

#endif  // SOCLE_MANDATE_HPP_
