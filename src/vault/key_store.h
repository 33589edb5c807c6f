// Where the vault keeps its wrapped keys: the queries the vault (vault.cc) and its
// pseudonymisation controls (pseudonym_controls.cc) make, as methods, over SQLite
// (sqlite_key_store.cc, a file per deployment) or PostgreSQL (pg_key_store.cc, the schema
// socle_vault that every application server shares).
//
// Every method runs on the store's one connection: the caller serialises them (the vault's
// db_mu, the controls' mutex). Methods other than Begin, BindKeyId, FinishPendingShreds,
// CheckIntegrity and the maintenance hooks run inside the transaction Begin opened, if any, else
// on their own. Begin opens a write transaction that excludes every other writer of the vault
// database (SQLite: BEGIN IMMEDIATE; PostgreSQL: the row lock of socle_vault.writer), so the
// vault's reasoning about rotations and shreds is the same on both.
#ifndef SOCLE_SRC_VAULT_KEY_STORE_H_
#define SOCLE_SRC_VAULT_KEY_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "vault/format.h"

namespace socle::vault_internal {

// The wrapped-key tables, read the same way by rotation and verification.
enum class KeyTableId { kTenantKeys = 0, kPersonKeys, kPseudonymSecrets, kLedgerSecrets };
inline constexpr KeyTableId kAllKeyTables[] = {KeyTableId::kTenantKeys, KeyTableId::kPersonKeys,
                                               KeyTableId::kPseudonymSecrets,
                                               KeyTableId::kLedgerSecrets};
inline constexpr size_t kRewrapBatch = 256;

// One row of a wrapped-key table: the subject is the person tag, the ledger name's bytes, or
// empty; subject_version the key or secret version, or 0.
struct KeyRow {
  int64_t id = 0;
  std::string tenant;
  std::vector<uint8_t> subject;
  uint32_t subject_version = 0;
  uint32_t master_version = 0;
  std::vector<uint8_t> wrapped;
};

struct WrappedKey {
  uint32_t master_version = 0;
  std::vector<uint8_t> wrapped;
};

struct PersonRow {
  uint32_t key_version = 0;
  uint32_t master_version = 0;
  std::vector<uint8_t> wrapped;
};

// A row of reversal_counts (pseudonym_controls.h).
struct CountsRow {
  int64_t window_nanos = 0;
  int64_t window_index = 0;
  int64_t previous_count = 0;
  int64_t current_count = 0;
  int64_t expires_at = 0;
};

class KeyStore {
 public:
  class Transaction {
   public:
    virtual ~Transaction() = default;  // rolls back unless committed
    virtual absl::Status Commit() = 0;
  };

  virtual ~KeyStore() = default;

  virtual absl::StatusOr<std::unique_ptr<Transaction>> Begin() = 0;

  // Binds the database to the provider's master key id on first use; FAILED_PRECONDITION when
  // it is bound to another. Its own transaction.
  virtual absl::Status BindKeyId(const std::string& key_id) = 0;

  virtual absl::StatusOr<std::optional<WrappedKey>> ReadTenantKey(absl::string_view tenant) = 0;
  // Whether a row was inserted (false: another writer created the tenant first).
  virtual absl::StatusOr<bool> InsertTenantKey(absl::string_view tenant, uint32_t master_version,
                                               absl::Span<const uint8_t> wrapped,
                                               int64_t created_at) = 0;

  // The person's newest key.
  virtual absl::StatusOr<std::optional<PersonRow>> ReadPerson(absl::string_view tenant,
                                                              const PersonTag& tag) = 0;
  virtual absl::StatusOr<bool> InsertPerson(absl::string_view tenant, const PersonTag& tag,
                                            uint32_t key_version, uint32_t master_version,
                                            absl::Span<const uint8_t> wrapped,
                                            int64_t created_at) = 0;
  // Deletes every key of the person; whether any was.
  virtual absl::StatusOr<bool> DeletePersonKeys(absl::string_view tenant,
                                                const PersonTag& tag) = 0;
  // In the shred's transaction, after DeletePersonKeys deleted a key: the pending shred, the
  // shredded tag, and whatever tells other connections' caches.
  virtual absl::Status RecordShred(absl::string_view tenant, const PersonTag& tag,
                                   int64_t now_seconds) = 0;
  virtual absl::StatusOr<bool> HasPendingShred(absl::string_view tenant,
                                               const PersonTag& tag) = 0;
  virtual absl::StatusOr<bool> IsShredded(absl::string_view tenant, const PersonTag& tag) = 0;
  // Outside any transaction: removes what the store can of the deleted keys' copies, then
  // clears the pending shreds that covered. FAILED_PRECONDITION when copies may remain and a
  // later call must finish (SQLite: a reader kept the WAL from being truncated).
  virtual absl::Status FinishPendingShreds() = 0;

