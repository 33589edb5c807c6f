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
#include <boost/test/unit_test.hpp>
#include <memory>
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
    auto vault = Vault::Open(std::move(provider), uri, tenant);
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
    raw.Try(absl::StrCat("DELETE FROM ", kVaultSchema, ".", table, " WHERE tenant = ",
                         Quoted(tenant + "-other")));
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

BOOST_FIXTURE_TEST_CASE(pseudonym_secrets_ledger_secrets_and_controls_are_shared,
                        PgVaultFixture) {
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
  const std::string old_version = raw.Query(absl::StrCat(
      "SELECT max(master_version) FROM ", kVaultSchema, ".person_keys WHERE tenant = ",
      Quoted(tenant)));

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
    const RecordRef record{absl::StrCat("p", i), "r", 1};
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
      auto s = b->SealRecord(RecordRef{absl::StrCat("new-", i), "r", 1},
                             Bytes(absl::StrCat("v", i)));
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
  const std::string unreachable = absl::StrCat("postgresql://socle:", kPassword,
                                               "@/nodb?host=/nonexistent-socle-dir&port=1");
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
  auto query = Vault::Open(provider_a, unreachable + "&password=" + std::string(kPassword),
                           tenant);
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
  raw.Exec("CREATE FUNCTION socle_vault.keep() RETURNS trigger LANGUAGE plpgsql AS "
           "$$ BEGIN RETURN OLD; END $$");
  raw.Exec("CREATE TRIGGER keep BEFORE DELETE ON socle_vault.person_keys "
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

}  // namespace
}  // namespace socle::pg_testing
