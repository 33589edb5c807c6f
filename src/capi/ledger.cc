// The C ABI of the ledger and the access trail (include/socle/socle.h, "The ledger and the access
// trail"): thin translations to socle/ledger.hpp and socle/trail.hpp.
#include "socle/ledger.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "capi/capi_internal.h"
#include "socle/error.hpp"
#include "socle/socle.h"
#include "socle/trail.hpp"

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;

#define SOCLE_CAPI_LEDGER_CONSTANTS(X)                                               \
  X(SOCLE_DURABILITY_SYNC, socle::Durability::kSync)                                 \
  X(SOCLE_DURABILITY_GROUP, socle::Durability::kGroup)                               \
  X(SOCLE_DURABILITY_NONE, socle::Durability::kNone)                                 \
  X(SOCLE_LEDGER_ENTRY_ACCESS_DECISION, socle::LedgerEntryType::kAccessDecision)     \
  X(SOCLE_LEDGER_ENTRY_OPERATION, socle::LedgerEntryType::kOperation)                \
  X(SOCLE_LEDGER_ENTRY_TAMPER_ALERT, socle::LedgerEntryType::kTamperAlert)           \
  X(SOCLE_LEDGER_ENTRY_STATE_EVENT, socle::LedgerEntryType::kStateEvent)             \
  X(SOCLE_LEDGER_ENTRY_SHARING_DECISION, socle::LedgerEntryType::kSharingDecision)   \
  X(SOCLE_LEDGER_HASH_BYTES, socle::kLedgerHashBytes)                                \
  X(SOCLE_TRAIL_OPERATION_TOKEN_REVERSAL, socle::TrailOperation::kTokenReversal)     \
  X(SOCLE_TRAIL_OPERATION_KEY_ROTATION, socle::TrailOperation::kKeyRotation)         \
  X(SOCLE_TRAIL_OPERATION_CRYPTO_SHREDDING, socle::TrailOperation::kCryptoShredding) \
  X(SOCLE_TRAIL_OPERATION_POLICY_LOADED, socle::TrailOperation::kPolicyLoaded)       \
  X(SOCLE_TRAIL_OPERATION_TRAIL_READ, socle::TrailOperation::kTrailRead)             \
  X(SOCLE_TRAIL_OPERATION_EXPORT, socle::TrailOperation::kExport)                    \
  X(SOCLE_TRAIL_OPERATION_SHARE, socle::TrailOperation::kShare)
SOCLE_CAPI_LEDGER_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)

}  // namespace

struct socle_ledger_options {
  socle::LedgerOptions options;
};

struct socle_ledger {
  std::shared_ptr<socle::Ledger> ledger;
};

struct socle_ledger_entries {
  std::vector<socle::StoredLedgerEntry> entries;
};

struct socle_access_trail {
  std::unique_ptr<socle::AccessTrail> trail;
};

struct socle_current_access {
  std::vector<socle::CurrentAccess> lines;
};

struct socle_history {
  socle::PersonHistory history;  // its strings are the NUL-terminated borrowed ones
};

