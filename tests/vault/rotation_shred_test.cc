// Master key rotation (every key re-wrapped in one transaction, the data untouched, a failure
// changes nothing) and crypto-shredding (the wrapped key bytes are gone from the database file
// and its WAL, by a scan of their bytes).
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "test_util.h"

namespace socle {
namespace {

using vault_testing::AsString;
using vault_testing::Bytes;
using vault_testing::CodeName;
using vault_testing::Contains;
using vault_testing::FakeHsm;
using vault_testing::LoadVault;
using vault_testing::NewKeyFile;
using vault_testing::RawRow;
using vault_testing::RawRows;
using vault_testing::ReadFileBytes;
using vault_testing::TempDir;
using vault_testing::TestPassphrase;

std::string PersonId(int i) { return "P-" + std::to_string(100000 + i); }

std::string Note(int i) { return "note " + std::to_string(i) + " : rendez-vous CAF, dossier RSA"; }

// Seals one record for each of `n` persons; returns them by person.
std::map<int, std::vector<uint8_t>> SealPersons(Vault& vault, int n) {
  std::map<int, std::vector<uint8_t>> sealed;
  for (int i = 0; i < n; ++i) {
    auto s = vault.Seal(RecordRef{PersonId(i), "r", 1}, Bytes(Note(i)));
    BOOST_REQUIRE(s.ok());
    sealed[i] = *std::move(s);
  }
  return sealed;
}

void CheckAllOpen(Vault& vault, const std::map<int, std::vector<uint8_t>>& sealed) {
  for (const auto& [i, bytes] : sealed) {
    const auto opened = vault.Open(RecordRef{PersonId(i), "r", 1}, bytes);
    BOOST_REQUIRE_MESSAGE(opened.ok(), "person " << i << ": " << opened.status());
    BOOST_TEST(AsString(*opened) == Note(i));
  }
}

// The database file and its WAL, as an attacker who copies the directory gets them.
std::vector<uint8_t> FilesOnDisk(const std::string& db) {
  std::vector<uint8_t> all = ReadFileBytes(db);
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    const std::vector<uint8_t> more = ReadFileBytes(db + suffix);
    all.insert(all.end(), more.begin(), more.end());
  }
  return all;
}

// True if the files hold `wrapped` or any 16-byte window of it.
bool Leaks(const std::vector<uint8_t>& files, const std::vector<uint8_t>& wrapped) {
  for (size_t i = 0; i + 16 <= wrapped.size(); i += 8) {
    if (Contains(files, absl::MakeConstSpan(wrapped).subspan(i, 16))) return true;
  }
  return false;
}

void CheckpointTruncate(const std::string& db) {
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  BOOST_REQUIRE(sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
  sqlite3_close(h);
}

BOOST_AUTO_TEST_SUITE(rotation)

BOOST_AUTO_TEST_CASE(rotation_rewraps_every_key_without_touching_the_data) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  auto vault = LoadVault(provider, db);
  auto paris = LoadVault(provider, db, "ccas-paris");
  const auto sealed = SealPersons(*vault, 40);
  BOOST_REQUIRE(paris->Seal(RecordRef{"P-1", "r", 1}, Bytes("x")).ok());
  BOOST_REQUIRE(vault->RotatePseudonymSecret().ok());
  const auto before = RawRows(db, "person_keys");
  BOOST_REQUIRE(before.size() == 41u);

  const auto report = vault->RotateMasterKey(/*retire_previous=*/true);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status());
  BOOST_TEST(report->master_version == 2u);
  // 41 person keys, 2 tenant keys, 3 pseudonymisation secrets: every tenant of the database.
  BOOST_TEST(report->rewrapped == 46u);
  BOOST_TEST(report->retired_previous);
  BOOST_TEST(provider->versions() == std::vector<uint32_t>{2});

