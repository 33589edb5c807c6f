// Pseudonymised datasets (issue 12): records/s through the realistic profile `stats_departement`
// of examples/policies/departement.textproto (age band, département, year, category kept, author
// pseudonymised, title redacted), beside what that work is made of, measured in the same run:
// the raw pseudonym computation (PseudonymContext::Compute, one per person and one per record's
// author) and the raw redaction (Redactor::Create for the person + RedactTo of each title).
// 1,000 persons with 4 entries each (4,000 records a pass); items are records.
//
// The export as a vendor runs it (WriteDataset): the same 1,000 persons from the vendor's structs,
// each person's export recorded in their history (one sealed "export" line each, one ledger
// append per batch of 1,000, durable: SQLite, group commit, fsync) before their records are
// written, beside the raw ledger append of the same 1,000 sealed entries (Ledger::Append +
// WaitDurable) in the same run. The persons' vault keys exist already (their files were sealed
// before: creating a key is a durable vault write, once in a person's life). Items of these two
// are persons (= ledger entries).
//
//   cmake --preset release -B build/rel -DSOCLE_BUILD_BENCHMARKS=ON
//   cmake --build build/rel -j2 --target dataset_benchmark
//   build/rel/benchmarks/dataset_benchmark
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "export/dataset.h"
#include "harness.h"
#include "socle/access.hpp"
#include "socle/case_file.hpp"
#include "socle/dataset.hpp"
#include "socle/export_file.hpp"
#include "socle/init.hpp"
#include "socle/ledger.hpp"
#include "socle/nir.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"
#include "socle/redact.hpp"
#include "socle/trail.hpp"
#include "socle/v1/ledger.pb.h"
#include "socle/vault.hpp"
#include "workload.h"

