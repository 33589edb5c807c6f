// socle/representation.hpp: a person's legal representatives (REQ-09): holders of parental
// authority, guardians (tutelle), curators (curatelle), family authorisations (habilitation
// familiale) and proxies (mandat de protection future), each over a range of dates.
//
// Representatives are persons of the engine's directory. Consents and rights requests route to
// the representatives valid on their date (socle/consent.hpp); a person under an adult measure
// cannot be given a mandate (socle/mandate.hpp). The rules the engine applies when a
// representation is recorded:
//   - parental authority needs the person's birth date and ends the day before their 18th
//     birthday, whatever to_date says;
//   - curatorship and family authorisation protect adults: refused for a minor;
//   - a representative who is under guardianship or family authorisation over the same dates, or
//     whom the person represents, is refused (no representative of a representative);
//   - the same representative cannot hold the same kind twice over overlapping dates.
//
// Thread safety: the functions are as thread-safe as the engine (writes serialised, reads on
// immutable snapshots).
#ifndef SOCLE_REPRESENTATION_HPP_
#define SOCLE_REPRESENTATION_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "socle/access.hpp"
#include "socle/export.hpp"

namespace socle {

enum class RepresentativeKind : int32_t {  // = socle.v1.RepresentativeSet.Kind
  kParentalAuthority = 1,                  // titulaire de l'autorité parentale
  kGuardianship = 2,                       // tutelle: the guardian represents the person
  kCuratorship = 3,                        // curatelle: the curator assists the person
  kFamilyAuthorisation = 4,                // habilitation familiale
  kProxy = 5,                              // mandat de protection future
};

// "parental_authority", "guardianship"…; "unspecified" for another value.
SOCLE_CXX_API const char* RepresentativeKindName(RepresentativeKind kind);

struct RepresentativeSpec {
  std::string person;          // the represented person
  std::string representative;  // a person of the directory
  RepresentativeKind kind = RepresentativeKind::kParentalAuthority;
  absl::CivilDay from;               // first day
  std::optional<absl::CivilDay> to;  // last day; nullopt: until ended
  std::string reference;             // the judgment, the family record book…
  std::string recorded_by;           // the professional who records it
};

// Records a representation (event representative_set); returns the new revision.
SOCLE_CXX_API absl::StatusOr<uint64_t> SetRepresentative(AccessEngine& engine,
                                                         const RepresentativeSpec& spec);
// Ends the representation of `kind` by `representative` that runs past `last_day`: its last day
// becomes `last_day` (event representative_ended). NOT_FOUND when there is none.
SOCLE_CXX_API absl::StatusOr<uint64_t> EndRepresentative(
    AccessEngine& engine, absl::string_view person, absl::string_view representative,
    RepresentativeKind kind, absl::CivilDay last_day, absl::string_view recorded_by);

struct RepresentativeInfo {
  std::string representative;
  RepresentativeKind kind = RepresentativeKind::kParentalAuthority;
  absl::CivilDay from;
  std::optional<absl::CivilDay> to;  // nullopt: until ended
};

// Every representation recorded for `person`, ended ones included, in the order recorded.
// NOT_FOUND when the person is not in the snapshot's directory.
SOCLE_CXX_API absl::StatusOr<std::vector<RepresentativeInfo>> Representatives(
    const AccessSnapshot& snapshot, absl::string_view person);

// The representatives of `person` valid on `day`, of every kind.
SOCLE_CXX_API absl::StatusOr<std::vector<RepresentativeInfo>> RepresentativesOn(
    const AccessSnapshot& snapshot, absl::string_view person, absl::CivilDay day);

}  // namespace socle

#endif  // SOCLE_REPRESENTATION_HPP_
