// The validation of pseudonymisation profiles: each refusal with its code, its field path and
// the line of the offending element in the DPO's file; the example policies' profiles load.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dataset/test_util.h"
#include "socle/policy.hpp"

namespace socle {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The 1-based line of the first line of `text` containing `needle` after line `after`.
int LineOf(const std::string& text, absl::string_view needle, int after = 0) {
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  for (size_t i = static_cast<size_t>(after); i < lines.size(); ++i) {
    if (absl::StrContains(lines[i], needle)) return static_cast<int>(i) + 1;
  }
  BOOST_FAIL("no line holds " << needle);
  return 0;
}

struct Expected {
  std::string code;
  std::string path;
  std::string line_holds;  // the text of the line the diagnostic must point at
};

BOOST_AUTO_TEST_SUITE(profile_validation)

BOOST_AUTO_TEST_CASE(test_policy_is_clean) {
  const std::string text = ReadAll(dataset_testing::PolicyPath());
  const auto diagnostics = Policy::Validate(text);
  for (const auto& d : diagnostics) BOOST_TEST_MESSAGE(d.ToString("policy.textproto"));
  BOOST_TEST(diagnostics.empty());
}

BOOST_AUTO_TEST_CASE(each_refusal_points_at_its_element) {
  const std::string base = ReadAll(dataset_testing::PolicyPath());
  const std::string bad = R"(
pseudonymisation_profiles {
  id: "mauvais"
  domain: "inconnu"
  activity: "introuvable"
  fields { name: "nir" treatment: PSEUDONYMISE }
  fields { name: "family_name" treatment: KEEP }
  fields { name: "phone" treatment: PSEUDONYMISE }
  fields { name: "birth_date" treatment: KEEP }
  fields { name: "text" treatment: KEEP }
  fields { name: "title" treatment: GENERALISE generalisation: DATE_YEAR }
  fields { name: "postcode" treatment: GENERALISE }
  fields { name: "commune" treatment: GENERALISE generalisation: AGE_BAND_5 }
  fields { name: "revenus" treatment: GENERALISE generalisation: AMOUNT_BRACKETS bracket_bounds: [1000, 1000] }
  fields { name: "dettes" treatment: GENERALISE generalisation: AMOUNT_BRACKETS }
  fields { name: "age_enfant" treatment: GENERALISE generalisation: AGE_BAND_5 open_from_age: 92 }
  fields { name: "category" treatment: KEEP generalisation: DATE_YEAR }
  fields { name: "postcode" treatment: DROP }
  fields { name: "Code-Postal" treatment: KEEP }
  fields { name: "address" treatment: REDACT }
  fields { name: "created_at" treatment: PSEUDONYMISE }
  fields { name: "motif" }
}
pseudonymisation_profiles { id: "mauvais" domain: "stats" activity: "accompagnement_social" purpose: "x" }
)";
  const std::string text = base + bad;
  const int start = LineOf(text, "id: \"mauvais\"") - 2;  // the profile's opening line
  const std::string p = "pseudonymisation_profiles[3]";
  const std::vector<Expected> expected = {
      {"reference.unknown", p + ".domain", "domain: \"inconnu\""},
      {"reference.unknown", p + ".activity", "activity: \"introuvable\""},
      {"profile.purpose_missing", p + ".purpose", "pseudonymisation_profiles {"},
      {"profile.recipient_missing", p + ".recipient", "pseudonymisation_profiles {"},
      {"profile.nir_forbidden", p + ".fields[0].treatment", "name: \"nir\""},
      {"profile.identifier_forbidden", p + ".fields[1].treatment", "name: \"family_name\""},
      {"profile.identifier_forbidden", p + ".fields[2].treatment", "name: \"phone\""},
      {"profile.identifier_forbidden", p + ".fields[3].treatment", "name: \"birth_date\""},
      {"profile.free_text_forbidden", p + ".fields[4].treatment", "name: \"text\""},
      {"profile.free_text_forbidden", p + ".fields[5].treatment", "name: \"title\""},
      {"profile.generalisation_missing", p + ".fields[6].generalisation", "name: \"postcode\""},
      {"profile.treatment_not_applicable", p + ".fields[7].generalisation", "name: \"commune\""},
      {"profile.generalisation_invalid", p + ".fields[8].bracket_bounds", "name: \"revenus\""},
      {"profile.generalisation_invalid", p + ".fields[9].bracket_bounds", "name: \"dettes\""},
      {"profile.generalisation_invalid", p + ".fields[10].open_from_age", "name: \"age_enfant\""},
      {"profile.generalisation_invalid", p + ".fields[11].generalisation", "name: \"category\""},
      {"profile.field_duplicate", p + ".fields[12].name", "treatment: DROP"},
      {"profile.field_name_invalid", p + ".fields[13].name", "Code-Postal"},
      {"profile.treatment_not_applicable", p + ".fields[14].treatment", "name: \"address\""},
      {"profile.treatment_not_applicable", p + ".fields[15].treatment", "name: \"created_at\""},
      {"profile.treatment_missing", p + ".fields[16].treatment", "name: \"motif\""},
      {"id.duplicate", "pseudonymisation_profiles[4].id", "purpose: \"x\""},
  };
  const auto diagnostics = Policy::Validate(text);
  std::string all;
  for (const auto& d : diagnostics) absl::StrAppend(&all, "\n  ", d.ToString("policy"));
  BOOST_TEST_CONTEXT(all) {
    BOOST_TEST(diagnostics.size() == expected.size());
    for (const Expected& e : expected) {
      const int line = LineOf(text, e.line_holds, start);
      bool found = false;
      for (const auto& d : diagnostics) {
        if (d.code == e.code && d.path == e.path) {
          found = true;
          BOOST_TEST((d.severity == Diagnostic::Severity::kError));
          BOOST_TEST(d.line == line,
                     e.code << " at " << e.path << ": line " << d.line << ", expected " << line);
          BOOST_TEST(d.column > 0);
          BOOST_TEST(!d.message.empty());
        }
      }
      BOOST_TEST(found, e.code << " at " << e.path << " not reported");
    }
  }
  auto loaded = Policy::Load(text);
  BOOST_TEST(!loaded.ok());
}

