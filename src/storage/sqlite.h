// A thin RAII layer over SQLite for the vault and the ledger: one connection, prepared statements that reset
// themselves after each use (an unreset SELECT would pin a read transaction and block WAL
// checkpoints), and IMMEDIATE transactions that roll back unless committed. Error messages
// carry SQLite's generic text for the result code (sqlite3_errstr), never data.
//
// Thread safety: none. Each user serialises every use of a Database and its statements with
// one mutex.
#ifndef SOCLE_SRC_STORAGE_SQLITE_H_
#define SOCLE_SRC_STORAGE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace socle::sqlite {

// "<label>: <what>: <SQLite's text for rc>", with the socle code closest to rc.
absl::Status SqliteError(int rc, absl::string_view label, absl::string_view what);

// How long a checkpoint that must truncate the WAL (crypto-shredding, rotation, close) waits for
// other connections' readers and writers before giving up: 2 s. Tests shorten it.
absl::Duration CheckpointWait();
void SetCheckpointWaitForTesting(absl::Duration wait);

// One row of sqlite_schema (sql is empty for the indexes SQLite makes for UNIQUE constraints).
struct SchemaObject {
  std::string type;
  std::string name;
  std::string table;
  std::string sql;
  bool operator==(const SchemaObject&) const = default;
};

class Statement {
 public:
  // `label` names the database in errors; it must outlive the statement (its Database's).
  Statement(sqlite3* db, sqlite3_stmt* stmt, const std::string& label)
      : db_(db), stmt_(stmt), label_(label) {}
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by 1-based index. Text and blobs are not copied (SQLITE_STATIC): the caller keeps
  // them until the statement has run (every caller binds, runs, then resets).
  absl::Status Bind(int index, int64_t value);
  absl::Status Bind(int index, absl::string_view text);
  absl::Status Bind(int index, absl::Span<const uint8_t> blob);

  // Steps once: true with a row, false when done.
  absl::StatusOr<bool> Step();
  // Steps to the end (an INSERT, UPDATE or DELETE).
  absl::Status Run();
  // Clears the bindings and resets, releasing any read lock.
  void Reset();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  sqlite3_stmt* raw() const { return stmt_; }
  std::string Text(int column) const;
  std::vector<uint8_t> Blob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  const std::string& label_;
};

// Resets a statement when the scope ends.
class StatementUse {
 public:
  explicit StatementUse(Statement& s) : s_(s) { s_.Reset(); }
  ~StatementUse() { s_.Reset(); }
  Statement* operator->() { return &s_; }
  Statement& operator*() { return s_; }

 private:
  Statement& s_;
};

class Database {
 public:
  // Opens (creating if missing, with mode 0600) the database at `path`. The schema is not
  // trusted (SQLITE_DBCONFIG_TRUSTED_SCHEMA off: triggers and views cannot call functions with
  // side effects) and the connection is defensive (no writable_schema tricks).
  // `label` names the database in every error ("vault database", "access trail database").
  // `vfs`: a registered VFS's name (wal_vfs.h), or nullptr for SQLite's default.
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        absl::string_view label,
                                                        const char* vfs = nullptr);
  // A private in-memory database (to derive the expected schema from its DDL).
  static absl::StatusOr<std::unique_ptr<Database>> OpenInMemory();
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  absl::Status Exec(const char* sql);
  absl::StatusOr<std::unique_ptr<Statement>> Prepare(const char* sql);
  // The integer a one-value PRAGMA or SELECT returns.
  absl::StatusOr<int64_t> QueryInt(const char* sql);
  absl::StatusOr<std::string> QueryText(const char* sql);
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* raw() const { return db_; }
  const std::string& label() const { return label_; }
  // Every object of sqlite_schema, in creation order.
  absl::StatusOr<std::vector<SchemaObject>> Schema();
  // PRAGMA wal_checkpoint(TRUNCATE): copies the WAL into the database and truncates it to zero
  // bytes, waiting up to `wait` for other connections (SQLite's busy handler retries).
  // FAILED_PRECONDITION naming the cause when another connection's read snapshot (or write)
  // kept it from completing.
  absl::Status CheckpointTruncate(absl::Duration wait = CheckpointWait());

 private:
  Database(sqlite3* db, std::string label) : db_(db), label_(std::move(label)) {}
  sqlite3* db_;
  std::string label_;
};

