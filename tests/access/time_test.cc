// Event times and decision times are not trusted (issue 7, defect 3): an event dated in the
// future beyond the clock skew is refused and changes nothing; a session's end is bounded by the
// engine's clock plus the policy's maximum; a caller's time earlier than the engine's clock does
// not reopen a session or a grant that has expired.
#include <boost/test/unit_test.hpp>
#include <string>

#include "socle/access.hpp"
#include "socle/v1/events.pb.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

constexpr int64_t kTenYears = int64_t{10} * 365 * 24 * 3600;

v1::StateEvent At(absl::Time at) {
  v1::StateEvent e;
  e.set_format_version(1);
  const int64_t seconds = absl::ToUnixSeconds(at);
  e.mutable_at()->set_seconds(seconds);
  e.mutable_at()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(at - absl::FromUnixSeconds(seconds))));
  return e;
}

void SetTime(google::protobuf::Timestamp* out, absl::Time t) {
  out->set_seconds(absl::ToUnixSeconds(t));
}

// sw3 (team t2) opens a session on x1 (team t1) at `at` for `duration`.
std::string BreakGlassEvent(absl::Time at, absl::Duration duration) {
  v1::StateEvent e = At(at);
  auto* o = e.mutable_break_glass_opened();
  o->set_professional("sw3");
  o->set_person("x1");
  o->set_reason_code("astreinte");
  o->set_justification("Appel de nuit");
  SetTime(o->mutable_expires_at(), at + duration);
  return e.SerializeAsString();
}

// sw3 is granted x1's file from `at` until `expires`.
std::string GrantEvent(absl::Time at, absl::Time expires) {
  v1::StateEvent e = At(at);
  auto* g = e.mutable_access_granted();
  g->set_person("x1");
  g->set_professional("sw3");
  SetTime(g->mutable_expires_at(), expires);
  return e.SerializeAsString();
}

bool Mentions(const absl::Status& status, absl::string_view words) {
  return std::string(status.message()).find(std::string(words)) != std::string::npos;
}

BOOST_AUTO_TEST_SUITE(event_times)

BOOST_AUTO_TEST_CASE(a_break_glass_session_dated_ten_years_ahead_is_refused) {
  Scenario s;
  const absl::Time now = s.clock().Now();
  const uint64_t before = s.engine().revision();
  const absl::Time future = now + absl::Seconds(kTenYears);
  auto applied = s.engine().ApplyEvent(BreakGlassEvent(future, absl::Hours(4)));
  BOOST_TEST(CodeOf(applied.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(Mentions(applied.status(), "break_glass_opened.at"), applied.status().message());
  BOOST_TEST(Mentions(applied.status(), "ahead of the engine's clock"), applied.status().message());
  BOOST_TEST(!Mentions(applied.status(), "x1"), applied.status().message());
  BOOST_TEST(s.engine().revision() == before);
  // Nothing opened: not today, not in ten years.
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "not_assigned");
  s.clock().Set(future + absl::Minutes(1));
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "not_assigned");
}

BOOST_AUTO_TEST_CASE(a_grant_dated_ten_years_ahead_is_refused) {
  Scenario s;
  const absl::Time now = s.clock().Now();
  const uint64_t before = s.engine().revision();
  const absl::Time future = now + absl::Seconds(kTenYears);
  auto applied = s.engine().ApplyEvent(GrantEvent(future, future + absl::Hours(1)));
  BOOST_TEST(CodeOf(applied.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(Mentions(applied.status(), "access_granted.at"), applied.status().message());
  BOOST_TEST(!Mentions(applied.status(), "x1"), applied.status().message());
  BOOST_TEST(s.engine().revision() == before);
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "not_assigned");
  // The same grant dated now is fine (and lasts until its own expiry).
  BOOST_REQUIRE(s.engine().ApplyEvent(GrantEvent(now, now + absl::Hours(1))).ok());
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "allowed_by_grant");
}