  // 0 when the tenant has none.
  virtual absl::StatusOr<uint32_t> MaxPseudonymVersion(absl::string_view tenant) = 0;
  virtual absl::StatusOr<std::optional<WrappedKey>> ReadPseudonym(absl::string_view tenant,
                                                                  uint32_t version) = 0;
  virtual absl::StatusOr<bool> InsertPseudonym(absl::string_view tenant, uint32_t version,
                                               uint32_t master_version,
                                               absl::Span<const uint8_t> wrapped,
                                               int64_t created_at) = 0;
  virtual absl::StatusOr<bool> DeletePseudonym(absl::string_view tenant, uint32_t version) = 0;

  virtual absl::StatusOr<std::optional<WrappedKey>> ReadLedgerSecret(absl::string_view tenant,
                                                                     absl::string_view ledger) = 0;
  virtual absl::StatusOr<bool> InsertLedgerSecret(absl::string_view tenant,
                                                  absl::string_view ledger,
                                                  uint32_t master_version,
                                                  absl::Span<const uint8_t> wrapped,
                                                  int64_t created_at) = 0;

  // The rotation floor (0: none) and its raise (never lowered).
  virtual absl::StatusOr<uint32_t> ReadMasterVersionFloor() = 0;
  virtual absl::Status RaiseMasterVersionFloor(uint32_t version) = 0;
  // The next rows of `table` (all tenants) wrapped below `target`, by id, at most kRewrapBatch.
  virtual absl::StatusOr<std::vector<KeyRow>> RowsBelow(KeyTableId table, uint32_t target) = 0;
  // Re-wraps the row only if it still holds what was read; whether it did.
  virtual absl::StatusOr<bool> Rewrap(KeyTableId table, const KeyRow& row, uint32_t target,
                                      absl::Span<const uint8_t> rewrapped) = 0;
  // Every row of `table` of `tenant`.
  virtual absl::StatusOr<std::vector<KeyRow>> TenantRows(KeyTableId table,
                                                         absl::string_view tenant) = 0;

  // The pseudonymisation controls' tables.
  virtual absl::StatusOr<uint32_t> MaxRetired(absl::string_view tenant) = 0;
  virtual absl::Status InsertRetired(absl::string_view tenant, uint32_t through,
                                     int64_t retired_at) = 0;
  virtual absl::Status PruneCounts(absl::string_view tenant, int64_t now_nanos,
                                   int64_t limit) = 0;
  virtual absl::StatusOr<std::optional<CountsRow>> ReadCounts(absl::string_view tenant,
                                                              absl::Span<const uint8_t> tag) = 0;
  virtual absl::Status UpsertCounts(absl::string_view tenant, absl::Span<const uint8_t> tag,
                                    const CountsRow& row) = 0;

  // The storage's own integrity check (SQLite's integrity_check); DATA_LOSS when it fails.
  virtual absl::Status CheckIntegrity() = 0;
  // Best effort, after a rotation re-wrapped keys and after a pseudonymisation secret was
  // deleted: drop old copies where the storage can (SQLite: truncate the WAL).
  virtual void AfterRewrap() = 0;
  virtual void AfterPseudonymDelete() = 0;
  // When the vault closes (SQLite: finish pending shreds, leave no WAL).
  virtual void Close() = 0;

  // The commit fingerprint (vault/commit_watch.h): a value that moves on whenever a key that a
  // cache may hold is deleted or re-wrapped, by any connection; nullopt when it cannot be read
  // now (the caller then reads the database). Starts once the vault is loaded (StartWatch).
  virtual void StartWatch() = 0;
  virtual absl::StatusOr<std::optional<uint64_t>> Fingerprint() = 0;
  // Whether Fingerprint may be called without the caller's serialisation (SQLite: it reads
  // shared memory); PostgreSQL's is a query on the connection.
  virtual bool fingerprint_is_lock_free() const = 0;
  // Whether every use of a cached person key must be vouched for by Fingerprint (PostgreSQL:
  // the servers of a deployment share the keys, and a shred on one is seen by the others at
  // once); SQLite vouches only for kRefuseIfShredded seals (others: cache_ttl).
  virtual bool vouch_every_cached_use() const = 0;
};

// Opens the vault's store at `path`: a PostgreSQL URI (pg::IsPostgresUri) or a SQLite file.
// With `init`, creates or migrates the schema and checks it (the vault's Open); without it,
// expects the schema the vault made (the controls' own connection).
absl::StatusOr<std::unique_ptr<KeyStore>> OpenSqliteKeyStore(const std::string& path, bool init);
absl::StatusOr<std::unique_ptr<KeyStore>> OpenPgKeyStore(const std::string& uri, bool init);
absl::StatusOr<std::unique_ptr<KeyStore>> OpenKeyStore(const std::string& path, bool init);

}  // namespace socle::vault_internal

#endif  // SOCLE_SRC_VAULT_KEY_STORE_H_
