// What the access trail records about a professional, read from one snapshot: their role, their
// structure, their professional category and secrecy status (a sharing decision's parties), and
// whether their role has a capability of the policy (SECURITY_AUDITOR).
//
// Thread safety: plain functions over immutable snapshots.
#ifndef SOCLE_SRC_ACCESS_FACTS_H_
#define SOCLE_SRC_ACCESS_FACTS_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "socle/access.hpp"

namespace socle::access_internal {

struct ProfessionalFacts {
  absl::string_view role;                               // the Role id of the policy
  absl::string_view structure;                          // empty when the vendor gave none
  absl::string_view professional_category;              // empty when the vendor gave none
  SecrecyStatus secrecy = SecrecyStatus::kUnspecified;  // the effective status
  uint32_t capabilities = 0;                            // bit (1 << socle.v1.Role.Capability)
  bool left = false;
};

// nullopt when `professional` is not in the snapshot's directory. The views live as long as the
// engine.
std::optional<ProfessionalFacts> DescribeProfessional(const AccessSnapshot& snapshot,
                                                      uint32_t professional);

// The policy's id of a data category or an activity ("" when out of range).
absl::string_view CategoryName(const AccessSnapshot& snapshot, uint32_t category);
absl::string_view PurposeName(const AccessSnapshot& snapshot, uint32_t purpose);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_FACTS_H_
