// Validation: each broken policy under broken/ yields exactly the error codes its `# expect:`
// headers name (and at the line they give), Load refuses it without building a Policy, and the
// broken set covers every error code of the reference. The policies under valid/ (edge values,
// defaults) load with no diagnostic at all.
#include <algorithm>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "test_util.h"

namespace socle {
namespace {

namespace bdata = boost::unit_test::data;
using policy_testing::AllErrorCodes;
using policy_testing::AllWarningCodes;
using policy_testing::CodeOf;
using policy_testing::DataPath;
using policy_testing::Describe;
using policy_testing::ErrorCodes;
using policy_testing::Expectation;
using policy_testing::ListTextprotos;
using policy_testing::ParseExpectations;
using policy_testing::ReadFile;
using policy_testing::WarningCodes;

std::string Basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

std::vector<std::string> BrokenFiles() { return ListTextprotos(DataPath("broken")); }
std::vector<std::string> ValidFiles() { return ListTextprotos(DataPath("valid")); }

BOOST_AUTO_TEST_SUITE(policy_validate)

BOOST_AUTO_TEST_CASE(broken_and_valid_sets_are_there) {
  BOOST_TEST(BrokenFiles().size() >= 25u);
  BOOST_TEST(ValidFiles().size() >= 1u);
}

// Every error code of the reference is expected by at least one broken file, every warning code
// by a file that must still load, and no file expects a code the reference does not define.
BOOST_AUTO_TEST_CASE(broken_set_covers_every_code) {
  std::set<std::string> errors, warnings;
  for (const std::string& path : BrokenFiles()) {
    BOOST_TEST_CONTEXT(Basename(path)) {
      const std::vector<Expectation> expected = ParseExpectations(ReadFile(path));
      BOOST_TEST(!expected.empty(), "a broken file without `# expect:` header");
      for (const Expectation& e : expected) {
        const auto& known = e.warning ? AllWarningCodes() : AllErrorCodes();
        BOOST_TEST((std::find(known.begin(), known.end(), e.code) != known.end()),
                   "unknown code " << e.code);
        (e.warning ? warnings : errors).insert(e.code);
      }
    }
  }
  for (const std::string& code : AllErrorCodes()) {
    BOOST_TEST(errors.count(code) == 1u, "no broken file expects " << code);
  }
  for (const std::string& code : AllWarningCodes()) {
    BOOST_TEST(warnings.count(code) == 1u, "no warning-only file expects " << code);
  }
}

// docs/policy-reference.md documents every code with its severity, in its table.
BOOST_AUTO_TEST_CASE(reference_documents_every_code) {
  const std::string doc = ReadFile(std::string(SOCLE_EXAMPLES_DIR) + "/../docs/policy-reference.md");
  for (const std::string& code : AllErrorCodes()) {
    BOOST_TEST(absl::StrContains(doc, "| `" + code + "` | error |"), code << " missing from the reference");
  }
  for (const std::string& code : AllWarningCodes()) {
    BOOST_TEST(absl::StrContains(doc, "| `" + code + "` | warning |"), code << " missing from the reference");
  }
}

BOOST_DATA_TEST_CASE(broken_file_yields_exactly_its_errors, bdata::make(BrokenFiles()), path) {
  const std::string name = Basename(path);
  const std::string text = ReadFile(path);
  const std::vector<Expectation> expected = ParseExpectations(text);
  std::set<std::string> expected_errors, expected_warnings;
  for (const Expectation& e : expected) (e.warning ? expected_warnings : expected_errors).insert(e.code);

  const std::vector<Diagnostic> diagnostics = Policy::Validate(text);
  BOOST_TEST_CONTEXT(name << Describe(diagnostics, name)) {
    BOOST_TEST(ErrorCodes(diagnostics) == expected_errors, boost::test_tools::per_element());
    for (const Expectation& e : expected) {
      if (e.line == 0) continue;
      const bool found = std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic& d) {
        return d.code == e.code && d.line == e.line;
      });
      BOOST_TEST(found, e.code << " expected at line " << e.line);
    }
    for (const Diagnostic& d : diagnostics) {
      BOOST_TEST(!d.code.empty());
      BOOST_TEST(!d.message.empty(), d.code << " has no message");
      if (d.code == "syntax") {
        BOOST_TEST(d.line > 0, "a syntax error without its line");
        BOOST_TEST(d.column > 0, "a syntax error without its column");
      } else if (d.code == "diagnostics.truncated") {
        // The count of the problems left out is about the whole text: no path, no line.
        BOOST_TEST(d.path.empty());
        BOOST_TEST(&d == &diagnostics.back(), "the truncation is the last diagnostic");
      } else {
        // Each error says where it is: a field path, and a line when the field is in the text.
        BOOST_TEST(!d.path.empty(), d.code << " has no field path");
      }
    }

