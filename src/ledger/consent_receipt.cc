// Consent receipts (ISO/IEC TS 27560:2023 in DPV JSON-LD, signed as a C2SP note, carrying the
// state ledger's inclusion proof) and consent proofs per (person, purpose). See
// socle/consent_receipt.hpp and docs/consent-and-sharing.md.
//
// The vocabulary follows the DPVCG guide "Consent Records and Receipts as per ISO/IEC TS
// 27560:2023 using DPV" (https://w3id.org/dpv/guides/consent-27560, final CG report 2024-08-01)
// and DPV 2.x (https://w3id.org/dpv). The 27560 elements and the terms that carry them:
//   receipt: dpv:ConsentReceipt; schema_version -> dct:conformsTo
//     (dpv-27560#receipt-record: "a copy of the consent record"); receipt id -> dct:identifier;
//     dct:created, dct:publisher, dct:audience (guide §9.1); the record -> dpv:hasRecordOfActivity
//   record: dpv:ConsentRecord; schema_version -> dct:conformsTo (dpv-27560#record); record_id ->
//     dct:identifier; pii_principal_id -> dpv:hasDataSubject (a dpv:DataSubject with its
//     dct:identifier); pii_controllers -> dpv:hasDataController (dpv:hasName, dpv:hasAddress,
//     dpv:hasContact; guide §8.4); jurisdiction -> dpv:hasJurisdiction (loc:FR);
//     dpv:hasApplicableLaw (the GDPR's ELI)
//   privacy_notice -> dpv:hasNotice with a dpv:ConsentNotice (its version as dct:hasVersion; its
//     language, a BCP 47 tag, as dct:language, Dublin Core's term for the language of a
//     resource, which DPV reuses as it reuses dct:hasVersion; its SHA-256 as socle:sha256, which
//     DPV has no term for)
//   processing -> dpv:hasProcess with a dpv:Process: purpose -> dpv:hasPurpose (a dpv:Purpose
//     with dct:identifier, dct:title, dct:description); lawful_basis / event_type ->
//     dpv:hasLegalBasis (eu-gdpr:A6-1-a, eu-gdpr:A9-2-a, or a dpv:Consent naming CSP L.1110-4
//     III); pii_information -> dpv:hasPersonalData (dpv:PersonalData, and
//     dpv:SpecialCategoryPersonalData for art. 9 categories); recipient_third_parties ->
//     dpv:hasRecipient (dpv:Recipient); withdrawal_method -> dpv:hasConsentControl with a
//     dpv:WithdrawConsent (guide §8.3.8)
//   event fields -> dpv:hasConsentStatus with a dpv:ConsentGiven or dpv:ConsentWithdrawn:
//     event_time -> dpv:isIndicatedAtTime; entity_id -> dpv:isIndicatedBy (dpv:DataSubject;
//     dpv:ParentOfDataSubject for a holder of parental authority, dpv:GuardianOfDataSubject for
//     another representative: guide §8.5.5); dpv:hasIndicationMethod (the channel);
//     validity_duration -> dpv:hasDuration (dpv:UntilTimeDuration with rdf:value, or
//     dpv:UntilEventDuration)
// What 27560 and DPV do not name is in socle's own namespace (urn:socle:consent-receipt:v1#):
// the evidence reference, the recording professional, the scope, the state-ledger index, the
// grant a withdrawal ends, and the proof (socle:proof).
#include "socle/consent_receipt.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "core/json_writer.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/v1/events.pb.h"
#include "socle/v1/ledger.pb.h"
#include "socle/vault.hpp"

namespace socle {
namespace {

using core::Json;

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr absl::string_view kReceiptsKeySuffix = "/consent-receipts";
// BLAKE2b personalisation of the receipts key, derived from the state ledger's secret beside the
// checkpoint key ("socle.ledg.sign"), the row MAC key and the pseudonym key: one key per use.
constexpr absl::string_view kReceiptsKeyUse = "socle.ledg.rcpt";
constexpr absl::string_view kReceiptSchema = "https://w3id.org/dpv/schema/dpv-27560#receipt-record";
constexpr absl::string_view kRecordSchema = "https://w3id.org/dpv/schema/dpv-27560#record";
constexpr absl::string_view kGdpr = "https://eur-lex.europa.eu/eli/reg/2016/679/oj";
constexpr absl::string_view kSharingBasis = "CSP L.1110-4 III";
// Integers a JSON number carries exactly (a double's 53-bit mantissa).
constexpr uint64_t kMaxJsonInteger = uint64_t{1} << 53;

absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

using core::TimeOf;

LedgerHash ToLedgerHash(const ledger::MerkleHash& h) {
  LedgerHash out;
  std::copy(h.begin(), h.end(), out.begin());
  return out;
}

ledger::MerkleHash ToMerkle(const LedgerHash& h) {
  ledger::MerkleHash out;
  std::copy(h.begin(), h.end(), out.begin());
  return out;
}

std::string B64(absl::Span<const uint8_t> bytes) { return crypto::Base64Encode(bytes); }

// A name-based UUID (RFC 9562 version 8: the bits are ours, the layout the standard's) from a
// BLAKE2b digest, so that the same record always has the same id.
std::string UuidOf(absl::string_view domain, absl::string_view data) {
  crypto::Hash256 h = crypto::Hash(domain, data);
  h[6] = static_cast<uint8_t>((h[6] & 0x0f) | 0x80);
  h[8] = static_cast<uint8_t>((h[8] & 0x3f) | 0x80);
  const std::string hex = crypto::ToHex(absl::MakeConstSpan(h.data(), 16));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20, 12));
}

std::string RecordId(absl::string_view origin, uint64_t index, const LedgerHash& leaf) {
  return UuidOf(
      "socle.consent.record",
      absl::StrCat(origin, "\n", index, "\n",
                   absl::string_view(reinterpret_cast<const char*>(leaf.data()), leaf.size())));
}

std::string ReceiptId(absl::string_view record_id, uint64_t tree_size) {
  return UuidOf("socle.consent.receipt", absl::StrCat(record_id, "\n", tree_size));
}

// ---- The event -------------------------------------------------------------------------------

