// socle/consent_receipt.hpp: consent receipts and consent proofs (REQ-05; docs/consent-and-sharing.md,
// "Consent receipts and proofs").
//
// Every ConsentGiven and ConsentWithdrawn event is an entry of the state ledger (StateLedger: the
// event of revision r is entry r - 1). From such an entry socle issues a consent receipt, the
// document the person keeps and the record another system reads:
//   - a JSON-LD document with the elements of ISO/IEC TS 27560:2023 (consent record information
//     structure), encoded with the W3C Data Privacy Vocabulary (DPV) as its community guide
//     "Consent Records and Receipts as per ISO/IEC TS 27560:2023 using DPV" maps them: a
//     dpv:ConsentReceipt holding one dpv:ConsentRecord (controller, data subject, purpose, legal
//     basis, personal data categories, recipients, notice version and SHA-256, channel, evidence,
//     who gave it, time, expiry, status, state-ledger index);
//   - carrying its own proof: the ledger entry's exact bytes, its RFC 9162 inclusion proof and
//     the state ledger's signed checkpoint it leads to;
//   - signed by the controller as a C2SP signed note (text = the JSON-LD document) with a key of
//     its own, "<state ledger origin>/consent-receipts", derived from the state ledger's secret in
//     the vault for this use alone (never the checkpoint key).
// The same bytes for the same event and the same checkpoint: Ed25519 signatures are
// deterministic and the document is written in a fixed order.
//
// ConsentHistory returns every consent event of one (person, purpose), in order, each with its
// inclusion proof against one signed checkpoint: REQ-05's getConsentProof.
//
// Errors never name a person, an item or free text of an event.
//
// Thread safety: free functions; they may run concurrently on the same ledger (a Ledger is safe
// for concurrent use). The structs are plain values.
#ifndef SOCLE_CONSENT_RECEIPT_HPP_
#define SOCLE_CONSENT_RECEIPT_HPP_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "socle/consent.hpp"
#include "socle/export.hpp"
#include "socle/ledger.hpp"

