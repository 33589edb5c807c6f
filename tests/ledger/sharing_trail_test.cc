// The sharing log in the access trail (socle/trail.hpp, REQ-30, sharing checklist line 10): every
// share and every refused attempt recorded with all its fields, shown in the person's history
// (and no one else's) with its proof, described from the snapshot the decision was computed on,
// refused whole when invalid, impossible to change unseen; the recipients of an item for a
// rectification (REQ-12, GDPR art. 19).
#include <sodium.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "../access/sharing_util.h"
#include "../access/test_util.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "access/sharing_internal.h"
#include "ledger/merkle.h"
#include "ledger_fixture.h"
#include "socle/consent.hpp"
#include "socle/error.hpp"
#include "socle/trail.hpp"

namespace socle::ledger_testing {
namespace {

using access_testing::Scenario;
using Record = SharingTrailRecord;

constexpr char kAuditorRole[] = R"pb(
  roles {
    id: "security_auditor"
    label: "Auditeur de sécurité"
    secrecy: SECRECY_NONE
    capabilities: [ SECURITY_AUDITOR ]
  }
)pb";

constexpr char kAssistant[] = "Assistant de service social (CSP R.1110-2)";
constexpr char kNurse[] = "Infirmier (CSP L.4311-1)";

std::string Sha256(absl::string_view content) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(content.data()), content.size());
  return out;
}

LedgerOptions WithClock(const Clock& clock) {
  LedgerOptions options = LedgerFixture::Options();
  options.clock = &clock;
  return options;
}

struct SharingFixture : LedgerFixture {
  Scenario scenario{access_testing::PolicyVariant({}, kAuditorRole)};
  std::shared_ptr<Ledger> ledger = Open(WithClock(scenario.clock()));
  std::unique_ptr<AccessTrail> trail;

  SharingFixture() {
    // The emitter and the two recipients, with what the trail must copy from the directory.
    for (const ProfessionalEntry& p :
         std::vector<ProfessionalEntry>{{"aud1", "security_auditor", {}, "DSI du département"},
                                        {"sw1",
                                         "social_worker",
                                         {"t1"},
                                         "CCAS de Villeneuve",
                                         SecrecyStatus::kByProfession,
                                         kAssistant},
                                        {"hp1",
                                         "health_professional",
                                         {"t1"},
                                         "Centre de santé municipal",
                                         SecrecyStatus::kByProfession,
                                         kNurse},
                                        {"hp2",
                                         "health_professional",
                                         {"t1"},
                                         "Mutuelle partenaire",
                                         SecrecyStatus::kNone,
                                         "Conseiller"}}) {
      auto added = scenario.engine().UpsertProfessional(p);
      BOOST_REQUIRE_MESSAGE(added.ok(), added.status().ToString());
    }
    auto created = AccessTrail::Create(ledger, scenario.engine());
    BOOST_REQUIRE(created.ok());
    trail = std::move(*created);
  }

  // A granted share by sw1 to hp1 of x1's items, after prior information and with consent.
  static Record Granted(absl::string_view share = "share-1",
                        std::vector<std::string> items = {"note-12", "budget-3"},
                        absl::string_view recipient = "hp1", absl::string_view person = "x1") {
    Record r;
    r.share = std::string(share);
    r.emitter.professional = "sw1";
    r.recipient.professional = std::string(recipient);
    r.person = std::string(person);
    r.basis = SharingBasis::kCspL1110_4_IIIConsent;
    r.purpose = "accompagnement";
    for (const std::string& item : items) {
      r.items.push_back({item, "social", Sha256(absl::StrCat("content of ", item))});
    }
    r.granted = true;
    r.information.kind = Record::Information::Kind::kInformed;
    r.information.revision = 41;
    r.consent_revision = 38;
    r.involvement.kind = Record::Involvement::Kind::kInformedBeforehand;
    return r;
  }

  // A refused attempt by sw1 to hp2, who is not bound by secrecy.
  static Record Refused(absl::string_view share = "share-2") {
    Record r = Granted(share, {"note-12"}, "hp2");
    r.basis = SharingBasis::kCasfL226_2_2;
    r.granted = false;
    r.failed_check = "recipient_not_bound_by_secrecy";
    r.information = {};
    r.information.kind = Record::Information::Kind::kException;
    r.information.exception = Record::Information::Exception::kUrgency;
    r.information.revision = 44;
    r.information.follow_up_open = true;
    r.consent_revision = 0;
    r.involvement.kind = Record::Involvement::Kind::kNotInformed;
    r.involvement.reason = "the person could not be reached";
    return r;
  }

