// socle/pseudonym.hpp: keyed pseudonyms per domain, reversible tokens for the controller, and
// rotation (REQ-45 to REQ-49, REQ-51; EDPB guidelines 01/2025). The constructions, the text form
// and the threat model are in docs/pseudonyms.md.
//
// Every pseudonym is computed in a *domain* declared in the policy (`pseudonym_domains`): one
// recipient or purpose, with its own secrets derived from the pseudonymisation master secret.
// The domain's kind decides linkage:
//   PERSON        one pseudonym per person, stable across exports in this domain;
//   RELATIONSHIP  one pseudonym per person and relationship (purpose) label;
//   TRANSACTION   a fresh random secret per export: the same person gets unrelated pseudonyms in
//                 two exports (the default when the domain declares no linkage).
// There is no unkeyed variant: every function here needs a master secret of at least 16 bytes.
//
// A Pseudonymizer reads the master secrets once, at Create(), and keeps only derived keys. To
// compute pseudonyms, open a PseudonymContext (one per export) and call Compute on it: the hot
// path is allocation-free and writes into the caller's memory.
//
// Retired versions and the reversal rate limit live in the secret source's controls
// (PseudonymSecretSource::pseudonym_controls). Made from a Vault, every Pseudonymizer shares the
// vault database's: a version retired by one is refused by all, in every process and after a
// restart, and an actor's reversals are counted once per vault whatever the object or process.
// Made from a source without controls (FixedPseudonymSecrets: tests, tools), each Pseudonymizer
// keeps its own in memory, for itself alone.
#ifndef SOCLE_PSEUDONYM_HPP_
#define SOCLE_PSEUDONYM_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "socle/clock.hpp"
#include "socle/error.hpp"
#include "socle/export.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym_secrets.hpp"
#include "socle/secret_bytes.hpp"

namespace socle {

// The kind of a domain, and of the pseudonyms computed in it. Values equal the policy schema's
// PseudonymDomain.Kind (an unspecified kind in the policy means kTransaction).
enum class PseudonymKind : int32_t { kPerson = 1, kRelationship = 2, kTransaction = 3 };

// A pseudonym is 128 bits of keyed BLAKE2b.
inline constexpr size_t kPseudonymBytes = 16;
// Its text form: a kind letter (P, R, T), the key version as 4 decimal digits, then the 16 bytes
// in base64url without padding (22 characters): 27 ASCII characters, URL- and file-safe.
inline constexpr size_t kPseudonymTextLength = 27;
// Key versions are 1 to 9999 (the width of the text form).
inline constexpr uint32_t kMaxPseudonymVersion = 9999;
// Master secrets are 16 to 64 bytes (REQ-45: shorter secrets are refused).
inline constexpr size_t kMinPseudonymSecretBytes = 16;
inline constexpr size_t kMaxPseudonymSecretBytes = 64;
// Identifiers in a reversible token are 1 to 255 bytes (padded to 16, 32, 64, 128 or 256).
inline constexpr size_t kMaxTokenIdentifierBytes = 255;
// The longest token text (an identifier of 128 to 255 bytes): 'K', 4 digits, base64url.
inline constexpr size_t kMaxTokenTextLength = 400;

// One pseudonym with its kind and key version. A plain value.
struct SOCLE_CXX_API Pseudonym {
  PseudonymKind kind = PseudonymKind::kPerson;
  uint32_t version = 0;
  std::array<uint8_t, kPseudonymBytes> bytes{};

  // Writes the kPseudonymTextLength characters of the text form to `out` (no NUL). `out` must
  // hold at least kPseudonymTextLength characters and the version must be 1 to 9999.
  absl::Status ToText(absl::Span<char> out) const;
  std::string ToText() const;  // "" when the version cannot be written
  // Parses the text form. PARSE when it is not exactly one (the message never quotes it).
  static absl::StatusOr<Pseudonym> Parse(absl::string_view text);

