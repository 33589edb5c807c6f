// Loading: the example policies load clean, a file that cannot be read is an IO error, and bad
// input (garbage, NUL bytes, out-of-range numbers, oversized text, invalid UTF-8) is an error with
// no Policy, never a crash.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "test_util.h"

namespace socle {
namespace {

using policy_testing::CodeOf;
using policy_testing::DataPath;
using policy_testing::Describe;
using policy_testing::ErrorCodes;
using policy_testing::ExamplePath;
using policy_testing::ParseProto;
using policy_testing::ReadFile;

bool HasSyntaxError(const std::vector<Diagnostic>& diagnostics) {
  return ErrorCodes(diagnostics).count("syntax") == 1;
}

BOOST_AUTO_TEST_SUITE(policy_load)

BOOST_AUTO_TEST_CASE(examples_load_without_any_diagnostic) {
  for (const char* name : {"ccas.textproto", "departement.textproto"}) {
    BOOST_TEST_CONTEXT(name) {
      std::vector<Diagnostic> diagnostics;
      const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath(name), &diagnostics);
      BOOST_TEST(policy.ok(), policy.status().ToString() << Describe(diagnostics, name));
      // Not even a warning: the examples are what a DPO copies.
      BOOST_TEST(diagnostics.empty(), Describe(diagnostics, name));
      BOOST_TEST(Policy::Validate(ReadFile(ExamplePath(name))).empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(examples_id_revision_and_counts) {
  struct Case {
    const char* file;
    const char* id;
  };
  for (const Case& c : {Case{"ccas.textproto", "ccas_villeneuve_sur_garance"},
                        Case{"departement.textproto", "departement_haute_garance"}}) {
    BOOST_TEST_CONTEXT(c.file) {
      const std::string text = ReadFile(ExamplePath(c.file));
      const v1::Policy proto = ParseProto(text);
      const absl::StatusOr<Policy> policy = Policy::Load(text);
      BOOST_REQUIRE(policy.ok());
      BOOST_TEST(policy->id() == c.id);
      BOOST_TEST(policy->revision() == "2026-03");
      BOOST_TEST(policy->data_category_count() == static_cast<size_t>(proto.data_categories_size()));
      BOOST_TEST(policy->role_count() == static_cast<size_t>(proto.roles_size()));
      BOOST_TEST(policy->activity_count() == static_cast<size_t>(proto.activities_size()));
    }
  }
}

// What the DPO wrote, as socle compiled it (numbers from the files' text).
BOOST_AUTO_TEST_CASE(examples_settings_compile_as_written) {
  const absl::StatusOr<Policy> ccas = Policy::LoadFile(ExamplePath("ccas.textproto"));
  BOOST_REQUIRE(ccas.ok());
  const auto& c = policy_internal::Compiled(*ccas);
  BOOST_TEST(c.small_cell_threshold == 11u);
  BOOST_TEST(c.dominance_percent == 85u);
  BOOST_TEST(c.log_retention_months == 12u);
  BOOST_TEST(c.break_glass_enabled);
  BOOST_TEST(!c.break_glass_reveals_masked);
  BOOST_TEST((c.break_glass_max == absl::Minutes(240)));
  BOOST_TEST((c.masking_mode == policy_internal::MaskingMode::kSignalled));
  BOOST_TEST(c.masking_referent_keeps_access);

  const absl::StatusOr<Policy> dep = Policy::LoadFile(ExamplePath("departement.textproto"));
  BOOST_REQUIRE(dep.ok());
  BOOST_TEST(policy_internal::Compiled(*dep).log_retention_months == 24u);
  BOOST_TEST((policy_internal::Compiled(*dep).break_glass_max == absl::Minutes(120)));
}

// Fields left out take the documented defaults (docs/policy-reference.md).
BOOST_AUTO_TEST_CASE(defaults_apply_when_fields_are_left_out) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(DataPath("valid/defaults.textproto"));
  BOOST_REQUIRE(policy.ok());
  const auto& c = policy_internal::Compiled(*policy);
  BOOST_TEST(c.small_cell_threshold == 11u);
  BOOST_TEST(c.dominance_percent == 85u);
  BOOST_TEST(c.log_retention_months == 6u);
  BOOST_TEST(!c.break_glass_enabled);
  BOOST_TEST((c.masking_mode == policy_internal::MaskingMode::kSignalled));
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_io_error) {
  std::vector<Diagnostic> diagnostics;
  const absl::StatusOr<Policy> policy =
      Policy::LoadFile(DataPath("no/such/policy.textproto"), &diagnostics);
  BOOST_REQUIRE(!policy.ok());
  BOOST_TEST(CodeOf(policy.status()) == ErrorCodeName(ErrorCode::kIo));
  // A directory is not a policy either.
  const absl::StatusOr<Policy> dir = Policy::LoadFile(DataPath("broken"));
  BOOST_TEST(!dir.ok());
}

BOOST_AUTO_TEST_CASE(binary_garbage_is_a_syntax_error) {
  const std::string garbage("\x00\xff\xfe\x01\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x80\x81", 22);
  std::vector<Diagnostic> diagnostics;
  const absl::StatusOr<Policy> policy = Policy::Load(garbage, &diagnostics);
  BOOST_REQUIRE(!policy.ok());
  BOOST_TEST(CodeOf(policy.status()) == ErrorCodeName(ErrorCode::kParse));
  BOOST_TEST(HasSyntaxError(diagnostics), Describe(diagnostics, "garbage"));
  BOOST_TEST(HasSyntaxError(Policy::Validate(garbage)));
}

BOOST_AUTO_TEST_CASE(nul_byte_inside_a_valid_policy_is_refused) {
  std::string text = ReadFile(DataPath("valid/minimal.textproto"));
  text.insert(text.find("revision"), std::string("\0", 1));
  const absl::StatusOr<Policy> policy = Policy::Load(text);
  BOOST_TEST(!policy.ok());
}

BOOST_AUTO_TEST_CASE(every_byte_value_is_handled) {
  // Each byte alone is not a policy; appended to a valid policy, whitespace keeps it valid and
  // bytes that open a message, a string or a list, or are not ASCII, do not.
  const std::string minimal = ReadFile(DataPath("valid/minimal.textproto"));
  for (int b = 0; b < 256; ++b) {
    BOOST_TEST_CONTEXT("byte " << b) {
      const std::string one(1, static_cast<char>(b));
      BOOST_TEST(!Policy::Load(one).ok());
      const bool whitespace = b == ' ' || b == '\n' || b == '\t' || b == '\r' || b == '\v' || b == '\f';
      const absl::StatusOr<Policy> appended = Policy::Load(minimal + one);
      if (whitespace) BOOST_TEST(appended.ok(), appended.status().ToString());
      if (b >= 0x80 || b == 0 || b == '{' || b == '"' || b == '[') BOOST_TEST(!appended.ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(numbers_out_of_their_type_are_syntax_errors) {
  const std::string minimal = ReadFile(DataPath("valid/minimal.textproto"));
  for (const char* months : {"-1", "4294967296", "99999999999999999999", "12.5", "0x"}) {
    BOOST_TEST_CONTEXT("months: " << months) {
      std::string text = minimal;
      const std::string from = "log_retention { months: 12 }";
      text.replace(text.find(from), from.size(), absl::StrCat("log_retention { months: ", months, " }"));
      std::vector<Diagnostic> diagnostics;
      const absl::StatusOr<Policy> policy = Policy::Load(text, &diagnostics);
      BOOST_REQUIRE(!policy.ok());
      BOOST_TEST(CodeOf(policy.status()) == ErrorCodeName(ErrorCode::kParse));
      BOOST_TEST(HasSyntaxError(diagnostics), Describe(diagnostics, "months"));
    }
  }
}

// kMaxPolicyBytes is accepted; one byte more is refused before parsing.
BOOST_AUTO_TEST_CASE(size_limit) {
  const std::string minimal = ReadFile(DataPath("valid/minimal.textproto"));
  std::string text = minimal;
  const std::string comment = "# commentaire de remplissage pour atteindre la taille limite\n";
  while (text.size() + comment.size() <= kMaxPolicyBytes) text += comment;
  text.append(kMaxPolicyBytes - text.size(), '\n');
  BOOST_REQUIRE(text.size() == kMaxPolicyBytes);
  const absl::StatusOr<Policy> at_limit = Policy::Load(text);
  BOOST_TEST(at_limit.ok(), at_limit.status().ToString());

  text.push_back('\n');
  const absl::StatusOr<Policy> over = Policy::Load(text);
  BOOST_REQUIRE(!over.ok());
  BOOST_TEST(CodeOf(over.status()) == ErrorCodeName(ErrorCode::kResourceExhausted));
}

BOOST_AUTO_TEST_CASE(seventeen_mebibytes_is_an_error_not_a_crash) {
  std::string text(17u << 20, '#');
  for (size_t i = 80; i < text.size(); i += 81) text[i] = '\n';
  std::vector<Diagnostic> diagnostics;
  const absl::StatusOr<Policy> policy = Policy::Load(text, &diagnostics);
  BOOST_REQUIRE(!policy.ok());
  BOOST_TEST(CodeOf(policy.status()) == ErrorCodeName(ErrorCode::kResourceExhausted));
  BOOST_TEST(!Policy::Validate(text).empty());
}

// Strings in a policy are UTF-8 (protobuf's rule for proto3). Whatever Load decides about a label
// that is not, a Policy it returns must render: a register that fails with INTERNAL is a bug.
BOOST_AUTO_TEST_CASE(invalid_utf8_label_never_yields_an_unrenderable_policy) {
  std::string text = ReadFile(DataPath("valid/minimal.textproto"));
  const std::string from = "label: \"Santé déclarée\"";
  text.replace(text.find(from), from.size(), "label: \"Sant\xe9 d\xc3\"");
  const absl::StatusOr<Policy> policy = Policy::Load(text);
  if (policy.ok()) {
    const absl::StatusOr<std::string> json = policy->RenderRegister(RegisterFormat::kJson);
    BOOST_TEST(json.ok(), json.status().ToString());
    const absl::StatusOr<std::string> md = policy->RenderRegister(RegisterFormat::kMarkdown);
    BOOST_TEST(md.ok(), md.status().ToString());
  } else {
    const ErrorCode code = ErrorCodeOf(policy.status());
    BOOST_TEST((code == ErrorCode::kParse || code == ErrorCode::kPolicyInvalid),
               policy.status().ToString());
  }
}

BOOST_AUTO_TEST_CASE(load_and_validate_agree) {
  for (const char* name : {"ccas.textproto", "departement.textproto"}) {
    const std::string text = ReadFile(ExamplePath(name));
    std::vector<Diagnostic> diagnostics;
    BOOST_TEST(Policy::Load(text, &diagnostics).ok());
    BOOST_TEST(diagnostics.size() == Policy::Validate(text).size());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
