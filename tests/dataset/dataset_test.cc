// The treatments of a pseudonymisation profile, one by one, on a person whose values are known;
// linkage by domain kind (REQ-48); the notice (REQ-52); hostile input.
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "dataset/test_util.h"
#include "socle/error.hpp"
#include "socle/pseudonym.hpp"
#include "socle/v1/export.pb.h"

namespace socle {
namespace {

using dataset_testing::AddField;
using dataset_testing::AddPerson;
using dataset_testing::FieldOf;
using dataset_testing::MakeBuilder;
using dataset_testing::MakeEntry;
using dataset_testing::MakePseudonymizer;
using dataset_testing::TestPolicy;

std::string Code(const absl::Status& status) {
  return std::string(ErrorCodeName(ErrorCodeOf(status)));
}

v1::Identity Person() {
  v1::Identity id;
  id.set_person("dossier-4821-xk");
  id.set_family_name("Dubreuil");
  id.set_given_names("Capucine Rose");
  id.set_birth_date("1985-03-12");
  id.set_birth_place("Bordeaux");
  id.set_address("14 rue des Tanneurs");
  id.set_postcode("33000");
  id.set_commune("2A004");
  id.set_phone("06 12 34 56 78");
  id.set_email("capucine.dubreuil@example.fr");
  id.set_nir("2 85 03 33 063 042 74");  // key not checked here: the NIR is never read
  return id;
}

std::vector<v1::Entry> Entries() {
  std::vector<v1::Entry> entries;
  v1::Entry e = MakeEntry("e1", "financial");
  e.set_title("Entretien avec Mme Dubreuil");
  e.set_text("Capucine Dubreuil se présente pour un dossier FSL.");
  AddField(&e, "ressources", "1 234,50 €");
  AddField(&e, "date_entree", "2024-05-02");
  AddField(&e, "motif", "Logement");
  AddField(&e, "non_liste", "ne doit pas sortir");
  entries.push_back(e);
  return entries;
}

BOOST_AUTO_TEST_SUITE(dataset_treatments)

BOOST_AUTO_TEST_CASE(each_treatment_gives_its_value) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  const auto records = AddPerson(builder, Person(), Entries());
  BOOST_REQUIRE_EQUAL(records.size(), 1u);
  const v1::DatasetRecord& r = records[0];

  // The subject: the person's pseudonym in the domain (TRANSACTION: 'T').
  BOOST_TEST(r.subject().size() == kPseudonymTextLength);
  BOOST_TEST(r.subject()[0] == 'T');
  BOOST_TEST(Pseudonym::Parse(r.subject()).ok());

  // GENERALISE: age on 2026-12-05 is 41 -> "40-44"; postcode and INSEE code -> département.
  BOOST_TEST(FieldOf(r, "birth_date") == "40-44");
  BOOST_TEST(FieldOf(r, "postcode") == "33");
  BOOST_TEST(FieldOf(r, "commune") == "2A");
  BOOST_TEST(FieldOf(r, "created_at") == "2024-03");
  BOOST_TEST(FieldOf(r, "ressources") == "[1000, 1500)");
  BOOST_TEST(FieldOf(r, "date_entree") == "2024");
  // KEEP
  BOOST_TEST(FieldOf(r, "birth_place") == "Bordeaux");
  BOOST_TEST(FieldOf(r, "category") == "financial");
  BOOST_TEST(FieldOf(r, "kind") == "FACT");
  BOOST_TEST(FieldOf(r, "motif") == "Logement");
  // PSEUDONYMISE: a pseudonym of the domain, not the value.
  const std::string author = FieldOf(r, "author");
  BOOST_TEST(author.size() == kPseudonymTextLength);
  BOOST_TEST(author != "pro-ass-17");
  BOOST_TEST(Pseudonym::Parse(author).ok());
  // REDACT
  BOOST_TEST(FieldOf(r, "title") == "Entretien avec Mme [PERSONNE-1]");
  BOOST_TEST(FieldOf(r, "text") == "[PERSONNE-1] se présente pour un dossier FSL.");
  // DROP, and every field not listed.
  for (const char* absent : {"family_name", "given_names", "nir", "phone", "email", "address",
                             "person", "non_liste", "purpose", "observation"}) {
    BOOST_TEST(FieldOf(r, absent) == "<absent>", absent);
  }
  // Fields come in the profile's order.
  std::vector<std::string> names;
  for (const auto& f : r.fields()) names.push_back(f.name());
  const std::vector<std::string> want = {
      "birth_date", "postcode", "commune", "birth_place", "category",    "kind", "created_at",
      "author",     "title",    "text",    "ressources",  "date_entree", "motif"};
  BOOST_TEST(names == want, boost::test_tools::per_element());
  BOOST_TEST(builder.stats().persons == 1u);
  BOOST_TEST(builder.stats().records == 1u);
}

BOOST_AUTO_TEST_CASE(pseudonymised_values_are_stable_within_an_export_and_separated_by_field) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  std::vector<v1::Entry> entries = Entries();
  entries.push_back(MakeEntry("e2", "health"));  // same author
  v1::Identity other = Person();
  other.set_person("pro-ass-17");  // a person id equal to an author's id
  const auto records = AddPerson(builder, Person(), entries);
  const auto others = AddPerson(builder, other, {MakeEntry("e3", "health")});
  BOOST_REQUIRE_EQUAL(records.size(), 2u);
  BOOST_REQUIRE_EQUAL(others.size(), 1u);
  BOOST_TEST(FieldOf(records[0], "author") == FieldOf(records[1], "author"));
  BOOST_TEST(FieldOf(records[0], "author") == FieldOf(others[0], "author"));
  BOOST_TEST(records[0].subject() == records[1].subject());
  BOOST_TEST(records[0].subject() != others[0].subject());
  // The same string as a subject and as an author gives unrelated pseudonyms.
  BOOST_TEST(others[0].subject() != FieldOf(others[0], "author"));
  // A per-entry profile gives no record for a person without entries.
  BOOST_TEST(AddPerson(builder, other, {}).empty());
}

