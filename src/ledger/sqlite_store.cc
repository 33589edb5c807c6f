// The SQLite ledger store: one file per ledger, beside the vault's, in WAL mode.
//
// Schema 1 (PRAGMA user_version; application_id "SOCL"):
//   meta         the ledger's name and tenant, written once
//   entries      one row per entry: index, time, type, person pseudonym, the stored bytes (NULL
//                once pruned), the leaf hash and the row MAC; indexed per person and per time
//   tree         one row: the size and the compact range, updated in each append transaction
//   subtrees     roots of the perfect subtrees of 16 leaves and more (fast proofs)
//   leaf_tiles   each complete aligned block of 16 leaves: its leaf hashes and the roots of its
//                subtrees of 2, 4 and 8 leaves, in one blob (store.h, kTileHashes)
//   checkpoints  the signed checkpoints, by size
//   snapshots    engine snapshots (the state ledger), by revision
// Triggers refuse any UPDATE of an entry other than the retention prune (bytes to NULL) and any
// DELETE of entries, subtrees and checkpoints, so a plain `sqlite3` session meets a refusal;
// Verify catches whoever drops them first.
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/status_macros.h"
#include "ledger/store.h"
#include "socle/error.hpp"
#include "storage/sqlite.h"
#include "storage/wal_vfs.h"

