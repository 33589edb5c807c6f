// The engine of record (AccessEngine::Open on an EngineRecord): an engine opened on the record of
// another decides every request of the access workload exactly as the original, whether it
// replays every event or a snapshot and the events after it; a snapshot written under another
// policy or damaged is refused; a failed append publishes nothing; two engines sharing one record
// catch up with each other. And ListAccessHolders (who has access to a person's file).
#include <algorithm>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crypto/crypto.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "socle/v1/events.pb.h"
#include "socle/v1/snapshot.pb.h"
#include "record_util.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {


// A MemoryEngineRecord that can refuse appends, and remembers where reads began.
class TestRecord final : public EngineRecord {
 public:
  absl::StatusOr<uint64_t> EventCount() override { return memory_.EventCount(); }
  absl::Status AppendEvents(uint64_t first, absl::Span<const std::string> events) override {
    if (fail_appends) return absl::UnavailableError("the disk is gone");
    return memory_.AppendEvents(first, events);
  }
  absl::Status ReadEvents(
      uint64_t from, absl::FunctionRef<absl::Status(uint64_t, absl::string_view)> visit) override {
    reads_from.push_back(from);
    return memory_.ReadEvents(from, visit);
  }
  absl::Status SaveSnapshot(uint64_t revision, absl::string_view snapshot) override {
    return memory_.SaveSnapshot(revision, snapshot);
  }
  absl::StatusOr<std::optional<std::string>> LatestSnapshot() override {
    return memory_.LatestSnapshot();
  }

  bool fail_appends = false;
  std::vector<uint64_t> reads_from;

 private:
  MemoryEngineRecord memory_;
};

Policy WorkloadPolicy() { return LoadPolicy(WorkloadPolicyText()); }

std::unique_ptr<AccessEngine> OpenOn(std::shared_ptr<EngineRecord> record, const Clock& clock,
                                     const Policy& policy = WorkloadPolicy()) {
  AccessEngine::Options options;
  options.clock = &clock;
  auto engine = AccessEngine::Open(policy, std::move(record), options);
  BOOST_REQUIRE_MESSAGE(engine.ok(), engine.status().message());
  return *std::move(engine);
}


struct Recorded {
  FakeClock clock{kStart};
  std::shared_ptr<TestRecord> record = std::make_shared<TestRecord>();
  std::unique_ptr<AccessEngine> engine;
};

// The workload loaded into an engine of record, then the extras; a snapshot after the first part
// when `snapshot` says so.
std::unique_ptr<Recorded> RecordWorkload(bool snapshot) {
  auto r = std::make_unique<Recorded>();
  r->engine = OpenOn(r->record, r->clock);
  // Revision 1: the policy's INITIAL activation, appended by the first Open of a record.
  BOOST_REQUIRE_EQUAL(r->engine->revision(), 1u);
  auto loaded = r->engine->LoadDirectoryTsvFiles(WorkloadDir() + "/professionals.tsv",
                                                 WorkloadDir() + "/persons.tsv");
  BOOST_REQUIRE(loaded.ok());
  BOOST_REQUIRE_EQUAL(*loaded, 102001u);
  ApplyExtras(*r->engine, r->clock, 0);
  if (snapshot) BOOST_REQUIRE(r->engine->SaveSnapshot().ok());
  ApplyExtras(*r->engine, r->clock, 1);
  BOOST_REQUIRE_EQUAL(*r->record->EventCount(), r->engine->revision());
  return r;
}

BOOST_AUTO_TEST_SUITE(engine_record)

BOOST_AUTO_TEST_CASE(replay_decides_every_workload_request_as_the_original) {
  auto r = RecordWorkload(false);
  r->record->reads_from.clear();
  auto replayed = OpenOn(r->record, r->clock);
  BOOST_TEST(r->record->reads_from == std::vector<uint64_t>{1}, boost::test_tools::per_element());
  // Four hours and 2 minutes later: the session dated 4 minutes ahead has ended on both (it
  // ended at the clock + 4 hours, not at its own time + 4 hours).
  ExpectSameDecisions(*r->engine, *replayed, r->clock.Now() + absl::Minutes(242));
}