namespace socle {

class Policy;

// dpv:ConsentGiven or dpv:ConsentWithdrawn.
enum class ConsentStatus : int32_t { kGiven = 1, kWithdrawn = 2 };
// ConsentScope (PROCESSING, SHARING) is socle/consent.hpp's.

// One consent event as the state ledger holds it (the fields of ConsentGiven or
// ConsentWithdrawn, and the StateEvent's time and author).
struct SOCLE_CXX_API ConsentEventFields {
  uint64_t index = 0;  // the state ledger's entry (revision - 1)
  ConsentStatus status = ConsentStatus::kGiven;
  ConsentScope scope = ConsentScope::kProcessing;
  std::string person;   // the data subject's id, as given
  std::string purpose;  // an Activity id of the policy
  absl::Time time;      // when it was given or withdrawn (the event's `at`)
  std::string recorded_by;            // the professional who recorded it
  std::vector<std::string> given_by;  // who gave it (the person, representatives), or withdrew it
  // The information text shown (given only): its version and SHA-256 (32 bytes, raw).
  std::string information_version;
  std::string information_sha256;
  // Its language, a BCP 47 tag (given only; "fr" when the event names none:
  // kDefaultNoticeLanguage).
  std::string notice_language;
  std::string channel;  // "IN_PERSON", "PAPER", "ONLINE", "PHONE" (socle.v1.Channel's names)
  std::string evidence_reference;
  std::optional<absl::Time> expires_at;  // given only; nullopt: until withdrawn
  std::vector<std::string> categories;   // as given (empty: the purpose's)
  std::vector<std::string> recipients;   // SHARING: professional ids
  std::vector<std::string> recipient_roles;  // SHARING: Role ids
  std::string supports;
  std::string security_measures;
  // A withdrawal: the index of the grant it ends (the latest ConsentGiven of the same person,
  // purpose and scope before it), when there is one.
  std::optional<uint64_t> withdraws_index;
};

// A consent receipt, read back (VerifyConsentReceipt, ParseConsentReceipt): what another system
// needs to take the consent over.
struct SOCLE_CXX_API ConsentReceipt {
  bool verified = false;    // true only from VerifyConsentReceipt
  std::string receipt_id;   // dct:identifier of the receipt (a UUID)
  std::string record_id;    // dct:identifier of the consent record (a UUID)
  std::string created;      // dct:created: the checkpoint's time (RFC 3339)
  // The controller (the policy's controller section, GDPR art. 30(1)(a)).
  std::string controller_name;
  std::string controller_address;
  std::string controller_contact;
  std::string controller_siren;
  // The purpose: the activity's name and purpose text as the register states them.
  std::string purpose_name;
  std::string purpose_text;
  std::vector<std::string> legal_bases;  // e.g. "eu-gdpr:A6-1-a", "eu-gdpr:A9-2-a"
  // The event, decoded from the state ledger entry the proof covers (not from the JSON text,
  // which is checked against it).
  ConsentEventFields event;
  // The proof: the entry's bytes (the leaf: leaf hash = SHA-256(0x00 || entry)), its inclusion
  // proof and the checkpoint (signed note) it leads to.
  std::string entry;
  LedgerInclusionProof proof;
  std::string checkpoint_note;
  std::string origin;  // the state ledger's checkpoint origin
  std::string json;    // the JSON-LD document (the signed note's text)
};

// The name of the receipts key of a state ledger whose checkpoints carry `origin`.
SOCLE_CXX_API std::string ConsentReceiptKeyName(absl::string_view origin);

// The C2SP verifier key of the receipts issued from `state_ledger` (public: give it with the
// ledger's checkpoint verifier key to whoever checks receipts).
SOCLE_CXX_API absl::StatusOr<std::string> ConsentReceiptVerifierKey(Ledger& state_ledger);

// Issues the receipt of the consent event at entry `index` of the state ledger, against a
// checkpoint covering the whole ledger (signed now if the latest does not). `policy` is the
// policy the events were recorded under (controller, purpose, categories). INVALID_ARGUMENT when
// the entry is not a consent event, OUT_OF_RANGE when there is no such entry, NOT_FOUND when the
// event's purpose is not an activity of `policy`, FAILED_PRECONDITION when the entry was pruned.
SOCLE_CXX_API absl::StatusOr<std::string> IssueConsentReceipt(StateLedger& state_ledger,
                                                              const Policy& policy,
                                                              uint64_t index);

// Verifies a receipt with the receipts verifier key and the state ledger's checkpoint verifier
// key: the receipt's signature, the checkpoint's signature and origin, the leaf hash recomputed
// from the entry's bytes, the inclusion proof against the checkpoint's root, and the JSON-LD
// fields against the event the entry holds. Any failure, a single changed byte included, is
// VERIFICATION_FAILED; INVALID_ARGUMENT only for keys that cannot be parsed or do not belong
// together (the receipts key's name must be ConsentReceiptKeyName of the checkpoint key's).
SOCLE_CXX_API absl::StatusOr<ConsentReceipt> VerifyConsentReceipt(
    absl::string_view receipt, absl::string_view receipts_verifier_key,
    absl::string_view checkpoint_verifier_key);

// Reads a receipt without checking any signature (verified = false), for a system that
// exchanges consent records and verifies elsewhere or later; the fields are still checked
// against the entry's event and the leaf hash against the entry (PARSE otherwise).
SOCLE_CXX_API absl::StatusOr<ConsentReceipt> ParseConsentReceipt(absl::string_view receipt);

// One event of a consent history with its proof.
struct SOCLE_CXX_API ConsentProofEvent {
  ConsentEventFields fields;
  std::string entry;  // the state ledger entry's bytes (the leaf)
  LedgerInclusionProof proof;
};

// REQ-05's consent proof of one (person, purpose): every ConsentGiven and ConsentWithdrawn, of
// both scopes, in ledger order, each proven against `checkpoint`.
struct SOCLE_CXX_API ConsentProof {
  std::string person;
  std::string purpose;
  LedgerCheckpoint checkpoint;
  std::vector<ConsentProofEvent> events;
};

// Scans the state ledger once, up to a checkpoint taken first (signed now if the latest does not
// cover the ledger), and proves every consent event of (person, purpose) against it. An empty
// history is OK with no events.
SOCLE_CXX_API absl::StatusOr<ConsentProof> ConsentHistory(StateLedger& state_ledger,
                                                          absl::string_view person,
                                                          absl::string_view purpose);

// Checks a ConsentProof as a third party would: the checkpoint's signature (with the ledger's
// checkpoint verifier key), each leaf hash against its entry's bytes, each inclusion proof
// against the checkpoint's root, and each event's fields against its entry. VERIFICATION_FAILED
// naming the first index that does not hold.
SOCLE_CXX_API absl::Status VerifyConsentProof(const ConsentProof& proof,
                                              absl::string_view checkpoint_verifier_key);

}  // namespace socle

#endif  // SOCLE_CONSENT_RECEIPT_HPP_
