// Where the ledger suites' ledgers live, and the attacker who edits them behind socle's back. The
// same suites (ledger_test.cc, trail_test.cc, state_ledger_test.cc, sharing_trail_test.cc,
// consent_receipt_test.cc) run on SQLite in the `ledger_test` program and on PostgreSQL in
// tests/pg's `pg_ledger_suite_test`, which compiles them with SOCLE_LEDGER_TEST_POSTGRES=1:
//   - SQLite: ledger NAME is the file NAME.db in the test's temporary directory, its witness the
//     file beside it; the attacker is a plain sqlite3 connection to that file.
//   - PostgreSQL: every ledger is on the server of tests/pg/pg_test_util.h (SOCLE_TEST_POSTGRES,
//     or the throwaway cluster's conninfo); ledger NAME is named NAME_<process>_<run>_<counter>
//     there, so each test has schemas of its own (dropped at the end); its witness is a file in
//     the temporary directory; the attacker is a raw libpq connection whose search_path is the
//     ledger's schema.
// The attacker's SQL names the tables unqualified (the two stores have the same tables and
// columns); what the two dialects write differently is an Attacker method.
#ifndef SOCLE_TESTS_LEDGER_LEDGER_BACKEND_H_
#define SOCLE_TESTS_LEDGER_LEDGER_BACKEND_H_

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "ledger/store.h"
#include "socle/ledger.hpp"
#include "../vault/test_util.h"

#if SOCLE_LEDGER_TEST_POSTGRES
#include "../pg/pg_test_util.h"
#else
#include <sqlite3.h>
#endif

namespace socle::ledger_testing {

#if SOCLE_LEDGER_TEST_POSTGRES
inline constexpr bool kPostgres = true;
#else
inline constexpr bool kPostgres = false;
#endif

// `text` as an SQL string literal (standard quoting: both backends read it alike).
inline std::string SqlQuote(absl::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') quoted += '\'';
    quoted += c;
  }
  return quoted + "'";
}

// The ledgers of one test.
class Backend {
 public:
  explicit Backend(const vault_testing::TempDir& dir) : dir_(dir) {}
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

#if SOCLE_LEDGER_TEST_POSTGRES
  ~Backend() {
    pg_testing::RawConnection raw;
    for (const auto& [ledger, name] : names_) {
      raw.Try("DROP SCHEMA IF EXISTS " + pg_testing::Schema(name) + " CASCADE");
      raw.Try("DROP SCHEMA IF EXISTS " + CopySchema(name) + " CASCADE");
    }
  }

  // What Ledger::Open takes: the server's URI.
  std::string Location(absl::string_view ledger) { return uri_; }
  // The name ledger `ledger` has in this test: one of its own (a schema of its own).
  std::string Name(absl::string_view ledger) {
    auto [it, inserted] = names_.try_emplace(std::string(ledger));
    if (inserted) it->second = pg_testing::UniqueLedgerName(ledger);
    return it->second;
  }
  std::string Witness(absl::string_view ledger) {
    return dir_.File(absl::StrCat(ledger, ".checkpoint"));
  }
  // A PostgreSQL ledger needs its witness named.
  void Complete(LedgerOptions& options, absl::string_view ledger) {
    if (options.witness_path.empty()) options.witness_path = Witness(ledger);
  }

  // The ledger and its witness gone, as if never opened (it must be closed).
  void Remove(absl::string_view ledger) {
    pg_testing::RawConnection raw;
    raw.Exec("DROP SCHEMA IF EXISTS " + pg_testing::Schema(Name(ledger)) + " CASCADE");
    std::filesystem::remove(Witness(ledger));
  }

  // A copy of everything the ledger stored (it must be closed), as a backup is; RestoreCopy puts
  // it back over the ledger's rows, the triggers kept, as an administrator restores a backup.
  // The witness is left as it is.
  void SaveCopy(absl::string_view ledger) {
    const std::string name = Name(ledger);
    pg_testing::RawConnection raw;
    raw.Exec("DROP SCHEMA IF EXISTS " + CopySchema(name) + " CASCADE");
    raw.Exec("CREATE SCHEMA " + CopySchema(name));
    for (const char* table : kTables) {
      raw.Exec(absl::StrCat("CREATE TABLE ", CopySchema(name), ".", table, " AS TABLE ",
                            pg_testing::Schema(name), ".", table));
    }
  }
  void RestoreCopy(absl::string_view ledger) {
    const std::string name = Name(ledger);
    std::string sql = "BEGIN;";
    for (const char* table : kTables) {
      const std::string live = absl::StrCat(pg_testing::Schema(name), ".", table);
      absl::StrAppend(&sql, "ALTER TABLE ", live, " DISABLE TRIGGER USER; DELETE FROM ", live,
                      "; INSERT INTO ", live, " SELECT * FROM ", CopySchema(name), ".", table,
                      "; ALTER TABLE ", live, " ENABLE TRIGGER USER;");
    }
    pg_testing::RawConnection raw;
    raw.Exec(sql + "COMMIT");
  }

