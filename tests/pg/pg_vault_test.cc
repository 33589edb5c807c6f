// The vault (socle/vault.hpp) on PostgreSQL: two Vault handles on separate connections stand for
// two application servers of one deployment. Keys created through one are found through the
// other; a person shredded through one is unreadable through the other at once, whatever its
// cache holds; pseudonymisation and ledger secrets, the reversal counts and the master key
// rotation are shared; a Ledger whose vault and ledger are both on PostgreSQL seals and opens its
// entries; bad URIs and an unreachable server give clear errors without the password; a schema
// socle_vault that socle did not write is refused.
//
// Every test has a tenant of its own and deletes its rows at the end. The vault database is
// bound to one master key id, so the suite uses one key file per process and, on its first use,
// drops the schema socle_vault of the test server (the throwaway cluster, or the server named
// by SOCLE_TEST_POSTGRES: only this suite uses that schema there).
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pg_test_util.h"
#include "socle/error.hpp"
#include "socle/ledger.hpp"
#include "socle/vault.hpp"

namespace socle::pg_testing {
namespace {

using vault_testing::AsString;
using vault_testing::Bytes;
using vault_testing::FastKdf;
using vault_testing::TestPassphrase;

constexpr char kVaultSchema[] = "socle_vault";
// The tables that have a tenant column.
constexpr const char* kTenantTables[] = {
    "tenant_keys",           "person_keys",     "pseudonym_secrets", "pending_shreds",
    "pseudonym_retirements", "reversal_counts", "shredded_persons",  "ledger_secrets"};

// The key file every vault of this process uses (the database is bound to its key id), made on
// first use, after the schema of an earlier run is dropped.
const std::string& KeyFilePath() {
  static TempDir* dir = [] {
    RawConnection raw;
    raw.Exec(absl::StrCat("DROP SCHEMA IF EXISTS ", kVaultSchema, " CASCADE"));
    auto* d = new TempDir();
    vault_testing::NewKeyFile(d->File("master.key"));
    return d;
  }();
  static const std::string path = dir->File("master.key");
  return path;
}

// Another server's view of the key file: its own provider object.
std::shared_ptr<KeyFileProvider> OpenKeyFile() {
  auto provider = KeyFileProvider::Open(KeyFilePath(), TestPassphrase(), FastKdf());
  BOOST_REQUIRE_MESSAGE(provider.ok(), provider.status().ToString());
  return std::shared_ptr<KeyFileProvider>(std::move(*provider));
}

std::string Quoted(absl::string_view text) { return absl::StrCat("'", text, "'"); }

struct PgVaultFixture {
  std::string uri = ServerUri();
  std::string tenant = UniqueLedgerName("tenant");
  std::shared_ptr<KeyFileProvider> provider_a = OpenKeyFile();
  std::shared_ptr<KeyFileProvider> provider_b = OpenKeyFile();
  RawConnection raw;

  ~PgVaultFixture() {
    for (const char* table : kTenantTables) {
      raw.Try(absl::StrCat("DELETE FROM ", kVaultSchema, ".", table,
                           " WHERE tenant = ", Quoted(tenant)));
    }
  }

  std::shared_ptr<Vault> Open(std::shared_ptr<KeyProvider> provider) {
    return OpenAt(std::move(provider), uri);
  }
  // On another URI of the same database (an application_name, a timeout).
  std::shared_ptr<Vault> OpenAt(std::shared_ptr<KeyProvider> provider, const std::string& at) {
    auto vault = Vault::Open(std::move(provider), at, tenant);
    BOOST_REQUIRE_MESSAGE(vault.ok(), vault.status().ToString());
    return std::shared_ptr<Vault>(std::move(*vault));
  }
  // Server A and server B.
  std::shared_ptr<Vault> A() { return Open(provider_a); }
  std::shared_ptr<Vault> B() { return Open(provider_b); }

  // How many rows of `table` this tenant has.
  std::string Count(absl::string_view table, absl::string_view where = "true") {
    return raw.Query(absl::StrCat("SELECT count(*) FROM ", kVaultSchema, ".", table,
                                  " WHERE tenant = ", Quoted(tenant), " AND ", where));
  }
};

std::vector<uint8_t> MustSeal(Vault& vault, const RecordRef& record, absl::string_view text,
                              KeyCreation creation = KeyCreation::kOnFirstUse) {
  auto sealed = vault.SealRecord(record, Bytes(text), creation);
  BOOST_REQUIRE_MESSAGE(sealed.ok(), sealed.status().ToString());
  return *std::move(sealed);
}

std::string MustOpen(Vault& vault, const RecordRef& record, absl::Span<const uint8_t> sealed) {
  auto opened = vault.OpenRecord(record, sealed);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  return AsString(*opened);
}

BOOST_AUTO_TEST_SUITE(pg_vault)

BOOST_FIXTURE_TEST_CASE(keys_made_by_one_server_are_found_by_another, PgVaultFixture) {
  auto a = A();
  const RecordRef record{"person-1", "case-1", 1};
  const std::vector<uint8_t> sealed = MustSeal(*a, record, "note about person 1");
  // Server B, on its own connection and provider object, has never seen this person.
  auto b = B();
  BOOST_TEST(b->cached_keys() == 0u);
  BOOST_TEST(MustOpen(*b, record, sealed) == "note about person 1");
  // The other way round, and the record stays bound to its person and record id.
  const RecordRef other{"person-2", "case-9", 1};
  const std::vector<uint8_t> from_b = MustSeal(*b, other, "sealed on B");
  BOOST_TEST(MustOpen(*a, other, from_b) == "sealed on B");
  BOOST_TEST(CodeName(a->OpenRecord(RecordRef{"person-2", "case-8", 1}, from_b).status()) ==
             "VERIFICATION_FAILED");
  // One row per person in the shared table, none with the person's id in it.
  BOOST_TEST(Count("person_keys") == "2");
  BOOST_TEST(Count("tenant_keys") == "1");
  BOOST_TEST(Count("person_keys", "position('person-1'::bytea in person_tag) > 0") == "0");
  // Another tenant of the same database sees none of these keys.
  auto foreign = Vault::Open(provider_a, uri, tenant + "-other");
  BOOST_REQUIRE_MESSAGE(foreign.ok(), foreign.status().ToString());
  BOOST_TEST(CodeName((*foreign)->OpenRecord(record, sealed).status()) == "NOT_FOUND");
  foreign->reset();
  for (const char* table : kTenantTables) {
    raw.Try(absl::StrCat("DELETE FROM ", kVaultSchema, ".", table,
                         " WHERE tenant = ", Quoted(tenant + "-other")));
  }
  BOOST_TEST(a->Verify().ok());
  BOOST_TEST(b->Verify().ok());
}

BOOST_FIXTURE_TEST_CASE(a_shred_on_one_server_is_seen_by_the_other_at_once, PgVaultFixture) {
  auto a = A();
  auto b = B();
  const RecordRef record{"person-shred", "case-1", 1};
  const std::vector<uint8_t> sealed = MustSeal(*a, record, "to be shredded");
  // B caches the key (its cache TTL is the default five minutes).
  BOOST_TEST(MustOpen(*b, record, sealed) == "to be shredded");
  BOOST_TEST(MustOpen(*b, record, sealed) == "to be shredded");
  BOOST_TEST(b->cached_keys() == 1u);
  const std::vector<uint8_t> before = MustSeal(*b, record, "sealed by B before the shred");

  const absl::Status shredded = a->ShredPerson("person-shred");
  BOOST_REQUIRE_MESSAGE(shredded.ok(), shredded.ToString());
  BOOST_TEST(Count("person_keys") == "0");
  BOOST_TEST(Count("shredded_persons") == "1");
  BOOST_TEST(Count("pending_shreds") == "0");  // VACUUM ran, the pending shred was cleared

  // B, whose cache still holds the key, refuses at once: opening, and sealing an entry that
  // must not bring the person back.
  BOOST_TEST(CodeName(b->OpenRecord(record, sealed).status()) == "NOT_FOUND");
  BOOST_TEST(CodeName(b->OpenRecord(record, before).status()) == "NOT_FOUND");
  BOOST_TEST(b->cached_keys() == 0u);
  auto refused = b->SealRecord(record, Bytes("entry"), KeyCreation::kRefuseIfShredded);
  BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(refused.status().message(), "crypto-shredded"),
             refused.status().message());
  BOOST_TEST(Count("person_keys") == "0");
  // A shred of a person with no key is NOT_FOUND on the other server too.
  BOOST_TEST(CodeName(b->ShredPerson("person-shred")) == "NOT_FOUND");

