// `socle pseudonymise` (src/cli/pseudonymise.cc), run in-process on string streams. The secrets
// come from the vault (key file + database); the raw secret of the environment is a test-only
// flag, used here for the known answers.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "socle/vault.hpp"
#include "cli/commands.h"
#include "crypto/crypto.h"
#include "test_util.h"

namespace socle::pseudonym_testing {
namespace {

struct Run {
  int code;
  std::string out, err;
};

Run Cli(std::vector<std::string> args, const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out, err;
  const int code = cli::PseudonymiseStream(args, in, cli::Io{out, err});
  return Run{code, out.str(), err.str()};
}

std::string Hex(uint32_t v) { return crypto::ToHex(MasterBytes(v)); }

constexpr char kTestSecret[] = "SOCLE_TEST_ONLY_PSEUDONYM_SECRET";
constexpr char kTestFlag[] = "--test-only-secret-from-env";

// Runs with the raw test secret `secret` in the environment.
Run WithTestSecret(const std::string& secret, std::vector<std::string> args,
                   const std::string& input) {
  setenv(kTestSecret, secret.c_str(), 1);
  args.push_back(kTestFlag);
  Run r = Cli(std::move(args), input);
  unsetenv(kTestSecret);
  return r;
}

BOOST_AUTO_TEST_SUITE(cli_command)

BOOST_AUTO_TEST_CASE(pseudonymises_stdin_line_by_line_with_the_library_constructions) {
  const Run r = WithTestSecret(Hex(1), {"--policy", PolicyPath(), "--domain", "suivi"},
                               "personne-000042\r\na\n");
  BOOST_TEST(r.code == cli::kExitOk);
  BOOST_TEST(r.out == "P0001uQMTaVANaV_YO4KaKwG1qA\nP0001t67yiQOV5ImPodmHYP7HxA\n");
}

BOOST_AUTO_TEST_CASE(a_chain_of_versions_and_a_relationship) {
  const Run r = WithTestSecret("1:" + Hex(1) + "\n2:" + Hex(2) + "\n3:" + Hex(3) + "\n",
                               {"--policy", PolicyPath(), "--domain", "suivi"},
                               "personne-000042\n");
  BOOST_TEST(r.out == "P0003YnhqdM0p3fqCq_bIZlJeXg\n");

  const Run rel = WithTestSecret(
      Hex(1), {"--policy", PolicyPath(), "--domain", "evaluation", "--relationship", "apa_2026"},
      "personne-000042\n");
  BOOST_TEST(rel.code == cli::kExitOk);
  BOOST_TEST(rel.out == "R0001OYrIphU6cGgqPkbwS-viWQ\n");
}

BOOST_AUTO_TEST_CASE(a_transaction_domain_gives_fresh_pseudonyms_per_run) {
  std::string input;
  for (int i = 0; i < 5000; ++i) input += "usager-" + std::to_string(i) + "\n";
  const Run a = WithTestSecret(Hex(1), {"--policy", PolicyPath(), "--domain", "stats"}, input);
  const Run b = WithTestSecret(Hex(1), {"--policy", PolicyPath(), "--domain", "stats"}, input);
  BOOST_TEST(a.code == cli::kExitOk);
  const std::vector<std::string> la = absl::StrSplit(a.out, '\n');
  BOOST_TEST(la.size() == 5001u);  // 5000 lines and the empty tail
  BOOST_TEST(la[0].size() == 27u);
  BOOST_TEST(a.out != b.out);
  BOOST_TEST(a.err.find("TRANSACTION") != std::string::npos);
}

// The secrets come from the vault, as in the library: the CLI's pseudonyms are the ones a
// Pseudonymizer created from the same Vault computes. The passphrase comes from the first line
// of stdin, or from SOCLE_PASSPHRASE.
BOOST_AUTO_TEST_CASE(secrets_come_from_the_vault) {
  const std::string dir = "/tmp/socle_pseudonym_cli_vault_" + std::to_string(getpid());
  const std::string key_file = dir + ".key";
  const std::string db = dir + ".db";
  std::remove(key_file.c_str());
  std::remove(db.c_str());
  const std::string passphrase = "une phrase de passe de test";
  std::string expected;
  {
    KeyFileOptions options;
    options.kdf = PassphraseKdfParams::Interactive();  // the CLI refuses weaker key files
    auto provider = KeyFileProvider::Create(key_file, SecretBytes(absl::string_view(passphrase)),
                                            options);
    BOOST_REQUIRE_MESSAGE(provider.ok(), provider.status().message());
    auto vault = Vault::Open(std::shared_ptr<KeyProvider>(std::move(*provider)), db, "ccas-essai");
    BOOST_REQUIRE_MESSAGE(vault.ok(), vault.status().message());
    auto pseudonymizer = Pseudonymizer::Create(TestPolicy(), **vault);
    BOOST_REQUIRE(pseudonymizer.ok());
    auto context = (*pseudonymizer)->NewContext("suivi");
    BOOST_REQUIRE(context.ok());
    for (const char* id : {"personne-000042", "a"}) {
      auto p = context->Compute(id);
      BOOST_REQUIRE(p.ok());
      expected += p->ToText() + "\n";
    }
  }
  const std::vector<std::string> args = {"--policy", PolicyPath(), "--domain", "suivi",
                                         "--key-file", key_file, "--db", db,
                                         "--tenant", "ccas-essai"};
  const Run from_stdin = Cli(args, passphrase + "\npersonne-000042\na\n");
  BOOST_TEST(from_stdin.code == cli::kExitOk, from_stdin.err);
  BOOST_TEST(from_stdin.out == expected);
  // Not the test secret's pseudonyms: the vault's own secret.
  BOOST_TEST(from_stdin.out.substr(0, 27) != "P0001uQMTaVANaV_YO4KaKwG1qA");

  setenv("SOCLE_PASSPHRASE", passphrase.c_str(), 1);
  const Run from_env = Cli(args, "personne-000042\na\n");
  unsetenv("SOCLE_PASSPHRASE");
  BOOST_TEST(from_env.out == expected);

  const Run wrong = Cli(args, "pas la bonne phrase\npersonne-000042\n");
  BOOST_TEST(wrong.code == cli::kExitInvalidInput);
  BOOST_TEST(wrong.out.empty());
  BOOST_TEST(wrong.err.find("pas la bonne") == std::string::npos);
  BOOST_TEST(wrong.err.find("personne-000042") == std::string::npos);

  // Another tenant of the same database has other secrets; a missing database is not created.
  std::vector<std::string> other = args;
  other.back() = "autre-tenant";
  const Run other_tenant = Cli(other, passphrase + "\npersonne-000042\na\n");
  BOOST_TEST(other_tenant.code == cli::kExitOk);
  BOOST_TEST(other_tenant.out != expected);
  std::vector<std::string> missing = args;
  missing[7] = dir + ".absent.db";
  const Run no_db = Cli(missing, passphrase + "\nx\n");
  BOOST_TEST(no_db.code == cli::kExitInvalidInput);
  BOOST_TEST(no_db.err.find("socle keys init") != std::string::npos);
  BOOST_TEST(access((dir + ".absent.db").c_str(), F_OK) != 0);

  // The passphrase is never taken from the command line.
  std::vector<std::string> on_command_line = args;
  on_command_line.push_back("--passphrase");
  BOOST_TEST(Cli(on_command_line, "x\n").code == cli::kExitUsage);
  for (const char* suffix : {".key", ".db", ".db-wal", ".db-shm"}) {
    std::remove((dir + suffix).c_str());
  }
}

// The raw secret of the environment is for tests only: without the explicit test flag it is not
// read, and the vault is required.
BOOST_AUTO_TEST_CASE(a_raw_secret_needs_the_test_only_flag) {
  setenv(kTestSecret, Hex(1).c_str(), 1);
  setenv("SOCLE_PSEUDONYM_SECRET", Hex(1).c_str(), 1);  // the variable of older versions
  const Run no_vault = Cli({"--policy", PolicyPath(), "--domain", "suivi"}, "x\n");
  unsetenv("SOCLE_PSEUDONYM_SECRET");
  unsetenv(kTestSecret);
  BOOST_TEST(no_vault.code == cli::kExitUsage);
  BOOST_TEST(no_vault.out.empty());
  BOOST_TEST(no_vault.err.find("--key-file and --db are required") != std::string::npos);
  // Both at once is ambiguous.
  const Run both = WithTestSecret(
      Hex(1), {"--policy", PolicyPath(), "--domain", "suivi", "--key-file", "k", "--db", "d"},
      "x\n");
  BOOST_TEST(both.code == cli::kExitUsage);
  // The flag without the variable.
  const Run unset = Cli({"--policy", PolicyPath(), "--domain", "suivi", kTestFlag}, "x\n");
  BOOST_TEST(unset.code == cli::kExitUsage);
  BOOST_TEST(unset.err.find(kTestSecret) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(help_is_usage_on_stdout) {
  for (const char* flag : {"--help", "-h"}) {
    const Run r = Cli({flag}, "");
    BOOST_TEST(r.code == cli::kExitOk);
    BOOST_TEST(r.out.find("usage: socle pseudonymise") != std::string::npos);
    BOOST_TEST(r.err.empty());
  }
}

BOOST_AUTO_TEST_CASE(errors_name_lines_never_identifiers_nor_secrets) {
  const Run empty_line = WithTestSecret(Hex(1), {"--policy", PolicyPath(), "--domain", "suivi"},
                                        "2850275123456\n\nx\n");
  BOOST_TEST(empty_line.code == cli::kExitInvalidInput);
  BOOST_TEST(empty_line.err.find("line 2") != std::string::npos);
  BOOST_TEST(empty_line.err.find("2850275123456") == std::string::npos);
  const Run unknown =
      WithTestSecret(Hex(1), {"--policy", PolicyPath(), "--domain", "nulle_part"}, "x\n");
  BOOST_TEST(unknown.code == cli::kExitInvalidInput);
  const Run usage = Cli({"--policy", PolicyPath()}, "");
  BOOST_TEST(usage.code == cli::kExitUsage);
  const Run bad_arg = Cli({"--frobnicate"}, "");
  BOOST_TEST(bad_arg.code == cli::kExitUsage);
  const Run bad_policy =
      WithTestSecret(Hex(1), {"--policy", "/nonexistent/policy", "--domain", "suivi"}, "x\n");
  BOOST_TEST(bad_policy.code == cli::kExitFailure);

  const Run short_secret = WithTestSecret("00112233445566778899aabbccddee",  // 15 bytes
                                          {"--policy", PolicyPath(), "--domain", "suivi"}, "x\n");
  BOOST_TEST(short_secret.code == cli::kExitInvalidInput);
  BOOST_TEST(short_secret.err.find("00112233") == std::string::npos);
  const Run not_hex =
      WithTestSecret(Hex(1) + "zz", {"--policy", PolicyPath(), "--domain", "suivi"}, "x\n");
  BOOST_TEST(not_hex.code == cli::kExitInvalidInput);
  BOOST_TEST(not_hex.err.find(Hex(1).substr(0, 8)) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pseudonym_testing
