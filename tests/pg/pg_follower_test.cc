// State followers on PostgreSQL (docs/postgresql.md, "State followers"): two application
// servers, each with its own Ledger handle (its own connections) on one state ledger and an
// engine on it. A block recorded through one server denies on the other as soon as the append's
// notification arrives (LISTEN/NOTIFY; the poll fallback is set to a minute, so only the
// notification can be in time); the follower rides out the termination of its LISTEN
// connection; stopping it is prompt. The delays themselves are measured in
// benchmarks/follower_benchmark.cc.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pg_test_util.h"
#include "socle/access.hpp"
#include "socle/ledger.hpp"
#include "socle/policy.hpp"

namespace socle::pg_testing {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The access workload's policy (tests/access): social workers read administrative data for
// "accompagnement".
Policy WorkloadPolicy() {
  auto policy = Policy::LoadFile(SOCLE_ACCESS_POLICY_PATH);
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().ToString());
  return *std::move(policy);
}

ProfessionalEntry SocialWorker(const std::string& id) {
  ProfessionalEntry p;
  p.id = id;
  p.role = "social_worker";
  p.teams = {"t1"};
  return p;
}
PersonEntry Person(const std::string& id) {
  PersonEntry p;
  p.id = id;
  p.teams = {"t1"};
  return p;
}

// The bound a test allows for the notification to arrive and be applied: generous, for CI.
constexpr absl::Duration kBound = absl::Seconds(2);

struct FollowerFixture : PgFixture {
  FakeClock clock{absl::FromUnixSeconds(1780000000)};
  Policy policy = WorkloadPolicy();

  // One server: a Ledger handle of its own on the shared state ledger, and an engine on it.
  std::unique_ptr<AccessEngine> Server() {
    auto ledger = Ledger::Open(uri, vault, name, Options(Durability::kSync));
    BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
    AccessEngine::Options options;
    options.clock = &clock;
    auto engine = AccessEngine::Open(
        policy, std::make_shared<StateLedger>(std::shared_ptr<Ledger>(std::move(*ledger))),
        options);
    BOOST_REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
    return std::move(*engine);
  }

  static AccessRequest Read(const AccessEngine& engine) {
    AccessRequest r;
    r.actor = *engine.FindProfessional("sw1");
    r.person = *engine.FindPerson("x1");
    r.category = *engine.FindCategory("administrative");
    r.purpose = *engine.FindPurpose("accompagnement");
    return r;
  }

  // How many LISTEN connections of this ledger's followers the server has.
  int Listeners(RawConnection& raw) {
    return std::stoi(raw.Query(absl::StrCat(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'socle follower socle_",
        name, "'")));
  }
};

AccessEngine::FollowOptions NotifiedOnly() {
  AccessEngine::FollowOptions options;
  options.poll_interval = absl::Minutes(1);
  options.retry_delay = absl::Milliseconds(20);
  return options;
}

// `a` blocks sw1 on x1; `b` must deny within kBound. Returns the measured delay.
absl::Duration BlockAndExpectDenied(AccessEngine& a, AccessEngine& b) {
  const auto blocked = a.Block("x1", "sw1");
  BOOST_REQUIRE_MESSAGE(blocked.ok(), blocked.status().ToString());
  const absl::Time start = absl::Now();
  BOOST_REQUIRE_MESSAGE(b.WaitForRevision(*blocked, kBound),
                        "server B did not apply the block within " << kBound);
  const absl::Duration delay = absl::Now() - start;
  const auto denied = b.Decide(FollowerFixture::Read(b));
  BOOST_REQUIRE(denied.ok());
  BOOST_TEST(!denied->allowed());
  BOOST_TEST(Name(denied->reason) == "blocked");
  BOOST_TEST(denied->revision == *blocked);
  return delay;
}

BOOST_AUTO_TEST_SUITE(pg_follower)