// The schema of `db` must be exactly what `schema_sql` creates (run in memory to get the
// expected objects; SQLite's sqlite_stat tables are ignored): a trigger, a view, an index or a
// table planted in the file is refused before any statement of ours runs against it.
// FAILED_PRECONDITION "<what>: unexpected trigger 'x'; refusing to use a database whose schema
// socle did not write" (`what` names the database, e.g. "vault database '/path'").
// With `missing_triggers`, a trigger of `schema_sql` that is absent is listed there instead of
// refused (the ledger's append-only triggers: their removal is reported by its Verify).
absl::Status CheckSchemaIs(Database& db, const char* schema_sql, absl::string_view what,
                           std::vector<std::string>* missing_triggers = nullptr);

// BEGIN IMMEDIATE now; ROLLBACK when destroyed unless Commit() succeeded.
class Transaction {
 public:
  static absl::StatusOr<std::unique_ptr<Transaction>> Begin(Database& db);
  ~Transaction();
  absl::Status Commit();

 private:
  explicit Transaction(Database& db) : db_(db) {}
  Database& db_;
  bool done_ = false;
};

// Copies a WAL database's log into its file on a thread and a connection of its own, so that
// the connection that commits does not stop for it: SQLite's automatic checkpoint runs inside
// the committing call, and took a fifth of the ledger's append rate. Attached to the writing
// connection, it replaces that automatic checkpoint: a commit that leaves kBackgroundPages
// frames or more not yet copied wakes the thread (started then, so a connection that only
// reads never has one), which copies the log as it is while commits go on; the writer's next
// commit after that pass copies the few frames committed meanwhile (a short checkpoint in the
// committing call), so that its next transaction restarts the log from its start. A commit
// that leaves the log at kForegroundPages (the thread cannot keep up, or a reader holds old
// frames) checkpoints in the committing call, as SQLite would: the log stays bounded. A failed
// checkpoint is tried again later; the frames stay in the log meanwhile, where readers find
// them.
//
// Thread safety: Attach once, from the thread that owns the writing connection; then the hook
// and the thread synchronise themselves. Destroy before that connection.
class WalCheckpointer {
 public:
  static constexpr int kBackgroundPages = 1000;
  static constexpr int kForegroundPages = 8000;

  // `pragmas`: run on the checkpointing connection when it opens (its `synchronous` decides
  // what a checkpoint syncs: use the writer's).
  WalCheckpointer(std::string path, std::string label, std::string pragmas);
  ~WalCheckpointer();  // detaches from the writer, stops the thread after its current pass
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  void Attach(Database& writer);
  // Background checkpoint passes run so far (tests).
  int passes() const;

 private:
  static int Hook(void* self, sqlite3* db, const char* schema, int pages);
  void Run();

  const std::string path_;
  const std::string label_;
  const std::string pragmas_;
  sqlite3* writer_ = nullptr;
  mutable absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int passes_ ABSL_GUARDED_BY(mu_) = 0;
  bool thread_checkpointing_ ABSL_GUARDED_BY(mu_) = false;  // a pass is under way
  int copied_ ABSL_GUARDED_BY(mu_) = 0;        // frames of the log copied by the last pass
  bool catch_up_ ABSL_GUARDED_BY(mu_) = false;  // the writer copies the rest at its next commit
  bool writer_checkpointing_ ABSL_GUARDED_BY(mu_) = false;  // the hook waits or checkpoints
  std::thread thread_;  // started by the first request (the writer's thread only)
};

}  // namespace socle::sqlite

#endif  // SOCLE_SRC_STORAGE_SQLITE_H_
