// The C ABI of restriction and rectification (include/socle/socle.h, "restriction and
// rectification"): socle/restriction.hpp and socle/rectification.hpp, converted and called. No
// rule lives here: the engine checks ids, hashes, notices and states; this layer checks pointers,
// lengths and the constants' ranges.
#include "socle/restriction.hpp"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "capi/capi_internal.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/rectification.hpp"
#include "socle/socle.h"

namespace {

using socle::capi::EngineOf;
using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputChannel;
using socle::capi::InputEnum;
using socle::capi::InputTexts;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetNumbers;
using socle::capi::TimeOrNow;
using socle::capi::Written;

// The frozen constants of the ABI are the C++ values, one for one.
#define SOCLE_CAPI_RESTRICTION_JUSTIFICATIONS(X)                                                 \
  X(SOCLE_RESTRICTION_JUSTIFICATION_NONE, socle::RestrictionJustification::kNone)                \
  X(SOCLE_RESTRICTION_JUSTIFICATION_SUBJECT_CONSENT,                                             \
    socle::RestrictionJustification::kSubjectConsent)                                            \
  X(SOCLE_RESTRICTION_JUSTIFICATION_LEGAL_CLAIMS, socle::RestrictionJustification::kLegalClaims) \
  X(SOCLE_RESTRICTION_JUSTIFICATION_PROTECTION_OF_OTHERS,                                        \
    socle::RestrictionJustification::kProtectionOfOthers)                                        \
  X(SOCLE_RESTRICTION_JUSTIFICATION_IMPORTANT_PUBLIC_INTEREST,                                   \
    socle::RestrictionJustification::kImportantPublicInterest)
#define SOCLE_CAPI_RESTRICTION_GROUNDS(X)                                                        \
  X(SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED, socle::RestrictionGround::kAccuracyContested)   \
  X(SOCLE_RESTRICTION_GROUND_UNLAWFUL_PROCESSING, socle::RestrictionGround::kUnlawfulProcessing) \
  X(SOCLE_RESTRICTION_GROUND_LEGAL_CLAIMS, socle::RestrictionGround::kLegalClaims)               \
  X(SOCLE_RESTRICTION_GROUND_OBJECTION_PENDING, socle::RestrictionGround::kObjectionPending)
SOCLE_CAPI_RESTRICTION_JUSTIFICATIONS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_RESTRICTION_GROUNDS(SOCLE_CAPI_ASSERT_SAME)
static_assert(SOCLE_RESTRICTION_JUSTIFICATION_IMPORTANT_PUBLIC_INTEREST + 1 ==
              socle::kRestrictionJustificationCount);

// One person's records as lines into *out (the list calls of this section): the checks each
// makes, `query(snapshot, person)` (a StatusOr of a vector), then `line(record, &lines)` each.
template <typename Query, typename Line>
int32_t PersonLines(const socle_access_engine* engine, const char* person, size_t person_len,
                    socle_buffer* out, size_t* out_count, socle_error** error, Query query,
                    Line line) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    ResetNumbers(out_count);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out == nullptr) return NullArgument(error, "out");
    absl::string_view id;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &id, error));
    auto found = query(*EngineOf(*engine).snapshot(), id);
    if (!found.ok()) return FromStatus(error, found.status());
    std::string lines;
    for (const auto& record : *found) line(record, &lines);
    SOCLE_CAPI_RETURN_IF_FAILED(FillBuffer(out, lines, error));
    if (out_count != nullptr) *out_count = found->size();
    return SOCLE_OK;
  });
}

}  // namespace

extern "C" {

const char* socle_access_request_justification_name(int32_t justification) {
  const auto NameOf = [](socle::RestrictionJustification j) { return socle::Name(j); };
  switch (justification) { SOCLE_CAPI_RESTRICTION_JUSTIFICATIONS(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

int32_t socle_access_engine_restrict(socle_access_engine* engine, const char* person,
                                     size_t person_len, const char* item, size_t item_len,
                                     int32_t ground, const char* rights_request,
                                     size_t rights_request_len, const char* recorded_by,
                                     size_t recorded_by_len, uint64_t* out_revision,
                                     socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[4];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {item, item_len, "item"},
                                            {rights_request, rights_request_len, "rights_request"},
                                            {recorded_by, recorded_by_len, "recorded_by"}},
                                           v, error));
    socle::RestrictionSpec spec;
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(ground, SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED,
                                          SOCLE_RESTRICTION_GROUND_OBJECTION_PENDING, "ground",
                                          "SOCLE_RESTRICTION_GROUND_*", &spec.ground, error));
    spec.person = std::string(v[0]);
    spec.item = std::string(v[1]);
    spec.rights_request = std::string(v[2]);
    spec.recorded_by = std::string(v[3]);
    return Written(socle::RestrictProcessing(EngineOf(*engine), spec), out_revision, error);
  });
}

