// The C ABI of erasure (include/socle/socle.h, "Erasure"): socle/erasure.hpp converted and called.
// No rule lives here: the engine decides and checks ids; this layer checks pointers, lengths and
// the flags, so that a bad value is refused with the parameter's name before anything is recorded.
#include "socle/erasure.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "capi/capi_internal.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/generalise.hpp"
#include "socle/rights.hpp"
#include "socle/socle.h"

// A decision, and the outcome when it came from socle_access_trail_erase. Immutable once built.
struct socle_erasure {
  socle::ErasureOutcome outcome;
};

namespace {

using socle::capi::Borrowed;
using socle::capi::EngineOf;
using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FlagOf;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputList;
using socle::capi::InputString;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::NumberOf;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::TrailOf;
using socle::capi::Written;

#define SOCLE_CAPI_ERASURE_EXCEPTIONS(X)                                                 \
  X(SOCLE_ERASURE_EXCEPTION_NONE, socle::ErasureException::kNone)                        \
  X(SOCLE_ERASURE_EXCEPTION_LEGAL_OBLIGATION, socle::ErasureException::kLegalObligation) \
  X(SOCLE_ERASURE_EXCEPTION_PUBLIC_TASK, socle::ErasureException::kPublicTask)           \
  X(SOCLE_ERASURE_EXCEPTION_ARCHIVING_PUBLIC_INTEREST,                                   \
    socle::ErasureException::kArchivingPublicInterest)                                   \
  X(SOCLE_ERASURE_EXCEPTION_STATISTICS_89, socle::ErasureException::kStatistics89)       \
  X(SOCLE_ERASURE_EXCEPTION_LEGAL_CLAIMS, socle::ErasureException::kLegalClaims)         \
  X(SOCLE_ERASURE_EXCEPTION_ALREADY_ERASED, socle::ErasureException::kAlreadyErased)
#define SOCLE_CAPI_CHECK(c, cxx) static_assert((c) == static_cast<int32_t>(cxx));
SOCLE_CAPI_ERASURE_EXCEPTIONS(SOCLE_CAPI_CHECK)
#undef SOCLE_CAPI_CHECK

constexpr uint32_t kAllAsserted =
    SOCLE_ERASURE_ASSERT_LEGAL_OBLIGATION | SOCLE_ERASURE_ASSERT_PUBLIC_TASK |
    SOCLE_ERASURE_ASSERT_ARCHIVING_PUBLIC_INTEREST | SOCLE_ERASURE_ASSERT_STATISTICS_89 |
    SOCLE_ERASURE_ASSERT_LEGAL_CLAIMS;

// The request of a decide or erase call; its inputs checked and copied.
int32_t InputRequest(const char* person, size_t person_len, const char* const* categories,
                     const size_t* category_lens, size_t category_count, uint32_t asserted,
                     socle::ErasureRequest* out, socle_error** error) {
  SOCLE_CAPI_RETURN_IF_FAILED(InputString(person, person_len, "person", &out->person, error));
  SOCLE_CAPI_RETURN_IF_FAILED(
      InputList(categories, category_lens, category_count, "categories", &out->categories, error));
  if ((asserted & ~kAllAsserted) != 0) {
    return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                "asserted holds a bit that is not a SOCLE_ERASURE_ASSERT_* flag");
  }
  out->asserted.legal_obligation = (asserted & SOCLE_ERASURE_ASSERT_LEGAL_OBLIGATION) != 0;
  out->asserted.public_task = (asserted & SOCLE_ERASURE_ASSERT_PUBLIC_TASK) != 0;
  out->asserted.archiving_public_interest =
      (asserted & SOCLE_ERASURE_ASSERT_ARCHIVING_PUBLIC_INTEREST) != 0;
  out->asserted.statistics_89 = (asserted & SOCLE_ERASURE_ASSERT_STATISTICS_89) != 0;
  out->asserted.legal_claims = (asserted & SOCLE_ERASURE_ASSERT_LEGAL_CLAIMS) != 0;
  return SOCLE_OK;
}