namespace {

absl::Time TimeOf(int64_t unix_seconds, absl::Time unbounded) {
  return unix_seconds == 0 ? unbounded : absl::FromUnixSeconds(unix_seconds);
}

int64_t SecondsOf(absl::Time time) { return absl::ToUnixSeconds(time); }

// A hash into caller memory of `capacity` bytes (NULL and 0: not wanted).
int32_t PutHash(const socle::LedgerHash& hash, uint8_t* out, size_t capacity, const char* name,
                socle_error** error) {
  if (out == nullptr && capacity == 0) return SOCLE_OK;
  if (out == nullptr) return NullArgument(error, name);
  if (capacity < hash.size()) {
    return Fail(
        error, SOCLE_E_OUT_OF_RANGE,
        absl::StrCat(name, " has room for ", capacity, " bytes; a hash needs ", hash.size()));
  }
  std::memcpy(out, hash.data(), hash.size());
  return SOCLE_OK;
}

// A proof's leaf hash and path into caller memory; *out_hash_count tells the path's length even
// when the room is too small.
int32_t PutProof(const socle::LedgerInclusionProof& proof, uint8_t* out_leaf_hash,
                 size_t out_leaf_hash_capacity, uint8_t* out_hashes, size_t out_hashes_capacity,
                 size_t* out_hash_count, socle_error** error) {
  if (out_hash_count == nullptr) return NullArgument(error, "out_hash_count");
  *out_hash_count = proof.hashes.size();
  SOCLE_CAPI_RETURN_IF_FAILED(
      PutHash(proof.leaf_hash, out_leaf_hash, out_leaf_hash_capacity, "out_leaf_hash", error));
  const size_t needed = proof.hashes.size() * socle::kLedgerHashBytes;
  if (out_hashes_capacity < needed) {
    return Fail(error, SOCLE_E_OUT_OF_RANGE,
                absl::StrCat("out_hashes has room for ", out_hashes_capacity,
                             " bytes; the proof needs ", needed));
  }
  if (needed > 0 && out_hashes == nullptr) return NullArgument(error, "out_hashes");
  for (size_t i = 0; i < proof.hashes.size(); ++i) {
    std::memcpy(out_hashes + i * socle::kLedgerHashBytes, proof.hashes[i].data(),
                socle::kLedgerHashBytes);
  }
  return SOCLE_OK;
}

// The tamper refusals: `call` is Ledger::UpdateEntry or Ledger::DeleteEntry.
int32_t Tamper(socle_ledger* ledger, uint64_t index, const char* actor, size_t actor_len,
               socle_error** error,
               absl::Status (socle::Ledger::*call)(uint64_t, absl::string_view)) {
  return Guard(error, [&]() -> int32_t {
    if (ledger == nullptr) return NullArgument(error, "ledger");
    absl::string_view a;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(actor, actor_len, "actor", &a, error));
    return FromStatus(error, ((*ledger->ledger).*call)(index, a));
  });
}

const socle::StoredLedgerEntry* StoredAt(const socle_ledger_entries* entries, size_t index) {
  if (entries == nullptr || index >= entries->entries.size()) return nullptr;
  return &entries->entries[index];
}

const socle::HistoryEntry* EntryAt(const socle_history* history, size_t index) {
  if (history == nullptr || index >= history->history.entries.size()) return nullptr;
  return &history->history.entries[index];
}

// The borrowed string `member` of a history entry ("" out of range).
const char* HistoryText(const socle_history* history, size_t index,
                        std::string socle::HistoryEntry::*member) {
  const socle::HistoryEntry* e = EntryAt(history, index);
  return e == nullptr ? "" : (e->*member).c_str();
}

}  // namespace

extern "C" {

// ---- Options ------------------------------------------------------------------------------------

int32_t socle_ledger_options_new(socle_ledger_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_ledger_options{};
    return SOCLE_OK;
  });
}

void socle_ledger_options_free(socle_ledger_options* options) { delete options; }

int32_t socle_ledger_options_set_durability(socle_ledger_options* options, int32_t durability,
                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    if (durability < SOCLE_DURABILITY_SYNC || durability > SOCLE_DURABILITY_NONE) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  absl::StrCat("durability ", durability, " is not a SOCLE_DURABILITY_* value"));
    }
    options->options.durability = static_cast<socle::Durability>(durability);
    return SOCLE_OK;
  });
}

int32_t socle_ledger_options_set_group_commit_delay_micros(socle_ledger_options* options,
                                                           uint32_t micros, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    if (micros < 100 || micros > 1000000) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  absl::StrCat("the group commit delay is ", micros,
                               " µs; it must be 100 to 1,000,000 µs"));
    }
    options->options.group_commit_delay = absl::Microseconds(micros);
    return SOCLE_OK;
  });
}

int32_t socle_ledger_options_set_checkpoint_every(socle_ledger_options* options, uint64_t entries,
                                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    options->options.checkpoint_every = entries;
    return SOCLE_OK;
  });
}

int32_t socle_ledger_options_set_checkpoint_interval_millis(socle_ledger_options* options,
                                                            uint32_t millis, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    options->options.checkpoint_interval = absl::Milliseconds(millis);
    return SOCLE_OK;
  });
}

