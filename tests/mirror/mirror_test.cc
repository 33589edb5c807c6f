// The training mirror on a small corpus of persons: the same fakes everywhere for one person, no
// original name, NIR, phone, e-mail or address left in any output byte, NIRs that check with order
// 000, phones from the fiction blocks, dates moved by one offset per person (ages and intervals
// kept), two mirrors unrelated, and hostile input.
#include "export/mirror.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "socle/error.hpp"
#include "socle/nir.hpp"
#include "socle/redact.hpp"
#include "socle/training_mirror.hpp"
#include "socle/v1/export.pb.h"

namespace socle {
namespace {

using mirror_internal::FoldWords;

// One person of the corpus, as plain values.
struct Person {
  std::string id;
  std::string family;
  std::string given;
  std::string birth;  // YYYY-MM-DD
  std::string birth_place;
  std::string street;
  std::string postcode;
  std::string commune;
  std::string phone;
  std::string email;
  std::string nir13;  // body; the key is computed
  std::string nir;    // with its key, written with spaces
};

std::string WithKey(const std::string& body) {
  const absl::StatusOr<int> key = NirKey(body);
  BOOST_REQUIRE(key.ok());
  return absl::StrCat(body.substr(0, 1), " ", body.substr(1, 2), " ", body.substr(3, 2), " ",
                      body.substr(5, 2), " ", body.substr(7, 3), " ", body.substr(10, 3), " ",
                      absl::StrFormat("%02d", *key));
}

std::vector<Person> Corpus() {
  std::vector<Person> people = {
      {"p-001", "Kowalczyk", "Rosalind", "1985-03-12", "Vierzon", "12 rue des Glycines", "18100",
       "Vierzon", "06 12 34 56 78", "rosalind.kowalczyk@laposte.net", "2850318279123", ""},
      {"p-002", "Ouedraogo", "Mamadou", "1979-11-02", "Bamako", "4 allée des Acacias", "38100",
       "Grenoble", "+33 7 81 22 33 44", "m.ouedraogo@free.fr", "1791199416045", ""},
      {"p-003", "Vandewalle", "Ghislaine", "1990-07-30", "Roubaix", "27 boulevard Gambetta",
       "59100", "Roubaix", "03 20 11 22 33", "ghislaine.vdw@orange.fr", "2900759512088", ""},
      {"p-004", "Tahiri", "Yassine", "2006-01-15", "Metz", "8 impasse du Verger", "57000", "Metz",
       "0645789012", "yassine.tahiri@gmail.com", "1060157463301", ""},
      {"p-005", "Lhermitte", "Solange", "1948-09-21", "Quimperlé", "3 place de la Halle", "29300",
       "Quimperlé", "02 98 76 54 32", "solange.lhermitte@wanadoo.fr", "2480929233017", ""},
      {"p-006", "Nguyen", "Thanh", "1969-05-05", "Hanoï", "15 avenue Foch", "69006", "Lyon",
       "04 72 00 11 22", "thanh.nguyen@sfr.fr", "1690599243010", ""},
  };
  for (Person& p : people) p.nir = WithKey(p.nir13);
  return people;
}

std::string IdentityBytes(const Person& p) {
  v1::Identity id;
  id.set_person(p.id);
  id.set_family_name(p.family);
  id.set_given_names(p.given);
  id.set_birth_date(p.birth);
  id.set_birth_place(p.birth_place);
  id.set_address(p.street);
  id.set_postcode(p.postcode);
  id.set_commune(p.commune);
  id.set_phone(p.phone);
  id.set_email(p.email);
  id.set_nir(p.nir);
  return id.SerializeAsString();
}

int64_t Seconds(absl::CivilDay d) {
  return absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(d), absl::UTCTimeZone()));
}

// Upper case of ASCII and Latin-1 letters (the letters of the fake tables).
std::string Upper(std::string s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'a' && c <= 'z') {
      s[i] = static_cast<char>(c - 32);
    } else if (c == 0xC3 && i + 1 < s.size()) {
      const auto d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0xA0 && d <= 0xBE && d != 0xB7) s[i + 1] = static_cast<char>(d - 0x20);
      ++i;
    }
  }
  return s;
}

