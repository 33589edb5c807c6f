// The Boost.Test module of the PostgreSQL suites (tests/pg). libsodium is initialised once, as
// every socle entry point does.
#define BOOST_TEST_MODULE socle_pg
#include <boost/test/unit_test.hpp>

#include "crypto/crypto.h"

namespace {

struct InitSodium {
  InitSodium() { BOOST_REQUIRE(socle::crypto::Init().ok()); }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(InitSodium);