  uint64_t Share(const Record& r) {
    auto index = trail->RecordSharing(r);
    BOOST_REQUIRE_MESSAGE(index.ok(), index.status().ToString());
    return *index;
  }

  PersonHistory History(absl::string_view person, absl::string_view reader = "aud1",
                        bool reader_is_person = false) {
    HistoryQuery query;
    query.person = std::string(person);
    query.reader = std::string(reader);
    query.reader_is_person = reader_is_person;
    auto history = trail->History(query);
    BOOST_REQUIRE_MESSAGE(history.ok(), history.status().ToString());
    return *history;
  }
};

std::vector<const HistoryEntry*> Shares(const PersonHistory& h) {
  std::vector<const HistoryEntry*> out;
  for (const auto& e : h.entries) {
    if (e.type == LedgerEntryType::kSharingDecision) out.push_back(&e);
  }
  return out;
}

std::string PolicyDigest(const AccessEngine& engine) {
  const auto& digest = engine.policy().digest();
  return std::string(digest.begin(), digest.end());
}

BOOST_AUTO_TEST_SUITE(sharing_trail)

// REQ-30: after one share and one refused attempt, the person's history shows exactly those two
// entries, with every field.
BOOST_FIXTURE_TEST_CASE(a_share_and_a_refused_attempt_in_the_persons_history, SharingFixture) {
  const absl::Time t0 = scenario.clock().Now();
  const uint64_t granted_at = Share(Granted());
  scenario.clock().Advance(absl::Minutes(3));
  const uint64_t refused_at = Share(Refused());
  BOOST_TEST(refused_at > granted_at);
  const uint64_t revision = scenario.engine().revision();

  for (const bool by_person : {false, true}) {
    const PersonHistory h = by_person ? History("x1", "", true) : History("x1");
    const auto shares = Shares(h);
    BOOST_REQUIRE(shares.size() == 2u);
    CheckProofs(h);

    const HistoryEntry& g = *shares[0];
    BOOST_TEST(g.index == granted_at);
    BOOST_TEST((g.time == t0));
    BOOST_TEST(g.readable);
    BOOST_REQUIRE(g.sharing.has_value());
    // The common fields of a history line, for a reader that shows every entry alike.
    BOOST_TEST(g.actor == "sw1");
    BOOST_TEST(g.role == "social_worker");
    BOOST_TEST(g.structure == "CCAS de Villeneuve");
    BOOST_TEST((g.action == Action::kShare));
    BOOST_TEST(g.purpose == "accompagnement");
    BOOST_TEST(g.allowed);
    BOOST_TEST(g.reason.empty());
    BOOST_TEST(g.revision == revision);
    const Record& s = *g.sharing;
    BOOST_TEST(s.share == "share-1");
    BOOST_TEST(s.emitter.professional == "sw1");
    BOOST_TEST(s.emitter.role == "social_worker");
    BOOST_TEST(s.emitter.structure == "CCAS de Villeneuve");
    BOOST_TEST(s.emitter.professional_category == kAssistant);
    BOOST_TEST((s.emitter.secrecy == SecrecyStatus::kByProfession));
    BOOST_TEST(s.recipient.professional == "hp1");
    BOOST_TEST(s.recipient.role == "health_professional");
    BOOST_TEST(s.recipient.structure == "Centre de santé municipal");
    BOOST_TEST(s.recipient.professional_category == kNurse);
    BOOST_TEST((s.recipient.secrecy == SecrecyStatus::kByProfession));
    BOOST_TEST(s.person == "x1");
    BOOST_TEST((s.basis == SharingBasis::kCspL1110_4_IIIConsent));
    BOOST_TEST(s.purpose == "accompagnement");
    BOOST_REQUIRE(s.items.size() == 2u);
    BOOST_TEST(s.items[0].item == "note-12");
    BOOST_TEST(s.items[0].category == "social");
    BOOST_TEST(s.items[0].content_sha256 == Sha256("content of note-12"));
    BOOST_TEST(s.items[1].item == "budget-3");
    BOOST_TEST(s.items[1].content_sha256 == Sha256("content of budget-3"));
    BOOST_TEST(s.granted);
    BOOST_TEST(s.failed_check.empty());
    BOOST_TEST(!s.overrides_opposition);
    BOOST_TEST((s.information.kind == Record::Information::Kind::kInformed));
    BOOST_TEST(s.information.revision == 41u);
    BOOST_TEST((s.information.exception == Record::Information::Exception::kUnspecified));
    BOOST_TEST(!s.information.follow_up_open);
    BOOST_TEST(s.consent_revision == 38u);
    BOOST_TEST((s.involvement.kind == Record::Involvement::Kind::kInformedBeforehand));
    BOOST_TEST(s.involvement.reason.empty());
    BOOST_TEST((s.time == t0));
    BOOST_TEST(s.revision == revision);
    BOOST_TEST(s.policy_digest == PolicyDigest(scenario.engine()));
    BOOST_TEST(s.policy_digest.size() == 32u);

    const HistoryEntry& r = *shares[1];
    BOOST_TEST(r.index == refused_at);
    BOOST_TEST((r.time == t0 + absl::Minutes(3)));
    BOOST_REQUIRE(r.sharing.has_value());
    BOOST_TEST(!r.allowed);
    BOOST_TEST(r.reason == "recipient_not_bound_by_secrecy");
    const Record& f = *r.sharing;
    BOOST_TEST(f.share == "share-2");
    BOOST_TEST(f.recipient.professional == "hp2");
    BOOST_TEST(f.recipient.structure == "Mutuelle partenaire");
    BOOST_TEST(f.recipient.professional_category == "Conseiller");
    BOOST_TEST((f.recipient.secrecy == SecrecyStatus::kNone));
    BOOST_TEST((f.basis == SharingBasis::kCasfL226_2_2));
    BOOST_REQUIRE(f.items.size() == 1u);
    BOOST_TEST(f.items[0].item == "note-12");
    BOOST_TEST(!f.granted);
    BOOST_TEST(f.failed_check == "recipient_not_bound_by_secrecy");
    BOOST_TEST((f.information.kind == Record::Information::Kind::kException));
    BOOST_TEST((f.information.exception == Record::Information::Exception::kUrgency));
    BOOST_TEST(f.information.revision == 44u);
    BOOST_TEST(f.information.follow_up_open);
    BOOST_TEST(f.consent_revision == 0u);
    BOOST_TEST((f.involvement.kind == Record::Involvement::Kind::kNotInformed));
    BOOST_TEST(f.involvement.reason == "the person could not be reached");
  }
  // Another person's history shows neither.
  BOOST_TEST(Shares(History("x2")).empty());
  for (const auto& e : History("x2").entries) BOOST_TEST(!e.sharing.has_value());
}

