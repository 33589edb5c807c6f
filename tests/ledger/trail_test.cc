// The access trail (socle/trail.hpp): every decision recorded with all its fields, one entry per
// file of a list screen, the person's history with proofs and nothing about anyone else, the
// SECURITY_AUDITOR gate, the read itself recorded, crypto-shredding failing closed. On SQLite, and
// on PostgreSQL in tests/pg (ledger_backend.h).
#include "socle/trail.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

#include "../access/test_util.h"
#include "absl/strings/str_cat.h"
#include "ledger/merkle.h"
#include "ledger_fixture.h"
#include "socle/error.hpp"
#include "socle/v1/ledger.pb.h"

namespace socle::ledger_testing {
namespace {

using access_testing::Scenario;

constexpr char kAuditorRole[] = R"pb(
  roles {
    id: "security_auditor"
    label: "Auditeur de sécurité"
    secrecy: SECRECY_NONE
    capabilities: [ SECURITY_AUDITOR ]
  }
)pb";

LedgerOptions WithClock(const Clock& clock) {
  LedgerOptions options = LedgerFixture::Options();
  options.clock = &clock;
  return options;
}

struct TrailFixture : LedgerFixture {
  Scenario scenario{access_testing::PolicyVariant({}, kAuditorRole)};
  std::shared_ptr<Ledger> ledger = Open(WithClock(scenario.clock()));
  std::unique_ptr<AccessTrail> trail;

  TrailFixture() {
    auto added = scenario.engine().UpsertProfessional(
        {"aud1", "security_auditor", {}, "DSI du département"});
    BOOST_REQUIRE_MESSAGE(added.ok(), added.status().ToString());
    auto created = AccessTrail::Create(ledger, scenario.engine());
    BOOST_REQUIRE(created.ok());
    trail = std::move(*created);
  }

  Decision Decide(absl::string_view actor, absl::string_view person, absl::string_view category,
                  Action action = Action::kRead) {
    auto decision = trail->Decide(scenario.Request(actor, person, category, action));
    BOOST_REQUIRE_MESSAGE(decision.ok(), decision.status().ToString());
    return *decision;
  }