absl::StatusOr<ConsentScope> ScopeOf(v1::ConsentGiven::Scope scope, uint64_t index,
                                     absl::string_view field) {
  switch (scope) {
    case v1::ConsentGiven::PROCESSING:
      return ConsentScope::kProcessing;
    case v1::ConsentGiven::SHARING:
      return ConsentScope::kSharing;
    default:
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("state ledger entry ", index, ": ", field,
                                    ".scope is not PROCESSING or SHARING"));
  }
}

absl::string_view ScopeName(ConsentScope scope) {
  return scope == ConsentScope::kSharing ? "SHARING" : "PROCESSING";
}

// The fields of a consent event; INVALID_ARGUMENT for any other event.
absl::StatusOr<ConsentEventFields> FieldsOf(const v1::StateEvent& event, uint64_t index) {
  ConsentEventFields f;
  f.index = index;
  if (!event.has_consent_given() && !event.has_consent_withdrawn()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("state ledger entry ", index, " is not a consent event"));
  }
  if (!event.has_at()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("state ledger entry ", index, ": the event has no `at`"));
  }
  f.time = TimeOf(event.at());
  f.recorded_by = event.recorded_by();
  if (event.has_consent_given()) {
    const v1::ConsentGiven& g = event.consent_given();
    f.status = ConsentStatus::kGiven;
    SOCLE_ASSIGN_OR_RETURN(f.scope, ScopeOf(g.scope(), index, "consent_given"));
    f.person = g.person();
    f.purpose = g.purpose();
    f.given_by.assign(g.given_by().begin(), g.given_by().end());
    f.information_version = g.information_version();
    f.information_sha256 = g.information_sha256();
    f.notice_language =
        g.notice_language().empty() ? std::string(kDefaultNoticeLanguage) : g.notice_language();
    f.channel = v1::Channel_Name(g.channel());
    f.evidence_reference = g.evidence_reference();
    if (g.has_expires_at()) f.expires_at = TimeOf(g.expires_at());
    f.categories.assign(g.categories().begin(), g.categories().end());
    f.recipients.assign(g.recipients().begin(), g.recipients().end());
    f.recipient_roles.assign(g.recipient_roles().begin(), g.recipient_roles().end());
    f.supports = g.supports();
    f.security_measures = g.security_measures();
  } else {
    const v1::ConsentWithdrawn& w = event.consent_withdrawn();
    f.status = ConsentStatus::kWithdrawn;
    SOCLE_ASSIGN_OR_RETURN(f.scope, ScopeOf(w.scope(), index, "consent_withdrawn"));
    f.person = w.person();
    f.purpose = w.purpose();
    if (!w.withdrawn_by().empty()) f.given_by.push_back(w.withdrawn_by());
    f.channel = v1::Channel_Name(w.channel());
  }
  if (f.person.empty() || f.purpose.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("state ledger entry ", index,
                                  ": the consent event names no person or no purpose"));
  }
  return f;
}

// Whether two readings of one event agree (withdraws_index aside: it is not in the event).
bool SameEvent(const ConsentEventFields& a, const ConsentEventFields& b) {
  return a.index == b.index && a.status == b.status && a.scope == b.scope && a.person == b.person &&
         a.purpose == b.purpose && a.time == b.time && a.recorded_by == b.recorded_by &&
         a.given_by == b.given_by && a.information_version == b.information_version &&
         a.information_sha256 == b.information_sha256 && a.notice_language == b.notice_language &&
         a.channel == b.channel && a.evidence_reference == b.evidence_reference &&
         a.expires_at == b.expires_at && a.categories == b.categories &&
         a.recipients == b.recipients && a.recipient_roles == b.recipient_roles &&
         a.supports == b.supports && a.security_measures == b.security_measures;
}

// The StateEvent a state ledger entry's bytes hold; `code` for anything else.
absl::StatusOr<v1::StateEvent> EventOfEntry(absl::string_view bytes, uint64_t index,
                                            ErrorCode code) {
  v1::LedgerEntry entry;
  if (!entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      entry.type() != v1::STATE_EVENT || !entry.person().empty() ||
      !entry.sealed_payload().empty()) {
    return MakeError(code,
                     absl::StrCat("state ledger entry ", index, " is not a state event in clear"));
  }
  v1::StateEvent event;
  if (!event.ParseFromString(entry.payload())) {
    return MakeError(
        code, absl::StrCat("state ledger entry ", index, ": its payload is not a StateEvent"));
  }
  return event;
}

// Visits the state events of entries [0, end) in order, with their stored entries (a pruned
// entry's bytes are gone: skipped). Entries of another type (the tamper alerts a refused
// UpdateEntry or DeleteEntry appends) are not events: skipped.
absl::Status ScanStateEvents(
    Ledger& ledger, uint64_t end,
    absl::FunctionRef<absl::Status(StoredLedgerEntry& stored, const v1::StateEvent& event)> visit) {
  constexpr size_t kChunk = 4096;
  uint64_t index = 0;
  while (index < end) {
    SOCLE_ASSIGN_OR_RETURN(std::vector<StoredLedgerEntry> chunk,
                           ledger.ReadEntries(index, std::min<uint64_t>(kChunk, end - index)));
    if (chunk.empty()) {
      return MakeError(ErrorCode::kDataLoss,
                       absl::StrCat("state ledger: entry ", index, " is missing"));
    }
    for (StoredLedgerEntry& stored : chunk) {
      if (stored.index != index) {
        return MakeError(ErrorCode::kDataLoss,
                         absl::StrCat("state ledger: entry ", index, " is missing"));
      }
      ++index;
      if (stored.pruned || stored.type != LedgerEntryType::kStateEvent) continue;
      SOCLE_ASSIGN_OR_RETURN(const v1::StateEvent event,
                             EventOfEntry(stored.bytes, stored.index, ErrorCode::kDataLoss));
      SOCLE_RETURN_IF_ERROR(visit(stored, event));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<StoredLedgerEntry> ReadEntry(Ledger& ledger, uint64_t index) {
  SOCLE_ASSIGN_OR_RETURN(std::vector<StoredLedgerEntry> entries, ledger.ReadEntries(index, 1));
  if (entries.empty() || entries[0].index != index) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("state ledger: there is no entry ", index));
  }
  if (entries[0].pruned) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     absl::StrCat("state ledger entry ", index, " was pruned"));
  }
  return std::move(entries[0]);
}

// ---- The receipts key ------------------------------------------------------------------------