BOOST_FIXTURE_TEST_CASE(a_mandatory_report_over_an_objection_to_a_recipient_outside_the_directory,
                        SharingFixture) {
  // A report to the CRIP (L.226-2-1) despite the person's objection to sharing: the CRIP is not
  // in the directory, so it is recorded as the caller describes it. What the caller says of sw1
  // is replaced by the directory's.
  Record r = Granted("report-1", {"note-12"}, "crip-departement");
  r.basis = SharingBasis::kCasfL226_2_1;
  r.overrides_opposition = true;
  r.emitter.role = "director";  // not what the directory says
  r.emitter.secrecy = SecrecyStatus::kNone;
  r.recipient.role = "crip";
  r.recipient.structure = "Cellule de recueil des informations préoccupantes";
  r.recipient.professional_category = "Service départemental (CASF L.226-3)";
  r.recipient.secrecy = SecrecyStatus::kByMission;
  r.information = {};
  r.information.kind = Record::Information::Kind::kException;
  r.information.exception = Record::Information::Exception::kContraryToChildInterest;
  r.information.revision = 50;
  r.consent_revision = 0;
  Share(r);
  const PersonHistory h = History("x1");
  const auto shares = Shares(h);
  BOOST_REQUIRE(shares.size() == 1u);
  const Record& s = *shares[0]->sharing;
  BOOST_TEST(s.overrides_opposition);
  BOOST_TEST(s.emitter.role == "social_worker");
  BOOST_TEST((s.emitter.secrecy == SecrecyStatus::kByProfession));
  BOOST_TEST(s.recipient.professional == "crip-departement");
  BOOST_TEST(s.recipient.role == "crip");
  BOOST_TEST(s.recipient.structure == "Cellule de recueil des informations préoccupantes");
  BOOST_TEST(s.recipient.professional_category == "Service départemental (CASF L.226-3)");
  BOOST_TEST((s.recipient.secrecy == SecrecyStatus::kByMission));
  BOOST_TEST((s.information.exception == Record::Information::Exception::kContraryToChildInterest));
  BOOST_TEST(!s.information.follow_up_open);
}

