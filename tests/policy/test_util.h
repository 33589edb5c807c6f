// Helpers shared by the policy suites: where the example and broken policies live, reading them,
// the `# expect:` headers of the broken variants, and the closed list of diagnostic codes.
#ifndef SOCLE_TESTS_POLICY_TEST_UTIL_H_
#define SOCLE_TESTS_POLICY_TEST_UTIL_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "socle/policy.hpp"
#include "socle/v1/policy.pb.h"

namespace socle::policy_testing {

// examples/policies/<name>
std::string ExamplePath(absl::string_view name);
// tests/policy/<relative>
std::string DataPath(absl::string_view relative);
// The *.textproto files of a directory, full paths, sorted.
std::vector<std::string> ListTextprotos(const std::string& directory);
// The whole file; fails the current test if it cannot be read.
std::string ReadFile(const std::string& path);

// One `# expect: <code> [@<line>]` or `# expect-warning: <code>` header line.
struct Expectation {
  std::string code;
  int line = 0;  // 0: any line
  bool warning = false;
};
std::vector<Expectation> ParseExpectations(absl::string_view text);

std::set<std::string> ErrorCodes(const std::vector<Diagnostic>& diagnostics);
std::set<std::string> WarningCodes(const std::vector<Diagnostic>& diagnostics);
// Every diagnostic as the command line prints it, one per line, for failure messages.
std::string Describe(const std::vector<Diagnostic>& diagnostics, absl::string_view source);

// The stable name of the socle error code a status carries ("POLICY_INVALID"), printable by Boost.
std::string CodeOf(const absl::Status& status);

// The policy as protobuf parses it (no socle validation), to compare socle's tables with the text.
v1::Policy ParseProto(absl::string_view text);

// The closed list of diagnostic codes (docs/policy-reference.md): errors, then warnings.
const std::vector<std::string>& AllErrorCodes();
const std::vector<std::string>& AllWarningCodes();

}  // namespace socle::policy_testing

#endif  // SOCLE_TESTS_POLICY_TEST_UTIL_H_
