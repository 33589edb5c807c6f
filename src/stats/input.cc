// Raw records into a statistics table's labels (socle/statistics_input.hpp): the columns, their
// generalisation through socle/generalise.hpp, and a streaming RFC 4180 reader.
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "socle/error.hpp"
#include "socle/statistics.hpp"
#include "socle/statistics_input.hpp"

namespace socle {
namespace {

absl::Status Invalid(absl::string_view message) {
  return MakeError(ErrorCode::kInvalidArgument, message);
}

// "line 12, column 'birth_date'": where a value was refused, never the value.
std::string Where(uint64_t line, absl::string_view column) {
  return absl::StrCat("line ", line, ", column '", column, "'");
}

bool IsAgeBand(InputGeneralisation g) {
  return g == InputGeneralisation::kAgeBand5 || g == InputGeneralisation::kAgeBand10;
}

}  // namespace

std::string DimensionSpec::DimensionName() const {
  switch (generalisation) {
    case InputGeneralisation::kAgeBand5:
    case InputGeneralisation::kAgeBand10:
      return "age_band";
    case InputGeneralisation::kDepartement:
    case InputGeneralisation::kDepartementPostcode:
      return "departement";
    case InputGeneralisation::kDateMonth:
      return absl::StrCat(column, "_month");
    case InputGeneralisation::kDateYear:
      return absl::StrCat(column, "_year");
    case InputGeneralisation::kAmountBrackets:
      return absl::StrCat(column, "_bracket");
    case InputGeneralisation::kNone:
      break;
  }
  return column;
}

absl::StatusOr<DimensionSpec> DimensionSpec::Parse(absl::string_view text) {
  DimensionSpec spec;
  const std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(text, absl::MaxSplits(':', 1));
  spec.column = std::string(parts.first);
  if (spec.column.empty()) return Invalid("a dimension names no column");
  absl::string_view g = parts.second;
  const std::string where = absl::StrCat("dimension '", spec.column, "'");
  if (g.empty()) {
    if (absl::StrContains(text, ':')) return Invalid(where + ": nothing after ':'");
    return spec;
  }
  if (absl::ConsumePrefix(&g, "age_band_")) {
    const std::pair<absl::string_view, absl::string_view> band =
        absl::StrSplit(g, absl::MaxSplits('+', 1));
    if (band.first == "5") {
      spec.generalisation = InputGeneralisation::kAgeBand5;
    } else if (band.first == "10") {
      spec.generalisation = InputGeneralisation::kAgeBand10;
    } else {
      return Invalid(where + ": age bands are age_band_5 or age_band_10");
    }
    if (absl::StrContains(g, '+') &&
        (!absl::SimpleAtoi(band.second, &spec.open_from) || spec.open_from <= 0)) {
      return Invalid(where + ": the open top band is age_band_W+N, N a positive age");
    }
  } else if (g == "month") {
    spec.generalisation = InputGeneralisation::kDateMonth;
  } else if (g == "year") {
    spec.generalisation = InputGeneralisation::kDateYear;
  } else if (g == "departement") {
    spec.generalisation = InputGeneralisation::kDepartement;
  } else if (g == "departement_postcode") {
    spec.generalisation = InputGeneralisation::kDepartementPostcode;
  } else if (absl::ConsumePrefix(&g, "brackets=")) {
    spec.generalisation = InputGeneralisation::kAmountBrackets;
    for (absl::string_view b : absl::StrSplit(g, '/')) {
      int64_t bound = 0;
      if (!absl::SimpleAtoi(b, &bound)) {
        return Invalid(where + ": brackets=B1/B2/... takes integer bounds");
      }
      spec.bounds.push_back(bound);
    }
  } else {
    return Invalid(where +
                   ": the generalisation is age_band_5, age_band_10, month, year, departement, "
                   "departement_postcode or brackets=B1/B2/...");
  }
  return spec;
}

absl::StatusOr<RecordGeneraliser> RecordGeneraliser::Create(std::vector<DimensionSpec> dimensions,
                                                            std::string amount_column,
                                                            absl::Span<const std::string> header,
                                                            absl::CivilDay reference) {
  if (dimensions.empty()) return Invalid("no dimension");
  if (dimensions.size() > kMaxStatisticsDimensions) {
    return Invalid(absl::StrCat("at most ", kMaxStatisticsDimensions, " dimensions"));
  }
  absl::flat_hash_map<std::string, size_t> index;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i].empty()) return Invalid(absl::StrCat("the header's column ", i + 1, " is empty"));
    if (!index.emplace(header[i], i).second) {
      return Invalid(absl::StrCat("the header names column '", header[i], "' twice"));
    }
  }
  RecordGeneraliser out;
  out.header_size_ = header.size();
  out.reference_ = reference;
  for (DimensionSpec& spec : dimensions) {
    auto it = index.find(spec.column);
    if (it == index.end()) {
      return Invalid(absl::StrCat("column '", spec.column, "' is not in the header"));
    }
    Column column;
    column.index = it->second;
    const std::string where = absl::StrCat("dimension '", spec.column, "'");
    if (IsAgeBand(spec.generalisation) && spec.open_from != 0) {
      const int width = spec.generalisation == InputGeneralisation::kAgeBand5 ? 5 : 10;
      if (spec.open_from < 0 || spec.open_from % width != 0) {
        return Invalid(absl::StrCat(where, ": the open top band starts at a multiple of ", width));
      }
    }
    if (spec.generalisation == InputGeneralisation::kAmountBrackets) {
      auto brackets = AmountBrackets::Create(spec.bounds);
      if (!brackets.ok()) {
        return Invalid(absl::StrCat(where, ": ", brackets.status().message()));
      }
      column.brackets = *std::move(brackets);
    } else if (!spec.bounds.empty()) {
      return Invalid(where + ": bounds apply to brackets only");
    }
    column.spec = std::move(spec);
    out.columns_.push_back(std::move(column));
  }
  if (!amount_column.empty()) {
    auto it = index.find(amount_column);
    if (it == index.end()) {
      return Invalid(absl::StrCat("the amount column '", amount_column, "' is not in the header"));
    }
    out.amount_index_ = it->second;
    out.amount_column_ = std::move(amount_column);
  }
  return out;
}

