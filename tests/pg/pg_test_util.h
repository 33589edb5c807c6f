// Helpers of the PostgreSQL suites: the server's URI (the throwaway cluster of pg_cluster.sh, or
// SOCLE_TEST_POSTGRES), a ledger of its own per test (a schema named after the process and a
// counter, dropped at the end), a vault and key file in a temporary directory, and a raw libpq
// connection that plays the attacker.
#ifndef SOCLE_TESTS_PG_PG_TEST_UTIL_H_
#define SOCLE_TESTS_PG_PG_TEST_UTIL_H_

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "../vault/test_util.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "socle/ledger.hpp"
#include "socle/vault.hpp"

namespace socle::pg_testing {

using vault_testing::CodeName;
using vault_testing::TempDir;

// The server: SOCLE_TEST_POSTGRES, else the conninfo file pg_cluster.sh wrote in
// SOCLE_TEST_POSTGRES_DIR (CTest sets it).
inline std::string ServerUri() {
  if (const char* uri = std::getenv("SOCLE_TEST_POSTGRES"); uri != nullptr && *uri != '\0') {
    return uri;
  }
  const char* dir = std::getenv("SOCLE_TEST_POSTGRES_DIR");
  BOOST_REQUIRE_MESSAGE(dir != nullptr,
                        "set SOCLE_TEST_POSTGRES (a postgresql:// URI) or run through ctest");
  std::ifstream in(std::string(dir) + "/conninfo");
  std::string uri;
  std::getline(in, uri);
  BOOST_REQUIRE_MESSAGE(!uri.empty(), "no conninfo in " << dir << " (pg.cluster_start failed?)");
  return uri;
}

// `uri` with one more query parameter (a later one replaces an earlier one of the same name).
inline std::string WithParam(const std::string& uri, absl::string_view param) {
  return absl::StrCat(uri, uri.find('?') != std::string::npos ? "&" : "?", param);
}

// A ledger name no other test (nor an earlier run on the same server) uses.
inline std::string UniqueLedgerName(absl::string_view prefix) {
  static std::atomic<int> counter{0};
  static const uint32_t run = std::random_device()();
  return absl::StrCat(prefix, "_", getpid(), "_", run % 100000, "_", counter++);
}

// A raw connection to the server, as a database administrator has one.
class RawConnection {
 public:
  RawConnection() : RawConnection(ServerUri()) {}
  explicit RawConnection(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
    BOOST_REQUIRE_MESSAGE(PQstatus(conn_) == CONNECTION_OK, PQerrorMessage(conn_));
    Result(PQexec(conn_, "SET client_min_messages = warning"));
  }
  ~RawConnection() { PQfinish(conn_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Whether `sql` succeeded.
  bool Try(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType s = PQresultStatus(r);
    PQclear(r);
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
  }
  // The SQLSTATE `sql` failed with, or "" when it succeeded.
  std::string State(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType s = PQresultStatus(r);
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    std::string out = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK ? ""
                      : state != nullptr                            ? state
                                                                    : "?";
    PQclear(r);
    return out;
  }
  // Connects again (after a restart of the server).
  void Reset() {
    PQreset(conn_);
    BOOST_REQUIRE_MESSAGE(PQstatus(conn_) == CONNECTION_OK, PQerrorMessage(conn_));
    Result(PQexec(conn_, "SET client_min_messages = warning"));
  }
  // The server's message for the last failed statement.
  std::string LastError() const { return PQerrorMessage(conn_); }
  void Exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const ExecStatusType s = PQresultStatus(r);
    PQclear(r);
    BOOST_REQUIRE_MESSAGE(s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK,
                          sql << ": " << PQerrorMessage(conn_));
  }
  // The first column of the first row of `sql`, as text.
  std::string Query(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
    std::string value = ok ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    BOOST_REQUIRE_MESSAGE(ok, sql << ": " << PQerrorMessage(conn_));
    return value;
  }

 private:
  struct Result {
    explicit Result(PGresult* r) { PQclear(r); }
  };
  PGconn* conn_;
};

// The schema of ledger `name`, quoted.
inline std::string Schema(absl::string_view name) { return absl::StrCat("\"socle_", name, "\""); }

// A vault and a key file in a temporary directory, a ledger of its own on the server and its
// witness file; the ledger's schema is dropped at the end.
struct PgFixture {
  TempDir dir;
  std::shared_ptr<KeyFileProvider> provider = vault_testing::NewKeyFile(dir.File("master.key"));
  std::shared_ptr<Vault> vault = vault_testing::LoadVault(provider, dir.File("vault.db"));
  std::string uri = ServerUri();
  std::string name = UniqueLedgerName("pgt");
  std::string witness = dir.File("trail.checkpoint");

  ~PgFixture() {
    RawConnection raw;
    raw.Try("DROP SCHEMA IF EXISTS " + Schema(name) + " CASCADE");
  }

  LedgerOptions Options(Durability durability = Durability::kSync) const {
    LedgerOptions options;
    options.durability = durability;
    options.group_commit_delay = absl::Milliseconds(1);
    options.checkpoint_every = 0;
    options.checkpoint_interval = absl::ZeroDuration();
    options.witness_path = witness;
    return options;
  }

