// The write path of the facts recorded outside AccessEngine's own methods (consent.cc,
// sharing.cc, mandate.cc): one way to stamp an event and apply it.
//
// Thread safety: as AccessEngine::ApplyEvent (writes are serialised by the engine).
#ifndef SOCLE_SRC_ACCESS_APPLY_H_
#define SOCLE_SRC_ACCESS_APPLY_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "socle/access.hpp"
#include "socle/v1/events.pb.h"

namespace socle::access_internal {

// Sets `event`'s format_version to 1 and its `at` to the engine's clock now, and applies it
// (validated, recorded when the engine has a record, published). Returns the new revision.
absl::StatusOr<uint64_t> ApplyNow(AccessEngine& engine, v1::StateEvent& event);

// A decision that must hold on the state an event is applied to: `current` is the engine's newest
// snapshot, read under the writer lock, and `at` the time the event is stamped with. Any error
// refuses the write, and nothing is applied or recorded.
using Precondition = absl::FunctionRef<absl::Status(const AccessSnapshot& current, absl::Time at)>;

// As ApplyNow, with `precondition` run under the writer lock, on the very state the event is
// folded into, so that no other writer comes between the decision and the write (Share's
// checklist and its grant). Returns the precondition's error unchanged when it fails. An engine
// of record appends only if nobody appended since that state (EngineRecord::AppendEvents), so
// the precondition also held on the record's state.
absl::StatusOr<uint64_t> ApplyNow(AccessEngine& engine, v1::StateEvent& event,
                                  Precondition precondition);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_APPLY_H_
