// socle/vault.hpp: keys, encryption at rest and crypto-shredding.
//
// The vault keeps one random 32-byte data key per person, wrapped (encrypted) by a master key
// that never leaves its KeyProvider, and encrypts a person's records under that data key with
// XChaCha20-Poly1305. The associated data binds every ciphertext to its tenant, person, record
// and schema version, so a ciphertext copied to another person or record does not open. Wrapped
// keys live in an SQLite database (secure_delete on), apart from the records themselves, which
// stay in the vendor's store. Erasing a person's key (ShredPerson) makes every record sealed for
// them unreadable, wherever copies of the ciphertext went. Rotating the master key re-wraps
// every key, in batches, without touching the data. The vault also holds the versioned
// pseudonymisation master secrets (PseudonymSecretSource) and the root secrets of the tenant's
// ledgers (LedgerSecret), each in its own table, wrapped the same way and never mixed with data
// keys.
//
// Key providers: KeyFileProvider (a passphrase-protected file, Argon2id; the embedded default)
// or your own implementation of KeyProvider over an HSM or a KMS (the C ABI offers the same
// through callbacks). docs/keys.md describes the formats and the threat model.
//
// Errors: any failed unwrap or decryption (wrong passphrase, altered byte, wrong person or
// record, a shredded key re-created since) is VERIFICATION_FAILED with one generic message.
// Opening a record of a person who has no key (never sealed for, or shredded) is NOT_FOUND.
// No message ever contains a key, a passphrase, a person id or a record id.
//
// Thread safety: each class below states its own. The option and reference structs are plain
// values (not synchronised).
#ifndef SOCLE_VAULT_HPP_
#define SOCLE_VAULT_HPP_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "socle/clock.hpp"
#include "socle/export.hpp"
#include "socle/pseudonym_secrets.hpp"
#include "socle/secret_bytes.hpp"

namespace socle {

// Data keys, tenant lookup keys and pseudonymisation secrets are all this long.
inline constexpr size_t kVaultKeyBytes = 32;

// Where master keys live. A provider wraps and unwraps 32-byte keys under a numbered version of
// one master key; the master key itself never leaves it. `associated_data` must be bound to the
// wrapped bytes (an AEAD's associated data, a KMS encryption context): unwrapping with any
// other associated data must fail. The vault passes a label, the master key id and version, the
// tenant and what the key is for (docs/keys.md, "Associated data").
//
// Thread safety: implementations must be safe for concurrent use; the vault calls them from
// any thread.
class SOCLE_CXX_API KeyProvider {
 public:
  virtual ~KeyProvider() = default;
  // A stable, public identifier of the master key (all versions). A vault database is bound to
  // one key id when it is created. Never secret.
  virtual std::string KeyId() const = 0;
  // The version that wraps new keys (versions start at 1).
  virtual absl::StatusOr<uint32_t> CurrentVersion() const = 0;
  virtual absl::StatusOr<std::vector<uint8_t>> Wrap(
      uint32_t version, const SecretBytes& key,
      absl::Span<const uint8_t> associated_data) const = 0;
  // VERIFICATION_FAILED with no detail for any failure to authenticate (wrong version, altered
  // bytes, other associated data).
  virtual absl::StatusOr<SecretBytes> Unwrap(uint32_t version, absl::Span<const uint8_t> wrapped,
                                             absl::Span<const uint8_t> associated_data) const = 0;
  // Creates a new master key version, makes it current and returns it. UNSUPPORTED when the
  // provider's versions are managed outside socle (the vault then re-wraps under whatever
  // CurrentVersion() says).
  virtual absl::StatusOr<uint32_t> Rotate() = 0;
  // Destroys every version older than `version`. UNSUPPORTED likewise.
  virtual absl::Status RetireVersionsBefore(uint32_t version) = 0;
};

// Argon2id cost of a key file. The named sets are libsodium's.
struct SOCLE_CXX_API PassphraseKdfParams {
  uint64_t opslimit = 3;
  uint64_t memlimit_bytes = 256ull << 20;

