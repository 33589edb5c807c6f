// The Boost.Test module of src/analysis's suites (the test cases live in the *_test.cc files).
#define BOOST_TEST_MODULE socle_analysis
#include <boost/test/unit_test.hpp>
