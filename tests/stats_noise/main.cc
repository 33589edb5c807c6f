// The Boost.Test module of the differential-privacy noise of src/stats (the test cases live in
// tests/stats/noise_test.cc).
#define BOOST_TEST_MODULE socle_stats_noise
#include <boost/test/unit_test.hpp>
