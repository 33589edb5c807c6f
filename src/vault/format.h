// The byte layouts of the vault: the sealed record (header, nonce, ciphertext, tag), the
// associated data of records and of wrapped keys, and the person index tag. They are frozen:
// tests/vault/format_test.cc holds known-answer vectors for each, and docs/keys.md describes
// them. Every variable-length field is written as a 4-byte big-endian length and its bytes, so
// no two different inputs encode alike.
//
// Thread safety: pure functions; RecordAd is a value type.
#ifndef SOCLE_SRC_VAULT_FORMAT_H_
#define SOCLE_SRC_VAULT_FORMAT_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "crypto/crypto.h"
#include "socle/secret_bytes.hpp"
#include "socle/vault.hpp"

namespace socle::vault_internal {

inline constexpr uint8_t kRecordFormatV1 = 0x01;
inline constexpr size_t kRecordHeaderBytes = 5;  // format byte, key version (u32 big-endian)
inline constexpr size_t kRecordNonceOffset = kRecordHeaderBytes;
inline constexpr size_t kRecordCiphertextOffset = kRecordHeaderBytes + crypto::kAeadNonceBytes;
static_assert(kSealedRecordOverhead ==
              kRecordHeaderBytes + crypto::kAeadNonceBytes + crypto::kAeadTagBytes);

inline constexpr size_t kMaxIdBytes = 256;
inline constexpr size_t kMaxTenantBytes = 128;
inline constexpr size_t kMaxLedgerNameBytes = 64;

inline constexpr absl::string_view kRecordLabel = "socle.vault.record.v1";
inline constexpr absl::string_view kWrapLabel = "socle.vault.wrap.v1";
inline constexpr absl::string_view kPersonTagLabel = "socle.vault.person-tag.v1";

// What a wrapped key is for; part of the wrap's associated data.
enum class KeyKind : uint8_t {
  kTenantLookup = 1,     // the tenant's person-index key
  kPersonData = 2,       // a person's data key
  kPseudonymSecret = 3,  // a pseudonymisation master secret
  kLedgerSecret = 4,     // the root secret of one ledger of the tenant (Vault::LedgerSecret)
};

// INVALID_ARGUMENT naming the field and the allowed length, never the content.
absl::Status CheckTenant(absl::string_view tenant);
absl::Status CheckPersonId(absl::string_view person_id);
absl::Status CheckRecordRef(const RecordRef& record);
// A ledger name: 1 to 64 bytes of [a-z0-9_.-].
absl::Status CheckLedgerName(absl::string_view ledger);

void PutU32(uint8_t* out, uint32_t v);
uint32_t GetU32(const uint8_t* in);

// Appends the length-prefixed and fixed-width fields of the layouts above.
class Encoder {
 public:
  Encoder& U8(uint8_t v);
  Encoder& U32(uint32_t v);
  Encoder& U64(uint64_t v);
  Encoder& Field(absl::Span<const uint8_t> bytes);  // u32 length || bytes
  Encoder& Field(absl::string_view text);
  Encoder& Raw(absl::Span<const uint8_t> bytes);
  std::vector<uint8_t>& bytes() { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

// The associated data of a wrapped key:
//   Field(kWrapLabel) || U8(kind) || Field(key_id) || U32(master_version) || Field(tenant)
//   || Field(subject) || U32(subject_version)
// subject: empty for the tenant lookup key, the 32-byte person tag for a data key, empty for a
// pseudonymisation secret, the ledger name for a ledger secret. subject_version: 0, the data key
// version, the secret version, 0.
std::vector<uint8_t> WrapAssociatedData(KeyKind kind, absl::string_view key_id,
                                        uint32_t master_version, absl::string_view tenant,
                                        absl::Span<const uint8_t> subject,
                                        uint32_t subject_version);

// The associated data of a sealed record, built on the stack (the seal hot path allocates
// nothing for it):
//   header (5 bytes) || Field(kRecordLabel) || Field(tenant) || Field(person_id)
//   || Field(record_id) || U32(schema_version)
// The caller has checked the lengths (CheckTenant, CheckRecordRef).
class RecordAd {
 public:
  RecordAd(absl::Span<const uint8_t> header, absl::string_view tenant, const RecordRef& record);
  absl::Span<const uint8_t> span() const { return absl::MakeConstSpan(buf_, size_); }

 private:
  void Put(const void* p, size_t n);
  void PutField(absl::string_view s);
  uint8_t buf_[kRecordHeaderBytes + 4 * 5 + 32 + kMaxTenantBytes + 2 * kMaxIdBytes];
  size_t size_ = 0;
};

// Seals into `out` (exactly kSealedRecordOverhead + plaintext.size() bytes) with the nonce
// given: header || nonce || ciphertext || tag.
absl::Status SealRecord(const SecretBytes& key, uint32_t key_version, absl::string_view tenant,
                        const RecordRef& record, absl::Span<const uint8_t> nonce,
                        absl::Span<const uint8_t> plaintext, absl::Span<uint8_t> out);
// The data key version named by a sealed record's header; VERIFICATION_FAILED when the bytes
// are too short or the format byte is not 0x01 (an altered byte looks like a future format).
absl::StatusOr<uint32_t> RecordKeyVersion(absl::Span<const uint8_t> sealed);
// Opens a sealed record with the data key of the version its header names.
absl::StatusOr<SecretBytes> OpenRecord(const SecretBytes& key, absl::string_view tenant,
                                       const RecordRef& record, absl::Span<const uint8_t> sealed);

// A tag that stands for an identifier in the database: keyed BLAKE2b-256 under `key` of
//   Field(label) || Field(tenant) || Field(id)
// The encoding (which holds the identifier) is wiped. The database stores tags, never ids.
using KeyedTag = std::array<uint8_t, 32>;
absl::StatusOr<KeyedTag> ComputeKeyedTag(const SecretBytes& key, absl::string_view label,
                                         absl::string_view tenant, absl::string_view id);

// The person index tag: ComputeKeyedTag under the tenant's lookup key with kPersonTagLabel.
using PersonTag = KeyedTag;
inline absl::StatusOr<PersonTag> ComputePersonTag(const SecretBytes& lookup_key,
                                                  absl::string_view tenant,
                                                  absl::string_view person_id) {
  return ComputeKeyedTag(lookup_key, kPersonTagLabel, tenant, person_id);
}

}  // namespace socle::vault_internal

#endif  // SOCLE_SRC_VAULT_FORMAT_H_
