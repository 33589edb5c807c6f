// Sealing that refuses a crypto-shredded person (KeyCreation::kRefuseIfShredded, what the access
// trail seals with): a person never seen gets a key on first use, a shredded one is
// FAILED_PRECONDITION with no key created, and the refusal holds across Vault objects on one
// database whatever their caches hold. The shred leaves a keyed tag in shredded_persons, never
// the id, written in the transaction of the delete.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "test_util.h"

namespace socle {
namespace {

using vault_testing::AsString;
using vault_testing::Bytes;
using vault_testing::CheckNoSecret;
using vault_testing::CodeName;
using vault_testing::Contains;
using vault_testing::FakeHsm;
using vault_testing::LoadVault;
using vault_testing::RawConnection;
using vault_testing::RawRow;
using vault_testing::RawRows;
using vault_testing::ReadFileBytes;
using vault_testing::TempDir;

constexpr absl::string_view kShredMessage =
    "the person's data key was crypto-shredded: nothing more may be sealed for them";
constexpr KeyCreation kRefuse = KeyCreation::kRefuseIfShredded;

// Every value of column 0 of `sql`, as bytes (blobs and text alike).
std::vector<std::vector<uint8_t>> Column(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK, sql);
  std::vector<std::vector<uint8_t>> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(s, 0));
    out.emplace_back(p, p + sqlite3_column_bytes(s, 0));
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

bool SameRows(const std::vector<RawRow>& a, const std::vector<RawRow>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].master_version != b[i].master_version ||
        a[i].wrapped != b[i].wrapped) {
      return false;
    }
  }
  return true;
}

// A provider that forwards to a FakeHsm and runs `on_wrap` once, inside the next Wrap: the
// moment between a first seal's database read and its write transaction.
class HookedProvider final : public KeyProvider {
 public:
  explicit HookedProvider(std::shared_ptr<FakeHsm> hsm) : hsm_(std::move(hsm)) {}
  std::string KeyId() const override { return hsm_->KeyId(); }
  absl::StatusOr<uint32_t> CurrentVersion() const override { return hsm_->CurrentVersion(); }
  absl::StatusOr<std::vector<uint8_t>> Wrap(uint32_t version, const SecretBytes& key,
                                            absl::Span<const uint8_t> ad) const override {
    if (on_wrap) std::exchange(on_wrap, nullptr)();
    return hsm_->Wrap(version, key, ad);
  }
  absl::StatusOr<SecretBytes> Unwrap(uint32_t version, absl::Span<const uint8_t> wrapped,
                                     absl::Span<const uint8_t> ad) const override {
    return hsm_->Unwrap(version, wrapped, ad);
  }
  absl::StatusOr<uint32_t> Rotate() override { return hsm_->Rotate(); }
  absl::Status RetireVersionsBefore(uint32_t version) override {
    return hsm_->RetireVersionsBefore(version);
  }

  mutable std::function<void()> on_wrap;

 private:
  std::shared_ptr<FakeHsm> hsm_;
};

BOOST_AUTO_TEST_SUITE(shredded_seal)

BOOST_AUTO_TEST_CASE(a_person_never_seen_gets_a_key_on_first_use) {
  TempDir dir;
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, dir.File("v.db"));
  const RecordRef ref{"P-TRAIL-1", "entry-1", 1};
  const auto sealed = vault->SealRecord(ref, Bytes("read by a social worker"), kRefuse);
  BOOST_REQUIRE_MESSAGE(sealed.ok(), sealed.status());
  BOOST_TEST(RawRows(dir.File("v.db"), "person_keys").size() == 1u);
  // The same key as case data sealed later without refusal.
  const auto case_data = vault->SealRecord(RecordRef{"P-TRAIL-1", "note", 1}, Bytes("note"));
  BOOST_REQUIRE(case_data.ok());
  BOOST_TEST(RawRows(dir.File("v.db"), "person_keys").size() == 1u);
  const auto opened = vault->OpenRecord(ref, *sealed);
  BOOST_REQUIRE(opened.ok());
  BOOST_TEST(AsString(*opened) == "read by a social worker");
}

BOOST_AUTO_TEST_CASE(a_cached_person_is_sealed_without_unwrapping_again) {
  TempDir dir;
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, dir.File("v.db"));
  const RecordRef ref{"P-1", "e", 1};
  BOOST_REQUIRE(vault->SealRecord(ref, Bytes("x"), kRefuse).ok());
  {
    // Opened by another object: the key is unwrapped once, then the database row only confirms
    // that the cached key is still the person's.
    auto other = LoadVault(hsm, dir.File("v.db"));
    BOOST_REQUIRE(other->SealRecord(ref, Bytes("y"), kRefuse).ok());
    const int unwraps = hsm->unwraps_.load();
    for (int i = 0; i < 20; ++i) BOOST_REQUIRE(other->SealRecord(ref, Bytes("z"), kRefuse).ok());
    BOOST_TEST(hsm->unwraps_.load() == unwraps);
  }
}