  // Whether `needle` is among the bytes the ledger stored: in any text or bytea column of any of
  // its tables.
  bool StoredBytesContain(absl::string_view ledger, absl::string_view needle) {
    const std::string name = Name(ledger);
    pg_testing::RawConnection raw;
    // table:column:type, …
    const std::string columns = raw.Query(absl::StrCat(
        "SELECT string_agg(format('%s:%s:%s', table_name, column_name, data_type), ',') FROM "
        "information_schema.columns WHERE table_schema = 'socle_", name,
        "' AND data_type IN ('bytea', 'text')"));
    BOOST_REQUIRE_MESSAGE(!columns.empty(), "no columns in the schema of " << name);
    const std::string bytes = absl::StrCat("decode('", absl::BytesToHexString(needle), "', 'hex')");
    std::string sql = "SELECT 0";
    for (absl::string_view column : absl::StrSplit(columns, ',')) {
      const std::vector<std::string> parts = absl::StrSplit(column, ':');
      BOOST_REQUIRE(parts.size() == 3u);
      const std::string value =
          parts[2] == "bytea" ? parts[1] : absl::StrCat("convert_to(", parts[1], ", 'UTF8')");
      absl::StrAppend(&sql, " + (SELECT count(*) FROM ", pg_testing::Schema(name), ".", parts[0],
                      " WHERE position(", bytes, " in ", value, ") > 0)");
    }
    return raw.Query(sql) != "0";
  }

  absl::StatusOr<std::unique_ptr<ledger::Store>> OpenStore(absl::string_view ledger,
                                                           Durability durability) {
    return ledger::OpenPostgresStore(uri_, Name(ledger), durability);
  }

 private:
  static constexpr const char* kTables[] = {"meta",       "entries",     "tree",     "subtrees",
                                            "leaf_tiles", "checkpoints", "snapshots"};

  static std::string CopySchema(absl::string_view name) {
    return absl::StrCat("\"socle_", name, "_copy\"");
  }
  const vault_testing::TempDir& dir_;
  std::string uri_ = pg_testing::ServerUri();
  std::map<std::string, std::string> names_;  // ledger -> its name in this test
#else
  std::string Location(absl::string_view ledger) const {
    return dir_.File(absl::StrCat(ledger, ".db"));
  }
  std::string Name(absl::string_view ledger) const { return std::string(ledger); }
  std::string Witness(absl::string_view ledger) const { return Location(ledger) + ".checkpoint"; }
  // The witness beside the file is the default.
  void Complete(LedgerOptions& options, absl::string_view ledger) const {}

  void Remove(absl::string_view ledger) const {
    for (const char* suffix : {"", "-wal", "-shm", ".checkpoint"}) {
      std::filesystem::remove(Location(ledger) + suffix);
    }
  }

  // A copy of the file (the ledger must be closed), and the copy put back.
  void SaveCopy(absl::string_view ledger) const {
    std::filesystem::copy_file(Location(ledger), Location(ledger) + ".copy",
                               std::filesystem::copy_options::overwrite_existing);
  }
  void RestoreCopy(absl::string_view ledger) const {
    std::filesystem::copy_file(Location(ledger) + ".copy", Location(ledger),
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(Location(ledger) + "-wal");
    std::filesystem::remove(Location(ledger) + "-shm");
  }

  // Whether `needle` is among the bytes of the file or of its WAL.
  bool StoredBytesContain(absl::string_view ledger, absl::string_view needle) const {
    const std::vector<uint8_t> bytes(needle.begin(), needle.end());
    for (const char* suffix : {"", "-wal"}) {
      if (vault_testing::Contains(vault_testing::ReadFileBytes(Location(ledger) + suffix), bytes)) {
        return true;
      }
    }
    return false;
  }

  absl::StatusOr<std::unique_ptr<ledger::Store>> OpenStore(absl::string_view ledger,
                                                           Durability durability) const {
    return ledger::OpenSqliteStore(Location(ledger), durability);
  }

 private:
  const vault_testing::TempDir& dir_;
#endif
};

// A raw connection to a ledger's tables, as an attacker with write access (or a database
// administrator) has one. The append-only triggers only stop casual edits: DropTriggers first.
class Attacker {
 public:
#if SOCLE_LEDGER_TEST_POSTGRES
  Attacker(Backend& backend, absl::string_view ledger = "access_trail")
      : schema_(pg_testing::Schema(backend.Name(ledger))) {
    raw_.Exec("SET search_path TO " + schema_);
  }

  // Whether `sql` succeeded.
  bool Try(const std::string& sql) { return raw_.Try(sql); }
  void Exec(const std::string& sql) { raw_.Exec(sql); }
  // The first column of the first row of `sql`, as text.
  std::string Query(const std::string& sql) { return raw_.Query(sql); }

