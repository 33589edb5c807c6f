// The vault's key tables in a SQLite file (vault/key_store.h): the schema, its creation and
// migrations, the statements, and crypto-shredding's clean-up of the WAL. Moved from vault.cc
// unchanged.
#include <array>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "storage/sqlite.h"
#include "vault/commit_watch.h"
#include "vault/key_store.h"

namespace socle::vault_internal {

using sqlite::Database;
using sqlite::Statement;
using sqlite::StatementUse;

namespace {

constexpr int64_t kApplicationId = 0x534f4356;  // "SOCV": PRAGMA application_id of a vault
constexpr int64_t kSchemaVersion = 4;           // PRAGMA user_version
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
// id, tenant, subject, subject_version, master_version, wrapped. In KeyTableId order.
struct KeyTable {
  const char* name;
  const char* columns;
};
constexpr KeyTable kKeyTables[] = {
    {"tenant_keys", "id, tenant, X'', 0, master_version, wrapped"},
    {"person_keys", "id, tenant, person_tag, key_version, master_version, wrapped"},
    {"pseudonym_secrets", "id, tenant, X'', version, master_version, wrapped"},
    {"ledger_secrets", "id, tenant, CAST(ledger AS BLOB), 0, master_version, wrapped"},
};

KeyRow ReadKeyRow(const Statement& s) {
  return KeyRow{s.Int(0),
                s.Text(1),
                s.Blob(2),
                static_cast<uint32_t>(s.Int(3)),
                static_cast<uint32_t>(s.Int(4)),
                s.Blob(5)};
}

absl::Status NotAVault(const std::string& path) {
  return MakeError(ErrorCode::kFailedPrecondition, "'" + path + "' is not a socle vault database");
}

absl::Span<const uint8_t> Tag(const PersonTag& tag) { return absl::MakeConstSpan(tag); }

class SqliteTransaction final : public KeyStore::Transaction {
 public:
  explicit SqliteTransaction(std::unique_ptr<sqlite::Transaction> txn) : txn_(std::move(txn)) {}
  absl::Status Commit() override { return txn_->Commit(); }

 private:
  std::unique_ptr<sqlite::Transaction> txn_;
};

class SqliteKeyStore final : public KeyStore {
 public:
  static absl::StatusOr<std::unique_ptr<KeyStore>> Open(const std::string& path, bool init) {
    std::unique_ptr<SqliteKeyStore> store(new SqliteKeyStore(path));
    SOCLE_ASSIGN_OR_RETURN(store->db_, Database::Open(path, "vault database"));
    if (init) {
      SOCLE_RETURN_IF_ERROR(store->InitSchema());
    } else {
      // Per connection, like the vault's own: durable commits, no trusted schema objects,
      // deleted rows overwritten.
      SOCLE_RETURN_IF_ERROR(store->db_->Exec(
          "PRAGMA secure_delete=ON; PRAGMA synchronous=FULL; PRAGMA trusted_schema=OFF;"));
    }
    SOCLE_RETURN_IF_ERROR(store->PrepareStatements(init));
    return std::unique_ptr<KeyStore>(std::move(store));
  }

  ~SqliteKeyStore() override {
    // The watch uses the connection's mapping; statements are finalised before the connection.
    watch_.reset();
    for (auto* s : AllStatements()) s->reset();
    for (auto& s : rewrap_select_) s.reset();
    for (auto& s : rewrap_update_) s.reset();
  }

  absl::StatusOr<std::unique_ptr<Transaction>> Begin() override {
    SOCLE_ASSIGN_OR_RETURN(auto txn, sqlite::Transaction::Begin(*db_));
    return std::unique_ptr<Transaction>(new SqliteTransaction(std::move(txn)));
  }

  absl::Status BindKeyId(const std::string& key_id) override {
    SOCLE_ASSIGN_OR_RETURN(auto txn, sqlite::Transaction::Begin(*db_));
    SOCLE_ASSIGN_OR_RETURN(auto select,
                           db_->Prepare("SELECT value FROM meta WHERE name = 'master_key_id'"));
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
        auto insert, db_->Prepare("INSERT INTO meta (name, value) VALUES ('master_key_id', ?1)"));
    SOCLE_RETURN_IF_ERROR(insert->Bind(1, key_id));
    SOCLE_RETURN_IF_ERROR(insert->Run());
    return txn->Commit();
  }