BOOST_AUTO_TEST_CASE(a_shredded_person_is_refused_and_no_key_is_created) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, db);
  const RecordRef ref{"P-SHREDDED-77", "note", 1};
  const auto old_record = vault->SealRecord(ref, Bytes("before the erasure"));
  BOOST_REQUIRE(old_record.ok());
  BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-OTHER", "note", 1}, Bytes("x")).ok());
  const std::vector<std::vector<uint8_t>> tag_before =
      Column(db, "SELECT person_tag FROM person_keys WHERE id = 1");
  BOOST_REQUIRE(vault->ShredPerson("P-SHREDDED-77").ok());

  const std::vector<RawRow> keys_after_shred = RawRows(db, "person_keys");
  const int wraps = hsm->wraps_.load();
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto refused =
        vault->SealRecord(RecordRef{"P-SHREDDED-77", "trail-entry", 1}, Bytes("entry"), kRefuse);
    BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
    BOOST_TEST(refused.status().message() == kShredMessage);
    CheckNoSecret(refused.status(), Bytes("P-SHREDDED-77"), "the person id");
  }
  // No key row, no key wrapped, nothing cached.
  BOOST_TEST(SameRows(RawRows(db, "person_keys"), keys_after_shred));
  BOOST_TEST(keys_after_shred.size() == 1u);
  BOOST_TEST(hsm->wraps_.load() == wraps);
  BOOST_TEST(vault->cached_keys() == 1u);  // P-OTHER only
  BOOST_TEST(CodeName(vault->OpenRecord(ref, *old_record).status()) == "NOT_FOUND");

  // What the shred left: the person's keyed tag, the one their key rows had, and no id.
  BOOST_TEST((Column(db, "SELECT person_tag FROM shredded_persons") == tag_before));
  BOOST_TEST((Column(db, "SELECT tenant FROM shredded_persons") ==
              std::vector<std::vector<uint8_t>>{Bytes("ccas-lyon")}));
  vault.reset();  // a closed vault is one file
  BOOST_TEST(!Contains(ReadFileBytes(db), Bytes("P-SHREDDED-77")));
}

BOOST_AUTO_TEST_CASE(the_refusal_survives_reopening_and_is_per_tenant) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  {
    auto vault = LoadVault(hsm, db);
    BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-9", "r", 1}, Bytes("x")).ok());
    BOOST_REQUIRE(vault->ShredPerson("P-9").ok());
  }
  auto reopened = LoadVault(hsm, db);
  BOOST_TEST(
      CodeName(reopened->SealRecord(RecordRef{"P-9", "r", 1}, Bytes("y"), kRefuse).status()) ==
      "FAILED_PRECONDITION");
  // The same person id in another tenant is another person.
  auto other_tenant = LoadVault(hsm, db, "ccas-grenoble");
  BOOST_TEST(other_tenant->SealRecord(RecordRef{"P-9", "r", 1}, Bytes("z"), kRefuse).ok());
  BOOST_TEST(
      CodeName(reopened->SealRecord(RecordRef{"P-9", "r", 1}, Bytes("y"), kRefuse).status()) ==
      "FAILED_PRECONDITION");
}

BOOST_AUTO_TEST_CASE(a_person_re_created_by_case_data_is_sealed_under_the_new_key) {
  TempDir dir;
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, dir.File("v.db"));
  const RecordRef old_ref{"P-BACK", "2019", 1};
  const auto old_record = vault->SealRecord(old_ref, Bytes("old file"));
  BOOST_REQUIRE(old_record.ok());
  BOOST_REQUIRE(vault->ShredPerson("P-BACK").ok());
  // The person comes back years later: case data seals on first use (a new, unrelated key).
  BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-BACK", "2026", 1}, Bytes("new file")).ok());
  const RecordRef entry{"P-BACK", "trail", 1};
  const auto sealed = vault->SealRecord(entry, Bytes("entry"), kRefuse);
  BOOST_REQUIRE_MESSAGE(sealed.ok(), sealed.status());
  BOOST_TEST(vault->OpenRecord(entry, *sealed).ok());
  BOOST_TEST(CodeName(vault->OpenRecord(old_ref, *old_record).status()) == "VERIFICATION_FAILED");
  BOOST_TEST(RawRows(dir.File("v.db"), "person_keys").size() == 1u);
}

