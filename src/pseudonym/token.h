// Reversible tokens: deterministic authenticated encryption of an identifier for the controller
// (docs/pseudonyms.md, "Reversible tokens").
//
//   padded = identifier || 0x80 || 0x00…   to the smallest bucket of 16, 32, 64, 128, 256 bytes
//   ad     = "socle.token.v1" || 0x00 || u32be(version) || u16be(|domain|) || domain
//   siv    = BLAKE2b(key = mac key, person = "socle.token.siv", out = 24 bytes, ad || padded)
//   token  = siv || XChaCha20-Poly1305(enc key, nonce = siv, ad, padded)   (ciphertext || tag)
//   text   = 'K' || 4-digit version || base64url(token)
//
// The synthetic IV makes the encryption deterministic (the same identifier always gives the same
// token, so tokens join) and misuse-free (a nonce repeats only with its whole message). Opening
// checks the Poly1305 tag, then recomputes the IV, then the padding; any failure is one generic
// VERIFICATION_FAILED.
#ifndef SOCLE_SRC_PSEUDONYM_TOKEN_H_
#define SOCLE_SRC_PSEUDONYM_TOKEN_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/crypto.h"
#include "socle/secret_bytes.hpp"

namespace socle::pseudonym_internal {

inline constexpr absl::string_view kTokenAdLabel = "socle.token.v1";
inline constexpr size_t kTokenSivBytes = 24;
inline constexpr size_t kMaxTokenBucket = 256;
inline constexpr size_t kMaxTokenBytes = kTokenSivBytes + kMaxTokenBucket + 16;

// The bucket of an identifier of `n` bytes (1..255), or 0.
size_t TokenBucket(size_t n);

// The keys of one domain at one version, and its associated data.
class TokenKeys {
 public:
  // `mac_key` and `enc_key` are the derived 32-byte keys of the domain and version.
  static absl::StatusOr<TokenKeys> Create(const SecretBytes& mac_key, SecretBytes enc_key,
                                          uint32_t version, absl::string_view domain);
  uint32_t version() const { return version_; }
  // Writes the token text of `identifier` (1..255 bytes) to `out`, which must hold
  // TokenTextLength(identifier.size()) chars; returns that length.
  absl::StatusOr<size_t> Seal(absl::string_view identifier, absl::Span<char> out) const;
  // The identifier in `token_text` (whose version must be version()), or VERIFICATION_FAILED.
  absl::StatusOr<SecretBytes> Open(absl::string_view token_text) const;

 private:
  TokenKeys(crypto::KeyedHasher mac, SecretBytes enc, uint32_t version, std::vector<uint8_t> ad)
      : mac_(std::move(mac)), enc_(std::move(enc)), version_(version), ad_(std::move(ad)) {}
  crypto::KeyedHasher mac_;
  SecretBytes enc_;
  uint32_t version_;
  std::vector<uint8_t> ad_;
};

// The version a token text claims (0 when it is not a token text of a valid length).
uint32_t TokenTextVersion(absl::string_view token_text);

}  // namespace socle::pseudonym_internal

#endif  // SOCLE_SRC_PSEUDONYM_TOKEN_H_