namespace socle::ledger {

namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::StatementUse;
using sqlite::Transaction;

constexpr int64_t kApplicationId = 0x534f434c;  // "SOCL"
constexpr int64_t kSchemaVersion = 1;
constexpr char kSetVersionsSql[] = "PRAGMA application_id=1397703500; PRAGMA user_version=1;";
static_assert(kApplicationId == 1397703500);

constexpr char kSchemaSql[] = R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE entries (
  idx INTEGER PRIMARY KEY,
  time_us INTEGER NOT NULL,
  type INTEGER NOT NULL,
  person BLOB,
  body BLOB,
  leaf_hash BLOB NOT NULL,
  mac BLOB NOT NULL
);
CREATE INDEX entries_by_person ON entries (person, idx) WHERE person IS NOT NULL;
CREATE INDEX entries_by_time ON entries (time_us);
CREATE TABLE tree (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL,
  compact_range BLOB NOT NULL
);
CREATE TABLE subtrees (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE leaf_tiles (
  tile INTEGER PRIMARY KEY,
  hashes BLOB NOT NULL
);
CREATE TABLE checkpoints (
  size INTEGER PRIMARY KEY,
  time_us INTEGER NOT NULL,
  note TEXT NOT NULL
);
CREATE TABLE snapshots (
  revision INTEGER PRIMARY KEY,
  bytes BLOB NOT NULL,
  note TEXT NOT NULL
);
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
  WHEN NOT (NEW.idx = OLD.idx AND NEW.time_us = OLD.time_us AND NEW.type = OLD.type
            AND NEW.person IS OLD.person AND NEW.body IS NULL
            AND NEW.leaf_hash = OLD.leaf_hash AND NEW.mac = OLD.mac)
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER subtrees_no_change BEFORE UPDATE ON subtrees
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER subtrees_no_delete BEFORE DELETE ON subtrees
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER leaf_tiles_no_change BEFORE UPDATE ON leaf_tiles
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER leaf_tiles_no_delete BEFORE DELETE ON leaf_tiles
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER checkpoints_no_change BEFORE UPDATE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
)sql";

// Rows per multi-row INSERT (7 parameters each; SQLite allows 32,766).
constexpr size_t kRowsPerInsert = 32;

// OR FAIL: a statement that may stop halfway (a duplicate index) keeps the rows it wrote instead
// of undoing them, so SQLite keeps no statement journal: without it, every page a multi-row
// INSERT touches was first copied aside (a third of the committer's time for sealed entries,
// whose per-person index touches many pages). The whole transaction is rolled back on any error.
std::string InsertSql(size_t rows) {
  std::string sql = "INSERT OR FAIL INTO entries (idx, time_us, type, person, body, leaf_hash, mac) VALUES ";
  for (size_t i = 0; i < rows; ++i) absl::StrAppend(&sql, i == 0 ? "" : ", ", "(?, ?, ?, ?, ?, ?, ?)");
  return sql;
}

MerkleHash HashFrom(const Statement& s, int column) {
  MerkleHash h{};
  const void* p = sqlite3_column_blob(s.raw(), column);
  if (p != nullptr && sqlite3_column_bytes(s.raw(), column) == static_cast<int>(h.size())) {
    std::memcpy(h.data(), p, h.size());
  }
  return h;
}

const char* SynchronousPragma(Durability durability) {
  return durability == Durability::kNone ? "PRAGMA synchronous=OFF;" : "PRAGMA synchronous=FULL;";
}

absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
absl::Span<const uint8_t> Bytes(const MerkleHash& h) { return absl::MakeConstSpan(h); }

class SqliteStore final : public Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                                     Durability durability) {
    auto store = std::unique_ptr<SqliteStore>(new SqliteStore(path));
    // With synchronous=FULL (kSync, kGroup), a commit's frames go to the WAL in one write.
    SOCLE_ASSIGN_OR_RETURN(
        store->db_, Database::Open(path, "ledger database",
                                   durability == Durability::kNone ? nullptr
                                                                   : sqlite::CoalescingWalVfs()));
    SOCLE_RETURN_IF_ERROR(store->Init(durability));
    store->checkpointer_ = std::make_unique<sqlite::WalCheckpointer>(
        path, "ledger database", std::string(SynchronousPragma(durability)));
    store->checkpointer_->Attach(*store->db_);
    return store;
  }

  absl::StatusOr<uint64_t> RefusedEdits() override { return 0; }

  absl::Status SchemaIntegrity() override {
    std::vector<std::string> missing;
    SOCLE_RETURN_IF_ERROR(
        sqlite::CheckSchemaIs(*db_, kSchemaSql, "ledger database '" + path_ + "'", &missing));
    if (missing.empty()) return absl::OkStatus();
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("ledger database '", path_, "': the append-only trigger '",
                                  missing.front(),
                                  "' was removed: someone edited the database outside socle"));
  }

  absl::StatusOr<std::optional<std::pair<std::string, std::string>>> Identity() override {
    StatementUse name(*select_meta_);
    SOCLE_RETURN_IF_ERROR(name->Bind(1, absl::string_view("name")));
    SOCLE_ASSIGN_OR_RETURN(bool row, name->Step());
    if (!row) return std::nullopt;
    std::string n = name->Text(0);
    name->Reset();
    SOCLE_RETURN_IF_ERROR(name->Bind(1, absl::string_view("tenant")));
    SOCLE_ASSIGN_OR_RETURN(row, name->Step());
    if (!row) return std::nullopt;
    return std::make_pair(std::move(n), name->Text(0));
  }

  absl::Status SetIdentity(absl::string_view name, absl::string_view tenant) override {
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
    SOCLE_ASSIGN_OR_RETURN(auto insert,
                           db_->Prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)"));
    for (const auto& [k, v] : {std::pair<absl::string_view, absl::string_view>{"name", name},
                               {"tenant", tenant}}) {
      insert->Reset();
      SOCLE_RETURN_IF_ERROR(insert->Bind(1, k));
      SOCLE_RETURN_IF_ERROR(insert->Bind(2, v));
      SOCLE_RETURN_IF_ERROR(insert->Run());
    }
    insert.reset();
    return txn->Commit();
  }

  absl::Status Append(
      absl::FunctionRef<absl::StatusOr<AppendPlan>(const TreeState& tree)> plan) override {
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
    SOCLE_ASSIGN_OR_RETURN(const TreeState tree, Tree());
    SOCLE_ASSIGN_OR_RETURN(const AppendPlan p, plan(tree));
    {
      // Rows go in kRowsPerInsert at a time (one statement step for many rows), the rest one by
      // one.
      size_t i = 0;
      for (; i + kRowsPerInsert <= p.rows.size(); i += kRowsPerInsert) {
        SOCLE_RETURN_IF_ERROR(InsertRows(*insert_entries_, absl::MakeConstSpan(p.rows).subspan(
                                                               i, kRowsPerInsert)));
      }
      for (; i < p.rows.size(); ++i) {
        SOCLE_RETURN_IF_ERROR(InsertRows(*insert_entry_, absl::MakeConstSpan(&p.rows[i], 1)));
      }
    }
    {
      StatementUse insert(*insert_subtree_);
      for (const auto& [level, index, hash] : p.subtrees) {
        insert->Reset();
        SOCLE_RETURN_IF_ERROR(insert->Bind(1, static_cast<int64_t>(level)));
        SOCLE_RETURN_IF_ERROR(insert->Bind(2, static_cast<int64_t>(index)));
        SOCLE_RETURN_IF_ERROR(insert->Bind(3, Bytes(hash)));
        SOCLE_RETURN_IF_ERROR(insert->Run());
      }
    }
    {
      StatementUse insert(*insert_tile_);
      for (const auto& [tile, hashes] : p.tiles) {
        insert->Reset();
        SOCLE_RETURN_IF_ERROR(insert->Bind(1, static_cast<int64_t>(tile)));
        SOCLE_RETURN_IF_ERROR(insert->Bind(2, Bytes(hashes)));
        SOCLE_RETURN_IF_ERROR(insert->Run());
      }
    }
    {
      StatementUse update(*update_tree_);
      SOCLE_RETURN_IF_ERROR(update->Bind(1, static_cast<int64_t>(p.tree.size)));
      SOCLE_RETURN_IF_ERROR(update->Bind(2, Bytes(p.tree.compact_range)));
      SOCLE_RETURN_IF_ERROR(update->Run());
    }
    if (p.checkpoint.has_value()) {
      const auto& [size, time, note] = *p.checkpoint;
      SOCLE_RETURN_IF_ERROR(InsertCheckpoint({size, time, note}));
    }
    return txn->Commit();
  }

  absl::StatusOr<TreeState> Tree() override {
    StatementUse select(*select_tree_);
    SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
    if (!row) return TreeState{};
    const std::vector<uint8_t> range = select->Blob(1);
    return TreeState{static_cast<uint64_t>(select->Int(0)), std::string(range.begin(), range.end())};
  }

  absl::StatusOr<std::vector<Row>> ReadRows(uint64_t begin, size_t max_count) override {
    StatementUse select(*select_rows_);
    SOCLE_RETURN_IF_ERROR(select->Bind(1, static_cast<int64_t>(begin)));
    SOCLE_RETURN_IF_ERROR(select->Bind(2, static_cast<int64_t>(begin + max_count)));
    return Collect(*select, max_count);
  }

  absl::StatusOr<std::optional<uint64_t>> LastIndex() override {
    StatementUse select(*select_last_);
    SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
    if (!row || sqlite3_column_type(select->raw(), 0) == SQLITE_NULL) return std::nullopt;
    return static_cast<uint64_t>(select->Int(0));
  }

  absl::Status ReadLeafHashes(uint64_t begin, absl::Span<MerkleHash> out) override {
    StatementUse select(*select_leaves_);
    SOCLE_RETURN_IF_ERROR(select->Bind(1, static_cast<int64_t>(begin)));
    SOCLE_RETURN_IF_ERROR(select->Bind(2, static_cast<int64_t>(begin + out.size())));
    size_t n = 0;
    for (;;) {
      SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
      if (!row) break;
      const uint64_t index = static_cast<uint64_t>(select->Int(0));
      if (index != begin + n || n >= out.size()) break;
      out[n++] = HashFrom(*select, 1);
    }
    if (n != out.size()) {
      return MakeError(ErrorCode::kDataLoss,
                       absl::StrCat("ledger database: entry ", begin + n, " is missing"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<bool> ReadLeafTile(uint64_t tile, absl::Span<MerkleHash> out) override {
    StatementUse select(*select_tile_);
    SOCLE_RETURN_IF_ERROR(select->Bind(1, static_cast<int64_t>(tile)));
    SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
    if (!row) return false;
    const void* p = sqlite3_column_blob(select->raw(), 0);
    const size_t n = static_cast<size_t>(sqlite3_column_bytes(select->raw(), 0));
    if (p == nullptr || n != out.size() * kMerkleHashBytes) return false;  // Verify reports it
    std::memcpy(out.data(), p, n);
    return true;
  }

  absl::Status ReadLeafTiles(
      uint64_t begin, uint64_t end,
      absl::FunctionRef<void(uint64_t tile, absl::string_view hashes)> visit) override {
    StatementUse select(*select_tiles_);
    SOCLE_RETURN_IF_ERROR(select->Bind(1, static_cast<int64_t>(begin)));
    SOCLE_RETURN_IF_ERROR(select->Bind(2, static_cast<int64_t>(end)));
    for (;;) {
      SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
      if (!row) return absl::OkStatus();
      const char* p = static_cast<const char*>(sqlite3_column_blob(select->raw(), 1));
      const int n = sqlite3_column_bytes(select->raw(), 1);
      visit(static_cast<uint64_t>(select->Int(0)),
            p == nullptr ? absl::string_view() : absl::string_view(p, static_cast<size_t>(n)));
    }
  }

  absl::Status ReadSubtreeRoots(
      int level, uint64_t begin, uint64_t end,
      absl::FunctionRef<void(uint64_t index, const MerkleHash& hash)> visit) override {
    StatementUse select(*select_subtrees_);
    SOCLE_RETURN_IF_ERROR(select->Bind(1, static_cast<int64_t>(level)));
    SOCLE_RETURN_IF_ERROR(select->Bind(2, static_cast<int64_t>(begin)));
    SOCLE_RETURN_IF_ERROR(select->Bind(3, static_cast<int64_t>(end)));
    for (;;) {
      SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
      if (!row) return absl::OkStatus();
      visit(static_cast<uint64_t>(select->Int(0)), HashFrom(*select, 1));
    }
  }

  absl::Status ReadSubtreeRootsCompletedBy(
      uint64_t leaf_begin, uint64_t leaf_end,
      absl::FunctionRef<void(int level, uint64_t index, const MerkleHash& hash)> visit) override {
    // A statement per level: SQLite answers in the process, so fewer statements save nothing.
    for (int level = kStoredSubtreeLevel; level < 64 && (uint64_t{1} << level) <= leaf_end;
         ++level) {
      const uint64_t first = leaf_begin >> level;
      const uint64_t last = leaf_end >> level;
      if (first == last) continue;
      SOCLE_RETURN_IF_ERROR(ReadSubtreeRoots(
          level, first, last, [&](uint64_t i, const MerkleHash& hash) { visit(level, i, hash); }));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Row>> RowsAbout(absl::string_view person, int64_t from_micros,
                                             int64_t to_micros, int64_t after,
                                             size_t max_count) override {
    StatementUse select(*select_person_);
    SOCLE_RETURN_IF_ERROR(select->Bind(1, Bytes(person)));
    SOCLE_RETURN_IF_ERROR(select->Bind(2, after));
    SOCLE_RETURN_IF_ERROR(select->Bind(3, from_micros));
    SOCLE_RETURN_IF_ERROR(select->Bind(4, to_micros));
    SOCLE_RETURN_IF_ERROR(select->Bind(5, static_cast<int64_t>(max_count)));
    return Collect(*select, max_count);
  }

  absl::Status AddCheckpoint(const StoredCheckpoint& checkpoint) override {
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
    SOCLE_RETURN_IF_ERROR(InsertCheckpoint(checkpoint));
    return txn->Commit();
  }

  absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint() override {
    StatementUse select(*select_latest_checkpoint_);
    SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
    if (!row) return std::nullopt;
    return StoredCheckpoint{static_cast<uint64_t>(select->Int(0)), select->Int(1),
                            select->Text(2)};
  }

  absl::StatusOr<std::vector<StoredCheckpoint>> Checkpoints() override {
    SOCLE_ASSIGN_OR_RETURN(
        auto select, db_->Prepare("SELECT size, time_us, note FROM checkpoints ORDER BY size"));
    std::vector<StoredCheckpoint> out;
    for (;;) {
      SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
      if (!row) return out;
      out.push_back({static_cast<uint64_t>(select->Int(0)), select->Int(1), select->Text(2)});
    }
  }

  absl::StatusOr<uint64_t> Prune(int64_t before_micros) override {
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
    SOCLE_ASSIGN_OR_RETURN(
        auto update,
        db_->Prepare("UPDATE entries SET body = NULL WHERE time_us < ? AND body IS NOT NULL"));
    SOCLE_RETURN_IF_ERROR(update->Bind(1, before_micros));
    SOCLE_RETURN_IF_ERROR(update->Run());
    const uint64_t pruned = static_cast<uint64_t>(db_->Changes());
    update.reset();
    SOCLE_RETURN_IF_ERROR(txn->Commit());
    return pruned;
  }

  absl::Status SaveSnapshot(const StoredSnapshot& snapshot) override {
    SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
    SOCLE_ASSIGN_OR_RETURN(
        auto insert,
        db_->Prepare("INSERT OR REPLACE INTO snapshots (revision, bytes, note) VALUES (?, ?, ?)"));
    SOCLE_RETURN_IF_ERROR(insert->Bind(1, static_cast<int64_t>(snapshot.revision)));
    SOCLE_RETURN_IF_ERROR(insert->Bind(2, Bytes(snapshot.bytes)));
    SOCLE_RETURN_IF_ERROR(insert->Bind(3, absl::string_view(snapshot.note)));
    SOCLE_RETURN_IF_ERROR(insert->Run());
    insert.reset();
    return txn->Commit();
  }

  absl::StatusOr<std::optional<StoredSnapshot>> LatestSnapshot() override {
    SOCLE_ASSIGN_OR_RETURN(
        auto select, db_->Prepare("SELECT revision, bytes, note FROM snapshots "
                                  "ORDER BY revision DESC LIMIT 1"));
    SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
    if (!row) return std::nullopt;
    return StoredSnapshot{static_cast<uint64_t>(select->Int(0)), select->Text(1),
                          select->Text(2)};
  }

  absl::StatusOr<std::unique_ptr<RecordWatch>> WatchGrowth() override;

 private:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}

  absl::Status NotALedger() const {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "'" + path_ + "' is not a socle ledger database");
  }

  absl::Status Init(Durability durability) {
    auto app_id = db_->QueryInt("PRAGMA application_id");
    if (!app_id.ok()) {
      return ErrorCodeOf(app_id.status()) == ErrorCode::kDataLoss
                 ? MakeError(ErrorCode::kDataLoss, "'" + path_ +
                                                       "' is not a database (or is damaged)")
                 : app_id.status();
    }
    if (*app_id != 0 && *app_id != kApplicationId) return NotALedger();
    SOCLE_RETURN_IF_ERROR(db_->Exec(SynchronousPragma(durability)));
    SOCLE_RETURN_IF_ERROR(db_->Exec("PRAGMA temp_store=MEMORY;"));
    // Reads through a memory map (no read() per page): proofs and histories read scattered
    // pages of a large file. Writes still go through the WAL. 64 GiB of address space at most.
    SOCLE_RETURN_IF_ERROR(db_->Exec("PRAGMA mmap_size=68719476736; PRAGMA cache_size=-16384;"));
    // The log is cut back to 64 MiB when it restarts (it grows past that only while a reader
    // holds old frames; WalCheckpointer keeps it near 8 MiB).
    SOCLE_RETURN_IF_ERROR(db_->Exec("PRAGMA journal_size_limit=67108864;"));
    SOCLE_ASSIGN_OR_RETURN(const std::string mode, db_->QueryText("PRAGMA journal_mode=WAL"));
    if (mode != "wal") {
      return MakeError(ErrorCode::kIo, "ledger database: WAL journal mode is not available");
    }
    SOCLE_ASSIGN_OR_RETURN(int64_t version, db_->QueryInt("PRAGMA user_version"));
    if (version == 0) {
      SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
      // Another process may have created the schema while we waited for the write lock.
      SOCLE_ASSIGN_OR_RETURN(version, db_->QueryInt("PRAGMA user_version"));
      if (version == 0) {
        SOCLE_ASSIGN_OR_RETURN(const int64_t tables,
                               db_->QueryInt("SELECT count(*) FROM sqlite_schema"));
        if (tables != 0) return NotALedger();
        SOCLE_RETURN_IF_ERROR(db_->Exec(kSchemaSql));
        SOCLE_RETURN_IF_ERROR(db_->Exec(
            "INSERT INTO tree (id, size, compact_range) VALUES (1, 0, zeroblob(8))"));
        SOCLE_RETURN_IF_ERROR(db_->Exec(kSetVersionsSql));
        version = kSchemaVersion;
      }
      SOCLE_RETURN_IF_ERROR(txn->Commit());
    }
    // Later schemas migrate here, step by step in one transaction, as the vault's do.
    if (version > kSchemaVersion) {
      return MakeError(ErrorCode::kUnsupported,
                       absl::StrCat("ledger database schema version ", version,
                                    " is newer than this build (", kSchemaVersion, ")"));
    }
    if (version != kSchemaVersion) return NotALedger();
    // A schema that differs otherwise fails here; removed triggers are reported by
    // SchemaIntegrity (the Ledger refuses appends and Verify says it).
    std::vector<std::string> missing;
    SOCLE_RETURN_IF_ERROR(
        sqlite::CheckSchemaIs(*db_, kSchemaSql, "ledger database '" + path_ + "'", &missing));
    return Prepare();
  }

  absl::Status Prepare() {
    SOCLE_ASSIGN_OR_RETURN(select_meta_, db_->Prepare("SELECT value FROM meta WHERE key = ?"));
    SOCLE_ASSIGN_OR_RETURN(insert_entry_, db_->Prepare(InsertSql(1).c_str()));
    SOCLE_ASSIGN_OR_RETURN(insert_entries_, db_->Prepare(InsertSql(kRowsPerInsert).c_str()));
    SOCLE_ASSIGN_OR_RETURN(insert_subtree_,
                           db_->Prepare("INSERT OR IGNORE INTO subtrees (level, idx, hash) "
                                        "VALUES (?, ?, ?)"));
    SOCLE_ASSIGN_OR_RETURN(insert_tile_, db_->Prepare("INSERT OR IGNORE INTO leaf_tiles "
                                                      "(tile, hashes) VALUES (?, ?)"));
    SOCLE_ASSIGN_OR_RETURN(select_tile_,
                           db_->Prepare("SELECT hashes FROM leaf_tiles WHERE tile = ?"));
    SOCLE_ASSIGN_OR_RETURN(select_tiles_,
                           db_->Prepare("SELECT tile, hashes FROM leaf_tiles WHERE tile >= ? AND "
                                        "tile < ? ORDER BY tile"));
    SOCLE_ASSIGN_OR_RETURN(update_tree_, db_->Prepare("UPDATE tree SET size = ?, "
                                                      "compact_range = ? WHERE id = 1"));
    SOCLE_ASSIGN_OR_RETURN(select_tree_,
                           db_->Prepare("SELECT size, compact_range FROM tree WHERE id = 1"));
    SOCLE_ASSIGN_OR_RETURN(
        select_rows_,
        db_->Prepare("SELECT idx, time_us, type, person, body, leaf_hash, mac FROM entries "
                     "WHERE idx >= ? AND idx < ? ORDER BY idx"));
    SOCLE_ASSIGN_OR_RETURN(select_last_, db_->Prepare("SELECT max(idx) FROM entries"));
    SOCLE_ASSIGN_OR_RETURN(
        select_leaves_,
        db_->Prepare("SELECT idx, leaf_hash FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx"));
    SOCLE_ASSIGN_OR_RETURN(select_subtrees_,
                           db_->Prepare("SELECT idx, hash FROM subtrees WHERE level = ? AND "
                                        "idx >= ? AND idx < ? ORDER BY idx"));
    SOCLE_ASSIGN_OR_RETURN(
        select_person_,
        db_->Prepare("SELECT idx, time_us, type, person, body, leaf_hash, mac FROM entries "
                     "WHERE person = ? AND idx > ? AND time_us >= ? AND time_us < ? "
                     "ORDER BY idx LIMIT ?"));
    SOCLE_ASSIGN_OR_RETURN(
        insert_checkpoint_,
        db_->Prepare("INSERT OR IGNORE INTO checkpoints (size, time_us, note) VALUES (?, ?, ?)"));
    SOCLE_ASSIGN_OR_RETURN(
        select_latest_checkpoint_,
        db_->Prepare("SELECT size, time_us, note FROM checkpoints ORDER BY size DESC LIMIT 1"));
    return absl::OkStatus();
  }

  // Inserts `rows` with `insert`, a statement of exactly rows.size() rows of 7 columns.
  static absl::Status InsertRows(Statement& insert, absl::Span<const NewRow> rows) {
    StatementUse use(insert);
    int n = 0;
    for (const NewRow& r : rows) {
      SOCLE_RETURN_IF_ERROR(use->Bind(++n, static_cast<int64_t>(r.index)));
      SOCLE_RETURN_IF_ERROR(use->Bind(++n, r.time_micros));
      SOCLE_RETURN_IF_ERROR(use->Bind(++n, static_cast<int64_t>(r.type)));
      ++n;  // person: NULL unless bound
      if (!r.person.empty()) SOCLE_RETURN_IF_ERROR(use->Bind(n, Bytes(r.person)));
      SOCLE_RETURN_IF_ERROR(use->Bind(++n, Bytes(r.body)));
      SOCLE_RETURN_IF_ERROR(use->Bind(++n, Bytes(r.leaf_hash)));
      SOCLE_RETURN_IF_ERROR(use->Bind(++n, Bytes(r.mac)));
    }
    return use->Run();
  }

  absl::Status InsertCheckpoint(const StoredCheckpoint& c) {
    StatementUse insert(*insert_checkpoint_);
    SOCLE_RETURN_IF_ERROR(insert->Bind(1, static_cast<int64_t>(c.size)));
    SOCLE_RETURN_IF_ERROR(insert->Bind(2, c.time_micros));
    SOCLE_RETURN_IF_ERROR(insert->Bind(3, absl::string_view(c.note)));
    return insert->Run();
  }

  static absl::StatusOr<std::vector<Row>> Collect(Statement& select, size_t max_count) {
    std::vector<Row> rows;
    rows.reserve(std::min<size_t>(max_count, 4096));
    for (;;) {
      SOCLE_ASSIGN_OR_RETURN(const bool row, select.Step());
      if (!row) return rows;
      Row r;
      r.index = static_cast<uint64_t>(select.Int(0));
      r.time_micros = select.Int(1);
      r.type = static_cast<int32_t>(select.Int(2));
      r.person = select.Text(3);
      r.pruned = sqlite3_column_type(select.raw(), 4) == SQLITE_NULL;
      if (!r.pruned) r.body = select.Text(4);
      r.leaf_hash = HashFrom(select, 5);
      r.mac = HashFrom(select, 6);
      rows.push_back(std::move(r));
    }
  }

  const std::string path_;
  std::unique_ptr<Database> db_;
  // Copies db_'s WAL into the file off the committing call (declared after db_: destroyed,
  // and detached from it, first).
  std::unique_ptr<sqlite::WalCheckpointer> checkpointer_;
  std::unique_ptr<Statement> select_meta_, insert_entry_, insert_entries_, insert_subtree_, update_tree_,
      select_tree_, select_rows_, select_last_, select_leaves_, select_subtrees_, select_person_, insert_tile_, select_tile_,
      select_tiles_, insert_checkpoint_, select_latest_checkpoint_;
};

// A watch of the tree's size on a connection of its own. SQLite tells no other connection of a
// commit, so the watch looks: `PRAGMA data_version` changes when any other connection (of any
// process) has committed, and costs a few microseconds (the WAL index's header, in shared
// memory); only then is the tree's size read. Looking every kPollEvery keeps the delay to about
// that and an idle follower's cost to a fraction of a percent of a core.
class SqliteGrowthWatch final : public RecordWatch {
 public:
  static absl::StatusOr<std::unique_ptr<RecordWatch>> Open(const std::string& path) {
    auto watch = std::unique_ptr<SqliteGrowthWatch>(new SqliteGrowthWatch());
    SOCLE_ASSIGN_OR_RETURN(watch->db_, Database::Open(path, "ledger database"));
    SOCLE_ASSIGN_OR_RETURN(watch->data_version_, watch->db_->Prepare("PRAGMA data_version"));
    SOCLE_ASSIGN_OR_RETURN(watch->select_size_,
                           watch->db_->Prepare("SELECT size FROM tree WHERE id = 1"));
    return std::unique_ptr<RecordWatch>(std::move(watch));
  }

  absl::StatusOr<uint64_t> WaitForGrowth(uint64_t known_size, absl::Duration timeout) override {
    const absl::Time deadline = absl::Now() + timeout;
    for (bool first = true;; first = false) {
      SOCLE_ASSIGN_OR_RETURN(const int64_t version, Version());
      if (first || version != version_) {
        version_ = version;
        SOCLE_ASSIGN_OR_RETURN(size_, Size());
      }
      const absl::Duration left = deadline - absl::Now();
      if (size_ > known_size || left <= absl::ZeroDuration()) return size_;
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&interrupted_), std::min(left, kPollEvery))) {
        return size_;
      }
    }
  }

  void Interrupt() override {
    absl::MutexLock lock(&mu_);
    interrupted_ = true;
  }

 private:
  static constexpr absl::Duration kPollEvery = absl::Milliseconds(2);

  SqliteGrowthWatch() = default;

  absl::StatusOr<int64_t> Version() {
    StatementUse pragma(*data_version_);
    SOCLE_ASSIGN_OR_RETURN(const bool row, pragma->Step());
    return row ? pragma->Int(0) : 0;
  }
  absl::StatusOr<uint64_t> Size() {
    StatementUse select(*select_size_);
    SOCLE_ASSIGN_OR_RETURN(const bool row, select->Step());
    return row ? static_cast<uint64_t>(select->Int(0)) : 0;
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<Statement> data_version_;
  std::unique_ptr<Statement> select_size_;
  int64_t version_ = 0;
  uint64_t size_ = 0;
  absl::Mutex mu_;
  bool interrupted_ ABSL_GUARDED_BY(mu_) = false;
};

absl::StatusOr<std::unique_ptr<RecordWatch>> SqliteStore::WatchGrowth() {
  return SqliteGrowthWatch::Open(path_);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                                       Durability durability) {
  return SqliteStore::Open(path, durability);
}

}  // namespace socle::ledger
