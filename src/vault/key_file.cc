// The key file provider (socle/vault.hpp): master keys sealed under an Argon2id-derived key.
//
// Across processes: every read-modify-write of the file (rotate, retire, change of passphrase)
// holds an flock on "<path>.lock" while it re-reads the file, changes it, writes a temporary
// file, fsyncs it, renames it into place and fsyncs the directory, so no writer loses another's
// change. A provider remembers which file it read (FileSnapshot) and reads it again, under its
// own key-encryption key, when the file changed and it needs the current keyring: before
// CurrentVersion and Wrap, and when Unwrap meets a version it does not hold.
#include "vault/key_file.h"

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
#include "storage/file_util.h"
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

bool AboveInteractiveFloor(const PassphraseKdfParams& p) {
  return p.opslimit >= crypto::kPwhashInteractive.opslimit &&
         p.memlimit_bytes >= crypto::kPwhashInteractive.memlimit_bytes;
}

absl::Status CheckNewPassphrase(const SecretBytes& passphrase, const PassphraseKdfParams& kdf,
                                bool allow_weak_kdf) {
  if (passphrase.size() < kMinPassphraseBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "the passphrase must be at least 8 bytes");
  }
  if (!InRange(kdf)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Argon2id parameters out of range (opslimit 1 to 64, memlimit 8 KiB to "
                     "4 GiB)");
  }
  if (!allow_weak_kdf && !AboveInteractiveFloor(kdf)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Argon2id parameters below libsodium's INTERACTIVE set (opslimit 2, "
                     "64 MiB) are for tests only");
  }
  return absl::OkStatus();
}

bool ValidKeyId(absl::string_view id) {
  if (id.size() != 3 + 32 || id.substr(0, 3) != "kf-") return false;
  return std::all_of(id.begin() + 3, id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool SameKdf(const PassphraseKdfParams& a, const PassphraseKdfParams& b) {
  return a.opslimit == b.opslimit && a.memlimit_bytes == b.memlimit_bytes;
}

using vault_internal::KeyFileHeader;
using MasterKey = vault_internal::MasterKeyEntry;

// The part of a key file that changes: its protection and its master keys.
struct Keyring {
  PassphraseKdfParams kdf;
  std::array<uint8_t, crypto::kPwhashSaltBytes> salt{};
  int64_t updated_unix = 0;
  SecretBytes kek;              // the key derived from the passphrase
  std::vector<MasterKey> keys;  // ascending versions
  uint32_t current = 0;

  Keyring Clone() const {
    Keyring out;
    out.kdf = kdf;
    out.salt = salt;
    out.updated_unix = updated_unix;
    out.kek = kek.Clone();
    for (const MasterKey& k : keys)
      out.keys.push_back(MasterKey{k.version, k.created_unix, k.key.Clone()});
    out.current = current;
    return out;
  }

  const MasterKey* Find(uint32_t version) const {
    for (const MasterKey& k : keys) {
      if (k.version == version) return &k;
    }
    return nullptr;
  }
};

std::vector<uint8_t> KeyringAd(absl::string_view key_id, int64_t created_unix,
                               const PassphraseKdfParams& kdf, absl::Span<const uint8_t> salt,
                               int64_t updated_unix) {
  Encoder e;
  e.Field(kKeyfileLabel)
      .U32(kFormatVersion)
      .Field(key_id)
      .U32(v1::PassphraseKdf::ARGON2ID13)
      .U64(kdf.opslimit)
      .U64(kdf.memlimit_bytes)
      .Field(salt)
      .U64(static_cast<uint64_t>(created_unix))
      .U64(static_cast<uint64_t>(updated_unix));
  return std::move(e.bytes());
}

// Keyring plaintext: u8 layout || u32 current || u32 count || count x (u32 version ||
// u64 created || 32-byte key), all big-endian. Built in wiped memory.
SecretBytes KeyringPlaintext(const Keyring& ring) {
  SecretBytes out(1 + 4 + 4 + ring.keys.size() * kKeyringEntryBytes);
  uint8_t* p = out.data();
  *p++ = kKeyringLayout;
  PutU32(p, ring.current);
  PutU32(p + 4, static_cast<uint32_t>(ring.keys.size()));
  p += 8;
  for (const MasterKey& k : ring.keys) {
    PutU32(p, k.version);
    const auto created = static_cast<uint64_t>(k.created_unix);
    PutU32(p + 4, static_cast<uint32_t>(created >> 32));
    PutU32(p + 8, static_cast<uint32_t>(created));
    std::memcpy(p + 12, k.key.data(), kMasterKeyBytes);
    p += kKeyringEntryBytes;
  }
  return out;
}

// Decrypts the keyring of a parsed file under `kek` (which the caller derived, or holds).
absl::StatusOr<Keyring> UnlockKeyring(const KeyFileHeader& header, SecretBytes kek) {
  const std::string& sealed = header.sealed_keyring;
  auto plain = crypto::AeadOpen(
      kek, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(sealed.data()), sealed.size()),
      KeyringAd(header.key_id, header.created_unix, header.kdf, header.salt, header.updated_unix));
  if (!plain.ok()) return UnlockFailed();
  SOCLE_ASSIGN_OR_RETURN(vault_internal::ParsedKeyring parsed,
                         vault_internal::ParseKeyringPlaintext(plain->span()));
  Keyring ring;
  ring.kdf = header.kdf;
  ring.salt = header.salt;
  ring.updated_unix = header.updated_unix;
  ring.kek = std::move(kek);
  ring.keys = std::move(parsed.keys);
  ring.current = parsed.current;
  return ring;
}

}  // namespace

