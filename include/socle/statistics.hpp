// socle/statistics.hpp: anonymous statistics tables (REQ-53): counts and sums of 1 to 4
// dimensions with all their margins, primary suppression (frequency, dominance and p% rules),
// secondary suppression by the hypercube method, and the attacker's audit by linear programming.
//
// The flow: a TableBuilder takes the records the vendor streams (one category label per dimension,
// already generalised with socle/generalise.hpp: age bands, départements, amount brackets; never
// an identifier, a NIR, an appreciation or third-party information: REQ-44, REQ-60) and an optional
// non-negative amount in cents; Finish() gives a StatisticsTable with every margin. That table is
// confidential: it holds each cell's largest contributions, which are record-level values.
// ProtectTable() applies the rules of the policy (StatisticsRules::FromPolicy) and returns a
// StatisticsRelease: published cells with their count and sum, suppressed cells without, and the
// audit of every suppressed cell (the interval an attacker can compute from the published cells
// and the table's additivity). It refuses the table when any sensitive cell could be narrowed
// below its protection interval. docs/statistics.md gives the rules, the method and how to read
// the audit.
//
// Thread safety: a TableBuilder is used by one thread at a time. StatisticsTable and
// StatisticsRelease are plain values, immutable once made. The free functions may run on several
// threads at once: each audit uses its own GLPK problem objects, and GLPK keeps its environment in
// thread-local storage (as Debian builds it).
#ifndef SOCLE_STATISTICS_HPP_
#define SOCLE_STATISTICS_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/export.hpp"
#include "socle/privacy_budget.hpp"
#include "socle/vocabulary.hpp"

namespace socle {

class Policy;

// The largest table: 4 dimensions (REQ-53's tables are age band × commune × type of help ×
// year at most).
inline constexpr size_t kMaxStatisticsDimensions = 4;

// The protection rules. FromPolicy reads the policy's `statistics` block (k ≥ 3, default 11;
// dominance 50 to 100 %, default 85).
struct SOCLE_CXX_API StatisticsRules {
  // Frequency rule: a cell counting 1 to k - 1 records is sensitive (0 is not).
  uint32_t small_cell_threshold = 11;
  // Dominance rule (1, d): a sum whose largest contribution exceeds d % of it is sensitive.
  uint32_t dominance_percent = 85;
  // p% rule, off when unset: a sum whose contributions other than the two largest amount to less
  // than p % of the largest is sensitive (the second contributor could estimate the first to
  // within p %). 1 to 99.
  std::optional<uint32_t> p_percent;

  static StatisticsRules FromPolicy(const Policy& policy);
  // INVALID_ARGUMENT naming the field when a value is out of its range (k < 3 above all).
  absl::Status Validate() const;
};

// One cell of a StatisticsTable: how many records, the sum of their amounts (cents), and the two
// largest amounts (for the dominance and p% rules; 0 when there are fewer records). Confidential.
struct TableCell {
  int64_t count = 0;
  int64_t sum = 0;
  int64_t largest = 0;
  int64_t second_largest = 0;
};

struct StatisticsDimension {
  std::string name;
  // Sorted labels. A cell's coordinate on this dimension is a label's index, or
  // categories.size() for the dimension's total (the margin).
  std::vector<std::string> categories;
  uint32_t total() const { return static_cast<uint32_t>(categories.size()); }
};

// A full table: one cell for every combination of (category or total) per dimension, stored in
// row-major order (the last dimension varies fastest), so every margin is a cell.
class SOCLE_CXX_API StatisticsTable {
 public:
  StatisticsTable(std::vector<StatisticsDimension> dimensions, std::vector<TableCell> cells,
                  bool has_amounts);

  const std::vector<StatisticsDimension>& dimensions() const { return dimensions_; }
  size_t cell_count() const { return cells_.size(); }
  const TableCell& cell(size_t index) const { return cells_[index]; }
  bool has_amounts() const { return has_amounts_; }
  // The grand total's count: the number of records.
  int64_t record_count() const { return cells_.back().count; }

  // The index of the cell at `coordinates` (one per dimension; total() for a margin).
  // OUT_OF_RANGE for a wrong number of coordinates or one past the total.
  absl::StatusOr<size_t> CellIndex(absl::Span<const uint32_t> coordinates) const;
  // The index of the cell named by labels, "total" (or "") for a margin. NOT_FOUND names the
  // dimension whose label is unknown.
  absl::StatusOr<size_t> CellIndexOf(absl::Span<const absl::string_view> labels) const;
  // The coordinates of cell `index` (< cell_count()).
  std::vector<uint32_t> Coordinates(size_t index) const;
  // "age_band=35-39, commune=total": a cell for messages and the audit (labels only, no value).
  std::string Describe(size_t index) const;
  // The distance between two cells that differ by one on dimension `d`.
  size_t stride(size_t d) const { return strides_[d]; }

