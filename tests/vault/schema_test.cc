// The vault refuses a database whose schema it did not write: a trigger planted in the file
// could copy every deleted key elsewhere, or put it back, and so undo every shred. Objects added
// to the schema since a database was created are added when it opens (version 1, 2 and 3
// databases are migrated to version 4).
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "test_util.h"

namespace socle {
namespace {

using vault_testing::Bytes;
using vault_testing::CodeName;
using vault_testing::LoadVault;
using vault_testing::NewKeyFile;
using vault_testing::RawConnection;
using vault_testing::TempDir;

// Creates a vault database, lets `plant` change it behind the vault's back, and returns what a
// new Load says.
absl::Status LoadAfter(const std::string& plant) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  {
    auto vault = LoadVault(provider, db);
    BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-1", "r", 1}, Bytes("x")).ok());
  }
  {
    RawConnection raw(db);
    raw.Exec(plant);
  }
  return Vault::Open(provider, db, "ccas-lyon").status();
}

BOOST_AUTO_TEST_SUITE(schema)

BOOST_AUTO_TEST_CASE(a_planted_trigger_is_refused) {
  // Keeps a copy of every shredded key in a table of the vault itself.
  const absl::Status status = LoadAfter(
      "CREATE TRIGGER keep_keys AFTER DELETE ON person_keys BEGIN "
      "INSERT INTO meta (name, value) VALUES ('k' || old.id, hex(old.wrapped)); END;");
  BOOST_TEST(CodeName(status) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(status.message(), "unexpected trigger 'keep_keys'"),
             status.message());
}

BOOST_AUTO_TEST_CASE(a_trigger_that_puts_keys_back_is_refused) {
  const absl::Status status = LoadAfter(
      "CREATE TABLE spare AS SELECT * FROM person_keys;"
      "CREATE TRIGGER restore AFTER DELETE ON person_keys BEGIN "
      "INSERT INTO person_keys SELECT * FROM spare WHERE id = old.id; END;");
  BOOST_TEST(CodeName(status) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(status.message(), "unexpected table 'spare'"), status.message());
}

BOOST_AUTO_TEST_CASE(extra_views_indexes_and_altered_tables_are_refused) {
  for (const std::string plant : {
           "CREATE VIEW v AS SELECT wrapped FROM person_keys;",
           "CREATE INDEX by_wrapped ON person_keys (wrapped);",
           "DROP TABLE pending_shreds; CREATE TABLE pending_shreds (id INTEGER PRIMARY KEY, "
           "tenant TEXT, person_tag BLOB, created_at INTEGER, copy BLOB);",
           // Without its UNIQUE constraint, the shredded table would take the same tag twice.
           "DROP TABLE shredded_persons; CREATE TABLE shredded_persons (id INTEGER PRIMARY KEY, "
           "tenant TEXT NOT NULL, person_tag BLOB NOT NULL);",
           // Without its UNIQUE constraint, two processes could each store a ledger secret.
           "DROP TABLE ledger_secrets; CREATE TABLE ledger_secrets (id INTEGER PRIMARY KEY, "
           "tenant TEXT NOT NULL, ledger TEXT NOT NULL, master_version INTEGER NOT NULL, "
           "wrapped BLOB NOT NULL, created_at INTEGER NOT NULL);",
       }) {
    const absl::Status status = LoadAfter(plant);
    BOOST_TEST(CodeName(status) == "FAILED_PRECONDITION", plant);
    BOOST_TEST(absl::StrContains(status.message(), "schema socle did not write"),
               status.message());
  }
}

BOOST_AUTO_TEST_CASE(statistics_from_analyze_are_accepted) {
  BOOST_TEST(LoadAfter("ANALYZE;").ok());
}

BOOST_AUTO_TEST_CASE(a_version_1_database_gains_the_tables_of_versions_2_3_and_4) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  std::vector<uint8_t> sealed;
  {
    auto vault = LoadVault(provider, db);
    sealed = *vault->SealRecord(RecordRef{"P-1", "r", 1}, Bytes("x"));
  }
  {
    RawConnection raw(db);  // as the first release created it
    raw.Exec("DROP TABLE pending_shreds; DROP TABLE pseudonym_retirements; "
             "DROP TABLE reversal_counts; DROP TABLE shredded_persons; DROP TABLE ledger_secrets; "
             "PRAGMA user_version=1;");
  }
  auto vault = LoadVault(provider, db);
  BOOST_TEST(vault->OpenRecord(RecordRef{"P-1", "r", 1}, sealed).ok());
  BOOST_TEST(vault->ShredPerson("P-1").ok());
  RawConnection raw(db);
  BOOST_TEST(raw.Int("SELECT count(*) FROM sqlite_schema WHERE name = 'pending_shreds'") == 1);
  BOOST_TEST(raw.Int("SELECT count(*) FROM shredded_persons") == 1);
  BOOST_TEST(raw.Int("SELECT count(*) FROM sqlite_schema WHERE name = 'ledger_secrets'") == 1);
  BOOST_TEST(raw.Int("PRAGMA user_version") == 4);
}

