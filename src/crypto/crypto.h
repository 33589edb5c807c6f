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
#include <optional>
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

// SHA-256 (FIPS 180-4, libsodium's crypto_hash_sha256) of `data`. For formats that name SHA-256
// (RFC 9162's Merkle tree); socle's own digests use Hash() above.
Hash256 Sha256(absl::Span<const uint8_t> data);
// SHA-256 of `prefix` (one byte) followed by `data`, without building the concatenation.
Hash256 Sha256WithPrefix(uint8_t prefix, absl::Span<const uint8_t> data);

// RFC 4648 base64 with the standard alphabet and `=` padding (public bytes only: digests,
// public keys, signatures).
std::string Base64Encode(absl::Span<const uint8_t> bytes);
// Decodes canonical padded standard base64 (no whitespace, unused bits zero) into `out`; false
// (and `out` wiped and emptied) when `text` is not such base64. The caller wipes a decoded secret.
bool Base64Decode(absl::string_view text, std::vector<uint8_t>* out);

// Keyed BLAKE2b of `data` into `out` (16 to 64 bytes). The key must be 16 to 64 bytes.
absl::Status KeyedHash(const SecretBytes& key, absl::Span<const uint8_t> data,
                       absl::Span<uint8_t> out);

// XChaCha20-Poly1305 (IETF) authenticated encryption with associated data.
inline constexpr size_t kAeadKeyBytes = 32;
inline constexpr size_t kAeadNonceBytes = 24;
inline constexpr size_t kAeadTagBytes = 16;
// The largest plaintext socle seals: 1 TiB, far below libsodium's own limit
// (crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX, about SIZE_MAX), so that a sealed size
// (plaintext + nonce + tag + any header) can never wrap around. Every length that comes from a
// caller or a file is checked against it (SealedSize) before any arithmetic.
inline constexpr size_t kAeadMaxPlaintextBytes = size_t{1} << 40;
static_assert(sizeof(size_t) >= 8, "socle needs a 64-bit size_t");

// `a + b`, or nullopt when the sum does not fit in a size_t. For lengths computed from values a
// caller or a file gave.
std::optional<size_t> CheckedAdd(size_t a, size_t b);

// The size of a plaintext of `plaintext_bytes` once sealed with `overhead` bytes of framing
// (nonce, tag, header): INVALID_ARGUMENT naming both sizes when the plaintext is larger than
// kAeadMaxPlaintextBytes (checked before any arithmetic), so no buffer size can wrap.
absl::StatusOr<size_t> SealedSize(size_t plaintext_bytes, size_t overhead);

// Checks that a sealed input of `sealed_bytes` is not larger than the largest plaintext plus
// `overhead`: VERIFICATION_FAILED otherwise (no sealed value can be that long), before any
// buffer is sized from it.
absl::Status CheckSealedSize(size_t sealed_bytes, size_t overhead);

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

// ---- Keyed, personalised BLAKE2b and a nonce-given AEAD (used by src/pseudonym) -------------

// BLAKE2b keys are 16 to 64 bytes; outputs 16 to 64 bytes here (64 bytes is the maximum).
inline constexpr size_t kKeyedHashMinKeyBytes = 16;
inline constexpr size_t kKeyedHashMaxKeyBytes = 64;
inline constexpr size_t kKeyedHashMinOutBytes = 16;
inline constexpr size_t kKeyedHashMaxOutBytes = 64;
// BLAKE2b's personalisation parameter: a fixed label of up to 16 ASCII bytes, zero-padded.
inline constexpr size_t kPersonalBytes = 16;

// BLAKE2b of `data` keyed with `key` and personalised with `personal` (salt all zero), into
// `out`. Equal to Python's hashlib.blake2b(data, key=key, person=personal, digest_size=len(out)).
// INVALID_ARGUMENT (naming only sizes) when a size is out of range.
absl::Status KeyedHashPersonal(absl::Span<const uint8_t> key, absl::string_view personal,
                               absl::Span<const uint8_t> data, absl::Span<uint8_t> out);

// The same function with the key and the personalisation absorbed once, for hot paths: each
// Hash() copies the prepared state (no allocation, no key schedule) and finishes it. The state
// holds the key: it is wiped when the hasher is destroyed or moved from, and copies are explicit.
// Thread safety: const methods may run concurrently (they never modify the prepared state).
class KeyedHasher {
 public:
  static absl::StatusOr<KeyedHasher> Create(absl::Span<const uint8_t> key,
                                            absl::string_view personal, size_t out_bytes);
  KeyedHasher(KeyedHasher&& other) noexcept;
  KeyedHasher& operator=(KeyedHasher&& other) noexcept;
  KeyedHasher(const KeyedHasher&) = delete;
  KeyedHasher& operator=(const KeyedHasher&) = delete;
  ~KeyedHasher();

