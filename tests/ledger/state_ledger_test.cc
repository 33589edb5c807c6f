// The state ledger (StateLedger over a Ledger file) as the access engine's record: an engine
// reopened on the file decides every request of the access workload as the original, by replay
// or from a snapshot and its tail; snapshots are checkpointed and checked; two engines (two
// Ledger objects on one file, as two processes have) catch up with each other. On SQLite, and on
// PostgreSQL in tests/pg (ledger_backend.h).
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>

#include "../access/record_util.h"
#include "ledger_fixture.h"
#include "socle/access.hpp"
#include "socle/ledger.hpp"
#include "socle/v1/events.pb.h"
#include "socle/v1/snapshot.pb.h"

namespace socle::ledger_testing {
namespace {

using access_testing::kStart;

struct StateFixture : LedgerFixture {
  FakeClock clock{kStart};
  Policy policy = access_testing::LoadPolicy(access_testing::WorkloadPolicyText());

  std::shared_ptr<StateLedger> Record() {
    auto ledger = TryOpen(Options(), "state");
    BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
    return std::make_shared<StateLedger>(std::shared_ptr<Ledger>(std::move(*ledger)));
  }
  std::unique_ptr<AccessEngine> OpenEngine(std::shared_ptr<StateLedger> record) {
    AccessEngine::Options options;
    options.clock = &clock;
    auto engine = AccessEngine::Open(policy, std::move(record), options);
    BOOST_REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
    return std::move(*engine);
  }
  // The workload and its extras, recorded in the state ledger file.
  std::unique_ptr<AccessEngine> RecordWorkload(bool snapshot) {
    auto engine = OpenEngine(Record());
    auto loaded =
        engine->LoadDirectoryTsvFiles(access_testing::WorkloadDir() + "/professionals.tsv",
                                      access_testing::WorkloadDir() + "/persons.tsv");
    BOOST_REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
    access_testing::ApplyExtras(*engine, clock, 0);
    if (snapshot) BOOST_REQUIRE(engine->SaveSnapshot().ok());
    access_testing::ApplyExtras(*engine, clock, 1);
    return engine;
  }
};

BOOST_AUTO_TEST_SUITE(state_ledger)

BOOST_FIXTURE_TEST_CASE(replay_from_the_file_decides_as_the_original, StateFixture) {
  auto original = RecordWorkload(false);
  auto record = Record();
  BOOST_TEST(*record->EventCount() == original->revision());
  auto reopened = OpenEngine(record);
  access_testing::ExpectSameDecisions(*original, *reopened, clock.Now() + absl::Minutes(242));
  BOOST_TEST(record->ledger().Verify()->ok);
}

BOOST_FIXTURE_TEST_CASE(a_snapshot_and_its_tail_decide_as_the_original, StateFixture) {
  auto original = RecordWorkload(true);
  auto record = Record();
  auto snapshot = record->LatestSnapshot();
  BOOST_REQUIRE(snapshot.ok() && snapshot->has_value());
  v1::EngineSnapshot envelope;
  BOOST_REQUIRE(envelope.ParseFromString(**snapshot));
  BOOST_TEST(envelope.revision() < original->revision());
  auto reopened = OpenEngine(record);
  access_testing::ExpectSameDecisions(*original, *reopened, clock.Now() + absl::Minutes(242));
}

BOOST_FIXTURE_TEST_CASE(a_snapshot_that_does_not_match_its_checkpoint_is_refused, StateFixture) {
  {
    auto engine = OpenEngine(Record());
    BOOST_REQUIRE(
        engine->LoadDirectory({{{"p1", "social_worker", {"t1"}}}, {{"x1", {"t1"}}}}).ok());
    BOOST_REQUIRE(engine->SaveSnapshot().ok());
  }
  {
    Attacker attacker(backend, "state");
    // One byte of the snapshot changed, its checkpoint kept.
    const std::string zero = Attacker::Blob("00");
    attacker.Exec(
        "UPDATE snapshots SET bytes = substr(bytes, 1, 40) || (CASE WHEN "
        "substr(bytes, 41, 1) = " +
        zero + " THEN " + Attacker::Blob("01") + " ELSE " + zero + " END) || substr(bytes, 42)");
  }
  auto record = Record();
  const auto latest = record->LatestSnapshot();
  BOOST_TEST(CodeName(latest.status()) == "DATA_LOSS", latest.status().ToString());
  AccessEngine::Options options;
  options.clock = &clock;
  BOOST_TEST(CodeName(AccessEngine::Open(policy, record, options).status()) == "DATA_LOSS");
}

BOOST_FIXTURE_TEST_CASE(two_engines_on_one_file_catch_up, StateFixture) {
  auto a = OpenEngine(Record());
  auto b = OpenEngine(Record());  // another Ledger object: as another process
  BOOST_REQUIRE(a->LoadDirectory({{{"p1", "social_worker", {"t1"}}}, {{"x1", {"t1"}}}}).ok());
  // b is behind: its write is refused until it catches up.
  const auto refused = b->UpsertProfessional({"p2", "social_worker", {"t2"}});
  BOOST_TEST(CodeName(refused.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(b->revision() == 1u);  // the policy's activation only
  auto caught = b->CatchUp();
  BOOST_REQUIRE(caught.ok());
  BOOST_TEST(*caught == a->revision());
  BOOST_REQUIRE(b->UpsertProfessional({"p2", "social_worker", {"t2"}}).ok());
  BOOST_REQUIRE(b->Block("x1", "p1").ok());
  BOOST_REQUIRE(a->CatchUp().ok());
  BOOST_TEST(a->revision() == b->revision());
}

// A refused edit of the state ledger leaves a tamper alert in it (Ledger::UpdateEntry): the
// engine reads it back as a revision that changes nothing, so it still opens, replays and
// writes (after catching up, as after another writer).
BOOST_FIXTURE_TEST_CASE(a_refused_edit_of_the_state_ledger_is_a_revision_that_changes_nothing,
                        StateFixture) {
  auto record = Record();
  auto engine = OpenEngine(record);
  BOOST_REQUIRE(engine->LoadDirectory({{{"p1", "social_worker", {"t1"}}}, {{"x1", {"t1"}}}}).ok());
  const uint64_t before = engine->revision();
  BOOST_TEST(CodeName(record->ledger().UpdateEntry(0, "admin-3")) == "LOG_TAMPER_ATTEMPT");
  BOOST_TEST(CodeName(record->ledger().DeleteEntry(1, "admin-3")) == "LOG_TAMPER_ATTEMPT");
  BOOST_TEST(*record->EventCount() == before + 2);
  // The live engine is behind its record, as after another process's append.
  BOOST_TEST(CodeName(engine->Block("x1", "p1").status()) == "FAILED_PRECONDITION");
  BOOST_REQUIRE(engine->CatchUp().ok());
  BOOST_TEST(engine->revision() == before + 2);
  BOOST_REQUIRE(engine->Block("x1", "p1").ok());
  // Reopened: the same revision and the same decisions.
  auto reopened = OpenEngine(Record());
  BOOST_TEST(reopened->revision() == engine->revision());
  AccessRequest request;
  request.actor = *reopened->FindProfessional("p1");
  request.person = *reopened->FindPerson("x1");
  request.category = *reopened->FindCategory("social");
  request.purpose = *reopened->FindPurpose("accompagnement");
  BOOST_TEST(access_testing::ReasonOf(reopened->Decide(request)) == "blocked");
  // A caller cannot apply the alert's event itself.
  v1::StateEvent alert;
  alert.set_format_version(1);
  alert.mutable_at()->set_seconds(absl::ToUnixSeconds(clock.Now()));
  alert.mutable_ledger_alert()->set_target_index(0);
  BOOST_TEST(CodeName(engine->ApplyEvent(alert.SerializeAsString()).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(record->ledger().Verify()->ok);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger_testing
