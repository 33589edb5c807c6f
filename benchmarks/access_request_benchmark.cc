// The access request (socle/access_request.hpp, issue 12): one person with 5,000 entries in their
// file and 10,000 entries in the access trail about them, written as a signed `.socle` file
// (target ≤ 200 ms), beside what it is made of, measured in the same run: the history alone
// (AccessTrail::History, every page with its proofs), the person summary, and the file format
// writing the same records (raw ExportWriter over the same bytes).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness.h"
#include "socle/access.hpp"
#include "socle/access_request.hpp"
#include "socle/case_file.hpp"
#include "socle/export_file.hpp"
#include "socle/init.hpp"
#include "socle/ledger.hpp"
#include "socle/person_summary.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"
#include "workload.h"

namespace {

using namespace socle;  // NOLINT
using socle_bench::Check;

constexpr size_t kEntries = 5000;
constexpr size_t kTrailEntries = 10000;

struct Fixture {
  std::string dir;
  std::unique_ptr<AccessEngine> engine;
  std::shared_ptr<Vault> vault;
  std::shared_ptr<Ledger> ledger;
  std::unique_ptr<AccessTrail> trail;
  std::string person;
  std::string professional;
  std::vector<CaseEntry> entries;
  ExportSigningKey key = ExportSigningKey::Generate();

  Fixture() {
    Check(Initialize());
    dir = (std::filesystem::temp_directory_path() /
           ("socle-access-request-bench-" + std::to_string(::getpid())))
              .string();
    std::filesystem::create_directories(dir);
    engine = socle_bench::LoadWorkloadEngine();
    KeyFileOptions key_options;
    key_options.kdf = PassphraseKdfParams::MinimumForTests();
    key_options.allow_weak_kdf_for_tests = true;
    std::shared_ptr<KeyProvider> provider = Check(KeyFileProvider::Create(
        dir + "/master.key", SecretBytes(absl::string_view("benchmark passphrase")), key_options));
    vault = Check(Vault::Open(provider, dir + "/vault.db", "bench"));
    LedgerOptions options;  // group commit, as a service runs it
    ledger = Check(Ledger::Open(dir + "/trail.db", vault, "access_trail", options));
    trail = Check(AccessTrail::Create(ledger, *engine));
    // The person of the workload's first request, read 10,000 times by its professional.
    socle_bench::WorkloadRequests workload(*engine, "requests_mixed.tsv");
    AccessRequest request = workload.requests.front();
    person = std::string(engine->PersonName(request.person));
    professional = std::string(engine->ProfessionalName(request.actor));
    std::vector<AccessRequest> batch(500, request);
    std::vector<Decision> decisions(batch.size());
    for (size_t done = 0; done < kTrailEntries; done += batch.size()) {
      Check(trail->DecideMany(batch, absl::MakeSpan(decisions)));
    }
    Check(ledger->Flush());
    for (size_t i = 0; i < kEntries; ++i) {
      CaseEntry e;
      e.id = absl::StrCat("entry-", i);
      e.person = person;
      e.category = i % 3 == 0 ? "social" : "administrative";
      e.kind = i % 50 == 0   ? EntryKind::kThirdPartyInformation
               : i % 10 == 0 ? EntryKind::kAppreciation
                             : EntryKind::kFact;
      e.author = professional;
      e.created_at = absl::FromUnixSeconds(1780000000 + static_cast<int64_t>(i) * 3600);
      e.purpose = "accompagnement";
      e.title = absl::StrCat("Entretien n° ", i);
      e.text =
          "Point sur la situation : démarches en cours auprès de la CAF, dossier FSL déposé, "
          "rendez-vous fixé avec le bailleur pour un plan d'apurement de la dette locative.";
      e.fields = {{"montant", "420"}, {"statut", "en cours"}};
      entries.push_back(std::move(e));
    }
  }
  ~Fixture() {
    trail.reset();
    ledger.reset();
    vault.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  PersonExportRequest Request() const {
    PersonExportRequest r;
    r.identity.person = person;
    r.identity.family_name = "Martin";
    r.identity.given_names = "Léa";
    r.requested_by = person;
    r.handled_by = professional;
    return r;
  }
};

Fixture& TheFixture() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

// The whole access request: decided, written and signed into memory.
void BM_AccessRequest(benchmark::State& state) {
  Fixture& f = TheFixture();
  uint64_t history = 0, bytes = 0;
  for (auto _ : state) {
    std::string out;
    out.reserve(8 << 20);
    ExportWriterOptions options;
    options.kind = ExportKind::kAccessRequest;
    options.issuer = "bench";
    auto writer = Check(ExportWriter::Create(StringSink(&out), f.key, options));
    auto report = Check(WriteAccessRequest(*f.trail, f.Request(), EntriesFrom(f.entries), *writer));
    history = report.history_entries;
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["entries"] = static_cast<double>(kEntries);
  state.counters["history"] = static_cast<double>(history);
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_AccessRequest)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

// Its part from the trail alone: every page of the person's history, with proofs.
void BM_HistoryAlone(benchmark::State& state) {
  Fixture& f = TheFixture();
  for (auto _ : state) {
    HistoryQuery query;
    query.person = f.person;
    query.reader = f.person;
    query.reader_is_person = true;
    query.limit = 10000;
    size_t n = 0;
    for (;;) {
      PersonHistory page = Check(f.trail->History(query));
      n += page.entries.size();
      if (page.next_after < 0) break;
      query.after = page.next_after;
    }
    benchmark::DoNotOptimize(n);
  }
}
BENCHMARK(BM_HistoryAlone)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

// The person summary alone.
void BM_SummaryAlone(benchmark::State& state) {
  Fixture& f = TheFixture();
  for (auto _ : state) {
    PersonSummary s = Check(SummarisePerson(*f.engine->snapshot(), f.person, absl::InfinitePast()));
    benchmark::DoNotOptimize(s.revision);
  }
}
BENCHMARK(BM_SummaryAlone)->Unit(benchmark::kMillisecond)->UseRealTime();

// The raw format: the same number of records of the same size, written and signed.
void BM_RawFormatSameBytes(benchmark::State& state) {
  Fixture& f = TheFixture();
  std::vector<std::string> records;
  {
    std::string out;
    ExportWriterOptions options;
    options.issuer = "bench";
    auto writer = Check(ExportWriter::Create(StringSink(&out), f.key, options));
    struct Tee final : ExportWriter {
      ExportWriter& inner;
      std::vector<std::string>* kept;
      Tee(ExportWriter& i, std::vector<std::string>* k) : inner(i), kept(k) {}
      ExportKind kind() const override { return inner.kind(); }
      absl::Status Add(absl::string_view r) override {
        kept->emplace_back(r);
        return inner.Add(r);
      }
      absl::StatusOr<ExportFileSummary> Finish() override { return inner.Finish(); }
    } tee(*writer, &records);
    Check(WriteAccessRequest(*f.trail, f.Request(), EntriesFrom(f.entries), tee));
  }
  for (auto _ : state) {
    std::string out;
    out.reserve(8 << 20);
    ExportWriterOptions options;
    options.issuer = "bench";
    auto writer = Check(ExportWriter::Create(StringSink(&out), f.key, options));
    for (const std::string& r : records) Check(writer->Add(r));
    Check(writer->Finish());
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["records"] = static_cast<double>(records.size());
}
BENCHMARK(BM_RawFormatSameBytes)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
