#include "storage/sqlite.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "storage/file_util.h"

namespace socle::sqlite {

namespace {

constexpr int kBusyTimeoutMs = 5000;
std::atomic<int64_t> checkpoint_wait_ms{2000};

absl::Status Configure(sqlite3* db, absl::string_view label) {
  // A planted trigger or view must not reach functions with side effects, and SQL must not be
  // able to edit sqlite_schema behind the schema check's back.
  int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteError(rc, label, "configure");
}

}  // namespace

absl::Duration CheckpointWait() {
  return absl::Milliseconds(checkpoint_wait_ms.load(std::memory_order_relaxed));
}

void SetCheckpointWaitForTesting(absl::Duration wait) {
  checkpoint_wait_ms.store(absl::ToInt64Milliseconds(wait), std::memory_order_relaxed);
}

absl::Status SqliteError(int rc, absl::string_view label, absl::string_view what) {
  ErrorCode code = ErrorCode::kIo;
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = ErrorCode::kResourceExhausted;
      break;
    case SQLITE_NOMEM:
      code = ErrorCode::kNoMemory;
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = ErrorCode::kDataLoss;
      break;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      code = ErrorCode::kInternal;
      break;
    default:
      break;
  }
  return MakeError(code, absl::StrCat(label, ": ", what, ": ", sqlite3_errstr(rc)));
}

absl::Status Statement::Bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteError(rc, label_, "bind");
}

absl::Status Statement::Bind(int index, absl::string_view text) {
  const int rc =
      sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteError(rc, label_, "bind");
}

absl::Status Statement::Bind(int index, absl::Span<const uint8_t> blob) {
  static const uint8_t kEmpty = 0;  // a zero-length blob, not NULL
  const int rc = sqlite3_bind_blob(stmt_, index, blob.empty() ? &kEmpty : blob.data(),
                                   static_cast<int>(blob.size()), SQLITE_STATIC);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteError(rc, label_, "bind");
}

absl::StatusOr<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(rc, label_, "step");
}

absl::Status Statement::Run() {
  for (;;) {
    SOCLE_ASSIGN_OR_RETURN(const bool row, Step());
    if (!row) return absl::OkStatus();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::Text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}

std::vector<uint8_t> Statement::Blob(int column) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::vector<uint8_t>() : std::vector<uint8_t>(p, p + n);
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                        absl::string_view label,
                                                        const char* vfs) {
  SOCLE_RETURN_IF_ERROR(storage::CreatePrivateFileIfMissing(path));
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, vfs);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    return MakeError(rc == SQLITE_CANTOPEN ? ErrorCode::kIo : ErrorCode::kDataLoss,
                     absl::StrCat("cannot open the ", label, " '", path, "': ", sqlite3_errstr(rc)));
  }
  auto database = std::unique_ptr<Database>(new Database(db, std::string(label)));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  SOCLE_RETURN_IF_ERROR(Configure(db, label));
  return database;
}

absl::StatusOr<std::unique_ptr<Database>> Database::OpenInMemory() {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(":memory:", &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(db);
    return SqliteError(rc, "in-memory database", "open");
  }
  auto database = std::unique_ptr<Database>(new Database(db, "in-memory database"));
  SOCLE_RETURN_IF_ERROR(Configure(db, "in-memory database"));
  return database;
}

Database::~Database() { sqlite3_close_v2(db_); }

absl::Status Database::Exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteError(rc, label_, "exec");
}

absl::StatusOr<std::unique_ptr<Statement>> Database::Prepare(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, label_, "prepare");
  return std::make_unique<Statement>(db_, stmt, label_);
}

absl::StatusOr<int64_t> Database::QueryInt(const char* sql) {
  SOCLE_ASSIGN_OR_RETURN(auto stmt, Prepare(sql));
  SOCLE_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  return row ? stmt->Int(0) : 0;
}

absl::StatusOr<std::string> Database::QueryText(const char* sql) {
  SOCLE_ASSIGN_OR_RETURN(auto stmt, Prepare(sql));
  SOCLE_ASSIGN_OR_RETURN(const bool row, stmt->Step());
  return row ? stmt->Text(0) : std::string();
}

absl::StatusOr<std::vector<SchemaObject>> Database::Schema() {
  SOCLE_ASSIGN_OR_RETURN(
      auto stmt,
      Prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY rowid"));
  std::vector<SchemaObject> objects;
  for (;;) {
    SOCLE_ASSIGN_OR_RETURN(const bool row, stmt->Step());
    if (!row) return objects;
    objects.push_back(SchemaObject{stmt->Text(0), stmt->Text(1), stmt->Text(2), stmt->Text(3)});
  }
}

absl::Status Database::CheckpointTruncate(absl::Duration wait) {
  int wal_frames = 0;
  int checkpointed = 0;
  // The busy handler retries (with growing sleeps) until the readers of older snapshots leave
  // or `wait` runs out.
  sqlite3_busy_timeout(db_, static_cast<int>(absl::ToInt64Milliseconds(wait)));
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &wal_frames,
                                           &checkpointed);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     label_ + ": the write-ahead log could not be truncated within " +
                         absl::FormatDuration(wait) +
                         ": another connection holds a read snapshot (or is writing)");
  }
  return rc == SQLITE_OK ? absl::OkStatus() : SqliteError(rc, label_, "checkpoint");
}

