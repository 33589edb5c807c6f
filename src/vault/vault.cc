// The vault (socle/vault.hpp): person data keys and pseudonymisation secrets wrapped by a
// provider's master key, kept in SQLite or PostgreSQL (vault/key_store.h), cached unwrapped in
// memory.
#include "socle/vault.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"
#include "vault/commit_watch.h"
#include "vault/format.h"
#include "vault/key_cache.h"
#include "vault/key_store.h"
#include "vault/pseudonym_controls.h"

namespace socle {

using vault_internal::KeyCache;
using vault_internal::KeyKind;
using vault_internal::KeyRow;
using vault_internal::KeyStore;
using vault_internal::KeyTableId;
using vault_internal::PersonTag;

namespace {

// The kind of key each table holds (vault/key_store.h's KeyTableId order).
KeyKind KindOf(KeyTableId table) {
  switch (table) {
    case KeyTableId::kTenantKeys:
      return KeyKind::kTenantLookup;
    case KeyTableId::kPersonKeys:
      return KeyKind::kPersonData;
    case KeyTableId::kPseudonymSecrets:
      return KeyKind::kPseudonymSecret;
    case KeyTableId::kLedgerSecrets:
      break;
  }
  return KeyKind::kLedgerSecret;
}

absl::Status VerificationFailed() {
  return MakeError(ErrorCode::kVerificationFailed, "verification failed");
}

absl::Status NoPersonKey() {
  return MakeError(ErrorCode::kNotFound, "no data key for this person: never created, or shredded");
}

absl::Status PersonShredded() {
  return MakeError(
      ErrorCode::kFailedPrecondition,
      "the person's data key was crypto-shredded: nothing more may be sealed for them");
}

}  // namespace

struct Vault::State {
  explicit State(const VaultOptions& o)
      : options(o),
        cache(o.cache_capacity, o.cache_ttl),
        pseudonym_cache(o.cache_capacity, o.cache_ttl) {}

  VaultOptions options;
  std::shared_ptr<KeyProvider> provider;
  std::string key_id;
  std::string tenant;
  std::string path;
  const Clock* clock = nullptr;
  SecretBytes lookup_key;  // the tenant's person-index key; immutable after Load

  // Every use of the store (its one connection).
  mutable std::mutex db_mu;
  std::unique_ptr<KeyStore> store;

  // One rotation at a time; taken before db_mu, never while holding it.
  std::mutex rotation_mu;

  KeyCache cache;
  // Unwrapped ledger secrets by ledger name. A ledger secret never changes once created (no
  // shred, no re-key; a rotation re-wraps the same bytes), so it stays for the object's life.
  std::mutex ledger_mu;
  absl::flat_hash_map<std::string, SecretBytes> ledger_secrets;
  // Unwrapped pseudonymisation secrets by version (the decimal string), with the key cache's
  // TTL and capacity: a version destroyed by this process is dropped at once, one destroyed by
  // another process is seen at most cache_ttl later.
  KeyCache pseudonym_cache;
  // Retired versions and reversal counts, on their own connection (they outlive the vault).
  std::shared_ptr<vault_internal::VaultPseudonymControls> controls;

  int64_t NowSeconds() const { return absl::ToUnixSeconds(clock->Now()); }

  std::vector<uint8_t> Ad(KeyKind kind, uint32_t master_version, absl::string_view row_tenant,
                          absl::Span<const uint8_t> subject, uint32_t subject_version) const {
    return vault_internal::WrapAssociatedData(kind, key_id, master_version, row_tenant, subject,
                                              subject_version);
  }

  absl::StatusOr<std::vector<uint8_t>> Wrap(KeyKind kind, uint32_t master_version,
                                            absl::string_view row_tenant,
                                            absl::Span<const uint8_t> subject,
                                            uint32_t subject_version,
                                            const SecretBytes& key) const {
    return provider->Wrap(master_version, key,
                          Ad(kind, master_version, row_tenant, subject, subject_version));
  }

