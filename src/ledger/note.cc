#include "ledger/note.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::ledger {
namespace {

constexpr absl::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, then a space
constexpr absl::string_view kPrivateKeyPrefix = "PRIVATE+KEY+";

// Decodes one UTF-8 sequence at the start of `s` (non-empty) into `*rune`; returns its length, or
// 0 when it is not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included), as
// Go's utf8.DecodeRune reports RuneError with size 1.
size_t DecodeRune(absl::string_view s, uint32_t* rune) {
  const auto b0 = static_cast<uint8_t>(s[0]);
  if (b0 < 0x80) {
    *rune = b0;
    return 1;
  }
  size_t len;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *rune = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *rune = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *rune = b0 & 0x07;
  } else {
    return 0;
  }
  if (s.size() < len) return 0;
  for (size_t i = 1; i < len; ++i) {
    const auto b = static_cast<uint8_t>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    *rune = (*rune << 6) | (b & 0x3F);
  }
  if (*rune < min || *rune > 0x10FFFF || (*rune >= 0xD800 && *rune <= 0xDFFF)) return 0;
  return len;
}

// Go's unicode.IsSpace.
bool IsSpace(uint32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

// Splits `s` at the first `sep`: (before, after), or (s, "") when there is none (Go's chop).
std::pair<absl::string_view, absl::string_view> Chop(absl::string_view s, char sep) {
  const size_t i = s.find(sep);
  if (i == absl::string_view::npos) return {s, absl::string_view()};
  return {s.substr(0, i), s.substr(i + 1)};
}

// Parses exactly 8 hex digits (either case), as Go's strconv.ParseUint(s, 16, 32) with its
// length check.
bool ParseHash(absl::string_view hex, uint32_t* out) {
  if (hex.size() != 8) return false;
  uint32_t value = 0;
  for (char c : hex) {
    uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return false;
    }
    value = (value << 4) | digit;
  }
  *out = value;
  return true;
}

absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::vector<uint8_t> AlgAndKey(absl::Span<const uint8_t> key) {
  std::vector<uint8_t> out;
  out.reserve(1 + key.size());
  out.push_back(kNoteAlgEd25519);
  out.insert(out.end(), key.begin(), key.end());
  return out;
}

// The common tail of both key forms: "<name>+<hash>+<base64(alg || key)>". `what` names the
// form in messages; the key itself is never quoted.
struct KeyParts {
  absl::string_view name;
  uint32_t hash = 0;
  std::vector<uint8_t> key;  // without the algorithm byte
};
absl::StatusOr<KeyParts> ParseKeyParts(absl::string_view text, absl::string_view what) {
  auto [name, rest] = Chop(text, '+');
  auto [hash16, key64] = Chop(rest, '+');
  KeyParts parts;
  parts.name = name;
  if (!IsValidKeyName(name)) {
    return MakeError(ErrorCode::kParse,
                     absl::StrCat(what, ": the key name is empty, not UTF-8, or holds a '+' or "
                                        "white space"));
  }
  if (!ParseHash(hash16, &parts.hash)) {
    return MakeError(ErrorCode::kParse,
                     absl::StrCat(what, " '", name, "': the key hash is not 8 hex digits"));
  }
  std::vector<uint8_t> key;
  if (!crypto::Base64Decode(key64, &key) || key.empty()) {
    return MakeError(ErrorCode::kParse,
                     absl::StrCat(what, " '", name, "': the key is not standard base64"));
  }
  if (key[0] != kNoteAlgEd25519) {
    crypto::Wipe(absl::MakeSpan(key));
    return MakeError(ErrorCode::kUnsupported,
                     absl::StrCat(what, " '", name, "': algorithm ", key[0],
                                  " is not Ed25519 (1)"));
  }
  if (key.size() != 1 + crypto::kSignPublicKeyBytes) {
    crypto::Wipe(absl::MakeSpan(key));
    return MakeError(ErrorCode::kParse,
                     absl::StrCat(what, " '", name, "': an Ed25519 key is 32 bytes"));
  }
  parts.key.assign(key.begin() + 1, key.end());
  crypto::Wipe(absl::MakeSpan(key));
  return parts;
}

absl::Status HashMismatch(absl::string_view what, absl::string_view name) {
  return MakeError(ErrorCode::kVerificationFailed,
                   absl::StrCat(what, " '", name, "': the key hash does not match the key"));
}

}  // namespace

bool IsValidKeyName(absl::string_view name) {
  if (name.empty()) return false;
  while (!name.empty()) {
    uint32_t rune;
    const size_t size = DecodeRune(name, &rune);
    if (size == 0 || rune == '+' || IsSpace(rune)) return false;
    name.remove_prefix(size);
  }
  return true;
}

uint32_t NoteKeyHash(absl::string_view name, absl::Span<const uint8_t> key) {
  std::vector<uint8_t> input;
  input.reserve(name.size() + 1 + key.size());
  input.insert(input.end(), name.begin(), name.end());
  input.push_back('\n');
  input.insert(input.end(), key.begin(), key.end());
  const crypto::Hash256 sum = crypto::Sha256(input);
  return (uint32_t{sum[0]} << 24) | (uint32_t{sum[1]} << 16) | (uint32_t{sum[2]} << 8) | sum[3];
}

