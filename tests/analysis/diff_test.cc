// The difference between two policies (socle/policy_analysis.hpp, DiffPolicies).
#include <boost/test/unit_test.hpp>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "../access/test_util.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "analysis/space.h"
#include "analysis_testing.h"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"

namespace socle {
namespace {

using analysis_testing::Analyse;
using analysis_testing::Example;
using analysis_testing::kFrontDesk;
using analysis_testing::kFrontDeskSocial;
using analysis_testing::Replace;

BOOST_AUTO_TEST_SUITE(diff)

BOOST_AUTO_TEST_CASE(a_policy_and_itself_do_not_differ) {
  for (const char* name : {"ccas.textproto", "departement.textproto"}) {
    const auto a = Analyse(Example(name));
    const auto b = Analyse(Example(name));
    const PolicyDiff d = DiffPolicies(*a, *b);
    BOOST_TEST(d.changes.empty());
    BOOST_TEST(d.changed_cases == 0u);
    BOOST_TEST(d.cases == a->space_size());
    BOOST_TEST(d.decisions == 0u);  // every tuple has the same inputs: none is decided
    BOOST_TEST(d.Summary().empty());
    BOOST_TEST(d.before_digest == d.after_digest);
  }
}

// One line of the matrix: the changes are exactly the front desk's reads, writes and prints of
// social data, and their number is what deciding each such case under both policies gives.
BOOST_AUTO_TEST_CASE(a_one_line_change_shows_exactly_its_cases) {
  const std::string before_text = Example("ccas.textproto");
  const auto before = Analyse(before_text);
  const auto after = Analyse(Replace(before_text, kFrontDesk, kFrontDeskSocial));
  const PolicyDiff d = DiffPolicies(*before, *after);
  BOOST_TEST_REQUIRE(!d.changes.empty());
  for (const PolicyChange& c : d.changes) {
    BOOST_TEST(c.role == "secretaire_accueil");
    BOOST_TEST(c.category == "social");
    BOOST_TEST(
        (c.action == Action::kRead || c.action == Action::kWrite || c.action == Action::kPrint));
    BOOST_TEST(c.before.possible);
    BOOST_TEST(c.after.possible);
  }
  // The reference: every case of that role and category decided alone under each policy.
  policy_internal::PropertyDomain domain = analysis_internal::WholeSpace(before->world());
  std::fill(domain.roles.begin(), domain.roles.end(), 0);
  domain.roles[*before->policy().FindRole("secretaire_accueil")] = 1;
  std::fill(domain.categories.begin(), domain.categories.end(), 0);
  domain.categories[*before->policy().FindDataCategory("social")] = 1;
  std::vector<Decision> b, a;
  analysis_internal::EnumerateEveryCase(
      before->world(), domain,
      [&](const DecisionCase&, const Decision& x, uint64_t) { b.push_back(x); });
  analysis_internal::EnumerateEveryCase(
      after->world(), domain,
      [&](const DecisionCase&, const Decision& x, uint64_t) { a.push_back(x); });
  BOOST_TEST_REQUIRE(a.size() == b.size());
  uint64_t differing = 0, now_allowed = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].effect != b[i].effect || a[i].reason != b[i].reason) ++differing;
    if (a[i].allowed() && !b[i].allowed()) ++now_allowed;
  }
  BOOST_TEST(d.changed_cases == differing);
  BOOST_TEST(now_allowed > 0u);
  const std::vector<std::string> summary = d.Summary();
  BOOST_TEST_REQUIRE(!summary.empty());
  BOOST_TEST(absl::StrContains(summary[0],
                               "« secretaire_accueil » peut désormais lire, écrire, imprimer "
                               "« social »"),
             summary[0]);
  BOOST_TEST(absl::StrContains(summary[0], "habilitations[4]"), summary[0]);
  const std::vector<std::string> english = d.Summary(AnalysisLanguage::kEnglish);
  BOOST_TEST(absl::StrContains(english[0],
                               "'secretaire_accueil' may now read, write, print "
                               "'social'"),
             english[0]);
  const std::string json = d.Json();
  BOOST_TEST(absl::StrContains(json, "\"changed_cases\": \"" + std::to_string(differing) + "\""),
             json.substr(0, 400));
  BOOST_TEST(absl::StrContains(json, "\"rule\": \"habilitations[4]\""));
}

// The reverse change is the mirror image: as many cases, "no longer".
BOOST_AUTO_TEST_CASE(the_reverse_change_mirrors_it) {
  const std::string text = Example("ccas.textproto");
  const auto narrow = Analyse(text);
  const auto wide = Analyse(Replace(text, kFrontDesk, kFrontDeskSocial));
  const PolicyDiff forward = DiffPolicies(*narrow, *wide);
  const PolicyDiff back = DiffPolicies(*wide, *narrow);
  BOOST_TEST(forward.changed_cases == back.changed_cases);
  BOOST_TEST(forward.changes.size() == back.changes.size());
  BOOST_TEST(absl::StrContains(back.Summary()[0], "ne peut plus lire"), back.Summary()[0]);
}