BOOST_FIXTURE_TEST_CASE(the_record_describes_the_snapshot_the_decision_was_computed_on,
                        SharingFixture) {
  const std::shared_ptr<const AccessSnapshot> decided_on = scenario.engine().snapshot();
  const uint64_t revision = decided_on->revision();
  // hp1 moves to another structure after the decision and before the record.
  auto moved = scenario.engine().UpsertProfessional(
      {"hp1", "health_professional", {"t1"}, "Hôpital", SecrecyStatus::kByProfession, kNurse});
  BOOST_REQUIRE(moved.ok());
  BOOST_REQUIRE(scenario.engine().revision() > revision);
  auto index = trail->RecordSharing(*decided_on, Granted());
  BOOST_REQUIRE_MESSAGE(index.ok(), index.status().ToString());
  Share(Granted("share-later"));  // on the engine's current snapshot
  const PersonHistory h = History("x1");
  const auto shares = Shares(h);
  BOOST_REQUIRE(shares.size() == 2u);
  BOOST_TEST(shares[0]->sharing->recipient.structure == "Centre de santé municipal");
  BOOST_TEST(shares[0]->sharing->revision == revision);
  BOOST_TEST(shares[1]->sharing->recipient.structure == "Hôpital");
  BOOST_TEST(shares[1]->sharing->revision == scenario.engine().revision());
}

BOOST_FIXTURE_TEST_CASE(an_invalid_record_is_refused_and_records_nothing, SharingFixture) {
  struct Case {
    const char* name;
    void (*spoil)(Record&);
    const char* words;
  };
  const Case cases[] = {
      {"no emitter", [](Record& r) { r.emitter.professional.clear(); }, "emitter.professional"},
      {"no recipient", [](Record& r) { r.recipient.professional.clear(); },
       "recipient.professional"},
      {"no person", [](Record& r) { r.person.clear(); }, "person"},
      {"no basis", [](Record& r) { r.basis = SharingBasis::kUnspecified; }, "basis"},
      {"unknown basis", [](Record& r) { r.basis = static_cast<SharingBasis>(9); }, "basis"},
      {"item without id", [](Record& r) { r.items[1].item.clear(); }, "items[1].item"},
      {"item without category", [](Record& r) { r.items[0].category.clear(); },
       "items[0].category"},
      {"hash of 31 bytes", [](Record& r) { r.items[1].content_sha256.pop_back(); },
       "items[1].content_sha256"},
      {"hash in hex", [](Record& r) { r.items[0].content_sha256 = std::string(64, 'a'); },
       "items[0].content_sha256"},
      {"no hash", [](Record& r) { r.items[0].content_sha256.clear(); }, "items[0].content_sha256"},
      {"10001 items", [](Record& r) { r.items.resize(10001, r.items[0]); },
       "more than 10000 items"},
      {"refused without its check", [](Record& r) { r.granted = false; }, "failed_check"},
      {"refused with free text",
       [](Record& r) {
         r.granted = false;
         r.failed_check = "the recipient note-12 is not bound";
       },
       "failed_check"},
      {"granted with a failed check", [](Record& r) { r.failed_check = "no_consent"; },
       "failed_check"},
      {"exception without its kind",
       [](Record& r) { r.information.kind = Record::Information::Kind::kException; },
       "information.exception"},
      {"follow-up of an information", [](Record& r) { r.information.follow_up_open = true; },
       "follow_up_open"},
      {"unknown involvement",
       [](Record& r) { r.involvement.kind = static_cast<Record::Involvement::Kind>(7); },
       "involvement.kind"},
  };
  const uint64_t before = *ledger->Size();
  for (const Case& c : cases) {
    Record r = Granted();
    c.spoil(r);
    const auto index = trail->RecordSharing(r);
    BOOST_TEST(CodeName(index.status()) == "INVALID_ARGUMENT", c.name);
    BOOST_TEST(absl::StrContains(index.status().message(), c.words),
               c.name << ": " << index.status().message());
    // Never an id in the message.
    for (const char* id : {"x1", "sw1", "hp1", "note-12", "budget-3", "share-1"}) {
      BOOST_TEST(!absl::StrContains(index.status().message(), id), c.name << ": " << id);
    }
  }
  BOOST_TEST(*ledger->Size() == before);
  // 10,000 items are accepted.
  Record most = Granted();
  most.items.clear();
  for (int i = 0; i < 10000; ++i) {
    most.items.push_back({absl::StrCat("i", i), "social", Sha256(absl::StrCat(i))});
  }
  Share(most);
  const PersonHistory h = History("x1");
  const auto shares = Shares(h);
  BOOST_REQUIRE(shares.size() == 1u);
  BOOST_TEST(shares[0]->sharing->items.size() == 10000u);
  BOOST_TEST(shares[0]->sharing->items[9999].item == "i9999");
}