BOOST_FIXTURE_TEST_CASE(a_block_on_one_server_denies_on_the_other, FollowerFixture) {
  auto a = Server();
  auto b = Server();
  BOOST_REQUIRE(b->Follow(NotifiedOnly()).ok());
  BOOST_REQUIRE(a->UpsertProfessional(SocialWorker("sw1")).ok());
  const auto person = a->UpsertPerson(Person("x1"));
  BOOST_REQUIRE(person.ok());
  BOOST_REQUIRE(b->WaitForRevision(*person, kBound));
  const auto allowed = b->Decide(Read(*b));
  BOOST_REQUIRE(allowed.ok());
  BOOST_TEST(allowed->allowed());
  BOOST_TEST(allowed->revision == *person);
  const absl::Duration delay = BlockAndExpectDenied(*a, *b);
  BOOST_TEST_MESSAGE("block applied on server B " << absl::FormatDuration(delay)
                                                  << " after server A's append returned");
  // And the other way round: a revoked block recorded on B allows on A again.
  BOOST_REQUIRE(a->Follow(NotifiedOnly()).ok());
  const auto unblocked = b->Unblock("x1", "sw1");
  BOOST_REQUIRE(unblocked.ok());
  BOOST_REQUIRE(a->WaitForRevision(*unblocked, kBound));
  BOOST_TEST(a->Decide(Read(*a))->allowed());
  BOOST_TEST(a->follower_status().failures == 0u);
  BOOST_TEST(b->follower_status().failures == 0u);
  BOOST_TEST(b->follower_status().status.ok());
}

BOOST_FIXTURE_TEST_CASE(the_follower_survives_its_listen_connection_killed, FollowerFixture) {
  auto a = Server();
  auto b = Server();
  BOOST_REQUIRE(a->UpsertProfessional(SocialWorker("sw1")).ok());
  BOOST_REQUIRE(a->UpsertPerson(Person("x1")).ok());
  BOOST_REQUIRE(b->Follow(NotifiedOnly()).ok());
  BOOST_REQUIRE(b->WaitForRevision(a->revision(), kBound));
  RawConnection raw;
  BOOST_TEST(Listeners(raw) == 1);
  BOOST_TEST(raw.Query(absl::StrCat("SELECT count(pg_terminate_backend(pid)) FROM "
                                    "pg_stat_activity WHERE application_name = "
                                    "'socle follower socle_",
                                    name, "'")) == "1");
  // The follower notices (an IO error, kept), reconnects, listens again and reads the size:
  // the block is applied whether it was appended before or after that.
  const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
  while (b->follower_status().failures == 0 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  BOOST_TEST(b->follower_status().failures >= 1u);
  BOOST_TEST(CodeName(b->follower_status().last_error) == "IO");
  BlockAndExpectDenied(*a, *b);
  BOOST_TEST(Listeners(raw) == 1);  // listening again, once
  // The follower records its attempt's outcome just after the catch-up has published the
  // revision the test waited for: give it that moment.
  const auto settled = SteadyClock::now() + std::chrono::seconds(10);
  while (!b->follower_status().status.ok() && SteadyClock::now() < settled) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  BOOST_TEST(b->follower_status().status.ok(), b->follower_status().status);
  // The notifications arrive again (not the reconnection's read): another change, in time.
  BOOST_REQUIRE(a->Unblock("x1", "sw1").ok());
  BOOST_REQUIRE(b->WaitForRevision(a->revision(), kBound));
  BOOST_TEST(b->Decide(Read(*b))->allowed());
}

BOOST_FIXTURE_TEST_CASE(stopping_is_prompt_and_closes_the_listen_connection, FollowerFixture) {
  auto b = Server();
  RawConnection raw;
  for (int i = 0; i < 5; ++i) {
    BOOST_REQUIRE(b->Follow(NotifiedOnly()).ok());
    BOOST_TEST(Listeners(raw) == 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // in its minute-long wait
    const auto start = SteadyClock::now();
    b->StopFollowing();
    BOOST_TEST((SteadyClock::now() - start < std::chrono::seconds(30)));
    BOOST_TEST(!b->follower_status().following);
    // The server sees the connection go (asynchronously).
    const auto deadline = SteadyClock::now() + std::chrono::seconds(10);
    while (Listeners(raw) != 0 && SteadyClock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    BOOST_TEST(Listeners(raw) == 0);
  }
}

// A transaction that rolls back notifies nobody: a refused append (another writer went first)
// leaves the follower where it was, and in step.
BOOST_FIXTURE_TEST_CASE(a_refused_write_notifies_nothing_that_moves_the_follower,
                        FollowerFixture) {
  auto a = Server();
  auto b = Server();
  auto c = Server();
  BOOST_REQUIRE(a->UpsertProfessional(SocialWorker("sw1")).ok());
  BOOST_REQUIRE(b->Follow(NotifiedOnly()).ok());
  // Revision 1 is the policy's activation (the first Open of the record), 2 a's write.
  BOOST_REQUIRE(b->WaitForRevision(2, kBound));
  const auto refused = c->UpsertPerson(Person("x9"));  // c is behind: refused
  BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(!b->WaitForRevision(3, absl::Milliseconds(100)));
  BOOST_TEST(b->revision() == 2u);
  BOOST_TEST(!b->FindPerson("x9").has_value());
  BOOST_TEST(b->follower_status().failures == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pg_testing
