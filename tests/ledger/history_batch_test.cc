// The batch reads behind a person's history (AccessTrail::History): all the proofs of a page in
// one descent of the tree (ledger::InclusionProofs, Ledger::ProveInclusions, its tiles read in
// runs) equal the proofs made one by one and verify, for random index sets, against the newest
// checkpoint and an older one; a page's payloads opened together (Ledger::OpenPayloads,
// Vault::OpenRecords) give each entry exactly what opening it alone gives, a tampered, pruned,
// foreign or shredded one included; a tampered payload in the database makes that line of the
// history unreadable and no other, every proof still holding. On SQLite (written against
// ledger_backend.h, so tests/pg's suite program can compile it for PostgreSQL too).
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <random>
#include <string>
#include <vector>

#include "../access/test_util.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/merkle.h"
#include "ledger_fixture.h"
#include "socle/error.hpp"
#include "socle/trail.hpp"
#include "socle/v1/ledger.pb.h"

namespace socle::ledger_testing {
namespace {

using Hashes = std::vector<ledger::MerkleHash>;

ledger::MerkleHash ToMerkle(const LedgerHash& h) {
  ledger::MerkleHash m;
  std::copy(h.begin(), h.end(), m.begin());
  return m;
}

Hashes Leaves(uint64_t n) {
  Hashes leaves;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t value[2] = {7, i};
    leaves.push_back(ledger::HashLeaf({reinterpret_cast<const uint8_t*>(value), sizeof(value)}));
  }
  return leaves;
}

// Random index sets below `size`: dense runs, sparse picks, repeats, in no particular order.
std::vector<uint64_t> RandomIndexes(std::mt19937_64& rng, uint64_t size) {
  std::vector<uint64_t> indexes;
  const size_t count = 1 + rng() % 200;
  const bool dense = rng() % 2 == 0;
  const uint64_t start = rng() % size;
  for (size_t i = 0; i < count; ++i) {
    indexes.push_back(dense ? (start + i) % size : rng() % size);
  }
  if (rng() % 3 == 0) indexes.push_back(indexes.front());  // a repeat
  std::shuffle(indexes.begin(), indexes.end(), rng);
  return indexes;
}

std::string Code(const absl::Status& status) {
  return std::string(ErrorCodeName(ErrorCodeOf(status)));
}

BOOST_AUTO_TEST_SUITE(history_batch)

BOOST_AUTO_TEST_CASE(one_pass_proofs_equal_the_proofs_one_by_one) {
  std::mt19937_64 rng(20261205);
  const Hashes d = Leaves(3000);
  for (const int min_stored_level : {1, 4, 64}) {  // 64: no subtree stored, all from the leaves
    ledger::MemoryLeafHashes store(min_stored_level);
    for (const auto& leaf : d) BOOST_REQUIRE(store.Append(leaf).ok());
    for (int round = 0; round < 60; ++round) {
      const uint64_t size = round < 8 ? uint64_t{1} << round : 1 + rng() % d.size();
      const std::vector<uint64_t> indexes = RandomIndexes(rng, size);
      BOOST_TEST_CONTEXT("level " << min_stored_level << " size " << size) {
        const auto batch = ledger::InclusionProofs(store, indexes, size);
        BOOST_REQUIRE(batch.ok());
        BOOST_REQUIRE(batch->size() == indexes.size());
        const ledger::MerkleHash root = *ledger::ComputeRoot(store, size);
        for (size_t i = 0; i < indexes.size(); ++i) {
          const auto alone = ledger::InclusionProof(store, indexes[i], size);
          BOOST_REQUIRE(alone.ok());
          BOOST_TEST(((*batch)[i].hashes == *alone));
          BOOST_TEST(((*batch)[i].leaf_hash == d[indexes[i]]));
          BOOST_TEST(ledger::VerifyInclusion((*batch)[i].leaf_hash, indexes[i], size,
                                             (*batch)[i].hashes, root)
                         .ok());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(one_pass_proofs_refuse_what_one_proof_refuses) {
  const Hashes d = Leaves(40);
  ledger::MemoryLeafHashes store;
  for (const auto& leaf : d) BOOST_REQUIRE(store.Append(leaf).ok());
  const std::vector<uint64_t> beyond = {3, 10, 10};
  BOOST_TEST(Code(ledger::InclusionProofs(store, beyond, 10).status()) == "OUT_OF_RANGE");
  const std::vector<uint64_t> some = {3};
  BOOST_TEST(Code(ledger::InclusionProofs(store, some, 41).status()) == "OUT_OF_RANGE");
  const auto none = ledger::InclusionProofs(store, {}, 40);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->empty());
}

BOOST_FIXTURE_TEST_CASE(ledger_proofs_of_a_page_equal_the_proofs_one_by_one, LedgerFixture) {
  auto ledger = Open();
  AppendSome(*ledger, 700);
  const auto first = ledger->Checkpoint();  // an older tree: proofs against it still hold
  BOOST_REQUIRE(first.ok());
  AppendSome(*ledger, 333, 700);  // 1033: a ragged right edge, a last tile not complete
  const auto last = ledger->Checkpoint();
  BOOST_REQUIRE(last.ok());
  std::mt19937_64 rng(5);
  for (const LedgerCheckpoint& checkpoint : {*first, *last}) {
    for (int round = 0; round < 12; ++round) {
      std::vector<uint64_t> indexes = RandomIndexes(rng, checkpoint.size);
      if (round == 0) {  // every index: each tile read in one run
        indexes.clear();
        for (uint64_t i = 0; i < checkpoint.size; ++i) indexes.push_back(i);
      }
      BOOST_TEST_CONTEXT("size " << checkpoint.size << " round " << round) {
        const auto batch = ledger->ProveInclusions(indexes, checkpoint.size);
        BOOST_REQUIRE_MESSAGE(batch.ok(), batch.status().ToString());
        BOOST_REQUIRE(batch->size() == indexes.size());
        for (size_t i = 0; i < indexes.size(); ++i) {
          const auto alone = ledger->ProveInclusion(indexes[i], checkpoint.size);
          BOOST_REQUIRE(alone.ok());
          const LedgerInclusionProof& p = (*batch)[i];
          BOOST_TEST(p.index == indexes[i]);
          BOOST_TEST(p.tree_size == checkpoint.size);
          BOOST_TEST((p.leaf_hash == alone->leaf_hash));
          BOOST_TEST((p.hashes == alone->hashes));
          Hashes path;
          for (const auto& h : p.hashes) path.push_back(ToMerkle(h));
          BOOST_TEST(ledger::VerifyInclusion(ToMerkle(p.leaf_hash), p.index, p.tree_size, path,
                                             ToMerkle(checkpoint.root))
                         .ok());
        }
      }
    }
  }
  // No index: nothing to prove, whatever the size (as before the batch).
  const auto empty = ledger->ProveInclusions({}, last->size + 100);
  BOOST_REQUIRE(empty.ok());
  BOOST_TEST(empty->empty());
  // One index out of range refuses the whole batch, naming it.
  const std::vector<uint64_t> bad = {1, 2, 5000};
  const auto refused = ledger->ProveInclusions(bad, last->size);
  BOOST_TEST(Code(refused.status()) == "OUT_OF_RANGE");
  BOOST_TEST(absl::StrContains(refused.status().message(), "entry 5000"));
}

// An entry whose sealed payload has one byte changed (as a person with database access could).
StoredLedgerEntry Tampered(const StoredLedgerEntry& e) {
  v1::LedgerEntry entry;
  BOOST_REQUIRE(entry.ParseFromString(e.bytes));
  BOOST_REQUIRE(!entry.sealed_payload().empty());
  std::string sealed = entry.sealed_payload();
  sealed[sealed.size() / 2] ^= 1;
  entry.set_sealed_payload(sealed);
  StoredLedgerEntry out = e;
  out.bytes = entry.SerializeAsString();
  return out;
}

void ExpectSame(const absl::StatusOr<SecretBytes>& batch,
                const absl::StatusOr<SecretBytes>& alone) {
  BOOST_TEST(batch.ok() == alone.ok());
  if (batch.ok() && alone.ok()) {
    BOOST_TEST((std::vector<uint8_t>(batch->data(), batch->data() + batch->size()) ==
                std::vector<uint8_t>(alone->data(), alone->data() + alone->size())));
  } else {
    BOOST_TEST(Code(batch.status()) == Code(alone.status()));
    BOOST_TEST(batch.status().message() == alone.status().message());
  }
}

BOOST_FIXTURE_TEST_CASE(a_page_opened_together_gives_what_each_entry_alone_gives, LedgerFixture) {
  auto ledger = Open();
  AppendSome(*ledger, 60);  // about person-0 … person-6, every third about nobody
  auto about =
      ledger->EntriesAbout("person-1", absl::InfinitePast(), absl::InfiniteFuture(), -1, 100);
  BOOST_REQUIRE(about.ok());
  BOOST_REQUIRE(about->size() > 4u);
  std::vector<StoredLedgerEntry> page = *about;
  page[1] = Tampered(page[1]);  // VERIFICATION_FAILED, this one only
  page[2].pruned = true;        // FAILED_PRECONDITION
  page[2].bytes.clear();
  page.push_back(
      *ledger->EntriesAbout("person-2", absl::InfinitePast(), absl::InfiniteFuture(), -1, 1)
           ->begin());                              // about someone else: VERIFICATION_FAILED
  page.push_back((*ledger->ReadEntries(0, 1))[0]);  // about nobody: its clear payload
  StoredLedgerEntry garbage = page[0];
  garbage.bytes = "\xff\xff not a ledger entry";
  page.push_back(garbage);  // DATA_LOSS
  const std::vector<absl::StatusOr<SecretBytes>> batch = ledger->OpenPayloads(page, "person-1");
  BOOST_REQUIRE(batch.size() == page.size());
  size_t opened = 0;
  for (size_t i = 0; i < page.size(); ++i) {
    BOOST_TEST_CONTEXT("entry " << i) {
      ExpectSame(batch[i], ledger->OpenPayload(page[i], "person-1"));
      opened += batch[i].ok() ? 1 : 0;
    }
  }
  BOOST_TEST(opened == page.size() - 4);
  BOOST_TEST(Code(batch[1].status()) == "VERIFICATION_FAILED");
  BOOST_TEST(Code(batch[2].status()) == "FAILED_PRECONDITION");
  BOOST_TEST(Code(batch[page.size() - 3].status()) == "VERIFICATION_FAILED");
  BOOST_TEST(Code(batch[page.size() - 1].status()) == "DATA_LOSS");
  // After crypto-shredding, every sealed payload of the page is NOT_FOUND, as alone.
  BOOST_REQUIRE(vault->ShredPerson("person-1").ok());
  const auto shredded = ledger->OpenPayloads(*about, "person-1");
  for (size_t i = 0; i < about->size(); ++i) {
    ExpectSame(shredded[i], ledger->OpenPayload((*about)[i], "person-1"));
    BOOST_TEST(Code(shredded[i].status()) == "NOT_FOUND");
  }
  BOOST_TEST(ledger->OpenPayloads({}, "person-1").empty());
}

BOOST_FIXTURE_TEST_CASE(vault_records_opened_together_give_what_each_alone_gives, LedgerFixture) {
  std::vector<std::vector<uint8_t>> sealed;
  const RecordRef ref{"p1", "note", 1};
  for (int i = 0; i < 5; ++i) {
    const std::string text = absl::StrCat("record ", i);
    auto s = vault->SealRecord(
        ref, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    BOOST_REQUIRE(s.ok());
    sealed.push_back(*s);
  }
  sealed[2][sealed[2].size() - 1] ^= 1;  // an altered tag
  sealed[3].resize(3);                   // too short for a header
  std::vector<RecordRef> refs(sealed.size(), ref);
  refs[4].record_id = "another";  // opened under the wrong reference
  std::vector<absl::Span<const uint8_t>> spans(sealed.begin(), sealed.end());
  const auto batch = vault->OpenRecords(refs, spans);
  BOOST_REQUIRE(batch.ok());
  for (size_t i = 0; i < sealed.size(); ++i) {
    ExpectSame((*batch)[i], vault->OpenRecord(refs[i], spans[i]));
  }
  BOOST_TEST((*batch)[0].ok());
  BOOST_TEST(Code((*batch)[2].status()) == "VERIFICATION_FAILED");
  BOOST_TEST(Code((*batch)[4].status()) == "VERIFICATION_FAILED");
  // Two persons, or spans of different lengths: refused whole.
  std::vector<RecordRef> mixed = refs;
  mixed[1].person_id = "p2";
  BOOST_TEST(Code(vault->OpenRecords(mixed, spans).status()) == "INVALID_ARGUMENT");
  BOOST_TEST(Code(vault->OpenRecords(refs, absl::MakeConstSpan(spans).first(2)).status()) ==
             "INVALID_ARGUMENT");
  // A person without a key: NOT_FOUND for each record that passed its own checks.
  std::vector<RecordRef> nobody(refs.size(), RecordRef{"never-sealed", "note", 1});
  const auto none = vault->OpenRecords(nobody, spans);
  BOOST_REQUIRE(none.ok());
  for (size_t i = 0; i < sealed.size(); ++i) {
    ExpectSame((*none)[i], vault->OpenRecord(nobody[i], spans[i]));
  }
  BOOST_TEST(Code((*none)[0].status()) == "NOT_FOUND");
}

BOOST_FIXTURE_TEST_CASE(a_tampered_payload_is_one_unreadable_line_of_the_history, LedgerFixture) {
  access_testing::Scenario scenario;
  LedgerOptions options = Options();
  options.clock = &scenario.clock();
  std::shared_ptr<Ledger> ledger = Open(options);
  auto created = AccessTrail::Create(ledger, scenario.engine());
  BOOST_REQUIRE(created.ok());
  std::unique_ptr<AccessTrail> trail = std::move(*created);
  for (int i = 0; i < 40; ++i) {
    BOOST_REQUIRE(trail->Decide(scenario.Request(i % 2 ? "sw1" : "sw2", "x1", "social")).ok());
    BOOST_REQUIRE(trail->Decide(scenario.Request("sw1", "x2", "social")).ok());
  }
  auto rows = ledger->EntriesAbout("x1", absl::InfinitePast(), absl::InfiniteFuture(), -1, 100);
  BOOST_REQUIRE(rows.ok());
  BOOST_REQUIRE(rows->size() == 40u);
  const uint64_t victim = (*rows)[17].index;
  Attacker attacker(backend);
  attacker.DropTriggers();
  attacker.Exec(absl::StrCat("UPDATE entries SET body = ",
                             Attacker::Blob(absl::BytesToHexString(Tampered((*rows)[17]).bytes)),
                             " WHERE idx = ", victim));
  HistoryQuery query;
  query.person = "x1";
  query.reader = "x1";
  query.reader_is_person = true;
  query.limit = 15;  // three pages
  size_t lines = 0, unreadable = 0;
  for (;;) {
    auto page = trail->History(query);
    BOOST_REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    CheckProofs(*page);
    for (const HistoryEntry& e : page->entries) {
      if (e.type != LedgerEntryType::kAccessDecision) continue;
      ++lines;
      if (!e.readable) {
        ++unreadable;
        BOOST_TEST(e.index == victim);
        BOOST_TEST(e.actor.empty());
      } else {
        BOOST_TEST((e.actor == "sw1" || e.actor == "sw2"));
      }
    }
    if (page->next_after < 0) break;
    query.after = page->next_after;
  }
  BOOST_TEST(lines == 40u);
  BOOST_TEST(unreadable == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger_testing