BOOST_FIXTURE_TEST_CASE(a_shredded_person_gets_no_new_sharing_entry, SharingFixture) {
  Share(Granted());
  BOOST_REQUIRE(trail->ShredPerson("dpo", "x1").ok());
  BOOST_TEST(CodeName(trail->RecordSharing(Granted("share-9")).status()) == "FAILED_PRECONDITION");
  const PersonHistory h = History("x1");
  const auto shares = Shares(h);
  BOOST_REQUIRE(shares.size() == 1u);  // the first, unreadable, with its proof
  BOOST_TEST(!shares[0]->readable);
  BOOST_TEST(!shares[0]->sharing.has_value());
  CheckProofs(h);
}

BOOST_FIXTURE_TEST_CASE(a_sharing_entry_cannot_be_modified, SharingFixture) {
  const uint64_t granted_at = Share(Granted());
  Share(Refused());
  BOOST_REQUIRE(ledger->Checkpoint().ok());
  BOOST_REQUIRE(ledger->Verify()->ok);
  // Through the API: refused, and the attempt recorded.
  BOOST_TEST(CodeName(ledger->UpdateEntry(granted_at, "admin-3")) == "LOG_TAMPER_ATTEMPT");
  BOOST_TEST(CodeName(ledger->DeleteEntry(granted_at, "admin-3")) == "LOG_TAMPER_ATTEMPT");
  BOOST_REQUIRE(ledger->Verify()->ok);
  // In the database: the triggers refuse a casual edit; past them, Verify names the entry.
  Attacker attacker(backend);
  BOOST_TEST(!attacker.Try(absl::StrCat(
      "UPDATE entries SET body = ", Attacker::Zeroed("body", 40, 4), " WHERE idx = ", granted_at)));
  attacker.DropTriggers();
  const std::string length =
      attacker.Query(absl::StrCat("SELECT length(body) FROM entries WHERE idx = ", granted_at));
  // A few bytes of the sealed record (the payload ends the entry) zeroed.
  attacker.Exec(absl::StrCat(
      "UPDATE entries SET body = ", Attacker::Zeroed("body", std::stoul(length) - 24, 4),
      " WHERE idx = ", granted_at));
  const auto report = ledger->Verify();
  BOOST_REQUIRE(report.ok());
  BOOST_TEST(!report->ok);
  BOOST_TEST(report->first_bad_index == granted_at, report->problem);
}

BOOST_FIXTURE_TEST_CASE(the_trail_file_holds_no_id_of_a_share, SharingFixture) {
  Share(Granted());
  Share(Refused());
  BOOST_REQUIRE(ledger->Flush().ok());
  for (absl::string_view id : {absl::string_view("\x02x1", 3), absl::string_view("note-12"),
                               absl::string_view("share-1"), absl::string_view("hp2")}) {
    BOOST_TEST(!backend.StoredBytesContain("access_trail", id), id);
  }
}