  // Spelled out (not `= default`, which is C++20): the public headers compile as C++17.
  friend bool operator==(const Pseudonym& a, const Pseudonym& b) {
    return a.kind == b.kind && a.version == b.version && a.bytes == b.bytes;
  }
  friend bool operator!=(const Pseudonym& a, const Pseudonym& b) { return !(a == b); }
};

// The length of the token text for an identifier of `identifier_bytes` bytes (1 to 255), or 0.
SOCLE_CXX_API size_t TokenTextLength(size_t identifier_bytes);

// A master-secret source with fixed secrets held in memory, for tests and tools (the vault is
// the production source). Thread-safe.
class SOCLE_CXX_API FixedPseudonymSecrets final : public PseudonymSecretSource {
 public:
  FixedPseudonymSecrets();
  ~FixedPseudonymSecrets() override;
  // Adds the master secret of `version`. INVALID_ARGUMENT for a secret of fewer than 16 or more
  // than 64 bytes, OUT_OF_RANGE for a version outside 1..9999, ALREADY_EXISTS for a duplicate.
  // The highest version added is the current one.
  absl::Status Add(uint32_t version, SecretBytes secret);

  absl::StatusOr<uint32_t> CurrentPseudonymVersion() const override;
  absl::StatusOr<SecretBytes> PseudonymMasterSecret(uint32_t version) const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The pseudonyms of one export to one domain (and, for a RELATIONSHIP domain, one relationship
// label). For PERSON and RELATIONSHIP domains every context of the same domain, label and
// version computes the same pseudonyms; for a TRANSACTION domain each context has its own
// random secret, so two contexts never agree. Keep one context for the whole export.
//
// A context owns copies of its keys (wiped when it is destroyed) and does not depend on the
// Pseudonymizer that opened it. Thread safety: immutable; every method may be called
// concurrently.
class SOCLE_CXX_API PseudonymContext {
 public:
  PseudonymContext(PseudonymContext&&) noexcept;
  PseudonymContext& operator=(PseudonymContext&&) noexcept;
  ~PseudonymContext();

  PseudonymKind kind() const;
  uint32_t version() const;
  absl::string_view domain() const;

  // The pseudonym of `identifier` (any non-empty byte string). INVALID_ARGUMENT when empty.
  absl::StatusOr<Pseudonym> Compute(absl::string_view identifier) const;
  // The 16 bytes only, into `out` (at least kPseudonymBytes). No allocation.
  absl::Status ComputeBytes(absl::string_view identifier, absl::Span<uint8_t> out) const;
  // Batch: out[i] is the pseudonym of identifiers[i] (out.size() must equal identifiers.size()).
  // Fails as a whole (nothing is meaningful in `out`) if any identifier is empty.
  absl::Status ComputeBatch(absl::Span<const absl::string_view> identifiers,
                            absl::Span<Pseudonym> out) const;
  // Batch into fixed-width records of kPseudonymBytes bytes: `out` needs exactly
  // identifiers.size() * kPseudonymBytes bytes.
  absl::Status ComputeBatchBytes(absl::Span<const absl::string_view> identifiers,
                                 absl::Span<uint8_t> out) const;
  // Batch into fixed-width records: the text forms back to back (kPseudonymTextLength chars
  // each), so `out` needs exactly identifiers.size() * kPseudonymTextLength chars.
  absl::Status ComputeBatchText(absl::Span<const absl::string_view> identifiers,
                                absl::Span<char> out) const;

 private:
  friend class Pseudonymizer;
  struct Impl;
  explicit PseudonymContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Who asks for a reversal, in which role, and why. All fields are required.
struct SOCLE_CXX_API ReversalRequest {
  absl::string_view actor;   // the individual (a professional's id), never a shared account
  absl::string_view role;    // a role id of the policy with the PSEUDONYM_REVERSAL capability
  absl::string_view reason;  // see ReversalOptions::reason_codes
  absl::string_view domain;  // the domain the token belongs to
};

// What every reversal call reports, successful or not. Never carries the token or the
// identifier. The views live only during the hook call.
struct SOCLE_CXX_API ReversalEvent {
  absl::string_view actor;
  absl::string_view role;
  absl::string_view reason;
  absl::string_view domain;
  uint32_t token_version = 0;          // 0 when the token could not be read
  ErrorCode outcome = ErrorCode::kOk;  // what the call returns (kOk: the identifier is released)
  absl::Time time;                     // from the Pseudonymizer's clock
};

// Receives every ReversalEvent. Returning a non-OK status withholds the identifier of a
// successful reversal (the call then fails with that status's code): an unrecorded reversal
// must not happen. Called on the thread that calls ReverseToken, possibly from several threads
// at once: it must be thread-safe. It must not call back into the same Pseudonymizer.
using ReversalHook = std::function<absl::Status(const ReversalEvent&)>;

struct SOCLE_CXX_API ReversalOptions {
  // Each actor may reverse at most `capacity` tokens (1 to 100000) in any interval of length
  // `window`. Counted in fixed windows of length `window` of Unix time: a call is allowed while
  // the calls allowed in the current window and the previous one number fewer than `capacity`
  // (so an actor who used everything waits one to two windows). Every call that passes the role
  // and reason checks counts, failed ones included. With a vault the counts are kept in its
  // database, per actor (as a keyed tag), for every Pseudonymizer of that database; objects
  // sharing a vault should use the same capacity and window (a call with another window counts
  // every recent call as spent).
  uint32_t capacity = 100;
  absl::Duration window = absl::Hours(1);
  // When not empty, a reason must be one of these codes exactly (a closed list the DPO
  // controls). When empty, the reason is free text: 1 to 500 bytes, not only spaces, without
  // control characters. Either way it must not contain an identifier: it is recorded.
  std::vector<std::string> reason_codes;
  // Required for ReverseToken (without it every reversal fails with FAILED_PRECONDITION).
  ReversalHook hook;
  // The time source of the rate limiter and of the events; nullptr means Clock::Real(). Must
  // outlive the Pseudonymizer.
  const Clock* clock = nullptr;
};

struct SOCLE_CXX_API PseudonymizerOptions {
  // The first version of the chain (docs/pseudonyms.md, "Rotation"): pseudonyms of identifiers
  // are computed with this version's key, then carried forward through each later version's
  // rotation key. It must never change for a deployment; the source must still hold it.
  uint32_t base_version = 1;
  // Versions up to and including this one are retired (0: none). With a vault this is recorded
  // in the vault, as Retire does; versions the vault already retired stay retired whatever this
  // says.
  uint32_t retired_through = 0;
  ReversalOptions reversal;
};

// The entry point: domains from the policy, keys derived from the master secrets.
//
// Thread safety: every method may be called concurrently (ReverseToken and Retire synchronise
// internally). A vault's controls outlive the vault object: the Pseudonymizer keeps them.
class SOCLE_CXX_API Pseudonymizer {
 public:
  // Reads the current version and the master secrets of versions base_version..current from
  // `secrets`, derives every domain's keys, and forgets the master secrets. The source is not
  // used afterwards. Errors: INVALID_ARGUMENT (a secret of fewer than 16 or more than 64 bytes,
  // bad options), NOT_FOUND (a version the source lacks), OUT_OF_RANGE (a version above 9999 or
  // a base above the current version), FAILED_PRECONDITION (the current version is retired).
  // The source's controls (pseudonym_controls()) are kept and asked for the retired versions.
  static absl::StatusOr<std::unique_ptr<Pseudonymizer>> Create(const Policy& policy,
                                                               const PseudonymSecretSource& secrets,
                                                               PseudonymizerOptions options = {});
  ~Pseudonymizer();
  Pseudonymizer(const Pseudonymizer&) = delete;
  Pseudonymizer& operator=(const Pseudonymizer&) = delete;

  uint32_t current_version() const;
  uint32_t base_version() const;
  // The highest retired version (asked of a vault's controls every time).
  uint32_t retired_through() const;

  size_t domain_count() const;
  std::optional<uint32_t> FindDomain(absl::string_view domain) const;
  absl::string_view domain_id(uint32_t domain) const;  // "" when out of range
  std::optional<PseudonymKind> domain_kind(absl::string_view domain) const;

  // Opens the context of one export to `domain`. `relationship` is required (non-empty) for a
  // RELATIONSHIP domain and must be empty otherwise. `version` 0 means the current version; an
  // older one (>= base, not retired) serves a recipient that has not rotated yet. A TRANSACTION
  // context always uses the current version and a fresh random secret.
  // Errors: NOT_FOUND (unknown domain), INVALID_ARGUMENT (relationship label), OUT_OF_RANGE
  // (version), FAILED_PRECONDITION (retired version: with a vault, by any object or process).
  absl::StatusOr<PseudonymContext> NewContext(absl::string_view domain,
                                              absl::string_view relationship = {},
                                              uint32_t version = 0) const;

  // A reversible token for `identifier` (1 to 255 bytes) in `domain`, under the current
  // version: deterministic (the same identifier gives the same token), so only in domains that
  // declare linkage (PERSON, RELATIONSHIP; FAILED_PRECONDITION for TRANSACTION). Writes the
  // text form into `out` (TokenTextLength(identifier.size()) chars) and returns its length.
  // FAILED_PRECONDITION when this object's current version has been retired through its vault
  // since it was created (asked of the vault at most once a second of the reversal clock).
  absl::StatusOr<size_t> CreateToken(uint32_t domain, absl::string_view identifier,
                                     absl::Span<char> out) const;
  absl::StatusOr<std::string> CreateToken(absl::string_view domain,
                                          absl::string_view identifier) const;

  // The privileged reversal (REQ-49). In order: the hook must be set (FAILED_PRECONDITION), the
  // role must exist and hold PSEUDONYM_REVERSAL (PERMISSION_DENIED), actor and reason must be
  // valid (INVALID_ARGUMENT), the actor's rate limit must allow one more call
  // (RESOURCE_EXHAUSTED), the domain must exist (NOT_FOUND), the token's version must not be
  // retired (FAILED_PRECONDITION; with a vault, asked of the database on every call), and the
  // token must authenticate (VERIFICATION_FAILED, no detail). When a vault's controls cannot be
  // read or updated, the call fails with their error (nothing uncounted is reversed). Every
  // call, whatever its outcome, is reported to the hook before it returns.
  absl::StatusOr<SecretBytes> ReverseToken(const ReversalRequest& request,
                                           absl::string_view token) const;

  // Rotation to the current version: out[i] = the pseudonym in[i] carried forward, through each
  // later version v, as BLAKE2b(rotation key of v, previous bytes). Only the old pseudonyms are
  // read: never an identifier. Every input must be of the domain's kind (PERSON or RELATIONSHIP
  // domains only) and of a version from base to current. out.size() must equal in.size().
  // FAILED_PRECONDITION, like CreateToken, when the current version has been retired since.
  absl::Status Rotate(absl::string_view domain, absl::Span<const Pseudonym> in,
                      absl::Span<Pseudonym> out) const;

  // Retires every version up to `version` (which must be below the current one): no context,
  // token or rotation will output pseudonyms of those versions again, and their tokens can no
  // longer be reversed. Old pseudonyms may still be rotated forward. Monotonic. Made from a
  // vault, this is Vault::RetirePseudonymVersions: recorded durably, and refused from then on by
  // every Pseudonymizer of that database, in every process (contexts already open keep
  // computing: they do not depend on the Pseudonymizer). Otherwise it holds for this object.
  absl::Status Retire(uint32_t version);

 private:
  struct Impl;
  explicit Pseudonymizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Rotation alone, for a process that must re-key an existing dataset: it reads the master
// secrets of versions from_version+1 .. to_version only (never the base version's, so it cannot
// pseudonymise an identifier even by mistake). Thread safety: immutable after Create.
class SOCLE_CXX_API PseudonymRotator {
 public:
  static absl::StatusOr<PseudonymRotator> Create(const Policy& policy,
                                                 const PseudonymSecretSource& secrets,
                                                 uint32_t from_version, uint32_t to_version);
  PseudonymRotator(PseudonymRotator&&) noexcept;
  PseudonymRotator& operator=(PseudonymRotator&&) noexcept;
  ~PseudonymRotator();

  uint32_t from_version() const;
  uint32_t to_version() const;
  // As Pseudonymizer::Rotate, for inputs of exactly from_version.
  absl::Status Rotate(absl::string_view domain, absl::Span<const Pseudonym> in,
                      absl::Span<Pseudonym> out) const;

 private:
  struct Impl;
  explicit PseudonymRotator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace socle

#endif  // SOCLE_PSEUDONYM_HPP_
