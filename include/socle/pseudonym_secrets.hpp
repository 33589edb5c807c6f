// socle/pseudonym_secrets.hpp: where pseudonymisation secrets come from.
//
// Pseudonyms are computed from a pseudonymisation master secret held apart from the data keys
// (EDPB guidelines 01/2025). The vault implements this interface from its key store; tests and
// tools may implement it with a fixed secret. Implementations must be thread-safe.
#ifndef SOCLE_PSEUDONYM_SECRETS_HPP_
#define SOCLE_PSEUDONYM_SECRETS_HPP_

#include <cstdint>

#include "absl/status/statusor.h"
#include "socle/export.hpp"
#include "socle/secret_bytes.hpp"

namespace socle {

class SOCLE_CXX_API PseudonymSecretSource {
 public:
  virtual ~PseudonymSecretSource() = default;
  // The version of the master secret that new pseudonyms use (versions start at 1).
  virtual absl::StatusOr<uint32_t> CurrentPseudonymVersion() const = 0;
  // The master secret of `version`: at least 32 random bytes. NOT_FOUND for a version that does
  // not exist or was destroyed.
  virtual absl::StatusOr<SecretBytes> PseudonymMasterSecret(uint32_t version) const = 0;
};

}  // namespace socle

#endif  // SOCLE_PSEUDONYM_SECRETS_HPP_
