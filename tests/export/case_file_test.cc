// The vendor's case file read from JSON (socle/case_file.hpp): what the command line reads.
#include "socle/case_file.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "absl/strings/match.h"
#include "socle/error.hpp"

namespace socle::export_testing {
namespace {

BOOST_AUTO_TEST_SUITE(case_file)

BOOST_AUTO_TEST_CASE(reads_an_entry_with_every_field) {
  auto e = ParseCaseEntryJson(
      R"({"id": "note-12", "person": "x1", "category": "social", "kind": "PROFESSIONAL_APPRECIATION",
          "author": "sw1", "created_at": "2026-11-02T09:30:00Z", "purpose": "accompagnement",
          "provided_by_person": true, "title": "Entretien", "text": "Point FSL",
          "fields": [{"name": "montant", "value": "420"}], "released_by": "sw2"})");
  BOOST_REQUIRE_MESSAGE(e.ok(), e.status().ToString());
  BOOST_TEST(e->id == "note-12");
  BOOST_TEST(static_cast<int>(e->kind) == static_cast<int>(EntryKind::kAppreciation));
  BOOST_TEST(absl::ToUnixSeconds(e->created_at) == 1793611800);
  BOOST_TEST(e->provided_by_person);
  BOOST_REQUIRE(e->fields.size() == 1u);
  BOOST_TEST(e->fields[0].second == "420");
  BOOST_TEST(e->released_by == "sw2");
}

BOOST_AUTO_TEST_CASE(reads_a_case_file) {
  auto f = ParsePersonCaseFileJson(
      R"({"identity": {"person": "x1", "family_name": "Martin", "birth_date": "1990-04-02"},
          "entries": [{"id": "a", "kind": "FACT"}, {"id": "b", "kind": "WORKING_NOTE"}]})");
  BOOST_REQUIRE_MESSAGE(f.ok(), f.status().ToString());
  BOOST_TEST(f->identity.family_name == "Martin");
  BOOST_TEST(f->entries.size() == 2u);
  BOOST_TEST(static_cast<int>(f->entries[1].kind) == static_cast<int>(EntryKind::kWorkingNote));
}

BOOST_AUTO_TEST_CASE(bad_json_is_refused_without_its_content) {
  for (const char* json : {R"({"id": "secret-id", "unknown": 1})", R"({"id": "secret-id",)",
                           R"({"id": "secret-id", "kind": "GOSSIP"})",
                           R"({"id": "secret-id", "created_at": "yesterday"})"}) {
    auto e = ParseCaseEntryJson(json);
    BOOST_TEST(!e.ok());
    BOOST_TEST((ErrorCodeOf(e.status()) == ErrorCode::kParse));
    BOOST_TEST(!absl::StrContains(e.status().message(), "secret-id"));
  }
  BOOST_TEST(!ParsePersonIdentityJson(R"({"person": "x1", "nir": 12})").ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::export_testing
