// The C ABI of the vault (include/socle/socle.h, "Vault"), and the key provider over the
// vendor's callbacks: it lives here, where C++ meets C, because it is the C ABI's own adapter
// (C++ users implement socle::KeyProvider directly).
#include "socle/vault.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "capi/capi_internal.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/secret_bytes.hpp"
#include "socle/socle.h"

// ---- The callback provider (an HSM or a KMS behind the vendor's C callbacks). ----
namespace socle::capi {
namespace {

constexpr size_t kMaxKeyIdBytes = 256;
// Room given to unwrap: more than a key, so a callback that writes too much is caught by the
// length check instead of overrunning.
constexpr size_t kUnwrapCapacity = 64;

absl::Status VerificationFailed() {
  return MakeError(ErrorCode::kVerificationFailed, "verification failed");
}

// Runs one vendor callback: errno is the caller's again afterwards, exceptions stop here, and
// the callback's status becomes a socle status with a message that names only the callback.
template <typename Call>
absl::Status CallVendor(const char* name, Call&& call) {
  const int saved_errno = errno;
  int32_t rc = SOCLE_E_INTERNAL;
  bool threw = false;
  try {
    rc = call();
  } catch (...) {
    threw = true;
  }
  errno = saved_errno;
  const std::string callback = std::string("key provider: the ") + name + " callback ";
  if (threw) return MakeError(ErrorCode::kInternal, callback + "threw an exception");
  if (rc == SOCLE_OK) return absl::OkStatus();
  if (rc == SOCLE_E_VERIFICATION_FAILED) return VerificationFailed();
  if (rc > SOCLE_OK && rc <= SOCLE_E_DATA_LOSS) {
    const auto code = static_cast<ErrorCode>(rc);
    return MakeError(code, callback + "failed (" + std::string(ErrorCodeName(code)) + ")");
  }
  return MakeError(ErrorCode::kInternal,
                   callback + "returned an unknown status " + std::to_string(rc));
}

class CallbackProvider final : public KeyProvider {
 public:
  CallbackProvider(const socle_key_provider_callbacks& callbacks, std::string key_id)
      : callbacks_(callbacks), key_id_(std::move(key_id)) {
    callbacks_.key_id = nullptr;  // ours is key_id_; the caller's string may go away
  }

  ~CallbackProvider() override {
    if (callbacks_.destroy == nullptr) return;
    CallVendor("destroy", [&] {
      callbacks_.destroy(callbacks_.user_data);
      return SOCLE_OK;
    }).IgnoreError();
  }

  std::string KeyId() const override { return key_id_; }

  absl::StatusOr<uint32_t> CurrentVersion() const override {
    uint32_t version = 0;
    SOCLE_RETURN_IF_ERROR(CallVendor("current_version", [&] {
      return callbacks_.current_version(callbacks_.user_data, &version);
    }));
    if (version == 0) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "key provider: the current_version callback gave version 0 (versions "
                       "start at 1)");
    }
    return version;
  }

  absl::StatusOr<std::vector<uint8_t>> Wrap(
      uint32_t version, const SecretBytes& key,
      absl::Span<const uint8_t> associated_data) const override {
    std::vector<uint8_t> out(SOCLE_WRAPPED_KEY_MAX_BYTES);
    size_t out_len = 0;
    SOCLE_RETURN_IF_ERROR(CallVendor("wrap", [&] {
      return callbacks_.wrap(callbacks_.user_data, version, key.data(), key.size(),
                             associated_data.data(), associated_data.size(), out.data(), out.size(),
                             &out_len);
    }));
    if (out_len == 0 || out_len > out.size()) {
      return MakeError(ErrorCode::kInternal,
                       "key provider: the wrap callback gave an output length of " +
                           std::to_string(out_len) + " bytes (1 to 4096 expected)");
    }
    out.resize(out_len);
    return out;
  }

  absl::StatusOr<SecretBytes> Unwrap(uint32_t version, absl::Span<const uint8_t> wrapped,
                                     absl::Span<const uint8_t> associated_data) const override {
    SecretBytes out(kUnwrapCapacity);
    size_t out_len = 0;
    SOCLE_RETURN_IF_ERROR(CallVendor("unwrap", [&] {
      return callbacks_.unwrap(callbacks_.user_data, version, wrapped.data(), wrapped.size(),
                               associated_data.data(), associated_data.size(), out.data(),
                               out.size(), &out_len);
    }));
    if (out_len != kVaultKeyBytes) return VerificationFailed();
    return SecretBytes(out.data(), out_len);  // `out` is wiped as it goes
  }

