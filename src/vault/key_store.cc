#include "vault/key_store.h"

#include "storage/pg.h"

namespace socle::vault_internal {

absl::StatusOr<std::unique_ptr<KeyStore>> OpenKeyStore(const std::string& path, bool init) {
  // The same rule as Ledger::Open: a libpq URI is PostgreSQL, anything else a SQLite file.
  if (pg::IsPostgresUri(path)) return OpenPgKeyStore(path, init);
  return OpenSqliteKeyStore(path, init);
}

}  // namespace socle::vault_internal
