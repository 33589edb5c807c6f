// REQ-44, REQ-46: a dataset built from a realistic corpus holds none of the persons' direct
// identifiers: every byte of every record and of the notice is searched for each person's names,
// NIR, phone, e-mail, address, full birth date and file id, in the forms they are written in.
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "dataset/test_util.h"
#include "socle/nir.hpp"

namespace socle {
namespace {

using dataset_testing::AddField;
using dataset_testing::MakeBuilder;
using dataset_testing::MakeEntry;
using dataset_testing::MakePseudonymizer;

struct Person {
  v1::Identity identity;
  std::string nir_spaced;
  std::string birth_date_fr;  // "12/03/1985"
};

// A NIR with a valid key: sex, year, month, département 33, commune, order.
std::string MakeNir(int sex, int year, int month, int commune, int order) {
  const std::string body =
      absl::StrFormat("%d%02d%02d33%03d%03d", sex, year % 100, month, commune, order);
  auto key = NirKey(body);
  BOOST_REQUIRE(key.ok());
  return absl::StrFormat("%s%02d", body, *key);
}

std::vector<Person> Corpus() {
  const char* families[] = {"Dubreuil", "Lefebvre", "Kowalski", "Benhamou", "Garnier",
                            "Rousseau", "Mercier",  "Perrault", "Vasseur",  "Delacroix"};
  const char* given[] = {"Capucine",  "Anatole",   "Jocelyne", "Mathurin", "Ludivine",
                         "Sébastien", "Ghislaine", "Baptiste", "Clémence", "Aurélien"};
  const char* streets[] = {"rue des Tanneurs", "allée des Peupliers", "avenue Thiers",
                           "impasse du Moulin", "cours Victor-Hugo"};
  std::vector<Person> people;
  for (int i = 0; i < 40; ++i) {
    Person p;
    v1::Identity& id = p.identity;
    const std::string family = families[i % 10];
    const std::string first = given[(i * 3 + i / 10) % 10];
    id.set_person(absl::StrFormat("dossier-%04d-xk", 4821 + i));
    id.set_family_name(i % 7 == 3 ? absl::StrCat(family, "-", families[(i + 4) % 10]) : family);
    id.set_given_names(i % 5 == 0 ? absl::StrCat(first, " ", given[(i + 1) % 10]) : first);
    const int year = 1940 + (i * 7) % 80, month = 1 + i % 12, day = 1 + (i * 5) % 28;
    id.set_birth_date(absl::StrFormat("%04d-%02d-%02d", year, month, day));
    p.birth_date_fr = absl::StrFormat("%02d/%02d/%04d", day, month, year);
    id.set_birth_place(i % 2 ? "Bordeaux" : "Libourne");
    id.set_address(absl::StrFormat("%d %s", 3 + i, streets[i % 5]));
    id.set_postcode(i % 3 ? "33000" : "33500");
    id.set_commune(i % 3 ? "33063" : "33243");
    id.set_phone(
        absl::StrFormat("06 %02d %02d %02d %02d", 10 + i, 20 + i % 50, 30 + i % 60, 40 + i % 50));
    id.set_email(absl::AsciiStrToLower(absl::StrCat(first == "Sébastien"  ? "sebastien"
                                                    : first == "Clémence" ? "clemence"
                                                    : first == "Aurélien" ? "aurelien"
                                                                          : first,
                                                    ".", family, "@example.fr")));
    const std::string nir = MakeNir(1 + i % 2, year, month, 63 + i, 100 + i);
    id.set_nir(nir);
    p.nir_spaced = absl::StrCat(nir.substr(0, 1), " ", nir.substr(1, 2), " ", nir.substr(3, 2), " ",
                                nir.substr(5, 2), " ", nir.substr(7, 3), " ", nir.substr(10, 3),
                                " ", nir.substr(13, 2));
    people.push_back(std::move(p));
  }
  return people;
}

std::vector<v1::Entry> EntriesOf(const Person& p, int i) {
  const v1::Identity& id = p.identity;
  std::vector<v1::Entry> entries;
  v1::Entry a = MakeEntry("a", "administrative");
  a.set_title(absl::StrCat("Premier accueil de Mme ", id.family_name()));
  a.set_text(absl::StrCat(id.given_names(), " ", absl::AsciiStrToUpper(id.family_name()),
                          ", née le ", p.birth_date_fr, ", domiciliée ", id.address(),
                          ". Joignable au ", id.phone(), " ou par mail ", id.email(),
                          ". NIR communiqué : ", p.nir_spaced, "."));
  AddField(&a, "ressources", absl::StrCat(400 + 137 * i, ",00 €"));
  AddField(&a, "date_entree", "2024-05-02");
  AddField(&a, "motif", i % 4 == 0 ? absl::StrCat("NIR ", id.nir()) : "Logement");
  AddField(&a, "observation",
           absl::StrCat("Rappeler ", id.given_names(), " au ", id.phone(), " ; date de naissance ",
                        id.birth_date()));
  entries.push_back(a);
  v1::Entry b = MakeEntry("b", "health", v1::PROFESSIONAL_APPRECIATION);
  b.set_title(absl::StrCat("Point santé ", id.given_names()));
  b.set_text(absl::StrCat("M. ou Mme ", id.family_name(), " (", id.email(),
                          ") évoque des difficultés ; courrier au ", id.address(), "."));
  AddField(&b, "motif", i % 3 == 0 ? id.phone() : "Santé");
  entries.push_back(b);
  v1::Entry c = MakeEntry("c", "nir");
  AddField(&c, "motif", id.nir());
  entries.push_back(c);
  v1::Entry w = MakeEntry("w", "health", v1::WORKING_NOTE);
  w.set_text(absl::StrCat("Note perso ", id.family_name()));
  AddField(&w, "motif", id.family_name());
  entries.push_back(w);
  return entries;
}

// Every way an identity may be written that the dataset must not hold.
std::vector<std::string> Forbidden(const Person& p) {
  const v1::Identity& id = p.identity;
  std::vector<std::string> out = {id.person(),
                                  id.family_name(),
                                  id.address(),
                                  id.phone(),
                                  id.email(),
                                  id.nir(),
                                  id.nir().substr(0, 13),
                                  p.nir_spaced,
                                  id.birth_date(),
                                  p.birth_date_fr,
                                  absl::StrReplaceAll(id.phone(), {{" ", ""}})};
  for (absl::string_view part : absl::StrSplit(id.given_names(), ' ')) out.emplace_back(part);
  for (absl::string_view part : absl::StrSplit(id.family_name(), '-')) out.emplace_back(part);
  return out;
}

BOOST_AUTO_TEST_CASE(no_direct_identifier_in_the_bytes_of_a_dataset) {
  auto pseudonymizer = MakePseudonymizer();
  const std::vector<Person> people = Corpus();
  for (const char* profile : {"complet", "personnes"}) {
    DatasetBuilder builder = MakeBuilder(*pseudonymizer, profile);
    std::string bytes = builder.Notice();
    size_t records = 0;
    for (size_t i = 0; i < people.size(); ++i) {
      const std::vector<v1::Entry> entries = EntriesOf(people[i], static_cast<int>(i));
      std::vector<std::string> serialised;
      for (const auto& e : entries) serialised.push_back(e.SerializeAsString());
      std::vector<absl::string_view> views(serialised.begin(), serialised.end());
      auto out = builder.Add(people[i].identity.SerializeAsString(), views);
      BOOST_REQUIRE_MESSAGE(out.ok(), out.status().message());
      for (const std::string& r : *out) bytes += r;
      records += out->size();
    }
    BOOST_TEST_CONTEXT(profile) {
      BOOST_TEST(records ==
                 (std::string(profile) == "complet" ? 2 * people.size() : people.size()));
      const std::string lower = absl::AsciiStrToLower(bytes);
      for (const Person& p : people) {
        for (const std::string& f : Forbidden(p)) {
          BOOST_TEST(!absl::StrContains(lower, absl::AsciiStrToLower(f)),
                     "found an identity of " << p.identity.person() << ": " << f);
        }
      }
      // No NIR-shaped number anywhere (REQ-44's test: 13 digits + 2-digit key).
      BOOST_TEST(FindNirs(bytes).empty());
      // The profile did release something: this is not an empty dataset passing trivially.
      if (std::string(profile) == "complet") {
        BOOST_TEST(absl::StrContains(bytes, "[PERSONNE-1]"));
        BOOST_TEST(absl::StrContains(bytes, "[NIR]"));
        BOOST_TEST(absl::StrContains(bytes, "[TÉLÉPHONE]"));
        BOOST_TEST(absl::StrContains(bytes, "[EMAIL]"));
        BOOST_TEST(absl::StrContains(bytes, "[ADRESSE]"));
        BOOST_TEST(absl::StrContains(bytes, "Logement"));
        BOOST_TEST(builder.stats().nir_values_dropped >= 10u);
      }
    }
  }
}

}  // namespace
}  // namespace socle
