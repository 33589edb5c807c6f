// The training mirror (issue 12): persons per second and MB of text per second, beside, in the
// same run, the raw Redactor on the same texts (a matcher built per person from the same
// identities, then Redact() of every title, text and field value) and the raw protobuf parse and
// serialisation of the same records. The texts are the redaction corpus's notes
// (tests/text/corpus/), each opened by a sentence that names the person, her address, phone,
// e-mail and NIR, so that every entry has something to replace. Rates are per CPU second.
//
//   cmake --preset release -B build/rel -DSOCLE_BUILD_BENCHMARKS=ON
//   cmake --build build/rel -j2 --target mirror_benchmark
//   build/rel/benchmarks/mirror_benchmark
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "../tests/text/corpus.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness.h"
#include "socle/nir.hpp"
#include "socle/redact.hpp"
#include "socle/training_mirror.hpp"
#include "socle/v1/export.pb.h"

namespace {

constexpr int kPersons = 200;
constexpr int kEntriesPerPerson = 10;

struct PersonRecords {
  std::string identity;
  std::vector<std::string> entries;
  std::vector<socle::KnownIdentity> known;  // the same identities, for the raw Redactor
  std::vector<std::string> texts;           // every title, text and field value
};

struct Workload {
  std::vector<PersonRecords> persons;
  size_t text_bytes = 0;
};

const Workload& GetWorkload() {
  static const Workload* const w = [] {
    auto* w = new Workload;
    std::vector<socle::text_test::CaseFile> files;
    std::string error;
    if (!socle::text_test::LoadCorpus(socle_bench::ExamplesDir() + "/../tests/text/corpus", &files,
                                      &error)) {
      std::fprintf(stderr, "mirror_benchmark: %s\n", error.c_str());
      std::abort();
    }
    std::vector<std::string> notes;
    for (const auto& f : files) {
      for (const auto& n : f.notes) notes.push_back(n.text);
    }
    const char* families[] = {"Kowalczyk", "Ouedraogo", "Vandewalle", "Tahiri", "Lhermitte"};
    const char* given[] = {"Rosalind", "Mamadou", "Ghislaine", "Yassine", "Solange"};
    size_t next_note = 0;
    for (int i = 0; i < kPersons; ++i) {
      socle::v1::Identity id;
      id.set_person(absl::StrCat("p-", i));
      id.set_family_name(families[i % 5]);
      id.set_given_names(given[(i / 5) % 5]);
      id.set_birth_date(absl::StrFormat("19%02d-%02d-%02d", 40 + i % 60, 1 + i % 12, 1 + i % 28));
      id.set_address(absl::StrCat(1 + i % 90, " rue des Glycines"));
      id.set_postcode("18100");
      id.set_commune("Vierzon");
      id.set_phone(absl::StrFormat("06 12 34 %02d %02d", i / 100, i % 100));
      id.set_email(absl::StrCat(given[(i / 5) % 5], ".", families[i % 5], i, "@laposte.net"));
      const std::string body =
          absl::StrFormat("%d%02d%02d18279%03d", 1 + i % 2, 40 + i % 60, 1 + i % 12, 1 + i % 999);
      id.set_nir(absl::StrFormat("%s%02d", body, *socle::NirKey(body)));
      PersonRecords p;
      p.identity = id.SerializeAsString();
      p.known = {{socle::IdentityKind::kName, id.family_name(), 1},
                 {socle::IdentityKind::kFirstName, id.given_names(), 1},
                 {socle::IdentityKind::kAddress,
                  absl::StrCat(id.address(), ", ", id.postcode(), " ", id.commune()), 1},
                 {socle::IdentityKind::kPhone, id.phone(), 1},
                 {socle::IdentityKind::kEmail, id.email(), 1},
                 {socle::IdentityKind::kNir, id.nir(), 1},
                 {socle::IdentityKind::kBirthDate, id.birth_date(), 1}};
      for (int k = 0; k < kEntriesPerPerson; ++k) {
        socle::v1::Entry e;
        e.set_id(absl::StrCat(id.person(), "-", k));
        e.set_person(id.person());
        e.set_author("pro-1");
        e.mutable_created_at()->set_seconds(1700000000 + 86400 * (i + k));
        e.set_title(absl::StrCat("Entretien avec ", id.given_names(), " ", id.family_name()));
        e.set_text(absl::StrCat("Mme ", id.given_names(), " ", id.family_name(), ", ", id.address(),
                                ", ", id.postcode(), " ", id.commune(), ", tél. ", id.phone(), ", ",
                                id.email(), ", NIR ", id.nir(), ", vue le 12/03/2024. ",
                                notes[next_note++ % notes.size()]));
        auto* f = e.add_fields();
        f->set_name("date_naissance");
        f->set_value(id.birth_date());
        for (const std::string* t : {&e.title(), &e.text(), &f->value()}) {
          p.texts.push_back(*t);
          w->text_bytes += t->size();
        }
        p.entries.push_back(e.SerializeAsString());
      }
      w->persons.push_back(std::move(p));
    }
    return w;
  }();
  return *w;
}

void SetRates(benchmark::State& state) {
  const Workload& w = GetWorkload();
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kPersons);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(w.text_bytes));
}