    std::vector<Diagnostic> from_load;
    const absl::StatusOr<Policy> policy = Policy::Load(text, &from_load);
    BOOST_TEST(ErrorCodes(from_load) == ErrorCodes(diagnostics), boost::test_tools::per_element());
    if (expected_errors.empty()) {
      // Warnings only: the policy loads, and the warnings are reported.
      BOOST_TEST(policy.ok(), policy.status().ToString());
      BOOST_TEST(WarningCodes(diagnostics) == expected_warnings, boost::test_tools::per_element());
      BOOST_TEST(WarningCodes(from_load) == expected_warnings, boost::test_tools::per_element());
    } else {
      BOOST_REQUIRE(!policy.ok());
      const ErrorCode want =
          expected_errors.count("syntax") ? ErrorCode::kParse : ErrorCode::kPolicyInvalid;
      BOOST_TEST(CodeOf(policy.status()) == ErrorCodeName(want),
                 policy.status().ToString());
    }
  }
}

BOOST_DATA_TEST_CASE(valid_file_loads_clean, bdata::make(ValidFiles()), path) {
  const std::string name = Basename(path);
  const std::string text = ReadFile(path);
  const std::vector<Diagnostic> diagnostics = Policy::Validate(text);
  BOOST_TEST_CONTEXT(name << Describe(diagnostics, name)) {
    BOOST_TEST(diagnostics.empty());
    const absl::StatusOr<Policy> policy = Policy::Load(text);
    BOOST_TEST(policy.ok(), policy.status().ToString());
  }
}

// A DPO's mistakes are reported together, not one per run.
BOOST_AUTO_TEST_CASE(every_error_is_reported_not_only_the_first) {
  const std::string text = ReadFile(DataPath("broken/multiple_errors.textproto"));
  BOOST_TEST(ErrorCodes(Policy::Validate(text)).size() == 3u);
}

// An empty file is valid text format (an empty message): the validator says what is missing,
// once for each missing part, without cascading (the policy's own id included: records cite it).
BOOST_AUTO_TEST_CASE(empty_policy_lists_what_is_missing) {
  const std::set<std::string> expected = {"format_version.unsupported", "id.missing",
                                          "controller.missing", "activity.none", "role.none"};
  for (const char* text : {"", "\n\n", "# only a comment\n", "   \t\n"}) {
    const std::vector<Diagnostic> diagnostics = Policy::Validate(text);
    BOOST_TEST_CONTEXT("text=\"" << text << "\"" << Describe(diagnostics, "empty")) {
      BOOST_TEST(ErrorCodes(diagnostics) == expected, boost::test_tools::per_element());
      const absl::StatusOr<Policy> policy = Policy::Load(text);
      BOOST_REQUIRE(!policy.ok());
      BOOST_TEST(CodeOf(policy.status()) == ErrorCodeName(ErrorCode::kPolicyInvalid));
    }
  }
}

BOOST_AUTO_TEST_CASE(diagnostic_to_string_reads_like_a_compiler) {
  Diagnostic d;
  d.severity = Diagnostic::Severity::kError;
  d.code = "statistics.threshold_too_low";
  d.path = "statistics.small_cell_threshold";
  d.line = 49;
  d.column = 14;
  d.message = "small_cell_threshold 2 is below 3";
  BOOST_TEST(d.ToString("ccas.textproto") ==
             "ccas.textproto:49:14: error: small_cell_threshold 2 is below 3 "
             "[statistics.threshold_too_low] (at statistics.small_cell_threshold)");

  d.severity = Diagnostic::Severity::kWarning;
  d.code = "data_category.unused";
  d.path = "data_categories[3]";
  d.line = 7;
  d.column = 1;
  d.message = "no activity uses data category \"housing\"";
  BOOST_TEST(d.ToString("p.textproto") ==
             "p.textproto:7:1: warning: no activity uses data category \"housing\" "
             "[data_category.unused] (at data_categories[3])");

  // A syntax error has no path: no "(at …)" suffix.
  Diagnostic s;
  s.code = "syntax";
  s.line = 3;
  s.column = 5;
  s.message = "Expected identifier";
  BOOST_TEST(s.ToString("x.textproto") == "x.textproto:3:5: error: Expected identifier [syntax]");
}

BOOST_AUTO_TEST_CASE(diagnostics_of_a_real_file_print_with_its_name_and_line) {
  const std::string text = ReadFile(DataPath("broken/statistics_threshold_too_low.textproto"));
  const std::vector<Diagnostic> diagnostics = Policy::Validate(text);
  BOOST_REQUIRE(diagnostics.size() == 1u);
  const std::string printed = diagnostics[0].ToString("statistics_threshold_too_low.textproto");
  BOOST_TEST(absl::StartsWith(printed, "statistics_threshold_too_low.textproto:49:"), printed);
  BOOST_TEST(absl::StrContains(printed, ": error: "), printed);
  BOOST_TEST(absl::EndsWith(printed, "[statistics.threshold_too_low] (at statistics.small_cell_threshold)"),
             printed);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
