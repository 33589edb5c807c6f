// socle/init.hpp: process-wide initialisation of socle.
#ifndef SOCLE_INIT_HPP_
#define SOCLE_INIT_HPP_

#include "absl/status/status.h"
#include "socle/export.hpp"

namespace socle {

// Initialises socle's cryptographic library. Idempotent and thread-safe; every socle call that
// needs it also calls it, so calling it first only lets a program fail early.
SOCLE_CXX_API absl::Status Initialize();

}  // namespace socle

#endif  // SOCLE_INIT_HPP_
