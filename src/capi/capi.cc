// The C ABI: versions, status names, errors and buffers. See capi_internal.h.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/capi_internal.h"
#include "socle/error.hpp"
#include "socle/generalise.hpp"
#include "socle/init.hpp"
#include "socle/policy.hpp"
#include "socle/socle.h"

namespace {

// The status codes of the ABI are socle::ErrorCode, value for value.
#define SOCLE_CAPI_STATUS_CODES(X)                                      \
  X(SOCLE_OK, socle::ErrorCode::kOk)                                    \
  X(SOCLE_E_INVALID_ARGUMENT, socle::ErrorCode::kInvalidArgument)       \
  X(SOCLE_E_NOT_FOUND, socle::ErrorCode::kNotFound)                     \
  X(SOCLE_E_ALREADY_EXISTS, socle::ErrorCode::kAlreadyExists)           \
  X(SOCLE_E_PERMISSION_DENIED, socle::ErrorCode::kPermissionDenied)     \
  X(SOCLE_E_FAILED_PRECONDITION, socle::ErrorCode::kFailedPrecondition) \
  X(SOCLE_E_OUT_OF_RANGE, socle::ErrorCode::kOutOfRange)                \
  X(SOCLE_E_RESOURCE_EXHAUSTED, socle::ErrorCode::kResourceExhausted)   \
  X(SOCLE_E_INTERNAL, socle::ErrorCode::kInternal)                      \
  X(SOCLE_E_NO_MEMORY, socle::ErrorCode::kNoMemory)                     \
  X(SOCLE_E_IO, socle::ErrorCode::kIo)                                  \
  X(SOCLE_E_PARSE, socle::ErrorCode::kParse)                            \
  X(SOCLE_E_POLICY_INVALID, socle::ErrorCode::kPolicyInvalid)           \
  X(SOCLE_E_VERIFICATION_FAILED, socle::ErrorCode::kVerificationFailed) \
  X(SOCLE_E_UNSUPPORTED, socle::ErrorCode::kUnsupported)                \
  X(SOCLE_E_DATA_LOSS, socle::ErrorCode::kDataLoss)                     \
  X(SOCLE_E_LOG_TAMPER_ATTEMPT, socle::ErrorCode::kLogTamperAttempt)
SOCLE_CAPI_STATUS_CODES(SOCLE_CAPI_ASSERT_SAME)

thread_local std::string last_error_message;

const socle::Diagnostic* DiagnosticAt(const socle_error* error, size_t index) {
  if (error == nullptr || index >= error->diagnostics.size()) return nullptr;
  return &error->diagnostics[index];
}

}  // namespace

namespace socle::capi {

// Records a failure: the thread-local message, and an error object if the caller asked for one.
// Never throws: if even that allocation fails, the caller still gets the status code.
int32_t Fail(socle_error** error, int32_t code, std::string message,
             std::vector<Diagnostic> diagnostics) noexcept {
  try {
    last_error_message = message;
    if (error != nullptr) {
      *error = new socle_error{code, std::move(message), std::move(diagnostics)};
    }
  } catch (...) {
    if (error != nullptr) *error = nullptr;
  }
  return code;
}

int32_t FromStatus(socle_error** error, const absl::Status& status,
                   std::vector<Diagnostic> diagnostics) noexcept {
  if (status.ok()) return SOCLE_OK;
  return Fail(error, static_cast<int32_t>(ErrorCodeOf(status)), std::string(status.message()),
              std::move(diagnostics));
}

int32_t NullArgument(socle_error** error, absl::string_view name) noexcept {
  try {
    return Fail(error, SOCLE_E_INVALID_ARGUMENT, std::string(name) + " must not be NULL");
  } catch (...) {
    return Fail(error, SOCLE_E_INVALID_ARGUMENT, "an argument must not be NULL");
  }
}

int32_t InputView(const void* data, size_t len, absl::string_view name,
                  absl::Span<const uint8_t>* out, socle_error** error) noexcept {
  *out = absl::Span<const uint8_t>();
  if (data == nullptr) return len == 0 ? SOCLE_OK : NullArgument(error, name);
  *out = absl::MakeConstSpan(static_cast<const uint8_t*>(data), len);
  return SOCLE_OK;
}

int32_t InputString(const char* data, size_t len, absl::string_view name, std::string* out,
                    socle_error** error) {
  absl::string_view view;
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(data, len, name, &view, error));
  *out = std::string(view);
  return SOCLE_OK;
}

int32_t InputEnum(int32_t value, int32_t low, int32_t high, absl::string_view name,
                  absl::string_view family, socle_error** error) {
  if (value >= low && value <= high) return SOCLE_OK;
  return Fail(error, SOCLE_E_INVALID_ARGUMENT,
              absl::StrCat(name, " is ", value, "; use a ", family, " value"));
}

int32_t InputView(const void* data, size_t len, absl::string_view name, absl::string_view* out,
                  socle_error** error) noexcept {
  *out = absl::string_view();
  absl::Span<const uint8_t> bytes;
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(data, len, name, &bytes, error));
  if (!InputFits(bytes.data(), len)) {
    try {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  absl::StrCat(name, ": a length of ", len, " bytes is more than any text"));
    } catch (...) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "a length is more than any text");
    }
  }
  if (len != 0) *out = absl::string_view(reinterpret_cast<const char*>(bytes.data()), len);
  return SOCLE_OK;
}