  absl::StatusOr<std::optional<WrappedKey>> ReadTenantKey(absl::string_view tenant) override {
    StatementUse use(*select_tenant_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    return ReadWrapped(use);
  }

  absl::StatusOr<bool> InsertTenantKey(absl::string_view tenant, uint32_t master_version,
                                       absl::Span<const uint8_t> wrapped,
                                       int64_t created_at) override {
    StatementUse use(*insert_tenant_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{master_version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, wrapped));
    SOCLE_RETURN_IF_ERROR(use->Bind(4, created_at));
    SOCLE_RETURN_IF_ERROR(use->Run());
    return db_->Changes() > 0;
  }

  absl::StatusOr<std::optional<PersonRow>> ReadPerson(absl::string_view tenant,
                                                      const PersonTag& tag) override {
    StatementUse use(*select_person_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, Tag(tag)));
    SOCLE_ASSIGN_OR_RETURN(const bool found, use->Step());
    if (!found) return std::optional<PersonRow>();
    return std::optional<PersonRow>(PersonRow{static_cast<uint32_t>(use->Int(0)),
                                              static_cast<uint32_t>(use->Int(1)), use->Blob(2)});
  }

  absl::StatusOr<bool> InsertPerson(absl::string_view tenant, const PersonTag& tag,
                                    uint32_t key_version, uint32_t master_version,
                                    absl::Span<const uint8_t> wrapped,
                                    int64_t created_at) override {
    StatementUse use(*insert_person_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, Tag(tag)));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, int64_t{key_version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(4, int64_t{master_version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(5, wrapped));
    SOCLE_RETURN_IF_ERROR(use->Bind(6, created_at));
    SOCLE_RETURN_IF_ERROR(use->Run());
    return db_->Changes() > 0;
  }

  absl::StatusOr<bool> DeletePersonKeys(absl::string_view tenant, const PersonTag& tag) override {
    StatementUse use(*delete_person_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, Tag(tag)));
    SOCLE_RETURN_IF_ERROR(use->Run());
    return db_->Changes() > 0;
  }

  absl::Status RecordShred(absl::string_view tenant, const PersonTag& tag,
                           int64_t now_seconds) override {
    {
      StatementUse use(*insert_pending_shred_);
      SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
      SOCLE_RETURN_IF_ERROR(use->Bind(2, Tag(tag)));
      SOCLE_RETURN_IF_ERROR(use->Bind(3, now_seconds));
      SOCLE_RETURN_IF_ERROR(use->Run());
    }
    StatementUse use(*insert_shredded_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, Tag(tag)));
    return use->Run();
  }

  absl::StatusOr<bool> HasPendingShred(absl::string_view tenant, const PersonTag& tag) override {
    return CountAbove0(*select_pending_shred_, tenant, tag);
  }

  absl::StatusOr<bool> IsShredded(absl::string_view tenant, const PersonTag& tag) override {
    return CountAbove0(*select_shredded_, tenant, tag);
  }

  absl::Status FinishPendingShreds() override {
    // The rows cleared below are those the truncation covers; a shred another connection
    // commits meanwhile gets a higher id and keeps its row.
    SOCLE_ASSIGN_OR_RETURN(const int64_t last,
                           db_->QueryInt("SELECT coalesce(max(id), 0) FROM pending_shreds"));
    if (last == 0) return absl::OkStatus();
    // secure_delete zeroes a deleted cell, but not the stale copies of cells that SQLite leaves
    // in the unallocated space of a page it rebuilt when rows moved between pages (the crash
    // test found a shredded key there). VACUUM rewrites every page from the live rows only; the
    // checkpoint below then puts those pages in place of the old ones and truncates the WAL.
    SOCLE_RETURN_IF_ERROR(db_->Exec("VACUUM"));
    const absl::Status truncated = db_->CheckpointTruncate(sqlite::CheckpointWait());
    if (!truncated.ok()) {
      return MakeError(ErrorCodeOf(truncated),
                       "crypto-shredding is not complete: the key is deleted, but earlier copies "
                       "remain in the vault database's write-ahead log (" +
                           std::string(truncated.message()) +
                           "); shredding the person again or reopening the vault finishes it");
    }
    {
      SOCLE_ASSIGN_OR_RETURN(auto txn, sqlite::Transaction::Begin(*db_));
      SOCLE_ASSIGN_OR_RETURN(auto clear,
                             db_->Prepare("DELETE FROM pending_shreds WHERE id <= ?1"));
      SOCLE_RETURN_IF_ERROR(clear->Bind(1, last));
      SOCLE_RETURN_IF_ERROR(clear->Run());
      clear.reset();
      SOCLE_RETURN_IF_ERROR(txn->Commit());
    }
    // The frames of that delete hold no key; leave an empty WAL when nobody is in the way.
    db_->CheckpointTruncate(absl::ZeroDuration()).IgnoreError();
    return absl::OkStatus();
  }

