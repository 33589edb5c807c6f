// The C ABI of pseudonymisation (include/socle/socle.h, "Pseudonymisation"), over the C++ API
// of socle/pseudonym.hpp. Batches are cut into slices whose views live on the stack, so a batch
// call allocates nothing.
#include "socle/pseudonym.hpp"

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "capi/capi_internal.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/socle.h"

struct socle_pseudonym_secrets {
  socle::FixedPseudonymSecrets secrets;
};

struct socle_pseudonymizer_options {
  socle::PseudonymizerOptions options;  // the C hook, if any, is already wrapped in it
};

struct socle_pseudonymizer {
  std::unique_ptr<socle::Pseudonymizer> pseudonymizer;
};

struct socle_pseudonym_context {
  socle::PseudonymContext context;
};

namespace {

using socle::capi::CallVendor;
using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::ForEachSlice;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputView;
using socle::capi::kBatchSlice;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;

#define SOCLE_CAPI_PSEUDONYM_CONSTANTS(X)                                   \
  X(SOCLE_PSEUDONYM_BYTES, socle::kPseudonymBytes)                          \
  X(SOCLE_PSEUDONYM_TEXT_LEN, socle::kPseudonymTextLength)                  \
  X(SOCLE_TOKEN_MAX_TEXT_LEN, socle::kMaxTokenTextLength)                   \
  X(SOCLE_PSEUDONYM_MIN_SECRET_BYTES, socle::kMinPseudonymSecretBytes)      \
  X(SOCLE_PSEUDONYM_MAX_SECRET_BYTES, socle::kMaxPseudonymSecretBytes)      \
  X(SOCLE_PSEUDONYM_MAX_VERSION, socle::kMaxPseudonymVersion)               \
  X(SOCLE_PSEUDONYM_KIND_PERSON, socle::PseudonymKind::kPerson)             \
  X(SOCLE_PSEUDONYM_KIND_RELATIONSHIP, socle::PseudonymKind::kRelationship) \
  X(SOCLE_PSEUDONYM_KIND_TRANSACTION, socle::PseudonymKind::kTransaction)
SOCLE_CAPI_PSEUDONYM_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)

int32_t BadFormat(socle_error** error, int32_t format) {
  return Fail(error, SOCLE_E_INVALID_ARGUMENT,
              "format is " + std::to_string(format) +
                  "; use SOCLE_PSEUDONYM_FORMAT_TEXT (1) or SOCLE_PSEUDONYM_FORMAT_BINARY (2)");
}

// The C hook seen as a C++ hook, called through CallVendor like every callback.
socle::ReversalHook WrapHook(socle_reversal_hook hook, void* user_data) {
  if (hook == nullptr) return nullptr;
  return [hook, user_data](const socle::ReversalEvent& e) -> absl::Status {
    socle_reversal_event event;
    event.version = SOCLE_REVERSAL_EVENT_VERSION;
    event.actor = e.actor.data();
    event.actor_len = e.actor.size();
    event.role = e.role.data();
    event.role_len = e.role.size();
    event.reason = e.reason.data();
    event.reason_len = e.reason.size();
    event.domain = e.domain.data();
    event.domain_len = e.domain.size();
    event.token_version = e.token_version;
    event.outcome = static_cast<int32_t>(e.outcome);
    event.time_unix_micros = absl::ToUnixMicros(e.time);
    return CallVendor("pseudonymizer: the reversal hook", [&] { return hook(user_data, &event); });
  };
}

// Builds a pseudonymizer over any secret source (in-memory secrets or a vault).
int32_t NewPseudonymizer(socle_pseudonymizer** out, const socle_policy* policy,
                         const socle::PseudonymSecretSource& secrets,
                         const socle_pseudonymizer_options* options, socle_error** error) {
  if (policy == nullptr) return NullArgument(error, "policy");
  auto p = socle::Pseudonymizer::Create(
      policy->policy, secrets,
      options != nullptr ? options->options : socle::PseudonymizerOptions{});
  if (!p.ok()) return FromStatus(error, p.status());
  *out = new socle_pseudonymizer{*std::move(p)};
  return SOCLE_OK;
}

}  // namespace

extern "C" {

int32_t socle_pseudonym_secrets_new(socle_pseudonym_secrets** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_pseudonym_secrets{};
    return SOCLE_OK;
  });
}

