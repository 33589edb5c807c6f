// The Ledger (socle/ledger.hpp) on SQLite, and on PostgreSQL in tests/pg (ledger_backend.h):
// appends in every durability mode, checkpoints and proofs, Verify naming the first bad index for
// every kind of tampering, dropped triggers reported, rollback against the witness file, refused
// updates and deletes, crypto-shredding and retention keeping proofs, the store's own calls, and
// clear errors for bad input.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "ledger/merkle.h"
#include "ledger/store.h"
#include "ledger_fixture.h"
#include "socle/error.hpp"
#include "socle/ledger.hpp"
#include "socle/v1/ledger.pb.h"

namespace socle::ledger_testing {
namespace {

ledger::MerkleHash ToMerkle(const LedgerHash& h) {
  ledger::MerkleHash m;
  std::copy(h.begin(), h.end(), m.begin());
  return m;
}

void CheckProof(const LedgerInclusionProof& proof, const LedgerHash& root) {
  std::vector<ledger::MerkleHash> path;
  for (const auto& h : proof.hashes) path.push_back(ToMerkle(h));
  const absl::Status verified = ledger::VerifyInclusion(ToMerkle(proof.leaf_hash), proof.index,
                                                        proof.tree_size, path, ToMerkle(root));
  BOOST_TEST(verified.ok(), verified.ToString());
}

LedgerVerification MustVerify(Ledger& ledger) {
  auto report = ledger.Verify();
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  return *report;
}

void ExpectBadAt(Ledger& ledger, uint64_t index, absl::string_view words) {
  const LedgerVerification report = MustVerify(ledger);
  BOOST_TEST(!report.ok);
  BOOST_TEST(report.first_bad_index == index, report.problem);
  BOOST_TEST(absl::StrContains(report.problem, words), report.problem);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

BOOST_AUTO_TEST_SUITE(ledger_store)

BOOST_FIXTURE_TEST_CASE(appends_verify_and_prove, LedgerFixture) {
  auto ledger = Open();
  AppendSome(*ledger, 1000);
  BOOST_TEST(*ledger->Size() == 1000u);
  auto checkpoint = ledger->Checkpoint();
  BOOST_REQUIRE_MESSAGE(checkpoint.ok(), checkpoint.status().ToString());
  BOOST_TEST(checkpoint->size == 1000u);
  BOOST_TEST(absl::StartsWith(checkpoint->note, ledger->origin() + "\n1000\n"));
  // The root from the entries' own bytes, as a third party computes it.
  ledger::MemoryLeafHashes leaves;
  auto entries = ledger->ReadEntries(0, 2000);
  BOOST_REQUIRE(entries.ok());
  BOOST_REQUIRE(entries->size() == 1000u);
  for (const auto& e : *entries) {
    BOOST_REQUIRE(leaves.Append(ledger::HashLeaf(absl::MakeConstSpan(
                                    reinterpret_cast<const uint8_t*>(e.bytes.data()),
                                    e.bytes.size())))
                      .ok());
  }
  BOOST_TEST(leaves.Root() == ToMerkle(checkpoint->root));
  for (uint64_t i : {0u, 1u, 15u, 16u, 511u, 998u, 999u}) {
    auto proof = ledger->ProveInclusion(i);
    BOOST_REQUIRE_MESSAGE(proof.ok(), proof.status().ToString());
    CheckProof(*proof, checkpoint->root);
  }
  ledger.reset();

  // Reopened with group durability: four threads append to the same tree.
  ledger = Open(Options(Durability::kGroup));
  BOOST_TEST(*ledger->Size() == 1000u);
  std::vector<std::thread> threads;
  std::vector<absl::Status> appended(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { appended[t] = TryAppendSome(*ledger, 250, 1000 * (t + 1)); });
  }
  for (auto& t : threads) t.join();
  for (const absl::Status& status : appended) BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
  BOOST_TEST(*ledger->Size() == 2000u);
  // A consistency proof between two checkpoints.
  auto later = ledger->Checkpoint();
  BOOST_REQUIRE(later.ok());
  auto consistency = ledger->ProveConsistency(1000, 2000);
  BOOST_REQUIRE_MESSAGE(consistency.ok(), consistency.status().ToString());
  std::vector<ledger::MerkleHash> path;
  for (const auto& h : *consistency) path.push_back(ToMerkle(h));
  BOOST_TEST(ledger::VerifyConsistency(1000, 2000, path, ToMerkle(checkpoint->root),
                                       ToMerkle(later->root))
                 .ok());
  // A wrong old root fails the same check (the verifier is not vacuous).
  BOOST_TEST(!ledger::VerifyConsistency(1000, 2000, path, ToMerkle(later->root),
                                        ToMerkle(later->root))
                  .ok());
  for (uint64_t i : {0u, 999u, 1000u, 1477u, 1999u}) {
    auto proof = ledger->ProveInclusion(i);
    BOOST_REQUIRE(proof.ok());
    CheckProof(*proof, later->root);
  }
  const LedgerVerification report = MustVerify(*ledger);
  BOOST_TEST(report.ok, report.problem);
  BOOST_TEST(report.entries == 2000u);
  BOOST_TEST(report.checkpoints >= 3u);  // two in the database, the witness
}

BOOST_FIXTURE_TEST_CASE(every_durability_mode_keeps_every_entry, LedgerFixture) {
  for (Durability d : {Durability::kSync, Durability::kGroup, Durability::kNone}) {
    backend.Remove("access_trail");
    auto ledger = Open(Options(d));
    std::vector<std::thread> threads;
    std::vector<absl::Status> appended(4);
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] { appended[t] = TryAppendSome(*ledger, 250, t * 1000); });
    }
    for (auto& t : threads) t.join();
    for (const absl::Status& status : appended) BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
    NewLedgerEntry entry;
    entry.payload = "last";
    auto ticket = ledger->Append(absl::MakeConstSpan(&entry, 1));
    BOOST_REQUIRE(ticket.ok());
    auto index = ledger->WaitDurable(*ticket);
    BOOST_REQUIRE_MESSAGE(index.ok(), index.status().ToString());
    BOOST_TEST(*index == 1000u);
    BOOST_TEST(*ledger->Size() == 1001u);
    BOOST_TEST(MustVerify(*ledger).ok);
  }
}

