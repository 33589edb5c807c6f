// socle/statistics_input.hpp: reading raw records into a statistics table (issue 14,
// docs/statistics.md, "Command line"): the vendor's records come as CSV (RFC 4180, a header
// line), each table dimension is a column, generalised on the way in with socle/generalise.hpp
// (age bands from a birth date, a date to its month or year, a commune or a postcode to its
// département, an amount to its bracket), so the table builder only ever sees category labels.
//
// A birth date or a commune code is personal data: no error message repeats a value. Errors name
// the column and the record's line in the file.
//
// Thread safety: CsvRecordReader is used by one thread at a time. RecordGeneraliser is immutable
// after Create() and may be shared between threads.
#ifndef SOCLE_STATISTICS_INPUT_HPP_
#define SOCLE_STATISTICS_INPUT_HPP_

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "socle/export.hpp"
#include "socle/generalise.hpp"

namespace socle {

// How a column becomes a dimension's label.
enum class InputGeneralisation : int32_t {
  kNone = 0,                 // the value as written (a type of help, a commune kept as is)
  kAgeBand5 = 1,             // a birth date YYYY-MM-DD -> "35-39" on the reference day
  kAgeBand10 = 2,            // -> "30-39"
  kDateMonth = 3,            // a date YYYY-MM-DD -> "2024-03"
  kDateYear = 4,             // -> "2024"
  kDepartement = 5,          // an INSEE commune code -> "33", "2A", "974"
  kDepartementPostcode = 6,  // a postcode -> its département
  kAmountBrackets = 7,       // an integer amount -> "[500, 1000)" (bounds)
};

// One dimension: the column it reads and how it is generalised.
struct SOCLE_CXX_API DimensionSpec {
  std::string column;
  InputGeneralisation generalisation = InputGeneralisation::kNone;
  int open_from = 0;            // age bands: ages from here share one open band ("80+"); 0: none
  std::vector<int64_t> bounds;  // amount brackets: strictly increasing

  // The dimension's name in the table: the column when it is not generalised; "age_band",
  // "departement", COLUMN_month, COLUMN_year, COLUMN_bracket otherwise.
  std::string DimensionName() const;

  // Parses COLUMN[:GENERALISATION], GENERALISATION one of age_band_5[+N], age_band_10[+N] (N:
  // the open top band, a multiple of the width), month, year, departement (INSEE commune code),
  // departement_postcode, brackets=B1/B2/... (strictly increasing integers). INVALID_ARGUMENT
  // naming what is wrong.
  static absl::StatusOr<DimensionSpec> Parse(absl::string_view text);
};

// Turns one raw record into a table's labels and amount. Create() resolves the columns against
// the file's header once; Apply() then works on the record's values in header order.
class SOCLE_CXX_API RecordGeneraliser {
 public:
  // `header`: the file's column names. `amount_column`: the column of amounts in cents (empty:
  // the table has no amounts). `reference`: the day ages are computed on. INVALID_ARGUMENT for
  // no dimension, more than kMaxStatisticsDimensions, a column missing from the header (named),
  // a column repeated in the header, bad age-band or bracket parameters.
  static absl::StatusOr<RecordGeneraliser> Create(std::vector<DimensionSpec> dimensions,
                                                  std::string amount_column,
                                                  absl::Span<const std::string> header,
                                                  absl::CivilDay reference);

  // The table's dimension names, in the order of the specs.
  std::vector<std::string> DimensionNames() const;
  bool has_amounts() const { return amount_index_.has_value(); }

  // `values`: one record in header order, read on `line` of the file. Fills `labels` (one per
  // dimension) and `amount` (0 without an amount column). INVALID_ARGUMENT naming the line and
  // the column, never the value: a wrong number of fields, an empty value, a value that is not a
  // date / a commune code / a postcode / an integer, a negative amount, a birth after the
  // reference day; NOT_FOUND for a code that names no département (a country, a former code).
  absl::Status Apply(absl::Span<const absl::string_view> values, uint64_t line,
                     std::vector<std::string>* labels, int64_t* amount) const;

 private:
  struct Column {
    DimensionSpec spec;
    size_t index = 0;
    std::optional<AmountBrackets> brackets;
  };
  RecordGeneraliser() = default;
  absl::StatusOr<std::string> Label(const Column& column, absl::string_view value) const;

  std::vector<Column> columns_;
  std::optional<size_t> amount_index_;
  std::string amount_column_;
  size_t header_size_ = 0;
  absl::CivilDay reference_;
};

// Reads CSV records (RFC 4180: comma-separated, fields optionally in double quotes, "" for a
// quote inside, line breaks inside quotes; CRLF or LF) from a stream, one record at a time: a
// file of any size is read in constant memory (plus one record).
class SOCLE_CXX_API CsvRecordReader {
 public:
  // Records longer than this are refused (a file without line ends, or hostile input).
  static constexpr size_t kMaxRecordBytes = 1 << 20;

  explicit CsvRecordReader(std::istream& in) : in_(in) {}

  // The next record's fields: true, or false at the end of the input. INVALID_ARGUMENT naming the
  // line for an unclosed quote, text after a closing quote, or a record over kMaxRecordBytes;
  // DATA_LOSS / I/O errors when the stream fails. An empty line is skipped.
  absl::StatusOr<bool> Next(std::vector<std::string>* fields);
  // The line the last record returned started on (1-based).
  uint64_t line() const { return record_line_; }

 private:
  std::istream& in_;
  uint64_t next_line_ = 1;
  uint64_t record_line_ = 0;
};

}  // namespace socle

#endif  // SOCLE_STATISTICS_INPUT_HPP_