  void DropTrigger(absl::string_view trigger) {
    Exec(absl::StrCat("DROP TRIGGER ", trigger, " ON ", TableOf(trigger)));
  }
  // Every append-only trigger.
  void DropTriggers() {
    for (const char* trigger :
         {"entries_no_update", "entries_no_delete", "entries_no_truncate", "subtrees_no_change",
          "subtrees_no_truncate", "leaf_tiles_no_change", "leaf_tiles_no_truncate",
          "checkpoints_no_change", "checkpoints_no_truncate"}) {
      DropTrigger(trigger);
    }
  }
  // Whether all of `table`'s rows could be removed at once (TRUNCATE).
  bool TryEmpty(absl::string_view table) {
    return Try(absl::StrCat("TRUNCATE ", table, " CASCADE"));
  }
  // An SQL value of the bytes whose hex digits are `hex`.
  static std::string Blob(absl::string_view hex) { return absl::StrCat("'\\x", hex, "'::bytea"); }
  // `from` replaced by `to` (as long) in entry `idx`'s stored bytes, which hold it.
  void ReplaceInBody(uint64_t idx, absl::string_view from, absl::string_view to) {
    BOOST_REQUIRE(from.size() == to.size());
    BOOST_REQUIRE(Query(absl::StrCat("SELECT position(", SqlQuote(from),
                                     "::bytea in body) FROM entries WHERE idx = ", idx)) != "0");
    Exec(absl::StrCat("UPDATE entries SET body = overlay(body placing ", SqlQuote(to),
                      "::bytea from position(", SqlQuote(from), "::bytea in body) for ",
                      from.size(), ") WHERE idx = ", idx));
  }

 private:
  static std::string TableOf(absl::string_view trigger) {
    for (const char* table : {"entries", "subtrees", "leaf_tiles", "checkpoints"}) {
      if (absl::StartsWith(trigger, absl::StrCat(table, "_no_"))) return table;
    }
    BOOST_FAIL("no table for trigger " << trigger);
    return "";
  }

  std::string schema_;
  pg_testing::RawConnection raw_;
#else
  Attacker(Backend& backend, absl::string_view ledger = "access_trail") {
    BOOST_REQUIRE(sqlite3_open_v2(backend.Location(ledger).c_str(), &h_, SQLITE_OPEN_READWRITE,
                                  nullptr) == SQLITE_OK);
  }
  ~Attacker() { sqlite3_close(h_); }
  Attacker(const Attacker&) = delete;
  Attacker& operator=(const Attacker&) = delete;

  bool Try(const std::string& sql) {
    return sqlite3_exec(h_, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(h_, sql.c_str(), nullptr, nullptr, &error);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << (error != nullptr ? error : ""));
    sqlite3_free(error);
  }
  std::string Query(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    BOOST_REQUIRE_MESSAGE(sqlite3_prepare_v2(h_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK,
                          sql << ": " << sqlite3_errmsg(h_));
    const bool row = sqlite3_step(stmt) == SQLITE_ROW;
    const unsigned char* text = row ? sqlite3_column_text(stmt, 0) : nullptr;
    std::string value = text != nullptr ? reinterpret_cast<const char*>(text) : "";
    sqlite3_finalize(stmt);
    BOOST_REQUIRE_MESSAGE(row, sql << ": no row");
    return value;
  }

  void DropTrigger(absl::string_view trigger) { Exec(absl::StrCat("DROP TRIGGER ", trigger)); }
  void DropTriggers() {
    for (const char* trigger : {"entries_no_update", "entries_no_delete", "subtrees_no_change",
                                "subtrees_no_delete", "leaf_tiles_no_change",
                                "leaf_tiles_no_delete", "checkpoints_no_change",
                                "checkpoints_no_delete"}) {
      DropTrigger(trigger);
    }
  }
  // SQLite has no TRUNCATE: a DELETE of every row.
  bool TryEmpty(absl::string_view table) { return Try(absl::StrCat("DELETE FROM ", table)); }
  static std::string Blob(absl::string_view hex) { return absl::StrCat("X'", hex, "'"); }
  void ReplaceInBody(uint64_t idx, absl::string_view from, absl::string_view to) {
    BOOST_REQUIRE(from.size() == to.size());
    BOOST_REQUIRE(Query(absl::StrCat("SELECT instr(CAST(body AS TEXT), ", SqlQuote(from),
                                     ") FROM entries WHERE idx = ", idx)) != "0");
    Exec(absl::StrCat("UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), ",
                      SqlQuote(from), ", ", SqlQuote(to), ") AS BLOB) WHERE idx = ", idx));
  }

 private:
  sqlite3* h_ = nullptr;
#endif

 public:
  // `n` zero bytes, as an SQL value.
  static std::string ZeroBlob(size_t n) { return Blob(std::string(2 * n, '0')); }
  // The SQL value of `column` with its bytes [offset, offset + n) zeroed.
  static std::string Zeroed(absl::string_view column, size_t offset, size_t n) {
    return absl::StrCat("substr(", column, ", 1, ", offset, ") || ", ZeroBlob(n), " || substr(",
                        column, ", ", offset + n + 1, ")");
  }
};

}  // namespace socle::ledger_testing

#endif  // SOCLE_TESTS_LEDGER_LEDGER_BACKEND_H_
