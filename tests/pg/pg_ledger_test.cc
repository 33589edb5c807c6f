// The Ledger (socle/ledger.hpp) on PostgreSQL: appends in kSync and kGroup, Verify, inclusion and
// consistency proofs checked by the Merkle verifiers, a person's history, signed checkpoints,
// retention and crypto-shredding keeping proofs, the append-only triggers, tampering through a
// raw connection named by Verify, and clear errors that never repeat a password.
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ledger/merkle.h"
#include "ledger/store.h"
#include "pg_test_util.h"
#include "socle/error.hpp"
#include "socle/ledger.hpp"

namespace socle::pg_testing {
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

BOOST_AUTO_TEST_SUITE(pg_ledger)

BOOST_FIXTURE_TEST_CASE(appends_verify_and_prove, PgFixture) {
  auto ledger = Open(Durability::kSync);
  AppendSome(*ledger, 300);
  BOOST_TEST(*ledger->Size() == 300u);
  auto checkpoint = ledger->Checkpoint();
  BOOST_REQUIRE_MESSAGE(checkpoint.ok(), checkpoint.status().ToString());
  BOOST_TEST(checkpoint->size == 300u);
  // The root from the entries' own bytes, as a third party computes it.
  ledger::MemoryLeafHashes leaves;
  auto entries = ledger->ReadEntries(0, 1000);
  BOOST_REQUIRE(entries.ok());
  BOOST_REQUIRE(entries->size() == 300u);
  for (const auto& e : *entries) {
    BOOST_REQUIRE(leaves.Append(ledger::HashLeaf(absl::MakeConstSpan(
                                    reinterpret_cast<const uint8_t*>(e.bytes.data()),
                                    e.bytes.size())))
                      .ok());
  }
  BOOST_TEST(leaves.Root() == ToMerkle(checkpoint->root));
  for (uint64_t i : {0u, 1u, 15u, 16u, 255u, 298u, 299u}) {
    auto proof = ledger->ProveInclusion(i);
    BOOST_REQUIRE_MESSAGE(proof.ok(), proof.status().ToString());
    CheckProof(*proof, checkpoint->root);
  }
  ledger.reset();

  // Reopened with group durability: four threads append to the same tree.
  ledger = Open(Durability::kGroup);
  BOOST_TEST(*ledger->Size() == 300u);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] { AppendSome(*ledger, 250, 1000 * (t + 1)); });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(*ledger->Size() == 1300u);
  auto later = ledger->Checkpoint();
  BOOST_REQUIRE(later.ok());
  auto consistency = ledger->ProveConsistency(300, 1300);
  BOOST_REQUIRE_MESSAGE(consistency.ok(), consistency.status().ToString());
  std::vector<ledger::MerkleHash> path;
  for (const auto& h : *consistency) path.push_back(ToMerkle(h));
  BOOST_TEST(ledger::VerifyConsistency(300, 1300, path, ToMerkle(checkpoint->root),
                                       ToMerkle(later->root))
                 .ok());
  // A wrong old root fails the same check (the verifier is not vacuous).
  BOOST_TEST(!ledger::VerifyConsistency(300, 1300, path, ToMerkle(later->root),
                                        ToMerkle(later->root))
                  .ok());
  for (uint64_t i : {0u, 299u, 300u, 777u, 1299u}) {
    auto proof = ledger->ProveInclusion(i);
    BOOST_REQUIRE(proof.ok());
    CheckProof(*proof, later->root);
  }
  const LedgerVerification report = MustVerify(*ledger);
  BOOST_TEST(report.ok, report.problem);
  BOOST_TEST(report.entries == 1300u);
  BOOST_TEST(report.checkpoints >= 3u);  // two in the database, the witness
}

BOOST_FIXTURE_TEST_CASE(signed_checkpoints_are_stored_and_witnessed, PgFixture) {
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
  BOOST_TEST(ReadText(witness) == second->note);
  RawConnection raw;
  BOOST_TEST(raw.Query("SELECT count(*) FROM " + Table("checkpoints")) == "2");
}