  // Case data sealed again gets a new key, unrelated to the destroyed one.
  const std::vector<uint8_t> again = MustSeal(*b, record, "a new life");
  BOOST_TEST(MustOpen(*a, record, again) == "a new life");
  BOOST_TEST(CodeName(a->OpenRecord(record, sealed).status()) == "VERIFICATION_FAILED");
  BOOST_TEST(Count("person_keys") == "1");
}

BOOST_FIXTURE_TEST_CASE(pseudonym_secrets_ledger_secrets_and_controls_are_shared, PgVaultFixture) {
  auto a = A();
  auto b = B();
  auto current = b->CurrentPseudonymVersion();
  BOOST_REQUIRE(current.ok());
  BOOST_TEST(*current == 1u);
  auto rotated = a->RotatePseudonymSecret();
  BOOST_REQUIRE_MESSAGE(rotated.ok(), rotated.status().ToString());
  BOOST_TEST(*rotated == 2u);
  current = b->CurrentPseudonymVersion();
  BOOST_REQUIRE(current.ok());
  BOOST_TEST(*current == 2u);
  auto secret_a = a->PseudonymMasterSecret(2);
  auto secret_b = b->PseudonymMasterSecret(2);
  BOOST_REQUIRE(secret_a.ok() && secret_b.ok());
  BOOST_TEST(AsString(*secret_a) == AsString(*secret_b));
  BOOST_TEST(AsString(*secret_a) != AsString(*a->PseudonymMasterSecret(1)));
  // Retirement and destruction, seen by the other server.
  BOOST_REQUIRE(a->RetirePseudonymVersions(1).ok());
  BOOST_TEST(*b->RetiredPseudonymVersions() == 1u);
  BOOST_TEST(CodeName(b->DestroyPseudonymSecret(2)) == "FAILED_PRECONDITION");
  BOOST_REQUIRE(b->DestroyPseudonymSecret(1).ok());
  auto c = A();  // a third server, with nothing cached
  BOOST_TEST(CodeName(c->PseudonymMasterSecret(1).status()) == "NOT_FOUND");
  BOOST_TEST(Count("pseudonym_secrets") == "1");

  // The reversal counts of an actor hold across servers.
  const absl::Time now = absl::Now();
  auto first = a->pseudonym_controls()->TakeReversal("agent-7", 2, absl::Hours(1), now);
  auto second = b->pseudonym_controls()->TakeReversal("agent-7", 2, absl::Hours(1), now);
  auto third = c->pseudonym_controls()->TakeReversal("agent-7", 2, absl::Hours(1), now);
  BOOST_REQUIRE(first.ok() && second.ok() && third.ok());
  BOOST_TEST(*first);
  BOOST_TEST(*second);
  BOOST_TEST(!*third);
  BOOST_TEST(Count("reversal_counts", "position('agent-7'::bytea in actor_tag) = 0") == "1");

  // Ledger secrets: created once, the same bytes everywhere.
  auto ledger_a = a->LedgerSecret("access_trail");
  BOOST_REQUIRE_MESSAGE(ledger_a.ok(), ledger_a.status().ToString());
  auto ledger_b = b->LedgerSecret("access_trail", /*create=*/false);
  BOOST_REQUIRE_MESSAGE(ledger_b.ok(), ledger_b.status().ToString());
  BOOST_TEST(AsString(*ledger_a) == AsString(*ledger_b));
  BOOST_TEST(CodeName(b->LedgerSecret("state", /*create=*/false).status()) == "NOT_FOUND");
  BOOST_TEST(Count("ledger_secrets") == "1");
  BOOST_TEST(CodeName(b->LedgerSecret("Not A Name").status()) == "INVALID_ARGUMENT");
}

BOOST_FIXTURE_TEST_CASE(master_key_rotation_rewraps_for_every_server, PgVaultFixture) {
  auto a = A();
  auto b = B();
  std::vector<std::vector<uint8_t>> sealed;
  for (int i = 0; i < 5; ++i) {
    sealed.push_back(MustSeal(*a, RecordRef{absl::StrCat("p", i), "r", 1}, absl::StrCat("n", i)));
  }
  BOOST_REQUIRE(a->LedgerSecret("access_trail").ok());
  BOOST_TEST(MustOpen(*b, RecordRef{"p0", "r", 1}, sealed[0]) == "n0");  // cached on B
  const std::string old_version =
      raw.Query(absl::StrCat("SELECT max(master_version) FROM ", kVaultSchema,
                             ".person_keys WHERE tenant = ", Quoted(tenant)));

  auto report = a->RotateMasterKey(/*retire_previous=*/true);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->retired_previous);
  // This tenant's tenant key, 5 person keys, 1 pseudonymisation secret and 1 ledger secret.
  BOOST_TEST(report->rewrapped >= 8u);
  const std::string version = std::to_string(report->master_version);
  BOOST_TEST(version != old_version);
  for (const char* table : {"tenant_keys", "person_keys", "pseudonym_secrets", "ledger_secrets"}) {
    BOOST_TEST(Count(table, "master_version <> " + version) == "0", table);
  }
  // B (whose provider learns the new version from the key file) reads everything, the cached
  // person included; so does a new server.
  for (int i = 0; i < 5; ++i) {
    const std::string person = absl::StrCat("p", i);  // RecordRef holds views
    const RecordRef record{person, "r", 1};
    BOOST_TEST(MustOpen(*b, record, sealed[i]) == absl::StrCat("n", i));
  }
  auto c = Open(OpenKeyFile());
  BOOST_TEST(MustOpen(*c, RecordRef{"p4", "r", 1}, sealed[4]) == "n4");
  BOOST_TEST(c->Verify().ok());
  // A key made after the rotation is under the new version.
  MustSeal(*b, RecordRef{"p9", "r", 1}, "after");
  BOOST_TEST(Count("person_keys", "master_version <> " + version) == "0");
}

