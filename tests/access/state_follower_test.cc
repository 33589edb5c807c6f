// A follower on the SQLite state ledger: two Ledger handles on one file (as two processes have
// them), an engine on each; the one that follows sees the other's block through the database's
// change counter (Ledger::WatchGrowth), and stops at once.
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "../vault/test_util.h"
#include "record_util.h"
#include "socle/access.hpp"
#include "socle/ledger.hpp"
#include "socle/vault.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

struct SqliteStateFixture {
  vault_testing::TempDir dir;
  std::shared_ptr<Vault> vault =
      vault_testing::LoadVault(vault_testing::NewKeyFile(dir.File("master.key")),
                               dir.File("vault.db"));
  FakeClock clock{kStart};
  Policy policy = LoadPolicy(WorkloadPolicyText());

  std::shared_ptr<StateLedger> Record() {
    LedgerOptions options;
    options.durability = Durability::kNone;
    options.checkpoint_every = 0;
    options.checkpoint_interval = absl::ZeroDuration();
    auto ledger = Ledger::Open(dir.File("state.db"), vault, "state", options);
    BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
    return std::make_shared<StateLedger>(std::shared_ptr<Ledger>(std::move(*ledger)));
  }
  std::unique_ptr<AccessEngine> Engine(std::shared_ptr<StateLedger> record) {
    AccessEngine::Options options;
    options.clock = &clock;
    auto engine = AccessEngine::Open(policy, std::move(record), options);
    BOOST_REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
    return std::move(*engine);
  }
};

AccessRequest ReadRequest(const AccessEngine& engine) {
  AccessRequest r;
  r.actor = *engine.FindProfessional("sw1");
  r.person = *engine.FindPerson("x1");
  r.category = *engine.FindCategory("administrative");
  r.purpose = *engine.FindPurpose("accompagnement");
  return r;
}

BOOST_AUTO_TEST_SUITE(state_follower)

BOOST_FIXTURE_TEST_CASE(a_block_in_one_handle_denies_through_the_other, SqliteStateFixture) {
  auto a = Engine(Record());
  auto b = Engine(Record());  // its own Ledger handle and connections
  AccessEngine::FollowOptions options;
  options.poll_interval = absl::Minutes(1);  // only the change counter can be in time
  BOOST_REQUIRE(b->Follow(options).ok());
  BOOST_REQUIRE(a->UpsertProfessional({"sw1", "social_worker", {"t1"}}).ok());
  const auto person = a->UpsertPerson({"x1", {"t1"}});
  BOOST_REQUIRE(person.ok());
  // A generous bound (the real delay is in benchmarks/follower_benchmark.cc: milliseconds).
  BOOST_REQUIRE(b->WaitForRevision(*person, absl::Seconds(10)));
  BOOST_TEST(b->Decide(ReadRequest(*b))->allowed());
  const auto blocked = a->Block("x1", "sw1");
  BOOST_REQUIRE(blocked.ok());
  BOOST_REQUIRE_MESSAGE(b->WaitForRevision(*blocked, absl::Seconds(10)),
                        "the follower did not see the block");
  const auto denied = b->Decide(ReadRequest(*b));
  BOOST_REQUIRE(denied.ok());
  BOOST_TEST(ReasonOf(*denied) == "blocked");
  BOOST_TEST(denied->revision == *blocked);
  BOOST_TEST(b->follower_status().status.ok());
  BOOST_TEST(b->follower_status().failures == 0u);

  const auto start = std::chrono::steady_clock::now();
  b->StopFollowing();
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(30)));
  BOOST_TEST(!b->follower_status().following);
  // Stopped: a later write is not applied by b until it catches up.
  const auto unblocked = a->Unblock("x1", "sw1");
  BOOST_REQUIRE(unblocked.ok());
  BOOST_TEST(!b->WaitForRevision(*unblocked, absl::Milliseconds(50)));
  BOOST_TEST(*b->CatchUp() == *unblocked);
}

// The ledger's own watch: the size of a store that another handle appends to.
BOOST_FIXTURE_TEST_CASE(the_ledger_watch_sees_the_other_handles_appends, SqliteStateFixture) {
  auto writer = Record();
  auto reader = Record();
  auto watch = reader->Watch();
  BOOST_REQUIRE_MESSAGE(watch.ok(), watch.status().ToString());
  auto size = (*watch)->WaitForGrowth(0, absl::Milliseconds(1));
  BOOST_REQUIRE(size.ok());
  BOOST_TEST(*size == 0u);  // timed out: nothing yet
  BOOST_REQUIRE(writer->AppendEvents(1, {std::string("e1"), std::string("e2")}).ok());
  size = (*watch)->WaitForGrowth(0, absl::Seconds(10));
  BOOST_REQUIRE(size.ok());
  BOOST_TEST(*size == 2u);
  (*watch)->Interrupt();
  size = (*watch)->WaitForGrowth(2, absl::Minutes(1));  // interrupted: at once
  BOOST_REQUIRE(size.ok());
  BOOST_TEST(*size == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
