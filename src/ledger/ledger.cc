// The Ledger: entries sealed and hashed by the callers' threads, written by one committer in
// batches (group commit) or by the caller itself (sync), each batch one store transaction that
// reads the tree as stored, so that several processes keep one tree.
#include "socle/ledger.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstring>
#include <deque>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "ledger/store.h"
#include "socle/error.hpp"
#include "socle/v1/ledger.pb.h"
#include "socle/vault.hpp"
#include "storage/file_util.h"
#include "storage/pg.h"

namespace socle {

using ledger::MerkleHash;

namespace ledger {

// The shared libpq helpers (storage/pg.h) decide, for the ledger and socle::Storage.
bool IsPostgresUri(absl::string_view path) { return pg::IsPostgresUri(path); }
std::string ShownPath(const std::string& path) { return pg::ShownPath(path); }

}  // namespace ledger

namespace {

// The record id every sealed payload is bound to (Vault::SealRecord's associated data).
constexpr absl::string_view kSealedRecordId = "socle.ledger.v1";
constexpr size_t kMaxPayloadBytes = 1 << 20;
constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxWitnessBytes = 64 * 1024;
// The committer writes at once when this many entries are queued, whatever the delay.
constexpr size_t kCommitNowEntries = 1 << 16;
// Appends wait while this many entries are queued (about 100 MiB of 300-byte entries).
constexpr size_t kMaxQueuedEntries = 1 << 18;
// How many times a batch is tried before the ledger gives up.
constexpr int kCommitAttempts = 3;
// How many committed batches remember their first index (WaitDurable).
constexpr size_t kRememberedBatches = 1 << 16;
// Verify reads this many rows at a time.
constexpr size_t kVerifyChunk = 4096;

absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

absl::Status CheckName(absl::string_view name) {
  const bool ok =
      !name.empty() && name.size() <= kMaxNameBytes &&
      std::all_of(name.begin(), name.end(), [](char c) {
        return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '.' || c == '-';
      });
  if (!ok) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "ledger name: 1 to 64 bytes of a-z, 0-9, '_', '.', '-'");
  }
  return absl::OkStatus();
}

// A note key name allows no space and no '+': the tenant is written with anything else as '_'.
std::string Origin(absl::string_view tenant, absl::string_view name) {
  std::string t(tenant);
  for (char& c : t) {
    if (!(absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-')) c = '_';
  }
  return absl::StrCat("socle/", t, "/", name);
}

int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }

LedgerHash ToLedgerHash(const MerkleHash& h) {
  LedgerHash out;
  std::copy(h.begin(), h.end(), out.begin());
  return out;
}

absl::Status EntryError(uint64_t index, absl::string_view what) {
  return MakeError(ErrorCode::kInvalidArgument, absl::StrCat("entries[", index, "]: ", what));
}

// Derives one 32-byte key of the ledger's secret for one use (keyed BLAKE2b, personalised).
absl::StatusOr<SecretBytes> DeriveKey(const SecretBytes& secret, absl::string_view use) {
  SecretBytes key(crypto::kAeadKeyBytes);
  SOCLE_RETURN_IF_ERROR(
      crypto::KeyedHashPersonal(secret.span(), use, {}, absl::MakeSpan(key.data(), key.size())));
  return key;
}

std::string SnapshotLine(absl::string_view snapshot) {
  const crypto::Hash256 hash = crypto::Sha256(Bytes(snapshot));
  return absl::StrCat("snapshot ", crypto::Base64Encode(hash));
}

}  // namespace

// The stored subtree roots this process has read, in chunks of 64 of one level. A stored root
// never changes, so the cache is never stale; a chunk read before all its subtrees were complete
// is read again for the ones it lacked. Bounded: emptied when it holds kMaxCachedChunks.
struct SubtreeCache {
  static constexpr uint64_t kChunk = 64;
  // Up to 64 MiB: every stored root of a ledger of 20 million entries (4 bytes an entry).
  static constexpr size_t kMaxCachedChunks = 32768;
  struct Chunk {
    std::array<MerkleHash, kChunk> hash;
    std::bitset<kChunk> have;
  };
  absl::flat_hash_map<std::pair<int, uint64_t>, std::unique_ptr<Chunk>> chunks;
};

// One entry, sealed and hashed, waiting for its index.
struct PendingEntry {
  int64_t time_micros = 0;
  int32_t type = 0;
  std::string person;
  std::string body;
  MerkleHash leaf_hash{};
};

struct Ledger::State {
  std::string path;
  std::string witness_path;
  std::string name;
  std::string origin;
  LedgerOptions options;
  const Clock* clock = nullptr;
  std::shared_ptr<Vault> vault;
  std::optional<ledger::NoteSigner> signer;
  std::vector<ledger::NoteVerifier> verifiers;
  std::string verifier_key;
  std::optional<crypto::KeyedHasher> mac;     // row MACs: 32 bytes of (index, leaf hash)
  std::optional<crypto::KeyedHasher> pseudo;  // persons' pseudonyms: 16 bytes

  // The store, and what this process knows of the tree and of checkpoints.
  absl::Mutex store_mu;
  std::unique_ptr<ledger::Store> store ABSL_GUARDED_BY(store_mu);
  ledger::CompactRange range ABSL_GUARDED_BY(store_mu);
  std::string range_bytes ABSL_GUARDED_BY(store_mu);
  uint64_t last_checkpoint_size ABSL_GUARDED_BY(store_mu) = 0;
  absl::Time last_checkpoint_time ABSL_GUARDED_BY(store_mu) = absl::InfinitePast();
  std::string witness_note ABSL_GUARDED_BY(store_mu);  // the last witness this process wrote
  SubtreeCache subtrees ABSL_GUARDED_BY(store_mu);
  // The leaf hashes of the incomplete tile at the end of the tree, as of this process's last
  // write (tail_start: its first leaf; UINT64_MAX: unknown).
  std::vector<MerkleHash> tail ABSL_GUARDED_BY(store_mu);
  uint64_t tail_start ABSL_GUARDED_BY(store_mu) = UINT64_MAX;
  // The tile's nodes of 2, 4 and 8 leaves seen completed by this process's appends.
  std::array<MerkleHash, ledger::kTileHashes - ledger::kTileLeaves> tail_node_hashes
      ABSL_GUARDED_BY(store_mu);
  std::bitset<ledger::kTileHashes - ledger::kTileLeaves> tail_nodes ABSL_GUARDED_BY(store_mu);

  // The complete tile in `tail`: its leaves and nodes (hashed here for the nodes another
  // process appended).
  std::string Tile() ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu) {
    std::array<MerkleHash, ledger::kTileHashes> hashes;
    std::copy(tail.begin(), tail.end(), hashes.begin());
    if (tail_nodes.all()) {
      std::copy(tail_node_hashes.begin(), tail_node_hashes.end(),
                hashes.begin() + ledger::kTileLeaves);
    } else {
      for (int level = 1; level <= 3; ++level) {
        for (uint64_t i = 0; i < (ledger::kTileLeaves >> level); ++i) {
          const size_t below = level == 1 ? 2 * i : ledger::TileNodePosition(level - 1, 2 * i);
          hashes[ledger::TileNodePosition(level, i)] =
              ledger::HashChildren(hashes[below], hashes[below + 1]);
        }
      }
    }
    return std::string(reinterpret_cast<const char*>(hashes.data()),
                       hashes.size() * ledger::kMerkleHashBytes);
  }

  // The queue: entries appended (seq numbers count them) and what is durable.
  absl::Mutex queue_mu;
  std::vector<PendingEntry> queue ABSL_GUARDED_BY(queue_mu);
  uint64_t next_seq ABSL_GUARDED_BY(queue_mu) = 0;     // seq of the next entry appended
  uint64_t queued_from ABSL_GUARDED_BY(queue_mu) = 0;  // seq of queue[0]
  uint64_t durable_seq ABSL_GUARDED_BY(queue_mu) =
      0;  // entries below are settled: durable or failed
  absl::Time first_queued ABSL_GUARDED_BY(queue_mu);
  int waiters ABSL_GUARDED_BY(queue_mu) = 0;
  bool committing ABSL_GUARDED_BY(queue_mu) = false;
  bool stopping ABSL_GUARDED_BY(queue_mu) = false;
  // The failure of a batch no Flush has reported yet (Flush reports it once).
  absl::Status unflushed_failure ABSL_GUARDED_BY(queue_mu);
  // The settled batches, oldest first: the seq of a batch's first entry and either the index of
  // that entry or, for a batch that failed, its error. Contiguous in seq.
  struct Settled {
    uint64_t first_seq;
    uint64_t first_index;
    absl::Status status;
  };
  std::deque<Settled> batches ABSL_GUARDED_BY(queue_mu);
  absl::Time oldest_uncovered ABSL_GUARDED_BY(queue_mu) = absl::InfinitePast();
  std::thread committer;
  absl::Status rolled_back;       // set by Open: appends are refused
  absl::Status schema_integrity;  // likewise

  // Takes the whole queue and commits it; the caller holds no lock. Only one commit runs at a
  // time (committing).
  absl::Status CommitQueued() ABSL_LOCKS_EXCLUDED(queue_mu, store_mu);
  // Writes `entries` in one store transaction; returns the index of the first.
  absl::StatusOr<uint64_t> Write(const std::vector<PendingEntry>& entries, bool force_checkpoint,
                                 std::optional<uint64_t> expected_size = std::nullopt)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu);
  absl::StatusOr<std::string> SignCheckpoint(uint64_t size, const MerkleHash& root, absl::Time now);
  absl::Status WriteWitness(const std::string& note) ABSL_EXCLUSIVE_LOCKS_REQUIRED(store_mu);
  absl::StatusOr<ledger::Checkpoint> OpenNote(absl::string_view note) const;
  MerkleHash RowMac(uint64_t index, const MerkleHash& leaf) const;
  void RunCommitter();
  absl::StatusOr<uint64_t> Enqueue(std::vector<PendingEntry> entries);
  // Checks, seals and hashes entries for the store (the caller's thread).
  absl::StatusOr<std::vector<PendingEntry>> Prepare(absl::Span<const NewLedgerEntry> entries) const;
  std::string Pseudonym(absl::string_view person) const {
    std::string out(kLedgerPseudonymBytes, '\0');
    pseudo->Hash(Bytes(person), reinterpret_cast<uint8_t*>(out.data()));
    return out;
  }
  absl::StatusOr<uint64_t> WaitFor(uint64_t seq);
};

