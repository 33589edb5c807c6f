// The text forms of pseudonyms and tokens (docs/pseudonyms.md, "Text form"): a kind letter, the
// key version as 4 decimal digits, then base64url (RFC 4648 §5) without padding. Decoding is
// strict: one text per value (no padding, no whitespace, unused bits zero), so two different
// strings never name the same pseudonym.
#ifndef SOCLE_SRC_PSEUDONYM_TEXT_FORM_H_
#define SOCLE_SRC_PSEUDONYM_TEXT_FORM_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/pseudonym.hpp"

namespace socle::pseudonym_internal {

inline constexpr size_t kVersionDigits = 4;
inline constexpr size_t kTextHeaderLength = 1 + kVersionDigits;
inline constexpr char kTokenTag = 'K';

// The length of the base64url text (no padding) of `n` bytes.
constexpr size_t Base64UrlLength(size_t n) { return (n / 3) * 4 + (n % 3 == 0 ? 0 : n % 3 + 1); }

// Writes Base64UrlLength(in.size()) characters to `out`.
void EncodeBase64Url(absl::Span<const uint8_t> in, char* out);
// Decodes exactly `out.size()` bytes from `text` (which must be Base64UrlLength(out.size())
// characters of the alphabet with zero unused bits). False on any deviation.
bool DecodeBase64Url(absl::string_view text, absl::Span<uint8_t> out);

// 'P', 'R', 'T'.
char KindTag(PseudonymKind kind);
// Writes the kind letter and the 4 digits of `version` (1..9999) to out[0..4].
void EncodeHeader(char tag, uint32_t version, char* out);
// Reads a version written by EncodeHeader from text[1..4]; 0 when it is not 4 digits or 0000.
uint32_t DecodeVersion(absl::string_view text);

// The whole text form of a pseudonym, kPseudonymTextLength chars. The version must be valid.
void EncodePseudonymText(PseudonymKind kind, uint32_t version, const uint8_t* bytes, char* out);

}  // namespace socle::pseudonym_internal

#endif  // SOCLE_SRC_PSEUDONYM_TEXT_FORM_H_