int32_t socle_ledger_options_set_witness_path(socle_ledger_options* options, const char* path,
                                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    options->options.witness_path = path == nullptr ? std::string() : std::string(path);
    return SOCLE_OK;
  });
}

// ---- Ledger -------------------------------------------------------------------------------------

int32_t socle_storage_open(const char* location, const char* witness_dir, socle_storage** out,
                           socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (location == nullptr) return NullArgument(error, "location");
    socle::StorageOptions options;
    if (witness_dir != nullptr) options.witness_dir = witness_dir;
    auto storage = socle::Storage::Open(location, options);
    if (!storage.ok()) return FromStatus(error, storage.status());
    const std::string shown = storage->shown_location();
    *out = new socle_storage{*std::move(storage), shown};
    return SOCLE_OK;
  });
}

void socle_storage_free(socle_storage* storage) { delete storage; }

int32_t socle_storage_is_postgresql(const socle_storage* storage) {
  return storage != nullptr && storage->storage.postgres() ? 1 : 0;
}

const char* socle_storage_location(const socle_storage* storage) {
  return storage == nullptr ? "" : storage->location.c_str();
}

int32_t socle_ledger_open(socle_vault* vault, const char* db_path, const char* name,
                          size_t name_len, const socle_ledger_options* options, socle_ledger** out,
                          socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (vault == nullptr) return NullArgument(error, "vault");
    if (db_path == nullptr) return NullArgument(error, "db_path");
    absl::string_view n;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(name, name_len, "name", &n, error));
    auto ledger = socle::Ledger::Open(
        db_path, vault->vault, n, options != nullptr ? options->options : socle::LedgerOptions{});
    if (!ledger.ok()) return FromStatus(error, ledger.status());
    *out = new socle_ledger{std::shared_ptr<socle::Ledger>(*std::move(ledger))};
    return SOCLE_OK;
  });
}

int32_t socle_ledger_open_in(socle_vault* vault, const socle_storage* storage, const char* name,
                             size_t name_len, const socle_ledger_options* options,
                             socle_ledger** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (storage == nullptr) return NullArgument(error, "storage");
    if (vault == nullptr) return NullArgument(error, "vault");
    absl::string_view n;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(name, name_len, "name", &n, error));
    auto ledger = storage->storage.OpenLedger(
        vault->vault, n, options != nullptr ? options->options : socle::LedgerOptions{});
    if (!ledger.ok()) return FromStatus(error, ledger.status());
    *out = new socle_ledger{std::shared_ptr<socle::Ledger>(*std::move(ledger))};
    return SOCLE_OK;
  });
}

void socle_ledger_free(socle_ledger* ledger) { delete ledger; }

const char* socle_ledger_name(const socle_ledger* ledger) {
  return ledger == nullptr ? "" : ledger->ledger->name().c_str();
}

const char* socle_ledger_origin(const socle_ledger* ledger) {
  return ledger == nullptr ? "" : ledger->ledger->origin().c_str();
}

const char* socle_ledger_verifier_key(const socle_ledger* ledger) {
  return ledger == nullptr ? "" : ledger->ledger->verifier_key().c_str();
}

int32_t socle_ledger_append(socle_ledger* ledger, int32_t type, const char* person,
                            size_t person_len, const uint8_t* payload, size_t payload_len,
                            uint64_t* out_ticket, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_ticket);
    if (ledger == nullptr) return NullArgument(error, "ledger");
    if (out_ticket == nullptr) return NullArgument(error, "out_ticket");
    if (type < SOCLE_LEDGER_ENTRY_ACCESS_DECISION || type > SOCLE_LEDGER_ENTRY_SHARING_DECISION) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  absl::StrCat("type ", type, " is not a SOCLE_LEDGER_ENTRY_* value"));
    }
    socle::NewLedgerEntry entry;
    entry.type = static_cast<socle::LedgerEntryType>(type);
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &entry.person, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(payload, payload_len, "payload", &entry.payload, error));
    auto ticket = ledger->ledger->Append(absl::MakeConstSpan(&entry, 1));
    if (!ticket.ok()) return FromStatus(error, ticket.status());
    *out_ticket = *ticket;
    return SOCLE_OK;
  });
}