// Three entries per person; the texts mention the person in the ways notes do.
std::vector<std::string> EntryBytes(const Person& p) {
  const std::string compact_phone = absl::StrReplaceAll(p.phone, {{" ", ""}});
  const std::vector<std::string> texts = {
      absl::StrCat("Entretien avec Mme ", p.given, " ", Upper(p.family), " le 12/04/2024. ",
                   "Elle habite ", p.street, ", ", p.postcode, " ", p.commune, ". Joignable au ",
                   p.phone, " ou par courriel ", p.email, "."),
      absl::StrCat("Dossier CAF : NIR ", p.nir, ". ", p.given, " signale un retard de loyer ",
                   "depuis mars 2024 ; rappel prévu le 3 mai 2024. Née le ", p.birth.substr(8, 2),
                   "/", p.birth.substr(5, 2), "/", p.birth.substr(0, 4), "."),
      absl::StrCat(Upper(p.family), " ", p.given, " : appel du ", compact_phone,
                   ". Le standard du CCAS (01 45 67 89 10) a transmis. Courrier envoyé au ",
                   p.street, "."),
  };
  const absl::CivilDay days[] = {absl::CivilDay(2024, 4, 12), absl::CivilDay(2024, 4, 20),
                                 absl::CivilDay(2024, 6, 3)};
  std::vector<std::string> out;
  for (size_t i = 0; i < texts.size(); ++i) {
    v1::Entry e;
    e.set_id(absl::StrCat(p.id, "-e", i));
    e.set_person(p.id);
    e.set_category("social_situation");
    e.set_kind(v1::ENTRY_KIND_UNSPECIFIED);
    e.set_author("pro-jdupont");
    e.mutable_created_at()->set_seconds(Seconds(days[i]) + 3600 * 10);
    e.set_title(absl::StrCat("Note ", i + 1, " - ", p.given, " ", p.family));
    e.set_text(texts[i]);
    auto* f = e.add_fields();
    f->set_name("date_naissance");
    f->set_value(p.birth);
    auto* g = e.add_fields();
    g->set_name("telephone");
    g->set_value(p.phone);
    out.push_back(e.SerializeAsString());
  }
  return out;
}

// Everything a mirrored person's records show, one string (for substring checks).
std::string AllText(const MirroredPerson& m) {
  v1::Identity id;
  BOOST_REQUIRE(id.ParseFromString(m.identity));
  std::string all = id.DebugString();
  for (const std::string& bytes : m.entries) {
    v1::Entry e;
    BOOST_REQUIRE(e.ParseFromString(bytes));
    all += e.DebugString();
    all += bytes;
  }
  return all + m.identity;
}

std::string Folded(const std::string& s) { return absl::StrJoin(FoldWords(s), " "); }

absl::CivilDay Day(const std::string& iso) {
  auto d = mirror_internal::ParseIsoDay(iso);
  BOOST_REQUIRE(d.has_value());
  return *d;
}

int AgeAt(absl::CivilDay birth, absl::CivilDay at) {
  int age = static_cast<int>(at.year() - birth.year());
  if (at.month() < birth.month() || (at.month() == birth.month() && at.day() < birth.day())) {
    --age;
  }
  return age;
}

absl::CivilDay DayOf(const google::protobuf::Timestamp& t) {
  return absl::ToCivilDay(absl::FromUnixSeconds(t.seconds()), absl::UTCTimeZone());
}

TrainingMirror NewMirror() {
  absl::StatusOr<TrainingMirror> m = TrainingMirror::Create();
  BOOST_REQUIRE(m.ok());
  return *std::move(m);
}

BOOST_AUTO_TEST_SUITE(training_mirror)