namespace vault_internal {

absl::StatusOr<KeyFileHeader> ParseKeyFileBytes(const std::string& where, absl::string_view bytes) {
  if (bytes.size() < kMagic.size() || bytes.substr(0, kMagic.size()) != kMagic) {
    return MakeError(ErrorCode::kParse, "'" + where + "' is not a socle key file");
  }
  v1::KeyFile file;
  if (!file.ParseFromArray(bytes.data() + kMagic.size(),
                           static_cast<int>(bytes.size() - kMagic.size()))) {
    return MakeError(ErrorCode::kDataLoss, "key file '" + where + "' is damaged");
  }
  if (file.format_version() != kFormatVersion) {
    return MakeError(ErrorCode::kUnsupported, "key file format version " +
                                                  std::to_string(file.format_version()) +
                                                  " is not supported (this build reads version 1)");
  }
  if (file.kdf().algorithm() != v1::PassphraseKdf::ARGON2ID13) {
    return MakeError(ErrorCode::kUnsupported, "key file: unsupported passphrase KDF");
  }
  KeyFileHeader header;
  header.key_id = file.key_id();
  header.created_unix = file.created_unix_seconds();
  header.updated_unix = file.updated_unix_seconds();
  header.kdf = PassphraseKdfParams{file.kdf().opslimit(), file.kdf().memlimit_bytes()};
  if (!ValidKeyId(header.key_id) || file.kdf().salt().size() != crypto::kPwhashSaltBytes ||
      !InRange(header.kdf)) {
    return MakeError(ErrorCode::kDataLoss, "key file '" + where + "' is damaged");
  }
  std::memcpy(header.salt.data(), file.kdf().salt().data(), header.salt.size());
  header.sealed_keyring = std::move(*file.mutable_sealed_keyring());
  return header;
}

absl::StatusOr<ParsedKeyring> ParseKeyringPlaintext(absl::Span<const uint8_t> plain) {
  const uint8_t* p = plain.data();
  if (plain.size() < 9 || p[0] != kKeyringLayout) {
    return MakeError(ErrorCode::kDataLoss, "key file: unknown keyring layout");
  }
  const uint32_t cur = GetU32(p + 1);
  const uint32_t count = GetU32(p + 5);
  // Compared by division: `count * kKeyringEntryBytes` must not wrap on any platform.
  if (count == 0 || (plain.size() - 9) % kKeyringEntryBytes != 0 ||
      (plain.size() - 9) / kKeyringEntryBytes != count) {
    return MakeError(ErrorCode::kDataLoss, "key file: keyring of the wrong size");
  }
  ParsedKeyring parsed;
  p += 9;
  for (uint32_t i = 0; i < count; ++i, p += kKeyringEntryBytes) {
    MasterKeyEntry k;
    k.version = GetU32(p);
    k.created_unix =
        static_cast<int64_t>((uint64_t{GetU32(p + 4)} << 32) | uint64_t{GetU32(p + 8)});
    k.key = SecretBytes(p + 12, kMasterKeyBytes);
    if (k.version == 0 || (!parsed.keys.empty() && k.version <= parsed.keys.back().version)) {
      return MakeError(ErrorCode::kDataLoss, "key file: master key versions out of order");
    }
    parsed.keys.push_back(std::move(k));
  }
  if (cur != parsed.keys.back().version) {
    return MakeError(ErrorCode::kDataLoss, "key file: the current version is not the newest one");
  }
  parsed.current = cur;
  return parsed;
}

}  // namespace vault_internal