BOOST_FIXTURE_TEST_CASE(history_pages_and_decrypts, PgFixture) {
  auto ledger = Open(Durability::kGroup);
  AppendSome(*ledger, 70);  // person-1 has the entries i % 7 == 1 and i % 3 != 0
  std::vector<uint64_t> seen;
  int64_t after = -1;
  for (;;) {
    auto page = ledger->EntriesAbout("person-1", absl::InfinitePast(), absl::InfiniteFuture(),
                                     after, 3);
    BOOST_REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    for (const auto& e : *page) {
      seen.push_back(e.index);
      auto payload = ledger->OpenPayload(e, "person-1");
      BOOST_REQUIRE_MESSAGE(payload.ok(), payload.status().ToString());
      BOOST_TEST(std::string(payload->view()) == absl::StrCat("payload of entry ", e.index));
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
  // No person's name reaches the database: only pseudonyms and sealed payloads.
  RawConnection raw;
  BOOST_TEST(raw.Query("SELECT count(*) FROM " + Table("entries") +
                       " WHERE position('person-1'::bytea in coalesce(person, '') || body) > 0") ==
             "0");
}

BOOST_FIXTURE_TEST_CASE(retention_prunes_bytes_and_keeps_proofs, PgFixture) {
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
  BOOST_REQUIRE_MESSAGE(pruned.ok(), pruned.status().ToString());
  BOOST_TEST(*pruned == 30u);
  auto entries = ledger->ReadEntries(0, 40);
  BOOST_REQUIRE(entries.ok());
  BOOST_REQUIRE(entries->size() == 40u);
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
  RawConnection raw;
  BOOST_TEST(raw.Query("SELECT count(*) FROM " + Table("entries") + " WHERE body IS NULL") ==
             "30");
}

BOOST_FIXTURE_TEST_CASE(shredding_keeps_every_proof, PgFixture) {
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

BOOST_FIXTURE_TEST_CASE(a_reopened_ledger_keeps_its_identity, PgFixture) {
  {
    auto ledger = Open();
    AppendSome(*ledger, 5);
  }
  auto again = Open();
  BOOST_TEST(*again->Size() == 5u);
  // A vault of another tenant is refused, and so is a second ledger name on the same schema
  // (the schema is named after the ledger: another name is another schema).
  auto other_vault =
      vault_testing::LoadVault(vault_testing::NewKeyFile(dir.File("other.key")),
                               dir.File("other.db"), "another-tenant");
  // The URI is given with a password (the throwaway cluster's trust authentication ignores
  // it): the message names the database without it.
  constexpr absl::string_view kPassword = "pw-N0t-In-Messages";
  std::string with_password = uri;
  if (absl::StartsWith(uri, "postgresql:///")) {
    with_password = absl::StrCat("postgresql://:", kPassword, "@", uri.substr(13));
  }
  auto foreign = Ledger::Open(with_password, std::shared_ptr<Vault>(std::move(other_vault)),
                              name, Options());
  BOOST_TEST(CodeName(foreign.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(foreign.status().message(), "belongs to another ledger"),
             foreign.status().message());
  BOOST_TEST(!absl::StrContains(foreign.status().message(), kPassword),
             foreign.status().message());
}

// The store's calls the Ledger tests above reach only partly: snapshots (the state ledger's),
// checkpoints added twice, identity written once, an empty ledger's last index.
BOOST_FIXTURE_TEST_CASE(the_store_keeps_snapshots_checkpoints_and_identity, PgFixture) {
  auto store = ledger::OpenPostgresStore(uri, name, Durability::kSync);
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

// --- Tampering through a raw connection -----------------------------------------------------

struct TamperFixture : PgFixture {
  std::unique_ptr<Ledger> ledger = Open();
  RawConnection raw;
  TamperFixture() {
    AppendSome(*ledger, 100);
    BOOST_REQUIRE(ledger->Checkpoint().ok());
    AppendSome(*ledger, 50, 100);  // 150 entries, the last 50 not yet checkpointed
    BOOST_REQUIRE(MustVerify(*ledger).ok);
  }
  void DropTriggers() {
    for (const auto& [table, trigger] :
         {std::pair<const char*, const char*>{"entries", "entries_no_update"},
          {"entries", "entries_no_delete"},
          {"checkpoints", "checkpoints_no_change"}}) {
      raw.Exec(absl::StrCat("DROP TRIGGER ", trigger, " ON ", Table(table)));
    }
  }
};

BOOST_FIXTURE_TEST_CASE(the_triggers_refuse_casual_edits, TamperFixture) {
  BOOST_TEST(!raw.Try("UPDATE " + Table("entries") + " SET time_us = 0 WHERE idx = 3"));
  BOOST_TEST(!raw.Try("UPDATE " + Table("entries") + " SET body = NULL, type = 9 WHERE idx = 3"));
  BOOST_TEST(!raw.Try("DELETE FROM " + Table("entries") + " WHERE idx = 3"));
  BOOST_TEST(!raw.Try("TRUNCATE " + Table("entries") + " CASCADE"));
  BOOST_TEST(!raw.Try("DELETE FROM " + Table("checkpoints")));
  BOOST_TEST(!raw.Try("UPDATE " + Table("subtrees") + " SET hash = hash"));
  BOOST_TEST(!raw.Try("DELETE FROM " + Table("leaf_tiles")));
  // The retention prune (the body alone set to NULL) is the one update allowed.
  BOOST_TEST(raw.Try("UPDATE " + Table("entries") + " SET body = NULL WHERE idx = 3"));
  BOOST_TEST(raw.Query("SELECT count(*) FROM " + Table("entries") + " WHERE body IS NULL") == "1");
  BOOST_TEST(raw.Query("SELECT count(*) FROM " + Table("entries")) == "150");
  BOOST_TEST(MustVerify(*ledger).ok);
}

BOOST_FIXTURE_TEST_CASE(a_changed_body_is_named, TamperFixture) {
  DropTriggers();
  // One byte of entry 42's plain payload ("payload of entry 42" becomes "… entry 43").
  raw.Exec("UPDATE " + Table("entries") +
           " SET body = overlay(body placing '3'::bytea from "
           "position('entry 42'::bytea in body) + 7 for 1) WHERE idx = 42");
  ExpectBadAt(*ledger, 42, "changed");
}

BOOST_FIXTURE_TEST_CASE(a_deleted_row_is_named, TamperFixture) {
  DropTriggers();
  raw.Exec("DELETE FROM " + Table("entries") + " WHERE idx = 17");
  ExpectBadAt(*ledger, 17, "missing");
}

BOOST_FIXTURE_TEST_CASE(a_dropped_trigger_is_reported, TamperFixture) {
  raw.Exec("DROP TRIGGER entries_no_delete ON " + Table("entries"));
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

BOOST_FIXTURE_TEST_CASE(a_disabled_trigger_is_reported, TamperFixture) {
  raw.Exec("ALTER TABLE " + Table("checkpoints") + " DISABLE TRIGGER checkpoints_no_change");
  const LedgerVerification report = MustVerify(*ledger);
  BOOST_TEST(!report.ok);
  BOOST_TEST(absl::StrContains(report.problem, "checkpoints_no_change"), report.problem);
  BOOST_TEST(absl::StrContains(report.problem, "disabled"), report.problem);
}

// --- Bad input --------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(bad_conninfo_gives_clear_errors_without_the_password, PgFixture) {
  constexpr absl::string_view kPassword = "s3cr3t-Pa55";
  const std::string unreachable = absl::StrCat("postgresql://socle:", kPassword,
                                               "@/nodb?host=/nonexistent-socle-dir&port=1");
  auto refused = Ledger::Open(unreachable, vault, name, Options());
  BOOST_TEST(CodeName(refused.status()) == "IO");
  BOOST_TEST(absl::StrContains(refused.status().message(), "ledger database"),
             refused.status().message());
  BOOST_TEST(absl::StrContains(refused.status().message(), "cannot connect"),
             refused.status().message());
  BOOST_TEST(!absl::StrContains(refused.status().message(), kPassword));
  // A malformed URI (a bad percent-escape right after the password) is refused unquoted.
  const std::string malformed = absl::StrCat("postgresql://socle:", kPassword, "%zz@host/db");
  auto bad = Ledger::Open(malformed, vault, name, Options());
  BOOST_TEST(CodeName(bad.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(bad.status().message(), "connection string is malformed"),
             bad.status().message());
  BOOST_TEST(!absl::StrContains(bad.status().message(), kPassword));
  // The password in the query string does not leak either.
  const std::string query = unreachable + "&password=" + std::string(kPassword);
  auto refused_again = Ledger::Open(query, vault, name, Options());
  BOOST_TEST(!refused_again.ok());
  BOOST_TEST(!absl::StrContains(refused_again.status().message(), kPassword));
  // A PostgreSQL ledger needs a witness file named by the caller.
  LedgerOptions no_witness = Options();
  no_witness.witness_path.clear();
  auto unwitnessed = Ledger::Open(uri, vault, name, no_witness);
  BOOST_TEST(CodeName(unwitnessed.status()) == "INVALID_ARGUMENT");
  BOOST_TEST(absl::StrContains(unwitnessed.status().message(), "witness_path"),
             unwitnessed.status().message());
  // A schema of the ledger's name that is not a ledger is refused, and left as it was.
  RawConnection raw;
  raw.Exec("CREATE SCHEMA " + Schema(name));
  raw.Exec("CREATE TABLE " + Table("meta") + " (x int)");
  auto squatted = Ledger::Open(uri, vault, name, Options());
  BOOST_TEST(CodeName(squatted.status()) == "FAILED_PRECONDITION");
  BOOST_TEST(absl::StrContains(squatted.status().message(), "not a socle ledger"),
             squatted.status().message());
  BOOST_TEST(raw.Query("SELECT count(*) FROM pg_tables WHERE schemaname = 'socle_" + name +
                       "'") == "1");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::pg_testing
