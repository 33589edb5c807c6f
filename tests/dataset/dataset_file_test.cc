// The dataset over the vendor's structs (DatasetBuilder::Create from a Pseudonymizer,
// DatasetBuilder::Add(PersonCaseFile)). Writing a file, each person's export recorded in the
// trail (WriteDataset), is tested in tests/export/bulk_export_test.cc.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "dataset/test_util.h"
#include "socle/v1/export.pb.h"

namespace socle::dataset_testing {
namespace {

BOOST_AUTO_TEST_SUITE(dataset_file)

BOOST_AUTO_TEST_CASE(writes_a_person_from_structs_without_their_identity) {
  auto pseudonymizer = MakePseudonymizer();
  auto builder = DatasetBuilder::Create(TestPolicy(), "personnes", *pseudonymizer, kReference);
  BOOST_REQUIRE_MESSAGE(builder.ok(), builder.status().ToString());
  BOOST_TEST(builder->domain() == "stats");
  PersonCaseFile file;
  file.identity.person = "p1";
  file.identity.family_name = "Lefèvre-Martin";
  file.identity.birth_date = "1984-05-12";
  file.identity.postcode = "33400";
  file.identity.nir = "284057511234528";
  auto records = builder->Add(file);
  BOOST_REQUIRE_MESSAGE(records.ok(), records.status().ToString());
  BOOST_REQUIRE(records->size() == 1u);
  v1::DatasetRecord record;
  BOOST_REQUIRE(record.ParseFromString((*records)[0]));
  BOOST_TEST(!record.subject().empty());
  std::vector<std::string> values;
  for (const auto& f : record.fields()) values.push_back(f.name() + "=" + f.value());
  BOOST_TEST(values == (std::vector<std::string>{"birth_date=1984", "postcode=33"}));
  for (const char* secret : {"Lefèvre", "p1", "2840575", "1984-05-12", "33400"}) {
    BOOST_TEST(!absl::StrContains((*records)[0], secret));
  }
}

BOOST_AUTO_TEST_CASE(a_person_without_an_id_is_refused_and_not_counted) {
  auto pseudonymizer = MakePseudonymizer();
  auto builder = DatasetBuilder::Create(TestPolicy(), "personnes", *pseudonymizer, kReference);
  BOOST_REQUIRE(builder.ok());
  PersonCaseFile file;
  file.identity.birth_date = "1984-05-12";
  BOOST_TEST(!builder->Add(file).ok());
  BOOST_TEST(builder->stats().persons == 0u);
}

BOOST_AUTO_TEST_CASE(an_unknown_profile_is_refused) {
  auto pseudonymizer = MakePseudonymizer();
  BOOST_TEST(!DatasetBuilder::Create(TestPolicy(), "nope", *pseudonymizer, kReference).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::dataset_testing
