// Files that hold keys or checkpoints: written atomically with owner-only permissions.
//
// Thread safety: the functions are thread-safe; two writers of one path race like any two
// rename()s (the last one wins, and neither leaves a torn file): writers that read, change and
// write a file back hold a FileLock over the whole sequence.
#ifndef SOCLE_SRC_STORAGE_FILE_UTIL_H_
#define SOCLE_SRC_STORAGE_FILE_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace socle::storage {

enum class WriteMode { kCreateNew, kReplace };

// Writes `bytes` to a temporary file beside `path` (mode 0600), fsyncs it, then moves it into
// place: with kCreateNew by link() (ALREADY_EXISTS if `path` exists, never clobbering), with
// kReplace by rename(). Finally fsyncs the directory. On any failure before the move the
// temporary file is removed and `path` is unchanged. A failed directory fsync is reported (IO):
// `path` then already names the new file, which may not survive a crash. IO errors name the
// path and the system error, not content.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view bytes, WriteMode mode);

// Reads a whole file of at most `max_bytes` (OUT_OF_RANGE beyond; NOT_FOUND if missing).
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes);

// A whole file as it was read, and which file that was. The descriptor stays open (close-on-exec)
// so the inode cannot be freed and reused by a later file: a file replaced by rename() is always
// seen as changed. Move-only.
class FileSnapshot {
 public:
  FileSnapshot() = default;
  FileSnapshot(FileSnapshot&& other) noexcept;
  FileSnapshot& operator=(FileSnapshot&& other) noexcept;
  FileSnapshot(const FileSnapshot&) = delete;
  FileSnapshot& operator=(const FileSnapshot&) = delete;
  ~FileSnapshot();

  // Reads the file at `path` (at most `max_bytes`: OUT_OF_RANGE beyond; NOT_FOUND if missing)
  // into `bytes`.
  static absl::StatusOr<FileSnapshot> Read(const std::string& path, size_t max_bytes,
                                           std::string* bytes);

  // True while `path` still names the file that was read, unchanged: same device and inode,
  // same size, modification and status-change times. One stat(); false for an empty snapshot,
  // a missing file or any error (a false "changed" only costs a re-read).
  bool StillCurrent(const std::string& path) const;

 private:
  int fd_ = -1;
  uint64_t dev_ = 0, ino_ = 0, size_ = 0;
  int64_t mtime_ns_ = 0, ctime_ns_ = 0;
};

// An exclusive advisory lock (flock) on a lock file, created with mode 0600 if missing and
// never deleted (deleting it would let two processes lock two different files). Held until
// destroyed. flock() locks belong to the open file, so two holders in one process exclude each
// other as two processes do. Local file systems only (flock over NFS is not reliable).
class FileLock {
 public:
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

  // Waits for the lock. IO if the lock file cannot be created or locked.
  static absl::StatusOr<FileLock> Exclusive(const std::string& lock_path);

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Creates an empty file with mode 0600 if `path` does not exist yet (SQLite then gives its
// -wal and -shm files the same permissions).
absl::Status CreatePrivateFileIfMissing(const std::string& path);

}  // namespace socle::storage

#endif  // SOCLE_SRC_STORAGE_FILE_UTIL_H_