struct KeyFileProvider::State {
  std::string path;
  std::string lock_path;  // path + ".lock": the key file itself is replaced by rename()
  const Clock* clock = nullptr;
  std::string key_id;  // immutable after construction
  int64_t created_unix = 0;
  bool allow_weak_kdf = false;

  mutable std::shared_mutex mu;  // guards everything below
  Keyring ring;
  // The file `ring` was read from or written as; while `path` still names it, `ring` is what
  // the file holds.
  storage::FileSnapshot snapshot;

  int64_t Now() const { return absl::ToUnixSeconds(clock->Now()); }

  absl::StatusOr<std::string> Serialise(const Keyring& r) const {
    const SecretBytes plain = KeyringPlaintext(r);
    SOCLE_ASSIGN_OR_RETURN(
        std::vector<uint8_t> sealed,
        crypto::AeadSeal(r.kek, plain.span(),
                         KeyringAd(key_id, created_unix, r.kdf, r.salt, r.updated_unix)));
    v1::KeyFile file;
    file.set_format_version(kFormatVersion);
    file.set_key_id(key_id);
    v1::PassphraseKdf* k = file.mutable_kdf();
    k->set_algorithm(v1::PassphraseKdf::ARGON2ID13);
    k->set_opslimit(r.kdf.opslimit);
    k->set_memlimit_bytes(r.kdf.memlimit_bytes);
    k->set_salt(r.salt.data(), r.salt.size());
    file.set_sealed_keyring(sealed.data(), sealed.size());
    file.set_created_unix_seconds(created_unix);
    file.set_updated_unix_seconds(r.updated_unix);
    std::string bytes(kMagic);
    if (!file.AppendToString(&bytes)) {
      return MakeError(ErrorCode::kInternal, "key file: serialisation failed");
    }
    return bytes;
  }

  // Reads the file again if it changed since `snapshot` (one stat() otherwise). Caller holds
  // `mu` exclusively. FAILED_PRECONDITION when the file now belongs to another master key or
  // was re-protected under another passphrase (this process cannot read it any more); `ring`
  // is then left as it was, and every later call tries again.
  absl::Status Refresh() {
    if (snapshot.StillCurrent(path)) return absl::OkStatus();
    std::string bytes;
    SOCLE_ASSIGN_OR_RETURN(storage::FileSnapshot fresh,
                           storage::FileSnapshot::Read(path, kMaxKeyFileBytes, &bytes));
    SOCLE_ASSIGN_OR_RETURN(const KeyFileHeader header,
                           vault_internal::ParseKeyFileBytes(path, bytes));
    if (header.key_id != key_id || header.created_unix != created_unix) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "key file '" + path + "' now holds another master key");
    }
    if (!SameKdf(header.kdf, ring.kdf) || header.salt != ring.salt) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "key file '" + path +
                           "' was re-protected under another passphrase since this process "
                           "opened it: open it again with the new passphrase");
    }
    SOCLE_ASSIGN_OR_RETURN(Keyring fresh_ring, UnlockKeyring(header, ring.kek.Clone()));
    ring = std::move(fresh_ring);
    snapshot = std::move(fresh);
    return absl::OkStatus();
  }

  // The one read-modify-write of the file: under the lock file, re-reads the file, applies
  // `change` to a copy of what it holds (a change that returns false writes nothing), writes
  // the copy back and adopts it. Caller holds `mu` exclusively.
  template <typename Change>
  absl::Status Rewrite(Change change) {
    SOCLE_ASSIGN_OR_RETURN(const storage::FileLock lock,
                           storage::FileLock::Exclusive(lock_path));
    SOCLE_RETURN_IF_ERROR(Refresh());
    Keyring next = ring.Clone();
    SOCLE_ASSIGN_OR_RETURN(const bool changed, change(next));
    if (!changed) return absl::OkStatus();
    next.updated_unix = Now();
    SOCLE_ASSIGN_OR_RETURN(const std::string bytes, Serialise(next));
    const absl::Status written =
        storage::WriteFileAtomically(path, bytes, storage::WriteMode::kReplace);
    // Adopt what the file holds now: the new bytes once the rename happened, even if the
    // directory fsync then failed (the error is still returned).
    std::string now;
    auto fresh = storage::FileSnapshot::Read(path, kMaxKeyFileBytes, &now);
    if (fresh.ok() && now == bytes) {
      ring = std::move(next);
      snapshot = *std::move(fresh);
    }
    return written;
  }
};