int32_t socle_pseudonym_secrets_add(socle_pseudonym_secrets* secrets, uint32_t version,
                                    const uint8_t* secret, size_t secret_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (secrets == nullptr) return NullArgument(error, "secrets");
    absl::string_view bytes;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(secret, secret_len, "secret", &bytes, error));
    return FromStatus(error, secrets->secrets.Add(version, socle::SecretBytes(bytes)));
  });
}

void socle_pseudonym_secrets_free(socle_pseudonym_secrets* secrets) { delete secrets; }

int32_t socle_pseudonymizer_options_new(socle_pseudonymizer_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_pseudonymizer_options{};
    return SOCLE_OK;
  });
}

void socle_pseudonymizer_options_free(socle_pseudonymizer_options* options) { delete options; }

int32_t socle_pseudonymizer_options_set_base_version(socle_pseudonymizer_options* options,
                                                     uint32_t version, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    if (version < 1 || version > SOCLE_PSEUDONYM_MAX_VERSION) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE, "base version must be 1 to 9999");
    }
    options->options.base_version = version;
    return SOCLE_OK;
  });
}

int32_t socle_pseudonymizer_options_set_retired_through(socle_pseudonymizer_options* options,
                                                        uint32_t version, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    options->options.retired_through = version;
    return SOCLE_OK;
  });
}

int32_t socle_pseudonymizer_options_set_reversal_rate_limit(socle_pseudonymizer_options* options,
                                                            uint32_t capacity,
                                                            int64_t window_seconds,
                                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    if (capacity == 0 || window_seconds <= 0) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "reversal rate limit: capacity and window must be positive");
    }
    options->options.reversal.capacity = capacity;
    options->options.reversal.window = absl::Seconds(window_seconds);
    return SOCLE_OK;
  });
}

int32_t socle_pseudonymizer_options_add_reason_code(socle_pseudonymizer_options* options,
                                                    const char* code, size_t code_len,
                                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    if (code == nullptr || code_len == 0) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "a reason code must not be empty");
    }
    options->options.reversal.reason_codes.emplace_back(code, code_len);
    return SOCLE_OK;
  });
}

int32_t socle_pseudonymizer_options_set_reversal_hook(socle_pseudonymizer_options* options,
                                                      socle_reversal_hook hook, void* user_data,
                                                      socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    options->options.reversal.hook = WrapHook(hook, user_data);
    return SOCLE_OK;
  });
}

int32_t socle_pseudonymizer_create(const socle_policy* policy,
                                   const socle_pseudonym_secrets* secrets,
                                   const socle_pseudonymizer_options* options,
                                   socle_pseudonymizer** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (secrets == nullptr) return NullArgument(error, "secrets");
    return NewPseudonymizer(out, policy, secrets->secrets, options, error);
  });
}

int32_t socle_pseudonymizer_create_from_vault(const socle_policy* policy, const socle_vault* vault,
                                              const socle_pseudonymizer_options* options,
                                              socle_pseudonymizer** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (vault == nullptr) return NullArgument(error, "vault");
    return NewPseudonymizer(out, policy, *vault->vault, options, error);
  });
}

void socle_pseudonymizer_free(socle_pseudonymizer* pseudonymizer) { delete pseudonymizer; }

uint32_t socle_pseudonymizer_current_version(const socle_pseudonymizer* pseudonymizer) {
  return pseudonymizer != nullptr ? pseudonymizer->pseudonymizer->current_version() : 0;
}

int32_t socle_pseudonymizer_domain_kind(const socle_pseudonymizer* pseudonymizer,
                                        const char* domain, size_t domain_len) {
  absl::string_view d;
  if (pseudonymizer == nullptr ||
      InputView(domain, domain_len, "domain", &d, nullptr) != SOCLE_OK) {
    return 0;
  }
  const auto kind = pseudonymizer->pseudonymizer->domain_kind(d);
  return kind ? static_cast<int32_t>(*kind) : 0;
}

int32_t socle_pseudonymizer_retire(socle_pseudonymizer* pseudonymizer, uint32_t version,
                                   socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (pseudonymizer == nullptr) return NullArgument(error, "pseudonymizer");
    return FromStatus(error, pseudonymizer->pseudonymizer->Retire(version));
  });
}

