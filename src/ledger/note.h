// Signed notes in the C2SP signed-note format (https://c2sp.org/signed-note), the envelope of
// the ledger's checkpoints. Byte for byte the format of the Go checksum database's note package
// (golang.org/x/mod/sumdb/note), its reference implementation:
//
//   <text: UTF-8, no control character but newline, ends with a newline>
//   <a blank line>
//   — <key name> <base64(4-byte key hash || Ed25519 signature)>\n    (one line per signature)
//
// The key hash is the first 4 bytes (big-endian) of SHA-256(name || "\n" || 0x01 || public key).
// Keys travel as text: a signer key "PRIVATE+KEY+<name>+<8 hex hash>+<base64(0x01 || seed)>"
// (a secret: held in SecretBytes, never in a message) and a verifier key
// "<name>+<8 hex hash>+<base64(0x01 || public key)>".
//
// Thread safety: NoteSigner and NoteVerifier are immutable once made; their const methods and
// the free functions may run concurrently.
#ifndef SOCLE_SRC_LEDGER_NOTE_H_
#define SOCLE_SRC_LEDGER_NOTE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/crypto.h"

namespace socle::ledger {

// The only signature algorithm of the format socle speaks: Ed25519.
inline constexpr uint8_t kNoteAlgEd25519 = 0x01;
// The Go package refuses a note with more than 100 signature lines; so does socle.
inline constexpr size_t kMaxNoteSignatures = 100;
// The largest signed note socle opens. The Go package has no size limit; a checkpoint is a few
// hundred bytes, so 1 MiB bounds the work a hostile note can cause and refuses nothing real.
inline constexpr size_t kMaxNoteBytes = size_t{1} << 20;

// A key name is valid when it is non-empty UTF-8 without a '+' or any Unicode white space (the
// set of Go's unicode.IsSpace).
bool IsValidKeyName(absl::string_view name);

// First 4 bytes, big-endian, of SHA-256(name || "\n" || key), where `key` starts with the
// algorithm byte.
uint32_t NoteKeyHash(absl::string_view name, absl::Span<const uint8_t> key);

// Checks that `text` can be the text of a note: UTF-8, no control character but newline, ends
// with a newline. INVALID_ARGUMENT naming the first bad byte's offset otherwise.
absl::Status CheckNoteText(absl::string_view text);

// An Ed25519 signing key with its name. Immutable; move-only (it holds the secret key).
class NoteSigner {
 public:
  // Parses a signer key "PRIVATE+KEY+<name>+<hash>+<base64>". PARSE when it is malformed,
  // UNSUPPORTED for an algorithm other than Ed25519, VERIFICATION_FAILED when the hash does not
  // match the key. Messages never quote the key.
  static absl::StatusOr<NoteSigner> Parse(absl::string_view signer_key);
  // A signer named `name` (IsValidKeyName) from a 32-byte Ed25519 seed.
  static absl::StatusOr<NoteSigner> FromSeed(absl::string_view name, const SecretBytes& seed);
  // A fresh random key named `name`.
  static absl::StatusOr<NoteSigner> Generate(absl::string_view name);

  NoteSigner(NoteSigner&&) = default;
  NoteSigner& operator=(NoteSigner&&) = default;

  const std::string& name() const { return name_; }
  uint32_t key_hash() const { return key_hash_; }
  const std::array<uint8_t, crypto::kSignPublicKeyBytes>& public_key() const {
    return key_.public_key;
  }
  // The verifier key of this signer ("<name>+<hash>+<base64>"): public.
  std::string VerifierKey() const;
  // The signer key text ("PRIVATE+KEY+..."), a secret: for key files only.
  SecretBytes SignerKey() const;
  // The Ed25519 signature of `message`.
  std::array<uint8_t, crypto::kSignatureBytes> Sign(absl::string_view message) const;

 private:
  NoteSigner(std::string name, uint32_t key_hash, crypto::SigningKeyPair key)
      : name_(std::move(name)), key_hash_(key_hash), key_(std::move(key)) {}
  std::string name_;
  uint32_t key_hash_;
  crypto::SigningKeyPair key_;
};

// An Ed25519 verifier key with its name. Immutable, copyable.
class NoteVerifier {
 public:
  // Parses a verifier key "<name>+<hash>+<base64>". PARSE when it is malformed, UNSUPPORTED for
  // an algorithm other than Ed25519, VERIFICATION_FAILED when the hash does not match the key.
  static absl::StatusOr<NoteVerifier> Parse(absl::string_view verifier_key);

  const std::string& name() const { return name_; }
  uint32_t key_hash() const { return key_hash_; }
  // "<name>+<hash>+<base64>", as Parse reads it.
  std::string Key() const;
  // True when `signature` is a valid Ed25519 signature of `message` by this key.
  bool Verify(absl::string_view message, absl::Span<const uint8_t> signature) const;

 private:
  NoteVerifier(std::string name, uint32_t key_hash,
               const std::array<uint8_t, crypto::kSignPublicKeyBytes>& public_key)
      : name_(std::move(name)), key_hash_(key_hash), public_key_(public_key) {}
  std::string name_;
  uint32_t key_hash_;
  std::array<uint8_t, crypto::kSignPublicKeyBytes> public_key_;
};

// One signature line of a note: the key's name and hash and the line's base64 as written.
struct NoteSignature {
  std::string name;
  uint32_t key_hash = 0;
  std::string base64;
};

// An opened note: its text, the signatures verified by a known key, and the lines of unknown keys
// (kept, not checked).
struct Note {
  std::string text;
  std::vector<NoteSignature> verified;
  std::vector<NoteSignature> unverified;
};

// Signs `text` (CheckNoteText) with every signer, in order: text, a blank line, one signature
// line per signer. INVALID_ARGUMENT when the text is not a note's or no signer is given.
absl::StatusOr<std::string> SignNote(absl::string_view text,
                                     absl::Span<const NoteSigner* const> signers);
absl::StatusOr<std::string> SignNote(absl::string_view text, const NoteSigner& signer);

// Opens a signed note with the verifiers of the keys the caller trusts. The rules of the Go
// package's Open: signature lines of unknown keys are kept unverified; a line of a known key
// must verify (VERIFICATION_FAILED naming the key otherwise); at least one known key must have
// signed (VERIFICATION_FAILED otherwise); a repeated line of the same key counts once. PARSE
// naming what is wrong for a malformed note (bad UTF-8 or control character, no blank line
// before the signatures, a bad signature line, more than kMaxNoteSignatures lines, larger than
// kMaxNoteBytes); INVALID_ARGUMENT when two known verifiers share a name and hash.
absl::StatusOr<Note> OpenNote(absl::string_view signed_note,
                              absl::Span<const NoteVerifier> known);

}  // namespace socle::ledger

#endif  // SOCLE_SRC_LEDGER_NOTE_H_
