// The key file provider (socle/vault.hpp): master keys sealed under an Argon2id-derived key.
#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"
#include "socle/v1/vault.pb.h"
#include "socle/vault.hpp"
#include "vault/file_util.h"
#include "vault/format.h"

namespace socle {

using vault_internal::Encoder;
using vault_internal::GetU32;
using vault_internal::PutU32;

namespace {

constexpr absl::string_view kMagic = "SOCLEKEY";
constexpr uint32_t kFormatVersion = 1;
constexpr uint8_t kKeyringLayout = 1;
constexpr size_t kMaxKeyFileBytes = 1 << 20;
constexpr size_t kMasterKeyBytes = crypto::kAeadKeyBytes;
constexpr size_t kKeyringEntryBytes = 4 + 8 + kMasterKeyBytes;
constexpr absl::string_view kKeyfileLabel = "socle.vault.keyfile.v1";

static_assert(PassphraseKdfParams::Moderate().opslimit == crypto::kPwhashModerate.opslimit);
static_assert(PassphraseKdfParams::Moderate().memlimit_bytes ==
              crypto::kPwhashModerate.memlimit_bytes);
static_assert(PassphraseKdfParams::Interactive().opslimit == crypto::kPwhashInteractive.opslimit);
static_assert(PassphraseKdfParams::Interactive().memlimit_bytes ==
              crypto::kPwhashInteractive.memlimit_bytes);
static_assert(PassphraseKdfParams::Sensitive().opslimit == crypto::kPwhashSensitive.opslimit);
static_assert(PassphraseKdfParams::Sensitive().memlimit_bytes ==
              crypto::kPwhashSensitive.memlimit_bytes);
static_assert(PassphraseKdfParams::MinimumForTests().opslimit == crypto::kPwhashMin.opslimit);
static_assert(PassphraseKdfParams::MinimumForTests().memlimit_bytes ==
              crypto::kPwhashMin.memlimit_bytes);
static_assert(PassphraseKdfParams{}.opslimit == PassphraseKdfParams::Moderate().opslimit &&
              PassphraseKdfParams{}.memlimit_bytes ==
                  PassphraseKdfParams::Moderate().memlimit_bytes);

// One message for every way unlocking can fail once the file parsed: a wrong passphrase and an
// altered byte must look the same.
absl::Status UnlockFailed() {
  return MakeError(ErrorCode::kVerificationFailed,
                   "verification failed: wrong passphrase or altered key file");
}

absl::Status UnwrapFailed() {
  return MakeError(ErrorCode::kVerificationFailed, "verification failed");
}

crypto::PwhashParams ToPwhash(const PassphraseKdfParams& p) {
  return crypto::PwhashParams{p.opslimit, p.memlimit_bytes};
}

bool InRange(const PassphraseKdfParams& p) {
  return p.opslimit >= crypto::kPwhashMin.opslimit && p.opslimit <= crypto::kPwhashMax.opslimit &&
         p.memlimit_bytes >= crypto::kPwhashMin.memlimit_bytes &&
         p.memlimit_bytes <= crypto::kPwhashMax.memlimit_bytes;
}

absl::Status CheckNewPassphrase(const SecretBytes& passphrase, const PassphraseKdfParams& kdf) {
  if (passphrase.size() < kMinPassphraseBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "the passphrase must be at least 8 bytes");
  }
  if (!InRange(kdf)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Argon2id parameters out of range (opslimit 1 to 64, memlimit 8 KiB to "
                     "4 GiB)");
  }
  return absl::OkStatus();
}

bool ValidKeyId(absl::string_view id) {
  if (id.size() != 3 + 32 || id.substr(0, 3) != "kf-") return false;
  return std::all_of(id.begin() + 3, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

struct KeyFileProvider::State {
  struct MasterKey {
    uint32_t version = 0;
    int64_t created_unix = 0;
    SecretBytes key;
  };

  std::string path;
  const Clock* clock = nullptr;
  std::string key_id;  // immutable after construction
  int64_t created_unix = 0;

  mutable std::shared_mutex mu;  // guards everything below
  PassphraseKdfParams kdf;
  std::array<uint8_t, crypto::kPwhashSaltBytes> salt{};
  int64_t updated_unix = 0;
  SecretBytes kek;              // the key derived from the passphrase
  std::vector<MasterKey> keys;  // ascending versions
  uint32_t current = 0;

  int64_t Now() const { return absl::ToUnixSeconds(clock->Now()); }

  const MasterKey* Find(uint32_t version) const {
    for (const MasterKey& k : keys) {
      if (k.version == version) return &k;
    }
    return nullptr;
  }

  std::vector<uint8_t> KeyringAd() const {
    Encoder e;
    e.Field(kKeyfileLabel)
        .U32(kFormatVersion)
        .Field(key_id)
        .U32(v1::PassphraseKdf::ARGON2ID13)
        .U64(kdf.opslimit)
        .U64(kdf.memlimit_bytes)
        .Field(absl::MakeConstSpan(salt))
        .U64(static_cast<uint64_t>(created_unix))
        .U64(static_cast<uint64_t>(updated_unix));
    return std::move(e.bytes());
  }

  // Keyring plaintext: u8 layout || u32 current || u32 count || count x (u32 version ||
  // u64 created || 32-byte key), all big-endian. Built in wiped memory.
  SecretBytes KeyringPlaintext() const {
    SecretBytes out(1 + 4 + 4 + keys.size() * kKeyringEntryBytes);
    uint8_t* p = out.data();
    *p++ = kKeyringLayout;
    PutU32(p, current);
    PutU32(p + 4, static_cast<uint32_t>(keys.size()));
    p += 8;
    for (const MasterKey& k : keys) {
      PutU32(p, k.version);
      const auto created = static_cast<uint64_t>(k.created_unix);
      PutU32(p + 4, static_cast<uint32_t>(created >> 32));
      PutU32(p + 8, static_cast<uint32_t>(created));
      std::memcpy(p + 12, k.key.data(), kMasterKeyBytes);
      p += kKeyringEntryBytes;
    }
    return out;
  }

  absl::Status ParseKeyring(const SecretBytes& plain) {
    const uint8_t* p = plain.data();
    if (plain.size() < 9 || p[0] != kKeyringLayout) {
      return MakeError(ErrorCode::kDataLoss, "key file: unknown keyring layout");
    }
    const uint32_t cur = GetU32(p + 1);
    const uint32_t count = GetU32(p + 5);
    if (count == 0 || plain.size() != 9 + size_t{count} * kKeyringEntryBytes) {
      return MakeError(ErrorCode::kDataLoss, "key file: keyring of the wrong size");
    }
    std::vector<MasterKey> parsed;
    p += 9;
    for (uint32_t i = 0; i < count; ++i, p += kKeyringEntryBytes) {
      MasterKey k;
      k.version = GetU32(p);
      k.created_unix =
          static_cast<int64_t>((uint64_t{GetU32(p + 4)} << 32) | uint64_t{GetU32(p + 8)});
      k.key = SecretBytes(p + 12, kMasterKeyBytes);
      if (k.version == 0 || (!parsed.empty() && k.version <= parsed.back().version)) {
        return MakeError(ErrorCode::kDataLoss, "key file: master key versions out of order");
      }
      parsed.push_back(std::move(k));
    }
    if (cur != parsed.back().version) {
      return MakeError(ErrorCode::kDataLoss, "key file: the current version is not the newest one");
    }
    keys = std::move(parsed);
    current = cur;
    return absl::OkStatus();
  }

  // Writes the file from the state, stamped now (the caller holds `mu` exclusively or owns the
  // state).
  absl::Status Save(vault_internal::WriteMode mode) {
    updated_unix = Now();
    const SecretBytes plain = KeyringPlaintext();
    SOCLE_ASSIGN_OR_RETURN(std::vector<uint8_t> sealed,
                           crypto::AeadSeal(kek, plain.span(), KeyringAd()));
    v1::KeyFile file;
    file.set_format_version(kFormatVersion);
    file.set_key_id(key_id);
    v1::PassphraseKdf* k = file.mutable_kdf();
    k->set_algorithm(v1::PassphraseKdf::ARGON2ID13);
    k->set_opslimit(kdf.opslimit);
    k->set_memlimit_bytes(kdf.memlimit_bytes);
    k->set_salt(salt.data(), salt.size());
    file.set_sealed_keyring(sealed.data(), sealed.size());
    file.set_created_unix_seconds(created_unix);
    file.set_updated_unix_seconds(updated_unix);
    std::string bytes(kMagic);
    if (!file.AppendToString(&bytes)) {
      return MakeError(ErrorCode::kInternal, "key file: serialisation failed");
    }
    return vault_internal::WriteFileAtomically(path, bytes, mode);
  }
};

KeyFileProvider::KeyFileProvider(std::unique_ptr<State> state) : state_(std::move(state)) {}
KeyFileProvider::~KeyFileProvider() = default;

absl::StatusOr<std::unique_ptr<KeyFileProvider>> KeyFileProvider::Create(
    const std::string& path, const SecretBytes& passphrase, const KeyFileOptions& options) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  SOCLE_RETURN_IF_ERROR(CheckNewPassphrase(passphrase, options.kdf));
  auto state = std::make_unique<State>();
  state->path = path;
  state->clock = options.clock != nullptr ? options.clock : &Clock::Real();
  std::array<uint8_t, 16> id;
  crypto::RandomBytes(absl::MakeSpan(id));
  state->key_id = "kf-" + crypto::ToHex(id);
  state->created_unix = state->Now();
  state->kdf = options.kdf;
  crypto::RandomBytes(absl::MakeSpan(state->salt));
  SOCLE_ASSIGN_OR_RETURN(state->kek,
                         crypto::DeriveKeyFromPassphrase(passphrase.span(), state->salt,
                                                         ToPwhash(state->kdf), kMasterKeyBytes));
  state->keys.push_back(
      State::MasterKey{1, state->created_unix, SecretBytes::Random(kMasterKeyBytes)});
  state->current = 1;
  SOCLE_RETURN_IF_ERROR(state->Save(vault_internal::WriteMode::kCreateNew));
  return std::unique_ptr<KeyFileProvider>(new KeyFileProvider(std::move(state)));
}

absl::StatusOr<std::unique_ptr<KeyFileProvider>> KeyFileProvider::Open(
    const std::string& path, const SecretBytes& passphrase, const KeyFileOptions& options) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  SOCLE_ASSIGN_OR_RETURN(std::string bytes, vault_internal::ReadSmallFile(path, kMaxKeyFileBytes));
  if (bytes.size() < kMagic.size() || absl::string_view(bytes).substr(0, kMagic.size()) != kMagic) {
    return MakeError(ErrorCode::kParse, "'" + path + "' is not a socle key file");
  }
  v1::KeyFile file;
  if (!file.ParseFromArray(bytes.data() + kMagic.size(),
                           static_cast<int>(bytes.size() - kMagic.size()))) {
    return MakeError(ErrorCode::kDataLoss, "key file '" + path + "' is damaged");
  }
  if (file.format_version() != kFormatVersion) {
    return MakeError(ErrorCode::kUnsupported, "key file format version " +
                                                  std::to_string(file.format_version()) +
                                                  " is not supported (this build reads version 1)");
  }
  if (file.kdf().algorithm() != v1::PassphraseKdf::ARGON2ID13) {
    return MakeError(ErrorCode::kUnsupported, "key file: unsupported passphrase KDF");
  }
  auto state = std::make_unique<State>();
  state->path = path;
  state->clock = options.clock != nullptr ? options.clock : &Clock::Real();
  state->key_id = file.key_id();
  state->created_unix = file.created_unix_seconds();
  state->updated_unix = file.updated_unix_seconds();
  state->kdf = PassphraseKdfParams{file.kdf().opslimit(), file.kdf().memlimit_bytes()};
  if (!ValidKeyId(state->key_id) || file.kdf().salt().size() != crypto::kPwhashSaltBytes ||
      !InRange(state->kdf)) {
    return MakeError(ErrorCode::kDataLoss, "key file '" + path + "' is damaged");
  }
  std::memcpy(state->salt.data(), file.kdf().salt().data(), state->salt.size());
  SOCLE_ASSIGN_OR_RETURN(state->kek,
                         crypto::DeriveKeyFromPassphrase(passphrase.span(), state->salt,
                                                         ToPwhash(state->kdf), kMasterKeyBytes));
  const std::string& sealed = file.sealed_keyring();
  auto plain = crypto::AeadOpen(
      state->kek,
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(sealed.data()), sealed.size()),
      state->KeyringAd());
  if (!plain.ok()) return UnlockFailed();
  SOCLE_RETURN_IF_ERROR(state->ParseKeyring(*plain));
  return std::unique_ptr<KeyFileProvider>(new KeyFileProvider(std::move(state)));
}

