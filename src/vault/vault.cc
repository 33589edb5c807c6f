// The vault (socle/vault.hpp): person data keys and pseudonymisation secrets wrapped by a
// provider's master key, kept in SQLite, cached unwrapped in memory.
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
#include "absl/time/time.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "socle/error.hpp"
#include "vault/commit_watch.h"
#include "vault/format.h"
#include "vault/key_cache.h"
#include "vault/pseudonym_controls.h"
#include "storage/sqlite.h"

namespace socle {

using sqlite::Database;
using vault_internal::KeyCache;
using vault_internal::KeyKind;
using vault_internal::PersonTag;
using sqlite::Statement;
using sqlite::StatementUse;
using sqlite::Transaction;

namespace {

constexpr int64_t kApplicationId = 0x534f4356;  // "SOCV": PRAGMA application_id of a vault
constexpr int64_t kSchemaVersion = 4;           // PRAGMA user_version
constexpr int64_t kRewrapBatch = 256;
// Written by the transaction that creates or migrates the schema.
constexpr char kSetVersionsSql[] = "PRAGMA application_id=1397703510; PRAGMA user_version=4;";
static_assert(kApplicationId == 1397703510 && kSchemaVersion == 4);

// Ordinary rowid tables on purpose: in a WITHOUT ROWID table (an index b-tree) interior pages
// hold whole copies of rows as divider keys, and a deleted row's copy may stay there, wrapped
// key included. Here interior pages hold rowids only; the unique indexes repeat the tenant and
// the person tag (a keyed hash), never key material.
//
// Schema version 2 added the pending shreds and the pseudonymisation controls
// (vault/pseudonym_controls.h), version 3 the shredded persons, version 4 the ledger secrets.
// The same text creates them in a new database (kSchemaSql) and in an older one (kSchemaV2Sql,
// kSchemaV3Sql, kSchemaV4Sql, InitSchema), so a migrated vault has exactly the schema of a new
// one.
constexpr char kSchemaV1Sql[] = R"sql(
CREATE TABLE meta (
  name TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL);
CREATE TABLE tenant_keys (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL UNIQUE,
  master_version INTEGER NOT NULL,
  wrapped BLOB NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE person_keys (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  person_tag BLOB NOT NULL,
  key_version INTEGER NOT NULL,
  master_version INTEGER NOT NULL,
  wrapped BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant, person_tag, key_version));
CREATE TABLE pseudonym_secrets (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  version INTEGER NOT NULL,
  master_version INTEGER NOT NULL,
  wrapped BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant, version));
)sql";
// pending_shreds: a crypto-shred whose deleted key may still have copies in the WAL. The row is
// written in the transaction of the delete and removed only after a checkpoint truncated the
// WAL; Load finishes any shred a crash interrupted.
constexpr char kSchemaV2Sql[] = R"sql(
CREATE TABLE pending_shreds (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  person_tag BLOB NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE pseudonym_retirements (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  through_version INTEGER NOT NULL,
  retired_at INTEGER NOT NULL,
  UNIQUE (tenant, through_version));
CREATE TABLE reversal_counts (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  actor_tag BLOB NOT NULL,
  window_nanos INTEGER NOT NULL,
  window_index INTEGER NOT NULL,
  previous_count INTEGER NOT NULL,
  current_count INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (tenant, actor_tag));
CREATE INDEX reversal_counts_expiry ON reversal_counts (tenant, expires_at);
)sql";
// shredded_persons: the keyed tag of every person whose data key was crypto-shredded, written
// in the transaction of the delete, kept for good, so that a seal that must not bring a
// shredded person's key back (KeyCreation::kRefuseIfShredded) can tell "shredded" from "never
// seen". No id, no time (the access trail records when), no key material.
constexpr char kSchemaV3Sql[] = R"sql(
CREATE TABLE shredded_persons (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  person_tag BLOB NOT NULL,
  UNIQUE (tenant, person_tag));
)sql";
// ledger_secrets: the root secret of each ledger of a tenant (Vault::LedgerSecret), wrapped like
// every key. Never deleted by a shred; re-wrapped by a rotation.
constexpr char kSchemaV4Sql[] = R"sql(
CREATE TABLE ledger_secrets (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  ledger TEXT NOT NULL,
  master_version INTEGER NOT NULL,
  wrapped BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant, ledger));
)sql";
// Data of the migration from version 2: the shreds a crash left pending are shreds too. (Shreds
// that completed under version 2 left no trace on purpose, and cannot be recovered.)
constexpr char kMigrateV2DataSql[] = R"sql(
INSERT INTO shredded_persons (tenant, person_tag)
  SELECT DISTINCT tenant, person_tag FROM pending_shreds WHERE true
  ON CONFLICT DO NOTHING;
)sql";

