// `socle pseudonymise` (src/cli/pseudonymise.cc), run in-process on string streams.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "crypto/crypto.h"
#include "test_util.h"

namespace socle::cli {
int PseudonymiseStream(const std::vector<std::string>& args, std::istream& in, Io io);
}

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

std::string TempFile(const std::string& name, const std::string& content) {
  const std::string path =
      std::string("/tmp/socle_pseudonym_cli_") + std::to_string(getpid()) + "_" + name;
  std::ofstream(path) << content;
  return path;
}

BOOST_AUTO_TEST_SUITE(cli_command)

BOOST_AUTO_TEST_CASE(pseudonymises_stdin_line_by_line_with_the_library_constructions) {
  const std::string secret = TempFile("v1", Hex(1) + "\n");
  const Run r = Cli({"--policy", PolicyPath(), "--domain", "suivi", "--secret-file", secret},
                    "personne-000042\r\na\n");
  std::remove(secret.c_str());
  BOOST_TEST(r.code == cli::kExitOk);
  BOOST_TEST(r.out == "P0001uQMTaVANaV_YO4KaKwG1qA\nP0001t67yiQOV5ImPodmHYP7HxA\n");
}

BOOST_AUTO_TEST_CASE(a_chain_of_versions_and_the_environment_variable) {
  const std::string secrets =
      TempFile("v123", "1:" + Hex(1) + "\n2:" + Hex(2) + "\n3:" + Hex(3) + "\n");
  const Run r = Cli({"--policy", PolicyPath(), "--domain", "suivi", "--secret-file", secrets},
                    "personne-000042\n");
  std::remove(secrets.c_str());
  BOOST_TEST(r.out == "P0003YnhqdM0p3fqCq_bIZlJeXg\n");

  setenv("SOCLE_PSEUDONYM_SECRET", Hex(1).c_str(), 1);
  const Run env =
      Cli({"--policy", PolicyPath(), "--domain", "evaluation", "--relationship", "apa_2026"},
          "personne-000042\n");
  unsetenv("SOCLE_PSEUDONYM_SECRET");
  BOOST_TEST(env.code == cli::kExitOk);
  BOOST_TEST(env.out == "R0001OYrIphU6cGgqPkbwS-viWQ\n");
}

BOOST_AUTO_TEST_CASE(a_transaction_domain_gives_fresh_pseudonyms_per_run) {
  setenv("SOCLE_PSEUDONYM_SECRET", Hex(1).c_str(), 1);
  std::string input;
  for (int i = 0; i < 5000; ++i) input += "usager-" + std::to_string(i) + "\n";
  const Run a = Cli({"--policy", PolicyPath(), "--domain", "stats"}, input);
  const Run b = Cli({"--policy", PolicyPath(), "--domain", "stats"}, input);
  unsetenv("SOCLE_PSEUDONYM_SECRET");
  BOOST_TEST(a.code == cli::kExitOk);
  const std::vector<std::string> la = absl::StrSplit(a.out, '\n');
  BOOST_TEST(la.size() == 5001u);  // 5000 lines and the empty tail
  BOOST_TEST(la[0].size() == 27u);
  BOOST_TEST(a.out != b.out);
  BOOST_TEST(a.err.find("TRANSACTION") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(errors_name_lines_never_identifiers_nor_secrets) {
  setenv("SOCLE_PSEUDONYM_SECRET", Hex(1).c_str(), 1);
  const Run empty_line =
      Cli({"--policy", PolicyPath(), "--domain", "suivi"}, "2850275123456\n\nx\n");
  BOOST_TEST(empty_line.code == cli::kExitInvalidInput);
  BOOST_TEST(empty_line.err.find("line 2") != std::string::npos);
  BOOST_TEST(empty_line.err.find("2850275123456") == std::string::npos);
  const Run unknown = Cli({"--policy", PolicyPath(), "--domain", "nulle_part"}, "x\n");
  BOOST_TEST(unknown.code == cli::kExitInvalidInput);
  const Run usage = Cli({"--policy", PolicyPath()}, "");
  BOOST_TEST(usage.code == cli::kExitUsage);
  const Run bad_arg = Cli({"--frobnicate"}, "");
  BOOST_TEST(bad_arg.code == cli::kExitUsage);
  const Run bad_policy = Cli({"--policy", "/nonexistent/policy", "--domain", "suivi"}, "x\n");
  BOOST_TEST(bad_policy.code == cli::kExitFailure);

  setenv("SOCLE_PSEUDONYM_SECRET", "00112233445566778899aabbccddee", 1);  // 15 bytes
  const Run short_secret = Cli({"--policy", PolicyPath(), "--domain", "suivi"}, "x\n");
  BOOST_TEST(short_secret.code == cli::kExitInvalidInput);
  BOOST_TEST(short_secret.err.find("00112233") == std::string::npos);
  setenv("SOCLE_PSEUDONYM_SECRET", (Hex(1) + "zz").c_str(), 1);
  const Run not_hex = Cli({"--policy", PolicyPath(), "--domain", "suivi"}, "x\n");
  BOOST_TEST(not_hex.code == cli::kExitInvalidInput);
  BOOST_TEST(not_hex.err.find(Hex(1).substr(0, 8)) == std::string::npos);
  unsetenv("SOCLE_PSEUDONYM_SECRET");
  const Run no_secret = Cli({"--policy", PolicyPath(), "--domain", "suivi"}, "x\n");
  BOOST_TEST(no_secret.code == cli::kExitUsage);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pseudonym_testing
