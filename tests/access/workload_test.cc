// The access workload (workload/, a copy of the shared benchmark workload): every request of the
// three request files gets its expected decision and reason, alone, in batches, through FilterView
// and through Explain; ListPersons agrees with deciding every person of the population.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <vector>

#include "socle/access.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_SUITE(workload)

BOOST_AUTO_TEST_CASE(directory_is_loaded) {
  AccessEngine& engine = SharedWorkloadEngine();
  BOOST_TEST(engine.FindProfessional("p0").has_value());
  BOOST_TEST(engine.FindProfessional("p1999").has_value());
  BOOST_TEST(!engine.FindProfessional("p2000").has_value());
  BOOST_TEST(engine.FindPerson("x99999").has_value());
  BOOST_TEST(!engine.FindPerson("x100000").has_value());
  BOOST_TEST(engine.FindTeam("t49").has_value());
  // One event per professional and per person.
  BOOST_TEST(engine.revision() == 102000u);
}

BOOST_DATA_TEST_CASE(every_decision_matches_the_expected_one, bdata::make(kRequestFiles), file) {
  AccessEngine& engine = SharedWorkloadEngine();
  const std::vector<WorkloadRequest> lines = ReadRequests(file);
  BOOST_REQUIRE_EQUAL(lines.size(), 20000u);
  std::vector<AccessRequest> requests;
  for (const WorkloadRequest& w : lines) requests.push_back(ToRequest(engine, w));

  size_t mismatches = 0;
  std::map<std::string, size_t> reasons;
  for (size_t i = 0; i < lines.size(); ++i) {
    const absl::StatusOr<Decision> d = engine.Decide(requests[i]);
    BOOST_REQUIRE(d.ok());
    const bool allowed = lines[i].decision == "allow";
    if (d->allowed() != allowed || d->reason != ExpectedReason(lines[i].reason)) {
      if (++mismatches <= 5) {
        BOOST_TEST_MESSAGE(file << " line " << i + 1 << ": expected " << lines[i].reason << ", got "
                                << ReasonOf(*d) << "\n"
                                << engine.Explain(requests[i])->ToString());
      }
    }
    ++reasons[ReasonOf(*d)];
    BOOST_TEST((d->obligations & obligation::kLog) != 0u);
  }
  BOOST_TEST(mismatches == 0u, file << ": " << mismatches << " mismatches");
  for (const auto& [reason, count] : reasons)
    BOOST_TEST_MESSAGE(file << " " << reason << " " << count);

  // The batch form decides the same, on one snapshot.
  std::vector<Decision> batch(requests.size());
  BOOST_REQUIRE(engine.DecideMany(requests, absl::MakeSpan(batch)).ok());
  size_t batch_mismatches = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    batch_mismatches += batch[i].reason != ExpectedReason(lines[i].reason);
  }
  BOOST_TEST(batch_mismatches == 0u);
}

BOOST_DATA_TEST_CASE(filter_view_shows_placeholders_for_masked_items, bdata::make(kRequestFiles),
                     file) {
  AccessEngine& engine = SharedWorkloadEngine();
  std::vector<AccessRequest> requests;
  std::vector<Reason> expected;
  for (const WorkloadRequest& w : ReadRequests(file)) {
    requests.push_back(ToRequest(engine, w));
    expected.push_back(ExpectedReason(w.reason));
  }
  std::vector<Visibility> shown(requests.size());
  BOOST_REQUIRE(engine.FilterView(requests, absl::MakeSpan(shown)).ok());
  size_t wrong = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    const Visibility want =
        expected[i] == Reason::kAllowed || expected[i] == Reason::kAllowedAuthorOfMasked
            ? Visibility::kVisible
        : expected[i] == Reason::kMasked ? Visibility::kPlaceholder
                                         : Visibility::kAbsent;
    wrong += shown[i] != want;
  }
  BOOST_TEST(wrong == 0u);
}

// Explain gives the same decision as Decide, and marks exactly one decisive check, which failed
// for a denial.
BOOST_DATA_TEST_CASE(explanations_agree_with_decisions, bdata::make(kRequestFiles), file) {
  AccessEngine& engine = SharedWorkloadEngine();
  const std::vector<WorkloadRequest> lines = ReadRequests(file);
  for (size_t i = 0; i < lines.size(); i += 97) {
    const AccessRequest r = ToRequest(engine, lines[i]);
    const Decision d = *engine.Decide(r);
    auto e = engine.Explain(r);
    BOOST_REQUIRE(e.ok());
    BOOST_TEST(ReasonOf(e->decision) == ReasonOf(d));
    BOOST_TEST(e->decision.rule == d.rule);
    int decisive = 0;
    for (const ExplanationStep& step : e->steps) {
      if (!step.decisive) continue;
      ++decisive;
      BOOST_TEST(step.passed == d.allowed(), e->ToString());
    }
    BOOST_TEST(decisive == 1, e->ToString());
    BOOST_TEST(e->steps.size() == 13u);  // with the retention and restriction steps
  }
}

BOOST_AUTO_TEST_CASE(explanation_names_the_rules) {
  AccessEngine& engine = SharedWorkloadEngine();
  // p872 reads administrative data of x50757, with whom they share no team (requests_denied.tsv
  // line 1).
  const WorkloadRequest w{"p872", "read", "r20001", "x50757",          "administrative",
                          false,  "p953", "deny",   "deny_not_in_team"};
  auto e = engine.Explain(ToRequest(engine, w));
  BOOST_REQUIRE(e.ok());
  const std::string text = e->ToString();
  BOOST_TEST(text.find("DENY (not_assigned)") != std::string::npos, text);
  BOOST_TEST(text.find("[FAIL] need_to_know: 'p872' shares no team with person 'x50757'") !=
                 std::string::npos,
             text);
  BOOST_TEST(text.find("<= decides") != std::string::npos, text);
}

// ListPersons (through the team index) equals deciding every person of the population.
BOOST_DATA_TEST_CASE(list_persons_equals_a_full_scan,
                     bdata::make({"p0", "p23", "p105", "p1106", "p1999"}) *
                         bdata::make({"administrative", "health"}),
                     professional, category) {
  AccessEngine& engine = SharedWorkloadEngine();
  const uint32_t actor = *engine.FindProfessional(professional);
  const uint32_t cat = *engine.FindCategory(category);
  const uint32_t purpose = *engine.FindPurpose("accompagnement");
  auto listed = engine.ListPersons(actor, cat, purpose);
  BOOST_REQUIRE(listed.ok());
  std::vector<uint32_t> scanned;
  AccessRequest r;
  r.actor = actor;
  r.category = cat;
  r.purpose = purpose;
  for (int i = 0; i < 100000; ++i) {
    r.person = *engine.FindPerson("x" + std::to_string(i));
    if (engine.Decide(r)->allowed()) scanned.push_back(r.person);
  }
  std::sort(scanned.begin(), scanned.end());
  BOOST_TEST(*listed == scanned, boost::test_tools::per_element());
  BOOST_TEST_MESSAGE(professional << " " << category << ": " << listed->size() << " persons");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