  const auto after = RawRows(db, "person_keys");
  BOOST_REQUIRE(after.size() == before.size());
  const std::vector<uint8_t> files = FilesOnDisk(db);
  for (size_t i = 0; i < after.size(); ++i) {
    BOOST_TEST(after[i].master_version == 2);
    BOOST_TEST(after[i].wrapped != before[i].wrapped);
    BOOST_TEST(!Leaks(files, before[i].wrapped));  // old wrappings are overwritten
  }
  for (const char* table : {"tenant_keys", "pseudonym_secrets"}) {
    for (const RawRow& row : RawRows(db, table)) BOOST_TEST(row.master_version == 2);
  }
  // The same ciphertexts open, through this vault and through a fresh one after a restart.
  CheckAllOpen(*vault, sealed);
  paris.reset();
  vault.reset();
  auto reopened = KeyFileProvider::Open(dir.File("k"), TestPassphrase(), vault_testing::FastKdf());
  BOOST_REQUIRE(reopened.ok());
  auto fresh = LoadVault(std::shared_ptr<KeyProvider>(std::move(*reopened)), db);
  CheckAllOpen(*fresh, sealed);
  BOOST_TEST(fresh->Verify().ok());
}

BOOST_AUTO_TEST_CASE(rotation_without_retiring_keeps_the_old_version) {
  TempDir dir;
  auto provider = NewKeyFile(dir.File("k"));
  auto vault = LoadVault(provider, dir.File("v.db"));
  const auto sealed = SealPersons(*vault, 3);
  const auto report = vault->RotateMasterKey(false);
  BOOST_REQUIRE(report.ok());
  BOOST_TEST(!report->retired_previous);
  BOOST_TEST(provider->versions() == (std::vector<uint32_t>{1, 2}));
  BOOST_TEST(vault->RotateMasterKey(true)->master_version == 3u);
  BOOST_TEST(provider->versions() == std::vector<uint32_t>{3});
  CheckAllOpen(*vault, sealed);
}

BOOST_AUTO_TEST_CASE(a_failed_rotation_changes_nothing) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, db);
  const auto sealed = SealPersons(*vault, 30);
  const auto before = RawRows(db, "person_keys");
  hsm->fail_wrap_after = hsm->wraps_.load() + 10;  // fails in the middle of the re-wrap
  const auto report = vault->RotateMasterKey(true);
  BOOST_TEST(CodeName(report.status()) == "IO");
  const auto after = RawRows(db, "person_keys");
  BOOST_REQUIRE(after.size() == before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    BOOST_TEST(after[i].master_version == 1);
    BOOST_TEST(after[i].wrapped == before[i].wrapped);
  }
  BOOST_TEST(hsm->version_count() == 2u);  // the HSM made version 2 but nothing was retired
  hsm->fail_wrap_after = -1;
  CheckAllOpen(*vault, sealed);
  // Running it again finishes the job.
  const auto retry = vault->RotateMasterKey(true);
  BOOST_REQUIRE(retry.ok());
  BOOST_TEST(retry->master_version == 3u);
  BOOST_TEST(hsm->version_count() == 1u);
  vault.reset();
  auto fresh = LoadVault(hsm, db);
  CheckAllOpen(*fresh, sealed);
}

BOOST_AUTO_TEST_CASE(versions_managed_outside_socle_are_followed) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  hsm->supports_rotate = false;
  auto vault = LoadVault(hsm, db);
  const auto sealed = SealPersons(*vault, 5);
  hsm->RotateOutside();
  // New keys are wrapped under the HSM's current version even before socle re-wraps.
  BOOST_REQUIRE(vault->Seal(RecordRef{"P-new", "r", 1}, Bytes("x")).ok());
  const auto report = vault->RotateMasterKey(false);
  BOOST_REQUIRE(report.ok());
  BOOST_TEST(report->master_version == 2u);
  BOOST_TEST(report->rewrapped == 5u + 2u);  // 5 persons, the tenant key, the pseudonym secret
  for (const RawRow& row : RawRows(db, "person_keys")) BOOST_TEST(row.master_version == 2);
  CheckAllOpen(*vault, sealed);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(shredding)

