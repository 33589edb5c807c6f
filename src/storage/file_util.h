// Files that hold keys, checkpoints or exports: written atomically with owner-only permissions.
//
// Thread safety: the functions are thread-safe; two writers of one path race like any two
// rename()s (the last one wins, and neither leaves a torn file): writers that read, change and
// write a file back hold a FileLock over the whole sequence.
#ifndef SOCLE_SRC_STORAGE_FILE_UTIL_H_
#define SOCLE_SRC_STORAGE_FILE_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace socle::storage {

enum class WriteMode { kCreateNew, kReplace };

// A file written as a stream and moved into place whole: readers of `path` see the old file or
// the new one, never a torn one. Create() makes a temporary file beside `path`
// (`<path>.tmp.XXXXXX`, mode 0600, close-on-exec); Append() writes to it; Commit() fsyncs it,
// moves it into place (kCreateNew by link(): ALREADY_EXISTS if `path` exists, never clobbering;
// kReplace by rename()) and fsyncs the directory. The temporary file is removed when Commit()
// fails before the move and when the writer is destroyed uncommitted: `path` is then unchanged.
// A failed directory fsync is reported (IO, "was written, but cannot fsync its directory"):
// `path` then already names the new file, which may not survive a crash. After a failed Append()
// the file is torn: Commit() refuses it (FAILED_PRECONDITION). IO errors name the path and the
// system error, never content.
//
// Thread safety: one writer is used by one thread at a time; two writers of one path race like
// two rename()s (see above). Move-only.
class AtomicFileWriter {
 public:
  static absl::StatusOr<AtomicFileWriter> Create(const std::string& path, WriteMode mode);

  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  // Writes all of `bytes` (retrying short writes). FAILED_PRECONDITION once committed.
  absl::Status Append(absl::string_view bytes);

  // Moves the file into place, once: FAILED_PRECONDITION on a second call or after a failed
  // Append(). Whatever it returns, the writer is finished.
  absl::Status Commit();

  const std::string& path() const { return path_; }

 private:
  AtomicFileWriter(std::string path, std::string temp, int fd, WriteMode mode)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd), mode_(mode) {}
  void Abandon();  // closes and removes the temporary file, if any

  std::string path_;
  std::string temp_;  // empty once moved into place or removed
  int fd_ = -1;
  WriteMode mode_ = WriteMode::kReplace;
  bool torn_ = false;  // an Append() failed
};

// Writes `bytes` to `path` atomically: an AtomicFileWriter created, appended to and committed.
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
