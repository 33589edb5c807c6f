// The PostgreSQL ledger's schema (docs/postgresql.md, "Versions and migrations", "Roles"): a
// ledger created in an empty database, a version 1 ledger migrated with its entries, a newer
// version refused, refused edits counted, and the roles of docs/postgresql-roles.sql (the
// application appends and prunes but cannot change or delete a row, the auditor only reads), and
// the vault's roles of docs/postgresql-vault-roles.sql (the application seals, shreds and
// rotates but cannot drop a tenant's key or plant a trigger; the auditor reads no wrapped key).
#include <boost/test/unit_test.hpp>
#include <atomic>
#include <cstdlib>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pg_test_util.h"
#include "socle/error.hpp"
#include "socle/ledger.hpp"
#include "socle/pseudonym_secrets.hpp"
#include "socle/vault.hpp"

namespace socle::ledger {
// The schema version pg_store.cc creates or migrates to (0: this build's).
extern std::atomic<int64_t> pg_schema_version_for_testing;
}  // namespace socle::ledger

namespace socle::pg_testing {
namespace {

LedgerVerification MustVerify(Ledger& ledger) {
  auto report = ledger.Verify();
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST_MESSAGE("verify: " << report->entries << " entries, " << report->problem);
  return *report;
}

// Creates ledgers at schema `version` while alive.
struct SchemaVersion {
  explicit SchemaVersion(int64_t version) { ledger::pg_schema_version_for_testing = version; }
  ~SchemaVersion() { ledger::pg_schema_version_for_testing = 0; }
};

BOOST_AUTO_TEST_SUITE(pg_schema)

BOOST_FIXTURE_TEST_CASE(a_ledger_is_created_in_an_empty_database, PgFixture) {
  // A database of its own, with nothing in it: Open creates the schema at the current version.
  RawConnection admin;
  const std::string database = "socle_empty_" + name;
  admin.Exec("CREATE DATABASE \"" + database + "\"");
  {
    // libpq's URI: the database is the path, which the query's dbname= overrides.
    const std::string empty = WithParam(uri, "dbname=" + database);
    auto ledger = Ledger::Open(empty, vault, name, Options());
    BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
    AppendSome(**ledger, 20);
    BOOST_TEST(MustVerify(**ledger).ok);
    RawConnection in_it(empty);
    BOOST_TEST(in_it.Query("SELECT value FROM " + Table("meta") +
                           " WHERE key = 'schema_version'") == "2");
    BOOST_TEST(in_it.Query("SELECT count(*) FROM " + Table("entries")) == "20");
  }
  admin.Exec("DROP DATABASE \"" + database + "\" WITH (FORCE)");
}

BOOST_FIXTURE_TEST_CASE(a_version_1_ledger_is_migrated_with_its_entries, PgFixture) {
  RawConnection raw;
  std::string root_before;
  {
    SchemaVersion v1(1);
    auto ledger = Open();
    AppendSome(*ledger, 300);
    auto checkpoint = ledger->Checkpoint();
    BOOST_REQUIRE(checkpoint.ok());
    root_before = checkpoint->note;
    BOOST_TEST(raw.Query("SELECT value FROM " + Table("meta") + " WHERE key = 'schema_version'") ==
               "1");
    BOOST_TEST(raw.Query("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON "
                         "n.oid = c.relnamespace WHERE n.nspname = 'socle_" + name +
                         "' AND c.relname = 'refused_changes'") == "0");
    // Version 1's triggers refuse, without counting.
    BOOST_TEST(raw.State("DELETE FROM " + Table("entries") + " WHERE idx = 1") == "23000");
  }
  // This build's Open migrates it: the same entries, checkpoint and proofs, the new sequence.
  auto ledger = Open();
  BOOST_TEST(raw.Query("SELECT value FROM " + Table("meta") + " WHERE key = 'schema_version'") ==
             "2");
  const LedgerVerification report = MustVerify(*ledger);
  BOOST_TEST(report.ok);
  BOOST_TEST(report.entries == 300u);
  BOOST_TEST(report.refused_edits == 0u);
  auto latest = ledger->LatestCheckpoint();
  BOOST_REQUIRE(latest.ok() && latest->has_value());
  BOOST_TEST((*latest)->note == root_before);
  AppendSome(*ledger, 50, 300);
  BOOST_TEST(MustVerify(*ledger).entries == 350u);
  BOOST_TEST(raw.State("DELETE FROM " + Table("entries") + " WHERE idx = 1") == "23000");
  BOOST_TEST(MustVerify(*ledger).refused_edits == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_newer_schema_is_refused_untouched, PgFixture) {
  { auto ledger = Open(); }
  RawConnection raw;
  raw.Exec("UPDATE " + Table("meta") + " SET value = '99' WHERE key = 'schema_version'");
  auto ledger = Ledger::Open(uri, vault, name, Options());
  BOOST_REQUIRE(!ledger.ok());
  BOOST_TEST(CodeName(ledger.status()) == "UNSUPPORTED");
  BOOST_TEST(absl::StrContains(ledger.status().message(), "newer than this build"),
             ledger.status().message());
  BOOST_TEST(raw.Query("SELECT value FROM " + Table("meta") + " WHERE key = 'schema_version'") ==
             "99");
}

BOOST_FIXTURE_TEST_CASE(refused_edits_are_counted_and_said, PgFixture) {
  auto ledger = Open();
  AppendSome(*ledger, 40);
  RawConnection raw;
  BOOST_TEST(raw.State("UPDATE " + Table("entries") + " SET type = 9 WHERE idx = 3") == "23000");
  BOOST_TEST(absl::StrContains(raw.LastError(), "UPDATE on socle_" + name +
                                                    ".entries refused (refused edit 1)"),
             raw.LastError());
  BOOST_TEST(raw.State("DELETE FROM " + Table("entries") + " WHERE idx < 5") == "23000");
  BOOST_TEST(raw.State("TRUNCATE " + Table("leaf_tiles")) == "23000");
  // In a transaction that then commits something else: the count survives the rollback.
  raw.Exec("BEGIN");
  BOOST_TEST(raw.State("UPDATE " + Table("subtrees") + " SET hash = hash") != "");
  raw.Exec("ROLLBACK");
  // A session whose search_path does not name the schema is counted too.
  raw.Exec("SET search_path = public");
  BOOST_TEST(raw.State("DELETE FROM " + Table("checkpoints")) == "");  // no rows: no trigger
  BOOST_TEST(raw.State("UPDATE " + Table("entries") + " SET mac = mac WHERE idx = 7") == "23000");
  // The prune is not an edit.
  BOOST_TEST(raw.State("UPDATE " + Table("entries") + " SET body = NULL WHERE idx = 3") == "");
  const LedgerVerification report = MustVerify(*ledger);
  BOOST_TEST(report.ok);
  BOOST_TEST(report.refused_edits == 5u);
}

// --- Roles --------------------------------------------------------------------------------------

// Two login roles of this test, and docs/postgresql-roles.sql applied to the fixture's ledger.
struct RolesFixture : PgFixture {
  RawConnection admin;
  std::string app = "app_" + name;
  std::string auditor = "auditor_" + name;
  bool ready = false;

  RolesFixture() {
    { auto owner = Open(); AppendSome(*owner, 30); }
    if (!admin.Try("CREATE ROLE \"" + app + "\" LOGIN") ||
        !admin.Try("CREATE ROLE \"" + auditor + "\" LOGIN")) {
      BOOST_TEST_MESSAGE("skipped: this server's role cannot create roles");
      return;
    }
    const std::string command = absl::StrCat(
        "psql -X -q -v ON_ERROR_STOP=1 -v schema=socle_", name, " -v app=", app,
        " -v auditor=", auditor, " -f ", SOCLE_PG_ROLES_SQL, " '", uri, "' > ",
        dir.File("psql.log"), " 2>&1");
    BOOST_REQUIRE_MESSAGE(std::system(command.c_str()) == 0,
                          "psql -f docs/postgresql-roles.sql failed, see " << dir.File("psql.log"));
    ready = true;
  }
  ~RolesFixture() {
    admin.Try("DROP SCHEMA IF EXISTS " + Schema(name) + " CASCADE");
    admin.Try("DROP ROLE IF EXISTS \"" + app + "\"");
    admin.Try("DROP ROLE IF EXISTS \"" + auditor + "\"");
  }
  std::string As(const std::string& role) const { return WithParam(uri, "user=" + role); }
};

BOOST_FIXTURE_TEST_CASE(the_application_appends_and_prunes_but_changes_nothing, RolesFixture) {
  if (!ready) return;
  auto ledger = Ledger::Open(As(app), vault, name, Options());
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
  AppendSome(**ledger, 200, 30);
  BOOST_REQUIRE((*ledger)->Checkpoint().ok());
  auto pruned = (*ledger)->PruneBefore(absl::Now() + absl::Hours(1));
  BOOST_REQUIRE_MESSAGE(pruned.ok(), pruned.status().ToString());
  BOOST_TEST(*pruned == 230u);

  RawConnection as_app(As(app));
  // The rights refuse before any trigger runs (42501): no other column, no DELETE or TRUNCATE,
  // no trigger to disable, no sequence to reset.
  BOOST_TEST(as_app.State("UPDATE " + Table("entries") + " SET mac = mac") == "42501");
  BOOST_TEST(as_app.State("DELETE FROM " + Table("entries")) == "42501");
  BOOST_TEST(as_app.State("TRUNCATE " + Table("entries")) == "42501");
  BOOST_TEST(as_app.State("UPDATE " + Table("checkpoints") + " SET note = note") == "42501");
  BOOST_TEST(as_app.State("DELETE FROM " + Table("leaf_tiles")) == "42501");
  BOOST_TEST(as_app.State("ALTER TABLE " + Table("entries") +
                          " DISABLE TRIGGER entries_no_update") == "42501");
  BOOST_TEST(as_app.State("SELECT setval('" + Schema(name) + ".refused_changes', 1)") == "42501");
  // The one column it may write, written with other bytes: the trigger refuses and counts.
  BOOST_TEST(as_app.State("UPDATE " + Table("entries") + " SET body = '\\x00' WHERE idx = 3") ==
             "23000");
  const LedgerVerification report = MustVerify(**ledger);
  BOOST_TEST(report.ok);
  BOOST_TEST(report.entries == 230u);
  BOOST_TEST(report.refused_edits == 1u);
}

BOOST_FIXTURE_TEST_CASE(the_auditor_reads_and_writes_nothing, RolesFixture) {
  if (!ready) return;
  auto ledger = Ledger::Open(As(auditor), vault, name, Options());
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
  const LedgerVerification report = MustVerify(**ledger);
  BOOST_TEST(report.ok);
  BOOST_TEST(report.entries == 30u);
  auto history = (*ledger)->ReadEntries(0, 10);
  BOOST_REQUIRE(history.ok());
  BOOST_TEST(history->size() == 10u);

  NewLedgerEntry entry;
  entry.type = LedgerEntryType::kOperation;
  entry.payload = "an auditor's entry";
  auto appended = (*ledger)->Append(absl::MakeConstSpan(&entry, 1));
  BOOST_REQUIRE(!appended.ok());
  BOOST_TEST(CodeName(appended.status()) == "PERMISSION_DENIED");
  BOOST_TEST(absl::StrContains(appended.status().message(), "permission denied"),
             appended.status().message());

  RawConnection as_auditor(As(auditor));
  BOOST_TEST(as_auditor.State("INSERT INTO " + Table("checkpoints") +
                              " VALUES (99, 0, 'forged')") == "42501");
  BOOST_TEST(as_auditor.State("UPDATE " + Table("entries") + " SET body = NULL") == "42501");
  BOOST_TEST(as_auditor.Query("SELECT count(*) FROM " + Table("entries")) == "30");
}

// --- The vault's roles -------------------------------------------------------------------------

// A database of its own (a vault database is bound to one master key: this one is bound to the
// fixture's key file, and tests/pg/pg_vault_test.cc keeps the cluster's default database), whose
// schema socle_vault the owner's first Open creates, two login roles, and
// docs/postgresql-vault-roles.sql applied as the owner.
struct VaultRolesFixture : PgFixture {
  RawConnection admin;
  std::string database = "socle_vault_" + name;
  std::string db_uri = WithParam(uri, "dbname=" + database);
  std::string app = "vault_app_" + name;
  std::string auditor = "vault_auditor_" + name;
  std::string tenant = "ccas-roles";
  bool ready = false;

  VaultRolesFixture() {
    admin.Exec("CREATE DATABASE \"" + database + "\"");
    {
      auto owner = Vault::Open(provider, db_uri, tenant);
      BOOST_REQUIRE_MESSAGE(owner.ok(), owner.status().ToString());
    }
    if (!admin.Try("CREATE ROLE \"" + app + "\" LOGIN") ||
        !admin.Try("CREATE ROLE \"" + auditor + "\" LOGIN")) {
      BOOST_TEST_MESSAGE("skipped: this server's role cannot create roles");
      return;
    }
    const std::string command = absl::StrCat(
        "psql -X -q -v ON_ERROR_STOP=1 -v app=", app, " -v auditor=", auditor, " -f ",
        SOCLE_PG_VAULT_ROLES_SQL, " '", db_uri, "' > ", dir.File("psql-vault.log"), " 2>&1");
    BOOST_REQUIRE_MESSAGE(
        std::system(command.c_str()) == 0,
        "psql -f docs/postgresql-vault-roles.sql failed, see " << dir.File("psql-vault.log"));
    ready = true;
  }
  ~VaultRolesFixture() {
    // The database first: a role that holds rights in it cannot be dropped.
    admin.Try("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
    admin.Try("DROP ROLE IF EXISTS \"" + app + "\"");
    admin.Try("DROP ROLE IF EXISTS \"" + auditor + "\"");
  }
  std::string As(const std::string& role) const { return WithParam(db_uri, "user=" + role); }
  std::unique_ptr<Vault> OpenVault(const std::string& role) {
    auto vault = Vault::Open(provider, As(role), tenant);
    BOOST_REQUIRE_MESSAGE(vault.ok(), vault.status().ToString());
    return std::move(*vault);
  }
};

BOOST_FIXTURE_TEST_CASE(the_vault_application_seals_shreds_and_rotates_but_drops_nothing,
                        VaultRolesFixture) {
  if (!ready) return;
  using vault_testing::AsString;
  using vault_testing::Bytes;
  auto vault = OpenVault(app);
  const RecordRef first{"person-1", "case-1", 1};
  const RecordRef second{"person-2", "case-2", 1};
  auto sealed_first = vault->SealRecord(first, Bytes("note about person 1"));
  BOOST_REQUIRE_MESSAGE(sealed_first.ok(), sealed_first.status().ToString());
  auto sealed_second = vault->SealRecord(second, Bytes("note about person 2"));
  BOOST_REQUIRE_MESSAGE(sealed_second.ok(), sealed_second.status().ToString());
  auto opened = vault->OpenRecord(first, *sealed_first);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  BOOST_TEST(AsString(*opened) == "note about person 1");

  // The shred: the key deleted, the generation moved on, the pending shred cleared; its VACUUM
  // is the owner's (a warning for this role), which does not fail it.
  const absl::Status shred = vault->ShredPerson("person-1");
  BOOST_REQUIRE_MESSAGE(shred.ok(), shred.ToString());
  BOOST_TEST(CodeName(vault->OpenRecord(first, *sealed_first).status()) == "NOT_FOUND");
  RawConnection owner(db_uri);
  BOOST_TEST(owner.Query("SELECT count(*) FROM socle_vault.person_keys") == "1");
  BOOST_TEST(owner.Query("SELECT count(*) FROM socle_vault.pending_shreds") == "0");
  BOOST_TEST(owner.Query("SELECT count(*) FROM socle_vault.shredded_persons") == "1");

  // The master key rotation re-wraps every key (and raises the floor in meta); the
  // pseudonymisation secrets are rotated and an old version destroyed.
  auto report = vault->RotateMasterKey(/*retire_previous=*/false);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->rewrapped >= 3u);  // the tenant key, a person key, a pseudonym secret
  BOOST_TEST(owner.Query("SELECT count(*) FROM socle_vault.person_keys WHERE master_version <> " +
                         std::to_string(report->master_version)) == "0");
  auto version = vault->RotatePseudonymSecret();
  BOOST_REQUIRE_MESSAGE(version.ok(), version.status().ToString());
  const absl::Status destroyed = vault->DestroyPseudonymSecret(*version - 1);
  BOOST_TEST(destroyed.ok(), destroyed.ToString());
  auto secret = vault->LedgerSecret("access_trail");
  BOOST_TEST(secret.ok(), secret.status().ToString());
  // The pseudonymisation controls (their own connection): a retirement, and an actor's reversal
  // counts inserted, updated, refused past the allowance, and pruned once expired.
  const absl::Status retired = vault->RetirePseudonymVersions(*version - 1);
  BOOST_TEST(retired.ok(), retired.ToString());
  auto controls = vault->pseudonym_controls();
  const absl::Time t0 = absl::FromUnixSeconds(1800000000);
  for (int i = 0; i < 3; ++i) {
    auto taken = controls->TakeReversal("agent-7", 2, absl::Hours(1), t0);
    BOOST_REQUIRE_MESSAGE(taken.ok(), taken.status().ToString());
    BOOST_TEST(*taken == (i < 2));
  }
  auto later = controls->TakeReversal("agent-8", 2, absl::Hours(1), t0 + absl::Hours(5));
  BOOST_REQUIRE_MESSAGE(later.ok(), later.status().ToString());
  BOOST_TEST(*later);
  BOOST_TEST(owner.Query("SELECT count(*) FROM socle_vault.pseudonym_retirements") == "1");
  BOOST_TEST(owner.Query("SELECT count(*) FROM socle_vault.reversal_counts") == "1");  // pruned
  opened = vault->OpenRecord(second, *sealed_second);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  BOOST_TEST(AsString(*opened) == "note about person 2");

  // Its raw statements outside those rights fail with 42501: no tenant key, ledger secret or
  // shredded person deleted, no column but those it re-wraps updated, no TRUNCATE, no DROP, no
  // trigger disabled or planted, no rule, nothing created in the schema.
  RawConnection as_app(As(app));
  for (const std::string sql : {
           "DELETE FROM socle_vault.tenant_keys",
           "DELETE FROM socle_vault.ledger_secrets",
           "DELETE FROM socle_vault.shredded_persons",
           "UPDATE socle_vault.person_keys SET person_tag = person_tag",
           "UPDATE socle_vault.meta SET name = name",
           "TRUNCATE socle_vault.person_keys",
           "DROP TABLE socle_vault.tenant_keys",
           "ALTER TABLE socle_vault.person_keys DISABLE TRIGGER ALL",
           "CREATE TRIGGER planted AFTER DELETE ON socle_vault.person_keys FOR EACH ROW "
           "EXECUTE FUNCTION suppress_redundant_updates_trigger()",
           "CREATE RULE planted AS ON DELETE TO socle_vault.person_keys DO INSTEAD NOTHING",
           "CREATE TABLE socle_vault.planted (x integer)",
       }) {
    BOOST_TEST(as_app.State(sql) == "42501", sql << ": " << as_app.LastError());
  }
  // VACUUM as this role is a warning, not an error: nothing is vacuumed.
  BOOST_TEST(as_app.State("VACUUM socle_vault.person_keys") == "");
  // Nothing was planted: the vault opens again, and the owner sees the shred.
  auto again = OpenVault(app);
  BOOST_TEST(CodeName(again->OpenRecord(first, *sealed_first).status()) == "NOT_FOUND");
  auto by_owner = Vault::Open(provider, db_uri, tenant);
  BOOST_REQUIRE_MESSAGE(by_owner.ok(), by_owner.status().ToString());
  BOOST_TEST(CodeName((*by_owner)->OpenRecord(first, *sealed_first).status()) == "NOT_FOUND");
  BOOST_TEST(owner.Query("SELECT count(*) FROM socle_vault.tenant_keys") == "1");
}

BOOST_FIXTURE_TEST_CASE(the_auditor_reads_no_wrapped_key, VaultRolesFixture) {
  if (!ready) return;
  RawConnection as_auditor(As(auditor));
  BOOST_TEST(as_auditor.State("SELECT wrapped FROM socle_vault.person_keys") == "42501");
  BOOST_TEST(as_auditor.State("SELECT wrapped FROM socle_vault.tenant_keys") == "42501");
  BOOST_TEST(as_auditor.State("SELECT value FROM socle_vault.meta") == "42501");
  // Its Vault::Open: PERMISSION_DENIED, saying which right is missing, never the password.
  auto vault = Vault::Open(provider, WithParam(As(auditor), "password=hunter2-of-auditor"), tenant);
  BOOST_REQUIRE(!vault.ok());
  BOOST_TEST(CodeName(vault.status()) == "PERMISSION_DENIED");
  BOOST_TEST(absl::StrContains(vault.status().message(), "no right to use schema socle_vault"),
             vault.status().message());
  BOOST_TEST(!absl::StrContains(vault.status().ToString(), "hunter2"), vault.status().ToString());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pg_testing
