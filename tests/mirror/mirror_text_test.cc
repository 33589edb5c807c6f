// The training mirror's text helpers: the date shifter, the fiction phone blocks, the fake NIR.
#include <boost/test/unit_test.hpp>
#include <string>

#include "export/mirror.h"
#include "socle/nir.hpp"

namespace socle::mirror_internal {
namespace {

std::string Shift(const std::string& text, int days, int year = 2024, size_t* count = nullptr) {
  std::string out;
  const size_t n = ShiftDates(text, days, year, &out);
  if (count != nullptr) *count = n;
  return out;
}

BOOST_AUTO_TEST_SUITE(mirror_text)

BOOST_AUTO_TEST_CASE(dates_move_in_their_own_format) {
  BOOST_TEST(Shift("vu le 12/03/2024.", 1) == "vu le 13/03/2024.");
  BOOST_TEST(Shift("vu le 31/12/2024", 1) == "vu le 01/01/2025");
  BOOST_TEST(Shift("le 2.3.2024", -2) == "le 29.2.2024");  // leap year
  BOOST_TEST(Shift("né le 12-03-1985", 30) == "né le 11-04-1985");
  BOOST_TEST(Shift("RDV 28/02/23", 1) == "RDV 01/03/23");
  BOOST_TEST(Shift("2024-03-12", -12) == "2024-02-29");
  BOOST_TEST(Shift("le 12 mars 2024 à 10h", 20) == "le 1er avril 2024 à 10h");
  BOOST_TEST(Shift("le 1er février", 1) == "le 2 février");
  BOOST_TEST(Shift("LE 1ER FEVRIER 2020", 30) == "LE 2 MARS 2020");
  BOOST_TEST(Shift("depuis Août 2023", 20) == "depuis Septembre 2023");
  BOOST_TEST(Shift("depuis août 2023", -20) == "depuis juillet 2023");
  BOOST_TEST(Shift("en décembre 2023", 40) == "en janvier 2024");
}

BOOST_AUTO_TEST_CASE(what_is_not_a_date_stays) {
  size_t n = 99;
  BOOST_TEST(Shift("3 rue de mai, 12 maisons, 31/02/2024, 1234/05/2024, 12/13/2024", 5, 2024, &n) ==
             "3 rue de mai, 12 maisons, 31/02/2024, 1234/05/2024, 12/13/2024");
  BOOST_TEST(n == 0u);
  BOOST_TEST(Shift("version 1.2.10, 06 12 34 56 78, 75011", 5) ==
             "version 1.2.10, 06 12 34 56 78, 75011");
  BOOST_TEST(Shift("", 5).empty());
}

BOOST_AUTO_TEST_CASE(invalid_utf8_becomes_replacement_characters) {
  const std::string bad = std::string("a\xff") + "b\xc3" + "(12/03/2024";
  BOOST_TEST(Shift(bad, 1) ==
             "a\xEF\xBF\xBD"
             "b\xEF\xBF\xBD(13/03/2024");
}

BOOST_AUTO_TEST_CASE(fiction_phone_blocks) {
  BOOST_TEST(FictionPhoneBlocks().size() == 6u);
  BOOST_TEST(IsFictionPhone("01 99 00 12 34"));
  BOOST_TEST(IsFictionPhone("+33 6 39 98 00 01"));
  BOOST_TEST(IsFictionPhone("0033 353011234"));
  BOOST_TEST(!IsFictionPhone("06 12 34 56 78"));
  BOOST_TEST(!IsFictionPhone("03 53 20 12 34"));  // not a block (see docs/training-mirror.md)
  BOOST_TEST(!IsFictionPhone("06 39 98 12"));
  BOOST_TEST(PhoneDigits("+33 (0)6 12 34 56 78") == "0612345678");
}

BOOST_AUTO_TEST_CASE(fake_nirs_check_and_have_order_zero) {
  for (const char* insee : {"75111", "2A004", "2B033", "97411", "13205"}) {
    for (int sex : {1, 2}) {
      const std::string nir = MakeFakeNir(sex, 85, 3, insee);
      BOOST_TEST(nir.size() == 15u);
      BOOST_TEST(CheckNir(nir).ok());
      absl::StatusOr<Nir> parsed = ParseNir(nir);
      BOOST_TEST_REQUIRE(parsed.ok());
      BOOST_TEST(parsed->order == 0);
      BOOST_TEST(parsed->Has(NirWarning::kOrderZero));
      BOOST_TEST(parsed->sex_digit == sex);
      BOOST_TEST(parsed->birth_year == 85);
      BOOST_TEST(parsed->birth_month == 3);
      BOOST_TEST(!parsed->Has(NirWarning::kMonthImplausible));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::mirror_internal