  // The default of new key files: about 0.5 s and 256 MiB on one core (benchmarks/).
  static constexpr PassphraseKdfParams Moderate() { return {3, 256ull << 20}; }
  static constexpr PassphraseKdfParams Interactive() { return {2, 64ull << 20}; }
  static constexpr PassphraseKdfParams Sensitive() { return {4, 1ull << 30}; }
  // libsodium's minimum: for tests only, never for a real key file (it needs
  // KeyFileOptions::allow_weak_kdf_for_tests).
  static constexpr PassphraseKdfParams MinimumForTests() { return {1, 8192}; }
};

// A passphrase shorter than this is refused when a key file is created or re-protected.
inline constexpr size_t kMinPassphraseBytes = 8;

struct SOCLE_CXX_API KeyFileOptions {
  // Used by Create and ChangePassphrase; Open reads the parameters stored in the file.
  PassphraseKdfParams kdf = PassphraseKdfParams::Moderate();
  // Timestamps written into the file; nullptr means Clock::Real().
  const Clock* clock = nullptr;
  // For tests and benchmarks only: accept Argon2id parameters below libsodium's INTERACTIVE set
  // (opslimit 2, 64 MiB), such as MinimumForTests(), in Create, Open and ChangePassphrase.
  // Without it, Create and ChangePassphrase refuse them (INVALID_ARGUMENT) and Open refuses a
  // file that uses them (FAILED_PRECONDITION): one guess at such a file costs microseconds.
  bool allow_weak_kdf_for_tests = false;
};

// The embedded default provider: master key versions in a file encrypted under a key derived
// from a passphrase with Argon2id (the parameters and the salt are stored in the file, so a
// file keeps opening after the defaults change). The file starts with the magic "SOCLEKEY",
// is written atomically (temporary file, fsync, rename) with permissions 0600, and holds no
// secret in clear. A wrong passphrase and a damaged file are the same VERIFICATION_FAILED.
// Wrap/Unwrap use XChaCha20-Poly1305 under the master key version named.
//
// Several processes may use one key file. Rotate, RetireVersionsBefore and ChangePassphrase
// hold an advisory lock (flock on "<path>.lock", created beside the file with mode 0600) while
// they re-read the file, change it and write it back, so none loses another's change. A
// provider reads the file again when it changed on disk (one stat() per call) before
// CurrentVersion and Wrap, and when Unwrap is asked for a version it does not hold: it never
// wraps under a version another process retired (NOT_FOUND). After another process changed the
// passphrase, this provider cannot read the file any more: CurrentVersion, Wrap and every
// rewrite fail with FAILED_PRECONDITION (open the file again with the new passphrase), while
// Unwrap keeps working with the versions it holds. Local file systems only (flock).
//
// Thread safety: safe for concurrent use.
class SOCLE_CXX_API KeyFileProvider final : public KeyProvider {
 public:
  // Creates a new key file at `path` (ALREADY_EXISTS if there is one) with a random key id and
  // master key version 1.
  static absl::StatusOr<std::unique_ptr<KeyFileProvider>> Create(
      const std::string& path, const SecretBytes& passphrase, const KeyFileOptions& options = {});
  // Opens and unlocks an existing key file (its Argon2id cost is paid here).
  static absl::StatusOr<std::unique_ptr<KeyFileProvider>> Open(const std::string& path,
                                                               const SecretBytes& passphrase,
                                                               const KeyFileOptions& options = {});
  ~KeyFileProvider() override;
  KeyFileProvider(const KeyFileProvider&) = delete;
  KeyFileProvider& operator=(const KeyFileProvider&) = delete;

  std::string KeyId() const override;
  absl::StatusOr<uint32_t> CurrentVersion() const override;
  absl::StatusOr<std::vector<uint8_t>> Wrap(
      uint32_t version, const SecretBytes& key,
      absl::Span<const uint8_t> associated_data) const override;
  absl::StatusOr<SecretBytes> Unwrap(uint32_t version, absl::Span<const uint8_t> wrapped,
                                     absl::Span<const uint8_t> associated_data) const override;
  absl::StatusOr<uint32_t> Rotate() override;
  absl::Status RetireVersionsBefore(uint32_t version) override;

