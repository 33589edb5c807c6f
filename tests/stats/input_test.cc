// Reading raw records into a table (socle/statistics_input.hpp): the dimension syntax, each
// generalisation through socle/generalise.hpp, the errors naming the line and the column but
// never the value, and the RFC 4180 reader (quotes, line breaks in fields, CRLF, hostile input).
#include <boost/test/unit_test.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "socle/error.hpp"
#include "socle/statistics.hpp"
#include "socle/statistics_input.hpp"

namespace socle {
namespace {

std::vector<std::string> ReadAll(const std::string& text, absl::Status* error = nullptr,
                                 std::vector<uint64_t>* lines = nullptr) {
  std::istringstream in(text);
  CsvRecordReader reader(in);
  std::vector<std::string> out;
  std::vector<std::string> fields;
  for (;;) {
    auto next = reader.Next(&fields);
    if (!next.ok()) {
      if (error != nullptr) *error = next.status();
      return out;
    }
    if (!*next) return out;
    std::string joined;
    for (size_t i = 0; i < fields.size(); ++i) joined += (i ? "|" : "") + fields[i];
    out.push_back(joined);
    if (lines != nullptr) lines->push_back(reader.line());
  }
}

RecordGeneraliser Make(const std::vector<std::string>& specs, const std::string& amount,
                       const std::vector<std::string>& header) {
  std::vector<DimensionSpec> dims;
  for (const std::string& s : specs) {
    auto spec = DimensionSpec::Parse(s);
    BOOST_REQUIRE_MESSAGE(spec.ok(), spec.status().ToString());
    dims.push_back(*spec);
  }
  auto g = RecordGeneraliser::Create(dims, amount, header, absl::CivilDay(2026, 12, 31));
  BOOST_REQUIRE_MESSAGE(g.ok(), g.status().ToString());
  return *std::move(g);
}

BOOST_AUTO_TEST_SUITE(statistics_input)

BOOST_AUTO_TEST_CASE(dimension_syntax) {
  auto plain = DimensionSpec::Parse("help");
  BOOST_REQUIRE(plain.ok());
  BOOST_TEST(plain->column == "help");
  BOOST_TEST(plain->DimensionName() == "help");
  auto band = DimensionSpec::Parse("birth_date:age_band_10+80");
  BOOST_REQUIRE(band.ok());
  BOOST_TEST(static_cast<int>(band->generalisation) ==
             static_cast<int>(InputGeneralisation::kAgeBand10));
  BOOST_TEST(band->open_from == 80);
  BOOST_TEST(band->DimensionName() == "age_band");
  auto brackets = DimensionSpec::Parse("income:brackets=500/1000/1500");
  BOOST_REQUIRE(brackets.ok());
  BOOST_TEST((brackets->bounds == std::vector<int64_t>{500, 1000, 1500}));
  BOOST_TEST(brackets->DimensionName() == "income_bracket");
  BOOST_TEST(DimensionSpec::Parse("opened:month")->DimensionName() == "opened_month");
  BOOST_TEST(DimensionSpec::Parse("opened:year")->DimensionName() == "opened_year");
  BOOST_TEST(DimensionSpec::Parse("cp:departement_postcode")->DimensionName() == "departement");
  for (const char* bad :
       {"", ":year", "x:", "x:age_band_7", "x:age_band_5+", "x:brackets=1/a", "x:weekly"}) {
    auto parsed = DimensionSpec::Parse(bad);
    BOOST_TEST(!parsed.ok(), bad);
    BOOST_TEST(static_cast<int>(ErrorCodeOf(parsed.status())) ==
               static_cast<int>(ErrorCode::kInvalidArgument));
  }
}

BOOST_AUTO_TEST_CASE(each_generalisation_uses_the_generalise_functions) {
  const std::vector<std::string> header = {"birth_date", "commune", "postcode", "opened",
                                           "income",     "help",    "amount"};
  RecordGeneraliser g = Make({"birth_date:age_band_5+80", "commune:departement", "opened:month",
                              "income:brackets=500/1000"},
                             "amount", header);
  BOOST_TEST((g.DimensionNames() == std::vector<std::string>{"age_band", "departement",
                                                             "opened_month", "income_bracket"}));
  BOOST_TEST(g.has_amounts());
  std::vector<std::string> labels;
  int64_t amount = -1;
  std::vector<absl::string_view> row = {"1984-05-12", "2A004", "47001", "2026-03-15",
                                        "750",        "food",  "12345"};
  BOOST_REQUIRE(g.Apply(row, 2, &labels, &amount).ok());
  // 42 on 2026-12-31: the band 40-44, as AgeBandAt says.
  BOOST_TEST(labels[0] ==
             AgeBandAt(absl::CivilDay(1984, 5, 12), absl::CivilDay(2026, 12, 31), 5, 80)->Label());
  BOOST_TEST(labels[0] == "40-44");
  BOOST_TEST(labels[1] == "2A");
  BOOST_TEST(labels[2] == "2026-03");
  BOOST_TEST(labels[3] == "[500, 1000)");
  BOOST_TEST(amount == 12345);
  row[0] = "1930-01-01";  // 96: the open band
  BOOST_REQUIRE(g.Apply(row, 3, &labels, &amount).ok());
  BOOST_TEST(labels[0] == "80+");

  RecordGeneraliser p = Make({"postcode:departement_postcode", "help", "opened:year"}, "", header);
  BOOST_TEST(!p.has_amounts());
  row = {"1984-05-12", "2A004", "97133", "2026-03-15", "750", "food", "-5"};
  BOOST_REQUIRE(p.Apply(row, 4, &labels, &amount).ok());
  BOOST_TEST(labels[0] == "977");  // Saint-Barthélemy, as DepartementFromPostcode says
  BOOST_TEST(labels[1] == "food");
  BOOST_TEST(labels[2] == "2026");
  BOOST_TEST(amount == 0);  // no amount column: the negative amount is never read
}

BOOST_AUTO_TEST_CASE(errors_name_the_line_and_the_column_never_the_value) {
  const std::vector<std::string> header = {"birth_date", "commune", "amount"};
  RecordGeneraliser g = Make({"birth_date:age_band_10", "commune:departement"}, "amount", header);
  std::vector<std::string> labels;
  int64_t amount = 0;
  struct Case {
    std::vector<absl::string_view> row;
    const char* where;
    const char* secret;
    ErrorCode code;
  };
  const std::vector<Case> cases = {
      {{"1984-05-12", "", "10"},
       "line 7, column 'commune': empty",
       "1984-05-12",
       ErrorCode::kInvalidArgument},
      {{"12/05/1984", "33063", "10"},
       "line 7, column 'birth_date': not a date",
       "12/05/1984",
       ErrorCode::kInvalidArgument},
      {{"2031-01-01", "33063", "10"},
       "line 7, column 'birth_date': a birth date after",
       "2031-01-01",
       ErrorCode::kInvalidArgument},
      {{"1984-05-12", "99134", "10"},
       "line 7, column 'commune': a code that names no",
       "99134",
       ErrorCode::kNotFound},
      {{"1984-05-12", "ABCDEFG", "10"},
       "line 7, column 'commune': not an INSEE",
       "ABCDEFG",
       ErrorCode::kInvalidArgument},
      {{"1984-05-12", "33063", "-4200"},
       "line 7, column 'amount': a negative amount",
       "4200",
       ErrorCode::kInvalidArgument},
      {{"1984-05-12", "33063", "12,5"},
       "line 7, column 'amount': not an integer",
       "12,5",
       ErrorCode::kInvalidArgument},
      {{"1984-05-12", "33063"},
       "line 7: 2 fields where the header has 3",
       "33063",
       ErrorCode::kInvalidArgument},
  };
  for (const Case& c : cases) {
    const absl::Status s = g.Apply(c.row, 7, &labels, &amount);
    BOOST_TEST(!s.ok());
    BOOST_TEST(absl::StartsWith(s.message(), c.where), s.message());
    BOOST_TEST(!absl::StrContains(s.message(), c.secret), s.message());
    BOOST_TEST(static_cast<int>(ErrorCodeOf(s)) == static_cast<int>(c.code), s.message());
  }
}

BOOST_AUTO_TEST_CASE(create_checks_the_columns) {
  auto spec = [](const char* s) { return *DimensionSpec::Parse(s); };
  const absl::CivilDay day(2026, 12, 31);
  auto missing = RecordGeneraliser::Create({spec("commune")}, "", {"birth_date"}, day);
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.status().message() == "column 'commune' is not in the header");
  auto no_amount = RecordGeneraliser::Create({spec("a")}, "cents", {"a", "b"}, day);
  BOOST_TEST(no_amount.status().message() == "the amount column 'cents' is not in the header");
  auto twice = RecordGeneraliser::Create({spec("a")}, "", {"a", "a"}, day);
  BOOST_TEST(twice.status().message() == "the header names column 'a' twice");
  BOOST_TEST(!RecordGeneraliser::Create({}, "", {"a"}, day).ok());
  BOOST_TEST(!RecordGeneraliser::Create({spec("a"), spec("a"), spec("a"), spec("a"), spec("a")}, "",
                                        {"a"}, day)
                  .ok());
  auto misaligned = RecordGeneraliser::Create({spec("a:age_band_10+85")}, "", {"a"}, day);
  BOOST_TEST(absl::StrContains(misaligned.status().message(), "a multiple of 10"));
  auto decreasing = RecordGeneraliser::Create({spec("a:brackets=10/5")}, "", {"a"}, day);
  BOOST_TEST(!decreasing.ok());
  BOOST_TEST(absl::StartsWith(decreasing.status().message(), "dimension 'a': "));
}

BOOST_AUTO_TEST_CASE(csv_reader_follows_rfc_4180) {
  std::vector<uint64_t> lines;
  const auto records = ReadAll(
      "a,b,c\r\n1,\"x, y\",3\r\n\r\n\"multi\nline\",\"say \"\"hi\"\"\",\n4,5,6", nullptr, &lines);
  BOOST_TEST((records ==
              std::vector<std::string>{"a|b|c", "1|x, y|3", "multi\nline|say \"hi\"|", "4|5|6"}));
  BOOST_TEST((lines == std::vector<uint64_t>{1, 2, 4, 6}));
  BOOST_TEST(ReadAll("").empty());
  BOOST_TEST(ReadAll("\n\n").empty());

  absl::Status error;
  ReadAll("a,b\n1,\"open\n2,3\n", &error);
  BOOST_TEST(error.message() == "line 2: a quote is never closed");
  ReadAll("a,b\n1,\"x\"y\n", &error);
  BOOST_TEST(error.message() == "line 2: text after a closing quote");
  ReadAll("a,b\n1,x\"y\n", &error);
  BOOST_TEST(error.message() == "line 2: a quote inside an unquoted field");
  ReadAll("a\n" + std::string(CsvRecordReader::kMaxRecordBytes + 1, 'x'), &error);
  BOOST_TEST(absl::StartsWith(error.message(), "line 2: a record over"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