// What no output byte of person `p` may hold: her names (folded: case, accents and spacing
// ignored, and as part of a longer word), phone, e-mail, NIR, street (with or without number),
// ids and birth date.
void CheckNoTrace(const Person& p, const MirroredPerson& m) {
  const std::string all = AllText(m);
  const std::string folded = Folded(all);
  BOOST_TEST_CONTEXT(p.id) {
    BOOST_TEST(folded.find(Folded(p.family)) == std::string::npos);
    BOOST_TEST(folded.find(Folded(p.given)) == std::string::npos);
    BOOST_TEST(all.find(p.phone) == std::string::npos);
    BOOST_TEST(all.find(absl::StrReplaceAll(p.phone, {{" ", ""}})) == std::string::npos);
    BOOST_TEST(all.find(p.email) == std::string::npos);
    BOOST_TEST(all.find(p.nir) == std::string::npos);
    BOOST_TEST(all.find(p.nir13) == std::string::npos);
    BOOST_TEST(folded.find(Folded(p.street)) == std::string::npos);
    BOOST_TEST(folded.find(Folded(p.street.substr(p.street.find(' ') + 1))) == std::string::npos);
    BOOST_TEST(all.find(p.id) == std::string::npos);
    BOOST_TEST(all.find(p.birth) == std::string::npos);
    BOOST_TEST(all.find("pro-jdupont") == std::string::npos);
  }
}

// 64 persons whose names, streets and communes are taken from the fake tables themselves, so
// that a fake drawn equal to the original would show.
std::vector<Person> CommonNamesCorpus() {
  const char* families[] = {"Martin", "Bernard", "Petit",  "Dubois",
                            "Moreau", "Lefèvre", "Garcia", "Le Goff"};
  const char* given[] = {"Marie", "Jean", "Hélène", "Lucas", "Léa", "Pierre", "Rose", "Chloé"};
  const char* streets[] = {"rue des Lilas", "avenue Victor Hugo", "allée des Acacias",
                           "boulevard Gambetta"};
  std::vector<Person> people;
  for (int i = 0; i < 64; ++i) {
    Person p;
    p.id = absl::StrCat("c-", i);
    p.family = families[i % 8];
    p.given = given[i / 8];
    p.birth = absl::StrFormat("%04d-%02d-%02d", 1940 + i, 1 + i % 12, 1 + i % 27);
    p.birth_place = "Lyon";
    p.street = absl::StrCat(1 + i, " ", streets[i % 4]);
    p.postcode = "69003";
    p.commune = "Lyon";
    p.phone = absl::StrFormat("06 %02d %02d 34 56", 10 + i, 20 + i);
    p.email = absl::StrCat(Folded(p.given), ".", absl::StrReplaceAll(Folded(p.family), {{" ", ""}}),
                           "@gmail.com");
    p.nir13 =
        absl::StrFormat("%d%02d%02d69383%03d", 1 + i % 2, (40 + i) % 100, 1 + i % 12, 100 + i);
    p.nir = WithKey(p.nir13);
    people.push_back(p);
  }
  return people;
}

BOOST_AUTO_TEST_CASE(common_names_streets_and_communes_leave_no_trace) {
  const TrainingMirror mirror = NewMirror();
  for (const Person& p : CommonNamesCorpus()) {
    absl::StatusOr<MirroredPerson> m = mirror.Mirror(IdentityBytes(p), EntryBytes(p));
    BOOST_TEST_REQUIRE(m.ok(), m.status());
    CheckNoTrace(p, *m);
  }
}

BOOST_AUTO_TEST_CASE(no_original_identity_survives_in_any_output_byte) {
  const TrainingMirror mirror = NewMirror();
  for (const Person& p : Corpus()) {
    absl::StatusOr<MirroredPerson> m = mirror.Mirror(IdentityBytes(p), EntryBytes(p));
    BOOST_TEST_REQUIRE(m.ok(), m.status());
    CheckNoTrace(p, *m);
    BOOST_TEST_CONTEXT(p.id) {
      // What was replaced is counted.
      BOOST_TEST(m->report.count(RedactionType::kPerson) >= 6u);
      BOOST_TEST(m->report.count(RedactionType::kNir) == 1u);
      BOOST_TEST(m->report.count(RedactionType::kEmail) == 1u);
      BOOST_TEST(m->report.count(RedactionType::kAddress) >= 2u);
    }
  }
}