namespace socle {
namespace {

constexpr int kPersons = 1000;
constexpr int kEntriesPerPerson = 4;
constexpr absl::string_view kProfile = "stats_departement";
constexpr absl::string_view kDomain = "stats_solidarites";
constexpr absl::string_view kActivity = "accompagnement_social_polyvalent";

struct Workload {
  std::unique_ptr<Policy> policy;
  std::unique_ptr<Pseudonymizer> pseudonymizer;
  std::vector<v1::Identity> identities;
  std::vector<std::vector<v1::Entry>> entries;
  std::vector<std::string> identity_bytes;
  std::vector<std::vector<std::string>> entry_bytes;
  std::vector<PersonCaseFile> files;  // the same persons as the vendor's structs
};

const Workload& GetWorkload() {
  static const Workload* const w = [] {
    auto* w = new Workload;
    if (!Initialize().ok()) std::abort();
    auto policy = Policy::LoadFile(socle_bench::ExamplesDir() + "/policies/departement.textproto");
    if (!policy.ok()) {
      std::fprintf(stderr, "dataset_benchmark: %s\n", policy.status().ToString().c_str());
      std::abort();
    }
    w->policy = std::make_unique<Policy>(*std::move(policy));
    FixedPseudonymSecrets secrets;
    if (!secrets.Add(1, SecretBytes(absl::string_view("0123456789abcdef0123456789abcdef"))).ok()) {
      std::abort();
    }
    auto p = Pseudonymizer::Create(*w->policy, secrets);
    if (!p.ok()) std::abort();
    w->pseudonymizer = *std::move(p);

    const char* families[] = {"Dubreuil", "Lefebvre", "Kowalski", "Benhamou", "Garnier",
                              "Rousseau", "Mercier",  "Perrault", "Vasseur",  "Delacroix"};
    const char* given[] = {"Capucine",  "Anatole",   "Jocelyne", "Mathurin", "Ludivine",
                           "Sébastien", "Ghislaine", "Baptiste", "Clémence", "Aurélien"};
    const char* categories[] = {"administrative", "social", "financial", "housing"};
    for (int i = 0; i < kPersons; ++i) {
      v1::Identity id;
      id.set_person(absl::StrFormat("dossier-%06d", i));
      id.set_family_name(families[i % 10]);
      id.set_given_names(given[(i / 10) % 10]);
      const int year = 1940 + i % 80;
      id.set_birth_date(absl::StrFormat("%04d-%02d-%02d", year, 1 + i % 12, 1 + i % 28));
      id.set_address(absl::StrFormat("%d rue des Tanneurs", 1 + i % 90));
      id.set_postcode("33000");
      id.set_commune(i % 2 ? "33063" : "2A004");
      id.set_phone(absl::StrFormat("06 %02d %02d %02d %02d", i % 100, (i / 100) % 100, 12, 34));
      id.set_email(absl::StrCat("personne", i, "@example.fr"));
      const std::string body =
          absl::StrFormat("%d%02d%02d33063%03d", 1 + i % 2, year % 100, 1 + i % 12, 1 + i % 999);
      id.set_nir(absl::StrFormat("%s%02d", body, *NirKey(body)));
      std::vector<v1::Entry> entries;
      for (int k = 0; k < kEntriesPerPerson; ++k) {
        v1::Entry e;
        e.set_id(absl::StrCat("e", i, "_", k));
        e.set_person(id.person());
        e.set_category(categories[k]);
        e.set_kind(k == 1 ? v1::PROFESSIONAL_APPRECIATION : v1::FACT);
        e.set_purpose(std::string(kActivity));
        e.set_author(absl::StrCat("pro-", i % 37));
        e.mutable_created_at()->set_seconds(1700000000 + 86400LL * (i + k));
        e.set_title(
            absl::StrCat("Entretien avec Mme ", id.family_name(), " au sujet du dossier FSL"));
        e.set_text(absl::StrCat(id.given_names(), " ", id.family_name(),
                                " se présente ; joignable au ", id.phone(), "."));
        entries.push_back(std::move(e));
      }
      PersonCaseFile file;
      file.identity.person = id.person();
      file.identity.family_name = id.family_name();
      file.identity.given_names = id.given_names();
      file.identity.birth_date = id.birth_date();
      file.identity.address = id.address();
      file.identity.postcode = id.postcode();
      file.identity.commune = id.commune();
      file.identity.phone = id.phone();
      file.identity.email = id.email();
      file.identity.nir = id.nir();
      for (const v1::Entry& e : entries) {
        CaseEntry c;
        c.id = e.id();
        c.person = e.person();
        c.category = e.category();
        c.kind =
            e.kind() == v1::PROFESSIONAL_APPRECIATION ? EntryKind::kAppreciation : EntryKind::kFact;
        c.purpose = e.purpose();
        c.author = e.author();
        c.created_at = absl::FromUnixSeconds(e.created_at().seconds());
        c.title = e.title();
        c.text = e.text();
        file.entries.push_back(std::move(c));
      }
      w->files.push_back(std::move(file));
      w->identity_bytes.push_back(id.SerializeAsString());
      std::vector<std::string> eb;
      for (const auto& e : entries) eb.push_back(e.SerializeAsString());
      w->entry_bytes.push_back(std::move(eb));
      w->identities.push_back(std::move(id));
      w->entries.push_back(std::move(entries));
    }
    return w;
  }();
  return *w;
}

// The transform on messages (what the export writer calls).
void BM_DatasetTransform(benchmark::State& state) {
  const Workload& w = GetWorkload();
  auto context = w.pseudonymizer->NewContext(kDomain);
  if (!context.ok()) return state.SkipWithError("context");
  auto t = export_internal::DatasetTransform::Create(*w.policy, kProfile, *std::move(context),
                                                     absl::CivilDay(2026, 12, 5));
  if (!t.ok()) return state.SkipWithError(std::string(t.status().message()).c_str());
  std::vector<std::vector<const v1::Entry*>> pointers(kPersons);
  for (int i = 0; i < kPersons; ++i) {
    for (const auto& e : w.entries[i]) pointers[i].push_back(&e);
  }
  std::vector<v1::DatasetRecord> out;
  int64_t records = 0;
  for (auto _ : state) {
    for (int i = 0; i < kPersons; ++i) {
      out.clear();
      if (!t->Add(w.identities[i], pointers[i], &out).ok()) return state.SkipWithError("Add");
      records += static_cast<int64_t>(out.size());
    }
    benchmark::DoNotOptimize(out.data());
  }
  if (t->stats().records != static_cast<uint64_t>(records)) state.SkipWithError("count");
  state.SetItemsProcessed(records);
}

// The public API: serialised Identity and Entries in, serialised records out.
void BM_DatasetBuilder(benchmark::State& state) {
  const Workload& w = GetWorkload();
  auto context = w.pseudonymizer->NewContext(kDomain);
  if (!context.ok()) return state.SkipWithError("context");
  auto builder =
      DatasetBuilder::Create(*w.policy, kProfile, *std::move(context), absl::CivilDay(2026, 12, 5));
  if (!builder.ok()) return state.SkipWithError("builder");
  std::vector<std::vector<absl::string_view>> views(kPersons);
  for (int i = 0; i < kPersons; ++i)
    views[i].assign(w.entry_bytes[i].begin(), w.entry_bytes[i].end());
  int64_t records = 0;
  for (auto _ : state) {
    for (int i = 0; i < kPersons; ++i) {
      auto out = builder->Add(w.identity_bytes[i], views[i]);
      if (!out.ok()) return state.SkipWithError("Add");
      records += static_cast<int64_t>(out->size());
      benchmark::DoNotOptimize(out->data());
    }
  }
  state.SetItemsProcessed(records);
}

// The raw pseudonyms the profile needs per record: the subject (once per person) and the author.
void BM_RawPseudonyms(benchmark::State& state) {
  const Workload& w = GetWorkload();
  auto context = w.pseudonymizer->NewContext(kDomain);
  if (!context.ok()) return state.SkipWithError("context");
  int64_t records = 0;
  std::string author;
  for (auto _ : state) {
    for (int i = 0; i < kPersons; ++i) {
      auto subject = context->Compute(w.identities[i].person());
      benchmark::DoNotOptimize(subject);
      for (const auto& e : w.entries[i]) {
        author = absl::StrCat("author", absl::string_view("\0", 1), e.author());
        auto p = context->Compute(author);
        benchmark::DoNotOptimize(p);
        ++records;
      }
    }
  }
  state.SetItemsProcessed(records);
}

// The raw redaction the profile needs: the person's redactor, then each title.
void BM_RawRedaction(benchmark::State& state) {
  const Workload& w = GetWorkload();
  int64_t records = 0;
  std::string out;
  for (auto _ : state) {
    for (int i = 0; i < kPersons; ++i) {
      auto redactor = export_internal::RedactorFor(w.identities[i]);
      if (!redactor.ok()) return state.SkipWithError("redactor");
      for (const auto& e : w.entries[i]) {
        redactor->RedactTo(e.title(), &out);
        benchmark::DoNotOptimize(out.data());
        ++records;
      }
    }
  }
  state.SetItemsProcessed(records);
}

// A writer that keeps nothing (the file format's own rate is export_benchmark's).
class DiscardingWriter final : public ExportWriter {
 public:
  ExportKind kind() const override { return ExportKind::kPseudonymisedDataset; }
  absl::Status Add(absl::string_view record) override {
    bytes += record.size();
    return absl::OkStatus();
  }
  absl::StatusOr<ExportFileSummary> Finish() override { return ExportFileSummary{}; }
  uint64_t bytes = 0;
};

// A real trail (SQLite, the default durability: group commit with fsync) on an engine of the
// policy, with the professional who exports, and the persons' keys made beforehand.
struct TrailFixture {
  std::string dir;
  std::unique_ptr<AccessEngine> engine;
  std::shared_ptr<Vault> vault;
  std::shared_ptr<Ledger> ledger;
  std::unique_ptr<AccessTrail> trail;