// Shreds one person among many and proves, by scanning the bytes of the database and its WAL,
// that none of the wrapped keys that person ever had (before and after a rotation) remains.
void ShredAndScan(std::shared_ptr<KeyProvider> provider, const std::string& db) {
  const int kVictim = 77;
  std::map<int, std::vector<uint8_t>> sealed;
  std::vector<std::vector<uint8_t>> victim_wrappings;
  std::vector<uint8_t> victim_sealed;
  {
    auto vault = LoadVault(provider, db);
    sealed = SealPersons(*vault, 200);
    const auto rows_v1 = RawRows(db, "person_keys");
    BOOST_REQUIRE(vault->RotateMasterKey(false).ok());
    const auto rows_v2 = RawRows(db, "person_keys");
    BOOST_REQUIRE(vault->ShredPerson(PersonId(kVictim)).ok());
    const auto rows_after = RawRows(db, "person_keys");
    BOOST_REQUIRE(rows_after.size() == rows_v2.size() - 1);
    // The victim's row is the one that disappeared (the database only knows a keyed tag).
    for (size_t i = 0; i < rows_v2.size(); ++i) {
      const bool kept = std::any_of(rows_after.begin(), rows_after.end(),
                                    [&](const RawRow& r) { return r.id == rows_v2[i].id; });
      if (!kept) {
        victim_wrappings.push_back(rows_v2[i].wrapped);
        victim_wrappings.push_back(rows_v1[i].wrapped);
      }
    }
    BOOST_REQUIRE(victim_wrappings.size() == 2u);

    const std::string victim = PersonId(kVictim);
    const RecordRef ref{victim, "r", 1};
    BOOST_TEST(CodeName(vault->Open(ref, sealed[kVictim]).status()) == "NOT_FOUND");
    BOOST_TEST(CodeName(vault->ShredPerson(PersonId(kVictim))) == "NOT_FOUND");
    victim_sealed = sealed[kVictim];
    sealed.erase(kVictim);
    CheckAllOpen(*vault, sealed);  // nobody else is affected

    // ShredPerson checkpointed the WAL itself: the bytes are gone already...
    BOOST_TEST(std::filesystem::file_size(db + "-wal") == 0u);
    for (const auto& wrapped : victim_wrappings) BOOST_TEST(!Leaks(FilesOnDisk(db), wrapped));
    // ...and stay gone after an explicit checkpoint.
    CheckpointTruncate(db);
    const std::vector<uint8_t> files = FilesOnDisk(db);
    for (const auto& wrapped : victim_wrappings) BOOST_TEST(!Leaks(files, wrapped));
    // The scan itself works: another person's wrapped key is found.
    BOOST_TEST(Leaks(files, rows_after[10].wrapped));
    BOOST_TEST(!Contains(files, Bytes(PersonId(kVictim))));
  }
  // After a restart (the vault closed and checkpointed), still unreadable and still gone.
  const std::vector<uint8_t> files = FilesOnDisk(db);
  for (const auto& wrapped : victim_wrappings) BOOST_TEST(!Leaks(files, wrapped));
  auto vault = LoadVault(provider, db);
  BOOST_TEST(CodeName(vault->Open(RecordRef{PersonId(kVictim), "r", 1}, victim_sealed).status()) ==
             "NOT_FOUND");
  CheckAllOpen(*vault, sealed);
}

BOOST_AUTO_TEST_CASE(shredded_key_bytes_are_gone_from_the_database_and_wal) {
  TempDir dir;
  ShredAndScan(NewKeyFile(dir.File("k")), dir.File("v.db"));
}

BOOST_AUTO_TEST_CASE(shredded_key_bytes_are_gone_even_from_overflow_pages) {
  // An HSM whose wrapped blobs are 6 KB long: with 4 KiB pages each row spills into overflow
  // pages, which secure_delete must zero too when they are freed.
  TempDir dir;
  ShredAndScan(std::make_shared<FakeHsm>(6000), dir.File("v.db"));
}

BOOST_AUTO_TEST_CASE(a_shredded_person_is_evicted_from_the_cache_at_once) {
  TempDir dir;
  auto vault = LoadVault(NewKeyFile(dir.File("k")), dir.File("v.db"));
  const RecordRef ref{"P-000123", "note-1", 1};
  const auto sealed = vault->Seal(ref, Bytes("x"));
  BOOST_REQUIRE(vault->Open(ref, *sealed).ok());
  BOOST_TEST(vault->cached_keys() == 1u);
  BOOST_REQUIRE(vault->ShredPerson("P-000123").ok());
  BOOST_TEST(vault->cached_keys() == 0u);
  BOOST_TEST(CodeName(vault->Open(ref, *sealed).status()) == "NOT_FOUND");
  // Sealing for the same id again makes a new, unrelated key: old records stay unreadable.
  BOOST_REQUIRE(vault->Seal(ref, Bytes("y")).ok());
  BOOST_TEST(CodeName(vault->Open(ref, *sealed).status()) == "VERIFICATION_FAILED");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
