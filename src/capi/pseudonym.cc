// The C ABI of pseudonymisation (include/socle/socle.h, "Pseudonymisation"), over the C++ API
// of socle/pseudonym.hpp. Batches are cut into chunks whose views live on the stack, so a batch
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
#include "socle/error.hpp"
#include "socle/socle.h"

struct socle_pseudonym_secrets {
  socle::FixedPseudonymSecrets secrets;
};

struct socle_pseudonymizer_options {
  socle::PseudonymizerOptions options;
  socle_reversal_hook hook = nullptr;
  void* user_data = nullptr;
};

struct socle_pseudonymizer {
  std::unique_ptr<socle::Pseudonymizer> pseudonymizer;
};

struct socle_pseudonym_context {
  explicit socle_pseudonym_context(socle::PseudonymContext c) : context(std::move(c)) {}
  socle::PseudonymContext context;
};

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::NullArgument;

static_assert(SOCLE_PSEUDONYM_BYTES == socle::kPseudonymBytes);
static_assert(SOCLE_PSEUDONYM_TEXT_LEN == socle::kPseudonymTextLength);
static_assert(SOCLE_TOKEN_MAX_TEXT_LEN == socle::kMaxTokenTextLength);
static_assert(SOCLE_PSEUDONYM_MIN_SECRET_BYTES == socle::kMinPseudonymSecretBytes);
static_assert(SOCLE_PSEUDONYM_MAX_SECRET_BYTES == socle::kMaxPseudonymSecretBytes);
static_assert(SOCLE_PSEUDONYM_MAX_VERSION == socle::kMaxPseudonymVersion);
static_assert(SOCLE_PSEUDONYM_KIND_PERSON == static_cast<int32_t>(socle::PseudonymKind::kPerson));
static_assert(SOCLE_PSEUDONYM_KIND_RELATIONSHIP ==
              static_cast<int32_t>(socle::PseudonymKind::kRelationship));
static_assert(SOCLE_PSEUDONYM_KIND_TRANSACTION ==
              static_cast<int32_t>(socle::PseudonymKind::kTransaction));

// Batches are converted chunk by chunk, with the views on the stack.
constexpr size_t kChunk = 128;

absl::string_view View(const char* data, size_t len) {
  return len == 0 ? absl::string_view() : absl::string_view(data, len);
}

absl::string_view View(const uint8_t* data, size_t len) {
  return View(reinterpret_cast<const char*>(data), len);
}

int32_t BadFormat(socle_error** error, int32_t format) {
  return Fail(error, SOCLE_E_INVALID_ARGUMENT,
              "format is " + std::to_string(format) +
                  "; use SOCLE_PSEUDONYM_FORMAT_TEXT (1) or SOCLE_PSEUDONYM_FORMAT_BINARY (2)");
}

// The C hook seen as a C++ hook. Vendor code cannot throw through a C function pointer, so
// only its return value needs care.
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
    const int32_t rc = hook(user_data, &event);
    if (rc == SOCLE_OK) return absl::OkStatus();
    const auto code = rc > 0 && rc <= SOCLE_E_DATA_LOSS ? static_cast<socle::ErrorCode>(rc)
                                                        : socle::ErrorCode::kInternal;
    return socle::MakeError(code, "the reversal hook did not record the event");
  };
}

// Builds a pseudonymizer over any secret source (in-memory secrets or a vault).
int32_t NewPseudonymizer(socle_pseudonymizer** out, const socle_policy* policy,
                         const socle::PseudonymSecretSource& secrets,
                         const socle_pseudonymizer_options* options, socle_error** error) {
  if (out == nullptr) return NullArgument(error, "out");
  *out = nullptr;
  if (policy == nullptr) return NullArgument(error, "policy");
  socle::PseudonymizerOptions opts;
  if (options != nullptr) {
    opts = options->options;
    opts.reversal.hook = WrapHook(options->hook, options->user_data);
  }
  auto p = socle::Pseudonymizer::Create(policy->policy, secrets, std::move(opts));
  if (!p.ok()) return FromStatus(error, p.status());
  *out = new socle_pseudonymizer{*std::move(p)};
  return SOCLE_OK;
}

}  // namespace

extern "C" {

int32_t socle_pseudonym_secrets_new(socle_pseudonym_secrets** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = new socle_pseudonym_secrets();
    return SOCLE_OK;
  });
}

