// socle/statistics_release.hpp: releasing a statistics table (issue 14; docs/statistics.md,
// docs/differential-privacy.md). A release is protected, recorded in the access trail, then
// rendered; nothing leaves before its record is durable.
//
// Two ways to protect a table (socle/statistics.hpp):
// - PublishTable: small-cell and dominance suppression, the hypercube method, and the attacker's
//   LP audit (ProtectTable), under the policy's rules.
// - PublishNoisyTable: differential privacy. The release is first charged to its dataset's
//   budget in the engine's state (ChargePrivacyBudget, refused when the budget is spent), then
//   exact discrete Laplace or Gaussian noise is added to every base cell and the margins are
//   summed from the noisy cells (socle/noise.hpp), so the table stays additive.
// Either way the trail gets one operation "statistics_release" by the releasing professional,
// about no person, whose detail names the table, its activity, its protection and the SHA-256 of
// the released document (StatisticsDocumentBytes), so the published file can be matched to it.
//
// Renderings of a release: a `.socle` statistics file (ExportKind::kStatisticsTable, signed and
// optionally sealed), JSON (socle.v1.StatisticsDocument in protobuf's JSON mapping) and CSV. They
// carry aggregates only: labels, counts, sums, the audit's intervals of suppressed cells, the
// noise's parameters; never a contribution, a record or a protection level (those derive from
// confidential values).
//
// Thread safety: the functions may run on several threads at once (the engine and the trail
// serialise their writes); a NoiseSource is used by one call at a time.
#ifndef SOCLE_STATISTICS_RELEASE_HPP_
#define SOCLE_STATISTICS_RELEASE_HPP_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "socle/export.hpp"
#include "socle/export_file.hpp"
#include "socle/noise.hpp"
#include "socle/privacy_budget.hpp"
#include "socle/statistics.hpp"

namespace socle {

class AccessEngine;
class AccessTrail;

// What is released, under which activity, by whom.
struct SOCLE_CXX_API StatisticsPublication {
  std::string name;      // the table's name ("activite_2026"): a label, 1 to 128 bytes
  std::string activity;  // an activity of the policy whose purpose is STATISTICS
  std::string actor;     // the professional who releases it (recorded in the trail)
};

// The differential-privacy parameters of a noisy release.
struct SOCLE_CXX_API NoiseOptions {
  std::string dataset;  // a statistics.privacy_budgets id of the policy
  NoiseMechanism mechanism = NoiseMechanism::kDiscreteLaplace;
  // The discrete Laplace's scale t, or the discrete Gaussian's σ², for the counts. Sums use the
  // same parameter times amount_bound (resp. amount_bound²): the same ε (resp. ρ) as the counts.
  Rational parameter{1, 1};
  // The most records one person contributes to the table (the counts' sensitivity). The vendor
  // knows it from how records are made (one per person and year: 1).
  uint32_t records_per_person = 1;
  // Sums are noised and released when > 0: every amount must be at most this many cents (the
  // table's largest contribution is checked: a larger one is refused, never clipped silently).
  // 0: the sums are not released.
  int64_t amount_bound = 0;
  // Negative noisy base cells become 0 before the margins are summed (biased upwards, still
  // additive: AddMargins). Off: negative counts are published as drawn (unbiased).
  bool clamp_negative = true;
};

// Protects `table` by suppression under `rules` (ProtectTable), records the release in `trail`
// (operation "statistics_release" by publication.actor) and returns it. INVALID_ARGUMENT for a bad
// name or invalid rules, NOT_FOUND / FAILED_PRECONDITION for an activity that is not a
// statistics activity of the trail's policy, ProtectTable's refusals, the trail's errors (then
// nothing may be published).
SOCLE_CXX_API absl::StatusOr<StatisticsRelease> PublishTable(
    AccessTrail& trail, const StatisticsTable& table, const StatisticsRules& rules,
    const StatisticsPublication& publication);

// Charges the release to noise.dataset's budget in `engine` (one charge for the counts, one for
// the sums when they are released: both or neither), adds noise from `source` (nullptr:
// libsodium's generator), sums the margins, records the release in `trail` and returns it (every
// cell kNoisy). Refusals before the charge change nothing: INVALID_ARGUMENT (bad options, a name,
// records_per_person 0, an amount above amount_bound, amount_bound on a table without amounts),
// the activity's errors as PublishTable; then the charge's (NOT_FOUND, RESOURCE_EXHAUSTED,
// FAILED_PRECONDITION: ChargePrivacyBudget). An error after the charge leaves the budget spent:
// noise already paid for is never redrawn. `trail` must decide for `engine`.
SOCLE_CXX_API absl::StatusOr<StatisticsRelease> PublishNoisyTable(
    AccessEngine& engine, AccessTrail& trail, const StatisticsTable& table,
    const StatisticsPublication& publication, const NoiseOptions& noise,
    NoiseSource* source = nullptr);

// The release as one socle.v1.StatisticsDocument, serialized deterministically: the bytes whose
// SHA-256 the trail's record names.
SOCLE_CXX_API std::string StatisticsDocumentBytes(const StatisticsRelease& release,
                                                  const StatisticsPublication& publication);
// The same document in protobuf's JSON mapping (field names as in statistics.proto, lowerCamel).
SOCLE_CXX_API std::string StatisticsJson(const StatisticsRelease& release,
                                         const StatisticsPublication& publication);
// CSV (RFC 4180, comma, CRLF): a header line, then one line per cell in the table's order: one
// column per dimension (its label, "total" for a margin), status, count, sum, count_min,
// count_max, sum_min, sum_max (empty when not applicable).
SOCLE_CXX_API std::string StatisticsCsv(const StatisticsRelease& release);
// Writes the release to `writer` (created with ExportKind::kStatisticsTable): the table's record,
// then one record per cell; finishes the file. The writer's errors.
SOCLE_CXX_API absl::StatusOr<ExportFileSummary> WriteStatisticsExport(
    const StatisticsRelease& release, const StatisticsPublication& publication,
    ExportWriter& writer);

}  // namespace socle

#endif  // SOCLE_STATISTICS_RELEASE_HPP_
