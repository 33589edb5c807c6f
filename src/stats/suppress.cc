// Primary suppression: which cells are sensitive, and how much protection each needs.
//
// The protection levels follow τ-ARGUS (Hundepool et al., Statistical Disclosure Control, 2012,
// §4.2 and §6.2): an attacker's interval for a sensitive value v must contain
// [v - lower, v + upper].
// - Frequency rule (0 < count < k): lower = count, upper = k - count on the count. The attacker
//   can neither exclude that the cell is empty nor that it reaches the publication threshold, so
//   a published table never tells whether a small group exists.
// - Dominance rule (1, d) on the sum X with largest contribution x1 (sensitive when
//   100·x1 > d·X): upper = ⌈100·x1 / d⌉ - X, the least addition after which x1 no longer
//   dominates; lower = min(upper, X) (τ-ARGUS sets both levels equal, and a sum cannot go below 0).
// - p% rule (sensitive when 100·(X - x1 - x2) < p·x1, x2 the second contribution):
//   upper = ⌈(p·x1 - 100·(X - x1 - x2)) / 100⌉, lower = min(upper, X): the second contributor,
//   subtracting its own value, cannot estimate x1 closer than p %.
// Every product is computed in 128 bits: amounts are cents of up to 2^63.
#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/statistics.hpp"
#include "stats/table.h"

namespace socle {
namespace {

// ⌈a / b⌉ for a ≥ 0, b > 0.
__int128 CeilDiv(__int128 a, __int128 b) { return (a + b - 1) / b; }

int64_t Clamp(__int128 v) { return v > INT64_MAX ? INT64_MAX : static_cast<int64_t>(v); }

}  // namespace

StatisticsRules StatisticsRules::FromPolicy(const Policy& policy) {
  const policy_internal::CompiledPolicy& compiled = policy_internal::Compiled(policy);
  StatisticsRules rules;
  rules.small_cell_threshold = compiled.small_cell_threshold;
  rules.dominance_percent = compiled.dominance_percent;
  return rules;
}

absl::Status StatisticsRules::Validate() const {
  if (small_cell_threshold < 3) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("StatisticsRules::small_cell_threshold is ", small_cell_threshold,
                                  "; it must be at least 3 (INSEE frequency rule, REQ-53)"));
  }
  if (dominance_percent < 50 || dominance_percent > 100) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("StatisticsRules::dominance_percent is ", dominance_percent,
                                  "; it must be between 50 and 100 (85 is INSEE's rule)"));
  }
  if (p_percent.has_value() && (*p_percent < 1 || *p_percent > 99)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("StatisticsRules::p_percent is ", *p_percent,
                                  "; it must be between 1 and 99"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CellProtection>> PrimarySuppression(const StatisticsTable& table,
                                                               const StatisticsRules& rules) {
  if (absl::Status s = rules.Validate(); !s.ok()) return s;
  const int64_t k = rules.small_cell_threshold;
  std::vector<CellProtection> protection(table.cell_count());
  for (size_t i = 0; i < table.cell_count(); ++i) {
    const TableCell& c = table.cell(i);
    CellProtection& p = protection[i];
    if (c.count > 0 && c.count < k) {
      p.rules |= kFrequencyRule;
      p.count_lower = c.count;
      p.count_upper = k - c.count;
    }
    if (!table.has_amounts() || c.sum <= 0) continue;
    const __int128 x = c.sum, x1 = c.largest, x2 = c.second_largest;
    int64_t level = 0;
    if (100 * x1 > static_cast<__int128>(rules.dominance_percent) * x) {
      p.rules |= kDominanceRule;
      level = std::max(level, Clamp(CeilDiv(100 * x1, rules.dominance_percent) - x));
    }
    if (rules.p_percent.has_value()) {
      const __int128 rest = x - x1 - x2;
      const __int128 need = static_cast<__int128>(*rules.p_percent) * x1 - 100 * rest;
      if (need > 0) {
        p.rules |= kPPercentRule;
        level = std::max(level, Clamp(CeilDiv(need, 100)));
      }
    }
    if (level > 0) {
      p.sum_upper = level;
      p.sum_lower = std::min<int64_t>(level, c.sum);
    }
  }
  return protection;
}

}  // namespace socle
