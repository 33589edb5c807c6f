// State followers (AccessEngine::Follow, docs/postgresql.md "State followers"): the delay from
// the return of server A's write (one state event, appended to the shared state ledger) to
// server B's engine publishing that revision, B following the ledger on a Ledger handle of its
// own, over kEvents events (p50 and p99; target on PostgreSQL: p99 <= 50 ms), beside the raw
// limits measured in the same run:
//   - PostgreSQL: a bare LISTEN/NOTIFY between two libpq connections (the time from the
//     notifying statement's return, i.e. its commit, to the listener holding the notification);
//   - SQLite: a second connection spinning on PRAGMA data_version (the time from a commit's
//     return to the other connection seeing the counter move); the watch looks every 2 ms.
// The server: SOCLE_BENCH_POSTGRES, else a throwaway cluster (pg_cluster.h).
// Run it from a release build (benchmarks/README.md).
#include <libpq-fe.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness.h"
#include "pg_cluster.h"
#include "socle/access.hpp"
#include "socle/init.hpp"
#include "socle/ledger.hpp"
#include "socle/policy.hpp"
#include "socle/vault.hpp"

namespace {

constexpr int kEvents = 2000;

using Steady = std::chrono::steady_clock;

double Micros(Steady::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

void Die(const std::string& what) {
  std::fprintf(stderr, "follower_benchmark: %s\n", what.c_str());
  std::exit(1);
}

void Check(const absl::Status& status, const char* what) {
  if (!status.ok()) Die(absl::StrCat(what, ": ", status.ToString()));
}

// p50 and p99 of each measure, in microseconds, for the summary.
struct Figures {
  double p50 = 0;
  double p99 = 0;
  double max = 0;
};
std::map<std::string, Figures>& Results() {
  static auto* results = new std::map<std::string, Figures>;
  return *results;
}

void Report(benchmark::State& state, const std::string& name, std::vector<double> us) {
  Figures f;
  f.p50 = socle_bench::Percentile(us, 0.50);
  f.p99 = socle_bench::Percentile(us, 0.99);
  f.max = *std::max_element(us.begin(), us.end());
  state.counters[name + "_p50_us"] = f.p50;
  state.counters[name + "_p99_us"] = f.p99;
  Results()[name] = f;
}

// --- PostgreSQL -------------------------------------------------------------------------------

PGconn* Connect() {
  PGconn* conn = PQconnectdb(socle_bench::PgServerUri().c_str());
  if (PQstatus(conn) != CONNECTION_OK) Die(absl::StrCat("connect: ", PQerrorMessage(conn)));
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  return conn;
}

void Exec(PGconn* conn, const std::string& sql) {
  PGresult* r = PQexec(conn, sql.c_str());
  const ExecStatusType s = PQresultStatus(r);
  PQclear(r);
  if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
    Die(absl::StrCat(sql.substr(0, 60), ": ", PQerrorMessage(conn)));
  }
}

// Waits for one notification on `conn`.
void AwaitNotification(PGconn* conn) {
  for (;;) {
    if (PQconsumeInput(conn) == 0) Die(absl::StrCat("listen: ", PQerrorMessage(conn)));
    if (PGnotify* n = PQnotifies(conn); n != nullptr) {
      PQfreemem(n);
      return;
    }
    pollfd fd{PQsocket(conn), POLLIN, 0};
    if (poll(&fd, 1, 5000) == 0) Die("no notification within 5 s");
  }
}

// The raw limit: NOTIFY on one connection (autocommit: the statement's return is its commit),
// the notification read on another.
void BM_RawListenNotify(benchmark::State& state) {
  PGconn* listener = Connect();
  PGconn* sender = Connect();
  Exec(listener, "LISTEN socle_bench_raw");
  std::vector<double> after_commit, round_trip;
  for (auto _ : state) {
    for (int i = 0; i < kEvents; ++i) {
      const auto t0 = Steady::now();
      Exec(sender, absl::StrCat("SELECT pg_notify('socle_bench_raw', '", i, "')"));
      const auto t1 = Steady::now();
      AwaitNotification(listener);
      const auto t2 = Steady::now();
      after_commit.push_back(Micros(t2 - t1));
      round_trip.push_back(Micros(t2 - t0));
    }
  }
  Report(state, "raw_notify_after_commit", after_commit);
  Report(state, "raw_notify_round_trip", round_trip);
  PQfinish(listener);
  PQfinish(sender);
}
BENCHMARK(BM_RawListenNotify)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// --- The engines ------------------------------------------------------------------------------

socle::KeyFileOptions KeyOptions() {
  socle::KeyFileOptions options;
  options.kdf = socle::PassphraseKdfParams::MinimumForTests();
  options.allow_weak_kdf_for_tests = true;  // a cheap key file: benchmarks only
  return options;
}

struct Bench {
  std::string dir;
  std::shared_ptr<socle::Vault> vault;
  socle::Policy policy;
  std::string pg_ledger;  // a PostgreSQL ledger to drop at the end, if any

