// A helper process for processes_test.cc: one vault and one ledger file shared by several
// processes, as a PHP-FPM or gunicorn pool shares them. Each process opens its own key file
// provider, Vault and Ledger. The passphrase comes from a file named on the command line.
//
//   process_helper append KEY VAULT LEDGER PASSFILE CHILD COUNT [WITNESS NAME]
//       Appends COUNT entries one call at a time with group durability and the default
//       checkpoint policy (so processes also race to sign checkpoints and write the witness) to
//       ledger NAME (default access_trail) at LEDGER, a file or a postgresql:// URI (then
//       WITNESS names its witness file; tests/pg/pg_processes_test.cc):
//       entry n is about no person when n % 3 == 0, else about "person-<n % 5>" (persons shared
//       by every child, so their data keys are minted by whichever process comes first); its
//       payload is Payload(CHILD, n). Flushes and exits 0, or 1 on any failure.
//   process_helper crash KEY VAULT LEDGER PASSFILE sync|group FIRST
//       Writes "ready\n" to stdout once the ledger is open, then appends entries FIRST, FIRST+1,
//       … forever (about persons as above, prefix "crash-"), each with payload Payload(0, n),
//       and writes "n\n" to stdout for every entry once it is durable: kSync after Append
//       returned, kGroup after WaitDurable of a small batch (1 to 8 calls). The parent kills it.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "socle/init.hpp"
#include "socle/ledger.hpp"
#include "socle/vault.hpp"

namespace {

constexpr absl::string_view kTenant = "ccas-ledger-processes";

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The person of entry n (empty: none), as processes_test.cc computes it too.
std::string PersonOf(absl::string_view prefix, uint64_t n) {
  return n % 3 == 0 ? std::string() : absl::StrCat(prefix, "person-", n % 5);
}

std::string Payload(uint64_t child, uint64_t n) { return absl::StrCat("child ", child, " entry ", n); }

absl::StatusOr<std::shared_ptr<socle::Vault>> OpenVault(const std::string& key,
                                                        const std::string& db,
                                                        const std::string& passfile) {
  const socle::SecretBytes passphrase(absl::string_view(ReadWhole(passfile)));
  socle::KeyFileOptions options;
  options.allow_weak_kdf_for_tests = true;  // the test's key file is cheap to open
  auto provider = socle::KeyFileProvider::Open(key, passphrase, options);
  if (!provider.ok()) return provider.status();
  auto vault = socle::Vault::Open(std::shared_ptr<socle::KeyProvider>(std::move(*provider)), db,
                                  kTenant);
  if (!vault.ok()) return vault.status();
  return std::shared_ptr<socle::Vault>(std::move(*vault));
}

int Fail(absl::string_view what, const absl::Status& status) {
  std::cerr << "process_helper: " << what << ": " << status << "\n";
  return 1;
}

int Append(const std::string& key, const std::string& vault_db, const std::string& ledger_db,
           const std::string& passfile, uint64_t child, uint64_t count,
           const std::string& witness, const std::string& name) {
  auto vault = OpenVault(key, vault_db, passfile);
  if (!vault.ok()) return Fail("vault", vault.status());
  socle::LedgerOptions options;
  options.durability = socle::Durability::kGroup;
  options.witness_path = witness;
  auto ledger = socle::Ledger::Open(ledger_db, *vault, name, options);
  if (!ledger.ok()) return Fail("ledger", ledger.status());
  const absl::Time start = absl::Now();
  for (uint64_t n = 0; n < count; ++n) {
    const std::string person = PersonOf("", n);
    const std::string payload = Payload(child, n);
    socle::NewLedgerEntry entry;
    entry.type = socle::LedgerEntryType::kAccessDecision;
    entry.person = person;
    entry.payload = payload;
    auto ticket = (*ledger)->Append(absl::MakeConstSpan(&entry, 1));
    if (!ticket.ok()) return Fail(absl::StrCat("append ", n), ticket.status());
  }
  if (const absl::Status flushed = (*ledger)->Flush(); !flushed.ok()) {
    return Fail("flush", flushed);
  }
  std::cout << "child " << child << ": " << count << " appends in "
            << absl::FormatDuration(absl::Now() - start) << "\n";
  return 0;
}

bool WriteLine(const std::string& line) {
  return write(STDOUT_FILENO, line.data(), line.size()) == static_cast<ssize_t>(line.size());
}

int Crash(const std::string& key, const std::string& vault_db, const std::string& ledger_db,
          const std::string& passfile, const std::string& mode, uint64_t first) {
  if (mode != "sync" && mode != "group") return 2;
  auto vault = OpenVault(key, vault_db, passfile);
  if (!vault.ok()) return Fail("vault", vault.status());
  socle::LedgerOptions options;
  options.durability = mode == "sync" ? socle::Durability::kSync : socle::Durability::kGroup;
  options.group_commit_delay = absl::Milliseconds(1);
  // Frequent checkpoints, so that kills also land while one is signed and the witness written.
  options.checkpoint_every = 16;
  options.checkpoint_interval = absl::Milliseconds(20);
  auto ledger = socle::Ledger::Open(ledger_db, *vault, "access_trail", options);
  if (!ledger.ok()) return Fail("ledger", ledger.status());
  if (!WriteLine("ready\n")) return 1;
  for (uint64_t n = first;;) {
    const uint64_t batch = options.durability == socle::Durability::kSync ? 1 : 1 + n % 8;
    uint64_t last_ticket = 0;
    for (uint64_t i = 0; i < batch; ++i) {
      const std::string person = PersonOf("crash-", n + i);
      const std::string payload = Payload(0, n + i);
      socle::NewLedgerEntry entry;
      entry.person = person;
      entry.payload = payload;
      auto ticket = (*ledger)->Append(absl::MakeConstSpan(&entry, 1));
      if (!ticket.ok()) return Fail("append", ticket.status());
      last_ticket = *ticket;
    }
    if (auto durable = (*ledger)->WaitDurable(last_ticket); !durable.ok()) {
      return Fail("wait", durable.status());
    }
    std::string acked;
    for (uint64_t i = 0; i < batch; ++i) absl::StrAppend(&acked, n + i, "\n");
    if (!WriteLine(acked)) return 1;
    n += batch;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (!socle::Initialize().ok()) return 2;
  const std::vector<std::string> a(argv + 1, argv + argc);
  uint64_t x = 0, y = 0;
  if ((a.size() == 7 || a.size() == 9) && a[0] == "append" && absl::SimpleAtoi(a[5], &x) &&
      absl::SimpleAtoi(a[6], &y)) {
    return a.size() == 9 ? Append(a[1], a[2], a[3], a[4], x, y, a[7], a[8])
                         : Append(a[1], a[2], a[3], a[4], x, y, "", "access_trail");
  }
  if (a.size() == 7 && a[0] == "crash" && absl::SimpleAtoi(a[6], &x)) {
    return Crash(a[1], a[2], a[3], a[4], a[5], x);
  }
  std::cerr << "usage: see the comment at the top of tests/ledger/process_helper.cc\n";
  return 2;
}
