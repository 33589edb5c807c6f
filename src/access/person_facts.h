// The facts recorded by or for a person that several rules consult: consents, representatives,
// objections, the person's age. The decision path (decide.cc), sharing decisions (sharing.cc) and
// mandates (mandate.cc) read them here, so each rule is written once. Implemented in consent.cc.
//
// Thread safety: plain functions over immutable state.
#ifndef SOCLE_SRC_ACCESS_PERSON_FACTS_H_
#define SOCLE_SRC_ACCESS_PERSON_FACTS_H_

#include <cstdint>
#include <optional>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "access/state.h"

namespace socle::access_internal {

// The dense id of the person (professional) `id` of the snapshot's directory; INVALID_ARGUMENT
// for a malformed id, NOT_FOUND otherwise, both naming `field` and never the id. The lookups of
// every query by a vendor's id (consent.cc, sharing.cc, mandate.cc, representation.cc).
absl::StatusOr<uint32_t> FindPerson(const SnapshotData& s, absl::string_view field,
                                    absl::string_view id);
absl::StatusOr<uint32_t> FindProfessional(const SnapshotData& s, absl::string_view field,
                                          absl::string_view id);

// The day (days since 1970-01-01, UTC) of a time in unix nanoseconds.
int32_t DayOf(int64_t unix_nanos);

// Full years of age on `day` for a person born on `birth_day` (a person born on 29 February
// turns a year older on 1 March in common years); -1 when the birth date is unknown.
int AgeOn(int32_t birth_day, int32_t day);

// The bit of a kind of representation in the `kinds` of RepresentativesOn.
constexpr uint32_t KindBit(RepresentativeKind kind) { return 1u << static_cast<uint32_t>(kind); }

// The representatives of the person active on `day`, of the kinds in `kinds` (KindBit of each),
// in the order they were set.
absl::InlinedVector<uint32_t, 2> RepresentativesOn(const PersonState* state, int32_t day,
                                                   uint32_t kinds);

// Whether the person is under a representation measure of an adult (guardianship, curatorship,
// family authorisation, proxy) on `day`: acts on their behalf go through the representative.
bool UnderRepresentationMeasure(const PersonState* state, int32_t day);

// Whether the people who gave `c` are enough for the person (under 15: the person and every
// holder of parental authority; 15 to 17: the person; an adult: the person, or a guardian, family
// authorisation or proxy), both on the day it was given and on the day of `at`: a consent that
// was incomplete when given does not become valid later (a 14-year-old's consent alone, at 15),
// and one that a new holder of parental authority did not give no longer is.
bool ConsentComplete(const PersonRecord& record, uint32_t person, const ConsentRecord& c,
                     int64_t at);

// The consent of `scope` for `purpose` valid at `at` (unix nanoseconds) and complete for the
// person's age on that day and on the day it was given (ConsentComplete: under 15: the person and
// every holder of parental authority), or null. `category` (kNoId: any) must be covered; for
// kSharing, `recipient` (kNoId: any) must be one of the consent's recipients or hold one of its
// roles.
const ConsentRecord* ValidConsent(const SnapshotData& s, uint32_t person, uint32_t purpose,
                                  ConsentScope scope, uint32_t category, uint32_t recipient,
                                  int64_t at);

// Why the person has, or has not, a valid consent (= socle::ConsentState, socle/consent.hpp).
enum class ConsentVerdict : uint8_t {
  kValid = 1,
  kNotGiven = 2,  // none given for (purpose, scope) by then: the default (REQ-07)
  kWithdrawn = 3,
  kReplaced = 4,
  kExpired = 5,
  kCaseClosed = 6,          // kSharing: ended when the person's case closed (REQ-25)
  kIncompleteForMinor = 7,  // a minor's consent lacks the minor or a holder of parental authority
  kIncompleteForAdult = 8,  // neither the person nor a representative who represents them
  kCategoryNotCovered = 9,
  kRecipientNotCovered = 10,
};

// The verdict of ValidConsent, with the consent it rests on: the valid one, or the newest given
// for (purpose, scope) by `at` that fails (null when none was).
ConsentVerdict ConsentVerdictAt(const SnapshotData& s, uint32_t person, uint32_t purpose,
                                ConsentScope scope, uint32_t category, uint32_t recipient,
                                int64_t at, const ConsentRecord** record);

// The objection of `kind` (for `purpose` when kProcessing; ignored for kSharing) that stands at
// `at` (unix nanoseconds), as it stood then: kPending (recorded, not yet decided at `at`) or
// kUpheld; nullopt when none stands (none recorded by then, withdrawn, or decided for compelling
// legitimate grounds or legal claims).
std::optional<ObjectionOutcome> ObjectionAt(const PersonState* state, ObjectionKind kind,
                                            uint32_t purpose, int64_t at);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_PERSON_FACTS_H_
