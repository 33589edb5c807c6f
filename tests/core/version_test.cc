// socle/version.hpp: the C++ constants are the C header's macros, and the library reports the
// version it was built with.
#include "socle/version.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "socle/socle.h"

namespace socle {
namespace {

BOOST_AUTO_TEST_SUITE(version)

BOOST_AUTO_TEST_CASE(constants_are_the_c_header_macros) {
  BOOST_TEST(kVersionMajor == static_cast<uint32_t>(SOCLE_VERSION_MAJOR));
  BOOST_TEST(kVersionMinor == static_cast<uint32_t>(SOCLE_VERSION_MINOR));
  BOOST_TEST(kVersionPatch == static_cast<uint32_t>(SOCLE_VERSION_PATCH));
  BOOST_TEST(std::string(kVersionString) ==
             absl::StrCat(SOCLE_VERSION_MAJOR, ".", SOCLE_VERSION_MINOR, ".", SOCLE_VERSION_PATCH));
  BOOST_TEST(kVersionMajor * 10000 + kVersionMinor * 100 + kVersionPatch ==
             static_cast<uint32_t>(SOCLE_VERSION_NUMBER));
}

BOOST_AUTO_TEST_CASE(library_reports_the_version_it_was_built_with) {
  BOOST_TEST(std::string(VersionString()) == std::string(kVersionString));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
