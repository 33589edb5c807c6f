// Readers deciding while a writer updates the directory and the person's facts. Each snapshot is
// a consistent state: a reader that sees revision r sees exactly the writer's first r changes.
// Run under the asan preset as well (CMakePresets.json, label unit).
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "socle/access.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

BOOST_AUTO_TEST_SUITE(concurrency)

BOOST_AUTO_TEST_CASE(readers_decide_while_a_writer_updates) {
  Scenario s;
  AccessEngine& engine = s.engine();
  // A population to make snapshots span several chunks.
  DirectoryData more;
  for (int i = 0; i < 3000; ++i) {
    more.persons.push_back({"y" + std::to_string(i), {i % 2 == 0 ? "t1" : "t2"}});
  }
  BOOST_REQUIRE(engine.LoadDirectory(more).ok());

  const uint64_t r0 = engine.revision();
  constexpr int kWrites = 1500;
  // The writer's plan, step k (revision r0 + k + 1):
  //   k % 4 == 0: x2 joins t1          k % 4 == 2: x2 leaves t1
  //   k % 4 == 1: a new professional   k % 4 == 3: a mask on y7's social data is set or revoked
  // So at revision r0 + n: x2 is in t1 iff n % 4 is 1 or 2, and y7's social data is masked iff
  // the number of mask steps done, n / 4, is odd.
  const AccessRequest x2 = s.Request("sw1", "x2", "social");
  AccessRequest y7 = s.Request("sw1", "x1", "social");
  y7.person = *engine.FindPerson("y7");
  y7.actor = s.Pro("sw3");  // y7 is in t2, like sw3
  const AccessRequest steady = s.Request("sec1", "x1", "administrative");
  // Looked up before the threads start: Boost.Test's assertions (inside Scenario's lookups) are
  // not thread-safe (ThreadSanitizer found the race).
  const uint32_t sw1 = s.Pro("sw1"), social = s.Category("social"), purpose = s.Purpose();

  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<long> decisions{0};
  auto reader = [&](int id) {
    uint64_t last = 0;
    while (!done.load(std::memory_order_acquire)) {
      const std::shared_ptr<const AccessSnapshot> snap = engine.snapshot();
      const uint64_t rev = snap->revision();
      if (rev < last) ++failures;
      last = rev;
      const uint64_t n = rev - r0;
      const auto a = snap->Decide(x2);
      const auto b = snap->Decide(y7);
      const auto c = snap->Decide(steady);
      if (!a.ok() || !b.ok() || !c.ok()) {
        ++failures;
        continue;
      }
      const bool in_t1 = n % 4 == 1 || n % 4 == 2;
      const bool masked = (n / 4) % 2 == 1;
      if (a->allowed() != in_t1 || a->revision != rev) ++failures;
      if ((b->reason == Reason::kMasked) != masked || b->revision != rev) ++failures;
      if (c->reason != Reason::kAllowed) ++failures;
      // The engine-level calls and the lookups run against the writer too.
      if (!engine.Decide(steady).ok() || !engine.FindProfessional("sw1")) ++failures;
      if (id == 0) {
        auto listed = snap->ListPersons(sw1, social, purpose);
        if (!listed.ok() || listed->size() != (in_t1 ? 1503u : 1502u)) ++failures;
      }
      decisions.fetch_add(4, std::memory_order_relaxed);
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back(reader, i);

  const MaskSpec mask{"y7", "", "social", MaskAudience::kEveryone, ""};
  bool masked = false;
  for (int k = 0; k < kWrites; ++k) {
    absl::StatusOr<uint64_t> revision;
    switch (k % 4) {
      case 0:
        revision = engine.Assign("x2", "t1");
        break;
      case 1:
        revision = engine.UpsertProfessional({"tmp" + std::to_string(k), "trainee", {"t9"}});
        break;
      case 2:
        revision = engine.Unassign("x2", "t1");
        break;
      case 3:
        revision = masked ? engine.RevokeMask(mask) : engine.SetMask(mask);
        masked = !masked;
        break;
    }
    BOOST_REQUIRE_MESSAGE(revision.ok(), revision.status().message());
    BOOST_REQUIRE(*revision == r0 + k + 1);
  }
  done.store(true, std::memory_order_release);
  for (std::thread& t : readers) t.join();
  BOOST_TEST(failures.load() == 0);
  BOOST_TEST(decisions.load() > 0);
  BOOST_TEST_MESSAGE("decisions while writing: " << decisions.load());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
