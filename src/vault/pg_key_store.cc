// The vault's key tables on PostgreSQL (vault/key_store.h, docs/postgresql.md "The vault on
// PostgreSQL"): every application server of a deployment shares the schema socle_vault, with
// the tenant as a column as on SQLite.
//
// Schema 1 (meta.schema_version): the SQLite vault's tables (sqlite_key_store.cc) and `writer`,
// one row whose row lock every write transaction takes first (so writers exclude each other as
// SQLite's BEGIN IMMEDIATE does, which the vault's reasoning about rotations relies on) and
// whose generation moves on, in the same transaction, whenever a person's key is deleted or any
// key re-wrapped: a server trusts a cached key only while the generation it read with that key
// is still the database's (one indexed read instead of the key's row and its unwrap).
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "storage/pg.h"
#include "vault/key_store.h"

namespace socle::vault_internal {

namespace {

using pg::BlobAt;
using pg::BytesAt;
using pg::IntAt;
using pg::Params;
using pg::Result;

constexpr char kSchema[] = "socle_vault";
constexpr char kLabel[] = "vault database (schema socle_vault)";
constexpr int64_t kSchemaVersion = 1;
// Serialises schema creation and migrations across servers (only this code takes it, inside the
// creating transaction). "SOCLVAUL" as a 64-bit integer.
constexpr int64_t kMigrationLockKey = 0x534f434c5641554c;

constexpr const char* kTables[] = {"meta",           "writer",          "tenant_keys",
                                   "person_keys",    "pseudonym_secrets", "pending_shreds",
                                   "pseudonym_retirements", "reversal_counts",
                                   "shredded_persons", "ledger_secrets"};

// The whole schema of version 1, created in the schema socle_vault (search_path).
constexpr char kSchemaV1Sql[] = R"sql(
CREATE TABLE meta (
  name text PRIMARY KEY,
  value text NOT NULL);
CREATE TABLE writer (
  id integer PRIMARY KEY CHECK (id = 1),
  generation bigint NOT NULL);
CREATE TABLE tenant_keys (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL UNIQUE,
  master_version bigint NOT NULL,
  wrapped bytea NOT NULL,
  created_at bigint NOT NULL);
CREATE TABLE person_keys (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  person_tag bytea NOT NULL,
  key_version bigint NOT NULL,
  master_version bigint NOT NULL,
  wrapped bytea NOT NULL,
  created_at bigint NOT NULL,
  UNIQUE (tenant, person_tag, key_version));
CREATE TABLE pseudonym_secrets (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  version bigint NOT NULL,
  master_version bigint NOT NULL,
  wrapped bytea NOT NULL,
  created_at bigint NOT NULL,
  UNIQUE (tenant, version));
CREATE TABLE pending_shreds (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  person_tag bytea NOT NULL,
  created_at bigint NOT NULL);
CREATE TABLE pseudonym_retirements (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  through_version bigint NOT NULL,
  retired_at bigint NOT NULL,
  UNIQUE (tenant, through_version));
CREATE TABLE reversal_counts (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  actor_tag bytea NOT NULL,
  window_nanos bigint NOT NULL,
  window_index bigint NOT NULL,
  previous_count bigint NOT NULL,
  current_count bigint NOT NULL,
  expires_at bigint NOT NULL,
  UNIQUE (tenant, actor_tag));
CREATE INDEX reversal_counts_expiry ON reversal_counts (tenant, expires_at);
CREATE TABLE shredded_persons (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  person_tag bytea NOT NULL,
  UNIQUE (tenant, person_tag));
CREATE TABLE ledger_secrets (
  id bigserial PRIMARY KEY,
  tenant text NOT NULL,
  ledger text NOT NULL,
  master_version bigint NOT NULL,
  wrapped bytea NOT NULL,
  created_at bigint NOT NULL,
  UNIQUE (tenant, ledger));
INSERT INTO writer (id, generation) VALUES (1, 0);
INSERT INTO meta (name, value) VALUES ('schema_version', '1');
)sql";

// In KeyTableId order: the table and its columns id, tenant, subject, subject_version,
// master_version, wrapped.
struct KeyTable {
  const char* name;
  const char* columns;
};
constexpr KeyTable kKeyTables[] = {
    {"tenant_keys", "id, tenant, ''::bytea, 0::bigint, master_version, wrapped"},
    {"person_keys", "id, tenant, person_tag, key_version, master_version, wrapped"},
    {"pseudonym_secrets", "id, tenant, ''::bytea, version, master_version, wrapped"},
    {"ledger_secrets", "id, tenant, convert_to(ledger, 'UTF8'), 0::bigint, master_version, wrapped"},
};

std::vector<KeyRow> KeyRows(const PGresult* r) {
  std::vector<KeyRow> rows;
  rows.reserve(static_cast<size_t>(PQntuples(r)));
  for (int i = 0; i < PQntuples(r); ++i) {
    rows.push_back(KeyRow{IntAt(r, i, 0), BytesAt(r, i, 1), BlobAt(r, i, 2),
                          static_cast<uint32_t>(IntAt(r, i, 3)),
                          static_cast<uint32_t>(IntAt(r, i, 4)), BlobAt(r, i, 5)});
  }
  return rows;
}

std::optional<WrappedKey> Wrapped(const PGresult* r) {
  if (PQntuples(r) == 0) return std::nullopt;
  return WrappedKey{static_cast<uint32_t>(IntAt(r, 0, 0)), BlobAt(r, 0, 1)};
}

int64_t Affected(const PGresult* r) {
  int64_t n = 0;
  return absl::SimpleAtoi(PQcmdTuples(const_cast<PGresult*>(r)), &n) ? n : 0;
}

absl::Span<const uint8_t> Tag(const PersonTag& tag) { return absl::MakeConstSpan(tag); }

class PgKeyStore;

class PgTransaction final : public KeyStore::Transaction {
 public:
  explicit PgTransaction(PgKeyStore& store) : store_(store) {}
  ~PgTransaction() override;
  absl::Status Commit() override;