absl::Status CheckNoteText(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    uint32_t rune;
    const size_t size = DecodeRune(text.substr(i), &rune);
    if (size == 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("note text: invalid UTF-8 at byte ", i));
    }
    if (rune < 0x20 && rune != '\n') {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("note text: control character ", rune, " at byte ", i));
    }
    i += size;
  }
  if (!absl::EndsWith(text, "\n")) {
    return MakeError(ErrorCode::kInvalidArgument, "note text: does not end with a newline");
  }
  return absl::OkStatus();
}

// ---- NoteSigner ---------------------------------------------------------------------------

absl::StatusOr<NoteSigner> NoteSigner::Parse(absl::string_view signer_key) {
  if (!absl::StartsWith(signer_key, kPrivateKeyPrefix)) {
    return MakeError(ErrorCode::kParse, "signer key: does not start with PRIVATE+KEY+");
  }
  SOCLE_ASSIGN_OR_RETURN(KeyParts parts,
                         ParseKeyParts(signer_key.substr(kPrivateKeyPrefix.size()), "signer key"));
  SecretBytes seed(parts.key.data(), parts.key.size());
  crypto::Wipe(absl::MakeSpan(parts.key));
  SOCLE_ASSIGN_OR_RETURN(crypto::SigningKeyPair pair, crypto::SigningKeyPairFromSeed(seed));
  if (NoteKeyHash(parts.name, AlgAndKey(pair.public_key)) != parts.hash) {
    return HashMismatch("signer key", parts.name);
  }
  return NoteSigner(std::string(parts.name), parts.hash, std::move(pair));
}

absl::StatusOr<NoteSigner> NoteSigner::FromSeed(absl::string_view name, const SecretBytes& seed) {
  if (!IsValidKeyName(name)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "signer: the key name is empty, not UTF-8, or holds a '+' or white space");
  }
  SOCLE_ASSIGN_OR_RETURN(crypto::SigningKeyPair pair, crypto::SigningKeyPairFromSeed(seed));
  const uint32_t hash = NoteKeyHash(name, AlgAndKey(pair.public_key));
  return NoteSigner(std::string(name), hash, std::move(pair));
}

absl::StatusOr<NoteSigner> NoteSigner::Generate(absl::string_view name) {
  return FromSeed(name, SecretBytes::Random(32));
}

std::string NoteSigner::VerifierKey() const {
  return absl::StrFormat("%s+%08x+%s", name_, key_hash_,
                         crypto::Base64Encode(AlgAndKey(key_.public_key)));
}

SecretBytes NoteSigner::SignerKey() const {
  // libsodium keeps seed || public key: the seed is the first 32 bytes.
  std::vector<uint8_t> alg_seed = AlgAndKey(key_.secret_key.span().subspan(0, 32));
  std::string seed64 = crypto::Base64Encode(alg_seed);
  std::string text = absl::StrFormat("PRIVATE+KEY+%s+%08x+%s", name_, key_hash_, seed64);
  SecretBytes out(text);
  // Every copy of the seed but `out` is wiped.
  crypto::Wipe(absl::MakeSpan(alg_seed));
  crypto::Wipe(absl::MakeSpan(reinterpret_cast<uint8_t*>(seed64.data()), seed64.size()));
  crypto::Wipe(absl::MakeSpan(reinterpret_cast<uint8_t*>(text.data()), text.size()));
  return out;
}

std::array<uint8_t, crypto::kSignatureBytes> NoteSigner::Sign(absl::string_view message) const {
  return crypto::Sign(key_, Bytes(message));
}

// ---- NoteVerifier -------------------------------------------------------------------------

absl::StatusOr<NoteVerifier> NoteVerifier::Parse(absl::string_view verifier_key) {
  SOCLE_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(verifier_key, "verifier key"));
  if (NoteKeyHash(parts.name, AlgAndKey(parts.key)) != parts.hash) {
    return HashMismatch("verifier key", parts.name);
  }
  std::array<uint8_t, crypto::kSignPublicKeyBytes> public_key;
  std::copy(parts.key.begin(), parts.key.end(), public_key.begin());
  return NoteVerifier(std::string(parts.name), parts.hash, public_key);
}

std::string NoteVerifier::Key() const {
  return absl::StrFormat("%s+%08x+%s", name_, key_hash_,
                         crypto::Base64Encode(AlgAndKey(public_key_)));
}

bool NoteVerifier::Verify(absl::string_view message, absl::Span<const uint8_t> signature) const {
  return crypto::Verify(public_key_, Bytes(message), signature).ok();
}

// ---- Signing and opening ------------------------------------------------------------------

