// No key, passphrase, person id or record id in any error message: every error path of the
// vault is triggered with distinctive secrets, and every status is searched for them.
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "test_util.h"

namespace socle {
namespace {

using vault_testing::Bytes;
using vault_testing::CheckNoSecret;
using vault_testing::CodeName;
using vault_testing::FakeHsm;
using vault_testing::FastKdf;
using vault_testing::LoadVault;
using vault_testing::TempDir;
using vault_testing::WriteFileBytes;

constexpr absl::string_view kPassphrase = "Zy9-PASSPHRASE-qv7Kx";
constexpr absl::string_view kWrongPassphrase = "Zy9-WRONGPASS-qv7Kx";
constexpr absl::string_view kPerson = "PERSON-ID-8d1f3a";
constexpr absl::string_view kOtherPerson = "PERSON-ID-c02e77";
constexpr absl::string_view kRecord = "RECORD-ID-55ab90";

BOOST_AUTO_TEST_SUITE(messages)

BOOST_AUTO_TEST_CASE(no_error_message_carries_a_secret_or_an_identifier) {
  TempDir dir;
  std::vector<absl::Status> errors;
  const auto collect = [&](const absl::Status& s) {
    BOOST_TEST(!s.ok());
    errors.push_back(s);
  };
  const SecretBytes passphrase(kPassphrase);

  // Key file paths.
  const std::string key_path = dir.File("master.key");
  auto key_file = KeyFileProvider::Create(key_path, passphrase, FastKdf());
  BOOST_REQUIRE(key_file.ok());
  std::shared_ptr<KeyFileProvider> provider(std::move(*key_file));
  collect(KeyFileProvider::Create(key_path, passphrase, FastKdf()).status());
  collect(KeyFileProvider::Create(dir.File("short.key"), SecretBytes(absl::string_view("Zy9-P")),
                                  FastKdf())
              .status());
  collect(KeyFileProvider::Open(key_path, SecretBytes(kWrongPassphrase), vault_testing::FastKdf())
              .status());
  collect(KeyFileProvider::Open(dir.File("missing.key"), passphrase, vault_testing::FastKdf())
              .status());
  WriteFileBytes(dir.File("junk.key"), Bytes("SOCLEKEY\xff\xff\xff"));
  collect(
      KeyFileProvider::Open(dir.File("junk.key"), passphrase, vault_testing::FastKdf()).status());
  collect(provider->RetireVersionsBefore(99));
  collect(provider->ChangePassphrase(SecretBytes(absl::string_view("Zy9-P")),
                                     PassphraseKdfParams::MinimumForTests()));
  collect(provider->Unwrap(1, std::vector<uint8_t>(72, 3), Bytes(kPerson)).status());

  // Vault paths, over an HSM that remembers every key it wrapped.
  auto hsm = std::make_shared<FakeHsm>();
  const std::string db = dir.File("v.db");
  auto vault = LoadVault(hsm, db);
  const RecordRef ref{kPerson, kRecord, 1};
  const auto sealed = vault->SealRecord(ref, Bytes("note"));
  BOOST_REQUIRE(sealed.ok());
  collect(Vault::Open(provider, db, "ccas-lyon").status());  // bound to another key id
  collect(vault
              ->SealRecord(RecordRef{std::string(kPerson) + std::string(300, 'x'), kRecord, 1},
                           Bytes("note"))
              .status());
  collect(vault
              ->SealRecord(RecordRef{kPerson, std::string(kRecord) + std::string(300, 'y'), 1},
                           Bytes("note"))
              .status());
  collect(vault->OpenRecord(RecordRef{kOtherPerson, kRecord, 1}, *sealed).status());
  BOOST_REQUIRE(vault->SealRecord(RecordRef{kOtherPerson, kRecord, 1}, Bytes("n")).ok());
  collect(vault->OpenRecord(RecordRef{kOtherPerson, kRecord, 1}, *sealed).status());
  collect(vault->OpenRecord(RecordRef{kPerson, "RECORD-ID-other", 1}, *sealed).status());
  std::vector<uint8_t> altered = *sealed;
  altered[20] ^= 1;
  collect(vault->OpenRecord(ref, altered).status());
  collect(vault->OpenRecord(ref, absl::MakeConstSpan(*sealed).first(30)).status());
  collect(vault->ShredPerson("PERSON-ID-never"));
  collect(vault->DestroyPseudonymSecret(1));
  collect(vault->PseudonymMasterSecret(9).status());
  const auto ledger = vault->LedgerSecret("access_trail");
  BOOST_REQUIRE(ledger.ok());
  collect(vault->LedgerSecret(kPerson).status());  // not a ledger name: never repeated
  collect(vault->LedgerSecret(std::string(65, 'a')).status());
  hsm->fail_wrap_after = 0;
  collect(vault->LedgerSecret("state").status());
  collect(vault->RotateMasterKey(true).status());
  collect(vault->SealRecord(RecordRef{"PERSON-ID-brandnew", kRecord, 1}, Bytes("n")).status());
  hsm->fail_wrap_after = -1;
  BOOST_REQUIRE(vault->ShredPerson(kPerson).ok());
  collect(vault->OpenRecord(ref, *sealed).status());
  collect(vault->SealRecord(ref, Bytes("n"), KeyCreation::kRefuseIfShredded).status());
  {
    sqlite3* h = nullptr;
    BOOST_REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(h,
                               "UPDATE person_keys SET wrapped = zeroblob(72); "
                               "UPDATE ledger_secrets SET wrapped = zeroblob(72);",
                               nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
  }
  auto reloaded = LoadVault(hsm, db);
  collect(reloaded->Verify());
  collect(reloaded->OpenRecord(RecordRef{kOtherPerson, kRecord, 1}, *sealed).status());
  collect(reloaded->LedgerSecret("access_trail").status());

  BOOST_TEST(errors.size() == 29u);  // every path above failed as expected
  const auto pseudonym = vault->PseudonymMasterSecret(1);
  BOOST_REQUIRE(pseudonym.ok());
  for (const absl::Status& status : errors) {
    CheckNoSecret(status, Bytes(kPassphrase), "the passphrase");
    CheckNoSecret(status, Bytes(kWrongPassphrase), "the wrong passphrase");
    CheckNoSecret(status, Bytes(kPerson), "a person id");
    CheckNoSecret(status, Bytes(kOtherPerson), "a person id");
    CheckNoSecret(status, Bytes("PERSON-ID-"), "a person id");
    CheckNoSecret(status, Bytes("RECORD-ID-"), "a record id");
    CheckNoSecret(status, pseudonym->span(), "a pseudonymisation secret");
    CheckNoSecret(status, ledger->span(), "a ledger secret");
    for (const auto& key : hsm->seen_keys()) CheckNoSecret(status, key, "a data key");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
