// ProtectTable: primary suppression, the hypercube method, the attacker's audit, and the release
// of what may be published (aggregates only).
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/statistics.hpp"

namespace socle {

absl::StatusOr<StatisticsRelease> ProtectTable(const StatisticsTable& table,
                                               const StatisticsRules& rules) {
  SOCLE_ASSIGN_OR_RETURN(std::vector<CellProtection> protection, PrimarySuppression(table, rules));
  SOCLE_ASSIGN_OR_RETURN(std::vector<bool> suppressed, SecondarySuppression(table, protection));
  SOCLE_ASSIGN_OR_RETURN(AuditReport audit, AuditSuppression(table, protection, suppressed));
  if (!audit.ok) {
    // The hypercube's guarantee makes this a bug, not a property of the data: refuse all the
    // same, naming the cell (labels only).
    for (const AuditEntry& e : audit.entries) {
      if (e.ok) continue;
      return MakeError(ErrorCode::kFailedPrecondition,
                       absl::StrCat("the table is not released: the attacker's audit narrows the ",
                                    e.measure == Measure::kCount ? "count" : "sum", " of cell (",
                                    table.Describe(e.cell), ") below its protection interval"));
    }
  }
  StatisticsRelease release;
  release.dimensions = table.dimensions();
  release.has_amounts = table.has_amounts();
  release.rules = rules;
  release.cells.resize(table.cell_count());
  for (size_t i = 0; i < table.cell_count(); ++i) {
    ReleasedCell& out = release.cells[i];
    if (protection[i].sensitive()) {
      out.status = CellStatus::kPrimarySuppressed;
      ++release.primary_suppressed;
    } else if (suppressed[i]) {
      out.status = CellStatus::kSecondarySuppressed;
      ++release.secondary_suppressed;
    } else {
      out.count = table.cell(i).count;
      if (table.has_amounts()) out.sum = table.cell(i).sum;
    }
  }
  release.audit = std::move(audit);
  return release;
}

}  // namespace socle
