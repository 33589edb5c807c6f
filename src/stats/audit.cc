// The attacker's audit: for each suppressed cell, the smallest and largest value it can take in
// a non-negative table that agrees with every published cell and every additivity relation (each
// margin equals the sum of its children along each dimension). That is what an intruder with the
// published table and a linear-programming solver learns (Hundepool et al., Statistical
// Disclosure Control, 2012, §4.3.2, "the attacker problem"); we solve it with GLPK's simplex.
//
// One LP per measure and per block of suppressed cells linked by relations: a column per
// suppressed cell (its deviation from the true value, so the cell stays non-negative), a row per
// relation that involves one of them, the published cells cancelling out. The LP is built once
// per block; each suppressed cell is then maximised and minimised in turn, only the objective
// (and, for an early exit, the cell's own bound) changing, the simplex warm-started from the
// previous basis. A run is skipped when an earlier optimum already had the cell at a bound known
// to be exact (0 for the minimum; for the maximum, a published total less its published
// children).
//
// In a block of more than AuditOptions::exact_block_cells cells (docs/statistics.md, "Speed"),
// what must be proven is each sensitive cell's requirement, not its exact interval: any vertex
// of the LP is a table the attacker cannot exclude, so a vertex where the cell is at or beyond
// its requirement proves that side. A few runs maximise (minimise) the weighted sum of the
// uncovered sensitive cells, each capped at its requirement, and cover most of them at once; a
// cell still uncovered gets its own run, capped at its requirement: reaching the cap proves the
// side, stopping short of it is the exact bound (the cap did not bind), which then fails the
// requirement. Entries without requirement get no run there: their interval is the values seen.
//
// The LP is in doubles: a bound is rounded to the integer within a relative 1e-6 of it (the
// values are integers, so a bound can only be an integer up to rounding error), which can widen a
// reported interval by a rounding error only.
#include "stats/audit.h"

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
// A requirement past it is not used as a bound (doubles hold integers exactly up to 2^53).
constexpr int64_t kLargestCap = int64_t{1} << 50;

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

