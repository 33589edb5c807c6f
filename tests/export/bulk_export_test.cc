// Exports of many persons (socle/dataset.hpp WriteDataset, socle/training_mirror.hpp
// WriteTrainingMirror) and AccessTrail::RecordOperations: every person whose file goes into a
// pseudonymised dataset or a training mirror gets an "export" line in their own history, readable
// by them with its proof, recorded before any of their records is written (issue 12).
#include <boost/test/unit_test.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../access/test_util.h"
#include "../ledger/ledger_fixture.h"
#include "../support/export_recording.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/merkle.h"
#include "socle/access_request.hpp"
#include "socle/dataset.hpp"
#include "socle/person_report.hpp"
#include "socle/pseudonym.hpp"
#include "socle/training_mirror.hpp"
#include "socle/v1/export.pb.h"

namespace socle::export_testing {
namespace {

using access_testing::Scenario;
using ledger_testing::Attacker;
using ledger_testing::LedgerFixture;
using vault_testing::CodeName;

using test_support::RecordingWriter;

// The workload policy with a pseudonymisation profile for the observatory.
constexpr char kProfile[] = R"pb(
  pseudonym_domains { id: "stats" recipient: "Observatoire social" activity: "accompagnement" }
  pseudonymisation_profiles {
    id: "observatoire"
    domain: "stats"
    activity: "accompagnement"
    purpose: "Observatoire social : âges et départements"
    fields { name: "birth_date" treatment: GENERALISE generalisation: BIRTH_YEAR }
    fields { name: "postcode" treatment: GENERALISE generalisation: DEPARTEMENT }
  }
)pb";

LedgerOptions WithClock(const Clock& clock) {
  LedgerOptions options = LedgerFixture::Options();
  options.clock = &clock;
  return options;
}

PersonCaseFile Person(absl::string_view id) {
  PersonCaseFile f;
  f.identity.person = std::string(id);
  f.identity.family_name = "Lefèvre";
  f.identity.given_names = "Rose";
  f.identity.birth_date = "1984-05-12";
  f.identity.postcode = "33400";
  return f;
}

struct BulkFixture : LedgerFixture {
  Scenario scenario{access_testing::PolicyVariant({}, kProfile)};
  std::shared_ptr<Ledger> ledger = Open(WithClock(scenario.clock()));
  std::unique_ptr<AccessTrail> trail;
  std::unique_ptr<Pseudonymizer> pseudonymizer;

  BulkFixture() {
    auto created = AccessTrail::Create(ledger, scenario.engine());
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    trail = std::move(*created);
    FixedPseudonymSecrets secrets;
    BOOST_REQUIRE(secrets.Add(1, SecretBytes(absl::string_view(std::string(32, 'k')))).ok());
    auto p = Pseudonymizer::Create(scenario.engine().policy(), secrets);
    BOOST_REQUIRE_MESSAGE(p.ok(), p.status().ToString());
    pseudonymizer = std::move(*p);
  }

  DatasetBuilder Builder() {
    auto b = DatasetBuilder::Create(scenario.engine().policy(), "observatoire", *pseudonymizer,
                                    absl::CivilDay(2026, 12, 5));
    BOOST_REQUIRE_MESSAGE(b.ok(), b.status().ToString());
    return *std::move(b);
  }

  uint64_t Size() {
    BOOST_REQUIRE(ledger->Flush().ok());
    auto size = ledger->Size();
    BOOST_REQUIRE(size.ok());
    return *size;
  }

  // Crypto-shreds `person` once something was sealed for them (their key exists).
  void Shred(absl::string_view person) {
    BOOST_REQUIRE(trail->Decide(scenario.Request("sw1", person, "social")).ok());
    const absl::Status shred = trail->ShredPerson("dpo", person);
    BOOST_REQUIRE_MESSAGE(shred.ok(), shred.ToString());
  }