MerkleHash Ledger::State::RowMac(uint64_t index, const MerkleHash& leaf) const {
  uint8_t be[8];
  for (int i = 0; i < 8; ++i) be[i] = static_cast<uint8_t>(index >> (56 - 8 * i));
  MerkleHash out;
  mac->Hash2(absl::MakeConstSpan(be), absl::MakeConstSpan(leaf), out.data());
  return out;
}

absl::StatusOr<ledger::Checkpoint> Ledger::State::OpenNote(absl::string_view note) const {
  return ledger::OpenCheckpoint(note, origin, verifiers);
}

absl::StatusOr<std::string> Ledger::State::SignCheckpoint(uint64_t size, const MerkleHash& root,
                                                          absl::Time now) {
  ledger::Checkpoint c;
  c.origin = origin;
  c.size = size;
  c.root_hash = root;
  // The time as an extension line: when the checkpoint was signed (RFC 3339, UTC).
  c.extensions.push_back(
      absl::StrCat("time ", absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone())));
  return ledger::SignCheckpoint(c, *signer);
}

// The witness file holds the newest checkpoint any process of this ledger signed: it is only
// ever replaced by a larger one, under a lock, so processes do not move it back.
absl::Status Ledger::State::WriteWitness(const std::string& note) {
  SOCLE_ASSIGN_OR_RETURN(const ledger::Checkpoint mine, OpenNote(note));
  SOCLE_ASSIGN_OR_RETURN(const storage::FileLock lock,
                         storage::FileLock::Exclusive(witness_path + ".lock"));
  auto current = storage::ReadSmallFile(witness_path, kMaxWitnessBytes);
  if (current.ok()) {
    auto theirs = OpenNote(*current);
    if (theirs.ok() && theirs->size >= mine.size) return absl::OkStatus();
  } else if (ErrorCodeOf(current.status()) != ErrorCode::kNotFound) {
    return current.status();
  }
  SOCLE_RETURN_IF_ERROR(
      storage::WriteFileAtomically(witness_path, note, storage::WriteMode::kReplace));
  witness_note = note;
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Ledger::State::Write(const std::vector<PendingEntry>& entries,
                                              bool force_checkpoint,
                                              std::optional<uint64_t> expected_size) {
  uint64_t first_index = 0;
  std::optional<std::string> signed_note;
  const absl::Time now = clock->Now();
  SOCLE_RETURN_IF_ERROR(
      store->Append([&](const ledger::TreeState& tree) -> absl::StatusOr<ledger::AppendPlan> {
        // The stored compact range, parsed once per change by another process.
        if (tree.compact_range != range_bytes) {
          SOCLE_ASSIGN_OR_RETURN(range, ledger::CompactRange::Parse(Bytes(tree.compact_range)));
          range_bytes = tree.compact_range;
        }
        if (range.size() != tree.size) {
          return MakeError(
              ErrorCode::kDataLoss,
              "ledger database: the stored tree size does not match its compact range");
        }
        if (expected_size.has_value() && *expected_size != tree.size) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           absl::StrCat("ledger: expected ", *expected_size, " entries, found ",
                                        tree.size, " (another writer appended first)"));
        }
        ledger::CompactRange next = range;
        ledger::AppendPlan plan;
        first_index = tree.size;
        // The leaf hashes of the incomplete tile the batch continues: remembered from this
        // process's last batch, or read back when another process appended since.
        const uint64_t tile_start = tree.size - tree.size % ledger::kTileLeaves;
        if (tail_start != tile_start || tail.size() != tree.size - tile_start) {
          tail.resize(tree.size - tile_start);
          tail_start = tile_start;
          tail_nodes.reset();  // the tile's nodes are recomputed when it completes
          if (!tail.empty()) {
            SOCLE_RETURN_IF_ERROR(store->ReadLeafHashes(tile_start, absl::MakeSpan(tail)));
          }
        }
        plan.rows.reserve(entries.size());
        for (const PendingEntry& e : entries) {
          ledger::NewRow row;
          row.index = next.size();
          row.time_micros = e.time_micros;
          row.type = e.type;
          row.person = e.person;  // views: the batch outlives the transaction (and any retry)
          row.body = e.body;
          row.leaf_hash = e.leaf_hash;
          row.mac = RowMac(row.index, row.leaf_hash);
          SOCLE_RETURN_IF_ERROR(
              next.Append(e.leaf_hash, [&](int level, uint64_t index, const MerkleHash& hash) {
                if (level >= ledger::kStoredSubtreeLevel) {
                  plan.subtrees.emplace_back(level, index, hash);
                } else if (level >= 1) {
                  // A node of the current tile: kept for the tile (the append computed it anyway).
                  const uint64_t per_tile = ledger::kTileLeaves >> level;
                  const size_t position = ledger::TileNodePosition(level, index % per_tile);
                  tail_node_hashes[position - ledger::kTileLeaves] = hash;
                  tail_nodes.set(position - ledger::kTileLeaves);
                }
              }));
          plan.rows.push_back(row);
          tail.push_back(e.leaf_hash);
          if (tail.size() == ledger::kTileLeaves) {
            plan.tiles.emplace_back(tail_start / ledger::kTileLeaves, Tile());
            tail.clear();
            tail_nodes.reset();
            tail_start += ledger::kTileLeaves;
          }
        }
        plan.tree.size = next.size();
        plan.tree.compact_range = next.Serialize();
        // State events are what followers wait for (AppendAt is the state ledger's append).
        plan.notify = expected_size.has_value() ||
                      std::any_of(entries.begin(), entries.end(), [](const PendingEntry& e) {
                        return e.type == static_cast<int32_t>(LedgerEntryType::kStateEvent);
                      });
        const bool due_by_count = options.checkpoint_every != 0 &&
                                  next.size() - last_checkpoint_size >= options.checkpoint_every;
        if ((force_checkpoint || due_by_count) && next.size() > 0) {
          SOCLE_ASSIGN_OR_RETURN(std::string note, SignCheckpoint(next.size(), next.Root(), now));
          plan.checkpoint.emplace(next.size(), Micros(now), note);
          signed_note = std::move(note);
        }
        range = std::move(next);
        range_bytes = plan.tree.compact_range;
        return plan;
      }));
  if (signed_note.has_value()) {
    last_checkpoint_size = range.size();
    last_checkpoint_time = now;
    SOCLE_RETURN_IF_ERROR(WriteWitness(*signed_note));
  }
  return first_index;
}

