// CommitWatch, the lock-free "was anything committed since?" of kRefuseIfShredded seals: its
// fingerprint stays while the database is only read, and moves with every commit, whether made
// by the watched connection, by another connection of this process, or by another process.
#include "vault/commit_watch.h"

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

#include "test_util.h"

namespace socle {
namespace {

using vault_internal::CommitWatch;
using vault_testing::TempDir;

class Connection {
 public:
  explicit Connection(const std::string& path) {
    BOOST_REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK);
  }
  ~Connection() { sqlite3_close(db_); }
  void Exec(const char* sql) {
    BOOST_REQUIRE_MESSAGE(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK, sql);
  }
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

BOOST_AUTO_TEST_SUITE(commit_watch)

BOOST_AUTO_TEST_CASE(the_fingerprint_moves_with_every_commit_and_only_then) {
  TempDir dir;
  const std::string path = dir.File("w.db");
  Connection watched(path);
  watched.Exec("PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);");
  const CommitWatch watch(watched.get());
  const std::optional<uint64_t> start = watch.Fingerprint();
  BOOST_REQUIRE(start.has_value());
  BOOST_TEST(*start != CommitWatch::kNone);
  watched.Exec("SELECT count(*) FROM t;");
  BOOST_TEST((watch.Fingerprint() == start));

  // Another connection of this process.
  Connection other(path);
  other.Exec("SELECT count(*) FROM t;");
  BOOST_TEST((watch.Fingerprint() == start));
  other.Exec("INSERT INTO t VALUES (2);");
  const std::optional<uint64_t> after_other = watch.Fingerprint();
  BOOST_REQUIRE(after_other.has_value());
  BOOST_TEST((*after_other != *start));

  // The watched connection itself (PRAGMA data_version would not move for this one).
  watched.Exec("INSERT INTO t VALUES (3);");
  const std::optional<uint64_t> after_own = watch.Fingerprint();
  BOOST_REQUIRE(after_own.has_value());
  BOOST_TEST((*after_own != *after_other));

  // A rolled-back transaction commits nothing.
  watched.Exec("BEGIN IMMEDIATE; INSERT INTO t VALUES (4); ROLLBACK;");
  BOOST_TEST((watch.Fingerprint() == after_own));

  // Another process.
  const pid_t child = fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    sqlite3* db = nullptr;
    const bool ok = sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
                    sqlite3_exec(db, "INSERT INTO t VALUES (5);", nullptr, nullptr, nullptr) ==
                        SQLITE_OK;
    sqlite3_close(db);
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  BOOST_REQUIRE(waitpid(child, &status, 0) == child);
  BOOST_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const std::optional<uint64_t> after_process = watch.Fingerprint();
  BOOST_REQUIRE(after_process.has_value());
  BOOST_TEST((*after_process != *after_own));

  // A checkpoint that truncates the WAL and restarts it, then a commit into the new WAL.
  watched.Exec("PRAGMA wal_checkpoint(TRUNCATE);");
  const std::optional<uint64_t> after_checkpoint = watch.Fingerprint();
  other.Exec("INSERT INTO t VALUES (6);");
  const std::optional<uint64_t> after_restart = watch.Fingerprint();
  BOOST_REQUIRE(after_restart.has_value());
  BOOST_TEST((after_restart != after_checkpoint));
  BOOST_TEST((*after_restart != *after_process));
}

BOOST_AUTO_TEST_CASE(without_a_wal_index_there_is_no_fingerprint) {
  TempDir dir;
  Connection rollback_journal(dir.File("j.db"));
  rollback_journal.Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);");
  BOOST_TEST(!CommitWatch(rollback_journal.get()).Fingerprint().has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
