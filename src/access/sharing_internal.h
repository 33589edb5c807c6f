// What the sharing tests reach inside Share (sharing.cc).
#ifndef SOCLE_SRC_ACCESS_SHARING_INTERNAL_H_
#define SOCLE_SRC_ACCESS_SHARING_INTERNAL_H_

#include <functional>

namespace socle::access_internal {

// Tests only: called once, on this thread, by the next Share whose first decision (on the
// published snapshot) grants, before the decision is taken again under the writer lock; Share
// clears it before calling it. A test records there what another writer would record between
// the two, to show that the grant follows the second decision.
extern thread_local std::function<void()> share_checked_hook;

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_SHARING_INTERNAL_H_
