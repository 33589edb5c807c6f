// Legal representatives (REQ-09; socle/representation.hpp): recording, the rules refused
// representations break, ending, the dates they hold on, and a restored snapshot.
#include "socle/representation.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "socle/access.hpp"
#include "socle/v1/events.pb.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

using absl::CivilDay;

// The scenario (2026-05-28) with a family: a child born 2012-03-10 (14), their mother and father,
// an adult, and a grandmother.
struct Family : Scenario {
  Family() {
    for (const PersonEntry& p : std::vector<PersonEntry>{{"child", {"t1"}, "", "2012-03-10"},
                                                         {"mother", {"t1"}, "", "1985-01-02"},
                                                         {"father", {"t1"}, "", "1983-07-14"},
                                                         {"adult", {"t1"}, "", "1950-06-01"},
                                                         {"gran", {}, "", "1950-02-03"}}) {
      BOOST_REQUIRE(engine().UpsertPerson(p).ok());
    }
  }
  absl::StatusOr<uint64_t> Set(const std::string& person, const std::string& representative,
                               RepresentativeKind kind, CivilDay from,
                               std::optional<CivilDay> to = std::nullopt) {
    RepresentativeSpec spec;
    spec.person = person;
    spec.representative = representative;
    spec.kind = kind;
    spec.from = from;
    spec.to = to;
    spec.reference = "livret de famille";
    spec.recorded_by = "sw1";
    return SetRepresentative(engine(), spec);
  }
  std::vector<std::string> On(const std::string& person, CivilDay day) {
    auto list = RepresentativesOn(*engine().snapshot(), person, day);
    BOOST_REQUIRE(list.ok());
    std::vector<std::string> out;
    for (const RepresentativeInfo& r : *list) out.push_back(r.representative);
    return out;
  }
};

using Names = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(representation)

BOOST_FIXTURE_TEST_CASE(parents_hold_parental_authority_until_the_childs_majority, Family) {
  BOOST_REQUIRE(
      Set("child", "mother", RepresentativeKind::kParentalAuthority, CivilDay(2012, 3, 10)).ok());
  BOOST_REQUIRE(
      Set("child", "father", RepresentativeKind::kParentalAuthority, CivilDay(2012, 3, 10)).ok());
  BOOST_TEST(On("child", CivilDay(2026, 5, 28)) == (Names{"mother", "father"}));
  // It ends the day before the 18th birthday, whatever the event said.
  BOOST_TEST(On("child", CivilDay(2030, 3, 9)) == (Names{"mother", "father"}));
  BOOST_TEST(On("child", CivilDay(2030, 3, 10)).empty());
  auto all = Representatives(*engine().snapshot(), "child");
  BOOST_REQUIRE(all.ok());
  BOOST_REQUIRE(all->size() == 2u);
  BOOST_TEST(((*all)[0].to == CivilDay(2030, 3, 9)));
  BOOST_TEST(RepresentativeKindName((*all)[0].kind) == std::string("parental_authority"));
}

BOOST_FIXTURE_TEST_CASE(a_representation_ends_on_its_last_day, Family) {
  BOOST_REQUIRE(Set("adult", "gran", RepresentativeKind::kCuratorship, CivilDay(2020, 1, 1)).ok());
  BOOST_REQUIRE(EndRepresentative(engine(), "adult", "gran", RepresentativeKind::kCuratorship,
                                  CivilDay(2026, 5, 1), "sw1")
                    .ok());
  BOOST_TEST(On("adult", CivilDay(2026, 5, 1)) == (Names{"gran"}));
  BOOST_TEST(On("adult", CivilDay(2026, 5, 2)).empty());
  // An expired curator cannot be ended again; a new measure may start after it.
  BOOST_TEST(CodeOf(EndRepresentative(engine(), "adult", "gran", RepresentativeKind::kCuratorship,
                                      CivilDay(2026, 5, 20), "sw1")
                        .status()) == "NOT_FOUND");
  BOOST_TEST(Set("adult", "gran", RepresentativeKind::kGuardianship, CivilDay(2026, 5, 2)).ok());
}

