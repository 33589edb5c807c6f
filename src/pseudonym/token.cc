#include "pseudonym/token.h"

#include <array>
#include <cstring>
#include <utility>

#include "pseudonym/domain.h"
#include "pseudonym/text_form.h"
#include "socle/error.hpp"
#include "socle/pseudonym.hpp"

namespace socle::pseudonym_internal {
namespace {

absl::Status Failed() { return MakeError(ErrorCode::kVerificationFailed, "verification failed"); }

// Wipes a stack buffer when it goes out of scope, whatever the path.
template <size_t N>
struct WipedArray {
  std::array<uint8_t, N> bytes{};
  ~WipedArray() { crypto::Wipe(absl::MakeSpan(bytes)); }
};

}  // namespace

size_t TokenBucket(size_t n) {
  if (n == 0 || n > kMaxTokenIdentifierBytes) return 0;
  size_t bucket = 16;
  while (bucket < n + 1) bucket *= 2;  // room for the 0x80 marker
  return bucket;
}

uint32_t TokenTextVersion(absl::string_view token_text) {
  if (token_text.empty() || token_text[0] != kTokenTag) return 0;
  for (size_t bucket = 16; bucket <= kMaxTokenBucket; bucket *= 2) {
    if (token_text.size() == kTextHeaderLength + Base64UrlLength(kTokenSivBytes + bucket + 16)) {
      return DecodeVersion(token_text);
    }
  }
  return 0;
}

absl::StatusOr<TokenKeys> TokenKeys::Create(const SecretBytes& mac_key, SecretBytes enc_key,
                                            uint32_t version, absl::string_view domain) {
  auto mac = crypto::KeyedHasher::Create(mac_key.span(), kSivPersonal, kTokenSivBytes);
  if (!mac.ok()) return mac.status();
  std::vector<uint8_t> ad(kTokenAdLabel.begin(), kTokenAdLabel.end());
  ad.push_back(0);
  for (int shift = 24; shift >= 0; shift -= 8) ad.push_back((version >> shift) & 0xff);
  ad.push_back((domain.size() >> 8) & 0xff);
  ad.push_back(domain.size() & 0xff);
  ad.insert(ad.end(), domain.begin(), domain.end());
  return TokenKeys(*std::move(mac), std::move(enc_key), version, std::move(ad));
}

absl::StatusOr<size_t> TokenKeys::Seal(absl::string_view identifier, absl::Span<char> out) const {
  const size_t bucket = TokenBucket(identifier.size());
  if (bucket == 0) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "token: the identifier must be 1 to 255 bytes, not " + std::to_string(identifier.size()));
  }
  const size_t text_len = TokenTextLength(identifier.size());
  if (out.size() < text_len) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "token: the output holds " + std::to_string(out.size()) +
                         " characters; this token needs " + std::to_string(text_len));
  }
  WipedArray<kMaxTokenBucket> padded;
  std::memcpy(padded.bytes.data(), identifier.data(), identifier.size());
  padded.bytes[identifier.size()] = 0x80;  // the rest is already zero
  const auto plain = absl::MakeConstSpan(padded.bytes.data(), bucket);

  WipedArray<kMaxTokenBytes> token;  // siv || ciphertext || tag
  mac_.Hash2(ad_, plain, token.bytes.data());
  const auto siv = absl::MakeConstSpan(token.bytes.data(), kTokenSivBytes);
  const auto sealed = absl::MakeSpan(token.bytes.data() + kTokenSivBytes, bucket + 16);
  const absl::Status st = crypto::AeadSealWithNonce(enc_, siv, plain, ad_, sealed);
  if (!st.ok()) return st;
  EncodeHeader(kTokenTag, version_, out.data());
  EncodeBase64Url(absl::MakeConstSpan(token.bytes.data(), kTokenSivBytes + bucket + 16),
                  out.data() + kTextHeaderLength);
  return text_len;
}

absl::StatusOr<SecretBytes> TokenKeys::Open(absl::string_view token_text) const {
  if (TokenTextVersion(token_text) != version_) return Failed();
  const size_t token_len = (token_text.size() - kTextHeaderLength) * 6 / 8;
  if (token_len < kTokenSivBytes + 16 + 16) return Failed();
  const size_t bucket = token_len - kTokenSivBytes - 16;
  WipedArray<kMaxTokenBytes> token;
  if (!DecodeBase64Url(token_text.substr(kTextHeaderLength),
                       absl::MakeSpan(token.bytes.data(), token_len))) {
    return Failed();
  }
  const auto siv = absl::MakeConstSpan(token.bytes.data(), kTokenSivBytes);
  WipedArray<kMaxTokenBucket> padded;
  const auto plain = absl::MakeSpan(padded.bytes.data(), bucket);
  if (!crypto::AeadOpenWithNonce(
           enc_, siv, absl::MakeConstSpan(token.bytes.data() + kTokenSivBytes, bucket + 16), ad_,
           plain)
           .ok()) {
    return Failed();
  }
  // The tag proves the ciphertext was made with the key; the recomputed IV proves it was made
  // by this construction (a deterministic token for exactly this plaintext).
  std::array<uint8_t, kTokenSivBytes> expected;
  mac_.Hash2(ad_, plain, expected.data());
  if (!crypto::ConstantTimeEquals(expected, siv)) return Failed();
  // Canonical padding: the last non-zero byte is the 0x80 marker, and the bucket is the
  // smallest for that length.
  size_t end = bucket;
  while (end > 0 && plain[end - 1] == 0) --end;
  if (end == 0 || plain[end - 1] != 0x80) return Failed();
  const size_t n = end - 1;
  if (TokenBucket(n) != bucket) return Failed();
  return SecretBytes(plain.data(), n);
}

}  // namespace socle::pseudonym_internal

namespace socle {

size_t TokenTextLength(size_t identifier_bytes) {
  const size_t bucket = pseudonym_internal::TokenBucket(identifier_bytes);
  if (bucket == 0) return 0;
  return pseudonym_internal::kTextHeaderLength +
         pseudonym_internal::Base64UrlLength(pseudonym_internal::kTokenSivBytes + bucket + 16);
}

static_assert(pseudonym_internal::kTextHeaderLength +
                  pseudonym_internal::Base64UrlLength(pseudonym_internal::kMaxTokenBytes) ==
              kMaxTokenTextLength);

}  // namespace socle
