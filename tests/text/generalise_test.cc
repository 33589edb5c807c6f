// Generalisation of quasi-identifiers (REQ-50): ages and age bands at boundary dates (birthdays,
// 29 February), dates to month or year, postcodes and INSEE codes to départements (Corsica,
// overseas, Monaco), amounts to brackets.
#include "socle/generalise.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "socle/error.hpp"

namespace socle {
namespace {

absl::CivilDay Day(const char* iso) {
  auto d = ParseIsoDate(iso);
  BOOST_REQUIRE_MESSAGE(d.ok(), iso);
  return *d;
}

BOOST_AUTO_TEST_SUITE(generalise)

BOOST_AUTO_TEST_CASE(iso_dates) {
  BOOST_TEST(Day("2024-02-29") == absl::CivilDay(2024, 2, 29));
  BOOST_TEST(Day(" 1985-03-12 ") == absl::CivilDay(1985, 3, 12));
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-4-3",
                          "12/03/1985", "1985-03-12T00:00", "", "0000-01-01"}) {
    auto d = ParseIsoDate(bad);
    BOOST_TEST(!d.ok(), bad);
    if (!d.ok()) BOOST_TEST((ErrorCodeOf(d.status()) == ErrorCode::kInvalidArgument));
  }
}

struct AgeRow {
  const char* birth;
  const char* reference;
  int age;
};

BOOST_AUTO_TEST_CASE(age_at_boundaries) {
  const AgeRow rows[] = {
      {"2009-03-15", "2024-03-14", 14},  // the day before the 15th birthday
      {"2009-03-15", "2024-03-15", 15},  // the birthday
      {"2009-03-15", "2024-03-16", 15},
      {"2009-03-15", "2009-03-15", 0},  // the day of birth
      {"2009-12-31", "2010-01-01", 0},
      {"2009-01-01", "2009-12-31", 0},
      {"2009-01-01", "2010-01-01", 1},
      // Born on 29 February: a year older on 1 March in common years, on 29 February in leap
      // years.
      {"2008-02-29", "2023-02-28", 14},
      {"2008-02-29", "2023-03-01", 15},
      {"2008-02-29", "2024-02-28", 15},
      {"2008-02-29", "2024-02-29", 16},
      {"2008-02-29", "2024-03-01", 16},
      // A reference date on 29 February for someone born on 28 February or 1 March.
      {"2000-02-28", "2024-02-29", 24},
      {"2000-03-01", "2024-02-29", 23},
      {"1930-06-15", "2024-06-14", 93},
  };
  for (const AgeRow& r : rows) {
    auto age = AgeAt(Day(r.birth), Day(r.reference));
    BOOST_TEST_REQUIRE(age.ok());
    BOOST_TEST(*age == r.age, r.birth << " at " << r.reference);
  }
  auto before = AgeAt(Day("2024-03-15"), Day("2024-03-14"));
  BOOST_TEST(!before.ok());
  BOOST_TEST((ErrorCodeOf(before.status()) == ErrorCode::kOutOfRange));
}

struct BandRow {
  const char* birth;
  const char* reference;
  int width;
  int open_from;
  const char* label;
};