namespace stats {

absl::StatusOr<AuditReport> Audit(const StatisticsTable& table,
                                  absl::Span<const CellProtection> protection,
                                  const std::vector<bool>& suppressed,
                                  const AuditOptions& options) {
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
      std::vector<double> bound(members.size(), HUGE_VAL);
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
      // Every vertex the simplex stops at is a table the attacker cannot exclude (it satisfies
      // every relation and is non-negative: a run's requirement bound only narrows the feasible
      // set). Per cell, the lowest and highest value seen so far, starting from the true table.
      std::vector<double> seen_low(value), seen_high(value);
      // In a block past options.exact_block_cells, a sensitive cell's runs stop at its
      // requirement, [need_low, need_high], and an entry without requirement gets no run: its
      // interval is what the other runs' vertices showed (exact when they reached a known bound).
      const bool exact_block = members.size() <= options.exact_block_cells;
      std::vector<bool> stops(members.size()), no_run(members.size(), !exact_block);
      std::vector<int64_t> need_low(members.size()), need_high(members.size());
      for (size_t k = 0; k < members.size(); ++k) {
        const size_t cell = cells[members[k]];
        AuditEntry& e = by_measure[m][members[k]];
        e.cell = cell;
        e.measure = measure;
        const CellProtection& p = protection[cell];
        const int64_t v = stats::MeasureValue(table.cell(cell), measure);
        const int64_t lower = stats::LowerLevel(p, measure);
        const int64_t upper = stats::UpperLevel(p, measure);
        if (p.sensitive() && (lower > 0 || upper > 0)) {
          e.sensitive = true;
          e.required_min = v - lower;
          e.required_max = upper > INT64_MAX - v ? INT64_MAX : v + upper;
          stops[k] = !exact_block && upper <= kLargestCap;
          no_run[k] = false;
          need_low[k] = e.required_min;
          need_high[k] = e.required_max;
        }
      }
      // Warm-started simplex runs (with a cold restart on numerical trouble: the deviation 0 is
      // always feasible); every optimal vertex widens the values seen.
      auto solve = [&](int& status) {
        int rc = glp_simplex(lp.get(), &parm);
        ++report.linear_programs;
        status = glp_get_status(lp.get());
        if (rc != 0 || (status != GLP_OPT && status != GLP_UNBND)) {
          glp_std_basis(lp.get());
          rc = glp_simplex(lp.get(), &parm);
          ++report.linear_programs;
          status = glp_get_status(lp.get());
        }
        if (rc == 0 && status == GLP_OPT) {
          for (size_t c = 0; c < members.size(); ++c) {
            const double x = glp_get_col_prim(lp.get(), static_cast<int>(c + 1)) + value[c];
            seen_low[c] = std::min(seen_low[c], x);
            seen_high[c] = std::max(seen_high[c], x);
          }
        }
        return rc;
      };
      auto covered = [&](size_t q, int dir) {
        return dir == GLP_MAX ? RoundBound(seen_high[q], false) >= need_high[q]
                              : RoundBound(seen_low[q], true) <= need_low[q];
      };
      // Many requirements at once: maximise (minimise) the sum of the sensitive cells not yet
      // covered, each capped at its requirement and weighted by the inverse of its distance to
      // it, so the optimum takes as many as it can to their requirement; again while that covers
      // more. Each vertex is a table the attacker cannot exclude, so the cells it covers need no
      // run of their own; the others get theirs below.
      if (!exact_block) {
        for (int dir : {GLP_MAX, GLP_MIN}) {
          for (int round = 0; round < 8; ++round) {
            std::vector<size_t> group;
            for (size_t q = 0; q < members.size(); ++q) {
              if (stops[q] && !covered(q, dir)) group.push_back(q);
            }
            if (group.empty()) break;
            for (size_t q : group) {
              const int col = static_cast<int>(q + 1);
              const double v = value[q];
              if (dir == GLP_MAX) {
                const double up = static_cast<double>(need_high[q]) - v;
                glp_set_col_bnds(lp.get(), col, GLP_DB, -v, up);
                glp_set_obj_coef(lp.get(), col, 1.0 / up);
              } else {
                const double down = v - static_cast<double>(need_low[q]);
                glp_set_col_bnds(lp.get(), col, GLP_LO, -down, 0.0);
                glp_set_obj_coef(lp.get(), col, 1.0 / down);
              }
            }
            glp_set_obj_dir(lp.get(), dir);
            int status = 0;
            const int rc = solve(status);
            for (size_t q : group) {
              glp_set_col_bnds(lp.get(), static_cast<int>(q + 1), GLP_LO, -value[q], 0.0);
              glp_set_obj_coef(lp.get(), static_cast<int>(q + 1), 0.0);
            }
            if (rc != 0 || status != GLP_OPT) {
              return MakeError(
                  ErrorCode::kInternal,
                  absl::StrCat("the audit's linear program failed (GLPK code ", rc, ", status ",
                               status, ") for a block of ", members.size(), " suppressed cells"));
            }
            size_t left = 0;
            for (size_t q : group) left += !covered(q, dir);
            if (left == group.size()) break;
          }
        }
      }
      int objective_column = 0;
      for (int dir : {GLP_MAX, GLP_MIN}) {
        for (size_t k = 1; k <= members.size(); ++k) {
          const size_t q = k - 1;
          const size_t cell = cells[members[q]];
          AuditEntry& e = by_measure[m][members[q]];
          const int64_t v = stats::MeasureValue(table.cell(cell), measure);
          if (dir == GLP_MIN) {
            if (v == 0 || seen_low[q] <= kTolerance * std::max(1.0, value[q])) {
              e.min = 0;
              continue;
            }
            if (no_run[q] || (stops[q] && RoundBound(seen_low[q], true) <= need_low[q])) {
              e.min_exact = false;
              continue;
            }
          } else {
            if (bound[q] != HUGE_VAL &&
                seen_high[q] >= bound[q] - kTolerance * std::max(1.0, bound[q])) {
              e.max = RoundBound(bound[q], false);
              continue;
            }
            if (no_run[q] || (stops[q] && RoundBound(seen_high[q], false) >= need_high[q])) {
              e.max_exact = false;
              continue;
            }
          }
          // The early exit: the cell's own bound moved to its requirement, so the simplex stops
          // there. The requirement contains the true value, so the problem stays feasible; an
          // optimum short of the requirement is the exact bound (the requirement did not bind).
          const int64_t lower = v - need_low[q];
          const bool capped = stops[q] && (dir == GLP_MAX || lower < v);
          if (capped) {
            if (dir == GLP_MAX) {
              glp_set_col_bnds(lp.get(), static_cast<int>(k), GLP_DB, -value[q],
                               static_cast<double>(need_high[q] - v));
            } else {
              glp_set_col_bnds(lp.get(), static_cast<int>(k), GLP_LO, -static_cast<double>(lower),
                               0.0);
            }
          }
          if (objective_column != 0) glp_set_obj_coef(lp.get(), objective_column, 0.0);
          objective_column = static_cast<int>(k);
          glp_set_obj_coef(lp.get(), objective_column, 1.0);
          glp_set_obj_dir(lp.get(), dir);
          int status = 0;
          const int rc = solve(status);
          if (rc != 0 || (status != GLP_OPT && !(dir == GLP_MAX && status == GLP_UNBND))) {
            return MakeError(
                ErrorCode::kInternal,
                absl::StrCat("the audit's linear program failed (GLPK code ", rc, ", status ",
                             status, ") for cell (", table.Describe(cell), ")"));
          }
          const double objective = static_cast<double>(v) + glp_get_obj_val(lp.get());
          if (capped) glp_set_col_bnds(lp.get(), static_cast<int>(k), GLP_LO, -value[q], 0.0);
          if (dir == GLP_MIN) {
            e.min = std::max<int64_t>(0, RoundBound(objective, true));
            e.min_exact = !(capped && e.min <= need_low[q]);
          } else if (status == GLP_OPT) {
            e.max = RoundBound(objective, false);
            e.max_exact = !(capped && *e.max >= need_high[q]);
          }
        }
      }
      for (size_t k = 0; k < members.size(); ++k) {
        AuditEntry& e = by_measure[m][members[k]];
        // An inner bound is the furthest value seen, unless the vertices seen since reached the
        // exact bound.
        if (!e.min_exact) {
          e.min_exact = seen_low[k] <= kTolerance * std::max(1.0, value[k]);
          e.min = std::max<int64_t>(0, RoundBound(seen_low[k], true));
        }
        if (!e.max_exact) {
          e.max_exact = bound[k] != HUGE_VAL &&
                        seen_high[k] >= bound[k] - kTolerance * std::max(1.0, bound[k]);
          e.max = RoundBound(e.max_exact ? bound[k] : seen_high[k], false);
        }
        if (!e.sensitive) continue;
        e.ok = e.min <= e.required_min && (!e.max.has_value() || *e.max >= e.required_max);
        report.ok = report.ok && e.ok;
      }
    }
  }
  for (size_t j = 0; j < cells.size(); ++j) {
    for (int m = 0; m < measures; ++m) report.entries.push_back(by_measure[m][j]);
  }
  return report;
}

}  // namespace stats

absl::StatusOr<AuditReport> AuditSuppression(const StatisticsTable& table,
                                             absl::Span<const CellProtection> protection,
                                             const std::vector<bool>& suppressed) {
  return stats::Audit(table, protection, suppressed, stats::AuditOptions());
}

}  // namespace socle
