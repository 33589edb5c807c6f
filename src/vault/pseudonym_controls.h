// The vault's pseudonymisation controls (socle::PseudonymControls): retired versions and the
// reversal counts of each actor, kept in the vault database so that they hold for every
// Pseudonymizer made from it, in this process and in others, and across restarts.
//
// Tables (vault.cc, kSchemaSql; added by schema version 2):
//   pseudonym_retirements  one row per act of retirement: tenant, through_version, retired_at.
//                          The retired versions are 1 .. max(through_version) of the tenant.
//   reversal_counts        one row per actor: tenant, actor_tag (a keyed hash of the actor id
//                          under a key derived from the tenant's person-index key: the clear id
//                          is never stored), window_nanos, window_index, previous_count,
//                          current_count (the counts of pseudonymizer_rate_limit.h), expires_at
//                          (Unix nanoseconds after which the row restrains nothing). Each call
//                          deletes at most four expired rows of its tenant (indexed by
//                          expires_at), so the table follows the actors of the last two windows
//                          and a call does O(1) work.
//
// The object has its own connection to the vault database (a KeyStore, SQLite or PostgreSQL),
// so it may outlive the Vault that made it (a Pseudonymizer keeps it; the C ABI lets the vault
// handle go right after). Every call is one short write transaction (SQLite: IMMEDIATE,
// synchronous=FULL; PostgreSQL: under the vault's writer lock): a retirement or a counted
// reversal that returned OK is durable.
//
// Thread safety: safe for concurrent use (one mutex over the connection).
#ifndef SOCLE_SRC_VAULT_PSEUDONYM_CONTROLS_H_
#define SOCLE_SRC_VAULT_PSEUDONYM_CONTROLS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/pseudonym_secrets.hpp"
#include "socle/secret_bytes.hpp"
#include "vault/format.h"
#include "vault/key_store.h"

namespace socle::vault_internal {

inline constexpr absl::string_view kActorKeyLabel = "socle.vault.actor-key.v1";
inline constexpr absl::string_view kActorTagLabel = "socle.vault.actor-tag.v1";
using ActorTag = KeyedTag;

class VaultPseudonymControls final : public PseudonymControls {
 public:
  // Opens a connection to the vault database at `path` (whose schema the vault has already
  // created or migrated) for `tenant`, deriving the actor-tag key from `lookup_key`.
  static absl::StatusOr<std::shared_ptr<VaultPseudonymControls>> Open(
      const std::string& path, absl::string_view tenant, const SecretBytes& lookup_key);
  ~VaultPseudonymControls() override;

  absl::StatusOr<uint32_t> RetiredThrough() const override;
  absl::Status RetireThrough(uint32_t version) override;
  absl::StatusOr<bool> TakeReversal(absl::string_view actor, uint32_t capacity,
                                    absl::Duration window, absl::Time now) override;

  // The tag stored for `actor` (for tests: the clear id is never in the database).
  absl::StatusOr<ActorTag> Tag(absl::string_view actor) const;

 private:
  VaultPseudonymControls() = default;
  absl::StatusOr<uint32_t> ReadRetired() const;  // caller holds mu_

  std::string tenant_;
  SecretBytes actor_key_;
  mutable std::mutex mu_;
  std::unique_ptr<KeyStore> store_;
};

}  // namespace socle::vault_internal

#endif  // SOCLE_SRC_VAULT_PSEUDONYM_CONTROLS_H_
