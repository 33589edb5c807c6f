// Several processes on one ledger file, and processes killed while they append.
//
//   processes  four processes (process_helper append) append 25,000 entries each with group
//              durability, as the workers of a PHP-FPM or gunicorn pool do; afterwards one tree
//              verifies, holds 100,000 entries, and every (process, number) is there exactly
//              once with its payload (sealed ones opened with the person's key).
//   crash      `--rounds N` times (after `--` on the command line; 200 by default), a process
//              (process_helper crash) appends with kSync or kGroup + WaitDurable and reports each
//              entry once durable; it is killed with SIGKILL 5 to 50 ms after it opened the
//              ledger. The ledger then verifies and holds every reported entry exactly once.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "ledger_fixture.h"

namespace socle {
namespace {

using vault_testing::TempDir;

constexpr absl::string_view kTenant = "ccas-ledger-processes";
constexpr int kChildren = 4;
constexpr uint64_t kAppendsPerChild = 25000;

// As process_helper.cc.
std::string PersonOf(absl::string_view prefix, uint64_t n) {
  return n % 3 == 0 ? std::string() : absl::StrCat(prefix, "person-", n % 5);
}

// A key file, a vault and the passphrase file the helpers read; no process keeps them open.
struct Shared {
  TempDir dir;
  std::string key = dir.File("master.key");
  std::string vault_db = dir.File("vault.db");
  std::string ledger_db = dir.File("trail.db");
  std::string passfile = dir.File("passphrase");
  std::shared_ptr<Vault> vault;