int32_t socle_access_engine_notify_restriction_lift(socle_access_engine* engine, const char* person,
                                                    size_t person_len, const char* item,
                                                    size_t item_len, int64_t notified_unix_seconds,
                                                    int32_t channel, const char* recorded_by,
                                                    size_t recorded_by_len, uint64_t* out_revision,
                                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[3];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {item, item_len, "item"},
                                            {recorded_by, recorded_by_len, "recorded_by"}},
                                           v, error));
    socle::ConsentChannel cxx_channel = socle::ConsentChannel::kInPerson;
    SOCLE_CAPI_RETURN_IF_FAILED(InputChannel(channel, &cxx_channel, error));
    socle::AccessEngine& e = EngineOf(*engine);
    const absl::Time at = TimeOrNow(e, notified_unix_seconds);
    return Written(socle::RecordRestrictionLiftNotice(e, v[0], v[1], at, cxx_channel, v[2]),
                   out_revision, error);
  });
}

int32_t socle_access_engine_lift_restriction(socle_access_engine* engine, const char* person,
                                             size_t person_len, const char* item, size_t item_len,
                                             const char* recorded_by, size_t recorded_by_len,
                                             uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[3];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {item, item_len, "item"},
                                            {recorded_by, recorded_by_len, "recorded_by"}},
                                           v, error));
    return Written(socle::LiftRestriction(EngineOf(*engine), v[0], v[1], v[2]), out_revision,
                   error);
  });
}

int32_t socle_access_engine_restricted(const socle_access_engine* engine, const char* person,
                                       size_t person_len, const char* item, size_t item_len,
                                       int32_t* out_restricted, int32_t* out_ground,
                                       socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_restricted, out_ground);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out_restricted == nullptr) return NullArgument(error, "out_restricted");
    absl::string_view v[2];
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputTexts({{person, person_len, "person"}, {item, item_len, "item"}}, v, error));
    auto restrictions = socle::Restrictions(*EngineOf(*engine).snapshot(), v[0], false);
    if (!restrictions.ok()) return FromStatus(error, restrictions.status());
    for (const socle::RestrictionInfo& r : *restrictions) {
      if (r.item.empty() || r.item == v[1]) {
        *out_restricted = 1;
        if (out_ground != nullptr) *out_ground = static_cast<int32_t>(r.ground);
        break;
      }
    }
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_record_rectification(
    socle_access_engine* engine, const char* person, size_t person_len, const char* rectification,
    size_t rectification_len, const char* item, size_t item_len, const char* category,
    size_t category_len, const uint8_t* previous_sha256, size_t previous_sha256_len,
    const uint8_t* new_sha256, size_t new_sha256_len, int32_t contested,
    const uint8_t* statement_sha256, size_t statement_sha256_len, const char* rights_request,
    size_t rights_request_len, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[9];
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputTexts({{person, person_len, "person"},
                    {rectification, rectification_len, "rectification"},
                    {item, item_len, "item"},
                    {category, category_len, "category"},
                    {previous_sha256, previous_sha256_len, "previous_sha256"},
                    {new_sha256, new_sha256_len, "new_sha256"},
                    {statement_sha256, statement_sha256_len, "statement_sha256"},
                    {rights_request, rights_request_len, "rights_request"},
                    {recorded_by, recorded_by_len, "recorded_by"}},
                   v, error));
    if (contested != 0 && contested != 1) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "contested is 0 or 1");
    }
    socle::RectificationSpec spec;
    spec.person = std::string(v[0]);
    spec.rectification = std::string(v[1]);
    spec.item = std::string(v[2]);
    spec.category = std::string(v[3]);
    spec.previous_sha256 = std::string(v[4]);
    spec.new_sha256 = std::string(v[5]);
    spec.contested = contested == 1;
    spec.statement_sha256 = std::string(v[6]);
    spec.rights_request = std::string(v[7]);
    spec.recorded_by = std::string(v[8]);
    return Written(socle::RecordRectification(EngineOf(*engine), spec), out_revision, error);
  });
}