int32_t socle_ledger_wait_durable(socle_ledger* ledger, uint64_t ticket, uint64_t* out_index,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_index);
    if (ledger == nullptr) return NullArgument(error, "ledger");
    auto index = ledger->ledger->WaitDurable(ticket);
    if (!index.ok()) return FromStatus(error, index.status());
    if (out_index != nullptr) *out_index = *index;
    return SOCLE_OK;
  });
}

int32_t socle_ledger_flush(socle_ledger* ledger, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (ledger == nullptr) return NullArgument(error, "ledger");
    return FromStatus(error, ledger->ledger->Flush());
  });
}

int32_t socle_ledger_size(socle_ledger* ledger, uint64_t* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out);
    if (ledger == nullptr) return NullArgument(error, "ledger");
    if (out == nullptr) return NullArgument(error, "out");
    auto size = ledger->ledger->Size();
    if (!size.ok()) return FromStatus(error, size.status());
    *out = *size;
    return SOCLE_OK;
  });
}

int32_t socle_ledger_checkpoint(socle_ledger* ledger, socle_buffer* out_note, uint64_t* out_size,
                                uint8_t* out_root, size_t out_root_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out_note);
    ResetNumbers(out_size);
    if (ledger == nullptr) return NullArgument(error, "ledger");
    auto checkpoint = ledger->ledger->Checkpoint();
    if (!checkpoint.ok()) return FromStatus(error, checkpoint.status());
    SOCLE_CAPI_RETURN_IF_FAILED(
        PutHash(checkpoint->root, out_root, out_root_capacity, "out_root", error));
    if (out_note != nullptr) {
      SOCLE_CAPI_RETURN_IF_FAILED(FillBuffer(out_note, checkpoint->note, error));
    }
    if (out_size != nullptr) *out_size = checkpoint->size;
    return SOCLE_OK;
  });
}

int32_t socle_ledger_prove_inclusion(socle_ledger* ledger, uint64_t index, uint64_t tree_size,
                                     uint64_t* out_tree_size, uint8_t* out_leaf_hash,
                                     size_t out_leaf_hash_capacity, uint8_t* out_hashes,
                                     size_t out_hashes_capacity, size_t* out_hash_count,
                                     socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_tree_size, out_hash_count);
    if (ledger == nullptr) return NullArgument(error, "ledger");
    auto proof = ledger->ledger->ProveInclusion(index, tree_size);
    if (!proof.ok()) return FromStatus(error, proof.status());
    if (out_tree_size != nullptr) *out_tree_size = proof->tree_size;
    return PutProof(*proof, out_leaf_hash, out_leaf_hash_capacity, out_hashes, out_hashes_capacity,
                    out_hash_count, error);
  });
}

int32_t socle_ledger_verify(socle_ledger* ledger, int32_t* out_ok, uint64_t* out_entries,
                            uint64_t* out_first_bad_index, socle_buffer* out_problem,
                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out_problem);
    ResetNumbers(out_ok, out_entries, out_first_bad_index);
    if (ledger == nullptr) return NullArgument(error, "ledger");
    if (out_ok == nullptr) return NullArgument(error, "out_ok");
    auto verification = ledger->ledger->Verify();
    if (!verification.ok()) return FromStatus(error, verification.status());
    if (out_problem != nullptr) {
      SOCLE_CAPI_RETURN_IF_FAILED(FillBuffer(out_problem, verification->problem, error));
    }
    *out_ok = verification->ok ? 1 : 0;
    if (out_entries != nullptr) *out_entries = verification->entries;
    if (out_first_bad_index != nullptr) *out_first_bad_index = verification->first_bad_index;
    return SOCLE_OK;
  });
}