BOOST_FIXTURE_TEST_CASE(keys_created_during_a_rotation_by_another_server_stay_readable,
                        PgVaultFixture) {
  // Server B creates keys for new persons while server A rotates twice, retiring the old
  // versions: the writer lock makes every new key either seen by a rotation batch or wrapped
  // under the version it moved to, so none is left under a destroyed version.
  auto a = A();
  auto b = B();
  constexpr int kPersons = 120;
  std::vector<std::vector<uint8_t>> sealed(kPersons);
  std::vector<absl::Status> failures;
  std::thread sealer([&] {
    for (int i = 0; i < kPersons; ++i) {
      auto s =
          b->SealRecord(RecordRef{absl::StrCat("new-", i), "r", 1}, Bytes(absl::StrCat("v", i)));
      if (s.ok()) {
        sealed[i] = *std::move(s);
      } else {
        failures.push_back(s.status());
      }
    }
  });
  for (int r = 0; r < 2; ++r) {
    auto report = a->RotateMasterKey(/*retire_previous=*/true);
    BOOST_TEST(report.ok(), report.status().ToString());
  }
  sealer.join();
  for (const absl::Status& f : failures) BOOST_TEST(f.ok(), f.ToString());
  // A server that starts now, with nothing cached, opens every record.
  auto c = Open(OpenKeyFile());
  for (int i = 0; i < kPersons; ++i) {
    if (sealed[i].empty()) continue;
    auto opened = c->OpenRecord(RecordRef{absl::StrCat("new-", i), "r", 1}, sealed[i]);
    BOOST_TEST(opened.ok(), i << ": " << opened.status().ToString());
  }
  BOOST_TEST(c->Verify().ok());
}

BOOST_FIXTURE_TEST_CASE(a_ledger_and_its_vault_both_on_postgresql, PgVaultFixture) {
  auto vault_a = A();
  auto vault_b = B();
  TempDir dir;
  const std::string name = UniqueLedgerName("pgv");
  LedgerOptions options;
  options.durability = Durability::kSync;
  options.group_commit_delay = absl::Milliseconds(1);
  options.checkpoint_every = 0;
  options.checkpoint_interval = absl::ZeroDuration();
  options.witness_path = dir.File("a.checkpoint");
  LedgerOptions options_b = options;
  options_b.witness_path = dir.File("b.checkpoint");
  {
    auto ledger_a = Ledger::Open(uri, vault_a, name, options);
    BOOST_REQUIRE_MESSAGE(ledger_a.ok(), ledger_a.status().ToString());
    auto ledger_b = Ledger::Open(uri, vault_b, name, options_b);
    BOOST_REQUIRE_MESSAGE(ledger_b.ok(), ledger_b.status().ToString());

    NewLedgerEntry entry;
    entry.person = "person-l";
    entry.payload = "read the file of person-l";
    BOOST_REQUIRE((*ledger_a)->Append(absl::MakeConstSpan(&entry, 1)).ok());
    BOOST_REQUIRE((*ledger_a)->Flush().ok());
    // Server B reads and opens what A sealed.
    auto entries = (*ledger_b)->ReadEntries(0, 10);
    BOOST_REQUIRE_MESSAGE(entries.ok(), entries.status().ToString());
    BOOST_REQUIRE(entries->size() == 1u);
    auto payload = (*ledger_b)->OpenPayload((*entries)[0], "person-l");
    BOOST_REQUIRE_MESSAGE(payload.ok(), payload.status().ToString());
    BOOST_TEST(AsString(*payload) == "read the file of person-l");
    auto verified = (*ledger_b)->Verify();
    BOOST_REQUIRE(verified.ok());
    BOOST_TEST(verified->ok, verified->problem);

    // Shredded through B's vault: A's ledger can no longer open the entry, and refuses a new
    // sealed entry about the person, at once.
    BOOST_REQUIRE(vault_b->ShredPerson("person-l").ok());
    BOOST_TEST(CodeName((*ledger_a)->OpenPayload((*entries)[0], "person-l").status()) ==
               "NOT_FOUND");
    auto refused = (*ledger_a)->Append(absl::MakeConstSpan(&entry, 1));
    BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
    // The tree still verifies (the entry's leaf hash covers the sealed bytes, which remain).
    verified = (*ledger_a)->Verify();
    BOOST_REQUIRE(verified.ok());
    BOOST_TEST(verified->ok, verified->problem);
  }
  raw.Try("DROP SCHEMA IF EXISTS " + Schema(name) + " CASCADE");
}

