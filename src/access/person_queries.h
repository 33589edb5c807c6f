// The readers behind the person's queries that take a time (socle/consent.hpp Consents,
// socle/sharing.hpp OpenInformationFollowUps), for the public queries and the person summary
// (person_summary.cc), so each is written once. Implemented in consent.cc and sharing.cc.
//
// Thread safety: plain functions over immutable state.
#ifndef SOCLE_SRC_ACCESS_PERSON_QUERIES_H_
#define SOCLE_SRC_ACCESS_PERSON_QUERIES_H_

#include <cstdint>
#include <vector>

#include "access/state.h"
#include "socle/consent.hpp"
#include "socle/sharing.hpp"

namespace socle::access_internal {

// Every consent of the person whose state is `st` (may be null), each with its state as of `now`
// (unix nanoseconds), in the order given.
std::vector<ConsentInfo> ConsentInfos(const SnapshotData& s, const PersonState* st, int64_t now);

// The urgency and impossibility exceptions recorded by `at` (unix nanoseconds; kNever: all)
// whose deferred information was not recorded by then.
std::vector<InformationFollowUp> FollowUpsOpenAt(const PersonState* st, int64_t at);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_PERSON_QUERIES_H_