// The parts one after the other (without their terminating NULs) and one NUL, at compile time.
template <size_t... N>
constexpr std::array<char, (N + ...) - sizeof...(N) + 1> Concat(const char (&... parts)[N]) {
  std::array<char, (N + ...) - sizeof...(N) + 1> out{};
  size_t pos = 0;
  ((std::copy_n(parts, N - 1, out.begin() + pos), pos += N - 1), ...);
  return out;
}
constexpr auto kSchemaSqlText = Concat(kSchemaV1Sql, kSchemaV2Sql, kSchemaV3Sql, kSchemaV4Sql);
// The whole schema of a new vault.
constexpr const char* kSchemaSql = kSchemaSqlText.data();

// Every wrapped-key table read the same way by rotation and verification:
// id, tenant, subject, subject_version, master_version, wrapped.
struct KeyTable {
  const char* name;
  KeyKind kind;
  const char* columns;
};
constexpr KeyTable kKeyTables[] = {
    {"tenant_keys", KeyKind::kTenantLookup, "id, tenant, X'', 0, master_version, wrapped"},
    {"person_keys", KeyKind::kPersonData,
     "id, tenant, person_tag, key_version, master_version, wrapped"},
    {"pseudonym_secrets", KeyKind::kPseudonymSecret,
     "id, tenant, X'', version, master_version, wrapped"},
    {"ledger_secrets", KeyKind::kLedgerSecret,
     "id, tenant, CAST(ledger AS BLOB), 0, master_version, wrapped"},
};

struct KeyRow {
  int64_t id = 0;
  std::string tenant;
  std::vector<uint8_t> subject;
  uint32_t subject_version = 0;
  uint32_t master_version = 0;
  std::vector<uint8_t> wrapped;
};

