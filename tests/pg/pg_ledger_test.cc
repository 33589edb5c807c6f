// The Ledger (socle/ledger.hpp) on PostgreSQL, what only PostgreSQL has: a URI's password never
// repeated in a message, a disabled trigger, a squatted schema, a missing witness path, Verify's
// chunks read by COPY (a gap, a root of a high level). The
// ledger suites of tests/ledger (appends, proofs, history, checkpoints, retention,
// crypto-shredding, the store, tampering through a raw connection, the trail and the state
// ledger) run on PostgreSQL too: pg_ledger_suite_test, CTest entry pg.ledger_suite.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "pg_test_util.h"
#include "socle/error.hpp"
#include "socle/ledger.hpp"

namespace socle::pg_testing {
namespace {

BOOST_AUTO_TEST_SUITE(pg_ledger)

BOOST_FIXTURE_TEST_CASE(a_reopened_ledger_keeps_its_identity, PgFixture) {
  {
    auto ledger = Open();
    AppendSome(*ledger, 5);
  }
  auto again = Open();
  BOOST_TEST(*again->Size() == 5u);
  // A vault of another tenant is refused, and so is a second ledger name on the same schema
  // (the schema is named after the ledger: another name is another schema).
  auto other_vault =
      vault_testing::LoadVault(vault_testing::NewKeyFile(dir.File("other.key")),
                               dir.File("other.db"), "another-tenant");
  // The URI is given with a password (the throwaway cluster's trust authentication ignores
  // it): the message names the database without it.
  constexpr absl::string_view kPassword = "pw-N0t-In-Messages";
  std::string with_password = uri;
  if (absl::StartsWith(uri, "postgresql:///")) {
    with_password = absl::StrCat("postgresql://:", kPassword, "@", uri.substr(13));
  }
  auto foreign = Ledger::Open(with_password, std::shared_ptr<Vault>(std::move(other_vault)),
                              name, Options());
  BOOST_TEST(CodeName(foreign.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(foreign.status().message(), "belongs to another ledger"),
             foreign.status().message());
  BOOST_TEST(!absl::StrContains(foreign.status().message(), kPassword),
             foreign.status().message());
}

// --- Tampering through a raw connection -----------------------------------------------------

struct TamperFixture : PgFixture {
  std::unique_ptr<Ledger> ledger = Open();
  RawConnection raw;
  TamperFixture() {
    AppendSome(*ledger, 100);
    BOOST_REQUIRE(ledger->Checkpoint().ok());
    AppendSome(*ledger, 50, 100);  // 150 entries, the last 50 not yet checkpointed
    auto report = ledger->Verify();
    BOOST_REQUIRE(report.ok() && report->ok);
  }
};

// SQLite has no disabled trigger (a dropped one is ledger_store/a_dropped_trigger_is_reported).
BOOST_FIXTURE_TEST_CASE(a_disabled_trigger_is_reported, TamperFixture) {
  raw.Exec("ALTER TABLE " + Table("checkpoints") + " DISABLE TRIGGER checkpoints_no_change");
  auto verified = ledger->Verify();
  BOOST_REQUIRE_MESSAGE(verified.ok(), verified.status().ToString());
  const LedgerVerification& report = *verified;
  BOOST_TEST(!report.ok);
  BOOST_TEST(absl::StrContains(report.problem, "checkpoints_no_change"), report.problem);
  BOOST_TEST(absl::StrContains(report.problem, "disabled"), report.problem);
}

// --- Verify's chunks: one binary COPY per 4,096 rows (pg_store.cc, CopyRows) ----------------

// 10,000 entries make three of Verify's chunks; each chunk's leaf tiles and the subtree roots
// of every level its rows completed are read in one query each.
struct ChunksFixture : PgFixture {
  static constexpr int kEntries = 10000;
  std::unique_ptr<Ledger> ledger = Open(Durability::kNone);
  RawConnection raw;
  ChunksFixture() {
    std::vector<std::string> payloads;
    std::vector<NewLedgerEntry> batch;
    for (int i = 0; i < kEntries; ++i) payloads.push_back(absl::StrCat("payload of entry ", i));
    for (int i = 0; i < kEntries; ++i) {
      NewLedgerEntry entry;
      entry.type = LedgerEntryType::kOperation;
      entry.payload = payloads[i];
      batch.push_back(entry);
      if (batch.size() == 1000) {
        BOOST_REQUIRE(ledger->Append(absl::MakeConstSpan(batch)).ok());
        batch.clear();
      }
    }
    BOOST_REQUIRE(ledger->Flush().ok());
    BOOST_REQUIRE(ledger->Checkpoint().ok());
  }
  LedgerVerification MustVerify() {
    auto report = ledger->Verify();
    BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
    return *report;
  }
};

BOOST_FIXTURE_TEST_CASE(verify_reads_every_chunk, ChunksFixture) {
  const LedgerVerification report = MustVerify();
  BOOST_TEST(report.ok, report.problem);
  BOOST_TEST(report.entries == static_cast<uint64_t>(kEntries));
}

BOOST_FIXTURE_TEST_CASE(a_row_deleted_in_a_later_chunk_is_named_and_skipped, ChunksFixture) {
  raw.Exec("DROP TRIGGER entries_no_delete ON " + Table("entries"));
  raw.Exec("DELETE FROM " + Table("entries") + " WHERE idx = 5000");
  const LedgerVerification report = MustVerify();
  BOOST_TEST(!report.ok);
  BOOST_TEST(report.first_bad_index == 5000u, report.problem);
  BOOST_TEST(absl::StrContains(report.problem, "missing"), report.problem);
  // A page of more than 256 rows (read through COPY) over the gap: the rows that exist in
  // [4990, 5290), none past it.
  auto page = ledger->ReadEntries(4990, 300);
  BOOST_REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  BOOST_REQUIRE(page->size() == 299u);
  BOOST_TEST(page->front().index == 4990u);
  BOOST_TEST((*page)[10].index == 5001u);
  BOOST_TEST(page->back().index == 5289u);
  BOOST_TEST(absl::StrContains((*page)[10].bytes, "payload of entry 5001"));
}

BOOST_FIXTURE_TEST_CASE(a_changed_root_of_a_high_level_is_named, ChunksFixture) {
  // The root of entries 8192 to 9215 (level 10), completed in the third chunk.
  raw.Exec("DROP TRIGGER subtrees_no_change ON " + Table("subtrees"));
  raw.Exec("UPDATE " + Table("subtrees") +
           " SET hash = sha256(hash) WHERE level = 10 AND idx = 8");
  const LedgerVerification report = MustVerify();
  BOOST_TEST(!report.ok);
  BOOST_TEST(report.first_bad_index == 8192u, report.problem);
  BOOST_TEST(absl::StrContains(report.problem, "the stored root of entries 8192 to 9215 is wrong"),
             report.problem);
}

// --- Bad input --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(bad_conninfo_gives_clear_errors_without_the_password, PgFixture) {
  constexpr absl::string_view kPassword = "s3cr3t-Pa55";
  const std::string unreachable = absl::StrCat("postgresql://socle:", kPassword,
                                               "@/nodb?host=/nonexistent-socle-dir&port=1");
  auto refused = Ledger::Open(unreachable, vault, name, Options());
  BOOST_TEST(CodeName(refused.status()) == "IO");
  BOOST_TEST(absl::StrContains(refused.status().message(), "ledger database"),
             refused.status().message());
  BOOST_TEST(absl::StrContains(refused.status().message(), "cannot connect"),
             refused.status().message());
  BOOST_TEST(!absl::StrContains(refused.status().message(), kPassword));
  // A malformed URI (a bad percent-escape right after the password) is refused unquoted.
  const std::string malformed = absl::StrCat("postgresql://socle:", kPassword, "%zz@host/db");
  auto bad = Ledger::Open(malformed, vault, name, Options());
  BOOST_TEST(CodeName(bad.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(bad.status().message(), "connection string is malformed"),
             bad.status().message());
  BOOST_TEST(!absl::StrContains(bad.status().message(), kPassword));
  // The password in the query string does not leak either.
  const std::string query = unreachable + "&password=" + std::string(kPassword);
  auto refused_again = Ledger::Open(query, vault, name, Options());
  BOOST_TEST(!refused_again.ok());
  BOOST_TEST(!absl::StrContains(refused_again.status().message(), kPassword));
  // A PostgreSQL ledger needs a witness file named by the caller.
  LedgerOptions no_witness = Options();
  no_witness.witness_path.clear();
  auto unwitnessed = Ledger::Open(uri, vault, name, no_witness);
  BOOST_TEST(CodeName(unwitnessed.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(unwitnessed.status().message(), "witness_path"),
             unwitnessed.status().message());
  // A schema of the ledger's name that is not a ledger is refused, and left as it was.
  RawConnection raw;
  raw.Exec("CREATE SCHEMA " + Schema(name));
  raw.Exec("CREATE TABLE " + Table("meta") + " (x int)");
  auto squatted = Ledger::Open(uri, vault, name, Options());
  BOOST_TEST(CodeName(squatted.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(squatted.status().message(), "not a socle ledger"),
             squatted.status().message());
  BOOST_TEST(raw.Query("SELECT count(*) FROM pg_tables WHERE schemaname = 'socle_" + name +
                       "'") == "1");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pg_testing
