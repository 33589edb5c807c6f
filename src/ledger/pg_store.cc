// The PostgreSQL ledger store: several ledgers share one database, each in a schema of its own
// ("socle_<ledger name>"), reached through one libpq connection per store (docs/postgresql.md).
//
// Schema 1 (meta.schema_version), the same tables as the SQLite store's (sqlite_store.cc):
//   meta, entries, tree, subtrees, leaf_tiles, checkpoints, snapshots
// Row triggers refuse any UPDATE of an entry other than the retention prune (body to NULL,
// nothing else changed) and any UPDATE or DELETE of entries, subtrees, leaf tiles and
// checkpoints; statement triggers refuse TRUNCATE of them. SchemaIntegrity reads pg_trigger and
// names one that was dropped or disabled.
//
// Appends from every process and host are serialised by a row lock on the tree head (SELECT …
// FOR UPDATE in the append transaction): docs/postgresql.md argues it against an advisory lock.
//
// Errors name the "ledger database" and what failed, with PostgreSQL's SQLSTATE and primary
// message only: the detail and context fields can quote row values, and the connection string
// (which may hold a password) is never repeated.
#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/status_macros.h"
#include "ledger/store.h"
#include "socle/error.hpp"
#include "storage/pg.h"

namespace socle::ledger {

// Test-only fault injection around the COMMIT of an append (tests/pg/pg_faults_test.cc declares
// it): 0 none, 1 the connection is cut before COMMIT is sent, 2 after COMMIT ran (its answer is
// lost), 3 and 4 as 2 and 1 with the server taken as unreachable while the outcome is checked
// (the next append resolves it). Each value is used by one commit, then reset.
extern std::atomic<int> pg_commit_fault_for_testing;
std::atomic<int> pg_commit_fault_for_testing{0};
// Test-only: when > 0, the schema version Open creates or migrates to (tests/pg make a ledger of
// an older version, then open it with the current one to test the migration).
extern std::atomic<int64_t> pg_schema_version_for_testing;
std::atomic<int64_t> pg_schema_version_for_testing{0};

namespace {

// The libpq helpers shared with the vault's store (storage/pg.h).
using pg::BytesAt;
using pg::CodeOf;
using pg::Describe;
using pg::IntAt;
using pg::Params;
using pg::QuoteIdentifier;
using pg::Result;
using pg::ViewAt;

// The schema's version (meta.schema_version): a new ledger is created at version 1 (kSchemaSql,
// never changed once released) and migrated step by step (kMigrations), as an old one is.
constexpr int64_t kSchemaVersion = 2;
// PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1).
constexpr size_t kMaxIdentifierBytes = 63;
// Serialises schema creation and migrations across processes (any value: only this code takes
// it, inside the creating transaction). "SOCLEDGR" as a 64-bit integer.
constexpr int64_t kMigrationLockKey = 0x534f434c45444752;

// The tables, in the order they are created; the schema must hold each of them.
constexpr const char* kTables[] = {"meta",       "entries",     "tree",     "subtrees",
                                   "leaf_tiles", "checkpoints", "snapshots"};

// The append-only triggers (table, trigger), as SchemaIntegrity expects them.
constexpr std::pair<const char*, const char*> kTriggers[] = {
    {"entries", "entries_no_update"},           {"entries", "entries_no_delete"},
    {"entries", "entries_no_truncate"},         {"subtrees", "subtrees_no_change"},
    {"subtrees", "subtrees_no_truncate"},       {"leaf_tiles", "leaf_tiles_no_change"},
    {"leaf_tiles", "leaf_tiles_no_truncate"},   {"checkpoints", "checkpoints_no_change"},
    {"checkpoints", "checkpoints_no_truncate"},
};

// Version 1, created in the ledger's schema (the connection's search_path), in one transaction.
// Frozen: later versions are migrations below, so that a new ledger and a migrated one are the
// same schema.
constexpr char kSchemaSql[] = R"sql(
CREATE TABLE meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE entries (
  idx bigint PRIMARY KEY,
  time_us bigint NOT NULL,
  type integer NOT NULL,
  person bytea,
  body bytea,
  leaf_hash bytea NOT NULL,
  mac bytea NOT NULL
);
CREATE INDEX entries_by_person ON entries (person, idx) WHERE person IS NOT NULL;
CREATE INDEX entries_by_time ON entries (time_us);
CREATE TABLE tree (
  id integer PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL,
  compact_range bytea NOT NULL
);
CREATE TABLE subtrees (
  level integer NOT NULL,
  idx bigint NOT NULL,
  hash bytea NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE TABLE leaf_tiles (
  tile bigint PRIMARY KEY,
  hashes bytea NOT NULL
);
CREATE TABLE checkpoints (
  size bigint PRIMARY KEY,
  time_us bigint NOT NULL,
  note text NOT NULL
);
CREATE TABLE snapshots (
  revision bigint PRIMARY KEY,
  bytes bytea NOT NULL,
  note text NOT NULL
);
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE FUNCTION entries_prune_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.idx = OLD.idx AND NEW.time_us = OLD.time_us AND NEW.type = OLD.type
     AND NEW.person IS NOT DISTINCT FROM OLD.person AND NEW.body IS NULL
     AND NEW.leaf_hash = OLD.leaf_hash AND NEW.mac = OLD.mac THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the ledger is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
  FOR EACH ROW EXECUTE FUNCTION entries_prune_only();
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON entries
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER subtrees_no_change BEFORE UPDATE OR DELETE ON subtrees
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER subtrees_no_truncate BEFORE TRUNCATE ON subtrees
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER leaf_tiles_no_change BEFORE UPDATE OR DELETE ON leaf_tiles
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER leaf_tiles_no_truncate BEFORE TRUNCATE ON leaf_tiles
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoints_no_change BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
INSERT INTO tree (id, size, compact_range) VALUES (1, 0, '\x0000000000000000'::bytea);
INSERT INTO meta (key, value) VALUES ('schema_version', '1');
)sql";

// kMigrations[v - 1] takes the schema from version v to v + 1, in the creating or migrating
// transaction (search_path = the ledger's schema), and sets meta.schema_version.
//
// 1 -> 2: refused edits are counted and said. A trigger's error rolls back its transaction and
// everything it wrote, except a sequence: nextval is never undone, so `refused_changes` counts
// every refused UPDATE, DELETE and TRUNCATE (Verify reports it) and the error, which the server
// logs with its statement, role and time, carries the count. The functions run as the schema's
// owner (SECURITY DEFINER, with a fixed search_path), so the application role needs no right on
// the sequence and cannot reset it (docs/postgresql.md, "Roles").
constexpr const char* kMigrations[] = {
    R"sql(
CREATE SEQUENCE refused_changes;
CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
  refusal bigint := nextval(format('%I.refused_changes', TG_TABLE_SCHEMA));
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on %.% refused (refused edit %)', TG_OP,
    TG_TABLE_SCHEMA, TG_TABLE_NAME, refusal USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE OR REPLACE FUNCTION entries_prune_only() RETURNS trigger LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
  refusal bigint;
BEGIN
  IF NEW.idx = OLD.idx AND NEW.time_us = OLD.time_us AND NEW.type = OLD.type
     AND NEW.person IS NOT DISTINCT FROM OLD.person AND NEW.body IS NULL
     AND NEW.leaf_hash = OLD.leaf_hash AND NEW.mac = OLD.mac THEN
    RETURN NEW;
  END IF;
  refusal := nextval(format('%I.refused_changes', TG_TABLE_SCHEMA));
  RAISE EXCEPTION 'the ledger is append-only: % on %.% refused (refused edit %)', TG_OP,
    TG_TABLE_SCHEMA, TG_TABLE_NAME, refusal USING ERRCODE = 'integrity_constraint_violation';
END $$;
UPDATE meta SET value = '2' WHERE key = 'schema_version';
)sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion - 1, "one migration per version step");

// Rows per multi-row INSERT, largest first: an append's entries, subtree roots and leaf tiles
// go in statements of these sizes (7, 3 or 2 parameters a row; PostgreSQL allows 65,535), so a
// transaction of 8,000 entries makes about 150 round trips, not one per root and per tile (which
// were half of the time the tree head's lock was held).
constexpr size_t kBatchSizes[] = {64, 16, 4, 1};

// `head` VALUES ($1, …), (…) `tail`, for `rows` rows of `columns` parameters.
std::string MultiRowInsert(absl::string_view head, size_t columns, size_t rows,
                           absl::string_view tail) {
  std::string sql = absl::StrCat(head, " VALUES ");
  for (size_t i = 0; i < rows; ++i) {
    absl::StrAppend(&sql, i == 0 ? "(" : ", (");
    for (size_t c = 0; c < columns; ++c) {
      absl::StrAppend(&sql, c == 0 ? "$" : ", $", columns * i + c + 1);
    }
    absl::StrAppend(&sql, ")");
  }
  absl::StrAppend(&sql, tail);
  return sql;
}

// The prepared statement that inserts `rows` rows of `table`.
std::string InsertName(absl::string_view table, size_t rows) {
  return absl::StrCat("insert_", table, "_", rows);
}

// Reconnection after a lost connection: this many tries, waiting kBackoff, 2 kBackoff, … between
// them (about 3 s in all), so that a server restart is ridden out and a server that stays down
// is reported without hanging.
constexpr int kReconnectAttempts = 6;
constexpr absl::Duration kBackoff = absl::Milliseconds(100);

MerkleHash HashAt(const PGresult* r, int row, int col) {
  MerkleHash h{};
  if (!PQgetisnull(r, row, col) && PQgetlength(r, row, col) == static_cast<int>(h.size())) {
    std::memcpy(h.data(), PQgetvalue(r, row, col), h.size());
  }
  return h;
}

// Verify's pieces (StreamForVerify): the bytes of rows handed to the checking thread at a time.
// Less than a socket holds (a Unix socket's default send buffer is 208 KiB; TCP's grows larger),
// so that the next piece is already in the socket when the checker takes one.
constexpr size_t kVerifyPieceBytes = 64 << 10;

// Reads of more rows than this (Verify's chunks) come through COPY (see CopyRowDecoder); a page
// of a person's or of the ledger's entries through the prepared SELECT (a COPY is parsed and
// planned each time, which costs more than it saves on a few rows).
constexpr size_t kCopyRowsAbove = 256;

// The leaf tiles t with $1 <= t < $2; the LIMIT $3 (= $2 - $1) keeps the plan an index scan
// (see CopyRows).
constexpr char kSelectTilesSql[] =
    "SELECT tile, hashes FROM leaf_tiles WHERE tile >= $1 AND tile < $2 ORDER BY tile LIMIT $3";
// The subtree roots of levels $3 to $4 (none when $3 > $4) that the leaves [$1, $2) complete:
// one index scan per level, in one round trip.
#define SOCLE_PG_SUBTREES_COMPLETED                                                       \
  "SELECT s.level, s.idx, s.hash FROM generate_series($3::integer, $4::integer) AS l(n) " \
  "CROSS JOIN LATERAL (SELECT level, idx, hash FROM subtrees WHERE level = l.n AND "      \
  "idx >= ($1::bigint >> l.n) AND idx < ($2::bigint >> l.n) ORDER BY idx) AS s"
constexpr char kSelectSubtreesCompletedSql[] =
    SOCLE_PG_SUBTREES_COMPLETED " ORDER BY s.level, s.idx";
// What Verify checks a chunk of leaves [$1, $2) against, in one statement (sent a chunk ahead:
// ChunkTables): the subtree roots they complete, and the leaf tiles t with $5 <= t < $6 (LIMIT
// $7, as kSelectTilesSql) as level -1; in no order.
constexpr char kSelectChunkTablesSql[] = "(" SOCLE_PG_SUBTREES_COMPLETED
                                         ") UNION ALL (SELECT -1, tile, hashes FROM leaf_tiles "
                                         "WHERE tile >= $5 AND tile < $6 ORDER BY tile LIMIT $7)";
#undef SOCLE_PG_SUBTREES_COMPLETED

// Appends the parameters of kSelectTilesSql for the tiles [begin, end).
void AddTilesParams(pg::Params& p, uint64_t begin, uint64_t end) {
  p.Int(static_cast<int64_t>(begin));
  p.Int(static_cast<int64_t>(end));
  p.Int(static_cast<int64_t>(end > begin ? end - begin : 0));
}
pg::Params TilesParams(uint64_t begin, uint64_t end) {
  pg::Params p;
  AddTilesParams(p, begin, end);
  return p;
}

// The highest level with 2^level <= leaf_end (at least kStoredSubtreeLevel - 1): the leaves
// below leaf_end complete stored subtree roots up to that level.
int TopCompletedLevel(uint64_t leaf_end) {
  int top = kStoredSubtreeLevel - 1;
  while (top < 62 && (uint64_t{1} << (top + 1)) <= leaf_end) ++top;
  return top;
}

// Appends the parameters of kSelectSubtreesCompletedSql for the leaves [leaf_begin, leaf_end).
void AddSubtreesCompletedParams(pg::Params& p, uint64_t leaf_begin, uint64_t leaf_end) {
  p.Int(static_cast<int64_t>(std::min<uint64_t>(leaf_begin, INT64_MAX)));
  p.Int(static_cast<int64_t>(std::min<uint64_t>(leaf_end, INT64_MAX)));
  p.Int(kStoredSubtreeLevel);
  p.Int(TopCompletedLevel(leaf_end));
}
// Those parameters, or nullopt when the leaves complete no stored subtree (fewer than
// 2^kStoredSubtreeLevel leaves).
std::optional<pg::Params> SubtreesCompletedParams(uint64_t leaf_begin, uint64_t leaf_end) {
  if (TopCompletedLevel(leaf_end) < kStoredSubtreeLevel) return std::nullopt;
  pg::Params p;
  AddSubtreesCompletedParams(p, leaf_begin, leaf_end);
  return p;
}

// The parameters of kSelectChunkTablesSql for the leaves [leaf_begin, leaf_end).
pg::Params ChunkTablesParams(uint64_t leaf_begin, uint64_t leaf_end) {
  pg::Params p;
  AddSubtreesCompletedParams(p, leaf_begin, leaf_end);
  AddTilesParams(p, leaf_begin / kTileLeaves, leaf_end / kTileLeaves);
  return p;
}

// The entries' columns as a read returns them (Collect and CopyRowDecoder decode them in this
// order).
constexpr absl::string_view kEntryColumns = "idx, time_us, type, person, body, leaf_hash, mac";

uint32_t Be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}
uint64_t Be64(const char* p) { return (uint64_t{Be32(p)} << 32) | Be32(p + 4); }