absl::StatusOr<ledger::NoteSigner> ReceiptSigner(Ledger& ledger) {
  SOCLE_ASSIGN_OR_RETURN(const SecretBytes secret,
                         ledger.vault().LedgerSecret(ledger.name(), /*create=*/false));
  SecretBytes seed(crypto::kAeadKeyBytes);
  SOCLE_RETURN_IF_ERROR(crypto::KeyedHashPersonal(secret.span(), kReceiptsKeyUse, {},
                                                  absl::MakeSpan(seed.data(), seed.size())));
  return ledger::NoteSigner::FromSeed(ConsentReceiptKeyName(ledger.origin()), seed);
}

// ---- The document ----------------------------------------------------------------------------

const v1::Activity* FindActivity(const v1::Policy& policy, absl::string_view id) {
  for (const v1::Activity& a : policy.activities()) {
    if (a.id() == id) return &a;
  }
  return nullptr;
}

const v1::DataCategory* FindCategory(const v1::Policy& policy, absl::string_view id) {
  for (const v1::DataCategory& c : policy.data_categories()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

const v1::Role* FindRole(const v1::Policy& policy, absl::string_view id) {
  for (const v1::Role& r : policy.roles()) {
    if (r.id() == id) return &r;
  }
  return nullptr;
}

// What a receipt is made of.
struct ReceiptParts {
  const v1::Policy* policy = nullptr;
  const v1::Activity* activity = nullptr;
  ConsentEventFields fields;
  std::string origin;
  std::string record_id;
  std::string receipt_id;
  std::optional<std::string> withdraws_record_id;
  // The measure of each representative among given_by (RepresentativeSet.kind), when recorded.
  std::map<std::string, v1::RepresentativeSet::Kind> representation;
  LedgerCheckpoint checkpoint;
  LedgerInclusionProof proof;
  std::string entry;
};

std::vector<std::string> CoveredCategories(const ReceiptParts& p) {
  if (!p.fields.categories.empty()) return p.fields.categories;
  return {p.activity->data_categories().begin(), p.activity->data_categories().end()};
}

std::vector<std::string> LegalBases(const ReceiptParts& p) {
  if (p.fields.scope == ConsentScope::kSharing) return {std::string(kSharingBasis)};
  std::vector<std::string> bases = {"eu-gdpr:A6-1-a"};
  bool explicit_consent = false;
  for (const int c : p.activity->special_category_conditions()) {
    if (c == v1::EXPLICIT_CONSENT) explicit_consent = true;
  }
  for (const std::string& id : CoveredCategories(p)) {
    const v1::DataCategory* c = FindCategory(*p.policy, id);
    if (c != nullptr && c->sensitivity() == v1::SPECIAL_CATEGORY) explicit_consent = true;
  }
  if (explicit_consent) bases.push_back("eu-gdpr:A9-2-a");
  return bases;
}

Json PersonNode(absl::string_view type, absl::string_view id) {
  Json j = Json::Obj();
  j.Add("@type", Json::Str(type));
  j.Add("dct:identifier", Json::Str(id));
  return j;
}

std::string RenderReceipt(const ReceiptParts& p) {
  const v1::Controller& controller = p.policy->controller();
  const ConsentEventFields& f = p.fields;

  Json context = Json::Obj();
  context.Add("dpv", Json::Str("https://w3id.org/dpv#"));
  context.Add("dct", Json::Str("http://purl.org/dc/terms/"));
  context.Add("eu-gdpr", Json::Str("https://w3id.org/dpv/legal/eu/gdpr#"));
  context.Add("loc", Json::Str("https://w3id.org/dpv/loc#"));
  context.Add("rdf", Json::Str("http://www.w3.org/1999/02/22-rdf-syntax-ns#"));
  context.Add("socle", Json::Str("urn:socle:consent-receipt:v1#"));

  Json controller_node = Json::Obj();
  controller_node.Add(
      "@type",
      Json::Arr().Push(Json::Str("dpv:DataController")).Push(Json::Str("dpv:LegalEntity")));
  controller_node.Add("dpv:hasName", Json::Str(controller.name()));
  if (!controller.siren().empty()) {
    controller_node.Add("dct:identifier", Json::Str(absl::StrCat("SIREN ", controller.siren())));
  }
  if (!controller.address().empty()) {
    controller_node.Add("dpv:hasAddress", Json::Str(controller.address()));
  }
  if (!controller.contact().empty()) {
    controller_node.Add("dpv:hasContact", Json::Str(controller.contact()));
  }

  Json purpose = Json::Obj();
  purpose.Add("@type", Json::Str("dpv:Purpose"));
  purpose.Add("dct:identifier", Json::Str(p.activity->id()));
  purpose.Add("dct:title", Json::Str(p.activity->name()));
  purpose.Add("dct:description", Json::Str(p.activity->purpose()));

  Json bases = Json::Arr();
  for (const std::string& basis : LegalBases(p)) {
    if (basis == kSharingBasis) {
      Json b = Json::Obj();
      b.Add("@type", Json::Str("dpv:Consent"));
      b.Add("dct:identifier", Json::Str(basis));
      b.Add("dct:title", Json::Str("Code de la santé publique, article L.1110-4 III"));
      bases.Push(std::move(b));
    } else {
      bases.Push(Json::Id(basis));
    }
  }

  Json data = Json::Arr();
  for (const std::string& id : CoveredCategories(p)) {
    const v1::DataCategory* c = FindCategory(*p.policy, id);
    Json d = Json::Obj();
    if (c != nullptr && c->sensitivity() == v1::SPECIAL_CATEGORY) {
      d.Add("@type", Json::Arr()
                         .Push(Json::Str("dpv:PersonalData"))
                         .Push(Json::Str("dpv:SpecialCategoryPersonalData")));
    } else {
      d.Add("@type", Json::Str("dpv:PersonalData"));
    }
    d.Add("dct:identifier", Json::Str(id));
    if (c != nullptr) d.Add("dct:title", Json::Str(c->label()));
    data.Push(std::move(d));
  }

  Json process = Json::Obj();
  process.Add("@type", Json::Str("dpv:Process"));
  process.Add("dpv:hasPurpose", std::move(purpose));
  process.Add("dpv:hasLegalBasis", std::move(bases));
  process.Add("dpv:hasPersonalData", std::move(data));
  if (f.scope == ConsentScope::kSharing && (!f.recipients.empty() || !f.recipient_roles.empty())) {
    Json recipients = Json::Arr();
    for (const std::string& id : f.recipients) {
      Json r = PersonNode("dpv:Recipient", id);
      r.Add("socle:kind", Json::Str("professional"));
      recipients.Push(std::move(r));
    }
    for (const std::string& id : f.recipient_roles) {
      Json r = PersonNode("dpv:Recipient", id);
      r.Add("socle:kind", Json::Str("role"));
      if (const v1::Role* role = FindRole(*p.policy, id); role != nullptr) {
        r.Add("dct:title", Json::Str(role->label()));
      }
      recipients.Push(std::move(r));
    }
    process.Add("dpv:hasRecipient", std::move(recipients));
  }
  if (!f.supports.empty()) process.Add("socle:supports", Json::Str(f.supports));
  if (!f.security_measures.empty()) {
    process.Add("socle:securityMeasures", Json::Str(f.security_measures));
  }
  Json withdrawal = Json::Obj();
  withdrawal.Add("@type", Json::Str("dpv:WithdrawConsent"));
  withdrawal.Add("dct:description",
                 Json::Str("Withdrawal at any time, through the same channel and with no more "
                           "steps than the grant (GDPR art. 7(3))"));
  if (!controller.contact().empty()) {
    withdrawal.Add("dpv:hasContact", Json::Str(controller.contact()));
  }
  process.Add("dpv:hasConsentControl", std::move(withdrawal));

  Json status = Json::Obj();
  status.Add("@type", Json::Str(f.status == ConsentStatus::kGiven ? "dpv:ConsentGiven"
                                                                  : "dpv:ConsentWithdrawn"));
  status.Add("dpv:isIndicatedAtTime", Json::Str(Rfc3339(f.time)));
  Json by = Json::Arr();
  for (const std::string& id : f.given_by) {
    if (id == f.person) {
      by.Push(PersonNode("dpv:DataSubject", id));
      continue;
    }
    // A holder of parental authority is dpv:ParentOfDataSubject; any other legal representative
    // (tutelle, curatelle, habilitation familiale, mandat) dpv:GuardianOfDataSubject.
    const auto measure = p.representation.find(id);
    const bool parent = measure != p.representation.end() &&
                        measure->second == v1::RepresentativeSet::PARENTAL_AUTHORITY;
    Json node = PersonNode(parent ? "dpv:ParentOfDataSubject" : "dpv:GuardianOfDataSubject", id);
    if (measure != p.representation.end()) {
      node.Add("socle:representation",
               Json::Str(v1::RepresentativeSet::Kind_Name(measure->second)));
    }
    by.Push(std::move(node));
  }
  status.Add("dpv:isIndicatedBy", std::move(by));
  status.Add("dpv:hasIndicationMethod", Json::Str(f.channel));
  if (f.status == ConsentStatus::kGiven) {
    Json duration = Json::Obj();
    if (f.expires_at.has_value()) {
      duration.Add("@type", Json::Str("dpv:UntilTimeDuration"));
      duration.Add("rdf:value", Json::Str(Rfc3339(*f.expires_at)));
    } else {
      duration.Add("@type", Json::Str("dpv:UntilEventDuration"));
      duration.Add("rdf:value", Json::Str(f.scope == ConsentScope::kSharing
                                              ? "until withdrawn or the case is closed"
                                              : "until withdrawn"));
    }
    status.Add("dpv:hasDuration", std::move(duration));
    if (!f.evidence_reference.empty()) {
      status.Add("socle:evidenceReference", Json::Str(f.evidence_reference));
    }
  }
  if (!f.recorded_by.empty()) status.Add("socle:recordedBy", Json::Str(f.recorded_by));
  status.Add("socle:scope", Json::Str(ScopeName(f.scope)));
  if (f.withdraws_index.has_value() && p.withdraws_record_id.has_value()) {
    Json w = Json::Id(absl::StrCat("urn:uuid:", *p.withdraws_record_id));
    w.Add("socle:stateLedgerIndex", Json::Num(*f.withdraws_index));
    status.Add("socle:withdraws", std::move(w));
  }

  Json record = Json::Obj();
  record.Add("@id", Json::Str(absl::StrCat("urn:uuid:", p.record_id)));
  record.Add("@type", Json::Str("dpv:ConsentRecord"));
  record.Add("dct:conformsTo", Json::Id(kRecordSchema));
  record.Add("dct:identifier", Json::Str(p.record_id));
  record.Add("dpv:hasDataSubject", PersonNode("dpv:DataSubject", f.person));
  record.Add("dpv:hasDataController", std::move(controller_node));
  record.Add("dpv:hasJurisdiction", Json::Id("loc:FR"));
  record.Add("dpv:hasApplicableLaw", Json::Id(kGdpr));
  if (f.status == ConsentStatus::kGiven) {
    Json notice = Json::Obj();
    notice.Add("@type", Json::Str("dpv:ConsentNotice"));
    notice.Add("dct:hasVersion", Json::Str(f.information_version));
    notice.Add("dct:language", Json::Str(f.notice_language));
    notice.Add("socle:sha256", Json::Str(B64(Bytes(f.information_sha256))));
    record.Add("dpv:hasNotice", std::move(notice));
  }
  record.Add("dpv:hasProcess", std::move(process));
  record.Add("dpv:hasConsentStatus", std::move(status));
  record.Add("socle:stateLedgerIndex", Json::Num(f.index));

  Json path = Json::Arr();
  for (const LedgerHash& h : p.proof.hashes) path.Push(Json::Str(B64(h)));
  Json proof = Json::Obj();
  proof.Add("@type", Json::Str("socle:InclusionProof"));
  proof.Add("socle:origin", Json::Str(p.origin));
  proof.Add("socle:index", Json::Num(p.proof.index));
  proof.Add("socle:treeSize", Json::Num(p.proof.tree_size));
  proof.Add("socle:entry", Json::Str(B64(Bytes(p.entry))));
  proof.Add("socle:leafHash", Json::Str(B64(p.proof.leaf_hash)));
  proof.Add("socle:path", std::move(path));
  proof.Add("socle:checkpoint", Json::Str(p.checkpoint.note));

  Json doc = Json::Obj();
  doc.Add("@context", std::move(context));
  doc.Add("@id", Json::Str(absl::StrCat("urn:uuid:", p.receipt_id)));
  doc.Add("@type", Json::Str("dpv:ConsentReceipt"));
  doc.Add("dct:conformsTo", Json::Id(kReceiptSchema));
  doc.Add("dct:identifier", Json::Str(p.receipt_id));
  doc.Add("dct:created", Json::Str(Rfc3339(p.checkpoint.time)));
  doc.Add("dct:publisher", Json::Str(controller.name()));
  doc.Add("dct:audience", Json::Id("dpv:DataSubject"));
  doc.Add("dpv:hasRecordOfActivity", std::move(record));
  doc.Add("socle:proof", std::move(proof));

  std::string out;
  doc.Write(0, &out);
  out.push_back('\n');
  return out;
}

// ---- Reading a document back -----------------------------------------------------------------

absl::Status Bad(absl::string_view what) {
  return MakeError(ErrorCode::kParse, absl::StrCat("consent receipt: ", what));
}

const Value* Member(const Struct& s, absl::string_view key) {
  const auto it = s.fields().find(std::string(key));
  return it == s.fields().end() ? nullptr : &it->second;
}

absl::StatusOr<const Struct*> ObjectAt(const Struct& s, absl::string_view key) {
  const Value* v = Member(s, key);
  if (v == nullptr || !v->has_struct_value()) return Bad(absl::StrCat(key, " is not an object"));
  return &v->struct_value();
}

absl::StatusOr<std::string> StringAt(const Struct& s, absl::string_view key) {
  const Value* v = Member(s, key);
  if (v == nullptr || v->kind_case() != Value::kStringValue) {
    return Bad(absl::StrCat(key, " is not a string"));
  }
  return v->string_value();
}

std::string OptionalString(const Struct& s, absl::string_view key) {
  const Value* v = Member(s, key);
  return v != nullptr && v->kind_case() == Value::kStringValue ? v->string_value() : "";
}

absl::StatusOr<uint64_t> IntegerAt(const Struct& s, absl::string_view key) {
  const Value* v = Member(s, key);
  if (v == nullptr || v->kind_case() != Value::kNumberValue) {
    return Bad(absl::StrCat(key, " is not a number"));
  }
  const double d = v->number_value();
  if (!(d >= 0) || d >= static_cast<double>(kMaxJsonInteger) || std::floor(d) != d) {
    return Bad(absl::StrCat(key, " is not a non-negative integer"));
  }
  return static_cast<uint64_t>(d);
}

// The items of `key`: an array, or one value standing for an array of one.
std::vector<const Value*> ItemsAt(const Struct& s, absl::string_view key) {
  std::vector<const Value*> items;
  const Value* v = Member(s, key);
  if (v == nullptr) return items;
  if (v->has_list_value()) {
    for (const Value& item : v->list_value().values()) items.push_back(&item);
  } else {
    items.push_back(v);
  }
  return items;
}

absl::StatusOr<std::vector<uint8_t>> Base64At(const Struct& s, absl::string_view key) {
  SOCLE_ASSIGN_OR_RETURN(const std::string text, StringAt(s, key));
  std::vector<uint8_t> out;
  if (!crypto::Base64Decode(text, &out)) return Bad(absl::StrCat(key, " is not base64"));
  return out;
}

absl::StatusOr<LedgerHash> HashOf(const std::vector<uint8_t>& bytes, absl::string_view what) {
  if (bytes.size() != kLedgerHashBytes) return Bad(absl::StrCat(what, " is not 32 bytes"));
  LedgerHash h;
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

// The text of a signed note, without checking its signatures: everything before the blank line
// that opens the signature lines (the JSON text holds no blank line).
absl::StatusOr<std::string> UnverifiedNoteText(absl::string_view note) {
  const size_t blank = note.find("\n\n");
  if (blank == absl::string_view::npos) return Bad("not a signed note");
  return std::string(note.substr(0, blank + 1));
}

// Reads the document, decodes the entry it carries, checks the leaf hash against the entry and
// every field the document states about the event against the event itself. Signatures and the
// inclusion proof are the caller's.
absl::StatusOr<ConsentReceipt> ReadReceiptText(std::string text) {
  Struct doc;
  google::protobuf::util::JsonParseOptions options;
  if (!google::protobuf::util::JsonStringToMessage(text, &doc, options).ok()) {
    return Bad("the text is not JSON");
  }
  ConsentReceipt r;
  SOCLE_ASSIGN_OR_RETURN(const std::string type, StringAt(doc, "@type"));
  if (type != "dpv:ConsentReceipt") return Bad("@type is not dpv:ConsentReceipt");
  SOCLE_ASSIGN_OR_RETURN(r.receipt_id, StringAt(doc, "dct:identifier"));
  SOCLE_ASSIGN_OR_RETURN(r.created, StringAt(doc, "dct:created"));
  SOCLE_ASSIGN_OR_RETURN(const Struct* record, ObjectAt(doc, "dpv:hasRecordOfActivity"));
  SOCLE_ASSIGN_OR_RETURN(r.record_id, StringAt(*record, "dct:identifier"));
  SOCLE_ASSIGN_OR_RETURN(const Struct* controller, ObjectAt(*record, "dpv:hasDataController"));
  SOCLE_ASSIGN_OR_RETURN(r.controller_name, StringAt(*controller, "dpv:hasName"));
  r.controller_address = OptionalString(*controller, "dpv:hasAddress");
  r.controller_contact = OptionalString(*controller, "dpv:hasContact");
  if (const std::string siren = OptionalString(*controller, "dct:identifier");
      siren.rfind("SIREN ", 0) == 0) {
    r.controller_siren = siren.substr(6);
  }
  SOCLE_ASSIGN_OR_RETURN(const Struct* subject, ObjectAt(*record, "dpv:hasDataSubject"));
  SOCLE_ASSIGN_OR_RETURN(const std::string person, StringAt(*subject, "dct:identifier"));
  SOCLE_ASSIGN_OR_RETURN(const Struct* process, ObjectAt(*record, "dpv:hasProcess"));
  SOCLE_ASSIGN_OR_RETURN(const Struct* purpose, ObjectAt(*process, "dpv:hasPurpose"));
  SOCLE_ASSIGN_OR_RETURN(const std::string purpose_id, StringAt(*purpose, "dct:identifier"));
  r.purpose_name = OptionalString(*purpose, "dct:title");
  r.purpose_text = OptionalString(*purpose, "dct:description");
  for (const Value* basis : ItemsAt(*process, "dpv:hasLegalBasis")) {
    if (!basis->has_struct_value()) return Bad("dpv:hasLegalBasis holds a non-object");
    std::string id = OptionalString(basis->struct_value(), "@id");
    if (id.empty()) id = OptionalString(basis->struct_value(), "dct:identifier");
    if (id.empty()) return Bad("dpv:hasLegalBasis holds an unnamed basis");
    r.legal_bases.push_back(std::move(id));
  }
  SOCLE_ASSIGN_OR_RETURN(const Struct* status, ObjectAt(*record, "dpv:hasConsentStatus"));
  SOCLE_ASSIGN_OR_RETURN(const std::string status_type, StringAt(*status, "@type"));
  SOCLE_ASSIGN_OR_RETURN(const std::string at, StringAt(*status, "dpv:isIndicatedAtTime"));
  SOCLE_ASSIGN_OR_RETURN(const std::string channel, StringAt(*status, "dpv:hasIndicationMethod"));
  SOCLE_ASSIGN_OR_RETURN(const std::string scope, StringAt(*status, "socle:scope"));
  std::vector<std::string> by;
  for (const Value* v : ItemsAt(*status, "dpv:isIndicatedBy")) {
    if (!v->has_struct_value()) return Bad("dpv:isIndicatedBy holds a non-object");
    SOCLE_ASSIGN_OR_RETURN(std::string id, StringAt(v->struct_value(), "dct:identifier"));
    by.push_back(std::move(id));
  }
  std::optional<uint64_t> withdraws;
  if (Member(*status, "socle:withdraws") != nullptr) {
    SOCLE_ASSIGN_OR_RETURN(const Struct* w, ObjectAt(*status, "socle:withdraws"));
    SOCLE_ASSIGN_OR_RETURN(withdraws, IntegerAt(*w, "socle:stateLedgerIndex"));
  }
  SOCLE_ASSIGN_OR_RETURN(const uint64_t record_index, IntegerAt(*record, "socle:stateLedgerIndex"));

  SOCLE_ASSIGN_OR_RETURN(const Struct* proof, ObjectAt(doc, "socle:proof"));
  SOCLE_ASSIGN_OR_RETURN(r.origin, StringAt(*proof, "socle:origin"));
  SOCLE_ASSIGN_OR_RETURN(r.proof.index, IntegerAt(*proof, "socle:index"));
  SOCLE_ASSIGN_OR_RETURN(r.proof.tree_size, IntegerAt(*proof, "socle:treeSize"));
  SOCLE_ASSIGN_OR_RETURN(const std::vector<uint8_t> entry, Base64At(*proof, "socle:entry"));
  r.entry.assign(entry.begin(), entry.end());
  SOCLE_ASSIGN_OR_RETURN(const std::vector<uint8_t> leaf, Base64At(*proof, "socle:leafHash"));
  SOCLE_ASSIGN_OR_RETURN(r.proof.leaf_hash, HashOf(leaf, "socle:leafHash"));
  const std::vector<const Value*> path = ItemsAt(*proof, "socle:path");
  if (path.size() > ledger::kMaxProofHashes) return Bad("socle:path is too long");
  for (const Value* v : path) {
    std::vector<uint8_t> bytes;
    if (v->kind_case() != Value::kStringValue || !crypto::Base64Decode(v->string_value(), &bytes)) {
      return Bad("socle:path holds a value that is not base64");
    }
    SOCLE_ASSIGN_OR_RETURN(LedgerHash h, HashOf(bytes, "a socle:path hash"));
    r.proof.hashes.push_back(h);
  }
  SOCLE_ASSIGN_OR_RETURN(r.checkpoint_note, StringAt(*proof, "socle:checkpoint"));

  // The leaf is the entry's exact bytes.
  if (ToLedgerHash(ledger::HashLeaf(Bytes(r.entry))) != r.proof.leaf_hash) {
    return Bad("socle:leafHash is not the hash of socle:entry");
  }
  if (record_index != r.proof.index) return Bad("the record's index is not the proof's");
  SOCLE_ASSIGN_OR_RETURN(const v1::StateEvent event,
                         EventOfEntry(r.entry, r.proof.index, ErrorCode::kParse));
  auto fields = FieldsOf(event, r.proof.index);
  if (!fields.ok()) return Bad("socle:entry is not a valid consent event");
  r.event = *std::move(fields);
  r.event.withdraws_index = withdraws;
  // What the document says of the event must be what the entry holds.
  const ConsentEventFields& f = r.event;
  const bool given = f.status == ConsentStatus::kGiven;
  if (person != f.person || purpose_id != f.purpose ||
      status_type != (given ? "dpv:ConsentGiven" : "dpv:ConsentWithdrawn") ||
      at != Rfc3339(f.time) || channel != f.channel || scope != ScopeName(f.scope) ||
      by != f.given_by || OptionalString(*status, "socle:recordedBy") != f.recorded_by ||
      OptionalString(*status, "socle:evidenceReference") != f.evidence_reference) {
    return Bad("the record does not state the event its entry holds");
  }
  // The recipients, and the categories when the event names them (otherwise they are the
  // policy's, which the document alone cannot check).
  std::vector<std::string> recipients;
  for (const Value* v : ItemsAt(*process, "dpv:hasRecipient")) {
    if (!v->has_struct_value()) return Bad("dpv:hasRecipient holds a non-object");
    recipients.push_back(OptionalString(v->struct_value(), "dct:identifier"));
  }
  std::vector<std::string> expected_recipients;
  if (f.scope == ConsentScope::kSharing) {
    expected_recipients = f.recipients;
    expected_recipients.insert(expected_recipients.end(), f.recipient_roles.begin(),
                               f.recipient_roles.end());
  }
  if (recipients != expected_recipients) return Bad("the recipients are not the entry's");
  if (!f.categories.empty()) {
    std::vector<std::string> categories;
    for (const Value* v : ItemsAt(*process, "dpv:hasPersonalData")) {
      if (!v->has_struct_value()) return Bad("dpv:hasPersonalData holds a non-object");
      categories.push_back(OptionalString(v->struct_value(), "dct:identifier"));
    }
    if (categories != f.categories) return Bad("the personal data are not the entry's");
  }
  if (given) {
    SOCLE_ASSIGN_OR_RETURN(const Struct* notice, ObjectAt(*record, "dpv:hasNotice"));
    if (OptionalString(*notice, "dct:hasVersion") != f.information_version ||
        OptionalString(*notice, "dct:language") != f.notice_language ||
        OptionalString(*notice, "socle:sha256") != B64(Bytes(f.information_sha256))) {
      return Bad("the notice is not the one the entry names");
    }
    SOCLE_ASSIGN_OR_RETURN(const Struct* duration, ObjectAt(*status, "dpv:hasDuration"));
    const std::string until = OptionalString(*duration, "@type");
    if (f.expires_at.has_value()
            ? until != "dpv:UntilTimeDuration" ||
                  OptionalString(*duration, "rdf:value") != Rfc3339(*f.expires_at)
            : until != "dpv:UntilEventDuration") {
      return Bad("the duration is not the entry's expiry");
    }
  } else if (withdraws.has_value() && *withdraws >= f.index) {
    return Bad("a withdrawal names a grant that is not before it");
  }
  r.json = std::move(text);
  return r;
}

absl::Status VerificationFailed(absl::string_view what) {
  return MakeError(ErrorCode::kVerificationFailed, absl::StrCat("consent receipt: ", what));
}

}  // namespace

std::string ConsentReceiptKeyName(absl::string_view origin) {
  return absl::StrCat(origin, kReceiptsKeySuffix);
}

absl::StatusOr<std::string> ConsentReceiptVerifierKey(Ledger& state_ledger) {
  SOCLE_ASSIGN_OR_RETURN(const ledger::NoteSigner signer, ReceiptSigner(state_ledger));
  return signer.VerifierKey();
}

absl::StatusOr<std::string> IssueConsentReceipt(StateLedger& state_ledger, const Policy& policy,
                                                uint64_t index) {
  Ledger& ledger = state_ledger.ledger();
  SOCLE_ASSIGN_OR_RETURN(const StoredLedgerEntry stored, ReadEntry(ledger, index));
  SOCLE_ASSIGN_OR_RETURN(const v1::StateEvent event,
                         EventOfEntry(stored.bytes, index, ErrorCode::kInvalidArgument));
  ReceiptParts parts;
  SOCLE_ASSIGN_OR_RETURN(parts.fields, FieldsOf(event, index));
  parts.policy = &policy_internal::Compiled(policy).source;
  parts.activity = FindActivity(*parts.policy, parts.fields.purpose);
  if (parts.activity == nullptr) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("state ledger entry ", index,
                                  ": the consent's purpose is not an activity of the policy"));
  }
  parts.origin = ledger.origin();
  parts.entry = stored.bytes;
  parts.record_id = RecordId(parts.origin, index, stored.leaf_hash);

  // A withdrawal names the grant it ends: the latest grant of the same (person, purpose, scope).
  // One scan of the entries before it, when the receipt needs them: a withdrawal names the
  // grant it ends (the latest grant of the same person, purpose and scope), and a representative
  // who gave or withdrew the consent is named with the measure that made them one (the latest
  // RepresentativeSet of the pair before the event).
  const bool withdrawal = parts.fields.status == ConsentStatus::kWithdrawn;
  bool representatives = false;
  for (const std::string& id : parts.fields.given_by) {
    if (id != parts.fields.person) representatives = true;
  }
  if ((withdrawal || representatives) && index > 0) {
    std::optional<uint64_t> grant;
    LedgerHash grant_leaf{};
    SOCLE_RETURN_IF_ERROR(ScanStateEvents(
        ledger, index, [&](StoredLedgerEntry& stored, const v1::StateEvent& earlier) {
          if (withdrawal && earlier.has_consent_given()) {
            const v1::ConsentGiven& g = earlier.consent_given();
            if (g.person() == parts.fields.person && g.purpose() == parts.fields.purpose &&
                g.scope() == event.consent_withdrawn().scope()) {
              grant = stored.index;
              grant_leaf = stored.leaf_hash;
            }
          }
          if (representatives && earlier.has_representative_set()) {
            const v1::RepresentativeSet& r = earlier.representative_set();
            if (r.person() == parts.fields.person) {
              parts.representation[r.representative()] = r.kind();
            }
          }
          return absl::OkStatus();
        }));
    if (grant.has_value()) {
      parts.fields.withdraws_index = grant;
      parts.withdraws_record_id = RecordId(parts.origin, *grant, grant_leaf);
    }
  }

  SOCLE_ASSIGN_OR_RETURN(parts.checkpoint, ledger.Checkpoint());
  if (index >= parts.checkpoint.size) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("state ledger: there is no entry ", index));
  }
  SOCLE_ASSIGN_OR_RETURN(parts.proof, ledger.ProveInclusion(index, parts.checkpoint.size));
  if (parts.proof.leaf_hash != ToLedgerHash(ledger::HashLeaf(Bytes(parts.entry)))) {
    return MakeError(ErrorCode::kDataLoss,
                     absl::StrCat("state ledger entry ", index,
                                  ": its bytes do not match its leaf hash; run Verify"));
  }
  parts.receipt_id = ReceiptId(parts.record_id, parts.checkpoint.size);

  SOCLE_ASSIGN_OR_RETURN(const ledger::NoteSigner signer, ReceiptSigner(ledger));
  return ledger::SignNote(RenderReceipt(parts), signer);
}

