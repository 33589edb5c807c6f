// The C ABI of the rights request register (include/socle/socle.h, "Rights requests"):
// socle/rights.hpp converted and called. No rule lives here: the engine checks requesters,
// deadlines, extensions and closures; this layer checks pointers, lengths and the constants'
// ranges, so that a bad value is refused with the parameter's name before anything is recorded.
#include "socle/rights.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "capi/capi_internal.h"
#include "socle/access.hpp"
#include "socle/consent.hpp"
#include "socle/socle.h"

namespace {

using socle::capi::Borrowed;
using socle::capi::CountOf;
using socle::capi::ElementAt;
using socle::capi::EngineOf;
using socle::capi::Fail;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputChannel;
using socle::capi::InputDay;
using socle::capi::InputEnum;
using socle::capi::InputString;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::NumberOf;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::TimeOrNow;
using socle::capi::UnixSecondsOf;
using socle::capi::Written;

// The frozen constants of the ABI are the C++ values, one for one.
#define SOCLE_CAPI_RIGHTS_REQUEST_KINDS(X)                                             \
  X(SOCLE_RIGHTS_REQUEST_KIND_ACCESS, socle::RightsRequestKind::kAccess)               \
  X(SOCLE_RIGHTS_REQUEST_KIND_RECTIFICATION, socle::RightsRequestKind::kRectification) \
  X(SOCLE_RIGHTS_REQUEST_KIND_ERASURE, socle::RightsRequestKind::kErasure)             \
  X(SOCLE_RIGHTS_REQUEST_KIND_RESTRICTION, socle::RightsRequestKind::kRestriction)     \
  X(SOCLE_RIGHTS_REQUEST_KIND_PORTABILITY, socle::RightsRequestKind::kPortability)     \
  X(SOCLE_RIGHTS_REQUEST_KIND_OBJECTION, socle::RightsRequestKind::kObjection)
#define SOCLE_CAPI_RIGHTS_REQUEST_STATUSES(X)                                     \
  X(SOCLE_RIGHTS_REQUEST_STATUS_OPEN, socle::RightsRequestStatus::kOpen)          \
  X(SOCLE_RIGHTS_REQUEST_STATUS_ANSWERED, socle::RightsRequestStatus::kAnswered)  \
  X(SOCLE_RIGHTS_REQUEST_STATUS_NO_ACTION, socle::RightsRequestStatus::kNoAction) \
  X(SOCLE_RIGHTS_REQUEST_STATUS_WITHDRAWN, socle::RightsRequestStatus::kWithdrawn)
SOCLE_CAPI_RIGHTS_REQUEST_KINDS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_RIGHTS_REQUEST_STATUSES(SOCLE_CAPI_ASSERT_SAME)

// The day the lists count on: `day`, or "" for today by the engine's clock (Europe/Paris).
int32_t InputQueryDay(const socle_access_engine& engine, const char* day, size_t day_len,
                      absl::CivilDay* out, socle_error** error) {
  absl::string_view view;
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(day, day_len, "day", &view, error));
  if (view.empty()) {
    *out = socle::RightsDayOf(EngineOf(engine).clock().Now());
    return SOCLE_OK;
  }
  return InputDay(day, day_len, "day", out, error);
}

}  // namespace

struct socle_rights_requests {
  struct Line {
    socle::RightsRequestInfo info;
    // NUL-terminated copies of the days for the borrowed-string accessors.
    std::string received_day;
    std::string first_deadline;
    std::string deadline;
  };
  std::vector<Line> lines;
};