int32_t socle_pseudonymizer_new_context(const socle_pseudonymizer* pseudonymizer,
                                        const char* domain, size_t domain_len,
                                        const char* relationship, size_t relationship_len,
                                        uint32_t version, socle_pseudonym_context** out,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (pseudonymizer == nullptr) return NullArgument(error, "pseudonymizer");
    absl::string_view d, r;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(domain, domain_len, "domain", &d, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(relationship, relationship_len, "relationship", &r, error));
    auto context = pseudonymizer->pseudonymizer->NewContext(d, r, version);
    if (!context.ok()) return FromStatus(error, context.status());
    *out = new socle_pseudonym_context{*std::move(context)};
    return SOCLE_OK;
  });
}

void socle_pseudonym_context_free(socle_pseudonym_context* context) { delete context; }

int32_t socle_pseudonym_context_compute(const socle_pseudonym_context* context, const uint8_t* id,
                                        size_t id_len, int32_t format, uint8_t* out,
                                        size_t out_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (context == nullptr) return NullArgument(error, "context");
    absl::string_view identifier;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(id, id_len, "id", &identifier, error));
    if (out == nullptr) return NullArgument(error, "out");
    if (format == SOCLE_PSEUDONYM_FORMAT_BINARY) {
      return FromStatus(
          error, context->context.ComputeBytes(identifier, absl::MakeSpan(out, out_capacity)));
    }
    if (format != SOCLE_PSEUDONYM_FORMAT_TEXT) return BadFormat(error, format);
    auto p = context->context.Compute(identifier);
    if (!p.ok()) return FromStatus(error, p.status());
    return FromStatus(error, p->ToText(absl::MakeSpan(reinterpret_cast<char*>(out), out_capacity)));
  });
}

int32_t socle_pseudonym_context_compute_batch(const socle_pseudonym_context* context,
                                              const uint8_t* ids, const size_t* id_lens,
                                              size_t count, int32_t format, uint8_t* out,
                                              size_t out_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (context == nullptr) return NullArgument(error, "context");
    if (count == 0) return SOCLE_OK;
    if (ids == nullptr) return NullArgument(error, "ids");
    if (id_lens == nullptr) return NullArgument(error, "id_lens");
    if (out == nullptr) return NullArgument(error, "out");
    size_t record = 0;
    if (format == SOCLE_PSEUDONYM_FORMAT_TEXT) {
      record = SOCLE_PSEUDONYM_TEXT_LEN;
    } else if (format == SOCLE_PSEUDONYM_FORMAT_BINARY) {
      record = SOCLE_PSEUDONYM_BYTES;
    } else {
      return BadFormat(error, format);
    }
    if (count > SIZE_MAX / record) {  // checked before the product below
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  std::to_string(count) + " identifiers cannot fit in any output");
    }
    if (out_capacity != count * record) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  std::to_string(count) + " identifiers need an output of exactly " +
                      std::to_string(count * record) + " bytes, not " +
                      std::to_string(out_capacity));
    }
    std::array<absl::string_view, kBatchSlice> views;
    size_t offset = 0;
    return FromStatus(
        error, ForEachSlice(count, [&](size_t base, size_t n) -> absl::Status {
          for (size_t i = 0; i < n; ++i) {
            const size_t len = id_lens[base + i];
            if (len == 0) {
              return socle::MakeError(socle::ErrorCode::kInvalidArgument,
                                      "identifier " + std::to_string(base + i) +
                                          " is empty: there is no pseudonym of nothing");
            }
            // The lengths come from the caller: their sum must not wrap around (compared before
            // adding; libsocle links only the public API, not src/crypto's CheckedAdd).
            if (len > SIZE_MAX - offset || len > absl::string_view().max_size()) {
              return socle::MakeError(socle::ErrorCode::kInvalidArgument,
                                      "identifier " + std::to_string(base + i) +
                                          ": the identifier lengths add up to more than SIZE_MAX");
            }
            views[i] = absl::string_view(reinterpret_cast<const char*>(ids) + offset, len);
            offset += len;
          }
          const auto slice = absl::MakeConstSpan(views.data(), n);
          if (format == SOCLE_PSEUDONYM_FORMAT_TEXT) {
            return context->context.ComputeBatchText(
                slice, absl::MakeSpan(reinterpret_cast<char*>(out) + base * record, n * record));
          }
          return context->context.ComputeBatchBytes(
              slice, absl::MakeSpan(out + base * record, n * record));
        }));
  });
}

