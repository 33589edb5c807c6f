// The person's exports (socle/access_request.hpp) and the audit extract (socle/audit_extract.hpp):
// what each writes, read back record by record (REQ-11, REQ-15, REQ-54, REQ-60).
#include "socle/access_request.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../access/test_util.h"
#include "../ledger/ledger_fixture.h"
#include "../support/export_recording.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/merkle.h"
#include "socle/audit_extract.hpp"
#include "socle/representation.hpp"
#include "socle/v1/export.pb.h"

namespace socle::export_testing {
namespace {

using access_testing::Scenario;
using ledger_testing::LedgerFixture;

using test_support::RecordingWriter;

constexpr char kExtra[] = R"pb(
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

struct ExportFixture : LedgerFixture {
  Scenario scenario{access_testing::PolicyVariant(
      {}, absl::StrCat(
              access_testing::ReadFile(access_testing::TestDir() + "/consent_activity.textproto"),
              kExtra))};
  std::shared_ptr<Ledger> ledger = Open(WithClock(scenario.clock()));
  std::unique_ptr<AccessTrail> trail;

  ExportFixture() {
    auto added = scenario.engine().UpsertProfessional({"aud1", "security_auditor", {}, "DSI"});
    BOOST_REQUIRE_MESSAGE(added.ok(), added.status().ToString());
    BOOST_REQUIRE(scenario.engine().UpsertPerson({"mother", {}}).ok());
    auto created = AccessTrail::Create(ledger, scenario.engine());
    BOOST_REQUIRE(created.ok());
    trail = std::move(*created);
  }

  PersonExportRequest Request(absl::string_view person = "x1") const {
    PersonExportRequest r;
    r.identity.person = std::string(person);
    r.identity.family_name = "Martin";
    r.identity.given_names = "Léa";
    r.identity.birth_date = "1990-04-02";
    r.requested_by = std::string(person);
    r.handled_by = "sw1";
    return r;
  }

