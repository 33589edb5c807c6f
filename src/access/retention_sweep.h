// The retention sweep's internals (socle/retention_sweep.hpp): the plan and the helpers the run
// (src/ledger/retention_sweep.cc) and the tests share.
//
// Thread safety: plain functions over immutable snapshots; the fault hook is for single-threaded
// tests only.
#ifndef SOCLE_SRC_ACCESS_RETENTION_SWEEP_H_
#define SOCLE_SRC_ACCESS_RETENTION_SWEEP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "access/state.h"
#include "socle/retention_sweep.hpp"

namespace socle::access_internal {

// What a certificate's signature covers: this prefix, then the certificate's bytes.
inline constexpr absl::string_view kDeletionCertificateContext = "socle.v1.DeletionCertificate\n";

// One group of purges: a category under one rule, with one end action and visa.
struct SweepGroupKey {
  uint32_t category;
  uint32_t rule;
  uint8_t end_action;
  std::string visa;
  bool operator<(const SweepGroupKey& o) const {
    return std::tie(category, rule, end_action, visa) <
           std::tie(o.category, o.rule, o.end_action, o.visa);
  }
};

struct SweepPlan {
  int32_t previous = kNoRetentionDay;  // the previous sweep's day
  bool resumed = false;                // a sweep of this day had begun
  std::vector<RetentionChange> changes;
  std::map<SweepGroupKey, std::vector<uint32_t>> purges;  // persons in id order
  uint64_t awaiting_visa = 0;
};

// The plan of a sweep at `day` on `s` (integer work; allocates the changes and the groups).
SweepPlan MakeSweepPlan(const SnapshotData& s, int32_t day);
// The report's fields the plan gives (day, resumed, changes, awaiting visa).
SweepReport SweepReportOf(const SweepPlan& plan, int32_t day);
// Every category of the person with a rule is purged, none to transfer to the archives.
bool SweepFinished(const SnapshotData& s, uint32_t id);
// "activities[i].retention[j]" of the compiled rule.
std::string RuleText(const policy_internal::CompiledPolicy& c, uint32_t rule);
// The vendor's rows of batch `b`, appended to `todo`.
void AddSweepTasks(const SnapshotData& s, const PurgeBatch& b, std::vector<VendorTask>& todo);

// The fault hook, called before each crypto-shredding of a sweep with the number this run has
// already shredded; an error stops the sweep there, as a killed process would (empty: no hook).
std::function<absl::Status(uint64_t)>& SweepFault();
// Tests: sets it.
void SetSweepFaultForTesting(std::function<absl::Status(uint64_t shredded)> hook);

}  // namespace socle::access_internal

#endif  // SOCLE_SRC_ACCESS_RETENTION_SWEEP_H_
