// The in-memory cache of unwrapped person data keys.
//
// Readers take a shared lock for one hash lookup and leave with a shared_ptr to the entry, so a
// key evicted or shredded while a seal is in flight stays valid for that seal and is wiped (by
// SecretBytes) when its last user drops it. Inserts carry the shred epoch their database read
// saw: an insert racing with a shred of any person is dropped, so a shredded key never comes
// back into the cache.
//
// Thread safety: safe for concurrent use.
#ifndef SOCLE_SRC_VAULT_KEY_CACHE_H_
#define SOCLE_SRC_VAULT_KEY_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/secret_bytes.hpp"
#include "vault/commit_watch.h"

namespace socle::vault_internal {

class KeyCache {
 public:
  struct Entry {
    SecretBytes key;
    uint32_t version = 0;
    absl::Time loaded;
    // Person keys: the wrapped bytes this key came from (or was stored as). A seal that must
    // not outlive a shred compares them with the database's row: equal bytes (random nonce,
    // key and tag) mean the row still holds this very key. Empty for pseudonymisation secrets.
    std::vector<uint8_t> wrapped;
    // Person keys: the CommitWatch fingerprint of the database before a read that found this
    // key in the person's row (CommitWatch::kNone until one did). While the fingerprint is
    // still that, nothing was committed since, so the person was not shredded: a
    // KeyCreation::kRefuseIfShredded seal uses the key without reading the database.
    mutable std::atomic<uint64_t> unshredded_as_of{CommitWatch::kNone};
  };

  KeyCache(size_t capacity, absl::Duration ttl) : capacity_(capacity), ttl_(ttl) {}

  // The live entry of `person`, or null when absent or older than the TTL.
  std::shared_ptr<const Entry> Find(absl::string_view person, absl::Time now) const {
    if (capacity_ == 0) return nullptr;
    std::shared_lock lock(mu_);
    const auto it = map_.find(person);
    if (it == map_.end() || now - it->second->loaded >= ttl_) return nullptr;
    return it->second;
  }

  // The epoch to read before looking a key up in the database.
  uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }

  // Caches `entry` unless a shred happened since `epoch` was read.
  void Insert(absl::string_view person, std::shared_ptr<const Entry> entry, uint64_t epoch,
              absl::Time now) {
    if (capacity_ == 0) return;
    std::unique_lock lock(mu_);
    if (epoch_.load(std::memory_order_acquire) != epoch) return;
    if (map_.size() >= capacity_ && map_.find(person) == map_.end()) {
      // Drop expired keys first (at most once per quarter TTL, to keep misses cheap), then an
      // arbitrary one: a cache of keys needs no recency order to be useful.
      if (now - last_sweep_ >= ttl_ / 4) {
        last_sweep_ = now;
        absl::erase_if(map_, [&](const auto& kv) { return now - kv.second->loaded >= ttl_; });
      }
      if (map_.size() >= capacity_) map_.erase(map_.begin());
    }
    map_.insert_or_assign(std::string(person), std::move(entry));
  }

  // Removes `person` and moves the epoch on (called after the database delete committed).
  void Shred(absl::string_view person) {
    std::unique_lock lock(mu_);
    epoch_.fetch_add(1, std::memory_order_acq_rel);
    map_.erase(person);
  }

  // Drops every expired entry now.
  void Sweep(absl::Time now) {
    std::unique_lock lock(mu_);
    last_sweep_ = now;
    absl::erase_if(map_, [&](const auto& kv) { return now - kv.second->loaded >= ttl_; });
  }

  size_t size() const {
    std::shared_lock lock(mu_);
    return map_.size();
  }

 private:
  const size_t capacity_;
  const absl::Duration ttl_;
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Entry>> map_;
  absl::Time last_sweep_ = absl::InfinitePast();
  std::atomic<uint64_t> epoch_{0};
};

}  // namespace socle::vault_internal

#endif  // SOCLE_SRC_VAULT_KEY_CACHE_H_