absl::StatusOr<ConsentReceipt> VerifyConsentReceipt(absl::string_view receipt,
                                                    absl::string_view receipts_verifier_key,
                                                    absl::string_view checkpoint_verifier_key) {
  auto receipts_key = ledger::NoteVerifier::Parse(receipts_verifier_key);
  auto checkpoint_key = ledger::NoteVerifier::Parse(checkpoint_verifier_key);
  if (!receipts_key.ok() || !checkpoint_key.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "consent receipt: a verifier key cannot be parsed");
  }
  // The receipts key is the one of the ledger whose checkpoints the receipt carries.
  if (receipts_key->name() != ConsentReceiptKeyName(checkpoint_key->name())) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "consent receipt: the receipts key is not the one of this ledger");
  }
  auto note = ledger::OpenNote(receipt, absl::MakeConstSpan(&*receipts_key, 1));
  if (!note.ok()) return VerificationFailed("the controller's signature does not verify");
  auto read = ReadReceiptText(std::move(note->text));
  if (!read.ok()) return VerificationFailed(read.status().message());
  ConsentReceipt r = *std::move(read);
  auto checkpoint = ledger::OpenCheckpoint(r.checkpoint_note, checkpoint_key->name(),
                                           absl::MakeConstSpan(&*checkpoint_key, 1));
  if (!checkpoint.ok()) return VerificationFailed("the checkpoint does not verify");
  if (r.origin != checkpoint->origin || r.proof.tree_size != checkpoint->size) {
    return VerificationFailed("the proof is not against its checkpoint");
  }
  std::vector<ledger::MerkleHash> path;
  path.reserve(r.proof.hashes.size());
  for (const LedgerHash& h : r.proof.hashes) path.push_back(ToMerkle(h));
  if (!ledger::VerifyInclusion(ToMerkle(r.proof.leaf_hash), r.proof.index, r.proof.tree_size, path,
                               checkpoint->root_hash)
           .ok()) {
    return VerificationFailed("the entry is not in the checkpointed ledger");
  }
  r.verified = true;
  return r;
}