const socle::CategoryErasure* CategoryAt(const socle_erasure* erasure, size_t index) {
  if (erasure == nullptr || index >= erasure->outcome.decision.categories.size()) return nullptr;
  return &erasure->outcome.decision.categories[index];
}

}  // namespace

extern "C" {

const char* socle_erasure_exception_name(int32_t exception) {
  return socle::ErasureExceptionName(static_cast<socle::ErasureException>(exception));
}

int32_t socle_access_engine_decide_erasure(const socle_access_engine* engine, const char* person,
                                           size_t person_len, const char* const* categories,
                                           const size_t* category_lens, size_t category_count,
                                           uint32_t asserted, const char* day, size_t day_len,
                                           socle_erasure** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    socle::ErasureRequest request;
    SOCLE_CAPI_RETURN_IF_FAILED(InputRequest(person, person_len, categories, category_lens,
                                             category_count, asserted, &request, error));
    absl::string_view day_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(day, day_len, "day", &day_view, error));
    const socle::AccessEngine& e = EngineOf(*engine);
    absl::CivilDay on = socle::RightsDayOf(e.clock().Now());
    if (!day_view.empty()) {
      auto parsed = socle::ParseIsoDate(day_view);
      if (!parsed.ok()) {
        return Fail(error, SOCLE_E_INVALID_ARGUMENT, "day is not a date written YYYY-MM-DD");
      }
      on = *parsed;
    }
    auto decided = socle::DecideErasure(*e.snapshot(), request, on);
    if (!decided.ok()) return FromStatus(error, decided.status());
    auto handle = std::make_unique<socle_erasure>();
    handle->outcome.decision = std::move(*decided);
    *out = handle.release();
    return SOCLE_OK;
  });
}

int32_t socle_access_trail_erase(socle_access_trail* trail, socle_access_engine* engine,
                                 const char* person, size_t person_len,
                                 const char* const* categories, const size_t* category_lens,
                                 size_t category_count, uint32_t asserted, const char* request,
                                 size_t request_len, const char* recorded_by,
                                 size_t recorded_by_len, socle_erasure** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    if (trail == nullptr) return NullArgument(error, "trail");
    socle::ErasureRequest r;
    SOCLE_CAPI_RETURN_IF_FAILED(InputRequest(person, person_len, categories, category_lens,
                                             category_count, asserted, &r, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(request, request_len, "request", &r.request, error));
    absl::string_view by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    auto erased = socle::Erase(EngineOf(*engine), TrailOf(*trail), r, by);
    if (!erased.ok()) return FromStatus(error, erased.status());
    auto handle = std::make_unique<socle_erasure>();
    handle->outcome = std::move(*erased);
    *out = handle.release();
    return SOCLE_OK;
  });
}

void socle_erasure_free(socle_erasure* erasure) { delete erasure; }

int32_t socle_erasure_whole(const socle_erasure* erasure) {
  return erasure != nullptr && erasure->outcome.decision.whole ? 1 : 0;
}

int32_t socle_erasure_all_erased(const socle_erasure* erasure) {
  return erasure != nullptr && erasure->outcome.decision.all_erased ? 1 : 0;
}

size_t socle_erasure_category_count(const socle_erasure* erasure) {
  return erasure != nullptr ? erasure->outcome.decision.categories.size() : 0;
}

const char* socle_erasure_category(const socle_erasure* erasure, size_t index) {
  return Borrowed(CategoryAt(erasure, index), &socle::CategoryErasure::category_id);
}

int32_t socle_erasure_category_erase(const socle_erasure* erasure, size_t index) {
  return FlagOf(CategoryAt(erasure, index), &socle::CategoryErasure::erase);
}

int32_t socle_erasure_category_exception(const socle_erasure* erasure, size_t index) {
  return NumberOf<int32_t>(CategoryAt(erasure, index), &socle::CategoryErasure::exception,
                           SOCLE_ERASURE_EXCEPTION_NONE);
}

const char* socle_erasure_category_rule(const socle_erasure* erasure, size_t index) {
  return Borrowed(CategoryAt(erasure, index), &socle::CategoryErasure::rule);
}