BOOST_AUTO_TEST_CASE(snapshot_and_tail_decide_as_the_original) {
  auto r = RecordWorkload(true);
  auto snapshot = r->record->LatestSnapshot();
  BOOST_REQUIRE(snapshot.ok() && snapshot->has_value());
  v1::EngineSnapshot envelope;
  BOOST_REQUIRE(envelope.ParseFromString(**snapshot));
  BOOST_TEST(envelope.revision() > 102000u);
  BOOST_TEST(envelope.revision() < r->engine->revision());

  r->record->reads_from.clear();
  auto restored = OpenOn(r->record, r->clock);
  // Only the events after the snapshot were read.
  BOOST_TEST(r->record->reads_from == std::vector<uint64_t>{envelope.revision() + 1},
             boost::test_tools::per_element());
  ExpectSameDecisions(*r->engine, *restored, r->clock.Now() + absl::Minutes(242));
  // The snapshot keeps the id tables: the restored engine numbers ids as the original does.
  for (const char* id : {"p0", "p1999", "p-new", "p6"}) {
    BOOST_TEST((restored->FindProfessional(id) == r->engine->FindProfessional(id)));
  }
  for (const char* id : {"x0", "x99999", "x13"}) {
    BOOST_TEST((restored->FindPerson(id) == r->engine->FindPerson(id)));
  }
  BOOST_TEST((restored->FindTeam("t-new") == r->engine->FindTeam("t-new")));

  // A snapshot of the restored engine restores the same again, and writes go on from there.
  BOOST_REQUIRE(restored->SaveSnapshot().ok());
  auto again = OpenOn(r->record, r->clock);
  BOOST_TEST(again->revision() == r->engine->revision());
  BOOST_REQUIRE(again->Block("x1", "p1").ok() || again->Block("x1", "p2").ok());
  BOOST_TEST(*r->record->EventCount() == r->engine->revision() + 1);
}

BOOST_AUTO_TEST_CASE(a_write_appends_its_events_before_publishing) {
  FakeClock clock(kStart);
  auto record = std::make_shared<TestRecord>();
  auto engine = OpenOn(record, clock);
  DirectoryData d;
  d.professionals = {{"sw1", "social_worker", {"t1"}}, {"sw2", "social_worker", {"t2"}}};
  d.persons = {{"x1", {"t1"}}};
  BOOST_REQUIRE(engine->LoadDirectory(d).ok());
  BOOST_TEST(*record->EventCount() == 4u);  // the policy's activation, then the directory
  AccessRequest r;
  r.actor = *engine->FindProfessional("sw2");
  r.person = *engine->FindPerson("x1");
  r.category = *engine->FindCategory("administrative");
  r.purpose = *engine->FindPurpose("accompagnement");
  BOOST_TEST(ReasonOf(engine->Decide(r)) == "not_assigned");

  // The record refuses: the write fails with its error, nothing is published.
  record->fail_appends = true;
  auto granted = engine->Grant({"x1", "sw2", {}, absl::InfiniteFuture(), ""});
  BOOST_TEST(CodeOf(granted.status()) == "IO");  // socle's code for UNAVAILABLE
  BOOST_TEST(engine->revision() == 4u);
  BOOST_TEST(ReasonOf(engine->Decide(r)) == "not_assigned");
  BOOST_TEST(!engine->OpenBreakGlass({"sw2", "x1", "astreinte", "nuit"}).ok());
  BOOST_TEST(!engine->LoadDirectory(d).ok());
  BOOST_TEST(engine->revision() == 4u);
  BOOST_TEST(*record->EventCount() == 4u);

  // Back: the same write succeeds and lands in the record.
  record->fail_appends = false;
  BOOST_REQUIRE(engine->Grant({"x1", "sw2", {}, absl::InfiniteFuture(), ""}).ok());
  BOOST_TEST(engine->revision() == 5u);
  BOOST_TEST(*record->EventCount() == 5u);
  BOOST_TEST(ReasonOf(OpenOn(record, clock)->Decide(r)) == "allowed_by_grant");

  // A write that changes nothing (an invalid event) appends nothing.
  BOOST_TEST(!engine->Block("x1", "nobody").ok());
  BOOST_TEST(*record->EventCount() == 5u);
}