// The mirror: every person's identity and entries.
void BM_Mirror(benchmark::State& state) {
  const Workload& w = GetWorkload();
  absl::StatusOr<socle::TrainingMirror> mirror = socle::TrainingMirror::Create();
  if (!mirror.ok()) std::abort();
  for (auto _ : state) {
    for (const PersonRecords& p : w.persons) {
      absl::StatusOr<socle::MirroredPerson> m = mirror->Mirror(p.identity, p.entries);
      if (!m.ok()) std::abort();
      benchmark::DoNotOptimize(m->entries.data());
    }
  }
  SetRates(state);
}
BENCHMARK(BM_Mirror);

// The raw limit: the Redactor alone on the same texts, with a matcher built per person from
// the same identities (as the mirror must).
void BM_RawRedactor(benchmark::State& state) {
  const Workload& w = GetWorkload();
  std::string out;
  for (auto _ : state) {
    for (const PersonRecords& p : w.persons) {
      absl::StatusOr<socle::Redactor> r = socle::Redactor::Create(p.known);
      if (!r.ok()) std::abort();
      for (const std::string& t : p.texts) {
        r->RedactTo(t, &out);
        benchmark::DoNotOptimize(out.data());
      }
    }
  }
  SetRates(state);
}
BENCHMARK(BM_RawRedactor);

// The other raw part: parsing and serialising the same records.
void BM_RawProtobuf(benchmark::State& state) {
  const Workload& w = GetWorkload();
  socle::v1::Identity id;
  socle::v1::Entry e;
  std::string out;
  for (auto _ : state) {
    for (const PersonRecords& p : w.persons) {
      if (!id.ParseFromString(p.identity)) std::abort();
      id.SerializeToString(&out);
      for (const std::string& bytes : p.entries) {
        if (!e.ParseFromString(bytes)) std::abort();
        e.SerializeToString(&out);
        benchmark::DoNotOptimize(out.data());
      }
    }
  }
  SetRates(state);
}
BENCHMARK(BM_RawProtobuf);

void PrintRatios(const socle_bench::RateReporter& reporter) {
  const Workload& w = GetWorkload();
  std::printf("\nworkload: %d persons x %d entries, %zu bytes of title, text and field values\n",
              kPersons, kEntriesPerPerson, w.text_bytes);
  for (const char* name : {"BM_Mirror", "BM_RawRedactor", "BM_RawProtobuf"}) {
    std::printf("%-16s %10.0f persons/s %9.2f MB/s\n", name, reporter.ItemsPerSecond(name),
                reporter.BytesPerSecond(name) / 1e6);
  }
  const double raw = reporter.BytesPerSecond("BM_RawRedactor");
  if (raw > 0) {
    std::printf("mirror / raw Redactor: %.2f\n", reporter.BytesPerSecond("BM_Mirror") / raw);
  }
}

}  // namespace

int main(int argc, char** argv) { return socle_bench::RunBenchmarks(argc, argv, PrintRatios); }