  // Called with db_mu held, inside the write transaction (BEGIN IMMEDIATE) that stores a key
  // wrapped under `master_version`: when the provider's current version moved on since, wraps
  // again under the new one. A rotation in another process either made its version current
  // before this check, or re-wraps after this transaction commits (it waits for the write lock),
  // so no stored key stays under a version it then retires. The rotation floor (written by a
  // rotation of any process before its first batch) says which versions are about to be
  // retired: a provider whose current version is below it has not seen that rotation yet, and
  // the key is refused (FAILED_PRECONDITION) rather than acknowledged under a doomed version.
  absl::Status WrapAgainIfRotated(KeyKind kind, uint32_t& master_version,
                                  absl::string_view row_tenant, absl::Span<const uint8_t> subject,
                                  uint32_t subject_version, const SecretBytes& key,
                                  std::vector<uint8_t>& wrapped) {
    SOCLE_ASSIGN_OR_RETURN(const uint32_t now_version, provider->CurrentVersion());
    SOCLE_ASSIGN_OR_RETURN(const uint32_t floor, store->ReadMasterVersionFloor());
    if (now_version < floor) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the vault database is being re-wrapped under master key version " +
                           std::to_string(floor) +
                           ", which this key provider does not have (its current version is " +
                           std::to_string(now_version) + "): reopen the key file");
    }
    if (now_version == master_version) return absl::OkStatus();
    master_version = now_version;
    SOCLE_ASSIGN_OR_RETURN(wrapped,
                           Wrap(kind, master_version, row_tenant, subject, subject_version, key));
    return absl::OkStatus();
  }

  absl::StatusOr<SecretBytes> Unwrap(KeyKind kind, uint32_t master_version,
                                     absl::string_view row_tenant,
                                     absl::Span<const uint8_t> subject, uint32_t subject_version,
                                     absl::Span<const uint8_t> wrapped) const {
    SOCLE_ASSIGN_OR_RETURN(SecretBytes key, provider->Unwrap(master_version, wrapped,
                                                             Ad(kind, master_version, row_tenant,
                                                                subject, subject_version)));
    if (key.size() != kVaultKeyBytes) return VerificationFailed();
    return key;
  }

  absl::Status LoadTenantKey();
  absl::Status EnsurePseudonymSecret();
  // The ledger's secret as the database holds it, created when it has none. Not cached here.
  absl::StatusOr<SecretBytes> LoadLedgerSecret(absl::string_view ledger, bool create);

  using PersonRow = vault_internal::PersonRow;
  // Caller holds db_mu.
  absl::StatusOr<std::optional<PersonRow>> ReadPersonRow(const PersonTag& tag) {
    return store->ReadPerson(tenant, tag);
  }
  // Caller holds db_mu. Whether the person's tag is in shredded_persons.
  absl::StatusOr<bool> IsShredded(const PersonTag& tag) { return store->IsShredded(tenant, tag); }
  // The store's commit fingerprint, taking db_mu when the store needs it.
  absl::StatusOr<std::optional<uint64_t>> Fingerprint() {
    if (store->fingerprint_is_lock_free()) return store->Fingerprint();
    std::lock_guard lock(db_mu);
    return store->Fingerprint();
  }
  // Whether `entry` (a cached person key) may be used as is: it was last found in the person's
  // row with nothing deleted or re-wrapped since (Fingerprint).
  absl::StatusOr<bool> Vouched(const KeyCache::Entry& entry) {
    SOCLE_ASSIGN_OR_RETURN(const std::optional<uint64_t> fingerprint, Fingerprint());
    return fingerprint.has_value() &&
           entry.unshredded_as_of.load(std::memory_order_acquire) == *fingerprint;
  }

  // What PersonKey may do when the database holds no key for the person.
  enum class Missing { kNotFound, kCreate, kCreateUnlessShredded };
  // The person's key as the database holds it now: `cached` (the cache's entry, or null) when
  // the row still holds that very key, else unwrapped from the row; created, or refused, as
  // `missing` says when there is no row.
  absl::StatusOr<std::shared_ptr<const KeyCache::Entry>> PersonKey(
      absl::string_view person, Missing missing, absl::Time now,
      std::shared_ptr<const KeyCache::Entry> cached = nullptr);
  // The person's key to open their records with: the cached one (vouched for by the database
  // when the store asks for it), else the database's; NOT_FOUND when they have none.
  absl::StatusOr<std::shared_ptr<const KeyCache::Entry>> KeyToOpen(absl::string_view person);
  // Caller holds rotation_mu, not db_mu.
  absl::StatusOr<size_t> RewrapAll(uint32_t target);
};

absl::Status Vault::State::LoadTenantKey() {
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      absl::StatusOr<std::optional<vault_internal::WrappedKey>> found =
          store->ReadTenantKey(tenant);
      if (!found.ok()) return found.status();
      if (found->has_value()) {
        const vault_internal::WrappedKey& row = **found;
        SOCLE_ASSIGN_OR_RETURN(lookup_key, Unwrap(KeyKind::kTenantLookup, row.master_version,
                                                  tenant, {}, 0, row.wrapped));
        return absl::OkStatus();
      }
    }
    SecretBytes key = SecretBytes::Random(kVaultKeyBytes);
    SOCLE_ASSIGN_OR_RETURN(uint32_t master_version, provider->CurrentVersion());
    SOCLE_ASSIGN_OR_RETURN(std::vector<uint8_t> wrapped,
                           Wrap(KeyKind::kTenantLookup, master_version, tenant, {}, 0, key));
    SOCLE_ASSIGN_OR_RETURN(auto txn, store->Begin());
    SOCLE_RETURN_IF_ERROR(
        WrapAgainIfRotated(KeyKind::kTenantLookup, master_version, tenant, {}, 0, key, wrapped));
    SOCLE_ASSIGN_OR_RETURN(
        const bool inserted,
        store->InsertTenantKey(tenant, master_version, absl::MakeConstSpan(wrapped), NowSeconds()));
    SOCLE_RETURN_IF_ERROR(txn->Commit());
    if (inserted) {
      lookup_key = std::move(key);
      return absl::OkStatus();
    }
    // Another process created the tenant first: read and use its key.
  }
  return MakeError(ErrorCode::kInternal, "vault: the tenant key could not be created");
}

