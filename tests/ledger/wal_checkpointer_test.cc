// sqlite::WalCheckpointer (src/storage/sqlite.h), the ledger's checkpoint off the committing
// call: the log is copied on another thread, stays bounded while commits go on, and loses
// nothing.
#include <sqlite3.h>

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "storage/sqlite.h"
#include "../vault/test_util.h"

namespace socle {
namespace {

using sqlite::Database;
using sqlite::WalCheckpointer;

constexpr int kPageBytes = 4096;

uintmax_t SizeOrZero(const std::string& path) {
  std::error_code error;
  const uintmax_t size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

BOOST_AUTO_TEST_SUITE(wal_checkpointer)

BOOST_AUTO_TEST_CASE(copies_the_log_on_its_own_thread_and_keeps_it_bounded) {
  vault_testing::TempDir dir;
  const std::string path = dir.File("log.db");
  auto db = Database::Open(path, "test database");
  BOOST_REQUIRE(db.ok());
  BOOST_REQUIRE((*db)->Exec("PRAGMA page_size=4096; PRAGMA journal_mode=WAL;"
                            "PRAGMA synchronous=NORMAL;"
                            "CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL);")
                    .ok());
  int checkpointer_passes = 0;
  {
    WalCheckpointer checkpointer(path, "test database", "PRAGMA synchronous=NORMAL;");
    checkpointer.Attach(**db);
    auto insert = (*db)->Prepare("INSERT INTO t (k, v) VALUES (?, zeroblob(3000))");
    BOOST_REQUIRE(insert.ok());
    // 600 transactions of 40 rows: about 24,000 pages, three times kForegroundPages.
    uintmax_t largest_log = 0;
    int64_t k = 0;
    for (int t = 0; t < 600; ++t) {
      BOOST_REQUIRE((*db)->Exec("BEGIN IMMEDIATE").ok());
      for (int r = 0; r < 40; ++r, ++k) {
        sqlite::StatementUse use(**insert);
        BOOST_REQUIRE(use->Bind(1, k).ok());
        BOOST_REQUIRE(use->Run().ok());
      }
      BOOST_REQUIRE((*db)->Exec("COMMIT").ok());
      largest_log = std::max(largest_log, SizeOrZero(path + "-wal"));
    }
    // The thread ran, and the log restarted instead of growing with every commit: it never
    // held much more than kForegroundPages (frames carry a 24-byte header).
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (checkpointer.passes() == 0 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    checkpointer_passes = checkpointer.passes();
    BOOST_TEST(checkpointer_passes > 0);
    BOOST_TEST(largest_log > uintmax_t{WalCheckpointer::kBackgroundPages} * kPageBytes);
    BOOST_TEST(largest_log <
               uintmax_t{WalCheckpointer::kForegroundPages + 200} * (kPageBytes + 24));
    BOOST_TEST_MESSAGE("largest log: " << largest_log / (kPageBytes + 24) << " pages; "
                                       << checkpointer_passes << " passes");
    // A pass per kBackgroundPages new frames at most, not one per commit once the log is long
    // (each pass syncs the log and the file: one per commit would halve kSync appends).
    BOOST_TEST(checkpointer_passes <= 2 * 24000 / WalCheckpointer::kBackgroundPages);
  }
  // Nothing lost: every row is there, and a second connection reads them from the file.
  BOOST_TEST(*(*db)->QueryInt("SELECT count(*) FROM t") == 24000);
  db->reset();
  auto again = Database::Open(path, "test database");
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(*(*again)->QueryInt("SELECT count(*) FROM t") == 24000);
  BOOST_TEST(*(*again)->QueryText("PRAGMA integrity_check") == "ok");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
