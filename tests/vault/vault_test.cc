// The vault end to end: sealing and opening records, misplaced ciphertexts, a restart, the
// cache (with an injected clock), tenants sharing a database, pseudonymisation secrets and the
// integrity check.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "socle/clock.hpp"
#include "test_util.h"

namespace socle {
namespace {

using vault_testing::AsString;
using vault_testing::Bytes;
using vault_testing::CodeName;
using vault_testing::Contains;
using vault_testing::FakeHsm;
using vault_testing::FileMode;
using vault_testing::LoadVault;
using vault_testing::NewKeyFile;
using vault_testing::RawRows;
using vault_testing::ReadFileBytes;
using vault_testing::TempDir;
using vault_testing::TestPassphrase;
using vault_testing::WriteFileBytes;

constexpr absl::string_view kNote = "Suivi : diab\xc3\xa8te de type 2, traitement en cours.";

void Exec(const std::string& db, const char* sql) {
  sqlite3* h = nullptr;
  BOOST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
  BOOST_REQUIRE_MESSAGE(sqlite3_exec(h, sql, nullptr, nullptr, nullptr) == SQLITE_OK,
                        sqlite3_errmsg(h));
  sqlite3_close(h);
}

BOOST_AUTO_TEST_SUITE(vault)

BOOST_AUTO_TEST_CASE(seal_then_open_round_trips_at_every_size) {
  TempDir dir;
  auto vault = LoadVault(NewKeyFile(dir.File("k")), dir.File("v.db"));
  for (size_t size : {0, 1, 100, 1024, 65536}) {
    std::vector<uint8_t> plain(size);
    for (size_t i = 0; i < size; ++i) plain[i] = static_cast<uint8_t>(i * 7);
    const std::string record_id = "note-" + std::to_string(size);
    const RecordRef ref{"P-000123", record_id, 2};
    const auto a = vault->SealRecord(ref, plain);
    const auto b = vault->SealRecord(ref, plain);
    BOOST_REQUIRE(a.ok());
    BOOST_REQUIRE(b.ok());
    BOOST_TEST(a->size() == size + kSealedRecordOverhead);
    BOOST_TEST((*a)[0] == 0x01);
    BOOST_TEST(*a != *b);  // a fresh nonce each time
    const auto opened = vault->OpenRecord(ref, *a);
    BOOST_REQUIRE_MESSAGE(opened.ok(), "size " << size << ": " << opened.status());
    BOOST_TEST(std::vector<uint8_t>(opened->data(), opened->data() + opened->size()) == plain);
  }
}

BOOST_AUTO_TEST_CASE(a_ciphertext_moved_to_another_person_record_schema_or_tenant_fails) {
  TempDir dir;
  auto provider = NewKeyFile(dir.File("k"));
  auto lyon = LoadVault(provider, dir.File("v.db"), "ccas-lyon");
  auto paris = LoadVault(provider, dir.File("v.db"), "ccas-paris");
  const RecordRef ref{"P-000123", "note-1", 1};
  const auto sealed = lyon->SealRecord(ref, Bytes(kNote));
  BOOST_REQUIRE(sealed.ok());
  BOOST_REQUIRE(lyon->SealRecord(RecordRef{"P-000124", "x", 1}, Bytes("x")).ok());
  BOOST_REQUIRE(paris->SealRecord(ref, Bytes("same ids, other tenant")).ok());
  const auto code = [&](Vault& v, const RecordRef& r) {
    return std::string(CodeName(v.OpenRecord(r, *sealed).status()));
  };
  BOOST_TEST(code(*lyon, RecordRef{"P-000124", "note-1", 1}) == "VERIFICATION_FAILED");
  BOOST_TEST(code(*lyon, RecordRef{"P-000123", "note-2", 1}) == "VERIFICATION_FAILED");
  BOOST_TEST(code(*lyon, RecordRef{"P-000123", "note-1", 2}) == "VERIFICATION_FAILED");
  BOOST_TEST(code(*paris, ref) == "VERIFICATION_FAILED");  // same person id, other tenant
  BOOST_TEST(code(*lyon, ref) == "OK");
}

BOOST_AUTO_TEST_CASE(every_bit_flip_and_truncation_of_a_sealed_record_fails) {
  TempDir dir;
  auto vault = LoadVault(NewKeyFile(dir.File("k")), dir.File("v.db"));
  const RecordRef ref{"P-000123", "note-1", 1};
  const auto sealed = vault->SealRecord(ref, Bytes(kNote));
  BOOST_REQUIRE(sealed.ok());
  for (size_t i = 0; i < sealed->size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> altered = *sealed;
      altered[i] ^= static_cast<uint8_t>(1u << bit);
      const auto opened = vault->OpenRecord(ref, altered);
      BOOST_TEST_REQUIRE(!opened.ok(), "byte " << i << " bit " << bit);
      BOOST_TEST(CodeName(opened.status()) == "VERIFICATION_FAILED");
      BOOST_TEST(opened.status().message() == "verification failed");
    }
  }
  for (size_t len = 0; len < sealed->size(); ++len) {
    const auto opened = vault->OpenRecord(ref, absl::MakeConstSpan(*sealed).first(len));
    BOOST_TEST_REQUIRE(!opened.ok());
    BOOST_TEST(CodeName(opened.status()) == "VERIFICATION_FAILED");
  }
}

BOOST_AUTO_TEST_CASE(opening_for_a_person_without_a_key_is_not_found_and_creates_nothing) {
  TempDir dir;
  auto vault = LoadVault(NewKeyFile(dir.File("k")), dir.File("v.db"));
  const RecordRef ref{"P-000123", "note-1", 1};
  const auto sealed = vault->SealRecord(ref, Bytes(kNote));
  const auto opened = vault->OpenRecord(RecordRef{"P-999999", "note-1", 1}, *sealed);
  BOOST_TEST(CodeName(opened.status()) == "NOT_FOUND");
  BOOST_TEST(RawRows(dir.File("v.db"), "person_keys").size() == 1u);
}

BOOST_AUTO_TEST_CASE(records_open_after_a_restart_with_the_passphrase) {
  TempDir dir;
  std::vector<uint8_t> sealed;
  const RecordRef ref{"P-000123", "note-1", 1};
  {
    auto vault = LoadVault(NewKeyFile(dir.File("k")), dir.File("v.db"));
    sealed = *vault->SealRecord(ref, Bytes(kNote));
  }
  auto provider = KeyFileProvider::Open(dir.File("k"), TestPassphrase(), vault_testing::FastKdf());
  BOOST_REQUIRE(provider.ok());
  auto vault = LoadVault(std::shared_ptr<KeyProvider>(std::move(*provider)), dir.File("v.db"));
  const auto opened = vault->OpenRecord(ref, sealed);
  BOOST_REQUIRE(opened.ok());
  BOOST_TEST(AsString(*opened) == kNote);
  BOOST_TEST(vault->Verify().ok());
}

BOOST_AUTO_TEST_CASE(a_database_is_bound_to_one_master_key) {
  TempDir dir;
  { LoadVault(NewKeyFile(dir.File("k1")), dir.File("v.db")); }
  const auto other = Vault::Open(NewKeyFile(dir.File("k2")), dir.File("v.db"), "ccas-lyon");
  BOOST_TEST(CodeName(other.status()) == "FAILED_PRECONDITION");
}

BOOST_AUTO_TEST_CASE(the_database_holds_no_person_id_no_plaintext_and_is_private) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  std::vector<uint8_t> sealed;
  {
    auto vault = LoadVault(NewKeyFile(dir.File("k")), db);
    sealed = *vault->SealRecord(RecordRef{"P-PERSON-4242", "note-1", 1}, Bytes(kNote));
  }
  BOOST_TEST(FileMode(db) == 0600u);
  const std::vector<uint8_t> file = ReadFileBytes(db);
  BOOST_TEST(!file.empty());
  BOOST_TEST(!Contains(file, Bytes("P-PERSON-4242")));
  BOOST_TEST(!Contains(file, Bytes("note-1")));
  BOOST_TEST(!Contains(sealed, Bytes("diab")));  // REQ-19: the ciphertext hides the note
  BOOST_TEST(!Contains(sealed, Bytes("P-PERSON-4242")));
}

