// The C ABI: the only place where C++ meets C. Every extern "C" body runs inside Guard(), so no
// exception crosses the boundary; statuses map one to one onto socle::ErrorCode.
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "socle/error.hpp"
#include "socle/init.hpp"
#include "socle/policy.hpp"
#include "socle/socle.h"

struct socle_error {
  int32_t code = SOCLE_E_INTERNAL;
  std::string message;
  std::vector<socle::Diagnostic> diagnostics;
};

struct socle_policy {
  explicit socle_policy(socle::Policy p)
      : policy(std::move(p)),
        id(policy.id()),
        revision(policy.revision()),
        digest_hex(policy.digest_hex()) {}
  socle::Policy policy;
  // NUL-terminated copies for the borrowed-string accessors.
  std::string id;
  std::string revision;
  std::string digest_hex;
};

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
static_assert(SOCLE_REGISTER_MARKDOWN == static_cast<int32_t>(socle::RegisterFormat::kMarkdown));
static_assert(SOCLE_REGISTER_JSON == static_cast<int32_t>(socle::RegisterFormat::kJson));
static_assert(SOCLE_SEVERITY_ERROR == static_cast<int32_t>(socle::Diagnostic::Severity::kError));
static_assert(SOCLE_SEVERITY_WARNING ==
              static_cast<int32_t>(socle::Diagnostic::Severity::kWarning));
static_assert(SOCLE_POLICY_DIGEST_BYTES == socle::kPolicyDigestBytes);

thread_local std::string last_error_message;

// Records a failure: the thread-local message, and an error object if the caller asked for one.
// Never throws: if even that allocation fails, the caller still gets the status code.
int32_t Fail(socle_error** error, int32_t code, std::string message,
             std::vector<socle::Diagnostic> diagnostics = {}) noexcept {
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
                   std::vector<socle::Diagnostic> diagnostics = {}) noexcept {
  if (status.ok()) return SOCLE_OK;
  return Fail(error, static_cast<int32_t>(socle::ErrorCodeOf(status)),
              std::string(status.message()), std::move(diagnostics));
}

int32_t NullArgument(socle_error** error, const char* name) noexcept {
  return Fail(error, SOCLE_E_INVALID_ARGUMENT, std::string(name) + " must not be NULL");
}

// Runs `body` with the error out-parameter reset, turning any exception into a status.
template <typename Body>
int32_t Guard(socle_error** error, Body&& body) noexcept {
  if (error != nullptr) *error = nullptr;
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(error, SOCLE_E_NO_MEMORY, "out of memory");
  } catch (...) {
    return Fail(error, SOCLE_E_INTERNAL, "unexpected internal error");
  }
}

// Copies `bytes` into a buffer the caller releases with socle_buffer_free.
int32_t FillBuffer(socle_buffer* out, const std::string& bytes, socle_error** error) {
  auto* data = static_cast<uint8_t*>(std::malloc(bytes.size() + 1));
  if (data == nullptr) return Fail(error, SOCLE_E_NO_MEMORY, "out of memory");
  std::memcpy(data, bytes.data(), bytes.size());
  data[bytes.size()] = 0;
  out->data = data;
  out->size = bytes.size();
  return SOCLE_OK;
}

std::string SourceName(const char* source_name) {
  return source_name != nullptr ? std::string(source_name) : std::string("policy");
}

// Prefixes a policy failure with the name the caller gave the text.
absl::Status WithSource(const absl::Status& status, const char* source_name) {
  return socle::MakeError(socle::ErrorCodeOf(status),
                          SourceName(source_name) + ": " + std::string(status.message()));
}

const socle::Diagnostic* DiagnosticAt(const socle_error* error, size_t index) {
  if (error == nullptr || index >= error->diagnostics.size()) return nullptr;
  return &error->diagnostics[index];
}

}  // namespace

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

