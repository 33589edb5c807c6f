// benchmarks/pg_cluster.h: the PostgreSQL server of the benchmarks that need one, header-only.
// SOCLE_BENCH_POSTGRES (a postgresql:// URI), else a throwaway cluster started with
// tests/pg/pg_cluster.sh (SOCLE_PG_CLUSTER_SCRIPT, defined by benchmarks/CMakeLists.txt) in a
// temporary directory and stopped at exit. (A copy of pg_ledger_benchmark.cc's helper, which
// can move here.)
#ifndef SOCLE_BENCHMARKS_PG_CLUSTER_H_
#define SOCLE_BENCHMARKS_PG_CLUSTER_H_

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace socle_bench {

inline std::string& ClusterDir() {
  static std::string* dir = new std::string;  // set when this run started the cluster
  return *dir;
}

// Stops the cluster this run started, if any (also registered with atexit).
inline void StopPgCluster() {
  std::string& dir = ClusterDir();
  if (dir.empty()) return;
  const std::string command = "'" + std::string(SOCLE_PG_CLUSTER_SCRIPT) + "' stop '" + dir +
                              "' >&2";
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "stopping the PostgreSQL cluster failed\n");
  }
  std::filesystem::remove_all(dir);
  dir.clear();
}

// The server's URI; exits with a message when no server can be had.
inline const std::string& PgServerUri() {
  static const std::string* uri = [] {
    if (const char* env = std::getenv("SOCLE_BENCH_POSTGRES"); env != nullptr && *env != '\0') {
      return new std::string(env);
    }
    std::string pattern =
        (std::filesystem::temp_directory_path() / "socle-pgbench-").string() + "XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::fprintf(stderr, "mkdtemp failed\n");
      std::exit(1);
    }
    ClusterDir() = pattern;
    // pg_cluster.sh would reuse SOCLE_TEST_POSTGRES's server: this program starts its own.
    const std::string command = "env -u SOCLE_TEST_POSTGRES '" +
                                std::string(SOCLE_PG_CLUSTER_SCRIPT) + "' start '" + pattern +
                                "' >&2";
    std::atexit(StopPgCluster);
    if (std::system(command.c_str()) != 0) {
      std::fprintf(stderr, "pg_cluster.sh start failed\n");
      std::exit(1);
    }
    std::ifstream in(pattern + "/conninfo");
    auto* s = new std::string;
    std::getline(in, *s);
    if (s->empty()) {
      std::fprintf(stderr, "pg_cluster.sh wrote no conninfo\n");
      std::exit(1);
    }
    return s;
  }();
  return *uri;
}

}  // namespace socle_bench

#endif  // SOCLE_BENCHMARKS_PG_CLUSTER_H_
