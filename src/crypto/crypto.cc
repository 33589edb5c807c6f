#include "crypto/crypto.h"

#include <sodium.h>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
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

void RandomBytes(absl::Span<uint8_t> out) {
  // randombytes_buf() is declared nonnull: an empty span (data() may be null) is undefined
  // behaviour even with size 0.
  if (out.empty()) return;
  randombytes_buf(out.data(), out.size());
}

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

Hash256 Sha256(absl::Span<const uint8_t> data) {
  static_assert(crypto_hash_sha256_BYTES == kHashBytes);
  Hash256 out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Hash256 Sha256WithPrefix(uint8_t prefix, absl::Span<const uint8_t> data) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, &prefix, 1);
  crypto_hash_sha256_update(&state, data.data(), data.size());
  Hash256 out;
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

std::string Base64Encode(absl::Span<const uint8_t> bytes) {
  const size_t size = sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string text(size, '\0');
  sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  text.resize(size - 1);  // the terminating NUL
  return text;
}

bool Base64Decode(absl::string_view text, std::vector<uint8_t>* out) {
  out->clear();
  // libsodium (1.0.18) decodes some bytes outside the alphabet, high bytes among them, as digits:
  // only the standard alphabet and padding reach it.
  for (const char c : text) {
    const bool in_alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                             (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
    if (!in_alphabet) return false;
  }
  out->assign(text.size() / 4 * 3 + 3, 0);
  size_t written = 0;
  const char* end = nullptr;
  // libsodium refuses missing padding and non-zero unused bits; `end` catches trailing bytes.
  if (sodium_base642bin(out->data(), out->size(), text.data(), text.size(), nullptr, &written,
                        &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    // A signer key's seed travels in base64: what was decoded before the error is wiped.
    sodium_memzero(out->data(), out->size());
    out->clear();
    return false;
  }
  out->resize(written);
  return true;
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

std::optional<size_t> CheckedAdd(size_t a, size_t b) {
  size_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

absl::StatusOr<size_t> SealedSize(size_t plaintext_bytes, size_t overhead) {
  // The comparison comes first: nothing is added to a length that may be near SIZE_MAX.
  if (plaintext_bytes > kAeadMaxPlaintextBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("cannot seal ", plaintext_bytes, " bytes: the limit is ",
                                  kAeadMaxPlaintextBytes, " bytes (1 TiB)"));
  }
  const std::optional<size_t> sealed = CheckedAdd(plaintext_bytes, overhead);
  if (!sealed.has_value()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("cannot seal ", plaintext_bytes, " bytes with ", overhead,
                                  " bytes of framing: the size does not fit in memory"));
  }
  return *sealed;
}

absl::Status CheckSealedSize(size_t sealed_bytes, size_t overhead) {
  if (sealed_bytes - std::min(sealed_bytes, overhead) > kAeadMaxPlaintextBytes) {
    return VerificationFailed();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> AeadSeal(const SecretBytes& key,
                                              absl::Span<const uint8_t> plaintext,
                                              absl::Span<const uint8_t> associated_data) {
  if (key.size() != kAeadKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "AEAD: the key must be 32 bytes");
  }
  SOCLE_ASSIGN_OR_RETURN(const size_t sealed_size,
                         SealedSize(plaintext.size(), kAeadNonceBytes + kAeadTagBytes));
  std::vector<uint8_t> out(sealed_size);
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
  SOCLE_RETURN_IF_ERROR(CheckSealedSize(sealed.size(), kAeadNonceBytes + kAeadTagBytes));
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

// ---- Additions for the vault. ----

static_assert(kPwhashSaltBytes == crypto_pwhash_SALTBYTES);
static_assert(kPwhashMin.opslimit == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kPwhashMin.memlimit_bytes == crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(kPwhashInteractive.opslimit == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(kPwhashInteractive.memlimit_bytes == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
static_assert(kPwhashModerate.opslimit == crypto_pwhash_argon2id_OPSLIMIT_MODERATE);
static_assert(kPwhashModerate.memlimit_bytes == crypto_pwhash_argon2id_MEMLIMIT_MODERATE);
static_assert(kPwhashSensitive.opslimit == crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE);
static_assert(kPwhashSensitive.memlimit_bytes == crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE);
static_assert(kAeadKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

namespace {

// Bumped in every child process after fork(), so each thread's stream notices it was copied and
// reseeds from the OS: a parent and its child must never draw the same nonces.
std::atomic<uint64_t> fork_generation{1};

void OnForkChild() { fork_generation.fetch_add(1, std::memory_order_relaxed); }

class FastStream {
 public:
  FastStream() {
    static std::once_flag once;
    std::call_once(once, [] { pthread_atfork(nullptr, nullptr, &OnForkChild); });
  }
  ~FastStream() {
    sodium_memzero(seed_, sizeof seed_);
    sodium_memzero(block_, sizeof block_);
  }
  FastStream(const FastStream&) = delete;
  FastStream& operator=(const FastStream&) = delete;

  void Fill(uint8_t* out, size_t size) {
    const uint64_t generation = fork_generation.load(std::memory_order_relaxed);
    if (generation != generation_) {
      Reseed();
      generation_ = generation;
    }
    while (size > 0) {
      if (pos_ == kBlockBytes) Refill();
      const size_t n = std::min(size, kBlockBytes - pos_);
      std::memcpy(out, block_ + pos_, n);
      sodium_memzero(block_ + pos_, n);  // an output is never handed out twice
      pos_ += n;
      out += n;
      size -= n;
    }
  }

 private:
  static constexpr size_t kBlockBytes = 4096;
  static constexpr int kBlocksPerSeed = 256;  // 1 MiB of output per OS seed

  void Reseed() {
    randombytes_buf(seed_, sizeof seed_);
    blocks_since_seed_ = 0;
    pos_ = kBlockBytes;
  }

  void Refill() {
    if (blocks_since_seed_ == kBlocksPerSeed) Reseed();
    ++blocks_since_seed_;
    // Fast key erasure: the stream's first 32 bytes replace the seed, so the bytes already
    // handed out cannot be recomputed from the state left in memory.
    uint8_t stream[crypto_stream_chacha20_ietf_KEYBYTES + kBlockBytes];
    randombytes_buf_deterministic(stream, sizeof stream, seed_);
    std::memcpy(seed_, stream, sizeof seed_);
    std::memcpy(block_, stream + sizeof seed_, kBlockBytes);
    sodium_memzero(stream, sizeof stream);
    pos_ = 0;
  }

  uint8_t seed_[randombytes_SEEDBYTES] = {};
  uint8_t block_[kBlockBytes] = {};
  size_t pos_ = kBlockBytes;
  int blocks_since_seed_ = 0;
  uint64_t generation_ = 0;  // never equal to fork_generation: the first call seeds
};

}  // namespace

void FastRandomBytes(absl::Span<uint8_t> out) {
  if (out.empty()) return;
  thread_local FastStream stream;
  stream.Fill(out.data(), out.size());
}

absl::StatusOr<SecretBytes> DeriveKeyFromPassphrase(absl::Span<const uint8_t> passphrase,
                                                    absl::Span<const uint8_t> salt,
                                                    const PwhashParams& params,
                                                    size_t out_bytes) {
  if (salt.size() != kPwhashSaltBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "Argon2id: the salt must be 16 bytes");
  }
  if (params.opslimit < kPwhashMin.opslimit || params.opslimit > kPwhashMax.opslimit ||
      params.memlimit_bytes < kPwhashMin.memlimit_bytes ||
      params.memlimit_bytes > kPwhashMax.memlimit_bytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Argon2id: opslimit must be 1 to 64 and memlimit 8 KiB to 4 GiB");
  }
  if (out_bytes < 16 || out_bytes > 64) {
    return MakeError(ErrorCode::kInvalidArgument, "Argon2id: the output must be 16 to 64 bytes");
  }
  SecretBytes out(out_bytes);
  // libsodium wants a non-null pointer even for an empty passphrase.
  static const char kEmpty = 0;
  const char* pass = passphrase.empty() ? &kEmpty
                                        : reinterpret_cast<const char*>(passphrase.data());
  if (crypto_pwhash(out.data(), out.size(), pass, passphrase.size(), salt.data(),
                    params.opslimit, static_cast<size_t>(params.memlimit_bytes),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "Argon2id: the memory it needs could not be allocated");
  }
  return out;
}

}  // namespace socle::crypto

// ---- Keyed, personalised BLAKE2b and a nonce-given AEAD (used by src/pseudonym) -------------

namespace socle::crypto {
namespace {

static_assert(sizeof(crypto_generichash_blake2b_state) == 384);
static_assert(alignof(crypto_generichash_blake2b_state) <= 64);
static_assert(crypto_generichash_blake2b_PERSONALBYTES == kPersonalBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == kAeadNonceBytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == kAeadTagBytes);

// The zero-padded 16-byte personalisation block of a label.
std::array<uint8_t, kPersonalBytes> PersonalBlock(absl::string_view personal) {
  std::array<uint8_t, kPersonalBytes> block{};
  for (size_t i = 0; i < personal.size() && i < block.size(); ++i) {
    block[i] = static_cast<uint8_t>(personal[i]);
  }
  return block;
}

absl::Status CheckKeyedHashSizes(size_t key_size, absl::string_view personal, size_t out_size) {
  if (key_size < kKeyedHashMinKeyBytes || key_size > kKeyedHashMaxKeyBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "keyed hash: the key must be 16 to 64 bytes");
  }
  if (out_size < kKeyedHashMinOutBytes || out_size > kKeyedHashMaxOutBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "keyed hash: the output must be 16 to 64 bytes");
  }
  if (personal.size() > kPersonalBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "keyed hash: the personalisation label is at most 16 bytes");
  }
  return absl::OkStatus();
}

// A non-null pointer for libsodium's nonnull parameters when a span is empty.
const uint8_t* NonNull(absl::Span<const uint8_t> s) {
  static const uint8_t kEmpty = 0;
  return s.data() != nullptr ? s.data() : &kEmpty;
}

}  // namespace

absl::Status KeyedHashPersonal(absl::Span<const uint8_t> key, absl::string_view personal,
                               absl::Span<const uint8_t> data, absl::Span<uint8_t> out) {
  SOCLE_RETURN_IF_ERROR(CheckKeyedHashSizes(key.size(), personal, out.size()));
  const auto block = PersonalBlock(personal);
  crypto_generichash_blake2b_salt_personal(out.data(), out.size(), NonNull(data), data.size(),
                                           key.data(), key.size(), nullptr, block.data());
  return absl::OkStatus();
}

absl::StatusOr<KeyedHasher> KeyedHasher::Create(absl::Span<const uint8_t> key,
                                                absl::string_view personal, size_t out_bytes) {
  SOCLE_RETURN_IF_ERROR(CheckKeyedHashSizes(key.size(), personal, out_bytes));
  KeyedHasher h;
  const auto block = PersonalBlock(personal);
  crypto_generichash_blake2b_init_salt_personal(
      reinterpret_cast<crypto_generichash_blake2b_state*>(h.state_), key.data(), key.size(),
      out_bytes, nullptr, block.data());
  h.out_bytes_ = out_bytes;
  return h;
}

KeyedHasher::KeyedHasher(KeyedHasher&& other) noexcept : out_bytes_(other.out_bytes_) {
  std::memcpy(state_, other.state_, sizeof state_);
  other.Wipe();
}

KeyedHasher& KeyedHasher::operator=(KeyedHasher&& other) noexcept {
  if (this != &other) {
    std::memcpy(state_, other.state_, sizeof state_);
    out_bytes_ = other.out_bytes_;
    other.Wipe();
  }
  return *this;
}

KeyedHasher::~KeyedHasher() { Wipe(); }

void KeyedHasher::Wipe() {
  sodium_memzero(state_, sizeof state_);
  out_bytes_ = 0;
}

KeyedHasher KeyedHasher::Clone() const {
  KeyedHasher h;
  std::memcpy(h.state_, state_, sizeof state_);
  h.out_bytes_ = out_bytes_;
  return h;
}

// The working copy needs no wipe of its own: blake2b_final wipes its chaining value and its
// buffer (where the key block sits), which is all the copy holds of the key.
void KeyedHasher::Hash(absl::Span<const uint8_t> data, uint8_t* out) const {
  crypto_generichash_blake2b_state st;
  std::memcpy(&st, state_, sizeof st);
  crypto_generichash_blake2b_update(&st, data.data(), data.size());
  crypto_generichash_blake2b_final(&st, out, out_bytes_);
}

void KeyedHasher::Hash2(absl::Span<const uint8_t> a, absl::Span<const uint8_t> b,
                        uint8_t* out) const {
  crypto_generichash_blake2b_state st;
  std::memcpy(&st, state_, sizeof st);
  crypto_generichash_blake2b_update(&st, a.data(), a.size());
  crypto_generichash_blake2b_update(&st, b.data(), b.size());
  crypto_generichash_blake2b_final(&st, out, out_bytes_);
}

absl::Status AeadSealWithNonce(const SecretBytes& key, absl::Span<const uint8_t> nonce,
                               absl::Span<const uint8_t> plaintext,
                               absl::Span<const uint8_t> associated_data,
                               absl::Span<uint8_t> out) {
  SOCLE_ASSIGN_OR_RETURN(const size_t sealed_size, SealedSize(plaintext.size(), kAeadTagBytes));
  if (key.size() != kAeadKeyBytes || nonce.size() != kAeadNonceBytes ||
      out.size() != sealed_size) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "AEAD: the key must be 32 bytes, the nonce 24, the output the plaintext "
                     "size plus 16");
  }
  unsigned long long tag_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
      out.data(), out.data() + plaintext.size(), &tag_len, NonNull(plaintext), plaintext.size(),
      associated_data.data(), associated_data.size(), nullptr, nonce.data(), key.data());
  return absl::OkStatus();
}

absl::Status AeadOpenWithNonce(const SecretBytes& key, absl::Span<const uint8_t> nonce,
                               absl::Span<const uint8_t> sealed,
                               absl::Span<const uint8_t> associated_data,
                               absl::Span<uint8_t> out) {
  if (key.size() != kAeadKeyBytes || nonce.size() != kAeadNonceBytes ||
      sealed.size() < kAeadTagBytes || out.size() != sealed.size() - kAeadTagBytes) {
    return VerificationFailed();
  }
  SOCLE_RETURN_IF_ERROR(CheckSealedSize(sealed.size(), kAeadTagBytes));
  const size_t text_len = sealed.size() - kAeadTagBytes;
  uint8_t scratch = 0;  // a valid pointer for an empty plaintext
  if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
          text_len > 0 ? out.data() : &scratch, nullptr, sealed.data(), text_len,
          sealed.data() + text_len, associated_data.data(), associated_data.size(), nonce.data(),
          key.data()) != 0) {
    if (!out.empty()) sodium_memzero(out.data(), out.size());
    return VerificationFailed();
  }
  return absl::OkStatus();
}

bool ConstantTimeEquals(absl::Span<const uint8_t> a, absl::Span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void Wipe(absl::Span<uint8_t> bytes) {
  if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

}  // namespace socle::crypto
