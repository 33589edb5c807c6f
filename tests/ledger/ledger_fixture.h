// A ledger on disk for the ledger suites: a temporary directory, a vault with a fast key file,
// a ledger file beside it, and a raw SQLite connection that plays the attacker.
#ifndef SOCLE_TESTS_LEDGER_LEDGER_FIXTURE_H_
#define SOCLE_TESTS_LEDGER_LEDGER_FIXTURE_H_

#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "socle/ledger.hpp"
#include "socle/vault.hpp"
#include "../vault/test_util.h"

namespace socle::ledger_testing {

using vault_testing::CodeName;
using vault_testing::TempDir;

struct LedgerFixture {
  TempDir dir;
  std::shared_ptr<KeyFileProvider> provider = vault_testing::NewKeyFile(dir.File("master.key"));
  std::shared_ptr<Vault> vault = vault_testing::LoadVault(provider, dir.File("vault.db"));
  std::string path = dir.File("trail.db");

  static LedgerOptions Options(Durability durability = Durability::kSync) {
    LedgerOptions options;
    options.durability = durability;
    options.group_commit_delay = absl::Milliseconds(1);
    options.checkpoint_every = 0;
    options.checkpoint_interval = absl::ZeroDuration();
    return options;
  }

  std::unique_ptr<Ledger> Open(const LedgerOptions& options = Options(),
                               absl::string_view name = "access_trail") {
    auto ledger = Ledger::Open(path, vault, name, options);
    BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
    return std::move(*ledger);
  }
};

// Appends `n` entries: every third about no person, the others about "person-<i % 7>"; the
// first error. (No Boost.Test macro: threads call it, and Boost.Test's are not thread-safe.)
inline absl::Status TryAppendSome(Ledger& ledger, int n, int first = 0) {
  for (int i = first; i < first + n; ++i) {
    const std::string person = i % 3 == 0 ? "" : absl::StrCat("person-", i % 7);
    const std::string payload = absl::StrCat("payload of entry ", i);
    NewLedgerEntry entry;
    entry.type = LedgerEntryType::kOperation;
    entry.person = person;
    entry.payload = payload;
    if (auto ticket = ledger.Append(absl::MakeConstSpan(&entry, 1)); !ticket.ok()) {
      return ticket.status();
    }
  }
  return ledger.Flush();
}

inline void AppendSome(Ledger& ledger, int n, int first = 0) {
  const absl::Status appended = TryAppendSome(ledger, n, first);
  BOOST_REQUIRE_MESSAGE(appended.ok(), appended.ToString());
}

// A plain connection to the ledger file, as an attacker with write access has one. Triggers are
// dropped first when asked (they only stop casual edits).
class Attacker {
 public:
  explicit Attacker(const std::string& db) {
    BOOST_REQUIRE(sqlite3_open_v2(db.c_str(), &h_, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
  }
  ~Attacker() { sqlite3_close(h_); }
  // The SQLite result code of `sql`.
  int Try(const std::string& sql) { return sqlite3_exec(h_, sql.c_str(), nullptr, nullptr, nullptr); }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(h_, sql.c_str(), nullptr, nullptr, &error);
    BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, sql << ": " << (error != nullptr ? error : ""));
    sqlite3_free(error);
  }
  void DropTriggers() {
    for (const char* t : {"entries_no_update", "entries_no_delete", "subtrees_no_change",
                          "subtrees_no_delete", "leaf_tiles_no_change", "leaf_tiles_no_delete",
                          "checkpoints_no_change", "checkpoints_no_delete"}) {
      Exec(absl::StrCat("DROP TRIGGER ", t));
    }
  }

 private:
  sqlite3* h_ = nullptr;
};

}  // namespace socle::ledger_testing

#endif  // SOCLE_TESTS_LEDGER_LEDGER_FIXTURE_H_