  Bench() : policy(LoadPolicy()) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "socle-follower-").string() + "XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp");
    dir = pattern;
    auto provider = socle::KeyFileProvider::Create(
        dir + "/master.key", socle::SecretBytes(absl::string_view("follower benchmark")),
        KeyOptions());
    Check(provider.status(), "key file");
    auto v = socle::Vault::Open(std::shared_ptr<socle::KeyProvider>(std::move(*provider)),
                                dir + "/vault.db", "ccas-bench");
    Check(v.status(), "vault");
    vault = std::shared_ptr<socle::Vault>(std::move(*v));
  }
  ~Bench() {
    if (!pg_ledger.empty()) {
      PGconn* conn = Connect();
      Exec(conn, absl::StrCat("DROP SCHEMA IF EXISTS \"socle_", pg_ledger, "\" CASCADE"));
      PQfinish(conn);
    }
    std::filesystem::remove_all(dir);
  }

  static socle::Policy LoadPolicy() {
    auto policy = socle::Policy::LoadFile(socle_bench::AccessWorkloadPolicyPath());
    Check(policy.status(), "policy");
    return *std::move(policy);
  }

  // One server: its own Ledger handle on the state ledger at `path`, and an engine on it.
  std::unique_ptr<socle::AccessEngine> Server(const std::string& path, absl::string_view name) {
    socle::LedgerOptions options;
    options.durability = socle::Durability::kSync;
    options.checkpoint_every = 0;
    options.checkpoint_interval = absl::ZeroDuration();
    options.witness_path = absl::StrCat(dir, "/", name, ".checkpoint");
    auto ledger = socle::Ledger::Open(path, vault, name, options);
    Check(ledger.status(), "state ledger");
    auto engine = socle::AccessEngine::Open(
        policy,
        std::make_shared<socle::StateLedger>(std::shared_ptr<socle::Ledger>(std::move(*ledger))));
    Check(engine.status(), "engine");
    return std::move(*engine);
  }
};

// A writes kEvents blocks and unblocks, one at a time; B follows. Per event: A's write (the
// append, durable), and the delay from its return to B's engine publishing its revision.
void FollowerDelays(benchmark::State& state, const std::string& path, absl::string_view name,
                    Bench& bench, const std::string& label) {
  auto a = bench.Server(path, name);
  auto b = bench.Server(path, name);
  socle::ProfessionalEntry sw;
  sw.id = "sw1";
  sw.role = "social_worker";
  sw.teams = {"t1"};
  Check(a->UpsertProfessional(sw).status(), "professional");
  socle::PersonEntry person;
  person.id = "x1";
  person.teams = {"t1"};
  Check(a->UpsertPerson(person).status(), "person");
  Check(b->Follow(), "follow");  // the default poll fallback: 1 s
  if (!b->WaitForRevision(a->revision(), absl::Seconds(10))) Die("B never caught up");
  std::vector<double> write, delay;
  for (auto _ : state) {
    for (int i = 0; i < kEvents; ++i) {
      const auto t0 = Steady::now();
      const absl::StatusOr<uint64_t> revision = i % 2 == 0 ? a->Block("x1", "sw1")
                                                           : a->Unblock("x1", "sw1");
      const auto t1 = Steady::now();
      Check(revision.status(), "write");
      if (!b->WaitForRevision(*revision, absl::Seconds(10))) Die("B did not follow in 10 s");
      const auto t2 = Steady::now();
      write.push_back(Micros(t1 - t0));
      delay.push_back(Micros(t2 - t1));
    }
  }
  const socle::AccessEngine::FollowerStatus status = b->follower_status();
  if (status.failures != 0) Die(absl::StrCat("follower errors: ", status.last_error.ToString()));
  Report(state, label + "_write", write);
  Report(state, label + "_follow", delay);
  b->StopFollowing();
}

