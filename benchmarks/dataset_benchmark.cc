// Pseudonymised datasets (issue 12): records/s through the realistic profile `stats_departement`
// of examples/policies/departement.textproto (age band, département, year, category kept, author
// pseudonymised, title redacted), beside what that work is made of, measured in the same run:
// the raw pseudonym computation (PseudonymContext::Compute, one per person and one per record's
// author) and the raw redaction (Redactor::Create for the person + RedactTo of each title).
// 1,000 persons with 4 entries each (4,000 records a pass); items are records.
//
//   cmake --preset release -B build/rel -DSOCLE_BUILD_BENCHMARKS=ON
//   cmake --build build/rel -j2 --target dataset_benchmark
//   build/rel/benchmarks/dataset_benchmark
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "export/dataset.h"
#include "harness.h"
#include "socle/dataset.hpp"
#include "socle/init.hpp"
#include "socle/nir.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"
#include "socle/redact.hpp"

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

BENCHMARK(BM_DatasetTransform)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DatasetBuilder)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawPseudonyms)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RawRedaction)->Unit(benchmark::kMillisecond);

void PrintRatios(const socle_bench::RateReporter& reporter) {
  const double transform = reporter.ItemsPerSecond("BM_DatasetTransform");
  const double builder = reporter.ItemsPerSecond("BM_DatasetBuilder");
  const double pseudonyms = reporter.ItemsPerSecond("BM_RawPseudonyms");
  const double redaction = reporter.ItemsPerSecond("BM_RawRedaction");
  std::printf("\nrecords/s of the dataset / records/s of its raw parts (same run, no target)\n");
  socle_bench::PrintRateRatio("transform / raw pseudonyms", transform, pseudonyms, 0);
  socle_bench::PrintRateRatio("transform / raw redaction ", transform, redaction, 0);
  socle_bench::PrintRateRatio("builder   / transform     ", builder, transform, 0);
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
