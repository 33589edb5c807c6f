// The write path of the facts recorded outside AccessEngine's own methods (consent.cc,
// sharing.cc, mandate.cc): one way to stamp an event and apply it.
//
// Thread safety: as AccessEngine::ApplyEvent (writes are serialised by the engine).
#ifndef SOCLE_SRC_ACCESS_APPLY_H_
#define SOCLE_SRC_ACCESS_APPLY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "socle/access.hpp"
#include "socle/v1/events.pb.h"

namespace socle::access_internal {

// Sets `event`'s format_version to 1 and its `at` to the engine's clock now, and applies it
// (validated, recorded when the engine has a record, published). Returns the new revision.
absl::StatusOr<uint64_t> ApplyNow(AccessEngine& engine, v1::StateEvent& event);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_APPLY_H_
