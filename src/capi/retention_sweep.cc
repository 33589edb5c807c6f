// The C ABI of the retention sweep (include/socle/socle.h, "Retention sweep"):
// socle/retention_sweep.hpp converted and called. No rule lives here: the engine checks days,
// batches, visas and certificates; this layer checks pointers, lengths and the constants.
#include "socle/retention_sweep.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "capi/capi_internal.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/retention.hpp"
#include "socle/socle.h"
#include "socle/trail.hpp"

struct socle_sweep_report {
  socle::SweepReport report;
  std::string day;  // NUL-terminated copy
};

namespace {

using socle::capi::EngineOf;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputDay;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::SigningKeyOf;
using socle::capi::TrailOf;
using socle::capi::Written;

// The end actions' constants are checked against socle::RetentionEndAction in retention.cc.

const socle::VendorTask* Task(const socle_sweep_report* r, size_t index) {
  return r != nullptr && index < r->report.todo.size() ? &r->report.todo[index] : nullptr;
}
const socle::DeletionCertificate* Certificate(const socle_sweep_report* r, size_t index) {
  return r != nullptr && index < r->report.certificates.size() ? &r->report.certificates[index]
                                                               : nullptr;
}

}  // namespace

namespace {

int32_t Reported(absl::StatusOr<socle::SweepReport> report, socle_sweep_report** out,
                 socle_error** error) {
  if (!report.ok()) return FromStatus(error, report.status());
  std::string day = socle::RetentionDayText(report->day);
  *out = new socle_sweep_report{*std::move(report), std::move(day)};
  return SOCLE_OK;
}

}  // namespace

int32_t socle_access_trail_retention_sweep(socle_access_trail* trail, socle_access_engine* engine,
                                           const socle_export_signing_key* key, const char* day,
                                           size_t day_len, size_t batch_size,
                                           const char* recorded_by, size_t recorded_by_len,
                                           socle_sweep_report** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (trail == nullptr) return NullArgument(error, "trail");
    if (engine == nullptr) return NullArgument(error, "engine");
    if (key == nullptr) return NullArgument(error, "key");
    socle::SweepOptions options;
    SOCLE_CAPI_RETURN_IF_FAILED(InputDay(day, day_len, "day", &options.day, error));
    absl::string_view by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    options.recorded_by = std::string(by);
    options.batch_size = batch_size;
    return Reported(socle::Sweep(EngineOf(*engine), TrailOf(*trail), SigningKeyOf(*key), options),
                    out, error);
  });
}

int32_t socle_access_engine_plan_retention_sweep(const socle_access_engine* engine, const char* day,
                                                 size_t day_len, socle_sweep_report** out,
                                                 socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::CivilDay on;
    SOCLE_CAPI_RETURN_IF_FAILED(InputDay(day, day_len, "day", &on, error));
    return Reported(socle::PlanSweep(EngineOf(*engine), on), out, error);
  });
}

void socle_sweep_report_free(socle_sweep_report* report) { delete report; }

const char* socle_sweep_report_day(const socle_sweep_report* report) {
  return report == nullptr ? "" : report->day.c_str();
}
int32_t socle_sweep_report_resumed(const socle_sweep_report* report) {
  return report != nullptr && report->report.resumed ? 1 : 0;
}
uint64_t socle_sweep_report_purged(const socle_sweep_report* report) {
  return report == nullptr ? 0 : report->report.purged;
}
uint64_t socle_sweep_report_shredded(const socle_sweep_report* report) {
  return report == nullptr ? 0 : report->report.shredded;
}
uint64_t socle_sweep_report_awaiting_visa(const socle_sweep_report* report) {
  return report == nullptr ? 0 : report->report.awaiting_visa;
}
size_t socle_sweep_report_change_count(const socle_sweep_report* report) {
  return report == nullptr ? 0 : report->report.changes.size();
}

