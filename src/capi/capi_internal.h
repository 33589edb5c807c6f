// Shared helpers of the C ABI implementation (one .cc per area: capi.cc for errors, buffers and
// versions; policy.cc; later vault.cc, pseudonym.cc…). Every extern "C" body runs inside
// Guard(), so no exception crosses the boundary; statuses map one to one onto socle::ErrorCode.
#ifndef SOCLE_SRC_CAPI_CAPI_INTERNAL_H_
#define SOCLE_SRC_CAPI_CAPI_INTERNAL_H_

#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "socle/policy.hpp"
#include "socle/vault.hpp"
#include "socle/socle.h"

struct socle_error {
  int32_t code = SOCLE_E_INTERNAL;
  std::string message;
  std::vector<socle::Diagnostic> diagnostics;
};

// A loaded policy (socle_policy_load); shared by every area that takes a policy handle.
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

// An open vault (socle_vault_open); the pseudonymizer may take it as its secret source.
struct socle_vault {
  std::unique_ptr<socle::Vault> vault;
};

namespace socle::capi {

// Records a failure: the thread-local last message, and an error object if the caller asked
// for one. Never throws: if even that allocation fails, the caller still gets the status code.
int32_t Fail(socle_error** error, int32_t code, std::string message,
             std::vector<Diagnostic> diagnostics = {}) noexcept;

// SOCLE_OK for an OK status; otherwise Fail with the status's socle code and message.
int32_t FromStatus(socle_error** error, const absl::Status& status,
                   std::vector<Diagnostic> diagnostics = {}) noexcept;

// SOCLE_E_INVALID_ARGUMENT naming the NULL parameter.
int32_t NullArgument(socle_error** error, const char* name) noexcept;

// Copies `bytes` into `out`, which the caller releases with socle_buffer_free.
int32_t FillBuffer(socle_buffer* out, absl::string_view bytes, socle_error** error);

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

}  // namespace socle::capi

#endif  // SOCLE_SRC_CAPI_CAPI_INTERNAL_H_