absl::Status Ledger::State::CommitQueued() {
  std::vector<PendingEntry> batch;
  uint64_t first_seq = 0;
  {
    absl::MutexLock lock(&queue_mu);
    queue_mu.Await(absl::Condition(
        +[](bool* committing) { return !*committing; }, &committing));
    if (queue.empty()) return absl::OkStatus();
    batch.swap(queue);
    first_seq = queued_from;
    committing = true;
  }
  absl::StatusOr<uint64_t> first_index;
  // A busy database (another process's long transaction) or a passing I/O error gets a few
  // more tries; the batch is intact after a failed transaction.
  for (int attempt = 0; attempt < kCommitAttempts; ++attempt) {
    if (attempt > 0) absl::SleepFor(absl::Milliseconds(50) * attempt);
    absl::MutexLock lock(&store_mu);
    first_index = Write(batch, false);
    if (first_index.ok()) break;
    // The cached range and tile tail may be ahead of the database: read them again.
    range_bytes.clear();
    tail_start = UINT64_MAX;
  }
  absl::MutexLock lock(&queue_mu);
  committing = false;
  queued_from = first_seq + batch.size();
  durable_seq = queued_from;
  if (!first_index.ok()) {
    // Nothing of the batch was written (or, for an in-doubt commit, the error says whether that
    // is known). Its waiters get the error, and so does the next Flush; the ledger goes on
    // with the next batch, which reads the stored tree again, so it recovers by itself once the
    // database answers.
    batches.push_back(Settled{first_seq, 0, first_index.status()});
    unflushed_failure = first_index.status();
  } else {
    batches.push_back(Settled{first_seq, *first_index, absl::OkStatus()});
    if (oldest_uncovered == absl::InfinitePast()) oldest_uncovered = clock->Now();
  }
  if (batches.size() > kRememberedBatches) batches.pop_front();
  return first_index.status();
}

void Ledger::State::RunCommitter() {
  for (;;) {
    bool stop = false;
    bool checkpoint_due = false;
    {
      absl::MutexLock lock(&queue_mu);
      const absl::Duration delay = options.durability == Durability::kSync
                                       ? absl::InfiniteDuration()
                                       : options.group_commit_delay;
      // Sleep until entries wait long enough, someone waits for them, a checkpoint falls due
      // or the ledger closes.
      const auto ready = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu) {
        if (stopping) return true;
        if (!queue.empty() && options.durability != Durability::kSync &&
            (waiters > 0 || clock->Now() - first_queued >= delay ||
             queue.size() >= kCommitNowEntries)) {
          return true;
        }
        return options.checkpoint_interval > absl::ZeroDuration() &&
               oldest_uncovered != absl::InfinitePast() &&
               clock->Now() - oldest_uncovered >= options.checkpoint_interval;
      };
      while (!ready()) {
        // Sleep until the first deadline, or until something changes that cannot wait: a
        // waiter, a full queue, a first entry, the end.
        absl::Duration wait = absl::InfiniteDuration();
        const absl::Time now = clock->Now();
        if (!queue.empty() && options.durability != Durability::kSync) {
          wait = std::min(wait, first_queued + delay - now);
        }
        if (options.checkpoint_interval > absl::ZeroDuration() &&
            oldest_uncovered != absl::InfinitePast()) {
          wait = std::min(wait, oldest_uncovered + options.checkpoint_interval - now);
        }
        const bool was_empty = queue.empty();
        const auto woken = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu) {
          // (Only what can change while we wait: a condition already true when Await starts
          // returns without releasing the mutex, and a loop on it would starve everyone.)
          return stopping || (!queue.empty() &&
                              (was_empty || waiters > 0 || queue.size() >= kCommitNowEntries));
        };
        queue_mu.AwaitWithTimeout(absl::Condition(&woken), std::max(wait, absl::Microseconds(100)));
      }
      stop = stopping;
      checkpoint_due = queue.empty() && oldest_uncovered != absl::InfinitePast() &&
                       options.checkpoint_interval > absl::ZeroDuration() &&
                       clock->Now() - oldest_uncovered >= options.checkpoint_interval;
    }
    if (stop) return;
    if (checkpoint_due) {
      {
        absl::MutexLock lock(&queue_mu);
        oldest_uncovered = absl::InfinitePast();
      }
      absl::MutexLock lock(&store_mu);
      std::vector<PendingEntry> none;
      if (range.size() > last_checkpoint_size) {
        auto written = Write(none, true);
        if (!written.ok()) {
          range_bytes.clear();
          tail_start = UINT64_MAX;
        }
      }
      continue;
    }
    CommitQueued().IgnoreError();  // a failure is kept in `batches` and reported to waiters
  }
}

absl::StatusOr<uint64_t> Ledger::State::Enqueue(std::vector<PendingEntry> entries) {
  uint64_t seq = 0;
  {
    absl::MutexLock lock(&queue_mu);
    // Back-pressure: a caller faster than the disk waits for the committer instead of growing
    // the queue without bound.
    queue_mu.Await(absl::Condition(
        +[](State* s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
          return s->queue.size() < kMaxQueuedEntries || s->stopping;
        },
        this));
    if (queue.empty()) first_queued = clock->Now();
    seq = next_seq;
    next_seq += entries.size();
    if (queue.empty()) {
      queue = std::move(entries);
    } else {
      for (auto& e : entries) queue.push_back(std::move(e));
    }
  }
  if (options.durability == Durability::kSync) {
    SOCLE_RETURN_IF_ERROR(WaitFor(seq).status());
  }
  return seq;
}

absl::StatusOr<uint64_t> Ledger::State::WaitFor(uint64_t seq) {
  for (;;) {
    {
      absl::MutexLock lock(&queue_mu);
      if (durable_seq > seq) {
        const auto it =
            std::upper_bound(batches.begin(), batches.end(), seq,
                             [](uint64_t s, const Settled& b) { return s < b.first_seq; });
        if (it == batches.begin()) {
          return MakeError(ErrorCode::kOutOfRange,
                           "ledger: that append is too old for its index to be remembered");
        }
        const Settled& batch = *std::prev(it);
        if (!batch.status.ok()) return batch.status;
        return batch.first_index + (seq - batch.first_seq);
      }
      if (seq >= next_seq) {
        return MakeError(ErrorCode::kInvalidArgument, "ledger: no append has that ticket");
      }
      if (options.durability != Durability::kSync) {
        // The committer writes it; say that someone waits, so it does not sleep.
        ++waiters;
        struct Args {
          State* s;
          uint64_t seq;
        } args{this, seq};
        queue_mu.Await(absl::Condition(
            +[](Args* a) ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return a->s->durable_seq > a->seq || a->s->stopping;
            },
            &args));
        --waiters;
        if (stopping && durable_seq <= seq) {
          return MakeError(ErrorCode::kFailedPrecondition, "ledger: closed");
        }
        continue;
      }
    }
    // kSync: whoever comes first commits the whole queue (its own and its followers' entries);
    // the outcome of this entry's batch is then read above.
    CommitQueued().IgnoreError();
  }
}

Ledger::Ledger(std::unique_ptr<State> state) : state_(std::move(state)) {}

