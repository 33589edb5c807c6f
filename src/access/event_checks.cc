#include "access/event_checks.h"

#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "access/state.h"
#include "socle/error.hpp"

namespace socle::access_internal {
namespace {

// google.protobuf.Timestamp's own range: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

}  // namespace

absl::Status Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, message);
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  if (b < 0 && a < std::numeric_limits<int64_t>::min() - b) {
    return std::numeric_limits<int64_t>::min();
  }
  return a + b;
}

std::string EventName(const v1::StateEvent& event) {
  const google::protobuf::FieldDescriptor* field =
      v1::StateEvent::descriptor()->FindFieldByNumber(static_cast<int>(event.event_case()));
  return field != nullptr ? field->name() : std::string("event");
}

absl::StatusOr<int64_t> TimestampNanos(absl::string_view field,
                                       const google::protobuf::Timestamp& t) {
  if (t.seconds() < kMinTimestampSeconds || t.seconds() > kMaxTimestampSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return Invalid(absl::StrCat(field, " is not a valid time"));
  }
  // Saturates past 2262, which only ever means "far in the future".
  return absl::ToUnixNanos(absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos()));
}

// Ids travel in TSV files and log lines, hence no control characters.
absl::Status CheckId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return Invalid(absl::StrCat(field, " is empty"));
  if (id.size() > kMaxIdBytes) {
    return Invalid(
        absl::StrCat(field, " is ", id.size(), " bytes long; ids have at most ", kMaxIdBytes));
  }
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return Invalid(absl::StrCat(field, " contains a control character"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckText(absl::string_view field, absl::string_view text) {
  if (text.size() > kMaxTextBytes) {
    return Invalid(
        absl::StrCat(field, " is ", text.size(), " bytes long; at most ", kMaxTextBytes));
  }
  return absl::OkStatus();
}

absl::StatusOr<int32_t> ParseDate(absl::string_view field, absl::string_view s) {
  auto bad = [&] { return Invalid(absl::StrCat(field, " is not a date written YYYY-MM-DD")); };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return bad();
  int fields[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8};
  const int lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (int i = 0; i < lengths[f]; ++i) {
      const char c = s[starts[f] + i];
      if (c < '0' || c > '9') return bad();
      fields[f] = fields[f] * 10 + (c - '0');
    }
  }
  const absl::CivilDay day(fields[0], fields[1], fields[2]);
  if (day.year() != fields[0] || day.month() != fields[1] || day.day() != fields[2]) return bad();
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}

}  // namespace socle::access_internal
