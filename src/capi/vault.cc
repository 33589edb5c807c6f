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

// Runs one of the vendor's callbacks (CallVendor): a failed unwrap stays generic, whatever the
// callback said.
template <typename Call>
absl::Status CallProvider(const char* callback, Call&& call) {
  absl::Status status =
      CallVendor(std::string("key provider: the ") + callback + " callback", call);
  if (ErrorCodeOf(status) == ErrorCode::kVerificationFailed) return VerificationFailed();
  return status;
}

class CallbackProvider final : public KeyProvider {
 public:
  CallbackProvider(const socle_key_provider_callbacks& callbacks, std::string key_id)
      : callbacks_(callbacks), key_id_(std::move(key_id)) {
    callbacks_.key_id = nullptr;  // ours is key_id_; the caller's string may go away
  }

  ~CallbackProvider() override {
    if (callbacks_.destroy == nullptr) return;
    CallProvider("destroy", [&] {
      callbacks_.destroy(callbacks_.user_data);
      return SOCLE_OK;
    }).IgnoreError();
  }

  std::string KeyId() const override { return key_id_; }

  absl::StatusOr<uint32_t> CurrentVersion() const override {
    uint32_t version = 0;
    SOCLE_RETURN_IF_ERROR(CallProvider("current_version", [&] {
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
    SOCLE_RETURN_IF_ERROR(CallProvider("wrap", [&] {
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
    SOCLE_RETURN_IF_ERROR(CallProvider("unwrap", [&] {
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
        CallProvider("rotate", [&] { return callbacks_.rotate(callbacks_.user_data, &version); }));
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
    return CallProvider("retire_before",
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
  socle::KeyFileProvider* key_file;  // `provider` itself when it is a key file, else NULL
  std::string key_id;                // NUL-terminated copy for socle_key_provider_key_id
};

struct socle_vault_options {
  socle::VaultOptions options;
};

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;

#define SOCLE_CAPI_VAULT_CONSTANTS(X)             \
  X(SOCLE_VAULT_KEY_BYTES, socle::kVaultKeyBytes) \
  X(SOCLE_VAULT_SEAL_OVERHEAD, socle::kSealedRecordOverhead)
SOCLE_CAPI_VAULT_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)

socle::PassphraseKdfParams Kdf(uint64_t opslimit, uint64_t memlimit_bytes) {
  if (opslimit == SOCLE_KDF_OPSLIMIT_DEFAULT && memlimit_bytes == SOCLE_KDF_MEMLIMIT_DEFAULT) {
    return socle::PassphraseKdfParams::Moderate();
  }
  return socle::PassphraseKdfParams{opslimit, memlimit_bytes};
}

socle_key_provider* WrapKeyFile(std::unique_ptr<socle::KeyFileProvider> key_file) {
  socle::KeyFileProvider* raw = key_file.get();
  std::string key_id = key_file->KeyId();
  return new socle_key_provider{std::move(key_file), raw, std::move(key_id)};
}

// A passphrase input: a view refusing NULL with a length, copied into memory wiped on return.
int32_t InputPassphrase(const uint8_t* data, size_t len, const char* name, socle::SecretBytes* out,
                        socle_error** error) {
  absl::string_view view;
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(data, len, name, &view, error));
  *out = socle::SecretBytes(view);
  return SOCLE_OK;
}

// The (person, record, schema) a sealed record is bound to; the views borrow the caller's bytes.
int32_t InputRecord(const char* person_id, size_t person_id_len, const char* record_id,
                    size_t record_id_len, uint32_t schema_version, socle::RecordRef* out,
                    socle_error** error) {
  absl::string_view person, record;
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(person_id, person_id_len, "person_id", &person, error));
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(record_id, record_id_len, "record_id", &record, error));
  *out = socle::RecordRef{person, record, schema_version};
  return SOCLE_OK;
}

}  // namespace

extern "C" {

int32_t socle_key_provider_create_key_file(const char* path, const uint8_t* passphrase,
                                           size_t passphrase_len, uint64_t opslimit,
                                           uint64_t memlimit_bytes, socle_key_provider** out,
                                           socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (path == nullptr) return NullArgument(error, "path");
    socle::SecretBytes secret;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputPassphrase(passphrase, passphrase_len, "passphrase", &secret, error));
    socle::KeyFileOptions options;
    options.kdf = Kdf(opslimit, memlimit_bytes);
    auto key_file = socle::KeyFileProvider::Create(path, std::move(secret), options);
    if (!key_file.ok()) return FromStatus(error, key_file.status());
    *out = WrapKeyFile(*std::move(key_file));
    return SOCLE_OK;
  });
}

int32_t socle_key_provider_open_key_file(const char* path, const uint8_t* passphrase,
                                         size_t passphrase_len, socle_key_provider** out,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (path == nullptr) return NullArgument(error, "path");
    socle::SecretBytes secret;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputPassphrase(passphrase, passphrase_len, "passphrase", &secret, error));
    auto key_file = socle::KeyFileProvider::Open(path, std::move(secret));
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
    socle::SecretBytes secret;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputPassphrase(new_passphrase, new_passphrase_len, "new_passphrase", &secret, error));
    return FromStatus(error, provider->key_file->ChangePassphrase(std::move(secret),
                                                                  Kdf(opslimit, memlimit_bytes)));
  });
}

