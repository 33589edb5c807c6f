// A SQLite VFS that gathers what SQLite writes to a WAL file into one write per commit.
//
// SQLite writes each frame of a commit with two calls, the 24-byte frame header then the page:
// a commit of 5 pages is 10 pwrite calls, each a system call (about 4 µs on this project's
// VMs, a fifth of a kSync append). This VFS wraps the default one; for WAL files only, it keeps
// consecutive writes in a buffer of 64 KiB and writes them with one call when SQLite syncs the
// file, reads it, asks its size, truncates or closes it, or when the buffer is full. Other files
// are the default VFS's own, untouched.
//
// Only for connections with `PRAGMA synchronous=FULL`: there, every commit syncs the WAL before
// the WAL index makes its frames visible to other connections, so no reader can look for a frame
// still in the buffer, and a failed write is reported by that sync as a failed commit. (With
// synchronous=NORMAL or OFF a commit publishes its frames without syncing: do not use it.)
//
// Thread safety: registered once (any thread); each file is used by its own connection.
#ifndef SOCLE_SRC_STORAGE_WAL_VFS_H_
#define SOCLE_SRC_STORAGE_WAL_VFS_H_

namespace socle::sqlite {

// The VFS's name for sqlite3_open_v2, registered (not as the default) on the first call.
const char* CoalescingWalVfs();

}  // namespace socle::sqlite

#endif  // SOCLE_SRC_STORAGE_WAL_VFS_H_