std::string KeyFileProvider::KeyId() const { return state_->key_id; }

absl::StatusOr<uint32_t> KeyFileProvider::CurrentVersion() const {
  std::shared_lock lock(state_->mu);
  return state_->current;
}

absl::StatusOr<std::vector<uint8_t>> KeyFileProvider::Wrap(
    uint32_t version, const SecretBytes& key, absl::Span<const uint8_t> associated_data) const {
  std::shared_lock lock(state_->mu);
  const State::MasterKey* master = state_->Find(version);
  if (master == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     "the key file has no master key version " + std::to_string(version));
  }
  return crypto::AeadSeal(master->key, key.span(), associated_data);
}

absl::StatusOr<SecretBytes> KeyFileProvider::Unwrap(
    uint32_t version, absl::Span<const uint8_t> wrapped,
    absl::Span<const uint8_t> associated_data) const {
  std::shared_lock lock(state_->mu);
  const State::MasterKey* master = state_->Find(version);
  if (master == nullptr) return UnwrapFailed();
  auto key = crypto::AeadOpen(master->key, wrapped, associated_data);
  if (!key.ok()) return UnwrapFailed();
  return key;
}

absl::StatusOr<uint32_t> KeyFileProvider::Rotate() {
  std::unique_lock lock(state_->mu);
  const uint32_t newest = state_->keys.back().version;
  if (newest == UINT32_MAX) {
    return MakeError(ErrorCode::kOutOfRange, "no master key version is left");
  }
  const uint32_t previous = state_->current;
  state_->keys.push_back(
      State::MasterKey{newest + 1, state_->Now(), SecretBytes::Random(kMasterKeyBytes)});
  state_->current = newest + 1;
  const absl::Status saved = state_->Save(vault_internal::WriteMode::kReplace);
  if (!saved.ok()) {
    state_->keys.pop_back();
    state_->current = previous;
    return saved;
  }
  return state_->current;
}

