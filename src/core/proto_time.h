// absl::Time to and from google.protobuf.Timestamp: the one conversion every module uses.
#ifndef SOCLE_SRC_CORE_PROTO_TIME_H_
#define SOCLE_SRC_CORE_PROTO_TIME_H_

#include <cstdint>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace socle::core {

// Sets *out to `t` (seconds floored, nanoseconds in [0, 1e9)). `t` must be finite.
inline void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(t);  // floor
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
}

// Sets the Timestamp `field()` returns (mutable_x) to `t`; an infinite time (no expiry, not
// ended) leaves the field unset.
template <typename Field>
void SetTimestampIfFinite(absl::Time t, Field field) {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return;
  SetTimestamp(t, field());
}

inline absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

}  // namespace socle::core

#endif  // SOCLE_SRC_CORE_PROTO_TIME_H_