int32_t socle_ledger_read_entries(socle_ledger* ledger, uint64_t begin, size_t max_count,
                                  socle_ledger_entries** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (ledger == nullptr) return NullArgument(error, "ledger");
    auto entries = ledger->ledger->ReadEntries(begin, max_count);
    if (!entries.ok()) return FromStatus(error, entries.status());
    *out = new socle_ledger_entries{*std::move(entries)};
    return SOCLE_OK;
  });
}

int32_t socle_ledger_update_entry(socle_ledger* ledger, uint64_t index, const char* actor,
                                  size_t actor_len, socle_error** error) {
  return Tamper(ledger, index, actor, actor_len, error, &socle::Ledger::UpdateEntry);
}

int32_t socle_ledger_delete_entry(socle_ledger* ledger, uint64_t index, const char* actor,
                                  size_t actor_len, socle_error** error) {
  return Tamper(ledger, index, actor, actor_len, error, &socle::Ledger::DeleteEntry);
}

int32_t socle_ledger_prune_before(socle_ledger* ledger, int64_t cutoff_unix_seconds, uint64_t* out,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out);
    if (ledger == nullptr) return NullArgument(error, "ledger");
    auto pruned = ledger->ledger->PruneBefore(absl::FromUnixSeconds(cutoff_unix_seconds));
    if (!pruned.ok()) return FromStatus(error, pruned.status());
    if (out != nullptr) *out = *pruned;
    return SOCLE_OK;
  });
}

// ---- A page of entries --------------------------------------------------------------------------

void socle_ledger_entries_free(socle_ledger_entries* entries) { delete entries; }

size_t socle_ledger_entries_count(const socle_ledger_entries* entries) {
  return entries == nullptr ? 0 : entries->entries.size();
}

uint64_t socle_ledger_entries_index(const socle_ledger_entries* entries, size_t index) {
  const socle::StoredLedgerEntry* e = StoredAt(entries, index);
  return e == nullptr ? 0 : e->index;
}

int32_t socle_ledger_entries_type(const socle_ledger_entries* entries, size_t index) {
  const socle::StoredLedgerEntry* e = StoredAt(entries, index);
  return e == nullptr ? 0 : static_cast<int32_t>(e->type);
}

int64_t socle_ledger_entries_time_unix_seconds(const socle_ledger_entries* entries, size_t index) {
  const socle::StoredLedgerEntry* e = StoredAt(entries, index);
  return e == nullptr ? 0 : SecondsOf(e->time);
}

int32_t socle_ledger_entries_pruned(const socle_ledger_entries* entries, size_t index) {
  const socle::StoredLedgerEntry* e = StoredAt(entries, index);
  return e != nullptr && e->pruned ? 1 : 0;
}

int32_t socle_ledger_entries_bytes(const socle_ledger_entries* entries, size_t index,
                                   socle_buffer* out, uint8_t* out_leaf_hash,
                                   size_t out_leaf_hash_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (entries == nullptr) return NullArgument(error, "entries");
    const socle::StoredLedgerEntry* e = StoredAt(entries, index);
    if (e == nullptr) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE,
                  absl::StrCat("index ", index, " is past the page's ", entries->entries.size(),
                               " entries"));
    }
    SOCLE_CAPI_RETURN_IF_FAILED(
        PutHash(e->leaf_hash, out_leaf_hash, out_leaf_hash_capacity, "out_leaf_hash", error));
    if (out != nullptr) SOCLE_CAPI_RETURN_IF_FAILED(FillBuffer(out, e->bytes, error));
    return SOCLE_OK;
  });
}

// ---- Access trail -------------------------------------------------------------------------------

int32_t socle_access_trail_create(socle_ledger* ledger, const socle_access_engine* engine,
                                  socle_access_trail** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (ledger == nullptr) return NullArgument(error, "ledger");
    if (engine == nullptr) return NullArgument(error, "engine");
    auto trail = socle::AccessTrail::Create(ledger->ledger, socle::capi::EngineOf(*engine));
    if (!trail.ok()) return FromStatus(error, trail.status());
    *out = new socle_access_trail{*std::move(trail)};
    return SOCLE_OK;
  });
}

void socle_access_trail_free(socle_access_trail* trail) { delete trail; }