KeyRow ReadKeyRow(const Statement& s) {
  return KeyRow{s.Int(0),
                s.Text(1),
                s.Blob(2),
                static_cast<uint32_t>(s.Int(3)),
                static_cast<uint32_t>(s.Int(4)),
                s.Blob(5)};
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

absl::Status NotAVault(const std::string& path) {
  return MakeError(ErrorCode::kFailedPrecondition, "'" + path + "' is not a socle vault database");
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

  // Every use of the database and its statements. Declared before the statements, which must
  // be finalised first.
  mutable std::mutex db_mu;
  std::unique_ptr<Database> db;
  std::unique_ptr<Statement> select_person;
  std::unique_ptr<Statement> insert_person;
  std::unique_ptr<Statement> delete_person;
  std::unique_ptr<Statement> select_pseudonym;
  std::unique_ptr<Statement> max_pseudonym;
  std::unique_ptr<Statement> insert_pseudonym;
  std::unique_ptr<Statement> delete_pseudonym;
  std::unique_ptr<Statement> insert_pending_shred;
  std::unique_ptr<Statement> select_pending_shred;
  std::unique_ptr<Statement> insert_shredded;
  std::unique_ptr<Statement> select_shredded;
  std::unique_ptr<Statement> select_floor;
  std::unique_ptr<Statement> raise_floor;
  std::unique_ptr<Statement> select_ledger;
  std::unique_ptr<Statement> insert_ledger;
  // Per entry of kKeyTables: the next batch of rows to re-wrap, and the conditional update.
  std::unique_ptr<Statement> rewrap_select[std::size(kKeyTables)];
  std::unique_ptr<Statement> rewrap_update[std::size(kKeyTables)];

  // One rotation at a time; taken before db_mu, never while holding it.
  std::mutex rotation_mu;

  KeyCache cache;
  // Tells a kRefuseIfShredded seal whether anything was committed since its cached key was last
  // found in the database. Made once the WAL index is open; uses the connection's mapping.
  std::unique_ptr<vault_internal::CommitWatch> commit_watch;
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
    uint32_t floor = 0;
    {
      StatementUse use(*select_floor);
      SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
      if (row) floor = static_cast<uint32_t>(use->Int(0));
    }
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

  absl::Status InitSchema();
  absl::Status CheckSchema();
  absl::Status BindKeyId();
  absl::Status PrepareStatements();
  absl::Status LoadTenantKey();
  absl::Status EnsurePseudonymSecret();
  // The ledger's secret as the database holds it, created when it has none. Not cached here.
  absl::StatusOr<SecretBytes> LoadLedgerSecret(absl::string_view ledger, bool create);

  struct PersonRow {
    uint32_t key_version = 0;
    uint32_t master_version = 0;
    std::vector<uint8_t> wrapped;
  };
  // Caller holds db_mu.
  absl::StatusOr<std::optional<PersonRow>> ReadPersonRow(const PersonTag& tag);
  // Caller holds db_mu. Whether the person's tag is in shredded_persons.
  absl::StatusOr<bool> IsShredded(const PersonTag& tag);

  // What PersonKey may do when the database holds no key for the person.
  enum class Missing { kNotFound, kCreate, kCreateUnlessShredded };
  // The person's key as the database holds it now: `cached` (the cache's entry, or null) when
  // the row still holds that very key, else unwrapped from the row; created, or refused, as
  // `missing` says when there is no row.
  absl::StatusOr<std::shared_ptr<const KeyCache::Entry>> PersonKey(
      absl::string_view person, Missing missing, absl::Time now,
      std::shared_ptr<const KeyCache::Entry> cached = nullptr);
  // Caller holds db_mu. Truncates the WAL and then clears the pending shreds it covered.
  absl::Status FinishPendingShreds();
  // Caller holds rotation_mu, not db_mu.
  absl::StatusOr<size_t> RewrapAll(uint32_t target);
};

absl::Status Vault::State::InitSchema() {
  // A file that is not a database fails its first query: say what it is not.
  auto app_id = db->QueryInt("PRAGMA application_id");
  if (!app_id.ok()) {
    return ErrorCodeOf(app_id.status()) == ErrorCode::kDataLoss ? NotAVault(path) : app_id.status();
  }
  if (*app_id != 0 && *app_id != kApplicationId) return NotAVault(path);
  // secure_delete: deleted cells and freed pages are overwritten with zeros, so a shredded
  // key does not linger in free space. synchronous=FULL: a data key must be durable before a
  // record sealed under it leaves this process.
  SOCLE_RETURN_IF_ERROR(
      db->Exec("PRAGMA secure_delete=ON; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;"));
  SOCLE_ASSIGN_OR_RETURN(const std::string mode, db->QueryText("PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return MakeError(ErrorCode::kIo, "vault database: WAL journal mode is not available");
  }
  SOCLE_ASSIGN_OR_RETURN(int64_t version, db->QueryInt("PRAGMA user_version"));
  if (version == 0) {
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db));
    // Another process may have created the schema while we waited for the write lock.
    SOCLE_ASSIGN_OR_RETURN(version, db->QueryInt("PRAGMA user_version"));
    if (version == 0) {
      SOCLE_ASSIGN_OR_RETURN(const int64_t tables,
                             db->QueryInt("SELECT count(*) FROM sqlite_schema"));
      if (tables != 0) return NotAVault(path);
      SOCLE_RETURN_IF_ERROR(db->Exec(kSchemaSql));
      SOCLE_RETURN_IF_ERROR(db->Exec(kSetVersionsSql));
      version = kSchemaVersion;
    }
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  if (version >= 1 && version < kSchemaVersion) {
    // A vault of an earlier version: brought to this one step by step, in one transaction,
    // once, whichever process gets the write lock first.
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db));
    SOCLE_ASSIGN_OR_RETURN(version, db->QueryInt("PRAGMA user_version"));
    if (version >= 1 && version < kSchemaVersion) {
      if (version == 1) {  // the pending shreds and the pseudonymisation controls
        SOCLE_RETURN_IF_ERROR(db->Exec(kSchemaV2Sql));
        version = 2;
      }
      if (version == 2) {  // the shredded persons
        SOCLE_RETURN_IF_ERROR(db->Exec(kSchemaV3Sql));
        SOCLE_RETURN_IF_ERROR(db->Exec(kMigrateV2DataSql));
        version = 3;
      }
      if (version == 3) {  // the ledger secrets
        SOCLE_RETURN_IF_ERROR(db->Exec(kSchemaV4Sql));
        version = 4;
      }
      SOCLE_RETURN_IF_ERROR(db->Exec(kSetVersionsSql));
    }
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  if (version > kSchemaVersion) {
    return MakeError(ErrorCode::kUnsupported, "vault database schema version " +
                                                  std::to_string(version) +
                                                  " is newer than this build (" +
                                                  std::to_string(kSchemaVersion) + ")");
  }
  if (version != kSchemaVersion) return NotAVault(path);
  return CheckSchema();
}

// The schema must be exactly what kSchemaSql creates: a trigger, a view, an index or a table
// planted in the file (a trigger that re-inserts deleted keys would undo every shred) is refused
// before any statement of ours runs against it. The expected rows come from running kSchemaSql
// in memory, so tables added to it later are covered without touching this function.
absl::Status Vault::State::CheckSchema() {
  // InitSchema has brought an older database to this version: from here, only exactness.
  return sqlite::CheckSchemaIs(*db, kSchemaSql, "vault database '" + path + "'");
}

