// A helper process for processes_test.cc: one key file and one vault database shared by
// several processes. Passphrases come from files named on the command line (re-read when the
// key file was re-protected), never from argv.
//
//   process_helper service KEY DB PASSFILE LOG STOPFILE
//       Seals a record (every other one for a new person), then opens an earlier acknowledged
//       record, pausing 2 ms each time, in a loop
//       until STOPFILE exists. Each record it seals is appended to LOG ("person record
//       hex(sealed)") once Seal returned: those are the acknowledged records. A small key cache
//       makes most opens unwrap again. When the key file was re-protected by another process
//       (FAILED_PRECONDITION), it opens the key file again with the passphrase in PASSFILE, as
//       an operator would restart a service. Exits 1 on any failure to open an acknowledged
//       record, or when no record was acknowledged.
//   process_helper passphrase KEY OLDFILE NEWFILE
//       Changes the key file's passphrase (INTERACTIVE cost), like a second operator.
//   process_helper ledger KEY DB PASSFILE LEDGER OUT
//       Writes the hex of Vault::LedgerSecret(LEDGER) to OUT (a test file: the secret is
//       compared with what other processes got).
//   process_helper verify KEY DB PASSFILE LOG SHREDDED_PERSON SHREDDED_HEX
//       A fresh process: Vault::Verify, then every record of LOG opens to its plaintext, and the
//       shredded person's record is NOT_FOUND.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "socle/error.hpp"
#include "socle/init.hpp"
#include "socle/vault.hpp"