namespace {

const socle_rights_requests::Line* LineAt(const socle_rights_requests* requests, size_t index) {
  return ElementAt(requests, &socle_rights_requests::lines, index);
}

// The request of line `index`, or nullptr.
const socle::RightsRequestInfo* InfoAt(const socle_rights_requests* requests, size_t index) {
  const auto* line = LineAt(requests, index);
  return line == nullptr ? nullptr : &line->info;
}

// Every list query ends here: the requests as a new handle in *out.
int32_t Listed(std::vector<socle::RightsRequestInfo> infos, socle_rights_requests** out) {
  auto result = std::make_unique<socle_rights_requests>();
  result->lines.reserve(infos.size());
  for (socle::RightsRequestInfo& info : infos) {
    std::string received = absl::FormatCivilTime(info.received_day);
    std::string first = absl::FormatCivilTime(info.first_deadline);
    std::string deadline = absl::FormatCivilTime(info.deadline);
    result->lines.push_back(socle_rights_requests::Line{std::move(info), std::move(received),
                                                        std::move(first), std::move(deadline)});
  }
  *out = result.release();
  return SOCLE_OK;
}

}  // namespace

extern "C" {

const char* socle_rights_request_kind_name(int32_t kind) {
  const auto NameOf = [](socle::RightsRequestKind k) {
    return absl::string_view(socle::RightsRequestKindName(k));
  };
  switch (kind) { SOCLE_CAPI_RIGHTS_REQUEST_KINDS(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

const char* socle_rights_request_status_name(int32_t status) {
  const auto NameOf = [](socle::RightsRequestStatus s) {
    return absl::string_view(socle::RightsRequestStatusName(s));
  };
  switch (status) { SOCLE_CAPI_RIGHTS_REQUEST_STATUSES(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

int32_t socle_access_engine_record_rights_request(socle_access_engine* engine, const char* request,
                                                  size_t request_len, int32_t kind,
                                                  const char* person, size_t person_len,
                                                  const char* requester, size_t requester_len,
                                                  int64_t received_unix_seconds, int32_t channel,
                                                  const char* recorded_by, size_t recorded_by_len,
                                                  uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    socle::RightsRequestSpec spec;
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(request, request_len, "request", &spec.request, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(kind, SOCLE_RIGHTS_REQUEST_KIND_ACCESS,
                                          SOCLE_RIGHTS_REQUEST_KIND_OBJECTION, "kind",
                                          "SOCLE_RIGHTS_REQUEST_KIND_*", &spec.kind, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(person, person_len, "person", &spec.person, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(requester, requester_len, "requester", &spec.requester, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputChannel(channel, &spec.channel, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(recorded_by, recorded_by_len, "recorded_by", &spec.recorded_by, error));
    spec.received_at = TimeOrNow(EngineOf(*engine), received_unix_seconds);
    return Written(socle::RecordRightsRequest(EngineOf(*engine), spec), out_revision, error);
  });
}

int32_t socle_access_engine_extend_rights_request(socle_access_engine* engine, const char* request,
                                                  size_t request_len, const char* justification,
                                                  size_t justification_len,
                                                  int64_t notified_unix_seconds, uint32_t months,
                                                  const char* recorded_by, size_t recorded_by_len,
                                                  uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view r, j, by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(request, request_len, "request", &r, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(justification, justification_len, "justification", &j, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    return Written(
        socle::ExtendRightsRequest(EngineOf(*engine), r, j,
                                   TimeOrNow(EngineOf(*engine), notified_unix_seconds), months, by),
        out_revision, error);
  });
}

int32_t socle_access_engine_close_rights_request(socle_access_engine* engine, const char* request,
                                                 size_t request_len, int32_t no_action,
                                                 const char* reasons, size_t reasons_len,
                                                 const char* complaint_information,
                                                 size_t complaint_information_len,
                                                 const char* recorded_by, size_t recorded_by_len,
                                                 uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (no_action != 0 && no_action != 1) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "no_action must be 0 or 1");
    }
    absl::string_view r, why, complaint, by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(request, request_len, "request", &r, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(reasons, reasons_len, "reasons", &why, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(complaint_information, complaint_information_len,
                                          "complaint_information", &complaint, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    return Written(
        socle::CloseRightsRequest(EngineOf(*engine), r, no_action == 1, why, complaint, by),
        out_revision, error);
  });
}

int32_t socle_access_engine_withdraw_rights_request(socle_access_engine* engine,
                                                    const char* request, size_t request_len,
                                                    const char* withdrawn_by,
                                                    size_t withdrawn_by_len,
                                                    const char* recorded_by, size_t recorded_by_len,
                                                    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view r, who, by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(request, request_len, "request", &r, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(withdrawn_by, withdrawn_by_len, "withdrawn_by", &who, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    return Written(socle::WithdrawRightsRequest(EngineOf(*engine), r, who, by), out_revision,
                   error);
  });
}

int32_t socle_access_engine_get_rights_request(const socle_access_engine* engine,
                                               const char* request, size_t request_len,
                                               const char* day, size_t day_len,
                                               socle_rights_requests** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view r;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(request, request_len, "request", &r, error));
    absl::CivilDay d;
    SOCLE_CAPI_RETURN_IF_FAILED(InputQueryDay(*engine, day, day_len, &d, error));
    auto info = socle::GetRightsRequest(*EngineOf(*engine).snapshot(), r, d);
    if (!info.ok()) return FromStatus(error, info.status());
    std::vector<socle::RightsRequestInfo> one;
    one.push_back(*std::move(info));
    return Listed(std::move(one), out);
  });
}

int32_t socle_access_engine_open_rights_requests(const socle_access_engine* engine,
                                                 const char* person, size_t person_len,
                                                 const char* day, size_t day_len,
                                                 socle_rights_requests** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view p;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    absl::CivilDay d;
    SOCLE_CAPI_RETURN_IF_FAILED(InputQueryDay(*engine, day, day_len, &d, error));
    auto infos = socle::OpenRightsRequests(*EngineOf(*engine).snapshot(), p, d);
    if (!infos.ok()) return FromStatus(error, infos.status());
    return Listed(*std::move(infos), out);
  });
}

int32_t socle_access_engine_rights_register(const socle_access_engine* engine, const char* day,
                                            size_t day_len, socle_rights_requests** out,
                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::CivilDay d;
    SOCLE_CAPI_RETURN_IF_FAILED(InputQueryDay(*engine, day, day_len, &d, error));
    return Listed(socle::RightsRegister(*EngineOf(*engine).snapshot(), d), out);
  });
}

int32_t socle_access_engine_overdue_rights_requests(const socle_access_engine* engine,
                                                    const char* day, size_t day_len,
                                                    socle_rights_requests** out,
                                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::CivilDay d;
    SOCLE_CAPI_RETURN_IF_FAILED(InputQueryDay(*engine, day, day_len, &d, error));
    return Listed(socle::OverdueRightsRequests(*EngineOf(*engine).snapshot(), d), out);
  });
}