int32_t socle_access_engine_record_person_statement(
    socle_access_engine* engine, const char* person, size_t person_len, const char* rectification,
    size_t rectification_len, const char* item, size_t item_len, const char* category,
    size_t category_len, const uint8_t* statement_sha256, size_t statement_sha256_len,
    const char* rights_request, size_t rights_request_len, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[7];
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputTexts({{person, person_len, "person"},
                    {rectification, rectification_len, "rectification"},
                    {item, item_len, "item"},
                    {category, category_len, "category"},
                    {statement_sha256, statement_sha256_len, "statement_sha256"},
                    {rights_request, rights_request_len, "rights_request"},
                    {recorded_by, recorded_by_len, "recorded_by"}},
                   v, error));
    socle::PersonStatementSpec spec;
    spec.person = std::string(v[0]);
    spec.rectification = std::string(v[1]);
    spec.item = std::string(v[2]);
    spec.category = std::string(v[3]);
    spec.statement_sha256 = std::string(v[4]);
    spec.rights_request = std::string(v[5]);
    spec.recorded_by = std::string(v[6]);
    return Written(socle::RecordPersonStatement(EngineOf(*engine), spec), out_revision, error);
  });
}

int32_t socle_access_engine_record_rectification_notified(
    socle_access_engine* engine, const char* person, size_t person_len, const char* rectification,
    size_t rectification_len, const char* recipient, size_t recipient_len,
    int64_t notified_unix_seconds, int32_t channel, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[4];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {rectification, rectification_len, "rectification"},
                                            {recipient, recipient_len, "recipient"},
                                            {recorded_by, recorded_by_len, "recorded_by"}},
                                           v, error));
    socle::ConsentChannel cxx_channel = socle::ConsentChannel::kInPerson;
    SOCLE_CAPI_RETURN_IF_FAILED(InputChannel(channel, &cxx_channel, error));
    socle::AccessEngine& e = EngineOf(*engine);
    const absl::Time at = TimeOrNow(e, notified_unix_seconds);
    return Written(socle::RecordRectificationNotified(e, v[0], v[1], v[2], at, cxx_channel, v[3]),
                   out_revision, error);
  });
}

int32_t socle_access_engine_restrictions(const socle_access_engine* engine, const char* person,
                                         size_t person_len, int32_t include_lifted,
                                         socle_buffer* out, size_t* out_count,
                                         socle_error** error) {
  return PersonLines(
      engine, person, person_len, out, out_count, error,
      [&](const socle::AccessSnapshot& snapshot, absl::string_view id) {
        return socle::Restrictions(snapshot, id, include_lifted != 0);
      },
      [](const socle::RestrictionInfo& r, std::string* lines) {
        const auto seconds = [](const std::optional<absl::Time>& t) -> int64_t {
          return t.has_value() ? absl::ToUnixSeconds(*t) : 0;
        };
        absl::StrAppend(lines, r.item, "\t", static_cast<int32_t>(r.ground), "\t",
                        r.in_force ? 1 : 0, "\t", absl::ToUnixSeconds(r.set_at), "\t",
                        seconds(r.notified_at), "\t", seconds(r.lifted_at), "\t", r.rights_request,
                        "\n");
      });
}

int32_t socle_access_engine_pending_rectification_notices(const socle_access_engine* engine,
                                                          const char* person, size_t person_len,
                                                          socle_buffer* out, size_t* out_count,
                                                          socle_error** error) {
  return PersonLines(
      engine, person, person_len, out, out_count, error,
      [](const socle::AccessSnapshot& snapshot, absl::string_view id) {
        return socle::PendingRectificationNotices(snapshot, id);
      },
      [](const socle::PendingRectificationNotice& n, std::string* lines) {
        absl::StrAppend(lines, n.rectification, "\t", n.item, "\t", n.recipient, "\t",
                        absl::ToUnixSeconds(n.queued_at), "\n");
      });
}

int32_t socle_access_engine_current_item_version(const socle_access_engine* engine,
                                                 const char* person, size_t person_len,
                                                 const char* item, size_t item_len, uint8_t* out,
                                                 size_t out_capacity, int32_t* out_known,
                                                 socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_known);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out == nullptr) return NullArgument(error, "out");
    if (out_known == nullptr) return NullArgument(error, "out_known");
    if (out_capacity < 32) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE, "out_capacity is below 32 (a SHA-256)");
    }
    absl::string_view v[2];
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputTexts({{person, person_len, "person"}, {item, item_len, "item"}}, v, error));
    auto current = socle::CurrentItemVersion(*EngineOf(*engine).snapshot(), v[0], v[1]);
    if (!current.ok()) return FromStatus(error, current.status());
    if (current->has_value()) {
      std::memcpy(out, (*current)->data(), 32);
      *out_known = 1;
    }
    return SOCLE_OK;
  });
}

}  // extern "C"