const char* socle_erasure_category_detail(const socle_erasure* erasure, size_t index) {
  return Borrowed(CategoryAt(erasure, index), &socle::CategoryErasure::detail);
}

int32_t socle_erasure_text(const socle_erasure* erasure, socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (erasure == nullptr) return NullArgument(error, "erasure");
    if (out == nullptr) return NullArgument(error, "out");
    return FillBuffer(out, erasure->outcome.decision.ToString(), error);
  });
}

int32_t socle_erasure_recorded(const socle_erasure* erasure) {
  return erasure != nullptr && erasure->outcome.recorded ? 1 : 0;
}

uint64_t socle_erasure_revision(const socle_erasure* erasure) {
  return erasure != nullptr ? erasure->outcome.revision : 0;
}

int32_t socle_erasure_whole_erased(const socle_erasure* erasure) {
  return erasure != nullptr && erasure->outcome.whole_erased ? 1 : 0;
}

int32_t socle_erasure_key_shredded(const socle_erasure* erasure) {
  return erasure != nullptr && erasure->outcome.key_shredded ? 1 : 0;
}

size_t socle_erasure_vendor_delete_count(const socle_erasure* erasure) {
  return erasure != nullptr ? erasure->outcome.vendor_deletes.size() : 0;
}

const char* socle_erasure_vendor_delete(const socle_erasure* erasure, size_t index) {
  if (erasure == nullptr || index >= erasure->outcome.vendor_deletes.size()) return "";
  return erasure->outcome.vendor_deletes[index].c_str();
}

int32_t socle_access_engine_tombstones(const socle_access_engine* engine, uint64_t since_revision,
                                       socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out == nullptr) return NullArgument(error, "out");
    std::string text;
    for (const socle::TombstoneInfo& t :
         socle::Tombstones(*EngineOf(*engine).snapshot(), since_revision)) {
      absl::StrAppend(&text, t.person, "\t", absl::FormatCivilTime(t.day), "\t",
                      absl::StrJoin(t.categories, ","), "\t", t.request, "\t", t.recorded_by, "\t",
                      t.revision, "\n");
    }
    const int32_t rc = FillBuffer(out, text, error);
    socle::capi::Wipe(text.data(), text.size());  // person ids
    return rc;
  });
}

int32_t socle_access_engine_erased_row(const socle_access_engine* engine, const char* person,
                                       size_t person_len, const char* category, size_t category_len,
                                       int32_t* out_erased, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_erased);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out_erased == nullptr) return NullArgument(error, "out_erased");
    absl::string_view p, c;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(category, category_len, "category", &c, error));
    *out_erased = socle::ErasedRow(*EngineOf(*engine).snapshot(), p, c) ? 1 : 0;
    return SOCLE_OK;
  });
}

int32_t socle_vault_reapply_tombstones(socle_vault* vault, const socle_access_engine* engine,
                                       uint64_t* out_shredded, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_shredded);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (vault == nullptr || vault->vault == nullptr) return NullArgument(error, "vault");
    auto shredded = socle::ReapplyTombstones(*EngineOf(*engine).snapshot(), *vault->vault);
    if (!shredded.ok()) return FromStatus(error, shredded.status());
    if (out_shredded != nullptr) *out_shredded = *shredded;
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_set_legal_hold(socle_access_engine* engine, const char* person,
                                           size_t person_len, const char* reason, size_t reason_len,
                                           const char* reference, size_t reference_len,
                                           const char* recorded_by, size_t recorded_by_len,
                                           uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view p, why, ref, by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(reason, reason_len, "reason", &why, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(reference, reference_len, "reference", &ref, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    return Written(socle::SetLegalHold(EngineOf(*engine), p, why, ref, by), out_revision, error);
  });
}

int32_t socle_access_engine_lift_legal_hold(socle_access_engine* engine, const char* person,
                                            size_t person_len, const char* recorded_by,
                                            size_t recorded_by_len, uint64_t* out_revision,
                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view p, by;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &by, error));
    return Written(socle::LiftLegalHold(EngineOf(*engine), p, by), out_revision, error);
  });
}

}  // extern "C"
