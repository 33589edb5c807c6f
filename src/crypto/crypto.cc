#include "crypto/crypto.h"

#include <sodium.h>

#include <mutex>

#include "socle/error.hpp"

namespace socle::crypto {
namespace {

absl::Status VerificationFailed() {
  return MakeError(ErrorCode::kVerificationFailed, "verification failed");
}

}  // namespace

absl::Status Init() {
  static const int result = sodium_init();  // thread-safe static init; sodium_init is idempotent
  if (result < 0) return MakeError(ErrorCode::kInternal, "libsodium could not be initialised");
  return absl::OkStatus();
}

void RandomBytes(absl::Span<uint8_t> out) { randombytes_buf(out.data(), out.size()); }

}  // namespace socle::crypto

namespace socle {

SecretBytes SecretBytes::Random(size_t size) {
  SecretBytes s(size);
  crypto::RandomBytes(absl::MakeSpan(s.bytes_));
  return s;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

SecretBytes::~SecretBytes() { Wipe(); }

void SecretBytes::Wipe() {
  if (!bytes_.empty()) sodium_memzero(bytes_.data(), bytes_.size());
}

bool SecretBytes::Equals(const SecretBytes& other) const {
  return bytes_.size() == other.bytes_.size() &&
         sodium_memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) == 0;
}

}  // namespace socle

namespace socle::crypto {

Hash256 Hash(absl::string_view domain, absl::string_view data) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kHashBytes);
  // The domain label and its length come first, so ("ab","c") and ("a","bc") differ.
  const uint8_t domain_len = static_cast<uint8_t>(domain.size() > 255 ? 255 : domain.size());
  crypto_generichash_update(&state, &domain_len, 1);
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(domain.data()), domain_len);
  crypto_generichash_update(&state, reinterpret_cast<const uint8_t*>(data.data()), data.size());
  Hash256 out;
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

absl::Status KeyedHash(const SecretBytes& key, absl::Span<const uint8_t> data,
                       absl::Span<uint8_t> out) {
  if (key.size() < crypto_generichash_KEYBYTES_MIN || key.size() > crypto_generichash_KEYBYTES_MAX) {
    return MakeError(ErrorCode::kInvalidArgument, "keyed hash: the key must be 16 to 64 bytes");
  }
  if (out.size() < crypto_generichash_BYTES_MIN || out.size() > crypto_generichash_BYTES_MAX) {
    return MakeError(ErrorCode::kInvalidArgument, "keyed hash: the output must be 16 to 64 bytes");
  }
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), key.data(), key.size());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> AeadSeal(const SecretBytes& key,
                                              absl::Span<const uint8_t> plaintext,
                                              absl::Span<const uint8_t> associated_data) {
  if (key.size() != kAeadKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "AEAD: the key must be 32 bytes");
  }
  std::vector<uint8_t> out(kAeadNonceBytes + plaintext.size() + kAeadTagBytes);
  RandomBytes(absl::MakeSpan(out.data(), kAeadNonceBytes));
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + kAeadNonceBytes, &written, plaintext.data(), plaintext.size(),
      associated_data.data(), associated_data.size(), nullptr, out.data(), key.data());
  out.resize(kAeadNonceBytes + written);
  return out;
}

absl::StatusOr<SecretBytes> AeadOpen(const SecretBytes& key, absl::Span<const uint8_t> sealed,
                                     absl::Span<const uint8_t> associated_data) {
  if (key.size() != kAeadKeyBytes || sealed.size() < kAeadNonceBytes + kAeadTagBytes) {
    return VerificationFailed();
  }
  SecretBytes plain(sealed.size() - kAeadNonceBytes - kAeadTagBytes);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &written, nullptr, sealed.data() + kAeadNonceBytes,
          sealed.size() - kAeadNonceBytes, associated_data.data(), associated_data.size(),
          sealed.data(), key.data()) != 0) {
    return VerificationFailed();
  }
  return plain;
}

SigningKeyPair GenerateSigningKeyPair() {
  SigningKeyPair pair{{}, SecretBytes(crypto_sign_SECRETKEYBYTES)};
  crypto_sign_keypair(pair.public_key.data(), pair.secret_key.data());
  return pair;
}

absl::StatusOr<SigningKeyPair> SigningKeyPairFromSeed(const SecretBytes& seed) {
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return MakeError(ErrorCode::kInvalidArgument, "signing key: the seed must be 32 bytes");
  }
  SigningKeyPair pair{{}, SecretBytes(crypto_sign_SECRETKEYBYTES)};
  crypto_sign_seed_keypair(pair.public_key.data(), pair.secret_key.data(), seed.data());
  return pair;
}

std::array<uint8_t, kSignatureBytes> Sign(const SigningKeyPair& key,
                                          absl::Span<const uint8_t> message) {
  std::array<uint8_t, kSignatureBytes> sig;
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(),
                       key.secret_key.data());
  return sig;
}

absl::Status Verify(absl::Span<const uint8_t> public_key, absl::Span<const uint8_t> message,
                    absl::Span<const uint8_t> signature) {
  if (public_key.size() != kSignPublicKeyBytes || signature.size() != kSignatureBytes ||
      crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                  public_key.data()) != 0) {
    return VerificationFailed();
  }
  return absl::OkStatus();
}

std::string ToHex(absl::Span<const uint8_t> bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();
  return hex;
}

}  // namespace socle::crypto