BOOST_AUTO_TEST_CASE(age_bands_open_at_the_top_and_unreadable_values_are_dropped) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  v1::Identity id = Person();
  id.set_birth_date("1930-01-01");  // 96
  id.set_postcode("7501");          // not a postcode
  id.set_commune("Villeneuve");     // a name, not an INSEE code
  std::vector<v1::Entry> entries = Entries();
  entries[0].mutable_fields(0)->set_value("beaucoup");
  entries[0].mutable_fields(1)->set_value("02/05/2024");
  const auto records = AddPerson(builder, id, entries);
  BOOST_REQUIRE_EQUAL(records.size(), 1u);
  BOOST_TEST(FieldOf(records[0], "birth_date") == "90+");
  for (const char* absent : {"postcode", "commune", "ressources", "date_entree"}) {
    BOOST_TEST(FieldOf(records[0], absent) == "<absent>", absent);
  }
  BOOST_TEST(builder.stats().unreadable_values == 4u);
}

BOOST_AUTO_TEST_CASE(amounts_fall_in_their_brackets) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0", "< 500"},
      {"499,99", "< 500"},
      {"500", "[500, 1000)"},
      {"999.99", "[500, 1000)"},
      {"1 500 EUR", ">= 1500"},
      {"-20", "< 500"},
      {"1\xC2\xA0"
       "200",
       "[1000, 1500)"},
      {"12abc", "<absent>"},
      {"", "<absent>"},
      {"99999999999999999999", "<absent>"}};
  for (const auto& [value, bracket] : cases) {
    std::vector<v1::Entry> entries = Entries();
    entries[0].mutable_fields(0)->set_value(value);
    const auto records = AddPerson(builder, Person(), entries);
    BOOST_REQUIRE_EQUAL(records.size(), 1u);
    BOOST_TEST(FieldOf(records[0], "ressources") == bracket, value);
  }
}

BOOST_AUTO_TEST_CASE(only_the_activitys_entries_leave) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  std::vector<v1::Entry> entries;
  entries.push_back(MakeEntry("ok", "health"));
  entries.push_back(MakeEntry("other_activity", "health", v1::FACT, "aides_facultatives"));
  entries.push_back(MakeEntry("working_note", "health", v1::WORKING_NOTE));
  entries.push_back(MakeEntry("nir_category", "nir"));
  entries.push_back(MakeEntry("undeclared_category", "offence"));
  entries.push_back(MakeEntry("no_purpose", "health", v1::FACT, ""));
  const auto records = AddPerson(builder, Person(), entries);
  BOOST_REQUIRE_EQUAL(records.size(), 1u);
  BOOST_TEST(FieldOf(records[0], "category") == "health");
  BOOST_TEST(builder.stats().entries_outside_activity == 5u);
}

BOOST_AUTO_TEST_CASE(a_profile_of_identity_fields_gives_one_record_per_person) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "personnes");
  const auto records = AddPerson(builder, Person(), Entries());
  BOOST_REQUIRE_EQUAL(records.size(), 1u);
  BOOST_TEST(records[0].fields_size() == 2);
  BOOST_TEST(FieldOf(records[0], "birth_date") == "1985");
  BOOST_TEST(FieldOf(records[0], "postcode") == "33");
  BOOST_TEST(AddPerson(builder, Person(), {}).size() == 1u);
}

