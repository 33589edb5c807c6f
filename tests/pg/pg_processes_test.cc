// Eight processes (tests/ledger/process_helper append, as the worker pools of two application
// servers) append 10,000 entries each with group durability to one PostgreSQL ledger,
// serialised by the tree head's row lock; afterwards one tree verifies, holds 80,000 entries,
// and every (process, number) is there exactly once with its payload.
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pg_test_util.h"

namespace socle::pg_testing {
namespace {

// The tenant tests/ledger/process_helper.cc opens its vault with.
constexpr absl::string_view kTenant = "ccas-ledger-processes";
constexpr int kChildren = 8;
constexpr uint64_t kAppendsPerChild = 10000;

std::string PersonOf(uint64_t n) {
  return n % 3 == 0 ? std::string() : absl::StrCat("person-", n % 5);
}

pid_t Spawn(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  BOOST_REQUIRE(waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

BOOST_AUTO_TEST_SUITE(pg_processes)

BOOST_AUTO_TEST_CASE(eight_processes_append_to_one_tree) {
  TempDir dir;
  const std::string key = dir.File("master.key"), vault_db = dir.File("vault.db"),
                    passfile = dir.File("passphrase"), witness = dir.File("trail.checkpoint");
  const std::string uri = ServerUri();
  const std::string name = UniqueLedgerName("pgproc");
  std::shared_ptr<Vault> vault =
      vault_testing::LoadVault(vault_testing::NewKeyFile(key), vault_db, kTenant);
  vault_testing::WriteFileBytes(passfile,
                                vault_testing::Bytes(vault_testing::TestPassphrase().view()));
  LedgerOptions options;
  options.durability = Durability::kSync;
  options.checkpoint_every = 0;
  options.checkpoint_interval = absl::ZeroDuration();
  options.witness_path = witness;
  struct DropSchema {
    std::string name;
    ~DropSchema() { RawConnection().Try("DROP SCHEMA IF EXISTS " + Schema(name) + " CASCADE"); }
  } drop{name};
  {
    // Created once here, so the children race on appends, not on the schema.
    auto created = Ledger::Open(uri, vault, name, options);
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  }

  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> children;
  for (int c = 0; c < kChildren; ++c) {
    children.push_back(Spawn({SOCLE_LEDGER_PROCESS_HELPER_PATH, "append", key, vault_db, uri,
                              passfile, absl::StrCat(c), absl::StrCat(kAppendsPerChild), witness,
                              name}));
  }
  for (int c = 0; c < kChildren; ++c) BOOST_TEST(Wait(children[c]) == 0, "child " << c);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE(kChildren << " processes x " << kAppendsPerChild << " appends: " << seconds
                               << " s");

  auto ledger = Ledger::Open(uri, vault, name, options);
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
  auto verified = (*ledger)->Verify();
  BOOST_REQUIRE_MESSAGE(verified.ok(), verified.status().ToString());
  BOOST_TEST(verified->ok, verified->problem);
  BOOST_TEST(verified->entries == kChildren * kAppendsPerChild);
  BOOST_TEST(verified->checkpoints > 0u);  // the children signed some, and the witness
  auto size = (*ledger)->Size();
  BOOST_REQUIRE(size.ok());
  BOOST_REQUIRE_EQUAL(*size, kChildren * kAppendsPerChild);

  absl::flat_hash_map<std::string, std::string> persons;  // pseudonym -> person
  for (int k = 0; k < 5; ++k) {
    const std::string person = absl::StrCat("person-", k);
    auto pseudonym = (*ledger)->PersonPseudonym(person);
    BOOST_REQUIRE(pseudonym.ok());
    persons[*pseudonym] = person;
  }
  std::vector<std::vector<int>> seen(kChildren, std::vector<int>(kAppendsPerChild, 0));
  for (uint64_t at = 0; at < *size;) {
    auto page = (*ledger)->ReadEntries(at, 4096);
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
      auto payload = (*ledger)->OpenPayload(entry, person);
      BOOST_REQUIRE_MESSAGE(payload.ok(), "entry " << at << ": " << payload.status());
      const std::vector<absl::string_view> words = absl::StrSplit(payload->view(), ' ');
      uint64_t child = 0, number = 0;
      BOOST_REQUIRE_MESSAGE(words.size() == 4 && words[0] == "child" && words[2] == "entry" &&
                                absl::SimpleAtoi(words[1], &child) &&
                                absl::SimpleAtoi(words[3], &number) && child < kChildren &&
                                number < kAppendsPerChild,
                            "entry " << at << ": unexpected payload");
      BOOST_REQUIRE_MESSAGE(person == PersonOf(number),
                            "entry " << at << " is not about the person its number says");
      ++seen[child][number];
      ++at;
    }
  }
  for (int c = 0; c < kChildren; ++c) {
    for (uint64_t n = 0; n < kAppendsPerChild; ++n) {
      BOOST_REQUIRE_MESSAGE(seen[c][n] == 1, "child " << c << " entry " << n << " appears "
                                                      << seen[c][n] << " times");
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pg_testing