absl::StatusOr<ConsentReceipt> ParseConsentReceipt(absl::string_view receipt) {
  if (receipt.size() > ledger::kMaxNoteBytes) return Bad("larger than a signed note may be");
  SOCLE_ASSIGN_OR_RETURN(std::string text, UnverifiedNoteText(receipt));
  return ReadReceiptText(std::move(text));
}

absl::StatusOr<ConsentProof> ConsentHistory(StateLedger& state_ledger, absl::string_view person,
                                            absl::string_view purpose) {
  Ledger& ledger = state_ledger.ledger();
  ConsentProof out;
  out.person = std::string(person);
  out.purpose = std::string(purpose);
  SOCLE_ASSIGN_OR_RETURN(const uint64_t size, ledger.Size());
  if (size == 0) return out;
  // The checkpoint first, then the scan up to its size: every proof is against that one tree.
  SOCLE_ASSIGN_OR_RETURN(out.checkpoint, ledger.Checkpoint());
  std::optional<uint64_t> last_grant[2];  // by scope
  SOCLE_RETURN_IF_ERROR(ScanStateEvents(
      ledger, out.checkpoint.size,
      [&](StoredLedgerEntry& stored, const v1::StateEvent& event) -> absl::Status {
        const bool given = event.has_consent_given();
        if (!given && !event.has_consent_withdrawn()) return absl::OkStatus();
        const std::string& who =
            given ? event.consent_given().person() : event.consent_withdrawn().person();
        const std::string& what =
            given ? event.consent_given().purpose() : event.consent_withdrawn().purpose();
        if (who != person || what != purpose) return absl::OkStatus();
        SOCLE_ASSIGN_OR_RETURN(ConsentEventFields fields, FieldsOf(event, stored.index));
        std::optional<uint64_t>& grant = last_grant[fields.scope == ConsentScope::kSharing];
        if (given) {
          grant = stored.index;
        } else {
          fields.withdraws_index = grant;
        }
        ConsentProofEvent e;
        e.fields = std::move(fields);
        e.entry = std::move(stored.bytes);
        out.events.push_back(std::move(e));
        return absl::OkStatus();
      }));
  if (out.events.empty()) return out;
  std::vector<uint64_t> indexes;
  indexes.reserve(out.events.size());
  for (const ConsentProofEvent& e : out.events) indexes.push_back(e.fields.index);
  SOCLE_ASSIGN_OR_RETURN(std::vector<LedgerInclusionProof> proofs,
                         ledger.ProveInclusions(indexes, out.checkpoint.size));
  if (proofs.size() != out.events.size()) {
    return MakeError(ErrorCode::kInternal, "consent history: one proof per event expected");
  }
  for (size_t i = 0; i < proofs.size(); ++i) out.events[i].proof = std::move(proofs[i]);
  return out;
}

