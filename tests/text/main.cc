// The Boost.Test module of the text suites: NIR, generalisation, redaction (the test cases live
// in the *_test.cc files).
#define BOOST_TEST_MODULE socle_text
#include <boost/test/unit_test.hpp>