KeyFileProvider::KeyFileProvider(std::unique_ptr<State> state) : state_(std::move(state)) {}
KeyFileProvider::~KeyFileProvider() = default;

absl::StatusOr<std::unique_ptr<KeyFileProvider>> KeyFileProvider::Create(
    const std::string& path, const SecretBytes& passphrase, const KeyFileOptions& options) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  SOCLE_RETURN_IF_ERROR(
      CheckNewPassphrase(passphrase, options.kdf, options.allow_weak_kdf_for_tests));
  auto state = std::make_unique<State>();
  state->path = path;
  state->lock_path = path + ".lock";
  state->clock = options.clock != nullptr ? options.clock : &Clock::Real();
  state->allow_weak_kdf = options.allow_weak_kdf_for_tests;
  std::array<uint8_t, 16> id;
  crypto::RandomBytes(absl::MakeSpan(id));
  state->key_id = "kf-" + crypto::ToHex(id);
  state->created_unix = state->Now();
  Keyring& ring = state->ring;
  ring.kdf = options.kdf;
  crypto::RandomBytes(absl::MakeSpan(ring.salt));
  SOCLE_ASSIGN_OR_RETURN(
      ring.kek, crypto::DeriveKeyFromPassphrase(passphrase.span(), ring.salt, ToPwhash(ring.kdf),
                                                kMasterKeyBytes));
  ring.keys.push_back(MasterKey{1, state->created_unix, SecretBytes::Random(kMasterKeyBytes)});
  ring.current = 1;
  ring.updated_unix = state->created_unix;
  SOCLE_ASSIGN_OR_RETURN(const std::string bytes, state->Serialise(ring));
  SOCLE_RETURN_IF_ERROR(
      storage::WriteFileAtomically(path, bytes, storage::WriteMode::kCreateNew));
  std::string now;
  auto fresh = storage::FileSnapshot::Read(path, kMaxKeyFileBytes, &now);
  // Replaced already by someone else? Then the empty snapshot makes the first use read it.
  if (fresh.ok() && now == bytes) state->snapshot = *std::move(fresh);
  return std::unique_ptr<KeyFileProvider>(new KeyFileProvider(std::move(state)));
}

absl::StatusOr<std::unique_ptr<KeyFileProvider>> KeyFileProvider::Open(
    const std::string& path, const SecretBytes& passphrase, const KeyFileOptions& options) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  std::string bytes;
  SOCLE_ASSIGN_OR_RETURN(storage::FileSnapshot snapshot,
                         storage::FileSnapshot::Read(path, kMaxKeyFileBytes, &bytes));
  SOCLE_ASSIGN_OR_RETURN(const KeyFileHeader header,
                         vault_internal::ParseKeyFileBytes(path, bytes));
  if (!options.allow_weak_kdf_for_tests && !AboveInteractiveFloor(header.kdf)) {
    // Checked before paying for Argon2id. Re-protect such a file (ChangePassphrase) from a
    // program that opens it with allow_weak_kdf_for_tests.
    return MakeError(ErrorCode::kFailedPrecondition,
                     "key file '" + path +
                         "' uses Argon2id parameters below libsodium's INTERACTIVE set "
                         "(opslimit 2, 64 MiB), which are for tests only");
  }
  auto state = std::make_unique<State>();
  state->path = path;
  state->lock_path = path + ".lock";
  state->clock = options.clock != nullptr ? options.clock : &Clock::Real();
  state->allow_weak_kdf = options.allow_weak_kdf_for_tests;
  state->key_id = header.key_id;
  state->created_unix = header.created_unix;
  SOCLE_ASSIGN_OR_RETURN(SecretBytes kek,
                         crypto::DeriveKeyFromPassphrase(passphrase.span(), header.salt,
                                                         ToPwhash(header.kdf), kMasterKeyBytes));
  SOCLE_ASSIGN_OR_RETURN(state->ring, UnlockKeyring(header, std::move(kek)));
  state->snapshot = std::move(snapshot);
  return std::unique_ptr<KeyFileProvider>(new KeyFileProvider(std::move(state)));
}