int32_t socle_policy_load(socle_policy** out, const char* text, size_t text_len,
                          const char* source_name, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (text == nullptr && text_len != 0) return NullArgument(error, "text");
    std::vector<socle::Diagnostic> diagnostics;
    auto policy = socle::Policy::Load(absl::string_view(text, text_len), &diagnostics);
    if (!policy.ok()) {
      return FromStatus(error, WithSource(policy.status(), source_name), std::move(diagnostics));
    }
    *out = new socle_policy(*std::move(policy));
    return SOCLE_OK;
  });
}

int32_t socle_policy_load_file(socle_policy** out, const char* path, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (path == nullptr) return NullArgument(error, "path");
    std::vector<socle::Diagnostic> diagnostics;
    auto policy = socle::Policy::LoadFile(path, &diagnostics);
    if (!policy.ok()) return FromStatus(error, policy.status(), std::move(diagnostics));
    *out = new socle_policy(*std::move(policy));
    return SOCLE_OK;
  });
}

int32_t socle_policy_validate(const char* text, size_t text_len, const char* source_name,
                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (text == nullptr && text_len != 0) return NullArgument(error, "text");
    std::vector<socle::Diagnostic> diagnostics;
    auto policy = socle::Policy::Load(absl::string_view(text, text_len), &diagnostics);
    if (!policy.ok()) {
      return FromStatus(error, WithSource(policy.status(), source_name), std::move(diagnostics));
    }
    if (error != nullptr && !diagnostics.empty()) {
      *error = new socle_error{SOCLE_OK,
                               SourceName(source_name) + ": valid, with " +
                                   std::to_string(diagnostics.size()) +
                                   (diagnostics.size() == 1 ? " warning" : " warnings"),
                               std::move(diagnostics)};
    }
    return SOCLE_OK;
  });
}

void socle_policy_free(socle_policy* policy) { delete policy; }

const char* socle_policy_id(const socle_policy* policy) {
  return policy != nullptr ? policy->id.c_str() : "";
}

const char* socle_policy_revision(const socle_policy* policy) {
  return policy != nullptr ? policy->revision.c_str() : "";
}

int32_t socle_policy_digest(const socle_policy* policy, uint8_t* out, size_t out_len,
                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (policy == nullptr) return NullArgument(error, "policy");
    if (out == nullptr) return NullArgument(error, "out");
    if (out_len < SOCLE_POLICY_DIGEST_BYTES) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE,
                  "out_len is " + std::to_string(out_len) + "; the digest needs " +
                      std::to_string(SOCLE_POLICY_DIGEST_BYTES) + " bytes");
    }
    std::memcpy(out, policy->policy.digest().data(), SOCLE_POLICY_DIGEST_BYTES);
    return SOCLE_OK;
  });
}

const char* socle_policy_digest_hex(const socle_policy* policy) {
  return policy != nullptr ? policy->digest_hex.c_str() : "";
}

size_t socle_policy_activity_count(const socle_policy* policy) {
  return policy != nullptr ? policy->policy.activity_count() : 0;
}

size_t socle_policy_role_count(const socle_policy* policy) {
  return policy != nullptr ? policy->policy.role_count() : 0;
}

size_t socle_policy_data_category_count(const socle_policy* policy) {
  return policy != nullptr ? policy->policy.data_category_count() : 0;
}

int32_t socle_policy_render_register(const socle_policy* policy, int32_t format,
                                     socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (policy == nullptr) return NullArgument(error, "policy");
    if (out == nullptr) return NullArgument(error, "out");
    out->data = nullptr;
    out->size = 0;
    if (format != SOCLE_REGISTER_MARKDOWN && format != SOCLE_REGISTER_JSON) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "format is " + std::to_string(format) +
                      "; use SOCLE_REGISTER_MARKDOWN (1) or SOCLE_REGISTER_JSON (2)");
    }
    auto text = policy->policy.RenderRegister(static_cast<socle::RegisterFormat>(format));
    if (!text.ok()) return FromStatus(error, text.status());
    return FillBuffer(out, *text, error);
  });
}

}  // extern "C"