 private:
  PgKeyStore& store_;
  bool done_ = false;
};

class PgKeyStore final : public KeyStore {
 public:
  static absl::StatusOr<std::unique_ptr<KeyStore>> Open(const std::string& uri, bool init) {
    std::unique_ptr<PgKeyStore> store(new PgKeyStore());
    PgKeyStore* self = store.get();
    SOCLE_ASSIGN_OR_RETURN(store->conn_,
                           pg::Connection::Open(uri, kLabel, [self](pg::Connection& c) {
                             return self->Session(c);
                           }));
    if (init) {
      SOCLE_RETURN_IF_ERROR(store->Init());
    } else {
      SOCLE_RETURN_IF_ERROR(store->CheckUsage());
    }
    store->prepared_ = true;
    SOCLE_RETURN_IF_ERROR(store->Prepare(*store->conn_));
    return std::unique_ptr<KeyStore>(std::move(store));
  }

  absl::StatusOr<std::unique_ptr<Transaction>> Begin() override {
    SOCLE_RETURN_IF_ERROR(conn_->Begin());
    auto txn = std::make_unique<PgTransaction>(*this);
    // The writer lock: every write transaction of every server takes this row lock first.
    SOCLE_RETURN_IF_ERROR(Run("lock_writer", Params(), "lock the vault's writer row").status());
    bump_generation_ = false;
    return std::unique_ptr<Transaction>(std::move(txn));
  }

  absl::Status CommitTransaction() {
    if (bump_generation_) {
      bump_generation_ = false;
      if (absl::Status bumped =
              Run("bump_generation", Params(), "move the key generation on").status();
          !bumped.ok()) {
        conn_->Rollback();
        return bumped;
      }
    }
    return conn_->Commit();
  }
  void RollbackTransaction() {
    bump_generation_ = false;
    if (conn_->in_transaction()) conn_->Rollback();
  }

