// socle/pseudonym_secrets.hpp: where pseudonymisation secrets, and the controls that go with
// them, come from.
//
// Pseudonyms are computed from a pseudonymisation master secret held apart from the data keys
// (EDPB guidelines 01/2025). The vault implements this interface from its key store; tests and
// tools may implement it with a fixed secret. Implementations must be thread-safe.
#ifndef SOCLE_PSEUDONYM_SECRETS_HPP_
#define SOCLE_PSEUDONYM_SECRETS_HPP_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/export.hpp"
#include "socle/secret_bytes.hpp"

namespace socle {

// The controls of pseudonymisation that must hold beyond one Pseudonymizer object: which key
// versions are retired, and how many token reversals each actor has made. The vault keeps them
// in its database (durable, shared by every Pseudonymizer made from that database, in every
// process); a source without them leaves each Pseudonymizer to keep its own in memory.
// Implementations must be thread-safe.
class SOCLE_CXX_API PseudonymControls {
 public:
  virtual ~PseudonymControls() = default;
  // Every version up to and including the returned one is retired (0: none).
  virtual absl::StatusOr<uint32_t> RetiredThrough() const = 0;
  // Retires every version up to and including `version`, durably. Monotonic: a version already
  // retired changes nothing. FAILED_PRECONDITION when `version` is not below the current
  // version; INVALID_ARGUMENT for 0.
  virtual absl::Status RetireThrough(uint32_t version) = 0;
  // Takes one reversal from `actor`'s allowance of `capacity` per `window` at `now`: true when
  // it was allowed (and counted), false when the allowance is used up (nothing is counted).
  // The guarantee: never more than `capacity` allowed calls of one actor in any interval of
  // length `window`.
  virtual absl::StatusOr<bool> TakeReversal(absl::string_view actor, uint32_t capacity,
                                            absl::Duration window, absl::Time now) = 0;
};

class SOCLE_CXX_API PseudonymSecretSource {
 public:
  virtual ~PseudonymSecretSource() = default;
  // The version of the master secret that new pseudonyms use (versions start at 1).
  virtual absl::StatusOr<uint32_t> CurrentPseudonymVersion() const = 0;
  // The master secret of `version`: at least 32 random bytes. NOT_FOUND for a version that does
  // not exist or was destroyed.
  virtual absl::StatusOr<SecretBytes> PseudonymMasterSecret(uint32_t version) const = 0;
  // The durable controls that go with these secrets, or null (the default) when the source has
  // none. A Pseudonymizer made from this source keeps them (they may outlive the source).
  virtual std::shared_ptr<PseudonymControls> pseudonym_controls() const { return nullptr; }
};

}  // namespace socle

#endif  // SOCLE_PSEUDONYM_SECRETS_HPP_
