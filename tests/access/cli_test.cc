// `socle access explain` (src/cli/access.cc), run in-process on the shared workload.
#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

struct Run {
  int code;
  std::string out, err;
};

Run Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = socle::cli::Access(args, socle::cli::Io{out, err});
  return {code, out.str(), err.str()};
}

std::vector<std::string> Explain(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"explain",
                                   "--policy",
                                   TestDir() + "/workload_policy.textproto",
                                   "--professionals",
                                   WorkloadDir() + "/professionals.tsv",
                                   "--persons=" + WorkloadDir() + "/persons.tsv",
                                   "--purpose",
                                   "accompagnement"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

BOOST_AUTO_TEST_SUITE(access_cli)

BOOST_AUTO_TEST_CASE(explains_a_workload_request) {
  // requests_denied.tsv line 1: not in team.
  Run run = Cli(Explain({"--actor", "p872", "--person", "x50757", "--category", "administrative",
                         "--item", "r20001", "--author", "p953"}));
  BOOST_TEST(run.code == 0, run.err);
  BOOST_TEST(run.out.find("DENY (not_assigned)") != std::string::npos, run.out);
  BOOST_TEST(run.out.find("[FAIL] need_to_know") != std::string::npos, run.out);
  BOOST_TEST(run.out.find("decided by: need-to-know") != std::string::npos, run.out);

  // The first allow_own_masked request of the mixed file.
  for (const WorkloadRequest& w : ReadRequests("requests_mixed.tsv")) {
    if (w.reason != "allow_own_masked") continue;
    run =
        Cli(Explain({"--actor", w.professional, "--person", w.person, "--category", w.category,
                     "--action", w.action, "--item", w.record, "--author", w.author, "--masked"}));
    BOOST_TEST(run.code == 0, run.err);
    BOOST_TEST(run.out.find("ALLOW (allowed_author_of_masked)") != std::string::npos, run.out);
    BOOST_TEST(run.out.find("wrote it and keeps access") != std::string::npos, run.out);
    break;
  }
}

BOOST_AUTO_TEST_CASE(bad_command_lines) {
  BOOST_TEST(Cli({}).code == socle::cli::kExitUsage);
  BOOST_TEST(Cli({"explain"}).code == socle::cli::kExitUsage);
  Run run =
      Cli(Explain({"--actor", "p1", "--person", "x1", "--category", "social", "--action", "peek"}));
  BOOST_TEST(run.code == socle::cli::kExitUsage);
  BOOST_TEST(run.err.find("unknown action 'peek'") != std::string::npos, run.err);
  run = Cli(Explain({"--actor", "nobody", "--person", "x1", "--category", "social"}));
  BOOST_TEST(run.code == socle::cli::kExitInvalidInput);
  BOOST_TEST(run.err.find("--actor 'nobody' is not a professional") != std::string::npos, run.err);
  run = Cli(Explain({"--actor", "p1", "--person", "x1", "--category", "astrology"}));
  BOOST_TEST(run.code == socle::cli::kExitInvalidInput);
  run = Cli({"explain", "--policy", "/nonexistent.textproto", "--professionals", "a", "--persons",
             "b", "--actor", "p1", "--person", "x1", "--category", "social", "--purpose", "p"});
  BOOST_TEST(run.code == socle::cli::kExitFailure, run.err);
  BOOST_TEST(Cli({"frobnicate"}).code == socle::cli::kExitUsage);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
