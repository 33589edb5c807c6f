// The root secrets of a tenant's ledgers (Vault::LedgerSecret): 32 random bytes created on
// first use, wrapped under the master key with their own kind of associated data, the same for
// every Vault object of the database (also when first uses race), kept by a shred, re-wrapped by
// a rotation, checked by Verify, and never in a message. (Other processes: processes_test.cc.)
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace socle {
namespace {

using vault_testing::Bytes;
using vault_testing::CheckNoSecret;
using vault_testing::CodeName;
using vault_testing::Contains;
using vault_testing::FakeHsm;
using vault_testing::LoadVault;
using vault_testing::NewKeyFile;
using vault_testing::RawConnection;
using vault_testing::RawRows;
using vault_testing::ReadFileBytes;
using vault_testing::TempDir;

std::vector<uint8_t> AsVector(const SecretBytes& s) {
  return std::vector<uint8_t>(s.data(), s.data() + s.size());
}

std::vector<uint8_t> Secret(Vault& vault, absl::string_view ledger) {
  const auto secret = vault.LedgerSecret(ledger);
  BOOST_REQUIRE_MESSAGE(secret.ok(), secret.status());
  return AsVector(*secret);
}

BOOST_AUTO_TEST_SUITE(ledger_secret)

BOOST_AUTO_TEST_CASE(a_secret_is_created_on_first_use_and_stored_wrapped) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, db);
  BOOST_TEST(RawRows(db, "ledger_secrets").empty());
  const std::vector<uint8_t> trail = Secret(*vault, "access_trail");
  BOOST_TEST(trail.size() == kVaultKeyBytes);
  BOOST_TEST(trail != std::vector<uint8_t>(kVaultKeyBytes, 0));
  BOOST_TEST((Secret(*vault, "access_trail") == trail));
  // One secret per ledger, one row each, unrelated to each other.
  const std::vector<uint8_t> state = Secret(*vault, "state");
  BOOST_TEST((state != trail));
  const auto rows = RawRows(db, "ledger_secrets");
  BOOST_REQUIRE(rows.size() == 2u);
  for (const auto& row : rows) {
    BOOST_TEST(row.master_version == 1);
    BOOST_TEST(!Contains(row.wrapped, trail));
    BOOST_TEST(!Contains(row.wrapped, state));
  }
  // Unwrapped once, when created: later calls are served from this object.
  const int unwraps = hsm->unwraps_.load();
  for (int i = 0; i < 5; ++i) BOOST_TEST((Secret(*vault, "access_trail") == trail));
  BOOST_TEST(hsm->unwraps_.load() == unwraps);
  // Another tenant of the same database has its own.
  auto other_tenant = LoadVault(hsm, db, "ccas-grenoble");
  BOOST_TEST((Secret(*other_tenant, "access_trail") != trail));
  vault.reset();
  other_tenant.reset();
  BOOST_TEST(!Contains(ReadFileBytes(db), trail));
}

BOOST_AUTO_TEST_CASE(the_secret_is_the_same_after_reopening_and_in_another_vault_object) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  std::vector<uint8_t> first;
  {
    auto vault = LoadVault(provider, db);
    first = Secret(*vault, "access_trail");
  }
  auto reopened = LoadVault(provider, db);
  auto other = LoadVault(provider, db);
  BOOST_TEST((Secret(*reopened, "access_trail") == first));
  BOOST_TEST((Secret(*other, "access_trail") == first));
  // A key file opened again (a restart) unwraps it too.
  auto again = LoadVault(
      KeyFileProvider::Open(dir.File("k"), vault_testing::TestPassphrase(), vault_testing::FastKdf())
          .value(),
      db);
  BOOST_TEST((Secret(*again, "access_trail") == first));
}