  Shared() {
    vault = vault_testing::LoadVault(vault_testing::NewKeyFile(key), vault_db, kTenant);
    vault_testing::WriteFileBytes(passfile, vault_testing::Bytes(
                                                vault_testing::TestPassphrase().view()));
  }
  std::vector<std::string> Args(std::vector<std::string> head) const {
    const std::string helper = SOCLE_LEDGER_PROCESS_HELPER_PATH;
    std::vector<std::string> argv = {helper, head[0], key, vault_db, ledger_db, passfile};
    argv.insert(argv.end(), head.begin() + 1, head.end());
    return argv;
  }
};

// Runs `argv` with stdout on `stdout_fd` (-1: inherited) and returns its pid.
pid_t Spawn(const std::vector<std::string>& argv, int stdout_fd = -1) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    if (stdout_fd >= 0) dup2(stdout_fd, STDOUT_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// The exit code, or 128 + the signal that ended it.
int Wait(pid_t pid) {
  int status = 0;
  BOOST_REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

LedgerOptions ReaderOptions() {
  LedgerOptions options;
  options.durability = Durability::kSync;
  options.checkpoint_every = 0;
  options.checkpoint_interval = absl::ZeroDuration();
  return options;
}

// Reads entries [begin, Size()) and returns, for each, the (child, number) its payload names,
// after checking that the entry is about the person its number says and that its payload opens.
std::vector<std::pair<uint64_t, uint64_t>> ReadPayloads(Ledger& ledger, uint64_t begin,
                                                        absl::string_view prefix) {
  absl::flat_hash_map<std::string, std::string> persons;  // pseudonym -> person
  for (int k = 0; k < 5; ++k) {
    const std::string person = absl::StrCat(prefix, "person-", k);
    auto pseudonym = ledger.PersonPseudonym(person);
    BOOST_REQUIRE(pseudonym.ok());
    persons[*pseudonym] = person;
  }
  auto size = ledger.Size();
  BOOST_REQUIRE(size.ok());
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (uint64_t at = begin; at < *size;) {
    auto page = ledger.ReadEntries(at, 4096);
    BOOST_REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    BOOST_REQUIRE(!page->empty());
    for (const StoredLedgerEntry& entry : *page) {
      BOOST_REQUIRE_EQUAL(entry.index, at);
      std::string person;
      if (!entry.person.empty()) {
        const auto it = persons.find(entry.person);
        BOOST_REQUIRE_MESSAGE(it != persons.end(), "entry " << at << " is about an unknown person");
        person = it->second;
      }
      auto payload = ledger.OpenPayload(entry, person);
      BOOST_REQUIRE_MESSAGE(payload.ok(), "entry " << at << ": " << payload.status());
      const std::vector<absl::string_view> words = absl::StrSplit(payload->view(), ' ');
      uint64_t child = 0, number = 0;
      BOOST_REQUIRE_MESSAGE(words.size() == 4 && words[0] == "child" && words[2] == "entry" &&
                                absl::SimpleAtoi(words[1], &child) &&
                                absl::SimpleAtoi(words[3], &number),
                            "entry " << at << ": unexpected payload");
      BOOST_REQUIRE_MESSAGE(person == PersonOf(prefix, number),
                            "entry " << at << " is not about the person its number says");
      out.emplace_back(child, number);
      ++at;
    }
  }
  return out;
}

BOOST_AUTO_TEST_SUITE(processes)

BOOST_AUTO_TEST_CASE(four_processes_append_to_one_tree) {
  Shared shared;
  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> children;
  for (int c = 0; c < kChildren; ++c) {
    children.push_back(
        Spawn(shared.Args({"append", absl::StrCat(c), absl::StrCat(kAppendsPerChild)})));
  }
  for (int c = 0; c < kChildren; ++c) BOOST_TEST(Wait(children[c]) == 0, "child " << c);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE(kChildren << " processes x " << kAppendsPerChild << " appends: " << seconds
                               << " s");

  auto ledger = Ledger::Open(shared.ledger_db, shared.vault, "access_trail", ReaderOptions());
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
  auto verified = (*ledger)->Verify();
  BOOST_REQUIRE(verified.ok());
  BOOST_TEST(verified->ok, verified->problem);
  BOOST_TEST(verified->entries == kChildren * kAppendsPerChild);
  BOOST_TEST(verified->checkpoints > 0u);  // the children signed some, and the witness
  auto size = (*ledger)->Size();
  BOOST_REQUIRE(size.ok());
  BOOST_REQUIRE_EQUAL(*size, kChildren * kAppendsPerChild);

  std::vector<std::vector<int>> seen(kChildren, std::vector<int>(kAppendsPerChild, 0));
  for (const auto& [child, number] : ReadPayloads(**ledger, 0, "")) {
    BOOST_REQUIRE(child < static_cast<uint64_t>(kChildren));
    BOOST_REQUIRE(number < kAppendsPerChild);
    ++seen[child][number];
  }
  for (int c = 0; c < kChildren; ++c) {
    for (uint64_t n = 0; n < kAppendsPerChild; ++n) {
      BOOST_REQUIRE_MESSAGE(seen[c][n] == 1, "child " << c << " entry " << n << " appears "
                                                      << seen[c][n] << " times");
    }
  }
  // Each person's history, by the person index.
  for (int k = 0; k < 5; ++k) {
    uint64_t expected = 0;
    for (uint64_t n = 0; n < kAppendsPerChild; ++n) {
      expected += PersonOf("", n) == absl::StrCat("person-", k) ? kChildren : 0;
    }
    uint64_t found = 0;
    for (int64_t after = -1;;) {
      auto page = (*ledger)->EntriesAbout(absl::StrCat("person-", k), absl::InfinitePast(),
                                          absl::InfiniteFuture(), after, 5000);
      BOOST_REQUIRE(page.ok());
      if (page->empty()) break;
      found += page->size();
      after = static_cast<int64_t>(page->back().index);
    }
    BOOST_TEST(found == expected, "person-" << k);
  }
}

BOOST_AUTO_TEST_SUITE_END()

// --- Crashes ----------------------------------------------------------------------------------

// `--rounds N` after `--`, or 200.
int Rounds() {
  const auto& suite = boost::unit_test::framework::master_test_suite();
  for (int i = 1; i + 1 < suite.argc; ++i) {
    int n = 0;
    if (std::string(suite.argv[i]) == "--rounds" && absl::SimpleAtoi(suite.argv[i + 1], &n)) {
      return n;
    }
  }
  return 200;
}

// Reads what the child wrote to `fd` until `until` (or EOF): appends complete lines to `lines`.
// Returns false at EOF.
bool ReadLines(int fd, std::string& buffer, std::vector<std::string>& lines,
               std::chrono::steady_clock::time_point until) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return true;
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready == 0) return true;
    BOOST_REQUIRE(ready > 0 || errno == EINTR);
    if (ready < 0) continue;
    char chunk[4096];
    const ssize_t n = read(fd, chunk, sizeof(chunk));
    BOOST_REQUIRE(n >= 0 || errno == EINTR);
    if (n == 0) return false;
    if (n < 0) continue;
    buffer.append(chunk, static_cast<size_t>(n));
    for (size_t eol; (eol = buffer.find('\n')) != std::string::npos;) {
      lines.push_back(buffer.substr(0, eol));
      buffer.erase(0, eol + 1);
    }
  }
}

BOOST_AUTO_TEST_SUITE(crash)

BOOST_AUTO_TEST_CASE(killed_appenders_lose_no_acknowledged_entry) {
  const int rounds = Rounds();
  BOOST_TEST_MESSAGE("crash rounds: " << rounds);
  BOOST_REQUIRE(rounds > 0);
  Shared shared;
  std::mt19937 random(20261204);
  absl::flat_hash_set<uint64_t> present;  // numbers found in the ledger so far
  uint64_t verified_size = 0, acked_total = 0, kills_before_any_ack = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    const bool sync = round % 2 == 0;
    const uint64_t first = static_cast<uint64_t>(round) * 1000000;
    int fds[2];
    BOOST_REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
    const pid_t child =
        Spawn(shared.Args({"crash", sync ? "sync" : "group", absl::StrCat(first)}), fds[1]);
    close(fds[1]);
    std::string buffer;
    std::vector<std::string> lines;
    // Until the ledger is open (the CTest timeout bounds a child that never opens it)…
    bool open = true;
    while (open && (lines.empty() || lines.front() != "ready")) {
      open = ReadLines(fds[0], buffer, lines,
                       std::chrono::steady_clock::now() + std::chrono::milliseconds(1));
    }
    BOOST_REQUIRE_MESSAGE(!lines.empty() && lines.front() == "ready",
                          "round " << round << ": the child did not open the ledger");
    // …then 5 to 50 ms of appends, and SIGKILL.
    const int delay_ms = 5 + static_cast<int>(random() % 46);
    open = ReadLines(fds[0], buffer, lines,
                     std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms));
    BOOST_REQUIRE_MESSAGE(open, "round " << round << ": the child stopped before the kill");
    BOOST_REQUIRE(kill(child, SIGKILL) == 0);
    while (ReadLines(fds[0], buffer, lines,
                     std::chrono::steady_clock::now() + std::chrono::hours(1))) {
    }
    close(fds[0]);
    BOOST_REQUIRE_EQUAL(Wait(child), 128 + SIGKILL);