  // The person's own history (read by them), all pages.
  PersonHistory HistoryOf(absl::string_view person) {
    HistoryQuery q;
    q.person = std::string(person);
    q.reader = std::string(person);
    q.reader_is_person = true;
    q.limit = 10000;
    auto h = trail->History(q);
    BOOST_REQUIRE_MESSAGE(h.ok(), h.status().ToString());
    return *std::move(h);
  }

  // The person's export lines with `detail`, each checked against the history's checkpoint.
  int ExportLines(absl::string_view person, absl::string_view detail,
                  absl::string_view actor = "sw1") {
    const PersonHistory history = HistoryOf(person);
    ledger::MerkleHash root;
    std::copy(history.checkpoint.root.begin(), history.checkpoint.root.end(), root.begin());
    int lines = 0;
    for (const HistoryEntry& h : history.entries) {
      if (h.operation != "export" || h.detail != detail) continue;
      ++lines;
      BOOST_TEST(h.readable);
      BOOST_TEST(h.actor == actor);
      BOOST_TEST((h.type == LedgerEntryType::kOperation));
      BOOST_TEST(h.proof.tree_size == history.checkpoint.size);
      BOOST_TEST(ledger::VerifyInclusion(h.proof.leaf_hash, h.index, h.proof.tree_size,
                                         h.proof.hashes, root)
                     .ok());
    }
    return lines;
  }
};

BulkExportOptions By(absl::string_view handled_by, size_t batch_persons = 1000) {
  BulkExportOptions o;
  o.handled_by = std::string(handled_by);
  o.batch_persons = batch_persons;
  return o;
}

BOOST_AUTO_TEST_SUITE(bulk_export)

// --- RecordOperations ------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(record_operations_writes_one_sealed_line_per_person, BulkFixture) {
  const uint64_t before = Size();
  const std::vector<std::string> persons = {"x1", "x2", "x3"};
  BOOST_REQUIRE(
      trail->RecordOperations(TrailOperation::kExport, "sw1", persons, "training_mirror").ok());
  // Durable on return: the ledger holds the three without a Flush.
  auto size = ledger->Size();
  BOOST_REQUIRE(size.ok());
  BOOST_TEST(*size == before + 3);
  for (const std::string& p : persons) BOOST_TEST(ExportLines(p, "training_mirror") == 1);
  // Sealed: the payloads in the ledger do not hold the actor or the detail in clear.
  auto stored = ledger->ReadEntries(before, 3);
  BOOST_REQUIRE(stored.ok());
  for (const StoredLedgerEntry& e : *stored) {
    BOOST_TEST(!absl::StrContains(e.bytes, "training_mirror"));
  }
  // RecordOperation is the one-person case.
  BOOST_REQUIRE(trail->RecordOperation(TrailOperation::kExport, "sw1", "x1", "portability").ok());
  BOOST_TEST(ExportLines("x1", "portability") == 1);
}

BOOST_FIXTURE_TEST_CASE(record_operations_refuses_bad_input_and_records_nothing, BulkFixture) {
  const uint64_t before = Size();
  const std::vector<std::string> with_empty = {"x1", "", "x3"};
  const absl::Status empty =
      trail->RecordOperations(TrailOperation::kExport, "sw1", with_empty, "d");
  BOOST_TEST(CodeName(empty) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(empty.message(), "persons[1]"), empty.message());
  const std::vector<std::string> persons = {"x1", "x2"};
  BOOST_TEST(CodeName(trail->RecordOperations(TrailOperation::kExport, "", persons, "d")) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(trail->RecordOperations(static_cast<TrailOperation>(42), "sw1", persons,
                                              "d")) == "INVALID_ARGUMENT");
  const std::vector<std::string> too_many(AccessTrail::kMaxOperationPersons + 1, "x1");
  BOOST_TEST(CodeName(trail->RecordOperations(TrailOperation::kExport, "sw1", too_many, "d")) ==
             "OUT_OF_RANGE");
  BOOST_TEST(trail->RecordOperations(TrailOperation::kExport, "sw1", {}, "d").ok());
  BOOST_TEST(Size() == before);
  // The limit itself is accepted.
  const std::vector<std::string> limit(AccessTrail::kMaxOperationPersons, "x1");
  BOOST_TEST(trail->RecordOperations(TrailOperation::kExport, "sw1", limit, "d").ok());
  BOOST_TEST(Size() == before + AccessTrail::kMaxOperationPersons);
}