// What the release before the shredded persons created (schema version 2), verbatim: a
// migrated database must end with exactly the schema of a new one, or CheckSchema refuses it.
constexpr char kVersion2Schema[] = R"sql(
CREATE TABLE meta (
  name TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL);
CREATE TABLE tenant_keys (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL UNIQUE,
  master_version INTEGER NOT NULL,
  wrapped BLOB NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE person_keys (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  person_tag BLOB NOT NULL,
  key_version INTEGER NOT NULL,
  master_version INTEGER NOT NULL,
  wrapped BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant, person_tag, key_version));
CREATE TABLE pseudonym_secrets (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  version INTEGER NOT NULL,
  master_version INTEGER NOT NULL,
  wrapped BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (tenant, version));

CREATE TABLE pending_shreds (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  person_tag BLOB NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE pseudonym_retirements (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  through_version INTEGER NOT NULL,
  retired_at INTEGER NOT NULL,
  UNIQUE (tenant, through_version));
CREATE TABLE reversal_counts (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  actor_tag BLOB NOT NULL,
  window_nanos INTEGER NOT NULL,
  window_index INTEGER NOT NULL,
  previous_count INTEGER NOT NULL,
  current_count INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  UNIQUE (tenant, actor_tag));
CREATE INDEX reversal_counts_expiry ON reversal_counts (tenant, expires_at);
PRAGMA application_id=1397703510; PRAGMA user_version=2;
)sql";

// type, name, table and CREATE text of every schema object, sorted by name.
std::vector<std::string> SchemaRows(const std::string& db) {
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(h,
                                   "SELECT type || '|' || name || '|' || tbl_name || '|' || "
                                   "coalesce(sql, '') FROM sqlite_schema ORDER BY name",
                                   -1, &s, nullptr) == SQLITE_OK);
  std::vector<std::string> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return rows;
}

BOOST_AUTO_TEST_CASE(a_version_2_database_opens_and_gains_the_shredded_persons) {
  TempDir dir;
  auto provider = NewKeyFile(dir.File("k"));
  { LoadVault(provider, dir.File("fresh.db")); }
  const std::string db = dir.File("v2.db");
  {
    vault_testing::WriteFileBytes(db, {});  // an empty file is an empty database
    RawConnection raw(db);
    raw.Exec(kVersion2Schema);
  }
  {
    auto vault = LoadVault(provider, db);
    const RecordRef ref{"P-1", "r", 1};
    const auto sealed = vault->SealRecord(ref, Bytes("x"), KeyCreation::kRefuseIfShredded);
    BOOST_REQUIRE(sealed.ok());
    BOOST_TEST(vault->OpenRecord(ref, *sealed).ok());
    BOOST_TEST(vault->Verify().ok());
  }
  RawConnection raw(db);
  BOOST_TEST(raw.Int("PRAGMA user_version") == 4);
  BOOST_TEST((SchemaRows(db) == SchemaRows(dir.File("fresh.db"))));
  BOOST_TEST(raw.Int("SELECT count(*) FROM sqlite_schema WHERE name = 'shredded_persons'") == 1);
}

// What the release before the ledger secrets created (schema version 3): version 2 and the
// shredded persons, verbatim.
constexpr char kVersion3Tables[] = R"sql(
CREATE TABLE shredded_persons (
  id INTEGER PRIMARY KEY,
  tenant TEXT NOT NULL,
  person_tag BLOB NOT NULL,
  UNIQUE (tenant, person_tag));
PRAGMA user_version=3;
)sql";

