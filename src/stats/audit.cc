// The attacker's audit: for each suppressed cell, the smallest and largest value it can take in
// a non-negative table that agrees with every published cell and every additivity relation (each
// margin equals the sum of its children along each dimension). That is what an intruder with the
// published table and a linear-programming solver learns (Hundepool et al., Statistical
// Disclosure Control, 2012, §4.3.2, "the attacker problem"); we solve it with GLPK's simplex.
//
// One LP per measure and per block of suppressed cells linked by relations: a column per
// suppressed cell (its deviation from the true value, so the cell stays non-negative), a row per
// relation that involves one of them, the published cells cancelling out. Each suppressed cell is
// then maximised and minimised in turn, the simplex warm-started from the previous basis; a run
// is skipped when an earlier optimum already had the cell at a bound known to be exact (0 for
// the minimum; for the maximum, a published total less its published children). The LP is
// in doubles: a bound is rounded to the integer within a relative 1e-6 of it (the values are
// integers, so a bound can only be an integer up to rounding error), which can widen a reported
// interval by a rounding error only.
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

  // Independent blocks: suppressed cells linked by a relation belong to one LP; cells in
  // different blocks share no relation, so each block is audited on its own (a smaller simplex).
  std::vector<size_t> parent(cells.size());
  for (size_t j = 0; j < parent.size(); ++j) parent[j] = j;
  auto find = [&](size_t j) {
    while (parent[j] != j) j = parent[j] = parent[parent[j]];
    return j;
  };
  std::vector<size_t> relation_block(relations.size());
  for (size_t r = 0; r < relations.size(); ++r) {
    const Relation& rel = relations[r];
    size_t first = SIZE_MAX;
    auto join = [&](size_t cell) {
      if (column[cell] == 0) return;
      const size_t j = find(static_cast<size_t>(column[cell] - 1));
      if (first == SIZE_MAX) {
        first = j;
      } else if (j != first) {
        parent[j] = first;
      }
    };
    join(rel.total);
    for (size_t c = 0; c < rel.children; ++c) join(rel.first_child + c * rel.stride);
  }
  for (size_t r = 0; r < relations.size(); ++r) {
    const Relation& rel = relations[r];
    size_t cell = rel.total;
    for (size_t c = 0; column[cell] == 0 && c < rel.children; ++c) {
      cell = rel.first_child + c * rel.stride;
    }
    relation_block[r] = find(static_cast<size_t>(column[cell] - 1));
  }
  std::vector<std::vector<size_t>> block_cells(cells.size()), block_relations(cells.size());
  for (size_t j = 0; j < cells.size(); ++j) block_cells[find(j)].push_back(j);
  for (size_t r = 0; r < relations.size(); ++r) block_relations[relation_block[r]].push_back(r);

  glp_term_out(GLP_OFF);
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;

  const int measures = stats::MeasureCount(table);
  std::vector<std::vector<AuditEntry>> by_measure(measures, std::vector<AuditEntry>(cells.size()));
  std::vector<int> local(cells.size());  // a cell's column in its block's LP
  for (int m = 0; m < measures; ++m) {
    const Measure measure = stats::MeasureAt(m);
    for (size_t b = 0; b < cells.size(); ++b) {
      const std::vector<size_t>& members = block_cells[b];
      if (members.empty()) continue;
      // The unknowns are the deviations d = x - v from the true values v: every relation's
      // right-hand side is then exactly 0 (the true table satisfies it) and d >= -v. The doubles
      // the simplex sees stay small, whatever the amounts.
      Problem lp(glp_create_prob());
      glp_add_cols(lp.get(), static_cast<int>(members.size()));
      std::vector<double> value(members.size());
      for (size_t k = 0; k < members.size(); ++k) {
        local[members[k]] = static_cast<int>(k + 1);
        value[k] = static_cast<double>(stats::MeasureValue(table.cell(cells[members[k]]), measure));
        glp_set_col_bnds(lp.get(), static_cast<int>(k + 1), GLP_LO, -value[k], 0.0);
      }
      const std::vector<size_t>& rows = block_relations[b];
      if (!rows.empty()) glp_add_rows(lp.get(), static_cast<int>(rows.size()));
      // GLPK's arrays are 1-based: index 0 is unused.
      std::vector<int> ia{0}, ja{0};
      std::vector<double> ar{0.0};
      for (size_t r = 0; r < rows.size(); ++r) {
        const Relation& rel = relations[rows[r]];
        const int row = static_cast<int>(r + 1);
        auto add = [&](size_t cell, double coefficient) {
          if (column[cell] == 0) return;
          ia.push_back(row);
          ja.push_back(local[static_cast<size_t>(column[cell] - 1)]);
          ar.push_back(coefficient);
        };
        add(rel.total, 1.0);
        for (size_t c = 0; c < rel.children; ++c) add(rel.first_child + c * rel.stride, -1.0);
        glp_set_row_bnds(lp.get(), row, GLP_FX, 0.0, 0.0);
      }
      if (ia.size() > 1) {
        glp_load_matrix(lp.get(), static_cast<int>(ia.size() - 1), ia.data(), ja.data(), ar.data());
      }
      // Exact answers without a simplex run: a cell seen at 0 in any optimal vertex has minimum
      // 0 (its bound); a cell seen at the bound a relation with a published total gives it
      // (the total less its published children: the other children are at least 0) has that
      // bound as its maximum. The maximisations run first: their vertices reach high values.
      std::vector<double> bound(members.size(), HUGE_VAL), seen_high(members.size(), -HUGE_VAL);
      for (size_t r : rows) {
        const Relation& rel = relations[r];
        if (column[rel.total] != 0) continue;
        double slack = static_cast<double>(stats::MeasureValue(table.cell(rel.total), measure));
        for (size_t c = 0; c < rel.children; ++c) {
          const size_t child = rel.first_child + c * rel.stride;
          if (column[child] == 0) {
            slack -= static_cast<double>(stats::MeasureValue(table.cell(child), measure));
          }
        }
        for (size_t c = 0; c < rel.children; ++c) {
          const size_t child = rel.first_child + c * rel.stride;
          if (column[child] == 0) continue;
          double& b = bound[static_cast<size_t>(local[static_cast<size_t>(column[child] - 1)] - 1)];
          b = std::min(b, slack);
        }
      }
      std::vector<bool> seen_at_zero(members.size());
      for (size_t k = 0; k < members.size(); ++k) {
        by_measure[m][members[k]].cell = cells[members[k]];
        by_measure[m][members[k]].measure = measure;
      }
      int objective_column = 0;
      for (int dir : {GLP_MAX, GLP_MIN}) {
        for (size_t k = 1; k <= members.size(); ++k) {
          const size_t cell = cells[members[k - 1]];
          AuditEntry& e = by_measure[m][members[k - 1]];
          const int64_t v = stats::MeasureValue(table.cell(cell), measure);
          if (dir == GLP_MIN && (v == 0 || seen_at_zero[k - 1])) {
            e.min = 0;
            continue;
          }
          if (dir == GLP_MAX && bound[k - 1] != HUGE_VAL &&
              seen_high[k - 1] >= bound[k - 1] - kTolerance * std::max(1.0, bound[k - 1])) {
            e.max = RoundBound(bound[k - 1], false);
            continue;
          }
          if (objective_column != 0) glp_set_obj_coef(lp.get(), objective_column, 0.0);
          objective_column = static_cast<int>(k);
          glp_set_obj_coef(lp.get(), objective_column, 1.0);
          glp_set_obj_dir(lp.get(), dir);
          int rc = glp_simplex(lp.get(), &parm);
          ++report.linear_programs;
          int status = glp_get_status(lp.get());
          if (rc != 0 || (status != GLP_OPT && status != GLP_UNBND)) {
            // Numerical trouble from a warm start (the deviation 0 is always feasible): start
            // again from the standard basis.
            glp_std_basis(lp.get());
            rc = glp_simplex(lp.get(), &parm);
            ++report.linear_programs;
            status = glp_get_status(lp.get());
          }
          if (rc != 0 || (status != GLP_OPT && !(dir == GLP_MAX && status == GLP_UNBND))) {
            return MakeError(
                ErrorCode::kInternal,
                absl::StrCat("the audit's linear program failed (GLPK code ", rc, ", status ",
                             status, ") for cell (", table.Describe(cell), ")"));
          }
          if (status == GLP_OPT) {
            for (size_t q = 0; q < members.size(); ++q) {
              const double x = glp_get_col_prim(lp.get(), static_cast<int>(q + 1)) + value[q];
              if (x <= kTolerance * std::max(1.0, value[q])) seen_at_zero[q] = true;
              seen_high[q] = std::max(seen_high[q], x);
            }
          }
          const double objective = static_cast<double>(v) + glp_get_obj_val(lp.get());
          if (dir == GLP_MIN) {
            e.min = std::max<int64_t>(0, RoundBound(objective, true));
          } else if (status == GLP_OPT) {
            e.max = RoundBound(objective, false);
          }
        }
      }
      for (size_t k = 0; k < members.size(); ++k) {
        const size_t cell = cells[members[k]];
        AuditEntry& e = by_measure[m][members[k]];
        const int64_t v = stats::MeasureValue(table.cell(cell), measure);
        const CellProtection& p = protection[cell];
        const int64_t lower = stats::LowerLevel(p, measure);
        const int64_t upper = stats::UpperLevel(p, measure);
        if (p.sensitive() && (lower > 0 || upper > 0)) {
          e.sensitive = true;
          e.required_min = v - lower;
          e.required_max = upper > INT64_MAX - v ? INT64_MAX : v + upper;
          e.ok = e.min <= e.required_min && (!e.max.has_value() || *e.max >= e.required_max);
          report.ok = report.ok && e.ok;
        }
      }
    }
  }
  for (size_t j = 0; j < cells.size(); ++j) {
    for (int m = 0; m < measures; ++m) report.entries.push_back(by_measure[m][j]);
  }
  return report;
}

}  // namespace socle