Ledger::~Ledger() {
  Flush().IgnoreError();
  {
    absl::MutexLock lock(&state_->queue_mu);
    state_->stopping = true;
  }
  if (state_->committer.joinable()) state_->committer.join();
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::string& path,
                                                     std::shared_ptr<Vault> vault,
                                                     absl::string_view name,
                                                     const LedgerOptions& options) {
  SOCLE_RETURN_IF_ERROR(CheckName(name));
  if (vault == nullptr) return MakeError(ErrorCode::kInvalidArgument, "ledger: vault is null");
  if (options.group_commit_delay < absl::Microseconds(100) ||
      options.group_commit_delay > absl::Seconds(1)) {
    return MakeError(ErrorCode::kOutOfRange,
                     "ledger options: group_commit_delay must be 100 µs to 1 s");
  }
  if (options.checkpoint_interval < absl::ZeroDuration()) {
    return MakeError(ErrorCode::kOutOfRange, "ledger options: checkpoint_interval is negative");
  }
  const bool postgres = ledger::IsPostgresUri(path);
  // A URI has no file beside which the witness could be kept: the caller names one.
  if (postgres && options.witness_path.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "ledger options: witness_path must be set for a PostgreSQL ledger");
  }
  auto state = std::make_unique<State>();
  state->path = ledger::ShownPath(path);
  state->witness_path = options.witness_path.empty() ? path + ".checkpoint" : options.witness_path;
  state->name = std::string(name);
  state->origin = Origin(vault->tenant(), name);
  state->options = options;
  state->clock = options.clock != nullptr ? options.clock : &Clock::Real();
  state->vault = std::move(vault);

  {
    absl::MutexLock lock(&state->store_mu);
    SOCLE_ASSIGN_OR_RETURN(state->store,
                           postgres ? ledger::OpenPostgresStore(path, name, options.durability)
                                    : ledger::OpenSqliteStore(path, options.durability));
    state->schema_integrity = state->store->SchemaIntegrity();
    SOCLE_ASSIGN_OR_RETURN(auto identity, state->store->Identity());
    const bool existed = identity.has_value();
    const auto foreign = [&] {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "ledger database '" + state->path + "' belongs to another ledger or tenant");
    };
    if (existed && (identity->first != name || identity->second != state->vault->tenant())) {
      return foreign();
    }
    // A new ledger's secret is created before the file names its ledger, so a process that
    // finds the name finds the secret too; an existing ledger must find its secret in this vault
    // (another vault of the same tenant is refused, and nothing is created in it).
    auto secret = state->vault->LedgerSecret(name, /*create=*/!existed);
    if (!secret.ok()) {
      if (ErrorCodeOf(secret.status()) == ErrorCode::kNotFound) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "ledger database '" + state->path +
                             "': this vault holds no key for it (written with another vault)");
      }
      return secret.status();
    }
    if (!existed) {
      SOCLE_RETURN_IF_ERROR(state->store->SetIdentity(name, state->vault->tenant()));
      SOCLE_ASSIGN_OR_RETURN(identity, state->store->Identity());
      if (!identity.has_value() || identity->first != name ||
          identity->second != state->vault->tenant()) {
        return foreign();
      }
    }
    SOCLE_ASSIGN_OR_RETURN(const SecretBytes seed, DeriveKey(*secret, "socle.ledg.sign"));
    SOCLE_ASSIGN_OR_RETURN(const SecretBytes mac_key, DeriveKey(*secret, "socle.ledg.mac"));
    SOCLE_ASSIGN_OR_RETURN(const SecretBytes pseudo_key, DeriveKey(*secret, "socle.ledg.psn"));
    SOCLE_ASSIGN_OR_RETURN(ledger::NoteSigner signer,
                           ledger::NoteSigner::FromSeed(state->origin, seed));
    state->verifier_key = signer.VerifierKey();
    SOCLE_ASSIGN_OR_RETURN(ledger::NoteVerifier verifier,
                           ledger::NoteVerifier::Parse(state->verifier_key));
    state->verifiers.push_back(std::move(verifier));
    state->signer.emplace(std::move(signer));
    SOCLE_ASSIGN_OR_RETURN(
        auto mac, crypto::KeyedHasher::Create(mac_key.span(), "socle.ledg.row", kLedgerHashBytes));
    state->mac.emplace(std::move(mac));
    SOCLE_ASSIGN_OR_RETURN(
        auto pseudo,
        crypto::KeyedHasher::Create(pseudo_key.span(), "socle.ledg.pers", kLedgerPseudonymBytes));
    state->pseudo.emplace(std::move(pseudo));

    SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, state->store->Tree());
    SOCLE_ASSIGN_OR_RETURN(state->range, ledger::CompactRange::Parse(Bytes(tree.compact_range)));
    state->range_bytes = tree.compact_range;
    SOCLE_ASSIGN_OR_RETURN(auto latest, state->store->LatestCheckpoint());
    if (latest.has_value()) {
      state->last_checkpoint_size = latest->size;
      state->last_checkpoint_time = absl::FromUnixMicros(latest->time_micros);
    }
    // Rollback: the witness outside the database must be covered by the database's tree.
    auto witness = storage::ReadSmallFile(state->witness_path, kMaxWitnessBytes);
    if (witness.ok()) {
      auto w = state->OpenNote(*witness);
      if (!w.ok()) {
        state->rolled_back = MakeError(
            ErrorCode::kDataLoss, "the witness file '" + state->witness_path +
                                      "' does not hold a checkpoint of this ledger; run Verify");
      } else if (w->size > tree.size) {
        // Verify reports it; appending would fork the tree, so appends are refused.
        state->rolled_back = MakeError(
            ErrorCode::kDataLoss,
            absl::StrCat("ledger database '", state->path, "' holds ", tree.size,
                         " entries but its last checkpoint (witness file) covers ", w->size,
                         ": the database was rolled back or truncated; run Verify"));
      }
    } else if (ErrorCodeOf(witness.status()) != ErrorCode::kNotFound) {
      return witness.status();
    }
  }
  state->oldest_uncovered = state->range.size() > state->last_checkpoint_size
                                ? state->clock->Now()
                                : absl::InfinitePast();
  State* raw = state.get();
  state->committer = std::thread([raw] { raw->RunCommitter(); });
  return std::unique_ptr<Ledger>(new Ledger(std::move(state)));
}

const std::string& Ledger::name() const { return state_->name; }
const std::string& Ledger::origin() const { return state_->origin; }
const std::string& Ledger::verifier_key() const { return state_->verifier_key; }
Vault& Ledger::vault() const { return *state_->vault; }

absl::StatusOr<std::string> Ledger::PersonPseudonym(absl::string_view person) const {
  if (person.empty()) return MakeError(ErrorCode::kInvalidArgument, "ledger: empty person id");
  return state_->Pseudonym(person);
}

absl::StatusOr<uint64_t> Ledger::Append(absl::Span<const NewLedgerEntry> entries) {
  SOCLE_RETURN_IF_ERROR(state_->rolled_back);
  SOCLE_RETURN_IF_ERROR(state_->schema_integrity);
  SOCLE_ASSIGN_OR_RETURN(std::vector<PendingEntry> pending, state_->Prepare(entries));
  return state_->Enqueue(std::move(pending));
}

absl::StatusOr<std::vector<PendingEntry>> Ledger::State::Prepare(
    absl::Span<const NewLedgerEntry> entries) const {
  std::vector<PendingEntry> pending;
  pending.reserve(entries.size());
  const absl::Time now = clock->Now();
  v1::LedgerEntry entry;
  for (size_t i = 0; i < entries.size(); ++i) {
    const NewLedgerEntry& e = entries[i];
    const int type = static_cast<int>(e.type);
    if (type < 1 || type > static_cast<int>(LedgerEntryType::kSharingDecision)) {
      return EntryError(i, "type is not a LedgerEntryType");
    }
    if (e.payload.size() > kMaxPayloadBytes) return EntryError(i, "payload is over 1 MiB");
    const absl::Time time = e.time == absl::InfinitePast() ? now : e.time;
    if (time == absl::InfiniteFuture()) return EntryError(i, "time is infinite");
    PendingEntry p;
    p.time_micros = Micros(time);
    p.type = type;
    entry.Clear();
    entry.set_format_version(1);
    entry.set_time_micros(p.time_micros);
    entry.set_type(static_cast<v1::LedgerEntryType>(type));
    if (!e.person.empty()) {
      p.person = Pseudonym(e.person);
      entry.set_person(p.person);
    }
    if (!e.person.empty() && e.seal) {
      const RecordRef record{e.person, kSealedRecordId, 1};
      auto sealed = vault->SealRecord(record, Bytes(e.payload), KeyCreation::kRefuseIfShredded);
      if (!sealed.ok()) {
        return MakeError(ErrorCodeOf(sealed.status()),
                         absl::StrCat("entries[", i, "]: ", sealed.status().message()));
      }
      entry.set_sealed_payload(sealed->data(), sealed->size());
    } else {
      entry.set_payload(e.payload.data(), e.payload.size());
    }
    entry.SerializeToString(&p.body);
    p.leaf_hash = ledger::HashLeaf(Bytes(p.body));
    pending.push_back(std::move(p));
  }
  if (pending.empty()) return MakeError(ErrorCode::kInvalidArgument, "ledger: no entries");
  return pending;
}

absl::StatusOr<uint64_t> Ledger::WaitDurable(uint64_t ticket) { return state_->WaitFor(ticket); }

absl::Status Ledger::Flush() {
  uint64_t last = 0;
  {
    absl::MutexLock lock(&state_->queue_mu);
    if (state_->next_seq == 0 || state_->durable_seq >= state_->next_seq) {
      return std::exchange(state_->unflushed_failure, absl::OkStatus());
    }
    last = state_->next_seq - 1;
  }
  const absl::Status waited = state_->WaitFor(last).status();
  absl::MutexLock lock(&state_->queue_mu);
  absl::Status failed = std::exchange(state_->unflushed_failure, absl::OkStatus());
  return !failed.ok() ? failed : waited;
}

absl::StatusOr<uint64_t> Ledger::Size() {
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, state_->store->Tree());
  return tree.size;
}

namespace {

absl::StatusOr<LedgerCheckpoint> FromStored(const ledger::StoredCheckpoint& stored,
                                            const Ledger::State& state);

}  // namespace

