// socle/ledger.hpp: tamper-evident, append-only ledgers (docs/ledger.md).
//
// A Ledger is a list of entries in its own SQLite file, hashed into an RFC 9162 Merkle tree and
// periodically committed to by signed checkpoints (C2SP tlog-checkpoint, Ed25519). socle keeps
// two: the access trail (every access decision that carries the log obligation and every
// privileged operation; see socle/trail.hpp) and the state ledger (every event the access
// engine applied, so that an engine reopened on it decides as before; see AccessEngine::Open).
//
// An entry about a person names them only by a pseudonym in the ledger's own domain, and what it
// says about them is sealed under the person's vault key: crypto-shredding the person makes
// those entries unreadable while every leaf hash, proof and checkpoint stays valid. A ledger
// never mints a key for a person whose key was shredded: such an append fails
// (FAILED_PRECONDITION) and appends nothing.
//
// Verify() recomputes everything and names the first bad index: a changed byte, a deleted,
// inserted or reordered row (each row carries a MAC of its index and leaf hash, keyed by the
// ledger's secret in the vault), a truncated tail, a forged or foreign checkpoint, and a
// rolled-back database (an older copy put back), caught by comparing the database with the last
// checkpoint, which is also kept outside it in the witness file.
//
// Several processes may append to one ledger file: appends are serialised by SQLite's write
// lock; each transaction reads the tree as stored, so the tree stays one.
//
// Thread safety: a Ledger is safe for concurrent use.
#ifndef SOCLE_LEDGER_HPP_
#define SOCLE_LEDGER_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "absl/functional/function_ref.h"
#include "socle/access.hpp"
#include "socle/clock.hpp"
#include "socle/export.hpp"
#include "socle/secret_bytes.hpp"

