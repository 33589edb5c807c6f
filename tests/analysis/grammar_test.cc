// The grammar of property statements (src/policy/property.h) and its validation in a policy.
#include <boost/test/unit_test.hpp>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "policy/property.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"

namespace socle::policy_internal {
namespace {

BOOST_AUTO_TEST_SUITE(property_grammar)

BOOST_AUTO_TEST_CASE(parses_every_form_of_condition) {
  const auto s = ParsePropertyStatement(
      "forall role = a and action != write and category in {x, y} and purpose not in {p} and "
      "not kind = fact and role has archivist and role is bound and not role is referent and "
      "category is special and category is offence and relation in {team, grant} and masked "
      "and not author: deny because {masked, blocked}");
  BOOST_TEST_REQUIRE(s.ok(), s.status());
  BOOST_TEST(s->forall);
  BOOST_TEST(!s->expect_allow);
  BOOST_TEST_REQUIRE(s->conditions.size() == 13u);
  using Kind = PropertyCondition::Kind;
  BOOST_TEST((s->conditions[0].kind == Kind::kIn && !s->conditions[0].negated));
  BOOST_TEST((s->conditions[1].kind == Kind::kIn && s->conditions[1].negated));
  BOOST_TEST(s->conditions[2].names.size() == 2u);
  BOOST_TEST(s->conditions[3].negated);
  BOOST_TEST(s->conditions[4].negated);
  BOOST_TEST((s->conditions[5].kind == Kind::kRoleHas));
  BOOST_TEST((s->conditions[6].kind == Kind::kRoleBound));
  BOOST_TEST((s->conditions[7].kind == Kind::kRoleReferent && s->conditions[7].negated));
  BOOST_TEST((s->conditions[8].kind == Kind::kCategorySpecial));
  BOOST_TEST(
      (s->conditions[9].kind == Kind::kCategoryIs && s->conditions[9].names[0] == "offence"));
  BOOST_TEST((s->conditions[11].kind == Kind::kFlag && !s->conditions[11].negated));
  BOOST_TEST((s->conditions[12].kind == Kind::kFlag && s->conditions[12].negated));
  BOOST_TEST(s->reasons.size() == 2u);
}

BOOST_AUTO_TEST_CASE(exists_and_no_condition) {
  const auto s = ParsePropertyStatement("exists: allow because allowed");
  BOOST_TEST_REQUIRE(s.ok(), s.status());
  BOOST_TEST(!s->forall);
  BOOST_TEST(s->expect_allow);
  BOOST_TEST(s->conditions.empty());
  BOOST_TEST(s->reasons.size() == 1u);
}

// Each error names the character where the statement goes wrong and what was expected.
BOOST_AUTO_TEST_CASE(errors_give_the_character) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"all role = a: deny", "at character 1: expected 'forall' or 'exists'"},
      {"forall role = a and: deny", "at character 20: expected a condition"},
      {"forall role = a deny", "at character 17: expected 'and' or ':'"},
      {"forall role: deny", "at character 12: expected '=', '!=', 'in' or 'not in'"},
      {"forall role in a: deny", "at character 16: expected '{'"},
      {"forall role in {a b}: deny", "at character 19: expected ',' or '}'"},
      {"forall role = a: maybe", "at character 18: expected 'allow' or 'deny'"},
      {"forall role = a: deny now", "at character 23: expected the end of the statement"},
      {"forall role is boss: deny", "at character 16: expected 'bound' or 'referent'"},
      {"forall role = a; deny", "at character 16: unexpected character"},
      {"forall role =", "at character 14: expected a name, found the end"},
  };
  for (const auto& c : cases) {
    const auto s = ParsePropertyStatement(c.text);
    BOOST_TEST_CONTEXT(c.text) {
      BOOST_TEST_REQUIRE(!s.ok());
      BOOST_TEST((ErrorCodeOf(s.status()) == ErrorCode::kInvalidArgument));
      BOOST_TEST(absl::StrContains(s.status().message(), c.message), s.status().message());
    }
  }
}

BOOST_AUTO_TEST_CASE(resolves_names_against_the_policy) {
  v1::Policy p;
  for (const char* id : {"ass", "secretaire", "archiviste"}) p.add_roles()->set_id(id);
  p.mutable_roles(0)->set_secrecy(v1::BY_PROFESSION);
  p.mutable_roles(0)->set_referent(true);
  p.mutable_roles(2)->add_capabilities(v1::Role::ARCHIVIST);
  for (const char* id : {"administrative", "health", "justice"})
    p.add_data_categories()->set_id(id);
  p.mutable_data_categories(1)->set_sensitivity(v1::SPECIAL_CATEGORY);
  p.mutable_data_categories(2)->set_sensitivity(v1::OFFENCE);
  p.add_activities()->set_id("accompagnement");

  auto resolve = [&](const std::string& text) {
    const auto s = ParsePropertyStatement(text);
    BOOST_TEST_REQUIRE(s.ok(), s.status());
    return ResolveProperty(*s, p);
  };
  auto d = resolve("forall not role is bound and category is special: deny");
  BOOST_TEST_REQUIRE(d.ok(), d.status());
  BOOST_TEST((d->roles == std::vector<uint8_t>{0, 1, 1}));
  BOOST_TEST((d->categories == std::vector<uint8_t>{0, 1, 1}));
  d = resolve("forall role has archivist and category != health and action in {read, print}: deny");
  BOOST_TEST_REQUIRE(d.ok(), d.status());
  BOOST_TEST((d->roles == std::vector<uint8_t>{0, 0, 1}));
  BOOST_TEST((d->categories == std::vector<uint8_t>{1, 0, 1}));
  BOOST_TEST(d->actions == ((1u << 1) | (1u << 5)));
  d = resolve(
      "forall role is referent and kind != working_note and relation != none and masked "
      "and not justified: allow because {allowed, masked}");
  BOOST_TEST_REQUIRE(d.ok(), d.status());
  BOOST_TEST((d->roles == std::vector<uint8_t>{1, 0, 0}));
  BOOST_TEST(d->kinds == ((1u << 1) | (1u << 2) | (1u << 3)));
  BOOST_TEST(d->relations == 0xFu);
  BOOST_TEST(d->flags_set == (1u << 1));
  BOOST_TEST(d->flags_clear == (1u << 7));
  BOOST_TEST(d->reasons == ((uint64_t{1} << 1) | (uint64_t{1} << 29)));

  const struct {
    const char* text;
    const char* message;
  } unknown[] = {
      {"forall role = stagiaire: deny", "at character 8: 'stagiaire' is not a role of the policy"},
      {"forall category in {health, sante}: deny", "'sante' is not a data category"},
      {"forall purpose = aide: deny", "'aide' is not an activity"},
      {"forall action = lire: deny", "'lire' is not an action (read, write"},
      {"forall kind = note: deny", "'note' is not an entry kind"},
      {"forall relation = equipe: deny", "'equipe' is not a relation"},
      {"forall role has boss: deny", "'boss' is not a capability"},
      {"forall category is secret: deny", "'secret' is not a sensitivity"},
      {"forall: deny because hidden", "at character 22: 'hidden' is not a reason"},
  };
  for (const auto& c : unknown) {
    BOOST_TEST_CONTEXT(c.text) {
      const auto r = resolve(c.text);
      BOOST_TEST_REQUIRE(!r.ok());
      BOOST_TEST(absl::StrContains(r.status().message(), c.message), r.status().message());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::policy_internal
