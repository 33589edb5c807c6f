#include "storage/wal_vfs.h"

#include <sqlite3.h>

#include <cstring>
#include <mutex>
#include <string>

namespace socle::sqlite {
namespace {

// Frames are passed on in writes of up to 64 KiB (16 frames of 4 KiB pages): the default VFS
// writes at most 128 KiB a call (it reports a longer write as a full disk).
constexpr size_t kBufferBytes = size_t{64} << 10;

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs coalescing_vfs;

// A WAL file: the default VFS's file (in the same allocation, after this struct) and the bytes
// written but not yet passed on, which belong at `offset`.
struct WalFile {
  sqlite3_file base;
  sqlite3_file* real;
  std::string* pending;
  sqlite3_int64 offset;
};
static_assert(sizeof(WalFile) % 8 == 0);  // the inner file follows, aligned

WalFile* Wal(sqlite3_file* file) { return reinterpret_cast<WalFile*>(file); }
const sqlite3_io_methods& Real(WalFile* f) { return *f->real->pMethods; }

// Passes the pending bytes on. They are dropped even when the write fails: the caller (a sync
// or a read, for SQLite) fails with the error, and SQLite rolls the transaction back.
int Flush(WalFile* f) {
  if (f->pending->empty()) return SQLITE_OK;
  const int rc = Real(f).xWrite(f->real, f->pending->data(), static_cast<int>(f->pending->size()),
                                f->offset);
  f->pending->clear();
  return rc;
}

int Close(sqlite3_file* file) {
  WalFile* f = Wal(file);
  const int flushed = Flush(f);
  const int rc = Real(f).xClose(f->real);
  delete f->pending;
  f->pending = nullptr;
  return flushed != SQLITE_OK ? flushed : rc;
}

int Read(sqlite3_file* file, void* out, int n, sqlite3_int64 offset) {
  WalFile* f = Wal(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return Real(f).xRead(f->real, out, n, offset);
}

int Write(sqlite3_file* file, const void* data, int n, sqlite3_int64 offset) {
  WalFile* f = Wal(file);
  std::string& pending = *f->pending;
  const size_t bytes = static_cast<size_t>(n);
  if (!pending.empty() &&
      (offset != f->offset + static_cast<sqlite3_int64>(pending.size()) ||
       pending.size() + bytes > kBufferBytes)) {
    if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  }
  if (bytes > kBufferBytes) return Real(f).xWrite(f->real, data, n, offset);
  if (pending.empty()) {
    if (pending.capacity() < kBufferBytes) pending.reserve(kBufferBytes);
    f->offset = offset;
  }
  pending.append(static_cast<const char*>(data), bytes);
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  WalFile* f = Wal(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return Real(f).xTruncate(f->real, size);
}

int Sync(sqlite3_file* file, int flags) {
  WalFile* f = Wal(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return Real(f).xSync(f->real, flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  WalFile* f = Wal(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return Real(f).xFileSize(f->real, size);
}

int Lock(sqlite3_file* file, int level) {
  WalFile* f = Wal(file);
  return Real(f).xLock(f->real, level);
}

int Unlock(sqlite3_file* file, int level) {
  WalFile* f = Wal(file);
  return Real(f).xUnlock(f->real, level);
}

int CheckReservedLock(sqlite3_file* file, int* out) {
  WalFile* f = Wal(file);
  return Real(f).xCheckReservedLock(f->real, out);
}

int FileControl(sqlite3_file* file, int op, void* arg) {
  WalFile* f = Wal(file);
  if (const int rc = Flush(f); rc != SQLITE_OK) return rc;
  return Real(f).xFileControl(f->real, op, arg);
}

int SectorSize(sqlite3_file* file) {
  WalFile* f = Wal(file);
  return Real(f).xSectorSize(f->real);
}

int DeviceCharacteristics(sqlite3_file* file) {
  WalFile* f = Wal(file);
  return Real(f).xDeviceCharacteristics(f->real);
}

// Version 1 methods: SQLite maps no shared memory and fetches no pages for a WAL file.
const sqlite3_io_methods kWalMethods = {
    1,         Close,         Read,          Write,
    Truncate,  Sync,          FileSize,      Lock,
    Unlock,    CheckReservedLock, FileControl, SectorSize,
    DeviceCharacteristics, nullptr, nullptr, nullptr,
    nullptr,   nullptr,       nullptr,
};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    // Any other file is the default VFS's own (it fits: szOsFile is larger).
    return real_vfs->xOpen(real_vfs, name, file, flags, out_flags);
  }
  WalFile* f = Wal(file);
  std::memset(f, 0, sizeof(WalFile));
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  const int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only when pMethods is set: close the inner file here.
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    f->base.pMethods = nullptr;
    return rc;
  }
  f->pending = new std::string();
  f->base.pMethods = &kWalMethods;
  return SQLITE_OK;
}

}  // namespace

const char* CoalescingWalVfs() {
  static std::once_flag once;
  std::call_once(once, [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    // Every other call is the default VFS's, on its own data (pAppData is copied).
    coalescing_vfs = *real_vfs;
    coalescing_vfs.pNext = nullptr;
    coalescing_vfs.zName = "socle-coalescing-wal";
    coalescing_vfs.szOsFile = static_cast<int>(sizeof(WalFile)) + real_vfs->szOsFile;
    coalescing_vfs.xOpen = &Open;
    sqlite3_vfs_register(&coalescing_vfs, /*makeDflt=*/0);
  });
  return coalescing_vfs.zName;
}

}  // namespace socle::sqlite
