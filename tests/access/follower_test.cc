// State followers (AccessEngine::Follow): an engine that follows a record shared with another
// engine applies the other's writes by itself, so a block recorded through one engine denies on
// the other; errors of the follower are kept and reported while the engine keeps deciding on the
// revision it has; StopFollowing interrupts the wait at once. These run on a MemoryEngineRecord
// (and under ThreadSanitizer, tsan.access); tests/access/state_follower_test.cc does the same on
// the SQLite state ledger and tests/pg/pg_follower_test.cc on PostgreSQL.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "record_util.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

// A MemoryEngineRecord whose reads can be made to fail, watched through the memory record's own
// watch (woken by every append), or, with `own_watch` false, through EngineRecord's default
// watch, which polls EventCount.
class TestRecord final : public EngineRecord {
 public:
  explicit TestRecord(bool own_watch = true) : own_watch_(own_watch) {}
  absl::StatusOr<uint64_t> EventCount() override { return memory_.EventCount(); }
  absl::Status AppendEvents(uint64_t first, absl::Span<const std::string> events) override {
    return memory_.AppendEvents(first, events);
  }
  // The flag is checked after the read, not before: an event appended after fail_reads was set
  // is never delivered. (Checked before, a follower preempted between the check and the read
  // could read an event the test appended while reads were failing.)
  absl::Status ReadEvents(
      uint64_t from, absl::FunctionRef<absl::Status(uint64_t, absl::string_view)> visit) override {
    std::vector<std::pair<uint64_t, std::string>> events;
    const absl::Status read = memory_.ReadEvents(from, [&](uint64_t at, absl::string_view event) {
      events.emplace_back(at, std::string(event));
      return absl::OkStatus();
    });
    if (!read.ok()) return read;
    if (fail_reads.load()) return absl::UnavailableError("the record's server is away");
    for (const auto& [at, event] : events) {
      if (absl::Status visited = visit(at, event); !visited.ok()) return visited;
    }
    return absl::OkStatus();
  }
  absl::Status SaveSnapshot(uint64_t revision, absl::string_view snapshot) override {
    return memory_.SaveSnapshot(revision, snapshot);
  }
  absl::StatusOr<std::optional<std::string>> LatestSnapshot() override {
    return memory_.LatestSnapshot();
  }
  absl::StatusOr<std::unique_ptr<RecordWatch>> Watch() override {
    return own_watch_ ? memory_.Watch() : EngineRecord::Watch();
  }

  std::atomic<bool> fail_reads{false};

 private:
  const bool own_watch_;
  MemoryEngineRecord memory_;
};

std::unique_ptr<AccessEngine> OpenOn(std::shared_ptr<EngineRecord> record, const Clock& clock) {
  AccessEngine::Options options;
  options.clock = &clock;
  auto engine = AccessEngine::Open(LoadPolicy(WorkloadPolicyText()), std::move(record), options);
  BOOST_REQUIRE_MESSAGE(engine.ok(), engine.status().message());
  return *std::move(engine);
}

AccessRequest ReadRequest(const AccessEngine& engine) {
  AccessRequest r;
  r.actor = *engine.FindProfessional("sw1");
  r.person = *engine.FindPerson("x1");
  r.category = *engine.FindCategory("administrative");
  r.purpose = *engine.FindPurpose("accompagnement");
  return r;
}

// A generous bound for "the follower applied it": the real delays are in
// benchmarks/follower_benchmark.cc.
constexpr absl::Duration kBound = absl::Seconds(10);

// `a` writes sw1 and x1 (allowed), `b` follows and sees them; then `a` blocks sw1 and `b`
// denies with the revision of the block.
void BlockSeenByFollower(AccessEngine& a, AccessEngine& b) {
  BOOST_REQUIRE(a.UpsertProfessional({"sw1", "social_worker", {"t1"}}).ok());
  const auto person = a.UpsertPerson({"x1", {"t1"}});
  BOOST_REQUIRE(person.ok());
  BOOST_REQUIRE(b.WaitForRevision(*person, kBound));
  const auto allowed = b.Decide(ReadRequest(b));
  BOOST_REQUIRE(allowed.ok());
  BOOST_TEST(allowed->allowed());
  BOOST_TEST(allowed->revision == *person);
  const auto blocked = a.Block("x1", "sw1");
  BOOST_REQUIRE(blocked.ok());
  BOOST_REQUIRE_MESSAGE(b.WaitForRevision(*blocked, kBound), "the follower did not catch up");
  const auto denied = b.Decide(ReadRequest(b));
  BOOST_REQUIRE(denied.ok());
  BOOST_TEST(ReasonOf(*denied) == "blocked");
  BOOST_TEST(denied->revision == *blocked);
}