std::vector<std::string> RecordGeneraliser::DimensionNames() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const Column& c : columns_) names.push_back(c.spec.DimensionName());
  return names;
}

absl::StatusOr<std::string> RecordGeneraliser::Label(const Column& column,
                                                     absl::string_view value) const {
  // The generalise.hpp functions' messages never repeat the value either; they are replaced by
  // what the column should hold, so the message stays short and the same for every line.
  switch (column.spec.generalisation) {
    case InputGeneralisation::kNone:
      return std::string(value);
    case InputGeneralisation::kAgeBand5:
    case InputGeneralisation::kAgeBand10: {
      auto birth = ParseIsoDate(value);
      if (!birth.ok()) return Invalid("not a date YYYY-MM-DD");
      const int width = column.spec.generalisation == InputGeneralisation::kAgeBand5 ? 5 : 10;
      auto band = AgeBandAt(*birth, reference_, width, column.spec.open_from);
      if (!band.ok()) return Invalid("a birth date after the reference day");
      return band->Label();
    }
    case InputGeneralisation::kDateMonth:
    case InputGeneralisation::kDateYear: {
      auto day = ParseIsoDate(value);
      if (!day.ok()) return Invalid("not a date YYYY-MM-DD");
      return GeneraliseDate(*day, column.spec.generalisation == InputGeneralisation::kDateMonth
                                      ? DateGranularity::kMonth
                                      : DateGranularity::kYear);
    }
    case InputGeneralisation::kDepartement:
    case InputGeneralisation::kDepartementPostcode: {
      const bool insee = column.spec.generalisation == InputGeneralisation::kDepartement;
      auto dep = insee ? DepartementFromInseeCode(value) : DepartementFromPostcode(value);
      if (dep.ok()) return dep;
      if (ErrorCodeOf(dep.status()) == ErrorCode::kNotFound) {
        return MakeError(ErrorCode::kNotFound, insee ? "a code that names no département"
                                                     : "a postcode that names no département");
      }
      return Invalid(insee ? "not an INSEE commune code" : "not a postcode of 5 digits");
    }
    case InputGeneralisation::kAmountBrackets: {
      int64_t amount = 0;
      if (!absl::SimpleAtoi(value, &amount)) return Invalid("not an integer");
      return column.brackets->Find(amount).Label();
    }
  }
  return MakeError(ErrorCode::kInternal, "unknown generalisation");
}

