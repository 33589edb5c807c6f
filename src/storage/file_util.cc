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

}  // namespace

absl::StatusOr<AtomicFileWriter> AtomicFileWriter::Create(const std::string& path, WriteMode mode) {
  std::string temp = path + ".tmp.XXXXXX";
  const int fd = mkostemp(temp.data(), O_CLOEXEC);  // mkostemp creates the file with mode 0600
  if (fd < 0) return IoError("cannot create a temporary file beside", path, errno);
  AtomicFileWriter writer(path, std::move(temp), fd, mode);
  // 0600 whatever the platform's mkostemp did: key files and exports are the owner's alone.
  if (fchmod(fd, S_IRUSR | S_IWUSR) != 0) return IoError("cannot chmod", writer.temp_, errno);
  return writer;
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept { *this = std::move(other); }

AtomicFileWriter& AtomicFileWriter::operator=(AtomicFileWriter&& other) noexcept {
  if (this != &other) {
    Abandon();
    path_ = std::move(other.path_);
    temp_ = std::exchange(other.temp_, std::string());
    fd_ = std::exchange(other.fd_, -1);
    mode_ = other.mode_;
    torn_ = other.torn_;
  }
  return *this;
}

AtomicFileWriter::~AtomicFileWriter() { Abandon(); }

void AtomicFileWriter::Abandon() {
  if (fd_ >= 0) close(std::exchange(fd_, -1));
  if (!temp_.empty()) unlink(std::exchange(temp_, std::string()).c_str());
}

absl::Status AtomicFileWriter::Append(absl::string_view bytes) {
  if (fd_ < 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "'" + path_ + "' is already committed or abandoned");
  }
  while (!bytes.empty()) {
    const ssize_t n = write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      torn_ = true;
      return IoError("cannot write", temp_, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status AtomicFileWriter::Commit() {
  if (fd_ < 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "'" + path_ + "' is already committed or abandoned");
  }
  if (torn_) {
    Abandon();
    return MakeError(ErrorCode::kFailedPrecondition,
                     "'" + path_ + "' is not committed: a write to it failed");
  }
  // Any return before the move leaves `path` unchanged and removes the temporary file.
  struct AbandonOnError {
    AtomicFileWriter* writer;
    ~AbandonOnError() { writer->Abandon(); }
  } abandon{this};
  if (fsync(fd_) != 0) return IoError("cannot fsync", temp_, errno);
  if (close(std::exchange(fd_, -1)) != 0) return IoError("cannot close", temp_, errno);
  if (mode_ == WriteMode::kCreateNew) {
    // link() fails with EEXIST instead of replacing: creation never clobbers a key file.
    if (link(temp_.c_str(), path_.c_str()) != 0) {
      if (errno == EEXIST) {
        return MakeError(ErrorCode::kAlreadyExists, "'" + path_ + "' already exists");
      }
      return IoError("cannot create", path_, errno);
    }
    // The temporary name goes before the directory fsync, which then makes both changes durable.
    unlink(std::exchange(temp_, std::string()).c_str());
  } else {
    if (rename(temp_.c_str(), path_.c_str()) != 0) return IoError("cannot replace", path_, errno);
    temp_.clear();
  }
  // Make the new directory entry durable. Until then a crash may bring the old file back, so
  // a failure here is reported: the caller must not treat the change as durable.
  const std::string dir = DirectoryOf(path_);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    return IoError("'" + path_ + "' was written, but cannot open its directory", dir, errno);
  }
  if (fsync(dir_fd) != 0) {
    const int err = errno;
    close(dir_fd);
    return IoError("'" + path_ + "' was written, but cannot fsync its directory", dir, err);
  }
  close(dir_fd);
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view bytes, WriteMode mode) {
  SOCLE_ASSIGN_OR_RETURN(AtomicFileWriter writer, AtomicFileWriter::Create(path, mode));
  SOCLE_RETURN_IF_ERROR(writer.Append(bytes));
  return writer.Commit();
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
