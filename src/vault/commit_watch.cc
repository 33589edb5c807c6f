#include "vault/commit_watch.h"

#include <cstring>

namespace socle::vault_internal {
namespace {

// The WAL-index header (walformat.html): two copies of 48 bytes, native byte order. Words of
// one copy: iVersion, unused, iChange (the commit counter), isInit/bigEndCksum/szPage, mxFrame,
// nPage, aFrameCksum[2], aSalt[2], aCksum[2] (a checksum over the 40 bytes before it).
constexpr int kHeaderWords = 12;
constexpr int kChangeWord = 2;
constexpr int kInitByte = 12;
constexpr int kChecksumWord = 10;
// SQLite maps its WAL index in regions of this size (WALINDEX_PGSZ); region 0 starts with the
// header.
constexpr int kWalIndexRegionBytes = 32768;

// The connection's journal mode is WAL, and its WAL index is open (a read opens it). xShmMap on
// a connection without one would open a shared-memory file that SQLite's pager never closes.
bool WalIndexOpen(sqlite3* db) {
  sqlite3_stmt* mode = nullptr;
  bool wal = false;
  if (sqlite3_prepare_v2(db, "PRAGMA main.journal_mode", -1, &mode, nullptr) == SQLITE_OK &&
      sqlite3_step(mode) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(mode, 0));
    wal = text != nullptr && std::strcmp(text, "wal") == 0;
  }
  sqlite3_finalize(mode);
  return wal && sqlite3_exec(db, "SELECT count(*) FROM main.sqlite_schema", nullptr, nullptr,
                             nullptr) == SQLITE_OK;
}

}  // namespace

CommitWatch::CommitWatch(sqlite3* db) {
  if (!WalIndexOpen(db)) return;
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == nullptr || file->pMethods == nullptr || file->pMethods->iVersion < 2 ||
      file->pMethods->xShmMap == nullptr) {
    return;
  }
  void volatile* region = nullptr;
  // bExtend 0: the region the connection already has, never a new one.
  if (file->pMethods->xShmMap(file, 0, kWalIndexRegionBytes, 0, &region) != SQLITE_OK) return;
  header_ = static_cast<const volatile uint32_t*>(region);
}

std::optional<uint64_t> CommitWatch::Fingerprint() const {
  if (header_ == nullptr) return std::nullopt;
  // A writer copies its header into the second copy, then (after a memory barrier) into the
  // first: reading the first, then the second, and finding them equal means neither was
  // half-written. Acquire loads keep that order.
  uint32_t first[kHeaderWords];
  uint32_t second[kHeaderWords];
  for (int i = 0; i < kHeaderWords; ++i) {
    first[i] = __atomic_load_n(&header_[i], __ATOMIC_ACQUIRE);
  }
  for (int i = 0; i < kHeaderWords; ++i) {
    second[i] = __atomic_load_n(&header_[kHeaderWords + i], __ATOMIC_ACQUIRE);
  }
  if (std::memcmp(first, second, sizeof first) != 0) return std::nullopt;
  uint8_t is_init = 0;
  std::memcpy(&is_init, reinterpret_cast<const uint8_t*>(first) + kInitByte, 1);
  if (is_init == 0) return std::nullopt;
  // The counter moves on with every commit; the header's checksum (over the frame count, the
  // last frame's checksum and the salts) also tells apart a header rebuilt from the WAL file
  // after a crash, whose counter may start again.
  const uint64_t fingerprint = (uint64_t{first[kChangeWord]} << 32) |
                               (first[kChecksumWord] ^ first[kChecksumWord + 1]);
  if (fingerprint == kNone) return std::nullopt;
  return fingerprint;
}

}  // namespace socle::vault_internal
