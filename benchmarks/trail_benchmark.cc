// Recorded decisions (socle/trail.hpp): AccessTrail::Decide and DecideMany on the access
// workload's mixed requests, each decision sealed for its person and appended to a real trail
// (SQLite, group commit), beside the pure AccessSnapshot::Decide of the same requests in the
// same run. Target (issue 9): ≥ 100,000 recorded decisions per second on one thread.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"
#include "socle/access.hpp"
#include "socle/init.hpp"
#include "socle/ledger.hpp"
#include "socle/policy.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"

namespace {

using namespace socle;  // NOLINT
using socle_bench::AccessRequestLine;
using socle_bench::AccessWorkloadDir;

template <typename T>
T Check(absl::StatusOr<T> v) {
  if (!v.ok()) {
    std::fprintf(stderr, "%s\n", std::string(v.status().message()).c_str());
    std::abort();
  }
  return *std::move(v);
}

struct Fixture {
  std::string dir;
  std::unique_ptr<AccessEngine> engine;
  std::shared_ptr<Vault> vault;
  std::shared_ptr<Ledger> ledger;
  std::unique_ptr<AccessTrail> trail;
  std::vector<AccessRequest> requests;

  Fixture() {
    dir = (std::filesystem::temp_directory_path() /
           ("socle-trail-bench-" + std::to_string(::getpid())))
              .string();
    std::filesystem::create_directories(dir);
    const Policy policy = Check(Policy::LoadFile(socle_bench::AccessWorkloadPolicyPath()));
    engine = Check(AccessEngine::Create(policy));
    Check(engine->LoadDirectoryTsvFiles(AccessWorkloadDir() + "/professionals.tsv",
                                        AccessWorkloadDir() + "/persons.tsv"));
    KeyFileOptions key_options;
    key_options.kdf = PassphraseKdfParams::MinimumForTests();
    key_options.allow_weak_kdf_for_tests = true;
    std::shared_ptr<KeyProvider> provider = Check(KeyFileProvider::Create(
        dir + "/master.key", SecretBytes(absl::string_view("benchmark passphrase")),
        key_options));
    vault = Check(Vault::Open(provider, dir + "/vault.db", "bench"));
    LedgerOptions options;  // the defaults: group commit, 10 ms, checkpoints
    ledger = Check(Ledger::Open(dir + "/trail.db", vault, "access_trail", options));
    trail = Check(AccessTrail::Create(ledger, *engine));
    const uint32_t purpose = *engine->FindPurpose("accompagnement");
    for (const AccessRequestLine& l : socle_bench::ReadAccessRequests("requests_mixed.tsv")) {
      AccessRequest r;
      r.actor = *engine->FindProfessional(l.professional);
      r.person = *engine->FindPerson(l.person);
      r.category = *engine->FindCategory(l.category);
      r.purpose = purpose;
      r.action = l.action == "write" ? Action::kWrite : Action::kRead;
      r.author = engine->FindProfessional(l.author).value_or(kNoId);
      r.masked = l.masked;
      r.item = l.record;
      requests.push_back(r);
    }
  }
  ~Fixture() {
    trail.reset();
    ledger.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

Fixture& Shared() {
  static Fixture* f = new Fixture();
  return *f;
}

// The physical limit of the decision itself: the pure, unrecorded decision.
void BM_PureDecide(benchmark::State& state) {
  Fixture& f = Shared();
  const auto snapshot = f.engine->snapshot();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(snapshot->Decide(f.requests[i]));
    if (++i == f.requests.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PureDecide);

void BM_RecordedDecide(benchmark::State& state) {
  Fixture& f = Shared();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Check(f.trail->Decide(f.requests[i])));
    if (++i == f.requests.size()) i = 0;
  }
  // What was appended is durable before the run counts as done.
  state.PauseTiming();
  if (!f.ledger->Flush().ok()) std::abort();
  state.ResumeTiming();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordedDecide)->MinTime(2.0)->UseRealTime();

// A list screen: 100 files opened in one call, 100 entries in one append.
void BM_RecordedDecideMany100(benchmark::State& state) {
  Fixture& f = Shared();
  std::vector<Decision> out(100);
  size_t i = 0;
  for (auto _ : state) {
    if (i + 100 > f.requests.size()) i = 0;
    if (!f.trail->DecideMany(absl::MakeConstSpan(f.requests).subspan(i, 100), absl::MakeSpan(out))
             .ok()) {
      std::abort();
    }
    i += 100;
  }
  state.PauseTiming();
  if (!f.ledger->Flush().ok()) std::abort();
  state.ResumeTiming();
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_RecordedDecideMany100)->MinTime(2.0)->UseRealTime();

void PrintRatios(socle_bench::RateReporter& reporter) {
  const double pure = reporter.ItemsPerSecond("BM_PureDecide");
  for (const char* name : {"BM_RecordedDecide/min_time:2.000/real_time",
                           "BM_RecordedDecideMany100/min_time:2.000/real_time"}) {
    const double rate = reporter.ItemsPerSecond(name);
    if (rate <= 0) continue;
    std::printf("%-52s %10.0f /s (pure decide %.0f /s)   target >= 100000: %s\n", name, rate,
                pure, rate >= 100000 ? "met" : "MISSED");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (!socle::Initialize().ok()) return 1;
  return socle_bench::RunBenchmarks(argc, argv, PrintRatios);
}
