// The attacker's audit: for each suppressed cell, the smallest and largest value it can take in
// a non-negative table that agrees with every published cell and every additivity relation (each
// margin equals the sum of its children along each dimension). That is what an intruder with the
// published table and a linear-programming solver learns (Hundepool et al., Statistical
// Disclosure Control, 2012, §4.3.2, "the attacker problem"); we solve it with GLPK's simplex.
//
// One LP per measure: a column per suppressed cell (bounded below by 0), a row per relation that
// involves at least one suppressed cell, the published cells moved to the right-hand side. Each
// suppressed cell is then minimised and maximised in turn, the simplex warm-started from the
// previous basis. The LP is in doubles: a bound is rounded to the integer within a relative 1e-6
// of it (the values are integers, so a bound can only be an integer up to rounding error), which
// can widen a reported interval by a rounding error only.
#include <glpk.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "socle/error.hpp"
#include "socle/statistics.hpp"
#include "stats/table.h"

namespace socle {
namespace {

struct ProblemDeleter {
  void operator()(glp_prob* p) const { glp_delete_prob(p); }
};
using Problem = std::unique_ptr<glp_prob, ProblemDeleter>;

constexpr double kTolerance = 1e-6;

int64_t RoundBound(double v, bool lower) {
  const double tol = kTolerance * std::max(1.0, std::fabs(v));
  const double r = lower ? std::ceil(v - tol) : std::floor(v + tol);
  if (r >= 9.2e18) return INT64_MAX;
  if (r <= -9.2e18) return INT64_MIN;
  return static_cast<int64_t>(r);
}

// One additivity relation: `total` = the sum of its children along one dimension.
struct Relation {
  size_t total;
  size_t first_child;
  size_t stride;
  size_t children;
};

}  // namespace

absl::StatusOr<AuditReport> AuditSuppression(const StatisticsTable& table,
                                             absl::Span<const CellProtection> protection,
                                             const std::vector<bool>& suppressed) {
  if (protection.size() != table.cell_count() || suppressed.size() != table.cell_count()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("AuditSuppression: the table has ", table.cell_count(),
                                  " cells; got ", protection.size(), " protections and ",
                                  suppressed.size(), " suppression flags"));
  }
  AuditReport report;
  std::vector<int> column(table.cell_count(), 0);  // 1-based GLPK column, 0: published
  std::vector<size_t> cells;
  for (size_t i = 0; i < table.cell_count(); ++i) {
    if (!suppressed[i]) continue;
    cells.push_back(i);
    column[i] = static_cast<int>(cells.size());
  }
  if (cells.empty()) return report;

  const size_t dims = table.dimensions().size();
  std::vector<Relation> relations;
  for (size_t d = 0; d < dims; ++d) {
    const size_t n = table.dimensions()[d].total();
    const size_t stride = table.stride(d);
    for (size_t i = 0; i < table.cell_count(); ++i) {
      if ((i / stride) % (n + 1) != n) continue;
      const Relation r{i, i - n * stride, stride, n};
      bool involved = suppressed[r.total];
      for (size_t c = 0; c < n && !involved; ++c) involved = suppressed[r.first_child + c * stride];
      if (involved) relations.push_back(r);
    }
  }

  glp_term_out(GLP_OFF);
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;

  const int measures = stats::MeasureCount(table);
  std::vector<std::vector<AuditEntry>> by_measure(measures);
  for (int m = 0; m < measures; ++m) {
    const Measure measure = stats::MeasureAt(m);
    Problem lp(glp_create_prob());
    glp_add_cols(lp.get(), static_cast<int>(cells.size()));
    for (size_t j = 1; j <= cells.size(); ++j) {
      glp_set_col_bnds(lp.get(), static_cast<int>(j), GLP_LO, 0.0, 0.0);
    }
    if (!relations.empty()) glp_add_rows(lp.get(), static_cast<int>(relations.size()));
    // GLPK's arrays are 1-based: index 0 is unused.
    std::vector<int> ia{0}, ja{0};
    std::vector<double> ar{0.0};
    for (size_t r = 0; r < relations.size(); ++r) {
      const Relation& rel = relations[r];
      const int row = static_cast<int>(r + 1);
      double rhs = 0;
      auto add = [&](size_t cell, double coefficient) {
        if (column[cell] != 0) {
          ia.push_back(row);
          ja.push_back(column[cell]);
          ar.push_back(coefficient);
        } else {
          rhs -= coefficient * static_cast<double>(stats::MeasureValue(table.cell(cell), measure));
        }
      };
      add(rel.total, 1.0);
      for (size_t c = 0; c < rel.children; ++c) add(rel.first_child + c * rel.stride, -1.0);
      glp_set_row_bnds(lp.get(), row, GLP_FX, rhs, rhs);
    }
    glp_load_matrix(lp.get(), static_cast<int>(ia.size() - 1), ia.data(), ja.data(), ar.data());

    for (size_t j = 1; j <= cells.size(); ++j) {
      const size_t cell = cells[j - 1];
      if (j > 1) glp_set_obj_coef(lp.get(), static_cast<int>(j - 1), 0.0);
      glp_set_obj_coef(lp.get(), static_cast<int>(j), 1.0);
      AuditEntry e;
      e.cell = cell;
      e.measure = measure;
      for (int dir : {GLP_MIN, GLP_MAX}) {
        glp_set_obj_dir(lp.get(), dir);
        const int rc = glp_simplex(lp.get(), &parm);
        ++report.linear_programs;
        const int status = glp_get_status(lp.get());
        if (rc != 0 || (status != GLP_OPT && !(dir == GLP_MAX && status == GLP_UNBND))) {
          return MakeError(
              ErrorCode::kInternal,
              absl::StrCat("the audit's linear program failed (GLPK code ", rc, ", status ", status,
                           ") for cell (", table.Describe(cell), ")"));
        }
        if (dir == GLP_MIN) {
          e.min = std::max<int64_t>(0, RoundBound(glp_get_obj_val(lp.get()), true));
        } else if (status == GLP_OPT) {
          e.max = RoundBound(glp_get_obj_val(lp.get()), false);
        }
      }
      const CellProtection& p = protection[cell];
      const int64_t lower = stats::LowerLevel(p, measure), upper = stats::UpperLevel(p, measure);
      if (p.sensitive() && (lower > 0 || upper > 0)) {
        const int64_t v = stats::MeasureValue(table.cell(cell), measure);
        e.sensitive = true;
        e.required_min = v - lower;
        e.required_max = upper > INT64_MAX - v ? INT64_MAX : v + upper;
        e.ok = e.min <= e.required_min && (!e.max.has_value() || *e.max >= e.required_max);
        report.ok = report.ok && e.ok;
      }
      by_measure[m].push_back(e);
    }
  }
  for (size_t j = 0; j < cells.size(); ++j) {
    for (int m = 0; m < measures; ++m) report.entries.push_back(by_measure[m][j]);
  }
  return report;
}

}  // namespace socle