// Entry rows as `COPY (SELECT <kEntryColumns> …) TO STDOUT (FORMAT binary)` sends them
// (PostgreSQL's manual, "COPY", "Binary Format"): a header (11-byte signature, flags, an
// extension area), then per row a 16-bit field count and each field as a 32-bit length (-1 for
// NULL) and its bytes, then a field count of -1. Verify reads its chunks this way: the rows are
// decoded here as they arrive, while the backend produces the next ones, instead of once the
// whole result is in (benchmarks/README.md, "the Ledger on PostgreSQL"). The decoder checks
// every length against what is left: bytes that are not such a stream are refused, never read
// past.
class CopyRowDecoder {
 public:
  explicit CopyRowDecoder(std::vector<Row>* rows) : rows_(rows) {}

  // Decodes the complete rows of `data`, which follows the data fed before; a row cut between
  // two calls is kept until its end arrives. False: not a stream of entry rows.
  bool Feed(absl::string_view data) {
    if (pending_.empty()) {
      const size_t used = Parse(data);
      if (used == kMalformed) return false;
      pending_.assign(data.data() + used, data.size() - used);
      return true;
    }
    pending_.append(data.data(), data.size());
    const size_t used = Parse(pending_);
    if (used == kMalformed) return false;
    pending_.erase(0, used);
    return true;
  }

  // The whole stream was read: header, rows and trailer, nothing left over.
  bool Complete() const { return finished_ && pending_.empty(); }

 private:
  static constexpr size_t kMalformed = static_cast<size_t>(-1);
  static constexpr size_t kColumns = 7;
  static constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // and a NUL: 11 bytes
  static constexpr size_t kSignatureBytes = 11;

  // Returns the bytes of `d` used (whole rows), or kMalformed.
  size_t Parse(absl::string_view d) {
    size_t pos = 0;
    if (!header_done_) {
      if (d.size() < kSignatureBytes + 8) return 0;
      if (std::memcmp(d.data(), kSignature, kSignatureBytes) != 0) return kMalformed;
      const uint64_t extension = Be32(d.data() + kSignatureBytes + 4);
      if (d.size() - (kSignatureBytes + 8) < extension) return 0;
      pos = kSignatureBytes + 8 + extension;
      header_done_ = true;
    }
    while (pos < d.size()) {
      if (finished_ || d.size() - pos < 2) return finished_ ? kMalformed : pos;
      const int16_t fields = static_cast<int16_t>((static_cast<unsigned char>(d[pos]) << 8) |
                                                  static_cast<unsigned char>(d[pos + 1]));
      if (fields == -1) {
        finished_ = true;
        pos += 2;
        continue;
      }
      if (fields != static_cast<int16_t>(kColumns)) return kMalformed;
      // Find the row's fields before decoding any: a row is decoded whole or not yet.
      std::array<absl::string_view, kColumns> value;
      std::array<bool, kColumns> null{};
      size_t q = pos + 2;
      for (size_t c = 0; c < kColumns; ++c) {
        if (d.size() - q < 4) return pos;
        const int32_t length = static_cast<int32_t>(Be32(d.data() + q));
        q += 4;
        if (length < -1) return kMalformed;
        null[c] = length == -1;
        if (null[c]) continue;
        if (d.size() - q < static_cast<size_t>(length)) return pos;
        value[c] = d.substr(q, static_cast<size_t>(length));
        q += static_cast<size_t>(length);
      }
      // idx, time_us (bigint), type (integer) are NOT NULL.
      if (null[0] || value[0].size() != 8 || null[1] || value[1].size() != 8 || null[2] ||
          value[2].size() != 4) {
        return kMalformed;
      }
      Row& row = rows_->emplace_back();
      row.index = Be64(value[0].data());
      row.time_micros = static_cast<int64_t>(Be64(value[1].data()));
      row.type = static_cast<int32_t>(Be32(value[2].data()));
      if (!null[3]) row.person.assign(value[3].data(), value[3].size());
      row.pruned = null[4];
      if (!null[4]) row.body.assign(value[4].data(), value[4].size());
      // A hash of the wrong length stays zero, as HashAt has it: Verify reports the row.
      if (value[5].size() == kMerkleHashBytes) {
        std::memcpy(row.leaf_hash.data(), value[5].data(), kMerkleHashBytes);
      }
      if (value[6].size() == kMerkleHashBytes) {
        std::memcpy(row.mac.data(), value[6].data(), kMerkleHashBytes);
      }
      pos = q;
    }
    return pos;
  }

  std::vector<Row>* rows_;
  std::string pending_;
  bool header_done_ = false;
  bool finished_ = false;
};

