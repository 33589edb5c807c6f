// Helpers shared by the access suites: the shared workload and its policy, policy variants, and a
// small service for the scenario tests.
#ifndef SOCLE_TESTS_ACCESS_TEST_UTIL_H_
#define SOCLE_TESTS_ACCESS_TEST_UTIL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "socle/policy.hpp"

namespace socle::access_testing {

std::string WorkloadDir();
std::string TestDir();
std::string ReadFile(const std::string& path);

// tests/access/workload_policy.textproto
std::string WorkloadPolicyText();
// The workload policy with each `from` replaced by its `to` (each must occur) and `extra`
// appended.
std::string PolicyVariant(const std::vector<std::pair<std::string, std::string>>& replacements,
                          absl::string_view extra = "");
// Loads a policy, failing the test if it does not load.
Policy LoadPolicy(absl::string_view text);

// A record holding `record`'s events and no snapshot: an engine opened on it replays them all
// (the state a replay of the state ledger gives, to compare with a snapshot's).
std::shared_ptr<MemoryEngineRecord> EventsOnly(MemoryEngineRecord& record);

// One line of a workload request file.
struct WorkloadRequest {
  std::string professional, action, record, person, category;
  bool masked = false;
  std::string author, decision, reason;
};
std::vector<WorkloadRequest> ReadRequests(absl::string_view file_name);
// The workload's reason names mapped to socle's (allow → allowed, deny_masked → masked…).
Reason ExpectedReason(absl::string_view workload_reason);
inline const char* const kRequestFiles[] = {"requests_allowed.tsv", "requests_denied.tsv",
                                            "requests_mixed.tsv"};

// The workload engine, loaded from the TSV files once per test program; for read-only tests.
AccessEngine& SharedWorkloadEngine();
std::unique_ptr<AccessEngine> NewWorkloadEngine();
// The dense request of a workload line (purpose: the workload's activity).
AccessRequest ToRequest(const AccessEngine& engine, const WorkloadRequest& w);

// "masked", "allowed"… for readable test failures.
std::string ReasonOf(const Decision& d);
std::string ReasonOf(const absl::StatusOr<Decision>& d);
// The socle error code name carried by a status ("NOT_FOUND").
std::string CodeOf(const absl::Status& status);

// A small service on a fake clock, for scenario tests:
//   teams t1, t2
//   sw1, sw2 social workers in t1; sw3 social worker in t2; sec1 secretary in t1; tr1 trainee in
//   t1; mgr1 manager in t1; hp1 health professional in t1; hp2 health professional in t1 whose
//   own secrecy status is none
//   x1 (t1), x2 (t2), x3 (t1, referent sw3)
class Scenario {
 public:
  static constexpr int64_t kStart = 1780000000;  // 2026-05-28 20:26:40 UTC

  explicit Scenario(const std::string& policy_text = WorkloadPolicyText());

  AccessEngine& engine() { return *engine_; }
  FakeClock& clock() { return clock_; }

  uint32_t Pro(absl::string_view id) const;
  uint32_t Person(absl::string_view id) const;
  uint32_t Category(absl::string_view id) const;
  uint32_t Purpose(absl::string_view id = "accompagnement") const;

  // A read of `category` on `person`'s file by `actor`, for the workload's activity, as a fact
  // with no author.
  AccessRequest Request(absl::string_view actor, absl::string_view person,
                        absl::string_view category, Action action = Action::kRead) const;
  // Decides, failing the test on an error status.
  Decision Decide(const AccessRequest& request) const;
  std::string ReasonFor(absl::string_view actor, absl::string_view person,
                        absl::string_view category, Action action = Action::kRead) const;

 private:
  FakeClock clock_{absl::FromUnixSeconds(kStart)};
  std::unique_ptr<AccessEngine> engine_;
};

}  // namespace socle::access_testing

#endif  // SOCLE_TESTS_ACCESS_TEST_UTIL_H_
