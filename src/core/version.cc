#include "socle/version.hpp"

namespace socle {

// Compiled into libsocle_cxx, so it answers with the headers the library was built from.
absl::string_view VersionString() { return kVersionString; }

}  // namespace socle