absl::Status CheckSchemaIs(Database& db, const char* schema_sql, absl::string_view what,
                           std::vector<std::string>* missing_triggers) {
  SOCLE_ASSIGN_OR_RETURN(auto memory, Database::OpenInMemory());
  SOCLE_RETURN_IF_ERROR(memory->Exec(schema_sql));
  SOCLE_ASSIGN_OR_RETURN(const std::vector<SchemaObject> expected, memory->Schema());
  SOCLE_ASSIGN_OR_RETURN(const std::vector<SchemaObject> actual, db.Schema());
  // Names in a schema socle did not write may be anything: quote at most 64 bytes of them.
  const auto quoted = [](absl::string_view name) {
    return absl::StrCat("'", name.substr(0, 64), name.size() > 64 ? "...'" : "'");
  };
  const auto refuse = [&](const std::string& problem) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat(what, ": ", problem,
                                  "; refusing to use a database whose schema socle did not write"));
  };
  for (const auto& a : actual) {
    // ANALYZE's statistics only steer the query planner.
    if (a.type == "table" && absl::StartsWith(a.name, "sqlite_stat")) continue;
    const auto e = std::find_if(expected.begin(), expected.end(),
                                [&](const auto& x) { return x.name == a.name; });
    if (e == expected.end()) return refuse(absl::StrCat("unexpected ", a.type, " ", quoted(a.name)));
    if (!(*e == a)) return refuse(absl::StrCat(a.type, " ", quoted(a.name), " differs from its definition"));
  }
  for (const auto& e : expected) {
    if (std::none_of(actual.begin(), actual.end(), [&](const auto& a) { return a.name == e.name; })) {
      if (missing_triggers != nullptr && e.type == "trigger") {
        missing_triggers->push_back(e.name);
        continue;
      }
      return refuse(absl::StrCat(e.type, " ", quoted(e.name), " is missing"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Transaction>> Transaction::Begin(Database& db) {
  SOCLE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return std::unique_ptr<Transaction>(new Transaction(db));
}

Transaction::~Transaction() {
  if (!done_) db_.Exec("ROLLBACK").IgnoreError();
}

absl::Status Transaction::Commit() {
  SOCLE_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  done_ = true;
  return absl::OkStatus();
}

WalCheckpointer::WalCheckpointer(std::string path, std::string label, std::string pragmas)
    : path_(std::move(path)), label_(std::move(label)), pragmas_(std::move(pragmas)) {}

WalCheckpointer::~WalCheckpointer() {
  if (writer_ != nullptr) sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void WalCheckpointer::Attach(Database& writer) {
  writer_ = writer.raw();
  // Replaces sqlite3_wal_autocheckpoint's hook (it is one, too).
  sqlite3_wal_hook(writer_, &WalCheckpointer::Hook, this);
}

int WalCheckpointer::passes() const {
  absl::MutexLock lock(&mu_);
  return passes_;
}

// Called by SQLite on the writer's thread after each commit, the write lock released, with the
// frames in the log (copied ones included: the log restarts from its start only when a
// transaction begins after everything in it was copied).
int WalCheckpointer::Hook(void* self, sqlite3* db, const char* schema, int pages) {
  auto* c = static_cast<WalCheckpointer*>(self);
  {
    absl::MutexLock lock(&c->mu_);
    if (pages < c->copied_) {  // the log restarted
      c->copied_ = 0;
      c->catch_up_ = false;
    }
    // The writer checkpoints itself when the log is too long, or to copy the few frames it
    // committed during the thread's last pass (then its next transaction restarts the log).
    const bool foreground =
        pages >= kForegroundPages || (c->catch_up_ && !c->thread_checkpointing_);
    if (!foreground) {
      if (pages - c->copied_ >= kBackgroundPages) {
        c->requested_ = true;
        if (!c->thread_.joinable() && !c->stopping_) c->thread_ = std::thread([c] { c->Run(); });
      }
      return SQLITE_OK;
    }
    // Once the thread's pass is over (it starts no other while the writer checkpoints).
    c->writer_checkpointing_ = true;
    c->mu_.Await(absl::Condition(
        +[](WalCheckpointer* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mu_) {
          return !w->thread_checkpointing_;
        },
        c));
  }
  // No commit is under way: the whole log is copied. (Another process's checkpoint makes it
  // BUSY: tried again at the next commit.)
  int log_frames = 0;
  int copied = 0;
  const int rc =
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
  absl::MutexLock lock(&c->mu_);
  c->writer_checkpointing_ = false;
  if (rc == SQLITE_OK) {
    c->copied_ = copied;
    c->catch_up_ = false;
  }
  return SQLITE_OK;
}

void WalCheckpointer::Run() {
  std::unique_ptr<Database> db;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](WalCheckpointer* c) ABSL_EXCLUSIVE_LOCKS_REQUIRED(c->mu_) {
            return c->requested_ || c->stopping_;
          },
          this));
      if (stopping_) return;
      requested_ = false;
      if (writer_checkpointing_) continue;
      thread_checkpointing_ = true;
    }
    if (db == nullptr) {
      auto opened = Database::Open(path_, label_);
      if (opened.ok() && (*opened)->Exec(pragmas_.c_str()).ok()) db = std::move(*opened);
    }
    // One pass: the log as it is when the pass starts (commits go on meanwhile).
    int log_frames = 0;
    int copied = 0;
    const int rc = db == nullptr ? SQLITE_CANTOPEN
                                 : sqlite3_wal_checkpoint_v2(db->raw(), nullptr,
                                                             SQLITE_CHECKPOINT_PASSIVE,
                                                             &log_frames, &copied);
    absl::MutexLock lock(&mu_);
    thread_checkpointing_ = false;
    ++passes_;
    if (rc == SQLITE_OK) {
      copied_ = copied;
      catch_up_ = true;
    }
  }
}

}  // namespace socle::sqlite