absl::StatusOr<LedgerCheckpoint> Ledger::Checkpoint() {
  SOCLE_RETURN_IF_ERROR(Flush());
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(auto latest, state_->store->LatestCheckpoint());
  SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, state_->store->Tree());
  if (!latest.has_value() || latest->size < tree.size) {
    std::vector<PendingEntry> none;
    auto written = state_->Write(none, true);
    if (!written.ok()) {
      state_->range_bytes.clear();
      state_->tail_start = UINT64_MAX;
      return written.status();
    }
    SOCLE_ASSIGN_OR_RETURN(latest, state_->store->LatestCheckpoint());
  }
  if (!latest.has_value()) {
    return MakeError(ErrorCode::kFailedPrecondition, "ledger: an empty ledger has no checkpoint");
  }
  // Whoever signed it, the witness must hold it.
  SOCLE_RETURN_IF_ERROR(state_->WriteWitness(latest->note));
  return FromStored(*latest, *state_);
}

namespace {

absl::StatusOr<LedgerCheckpoint> FromStored(const ledger::StoredCheckpoint& stored,
                                            const Ledger::State& state) {
  SOCLE_ASSIGN_OR_RETURN(const ledger::Checkpoint c, state.OpenNote(stored.note));
  LedgerCheckpoint out;
  out.size = c.size;
  out.root = ToLedgerHash(c.root_hash);
  out.time = absl::FromUnixMicros(stored.time_micros);
  out.note = stored.note;
  return out;
}

// The store's leaf hashes as merkle.h reads them, with the subtree roots through the cache (the
// caller holds the store's mutex).
class StoreLeaves final : public ledger::LeafHashes {
 public:
  StoreLeaves(ledger::Store& store, uint64_t size, SubtreeCache& cache)
      : store_(store), size_(size), cache_(cache) {}
  uint64_t size() const override { return size_; }
  // The leaves whose proofs are about to be made: the complete tiles they lie in are read in
  // runs (one query for tiles close together) rather than one query each.
  void Expect(absl::Span<const uint64_t> indexes) {
    wanted_.clear();
    for (const uint64_t index : indexes) {
      const uint64_t tile = index / ledger::kTileLeaves;
      if ((tile + 1) * ledger::kTileLeaves <= size_) wanted_.push_back(tile);
    }
    std::sort(wanted_.begin(), wanted_.end());
    wanted_.erase(std::unique(wanted_.begin(), wanted_.end()), wanted_.end());
  }
  absl::Status ReadLeafHashes(uint64_t begin, absl::Span<MerkleHash> out) const override {
    // A proof's siblings below the stored subtrees all lie in one aligned block of 16 leaves:
    // read it once.
    constexpr uint64_t kBlock = uint64_t{1} << ledger::kStoredSubtreeLevel;
    const uint64_t block = begin - begin % kBlock;
    if (out.size() > kBlock || begin + out.size() > block + kBlock || block + kBlock > size_) {
      return store_.ReadLeafHashes(begin, out);
    }
    SOCLE_RETURN_IF_ERROR(LoadTile(block));
    std::copy_n(block_.begin() + (begin - block), out.size(), out.begin());
    return absl::OkStatus();
  }
  absl::StatusOr<bool> ReadSubtreeRoot(int level, uint64_t index, MerkleHash* out) const override {
    if (level < ledger::kStoredSubtreeLevel) {
      // Below 16 leaves: from the tile, when the block is complete and its tile has its nodes.
      const uint64_t first = index << level;
      const uint64_t block = first - first % ledger::kTileLeaves;
      if (block + ledger::kTileLeaves > size_) return false;
      SOCLE_RETURN_IF_ERROR(LoadTile(block));
      if (!block_has_nodes_) return false;
      *out = block_[ledger::TileNodePosition(level, (first - block) >> level)];
      return true;
    }
    const uint64_t first = index - index % SubtreeCache::kChunk;
    auto& slot = cache_.chunks[std::make_pair(level, first)];
    if (slot == nullptr || !slot->have[index - first]) {
      if (slot == nullptr) {
        if (cache_.chunks.size() > SubtreeCache::kMaxCachedChunks) {
          cache_.chunks.clear();
          return ReadSubtreeRoot(level, index, out);
        }
        slot = std::make_unique<SubtreeCache::Chunk>();
      }
      SubtreeCache::Chunk& chunk = *slot;
      SOCLE_RETURN_IF_ERROR(store_.ReadSubtreeRoots(level, first, first + SubtreeCache::kChunk,
                                                    [&](uint64_t i, const MerkleHash& hash) {
                                                      chunk.hash[i - first] = hash;
                                                      chunk.have.set(i - first);
                                                    }));
      if (!chunk.have[index - first]) return false;
    }
    *out = slot->hash[index - first];
    return true;
  }

 private:
  ledger::Store& store_;
  uint64_t size_;
  SubtreeCache& cache_;
  // The complete block of 16 leaves that begins at `block`: its tile, or its rows.
  absl::Status LoadTile(uint64_t block) const {
    if (block_begin_ == block) return absl::OkStatus();
    const uint64_t tile = block / ledger::kTileLeaves;
    const auto wanted = std::lower_bound(wanted_.begin(), wanted_.end(), tile);
    if (wanted != wanted_.end() && *wanted == tile) {
      SOCLE_ASSIGN_OR_RETURN(block_has_nodes_, TileFromRun(wanted));
    } else {
      SOCLE_ASSIGN_OR_RETURN(block_has_nodes_, store_.ReadLeafTile(tile, absl::MakeSpan(block_)));
    }
    if (!block_has_nodes_) {
      SOCLE_RETURN_IF_ERROR(
          store_.ReadLeafHashes(block, absl::MakeSpan(block_.data(), ledger::kTileLeaves)));
    }
    block_begin_ = block;
    return absl::OkStatus();
  }

  // Tile *wanted into block_ (false when it is not stored as a tile), from the run of wanted
  // tiles read with it: on a miss, the wanted tiles from it on that lie close together (at most
  // kRunGap tiles apart, kRunTiles in all) are read in one query and kept until the next miss.
  absl::StatusOr<bool> TileFromRun(std::vector<uint64_t>::const_iterator wanted) const {
    const uint64_t tile = *wanted;
    if (tile < run_begin_ || tile >= run_end_) {
      auto last = wanted;
      while (std::next(last) != wanted_.end() && *std::next(last) - *last <= kRunGap &&
             *std::next(last) - tile < kRunTiles) {
        ++last;
      }
      run_begin_ = tile;
      run_end_ = *last + 1;
      run_.assign(static_cast<size_t>(run_end_ - run_begin_), {});
      run_stored_.assign(run_.size(), false);
      SOCLE_RETURN_IF_ERROR(
          store_.ReadLeafTiles(run_begin_, run_end_, [&](uint64_t t, absl::string_view hashes) {
            // A tile of the wrong length is read as not stored, as ReadLeafTile does (Verify
            // reports it).
            if (t < run_begin_ || t >= run_end_ ||
                hashes.size() != ledger::kTileHashes * ledger::kMerkleHashBytes) {
              return;
            }
            std::memcpy(run_[t - run_begin_].data(), hashes.data(), hashes.size());
            run_stored_[t - run_begin_] = true;
          }));
    }
    if (!run_stored_[tile - run_begin_]) return false;
    block_ = run_[tile - run_begin_];
    return true;
  }

  static constexpr uint64_t kRunGap = 4;
  static constexpr uint64_t kRunTiles = 256;  // 240 KiB of tiles at most

  mutable uint64_t block_begin_ = UINT64_MAX;
  mutable bool block_has_nodes_ = false;
  mutable std::array<MerkleHash, ledger::kTileHashes> block_;
  std::vector<uint64_t> wanted_;  // sorted, distinct
  mutable uint64_t run_begin_ = 0;
  mutable uint64_t run_end_ = 0;
  mutable std::vector<std::array<MerkleHash, ledger::kTileHashes>> run_;
  mutable std::vector<bool> run_stored_;
};

}  // namespace

absl::StatusOr<std::optional<LedgerCheckpoint>> Ledger::LatestCheckpoint() {
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(auto latest, state_->store->LatestCheckpoint());
  if (!latest.has_value()) return std::nullopt;
  SOCLE_ASSIGN_OR_RETURN(LedgerCheckpoint c, FromStored(*latest, *state_));
  return c;
}

absl::StatusOr<LedgerInclusionProof> Ledger::ProveInclusion(uint64_t index, uint64_t tree_size) {
  SOCLE_ASSIGN_OR_RETURN(std::vector<LedgerInclusionProof> proofs,
                         ProveInclusions(absl::MakeConstSpan(&index, 1), tree_size));
  return std::move(proofs.front());
}

