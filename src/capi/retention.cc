// The C ABI of retention (include/socle/socle.h, "Retention"): socle/retention.hpp converted and
// called, and the archivist's reasoned read (AccessRequest::archive_reason) as a decide variant of
// the engine and of the trail. No rule lives here: the engine checks persons, activities, days
// and originators; this layer checks pointers, lengths and the constants' ranges, so that a bad
// value is refused with the parameter's name before anything is recorded.
#include "socle/retention.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "capi/capi_internal.h"
#include "socle/access.hpp"
#include "socle/socle.h"
#include "socle/trail.hpp"

namespace {

using socle::capi::Borrowed;
using socle::capi::CountOf;
using socle::capi::ElementAt;
using socle::capi::EngineOf;
using socle::capi::FlagOf;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputDay;
using socle::capi::InputEnum;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::NumberOf;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::Written;

// The frozen constants of the ABI are the C++ values, one for one.
#define SOCLE_CAPI_RETENTION_PHASES(X)                                                       \
  X(SOCLE_RETENTION_PHASE_ACTIVE, socle::RetentionPhase::kActive)                            \
  X(SOCLE_RETENTION_PHASE_INTERMEDIATE_ARCHIVE, socle::RetentionPhase::kIntermediateArchive) \
  X(SOCLE_RETENTION_PHASE_DUE, socle::RetentionPhase::kDue)                                  \
  X(SOCLE_RETENTION_PHASE_AWAITING_VISA, socle::RetentionPhase::kAwaitingVisa)
#define SOCLE_CAPI_RETENTION_STARTS(X)                                                             \
  X(SOCLE_RETENTION_START_UNSPECIFIED, socle::RetentionStart::kUnspecified)                        \
  X(SOCLE_RETENTION_START_LAST_CONTACT_FROM_PERSON, socle::RetentionStart::kLastContactFromPerson) \
  X(SOCLE_RETENTION_START_END_OF_RIGHT, socle::RetentionStart::kEndOfRight)                        \
  X(SOCLE_RETENTION_START_END_OF_FOLLOW_UP, socle::RetentionStart::kEndOfFollowUp)                 \
  X(SOCLE_RETENTION_START_CASE_CLOSURE, socle::RetentionStart::kCaseClosure)                       \
  X(SOCLE_RETENTION_START_CREATION, socle::RetentionStart::kCreation)                              \
  X(SOCLE_RETENTION_START_END_OF_MANDATE, socle::RetentionStart::kEndOfMandate)
#define SOCLE_CAPI_RETENTION_END_ACTIONS(X)                                          \
  X(SOCLE_RETENTION_END_ACTION_UNSPECIFIED, socle::RetentionEndAction::kUnspecified) \
  X(SOCLE_RETENTION_END_ACTION_DELETE, socle::RetentionEndAction::kDelete)           \
  X(SOCLE_RETENTION_END_ACTION_ANONYMISE, socle::RetentionEndAction::kAnonymise)     \
  X(SOCLE_RETENTION_END_ACTION_DEFINITIVE_ARCHIVE, socle::RetentionEndAction::kDefinitiveArchive)
#define SOCLE_CAPI_CONTACT_ORIGINATORS(X)                                               \
  X(SOCLE_CONTACT_ORIGINATOR_PERSON, socle::ContactOriginator::kPerson)                 \
  X(SOCLE_CONTACT_ORIGINATOR_REPRESENTATIVE, socle::ContactOriginator::kRepresentative) \
  X(SOCLE_CONTACT_ORIGINATOR_PROFESSIONAL, socle::ContactOriginator::kProfessional)     \
  X(SOCLE_CONTACT_ORIGINATOR_BATCH, socle::ContactOriginator::kBatch)
SOCLE_CAPI_RETENTION_PHASES(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_RETENTION_STARTS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_RETENTION_END_ACTIONS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_CONTACT_ORIGINATORS(SOCLE_CAPI_ASSERT_SAME)

// An optional day: "" is nullopt (today, or "in course"), anything else must be YYYY-MM-DD.
int32_t InputOptionalDay(const char* text, size_t len, const char* name,
                         std::optional<absl::CivilDay>* out, socle_error** error) {
  absl::string_view view;
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, len, name, &view, error));
  if (view.empty()) {
    *out = std::nullopt;
    return SOCLE_OK;
  }
  absl::CivilDay day;
  SOCLE_CAPI_RETURN_IF_FAILED(InputDay(text, len, name, &day, error));
  *out = day;
  return SOCLE_OK;
}

// A day number as the ABI shows it: "YYYY-MM-DD", or "" for no day.
std::string DayText(int32_t day) {
  return day == socle::kNoRetentionDay ? std::string() : socle::RetentionDayText(day);
}

// The shared shape of record_right and record_follow_up.
using RecordInCourse = absl::StatusOr<uint64_t> (*)(socle::AccessEngine&, absl::string_view,
                                                    absl::string_view,
                                                    std::optional<absl::CivilDay>);
