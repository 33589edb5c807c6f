// Several processes on one key file and one vault database: a long-lived service seals and
// opens (process_helper service) while operators run `socle keys rotate` (with and without
// retirement), `socle keys shred`, and a change of passphrase (process_helper passphrase).
// Afterwards a fresh process passes Vault::Verify and opens every acknowledged record, and the
// shredded person's record does not open (process_helper verify).
//
// Before the key file was locked and re-read, this failed: the service kept wrapping new
// persons under the version `rotate` retired, and its view of the key file was never updated.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace socle {
namespace {

using vault_testing::Bytes;
using vault_testing::Hex;
using vault_testing::LoadVault;
using vault_testing::NewInteractiveKeyFile;
using vault_testing::TempDir;
using vault_testing::TestPassphrase;

// Runs `argv` with SOCLE_PASSPHRASE set (empty: unset) and returns its pid.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& passphrase) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    if (passphrase.empty()) {
      unsetenv("SOCLE_PASSPHRASE");
    } else {
      setenv("SOCLE_PASSPHRASE", passphrase.c_str(), 1);
    }
    const int null_in = open("/dev/null", O_RDONLY);
    dup2(null_in, STDIN_FILENO);
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

int Run(const std::vector<std::string>& argv, const std::string& passphrase = "") {
  return Wait(Spawn(argv, passphrase));
}

size_t Lines(const std::string& path) {
  const std::vector<uint8_t> bytes = vault_testing::ReadFileBytes(path);
  return static_cast<size_t>(std::count(bytes.begin(), bytes.end(), '\n'));
}