int32_t socle_key_provider_create_from_callbacks(const socle_key_provider_callbacks* callbacks,
                                                 socle_key_provider** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (callbacks == nullptr) return NullArgument(error, "callbacks");
    auto provider = socle::capi::NewCallbackProvider(*callbacks);
    if (!provider.ok()) return FromStatus(error, provider.status());
    std::string key_id = (*provider)->KeyId();
    *out = new socle_key_provider{*std::move(provider), nullptr, std::move(key_id)};
    return SOCLE_OK;
  });
}

const char* socle_key_provider_key_id(const socle_key_provider* provider) {
  return provider != nullptr ? provider->key_id.c_str() : "";
}

void socle_key_provider_free(socle_key_provider* provider) { delete provider; }

int32_t socle_vault_options_new(socle_vault_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_vault_options{};
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
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (provider == nullptr) return NullArgument(error, "provider");
    if (db_path == nullptr) return NullArgument(error, "db_path");
    absl::string_view t;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(tenant, tenant_len, "tenant", &t, error));
    auto vault = socle::Vault::Open(provider->provider, db_path, t,
                                    options != nullptr ? options->options : socle::VaultOptions{});
    if (!vault.ok()) return FromStatus(error, vault.status());
    *out = new socle_vault{*std::move(vault)};
    return SOCLE_OK;
  });
}

int32_t socle_vault_open_in(socle_key_provider* provider, const socle_storage* storage,
                            const char* tenant, size_t tenant_len,
                            const socle_vault_options* options, socle_vault** out,
                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (storage == nullptr) return NullArgument(error, "storage");
    if (provider == nullptr) return NullArgument(error, "provider");
    absl::string_view t;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(tenant, tenant_len, "tenant", &t, error));
    auto vault = storage->storage.OpenVault(
        provider->provider, t, options != nullptr ? options->options : socle::VaultOptions{});
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
    ResetBuffer(out);
    if (vault == nullptr) return NullArgument(error, "vault");
    if (out == nullptr) return NullArgument(error, "out");
    socle::RecordRef record;
    SOCLE_CAPI_RETURN_IF_FAILED(InputRecord(person_id, person_id_len, record_id, record_id_len,
                                            schema_version, &record, error));
    absl::Span<const uint8_t> plain;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(plaintext, plaintext_len, "plaintext", &plain, error));
    auto sealed = vault->vault->SealRecord(record, plain);
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
    ResetBuffer(out);
    if (vault == nullptr) return NullArgument(error, "vault");
    if (out == nullptr) return NullArgument(error, "out");
    socle::RecordRef record;
    SOCLE_CAPI_RETURN_IF_FAILED(InputRecord(person_id, person_id_len, record_id, record_id_len,
                                            schema_version, &record, error));
    absl::Span<const uint8_t> ciphertext;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(sealed, sealed_len, "sealed", &ciphertext, error));
    auto plain = vault->vault->OpenRecord(record, ciphertext);
    if (!plain.ok()) return FromStatus(error, plain.status());
    // FillBuffer copies into memory that socle_buffer_free wipes; `plain` wipes its own copy.
    return FillBuffer(out, plain->view(), error);
  });
}

int32_t socle_vault_shred_person(socle_vault* vault, const char* person_id, size_t person_id_len,
                                 socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (vault == nullptr) return NullArgument(error, "vault");
    absl::string_view person;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person_id, person_id_len, "person_id", &person, error));
    return FromStatus(error, vault->vault->ShredPerson(person));
  });
}

int32_t socle_vault_rotate_master_key(socle_vault* vault, int32_t retire_previous,
                                      uint32_t* out_version, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_version);
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
    ResetNumbers(out);
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
    ResetNumbers(out_version);
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
