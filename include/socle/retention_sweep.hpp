// socle/retention_sweep.hpp: the end of retention (REQ-36). One call, at a given day, lists what
// changed retention phase since the previous sweep, purges what is due, crypto-shreds the persons
// whose whole file is due, and returns the vendor's to-do list (rows to delete, anonymise or
// transfer to the archives service) with one signed deletion certificate per (category, rule,
// end action).
//
// What socle does and what the vendor does: socle holds no case rows. For a person whose every
// category with a retention rule is due to be deleted or anonymised, socle destroys the person's
// keys in the vault (AccessTrail::ShredPersons, the finished persons of a purge batch at once:
// one vault transaction and one WAL truncation a batch): every sealed record and every trail
// payload of the person becomes unreadable for good. Everything else is the vendor's: the to-do
// list names each (person, category, end action); DELETE means delete the rows, ANONYMISE means the
// vendor anonymises them (socle does not see them), DEFINITIVE_ARCHIVE means transfer them to the
// archives service (nothing is shredded: the archives keep the file).
//
// Public archives (controller.public_archives, or a DEFINITIVE_ARCHIVE end action): items stay
// AWAITING_VISA until the archives service's elimination visa is recorded (RecordEliminationVisa,
// Code du patrimoine L212-2 and R212-14); the next sweep then purges the items of the category
// whose phase began on or before the visa's `through` day.
//
// The state ledger says what was done (events 44 to 47 of proto/socle/v1/events.proto): the
// sweep's start, each purge batch (committed BEFORE its persons are shredded), each certificate.
// A sweep killed halfway and run again (at the same day or later) shreds the persons of the
// batches no certificate covers yet (NOT_FOUND from the vault: already done), then certifies
// them: every purged item is counted in exactly one certificate.
//
// Thread safety: Sweep and RecordEliminationVisa write through the engine (serialised by it);
// run one sweep at a time per tenant (a second one running at once may fail its events' checks,
// never double-purge). The values are plain structs.
#ifndef SOCLE_RETENTION_SWEEP_HPP_
#define SOCLE_RETENTION_SWEEP_HPP_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "socle/export.hpp"
#include "socle/retention.hpp"

namespace socle {

class AccessEngine;
class AccessTrail;
class ExportSigningKey;

// A purge batch holds at most this many persons (one RetentionPurged event).
inline constexpr size_t kMaxSweepBatchPersons = 10000;

struct SweepOptions {
  absl::CivilDay day;        // the sweep's day (Europe/Paris); no later than the engine's today
  bool dry_run = false;      // the same plan; nothing recorded, nothing shredded, no certificate
  size_t batch_size = 1000;  // persons per purge batch, 1 to kMaxSweepBatchPersons
  std::string recorded_by;   // the professional who runs the sweep (an active professional)
};

// A (person, category) whose phase on the sweep's day differs from its phase on the previous
// sweep's day (no previous sweep: from ACTIVE).
struct RetentionChange {
  std::string person;
  std::string category;
  RetentionPhase from = RetentionPhase::kActive;
  RetentionPhase to = RetentionPhase::kActive;
  int32_t since = kNoRetentionDay;  // the first day of `to`
};

// One row of the vendor's to-do list: the person's rows of `category` are to be deleted,
// anonymised (by the vendor) or transferred to the archives service.
struct VendorTask {
  std::string person;
  std::string category;
  RetentionEndAction action = RetentionEndAction::kDelete;
  std::string rule;            // "activities[i].retention[j]"
  std::string visa_reference;  // the visa that released it, if it awaited one
};

// A deletion certificate: numbers only (no person id, no content).
struct DeletionCertificate {
  std::string category;
  uint64_t count = 0;     // (person, category) items purged
  int32_t sweep_day = 0;  // the day of the sweep that purged them
  std::string rule;       // "activities[i].retention[j]"
  RetentionEndAction end_action = RetentionEndAction::kDelete;
  std::string visa_reference;
  std::string bytes;      // socle.v1.DeletionCertificate (proto/socle/v1/retention.proto)
  std::string signature;  // Ed25519, 64 bytes (see VerifyDeletionCertificate)
  std::array<uint8_t, 32> sha256{};  // of `bytes`; in the trail's record (hex)
  uint64_t revision = 0;             // of the DeletionCertificateIssued event; 0 in a dry run
};

struct SweepReport {
  int32_t day = 0;
  bool resumed = false;  // a sweep of the same day had begun: this run finished it
  std::vector<RetentionChange> changes;
  std::vector<VendorTask> todo;  // this run's purges and those of the batches it finished
  uint64_t purged = 0;           // (person, category) items purged by this run
  uint64_t shredded = 0;         // persons crypto-shredded by this run (vault keys destroyed)
  uint64_t awaiting_visa = 0;    // (person, category) items awaiting a visa, not purged
  std::vector<DeletionCertificate> certificates;  // none in a dry run
};

// Runs the sweep (see above). `trail` records the shredding and each certificate (an operation
// "retention_sweep" whose detail is the certificate's SHA-256 in hex, its count and category);
// `key` signs the certificates (ExportSigningKey::FromVault: the tenant's export key).
// INVALID_ARGUMENT for a bad batch size or a day after the engine's today; FAILED_PRECONDITION
// for a day before the previous sweep's; the engine's, the vault's and the trail's errors (the
// sweep stops there: run it again to finish).
SOCLE_CXX_API absl::StatusOr<SweepReport> Sweep(AccessEngine& engine, AccessTrail& trail,
                                                const ExportSigningKey& key,
                                                const SweepOptions& options);
// The plan alone (dry run): no trail, no key, nothing written. Integer work on one snapshot.
SOCLE_CXX_API absl::StatusOr<SweepReport> PlanSweep(const AccessEngine& engine, absl::CivilDay day);

struct EliminationVisa {
  std::string reference;    // the visa's number, unique
  std::string category;     // a data category of the policy
  absl::CivilDay through;   // covers items whose awaiting began on or before this day
  std::string recorded_by;  // an active professional
};
// Event elimination_visa_recorded at the engine's clock; returns the revision.
SOCLE_CXX_API absl::StatusOr<uint64_t> RecordEliminationVisa(AccessEngine& engine,
                                                             const EliminationVisa& visa);

// OK when `signature` is the Ed25519 signature of `certificate` (socle.v1.DeletionCertificate
// bytes) by the signer key it names; VERIFICATION_FAILED otherwise (no detail). Check the signer
// key against the tenant's export key (ExportSigningKey::public_key) too.
SOCLE_CXX_API absl::Status VerifyDeletionCertificate(absl::string_view certificate,
                                                     absl::string_view signature);

// The certificates issued so far, in order (from the engine's current state; fields only:
// `bytes` and `signature` are in the state ledger's events).
SOCLE_CXX_API std::vector<DeletionCertificate> IssuedCertificates(const AccessEngine& engine);

}  // namespace socle

#endif  // SOCLE_RETENTION_SWEEP_HPP_
