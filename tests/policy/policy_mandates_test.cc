// The policy's mandates section (REQ-63 to REQ-66): each refusal is a diagnostic that names the
// field, and a valid section compiles to the tables the access engine reads (procedure domains,
// habilitated structures, roles, retention with its 6-year default).
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "policy/compiled_policy.h"
#include "socle/policy.hpp"
#include "test_util.h"

namespace socle {
namespace {

using policy_testing::DataPath;
using policy_testing::Describe;
using policy_testing::ReadFile;

// The minimal valid policy with `mandates` appended.
std::string WithMandates(const std::string& mandates) {
  return ReadFile(DataPath("valid/minimal.textproto")) + mandates;
}

const Diagnostic* Find(const std::vector<Diagnostic>& diagnostics, const std::string& code) {
  for (const Diagnostic& d : diagnostics) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

BOOST_AUTO_TEST_SUITE(policy_mandates)

BOOST_AUTO_TEST_CASE(refusals_name_the_field) {
  struct Case {
    const char* name;
    const char* section;
    const char* code;
    const char* path;
  };
  const Case cases[] = {
      {"duplicate procedure",
       R"(mandates { procedures { id: "papers" label: "Papiers" }
                     procedures { id: "housing" label: "Logement" }
                     procedures { id: "papers" label: "Papiers" }
                     habilitated_structures: "FS" roles: "ass" })",
       "id.duplicate", "mandates.procedures[2].id"},
      {"unknown role",
       R"(mandates { procedures { id: "papers" label: "Papiers" }
                     habilitated_structures: "FS" roles: ["ass", "benevole"] })",
       "reference.unknown", "mandates.roles[1]"},
      {"retention below 6 years",
       R"(mandates { procedures { id: "papers" label: "Papiers" }
                     habilitated_structures: "FS" roles: "ass" retention_years_after_end: 5 })",
       "mandates.retention_out_of_range", "mandates.retention_years_after_end"},
      {"retention 0 years (set, not defaulted)",
       R"(mandates { procedures { id: "papers" label: "Papiers" }
                     habilitated_structures: "FS" roles: "ass" retention_years_after_end: 0 })",
       "mandates.retention_out_of_range", "mandates.retention_years_after_end"},
      {"duplicate structure",
       R"(mandates { procedures { id: "papers" label: "Papiers" }
                     habilitated_structures: ["FS", "FS"] roles: "ass" })",
       "mandates.duplicate", "mandates.habilitated_structures[1]"},
      {"invalid procedure id",
       R"(mandates { procedures { id: "Papiers" label: "Papiers" }
                     habilitated_structures: "FS" roles: "ass" })",
       "id.invalid", "mandates.procedures[0].id"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      const std::string text = WithMandates(c.section);
      std::vector<Diagnostic> diagnostics;
      BOOST_TEST(!Policy::Load(text, &diagnostics).ok());
      const Diagnostic* d = Find(diagnostics, c.code);
      BOOST_REQUIRE_MESSAGE(d != nullptr, Describe(diagnostics, c.name));
      BOOST_TEST(d->path == c.path);
      BOOST_TEST((d->severity == Diagnostic::Severity::kError));
      BOOST_TEST(d->line > 0, "the diagnostic gives the line of " << c.path);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_valid_section_compiles) {
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::LoadFile(DataPath("valid/mandates.textproto"), &diagnostics);
  BOOST_REQUIRE_MESSAGE(policy.ok(), Describe(diagnostics, "mandates.textproto"));
  const auto& c = policy_internal::Compiled(*policy);
  BOOST_TEST(c.mandate_procedures.size() == 10u);
  BOOST_TEST(c.mandate_procedures.Find("housing").value() == 4u);
  BOOST_TEST(c.mandate_structures.Find("France Services Essai").has_value());
  BOOST_TEST(!c.mandate_structures.Find("France Services").has_value());
  BOOST_REQUIRE(c.mandate_role.size() == 2u);
  BOOST_TEST(c.mandate_role[c.roles.Find("ass").value()] == 1);
  BOOST_TEST(c.mandate_role[c.roles.Find("secretaire").value()] == 0);  // not listed: refused
  BOOST_TEST(c.mandate_retention_years == 6u);
}

BOOST_AUTO_TEST_CASE(retention_defaults_to_six_years_and_may_be_longer) {
  auto defaulted = Policy::Load(WithMandates(
      R"(mandates { procedures { id: "papers" label: "Papiers" }
                    habilitated_structures: "FS" roles: "ass" })"));
  BOOST_REQUIRE(defaulted.ok());
  BOOST_TEST(policy_internal::Compiled(*defaulted).mandate_retention_years == 6u);
  auto longer = Policy::Load(WithMandates(
      R"(mandates { procedures { id: "papers" label: "Papiers" }
                    habilitated_structures: "FS" roles: "ass" retention_years_after_end: 10 })"));
  BOOST_REQUIRE(longer.ok());
  BOOST_TEST(policy_internal::Compiled(*longer).mandate_retention_years == 10u);
  // Without the section, nothing is declared and no role may hold mandates.
  auto none = Policy::Load(ReadFile(DataPath("valid/minimal.textproto")));
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(policy_internal::Compiled(*none).mandate_procedures.size() == 0u);
  for (uint8_t allowed : policy_internal::Compiled(*none).mandate_role) BOOST_TEST(allowed == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