int32_t socle_access_trail_decide(socle_access_trail* trail, const socle_access_request* request,
                                  const char* justification, size_t justification_len,
                                  socle_decision* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    socle::capi::ExportDecision(socle::capi::InvalidRequestDecision(0), out);
    if (trail == nullptr) return NullArgument(error, "trail");
    if (request == nullptr) return NullArgument(error, "request");
    SOCLE_CAPI_RETURN_IF_FAILED(socle::capi::CheckRequestVersion(request, error));
    absl::string_view j;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(justification, justification_len, "justification", &j, error));
    socle::AccessRequest r;
    if (!socle::capi::ConvertRequest(*request, request->version, &r)) {
      return socle::capi::InvalidItem(error);
    }
    auto decision = trail->trail->Decide(r, j);
    if (!decision.ok()) return FromStatus(error, decision.status());
    socle::capi::ExportDecision(*decision, out);
    return SOCLE_OK;
  });
}

// The batches decide on one snapshot and record in one append (AccessTrail::DecideMany), so they
// convert the whole batch at once instead of slice by slice: the append allocates anyway.
int32_t socle_access_trail_decide_many(socle_access_trail* trail,
                                       const socle_access_request* requests, size_t count,
                                       socle_decision* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (trail == nullptr) return NullArgument(error, "trail");
    if (count == 0) return SOCLE_OK;
    if (requests == nullptr) return NullArgument(error, "requests");
    if (out == nullptr) return NullArgument(error, "out");
    SOCLE_CAPI_RETURN_IF_FAILED(socle::capi::CheckRequestVersion(&requests[0], error));
    std::vector<socle::AccessRequest> in(count);
    absl::Status first = absl::OkStatus();
    for (size_t i = 0; i < count; ++i) {
      if (!socle::capi::ConvertRequest(*socle::capi::RequestAt(requests, i), requests[0].version,
                                       &in[i])) {
        in[i].actor = socle::kNoId;  // denied, and named by the status
        if (first.ok()) {
          first = socle::MakeError(
              socle::ErrorCode::kInvalidArgument,
              absl::StrCat("request ", i,
                           ": item is NULL with a non-zero item_len, or item_len is too large"));
        }
      }
    }
    std::vector<socle::Decision> decided(count);
    absl::Status status = trail->trail->DecideMany(in, absl::MakeSpan(decided));
    for (size_t i = 0; i < count; ++i) socle::capi::ExportDecision(decided[i], &out[i]);
    return FromStatus(error, first.ok() ? status : first);
  });
}

int32_t socle_access_trail_decide_columns(
    socle_access_trail* trail, size_t count, const uint32_t* actors, const int32_t* actions,
    const uint32_t* persons, const uint32_t* categories, const uint32_t* purposes,
    const int32_t* entry_kinds, const uint32_t* authors, const int32_t* masked,
    const char* const* items, const size_t* item_lens, int64_t time_unix_seconds,
    int32_t* out_effects, int32_t* out_reasons, uint32_t* out_rules, uint32_t* out_obligations,
    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (trail == nullptr) return NullArgument(error, "trail");
    if (count == 0) return SOCLE_OK;
    const socle::capi::RequestColumns columns{actors,
                                              actions,
                                              persons,
                                              categories,
                                              purposes,
                                              entry_kinds,
                                              authors,
                                              masked,
                                              items,
                                              item_lens,
                                              TimeOf(time_unix_seconds, absl::InfinitePast())};
    SOCLE_CAPI_RETURN_IF_FAILED(socle::capi::CheckColumns(columns, out_effects, error));
    std::vector<socle::AccessRequest> in(count);
    absl::Status first = absl::OkStatus();
    socle::capi::ConvertColumns(columns, 0, count, in.data(), &first);
    std::vector<socle::Decision> decided(count);
    absl::Status status = trail->trail->DecideMany(in, absl::MakeSpan(decided));
    socle::capi::ExportColumns(decided, 0, out_effects, out_reasons, out_rules, out_obligations);
    if (out_revision != nullptr) *out_revision = decided[0].revision;
    return FromStatus(error, first.ok() ? status : first);
  });
}

