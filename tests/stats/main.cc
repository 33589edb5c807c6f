// The Boost.Test module of src/stats's suites (the test cases live in the *_test.cc files).
#define BOOST_TEST_MODULE socle_stats
#include <boost/test/unit_test.hpp>
