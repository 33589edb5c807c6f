// Internals of the statistics tables shared by the builder, the suppression methods and the audit.
#ifndef SOCLE_SRC_STATS_TABLE_H_
#define SOCLE_SRC_STATS_TABLE_H_

#include <algorithm>
#include <cstdint>

#include "socle/statistics.hpp"

namespace socle::stats {

// The label a margin's coordinate is written as (StatisticsTable::Describe, CellIndexOf).
inline constexpr char kTotalLabel[] = "total";

// The value of `measure` in `cell`.
inline int64_t MeasureValue(const TableCell& cell, Measure measure) {
  return measure == Measure::kCount ? cell.count : cell.sum;
}

// Folds `from`'s two largest contributions into `into`'s (counts and sums are added by the
// caller, which checks their overflow).
inline void MergeLargest(const TableCell& from, TableCell& into) {
  const int64_t low = std::min(from.largest, into.largest);
  into.largest = std::max(from.largest, into.largest);
  into.second_largest = std::max({low, from.second_largest, into.second_largest});
}

// The measures a table carries: the count always, the sum with amounts.
inline int MeasureCount(const StatisticsTable& table) { return table.has_amounts() ? 2 : 1; }
inline Measure MeasureAt(int m) { return m == 0 ? Measure::kCount : Measure::kSum; }

// The protection levels of `p` on `measure`.
inline int64_t LowerLevel(const CellProtection& p, Measure measure) {
  return measure == Measure::kCount ? p.count_lower : p.sum_lower;
}
inline int64_t UpperLevel(const CellProtection& p, Measure measure) {
  return measure == Measure::kCount ? p.count_upper : p.sum_upper;
}

}  // namespace socle::stats

#endif  // SOCLE_SRC_STATS_TABLE_H_
