// What the engine-of-record suites share (tests/access/record_test.cc on memory records,
// tests/ledger/state_ledger_test.cc on the SQLite state ledger): the workload's extra facts and
// the check that two engines decide every workload request alike.
#ifndef SOCLE_TESTS_ACCESS_RECORD_UTIL_H_
#define SOCLE_TESTS_ACCESS_RECORD_UTIL_H_

#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "socle/v1/events.pb.h"
#include "test_util.h"

namespace socle::access_testing {

inline constexpr absl::Time kStart = absl::FromUnixSeconds(Scenario::kStart);

std::string Serialized(const v1::StateEvent& e);
void Stamp(google::protobuf::Timestamp* out, absl::Time t);

// Privacy facts and directory changes on top of the workload, touching the workload's requests:
// grants, sessions and referents for denied requests, blocks, masks and objections for allowed
// ones, sessions and grants that expire before the replay, events dated in the past and a little
// in the future. `part` 0 or 1: the half to apply (so a snapshot can be taken in the middle).
void ApplyExtras(AccessEngine& engine, FakeClock& clock, int part);

// Every request of the workload decides alike on both engines (effect, reason, rule,
// obligations, revision), now and at `later`, and the extras' persons have the same holders.
void ExpectSameDecisions(const AccessEngine& original, const AccessEngine& other,
                         absl::Time later);

}  // namespace socle::access_testing

#endif  // SOCLE_TESTS_ACCESS_RECORD_UTIL_H_
