// A vendor written in C++ whose key provider callback throws: socle must catch it at the
// boundary and return SOCLE_E_INTERNAL naming the callback, with the caller's errno intact.
// Linked against libsocle only, like any vendor program. Usage: vault_callback_exception_capi_test
// DIR
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "check.h"
#include "socle/socle.h"

namespace {

bool throw_now = false;

int32_t CurrentVersion(void*, uint32_t* out) {
  *out = 1;
  return SOCLE_OK;
}

// A test double, not cryptography: the "wrapped" key is the key itself.
int32_t Wrap(void*, uint32_t, const uint8_t* key, size_t key_len, const uint8_t*, size_t,
             uint8_t* out, size_t cap, size_t* out_len) {
  if (throw_now) {
    errno = EIO;
    throw std::runtime_error("the HSM client library threw");
  }
  if (key_len > cap) return SOCLE_E_OUT_OF_RANGE;
  std::memcpy(out, key, key_len);
  *out_len = key_len;
  return SOCLE_OK;
}

int32_t Unwrap(void*, uint32_t, const uint8_t* wrapped, size_t wrapped_len, const uint8_t*, size_t,
               uint8_t* out, size_t cap, size_t* out_len) {
  if (throw_now) {
    errno = EIO;
    throw 42;  // not even an exception class
  }
  if (wrapped_len > cap) return SOCLE_E_VERIFICATION_FAILED;
  std::memcpy(out, wrapped, wrapped_len);
  *out_len = wrapped_len;
  return SOCLE_OK;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const std::string db = std::string(argv[1]) + "/throwing.db";
  std::remove(db.c_str());
  socle_key_provider_callbacks cb;
  std::memset(&cb, 0, sizeof cb);
  cb.version = SOCLE_KEY_PROVIDER_CALLBACKS_VERSION;
  cb.key_id = "throwing-hsm";
  cb.current_version = CurrentVersion;
  cb.wrap = Wrap;
  cb.unwrap = Unwrap;
  socle_key_provider* provider = nullptr;
  CHECK_MSG(socle_key_provider_create_from_callbacks(&cb, &provider, nullptr) == SOCLE_OK,
            "new_callbacks");
  socle_vault* warm = nullptr;
  socle_vault* cold = nullptr;
  CHECK_MSG(socle_vault_open(provider, db.c_str(), "t", 1, nullptr, &warm, nullptr) == SOCLE_OK,
            "open");
  socle_buffer sealed = {nullptr, 0};
  CHECK_MSG(
      socle_vault_seal_record(warm, "P-1", 3, "r", 1, 1, reinterpret_cast<const uint8_t*>("x"), 1,
                              &sealed, nullptr) == SOCLE_OK,
      "seal");
  CHECK_MSG(socle_vault_open(provider, db.c_str(), "t", 1, nullptr, &cold, nullptr) == SOCLE_OK,
            "open a second vault, with an empty cache");

  throw_now = true;
  socle_error* error = nullptr;
  socle_buffer plain = {nullptr, 0};
  errno = ERANGE;
  int32_t rc =
      socle_vault_open_record(cold, "P-1", 3, "r", 1, 1, sealed.data, sealed.size, &plain, &error);
  CHECK_MSG(rc == SOCLE_E_INTERNAL, "a throwing unwrap gives SOCLE_E_INTERNAL");
  CHECK_MSG(errno == ERANGE, "errno is the caller's again");
  CHECK_MSG(
      error != nullptr && std::strcmp(socle_error_message(error),
                                      "key provider: the unwrap callback threw an exception") == 0,
      "the message names the callback");
  socle_error_free(error);
  error = nullptr;
  rc = socle_vault_seal_record(cold, "P-2", 3, "r", 1, 1, reinterpret_cast<const uint8_t*>("x"), 1,
                               &plain, &error);
  CHECK_MSG(rc == SOCLE_E_INTERNAL, "a throwing wrap gives SOCLE_E_INTERNAL");
  CHECK_MSG(
      error != nullptr && std::strcmp(socle_error_message(error),
                                      "key provider: the wrap callback threw an exception") == 0,
      "the message names the callback");
  socle_error_free(error);

  throw_now = false;
  CHECK_MSG(socle_vault_open_record(cold, "P-1", 3, "r", 1, 1, sealed.data, sealed.size, &plain,
                                    nullptr) == SOCLE_OK,
            "the vault still works afterwards");
  socle_buffer_free(&plain);
  socle_buffer_free(&sealed);
  socle_vault_free(warm);
  socle_vault_free(cold);
  socle_key_provider_free(provider);
  return check_report("vault callback exception");
}
