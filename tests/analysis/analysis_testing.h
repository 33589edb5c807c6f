// Helpers shared by the analysis suites: the example policies, variants of them, and their
// analysis (failing the current test when one does not load).
#ifndef SOCLE_TESTS_ANALYSIS_ANALYSIS_TESTING_H_
#define SOCLE_TESTS_ANALYSIS_ANALYSIS_TESTING_H_

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "../access/test_util.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"

namespace socle::analysis_testing {

// examples/policies/<name>
inline std::string Example(const std::string& name) {
  return access_testing::ReadFile(std::string(SOCLE_EXAMPLES_DIR) + "/policies/" + name);
}

// `text` with `from` replaced by `to` (which must occur).
inline std::string Replace(const std::string& text, const std::string& from,
                           const std::string& to) {
  BOOST_TEST_REQUIRE(absl::StrContains(text, from), "not in the policy: " << from);
  return absl::StrReplaceAll(text, {{from, to}});
}

// A line of the CCAS matrix, and the one-line change the diff, register and approval tests make
// to it: the front desk handles social data too.
inline constexpr char kFrontDesk[] =
    "habilitations { role: \"secretaire_accueil\"  actions: [READ, WRITE, PRINT] "
    "data_categories: [\"administrative\"] }";
inline constexpr char kFrontDeskSocial[] =
    "habilitations { role: \"secretaire_accueil\"  actions: [READ, WRITE, PRINT] "
    "data_categories: [\"administrative\", \"social\"] }";

inline Policy Load(const std::string& text) {
  absl::StatusOr<Policy> policy = Policy::Load(text);
  BOOST_TEST_REQUIRE(policy.ok(), policy.status());
  return *std::move(policy);
}

inline std::unique_ptr<PolicyAnalysis> Analyse(const std::string& text) {
  absl::StatusOr<Policy> policy = Policy::Load(text);
  BOOST_TEST_REQUIRE(policy.ok(), policy.status());
  absl::StatusOr<std::unique_ptr<PolicyAnalysis>> analysis = PolicyAnalysis::Create(*policy);
  BOOST_TEST_REQUIRE(analysis.ok(), analysis.status());
  return *std::move(analysis);
}

}  // namespace socle::analysis_testing

#endif  // SOCLE_TESTS_ANALYSIS_ANALYSIS_TESTING_H_