namespace socle {

class Vault;

// When an appended entry is on disk.
enum class Durability : int32_t {
  // Durable (fsync'd) before Append returns: one transaction per call (concurrent calls share
  // one, so a second caller's entries ride along with the first's fsync).
  kSync = 0,
  // The default: Append queues and returns; a committer thread writes the queue in one
  // transaction, fsync'd, at most LedgerOptions::group_commit_delay later. WaitDurable(ticket)
  // and Flush() wait for it. A process killed before that loses the entries it had not yet
  // acknowledged as durable, never one it had.
  kGroup = 1,
  // Like kGroup without fsync: for tests and benchmarks only (a power cut may lose entries).
  kNone = 2,
};

struct SOCLE_CXX_API LedgerOptions {
  Durability durability = Durability::kGroup;
  // kGroup and kNone: how long an entry may wait in the queue (100 µs to 1 s).
  absl::Duration group_commit_delay = absl::Milliseconds(10);
  // A checkpoint is signed when this many entries were appended since the last one (0: never by
  // count)…
  uint64_t checkpoint_every = 10000;
  // …or when the oldest entry not yet covered by a checkpoint is this old (0: never by time).
  // Checkpoint() signs one on demand.
  absl::Duration checkpoint_interval = absl::Seconds(5);
  // Where the last checkpoint is also kept, outside the database (rollback detection). Empty:
  // the database's path + ".checkpoint". Required for a PostgreSQL ledger (INVALID_ARGUMENT
  // otherwise): a URI has no directory to keep it in (docs/postgresql.md).
  std::string witness_path;
  // Stamps entries appended without a time, and checkpoints. nullptr: the real clock.
  const Clock* clock = nullptr;
};

// What an entry records (socle.v1.LedgerEntryType).
enum class LedgerEntryType : int32_t {
  kAccessDecision = 1,  // an AccessRecord
  kOperation = 2,       // an OperationRecord: a privileged operation
  kTamperAlert = 3,     // an OperationRecord: an update or delete of the ledger, refused
  kStateEvent = 4,      // a StateEvent (the state ledger)
  kSharingDecision = 5, // a SharingRecord: a share under professional secrecy, granted or refused
};

// One entry to append. The views must stay valid for the duration of Append.
struct NewLedgerEntry {
  LedgerEntryType type = LedgerEntryType::kOperation;
  absl::Time time = absl::InfinitePast();  // InfinitePast: now, by the ledger's clock
  // The person the entry is about (their id, as the vendor knows it), or empty. The ledger
  // stores only its pseudonym.
  absl::string_view person;
  // The serialized record (AccessRecord, OperationRecord, StateEvent).
  absl::string_view payload;
  // For an entry about a person: true seals `payload` under the person's vault key; false keeps
  // it in clear (then it must not hold the person's id: e.g. the record of their shredding).
  bool seal = true;
};

inline constexpr size_t kLedgerHashBytes = 32;
using LedgerHash = std::array<uint8_t, kLedgerHashBytes>;
// A person's pseudonym in a ledger's own domain.
inline constexpr size_t kLedgerPseudonymBytes = 16;

// One entry as stored.
struct SOCLE_CXX_API StoredLedgerEntry {
  uint64_t index = 0;
  LedgerEntryType type = LedgerEntryType::kOperation;
  absl::Time time;
  std::string person;  // its kLedgerPseudonymBytes-byte pseudonym, or empty
  // The serialized socle.v1.LedgerEntry, exactly the bytes the leaf hashes; empty when the
  // retention period removed them (pruned).
  std::string bytes;
  bool pruned = false;
  LedgerHash leaf_hash{};
};

// A signed checkpoint: "this ledger had `size` entries and this root".
struct SOCLE_CXX_API LedgerCheckpoint {
  uint64_t size = 0;
  LedgerHash root{};
  absl::Time time;
  std::string note;  // the C2SP signed note (checkpoint text, blank line, signature line)
};

// An inclusion proof (RFC 9162 §2.1.3) of entry `index` in the tree of `tree_size` entries.
struct SOCLE_CXX_API LedgerInclusionProof {
  uint64_t index = 0;
  uint64_t tree_size = 0;
  LedgerHash leaf_hash{};
  std::vector<LedgerHash> hashes;
};

// What Verify found. When !ok, `first_bad_index` is the first entry that is not as appended
// (for a checkpoint that does not verify: the checkpoint's size) and `problem` says what, in a
// sentence without personal data.
struct SOCLE_CXX_API LedgerVerification {
  bool ok = false;
  uint64_t entries = 0;      // entries checked
  uint64_t checkpoints = 0;  // checkpoints checked (the witness included)
  uint64_t first_bad_index = 0;
  std::string problem;
  // Edits of the stored rows that the append-only triggers refused since the ledger was created
  // (someone tried; nothing changed). Counted on PostgreSQL only; 0 on SQLite.
  uint64_t refused_edits = 0;
};

class SOCLE_CXX_API Ledger {
 public:
  // Opens the ledger `name` ("access_trail", "state": 1 to 64 bytes of [a-z0-9_.-]) in the
  // SQLite file `path` (created, with mode 0600, if missing), its keys held by `vault` (the
  // ledger's secret, Vault::LedgerSecret, and the persons' data keys). The file is bound to its
  // name and to the vault's tenant: another ledger's or tenant's file is FAILED_PRECONDITION.
  // A file of a newer schema is UNSUPPORTED; one that is not a ledger, DATA_LOSS or
  // FAILED_PRECONDITION naming the problem. Open reads the witness file: a database older than
  // it (rolled back) opens, so that Verify can name the first missing index, but every Append
  // fails with DATA_LOSS. A `path` starting with postgresql:// or postgres:// (a libpq URI)
  // opens the ledger in the schema "socle_<name>" of that PostgreSQL database instead (name at
  // most 57 bytes there; options.witness_path required); errors never repeat its password.
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(const std::string& path,
                                                      std::shared_ptr<Vault> vault,
                                                      absl::string_view name,
                                                      const LedgerOptions& options = {});
  // Flushes the queue (waits for the committer) and closes.
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  const std::string& name() const;
  // The checkpoints' origin line: "socle/<tenant>/<name>".
  const std::string& origin() const;
  // The C2SP note verifier key of the checkpoints ("<origin>+<key hash>+<base64 key>"): give it
  // to third parties who verify checkpoints without socle.
  const std::string& verifier_key() const;