// The other Vault object stands for another process sharing the database (the same test with a
// real second process is in processes_test.cc): this object's cache still holds the key.
BOOST_AUTO_TEST_CASE(a_shred_by_another_vault_is_refused_whatever_the_cache_holds) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto trail = LoadVault(hsm, db);
  auto operator_vault = LoadVault(hsm, db);
  const RecordRef ref{"P-42", "entry-1", 1};
  BOOST_REQUIRE(trail->SealRecord(ref, Bytes("first entry"), kRefuse).ok());
  BOOST_REQUIRE(trail->cached_keys() == 1u);
  const std::vector<RawRow> before = RawRows(db, "person_keys");

  BOOST_REQUIRE(operator_vault->ShredPerson("P-42").ok());
  BOOST_TEST(trail->cached_keys() == 1u);  // the TTL has not run out: still cached here
  const auto refused = trail->SealRecord(RecordRef{"P-42", "entry-2", 1}, Bytes("x"), kRefuse);
  BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(refused.status().message() == kShredMessage);
  BOOST_TEST(trail->cached_keys() == 0u);  // the dead key is dropped
  BOOST_TEST(RawRows(db, "person_keys").empty());
  BOOST_TEST(before.size() == 1u);
  BOOST_TEST(CodeName(trail->OpenRecord(ref, std::vector<uint8_t>(60, 1)).status()) == "NOT_FOUND");
}

// The cheap path: once a read found the cached key in the person's row, further seals use it
// without reading the database while nothing is committed to it. A shred by another Vault
// object (another connection) is a commit: the very next seal reads the database and is refused.
BOOST_AUTO_TEST_CASE(a_shred_by_another_vault_is_refused_after_cheap_seals_of_the_cached_key) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto trail = LoadVault(hsm, db);
  auto operator_vault = LoadVault(hsm, db);
  BOOST_REQUIRE(operator_vault->SealRecord(RecordRef{"P-OTHER", "r", 1}, Bytes("x")).ok());
  for (int round = 0; round < 3; ++round) {
    const std::string person = "P-CHEAP-" + std::to_string(round);
    BOOST_REQUIRE(operator_vault->SealRecord(RecordRef{person, "case", 1}, Bytes("x")).ok());
    const int unwraps = hsm->unwraps_.load();
    for (int i = 0; i < 50; ++i) {
      const auto sealed =
          trail->SealRecord(RecordRef{person, "e" + std::to_string(i), 1}, Bytes("entry"), kRefuse);
      BOOST_REQUIRE_MESSAGE(sealed.ok(), sealed.status());
    }
    BOOST_TEST(hsm->unwraps_.load() == unwraps + 1);  // one miss, then the cache
    // Something else is committed first (a new person): sealing still works, without an unwrap.
    BOOST_REQUIRE(operator_vault->SealRecord(RecordRef{person + "-x", "r", 1}, Bytes("x")).ok());
    BOOST_REQUIRE(trail->SealRecord(RecordRef{person, "after", 1}, Bytes("entry"), kRefuse).ok());
    BOOST_TEST(hsm->unwraps_.load() == unwraps + 1);

    BOOST_REQUIRE(operator_vault->ShredPerson(person).ok());
    const auto refused =
        trail->SealRecord(RecordRef{person, "next", 1}, Bytes("must not be sealed"), kRefuse);
    BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
    BOOST_TEST(refused.status().message() == kShredMessage);
    BOOST_TEST(
        CodeName(trail->SealRecord(RecordRef{person, "again", 1}, Bytes("x"), kRefuse).status()) ==
        "FAILED_PRECONDITION");
  }
  BOOST_TEST(trail->cached_keys() == 0u);
}

// This object's own shred (no other connection involved) is refused at once too.
BOOST_AUTO_TEST_CASE(this_vaults_own_shred_is_refused_on_the_next_seal) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, db);
  const RecordRef ref{"P-OWN", "e", 1};
  for (int i = 0; i < 20; ++i) BOOST_REQUIRE(vault->SealRecord(ref, Bytes("x"), kRefuse).ok());
  BOOST_REQUIRE(vault->ShredPerson("P-OWN").ok());
  BOOST_TEST(CodeName(vault->SealRecord(ref, Bytes("x"), kRefuse).status()) ==
             "FAILED_PRECONDITION");
  BOOST_TEST(RawRows(db, "person_keys").empty());
}

