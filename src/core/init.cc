#include "socle/init.hpp"

#include "crypto/crypto.h"

namespace socle {

absl::Status Initialize() { return crypto::Init(); }

}  // namespace socle
