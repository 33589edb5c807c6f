// Pseudonymisation controls kept by the vault (issue 7, defect 7): retired versions and the
// reversal rate limit hold for every Pseudonymizer made from the same database — a second object,
// a reopened vault, another connection standing for another process — and the vault's cache of
// pseudonymisation secrets forgets destroyed versions (at once in-process, after its TTL
// elsewhere). Also the schema migration of version-1 vaults that brought these tables.
#include <sqlite3.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "socle/clock.hpp"
#include "socle/pseudonym.hpp"
#include "socle/vault.hpp"
#include "test_util.h"
#include "vault/pseudonym_controls.h"
#include "../vault/test_util.h"

namespace socle::pseudonym_testing {
namespace {

using vault_testing::Contains;
using vault_testing::FakeHsm;
using vault_testing::LoadVault;
using vault_testing::ReadFileBytes;
using vault_testing::TempDir;

const absl::Time kStart = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z, a whole hour

void Exec(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &message);
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << (message ? message : ""));
  sqlite3_free(message);
  sqlite3_close(h);
}

int64_t QueryInt(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
  const int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close(h);
  return v;
}

// (type, name, sql) of every schema object, by name.
std::map<std::string, std::tuple<std::string, std::string>> Schema(const std::string& db) {
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  BOOST_REQUIRE(sqlite3_prepare_v2(h, "SELECT type, name, coalesce(sql, '') FROM sqlite_schema",
                                   -1, &s, nullptr) == SQLITE_OK);
  std::map<std::string, std::tuple<std::string, std::string>> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    out[reinterpret_cast<const char*>(sqlite3_column_text(s, 1))] = {
        reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
        reinterpret_cast<const char*>(sqlite3_column_text(s, 2))};
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

absl::StatusOr<SecretBytes> Reverse(const Pseudonymizer& p, absl::string_view token,
                                    absl::string_view actor = "agent-42") {
  return p.ReverseToken(ReversalRequest{actor, "dpo", "demande de la personne", "suivi"}, token);
}

// A vault database with a fake HSM, a fake clock, and Pseudonymizers made from it.
struct VaultFixture {
  VaultFixture() : hsm(std::make_shared<FakeHsm>()), clock(kStart) {
    options.clock = &clock;
    options.cache_ttl = absl::Minutes(5);
    vault = Open();
  }
  std::unique_ptr<Vault> Open() { return LoadVault(hsm, db(), "ccas-lyon", options); }
  std::string db() const { return dir.File("v.db"); }

  std::unique_ptr<Pseudonymizer> Make(const Vault& v, uint32_t capacity = 100,
                                      absl::Duration window = absl::Hours(1)) {
    PseudonymizerOptions o;
    o.reversal.capacity = capacity;
    o.reversal.window = window;
    o.reversal.clock = &clock;
    o.reversal.hook = [](const ReversalEvent&) { return absl::OkStatus(); };
    auto p = Pseudonymizer::Create(TestPolicy(), v, std::move(o));
    BOOST_REQUIRE_MESSAGE(p.ok(), p.status().ToString());
    return *std::move(p);
  }

  TempDir dir;
  std::shared_ptr<FakeHsm> hsm;
  FakeClock clock;
  VaultOptions options;
  std::unique_ptr<Vault> vault;
};

BOOST_AUTO_TEST_SUITE(vault_controls)

// The defect: Retire was a flag of one object; a second object reversed retired tokens again.
BOOST_AUTO_TEST_CASE(a_version_retired_by_one_pseudonymizer_is_refused_by_every_other) {
  VaultFixture f;
  auto p0 = f.Make(*f.vault);  // version 1 current
  const std::string v1_token = *p0->CreateToken("suivi", "personne-000042");
  BOOST_REQUIRE(f.vault->RotatePseudonymSecret().ok());
  auto p1 = f.Make(*f.vault);
  auto p2 = f.Make(*f.vault);
  BOOST_REQUIRE(Reverse(*p2, v1_token).ok());  // not retired yet: version 1 reverses
  BOOST_REQUIRE(p1->Retire(1).ok());
  BOOST_TEST(*f.vault->RetiredPseudonymVersions() == 1u);
  // Another object of the same vault, made before the retirement.
  BOOST_TEST((Code(Reverse(*p2, v1_token).status()) == ErrorCode::kFailedPrecondition));
  BOOST_TEST(p2->retired_through() == 1u);
  BOOST_TEST((Code(p2->NewContext("suivi", "", 1).status()) == ErrorCode::kFailedPrecondition));
  BOOST_TEST(p2->NewContext("suivi", "", 2).ok());
  // One made after it.
  auto p3 = f.Make(*f.vault);
  BOOST_TEST((Code(Reverse(*p3, v1_token).status()) == ErrorCode::kFailedPrecondition));
  // The object whose current version was retired under it: contexts at once, tokens within a
  // second of its clock.
  BOOST_TEST((Code(p0->NewContext("suivi").status()) == ErrorCode::kFailedPrecondition));
  BOOST_TEST((Code(Reverse(*p0, v1_token).status()) == ErrorCode::kFailedPrecondition));
  f.clock.Advance(absl::Seconds(1));
  BOOST_TEST((Code(p0->CreateToken("suivi", "personne-000042").status()) ==
              ErrorCode::kFailedPrecondition));
  // After a restart, through another Vault object (another process's view of the file).
  f.vault.reset();
  auto reopened = f.Open();
  BOOST_TEST(*reopened->RetiredPseudonymVersions() == 1u);
  auto p4 = f.Make(*reopened);
  BOOST_TEST(p4->retired_through() == 1u);
  BOOST_TEST((Code(Reverse(*p4, v1_token).status()) == ErrorCode::kFailedPrecondition));
  // Retiring is monotonic and never reaches the current version.
  BOOST_TEST(reopened->RetirePseudonymVersions(1).ok());
  BOOST_TEST((Code(reopened->RetirePseudonymVersions(2)) == ErrorCode::kFailedPrecondition));
  BOOST_TEST((Code(reopened->RetirePseudonymVersions(0)) == ErrorCode::kInvalidArgument));
  BOOST_TEST(QueryInt(f.db(), "SELECT count(*) FROM pseudonym_retirements") == 1);
}

BOOST_AUTO_TEST_CASE(the_vault_retires_directly_and_the_option_is_recorded) {
  VaultFixture f;
  BOOST_REQUIRE(f.vault->RotatePseudonymSecret().ok());
  BOOST_REQUIRE(f.vault->RotatePseudonymSecret().ok());
  auto p = f.Make(*f.vault);
  BOOST_REQUIRE(f.vault->RetirePseudonymVersions(1).ok());
  BOOST_TEST(p->retired_through() == 1u);
  PseudonymizerOptions o;
  o.retired_through = 2;
  BOOST_REQUIRE(Pseudonymizer::Create(TestPolicy(), *f.vault, o).ok());
  BOOST_TEST(*f.vault->RetiredPseudonymVersions() == 2u);
  // A lower option does not bring a retired version back.
  o.retired_through = 1;
  auto q = Pseudonymizer::Create(TestPolicy(), *f.vault, o);
  BOOST_REQUIRE(q.ok());
  BOOST_TEST((*q)->retired_through() == 2u);
}

// The defect: the limit lived in the object, so a new object started again from zero.
BOOST_AUTO_TEST_CASE(the_reversal_limit_holds_across_objects_and_restarts) {
  VaultFixture f;
  auto p1 = f.Make(*f.vault, 3);
  const std::string token = *p1->CreateToken("suivi", "personne-000042");
  for (int i = 0; i < 3; ++i) BOOST_REQUIRE(Reverse(*p1, token).ok());
  BOOST_TEST((Code(Reverse(*p1, token).status()) == ErrorCode::kResourceExhausted));
  auto p2 = f.Make(*f.vault, 3);
  BOOST_TEST((Code(Reverse(*p2, token).status()) == ErrorCode::kResourceExhausted));
  BOOST_TEST(Reverse(*p2, token, "agent-43").ok());  // another actor has their own
  BOOST_TEST(QueryInt(f.db(), "SELECT count(*) FROM reversal_counts") == 2);  // one row each
  // Reopened: the counts are in the database.
  f.vault.reset();
  p1.reset();
  auto reopened = f.Open();
  auto p3 = f.Make(*reopened, 3);
  BOOST_TEST((Code(Reverse(*p3, token).status()) == ErrorCode::kResourceExhausted));
  // The vault object may go; the pseudonymizer keeps the controls (the C ABI frees it early).
  reopened.reset();
  BOOST_TEST((Code(Reverse(*p3, token).status()) == ErrorCode::kResourceExhausted));
  // Both windows over: back.
  f.clock.Set(kStart + absl::Hours(2));
  BOOST_TEST(Reverse(*p3, token).ok());
  BOOST_TEST(Reverse(*p2, token).ok());
  BOOST_TEST(Reverse(*p3, token).ok());
  BOOST_TEST((Code(Reverse(*p2, token).status()) == ErrorCode::kResourceExhausted));
  // The database holds keyed tags, never the actor ids.
  const auto file = ReadFileBytes(f.db());
  BOOST_TEST(!Contains(file, vault_testing::Bytes("agent-42")));
  BOOST_TEST(!Contains(file, vault_testing::Bytes("agent-43")));
}

// Threads on two Vault objects (two connections, as two processes would have) and four
// Pseudonymizers share one count: exactly `capacity` calls get through.
BOOST_AUTO_TEST_CASE(concurrent_reversals_through_two_connections_share_one_limit) {
  VaultFixture f;
  auto second_vault = f.Open();
  std::vector<std::unique_ptr<Pseudonymizer>> objects;
  for (int i = 0; i < 4; ++i) objects.push_back(f.Make(i % 2 == 0 ? *f.vault : *second_vault, 50));
  const std::string token = *objects[0]->CreateToken("suivi", "personne-000042");
  std::atomic<int> ok{0}, throttled{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const auto r = Reverse(*objects[t], token);
        if (r.ok()) {
          ++ok;
        } else if (Code(r.status()) == ErrorCode::kResourceExhausted) {
          ++throttled;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(ok.load() == 50);
  BOOST_TEST(throttled.load() == 50);
  BOOST_TEST(other.load() == 0);
}

// One row per actor, and old rows go as new calls come (a few per call): the table follows the
// actors of the last two windows.
BOOST_AUTO_TEST_CASE(old_reversal_counts_are_pruned_a_few_per_call) {
  VaultFixture f;
  auto p = f.Make(*f.vault, 100, absl::Minutes(10));
  const std::string token = *p->CreateToken("suivi", "personne-000042");
  constexpr int kActors = 40;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kActors; ++i) {
      BOOST_REQUIRE(Reverse(*p, token, "agent-" + std::to_string(i)).ok());
    }
  }
  BOOST_TEST(QueryInt(f.db(), "SELECT count(*) FROM reversal_counts") == kActors);
  f.clock.Advance(absl::Minutes(21));  // two windows later: every row has expired
  for (int i = 0; i < kActors / 4; ++i) BOOST_REQUIRE(Reverse(*p, token, "agent-x").ok());
  BOOST_TEST(QueryInt(f.db(), "SELECT count(*) FROM reversal_counts") == 1);
}

// The defect: the vault cached pseudonymisation secrets forever, so a version destroyed by
// another process stayed usable here, and the current version never moved.
BOOST_AUTO_TEST_CASE(the_secret_cache_forgets_destroyed_versions) {
  VaultFixture f;
  auto other = f.Open();  // another process's view of the same database
  BOOST_REQUIRE(f.vault->PseudonymMasterSecret(1).ok());  // cached here
  BOOST_REQUIRE(other->RotatePseudonymSecret().ok());
  BOOST_TEST(*f.vault->CurrentPseudonymVersion() == 2u);  // seen at once
  BOOST_REQUIRE(other->DestroyPseudonymSecret(1).ok());
  f.clock.Advance(absl::Minutes(4));
  BOOST_TEST(f.vault->PseudonymMasterSecret(1).ok());  // still cached: the documented bound
  f.clock.Advance(absl::Minutes(1));
  BOOST_TEST((Code(f.vault->PseudonymMasterSecret(1).status()) == ErrorCode::kNotFound));
  // In the same vault object, at once.
  BOOST_REQUIRE(f.vault->RotatePseudonymSecret().ok());
  BOOST_REQUIRE(f.vault->PseudonymMasterSecret(2).ok());
  BOOST_REQUIRE(f.vault->DestroyPseudonymSecret(2).ok());
  BOOST_TEST((Code(f.vault->PseudonymMasterSecret(2).status()) == ErrorCode::kNotFound));
  // The current version is the database's, even when another object added it.
  BOOST_TEST((Code(f.vault->DestroyPseudonymSecret(3)) == ErrorCode::kFailedPrecondition));
  BOOST_REQUIRE(other->RotatePseudonymSecret().ok());
  BOOST_TEST(f.vault->DestroyPseudonymSecret(3).ok());
}

// A vault made by the previous version (schema 1: no control tables) is migrated on open, keeps
// everything, and ends with exactly the schema of a new vault.
BOOST_AUTO_TEST_CASE(a_version_1_vault_is_migrated_to_the_current_schema) {
  VaultFixture f;
  const RecordRef ref{"P-000123", "note-1", 1};
  const auto sealed = f.vault->SealRecord(ref, vault_testing::Bytes("une note"));
  BOOST_REQUIRE(sealed.ok());
  const auto fresh_schema = Schema(f.db());
  f.vault.reset();
  // Back to what version 1 wrote.
  Exec(f.db(),
       "DROP TABLE pending_shreds; DROP TABLE pseudonym_retirements; DROP TABLE reversal_counts; "
       "DROP TABLE shredded_persons; DROP TABLE ledger_secrets; PRAGMA user_version=1;");
  BOOST_REQUIRE(QueryInt(f.db(), "SELECT count(*) FROM sqlite_schema WHERE name = "
                                 "'reversal_counts'") == 0);
  auto vault = f.Open();
  BOOST_TEST(QueryInt(f.db(), "PRAGMA user_version") == 4);
  BOOST_TEST((Schema(f.db()) == fresh_schema));
  BOOST_TEST(vault->OpenRecord(ref, *sealed).ok());
  BOOST_TEST(vault->Verify().ok());
  BOOST_REQUIRE(vault->RotatePseudonymSecret().ok());
  BOOST_TEST(vault->RetirePseudonymVersions(1).ok());
  // A later schema is still refused.
  vault.reset();
  Exec(f.db(), "PRAGMA user_version=5");
  BOOST_TEST((Code(Vault::Open(f.hsm, f.db(), "ccas-lyon", f.options).status()) ==
              ErrorCode::kUnsupported));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pseudonym_testing