  absl::StatusOr<uint32_t> Rotate() override {
    if (callbacks_.rotate == nullptr) {
      return MakeError(ErrorCode::kUnsupported, "key provider: no rotate callback");
    }
    uint32_t version = 0;
    SOCLE_RETURN_IF_ERROR(
        CallVendor("rotate", [&] { return callbacks_.rotate(callbacks_.user_data, &version); }));
    if (version == 0) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "key provider: the rotate callback gave version 0");
    }
    return version;
  }

  absl::Status RetireVersionsBefore(uint32_t version) override {
    if (callbacks_.retire_before == nullptr) {
      return MakeError(ErrorCode::kUnsupported, "key provider: no retire_before callback");
    }
    return CallVendor("retire_before",
                      [&] { return callbacks_.retire_before(callbacks_.user_data, version); });
  }

 private:
  socle_key_provider_callbacks callbacks_;
  const std::string key_id_;
};

}  // namespace

// Checks and copies `callbacks` (INVALID_ARGUMENT naming the missing or bad field). The
// provider calls `destroy` (if any) when it is destroyed.
absl::StatusOr<std::shared_ptr<KeyProvider>> NewCallbackProvider(
    const socle_key_provider_callbacks& callbacks) {
  if (callbacks.version < 1) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callbacks.version must be SOCLE_KEY_PROVIDER_CALLBACKS_VERSION");
  }
  if (callbacks.current_version == nullptr || callbacks.wrap == nullptr ||
      callbacks.unwrap == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callbacks: current_version, wrap and unwrap are required");
  }
  if (callbacks.key_id == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "callbacks.key_id must not be NULL");
  }
  const size_t len = strnlen(callbacks.key_id, kMaxKeyIdBytes + 1);
  std::string key_id(callbacks.key_id, len);
  const bool printable =
      std::all_of(key_id.begin(), key_id.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (len == 0 || len > kMaxKeyIdBytes || !printable) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "callbacks.key_id must be 1 to 256 printable ASCII bytes");
  }
  // A caller built against a later header passes a longer struct: its version 1 fields come
  // first, and those are all this build reads.
  socle_key_provider_callbacks v1{};
  std::memcpy(&v1, &callbacks, sizeof v1);
  return std::shared_ptr<KeyProvider>(std::make_shared<CallbackProvider>(v1, std::move(key_id)));
}

}  // namespace socle::capi

// A provider handle shares its provider with the vaults opened on it, so either may be freed
// first. `key_file` is set when the provider is a key file (for change_passphrase).
struct socle_key_provider {
  std::shared_ptr<socle::KeyProvider> provider;
  socle::KeyFileProvider* key_file = nullptr;
  std::string key_id;
};

struct socle_vault_options {
  socle::VaultOptions options;
};

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::NullArgument;

static_assert(SOCLE_VAULT_KEY_BYTES == socle::kVaultKeyBytes);
static_assert(SOCLE_VAULT_SEAL_OVERHEAD == socle::kSealedRecordOverhead);

// A passphrase copied into memory that is wiped when the call returns.
socle::SecretBytes Passphrase(const uint8_t* data, size_t len) {
  return len == 0 ? socle::SecretBytes() : socle::SecretBytes(data, len);
}

socle::PassphraseKdfParams Kdf(uint64_t opslimit, uint64_t memlimit_bytes) {
  if (opslimit == SOCLE_KDF_OPSLIMIT_DEFAULT && memlimit_bytes == SOCLE_KDF_MEMLIMIT_DEFAULT) {
    return socle::PassphraseKdfParams::Moderate();
  }
  return socle::PassphraseKdfParams{opslimit, memlimit_bytes};
}

socle_key_provider* WrapKeyFile(std::unique_ptr<socle::KeyFileProvider> key_file) {
  auto* handle = new socle_key_provider;
  handle->key_file = key_file.get();
  handle->key_id = key_file->KeyId();
  handle->provider = std::move(key_file);
  return handle;
}

absl::string_view View(const char* data, size_t len) {
  return len == 0 ? absl::string_view() : absl::string_view(data, len);
}

void ClearBuffer(socle_buffer* out) {
  out->data = nullptr;
  out->size = 0;
}

}  // namespace

