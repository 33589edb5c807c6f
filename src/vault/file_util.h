// Files that hold keys: written atomically with owner-only permissions.
//
// Thread safety: the functions are thread-safe; two writers of one path race like any two
// rename()s (the last one wins, and neither leaves a torn file).
#ifndef SOCLE_SRC_VAULT_FILE_UTIL_H_
#define SOCLE_SRC_VAULT_FILE_UTIL_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace socle::vault_internal {

enum class WriteMode { kCreateNew, kReplace };

// Writes `bytes` to a temporary file beside `path` (mode 0600), fsyncs it, then moves it into
// place: with kCreateNew by link() (ALREADY_EXISTS if `path` exists, never clobbering), with
// kReplace by rename(). Finally fsyncs the directory. On any failure the temporary file is
// removed and `path` is unchanged. IO errors name the path and the system error, not content.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view bytes, WriteMode mode);

// Reads a whole file of at most `max_bytes` (OUT_OF_RANGE beyond; NOT_FOUND if missing).
absl::StatusOr<std::string> ReadSmallFile(const std::string& path, size_t max_bytes);

// Creates an empty file with mode 0600 if `path` does not exist yet (SQLite then gives its
// -wal and -shm files the same permissions).
absl::Status CreatePrivateFileIfMissing(const std::string& path);

}  // namespace socle::vault_internal

#endif  // SOCLE_SRC_VAULT_FILE_UTIL_H_