// A shred by a program that is not socle at all (a plain SQLite connection deleting the row and
// recording the tag, as ShredPerson's transaction does): the refusal does not depend on anything
// a Vault object does besides committing.
BOOST_AUTO_TEST_CASE(a_shred_committed_by_a_plain_connection_is_refused_on_the_next_seal) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, db);
  const RecordRef ref{"P-RAW", "e", 1};
  for (int i = 0; i < 20; ++i) BOOST_REQUIRE(vault->SealRecord(ref, Bytes("x"), kRefuse).ok());
  {
    RawConnection raw(db);
    raw.Exec("BEGIN IMMEDIATE; INSERT INTO shredded_persons (tenant, person_tag) "
             "SELECT tenant, person_tag FROM person_keys; DELETE FROM person_keys; COMMIT;");
  }
  BOOST_TEST(CodeName(vault->SealRecord(ref, Bytes("x"), kRefuse).status()) ==
             "FAILED_PRECONDITION");
}

BOOST_AUTO_TEST_CASE(a_key_re_created_by_another_vault_replaces_the_cached_one) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto trail = LoadVault(hsm, db);
  auto other = LoadVault(hsm, db);
  BOOST_REQUIRE(trail->SealRecord(RecordRef{"P-7", "e1", 1}, Bytes("x"), kRefuse).ok());
  BOOST_REQUIRE(other->ShredPerson("P-7").ok());
  BOOST_REQUIRE(other->SealRecord(RecordRef{"P-7", "case", 1}, Bytes("new file")).ok());
  // Sealed under the key the database holds now, not the shredded one still cached here:
  // the other object (which never cached the shredded key) opens it.
  const RecordRef entry{"P-7", "e2", 1};
  const auto sealed = trail->SealRecord(entry, Bytes("second entry"), kRefuse);
  BOOST_REQUIRE_MESSAGE(sealed.ok(), sealed.status());
  const auto opened = other->OpenRecord(entry, *sealed);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status());
  BOOST_TEST(AsString(*opened) == "second entry");
}

// A first seal reads the database, wraps a new key, then writes it. Another process that creates
// and shreds the person in between must still make it refuse: the shredded table is read again
// inside the write transaction.
BOOST_AUTO_TEST_CASE(a_shred_between_the_read_and_the_write_of_a_first_seal_is_refused) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto hsm = std::make_shared<FakeHsm>();
  auto hooked = std::make_shared<HookedProvider>(hsm);
  auto trail = LoadVault(hooked, db);
  auto other = LoadVault(hsm, db);
  bool ran = false;
  hooked->on_wrap = [&] {
    ran = true;
    BOOST_REQUIRE(other->SealRecord(RecordRef{"P-RACE", "case", 1}, Bytes("x")).ok());
    BOOST_REQUIRE(other->ShredPerson("P-RACE").ok());
  };
  const auto refused = trail->SealRecord(RecordRef{"P-RACE", "e", 1}, Bytes("x"), kRefuse);
  BOOST_TEST(ran);
  BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(RawRows(db, "person_keys").empty());
}

BOOST_AUTO_TEST_CASE(sealing_on_first_use_still_creates_a_key_after_a_shred) {
  TempDir dir;
  auto hsm = std::make_shared<FakeHsm>();
  auto vault = LoadVault(hsm, dir.File("v.db"));
  BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-1", "r", 1}, Bytes("x")).ok());
  BOOST_REQUIRE(vault->ShredPerson("P-1").ok());
  BOOST_TEST(vault->SealRecord(RecordRef{"P-1", "r", 1}, Bytes("x")).ok());
  BOOST_TEST(
      vault->SealRecord(RecordRef{"P-1", "r", 1}, Bytes("x"), KeyCreation::kOnFirstUse).ok());
  BOOST_TEST(RawRows(dir.File("v.db"), "person_keys").size() == 1u);
  // Shredding the re-created key again leaves one tag, not two.
  BOOST_REQUIRE(vault->ShredPerson("P-1").ok());
  RawConnection raw(dir.File("v.db"));
  BOOST_TEST(raw.Int("SELECT count(*) FROM shredded_persons") == 1);
}

BOOST_AUTO_TEST_CASE(an_unknown_key_creation_value_is_refused) {
  TempDir dir;
  auto vault = LoadVault(std::make_shared<FakeHsm>(), dir.File("v.db"));
  const auto status =
      vault->SealRecord(RecordRef{"P-1", "r", 1}, Bytes("x"), static_cast<KeyCreation>(7)).status();
  BOOST_TEST(CodeName(status) == "INVALID_ARGUMENT");
  BOOST_TEST(RawRows(dir.File("v.db"), "person_keys").empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