absl::Status Vault::State::EnsurePseudonymSecret() {
  SOCLE_ASSIGN_OR_RETURN(const uint32_t current, store->MaxPseudonymVersion(tenant));
  if (current == 0) {
    const SecretBytes secret = SecretBytes::Random(kVaultKeyBytes);
    SOCLE_ASSIGN_OR_RETURN(uint32_t master_version, provider->CurrentVersion());
    SOCLE_ASSIGN_OR_RETURN(std::vector<uint8_t> wrapped,
                           Wrap(KeyKind::kPseudonymSecret, master_version, tenant, {}, 1, secret));
    SOCLE_ASSIGN_OR_RETURN(auto txn, store->Begin());
    SOCLE_RETURN_IF_ERROR(WrapAgainIfRotated(KeyKind::kPseudonymSecret, master_version, tenant, {},
                                             1, secret, wrapped));
    SOCLE_RETURN_IF_ERROR(
        store
            ->InsertPseudonym(tenant, 1, master_version, absl::MakeConstSpan(wrapped), NowSeconds())
            .status());
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  return absl::OkStatus();
}

absl::StatusOr<SecretBytes> Vault::State::LoadLedgerSecret(absl::string_view ledger, bool create) {
  const absl::Span<const uint8_t> subject(reinterpret_cast<const uint8_t*>(ledger.data()),
                                          ledger.size());
  // A read, then a creation that may lose to another process or Vault object, then the read
  // of the winner's secret: every user of the database ends with the same bytes.
  for (int attempt = 0; attempt < 2; ++attempt) {
    uint32_t master_version = 0;
    std::vector<uint8_t> wrapped;
    bool found = false;
    {
      std::lock_guard lock(db_mu);
      SOCLE_ASSIGN_OR_RETURN(std::optional<vault_internal::WrappedKey> row,
                             store->ReadLedgerSecret(tenant, ledger));
      found = row.has_value();
      if (found) {
        master_version = row->master_version;
        wrapped = std::move(row->wrapped);
      }
    }
    if (found) {
      // Outside the lock, like a person key (an HSM may take its time).
      return Unwrap(KeyKind::kLedgerSecret, master_version, tenant, subject, 0, wrapped);
    }
    if (!create) {
      return MakeError(ErrorCode::kNotFound, "vault: this tenant has no secret for that ledger");
    }
    SecretBytes secret = SecretBytes::Random(kVaultKeyBytes);
    SOCLE_ASSIGN_OR_RETURN(master_version, provider->CurrentVersion());
    SOCLE_ASSIGN_OR_RETURN(
        wrapped, Wrap(KeyKind::kLedgerSecret, master_version, tenant, subject, 0, secret));
    std::lock_guard lock(db_mu);
    SOCLE_ASSIGN_OR_RETURN(auto txn, store->Begin());
    SOCLE_RETURN_IF_ERROR(WrapAgainIfRotated(KeyKind::kLedgerSecret, master_version, tenant,
                                             subject, 0, secret, wrapped));
    SOCLE_ASSIGN_OR_RETURN(const bool inserted,
                           store->InsertLedgerSecret(tenant, ledger, master_version,
                                                     absl::MakeConstSpan(wrapped), NowSeconds()));
    SOCLE_RETURN_IF_ERROR(txn->Commit());
    if (inserted) return secret;
    // Another process or Vault object created it first: read and use theirs.
  }
  return MakeError(ErrorCode::kInternal, "vault: the ledger secret could not be created");
}

absl::StatusOr<std::shared_ptr<const KeyCache::Entry>> Vault::State::PersonKey(
    absl::string_view person, Missing missing, absl::Time now,
    std::shared_ptr<const KeyCache::Entry> cached) {
  const uint64_t epoch = cache.epoch();  // before the database read: see KeyCache::Insert
  SOCLE_ASSIGN_OR_RETURN(const PersonTag tag,
                         vault_internal::ComputePersonTag(lookup_key, tenant, person));
  std::optional<uint32_t> failed_master_version;
  // At most: a read that races with a rotation, a re-read, a creation that loses to another
  // process, and its re-read.
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::optional<PersonRow> row;
    bool shredded = false;
    // Before the read transaction begins: a commit between the two moves the fingerprint on,
    // so what the read finds is at least as recent as `as_of` (KeyCache::Entry).
    std::optional<uint64_t> as_of;
    {
      std::lock_guard lock(db_mu);
      SOCLE_ASSIGN_OR_RETURN(as_of, store->Fingerprint());
      SOCLE_ASSIGN_OR_RETURN(row, ReadPersonRow(tag));
      if (!row.has_value() && missing == Missing::kCreateUnlessShredded) {
        SOCLE_ASSIGN_OR_RETURN(shredded, IsShredded(tag));
      }
    }
    if (row.has_value() && cached != nullptr && cached->version == row->key_version &&
        cached->wrapped == row->wrapped) {
      // The row still holds the cached key: no unwrap.
      cached->unshredded_as_of.store(as_of.value_or(vault_internal::CommitWatch::kNone),
                                     std::memory_order_release);
      return cached;
    }
    if (row.has_value()) {
      // Unwrapped outside the lock (an HSM may take milliseconds). A rotation that retired
      // the version we read can win the race: then the row has moved on, so read it again.
      if (failed_master_version == row->master_version) return VerificationFailed();
      auto key = Unwrap(KeyKind::kPersonData, row->master_version, tenant, tag, row->key_version,
                        row->wrapped);
      if (!key.ok()) {
        if (ErrorCodeOf(key.status()) != ErrorCode::kVerificationFailed) return key.status();
        failed_master_version = row->master_version;
        continue;
      }
      auto entry = std::make_shared<KeyCache::Entry>();
      entry->key = *std::move(key);
      entry->version = row->key_version;
      entry->loaded = now;
      entry->wrapped = std::move(row->wrapped);
      entry->unshredded_as_of.store(as_of.value_or(vault_internal::CommitWatch::kNone),
                                    std::memory_order_release);
      cache.Insert(person, entry, epoch, now);
      return std::shared_ptr<const KeyCache::Entry>(std::move(entry));
    }
    if (missing == Missing::kNotFound) {
      // Shredded elsewhere while cached here (a store that vouches for every cached use).
      if (cached != nullptr) cache.Shred(person);
      return NoPersonKey();
    }
    if (shredded) {
      // Shredded by this or another process: a key this process may still cache is dead.
      if (cached != nullptr) cache.Shred(person);
      return PersonShredded();
    }

    // A new data key: random, never derived from anything.
    auto entry = std::make_shared<KeyCache::Entry>();
    entry->key = SecretBytes::Random(kVaultKeyBytes);
    entry->version = 1;
    entry->loaded = now;
    SOCLE_ASSIGN_OR_RETURN(uint32_t master_version, provider->CurrentVersion());
    SOCLE_ASSIGN_OR_RETURN(
        std::vector<uint8_t> wrapped,
        Wrap(KeyKind::kPersonData, master_version, tenant, tag, entry->version, entry->key));
    bool inserted = false;
    {
      std::lock_guard lock(db_mu);
      SOCLE_ASSIGN_OR_RETURN(auto txn, store->Begin());
      if (missing == Missing::kCreateUnlessShredded) {
        // Again under the write lock: a key created and shredded by another process since the
        // read above must not be replaced by this one.
        SOCLE_ASSIGN_OR_RETURN(shredded, IsShredded(tag));
        if (shredded) {
          if (cached != nullptr) cache.Shred(person);
          return PersonShredded();  // the transaction rolls back: nothing was written
        }
      }
      // If a rotation (of this process or another) moved on since we wrapped, wrap again
      // under the version every other key now uses.
      SOCLE_RETURN_IF_ERROR(WrapAgainIfRotated(KeyKind::kPersonData, master_version, tenant, tag,
                                               entry->version, entry->key, wrapped));
      SOCLE_ASSIGN_OR_RETURN(inserted,
                             store->InsertPerson(tenant, tag, entry->version, master_version,
                                                 absl::MakeConstSpan(wrapped), NowSeconds()));
      SOCLE_RETURN_IF_ERROR(txn->Commit());
    }
    entry->wrapped = std::move(wrapped);
    if (inserted) {
      cache.Insert(person, entry, epoch, now);
      return std::shared_ptr<const KeyCache::Entry>(std::move(entry));
    }
    // Another process created this person's key first: use theirs.
  }
  return VerificationFailed();
}