  KeyedHasher Clone() const;
  size_t out_bytes() const { return out_bytes_; }
  // Writes out_bytes() bytes to `out`.
  void Hash(absl::Span<const uint8_t> data, uint8_t* out) const;
  // The hash of the concatenation a || b, without building it.
  void Hash2(absl::Span<const uint8_t> a, absl::Span<const uint8_t> b, uint8_t* out) const;

 private:
  KeyedHasher() = default;
  void Wipe();
  alignas(64) unsigned char state_[384];  // crypto_generichash_blake2b_state (checked in .cc)
  size_t out_bytes_ = 0;
};

// XChaCha20-Poly1305 (IETF) with a nonce chosen by the caller. ONLY for constructions where the
// nonce is derived from the whole message (a synthetic IV): a repeated nonce with a different
// message breaks the cipher. `out` receives ciphertext || tag and must be exactly
// plaintext.size() + kAeadTagBytes long; the key kAeadKeyBytes, the nonce kAeadNonceBytes; the
// plaintext at most kAeadMaxPlaintextBytes (INVALID_ARGUMENT otherwise, before any arithmetic).
absl::Status AeadSealWithNonce(const SecretBytes& key, absl::Span<const uint8_t> nonce,
                               absl::Span<const uint8_t> plaintext,
                               absl::Span<const uint8_t> associated_data, absl::Span<uint8_t> out);
// Opens what AeadSealWithNonce produced into `out` (exactly sealed.size() - kAeadTagBytes).
// Any failure gives VERIFICATION_FAILED with no detail, and `out` is wiped.
absl::Status AeadOpenWithNonce(const SecretBytes& key, absl::Span<const uint8_t> nonce,
                               absl::Span<const uint8_t> sealed,
                               absl::Span<const uint8_t> associated_data, absl::Span<uint8_t> out);

// Constant-time equality of two byte strings (sizes are not secret).
bool ConstantTimeEquals(absl::Span<const uint8_t> a, absl::Span<const uint8_t> b);
// Wipes `bytes` in a way the compiler may not remove (sodium_memzero).
void Wipe(absl::Span<uint8_t> bytes);

// Lower-case hex of public bytes (digests, public keys). Never use on secrets.
std::string ToHex(absl::Span<const uint8_t> bytes);

// ---- Additions for the vault (src/vault): nonces on hot paths, Argon2id. (The vault seals
// with AeadSealWithNonce above, its nonce drawn fresh from FastRandomBytes.) ----

// Fills `out` from a per-thread ChaCha20 stream (libsodium's randombytes_buf_deterministic)
// seeded from the operating system's CSPRNG, read ahead in 4 KiB blocks with fast key erasure
// (the first 32 bytes of every block become the next seed), reseeded from the OS every 1 MiB
// and in a child process after fork(). The OS's getrandom() costs about as much as sealing
// 1 KiB on some hosts; this costs a few nanoseconds. Meant for nonces and other values that must
// be unique and unpredictable; keys still come from RandomBytes().
void FastRandomBytes(absl::Span<uint8_t> out);

// Argon2id (v1.3, libsodium's crypto_pwhash) key derivation from a passphrase.
inline constexpr size_t kPwhashSaltBytes = 16;
struct PwhashParams {
  uint64_t opslimit = 0;        // passes over memory
  uint64_t memlimit_bytes = 0;  // memory used
};
// libsodium's named parameter sets (checked against its macros in crypto.cc).
inline constexpr PwhashParams kPwhashMin{1, 8192};                 // tests only
inline constexpr PwhashParams kPwhashInteractive{2, 64ull << 20};  // ~0.1 s, 64 MiB
inline constexpr PwhashParams kPwhashModerate{3, 256ull << 20};    // ~0.5 s, 256 MiB
inline constexpr PwhashParams kPwhashSensitive{4, 1ull << 30};     // ~3 s, 1 GiB
// The largest parameters socle accepts (from a file that could have been tampered with, they
// bound the work and memory an attacker can make us spend).
inline constexpr PwhashParams kPwhashMax{64, 4ull << 30};
// Derives `out_bytes` (16 to 64) bytes. INVALID_ARGUMENT for a salt that is not
// kPwhashSaltBytes long or parameters outside [kPwhashMin, kPwhashMax]; RESOURCE_EXHAUSTED when
// the memory cannot be allocated.
absl::StatusOr<SecretBytes> DeriveKeyFromPassphrase(absl::Span<const uint8_t> passphrase,
                                                    absl::Span<const uint8_t> salt,
                                                    const PwhashParams& params, size_t out_bytes);

}  // namespace socle::crypto

#endif  // SOCLE_SRC_CRYPTO_CRYPTO_H_
