// The person's history (AccessTrail::History, socle/trail.hpp; issue 12): one person with 10,000
// entries in the access trail (SQLite, group commit), read page by page with every line's
// inclusion proof and every payload opened and parsed. Beside it, in the same run, each part of
// that work through the ledger's own calls, and the raw limits of the same bytes:
//
//   BM_History                 the whole history, as the access request reads it
//   BM_Part_EntriesAbout       the ledger's read of the person's rows (Ledger::EntriesAbout)
//   BM_Part_ProveInclusions    the proofs of those rows against the checkpoint
//   BM_Part_OpenPayloads       every payload opened one by one (Ledger::OpenPayload)
//   BM_Raw_SqliteRows          raw SQLite: the same SELECT on the same file, columns copied out
//   BM_Raw_AeadOpen            raw crypto_aead_xchacha20poly1305_ietf_decrypt of as many
//                              payloads of the same size
//   BM_Raw_Sha256Leaves        raw SHA-256 of every row's bytes (what hashing the page once costs)
//
// Two layouts: the person's entries one after the other (the access request benchmark's), and
// spread one in 8 among other persons' (a busy service), where each line's proof has leaves and
// nodes of its own.
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness.h"
#include "socle/access.hpp"
#include "socle/init.hpp"
#include "socle/ledger.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"
#include "workload.h"

namespace {

using namespace socle;  // NOLINT
using socle_bench::Check;

constexpr size_t kTrailEntries = 10000;

struct Fixture {
  std::string dir;
  std::unique_ptr<AccessEngine> engine;
  std::shared_ptr<Vault> vault;
  std::shared_ptr<Ledger> ledger;
  std::unique_ptr<AccessTrail> trail;
  std::string person;

