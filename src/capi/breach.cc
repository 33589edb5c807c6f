// The C ABI of the breach register (include/socle/socle.h, "Personal data breaches"):
// socle/breach.hpp converted and called. No rule lives here: the engine checks the 72 hours, the
// reasons and the notifications; this layer checks pointers, lengths and the constants' ranges,
// so that a bad value is refused with the parameter's name before anything is recorded.
#include "socle/breach.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "capi/capi_internal.h"
#include "socle/access.hpp"
#include "socle/socle.h"

namespace {

using socle::capi::Borrowed;
using socle::capi::CountOf;
using socle::capi::ElementAt;
using socle::capi::EngineOf;
using socle::capi::Fail;
using socle::capi::FlagOf;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputEnum;
using socle::capi::InputList;
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
#define SOCLE_CAPI_BREACH_RISKS(X)                            \
  X(SOCLE_BREACH_RISK_UNLIKELY, socle::BreachRisk::kUnlikely) \
  X(SOCLE_BREACH_RISK_RISK, socle::BreachRisk::kRisk)         \
  X(SOCLE_BREACH_RISK_HIGH, socle::BreachRisk::kHigh)
SOCLE_CAPI_BREACH_RISKS(SOCLE_CAPI_ASSERT_SAME)

}  // namespace

struct socle_breaches {
  std::vector<socle::BreachInfo> lines;  // their strings are the NUL-terminated borrowed ones
};

namespace {

const socle::BreachInfo* LineAt(const socle_breaches* breaches, size_t index) {
  return ElementAt(breaches, &socle_breaches::lines, index);
}

int32_t Listed(std::vector<socle::BreachInfo> infos, socle_breaches** out) {
  *out = new socle_breaches{std::move(infos)};
  return SOCLE_OK;
}

}  // namespace

extern "C" {

const char* socle_breach_risk_name(int32_t risk) {
  const auto NameOf = [](socle::BreachRisk r) {
    return absl::string_view(socle::BreachRiskName(r));
  };
  switch (risk) { SOCLE_CAPI_BREACH_RISKS(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

int32_t socle_access_engine_record_breach(
    socle_access_engine* engine, const char* breach, size_t breach_len, int64_t aware_unix_seconds,
    const char* const* nature, const size_t* nature_lens, size_t nature_count, int32_t risk,
    const char* assessment, size_t assessment_len, int32_t unintelligible,
    const char* unintelligible_reason, size_t unintelligible_reason_len, uint64_t persons_concerned,
    uint64_t records_concerned, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    socle::BreachSpec spec;
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(breach, breach_len, "breach", &spec.breach, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputList(nature, nature_lens, nature_count, "nature", &spec.nature, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(risk, SOCLE_BREACH_RISK_UNLIKELY, SOCLE_BREACH_RISK_HIGH,
                                          "risk", "SOCLE_BREACH_RISK_*", &spec.risk, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(assessment, assessment_len, "assessment", &spec.assessment, error));
    if (unintelligible != 0 && unintelligible != 1) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "unintelligible must be 0 or 1");
    }
    spec.unintelligible = unintelligible == 1;
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(unintelligible_reason, unintelligible_reason_len,
                                            "unintelligible_reason", &spec.unintelligible_reason,
                                            error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(recorded_by, recorded_by_len, "recorded_by", &spec.recorded_by, error));
    spec.aware_at = TimeOrNow(EngineOf(*engine), aware_unix_seconds);
    spec.persons_concerned = persons_concerned;
    spec.records_concerned = records_concerned;
    return Written(socle::RecordBreach(EngineOf(*engine), spec), out_revision, error);
  });
}

int32_t socle_access_engine_notify_breach_authority(
    socle_access_engine* engine, const char* breach, size_t breach_len,
    int64_t notified_unix_seconds, const char* delay_reason, size_t delay_reason_len,
    const char* reference, size_t reference_len, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view b, why, ref, by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(breach, breach_len, "breach", &b, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(delay_reason, delay_reason_len, "delay_reason", &why, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(reference, reference_len, "reference", &ref, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    return Written(socle::NotifyBreachAuthority(EngineOf(*engine), b,
                                                TimeOrNow(EngineOf(*engine), notified_unix_seconds),
                                                why, ref, by),
                   out_revision, error);
  });
}

int32_t socle_access_engine_notify_breach_persons(socle_access_engine* engine, const char* breach,
                                                  size_t breach_len, int64_t notified_unix_seconds,
                                                  const char* means, size_t means_len,
                                                  const char* recorded_by, size_t recorded_by_len,
                                                  uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view b, how, by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(breach, breach_len, "breach", &b, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(means, means_len, "means", &how, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    return Written(
        socle::NotifyBreachPersons(EngineOf(*engine), b,
                                   TimeOrNow(EngineOf(*engine), notified_unix_seconds), how, by),
        out_revision, error);
  });
}

int32_t socle_access_engine_close_breach(socle_access_engine* engine, const char* breach,
                                         size_t breach_len, const char* recorded_by,
                                         size_t recorded_by_len, uint64_t* out_revision,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view b, by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(breach, breach_len, "breach", &b, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    return Written(socle::CloseBreach(EngineOf(*engine), b, by), out_revision, error);
  });
}

int32_t socle_access_engine_breach_register(const socle_access_engine* engine, socle_breaches** out,
                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    return Listed(socle::BreachRegister(*EngineOf(*engine).snapshot()), out);
  });
}