// In batches, with the provider called outside db_mu and outside any transaction: seals, opens
// and other processes keep going while an HSM takes its time. Each batch commits on its own, so
// a failure keeps the batches before it (every key stays readable: nothing is retired until
// every row is at `target`) and running the rotation again finishes the job.
absl::StatusOr<size_t> Vault::State::RewrapAll(uint32_t target) {
  size_t total = 0;
  // Another process may have rotated again since `target` was made: re-wrapping its keys back
  // under `target` would leave them under a version its retirement then destroys. Checked
  // before the first batch and again inside each batch's write transaction (a rotation that
  // makes its version current after that commit sees these rows in its own scan).
  const auto target_still_current = [&]() -> absl::Status {
    SOCLE_ASSIGN_OR_RETURN(const uint32_t current, provider->CurrentVersion());
    if (current == target) return absl::OkStatus();
    return MakeError(ErrorCode::kFailedPrecondition,
                     "another rotation made master key version " + std::to_string(current) +
                         " current meanwhile: run the rotation again");
  };
  SOCLE_RETURN_IF_ERROR(target_still_current());
  for (const KeyTableId table : vault_internal::kAllKeyTables) {
    const KeyKind kind = KindOf(table);
    int idle_batches = 0;
    for (;;) {
      std::vector<KeyRow> rows;
      {
        std::lock_guard lock(db_mu);
        SOCLE_ASSIGN_OR_RETURN(rows, store->RowsBelow(table, target));
      }
      if (rows.empty()) break;
      std::vector<std::vector<uint8_t>> rewrapped;
      rewrapped.reserve(rows.size());
      for (const KeyRow& row : rows) {
        SOCLE_ASSIGN_OR_RETURN(const SecretBytes key,
                               Unwrap(kind, row.master_version, row.tenant, row.subject,
                                      row.subject_version, row.wrapped));
        SOCLE_ASSIGN_OR_RETURN(rewrapped.emplace_back(), Wrap(kind, target, row.tenant, row.subject,
                                                              row.subject_version, key));
      }
      size_t updated = 0;
      {
        std::lock_guard lock(db_mu);
        SOCLE_ASSIGN_OR_RETURN(auto txn, store->Begin());
        SOCLE_RETURN_IF_ERROR(target_still_current());
        for (size_t i = 0; i < rows.size(); ++i) {
          SOCLE_ASSIGN_OR_RETURN(const bool done, store->Rewrap(table, rows[i], target,
                                                                absl::MakeConstSpan(rewrapped[i])));
          updated += done ? 1 : 0;
        }
        SOCLE_RETURN_IF_ERROR(txn->Commit());
      }
      total += updated;
      // Every row of a batch is either updated or changed by someone else (shredded, or
      // re-wrapped by another rotation); rows that keep changing under us mean another
      // rotation is fighting this one.
      idle_batches = updated == 0 ? idle_batches + 1 : 0;
      if (idle_batches >= 3) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "vault: keys keep changing under the rotation; is another rotation "
                         "running on this database?");
      }
    }
  }
  return total;
}