// A role only one policy declares: its cases appear (or disappear), decided by that policy.
BOOST_AUTO_TEST_CASE(a_new_role_brings_new_cases) {
  const std::string text = Example("ccas.textproto");
  const auto before = Analyse(text);
  const auto after = Analyse(Replace(
      text, kFrontDesk,
      std::string(kFrontDesk) +
          "\nhabilitations { role: \"mediateur\" actions: [READ] data_categories: "
          "[\"housing\"] }\nroles { id: \"mediateur\" label: \"Médiateur\" secrecy: BY_MISSION "
          "secrecy_reference: \"CASF L.121-6-2\" }"));
  const PolicyDiff d = DiffPolicies(*before, *after);
  BOOST_TEST_REQUIRE(!d.changes.empty());
  uint64_t appearing = 0;
  for (const PolicyChange& c : d.changes) {
    BOOST_TEST(c.role == "mediateur");
    BOOST_TEST(!c.before.possible);
    BOOST_TEST(c.after.possible);
    appearing += c.cases;
  }
  BOOST_TEST(appearing == d.changed_cases);
  BOOST_TEST(d.cases == after->space_size());
  BOOST_TEST(absl::StrContains(d.Summary()[0], "« mediateur » : nouveaux cas"), d.Summary()[0]);
  const PolicyDiff back = DiffPolicies(*after, *before);
  BOOST_TEST(back.changed_cases == d.changed_cases);
  for (const PolicyChange& c : back.changes) BOOST_TEST(!c.after.possible);
}

// The CCAS policy `text` with changes spread over several roles: a new role, the front desk's
// line widened to social data, a line narrowed.
std::string SeveralChanges(const std::string& text) {
  return Replace(
      Replace(text, kFrontDesk,
              std::string(kFrontDeskSocial) +
                  "\nhabilitations { role: \"mediateur\" actions: [READ] data_categories: "
                  "[\"housing\"] }\nroles { id: \"mediateur\" label: \"Médiateur\" secrecy: "
                  "BY_MISSION secrecy_reference: \"CASF L.121-6-2\" }"),
      "actions: [READ] data_categories: [\"social\", \"housing\", \"family\"]",
      "actions: [READ] data_categories: [\"social\", \"housing\"]");
}

// DiffPolicies walks the roles on two threads and joins the parts in the walk's order: the
// diff, its report and its counts, is the one a single thread gives, and has several changes
// spread over several roles (a new role, a line widened, a line narrowed).
BOOST_AUTO_TEST_CASE(threads_give_the_single_walk_diff) {
  const std::string text = Example("ccas.textproto");
  const auto before = Analyse(text);
  const auto after = Analyse(SeveralChanges(text));
  const PolicyDiff one = analysis_internal::DiffWorlds(before->world(), after->world(), 1);
  std::set<std::string> roles;
  for (const PolicyChange& c : one.changes) roles.insert(c.role);
  BOOST_TEST(roles.size() > 2u);
  for (int threads : {2, 3, 8}) {
    const PolicyDiff many = analysis_internal::DiffWorlds(before->world(), after->world(), threads);
    BOOST_TEST(many.Json() == one.Json());
    BOOST_TEST(many.cases == one.cases);
    BOOST_TEST(many.changed_cases == one.changed_cases);
    BOOST_TEST(many.decisions == one.decisions);
  }
  BOOST_TEST(DiffPolicies(*before, *after).Json() == one.Json());
}