  // Re-protects the file under a new passphrase, a new salt and `kdf` (the master keys do not
  // change, so no database needs re-wrapping).
  absl::Status ChangePassphrase(const SecretBytes& new_passphrase, const PassphraseKdfParams& kdf);
  // The Argon2id parameters stored in the file (as last read or written by this provider).
  PassphraseKdfParams kdf_params() const;
  // The versions the file holds, oldest first (as last read or written by this provider).
  std::vector<uint32_t> versions() const;
  const std::string& path() const;

 private:
  struct State;
  explicit KeyFileProvider(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

struct SOCLE_CXX_API VaultOptions {
  // Timestamps of new keys and the age of cached keys; nullptr means Clock::Real().
  const Clock* clock = nullptr;
  // How many persons' unwrapped data keys stay in memory (0 turns the cache off). A cached key
  // is wiped when it is evicted, expires, or its person is shredded.
  size_t cache_capacity = 4096;
  // How long an unwrapped key stays cached after it was unwrapped. It bounds how long another
  // process that shares the database may still read a person shredded elsewhere.
  absl::Duration cache_ttl = absl::Minutes(5);
};

// Which record a ciphertext belongs to. Ids are opaque bytes of 1 to 256 bytes (the record id
// may be empty); they are bound into the ciphertext, never stored by the vault. The fields are
// views: the strings they point to must outlive every use of the RecordRef.
struct SOCLE_CXX_API RecordRef {
  absl::string_view person_id;
  absl::string_view record_id;
  uint32_t schema_version = 1;
};

// What SealRecord does for a person who has no data key in the vault database.
//
// One enum argument of the one sealing call rather than a second method: both modes seal the
// same way into the same format, the choice is visible at every call site, and a caller cannot
// pick the wrong method by name. Case data seals with kOnFirstUse; the access trail, whose
// entries about a person are sealed under that person's key, seals with kRefuseIfShredded so
// that recording an access can never bring a crypto-shredded person's key back.
enum class KeyCreation {
  // Creates a random key on the first seal for the person. A person shredded earlier gets a
  // new key, unrelated to the destroyed one (their old records stay unreadable). Uses the key
  // cache as is: another process's shred is seen here after at most VaultOptions::cache_ttl.
  kOnFirstUse,
  // Creates a key on the first seal for a person never shredded in this tenant (so an entry
  // about a person may come before any of their case data), and refuses with
  // FAILED_PRECONDITION, creating nothing, for a person whose key was crypto-shredded and has
  // not been re-created since (the vault keeps a keyed tag of every shredded person, never the
  // id). A shred by any process or Vault object is refused from the moment it committed,
  // whatever the cache holds: a cached key is used only while nothing at all was committed to
  // the database since a read last found that key in the person's row (the vault watches the
  // change counter SQLite keeps in the WAL index's shared memory, without a lock or a system
  // call); after any commit, the next such seal of a cached person reads the database once
  // more (one indexed read under the vault's database mutex). A person shredded and then
  // re-created by a kOnFirstUse seal has a key again, and this mode seals under it.
  // Shreds done by builds older than vault schema 3 were not recorded (docs/keys.md).
  kRefuseIfShredded,
};

// Bytes a sealed record adds to its plaintext: a 5-byte header (format byte 0x01, the data key
// version as 4 bytes big-endian), a 24-byte nonce and a 16-byte tag.
inline constexpr size_t kSealedRecordOverhead = 45;

struct SOCLE_CXX_API RotationReport {
  uint32_t master_version = 0;  // the version every key is now wrapped under
  size_t rewrapped = 0;         // keys re-wrapped (all tenants of the database)
  bool retired_previous = false;
};

// The vault of one tenant (an organisation: a CCAS, a département) over one SQLite database, or
// over the schema socle_vault of a PostgreSQL database that every application server shares
// (docs/postgresql.md, "The vault on PostgreSQL": there, every use of a cached person key first
// checks that no shred or re-wrap was committed since, so another server's shred is seen at
// once).
// Several tenants may share a database; each vault sees only its own tenant's keys, and a
// tenant's person index is keyed by a secret of that tenant, so the database holds no person
// id in clear.
//
// Thread safety: a Vault is safe for concurrent use. SealRecord (kOnFirstUse) and OpenRecord of
// persons whose keys are cached take a shared lock only (so does a kRefuseIfShredded seal of a
// cached person while nothing was committed to the database since its key was last read);
// database work is serialised by one mutex; rotation runs while other threads keep sealing and
// opening. Other processes may open the same database (SQLite WAL); their
// caches see a shred of this process only after cache_ttl, except for kRefuseIfShredded seals,
// which see it at once.
class SOCLE_CXX_API Vault final : public PseudonymSecretSource {
 public:
  // `db_path` starting with postgresql:// or postgres:// is a libpq URI (never repeated with its
  // password in a message); any other path is a SQLite file.
  // Opens the vault database at `db_path` for `tenant` (1 to 128 bytes), creating the database
  // (permissions 0600) and the tenant's keys if missing, and finishes any shred a crash
  // interrupted. FAILED_PRECONDITION when the database is bound to another master key id, is
  // not a vault database, holds schema objects socle did not create (a trigger, a view, a
  // table), or has an unfinished shred that another connection's read snapshot keeps from
  // completing; UNSUPPORTED for a newer schema; VERIFICATION_FAILED when `provider` cannot
  // unwrap the tenant's keys.
  static absl::StatusOr<std::unique_ptr<Vault>> Open(std::shared_ptr<KeyProvider> provider,
                                                     const std::string& db_path,
                                                     absl::string_view tenant,
                                                     const VaultOptions& options = {});
  ~Vault() override;
  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;

  // Encrypts `plaintext` for `record` under the person's data key, creating that key as
  // `key_creation` says. Returns header || nonce || ciphertext || tag (kSealedRecordOverhead
  // bytes more than the plaintext). With KeyCreation::kRefuseIfShredded, a shredded person is
  // FAILED_PRECONDITION ("the person's data key was crypto-shredded: nothing more may be sealed
  // for them") and no key is created.
  absl::StatusOr<std::vector<uint8_t>> SealRecord(
      const RecordRef& record, absl::Span<const uint8_t> plaintext,
      KeyCreation key_creation = KeyCreation::kOnFirstUse);
  // Decrypts what SealRecord returned for the same record. VERIFICATION_FAILED for any altered,
  // truncated or misplaced ciphertext; NOT_FOUND when the person has no key (shredded).
  absl::StatusOr<SecretBytes> OpenRecord(const RecordRef& record, absl::Span<const uint8_t> sealed);
  // Opens several records of one person (a page of their history): element i is exactly what
  // OpenRecord(records[i], sealed[i]) returns, but the person's key is looked up once for the
  // batch (once in all, where OpenRecord asks the database on each call when the store requires
  // it, as the PostgreSQL store does). INVALID_ARGUMENT for the whole call, opening nothing,
  // when the spans differ in length or the records name more than one person.
  absl::StatusOr<std::vector<absl::StatusOr<SecretBytes>>> OpenRecords(
      absl::Span<const RecordRef> records, absl::Span<const absl::Span<const uint8_t>> sealed);

  // Crypto-shredding: deletes the person's wrapped keys (secure_delete overwrites them) and, in
  // the same transaction, records the person's keyed tag as shredded (never the id: see
  // KeyCreation::kRefuseIfShredded), wipes the keys from the cache and truncates the WAL so no
  // copy stays in the -wal file. Every record
  // sealed for the person becomes unreadable for good. OK only once no copy remains in the
  // database file or its WAL; FAILED_PRECONDITION when another connection's read snapshot kept
  // the WAL from being truncated (after a bounded wait): the key is deleted, and calling
  // ShredPerson again, or the next Open, finishes the job. NOT_FOUND when the person has no key.
  absl::Status ShredPerson(absl::string_view person_id);

  // Crypto-shreds several persons as ShredPerson shreds one, with one transaction and one WAL
  // truncation for the whole batch instead of one each (a retention sweep shreds thousands).
  // Element i is what ShredPerson(person_ids[i]) would have returned for that person: OK when
  // their keys are deleted (now, or by an earlier call whose truncation did not complete),
  // NOT_FOUND when they had none. The call's own errors: INVALID_ARGUMENT naming the position
  // of a bad id, or OUT_OF_RANGE for more than kMaxShredBatch ids, with nothing shredded; a
  // storage error, with nothing shredded; FAILED_PRECONDITION when the WAL could not be
  // truncated, as ShredPerson (the keys are deleted; call again to finish). The same person
  // twice is shredded once, both elements OK.
  static constexpr size_t kMaxShredBatch = 10000;
  absl::StatusOr<std::vector<absl::Status>> ShredPersons(absl::Span<const std::string> person_ids);

  // Asks the provider for a new master key version (or takes its current one when it manages
  // versions itself), then re-wraps every key of the database under it, in batches that each
  // commit on their own, calling the provider outside any lock or transaction (seals, opens and
  // other processes keep going); the records are not touched. A failure keeps the batches done
  // (every key stays readable) and running it again finishes. With `retire_previous`, the
  // provider then destroys older versions, once every key is re-wrapped (only do this when no
  // other database still uses them). FAILED_PRECONDITION, with nothing re-wrapped, when another
  // process made a newer version current meanwhile (run it again).
  absl::StatusOr<RotationReport> RotateMasterKey(bool retire_previous);

  // Pseudonymisation master secrets (versions start at 1; the first is created by Open).
  // The current version is read from the database on every call, so a version another process
  // added is seen at once. Unwrapped secrets are cached like data keys (cache_capacity,
  // cache_ttl): a version destroyed by this process is dropped from the cache at once, one
  // destroyed by another process is still served for at most cache_ttl.
  absl::StatusOr<uint32_t> CurrentPseudonymVersion() const override;
  absl::StatusOr<SecretBytes> PseudonymMasterSecret(uint32_t version) const override;
  // Adds a new random version and makes it current.
  absl::StatusOr<uint32_t> RotatePseudonymSecret();
  // Deletes an old version for good (NOT_FOUND afterwards). FAILED_PRECONDITION for the current
  // version (as the database says it when the call runs).
  absl::Status DestroyPseudonymSecret(uint32_t version);

  // Retires every pseudonymisation version up to and including `through`, durably, for every
  // Pseudonymizer made from this database, in every process, now and after restarts: none
  // outputs a pseudonym or token of those versions again, and their tokens no longer reverse
  // (docs/pseudonyms.md, "Rotation and retirement"). Monotonic (retiring a retired version
  // changes nothing). FAILED_PRECONDITION when `through` is not below the current version,
  // INVALID_ARGUMENT for 0. Pseudonymizer::Retire on a Pseudonymizer made from a vault does
  // the same.
  absl::Status RetirePseudonymVersions(uint32_t through);
  // The highest retired version of this tenant (0: none).
  absl::StatusOr<uint32_t> RetiredPseudonymVersions() const;
  // The durable controls every Pseudonymizer made from this vault uses: the retired versions
  // and the per-actor reversal counts, kept in the database (the actor as a keyed tag, never
  // in clear). They have their own connection and outlive this object.
  std::shared_ptr<PseudonymControls> pseudonym_controls() const override;

  // The 32-byte root secret of the ledger `ledger` (1 to 64 bytes of [a-z0-9_.-], e.g.
  // "access_trail", "state") of this tenant, created at random on first use and wrapped under the
  // master key like every key of the vault. Every process and Vault object of the database gets
  // the same secret (concurrent first uses agree). Never shredded by ShredPerson; re-wrapped by
  // RotateMasterKey.
  // This object keeps it unwrapped after its first use (the secret never changes).
  // INVALID_ARGUMENT for another name (the message does not repeat it); VERIFICATION_FAILED when
  // the provider cannot unwrap it. With `create` false, a ledger without a secret is NOT_FOUND
  // and nothing is written (opening an existing ledger file with the wrong vault).
  absl::StatusOr<SecretBytes> LedgerSecret(absl::string_view ledger, bool create = true);

  // The integrity check and restore test (GDPR art. 32(1)(b)-(d)): runs SQLite's
  // integrity_check and unwraps every key of this tenant. DATA_LOSS naming how many keys failed.
  absl::Status Verify() const;

  const std::string& tenant() const;
  // How many persons' keys are cached now (for tests and monitoring).
  size_t cached_keys() const;

 private:
  struct State;
  explicit Vault(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace socle

#endif  // SOCLE_VAULT_HPP_
