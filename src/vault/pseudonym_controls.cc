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
using sqlite::Database;
using sqlite::StatementUse;
using sqlite::Transaction;

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
  SOCLE_ASSIGN_OR_RETURN(c->db_, Database::Open(path, "vault database"));
  // Per connection, like the vault's own: durable commits, no trusted schema objects, deleted
  // rows overwritten.
  SOCLE_RETURN_IF_ERROR(c->db_->Exec(
      "PRAGMA secure_delete=ON; PRAGMA synchronous=FULL; PRAGMA trusted_schema=OFF;"));
  Database& db = *c->db_;
  SOCLE_ASSIGN_OR_RETURN(c->max_retired_,
                         db.Prepare("SELECT coalesce(max(through_version), 0) FROM "
                                    "pseudonym_retirements WHERE tenant = ?1"));
  SOCLE_ASSIGN_OR_RETURN(
      c->max_secret_,
      db.Prepare("SELECT coalesce(max(version), 0) FROM pseudonym_secrets WHERE tenant = ?1"));
  SOCLE_ASSIGN_OR_RETURN(c->insert_retired_,
                         db.Prepare("INSERT INTO pseudonym_retirements (tenant, through_version, "
                                    "retired_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"));
  SOCLE_ASSIGN_OR_RETURN(
      c->prune_counts_,
      db.Prepare("DELETE FROM reversal_counts WHERE id IN (SELECT id FROM reversal_counts "
                 "WHERE tenant = ?1 AND expires_at <= ?2 ORDER BY expires_at LIMIT ?3)"));
  SOCLE_ASSIGN_OR_RETURN(c->select_counts_,
                         db.Prepare("SELECT window_nanos, window_index, previous_count, current_count, "
                                    "expires_at FROM reversal_counts "
                                    "WHERE tenant = ?1 AND actor_tag = ?2"));
  SOCLE_ASSIGN_OR_RETURN(
      c->upsert_counts_,
      db.Prepare("INSERT INTO reversal_counts (tenant, actor_tag, window_nanos, window_index, "
                 "previous_count, current_count, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                 "ON CONFLICT (tenant, actor_tag) DO UPDATE SET window_nanos = excluded.window_nanos, "
                 "window_index = excluded.window_index, "
                 "previous_count = excluded.previous_count, current_count = excluded.current_count, "
                 "expires_at = excluded.expires_at"));
  return c;
}

VaultPseudonymControls::~VaultPseudonymControls() {
  // Statements before the connection.
  max_retired_.reset();
  max_secret_.reset();
  insert_retired_.reset();
  prune_counts_.reset();
  select_counts_.reset();
  upsert_counts_.reset();
}

absl::StatusOr<ActorTag> VaultPseudonymControls::Tag(absl::string_view actor) const {
  return vault_internal::ComputeKeyedTag(actor_key_, kActorTagLabel, tenant_, actor);
}

absl::StatusOr<uint32_t> VaultPseudonymControls::ReadRetired() const {
  StatementUse use(*max_retired_);
  SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant_));
  SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
  return row ? static_cast<uint32_t>(use->Int(0)) : 0u;
}

absl::StatusOr<uint32_t> VaultPseudonymControls::RetiredThrough() const {
  std::lock_guard lock(mu_);
  return ReadRetired();
}

absl::Status VaultPseudonymControls::RetireThrough(uint32_t version) {
  if (version == 0) return MakeError(ErrorCode::kInvalidArgument, "retire: version 0");
  std::lock_guard lock(mu_);
  SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
  uint32_t current = 0;
  {
    StatementUse use(*max_secret_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant_));
    SOCLE_ASSIGN_OR_RETURN(const bool row, use->Step());
    if (row) current = static_cast<uint32_t>(use->Int(0));
  }
  if (version >= current) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("retire: version ", version,
                                  " is not older than the vault's current pseudonymisation "
                                  "version ",
                                  current));
  }
  SOCLE_ASSIGN_OR_RETURN(const uint32_t retired, ReadRetired());
  if (version <= retired) return absl::OkStatus();  // already retired: nothing to write
  {
    StatementUse use(*insert_retired_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant_));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, int64_t{version}));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, absl::ToUnixSeconds(absl::Now())));
    SOCLE_RETURN_IF_ERROR(use->Run());
  }
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
  SOCLE_ASSIGN_OR_RETURN(auto txn, Transaction::Begin(*db_));
  {
    StatementUse use(*prune_counts_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant_));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, now_nanos));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, kPruneLimit));
    SOCLE_RETURN_IF_ERROR(use->Run());
  }
  WindowCounts counts{pseudonym_internal::WindowIndex(now, window), 0, 0};
  {
    StatementUse use(*select_counts_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant_));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(tag)));
    SOCLE_ASSIGN_OR_RETURN(const bool found, use->Step());
    if (found) {
      const int64_t stored_window = use->Int(0);
      const int64_t expires_at = use->Int(4);
      const auto count = [&](int column) {
        const int64_t v = use->Int(column);
        return static_cast<uint32_t>(
            std::clamp<int64_t>(v, 0, pseudonym_internal::kMaxReversalCapacity));
      };
      if (stored_window == window_nanos) {
        counts = WindowCounts{use->Int(1), count(2), count(3)};
      } else if (expires_at > now_nanos) {
        // Another limit for the same actor (options changed): every call still restraining
        // under the old one stays spent, counted in the previous window.
        counts.previous = std::min<uint32_t>(count(2) + count(3),
                                             pseudonym_internal::kMaxReversalCapacity);
      }
    }
  }
  const bool allowed = pseudonym_internal::TakeFromWindows(counts, capacity, window, now);
  {
    StatementUse use(*upsert_counts_);
    SOCLE_RETURN_IF_ERROR(use->Bind(1, tenant_));
    SOCLE_RETURN_IF_ERROR(use->Bind(2, absl::MakeConstSpan(tag)));
    SOCLE_RETURN_IF_ERROR(use->Bind(3, window_nanos));
    SOCLE_RETURN_IF_ERROR(use->Bind(4, counts.index));
    SOCLE_RETURN_IF_ERROR(use->Bind(5, int64_t{counts.previous}));
    SOCLE_RETURN_IF_ERROR(use->Bind(6, int64_t{counts.current}));
    SOCLE_RETURN_IF_ERROR(
        use->Bind(7, pseudonym_internal::WindowCountsExpiry(counts, window)));
    SOCLE_RETURN_IF_ERROR(use->Run());
  }
  SOCLE_RETURN_IF_ERROR(txn->Commit());
  return allowed;
}

}  // namespace socle::vault_internal