absl::Status Vault::State::BindKeyId() {
  SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db));
  SOCLE_ASSIGN_OR_RETURN(auto select,
                         db->Prepare("SELECT value FROM meta WHERE name = 'master_key_id'"));
  SOCLE_ASSIGN_OR_RETURN(const bool found, select->Step());
  if (found) {
    const std::string bound = select->Text(0);
    if (bound != key_id) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the vault database is bound to master key '" + bound +
                           "', not to the provider's key '" + key_id + "'");
    }
    return absl::OkStatus();  // the transaction rolls back: nothing was written
  }
  select->Reset();
  SOCLE_ASSIGN_OR_RETURN(
      auto insert, db->Prepare("INSERT INTO meta (name, value) VALUES ('master_key_id', ?1)"));
  SOCLE_RETURN_IF_ERROR(insert->Bind(1, key_id));
  SOCLE_RETURN_IF_ERROR(insert->Run());
  return txn->Commit();
}

absl::Status Vault::State::PrepareStatements() {
  SOCLE_ASSIGN_OR_RETURN(select_person,
                         db->Prepare("SELECT key_version, master_version, wrapped FROM person_keys "
                                     "WHERE tenant = ?1 AND person_tag = ?2 "
                                     "ORDER BY key_version DESC LIMIT 1"));
  SOCLE_ASSIGN_OR_RETURN(
      insert_person,
      db->Prepare("INSERT INTO person_keys (tenant, person_tag, key_version, master_version, "
                  "wrapped, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                  "ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(
      delete_person, db->Prepare("DELETE FROM person_keys WHERE tenant = ?1 AND person_tag = ?2"));
  SOCLE_ASSIGN_OR_RETURN(select_pseudonym,
                         db->Prepare("SELECT master_version, wrapped FROM pseudonym_secrets "
                                     "WHERE tenant = ?1 AND version = ?2"));
  SOCLE_ASSIGN_OR_RETURN(
      max_pseudonym,
      db->Prepare("SELECT coalesce(max(version), 0) FROM pseudonym_secrets WHERE tenant = ?1"));
  SOCLE_ASSIGN_OR_RETURN(
      insert_pseudonym,
      db->Prepare("INSERT INTO pseudonym_secrets (tenant, version, master_version, wrapped, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(
      delete_pseudonym,
      db->Prepare("DELETE FROM pseudonym_secrets WHERE tenant = ?1 AND version = ?2"));
  SOCLE_ASSIGN_OR_RETURN(insert_pending_shred,
                         db->Prepare("INSERT INTO pending_shreds (tenant, person_tag, created_at) "
                                     "VALUES (?1, ?2, ?3)"));
  SOCLE_ASSIGN_OR_RETURN(select_pending_shred,
                         db->Prepare("SELECT count(*) FROM pending_shreds "
                                     "WHERE tenant = ?1 AND person_tag = ?2"));
  SOCLE_ASSIGN_OR_RETURN(insert_shredded,
                         db->Prepare("INSERT INTO shredded_persons (tenant, person_tag) "
                                     "VALUES (?1, ?2) ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(select_shredded,
                         db->Prepare("SELECT count(*) FROM shredded_persons "
                                     "WHERE tenant = ?1 AND person_tag = ?2"));
  SOCLE_ASSIGN_OR_RETURN(select_floor,
                         db->Prepare("SELECT CAST(value AS INTEGER) FROM meta "
                                     "WHERE name = 'master_version_floor'"));
  SOCLE_ASSIGN_OR_RETURN(select_ledger,
                         db->Prepare("SELECT master_version, wrapped FROM ledger_secrets "
                                     "WHERE tenant = ?1 AND ledger = ?2"));
  SOCLE_ASSIGN_OR_RETURN(
      insert_ledger,
      db->Prepare("INSERT INTO ledger_secrets (tenant, ledger, master_version, wrapped, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(
      raise_floor,
      db->Prepare("INSERT INTO meta (name, value) VALUES ('master_version_floor', ?1) "
                  "ON CONFLICT (name) DO UPDATE SET value = excluded.value "
                  "WHERE CAST(value AS INTEGER) < CAST(excluded.value AS INTEGER)"));
  for (size_t i = 0; i < std::size(kKeyTables); ++i) {
    const KeyTable& table = kKeyTables[i];
    // Rows below the target only: a concurrent rotation to a newer version is never undone.
    const std::string select_sql = std::string("SELECT ") + table.columns + " FROM " +
                                   table.name + " WHERE master_version < ?1 ORDER BY id LIMIT " +
                                   std::to_string(kRewrapBatch);
    // Only if the row still holds what was unwrapped: a row shredded (and its id reused by a
    // new person) or re-wrapped meanwhile is left alone.
    const std::string update_sql =
        std::string("UPDATE ") + table.name +
        " SET master_version = ?1, wrapped = ?2 WHERE id = ?3 AND master_version = ?4 AND "
        "wrapped = ?5";
    SOCLE_ASSIGN_OR_RETURN(rewrap_select[i], db->Prepare(select_sql.c_str()));
    SOCLE_ASSIGN_OR_RETURN(rewrap_update[i], db->Prepare(update_sql.c_str()));
  }
  return absl::OkStatus();
}

absl::Status Vault::State::LoadTenantKey() {
  SOCLE_ASSIGN_OR_RETURN(auto select, db->Prepare("SELECT master_version, wrapped FROM tenant_keys "
                                                  "WHERE tenant = ?1"));
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      StatementUse use(*select);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
      SOCLE_ASSIGN_OR_RETURN(const bool found, use->Step());
      if (found) {
        const auto master_version = static_cast<uint32_t>(use->Int(0));
        const std::vector<uint8_t> wrapped = use->Blob(1);
        SOCLE_ASSIGN_OR_RETURN(
            lookup_key, Unwrap(KeyKind::kTenantLookup, master_version, tenant, {}, 0, wrapped));
        return absl::OkStatus();
      }
    }
    SecretBytes key = SecretBytes::Random(kVaultKeyBytes);
    SOCLE_ASSIGN_OR_RETURN(uint32_t master_version, provider->CurrentVersion());
    SOCLE_ASSIGN_OR_RETURN(std::vector<uint8_t> wrapped,
                           Wrap(KeyKind::kTenantLookup, master_version, tenant, {}, 0, key));
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db));
    SOCLE_RETURN_IF_ERROR(
        WrapAgainIfRotated(KeyKind::kTenantLookup, master_version, tenant, {}, 0, key, wrapped));
    SOCLE_ASSIGN_OR_RETURN(auto insert,
                           db->Prepare("INSERT INTO tenant_keys (tenant, master_version, wrapped, "
                                       "created_at) VALUES (?1, ?2, ?3, ?4) "
                                       "ON CONFLICT DO NOTHING"));
    SOCLE_RETURN_IF_ERROR(insert->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(insert->Bind(2, int64_t{master_version}));
    SOCLE_RETURN_IF_ERROR(insert->Bind(3, absl::MakeConstSpan(wrapped)));
    SOCLE_RETURN_IF_ERROR(insert->Bind(4, NowSeconds()));
    SOCLE_RETURN_IF_ERROR(insert->Run());
    const bool inserted = db->Changes() > 0;
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
  uint32_t current = 0;
  {
    StatementUse use(*max_pseudonym);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
    if (row) current = static_cast<uint32_t>(use->Int(0));
  }
  if (current == 0) {
    const SecretBytes secret = SecretBytes::Random(kVaultKeyBytes);
    SOCLE_ASSIGN_OR_RETURN(uint32_t master_version, provider->CurrentVersion());
    SOCLE_ASSIGN_OR_RETURN(std::vector<uint8_t> wrapped,
                           Wrap(KeyKind::kPseudonymSecret, master_version, tenant, {}, 1, secret));
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db));
    SOCLE_RETURN_IF_ERROR(WrapAgainIfRotated(KeyKind::kPseudonymSecret, master_version, tenant, {},
                                             1, secret, wrapped));
    {
      StatementUse use(*insert_pseudonym);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
      SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{1}));
      SOCLE_RETURN_IF_ERROR(use->Bind(3, int64_t{master_version}));
      SOCLE_RETURN_IF_ERROR(use->Bind(4, absl::MakeConstSpan(wrapped)));
      SOCLE_RETURN_IF_ERROR(use->Bind(5, NowSeconds()));
      SOCLE_RETURN_IF_ERROR(use->Run());
    }
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  return absl::OkStatus();
}