// Verify's tiles and roots (kSelectChunkTablesSql) on the reading's second connection, one chunk
// ahead: when a chunk's are taken, the next chunk's statement is sent, and the server reads
// them while that chunk's rows stream in. Read only when a chunk began, they cost the reader a
// round trip and a wait for the server's scheduling, 2 to 4 ms a chunk: a fifth of Verify's time
// with the server on one core (benchmarks/README.md, the Ledger on PostgreSQL, run I). What went
// wrong with a statement sent ahead (a lost connection, a timeout) is not reported: the chunk's
// statement is run again in turn, with ExecPrepared's reconnection, and its error stands.
class ChunkTables {
 public:
  // For Verify's reading of a tree of `size` leaves, in chunks of `chunk_rows`.
  ChunkTables(pg::Connection& side, uint64_t size, uint64_t chunk_rows)
      : side_(side), size_(size), chunk_rows_(chunk_rows) {}
  ~ChunkTables() { Drop(); }
  ChunkTables(const ChunkTables&) = delete;
  ChunkTables& operator=(const ChunkTables&) = delete;

  // The leaf tiles and subtree roots of `read`'s leaves below the tree's size, into `read`.
  absl::Status Take(VerifyRead& read) {
    constexpr absl::string_view kWhat = "read leaf tiles and subtree roots";
    const uint64_t end = std::min(read.end, size_);
    if (read.begin >= end) return absl::OkStatus();
    std::optional<absl::StatusOr<Result>> sent;
    if (pending_ == read.begin) {
      pending_.reset();
      sent = side_.TakeResult(kWhat);
    }
    Drop();
    absl::StatusOr<Result> r =
        sent.has_value() && sent->ok()
            ? *std::move(sent)
            : side_.ExecPrepared("select_chunk_tables", ChunkTablesParams(read.begin, end), kWhat);
    SOCLE_RETURN_IF_ERROR(r.status());
    // The next chunk's, sent now; if it cannot be sent, it is read in turn.
    const uint64_t next = read.begin + chunk_rows_;
    if (next < size_ &&
        side_
            .SendPrepared("select_chunk_tables",
                          ChunkTablesParams(next, std::min(next + chunk_rows_, size_)), kWhat)
            .ok()) {
      pending_ = next;
    }
    const PGresult* result = r->get();
    for (int i = 0; i < PQntuples(result); ++i) {
      const int level = static_cast<int>(IntAt(result, i, 0));
      if (level < 0) {
        read.tiles.emplace_back(static_cast<uint64_t>(IntAt(result, i, 1)), ViewAt(result, i, 2));
      } else {
        read.subtrees.emplace_back(level, static_cast<uint64_t>(IntAt(result, i, 1)),
                                   HashAt(result, i, 2));
      }
    }
    return absl::OkStatus();
  }

 private:
  // Reads and drops the result of a statement sent ahead and not taken.
  void Drop() {
    if (!pending_.has_value()) return;
    pending_.reset();
    (void)side_.TakeResult("drop");
  }

  pg::Connection& side_;
  const uint64_t size_;
  const uint64_t chunk_rows_;
  std::optional<uint64_t> pending_;  // the first leaf of the chunk whose statement was sent
};