 private:
  std::vector<StatisticsDimension> dimensions_;
  std::vector<size_t> strides_;
  std::vector<TableCell> cells_;
  bool has_amounts_ = false;
};

// Builds a StatisticsTable from streamed records. Labels are interned per dimension into dense
// integers and the records summed into a flat array of base cells; margins are computed once, by
// Finish(). One thread at a time.
class SOCLE_CXX_API TableBuilder {
 public:
  struct Options {
    // Whether records carry amounts (the table then has sums, checked by the dominance and p%
    // rules); without, Add's amount must be 0.
    bool amounts = false;
    // Distinct labels allowed per dimension: past it, Add fails naming the dimension (a
    // variable that was not generalised, or hostile input).
    size_t max_categories = 10000;
    // Cells allowed in the full table (margins included).
    size_t max_cells = size_t{1} << 20;
  };

  // INVALID_ARGUMENT for no dimension, more than kMaxStatisticsDimensions, an empty or repeated
  // name.
  static absl::StatusOr<TableBuilder> Create(std::vector<std::string> dimension_names,
                                             Options options);
  static absl::StatusOr<TableBuilder> Create(std::vector<std::string> dimension_names) {
    return Create(std::move(dimension_names), Options());
  }
  TableBuilder(TableBuilder&&) noexcept;
  TableBuilder& operator=(TableBuilder&&) noexcept;
  ~TableBuilder();

  // Adds one record: its label on each dimension (in the order of the names) and its amount.
  // INVALID_ARGUMENT for a wrong number of labels, an empty label, a label holding a NIR
  // (REQ-44), a negative amount or an amount in a table without amounts; RESOURCE_EXHAUSTED when a
  // dimension has too many labels or the table too many cells (the message names the dimension). A
  // refused record changes nothing. Messages never repeat a label or an amount.
  absl::Status Add(absl::Span<const absl::string_view> labels, int64_t amount = 0);
  // Where a record comes from, for a vendor that builds records from the case file's entries
  // (REQ-60): appreciations and third-party information do not feed statistics unless the DPO
  // or the professional selected that entry individually; working notes never do.
  struct RecordOrigin {
    EntryKind kind = EntryKind::kFact;
    bool individually_selected = false;
  };
  // As Add, after checking `origin`: FAILED_PRECONDITION (nothing added) for a
  // PROFESSIONAL_APPRECIATION or a THIRD_PARTY_INFORMATION entry not individually selected, and
  // for a WORKING_NOTE; INVALID_ARGUMENT for an unspecified kind.
  absl::Status Add(absl::Span<const absl::string_view> labels, int64_t amount, RecordOrigin origin);
  // Records added so far.
  int64_t records() const;
  // The table with its margins. FAILED_PRECONDITION when no record was added (an empty table
  // is not published); OUT_OF_RANGE when a sum overflows 64 bits. The builder is consumed.
  absl::StatusOr<StatisticsTable> Finish() &&;