BOOST_FIXTURE_TEST_CASE(a_shredded_person_refuses_the_whole_batch_naming_its_position,
                        BulkFixture) {
  Shred("x2");
  const uint64_t before = Size();
  const std::vector<std::string> persons = {"x1", "x3", "x2"};
  const absl::Status s = trail->RecordOperations(TrailOperation::kExport, "sw1", persons, "d");
  BOOST_TEST(CodeName(s) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(s.message(), "persons[2]"), s.message());
  BOOST_TEST(!absl::StrContains(s.message(), "x2"), s.message());
  BOOST_TEST(Size() == before);
  // One person: the same refusal.
  BOOST_TEST(CodeName(trail->RecordOperation(TrailOperation::kExport, "sw1", "x2", "d")) ==
             "FAILED_PRECONDITION");
}

// --- Datasets --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(a_dataset_of_three_persons_writes_three_history_lines, BulkFixture) {
  DatasetBuilder builder = Builder();
  const std::vector<PersonCaseFile> files = {Person("x1"), Person("x2"), Person("x3")};
  RecordingWriter writer(ExportKind::kPseudonymisedDataset);
  auto report = WriteDataset(*trail, builder, CaseFilesFrom(files), writer, By("sw1"));
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->persons == 3u);
  BOOST_TEST(report->records == 3u);
  BOOST_TEST(report->batches == 1u);
  BOOST_TEST(writer.finished);
  BOOST_TEST(writer.records.size() == 3u);
  for (const char* p : {"x1", "x2", "x3"}) {
    BOOST_TEST(ExportLines(p, "pseudonymised_dataset observatoire") == 1, p);
  }
  // A person outside the dataset has no such line.
  BOOST_TEST(ExportLines("mother", "pseudonymised_dataset observatoire") == 0);
  // Nothing personal in the records (the dataset is pseudonymised).
  for (const std::string& r : writer.records) {
    BOOST_TEST(!absl::StrContains(r, "Lefèvre"));
    BOOST_TEST(!absl::StrContains(r, "x1"));
  }
}

BOOST_FIXTURE_TEST_CASE(records_are_written_only_after_their_batch_is_recorded, BulkFixture) {
  DatasetBuilder builder = Builder();
  std::vector<PersonCaseFile> files;
  for (int i = 0; i < 5; ++i) files.push_back(Person(absl::StrCat("p", i)));
  const uint64_t before = Size();
  RecordingWriter writer(ExportKind::kPseudonymisedDataset);
  std::vector<uint64_t> size_at_add;
  writer.on_add = [&] {
    auto s = ledger->Size();
    size_at_add.push_back(s.ok() ? *s : 0);
  };
  auto report = WriteDataset(*trail, builder, CaseFilesFrom(files), writer, By("sw1", 2));
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->batches == 3u);
  // Records 1-2 after persons 1-2 were recorded, 3-4 after 3-4, 5 after 5.
  const std::vector<uint64_t> expected = {before + 2, before + 2, before + 4, before + 4,
                                          before + 5};
  BOOST_TEST(size_at_add == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(a_dataset_larger_than_a_batch, BulkFixture) {
  DatasetBuilder builder = Builder();
  // The default batch is 1,000 persons. (Each new person's first sealed line creates their key
  // in the vault, a few milliseconds each on this test's disk: the count stays small.)
  constexpr int kPersons = 1001;
  int next = 0;
  CaseFileSource source = [&next](PersonCaseFile* file) -> absl::StatusOr<bool> {
    if (next == kPersons) return false;
    *file = Person(absl::StrCat("dossier-", next++));
    return true;
  };
  const uint64_t before = Size();
  RecordingWriter writer(ExportKind::kPseudonymisedDataset);
  auto report = WriteDataset(*trail, builder, source, writer, By("sw1"));
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->persons == uint64_t{kPersons});
  BOOST_TEST(report->batches == 2u);
  BOOST_TEST(writer.records.size() == size_t{kPersons});
  BOOST_TEST(Size() == before + kPersons);
  for (int i : {0, 999, 1000}) {
    BOOST_TEST(ExportLines(absl::StrCat("dossier-", i), "pseudonymised_dataset observatoire") == 1);
  }
}

