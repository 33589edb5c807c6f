// The breach register (REQ-20; socle/breach.hpp): the authority's deadline at aware_at + 72 hours
// exactly (across the daylight-saving changes too), a late notification only with a reason, the
// person-notification flag and the art. 34(3)(a) exception, closing that deletes nothing, the
// overdue list, hostile events, and the same register after a replay and a snapshot restore.
#include "socle/breach.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "socle/access.hpp"
#include "socle/v1/events.pb.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

absl::Time Paris(int y, int m, int d, int hh = 12, int mm = 0) {
  absl::TimeZone zone;
  BOOST_REQUIRE(absl::LoadTimeZone("Europe/Paris", &zone));
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), zone);
}

struct Service {
  Service() {
    engine = Open();
    DirectoryData d;
    d.professionals = {{"dpo", "manager", {"t1"}}};
    d.persons = {{"anna", {"t1"}}};
    BOOST_REQUIRE(engine->LoadDirectory(d).ok());
  }
  std::unique_ptr<AccessEngine> Open() {
    AccessEngine::Options options;
    options.clock = &clock;
    auto opened = AccessEngine::Open(LoadPolicy(WorkloadPolicyText()), record, options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    return *std::move(opened);
  }
  BreachSpec Spec(const std::string& id, absl::Time aware, BreachRisk risk = BreachRisk::kRisk) {
    BreachSpec spec;
    spec.breach = id;
    spec.aware_at = aware;
    spec.nature = {"confidentiality", "lost_laptop"};
    spec.risk = risk;
    spec.persons_concerned = 120;
    spec.records_concerned = 3400;
    spec.recorded_by = "dpo";
    return spec;
  }
  absl::StatusOr<uint64_t> Notify(const std::string& id, absl::Time at,
                                  const std::string& reason = "") {
    return NotifyBreachAuthority(*engine, id, at, reason, "", "dpo");
  }
  BreachInfo Get(const std::string& id) {
    auto info = GetBreach(*engine->snapshot(), id);
    BOOST_REQUIRE_MESSAGE(info.ok(), info.status().message());
    return *info;
  }
  std::vector<std::string> Overdue(absl::Time at) {
    std::vector<std::string> out;
    for (const BreachInfo& b : OverdueBreachNotifications(*engine->snapshot(), at)) {
      out.push_back(b.breach);
    }
    return out;
  }

  FakeClock clock{Paris(2027, 3, 1)};
  std::shared_ptr<MemoryEngineRecord> record = std::make_shared<MemoryEngineRecord>();
  std::unique_ptr<AccessEngine> engine;
};

BOOST_AUTO_TEST_SUITE(breach)

// Art. 33(1): T + 72 h exactly; at T + 72 h no reason is needed, a nanosecond later it is.
BOOST_FIXTURE_TEST_CASE(authority_deadline_is_72_hours, Service) {
  const absl::Time t = Paris(2027, 3, 1, 9);
  BOOST_REQUIRE(RecordBreach(*engine, Spec("b1", t)).ok());
  BOOST_REQUIRE(RecordBreach(*engine, Spec("b2", t)).ok());
  BOOST_REQUIRE(RecordBreach(*engine, Spec("b3", t)).ok());
  BOOST_TEST((Get("b1").authority_deadline == t + absl::Hours(72)));
  clock.Set(t + absl::Hours(80));
  BOOST_REQUIRE(Notify("b1", t + absl::Hours(72)).ok());
  BOOST_TEST(!Get("b1").authority_notified_late);

  const uint64_t before = engine->revision();
  auto late = Notify("b2", t + absl::Hours(72) + absl::Nanoseconds(1));
  BOOST_TEST(CodeOf(late.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(late.status().message(), "72 hours"));
  BOOST_TEST(CodeOf(Notify("b2", t + absl::Hours(73)).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(engine->revision() == before);
  BOOST_TEST(!Get("b2").authority_notified_at.has_value());
  BOOST_REQUIRE(Notify("b2", t + absl::Hours(73), "the processor told us on day 3").ok());
  const BreachInfo b2 = Get("b2");
  BOOST_TEST(b2.authority_notified_late);
  BOOST_TEST(b2.delay_reason == "the processor told us on day 3");
  BOOST_TEST((*b2.authority_notified_at == t + absl::Hours(73)));
  // Once only; not before aware_at; not in the future.
  BOOST_TEST(CodeOf(Notify("b2", t + absl::Hours(74), "again").status()) == "ALREADY_EXISTS");
  BOOST_TEST(CodeOf(Notify("b3", t - absl::Hours(1)).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Notify("b3", clock.Now() + absl::Hours(1), "r").status()) ==
             "INVALID_ARGUMENT");
}

// 72 hours, not three calendar days: across the change to summer time (28 March 2027, 02:00 →
// 03:00 in Paris) the deadline is 13:00 on 29 March, not noon; across the change back (31 October
// 2027, 03:00 → 02:00), 23:00 on 2 November, not midnight.
BOOST_FIXTURE_TEST_CASE(the_deadline_is_hours_across_daylight_saving, Service) {
  clock.Set(Paris(2027, 11, 10));
  const absl::Time spring = Paris(2027, 3, 26, 12);
  const absl::Time autumn = Paris(2027, 10, 31, 0);
  BOOST_REQUIRE(RecordBreach(*engine, Spec("spring", spring)).ok());
  BOOST_REQUIRE(RecordBreach(*engine, Spec("autumn", autumn)).ok());
  BOOST_TEST((Get("spring").authority_deadline == Paris(2027, 3, 29, 13)));
  BOOST_TEST((Get("autumn").authority_deadline == Paris(2027, 11, 2, 23)));

  // The overdue list turns at the exact hour.
  using V = std::vector<std::string>;
  BOOST_TEST(Overdue(Paris(2027, 3, 29, 13)).empty());
  BOOST_TEST(Overdue(Paris(2027, 3, 29, 13) + absl::Seconds(1)) == V{"spring"},
             boost::test_tools::per_element());
  BOOST_TEST(Overdue(Paris(2027, 11, 2, 23) + absl::Seconds(1)) == (V{"spring", "autumn"}),
             boost::test_tools::per_element());
  // 12:30 on 29 March is past three calendar days but within 72 hours: no reason needed.
  BOOST_TEST(Notify("spring", Paris(2027, 3, 29, 12, 30)).ok());
  // 23:30 on 2 November is within three calendar days but past 72 hours: a reason is needed.
  BOOST_TEST(CodeOf(Notify("autumn", Paris(2027, 11, 2, 23, 30)).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(Overdue(clock.Now()) == V{"autumn"}, boost::test_tools::per_element());
}

// Art. 34(1), 34(3)(a): persons are told of a high-risk breach unless the data were unintelligible.
BOOST_FIXTURE_TEST_CASE(person_notification_flag_and_the_unintelligible_exception, Service) {
  const absl::Time t = clock.Now();
  BOOST_REQUIRE(RecordBreach(*engine, Spec("high", t, BreachRisk::kHigh)).ok());
  BreachSpec sealed = Spec("sealed", t, BreachRisk::kHigh);
  sealed.unintelligible = true;
  BOOST_TEST(CodeOf(RecordBreach(*engine, sealed).status()) == "INVALID_ARGUMENT");
  sealed.unintelligible_reason = "sealed by the vault, keys not exposed";
  BOOST_REQUIRE(RecordBreach(*engine, sealed).ok());
  BOOST_REQUIRE(RecordBreach(*engine, Spec("plain", t, BreachRisk::kRisk)).ok());
  BreachSpec unlikely = Spec("unlikely", t, BreachRisk::kUnlikely);
  BOOST_TEST(CodeOf(RecordBreach(*engine, unlikely).status()) == "INVALID_ARGUMENT");
  unlikely.assessment = "an encrypted backup tape lost inside the locked server room";
  BOOST_REQUIRE(RecordBreach(*engine, unlikely).ok());

  BOOST_TEST(Get("high").person_notification_required);
  BOOST_TEST(!Get("sealed").person_notification_required);
  BOOST_TEST(Get("sealed").unintelligible_reason == "sealed by the vault, keys not exposed");
  BOOST_TEST(!Get("plain").person_notification_required);
  BOOST_TEST(Get("plain").authority_notification_required);
  BOOST_TEST(!Get("unlikely").authority_notification_required);
  // The unlikely breach is never overdue: it is not notified to the authority.
  BOOST_TEST(Overdue(t + absl::Hours(100)) == (std::vector<std::string>{"high", "sealed", "plain"}),
             boost::test_tools::per_element());
}

// Closing deletes nothing; it is refused while a required notification is missing.
BOOST_FIXTURE_TEST_CASE(a_closed_breach_is_still_in_the_register, Service) {
  const absl::Time t = clock.Now();
  BOOST_REQUIRE(RecordBreach(*engine, Spec("high", t, BreachRisk::kHigh)).ok());
  BreachSpec unlikely = Spec("unlikely", t, BreachRisk::kUnlikely);
  unlikely.assessment = "no personal data left the building";
  BOOST_REQUIRE(RecordBreach(*engine, unlikely).ok());
  clock.Advance(absl::Hours(2));
  BOOST_TEST(CodeOf(CloseBreach(*engine, "high", "dpo").status()) == "FAILED_PRECONDITION");
  BOOST_REQUIRE(Notify("high", clock.Now()).ok());
  BOOST_TEST(CodeOf(CloseBreach(*engine, "high", "dpo").status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(NotifyBreachPersons(*engine, "high", clock.Now(), "", "dpo").status()) ==
             "INVALID_ARGUMENT");
  BOOST_REQUIRE(NotifyBreachPersons(*engine, "high", clock.Now(), "letter", "dpo").ok());
  BOOST_REQUIRE(CloseBreach(*engine, "high", "dpo").ok());
  BOOST_REQUIRE(CloseBreach(*engine, "unlikely", "dpo").ok());  // never notified, still kept
  BOOST_TEST(CodeOf(CloseBreach(*engine, "high", "dpo").status()) == "FAILED_PRECONDITION");
  const std::vector<BreachInfo> all = BreachRegister(*engine->snapshot());
  BOOST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].breach == "high");
  BOOST_TEST((*all[0].closed_at == clock.Now()));
  BOOST_TEST(all[0].persons_notification_means == "letter");
  BOOST_TEST(all[1].breach == "unlikely");
  BOOST_TEST(all[1].closed_at.has_value());
  BOOST_TEST(!all[1].authority_notified_at.has_value());
  BOOST_TEST(absl::StrJoin(all[0].nature, ",") == "confidentiality,lost_laptop");
  BOOST_TEST(all[0].persons_concerned == 120u);
}

// Hostile input: each refused, the register unchanged, no id or text echoed.
BOOST_FIXTURE_TEST_CASE(hostile_breaches_are_refused, Service) {
  const absl::Time t = clock.Now();
  BOOST_REQUIRE(RecordBreach(*engine, Spec("b1", t)).ok());
  const uint64_t before = engine->revision();
  struct Case {
    const char* name;
    BreachSpec spec;
    const char* code;
  };
  std::vector<Case> cases;
  auto with = [&](const char* name, const char* code, auto change) {
    BreachSpec s = Spec("secret-breach-id", t);
    change(s);
    cases.push_back({name, s, code});
  };
  with("duplicate", "ALREADY_EXISTS", [](BreachSpec& s) { s.breach = "b1"; });
  with("empty id", "INVALID_ARGUMENT", [](BreachSpec& s) { s.breach = ""; });
  with("no nature", "INVALID_ARGUMENT", [](BreachSpec& s) { s.nature.clear(); });
  with("a name in the nature", "INVALID_ARGUMENT",
       [](BreachSpec& s) { s.nature = {"Jean Dupont"}; });
  with("too many words", "INVALID_ARGUMENT",
       [](BreachSpec& s) { s.nature = std::vector<std::string>(17, "word"); });
  with("bad risk", "INVALID_ARGUMENT", [](BreachSpec& s) { s.risk = static_cast<BreachRisk>(9); });
  with("aware in the future", "INVALID_ARGUMENT",
       [&](BreachSpec& s) { s.aware_at = t + absl::Hours(2); });
  with("no aware time", "INVALID_ARGUMENT",
       [](BreachSpec& s) { s.aware_at = absl::InfiniteFuture(); });
  with("reason without the exception", "INVALID_ARGUMENT",
       [](BreachSpec& s) { s.unintelligible_reason = "sealed"; });
  with("long assessment", "INVALID_ARGUMENT",
       [](BreachSpec& s) { s.assessment = std::string(5000, 'a'); });
  with("no recorder", "INVALID_ARGUMENT", [](BreachSpec& s) { s.recorded_by = ""; });
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      auto recorded = RecordBreach(*engine, c.spec);
      BOOST_TEST(CodeOf(recorded.status()) == c.code);
      BOOST_TEST(!absl::StrContains(recorded.status().message(), "secret-breach-id"));
      BOOST_TEST(!absl::StrContains(recorded.status().message(), "Jean"));
    }
  }
  BOOST_TEST(CodeOf(Notify("secret-breach-id", t).status()) == "NOT_FOUND");
  BOOST_TEST(CodeOf(CloseBreach(*engine, "secret-breach-id", "dpo").status()) == "NOT_FOUND");
  BOOST_TEST(engine->revision() == before);
  BOOST_TEST(BreachRegister(*engine->snapshot()).size() == 1u);
}

std::vector<std::string> Answers(const AccessEngine& engine) {
  std::vector<std::string> out;
  for (const BreachInfo& b : BreachRegister(*engine.snapshot())) {
    out.push_back(absl::StrCat(
        b.breach, " ", absl::FormatTime(b.aware_at), " ", absl::StrJoin(b.nature, ","), " ",
        BreachRiskName(b.risk), " ", b.assessment, " ", b.unintelligible, " ",
        b.unintelligible_reason, " ", b.persons_concerned, " ", b.records_concerned, " ",
        b.recorded_by, " ",
        b.authority_notified_at ? absl::FormatTime(*b.authority_notified_at) : "-", " ",
        b.delay_reason, " ", b.authority_reference, " ",
        b.persons_notified_at ? absl::FormatTime(*b.persons_notified_at) : "-", " ",
        b.persons_notification_means, " ", b.closed_at ? absl::FormatTime(*b.closed_at) : "-", " ",
        b.revision, " ", b.person_notification_required));
  }
  return out;
}

BOOST_FIXTURE_TEST_CASE(replay_and_snapshot_restore_give_the_same_register, Service) {
  const absl::Time t = clock.Now();
  BOOST_REQUIRE(RecordBreach(*engine, Spec("b1", t, BreachRisk::kHigh)).ok());
  BreachSpec sealed = Spec("b2", t, BreachRisk::kHigh);
  sealed.unintelligible = true;
  sealed.unintelligible_reason = "sealed by the vault, keys not exposed";
  BOOST_REQUIRE(RecordBreach(*engine, sealed).ok());
  clock.Advance(absl::Hours(80));
  BOOST_REQUIRE(
      NotifyBreachAuthority(*engine, "b1", clock.Now(), "late", "CNIL-2027-1", "dpo").ok());
  {
    std::unique_ptr<AccessEngine> replayed = Open();
    BOOST_TEST(Answers(*replayed) == Answers(*engine), boost::test_tools::per_element());
  }
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  BOOST_REQUIRE(NotifyBreachPersons(*engine, "b1", clock.Now(), "letter", "dpo").ok());
  BOOST_REQUIRE(CloseBreach(*engine, "b1", "dpo").ok());
  std::unique_ptr<AccessEngine> restored = Open();
  BOOST_TEST(restored->revision() == engine->revision());
  BOOST_TEST(Answers(*restored).size() == 2u);
  BOOST_TEST(Answers(*restored) == Answers(*engine), boost::test_tools::per_element());
  BOOST_TEST(CodeOf(CloseBreach(*restored, "b1", "dpo").status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(CloseBreach(*restored, "b2", "dpo").status()) == "FAILED_PRECONDITION");
  BOOST_TEST(NotifyBreachAuthority(*restored, "b2", clock.Now(), "late", "", "dpo").ok());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