  std::unique_ptr<Ledger> Open(Durability durability = Durability::kSync) {
    return OpenAs("", durability);
  }
  // The same, its connections named `app` (the URI's application_name, which Terminate ends);
  // unnamed when `app` is empty.
  std::unique_ptr<Ledger> OpenAs(const std::string& app,
                                 Durability durability = Durability::kSync) {
    auto ledger = Ledger::Open(app.empty() ? uri : WithParam(uri, "application_name=" + app), vault,
                               name, Options(durability));
    BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
    return std::move(*ledger);
  }
  // A table of this test's ledger, schema-qualified.
  std::string Table(absl::string_view table) const {
    return Schema(name) + "." + std::string(table);
  }
};

// Ends the backends of the connections named `app` (a URI's application_name); returns how
// many.
inline int Terminate(RawConnection& raw, absl::string_view app) {
  int n = 0;
  BOOST_REQUIRE(absl::SimpleAtoi(
      raw.Query(absl::StrCat("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE application_name = '",
                             app, "'")),
      &n));
  return n;
}

// A thread that ends the backends named `app` (Terminate) every `min_ms` to `min_ms + spread_ms`
// milliseconds (a seeded draw), each time `armed()` says so, until Stop() (or the destructor),
// which returns how many it ended.
class BackendKiller {
 public:
  BackendKiller(
      std::string app, int min_ms, int spread_ms, uint32_t seed,
      std::function<bool()> armed = [] { return true; })
      : thread_([this, app = std::move(app), min_ms, spread_ms, seed, armed = std::move(armed)] {
          RawConnection raw;
          raw.Exec("SET client_min_messages = error");  // a backend that ended before its turn
          std::mt19937 random(seed);
          while (!finished_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(
                min_ms + static_cast<int>(random() % static_cast<uint32_t>(spread_ms + 1))));
            if (armed()) kills_ += Terminate(raw, app);
          }
        }) {}
  ~BackendKiller() { Stop(); }
  BackendKiller(const BackendKiller&) = delete;
  BackendKiller& operator=(const BackendKiller&) = delete;

  int Stop() {
    finished_ = true;
    if (thread_.joinable()) thread_.join();
    return kills_;
  }

 private:
  std::atomic<bool> finished_{false};
  std::atomic<int> kills_{0};
  std::thread thread_;  // last: started once the rest is built
};

// The throwaway cluster's pg_ctl, for the fault suites (pg_faults_test.cc, pg_vault_test.cc),
// which stop and start it.

// The cluster's directory (pg_cluster.sh), or empty on a server of SOCLE_TEST_POSTGRES.
inline std::string ClusterDir() {
  if (const char* uri = std::getenv("SOCLE_TEST_POSTGRES"); uri != nullptr && *uri != '\0') {
    return "";
  }
  const char* dir = std::getenv("SOCLE_TEST_POSTGRES_DIR");
  if (dir == nullptr) return "";
  std::ifstream in(std::string(dir) + "/cluster");
  std::string cluster;
  std::getline(in, cluster);
  return cluster;
}

// Runs pg_ctl on the cluster as its owner (as pg_cluster.sh does); returns its exit status.
inline int PgCtl(const std::string& cluster, const std::string& args) {
  const char* bindir = std::getenv("PG_BINDIR");
  const std::string pg_ctl =
      absl::StrCat(bindir != nullptr ? bindir : "/usr/lib/postgresql/15/bin", "/pg_ctl");
  const std::string command =
      absl::StrCat("cd / && ", getuid() == 0 ? "runuser -u postgres -- " : "", pg_ctl, " -D '",
                   cluster, "/data' ", args, " > /dev/null 2>&1");
  return std::system(command.c_str());
}

// Starts the cluster again with the options of its last start (postmaster.opts), whatever the
// test did: later tests need it.
struct RestartAtEnd {
  std::string cluster;
  ~RestartAtEnd() {
    if (PgCtl(cluster, "status") != 0) {
      PgCtl(cluster, absl::StrCat("-w -t 60 -l '", cluster, "/server.log' restart"));
    }
  }
};

// Appends `n` entries: every third about no person, the others about "person-<i % 7>".
inline void AppendSome(Ledger& ledger, int n, int first = 0) {
  for (int i = first; i < first + n; ++i) {
    const std::string person = i % 3 == 0 ? "" : absl::StrCat("person-", i % 7);
    const std::string payload = absl::StrCat("payload of entry ", i);
    NewLedgerEntry entry;
    entry.type = LedgerEntryType::kOperation;
    entry.person = person;
    entry.payload = payload;
    auto ticket = ledger.Append(absl::MakeConstSpan(&entry, 1));
    BOOST_REQUIRE_MESSAGE(ticket.ok(), ticket.status().ToString());
  }
  BOOST_REQUIRE(ledger.Flush().ok());
}

}  // namespace socle::pg_testing

#endif  // SOCLE_TESTS_PG_PG_TEST_UTIL_H_
