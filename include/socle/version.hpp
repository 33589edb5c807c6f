// socle/version.hpp: the version of socle a C++ program was compiled against, and the version of
// the library it runs with.
//
// The version lives in one place: the SOCLE_VERSION_* macros of socle/socle.h, which the build,
// pkg-config, conan and the bindings read as well. The constants below are those macros, as
// seen when the program was compiled; VersionString() is the version of the libsocle_cxx
// actually loaded, which differs from kVersionString when a program runs with another build of
// the same major version (the SONAME).
#ifndef SOCLE_VERSION_HPP_
#define SOCLE_VERSION_HPP_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "socle/export.hpp"
#include "socle/socle.h"

#define SOCLE_VERSION_HPP_STR_(x) #x
#define SOCLE_VERSION_HPP_STR(x) SOCLE_VERSION_HPP_STR_(x)

namespace socle {

inline constexpr uint32_t kVersionMajor = SOCLE_VERSION_MAJOR;
inline constexpr uint32_t kVersionMinor = SOCLE_VERSION_MINOR;
inline constexpr uint32_t kVersionPatch = SOCLE_VERSION_PATCH;
// "MAJOR.MINOR.PATCH" of the headers this program was compiled with.
inline constexpr char kVersionString[] =
    SOCLE_VERSION_HPP_STR(SOCLE_VERSION_MAJOR) "." SOCLE_VERSION_HPP_STR(SOCLE_VERSION_MINOR) "."
        SOCLE_VERSION_HPP_STR(SOCLE_VERSION_PATCH);

// "MAJOR.MINOR.PATCH" of the library actually loaded (static storage). Thread-safe.
SOCLE_CXX_API absl::string_view VersionString();

}  // namespace socle

#undef SOCLE_VERSION_HPP_STR
#undef SOCLE_VERSION_HPP_STR_

#endif  // SOCLE_VERSION_HPP_
