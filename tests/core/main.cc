// The Boost.Test module of src/core's suites (the test cases live in the *_test.cc files).
#define BOOST_TEST_MODULE socle_core
#include <boost/test/unit_test.hpp>