BOOST_AUTO_TEST_CASE(one_person_has_the_same_fakes_everywhere) {
  const TrainingMirror mirror = NewMirror();
  for (const Person& p : Corpus()) {
    absl::StatusOr<MirroredPerson> m = mirror.Mirror(IdentityBytes(p), EntryBytes(p));
    BOOST_TEST_REQUIRE(m.ok(), m.status());
    v1::Identity id;
    BOOST_REQUIRE(id.ParseFromString(m->identity));
    BOOST_TEST_CONTEXT(p.id << " -> " << id.given_names() << " " << id.family_name()) {
      BOOST_TEST(!id.family_name().empty());
      BOOST_TEST(!id.given_names().empty());
      BOOST_TEST(id.family_name() != p.family);
      BOOST_TEST(id.given_names() != p.given);
      BOOST_TEST(id.birth_place() != p.birth_place);
      BOOST_TEST(id.email().find("@example.org") != std::string::npos);
      BOOST_TEST(id.person().rfind("m-", 0) == 0u);
      std::vector<v1::Entry> entries(m->entries.size());
      for (size_t i = 0; i < entries.size(); ++i) {
        BOOST_REQUIRE(entries[i].ParseFromString(m->entries[i]));
        BOOST_TEST(entries[i].person() == id.person());
        BOOST_TEST(entries[i].title().find(id.given_names()) != std::string::npos);
        BOOST_TEST(entries[i].title().find(id.family_name()) != std::string::npos);
        BOOST_TEST(entries[i].fields(0).value() == id.birth_date());
        BOOST_TEST(entries[i].fields(1).value() == id.phone());
        BOOST_TEST(entries[i].author() == entries[0].author());
        BOOST_TEST(entries[i].author() != "pro-jdupont");
      }
      // Note 1: the name in capitals, the full address, the phone as written and the e-mail.
      const std::string& t0 = entries[0].text();
      BOOST_TEST_MESSAGE("mirrored: " << entries[0].title() << " | " << t0 << " | "
                                      << entries[1].text() << " | " << entries[2].text());
      BOOST_TEST(t0.find(absl::StrCat(id.given_names(), " ", Upper(id.family_name()))) !=
                 std::string::npos);
      BOOST_TEST(t0.find(absl::StrCat(id.address(), ", ", id.postcode(), " ", id.commune())) !=
                 std::string::npos);
      BOOST_TEST(t0.find(id.phone()) != std::string::npos);
      BOOST_TEST(t0.find(id.email()) != std::string::npos);
      // Note 2: the NIR as the identity has it; note 3: the street line.
      BOOST_TEST(entries[1].text().find(id.nir()) != std::string::npos);
      BOOST_TEST(entries[2].text().find(absl::StrCat("envoyé au ", id.address(), ".")) !=
                 std::string::npos);
      BOOST_TEST(entries[2].text().find(absl::StrReplaceAll(id.phone(), {{" ", ""}})) !=
                 std::string::npos);
      // Mirrored again by the same mirror: the same bytes.
      absl::StatusOr<MirroredPerson> again = mirror.Mirror(IdentityBytes(p), EntryBytes(p));
      BOOST_REQUIRE(again.ok());
      BOOST_TEST(again->identity == m->identity);
      BOOST_TEST(again->entries == m->entries);
    }
  }
}