BOOST_FIXTURE_TEST_CASE(bad_uris_give_clear_errors_without_the_password, PgVaultFixture) {
  constexpr absl::string_view kPassword = "s3cr3t-Pa55";
  const std::string unreachable =
      absl::StrCat("postgresql://socle:", kPassword, "@/nodb?host=/nonexistent-socle-dir&port=1");
  auto refused = Vault::Open(provider_a, unreachable, tenant);
  BOOST_TEST(CodeName(refused.status()) == "IO");
  BOOST_TEST(absl::StrContains(refused.status().message(), "vault database"),
             refused.status().message());
  BOOST_TEST(absl::StrContains(refused.status().message(), "cannot connect to PostgreSQL"),
             refused.status().message());
  BOOST_TEST(!absl::StrContains(refused.status().message(), kPassword));
  const std::string malformed = absl::StrCat("postgres://socle:", kPassword, "%zz@host/db");
  auto bad = Vault::Open(provider_a, malformed, tenant);
  BOOST_TEST(CodeName(bad.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(bad.status().message(), "connection string is malformed"),
             bad.status().message());
  BOOST_TEST(!absl::StrContains(bad.status().message(), kPassword));
  auto query = Vault::Open(provider_a, unreachable + "&password=" + std::string(kPassword), tenant);
  BOOST_TEST(!query.ok());
  BOOST_TEST(!absl::StrContains(query.status().message(), kPassword));
  // A provider with another master key id is refused by a database bound to this one.
  TempDir dir;
  auto foreign = Vault::Open(vault_testing::NewKeyFile(dir.File("other.key")), uri, tenant);
  BOOST_TEST(CodeName(foreign.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(foreign.status().message(), "bound to master key"),
             foreign.status().message());
}

BOOST_FIXTURE_TEST_CASE(a_schema_socle_did_not_write_is_refused, PgVaultFixture) {
  A().reset();  // the schema exists
  // A trigger planted on the key table (one that re-inserts deleted keys would undo shreds).
  raw.Exec(
      "CREATE FUNCTION socle_vault.keep() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN RETURN OLD; END $$");
  raw.Exec(
      "CREATE TRIGGER keep BEFORE DELETE ON socle_vault.person_keys "
      "FOR EACH ROW EXECUTE FUNCTION socle_vault.keep()");
  auto planted = Vault::Open(provider_a, uri, tenant);
  BOOST_TEST(CodeName(planted.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(planted.status().message(), "trigger or a rule"),
             planted.status().message());
  raw.Exec("DROP TRIGGER keep ON socle_vault.person_keys");
  raw.Exec("DROP FUNCTION socle_vault.keep()");
  BOOST_TEST(Vault::Open(provider_a, uri, tenant).ok());

  // A schema socle_vault holding other tables is refused and left as it was.
  raw.Exec("ALTER SCHEMA socle_vault RENAME TO socle_vault_saved");
  raw.Exec("CREATE SCHEMA socle_vault");
  raw.Exec("CREATE TABLE socle_vault.meta (x int)");
  auto squatted = Vault::Open(provider_a, uri, tenant);
  BOOST_TEST(CodeName(squatted.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(squatted.status().message(), "not a socle vault"),
             squatted.status().message());
  BOOST_TEST(raw.Query("SELECT count(*) FROM pg_tables WHERE schemaname = 'socle_vault'") == "1");
  // A newer schema version is UNSUPPORTED.
  raw.Exec("DROP SCHEMA socle_vault CASCADE");
  raw.Exec("ALTER SCHEMA socle_vault_saved RENAME TO socle_vault");
  raw.Exec("UPDATE socle_vault.meta SET value = '99' WHERE name = 'schema_version'");
  auto newer = Vault::Open(provider_a, uri, tenant);
  BOOST_TEST(CodeName(newer.status()) == "UNSUPPORTED");
  raw.Exec("UPDATE socle_vault.meta SET value = '1' WHERE name = 'schema_version'");
  BOOST_TEST(Vault::Open(provider_a, uri, tenant).ok());
}

BOOST_AUTO_TEST_SUITE_END()

// --- Faults (suite pg_vault_faults, ctest entry pg.vault_faults) ----------------------------
//
// Backends of a vault's connection killed between operations and during write transactions,
// the server stopped with `pg_ctl stop -m immediate` and started again under an open Vault, a
// statement timeout and a lock timeout behind another session's hold on the writer row, and
// four processes sealing for the same persons at once while one of them shreds. The suite runs
// alone (RUN_SERIAL): it stops the shared cluster.

// A password the throwaway cluster does not ask for (trust authentication): in every URI of the
// suite, so that no error may repeat it.
constexpr char kUnusedPassword[] = "Vault-Fault-Pa55";
// Every person id of the suite starts with this: no error may name one.
constexpr char kPersonPrefix[] = "fault-person-";

std::string FaultPerson(int i) { return absl::StrCat(kPersonPrefix, i); }
// A RecordRef's strings (it holds views), for as long as the full expression that uses it.
struct FaultRef {
  std::string person, record;
  operator RecordRef() const { return RecordRef{person, record, 1}; }  // NOLINT
};
FaultRef FaultRecord(int i, absl::string_view record = "case-1") {
  return FaultRef{FaultPerson(i), std::string(record)};
}
std::string FaultText(int i) { return absl::StrCat("note about person ", i); }

struct PgVaultFaultFixture : PgVaultFixture {
  // The vault's connections carry this application_name: Terminate(raw, app) ends them.
  std::string app = UniqueLedgerName("vault_fault");

  // The server's URI with the application name, the unused password and `more`.
  std::string FaultUri(absl::string_view more = "") const {
    std::string at = WithParam(WithParam(uri, "application_name=" + app),
                               absl::StrCat("password=", kUnusedPassword));
    return more.empty() ? at : WithParam(at, more);
  }
};

// A failure the vault may give when the server goes away under it: IO, its message starting
// with the store's label (or, when only the clean-up after a committed delete failed, saying so
// and naming the store), and neither a person id nor the password in it.
void ExpectCleanIoError(const absl::Status& status) {
  BOOST_TEST(CodeName(status) == "IO", status.ToString());
  const absl::string_view m = status.message();
  BOOST_TEST((absl::StartsWith(m, "vault database (schema socle_vault): ") ||
              (absl::StartsWith(m,
                                "crypto-shredding is not complete: the key is deleted, but "
                                "vault database (schema socle_vault): "))),
             status.ToString());
  BOOST_TEST(!absl::StrContains(m, kPersonPrefix), status.ToString());
  BOOST_TEST(!absl::StrContains(m, kUnusedPassword), status.ToString());
}

// The rows of this tenant's `table` whose person_tag also has a row in `other`.
std::string TagsInBoth(PgVaultFixture& f, absl::string_view table, absl::string_view other) {
  return f.Count(table, absl::StrCat("person_tag IN (SELECT person_tag FROM ", kVaultSchema, ".",
                                     other, " WHERE tenant = ", Quoted(f.tenant), ")"));
}

BOOST_AUTO_TEST_SUITE(pg_vault_faults)

BOOST_FIXTURE_TEST_CASE(killed_connections_between_operations_are_opened_again,
                        PgVaultFaultFixture) {
  auto vault = OpenAt(provider_a, FaultUri());
  std::vector<std::vector<uint8_t>> sealed;
  for (int i = 0; i < 6; ++i) sealed.push_back(MustSeal(*vault, FaultRecord(i), FaultText(i)));
  BOOST_REQUIRE(vault->ShredPerson(FaultPerson(0)).ok());
  BOOST_TEST(vault->cached_keys() == 5u);
  // Before each call, every backend of the vault is ended while it is idle: the call finds its
  // connection gone, opens it again (outside any transaction) and succeeds.
  const auto kill = [&] { BOOST_REQUIRE(Terminate(raw, app) >= 1); };

  kill();  // a new person's key: a write transaction on the new connection
  sealed.push_back(MustSeal(*vault, FaultRecord(6), FaultText(6)));
  kill();  // a cached key: the generation check's read
  BOOST_TEST(MustOpen(*vault, FaultRecord(1), sealed[1]) == FaultText(1));
  kill();  // a key that is not cached: the person's row and its unwrap
  auto cold = OpenAt(provider_b, FaultUri());
  BOOST_REQUIRE(Terminate(raw, app) >= 2);
  BOOST_TEST(MustOpen(*cold, FaultRecord(2), sealed[2]) == FaultText(2));
  kill();  // a shred
  const absl::Status shredded = vault->ShredPerson(FaultPerson(2));
  BOOST_REQUIRE_MESSAGE(shredded.ok(), shredded.ToString());
  kill();  // the shreds done before stay done, through either handle
  BOOST_TEST(CodeName(vault->OpenRecord(FaultRecord(0), sealed[0]).status()) == "NOT_FOUND");
  BOOST_TEST(CodeName(cold->OpenRecord(FaultRecord(2), sealed[2]).status()) == "NOT_FOUND");
  kill();  // a seal that must not bring a shredded person back
  auto refused = vault->SealRecord(FaultRecord(2), Bytes("again"), KeyCreation::kRefuseIfShredded);
  BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION", refused.status().ToString());
  kill();  // an existing key sealed with again, and the keys created before found
  const std::vector<uint8_t> more =
      MustSeal(*vault, FaultRecord(3, "case-2"), "more", KeyCreation::kRefuseIfShredded);
  for (int i : {1, 3, 4, 5, 6}) {
    BOOST_TEST(MustOpen(*cold, FaultRecord(i), sealed[static_cast<size_t>(i)]) == FaultText(i));
  }
  BOOST_TEST(MustOpen(*cold, FaultRecord(3, "case-2"), more) == "more");
  kill();  // a shred of a person with no key is still NOT_FOUND
  BOOST_TEST(CodeName(vault->ShredPerson(FaultPerson(0))) == "NOT_FOUND");
  // One row per living person, the shreds recorded, nothing pending.
  BOOST_TEST(Count("person_keys") == "5");
  BOOST_TEST(Count("shredded_persons") == "2");
  BOOST_TEST(Count("pending_shreds") == "0");
  BOOST_TEST(Count("tenant_keys") == "1");
  BOOST_TEST(vault->Verify().ok());
}

BOOST_FIXTURE_TEST_CASE(connections_killed_during_seals_and_shreds, PgVaultFaultFixture) {
  // Persons 0, 1, 2, … each get a new key (a write transaction); the even ones are shredded
  // right after (a write transaction, the VACUUM, the pending shred's clearing), while another
  // thread ends the vault's backends every 20 to 80 ms. A kill that lands in a reconnection (its
  // session prepares the store's statements) costs the store a back-off, so a call takes 10 to
  // 300 ms on this VM depending on its load: the run stops after 200 persons, or after 8 s once
  // 20 were done.
  constexpr int kPersons = 200;
  const auto kRunFor = std::chrono::seconds(8);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  int persons = 0;  // how many were tried
  auto vault = OpenAt(provider_a, FaultUri());
  enum Outcome { kNotTried, kOk, kFailed };
  std::vector<std::vector<uint8_t>> sealed(kPersons);
  std::vector<Outcome> shreds(kPersons, kNotTried);
  std::vector<absl::Status> errors;
  BackendKiller killer(app, 20, 60, 2026);
  for (int i = 0; i < kPersons && (i < 20 || Clock::now() - start < kRunFor); ++i) {
    persons = i + 1;
    auto s = vault->SealRecord(FaultRecord(i), Bytes(FaultText(i)));
    if (s.ok()) {
      sealed[static_cast<size_t>(i)] = *std::move(s);
    } else {
      errors.push_back(s.status());
    }
    if (i % 2 == 0) {
      const absl::Status shred = vault->ShredPerson(FaultPerson(i));
      // NOT_FOUND only for a person whose seal failed before its key was stored.
      if (shred.ok() || (CodeName(shred) == "NOT_FOUND" && !s.ok())) {
        shreds[static_cast<size_t>(i)] = kOk;
      } else {
        shreds[static_cast<size_t>(i)] = kFailed;
        errors.push_back(shred);
      }
    }
  }
  const int kills = killer.Stop();
  int failed_seals = 0, failed_shreds = 0;
  for (int i = 0; i < persons; ++i) {
    failed_seals += sealed[static_cast<size_t>(i)].empty() ? 1 : 0;
    failed_shreds += shreds[static_cast<size_t>(i)] == kFailed ? 1 : 0;
  }
  const std::string pending = Count("pending_shreds");
  BOOST_TEST_MESSAGE(kills << " backends killed, " << persons << " persons in "
                           << std::chrono::duration<double>(Clock::now() - start).count() << " s; "
                           << failed_seals << " seals and " << failed_shreds << " shreds failed; "
                           << pending << " shreds left pending");
  BOOST_TEST(kills > 0);
  for (const absl::Status& e : errors) ExpectCleanIoError(e);

  // No half state: every shred recorded has its key gone, every pending shred is a recorded
  // shred, one key row per person, one tenant key.
  BOOST_TEST(TagsInBoth(*this, "shredded_persons", "person_keys") == "0");
  BOOST_TEST(TagsInBoth(*this, "pending_shreds", "person_keys") == "0");
  BOOST_TEST(Count("pending_shreds",
                   absl::StrCat("person_tag NOT IN (SELECT person_tag FROM ", kVaultSchema,
                                ".shredded_persons WHERE tenant = ", Quoted(tenant), ")")) == "0");
  BOOST_TEST(
      raw.Query(absl::StrCat("SELECT count(*) - count(DISTINCT person_tag) FROM ", kVaultSchema,
                             ".person_keys WHERE tenant = ", Quoted(tenant))) == "0");
  BOOST_TEST(Count("tenant_keys") == "1");

  // The failed calls, tried again once the killing stopped: a failed shred succeeds (a pending
  // one is finished) or finds no key (its delete had landed and a later shred cleared it); a
  // failed seal succeeds.
  for (int i = 0; i < persons; ++i) {
    if (shreds[static_cast<size_t>(i)] == kFailed) {
      const absl::Status again = vault->ShredPerson(FaultPerson(i));
      BOOST_TEST((again.ok() || CodeName(again) == "NOT_FOUND"), i << ": " << again);
    } else if (i % 2 == 1 && sealed[static_cast<size_t>(i)].empty()) {
      sealed[static_cast<size_t>(i)] = MustSeal(*vault, FaultRecord(i), FaultText(i));
    }
  }
  BOOST_TEST(Count("pending_shreds") == "0");
  // Every odd person's record opens, on this handle and on a new one; every even person is
  // unreadable; a shred that succeeded holds against a seal that must not bring the person back.
  auto fresh = OpenAt(provider_b, uri);
  for (int i = 0; i < persons; ++i) {
    const std::vector<uint8_t>& record = sealed[static_cast<size_t>(i)];
    if (i % 2 == 1) {
      BOOST_TEST(MustOpen(*vault, FaultRecord(i), record) == FaultText(i));
      BOOST_TEST(MustOpen(*fresh, FaultRecord(i), record) == FaultText(i));
      continue;
    }
    if (!record.empty()) {
      BOOST_TEST(CodeName(vault->OpenRecord(FaultRecord(i), record).status()) == "NOT_FOUND", i);
      BOOST_TEST(CodeName(fresh->OpenRecord(FaultRecord(i), record).status()) == "NOT_FOUND", i);
      auto refused =
          fresh->SealRecord(FaultRecord(i), Bytes("back"), KeyCreation::kRefuseIfShredded);
      BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION", i);
    }
  }
  BOOST_TEST(Count("person_keys") == std::to_string(persons / 2));
  BOOST_TEST(TagsInBoth(*this, "shredded_persons", "person_keys") == "0");
  BOOST_TEST(vault->Verify().ok());
}

BOOST_FIXTURE_TEST_CASE(a_stopped_server_gives_clear_errors_and_the_same_handle_recovers,
                        PgVaultFaultFixture) {
  const std::string cluster = ClusterDir();
  if (cluster.empty()) {
    BOOST_TEST_MESSAGE("not on the throwaway cluster (SOCLE_TEST_POSTGRES): not stopping it");
    return;
  }
  RestartAtEnd restart{cluster};
  auto vault = OpenAt(provider_a, FaultUri());
  std::vector<std::vector<uint8_t>> sealed;
  for (int i = 0; i < 4; ++i) sealed.push_back(MustSeal(*vault, FaultRecord(i), FaultText(i)));
  BOOST_REQUIRE(vault->ShredPerson(FaultPerson(0)).ok());

  BOOST_REQUIRE(PgCtl(cluster, "-m immediate -w stop") == 0);
  // A new key, and a cached one (whose generation cannot be checked): each fails after the
  // store's bounded reconnection (6 tries, about 3 s; the time is reported, not asserted), and
  // says why.
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto down_seal = vault->SealRecord(FaultRecord(4), Bytes(FaultText(4)));
  auto down_open = vault->OpenRecord(FaultRecord(1), sealed[1]);
  const double down_s = std::chrono::duration<double>(Clock::now() - start).count();
  BOOST_TEST_MESSAGE("two calls on the stopped server took " << down_s << " s");
  for (const absl::Status& s : {down_seal.status(), down_open.status()}) {
    ExpectCleanIoError(s);
    BOOST_TEST(absl::StrContains(s.message(), "reconnect"), s.ToString());
  }

  BOOST_REQUIRE(PgCtl(cluster, absl::StrCat("-w -t 60 -l '", cluster, "/server.log' restart")) ==
                0);
  raw.Reset();
  // The same handle, not reopened: what was acknowledged before the stop is there, the shred
  // holds, and every kind of call works again.
  BOOST_TEST(MustOpen(*vault, FaultRecord(1), sealed[1]) == FaultText(1));
  BOOST_TEST(CodeName(vault->OpenRecord(FaultRecord(0), sealed[0]).status()) == "NOT_FOUND");
  const std::vector<uint8_t> after = MustSeal(*vault, FaultRecord(4), FaultText(4));
  const absl::Status shredded = vault->ShredPerson(FaultPerson(2));
  BOOST_TEST(shredded.ok(), shredded.ToString());
  auto other = OpenAt(provider_b, uri);
  BOOST_TEST(MustOpen(*other, FaultRecord(4), after) == FaultText(4));
  BOOST_TEST(MustOpen(*other, FaultRecord(3), sealed[3]) == FaultText(3));
  BOOST_TEST(CodeName(other->OpenRecord(FaultRecord(2), sealed[2]).status()) == "NOT_FOUND");
  BOOST_TEST(Count("person_keys") == "3");
  BOOST_TEST(Count("pending_shreds") == "0");

  // A restart between two calls (the connection idle, its socket closed by the server's
  // immediate shutdown: libpq still calls it CONNECTION_OK until a statement gets no answer):
  // the next call opens the connection again and succeeds, whether it begins with a read (the
  // generation check of a cached key) or with a write transaction (a shred begins with BEGIN).
  const auto restart_now = [&] {
    BOOST_REQUIRE(PgCtl(cluster, absl::StrCat("-m immediate -w -t 60 -l '", cluster,
                                              "/server.log' restart")) == 0);
    raw.Reset();
  };
  restart_now();
  auto reopened = vault->OpenRecord(FaultRecord(3), sealed[3]);
  BOOST_TEST(reopened.ok(), reopened.status().ToString());
  restart_now();
  const absl::Status shred_after_restart = vault->ShredPerson(FaultPerson(3));
  BOOST_TEST(shred_after_restart.ok(), shred_after_restart.ToString());
  BOOST_TEST(CodeName(other->OpenRecord(FaultRecord(3), sealed[3]).status()) == "NOT_FOUND");
  BOOST_TEST(Count("person_keys") == "2");
}

BOOST_FIXTURE_TEST_CASE(statement_and_lock_timeouts_fail_cleanly_and_change_nothing,
                        PgVaultFaultFixture) {
  // Server A's sessions cancel a statement after 300 ms, server B's a lock wait after 200 ms.
  auto a = OpenAt(provider_a, FaultUri("options=-c%20statement_timeout%3D300"));
  auto b = OpenAt(provider_b, FaultUri("options=-c%20lock_timeout%3D200"));
  const std::vector<uint8_t> sealed_a = MustSeal(*a, FaultRecord(0), FaultText(0));
  const std::vector<uint8_t> sealed_b = MustSeal(*b, FaultRecord(1), FaultText(1));
  const std::string writer = absl::StrCat("SELECT generation FROM ", kVaultSchema, ".writer");
  const std::string generation = raw.Query(writer);

  // Another session holds the writer row, as a stuck write transaction of a third server would.
  RawConnection holder;
  holder.Exec("BEGIN");
  holder.Exec(writer + " FOR UPDATE");
  const auto expect_blocked = [](const absl::Status& s, absl::string_view why,
                                 absl::string_view sqlstate) {
    ExpectCleanIoError(s);
    BOOST_TEST(absl::StrContains(s.message(), why), s.ToString());
    BOOST_TEST(absl::StrContains(s.message(), sqlstate), s.ToString());
    BOOST_TEST(absl::StrContains(s.message(), "lock the vault's writer row"), s.ToString());
  };
  expect_blocked(a->ShredPerson(FaultPerson(0)), "statement timeout", "57014");
  expect_blocked(a->SealRecord(FaultRecord(2), Bytes("new")).status(), "statement timeout",
                 "57014");
  expect_blocked(b->ShredPerson(FaultPerson(1)), "lock timeout", "55P03");
  expect_blocked(b->SealRecord(FaultRecord(3), Bytes("new")).status(), "lock timeout", "55P03");
  // Reads take no lock: both servers still open what they sealed, each other's too.
  BOOST_TEST(MustOpen(*a, FaultRecord(1), sealed_b) == FaultText(1));
  BOOST_TEST(MustOpen(*b, FaultRecord(0), sealed_a) == FaultText(0));
  holder.Exec("ROLLBACK");

  // Nothing changed: no key deleted or added, no shred recorded, the generation where it was.
  BOOST_TEST(Count("person_keys") == "2");
  BOOST_TEST(Count("shredded_persons") == "0");
  BOOST_TEST(Count("pending_shreds") == "0");
  BOOST_TEST(raw.Query(writer) == generation);
  // The next calls work on the same handles.
  BOOST_TEST(a->ShredPerson(FaultPerson(0)).ok());
  BOOST_TEST(b->ShredPerson(FaultPerson(1)).ok());
  const std::vector<uint8_t> new_a = MustSeal(*a, FaultRecord(2), "new");
  const std::vector<uint8_t> new_b = MustSeal(*b, FaultRecord(3), "new");
  BOOST_TEST(MustOpen(*b, FaultRecord(2), new_a) == "new");
  BOOST_TEST(MustOpen(*a, FaultRecord(3), new_b) == "new");
  BOOST_TEST(CodeName(b->OpenRecord(FaultRecord(0), sealed_a).status()) == "NOT_FOUND");
  BOOST_TEST(CodeName(a->OpenRecord(FaultRecord(1), sealed_b).status()) == "NOT_FOUND");
  BOOST_TEST(Count("person_keys") == "2");
  BOOST_TEST(Count("shredded_persons") == "2");
}

// --- Several processes ----------------------------------------------------------------------

constexpr int kProcesses = 4;
constexpr int kSharedPersons = 200;
constexpr int kShredded = 50;  // persons 0..49, shredded by process 0

std::string ProcessText(int process, int person) {
  return absl::StrCat("process ", process, " about person ", person);
}
FaultRef ProcessRecord(int process, int person) {
  return FaultRecord(person, absl::StrCat("case-of-process-", process));
}

// What process `me` sealed, one length-prefixed record per person, in a file of `dir`.
std::string SealedFile(const std::string& dir, int me) { return absl::StrCat(dir, "/sealed-", me); }

// One process of several: its own key file provider and Vault on the database, then the
// parent's commands, one byte each on `commands`: 'S' seal a record for every shared person
// (KeyCreation::kOnFirstUse), 'D' shred persons 0..kShredded-1, 'V' open every process's
// records, 'Q' quit. After each command it writes '+' (all as expected) or '-' to `acks`; what
// went wrong goes to `errors`. Runs in a forked child: no Boost.Test, and it ends with _exit.
void ProcessMain(const std::string& uri, const std::string& tenant, const std::string& key_file,
                 const std::string& dir, int me, int commands, int acks) {
  std::ofstream errors(absl::StrCat(dir, "/errors-", me));
  const auto ack = [&](bool ok) {
    errors.flush();
    const char c = ok ? '+' : '-';
    if (write(acks, &c, 1) != 1) _exit(3);
  };
  auto provider = KeyFileProvider::Open(key_file, TestPassphrase(), FastKdf());
  std::unique_ptr<Vault> vault;
  if (provider.ok()) {
    auto opened = Vault::Open(std::shared_ptr<KeyFileProvider>(*std::move(provider)), uri, tenant);
    if (opened.ok()) {
      vault = *std::move(opened);
    } else {
      errors << "open: " << opened.status() << "\n";
    }
  } else {
    errors << "key file: " << provider.status() << "\n";
  }
  ack(vault != nullptr);
  if (vault == nullptr) _exit(1);
  bool all_ok = true;
  for (char command = 0; read(commands, &command, 1) == 1 && command != 'Q';) {
    bool ok = true;
    if (command == 'S') {
      std::string out;
      for (int i = 0; i < kSharedPersons && ok; ++i) {
        auto sealed = vault->SealRecord(ProcessRecord(me, i), Bytes(ProcessText(me, i)));
        if (!sealed.ok()) {
          errors << "seal " << i << ": " << sealed.status() << "\n";
          ok = false;
          break;
        }
        const uint32_t n = static_cast<uint32_t>(sealed->size());
        out.append(reinterpret_cast<const char*>(&n), sizeof n);
        out.append(reinterpret_cast<const char*>(sealed->data()), sealed->size());
      }
      std::ofstream(SealedFile(dir, me), std::ios::binary) << out;
    } else if (command == 'D') {
      for (int i = 0; i < kShredded; ++i) {
        const absl::Status shredded = vault->ShredPerson(FaultPerson(i));
        if (!shredded.ok()) {
          errors << "shred " << i << ": " << shredded << "\n";
          ok = false;
        }
      }
    } else if (command == 'V') {
      // Every process's records: this one's keys are all cached since 'S' (the default TTL is
      // five minutes), so the shredded persons' refusal comes from the generation check.
      for (int p = 0; p < kProcesses; ++p) {
        const std::vector<uint8_t> bytes = vault_testing::ReadFileBytes(SealedFile(dir, p));
        size_t at = 0;
        for (int i = 0; i < kSharedPersons; ++i) {
          uint32_t n = 0;
          if (at + sizeof n > bytes.size()) {
            errors << "process " << p << "'s file ends at person " << i << "\n";
            ok = false;
            break;
          }
          std::memcpy(&n, bytes.data() + at, sizeof n);
          at += sizeof n;
          if (at + n > bytes.size()) {
            errors << "process " << p << "'s file is cut at person " << i << "\n";
            ok = false;
            break;
          }
          const auto record = absl::MakeConstSpan(bytes.data() + at, n);
          at += n;
          auto opened = vault->OpenRecord(ProcessRecord(p, i), record);
          if (i < kShredded) {
            if (CodeName(opened.status()) != "NOT_FOUND") {
              errors << "process " << p << ", shredded person " << i << ": "
                     << (opened.ok() ? "opened" : opened.status().ToString()) << "\n";
              ok = false;
            }
          } else if (!opened.ok() || AsString(*opened) != ProcessText(p, i)) {
            errors << "process " << p << ", person " << i << ": "
                   << (opened.ok() ? "wrong text" : opened.status().ToString()) << "\n";
            ok = false;
          }
        }
      }
    } else {
      errors << "unknown command\n";
      ok = false;
    }
    all_ok = all_ok && ok;
    ack(ok);
  }
  errors.close();
  // No destructor of the parent's objects runs here (its libpq connection is the parent's).
  vault.reset();
  _exit(all_ok ? 0 : 1);
}

BOOST_FIXTURE_TEST_CASE(four_processes_share_each_persons_key_and_see_shreds_at_once,
                        PgVaultFixture) {
  TempDir dir;
  int acks[2];
  BOOST_REQUIRE(pipe(acks) == 0);
  std::vector<pid_t> children;
  std::vector<int> commands;
  for (int me = 0; me < kProcesses; ++me) {
    int pipe_fds[2];
    BOOST_REQUIRE(pipe(pipe_fds) == 0);
    const pid_t pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
      close(pipe_fds[1]);
      close(acks[0]);
      for (int earlier : commands) close(earlier);
      ProcessMain(uri, tenant, KeyFilePath(), dir.path(), me, pipe_fds[0], acks[1]);
    }
    close(pipe_fds[0]);
    children.push_back(pid);
    commands.push_back(pipe_fds[1]);
  }
  close(acks[1]);
  // Ends the children (on a failure) and reaps them; returns their exit statuses.
  const auto reap = [&](bool kill_them) {
    std::vector<int> statuses;
    for (int fd : commands) close(fd);
    commands.clear();
    for (pid_t pid : children) {
      if (kill_them) kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
      statuses.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    children.clear();
    return statuses;
  };
  const auto errors = [&] {
    std::string all;
    for (int me = 0; me < kProcesses; ++me) {
      const std::vector<uint8_t> e =
          vault_testing::ReadFileBytes(dir.File(absl::StrCat("errors-", me)));
      if (!e.empty()) absl::StrAppend(&all, "process ", me, ": ", std::string(e.begin(), e.end()));
    }
    return all;
  };
  // `n` acknowledgements, each '+', within a minute.
  const auto await = [&](int n, absl::string_view what) {
    for (int i = 0; i < n; ++i) {
      pollfd p{acks[0], POLLIN, 0};
      char c = 0;
      if (poll(&p, 1, 60000) != 1 || read(acks[0], &c, 1) != 1 || c != '+') {
        reap(/*kill_them=*/true);
        BOOST_FAIL(what << ": a process failed or did not answer; " << errors());
      }
    }
  };
  const auto send = [&](int me, char command) {
    BOOST_REQUIRE(write(commands[static_cast<size_t>(me)], &command, 1) == 1);
  };
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  await(kProcesses, "open");  // each opened its vault (the tenant key created once among them)
  // All at once: the same 200 persons, new to the database.
  for (int me = 0; me < kProcesses; ++me) send(me, 'S');
  await(kProcesses, "seal");
  BOOST_TEST_MESSAGE(kProcesses << " processes sealed for " << kSharedPersons << " persons in "
                                << std::chrono::duration<double>(Clock::now() - start).count()
                                << " s");
  // Exactly one key row per person, one tenant key.
  BOOST_TEST(Count("person_keys") == std::to_string(kSharedPersons));
  BOOST_TEST(raw.Query(absl::StrCat("SELECT count(DISTINCT person_tag) FROM ", kVaultSchema,
                                    ".person_keys WHERE tenant = ", Quoted(tenant))) ==
             std::to_string(kSharedPersons));
  BOOST_TEST(Count("tenant_keys") == "1");
  send(0, 'D');
  await(1, "shred");
  BOOST_TEST(Count("person_keys") == std::to_string(kSharedPersons - kShredded));
  BOOST_TEST(Count("shredded_persons") == std::to_string(kShredded));
  // Every process opens every process's records (the same key per person), and none opens a
  // shredded person's, whatever its cache holds.
  for (int me = 0; me < kProcesses; ++me) send(me, 'V');
  await(kProcesses, "open");
  for (int me = 0; me < kProcesses; ++me) send(me, 'Q');
  for (int status : reap(/*kill_them=*/false)) BOOST_TEST(status == 0, errors());
  close(acks[0]);
  // This process too, with a vault of its own.
  auto vault = A();
  const std::vector<uint8_t> bytes = vault_testing::ReadFileBytes(dir.File("sealed-3"));
  uint32_t n = 0;
  BOOST_REQUIRE(bytes.size() > sizeof n);
  std::memcpy(&n, bytes.data(), sizeof n);
  BOOST_REQUIRE(bytes.size() >= sizeof n + n);
  BOOST_TEST(
      CodeName(
          vault->OpenRecord(ProcessRecord(3, 0), absl::MakeConstSpan(bytes.data() + sizeof n, n))
              .status()) == "NOT_FOUND");
  BOOST_TEST(Count("pending_shreds") == "0");
  BOOST_TEST(errors().empty(), errors());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pg_testing