BOOST_FIXTURE_TEST_CASE(refused_representations_change_nothing, Family) {
  BOOST_REQUIRE(Set("adult", "gran", RepresentativeKind::kGuardianship, CivilDay(2020, 1, 1)).ok());
  const uint64_t revision = engine().revision();
  struct Case {
    const char* name;
    absl::StatusOr<uint64_t> result;
    const char* code;
  };
  const Case cases[] = {
      {"their own representative",
       Set("adult", "adult", RepresentativeKind::kGuardianship, CivilDay(2020, 1, 1)),
       "INVALID_ARGUMENT"},
      {"unknown representative",
       Set("child", "nobody", RepresentativeKind::kParentalAuthority, CivilDay(2012, 3, 10)),
       "NOT_FOUND"},
      {"unknown person", Set("nobody", "mother", RepresentativeKind::kProxy, CivilDay(2020, 1, 1)),
       "NOT_FOUND"},
      // A representative of a representative: the adult is under gran's guardianship, so they
      // represent nobody over those dates.
      {"representative of a representative",
       Set("child", "adult", RepresentativeKind::kGuardianship, CivilDay(2024, 1, 1)),
       "FAILED_PRECONDITION"},
      // Representation both ways.
      {"both ways", Set("gran", "adult", RepresentativeKind::kProxy, CivilDay(2024, 1, 1)),
       "FAILED_PRECONDITION"},
      {"parental authority over an adult",
       Set("adult", "mother", RepresentativeKind::kParentalAuthority, CivilDay(2020, 1, 1)),
       "FAILED_PRECONDITION"},
      {"curatorship of a minor",
       Set("child", "mother", RepresentativeKind::kCuratorship, CivilDay(2020, 1, 1)),
       "FAILED_PRECONDITION"},
      {"ends before it starts",
       Set("child", "mother", RepresentativeKind::kParentalAuthority, CivilDay(2020, 1, 1),
           CivilDay(2019, 1, 1)),
       "OUT_OF_RANGE"},
      {"twice the same",
       Set("adult", "gran", RepresentativeKind::kGuardianship, CivilDay(2025, 1, 1)),
       "ALREADY_EXISTS"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) { BOOST_TEST(CodeOf(c.result.status()) == c.code); }
  }
  // No recorder, a recorder who is not a professional, a kind out of range.
  RepresentativeSpec spec{"child",
                          "mother",
                          RepresentativeKind::kParentalAuthority,
                          CivilDay(2012, 3, 10),
                          std::nullopt,
                          "",
                          ""};
  BOOST_TEST(CodeOf(SetRepresentative(engine(), spec).status()) == "INVALID_ARGUMENT");
  spec.recorded_by = "nobody";
  BOOST_TEST(CodeOf(SetRepresentative(engine(), spec).status()) == "NOT_FOUND");
  spec.recorded_by = "sw1";
  spec.kind = static_cast<RepresentativeKind>(9);
  BOOST_TEST(CodeOf(SetRepresentative(engine(), spec).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(engine().revision() == revision);
  // No message names a person.
  const absl::Status status =
      Set("child", "adult", RepresentativeKind::kGuardianship, CivilDay(2024, 1, 1)).status();
  BOOST_TEST(!status.ok());
  for (const char* id : {"child", "adult"}) {
    BOOST_TEST(std::string(status.message()).find(id) == std::string::npos);
  }
}

BOOST_FIXTURE_TEST_CASE(a_restored_snapshot_holds_the_representatives, Family) {
  auto record = std::make_shared<MemoryEngineRecord>();
  auto engine = AccessEngine::Open(LoadPolicy(WorkloadPolicyText()), record);
  BOOST_REQUIRE(engine.ok());
  for (const PersonEntry& p : std::vector<PersonEntry>{{"child", {"t1"}, "", "2012-03-10"},
                                                       {"mother", {"t1"}, "", "1985-01-02"}}) {
    BOOST_REQUIRE((*engine)->UpsertPerson(p).ok());
  }
  BOOST_REQUIRE((*engine)->UpsertProfessional({"sw1", "social_worker", {"t1"}}).ok());
  RepresentativeSpec spec{"child",
                          "mother",
                          RepresentativeKind::kParentalAuthority,
                          CivilDay(2012, 3, 10),
                          CivilDay(2020, 1, 1),
                          "ref",
                          "sw1"};
  BOOST_REQUIRE(SetRepresentative(**engine, spec).ok());
  BOOST_REQUIRE((*engine)->SaveSnapshot().ok());
  spec.from = CivilDay(2021, 1, 1);
  spec.to = std::nullopt;
  BOOST_REQUIRE(SetRepresentative(**engine, spec).ok());  // replayed after the snapshot
  auto reopened = AccessEngine::Open(LoadPolicy(WorkloadPolicyText()), record);
  BOOST_REQUIRE(reopened.ok());
  auto before = Representatives(*(*engine)->snapshot(), "child");
  auto after = Representatives(*(*reopened)->snapshot(), "child");
  BOOST_REQUIRE(before.ok());
  BOOST_REQUIRE(after.ok());
  BOOST_REQUIRE(after->size() == 2u);
  for (size_t i = 0; i < 2; ++i) {
    BOOST_TEST((*after)[i].representative == (*before)[i].representative);
    BOOST_TEST(((*after)[i].from == (*before)[i].from));
    BOOST_TEST(((*after)[i].to == (*before)[i].to));
  }
  BOOST_TEST((((*after)[1].to) == CivilDay(2030, 3, 9)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