Vault::Vault(std::unique_ptr<State> state) : state_(std::move(state)) {}

Vault::~Vault() {
  std::lock_guard lock(state_->db_mu);
  state_->store->Close();
}

absl::StatusOr<std::unique_ptr<Vault>> Vault::Open(std::shared_ptr<KeyProvider> provider,
                                                   const std::string& db_path,
                                                   absl::string_view tenant,
                                                   const VaultOptions& options) {
  SOCLE_RETURN_IF_ERROR(crypto::Init());
  if (provider == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "the key provider must not be null");
  }
  SOCLE_RETURN_IF_ERROR(vault_internal::CheckTenant(tenant));
  if (options.cache_ttl <= absl::ZeroDuration()) {
    return MakeError(ErrorCode::kInvalidArgument, "the cache TTL must be positive");
  }
  auto state = std::make_unique<State>(options);
  state->provider = std::move(provider);
  state->key_id = state->provider->KeyId();
  state->tenant = std::string(tenant);
  state->path = db_path;
  state->clock = options.clock != nullptr ? options.clock : &Clock::Real();
  // Creates or migrates the schema, refuses one socle did not write, prepares the statements.
  SOCLE_ASSIGN_OR_RETURN(state->store, vault_internal::OpenKeyStore(db_path, /*init=*/true));
  SOCLE_RETURN_IF_ERROR(state->store->BindKeyId(state->key_id));
  // A shred that a crash (or a reader) interrupted after its delete committed: finish it before
  // anything else, or refuse to open.
  SOCLE_RETURN_IF_ERROR(state->store->FinishPendingShreds());
  SOCLE_RETURN_IF_ERROR(state->LoadTenantKey());
  SOCLE_RETURN_IF_ERROR(state->EnsurePseudonymSecret());
  state->store->StartWatch();
  SOCLE_ASSIGN_OR_RETURN(state->controls, vault_internal::VaultPseudonymControls::Open(
                                              db_path, state->tenant, state->lookup_key));
  return std::unique_ptr<Vault>(new Vault(std::move(state)));
}

absl::StatusOr<std::vector<uint8_t>> Vault::SealRecord(const RecordRef& record,
                                                       absl::Span<const uint8_t> plaintext,
                                                       KeyCreation key_creation) {
  SOCLE_RETURN_IF_ERROR(vault_internal::CheckRecordRef(record));
  // Before any key is created or any size computed: a huge length must change nothing.
  SOCLE_ASSIGN_OR_RETURN(const size_t sealed_size,
                         crypto::SealedSize(plaintext.size(), kSealedRecordOverhead));
  const absl::Time now = state_->clock->Now();
  std::shared_ptr<const KeyCache::Entry> entry = state_->cache.Find(record.person_id, now);
  switch (key_creation) {
    case KeyCreation::kOnFirstUse:
      if (entry != nullptr && state_->store->vouch_every_cached_use()) {
        SOCLE_ASSIGN_OR_RETURN(const bool vouched, state_->Vouched(*entry));
        if (!vouched) {
          SOCLE_ASSIGN_OR_RETURN(entry, state_->PersonKey(record.person_id, State::Missing::kCreate,
                                                          now, std::move(entry)));
        }
      }
      if (entry == nullptr) {
        SOCLE_ASSIGN_OR_RETURN(entry,
                               state_->PersonKey(record.person_id, State::Missing::kCreate, now));
      }
      break;
    case KeyCreation::kRefuseIfShredded: {
      // The database decides, whatever the cache holds: another process (or Vault object) may
      // have shredded the person since this key was cached. It is read again only when
      // something was committed since a read last found this very key in the person's row
      // (by anyone: a shred is a commit); a shred by this object also drops the key from the
      // cache.
      if (entry != nullptr) {
        SOCLE_ASSIGN_OR_RETURN(const bool vouched, state_->Vouched(*entry));
        if (vouched) break;
      }
      SOCLE_ASSIGN_OR_RETURN(
          entry, state_->PersonKey(record.person_id, State::Missing::kCreateUnlessShredded, now,
                                   std::move(entry)));
      break;
    }
    default:
      return MakeError(ErrorCode::kInvalidArgument, "unknown KeyCreation value");
  }
  uint8_t nonce[crypto::kAeadNonceBytes];
  crypto::FastRandomBytes(absl::MakeSpan(nonce));
  std::vector<uint8_t> out(sealed_size);
  SOCLE_RETURN_IF_ERROR(vault_internal::SealRecord(entry->key, entry->version, state_->tenant,
                                                   record, nonce, plaintext, absl::MakeSpan(out)));
  return out;
}

