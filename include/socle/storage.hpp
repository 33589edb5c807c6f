// socle/storage.hpp: where a deployment keeps its vault and its ledgers (docs/postgresql.md).
//
// One location chooses the backend of the vault's key tables, the access trail and the state
// ledger at once:
//   - a directory (the default, one machine): SQLite files `vault.db` and `<ledger name>.db` in
//     it, each ledger's witness file beside its database (`<name>.db.checkpoint`);
//   - a PostgreSQL database, named by a libpq URI (`postgresql://…` or `postgres://…`), shared by
//     every application server: the vault in the schema `socle_vault`, ledger NAME in the
//     schema `socle_NAME`; each server keeps the ledgers' witness files in a local directory of
//     its own (StorageOptions::witness_dir, required there).
//
//   socle::StorageOptions options;
//   options.witness_dir = "/var/lib/ccas";
//   auto storage = socle::Storage::Open("postgresql://ccas@db.internal/ccas", options);
//   auto vault = storage->OpenVault(provider, "ccas_villeneuve");
//   auto trail = storage->OpenLedger(*vault, "access_trail");
//
// Messages name a URI without its password or query.
//
// Thread safety: a Storage is immutable; every method is const and thread-safe.
#ifndef SOCLE_STORAGE_HPP_
#define SOCLE_STORAGE_HPP_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/export.hpp"
#include "socle/ledger.hpp"
#include "socle/vault.hpp"

namespace socle {

struct SOCLE_CXX_API StorageOptions {
  // A local directory for the ledgers' witness files (`<name>.checkpoint`), required for a
  // PostgreSQL location (a URI has no "beside"); for a directory location, empty keeps each
  // witness beside its database. Created (mode 0700) if absent.
  std::string witness_dir;
};

class SOCLE_CXX_API Storage {
 public:
  // A directory is created (mode 0700) if absent; a file there, or a URI libpq cannot parse, is
  // INVALID_ARGUMENT. A PostgreSQL location without options.witness_dir is INVALID_ARGUMENT.
  // Nothing is connected to yet: OpenVault and OpenLedger connect.
  static absl::StatusOr<Storage> Open(const std::string& location,
                                      const StorageOptions& options = {});

  // Whether the location is a PostgreSQL database.
  bool postgres() const { return postgres_; }
  // The location as shown in messages (a URI without its password or query).
  const std::string& shown_location() const { return shown_; }

  // Vault::Open on this location (the directory's vault.db, or the database).
  absl::StatusOr<std::unique_ptr<Vault>> OpenVault(std::shared_ptr<KeyProvider> provider,
                                                   absl::string_view tenant,
                                                   const VaultOptions& options = {}) const;
  // Ledger::Open on this location: the directory's `<name>.db`, or the database's schema
  // socle_<name>. An empty options.witness_path becomes this storage's: beside the file, or
  // `<witness_dir>/<name>.checkpoint`.
  absl::StatusOr<std::unique_ptr<Ledger>> OpenLedger(std::shared_ptr<Vault> vault,
                                                     absl::string_view name,
                                                     LedgerOptions options = {}) const;

 private:
  Storage() = default;
  std::string location_;
  std::string shown_;
  std::string witness_dir_;
  bool postgres_ = false;
};

}  // namespace socle

#endif  // SOCLE_STORAGE_HPP_
