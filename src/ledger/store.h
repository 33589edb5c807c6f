// The storage a Ledger needs, kept narrow so that a second backend (PostgreSQL) implements the
// same few calls: one exclusive append transaction that sees the tree as stored, reads by index,
// by person and by time, checkpoints, snapshots, and the retention prune. The Ledger does every
// computation (hashes, MACs, the compact range, signatures); a store only keeps bytes.
//
// Thread safety: none; the Ledger serialises every use of its store with one mutex. Several
// processes (and several stores) may use one database: Append is serialised across them.
#ifndef SOCLE_SRC_LEDGER_STORE_H_
#define SOCLE_SRC_LEDGER_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ledger/merkle.h"
#include "socle/ledger.hpp"

namespace socle::ledger {

// One stored row. `body` is empty when pruned (then `pruned` is true).
struct Row {
  uint64_t index = 0;
  int64_t time_micros = 0;
  int32_t type = 0;
  std::string person;  // the pseudonym, or empty
  std::string body;    // the serialized LedgerEntry
  bool pruned = false;
  MerkleHash leaf_hash{};
  MerkleHash mac{};
  // Set by Verify's reader: the body hashes to leaf_hash (or was pruned). Not stored.
  bool body_matches = false;
};

// One row to append: `person` and `body` are views of bytes the caller keeps until Append
// returns (no copy of each body on the committer's path).
struct NewRow {
  uint64_t index = 0;
  int64_t time_micros = 0;
  int32_t type = 0;
  absl::string_view person;  // the pseudonym, or empty
  absl::string_view body;    // the serialized LedgerEntry
  MerkleHash leaf_hash{};
  MerkleHash mac{};
};

// The tree as stored: its size and compact range (CompactRange::Serialize()).
struct TreeState {
  uint64_t size = 0;
  std::string compact_range;
};

// What one append transaction writes, all or nothing.
struct AppendPlan {
  std::vector<NewRow> rows;  // indexes tree.size, tree.size + 1, …
  // Roots of completed perfect subtrees (level >= kStoredSubtreeLevel): level, index, hash.
  std::vector<std::tuple<int, uint64_t, MerkleHash>> subtrees;
  // Leaf tiles completed by the rows: tile t covers leaves [16 t, 16 t + 16) (kTileHashes).
  std::vector<std::pair<uint64_t, std::string>> tiles;
  TreeState tree;  // the tree after the rows
  // A checkpoint to store with them (size, time, note), if one is due.
  std::optional<std::tuple<uint64_t, int64_t, std::string>> checkpoint;
  // Tell the ledger's watchers (WatchGrowth) at once: the state ledger's appends, which
  // followers wait for. (On PostgreSQL a notifying transaction takes a lock that serialises the
  // commits of every notifying transaction of the server, so appends nobody follows, such as the
  // access trail's, do not notify; their watchers see them at their poll.)
  bool notify = false;
};

// Stores keep the roots of perfect subtrees of 2^4 = 16 leaves and more, and the leaf hashes of
// each complete aligned block of 16 leaves together (a tile, as C2SP tlog-tiles has them): a
// proof's siblings below the stored subtrees all lie in one tile.
inline constexpr int kStoredSubtreeLevel = 4;
inline constexpr uint64_t kTileLeaves = uint64_t{1} << kStoredSubtreeLevel;
// A tile holds its 16 leaf hashes, then the roots of its perfect subtrees of 2, 4 and 8 leaves
// (8 + 4 + 2), so a proof hashes nothing below 16 leaves: 30 hashes, 960 bytes.
inline constexpr size_t kTileHashes = 30;
// Where the root of the `offset`-th subtree of 2^level leaves (level 1 to 3) of a tile is.
constexpr size_t TileNodePosition(int level, uint64_t offset) {
  return (level == 1 ? 16 : level == 2 ? 24 : 28) + static_cast<size_t>(offset);
}

// One chunk of what Verify reads (Store::ReadForVerify): the rows with index in [begin, end)
// that exist, in index order, and what the appends of those rows stored besides: the leaf tiles
// t with begin / 16 <= t < min(end, size) / 16, and the subtree roots that the leaves
// [begin, min(end, size)) complete (ReadSubtreeRootsCompletedBy), in the order read.
// A chunk may be handed in pieces, in order: the first holds the chunk's tiles and roots and its
// first rows; each following piece (`continued`) only more rows of the same chunk.
struct VerifyRead {
  uint64_t begin = 0;
  uint64_t end = 0;
  bool continued = false;  // a later piece of the chunk: rows only
  std::vector<Row> rows;
  std::vector<std::pair<uint64_t, std::string>> tiles;
  std::vector<std::tuple<int, uint64_t, MerkleHash>> subtrees;
};

struct StoredCheckpoint {
  uint64_t size = 0;
  int64_t time_micros = 0;
  std::string note;
};

// An engine snapshot with the signed checkpoint that commits to it (its size is the revision,
// an extension line carries the snapshot's SHA-256).
struct StoredSnapshot {
  uint64_t revision = 0;
  std::string bytes;
  std::string note;
};

class Store {
 public:
  virtual ~Store() = default;

