#include "vault/pseudonym_controls.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "pseudonym/pseudonymizer_rate_limit.h"
#include "socle/error.hpp"
#include "vault/format.h"

namespace socle::vault_internal {

using pseudonym_internal::WindowCounts;

namespace {

// Each call forgets at most this many expired rows: enough to keep pace with the one row a
// call may add, bounded so that no call pays for a crowd.
constexpr int64_t kPruneLimit = 4;

}  // namespace

absl::StatusOr<std::shared_ptr<VaultPseudonymControls>> VaultPseudonymControls::Open(
    const std::string& path, absl::string_view tenant, const SecretBytes& lookup_key) {
  std::shared_ptr<VaultPseudonymControls> c(new VaultPseudonymControls());
  c->tenant_ = std::string(tenant);
  {
    Encoder e;
    e.Field(kActorKeyLabel).Field(tenant);
    c->actor_key_ = SecretBytes(32);
    SOCLE_RETURN_IF_ERROR(crypto::KeyedHash(
        lookup_key, e.bytes(), absl::MakeSpan(c->actor_key_.data(), c->actor_key_.size())));
  }
  // Its own connection; the vault has created or migrated the schema already.
  SOCLE_ASSIGN_OR_RETURN(c->store_, OpenKeyStore(path, /*init=*/false));
  return c;
}

VaultPseudonymControls::~VaultPseudonymControls() = default;

absl::StatusOr<ActorTag> VaultPseudonymControls::Tag(absl::string_view actor) const {
  return vault_internal::ComputeKeyedTag(actor_key_, kActorTagLabel, tenant_, actor);
}

absl::StatusOr<uint32_t> VaultPseudonymControls::ReadRetired() const {
  return store_->MaxRetired(tenant_);
}

absl::StatusOr<uint32_t> VaultPseudonymControls::RetiredThrough() const {
  std::lock_guard lock(mu_);
  return ReadRetired();
}

absl::Status VaultPseudonymControls::RetireThrough(uint32_t version) {
  if (version == 0) return MakeError(ErrorCode::kInvalidArgument, "retire: version 0");
  std::lock_guard lock(mu_);
  SOCLE_ASSIGN_OR_RETURN(auto txn, store_->Begin());
  SOCLE_ASSIGN_OR_RETURN(const uint32_t current, store_->MaxPseudonymVersion(tenant_));
  if (version >= current) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("retire: version ", version,
                                  " is not older than the vault's current pseudonymisation "
                                  "version ",
                                  current));
  }
  SOCLE_ASSIGN_OR_RETURN(const uint32_t retired, ReadRetired());
  if (version <= retired) return absl::OkStatus();  // already retired: nothing to write
  SOCLE_RETURN_IF_ERROR(store_->InsertRetired(tenant_, version, absl::ToUnixSeconds(absl::Now())));
  return txn->Commit();
}

absl::StatusOr<bool> VaultPseudonymControls::TakeReversal(absl::string_view actor,
                                                          uint32_t capacity,
                                                          absl::Duration window,
                                                          absl::Time now) {
  if (capacity == 0 || capacity > pseudonym_internal::kMaxReversalCapacity ||
      window <= absl::ZeroDuration()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "reversal rate limit: the capacity must be 1 to 100000 and the window "
                     "positive");
  }
  SOCLE_ASSIGN_OR_RETURN(const ActorTag tag, Tag(actor));
  const int64_t now_nanos = absl::ToUnixNanos(now);
  const int64_t window_nanos = absl::ToInt64Nanoseconds(window);
  std::lock_guard lock(mu_);
  SOCLE_ASSIGN_OR_RETURN(auto txn, store_->Begin());
  SOCLE_RETURN_IF_ERROR(store_->PruneCounts(tenant_, now_nanos, kPruneLimit));
  WindowCounts counts{pseudonym_internal::WindowIndex(now, window), 0, 0};
  {
    SOCLE_ASSIGN_OR_RETURN(const std::optional<CountsRow> found,
                           store_->ReadCounts(tenant_, absl::MakeConstSpan(tag)));
    if (found.has_value()) {
      const int64_t stored_window = found->window_nanos;
      const int64_t expires_at = found->expires_at;
      const auto count = [](int64_t v) {
        return static_cast<uint32_t>(
            std::clamp<int64_t>(v, 0, pseudonym_internal::kMaxReversalCapacity));
      };
      if (stored_window == window_nanos) {
        counts = WindowCounts{found->window_index, count(found->previous_count),
                              count(found->current_count)};
      } else if (expires_at > now_nanos) {
        // Another limit for the same actor (options changed): every call still restraining
        // under the old one stays spent, counted in the previous window.
        counts.previous = std::min<uint32_t>(count(found->previous_count) +
                                                 count(found->current_count),
                                             pseudonym_internal::kMaxReversalCapacity);
      }
    }
  }
  const bool allowed = pseudonym_internal::TakeFromWindows(counts, capacity, window, now);
  SOCLE_RETURN_IF_ERROR(store_->UpsertCounts(
      tenant_, absl::MakeConstSpan(tag),
      CountsRow{window_nanos, counts.index, int64_t{counts.previous}, int64_t{counts.current},
                pseudonym_internal::WindowCountsExpiry(counts, window)}));
  SOCLE_RETURN_IF_ERROR(txn->Commit());
  return allowed;
}

}  // namespace socle::vault_internal