BOOST_AUTO_TEST_SUITE(follower)

BOOST_AUTO_TEST_CASE(a_block_written_through_one_engine_denies_on_its_follower) {
  FakeClock clock(kStart);
  auto record = std::make_shared<MemoryEngineRecord>();
  auto a = OpenOn(record, clock);
  auto b = OpenOn(record, clock);
  AccessEngine::FollowOptions options;
  options.poll_interval = absl::Minutes(1);  // only the watch's wake-up can be in time
  BOOST_REQUIRE(b->Follow(options).ok());
  BOOST_TEST(b->follower_status().following);
  BlockSeenByFollower(*a, *b);
  // The follower's own engine still writes (it is caught up, so its write is not refused).
  BOOST_REQUIRE(b->Unblock("x1", "sw1").ok());
  BOOST_REQUIRE(a->CatchUp().ok());
  BOOST_TEST(a->Decide(ReadRequest(*a))->allowed());
  const AccessEngine::FollowerStatus status = b->follower_status();
  BOOST_TEST(status.status.ok());
  BOOST_TEST(status.failures == 0u);
  BOOST_TEST(status.in_step_at == clock.Now());
}

BOOST_AUTO_TEST_CASE(a_record_without_a_watch_is_polled) {
  FakeClock clock(kStart);
  auto record = std::make_shared<TestRecord>(/*own_watch=*/false);
  auto a = OpenOn(record, clock);
  auto b = OpenOn(record, clock);
  AccessEngine::FollowOptions options;
  options.poll_interval = absl::Minutes(1);  // the default watch polls every 10 ms anyway
  BOOST_REQUIRE(b->Follow(options).ok());
  BlockSeenByFollower(*a, *b);
}

BOOST_AUTO_TEST_CASE(stopping_interrupts_the_wait) {
  FakeClock clock(kStart);
  auto record = std::make_shared<MemoryEngineRecord>();
  auto b = OpenOn(record, clock);
  AccessEngine::FollowOptions options;
  options.poll_interval = absl::Minutes(1);
  for (int i = 0; i < 20; ++i) {
    BOOST_REQUIRE(b->Follow(options).ok());
    const auto start = std::chrono::steady_clock::now();
    b->StopFollowing();
    // Without the interruption the thread would sleep out its minute.
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(30)));
    BOOST_TEST(!b->follower_status().following);
  }
  b->StopFollowing();  // not following: nothing to do
  // The destructor stops a follower that is still running.
  BOOST_REQUIRE(b->Follow(options).ok());
  b.reset();
}

BOOST_AUTO_TEST_CASE(follow_is_refused_without_a_record_twice_or_with_bad_options) {
  FakeClock clock(kStart);
  AccessEngine::Options engine_options;
  engine_options.clock = &clock;
  auto plain = AccessEngine::Create(LoadPolicy(WorkloadPolicyText()), engine_options);
  BOOST_REQUIRE(plain.ok());
  BOOST_TEST(CodeOf((*plain)->Follow()) == "FAILED_PRECONDITION");
  BOOST_TEST(!(*plain)->follower_status().following);

  auto engine = OpenOn(std::make_shared<MemoryEngineRecord>(), clock);
  AccessEngine::FollowOptions bad;
  bad.poll_interval = absl::ZeroDuration();
  BOOST_TEST(CodeOf(engine->Follow(bad)) == "OUT_OF_RANGE");
  bad = AccessEngine::FollowOptions();
  bad.retry_delay = absl::Seconds(6);
  BOOST_TEST(CodeOf(engine->Follow(bad)) == "OUT_OF_RANGE");
  BOOST_TEST(!engine->follower_status().following);
  BOOST_REQUIRE(engine->Follow().ok());
  BOOST_TEST(CodeOf(engine->Follow()) == "FAILED_PRECONDITION");
  BOOST_TEST(engine->follower_status().following);
}

