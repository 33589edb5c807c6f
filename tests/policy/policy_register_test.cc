// The register of processing activities (GDPR art. 30(1)): for every activity of the example
// policies, the Markdown shows the seven fields (a)-(g) with what the DPO wrote, and the JSON
// parses as socle.v1.Register and carries every activity.
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/util/json_util.h"
#include "socle/policy.hpp"
#include "socle/v1/register.pb.h"
#include "test_util.h"

namespace socle {
namespace {

using policy_testing::DataPath;
using policy_testing::ExamplePath;
using policy_testing::ParseProto;
using policy_testing::ReadFile;

const char* const kExamples[] = {"ccas.textproto", "departement.textproto"};

// The Markdown section of one activity: from its heading to the next heading of the same level.
std::string Section(const std::string& markdown, const v1::Activity& activity) {
  const std::string anchor = absl::StrCat("(`", activity.id(), "`)");
  size_t at = markdown.find(anchor);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no section for " << activity.id());
  at = markdown.rfind("\n#", at);
  BOOST_REQUIRE(at != std::string::npos);
  size_t end = markdown.find("\n## ", at + 1);
  if (end == std::string::npos) end = markdown.size();
  return markdown.substr(at, end - at);
}

// The table row of the section whose label starts with `field`, e.g. "(d)"; several rows may
// share a letter ((b) purpose and legal basis, (c) persons and data), so all are joined.
std::string Rows(const std::string& section, absl::string_view field) {
  std::string rows;
  for (absl::string_view line : absl::StrSplit(section, '\n')) {
    if (absl::StartsWith(line, absl::StrCat("| ", field))) absl::StrAppend(&rows, line, "\n");
  }
  return rows;
}

BOOST_AUTO_TEST_SUITE(policy_register)

BOOST_AUTO_TEST_CASE(markdown_has_all_seven_fields_for_every_activity) {
  for (const char* name : kExamples) {
    const std::string text = ReadFile(ExamplePath(name));
    const v1::Policy proto = ParseProto(text);
    const absl::StatusOr<Policy> policy = Policy::Load(text);
    BOOST_REQUIRE(policy.ok());
    const absl::StatusOr<std::string> markdown = policy->RenderRegister(RegisterFormat::kMarkdown);
    BOOST_REQUIRE_MESSAGE(markdown.ok(), markdown.status().ToString());
    BOOST_TEST(absl::StrContains(*markdown, proto.controller().name()));
    BOOST_TEST(absl::StrContains(*markdown, policy->digest_hex()));

    std::map<std::string, std::string> category_labels, person_labels;
    for (const auto& c : proto.data_categories()) category_labels[c.id()] = c.label();
    for (const auto& p : proto.person_categories()) person_labels[p.id()] = p.label();

    for (const v1::Activity& a : proto.activities()) {
      BOOST_TEST_CONTEXT(name << " / " << a.id()) {
        const std::string section = Section(*markdown, a);
        BOOST_TEST(absl::StrContains(section, a.name()));
        // (a) the controller and the DPO
        const std::string ra = Rows(section, "(a)");
        BOOST_TEST(absl::StrContains(ra, proto.controller().name()), ra);
        BOOST_TEST(absl::StrContains(ra, proto.dpo().name()), ra);
        // (b) the purpose and its legal basis
        const std::string rb = Rows(section, "(b)");
        BOOST_TEST(absl::StrContains(rb, a.purpose()), rb);
        BOOST_TEST(absl::StrContains(rb, a.legal_basis_reference()), rb);
        BOOST_TEST(absl::StrContains(rb, "6(1)"), rb);
        if (!a.offence_data_authorisation().empty()) {
          BOOST_TEST(absl::StrContains(rb, a.offence_data_authorisation()), rb);
        }
        if (a.special_category_conditions_size() > 0) BOOST_TEST(absl::StrContains(rb, "9(2)"), rb);
        // (c) the categories of persons and of data
        const std::string rc = Rows(section, "(c)");
        for (const auto& p : a.person_categories()) {
          BOOST_TEST(absl::StrContains(rc, person_labels[p]), p << " missing from " << rc);
        }
        for (const auto& c : a.data_categories()) {
          BOOST_TEST(absl::StrContains(rc, category_labels[c]), c << " missing from " << rc);
        }
        // (d) the recipients
        const std::string rd = Rows(section, "(d)");
        for (const auto& r : a.recipients()) {
          BOOST_TEST(absl::StrContains(rd, r.name()), r.name() << " missing from " << rd);
        }
        // (e) the transfers: the examples make none, and the register says so.
        const std::string re = Rows(section, "(e)");
        BOOST_TEST(!re.empty());
        BOOST_TEST(absl::StrContains(re, "none"), re);
        // (f) the retention of every category
        const std::string rf = Rows(section, "(f)");
        for (const auto& r : a.retention()) {
          BOOST_TEST(absl::StrContains(rf, r.data_category() + ":"), r.data_category()
                                                                         << " missing from " << rf);
        }
        // (g) the security measures
        const std::string rg = Rows(section, "(g)");
        BOOST_TEST(!rg.empty());
        for (const auto& m : a.security_measures()) {
          BOOST_TEST(absl::StrContains(rg, m), m << " missing from " << rg);
        }
        if (!a.dpia_reference().empty()) BOOST_TEST(absl::StrContains(section, a.dpia_reference()));
      }
    }
  }
}

// Retention summaries speak of what the DPO wrote: the prevention rule's hard stop at 25 and its
// intermediate archive, the APA rule's six years after the end of the right.
BOOST_AUTO_TEST_CASE(markdown_retention_summaries) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("departement.textproto"));
  BOOST_REQUIRE(policy.ok());
  const absl::StatusOr<std::string> markdown = policy->RenderRegister(RegisterFormat::kMarkdown);
  BOOST_REQUIRE(markdown.ok());
  const v1::Policy proto = ParseProto(ReadFile(ExamplePath("departement.textproto")));
  for (const auto& a : proto.activities()) {
    const std::string rf = Rows(Section(*markdown, a), "(f)");
    if (a.id() == "prevention_specialisee") {
      BOOST_TEST(absl::StrContains(rf, "25"), rf);
      BOOST_TEST(absl::StrContains(rf, "3 years"), rf);
    }
    if (a.id() == "apa_ash") BOOST_TEST(absl::StrContains(rf, "6 years"), rf);
  }
}