BOOST_AUTO_TEST_CASE(age_bands) {
  const BandRow rows[] = {
      {"1990-06-15", "2024-06-14", 5, 0, "30-34"},   // 33
      {"1990-06-15", "2024-06-15", 5, 0, "30-34"},   // 34
      {"1989-06-15", "2024-06-14", 5, 0, "30-34"},   // 34, the day before 35
      {"1989-06-15", "2024-06-15", 5, 0, "35-39"},   // 35
      {"1985-01-01", "2024-12-31", 10, 0, "30-39"},  // 39
      {"1984-12-31", "2024-12-31", 10, 0, "40-49"},  // 40
      {"2024-01-01", "2024-06-01", 5, 0, "0-4"},     {"2024-01-01", "2024-06-01", 10, 0, "0-9"},
      {"1934-05-01", "2024-04-30", 10, 90, "80-89"},  // 89
      {"1934-05-01", "2024-05-01", 10, 90, "90+"},    // 90
      {"1920-05-01", "2024-05-01", 5, 90, "90+"},     // 104
      {"2008-02-29", "2023-02-28", 5, 0, "10-14"},    // 14
      {"2008-02-29", "2023-03-01", 5, 0, "15-19"},    // 15
  };
  for (const BandRow& r : rows) {
    auto band = AgeBandAt(Day(r.birth), Day(r.reference), r.width, r.open_from);
    BOOST_TEST_REQUIRE(band.ok());
    BOOST_TEST(band->Label() == r.label, r.birth << " at " << r.reference);
  }
  auto open = AgeBandAt(Day("1920-05-01"), Day("2024-05-01"), 10, 90);
  BOOST_TEST_REQUIRE(open.ok());
  BOOST_TEST(open->low == 90);
  BOOST_TEST(!open->high.has_value());
  // REQ-50 asks for 5- or 10-year bands; the open band starts on a band boundary.
  for (int width : {0, 1, 3, 7, 20, -5}) {
    BOOST_TEST(!AgeBandAt(Day("1990-01-01"), Day("2024-01-01"), width).ok(), width);
  }
  BOOST_TEST(!AgeBandAt(Day("1990-01-01"), Day("2024-01-01"), 5, 92).ok());
  BOOST_TEST(!AgeBandAt(Day("1990-01-01"), Day("2024-01-01"), 10, 85).ok());
  BOOST_TEST(!AgeBandAt(Day("2024-01-02"), Day("2024-01-01"), 5).ok());
}

BOOST_AUTO_TEST_CASE(dates_to_month_or_year) {
  BOOST_TEST(GeneraliseDate(Day("2024-03-09"), DateGranularity::kMonth) == "2024-03");
  BOOST_TEST(GeneraliseDate(Day("2024-03-09"), DateGranularity::kYear) == "2024");
  BOOST_TEST(GeneraliseDate(Day("0987-12-31"), DateGranularity::kYear) == "0987");
  BOOST_TEST(GeneraliseDate(Day("2024-02-29"), DateGranularity::kMonth) == "2024-02");
}

struct PlaceRow {
  const char* code;
  const char* departement;  // nullptr: refused
  ErrorCode error;
};