absl::Status KeyFileProvider::RetireVersionsBefore(uint32_t version) {
  std::unique_lock lock(state_->mu);
  if (version > state_->current) {
    return MakeError(ErrorCode::kInvalidArgument, "the current master key version cannot retire");
  }
  std::vector<State::MasterKey> kept;
  std::vector<State::MasterKey> retired;
  for (State::MasterKey& k : state_->keys) {
    (k.version < version ? retired : kept).push_back(std::move(k));
  }
  state_->keys = std::move(kept);
  if (retired.empty()) return absl::OkStatus();
  const absl::Status saved = state_->Save(vault_internal::WriteMode::kReplace);
  if (!saved.ok()) {
    // Put the retired versions back in order: the file on disk still has them.
    for (State::MasterKey& k : state_->keys) retired.push_back(std::move(k));
    state_->keys = std::move(retired);
    return saved;
  }
  return absl::OkStatus();  // `retired` is wiped here, as it goes out of scope
}

absl::Status KeyFileProvider::ChangePassphrase(const SecretBytes& new_passphrase,
                                               const PassphraseKdfParams& kdf) {
  SOCLE_RETURN_IF_ERROR(CheckNewPassphrase(new_passphrase, kdf));
  std::array<uint8_t, crypto::kPwhashSaltBytes> salt;
  crypto::RandomBytes(absl::MakeSpan(salt));
  SOCLE_ASSIGN_OR_RETURN(
      SecretBytes kek,
      crypto::DeriveKeyFromPassphrase(new_passphrase.span(), salt, ToPwhash(kdf), kMasterKeyBytes));
  std::unique_lock lock(state_->mu);
  PassphraseKdfParams previous_kdf = kdf;
  std::swap(state_->kek, kek);
  std::swap(state_->salt, salt);
  std::swap(state_->kdf, previous_kdf);
  const absl::Status saved = state_->Save(vault_internal::WriteMode::kReplace);
  if (!saved.ok()) {
    // The file still holds the old protection: keep the state that matches it.
    std::swap(state_->kek, kek);
    std::swap(state_->salt, salt);
    std::swap(state_->kdf, previous_kdf);
  }
  return saved;  // the old derived key is wiped as `kek` goes out of scope
}

PassphraseKdfParams KeyFileProvider::kdf_params() const {
  std::shared_lock lock(state_->mu);
  return state_->kdf;
}

std::vector<uint32_t> KeyFileProvider::versions() const {
  std::shared_lock lock(state_->mu);
  std::vector<uint32_t> out;
  for (const auto& k : state_->keys) out.push_back(k.version);
  return out;
}

const std::string& KeyFileProvider::path() const { return state_->path; }

}  // namespace socle
