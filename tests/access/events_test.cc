// State events: serialized events and batches, replay (the same events give the same state and
// the same revisions), all-or-nothing batches, event validation, WaitForRevision.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

#include "socle/access.hpp"
#include "socle/v1/events.pb.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

void At(v1::StateEvent* e, int64_t seconds) {
  e->set_format_version(1);
  e->mutable_at()->set_seconds(seconds);
}

// A history of the scenario kind, as a ledger would hold it.
std::vector<v1::StateEvent> History() {
  std::vector<v1::StateEvent> events;
  const int64_t t = Scenario::kStart;
  auto add = [&](int64_t at) -> v1::StateEvent& {
    events.emplace_back();
    At(&events.back(), at);
    return events.back();
  };
  for (const char* id : {"a1", "a2", "a3"}) {
    auto* p = add(t).mutable_professional_upserted();
    p->set_id(id);
    p->set_role("social_worker");
    p->add_teams(std::string(id) == "a3" ? "east" : "west");
  }
  for (int i = 0; i < 20; ++i) {
    auto* p = add(t).mutable_person_upserted();
    p->set_id("y" + std::to_string(i));
    p->add_teams(i % 2 == 0 ? "west" : "east");
  }
  auto* mask = add(t + 10).mutable_mask_set()->mutable_mask();
  mask->set_person("y0");
  mask->set_category("financial");
  mask->set_audience(v1::MaskTarget::PROFESSIONAL);
  mask->set_audience_id("a2");
  auto* block = add(t + 20).mutable_block_set();
  block->set_person("y2");
  block->set_professional("a1");
  auto* open = add(t + 30).mutable_break_glass_opened();
  open->set_professional("a3");
  open->set_person("y4");
  open->set_reason_code("astreinte");
  open->set_justification("Nuit");
  open->mutable_expires_at()->set_seconds(t + 30 + 3600);
  auto* moved = add(t + 40).mutable_person_assigned();
  moved->set_person("y6");
  moved->set_team("east");
  return events;
}

std::vector<std::string> Decisions(AccessEngine& engine) {
  std::vector<std::string> out;
  const uint32_t purpose = *engine.FindPurpose("accompagnement");
  for (const char* actor : {"a1", "a2", "a3"}) {
    for (int i = 0; i < 20; ++i) {
      for (const char* category : {"social", "financial"}) {
        AccessRequest r;
        r.actor = *engine.FindProfessional(actor);
        r.person = *engine.FindPerson("y" + std::to_string(i));
        r.category = *engine.FindCategory(category);
        r.purpose = purpose;
        r.time = absl::FromUnixSeconds(Scenario::kStart + 60);
        out.push_back(ReasonOf(*engine.Decide(r)));
      }
    }
  }
  return out;
}

// The engines of this suite decide at kStart + 60 by their clock, after every event of History().
FakeClock& HistoryClock() {
  static FakeClock* clock = new FakeClock(absl::FromUnixSeconds(Scenario::kStart + 60));
  return *clock;
}

std::unique_ptr<AccessEngine> EmptyEngine() {
  AccessEngine::Options options;
  options.clock = &HistoryClock();
  auto engine = AccessEngine::Create(LoadPolicy(WorkloadPolicyText()), options);
  BOOST_REQUIRE(engine.ok());
  return *std::move(engine);
}

BOOST_AUTO_TEST_SUITE(events)

BOOST_AUTO_TEST_CASE(replaying_the_same_events_gives_the_same_state) {
  const std::vector<v1::StateEvent> history = History();
  auto one_by_one = EmptyEngine();
  for (size_t i = 0; i < history.size(); ++i) {
    auto revision = one_by_one->ApplyEvent(history[i].SerializeAsString());
    BOOST_REQUIRE_MESSAGE(revision.ok(), revision.status().message());
    BOOST_TEST(*revision == i + 1);
  }
  v1::StateEventBatch batch;
  batch.set_format_version(1);
  for (const auto& e : history) *batch.add_events() = e;
  auto at_once = EmptyEngine();
  auto revision = at_once->ApplyEventBatch(batch.SerializeAsString());
  BOOST_REQUIRE_MESSAGE(revision.ok(), revision.status().message());
  BOOST_TEST(*revision == history.size());

  const std::vector<std::string> a = Decisions(*one_by_one);
  BOOST_TEST(a == Decisions(*at_once), boost::test_tools::per_element());
  // The history did what it says.
  BOOST_TEST(std::count(a.begin(), a.end(), "blocked") == 2);
  BOOST_TEST(std::count(a.begin(), a.end(), "masked") == 1);
  BOOST_TEST(std::count(a.begin(), a.end(), "allowed_break_glass") == 2);
}