  // Appends `entries`, in order and contiguously (no entry of another call in between), and
  // returns a ticket for WaitDurable. kSync: durable on return. All or nothing: an entry about
  // a shredded person (FAILED_PRECONDITION), an invalid entry (INVALID_ARGUMENT naming it) or a
  // failed commit appends none. A commit still failing after a few tries (the database gone,
  // full, refusing) fails its batch only: WaitDurable of its tickets (kSync: this call) and the
  // next Flush return the error, entries already acknowledged durable are never lost, and later
  // appends go on, so the handle recovers by itself once the database answers again.
  absl::StatusOr<uint64_t> Append(absl::Span<const NewLedgerEntry> entries);
  // Waits until the entries of `ticket` are durable; returns the index of the first of them.
  absl::StatusOr<uint64_t> WaitDurable(uint64_t ticket);
  // Waits until everything appended so far by this object is settled; returns the error of a
  // batch that failed since the last Flush (each failure is reported by one Flush), else OK.
  absl::Status Flush();

  // The number of entries in the database (every process's).
  absl::StatusOr<uint64_t> Size();
  // Flushes, then signs a checkpoint of the current tree (or returns the latest if it already
  // covers the tree) and writes it to the database and the witness file.
  absl::StatusOr<LedgerCheckpoint> Checkpoint();
  // The newest checkpoint in the database; nullopt when none yet.
  absl::StatusOr<std::optional<LedgerCheckpoint>> LatestCheckpoint();

  // An inclusion proof of entry `index` in the tree of `tree_size` entries (0: the latest
  // checkpoint's size). OUT_OF_RANGE when index >= tree_size or tree_size > Size().
  absl::StatusOr<LedgerInclusionProof> ProveInclusion(uint64_t index, uint64_t tree_size = 0);
  // The proofs of several entries in one tree (0: the latest checkpoint's size), sharing the
  // reads of the nodes their paths have in common (a person's history).
  absl::StatusOr<std::vector<LedgerInclusionProof>> ProveInclusions(
      absl::Span<const uint64_t> indexes, uint64_t tree_size = 0);
  // A consistency proof (RFC 9162 §2.1.4) that the tree of size1 entries is a prefix of the tree
  // of size2 entries.
  absl::StatusOr<std::vector<LedgerHash>> ProveConsistency(uint64_t size1, uint64_t size2);
  // The root of the tree of its first `tree_size` entries.
  absl::StatusOr<LedgerHash> Root(uint64_t tree_size);

  // Recomputes every leaf hash, row MAC and checkpoint, and compares with the witness file.
  // Errors only when the database cannot be read at all (an I/O error).
  absl::StatusOr<LedgerVerification> Verify();

  // Up to `max_count` entries from `begin`, in order (fewer at the end).
  absl::StatusOr<std::vector<StoredLedgerEntry>> ReadEntries(uint64_t begin, size_t max_count);
  // Entries about `person` with from <= time < to, in index order, after index `after` (-1 for
  // the first page: pass the last index of a page to get the next), at most `max_count`.
  absl::StatusOr<std::vector<StoredLedgerEntry>> EntriesAbout(absl::string_view person,
                                                             absl::Time from, absl::Time to,
                                                             int64_t after, size_t max_count);
  // The payload of an entry: decrypted with the person's key (NOT_FOUND when it was shredded;
  // VERIFICATION_FAILED when `person` is not who the entry is about) or the clear payload.
  // FAILED_PRECONDITION for a pruned entry.
  absl::StatusOr<SecretBytes> OpenPayload(const StoredLedgerEntry& entry, absl::string_view person);
  // The payloads of several entries about `person` (a page of their history): element i is
  // exactly what OpenPayload(entries[i], person) returns, with the person's pseudonym computed
  // and their key looked up once for the batch (Vault::OpenRecords).
  std::vector<absl::StatusOr<SecretBytes>> OpenPayloads(absl::Span<const StoredLedgerEntry> entries,
                                                        absl::string_view person);
  // The person's pseudonym in this ledger's domain (kLedgerPseudonymBytes bytes).
  absl::StatusOr<std::string> PersonPseudonym(absl::string_view person) const;

