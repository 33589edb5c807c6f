// Shared by the access engine's fuzzers: the workload policy, a small directory on a fake clock,
// and a fingerprint of everything a decision can see, to check that a refused write changed
// nothing.
#ifndef SOCLE_TESTS_FUZZ_ACCESS_FUZZ_UTIL_H_
#define SOCLE_TESTS_FUZZ_ACCESS_FUZZ_UTIL_H_

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "socle/policy.hpp"

namespace socle::access_fuzz {

inline constexpr int64_t kStart = 1780000000;  // the tests' Scenario::kStart

[[noreturn]] inline void Broken(const char* fuzzer, const char* contract) {
  std::fprintf(stderr, "%s: contract broken: %s\n", fuzzer, contract);
  std::abort();
}

// tests/access/workload_policy.textproto, loaded once.
inline const Policy& WorkloadPolicy() {
  static const Policy* policy = [] {
    std::ifstream in(SOCLE_FUZZ_ACCESS_POLICY, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto loaded = Policy::Load(text);
    if (!loaded.ok()) Broken("access fuzzer", "the workload policy loads");
    return new Policy(*std::move(loaded));
  }();
  return *policy;
}

inline constexpr const char* kProfessionals[] = {"sw1", "sw2", "sw3", "sec1", "hp1", "mgr1"};
inline constexpr const char* kPersons[] = {"x1", "x2", "x3", "x4"};
inline constexpr const char* kCategories[] = {"administrative", "social", "financial", "health"};

// An engine on `clock` with teams t1, t2: sw1, sw2, sec1, hp1, mgr1 in t1, sw3 in t2; x1, x3 in
// t1, x2 in t2, x4 in both; sw3 is x3's referent; an item mask on x1 and a break-the-glass
// session of sw3 on x1.
inline std::unique_ptr<AccessEngine> SmallEngine(const Clock* clock) {
  AccessEngine::Options options;
  options.clock = clock;
  auto engine = AccessEngine::Create(WorkloadPolicy(), options);
  if (!engine.ok()) Broken("access fuzzer", "the engine is created");
  auto loaded = (*engine)->LoadDirectoryTsv(
      "sw1\tsocial_worker\tt1\nsw2\tsocial_worker\tt1\nsw3\tsocial_worker\tt2\n"
      "sec1\tsecretary\tt1\nhp1\thealth_professional\tt1\nmgr1\tmanager\tt1\n",
      "x1\tt1\nx2\tt2\nx3\tt1\tsw3\nx4\tt1,t2\n");
  if (!loaded.ok()) Broken("access fuzzer", "the small directory loads");
  if (!(*engine)->SetMask({"x1", "r1", "", MaskAudience::kEveryone, ""}).ok() ||
      !(*engine)->OpenBreakGlass({"sw3", "x1", "astreinte", "Nuit", absl::Hours(1)}).ok()) {
    Broken("access fuzzer", "the small engine's privacy facts apply");
  }
  return *std::move(engine);
}

// Every decision (actors × persons × categories × read/write, masked item or not), every
// ListPersons, and the revision: equal fingerprints mean a decision cannot tell the states apart
// (on the small directory).
inline std::string Fingerprint(const AccessEngine& engine) {
  std::string out = absl::StrCat("r", engine.revision(), ":");
  const auto snapshot = engine.snapshot();
  const auto purpose = engine.FindPurpose("accompagnement");
  for (const char* actor : kProfessionals) {
    const auto a = engine.FindProfessional(actor);
    if (!a) {
      out += "?";
      continue;
    }
    for (const char* category : kCategories) {
      const auto c = engine.FindCategory(category);
      for (Action action : {Action::kRead, Action::kWrite}) {
        auto listed = snapshot->ListPersons(*a, *c, *purpose, action);
        out += listed.ok() ? absl::StrCat("L", listed->size()) : "L!";
        for (const char* person : kPersons) {
          const auto p = engine.FindPerson(person);
          if (!p) {
            out += "?";
            continue;
          }
          for (const char* item : {"r1", "r2"}) {
            AccessRequest r;
            r.actor = *a;
            r.person = *p;
            r.category = *c;
            r.purpose = *purpose;
            r.action = action;
            r.item = item;
            auto d = snapshot->Decide(r);
            out += d.ok() ? absl::StrCat(static_cast<int>(d->reason), ".", d->obligations, ",")
                          : "!";
          }
        }
      }
    }
  }
  return out;
}

}  // namespace socle::access_fuzz

#endif  // SOCLE_TESTS_FUZZ_ACCESS_FUZZ_UTIL_H_
