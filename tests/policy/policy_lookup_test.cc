// The compiled lookups match the text of the example policies: dense ids for every declared
// entry, the habilitation matrix cell by cell (deny by default), sensitivities and secrecy.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "socle/policy.hpp"
#include "socle/vocabulary.hpp"
#include "test_util.h"

namespace socle {
namespace {

using policy_testing::ExamplePath;
using policy_testing::ParseProto;
using policy_testing::ReadFile;

constexpr Action kAllActions[] = {Action::kRead,   Action::kWrite, Action::kDelete,
                                  Action::kExport, Action::kPrint, Action::kShare};

struct Loaded {
  v1::Policy proto;
  Policy policy;
};

Loaded LoadExample(const char* name) {
  const std::string text = ReadFile(ExamplePath(name));
  absl::StatusOr<Policy> policy = Policy::Load(text);
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().ToString());
  return Loaded{ParseProto(text), *std::move(policy)};
}

uint32_t RoleId(const Policy& p, const std::string& id) {
  const auto found = p.FindRole(id);
  BOOST_REQUIRE_MESSAGE(found.has_value(), "role " << id);
  return *found;
}

uint32_t CategoryId(const Policy& p, const std::string& id) {
  const auto found = p.FindDataCategory(id);
  BOOST_REQUIRE_MESSAGE(found.has_value(), "category " << id);
  return *found;
}

bool Allowed(const Policy& p, const std::string& role, Action action, const std::string& category) {
  return p.Allows(RoleId(p, role), action, CategoryId(p, category));
}

BOOST_AUTO_TEST_SUITE(policy_lookup)

BOOST_AUTO_TEST_CASE(every_declared_id_has_a_distinct_dense_id) {
  for (const char* name : {"ccas.textproto", "departement.textproto"}) {
    BOOST_TEST_CONTEXT(name) {
      const Loaded l = LoadExample(name);
      std::set<uint32_t> seen;
      for (const auto& c : l.proto.data_categories()) {
        const auto id = l.policy.FindDataCategory(c.id());
        BOOST_REQUIRE(id.has_value());
        BOOST_TEST(*id < l.policy.data_category_count());
        BOOST_TEST(seen.insert(*id).second);
      }
      seen.clear();
      for (const auto& r : l.proto.roles()) {
        const auto id = l.policy.FindRole(r.id());
        BOOST_REQUIRE(id.has_value());
        BOOST_TEST(*id < l.policy.role_count());
        BOOST_TEST(seen.insert(*id).second);
      }
      seen.clear();
      for (const auto& a : l.proto.activities()) {
        const auto id = l.policy.FindActivity(a.id());
        BOOST_REQUIRE(id.has_value());
        BOOST_TEST(*id < l.policy.activity_count());
        BOOST_TEST(seen.insert(*id).second);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_names_are_not_found) {
  const Loaded l = LoadExample("ccas.textproto");
  for (const char* id : {"", "ASS", "ass ", "assistant", "health\n", "accompagnement_social_"}) {
    BOOST_TEST(!l.policy.FindRole(id).has_value(), id);
    BOOST_TEST(!l.policy.FindActivity(id).has_value(), id);
  }
  BOOST_TEST(!l.policy.FindDataCategory("Health").has_value());
  BOOST_TEST(!l.policy.FindDataCategory("procedures_penales").has_value());  // a CCAS has none
  // Names of one kind are not found as another.
  BOOST_TEST(!l.policy.FindRole("health").has_value());
  BOOST_TEST(!l.policy.FindDataCategory("ass").has_value());
  BOOST_TEST(!l.policy.FindActivity("personne_accompagnee").has_value());
}

// The whole matrix, cell by cell: allowed exactly when a habilitation line of the text grants it.
BOOST_AUTO_TEST_CASE(habilitation_matrix_matches_the_text) {
  for (const char* name : {"ccas.textproto", "departement.textproto"}) {
    BOOST_TEST_CONTEXT(name) {
      const Loaded l = LoadExample(name);
      std::set<std::tuple<std::string, int, std::string>> granted;
      for (const auto& h : l.proto.habilitations()) {
        for (int action : h.actions()) {
          for (const auto& c : h.data_categories()) granted.emplace(h.role(), action, c);
        }
      }
      int allowed = 0;
      for (const auto& r : l.proto.roles()) {
        for (Action action : kAllActions) {
          for (const auto& c : l.proto.data_categories()) {
            const bool want = granted.count({r.id(), static_cast<int>(action), c.id()}) == 1;
            BOOST_TEST(Allowed(l.policy, r.id(), action, c.id()) == want,
                       r.id() << " " << Name(action) << " " << c.id());
            allowed += want;
          }
        }
      }
      BOOST_TEST(allowed > 0);
    }
  }
}

// REQ-59 and the comments of ccas.textproto, read as a DPO would.
BOOST_AUTO_TEST_CASE(ccas_matrix_as_the_dpo_wrote_it) {
  const Loaded l = LoadExample("ccas.textproto");
  const Policy& p = l.policy;
  // The reception secretary sees the administrative file only.
  BOOST_TEST(Allowed(p, "secretaire_accueil", Action::kRead, "administrative"));
  BOOST_TEST(Allowed(p, "secretaire_accueil", Action::kPrint, "administrative"));
  for (const char* c : {"health", "social", "financial", "family", "housing", "nir"}) {
    BOOST_TEST(!Allowed(p, "secretaire_accueil", Action::kRead, c), c);
  }
  BOOST_TEST(!Allowed(p, "secretaire_accueil", Action::kShare, "administrative"));
  // The ASS and the nurse see health; the CESF and the trainee do not.
  BOOST_TEST(Allowed(p, "ass", Action::kRead, "health"));
  BOOST_TEST(Allowed(p, "infirmier", Action::kWrite, "health"));
  BOOST_TEST(Allowed(p, "infirmier", Action::kRead, "social"));
  BOOST_TEST(!Allowed(p, "infirmier", Action::kWrite, "social"));
  BOOST_TEST(!Allowed(p, "cesf", Action::kRead, "health"));
  BOOST_TEST(!Allowed(p, "stagiaire_ass", Action::kRead, "health"));
  BOOST_TEST(!Allowed(p, "stagiaire_ass", Action::kShare, "social"));
  // The head of service answers rights requests; only the ASS touches the NIR.
  BOOST_TEST(Allowed(p, "responsable_service", Action::kExport, "health"));
  BOOST_TEST(!Allowed(p, "responsable_service", Action::kWrite, "social"));
  BOOST_TEST(Allowed(p, "ass", Action::kRead, "nir"));
  BOOST_TEST(!Allowed(p, "cesf", Action::kRead, "nir"));
  // The DPO, the security auditor and outside recipients have no access to files at all.
  for (const char* role : {"dpo", "auditeur_securite", "maire", "crip_departement", "ass_departement"}) {
    for (const auto& c : l.proto.data_categories()) {
      for (Action action : kAllActions) BOOST_TEST(!Allowed(p, role, action, c.id()), role);
    }
  }
}

BOOST_AUTO_TEST_CASE(departement_matrix_as_the_dpo_wrote_it) {
  const Loaded l = LoadExample("departement.textproto");
  const Policy& p = l.policy;
  BOOST_TEST(Allowed(p, "educateur_ase", Action::kRead, "procedures_penales"));
  BOOST_TEST(Allowed(p, "evaluateur_crip", Action::kShare, "health"));
  BOOST_TEST(!Allowed(p, "ass_polyvalence", Action::kRead, "procedures_penales"));
  BOOST_TEST(!Allowed(p, "educateur_prevention", Action::kRead, "health"));
  BOOST_TEST(!Allowed(p, "secretaire_administratif", Action::kRead, "health"));
  BOOST_TEST(!Allowed(p, "secretaire_administratif", Action::kRead, "procedures_penales"));
  BOOST_TEST(Allowed(p, "instructeur_prestations", Action::kRead, "nir"));
  BOOST_TEST(Allowed(p, "instructeur_prestations", Action::kRead, "health"));
  BOOST_TEST(!Allowed(p, "instructeur_prestations", Action::kWrite, "health"));
  BOOST_TEST(Allowed(p, "charge_etudes_odpe", Action::kExport, "education"));
  BOOST_TEST(!Allowed(p, "charge_etudes_odpe", Action::kRead, "education"));
}

BOOST_AUTO_TEST_CASE(out_of_range_and_unspecified_are_denied) {
  const Loaded l = LoadExample("ccas.textproto");
  const Policy& p = l.policy;
  const uint32_t ass = RoleId(p, "ass");
  const uint32_t health = CategoryId(p, "health");
  BOOST_REQUIRE(p.Allows(ass, Action::kRead, health));
  BOOST_TEST(!p.Allows(ass, Action::kUnspecified, health));
  BOOST_TEST(!p.Allows(ass, static_cast<Action>(7), health));
  BOOST_TEST(!p.Allows(ass, static_cast<Action>(-1), health));
  BOOST_TEST(!p.Allows(static_cast<uint32_t>(p.role_count()), Action::kRead, health));
  BOOST_TEST(!p.Allows(ass, Action::kRead, static_cast<uint32_t>(p.data_category_count())));
  BOOST_TEST(!p.Allows(UINT32_MAX, Action::kRead, UINT32_MAX));
}

BOOST_AUTO_TEST_CASE(sensitivity_and_secrecy_match_the_text) {
  for (const char* name : {"ccas.textproto", "departement.textproto"}) {
    BOOST_TEST_CONTEXT(name) {
      const Loaded l = LoadExample(name);
      for (const auto& c : l.proto.data_categories()) {
        BOOST_TEST(static_cast<int>(l.policy.sensitivity(CategoryId(l.policy, c.id()))) ==
                       static_cast<int>(c.sensitivity()),
                   c.id());
      }
      for (const auto& r : l.proto.roles()) {
        BOOST_TEST(static_cast<int>(l.policy.secrecy(RoleId(l.policy, r.id()))) ==
                       static_cast<int>(r.secrecy()),
                   r.id());
      }
    }
  }
  const Loaded ccas = LoadExample("ccas.textproto");
  BOOST_TEST((ccas.policy.sensitivity(CategoryId(ccas.policy, "health")) == DataSensitivity::kSpecialCategory));
  BOOST_TEST((ccas.policy.sensitivity(CategoryId(ccas.policy, "nir")) == DataSensitivity::kNir));
  BOOST_TEST((ccas.policy.sensitivity(CategoryId(ccas.policy, "social")) == DataSensitivity::kOrdinary));
  BOOST_TEST((ccas.policy.secrecy(RoleId(ccas.policy, "ass")) == SecrecyStatus::kByProfession));
  BOOST_TEST((ccas.policy.secrecy(RoleId(ccas.policy, "cesf")) == SecrecyStatus::kByMission));
  BOOST_TEST((ccas.policy.secrecy(RoleId(ccas.policy, "secretaire_accueil")) == SecrecyStatus::kNone));
  BOOST_TEST((ccas.policy.secrecy(RoleId(ccas.policy, "maire")) == SecrecyStatus::kByMission));
  const Loaded dep = LoadExample("departement.textproto");
  BOOST_TEST((dep.policy.sensitivity(CategoryId(dep.policy, "procedures_penales")) == DataSensitivity::kOffence));
}

// A Policy is immutable: any number of threads may read it at once and see the same answers.
BOOST_AUTO_TEST_CASE(concurrent_readers_agree) {
  const Loaded l = LoadExample("departement.textproto");
  const Policy shared = l.policy;
  std::vector<int> counts(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&shared, &counts, t] {
      for (int round = 0; round < 50; ++round) {
        int n = 0;
        for (uint32_t r = 0; r < shared.role_count(); ++r) {
          for (Action a : kAllActions) {
            for (uint32_t c = 0; c < shared.data_category_count(); ++c) n += shared.Allows(r, a, c);
          }
        }
        counts[t] = n;
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 1; t < 4; ++t) BOOST_TEST(counts[t] == counts[0]);
  BOOST_TEST(counts[0] > 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
