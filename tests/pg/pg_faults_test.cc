// Faults on the PostgreSQL ledger (docs/postgresql.md, "Faults"): the store's connection killed
// between appends and during a run of appends, the server stopped with `pg_ctl stop -m
// immediate` mid-run and started again, a statement timeout behind a lock on the tree head, and
// a COMMIT whose answer is lost (cut by a test hook in pg_store.cc) with and without the server
// reachable to learn the outcome. In each: every acknowledged entry is there exactly once, a
// failed one at most once, the tree verifies, and errors are retryable (IO) and say what failed.
//
// This program runs alone (RUN_SERIAL, tests/pg/CMakeLists.txt): it stops the shared cluster.
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "ledger/store.h"
#include "pg_test_util.h"
#include "socle/error.hpp"
#include "socle/ledger.hpp"

namespace socle::ledger {
// The COMMIT fault hook of pg_store.cc (0 none, 1 cut before COMMIT, 2 answer lost, 3 and 4 as
// 2 and 1 with the outcome left unknown until the next append).
extern std::atomic<int> pg_commit_fault_for_testing;
}  // namespace socle::ledger

namespace socle::pg_testing {
namespace {

using Clock = std::chrono::steady_clock;

// Appends entry `i` (no person; its payload names i) and waits until it is durable (kSync).
absl::Status AppendOne(Ledger& ledger, int i) {
  const std::string payload = absl::StrCat("fault entry ", i);
  NewLedgerEntry entry;
  entry.type = LedgerEntryType::kOperation;
  entry.payload = payload;
  return ledger.Append(absl::MakeConstSpan(&entry, 1)).status();
}

// How many times each entry number 0..n-1 is stored; REQUIREs a single sequence of indexes and
// no payload it does not know.
std::vector<int> CountEntries(Ledger& ledger, int n) {
  std::vector<int> seen(static_cast<size_t>(n), 0);
  auto size = ledger.Size();
  BOOST_REQUIRE_MESSAGE(size.ok(), size.status().ToString());
  for (uint64_t at = 0; at < *size;) {
    auto page = ledger.ReadEntries(at, 4096);
    BOOST_REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    BOOST_REQUIRE(!page->empty());
    for (const StoredLedgerEntry& entry : *page) {
      BOOST_REQUIRE_EQUAL(entry.index, at);
      auto payload = ledger.OpenPayload(entry, "");
      BOOST_REQUIRE_MESSAGE(payload.ok(), "entry " << at << ": " << payload.status());
      int number = -1;
      const absl::string_view text = payload->view();
      BOOST_REQUIRE_MESSAGE(absl::StartsWith(text, "fault entry ") &&
                                absl::SimpleAtoi(text.substr(12), &number) && number >= 0 &&
                                number < n,
                            "entry " << at << ": unexpected payload");
      ++seen[static_cast<size_t>(number)];
      ++at;
    }
  }
  return seen;
}

void ExpectVerifies(Ledger& ledger, uint64_t entries) {
  auto report = ledger.Verify();
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->ok, report->problem);
  BOOST_TEST(report->entries == entries);
}

// Opens the fixture's ledger on `uri`, trying again for up to a minute (the server may be
// coming back).
std::unique_ptr<Ledger> OpenPatiently(PgFixture& f, const std::string& uri) {
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto ledger = Ledger::Open(uri, f.vault, f.name, f.Options(Durability::kSync));
    if (ledger.ok()) return std::move(*ledger);
    BOOST_REQUIRE_MESSAGE(Clock::now() < deadline, ledger.status().ToString());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Appends entries 0..n-1 one at a time on `uri` while something else hurts the server. A
// failed append is remembered and the run goes on with the same handle, which recovers by
// itself once the server answers. `errors` gets each failure's message.
struct Run {
  std::vector<int> acknowledged;
  std::vector<int> failed;
  std::vector<std::string> errors;
  double slowest_failure_s = 0;
  std::atomic<int> done{0};
};

void AppendThrough(PgFixture& f, const std::string& uri, int n, Run& run, int first = 0) {
  auto ledger = OpenPatiently(f, uri);
  for (int i = first; i < first + n; ++i) {
    const auto start = Clock::now();
    const absl::Status appended = AppendOne(*ledger, i);
    if (appended.ok()) {
      run.acknowledged.push_back(i);
    } else {
      run.failed.push_back(i);
      run.errors.push_back(absl::StrCat(CodeName(appended), ": ", appended.message()));
      run.slowest_failure_s = std::max(run.slowest_failure_s,
                                       std::chrono::duration<double>(Clock::now() - start).count());
    }
    run.done = i - first + 1;
  }
}

// The run's invariants on a fresh handle: acknowledged entries once, failed ones at most once,
// nothing else, one verified tree. Returns how many failed entries landed.
int CheckRun(PgFixture& f, const Run& run, int n) {
  auto ledger = OpenPatiently(f, f.uri);
  const std::vector<int> seen = CountEntries(*ledger, n);
  uint64_t total = 0;
  for (int c : seen) total += static_cast<uint64_t>(c);
  for (int i : run.acknowledged) {
    BOOST_TEST(seen[static_cast<size_t>(i)] == 1, "acknowledged entry " << i);
  }
  int landed = 0;
  for (int i : run.failed) {
    BOOST_TEST(seen[static_cast<size_t>(i)] <= 1, "failed entry " << i);
    landed += seen[static_cast<size_t>(i)];
  }
  BOOST_TEST(total == run.acknowledged.size() + static_cast<size_t>(landed));
  ExpectVerifies(*ledger, total);
  for (const std::string& e : run.errors) {
    BOOST_TEST(absl::StartsWith(e, "IO: ledger"), e);
  }
  return landed;
}

BOOST_AUTO_TEST_SUITE(pg_faults)

BOOST_FIXTURE_TEST_CASE(a_killed_connection_is_opened_again, PgFixture) {
  const std::string app = absl::StrCat("socle_", name);
  auto ledger = OpenAs(app);
  for (int i = 0; i < 20; ++i) BOOST_REQUIRE(AppendOne(*ledger, i).ok());
  RawConnection raw;
  BOOST_REQUIRE(Terminate(raw, app) >= 1);
  // The next append finds the connection gone, opens it again and succeeds.
  for (int i = 20; i < 40; ++i) {
    const absl::Status appended = AppendOne(*ledger, i);
    BOOST_REQUIRE_MESSAGE(appended.ok(), appended.ToString());
  }
  // Reads too: the next one finds the connection gone and opens it again.
  BOOST_REQUIRE(Terminate(raw, app) >= 1);
  auto size = ledger->Size();
  BOOST_REQUIRE_MESSAGE(size.ok(), size.status().ToString());
  BOOST_TEST(*size == 40u);
  for (int c : CountEntries(*ledger, 40)) BOOST_TEST(c == 1);
  ExpectVerifies(*ledger, 40);
}

BOOST_FIXTURE_TEST_CASE(connections_killed_during_appends, PgFixture) {
  constexpr int kEntries = 5000;
  const std::string app = absl::StrCat("socle_", name);
  Run run;
  BackendKiller killer(app, 30, 99, 12345, [&run] { return run.done > 0; });
  AppendThrough(*this, WithParam(uri, "application_name=" + app), kEntries, run);
  const int kills = killer.Stop();
  BOOST_TEST_MESSAGE(kills << " backends killed; " << run.failed.size()
                           << " appends reported failed");
  BOOST_TEST(kills > 0);
  const int landed = CheckRun(*this, run, kEntries);
  BOOST_TEST_MESSAGE(landed << " of the failed appends had landed");
}

BOOST_FIXTURE_TEST_CASE(server_stopped_immediately_mid_run, PgFixture) {
  const std::string cluster = ClusterDir();
  if (cluster.empty()) {
    BOOST_TEST_MESSAGE("not on the throwaway cluster (SOCLE_TEST_POSTGRES): not stopping it");
    return;
  }
  RestartAtEnd restart{cluster};
  constexpr int kEntries = 1500;
  Run run;
  std::thread appender([&] { AppendThrough(*this, uri, kEntries, run); });
  while (run.done < 300) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  BOOST_REQUIRE(PgCtl(cluster, "-m immediate -w stop") == 0);
  // Longer than the store's reconnection (about 3 s) times the Ledger's three tries: appends
  // must fail, not wait for the server.
  std::this_thread::sleep_for(std::chrono::seconds(12));
  const int done_while_down = run.done;
  BOOST_REQUIRE(PgCtl(cluster, absl::StrCat("-w -t 60 -l '", cluster, "/server.log' restart")) ==
                0);
  appender.join();
  BOOST_TEST_MESSAGE(run.failed.size() << " appends failed; the slowest failure took "
                                       << run.slowest_failure_s << " s");
  BOOST_TEST(!run.failed.empty());
  BOOST_TEST(run.slowest_failure_s < 30.0);
  BOOST_TEST(done_while_down < kEntries);
  // After the restart the run went on to its end.
  BOOST_TEST(run.acknowledged.size() >= static_cast<size_t>(kEntries - done_while_down));
  // Each failure says why: the connection or the server, or (when the stop came during a
  // commit) that an earlier append in doubt did land and this one must be retried.
  for (const std::string& e : run.errors) {
    BOOST_TEST((absl::StrContains(e, "reconnect") || absl::StrContains(e, "connection") ||
                absl::StrContains(e, "server") || absl::StrContains(e, "in doubt did land")),
               e);
  }
  CheckRun(*this, run, kEntries);
}

BOOST_FIXTURE_TEST_CASE(a_statement_timeout_fails_cleanly, PgFixture) {
  const std::string timed = WithParam(uri, "options=-c%20statement_timeout%3D300");
  auto ledger = Ledger::Open(timed, vault, name, Options());
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
  for (int i = 0; i < 5; ++i) BOOST_REQUIRE(AppendOne(**ledger, i).ok());
  RawConnection raw;
  // Another session holds the tree head for longer than the timeout and all the retries.
  raw.Exec("BEGIN");
  raw.Exec("SELECT size FROM " + Table("tree") + " FOR UPDATE");
  const absl::Status blocked = AppendOne(**ledger, 5);
  BOOST_TEST(CodeName(blocked) == "IO");
  BOOST_TEST(absl::StrContains(blocked.message(), "statement timeout"), blocked.message());
  BOOST_TEST(absl::StrContains(blocked.message(), "lock the tree head"), blocked.message());
  BOOST_TEST(raw.Query("SELECT count(*) FROM " + Table("entries")) == "5");
  BOOST_TEST(raw.Query("SELECT size FROM " + Table("tree")) == "5");
  raw.Exec("ROLLBACK");
  // The failed handle refuses more; a new one appends once the lock is gone.
  ledger->reset();
  ledger = Ledger::Open(timed, vault, name, Options());
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
  BOOST_REQUIRE(AppendOne(**ledger, 6).ok());
  // A lock released while the Ledger's committer still tries: the append succeeds, once.
  raw.Exec("BEGIN");
  raw.Exec("SELECT size FROM " + Table("tree") + " FOR UPDATE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    raw.Exec("ROLLBACK");
  });
  const absl::Status waited = AppendOne(**ledger, 7);
  release.join();
  BOOST_REQUIRE_MESSAGE(waited.ok(), waited.ToString());
  const std::vector<int> seen = CountEntries(**ledger, 8);
  const std::vector<int> expected = {1, 1, 1, 1, 1, 0, 1, 1};
  BOOST_TEST(seen == expected, boost::test_tools::per_element());
  ExpectVerifies(**ledger, 7);
}

BOOST_FIXTURE_TEST_CASE(serialization_failures_are_retried, PgFixture) {
  // Under SERIALIZABLE, two writers locking the tree head make one of them fail with 40001
  // ("could not serialize access due to concurrent update"); the Ledger's committer retries.
  const std::string serializable =
      WithParam(uri, "options=-c%20default_transaction_isolation%3Dserializable");
  OpenPatiently(*this, serializable).reset();  // the schema, before the race
  RawConnection raw;
  const auto rollbacks = [&] {
    int64_t n = 0;
    BOOST_REQUIRE(absl::SimpleAtoi(raw.Query("SELECT xact_rollback FROM pg_stat_database "
                                             "WHERE datname = current_database()"),
                                   &n));
    return n;
  };
  const int64_t rollbacks_before = rollbacks();
  constexpr int kPerWriter = 400;
  Run runs[2];
  std::thread writers[2];
  for (int w = 0; w < 2; ++w) {
    writers[w] = std::thread(
        [&, w] { AppendThrough(*this, serializable, kPerWriter, runs[w], w * kPerWriter); });
  }
  for (auto& t : writers) t.join();
  Run all;
  for (const Run& r : runs) {
    all.acknowledged.insert(all.acknowledged.end(), r.acknowledged.begin(), r.acknowledged.end());
    all.failed.insert(all.failed.end(), r.failed.begin(), r.failed.end());
    all.errors.insert(all.errors.end(), r.errors.begin(), r.errors.end());
  }
  // The statistics reach pg_stat_database within the stats interval.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const int64_t rolled_back = rollbacks() - rollbacks_before;
  BOOST_TEST_MESSAGE(rolled_back << " transactions rolled back; " << all.failed.size()
                                 << " appends failed");
  for (const std::string& e : all.errors) {
    BOOST_TEST(absl::StrContains(e, "SQLSTATE 40001"), e);
  }
  CheckRun(*this, all, 2 * kPerWriter);
}

// --- A COMMIT whose answer is lost ----------------------------------------------------------

// A one-row plan for the store itself, its leaf hash and MAC filled with `tag` (the store checks
// neither; the Ledger-level test below verifies real trees).
ledger::AppendPlan OneRow(const ledger::TreeState& tree, uint8_t tag) {
  ledger::AppendPlan plan;
  ledger::NewRow row;
  row.index = tree.size;
  row.time_micros = 1;
  row.type = 1;
  row.body = "a body";
  row.leaf_hash.fill(tag);
  row.mac.fill(tag);
  plan.rows.push_back(row);
  plan.tree.size = tree.size + 1;
  plan.tree.compact_range = absl::StrCat("range of ", tree.size + 1);
  return plan;
}

BOOST_FIXTURE_TEST_CASE(an_in_doubt_commit_is_resolved_and_never_doubled, PgFixture) {
  auto opened = ledger::OpenPostgresStore(uri, name, Durability::kSync);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  ledger::Store& s = **opened;
  std::vector<uint64_t> planned_on;  // the tree size each plan was made for
  const auto append = [&](uint8_t tag) {
    return s.Append([&, tag](const ledger::TreeState& tree) -> absl::StatusOr<ledger::AppendPlan> {
      planned_on.push_back(tree.size);
      return OneRow(tree, tag);
    });
  };
  RawConnection raw;
  const auto tags = [&] {
    return raw.Query(
        "SELECT coalesce(string_agg(get_byte(leaf_hash, 0)::text, ',' ORDER BY idx), "
        "'') FROM " +
        Table("entries"));
  };
  const auto fault = [](int f) { ledger::pg_commit_fault_for_testing = f; };

  // The answer to a COMMIT that ran is lost: the store reconnects, finds the row, says OK.
  fault(2);
  absl::Status st = append(1);
  BOOST_TEST(st.ok(), st.ToString());
  BOOST_TEST(tags() == "1");

  // The connection is cut before COMMIT: the store reconnects, finds no row, says retry.
  fault(1);
  st = append(2);
  BOOST_TEST(CodeName(st) == "IO");
  BOOST_TEST(absl::StrContains(st.message(), "entries 1 to 1 were not stored: retry"),
             st.message());
  BOOST_TEST(tags() == "1");
  BOOST_TEST(s.Tree()->size == 1u);
  BOOST_TEST(append(2).ok());
  BOOST_TEST(tags() == "1,2");

  // A COMMIT that ran, its outcome unknown (server unreachable): the retry of the same batch is
  // answered OK from the stored rows, planned again on the tree it was made for, not written.
  fault(3);
  st = append(3);
  BOOST_TEST(CodeName(st) == "IO");
  BOOST_TEST(absl::StrContains(st.message(), "not known yet"), st.message());
  BOOST_TEST(tags() == "1,2,3");
  planned_on.clear();
  st = append(3);
  BOOST_TEST(st.ok(), st.ToString());
  BOOST_TEST(planned_on == std::vector<uint64_t>{2}, boost::test_tools::per_element());
  BOOST_TEST(tags() == "1,2,3");
  BOOST_TEST(s.Tree()->size == 3u);

  // The same, but the caller then appends another batch: refused once (retry), then appended.
  fault(3);
  BOOST_TEST(!append(4).ok());
  st = append(5);
  BOOST_TEST(CodeName(st) == "IO");
  BOOST_TEST(absl::StrContains(st.message(), "did land (entries 3 to 3)"), st.message());
  BOOST_TEST(tags() == "1,2,3,4");
  BOOST_TEST(append(5).ok());
  BOOST_TEST(tags() == "1,2,3,4,5");

  // A COMMIT that did not run, its outcome unknown: the retry finds no row and appends, once.
  fault(4);
  st = append(6);
  BOOST_TEST(CodeName(st) == "IO");
  BOOST_TEST(tags() == "1,2,3,4,5");
  planned_on.clear();
  BOOST_TEST(append(6).ok());
  BOOST_TEST(planned_on == std::vector<uint64_t>{5}, boost::test_tools::per_element());
  BOOST_TEST(tags() == "1,2,3,4,5,6");
  BOOST_TEST(s.Tree()->size == 6u);
  BOOST_TEST(ledger::pg_commit_fault_for_testing == 0);
}

// Through the Ledger: its committer retries after each fault, and each entry is stored once.
BOOST_FIXTURE_TEST_CASE(ledger_appends_survive_in_doubt_commits, PgFixture) {
  auto ledger = Open(Durability::kSync);
  for (int i = 0; i < 20; ++i) BOOST_REQUIRE(AppendOne(*ledger, i).ok());
  int next = 20;
  for (int f : {2, 1, 3, 4, 2, 3}) {
    ledger::pg_commit_fault_for_testing = f;
    const absl::Status appended = AppendOne(*ledger, next++);
    BOOST_TEST(appended.ok(), "fault " << f << ": " << appended);
    BOOST_TEST(*ledger->Size() == static_cast<uint64_t>(next), "fault " << f);
    BOOST_TEST(ledger::pg_commit_fault_for_testing == 0);
  }
  for (int i = next; i < next + 20; ++i) BOOST_REQUIRE(AppendOne(*ledger, i).ok());
  next += 20;
  for (int c : CountEntries(*ledger, next)) BOOST_TEST(c == 1);
  ExpectVerifies(*ledger, static_cast<uint64_t>(next));
}

// --- Verify's streamed reading (pg_store.cc, StreamForVerify) ------------------------------

// Appends `n` clear entries in batches of 1,000 on `ledger` (kNone): three chunks of Verify and
// more, each read in one COPY stream.
void AppendMany(Ledger& ledger, int n) {
  std::vector<std::string> payloads;
  for (int i = 0; i < n; ++i) payloads.push_back(absl::StrCat("verify entry ", i));
  std::vector<NewLedgerEntry> batch;
  for (int i = 0; i < n; ++i) {
    NewLedgerEntry entry;
    entry.type = LedgerEntryType::kOperation;
    entry.payload = payloads[static_cast<size_t>(i)];
    batch.push_back(entry);
    if (batch.size() == 1000 || i == n - 1) {
      BOOST_REQUIRE(ledger.Append(absl::MakeConstSpan(batch)).ok());
      batch.clear();
    }
  }
  BOOST_REQUIRE(ledger.Flush().ok());
}

// Both of the reading's connections killed while the first piece of the first chunk is handed
// over: the stream is opened again at the first row not handed over (inside the chunk), and
// every row, tile and root comes once, each chunk's tiles with its first piece.
BOOST_FIXTURE_TEST_CASE(verify_reading_resumes_after_killed_connections, PgFixture) {
  constexpr int kEntries = 20000;
  AppendMany(*Open(Durability::kNone), kEntries);
  const std::string app = absl::StrCat("socle_", name);
  auto opened =
      ledger::OpenPostgresStore(WithParam(uri, "application_name=" + app), name, Durability::kNone);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  ledger::Store& store = **opened;
  RawConnection raw;
  raw.Exec("SET client_min_messages = error");
  std::vector<uint64_t> chunks, indexes;
  size_t tiles = 0, pieces = 0;
  int killed = 0;
  const absl::Status read = store.ReadForVerify(kEntries, 4096, [&](ledger::VerifyRead&& chunk) {
    if (!chunk.continued) chunks.push_back(chunk.begin);
    if (chunk.continued) {
      BOOST_TEST(chunk.tiles.empty());
      BOOST_TEST(chunk.subtrees.empty());
      BOOST_TEST(chunk.begin == chunks.back());
    }
    for (const ledger::Row& row : chunk.rows) {
      BOOST_TEST((row.index >= chunk.begin && row.index < chunk.end));
      indexes.push_back(row.index);
    }
    tiles += chunk.tiles.size();
    if (++pieces == 1) killed = Terminate(raw, app);
    return true;
  });
  BOOST_REQUIRE_MESSAGE(read.ok(), read.ToString());
  BOOST_TEST(killed == 2);  // the COPY's connection and the tiles' one
  BOOST_TEST(chunks == (std::vector<uint64_t>{0, 4096, 8192, 12288, 16384}));
  BOOST_TEST(pieces > chunks.size());  // 4,096 rows of ~250 bytes: several pieces each
  BOOST_REQUIRE(indexes.size() == static_cast<size_t>(kEntries));
  for (size_t i = 0; i < indexes.size(); ++i) BOOST_REQUIRE(indexes[i] == i);
  BOOST_TEST(tiles == static_cast<size_t>(kEntries / 16));
}

// The second connection of Verify's reading is kept by the store between Verifies: killed
// meanwhile (with the store's own), the next Verify opens both again and verifies every entry.
BOOST_FIXTURE_TEST_CASE(verify_reopens_its_kept_second_connection, PgFixture) {
  constexpr int kEntries = 10000;
  const std::string app = absl::StrCat("socle_", name);
  auto ledger = OpenAs(app, Durability::kNone);
  AppendMany(*ledger, kEntries);
  RawConnection raw;
  raw.Exec("SET client_min_messages = error");
  // The ledger's connections: its store's, the growth watch's if any, and Verify's second one.
  const auto connections = [&] {
    return std::stoi(raw.Query(absl::StrCat(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = '", app, "'")));
  };
  ExpectVerifies(*ledger, kEntries);
  const int before = connections();
  BOOST_TEST(before >= 2);
  ExpectVerifies(*ledger, kEntries);
  BOOST_TEST(connections() == before);  // kept, not opened again
  BOOST_TEST(Terminate(raw, app) == before);
  ExpectVerifies(*ledger, kEntries);
}

// Backends killed every 100 to 400 ms while Verify runs: each Verify either verifies every
// entry or fails with an IO error that says what failed; never a wrong verdict.
BOOST_FIXTURE_TEST_CASE(verify_under_killed_connections_never_gives_a_wrong_verdict, PgFixture) {
  constexpr int kEntries = 20000;
  const std::string app = absl::StrCat("socle_", name);
  auto ledger = OpenAs(app, Durability::kNone);
  AppendMany(*ledger, kEntries);
  BackendKiller killer(app, 100, 299, 4242);
  int verified = 0, failed = 0;
  for (int i = 0; i < 8; ++i) {
    auto report = ledger->Verify();
    if (!report.ok()) {
      if (failed++ == 0) BOOST_TEST_MESSAGE("first error: " << report.status());
      BOOST_TEST(CodeName(report.status()) == "IO", report.status().ToString());
      BOOST_TEST(absl::StartsWith(report.status().message(), "ledger database"),
                 report.status().ToString());
      continue;
    }
    BOOST_TEST(report->ok, report->problem);
    BOOST_TEST(report->entries == static_cast<uint64_t>(kEntries));
    ++verified;
  }
  const int kills = killer.Stop();
  BOOST_TEST_MESSAGE(kills << " backends killed; " << verified << " Verify passed, " << failed
                           << " failed with an IO error");
  BOOST_TEST(kills > 0);
  ExpectVerifies(*ledger, kEntries);
}

// The server stopped while Verify's stream is under way: a clear IO error after the store's
// bounded reconnection, nothing handed over twice, and the next Verify passes once it is back.
BOOST_FIXTURE_TEST_CASE(verify_fails_clearly_when_the_server_stops, PgFixture) {
  const std::string cluster = ClusterDir();
  if (cluster.empty()) {
    BOOST_TEST_MESSAGE("not on the throwaway cluster (SOCLE_TEST_POSTGRES): not stopping it");
    return;
  }
  RestartAtEnd restart{cluster};
  constexpr int kEntries = 20000;
  // kSync: an immediate stop loses the commits of kNone that were not flushed yet.
  auto ledger = Open(Durability::kSync);
  AppendMany(*ledger, kEntries);
  auto opened = ledger::OpenPostgresStore(uri, name, Durability::kNone);
  BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  std::vector<uint64_t> chunks;
  const absl::Status read =
      (*opened)->ReadForVerify(kEntries, 4096, [&](ledger::VerifyRead&& chunk) {
        if (!chunk.continued) chunks.push_back(chunk.begin);
        if (chunks.size() == 1 && !chunk.continued) {
          BOOST_REQUIRE(PgCtl(cluster, "-m immediate -w stop") == 0);
        }
        return true;
      });
  BOOST_TEST(!read.ok());
  BOOST_TEST(CodeName(read) == "IO", read.ToString());
  BOOST_TEST(absl::StartsWith(read.message(), "ledger database"), read.ToString());
  BOOST_TEST(chunks == std::vector<uint64_t>{0});
  BOOST_REQUIRE(PgCtl(cluster, absl::StrCat("-w -t 60 -l '", cluster, "/server.log' restart")) ==
                0);
  // A handle opened once the server is back verifies every entry.
  ExpectVerifies(*OpenPatiently(*this, uri), kEntries);
}

// The disk full (SQLSTATE 53100): the ledger's tables in a tablespace on a 2 MiB tmpfs, filled
// by appends. The append that finds no room fails with RESOURCE_EXHAUSTED and stores nothing;
// what was acknowledged stays; once there is room again, the same handle appends again.
// Needs root (mount) and the throwaway cluster; skipped otherwise.
BOOST_FIXTURE_TEST_CASE(a_full_disk_fails_appends_cleanly_and_recovers, PgFixture) {
  const std::string cluster = ClusterDir();
  if (cluster.empty() || getuid() != 0) {
    BOOST_TEST_MESSAGE("skipped: needs root and the throwaway cluster to mount a small disk");
    return;
  }
  // Under /tmp itself: the server's user must reach it (the fixture's directory is private).
  const std::string disk = "/tmp/socle-pg-disk-" + name;
  BOOST_REQUIRE(std::system(absl::StrCat("mkdir -p '", disk,
                                         "' && mount -t tmpfs -o size=2m,"
                                         "mode=0700 tmpfs '",
                                         disk, "' && chown postgres: '", disk, "'")
                                .c_str()) == 0);
  struct Unmount {
    std::string disk, tablespace, name;
    ~Unmount() {
      RawConnection raw;
      raw.Try("DROP SCHEMA IF EXISTS " + Schema(name) + " CASCADE");
      raw.Try("DROP TABLESPACE IF EXISTS " + tablespace);
      std::system(absl::StrCat("umount '", disk, "' && rmdir '", disk, "'").c_str());
    }
  } unmount{disk, "small_" + name, name};
  RawConnection raw;
  raw.Exec("CREATE TABLESPACE " + unmount.tablespace + " LOCATION '" + disk + "'");
  // The ledger's tables and indexes go to the small disk (its WAL stays on the cluster's).
  const std::string small =
      WithParam(uri, "options=-c%20default_tablespace%3D" + unmount.tablespace);
  auto ledger = Ledger::Open(small, vault, name, Options(Durability::kGroup));
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());

  // Batches of 100 entries of 1 KiB until one fails.
  const std::string payload(1024, 'x');
  std::vector<NewLedgerEntry> batch(100);
  for (NewLedgerEntry& e : batch) {
    e.type = LedgerEntryType::kOperation;
    e.payload = payload;
  }
  uint64_t acknowledged = 0;
  absl::Status failed;
  for (int i = 0; i < 200 && failed.ok(); ++i) {
    auto ticket = (*ledger)->Append(batch);
    BOOST_REQUIRE(ticket.ok());
    auto first = (*ledger)->WaitDurable(*ticket);
    if (first.ok()) {
      BOOST_REQUIRE(*first == acknowledged);
      acknowledged += batch.size();
    } else {
      failed = first.status();
    }
  }
  BOOST_TEST_MESSAGE(acknowledged << " entries fitted; then: " << failed.ToString());
  BOOST_REQUIRE(!failed.ok());
  BOOST_TEST(acknowledged > 0u);
  BOOST_TEST(CodeName(failed) == "RESOURCE_EXHAUSTED");
  BOOST_TEST(absl::StrContains(failed.message(), "53100"), failed.message());
  BOOST_TEST(absl::StrContains(failed.message(), "cannot append"), failed.message());
  // The next Flush says it too, once.
  BOOST_TEST(CodeName((*ledger)->Flush()) == "RESOURCE_EXHAUSTED");
  BOOST_TEST((*ledger)->Flush().ok());
  // Nothing of the failed batch is stored, everything acknowledged is, and it verifies.
  auto size = (*ledger)->Size();
  BOOST_REQUIRE(size.ok());
  BOOST_TEST(*size == acknowledged);
  ExpectVerifies(**ledger, acknowledged);

  // Room again: the same handle appends, no reopening.
  BOOST_REQUIRE(std::system(absl::StrCat("mount -o remount,size=64m '", disk, "'").c_str()) == 0);
  auto ticket = (*ledger)->Append(batch);
  BOOST_REQUIRE(ticket.ok());
  auto first = (*ledger)->WaitDurable(*ticket);
  BOOST_REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  BOOST_TEST(*first == acknowledged);
  ExpectVerifies(**ledger, acknowledged + batch.size());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pg_testing