  // `spread`: one of the person's entries in every `spread` entries of the trail.
  explicit Fixture(size_t spread) {
    Check(Initialize());
    dir = (std::filesystem::temp_directory_path() /
           absl::StrCat("socle-history-bench-", ::getpid(), "-", spread))
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
    socle_bench::WorkloadRequests workload(*engine, "requests_mixed.tsv");
    const AccessRequest first = workload.requests.front();
    person = std::string(engine->PersonName(first.person));
    // Batches of 500 decisions: the person's, then (spread - 1) others' for each of theirs.
    std::vector<AccessRequest> batch;
    size_t other = 0;
    for (size_t i = 0; i < 500; ++i) {
      batch.push_back(first);
      for (size_t k = 1; k < spread; ++k) {
        AccessRequest r;
        do {
          r = workload.requests[++other % workload.requests.size()];
        } while (r.person == first.person);
        batch.push_back(r);
      }
    }
    std::vector<Decision> decisions(batch.size());
    for (size_t done = 0; done < kTrailEntries; done += 500) {
      Check(trail->DecideMany(batch, absl::MakeSpan(decisions)));
    }
    Check(ledger->Flush());
    Check(ledger->Checkpoint());
  }
  ~Fixture() {
    trail.reset();
    ledger.reset();
    vault.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  // The person's rows, as History reads them (every page).
  std::vector<StoredLedgerEntry> Rows() {
    std::vector<StoredLedgerEntry> rows;
    int64_t after = -1;
    for (;;) {
      auto page = Check(
          ledger->EntriesAbout(person, absl::InfinitePast(), absl::InfiniteFuture(), after, 10000));
      if (page.empty()) break;
      after = static_cast<int64_t>(page.back().index);
      for (auto& e : page) rows.push_back(std::move(e));
    }
    return rows;
  }
};

Fixture& TheFixture(size_t spread) {
  static Fixture* together = nullptr;
  static Fixture* spread_out = nullptr;
  Fixture*& f = spread == 1 ? together : spread_out;
  if (f == nullptr) f = new Fixture(spread);
  return *f;
}

// The whole history, every page, as WriteAccessRequest reads it.
void BM_History(benchmark::State& state) {
  Fixture& f = TheFixture(static_cast<size_t>(state.range(0)));
  size_t n = 0, readable = 0;
  for (auto _ : state) {
    HistoryQuery query;
    query.person = f.person;
    query.reader = f.person;
    query.reader_is_person = true;
    query.limit = 10000;
    n = readable = 0;
    for (;;) {
      PersonHistory page = Check(f.trail->History(query));
      n += page.entries.size();
      for (const HistoryEntry& e : page.entries) readable += e.readable ? 1 : 0;
      if (page.next_after < 0) break;
      query.after = page.next_after;
    }
    benchmark::DoNotOptimize(n);
  }
  if (readable != n) state.SkipWithError("a line of the history was not readable");
  state.counters["lines"] = static_cast<double>(n);
}
BENCHMARK(BM_History)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();

void BM_Part_EntriesAbout(benchmark::State& state) {
  Fixture& f = TheFixture(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(f.Rows().size());
}
BENCHMARK(BM_Part_EntriesAbout)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Part_ProveInclusions(benchmark::State& state) {
  Fixture& f = TheFixture(static_cast<size_t>(state.range(0)));
  const uint64_t size = Check(f.ledger->Checkpoint()).size;
  std::vector<uint64_t> indexes;
  for (const StoredLedgerEntry& e : f.Rows()) indexes.push_back(e.index);
  for (auto _ : state) {
    benchmark::DoNotOptimize(Check(f.ledger->ProveInclusions(indexes, size)).size());
  }
  state.counters["proofs"] = static_cast<double>(indexes.size());
}
BENCHMARK(BM_Part_ProveInclusions)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Part_OpenPayloads(benchmark::State& state) {
  Fixture& f = TheFixture(static_cast<size_t>(state.range(0)));
  const std::vector<StoredLedgerEntry> rows = f.Rows();
  for (auto _ : state) {
    size_t bytes = 0;
    for (const StoredLedgerEntry& e : rows)
      bytes += Check(f.ledger->OpenPayload(e, f.person)).size();
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(BM_Part_OpenPayloads)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();

// Raw SQLite: the person's rows by the same index, on a connection of its own.
void BM_Raw_SqliteRows(benchmark::State& state) {
  Fixture& f = TheFixture(static_cast<size_t>(state.range(0)));
  const std::string pseudonym = Check(f.ledger->PersonPseudonym(f.person));
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((f.dir + "/trail.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    state.SkipWithError("sqlite3_open_v2");
    return;
  }
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT idx, time_us, type, person, body, leaf_hash, mac FROM entries "
                     "WHERE person = ? AND idx > ? AND time_us >= ? AND time_us < ? "
                     "ORDER BY idx LIMIT ?",
                     -1, &select, nullptr);
  size_t rows = 0;
  for (auto _ : state) {
    std::vector<std::string> bodies;
    bodies.reserve(kTrailEntries);
    sqlite3_bind_blob(select, 1, pseudonym.data(), static_cast<int>(pseudonym.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(select, 2, -1);
    sqlite3_bind_int64(select, 3, INT64_MIN);
    sqlite3_bind_int64(select, 4, INT64_MAX);
    sqlite3_bind_int64(select, 5, 20000);
    while (sqlite3_step(select) == SQLITE_ROW) {
      bodies.emplace_back(static_cast<const char*>(sqlite3_column_blob(select, 4)),
                          static_cast<size_t>(sqlite3_column_bytes(select, 4)));
      benchmark::DoNotOptimize(sqlite3_column_blob(select, 5));
      benchmark::DoNotOptimize(sqlite3_column_blob(select, 6));
    }
    sqlite3_reset(select);
    rows = bodies.size();
  }
  sqlite3_finalize(select);
  sqlite3_close(db);
  state.counters["rows"] = static_cast<double>(rows);
}
BENCHMARK(BM_Raw_SqliteRows)->Arg(1)->Arg(8)->Unit(benchmark::kMillisecond)->UseRealTime();

// Raw AEAD: as many payloads of the same sizes opened with one key.
void BM_Raw_AeadOpen(benchmark::State& state) {
  Fixture& f = TheFixture(1);
  std::vector<size_t> sizes;
  for (const StoredLedgerEntry& e : f.Rows()) {
    sizes.push_back(Check(f.ledger->OpenPayload(e, f.person)).size());
  }
  unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
  unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  randombytes_buf(key, sizeof key);
  randombytes_buf(nonce, sizeof nonce);
  std::vector<std::vector<unsigned char>> sealed;
  for (size_t n : sizes) {
    std::vector<unsigned char> plain(n, 'x'), out(n + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &len, plain.data(), n, nullptr, 0,
                                               nullptr, nonce, key);
    sealed.push_back(std::move(out));
  }
  std::vector<unsigned char> plain(1 << 16);
  for (auto _ : state) {
    for (const auto& s : sealed) {
      unsigned long long len = 0;
      if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain.data(), &len, nullptr, s.data(),
                                                     s.size(), nullptr, 0, nonce, key) != 0) {
        state.SkipWithError("decrypt");
      }
    }
  }
  state.counters["payloads"] = static_cast<double>(sealed.size());
}
BENCHMARK(BM_Raw_AeadOpen)->Unit(benchmark::kMillisecond)->UseRealTime();

// Raw SHA-256 of every row's bytes.
void BM_Raw_Sha256Leaves(benchmark::State& state) {
  Fixture& f = TheFixture(1);
  const std::vector<StoredLedgerEntry> rows = f.Rows();
  unsigned char hash[crypto_hash_sha256_BYTES];
  for (auto _ : state) {
    for (const StoredLedgerEntry& e : rows) {
      crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(e.bytes.data()),
                         e.bytes.size());
      benchmark::DoNotOptimize(hash);
    }
  }
}
BENCHMARK(BM_Raw_Sha256Leaves)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