absl::StatusOr<SecretBytes> Vault::State::LoadLedgerSecret(absl::string_view ledger,
                                                           bool create) {
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
      StatementUse use(*select_ledger);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
      SOCLE_RETURN_IF_ERROR(use->Bind(2, ledger));
      SOCLE_ASSIGN_OR_RETURN(found, use->Step());
      if (found) {
        master_version = static_cast<uint32_t>(use->Int(0));
        wrapped = use->Blob(1);
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
    SOCLE_ASSIGN_OR_RETURN(wrapped,
                           Wrap(KeyKind::kLedgerSecret, master_version, tenant, subject, 0, secret));
    std::lock_guard lock(db_mu);
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db));
    SOCLE_RETURN_IF_ERROR(WrapAgainIfRotated(KeyKind::kLedgerSecret, master_version, tenant,
                                             subject, 0, secret, wrapped));
    {
      StatementUse use(*insert_ledger);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
      SOCLE_RETURN_IF_ERROR(use->Bind(2, ledger));
      SOCLE_RETURN_IF_ERROR(use->Bind(3, int64_t{master_version}));
      SOCLE_RETURN_IF_ERROR(use->Bind(4, absl::MakeConstSpan(wrapped)));
      SOCLE_RETURN_IF_ERROR(use->Bind(5, NowSeconds()));
      SOCLE_RETURN_IF_ERROR(use->Run());
    }
    const bool inserted = db->Changes() > 0;
    SOCLE_RETURN_IF_ERROR(txn->Commit());
    if (inserted) return secret;
    // Another process or Vault object created it first: read and use theirs.
  }
  return MakeError(ErrorCode::kInternal, "vault: the ledger secret could not be created");
}