// REQ-44: whatever the profile says, a value holding a NIR does not leave; a kept form field
// holding one of the person's identities neither.
BOOST_AUTO_TEST_CASE(values_holding_a_nir_or_an_identity_are_dropped) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  v1::Identity id = Person();
  id.set_birth_place("1 85 03 75 111 222 53");  // a kept identity field holding a NIR
  std::vector<v1::Entry> entries = Entries();
  entries[0].mutable_fields(2)->set_value("NIR 185037511122253");  // motif: KEEP
  v1::Entry phone = MakeEntry("e2", "health");
  AddField(&phone, "motif", "rappeler au 06 12 34 56 78");
  AddField(&phone, "observation", "NIR 1 85 03 75 111 222 53 transmis par Capucine");
  entries.push_back(phone);
  const auto records = AddPerson(builder, id, entries);
  BOOST_REQUIRE_EQUAL(records.size(), 2u);
  BOOST_TEST(FieldOf(records[0], "birth_place") == "<absent>");
  BOOST_TEST(FieldOf(records[0], "motif") == "<absent>");
  BOOST_TEST(FieldOf(records[1], "motif") == "<absent>");
  BOOST_TEST(FieldOf(records[1], "observation") == "NIR [NIR] transmis par [PERSONNE-1]");
  BOOST_TEST(builder.stats().nir_values_dropped == 3u);  // birth_place twice, motif once
  BOOST_TEST(builder.stats().identifier_values_dropped == 1u);
}

// Identities the redactor refuses (a one-letter first name, a malformed NIR or phone) are left
// out of its list; the others are still redacted.
BOOST_AUTO_TEST_CASE(unusable_identities_do_not_disable_redaction) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  v1::Identity id = Person();
  id.set_given_names("A");
  id.set_nir("pas un NIR");
  id.set_phone("12");
  id.set_birth_date("12 mars 1985");
  const auto records = AddPerson(builder, id, Entries());
  BOOST_REQUIRE_EQUAL(records.size(), 1u);
  BOOST_TEST(FieldOf(records[0], "title") == "Entretien avec Mme [PERSONNE-1]");
  BOOST_TEST(FieldOf(records[0], "birth_date") == "<absent>");
  BOOST_TEST(builder.stats().unreadable_values == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dataset_linkage)

std::string SubjectIn(const Pseudonymizer& p, absl::string_view profile, absl::string_view domain) {
  DatasetBuilder builder = MakeBuilder(p, profile, domain);
  const auto records = AddPerson(builder, Person(), {});
  BOOST_REQUIRE_EQUAL(records.size(), 1u);
  return records[0].subject();
}

// REQ-48: two exports without declared linkage give different pseudonyms; with it, the same.
BOOST_AUTO_TEST_CASE(transaction_domain_gives_fresh_pseudonyms_per_export) {
  auto pseudonymizer = MakePseudonymizer();
  const std::string first = SubjectIn(*pseudonymizer, "personnes", "stats");
  const std::string second = SubjectIn(*pseudonymizer, "personnes", "stats");
  BOOST_TEST(first != second);
  BOOST_TEST(first[0] == 'T');
}

BOOST_AUTO_TEST_CASE(person_domain_gives_the_same_pseudonym_in_every_export) {
  auto pseudonymizer = MakePseudonymizer();
  const std::string first = SubjectIn(*pseudonymizer, "cohorte", "cohorte");
  const std::string second = SubjectIn(*pseudonymizer, "cohorte", "cohorte");
  auto another = MakePseudonymizer();  // another process with the same secrets
  const std::string third = SubjectIn(*another, "cohorte", "cohorte");
  BOOST_TEST(first == second);
  BOOST_TEST(first == third);
  BOOST_TEST(first[0] == 'P');
  // And it is the pseudonym of the person's id in that domain.
  auto context = pseudonymizer->NewContext("cohorte");
  BOOST_REQUIRE(context.ok());
  BOOST_TEST(context->Compute("dossier-4821-xk")->ToText() == first);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dataset_notice)

// REQ-52: the dataset inherits the retention rules of its source activity.
BOOST_AUTO_TEST_CASE(notice_carries_the_source_retention_purpose_and_recipient) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  v1::DatasetNotice notice;
  BOOST_REQUIRE(notice.ParseFromString(builder.Notice()));
  BOOST_TEST(notice.activity() == "accompagnement_social");
  BOOST_TEST(notice.purpose() == "Observatoire social : profils et parcours");
  BOOST_TEST(notice.recipient() == "Observatoire social");  // the domain's
  BOOST_TEST(!notice.linkage_declared());
  BOOST_TEST(builder.domain() == "stats");

  // The activity's rules, as written in the policy, in order.
  BOOST_REQUIRE_EQUAL(notice.retention_size(), 4);
  BOOST_TEST(notice.retention(2).data_category() == "financial");
  BOOST_TEST(notice.retention(2).start() == v1::RetentionRule::CASE_CLOSURE);
  BOOST_TEST(notice.retention(2).active_months() == 60u);
  BOOST_TEST(notice.retention(2).intermediate_months() == 12u);
  BOOST_TEST(notice.retention(2).source() == "CNIL délib. 2021-072");

  DatasetBuilder linked = MakeBuilder(*pseudonymizer, "cohorte", "cohorte");
  BOOST_REQUIRE(notice.ParseFromString(linked.Notice()));
  BOOST_TEST(notice.linkage_declared());
  BOOST_TEST(notice.recipient() == "Laboratoire partenaire");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dataset_hostile)

