// Rights requests (REQ-09, REQ-10; socle/rights.hpp): the deadline table (end-of-month clamping,
// leap years, the receipt day in Europe/Paris), one extension notified in time, closing with no
// action, requests by representatives, the DPO's overdue and due-soon lists, hostile events, and
// the same register after a replay and after a snapshot restore.
#include "socle/rights.hpp"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "crypto/crypto.h"
#include "socle/access.hpp"
#include "socle/representation.hpp"
#include "socle/v1/events.pb.h"
#include "socle/v1/snapshot.pb.h"
#include "test_util.h"

namespace socle {
// For readable failures.
std::ostream& operator<<(std::ostream& out, RightsRequestStatus status) {
  return out << RightsRequestStatusName(status);
}
std::ostream& operator<<(std::ostream& out, RightsRequestKind kind) {
  return out << RightsRequestKindName(kind);
}
}  // namespace socle

namespace socle::access_testing {
namespace {

using absl::CivilDay;

// An instant given as a wall-clock time in Europe/Paris.
absl::Time Paris(int y, int m, int d, int hh = 12, int mm = 0) {
  absl::TimeZone zone;
  BOOST_REQUIRE(absl::LoadTimeZone("Europe/Paris", &zone));
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), zone);
}
absl::Time Utc(int y, int m, int d, int hh = 12, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), absl::UTCTimeZone());
}

// A service of record on a fake clock:
//   dpo (a manager of t1) records the requests; anna, bob: adults; ward under tuteur's
//   guardianship since 2020; adult2 under curateur's curatorship from 2020 to 30 June 2026.
struct Service {
  Service() {
    engine = Open();
    DirectoryData d;
    d.professionals = {{"dpo", "manager", {"t1"}}, {"sw1", "social_worker", {"t1"}}};
    d.persons = {{"anna", {"t1"}, "", "1980-01-01"},   {"bob", {"t1"}, "", "1970-05-05"},
                 {"ward", {"t1"}, "", "1950-06-01"},   {"tuteur", {}, "", "1970-01-01"},
                 {"adult2", {"t1"}, "", "1960-01-01"}, {"curateur", {}, "", "1965-01-01"}};
    BOOST_REQUIRE(engine->LoadDirectory(d).ok());
    BOOST_REQUIRE(
        SetRepresentative(*engine, {"ward", "tuteur", RepresentativeKind::kGuardianship,
                                    CivilDay(2020, 1, 1), std::nullopt, "jugement-1", "dpo"})
            .ok());
    BOOST_REQUIRE(SetRepresentative(
                      *engine, {"adult2", "curateur", RepresentativeKind::kCuratorship,
                                CivilDay(2020, 1, 1), CivilDay(2026, 6, 30), "jugement-2", "dpo"})
                      .ok());
  }

  std::unique_ptr<AccessEngine> Open() {
    AccessEngine::Options options;
    options.clock = &clock;
    auto opened = AccessEngine::Open(LoadPolicy(WorkloadPolicyText()), record, options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().message());
    return *std::move(opened);
  }

  absl::StatusOr<uint64_t> Receive(const std::string& id, absl::Time received,
                                   const std::string& person = "anna",
                                   const std::string& requester = "",
                                   RightsRequestKind kind = RightsRequestKind::kAccess) {
    RightsRequestSpec spec;
    spec.request = id;
    spec.kind = kind;
    spec.person = person;
    spec.requester = requester;
    spec.received_at = received;
    spec.channel = ConsentChannel::kPaper;
    spec.recorded_by = "dpo";
    return RecordRightsRequest(*engine, spec);
  }
  RightsRequestInfo Get(const std::string& id, CivilDay day = CivilDay(2027, 1, 1)) {
    auto info = GetRightsRequest(*engine->snapshot(), id, day);
    BOOST_REQUIRE_MESSAGE(info.ok(), info.status().message());
    return *info;
  }
  absl::StatusOr<uint64_t> Extend(const std::string& id, absl::Time notified, uint32_t months = 2,
                                  const std::string& justification = "complex request") {
    return ExtendRightsRequest(*engine, id, justification, notified, months, "dpo");
  }
  std::vector<std::string> Ids(const std::vector<RightsRequestInfo>& list) {
    std::vector<std::string> out;
    for (const RightsRequestInfo& r : list)
      out.push_back(absl::StrCat(r.request, ":", r.days_left));
    return out;
  }