absl::StatusOr<SecretBytes> Vault::LedgerSecret(absl::string_view ledger, bool create) {
  SOCLE_RETURN_IF_ERROR(vault_internal::CheckLedgerName(ledger));
  {
    std::lock_guard lock(state_->ledger_mu);
    const auto it = state_->ledger_secrets.find(ledger);
    if (it != state_->ledger_secrets.end()) return it->second.Clone();
  }
  SOCLE_ASSIGN_OR_RETURN(SecretBytes secret, state_->LoadLedgerSecret(ledger, create));
  std::lock_guard lock(state_->ledger_mu);
  // Two threads may both have loaded it: they read (or one wrote, the other read) the same row.
  return state_->ledger_secrets.try_emplace(ledger, std::move(secret)).first->second.Clone();
}

absl::StatusOr<std::shared_ptr<const KeyCache::Entry>> Vault::State::KeyToOpen(
    absl::string_view person) {
  const absl::Time now = clock->Now();
  std::shared_ptr<const KeyCache::Entry> entry = cache.Find(person, now);
  if (entry != nullptr && store->vouch_every_cached_use()) {
    SOCLE_ASSIGN_OR_RETURN(const bool vouched, Vouched(*entry));
    if (!vouched) {
      SOCLE_ASSIGN_OR_RETURN(entry, PersonKey(person, Missing::kNotFound, now, std::move(entry)));
    }
  }
  if (entry == nullptr) {
    SOCLE_ASSIGN_OR_RETURN(entry, PersonKey(person, Missing::kNotFound, now));
  }
  return entry;
}

absl::StatusOr<SecretBytes> Vault::OpenRecord(const RecordRef& record,
                                              absl::Span<const uint8_t> sealed) {
  SOCLE_RETURN_IF_ERROR(vault_internal::CheckRecordRef(record));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t key_version, vault_internal::RecordKeyVersion(sealed));
  SOCLE_ASSIGN_OR_RETURN(const std::shared_ptr<const KeyCache::Entry> entry,
                         state_->KeyToOpen(record.person_id));
  if (entry->version != key_version) return VerificationFailed();
  return vault_internal::OpenRecord(entry->key, state_->tenant, record, sealed);
}

absl::StatusOr<std::vector<absl::StatusOr<SecretBytes>>> Vault::OpenRecords(
    absl::Span<const RecordRef> records, absl::Span<const absl::Span<const uint8_t>> sealed) {
  if (records.size() != sealed.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "OpenRecords: as many sealed records as references are needed");
  }
  for (const RecordRef& record : records) {
    if (record.person_id != records.front().person_id) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "OpenRecords: every record of a batch must be about the same person");
    }
  }
  // Each record's own checks first, as OpenRecord makes them: the key is looked up only when a
  // record passed them, and a failed look-up is the error of each such record.
  std::vector<absl::Status> checks(records.size());
  std::vector<uint32_t> versions(records.size());
  bool any = false;
  for (size_t i = 0; i < records.size(); ++i) {
    checks[i] = vault_internal::CheckRecordRef(records[i]);
    if (checks[i].ok()) {
      absl::StatusOr<uint32_t> version = vault_internal::RecordKeyVersion(sealed[i]);
      if (version.ok()) versions[i] = *version;
      checks[i] = version.status();
    }
    any = any || checks[i].ok();
  }
  absl::StatusOr<std::shared_ptr<const KeyCache::Entry>> entry = NoPersonKey();
  if (any) entry = state_->KeyToOpen(records.front().person_id);
  std::vector<absl::StatusOr<SecretBytes>> out;
  out.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    if (!checks[i].ok()) {
      out.emplace_back(std::move(checks[i]));
    } else if (!entry.ok()) {
      out.emplace_back(entry.status());
    } else if ((*entry)->version != versions[i]) {
      out.emplace_back(VerificationFailed());
    } else {
      out.push_back(
          vault_internal::OpenRecord((*entry)->key, state_->tenant, records[i], sealed[i]));
    }
  }
  return out;
}

absl::Status Vault::ShredPerson(absl::string_view person_id) {
  SOCLE_RETURN_IF_ERROR(vault_internal::CheckPersonId(person_id));
  const std::string id(person_id);
  SOCLE_ASSIGN_OR_RETURN(std::vector<absl::Status> shredded,
                         ShredPersons(absl::MakeConstSpan(&id, 1)));
  return shredded.front();
}