absl::Status VerifyConsentProof(const ConsentProof& proof,
                                absl::string_view checkpoint_verifier_key) {
  auto key = ledger::NoteVerifier::Parse(checkpoint_verifier_key);
  if (!key.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "consent proof: the checkpoint verifier key cannot be parsed");
  }
  const auto failed = [](absl::string_view what) {
    return MakeError(ErrorCode::kVerificationFailed, absl::StrCat("consent proof: ", what));
  };
  if (proof.events.empty()) return absl::OkStatus();
  auto checkpoint =
      ledger::OpenCheckpoint(proof.checkpoint.note, key->name(), absl::MakeConstSpan(&*key, 1));
  if (!checkpoint.ok()) return failed("the checkpoint does not verify");
  if (checkpoint->size != proof.checkpoint.size ||
      ToLedgerHash(checkpoint->root_hash) != proof.checkpoint.root) {
    return failed("the checkpoint's size or root is not the one its note signs");
  }
  std::optional<uint64_t> previous;
  for (const ConsentProofEvent& e : proof.events) {
    const uint64_t index = e.fields.index;
    const auto at = [&](absl::string_view what) {
      return failed(absl::StrCat("entry ", index, ": ", what));
    };
    if (previous.has_value() && index <= *previous) return at("the events are not in order");
    previous = index;
    if (e.proof.index != index || e.proof.tree_size != checkpoint->size) {
      return at("its proof is not of this entry against the checkpoint");
    }
    if (ToLedgerHash(ledger::HashLeaf(Bytes(e.entry))) != e.proof.leaf_hash) {
      return at("its leaf hash is not the hash of its bytes");
    }
    std::vector<ledger::MerkleHash> path;
    for (const LedgerHash& h : e.proof.hashes) path.push_back(ToMerkle(h));
    if (!ledger::VerifyInclusion(ToMerkle(e.proof.leaf_hash), index, e.proof.tree_size, path,
                                 checkpoint->root_hash)
             .ok()) {
      return at("it is not in the checkpointed ledger");
    }
    auto event = EventOfEntry(e.entry, index, ErrorCode::kVerificationFailed);
    if (!event.ok()) return at("its bytes are not a state event");
    auto fields = FieldsOf(*event, index);
    if (!fields.ok() || !SameEvent(*fields, e.fields) || fields->person != proof.person ||
        fields->purpose != proof.purpose) {
      return at("its fields are not the event its bytes hold");
    }
  }
  return absl::OkStatus();
}

}  // namespace socle