BOOST_AUTO_TEST_CASE(unknown_profile_and_foreign_context_are_refused) {
  auto pseudonymizer = MakePseudonymizer();
  auto context = pseudonymizer->NewContext("stats");
  BOOST_REQUIRE(context.ok());
  auto unknown = DatasetBuilder::Create(TestPolicy(), "inconnu", *std::move(context),
                                        dataset_testing::kReference);
  BOOST_TEST(Code(unknown.status()) == Code(MakeError(ErrorCode::kNotFound, "")));

  auto cohort = pseudonymizer->NewContext("cohorte");
  BOOST_REQUIRE(cohort.ok());
  auto foreign = DatasetBuilder::Create(TestPolicy(), "complet", *std::move(cohort),
                                        dataset_testing::kReference);
  BOOST_TEST(Code(foreign.status()) == Code(MakeError(ErrorCode::kInvalidArgument, "")));
}

BOOST_AUTO_TEST_CASE(bad_bytes_and_missing_person_change_nothing) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  const std::string garbage("\xff\xff\xff\xff\x0f", 5);
  const std::vector<absl::string_view> none;
  auto bad_identity = builder.Add(garbage, none);
  BOOST_TEST(Code(bad_identity.status()) == Code(MakeError(ErrorCode::kParse, "")));

  const std::string identity = Person().SerializeAsString();
  const std::vector<absl::string_view> bad_entries = {absl::string_view(garbage)};
  auto bad_entry = builder.Add(identity, bad_entries);
  BOOST_TEST(Code(bad_entry.status()) == Code(MakeError(ErrorCode::kParse, "")));

  v1::Identity anonymous = Person();
  anonymous.clear_person();
  auto no_person = builder.Add(anonymous.SerializeAsString(), none);
  BOOST_TEST(Code(no_person.status()) == Code(MakeError(ErrorCode::kInvalidArgument, "")));
  for (const absl::Status& s : {bad_identity.status(), bad_entry.status(), no_person.status()}) {
    BOOST_TEST(!absl::StrContains(s.message(), "Dubreuil"));
    BOOST_TEST(!absl::StrContains(s.message(), "dossier-4821"));
  }
  BOOST_TEST(builder.stats().persons == 0u);
  BOOST_TEST(builder.stats().records == 0u);
}

BOOST_AUTO_TEST_CASE(unknown_field_names_and_huge_text) {
  auto pseudonymizer = MakePseudonymizer();
  DatasetBuilder builder = MakeBuilder(*pseudonymizer, "complet");
  v1::Entry e = MakeEntry("e1", "health");
  for (int i = 0; i < 1000; ++i) AddField(&e, "champ_" + std::to_string(i), "valeur");
  AddField(&e, std::string("\x01\x02 \xc3\xa9", 5), "x");
  // Beyond kMaxDatasetValueBytes: left out, counted.
  e.set_text(std::string(kMaxDatasetValueBytes + 1, 'a'));
  // Just under: redacted like any text.
  std::string big;
  while (big.size() < kMaxDatasetValueBytes - 64) big += "Vu Capucine DUBREUIL au 06 12 34 56 78. ";
  AddField(&e, "observation", big);
  e.mutable_created_at()->set_seconds(INT64_MIN);  // no calendar day: left out, counted
  const auto records = AddPerson(builder, Person(), {e});
  BOOST_REQUIRE_EQUAL(records.size(), 1u);
  BOOST_TEST(FieldOf(records[0], "text") == "<absent>");
  BOOST_TEST(FieldOf(records[0], "created_at") == "<absent>");
  BOOST_TEST(builder.stats().unreadable_values == 1u);
  const std::string observation = FieldOf(records[0], "observation");
  BOOST_TEST(!absl::StrContains(observation, "DUBREUIL"));
  BOOST_TEST(!absl::StrContains(observation, "06 12"));
  BOOST_TEST(absl::StartsWith(observation, "Vu [PERSONNE-1] au [TÉLÉPHONE]. "));
  BOOST_TEST(builder.stats().oversized_values == 1u);
  for (const auto& f : records[0].fields()) BOOST_TEST(!absl::StartsWith(f.name(), "champ_"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