int32_t InputViews(const char* const* items, const size_t* lens, size_t count,
                   absl::string_view name, std::vector<absl::string_view>* out,
                   socle_error** error) {
  out->clear();
  if (count == 0) return SOCLE_OK;
  if (items == nullptr) return NullArgument(error, name);
  if (lens == nullptr) return NullArgument(error, absl::StrCat("the lengths of ", name));
  out->resize(count);
  for (size_t i = 0; i < count; ++i) {
    // The element's name is only built when it is needed.
    if (!InputFits(items[i], lens[i])) {
      return InputView(items[i], lens[i], absl::StrCat(name, "[", i, "]"), &(*out)[i], error);
    }
    (*out)[i] = items[i] == nullptr ? absl::string_view() : absl::string_view(items[i], lens[i]);
  }
  return SOCLE_OK;
}

int32_t InputList(const char* const* items, const size_t* lens, size_t count,
                  absl::string_view name, std::vector<std::string>* out, socle_error** error) {
  std::vector<absl::string_view> views;
  SOCLE_CAPI_RETURN_IF_FAILED(InputViews(items, lens, count, name, &views, error));
  out->clear();
  out->reserve(views.size());
  for (absl::string_view view : views) out->emplace_back(view);
  return SOCLE_OK;
}

void ResetBuffer(socle_buffer* out) noexcept {
  if (out == nullptr) return;
  out->data = nullptr;
  out->size = 0;
}

void Wipe(void* data, size_t size) noexcept {
  if (data != nullptr && size != 0) explicit_bzero(data, size);
}

// Copies `bytes` into a buffer the caller releases with socle_buffer_free.
int32_t FillBuffer(socle_buffer* out, absl::string_view bytes, socle_error** error) {
  auto* data = static_cast<uint8_t*>(std::malloc(bytes.size() + 1));
  if (data == nullptr) return Fail(error, SOCLE_E_NO_MEMORY, "out of memory");
  std::memcpy(data, bytes.data(), bytes.size());
  data[bytes.size()] = 0;
  out->data = data;
  out->size = bytes.size();
  return SOCLE_OK;
}

int32_t InputDay(const char* text, size_t len, absl::string_view name, absl::CivilDay* out,
                 socle_error** error) {
  absl::string_view view;
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, len, name, &view, error));
  auto day = ParseIsoDate(view);
  if (!day.ok()) {
    return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                absl::StrCat(name, " is not a date written YYYY-MM-DD"));
  }
  *out = *day;
  return SOCLE_OK;
}

int32_t Written(const absl::StatusOr<uint64_t>& result, uint64_t* out_revision,
                socle_error** error) {
  if (!result.ok()) return FromStatus(error, result.status());
  if (out_revision != nullptr) *out_revision = *result;
  return SOCLE_OK;
}

}  // namespace socle::capi

using socle::capi::FromStatus;
using socle::capi::Guard;

extern "C" {

const char* socle_version_string(void) {
#define SOCLE_STR_(x) #x
#define SOCLE_STR(x) SOCLE_STR_(x)
  return SOCLE_STR(SOCLE_VERSION_MAJOR) "." SOCLE_STR(SOCLE_VERSION_MINOR) "." SOCLE_STR(
      SOCLE_VERSION_PATCH);
#undef SOCLE_STR
#undef SOCLE_STR_
}

uint32_t socle_version_number(void) { return SOCLE_VERSION_NUMBER; }

const char* socle_status_name(int32_t status) {
  const auto NameOf = [](socle::ErrorCode code) { return socle::ErrorCodeName(code); };
  switch (status) { SOCLE_CAPI_STATUS_CODES(SOCLE_CAPI_NAME_CASE) }
  return "UNKNOWN";
}

int32_t socle_init(void) {
  return Guard(nullptr, [] { return FromStatus(nullptr, socle::Initialize()); });
}

void socle_error_free(socle_error* error) { delete error; }

int32_t socle_error_code(const socle_error* error) {
  return error != nullptr ? error->code : SOCLE_E_INVALID_ARGUMENT;
}

const char* socle_error_message(const socle_error* error) {
  return error != nullptr ? error->message.c_str() : "";
}

size_t socle_error_diagnostic_count(const socle_error* error) {
  return error != nullptr ? error->diagnostics.size() : 0;
}

int32_t socle_error_diagnostic_severity(const socle_error* error, size_t index) {
  const auto* d = DiagnosticAt(error, index);
  return d != nullptr ? static_cast<int32_t>(d->severity) : 0;
}

const char* socle_error_diagnostic_code(const socle_error* error, size_t index) {
  const auto* d = DiagnosticAt(error, index);
  return d != nullptr ? d->code.c_str() : nullptr;
}

const char* socle_error_diagnostic_path(const socle_error* error, size_t index) {
  const auto* d = DiagnosticAt(error, index);
  return d != nullptr ? d->path.c_str() : nullptr;
}

int32_t socle_error_diagnostic_line(const socle_error* error, size_t index) {
  const auto* d = DiagnosticAt(error, index);
  return d != nullptr ? d->line : 0;
}

int32_t socle_error_diagnostic_column(const socle_error* error, size_t index) {
  const auto* d = DiagnosticAt(error, index);
  return d != nullptr ? d->column : 0;
}

const char* socle_error_diagnostic_message(const socle_error* error, size_t index) {
  const auto* d = DiagnosticAt(error, index);
  return d != nullptr ? d->message.c_str() : nullptr;
}

const char* socle_last_error_message(void) { return last_error_message.c_str(); }

void socle_buffer_free(socle_buffer* buffer) {
  if (buffer == nullptr) return;
  // Buffers may hold personal data or keys: wipe before release.
  socle::capi::Wipe(buffer->data, buffer->size);
  std::free(buffer->data);
  socle::capi::ResetBuffer(buffer);
}

}  // extern "C"
