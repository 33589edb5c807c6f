// Recorded decisions (socle/trail.hpp): AccessTrail::Decide and DecideMany on the access
// workload's mixed requests, each decision sealed for its person and appended to a real trail
// (SQLite, group commit), beside the pure AccessSnapshot::Decide of the same requests in the
// same run. Target (issue 9): ≥ 100,000 recorded decisions per second on one thread.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "harness.h"
#include "workload.h"
#include "socle/access.hpp"
#include "socle/init.hpp"
#include "socle/ledger.hpp"
#include "socle/policy.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"

namespace {

using namespace socle;  // NOLINT
using socle_bench::AccessWorkloadDir;

using socle_bench::Check;

constexpr size_t kPersons = 2000;

struct Fixture {
  std::string dir;
  std::unique_ptr<AccessEngine> engine;
  std::shared_ptr<Vault> vault;
  std::shared_ptr<Ledger> ledger;
  std::unique_ptr<AccessTrail> trail;
  std::optional<socle_bench::WorkloadRequests> workload;
  const std::vector<AccessRequest>& requests() const { return workload->requests; }

  Fixture() {
    dir = (std::filesystem::temp_directory_path() /
           ("socle-trail-bench-" + std::to_string(::getpid())))
              .string();
    std::filesystem::create_directories(dir);
    engine = socle_bench::LoadWorkloadEngine();
    KeyFileOptions key_options;
    key_options.kdf = PassphraseKdfParams::MinimumForTests();
    key_options.allow_weak_kdf_for_tests = true;
    std::shared_ptr<KeyProvider> provider = Check(KeyFileProvider::Create(
        dir + "/master.key", SecretBytes(absl::string_view("benchmark passphrase")),
        key_options));
    VaultOptions vault_options;
    vault_options.cache_capacity = 2 * kPersons;
    vault = Check(Vault::Open(provider, dir + "/vault.db", "bench", vault_options));
    LedgerOptions options;  // the defaults: group commit, 10 ms, checkpoints
    ledger = Check(Ledger::Open(dir + "/trail.db", vault, "access_trail", options));
    trail = Check(AccessTrail::Create(ledger, *engine));
    workload.emplace(*engine, "requests_mixed.tsv");
    // The files of 2,000 persons, whose keys exist already (their case data was sealed before:
    // creating a person's key is a durable write to the vault, once in the person's life, not
    // part of recording an access).
    std::vector<AccessRequest> kept;
    absl::flat_hash_set<uint32_t> persons;
    for (const AccessRequest& r : workload->requests) {
      if (persons.size() < kPersons || persons.contains(r.person)) {
        persons.insert(r.person);
        kept.push_back(r);
      }
    }
    workload->requests = std::move(kept);
    for (uint32_t person : persons) {
      Check(vault->SealRecord({engine->PersonName(person), "case-file", 1},
                              absl::MakeConstSpan(reinterpret_cast<const uint8_t*>("x"), 1)));
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
    benchmark::DoNotOptimize(snapshot->Decide(f.requests()[i]));
    if (++i == f.requests().size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PureDecide);

void BM_RecordedDecide(benchmark::State& state) {
  Fixture& f = Shared();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(Check(f.trail->Decide(f.requests()[i])));
    if (++i == f.requests().size()) i = 0;
  }
  // What was appended is durable before the run counts as done (the wait is timed).
  if (!f.ledger->Flush().ok()) std::abort();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RecordedDecide)->MinTime(2.0)->UseRealTime();

// A list screen: 100 files opened in one call, 100 entries in one append.
void BM_RecordedDecideMany100(benchmark::State& state) {
  Fixture& f = Shared();
  std::vector<Decision> out(100);
  size_t i = 0;
  for (auto _ : state) {
    if (i + 100 > f.requests().size()) i = 0;
    if (!f.trail->DecideMany(absl::MakeConstSpan(f.requests()).subspan(i, 100), absl::MakeSpan(out))
             .ok()) {
      std::abort();
    }
    i += 100;
  }
  if (!f.ledger->Flush().ok()) std::abort();
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_RecordedDecideMany100)->MinTime(2.0)->UseRealTime();

// Reopening an engine on its state ledger file (the access workload's directory, then a few
// hundred facts): from the newest snapshot and the events after it, or by replaying every event.
// Target: <= 1 s with a snapshot.
struct StateFile {
  std::string path;
  Policy policy = socle_bench::WorkloadPolicy();
  explicit StateFile(bool snapshot) {
    Fixture& f = Shared();
    path = f.dir + (snapshot ? "/state-snapshot.db" : "/state-replay.db");
    auto ledger = Check(Ledger::Open(path, f.vault, "state", LedgerOptions()));
    auto record = std::make_shared<StateLedger>(std::shared_ptr<Ledger>(std::move(ledger)));
    auto engine = Check(AccessEngine::Open(policy, record));
    Check(engine->LoadDirectoryTsvFiles(AccessWorkloadDir() + "/professionals.tsv",
                                        AccessWorkloadDir() + "/persons.tsv"));
    if (snapshot && !engine->SaveSnapshot().ok()) std::abort();
    // A tail of 500 events after the snapshot.
    for (int i = 0; i < 500; ++i) {
      Check(engine->SetMask({"x" + std::to_string(i), "", "social", MaskAudience::kEveryone, ""}));
    }
  }
};

void ReopenState(benchmark::State& state, bool snapshot) {
  static StateFile* with = nullptr;
  static StateFile* without = nullptr;
  StateFile*& file = snapshot ? with : without;
  if (file == nullptr) file = new StateFile(snapshot);
  Fixture& f = Shared();
  for (auto _ : state) {
    auto ledger = Check(Ledger::Open(file->path, f.vault, "state", LedgerOptions()));
    auto record = std::make_shared<StateLedger>(std::shared_ptr<Ledger>(std::move(ledger)));
    auto engine = Check(AccessEngine::Open(file->policy, record));
    benchmark::DoNotOptimize(engine->revision());
  }
}
void BM_ReopenStateLedger_Snapshot(benchmark::State& state) { ReopenState(state, true); }
void BM_ReopenStateLedger_Replay(benchmark::State& state) { ReopenState(state, false); }
BENCHMARK(BM_ReopenStateLedger_Snapshot)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_ReopenStateLedger_Replay)->Unit(benchmark::kMillisecond)->Iterations(3);

void PrintRatios(const socle_bench::RateReporter& reporter) {
  const double reopen = reporter.SecondsPerIteration("BM_ReopenStateLedger_Snapshot/iterations:5");
  if (reopen > 0) {
    std::printf("%-52s %10.0f ms   target <= 1000 ms: %s\n", "reopen engine on its state ledger",
                reopen * 1e3, reopen <= 1.0 ? "met" : "MISSED");
  }
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