int32_t socle_access_engine_rights_requests_due_within(const socle_access_engine* engine,
                                                       const char* day, size_t day_len,
                                                       int64_t days, socle_rights_requests** out,
                                                       socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    if (days < 0) return Fail(error, SOCLE_E_INVALID_ARGUMENT, "days must be 0 or more");
    absl::CivilDay d;
    SOCLE_CAPI_RETURN_IF_FAILED(InputQueryDay(*engine, day, day_len, &d, error));
    return Listed(socle::RightsRequestsDueWithin(*EngineOf(*engine).snapshot(), d, days), out);
  });
}

void socle_rights_requests_free(socle_rights_requests* requests) { delete requests; }

size_t socle_rights_requests_count(const socle_rights_requests* requests) {
  return CountOf(requests, &socle_rights_requests::lines);
}

const char* socle_rights_requests_request(const socle_rights_requests* requests, size_t index) {
  return Borrowed(InfoAt(requests, index), &socle::RightsRequestInfo::request);
}

int32_t socle_rights_requests_kind(const socle_rights_requests* requests, size_t index) {
  return NumberOf<int32_t>(InfoAt(requests, index), &socle::RightsRequestInfo::kind);
}

const char* socle_rights_requests_person(const socle_rights_requests* requests, size_t index) {
  return Borrowed(InfoAt(requests, index), &socle::RightsRequestInfo::person);
}

