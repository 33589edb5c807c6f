// The access request the report tests render: one person with a fact, an appreciation, a working
// note (never shown), a withheld third-party entry, a share, consents, an objection, a
// representative, a mandate, and a history with a refused access, a break-the-glass access, a
// sharing decision and an unreadable line. Every string can be made hostile.
#ifndef SOCLE_TESTS_REPORT_FIXTURE_H_
#define SOCLE_TESTS_REPORT_FIXTURE_H_

#include <string>
#include <vector>

#include "socle/v1/export.pb.h"

namespace socle::report_test {

// Markup an attacker would like to see run: a script, an image with a handler, a style breaker.
// Rendered as text, it reads exactly like this.
inline constexpr const char* kHostile =
    "<script>document.title='pwned'</script><img src=x onerror=alert(1)></style>\"'&amp;";

// The records, decoded. `Hostile(s)` of a field means kHostile is appended to it.
std::vector<v1::AccessRequestRecord> FixtureRecords(bool hostile = false);

// The same, serialised.
std::vector<std::string> Serialise(const std::vector<v1::AccessRequestRecord>& records);

// A UTC time from its parts.
google::protobuf::Timestamp Utc(int year, int month, int day, int hour, int minute);

}  // namespace socle::report_test

#endif  // SOCLE_TESTS_REPORT_FIXTURE_H_