  TrailFixture() {
    const Workload& w = GetWorkload();
    dir = (std::filesystem::temp_directory_path() /
           ("socle-dataset-bench-" + std::to_string(::getpid())))
              .string();
    std::filesystem::create_directories(dir);
    engine = socle_bench::Check(AccessEngine::Create(*w.policy));
    ProfessionalEntry exporter;
    exporter.id = "ass.bench";
    exporter.role = "ass_polyvalence";
    exporter.structure = "MDS de Bordeaux";
    socle_bench::Check(engine->UpsertProfessional(exporter));
    KeyFileOptions key_options;
    key_options.kdf = PassphraseKdfParams::MinimumForTests();
    key_options.allow_weak_kdf_for_tests = true;
    std::shared_ptr<KeyProvider> provider = socle_bench::Check(KeyFileProvider::Create(
        dir + "/master.key", SecretBytes(absl::string_view("benchmark passphrase")), key_options));
    VaultOptions vault_options;
    vault_options.cache_capacity = 2 * kPersons;
    vault = socle_bench::Check(Vault::Open(provider, dir + "/vault.db", "bench", vault_options));
    ledger = socle_bench::Check(Ledger::Open(dir + "/trail.db", vault, "access_trail"));
    trail = socle_bench::Check(AccessTrail::Create(ledger, *engine));
    for (const PersonCaseFile& f : w.files) {
      socle_bench::Check(
          vault->SealRecord({f.identity.person, "case-file", 1},
                            absl::MakeConstSpan(reinterpret_cast<const uint8_t*>("x"), 1)));
    }
  }
};

TrailFixture& Trail() {
  static TrailFixture* f = new TrailFixture();
  return *f;
}

// WriteDataset: transform, record each person (one append of 1,000, durable), write.
void BM_DatasetExportRecorded(benchmark::State& state) {
  const Workload& w = GetWorkload();
  TrailFixture& t = Trail();
  BulkExportOptions options;
  options.handled_by = "ass.bench";
  int64_t persons = 0;
  int64_t records = 0;
  for (auto _ : state) {
    auto context = w.pseudonymizer->NewContext(kDomain);
    if (!context.ok()) return state.SkipWithError("context");
    auto builder = DatasetBuilder::Create(*w.policy, kProfile, *std::move(context),
                                          absl::CivilDay(2026, 12, 5));
    if (!builder.ok()) return state.SkipWithError("builder");
    DiscardingWriter writer;
    auto report = WriteDataset(*t.trail, *builder, CaseFilesFrom(w.files), writer, options);
    if (!report.ok()) return state.SkipWithError(std::string(report.status().message()).c_str());
    persons += static_cast<int64_t>(report->persons);
    records += static_cast<int64_t>(report->records);
  }
  state.SetItemsProcessed(persons);
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

// The raw limit of the recording: the same 1,000 entries (an operation record sealed for each
// person), in one append, waited durable.
void BM_RawLedgerAppend(benchmark::State& state) {
  const Workload& w = GetWorkload();
  TrailFixture& t = Trail();
  std::vector<std::string> payloads(w.files.size());
  std::vector<NewLedgerEntry> entries(w.files.size());
  for (size_t i = 0; i < w.files.size(); ++i) {
    v1::OperationRecord record;
    record.set_operation(v1::OperationRecord::EXPORT);
    record.set_actor("ass.bench");
    record.set_person(w.files[i].identity.person);
    record.set_detail(absl::StrCat("pseudonymised_dataset ", kProfile));
    record.set_policy_digest(std::string(32, 'd'));
    record.set_revision(1);
    payloads[i] = record.SerializeAsString();
    entries[i].type = LedgerEntryType::kOperation;
    entries[i].person = w.files[i].identity.person;
    entries[i].payload = payloads[i];
  }
  int64_t appended = 0;
  for (auto _ : state) {
    auto ticket = t.ledger->Append(entries);
    if (!ticket.ok() || !t.ledger->WaitDurable(*ticket).ok()) {
      return state.SkipWithError("append");
    }
    appended += static_cast<int64_t>(entries.size());
  }
  state.SetItemsProcessed(appended);
}

BENCHMARK(BM_DatasetTransform)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DatasetBuilder)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawPseudonyms)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawRedaction)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DatasetExportRecorded)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_RawLedgerAppend)->Unit(benchmark::kMillisecond)->UseRealTime();

