#include "vault/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "socle/error.hpp"

namespace socle::vault_internal {
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
  // Make the new directory entry durable.
  const std::string dir = DirectoryOf(path);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    fsync(dir_fd);
    close(dir_fd);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return MakeError(ErrorCode::kNotFound, "no file '" + path + "'");
    return IoError("cannot open", path, errno);
  }
  std::string out;
  char buf[8192];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      return IoError("cannot read", path, err);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_bytes) {
      close(fd);
      return MakeError(ErrorCode::kOutOfRange,
                       "'" + path + "' is larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
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

}  // namespace socle::vault_internal