// The diff skips the tuples whose inputs are the same under both policies (JointInputs): on
// changes of each kind of rule, the skipping diff is the full joint walk's (its groups, examples,
// counts and report), deciding fewer cases; on no change, deciding none.
BOOST_AUTO_TEST_CASE(skipping_identical_tuples_gives_the_full_walk_diff) {
  const std::string text = Example("ccas.textproto");
  struct Variant {
    const char* what;
    std::string after;
    bool changes;  // whether the variant changes some decision
  };
  const std::vector<Variant> variants = {
      {"one habilitation line", Replace(text, kFrontDesk, kFrontDeskSocial), true},
      {"a purpose's legal basis (objectable)",
       Replace(text, "legal_basis: LEGAL_OBLIGATION\n  legal_basis_reference: \"CASF L.264-1",
               "legal_basis: PUBLIC_TASK\n  legal_basis_reference: \"CASF L.264-1"),
       true},
      {"a purpose's categories",
       Replace(Replace(text,
                       "data_categories: [\"administrative\", \"financial\", \"family\", "
                       "\"housing\", \"social\"]\n  person_categories: [\"personne_accompagnee\", "
                       "\"membre_foyer\", \"representant_legal\"]",
                       "data_categories: [\"administrative\", \"financial\", \"family\", "
                       "\"housing\"]\n  person_categories: [\"personne_accompagnee\", "
                       "\"membre_foyer\", \"representant_legal\"]"),
               "  retention { data_category: \"social\"    start: LAST_CONTACT_FROM_PERSON "
               "active_months: 24 end_action: DELETE source: \"CNIL délib. 2023-095\" }\n",
               ""),
       true},
      {"a retention rule",
       Replace(text,
               "start: LAST_CONTACT_FROM_PERSON active_months: 24 intermediate_months: 36 "
               "end_action: DELETE",
               "start: LAST_CONTACT_FROM_PERSON active_months: 24 end_action: DELETE"),
       false},  // the world's archived files are past both phases: the same decisions
      {"the break-glass scope",
       Replace(text, "allowed_roles: [\"ass\", \"cesf\", \"infirmier\"]",
               "allowed_roles: [\"ass\", \"cesf\"]"),
       true},
      {"masked items revealed under break-glass",
       Replace(text, "reveals_masked_items: false", "reveals_masked_items: true"), true},
      {"an entry kind's readers",
       Replace(text,
               "reader_roles: [\"ass\", \"cesf\", \"infirmier\", \"responsable_service\", "
               "\"evaluateur_crip\"]",
               "reader_roles: [\"ass\", \"infirmier\", \"responsable_service\", "
               "\"evaluateur_crip\"]"),
       true},
      {"an archivist capability",
       Replace(text, "capabilities: [REVIEWER, ARCHIVIST]", "capabilities: [REVIEWER]"), true},
      {"a role that may no longer be a referent",
       Replace(text,
               "professional_category: \"Conseiller en économie sociale et familiale (CSP "
               "R.1110-2)\"\n  referent: true",
               "professional_category: \"Conseiller en économie sociale et familiale (CSP "
               "R.1110-2)\""),
       true},
      {"the referent's access to masked entries",
       Replace(text, "referent_keeps_access: true", "referent_keeps_access: false"), true},
      {"a purpose based on consent",
       Replace(text, "legal_basis: CONSENT\n",
               "legal_basis: PUBLIC_TASK\n  legal_basis_reference: \"CASF L.123-5\"\n  "
               "public_task: true\n"),
       true},
      {"a role's secrecy",
       Replace(text, "secrecy: BY_PROFESSION\n  secrecy_reference: \"CASF L.411-3 (étudiants",
               "secrecy: BY_MISSION\n  secrecy_reference: \"CASF L.411-3 (étudiants"),
       false},  // bound either way (the diff compares the status itself: it walks them)
      {"nothing", text, false},
  };
  const auto before = Analyse(text);
  for (const Variant& v : variants) {
    BOOST_TEST_CONTEXT(v.what) {
      const auto after = Analyse(v.after);
      const PolicyDiff full =
          analysis_internal::DiffWorlds(before->world(), after->world(), 1, false);
      const PolicyDiff skipping = analysis_internal::DiffWorlds(before->world(), after->world(), 2);
      BOOST_TEST(skipping.Json() == full.Json());
      BOOST_TEST(skipping.Json(AnalysisLanguage::kEnglish) ==
                 full.Json(AnalysisLanguage::kEnglish));
      BOOST_TEST(skipping.cases == full.cases);
      BOOST_TEST(skipping.changed_cases == full.changed_cases);
      BOOST_TEST(skipping.changes.size() == full.changes.size());
      BOOST_TEST(!full.changes.empty() == v.changes);
      BOOST_TEST(skipping.decisions < full.decisions);
      if (v.after == text) BOOST_TEST(skipping.decisions == 0u);
      // The opposite direction as well.
      const PolicyDiff back_full =
          analysis_internal::DiffWorlds(after->world(), before->world(), 1, false);
      const PolicyDiff back = analysis_internal::DiffWorlds(after->world(), before->world(), 1);
      BOOST_TEST(back.Json() == back_full.Json());
      BOOST_TEST(back.cases == back_full.cases);
    }
  }
}

// A new role, a line widened and one narrowed, and the other example against itself: the same.
BOOST_AUTO_TEST_CASE(skipping_gives_the_full_walk_diff_on_several_changes) {
  const std::string text = Example("ccas.textproto");
  const auto before = Analyse(text);
  const auto after = Analyse(SeveralChanges(text));
  for (const auto& [b, a] :
       {std::pair(before.get(), after.get()), std::pair(after.get(), before.get())}) {
    const PolicyDiff full = analysis_internal::DiffWorlds(b->world(), a->world(), 1, false);
    const PolicyDiff skipping = analysis_internal::DiffWorlds(b->world(), a->world(), 2);
    BOOST_TEST(skipping.Json() == full.Json());
    BOOST_TEST(skipping.cases == full.cases);
    BOOST_TEST(skipping.changed_cases == full.changed_cases);
    BOOST_TEST(skipping.decisions < full.decisions);
  }
  const auto d1 = Analyse(Example("departement.textproto"));
  const auto d2 = Analyse(Example("departement.textproto"));
  const PolicyDiff same = DiffPolicies(*d1, *d2);
  BOOST_TEST(same.cases == d1->space_size());
  BOOST_TEST(same.decisions == 0u);
  BOOST_TEST(same.changes.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
