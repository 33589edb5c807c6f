// `socle redact --known FILE`: text on stdin, redacted text on stdout, counts on stderr; exit
// codes 0 (done), 1 (bad known file), 2 (bad command line), 3 (unreadable file).
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace socle::cli {
namespace {

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run RunRedact(const std::string& input, const std::vector<std::string>& args) {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  const int code = RedactStream(in, args, Io{out, err});
  return {code, out.str(), err.str()};
}

// A known-identities file in the temporary directory, named for this process.
std::string WriteKnown(const std::string& name, const std::string& content) {
  static int counter = 0;
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("socle_text_cli_" + std::to_string(::getpid()) +
                                                "_" + std::to_string(counter++) + "_" + name);
  std::ofstream(path) << content;
  return path.string();
}

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(redacts_stdin_with_known_identities) {
  const std::string known = WriteKnown(
      "known.txt", "name Martin\nfirst_name Rose\nperson\nfirst_name Lucas\nname Martin\n");
  const Run run = RunRedact(
      "Mme Rose MARTIN et Lucas ont appelé du 06 12 34 56 78.\nNIR 2 85 03 75 111 222 03\n",
      {"--known", known});
  BOOST_TEST(run.code == kExitOk);
  BOOST_TEST(run.out == "Mme [PERSONNE-1] et [PERSONNE-2] ont appelé du [TÉLÉPHONE].\nNIR [NIR]\n");
  BOOST_TEST(run.err.find("PERSONNE 2") != std::string::npos, run.err);
  BOOST_TEST(run.err.find("NIR 1") != std::string::npos, run.err);
  // The report on stderr names no value.
  for (const char* value : {"Rose", "Martin", "Lucas", "06 12", "85 03"}) {
    BOOST_TEST(run.err.find(value) == std::string::npos, value);
  }
  std::remove(known.c_str());
}

BOOST_AUTO_TEST_CASE(options_and_errors) {
  BOOST_TEST(RunRedact("x", {"--frobnicate"}).code == kExitUsage);
  BOOST_TEST(RunRedact("x", {"--known"}).code == kExitUsage);
  BOOST_TEST(RunRedact("x", {"--known", "/nonexistent/socle/known.txt"}).code == kExitFailure);

  const std::string typo = WriteKnown("typo.txt", "name Martin\nRose Martin\n");
  const Run bad = RunRedact("x", {"--known=" + typo});
  BOOST_TEST(bad.code == kExitInvalidInput);
  BOOST_TEST(bad.err.find("line 2") != std::string::npos, bad.err);
  BOOST_TEST(bad.err.find("Rose") == std::string::npos, bad.err);
  std::remove(typo.c_str());

  const std::string short_name = WriteKnown("short.txt", "name X\n");
  BOOST_TEST(RunRedact("x", {"--known", short_name}).code == kExitInvalidInput);
  std::remove(short_name.c_str());

  // Without --known only the recognisers run.
  const Run plain = RunRedact("Rose au 06 12 34 56 78", {});
  BOOST_TEST(plain.code == kExitOk);
  BOOST_TEST(plain.out == "Rose au [TÉLÉPHONE]");

  const std::string rose = WriteKnown("rose.txt", "first_name Rose\n");
  // Precise names by default; the old flag still says the same.
  BOOST_TEST(RunRedact("Rose a une robe rose", {"--known", rose}).out ==
             "[PERSONNE-1] a une robe rose");
  const Run capital =
      RunRedact("Rose a une robe rose", {"--known", rose, "--common-words-need-capital"});
  BOOST_TEST(capital.out == "[PERSONNE-1] a une robe rose");
  // The aggressive mode, asked for explicitly.
  const Run any_case =
      RunRedact("Rose a une robe rose", {"--known", rose, "--common-words-any-case"});
  BOOST_TEST(any_case.code == kExitOk);
  BOOST_TEST(any_case.out == "[PERSONNE-1] a une robe [PERSONNE-1]");
  std::remove(rose.c_str());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::cli