  // Retention (REQ-39): removes the bytes of every entry older than `cutoff` and keeps its leaf
  // hash, so proofs and checkpoints still verify. Returns how many entries it pruned.
  absl::StatusOr<uint64_t> PruneBefore(absl::Time cutoff);

  // Entries are never changed or removed: these always fail with LOG_TAMPER_ATTEMPT, after
  // appending a tamper alert that names `actor` and the index (REQ-40). They exist so that a
  // product's "edit" or "delete" on the trail meets a recorded refusal.
  absl::Status UpdateEntry(uint64_t index, absl::string_view actor);
  absl::Status DeleteEntry(uint64_t index, absl::string_view actor);

  // Appends `entries` only if the ledger holds exactly `first_index` entries (the state
  // ledger: revision r is entry r - 1, and two writers must not both append revision r), in a
  // transaction of its own, durable on return whatever the durability mode. Returns
  // FAILED_PRECONDITION, appending nothing, when another writer went first.
  absl::Status AppendAt(uint64_t first_index, absl::Span<const NewLedgerEntry> entries);

  // Engine snapshots (the state ledger). SaveSnapshot keeps `snapshot` (the serialized state
  // after the first `revision` entries) with a signed checkpoint of the tree at that size whose
  // extension line "snapshot <base64 SHA-256>" commits to it: hashed and checkpointed.
  absl::Status SaveSnapshot(uint64_t revision, absl::string_view snapshot);
  // The newest snapshot and its revision, after checking its checkpoint's signature, its root
  // against the entries and its hash (DATA_LOSS naming what does not match); nullopt when none.
  absl::StatusOr<std::optional<std::pair<uint64_t, std::string>>> LatestSnapshot();

  // A watch of the ledger's size (its entries counted as a RecordWatch counts events), on a
  // connection of its own, so that waiting never holds up the ledger. On PostgreSQL it LISTENs
  // on the ledger's channel, which every append of state events (the state ledger's) notifies
  // with its new size when it commits, and reads the size when a wait times out (so a lost
  // notification only delays, and other ledgers' appends are seen at that poll); on SQLite it
  // looks at the database's change counter every 2 ms. The watch must not outlive the ledger.
  absl::StatusOr<std::unique_ptr<RecordWatch>> WatchGrowth();

  // The vault the ledger seals with.
  Vault& vault() const;

  struct State;

 private:
  explicit Ledger(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The state ledger as the access engine's record (AccessEngine::Open): the event of revision r
// is entry r - 1 (type kStateEvent, in clear: the state ledger holds the directory and the
// privacy facts, like the engine's memory, and lives in its own file beside the vault); its
// snapshots are the ledger's, hashed and checkpointed. Open the ledger with the name "state".
//
// Thread safety: safe for concurrent use, like the Ledger.
class SOCLE_CXX_API StateLedger final : public EngineRecord {
 public:
  explicit StateLedger(std::shared_ptr<Ledger> ledger);
  ~StateLedger() override;

  absl::StatusOr<uint64_t> EventCount() override;
  absl::Status AppendEvents(uint64_t first_revision,
                            absl::Span<const std::string> events) override;
  absl::Status ReadEvents(
      uint64_t from_revision,
      absl::FunctionRef<absl::Status(uint64_t revision, absl::string_view event)> visit) override;
  absl::Status SaveSnapshot(uint64_t revision, absl::string_view snapshot) override;
  absl::StatusOr<std::optional<std::string>> LatestSnapshot() override;
  // Ledger::WatchGrowth: told of every process's appends (PostgreSQL) or looking every 2 ms.
  absl::StatusOr<std::unique_ptr<RecordWatch>> Watch() override;

  Ledger& ledger() const { return *ledger_; }

 private:
  std::shared_ptr<Ledger> ledger_;
};

}  // namespace socle

#endif  // SOCLE_LEDGER_HPP_
