// The training mirror over the vendor's structs (TrainingMirror::Mirror(PersonCaseFile)).
// Writing a file, each person's export recorded in the trail (WriteTrainingMirror), is tested in
// tests/export/bulk_export_test.cc.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "socle/training_mirror.hpp"

namespace socle::mirror_testing {
namespace {

PersonCaseFile Sample() {
  PersonCaseFile f;
  f.identity.person = "usager-0042";
  f.identity.family_name = "Lefèvre";
  f.identity.given_names = "Rose";
  f.identity.birth_date = "1984-05-12";
  f.identity.phone = "06 12 34 56 78";
  CaseEntry e;
  e.id = "note-1";
  e.person = "usager-0042";
  e.kind = EntryKind::kFact;
  e.created_at = absl::FromUnixSeconds(1790000000);
  e.text = "Mme Rose Lefèvre rappelle au 06 12 34 56 78.";
  f.entries.push_back(e);
  return f;
}

BOOST_AUTO_TEST_SUITE(mirror_file)

BOOST_AUTO_TEST_CASE(mirrors_structs_consistently) {
  auto mirror = TrainingMirror::Create();
  BOOST_REQUIRE(mirror.ok());
  auto out = mirror->Mirror(Sample());
  BOOST_REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  BOOST_TEST(out->identity.family_name != "Lefèvre");
  BOOST_TEST(!out->identity.family_name.empty());
  BOOST_REQUIRE(out->entries.size() == 1u);
  BOOST_TEST(!absl::StrContains(out->entries[0].text, "Lefèvre"));
  BOOST_TEST(!absl::StrContains(out->entries[0].text, "12 34 56 78"));
  // The fake name of the identity is the one in the text.
  BOOST_TEST(absl::StrContains(out->entries[0].text, out->identity.family_name));
  BOOST_TEST(out->entries[0].created_at != Sample().entries[0].created_at);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::mirror_testing