int32_t socle_access_engine_get_breach(const socle_access_engine* engine, const char* breach,
                                       size_t breach_len, socle_breaches** out,
                                       socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view b;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(breach, breach_len, "breach", &b, error));
    auto info = socle::GetBreach(*EngineOf(*engine).snapshot(), b);
    if (!info.ok()) return FromStatus(error, info.status());
    std::vector<socle::BreachInfo> one;
    one.push_back(*std::move(info));
    return Listed(std::move(one), out);
  });
}

int32_t socle_access_engine_overdue_breach_notifications(const socle_access_engine* engine,
                                                         int64_t at_unix_seconds,
                                                         socle_breaches** out,
                                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    return Listed(socle::OverdueBreachNotifications(*EngineOf(*engine).snapshot(),
                                                    TimeOrNow(EngineOf(*engine), at_unix_seconds)),
                  out);
  });
}

void socle_breaches_free(socle_breaches* breaches) { delete breaches; }

size_t socle_breaches_count(const socle_breaches* breaches) {
  return CountOf(breaches, &socle_breaches::lines);
}

const char* socle_breaches_breach(const socle_breaches* breaches, size_t index) {
  return Borrowed(LineAt(breaches, index), &socle::BreachInfo::breach);
}

int64_t socle_breaches_aware_unix_seconds(const socle_breaches* breaches, size_t index) {
  return UnixSecondsOf(LineAt(breaches, index), &socle::BreachInfo::aware_at);
}

size_t socle_breaches_nature_count(const socle_breaches* breaches, size_t index) {
  const auto* line = LineAt(breaches, index);
  return line == nullptr ? 0 : line->nature.size();
}

const char* socle_breaches_nature(const socle_breaches* breaches, size_t index, size_t word) {
  const auto* line = LineAt(breaches, index);
  return line == nullptr || word >= line->nature.size() ? "" : line->nature[word].c_str();
}

int32_t socle_breaches_risk(const socle_breaches* breaches, size_t index) {
  return NumberOf<int32_t>(LineAt(breaches, index), &socle::BreachInfo::risk);
}

const char* socle_breaches_assessment(const socle_breaches* breaches, size_t index) {
  return Borrowed(LineAt(breaches, index), &socle::BreachInfo::assessment);
}

int32_t socle_breaches_unintelligible(const socle_breaches* breaches, size_t index) {
  return FlagOf(LineAt(breaches, index), &socle::BreachInfo::unintelligible);
}

const char* socle_breaches_unintelligible_reason(const socle_breaches* breaches, size_t index) {
  return Borrowed(LineAt(breaches, index), &socle::BreachInfo::unintelligible_reason);
}

uint64_t socle_breaches_persons_concerned(const socle_breaches* breaches, size_t index) {
  return NumberOf<uint64_t>(LineAt(breaches, index), &socle::BreachInfo::persons_concerned);
}

uint64_t socle_breaches_records_concerned(const socle_breaches* breaches, size_t index) {
  return NumberOf<uint64_t>(LineAt(breaches, index), &socle::BreachInfo::records_concerned);
}

const char* socle_breaches_recorded_by(const socle_breaches* breaches, size_t index) {
  return Borrowed(LineAt(breaches, index), &socle::BreachInfo::recorded_by);
}

int32_t socle_breaches_authority_notification_required(const socle_breaches* breaches,
                                                       size_t index) {
  return FlagOf(LineAt(breaches, index), &socle::BreachInfo::authority_notification_required);
}

int64_t socle_breaches_authority_deadline_unix_seconds(const socle_breaches* breaches,
                                                       size_t index) {
  return UnixSecondsOf(LineAt(breaches, index), &socle::BreachInfo::authority_deadline);
}

int64_t socle_breaches_authority_notified_unix_seconds(const socle_breaches* breaches,
                                                       size_t index) {
  return UnixSecondsOf(LineAt(breaches, index), &socle::BreachInfo::authority_notified_at);
}

int32_t socle_breaches_authority_notified_late(const socle_breaches* breaches, size_t index) {
  return FlagOf(LineAt(breaches, index), &socle::BreachInfo::authority_notified_late);
}

const char* socle_breaches_delay_reason(const socle_breaches* breaches, size_t index) {
  return Borrowed(LineAt(breaches, index), &socle::BreachInfo::delay_reason);
}

const char* socle_breaches_authority_reference(const socle_breaches* breaches, size_t index) {
  return Borrowed(LineAt(breaches, index), &socle::BreachInfo::authority_reference);
}

int32_t socle_breaches_person_notification_required(const socle_breaches* breaches, size_t index) {
  return FlagOf(LineAt(breaches, index), &socle::BreachInfo::person_notification_required);
}

int64_t socle_breaches_persons_notified_unix_seconds(const socle_breaches* breaches, size_t index) {
  return UnixSecondsOf(LineAt(breaches, index), &socle::BreachInfo::persons_notified_at);
}

const char* socle_breaches_persons_notification_means(const socle_breaches* breaches,
                                                      size_t index) {
  return Borrowed(LineAt(breaches, index), &socle::BreachInfo::persons_notification_means);
}

int64_t socle_breaches_closed_unix_seconds(const socle_breaches* breaches, size_t index) {
  return UnixSecondsOf(LineAt(breaches, index), &socle::BreachInfo::closed_at);
}

uint64_t socle_breaches_revision(const socle_breaches* breaches, size_t index) {
  return NumberOf<uint64_t>(LineAt(breaches, index), &socle::BreachInfo::revision);
}

}  // extern "C"