    std::vector<uint64_t> acked;
    for (size_t i = 1; i < lines.size(); ++i) {
      uint64_t n = 0;
      BOOST_REQUIRE(absl::SimpleAtoi(lines[i], &n));
      acked.push_back(n);
    }
    if (acked.empty()) ++kills_before_any_ack;
    acked_total += acked.size();

    // A new process's view: the tree verifies and holds each acknowledged entry exactly once.
    auto ledger = Ledger::Open(shared.ledger_db, shared.vault, "access_trail", ReaderOptions());
    BOOST_REQUIRE_MESSAGE(ledger.ok(), "round " << round << ": " << ledger.status());
    auto verified = (*ledger)->Verify();
    BOOST_REQUIRE(verified.ok());
    BOOST_REQUIRE_MESSAGE(verified->ok, "round " << round << " (" << (sync ? "sync" : "group")
                                                 << ", killed after " << delay_ms
                                                 << " ms): " << verified->problem);
    for (const auto& [c, number] : ReadPayloads(**ledger, verified_size, "crash-")) {
      BOOST_REQUIRE_EQUAL(c, 0u);
      BOOST_REQUIRE_MESSAGE(present.insert(number).second,
                            "entry number " << number << " appears twice");
    }
    verified_size = verified->entries;
    for (const uint64_t n : acked) {
      BOOST_REQUIRE_MESSAGE(present.contains(n), "round " << round << ": acknowledged entry "
                                                          << n << " is missing");
    }
  }
  BOOST_TEST(acked_total > 0u);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE(rounds << " rounds in " << seconds << " s: " << acked_total
                            << " acknowledged entries, " << present.size() << " in the ledger, "
                            << kills_before_any_ack << " kills before the first acknowledgement");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