  // sw1 reads x1's social file twice, sw3 is refused once: three lines of x1's history.
  void Activity() {
    for (const char* actor : {"sw1", "sw1", "sw3"}) {
      auto d = trail->Decide(scenario.Request(actor, "x1", "social"));
      BOOST_REQUIRE_MESSAGE(d.ok(), d.status().ToString());
    }
  }
};

CaseEntry Entry(absl::string_view id, EntryKind kind, absl::string_view category = "social") {
  CaseEntry e;
  e.id = std::string(id);
  e.person = "x1";
  e.category = std::string(category);
  e.kind = kind;
  e.author = "sw1";
  e.created_at = absl::FromUnixSeconds(Scenario::kStart - 86400);
  e.purpose = "accompagnement";
  e.title = absl::StrCat("titre ", id);
  e.text = absl::StrCat("texte de ", id);
  return e;
}

std::vector<CaseEntry> SeededFile() {
  std::vector<CaseEntry> entries;
  for (int i = 0; i < 7; ++i) entries.push_back(Entry(absl::StrCat("fact-", i), EntryKind::kFact));
  entries.push_back(Entry("appreciation-1", EntryKind::kAppreciation));
  entries.push_back(Entry("third-party-1", EntryKind::kThirdPartyInformation));
  CaseEntry released = Entry("third-party-2", EntryKind::kThirdPartyInformation);
  released.released_by = "sw1";
  entries.push_back(released);
  entries.push_back(Entry("working-note-1", EntryKind::kWorkingNote));
  CaseEntry provided = Entry("provided-1", EntryKind::kFact, "administrative");
  provided.purpose = "atelier";
  provided.provided_by_person = true;
  provided.fields = {{"telephone", "0639980000"}};
  entries.push_back(provided);
  return entries;
}

BOOST_AUTO_TEST_SUITE(access_request)

BOOST_FIXTURE_TEST_CASE(exports_every_entry_the_person_may_see_and_marks_the_withheld,
                        ExportFixture) {
  Activity();
  const std::vector<CaseEntry> entries = SeededFile();
  RecordingWriter writer(ExportKind::kAccessRequest);
  auto report = WriteAccessRequest(*trail, Request(), EntriesFrom(entries), writer);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(writer.finished);
  // 12 entries: 1 working note left out, 1 third-party entry withheld, 10 written.
  BOOST_TEST(report->entries == 10u);
  BOOST_TEST(report->withheld == 1u);
  BOOST_TEST(report->left_out == 1u);

  const auto records = writer.Parsed<v1::AccessRequestRecord>();
  BOOST_REQUIRE(records.size() > 2);
  BOOST_TEST(records[0].has_identity());
  BOOST_TEST(records[0].identity().family_name() == "Martin");
  BOOST_TEST(records[1].has_summary());
  BOOST_TEST(records[1].summary().person() == "x1");
  BOOST_REQUIRE(records[2].has_context());
  BOOST_TEST(records[2].context().roles_size() > 0);
  BOOST_TEST(records[2].context().categories_size() == 4);
  std::vector<std::string> ids, withheld, activities;
  size_t history = 0, checkpoints = 0;
  for (const auto& r : records) {
    if (r.has_entry()) {
      ids.push_back(r.entry().id());
      if (r.entry().kind() == v1::PROFESSIONAL_APPRECIATION) {
        BOOST_TEST(r.entry().author() == "sw1");  // an appreciation shows its author and date
        BOOST_TEST(r.entry().created_at().seconds() == Scenario::kStart - 86400);
      }
    }
    if (r.has_withheld()) {
      withheld.push_back(r.withheld().id());
      BOOST_TEST(r.withheld().reason() == "third_party_information");
      BOOST_TEST(r.withheld().category() == "social");
    }
    if (r.has_activity()) activities.push_back(r.activity().activity());
    if (r.has_history()) ++history;
    if (r.has_checkpoint()) ++checkpoints;
  }
  BOOST_TEST(ids.size() == 10u);
  for (const std::string& id : ids) {
    BOOST_TEST(id != "working-note-1");
    BOOST_TEST(id != "third-party-1");
  }
  BOOST_TEST(std::count(ids.begin(), ids.end(), "third-party-2") == 1);  // released
  BOOST_TEST(withheld == std::vector<std::string>{"third-party-1"});
  BOOST_TEST(activities == (std::vector<std::string>{"accompagnement", "atelier"}));
  // The history: the three decisions and the export itself (recorded before it was written).
  BOOST_TEST(history == report->history_entries);
  BOOST_TEST(history >= 4u);
  BOOST_TEST(checkpoints >= 1u);
}

BOOST_FIXTURE_TEST_CASE(every_history_line_carries_a_proof_to_its_checkpoint, ExportFixture) {
  Activity();
  RecordingWriter writer(ExportKind::kAccessRequest);
  auto report = WriteAccessRequest(*trail, Request(), EntriesFrom({}), writer);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  v1::CheckpointRecord checkpoint;
  size_t verified = 0;
  bool saw_export = false;
  for (const auto& r : writer.Parsed<v1::AccessRequestRecord>()) {
    if (r.has_checkpoint()) {
      checkpoint = r.checkpoint();
      BOOST_TEST(absl::StrContains(checkpoint.note(), "\n\n"));  // a signed note
      BOOST_TEST(!checkpoint.verifier_key().empty());
    }
    if (!r.has_history()) continue;
    const v1::HistoryRecord& h = r.history();
    BOOST_REQUIRE(h.proof_tree_size() == checkpoint.size());
    ledger::MerkleHash leaf{}, root{};
    std::copy(h.leaf_hash().begin(), h.leaf_hash().end(), leaf.begin());
    std::copy(checkpoint.root().begin(), checkpoint.root().end(), root.begin());
    std::vector<ledger::MerkleHash> proof(h.proof_hashes_size());
    for (int i = 0; i < h.proof_hashes_size(); ++i) {
      std::copy(h.proof_hashes(i).begin(), h.proof_hashes(i).end(), proof[i].begin());
    }
    BOOST_TEST(ledger::VerifyInclusion(leaf, h.index(), h.proof_tree_size(), proof, root).ok());
    ++verified;
    saw_export |= h.operation() == "export" && h.detail() == "access_request";
  }
  BOOST_TEST(verified == report->history_entries);
  BOOST_TEST(saw_export);
}

BOOST_FIXTURE_TEST_CASE(a_legal_representative_may_ask_and_no_one_else, ExportFixture) {
  BOOST_REQUIRE(scenario.engine().UpsertPerson({"x1", {"t1"}, "", "2015-03-01"}).ok());
  RepresentativeSpec spec;
  spec.person = "x1";
  spec.representative = "mother";
  spec.kind = RepresentativeKind::kParentalAuthority;
  spec.from = absl::CivilDay(2020, 1, 1);
  spec.reference = "livret de famille";
  spec.recorded_by = "sw1";
  auto set = SetRepresentative(scenario.engine(), spec);
  BOOST_REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  PersonExportRequest request = Request();
  request.requested_by = "mother";
  RecordingWriter writer(ExportKind::kAccessRequest);
  BOOST_TEST(WriteAccessRequest(*trail, request, EntriesFrom({}), writer).ok());

  request.requested_by = "x2";
  RecordingWriter refused(ExportKind::kAccessRequest);
  auto status = WriteAccessRequest(*trail, request, EntriesFrom({}), refused).status();
  BOOST_TEST(status.code() == absl::StatusCode::kPermissionDenied);
  BOOST_TEST(refused.records.empty());
}

BOOST_FIXTURE_TEST_CASE(bad_entries_are_refused_by_position_without_their_content, ExportFixture) {
  struct Case {
    const char* what;
    std::function<void(CaseEntry&)> spoil;
  };
  const std::vector<Case> cases = {
      {"another person", [](CaseEntry& e) { e.person = "x2"; }},
      {"unknown category", [](CaseEntry& e) { e.category = "astrologie"; }},
      {"unknown purpose", [](CaseEntry& e) { e.purpose = "curiosite"; }},
      {"appreciation without author",
       [](CaseEntry& e) {
         e.kind = EntryKind::kAppreciation;
         e.author.clear();
       }},
      {"appreciation without date",
       [](CaseEntry& e) {
         e.kind = EntryKind::kAppreciation;
         e.created_at = absl::InfinitePast();
       }},
      {"no kind", [](CaseEntry& e) { e.kind = EntryKind::kUnspecified; }},
      {"released by a stranger",
       [](CaseEntry& e) {
         e.kind = EntryKind::kThirdPartyInformation;
         e.released_by = "nobody";
       }},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      std::vector<CaseEntry> entries = SeededFile();
      entries[3].id = "secret-id-3";
      entries[3].text = "Secret confié par Mme Dupont";
      c.spoil(entries[3]);
      RecordingWriter writer(ExportKind::kAccessRequest);
      auto status = WriteAccessRequest(*trail, Request(), EntriesFrom(entries), writer).status();
      BOOST_TEST(status.code() == absl::StatusCode::kInvalidArgument);
      BOOST_TEST(absl::StrContains(status.message(), "entry 4 of the stream"));
      BOOST_TEST(!absl::StrContains(status.message(), "secret-id-3"));
      BOOST_TEST(!absl::StrContains(status.message(), "Dupont"));
      BOOST_TEST(!writer.finished);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(unknown_people_are_refused_before_anything_is_written, ExportFixture) {
  const uint64_t before = *ledger->Size();
  PersonExportRequest request = Request("nobody");
  request.requested_by = "nobody";
  RecordingWriter writer(ExportKind::kAccessRequest);
  BOOST_TEST(WriteAccessRequest(*trail, request, EntriesFrom({}), writer).status().code() ==
             absl::StatusCode::kNotFound);
  request = Request();
  request.handled_by = "nobody";
  BOOST_TEST(WriteAccessRequest(*trail, request, EntriesFrom({}), writer).status().code() ==
             absl::StatusCode::kNotFound);
  BOOST_TEST(writer.records.empty());
  BOOST_TEST(*ledger->Size() == before);
}

BOOST_FIXTURE_TEST_CASE(the_vendors_error_stops_the_export, ExportFixture) {
  RecordingWriter writer(ExportKind::kAccessRequest);
  int calls = 0;
  EntrySource failing = [&calls](CaseEntry* e) -> absl::StatusOr<bool> {
    if (++calls > 2) return absl::UnavailableError("database gone");
    *e = Entry(absl::StrCat("fact-", calls), EntryKind::kFact);
    return true;
  };
  auto status = WriteAccessRequest(*trail, Request(), failing, writer).status();
  BOOST_TEST(status.code() == absl::StatusCode::kUnavailable);
  BOOST_TEST(!writer.finished);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(portability)

BOOST_FIXTURE_TEST_CASE(carries_what_the_person_provided_under_consent_or_contract, ExportFixture) {
  RecordingWriter writer(ExportKind::kPortability);
  auto report = WritePortability(*trail, Request(), EntriesFrom(SeededFile()), writer);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  const auto records = writer.Parsed<v1::PortabilityRecord>();
  BOOST_REQUIRE(records.size() == 2u);
  BOOST_TEST(records[0].has_identity());
  BOOST_TEST(records[1].entry().id() == "provided-1");
  BOOST_TEST(report->entries == 1u);
  BOOST_TEST(report->left_out == SeededFile().size() - 1);

  v1::PortabilityNotice notice;
  BOOST_REQUIRE(notice.ParseFromString(PortabilityNotice(scenario.engine().policy())));
  BOOST_TEST(notice.right_applies());
  BOOST_TEST(std::vector<std::string>(notice.activities().begin(), notice.activities().end()) ==
             std::vector<std::string>{"atelier"});
  BOOST_TEST(notice.json_schema() == PortabilityJsonSchema());
}

BOOST_AUTO_TEST_CASE(does_not_apply_to_a_public_task) {
  // The workload policy alone: its one activity is a public task (art. 20(3)).
  const Policy policy = access_testing::LoadPolicy(access_testing::WorkloadPolicyText());
  v1::PortabilityNotice notice;
  BOOST_REQUIRE(notice.ParseFromString(PortabilityNotice(policy)));
  BOOST_TEST(!notice.right_applies());
  BOOST_TEST(notice.activities().empty());
  BOOST_TEST(absl::StrContains(notice.reason(), "mission d'intérêt public"));
}

BOOST_AUTO_TEST_CASE(the_published_schema_is_the_one_the_library_embeds) {
  std::ifstream in(std::string(SOCLE_DOCS_DIR) + "/schemas/portability-record.schema.json");
  std::stringstream text;
  text << in.rdbuf();
  BOOST_TEST(text.str() == PortabilityJsonSchema());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(audit_extract)

BOOST_FIXTURE_TEST_CASE(entries_with_proofs_and_consistency_with_an_earlier_checkpoint,
                        ExportFixture) {
  Activity();
  auto earlier = ledger->Checkpoint();
  BOOST_REQUIRE(earlier.ok());
  Activity();
  AuditExtractRequest request;
  request.auditor = "aud1";
  request.begin = 1;
  request.since_size = earlier->size;
  RecordingWriter writer(ExportKind::kAuditExtract);
  auto report = WriteAuditExtract(*trail, request, writer);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  const auto records = writer.Parsed<v1::AuditRecord>();
  BOOST_REQUIRE(records.size() >= 3u);
  BOOST_REQUIRE(records[0].has_checkpoint());
  const v1::CheckpointRecord& c = records[0].checkpoint();
  ledger::MerkleHash root{};
  std::copy(c.root().begin(), c.root().end(), root.begin());
  BOOST_REQUIRE(records[1].has_consistency());
  std::vector<ledger::MerkleHash> hashes(records[1].consistency().hashes_size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    const std::string& h = records[1].consistency().hashes(static_cast<int>(i));
    std::copy(h.begin(), h.end(), hashes[i].begin());
  }
  ledger::MerkleHash earlier_root{};
  std::copy(earlier->root.begin(), earlier->root.end(), earlier_root.begin());
  BOOST_TEST(ledger::VerifyConsistency(earlier->size, c.size(), hashes, earlier_root, root).ok());
  uint64_t expected = request.begin;
  for (size_t i = 2; i < records.size(); ++i) {
    const v1::AuditEntry& e = records[i].entry();
    BOOST_TEST(e.index() == expected++);
    const ledger::MerkleHash leaf = ledger::HashLeaf(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(e.bytes().data()), e.bytes().size()));
    BOOST_TEST(std::string(leaf.begin(), leaf.end()) == e.leaf_hash());
    std::vector<ledger::MerkleHash> proof(e.proof_hashes_size());
    for (int k = 0; k < e.proof_hashes_size(); ++k) {
      std::copy(e.proof_hashes(k).begin(), e.proof_hashes(k).end(), proof[k].begin());
    }
    BOOST_TEST(ledger::VerifyInclusion(leaf, e.index(), c.size(), proof, root).ok());
  }
  BOOST_TEST(expected == c.size());
  BOOST_TEST(report->entries == c.size() - request.begin);
}

BOOST_FIXTURE_TEST_CASE(needs_a_security_auditor_and_records_the_refusal, ExportFixture) {
  const uint64_t before = *ledger->Size();
  AuditExtractRequest request;
  request.auditor = "sw1";
  RecordingWriter writer(ExportKind::kAuditExtract);
  BOOST_TEST(WriteAuditExtract(*trail, request, writer).status().code() ==
             absl::StatusCode::kPermissionDenied);
  BOOST_TEST(writer.records.empty());
  BOOST_TEST(*ledger->Size() == before + 1);  // the refusal
  request.auditor = "aud1";
  request.begin = 1000;
  BOOST_TEST(WriteAuditExtract(*trail, request, writer).status().code() ==
             absl::StatusCode::kOutOfRange);
}

// Each kind's write function refuses a writer made for another kind, before it records or
// writes anything.
BOOST_FIXTURE_TEST_CASE(a_writer_of_another_kind_is_refused_before_anything, ExportFixture) {
  Activity();
  const uint64_t before = *ledger->Size();
  const auto refused = [&](const absl::Status& status, absl::string_view expected,
                           const RecordingWriter& writer) {
    BOOST_TEST(status.code() == absl::StatusCode::kInvalidArgument);
    BOOST_TEST(status.message() == expected);
    BOOST_TEST(writer.records.empty());
    BOOST_TEST(!writer.finished);
    BOOST_TEST(*ledger->Size() == before);  // nothing recorded either
  };
  RecordingWriter portability(ExportKind::kPortability);
  refused(WriteAccessRequest(*trail, Request(), EntriesFrom(SeededFile()), portability).status(),
          "WriteAccessRequest: the writer was made for exports of kind portability, not "
          "access_request",
          portability);
  RecordingWriter access(ExportKind::kAccessRequest);
  refused(WritePortability(*trail, Request(), EntriesFrom(SeededFile()), access).status(),
          "WritePortability: the writer was made for exports of kind access_request, not "
          "portability",
          access);
  AuditExtractRequest audit;
  audit.auditor = "aud1";
  RecordingWriter statistics(ExportKind::kStatisticsTable);
  refused(WriteAuditExtract(*trail, audit, statistics).status(),
          "WriteAuditExtract: the writer was made for exports of kind statistics_table, not "
          "audit_extract",
          statistics);
  // The right kind is written (and recorded) as before.
  BOOST_TEST(WriteAccessRequest(*trail, Request(), EntriesFrom(SeededFile()), access).ok());
  BOOST_TEST(!access.records.empty());
  BOOST_TEST(*ledger->Size() > before);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::export_testing