size_t socle_sweep_report_todo_count(const socle_sweep_report* report) {
  return report == nullptr ? 0 : report->report.todo.size();
}
const char* socle_sweep_report_todo_person(const socle_sweep_report* report, size_t index) {
  const socle::VendorTask* t = Task(report, index);
  return t == nullptr ? "" : t->person.c_str();
}
const char* socle_sweep_report_todo_category(const socle_sweep_report* report, size_t index) {
  const socle::VendorTask* t = Task(report, index);
  return t == nullptr ? "" : t->category.c_str();
}
int32_t socle_sweep_report_todo_action(const socle_sweep_report* report, size_t index) {
  const socle::VendorTask* t = Task(report, index);
  return t == nullptr ? 0 : static_cast<int32_t>(t->action);
}
const char* socle_sweep_report_todo_rule(const socle_sweep_report* report, size_t index) {
  const socle::VendorTask* t = Task(report, index);
  return t == nullptr ? "" : t->rule.c_str();
}
const char* socle_sweep_report_todo_visa(const socle_sweep_report* report, size_t index) {
  const socle::VendorTask* t = Task(report, index);
  return t == nullptr ? "" : t->visa_reference.c_str();
}

size_t socle_sweep_report_certificate_count(const socle_sweep_report* report) {
  return report == nullptr ? 0 : report->report.certificates.size();
}
const char* socle_sweep_report_certificate_category(const socle_sweep_report* report,
                                                    size_t index) {
  const socle::DeletionCertificate* c = Certificate(report, index);
  return c == nullptr ? "" : c->category.c_str();
}
uint64_t socle_sweep_report_certificate_count_of(const socle_sweep_report* report, size_t index) {
  const socle::DeletionCertificate* c = Certificate(report, index);
  return c == nullptr ? 0 : c->count;
}
int32_t socle_sweep_report_certificate_end_action(const socle_sweep_report* report, size_t index) {
  const socle::DeletionCertificate* c = Certificate(report, index);
  return c == nullptr ? 0 : static_cast<int32_t>(c->end_action);
}
const char* socle_sweep_report_certificate_visa(const socle_sweep_report* report, size_t index) {
  const socle::DeletionCertificate* c = Certificate(report, index);
  return c == nullptr ? "" : c->visa_reference.c_str();
}

int32_t socle_sweep_report_certificate_bytes(const socle_sweep_report* report, size_t index,
                                             socle_buffer* out_certificate,
                                             socle_buffer* out_signature, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out_certificate);
    ResetBuffer(out_signature);
    if (report == nullptr) return NullArgument(error, "report");
    if (out_certificate == nullptr) return NullArgument(error, "out_certificate");
    if (out_signature == nullptr) return NullArgument(error, "out_signature");
    const socle::DeletionCertificate* c = Certificate(report, index);
    if (c == nullptr) {
      return socle::capi::Fail(error, SOCLE_E_OUT_OF_RANGE,
                               "index is past the report's last certificate");
    }
    SOCLE_CAPI_RETURN_IF_FAILED(FillBuffer(out_certificate, c->bytes, error));
    return FillBuffer(out_signature, c->signature, error);
  });
}

int32_t socle_deletion_certificate_verify(const uint8_t* certificate, size_t certificate_len,
                                          const uint8_t* signature, size_t signature_len,
                                          socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    absl::string_view c, s;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(certificate, certificate_len, "certificate", &c, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(signature, signature_len, "signature", &s, error));
    return FromStatus(error, socle::VerifyDeletionCertificate(c, s));
  });
}

int32_t socle_access_engine_record_elimination_visa(socle_access_engine* engine,
                                                    const char* reference, size_t reference_len,
                                                    const char* category, size_t category_len,
                                                    const char* through, size_t through_len,
                                                    const char* recorded_by, size_t recorded_by_len,
                                                    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view ref, cat, by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(reference, reference_len, "reference", &ref, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(category, category_len, "category", &cat, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    socle::EliminationVisa visa;
    SOCLE_CAPI_RETURN_IF_FAILED(InputDay(through, through_len, "through", &visa.through, error));
    visa.reference = std::string(ref);
    visa.category = std::string(cat);
    visa.recorded_by = std::string(by);
    return Written(socle::RecordEliminationVisa(EngineOf(*engine), visa), out_revision, error);
  });
}
