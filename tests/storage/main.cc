// The Boost.Test module of src/storage's suites.
#define BOOST_TEST_MODULE socle_storage
#include <boost/test/unit_test.hpp>