absl::StatusOr<std::vector<LedgerInclusionProof>> Ledger::ProveInclusions(
    absl::Span<const uint64_t> indexes, uint64_t tree_size) {
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, state_->store->Tree());
  if (tree_size == 0) {
    SOCLE_ASSIGN_OR_RETURN(auto latest, state_->store->LatestCheckpoint());
    if (!latest.has_value()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "ledger: no checkpoint yet to prove against (call Checkpoint first)");
    }
    tree_size = latest->size;
  }
  for (const uint64_t index : indexes) {
    if (tree_size > tree.size || index >= tree_size) {
      return MakeError(ErrorCode::kOutOfRange,
                       absl::StrCat("ledger: cannot prove entry ", index, " in a tree of ",
                                    tree_size, " entries (the ledger holds ", tree.size, ")"));
    }
  }
  if (indexes.empty()) return std::vector<LedgerInclusionProof>();
  StoreLeaves leaves(*state_->store, tree.size, state_->subtrees);
  // All the proofs in one descent of the tree: the nodes they share are read or hashed once.
  leaves.Expect(indexes);
  SOCLE_ASSIGN_OR_RETURN(const std::vector<ledger::InclusionPath> paths,
                         ledger::InclusionProofs(leaves, indexes, tree_size));
  std::vector<LedgerInclusionProof> proofs(indexes.size());
  for (size_t i = 0; i < indexes.size(); ++i) {
    LedgerInclusionProof& proof = proofs[i];
    proof.index = indexes[i];
    proof.tree_size = tree_size;
    proof.leaf_hash = ToLedgerHash(paths[i].leaf_hash);
    proof.hashes.reserve(paths[i].hashes.size());
    for (const auto& h : paths[i].hashes) proof.hashes.push_back(ToLedgerHash(h));
  }
  return proofs;
}

absl::StatusOr<std::vector<LedgerHash>> Ledger::ProveConsistency(uint64_t size1, uint64_t size2) {
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, state_->store->Tree());
  if (size2 > tree.size) {
    return MakeError(
        ErrorCode::kOutOfRange,
        absl::StrCat("ledger: size ", size2, " is beyond the ledger's ", tree.size, " entries"));
  }
  StoreLeaves leaves(*state_->store, tree.size, state_->subtrees);
  SOCLE_ASSIGN_OR_RETURN(const auto hashes, ledger::ConsistencyProof(leaves, size1, size2));
  std::vector<LedgerHash> out;
  for (const auto& h : hashes) out.push_back(ToLedgerHash(h));
  return out;
}

absl::StatusOr<LedgerHash> Ledger::Root(uint64_t tree_size) {
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, state_->store->Tree());
  if (tree_size > tree.size) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("ledger: size ", tree_size, " is beyond the ledger's ", tree.size,
                                  " entries"));
  }
  StoreLeaves leaves(*state_->store, tree.size, state_->subtrees);
  SOCLE_ASSIGN_OR_RETURN(const MerkleHash root, ledger::ComputeRoot(leaves, tree_size));
  return ToLedgerHash(root);
}

namespace {

// One chunk of what Verify reads: rows [begin, begin + kVerifyChunk), and what the appends of
// those rows stored besides: the leaf tiles and the subtree roots (level kStoredSubtreeLevel and
// more) that they completed. Or a later piece of the chunk (`continued`, ledger::VerifyRead):
// rows only, checked against the tiles and roots of the chunk's first piece.
struct VerifyChunk {
  std::vector<ledger::Row> rows;
  bool continued = false;
  bool leaves_hashed = false;  // rows[i].body_matches set by the reader
  absl::flat_hash_map<uint64_t, std::string> tiles;
  absl::flat_hash_map<std::pair<int, uint64_t>, MerkleHash> subtrees;
};

// Reads the tree's chunks on its own thread (Store::ReadForVerify), a few ahead of the consumer:
// at most kAhead chunks (or pieces of chunks) wait, so memory stays bounded however long the
// ledger. Stop() (or the destructor) ends and joins it; the store is the consumer's again.
class RowReader {
 public:
  RowReader(ledger::Store& store, uint64_t size)
      : store_(store), size_(size), thread_([this] { Run(); }) {}
  ~RowReader() { Stop(); }

  // The next chunk, or nullopt after the last.
  absl::StatusOr<std::optional<VerifyChunk>> Next() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](RowReader* r)
             ABSL_NO_THREAD_SAFETY_ANALYSIS { return !r->chunks_.empty() || r->done_; },
        this));
    if (chunks_.empty()) return std::optional<VerifyChunk>();
    absl::StatusOr<VerifyChunk> chunk = std::move(chunks_.front());
    chunks_.pop_front();
    if (!chunk.ok()) return chunk.status();
    return std::optional<VerifyChunk>(std::move(*chunk));
  }

  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  static constexpr size_t kAhead = 3;

  VerifyChunk ToChunk(ledger::VerifyRead&& read) const {
    VerifyChunk chunk;
    chunk.rows = std::move(read.rows);
    chunk.continued = read.continued;
    // The leaf hashes are checked here, on this thread, when reading is local work (SQLite): it
    // balances the work of the two. When a server does the reading, this thread decodes what
    // the server sends while the checking thread hashes.
    chunk.leaves_hashed = !store_.ReadsFromAServer();
    if (chunk.leaves_hashed) {
      for (ledger::Row& row : chunk.rows) {
        row.body_matches = row.pruned || ledger::HashLeaf(Bytes(row.body)) == row.leaf_hash;
      }
    }
    chunk.tiles.reserve(read.tiles.size());
    for (auto& [tile, hashes] : read.tiles) chunk.tiles.emplace(tile, std::move(hashes));
    chunk.subtrees.reserve(read.subtrees.size());
    for (const auto& [level, i, hash] : read.subtrees) {
      chunk.subtrees.emplace(std::make_pair(level, i), hash);
    }
    return chunk;
  }

  void Run() {
    const absl::Status status =
        store_.ReadForVerify(size_, kVerifyChunk, [this](ledger::VerifyRead&& read) {
          VerifyChunk chunk = ToChunk(std::move(read));
          absl::MutexLock lock(&mu_);
          mu_.Await(absl::Condition(
              +[](RowReader* r) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                return r->chunks_.size() < kAhead || r->stop_;
              },
              this));
          if (stop_) return false;
          chunks_.push_back(std::move(chunk));
          return true;
        });
    absl::MutexLock lock(&mu_);
    if (!status.ok() && !stop_) chunks_.push_back(status);
    done_ = true;
  }

  ledger::Store& store_;
  const uint64_t size_;
  absl::Mutex mu_;
  std::deque<absl::StatusOr<VerifyChunk>> chunks_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: started once the rest is built
};

}  // namespace