// AccessTrail::Share decides and records in one call: a refused attempt (no prior
// information), then, once the person is informed, the granted share, each in the person's
// history with the check that failed or the evidence it rests on; the recipient then reads the
// shared item.
struct ShareFixture : LedgerFixture {
  access_testing::Sharing sharing;
  std::shared_ptr<Ledger> ledger = Open(WithClock(sharing.clock));
  std::unique_ptr<AccessTrail> trail;
  ShareFixture() {
    auto created = AccessTrail::Create(ledger, *sharing.engine);
    BOOST_REQUIRE(created.ok());
    trail = std::move(*created);
  }
};

BOOST_FIXTURE_TEST_CASE(share_decides_and_records_in_one_call, ShareFixture) {
  const SharingRequest request = access_testing::Sharing::Request(
      SharingBasis::kCspL1110_4_II, "sw1", "sw2", "x1",
      {{"note-12", "social", Sha256("content of note-12")}}, "share-7");
  auto refused = trail->Share(*sharing.engine, request);
  BOOST_REQUIRE_MESSAGE(refused.ok(), refused.status().ToString());
  BOOST_TEST(!refused->granted);
  sharing.Inform("x1", "share-7", "sw2", {"social"});
  auto granted = trail->Share(*sharing.engine, request);
  BOOST_REQUIRE_MESSAGE(granted.ok(), granted.status().ToString());
  BOOST_TEST(granted->granted);

  HistoryQuery query;
  query.person = "x1";
  query.reader = "x1";
  query.reader_is_person = true;
  auto history = trail->History(query);
  BOOST_REQUIRE_MESSAGE(history.ok(), history.status().ToString());
  const auto shares = Shares(*history);
  BOOST_REQUIRE(shares.size() == 2u);
  BOOST_REQUIRE(shares[0]->sharing.has_value());
  BOOST_TEST(!shares[0]->sharing->granted);
  BOOST_TEST(shares[0]->sharing->failed_check == "person_not_informed");
  BOOST_TEST(shares[1]->sharing->granted);
  BOOST_TEST(shares[1]->sharing->share == "share-7");
  BOOST_TEST(static_cast<int>(shares[1]->sharing->information.kind) ==
             static_cast<int>(SharingTrailRecord::Information::Kind::kInformed));
  BOOST_TEST(shares[1]->sharing->information.revision != 0u);
  BOOST_TEST(shares[1]->sharing->items.size() == 1u);
  BOOST_TEST(shares[1]->sharing->recipient.role == "social_worker");

  // Another engine than the trail's: refused, nothing recorded.
  access_testing::Sharing other;
  BOOST_TEST(CodeName(trail->Share(*other.engine, request).status()) == "FAILED_PRECONDITION");
  BOOST_TEST(Shares(*trail->History(query)).size() == 2u);
}

// An L.226-2-2 share about a minor rests on the information of every holder of parental
// authority (REQ-28): the log keeps each PersonInformed event, not only the last.
BOOST_FIXTURE_TEST_CASE(the_log_keeps_every_parent_informed, ShareFixture) {
  const SharingRequest request = access_testing::Sharing::Request(
      SharingBasis::kCasfL226_2_2, "sw1", "sw2", "child",
      {{"note-3", "social", Sha256("content of note-3")}}, "share-c");
  sharing.Inform("child", "share-c", "sw2", {"social"}, "mother");
  sharing.Inform("child", "share-c", "sw2", {"social"}, "father");
  auto granted = trail->Share(*sharing.engine, request);
  BOOST_REQUIRE_MESSAGE(granted.ok(), granted.status().ToString());
  BOOST_REQUIRE(granted->granted);
  BOOST_REQUIRE(granted->information_revisions.size() == 2u);

  HistoryQuery query;
  query.person = "child";
  query.reader = "child";
  query.reader_is_person = true;
  auto history = trail->History(query);
  BOOST_REQUIRE_MESSAGE(history.ok(), history.status().ToString());
  const auto shares = Shares(*history);
  BOOST_REQUIRE(shares.size() == 1u);
  const SharingTrailRecord::Information& information = shares[0]->sharing->information;
  BOOST_TEST(information.informed_revisions == granted->information_revisions);
  BOOST_TEST(information.revision == granted->information_revisions.back());

  // A record whose list does not end with its revision is refused.
  SharingTrailRecord forged = *shares[0]->sharing;
  forged.information.informed_revisions = {information.revision, 1};
  BOOST_TEST(CodeName(trail->RecordSharing(forged).status()) == "INVALID_ARGUMENT");
}

