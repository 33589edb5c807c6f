// `socle keys init|rotate|shred`, run in-process through socle::cli::Keys with the passphrase
// in SOCLE_PASSPHRASE. The init case is this suite's one test of the default Argon2id cost.
#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "test_util.h"

namespace socle {
namespace {

using vault_testing::Bytes;
using vault_testing::CodeName;
using vault_testing::FileMode;
using vault_testing::LoadVault;
using vault_testing::NewInteractiveKeyFile;
using vault_testing::TempDir;
using vault_testing::TestPassphrase;

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run Keys(const std::vector<std::string>& args, absl::string_view passphrase) {
  setenv("SOCLE_PASSPHRASE", std::string(passphrase).c_str(), 1);
  std::ostringstream out, err;
  const int code = cli::Keys(args, cli::Io{out, err});
  unsetenv("SOCLE_PASSPHRASE");
  return Run{code, out.str(), err.str()};
}

BOOST_AUTO_TEST_SUITE(cli_keys)

BOOST_AUTO_TEST_CASE(init_uses_the_default_argon2id_cost) {
  TempDir dir;
  const std::string key = dir.File("master.key");
  const std::string db = dir.File("vault.db");
  const Run run = Keys({"init", "--key-file", key, "--db", db, "--tenant", "ccas-lyon"},
                       "init passphrase, quite long");
  BOOST_TEST_REQUIRE(run.code == cli::kExitOk, run.err);
  BOOST_TEST(run.out.find("Argon2id opslimit 3, memlimit 256 MiB") != std::string::npos);
  BOOST_TEST(run.out.find("init passphrase") == std::string::npos);
  BOOST_TEST(FileMode(key) == 0600u);
  BOOST_TEST(FileMode(db) == 0600u);
  auto provider = KeyFileProvider::Open(
      key, SecretBytes(absl::string_view("init passphrase, quite long")), vault_testing::FastKdf());
  BOOST_REQUIRE(provider.ok());
  BOOST_TEST((*provider)->kdf_params().opslimit == PassphraseKdfParams::Moderate().opslimit);
  BOOST_TEST((*provider)->kdf_params().memlimit_bytes ==
             PassphraseKdfParams::Moderate().memlimit_bytes);
  // The database is bound to this key file.
  BOOST_TEST(Vault::Open(std::shared_ptr<KeyProvider>(std::move(*provider)), db, "ccas-lyon").ok());
  // A second init refuses to clobber the key file.
  const Run again = Keys({"init", "--key-file", key, "--db", db}, "init passphrase, quite long");
  BOOST_TEST(again.code == cli::kExitInvalidInput);
  BOOST_TEST(again.err.find("ALREADY_EXISTS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rotate_and_shred) {
  TempDir dir;
  const std::string key = dir.File("master.key");
  const std::string db = dir.File("vault.db");
  std::vector<uint8_t> sealed;
  const RecordRef ref{"P-CLI-000123", "note-1", 1};
  {
    auto vault = LoadVault(NewInteractiveKeyFile(key), db, "ccas-lyon");
    sealed = *vault->SealRecord(ref, Bytes("note"));
  }
  const std::string pass(TestPassphrase().view());
  const Run rotated = Keys({"rotate", "--key-file", key, "--db", db, "--tenant=ccas-lyon"}, pass);
  BOOST_TEST_REQUIRE(rotated.code == cli::kExitOk, rotated.err);
  BOOST_TEST(rotated.out == "master key version 2: 3 keys re-wrapped; older versions destroyed\n");
  const Run kept =
      Keys({"rotate", "--key-file", key, "--db", db, "--tenant", "ccas-lyon", "--keep-old"}, pass);
  BOOST_TEST(kept.out == "master key version 3: 3 keys re-wrapped; older versions kept\n");

  const Run shredded = Keys(
      {"shred", "--key-file", key, "--db", db, "--tenant", "ccas-lyon", "--person", "P-CLI-000123"},
      pass);
  BOOST_TEST_REQUIRE(shredded.code == cli::kExitOk, shredded.err);
  BOOST_TEST(shredded.out.find("P-CLI-000123") == std::string::npos);
  const Run twice = Keys(
      {"shred", "--key-file", key, "--db", db, "--tenant", "ccas-lyon", "--person", "P-CLI-000123"},
      pass);
  BOOST_TEST(twice.code == cli::kExitInvalidInput);
  BOOST_TEST(twice.err.find("NOT_FOUND") != std::string::npos);
  BOOST_TEST(twice.err.find("P-CLI-000123") == std::string::npos);

  auto provider = KeyFileProvider::Open(key, TestPassphrase(), vault_testing::FastKdf());
  BOOST_REQUIRE(provider.ok());
  auto vault = LoadVault(std::shared_ptr<KeyProvider>(std::move(*provider)), db, "ccas-lyon");
  BOOST_TEST(CodeName(vault->OpenRecord(ref, sealed).status()) == "NOT_FOUND");
}

BOOST_AUTO_TEST_CASE(wrong_passphrase_and_usage_errors) {
  TempDir dir;
  const std::string key = dir.File("master.key");
  const std::string db = dir.File("vault.db");
  { LoadVault(NewInteractiveKeyFile(key), db); }
  const Run wrong = Keys({"rotate", "--key-file", key, "--db", db}, "not the passphrase!");
  BOOST_TEST(wrong.code == cli::kExitInvalidInput);
  BOOST_TEST(wrong.err.find("VERIFICATION_FAILED") != std::string::npos);
  BOOST_TEST(wrong.err.find("not the passphrase") == std::string::npos);

  const Run on_argv =
      Keys({"rotate", "--key-file", key, "--db", db, "--passphrase", "hunter2-secret"}, "x");
  BOOST_TEST(on_argv.code == cli::kExitUsage);
  BOOST_TEST(on_argv.err.find("never taken from the command line") != std::string::npos);
  BOOST_TEST(on_argv.err.find("hunter2") == std::string::npos);
  BOOST_TEST(Keys({"rotate", "--key-file", key}, "x").code == cli::kExitUsage);
  BOOST_TEST(Keys({"shred", "--key-file", key, "--db", db}, "x").code == cli::kExitUsage);
  BOOST_TEST(Keys({"explode", "--key-file", key, "--db", db}, "x").code == cli::kExitUsage);
  BOOST_TEST(Keys({"init", "--key-file", dir.File("k2"), "--db", db, "--kdf", "weak"}, "x").code ==
             cli::kExitUsage);
  BOOST_TEST(Keys({}, "x").code == cli::kExitUsage);

  // A key file at libsodium's minimum Argon2id cost is for tests only: the CLI refuses it
  // before trying the passphrase.
  const std::string weak = dir.File("weak.key");
  vault_testing::NewKeyFile(weak);
  const Run refused = Keys({"rotate", "--key-file", weak, "--db", dir.File("weak.db")},
                           std::string(TestPassphrase().view()));
  BOOST_TEST(refused.code != cli::kExitOk);
  BOOST_TEST(refused.err.find("FAILED_PRECONDITION") != std::string::npos, refused.err);
  BOOST_TEST(refused.err.find("for tests only") != std::string::npos, refused.err);
  BOOST_TEST(Keys({"help"}, "x").code == cli::kExitOk);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
