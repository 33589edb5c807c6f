// The C ABI of the policy (include/socle/socle.h, "Policy").
#include "socle/policy.hpp"

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "capi/capi_internal.h"
#include "socle/error.hpp"
#include "socle/socle.h"

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;

#define SOCLE_CAPI_POLICY_CONSTANTS(X)                             \
  X(SOCLE_SEVERITY_ERROR, socle::Diagnostic::Severity::kError)     \
  X(SOCLE_SEVERITY_WARNING, socle::Diagnostic::Severity::kWarning) \
  X(SOCLE_POLICY_DIGEST_BYTES, socle::kPolicyDigestBytes)
SOCLE_CAPI_POLICY_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)

std::string SourceName(const char* source_name) {
  return source_name != nullptr ? std::string(source_name) : std::string("policy");
}

// Prefixes a policy failure with the name the caller gave the text.
absl::Status WithSource(const absl::Status& status, const char* source_name) {
  return socle::MakeError(socle::ErrorCodeOf(status),
                          SourceName(source_name) + ": " + std::string(status.message()));
}

socle_policy* NewHandle(socle::Policy policy) {
  std::string id(policy.id());
  std::string revision(policy.revision());
  std::string digest_hex(policy.digest_hex());
  return new socle_policy{std::move(policy), std::move(id), std::move(revision),
                          std::move(digest_hex)};
}

}  // namespace

extern "C" {

int32_t socle_policy_load(const char* text, size_t text_len, const char* source_name,
                          socle_policy** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    absl::string_view t;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, text_len, "text", &t, error));
    std::vector<socle::Diagnostic> diagnostics;
    auto policy = socle::Policy::Load(t, &diagnostics);
    if (!policy.ok()) {
      return FromStatus(error, WithSource(policy.status(), source_name), std::move(diagnostics));
    }
    *out = NewHandle(*std::move(policy));
    return SOCLE_OK;
  });
}

int32_t socle_policy_load_file(const char* path, socle_policy** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (path == nullptr) return NullArgument(error, "path");
    std::vector<socle::Diagnostic> diagnostics;
    auto policy = socle::Policy::LoadFile(path, &diagnostics);
    if (!policy.ok()) return FromStatus(error, policy.status(), std::move(diagnostics));
    *out = NewHandle(*std::move(policy));
    return SOCLE_OK;
  });
}

int32_t socle_policy_validate(const char* text, size_t text_len, const char* source_name,
                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    absl::string_view t;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, text_len, "text", &t, error));
    std::vector<socle::Diagnostic> diagnostics;
    auto policy = socle::Policy::Load(t, &diagnostics);
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

int32_t socle_policy_digest(const socle_policy* policy, uint8_t* out, size_t out_capacity,
                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (policy == nullptr) return NullArgument(error, "policy");
    if (out == nullptr) return NullArgument(error, "out");
    if (out_capacity < SOCLE_POLICY_DIGEST_BYTES) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE,
                  "out_capacity is " + std::to_string(out_capacity) + "; the digest needs " +
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

int32_t socle_policy_render_register(const socle_policy* policy, int32_t format, socle_buffer* out,
                                     socle_error** error) {
  // French is the default language of the register (src/capi/register.cc).
  return socle_policy_render_register_lang(policy, format, SOCLE_REGISTER_LANG_FR, out, error);
}

}  // extern "C"
