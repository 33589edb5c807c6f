// Properties proven over every case (socle/policy_analysis.hpp): the example policies' own
// properties hold; a broken variant of each is refuted with the expected smallest
// counter-example; bad statements and impossible cases are refused.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../access/test_util.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "analysis_testing.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"

namespace socle {
namespace {

using analysis_testing::Analyse;
using analysis_testing::Example;
using analysis_testing::Replace;

PropertyResult ProveOne(const PolicyAnalysis& a, const std::string& id) {
  for (PropertyResult& r : a.ProveDeclared()) {
    if (r.id == id) return r;
  }
  BOOST_FAIL("no property " << id);
  return {};
}

// The counter-example a broken variant must produce.
struct Expected {
  std::string role;
  Action action;
  std::string category;  // empty: any
  EntryKind kind;
  Relation relation;
  uint32_t situation;
  Reason reason;
};

void CheckRefuted(const PolicyAnalysis& a, const PropertyResult& r, const Expected& e) {
  BOOST_TEST_CONTEXT(r.statement) {
    BOOST_TEST(!r.holds);
    BOOST_TEST_REQUIRE(r.example.has_value());
    const DecisionCase& c = *r.example;
    BOOST_TEST(c.role == *a.policy().FindRole(e.role), a.Describe(c));
    BOOST_TEST((c.action == e.action));
    if (!e.category.empty()) BOOST_TEST(c.category == *a.policy().FindDataCategory(e.category));
    BOOST_TEST((c.kind == e.kind));
    BOOST_TEST((c.relation == e.relation), a.Describe(c));
    BOOST_TEST(c.situation == e.situation, a.Describe(c));
    BOOST_TEST((r.decision.reason == e.reason), Name(r.decision.reason));
    // The example is the engine's decision, with its explanation.
    const absl::StatusOr<Decision> again = a.Decide(c);
    BOOST_TEST_REQUIRE(again.ok(), again.status());
    BOOST_TEST((again->reason == r.decision.reason));
    BOOST_TEST(absl::StrContains(r.explanation, Name(r.decision.reason)), r.explanation);
    BOOST_TEST(absl::StrContains(r.description, "role " + e.role), r.description);
  }
}

BOOST_AUTO_TEST_SUITE(prove)

BOOST_AUTO_TEST_CASE(example_properties_hold) {
  for (const char* name : {"ccas.textproto", "departement.textproto"}) {
    BOOST_TEST_CONTEXT(name) {
      const auto a = Analyse(Example(name));
      BOOST_TEST(a->space_size() > 1000000u);
      const std::vector<PropertyResult> results = a->ProveDeclared();
      BOOST_TEST(results.size() == 7u);
      for (const PropertyResult& r : results) {
        BOOST_TEST_CONTEXT(r.id << ": " << r.statement << "\n"
                                << r.description << "\n"
                                << r.explanation) {
          BOOST_TEST(r.holds);
          BOOST_TEST(r.cases > 0u);
          BOOST_TEST(r.cases <= a->space_size());
          BOOST_TEST(r.decisions <= r.cases);
          // forall: no counter-example; exists: its witness, allowed by the engine.
          BOOST_TEST(r.example.has_value() == !r.forall);
          if (!r.forall) BOOST_TEST(r.decision.allowed());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(trainees_read_appreciations_without_the_entry_kind_rule) {
  const auto a =
      Analyse(Replace(Example("ccas.textproto"),
                      "entry_kinds { kind: PROFESSIONAL_APPRECIATION reader_roles: [\"ass\", "
                      "\"cesf\", \"infirmier\", \"responsable_service\", "
                      "\"evaluateur_crip\"] }",
                      ""));
  CheckRefuted(*a, ProveOne(*a, "stagiaires_sans_appreciations"),
               {"stagiaire_ass", Action::kRead, "administrative", EntryKind::kAppreciation,
                Relation::kTeam, 0, Reason::kAllowed});
}

BOOST_AUTO_TEST_CASE(the_front_desk_reads_more_once_its_row_grows) {
  const auto a = Analyse(Replace(Example("ccas.textproto"),
                                 "habilitations { role: \"secretaire_accueil\"  actions: [READ, "
                                 "WRITE, PRINT] data_categories: [\"administrative\"] }",
                                 "habilitations { role: \"secretaire_accueil\"  actions: [READ, "
                                 "WRITE, PRINT] data_categories: [\"administrative\", \"social\"] "
                                 "}"));
  CheckRefuted(*a, ProveOne(*a, "accueil_donnees_administratives"),
               {"secretaire_accueil", Action::kRead, "social", EntryKind::kFact, Relation::kTeam, 0,
                Reason::kAllowed});
}

// Secrecy is guarded twice: the validator refuses a matrix that grants a special category to a
// role without secrecy, and the engine denies such a read (kNotBoundBySecrecy) whatever the
// matrix says, so the property holds of every policy that loads.
BOOST_AUTO_TEST_CASE(secrecy_is_guarded_by_the_validator_too) {
  const absl::StatusOr<Policy> policy =
      Policy::Load(Replace(Example("ccas.textproto"), "data_categories: [\"administrative\"] }",
                           "data_categories: [\"administrative\", \"health\"] }"));
  BOOST_TEST_REQUIRE(!policy.ok());
  BOOST_TEST(absl::StrContains(policy.status().message(),
                               "habilitation.special_category_without_secrecy"));
}

BOOST_AUTO_TEST_CASE(break_glass_reveals_masked_items_when_the_policy_says_so) {
  const auto a = Analyse(Replace(Example("departement.textproto"), "reveals_masked_items: false",
                                 "reveals_masked_items: true"));
  CheckRefuted(*a, ProveOne(*a, "bris_de_glace_respecte_le_masquage"),
               {"ass_polyvalence", Action::kRead, "administrative", EntryKind::kFact,
                Relation::kBreakGlass, situation::kMasked, Reason::kAllowedBreakGlass});
}

// The statements as a DPO might first write them: the archivist's reasoned read of the archive
// refutes both.
BOOST_AUTO_TEST_CASE(archivists_refute_the_unqualified_statements) {
  const auto a = Analyse(Example("ccas.textproto"));
  absl::StatusOr<PropertyResult> r = a->Prove("forall relation = none and action = read: deny");
  BOOST_TEST_REQUIRE(r.ok(), r.status());
  CheckRefuted(*a, *r,
               {"responsable_service", Action::kRead, "", EntryKind::kFact, Relation::kNone,
                situation::kArchived, Reason::kAllowedArchivist});
  r = a->Prove("forall archived and action = read: deny");
  BOOST_TEST_REQUIRE(r.ok(), r.status());
  CheckRefuted(*a, *r,
               {"responsable_service", Action::kRead, "", EntryKind::kFact, Relation::kTeam,
                situation::kArchived, Reason::kAllowedArchivist});
}

BOOST_AUTO_TEST_CASE(odpe_reads_once_given_a_read_row) {
  const auto a = Analyse(Replace(Example("departement.textproto"),
                                 "habilitations { role: \"charge_etudes_odpe\"      actions: "
                                 "[EXPORT]",
                                 "habilitations { role: \"charge_etudes_odpe\"      actions: "
                                 "[EXPORT, READ]"));
  CheckRefuted(*a, ProveOne(*a, "odpe_ne_lit_aucun_dossier"),
               {"charge_etudes_odpe", Action::kRead, "administrative", EntryKind::kFact,
                Relation::kTeam, 0, Reason::kAllowed});
}

BOOST_AUTO_TEST_CASE(exists_fails_without_a_witness) {
  const auto a = Analyse(
      Replace(Example("departement.textproto"),
              "habilitations { role: \"medecin_pmi\"             actions: [READ, WRITE, SHARE] "
              "data_categories: [\"health\", \"administrative\", \"family\"] }",
              "habilitations { role: \"medecin_pmi\"             actions: [READ, WRITE, SHARE] "
              "data_categories: [\"administrative\", \"family\"] }"));
  const PropertyResult r = ProveOne(*a, "pmi_lit_la_sante_des_enfants_suivis");
  BOOST_TEST(!r.holds);
  BOOST_TEST(!r.example.has_value());
  BOOST_TEST(r.cases > 0u);
}

// A reason list narrows what "deny" means: in the team, on an active file, the front desk's reads
// of social data are denied by the matrix; without those conditions a working note (its author's
// alone) is denied first.
BOOST_AUTO_TEST_CASE(because_checks_the_reason) {
  const auto a = Analyse(Example("ccas.textproto"));
  absl::StatusOr<PropertyResult> r = a->Prove(
      "forall role = secretaire_accueil and category = social and relation = team and "
      "kind != working_note and not blocked and not archived: deny because "
      "role_does_not_allow");
  BOOST_TEST_REQUIRE(r.ok(), r.status());
  BOOST_TEST(r->holds, r->description << "\n" << r->explanation);
  r = a->Prove(
      "forall role = secretaire_accueil and category = social: deny because "
      "role_does_not_allow");
  BOOST_TEST_REQUIRE(r.ok(), r.status());
  BOOST_TEST(!r->holds);
  BOOST_TEST_REQUIRE(r->example.has_value());
  BOOST_TEST(r->example->situation == 0u, r->description);
  BOOST_TEST((r->example->relation == Relation::kTeam));
  BOOST_TEST((r->example->kind == EntryKind::kWorkingNote));
  BOOST_TEST((r->decision.reason == Reason::kWorkingNote));
}

BOOST_AUTO_TEST_CASE(bad_statements_and_impossible_cases_are_refused) {
  const auto a = Analyse(Example("ccas.textproto"));
  absl::StatusOr<PropertyResult> r = a->Prove("forall role = stagiaire: deny");
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST((ErrorCodeOf(r.status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST(absl::StrContains(r.status().message(), "'stagiaire' is not a role"));
  r = a->Prove("forall role = ass and: deny");
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(absl::StrContains(r.status().message(), "at character 22"));

  // The front desk may not be a referent, nor open a session.
  DecisionCase c;
  c.role = *a->policy().FindRole("secretaire_accueil");
  for (Relation relation : {Relation::kReferent, Relation::kBreakGlass}) {
    c.relation = relation;
    const absl::StatusOr<Decision> d = a->Decide(c);
    BOOST_TEST_REQUIRE(!d.ok());
    BOOST_TEST((ErrorCodeOf(d.status()) == ErrorCode::kNotFound));
  }
  c.relation = Relation::kTeam;
  BOOST_TEST(a->Decide(c).ok());
  // A statement that covers no case holds, over zero cases.
  r = a->Prove("forall masked and not masked: deny");
  BOOST_TEST_REQUIRE(r.ok(), r.status());
  BOOST_TEST(r->holds);
  BOOST_TEST(r->cases == 0u);
}

// A policy whose property does not hold loads: the finding is the DPO's, not a syntax error.
BOOST_AUTO_TEST_CASE(a_false_property_does_not_stop_the_policy) {
  const std::string text =
      Example("ccas.textproto") +
      "\nproperties { id: \"faux\" statement: \"forall role = ass and action = read: deny\" }\n";
  const auto a = Analyse(text);
  const PropertyResult r = ProveOne(*a, "faux");
  BOOST_TEST(!r.holds);
  BOOST_TEST(r.example.has_value());
}

// What `socle policy check` reads to skip the world of a policy that declares no property.
BOOST_AUTO_TEST_CASE(declared_property_count_counts_the_properties_section) {
  const std::string text = Example("ccas.textproto");
  absl::StatusOr<Policy> with = Policy::Load(text);
  BOOST_TEST_REQUIRE(with.ok(), with.status());
  BOOST_TEST(DeclaredPropertyCount(*with) == Analyse(text)->ProveDeclared().size());
  BOOST_TEST(DeclaredPropertyCount(*with) == 7u);
  const size_t first = text.find("\nproperties {");
  BOOST_TEST_REQUIRE(first != std::string::npos);
  absl::StatusOr<Policy> without = Policy::Load(text.substr(0, first + 1));
  BOOST_TEST_REQUIRE(without.ok(), without.status());
  BOOST_TEST(DeclaredPropertyCount(*without) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