  PersonHistory History(absl::string_view person, absl::string_view reader = "aud1") {
    HistoryQuery query;
    query.person = std::string(person);
    query.reader = std::string(reader);
    auto history = trail->History(query);
    BOOST_REQUIRE_MESSAGE(history.ok(), history.status().ToString());
    return *history;
  }
};

std::vector<const HistoryEntry*> Decisions(const PersonHistory& h) {
  std::vector<const HistoryEntry*> out;
  for (const auto& e : h.entries) {
    if (e.type == LedgerEntryType::kAccessDecision) out.push_back(&e);
  }
  return out;
}

BOOST_AUTO_TEST_SUITE(access_trail)

BOOST_FIXTURE_TEST_CASE(every_decision_is_recorded_with_all_its_fields, TrailFixture) {
  const Decision allowed = Decide("sw1", "x1", "social");
  const Decision denied = Decide("sec1", "x1", "social");  // the secretary has no social access
  BOOST_TEST(allowed.allowed());
  BOOST_TEST(!denied.allowed());
  const PersonHistory h = History("x1");
  const auto decisions = Decisions(h);
  BOOST_REQUIRE(decisions.size() == 2u);
  const HistoryEntry& a = *decisions[0];
  BOOST_TEST(a.readable);
  BOOST_TEST(a.actor == "sw1");
  BOOST_TEST(a.role == "social_worker");
  BOOST_TEST((a.action == Action::kRead));
  BOOST_TEST(a.category == "social");
  BOOST_TEST(a.purpose == "accompagnement");
  BOOST_TEST(a.allowed);
  BOOST_TEST(a.reason == "allowed");
  BOOST_TEST(!a.rule.empty());
  BOOST_TEST(a.revision == allowed.revision);
  BOOST_TEST(!a.break_glass);
  const HistoryEntry& d = *decisions[1];
  BOOST_TEST(d.actor == "sec1");
  BOOST_TEST(!d.allowed);
  BOOST_TEST(d.reason == std::string(Name(denied.reason)));
  CheckProofs(h);
}

BOOST_FIXTURE_TEST_CASE(a_list_screen_of_n_files_gives_n_entries, TrailFixture) {
  std::vector<AccessRequest> requests;
  for (const char* person : {"x1", "x2", "x3"}) {
    requests.push_back(scenario.Request("sw1", person, "administrative"));
  }
  std::vector<Decision> out(requests.size());
  BOOST_REQUIRE(trail->DecideMany(requests, absl::MakeSpan(out)).ok());
  for (const char* person : {"x1", "x2", "x3"}) {
    BOOST_TEST(Decisions(History(person)).size() == 1u, person);
  }
}

BOOST_FIXTURE_TEST_CASE(the_history_holds_exactly_the_persons_operations, TrailFixture) {
  // N known operations by 3 users on x1, interleaved with operations on x2 and x3.
  int on_x1 = 0;
  for (int round = 0; round < 5; ++round) {
    for (const char* actor : {"sw1", "sw2", "sec1"}) {
      Decide(actor, "x1", "administrative");
      ++on_x1;
      Decide(actor, "x2", "administrative");
      Decide(actor, "x3", "social", Action::kWrite);
    }
  }
  const PersonHistory h = History("x1");
  const auto decisions = Decisions(h);
  BOOST_TEST(decisions.size() == static_cast<size_t>(on_x1));
  std::set<std::string> actors;
  for (const auto* e : decisions) {
    actors.insert(e->actor);
    BOOST_TEST(e->category == "administrative");  // never x3's social writes
  }
  BOOST_TEST(actors == (std::set<std::string>{"sw1", "sw2", "sec1"}),
             boost::test_tools::per_element());
  CheckProofs(h);
}

BOOST_FIXTURE_TEST_CASE(reading_needs_the_auditor_capability_and_is_recorded, TrailFixture) {
  Decide("sw1", "x1", "social");
  HistoryQuery query;
  query.person = "x1";
  query.reader = "sw1";  // a social worker: not an auditor
  const auto refused = trail->History(query);
  BOOST_TEST(CodeName(refused.status()) == "PERMISSION_DENIED");
  query.reader = "nobody";
  BOOST_TEST(CodeName(trail->History(query).status()) == "PERMISSION_DENIED");
  // The person reads their own history; then the auditor sees both reads and the refusals.
  query.reader.clear();
  query.reader_is_person = true;
  BOOST_REQUIRE(trail->History(query).ok());
  const PersonHistory h = History("x1");
  std::vector<std::string> details;
  for (const auto& e : h.entries) {
    if (e.operation == "trail_read") details.push_back(e.detail);
  }
  const std::vector<std::string> expected = {"history read refused", "history read refused",
                                             "history read by the person",
                                             "history read by an auditor"};
  BOOST_TEST(details == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(pages_and_time_ranges, TrailFixture) {
  for (int i = 0; i < 25; ++i) {
    Decide("sw1", "x1", "social");
    scenario.clock().Advance(absl::Minutes(1));
  }
  HistoryQuery query;
  query.person = "x1";
  query.reader = "aud1";
  query.limit = 10;
  std::vector<uint64_t> seen;
  for (;;) {
    auto page = trail->History(query);
    BOOST_REQUIRE(page.ok());
    for (const auto& e : page->entries) {
      if (e.type == LedgerEntryType::kAccessDecision) seen.push_back(e.index);
    }
    CheckProofs(*page);
    if (page->next_after < 0) break;
    query.after = page->next_after;
  }
  BOOST_TEST(seen.size() == 25u);
  // A time range: the decisions of minutes 5 to 9.
  HistoryQuery range;
  range.person = "x1";
  range.reader = "aud1";
  range.from = absl::FromUnixSeconds(Scenario::kStart) + absl::Minutes(5);
  range.to = absl::FromUnixSeconds(Scenario::kStart) + absl::Minutes(10);
  auto h = trail->History(range);
  BOOST_REQUIRE(h.ok());
  BOOST_TEST(Decisions(*h).size() == 5u);
}

BOOST_FIXTURE_TEST_CASE(shredding_fails_closed_and_keeps_proofs, TrailFixture) {
  Decide("sw1", "x1", "social");
  Decide("sw2", "x1", "administrative");
  BOOST_REQUIRE(trail->ShredPerson("dpo", "x1").ok());
  BOOST_TEST(CodeName(trail->ShredPerson("dpo", "x1")) == "NOT_FOUND");  // recorded, refused
  // A decision about x1 can no longer be recorded: it is refused, not shown.
  const auto after = trail->Decide(scenario.Request("sw1", "x1", "social"));
  BOOST_TEST(CodeName(after.status()) == "FAILED_PRECONDITION");
  // The history's decisions are unreadable, the shredding records readable, every proof holds.
  const PersonHistory h = History("x1");
  std::vector<std::string> readable;
  size_t unreadable = 0;
  for (const auto& e : h.entries) {
    if (e.readable) {
      readable.push_back(e.operation);
    } else {
      ++unreadable;
    }
  }
  BOOST_TEST(unreadable == 2u);
  const std::vector<std::string> expected = {"crypto_shredding", "crypto_shredding", "trail_read"};
  BOOST_TEST(readable == expected, boost::test_tools::per_element());
  CheckProofs(h);
  BOOST_TEST(ledger->Verify()->ok);
}

// ShredPersons: every person of the batch recorded (one crypto_shredding operation each, in
// clear) before the keys go; the answers per person; bad input records nothing.
BOOST_FIXTURE_TEST_CASE(a_batch_shred_records_each_person_then_shreds, TrailFixture) {
  Decide("sw1", "x1", "social");
  Decide("sw1", "x2", "social");
  const uint64_t size = *ledger->Size();
  const std::vector<std::string> empty_one = {"x1", ""};
  const auto refused = trail->ShredPersons("dpo", empty_one);
  BOOST_TEST(CodeName(refused.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(refused.status().message(), "persons[1]"));
  BOOST_TEST(CodeName(trail->ShredPersons("", {"x1"}).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(*ledger->Size() == size);

  const std::vector<std::string> batch = {"x1", "x2", "nobody-sealed"};
  const auto shredded = trail->ShredPersons("dpo", batch);
  BOOST_REQUIRE(shredded.ok());
  BOOST_REQUIRE_EQUAL(shredded->size(), 3u);
  BOOST_TEST((*shredded)[0].ok());
  BOOST_TEST((*shredded)[1].ok());
  BOOST_TEST(CodeName((*shredded)[2]) == "NOT_FOUND");
  BOOST_TEST(*ledger->Size() == size + 3);
  for (const char* person : {"x1", "x2"}) {
    const auto after = trail->Decide(scenario.Request("sw1", person, "social"));
    BOOST_TEST(CodeName(after.status()) == "FAILED_PRECONDITION");
    const PersonHistory h = History(person);
    std::vector<std::string> readable;
    for (const auto& e : h.entries) {
      if (e.readable) readable.push_back(e.operation);
    }
    const std::vector<std::string> expected = {"crypto_shredding", "trail_read"};
    BOOST_TEST(readable == expected, boost::test_tools::per_element());
    CheckProofs(h);
  }
  BOOST_TEST(ledger->Verify()->ok);
}

BOOST_FIXTURE_TEST_CASE(rotation_and_reversal_are_recorded, TrailFixture) {
  auto rotated = trail->RotateMasterKey("dpo", false);
  BOOST_REQUIRE_MESSAGE(rotated.ok(), rotated.status().ToString());
  ReversalHook hook = trail->ReversalRecorder();
  ReversalEvent event;
  event.actor = "sw1";
  event.role = "social_worker";
  event.reason = "court_order";
  event.domain = "stats";
  event.outcome = ErrorCode::kPermissionDenied;
  BOOST_REQUIRE(hook(event).ok());
  auto entries = ledger->ReadEntries(0, 100);
  BOOST_REQUIRE(entries.ok());
  std::vector<std::string> ops;
  for (const auto& stored : *entries) {
    v1::LedgerEntry e;
    BOOST_REQUIRE(e.ParseFromString(stored.bytes));
    v1::OperationRecord op;
    BOOST_REQUIRE(op.ParseFromString(e.payload()));
    ops.push_back(absl::StrCat(op.operation(), " ", op.actor()));
  }
  // policy_loaded by socle at creation, the rotation, the refused reversal.
  const std::vector<std::string> expected = {"4 socle", "2 dpo", "1 sw1"};
  BOOST_TEST(ops == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(operations_are_recorded, TrailFixture) {
  for (TrailOperation op :
       {TrailOperation::kTokenReversal, TrailOperation::kKeyRotation, TrailOperation::kPolicyLoaded,
        TrailOperation::kExport, TrailOperation::kShare}) {
    BOOST_REQUIRE(
        trail->RecordOperation(op, "dpo", op == TrailOperation::kKeyRotation ? "" : "x2", "detail")
            .ok());
  }
  BOOST_TEST(CodeName(trail->RecordOperation(static_cast<TrailOperation>(99), "dpo", "", "d")) ==
             "INVALID_ARGUMENT");
  const PersonHistory h = History("x2");
  std::vector<std::string> ops;
  for (const auto& e : h.entries) ops.push_back(e.operation);
  const std::vector<std::string> expected = {"token_reversal", "policy_loaded", "export", "share",
                                             "trail_read"};
  BOOST_TEST(ops == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(who_may_read_the_file_now, TrailFixture) {
  // x3: team t1 (sw1, sw2, sec1, tr1, mgr1, hp1, hp2), referent sw3 (team t2).
  BOOST_REQUIRE(scenario.engine().Block("x3", "sw2").ok());
  BOOST_REQUIRE(scenario.engine()
                    .Grant({"x3",
                            "aud1",
                            {"administrative"},
                            scenario.clock().Now() + absl::Hours(2),
                            "decision-7"})
                    .ok());
  auto list = trail->CurrentAccessList("x3");
  BOOST_REQUIRE_MESSAGE(list.ok(), list.status().ToString());
  std::vector<std::string> seen;
  for (const auto& a : *list)
    seen.push_back(absl::StrCat(a.professional, ":", a.basis, ":", a.team));
  const std::vector<std::string> expected = {"aud1:grant:",   "hp1:team:t1",  "hp2:team:t1",
                                             "mgr1:team:t1",  "sec1:team:t1", "sw1:team:t1",
                                             "sw3:referent:", "tr1:team:t1"};
  std::sort(seen.begin(), seen.end());
  BOOST_TEST(seen == expected, boost::test_tools::per_element());
  for (const auto& a : *list) {
    if (a.basis == "grant") {
      BOOST_TEST((a.expires_at == scenario.clock().Now() + absl::Hours(2)));
      BOOST_TEST(a.role == "security_auditor");
      BOOST_TEST(a.structure == "DSI du département");
    }
  }
  BOOST_TEST(CodeName(trail->CurrentAccessList("nobody").status()) == "NOT_FOUND");
}

BOOST_FIXTURE_TEST_CASE(the_trail_file_holds_no_person_id, TrailFixture) {
  for (int i = 0; i < 10; ++i) Decide("sw1", "x3", "social");
  BOOST_REQUIRE(ledger->Flush().ok());
  // "x3" is short: look for it as a protobuf string field (length 2 then the id).
  BOOST_TEST(!backend.StoredBytesContain("access_trail", absl::string_view("\x02x3", 3)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger_testing