// Waits until the service acknowledged `more` records beyond what it had, so that every
// operator command below really overlaps with its seals and opens. No time limit here: the
// CTest timeout bounds a service that stopped making progress.
void WaitForProgress(const std::string& log, size_t more, pid_t service) {
  const size_t target = Lines(log) + more;
  while (Lines(log) < target) {
    int status = 0;
    BOOST_REQUIRE_MESSAGE(waitpid(service, &status, WNOHANG) == 0, "the service stopped early");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void WriteText(const std::string& path, const std::string& text) {
  vault_testing::WriteFileBytes(path, Bytes(text));
}

BOOST_AUTO_TEST_SUITE(processes)

BOOST_AUTO_TEST_CASE(service_keeps_working_while_operators_rotate_shred_and_change_passphrase) {
  TempDir dir;
  const std::string key = dir.File("master.key");
  const std::string db = dir.File("vault.db");
  const std::string log = dir.File("acknowledged.log");
  const std::string stop = dir.File("stop");
  const std::string passfile = dir.File("passphrase");
  const std::string newpassfile = dir.File("new-passphrase");
  const std::string first(TestPassphrase().view());
  const std::string second = "a second passphrase, for the processes test";
  const std::string cli = SOCLE_CLI_PATH;
  const std::string helper = SOCLE_PROCESS_HELPER_PATH;
  const std::string tenant = "--tenant=ccas-processes";

  // A person the operator will shred, sealed before the service starts.
  std::vector<uint8_t> shredded_record;
  {
    auto vault = LoadVault(NewInteractiveKeyFile(key), db, "ccas-processes");
    auto sealed = vault->SealRecord(RecordRef{"P-SHRED", "before", 1}, Bytes("to be forgotten"));
    BOOST_REQUIRE(sealed.ok());
    shredded_record = *sealed;
  }
  WriteText(passfile, first);
  WriteText(newpassfile, second);

  const pid_t service = Spawn({helper, "service", key, db, passfile, log, stop}, "");
  WaitForProgress(log, 20, service);
  BOOST_TEST(Run({cli, "keys", "rotate", "--key-file", key, "--db", db, tenant}, first) == 0);
  WaitForProgress(log, 20, service);
  BOOST_TEST(Run({cli, "keys", "rotate", "--key-file", key, "--db", db, tenant, "--keep-old"},
                 first) == 0);
  WaitForProgress(log, 20, service);
  BOOST_TEST(
      Run({cli, "keys", "shred", "--key-file", key, "--db", db, tenant, "--person", "P-SHRED"},
          first) == 0);
  WaitForProgress(log, 20, service);
  // The service reads the new passphrase from `passfile` when it finds the key file
  // re-protected: write it there first, as an operator would update the service's secret.
  WriteText(passfile, second);
  BOOST_TEST(Run({helper, "passphrase", key, dir.File("old-passphrase-unused"), newpassfile}) !=
             0);  // a missing passphrase file: refused, nothing changes
  WriteText(dir.File("old-passphrase"), first);
  BOOST_TEST(Run({helper, "passphrase", key, dir.File("old-passphrase"), newpassfile}) == 0);
  WaitForProgress(log, 20, service);
  BOOST_TEST(Run({cli, "keys", "rotate", "--key-file", key, "--db", db, tenant}, second) == 0);
  WaitForProgress(log, 20, service);
  // Two operators at once: each rotation either completes or refuses (another rotation made a
  // newer version current); neither loses the other's version.
  const pid_t one = Spawn({cli, "keys", "rotate", "--key-file", key, "--db", db, tenant}, second);
  const pid_t two =
      Spawn({cli, "keys", "rotate", "--key-file", key, "--db", db, tenant, "--keep-old"}, second);
  const int one_exit = Wait(one);
  const int two_exit = Wait(two);
  BOOST_TEST((one_exit == 0 || two_exit == 0));
  WaitForProgress(log, 20, service);

  WriteText(stop, "");
  BOOST_TEST(Wait(service) == 0);
  BOOST_TEST(Run({helper, "verify", key, db, passfile, log, "P-SHRED", Hex(shredded_record)}) == 0);
}

// The access trail's seal (KeyCreation::kRefuseIfShredded) in a long-lived process whose cache
// holds the person's key, while an operator shreds the person with `socle keys shred` in another
// process: the next seal is refused at once, not after the cache's TTL, and creates no key.
BOOST_AUTO_TEST_CASE(a_shred_by_another_process_is_refused_at_once_despite_the_cache) {
  TempDir dir;
  const std::string key = dir.File("master.key");
  const std::string db = dir.File("vault.db");
  const std::string first(TestPassphrase().view());
  auto vault = LoadVault(NewInteractiveKeyFile(key), db, "ccas-processes");
  const RecordRef entry{"P-TRAIL", "entry-1", 1};
  const auto sealed =
      vault->SealRecord(entry, Bytes("first entry"), KeyCreation::kRefuseIfShredded);
  BOOST_REQUIRE(sealed.ok());
  BOOST_REQUIRE(vault->cached_keys() == 1u);

  BOOST_TEST(Run({SOCLE_CLI_PATH, "keys", "shred", "--key-file", key, "--db", db,
                  "--tenant=ccas-processes", "--person", "P-TRAIL"},
                 first) == 0);
  BOOST_TEST(vault->cached_keys() == 1u);  // this process has not noticed yet
  const auto refused = vault->SealRecord(RecordRef{"P-TRAIL", "entry-2", 1}, Bytes("second"),
                                         KeyCreation::kRefuseIfShredded);
  BOOST_TEST(ErrorCodeName(ErrorCodeOf(refused.status())) == "FAILED_PRECONDITION");
  BOOST_TEST(vault_testing::RawRows(db, "person_keys").empty());
  BOOST_TEST(ErrorCodeName(ErrorCodeOf(vault->OpenRecord(entry, *sealed).status())) == "NOT_FOUND");
}

// The same after the cached key was vouched for by a read and used without reading the database
// (the cheap path of kRefuseIfShredded): the other process's shred is a commit, so the very next
// seal reads the database again.
BOOST_AUTO_TEST_CASE(a_shred_by_another_process_is_refused_after_cheap_seals_of_the_cached_key) {
  TempDir dir;
  const std::string key = dir.File("master.key");
  const std::string db = dir.File("vault.db");
  const std::string first(TestPassphrase().view());
  auto vault = LoadVault(NewInteractiveKeyFile(key), db, "ccas-processes");
  for (int i = 0; i < 20; ++i) {
    const auto sealed =
        vault->SealRecord(RecordRef{"P-TRAIL", "entry-" + std::to_string(i), 1},
                          Bytes("an entry"), KeyCreation::kRefuseIfShredded);
    BOOST_REQUIRE(sealed.ok());
  }
  BOOST_TEST(Run({SOCLE_CLI_PATH, "keys", "shred", "--key-file", key, "--db", db,
                  "--tenant=ccas-processes", "--person", "P-TRAIL"},
                 first) == 0);
  BOOST_TEST(vault->cached_keys() == 1u);
  const auto refused = vault->SealRecord(RecordRef{"P-TRAIL", "entry-next", 1}, Bytes("next"),
                                         KeyCreation::kRefuseIfShredded);
  BOOST_TEST(ErrorCodeName(ErrorCodeOf(refused.status())) == "FAILED_PRECONDITION");
  BOOST_TEST(vault_testing::RawRows(db, "person_keys").empty());
}

// Vault::LedgerSecret from several processes: two first uses racing in two processes, and this
// process, all get the same secret; a secret this process created is the one another reads.
BOOST_AUTO_TEST_CASE(processes_get_the_same_ledger_secret) {
  TempDir dir;
  const std::string key = dir.File("master.key");
  const std::string db = dir.File("vault.db");
  const std::string passfile = dir.File("passphrase");
  const std::string helper = SOCLE_PROCESS_HELPER_PATH;
  auto vault = LoadVault(NewInteractiveKeyFile(key), db, "ccas-processes");
  WriteText(passfile, std::string(TestPassphrase().view()));

  const pid_t one = Spawn({helper, "ledger", key, db, passfile, "access_trail", dir.File("1")}, "");
  const pid_t two = Spawn({helper, "ledger", key, db, passfile, "access_trail", dir.File("2")}, "");
  BOOST_TEST(Wait(one) == 0);
  BOOST_TEST(Wait(two) == 0);
  const auto here = vault->LedgerSecret("access_trail");
  BOOST_REQUIRE(here.ok());
  const std::vector<uint8_t> expected = Bytes(Hex(here->span()));
  BOOST_TEST(expected.size() == 2 * kVaultKeyBytes);
  BOOST_TEST((vault_testing::ReadFileBytes(dir.File("1")) == expected));
  BOOST_TEST((vault_testing::ReadFileBytes(dir.File("2")) == expected));

  const auto state = vault->LedgerSecret("state");
  BOOST_REQUIRE(state.ok());
  BOOST_TEST(Run({helper, "ledger", key, db, passfile, "state", dir.File("3")}) == 0);
  BOOST_TEST((vault_testing::ReadFileBytes(dir.File("3")) == Bytes(Hex(state->span()))));
  BOOST_TEST(vault_testing::RawRows(db, "ledger_secrets").size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