BOOST_FIXTURE_TEST_CASE(a_batch_is_cut_by_its_bytes_too, BulkFixture) {
  DatasetBuilder builder = Builder();
  std::vector<PersonCaseFile> files;
  for (int i = 0; i < 200; ++i) files.push_back(Person(absl::StrCat("p", i)));
  BulkExportOptions options = By("sw1");
  options.batch_bytes = 1024;  // a few dozen small records
  RecordingWriter writer(ExportKind::kPseudonymisedDataset);
  auto report = WriteDataset(*trail, builder, CaseFilesFrom(files), writer, options);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->persons == 200u);
  BOOST_TEST(report->batches > 1u);
}

BOOST_FIXTURE_TEST_CASE(a_ledger_that_fails_stops_the_export_before_the_batch_is_written,
                        BulkFixture) {
  DatasetBuilder builder = Builder();
  std::unique_ptr<Attacker> breaker;
  int next = 0;
  // Persons 1-2 are recorded and written; when person 3 is read, the database starts refusing
  // every insert.
  CaseFileSource source = [&](PersonCaseFile* file) -> absl::StatusOr<bool> {
    if (next == 5) return false;
    if (next == 2) {
      breaker = std::make_unique<Attacker>(backend);
      breaker->Exec(
          "CREATE TRIGGER refuse_all BEFORE INSERT ON entries "
          "BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END");
    }
    *file = Person(absl::StrCat("p", next++));
    return true;
  };
  RecordingWriter writer(ExportKind::kPseudonymisedDataset);
  auto report = WriteDataset(*trail, builder, source, writer, By("sw1", 2));
  BOOST_TEST(!report.ok());
  BOOST_TEST(absl::StrContains(report.status().message(), "persons 3 to 4"),
             report.status().message());
  // The first batch's two records, nothing of the second, and the file is not finished.
  BOOST_TEST(writer.records.size() == 2u);
  BOOST_TEST(!writer.finished);
  // The database answers again: persons 1-2 have their line, 3-4 none.
  breaker->Exec("DROP TRIGGER refuse_all");
  // The next Flush reports the failed batch once (Ledger::Flush); then the ledger goes on.
  BOOST_TEST(!ledger->Flush().ok());
  BOOST_TEST(ExportLines("p0", "pseudonymised_dataset observatoire") == 1);
  BOOST_TEST(ExportLines("p1", "pseudonymised_dataset observatoire") == 1);
  BOOST_TEST(ExportLines("p2", "pseudonymised_dataset observatoire") == 0);
  BOOST_TEST(ExportLines("p3", "pseudonymised_dataset observatoire") == 0);
}