BOOST_AUTO_TEST_CASE(a_profile_needs_domain_and_activity) {
  const std::string base = ReadAll(dataset_testing::PolicyPath());
  const std::string text =
      base + "pseudonymisation_profiles { id: \"vide\" purpose: \"x\" recipient: \"y\" }\n";
  const auto diagnostics = Policy::Validate(text);
  std::vector<std::string> codes;
  for (const auto& d : diagnostics) codes.push_back(d.code);
  const std::vector<std::string> want = {"profile.domain_missing", "profile.activity_missing"};
  BOOST_TEST(codes == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(example_policies_declare_profiles_and_load) {
  for (const char* name : {"ccas.textproto", "departement.textproto"}) {
    const std::string text = ReadAll(std::string(SOCLE_EXAMPLES_DIR) + "/policies/" + name);
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(absl::StrContains(text, "pseudonymisation_profiles {"));
      BOOST_TEST(Policy::Validate(text).empty());
      auto policy = Policy::Load(text);
      BOOST_REQUIRE(policy.ok());
      auto reg = policy->RenderRegister(RegisterFormat::kMarkdown, RegisterLanguage::kEnglish);
      BOOST_REQUIRE(reg.ok());
      BOOST_TEST(absl::StrContains(*reg, "| (d) Pseudonymised datasets | "));
      BOOST_TEST(absl::StrContains(*reg, "fresh pseudonyms in every export"));
      auto french = policy->RenderRegister(RegisterFormat::kMarkdown);  // French, the default
      BOOST_REQUIRE(french.ok());
      BOOST_TEST(absl::StrContains(*french, "| (d) Jeux de données pseudonymisés | "));
      BOOST_TEST(absl::StrContains(*french, "pseudonymes nouveaux à chaque export"));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
