// Pseudonymisation domains as the policy declares them, and the key derivation of every secret
// used in a domain (docs/pseudonyms.md, "Key derivation"). The labels below are part of the
// construction: changing one changes every pseudonym, so they are frozen (known-answer tests in
// tests/pseudonym pin them).
#ifndef SOCLE_SRC_PSEUDONYM_DOMAIN_H_
#define SOCLE_SRC_PSEUDONYM_DOMAIN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"
#include "socle/secret_bytes.hpp"

namespace socle::pseudonym_internal {

// BLAKE2b personalisation labels (16 bytes at most, zero-padded).
inline constexpr absl::string_view kKdfPersonal = "socle.pseudo.kdf";
inline constexpr absl::string_view kPrfPersonal = "socle.pseudo.prf";
inline constexpr absl::string_view kSivPersonal = "socle.token.siv";

// Purpose labels of the derived keys (the first field of the derivation input).
inline constexpr absl::string_view kLabelPseudonym = "pseudonym";        // PERSON, base version
inline constexpr absl::string_view kLabelRelationship = "relationship";  // RELATIONSHIP root
inline constexpr absl::string_view kLabelRelationshipKey = "relationship-label";
inline constexpr absl::string_view kLabelRotate = "rotate";  // rotation into a version
inline constexpr absl::string_view kLabelTokenMac = "token-mac";
inline constexpr absl::string_view kLabelTokenEnc = "token-enc";
inline constexpr absl::string_view kLabelExport = "export";  // TRANSACTION root
inline constexpr absl::string_view kLabelExportKey = "export-context";

inline constexpr size_t kDerivedKeyBytes = 32;

// Derive(key, label, version, domain, extra) =
//   BLAKE2b(key = key, person = "socle.pseudo.kdf", out = 32 bytes,
//           label || 0x00 || u32be(version) || u16be(|domain|) || domain || u16be(|extra|) ||
//           extra)
// `key` is a master secret (16..64 bytes) or a derived root key; |domain| and |extra| < 65536.
absl::StatusOr<SecretBytes> Derive(const SecretBytes& key, absl::string_view label,
                                   uint32_t version, absl::string_view domain,
                                   absl::string_view extra = {});

struct DomainInfo {
  std::string id;
  PseudonymKind kind;
};

// The domains of a policy in declaration order, with dense ids.
class DomainTable {
 public:
  static DomainTable FromPolicy(const Policy& policy);
  size_t size() const { return domains_.size(); }
  const DomainInfo& at(uint32_t index) const { return domains_[index]; }
  std::optional<uint32_t> Find(absl::string_view id) const;

 private:
  std::vector<DomainInfo> domains_;
  absl::flat_hash_map<std::string, uint32_t> index_;
};

}  // namespace socle::pseudonym_internal

#endif  // SOCLE_SRC_PSEUDONYM_DOMAIN_H_