BOOST_FIXTURE_TEST_CASE(a_shredded_person_stops_the_dataset_before_anything_is_written,
                        BulkFixture) {
  Shred("x2");
  DatasetBuilder builder = Builder();
  const std::vector<PersonCaseFile> files = {Person("x1"), Person("x2"), Person("x3")};
  RecordingWriter writer(ExportKind::kPseudonymisedDataset);
  auto report = WriteDataset(*trail, builder, CaseFilesFrom(files), writer, By("sw1"));
  BOOST_TEST(CodeName(report.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(report.status().message(), "persons[1]"), report.status().message());
  BOOST_TEST(!absl::StrContains(report.status().message(), "x2"));
  BOOST_TEST(writer.records.empty());
  BOOST_TEST(ExportLines("x1", "pseudonymised_dataset observatoire") == 0);
}

BOOST_FIXTURE_TEST_CASE(bad_options_and_bad_persons_record_and_write_nothing, BulkFixture) {
  DatasetBuilder builder = Builder();
  const std::vector<PersonCaseFile> files = {Person("x1")};
  const uint64_t before = Size();
  RecordingWriter writer(ExportKind::kPseudonymisedDataset);
  BOOST_TEST(
      CodeName(WriteDataset(*trail, builder, CaseFilesFrom(files), writer, By("")).status()) ==
      "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(WriteDataset(*trail, builder, CaseFilesFrom(files), writer, By("nobody"))
                          .status()) == "NOT_FOUND");
  BOOST_TEST(CodeName(WriteDataset(*trail, builder, CaseFilesFrom(files), writer, By("sw1", 0))
                          .status()) == "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(WriteDataset(*trail, builder, CaseFilesFrom(files), writer,
                                   By("sw1", AccessTrail::kMaxOperationPersons + 1))
                          .status()) == "INVALID_ARGUMENT");
  BulkExportOptions tiny = By("sw1");
  tiny.batch_bytes = 10;
  BOOST_TEST(CodeName(WriteDataset(*trail, builder, CaseFilesFrom(files), writer, tiny).status()) ==
             "INVALID_ARGUMENT");
  // A person without an id (the second): refused by position, nothing of its batch recorded.
  const std::vector<PersonCaseFile> bad = {Person("x1"), Person("")};
  auto refused = WriteDataset(*trail, builder, CaseFilesFrom(bad), writer, By("sw1"));
  BOOST_TEST(CodeName(refused.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(refused.status().message(), "person 2"), refused.status().message());
  // A source that fails stops the export with its error.
  CaseFileSource failing = [](PersonCaseFile*) -> absl::StatusOr<bool> {
    return absl::UnavailableError("cursor lost");
  };
  BOOST_TEST(WriteDataset(*trail, builder, failing, writer, By("sw1")).status().message() ==
             "cursor lost");
  BOOST_TEST(writer.records.empty());
  BOOST_TEST(Size() == before);
}

// The person sees the dataset in their access request's history and in their HTML report, next
// to the access request's own line.
BOOST_FIXTURE_TEST_CASE(the_access_request_shows_the_dataset_and_itself, BulkFixture) {
  DatasetBuilder builder = Builder();
  const std::vector<PersonCaseFile> files = {Person("x1")};
  RecordingWriter dataset(ExportKind::kPseudonymisedDataset);
  BOOST_REQUIRE(WriteDataset(*trail, builder, CaseFilesFrom(files), dataset, By("sw1")).ok());
  PersonExportRequest request;
  request.identity = Person("x1").identity;
  request.requested_by = "x1";
  request.handled_by = "sw2";
  RecordingWriter writer(ExportKind::kAccessRequest);
  const std::vector<CaseEntry> none;
  auto report = WriteAccessRequest(*trail, request, EntriesFrom(none), writer);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  std::vector<std::string> details;
  for (const std::string& bytes : writer.records) {
    v1::AccessRequestRecord r;
    BOOST_REQUIRE(r.ParseFromString(bytes));
    if (r.has_history() && r.history().operation() == "export") {
      details.push_back(r.history().actor() + " " + r.history().detail());
    }
  }
  const std::vector<std::string> expected = {"sw1 pseudonymised_dataset observatoire",
                                             "sw2 access_request"};
  BOOST_TEST(details == expected, boost::test_tools::per_element());
  auto html = RenderPersonReport(writer.records);
  BOOST_REQUIRE_MESSAGE(html.ok(), html.status().ToString());
  BOOST_TEST(absl::StrContains(
      *html,
      "Vos données, sous un pseudonyme, dans un jeu de données statistiques (profil « "
      "observatoire »)"));
  BOOST_TEST(absl::StrContains(*html, "Copie de votre dossier (demande d’accès)"));
  BOOST_TEST(!absl::StrContains(*html, "pseudonymised_dataset"));
}

