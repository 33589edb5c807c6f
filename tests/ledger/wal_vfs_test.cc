// sqlite::CoalescingWalVfs (src/storage/wal_vfs.h), the ledger's VFS: a commit's frames reach
// the WAL in a few writes, and nothing changes for readers: other connections (the default
// VFS's) read every committed row while commits go on, and the file checks out afterwards.
#include <sqlite3.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <string>
#include <thread>

#include "storage/sqlite.h"
#include "storage/wal_vfs.h"
#include "../vault/test_util.h"

namespace socle {
namespace {

using sqlite::Database;

BOOST_AUTO_TEST_SUITE(wal_vfs)

BOOST_AUTO_TEST_CASE(commits_of_many_frames_are_read_back_by_every_connection) {
  vault_testing::TempDir dir;
  const std::string path = dir.File("log.db");
  auto writer = Database::Open(path, "test database", sqlite::CoalescingWalVfs());
  BOOST_REQUIRE(writer.ok());
  BOOST_REQUIRE((*writer)->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                "CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL);"
                                "CREATE INDEX t_by_v ON t (v);")
                    .ok());
  // A reader on the default VFS, on its own thread, counts the rows while the writer commits:
  // the counts only grow, and every read succeeds (a frame the index names but the file lacks
  // would read as a damaged page).
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<bool> reader_ok{true};
  std::thread reader([&] {
    auto db = Database::Open(path, "test database");
    if (!db.ok()) {
      reader_ok = false;
      return;
    }
    int64_t last = 0;
    while (!done) {
      auto count = (*db)->QueryInt("SELECT count(*) FROM t WHERE v IS NOT NULL");
      if (!count.ok() || *count < last) {
        reader_ok = false;
        return;
      }
      last = *count;
      ++reads;
    }
  });
  auto insert = (*writer)->Prepare("INSERT INTO t (k, v) VALUES (?, randomblob(700))");
  BOOST_REQUIRE(insert.ok());
  int64_t k = 0;
  // Commits of 1 row (a few frames), then of 400 rows (hundreds of frames, many buffers).
  for (int t = 0; t < 300; ++t) {
    const int rows = t % 10 == 9 ? 400 : 1;
    BOOST_REQUIRE((*writer)->Exec("BEGIN IMMEDIATE").ok());
    for (int r = 0; r < rows; ++r, ++k) {
      sqlite::StatementUse use(**insert);
      BOOST_REQUIRE(use->Bind(1, k).ok());
      BOOST_REQUIRE(use->Run().ok());
    }
    BOOST_REQUIRE((*writer)->Exec("COMMIT").ok());
  }
  done = true;
  reader.join();
  BOOST_TEST(reader_ok.load());
  BOOST_TEST(reads.load() > 0);
  BOOST_TEST(*(*writer)->QueryInt("SELECT count(*) FROM t") == k);
  // A rolled-back transaction leaves nothing, and the writer's next reads see its own file.
  BOOST_REQUIRE((*writer)->Exec("BEGIN IMMEDIATE; DELETE FROM t; ROLLBACK;").ok());
  BOOST_TEST(*(*writer)->QueryInt("SELECT count(*) FROM t") == k);
  insert->reset();
  writer->reset();
  auto again = Database::Open(path, "test database");
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(*(*again)->QueryInt("SELECT count(*) FROM t") == k);
  BOOST_TEST(*(*again)->QueryText("PRAGMA integrity_check") == "ok");
}

BOOST_AUTO_TEST_CASE(other_files_are_the_default_vfs_own) {
  // The database file and its shared memory are not wrapped: a database made through the VFS
  // opens with the default one, and the other way round, with no WAL in between.
  vault_testing::TempDir dir;
  const std::string path = dir.File("plain.db");
  {
    auto db = Database::Open(path, "test database");
    BOOST_REQUIRE(db.ok());
    BOOST_REQUIRE((*db)->Exec("PRAGMA journal_mode=WAL; CREATE TABLE t (k INTEGER);"
                              "INSERT INTO t VALUES (7);")
                      .ok());
  }
  auto db = Database::Open(path, "test database", sqlite::CoalescingWalVfs());
  BOOST_REQUIRE(db.ok());
  BOOST_TEST(*(*db)->QueryInt("SELECT k FROM t") == 7);
  BOOST_REQUIRE((*db)->Exec("PRAGMA synchronous=FULL; INSERT INTO t VALUES (8);").ok());
  BOOST_TEST(*(*db)->QueryInt("SELECT sum(k) FROM t") == 15);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