absl::StatusOr<LedgerVerification> Ledger::Verify() {
  SOCLE_RETURN_IF_ERROR(Flush());
  absl::MutexLock lock(&state_->store_mu);
  ledger::Store& store = *state_->store;
  LedgerVerification report;
  const auto bad = [&](uint64_t index, std::string problem) {
    report.ok = false;
    report.first_bad_index = index;
    report.problem = std::move(problem);
    return report;
  };
  SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, store.Tree());
  SOCLE_ASSIGN_OR_RETURN(const std::vector<ledger::StoredCheckpoint> checkpoints,
                         store.Checkpoints());
  // The checkpoints' signatures first: a forged or foreign one is named by its size.
  std::vector<std::pair<uint64_t, MerkleHash>> expected;  // (size, root), by size
  for (const auto& c : checkpoints) {
    auto opened = state_->OpenNote(c.note);
    if (!opened.ok() || opened->size != c.size) {
      return bad(c.size, absl::StrCat("the checkpoint of size ", c.size,
                                      " is not signed by this ledger's key for this ledger "
                                      "(forged or foreign)"));
    }
    expected.emplace_back(c.size, opened->root_hash);
  }
  std::optional<ledger::Checkpoint> witness;
  auto witness_note = storage::ReadSmallFile(state_->witness_path, kMaxWitnessBytes);
  if (witness_note.ok()) {
    auto opened = state_->OpenNote(*witness_note);
    if (!opened.ok()) {
      return bad(0, "the witness file does not hold a checkpoint signed by this ledger's key");
    }
    witness = *opened;
    if (witness->size > tree.size) {
      return bad(tree.size,
                 absl::StrCat("the database holds ", tree.size,
                              " entries but the last checkpoint kept outside it covers ",
                              witness->size, ": the database was rolled back or truncated"));
    }
    expected.emplace_back(witness->size, witness->root_hash);
    std::sort(expected.begin(), expected.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  } else if (ErrorCodeOf(witness_note.status()) != ErrorCode::kNotFound) {
    return witness_note.status();
  }
  if (!expected.empty() && expected.back().first > tree.size) {
    return bad(tree.size, absl::StrCat("a checkpoint covers ", expected.back().first,
                                       " entries but the tree holds ", tree.size,
                                       ": entries were removed from the end"));
  }

  ledger::CompactRange range;
  size_t next_expected = 0;
  uint64_t index = 0;
  v1::LedgerEntry entry;
  const auto check_roots = [&]() -> std::optional<std::string> {
    while (next_expected < expected.size() && expected[next_expected].first == range.size()) {
      if (range.Root() != expected[next_expected].second) {
        return absl::StrCat("the entries do not hash to the root signed for size ", range.size());
      }
      ++report.checkpoints;
      ++next_expected;
    }
    return std::nullopt;
  };
  if (auto problem = check_roots()) return bad(0, *problem);
  // A reader thread fetches the rows while this one hashes: SQLite's reads and the hashing
  // each take about half the time, and the machine has a second core. Only the reader uses the
  // store until it is joined (the store's mutex is held throughout).
  RowReader reader(store, tree.size);
  // The tile being rebuilt from the appends (its leaves, then its nodes of 2, 4, 8 leaves).
  std::array<MerkleHash, ledger::kTileHashes> tile{};
  // The stored tiles and roots of the chunk being checked (from its first piece).
  absl::flat_hash_map<uint64_t, std::string> tiles;
  absl::flat_hash_map<std::pair<int, uint64_t>, MerkleHash> subtrees;
  while (true) {
    SOCLE_ASSIGN_OR_RETURN(std::optional<VerifyChunk> next, reader.Next());
    if (!next.has_value()) break;
    VerifyChunk& chunk = *next;
    if (!chunk.continued) {
      tiles = std::move(chunk.tiles);
      subtrees = std::move(chunk.subtrees);
    }
    for (const ledger::Row& row : chunk.rows) {
      if (row.index != index) {
        if (index < tree.size) {
          return bad(index, absl::StrCat("entry ", index, " is missing (deleted)"));
        }
        return bad(row.index,
                   absl::StrCat("entry ", row.index, " is beyond the tree's size (inserted)"));
      }
      if (index >= tree.size) {
        return bad(index, absl::StrCat("entry ", index, " is beyond the tree's size ", tree.size,
                                       " (inserted)"));
      }
      if (!row.pruned) {
        const bool body_matches = chunk.leaves_hashed
                                      ? row.body_matches
                                      : ledger::HashLeaf(Bytes(row.body)) == row.leaf_hash;
        if (!body_matches) {
          return bad(index, absl::StrCat("entry ", index,
                                         ": its bytes do not match its leaf hash (changed)"));
        }
        if (!entry.ParseFromString(row.body) || entry.time_micros() != row.time_micros ||
            static_cast<int32_t>(entry.type()) != row.type || entry.person() != row.person) {
          return bad(index,
                     absl::StrCat("entry ", index, ": its indexed columns do not match its bytes"));
        }
      }
      if (!crypto::ConstantTimeEquals(state_->RowMac(index, row.leaf_hash), row.mac)) {
        return bad(index, absl::StrCat("entry ", index,
                                       ": its row MAC does not match (changed, moved or "
                                       "inserted)"));
      }
      // What the append stored besides the row must be what the entries give: proofs are
      // read from it.
      std::optional<std::pair<uint64_t, std::string>> derived_problem;
      SOCLE_RETURN_IF_ERROR(range.Append(row.leaf_hash, [&](int level, uint64_t i,
                                                            const MerkleHash& hash) {
        if (level < ledger::kStoredSubtreeLevel) {
          const uint64_t per_tile = ledger::kTileLeaves >> level;
          tile[level == 0 ? i % per_tile : ledger::TileNodePosition(level, i % per_tile)] = hash;
          return;
        }
        const auto stored = subtrees.find(std::make_pair(level, i));
        if (derived_problem.has_value() || (stored != subtrees.end() && stored->second == hash)) {
          return;
        }
        derived_problem.emplace(
            i << level,
            absl::StrCat("the stored root of entries ", i << level, " to ", ((i + 1) << level) - 1,
                         " is ", stored == subtrees.end() ? "missing" : "wrong",
                         " (the subtrees table was changed)"));
      }));
      if ((index + 1) % ledger::kTileLeaves == 0 && !derived_problem.has_value()) {
        const uint64_t t = index / ledger::kTileLeaves;
        const auto stored = tiles.find(t);
        const absl::string_view expected_tile(reinterpret_cast<const char*>(tile.data()),
                                              sizeof(tile));
        if (stored == tiles.end() || stored->second != expected_tile) {
          // Name the first entry the first wrong hash covers.
          uint64_t first = t * ledger::kTileLeaves;
          if (stored != tiles.end() && stored->second.size() == expected_tile.size()) {
            size_t p = 0;
            while (p < ledger::kTileHashes &&
                   std::memcmp(stored->second.data() + p * ledger::kMerkleHashBytes, tile[p].data(),
                               ledger::kMerkleHashBytes) == 0) {
              ++p;
            }
            for (int level = 0; level <= 3; ++level) {
              const uint64_t per_tile = ledger::kTileLeaves >> level;
              const size_t base = level == 0 ? 0 : ledger::TileNodePosition(level, 0);
              if (p >= base && p < base + per_tile) first += (p - base) << level;
            }
          }
          derived_problem.emplace(
              first,
              absl::StrCat("the stored leaf tile of entries ", t * ledger::kTileLeaves, " to ",
                           index, " is ", stored == tiles.end() ? "missing" : "wrong",
                           " (the leaf_tiles table was changed)"));
        }
      }
      if (derived_problem.has_value()) {
        return bad(derived_problem->first, std::move(derived_problem->second));
      }
      ++index;
      ++report.entries;
      if (auto problem = check_roots()) return bad(index - 1, *problem);
    }
  }
  reader.Stop();
  if (index < tree.size) {
    return bad(index,
               absl::StrCat("entry ", index, " is missing (the tree holds ", tree.size, ")"));
  }
  SOCLE_ASSIGN_OR_RETURN(const std::optional<uint64_t> last, store.LastIndex());
  if (last.has_value() && *last >= tree.size) {
    return bad(*last, absl::StrCat("entry ", *last, " is beyond the tree's size ", tree.size,
                                   " (inserted)"));
  }
  if (range.Serialize() != tree.compact_range) {
    return bad(tree.size, "the stored tree state does not match the entries");
  }
  if (const absl::Status schema = store.SchemaIntegrity(); !schema.ok()) {
    if (ErrorCodeOf(schema) != ErrorCode::kFailedPrecondition) return schema;
    // Every entry verifies, but someone opened the door: say so.
    return bad(tree.size, std::string(schema.message()));
  }
  SOCLE_ASSIGN_OR_RETURN(report.refused_edits, store.RefusedEdits());
  report.ok = true;
  return report;
}

namespace {

std::vector<StoredLedgerEntry> ToEntries(std::vector<ledger::Row> rows) {
  std::vector<StoredLedgerEntry> out;
  out.reserve(rows.size());
  for (ledger::Row& r : rows) {
    StoredLedgerEntry e;
    e.index = r.index;
    e.type = static_cast<LedgerEntryType>(r.type);
    e.time = absl::FromUnixMicros(r.time_micros);
    e.person = std::move(r.person);
    e.bytes = std::move(r.body);
    e.pruned = r.pruned;
    e.leaf_hash = ToLedgerHash(r.leaf_hash);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<StoredLedgerEntry>> Ledger::ReadEntries(uint64_t begin,
                                                                   size_t max_count) {
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, state_->store->Tree());
  if (begin >= tree.size) return std::vector<StoredLedgerEntry>();
  max_count = static_cast<size_t>(std::min<uint64_t>(max_count, tree.size - begin));
  SOCLE_ASSIGN_OR_RETURN(auto rows, state_->store->ReadRows(begin, max_count));
  return ToEntries(std::move(rows));
}

absl::StatusOr<std::vector<StoredLedgerEntry>> Ledger::EntriesAbout(absl::string_view person,
                                                                    absl::Time from, absl::Time to,
                                                                    int64_t after,
                                                                    size_t max_count) {
  SOCLE_ASSIGN_OR_RETURN(const std::string pseudonym, PersonPseudonym(person));
  const int64_t from_us = from == absl::InfinitePast() ? INT64_MIN : Micros(from);
  const int64_t to_us = to == absl::InfiniteFuture() ? INT64_MAX : Micros(to);
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(auto rows,
                         state_->store->RowsAbout(pseudonym, from_us, to_us, after, max_count));
  return ToEntries(std::move(rows));
}

absl::StatusOr<SecretBytes> Ledger::OpenPayload(const StoredLedgerEntry& stored,
                                                absl::string_view person) {
  if (stored.pruned) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("ledger entry ", stored.index,
                                  " was pruned by the retention period: only its hash remains"));
  }
  v1::LedgerEntry entry;
  if (!entry.ParseFromString(stored.bytes)) {
    return MakeError(ErrorCode::kDataLoss,
                     absl::StrCat("ledger entry ", stored.index, " is not a LedgerEntry"));
  }
  if (!entry.sealed_payload().empty()) {
    SOCLE_ASSIGN_OR_RETURN(const std::string pseudonym, PersonPseudonym(person));
    if (pseudonym != entry.person()) {
      return MakeError(ErrorCode::kVerificationFailed,
                       absl::StrCat("ledger entry ", stored.index, " is about another person"));
    }
    return state_->vault->OpenRecord(RecordRef{person, kSealedRecordId, 1},
                                     Bytes(entry.sealed_payload()));
  }
  return SecretBytes(absl::string_view(entry.payload()));
}