BOOST_AUTO_TEST_CASE(markdown_declares_a_transfer_when_there_is_one) {
  std::string text = ReadFile(DataPath("valid/minimal.textproto"));
  const std::string from = "  security_measures: \"Authentification forte\"\n";
  text.replace(
      text.find(from), 0,
      "  transfers { country: \"CH\" safeguard: \"Décision d'adéquation de la Commission\" }\n");
  const absl::StatusOr<Policy> policy = Policy::Load(text);
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().ToString());
  const absl::StatusOr<std::string> markdown = policy->RenderRegister(RegisterFormat::kMarkdown);
  BOOST_REQUIRE(markdown.ok());
  const std::string re = Rows(*markdown, "(e)");
  BOOST_TEST(absl::StrContains(re, "CH"), re);
  BOOST_TEST(absl::StrContains(re, "Décision d'adéquation"), re);
}

// A statistics activity states how its tables are protected: the small-cell and dominance rules
// and its differential-privacy budgets; other activities have no such row.
BOOST_AUTO_TEST_CASE(markdown_states_statistical_disclosure_control) {
  std::string text = ReadFile(ExamplePath("ccas.textproto"));
  const std::string from = "statistics {\n";
  BOOST_REQUIRE(text.find(from) != std::string::npos);
  const size_t at = text.find("purpose_kind: STATISTICS");
  BOOST_REQUIRE(at != std::string::npos);
  const size_t id_at = text.rfind("id: \"", at) + 5;
  const std::string activity = text.substr(id_at, text.find('"', id_at) - id_at);
  text.replace(text.find(from), from.size(),
               absl::StrCat(from, "  privacy_budgets { id: \"activite\" activity: \"", activity,
                            "\" epsilon { numerator: 1 denominator: 2 } }\n"));
  const absl::StatusOr<Policy> policy = Policy::Load(text);
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().ToString());
  const absl::StatusOr<std::string> markdown = policy->RenderRegister(RegisterFormat::kMarkdown);
  BOOST_REQUIRE(markdown.ok());
  const std::string rows = Rows(*markdown, "(g) Statistical disclosure control");
  BOOST_TEST(absl::StrContains(rows, "small cells: k = "), rows);
  BOOST_TEST(absl::StrContains(rows, "dataset `activite`: budget ε = 1/2, δ = 0"), rows);
  // One row per statistics activity, none for the others.
  const std::vector<std::string> lines = absl::StrSplit(rows, '\n', absl::SkipEmpty());
  BOOST_TEST(lines.size() == 2u);
}