class PostgresStore final : public Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& conninfo,
                                                     absl::string_view ledger_name,
                                                     Durability durability) {
    const std::string schema = absl::StrCat("socle_", ledger_name);
    const bool name_ok = !ledger_name.empty() && schema.size() <= kMaxIdentifierBytes &&
                         std::all_of(ledger_name.begin(), ledger_name.end(), [](char c) {
                           return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' ||
                                  c == '.' || c == '-';
                         });
    if (!name_ok) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("ledger name: a PostgreSQL ledger's name is 1 to ",
                                    kMaxIdentifierBytes - 6, " bytes of a-z, 0-9, '_', '.', '-'"));
    }
    // A malformed connection string is refused without quoting it (it may hold a password).
    SOCLE_RETURN_IF_ERROR(pg::CheckConninfo(conninfo, "ledger database"));
    auto store = std::unique_ptr<PostgresStore>(new PostgresStore(schema, durability));
    store->conninfo_ = conninfo;  // for the growth watch's own connection
    store->conn_ = PQconnectdb(conninfo.c_str());
    if (store->conn_ == nullptr) {
      return MakeError(ErrorCode::kNoMemory, "ledger database: no memory for a connection");
    }
    if (PQstatus(store->conn_) != CONNECTION_OK) {
      return MakeError(ErrorCode::kIo,
                       absl::StrCat("ledger database: cannot connect to PostgreSQL: ",
                                    store->ConnectionError()));
    }
    SOCLE_RETURN_IF_ERROR(store->Init());
    return store;
  }

  ~PostgresStore() override {
    if (conn_ != nullptr) PQfinish(conn_);
  }

  absl::Status SchemaIntegrity() override {
    Params p;
    p.Text(schema_);
    SOCLE_ASSIGN_OR_RETURN(Result r,
                           Exec("SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
                                "JOIN pg_class c ON c.oid = t.tgrelid "
                                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                "WHERE n.nspname = $1 AND NOT t.tgisinternal",
                                p, "read the schema's triggers", /*text_result=*/true));
    for (const auto& [table, trigger] : kTriggers) {
      bool found = false;
      bool enabled = false;
      for (int i = 0; i < PQntuples(r.get()); ++i) {
        if (table == absl::string_view(PQgetvalue(r.get(), i, 0)) &&
            trigger == absl::string_view(PQgetvalue(r.get(), i, 1))) {
          found = true;
          enabled = absl::string_view(PQgetvalue(r.get(), i, 2)) != "D";
        }
      }
      if (!found || !enabled) {
        return MakeError(
            ErrorCode::kFailedPrecondition,
            absl::StrCat("ledger database (schema ", schema_, "): the append-only trigger '",
                         trigger, "' was ", found ? "disabled" : "removed",
                         ": someone edited the database outside socle"));
      }
    }
    return absl::OkStatus();
  }

  bool ReadsFromAServer() const override { return true; }

  absl::StatusOr<uint64_t> RefusedEdits() override {
    SOCLE_ASSIGN_OR_RETURN(
        Result r, Exec("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM refused_changes",
                       Params(), "read the count of refused edits"));
    return PQntuples(r.get()) == 1 ? static_cast<uint64_t>(IntAt(r.get(), 0, 0)) : 0;
  }

  absl::StatusOr<std::optional<std::pair<std::string, std::string>>> Identity() override {
    SOCLE_ASSIGN_OR_RETURN(Result r, Exec("SELECT key, value FROM meta WHERE key IN "
                                          "('name', 'tenant')",
                                          Params(), "read the ledger's identity"));
    std::optional<std::string> name, tenant;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      (ViewAt(r.get(), i, 0) == "name" ? name : tenant) = BytesAt(r.get(), i, 1);
    }
    if (!name.has_value() || !tenant.has_value()) return std::nullopt;
    return std::make_pair(std::move(*name), std::move(*tenant));
  }

  absl::Status SetIdentity(absl::string_view name, absl::string_view tenant) override {
    SOCLE_RETURN_IF_ERROR(Begin());
    for (const auto& [k, v] :
         {std::pair<absl::string_view, absl::string_view>{"name", name}, {"tenant", tenant}}) {
      Params p;
      p.Text(k);
      p.Text(v);
      if (auto r = Exec("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING", p,
                        "write the ledger's identity");
          !r.ok()) {
        return Rollback(r.status());
      }
    }
    return Commit();
  }

  // One transaction under the tree head's row lock. A COMMIT whose answer is lost with the
  // connection is in doubt: the store reconnects and reads the row the append ends with to learn
  // whether it landed (OK) or not (kIo, retryable). If the server cannot be reached in time, the
  // doubt is kept and resolved first by the next append (see InDoubt).
  absl::Status Append(
      absl::FunctionRef<absl::StatusOr<AppendPlan>(const TreeState& tree)> plan) override {
    SOCLE_RETURN_IF_ERROR(Reconnect());
    if (in_doubt_.has_value()) {
      SOCLE_ASSIGN_OR_RETURN(const bool landed, Landed(*in_doubt_));
      const InDoubt doubt = *std::move(in_doubt_);
      in_doubt_.reset();
      if (landed) {
        // The caller's retry of the batch whose commit was in doubt: it is stored already. The
        // plan is made again against the tree it was made for, so the caller learns the same
        // indexes and caches the tree the database holds; nothing is written twice.
        SOCLE_ASSIGN_OR_RETURN(const AppendPlan again, plan(doubt.before));
        if (Summarize(again, doubt.before) == doubt) return absl::OkStatus();
        // Another batch: the caller's caches now describe a tree that is not stored. It clears
        // them after an error, and its retry appends normally.
        return MakeError(ErrorCode::kIo,
                         absl::StrCat("ledger database (schema ", schema_,
                                      "): an earlier append whose commit was in doubt did land "
                                      "(entries ",
                                      doubt.before.size, " to ", doubt.size - 1,
                                      "); this append was not made: retry it"));
      }
    }
    // A connection that died since the last call (a killed backend, a restart) is only noticed
    // when used: nothing was sent yet, so it is opened again and BEGIN tried once more.
    SOCLE_RETURN_IF_ERROR(Begin(/*reconnect_if_lost=*/true));
    InDoubt pending;
    absl::Status written = WriteAppend(plan, &pending);
    if (!written.ok()) return Rollback(written);
    return CommitAppend(pending);
  }

  absl::StatusOr<TreeState> Tree() override {
    SOCLE_ASSIGN_OR_RETURN(Result r, ExecPrepared("select_tree", Params(), "read the tree head"));
    return TreeFrom(r.get());
  }

  absl::StatusOr<std::vector<Row>> ReadRows(uint64_t begin, size_t max_count) override {
    const int64_t from = static_cast<int64_t>(std::min<uint64_t>(begin, INT64_MAX));
    const int64_t to = static_cast<int64_t>(
        std::min<uint64_t>(max_count, static_cast<uint64_t>(INT64_MAX - from)) + from);
    if (max_count > kCopyRowsAbove) return CopyRows(from, to);
    Params p;
    p.Int(from);
    p.Int(to);
    SOCLE_ASSIGN_OR_RETURN(Result r, ExecPrepared("select_rows", p, "read entries"));
    return Collect(r.get());
  }

  absl::StatusOr<std::optional<uint64_t>> LastIndex() override {
    SOCLE_ASSIGN_OR_RETURN(Result r,
                           ExecPrepared("select_last", Params(), "read the last entry's index"));
    if (PQntuples(r.get()) == 0 || PQgetisnull(r.get(), 0, 0)) return std::nullopt;
    return static_cast<uint64_t>(IntAt(r.get(), 0, 0));
  }

  absl::Status ReadLeafHashes(uint64_t begin, absl::Span<MerkleHash> out) override {
    Params p;
    p.Int(static_cast<int64_t>(begin));
    p.Int(static_cast<int64_t>(begin + out.size()));
    SOCLE_ASSIGN_OR_RETURN(Result r, ExecPrepared("select_leaves", p, "read leaf hashes"));
    size_t n = 0;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      const uint64_t index = static_cast<uint64_t>(IntAt(r.get(), i, 0));
      if (index != begin + n || n >= out.size()) break;
      out[n++] = HashAt(r.get(), i, 1);
    }
    if (n != out.size()) {
      return MakeError(ErrorCode::kDataLoss,
                       absl::StrCat("ledger database: entry ", begin + n, " is missing"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<bool> ReadLeafTile(uint64_t tile, absl::Span<MerkleHash> out) override {
    Params p;
    p.Int(static_cast<int64_t>(tile));
    SOCLE_ASSIGN_OR_RETURN(Result r, ExecPrepared("select_tile", p, "read a leaf tile"));
    if (PQntuples(r.get()) == 0) return false;
    const size_t n = static_cast<size_t>(PQgetlength(r.get(), 0, 0));
    if (n != out.size() * kMerkleHashBytes) return false;  // Verify reports it
    std::memcpy(out.data(), PQgetvalue(r.get(), 0, 0), n);
    return true;
  }

  absl::Status ReadLeafTiles(
      uint64_t begin, uint64_t end,
      absl::FunctionRef<void(uint64_t tile, absl::string_view hashes)> visit) override {
    SOCLE_ASSIGN_OR_RETURN(
        Result r, ExecPrepared("select_tiles", TilesParams(begin, end), "read leaf tiles"));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      visit(static_cast<uint64_t>(IntAt(r.get(), i, 0)), ViewAt(r.get(), i, 1));
    }
    return absl::OkStatus();
  }

  absl::Status ReadSubtreeRoots(
      int level, uint64_t begin, uint64_t end,
      absl::FunctionRef<void(uint64_t index, const MerkleHash& hash)> visit) override {
    Params p;
    p.Int(level);
    p.Int(static_cast<int64_t>(begin));
    p.Int(static_cast<int64_t>(end));
    SOCLE_ASSIGN_OR_RETURN(Result r, ExecPrepared("select_subtrees", p, "read subtree roots"));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      visit(static_cast<uint64_t>(IntAt(r.get(), i, 0)), HashAt(r.get(), i, 1));
    }
    return absl::OkStatus();
  }

  absl::Status ReadSubtreeRootsCompletedBy(
      uint64_t leaf_begin, uint64_t leaf_end,
      absl::FunctionRef<void(int level, uint64_t index, const MerkleHash& hash)> visit) override {
    const std::optional<Params> p = SubtreesCompletedParams(leaf_begin, leaf_end);
    if (!p.has_value()) return absl::OkStatus();
    SOCLE_ASSIGN_OR_RETURN(Result r,
                           ExecPrepared("select_subtrees_completed", *p, "read subtree roots"));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      visit(static_cast<int>(IntAt(r.get(), i, 0)), static_cast<uint64_t>(IntAt(r.get(), i, 1)),
            HashAt(r.get(), i, 2));
    }
    return absl::OkStatus();
  }

  // One COPY streams the rows of every chunk on this store's connection while the tiles and
  // roots of each chunk are read on a second connection (see StreamForVerify).
  absl::Status ReadForVerify(uint64_t size, size_t chunk_rows,
                             absl::FunctionRef<bool(VerifyRead&& read)> deliver) override;

  absl::StatusOr<std::vector<Row>> RowsAbout(absl::string_view person, int64_t from_micros,
                                             int64_t to_micros, int64_t after,
                                             size_t max_count) override {
    Params p;
    p.Bytes(person);
    p.Int(after);
    p.Int(from_micros);
    p.Int(to_micros);
    p.Int(static_cast<int64_t>(std::min<size_t>(max_count, INT64_MAX)));
    SOCLE_ASSIGN_OR_RETURN(Result r, ExecPrepared("select_person", p, "read a person's entries"));
    return Collect(r.get());
  }

  absl::Status AddCheckpoint(const StoredCheckpoint& checkpoint) override {
    return InsertCheckpoint(checkpoint).status();
  }

  absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint() override {
    SOCLE_ASSIGN_OR_RETURN(
        Result r, ExecPrepared("select_latest_checkpoint", Params(), "read the latest checkpoint"));
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return StoredCheckpoint{static_cast<uint64_t>(IntAt(r.get(), 0, 0)), IntAt(r.get(), 0, 1),
                            BytesAt(r.get(), 0, 2)};
  }

  absl::StatusOr<std::vector<StoredCheckpoint>> Checkpoints() override {
    SOCLE_ASSIGN_OR_RETURN(Result r, Exec("SELECT size, time_us, note FROM checkpoints "
                                          "ORDER BY size",
                                          Params(), "read the checkpoints"));
    std::vector<StoredCheckpoint> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      out.push_back({static_cast<uint64_t>(IntAt(r.get(), i, 0)), IntAt(r.get(), i, 1),
                     BytesAt(r.get(), i, 2)});
    }
    return out;
  }

  absl::StatusOr<uint64_t> Prune(int64_t before_micros) override {
    Params p;
    p.Int(before_micros);
    SOCLE_ASSIGN_OR_RETURN(
        Result r, Exec("UPDATE entries SET body = NULL WHERE time_us < $1 AND body IS NOT NULL", p,
                       "prune entries"));
    uint64_t pruned = 0;
    if (!absl::SimpleAtoi(PQcmdTuples(r.get()), &pruned)) pruned = 0;
    return pruned;
  }

  absl::Status SaveSnapshot(const StoredSnapshot& snapshot) override {
    Params p;
    p.Int(static_cast<int64_t>(snapshot.revision));
    p.Bytes(snapshot.bytes);
    p.Text(snapshot.note);
    return Exec(
               "INSERT INTO snapshots (revision, bytes, note) VALUES ($1, $2, $3) "
               "ON CONFLICT (revision) DO UPDATE SET bytes = EXCLUDED.bytes, note = EXCLUDED.note",
               p, "save a snapshot")
        .status();
  }

  absl::StatusOr<std::optional<StoredSnapshot>> LatestSnapshot() override {
    SOCLE_ASSIGN_OR_RETURN(Result r, Exec("SELECT revision, bytes, note FROM snapshots "
                                          "ORDER BY revision DESC LIMIT 1",
                                          Params(), "read the latest snapshot"));
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return StoredSnapshot{static_cast<uint64_t>(IntAt(r.get(), 0, 0)), BytesAt(r.get(), 0, 1),
                          BytesAt(r.get(), 0, 2)};
  }

  absl::StatusOr<std::unique_ptr<RecordWatch>> WatchGrowth() override;

 private:
  PostgresStore(std::string schema, Durability durability)
      : schema_(std::move(schema)), durability_(durability) {}

  std::string ConnectionError() const { return pg::ConnectionError(conn_); }

  absl::Status Error(const PGresult* result, absl::string_view what) const {
    return MakeError(CodeOf(result), absl::StrCat("ledger database (schema ", schema_, "): cannot ",
                                                  what, ": ", Describe(result, conn_)));
  }

  // Runs `sql` (a command or a query); query results come in binary unless `text_result`.
  absl::StatusOr<Result> Exec(const char* sql, const Params& p, absl::string_view what,
                              bool text_result = false) {
    return Retrying(what, [&] {
      return Result(PQexecParams(conn_, sql, p.size(), nullptr, p.values(), p.lengths(),
                                 p.formats(), text_result ? 0 : 1));
    });
  }

  absl::StatusOr<Result> ExecPrepared(const char* name, const Params& p, absl::string_view what) {
    return Retrying(what, [&] {
      return Result(PQexecPrepared(conn_, name, p.size(), p.values(), p.lengths(), p.formats(), 1));
    });
  }

  // Outside a transaction, a statement on a connection that was lost (a killed backend, a
  // restarted server) is run again once on a new connection: the statements run that way are
  // reads and idempotent writes (a checkpoint or snapshot upsert, the prune). Inside one, the
  // error stands: the transaction is gone with the connection, and the append is retried whole.
  template <typename Run>
  absl::StatusOr<Result> Retrying(absl::string_view what, Run run) {
    if (!in_transaction_ && PQstatus(conn_) != CONNECTION_OK) {
      SOCLE_RETURN_IF_ERROR(Reconnect());
    }
    Result r = run();
    if (Failed(r.get()) && !in_transaction_ && pg::StatementLostConnection(conn_, r.get())) {
      SOCLE_RETURN_IF_ERROR(Reconnect(/*force=*/true));
      r = run();
    }
    return Check(std::move(r), what);
  }

  static bool Failed(const PGresult* r) {
    const ExecStatusType status = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
  }

  absl::StatusOr<Result> Check(Result r, absl::string_view what) const {
    if (Failed(r.get())) return Error(r.get(), what);
    return r;
  }

  // Several statements in one string, no parameters (the schema, the session settings).
  absl::Status ExecScript(const std::string& sql, absl::string_view what) {
    Result r(PQexec(conn_, sql.c_str()));
    return Check(std::move(r), what).status();
  }

  // `reconnect_if_lost`: a connection found lost by the BEGIN (nothing else was sent) is opened
  // again and BEGIN sent once more.
  absl::Status Begin(bool reconnect_if_lost = false) {
    Result begun(PQexec(conn_, "BEGIN"));
    if (reconnect_if_lost && Failed(begun.get()) &&
        pg::StatementLostConnection(conn_, begun.get())) {
      SOCLE_RETURN_IF_ERROR(Reconnect(/*force=*/true));
      begun = Result(PQexec(conn_, "BEGIN"));
    }
    SOCLE_RETURN_IF_ERROR(Check(std::move(begun), "begin a transaction").status());
    in_transaction_ = true;
    return absl::OkStatus();
  }
  absl::Status Commit() {
    in_transaction_ = false;
    return ExecScript("COMMIT", "commit");
  }
  // Rolls back after `cause`, which is returned (a rollback that fails changes nothing: the
  // server drops the transaction with the session).
  absl::Status Rollback(absl::Status cause) {
    in_transaction_ = false;
    if (PQstatus(conn_) == CONNECTION_OK) Result(PQexec(conn_, "ROLLBACK"));
    return cause;
  }

  // A connection lost since the last call is opened again (its session settings and prepared
  // statements with it); the transaction that was under way, if any, was rolled back by the
  // server.
  // Tries kReconnectAttempts times with a growing wait (a restarting server refuses
  // connections, or answers "the database system is starting up", for a few seconds).
  // `force`: the server said it ended the session (SQLSTATE 57P01 and the like) before libpq
  // noticed the closed socket.
  absl::Status Reconnect(bool force = false) {
    if (!force && PQstatus(conn_) == CONNECTION_OK) return absl::OkStatus();
    absl::Status last;
    for (int attempt = 0; attempt < kReconnectAttempts; ++attempt) {
      if (attempt > 0) absl::SleepFor(kBackoff * (1 << (attempt - 1)));
      PQreset(conn_);
      if (PQstatus(conn_) != CONNECTION_OK) {
        last = MakeError(
            ErrorCode::kIo,
            absl::StrCat("ledger database: cannot reconnect to PostgreSQL (", kReconnectAttempts,
                         " tries): ", ConnectionError(),
                         in_doubt_.has_value()
                             ? absl::StrCat("; whether entries ", in_doubt_->before.size, " to ",
                                            in_doubt_->size - 1,
                                            " were stored is not known yet (the next append "
                                            "learns it)")
                             : std::string()));
        continue;
      }
      last = Session();
      if (last.ok()) return last;
    }
    return last;
  }

  // What an append transaction will have stored once committed: the tree it started from, the
  // tree size it ends with and the leaf hashes of its first and last rows (rows are never
  // changed, and a leaf hash covers the sealed entry, so finding the last row's is finding the
  // append). Kept in in_doubt_ while the outcome of its COMMIT is not known.
  struct InDoubt {
    TreeState before;
    uint64_t size = 0;
    size_t rows = 0;
    MerkleHash first_leaf{};
    MerkleHash last_leaf{};
    friend bool operator==(const InDoubt& a, const InDoubt& b) {
      return a.before.size == b.before.size && a.before.compact_range == b.before.compact_range &&
             a.size == b.size && a.rows == b.rows && a.first_leaf == b.first_leaf &&
             a.last_leaf == b.last_leaf;
    }
  };

  static InDoubt Summarize(const AppendPlan& plan, const TreeState& before) {
    InDoubt d;
    d.before = before;
    d.size = plan.tree.size;
    d.rows = plan.rows.size();
    if (!plan.rows.empty()) {
      d.first_leaf = plan.rows.front().leaf_hash;
      d.last_leaf = plan.rows.back().leaf_hash;
    }
    return d;
  }

  // Whether the append `d` is stored: reconnects as needed, then reads its last row.
  absl::StatusOr<bool> Landed(const InDoubt& d) {
    absl::Status last;
    for (int attempt = 0; attempt < kReconnectAttempts; ++attempt) {
      if (attempt > 0) absl::SleepFor(kBackoff * (1 << (attempt - 1)));
      if (PQstatus(conn_) != CONNECTION_OK) {
        PQreset(conn_);
        if (PQstatus(conn_) != CONNECTION_OK) {
          last = MakeError(ErrorCode::kIo, absl::StrCat("cannot reconnect: ", ConnectionError()));
          continue;
        }
        if (last = Session(); !last.ok()) continue;
      }
      Params p;
      p.Int(static_cast<int64_t>(d.size - 1));
      // Not Exec: this loop does its own bounded reconnection.
      auto r =
          Check(Result(PQexecParams(conn_, "SELECT leaf_hash FROM entries WHERE idx = $1", p.size(),
                                    nullptr, p.values(), p.lengths(), p.formats(), 1)),
                "read back an append whose commit was in doubt");
      if (!r.ok()) {
        last = r.status();
        continue;
      }
      return PQntuples(r->get()) == 1 && HashAt(r->get(), 0, 0) == d.last_leaf;
    }
    return MakeError(
        ErrorCode::kIo,
        absl::StrCat("ledger database (schema ", schema_,
                     "): the connection was lost while committing entries ", d.before.size, " to ",
                     d.size - 1, ", and whether they were stored is not known yet (",
                     last.message(), "); the next append learns it first"));
  }

  // COMMIT of an append. An error the server sends on a live connection means the transaction
  // was rolled back; an answer lost with the connection means it may or may not have committed.
  absl::Status CommitAppend(const InDoubt& pending) {
    in_transaction_ = false;
    const int fault = pg_commit_fault_for_testing.exchange(0);
    if (fault == 1 || fault == 4) shutdown(PQsocket(conn_), SHUT_RDWR);
    Result r(PQexec(conn_, "COMMIT"));
    if (fault == 2 || fault == 3) {
      shutdown(PQsocket(conn_), SHUT_RDWR);
      r.reset();                          // as if the answer had been lost
      Result(PQexec(conn_, "SELECT 1"));  // libpq notices the cut connection
    }
    if (r != nullptr && PQresultStatus(r.get()) == PGRES_COMMAND_OK) return absl::OkStatus();
    const std::string cause = Describe(r.get(), conn_);
    if (r != nullptr && PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) != nullptr &&
        PQstatus(conn_) == CONNECTION_OK) {
      return Error(r.get(), "commit entries");
    }
    if (pending.rows == 0) {
      // A checkpoint only (or nothing): storing it again is harmless.
      return MakeError(ErrorCode::kIo, absl::StrCat("ledger database (schema ", schema_,
                                                    "): the connection was lost during COMMIT (",
                                                    cause, "): retry"));
    }
    in_doubt_ = pending;
    if (fault == 3 || fault == 4) {
      return MakeError(ErrorCode::kIo,
                       absl::StrCat("ledger database (schema ", schema_,
                                    "): the connection was lost while committing entries ",
                                    pending.before.size, " to ", pending.size - 1,
                                    ", and whether they were stored is not known yet (test); "
                                    "the next append learns it first"));
    }
    SOCLE_ASSIGN_OR_RETURN(const bool landed, Landed(pending));
    in_doubt_.reset();
    if (landed) return absl::OkStatus();
    return MakeError(ErrorCode::kIo, absl::StrCat("ledger database (schema ", schema_,
                                                  "): the connection was lost during COMMIT (",
                                                  cause, "); entries ", pending.before.size, " to ",
                                                  pending.size - 1, " were not stored: retry"));
  }

  // The session's settings and prepared statements.
  absl::Status Session() {
    // Durability: a commit returns once the WAL is flushed (kSync, kGroup), or at once (kNone:
    // a crash of the server may lose the last commits, never corrupt the tree).
    SOCLE_RETURN_IF_ERROR(ExecScript(
        absl::StrCat("SET synchronous_commit = ", durability_ == Durability::kNone ? "off" : "on",
                     "; SET search_path = ", QuoteIdentifier(schema_),
                     ", pg_catalog; SET client_min_messages = warning"),
        "set the session"));
    return Prepare();
  }

  absl::Status Init() {
    // Notices (e.g. "schema already exists") are not for the caller's stderr.
    PQsetNoticeProcessor(
        conn_, [](void*, const char*) {}, nullptr);
    SOCLE_RETURN_IF_ERROR(
        ExecScript(absl::StrCat("SET search_path = ", QuoteIdentifier(schema_),
                                ", pg_catalog; SET client_min_messages = warning"),
                   "set the session"));
    SOCLE_RETURN_IF_ERROR(Begin());
    if (absl::Status migrated = CreateOrMigrate(); !migrated.ok()) return Rollback(migrated);
    SOCLE_RETURN_IF_ERROR(Commit());
    return Session();
  }

  // In the open transaction, under the schema lock (so that processes opening a new or an old
  // ledger at once create or migrate it once): creates the schema at version 1 if it is absent,
  // then applies every migration step up to this build's version.
  absl::Status CreateOrMigrate() {
    int64_t version = 0;
    SOCLE_RETURN_IF_ERROR(CreateOrReadVersion(&version));
    const int64_t target = pg_schema_version_for_testing.load() > 0
                               ? pg_schema_version_for_testing.load()
                               : kSchemaVersion;
    if (version > kSchemaVersion) {
      return MakeError(ErrorCode::kUnsupported,
                       absl::StrCat("ledger database (schema ", schema_, ") version ", version,
                                    " is newer than this build (", kSchemaVersion, ")"));
    }
    if (version < 1) return NotALedger();
    for (; version < target; ++version) {
      SOCLE_RETURN_IF_ERROR(ExecScript(
          kMigrations[version - 1],
          absl::StrCat("migrate the ledger's schema from version ", version, " to ", version + 1)));
    }
    return absl::OkStatus();
  }

  absl::Status NotALedger() const {
    return MakeError(
        ErrorCode::kFailedPrecondition,
        absl::StrCat("ledger database: schema ", schema_, " exists but is not a socle ledger"));
  }

  // In the open transaction: waits for any other creator, creates the schema if it is absent,
  // and reads its version.
  absl::Status CreateOrReadVersion(int64_t* version) {
    Params lock;
    lock.Int(kMigrationLockKey);
    SOCLE_RETURN_IF_ERROR(
        Exec("SELECT pg_advisory_xact_lock($1)", lock, "wait for the schema lock").status());
    Params name;
    name.Text(schema_);
    SOCLE_ASSIGN_OR_RETURN(Result exists, Exec("SELECT 1 FROM pg_namespace WHERE nspname = $1",
                                               name, "look for the ledger's schema"));
    if (PQntuples(exists.get()) == 0) {
      SOCLE_RETURN_IF_ERROR(
          ExecScript(absl::StrCat("CREATE SCHEMA ", QuoteIdentifier(schema_), "; ", kSchemaSql),
                     "create the ledger's schema"));
      *version = 1;
      return absl::OkStatus();
    }
    // Every table must be there (a schema of the same name that is not a ledger is refused).
    for (const char* table : kTables) {
      Params t;
      t.Text(schema_);
      t.Text(table);
      SOCLE_ASSIGN_OR_RETURN(
          Result found, Exec("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2", t,
                             "read the ledger's schema"));
      if (PQntuples(found.get()) == 0) return NotALedger();
    }
    SOCLE_ASSIGN_OR_RETURN(Result r, Exec("SELECT value FROM meta WHERE key = 'schema_version'",
                                          Params(), "read the schema version",
                                          /*text_result=*/true));
    if (PQntuples(r.get()) == 0 || !absl::SimpleAtoi(PQgetvalue(r.get(), 0, 0), version)) {
      return NotALedger();
    }
    return absl::OkStatus();
  }

  absl::Status Prepare() {
    std::vector<std::pair<std::string, std::string>> statements = {
        {"select_tile", "SELECT hashes FROM leaf_tiles WHERE tile = $1"},
        {"select_tiles", kSelectTilesSql},
        {"update_tree", "UPDATE tree SET size = $1, compact_range = $2 WHERE id = 1"},
        // The new head, and the notification of the ledger's channel (the schema's name) with
        // the new size, which PostgreSQL delivers to the listeners when the transaction commits
        // (never if it rolls back): followers on other servers learn of the append at once.
        {"update_tree_notify",
         "WITH updated AS (UPDATE tree SET size = $1, compact_range = $2 WHERE id = 1 "
         "RETURNING size) SELECT pg_notify($3, size::text) FROM updated"},
        {"select_tree", "SELECT size, compact_range FROM tree WHERE id = 1"},
        // The tree head's row lock: every append transaction of every process takes it first.
        {"lock_tree", "SELECT size, compact_range FROM tree WHERE id = 1 FOR UPDATE"},
        {"select_rows", absl::StrCat("SELECT ", kEntryColumns,
                                     " FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx")},
        {"select_last", "SELECT max(idx) FROM entries"},
        {"select_leaves",
         "SELECT idx, leaf_hash FROM entries WHERE idx >= $1 AND idx < $2 ORDER BY idx"},
        {"select_subtrees",
         "SELECT idx, hash FROM subtrees WHERE level = $1 AND idx >= $2 AND idx < $3 "
         "ORDER BY idx"},
        {"select_subtrees_completed", kSelectSubtreesCompletedSql},
        {"select_person",
         absl::StrCat("SELECT ", kEntryColumns,
                      " FROM entries WHERE person = $1 AND idx > $2 AND time_us >= $3 AND "
                      "time_us < $4 ORDER BY idx LIMIT $5")},
        {"insert_checkpoint",
         "INSERT INTO checkpoints (size, time_us, note) VALUES ($1, $2, $3) "
         "ON CONFLICT DO NOTHING"},
        {"select_latest_checkpoint",
         "SELECT size, time_us, note FROM checkpoints ORDER BY size DESC LIMIT 1"},
    };
    for (const size_t rows : kBatchSizes) {
      statements.emplace_back(
          InsertName("entries", rows),
          MultiRowInsert("INSERT INTO entries (idx, time_us, type, person, body, leaf_hash, mac)",
                         7, rows, ""));
      statements.emplace_back(InsertName("subtrees", rows),
                              MultiRowInsert("INSERT INTO subtrees (level, idx, hash)", 3, rows,
                                             " ON CONFLICT DO NOTHING"));
      statements.emplace_back(InsertName("leaf_tiles", rows),
                              MultiRowInsert("INSERT INTO leaf_tiles (tile, hashes)", 2, rows,
                                             " ON CONFLICT DO NOTHING"));
    }
    for (const auto& [name, sql] : statements) {
      Result r(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
      SOCLE_RETURN_IF_ERROR(Check(std::move(r), absl::StrCat("prepare ", name)).status());
    }
    return absl::OkStatus();
  }

  static TreeState TreeFrom(const PGresult* r) {
    if (PQntuples(r) == 0) return TreeState{};
    return TreeState{static_cast<uint64_t>(IntAt(r, 0, 0)), BytesAt(r, 0, 1)};
  }

  absl::Status WriteAppend(
      absl::FunctionRef<absl::StatusOr<AppendPlan>(const TreeState& tree)> plan, InDoubt* pending) {
    SOCLE_ASSIGN_OR_RETURN(Result head, ExecPrepared("lock_tree", Params(), "lock the tree head"));
    if (PQntuples(head.get()) != 1) {
      return MakeError(ErrorCode::kDataLoss, absl::StrCat("ledger database (schema ", schema_,
                                                          "): the tree head is missing"));
    }
    const TreeState before = TreeFrom(head.get());
    SOCLE_ASSIGN_OR_RETURN(const AppendPlan p, plan(before));
    *pending = Summarize(p, before);
    SOCLE_RETURN_IF_ERROR(InsertInBatches("entries", absl::MakeConstSpan(p.rows), "append entries",
                                          [](Params& params, const NewRow& r) {
                                            params.Int(static_cast<int64_t>(r.index));
                                            params.Int(r.time_micros);
                                            params.Int(r.type);
                                            if (r.person.empty()) {
                                              params.Null();
                                            } else {
                                              params.Bytes(r.person);
                                            }
                                            params.Bytes(r.body);
                                            params.Bytes(r.leaf_hash);
                                            params.Bytes(r.mac);
                                          }));
    SOCLE_RETURN_IF_ERROR(
        InsertInBatches("subtrees", absl::MakeConstSpan(p.subtrees), "store subtree roots",
                        [](Params& params, const std::tuple<int, uint64_t, MerkleHash>& subtree) {
                          params.Int(std::get<0>(subtree));
                          params.Int(static_cast<int64_t>(std::get<1>(subtree)));
                          params.Bytes(std::get<2>(subtree));
                        }));
    SOCLE_RETURN_IF_ERROR(
        InsertInBatches("leaf_tiles", absl::MakeConstSpan(p.tiles), "store leaf tiles",
                        [](Params& params, const std::pair<uint64_t, std::string>& tile) {
                          params.Int(static_cast<int64_t>(tile.first));
                          params.Bytes(tile.second);
                        }));
    {
      Params params;
      params.Int(static_cast<int64_t>(p.tree.size));
      params.Bytes(p.tree.compact_range);
      if (p.notify) params.Text(schema_);
      SOCLE_RETURN_IF_ERROR(ExecPrepared(p.notify ? "update_tree_notify" : "update_tree", params,
                                         "update the tree head")
                                .status());
    }
    if (p.checkpoint.has_value()) {
      const auto& [size, time, note] = *p.checkpoint;
      SOCLE_RETURN_IF_ERROR(InsertCheckpoint({size, time, note}).status());
    }
    return absl::OkStatus();
  }

  // Inserts `items` into `table`, kBatchSizes rows a statement, largest first; `fill` adds one
  // item's parameters.
  template <typename T, typename Fill>
  absl::Status InsertInBatches(absl::string_view table, absl::Span<const T> items,
                               absl::string_view what, Fill fill) {
    size_t i = 0;
    for (const size_t rows : kBatchSizes) {
      for (; items.size() - i >= rows; i += rows) {
        Params params;
        for (size_t j = i; j < i + rows; ++j) fill(params, items[j]);
        SOCLE_RETURN_IF_ERROR(ExecPrepared(InsertName(table, rows).c_str(), params, what).status());
      }
    }
    return absl::OkStatus();
  }

  // Inside an append's transaction, or alone (AddCheckpoint: then a lost connection is opened
  // again by Retrying; inside, never, or the rest would run outside the transaction).
  absl::StatusOr<Result> InsertCheckpoint(const StoredCheckpoint& c) {
    Params p;
    p.Int(static_cast<int64_t>(c.size));
    p.Int(c.time_micros);
    p.Text(c.note);
    return ExecPrepared("insert_checkpoint", p, "store a checkpoint");
  }

  // Rows [from, to) through one binary COPY, decoded as they arrive (CopyRowDecoder). Outside
  // a transaction a lost connection is opened again and the COPY run once more, as Retrying
  // does for a statement.
  absl::StatusOr<std::vector<Row>> CopyRows(int64_t from, int64_t to) {
    // Integers only in the text: COPY takes no parameters. No upper bound but a LIMIT: the
    // planner then walks the primary key in order whatever its statistics say (a range on
    // both sides, on a table not analysed yet, is planned as a bitmap scan and a sort, which
    // cost the server 2.5 times as much); rows past `to` (there when rows are missing) are
    // dropped below.
    const std::string sql =
        absl::StrCat("COPY (SELECT ", kEntryColumns, " FROM entries WHERE idx >= ", from,
                     " ORDER BY idx LIMIT ", to - from, ") TO STDOUT (FORMAT binary)");
    if (!in_transaction_ && PQstatus(conn_) != CONNECTION_OK) {
      SOCLE_RETURN_IF_ERROR(Reconnect());
    }
    const size_t expected_rows = static_cast<size_t>(std::min<int64_t>(to - from, 1 << 16));
    absl::StatusOr<std::vector<Row>> rows = CopyRowsOnce(sql, expected_rows);
    if (!rows.ok() && !in_transaction_ && PQstatus(conn_) != CONNECTION_OK) {
      SOCLE_RETURN_IF_ERROR(Reconnect());
      rows = CopyRowsOnce(sql, expected_rows);
    }
    if (rows.ok()) {
      while (!rows->empty() && rows->back().index >= static_cast<uint64_t>(to)) rows->pop_back();
    }
    return rows;
  }

  absl::StatusOr<std::vector<Row>> CopyRowsOnce(const std::string& sql, size_t expected_rows) {
    constexpr absl::string_view kWhat = "read entries";
    Result started(PQexec(conn_, sql.c_str()));
    if (started == nullptr || PQresultStatus(started.get()) != PGRES_COPY_OUT) {
      return Error(started.get(), kWhat);
    }
    started.reset();
    std::vector<Row> rows;
    rows.reserve(expected_rows);
    CopyRowDecoder decoder(&rows);
    bool malformed = false;
    char* buffer = nullptr;
    int n = 0;
    // One message per row; libpq hands each in a buffer of its own.
    while ((n = PQgetCopyData(conn_, &buffer, /*async=*/0)) > 0) {
      if (!malformed && !decoder.Feed(absl::string_view(buffer, static_cast<size_t>(n)))) {
        malformed = true;  // read the rest, so that the connection stays usable
      }
      PQfreemem(buffer);
    }
    // -1: the COPY ended and its result follows; -2: an error (a lost connection).
    absl::Status status;
    while (Result r{PQgetResult(conn_)}) {
      if (status.ok() && PQresultStatus(r.get()) != PGRES_COMMAND_OK)
        status = Error(r.get(), kWhat);
    }
    if (status.ok() && n == -2) status = Error(nullptr, kWhat);
    SOCLE_RETURN_IF_ERROR(status);
    if (malformed || !decoder.Complete()) {
      return MakeError(ErrorCode::kIo,
                       absl::StrCat("ledger database (schema ", schema_, "): cannot ", kWhat,
                                    ": the server's COPY data is malformed"));
    }
    return rows;
  }

  enum class Resume { kNo, kSameSession, kNewSession };

  // The second connection of Verify's reading: the tiles' and roots' statements only. Opened by
  // the first Verify and kept (side_): a new connection and its first statement cost 20 to 40 ms
  // (a backend started, its caches filled), a tenth of a Verify of 200,000 entries.
  absl::StatusOr<std::unique_ptr<pg::Connection>> OpenSideConnection() const {
    const std::string schema = schema_;
    return pg::Connection::Open(
        conninfo_, absl::StrCat("ledger database (schema ", schema_, ")"),
        [schema](pg::Connection& c) -> absl::Status {
          SOCLE_RETURN_IF_ERROR(
              c.ExecScript(absl::StrCat("SET search_path = ", QuoteIdentifier(schema),
                                        ", pg_catalog; SET client_min_messages = warning"),
                           "set the session"));
          return c.Prepare("select_chunk_tables", kSelectChunkTablesSql);
        });
  }

  // Asks the server to end the statement under way on this connection (the COPY of a reading
  // that stops early) and reads what it sent meanwhile, so that the connection stays usable.
  void CancelCopy() {
    if (PGcancel* cancel = PQgetCancel(conn_); cancel != nullptr) {
      char error[256];
      PQcancel(cancel, error, sizeof(error));  // a failed request: the drain reads it all
      PQfreeCancel(cancel);
    }
    char* buffer = nullptr;
    while (PQgetCopyData(conn_, &buffer, /*async=*/0) > 0) PQfreemem(buffer);
  }

  // Verify's rows [from, to) through one `COPY (SELECT … ORDER BY idx) TO STDOUT (FORMAT
  // binary)` on this connection, decoded as they arrive and handed to `deliver` in the chunks of
  // `chunk_rows` rows (from from - from % chunk_rows: a resumed stream may start inside a chunk
  // whose first pieces were handed), each chunk in pieces of about kVerifyPieceBytes: the first
  // with the chunk's tiles and roots, from `tables`. The backend goes on producing rows while a
  // piece is checked (up to what the socket holds: memory stays bounded by the reader's queue).
  // `*next` is the first index not handed over; `*stopped` is set when `deliver` stopped it;
  // `*resume` says whether a failed stream may be resumed: on the same session after the
  // server's statement_timeout (SQLSTATE 57014), on a new one when the server ended the session
  // (57P01 to 57P03: a terminated backend, a shutdown; 08: a lost connection).
  absl::Status StreamForVerify(uint64_t from, uint64_t to, size_t chunk_rows, ChunkTables& tables,
                               absl::FunctionRef<bool(VerifyRead&& read)> deliver, uint64_t* next,
                               bool* stopped, Resume* resume) {
    constexpr absl::string_view kWhat = "read entries";
    SOCLE_RETURN_IF_ERROR(Reconnect());
    // In a read-only transaction whose settings end with it: the planner must walk the primary
    // key in order whatever its statistics say (without them, a range over most of the table
    // is planned as a scan and an external sort: two to five times the backend's work), and in
    // one process (a parallel scan costs more CPU on a server shared with its clients).
    SOCLE_RETURN_IF_ERROR(ExecScript(
        "BEGIN READ ONLY; SET LOCAL enable_sort = off; "
        "SET LOCAL enable_bitmapscan = off; SET LOCAL max_parallel_workers_per_gather = 0",
        "begin Verify's reading"));
    const auto end_transaction = [this] {
      if (PQstatus(conn_) == CONNECTION_OK) Result(PQexec(conn_, "ROLLBACK"));
    };
    // Integers only in the text: COPY takes no parameters.
    const std::string sql =
        absl::StrCat("COPY (SELECT ", kEntryColumns, " FROM entries WHERE idx >= ", from,
                     " AND idx < ", to, " ORDER BY idx) TO STDOUT (FORMAT binary)");
    Result started(PQexec(conn_, sql.c_str()));
    if (started == nullptr || PQresultStatus(started.get()) != PGRES_COPY_OUT) {
      absl::Status status = Error(started.get(), kWhat);
      end_transaction();
      return status;
    }
    started.reset();
    std::vector<Row> rows;  // decoded, not handed yet
    CopyRowDecoder decoder(&rows);
    VerifyRead read;  // the piece being filled
    read.begin = from - from % chunk_rows;
    read.end = read.begin + chunk_rows;
    read.continued = from != read.begin;
    size_t piece_bytes = 0;  // received since the last piece was handed
    absl::Status status;
    bool early = false;  // the loop left before the COPY's end (stopped, malformed, an error)
    // Hands the piece `read` over with the decoded rows before `cut`; the next piece is the
    // chunk's next one, or (`chunk_done`) the first of the following chunk.
    const auto hand = [&](size_t cut, bool chunk_done) -> bool {
      std::vector<Row> rest(std::make_move_iterator(rows.begin() + static_cast<ptrdiff_t>(cut)),
                            std::make_move_iterator(rows.end()));
      rows.resize(cut);
      read.rows = std::move(rows);
      rows = std::move(rest);
      if (!read.continued) {
        if (status = tables.Take(read); !status.ok()) return false;
      }
      const uint64_t begin = read.begin;
      const uint64_t end = read.end;
      const uint64_t handed = chunk_done          ? end
                              : read.rows.empty() ? *next
                                                  : read.rows.back().index + 1;
      if (!deliver(std::move(read))) {
        *stopped = true;
        return false;
      }
      *next = handed;
      read = VerifyRead();
      read.begin = chunk_done ? end : begin;
      read.end = chunk_done ? end + chunk_rows : end;
      read.continued = !chunk_done;
      piece_bytes = 0;
      return true;
    };
    char* buffer = nullptr;
    int n = 0;
    size_t checked = 0;
    // One message per row; libpq hands each in a buffer of its own.
    while (!early && (n = PQgetCopyData(conn_, &buffer, /*async=*/0)) > 0) {
      const bool fed = decoder.Feed(absl::string_view(buffer, static_cast<size_t>(n)));
      PQfreemem(buffer);
      piece_bytes += static_cast<size_t>(n);
      if (!fed) {
        status = MakeError(ErrorCode::kIo,
                           absl::StrCat("ledger database (schema ", schema_, "): cannot ", kWhat,
                                        ": the server's COPY data is malformed"));
        early = true;
        break;
      }
      // The first row past the chunk, in the order received, closes it (and every empty chunk
      // before that row's own). `checked` rows of the chunk are known to belong to it.
      while (!early) {
        while (checked < rows.size() && rows[checked].index < read.end) ++checked;
        if (checked == rows.size()) break;
        if (rows[checked].index >= to) {
          // Not asked for: a server that sends it is not trusted to end the chunks.
          status = MakeError(ErrorCode::kIo,
                             absl::StrCat("ledger database (schema ", schema_, "): cannot ", kWhat,
                                          ": the server sent a row out of range"));
          early = true;
          break;
        }
        early = !hand(checked, /*chunk_done=*/true);
        checked = 0;
      }
      // A piece is handed before the socket is drained: the next one is then there when the
      // checking thread takes this one, and the reader waits on the checker, not on the server
      // packet by packet (benchmarks/README.md, the Ledger on PostgreSQL, run I).
      if (!early && piece_bytes >= kVerifyPieceBytes && !rows.empty()) {
        early = !hand(rows.size(), /*chunk_done=*/false);
        checked = 0;
      }
    }
    if (early) CancelCopy();
    // After the data (-1) or an error (-2, a lost connection): the COPY's own result.
    while (Result r{PQgetResult(conn_)}) {
      if (!early && status.ok() && PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        status = Error(r.get(), kWhat);
        const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
        const absl::string_view code = state != nullptr ? state : "";
        if (code == "57014") *resume = Resume::kSameSession;
        if (absl::StartsWith(code, "57P") || absl::StartsWith(code, "08")) {
          *resume = Resume::kNewSession;
        }
      }
    }
    if (!early && status.ok() && n == -2) status = Error(nullptr, kWhat);
    end_transaction();
    if (*stopped || !status.ok()) return status;
    if (!decoder.Complete()) {
      return MakeError(ErrorCode::kIo,
                       absl::StrCat("ledger database (schema ", schema_, "): cannot ", kWhat,
                                    ": the server's COPY data is malformed"));
    }
    // The last chunks: the rows decoded, then any chunk whose rows are all missing.
    while (read.begin < to) {
      if (!hand(rows.size(), /*chunk_done=*/true)) return status;
    }
    return absl::OkStatus();
  }

  static std::vector<Row> Collect(const PGresult* r) {
    std::vector<Row> rows;
    rows.reserve(static_cast<size_t>(PQntuples(r)));
    for (int i = 0; i < PQntuples(r); ++i) {
      Row row;
      row.index = static_cast<uint64_t>(IntAt(r, i, 0));
      row.time_micros = IntAt(r, i, 1);
      row.type = static_cast<int32_t>(IntAt(r, i, 2));
      if (!PQgetisnull(r, i, 3)) row.person = BytesAt(r, i, 3);
      row.pruned = PQgetisnull(r, i, 4) != 0;
      if (!row.pruned) row.body = BytesAt(r, i, 4);
      row.leaf_hash = HashAt(r, i, 5);
      row.mac = HashAt(r, i, 6);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  const std::string schema_;
  const Durability durability_;
  std::string conninfo_;
  PGconn* conn_ = nullptr;
  std::unique_ptr<pg::Connection> side_;  // Verify's second connection, once opened
  std::optional<InDoubt> in_doubt_;
  bool in_transaction_ = false;  // between a BEGIN and its COMMIT or ROLLBACK
};

// A watch of the tree's size on a connection of its own that LISTENs on the ledger's channel
// (the schema's name): every append of state events notifies it with its new size, delivered when
// it commits. A notification can be missed only while the connection is down; so after every
// (re)connection the size is read once, and on each timeout too (the poll fallback). Interrupt
// writes to an eventfd that the wait polls beside the connection's socket.
class PostgresGrowthWatch final : public RecordWatch {
 public:
  static absl::StatusOr<std::unique_ptr<RecordWatch>> Open(const std::string& conninfo,
                                                           const std::string& schema) {
    auto watch = std::unique_ptr<PostgresGrowthWatch>(new PostgresGrowthWatch(schema));
    watch->wake_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (watch->wake_ < 0) {
      return MakeError(ErrorCode::kResourceExhausted,
                       absl::StrCat("ledger database (schema ", schema,
                                    "): cannot make an eventfd for the growth watch"));
    }
    // The connection string, then this connection's name: a DBA sees "socle follower
    // socle_NAME" in pg_stat_activity.
    const std::string name = absl::StrCat("socle follower ", schema);
    const char* keywords[] = {"dbname", "application_name", nullptr};
    const char* values[] = {conninfo.c_str(), name.c_str(), nullptr};
    watch->conn_ = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
    if (watch->conn_ == nullptr) {
      return MakeError(ErrorCode::kNoMemory, "ledger database: no memory for a connection");
    }
    if (PQstatus(watch->conn_) != CONNECTION_OK) {
      return watch->Error(nullptr, "connect to PostgreSQL for the growth watch");
    }
    PQsetNoticeProcessor(
        watch->conn_, [](void*, const char*) {}, nullptr);
    SOCLE_RETURN_IF_ERROR(watch->Listen());
    return std::unique_ptr<RecordWatch>(std::move(watch));
  }

  ~PostgresGrowthWatch() override {
    if (conn_ != nullptr) PQfinish(conn_);
    if (wake_ >= 0) close(wake_);
  }

  absl::StatusOr<uint64_t> WaitForGrowth(uint64_t known_size, absl::Duration timeout) override {
    const absl::Time deadline = absl::Now() + timeout;
    if (PQstatus(conn_) != CONNECTION_OK) {
      // One try per call: the follower spaces its retries (FollowOptions::retry_delay).
      PQreset(conn_);
      if (PQstatus(conn_) != CONNECTION_OK) {
        return Error(nullptr, "reconnect the growth watch to PostgreSQL");
      }
      SOCLE_RETURN_IF_ERROR(Listen());  // reads the size: what was missed meanwhile
    }
    for (;;) {
      if (size_ > known_size) return size_;
      // Notifications already received (while a query ran, or before this call).
      // A terminated backend shows as a failed read or a bad connection (whose socket is gone:
      // polling it would sleep out the timeout).
      if (PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) {
        return Error(nullptr, "read notifications");
      }
      for (PGnotify* n = PQnotifies(conn_); n != nullptr; n = PQnotifies(conn_)) {
        uint64_t size = 0;
        const bool ours = schema_ == n->relname;
        const bool parsed = absl::SimpleAtoi(n->extra, &size);
        PQfreemem(n);
        if (!ours) continue;
        if (parsed) {
          size_ = std::max(size_, size);
        } else {
          SOCLE_RETURN_IF_ERROR(ReadSize());  // not socle's payload: look
        }
      }
      if (size_ > known_size) return size_;
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        SOCLE_RETURN_IF_ERROR(ReadSize());  // the poll fallback
        return size_;
      }
      pollfd fds[2] = {{PQsocket(conn_), POLLIN, 0}, {wake_, POLLIN, 0}};
      const int64_t ms =
          std::max<int64_t>(1, absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))));
      const int ready = poll(fds, 2, static_cast<int>(std::min<int64_t>(ms, 60000)));
      if (ready < 0 && errno != EINTR) {
        return MakeError(ErrorCode::kIo, absl::StrCat("ledger database (schema ", schema_,
                                                      "): the growth watch cannot poll"));
      }
      if (fds[1].revents != 0) return size_;  // interrupted (the eventfd stays readable)
    }
  }

  void Interrupt() override {
    const uint64_t one = 1;
    // The counter only grows: a failed write (it would overflow) leaves it readable anyway.
    [[maybe_unused]] const ssize_t written = write(wake_, &one, sizeof one);
  }

 private:
  explicit PostgresGrowthWatch(std::string schema)
      : schema_(std::move(schema)), tree_(absl::StrCat(QuoteIdentifier(schema_), ".tree")) {}

  absl::Status Error(const PGresult* result, absl::string_view what) const {
    return MakeError(CodeOf(result), absl::StrCat("ledger database (schema ", schema_, "): cannot ",
                                                  what, ": ", Describe(result, conn_)));
  }

  absl::Status Run(const std::string& sql, absl::string_view what, Result* out = nullptr) {
    Result r(PQexec(conn_, sql.c_str()));
    const ExecStatusType status = r != nullptr ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Error(r.get(), what);
    if (out != nullptr) *out = std::move(r);
    return absl::OkStatus();
  }

  // LISTEN first, then read the size: an append that commits in between is seen by one or the
  // other.
  absl::Status Listen() {
    SOCLE_RETURN_IF_ERROR(
        Run(absl::StrCat("LISTEN ", QuoteIdentifier(schema_)), "listen for appends"));
    return ReadSize();
  }

  absl::Status ReadSize() {
    Result r;
    SOCLE_RETURN_IF_ERROR(
        Run(absl::StrCat("SELECT size FROM ", tree_, " WHERE id = 1"), "read the tree's size", &r));
    uint64_t size = 0;
    if (PQntuples(r.get()) != 1 || !absl::SimpleAtoi(PQgetvalue(r.get(), 0, 0), &size)) {
      return MakeError(ErrorCode::kDataLoss, absl::StrCat("ledger database (schema ", schema_,
                                                          "): the tree head is missing"));
    }
    size_ = size;  // as stored (notifications come in commit order: they only add to it)
    return absl::OkStatus();
  }

  const std::string schema_;
  const std::string tree_;  // the tree head's table, schema-qualified
  PGconn* conn_ = nullptr;
  int wake_ = -1;
  uint64_t size_ = 0;  // the largest size seen
};

