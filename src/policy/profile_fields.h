// The field names a pseudonymisation profile may list (proto/socle/v1/policy.proto,
// PseudonymisationProfile.FieldTreatment.name) and what each one is: the policy's validation
// refuses treatments that would release an identifier, and the dataset builder (src/export)
// reads the values by the same table, so the two never disagree.
#ifndef SOCLE_SRC_POLICY_PROFILE_FIELDS_H_
#define SOCLE_SRC_POLICY_PROFILE_FIELDS_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace socle::policy_internal {

enum class ProfileField : int32_t {
  // socle.v1.Identity
  kPerson,
  kFamilyName,
  kGivenNames,
  kBirthDate,
  kBirthPlace,
  kAddress,
  kPostcode,
  kCommune,
  kPhone,
  kEmail,
  kNir,
  // socle.v1.Entry attributes
  kText,
  kTitle,
  kCategory,
  kCreatedAt,
  kKind,
  kAuthor,
  kPurpose,
  // any other name: an Entry field (Entry.fields) of that name
  kEntryField,
};

inline ProfileField FindProfileField(absl::string_view name) {
  struct Named {
    absl::string_view name;
    ProfileField field;
  };
  static constexpr Named kNames[] = {
      {"person", ProfileField::kPerson},
      {"family_name", ProfileField::kFamilyName},
      {"given_names", ProfileField::kGivenNames},
      {"birth_date", ProfileField::kBirthDate},
      {"birth_place", ProfileField::kBirthPlace},
      {"address", ProfileField::kAddress},
      {"postcode", ProfileField::kPostcode},
      {"commune", ProfileField::kCommune},
      {"phone", ProfileField::kPhone},
      {"email", ProfileField::kEmail},
      {"nir", ProfileField::kNir},
      {"text", ProfileField::kText},
      {"title", ProfileField::kTitle},
      {"category", ProfileField::kCategory},
      {"created_at", ProfileField::kCreatedAt},
      {"kind", ProfileField::kKind},
      {"author", ProfileField::kAuthor},
      {"purpose", ProfileField::kPurpose},
  };
  for (const Named& n : kNames) {
    if (n.name == name) return n.field;
  }
  return ProfileField::kEntryField;
}

// Fields of the person's identity (one value per person) rather than of an entry.
inline bool IsIdentityField(ProfileField f) { return f <= ProfileField::kNir; }

// Identifiers that single the person out on their own: never kept, never pseudonymised (the
// record's subject already is the person's pseudonym). The full birth date counts (REQ-46); it
// may be generalised.
inline bool IsDirectIdentifier(ProfileField f) {
  switch (f) {
    case ProfileField::kPerson:
    case ProfileField::kFamilyName:
    case ProfileField::kGivenNames:
    case ProfileField::kBirthDate:
    case ProfileField::kAddress:
    case ProfileField::kPhone:
    case ProfileField::kEmail:
      return true;
    default:
      return false;
  }
}

// Free text written by professionals: only ever released redacted.
inline bool IsFreeText(ProfileField f) {
  return f == ProfileField::kText || f == ProfileField::kTitle;
}

}  // namespace socle::policy_internal

#endif  // SOCLE_SRC_POLICY_PROFILE_FIELDS_H_
