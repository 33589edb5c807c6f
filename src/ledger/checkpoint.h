// Checkpoints in the C2SP tlog-checkpoint format (https://c2sp.org/tlog-checkpoint): the signed
// statement "the log <origin> has <size> entries and this root hash", carried as the text of a
// signed note (ledger/note.h):
//
//   <origin>\n                  a unique name of the log (a schema-less URL by convention)
//   <tree size>\n               decimal, no sign, no leading zero
//   <base64 root hash>\n        the RFC 9162 root hash (32 bytes), standard padded base64
//   [<extension line>\n ...]    optional, each non-empty
//
// Thread safety: plain values and free functions, safe to use from any thread.
#ifndef SOCLE_SRC_LEDGER_CHECKPOINT_H_
#define SOCLE_SRC_LEDGER_CHECKPOINT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/crypto.h"
#include "ledger/note.h"

namespace socle::ledger {

// Hard limits of the parser (a checkpoint is a few hundred bytes).
inline constexpr size_t kMaxCheckpointBytes = 64 * 1024;
inline constexpr size_t kMaxCheckpointOriginBytes = 1024;
inline constexpr size_t kMaxCheckpointExtensions = 64;

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  crypto::Hash256 root_hash{};
  std::vector<std::string> extensions;  // without their newlines

  bool operator==(const Checkpoint&) const = default;
};

// The checkpoint's text. INVALID_ARGUMENT when a field cannot be written (an empty or too long
// origin, an empty extension line, a newline or control character in a line, too many
// extensions).
absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// Parses a checkpoint's text (the text of a signed note). PARSE naming the line and what is
// wrong: a missing line, an empty or too long origin, a size that is not canonical decimal or
// overflows 64 bits, a root hash that is not the base64 of 32 bytes, an empty extension line,
// more than kMaxCheckpointExtensions extensions, more than kMaxCheckpointBytes, a text that does
// not end with a newline or holds a control character or invalid UTF-8.
absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text);

// The signed note of `checkpoint` signed by `signer`.
absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer);

// Opens a signed checkpoint (OpenNote with `known`), parses its text and checks that its origin is
// `origin` (VERIFICATION_FAILED naming both otherwise: a checkpoint of another log).
absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view signed_note, absl::string_view origin,
                                          absl::Span<const NoteVerifier> known);

}  // namespace socle::ledger

#endif  // SOCLE_SRC_LEDGER_CHECKPOINT_H_