int32_t socle_access_trail_record_operation(socle_access_trail* trail, int32_t operation,
                                            const char* actor, size_t actor_len, const char* person,
                                            size_t person_len, const char* detail,
                                            size_t detail_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (trail == nullptr) return NullArgument(error, "trail");
    if (operation < SOCLE_TRAIL_OPERATION_TOKEN_REVERSAL ||
        operation > SOCLE_TRAIL_OPERATION_SHARE) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  absl::StrCat("operation ", operation, " is not a SOCLE_TRAIL_OPERATION_* value"));
    }
    absl::string_view a, p, d;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(actor, actor_len, "actor", &a, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(detail, detail_len, "detail", &d, error));
    return FromStatus(error, trail->trail->RecordOperation(
                                 static_cast<socle::TrailOperation>(operation), a, p, d));
  });
}

int32_t socle_access_trail_history(socle_access_trail* trail, const char* person, size_t person_len,
                                   const char* reader, size_t reader_len, int32_t reader_is_person,
                                   int64_t from_unix_seconds, int64_t to_unix_seconds,
                                   int64_t after, size_t limit, socle_history** out,
                                   socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (trail == nullptr) return NullArgument(error, "trail");
    absl::string_view p, r;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(reader, reader_len, "reader", &r, error));
    socle::HistoryQuery query;
    query.person = std::string(p);
    query.reader = std::string(r);
    query.reader_is_person = reader_is_person != 0;
    query.from = TimeOf(from_unix_seconds, absl::InfinitePast());
    query.to = TimeOf(to_unix_seconds, absl::InfiniteFuture());
    query.after = after;
    query.limit = limit;
    auto history = trail->trail->History(query);
    socle::capi::Wipe(query.person.data(), query.person.size());
    if (!history.ok()) return FromStatus(error, history.status());
    *out = new socle_history{*std::move(history)};
    return SOCLE_OK;
  });
}

// ---- A history page -----------------------------------------------------------------------------

void socle_history_free(socle_history* history) { delete history; }

size_t socle_history_entry_count(const socle_history* history) {
  return history == nullptr ? 0 : history->history.entries.size();
}

int64_t socle_history_next_after(const socle_history* history) {
  return history == nullptr ? -1 : history->history.next_after;
}

const char* socle_history_checkpoint_note(const socle_history* history) {
  return history == nullptr ? "" : history->history.checkpoint.note.c_str();
}

uint64_t socle_history_checkpoint_size(const socle_history* history) {
  return history == nullptr ? 0 : history->history.checkpoint.size;
}

uint64_t socle_history_entry_index(const socle_history* history, size_t index) {
  const socle::HistoryEntry* e = EntryAt(history, index);
  return e == nullptr ? 0 : e->index;
}

int64_t socle_history_entry_time_unix_seconds(const socle_history* history, size_t index) {
  const socle::HistoryEntry* e = EntryAt(history, index);
  return e == nullptr ? 0 : SecondsOf(e->time);
}

int32_t socle_history_entry_type(const socle_history* history, size_t index) {
  const socle::HistoryEntry* e = EntryAt(history, index);
  return e == nullptr ? 0 : static_cast<int32_t>(e->type);
}

int32_t socle_history_entry_readable(const socle_history* history, size_t index) {
  const socle::HistoryEntry* e = EntryAt(history, index);
  return e != nullptr && e->readable ? 1 : 0;
}

const char* socle_history_entry_actor(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::actor);
}

const char* socle_history_entry_role(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::role);
}

const char* socle_history_entry_structure(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::structure);
}

int32_t socle_history_entry_action(const socle_history* history, size_t index) {
  const socle::HistoryEntry* e = EntryAt(history, index);
  return e == nullptr ? 0 : static_cast<int32_t>(e->action);
}

const char* socle_history_entry_item(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::item);
}

const char* socle_history_entry_category(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::category);
}

const char* socle_history_entry_purpose(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::purpose);
}