  absl::StatusOr<uint32_t> MaxPseudonymVersion(absl::string_view tenant) override {
    StatementUse use(*max_pseudonym_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
    return row ? static_cast<uint32_t>(use->Int(0)) : 0u;
  }

  absl::StatusOr<std::optional<WrappedKey>> ReadPseudonym(absl::string_view tenant,
                                                          uint32_t version) override {
    StatementUse use(*select_pseudonym_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{version}));
    return ReadWrapped(use);
  }

  absl::StatusOr<bool> InsertPseudonym(absl::string_view tenant, uint32_t version,
                                       uint32_t master_version,
                                       absl::Span<const uint8_t> wrapped,
                                       int64_t created_at) override {
    StatementUse use(*insert_pseudonym_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, int64_t{master_version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(4, wrapped));
    SOCLE_RETURN_IF_ERROR(use->Bind(5, created_at));
    SOCLE_RETURN_IF_ERROR(use->Run());
    return db_->Changes() > 0;
  }

  absl::StatusOr<bool> DeletePseudonym(absl::string_view tenant, uint32_t version) override {
    StatementUse use(*delete_pseudonym_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{version}));
    SOCLE_RETURN_IF_ERROR(use->Run());
    return db_->Changes() > 0;
  }

  absl::StatusOr<std::optional<WrappedKey>> ReadLedgerSecret(absl::string_view tenant,
                                                             absl::string_view ledger) override {
    StatementUse use(*select_ledger_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, ledger));
    return ReadWrapped(use);
  }

  absl::StatusOr<bool> InsertLedgerSecret(absl::string_view tenant, absl::string_view ledger,
                                          uint32_t master_version,
                                          absl::Span<const uint8_t> wrapped,
                                          int64_t created_at) override {
    StatementUse use(*insert_ledger_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, ledger));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, int64_t{master_version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(4, wrapped));
    SOCLE_RETURN_IF_ERROR(use->Bind(5, created_at));
    SOCLE_RETURN_IF_ERROR(use->Run());
    return db_->Changes() > 0;
  }

  absl::StatusOr<uint32_t> ReadMasterVersionFloor() override {
    StatementUse use(*select_floor_);
    SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
    return row ? static_cast<uint32_t>(use->Int(0)) : 0u;
  }

  absl::Status RaiseMasterVersionFloor(uint32_t version) override {
    // Bound without a copy (SQLITE_STATIC): it must outlive the statement's run.
    const std::string floor = std::to_string(version);
    StatementUse use(*raise_floor_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, floor));
    return use->Run();
  }

  absl::StatusOr<std::vector<KeyRow>> RowsBelow(KeyTableId table, uint32_t target) override {
    std::vector<KeyRow> rows;
    StatementUse use(*rewrap_select_[static_cast<size_t>(table)]);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, int64_t{target}));
    for (;;) {
      SOCLE_ASSIGN_OR_RETURN(const bool more, use->Step());
      if (!more) break;
      rows.push_back(ReadKeyRow(*use));
    }
    return rows;
  }

  absl::StatusOr<bool> Rewrap(KeyTableId table, const KeyRow& row, uint32_t target,
                              absl::Span<const uint8_t> rewrapped) override {
    StatementUse use(*rewrap_update_[static_cast<size_t>(table)]);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, int64_t{target}));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, rewrapped));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, row.id));
    SOCLE_RETURN_IF_ERROR(use->Bind(4, int64_t{row.master_version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(5, absl::MakeConstSpan(row.wrapped)));
    SOCLE_RETURN_IF_ERROR(use->Run());
    return db_->Changes() > 0;
  }

  absl::StatusOr<std::vector<KeyRow>> TenantRows(KeyTableId table,
                                                 absl::string_view tenant) override {
    const KeyTable& t = kKeyTables[static_cast<size_t>(table)];
    const std::string sql =
        std::string("SELECT ") + t.columns + " FROM " + t.name + " WHERE tenant = ?1";
    SOCLE_ASSIGN_OR_RETURN(auto select, db_->Prepare(sql.c_str()));
    SOCLE_RETURN_IF_ERROR(select->Bind(1, tenant));
    std::vector<KeyRow> rows;
    for (;;) {
      SOCLE_ASSIGN_OR_RETURN(const bool more, select->Step());
      if (!more) break;
      rows.push_back(ReadKeyRow(*select));
    }
    return rows;
  }

  absl::StatusOr<uint32_t> MaxRetired(absl::string_view tenant) override {
    StatementUse use(*max_retired_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
    return row ? static_cast<uint32_t>(use->Int(0)) : 0u;
  }

  absl::Status InsertRetired(absl::string_view tenant, uint32_t through,
                             int64_t retired_at) override {
    StatementUse use(*insert_retired_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{through}));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, retired_at));
    return use->Run();
  }

  absl::Status PruneCounts(absl::string_view tenant, int64_t now_nanos, int64_t limit) override {
    StatementUse use(*prune_counts_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, now_nanos));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, limit));
    return use->Run();
  }

  absl::StatusOr<std::optional<CountsRow>> ReadCounts(absl::string_view tenant,
                                                      absl::Span<const uint8_t> tag) override {
    StatementUse use(*select_counts_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, tag));
    SOCLE_ASSIGN_OR_RETURN(const bool found, use->Step());
    if (!found) return std::optional<CountsRow>();
    return std::optional<CountsRow>(
        CountsRow{use->Int(0), use->Int(1), use->Int(2), use->Int(3), use->Int(4)});
  }

  absl::Status UpsertCounts(absl::string_view tenant, absl::Span<const uint8_t> tag,
                            const CountsRow& row) override {
    StatementUse use(*upsert_counts_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, tag));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, row.window_nanos));
    SOCLE_RETURN_IF_ERROR(use->Bind(4, row.window_index));
    SOCLE_RETURN_IF_ERROR(use->Bind(5, row.previous_count));
    SOCLE_RETURN_IF_ERROR(use->Bind(6, row.current_count));
    SOCLE_RETURN_IF_ERROR(use->Bind(7, row.expires_at));
    return use->Run();
  }

  absl::Status CheckIntegrity() override {
    SOCLE_ASSIGN_OR_RETURN(const std::string integrity,
                           db_->QueryText("PRAGMA integrity_check"));
    if (integrity != "ok") {
      return MakeError(ErrorCode::kDataLoss, "vault database: SQLite integrity check failed");
    }
    return absl::OkStatus();
  }

  void AfterRewrap() override {
    // Old wrapped bytes are overwritten in the database; drop their images from the WAL too
    // (best effort: they only open with the master key versions they were wrapped under).
    db_->CheckpointTruncate(sqlite::CheckpointWait()).IgnoreError();
  }

  void AfterPseudonymDelete() override { db_->CheckpointTruncate().IgnoreError(); }

  void Close() override {
    // Leave no WAL behind: a closed vault is one file (and pending shreds are finished).
    if (!FinishPendingShreds().ok()) return;
    db_->CheckpointTruncate(sqlite::CheckpointWait()).IgnoreError();
  }

  void StartWatch() override {
    // After InitSchema made sure of WAL mode (the watch maps the connection's WAL index).
    watch_ = std::make_unique<CommitWatch>(db_->raw());
  }

  absl::StatusOr<std::optional<uint64_t>> Fingerprint() override {
    return watch_ != nullptr ? watch_->Fingerprint() : std::nullopt;
  }
  bool fingerprint_is_lock_free() const override { return true; }
  bool vouch_every_cached_use() const override { return false; }

 private:
  explicit SqliteKeyStore(std::string path) : path_(std::move(path)) {}

  static absl::StatusOr<std::optional<WrappedKey>> ReadWrapped(StatementUse& use) {
    SOCLE_ASSIGN_OR_RETURN(const bool found, use->Step());
    if (!found) return std::optional<WrappedKey>();
    return std::optional<WrappedKey>(
        WrappedKey{static_cast<uint32_t>(use->Int(0)), use->Blob(1)});
  }

  static absl::StatusOr<bool> CountAbove0(Statement& s, absl::string_view tenant,
                                          const PersonTag& tag) {
    StatementUse use(s);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, Tag(tag)));
    SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
    return row && use->Int(0) > 0;
  }

  absl::Status InitSchema();
  absl::Status PrepareStatements(bool vault);

  std::vector<std::unique_ptr<Statement>*> AllStatements() {
    return {&select_tenant_,   &insert_tenant_,       &select_person_,       &insert_person_,
            &delete_person_,   &select_pseudonym_,    &max_pseudonym_,       &insert_pseudonym_,
            &delete_pseudonym_, &insert_pending_shred_, &select_pending_shred_,
            &insert_shredded_, &select_shredded_,     &select_floor_,        &raise_floor_,
            &select_ledger_,   &insert_ledger_,       &max_retired_,         &insert_retired_,
            &prune_counts_,    &select_counts_,       &upsert_counts_};
  }

  std::string path_;
  std::unique_ptr<Database> db_;
  // Finalised before db_ (the destructor resets them first).
  std::unique_ptr<Statement> select_tenant_;
  std::unique_ptr<Statement> insert_tenant_;
  std::unique_ptr<Statement> select_person_;
  std::unique_ptr<Statement> insert_person_;
  std::unique_ptr<Statement> delete_person_;
  std::unique_ptr<Statement> select_pseudonym_;
  std::unique_ptr<Statement> max_pseudonym_;
  std::unique_ptr<Statement> insert_pseudonym_;
  std::unique_ptr<Statement> delete_pseudonym_;
  std::unique_ptr<Statement> insert_pending_shred_;
  std::unique_ptr<Statement> select_pending_shred_;
  std::unique_ptr<Statement> insert_shredded_;
  std::unique_ptr<Statement> select_shredded_;
  std::unique_ptr<Statement> select_floor_;
  std::unique_ptr<Statement> raise_floor_;
  std::unique_ptr<Statement> select_ledger_;
  std::unique_ptr<Statement> insert_ledger_;
  std::unique_ptr<Statement> max_retired_;
  std::unique_ptr<Statement> insert_retired_;
  std::unique_ptr<Statement> prune_counts_;
  std::unique_ptr<Statement> select_counts_;
  std::unique_ptr<Statement> upsert_counts_;
  // Per entry of kKeyTables: the next batch of rows to re-wrap, and the conditional update.
  std::unique_ptr<Statement> rewrap_select_[std::size(kKeyTables)];
  std::unique_ptr<Statement> rewrap_update_[std::size(kKeyTables)];
  // Tells a kRefuseIfShredded seal whether anything was committed since its cached key was last
  // found in the database. Made once the WAL index is open; uses the connection's mapping.
  std::unique_ptr<CommitWatch> watch_;
};