BOOST_AUTO_TEST_CASE(foreign_and_future_databases_are_refused) {
  TempDir dir;
  auto provider = NewKeyFile(dir.File("k"));
  Exec(dir.File("app.db"), "CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
  BOOST_TEST(CodeName(Vault::Open(provider, dir.File("app.db"), "t").status()) ==
             "FAILED_PRECONDITION");
  WriteFileBytes(dir.File("junk.db"), std::vector<uint8_t>(4096, 0x42));
  BOOST_TEST(CodeName(Vault::Open(provider, dir.File("junk.db"), "t").status()) ==
             "FAILED_PRECONDITION");
  { LoadVault(provider, dir.File("v.db")); }
  Exec(dir.File("v.db"), "PRAGMA user_version=5");
  BOOST_TEST(CodeName(Vault::Open(provider, dir.File("v.db"), "t").status()) == "UNSUPPORTED");
  BOOST_TEST(CodeName(Vault::Open(provider, dir.File("v.db"), "").status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(Vault::Open(nullptr, dir.File("v2.db"), "t").status()) == "INVALID_ARGUMENT");
}

BOOST_AUTO_TEST_CASE(cached_keys_expire_with_the_injected_clock) {
  TempDir dir;
  auto hsm = std::make_shared<FakeHsm>();
  FakeClock clock(absl::FromUnixSeconds(1700000000));
  VaultOptions options;
  options.clock = &clock;
  options.cache_ttl = absl::Minutes(5);
  auto vault = LoadVault(hsm, dir.File("v.db"), "ccas-lyon", options);
  const RecordRef ref{"P-000123", "note-1", 1};
  const auto sealed = vault->SealRecord(ref, Bytes(kNote));  // creates and caches the key
  const int unwraps = hsm->unwraps_.load();
  BOOST_REQUIRE(vault->OpenRecord(ref, *sealed).ok());
  BOOST_TEST(hsm->unwraps_.load() == unwraps);  // served from the cache
  clock.Advance(absl::Minutes(4));
  BOOST_REQUIRE(vault->OpenRecord(ref, *sealed).ok());
  BOOST_TEST(hsm->unwraps_.load() == unwraps);
  clock.Advance(absl::Minutes(1));
  BOOST_REQUIRE(vault->OpenRecord(ref, *sealed).ok());
  BOOST_TEST(hsm->unwraps_.load() == unwraps + 1);  // expired: unwrapped again
  BOOST_REQUIRE(vault->OpenRecord(ref, *sealed).ok());
  BOOST_TEST(hsm->unwraps_.load() == unwraps + 1);
}

BOOST_AUTO_TEST_CASE(the_cache_respects_its_capacity_or_is_off) {
  TempDir dir;
  auto hsm = std::make_shared<FakeHsm>();
  VaultOptions small;
  small.cache_capacity = 3;
  auto vault = LoadVault(hsm, dir.File("v.db"), "ccas-lyon", small);
  for (int i = 0; i < 10; ++i) {
    BOOST_REQUIRE(vault->SealRecord(RecordRef{"P-" + std::to_string(i), "r", 1}, Bytes("x")).ok());
    BOOST_TEST(vault->cached_keys() <= 3u);
  }
  VaultOptions off;
  off.cache_capacity = 0;
  auto uncached = LoadVault(hsm, dir.File("v.db"), "ccas-lyon", off);
  const RecordRef ref{"P-1", "r", 1};
  const auto sealed = uncached->SealRecord(ref, Bytes("x"));
  const int unwraps = hsm->unwraps_.load();
  BOOST_REQUIRE(uncached->OpenRecord(ref, *sealed).ok());
  BOOST_REQUIRE(uncached->OpenRecord(ref, *sealed).ok());
  BOOST_TEST(hsm->unwraps_.load() == unwraps + 2);
  BOOST_TEST(uncached->cached_keys() == 0u);
}

BOOST_AUTO_TEST_CASE(pseudonymisation_secrets_are_versioned_and_kept_apart) {
  TempDir dir;
  auto provider = NewKeyFile(dir.File("k"));
  std::vector<uint8_t> v1_bytes;
  {
    auto vault = LoadVault(provider, dir.File("v.db"));
    BOOST_TEST(*vault->CurrentPseudonymVersion() == 1u);
    const auto v1 = vault->PseudonymMasterSecret(1);
    BOOST_REQUIRE(v1.ok());
    BOOST_TEST(v1->size() == 32u);
    v1_bytes.assign(v1->data(), v1->data() + v1->size());
    BOOST_TEST(CodeName(vault->PseudonymMasterSecret(2).status()) == "NOT_FOUND");
    BOOST_TEST(*vault->RotatePseudonymSecret() == 2u);
    BOOST_TEST(*vault->CurrentPseudonymVersion() == 2u);
    BOOST_TEST(!vault->PseudonymMasterSecret(2)->Equals(*v1));
    BOOST_TEST(CodeName(vault->DestroyPseudonymSecret(2)) == "FAILED_PRECONDITION");
  }
  auto vault = LoadVault(provider, dir.File("v.db"));  // after a restart
  BOOST_TEST(*vault->CurrentPseudonymVersion() == 2u);
  const auto again = vault->PseudonymMasterSecret(1);
  BOOST_TEST(std::vector<uint8_t>(again->data(), again->data() + 32) == v1_bytes);
  BOOST_REQUIRE(vault->DestroyPseudonymSecret(1).ok());
  BOOST_TEST(CodeName(vault->PseudonymMasterSecret(1).status()) == "NOT_FOUND");
  BOOST_TEST(CodeName(vault->DestroyPseudonymSecret(1)) == "NOT_FOUND");
  BOOST_TEST(!Contains(ReadFileBytes(dir.File("v.db")), v1_bytes));
  // Another tenant has its own secrets; the data key table never holds them.
  auto other = LoadVault(provider, dir.File("v.db"), "ccas-paris");
  BOOST_TEST(*other->CurrentPseudonymVersion() == 1u);
  BOOST_TEST(RawRows(dir.File("v.db"), "person_keys").empty());
  BOOST_TEST(RawRows(dir.File("v.db"), "pseudonym_secrets").size() == 2u);
}

BOOST_AUTO_TEST_CASE(verify_finds_a_damaged_key) {
  TempDir dir;
  const std::string db = dir.File("v.db");
  auto provider = NewKeyFile(dir.File("k"));
  const RecordRef ref{"P-000123", "note-1", 1};
  std::vector<uint8_t> sealed;
  {
    auto vault = LoadVault(provider, db);
    sealed = *vault->SealRecord(ref, Bytes(kNote));
    BOOST_TEST(vault->Verify().ok());
  }
  Exec(db, "UPDATE person_keys SET wrapped = zeroblob(72)");
  auto vault = LoadVault(provider, db);
  const absl::Status verified = vault->Verify();
  BOOST_TEST(CodeName(verified) == "DATA_LOSS");
  BOOST_TEST(verified.message() == "vault: 1 of 3 keys do not unwrap with this key provider");
  BOOST_TEST(CodeName(vault->OpenRecord(ref, sealed).status()) == "VERIFICATION_FAILED");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
