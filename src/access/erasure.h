// access/erasure.h: what the erasure's decision (access/erasure.cc) shares with its run
// (ledger/erasure.cc), which crypto-shreds through the access trail and so lives beside it: the
// access module alone (its ThreadSanitizer program) links neither the trail nor the vault.
#ifndef SOCLE_ACCESS_ERASURE_H_
#define SOCLE_ACCESS_ERASURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "access/state.h"
#include "socle/erasure.hpp"

namespace socle::access_internal {

// The person's dense id, or NOT_FOUND (the message never names them).
absl::StatusOr<uint32_t> PersonOf(const SnapshotData& s, absl::string_view person);

// The categories of `d` that are erased, as ids of the policy.
std::vector<std::string> Erasable(const ErasureDecision& d);

}  // namespace socle::access_internal

#endif  // SOCLE_ACCESS_ERASURE_H_