BOOST_AUTO_TEST_CASE(postcodes_to_departements) {
  const PlaceRow rows[] = {
      {"75011", "75", ErrorCode::kOk},
      {"01000", "01", ErrorCode::kOk},
      {"13001", "13", ErrorCode::kOk},
      {"95000", "95", ErrorCode::kOk},
      {" 69007 ", "69", ErrorCode::kOk},
      // Corsica: 200xx and 201xx are Corse-du-Sud, 202xx and 206xx Haute-Corse.
      {"20000", "2A", ErrorCode::kOk},  // Ajaccio
      {"20090", "2A", ErrorCode::kOk},
      {"20100", "2A", ErrorCode::kOk},  // Sartène
      {"20137", "2A", ErrorCode::kOk},  // Porto-Vecchio
      {"20199", "2A", ErrorCode::kOk},
      {"20200", "2B", ErrorCode::kOk},  // Bastia
      {"20250", "2B", ErrorCode::kOk},  // Corte
      {"20299", "2B", ErrorCode::kOk},
      {"20600", "2B", ErrorCode::kOk},  // Bastia, Furiani
      {"20620", "2B", ErrorCode::kOk},  // Biguglia
      {"20300", nullptr, ErrorCode::kNotFound},
      {"20500", nullptr, ErrorCode::kNotFound},
      {"20700", nullptr, ErrorCode::kNotFound},
      // Overseas.
      {"97100", "971", ErrorCode::kOk},  // Basse-Terre
      {"97200", "972", ErrorCode::kOk},
      {"97300", "973", ErrorCode::kOk},
      {"97400", "974", ErrorCode::kOk},
      {"97500", "975", ErrorCode::kOk},  // Saint-Pierre-et-Miquelon
      {"97600", "976", ErrorCode::kOk},  // Mamoudzou
      {"97133", "977", ErrorCode::kOk},  // Saint-Barthélemy
      {"97150", "978", ErrorCode::kOk},  // Saint-Martin
      {"97134", "971", ErrorCode::kOk},
      {"98800", "988", ErrorCode::kOk},  // Nouméa
      {"98714", "987", ErrorCode::kOk},  // Papeete
      {"97000", nullptr, ErrorCode::kNotFound},
      {"97700", nullptr, ErrorCode::kNotFound},
      {"98000", nullptr, ErrorCode::kNotFound},  // Monaco
      {"00100", nullptr, ErrorCode::kNotFound},
      {"96000", nullptr, ErrorCode::kNotFound},
      {"7501", nullptr, ErrorCode::kInvalidArgument},
      {"750011", nullptr, ErrorCode::kInvalidArgument},
      {"75 011", nullptr, ErrorCode::kInvalidArgument},
      {"2A004", nullptr, ErrorCode::kInvalidArgument},
      {"", nullptr, ErrorCode::kInvalidArgument},
  };
  for (const PlaceRow& r : rows) {
    auto dep = DepartementFromPostcode(r.code);
    if (r.departement != nullptr) {
      BOOST_TEST_REQUIRE(dep.ok(), r.code);
      BOOST_TEST(*dep == r.departement, r.code);
    } else {
      BOOST_TEST_REQUIRE(!dep.ok(), r.code);
      BOOST_TEST((ErrorCodeOf(dep.status()) == r.error), r.code);
      if (*r.code != 0) {
        BOOST_TEST(std::string(dep.status().message()).find(r.code) == std::string::npos);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(insee_codes_to_departements) {
  const PlaceRow rows[] = {
      {"75056", "75", ErrorCode::kOk},  // Paris
      {"75111", "75", ErrorCode::kOk},  // Paris 11e arrondissement
      {"01053", "01", ErrorCode::kOk},
      {"2A004", "2A", ErrorCode::kOk},  // Ajaccio
      {"2B033", "2B", ErrorCode::kOk},  // Bastia
      {"2b096", "2B", ErrorCode::kOk},
      {"97105", "971", ErrorCode::kOk},
      {"97411", "974", ErrorCode::kOk},
      {"97502", "975", ErrorCode::kOk},
      {"97611", "976", ErrorCode::kOk},
      {"97701", "977", ErrorCode::kOk},
      {"97801", "978", ErrorCode::kOk},
      {"98818", "988", ErrorCode::kOk},
      {"99350", nullptr, ErrorCode::kNotFound},  // Morocco: a country
      {"20004", nullptr, ErrorCode::kNotFound},  // no "20" since 1976
      {"00001", nullptr, ErrorCode::kNotFound},
      {"97901", nullptr, ErrorCode::kNotFound},
      {"2C004", nullptr, ErrorCode::kInvalidArgument},
      {"2A0X4", nullptr, ErrorCode::kInvalidArgument},
      {"7505", nullptr, ErrorCode::kInvalidArgument},
  };
  for (const PlaceRow& r : rows) {
    auto dep = DepartementFromInseeCode(r.code);
    if (r.departement != nullptr) {
      BOOST_TEST_REQUIRE(dep.ok(), r.code);
      BOOST_TEST(*dep == r.departement, r.code);
    } else {
      BOOST_TEST_REQUIRE(!dep.ok(), r.code);
      BOOST_TEST((ErrorCodeOf(dep.status()) == r.error), r.code);
    }
  }
}

BOOST_AUTO_TEST_CASE(amount_brackets) {
  auto brackets = AmountBrackets::Create({500, 1000, 1500});
  BOOST_TEST_REQUIRE(brackets.ok());
  BOOST_TEST(brackets->bracket_count() == 4u);
  struct Row {
    int64_t amount;
    size_t index;
    const char* label;
  };
  const Row rows[] = {
      {-200, 0, "< 500"},        {0, 0, "< 500"},         {499, 0, "< 500"},
      {500, 1, "[500, 1000)"},   {999, 1, "[500, 1000)"}, {1000, 2, "[1000, 1500)"},
      {1499, 2, "[1000, 1500)"}, {1500, 3, ">= 1500"},    {INT64_MAX, 3, ">= 1500"}};
  for (const Row& r : rows) {
    const AmountBrackets::Bracket b = brackets->Find(r.amount);
    BOOST_TEST(b.index == r.index, r.amount);
    BOOST_TEST(b.Label() == r.label, r.amount);
  }
  BOOST_TEST(!AmountBrackets::Create({}).ok());
  BOOST_TEST(!AmountBrackets::Create({500, 500}).ok());
  BOOST_TEST(!AmountBrackets::Create({1000, 500}).ok());
  BOOST_TEST(AmountBrackets::Create({0}).ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
