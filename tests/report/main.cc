// The Boost.Test module of the person's report (src/export/person_report.cc, html.cc): the test
// cases live in the *_test.cc files.
#define BOOST_TEST_MODULE socle_report
#include <boost/test/unit_test.hpp>
