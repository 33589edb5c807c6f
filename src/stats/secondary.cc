// Secondary suppression by the hypercube method: Repsilber's GHMITER (Repsilber, "Preservation of
// confidentiality in aggregated data", 1994; Giessing & Repsilber, "Tools and strategies to
// protect multiple tables with the GHQUAR cell suppression engine", 2002), as τ-ARGUS's
// "hypercube" and sdcTable's protectTable(method = "HYPERCUBE") implement it.
//
// In an n-dimensional table with its margins, choose for every dimension d a second coordinate
// a_d besides the sensitive cell's c_d: the 2^n cells whose coordinates take c_d or a_d on each
// dimension are the corners of a hypercube. Adding t to the sensitive cell and ±t to each corner
// keeps every additivity relation of the table when the corner's sign is the product over the
// dimensions where it takes a_d of -1 (two categories: one gains what the other loses) or +1
// (a category and its total: both gain). So if every corner is suppressed, an attacker cannot
// tell the true table from the one moved by t, for every t that keeps the corners non-negative:
// the sensitive cell can go down by the smallest value among the corners of sign +1 and up by the
// smallest among those of sign -1 (unbounded when there is none). A hypercube is feasible when
// those two capacities cover the cell's lower and upper protection levels on every measure
// (count, and sum when the table has amounts), and none of its corners is an empty cell (an
// attacker knows it cannot go below 0). Among the feasible ones we take the cheapest: the fewest
// cells not yet suppressed, then the smallest sum of their counts (the information lost);
// suppressed corners cost nothing, so hypercubes share suppressions.
//
// Because each sensitive cell is protected by a perturbation of its own hypercube, whose corners
// all end suppressed, the guarantee does not depend on the other choices: one pass over the
// sensitive cells is stable (GHMITER's extra passes serve hierarchical tables, which these are
// not). The exception is a sensitive margin that no single hypercube can take down to its lower
// level (see the second pass below): there the attacker's LP audit (audit.cc), which checks every
// result anyway, is the proof, and ProtectTable refuses the table if it fails.
#include <array>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "socle/error.hpp"
#include "socle/statistics.hpp"
#include "stats/table.h"

namespace socle {
namespace {

constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();

struct Cost {
  int64_t cells = kUnbounded;
  int64_t loss = kUnbounded;
  bool operator<(const Cost& o) const { return cells != o.cells ? cells < o.cells : loss < o.loss; }
};

}  // namespace

absl::StatusOr<std::vector<bool>> SecondarySuppression(
    const StatisticsTable& table, absl::Span<const CellProtection> protection) {
  if (protection.size() != table.cell_count()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("SecondarySuppression: ", protection.size(),
                                  " protections for a table of ", table.cell_count(), " cells"));
  }
  const size_t dims = table.dimensions().size();
  const int measures = stats::MeasureCount(table);
  const size_t corners = size_t{1} << dims;
  std::vector<bool> suppressed(table.cell_count());
  for (size_t i = 0; i < protection.size(); ++i) suppressed[i] = protection[i].sensitive();

  std::array<uint32_t, kMaxStatisticsDimensions> radix{};
  std::array<int64_t, kMaxStatisticsDimensions> stride{};
  for (size_t d = 0; d < dims; ++d) {
    radix[d] = table.dimensions()[d].total() + 1;
    stride[d] = static_cast<int64_t>(table.stride(d));
  }
  // Per corner (a bit set of the dimensions where it takes the alternative coordinate): its
  // offset from the sensitive cell and its sign.
  std::vector<int64_t> offset(corners);
  std::vector<int> sign(corners);
  std::array<uint32_t, kMaxStatisticsDimensions> alt{};
  std::array<uint32_t, kMaxStatisticsDimensions> best_alt{};
  std::array<std::vector<uint32_t>, kMaxStatisticsDimensions> options;
  std::array<size_t, kMaxStatisticsDimensions> choice{};