BOOST_AUTO_TEST_CASE(a_version_3_database_keeps_its_keys_and_gains_the_ledger_secrets) {
  TempDir dir;
  auto provider = NewKeyFile(dir.File("k"));
  { LoadVault(provider, dir.File("fresh.db")); }
  const std::string db = dir.File("v3.db");
  {
    vault_testing::WriteFileBytes(db, {});
    RawConnection raw(db);
    raw.Exec(kVersion2Schema);
    raw.Exec(kVersion3Tables);
  }
  const RecordRef ref{"P-1", "r", 1};
  std::vector<uint8_t> sealed;
  {
    auto vault = LoadVault(provider, db);  // migrated from the verbatim version 3 schema
    sealed = *vault->SealRecord(ref, Bytes("x"));
    BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-2", "r", 1}, Bytes("y")).ok());
    BOOST_REQUIRE(vault->ShredPerson("P-2").ok());
  }
  BOOST_TEST((SchemaRows(db) == SchemaRows(dir.File("fresh.db"))));
  {
    RawConnection raw(db);  // back to version 3, with a key and a shredded person
    raw.Exec("DROP TABLE ledger_secrets; PRAGMA user_version=3;");
    BOOST_REQUIRE(raw.Int("SELECT count(*) FROM shredded_persons") == 1);
  }
  auto vault = LoadVault(provider, db);
  BOOST_TEST(vault->OpenRecord(ref, sealed).ok());
  BOOST_TEST(CodeName(vault->SealRecord(RecordRef{"P-2", "r", 1}, Bytes("z"),
                                        KeyCreation::kRefuseIfShredded)
                          .status()) == "FAILED_PRECONDITION");
  const auto secret = vault->LedgerSecret("access_trail");
  BOOST_REQUIRE_MESSAGE(secret.ok(), secret.status());
  BOOST_TEST(secret->size() == kVaultKeyBytes);
  BOOST_TEST(vault->Verify().ok());
  RawConnection raw(db);
  BOOST_TEST(raw.Int("PRAGMA user_version") == 4);
  BOOST_TEST((SchemaRows(db) == SchemaRows(dir.File("fresh.db"))));
  BOOST_TEST(raw.Int("SELECT count(*) FROM ledger_secrets") == 1);
}

// A shred that a crash interrupted under version 2 (its pending_shreds row is there) is a shred
// the migration remembers: the person stays refused.
BOOST_AUTO_TEST_CASE(a_shred_pending_in_a_version_2_database_is_remembered) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  const RecordRef ref{"P-1", "r", 1};
  std::vector<uint8_t> sealed;
  {
    auto vault = LoadVault(provider, db);
    sealed = *vault->SealRecord(ref, Bytes("x"));
    BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-2", "r", 1}, Bytes("y")).ok());
  }
  {
    RawConnection raw(db);  // back to version 2, killed between ShredPerson's commit and its end
    raw.Exec("DROP TABLE shredded_persons; DROP TABLE ledger_secrets; PRAGMA user_version=2; "
             "BEGIN; "
             "INSERT INTO pending_shreds (tenant, person_tag, created_at) "
             "  SELECT tenant, person_tag, 0 FROM person_keys WHERE id = 1; "
             "DELETE FROM person_keys WHERE id = 1; COMMIT;");
  }
  auto vault = LoadVault(provider, db);
  BOOST_TEST(CodeName(vault->SealRecord(ref, Bytes("z"), KeyCreation::kRefuseIfShredded)
                          .status()) == "FAILED_PRECONDITION");
  BOOST_TEST(vault->SealRecord(RecordRef{"P-2", "r", 1}, Bytes("y"),
                               KeyCreation::kRefuseIfShredded)
                 .ok());
  BOOST_TEST(CodeName(vault->OpenRecord(ref, sealed).status()) == "NOT_FOUND");
  RawConnection raw(db);
  BOOST_TEST(raw.Int("SELECT count(*) FROM shredded_persons") == 1);
  BOOST_TEST(raw.Int("SELECT count(*) FROM pending_shreds") == 0);  // finished by Open
  BOOST_TEST(raw.Int("PRAGMA user_version") == 4);
}

BOOST_AUTO_TEST_CASE(a_current_database_missing_a_table_is_refused) {
  for (const std::string table : {"pending_shreds", "shredded_persons", "ledger_secrets"}) {
    const absl::Status status = LoadAfter("DROP TABLE " + table + ";");
    BOOST_TEST(CodeName(status) == "FAILED_PRECONDITION", table);
    BOOST_TEST(absl::StrContains(status.message(), "table '" + table + "' is missing"),
               status.message());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