absl::StatusOr<std::optional<Vault::State::PersonRow>> Vault::State::ReadPersonRow(
    const PersonTag& tag) {
  StatementUse use(*select_person);
  SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
  SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(tag)));
  SOCLE_ASSIGN_OR_RETURN(const bool found, use->Step());
  if (!found) return std::optional<PersonRow>();
  return std::optional<PersonRow>(PersonRow{static_cast<uint32_t>(use->Int(0)),
                                            static_cast<uint32_t>(use->Int(1)), use->Blob(2)});
}

absl::StatusOr<bool> Vault::State::IsShredded(const PersonTag& tag) {
  StatementUse use(*select_shredded);
  SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
  SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(tag)));
  SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
  return row && use->Int(0) > 0;
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
      as_of = commit_watch != nullptr ? commit_watch->Fingerprint() : std::nullopt;
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
    if (missing == Missing::kNotFound) return NoPersonKey();
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
      SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db));
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
      {
        StatementUse use(*insert_person);
        SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
        SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(tag)));
        SOCLE_RETURN_IF_ERROR(use->Bind(3, int64_t{entry->version}));
        SOCLE_RETURN_IF_ERROR(use->Bind(4, int64_t{master_version}));
        SOCLE_RETURN_IF_ERROR(use->Bind(5, absl::MakeConstSpan(wrapped)));
        SOCLE_RETURN_IF_ERROR(use->Bind(6, NowSeconds()));
        SOCLE_RETURN_IF_ERROR(use->Run());
      }
      inserted = db->Changes() > 0;
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

