#include "storage/file_util.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::storage {
namespace {

absl::Status IoError(absl::string_view what, const std::string& path, int err) {
  // std::error_code's message is thread-safe, unlike strerror().
  return MakeError(ErrorCode::kIo, std::string(what) + " '" + path + "': " +
                                       std::error_code(err, std::generic_category()).message());
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Closes on scope exit; the temporary file is unlinked unless released.
class TempFile {
 public:
  explicit TempFile(std::string name) : name_(std::move(name)) {}
  ~TempFile() {
    if (fd_ >= 0) close(fd_);
    if (!released_) unlink(name_.c_str());
  }
  std::string& name() { return name_; }
  int& fd() { return fd_; }
  void Release() { released_ = true; }

 private:
  std::string name_;
  int fd_ = -1;
  bool released_ = false;
};

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, absl::string_view bytes, WriteMode mode) {
  TempFile tmp(path + ".tmp-XXXXXX");
  tmp.fd() = mkstemp(tmp.name().data());  // mkstemp creates the file with mode 0600
  if (tmp.fd() < 0) {
    tmp.Release();  // nothing was created
    return IoError("cannot create a temporary file beside", path, errno);
  }
  if (fchmod(tmp.fd(), S_IRUSR | S_IWUSR) != 0) return IoError("cannot chmod", tmp.name(), errno);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(tmp.fd(), bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot write", tmp.name(), errno);
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(tmp.fd()) != 0) return IoError("cannot fsync", tmp.name(), errno);
  if (close(tmp.fd()) != 0) {
    tmp.fd() = -1;
    return IoError("cannot close", tmp.name(), errno);
  }
  tmp.fd() = -1;
  if (mode == WriteMode::kCreateNew) {
    // link() fails with EEXIST instead of replacing: creation never clobbers a key file.
    if (link(tmp.name().c_str(), path.c_str()) != 0) {
      if (errno == EEXIST) {
        return MakeError(ErrorCode::kAlreadyExists, "'" + path + "' already exists");
      }
      return IoError("cannot create", path, errno);
    }
  } else if (rename(tmp.name().c_str(), path.c_str()) != 0) {
    return IoError("cannot replace", path, errno);
  } else {
    tmp.Release();
  }
  // Make the new directory entry durable. Until then a crash may bring the old file back, so
  // a failure here is reported: the caller must not treat the change as durable.
  const std::string dir = DirectoryOf(path);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return IoError("'" + path + "' was written, but cannot open its directory", dir, errno);
  }
  if (fsync(dir_fd) != 0) {
    const int err = errno;
    close(dir_fd);
    return IoError("'" + path + "' was written, but cannot fsync its directory", dir, err);
  }
  close(dir_fd);
  return absl::OkStatus();
}

namespace {

int OpenForReading(const std::string& path, absl::Status* error) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = errno == ENOENT ? MakeError(ErrorCode::kNotFound, "no file '" + path + "'")
                             : IoError("cannot open", path, errno);
  }
  return fd;
}

absl::StatusOr<std::string> ReadAll(int fd, const std::string& path, size_t max_bytes) {
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read", path, errno);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      return MakeError(ErrorCode::kOutOfRange,
                       "'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

int64_t Nanoseconds(const timespec& t) {
  return static_cast<int64_t>(t.tv_sec) * 1000000000 + static_cast<int64_t>(t.tv_nsec);
}

}  // namespace

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  absl::Status error;
  const int fd = OpenForReading(path, &error);
  if (fd < 0) return error;
  auto out = ReadAll(fd, path, max_bytes);
  close(fd);
  return out;
}

FileSnapshot::FileSnapshot(FileSnapshot&& other) noexcept { *this = std::move(other); }

FileSnapshot& FileSnapshot::operator=(FileSnapshot&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    dev_ = other.dev_;
    ino_ = other.ino_;
    size_ = other.size_;
    mtime_ns_ = other.mtime_ns_;
    ctime_ns_ = other.ctime_ns_;
    other.fd_ = -1;
  }
  return *this;
}

FileSnapshot::~FileSnapshot() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<FileSnapshot> FileSnapshot::Read(const std::string& path, size_t max_bytes,
                                                std::string* bytes) {
  absl::Status error;
  FileSnapshot snapshot;
  snapshot.fd_ = OpenForReading(path, &error);
  if (snapshot.fd_ < 0) return error;
  // The identity is taken before reading: a change made while we read makes the next check
  // see a difference (a false "changed" at worst), never the reverse.
  struct stat st {};
  if (fstat(snapshot.fd_, &st) != 0) return IoError("cannot stat", path, errno);
  snapshot.dev_ = static_cast<uint64_t>(st.st_dev);
  snapshot.ino_ = static_cast<uint64_t>(st.st_ino);
  snapshot.size_ = static_cast<uint64_t>(st.st_size);
  snapshot.mtime_ns_ = Nanoseconds(st.st_mtim);
  snapshot.ctime_ns_ = Nanoseconds(st.st_ctim);
  SOCLE_ASSIGN_OR_RETURN(*bytes, ReadAll(snapshot.fd_, path, max_bytes));
  return snapshot;
}

bool FileSnapshot::StillCurrent(const std::string& path) const {
  if (fd_ < 0) return false;
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return false;
  return static_cast<uint64_t>(st.st_dev) == dev_ && static_cast<uint64_t>(st.st_ino) == ino_ &&
         static_cast<uint64_t>(st.st_size) == size_ && Nanoseconds(st.st_mtim) == mtime_ns_ &&
         Nanoseconds(st.st_ctim) == ctime_ns_;
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);  // closing the last descriptor releases the flock
}

absl::StatusOr<FileLock> FileLock::Exclusive(const std::string& lock_path) {
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) return IoError("cannot open the lock file", lock_path, errno);
  FileLock lock(fd);
  while (flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) return IoError("cannot lock", lock_path, errno);
  }
  return lock;
}

absl::Status CreatePrivateFileIfMissing(const std::string& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd >= 0) {
    close(fd);
    return absl::OkStatus();
  }
  if (errno == EEXIST) return absl::OkStatus();
  return IoError("cannot create", path, errno);
}

}  // namespace socle::storage