BOOST_AUTO_TEST_CASE(json_parses_and_carries_every_activity) {
  for (const char* name : kExamples) {
    BOOST_TEST_CONTEXT(name) {
      const std::string text = ReadFile(ExamplePath(name));
      const v1::Policy proto = ParseProto(text);
      const absl::StatusOr<Policy> policy = Policy::Load(text);
      BOOST_REQUIRE(policy.ok());
      const absl::StatusOr<std::string> json = policy->RenderRegister(RegisterFormat::kJson);
      BOOST_REQUIRE_MESSAGE(json.ok(), json.status().ToString());

      v1::Register reg;
      google::protobuf::util::JsonParseOptions options;  // unknown fields are an error
      const auto status = google::protobuf::util::JsonStringToMessage(*json, &reg, options);
      BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
      BOOST_TEST(reg.format_version() == 1u);
      BOOST_TEST(reg.policy_id() == proto.id());
      BOOST_TEST(reg.policy_revision() == proto.revision());
      BOOST_TEST(reg.policy_digest() == policy->digest_hex());
      BOOST_TEST(reg.controller().name() == proto.controller().name());
      BOOST_TEST(reg.controller().contact() == proto.controller().contact());
      BOOST_TEST(reg.dpo().name() == proto.dpo().name());
      BOOST_TEST(reg.dpo().contact() == proto.dpo().contact());

      BOOST_REQUIRE(reg.entries_size() == proto.activities_size());
      for (int i = 0; i < proto.activities_size(); ++i) {
        const v1::Activity& a = proto.activities(i);
        const v1::RegisterEntry& e = reg.entries(i);
        BOOST_TEST_CONTEXT(a.id()) {
          BOOST_TEST(e.activity_id() == a.id());
          BOOST_TEST(e.name() == a.name());
          BOOST_TEST(e.purpose() == a.purpose());
          BOOST_TEST(!e.legal_basis().empty());
          BOOST_TEST(e.legal_basis_reference() == a.legal_basis_reference());
          BOOST_TEST(e.special_category_conditions_size() == a.special_category_conditions_size());
          BOOST_TEST(e.offence_data_authorisation() == a.offence_data_authorisation());
          BOOST_REQUIRE(e.person_categories_size() == a.person_categories_size());
          for (int j = 0; j < a.person_categories_size(); ++j) {
            BOOST_TEST(e.person_categories(j).id() == a.person_categories(j));
            BOOST_TEST(!e.person_categories(j).label().empty());
          }
          BOOST_REQUIRE(e.data_categories_size() == a.data_categories_size());
          for (int j = 0; j < a.data_categories_size(); ++j) {
            BOOST_TEST(e.data_categories(j).id() == a.data_categories(j));
            BOOST_TEST(!e.data_categories(j).label().empty());
            BOOST_TEST(!e.data_categories(j).sensitivity().empty());
          }
          BOOST_REQUIRE(e.recipients_size() == a.recipients_size());
          for (int j = 0; j < a.recipients_size(); ++j) {
            BOOST_TEST(e.recipients(j).name() == a.recipients(j).name());
          }
          BOOST_TEST(e.transfers_size() == a.transfers_size());
          BOOST_REQUIRE(e.retention_size() == a.retention_size());
          for (int j = 0; j < a.retention_size(); ++j) {
            BOOST_TEST(e.retention(j).data_category() == a.retention(j).data_category());
            BOOST_TEST(!e.retention(j).summary().empty());
            BOOST_TEST(e.retention(j).rule().active_months() == a.retention(j).active_months());
          }
          BOOST_TEST(e.security_measures_size() == a.security_measures_size());
          BOOST_TEST(e.dpia_reference() == a.dpia_reference());
        }
      }
    }
  }
}

// The sensitivity names in the register are the stable lower_snake names of the vocabulary.
BOOST_AUTO_TEST_CASE(json_sensitivity_names) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("departement.textproto"));
  BOOST_REQUIRE(policy.ok());
  const absl::StatusOr<std::string> json = policy->RenderRegister(RegisterFormat::kJson);
  BOOST_REQUIRE(json.ok());
  v1::Register reg;
  BOOST_REQUIRE(google::protobuf::util::JsonStringToMessage(*json, &reg).ok());
  std::map<std::string, std::string> sensitivity;
  for (const auto& e : reg.entries()) {
    for (const auto& c : e.data_categories()) sensitivity[c.id()] = c.sensitivity();
  }
  BOOST_TEST(sensitivity["administrative"] == "ordinary");
  BOOST_TEST(sensitivity["health"] == "special_category");
  BOOST_TEST(sensitivity["procedures_penales"] == "offence");
  BOOST_TEST(sensitivity["nir"] == "nir");
}

BOOST_AUTO_TEST_CASE(markdown_and_json_are_deterministic) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("ccas.textproto"));
  BOOST_REQUIRE(policy.ok());
  for (RegisterFormat format : {RegisterFormat::kMarkdown, RegisterFormat::kJson}) {
    const auto first = policy->RenderRegister(format);
    const auto second = policy->RenderRegister(format);
    BOOST_REQUIRE(first.ok());
    BOOST_REQUIRE(second.ok());
    BOOST_TEST(*first == *second);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