absl::Status SqliteKeyStore::InitSchema() {
  // A file that is not a database fails its first query: say what it is not.
  auto app_id = db_->QueryInt("PRAGMA application_id");
  if (!app_id.ok()) {
    return ErrorCodeOf(app_id.status()) == ErrorCode::kDataLoss ? NotAVault(path_) : app_id.status();
  }
  if (*app_id != 0 && *app_id != kApplicationId) return NotAVault(path_);
  // secure_delete: deleted cells and freed pages are overwritten with zeros, so a shredded
  // key does not linger in free space. synchronous=FULL: a data key must be durable before a
  // record sealed under it leaves this process.
  SOCLE_RETURN_IF_ERROR(
      db_->Exec("PRAGMA secure_delete=ON; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;"));
  SOCLE_ASSIGN_OR_RETURN(const std::string mode, db_->QueryText("PRAGMA journal_mode=WAL"));
  if (mode != "wal") {
    return MakeError(ErrorCode::kIo, "vault database: WAL journal mode is not available");
  }
  SOCLE_ASSIGN_OR_RETURN(int64_t version, db_->QueryInt("PRAGMA user_version"));
  if (version == 0) {
    SOCLE_ASSIGN_OR_RETURN(auto txn, sqlite::Transaction::Begin(*db_));
    // Another process may have created the schema while we waited for the write lock.
    SOCLE_ASSIGN_OR_RETURN(version, db_->QueryInt("PRAGMA user_version"));
    if (version == 0) {
      SOCLE_ASSIGN_OR_RETURN(const int64_t tables,
                             db_->QueryInt("SELECT count(*) FROM sqlite_schema"));
      if (tables != 0) return NotAVault(path_);
      SOCLE_RETURN_IF_ERROR(db_->Exec(kSchemaSql));
      SOCLE_RETURN_IF_ERROR(db_->Exec(kSetVersionsSql));
      version = kSchemaVersion;
    }
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  if (version >= 1 && version < kSchemaVersion) {
    // A vault of an earlier version: brought to this one step by step, in one transaction,
    // once, whichever process gets the write lock first.
    SOCLE_ASSIGN_OR_RETURN(auto txn, sqlite::Transaction::Begin(*db_));
    SOCLE_ASSIGN_OR_RETURN(version, db_->QueryInt("PRAGMA user_version"));
    if (version >= 1 && version < kSchemaVersion) {
      if (version == 1) {  // the pending shreds and the pseudonymisation controls
        SOCLE_RETURN_IF_ERROR(db_->Exec(kSchemaV2Sql));
        version = 2;
      }
      if (version == 2) {  // the shredded persons
        SOCLE_RETURN_IF_ERROR(db_->Exec(kSchemaV3Sql));
        SOCLE_RETURN_IF_ERROR(db_->Exec(kMigrateV2DataSql));
        version = 3;
      }
      if (version == 3) {  // the ledger secrets
        SOCLE_RETURN_IF_ERROR(db_->Exec(kSchemaV4Sql));
        version = 4;
      }
      SOCLE_RETURN_IF_ERROR(db_->Exec(kSetVersionsSql));
    }
    SOCLE_RETURN_IF_ERROR(txn->Commit());
  }
  if (version > kSchemaVersion) {
    return MakeError(ErrorCode::kUnsupported, "vault database schema version " +
                                                  std::to_string(version) +
                                                  " is newer than this build (" +
                                                  std::to_string(kSchemaVersion) + ")");
  }
  if (version != kSchemaVersion) return NotAVault(path_);
  // The schema must be exactly what kSchemaSql creates: a trigger, a view, an index or a table
  // planted in the file (a trigger that re-inserts deleted keys would undo every shred) is
  // refused before any statement of ours runs against it. The expected rows come from running
  // kSchemaSql in memory, so tables added to it later are covered without touching this code.
  return sqlite::CheckSchemaIs(*db_, kSchemaSql, "vault database '" + path_ + "'");
}

absl::Status SqliteKeyStore::PrepareStatements(bool vault) {
  Database& db = *db_;
  // The controls' statements (pseudonym_controls.h), on every connection.
  SOCLE_ASSIGN_OR_RETURN(max_retired_,
                         db.Prepare("SELECT coalesce(max(through_version), 0) FROM "
                                    "pseudonym_retirements WHERE tenant = ?1"));
  SOCLE_ASSIGN_OR_RETURN(
      max_pseudonym_,
      db.Prepare("SELECT coalesce(max(version), 0) FROM pseudonym_secrets WHERE tenant = ?1"));
  SOCLE_ASSIGN_OR_RETURN(insert_retired_,
                         db.Prepare("INSERT INTO pseudonym_retirements (tenant, through_version, "
                                    "retired_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(
      prune_counts_,
      db.Prepare("DELETE FROM reversal_counts WHERE id IN (SELECT id FROM reversal_counts "
                 "WHERE tenant = ?1 AND expires_at <= ?2 ORDER BY expires_at LIMIT ?3)"));
  SOCLE_ASSIGN_OR_RETURN(select_counts_,
                         db.Prepare("SELECT window_nanos, window_index, previous_count, current_count, "
                                    "expires_at FROM reversal_counts "
                                    "WHERE tenant = ?1 AND actor_tag = ?2"));
  SOCLE_ASSIGN_OR_RETURN(
      upsert_counts_,
      db.Prepare("INSERT INTO reversal_counts (tenant, actor_tag, window_nanos, window_index, "
                 "previous_count, current_count, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                 "ON CONFLICT (tenant, actor_tag) DO UPDATE SET window_nanos = excluded.window_nanos, "
                 "window_index = excluded.window_index, "
                 "previous_count = excluded.previous_count, current_count = excluded.current_count, "
                 "expires_at = excluded.expires_at"));
  if (!vault) return absl::OkStatus();
  SOCLE_ASSIGN_OR_RETURN(select_tenant_, db.Prepare("SELECT master_version, wrapped FROM tenant_keys "
                                                    "WHERE tenant = ?1"));
  SOCLE_ASSIGN_OR_RETURN(insert_tenant_,
                         db.Prepare("INSERT INTO tenant_keys (tenant, master_version, wrapped, "
                                    "created_at) VALUES (?1, ?2, ?3, ?4) "
                                    "ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(select_person_,
                         db.Prepare("SELECT key_version, master_version, wrapped FROM person_keys "
                                     "WHERE tenant = ?1 AND person_tag = ?2 "
                                     "ORDER BY key_version DESC LIMIT 1"));
  SOCLE_ASSIGN_OR_RETURN(
      insert_person_,
      db.Prepare("INSERT INTO person_keys (tenant, person_tag, key_version, master_version, "
                  "wrapped, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                  "ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(
      delete_person_, db.Prepare("DELETE FROM person_keys WHERE tenant = ?1 AND person_tag = ?2"));
  SOCLE_ASSIGN_OR_RETURN(select_pseudonym_,
                         db.Prepare("SELECT master_version, wrapped FROM pseudonym_secrets "
                                     "WHERE tenant = ?1 AND version = ?2"));
  SOCLE_ASSIGN_OR_RETURN(
      insert_pseudonym_,
      db.Prepare("INSERT INTO pseudonym_secrets (tenant, version, master_version, wrapped, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(
      delete_pseudonym_,
      db.Prepare("DELETE FROM pseudonym_secrets WHERE tenant = ?1 AND version = ?2"));
  SOCLE_ASSIGN_OR_RETURN(insert_pending_shred_,
                         db.Prepare("INSERT INTO pending_shreds (tenant, person_tag, created_at) "
                                     "VALUES (?1, ?2, ?3)"));
  SOCLE_ASSIGN_OR_RETURN(select_pending_shred_,
                         db.Prepare("SELECT count(*) FROM pending_shreds "
                                     "WHERE tenant = ?1 AND person_tag = ?2"));
  SOCLE_ASSIGN_OR_RETURN(insert_shredded_,
                         db.Prepare("INSERT INTO shredded_persons (tenant, person_tag) "
                                     "VALUES (?1, ?2) ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(select_shredded_,
                         db.Prepare("SELECT count(*) FROM shredded_persons "
                                     "WHERE tenant = ?1 AND person_tag = ?2"));
  SOCLE_ASSIGN_OR_RETURN(select_floor_,
                         db.Prepare("SELECT CAST(value AS INTEGER) FROM meta "
                                     "WHERE name = 'master_version_floor'"));
  SOCLE_ASSIGN_OR_RETURN(select_ledger_,
                         db.Prepare("SELECT master_version, wrapped FROM ledger_secrets "
                                     "WHERE tenant = ?1 AND ledger = ?2"));
  SOCLE_ASSIGN_OR_RETURN(
      insert_ledger_,
      db.Prepare("INSERT INTO ledger_secrets (tenant, ledger, master_version, wrapped, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(
      raise_floor_,
      db.Prepare("INSERT INTO meta (name, value) VALUES ('master_version_floor', ?1) "
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
    SOCLE_ASSIGN_OR_RETURN(rewrap_select_[i], db.Prepare(select_sql.c_str()));
    SOCLE_ASSIGN_OR_RETURN(rewrap_update_[i], db.Prepare(update_sql.c_str()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeyStore>> OpenSqliteKeyStore(const std::string& path, bool init) {
  return SqliteKeyStore::Open(path, init);
}

}  // namespace socle::vault_internal