absl::StatusOr<std::string> SignNote(absl::string_view text,
                                     absl::Span<const NoteSigner* const> signers) {
  SOCLE_RETURN_IF_ERROR(CheckNoteText(text));
  if (signers.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "sign note: no signer");
  }
  std::string out(text);
  out += '\n';
  for (const NoteSigner* signer : signers) {
    if (signer == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument, "sign note: a null signer");
    }
    const auto signature = signer->Sign(text);
    std::array<uint8_t, 4 + crypto::kSignatureBytes> raw;
    const uint32_t hash = signer->key_hash();
    raw[0] = hash >> 24, raw[1] = hash >> 16, raw[2] = hash >> 8, raw[3] = hash;
    std::copy(signature.begin(), signature.end(), raw.begin() + 4);
    absl::StrAppend(&out, kSignaturePrefix, signer->name(), " ", crypto::Base64Encode(raw), "\n");
  }
  return out;
}

absl::StatusOr<std::string> SignNote(absl::string_view text, const NoteSigner& signer) {
  const NoteSigner* signers[] = {&signer};
  return SignNote(text, signers);
}

absl::StatusOr<Note> OpenNote(absl::string_view msg, absl::Span<const NoteVerifier> known) {
  if (msg.size() > kMaxNoteBytes) {
    return MakeError(ErrorCode::kParse, absl::StrCat("signed note: ", msg.size(),
                                                     " bytes, more than the limit of ",
                                                     kMaxNoteBytes));
  }
  // The whole note obeys the text rules (a signature line is text too), except the final
  // newline rule, checked below.
  for (size_t i = 0; i < msg.size();) {
    uint32_t rune;
    const size_t size = DecodeRune(msg.substr(i), &rune);
    if (size == 0 || (rune < 0x20 && rune != '\n')) {
      return MakeError(ErrorCode::kParse,
                       absl::StrCat("signed note: ", size == 0 ? "invalid UTF-8" : "control character",
                                    " at byte ", i));
    }
    i += size;
  }
  // The signatures follow the last blank line, so the text may hold blank lines of its own.
  const size_t split = msg.rfind("\n\n");
  if (split == absl::string_view::npos) {
    return MakeError(ErrorCode::kParse,
                     "signed note: no blank line between the text and the signatures");
  }
  Note note;
  note.text = std::string(msg.substr(0, split + 1));
  absl::string_view sigs = msg.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') {
    return MakeError(ErrorCode::kParse,
                     "signed note: no signature line, or the last one does not end with a newline");
  }
  absl::flat_hash_set<std::pair<std::string, uint32_t>> seen;
  absl::flat_hash_set<absl::string_view> seen_unverified;
  size_t line_count = 0;
  while (!sigs.empty()) {
    const size_t end = sigs.find('\n');
    absl::string_view line = sigs.substr(0, end);
    sigs.remove_prefix(end + 1);
    ++line_count;
    if (!absl::StartsWith(line, kSignaturePrefix)) {
      return MakeError(ErrorCode::kParse,
                       absl::StrCat("signed note: signature line ", line_count,
                                    " does not start with an em dash and a space"));
    }
    line.remove_prefix(kSignaturePrefix.size());
    auto [name, b64] = Chop(line, ' ');
    std::vector<uint8_t> sig;
    if (!IsValidKeyName(name) || b64.empty() || !crypto::Base64Decode(b64, &sig) ||
        sig.size() < 5) {
      return MakeError(ErrorCode::kParse,
                       absl::StrCat("signed note: signature line ", line_count,
                                    " is not '— <key name> <base64 of key hash and signature>'"));
    }
    if (line_count > kMaxNoteSignatures) {
      return MakeError(ErrorCode::kParse, absl::StrCat("signed note: more than ",
                                                       kMaxNoteSignatures, " signatures"));
    }
    const uint32_t hash = (uint32_t{sig[0]} << 24) | (uint32_t{sig[1]} << 16) |
                          (uint32_t{sig[2]} << 8) | sig[3];
    const NoteVerifier* verifier = nullptr;
    for (const NoteVerifier& v : known) {
      if (v.name() != name || v.key_hash() != hash) continue;
      if (verifier != nullptr) {
        return MakeError(ErrorCode::kInvalidArgument,
                         absl::StrFormat("open note: two known keys are %s+%08x", name, hash));
      }
      verifier = &v;
    }
    if (verifier == nullptr) {
      if (seen_unverified.insert(line).second) {
        note.unverified.push_back({std::string(name), hash, std::string(b64)});
      }
      continue;
    }
    if (!seen.insert({std::string(name), hash}).second) continue;
    if (!verifier->Verify(note.text, absl::MakeConstSpan(sig).subspan(4))) {
      return MakeError(ErrorCode::kVerificationFailed,
                       absl::StrFormat("signed note: invalid signature for key %s+%08x", name,
                                       hash));
    }
    note.verified.push_back({std::string(name), hash, std::string(b64)});
  }
  if (note.verified.empty()) {
    return MakeError(ErrorCode::kVerificationFailed,
                     "signed note: no signature by a known key");
  }
  return note;
}

}  // namespace socle::ledger