const char* socle_rights_requests_requester(const socle_rights_requests* requests, size_t index) {
  return Borrowed(InfoAt(requests, index), &socle::RightsRequestInfo::requester);
}

int32_t socle_rights_requests_requester_kind(const socle_rights_requests* requests, size_t index) {
  const auto* line = LineAt(requests, index);
  if (line == nullptr || !line->info.requester_kind.has_value()) return 0;
  return static_cast<int32_t>(*line->info.requester_kind);
}

int32_t socle_rights_requests_channel(const socle_rights_requests* requests, size_t index) {
  return NumberOf<int32_t>(InfoAt(requests, index), &socle::RightsRequestInfo::channel);
}

const char* socle_rights_requests_recorded_by(const socle_rights_requests* requests, size_t index) {
  return Borrowed(InfoAt(requests, index), &socle::RightsRequestInfo::recorded_by);
}

int64_t socle_rights_requests_received_unix_seconds(const socle_rights_requests* requests,
                                                    size_t index) {
  return UnixSecondsOf(InfoAt(requests, index), &socle::RightsRequestInfo::received_at);
}

const char* socle_rights_requests_received_day(const socle_rights_requests* requests,
                                               size_t index) {
  return Borrowed(LineAt(requests, index), &socle_rights_requests::Line::received_day);
}

const char* socle_rights_requests_first_deadline(const socle_rights_requests* requests,
                                                 size_t index) {
  return Borrowed(LineAt(requests, index), &socle_rights_requests::Line::first_deadline);
}

const char* socle_rights_requests_deadline(const socle_rights_requests* requests, size_t index) {
  return Borrowed(LineAt(requests, index), &socle_rights_requests::Line::deadline);
}

uint32_t socle_rights_requests_extension_months(const socle_rights_requests* requests,
                                                size_t index) {
  return NumberOf<uint32_t>(InfoAt(requests, index), &socle::RightsRequestInfo::extension_months);
}

const char* socle_rights_requests_justification(const socle_rights_requests* requests,
                                                size_t index) {
  return Borrowed(InfoAt(requests, index), &socle::RightsRequestInfo::justification);
}

int64_t socle_rights_requests_extension_notified_unix_seconds(const socle_rights_requests* requests,
                                                              size_t index) {
  return UnixSecondsOf(InfoAt(requests, index), &socle::RightsRequestInfo::extension_notified_at);
}

int32_t socle_rights_requests_status(const socle_rights_requests* requests, size_t index) {
  return NumberOf<int32_t>(InfoAt(requests, index), &socle::RightsRequestInfo::status);
}

int64_t socle_rights_requests_closed_unix_seconds(const socle_rights_requests* requests,
                                                  size_t index) {
  return UnixSecondsOf(InfoAt(requests, index), &socle::RightsRequestInfo::closed_at);
}

const char* socle_rights_requests_reasons(const socle_rights_requests* requests, size_t index) {
  return Borrowed(InfoAt(requests, index), &socle::RightsRequestInfo::reasons);
}

const char* socle_rights_requests_complaint_information(const socle_rights_requests* requests,
                                                        size_t index) {
  return Borrowed(InfoAt(requests, index), &socle::RightsRequestInfo::complaint_information);
}

int64_t socle_rights_requests_days_left(const socle_rights_requests* requests, size_t index) {
  return NumberOf<int64_t>(InfoAt(requests, index), &socle::RightsRequestInfo::days_left);
}

uint64_t socle_rights_requests_revision(const socle_rights_requests* requests, size_t index) {
  return NumberOf<uint64_t>(InfoAt(requests, index), &socle::RightsRequestInfo::revision);
}

}  // extern "C"