// A share the log would refuse (an item without its 32-byte hash) is refused before it is
// granted: no grant, no entry, and the share's id is still free for the corrected request.
BOOST_FIXTURE_TEST_CASE(a_share_the_log_would_refuse_is_never_granted, ShareFixture) {
  sharing.Inform("x1", "share-9", "sw2", {"social"});
  SharingRequest request =
      access_testing::Sharing::Request(SharingBasis::kCspL1110_4_II, "sw1", "sw2", "x1",
                                       {{"note-12", "social", "short"}}, "share-9");
  const uint64_t before = sharing.engine->revision();
  auto refused = trail->Share(*sharing.engine, request);
  BOOST_TEST(CodeName(refused.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(std::string(refused.status().message()).find("items[0].content_sha256") !=
             std::string::npos);
  BOOST_TEST(sharing.engine->revision() == before);
  auto shares = socle::Shares(*sharing.engine->snapshot(), "x1");
  BOOST_REQUIRE(shares.ok());
  BOOST_TEST(shares->empty());

  request.items[0].content_sha256 = Sha256("content of note-12");
  auto granted = trail->Share(*sharing.engine, request);
  BOOST_REQUIRE_MESSAGE(granted.ok(), granted.status().ToString());
  BOOST_TEST(granted->granted);
}

// The person objects to sharing while a share is being decided (after the first decision, before
// the grant): the share is decided again on the state it would be applied to, refused, and the
// log records the refusal with the check that failed.
BOOST_FIXTURE_TEST_CASE(an_objection_in_between_is_recorded_as_the_refusal, ShareFixture) {
  sharing.Inform("x1", "share-8", "sw2", {"social"});
  const SharingRequest request = access_testing::Sharing::Request(
      SharingBasis::kCspL1110_4_II, "sw1", "sw2", "x1",
      {{"note-12", "social", Sha256("content of note-12")}}, "share-8");
  access_internal::share_checked_hook = [&] {
    ObjectionSpec objection;
    objection.person = "x1";
    objection.kind = ObjectionKind::kSharing;
    objection.objected_by = "x1";
    objection.informed_evidence = "livret d'accueil remis";
    objection.recorded_by = "sw1";
    auto recorded = RecordObjection(*sharing.engine, objection);
    BOOST_REQUIRE_MESSAGE(recorded.ok(), recorded.status().ToString());
  };
  auto outcome = trail->Share(*sharing.engine, request);
  const bool hook_ran = !access_internal::share_checked_hook;
  access_internal::share_checked_hook = nullptr;
  BOOST_REQUIRE(hook_ran);
  BOOST_REQUIRE_MESSAGE(outcome.ok(), outcome.status().ToString());
  BOOST_TEST(!outcome->granted);
  BOOST_TEST(Name(outcome->failed) == "person_objects_to_sharing");

  HistoryQuery query;
  query.person = "x1";
  query.reader = "x1";
  query.reader_is_person = true;
  auto history = trail->History(query);
  BOOST_REQUIRE_MESSAGE(history.ok(), history.status().ToString());
  const auto shares = Shares(*history);
  BOOST_REQUIRE(shares.size() == 1u);
  BOOST_TEST(!shares[0]->sharing->granted);
  BOOST_TEST(shares[0]->sharing->failed_check == "person_objects_to_sharing");
  auto standing = socle::Shares(*sharing.engine->snapshot(), "x1");
  BOOST_REQUIRE(standing.ok());
  BOOST_TEST(standing->empty());
}

BOOST_FIXTURE_TEST_CASE(shares_recorded_from_several_threads, SharingFixture) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!trail->RecordSharing(Granted(absl::StrCat("s", t, "-", i))).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  BOOST_TEST(failures.load() == 0);
  const PersonHistory h = History("x1");
  std::set<std::string> ids;
  for (const auto* e : Shares(h)) ids.insert(e->sharing->share);
  BOOST_TEST(ids.size() == static_cast<size_t>(kThreads * kEach));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger_testing
