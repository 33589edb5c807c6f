// Internals of the attacker's audit (audit.cc): the variant the tests compare.
#ifndef SOCLE_SRC_STATS_AUDIT_H_
#define SOCLE_SRC_STATS_AUDIT_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "socle/statistics.hpp"

namespace socle::stats {

struct AuditOptions {
  // Blocks of linked suppressed cells up to this size get every bound exact. In a larger block
  // a sensitive cell's runs stop once its requirement is proven and an entry without requirement
  // gets no run of its own (AuditEntry::min_exact, max_exact: docs/statistics.md, "Speed").
  size_t exact_block_cells = 400;
};

// AuditSuppression with `options` (AuditSuppression uses the defaults).
absl::StatusOr<AuditReport> Audit(const StatisticsTable& table,
                                  absl::Span<const CellProtection> protection,
                                  const std::vector<bool>& suppressed, const AuditOptions& options);

}  // namespace socle::stats

#endif  // SOCLE_SRC_STATS_AUDIT_H_