 private:
  struct Impl;
  explicit TableBuilder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Why a cell is sensitive: bits of CellProtection::rules.
enum SensitivityRule : uint32_t {
  kFrequencyRule = 1,  // 0 < count < k
  kDominanceRule = 2,  // largest > d % of the sum
  kPPercentRule = 4,   // sum - largest - second < p % of largest
};

// A sensitive cell's protection levels (τ-ARGUS's lower and upper protection levels): an
// attacker's interval for the value v must contain [v - lower, v + upper]. docs/statistics.md
// gives each rule's levels.
struct CellProtection {
  uint32_t rules = 0;  // SensitivityRule bits; 0: not sensitive
  int64_t count_lower = 0;
  int64_t count_upper = 0;
  int64_t sum_lower = 0;
  int64_t sum_upper = 0;
  bool sensitive() const { return rules != 0; }
};

// Primary suppression: each cell's sensitivity under `rules`, margins included. INVALID_ARGUMENT
// when the rules are invalid.
SOCLE_CXX_API absl::StatusOr<std::vector<CellProtection>> PrimarySuppression(
    const StatisticsTable& table, const StatisticsRules& rules);

// Secondary suppression by the hypercube method (Repsilber's GHMITER, as τ-ARGUS's "hypercube"):
// for each sensitive cell, the cheapest hypercube having it as a corner whose corners give it its
// protection; its corners are suppressed. Returns the suppression pattern (true: suppressed),
// the sensitive cells included. FAILED_PRECONDITION naming the cell when no hypercube protects
// it (then the table must be coarsened).
SOCLE_CXX_API absl::StatusOr<std::vector<bool>> SecondarySuppression(
    const StatisticsTable& table, absl::Span<const CellProtection> protection);

enum class Measure : int32_t { kCount = 1, kSum = 2 };

// The attacker's interval for one measure of one suppressed cell: the minimum and maximum of its
// value over every non-negative table that agrees with the published cells and the additivity of
// the margins (GLPK's simplex, in doubles; rounded inward with a tolerance of 1e-6 relative,
// which can only widen the reported interval by less than one unit).
struct AuditEntry {
  size_t cell = 0;
  Measure measure = Measure::kCount;
  int64_t min = 0;
  std::optional<int64_t> max;  // nullopt: unbounded above
  // For a sensitive cell: the interval the attacker's must contain ([v - lower, v + upper]).
  // Derived from confidential values: for the controller, never published.
  bool sensitive = false;
  int64_t required_min = 0;
  int64_t required_max = 0;
  bool ok = true;  // not sensitive, or the interval covers the requirement
  // Whether min (max) is the attacker's exact bound. Always true in a block of up to 400 linked
  // suppressed cells. In a larger block the audit proves requirements instead of computing every
  // interval (docs/statistics.md, "Speed"): a bound that is not exact is a value of the cell in
  // a table the attacker cannot exclude, found by the simplex, so the exact bound lies at or
  // beyond it; for a sensitive cell it is at or beyond required_min (required_max), so `ok` is
  // the exact audit's verdict. Such a bound is derived from confidential values (it can be the
  // true value or the requirement): like required_min, for the controller, never published.
  bool min_exact = true;
  bool max_exact = true;
};

struct AuditReport {
  std::vector<AuditEntry> entries;  // in cell order, count before sum
  bool ok = true;                   // every entry ok
  int64_t linear_programs = 0;      // simplex runs
};

// The attacker's audit of a suppression pattern (`suppressed[i]`: cell i is not published).
// INVALID_ARGUMENT when the sizes differ from the table's; INTERNAL when GLPK fails.
SOCLE_CXX_API absl::StatusOr<AuditReport> AuditSuppression(
    const StatisticsTable& table, absl::Span<const CellProtection> protection,
    const std::vector<bool>& suppressed);

enum class CellStatus : int32_t {
  kPublished = 0,
  kPrimarySuppressed = 1,    // sensitive
  kSecondarySuppressed = 2,  // suppressed to protect a sensitive cell
  kNoisy = 3,                // published with differential-privacy noise (PublishNoisyTable)
};

// A released cell: aggregates only (never a contribution or a record).
struct ReleasedCell {
  CellStatus status = CellStatus::kPublished;
  std::optional<int64_t> count;  // nullopt when suppressed
  std::optional<int64_t> sum;    // nullopt when suppressed or the table has no amounts
};

// How a noisy release was made (socle/statistics_release.hpp, PublishNoisyTable).
struct NoisyReleaseRecord {
  std::string dataset;  // the privacy budget charged
  NoiseMechanism mechanism = NoiseMechanism::kDiscreteLaplace;
  uint32_t records_per_person = 1;
  int64_t amount_bound = 0;            // sums noised when > 0
  std::vector<PrivacyCharge> charges;  // as the engine recorded them
  uint64_t revision = 0;               // the state revision of the charges
  bool clamped = false;                // negative noisy base cells set to 0 before the margins
};

struct StatisticsRelease {
  std::vector<StatisticsDimension> dimensions;
  std::vector<ReleasedCell> cells;  // in the table's order (StatisticsTable::CellIndex)
  bool has_amounts = false;
  StatisticsRules rules;
  AuditReport audit;  // ok; empty for a noisy release
  size_t primary_suppressed = 0;
  size_t secondary_suppressed = 0;
  std::optional<NoisyReleaseRecord> noise;  // set for a noisy release (every cell kNoisy)
};

// Primary and secondary suppression, then the audit: the release, or FAILED_PRECONDITION naming
// the first cell that cannot be protected (or whose audit fails). INVALID_ARGUMENT for invalid
// rules.
SOCLE_CXX_API absl::StatusOr<StatisticsRelease> ProtectTable(const StatisticsTable& table,
                                                             const StatisticsRules& rules);

}  // namespace socle

#endif  // SOCLE_STATISTICS_HPP_
