// The enumeration checked two ways: its blocks against a walk that decides every case one by one
// (each case's decision is its block's), and the shared access workload's 60,000 requests
// decided by the workload engine against the analysis's decision of their cases.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "../access/test_util.h"
#include "absl/container/flat_hash_map.h"
#include "access/state.h"
#include "analysis/space.h"
#include "analysis_testing.h"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"

namespace socle {
namespace {

using analysis_testing::Analyse;
using analysis_testing::Example;
using analysis_testing::Replace;

// The value of dimension `dim` in a case's situation.
int ValueOf(const DecisionCase& c, int dim) {
  static constexpr uint32_t kBit[analysis_internal::kDimCount] = {
      situation::kBlocked,   situation::kAuthor,   situation::kArchived, 0,
      situation::kConsented, situation::kObjected, situation::kMasked,   situation::kRestricted,
      situation::kJustified};
  if (dim == analysis_internal::kDimRelation) return static_cast<int>(c.relation);
  return (c.situation & kBit[dim]) != 0;
}

struct Block {
  DecisionCase first;
  Decision decision;
  uint64_t count = 0;
  uint64_t matched = 0;
};

// The block key of a case: its first `stage` dimensions (3 bits each) and the stage.
uint64_t KeyOf(const DecisionCase& c, int stage) {
  uint64_t key = static_cast<uint64_t>(stage);
  for (int dim = 0; dim < stage; ++dim) key = (key << 3) | static_cast<uint64_t>(ValueOf(c, dim));
  return key;
}

bool SameDecision(const Decision& a, const Decision& b) {
  return a.effect == b.effect && a.reason == b.reason && a.rule == b.rule &&
         a.obligations == b.obligations;
}

// For every tuple of `roles` (read, write and export; all categories, purposes, kinds): each case
// decided alone falls in exactly one block, whose decision it has; the blocks count exactly the
// cases.
void CheckBlocks(const PolicyAnalysis& a, const std::vector<std::string>& roles) {
  const analysis_internal::World& w = a.world();
  policy_internal::PropertyDomain tuple = analysis_internal::WholeSpace(w);
  uint64_t cases = 0, blocks = 0;
  for (const std::string& role_name : roles) {
    const uint32_t role = *a.policy().FindRole(role_name);
    std::fill(tuple.roles.begin(), tuple.roles.end(), 0);
    tuple.roles[role] = 1;
    for (Action action : {Action::kRead, Action::kWrite, Action::kExport}) {
      tuple.actions = 1u << static_cast<int>(action);
      for (uint32_t category = 0; category < w.categories; ++category) {
        std::fill(tuple.categories.begin(), tuple.categories.end(), 0);
        tuple.categories[category] = 1;
        for (uint32_t purpose = 0; purpose < w.purposes; ++purpose) {
          std::fill(tuple.purposes.begin(), tuple.purposes.end(), 0);
          tuple.purposes[purpose] = 1;
          for (int kind = 1; kind < kEntryKindCount; ++kind) {
            tuple.kinds = 1u << kind;
            std::vector<Block> found;
            absl::flat_hash_map<uint64_t, size_t> by_key;
            analysis_internal::Enumerate(
                w, tuple, [&](const DecisionCase& c, const Decision& d, uint64_t count) {
                  const uint64_t key = KeyOf(c, analysis_internal::Stage(d.reason));
                  if (!by_key.emplace(key, found.size()).second) {
                    BOOST_ERROR(a.Describe(c) << ": two blocks with one key");
                  }
                  found.push_back({c, d, count, 0});
                });
            blocks += found.size();
            analysis_internal::EnumerateEveryCase(
                w, tuple, [&](const DecisionCase& c, const Decision& d, uint64_t) {
                  ++cases;
                  int owners = 0;
                  for (int stage = 1; stage <= analysis_internal::kDimCount; ++stage) {
                    const auto it = by_key.find(KeyOf(c, stage));
                    if (it == by_key.end()) continue;
                    Block& b = found[it->second];
                    ++owners;
                    ++b.matched;
                    if (!SameDecision(b.decision, d)) {
                      BOOST_ERROR(a.Describe(c) << ": decided " << Name(d.reason) << ", its block "
                                                << Name(b.decision.reason));
                    }
                  }
                  if (owners != 1) BOOST_ERROR(a.Describe(c) << ": in " << owners << " blocks");
                });
            for (const Block& b : found) {
              if (b.count != b.matched) {
                BOOST_ERROR(a.Describe(b.first)
                            << ": block counts " << b.count << " cases, holds " << b.matched);
              }
            }
          }
        }
      }
    }
  }
  BOOST_TEST_MESSAGE(cases << " cases in " << blocks << " blocks");
  BOOST_TEST(blocks < cases / 4);  // the blocks do save calls
}

BOOST_AUTO_TEST_SUITE(crosscheck)

// Roles of every kind: a referent who may open sessions, a trainee (entry-kind rule), the front
// desk (no secrecy, no referent), an archivist and reviewer.
BOOST_AUTO_TEST_CASE(blocks_equal_every_case_ccas) {
  const auto a = Analyse(Example("ccas.textproto"));
  CheckBlocks(*a, {"ass", "stagiaire_ass", "secretaire_accueil", "responsable_service"});
}

BOOST_AUTO_TEST_CASE(blocks_equal_every_case_departement) {
  const auto a = Analyse(Example("departement.textproto"));
  CheckBlocks(*a, {"educateur_ase", "medecin_pmi", "archiviste"});
}

// Every request of the shared workload, decided by the workload's engine, equals the analysis's
// decision of its case (role, action, category, purpose, kind, relation, situation).
BOOST_AUTO_TEST_CASE(workload_requests_equal_their_cases) {
  AccessEngine& engine = access_testing::SharedWorkloadEngine();
  const auto a = Analyse(access_testing::WorkloadPolicyText());
  const auto snapshot = engine.snapshot();
  const auto& state = access_internal::Data(*snapshot).state;
  size_t requests = 0;
  for (const char* file : access_testing::kRequestFiles) {
    for (const access_testing::WorkloadRequest& w : access_testing::ReadRequests(file)) {
      const AccessRequest r = access_testing::ToRequest(engine, w);
      const absl::StatusOr<Decision> expected = snapshot->Decide(r);
      BOOST_TEST_REQUIRE(expected.ok(), expected.status());
      const access_internal::ProfessionalRecord& p = state.professionals[r.actor];
      const access_internal::PersonRecord& x = state.persons[r.person];
      bool shares_team = false;
      for (uint32_t t : p.teams) {
        for (uint32_t u : x.teams) shares_team = shares_team || t == u;
      }
      DecisionCase c;
      c.role = p.role;
      c.action = r.action;
      // The analysis numbers the policy's own ids; the workload engine uses the same policy.
      c.category = r.category;
      c.purpose = r.purpose;
      c.kind = r.kind;
      c.relation = shares_team ? Relation::kTeam : Relation::kNone;
      c.situation =
          (r.masked ? situation::kMasked : 0u) | (r.author == r.actor ? situation::kAuthor : 0u);
      const absl::StatusOr<Decision> got = a->Decide(c);
      BOOST_TEST_REQUIRE(got.ok(), got.status());
      if (got->effect != expected->effect || got->reason != expected->reason) {
        BOOST_ERROR(w.record << ": the engine says " << Name(expected->reason)
                             << ", the analysis of " << a->Describe(c) << " says "
                             << Name(got->reason));
      }
      BOOST_TEST((got->reason == access_testing::ExpectedReason(w.reason)), w.record);
      ++requests;
    }
  }
  BOOST_TEST(requests == 60000u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