BOOST_AUTO_TEST_CASE(a_future_event_refuses_its_whole_batch) {
  Scenario s;
  const absl::Time now = s.clock().Now();
  const uint64_t before = s.engine().revision();
  v1::StateEventBatch batch;
  batch.set_format_version(1);
  batch.add_events()->ParseFromString(GrantEvent(now, now + absl::Hours(1)));
  v1::StateEvent* late = batch.add_events();
  *late = At(now + absl::Hours(1));
  late->mutable_block_set()->set_person("x2");
  late->mutable_block_set()->set_professional("sw3");
  auto applied = s.engine().ApplyEventBatch(batch.SerializeAsString());
  BOOST_TEST(CodeOf(applied.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(Mentions(applied.status(), "event 1: block_set.at"), applied.status().message());
  BOOST_TEST(s.engine().revision() == before);
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "not_assigned");
}

BOOST_AUTO_TEST_CASE(the_skew_is_a_tolerance_and_an_option) {
  {
    Scenario s;
    const absl::Time now = s.clock().Now();
    // Within the default skew (5 minutes): accepted; one second past it: refused.
    BOOST_TEST(s.engine().ApplyEvent(GrantEvent(now + kDefaultMaxClockSkew, now + absl::Hours(1)))
                   .ok());
    const uint64_t before = s.engine().revision();
    auto late =
        s.engine().ApplyEvent(GrantEvent(now + kDefaultMaxClockSkew + absl::Seconds(1),
                                         now + absl::Hours(1)));
    BOOST_TEST(CodeOf(late.status()) == "INVALID_ARGUMENT");
    BOOST_TEST(s.engine().revision() == before);
  }
  {
    FakeClock clock(absl::FromUnixSeconds(Scenario::kStart));
    AccessEngine::Options options;
    options.clock = &clock;
    options.max_clock_skew = absl::ZeroDuration();
    auto engine = AccessEngine::Create(LoadPolicy(WorkloadPolicyText()), options);
    BOOST_REQUIRE(engine.ok());
    v1::StateEvent e = At(clock.Now() + absl::Seconds(1));
    e.mutable_professional_upserted()->set_id("sw1");
    e.mutable_professional_upserted()->set_role("social_worker");
    BOOST_TEST(CodeOf((*engine)->ApplyEvent(e.SerializeAsString()).status()) ==
               "INVALID_ARGUMENT");
    e = At(clock.Now());
    e.mutable_professional_upserted()->set_id("sw1");
    e.mutable_professional_upserted()->set_role("social_worker");
    BOOST_TEST((*engine)->ApplyEvent(e.SerializeAsString()).ok());
    options.max_clock_skew = absl::Hours(25);
    BOOST_TEST(CodeOf(AccessEngine::Create(LoadPolicy(WorkloadPolicyText()), options).status()) ==
               "INVALID_ARGUMENT");
  }
}

BOOST_AUTO_TEST_CASE(a_session_ends_at_most_the_maximum_after_the_engine_clock) {
  Scenario s;
  const absl::Time now = s.clock().Now();
  // Dated four minutes ahead (within the skew) and lasting the maximum (240 minutes) from its own
  // time: it ends 240 minutes after the engine's clock, not 244.
  BOOST_REQUIRE(s.engine()
                    .ApplyEvent(BreakGlassEvent(now + absl::Minutes(4), absl::Minutes(240)))
                    .ok());
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "allowed_break_glass");
  s.clock().Set(now + absl::Minutes(240) - absl::Seconds(1));
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "allowed_break_glass");
  s.clock().Set(now + absl::Minutes(240));
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "break_glass_expired");
  // A session replayed from a ledger keeps its own, earlier end.
  s.clock().Set(now + absl::Hours(5));
  const absl::Time later = s.clock().Now();
  BOOST_REQUIRE(
      s.engine().ApplyEvent(BreakGlassEvent(later - absl::Hours(1), absl::Minutes(90))).ok());
  s.clock().Set(later + absl::Minutes(30) - absl::Seconds(1));
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "allowed_break_glass");
  s.clock().Set(later + absl::Minutes(30));
  BOOST_TEST(s.ReasonFor("sw3", "x1", "social") == "break_glass_expired");
}

BOOST_AUTO_TEST_CASE(an_earlier_request_time_does_not_reopen_a_session) {
  Scenario s;
  auto session = s.engine().OpenBreakGlass({"sw3", "x1", "astreinte", "Nuit", absl::Hours(1)});
  BOOST_REQUIRE(session.ok());
  AccessRequest r = s.Request("sw3", "x1", "social");
  s.clock().Set(session->expires_at);
  BOOST_TEST(ReasonOf(s.Decide(r)) == "break_glass_expired");
  r.time = session->expires_at - absl::Seconds(1);
  BOOST_TEST(ReasonOf(s.Decide(r)) == "break_glass_expired");
  r.time = session->opened_at;
  BOOST_TEST(ReasonOf(s.Decide(r)) == "break_glass_expired");
  auto explained = s.engine().Explain(r);
  BOOST_REQUIRE(explained.ok());
  BOOST_TEST(ReasonOf(explained->decision) == "break_glass_expired");
  std::vector<Visibility> view(1);
  BOOST_REQUIRE(s.engine().FilterView({&r, 1}, absl::MakeSpan(view)).ok());
  BOOST_TEST(static_cast<int>(view[0]) == static_cast<int>(Visibility::kAbsent));
  auto listed = s.engine().ListPersons(s.Pro("sw3"), s.Category("social"), s.Purpose(),
                                       Action::kRead, session->opened_at);
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST((*listed == std::vector<uint32_t>{s.Person("x2"), s.Person("x3")}));
  // A later time still counts: it can only make things expire sooner.
  s.clock().Set(session->opened_at);
  r.time = session->expires_at;
  BOOST_TEST(ReasonOf(s.Decide(r)) == "break_glass_expired");
  r.time = absl::InfinitePast();
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed_break_glass");  // a FakeClock may step back
}

BOOST_AUTO_TEST_CASE(an_earlier_request_time_does_not_reopen_a_grant) {
  Scenario s;
  const absl::Time now = s.clock().Now();
  BOOST_REQUIRE(s.engine().Grant({"x2", "sw1", {}, now + absl::Hours(1), ""}).ok());
  AccessRequest r = s.Request("sw1", "x2", "social");
  BOOST_TEST(ReasonOf(s.Decide(r)) == "allowed_by_grant");
  s.clock().Set(now + absl::Hours(2));
  r.time = now;
  BOOST_TEST(ReasonOf(s.Decide(r)) == "not_assigned");
  auto listed = s.engine().ListPersons(s.Pro("sw1"), s.Category("social"), s.Purpose(),
                                       Action::kRead, now);
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST((*listed == std::vector<uint32_t>{s.Person("x1"), s.Person("x3")}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