std::vector<absl::StatusOr<SecretBytes>> Ledger::OpenPayloads(
    absl::Span<const StoredLedgerEntry> entries, absl::string_view person) {
  std::vector<absl::StatusOr<SecretBytes>> out;
  out.reserve(entries.size());
  // OpenPayload's checks entry by entry; the sealed payloads that pass them are opened together
  // (`at` says whose they are), with the pseudonym computed once.
  std::optional<absl::StatusOr<std::string>> pseudonym;
  std::vector<std::string> sealed;
  std::vector<size_t> at;
  v1::LedgerEntry entry;
  for (const StoredLedgerEntry& stored : entries) {
    if (stored.pruned) {
      out.emplace_back(
          MakeError(ErrorCode::kFailedPrecondition,
                    absl::StrCat("ledger entry ", stored.index,
                                 " was pruned by the retention period: only its hash remains")));
      continue;
    }
    if (!entry.ParseFromString(stored.bytes)) {
      out.emplace_back(MakeError(ErrorCode::kDataLoss, absl::StrCat("ledger entry ", stored.index,
                                                                    " is not a LedgerEntry")));
      continue;
    }
    if (entry.sealed_payload().empty()) {
      out.emplace_back(SecretBytes(absl::string_view(entry.payload())));
      continue;
    }
    if (!pseudonym.has_value()) pseudonym = PersonPseudonym(person);
    if (!pseudonym->ok()) {
      out.emplace_back(pseudonym->status());
    } else if (**pseudonym != entry.person()) {
      out.emplace_back(
          MakeError(ErrorCode::kVerificationFailed,
                    absl::StrCat("ledger entry ", stored.index, " is about another person")));
    } else {
      out.emplace_back(absl::UnknownError("not opened yet"));  // replaced below
      at.push_back(out.size() - 1);
      sealed.push_back(std::move(*entry.mutable_sealed_payload()));
    }
  }
  if (sealed.empty()) return out;
  const std::vector<RecordRef> refs(sealed.size(), RecordRef{person, kSealedRecordId, 1});
  std::vector<absl::Span<const uint8_t>> spans;
  spans.reserve(sealed.size());
  for (const std::string& s : sealed) spans.push_back(Bytes(s));
  absl::StatusOr<std::vector<absl::StatusOr<SecretBytes>>> opened =
      state_->vault->OpenRecords(refs, spans);
  for (size_t i = 0; i < at.size(); ++i) {
    out[at[i]] = opened.ok() ? std::move((*opened)[i]) : opened.status();
  }
  return out;
}

absl::StatusOr<uint64_t> Ledger::PruneBefore(absl::Time cutoff) {
  SOCLE_RETURN_IF_ERROR(Flush());
  absl::MutexLock lock(&state_->store_mu);
  return state_->store->Prune(Micros(cutoff));
}

namespace {

absl::Status TamperAttempt(Ledger& ledger, v1::OperationRecord::Operation operation, uint64_t index,
                           absl::string_view actor) {
  v1::OperationRecord record;
  record.set_operation(operation);
  record.set_actor(std::string(actor));
  record.set_target_index(index);
  record.set_detail(operation == v1::OperationRecord::UPDATE_ATTEMPT ? "update refused"
                                                                     : "delete refused");
  const std::string payload = record.SerializeAsString();
  NewLedgerEntry alert;
  alert.type = LedgerEntryType::kTamperAlert;
  alert.payload = payload;
  SOCLE_ASSIGN_OR_RETURN(const uint64_t ticket, ledger.Append(absl::MakeConstSpan(&alert, 1)));
  SOCLE_ASSIGN_OR_RETURN(const uint64_t at, ledger.WaitDurable(ticket));
  return MakeError(
      ErrorCode::kLogTamperAttempt,
      absl::StrCat("ledger entries are never ",
                   operation == v1::OperationRecord::UPDATE_ATTEMPT ? "changed" : "deleted",
                   ": the attempt on entry ", index, " was recorded as tamper alert ", at));
}

}  // namespace

absl::Status Ledger::UpdateEntry(uint64_t index, absl::string_view actor) {
  return TamperAttempt(*this, v1::OperationRecord::UPDATE_ATTEMPT, index, actor);
}

absl::Status Ledger::DeleteEntry(uint64_t index, absl::string_view actor) {
  return TamperAttempt(*this, v1::OperationRecord::DELETE_ATTEMPT, index, actor);
}

absl::Status Ledger::SaveSnapshot(uint64_t revision, absl::string_view snapshot) {
  SOCLE_RETURN_IF_ERROR(Flush());
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, state_->store->Tree());
  if (revision > tree.size) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("ledger: a snapshot at revision ", revision,
                                  " is beyond the ledger's ", tree.size, " entries"));
  }
  StoreLeaves leaves(*state_->store, tree.size, state_->subtrees);
  SOCLE_ASSIGN_OR_RETURN(const MerkleHash root, ledger::ComputeRoot(leaves, revision));
  ledger::Checkpoint c;
  c.origin = state_->origin;
  c.size = revision;
  c.root_hash = root;
  c.extensions.push_back(SnapshotLine(snapshot));
  SOCLE_ASSIGN_OR_RETURN(std::string note, ledger::SignCheckpoint(c, *state_->signer));
  return state_->store->SaveSnapshot({revision, std::string(snapshot), std::move(note)});
}

absl::StatusOr<std::optional<std::pair<uint64_t, std::string>>> Ledger::LatestSnapshot() {
  absl::MutexLock lock(&state_->store_mu);
  SOCLE_ASSIGN_OR_RETURN(std::optional<ledger::StoredSnapshot> stored,
                         state_->store->LatestSnapshot());
  if (!stored.has_value()) return std::nullopt;
  const auto damaged = [&](absl::string_view what) {
    return MakeError(ErrorCode::kDataLoss, absl::StrCat("ledger: the snapshot at revision ",
                                                        stored->revision, " ", what));
  };
  auto c = state_->OpenNote(stored->note);
  if (!c.ok() || c->size != stored->revision) return damaged("has no valid checkpoint");
  if (c->extensions.size() != 1 || c->extensions[0] != SnapshotLine(stored->bytes)) {
    return damaged("does not match the hash its checkpoint signs");
  }
  SOCLE_ASSIGN_OR_RETURN(const ledger::TreeState tree, state_->store->Tree());
  if (stored->revision > tree.size) return damaged("is beyond the ledger's entries");
  StoreLeaves leaves(*state_->store, tree.size, state_->subtrees);
  SOCLE_ASSIGN_OR_RETURN(const MerkleHash root, ledger::ComputeRoot(leaves, stored->revision));
  if (root != c->root_hash) return damaged("was taken on other entries than the ledger's");
  return std::make_pair(stored->revision, std::move(stored->bytes));
}

absl::StatusOr<std::unique_ptr<RecordWatch>> Ledger::WatchGrowth() {
  absl::MutexLock lock(&state_->store_mu);
  return state_->store->WatchGrowth();
}

absl::Status Ledger::AppendAt(uint64_t first_index, absl::Span<const NewLedgerEntry> entries) {
  SOCLE_RETURN_IF_ERROR(state_->rolled_back);
  SOCLE_RETURN_IF_ERROR(state_->schema_integrity);
  SOCLE_ASSIGN_OR_RETURN(std::vector<PendingEntry> pending, state_->Prepare(entries));
  SOCLE_RETURN_IF_ERROR(Flush());
  absl::MutexLock lock(&state_->store_mu);
  auto written = state_->Write(pending, false, first_index);
  if (!written.ok()) {
    state_->range_bytes.clear();
    state_->tail_start = UINT64_MAX;
  }
  return written.status();
}

}  // namespace socle