BOOST_AUTO_TEST_CASE(two_engines_share_one_record) {
  FakeClock clock(kStart);
  auto record = std::make_shared<MemoryEngineRecord>();
  auto a = OpenOn(record, clock);
  auto b = OpenOn(record, clock);
  BOOST_REQUIRE(a->UpsertProfessional({"sw1", "social_worker", {"t1"}}).ok());
  BOOST_REQUIRE(a->UpsertPerson({"x1", {"t1"}}).ok());
  BOOST_TEST(b->revision() == 1u);  // the policy's activation, which a appended and b read
  // b is behind: its write is refused, and changes nothing.
  auto refused = b->UpsertProfessional({"sw2", "social_worker", {"t2"}});
  BOOST_TEST(CodeOf(refused.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(b->revision() == 1u);
  BOOST_TEST(*record->EventCount() == 3u);
  // It catches up, then retries.
  auto caught = b->CatchUp();
  BOOST_REQUIRE(caught.ok());
  BOOST_TEST(*caught == 3u);
  BOOST_TEST(b->FindPerson("x1").has_value());
  BOOST_REQUIRE(b->UpsertProfessional({"sw2", "social_worker", {"t2"}}).ok());
  BOOST_REQUIRE(b->Block("x1", "sw1").ok());
  BOOST_TEST(*a->CatchUp() == 5u);
  BOOST_TEST(*a->CatchUp() == 5u);  // nothing new
  AccessRequest r;
  r.actor = *a->FindProfessional("sw1");
  r.person = *a->FindPerson("x1");
  r.category = *a->FindCategory("administrative");
  r.purpose = *a->FindPurpose("accompagnement");
  BOOST_TEST(ReasonOf(a->Decide(r)) == "blocked");
  BOOST_TEST(a->FindProfessional("sw2").has_value());
}

// Two engines writing to one record from two threads: each write that finds the record ahead
// fails with FAILED_PRECONDITION and nothing else; after CatchUp and a retry, every write lands
// once, and both engines end on the same state.
BOOST_AUTO_TEST_CASE(two_writers_catch_up_and_retry) {
  FakeClock clock(kStart);
  auto record = std::make_shared<MemoryEngineRecord>();
  auto a = OpenOn(record, clock);
  BOOST_REQUIRE(a->UpsertProfessional({"sw1", "social_worker", {"t1"}}).ok());
  auto b = OpenOn(record, clock);
  constexpr int kWrites = 200;
  std::atomic<int> ready{0};
  auto writer = [&](AccessEngine& engine, const char* prefix, int* retries) {
    ready.fetch_add(1);
    while (ready.load() < 2) std::this_thread::yield();  // start together
    for (int i = 0; i < kWrites; ++i) {
      const PersonEntry person{absl::StrCat(prefix, i), {"t1"}};
      for (;;) {
        auto written = engine.UpsertPerson(person);
        if (written.ok()) break;
        if (written.status().code() != absl::StatusCode::kFailedPrecondition ||
            !engine.CatchUp().ok()) {
          return;  // counted below: a write missing
        }
        ++*retries;
      }
    }
  };
  int retries_a = 0, retries_b = 0;
  std::thread ta(writer, std::ref(*a), "xa", &retries_a);
  std::thread tb(writer, std::ref(*b), "xb", &retries_b);
  ta.join();
  tb.join();
  BOOST_REQUIRE(a->CatchUp().ok());
  BOOST_REQUIRE(b->CatchUp().ok());
  BOOST_TEST(*record->EventCount() == 2u + 2 * kWrites);  // with the policy's activation
  BOOST_TEST(a->revision() == 2u + 2 * kWrites);
  BOOST_TEST(b->revision() == a->revision());
  for (int i = 0; i < kWrites; i += 17) {
    for (const char* prefix : {"xa", "xb"}) {
      const std::string id = absl::StrCat(prefix, i);
      BOOST_TEST(a->FindPerson(id).has_value());
      BOOST_TEST(b->FindPerson(id).has_value());
    }
  }
  BOOST_TEST_MESSAGE("retries: " << retries_a << " + " << retries_b);
}

BOOST_AUTO_TEST_CASE(an_engine_without_a_record_has_no_snapshot_nor_catch_up) {
  Scenario s;
  BOOST_TEST(CodeOf(s.engine().SaveSnapshot()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(s.engine().CatchUp().status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(AccessEngine::Open(WorkloadPolicy(), nullptr).status()) == "INVALID_ARGUMENT");
}

// A small record with a snapshot, for the refusals below.
std::shared_ptr<MemoryEngineRecord> SmallRecord(FakeClock& clock) {
  auto record = std::make_shared<MemoryEngineRecord>();
  auto engine = OpenOn(record, clock);
  BOOST_REQUIRE(engine->UpsertProfessional({"sw1", "social_worker", {"t1"}}).ok());
  BOOST_REQUIRE(engine->UpsertPerson({"x1", {"t1"}}).ok());
  BOOST_REQUIRE(engine->Block("x1", "sw1").ok());
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  return record;
}

// Another policy does not open the record (it is not the policy in force: REQ-62, tested in full
// in tests/analysis/approval_test.cc); in development mode it does, passing over the snapshot
// folded under the policy in force and replaying every event.
BOOST_AUTO_TEST_CASE(a_snapshot_written_under_another_policy_is_passed_over) {
  FakeClock clock(kStart);
  auto record = SmallRecord(clock);
  const Policy other =
      LoadPolicy(PolicyVariant({{"max_duration_minutes: 240", "max_duration_minutes: 120"}}));
  AccessEngine::Options options;
  options.clock = &clock;
  auto opened = AccessEngine::Open(other, record, options);
  BOOST_TEST(CodeOf(opened.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(opened.status().message().find("not the policy in force") != std::string::npos,
             opened.status().message());
  BOOST_TEST(OpenOn(record, clock)->revision() == 4u);  // the policy in force opens it
  options.development_mode = true;
  opened = AccessEngine::Open(other, record, options);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  BOOST_TEST((*opened)->revision() == 5u);  // replayed, and the DEVELOPMENT activation
  AccessRequest r;
  r.actor = *(*opened)->FindProfessional("sw1");
  r.person = *(*opened)->FindPerson("x1");
  r.category = *(*opened)->FindCategory("administrative");
  r.purpose = *(*opened)->FindPurpose("accompagnement");
  BOOST_TEST(ReasonOf((*opened)->Decide(r)) == "blocked");
}

BOOST_AUTO_TEST_CASE(a_damaged_snapshot_is_data_loss) {
  FakeClock clock(kStart);
  auto record = SmallRecord(clock);
  const std::string good = **record->LatestSnapshot();
  AccessEngine::Options options;
  options.clock = &clock;
  auto open_with = [&](const std::string& bytes) {
    BOOST_REQUIRE(record->SaveSnapshot(4, bytes).ok());  // replaces the one kept
    return AccessEngine::Open(WorkloadPolicy(), record, options).status();
  };
  // A bit flipped in the state (the last field): its SHA-256 no longer matches.
  std::string flipped = good;
  flipped[flipped.size() - 3] ^= 0x01;
  BOOST_TEST(CodeOf(open_with(flipped)) == "DATA_LOSS");
  BOOST_TEST(CodeOf(open_with(good.substr(0, good.size() / 2))) == "DATA_LOSS");
  BOOST_TEST(CodeOf(open_with("not a snapshot at all")) == "DATA_LOSS");

  // A state that matches its hash but names an id out of range: refused, no crash.
  v1::EngineSnapshot envelope;
  BOOST_REQUIRE(envelope.ParseFromString(good));
  v1::EngineState state;
  BOOST_REQUIRE(state.ParseFromString(envelope.state()));
  state.mutable_persons(0)->add_blocked(7);
  auto rehashed = [&](const v1::EngineState& st) {
    v1::EngineSnapshot e = envelope;
    st.SerializeToString(e.mutable_state());
    const crypto::Hash256 hash = crypto::Sha256(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(e.state().data()), e.state().size()));
    e.set_state_sha256(std::string(hash.begin(), hash.end()));
    return e.SerializeAsString();
  };
  BOOST_TEST(CodeOf(open_with(rehashed(state))) == "DATA_LOSS");
  // A changed state under the old hash.
  v1::EngineSnapshot tampered = envelope;
  state.SerializeToString(tampered.mutable_state());
  BOOST_TEST(CodeOf(open_with(tampered.SerializeAsString())) == "DATA_LOSS");
  // The same state rehashed opens: the check above is the range check, not the hash.
  v1::EngineState same;
  BOOST_REQUIRE(same.ParseFromString(envelope.state()));
  BOOST_TEST(CodeOf(open_with(rehashed(same))) == "OK");
  // An unknown format version.
  v1::EngineSnapshot future = envelope;
  future.set_format_version(2);
  BOOST_TEST(CodeOf(open_with(future.SerializeAsString())) == "UNSUPPORTED");
  // The good one still opens.
  BOOST_REQUIRE(record->SaveSnapshot(4, good).ok());
  BOOST_TEST(OpenOn(record, clock)->revision() == 4u);
}

BOOST_AUTO_TEST_CASE(a_record_event_that_does_not_apply_fails_open) {
  FakeClock clock(kStart);
  auto record = std::make_shared<MemoryEngineRecord>();
  v1::StateEvent e;
  e.set_format_version(1);
  Stamp(e.mutable_at(), kStart);
  e.mutable_block_set()->set_person("x1");
  e.mutable_block_set()->set_professional("sw1");
  BOOST_REQUIRE(record->AppendEvents(1, {Serialized(e)}).ok());
  AccessEngine::Options options;
  options.clock = &clock;
  auto opened = AccessEngine::Open(WorkloadPolicy(), record, options);
  BOOST_TEST(CodeOf(opened.status()) == "NOT_FOUND");
  BOOST_TEST(opened.status().message().find("revision 1") != std::string::npos);
  BOOST_REQUIRE(record->AppendEvents(1, {"x"}).code() == absl::StatusCode::kFailedPrecondition);
  auto garbage = std::make_shared<MemoryEngineRecord>();
  BOOST_REQUIRE(garbage->AppendEvents(1, {std::string("\xff\xff\xff", 3)}).ok());
  BOOST_TEST(CodeOf(AccessEngine::Open(WorkloadPolicy(), garbage, options).status()) ==
             "DATA_LOSS");
}

// --- ListAccessHolders ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(access_holders_of_a_person) {
  Scenario s;
  AccessEngine& e = s.engine();
  // x1 is in t1 (sw1, sw2, sec1, tr1, mgr1, hp1, hp2). sw2 leaves, the person blocks tr1; sw3 (t2)
  // is made referent; hp2 gets a grant for one hour; sw3 a session as well.
  BOOST_REQUIRE(e.ProfessionalLeaves("sw2").ok());
  BOOST_REQUIRE(e.Block("x1", "tr1").ok());
  BOOST_REQUIRE(e.SetReferent("x1", "sw3").ok());
  const absl::Time now = s.clock().Now();
  BOOST_REQUIRE(e.Grant({"x1", "sw3", {"administrative"}, now + absl::Hours(1), "CR-7"}).ok());
  auto session = e.OpenBreakGlass({"sw3", "x1", "astreinte", "nuit", absl::Minutes(30)});
  BOOST_REQUIRE(session.ok());

  auto holders = e.snapshot()->ListAccessHolders(s.Person("x1"));
  BOOST_REQUIRE(holders.ok());
  std::vector<std::string> got;
  for (const AccessHolder& h : *holders) {
    got.push_back(absl::StrCat(e.ProfessionalName(h.professional), ":", static_cast<int>(h.basis),
                               ":", h.team == kNoId ? "" : e.TeamName(h.team), ":", h.reference));
  }
  // Sorted by dense professional id (the order of the scenario's directory), then basis.
  const std::vector<std::string> want = {"sw1:1:t1:",  "sw3:2::",    "sw3:3::CR-7", "sw3:4::",
                                         "sec1:1:t1:", "mgr1:1:t1:", "hp1:1:t1:",   "hp2:1:t1:"};
  BOOST_TEST(got == want, boost::test_tools::per_element());
  for (const AccessHolder& h : *holders) {
    if (h.basis == AccessBasis::kGrant) BOOST_TEST(h.expires_at == now + absl::Hours(1));
    if (h.basis == AccessBasis::kBreakGlass) BOOST_TEST(h.expires_at == session->expires_at);
    if (h.basis == AccessBasis::kTeam) BOOST_TEST(h.expires_at == absl::InfiniteFuture());
  }

  // 45 minutes on, the session has ended; two hours on, the grant too.
  auto later = e.snapshot()->ListAccessHolders(s.Person("x1"), now + absl::Minutes(45));
  BOOST_REQUIRE(later.ok());
  BOOST_TEST(later->size() == want.size() - 1);
  s.clock().Advance(absl::Hours(2));
  auto after = e.snapshot()->ListAccessHolders(s.Person("x1"));
  BOOST_REQUIRE(after.ok());
  BOOST_TEST(after->size() == want.size() - 2);

  // A professional moved out of t1 is no longer listed through it; one moved in is.
  BOOST_REQUIRE(e.UpsertProfessional({"sw1", "social_worker", {"t2"}}).ok());
  BOOST_REQUIRE(e.UpsertProfessional({"sw2", "social_worker", {"t1"}}).ok());  // back
  auto moved = e.snapshot()->ListAccessHolders(s.Person("x1"));
  BOOST_REQUIRE(moved.ok());
  BOOST_TEST(moved->front().professional == s.Pro("sw2"));
  for (const AccessHolder& h : *moved) BOOST_TEST(h.professional != s.Pro("sw1"));

  BOOST_TEST(CodeOf(e.snapshot()->ListAccessHolders(99999).status()) == "NOT_FOUND");
}

// Through the team index, the same professionals as a scan of every professional's teams.
BOOST_AUTO_TEST_CASE(access_holders_on_the_workload_equal_a_scan) {
  AccessEngine& engine = SharedWorkloadEngine();
  const auto snapshot = engine.snapshot();
  for (int i = 0; i < 100000; i += 4999) {
    const uint32_t person = *engine.FindPerson(absl::StrCat("x", i));
    auto holders = snapshot->ListAccessHolders(person);
    BOOST_REQUIRE(holders.ok());
    std::vector<uint32_t> listed;
    for (const AccessHolder& h : *holders) {
      BOOST_TEST((h.basis == AccessBasis::kTeam));
      listed.push_back(h.professional);
    }
    // The scan: every professional, and the need-to-know step of an explanation.
    std::vector<uint32_t> scanned;
    for (int p = 0; p < 2000; ++p) {
      const uint32_t pro = *engine.FindProfessional(absl::StrCat("p", p));
      AccessRequest r;
      r.actor = pro;
      r.person = person;
      r.category = *engine.FindCategory("administrative");
      r.purpose = *engine.FindPurpose("accompagnement");
      auto e = engine.Explain(r);
      BOOST_REQUIRE(e.ok());
      for (const ExplanationStep& step : e->steps) {
        if (step.check == "need_to_know" && step.passed) scanned.push_back(pro);
      }
    }
    std::sort(scanned.begin(), scanned.end());
    BOOST_TEST(listed == scanned, boost::test_tools::per_element());
    BOOST_TEST(!listed.empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