void PrintRatios(const socle_bench::RateReporter& reporter) {
  const double transform = reporter.ItemsPerSecond("BM_DatasetTransform");
  const double builder = reporter.ItemsPerSecond("BM_DatasetBuilder");
  const double pseudonyms = reporter.ItemsPerSecond("BM_RawPseudonyms");
  const double redaction = reporter.ItemsPerSecond("BM_RawRedaction");
  std::printf("\nrecords/s of the dataset / records/s of its raw parts (same run, no target)\n");
  socle_bench::PrintRateRatio("transform / raw pseudonyms", transform, pseudonyms, 0);
  socle_bench::PrintRateRatio("transform / raw redaction ", transform, redaction, 0);
  socle_bench::PrintRateRatio("builder   / transform     ", builder, transform, 0);
  const double exported = reporter.ItemsPerSecond("BM_DatasetExportRecorded/real_time");
  const double appended = reporter.ItemsPerSecond("BM_RawLedgerAppend/real_time");
  std::printf(
      "\npersons/s of the recorded export / entries/s of the raw ledger append (same run)\n");
  socle_bench::PrintRateRatio("export with recording / raw append", exported, appended, 0);
  const double export_s = reporter.SecondsPerIteration("BM_DatasetExportRecorded/real_time");
  const double append_s = reporter.SecondsPerIteration("BM_RawLedgerAppend/real_time");
  const double transform_s = reporter.SecondsPerIteration("BM_DatasetTransform");
  if (export_s > 0 && append_s > 0 && transform_s > 0) {
    // Wall clock per person, all three in this run: the recording's share is the raw append's.
    std::printf(
        "  per person (wall clock): export with recording %.1f us; raw append alone %.1f us; "
        "transform alone %.1f us\n",
        1e6 * export_s / kPersons, 1e6 * append_s / kPersons, 1e6 * transform_s / kPersons);
  }
  if (pseudonyms > 0 && redaction > 0 && transform > 0) {
    // The time of the raw parts per record, over the time of the whole per record.
    const double parts = 1 / pseudonyms + 1 / redaction;
    std::printf("  raw pseudonyms + raw redaction = %.1f %% of the transform's time per record\n",
                100 * parts * transform);
  }
}

}  // namespace
}  // namespace socle

int main(int argc, char** argv) {
  return socle_bench::RunBenchmarks(argc, argv, socle::PrintRatios);
}
