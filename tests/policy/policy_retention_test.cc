// Retention rules (REQ-32): a category an activity declares without a rule is refused, phases
// longer than 100 years are refused, and the rules compile grouped by category for the access
// engine (src/access/retention.h), in policy order, with the controller's public_archives flag.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "policy/compiled_policy.h"
#include "socle/policy.hpp"
#include "test_util.h"

namespace socle {
namespace {

using policy_testing::DataPath;
using policy_testing::ReadFile;

BOOST_AUTO_TEST_SUITE(policy_retention)

BOOST_AUTO_TEST_CASE(example_rules_compile_grouped_by_category) {
  auto policy = Policy::LoadFile(policy_testing::ExamplePath("departement.textproto"));
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().message());
  const policy_internal::CompiledPolicy& c = policy_internal::Compiled(*policy);
  BOOST_TEST(c.public_archives);
  BOOST_REQUIRE_EQUAL(c.retention_first.size(), c.data_categories.size() + 1);
  BOOST_TEST(c.retention_first.back() == c.retention_rules.size());
  size_t declared = 0;
  for (const auto& a : c.source.activities()) declared += a.retention_size();
  BOOST_TEST(c.retention_rules.size() == declared);
  for (uint32_t cat = 0; cat < c.data_categories.size(); ++cat) {
    uint32_t last_activity = 0;
    for (uint32_t i = c.retention_first[cat]; i < c.retention_first[cat + 1]; ++i) {
      const auto& r = c.retention_rules[i];
      BOOST_TEST(r.category == cat);
      BOOST_TEST(r.activity >= last_activity);  // policy order within a category
      last_activity = r.activity;
      const auto& source =
          c.source.activities(static_cast<int>(r.activity)).retention(static_cast<int>(r.index));
      BOOST_TEST(source.data_category() == std::string(c.data_categories.Name(cat)));
      BOOST_TEST(source.active_months() == r.active_months);
    }
  }
  // APA: 6 years after the end of the right, then anonymised (CASF R.232-46).
  const uint32_t apa = *c.activities.Find("apa_ash");
  const uint32_t financial = *c.data_categories.Find("financial");
  bool found = false;
  for (uint32_t i = c.retention_first[financial]; i < c.retention_first[financial + 1]; ++i) {
    const auto& r = c.retention_rules[i];
    if (r.activity != apa) continue;
    found = true;
    BOOST_TEST(r.start == v1::RetentionRule::END_OF_RIGHT);
    BOOST_TEST(r.active_months == 72u);
    BOOST_TEST(r.end_action == v1::RetentionRule::ANONYMISE);
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(a_category_without_a_rule_and_overlong_phases_are_refused) {
  struct Case {
    const char* file;
    const char* code;
    const char* path;
  };
  for (const Case& c :
       {Case{"broken/retention_missing.textproto", "retention.missing",
             "activities[0].data_categories[1]"},
        Case{"broken/retention_duration_out_of_range.textproto", "retention.duration_out_of_range",
             "activities[0].retention[1].active_months"}}) {
    BOOST_TEST_CONTEXT(c.file) {
      std::vector<Diagnostic> diagnostics;
      BOOST_TEST(!Policy::Load(ReadFile(DataPath(c.file)), &diagnostics).ok());
      bool found = false;
      for (const Diagnostic& d : diagnostics) {
        if (d.code != c.code) continue;
        found = true;
        BOOST_TEST(d.path == c.path);
      }
      BOOST_TEST(found);
    }
  }
  // 1,200 months is the longest phase accepted.
  std::string text = ReadFile(DataPath("broken/retention_duration_out_of_range.textproto"));
  text.replace(text.find("active_months: 1201"), 19, "active_months: 1200");
  BOOST_TEST(Policy::Load(text).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