int32_t socle_pseudonym_secrets_add(socle_pseudonym_secrets* secrets, uint32_t version,
                                    const uint8_t* secret, size_t secret_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (secrets == nullptr) return NullArgument(error, "secrets");
    if (secret == nullptr && secret_len != 0) return NullArgument(error, "secret");
    return FromStatus(
        error,
        secrets->secrets.Add(version, secret_len == 0 ? socle::SecretBytes()
                                                      : socle::SecretBytes(secret, secret_len)));
  });
}

void socle_pseudonym_secrets_free(socle_pseudonym_secrets* secrets) { delete secrets; }

int32_t socle_pseudonymizer_options_new(socle_pseudonymizer_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = new socle_pseudonymizer_options();
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
    options->hook = hook;
    options->user_data = user_data;
    return SOCLE_OK;
  });
}

int32_t socle_pseudonymizer_create(const socle_policy* policy,
                                   const socle_pseudonym_secrets* secrets,
                                   const socle_pseudonymizer_options* options,
                                   socle_pseudonymizer** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (secrets == nullptr) {
      if (out != nullptr) *out = nullptr;
      return NullArgument(error, "secrets");
    }
    return NewPseudonymizer(out, policy, secrets->secrets, options, error);
  });
}

int32_t socle_pseudonymizer_create_from_vault(const socle_policy* policy, const socle_vault* vault,
                                              const socle_pseudonymizer_options* options,
                                              socle_pseudonymizer** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) {
      if (out != nullptr) *out = nullptr;
      return NullArgument(error, "vault");
    }
    return NewPseudonymizer(out, policy, *vault->vault, options, error);
  });
}

void socle_pseudonymizer_free(socle_pseudonymizer* pseudonymizer) { delete pseudonymizer; }

uint32_t socle_pseudonymizer_current_version(const socle_pseudonymizer* pseudonymizer) {
  return pseudonymizer != nullptr ? pseudonymizer->pseudonymizer->current_version() : 0;
}

int32_t socle_pseudonymizer_domain_kind(const socle_pseudonymizer* pseudonymizer,
                                        const char* domain, size_t domain_len) {
  if (pseudonymizer == nullptr || (domain == nullptr && domain_len != 0)) return 0;
  const auto kind = pseudonymizer->pseudonymizer->domain_kind(View(domain, domain_len));
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
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (pseudonymizer == nullptr) return NullArgument(error, "pseudonymizer");
    if (domain == nullptr && domain_len != 0) return NullArgument(error, "domain");
    if (relationship == nullptr && relationship_len != 0) {
      return NullArgument(error, "relationship");
    }
    auto context = pseudonymizer->pseudonymizer->NewContext(
        View(domain, domain_len), View(relationship, relationship_len), version);
    if (!context.ok()) return FromStatus(error, context.status());
    *out = new socle_pseudonym_context(*std::move(context));
    return SOCLE_OK;
  });
}

void socle_pseudonym_context_free(socle_pseudonym_context* context) { delete context; }

int32_t socle_pseudonym_context_compute(const socle_pseudonym_context* context, const uint8_t* id,
                                        size_t id_len, int32_t format, uint8_t* out,
                                        size_t out_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (context == nullptr) return NullArgument(error, "context");
    if (id == nullptr && id_len != 0) return NullArgument(error, "id");
    if (out == nullptr) return NullArgument(error, "out");
    const absl::string_view identifier = View(id, id_len);
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
    std::array<absl::string_view, kChunk> views;
    size_t offset = 0;
    for (size_t start = 0; start < count; start += kChunk) {
      const size_t n = count - start < kChunk ? count - start : kChunk;
      for (size_t i = 0; i < n; ++i) {
        const size_t len = id_lens[start + i];
        if (len == 0) {
          return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                      "identifier " + std::to_string(start + i) +
                          " is empty: there is no pseudonym of nothing");
        }
        // The lengths come from the caller: their sum must not wrap around (compared before
        // adding; libsocle links only the public API, not src/crypto's CheckedAdd).
        if (len > SIZE_MAX - offset) {
          return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                      "identifier " + std::to_string(start + i) +
                          ": the identifier lengths add up to more than SIZE_MAX");
        }
        views[i] = View(ids + offset, len);
        offset += len;
      }
      const auto chunk = absl::MakeConstSpan(views.data(), n);
      absl::Status status;
      if (format == SOCLE_PSEUDONYM_FORMAT_TEXT) {
        status = context->context.ComputeBatchText(
            chunk, absl::MakeSpan(reinterpret_cast<char*>(out) + start * record, n * record));
      } else {
        status = context->context.ComputeBatchBytes(
            chunk, absl::MakeSpan(out + start * record, n * record));
      }
      if (!status.ok()) return FromStatus(error, status);
    }
    return SOCLE_OK;
  });
}

