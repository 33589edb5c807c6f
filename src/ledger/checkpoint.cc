#include "ledger/checkpoint.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::ledger {
namespace {

absl::Status Malformed(size_t line, absl::string_view what) {
  return MakeError(ErrorCode::kParse, absl::StrCat("checkpoint line ", line, ": ", what));
}

// Canonical decimal: digits only, no leading zero but for "0" itself, at most 2^64 - 1.
bool ParseSize(absl::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 20 || (text.size() > 1 && text[0] == '0')) return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *out = value;
  return true;
}

}  // namespace

absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  if (checkpoint.origin.empty() || checkpoint.origin.size() > kMaxCheckpointOriginBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("checkpoint: the origin must be 1 to ", kMaxCheckpointOriginBytes,
                                  " bytes"));
  }
  if (checkpoint.extensions.size() > kMaxCheckpointExtensions) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("checkpoint: more than ", kMaxCheckpointExtensions,
                                  " extension lines"));
  }
  for (const std::string& extension : checkpoint.extensions) {
    if (extension.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, "checkpoint: an empty extension line");
    }
  }
  std::string text = absl::StrCat(checkpoint.origin, "\n", checkpoint.size, "\n",
                                  crypto::Base64Encode(checkpoint.root_hash), "\n");
  for (const std::string& extension : checkpoint.extensions) absl::StrAppend(&text, extension, "\n");
  // One parser decides what a checkpoint is: what it refuses (a newline or a control character
  // inside a field, a too long text) is refused here too.
  if (absl::StatusOr<Checkpoint> parsed = ParseCheckpoint(text);
      !parsed.ok() || !(*parsed == checkpoint)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("checkpoint: cannot be written as a checkpoint text (",
                                  parsed.ok() ? "a field holds a newline" : parsed.status().message(),
                                  ")"));
  }
  return text;
}

absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text) {
  if (text.size() > kMaxCheckpointBytes) {
    return MakeError(ErrorCode::kParse, absl::StrCat("checkpoint: ", text.size(),
                                                     " bytes, more than the limit of ",
                                                     kMaxCheckpointBytes));
  }
  if (absl::Status status = CheckNoteText(text); !status.ok()) {
    return MakeError(ErrorCode::kParse, absl::StrCat("checkpoint: ", status.message()));
  }
  text.remove_suffix(1);  // the final newline: every line ends with one
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() < 3) {
    return MakeError(ErrorCode::kParse,
                     absl::StrCat("checkpoint: ", lines.size(),
                                  " lines, fewer than the origin, the size and the root hash"));
  }
  Checkpoint checkpoint;
  if (lines[0].empty()) return Malformed(1, "the origin is empty");
  if (lines[0].size() > kMaxCheckpointOriginBytes) {
    return Malformed(1, absl::StrCat("the origin is longer than ", kMaxCheckpointOriginBytes,
                                     " bytes"));
  }
  checkpoint.origin = std::string(lines[0]);
  if (!ParseSize(lines[1], &checkpoint.size)) {
    return Malformed(2, "the tree size is not a decimal number without leading zeros below 2^64");
  }
  std::vector<uint8_t> root;
  if (!crypto::Base64Decode(lines[2], &root) || root.size() != crypto::kHashBytes) {
    return Malformed(3, "the root hash is not the standard base64 of 32 bytes");
  }
  std::copy(root.begin(), root.end(), checkpoint.root_hash.begin());
  if (lines.size() - 3 > kMaxCheckpointExtensions) {
    return MakeError(ErrorCode::kParse, absl::StrCat("checkpoint: more than ",
                                                     kMaxCheckpointExtensions,
                                                     " extension lines"));
  }
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return Malformed(i + 1, "an empty extension line");
    checkpoint.extensions.emplace_back(lines[i]);
  }
  return checkpoint;
}

absl::StatusOr<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NoteSigner& signer) {
  SOCLE_ASSIGN_OR_RETURN(std::string text, FormatCheckpoint(checkpoint));
  return SignNote(text, signer);
}

absl::StatusOr<Checkpoint> OpenCheckpoint(absl::string_view signed_note, absl::string_view origin,
                                          absl::Span<const NoteVerifier> known) {
  SOCLE_ASSIGN_OR_RETURN(Note note, OpenNote(signed_note, known));
  SOCLE_ASSIGN_OR_RETURN(Checkpoint checkpoint, ParseCheckpoint(note.text));
  if (checkpoint.origin != origin) {
    return MakeError(ErrorCode::kVerificationFailed,
                     absl::StrCat("checkpoint: of the log '", checkpoint.origin,
                                  "', not of the log '", origin, "'"));
  }
  return checkpoint;
}

}  // namespace socle::ledger