  for (size_t cell = 0; cell < table.cell_count(); ++cell) {
    const CellProtection& p = protection[cell];
    if (!p.sensitive()) continue;
    const std::vector<uint32_t> at = table.Coordinates(cell);
    Cost best;
    // First the hypercubes that give the whole protection on their own; when there is none (a
    // small margin whose children are spread over several cells: each child is itself small and
    // suppressed, but no single hypercube can take the margin down to 0), the cheapest one that
    // gives the upper level and moves the cell down by at least one, the rest of the lower level
    // coming from the other hypercubes, which the audit checks.
    for (int pass = 0; pass < 2 && best.cells == kUnbounded; ++pass) {
      std::array<int64_t, 2> lower{}, upper{};
      for (int m = 0; m < measures; ++m) {
        lower[m] = stats::LowerLevel(p, stats::MeasureAt(m));
        upper[m] = stats::UpperLevel(p, stats::MeasureAt(m));
        if (pass == 1) lower[m] = std::min<int64_t>(lower[m], 1);
      }
      // Each dimension's alternatives whose own corner (the cell moved on that dimension only)
      // can be part of a feasible hypercube: non-empty, and with the capacity its sign asks for.
      // Any other alternative makes every hypercube through it infeasible, so the odometer
      // skips it; the order of the rest, hence the choice among ties, is unchanged.
      bool any = true;
      for (size_t d = 0; d < dims; ++d) {
        options[d].clear();
        const uint32_t total = radix[d] - 1;
        for (uint32_t a = 0; a < radix[d]; ++a) {
          if (a == at[d]) continue;
          const TableCell& c = table.cell(static_cast<size_t>(
              static_cast<int64_t>(cell) + (static_cast<int64_t>(a) - at[d]) * stride[d]));
          bool usable = c.count != 0;
          const bool down = at[d] == total || a == total;  // sign +1: gives the downward capacity
          for (int m = 0; m < measures && usable; ++m) {
            usable = stats::MeasureValue(c, stats::MeasureAt(m)) >= (down ? lower[m] : upper[m]);
          }
          if (usable) options[d].push_back(a);
        }
        any = any && !options[d].empty();
        choice[d] = 0;
        if (any) alt[d] = options[d][0];
      }
      while (any) {
        for (size_t mask = 1; mask < corners; ++mask) {
          int64_t off = 0;
          int s = 1;
          for (size_t d = 0; d < dims; ++d) {
            if (!(mask >> d & 1)) continue;
            off += (static_cast<int64_t>(alt[d]) - at[d]) * stride[d];
            const uint32_t total = radix[d] - 1;
            if (at[d] != total && alt[d] != total) s = -s;
          }
          offset[mask] = off;
          sign[mask] = s;
        }
        Cost cost{0, 0};
        std::array<int64_t, 2> down{kUnbounded, kUnbounded}, up{kUnbounded, kUnbounded};
        bool feasible = true;
        for (size_t mask = 1; mask < corners && feasible; ++mask) {
          const size_t corner = static_cast<size_t>(static_cast<int64_t>(cell) + offset[mask]);
          const TableCell& c = table.cell(corner);
          if (c.count == 0) {
            feasible = false;
            break;
          }
          for (int m = 0; m < measures; ++m) {
            const int64_t v = stats::MeasureValue(c, stats::MeasureAt(m));
            int64_t& capacity = sign[mask] > 0 ? down[m] : up[m];
            capacity = std::min(capacity, v);
          }
          if (!suppressed[corner]) {
            ++cost.cells;
            cost.loss += c.count;
            if (!(cost < best)) feasible = false;
          }
        }
        for (int m = 0; m < measures && feasible; ++m) {
          if (down[m] < lower[m] || up[m] < upper[m]) feasible = false;
        }
        if (feasible && cost < best) {
          best = cost;
          best_alt = alt;
        }
        // Next combination of alternatives.
        size_t d = dims;
        while (d-- > 0) {
          if (++choice[d] < options[d].size()) {
            alt[d] = options[d][choice[d]];
            break;
          }
          choice[d] = 0;
          alt[d] = options[d][0];
        }
        if (d == SIZE_MAX) break;
      }
    }
    if (best.cells == kUnbounded) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       absl::StrCat("the sensitive cell (", table.Describe(cell),
                                    ") cannot be protected: no hypercube of non-empty cells "
                                    "covers its protection interval; coarsen a dimension"));
    }
    for (size_t mask = 1; mask < corners; ++mask) {
      int64_t off = 0;
      for (size_t d = 0; d < dims; ++d) {
        if (mask >> d & 1) off += (static_cast<int64_t>(best_alt[d]) - at[d]) * stride[d];
      }
      suppressed[static_cast<size_t>(static_cast<int64_t>(cell) + off)] = true;
    }
  }
  return suppressed;
}

}  // namespace socle
