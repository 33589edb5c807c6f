// libFuzzer target for the key file reader (src/vault/key_file.cc): any bytes go through the
// outer parser (magic, protobuf, format version, KDF, key id, salt, Argon2id range) and the
// keyring plaintext parser, and, when the bytes name libsodium's minimum Argon2id cost, through
// a full KeyFileProvider::Open of a file holding them (anything dearer would make each run
// slow). The seeds (tests/fuzz/key_file/) are key files under the passphrase below, so the
// fuzzer starts from inputs that unlock. The keyring parser sits behind authentication in the
// provider, hence the direct call.
//
// Contracts checked (abort on failure):
//   - no input crashes, leaks or reads out of bounds (the sanitizers);
//   - a keyring the parser accepts has ascending versions, the newest current, 32-byte keys;
//   - a file that opens has a key id "kf-" + 32 hex digits, a current version it holds, and
//     wraps and unwraps a key under that version;
//   - no error message contains the passphrase.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/string_view.h"
#include "crypto/crypto.h"
#include "socle/secret_bytes.hpp"
#include "socle/vault.hpp"
#include "vault/key_file.h"

namespace {

constexpr absl::string_view kPassphrase = "socle key file, known answer";

[[noreturn]] void Broken(const char* contract) {
  std::fprintf(stderr, "key_file_fuzzer: contract broken: %s\n", contract);
  std::abort();
}

void CheckMessage(const absl::Status& status) {
  if (absl::string_view(status.message()).find(kPassphrase) != absl::string_view::npos) {
    Broken("an error message holds the passphrase");
  }
}

const std::string& ScratchPath() {
  static const std::string* path =
      new std::string("/tmp/socle-key-file-fuzzer-" + std::to_string(getpid()) + ".key");
  return *path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool initialised = socle::crypto::Init().ok();
  if (!initialised) Broken("libsodium did not initialise");
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);

  auto keyring = socle::vault_internal::ParseKeyringPlaintext(absl::MakeConstSpan(data, size));
  if (keyring.ok()) {
    if (keyring->keys.empty() || keyring->current != keyring->keys.back().version) {
      Broken("a parsed keyring's current version is not its newest");
    }
    for (size_t i = 0; i < keyring->keys.size(); ++i) {
      if (keyring->keys[i].key.size() != 32) Broken("a master key is not 32 bytes");
      if (i > 0 && keyring->keys[i].version <= keyring->keys[i - 1].version) {
        Broken("parsed versions are not ascending");
      }
    }
  }

  auto header = socle::vault_internal::ParseKeyFileBytes("fuzz input", bytes);
  if (!header.ok()) {
    CheckMessage(header.status());
    return 0;
  }
  if (header->kdf.opslimit != 1 || header->kdf.memlimit_bytes != 8192) return 0;

  const std::string& path = ScratchPath();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  socle::KeyFileOptions options;
  options.allow_weak_kdf_for_tests = true;
  auto provider = socle::KeyFileProvider::Open(path, socle::SecretBytes(kPassphrase), options);
  if (!provider.ok()) {
    CheckMessage(provider.status());
  } else {
    const std::string id = (*provider)->KeyId();
    if (id.size() != 35 || id.substr(0, 3) != "kf-") Broken("a key id of the wrong shape");
    const auto current = (*provider)->CurrentVersion();
    if (!current.ok()) Broken("an opened file has no current version");
    const auto versions = (*provider)->versions();
    if (versions.empty() || versions.back() != *current) Broken("current is not the newest");
    const socle::SecretBytes key = socle::SecretBytes::Random(32);
    const uint8_t ad[] = {'a', 'd'};
    const auto wrapped = (*provider)->Wrap(*current, key, ad);
    if (!wrapped.ok()) Broken("cannot wrap under the current version");
    const auto unwrapped = (*provider)->Unwrap(*current, *wrapped, ad);
    if (!unwrapped.ok() || !unwrapped->Equals(key)) Broken("wrap and unwrap disagree");
  }
  unlink(path.c_str());
  return 0;
}
