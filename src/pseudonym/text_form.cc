#include "pseudonym/text_form.h"

#include <array>
#include <string>

#include "socle/error.hpp"

namespace socle::pseudonym_internal {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<int8_t, 256> MakeReverse() {
  std::array<int8_t, 256> r{};
  for (auto& v : r) v = -1;
  for (int i = 0; i < 64; ++i) r[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return r;
}
constexpr std::array<int8_t, 256> kReverse = MakeReverse();

}  // namespace

void EncodeBase64Url(absl::Span<const uint8_t> in, char* out) {
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    *out++ = kAlphabet[(v >> 18) & 63];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = kAlphabet[(v >> 6) & 63];
    *out++ = kAlphabet[v & 63];
  }
  const size_t rest = in.size() - i;
  if (rest == 1) {
    const uint32_t v = uint32_t{in[i]} << 16;
    *out++ = kAlphabet[(v >> 18) & 63];
    *out++ = kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    *out++ = kAlphabet[(v >> 18) & 63];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = kAlphabet[(v >> 6) & 63];
  }
}

bool DecodeBase64Url(absl::string_view text, absl::Span<uint8_t> out) {
  if (text.size() != Base64UrlLength(out.size())) return false;
  size_t o = 0;
  size_t t = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (; t < text.size(); ++t) {
    const int8_t v = kReverse[static_cast<uint8_t>(text[t])];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<uint8_t>(acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  // The bits left over must be zero, or two texts would decode to the same bytes.
  return o == out.size() && acc == 0;
}

char KindTag(PseudonymKind kind) {
  switch (kind) {
    case PseudonymKind::kPerson:
      return 'P';
    case PseudonymKind::kRelationship:
      return 'R';
    case PseudonymKind::kTransaction:
      return 'T';
  }
  return '?';
}

void EncodeHeader(char tag, uint32_t version, char* out) {
  out[0] = tag;
  out[1] = static_cast<char>('0' + (version / 1000) % 10);
  out[2] = static_cast<char>('0' + (version / 100) % 10);
  out[3] = static_cast<char>('0' + (version / 10) % 10);
  out[4] = static_cast<char>('0' + version % 10);
}

uint32_t DecodeVersion(absl::string_view text) {
  if (text.size() < kTextHeaderLength) return 0;
  uint32_t v = 0;
  for (size_t i = 1; i < kTextHeaderLength; ++i) {
    if (text[i] < '0' || text[i] > '9') return 0;
    v = v * 10 + static_cast<uint32_t>(text[i] - '0');
  }
  return v;
}

void EncodePseudonymText(PseudonymKind kind, uint32_t version, const uint8_t* bytes, char* out) {
  EncodeHeader(KindTag(kind), version, out);
  EncodeBase64Url(absl::MakeConstSpan(bytes, kPseudonymBytes), out + kTextHeaderLength);
}

}  // namespace socle::pseudonym_internal

namespace socle {

using pseudonym_internal::Base64UrlLength;
using pseudonym_internal::kTextHeaderLength;

static_assert(kTextHeaderLength + Base64UrlLength(kPseudonymBytes) == kPseudonymTextLength);

absl::Status Pseudonym::ToText(absl::Span<char> out) const {
  if (out.size() < kPseudonymTextLength) {
    return MakeError(ErrorCode::kInvalidArgument, "pseudonym text: the output holds " +
                                                      std::to_string(out.size()) +
                                                      " characters; the text form needs 27");
  }
  if (version < 1 || version > kMaxPseudonymVersion) {
    return MakeError(ErrorCode::kOutOfRange, "pseudonym text: the version must be 1 to 9999, not " +
                                                 std::to_string(version));
  }
  if (pseudonym_internal::KindTag(kind) == '?') {
    return MakeError(ErrorCode::kInvalidArgument, "pseudonym text: unknown kind");
  }
  pseudonym_internal::EncodePseudonymText(kind, version, bytes.data(), out.data());
  return absl::OkStatus();
}

std::string Pseudonym::ToText() const {
  std::string s(kPseudonymTextLength, '\0');
  if (!ToText(absl::MakeSpan(s)).ok()) return std::string();
  return s;
}

absl::StatusOr<Pseudonym> Pseudonym::Parse(absl::string_view text) {
  // Messages describe the shape only: the text itself is pseudonymous data.
  if (text.size() != kPseudonymTextLength) {
    return MakeError(ErrorCode::kParse,
                     "pseudonym text: expected 27 characters, got " + std::to_string(text.size()));
  }
  Pseudonym p;
  switch (text[0]) {
    case 'P':
      p.kind = PseudonymKind::kPerson;
      break;
    case 'R':
      p.kind = PseudonymKind::kRelationship;
      break;
    case 'T':
      p.kind = PseudonymKind::kTransaction;
      break;
    default:
      return MakeError(ErrorCode::kParse, "pseudonym text: the first character must be P, R or T");
  }
  p.version = pseudonym_internal::DecodeVersion(text);
  if (p.version == 0) {
    return MakeError(ErrorCode::kParse,
                     "pseudonym text: characters 2 to 5 must be a version 0001 to 9999");
  }
  if (!pseudonym_internal::DecodeBase64Url(text.substr(kTextHeaderLength),
                                           absl::MakeSpan(p.bytes))) {
    return MakeError(ErrorCode::kParse,
                     "pseudonym text: characters 6 to 27 are not canonical base64url");
  }
  return p;
}

}  // namespace socle