absl::Status PostgresStore::ReadForVerify(uint64_t size, size_t chunk_rows,
                                          absl::FunctionRef<bool(VerifyRead&& read)> deliver) {
  // One chunk: a second connection and the transaction would cost more than they save.
  if (size <= chunk_rows || chunk_rows == 0) return Store::ReadForVerify(size, chunk_rows, deliver);
  const uint64_t chunks = (size - 1) / chunk_rows + 1;
  const uint64_t to = chunks > static_cast<uint64_t>(INT64_MAX) / chunk_rows
                          ? static_cast<uint64_t>(INT64_MAX)
                          : chunks * chunk_rows;
  if (side_ == nullptr) {
    SOCLE_ASSIGN_OR_RETURN(side_, OpenSideConnection());
  }
  ChunkTables tables(*side_, size, chunk_rows);
  uint64_t next = 0;
  // As CopyRows: a lost connection (or a statement timeout, a long stream being one statement)
  // is opened again and the stream resumed at the first row not handed over, once per row;
  // rows already handed over are never read twice.
  std::optional<uint64_t> failed_at;
  while (true) {
    bool stopped = false;
    Resume resume = Resume::kNo;
    const absl::Status status =
        StreamForVerify(next, to, chunk_rows, tables, deliver, &next, &stopped, &resume);
    if (status.ok() || stopped) return status;
    const bool lost = PQstatus(conn_) != CONNECTION_OK;
    if ((!lost && resume == Resume::kNo) || failed_at == next) return status;
    failed_at = next;
    // A session the server ended may still look open to libpq: it is opened again.
    if (!lost && resume == Resume::kNewSession) SOCLE_RETURN_IF_ERROR(Reconnect(/*force=*/true));
  }
}

absl::StatusOr<std::unique_ptr<RecordWatch>> PostgresStore::WatchGrowth() {
  return PostgresGrowthWatch::Open(conninfo_, schema_);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                         absl::string_view ledger_name,
                                                         Durability durability) {
  return PostgresStore::Open(conninfo, ledger_name, durability);
}

}  // namespace socle::ledger