absl::Status Vault::State::FinishPendingShreds() {
  // The rows cleared below are those the truncation covers; a shred another connection commits
  // meanwhile gets a higher id and keeps its row.
  SOCLE_ASSIGN_OR_RETURN(const int64_t last,
                         db->QueryInt("SELECT coalesce(max(id), 0) FROM pending_shreds"));
  if (last == 0) return absl::OkStatus();
  // secure_delete zeroes a deleted cell, but not the stale copies of cells that SQLite leaves
  // in the unallocated space of a page it rebuilt when rows moved between pages (the crash test
  // found a shredded key there). VACUUM rewrites every page from the live rows only; the
  // checkpoint below then puts those pages in place of the old ones and truncates the WAL.
  SOCLE_RETURN_IF_ERROR(db->Exec("VACUUM"));
  const absl::Status truncated = db->CheckpointTruncate(sqlite::CheckpointWait());
  if (!truncated.ok()) {
    return MakeError(ErrorCodeOf(truncated),
                     "crypto-shredding is not complete: the key is deleted, but earlier copies "
                     "remain in the vault database's write-ahead log (" +
                         std::string(truncated.message()) +
                         "); shredding the person again or reopening the vault finishes it");
  }
  {
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db));
    SOCLE_ASSIGN_OR_RETURN(auto clear, db->Prepare("DELETE FROM pending_shreds WHERE id <= ?1"));
    SOCLE_RETURN_IF_ERROR(clear->Bind(1, last));
    SOCLE_RETURN_IF_ERROR(clear->Run());
    clear.reset();
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  // The frames of that delete hold no key; leave an empty WAL when nobody is in the way.
  db->CheckpointTruncate(absl::ZeroDuration()).IgnoreError();
  return absl::OkStatus();
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
  for (size_t t = 0; t < std::size(kKeyTables); ++t) {
    const KeyTable& table = kKeyTables[t];
    int idle_batches = 0;
    for (;;) {
      std::vector<KeyRow> rows;
      {
        std::lock_guard lock(db_mu);
        StatementUse use(*rewrap_select[t]);
        SOCLE_RETURN_IF_ERROR(use->Bind(1, int64_t{target}));
        for (;;) {
          SOCLE_ASSIGN_OR_RETURN(const bool more, use->Step());
          if (!more) break;
          rows.push_back(ReadKeyRow(*use));
        }
      }
      if (rows.empty()) break;
      std::vector<std::vector<uint8_t>> rewrapped;
      rewrapped.reserve(rows.size());
      for (const KeyRow& row : rows) {
        SOCLE_ASSIGN_OR_RETURN(const SecretBytes key,
                               Unwrap(table.kind, row.master_version, row.tenant, row.subject,
                                      row.subject_version, row.wrapped));
        SOCLE_ASSIGN_OR_RETURN(
            rewrapped.emplace_back(),
            Wrap(table.kind, target, row.tenant, row.subject, row.subject_version, key));
      }
      size_t updated = 0;
      {
        std::lock_guard lock(db_mu);
        SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db));
        SOCLE_RETURN_IF_ERROR(target_still_current());
        for (size_t i = 0; i < rows.size(); ++i) {
          StatementUse use(*rewrap_update[t]);
          SOCLE_RETURN_IF_ERROR(use->Bind(1, int64_t{target}));
          SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(rewrapped[i])));
          SOCLE_RETURN_IF_ERROR(use->Bind(3, rows[i].id));
          SOCLE_RETURN_IF_ERROR(use->Bind(4, int64_t{rows[i].master_version}));
          SOCLE_RETURN_IF_ERROR(use->Bind(5, absl::MakeConstSpan(rows[i].wrapped)));
          SOCLE_RETURN_IF_ERROR(use->Run());
          updated += static_cast<size_t>(db->Changes());
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
  // Leave no WAL behind: a closed vault is one file (and pending shreds are finished).
  if (!state_->FinishPendingShreds().ok()) return;
  state_->db->CheckpointTruncate(sqlite::CheckpointWait()).IgnoreError();
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
  SOCLE_ASSIGN_OR_RETURN(state->db, Database::Open(db_path, "vault database"));
  SOCLE_RETURN_IF_ERROR(state->InitSchema());
  SOCLE_RETURN_IF_ERROR(state->BindKeyId());
  SOCLE_RETURN_IF_ERROR(state->PrepareStatements());
  // A shred that a crash (or a reader) interrupted after its delete committed: finish it before
  // anything else, or refuse to open.
  SOCLE_RETURN_IF_ERROR(state->FinishPendingShreds());
  SOCLE_RETURN_IF_ERROR(state->LoadTenantKey());
  SOCLE_RETURN_IF_ERROR(state->EnsurePseudonymSecret());
  // After InitSchema made sure of WAL mode (the watch maps the connection's WAL index).
  state->commit_watch = std::make_unique<vault_internal::CommitWatch>(state->db->raw());
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
        const std::optional<uint64_t> fingerprint = state_->commit_watch->Fingerprint();
        if (fingerprint.has_value() &&
            entry->unshredded_as_of.load(std::memory_order_acquire) == *fingerprint) {
          break;
        }
      }
      SOCLE_ASSIGN_OR_RETURN(entry, state_->PersonKey(record.person_id,
                                                      State::Missing::kCreateUnlessShredded, now,
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

absl::StatusOr<SecretBytes> Vault::OpenRecord(const RecordRef& record,
                                              absl::Span<const uint8_t> sealed) {
  SOCLE_RETURN_IF_ERROR(vault_internal::CheckRecordRef(record));
  SOCLE_ASSIGN_OR_RETURN(const uint32_t key_version, vault_internal::RecordKeyVersion(sealed));
  const absl::Time now = state_->clock->Now();
  std::shared_ptr<const KeyCache::Entry> entry = state_->cache.Find(record.person_id, now);
  if (entry == nullptr) {
    SOCLE_ASSIGN_OR_RETURN(entry,
                           state_->PersonKey(record.person_id, State::Missing::kNotFound, now));
  }
  if (entry->version != key_version) return VerificationFailed();
  return vault_internal::OpenRecord(entry->key, state_->tenant, record, sealed);
}

absl::Status Vault::ShredPerson(absl::string_view person_id) {
  SOCLE_RETURN_IF_ERROR(vault_internal::CheckPersonId(person_id));
  SOCLE_ASSIGN_OR_RETURN(const PersonTag tag, vault_internal::ComputePersonTag(
                                                  state_->lookup_key, state_->tenant, person_id));
  std::lock_guard lock(state_->db_mu);
  bool deleted = false;
  bool pending = false;  // deleted by an earlier call whose WAL truncation did not complete
  {
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*state_->db));
    {
      StatementUse use(*state_->delete_person);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
      SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(tag)));
      SOCLE_RETURN_IF_ERROR(use->Run());
    }
    deleted = state_->db->Changes() > 0;
    if (deleted) {
      // In the same transaction as the delete: a crash before the WAL is truncated leaves this
      // row, and the next Open finishes the job.
      {
        StatementUse use(*state_->insert_pending_shred);
        SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
        SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(tag)));
        SOCLE_RETURN_IF_ERROR(use->Bind(3, state_->NowSeconds()));
        SOCLE_RETURN_IF_ERROR(use->Run());
      }
      // Remembered for good, in the same transaction: a crash cannot lose it, and a seal that
      // must not bring the person back (KeyCreation::kRefuseIfShredded) is refused from the
      // commit on, in every process.
      StatementUse use(*state_->insert_shredded);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
      SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(tag)));
      SOCLE_RETURN_IF_ERROR(use->Run());
    } else {
      StatementUse use(*state_->select_pending_shred);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
      SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(tag)));
      SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
      pending = row && use->Int(0) > 0;
    }
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  // After the commit, so a concurrent miss that read the row before it cannot cache it again.
  state_->cache.Shred(person_id);
  if (!deleted && !pending) return NoPersonKey();
  // The WAL still holds the page images that carried the wrapped key: fold them into the
  // database (where secure_delete zeroed the row) and truncate the WAL. Success is reported
  // only once that happened.
  return state_->FinishPendingShreds();
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
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*state_->db));
    {
      // Bound without a copy (SQLITE_STATIC): it must outlive the statement's run.
      const std::string floor = std::to_string(report.master_version);
      StatementUse use(*state_->raise_floor);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, floor));
      SOCLE_RETURN_IF_ERROR(use->Run());
    }
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
  // Old wrapped bytes are overwritten in the database; drop their images from the WAL too
  // (best effort: they only open with the master key versions they were wrapped under).
  std::lock_guard lock(state_->db_mu);
  state_->db->CheckpointTruncate(sqlite::CheckpointWait()).IgnoreError();
  return report;
}