int32_t socle_pseudonymizer_rotate(const socle_pseudonymizer* pseudonymizer, const char* domain,
                                   size_t domain_len, const char* pseudonyms, size_t count,
                                   char* out, size_t out_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (pseudonymizer == nullptr) return NullArgument(error, "pseudonymizer");
    if (domain == nullptr && domain_len != 0) return NullArgument(error, "domain");
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
    // Parse everything first, so that a bad record leaves `out` untouched.
    std::array<socle::Pseudonym, kChunk> chunk;
    for (size_t start = 0; start < count; start += kChunk) {
      const size_t n = count - start < kChunk ? count - start : kChunk;
      for (size_t i = 0; i < n; ++i) {
        auto p =
            socle::Pseudonym::Parse(absl::string_view(pseudonyms + (start + i) * kRecord, kRecord));
        if (!p.ok()) {
          return Fail(
              error, SOCLE_E_PARSE,
              "record " + std::to_string(start + i) + ": " + std::string(p.status().message()));
        }
      }
    }
    for (size_t start = 0; start < count; start += kChunk) {
      const size_t n = count - start < kChunk ? count - start : kChunk;
      for (size_t i = 0; i < n; ++i) {
        chunk[i] = *socle::Pseudonym::Parse(
            absl::string_view(pseudonyms + (start + i) * kRecord, kRecord));
      }
      const auto span = absl::MakeSpan(chunk.data(), n);
      const absl::Status status =
          pseudonymizer->pseudonymizer->Rotate(View(domain, domain_len), span, span);
      if (!status.ok()) return FromStatus(error, status);
      for (size_t i = 0; i < n; ++i) {
        const absl::Status st =
            chunk[i].ToText(absl::MakeSpan(out + (start + i) * kRecord, kRecord));
        if (!st.ok()) return FromStatus(error, st);
      }
    }
    return SOCLE_OK;
  });
}

int32_t socle_pseudonymizer_create_token(const socle_pseudonymizer* pseudonymizer,
                                         const char* domain, size_t domain_len, const uint8_t* id,
                                         size_t id_len, char* out, size_t out_capacity,
                                         size_t* out_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out_len != nullptr) *out_len = 0;
    if (pseudonymizer == nullptr) return NullArgument(error, "pseudonymizer");
    if (domain == nullptr && domain_len != 0) return NullArgument(error, "domain");
    if (id == nullptr && id_len != 0) return NullArgument(error, "id");
    if (out == nullptr) return NullArgument(error, "out");
    if (out_len == nullptr) return NullArgument(error, "out_len");
    const socle::Pseudonymizer& p = *pseudonymizer->pseudonymizer;
    const auto index = p.FindDomain(View(domain, domain_len));
    if (!index) {
      return Fail(error, SOCLE_E_NOT_FOUND,
                  "the domain is not a pseudonymisation domain of the policy");
    }
    auto n = p.CreateToken(*index, View(id, id_len), absl::MakeSpan(out, out_capacity));
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
    if (pseudonymizer == nullptr) return NullArgument(error, "pseudonymizer");
    if (out == nullptr) return NullArgument(error, "out");
    out->data = nullptr;
    out->size = 0;
    if ((actor == nullptr && actor_len != 0) || (role == nullptr && role_len != 0) ||
        (reason == nullptr && reason_len != 0) || (domain == nullptr && domain_len != 0) ||
        (token == nullptr && token_len != 0)) {
      return NullArgument(error, "a string with a non-zero length");
    }
    socle::ReversalRequest request;
    request.actor = View(actor, actor_len);
    request.role = View(role, role_len);
    request.reason = View(reason, reason_len);
    request.domain = View(domain, domain_len);
    auto identifier = pseudonymizer->pseudonymizer->ReverseToken(request, View(token, token_len));
    if (!identifier.ok()) return FromStatus(error, identifier.status());
    return FillBuffer(out, identifier->view(), error);
  });
}

}  // extern "C"
