// The C ABI of the person summary (include/socle/socle.h, "What the person sees").
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "capi/capi_internal.h"
#include "socle/access.hpp"
#include "socle/person_summary.hpp"
#include "socle/socle.h"

using socle::capi::EngineOf;
using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;

extern "C" {

int32_t socle_access_engine_person_summary(const socle_access_engine* engine, const char* person,
                                           size_t person_len, int64_t at_unix_seconds,
                                           int32_t format, socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out == nullptr) return NullArgument(error, "out");
    absl::string_view id;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &id, error));
    if (format != SOCLE_SUMMARY_FORMAT_JSON && format != SOCLE_SUMMARY_FORMAT_BINARY) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "format: SOCLE_SUMMARY_FORMAT_JSON (1) or SOCLE_SUMMARY_FORMAT_BINARY (2)");
    }
    const absl::Time at =
        at_unix_seconds == 0 ? absl::InfinitePast() : absl::FromUnixSeconds(at_unix_seconds);
    const auto summary = socle::SummarisePerson(*EngineOf(*engine).snapshot(), id, at);
    if (!summary.ok()) return FromStatus(error, summary.status());
    if (format == SOCLE_SUMMARY_FORMAT_BINARY) {
      return FillBuffer(out, socle::SerializePersonSummary(*summary), error);
    }
    const auto json = socle::PersonSummaryJson(*summary);
    if (!json.ok()) return FromStatus(error, json.status());
    return FillBuffer(out, *json, error);
  });
}

}  // extern "C"
