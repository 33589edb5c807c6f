// socle::Storage: one location for the vault and the ledgers (include/socle/storage.hpp).
#include "socle/storage.hpp"

#include <libpq-fe.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "ledger/store.h"
#include "socle/error.hpp"

namespace socle {
namespace {

// Makes `dir` (mode 0700) unless it is already a directory; `what` names it in errors.
absl::Status EnsureDirectory(const std::string& dir, absl::string_view what) {
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return absl::OkStatus();
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("storage: ", what, " '", dir, "' is not a directory"));
  }
  if (mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return absl::OkStatus();
  return MakeError(errno == EACCES ? ErrorCode::kPermissionDenied : ErrorCode::kIo,
                   absl::StrCat("storage: cannot create ", what, " '", dir,
                                "': ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<Storage> Storage::Open(const std::string& location,
                                      const StorageOptions& options) {
  Storage storage;
  storage.location_ = location;
  storage.postgres_ = ledger::IsPostgresUri(location);
  storage.shown_ = ledger::ShownPath(location);
  storage.witness_dir_ = options.witness_dir;
  if (location.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "storage: the location is empty (a directory or a postgresql:// URI)");
  }
  if (storage.postgres_) {
    // Refused without quoting it: it may hold a password.
    char* parse_error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(location.c_str(), &parse_error);
    PQfreemem(parse_error);
    if (parsed == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "storage: the PostgreSQL connection string is malformed");
    }
    PQconninfoFree(parsed);
    if (options.witness_dir.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "storage options: witness_dir must be set for a PostgreSQL location (a "
                       "local directory of this server for the ledgers' witness files)");
    }
  } else {
    SOCLE_RETURN_IF_ERROR(EnsureDirectory(location, "the directory"));
  }
  if (!options.witness_dir.empty()) {
    SOCLE_RETURN_IF_ERROR(EnsureDirectory(options.witness_dir, "witness_dir"));
  }
  return storage;
}

absl::StatusOr<std::unique_ptr<Vault>> Storage::OpenVault(std::shared_ptr<KeyProvider> provider,
                                                          absl::string_view tenant,
                                                          const VaultOptions& options) const {
  return Vault::Open(std::move(provider), postgres_ ? location_ : location_ + "/vault.db", tenant,
                     options);
}

absl::StatusOr<std::unique_ptr<Ledger>> Storage::OpenLedger(std::shared_ptr<Vault> vault,
                                                            absl::string_view name,
                                                            LedgerOptions options) const {
  if (options.witness_path.empty() && !witness_dir_.empty()) {
    options.witness_path = absl::StrCat(witness_dir_, "/", name, ".checkpoint");
  }
  return Ledger::Open(postgres_ ? location_ : absl::StrCat(location_, "/", name, ".db"),
                      std::move(vault), name, options);
}

}  // namespace socle
