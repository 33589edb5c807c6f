// The retention sweep (REQ-36; socle/retention_sweep.hpp): the changes listed, the purges in
// batches, the crypto-shredding of persons whose whole file is due (and only them), the vendor's
// to-do list, signed certificates without any person id, the dry run, a sweep killed halfway and
// run again (no double count), public archives waiting for the elimination visa, bad input, and
// the same state after a replay of the state ledger and after reopening from a snapshot.
#include "socle/retention_sweep.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../vault/test_util.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "access/retention_sweep.h"
#include "core/calendar.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/ledger.hpp"
#include "socle/retention.hpp"
#include "socle/trail.hpp"
#include "socle/v1/events.pb.h"
#include "socle/v1/retention.pb.h"
#include "socle/vault.hpp"
#include "test_util.h"

namespace socle::access_testing {
namespace {

using absl::CivilDay;

// The workload policy (4 categories kept 24 months after the last contact from the person, then
// deleted) with the financial data kept 72 months and anonymised; optionally public archives.
std::string SweepPolicy(bool public_archives = false) {
  return PolicyVariant(
      {{R"(retention { data_category: "financial"      start: LAST_CONTACT_FROM_PERSON active_months: 24 end_action: DELETE)",
        R"(retention { data_category: "financial"      start: LAST_CONTACT_FROM_PERSON active_months: 72 end_action: ANONYMISE)"},
       {"public_authority: true", public_archives ? "public_authority: true public_archives: true"
                                                  : "public_authority: true"}});
}

// An engine (of record) on a fake clock at Scenario::kStart (2026-05-28), its trail on a vault.
struct SweepFixture {
  explicit SweepFixture(bool public_archives = false)
      : policy(LoadPolicy(SweepPolicy(public_archives))) {
    AccessEngine::Options options;
    options.clock = &clock;
    auto opened = AccessEngine::Open(policy, record, options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    engine = std::move(*opened);
    DirectoryData d;
    d.professionals = {{"sw1", "social_worker", {"t1"}}};
    for (const char* p : {"person-alpha", "person-bravo", "person-charlie", "person-delta",
                          "person-echo", "person-fresh"}) {
      d.persons.push_back({p, {"t1"}});
    }
    BOOST_REQUIRE(engine->LoadDirectory(d).ok());
    LedgerOptions lo;
    lo.clock = &clock;
    lo.checkpoint_every = 0;
    lo.checkpoint_interval = absl::ZeroDuration();
    lo.group_commit_delay = absl::Milliseconds(1);
    auto ledger = Ledger::Open(dir.File("trail.db"), vault, "access_trail", lo);
    BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
    auto created = AccessTrail::Create(std::shared_ptr<Ledger>(std::move(*ledger)), *engine);
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    trail = std::move(*created);
  }
  ~SweepFixture() { access_internal::SetSweepFaultForTesting(nullptr); }

  void Contact(const std::string& person, CivilDay day) {
    ContactSpec spec{person, ContactOriginator::kPerson, "", day, "sw1"};
    auto done = RecordContact(*engine, spec);
    BOOST_REQUIRE_MESSAGE(done.ok(), done.status().ToString());
  }
  // A record sealed for the person in the vault (the vendor's case data): the person has a key.
  std::vector<uint8_t> Seal(const std::string& person) {
    const std::string text = "case note";
    auto sealed = vault->SealRecord(
        RecordRef{person, "note-1"},
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    BOOST_REQUIRE(sealed.ok());
    return *sealed;
  }
  bool Opens(const std::string& person, const std::vector<uint8_t>& sealed) {
    return vault->OpenRecord(RecordRef{person, "note-1"}, sealed).ok();
  }
  absl::StatusOr<SweepReport> Run(CivilDay day, size_t batch_size = 1000, bool dry_run = false) {
    SweepOptions o;
    o.day = day;
    o.batch_size = batch_size;
    o.dry_run = dry_run;
    o.recorded_by = "sw1";
    return Sweep(*engine, *trail, key, o);
  }
  SweepReport MustRun(CivilDay day, size_t batch_size = 1000) {
    auto report = Run(day, batch_size);
    BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
    return *report;
  }
  std::string Phase(const std::string& person, const std::string& category, CivilDay day) {
    auto s = engine->snapshot()->Retention(*engine->FindPerson(person),
                                           *engine->FindCategory(category), day);
    BOOST_REQUIRE(s.ok());
    return RetentionPhaseName(s->phase);
  }

  vault_testing::TempDir dir;
  std::shared_ptr<Vault> vault = vault_testing::LoadVault(
      vault_testing::NewKeyFile(dir.File("master.key")), dir.File("vault.db"));
  FakeClock clock{absl::FromUnixSeconds(Scenario::kStart)};  // 2026-05-28
  Policy policy;
  std::shared_ptr<MemoryEngineRecord> record = std::make_shared<MemoryEngineRecord>();
  std::unique_ptr<AccessEngine> engine;
  std::unique_ptr<AccessTrail> trail;
  ExportSigningKey key = ExportSigningKey::Generate();
};

struct PublicSweep : SweepFixture {
  PublicSweep() : SweepFixture(true) {}
};

const CivilDay kToday(2026, 5, 28);

uint64_t Sum(const std::vector<DeletionCertificate>& certificates) {
  uint64_t n = 0;
  for (const DeletionCertificate& c : certificates) n += c.count;
  return n;
}

std::map<std::string, uint64_t> ByCategory(const std::vector<DeletionCertificate>& certificates) {
  std::map<std::string, uint64_t> out;
  for (const DeletionCertificate& c : certificates) out[c.category] += c.count;
  return out;
}

BOOST_AUTO_TEST_SUITE(retention_sweep)

BOOST_FIXTURE_TEST_CASE(sweep_purges_what_is_due_and_shreds_finished_persons, SweepFixture) {
  Contact("person-alpha", CivilDay(2020, 1, 10));  // everything due (financial since 2026-01-10)
  Contact("person-bravo", CivilDay(2020, 6, 1));   // financial due on 2026-06-01 only
  Contact("person-fresh", CivilDay(2025, 1, 1));   // active
  const auto alpha = Seal("person-alpha");
  const auto bravo = Seal("person-bravo");
  BOOST_REQUIRE(Opens("person-alpha", alpha));

  const SweepReport r = MustRun(kToday);
  BOOST_TEST(!r.resumed);
  BOOST_TEST(r.purged == 7u);  // alpha's 4 categories, bravo's 3
  BOOST_TEST(r.shredded == 1u);
  BOOST_TEST(r.awaiting_visa == 0u);
  BOOST_TEST(r.todo.size() == 7u);
  BOOST_TEST(r.changes.size() == 7u);  // first sweep: every non-active one, from ACTIVE
  for (const RetentionChange& c : r.changes) {
    BOOST_TEST(c.person != "person-fresh");
    BOOST_TEST(RetentionPhaseName(c.to) == std::string("due"));
  }
  // The vendor's to-do list: alpha's financial rows anonymised by the vendor, the rest deleted.
  int anonymise = 0;
  for (const VendorTask& t : r.todo) {
    if (t.action == RetentionEndAction::kAnonymise) {
      ++anonymise;
      BOOST_TEST(t.person == "person-alpha");
      BOOST_TEST(t.category == "financial");
    } else {
      BOOST_TEST((t.action == RetentionEndAction::kDelete));
      BOOST_TEST(t.category != "financial");
    }
    BOOST_TEST(absl::StartsWith(t.rule, "activities[0].retention["));
  }
  BOOST_TEST(anonymise == 1);
  // Alpha's keys are gone: every sealed record is unreadable; bravo keeps his.
  BOOST_TEST(!Opens("person-alpha", alpha));
  BOOST_TEST(Opens("person-bravo", bravo));

  // One certificate per (category, rule, end action), numbers only, signed.
  BOOST_REQUIRE_EQUAL(r.certificates.size(), 4u);
  BOOST_TEST(Sum(r.certificates) == 7u);
  BOOST_TEST(ByCategory(r.certificates)["administrative"] == 2u);
  BOOST_TEST(ByCategory(r.certificates)["financial"] == 1u);
  for (const DeletionCertificate& c : r.certificates) {
    BOOST_TEST(VerifyDeletionCertificate(c.bytes, c.signature).ok());
    BOOST_TEST(c.sweep_day == core::DayNumber(kToday));
    BOOST_TEST(c.revision > 0u);
    for (const char* id : {"person-alpha", "person-bravo", "person-fresh"}) {
      BOOST_TEST(c.bytes.find(id) == std::string::npos);
    }
    v1::DeletionCertificate parsed;
    BOOST_REQUIRE(parsed.ParseFromString(c.bytes));
    BOOST_TEST(parsed.count() == c.count);
    BOOST_TEST(parsed.sweep_date() == "2026-05-28");
    BOOST_TEST(parsed.category() == c.category);
    BOOST_TEST(parsed.signer_public_key() ==
               std::string(key.public_key().begin(), key.public_key().end()));
    // A changed byte, or another signature, does not verify.
    std::string tampered = c.bytes;
    tampered[tampered.size() - 40] ^= 1;
    BOOST_TEST(CodeOf(VerifyDeletionCertificate(tampered, c.signature)) == "VERIFICATION_FAILED");
  }
  BOOST_TEST(IssuedCertificates(*engine).size() == 4u);

  // Run again the same day: nothing new, nothing counted twice.
  const SweepReport again = MustRun(kToday);
  BOOST_TEST(again.resumed);
  BOOST_TEST(again.purged == 0u);
  BOOST_TEST(again.shredded == 0u);
  BOOST_TEST(again.certificates.empty());
  BOOST_TEST(again.changes.empty());
  BOOST_TEST(Sum(IssuedCertificates(*engine)) == 7u);

  // Bravo's financial data become due on 2026-06-01: that sweep lists the change from the
  // previous sweep's day, purges it, and bravo is finished then.
  clock.Advance(absl::Hours(24 * 5));
  const SweepReport later = MustRun(CivilDay(2026, 6, 2));
  BOOST_REQUIRE_EQUAL(later.changes.size(), 1u);
  BOOST_TEST(later.changes[0].person == "person-bravo");
  BOOST_TEST(later.changes[0].category == "financial");
  BOOST_TEST(RetentionPhaseName(later.changes[0].from) == std::string("active"));
  BOOST_TEST(later.purged == 1u);
  BOOST_TEST(later.shredded == 1u);
  BOOST_TEST(!Opens("person-bravo", bravo));
  BOOST_TEST(Sum(IssuedCertificates(*engine)) == 8u);
}

BOOST_FIXTURE_TEST_CASE(dry_run_plans_and_changes_nothing, SweepFixture) {
  Contact("person-alpha", CivilDay(2020, 1, 10));
  const auto sealed = Seal("person-alpha");
  const uint64_t revision = engine->revision();
  auto r = Run(kToday, 1000, true);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->purged == 4u);
  BOOST_TEST(r->todo.size() == 4u);
  BOOST_TEST(r->shredded == 0u);
  BOOST_TEST(r->certificates.empty());
  BOOST_TEST(engine->revision() == revision);
  BOOST_TEST(Opens("person-alpha", sealed));
  // The real sweep does what the dry run said.
  BOOST_TEST(MustRun(kToday).purged == 4u);
}

// A sweep killed halfway (after 2 shreds, its purge batches committed) and run again finishes
// the job: every person shredded once, every purged item in exactly one certificate.
BOOST_FIXTURE_TEST_CASE(killed_sweep_run_again_finishes_without_double_count, SweepFixture) {
  const std::vector<std::string> persons = {"person-alpha", "person-bravo", "person-charlie",
                                            "person-delta", "person-echo"};
  std::map<std::string, std::vector<uint8_t>> sealed;
  for (const std::string& p : persons) {
    Contact(p, CivilDay(2019, 3, 1));
    sealed[p] = Seal(p);
  }
  access_internal::SetSweepFaultForTesting([](uint64_t shredded) {
    return shredded >= 2 ? MakeError(ErrorCode::kIo, "killed") : absl::OkStatus();
  });
  auto killed = Run(kToday, 2);
  BOOST_TEST(CodeOf(killed.status()) == "IO");
  BOOST_TEST(IssuedCertificates(*engine).empty());
  int still_readable = 0;
  for (const std::string& p : persons) still_readable += Opens(p, sealed[p]) ? 1 : 0;
  BOOST_TEST(still_readable == 3);

  access_internal::SetSweepFaultForTesting(nullptr);
  const SweepReport r = MustRun(kToday, 2);
  BOOST_TEST(r.resumed);
  BOOST_TEST(r.shredded == 3u);  // the other two were done: NOT_FOUND, not counted again
  for (const std::string& p : persons) BOOST_TEST(!Opens(p, sealed[p]));
  // Every item of the killed run and of this one is certified once: 5 persons × 4 categories.
  BOOST_TEST(Sum(r.certificates) == 20u);
  BOOST_REQUIRE_EQUAL(r.certificates.size(), 4u);
  for (const DeletionCertificate& c : r.certificates) BOOST_TEST(c.count == 5u);
  BOOST_TEST(r.todo.size() == 20u);  // the killed run's rows too: the vendor may have lost them
  const auto issued = IssuedCertificates(*engine);
  BOOST_TEST(Sum(issued) == 20u);
  // A third run changes nothing.
  const SweepReport third = MustRun(kToday, 2);
  BOOST_TEST(third.purged == 0u);
  BOOST_TEST(third.certificates.empty());
  BOOST_TEST(Sum(IssuedCertificates(*engine)) == 20u);
}

// REQ-36: a public tenant's purge without a visa leaves the items AWAITING_VISA; with the visa,
// they are purged and a certificate is emitted.
BOOST_FIXTURE_TEST_CASE(public_archives_wait_for_the_elimination_visa, PublicSweep) {
  Contact("person-alpha", CivilDay(2020, 1, 10));
  const auto sealed = Seal("person-alpha");
  const SweepReport without = MustRun(kToday);
  BOOST_TEST(without.purged == 0u);
  BOOST_TEST(without.awaiting_visa == 4u);
  BOOST_TEST(without.certificates.empty());
  BOOST_TEST(without.todo.empty());
  BOOST_TEST(without.shredded == 0u);
  BOOST_TEST(Opens("person-alpha", sealed));
  BOOST_TEST(Phase("person-alpha", "administrative", kToday) == "awaiting_visa");

  // A visa that covers only items awaiting since before 2022-01-10 releases nothing.
  BOOST_REQUIRE(
      RecordEliminationVisa(*engine, {"V-2021-01", "administrative", CivilDay(2021, 12, 31), "sw1"})
          .ok());
  clock.Advance(absl::Hours(24));
  const SweepReport early = MustRun(CivilDay(2026, 5, 29));
  BOOST_TEST(early.purged == 0u);
  BOOST_TEST(early.awaiting_visa == 4u);

  for (const char* category : {"administrative", "social", "financial", "health"}) {
    auto visa = RecordEliminationVisa(
        *engine, {absl::StrCat("V-2026-", category), category, CivilDay(2026, 5, 29), "sw1"});
    BOOST_REQUIRE_MESSAGE(visa.ok(), visa.status().ToString());
  }
  clock.Advance(absl::Hours(24));
  const SweepReport with = MustRun(CivilDay(2026, 5, 30));
  BOOST_TEST(with.purged == 4u);
  BOOST_TEST(with.awaiting_visa == 0u);
  BOOST_TEST(with.shredded == 1u);
  BOOST_TEST(!Opens("person-alpha", sealed));
  BOOST_REQUIRE_EQUAL(with.certificates.size(), 4u);
  for (const DeletionCertificate& c : with.certificates) {
    BOOST_TEST(c.visa_reference == absl::StrCat("V-2026-", c.category));
    BOOST_TEST(c.count == 1u);
    BOOST_TEST(VerifyDeletionCertificate(c.bytes, c.signature).ok());
  }
  for (const VendorTask& t : with.todo) BOOST_TEST(!t.visa_reference.empty());
}

BOOST_FIXTURE_TEST_CASE(bad_input_is_refused_and_changes_nothing, SweepFixture) {
  Contact("person-alpha", CivilDay(2020, 1, 10));
  Contact("person-fresh", CivilDay(2025, 1, 1));
  const uint64_t revision = engine->revision();
  BOOST_TEST(CodeOf(Run(kToday, 0).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Run(kToday, kMaxSweepBatchPersons + 1).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(Run(CivilDay(2026, 5, 29)).status()) == "INVALID_ARGUMENT");  // tomorrow
  {
    SweepOptions o;
    o.day = kToday;
    o.recorded_by = "nobody";
    BOOST_TEST(CodeOf(Sweep(*engine, *trail, key, o).status()) != "OK");
  }
  BOOST_TEST(engine->revision() == revision);

  BOOST_TEST(
      CodeOf(RecordEliminationVisa(*engine, {"", "administrative", kToday, "sw1"}).status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(CodeOf(RecordEliminationVisa(*engine, {"V1", "nothing", kToday, "sw1"}).status()) ==
             "NOT_FOUND");
  BOOST_TEST(
      CodeOf(RecordEliminationVisa(*engine, {"V1", "administrative", CivilDay(2026, 6, 1), "sw1"})
                 .status()) == "INVALID_ARGUMENT");  // a visa is recorded once given
  BOOST_REQUIRE(RecordEliminationVisa(*engine, {"V1", "administrative", kToday, "sw1"}).ok());
  BOOST_TEST(CodeOf(RecordEliminationVisa(*engine, {"V1", "social", kToday, "sw1"}).status()) ==
             "ALREADY_EXISTS");

  // Forged events: a purge without a sweep, of a person not due, twice the same person.
  auto apply = [&](const v1::StateEvent& e) {
    v1::StateEvent event = e;
    event.set_format_version(1);
    *event.mutable_at() = google::protobuf::Timestamp();
    event.mutable_at()->set_seconds(Scenario::kStart);
    event.set_recorded_by("sw1");
    return engine->ApplyEvent(event.SerializeAsString()).status();
  };
  v1::StateEvent purge;
  v1::RetentionPurged* p = purge.mutable_retention_purged();
  p->set_date("2026-05-28");
  p->set_category("administrative");
  p->set_activity(0);
  p->set_rule_index(0);
  p->set_end_action(v1::RetentionRule::DELETE);
  p->add_persons("person-alpha");
  BOOST_TEST(CodeOf(apply(purge)) == "FAILED_PRECONDITION");  // no sweep started
  v1::StateEvent start;
  start.mutable_retention_sweep_started()->set_date("2026-05-28");
  BOOST_REQUIRE(apply(start).ok());
  const uint64_t started = engine->revision();
  v1::StateEvent not_due = purge;
  not_due.mutable_retention_purged()->set_persons(0, "person-fresh");
  const absl::Status refused = apply(not_due);
  BOOST_TEST(CodeOf(refused) == "FAILED_PRECONDITION");
  BOOST_TEST(refused.message().find("person-fresh") == std::string::npos);  // no id in messages
  BOOST_TEST(refused.message().find("persons[0]") != std::string::npos);
  v1::StateEvent twice = purge;
  twice.mutable_retention_purged()->add_persons("person-alpha");
  BOOST_TEST(CodeOf(apply(twice)) == "INVALID_ARGUMENT");
  v1::StateEvent wrong_action = purge;
  wrong_action.mutable_retention_purged()->set_end_action(v1::RetentionRule::ANONYMISE);
  BOOST_TEST(CodeOf(apply(wrong_action)) == "INVALID_ARGUMENT");
  BOOST_TEST(engine->revision() == started);
  BOOST_REQUIRE(apply(purge).ok());
  BOOST_TEST(CodeOf(apply(purge)) == "FAILED_PRECONDITION");  // already purged

  // A certificate that does not verify, or that miscounts, is refused.
  v1::StateEvent cert;
  v1::DeletionCertificateIssued* c = cert.mutable_deletion_certificate_issued();
  c->set_certificate("not a certificate");
  c->add_purges(engine->revision());
  BOOST_TEST(CodeOf(apply(cert)) == "INVALID_ARGUMENT");
  // A sweep before the previous sweep's day is refused.
  BOOST_TEST(CodeOf(Run(CivilDay(2026, 5, 27)).status()) == "FAILED_PRECONDITION");
}

// The state is the events': reopening from a snapshot, or replaying the state ledger alone, gives
// the same certificates, purges and plan.
BOOST_FIXTURE_TEST_CASE(replay_and_snapshot_give_the_same_state, PublicSweep) {
  Contact("person-alpha", CivilDay(2020, 1, 10));
  Contact("person-bravo", CivilDay(2020, 6, 1));
  Contact("person-charlie", CivilDay(2025, 1, 1));  // due on 2027-01-01
  Seal("person-alpha");
  BOOST_REQUIRE(RecordEliminationVisa(*engine, {"V-A", "administrative", kToday, "sw1"}).ok());
  BOOST_REQUIRE(RecordEliminationVisa(*engine, {"V-S", "social", kToday, "sw1"}).ok());
  MustRun(kToday, 1);
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  // After the snapshot: a visa, a kill mid-sweep (open batches in the state), a finished sweep.
  BOOST_REQUIRE(RecordEliminationVisa(*engine, {"V-F", "financial", kToday, "sw1"}).ok());
  BOOST_REQUIRE(RecordEliminationVisa(*engine, {"V-H", "health", kToday, "sw1"}).ok());
  clock.Advance(absl::Hours(24));
  access_internal::SetSweepFaultForTesting(
      [](uint64_t) { return MakeError(ErrorCode::kIo, "killed"); });
  BOOST_TEST(!Run(CivilDay(2026, 5, 29), 1).ok());
  access_internal::SetSweepFaultForTesting(nullptr);

  auto state_of = [](const AccessEngine& e) {
    std::vector<std::string> out;
    for (const DeletionCertificate& c : IssuedCertificates(e)) {
      out.push_back(absl::StrCat(c.category, " ", c.count, " ", c.sweep_day, " ", c.rule, " ",
                                 static_cast<int>(c.end_action), " ", c.visa_reference, " ",
                                 c.revision, " ", std::string(c.sha256.begin(), c.sha256.end())));
    }
    for (const CivilDay day : {CivilDay(2026, 5, 29), CivilDay(2027, 1, 1)}) {
      auto plan = PlanSweep(e, day);
      BOOST_REQUIRE(plan.ok());
      out.push_back(absl::StrCat("plan ", plan->purged, " ", plan->awaiting_visa, " ",
                                 plan->changes.size(), " ", plan->resumed));
      for (const VendorTask& t : plan->todo) {
        out.push_back(absl::StrCat(t.person, " ", t.category, " ", t.visa_reference));
      }
    }
    return out;
  };
  const std::vector<std::string> expected = state_of(*engine);
  BOOST_TEST(IssuedCertificates(*engine).size() == 2u);  // the first sweep's, under V-A and V-S

  AccessEngine::Options options;
  options.clock = &clock;
  auto reopened = AccessEngine::Open(policy, record, options);
  BOOST_REQUIRE_MESSAGE(reopened.ok(), reopened.status().ToString());
  BOOST_TEST(state_of(**reopened) == expected, boost::test_tools::per_element());

  auto events_only = EventsOnly(*record);
  auto replayed = AccessEngine::Open(policy, events_only, options);
  BOOST_REQUIRE_MESSAGE(replayed.ok(), replayed.status().ToString());
  BOOST_TEST(state_of(**replayed) == expected, boost::test_tools::per_element());

  // The reopened engine finishes the killed sweep like the original would.
  trail.reset();
  engine.reset();
  engine = std::move(*reopened);
  LedgerOptions lo;
  lo.clock = &clock;
  lo.checkpoint_every = 0;
  lo.checkpoint_interval = absl::ZeroDuration();
  auto ledger = Ledger::Open(dir.File("trail.db"), vault, "access_trail", lo);
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
  auto created = AccessTrail::Create(std::shared_ptr<Ledger>(std::move(*ledger)), *engine);
  BOOST_REQUIRE(created.ok());
  trail = std::move(*created);
  const SweepReport r = MustRun(CivilDay(2026, 5, 29), 1);
  BOOST_TEST(r.resumed);
  // Alpha's 4 categories, bravo's all but the financial data (due on 2026-06-01).
  BOOST_TEST(Sum(IssuedCertificates(*engine)) == 7u);
  BOOST_TEST(r.shredded == 1u);  // alpha, whose shredding the kill interrupted
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