BOOST_AUTO_TEST_CASE(nirs_check_with_order_000_and_match_the_fake_birth) {
  const TrainingMirror mirror = NewMirror();
  for (const Person& p : Corpus()) {
    absl::StatusOr<MirroredPerson> m = mirror.Mirror(IdentityBytes(p), EntryBytes(p));
    BOOST_REQUIRE(m.ok());
    v1::Identity id;
    BOOST_REQUIRE(id.ParseFromString(m->identity));
    BOOST_TEST_CONTEXT(p.id) {
      BOOST_TEST(CheckNir(id.nir()).ok());
      absl::StatusOr<Nir> fake = ParseNir(id.nir());
      BOOST_REQUIRE(fake.ok());
      absl::StatusOr<Nir> real = ParseNir(p.nir);
      BOOST_REQUIRE(real.ok());
      BOOST_TEST(fake->order == 0);
      BOOST_TEST(fake->Has(NirWarning::kOrderZero));
      BOOST_TEST(fake->sex_digit == real->sex_digit);
      const absl::CivilDay birth = Day(id.birth_date());
      BOOST_TEST(fake->birth_year == birth.year() % 100);
      BOOST_TEST(fake->birth_month == birth.month());
      // The fake given name has the person's sex.
      BOOST_TEST(id.nir().size() == p.nir.size());  // written in the same layout
      // Every NIR the Redactor finds in the output is a fake with order 000.
      absl::StatusOr<Redactor> r = Redactor::Create({});
      BOOST_REQUIRE(r.ok());
      for (const std::string& bytes : m->entries) {
        v1::Entry e;
        BOOST_REQUIRE(e.ParseFromString(bytes));
        for (const NirSpan& s : FindNirs(e.text())) {
          absl::StatusOr<Nir> n = ParseNir(e.text().substr(s.begin, s.end - s.begin));
          BOOST_REQUIRE(n.ok());
          BOOST_TEST(n->order == 0);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(every_phone_in_the_output_is_in_a_fiction_block) {
  const TrainingMirror mirror = NewMirror();
  absl::StatusOr<Redactor> finder = Redactor::Create({});
  BOOST_REQUIRE(finder.ok());
  size_t phones = 0;
  for (const Person& p : Corpus()) {
    absl::StatusOr<MirroredPerson> m = mirror.Mirror(IdentityBytes(p), EntryBytes(p));
    BOOST_REQUIRE(m.ok());
    v1::Identity id;
    BOOST_REQUIRE(id.ParseFromString(m->identity));
    BOOST_TEST(mirror_internal::IsFictionPhone(id.phone()), id.phone());
    for (const std::string& bytes : m->entries) {
      v1::Entry e;
      BOOST_REQUIRE(e.ParseFromString(bytes));
      for (const std::string& text : {e.text(), e.fields(1).value()}) {
        for (const RedactionSpan& s : finder->Find(text)) {
          if (s.type != RedactionType::kPhone) continue;
          const std::string phone = text.substr(s.begin, s.end - s.begin);
          BOOST_TEST(mirror_internal::IsFictionPhone(phone), phone);
          ++phones;
        }
      }
    }
    // The CCAS's number, not the person's, is faked too (the same fake for every person).
    v1::Entry third;
    BOOST_REQUIRE(third.ParseFromString(m->entries[2]));
    BOOST_TEST(third.text().find("01 45 67 89 10") == std::string::npos);
    BOOST_TEST(third.text().find("(01 99 00 ") != std::string::npos);
  }
  BOOST_TEST(phones == Corpus().size() * 6);  // 3 fields, note 1, note 3 twice
}

BOOST_AUTO_TEST_CASE(dates_move_by_one_offset_per_person_keeping_ages_and_intervals) {
  const TrainingMirror mirror = NewMirror();
  std::vector<int64_t> offsets;
  for (const Person& p : Corpus()) {
    absl::StatusOr<MirroredPerson> m = mirror.Mirror(IdentityBytes(p), EntryBytes(p));
    BOOST_REQUIRE(m.ok());
    v1::Identity id;
    BOOST_REQUIRE(id.ParseFromString(m->identity));
    const absl::CivilDay real_birth = Day(p.birth);
    const absl::CivilDay fake_birth = Day(id.birth_date());
    const int64_t offset = fake_birth - real_birth;
    offsets.push_back(offset);
    BOOST_TEST_CONTEXT(p.id << " offset " << offset) {
      BOOST_TEST(offset != 0);
      BOOST_TEST(offset >= -365);
      BOOST_TEST(offset <= 365);
      const absl::CivilDay real_days[] = {absl::CivilDay(2024, 4, 12), absl::CivilDay(2024, 4, 20),
                                          absl::CivilDay(2024, 6, 3)};
      for (size_t i = 0; i < m->entries.size(); ++i) {
        v1::Entry e;
        BOOST_REQUIRE(e.ParseFromString(m->entries[i]));
        const absl::CivilDay at = DayOf(e.created_at());
        BOOST_TEST(at - real_days[i] == offset);
        BOOST_TEST(AgeAt(fake_birth, at) == AgeAt(real_birth, real_days[i]));
      }
      // Dates in text: "le 12/04/2024" in note 1 and the birth date in note 2 moved alike.
      v1::Entry e0, e1;
      BOOST_REQUIRE(e0.ParseFromString(m->entries[0]));
      BOOST_REQUIRE(e1.ParseFromString(m->entries[1]));
      const absl::CivilDay visit = absl::CivilDay(2024, 4, 12) + offset;
      BOOST_TEST(e0.text().find(absl::StrFormat(" le %02d/%02d/%04d.", visit.day(), visit.month(),
                                                visit.year())) != std::string::npos,
                 e0.text());
      BOOST_TEST(e1.text().find(absl::StrFormat("Née le %02d/%02d/%04d.", fake_birth.day(),
                                                fake_birth.month(), fake_birth.year())) !=
                     std::string::npos,
                 e1.text());
      BOOST_TEST(e1.text().find("12/04/2024") == std::string::npos);
      BOOST_TEST(m->dates_shifted >= 3u + 3u + 3u + 1u);
    }
  }
  // Offsets are per person: six persons do not all share one.
  bool differ = false;
  for (int64_t o : offsets) differ = differ || o != offsets[0];
  BOOST_TEST(differ);
}

BOOST_AUTO_TEST_CASE(two_mirrors_give_unrelated_fakes) {
  const TrainingMirror a = NewMirror();
  const TrainingMirror b = NewMirror();
  for (const Person& p : Corpus()) {
    absl::StatusOr<MirroredPerson> ma = a.Mirror(IdentityBytes(p), EntryBytes(p));
    absl::StatusOr<MirroredPerson> mb = b.Mirror(IdentityBytes(p), EntryBytes(p));
    BOOST_REQUIRE(ma.ok());
    BOOST_REQUIRE(mb.ok());
    v1::Identity ia, ib;
    BOOST_REQUIRE(ia.ParseFromString(ma->identity));
    BOOST_REQUIRE(ib.ParseFromString(mb->identity));
    BOOST_TEST(ia.person() != ib.person());
    BOOST_TEST(ma->identity != mb->identity);
    BOOST_TEST(ma->entries != mb->entries);
  }
}

BOOST_AUTO_TEST_CASE(relatives_from_known_identities_are_faked_too) {
  const TrainingMirror mirror = NewMirror();
  const Person p = Corpus()[0];
  v1::Entry e;
  e.set_person(p.id);
  e.set_text(
      "Visite de Mme Kowalczyk avec son fils Barnabé KOWALCZYK et sa soeur Perpétue "
      "Zielinski (perpetue.z@example.com).");
  const std::string known =
      "person\nfirst_name Rosalind\nperson\nfirst_name Barnabé\nname Kowalczyk\nperson\n"
      "first_name Perpétue\nname Zielinski\nemail perpetue.z@example.com\n";
  absl::StatusOr<MirroredPerson> m =
      mirror.Mirror(IdentityBytes(p), {e.SerializeAsString()}, known);
  BOOST_TEST_REQUIRE(m.ok(), m.status());
  v1::Entry out;
  BOOST_REQUIRE(out.ParseFromString(m->entries[0]));
  const std::string folded = Folded(out.text());
  for (const char* real : {"kowalczyk", "barnabe", "perpetue", "zielinski"}) {
    BOOST_TEST(folded.find(real) == std::string::npos, real << " in " << out.text());
  }
  v1::Identity id;
  BOOST_REQUIRE(id.ParseFromString(m->identity));
  // The sister's e-mail address has a fake of its own, not the person's.
  BOOST_TEST(out.text().find("@example.org)") != std::string::npos);
  BOOST_TEST(out.text().find(id.email()) == std::string::npos);
  // The family name the person and her son share has one fake.
  BOOST_TEST(out.text().find(absl::StrCat("Mme ", id.family_name())) != std::string::npos);
  BOOST_TEST(out.text().find(Upper(id.family_name())) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hostile_input_is_an_error_or_handled) {
  const TrainingMirror mirror = NewMirror();
  const Person p = Corpus()[1];
  // Empty identity: no person id.
  absl::StatusOr<MirroredPerson> m = mirror.Mirror("", {});
  BOOST_TEST((ErrorCodeOf(m.status()) == ErrorCode::kInvalidArgument));
  // Bytes that are not a message.
  m = mirror.Mirror(std::string("\xff\xff\xff\xff\x0f", 5), {});
  BOOST_TEST((ErrorCodeOf(m.status()) == ErrorCode::kParse));
  m = mirror.Mirror(IdentityBytes(p), {std::string("\x0a\xff\x01", 3)});
  BOOST_TEST((ErrorCodeOf(m.status()) == ErrorCode::kParse));
  BOOST_TEST(m.status().message().find("entry 0") != std::string::npos);
  // Invalid UTF-8 in a string field (field 10, text, length 3): refused, not passed on.
  const std::string bad_utf8 = std::string("\x52\x03\x61\xc3\x28", 5);
  m = mirror.Mirror(IdentityBytes(p), {bad_utf8});
  BOOST_TEST((ErrorCodeOf(m.status()) == ErrorCode::kParse));
  // An entry of another person, named by its index only.
  v1::Entry other;
  other.set_person("p-999");
  m = mirror.Mirror(IdentityBytes(p), {std::string(), other.SerializeAsString()});
  BOOST_TEST((ErrorCodeOf(m.status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST(m.status().message().find("entry 1") != std::string::npos);
  BOOST_TEST(m.status().message().find("p-999") == std::string::npos);
  // Known identities that do not parse.
  m = mirror.Mirror(IdentityBytes(p), {}, "surname Dupont\n");
  BOOST_TEST((ErrorCodeOf(m.status()) == ErrorCode::kParse));
  // Options out of range.
  TrainingMirrorOptions bad;
  bad.max_shift_days = 0;
  BOOST_TEST(!TrainingMirror::Create(bad).ok());
  // Identity values the Redactor cannot match (a 1-letter name, a NIR that is not one) are
  // faked in the identity and do not fail the person.
  v1::Identity odd;
  odd.set_person("p-odd");
  odd.set_family_name("X");
  odd.set_nir("not a nir");
  odd.set_phone("12");
  m = mirror.Mirror(odd.SerializeAsString(), {});
  BOOST_TEST_REQUIRE(m.ok(), m.status());
  v1::Identity oi;
  BOOST_REQUIRE(oi.ParseFromString(m->identity));
  BOOST_TEST(oi.family_name() != "X");
  BOOST_TEST(oi.nir() != "not a nir");
  BOOST_TEST(CheckNir(oi.nir()).ok());
  // An empty identity apart from its id, and an empty entry.
  v1::Identity bare;
  bare.set_person("p-bare");
  m = mirror.Mirror(bare.SerializeAsString(), {std::string()});
  BOOST_TEST_REQUIRE(m.ok(), m.status());
  BOOST_TEST(m->entries.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_huge_text_is_mirrored_whole) {
  const TrainingMirror mirror = NewMirror();
  const Person p = Corpus()[2];
  std::string text;
  const std::string chunk = absl::StrCat("Visite du 02/05/2024 chez Mme ", p.family, ", au ",
                                         p.phone, ". Rien à signaler. ");
  while (text.size() < (8u << 20)) text += chunk;
  v1::Entry e;
  e.set_person(p.id);
  e.set_text(text);
  absl::StatusOr<MirroredPerson> m = mirror.Mirror(IdentityBytes(p), {e.SerializeAsString()});
  BOOST_TEST_REQUIRE(m.ok(), m.status());
  v1::Entry out;
  BOOST_REQUIRE(out.ParseFromString(m->entries[0]));
  BOOST_TEST(out.text().size() > text.size() / 10 * 9);  // fakes differ in length only
  BOOST_TEST(out.text().find(p.family) == std::string::npos);
  BOOST_TEST(out.text().find(p.phone) == std::string::npos);
  BOOST_TEST(out.text().find("02/05/2024") == std::string::npos);
  BOOST_TEST(m->report.count(RedactionType::kPhone) == text.size() / chunk.size());
}

BOOST_AUTO_TEST_CASE(one_mirror_serves_many_threads_alike) {
  const TrainingMirror mirror = NewMirror();
  const std::vector<Person> people = Corpus();
  std::vector<MirroredPerson> serial;
  for (const Person& p : people) {
    absl::StatusOr<MirroredPerson> m = mirror.Mirror(IdentityBytes(p), EntryBytes(p));
    BOOST_REQUIRE(m.ok());
    serial.push_back(*std::move(m));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < people.size(); ++i) {
          absl::StatusOr<MirroredPerson> m =
              mirror.Mirror(IdentityBytes(people[i]), EntryBytes(people[i]));
          if (!m.ok() || m->identity != serial[i].identity || m->entries != serial[i].entries) {
            ++mismatches[t];
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 4; ++t) BOOST_TEST(mismatches[t] == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
