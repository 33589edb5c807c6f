#include "vault/format.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::vault_internal {
namespace {

absl::Status VerificationFailed() {
  return MakeError(ErrorCode::kVerificationFailed, "verification failed");
}

absl::Span<const uint8_t> AsBytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

absl::Status CheckTenant(absl::string_view tenant) {
  if (tenant.empty() || tenant.size() > kMaxTenantBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "the tenant id must be 1 to 128 bytes");
  }
  return absl::OkStatus();
}

absl::Status CheckPersonId(absl::string_view person_id) {
  if (person_id.empty() || person_id.size() > kMaxIdBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "the person id must be 1 to 256 bytes");
  }
  return absl::OkStatus();
}

absl::Status CheckRecordRef(const RecordRef& record) {
  SOCLE_RETURN_IF_ERROR(CheckPersonId(record.person_id));
  if (record.record_id.size() > kMaxIdBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "the record id must be at most 256 bytes");
  }
  return absl::OkStatus();
}

absl::Status CheckLedgerName(absl::string_view ledger) {
  const bool valid =
      !ledger.empty() && ledger.size() <= kMaxLedgerNameBytes &&
      std::all_of(ledger.begin(), ledger.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
               c == '-';
      });
  if (!valid) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the ledger name must be 1 to 64 bytes of [a-z0-9_.-]");
  }
  return absl::OkStatus();
}

void PutU32(uint8_t* out, uint32_t v) {
  out[0] = static_cast<uint8_t>(v >> 24);
  out[1] = static_cast<uint8_t>(v >> 16);
  out[2] = static_cast<uint8_t>(v >> 8);
  out[3] = static_cast<uint8_t>(v);
}

uint32_t GetU32(const uint8_t* in) {
  return (uint32_t{in[0]} << 24) | (uint32_t{in[1]} << 16) | (uint32_t{in[2]} << 8) |
         uint32_t{in[3]};
}

Encoder& Encoder::U8(uint8_t v) {
  bytes_.push_back(v);
  return *this;
}

Encoder& Encoder::U32(uint32_t v) {
  uint8_t b[4];
  PutU32(b, v);
  bytes_.insert(bytes_.end(), b, b + 4);
  return *this;
}

Encoder& Encoder::U64(uint64_t v) {
  U32(static_cast<uint32_t>(v >> 32));
  return U32(static_cast<uint32_t>(v));
}

Encoder& Encoder::Field(absl::Span<const uint8_t> bytes) {
  U32(static_cast<uint32_t>(bytes.size()));
  return Raw(bytes);
}

Encoder& Encoder::Field(absl::string_view text) { return Field(AsBytes(text)); }

Encoder& Encoder::Raw(absl::Span<const uint8_t> bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  return *this;
}

std::vector<uint8_t> WrapAssociatedData(KeyKind kind, absl::string_view key_id,
                                        uint32_t master_version, absl::string_view tenant,
                                        absl::Span<const uint8_t> subject,
                                        uint32_t subject_version) {
  Encoder e;
  e.Field(kWrapLabel)
      .U8(static_cast<uint8_t>(kind))
      .Field(key_id)
      .U32(master_version)
      .Field(tenant)
      .Field(subject)
      .U32(subject_version);
  return std::move(e.bytes());
}

RecordAd::RecordAd(absl::Span<const uint8_t> header, absl::string_view tenant,
                   const RecordRef& record) {
  Put(header.data(), header.size());
  PutField(kRecordLabel);
  PutField(tenant);
  PutField(record.person_id);
  PutField(record.record_id);
  uint8_t v[4];
  PutU32(v, record.schema_version);
  Put(v, 4);
}

void RecordAd::Put(const void* p, size_t n) {
  // Lengths were checked by the caller; this guard only keeps a bug from writing past buf_.
  if (n > sizeof buf_ - size_) n = sizeof buf_ - size_;
  if (n > 0) std::memcpy(buf_ + size_, p, n);
  size_ += n;
}

void RecordAd::PutField(absl::string_view s) {
  uint8_t len[4];
  PutU32(len, static_cast<uint32_t>(s.size()));
  Put(len, 4);
  Put(s.data(), s.size());
}

absl::Status SealRecord(const SecretBytes& key, uint32_t key_version, absl::string_view tenant,
                        const RecordRef& record, absl::Span<const uint8_t> nonce,
                        absl::Span<const uint8_t> plaintext, absl::Span<uint8_t> out) {
  SOCLE_ASSIGN_OR_RETURN(const size_t sealed_size,
                         crypto::SealedSize(plaintext.size(), kSealedRecordOverhead));
  if (out.size() != sealed_size || nonce.size() != crypto::kAeadNonceBytes) {
    return MakeError(ErrorCode::kInternal, "sealed record buffer of the wrong size");
  }
  out[0] = kRecordFormatV1;
  PutU32(out.data() + 1, key_version);
  std::memcpy(out.data() + kRecordNonceOffset, nonce.data(), nonce.size());
  const RecordAd ad(out.first(kRecordHeaderBytes), tenant, record);
  return crypto::AeadSealWithNonce(key, out.subspan(kRecordNonceOffset, crypto::kAeadNonceBytes),
                                   plaintext, ad.span(), out.subspan(kRecordCiphertextOffset));
}

absl::StatusOr<uint32_t> RecordKeyVersion(absl::Span<const uint8_t> sealed) {
  if (sealed.size() < kSealedRecordOverhead || sealed[0] != kRecordFormatV1) {
    return VerificationFailed();
  }
  SOCLE_RETURN_IF_ERROR(crypto::CheckSealedSize(sealed.size(), kSealedRecordOverhead));
  return GetU32(sealed.data() + 1);
}

absl::StatusOr<SecretBytes> OpenRecord(const SecretBytes& key, absl::string_view tenant,
                                       const RecordRef& record, absl::Span<const uint8_t> sealed) {
  SOCLE_RETURN_IF_ERROR(RecordKeyVersion(sealed).status());
  const RecordAd ad(sealed.first(kRecordHeaderBytes), tenant, record);
  SecretBytes plain(sealed.size() - kSealedRecordOverhead);
  SOCLE_RETURN_IF_ERROR(
      crypto::AeadOpenWithNonce(key, sealed.subspan(kRecordNonceOffset, crypto::kAeadNonceBytes),
                                sealed.subspan(kRecordCiphertextOffset), ad.span(),
                                absl::MakeSpan(plain.data(), plain.size())));
  return plain;
}

absl::StatusOr<KeyedTag> ComputeKeyedTag(const SecretBytes& key, absl::string_view label,
                                         absl::string_view tenant, absl::string_view id) {
  Encoder e;
  e.Field(label).Field(tenant).Field(id);
  KeyedTag tag;
  const absl::Status status = crypto::KeyedHash(key, e.bytes(), absl::MakeSpan(tag));
  // The encoding holds the identifier: wipe it, like every copy of an identifier we make.
  crypto::Wipe(absl::MakeSpan(e.bytes()));
  SOCLE_RETURN_IF_ERROR(status);
  return tag;
}

}  // namespace socle::vault_internal