int32_t socle_pseudonymizer_rotate(const socle_pseudonymizer* pseudonymizer, const char* domain,
                                   size_t domain_len, const char* pseudonyms, size_t count,
                                   char* out, size_t out_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (pseudonymizer == nullptr) return NullArgument(error, "pseudonymizer");
    absl::string_view d;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(domain, domain_len, "domain", &d, error));
    if (count == 0) return SOCLE_OK;
    if (pseudonyms == nullptr) return NullArgument(error, "pseudonyms");
    if (out == nullptr) return NullArgument(error, "out");
    constexpr size_t kRecord = SOCLE_PSEUDONYM_TEXT_LEN;
    if (count > SIZE_MAX / kRecord) {  // checked before the product below
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  std::to_string(count) + " pseudonyms cannot fit in any output");
    }
    if (out_capacity != count * kRecord) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  std::to_string(count) + " pseudonyms need an output of exactly " +
                      std::to_string(count * kRecord) + " characters, not " +
                      std::to_string(out_capacity));
    }
    const auto record = [&](size_t i) {
      return absl::string_view(pseudonyms + i * kRecord, kRecord);
    };
    // Parse everything first, so that a bad record leaves `out` untouched.
    for (size_t i = 0; i < count; ++i) {
      auto p = socle::Pseudonym::Parse(record(i));
      if (!p.ok()) {
        return Fail(error, SOCLE_E_PARSE,
                    "record " + std::to_string(i) + ": " + std::string(p.status().message()));
      }
    }
    std::array<socle::Pseudonym, kBatchSlice> slice;
    return FromStatus(error, ForEachSlice(count, [&](size_t base, size_t n) -> absl::Status {
                        for (size_t i = 0; i < n; ++i)
                          slice[i] = *socle::Pseudonym::Parse(record(base + i));
                        const auto span = absl::MakeSpan(slice.data(), n);
                        SOCLE_RETURN_IF_ERROR(pseudonymizer->pseudonymizer->Rotate(d, span, span));
                        for (size_t i = 0; i < n; ++i) {
                          SOCLE_RETURN_IF_ERROR(
                              slice[i].ToText(absl::MakeSpan(out + (base + i) * kRecord, kRecord)));
                        }
                        return absl::OkStatus();
                      }));
  });
}

int32_t socle_pseudonymizer_create_token(const socle_pseudonymizer* pseudonymizer,
                                         const char* domain, size_t domain_len, const uint8_t* id,
                                         size_t id_len, char* out, size_t out_capacity,
                                         size_t* out_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out_len != nullptr) *out_len = 0;
    if (pseudonymizer == nullptr) return NullArgument(error, "pseudonymizer");
    absl::string_view d, identifier;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(domain, domain_len, "domain", &d, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(id, id_len, "id", &identifier, error));
    if (out == nullptr) return NullArgument(error, "out");
    if (out_len == nullptr) return NullArgument(error, "out_len");
    const socle::Pseudonymizer& p = *pseudonymizer->pseudonymizer;
    const auto index = p.FindDomain(d);
    if (!index) {
      return Fail(error, SOCLE_E_NOT_FOUND,
                  "the domain is not a pseudonymisation domain of the policy");
    }
    auto n = p.CreateToken(*index, identifier, absl::MakeSpan(out, out_capacity));
    if (!n.ok()) return FromStatus(error, n.status());
    *out_len = *n;
    return SOCLE_OK;
  });
}

int32_t socle_pseudonymizer_reverse_token(const socle_pseudonymizer* pseudonymizer,
                                          const char* actor, size_t actor_len, const char* role,
                                          size_t role_len, const char* reason, size_t reason_len,
                                          const char* domain, size_t domain_len, const char* token,
                                          size_t token_len, socle_buffer* out,
                                          socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (pseudonymizer == nullptr) return NullArgument(error, "pseudonymizer");
    if (out == nullptr) return NullArgument(error, "out");
    socle::ReversalRequest request;
    absl::string_view t;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(actor, actor_len, "actor", &request.actor, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(role, role_len, "role", &request.role, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(reason, reason_len, "reason", &request.reason, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(domain, domain_len, "domain", &request.domain, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(token, token_len, "token", &t, error));
    auto identifier = pseudonymizer->pseudonymizer->ReverseToken(request, t);
    if (!identifier.ok()) return FromStatus(error, identifier.status());
    return FillBuffer(out, identifier->view(), error);
  });
}

}  // extern "C"