namespace {

using socle::ErrorCode;
using socle::ErrorCodeOf;

constexpr absl::string_view kTenant = "ccas-processes";

std::string ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Plaintext(absl::string_view person, absl::string_view record) {
  return absl::StrCat("note for ", person, ", record ", record);
}

absl::Span<const uint8_t> AsBytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

absl::StatusOr<std::unique_ptr<socle::Vault>> OpenVault(const std::string& key,
                                                        const std::string& db,
                                                        const std::string& passfile,
                                                        size_t cache_capacity) {
  const socle::SecretBytes passphrase(absl::string_view(ReadWhole(passfile)));
  auto provider = socle::KeyFileProvider::Open(key, passphrase);
  if (!provider.ok()) return provider.status();
  socle::VaultOptions options;
  options.cache_capacity = cache_capacity;
  return socle::Vault::Open(std::shared_ptr<socle::KeyProvider>(std::move(*provider)), db, kTenant,
                            options);
}

struct Acknowledged {
  std::string person;
  std::string record;
  std::vector<uint8_t> sealed;
};

int Service(const std::string& key, const std::string& db, const std::string& passfile,
            const std::string& log, const std::string& stopfile) {
  auto vault = OpenVault(key, db, passfile, /*cache_capacity=*/4);
  if (!vault.ok()) {
    std::cerr << "service: " << vault.status() << "\n";
    return 1;
  }
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return 1;
  std::vector<Acknowledged> done;
  std::mt19937 random(12345);
  size_t seal_failures = 0, reopens = 0;
  // Re-opens the key file after a passphrase change elsewhere. The new passphrase may not be
  // in the file yet, or the key file may not be re-protected yet: try again.
  auto reopen = [&]() -> bool {
    for (int attempt = 0; attempt < 2000; ++attempt) {
      auto again = OpenVault(key, db, passfile, 4);
      if (again.ok()) {
        vault = std::move(again);
        ++reopens;
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  for (int i = 0; access(stopfile.c_str(), F_OK) != 0; ++i) {
    // A pause per record, as a real service has: SQLite's busy handler polls, so a writer that
    // never pauses would starve the operators' transactions past their busy timeout.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    // Every other record is for a new person (a data key to wrap), the others for an earlier one.
    const std::string person =
        (i % 2 == 0 || done.empty()) ? absl::StrCat("P-", i) : done[random() % done.size()].person;
    const std::string record = absl::StrCat("r", i);
    const socle::RecordRef ref{person, record, 1};
    auto sealed = (*vault)->SealRecord(ref, AsBytes(Plaintext(person, record)));
    if (sealed.ok()) {
      const std::string line =
          absl::StrCat(person, " ", record, " ",
                       absl::BytesToHexString(absl::string_view(
                           reinterpret_cast<const char*>(sealed->data()), sealed->size())),
                       "\n");
      if (write(log_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 1;
      done.push_back(Acknowledged{person, record, *std::move(sealed)});
    } else {
      // Not acknowledged: a seal may fail while another process changes the key file.
      ++seal_failures;
      if (ErrorCodeOf(sealed.status()) == ErrorCode::kFailedPrecondition && !reopen()) {
        std::cerr << "service: cannot open the key file again\n";
        return 1;
      }
      continue;
    }
    const Acknowledged& earlier = done[random() % done.size()];
    const socle::RecordRef earlier_ref{earlier.person, earlier.record, 1};
    auto opened = (*vault)->OpenRecord(earlier_ref, earlier.sealed);
    if (!opened.ok() && ErrorCodeOf(opened.status()) == ErrorCode::kFailedPrecondition) {
      if (!reopen()) return 1;
      opened = (*vault)->OpenRecord(earlier_ref, earlier.sealed);
    }
    if (!opened.ok() || opened->view() != Plaintext(earlier.person, earlier.record)) {
      std::cerr << "service: an acknowledged record does not open: "
                << (opened.ok() ? "wrong plaintext" : opened.status().ToString()) << "\n";
      return 1;
    }
  }
  close(log_fd);
  std::cout << "service: " << done.size() << " records acknowledged, " << seal_failures
            << " seals refused, " << reopens << " re-opens of the key file\n";
  return done.empty() ? 1 : 0;
}

int ChangePassphrase(const std::string& key, const std::string& old_file,
                     const std::string& new_file) {
  const socle::SecretBytes old_pass(absl::string_view(ReadWhole(old_file)));
  const socle::SecretBytes new_pass(absl::string_view(ReadWhole(new_file)));
  auto provider = socle::KeyFileProvider::Open(key, old_pass);
  if (!provider.ok()) {
    std::cerr << "passphrase: " << provider.status() << "\n";
    return 1;
  }
  const absl::Status changed =
      (*provider)->ChangePassphrase(new_pass, socle::PassphraseKdfParams::Interactive());
  if (!changed.ok()) {
    std::cerr << "passphrase: " << changed << "\n";
    return 1;
  }
  return 0;
}

int LedgerSecret(const std::string& key, const std::string& db, const std::string& passfile,
                 const std::string& ledger, const std::string& out) {
  auto vault = OpenVault(key, db, passfile, 0);
  if (!vault.ok()) {
    std::cerr << "ledger: " << vault.status() << "\n";
    return 1;
  }
  auto secret = (*vault)->LedgerSecret(ledger);
  if (!secret.ok()) {
    std::cerr << "ledger: " << secret.status() << "\n";
    return 1;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << absl::BytesToHexString(secret->view());
  return file.good() ? 0 : 1;
}

int Verify(const std::string& key, const std::string& db, const std::string& passfile,
           const std::string& log, const std::string& shredded_person,
           const std::string& shredded_hex) {
  auto vault = OpenVault(key, db, passfile, 0);
  if (!vault.ok()) {
    std::cerr << "verify: " << vault.status() << "\n";
    return 1;
  }
  if (const absl::Status verified = (*vault)->Verify(); !verified.ok()) {
    std::cerr << "verify: " << verified << "\n";
    return 1;
  }
  std::istringstream lines(ReadWhole(log));
  std::string person, record, hex;
  size_t count = 0;
  while (lines >> person >> record >> hex) {
    const std::string sealed = absl::HexStringToBytes(hex);
    auto opened = (*vault)->OpenRecord(socle::RecordRef{person, record, 1}, AsBytes(sealed));
    if (!opened.ok() || opened->view() != Plaintext(person, record)) {
      std::cerr << "verify: acknowledged record " << count << " does not open: "
                << (opened.ok() ? "wrong plaintext" : opened.status().ToString()) << "\n";
      return 1;
    }
    ++count;
  }
  const std::string shredded = absl::HexStringToBytes(shredded_hex);
  auto gone =
      (*vault)->OpenRecord(socle::RecordRef{shredded_person, "before", 1}, AsBytes(shredded));
  if (gone.ok() || ErrorCodeOf(gone.status()) != ErrorCode::kNotFound) {
    std::cerr << "verify: the shredded person's record is not NOT_FOUND\n";
    return 1;
  }
  std::cout << "verify: " << count << " acknowledged records open\n";
  return count == 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (!socle::Initialize().ok()) return 2;
  const std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() == 6 && a[0] == "service") return Service(a[1], a[2], a[3], a[4], a[5]);
  if (a.size() == 4 && a[0] == "passphrase") return ChangePassphrase(a[1], a[2], a[3]);
  if (a.size() == 6 && a[0] == "ledger") return LedgerSecret(a[1], a[2], a[3], a[4], a[5]);
  if (a.size() == 7 && a[0] == "verify") return Verify(a[1], a[2], a[3], a[4], a[5], a[6]);
  std::cerr << "usage: see the comment at the top of tests/vault/process_helper.cc\n";
  return 2;
}
