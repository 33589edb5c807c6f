// Master key rotation (every key re-wrapped in batches, the data untouched, readers and writers
// never wait for the provider, a failure loses nothing) and crypto-shredding (the wrapped key
// bytes are gone from the database file and its WAL, by a scan of their bytes; a reader that
// pins the WAL makes the shred fail rather than report a success that is not one).
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "storage/sqlite.h"
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
using vault_testing::RawConnection;
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
    auto s = vault.SealRecord(RecordRef{PersonId(i), "r", 1}, Bytes(Note(i)));
    BOOST_REQUIRE(s.ok());
    sealed[i] = *std::move(s);
  }
  return sealed;
}

void CheckAllOpen(Vault& vault, const std::map<int, std::vector<uint8_t>>& sealed) {
  for (const auto& [i, bytes] : sealed) {
    const auto opened = vault.OpenRecord(RecordRef{PersonId(i), "r", 1}, bytes);
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

// Forwards to another provider, but the `n`-th unwrap (or wrap, after it is done) made by one
// chosen thread stops until the test releases it: a rotation or a seal frozen in the middle of a
// call to a slow HSM. It can also keep reporting an old current version, like a process that
// has not noticed another one's rotation yet.
class PausingProvider final : public KeyProvider {
 public:
  explicit PausingProvider(std::shared_ptr<KeyProvider> inner) : inner_(std::move(inner)) {}

  // The calling thread's `n`-th unwrap from now on will pause.
  void PauseThisThreadAtUnwrap(int n) {
    std::lock_guard lock(mu_);
    thread_ = std::this_thread::get_id();
    countdown_ = n;
  }
  void PauseThisThreadAtWrap(int n) {
    std::lock_guard lock(mu_);
    thread_ = std::this_thread::get_id();
    wrap_countdown_ = n;
  }
  void FreezeCurrentVersion(uint32_t version) { frozen_current_ = version; }
  void WaitUntilPaused() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return paused_; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

  std::string KeyId() const override { return inner_->KeyId(); }
  absl::StatusOr<uint32_t> CurrentVersion() const override {
    if (const uint32_t frozen = frozen_current_.load(); frozen != 0) return frozen;
    return inner_->CurrentVersion();
  }
  absl::StatusOr<std::vector<uint8_t>> Wrap(uint32_t version, const SecretBytes& key,
                                            absl::Span<const uint8_t> ad) const override {
    auto wrapped = inner_->Wrap(version, key, ad);
    std::unique_lock lock(mu_);
    if (std::this_thread::get_id() == thread_ && wrap_countdown_ > 0 && --wrap_countdown_ == 0) {
      paused_ = true;
      cv_.notify_all();
      cv_.wait(lock, [&] { return released_; });
    }
    return wrapped;
  }
  absl::StatusOr<SecretBytes> Unwrap(uint32_t version, absl::Span<const uint8_t> wrapped,
                                     absl::Span<const uint8_t> ad) const override {
    {
      std::unique_lock lock(mu_);
      if (std::this_thread::get_id() == thread_ && countdown_ > 0 && --countdown_ == 0) {
        paused_ = true;
        cv_.notify_all();
        cv_.wait(lock, [&] { return released_; });
      }
    }
    return inner_->Unwrap(version, wrapped, ad);
  }
  absl::StatusOr<uint32_t> Rotate() override { return inner_->Rotate(); }
  absl::Status RetireVersionsBefore(uint32_t version) override {
    return inner_->RetireVersionsBefore(version);
  }

 private:
  std::shared_ptr<KeyProvider> inner_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::thread::id thread_;
  mutable int countdown_ = 0;
  mutable int wrap_countdown_ = 0;
  std::atomic<uint32_t> frozen_current_{0};
  mutable bool paused_ = false;
  bool released_ = false;
};

// Shortens the wait of WAL truncations for one test.
class ShortCheckpointWait {
 public:
  ShortCheckpointWait() : saved_(sqlite::CheckpointWait()) {
    sqlite::SetCheckpointWaitForTesting(absl::Milliseconds(50));
  }
  ~ShortCheckpointWait() { sqlite::SetCheckpointWaitForTesting(saved_); }

 private:
  absl::Duration saved_;
};

BOOST_AUTO_TEST_SUITE(rotation)

BOOST_AUTO_TEST_CASE(readers_and_writers_proceed_while_a_rotation_waits_on_the_provider) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto provider = std::make_shared<PausingProvider>(hsm);
  VaultOptions no_cache;
  no_cache.cache_capacity = 0;  // every open reads the database and unwraps
  auto vault = LoadVault(provider, db, "ccas-lyon", no_cache);
  auto other = LoadVault(provider, db, "ccas-lyon", no_cache);  // a second connection
  auto sealed = SealPersons(*vault, 20);
  const auto before = RawRows(db, "person_keys");
  const std::vector<uint8_t> last_wrapping = before.back().wrapped;  // person 19, the highest id

  // The rotation's unwraps: the tenant key, then the first person of a batch holding all 20.
  absl::StatusOr<RotationReport> report;
  std::thread rotation([&] {
    provider->PauseThisThreadAtUnwrap(2);
    report = vault->RotateMasterKey(/*retire_previous=*/true);
  });
  provider->WaitUntilPaused();

  // All of this must complete while the rotation is frozen inside the provider.
  const std::vector<uint8_t> fresh_text = Bytes("nouvelle personne");
  std::vector<uint8_t> fresh_sealed, other_sealed;
  auto work = std::async(std::launch::async, [&]() -> std::string {
    for (int i : {3, 4}) {
      Vault& v = i == 3 ? *vault : *other;
      const auto opened = v.OpenRecord(RecordRef{PersonId(i), "r", 1}, sealed[i]);
      if (!opened.ok() || AsString(*opened) != Note(i))
        return "open: " + opened.status().ToString();
    }
    // Frees the highest rowid, which the next insert takes again: the rotation's pending
    // update of that id must not land on the new person's row.
    if (const absl::Status s = vault->ShredPerson(PersonId(19)); !s.ok()) {
      return "shred: " + s.ToString();
    }
    auto s1 = vault->SealRecord(RecordRef{"P-fresh", "r", 1}, fresh_text);
    if (!s1.ok()) return "seal: " + s1.status().ToString();
    fresh_sealed = *s1;
    auto s2 = other->SealRecord(RecordRef{"P-other", "r", 1}, fresh_text);
    if (!s2.ok()) return "seal through another connection: " + s2.status().ToString();
    other_sealed = *s2;
    return "";
  });
  // Not a timing assertion: a watchdog for the old behaviour, where the rotation held the
  // vault's lock and a write transaction across the provider's calls and this never finished.
  const bool finished = work.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  BOOST_TEST(finished, "seals, opens and shreds waited for the rotation's provider calls");
  provider->Release();
  rotation.join();
  const std::string failure = work.get();
  BOOST_TEST(failure.empty(), failure);

  BOOST_REQUIRE_MESSAGE(report.ok(), report.status());
  BOOST_TEST(report->master_version == 2u);
  BOOST_TEST(report->retired_previous);
  BOOST_TEST(hsm->version_count() == 1u);
  const auto after = RawRows(db, "person_keys");
  BOOST_TEST(after.size() == before.size() + 1);  // 20 - 1 shredded + 2 new
  for (const RawRow& row : after) BOOST_TEST(row.master_version == 2);
  BOOST_TEST(!Leaks(FilesOnDisk(db), last_wrapping));
  BOOST_TEST(CodeName(vault->OpenRecord(RecordRef{PersonId(19), "r", 1}, sealed[19]).status()) ==
             "NOT_FOUND");
  sealed.erase(19);
  CheckAllOpen(*vault, sealed);
  BOOST_TEST(vault->OpenRecord(RecordRef{"P-fresh", "r", 1}, fresh_sealed).ok());
  BOOST_TEST(other->OpenRecord(RecordRef{"P-other", "r", 1}, other_sealed).ok());
  BOOST_TEST(vault->Verify().ok());
}

// Another process's first seal wraps under the version it believes current, then a rotation
// re-wraps everything and retires that version, then the seal commits: without the floor the
// rotation writes before its first batch, the record would be sealed under a key that no longer
// unwraps.
BOOST_AUTO_TEST_CASE(a_first_seal_elsewhere_never_lands_under_a_retired_version) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto rotating = LoadVault(hsm, db);
  const auto sealed = SealPersons(*rotating, 5);
  auto stale = std::make_shared<PausingProvider>(hsm);
  auto other = LoadVault(stale, db);  // its own connection and lock: another process
  stale->FreezeCurrentVersion(1);     // it has not noticed the rotation
  const RecordRef late{"P-late", "r", 1};
  absl::StatusOr<std::vector<uint8_t>> late_sealed;
  std::thread sealer([&] {
    stale->PauseThisThreadAtWrap(1);
    late_sealed = other->SealRecord(late, Bytes("x"));
  });
  stale->WaitUntilPaused();  // wrapped under version 1, not written yet
  const auto report = rotating->RotateMasterKey(/*retire_previous=*/true);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status());
  BOOST_TEST(hsm->version_count() == 1u);  // version 1 is gone
  stale->Release();
  sealer.join();
  BOOST_TEST(CodeName(late_sealed.status()) == "FAILED_PRECONDITION",
             "a seal acknowledged under a retired master key version");
  for (const RawRow& row : RawRows(db, "person_keys")) BOOST_TEST(row.master_version == 2);
  BOOST_TEST(rotating->Verify().ok());
  // Once it knows the new version, the same seal works.
  stale->FreezeCurrentVersion(0);
  const auto retried = other->SealRecord(late, Bytes("x"));
  BOOST_REQUIRE_MESSAGE(retried.ok(), retried.status());
  BOOST_TEST(rotating->OpenRecord(late, *retried).ok());
  CheckAllOpen(*rotating, sealed);
}

