// Erasure (GDPR art. 17, REQ-13; socle/erasure.hpp): the art. 17(3) exceptions (legal claims
// through a hold or asserted, legal obligation and public task while the retention runs,
// archiving, statistics), a whole erasure that leaves the person retrievable by no API (lists,
// decisions, explanations, history, events), a partial one that tells the vendor what to delete,
// the tombstones after a replay and after reopening a snapshot, a re-run after a crash between
// the tombstone and the shred, and a restore of the vault from a backup older than the erasure.
#include "socle/erasure.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../vault/test_util.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "socle/access.hpp"
#include "socle/ledger.hpp"
#include "socle/retention.hpp"
#include "socle/rights.hpp"
#include "socle/trail.hpp"
#include "socle/v1/events.pb.h"
#include "socle/vault.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

using absl::CivilDay;

// The workload's accompaniment on a contract (art. 6(1)(b)): no art. 17(3) exception applies to
// its four categories, so an erasure proceeds; decisions need no consent.
constexpr char kPublicTask[] = R"(legal_basis: PUBLIC_TASK
  legal_basis_reference: "CASF L.123-2"
  public_task: true)";
constexpr char kContract[] = R"(legal_basis: CONTRACT
  legal_basis_reference: "contrat d'accompagnement")";

// One more category per exception: "aid" (legal obligation), "public" (public task), "archive"
// (ends in a definitive archive), "stats" (a statistics activity).
constexpr char kExceptionActivities[] = R"(
data_categories { id: "aid" label: "Aide légale" sensitivity: ORDINARY }
data_categories { id: "public" label: "Mission publique" sensitivity: ORDINARY }
data_categories { id: "archive" label: "Archives" sensitivity: ORDINARY }
data_categories { id: "stats" label: "Statistiques" sensitivity: ORDINARY }
activities {
  id: "aide" name: "Aide légale" purpose: "Verser l'aide" purpose_kind: BENEFITS
  legal_basis: LEGAL_OBLIGATION legal_basis_reference: "CASF L.262-1"
  data_categories: ["aid"] person_categories: ["personne_accompagnee"]
  recipients { name: "Service aide" kind: INTERNAL }
  retention { data_category: "aid" start: CREATION active_months: 120 end_action: DELETE source: "CASF R.262-1" }
  security_measures: "Accès limité"
}
activities {
  id: "mission" name: "Mission" purpose: "Héberger" purpose_kind: ADMINISTRATION
  legal_basis: PUBLIC_TASK legal_basis_reference: "CASF L.345-1" public_task: true
  data_categories: ["public"] person_categories: ["personne_accompagnee"]
  recipients { name: "Service hébergement" kind: INTERNAL }
  retention { data_category: "public" start: CASE_CLOSURE active_months: 12 end_action: DELETE source: "test" }
  security_measures: "Accès limité"
}
activities {
  id: "fonds" name: "Fonds" purpose: "Verser aux archives" purpose_kind: ADMINISTRATION
  legal_basis: CONTRACT legal_basis_reference: "convention"
  data_categories: ["archive"] person_categories: ["personne_accompagnee"]
  recipients { name: "Archives" kind: INTERNAL }
  retention { data_category: "archive" start: CREATION active_months: 12 end_action: DEFINITIVE_ARCHIVE source: "Code du patrimoine L.212-3" }
  security_measures: "Accès limité"
}
activities {
  id: "statistiques" name: "Statistiques" purpose: "Évaluer" purpose_kind: STATISTICS
  legal_basis: CONTRACT legal_basis_reference: "convention"
  data_categories: ["stats"] person_categories: ["personne_accompagnee"]
  recipients { name: "Observatoire" kind: INTERNAL }
  retention { data_category: "stats" start: CREATION active_months: 12 end_action: DELETE source: "test" }
  security_measures: "Accès limité"
}
)";

std::string ContractPolicy(bool exceptions = false) {
  return PolicyVariant({{kPublicTask, kContract}}, exceptions ? kExceptionActivities : "");
}

// A service with an access trail over a vault in a temporary directory; mgr1 records.
struct Erasing : Scenario {
  explicit Erasing(const std::string& policy = ContractPolicy()) : Scenario(policy) { OpenTrail(); }

