// socle/erasure.hpp: the right to erasure (GDPR art. 17; REQ-13) as a decision, its tombstones,
// and the restore from backup that must not bring an erased person back.
//
// socle holds no case data: the vendor deletes its own rows (active store, search indexes, caches,
// derived pseudonymised datasets) from socle's answer, a list of data categories to delete.
// socle owns the rest: the person's vault key (crypto-shredding makes every record sealed for
// them unreadable, the access trail's sealed payloads included), its own indexes (the person
// directory behind ListPersons and the access decisions) and the tombstones.
//
//   1. DecideErasure: for each data category asked for, erase, or refuse with the art. 17(3)
//      exception that applies and the policy element it rests on (a pure function of a
//      snapshot and a day):
//        LEGAL_CLAIMS (17(3)(e))    a legal hold recorded on the person (SetLegalHold), or
//                                   asserted by the controller in the request;
//        LEGAL_OBLIGATION (17(3)(b)) an activity declaring the category rests on art. 6(1)(c)
//                                   and the category's retention still runs (phase ACTIVE or
//                                   INTERMEDIATE_ARCHIVE: the processing is still necessary);
//        PUBLIC_TASK (17(3)(b))     the same for art. 6(1)(e) (or an activity flagged
//                                   public_task), unless the person's objection to that activity
//                                   was upheld (art. 17(1)(c));
//        ARCHIVING_PUBLIC_INTEREST (17(3)(d)) the category's retention rule ends in a definitive
//                                   archive, or awaits the archives service's visa (Code du
//                                   patrimoine L.212-2, L.212-3);
//        STATISTICS_89 (17(3)(d), art. 89) a STATISTICS activity declares the category;
//      any of them may also be asserted by the controller in the request. The first that applies,
//      in this order, is the one reported.
//   2. Erase: decides on the engine's current state under its writer lock, records the tombstone
//      (event erasure_recorded) FIRST, then, for a whole file, crypto-shreds the person's key
//      through AccessTrail::ShredPerson. A crash between the two leaves the tombstone: running
//      Erase again finishes the shred. After a whole erasure the person is out of every list
//      (ListPersons), every decision about them is denied (Reason::kErased), no further event about
//      them applies, and their history and exports no longer open (their key is gone). Their id
//      stays interned (FindPerson still finds it) and the tombstone keeps it: the vendor needs it
//      to skip their rows, and the state ledger already holds it in its directory events, so this
//      discloses nothing new.
//   3. Tombstones lists the erasures; ReapplyTombstones shreds again the keys of erased persons in
//      a vault database restored from a backup older than the erasure.
//
// Thread safety: the functions on a snapshot are pure and thread-safe; Erase and the legal hold
// helpers are as thread-safe as AccessEngine's writes (serialised by the engine).
#ifndef SOCLE_ERASURE_HPP_
#define SOCLE_ERASURE_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "socle/access.hpp"
#include "socle/export.hpp"