extern "C" {

int32_t socle_key_provider_create_key_file(const char* path, const uint8_t* passphrase,
                                           size_t passphrase_len, uint64_t opslimit,
                                           uint64_t memlimit_bytes, socle_key_provider** out,
                                           socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (path == nullptr) return NullArgument(error, "path");
    if (passphrase == nullptr && passphrase_len != 0) return NullArgument(error, "passphrase");
    socle::KeyFileOptions options;
    options.kdf = Kdf(opslimit, memlimit_bytes);
    auto key_file =
        socle::KeyFileProvider::Create(path, Passphrase(passphrase, passphrase_len), options);
    if (!key_file.ok()) return FromStatus(error, key_file.status());
    *out = WrapKeyFile(*std::move(key_file));
    return SOCLE_OK;
  });
}

int32_t socle_key_provider_open_key_file(const char* path, const uint8_t* passphrase,
                                         size_t passphrase_len, socle_key_provider** out,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (path == nullptr) return NullArgument(error, "path");
    if (passphrase == nullptr && passphrase_len != 0) return NullArgument(error, "passphrase");
    auto key_file = socle::KeyFileProvider::Open(path, Passphrase(passphrase, passphrase_len));
    if (!key_file.ok()) return FromStatus(error, key_file.status());
    *out = WrapKeyFile(*std::move(key_file));
    return SOCLE_OK;
  });
}

int32_t socle_key_provider_change_passphrase(socle_key_provider* provider,
                                             const uint8_t* new_passphrase,
                                             size_t new_passphrase_len, uint64_t opslimit,
                                             uint64_t memlimit_bytes, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (provider == nullptr) return NullArgument(error, "provider");
    if (provider->key_file == nullptr) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "the provider is not a key file");
    }
    if (new_passphrase == nullptr && new_passphrase_len != 0) {
      return NullArgument(error, "new_passphrase");
    }
    return FromStatus(
        error, provider->key_file->ChangePassphrase(Passphrase(new_passphrase, new_passphrase_len),
                                                    Kdf(opslimit, memlimit_bytes)));
  });
}

int32_t socle_key_provider_create_from_callbacks(const socle_key_provider_callbacks* callbacks,
                                                 socle_key_provider** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (callbacks == nullptr) return NullArgument(error, "callbacks");
    auto provider = socle::capi::NewCallbackProvider(*callbacks);
    if (!provider.ok()) return FromStatus(error, provider.status());
    auto handle = std::make_unique<socle_key_provider>();
    handle->key_id = (*provider)->KeyId();
    handle->provider = *std::move(provider);
    *out = handle.release();
    return SOCLE_OK;
  });
}

const char* socle_key_provider_key_id(const socle_key_provider* provider) {
  return provider != nullptr ? provider->key_id.c_str() : "";
}

void socle_key_provider_free(socle_key_provider* provider) { delete provider; }

int32_t socle_vault_options_new(socle_vault_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = new socle_vault_options;
    return SOCLE_OK;
  });
}

void socle_vault_options_free(socle_vault_options* options) { delete options; }

int32_t socle_vault_options_set_cache_capacity(socle_vault_options* options, size_t capacity,
                                               socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    options->options.cache_capacity = capacity;
    return SOCLE_OK;
  });
}

int32_t socle_vault_options_set_cache_ttl_seconds(socle_vault_options* options, uint32_t seconds,
                                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    if (seconds == 0) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "the cache TTL must be at least 1 second");
    }
    options->options.cache_ttl = absl::Seconds(seconds);
    return SOCLE_OK;
  });
}

int32_t socle_vault_open(socle_key_provider* provider, const char* db_path, const char* tenant,
                         size_t tenant_len, const socle_vault_options* options, socle_vault** out,
                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (provider == nullptr) return NullArgument(error, "provider");
    if (db_path == nullptr) return NullArgument(error, "db_path");
    if (tenant == nullptr && tenant_len != 0) return NullArgument(error, "tenant");
    auto vault = socle::Vault::Load(provider->provider, db_path, View(tenant, tenant_len),
                                    options != nullptr ? options->options : socle::VaultOptions{});
    if (!vault.ok()) return FromStatus(error, vault.status());
    *out = new socle_vault{*std::move(vault)};
    return SOCLE_OK;
  });
}