int32_t RecordPeriod(RecordInCourse record, socle_access_engine* engine, const char* person,
                     size_t person_len, const char* activity, size_t activity_len,
                     const char* last_day, size_t last_day_len, uint64_t* out_revision,
                     socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view p, a;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(activity, activity_len, "activity", &a, error));
    std::optional<absl::CivilDay> last;
    SOCLE_CAPI_RETURN_IF_FAILED(InputOptionalDay(last_day, last_day_len, "last_day", &last, error));
    return Written(record(EngineOf(*engine), p, a, last), out_revision, error);
  });
}

// The archivist's decisions share the request checks of socle_access_engine_decide.
int32_t ArchiveRequest(const socle_access_request* request, const char* archive_reason,
                       size_t archive_reason_len, socle::AccessRequest* out, socle_error** error) {
  if (request == nullptr) return NullArgument(error, "request");
  SOCLE_CAPI_RETURN_IF_FAILED(socle::capi::CheckRequestVersion(request, error));
  absl::string_view reason;
  SOCLE_CAPI_RETURN_IF_FAILED(
      InputView(archive_reason, archive_reason_len, "archive_reason", &reason, error));
  if (!socle::capi::ConvertRequest(*request, request->version, out)) {
    return socle::capi::InvalidItem(error);
  }
  out->archive_reason = reason;
  return SOCLE_OK;
}

}  // namespace

struct socle_retention {
  struct Line {
    socle::RetentionStatus status;
    // NUL-terminated copies for the borrowed-string accessors.
    std::string since;
    std::string next_change;
    std::string start_day;
    std::string source;
  };
  std::vector<Line> lines;
};

namespace {

const socle_retention::Line* LineAt(const socle_retention* retention, size_t index) {
  return ElementAt(retention, &socle_retention::lines, index);
}

// The status of line `index`, or nullptr.
const socle::RetentionStatus* StatusAt(const socle_retention* retention, size_t index) {
  const auto* line = LineAt(retention, index);
  return line == nullptr ? nullptr : &line->status;
}

}  // namespace

extern "C" {

const char* socle_retention_phase_name(int32_t phase) {
  const auto NameOf = [](socle::RetentionPhase p) {
    return absl::string_view(socle::RetentionPhaseName(p));
  };
  switch (phase) { SOCLE_CAPI_RETENTION_PHASES(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

int32_t socle_access_engine_record_contact(socle_access_engine* engine, const char* person,
                                           size_t person_len, int32_t originator,
                                           const char* representative, size_t representative_len,
                                           const char* day, size_t day_len, const char* recorded_by,
                                           size_t recorded_by_len, uint64_t* out_revision,
                                           socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    socle::ContactSpec spec;
    SOCLE_CAPI_RETURN_IF_FAILED(
        socle::capi::InputString(person, person_len, "person", &spec.person, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(originator, SOCLE_CONTACT_ORIGINATOR_PERSON,
                                          SOCLE_CONTACT_ORIGINATOR_BATCH, "originator",
                                          "SOCLE_CONTACT_ORIGINATOR_*", &spec.originator, error));
    SOCLE_CAPI_RETURN_IF_FAILED(socle::capi::InputString(
        representative, representative_len, "representative", &spec.representative, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputOptionalDay(day, day_len, "day", &spec.day, error));
    SOCLE_CAPI_RETURN_IF_FAILED(socle::capi::InputString(recorded_by, recorded_by_len,
                                                         "recorded_by", &spec.recorded_by, error));
    return Written(socle::RecordContact(EngineOf(*engine), spec), out_revision, error);
  });
}

int32_t socle_access_engine_record_right(socle_access_engine* engine, const char* person,
                                         size_t person_len, const char* activity,
                                         size_t activity_len, const char* last_day,
                                         size_t last_day_len, uint64_t* out_revision,
                                         socle_error** error) {
  return RecordPeriod(&socle::RecordRight, engine, person, person_len, activity, activity_len,
                      last_day, last_day_len, out_revision, error);
}

int32_t socle_access_engine_record_follow_up(socle_access_engine* engine, const char* person,
                                             size_t person_len, const char* activity,
                                             size_t activity_len, const char* last_day,
                                             size_t last_day_len, uint64_t* out_revision,
                                             socle_error** error) {
  return RecordPeriod(&socle::RecordFollowUp, engine, person, person_len, activity, activity_len,
                      last_day, last_day_len, out_revision, error);
}

int32_t socle_access_engine_record_death(socle_access_engine* engine, const char* person,
                                         size_t person_len, const char* day, size_t day_len,
                                         uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view p;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    absl::CivilDay d;
    SOCLE_CAPI_RETURN_IF_FAILED(InputDay(day, day_len, "day", &d, error));
    return Written(socle::RecordDeath(EngineOf(*engine), p, d), out_revision, error);
  });
}

int32_t socle_access_engine_retention(const socle_access_engine* engine, const char* person,
                                      size_t person_len, const char* day, size_t day_len,
                                      socle_retention** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view p;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    std::optional<absl::CivilDay> d;
    SOCLE_CAPI_RETURN_IF_FAILED(InputOptionalDay(day, day_len, "day", &d, error));
    auto statuses = EngineOf(*engine).Retention(p, d);
    if (!statuses.ok()) return FromStatus(error, statuses.status());
    auto result = std::make_unique<socle_retention>();
    result->lines.reserve(statuses->size());
    for (const socle::RetentionStatus& s : *statuses) {
      socle_retention::Line line{s, DayText(s.since), DayText(s.next_change), DayText(s.start_day),
                                 std::string(s.source)};
      line.status.source = absl::string_view();  // the copy is the one to read
      result->lines.push_back(std::move(line));
    }
    *out = result.release();
    return SOCLE_OK;
  });
}