// First uses racing in several Vault objects (each its own connection, as another process has)
// and threads: one secret wins, and every caller gets it.
BOOST_AUTO_TEST_CASE(concurrent_first_uses_agree) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  constexpr int kObjects = 4;
  std::vector<std::unique_ptr<Vault>> vaults;
  for (int i = 0; i < kObjects; ++i) vaults.push_back(LoadVault(hsm, db));
  for (int round = 0; round < 5; ++round) {
    const std::string ledger = "ledger-" + std::to_string(round);
    std::vector<std::vector<uint8_t>> got(2 * kObjects);
    std::vector<std::string> errors(2 * kObjects);
    std::vector<std::thread> threads;
    for (int t = 0; t < 2 * kObjects; ++t) {
      threads.emplace_back([&, t] {
        const auto secret = vaults[t % kObjects]->LedgerSecret(ledger);
        if (secret.ok()) {
          got[t] = AsVector(*secret);
        } else {
          errors[t] = secret.status().ToString();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (int t = 0; t < 2 * kObjects; ++t) {
      BOOST_TEST(errors[t].empty(), errors[t]);
      BOOST_TEST((got[t] == got[0]));
    }
    BOOST_TEST(got[0].size() == kVaultKeyBytes);
  }
  BOOST_TEST(RawRows(db, "ledger_secrets").size() == 5u);
}

BOOST_AUTO_TEST_CASE(ledger_names_are_validated_and_a_bad_one_changes_nothing) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, db);
  const int wraps = hsm->wraps_.load();
  for (const std::string& bad : {std::string(), std::string(65, 'a'), std::string("Access"),
                                std::string("access trail"), std::string("a/b"),
                                std::string("\xc3\xa9tat"), std::string("a\0b", 3),
                                std::string("P-SECRET-PERSON")}) {
    const auto refused = vault->LedgerSecret(bad);
    BOOST_TEST(CodeName(refused.status()) == "INVALID_ARGUMENT");
    BOOST_TEST(refused.status().message() ==
               "the ledger name must be 1 to 64 bytes of [a-z0-9_.-]");
  }
  BOOST_TEST(RawRows(db, "ledger_secrets").empty());
  BOOST_TEST(hsm->wraps_.load() == wraps);
  for (const std::string& good : {std::string("access_trail"), std::string("state"),
                                 std::string("a"), std::string(64, 'z'),
                                 std::string("v1.2-beta_3")}) {
    BOOST_TEST(vault->LedgerSecret(good).ok(), good);
  }
  BOOST_TEST(RawRows(db, "ledger_secrets").size() == 5u);
}

BOOST_AUTO_TEST_CASE(a_shred_keeps_the_ledger_secrets) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  auto vault = LoadVault(provider, db);
  const std::vector<uint8_t> secret = Secret(*vault, "access_trail");
  const auto rows = RawRows(db, "ledger_secrets");
  BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-1", "r", 1}, Bytes("x")).ok());
  BOOST_REQUIRE(vault->ShredPerson("P-1").ok());
  const auto after = RawRows(db, "ledger_secrets");
  BOOST_REQUIRE(after.size() == 1u);
  BOOST_TEST((after[0].wrapped == rows[0].wrapped));
  auto reopened = LoadVault(provider, db);
  BOOST_TEST((Secret(*reopened, "access_trail") == secret));
}

BOOST_AUTO_TEST_CASE(a_rotation_re_wraps_the_secret_and_it_stays_readable) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  std::vector<uint8_t> secret;
  {
    auto vault = LoadVault(provider, db);
    secret = Secret(*vault, "access_trail");
    const auto before = RawRows(db, "ledger_secrets");
    const auto report = vault->RotateMasterKey(/*retire_previous=*/true);
    BOOST_REQUIRE_MESSAGE(report.ok(), report.status());
    BOOST_TEST(report->retired_previous);
    const auto after = RawRows(db, "ledger_secrets");
    BOOST_REQUIRE(after.size() == 1u);
    BOOST_TEST(after[0].master_version == report->master_version);
    BOOST_TEST((after[0].wrapped != before[0].wrapped));
    BOOST_TEST(vault->Verify().ok());
  }
  // Version 1 is gone from the key file: only the re-wrapped row can give the secret back.
  auto reopened = LoadVault(provider, db);
  BOOST_TEST((Secret(*reopened, "access_trail") == secret));
  // A secret created after the rotation is wrapped under the new version.
  Secret(*reopened, "state");
  BOOST_TEST(RawRows(db, "ledger_secrets")[1].master_version == 2);
}

BOOST_AUTO_TEST_CASE(verify_unwraps_the_ledger_secrets_and_the_ledger_name_is_bound) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  std::vector<uint8_t> trail;
  {
    auto vault = LoadVault(hsm, db);
    trail = Secret(*vault, "access_trail");
    Secret(*vault, "state");
    BOOST_TEST(vault->Verify().ok());
  }
  {
    // The trail's wrapped secret moved to the row of "state": it was wrapped for another name.
    RawConnection raw(db);
    raw.Exec("UPDATE ledger_secrets SET wrapped = (SELECT wrapped FROM ledger_secrets "
             "WHERE ledger = 'access_trail') WHERE ledger = 'state'");
  }
  auto vault = LoadVault(hsm, db);
  const absl::Status verified = vault->Verify();
  BOOST_TEST(CodeName(verified) == "DATA_LOSS");
  BOOST_TEST(verified.message() == "vault: 1 of 4 keys do not unwrap with this key provider");
  CheckNoSecret(verified, trail, "the ledger secret");
  const auto moved = vault->LedgerSecret("state");
  BOOST_TEST(CodeName(moved.status()) == "VERIFICATION_FAILED");
  BOOST_TEST(moved.status().message() == "verification failed");
  CheckNoSecret(moved.status(), trail, "the ledger secret");
  BOOST_TEST((Secret(*vault, "access_trail") == trail));
  // A person's data key can never be taken for a ledger secret (another kind in the AD).
  {
    RawConnection raw(db);
    BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-1", "r", 1}, Bytes("x")).ok());
    raw.Exec("UPDATE ledger_secrets SET wrapped = (SELECT wrapped FROM person_keys LIMIT 1), "
             "master_version = (SELECT master_version FROM person_keys LIMIT 1) "
             "WHERE ledger = 'state'");
  }
  auto fresh = LoadVault(hsm, db);
  BOOST_TEST(CodeName(fresh->LedgerSecret("state").status()) == "VERIFICATION_FAILED");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
