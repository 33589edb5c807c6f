// The C ABI: versions, status names, errors and buffers. See capi_internal.h.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "capi/capi_internal.h"
#include "socle/error.hpp"
#include "socle/init.hpp"
#include "socle/policy.hpp"
#include "socle/socle.h"

namespace {

// The status codes of the ABI are socle::ErrorCode, value for value.
static_assert(SOCLE_OK == static_cast<int32_t>(socle::ErrorCode::kOk));
static_assert(SOCLE_E_INVALID_ARGUMENT == static_cast<int32_t>(socle::ErrorCode::kInvalidArgument));
static_assert(SOCLE_E_NOT_FOUND == static_cast<int32_t>(socle::ErrorCode::kNotFound));
static_assert(SOCLE_E_ALREADY_EXISTS == static_cast<int32_t>(socle::ErrorCode::kAlreadyExists));
static_assert(SOCLE_E_PERMISSION_DENIED ==
              static_cast<int32_t>(socle::ErrorCode::kPermissionDenied));
static_assert(SOCLE_E_FAILED_PRECONDITION ==
              static_cast<int32_t>(socle::ErrorCode::kFailedPrecondition));
static_assert(SOCLE_E_OUT_OF_RANGE == static_cast<int32_t>(socle::ErrorCode::kOutOfRange));
static_assert(SOCLE_E_RESOURCE_EXHAUSTED ==
              static_cast<int32_t>(socle::ErrorCode::kResourceExhausted));
static_assert(SOCLE_E_INTERNAL == static_cast<int32_t>(socle::ErrorCode::kInternal));
static_assert(SOCLE_E_NO_MEMORY == static_cast<int32_t>(socle::ErrorCode::kNoMemory));
static_assert(SOCLE_E_IO == static_cast<int32_t>(socle::ErrorCode::kIo));
static_assert(SOCLE_E_PARSE == static_cast<int32_t>(socle::ErrorCode::kParse));
static_assert(SOCLE_E_POLICY_INVALID == static_cast<int32_t>(socle::ErrorCode::kPolicyInvalid));
static_assert(SOCLE_E_VERIFICATION_FAILED ==
              static_cast<int32_t>(socle::ErrorCode::kVerificationFailed));
static_assert(SOCLE_E_UNSUPPORTED == static_cast<int32_t>(socle::ErrorCode::kUnsupported));
static_assert(SOCLE_E_DATA_LOSS == static_cast<int32_t>(socle::ErrorCode::kDataLoss));

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
  return Fail(error, static_cast<int32_t>(ErrorCodeOf(status)),
              std::string(status.message()), std::move(diagnostics));
}

int32_t NullArgument(socle_error** error, const char* name) noexcept {
  return Fail(error, SOCLE_E_INVALID_ARGUMENT, std::string(name) + " must not be NULL");
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
  // ErrorCodeName returns views of string literals, so .data() is NUL-terminated.
  return socle::ErrorCodeName(static_cast<socle::ErrorCode>(status)).data();
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
  if (buffer->data != nullptr) {
    // Buffers may hold personal data or keys in later calls: wipe before release.
    explicit_bzero(buffer->data, buffer->size);
    std::free(buffer->data);
  }
  buffer->data = nullptr;
  buffer->size = 0;
}

}  // extern "C"