void socle_retention_free(socle_retention* retention) { delete retention; }

size_t socle_retention_count(const socle_retention* retention) {
  return CountOf(retention, &socle_retention::lines);
}

uint32_t socle_retention_category(const socle_retention* retention, size_t index) {
  return NumberOf<uint32_t>(StatusAt(retention, index), &socle::RetentionStatus::category,
                            SOCLE_NO_ID);
}

int32_t socle_retention_phase(const socle_retention* retention, size_t index) {
  return NumberOf<int32_t>(StatusAt(retention, index), &socle::RetentionStatus::phase);
}

const char* socle_retention_since(const socle_retention* retention, size_t index) {
  return Borrowed(LineAt(retention, index), &socle_retention::Line::since);
}

const char* socle_retention_next_change(const socle_retention* retention, size_t index) {
  return Borrowed(LineAt(retention, index), &socle_retention::Line::next_change);
}

int32_t socle_retention_next_phase(const socle_retention* retention, size_t index) {
  return NumberOf<int32_t>(StatusAt(retention, index), &socle::RetentionStatus::next_phase);
}

int32_t socle_retention_end_action(const socle_retention* retention, size_t index) {
  return NumberOf<int32_t>(StatusAt(retention, index), &socle::RetentionStatus::end_action);
}

uint32_t socle_retention_activity(const socle_retention* retention, size_t index) {
  return NumberOf<uint32_t>(StatusAt(retention, index), &socle::RetentionStatus::activity,
                            SOCLE_NO_ID);
}

uint32_t socle_retention_rule_index(const socle_retention* retention, size_t index) {
  return NumberOf<uint32_t>(StatusAt(retention, index), &socle::RetentionStatus::rule_index,
                            SOCLE_NO_ID);
}

int32_t socle_retention_start(const socle_retention* retention, size_t index) {
  return NumberOf<int32_t>(StatusAt(retention, index), &socle::RetentionStatus::start);
}

const char* socle_retention_start_day(const socle_retention* retention, size_t index) {
  return Borrowed(LineAt(retention, index), &socle_retention::Line::start_day);
}

int32_t socle_retention_hard_stop(const socle_retention* retention, size_t index) {
  return FlagOf(StatusAt(retention, index), &socle::RetentionStatus::hard_stop);
}

const char* socle_retention_source(const socle_retention* retention, size_t index) {
  return Borrowed(LineAt(retention, index), &socle_retention::Line::source);
}

int32_t socle_access_engine_decide_with_archive_reason(const socle_access_engine* engine,
                                                       const socle_access_request* request,
                                                       const char* archive_reason,
                                                       size_t archive_reason_len,
                                                       socle_decision* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    if (engine == nullptr) {
      socle::capi::ExportDecision(socle::capi::InvalidRequestDecision(0), out);
      return NullArgument(error, "engine");
    }
    const auto snapshot = EngineOf(*engine).snapshot();
    socle::capi::ExportDecision(socle::capi::InvalidRequestDecision(snapshot->revision()), out);
    socle::AccessRequest r;
    SOCLE_CAPI_RETURN_IF_FAILED(
        ArchiveRequest(request, archive_reason, archive_reason_len, &r, error));
    auto decision = snapshot->Decide(r);
    if (!decision.ok()) return FromStatus(error, decision.status());
    socle::capi::ExportDecision(*decision, out);
    return SOCLE_OK;
  });
}

int32_t socle_access_trail_decide_with_archive_reason(socle_access_trail* trail,
                                                      const socle_access_request* request,
                                                      const char* archive_reason,
                                                      size_t archive_reason_len,
                                                      socle_decision* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    socle::capi::ExportDecision(socle::capi::InvalidRequestDecision(0), out);
    if (trail == nullptr) return NullArgument(error, "trail");
    socle::AccessRequest r;
    SOCLE_CAPI_RETURN_IF_FAILED(
        ArchiveRequest(request, archive_reason, archive_reason_len, &r, error));
    // The reason is the professional's justification of this read: the trail keeps it.
    auto decision = socle::capi::TrailOf(*trail).Decide(r, r.archive_reason);
    if (!decision.ok()) return FromStatus(error, decision.status());
    socle::capi::ExportDecision(*decision, out);
    return SOCLE_OK;
  });
}

}  // extern "C"
