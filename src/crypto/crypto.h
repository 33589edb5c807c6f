// The one place that calls libsodium. Small C++ types over its primitives; secrets wipe
// themselves when destroyed and are compared in constant time. Nothing here logs or formats
// secret bytes into a message.
//
// Thread safety: all free functions are thread-safe once Init() has returned OK (it is called by
// every entry point of socle and is idempotent). SecretBytes is a value type: not synchronised.
#ifndef SOCLE_SRC_CRYPTO_CRYPTO_H_
#define SOCLE_SRC_CRYPTO_CRYPTO_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/secret_bytes.hpp"

namespace socle::crypto {

// Initialises libsodium once per process; safe to call from any thread, any number of times.
absl::Status Init();

// Fills `out` with bytes from the operating system's CSPRNG.
void RandomBytes(absl::Span<uint8_t> out);

// Secrets are socle::SecretBytes (public: include/socle/secret_bytes.hpp).
using ::socle::SecretBytes;

inline constexpr size_t kHashBytes = 32;
using Hash256 = std::array<uint8_t, kHashBytes>;

// BLAKE2b-256 of `data`, domain-separated by `domain` (a fixed ASCII label such as
// "socle.policy.v1"), so a digest of one kind can never be confused with another.
Hash256 Hash(absl::string_view domain, absl::string_view data);

// Keyed BLAKE2b of `data` into `out` (16 to 64 bytes). The key must be 16 to 64 bytes.
absl::Status KeyedHash(const SecretBytes& key, absl::Span<const uint8_t> data,
                       absl::Span<uint8_t> out);

// XChaCha20-Poly1305 (IETF) authenticated encryption with associated data.
inline constexpr size_t kAeadKeyBytes = 32;
inline constexpr size_t kAeadNonceBytes = 24;
inline constexpr size_t kAeadTagBytes = 16;
// Returns nonce || ciphertext || tag, with a random nonce.
absl::StatusOr<std::vector<uint8_t>> AeadSeal(const SecretBytes& key,
                                              absl::Span<const uint8_t> plaintext,
                                              absl::Span<const uint8_t> associated_data);
// Opens what AeadSeal produced. Any failure (wrong key, altered byte, wrong associated data,
// truncation) gives the same VERIFICATION_FAILED error with no detail.
absl::StatusOr<SecretBytes> AeadOpen(const SecretBytes& key, absl::Span<const uint8_t> sealed,
                                     absl::Span<const uint8_t> associated_data);

// Ed25519 signatures.
inline constexpr size_t kSignPublicKeyBytes = 32;
inline constexpr size_t kSignatureBytes = 64;
struct SigningKeyPair {
  std::array<uint8_t, kSignPublicKeyBytes> public_key;
  SecretBytes secret_key;  // 64 bytes: seed || public key, as libsodium keeps it
};
SigningKeyPair GenerateSigningKeyPair();
// Derives the key pair from a 32-byte seed (for known-answer tests and key files).
absl::StatusOr<SigningKeyPair> SigningKeyPairFromSeed(const SecretBytes& seed);
std::array<uint8_t, kSignatureBytes> Sign(const SigningKeyPair& key,
                                          absl::Span<const uint8_t> message);
// OK, or VERIFICATION_FAILED with no detail.
absl::Status Verify(absl::Span<const uint8_t> public_key, absl::Span<const uint8_t> message,
                    absl::Span<const uint8_t> signature);

// Lower-case hex of public bytes (digests, public keys). Never use on secrets.
std::string ToHex(absl::Span<const uint8_t> bytes);

}  // namespace socle::crypto

#endif  // SOCLE_SRC_CRYPTO_CRYPTO_H_
