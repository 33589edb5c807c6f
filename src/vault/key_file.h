// The key file's layout (docs/keys.md, "Key file"), below KeyFileProvider: parsing the outer
// file and the decrypted keyring. Exposed for the provider and for tests/fuzz/key_file_fuzzer.cc.
//
// Thread safety: the functions are pure.
#ifndef SOCLE_SRC_VAULT_KEY_FILE_H_
#define SOCLE_SRC_VAULT_KEY_FILE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/crypto.h"
#include "socle/secret_bytes.hpp"
#include "socle/vault.hpp"

namespace socle::vault_internal {

// Everything of a key file but the sealed keyring's content; none of it is secret.
struct KeyFileHeader {
  std::string key_id;
  PassphraseKdfParams kdf;
  std::array<uint8_t, crypto::kPwhashSaltBytes> salt{};
  std::string sealed_keyring;
  int64_t created_unix = 0;
  int64_t updated_unix = 0;
};

// Parses "SOCLEKEY" || KeyFile: PARSE without the magic, DATA_LOSS when damaged (bad protobuf,
// key id, salt, or Argon2id parameters outside libsodium's range), UNSUPPORTED for another
// format version or KDF. `where` (the path) only goes into messages.
absl::StatusOr<KeyFileHeader> ParseKeyFileBytes(const std::string& where, absl::string_view bytes);

struct MasterKeyEntry {
  uint32_t version = 0;
  int64_t created_unix = 0;
  SecretBytes key;
};

struct ParsedKeyring {
  uint32_t current = 0;
  std::vector<MasterKeyEntry> keys;  // ascending versions, current is the newest
};

// Parses the keyring plaintext (u8 layout || u32 current || u32 count || entries). DATA_LOSS
// when it is not well formed.
absl::StatusOr<ParsedKeyring> ParseKeyringPlaintext(absl::Span<const uint8_t> plain);

}  // namespace socle::vault_internal

#endif  // SOCLE_SRC_VAULT_KEY_FILE_H_