BOOST_AUTO_TEST_CASE(a_failed_rotation_keeps_its_batches_and_a_rerun_finishes) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, db);
  const auto sealed = SealPersons(*vault, 600);
  // The tenant key and the first batch of 256 person keys commit; the second batch fails.
  hsm->fail_wrap_after = hsm->wraps_.load() + 300;
  BOOST_TEST(CodeName(vault->RotateMasterKey(true).status()) == "IO");
  std::map<int64_t, int> versions;
  for (const RawRow& row : RawRows(db, "person_keys")) ++versions[row.master_version];
  BOOST_TEST(versions[2] == 256);
  BOOST_TEST(versions[1] == 600 - 256);
  BOOST_TEST(hsm->version_count() == 2u);  // nothing retired
  hsm->fail_wrap_after = -1;
  CheckAllOpen(*vault, sealed);
  const auto retry = vault->RotateMasterKey(true);
  BOOST_REQUIRE_MESSAGE(retry.ok(), retry.status());
  BOOST_TEST(retry->master_version == 3u);
  BOOST_TEST(retry->rewrapped == 600u + 2u);
  for (const RawRow& row : RawRows(db, "person_keys")) BOOST_TEST(row.master_version == 3);
  BOOST_TEST(hsm->version_count() == 1u);
  vault.reset();
  auto fresh = LoadVault(hsm, db);
  CheckAllOpen(*fresh, sealed);
  BOOST_TEST(fresh->Verify().ok());
}