  // Checks the schema again: OK, or FAILED_PRECONDITION naming an append-only trigger that was
  // removed (other differences already fail the store's opening).
  virtual absl::Status SchemaIntegrity() = 0;
  // How many edits the append-only triggers refused since the ledger was created (PostgreSQL
  // counts them in a sequence, which a refused transaction does not roll back); 0 where they
  // cannot be counted (SQLite: a trigger's RAISE undoes everything of its statement).
  virtual absl::StatusOr<uint64_t> RefusedEdits() = 0;
  // Whether reads wait on a server that does the reading work (PostgreSQL): Verify then hashes
  // the leaves on its checking thread, so the reading thread asks for the next chunk sooner.
  virtual bool ReadsFromAServer() const { return false; }

  // The ledger's identity, written once by the first Open: name and tenant.
  virtual absl::StatusOr<std::optional<std::pair<std::string, std::string>>> Identity() = 0;
  virtual absl::Status SetIdentity(absl::string_view name, absl::string_view tenant) = 0;

  // One exclusive write transaction: reads the tree as stored, calls `plan` with it and writes
  // what it returns. `plan` may fail (nothing is written). Serialised across processes.
  virtual absl::Status Append(
      absl::FunctionRef<absl::StatusOr<AppendPlan>(const TreeState& tree)> plan) = 0;

  virtual absl::StatusOr<TreeState> Tree() = 0;
  // Rows [begin, begin + max_count) that exist, in index order (a deleted row is simply absent;
  // rows past the tree's size are returned too, so Verify sees an insertion).
  virtual absl::StatusOr<std::vector<Row>> ReadRows(uint64_t begin, size_t max_count) = 0;
  // The highest index stored, or nullopt for none.
  virtual absl::StatusOr<std::optional<uint64_t>> LastIndex() = 0;
  virtual absl::Status ReadLeafHashes(uint64_t begin, absl::Span<MerkleHash> out) = 0;
  // The kTileHashes hashes of tile `tile` into `out`: false when it is not stored.
  virtual absl::StatusOr<bool> ReadLeafTile(uint64_t tile, absl::Span<MerkleHash> out) = 0;
  // The stored tiles t with begin <= t < end, in order, as stored (Verify compares them).
  virtual absl::Status ReadLeafTiles(
      uint64_t begin, uint64_t end,
      absl::FunctionRef<void(uint64_t tile, absl::string_view hashes)> visit) = 0;
  // The stored roots of the perfect subtrees of `level` with index in [begin, end), in order.
  virtual absl::Status ReadSubtreeRoots(
      int level, uint64_t begin, uint64_t end,
      absl::FunctionRef<void(uint64_t index, const MerkleHash& hash)> visit) = 0;
  // The stored roots of the perfect subtrees (level >= kStoredSubtreeLevel) that the leaves
  // [leaf_begin, leaf_end) complete: at each level L with 2^L <= leaf_end, the indexes in
  // [leaf_begin >> L, leaf_end >> L), in order of level then index. What Verify checks each
  // chunk of rows against, in one read.
  virtual absl::Status ReadSubtreeRootsCompletedBy(
      uint64_t leaf_begin, uint64_t leaf_end,
      absl::FunctionRef<void(int level, uint64_t index, const MerkleHash& hash)> visit) = 0;
  // Verify's reading of a tree of `size` leaves: the chunks [0, c), [c, 2 c), … (c =
  // `chunk_rows`) up to the one that holds leaf size - 1, each handed to `deliver` in order, the
  // last one with the rows past `size` that it covers (Verify reports them as inserted). An
  // empty chunk (its rows deleted) is delivered too. `deliver` returns false to stop the
  // reading (then OK is returned). The default reads each chunk with ReadRows, ReadLeafTiles and
  // ReadSubtreeRootsCompletedBy, one after the other, and hands it whole; the PostgreSQL store
  // streams the rows of every chunk through one COPY, hands them in pieces of what the socket
  // holds, and reads the tiles and roots on a second connection.
  virtual absl::Status ReadForVerify(uint64_t size, size_t chunk_rows,
                                     absl::FunctionRef<bool(VerifyRead&& read)> deliver);
  // Rows about `person` with from <= time < to and index > after, in index order.
  virtual absl::StatusOr<std::vector<Row>> RowsAbout(absl::string_view person, int64_t from_micros,
                                                     int64_t to_micros, int64_t after,
                                                     size_t max_count) = 0;

