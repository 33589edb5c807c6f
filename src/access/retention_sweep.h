// The retention sweep's internals shared with its tests (socle/retention_sweep.hpp).
//
// Thread safety: the fault hook is for single-threaded tests only.
#ifndef SOCLE_SRC_ACCESS_RETENTION_SWEEP_H_
#define SOCLE_SRC_ACCESS_RETENTION_SWEEP_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"

namespace socle::access_internal {

// Tests: called before each crypto-shredding of a sweep with the number this run has already
// shredded; an error stops the sweep there, as a killed process would (empty: no hook).
void SetSweepFaultForTesting(std::function<absl::Status(uint64_t shredded)> hook);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_RETENTION_SWEEP_H_
