// Whether anything was committed to a WAL database since an earlier look, known without a read
// transaction: the vault's KeyCreation::kRefuseIfShredded seal of a cached key asks this instead
// of reading the database on every call.
//
// Every connection of every process that commits to a database in WAL mode writes the WAL-index
// header in the database's shared memory (the "-shm" file of the unix VFS) before its COMMIT
// returns, and moves its change counter on (https://www.sqlite.org/walformat.html, "The
// WAL-Index Header"). A new read transaction reads that header to find its snapshot, so a header
// that still holds what it held at an earlier look means that no transaction committed since,
// by anyone (this connection included), could be seen by a read begun now. The header is read
// here the way SQLite's readers read it without a lock: both copies, the second after the first,
// and only when they agree. `PRAGMA data_version` and SQLITE_FCNTL_DATA_VERSION would tell the
// same only inside a read transaction, whose shared-memory locks cost as much as the read they
// were meant to save.
//
// Thread safety: Fingerprint is safe for concurrent use (it only reads shared memory).
#ifndef SOCLE_SRC_VAULT_COMMIT_WATCH_H_
#define SOCLE_SRC_VAULT_COMMIT_WATCH_H_

#include <sqlite3.h>

#include <cstdint>
#include <optional>

namespace socle::vault_internal {

class CommitWatch {
 public:
  // Never a fingerprint: the value a cached key holds before any read of the database vouched
  // for it.
  static constexpr uint64_t kNone = UINT64_MAX;

  // Maps region 0 of the WAL index of `db`'s main database through the connection's own file
  // object (the VFS's xShmMap, the call SQLite's WAL code makes), after a read that makes sure
  // the WAL index is open. Call it while no other thread uses the connection. Without a
  // shared-memory WAL index (another journal mode, a VFS without shared memory) every
  // Fingerprint() is nullopt. The mapping is the connection's: it lives as
  // long as the connection stays open, and so may this object's use of it.
  explicit CommitWatch(sqlite3* db);

  // A value that changes with every transaction committed to the database by any connection of
  // any process, read without a lock or a system call; nullopt (never kNone) when it cannot be
  // read consistently now (a writer is updating the header, or there is no shared memory).
  std::optional<uint64_t> Fingerprint() const;

 private:
  const volatile uint32_t* header_ = nullptr;
};

}  // namespace socle::vault_internal

#endif  // SOCLE_SRC_VAULT_COMMIT_WATCH_H_
