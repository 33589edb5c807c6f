// socle/vocabulary.hpp: the closed vocabularies of socle (data sensitivity, entry kinds, actions,
// GDPR legal bases, art. 9(2) conditions, secrecy status, French sharing bases).
//
// The numeric values are frozen and equal to the values of the enums of the same name in
// proto/socle/v1/policy.proto and to the SOCLE_* constants of the C ABI. Value 0 always means
// "not specified" and is never valid where a value is required. Names() return the stable
// lower_snake names used in rendered registers and explanations. All functions are pure and
// thread-safe.
#ifndef SOCLE_VOCABULARY_HPP_
#define SOCLE_VOCABULARY_HPP_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "socle/export.hpp"

namespace socle {

// How sensitive a data category is (GDPR arts. 9 and 10, and the NIR as a restricted identifier).
enum class DataSensitivity : int32_t {
  kUnspecified = 0,
  kOrdinary = 1,
  kSpecialCategory = 2,  // art. 9: health, and other special categories
  kOffence = 3,          // art. 10: criminal convictions and offences (needs LIL art. 46)
  kNir = 4,              // the social security number: restricted identifier (REQ-44)
};

// What an entry of the case file is (REQ-60).
enum class EntryKind : int32_t {
  kUnspecified = 0,
  kFact = 1,
  kAppreciation = 2,            // professional appreciation: always carries author and date
  kThirdPartyInformation = 3,   // withheld from access requests unless released (art. 15(4))
  kWorkingNote = 4,             // private to its author, never part of the file
};
inline constexpr int kEntryKindCount = 5;

// What a professional does with an item.
enum class Action : int32_t {
  kUnspecified = 0,
  kRead = 1,
  kWrite = 2,
  kDelete = 3,
  kExport = 4,
  kPrint = 5,
  kShare = 6,
};
inline constexpr int kActionCount = 7;

// GDPR art. 6(1) legal bases (a)-(f).
enum class LegalBasis : int32_t {
  kUnspecified = 0,
  kConsent = 1,
  kContract = 2,
  kLegalObligation = 3,
  kVitalInterests = 4,
  kPublicTask = 5,
  kLegitimateInterests = 6,
};

// GDPR art. 9(2) conditions (a)-(j) for special categories.
enum class SpecialCategoryCondition : int32_t {
  kUnspecified = 0,
  kExplicitConsent = 1,              // (a)
  kEmploymentAndSocialProtection = 2,  // (b)
  kVitalInterests = 3,               // (c)
  kNotForProfitBody = 4,             // (d)
  kMadePublicByPerson = 5,           // (e)
  kLegalClaims = 6,                  // (f)
  kSubstantialPublicInterest = 7,    // (g)
  kHealthOrSocialCare = 8,           // (h)
  kPublicHealth = 9,                 // (i)
  kArchivingResearchStatistics = 10,  // (j)
};

// Whether a professional is bound by professional secrecy (REQ-21).
enum class SecrecyStatus : int32_t {
  kUnspecified = 0,
  kNone = 1,
  kByProfession = 2,  // e.g. assistant de service social (CASF L.411-3)
  kByMission = 3,     // e.g. child protection (CASF L.221-6), RSA (CASF L.262-44)
};

// The closed list of French legal bases for sharing under professional secrecy (REQ-22).
enum class SharingBasis : int32_t {
  kUnspecified = 0,
  kCspL1110_4_II = 1,          // exchange between professionals caring for the same person
  kCspL1110_4_IIITeam = 2,     // sharing within the same care team
  kCspL1110_4_IIIConsent = 3,  // sharing outside the team, with the person's consent
  kCasfL226_2_2 = 4,           // child protection
  kCasfL226_2_1 = 5,           // child-protection alert to the CRIP
  kCasfL121_6_2 = 6,           // coordinator, maire, president of the département
  kCp226_14 = 7,               // report to the authorities (penal code 226-14)
  kLegalObligation = 8,        // another legal obligation or a requisition
};

// Capabilities a controller may hold.
enum class ControllerCapability : int32_t {
  kUnspecified = 0,
  kLilArt46 = 1,  // may process offence data (loi Informatique et Libertés art. 46)
};

// Stable lower_snake names ("public_task", "l226_2_2"...); "unspecified" for 0 and unknown values.
SOCLE_CXX_API absl::string_view Name(DataSensitivity value);
SOCLE_CXX_API absl::string_view Name(EntryKind value);
SOCLE_CXX_API absl::string_view Name(Action value);
SOCLE_CXX_API absl::string_view Name(LegalBasis value);
SOCLE_CXX_API absl::string_view Name(SpecialCategoryCondition value);
SOCLE_CXX_API absl::string_view Name(SecrecyStatus value);
SOCLE_CXX_API absl::string_view Name(SharingBasis value);
SOCLE_CXX_API absl::string_view Name(ControllerCapability value);

// Human-readable legal references ("GDPR art. 6(1)(e)", "CASF L.226-2-2") for registers.
SOCLE_CXX_API absl::string_view LegalReference(LegalBasis value);
SOCLE_CXX_API absl::string_view LegalReference(SpecialCategoryCondition value);
SOCLE_CXX_API absl::string_view LegalReference(SharingBasis value);

// What each sharing basis demands (REQUIREMENTS.md, "What a sharing decision checks").
// Emitter and recipient must both be bound by secrecy (L.226-2-2, L.121-6-2, L.1110-4).
SOCLE_CXX_API bool SharingRequiresSecrecyOfBoth(SharingBasis basis);
// Emitter and recipient must care for the same person (L.1110-4, L.226-2-2, L.121-6-2).
SOCLE_CXX_API bool SharingRequiresSameCase(SharingBasis basis);
// The person's consent is required (L.1110-4 III outside the team).
SOCLE_CXX_API bool SharingRequiresConsent(SharingBasis basis);
// A mandatory report that an objection does not block (226-14 CP, L.226-2-1).
SOCLE_CXX_API bool SharingIsMandatoryReport(SharingBasis basis);

}  // namespace socle

#endif  // SOCLE_VOCABULARY_HPP_
