// benchmarks/workload.h: the access workload through the C++ API, for the benchmarks that link
// socle_static (harness.h stays C-ABI only): the engine loaded with the workload's directory,
// and the workload's requests as dense AccessRequests.
#ifndef SOCLE_BENCHMARKS_WORKLOAD_H_
#define SOCLE_BENCHMARKS_WORKLOAD_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness.h"
#include "socle/access.hpp"
#include "socle/policy.hpp"

namespace socle_bench {

// The value of `v`, or the message on stderr and abort (a benchmark's setup must not fail).
template <typename T>
T Check(absl::StatusOr<T> v) {
  if (!v.ok()) {
    std::fprintf(stderr, "%s\n", std::string(v.status().message()).c_str());
    std::abort();
  }
  return *std::move(v);
}

// The same for a call that returns no value.
inline void Check(const absl::Status& s) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::abort();
  }
}

inline socle::Policy WorkloadPolicy() {
  return Check(socle::Policy::LoadFile(AccessWorkloadPolicyPath()));
}

inline std::unique_ptr<socle::AccessEngine> LoadWorkloadEngine() {
  auto engine = Check(socle::AccessEngine::Create(WorkloadPolicy()));
  Check(engine->LoadDirectoryTsvFiles(AccessWorkloadDir() + "/professionals.tsv",
                                      AccessWorkloadDir() + "/persons.tsv"));
  return engine;
}

// The requests of a workload file (requests_mixed.tsv…) for `engine`, prepared before timing,
// with the lines their `item` views point into (moving a WorkloadRequests keeps them valid).
struct WorkloadRequests {
  std::vector<AccessRequestLine> lines;
  std::vector<socle::AccessRequest> requests;

  WorkloadRequests(const socle::AccessEngine& engine, const std::string& file)
      : lines(ReadAccessRequests(file)) {
    const uint32_t purpose = *engine.FindPurpose("accompagnement");
    requests.reserve(lines.size());
    for (const AccessRequestLine& l : lines) {
      socle::AccessRequest r;
      r.actor = *engine.FindProfessional(l.professional);
      r.person = *engine.FindPerson(l.person);
      r.category = *engine.FindCategory(l.category);
      r.purpose = purpose;
      r.action = l.action == "write" ? socle::Action::kWrite : socle::Action::kRead;
      r.author = engine.FindProfessional(l.author).value_or(socle::kNoId);
      r.masked = l.masked;
      r.item = l.record;
      requests.push_back(r);
    }
  }
};

}  // namespace socle_bench

#endif  // SOCLE_BENCHMARKS_WORKLOAD_H_
