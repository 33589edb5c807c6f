// A helper process for pg_processes_test.cc: one PostgreSQL ledger shared by several processes,
// as the workers of several application servers share it. Each process opens its own key file
// provider, Vault (one SQLite vault file: its PostgreSQL tables are a later stage) and Ledger.
//
//   pg_process_helper append KEY VAULT URI WITNESS PASSFILE NAME CHILD COUNT
//       Appends COUNT entries one call at a time with group durability and the default
//       checkpoint policy to ledger NAME at URI: entry n is about no person when n % 3 == 0, else
//       about "person-<n % 5>"; its payload is "child CHILD entry n". Flushes and exits 0, or 1
//       on any failure (the status on stderr).
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

constexpr absl::string_view kTenant = "ccas-pg-processes";

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int Fail(absl::string_view what, const absl::Status& status) {
  std::cerr << "pg_process_helper: " << what << ": " << status << "\n";
  return 1;
}

int Append(const std::vector<std::string>& a, uint64_t child, uint64_t count) {
  const std::string &key = a[1], &vault_db = a[2], &uri = a[3], &witness = a[4],
                    &passfile = a[5], &name = a[6];
  const socle::SecretBytes passphrase(absl::string_view(ReadWhole(passfile)));
  socle::KeyFileOptions key_options;
  key_options.allow_weak_kdf_for_tests = true;  // the test's key file is cheap to open
  auto provider = socle::KeyFileProvider::Open(key, passphrase, key_options);
  if (!provider.ok()) return Fail("key file", provider.status());
  auto vault = socle::Vault::Open(std::shared_ptr<socle::KeyProvider>(std::move(*provider)),
                                  vault_db, kTenant);
  if (!vault.ok()) return Fail("vault", vault.status());
  socle::LedgerOptions options;
  options.durability = socle::Durability::kGroup;
  options.witness_path = witness;
  auto ledger = socle::Ledger::Open(uri, std::shared_ptr<socle::Vault>(std::move(*vault)), name,
                                    options);
  if (!ledger.ok()) return Fail("ledger", ledger.status());
  const absl::Time start = absl::Now();
  for (uint64_t n = 0; n < count; ++n) {
    const std::string person = n % 3 == 0 ? std::string() : absl::StrCat("person-", n % 5);
    const std::string payload = absl::StrCat("child ", child, " entry ", n);
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

}  // namespace

int main(int argc, char** argv) {
  if (!socle::Initialize().ok()) return 2;
  const std::vector<std::string> a(argv + 1, argv + argc);
  uint64_t child = 0, count = 0;
  if (a.size() == 9 && a[0] == "append" && absl::SimpleAtoi(a[7], &child) &&
      absl::SimpleAtoi(a[8], &count)) {
    return Append(a, child, count);
  }
  std::cerr << "usage: see the comment at the top of tests/pg/pg_process_helper.cc\n";
  return 2;
}
