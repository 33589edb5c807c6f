// The policy's entry-kind rules (policy.proto `entry_kinds`, REQ-60): validation codes with their
// locations, and the compiled table the engine reads.
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

#include "policy/compiled_policy.h"
#include "socle/policy.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

std::vector<Diagnostic> Errors(const std::string& text) {
  std::vector<Diagnostic> errors;
  for (Diagnostic& d : Policy::Validate(text)) {
    if (d.severity == Diagnostic::Severity::kError) errors.push_back(std::move(d));
  }
  return errors;
}

BOOST_AUTO_TEST_SUITE(entry_kind_policy)

BOOST_AUTO_TEST_CASE(rules_compile_into_a_table) {
  const Policy policy = LoadPolicy(PolicyVariant(
      {},
      "entry_kinds { kind: PROFESSIONAL_APPRECIATION reader_roles: [\"social_worker\", "
      "\"manager\"] }\nentry_kinds { kind: THIRD_PARTY_INFORMATION }\n"
      "entry_kinds { kind: WORKING_NOTE }\n"));
  const auto& c = policy_internal::Compiled(policy);
  const uint32_t social_worker = *policy.FindRole("social_worker");
  const uint32_t manager = *policy.FindRole("manager");
  const uint32_t trainee = *policy.FindRole("trainee");
  BOOST_TEST(c.entry_kind_rule[static_cast<int>(EntryKind::kFact)] == -1);
  BOOST_TEST(c.entry_kind_rule[static_cast<int>(EntryKind::kAppreciation)] == 0);
  BOOST_TEST(c.entry_kind_rule[static_cast<int>(EntryKind::kThirdPartyInformation)] == 1);
  BOOST_TEST(c.EntryKindAllows(EntryKind::kFact, trainee));
  BOOST_TEST(c.EntryKindAllows(EntryKind::kAppreciation, social_worker));
  BOOST_TEST(c.EntryKindAllows(EntryKind::kAppreciation, manager));
  BOOST_TEST(!c.EntryKindAllows(EntryKind::kAppreciation, trainee));
  BOOST_TEST(!c.EntryKindAllows(EntryKind::kThirdPartyInformation, social_worker));
  BOOST_TEST(!c.EntryKindAllows(EntryKind::kWorkingNote, social_worker));
  BOOST_TEST(!c.EntryKindAllows(EntryKind::kUnspecified, social_worker));
  // The rules are part of what the digest covers.
  BOOST_TEST(policy.digest_hex() != LoadPolicy(WorkloadPolicyText()).digest_hex());
}

BOOST_AUTO_TEST_CASE(each_mistake_has_its_code_and_place) {
  struct Case {
    const char* rules;
    const char* code;
    const char* path;
  };
  const Case cases[] = {
      {"entry_kinds { reader_roles: [\"manager\"] }", "entry_kind.kind_missing",
       "entry_kinds[0].kind"},
      {"entry_kinds { kind: FACT }\nentry_kinds { kind: FACT reader_roles: [\"manager\"] }",
       "entry_kind.duplicate", "entry_kinds[1].kind"},
      {"entry_kinds { kind: WORKING_NOTE reader_roles: [\"manager\"] }",
       "entry_kind.working_note_readers", "entry_kinds[0].reader_roles"},
      {"entry_kinds { kind: THIRD_PARTY_INFORMATION reader_roles: [\"manager\", \"psychic\"] }",
       "reference.unknown", "entry_kinds[0].reader_roles[1]"},
      {"entry_kinds { kind: 9 }", "enum.unknown_value", "entry_kinds[0].kind"},
  };
  const std::string base = WorkloadPolicyText();
  const int base_lines = static_cast<int>(std::count(base.begin(), base.end(), '\n'));
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.code) {
      const std::vector<Diagnostic> errors = Errors(PolicyVariant({}, c.rules));
      BOOST_REQUIRE_EQUAL(errors.size(), 1u);
      BOOST_TEST(errors[0].code == c.code);
      BOOST_TEST(errors[0].path == c.path);
      BOOST_TEST(errors[0].line > base_lines, errors[0].ToString("policy"));
      auto loaded = Policy::Load(PolicyVariant({}, c.rules));
      BOOST_TEST(CodeOf(loaded.status()) == "POLICY_INVALID");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