// --- Training mirrors ------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(a_mirror_records_each_person_and_writes_identity_then_entries,
                        BulkFixture) {
  auto mirror = TrainingMirror::Create();
  BOOST_REQUIRE(mirror.ok());
  std::vector<PersonCaseFile> files = {Person("x1"), Person("x3")};
  CaseEntry e;
  e.id = "note-1";
  e.person = "x1";
  e.kind = EntryKind::kFact;
  e.created_at = absl::FromUnixSeconds(1790000000);
  e.text = "Mme Rose Lefèvre rappelle.";
  files[0].entries.push_back(e);
  size_t next = 0;
  std::vector<std::string> known_asked;
  MirrorSource source = [&](PersonCaseFile* file, std::string* known) -> absl::StatusOr<bool> {
    if (next == files.size()) return false;
    known_asked.push_back(*known);  // arrives empty
    *file = files[next++];
    return true;
  };
  RecordingWriter writer(ExportKind::kTrainingMirror);
  auto report = WriteTrainingMirror(*trail, *mirror, source, writer, By("sw3"));
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->persons == 2u);
  BOOST_TEST(report->records == 3u);
  BOOST_TEST(known_asked == (std::vector<std::string>{"", ""}));
  BOOST_REQUIRE(writer.records.size() == 3u);
  v1::MirrorRecord r0, r1, r2;
  BOOST_REQUIRE(r0.ParseFromString(writer.records[0]));
  BOOST_REQUIRE(r1.ParseFromString(writer.records[1]));
  BOOST_REQUIRE(r2.ParseFromString(writer.records[2]));
  BOOST_TEST(r0.has_identity());
  BOOST_TEST(r1.has_entry());
  BOOST_TEST(r2.has_identity());
  for (const std::string& r : writer.records) {
    BOOST_TEST(!absl::StrContains(r, "Lefèvre"));
    BOOST_TEST(!absl::StrContains(r, "x1"));
  }
  BOOST_TEST(ExportLines("x1", "training_mirror", "sw3") == 1);
  BOOST_TEST(ExportLines("x3", "training_mirror", "sw3") == 1);
}

BOOST_FIXTURE_TEST_CASE(a_mirror_person_that_fails_stops_before_its_batch_is_recorded,
                        BulkFixture) {
  auto mirror = TrainingMirror::Create();
  BOOST_REQUIRE(mirror.ok());
  std::vector<PersonCaseFile> files = {Person("x1"), Person("x2")};
  CaseEntry e;
  e.id = "note-1";
  e.person = "someone-else";  // an entry of another person
  files[1].entries.push_back(e);
  size_t next = 0;
  MirrorSource source = [&](PersonCaseFile* file, std::string*) -> absl::StatusOr<bool> {
    if (next == files.size()) return false;
    *file = files[next++];
    return true;
  };
  const uint64_t before = Size();
  RecordingWriter writer(ExportKind::kTrainingMirror);
  auto report = WriteTrainingMirror(*trail, *mirror, source, writer, By("sw1"));
  BOOST_TEST(CodeName(report.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(report.status().message(), "person 2"), report.status().message());
  BOOST_TEST(!absl::StrContains(report.status().message(), "someone-else"));
  BOOST_TEST(writer.records.empty());
  BOOST_TEST(Size() == before);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::export_testing