  // INSERT OR IGNORE: several processes may sign the same size.
  virtual absl::Status AddCheckpoint(const StoredCheckpoint& checkpoint) = 0;
  virtual absl::StatusOr<std::optional<StoredCheckpoint>> LatestCheckpoint() = 0;
  virtual absl::StatusOr<std::vector<StoredCheckpoint>> Checkpoints() = 0;

  // Empties the body of every row older than `before_micros`; returns how many.
  virtual absl::StatusOr<uint64_t> Prune(int64_t before_micros) = 0;

  // INSERT OR REPLACE by revision.
  virtual absl::Status SaveSnapshot(const StoredSnapshot& snapshot) = 0;
  virtual absl::StatusOr<std::optional<StoredSnapshot>> LatestSnapshot() = 0;

  // A watch of the tree's size (RecordWatch::WaitForGrowth(known_size, timeout): the size once
  // it exceeds known_size, or as stored when `timeout` passes) on a connection of its own, so a
  // follower waits without holding the Ledger's lock, and independent of this store once made.
  // PostgreSQL: LISTEN on the ledger's channel, which every append of state events notifies
  // with its new size (AppendPlan::notify; delivered on COMMIT), the size read on each timeout;
  // SQLite: the database's change counter looked at every 2 ms.
  virtual absl::StatusOr<std::unique_ptr<RecordWatch>> WatchGrowth() = 0;
};

inline absl::Status Store::ReadForVerify(uint64_t size, size_t chunk_rows,
                                         absl::FunctionRef<bool(VerifyRead&& read)> deliver) {
  for (uint64_t begin = 0; begin < size; begin += chunk_rows) {
    VerifyRead read;
    read.begin = begin;
    read.end = begin + chunk_rows;
    absl::StatusOr<std::vector<Row>> rows = ReadRows(begin, chunk_rows);
    if (!rows.ok()) return rows.status();
    read.rows = *std::move(rows);
    // Tile t completes with leaf 16 t + 15, subtree (level, i) with leaf ((i + 1) << level) - 1.
    const uint64_t end = read.end < size ? read.end : size;
    absl::Status status = ReadLeafTiles(
        begin / kTileLeaves, end / kTileLeaves,
        [&](uint64_t tile, absl::string_view hashes) { read.tiles.emplace_back(tile, hashes); });
    if (!status.ok()) return status;
    status =
        ReadSubtreeRootsCompletedBy(begin, end, [&](int level, uint64_t i, const MerkleHash& hash) {
          read.subtrees.emplace_back(level, i, hash);
        });
    if (!status.ok()) return status;
    if (!deliver(std::move(read))) break;
  }
  return absl::OkStatus();
}

// The SQLite store (sqlite_store.cc): its own file, WAL, versioned schema.
absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                                       Durability durability);

// The PostgreSQL store (pg_store.cc): `conninfo` is a libpq connection string (a
// postgresql:// URI); the ledger lives in the schema "socle_<ledger_name>" of that database,
// created and versioned on first use. Errors never repeat the connection string.
// Whether `path` is a libpq URI (postgresql:// or postgres://), which opens the PostgreSQL store.
bool IsPostgresUri(absl::string_view path);
// How a path is named in messages: a URI loses its password and its query (which may hold one).
std::string ShownPath(const std::string& path);

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(const std::string& conninfo,
                                                         absl::string_view ledger_name,
                                                         Durability durability);

}  // namespace socle::ledger

#endif  // SOCLE_SRC_LEDGER_STORE_H_
