// Redaction throughput on the labelled corpus (tests/text/corpus/, repeated to 4 MiB so the
// bytes come from memory, not from the L1 cache) with 20 known identities, beside raw scans of
// the same bytes measured in the same run: memchr for a byte that is not there, strlen, and a
// table-driven loop that looks every byte up and carries a state from byte to byte (the floor
// of any byte-at-a-time scanner). The ratios are printed at the end. Target (issue 3): >= 50 MB/s
// per core; rates are per CPU second, so they hold on a busy machine.
//
//   cmake --preset release -B build/text-rel -DSOCLE_BUILD_BENCHMARKS=ON
//   cmake --build build/text-rel -j2 --target redact_benchmark
//   build/text-rel/benchmarks/redact_benchmark
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "../tests/text/corpus.h"
#include "harness.h"
#include "socle/redact.hpp"

namespace {

constexpr size_t kWorkloadBytes = 4u << 20;

struct Workload {
  std::vector<std::string> notes;  // the corpus's notes, labels stripped, repeated
  std::string all;                 // the same notes one after the other (NUL-terminated)
  size_t corpus_notes = 0;
  size_t corpus_bytes = 0;
  std::vector<socle::KnownIdentity> identities;  // 20, from the first case files
};

const Workload& GetWorkload() {
  static const Workload* const w = [] {
    auto* w = new Workload;
    std::vector<socle::text_test::CaseFile> files;
    std::string error;
    if (!socle::text_test::LoadCorpus(socle_bench::ExamplesDir() + "/../tests/text/corpus", &files,
                                      &error)) {
      std::fprintf(stderr, "redact_benchmark: %s\n", error.c_str());
      std::abort();
    }
    // The identities of the first files, persons kept apart per file, up to 20.
    for (size_t f = 0; f < files.size() && w->identities.size() < 20; ++f) {
      auto known = socle::ParseKnownIdentities(files[f].known);
      if (!known.ok()) std::abort();
      for (socle::KnownIdentity& id : *known) {
        if (w->identities.size() == 20) break;
        id.person += static_cast<uint32_t>(f) * 100;
        w->identities.push_back(std::move(id));
      }
    }
    std::vector<std::string> corpus;
    for (const auto& file : files) {
      for (const auto& note : file.notes) {
        corpus.push_back(note.text + "\n");
        w->corpus_bytes += note.text.size() + 1;
      }
    }
    w->corpus_notes = corpus.size();
    while (w->all.size() < kWorkloadBytes) {
      for (const std::string& note : corpus) {
        w->notes.push_back(note);
        w->all += note;
      }
    }
    return w;
  }();
  return *w;
}

socle::Redactor MakeRedactor() {
  auto r = socle::Redactor::Create(GetWorkload().identities);
  if (!r.ok()) std::abort();
  return *std::move(r);
}

// One note at a time, as a service redacts its notes, reusing the output buffer.
void BM_RedactNotes(benchmark::State& state) {
  const Workload& w = GetWorkload();
  const socle::Redactor redactor = MakeRedactor();
  std::string out;
  socle::RedactionReport report;
  for (auto _ : state) {
    for (const std::string& note : w.notes) {
      redactor.RedactTo(note, &out, &report);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(w.all.size()));
  state.counters["notes"] = static_cast<double>(w.notes.size());
}
BENCHMARK(BM_RedactNotes);

// The whole corpus as one text.
void BM_RedactOneText(benchmark::State& state) {
  const Workload& w = GetWorkload();
  const socle::Redactor redactor = MakeRedactor();
  std::string out;
  for (auto _ : state) {
    redactor.RedactTo(w.all, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(w.all.size()));
}
BENCHMARK(BM_RedactOneText);

// Only the spans (Find), without building the output.
void BM_FindNotes(benchmark::State& state) {
  const Workload& w = GetWorkload();
  const socle::Redactor redactor = MakeRedactor();
  for (auto _ : state) {
    for (const std::string& note : w.notes) {
      auto spans = redactor.Find(note);
      benchmark::DoNotOptimize(spans.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(w.all.size()));
}
BENCHMARK(BM_FindNotes);

// The baselines: the fastest a scan of these bytes can go.
void BM_RawMemchr(benchmark::State& state) {
  const Workload& w = GetWorkload();
  for (auto _ : state) {
    const void* p = std::memchr(w.all.data(), '\x01', w.all.size());
    benchmark::DoNotOptimize(p);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(w.all.size()));
}
BENCHMARK(BM_RawMemchr);

void BM_RawStrlen(benchmark::State& state) {
  const Workload& w = GetWorkload();
  for (auto _ : state) {
    const size_t n = std::strlen(w.all.c_str());
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(w.all.size()));
}
BENCHMARK(BM_RawStrlen);

// A dependent table lookup per byte: what a scanner that must look at every byte costs at
// least (it cannot be vectorised, as a real tokeniser cannot).
void BM_RawByteLoop(benchmark::State& state) {
  const Workload& w = GetWorkload();
  uint8_t table[2][256];
  for (int c = 0; c < 256; ++c) {
    const bool word =
        (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
    table[0][c] = word ? 1 : 0;
    table[1][c] = word ? 1 : 0;
  }
  for (auto _ : state) {
    uint8_t s = 0;
    size_t words = 0;
    for (unsigned char c : w.all) {
      const uint8_t next = table[s][c];
      words += next & ~s;
      s = next;
    }
    benchmark::DoNotOptimize(words);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(w.all.size()));
}
BENCHMARK(BM_RawByteLoop);

// Building the matcher of a case file (done once per file, then reused for all its notes).
void BM_BuildRedactor(benchmark::State& state) {
  const Workload& w = GetWorkload();
  for (auto _ : state) {
    auto r = socle::Redactor::Create(w.identities);
    benchmark::DoNotOptimize(r);
  }
  state.counters["identities"] = static_cast<double>(w.identities.size());
}
BENCHMARK(BM_BuildRedactor);

// The workload and bytes per second of each redaction beside the raw scans of the same run.
void PrintRatios(const socle_bench::RateReporter& reporter) {
  const Workload& w = GetWorkload();
  std::printf(
      "\nworkload: the corpus (%zu notes, %zu bytes) repeated to %zu notes, %zu bytes; "
      "%zu known identities\n",
      w.corpus_notes, w.corpus_bytes, w.notes.size(), w.all.size(), w.identities.size());
  const char* baselines[] = {"BM_RawMemchr", "BM_RawStrlen", "BM_RawByteLoop"};
  for (const char* b : baselines) {
    std::printf("%-18s %9.1f MB/s\n", b, reporter.BytesPerSecond(b) / 1e6);
  }
  for (const char* name : {"BM_RedactNotes", "BM_RedactOneText", "BM_FindNotes"}) {
    const double rate = reporter.BytesPerSecond(name);
    if (rate <= 0) continue;
    std::printf(
        "%-18s %9.1f MB/s  [target >= 50 MB/s: %s]  ratio to memchr %.4f, strlen "
        "%.4f, byte loop %.3f\n",
        name, rate / 1e6, rate >= 50e6 ? "met" : "NOT met",
        rate / reporter.BytesPerSecond(baselines[0]), rate / reporter.BytesPerSecond(baselines[1]),
        rate / reporter.BytesPerSecond(baselines[2]));
  }
}

}  // namespace

int main(int argc, char** argv) { return socle_bench::RunBenchmarks(argc, argv, PrintRatios); }