std::string KeyFileProvider::KeyId() const { return state_->key_id; }

absl::StatusOr<uint32_t> KeyFileProvider::CurrentVersion() const {
  {
    std::shared_lock lock(state_->mu);
    if (state_->snapshot.StillCurrent(state_->path)) return state_->ring.current;
  }
  std::unique_lock lock(state_->mu);
  SOCLE_RETURN_IF_ERROR(state_->Refresh());
  return state_->ring.current;
}

absl::StatusOr<std::vector<uint8_t>> KeyFileProvider::Wrap(
    uint32_t version, const SecretBytes& key, absl::Span<const uint8_t> associated_data) const {
  std::shared_lock lock(state_->mu);
  if (!state_->snapshot.StillCurrent(state_->path)) {
    lock.unlock();
    {
      std::unique_lock exclusive(state_->mu);
      SOCLE_RETURN_IF_ERROR(state_->Refresh());
    }
    lock.lock();
  }
  // A version retired by any process is gone from the file, so from `ring` after Refresh.
  const MasterKey* master = state_->ring.Find(version);
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
  const MasterKey* master = state_->ring.Find(version);
  if (master == nullptr) {
    // Perhaps another process rotated: read the file again.
    lock.unlock();
    {
      std::unique_lock exclusive(state_->mu);
      SOCLE_RETURN_IF_ERROR(state_->Refresh());
    }
    lock.lock();
    master = state_->ring.Find(version);
    if (master == nullptr) return UnwrapFailed();
  }
  auto key = crypto::AeadOpen(master->key, wrapped, associated_data);
  if (!key.ok()) return UnwrapFailed();
  return key;
}

absl::StatusOr<uint32_t> KeyFileProvider::Rotate() {
  std::unique_lock lock(state_->mu);
  const int64_t now = state_->Now();
  SOCLE_RETURN_IF_ERROR(state_->Rewrite([now](Keyring& next) -> absl::StatusOr<bool> {
    const uint32_t newest = next.keys.back().version;
    if (newest == UINT32_MAX) {
      return MakeError(ErrorCode::kOutOfRange, "no master key version is left");
    }
    next.keys.push_back(MasterKey{newest + 1, now, SecretBytes::Random(kMasterKeyBytes)});
    next.current = newest + 1;
    return true;
  }));
  return state_->ring.current;
}

absl::Status KeyFileProvider::RetireVersionsBefore(uint32_t version) {
  std::unique_lock lock(state_->mu);
  return state_->Rewrite([version](Keyring& next) -> absl::StatusOr<bool> {
    if (version > next.current) {
      return MakeError(ErrorCode::kInvalidArgument, "the current master key version cannot retire");
    }
    const size_t before = next.keys.size();
    // The retired keys are wiped as they are erased (SecretBytes).
    next.keys.erase(std::remove_if(next.keys.begin(), next.keys.end(),
                                   [version](const MasterKey& k) { return k.version < version; }),
                    next.keys.end());
    return next.keys.size() != before;
  });
}

absl::Status KeyFileProvider::ChangePassphrase(const SecretBytes& new_passphrase,
                                               const PassphraseKdfParams& kdf) {
  SOCLE_RETURN_IF_ERROR(CheckNewPassphrase(new_passphrase, kdf, state_->allow_weak_kdf));
  std::array<uint8_t, crypto::kPwhashSaltBytes> salt;
  crypto::RandomBytes(absl::MakeSpan(salt));
  // Argon2id runs before any lock is taken.
  SOCLE_ASSIGN_OR_RETURN(
      const SecretBytes kek,
      crypto::DeriveKeyFromPassphrase(new_passphrase.span(), salt, ToPwhash(kdf), kMasterKeyBytes));
  std::unique_lock lock(state_->mu);
  return state_->Rewrite([&](Keyring& next) -> absl::StatusOr<bool> {
    next.kek = kek.Clone();
    next.salt = salt;
    next.kdf = kdf;
    return true;
  });
}

PassphraseKdfParams KeyFileProvider::kdf_params() const {
  std::shared_lock lock(state_->mu);
  return state_->ring.kdf;
}

std::vector<uint32_t> KeyFileProvider::versions() const {
  std::shared_lock lock(state_->mu);
  std::vector<uint32_t> out;
  for (const auto& k : state_->ring.keys) out.push_back(k.version);
  return out;
}

const std::string& KeyFileProvider::path() const { return state_->path; }

}  // namespace socle