  FakeClock clock{Utc(2026, 12, 1)};
  std::shared_ptr<MemoryEngineRecord> record = std::make_shared<MemoryEngineRecord>();
  std::unique_ptr<AccessEngine> engine;
};

BOOST_AUTO_TEST_SUITE(rights)

// REQ-10: receipt + 1 calendar month, a day the month lacks becoming its last; the receipt day
// is the day in Europe/Paris.
BOOST_FIXTURE_TEST_CASE(deadline_table, Service) {
  clock.Set(Utc(2030, 1, 1));
  struct Row {
    const char* id;
    absl::Time received;
    CivilDay received_day;
    CivilDay deadline;
  };
  const Row rows[] = {
      {"jan31", Paris(2027, 1, 31), CivilDay(2027, 1, 31), CivilDay(2027, 2, 28)},
      {"jan31-leap", Paris(2028, 1, 31), CivilDay(2028, 1, 31), CivilDay(2028, 2, 29)},
      {"jan30-leap", Paris(2028, 1, 30), CivilDay(2028, 1, 30), CivilDay(2028, 2, 29)},
      {"jan29-common", Paris(2027, 1, 29), CivilDay(2027, 1, 29), CivilDay(2027, 2, 28)},
      {"mar31", Paris(2027, 3, 31), CivilDay(2027, 3, 31), CivilDay(2027, 4, 30)},
      {"feb29", Paris(2028, 2, 29), CivilDay(2028, 2, 29), CivilDay(2028, 3, 29)},
      {"feb28", Paris(2027, 2, 28), CivilDay(2027, 2, 28), CivilDay(2027, 3, 28)},
      {"aug31", Paris(2027, 8, 31), CivilDay(2027, 8, 31), CivilDay(2027, 9, 30)},
      {"dec15", Paris(2027, 12, 15), CivilDay(2027, 12, 15), CivilDay(2028, 1, 15)},
      // 23:30 UTC on 31 December is 00:30 on 1 January in Paris (UTC+1 in winter).
      {"newyear", Utc(2027, 12, 31, 23, 30), CivilDay(2028, 1, 1), CivilDay(2028, 2, 1)},
      {"newyear-eve", Utc(2027, 12, 31, 22, 59), CivilDay(2027, 12, 31), CivilDay(2028, 1, 31)},
      // Summer time (UTC+2): 22:00 UTC on 15 July is already 16 July in Paris.
      {"summer", Utc(2027, 7, 15, 22, 0), CivilDay(2027, 7, 16), CivilDay(2027, 8, 16)},
      {"summer-eve", Utc(2027, 7, 15, 21, 59), CivilDay(2027, 7, 15), CivilDay(2027, 8, 15)},
  };
  for (const Row& row : rows) {
    BOOST_REQUIRE_MESSAGE(Receive(row.id, row.received).ok(), row.id);
    const RightsRequestInfo info = Get(row.id);
    BOOST_TEST_CONTEXT(row.id) {
      BOOST_TEST(info.received_day == row.received_day);
      BOOST_TEST(info.first_deadline == row.deadline);
      BOOST_TEST(info.deadline == row.deadline);
      BOOST_TEST(info.extension_months == 0u);
    }
  }
  BOOST_TEST(RightsDayOf(Utc(2027, 12, 31, 23, 30)) == CivilDay(2028, 1, 1));
}

