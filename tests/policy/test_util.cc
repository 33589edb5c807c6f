#include "test_util.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/text_format.h"
#include "socle/error.hpp"

namespace socle::policy_testing {

std::string ExamplePath(absl::string_view name) {
  return absl::StrCat(SOCLE_EXAMPLES_DIR, "/policies/", name);
}

std::string DataPath(absl::string_view relative) {
  return absl::StrCat(SOCLE_TEST_DATA_DIR, "/policy/", relative);
}

std::vector<std::string> ListTextprotos(const std::string& directory) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".textproto") {
      out.push_back(entry.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<Expectation> ParseExpectations(absl::string_view text) {
  std::vector<Expectation> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    Expectation e;
    if (absl::ConsumePrefix(&line, "# expect-warning:")) {
      e.warning = true;
    } else if (!absl::ConsumePrefix(&line, "# expect:")) {
      continue;
    }
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "nothing")) continue;
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    e.code = std::string(parts[0]);
    if (parts.size() > 1) {
      absl::string_view at = parts[1];
      BOOST_REQUIRE_MESSAGE(absl::ConsumePrefix(&at, "@") && absl::SimpleAtoi(at, &e.line),
                            "bad expectation line: " << line);
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::set<std::string> ErrorCodes(const std::vector<Diagnostic>& diagnostics) {
  std::set<std::string> out;
  for (const auto& d : diagnostics) {
    if (d.severity == Diagnostic::Severity::kError) out.insert(d.code);
  }
  return out;
}

std::set<std::string> WarningCodes(const std::vector<Diagnostic>& diagnostics) {
  std::set<std::string> out;
  for (const auto& d : diagnostics) {
    if (d.severity == Diagnostic::Severity::kWarning) out.insert(d.code);
  }
  return out;
}

std::string Describe(const std::vector<Diagnostic>& diagnostics, absl::string_view source) {
  std::string out;
  for (const auto& d : diagnostics) absl::StrAppend(&out, "\n  ", d.ToString(source));
  return out.empty() ? " (no diagnostic)" : out;
}

std::string CodeOf(const absl::Status& status) {
  return std::string(ErrorCodeName(ErrorCodeOf(status)));
}

v1::Policy ParseProto(absl::string_view text) {
  v1::Policy policy;
  BOOST_REQUIRE_MESSAGE(google::protobuf::TextFormat::ParseFromString(std::string(text), &policy),
                        "protobuf's own parser rejects the text");
  return policy;
}

const std::vector<std::string>& AllErrorCodes() {
  static const auto* codes = new std::vector<std::string>{
      "syntax",
      "format_version.unsupported",
      "id.missing",
      "id.invalid",
      "id.duplicate",
      "enum.unknown_value",
      "reference.unknown",
      "controller.missing",
      "controller.contact_missing",
      "dpo.missing",
      "controller.offence_capability_missing",
      "data_category.sensitivity_missing",
      "activity.none",
      "activity.purpose_missing",
      "activity.purpose_kind_missing",
      "activity.legal_basis_missing",
      "activity.legal_basis_reference_missing",
      "activity.legitimate_interests_public_authority",
      "activity.data_categories_missing",
      "activity.person_categories_missing",
      "activity.recipients_missing",
      "activity.special_category_condition_missing",
      "activity.offence_authorisation_missing",
      "activity.nir_not_authorised",
      "activity.nir_in_statistics",
      "enum.unspecified_in_list",
      "entry_kind.kind_missing",
      "entry_kind.duplicate",
      "entry_kind.working_note_readers",
      "activity.dpia_missing",
      "activity.transfer_safeguard_missing",
      "recipient.name_missing",
      "recipient.kind_missing",
      "retention.missing",
      "retention.duplicate",
      "retention.category_not_in_activity",
      "retention.start_missing",
      "retention.duration_missing",
      "retention.duration_out_of_range",
      "retention.end_action_missing",
      "role.none",
      "role.secrecy_missing",
      "role.secrecy_reference_missing",
      "habilitation.actions_missing",
      "habilitation.categories_missing",
      "habilitation.special_category_without_secrecy",
      "sharing.basis_missing",
      "sharing.categories_missing",
      "sharing.recipients_missing",
      "sharing.recipient_without_secrecy",
      "break_glass.duration_out_of_range",
      "break_glass.reason_codes_missing",
      "break_glass.reviewer_missing",
      "break_glass.reviewer_not_capable",
      "pseudonym.linkage_justification_missing",
      "profile.domain_missing",
      "profile.activity_missing",
      "profile.purpose_missing",
      "profile.recipient_missing",
      "profile.field_name_invalid",
      "profile.field_duplicate",
      "profile.treatment_missing",
      "profile.nir_forbidden",
      "profile.identifier_forbidden",
      "profile.free_text_forbidden",
      "profile.generalisation_missing",
      "profile.generalisation_invalid",
      "profile.treatment_not_applicable",
      "statistics.threshold_too_low",
      "statistics.dominance_out_of_range",
      "log_retention.out_of_range",
      "log_retention.justification_missing",
      "diagnostics.truncated",
      "policy.too_many_entries",
      "mandates.procedures_missing",
      "mandates.procedure_label_missing",
      "mandates.structure_empty",
      "mandates.duplicate",
      "mandates.retention_out_of_range",
      "property.id_invalid",
      "property.id_duplicate",
      "property.statement_missing",
      "property.statement_syntax",
      "property.unknown_name",
  };
  return *codes;
}

const std::vector<std::string>& AllWarningCodes() {
  static const auto* codes = new std::vector<std::string>{
      "data_category.unused",
      "activity.security_measures_missing",
      "mandates.unusable",
  };
  return *codes;
}

}  // namespace socle::policy_testing
