// The vault refuses a database whose schema it did not write: a trigger planted in the file
// could copy every deleted key elsewhere, or put it back, and so undo every shred. Objects added
// to the schema since a database was created are added when it opens.
#include <boost/test/unit_test.hpp>
#include <string>

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

BOOST_AUTO_TEST_CASE(a_version_1_database_gains_the_version_2_tables) {
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
             "DROP TABLE reversal_counts; PRAGMA user_version=1;");
  }
  auto vault = LoadVault(provider, db);
  BOOST_TEST(vault->OpenRecord(RecordRef{"P-1", "r", 1}, sealed).ok());
  BOOST_TEST(vault->ShredPerson("P-1").ok());
  RawConnection raw(db);
  BOOST_TEST(raw.Int("SELECT count(*) FROM sqlite_schema WHERE name = 'pending_shreds'") == 1);
  BOOST_TEST(raw.Int("PRAGMA user_version") == 2);
}

BOOST_AUTO_TEST_CASE(a_current_database_missing_a_table_is_refused) {
  const absl::Status status = LoadAfter("DROP TABLE pending_shreds;");
  BOOST_TEST(!status.ok());
  BOOST_TEST(std::string(status.message()).find("pending_shreds") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