// Art. 12(3): extended by two further months counted from the first deadline, once, notified and
// recorded on or before the first deadline.
BOOST_FIXTURE_TEST_CASE(one_extension_notified_in_time, Service) {
  clock.Set(Paris(2027, 1, 31, 10));
  BOOST_REQUIRE(Receive("r1", clock.Now()).ok());
  BOOST_REQUIRE(Receive("r2", clock.Now()).ok());
  BOOST_REQUIRE(Receive("r3", clock.Now()).ok());
  BOOST_REQUIRE(Receive("r4", clock.Now()).ok());

  // The last minute of the first deadline's day in Paris.
  clock.Set(Paris(2027, 2, 28, 23, 59));
  BOOST_TEST(CodeOf(Extend("r1", clock.Now(), 2, "").status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Extend("r1", clock.Now(), 3).status()) == "OUT_OF_RANGE");
  BOOST_TEST(CodeOf(Extend("r1", clock.Now() + absl::Hours(1)).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Extend("r1", Paris(2027, 1, 30)).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(Get("r1").extension_months == 0u);
  BOOST_REQUIRE(Extend("r1", clock.Now()).ok());
  RightsRequestInfo r1 = Get("r1");
  BOOST_TEST(r1.first_deadline == CivilDay(2027, 2, 28));
  BOOST_TEST(r1.deadline == CivilDay(2027, 4, 28));  // 28 February + 2 months
  BOOST_TEST(r1.extension_months == 2u);
  BOOST_TEST(r1.justification == "complex request");
  BOOST_TEST((r1.extension_notified_at == clock.Now()));
  BOOST_REQUIRE(Extend("r3", Paris(2027, 2, 20), 1).ok());
  BOOST_TEST(Get("r3").deadline == CivilDay(2027, 3, 28));

  // A second extension is refused, even within the first deadline.
  const uint64_t before = engine->revision();
  BOOST_TEST(CodeOf(Extend("r1", clock.Now()).status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(Extend("r3", clock.Now(), 1).status()) == "FAILED_PRECONDITION");
  BOOST_TEST(engine->revision() == before);

  // One minute later it is 1 March in Paris: an extension notified now is too late...
  clock.Set(Paris(2027, 3, 1, 0, 0));
  auto late = Extend("r2", clock.Now());
  BOOST_TEST(CodeOf(late.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StartsWith(late.status().message(), "extension_too_late:"));
  // ...and so is one recorded now though said to have been notified in time.
  auto backdated = Extend("r4", Paris(2027, 2, 27));
  BOOST_TEST(absl::StartsWith(backdated.status().message(), "extension_too_late:"));
  BOOST_TEST(Get("r2").deadline == CivilDay(2027, 2, 28));
  BOOST_TEST(Get("r4").extension_months == 0u);
  BOOST_TEST(engine->revision() == before);
}

// Art. 12(4): no action only with reasons and the complaint information.
BOOST_FIXTURE_TEST_CASE(closing_with_no_action_needs_reasons_and_complaint_information, Service) {
  BOOST_REQUIRE(Receive("r1", clock.Now()).ok());
  BOOST_REQUIRE(Receive("r2", clock.Now()).ok());
  const uint64_t before = engine->revision();
  const std::string cnil = "told of the right to complain to the CNIL and to seek a remedy";
  BOOST_TEST(CodeOf(CloseRightsRequest(*engine, "r1", true, "", "", "dpo").status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(
      CodeOf(CloseRightsRequest(*engine, "r1", true, "manifestly unfounded", "", "dpo").status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(CloseRightsRequest(*engine, "r1", true, "", cnil, "dpo").status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(engine->revision() == before);
  BOOST_TEST(Get("r1").status == RightsRequestStatus::kOpen);

  clock.Advance(absl::Hours(24 * 3));
  BOOST_REQUIRE(CloseRightsRequest(*engine, "r1", true, "manifestly unfounded", cnil, "dpo").ok());
  const RightsRequestInfo r1 = Get("r1");
  BOOST_TEST(r1.status == RightsRequestStatus::kNoAction);
  BOOST_TEST(r1.reasons == "manifestly unfounded");
  BOOST_TEST(r1.complaint_information == cnil);
  BOOST_TEST((r1.closed_at == clock.Now()));
  BOOST_TEST(r1.days_left == 28);  // closed on 4 December, due on 1 January
  BOOST_TEST(CodeOf(CloseRightsRequest(*engine, "r1", false, "", "", "dpo").status()) ==
             "FAILED_PRECONDITION");
  // Answered needs nothing more; a withdrawn request cannot be closed.
  BOOST_REQUIRE(CloseRightsRequest(*engine, "r2", false, "", "", "dpo").ok());
  BOOST_TEST(Get("r2").status == RightsRequestStatus::kAnswered);
  BOOST_REQUIRE(Receive("r3", clock.Now()).ok());
  BOOST_TEST(CodeOf(WithdrawRightsRequest(*engine, "r3", "bob", "dpo").status()) ==
             "PERMISSION_DENIED");
  BOOST_REQUIRE(WithdrawRightsRequest(*engine, "r3", "anna", "dpo").ok());
  BOOST_TEST(Get("r3").status == RightsRequestStatus::kWithdrawn);
  BOOST_TEST(CodeOf(CloseRightsRequest(*engine, "r3", false, "", "", "dpo").status()) ==
             "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(CloseRightsRequest(*engine, "nope", false, "", "", "dpo").status()) ==
             "NOT_FOUND");
}

// REQ-09: a request by an expired curateur is refused; by the current tuteur, accepted and
// attributed to him, in the register and in the engine's record.
BOOST_FIXTURE_TEST_CASE(req09_requests_by_representatives, Service) {
  const uint64_t before = engine->revision();
  auto expired = Receive("c1", clock.Now(), "adult2", "curateur");
  BOOST_TEST(CodeOf(expired.status()) == "PERMISSION_DENIED");
  BOOST_TEST(absl::StrContains(expired.status().message(), "REQ-09"));
  BOOST_TEST(!absl::StrContains(expired.status().message(), "curateur"));
  // Received while the curatorship was in force: accepted.
  BOOST_REQUIRE(Receive("c2", Paris(2026, 6, 30, 18), "adult2", "curateur").ok());
  BOOST_TEST(CodeOf(Receive("b1", clock.Now(), "anna", "bob").status()) == "PERMISSION_DENIED");
  BOOST_TEST(CodeOf(Receive("u1", clock.Now(), "anna", "nobody").status()) == "NOT_FOUND");
  BOOST_TEST(engine->revision() == before + 1);

  BOOST_REQUIRE(Receive("t1", clock.Now(), "ward", "tuteur", RightsRequestKind::kErasure).ok());
  const RightsRequestInfo t1 = Get("t1");
  BOOST_TEST(t1.person == "ward");
  BOOST_TEST(t1.requester == "tuteur");
  BOOST_TEST((t1.requester_kind == RepresentativeKind::kGuardianship));
  BOOST_TEST(t1.kind == RightsRequestKind::kErasure);
  BOOST_TEST(t1.recorded_by == "dpo");
  BOOST_TEST(Get("c2").requester_kind.has_value());
  // The person's own request names no representative.
  BOOST_REQUIRE(Receive("a1", clock.Now(), "anna", "anna").ok());
  BOOST_TEST(Get("a1").requester == "anna");
  BOOST_TEST(!Get("a1").requester_kind.has_value());

  int found = 0;
  BOOST_REQUIRE(record
                    ->ReadEvents(1,
                                 [&](uint64_t, absl::string_view bytes) {
                                   v1::StateEvent e;
                                   BOOST_REQUIRE(e.ParseFromArray(bytes.data(),
                                                                  static_cast<int>(bytes.size())));
                                   if (e.has_rights_request_received() &&
                                       e.rights_request_received().request() == "t1") {
                                     ++found;
                                     BOOST_TEST(e.rights_request_received().requester() ==
                                                "tuteur");
                                     BOOST_TEST(e.recorded_by() == "dpo");
                                   }
                                   return absl::OkStatus();
                                 })
                    .ok());
  BOOST_TEST(found == 1);
}

// The DPO's lists on given days, and the person's open requests.
BOOST_FIXTURE_TEST_CASE(overdue_and_due_soon_lists, Service) {
  clock.Set(Utc(2027, 6, 1));
  BOOST_REQUIRE(Receive("a", Paris(2027, 3, 10)).ok());         // due 10 April
  BOOST_REQUIRE(Receive("b", Paris(2027, 3, 31), "bob").ok());  // due 30 April
  BOOST_REQUIRE(Receive("c", Paris(2027, 4, 20)).ok());         // due 20 May
  BOOST_REQUIRE(Receive("d", Paris(2027, 5, 2), "bob").ok());   // due 2 June
  BOOST_REQUIRE(Receive("e", Paris(2027, 5, 9)).ok());          // due 9 June
  BOOST_REQUIRE(Receive("closed", Paris(2027, 3, 1)).ok());     // due 1 April, answered
  BOOST_REQUIRE(CloseRightsRequest(*engine, "closed", false, "", "", "dpo").ok());
  const auto snapshot = engine->snapshot();

  using V = std::vector<std::string>;
  // On 30 April: a is 20 days late; b is due that very day (not overdue).
  BOOST_TEST(Ids(OverdueRightsRequests(*snapshot, CivilDay(2027, 4, 30))) == V{"a:-20"},
             boost::test_tools::per_element());
  BOOST_TEST(Ids(OverdueRightsRequests(*snapshot, CivilDay(2027, 5, 1))) == (V{"a:-21", "b:-1"}),
             boost::test_tools::per_element());
  BOOST_TEST(Ids(OverdueRightsRequests(*snapshot, CivilDay(2027, 6, 10))) ==
                 (V{"a:-61", "b:-41", "c:-21", "d:-8", "e:-1"}),
             boost::test_tools::per_element());
  BOOST_TEST(OverdueRightsRequests(*snapshot, CivilDay(2027, 4, 10)).empty());
  // Due within 7 days of 30 April: b (today, 0 left); of 26 May: d (7 left), not e (14).
  BOOST_TEST(Ids(RightsRequestsDueWithin(*snapshot, CivilDay(2027, 4, 30), 7)) == V{"b:0"},
             boost::test_tools::per_element());
  BOOST_TEST(Ids(RightsRequestsDueWithin(*snapshot, CivilDay(2027, 5, 26), 7)) == V{"d:7"},
             boost::test_tools::per_element());
  BOOST_TEST(
      Ids(RightsRequestsDueWithin(*snapshot, CivilDay(2027, 5, 26), 14)) == (V{"d:7", "e:14"}),
      boost::test_tools::per_element());
  BOOST_TEST(Ids(RightsRequestsDueWithin(*snapshot, CivilDay(2027, 4, 1), 0)).empty());

  auto anna = OpenRightsRequests(*snapshot, "anna", CivilDay(2027, 5, 1));
  BOOST_REQUIRE(anna.ok());
  BOOST_TEST(Ids(*anna) == (V{"a:-21", "c:19", "e:39"}), boost::test_tools::per_element());
  BOOST_TEST(CodeOf(OpenRightsRequests(*snapshot, "nobody", CivilDay(2027, 5, 1)).status()) ==
             "NOT_FOUND");
  BOOST_TEST(RightsRegister(*snapshot, CivilDay(2027, 5, 1)).size() == 6u);
}

// Hostile events, applied raw: each refused, the state unchanged, no id or text echoed.
BOOST_FIXTURE_TEST_CASE(hostile_events_are_refused, Service) {
  BOOST_REQUIRE(Receive("r1", clock.Now()).ok());
  auto base = [&] {
    v1::StateEvent e;
    e.set_format_version(1);
    e.set_recorded_by("dpo");
    e.mutable_at()->set_seconds(absl::ToUnixSeconds(clock.Now()));
    v1::RightsRequestReceived* r = e.mutable_rights_request_received();
    r->set_request("secret-request-id");
    r->set_kind(v1::RIGHT_ACCESS);
    r->set_person("anna");
    r->mutable_received_at()->set_seconds(absl::ToUnixSeconds(clock.Now()));
    return e;
  };
  struct Case {
    const char* name;
    v1::StateEvent event;
    const char* code;
  };
  std::vector<Case> cases;
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->set_kind(static_cast<v1::RightsRequestKind>(99));
    cases.push_back({"unknown kind", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->set_kind(v1::RIGHTS_REQUEST_KIND_UNSPECIFIED);
    cases.push_back({"no kind", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->set_request("r1");
    cases.push_back({"duplicate id", e, "ALREADY_EXISTS"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->set_request("");
    cases.push_back({"empty id", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->set_request(std::string(300, 'x'));
    cases.push_back({"long id", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->mutable_received_at()->set_seconds(
        absl::ToUnixSeconds(clock.Now()) + 3600);
    cases.push_back({"received in the future", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->clear_received_at();
    cases.push_back({"no receipt time", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->mutable_received_at()->set_nanos(-1);
    cases.push_back({"bad receipt time", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->set_channel(static_cast<v1::Channel>(42));
    cases.push_back({"bad channel", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_received()->set_person("nobody");
    cases.push_back({"unknown person", e, "NOT_FOUND"});
  }
  {
    v1::StateEvent e = base();
    e.clear_recorded_by();
    cases.push_back({"no recorder", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    v1::RightsRequestExtended* x = e.mutable_rights_request_extended();
    x->set_request("r1");
    x->set_justification(std::string(5000, 'j'));
    x->mutable_notified_at()->set_seconds(absl::ToUnixSeconds(clock.Now()));
    cases.push_back({"long justification", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    v1::RightsRequestClosed* x = e.mutable_rights_request_closed();
    x->set_request("r1");
    x->set_outcome(static_cast<v1::RightsRequestClosed::Outcome>(7));
    cases.push_back({"bad outcome", e, "INVALID_ARGUMENT"});
  }
  {
    v1::StateEvent e = base();
    e.mutable_rights_request_withdrawn()->set_request("secret-request-id");
    cases.push_back({"withdraw unknown", e, "NOT_FOUND"});
  }
  const uint64_t before = engine->revision();
  const auto register_before = RightsRegister(*engine->snapshot(), CivilDay(2027, 1, 1));
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      auto applied = engine->ApplyEvent(c.event.SerializeAsString());
      BOOST_TEST(CodeOf(applied.status()) == c.code);
      BOOST_TEST(!absl::StrContains(applied.status().message(), "secret-request-id"));
      BOOST_TEST(!absl::StrContains(applied.status().message(), "anna"));
    }
  }
  BOOST_TEST(engine->revision() == before);
  BOOST_TEST(RightsRegister(*engine->snapshot(), CivilDay(2027, 1, 1)).size() ==
             register_before.size());
  BOOST_TEST(CodeOf(GetRightsRequest(*engine->snapshot(), "secret-request-id", CivilDay(2027, 1, 1))
                        .status()) == "NOT_FOUND");
}

std::vector<std::string> Answers(const AccessEngine& engine) {
  std::vector<std::string> out;
  for (const RightsRequestInfo& r : RightsRegister(*engine.snapshot(), CivilDay(2027, 3, 1))) {
    out.push_back(absl::StrCat(
        r.request, " ", RightsRequestKindName(r.kind), " ", r.person, " ", r.requester, " ",
        r.requester_kind ? RepresentativeKindName(*r.requester_kind) : "-", " ",
        absl::FormatCivilTime(r.received_day), " ", absl::FormatCivilTime(r.deadline), " ",
        r.extension_months, " ", RightsRequestStatusName(r.status), " ", r.days_left, " ",
        r.reasons, " ", r.complaint_information, " ", r.justification, " ", r.revision, " ",
        r.recorded_by, " ", static_cast<int>(r.channel)));
  }
  return out;
}

BOOST_FIXTURE_TEST_CASE(replay_and_snapshot_restore_give_the_same_register, Service) {
  clock.Set(Paris(2027, 1, 31, 10));
  BOOST_REQUIRE(Receive("r1", clock.Now()).ok());
  BOOST_REQUIRE(Receive("r2", Utc(2026, 12, 31, 23, 30), "ward", "tuteur").ok());
  BOOST_REQUIRE(Receive("r3", clock.Now(), "bob", "", RightsRequestKind::kPortability).ok());
  clock.Advance(absl::Hours(48));
  BOOST_REQUIRE(Extend("r1", clock.Now()).ok());
  BOOST_REQUIRE(CloseRightsRequest(*engine, "r2", true, "why", "cnil", "dpo").ok());
  {
    std::unique_ptr<AccessEngine> replayed = Open();
    BOOST_TEST(replayed->revision() == engine->revision());
    BOOST_TEST(Answers(*replayed) == Answers(*engine), boost::test_tools::per_element());
  }
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  BOOST_REQUIRE(Receive("r4", clock.Now(), "adult2").ok());
  BOOST_REQUIRE(WithdrawRightsRequest(*engine, "r3", "", "dpo").ok());
  std::unique_ptr<AccessEngine> restored = Open();
  BOOST_TEST(restored->revision() == engine->revision());
  const std::vector<std::string> expected = Answers(*engine);
  BOOST_TEST(expected.size() == 4u);
  BOOST_TEST(Answers(*restored) == expected, boost::test_tools::per_element());
  // The restored engine folds on as the first would.
  BOOST_TEST(CodeOf(Extend("r1", clock.Now()).status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(RecordRightsRequest(*restored, {"r1", RightsRequestKind::kAccess, "anna", "",
                                                    clock.Now(), ConsentChannel::kPaper, "dpo"})
                        .status()) == "ALREADY_EXISTS");
  BOOST_TEST(CodeOf(ExtendRightsRequest(*restored, "r1", "x", clock.Now(), 1, "dpo").status()) ==
             "FAILED_PRECONDITION");
  BOOST_TEST(ExtendRightsRequest(*restored, "r4", "x", clock.Now(), 1, "dpo").ok());
}

// A snapshot whose register the builder could never have folded is DATA_LOSS.
BOOST_FIXTURE_TEST_CASE(a_snapshot_with_an_impossible_request_is_refused, Service) {
  BOOST_REQUIRE(Receive("r1", clock.Now()).ok());
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  const uint64_t revision = engine->revision();
  v1::EngineSnapshot envelope;
  BOOST_REQUIRE(envelope.ParseFromString(**record->LatestSnapshot()));
  v1::EngineState state;
  BOOST_REQUIRE(state.ParseFromString(envelope.state()));
  BOOST_REQUIRE(state.rights_requests_size() == 1);
  auto open_with = [&](auto change) {
    v1::EngineState st = state;
    change(*st.mutable_rights_requests(0), st);
    v1::EngineSnapshot e = envelope;
    st.SerializeToString(e.mutable_state());
    const crypto::Hash256 hash = crypto::Sha256(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(e.state().data()), e.state().size()));
    e.set_state_sha256(std::string(hash.begin(), hash.end()));
    BOOST_REQUIRE(record->SaveSnapshot(revision, e.SerializeAsString()).ok());
    AccessEngine::Options options;
    options.clock = &clock;
    return CodeOf(AccessEngine::Open(LoadPolicy(WorkloadPolicyText()), record, options).status());
  };
  using R = v1::SnapshotRightsRequest;
  using S = v1::EngineState;
  BOOST_TEST(open_with([](R& r, S&) { r.set_kind(9); }) == "DATA_LOSS");
  BOOST_TEST(open_with([](R& r, S&) { r.set_person(100000); }) == "DATA_LOSS");
  BOOST_TEST(open_with([](R& r, S&) { r.set_extension_months(3); }) == "DATA_LOSS");
  BOOST_TEST(open_with([](R& r, S&) { r.set_state(1); }) == "DATA_LOSS");  // closed, no time
  BOOST_TEST(open_with([](R& r, S& s) { *s.add_rights_requests() = r; }) == "DATA_LOSS");
  BOOST_TEST(open_with([](R&, S&) {}) == "OK");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
