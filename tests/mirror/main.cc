// The Boost.Test module of the training mirror's suites (test cases in the *_test.cc files).
#define BOOST_TEST_MODULE socle_mirror
#include <boost/test/unit_test.hpp>
