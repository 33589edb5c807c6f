// The Boost.Test module of the pseudonymised-dataset suites (the test cases live in the
// *_test.cc files).
#define BOOST_TEST_MODULE socle_dataset
#include <boost/test/unit_test.hpp>