absl::StatusOr<std::vector<absl::Status>> Vault::ShredPersons(
    absl::Span<const std::string> person_ids) {
  if (person_ids.size() > kMaxShredBatch) {
    return MakeError(ErrorCode::kOutOfRange, absl::StrCat("ShredPersons: more than ",
                                                          kMaxShredBatch, " persons in one call"));
  }
  std::vector<PersonTag> tags;
  tags.reserve(person_ids.size());
  for (size_t i = 0; i < person_ids.size(); ++i) {
    const absl::Status valid = vault_internal::CheckPersonId(person_ids[i]);
    if (!valid.ok()) {
      return MakeError(ErrorCodeOf(valid),
                       absl::StrCat("ShredPersons: person_ids[", i, "]: ", valid.message()));
    }
    SOCLE_ASSIGN_OR_RETURN(
        const PersonTag tag,
        vault_internal::ComputePersonTag(state_->lookup_key, state_->tenant, person_ids[i]));
    tags.push_back(tag);
  }
  std::vector<absl::Status> out(person_ids.size());
  std::lock_guard lock(state_->db_mu);
  bool any = false;  // a key deleted now, or a pending shred to finish
  {
    SOCLE_ASSIGN_OR_RETURN(auto txn, state_->store->Begin());
    const int64_t now = state_->NowSeconds();
    for (size_t i = 0; i < tags.size(); ++i) {
      SOCLE_ASSIGN_OR_RETURN(const bool deleted,
                             state_->store->DeletePersonKeys(state_->tenant, tags[i]));
      bool pending = false;  // deleted by an earlier call (or entry) whose truncation is not done
      if (deleted) {
        // In the same transaction as the delete: a crash before the copies are cleaned up
        // leaves a pending shred, and the next Open finishes the job. The shredded tag is
        // remembered for good, in the same transaction: a crash cannot lose it, and a seal that
        // must not bring the person back (KeyCreation::kRefuseIfShredded) is refused from the
        // commit on, in every process.
        SOCLE_RETURN_IF_ERROR(state_->store->RecordShred(state_->tenant, tags[i], now));
      } else {
        SOCLE_ASSIGN_OR_RETURN(pending, state_->store->HasPendingShred(state_->tenant, tags[i]));
      }
      if (!deleted && !pending) out[i] = NoPersonKey();
      any = any || deleted || pending;
    }
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  // After the commit, so a concurrent miss that read the row before it cannot cache it again.
  for (const std::string& id : person_ids) state_->cache.Shred(id);
  if (!any) return out;
  // SQLite: the WAL still holds the page images that carried the wrapped keys: fold them into
  // the database (where secure_delete zeroed the rows) and truncate the WAL, once for the
  // batch. Success is reported only once that happened. PostgreSQL: VACUUM of the key table
  // (docs/postgresql.md).
  SOCLE_RETURN_IF_ERROR(state_->store->FinishPendingShreds());
  return out;
}

absl::StatusOr<RotationReport> Vault::RotateMasterKey(bool retire_previous) {
  std::lock_guard rotation_lock(state_->rotation_mu);
  RotationReport report;
  auto rotated = state_->provider->Rotate();
  if (rotated.ok()) {
    report.master_version = *rotated;
  } else if (ErrorCodeOf(rotated.status()) == ErrorCode::kUnsupported) {
    SOCLE_ASSIGN_OR_RETURN(report.master_version, state_->provider->CurrentVersion());
  } else {
    return rotated.status();
  }
  {
    // Before the first batch: from now on no connection commits a new person key below this
    // version, so the last (empty) look for such rows cannot be overtaken by another process's
    // first seal wrapped under a version about to be retired.
    std::lock_guard lock(state_->db_mu);
    SOCLE_ASSIGN_OR_RETURN(auto txn, state_->store->Begin());
    SOCLE_RETURN_IF_ERROR(state_->store->RaiseMasterVersionFloor(report.master_version));
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  SOCLE_ASSIGN_OR_RETURN(report.rewrapped, state_->RewrapAll(report.master_version));
  if (retire_previous) {
    const absl::Status retired = state_->provider->RetireVersionsBefore(report.master_version);
    if (retired.ok()) {
      report.retired_previous = true;
    } else if (ErrorCodeOf(retired) != ErrorCode::kUnsupported) {
      return retired;
    }
  }
  // Old wrapped bytes are overwritten in the database; drop their old copies where the store
  // can (best effort: they only open with the master key versions they were wrapped under).
  std::lock_guard lock(state_->db_mu);
  state_->store->AfterRewrap();
  return report;
}

absl::StatusOr<uint32_t> Vault::CurrentPseudonymVersion() const {
  // Read every time (one indexed row): a version another process added is current here too.
  std::lock_guard lock(state_->db_mu);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t current,
                         state_->store->MaxPseudonymVersion(state_->tenant));
  if (current == 0) {
    return MakeError(ErrorCode::kNotFound, "the vault holds no pseudonymisation secret");
  }
  return current;
}

absl::StatusOr<SecretBytes> Vault::PseudonymMasterSecret(uint32_t version) const {
  const std::string cache_key = std::to_string(version);
  const absl::Time now = state_->clock->Now();
  if (auto cached = state_->pseudonym_cache.Find(cache_key, now)) return cached->key.Clone();
  const uint64_t epoch = state_->pseudonym_cache.epoch();
  uint32_t master_version = 0;
  std::vector<uint8_t> wrapped;
  {
    std::lock_guard lock(state_->db_mu);
    SOCLE_ASSIGN_OR_RETURN(std::optional<vault_internal::WrappedKey> found,
                           state_->store->ReadPseudonym(state_->tenant, version));
    if (!found.has_value()) {
      return MakeError(ErrorCode::kNotFound,
                       "no pseudonymisation secret of version " + std::to_string(version));
    }
    master_version = found->master_version;
    wrapped = std::move(found->wrapped);
  }
  SOCLE_ASSIGN_OR_RETURN(SecretBytes secret,
                         state_->Unwrap(KeyKind::kPseudonymSecret, master_version, state_->tenant,
                                        {}, version, wrapped));
  auto entry = std::make_shared<KeyCache::Entry>();
  entry->key = secret.Clone();
  entry->version = version;
  entry->loaded = now;
  // Dropped if this process destroyed any version since `epoch` was read.
  state_->pseudonym_cache.Insert(cache_key, std::move(entry), epoch, now);
  return secret;
}

absl::StatusOr<uint32_t> Vault::RotatePseudonymSecret() {
  std::lock_guard lock(state_->db_mu);
  SOCLE_ASSIGN_OR_RETURN(const uint32_t newest, state_->store->MaxPseudonymVersion(state_->tenant));
  if (newest == UINT32_MAX) {
    return MakeError(ErrorCode::kOutOfRange, "no pseudonymisation secret version is left");
  }
  const uint32_t version = newest + 1;
  const SecretBytes secret = SecretBytes::Random(kVaultKeyBytes);
  SOCLE_ASSIGN_OR_RETURN(uint32_t master_version, state_->provider->CurrentVersion());
  SOCLE_ASSIGN_OR_RETURN(
      std::vector<uint8_t> wrapped,
      state_->Wrap(KeyKind::kPseudonymSecret, master_version, state_->tenant, {}, version, secret));
  SOCLE_ASSIGN_OR_RETURN(auto txn, state_->store->Begin());
  SOCLE_RETURN_IF_ERROR(state_->WrapAgainIfRotated(KeyKind::kPseudonymSecret, master_version,
                                                   state_->tenant, {}, version, secret, wrapped));
  SOCLE_ASSIGN_OR_RETURN(
      const bool inserted,
      state_->store->InsertPseudonym(state_->tenant, version, master_version,
                                     absl::MakeConstSpan(wrapped), state_->NowSeconds()));
  if (!inserted) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "another process added a pseudonymisation secret version at the same time");
  }
  SOCLE_RETURN_IF_ERROR(txn->Commit());
  // A cached secret of this version number can only be one destroyed and re-created elsewhere:
  // drop it (and race-proof later inserts) like a destroyed one.
  state_->pseudonym_cache.Shred(std::to_string(version));
  return version;
}