BOOST_AUTO_TEST_CASE(rotation_rewraps_every_key_without_touching_the_data) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  auto vault = LoadVault(provider, db);
  auto paris = LoadVault(provider, db, "ccas-paris");
  const auto sealed = SealPersons(*vault, 40);
  BOOST_REQUIRE(paris->SealRecord(RecordRef{"P-1", "r", 1}, Bytes("x")).ok());
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
  BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-new", "r", 1}, Bytes("x")).ok());
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
    BOOST_TEST(CodeName(vault->OpenRecord(ref, sealed[kVictim]).status()) == "NOT_FOUND");
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
  BOOST_TEST(
      CodeName(vault->OpenRecord(RecordRef{PersonId(kVictim), "r", 1}, victim_sealed).status()) ==
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

// The wrapped key that disappeared from person_keys between two raw reads.
std::vector<uint8_t> Vanished(const std::vector<RawRow>& before, const std::vector<RawRow>& after) {
  for (const RawRow& row : before) {
    if (std::none_of(after.begin(), after.end(), [&](const RawRow& r) { return r.id == row.id; })) {
      return row.wrapped;
    }
  }
  return {};
}

// ShredPersons: a batch shreds each person as ShredPerson would (their wrapped keys gone from the
// database and its WAL, their records unreadable), answers per person, and leaves the others.
BOOST_AUTO_TEST_CASE(a_batch_shred_answers_per_person_and_leaves_no_copy) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto vault = LoadVault(NewKeyFile(dir.File("k")), db);
  auto sealed = SealPersons(*vault, 60);
  const auto before = RawRows(db, "person_keys");

  // A bad id anywhere: nothing is shredded, the message names the position and no id.
  const std::vector<std::string> bad = {PersonId(3), std::string(300, 'x'), PersonId(4)};
  const auto refused = vault->ShredPersons(bad);
  BOOST_TEST(CodeName(refused.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(refused.status().message(), "person_ids[1]"),
             refused.status().message());
  BOOST_TEST(!absl::StrContains(refused.status().message(), PersonId(3)));
  BOOST_TEST(RawRows(db, "person_keys").size() == before.size());
  const std::vector<std::string> too_many(Vault::kMaxShredBatch + 1, PersonId(1));
  BOOST_TEST(CodeName(vault->ShredPersons(too_many).status()) == "OUT_OF_RANGE");

  // Three persons with keys, one twice, and one who never had a key.
  const std::vector<std::string> batch = {PersonId(10), "P-never-sealed", PersonId(11),
                                          PersonId(10), PersonId(12)};
  const auto shredded = vault->ShredPersons(batch);
  BOOST_REQUIRE(shredded.ok());
  BOOST_REQUIRE_EQUAL(shredded->size(), batch.size());
  const char* expected[] = {"OK", "NOT_FOUND", "OK", "OK", "OK"};
  for (size_t i = 0; i < batch.size(); ++i) {
    BOOST_TEST(CodeName((*shredded)[i]) == expected[i], "element " << i);
  }
  const auto after = RawRows(db, "person_keys");
  BOOST_TEST(after.size() == before.size() - 3);
  BOOST_TEST(std::filesystem::file_size(db + "-wal") == 0u);
  const std::vector<uint8_t> files = FilesOnDisk(db);
  size_t gone = 0;
  for (const RawRow& row : before) {
    if (std::none_of(after.begin(), after.end(), [&](const RawRow& r) { return r.id == row.id; })) {
      ++gone;
      BOOST_TEST(!Leaks(files, row.wrapped));
    }
  }
  BOOST_TEST(gone == 3u);
  for (int victim : {10, 11, 12}) {
    BOOST_TEST(
        CodeName(vault->OpenRecord(RecordRef{PersonId(victim), "r", 1}, sealed[victim]).status()) ==
        "NOT_FOUND");
    sealed.erase(victim);
  }
  CheckAllOpen(*vault, sealed);  // nobody else is affected
  // Again: nothing left to do for any of them.
  const auto again = vault->ShredPersons(batch);
  BOOST_REQUIRE(again.ok());
  for (const absl::Status& st : *again) BOOST_TEST(CodeName(st) == "NOT_FOUND");
  const auto empty = vault->ShredPersons({});
  BOOST_TEST((empty.ok() && empty->empty()));
}

BOOST_AUTO_TEST_CASE(a_reader_snapshot_keeps_shred_from_reporting_success) {
  ShortCheckpointWait short_wait;
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto vault = LoadVault(NewKeyFile(dir.File("k")), db);
  auto sealed = SealPersons(*vault, 50);
  const auto before = RawRows(db, "person_keys");
  // Another program reading the database: its open read transaction pins the WAL.
  RawConnection reader(db);
  reader.Exec("BEGIN; SELECT count(*) FROM person_keys;");

  const absl::Status shred = vault->ShredPerson(PersonId(7));
  BOOST_TEST(!shred.ok(), "shred reported success while a copy of the key was in the WAL");
  BOOST_TEST(CodeName(shred) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(shred.message(), "read snapshot"), shred.message());
  const std::vector<uint8_t> victim = Vanished(before, RawRows(db, "person_keys"));
  BOOST_REQUIRE(!victim.empty());              // the delete itself committed...
  BOOST_TEST(Leaks(FilesOnDisk(db), victim));  // ...and the copy the error speaks of is there
  BOOST_TEST(CodeName(vault->OpenRecord(RecordRef{PersonId(7), "r", 1}, sealed[7]).status()) ==
             "NOT_FOUND");
  // Later writes change nothing while the reader stays.
  BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-later", "r", 1}, Bytes("x")).ok());
  BOOST_TEST(Leaks(FilesOnDisk(db), victim));

  // Once the reader has left, shredding again finishes the job.
  reader.Exec("COMMIT");
  BOOST_REQUIRE(vault->ShredPerson(PersonId(7)).ok());
  BOOST_TEST(!Leaks(FilesOnDisk(db), victim));
  BOOST_TEST(reader.Int("SELECT count(*) FROM pending_shreds") == 0);
  BOOST_TEST(CodeName(vault->ShredPerson(PersonId(7))) == "NOT_FOUND");  // nothing left to do
  sealed.erase(7);
  CheckAllOpen(*vault, sealed);
}

BOOST_AUTO_TEST_CASE(reopening_finishes_an_interrupted_shred) {
  ShortCheckpointWait short_wait;
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  auto vault = LoadVault(provider, db);
  auto sealed = SealPersons(*vault, 50);
  const auto before = RawRows(db, "person_keys");
  std::vector<uint8_t> victim;
  {
    RawConnection reader(db);
    reader.Exec("BEGIN; SELECT count(*) FROM person_keys;");
    BOOST_TEST(CodeName(vault->ShredPerson(PersonId(9))) == "FAILED_PRECONDITION");
    victim = Vanished(before, RawRows(db, "person_keys"));
    BOOST_REQUIRE(!victim.empty());
    vault.reset();  // its closing checkpoint cannot truncate either: as if it had crashed
    // While the reader stays, a new vault refuses to open rather than leave the copy behind.
    const auto refused = Vault::Open(provider, db, "ccas-lyon");
    BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
    reader.Exec("COMMIT");
  }
  RawConnection raw(db);
  BOOST_TEST(Leaks(FilesOnDisk(db), victim));
  BOOST_TEST(raw.Int("SELECT count(*) FROM pending_shreds") == 1);
  vault = LoadVault(provider, db);
  BOOST_TEST(!Leaks(FilesOnDisk(db), victim));
  BOOST_TEST(raw.Int("SELECT count(*) FROM pending_shreds") == 0);
  BOOST_TEST(CodeName(vault->OpenRecord(RecordRef{PersonId(9), "r", 1}, sealed[9]).status()) ==
             "NOT_FOUND");
  sealed.erase(9);
  CheckAllOpen(*vault, sealed);
}

BOOST_AUTO_TEST_CASE(a_shredded_person_is_evicted_from_the_cache_at_once) {
  TempDir dir;
  auto vault = LoadVault(NewKeyFile(dir.File("k")), dir.File("v.db"));
  const RecordRef ref{"P-000123", "note-1", 1};
  const auto sealed = vault->SealRecord(ref, Bytes("x"));
  BOOST_REQUIRE(vault->OpenRecord(ref, *sealed).ok());
  BOOST_TEST(vault->cached_keys() == 1u);
  BOOST_REQUIRE(vault->ShredPerson("P-000123").ok());
  BOOST_TEST(vault->cached_keys() == 0u);
  BOOST_TEST(CodeName(vault->OpenRecord(ref, *sealed).status()) == "NOT_FOUND");
  // Sealing for the same id again makes a new, unrelated key: old records stay unreadable.
  BOOST_REQUIRE(vault->SealRecord(ref, Bytes("y")).ok());
  BOOST_TEST(CodeName(vault->OpenRecord(ref, *sealed).status()) == "VERIFICATION_FAILED");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