  absl::Status BindKeyId(const std::string& key_id) override {
    SOCLE_ASSIGN_OR_RETURN(auto txn, Begin());
    SOCLE_ASSIGN_OR_RETURN(Result r, conn_->Exec("SELECT value FROM meta WHERE name = "
                                                 "'master_key_id'",
                                                 Params(), "read the master key id"));
    if (PQntuples(r.get()) > 0) {
      const std::string bound = BytesAt(r.get(), 0, 0);
      if (bound != key_id) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the vault database is bound to master key '" + bound +
                             "', not to the provider's key '" + key_id + "'");
      }
      return absl::OkStatus();  // the transaction rolls back: nothing was written
    }
    Params p;
    p.Text(key_id);
    SOCLE_RETURN_IF_ERROR(conn_->Exec("INSERT INTO meta (name, value) VALUES "
                                      "('master_key_id', $1)",
                                      p, "bind the master key id")
                              .status());
    return txn->Commit();
  }

  absl::StatusOr<std::optional<WrappedKey>> ReadTenantKey(absl::string_view tenant) override {
    Params p;
    p.Text(tenant);
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("select_tenant", p, "read the tenant key"));
    return Wrapped(r.get());
  }

  absl::StatusOr<bool> InsertTenantKey(absl::string_view tenant, uint32_t master_version,
                                       absl::Span<const uint8_t> wrapped,
                                       int64_t created_at) override {
    Params p;
    p.Text(tenant);
    p.Int(master_version);
    p.Bytes(wrapped);
    p.Int(created_at);
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("insert_tenant", p, "store the tenant key"));
    return Affected(r.get()) > 0;
  }

  absl::StatusOr<std::optional<PersonRow>> ReadPerson(absl::string_view tenant,
                                                      const PersonTag& tag) override {
    Params p;
    p.Text(tenant);
    p.Bytes(Tag(tag));
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("select_person", p, "read a person's key"));
    if (PQntuples(r.get()) == 0) return std::optional<PersonRow>();
    return std::optional<PersonRow>(PersonRow{static_cast<uint32_t>(IntAt(r.get(), 0, 0)),
                                              static_cast<uint32_t>(IntAt(r.get(), 0, 1)),
                                              BlobAt(r.get(), 0, 2)});
  }

  absl::StatusOr<bool> InsertPerson(absl::string_view tenant, const PersonTag& tag,
                                    uint32_t key_version, uint32_t master_version,
                                    absl::Span<const uint8_t> wrapped,
                                    int64_t created_at) override {
    Params p;
    p.Text(tenant);
    p.Bytes(Tag(tag));
    p.Int(key_version);
    p.Int(master_version);
    p.Bytes(wrapped);
    p.Int(created_at);
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("insert_person", p, "store a person's key"));
    return Affected(r.get()) > 0;
  }

  absl::StatusOr<bool> DeletePersonKeys(absl::string_view tenant, const PersonTag& tag) override {
    Params p;
    p.Text(tenant);
    p.Bytes(Tag(tag));
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("delete_person", p, "delete a person's keys"));
    return Affected(r.get()) > 0;
  }

  absl::Status RecordShred(absl::string_view tenant, const PersonTag& tag,
                           int64_t now_seconds) override {
    Params p;
    p.Text(tenant);
    p.Bytes(Tag(tag));
    p.Int(now_seconds);
    SOCLE_RETURN_IF_ERROR(Run("insert_pending_shred", p, "record a shred").status());
    Params q;
    q.Text(tenant);
    q.Bytes(Tag(tag));
    SOCLE_RETURN_IF_ERROR(Run("insert_shredded", q, "record a shred").status());
    bump_generation_ = true;
    return absl::OkStatus();
  }

  absl::StatusOr<bool> HasPendingShred(absl::string_view tenant, const PersonTag& tag) override {
    return Exists("select_pending_shred", tenant, tag);
  }

  absl::StatusOr<bool> IsShredded(absl::string_view tenant, const PersonTag& tag) override {
    return Exists("select_shredded", tenant, tag);
  }

  absl::Status FinishPendingShreds() override {
    // The rows cleared below are those the VACUUM covers: every shred is committed under the
    // writer lock, so a row visible here belongs to a committed delete.
    SOCLE_ASSIGN_OR_RETURN(Result r, conn_->Exec("SELECT coalesce(max(id), 0) FROM "
                                                 "pending_shreds",
                                                 Params(), "read the pending shreds"));
    const int64_t last = IntAt(r.get(), 0, 0);
    if (last == 0) return absl::OkStatus();
    // The deleted row is a dead tuple until VACUUM makes its space free (it may still hold the
    // wrapped key's bytes until reused, and the WAL holds it until recycled: docs/postgresql.md
    // says what remains where). VACUUM runs outside a transaction; a role that does not own the
    // table gets a warning and nothing is vacuumed (autovacuum does it later).
    if (absl::Status vacuumed = conn_->ExecScript("VACUUM person_keys", "vacuum the key table");
        !vacuumed.ok() && ErrorCodeOf(vacuumed) != ErrorCode::kPermissionDenied) {
      return MakeError(ErrorCodeOf(vacuumed),
                       absl::StrCat("crypto-shredding is not complete: the key is deleted, but ",
                                    vacuumed.message(),
                                    "; shredding the person again or reopening the vault "
                                    "finishes it"));
    }
    SOCLE_ASSIGN_OR_RETURN(auto txn, Begin());
    Params p;
    p.Int(last);
    SOCLE_RETURN_IF_ERROR(conn_->Exec("DELETE FROM pending_shreds WHERE id <= $1", p,
                                      "clear the pending shreds")
                              .status());
    return txn->Commit();
  }

  absl::StatusOr<uint32_t> MaxPseudonymVersion(absl::string_view tenant) override {
    Params p;
    p.Text(tenant);
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("max_pseudonym", p, "read the pseudonymisation version"));
    return static_cast<uint32_t>(IntAt(r.get(), 0, 0));
  }

  absl::StatusOr<std::optional<WrappedKey>> ReadPseudonym(absl::string_view tenant,
                                                          uint32_t version) override {
    Params p;
    p.Text(tenant);
    p.Int(version);
    SOCLE_ASSIGN_OR_RETURN(Result r,
                           Run("select_pseudonym", p, "read a pseudonymisation secret"));
    return Wrapped(r.get());
  }

  absl::StatusOr<bool> InsertPseudonym(absl::string_view tenant, uint32_t version,
                                       uint32_t master_version,
                                       absl::Span<const uint8_t> wrapped,
                                       int64_t created_at) override {
    Params p;
    p.Text(tenant);
    p.Int(version);
    p.Int(master_version);
    p.Bytes(wrapped);
    p.Int(created_at);
    SOCLE_ASSIGN_OR_RETURN(Result r,
                           Run("insert_pseudonym", p, "store a pseudonymisation secret"));
    return Affected(r.get()) > 0;
  }

  absl::StatusOr<bool> DeletePseudonym(absl::string_view tenant, uint32_t version) override {
    Params p;
    p.Text(tenant);
    p.Int(version);
    SOCLE_ASSIGN_OR_RETURN(Result r,
                           Run("delete_pseudonym", p, "delete a pseudonymisation secret"));
    return Affected(r.get()) > 0;
  }

  absl::StatusOr<std::optional<WrappedKey>> ReadLedgerSecret(absl::string_view tenant,
                                                             absl::string_view ledger) override {
    Params p;
    p.Text(tenant);
    p.Text(ledger);
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("select_ledger", p, "read a ledger secret"));
    return Wrapped(r.get());
  }

  absl::StatusOr<bool> InsertLedgerSecret(absl::string_view tenant, absl::string_view ledger,
                                          uint32_t master_version,
                                          absl::Span<const uint8_t> wrapped,
                                          int64_t created_at) override {
    Params p;
    p.Text(tenant);
    p.Text(ledger);
    p.Int(master_version);
    p.Bytes(wrapped);
    p.Int(created_at);
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("insert_ledger", p, "store a ledger secret"));
    return Affected(r.get()) > 0;
  }

  absl::StatusOr<uint32_t> ReadMasterVersionFloor() override {
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("select_floor", Params(), "read the rotation floor"));
    return PQntuples(r.get()) > 0 ? static_cast<uint32_t>(IntAt(r.get(), 0, 0)) : 0u;
  }

  absl::Status RaiseMasterVersionFloor(uint32_t version) override {
    Params p;
    p.Int(version);
    return Run("raise_floor", p, "raise the rotation floor").status();
  }

  absl::StatusOr<std::vector<KeyRow>> RowsBelow(KeyTableId table, uint32_t target) override {
    Params p;
    p.Int(target);
    SOCLE_ASSIGN_OR_RETURN(
        Result r, Run(StatementName("rewrap_select_", table).c_str(), p, "read keys to re-wrap"));
    return KeyRows(r.get());
  }

  absl::StatusOr<bool> Rewrap(KeyTableId table, const KeyRow& row, uint32_t target,
                              absl::Span<const uint8_t> rewrapped) override {
    Params p;
    p.Int(target);
    p.Bytes(rewrapped);
    p.Int(row.id);
    p.Int(row.master_version);
    p.Bytes(absl::MakeConstSpan(row.wrapped));
    SOCLE_ASSIGN_OR_RETURN(
        Result r, Run(StatementName("rewrap_update_", table).c_str(), p, "re-wrap a key"));
    const bool updated = Affected(r.get()) > 0;
    if (updated) bump_generation_ = true;
    return updated;
  }

  absl::StatusOr<std::vector<KeyRow>> TenantRows(KeyTableId table,
                                                 absl::string_view tenant) override {
    Params p;
    p.Text(tenant);
    SOCLE_ASSIGN_OR_RETURN(Result r, Run(StatementName("tenant_rows_", table).c_str(), p,
                                         "read the tenant's keys"));
    return KeyRows(r.get());
  }

  absl::StatusOr<uint32_t> MaxRetired(absl::string_view tenant) override {
    Params p;
    p.Text(tenant);
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("max_retired", p, "read the retired versions"));
    return static_cast<uint32_t>(IntAt(r.get(), 0, 0));
  }

  absl::Status InsertRetired(absl::string_view tenant, uint32_t through,
                             int64_t retired_at) override {
    Params p;
    p.Text(tenant);
    p.Int(through);
    p.Int(retired_at);
    return Run("insert_retired", p, "retire pseudonymisation versions").status();
  }

  absl::Status PruneCounts(absl::string_view tenant, int64_t now_nanos, int64_t limit) override {
    Params p;
    p.Text(tenant);
    p.Int(now_nanos);
    p.Int(limit);
    return Run("prune_counts", p, "prune the reversal counts").status();
  }

  absl::StatusOr<std::optional<CountsRow>> ReadCounts(absl::string_view tenant,
                                                      absl::Span<const uint8_t> tag) override {
    Params p;
    p.Text(tenant);
    p.Bytes(tag);
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("select_counts", p, "read the reversal counts"));
    if (PQntuples(r.get()) == 0) return std::optional<CountsRow>();
    const PGresult* g = r.get();
    return std::optional<CountsRow>(CountsRow{IntAt(g, 0, 0), IntAt(g, 0, 1), IntAt(g, 0, 2),
                                              IntAt(g, 0, 3), IntAt(g, 0, 4)});
  }

  absl::Status UpsertCounts(absl::string_view tenant, absl::Span<const uint8_t> tag,
                            const CountsRow& row) override {
    Params p;
    p.Text(tenant);
    p.Bytes(tag);
    p.Int(row.window_nanos);
    p.Int(row.window_index);
    p.Int(row.previous_count);
    p.Int(row.current_count);
    p.Int(row.expires_at);
    return Run("upsert_counts", p, "store the reversal counts").status();
  }

  // PostgreSQL checks its pages itself (data checksums when the cluster has them); the keys'
  // unwrap is the vault's own check.
  absl::Status CheckIntegrity() override { return absl::OkStatus(); }

  void AfterRewrap() override {
    // The old wrapped bytes are dead tuples: make their space free (best effort).
    conn_->ExecScript("VACUUM tenant_keys, person_keys, pseudonym_secrets, ledger_secrets",
                      "vacuum the key tables")
        .IgnoreError();
  }

  void AfterPseudonymDelete() override {
    conn_->ExecScript("VACUUM pseudonym_secrets", "vacuum the pseudonymisation secrets")
        .IgnoreError();
  }

  void Close() override { FinishPendingShreds().IgnoreError(); }

  void StartWatch() override {}

  absl::StatusOr<std::optional<uint64_t>> Fingerprint() override {
    SOCLE_ASSIGN_OR_RETURN(Result r, Run("select_generation", Params(), "read the key generation"));
    if (PQntuples(r.get()) == 0) return std::optional<uint64_t>();
    return std::optional<uint64_t>(static_cast<uint64_t>(IntAt(r.get(), 0, 0)));
  }
  bool fingerprint_is_lock_free() const override { return false; }
  bool vouch_every_cached_use() const override { return true; }

 private:
  PgKeyStore() = default;

  static std::string StatementName(absl::string_view prefix, KeyTableId table) {
    return absl::StrCat(prefix, static_cast<int>(table));
  }

  absl::StatusOr<Result> Run(const char* name, const Params& p, absl::string_view what) {
    return conn_->ExecPrepared(name, p, what);
  }

  absl::StatusOr<bool> Exists(const char* name, absl::string_view tenant, const PersonTag& tag) {
    Params p;
    p.Text(tenant);
    p.Bytes(Tag(tag));
    SOCLE_ASSIGN_OR_RETURN(Result r, Run(name, p, "read the shreds"));
    return PQntuples(r.get()) > 0;
  }

  // The session's settings, and its prepared statements once the schema is known to exist.
  absl::Status Session(pg::Connection& c) {
    // synchronous_commit: a data key is durable (on the standbys too, with synchronous
    // replication) before a record sealed under it leaves this process.
    SOCLE_RETURN_IF_ERROR(c.ExecScript(absl::StrCat("SET search_path = ",
                                                    pg::QuoteIdentifier(kSchema),
                                                    ", pg_catalog; SET client_min_messages = "
                                                    "warning; SET synchronous_commit = on"),
                                       "set the session"));
    return prepared_ ? Prepare(c) : absl::OkStatus();
  }

  absl::Status NotAVault() const {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("vault database: schema ", kSchema,
                                  " exists but is not a socle vault"));
  }

  // A role without USAGE of the schema (the auditor of docs/postgresql-vault-roles.sql) would
  // see the tables in the catalogs and then not find them by name (the search path skips the
  // schema): PERMISSION_DENIED, saying so, instead.
  absl::Status CheckUsage() {
    Params name;
    name.Text(kSchema);
    SOCLE_ASSIGN_OR_RETURN(Result r, conn_->Exec("SELECT has_schema_privilege(oid, 'USAGE') "
                                                 "FROM pg_namespace WHERE nspname = $1",
                                                 name, "read the rights on the vault's schema",
                                                 /*text_result=*/true));
    if (PQntuples(r.get()) > 0 && absl::string_view(PQgetvalue(r.get(), 0, 0)) != "t") {
      return MakeError(
          ErrorCode::kPermissionDenied,
          absl::StrCat("vault database: this role has no right to use schema ", kSchema,
                       " (its owner grants the application's rights: "
                       "docs/postgresql-vault-roles.sql)"));
    }
    return absl::OkStatus();
  }

  absl::Status Init() {
    SOCLE_RETURN_IF_ERROR(conn_->Begin());
    int64_t version = 0;
    absl::Status created = CreateOrMigrate(&version);
    if (!created.ok()) {
      conn_->Rollback();
      return created;
    }
    SOCLE_RETURN_IF_ERROR(conn_->Commit());
    if (version > kSchemaVersion) {
      return MakeError(ErrorCode::kUnsupported,
                       absl::StrCat("vault database (schema ", kSchema, ") version ", version,
                                    " is newer than this build (", kSchemaVersion, ")"));
    }
    if (version != kSchemaVersion) return NotAVault();
    return absl::OkStatus();
  }

  // One step of a migration from `from` to from + 1, in the creating transaction. Schema 1 is
  // the first: a later one adds its step here (as the SQLite vault's InitSchema does).
  absl::Status MigrateStep(int64_t from) {
    return MakeError(ErrorCode::kInternal,
                     absl::StrCat("vault database: no migration from schema version ", from));
  }

  // In the open transaction: waits for any other creator, creates the schema when it is absent,
  // else checks that it is a vault's, migrates it step by step, and reads its version.
  absl::Status CreateOrMigrate(int64_t* version) {
    Params lock;
    lock.Int(kMigrationLockKey);
    SOCLE_RETURN_IF_ERROR(
        conn_->Exec("SELECT pg_advisory_xact_lock($1)", lock, "wait for the schema lock").status());
    Params name;
    name.Text(kSchema);
    SOCLE_ASSIGN_OR_RETURN(Result exists,
                           conn_->Exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", name,
                                       "look for the vault's schema"));
    if (PQntuples(exists.get()) == 0) {
      SOCLE_RETURN_IF_ERROR(conn_->ExecScript(
          absl::StrCat("CREATE SCHEMA ", pg::QuoteIdentifier(kSchema), "; ", kSchemaV1Sql),
          "create the vault's schema"));
      *version = kSchemaVersion;
      return absl::OkStatus();
    }
    SOCLE_RETURN_IF_ERROR(CheckUsage());
    // Every table must be there: a schema of the same name that is not a vault is refused and
    // left untouched.
    for (const char* table : kTables) {
      Params t;
      t.Text(kSchema);
      t.Text(table);
      SOCLE_ASSIGN_OR_RETURN(
          Result found,
          conn_->Exec("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2", t,
                      "read the vault's schema"));
      if (PQntuples(found.get()) == 0) return NotAVault();
    }
    // A trigger or a rule planted on the vault's tables (one that re-inserts deleted keys would
    // undo every shred) is refused before any statement of ours runs against them.
    SOCLE_ASSIGN_OR_RETURN(
        Result planted,
        conn_->Exec("SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = $1 AND NOT t.tgisinternal "
                    "UNION ALL SELECT 1 FROM pg_rules WHERE schemaname = $1",
                    name, "read the vault's schema"));
    if (PQntuples(planted.get()) > 0) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       absl::StrCat("vault database: schema ", kSchema,
                                    " holds a trigger or a rule socle did not create; refusing "
                                    "to use it"));
    }
    SOCLE_ASSIGN_OR_RETURN(Result r,
                           conn_->Exec("SELECT value FROM meta WHERE name = 'schema_version'",
                                       Params(), "read the schema version",
                                       /*text_result=*/true));
    if (PQntuples(r.get()) == 0 || !absl::SimpleAtoi(PQgetvalue(r.get(), 0, 0), version)) {
      return NotAVault();
    }
    if (*version >= 1 && *version < kSchemaVersion) {
      while (*version < kSchemaVersion) {
        SOCLE_RETURN_IF_ERROR(MigrateStep(*version));
        ++*version;
      }
      Params v;
      v.Int(*version);
      SOCLE_RETURN_IF_ERROR(
          conn_->Exec("UPDATE meta SET value = $1 WHERE name = 'schema_version'", v,
                      "write the schema version")
              .status());
    }
    return absl::OkStatus();
  }

  absl::Status Prepare(pg::Connection& c) {
    std::vector<std::pair<std::string, std::string>> statements = {
        {"lock_writer", "SELECT generation FROM writer WHERE id = 1 FOR UPDATE"},
        {"bump_generation", "UPDATE writer SET generation = generation + 1 WHERE id = 1"},
        {"select_generation", "SELECT generation FROM writer WHERE id = 1"},
        {"select_tenant", "SELECT master_version, wrapped FROM tenant_keys WHERE tenant = $1"},
        {"insert_tenant",
         "INSERT INTO tenant_keys (tenant, master_version, wrapped, created_at) "
         "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"},
        {"select_person",
         "SELECT key_version, master_version, wrapped FROM person_keys "
         "WHERE tenant = $1 AND person_tag = $2 ORDER BY key_version DESC LIMIT 1"},
        {"insert_person",
         "INSERT INTO person_keys (tenant, person_tag, key_version, master_version, wrapped, "
         "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING"},
        {"delete_person", "DELETE FROM person_keys WHERE tenant = $1 AND person_tag = $2"},
        {"insert_pending_shred",
         "INSERT INTO pending_shreds (tenant, person_tag, created_at) VALUES ($1, $2, $3)"},
        {"select_pending_shred",
         "SELECT 1 FROM pending_shreds WHERE tenant = $1 AND person_tag = $2 LIMIT 1"},
        {"insert_shredded",
         "INSERT INTO shredded_persons (tenant, person_tag) VALUES ($1, $2) "
         "ON CONFLICT DO NOTHING"},
        {"select_shredded",
         "SELECT 1 FROM shredded_persons WHERE tenant = $1 AND person_tag = $2"},
        {"max_pseudonym",
         "SELECT coalesce(max(version), 0) FROM pseudonym_secrets WHERE tenant = $1"},
        {"select_pseudonym",
         "SELECT master_version, wrapped FROM pseudonym_secrets WHERE tenant = $1 AND "
         "version = $2"},
        {"insert_pseudonym",
         "INSERT INTO pseudonym_secrets (tenant, version, master_version, wrapped, created_at) "
         "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"},
        {"delete_pseudonym", "DELETE FROM pseudonym_secrets WHERE tenant = $1 AND version = $2"},
        {"select_ledger",
         "SELECT master_version, wrapped FROM ledger_secrets WHERE tenant = $1 AND ledger = $2"},
        {"insert_ledger",
         "INSERT INTO ledger_secrets (tenant, ledger, master_version, wrapped, created_at) "
         "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"},
        {"select_floor",
         "SELECT value::bigint FROM meta WHERE name = 'master_version_floor'"},
        {"raise_floor",
         "INSERT INTO meta (name, value) VALUES ('master_version_floor', $1) "
         "ON CONFLICT (name) DO UPDATE SET value = excluded.value "
         "WHERE meta.value::bigint < excluded.value::bigint"},
        {"max_retired",
         "SELECT coalesce(max(through_version), 0) FROM pseudonym_retirements "
         "WHERE tenant = $1"},
        {"insert_retired",
         "INSERT INTO pseudonym_retirements (tenant, through_version, retired_at) "
         "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"},
        {"prune_counts",
         "DELETE FROM reversal_counts WHERE id IN (SELECT id FROM reversal_counts "
         "WHERE tenant = $1 AND expires_at <= $2 ORDER BY expires_at LIMIT $3)"},
        {"select_counts",
         "SELECT window_nanos, window_index, previous_count, current_count, expires_at "
         "FROM reversal_counts WHERE tenant = $1 AND actor_tag = $2"},
        {"upsert_counts",
         "INSERT INTO reversal_counts (tenant, actor_tag, window_nanos, window_index, "
         "previous_count, current_count, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
         "ON CONFLICT (tenant, actor_tag) DO UPDATE SET window_nanos = excluded.window_nanos, "
         "window_index = excluded.window_index, previous_count = excluded.previous_count, "
         "current_count = excluded.current_count, expires_at = excluded.expires_at"},
    };
    for (const KeyTableId id : kAllKeyTables) {
      const KeyTable& t = kKeyTables[static_cast<size_t>(id)];
      // Rows below the target only: a concurrent rotation to a newer version is never undone.
      statements.emplace_back(StatementName("rewrap_select_", id),
                              absl::StrCat("SELECT ", t.columns, " FROM ", t.name,
                                           " WHERE master_version < $1 ORDER BY id LIMIT ",
                                           kRewrapBatch));
      // Only if the row still holds what was unwrapped.
      statements.emplace_back(
          StatementName("rewrap_update_", id),
          absl::StrCat("UPDATE ", t.name,
                       " SET master_version = $1, wrapped = $2 WHERE id = $3 AND "
                       "master_version = $4 AND wrapped = $5"));
      statements.emplace_back(
          StatementName("tenant_rows_", id),
          absl::StrCat("SELECT ", t.columns, " FROM ", t.name, " WHERE tenant = $1 ORDER BY id"));
    }
    for (const auto& [n, sql] : statements) {
      SOCLE_RETURN_IF_ERROR(c.Prepare(n.c_str(), sql.c_str()));
    }
    return absl::OkStatus();
  }

  std::unique_ptr<pg::Connection> conn_;
  bool prepared_ = false;
  // A key was deleted or re-wrapped in the open transaction: its commit moves the generation.
  bool bump_generation_ = false;
};

PgTransaction::~PgTransaction() {
  if (!done_) store_.RollbackTransaction();
}

absl::Status PgTransaction::Commit() {
  done_ = true;
  return store_.CommitTransaction();
}

}  // namespace

absl::StatusOr<std::unique_ptr<KeyStore>> OpenPgKeyStore(const std::string& uri, bool init) {
  return PgKeyStore::Open(uri, init);
}

}  // namespace socle::vault_internal