absl::Status RecordGeneraliser::Apply(absl::Span<const absl::string_view> values, uint64_t line,
                                      std::vector<std::string>* labels, int64_t* amount) const {
  if (values.size() != header_size_) {
    return Invalid(absl::StrCat("line ", line, ": ", values.size(), " fields where the header has ",
                                header_size_));
  }
  labels->resize(columns_.size());
  for (size_t d = 0; d < columns_.size(); ++d) {
    const Column& column = columns_[d];
    const absl::string_view value = values[column.index];
    if (value.empty()) return Invalid(absl::StrCat(Where(line, column.spec.column), ": empty"));
    auto label = Label(column, value);
    if (!label.ok()) {
      return MakeError(ErrorCodeOf(label.status()), absl::StrCat(Where(line, column.spec.column),
                                                                 ": ", label.status().message()));
    }
    (*labels)[d] = *std::move(label);
  }
  *amount = 0;
  if (amount_index_) {
    const absl::string_view value = values[*amount_index_];
    const std::string where = Where(line, amount_column_);
    if (value.empty()) return Invalid(where + ": empty");
    int64_t cents = 0;
    if (!absl::SimpleAtoi(value, &cents)) return Invalid(where + ": not an integer (cents)");
    if (cents < 0) return Invalid(where + ": a negative amount");
    *amount = cents;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CsvRecordReader::Next(std::vector<std::string>* fields) {
  for (;;) {
    fields->clear();
    record_line_ = next_line_;
    std::string field;
    size_t bytes = 0;
    bool quoted = false;      // inside a quoted field
    bool was_quoted = false;  // the current field was quoted (and its quote closed)
    bool any = false;         // the record has at least one character
    int c;
    while ((c = in_.get()) != std::char_traits<char>::eof()) {
      any = true;
      if (++bytes > kMaxRecordBytes) {
        return Invalid(
            absl::StrCat("line ", record_line_, ": a record over ", kMaxRecordBytes, " bytes"));
      }
      const char ch = static_cast<char>(c);
      if (quoted) {
        if (ch == '"') {
          if (in_.peek() == '"') {
            in_.get();
            field.push_back('"');
          } else {
            quoted = false;
            was_quoted = true;
          }
        } else {
          if (ch == '\n') ++next_line_;
          field.push_back(ch);
        }
        continue;
      }
      if (ch == ',') {
        fields->push_back(std::move(field));
        field.clear();
        was_quoted = false;
        continue;
      }
      if (ch == '\r' && in_.peek() == '\n') continue;
      if (ch == '\n') {
        ++next_line_;
        break;
      }
      if (was_quoted) {
        return Invalid(absl::StrCat("line ", next_line_, ": text after a closing quote"));
      }
      if (ch == '"') {
        if (!field.empty()) {
          return Invalid(absl::StrCat("line ", next_line_, ": a quote inside an unquoted field"));
        }
        quoted = true;
        continue;
      }
      field.push_back(ch);
    }
    if (in_.bad()) return MakeError(ErrorCode::kIo, "the records could not be read");
    if (quoted) return Invalid(absl::StrCat("line ", record_line_, ": a quote is never closed"));
    if (!any) return false;
    fields->push_back(std::move(field));
    if (fields->size() == 1 && (*fields)[0].empty() && !was_quoted) continue;  // an empty line
    return true;
  }
}

}  // namespace socle