BOOST_AUTO_TEST_CASE(a_batch_is_all_or_nothing) {
  auto engine = EmptyEngine();
  v1::StateEventBatch batch;
  batch.set_format_version(1);
  for (const auto& e : History()) *batch.add_events() = e;
  // An event that cannot apply: a block by a person who does not exist.
  v1::StateEvent* bad = batch.add_events();
  At(bad, Scenario::kStart);
  bad->mutable_block_set()->set_person("nobody-here");
  bad->mutable_block_set()->set_professional("a1");
  auto revision = engine->ApplyEventBatch(batch.SerializeAsString());
  BOOST_TEST(CodeOf(revision.status()) == "NOT_FOUND");
  BOOST_TEST(std::string(revision.status().message()).find("event 27") != std::string::npos,
             revision.status().message());
  BOOST_TEST(std::string(revision.status().message()).find("nobody-here") == std::string::npos);
  BOOST_TEST(engine->revision() == 0u);
  BOOST_TEST(!engine->FindProfessional("a1").has_value());
  BOOST_TEST(!engine->FindPerson("y0").has_value());
}

BOOST_AUTO_TEST_CASE(events_are_validated) {
  auto engine = EmptyEngine();
  BOOST_TEST(CodeOf(engine->ApplyEvent("\xff\xff\xff").status()) == "PARSE");
  v1::StateEvent e;
  e.mutable_professional_upserted()->set_id("a1");
  e.mutable_professional_upserted()->set_role("social_worker");
  e.set_format_version(1);
  BOOST_TEST(CodeOf(engine->ApplyEvent(e.SerializeAsString()).status()) == "INVALID_ARGUMENT");
  At(&e, Scenario::kStart);
  e.set_format_version(2);
  BOOST_TEST(CodeOf(engine->ApplyEvent(e.SerializeAsString()).status()) == "UNSUPPORTED");
  v1::StateEvent empty;
  At(&empty, Scenario::kStart);
  BOOST_TEST(CodeOf(engine->ApplyEvent(empty.SerializeAsString()).status()) == "INVALID_ARGUMENT");
  e.set_format_version(1);
  e.mutable_professional_upserted()->set_secrecy(static_cast<v1::SecrecyStatus>(9));
  BOOST_TEST(CodeOf(engine->ApplyEvent(e.SerializeAsString()).status()) == "INVALID_ARGUMENT");
  e.mutable_professional_upserted()->set_secrecy(v1::SECRECY_STATUS_UNSPECIFIED);
  BOOST_REQUIRE(engine->ApplyEvent(e.SerializeAsString()).ok());
  v1::StateEvent p;
  At(&p, Scenario::kStart);
  p.mutable_person_upserted()->set_id("y0");
  BOOST_REQUIRE(engine->ApplyEvent(p.SerializeAsString()).ok());

  // A session longer than the policy allows, replayed from a ledger.
  v1::StateEvent open;
  At(&open, Scenario::kStart);
  auto* o = open.mutable_break_glass_opened();
  o->set_professional("a1");
  o->set_person("y0");
  o->set_reason_code("astreinte");
  o->set_justification("Nuit");
  o->mutable_expires_at()->set_seconds(Scenario::kStart + 240 * 60 + 1);
  BOOST_TEST(CodeOf(engine->ApplyEvent(open.SerializeAsString()).status()) == "OUT_OF_RANGE");
  o->mutable_expires_at()->set_seconds(Scenario::kStart);
  BOOST_TEST(CodeOf(engine->ApplyEvent(open.SerializeAsString()).status()) == "OUT_OF_RANGE");
  o->mutable_expires_at()->set_seconds(Scenario::kStart + 240 * 60);
  BOOST_TEST(engine->ApplyEvent(open.SerializeAsString()).ok());
  BOOST_TEST(engine->revision() == 3u);
}

BOOST_AUTO_TEST_CASE(wait_for_revision) {
  Scenario s;
  const uint64_t now = s.engine().revision();
  BOOST_TEST(s.engine().WaitForRevision(now, absl::ZeroDuration()));
  BOOST_TEST(!s.engine().WaitForRevision(now + 1, absl::Milliseconds(10)));
  // Boost.Test's assertions are not thread-safe: the writer only records its result.
  std::atomic<bool> assigned{false};
  std::thread writer([&] {
    absl::SleepFor(absl::Milliseconds(20));
    assigned = s.engine().Assign("x2", "t1").ok();
  });
  const bool reached = s.engine().WaitForRevision(now + 1, absl::Seconds(30));
  writer.join();
  BOOST_TEST(reached);
  BOOST_TEST(assigned.load());
  BOOST_TEST(s.ReasonFor("sw1", "x2", "social") == "allowed");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
