// The checks every fold of a state event uses (builder.cc and the folds of consent, sharing and
// mandates): ids, free text, times and dates, with messages that name the field and never the
// value (it may be a person's id or a justification); and sorted-vector helpers.
//
// Thread safety: plain functions.
#ifndef SOCLE_SRC_ACCESS_EVENT_CHECKS_H_
#define SOCLE_SRC_ACCESS_EVENT_CHECKS_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "socle/v1/events.pb.h"

namespace socle::access_internal {

// INVALID_ARGUMENT with `message`.
absl::Status Invalid(std::string message);

int64_t SaturatingAdd(int64_t a, int64_t b);

// "break_glass_opened": the name of the change an event holds, for messages.
std::string EventName(const v1::StateEvent& event);

// A Timestamp in unix nanoseconds; INVALID_ARGUMENT naming `field` when out of protobuf's range.
absl::StatusOr<int64_t> TimestampNanos(absl::string_view field,
                                       const google::protobuf::Timestamp& t);

// Ids pushed in by the vendor: non-empty, at most kMaxIdBytes, no control characters.
absl::Status CheckId(absl::string_view field, absl::string_view id);
// Free text: at most kMaxTextBytes.
absl::Status CheckText(absl::string_view field, absl::string_view text);
// YYYY-MM-DD → days since 1970-01-01.
absl::StatusOr<int32_t> ParseDate(absl::string_view field, absl::string_view s);

// Inserts `value` into the sorted `v`; false when it was there already.
template <typename T>
bool InsertSorted(std::vector<T>& v, T value) {
  if (v.empty() || v.back() < value) {
    v.push_back(value);
    return true;
  }
  auto it = std::lower_bound(v.begin(), v.end(), value);
  if (it != v.end() && *it == value) return false;
  v.insert(it, value);
  return true;
}

// Erases `value` from the sorted `v`; false when it was not there.
template <typename T>
bool EraseSorted(std::vector<T>& v, T value) {
  auto it = std::lower_bound(v.begin(), v.end(), value);
  if (it == v.end() || *it != value) return false;
  v.erase(it);
  return true;
}

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_EVENT_CHECKS_H_