// While the record cannot be read, the follower reports the error and the engine decides on the
// revision it has (which each decision states); once the record is back, it catches up, and
// the error stays in last_error.
BOOST_AUTO_TEST_CASE(errors_are_reported_and_the_follower_recovers) {
  FakeClock clock(kStart);
  auto record = std::make_shared<TestRecord>();
  auto a = OpenOn(record, clock);
  auto b = OpenOn(record, clock);
  BOOST_REQUIRE(a->UpsertProfessional({"sw1", "social_worker", {"t1"}}).ok());
  const uint64_t seen = *a->UpsertPerson({"x1", {"t1"}});
  AccessEngine::FollowOptions options;
  options.retry_delay = absl::Milliseconds(5);
  BOOST_REQUIRE(b->Follow(options).ok());
  BOOST_REQUIRE(b->WaitForRevision(seen, kBound));

  record->fail_reads = true;
  const uint64_t blocked = *a->Block("x1", "sw1");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (b->follower_status().failures < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  AccessEngine::FollowerStatus status = b->follower_status();
  BOOST_TEST(status.failures >= 2u);
  BOOST_TEST(CodeOf(status.status) == "IO");
  BOOST_TEST(CodeOf(status.last_error) == "IO");
  BOOST_TEST(status.following);
  const auto stale = b->Decide(ReadRequest(*b));
  BOOST_REQUIRE(stale.ok());
  BOOST_TEST(stale->allowed());
  BOOST_TEST(stale->revision == seen);  // the decision says which state it used

  record->fail_reads = false;
  BOOST_REQUIRE(b->WaitForRevision(blocked, kBound));
  BOOST_TEST(ReasonOf(b->Decide(ReadRequest(*b))) == "blocked");
  // The status turns OK with the next successful wait (at once: nothing else happens).
  const auto ok_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!b->follower_status().status.ok() && std::chrono::steady_clock::now() < ok_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  status = b->follower_status();
  BOOST_TEST(status.status.ok());
  BOOST_TEST(CodeOf(status.last_error) == "IO");
}

// Writers on both engines while both follow: every write lands once and both end on one state.
BOOST_AUTO_TEST_CASE(two_following_writers_end_in_step) {
  FakeClock clock(kStart);
  auto record = std::make_shared<MemoryEngineRecord>();
  auto a = OpenOn(record, clock);
  BOOST_REQUIRE(a->UpsertProfessional({"sw1", "social_worker", {"t1"}}).ok());
  auto b = OpenOn(record, clock);
  BOOST_REQUIRE(a->Follow().ok());
  BOOST_REQUIRE(b->Follow().ok());
  constexpr int kWrites = 100;
  auto writer = [&](AccessEngine& engine, const char* prefix) {
    for (int i = 0; i < kWrites; ++i) {
      const PersonEntry person{absl::StrCat(prefix, i), {"t1"}};
      for (int attempt = 0; attempt < 10000; ++attempt) {
        auto written = engine.UpsertPerson(person);
        if (written.ok()) break;
        // Refused because the other wrote first: the follower (or this catch-up) brings it in.
        if (written.status().code() != absl::StatusCode::kFailedPrecondition) return;
        (void)engine.CatchUp();
      }
    }
  };
  std::thread ta(writer, std::ref(*a), "xa");
  std::thread tb(writer, std::ref(*b), "xb");
  ta.join();
  tb.join();
  const uint64_t total = 2 + 2 * kWrites;  // with the policy's activation
  BOOST_TEST(*record->EventCount() == total);
  BOOST_TEST(a->WaitForRevision(total, kBound));
  BOOST_TEST(b->WaitForRevision(total, kBound));
  BOOST_TEST(a->FindPerson("xb99").has_value());
  BOOST_TEST(b->FindPerson("xa99").has_value());
  a->StopFollowing();
  b->StopFollowing();
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