absl::StatusOr<uint32_t> Vault::CurrentPseudonymVersion() const {
  // Read every time (one indexed row): a version another process added is current here too.
  std::lock_guard lock(state_->db_mu);
  StatementUse use(*state_->max_pseudonym);
  SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
  SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
  const uint32_t current = row ? static_cast<uint32_t>(use->Int(0)) : 0;
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
    StatementUse use(*state_->select_pseudonym);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{version}));
    SOCLE_ASSIGN_OR_RETURN(const bool found, use->Step());
    if (!found) {
      return MakeError(ErrorCode::kNotFound,
                       "no pseudonymisation secret of version " + std::to_string(version));
    }
    master_version = static_cast<uint32_t>(use->Int(0));
    wrapped = use->Blob(1);
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
  uint32_t newest = 0;
  {
    StatementUse use(*state_->max_pseudonym);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
    SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
    if (row) newest = static_cast<uint32_t>(use->Int(0));
  }
  if (newest == UINT32_MAX) {
    return MakeError(ErrorCode::kOutOfRange, "no pseudonymisation secret version is left");
  }
  const uint32_t version = newest + 1;
  const SecretBytes secret = SecretBytes::Random(kVaultKeyBytes);
  SOCLE_ASSIGN_OR_RETURN(uint32_t master_version, state_->provider->CurrentVersion());
  SOCLE_ASSIGN_OR_RETURN(
      std::vector<uint8_t> wrapped,
      state_->Wrap(KeyKind::kPseudonymSecret, master_version, state_->tenant, {}, version, secret));
  SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*state_->db));
  SOCLE_RETURN_IF_ERROR(state_->WrapAgainIfRotated(KeyKind::kPseudonymSecret, master_version,
                                                   state_->tenant, {}, version, secret, wrapped));
  {
    StatementUse use(*state_->insert_pseudonym);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, int64_t{master_version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(4, absl::MakeConstSpan(wrapped)));
    SOCLE_RETURN_IF_ERROR(use->Bind(5, state_->NowSeconds()));
    SOCLE_RETURN_IF_ERROR(use->Run());
  }
  if (state_->db->Changes() == 0) {
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
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*state_->db));
    // The current version as the database says it now (another process may have rotated).
    uint32_t current = 0;
    {
      StatementUse use(*state_->max_pseudonym);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
      SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
      if (row) current = static_cast<uint32_t>(use->Int(0));
    }
    if (version == current) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the current pseudonymisation secret cannot be destroyed; rotate first");
    }
    {
      StatementUse use(*state_->delete_pseudonym);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, state_->tenant));
      SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{version}));
      SOCLE_RETURN_IF_ERROR(use->Run());
    }
    deleted = state_->db->Changes() > 0;
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  // After the commit, so a concurrent miss that read the row before it cannot cache it again.
  state_->pseudonym_cache.Shred(std::to_string(version));
  state_->db->CheckpointTruncate().IgnoreError();
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
  SOCLE_ASSIGN_OR_RETURN(const std::string integrity,
                         state_->db->QueryText("PRAGMA integrity_check"));
  if (integrity != "ok") {
    return MakeError(ErrorCode::kDataLoss, "vault database: SQLite integrity check failed");
  }
  size_t checked = 0;
  size_t failed = 0;
  for (const KeyTable& table : kKeyTables) {
    const std::string sql =
        std::string("SELECT ") + table.columns + " FROM " + table.name + " WHERE tenant = ?1";
    SOCLE_ASSIGN_OR_RETURN(auto select, state_->db->Prepare(sql.c_str()));
    SOCLE_RETURN_IF_ERROR(select->Bind(1, state_->tenant));
    for (;;) {
      SOCLE_ASSIGN_OR_RETURN(const bool more, select->Step());
      if (!more) break;
      const KeyRow row = ReadKeyRow(*select);
      ++checked;
      const auto key = state_->Unwrap(table.kind, row.master_version, row.tenant, row.subject,
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