BOOST_FIXTURE_TEST_CASE(two_writers_keep_one_tree_and_its_tiles, LedgerFixture) {
  // Two Ledger objects on one file (as two processes), appending odd runs in turn: each one's
  // tile of 16 leaf hashes continues what the other wrote.
  auto a = Open();
  auto b = Open();
  int next = 0;
  for (int round = 0; round < 12; ++round) {
    AppendSome(round % 2 ? *b : *a, 3 + round * 2, next);
    next += 3 + round * 2;
  }
  auto checkpoint = a->Checkpoint();
  BOOST_REQUIRE(checkpoint.ok());
  BOOST_REQUIRE(checkpoint->size == static_cast<uint64_t>(next));
  for (uint64_t i = 0; i < checkpoint->size; ++i) {
    auto proof = (i % 2 ? a : b)->ProveInclusion(i);
    BOOST_REQUIRE(proof.ok());
    CheckProof(*proof, checkpoint->root);
  }
  BOOST_TEST(MustVerify(*b).ok);
}

BOOST_FIXTURE_TEST_CASE(one_call_is_contiguous, LedgerFixture) {
  auto ledger = Open(Options(Durability::kGroup));
  std::vector<std::thread> threads;
  // Each thread's first problem (Boost.Test's macros are not thread-safe: checked after join).
  std::vector<std::string> problems(3);
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50 && problems[t].empty(); ++round) {
        std::vector<std::string> payloads;
        for (int i = 0; i < 10; ++i) payloads.push_back(absl::StrCat(t, ":", round, ":", i));
        std::vector<NewLedgerEntry> entries(10);
        for (int i = 0; i < 10; ++i) entries[i].payload = payloads[i];
        auto ticket = ledger->Append(entries);
        auto first = ticket.ok() ? ledger->WaitDurable(*ticket) : ticket.status();
        auto read = first.ok() ? ledger->ReadEntries(*first, 10) : first.status();
        if (!read.ok() || read->size() != 10) {
          problems[t] = absl::StrCat("round ", round, ": ", read.status().ToString());
          break;
        }
        for (int i = 0; i < 10; ++i) {
          v1::LedgerEntry e;
          if (!e.ParseFromString((*read)[i].bytes) || e.payload() != payloads[i]) {
            problems[t] = absl::StrCat("round ", round, ": entry ", i, " is not ", payloads[i]);
            break;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& problem : problems) BOOST_TEST(problem.empty(), problem);
}

BOOST_FIXTURE_TEST_CASE(checkpoints_by_count, LedgerFixture) {
  LedgerOptions options = Options();
  options.checkpoint_every = 100;
  auto ledger = Open(options);
  AppendSome(*ledger, 250);
  auto latest = ledger->LatestCheckpoint();
  BOOST_REQUIRE(latest.ok() && latest->has_value());
  BOOST_TEST((*latest)->size == 200u);
}

BOOST_FIXTURE_TEST_CASE(checkpoints_by_time, LedgerFixture) {
  LedgerOptions options = Options(Durability::kGroup);
  options.checkpoint_interval = absl::Milliseconds(20);
  auto ledger = Open(options);
  AppendSome(*ledger, 5);
  std::optional<LedgerCheckpoint> latest;
  for (int i = 0; i < 200 && !latest.has_value(); ++i) {
    absl::SleepFor(absl::Milliseconds(10));
    auto read = ledger->LatestCheckpoint();
    BOOST_REQUIRE(read.ok());
    latest = *read;
  }
  BOOST_REQUIRE(latest.has_value());
  BOOST_TEST(latest->size == 5u);
}

BOOST_FIXTURE_TEST_CASE(signed_checkpoints_are_stored_and_witnessed, LedgerFixture) {
  auto ledger = Open();
  AppendSome(*ledger, 40);
  auto first = ledger->Checkpoint();
  BOOST_REQUIRE(first.ok());
  AppendSome(*ledger, 10, 40);
  auto second = ledger->Checkpoint();
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(absl::StartsWith(second->note, ledger->origin() + "\n50\n"));
  auto latest = ledger->LatestCheckpoint();
  BOOST_REQUIRE_MESSAGE(latest.ok(), latest.status().ToString());
  BOOST_REQUIRE(latest->has_value());
  BOOST_TEST((*latest)->size == 50u);
  BOOST_TEST((*latest)->note == second->note);
  // The witness file outside the database holds the same signed note.
  BOOST_TEST(ReadText(backend.Witness("access_trail")) == second->note);
  Attacker attacker(backend);
  BOOST_TEST(attacker.Query("SELECT count(*) FROM checkpoints") == "2");
}

// The store's calls the Ledger tests above reach only partly: snapshots (the state ledger's),
// checkpoints added twice, identity written once, an empty ledger's last index.
BOOST_FIXTURE_TEST_CASE(the_store_keeps_snapshots_checkpoints_and_identity, LedgerFixture) {
  const std::string name = backend.Name("access_trail");
  auto store = backend.OpenStore("access_trail", Durability::kSync);
  BOOST_REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  ledger::Store& s = **store;
  BOOST_TEST(s.SchemaIntegrity().ok());
  BOOST_TEST(!s.LastIndex()->has_value());
  BOOST_TEST(!s.LatestSnapshot()->has_value());
  BOOST_TEST(!s.Identity()->has_value());
  BOOST_REQUIRE(s.SetIdentity(name, "ccas-lyon").ok());
  BOOST_REQUIRE(s.SetIdentity("other", "other-tenant").ok());  // written once: ignored
  auto identity = s.Identity();
  BOOST_REQUIRE(identity.ok() && identity->has_value());
  BOOST_TEST((*identity)->first == name);
  BOOST_TEST((*identity)->second == "ccas-lyon");
  const std::string bytes("\0\1\2 snapshot \xff", 14);
  BOOST_REQUIRE(s.SaveSnapshot({7, "old", "note 7"}).ok());
  BOOST_REQUIRE(s.SaveSnapshot({7, bytes, "note 7 again"}).ok());  // replaced by revision
  BOOST_REQUIRE(s.SaveSnapshot({3, "older", "note 3"}).ok());
  auto latest = s.LatestSnapshot();
  BOOST_REQUIRE(latest.ok() && latest->has_value());
  BOOST_TEST((*latest)->revision == 7u);
  BOOST_TEST((*latest)->bytes == bytes);  // binary bytes round-trip, NULs included
  BOOST_TEST((*latest)->note == "note 7 again");
  BOOST_REQUIRE(s.AddCheckpoint({4, 100, "first"}).ok());
  BOOST_REQUIRE(s.AddCheckpoint({4, 200, "second"}).ok());  // another process signed it too
  BOOST_REQUIRE(s.AddCheckpoint({2, 50, "earlier"}).ok());
  auto checkpoints = s.Checkpoints();
  BOOST_REQUIRE(checkpoints.ok());
  BOOST_REQUIRE(checkpoints->size() == 2u);
  BOOST_TEST((*checkpoints)[0].size == 2u);
  BOOST_TEST((*checkpoints)[1].note == "first");
  BOOST_TEST((*s.LatestCheckpoint())->time_micros == 100);
  // A plan that fails writes nothing, and the tree head stays as it was.
  const absl::Status failed = s.Append([](const ledger::TreeState& tree)
                                           -> absl::StatusOr<ledger::AppendPlan> {
    BOOST_TEST(tree.size == 0u);
    return MakeError(ErrorCode::kInternal, "plan refused");
  });
  BOOST_TEST(CodeName(failed) == "INTERNAL");
  BOOST_TEST(s.Tree()->size == 0u);
}

// --- Tampering, each named at its index -------------------------------------------------------

struct TamperFixture : LedgerFixture {
  std::unique_ptr<Ledger> ledger = Open();
  TamperFixture() {
    AppendSome(*ledger, 100);
    BOOST_REQUIRE(ledger->Checkpoint().ok());
    AppendSome(*ledger, 50, 100);  // 150 entries, the last 50 not yet checkpointed
    BOOST_REQUIRE(MustVerify(*ledger).ok);
  }
};

BOOST_FIXTURE_TEST_CASE(the_triggers_refuse_casual_edits, TamperFixture) {
  Attacker attacker(backend);
  BOOST_TEST(!attacker.Try("UPDATE entries SET time_us = 0 WHERE idx = 3"));
  BOOST_TEST(!attacker.Try("UPDATE entries SET body = NULL, type = 9 WHERE idx = 3"));
  BOOST_TEST(!attacker.Try("DELETE FROM entries WHERE idx = 3"));
  BOOST_TEST(!attacker.TryEmpty("entries"));
  BOOST_TEST(!attacker.Try("DELETE FROM checkpoints"));
  BOOST_TEST(!attacker.Try("UPDATE subtrees SET hash = hash"));
  BOOST_TEST(!attacker.Try("DELETE FROM leaf_tiles"));
  // The retention prune (the body alone set to NULL) is the one update allowed.
  BOOST_TEST(attacker.Try("UPDATE entries SET body = NULL WHERE idx = 3"));
  BOOST_TEST(attacker.Query("SELECT count(*) FROM entries WHERE body IS NULL") == "1");
  BOOST_TEST(attacker.Query("SELECT count(*) FROM entries") == "150");
  BOOST_TEST(MustVerify(*ledger).ok);
}

BOOST_FIXTURE_TEST_CASE(a_changed_byte, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  // One byte of the payload: the bytes no longer match the leaf hash.
  attacker.ReplaceInBody(42, "entry 42", "entry 43");
  ExpectBadAt(*ledger, 42, "changed");
}

BOOST_FIXTURE_TEST_CASE(a_changed_entry_with_its_leaf_hash, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  // Body and leaf hash both replaced by entry 7's: the row MAC binds index and hash.
  attacker.Exec("UPDATE entries SET body = (SELECT body FROM entries WHERE idx = 7), "
                "time_us = (SELECT time_us FROM entries WHERE idx = 7), "
                "person = (SELECT person FROM entries WHERE idx = 7), "
                "leaf_hash = (SELECT leaf_hash FROM entries WHERE idx = 7) WHERE idx = 61");
  ExpectBadAt(*ledger, 61, "MAC");
}

BOOST_FIXTURE_TEST_CASE(a_deleted_row, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  attacker.Exec("DELETE FROM entries WHERE idx = 17");
  ExpectBadAt(*ledger, 17, "missing");
}

BOOST_FIXTURE_TEST_CASE(an_inserted_row, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  // Rows 30.. shifted up by one and a copy of row 5 put at 30, the tree's size raised.
  attacker.Exec("UPDATE entries SET idx = -idx - 1 WHERE idx >= 30");
  attacker.Exec("UPDATE entries SET idx = -idx WHERE idx < 0");
  attacker.Exec("INSERT INTO entries SELECT 30, time_us, type, person, body, leaf_hash, mac "
                "FROM entries WHERE idx = 5");
  attacker.Exec("UPDATE tree SET size = size + 1");
  ExpectBadAt(*ledger, 30, "MAC");
}

BOOST_FIXTURE_TEST_CASE(a_row_appended_behind_the_tree, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  attacker.Exec("INSERT INTO entries SELECT 1000, time_us, type, person, body, leaf_hash, mac "
                "FROM entries WHERE idx = 5");
  ExpectBadAt(*ledger, 1000, "inserted");
}

BOOST_FIXTURE_TEST_CASE(two_rows_swapped, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  attacker.Exec("UPDATE entries SET idx = -1 WHERE idx = 20");
  attacker.Exec("UPDATE entries SET idx = 20 WHERE idx = 21");
  attacker.Exec("UPDATE entries SET idx = 21 WHERE idx = -1");
  ExpectBadAt(*ledger, 20, "MAC");
}

BOOST_FIXTURE_TEST_CASE(a_truncated_tail, TamperFixture) {
  ledger->Checkpoint().IgnoreError();  // the witness covers all 150
  Attacker attacker(backend);
  attacker.DropTriggers();
  attacker.Exec("DELETE FROM entries WHERE idx >= 140");
  attacker.Exec("DELETE FROM checkpoints WHERE size > 140");
  // The tree row rewritten as it was at 140 entries is still caught by the witness.
  attacker.Exec("UPDATE tree SET size = 140");
  ExpectBadAt(*ledger, 140, "rolled back or truncated");
}

BOOST_FIXTURE_TEST_CASE(the_tail_cut_without_the_tree, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  attacker.Exec("DELETE FROM entries WHERE idx >= 145");
  ExpectBadAt(*ledger, 145, "missing");
}

// What an append stores besides the rows (proofs are read from it) is checked too: the leaf
// tiles (16 leaf hashes, then the nodes of 2, 4 and 8 leaves) and the subtree roots.
BOOST_FIXTURE_TEST_CASE(a_changed_leaf_hash_in_a_tile, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  // Tile 3 holds entries 48 to 63: its 6th leaf hash (entry 53) zeroed.
  attacker.Exec("UPDATE leaf_tiles SET hashes = " + Attacker::Zeroed("hashes", 160, 32) +
                " WHERE tile = 3");
  ExpectBadAt(*ledger, 53, "leaf tile of entries 48 to 63 is wrong");
}

BOOST_FIXTURE_TEST_CASE(a_changed_node_in_a_tile, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  // Tile 2's node of 4 leaves #1 (hash 25 of 30: entries 36 to 39).
  attacker.Exec("UPDATE leaf_tiles SET hashes = " + Attacker::Zeroed("hashes", 800, 32) +
                " WHERE tile = 2");
  ExpectBadAt(*ledger, 36, "leaf tile of entries 32 to 47 is wrong");
}

BOOST_FIXTURE_TEST_CASE(a_deleted_tile, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  attacker.Exec("DELETE FROM leaf_tiles WHERE tile = 5");
  ExpectBadAt(*ledger, 80, "leaf tile of entries 80 to 95 is missing");
}

BOOST_FIXTURE_TEST_CASE(a_changed_subtree_root, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  attacker.Exec("UPDATE subtrees SET hash = " + Attacker::ZeroBlob(32) +
                " WHERE level = 5 AND idx = 1");
  ExpectBadAt(*ledger, 32, "root of entries 32 to 63 is wrong");
}

BOOST_FIXTURE_TEST_CASE(a_deleted_subtree_root, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  attacker.Exec("DELETE FROM subtrees WHERE level = 7 AND idx = 0");
  ExpectBadAt(*ledger, 0, "root of entries 0 to 127 is missing");
}

BOOST_FIXTURE_TEST_CASE(a_forged_checkpoint, TamperFixture) {
  Attacker attacker(backend);
  attacker.DropTriggers();
  // The checkpoint's root replaced: its signature no longer holds. (Its first 8 characters
  // after the size line, and wherever else they occur, as SQL's replace() does.)
  const std::string note = attacker.Query("SELECT note FROM checkpoints WHERE size = 100");
  const size_t size_line = note.find("\n100\n");
  BOOST_REQUIRE(size_line != std::string::npos);
  const std::string forged =
      absl::StrReplaceAll(note, {{note.substr(size_line + 5, 8), "AAAAAAAA"}});
  BOOST_REQUIRE(forged != note);
  attacker.Exec("UPDATE checkpoints SET note = " + SqlQuote(forged) + " WHERE size = 100");
  ExpectBadAt(*ledger, 100, "forged or foreign");
}

BOOST_FIXTURE_TEST_CASE(a_foreign_checkpoint, TamperFixture) {
  // A checkpoint of another ledger (same tenant, another name) planted in this one.
  auto other = TryOpen(Options(), "state");
  BOOST_REQUIRE_MESSAGE(other.ok(), other.status().ToString());
  AppendSome(**other, 120);
  auto foreign = (*other)->Checkpoint();
  BOOST_REQUIRE(foreign.ok());
  Attacker attacker(backend);
  attacker.Exec(absl::StrCat("INSERT INTO checkpoints (size, time_us, note) VALUES (120, 0, ",
                             SqlQuote(foreign->note), ")"));
  ExpectBadAt(*ledger, 120, "forged or foreign");
}

BOOST_FIXTURE_TEST_CASE(a_rolled_back_database, LedgerFixture) {
  {
    auto ledger = Open();
    AppendSome(*ledger, 60);
    BOOST_REQUIRE(ledger->Checkpoint().ok());
  }
  // An older copy, kept aside…
  backend.SaveCopy("access_trail");
  {
    auto ledger = Open();
    AppendSome(*ledger, 40, 60);
    BOOST_REQUIRE(ledger->Checkpoint().ok());
  }
  // …put back: the witness (outside the database) still says 100.
  backend.RestoreCopy("access_trail");
  auto ledger = Open();
  ExpectBadAt(*ledger, 60, "rolled back");
  NewLedgerEntry entry;
  entry.payload = "x";
  BOOST_TEST(CodeName(ledger->Append(absl::MakeConstSpan(&entry, 1)).status()) == "DATA_LOSS");
}

BOOST_FIXTURE_TEST_CASE(reopened_after_tampering_still_verifies_and_names, TamperFixture) {
  ledger.reset();
  {
    Attacker attacker(backend);
    attacker.DropTriggers();
    attacker.ReplaceInBody(9, "entry 9", "entry 8");
  }
  auto reopened = Open();
  ExpectBadAt(*reopened, 9, "changed");
  // Appends are refused while the append-only triggers are gone.
  NewLedgerEntry entry;
  entry.payload = "x";
  BOOST_TEST(CodeName(reopened->Append(absl::MakeConstSpan(&entry, 1)).status()) ==
             "FAILED_PRECONDITION");
}

BOOST_FIXTURE_TEST_CASE(a_dropped_trigger_is_reported, TamperFixture) {
  Attacker(backend).DropTrigger("entries_no_delete");
  const LedgerVerification report = MustVerify(*ledger);
  BOOST_TEST(!report.ok);
  BOOST_TEST(absl::StrContains(report.problem, "entries_no_delete"), report.problem);
  BOOST_TEST(absl::StrContains(report.problem, "removed"), report.problem);
  // Reopened, the ledger refuses appends while the trigger is gone.
  ledger.reset();
  ledger = Open();
  NewLedgerEntry entry;
  entry.payload = "x";
  BOOST_TEST(CodeName(ledger->Append(absl::MakeConstSpan(&entry, 1)).status()) ==
             "FAILED_PRECONDITION");
}

BOOST_FIXTURE_TEST_CASE(updates_and_deletes_are_refused_and_recorded, TamperFixture) {
  const uint64_t before = *ledger->Size();
  const absl::Status update = ledger->UpdateEntry(12, "admin-3");
  BOOST_TEST(CodeName(update) == "LOG_TAMPER_ATTEMPT");
  const absl::Status del = ledger->DeleteEntry(13, "admin-3");
  BOOST_TEST(CodeName(del) == "LOG_TAMPER_ATTEMPT");
  BOOST_TEST(*ledger->Size() == before + 2);
  auto alerts = ledger->ReadEntries(before, 2);
  BOOST_REQUIRE(alerts.ok() && alerts->size() == 2u);
  for (int i = 0; i < 2; ++i) {
    BOOST_TEST(((*alerts)[i].type == LedgerEntryType::kTamperAlert));
    v1::LedgerEntry e;
    BOOST_REQUIRE(e.ParseFromString((*alerts)[i].bytes));
    v1::OperationRecord op;
    BOOST_REQUIRE(op.ParseFromString(e.payload()));
    BOOST_TEST(op.actor() == "admin-3");
    BOOST_TEST(op.target_index() == 12u + i);
  }
  BOOST_TEST(MustVerify(*ledger).ok);
}

// --- Persons: pseudonyms, sealing, shredding, retention ---------------------------------------

BOOST_FIXTURE_TEST_CASE(persons_appear_only_as_pseudonyms, LedgerFixture) {
  auto ledger = Open();
  NewLedgerEntry entry;
  entry.type = LedgerEntryType::kAccessDecision;
  entry.person = "NIR-1850775123456";
  entry.payload = "read by NIR-1850775123456";
  BOOST_REQUIRE(ledger->Append(absl::MakeConstSpan(&entry, 1)).ok());
  BOOST_REQUIRE(ledger->Flush().ok());
  ledger.reset();
  BOOST_TEST(!backend.StoredBytesContain("access_trail", "1850775123456"));
}

BOOST_FIXTURE_TEST_CASE(history_pages_and_decrypts, LedgerFixture) {
  auto ledger = Open();
  AppendSome(*ledger, 70);  // person-1 has the entries i % 7 == 1 and i % 3 != 0
  std::vector<uint64_t> seen;
  int64_t after = -1;
  for (;;) {
    auto page = ledger->EntriesAbout("person-1", absl::InfinitePast(), absl::InfiniteFuture(),
                                     after, 3);
    BOOST_REQUIRE(page.ok());
    for (const auto& e : *page) {
      seen.push_back(e.index);
      auto payload = ledger->OpenPayload(e, "person-1");
      BOOST_REQUIRE_MESSAGE(payload.ok(), payload.status().ToString());
      BOOST_TEST(std::string(payload->view()) == absl::StrCat("payload of entry ", e.index));
      // Nobody else can open it.
      BOOST_TEST(CodeName(ledger->OpenPayload(e, "person-2").status()) == "VERIFICATION_FAILED");
    }
    if (page->size() < 3) break;
    after = static_cast<int64_t>(page->back().index);
  }
  std::vector<uint64_t> expected;
  for (uint64_t i = 0; i < 70; ++i) {
    if (i % 3 != 0 && i % 7 == 1) expected.push_back(i);
  }
  BOOST_TEST(seen == expected, boost::test_tools::per_element());
  // No person's name reaches the database: only pseudonyms and sealed payloads (an entry about
  // no person is stored as it is: the search finds it).
  BOOST_REQUIRE(ledger->Flush().ok());
  BOOST_TEST(!backend.StoredBytesContain("access_trail", "person-1"));
  BOOST_TEST(backend.StoredBytesContain("access_trail", "payload of entry 3"));
}

BOOST_FIXTURE_TEST_CASE(shredding_keeps_every_proof, LedgerFixture) {
  auto ledger = Open();
  AppendSome(*ledger, 50);
  auto before = ledger->Checkpoint();
  BOOST_REQUIRE(before.ok());
  BOOST_REQUIRE(vault->ShredPerson("person-2").ok());
  auto entries = ledger->EntriesAbout("person-2", absl::InfinitePast(), absl::InfiniteFuture(),
                                      -1, 100);
  BOOST_REQUIRE(entries.ok() && !entries->empty());
  for (const auto& e : *entries) {
    BOOST_TEST(CodeName(ledger->OpenPayload(e, "person-2").status()) == "NOT_FOUND");
    auto proof = ledger->ProveInclusion(e.index);
    BOOST_REQUIRE(proof.ok());
    CheckProof(*proof, before->root);
  }
  BOOST_TEST(MustVerify(*ledger).ok);
  // No key is minted again for the shredded person: the append fails and appends nothing.
  NewLedgerEntry entry;
  entry.person = "person-2";
  entry.payload = "after the shred";
  const uint64_t size = *ledger->Size();
  BOOST_TEST(CodeName(ledger->Append(absl::MakeConstSpan(&entry, 1)).status()) ==
             "FAILED_PRECONDITION");
  BOOST_TEST(*ledger->Size() == size);
}

BOOST_FIXTURE_TEST_CASE(retention_prunes_bytes_and_keeps_proofs, LedgerFixture) {
  auto ledger = Open();
  const absl::Time old = absl::FromUnixSeconds(1700000000);
  for (int i = 0; i < 40; ++i) {
    const std::string payload = absl::StrCat("old ", i);
    NewLedgerEntry entry;
    entry.person = i % 2 ? "person-1" : "";
    entry.payload = payload;
    entry.time = i < 30 ? old : absl::Now();
    BOOST_REQUIRE(ledger->Append(absl::MakeConstSpan(&entry, 1)).ok());
  }
  auto checkpoint = ledger->Checkpoint();
  BOOST_REQUIRE(checkpoint.ok());
  auto pruned = ledger->PruneBefore(old + absl::Hours(1));
  BOOST_REQUIRE(pruned.ok());
  BOOST_TEST(*pruned == 30u);
  auto entries = ledger->ReadEntries(0, 40);
  BOOST_REQUIRE(entries.ok());
  for (const auto& e : *entries) {
    BOOST_TEST(e.pruned == (e.index < 30));
    if (e.pruned) {
      BOOST_TEST(CodeName(ledger->OpenPayload(e, "person-1").status()) == "FAILED_PRECONDITION");
    }
    auto proof = ledger->ProveInclusion(e.index);
    BOOST_REQUIRE(proof.ok());
    CheckProof(*proof, checkpoint->root);
  }
  BOOST_TEST(MustVerify(*ledger).ok);
  Attacker attacker(backend);
  BOOST_TEST(attacker.Query("SELECT count(*) FROM entries WHERE body IS NULL") == "30");
}

// --- Bad input --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(bad_input_gives_clear_errors, LedgerFixture) {
  const std::string name = backend.Name("access_trail");
  LedgerOptions options = Options();
  backend.Complete(options, "access_trail");
  BOOST_TEST(CodeName(Ledger::Open(location, vault, "Access Trail", options).status()) ==
             "INVALID_ARGUMENT");
  BOOST_TEST(CodeName(Ledger::Open(location, nullptr, name, options).status()) ==
             "INVALID_ARGUMENT");
  {
    auto ledger = Open();
    AppendSome(*ledger, 3);
    NewLedgerEntry bad;
    bad.type = static_cast<LedgerEntryType>(9);
    BOOST_TEST(CodeName(ledger->Append(absl::MakeConstSpan(&bad, 1)).status()) ==
               "INVALID_ARGUMENT");
    BOOST_TEST(CodeName(ledger->ProveInclusion(3, 3).status()) == "OUT_OF_RANGE");
    BOOST_TEST(CodeName(ledger->ProveInclusion(0).status()) == "FAILED_PRECONDITION");
  }
  // Another tenant's vault.
  auto vault2 = std::shared_ptr<Vault>(
      vault_testing::LoadVault(provider, dir.File("vault.db"), "ccas-paris"));
  BOOST_TEST(CodeName(TryOpen(Options(), "access_trail", vault2).status()) ==
             "FAILED_PRECONDITION");
  // The same tenant's other vault holds no key for this ledger: refused, and nothing created in
  // it.
  auto other_vault = std::shared_ptr<Vault>(
      vault_testing::LoadVault(provider, dir.File("other-vault.db")));
  BOOST_TEST(CodeName(TryOpen(Options(), "access_trail", other_vault).status()) ==
             "FAILED_PRECONDITION");
  BOOST_TEST(CodeName(other_vault->LedgerSecret(name, false).status()) == "NOT_FOUND");
  if constexpr (!kPostgres) {
    // A file of its own per ledger (on PostgreSQL, another name is another schema): the file
    // belongs to the access trail, the state ledger may not open it.
    const auto other = Ledger::Open(location, vault, "state", Options());
    BOOST_TEST(CodeName(other.status()) == "FAILED_PRECONDITION");
    // Not a database; a truncated one.
    vault_testing::WriteFileBytes(dir.File("junk.db"),
                                  vault_testing::Bytes(std::string(5000, 'x')));
    const auto junk = Ledger::Open(dir.File("junk.db"), vault, "access_trail", Options());
    BOOST_TEST(CodeName(junk.status()) == "DATA_LOSS", junk.status().ToString());
    auto bytes = vault_testing::ReadFileBytes(location);
    bytes.resize(bytes.size() / 3);
    vault_testing::WriteFileBytes(dir.File("cut.db"), bytes);
    const auto cut = Ledger::Open(dir.File("cut.db"), vault, "access_trail", Options());
    if (cut.ok()) {
      auto report = (*cut)->Verify();
      BOOST_TEST((!report.ok() || !report->ok));
    } else {
      BOOST_TEST(!cut.status().message().empty());
    }
    // A vault database that is not a ledger.
    BOOST_TEST(CodeName(Ledger::Open(dir.File("vault.db"), vault, "access_trail", Options())
                            .status()) == "FAILED_PRECONDITION");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::ledger_testing