int32_t socle_history_entry_allowed(const socle_history* history, size_t index) {
  const socle::HistoryEntry* e = EntryAt(history, index);
  return e != nullptr && e->allowed ? 1 : 0;
}

const char* socle_history_entry_reason(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::reason);
}

const char* socle_history_entry_rule(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::rule);
}

int32_t socle_history_entry_break_glass(const socle_history* history, size_t index) {
  const socle::HistoryEntry* e = EntryAt(history, index);
  return e != nullptr && e->break_glass ? 1 : 0;
}

const char* socle_history_entry_justification(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::justification);
}

uint64_t socle_history_entry_revision(const socle_history* history, size_t index) {
  const socle::HistoryEntry* e = EntryAt(history, index);
  return e == nullptr ? 0 : e->revision;
}

const char* socle_history_entry_operation(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::operation);
}

const char* socle_history_entry_detail(const socle_history* history, size_t index) {
  return HistoryText(history, index, &socle::HistoryEntry::detail);
}

int32_t socle_history_entry_proof(const socle_history* history, size_t index,
                                  uint8_t* out_leaf_hash, size_t out_leaf_hash_capacity,
                                  uint8_t* out_hashes, size_t out_hashes_capacity,
                                  size_t* out_hash_count, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_hash_count);
    if (history == nullptr) return NullArgument(error, "history");
    const socle::HistoryEntry* e = EntryAt(history, index);
    if (e == nullptr) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE,
                  absl::StrCat("index ", index, " is past the page's ",
                               history->history.entries.size(), " entries"));
    }
    return PutProof(e->proof, out_leaf_hash, out_leaf_hash_capacity, out_hashes,
                    out_hashes_capacity, out_hash_count, error);
  });
}

}  // extern "C"

socle::AccessTrail& socle::capi::TrailOf(socle_access_trail& trail) { return *trail.trail; }

const socle::HistoryEntry* socle::capi::HistoryEntryAt(const socle_history* history, size_t index) {
  return EntryAt(history, index);
}

std::shared_ptr<socle::Ledger> socle::capi::LedgerOf(const socle_ledger* ledger) {
  return ledger->ledger;
}

// ---- Who may read a file now ------------------------------------------------------------------

int32_t socle_access_trail_current_access(const socle_access_trail* trail, const char* person,
                                          size_t person_len, socle_current_access** out,
                                          socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (trail == nullptr) return NullArgument(error, "trail");
    absl::string_view p;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    auto lines = trail->trail->CurrentAccessList(p);
    if (!lines.ok()) return FromStatus(error, lines.status());
    *out = new socle_current_access{*std::move(lines)};
    return SOCLE_OK;
  });
}

void socle_current_access_free(socle_current_access* access) { delete access; }

size_t socle_current_access_count(const socle_current_access* access) {
  return access == nullptr ? 0 : access->lines.size();
}

namespace {

const char* AccessText(const socle_current_access* access, size_t index,
                       std::string socle::CurrentAccess::*member) {
  if (access == nullptr || index >= access->lines.size()) return "";
  return (access->lines[index].*member).c_str();
}

}  // namespace

const char* socle_current_access_professional(const socle_current_access* access, size_t index) {
  return AccessText(access, index, &socle::CurrentAccess::professional);
}

const char* socle_current_access_role(const socle_current_access* access, size_t index) {
  return AccessText(access, index, &socle::CurrentAccess::role);
}

const char* socle_current_access_structure(const socle_current_access* access, size_t index) {
  return AccessText(access, index, &socle::CurrentAccess::structure);
}

const char* socle_current_access_basis(const socle_current_access* access, size_t index) {
  return AccessText(access, index, &socle::CurrentAccess::basis);
}

const char* socle_current_access_team(const socle_current_access* access, size_t index) {
  return AccessText(access, index, &socle::CurrentAccess::team);
}

int64_t socle_current_access_expires_unix_seconds(const socle_current_access* access,
                                                  size_t index) {
  if (access == nullptr || index >= access->lines.size()) return 0;
  const absl::Time expires = access->lines[index].expires_at;
  return expires == absl::InfiniteFuture() ? 0 : SecondsOf(expires);
}