namespace socle {

class AccessTrail;
class Vault;

// Why a category is not erased (art. 17(3)). The values are frozen (= SOCLE_ERASURE_EXCEPTION_*).
enum class ErasureException : int32_t {
  kNone = 0,                     // erased (or to erase)
  kLegalObligation = 1,          // art. 17(3)(b), art. 6(1)(c)
  kPublicTask = 2,               // art. 17(3)(b), art. 6(1)(e)
  kArchivingPublicInterest = 3,  // art. 17(3)(d)
  kStatistics89 = 4,             // art. 17(3)(d) and art. 89
  kLegalClaims = 5,              // art. 17(3)(e)
  kAlreadyErased = 6,            // nothing left to erase: an earlier erasure took it
};

// "none", "legal_obligation", "public_task", "archiving_public_interest", "statistics_89",
// "legal_claims", "already_erased"; "unspecified" for another value.
SOCLE_CXX_API const char* ErasureExceptionName(ErasureException exception);

// The exceptions the controller asserts on its own assessment, for every category asked for
// (recorded in the answer as resting on "request").
struct ErasureFlags {
  bool legal_obligation = false;
  bool public_task = false;
  bool archiving_public_interest = false;
  bool statistics_89 = false;
  bool legal_claims = false;
};

struct ErasureRequest {
  std::string person;                   // an id of the directory
  std::vector<std::string> categories;  // DataCategory ids; empty: the whole file
  ErasureFlags asserted;
  std::string request;  // the rights request (kind erasure) it answers, or empty
};

// The answer for one data category.
struct CategoryErasure {
  uint32_t category = kNoId;  // dense id (AccessEngine::FindCategory)
  std::string category_id;
  bool erase = false;
  ErasureException exception = ErasureException::kNone;
  std::string rule;    // the policy element it rests on: "activities[2] (name)",
                       // "activities[0].retention[1]", "legal_hold", "request"; empty when erased
  std::string detail;  // a sentence a DPO can read
};

struct SOCLE_CXX_API ErasureDecision {
  bool whole = false;  // the request covered the whole file
  // Every category asked for is erased (now, or by an earlier erasure): for a whole file, the
  // tombstone then covers the whole file and the key is shredded.
  bool all_erased = false;
  std::vector<CategoryErasure> categories;  // by category id
  // The decision as text: one heading line, then one line per category.
  std::string ToString() const;
};

// Decides `request` on `snapshot` for the legal day `day` (Europe/Paris). NOT_FOUND for a person
// not in the directory or an unknown category; INVALID_ARGUMENT for a repeated category;
// FAILED_PRECONDITION for a person whose whole file was erased already.
SOCLE_CXX_API absl::StatusOr<ErasureDecision> DecideErasure(const AccessSnapshot& snapshot,
                                                            const ErasureRequest& request,
                                                            absl::CivilDay day);

struct ErasureOutcome {
  ErasureDecision decision;
  // A tombstone was recorded now (at `revision`); false when nothing was erasable, and on a run
  // that only finished an earlier whole erasure.
  bool recorded = false;
  uint64_t revision = 0;
  bool whole_erased = false;  // the whole file is erased (now or earlier)
  bool key_shredded = false;  // this run destroyed the person's vault key
  // What the vendor deletes now, in its active store, search indexes, caches and derived
  // pseudonymised datasets: the person's rows of these categories (ids), every category for a
  // whole erasure.
  std::vector<std::string> vendor_deletes;
};

// Decides and erases (see the header comment). `recorded_by` is the professional who records it
// (active in the directory). A whole file that was erased before (a tombstone) is not decided
// again: its key is shredded if it is still there (a crash came between the two), and the
// outcome says so. The trail's and the vault's errors are returned as they are, after the
// tombstone was recorded: run Erase again.
SOCLE_CXX_API absl::StatusOr<ErasureOutcome> Erase(AccessEngine& engine, AccessTrail& trail,
                                                   const ErasureRequest& request,
                                                   absl::string_view recorded_by);

// A recorded erasure.
struct TombstoneInfo {
  std::string person;
  std::vector<std::string> categories;  // empty: the whole file
  absl::CivilDay day;                   // in Europe/Paris
  absl::Time at;
  std::string request;  // the rights request, or empty
  std::string recorded_by;
  uint64_t revision = 0;  // of the erasure_recorded event
};

// Every erasure, in the order recorded. `since_revision`: only those recorded after it.
SOCLE_CXX_API std::vector<TombstoneInfo> Tombstones(const AccessSnapshot& snapshot,
                                                    uint64_t since_revision = 0);

// Whether a row of the vendor (person, data category id; an empty category: the person as a
// whole) must be skipped by a restore from backup, i.e. was erased. For a person never erased,
// or an id not in the directory: false. The vendor's restore filter.
SOCLE_CXX_API bool ErasedRow(const AccessSnapshot& snapshot, absl::string_view person,
                             absl::string_view category = {});

// After restoring `vault`'s database from a backup: shreds again the key of every person whose
// whole file is tombstoned, when the restored database holds one (Vault::ShredPerson; a person
// without a key is skipped). Returns how many keys were shredded. Record the restore itself in the
// trail (AccessTrail::RecordOperation) when the trail is available.
SOCLE_CXX_API absl::StatusOr<size_t> ReapplyTombstones(const AccessSnapshot& snapshot,
                                                       Vault& vault);

// --- Legal holds (art. 17(3)(e)) --------------------------------------------------------------

// Holds the person's file for legal claims: `reason` (required, no person's name), `reference`
// the controller's own (optional). Event legal_hold_set; returns the revision.
SOCLE_CXX_API absl::StatusOr<uint64_t> SetLegalHold(AccessEngine& engine, absl::string_view person,
                                                    absl::string_view reason,
                                                    absl::string_view reference,
                                                    absl::string_view recorded_by);
// Event legal_hold_lifted. FAILED_PRECONDITION when no hold stands.
SOCLE_CXX_API absl::StatusOr<uint64_t> LiftLegalHold(AccessEngine& engine, absl::string_view person,
                                                     absl::string_view recorded_by);

}  // namespace socle

#endif  // SOCLE_ERASURE_HPP_