absl::Status Vault::DestroyPseudonymSecret(uint32_t version) {
  std::lock_guard lock(state_->db_mu);
  bool deleted = false;
  {
    SOCLE_ASSIGN_OR_RETURN(auto txn, state_->store->Begin());
    // The current version as the database says it now (another process may have rotated).
    SOCLE_ASSIGN_OR_RETURN(const uint32_t current,
                           state_->store->MaxPseudonymVersion(state_->tenant));
    if (version == current) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the current pseudonymisation secret cannot be destroyed; rotate first");
    }
    SOCLE_ASSIGN_OR_RETURN(deleted, state_->store->DeletePseudonym(state_->tenant, version));
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  // After the commit, so a concurrent miss that read the row before it cannot cache it again.
  state_->pseudonym_cache.Shred(std::to_string(version));
  state_->store->AfterPseudonymDelete();
  if (!deleted) {
    return MakeError(ErrorCode::kNotFound,
                     "no pseudonymisation secret of version " + std::to_string(version));
  }
  return absl::OkStatus();
}

absl::Status Vault::RetirePseudonymVersions(uint32_t through) {
  return state_->controls->RetireThrough(through);
}

absl::StatusOr<uint32_t> Vault::RetiredPseudonymVersions() const {
  return state_->controls->RetiredThrough();
}

std::shared_ptr<PseudonymControls> Vault::pseudonym_controls() const { return state_->controls; }

absl::Status Vault::Verify() const {
  std::lock_guard lock(state_->db_mu);
  SOCLE_RETURN_IF_ERROR(state_->store->CheckIntegrity());
  size_t checked = 0;
  size_t failed = 0;
  for (const KeyTableId table : vault_internal::kAllKeyTables) {
    SOCLE_ASSIGN_OR_RETURN(const std::vector<KeyRow> rows,
                           state_->store->TenantRows(table, state_->tenant));
    for (const KeyRow& row : rows) {
      ++checked;
      const auto key = state_->Unwrap(KindOf(table), row.master_version, row.tenant, row.subject,
                                      row.subject_version, row.wrapped);
      if (!key.ok()) {
        if (ErrorCodeOf(key.status()) != ErrorCode::kVerificationFailed) return key.status();
        ++failed;
      }
    }
  }
  if (failed > 0) {
    return MakeError(ErrorCode::kDataLoss, "vault: " + std::to_string(failed) + " of " +
                                               std::to_string(checked) +
                                               " keys do not unwrap with this key provider");
  }
  return absl::OkStatus();
}

const std::string& Vault::tenant() const { return state_->tenant; }

size_t Vault::cached_keys() const { return state_->cache.size(); }

}  // namespace socle