void BM_FollowerPostgres(benchmark::State& state) {
  Bench bench;
  bench.pg_ledger = absl::StrCat("follower_bench_", getpid());
  FollowerDelays(state, socle_bench::PgServerUri(), bench.pg_ledger, bench, "pg");
}
BENCHMARK(BM_FollowerPostgres)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

// --- SQLite -----------------------------------------------------------------------------------

void SqliteExec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    Die(absl::StrCat(sql, ": ", message != nullptr ? message : "?"));
  }
}

// The raw limit: a commit on one connection, seen by another spinning on PRAGMA data_version.
void BM_RawSqliteDataVersion(benchmark::State& state) {
  Bench bench;
  const std::string path = bench.dir + "/raw.db";
  sqlite3* writer = nullptr;
  sqlite3* reader = nullptr;
  if (sqlite3_open(path.c_str(), &writer) != SQLITE_OK) Die("sqlite open");
  SqliteExec(writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                     "CREATE TABLE t (x INTEGER)");
  if (sqlite3_open(path.c_str(), &reader) != SQLITE_OK) Die("sqlite open");
  sqlite3_stmt* version = nullptr;
  if (sqlite3_prepare_v2(reader, "PRAGMA data_version", -1, &version, nullptr) != SQLITE_OK) {
    Die("prepare");
  }
  const auto read = [&] {
    sqlite3_reset(version);
    if (sqlite3_step(version) != SQLITE_ROW) Die("data_version");
    return sqlite3_column_int64(version, 0);
  };
  std::vector<double> after_commit;
  for (auto _ : state) {
    for (int i = 0; i < kEvents; ++i) {
      const int64_t before = read();
      SqliteExec(writer, "INSERT INTO t VALUES (1)");
      const auto t1 = Steady::now();
      while (read() == before) {
      }
      after_commit.push_back(Micros(Steady::now() - t1));
    }
  }
  Report(state, "raw_data_version_after_commit", after_commit);
  sqlite3_finalize(version);
  sqlite3_close(reader);
  sqlite3_close(writer);
}
BENCHMARK(BM_RawSqliteDataVersion)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void BM_FollowerSqlite(benchmark::State& state) {
  Bench bench;
  FollowerDelays(state, bench.dir + "/state.db", "state", bench, "sqlite");
}
BENCHMARK(BM_FollowerSqlite)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void Summary(const socle_bench::RateReporter&) {
  const auto line = [](const char* what, const char* key) {
    const auto it = Results().find(key);
    if (it == Results().end()) return;
    std::printf("  %-62s p50 %8.3f ms   p99 %8.3f ms   max %8.3f ms\n", what,
                it->second.p50 / 1000, it->second.p99 / 1000, it->second.max / 1000);
  };
  std::printf("\nState followers, %d events each, same run:\n", kEvents);
  line("PostgreSQL raw: NOTIFY's commit -> listener has it", "raw_notify_after_commit");
  line("PostgreSQL raw: NOTIFY sent -> listener has it", "raw_notify_round_trip");
  line("PostgreSQL: A's write (durable append)", "pg_write");
  line("PostgreSQL: A's write returned -> B's engine at its revision", "pg_follow");
  line("SQLite raw: commit -> other connection sees data_version", "raw_data_version_after_commit");
  line("SQLite: A's write (durable append)", "sqlite_write");
  line("SQLite: A's write returned -> B's engine at its revision", "sqlite_follow");
  if (const auto it = Results().find("pg_follow"); it != Results().end()) {
    std::printf("  PostgreSQL follower p99 %.3f ms (target <= 50 ms: %s)\n", it->second.p99 / 1000,
                it->second.p99 <= 50000 ? "met" : "NOT met");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (!socle::Initialize().ok()) return 1;
  const int code = socle_bench::RunBenchmarks(argc, argv, Summary);
  socle_bench::StopPgCluster();
  return code;
}
