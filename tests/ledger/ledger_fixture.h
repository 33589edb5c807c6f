// A ledger for the ledger suites: a temporary directory, a vault with a fast key file, and the
// ledgers of the test on the backend the program was built for (ledger_backend.h).
#ifndef SOCLE_TESTS_LEDGER_LEDGER_FIXTURE_H_
#define SOCLE_TESTS_LEDGER_LEDGER_FIXTURE_H_

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "../vault/test_util.h"
#include "absl/strings/str_cat.h"
#include "ledger/merkle.h"
#include "ledger_backend.h"
#include "socle/ledger.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"

namespace socle::ledger_testing {

using vault_testing::CodeName;
using vault_testing::TempDir;

struct LedgerFixture {
  TempDir dir;
  std::shared_ptr<KeyFileProvider> provider = vault_testing::NewKeyFile(dir.File("master.key"));
  std::shared_ptr<Vault> vault = vault_testing::LoadVault(provider, dir.File("vault.db"));
  Backend backend{dir};
  // Where the access trail of the test lives (a file, or the server's URI).
  std::string location = backend.Location("access_trail");

  static LedgerOptions Options(Durability durability = Durability::kSync) {
    LedgerOptions options;
    options.durability = durability;
    options.group_commit_delay = absl::Milliseconds(1);
    options.checkpoint_every = 0;
    options.checkpoint_interval = absl::ZeroDuration();
    return options;
  }

  // Ledger `ledger` of this test (its name on the backend is backend.Name(ledger)), opened with
  // `vault`.
  absl::StatusOr<std::unique_ptr<Ledger>> TryOpen(LedgerOptions options,
                                                  absl::string_view ledger = "access_trail",
                                                  std::shared_ptr<Vault> with = nullptr) {
    backend.Complete(options, ledger);
    return Ledger::Open(backend.Location(ledger), with != nullptr ? with : vault,
                        backend.Name(ledger), options);
  }

  std::unique_ptr<Ledger> Open(const LedgerOptions& options = Options(),
                               absl::string_view ledger = "access_trail") {
    auto opened = TryOpen(options, ledger);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    return std::move(*opened);
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

// Checks every entry of a person's history against its inclusion proof in the history's
// checkpoint (RFC 9162 verification, ledger/merkle.h).
inline void CheckProofs(const PersonHistory& h) {
  ledger::MerkleHash root;
  std::copy(h.checkpoint.root.begin(), h.checkpoint.root.end(), root.begin());
  for (const auto& e : h.entries) {
    std::vector<ledger::MerkleHash> path;
    for (const auto& p : e.proof.hashes) {
      ledger::MerkleHash m;
      std::copy(p.begin(), p.end(), m.begin());
      path.push_back(m);
    }
    ledger::MerkleHash leaf;
    std::copy(e.proof.leaf_hash.begin(), e.proof.leaf_hash.end(), leaf.begin());
    BOOST_TEST(e.proof.index == e.index);
    BOOST_TEST(e.proof.tree_size == h.checkpoint.size);
    BOOST_TEST(ledger::VerifyInclusion(leaf, e.index, e.proof.tree_size, path, root).ok());
  }
}

}  // namespace socle::ledger_testing

#endif  // SOCLE_TESTS_LEDGER_LEDGER_FIXTURE_H_