void socle_vault_free(socle_vault* vault) { delete vault; }

int32_t socle_vault_seal_record(socle_vault* vault, const char* person_id, size_t person_id_len,
                                const char* record_id, size_t record_id_len,
                                uint32_t schema_version, const uint8_t* plaintext,
                                size_t plaintext_len, socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) return NullArgument(error, "vault");
    if (out == nullptr) return NullArgument(error, "out");
    ClearBuffer(out);
    if (person_id == nullptr && person_id_len != 0) return NullArgument(error, "person_id");
    if (record_id == nullptr && record_id_len != 0) return NullArgument(error, "record_id");
    if (plaintext == nullptr && plaintext_len != 0) return NullArgument(error, "plaintext");
    const socle::RecordRef record{View(person_id, person_id_len), View(record_id, record_id_len),
                                  schema_version};
    auto sealed = vault->vault->Seal(
        record, absl::MakeConstSpan(plaintext_len == 0 ? nullptr : plaintext, plaintext_len));
    if (!sealed.ok()) return FromStatus(error, sealed.status());
    return FillBuffer(
        out, absl::string_view(reinterpret_cast<const char*>(sealed->data()), sealed->size()),
        error);
  });
}

int32_t socle_vault_open_record(socle_vault* vault, const char* person_id, size_t person_id_len,
                                const char* record_id, size_t record_id_len,
                                uint32_t schema_version, const uint8_t* sealed, size_t sealed_len,
                                socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) return NullArgument(error, "vault");
    if (out == nullptr) return NullArgument(error, "out");
    ClearBuffer(out);
    if (person_id == nullptr && person_id_len != 0) return NullArgument(error, "person_id");
    if (record_id == nullptr && record_id_len != 0) return NullArgument(error, "record_id");
    if (sealed == nullptr && sealed_len != 0) return NullArgument(error, "sealed");
    const socle::RecordRef record{View(person_id, person_id_len), View(record_id, record_id_len),
                                  schema_version};
    auto plain = vault->vault->Open(
        record, absl::MakeConstSpan(sealed_len == 0 ? nullptr : sealed, sealed_len));
    if (!plain.ok()) return FromStatus(error, plain.status());
    // FillBuffer copies into memory that socle_buffer_free wipes; `plain` wipes its own copy.
    return FillBuffer(out, plain->view(), error);
  });
}

int32_t socle_vault_shred_person(socle_vault* vault, const char* person_id, size_t person_id_len,
                                 socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) return NullArgument(error, "vault");
    if (person_id == nullptr && person_id_len != 0) return NullArgument(error, "person_id");
    return FromStatus(error, vault->vault->ShredPerson(View(person_id, person_id_len)));
  });
}

int32_t socle_vault_rotate_master_key(socle_vault* vault, int32_t retire_previous,
                                      uint32_t* out_version, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) return NullArgument(error, "vault");
    if (retire_previous != 0 && retire_previous != 1) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "retire_previous must be 0 or 1");
    }
    auto report = vault->vault->RotateMasterKey(retire_previous == 1);
    if (!report.ok()) return FromStatus(error, report.status());
    if (out_version != nullptr) *out_version = report->master_version;
    return SOCLE_OK;
  });
}

int32_t socle_vault_current_pseudonym_version(socle_vault* vault, uint32_t* out,
                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) return NullArgument(error, "vault");
    if (out == nullptr) return NullArgument(error, "out");
    auto version = vault->vault->CurrentPseudonymVersion();
    if (!version.ok()) return FromStatus(error, version.status());
    *out = *version;
    return SOCLE_OK;
  });
}

int32_t socle_vault_rotate_pseudonym_secret(socle_vault* vault, uint32_t* out_version,
                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) return NullArgument(error, "vault");
    auto version = vault->vault->RotatePseudonymSecret();
    if (!version.ok()) return FromStatus(error, version.status());
    if (out_version != nullptr) *out_version = *version;
    return SOCLE_OK;
  });
}

int32_t socle_vault_destroy_pseudonym_secret(socle_vault* vault, uint32_t version,
                                             socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) return NullArgument(error, "vault");
    return FromStatus(error, vault->vault->DestroyPseudonymSecret(version));
  });
}

int32_t socle_vault_verify(socle_vault* vault, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) return NullArgument(error, "vault");
    return FromStatus(error, vault->vault->Verify());
  });
}

}  // extern "C"