  void OpenTrail() {
    LedgerOptions options;
    options.durability = Durability::kNone;
    options.checkpoint_every = 0;
    options.checkpoint_interval = absl::ZeroDuration();
    auto opened = Ledger::Open(dir.File("trail.db"), vault, "access_trail", options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    ledger = std::shared_ptr<Ledger>(std::move(*opened));
    auto created = AccessTrail::Create(ledger, engine());
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    trail = std::move(*created);
  }

  ErasureRequest Whole(const std::string& person) {
    ErasureRequest r;
    r.person = person;
    return r;
  }
  ErasureDecision DecideOn(const ErasureRequest& r, CivilDay day = CivilDay(2026, 5, 29)) {
    auto d = DecideErasure(*engine().snapshot(), r, day);
    BOOST_REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    return *d;
  }
  ErasureOutcome MustErase(const ErasureRequest& r) {
    auto out = Erase(engine(), *trail, r, "mgr1");
    BOOST_REQUIRE_MESSAGE(out.ok(), out.status().ToString());
    return *out;
  }
  // "category:exception(rule)" for each category of `d`.
  static std::vector<std::string> Lines(const ErasureDecision& d) {
    std::vector<std::string> out;
    for (const CategoryErasure& c : d.categories) {
      out.push_back(absl::StrCat(c.category_id, ":",
                                 c.erase ? "erase" : ErasureExceptionName(c.exception),
                                 c.rule.empty() ? "" : absl::StrCat("(", c.rule, ")")));
    }
    return out;
  }
  // A record of the vendor's case data sealed for `person` in the vault.
  std::vector<uint8_t> SealCase(const std::string& person) {
    auto sealed = vault->SealRecord({person, "case-1"}, vault_testing::Bytes("note du dossier"));
    BOOST_REQUIRE_MESSAGE(sealed.ok(), sealed.status().ToString());
    return *sealed;
  }
  std::string OpenCase(const std::string& person, const std::vector<uint8_t>& sealed) {
    return CodeOf(vault->OpenRecord({person, "case-1"}, sealed).status());
  }

  vault_testing::TempDir dir;
  std::shared_ptr<KeyFileProvider> provider = vault_testing::NewKeyFile(dir.File("master.key"));
  std::shared_ptr<Vault> vault = vault_testing::LoadVault(provider, dir.File("vault.db"));
  std::shared_ptr<Ledger> ledger;
  std::unique_ptr<AccessTrail> trail;
};

struct WithExceptions : Erasing {
  WithExceptions() : Erasing(ContractPolicy(true)) {}
};

struct PublicTask : Erasing {
  PublicTask() : Erasing(WorkloadPolicyText()) {}
};

BOOST_AUTO_TEST_SUITE(erasure)

// REQ-13: an item under legal claims is refused with its reason code, and nothing is erased.
BOOST_FIXTURE_TEST_CASE(a_legal_hold_refuses_with_legal_claims, Erasing) {
  BOOST_REQUIRE(SetLegalHold(engine(), "x1", "contentieux prud'homal", "TJ-2026-17", "mgr1").ok());
  const ErasureDecision d = DecideOn(Whole("x1"));
  BOOST_TEST(!d.all_erased);
  BOOST_REQUIRE_EQUAL(d.categories.size(), 4u);
  for (const CategoryErasure& c : d.categories) {
    BOOST_TEST(!c.erase);
    BOOST_TEST(std::string(ErasureExceptionName(c.exception)) == "legal_claims");
    BOOST_TEST(static_cast<int>(c.exception) == 5);
    BOOST_TEST(c.rule == "legal_hold");
  }
  const uint64_t revision = engine().revision();
  const ErasureOutcome out = MustErase(Whole("x1"));
  BOOST_TEST(!out.recorded);
  BOOST_TEST(out.vendor_deletes.empty());
  BOOST_TEST(engine().revision() == revision);
  BOOST_TEST(Tombstones(*engine().snapshot()).empty());
  BOOST_TEST(ReasonFor("sw1", "x1", "administrative") == "allowed");
  // The event itself is refused while the hold stands.
  v1::StateEvent event;
  event.set_recorded_by("mgr1");
  event.mutable_erasure_recorded()->set_person("x1");
  event.set_format_version(1);
  event.mutable_at()->set_seconds(kStart);
  BOOST_TEST(CodeOf(engine().ApplyEvent(event.SerializeAsString()).status()) ==
             "FAILED_PRECONDITION");

  // Lifted: every category is erasable; asserted by the controller, legal claims again.
  BOOST_REQUIRE(LiftLegalHold(engine(), "x1", "mgr1").ok());
  BOOST_TEST(DecideOn(Whole("x1")).all_erased);
  ErasureRequest asserted = Whole("x1");
  asserted.asserted.legal_claims = true;
  BOOST_TEST(Lines(DecideOn(asserted))[0] == "administrative:legal_claims(request)");
  BOOST_TEST(CodeOf(LiftLegalHold(engine(), "x1", "mgr1").status()) == "FAILED_PRECONDITION");
}

// REQ-13: an unflagged file is erased: retrievable by no API, out of every index, a tombstone.
BOOST_FIXTURE_TEST_CASE(a_whole_erasure_leaves_the_person_nowhere, Erasing) {
  clock().Advance(absl::Hours(1));
  RightsRequestSpec spec;
  spec.request = "req-17";
  spec.kind = RightsRequestKind::kErasure;
  spec.person = "x3";
  spec.received_at = clock().Now();
  spec.recorded_by = "mgr1";
  BOOST_REQUIRE(RecordRightsRequest(engine(), spec).ok());
  // Before: x3 is listed for sw1 (team t1) and sw3 (referent), and sw1's reads are recorded.
  const uint32_t x3 = Person("x3");
  auto listed = [&](const char* pro) {
    auto persons = engine().ListPersons(Pro(pro), Category("administrative"), Purpose());
    BOOST_REQUIRE(persons.ok());
    return std::find(persons->begin(), persons->end(), x3) != persons->end();
  };
  BOOST_TEST(listed("sw1"));
  BOOST_TEST(listed("sw3"));
  auto recorded = trail->Decide(Request("sw1", "x3", "administrative"));
  BOOST_REQUIRE(recorded.ok());
  BOOST_TEST(ReasonOf(*recorded) == "allowed");
  const std::vector<uint8_t> sealed = SealCase("x3");
  BOOST_TEST(OpenCase("x3", sealed) == "OK");

  ErasureRequest request = Whole("x3");
  request.request = "req-17";
  const ErasureOutcome out = MustErase(request);
  BOOST_TEST(out.recorded);
  BOOST_TEST(out.whole_erased);
  BOOST_TEST(out.key_shredded);
  BOOST_TEST(out.decision.all_erased);
  BOOST_TEST(out.vendor_deletes ==
                 (std::vector<std::string>{"administrative", "social", "financial", "health"}),
             boost::test_tools::per_element());

  // Lists and the indexes behind them.
  BOOST_TEST(!listed("sw1"));
  BOOST_TEST(!listed("sw3"));
  BOOST_TEST(engine().snapshot()->ListAccessHolders(x3)->empty());
  // Every decision denied, as erased, and explained so.
  for (const char* pro : {"sw1", "sw3", "mgr1"}) {
    BOOST_TEST(ReasonFor(pro, "x3", "administrative") == "erased");
  }
  auto explained = engine().Explain(Request("sw1", "x3", "health"));
  BOOST_REQUIRE(explained.ok());
  BOOST_TEST(Name(explained->decision.reason) == "erased");
  bool decisive = false;
  for (const ExplanationStep& step : explained->steps) {
    if (step.check == "erasure") decisive = step.decisive && !step.passed;
  }
  BOOST_TEST(decisive);
  BOOST_TEST(engine().RuleName(explained->decision.rule) ==
             "directory (the person's file was erased, art. 17)");
  // The history no longer opens: the key is gone (the entries' proofs stay).
  HistoryQuery query;
  query.person = "x3";
  query.reader_is_person = true;
  auto history = trail->History(query);
  BOOST_REQUIRE_MESSAGE(history.ok(), history.status().ToString());
  size_t decisions = 0;
  for (const HistoryEntry& e : history->entries) {
    if (e.type != LedgerEntryType::kAccessDecision) continue;
    ++decisions;
    BOOST_TEST(!e.readable);
  }
  BOOST_TEST(decisions == 1u);
  // The vendor's case data sealed for them no longer opens.
  BOOST_TEST(OpenCase("x3", sealed) == "NOT_FOUND");
  // No event about them applies any more; the id stays interned.
  BOOST_TEST(engine().FindPerson("x3").has_value());
  BOOST_TEST(CodeOf(engine().Block("x3", "sw1").status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(engine().UpsertPerson({"x3", {"t1"}}).status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(engine().Assign("x3", "t2").status()) == "FAILED_PRECONDITION");
  BOOST_TEST(CodeOf(SetLegalHold(engine(), "x3", "x", "", "mgr1").status()) ==
             "FAILED_PRECONDITION");
  // The tombstone, and the restore filter.
  const std::vector<TombstoneInfo> tombstones = Tombstones(*engine().snapshot());
  BOOST_REQUIRE_EQUAL(tombstones.size(), 1u);
  BOOST_TEST(tombstones[0].person == "x3");
  BOOST_TEST(tombstones[0].categories.empty());
  BOOST_TEST(tombstones[0].request == "req-17");
  BOOST_TEST(tombstones[0].recorded_by == "mgr1");
  BOOST_TEST(tombstones[0].day == CivilDay(2026, 5, 28));
  BOOST_TEST(tombstones[0].revision == out.revision);
  BOOST_TEST(Tombstones(*engine().snapshot(), out.revision).empty());
  BOOST_TEST(ErasedRow(*engine().snapshot(), "x3"));
  BOOST_TEST(ErasedRow(*engine().snapshot(), "x3", "social"));
  BOOST_TEST(!ErasedRow(*engine().snapshot(), "x1"));
  BOOST_TEST(!ErasedRow(*engine().snapshot(), "nobody"));
  // Deciding again: already erased.
  BOOST_TEST(
      CodeOf(DecideErasure(*engine().snapshot(), Whole("x3"), CivilDay(2026, 6, 1)).status()) ==
      "FAILED_PRECONDITION");
  // Others are untouched.
  BOOST_TEST(ReasonFor("sw1", "x1", "administrative") == "allowed");
}

// Art. 17(3)(b) to (d): each exception with the policy element it rests on; the rest is erased
// and the vendor told which categories to delete.
BOOST_FIXTURE_TEST_CASE(exceptions_leave_a_partial_erasure, WithExceptions) {
  const ErasureDecision d = DecideOn(Whole("x1"));
  BOOST_TEST(d.whole);
  BOOST_TEST(!d.all_erased);
  const std::vector<std::string> expected = {
      "administrative:erase",
      "social:erase",
      "financial:erase",
      "health:erase",
      "aid:legal_obligation(activities[1] (aide))",
      "public:public_task(activities[2] (mission))",
      "archive:archiving_public_interest(activities[3].retention[0])",
      "stats:statistics_89(activities[4] (statistiques))"};
  BOOST_TEST(Lines(d) == expected, boost::test_tools::per_element());
  BOOST_TEST(d.ToString().find("aid: legal_obligation (activities[1] (aide)) - the activity rests "
                               "on a legal obligation (art. 6(1)(c), CASF L.262-1)") !=
             std::string::npos);
  // Asserted flags refuse what the policy would erase.
  ErasureRequest asserted;
  asserted.person = "x1";
  asserted.categories = {"social", "financial", "health"};
  asserted.asserted.public_task = true;
  BOOST_TEST(Lines(DecideOn(asserted))[0] == "social:public_task(request)");
  asserted.asserted = {};
  asserted.asserted.statistics_89 = true;
  BOOST_TEST(Lines(DecideOn(asserted))[1] == "financial:statistics_89(request)");
  asserted.asserted = {};
  asserted.asserted.archiving_public_interest = true;
  BOOST_TEST(Lines(DecideOn(asserted))[2] == "health:archiving_public_interest(request)");
  asserted.asserted = {};
  asserted.asserted.legal_obligation = true;
  BOOST_TEST(Lines(DecideOn(asserted))[0] == "social:legal_obligation(request)");

  const std::vector<uint8_t> sealed = SealCase("x1");
  const ErasureOutcome out = MustErase(Whole("x1"));
  BOOST_TEST(out.recorded);
  BOOST_TEST(!out.whole_erased);
  BOOST_TEST(!out.key_shredded);
  BOOST_TEST(out.vendor_deletes ==
                 (std::vector<std::string>{"administrative", "social", "financial", "health"}),
             boost::test_tools::per_element());
  // The key stays: the other categories are kept.
  BOOST_TEST(OpenCase("x1", sealed) == "OK");
  const auto tombstones = Tombstones(*engine().snapshot());
  BOOST_REQUIRE_EQUAL(tombstones.size(), 1u);
  BOOST_TEST(tombstones[0].categories == out.vendor_deletes, boost::test_tools::per_element());
  BOOST_TEST(ErasedRow(*engine().snapshot(), "x1", "health"));
  BOOST_TEST(!ErasedRow(*engine().snapshot(), "x1", "aid"));
  BOOST_TEST(!ErasedRow(*engine().snapshot(), "x1"));
  // Asked again: the erased categories are already erased, the others still refused.
  const ErasureDecision again = DecideOn(Whole("x1"));
  BOOST_TEST(Lines(again)[0] == "administrative:already_erased");
  BOOST_TEST(!MustErase(Whole("x1")).recorded);
  // Once the public task's retention is over (the case closed 12 months ago) and the hold-free
  // file has nothing else, the public category is erasable; the others still are not.
  ErasureRequest one;
  one.person = "x1";
  one.categories = {"public"};
  BOOST_TEST(Lines(DecideOn(one))[0] == "public:public_task(activities[2] (mission))");
  BOOST_REQUIRE(engine().Unassign("x1", "t1").ok());
  BOOST_TEST(Lines(DecideOn(one, CivilDay(2027, 5, 29)))[0] == "public:erase");
}

// Art. 17(3)(b): a public task keeps the file while its retention runs, not after; an upheld
// objection (art. 17(1)(c)) lifts it.
BOOST_FIXTURE_TEST_CASE(public_task_holds_while_the_retention_runs, PublicTask) {
  ErasureRequest one;
  one.person = "x1";
  one.categories = {"social"};
  BOOST_TEST(Lines(DecideOn(one))[0] == "social:public_task(activities[0] (accompagnement))");
  ContactSpec contact;
  contact.person = "x1";
  contact.originator = ContactOriginator::kPerson;
  contact.day = CivilDay(2024, 1, 10);
  BOOST_REQUIRE(RecordContact(engine(), contact).ok());
  // Active until 2026-01-09: due on the decision's day.
  BOOST_TEST(Lines(DecideOn(one, CivilDay(2026, 1, 9)))[0] ==
             "social:public_task(activities[0] (accompagnement))");
  const ErasureDecision due = DecideOn(one, CivilDay(2026, 1, 10));
  BOOST_TEST(Lines(due)[0] == "social:erase");
  BOOST_TEST(due.categories[0].detail.find("art. 17(1)(a)") != std::string::npos);
  // Bad input: named by position, never by value.
  one.categories = {"social", "social"};
  BOOST_TEST(CodeOf(DecideErasure(*engine().snapshot(), one, CivilDay(2026, 1, 10)).status()) ==
             "INVALID_ARGUMENT");
  one.categories = {"nope"};
  auto unknown = DecideErasure(*engine().snapshot(), one, CivilDay(2026, 1, 10));
  BOOST_TEST(CodeOf(unknown.status()) == "NOT_FOUND");
  BOOST_TEST(unknown.status().message().find("categories[0]") != absl::string_view::npos);
  one.person = "nobody";
  auto missing = DecideErasure(*engine().snapshot(), one, CivilDay(2026, 1, 10));
  BOOST_TEST(CodeOf(missing.status()) == "NOT_FOUND");
  BOOST_TEST(missing.status().message().find("nobody") == absl::string_view::npos);
}

// The event's checks: a clear error naming the field, the state unchanged.
BOOST_FIXTURE_TEST_CASE(bad_erasure_events_change_nothing, Erasing) {
  auto apply = [&](const std::function<void(v1::StateEvent&)>& fill) {
    v1::StateEvent event;
    event.set_format_version(1);
    event.mutable_at()->set_seconds(kStart);
    event.set_recorded_by("mgr1");
    fill(event);
    return engine().ApplyEvent(event.SerializeAsString()).status();
  };
  const uint64_t revision = engine().revision();
  absl::Status s = apply([](v1::StateEvent& e) {
    e.mutable_erasure_recorded()->set_person("x1");
    e.mutable_erasure_recorded()->add_categories("social");
    e.mutable_erasure_recorded()->add_categories("social");
  });
  BOOST_TEST(CodeOf(s) == "INVALID_ARGUMENT");
  BOOST_TEST(s.message().find("erasure_recorded.categories[1]") != absl::string_view::npos);
  s = apply([](v1::StateEvent& e) {
    e.mutable_erasure_recorded()->set_person("x1");
    e.mutable_erasure_recorded()->add_categories("nope");
  });
  BOOST_TEST(CodeOf(s) == "NOT_FOUND");
  s = apply([](v1::StateEvent& e) { e.mutable_erasure_recorded()->set_person("nobody"); });
  BOOST_TEST(CodeOf(s) == "NOT_FOUND");
  BOOST_TEST(s.message().find("nobody") == absl::string_view::npos);
  s = apply([](v1::StateEvent& e) {
    e.mutable_erasure_recorded()->set_person("x1");
    e.mutable_erasure_recorded()->set_request("no-such-request");
  });
  BOOST_TEST(CodeOf(s) == "NOT_FOUND");
  // A request of another kind, or about another person.
  RightsRequestSpec spec;
  spec.request = "acc-1";
  spec.kind = RightsRequestKind::kAccess;
  spec.person = "x1";
  spec.received_at = clock().Now();
  spec.recorded_by = "mgr1";
  BOOST_REQUIRE(RecordRightsRequest(engine(), spec).ok());
  const uint64_t after_request = engine().revision();
  s = apply([](v1::StateEvent& e) {
    e.mutable_erasure_recorded()->set_person("x1");
    e.mutable_erasure_recorded()->set_request("acc-1");
  });
  BOOST_TEST(CodeOf(s) == "INVALID_ARGUMENT");
  s = apply([](v1::StateEvent& e) {
    e.set_recorded_by("");
    e.mutable_erasure_recorded()->set_person("x1");
  });
  BOOST_TEST(CodeOf(s) == "INVALID_ARGUMENT");
  s = apply([](v1::StateEvent& e) { e.mutable_legal_hold_set()->set_person("x1"); });
  BOOST_TEST(CodeOf(s) == "INVALID_ARGUMENT");
  BOOST_TEST(s.message().find("legal_hold_set.reason") != absl::string_view::npos);
  BOOST_TEST(engine().revision() == after_request);
  BOOST_TEST(after_request == revision + 1);
  BOOST_TEST(Tombstones(*engine().snapshot()).empty());
  // A category erased twice.
  BOOST_REQUIRE(apply([](v1::StateEvent& e) {
                  e.mutable_erasure_recorded()->set_person("x1");
                  e.mutable_erasure_recorded()->add_categories("health");
                }).ok());
  s = apply([](v1::StateEvent& e) {
    e.mutable_erasure_recorded()->set_person("x1");
    e.mutable_erasure_recorded()->add_categories("health");
  });
  BOOST_TEST(CodeOf(s) == "FAILED_PRECONDITION");
}

// A crash after the tombstone and before the shred: the record still opens; Erase run again
// finishes the shred.
BOOST_FIXTURE_TEST_CASE(a_rerun_after_a_crash_finishes_the_shred, Erasing) {
  const std::vector<uint8_t> sealed = SealCase("x1");
  v1::StateEvent event;
  event.set_format_version(1);
  event.mutable_at()->set_seconds(kStart);
  event.set_recorded_by("mgr1");
  event.mutable_erasure_recorded()->set_person("x1");
  BOOST_REQUIRE(engine().ApplyEvent(event.SerializeAsString()).ok());  // the tombstone only
  BOOST_TEST(OpenCase("x1", sealed) == "OK");
  BOOST_TEST(ReasonFor("sw1", "x1", "social") == "erased");
  const uint64_t revision = engine().revision();
  const ErasureOutcome out = MustErase(Whole("x1"));
  BOOST_TEST(!out.recorded);
  BOOST_TEST(out.whole_erased);
  BOOST_TEST(out.key_shredded);
  BOOST_TEST(out.vendor_deletes.size() == 4u);
  BOOST_TEST(engine().revision() == revision);
  BOOST_TEST(OpenCase("x1", sealed) == "NOT_FOUND");
  // Once more: nothing left to shred, still OK.
  const ErasureOutcome again = MustErase(Whole("x1"));
  BOOST_TEST(!again.key_shredded);
  BOOST_TEST(Tombstones(*engine().snapshot()).size() == 1u);
}

// REQ-13: a restore of the vault from a backup older than the erasure would bring the person
// back; ReapplyTombstones shreds them again, and the vendor's restore filter skips their rows.
BOOST_FIXTURE_TEST_CASE(a_restore_from_backup_skips_erased_persons, Erasing) {
  const std::vector<uint8_t> x1 = SealCase("x1");
  const std::vector<uint8_t> x2 = SealCase("x2");
  // The backup: the vault's database as it was, closed and copied.
  trail.reset();
  ledger.reset();
  vault.reset();
  namespace fs = std::filesystem;
  const std::string backup = dir.File("vault.backup");
  for (const char* suffix : {"", "-wal"}) {
    const std::string file = dir.File(absl::StrCat("vault.db", suffix));
    if (fs::exists(file)) fs::copy_file(file, backup + suffix);
  }
  vault = vault_testing::LoadVault(provider, dir.File("vault.db"));
  OpenTrail();

  BOOST_REQUIRE(MustErase(Whole("x1")).key_shredded);
  BOOST_TEST(OpenCase("x1", x1) == "NOT_FOUND");

  // The restore: the old database over the current one.
  trail.reset();
  ledger.reset();
  vault.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(dir.File(absl::StrCat("vault.db", suffix)));
  }
  for (const char* suffix : {"", "-wal"}) {
    if (fs::exists(backup + suffix)) {
      fs::copy_file(backup + suffix, dir.File(absl::StrCat("vault.db", suffix)));
    }
  }
  vault = vault_testing::LoadVault(provider, dir.File("vault.db"));
  BOOST_TEST(OpenCase("x1", x1) == "OK");  // the danger: the erased person is back

  auto reapplied = ReapplyTombstones(*engine().snapshot(), *vault);
  BOOST_REQUIRE_MESSAGE(reapplied.ok(), reapplied.status().ToString());
  BOOST_TEST(*reapplied == 1u);
  BOOST_TEST(OpenCase("x1", x1) == "NOT_FOUND");
  BOOST_TEST(OpenCase("x2", x2) == "OK");
  // Idempotent: nothing left to shred.
  BOOST_TEST(*ReapplyTombstones(*engine().snapshot(), *vault) == 0u);
  // The vendor's restore of its own rows: x1's are skipped, x2's kept.
  std::vector<std::string> restored;
  for (const char* person : {"x1", "x2", "x3"}) {
    for (const char* category : {"administrative", "health"}) {
      if (!ErasedRow(*engine().snapshot(), person, category)) {
        restored.push_back(absl::StrCat(person, "/", category));
      }
    }
  }
  BOOST_TEST(restored == (std::vector<std::string>{"x2/administrative", "x2/health",
                                                   "x3/administrative", "x3/health"}),
             boost::test_tools::per_element());
}

// Reopening a snapshot and replaying the state ledger give the same holds, erasures and
// tombstones.
BOOST_AUTO_TEST_CASE(replay_and_snapshot_give_the_same_erasures) {
  FakeClock clock{absl::FromUnixSeconds(Scenario::kStart)};
  const Policy policy = LoadPolicy(ContractPolicy(true));
  auto record = std::make_shared<MemoryEngineRecord>();
  auto open = [&] {
    AccessEngine::Options options;
    options.clock = &clock;
    auto engine = AccessEngine::Open(policy, record, options);
    BOOST_REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
    return std::move(*engine);
  };
  auto engine = open();
  DirectoryData d;
  d.professionals = {{"mgr1", "manager", {"t1"}}, {"sw1", "social_worker", {"t1"}}};
  d.persons = {{"a", {"t1"}, "sw1"}, {"b", {"t1"}}, {"c", {"t1"}}};
  BOOST_REQUIRE(engine->LoadDirectory(d).ok());
  auto apply = [&](const std::string& person, std::vector<std::string> categories) {
    v1::StateEvent event;
    event.set_format_version(1);
    event.mutable_at()->set_seconds(absl::ToUnixSeconds(clock.Now()));
    event.set_recorded_by("mgr1");
    event.mutable_erasure_recorded()->set_person(person);
    for (const std::string& c : categories) event.mutable_erasure_recorded()->add_categories(c);
    BOOST_REQUIRE(engine->ApplyEvent(event.SerializeAsString()).ok());
  };
  BOOST_REQUIRE(SetLegalHold(*engine, "c", "litige", "R-1", "mgr1").ok());
  apply("a", {});
  clock.Advance(absl::Hours(30));
  apply("b", {"health", "social"});
  auto describe = [](const AccessEngine& e) {
    std::vector<std::string> out;
    for (const TombstoneInfo& t : Tombstones(*e.snapshot())) {
      out.push_back(absl::StrCat(t.person, ":", absl::StrJoin(t.categories, ","), ":",
                                 absl::FormatCivilTime(t.day), ":", t.recorded_by, ":",
                                 t.revision));
    }
    for (const char* p : {"a", "b", "c"}) {
      auto decided = DecideErasure(*e.snapshot(), {p, {}, {}, ""}, CivilDay(2026, 6, 1));
      out.push_back(decided.ok() ? decided->ToString() : std::string(decided.status().message()));
      AccessRequest r;
      r.actor = *e.FindProfessional("sw1");
      r.person = *e.FindPerson(p);
      r.category = *e.FindCategory("health");
      r.purpose = *e.FindPurpose("accompagnement");
      out.push_back(std::string(Name(e.Decide(r)->reason)));
      out.push_back(absl::StrCat(ErasedRow(*e.snapshot(), p), ErasedRow(*e.snapshot(), p, "social"),
                                 ErasedRow(*e.snapshot(), p, "administrative")));
    }
    auto listed = e.ListPersons(*e.FindProfessional("sw1"), *e.FindCategory("administrative"),
                                *e.FindPurpose("accompagnement"));
    out.push_back(absl::StrCat(listed->size()));
    return out;
  };
  const std::vector<std::string> expected = describe(*engine);
  BOOST_TEST(expected[0] == "a::2026-05-28:mgr1:8");  // revision 1: the policy's activation
  BOOST_TEST(expected[1] == "b:social,health:2026-05-30:mgr1:9");
  BOOST_TEST(expected[3] == "erased");
  BOOST_TEST(expected[4] == "111");
  BOOST_TEST(expected[7] == "010");
  BOOST_TEST(expected[10] == "000");
  BOOST_TEST(expected[11] == "2");
  {
    auto replayed = open();
    BOOST_TEST(replayed->revision() == engine->revision());
    BOOST_TEST(describe(*replayed) == expected, boost::test_tools::per_element());
  }
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  auto restored = open();
  BOOST_TEST(describe(*restored) == expected, boost::test_tools::per_element());
  // The restored engine folds on as the first would.
  BOOST_TEST(LiftLegalHold(*restored, "c", "mgr1").ok());
  BOOST_TEST(CodeOf(restored->UpsertPerson({"a", {"t1"}}).status()) == "FAILED_PRECONDITION");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
