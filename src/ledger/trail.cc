#include "socle/trail.hpp"

#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "access/facts.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/v1/ledger.pb.h"
#include "socle/v1/policy.pb.h"
#include "socle/vault.hpp"

namespace socle {

namespace {

constexpr size_t kMaxHistoryPage = 10000;
constexpr size_t kMaxSharedItems = 10000;
constexpr size_t kSha256Bytes = 32;
constexpr size_t kMaxCheckName = 64;
constexpr uint32_t kSecurityAuditor = 1u << v1::Role::SECURITY_AUDITOR;
constexpr absl::string_view kShredDetail = "the person's data key was destroyed";

v1::OperationRecord::Operation ToProto(TrailOperation operation) {
  return static_cast<v1::OperationRecord::Operation>(operation);
}

absl::string_view OperationName(v1::OperationRecord::Operation operation) {
  switch (operation) {
    case v1::OperationRecord::TOKEN_REVERSAL:
      return "token_reversal";
    case v1::OperationRecord::KEY_ROTATION:
      return "key_rotation";
    case v1::OperationRecord::CRYPTO_SHREDDING:
      return "crypto_shredding";
    case v1::OperationRecord::POLICY_LOADED:
      return "policy_loaded";
    case v1::OperationRecord::TRAIL_READ:
      return "trail_read";
    case v1::OperationRecord::EXPORT:
      return "export";
    case v1::OperationRecord::SHARE:
      return "share";
    case v1::OperationRecord::RETENTION_SWEEP:
      return "retention_sweep";
    case v1::OperationRecord::STATISTICS_RELEASE:
      return "statistics_release";
    case v1::OperationRecord::POLICY_APPROVAL:
      return "policy_approval";
    case v1::OperationRecord::POLICY_ACTIVATION:
      return "policy_activation";
    case v1::OperationRecord::UPDATE_ATTEMPT:
      return "update_attempt";
    case v1::OperationRecord::DELETE_ATTEMPT:
      return "delete_attempt";
    default:
      return "unspecified";
  }
}

bool IsOperation(TrailOperation operation) {
  const int v = static_cast<int>(operation);
  return (v >= 1 && v <= 7) || operation == TrailOperation::kRetentionSweep ||
         operation == TrailOperation::kStatisticsRelease ||
         operation == TrailOperation::kPolicyApproval ||
         operation == TrailOperation::kPolicyActivation;
}

// --- Sharing decisions ------------------------------------------------------------------------

bool IsCheckName(absl::string_view name) {
  if (name.empty() || name.size() > kMaxCheckName) return false;
  for (const char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

absl::Status SharingError(absl::string_view what) {
  return MakeError(ErrorCode::kInvalidArgument, absl::StrCat("RecordSharing: ", what));
}

// Messages name the field and the item's position, never an id.
// The items of a sharing record: what the log needs of each (AccessTrail::Share checks them
// before the share is granted, so that a share the log would refuse is never granted).
absl::Status ValidateSharedItems(absl::Span<const SharingTrailRecord::Item> items) {
  if (items.size() > kMaxSharedItems) return SharingError("more than 10000 items");
  for (size_t i = 0; i < items.size(); ++i) {
    const SharingTrailRecord::Item& item = items[i];
    if (item.item.empty()) return SharingError(absl::StrCat("items[", i, "].item is empty"));
    if (item.category.empty()) {
      return SharingError(absl::StrCat("items[", i, "].category is empty"));
    }
    if (item.content_sha256.size() != kSha256Bytes) {
      return SharingError(absl::StrCat("items[", i, "].content_sha256 is not 32 bytes"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSharing(const SharingTrailRecord& r) {
  if (r.emitter.professional.empty()) return SharingError("emitter.professional is empty");
  if (r.recipient.professional.empty()) return SharingError("recipient.professional is empty");
  if (r.person.empty()) return SharingError("person is empty");
  const int basis = static_cast<int>(r.basis);
  if (basis < static_cast<int>(SharingBasis::kCspL1110_4_II) ||
      basis > static_cast<int>(SharingBasis::kLegalObligation)) {
    return SharingError("basis: not one of the closed list");
  }
  SOCLE_RETURN_IF_ERROR(ValidateSharedItems(r.items));
  if (r.granted && !r.failed_check.empty()) {
    return SharingError("failed_check is set on a granted share");
  }
  if (!r.granted && !IsCheckName(r.failed_check)) {
    return SharingError("failed_check: a refusal names its check (lower_snake, 1 to 64 bytes)");
  }
  using Information = SharingTrailRecord::Information;
  const int kind = static_cast<int>(r.information.kind);
  if (kind < 0 || kind > static_cast<int>(Information::Kind::kException)) {
    return SharingError("information.kind: unknown");
  }
  const int exception = static_cast<int>(r.information.exception);
  constexpr int kLastException = static_cast<int>(Information::Exception::kContraryToChildInterest);
  if (exception < 0 || exception > kLastException) {
    return SharingError("information.exception: unknown");
  }
  if ((r.information.kind == Information::Kind::kException) !=
      (r.information.exception != Information::Exception::kUnspecified)) {
    return SharingError("information.exception: set exactly when information.kind is kException");
  }
  if (r.information.follow_up_open && r.information.exception != Information::Exception::kUrgency &&
      r.information.exception != Information::Exception::kImpossibility) {
    return SharingError(
        "information.follow_up_open: only for an urgency or impossibility exception");
  }
  if (!r.information.informed_revisions.empty() &&
      (r.information.kind != Information::Kind::kInformed ||
       r.information.informed_revisions.back() != r.information.revision)) {
    return SharingError(
        "information.informed_revisions: only for kInformed, ending with information.revision");
  }
  const int involvement = static_cast<int>(r.involvement.kind);
  if (involvement < 0 ||
      involvement > static_cast<int>(SharingTrailRecord::Involvement::Kind::kNotInformed)) {
    return SharingError("involvement.kind: unknown");
  }
  if (r.time == absl::InfiniteFuture()) return SharingError("time is infinite");
  return absl::OkStatus();
}

void PartyToProto(const SharingTrailRecord::Party& party, v1::SharingRecord::Party* out) {
  out->set_professional(party.professional);
  out->set_role(party.role);
  out->set_structure(party.structure);
  out->set_professional_category(party.professional_category);
  out->set_secrecy(static_cast<v1::SecrecyStatus>(party.secrecy));
}

SharingTrailRecord::Party PartyFromProto(const v1::SharingRecord::Party& party) {
  SharingTrailRecord::Party out;
  out.professional = party.professional();
  out.role = party.role();
  out.structure = party.structure();
  out.professional_category = party.professional_category();
  out.secrecy = static_cast<SecrecyStatus>(party.secrecy());
  return out;
}

SharingTrailRecord SharingFromProto(const v1::SharingRecord& r) {
  SharingTrailRecord out;
  out.share = r.share();
  out.emitter = PartyFromProto(r.emitter());
  out.recipient = PartyFromProto(r.recipient());
  out.person = r.person();
  out.basis = static_cast<SharingBasis>(r.basis());
  out.purpose = r.purpose();
  out.items.reserve(r.items_size());
  for (const auto& item : r.items()) {
    out.items.push_back({item.item(), item.category(), item.content_sha256()});
  }
  out.granted = r.granted();
  out.failed_check = r.failed_check();
  out.overrides_opposition = r.overrides_opposition();
  out.information.kind = static_cast<SharingTrailRecord::Information::Kind>(r.information().kind());
  out.information.revision = r.information().revision();
  out.information.informed_revisions.assign(r.information().informed_revisions().begin(),
                                            r.information().informed_revisions().end());
  out.information.exception =
      static_cast<SharingTrailRecord::Information::Exception>(r.information().exception());
  out.information.follow_up_open = r.information().follow_up_open();
  out.consent_revision = r.consent_revision();
  out.involvement.kind = static_cast<SharingTrailRecord::Involvement::Kind>(r.involvement().kind());
  out.involvement.reason = r.involvement().reason();
  out.revision = r.revision();
  out.policy_digest = r.policy_digest();
  return out;
}

}  // namespace

struct AccessTrail::State {
  std::shared_ptr<Ledger> ledger;
  const AccessEngine* engine = nullptr;
  std::string policy_digest;

  // Fills `record` with the decision and what the snapshot says of its actor and request.
  void Describe(const AccessSnapshot& snapshot, const AccessRequest& request,
                const Decision& decision, absl::string_view justification,
                v1::AccessRecord* record) const {
    record->Clear();
    record->set_actor(std::string(engine->ProfessionalName(request.actor)));
    if (auto facts = access_internal::DescribeProfessional(snapshot, request.actor)) {
      record->set_actor_role(std::string(facts->role));
      record->set_actor_structure(std::string(facts->structure));
    }
    record->set_person(std::string(engine->PersonName(request.person)));
    record->set_action(static_cast<v1::Action>(request.action));
    record->set_item(std::string(request.item));
    record->set_category(std::string(access_internal::CategoryName(snapshot, request.category)));
    record->set_purpose(std::string(access_internal::PurposeName(snapshot, request.purpose)));
    record->set_allowed(decision.allowed());
    record->set_reason(std::string(Name(decision.reason)));
    record->set_reason_code(static_cast<uint32_t>(decision.reason));
    record->set_rule(engine->RuleName(decision.rule));
    record->set_break_glass(decision.reason == Reason::kAllowedBreakGlass ||
                            (decision.obligations & obligation::kBreakGlassFlag) != 0);
    record->set_justification(std::string(justification));
    record->set_revision(decision.revision);
    record->set_policy_digest(policy_digest);
    record->set_obligations(decision.obligations);
  }

  // The party as the snapshot's directory describes them; a party outside it as given.
  void DescribeParty(const AccessSnapshot& snapshot, const SharingTrailRecord::Party& party,
                     v1::SharingRecord::Party* out) const {
    PartyToProto(party, out);
    const std::optional<uint32_t> id = engine->FindProfessional(party.professional);
    if (!id.has_value()) return;
    const auto facts = access_internal::DescribeProfessional(snapshot, *id);
    if (!facts.has_value()) return;
    out->set_role(std::string(facts->role));
    out->set_structure(std::string(facts->structure));
    out->set_professional_category(std::string(facts->professional_category));
    out->set_secrecy(static_cast<v1::SecrecyStatus>(facts->secrecy));
  }

  // The gate of every read of a person's trail: the person themselves, or a professional whose
  // role has SECURITY_AUDITOR. The read, or its refusal, is recorded (in clear, so that the
  // read of a shredded person's trail is recorded too) with `what` ("history",
  // "recipients of an item").
  absl::Status AdmitReader(absl::string_view person, absl::string_view reader,
                           bool reader_is_person, absl::string_view what, absl::string_view call) {
    if (!reader_is_person) {
      const std::optional<uint32_t> id = engine->FindProfessional(reader);
      const auto snapshot = engine->snapshot();
      const auto facts =
          id.has_value() ? access_internal::DescribeProfessional(*snapshot, *id) : std::nullopt;
      if (!facts.has_value() || facts->left || (facts->capabilities & kSecurityAuditor) == 0) {
        SOCLE_RETURN_IF_ERROR(Operation(v1::OperationRecord::TRAIL_READ, reader, person,
                                        absl::StrCat(what, " read refused"), false));
        return MakeError(ErrorCode::kPermissionDenied,
                         absl::StrCat(call,
                                      ": reading the trail needs a role with the "
                                      "SECURITY_AUDITOR capability (the refusal was recorded)"));
      }
    }
    return Operation(
        v1::OperationRecord::TRAIL_READ, reader_is_person ? "person" : reader, person,
        absl::StrCat(what, reader_is_person ? " read by the person" : " read by an auditor"),
        false);
  }

  absl::Status Operation(v1::OperationRecord::Operation operation, absl::string_view actor,
                         absl::string_view person, absl::string_view detail, bool seal) {
    v1::OperationRecord record;
    record.set_operation(operation);
    record.set_actor(std::string(actor));
    if (seal) record.set_person(std::string(person));
    record.set_detail(std::string(detail));
    record.set_policy_digest(policy_digest);
    record.set_revision(engine->revision());
    const std::string payload = record.SerializeAsString();
    NewLedgerEntry entry;
    entry.type = LedgerEntryType::kOperation;
    entry.person = person;
    entry.payload = payload;
    entry.seal = seal;
    return ledger->Append(absl::MakeConstSpan(&entry, 1)).status();
  }

  // RecordOperation and RecordOperations: one entry per person (an empty view: one entry about
  // no one, in clear), in one append, durable before it returns. The record of a shredding
  // must stay readable once the person's key is gone: in clear, and without their id (the
  // entry still carries their pseudonym).
  absl::Status OperationsDurably(TrailOperation operation, absl::string_view actor,
                                 absl::Span<const absl::string_view> persons,
                                 absl::string_view detail, absl::string_view call) {
    v1::OperationRecord record;
    record.set_operation(ToProto(operation));
    record.set_actor(std::string(actor));
    record.set_detail(std::string(detail));
    record.set_policy_digest(policy_digest);
    record.set_revision(engine->revision());
    std::vector<std::string> payloads(persons.size());
    std::vector<NewLedgerEntry> entries(persons.size());
    for (size_t i = 0; i < persons.size(); ++i) {
      const bool seal = !persons[i].empty() && operation != TrailOperation::kCryptoShredding;
      if (seal) {
        record.set_person(std::string(persons[i]));
      } else {
        record.clear_person();
      }
      payloads[i] = record.SerializeAsString();
      entries[i].type = LedgerEntryType::kOperation;
      entries[i].person = persons[i];
      entries[i].payload = payloads[i];
      entries[i].seal = seal;
    }
    const absl::StatusOr<uint64_t> ticket = ledger->Append(entries);
    if (!ticket.ok()) {
      // The ledger names the entry at fault ("entries[i]: …"); entry i is persons[i].
      absl::string_view why = ticket.status().message();
      std::string position;
      if (absl::ConsumePrefix(&why, "entries[")) position = "persons[";
      return MakeError(ErrorCodeOf(ticket.status()),
                       absl::StrCat(call, ": nothing recorded: ", position, why));
    }
    return ledger->WaitDurable(*ticket).status();
  }
};

AccessTrail::AccessTrail(std::unique_ptr<State> state) : state_(std::move(state)) {}
AccessTrail::~AccessTrail() = default;

absl::StatusOr<std::unique_ptr<AccessTrail>> AccessTrail::Create(std::shared_ptr<Ledger> ledger,
                                                                 const AccessEngine& engine) {
  if (ledger == nullptr) return MakeError(ErrorCode::kInvalidArgument, "access trail: null ledger");
  auto state = std::make_unique<State>();
  state->ledger = std::move(ledger);
  state->engine = &engine;
  const auto& digest = engine.policy().digest();
  state->policy_digest.assign(digest.begin(), digest.end());
  // The policy this process decides under, with its digest, opens its part of the trail; an
  // engine that runs it in development mode (not approved, REQ-62) says so.
  const bool development =
      engine.snapshot()->Governance().mode == PolicyActivationMode::kDevelopment;
  SOCLE_RETURN_IF_ERROR(state->Operation(
      v1::OperationRecord::POLICY_LOADED, "socle", "",
      absl::StrCat(engine.policy().digest_hex(), development ? " (development mode)" : ""), false));
  return std::unique_ptr<AccessTrail>(new AccessTrail(std::move(state)));
}

Ledger& AccessTrail::ledger() const { return *state_->ledger; }

const AccessEngine& AccessTrail::engine() const { return *state_->engine; }

absl::Status AccessTrail::AdmitAuditor(absl::string_view auditor, absl::string_view what) {
  if (auditor.empty()) return MakeError(ErrorCode::kInvalidArgument, "AdmitAuditor: empty auditor");
  return state_->AdmitReader("", auditor, /*reader_is_person=*/false, what, "AdmitAuditor");
}

absl::StatusOr<Decision> AccessTrail::Decide(const AccessRequest& request,
                                             absl::string_view justification) {
  const std::shared_ptr<const AccessSnapshot> snapshot = state_->engine->snapshot();
  SOCLE_ASSIGN_OR_RETURN(const Decision decision, snapshot->Decide(request));
  if ((decision.obligations & obligation::kLog) == 0) return decision;
  v1::AccessRecord record;
  state_->Describe(*snapshot, request, decision, justification, &record);
  const std::string payload = record.SerializeAsString();
  NewLedgerEntry entry;
  entry.type = LedgerEntryType::kAccessDecision;
  entry.time = request.time;  // InfinitePast (now): the ledger's clock
  entry.person = state_->engine->PersonName(request.person);
  entry.payload = payload;
  SOCLE_RETURN_IF_ERROR(state_->ledger->Append(absl::MakeConstSpan(&entry, 1)).status());
  return decision;
}

absl::Status AccessTrail::DecideMany(absl::Span<const AccessRequest> requests,
                                     absl::Span<Decision> out) {
  if (out.size() != requests.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "DecideMany: out must have as many elements as requests");
  }
  const std::shared_ptr<const AccessSnapshot> snapshot = state_->engine->snapshot();
  const absl::Status decided = snapshot->DecideMany(requests, out);
  // Every payload is built before any entry points at it (the vector never reallocates).
  std::vector<std::string> payloads;
  std::vector<NewLedgerEntry> entries;
  payloads.reserve(requests.size());
  entries.reserve(requests.size());
  v1::AccessRecord record;
  for (size_t i = 0; i < requests.size(); ++i) {
    // An invalid request is recorded when its person is known; one whose person is unknown has
    // no file to record it in.
    if ((out[i].obligations & obligation::kLog) == 0 && out[i].reason != Reason::kInvalidRequest) {
      continue;
    }
    const absl::string_view person = state_->engine->PersonName(requests[i].person);
    if (person.empty()) continue;
    state_->Describe(*snapshot, requests[i], out[i], {}, &record);
    payloads.push_back(record.SerializeAsString());
    NewLedgerEntry entry;
    entry.type = LedgerEntryType::kAccessDecision;
    entry.time = requests[i].time;
    entry.person = person;
    entry.payload = payloads.back();
    entries.push_back(entry);
  }
  if (!entries.empty()) {
    const absl::Status appended = state_->ledger->Append(entries).status();
    if (!appended.ok()) {
      // Not recorded: nothing may be shown.
      for (Decision& d : out) d = Decision{Effect::kDeny, Reason::kUnspecified, 0, 0, d.revision};
      return appended;
    }
  }
  return decided;
}

absl::Status AccessTrail::RecordOperation(TrailOperation operation, absl::string_view actor,
                                          absl::string_view person, absl::string_view detail) {
  if (!IsOperation(operation)) {
    return MakeError(ErrorCode::kInvalidArgument, "RecordOperation: unknown operation");
  }
  if (actor.empty()) return MakeError(ErrorCode::kInvalidArgument, "RecordOperation: empty actor");
  return state_->OperationsDurably(operation, actor, absl::MakeConstSpan(&person, 1), detail,
                                   "RecordOperation");
}

absl::Status AccessTrail::RecordOperations(TrailOperation operation, absl::string_view actor,
                                           absl::Span<const std::string> persons,
                                           absl::string_view detail) {
  if (!IsOperation(operation)) {
    return MakeError(ErrorCode::kInvalidArgument, "RecordOperations: unknown operation");
  }
  if (actor.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "RecordOperations: empty actor");
  }
  if (persons.size() > kMaxOperationPersons) {
    return MakeError(
        ErrorCode::kOutOfRange,
        absl::StrCat("RecordOperations: more than ", kMaxOperationPersons, " persons in one call"));
  }
  std::vector<absl::string_view> views(persons.begin(), persons.end());
  for (size_t i = 0; i < views.size(); ++i) {
    if (views[i].empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("RecordOperations: persons[", i, "] is empty"));
    }
  }
  if (views.empty()) return absl::OkStatus();
  return state_->OperationsDurably(operation, actor, views, detail, "RecordOperations");
}

absl::Status AccessTrail::ShredPerson(absl::string_view actor, absl::string_view person) {
  if (person.empty()) return MakeError(ErrorCode::kInvalidArgument, "ShredPerson: empty person");
  if (actor.empty()) return MakeError(ErrorCode::kInvalidArgument, "ShredPerson: empty actor");
  SOCLE_RETURN_IF_ERROR(state_->OperationsDurably(TrailOperation::kCryptoShredding, actor,
                                                  absl::MakeConstSpan(&person, 1), kShredDetail,
                                                  "ShredPerson"));
  return state_->ledger->vault().ShredPerson(person);
}

absl::StatusOr<std::vector<absl::Status>> AccessTrail::ShredPersons(
    absl::string_view actor, absl::Span<const std::string> persons) {
  if (actor.empty()) return MakeError(ErrorCode::kInvalidArgument, "ShredPersons: empty actor");
  if (persons.size() > Vault::kMaxShredBatch) {
    return MakeError(
        ErrorCode::kOutOfRange,
        absl::StrCat("ShredPersons: more than ", Vault::kMaxShredBatch, " persons in one call"));
  }
  std::vector<absl::string_view> views(persons.begin(), persons.end());
  for (size_t i = 0; i < views.size(); ++i) {
    if (views[i].empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("ShredPersons: persons[", i, "] is empty"));
    }
  }
  if (views.empty()) return std::vector<absl::Status>();
  SOCLE_RETURN_IF_ERROR(state_->OperationsDurably(TrailOperation::kCryptoShredding, actor, views,
                                                  kShredDetail, "ShredPersons"));
  return state_->ledger->vault().ShredPersons(persons);
}

absl::StatusOr<RotationReport> AccessTrail::RotateMasterKey(absl::string_view actor,
                                                            bool retire_previous) {
  if (actor.empty()) return MakeError(ErrorCode::kInvalidArgument, "RotateMasterKey: empty actor");
  const absl::string_view nobody;
  SOCLE_RETURN_IF_ERROR(state_->OperationsDurably(
      TrailOperation::kKeyRotation, actor, absl::MakeConstSpan(&nobody, 1),
      retire_previous ? "master key rotated, older versions retired" : "master key rotated",
      "RotateMasterKey"));
  return state_->ledger->vault().RotateMasterKey(retire_previous);
}

ReversalHook AccessTrail::ReversalRecorder() {
  State* state = state_.get();
  return [state](const ReversalEvent& event) -> absl::Status {
    const std::string detail = absl::StrCat(
        event.outcome == ErrorCode::kOk ? "granted" : "refused", " (", ErrorCodeName(event.outcome),
        "), role ", event.role, ", reason ", event.reason, ", domain ", event.domain);
    if (event.actor.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty actor");
    const absl::string_view nobody;
    return state->OperationsDurably(TrailOperation::kTokenReversal, event.actor,
                                    absl::MakeConstSpan(&nobody, 1), detail, "token reversal");
  };
}

absl::StatusOr<PersonHistory> AccessTrail::History(const HistoryQuery& query) {
  if (query.person.empty()) return MakeError(ErrorCode::kInvalidArgument, "History: empty person");
  if (query.limit == 0 || query.limit > kMaxHistoryPage) {
    return MakeError(ErrorCode::kOutOfRange, "History: limit must be 1 to 10000");
  }
  if (query.from >= query.to) {
    return MakeError(ErrorCode::kInvalidArgument, "History: `from` must be before `to`");
  }
  SOCLE_RETURN_IF_ERROR(state_->AdmitReader(query.person, query.reader, query.reader_is_person,
                                            "history", "History"));
  Ledger& ledger = *state_->ledger;
  PersonHistory history;
  SOCLE_ASSIGN_OR_RETURN(history.checkpoint, ledger.Checkpoint());
  SOCLE_ASSIGN_OR_RETURN(
      std::vector<StoredLedgerEntry> stored,
      ledger.EntriesAbout(query.person, query.from, query.to, query.after, query.limit + 1));
  // Entries appended after the checkpoint appear on a later read, with their proofs.
  while (!stored.empty() && stored.back().index >= history.checkpoint.size) stored.pop_back();
  if (stored.size() > query.limit) {
    stored.resize(query.limit);
    history.next_after = static_cast<int64_t>(stored.back().index);
  }
  std::vector<uint64_t> indexes;
  indexes.reserve(stored.size());
  for (const auto& s : stored) indexes.push_back(s.index);
  SOCLE_ASSIGN_OR_RETURN(std::vector<LedgerInclusionProof> proofs,
                         ledger.ProveInclusions(indexes, history.checkpoint.size));
  // Every payload opened and authenticated, with the person's key looked up once for the page.
  std::vector<absl::StatusOr<SecretBytes>> payloads = ledger.OpenPayloads(stored, query.person);
  history.entries.reserve(stored.size());
  v1::AccessRecord access;
  v1::OperationRecord operation;
  v1::SharingRecord sharing;
  for (size_t i = 0; i < stored.size(); ++i) {
    const StoredLedgerEntry& s = stored[i];
    HistoryEntry h;
    h.index = s.index;
    h.time = s.time;
    h.type = s.type;
    h.proof = std::move(proofs[i]);
    const absl::StatusOr<SecretBytes>& payload = payloads[i];
    if (payload.ok()) {
      const absl::string_view bytes(reinterpret_cast<const char*>(payload->data()),
                                    payload->size());
      const int size = static_cast<int>(bytes.size());
      if (s.type == LedgerEntryType::kAccessDecision) {
        if (access.ParseFromArray(bytes.data(), size)) {
          h.readable = true;
          h.actor = access.actor();
          h.role = access.actor_role();
          h.structure = access.actor_structure();
          h.action = static_cast<Action>(access.action());
          h.item = access.item();
          h.category = access.category();
          h.purpose = access.purpose();
          h.allowed = access.allowed();
          h.reason = access.reason();
          h.rule = access.rule();
          h.break_glass = access.break_glass();
          h.justification = access.justification();
          h.revision = access.revision();
        }
      } else if (s.type == LedgerEntryType::kSharingDecision) {
        if (sharing.ParseFromArray(bytes.data(), size)) {
          h.readable = true;
          h.actor = sharing.emitter().professional();
          h.role = sharing.emitter().role();
          h.structure = sharing.emitter().structure();
          h.action = Action::kShare;
          h.purpose = sharing.purpose();
          h.allowed = sharing.granted();
          h.reason = sharing.failed_check();
          h.revision = sharing.revision();
          h.sharing = SharingFromProto(sharing);
          h.sharing->time = s.time;
        }
      } else if (operation.ParseFromArray(bytes.data(), size)) {
        h.readable = true;
        h.actor = operation.actor();
        h.operation = std::string(OperationName(operation.operation()));
        h.detail = operation.detail();
        h.revision = operation.revision();
      }
    } else {
      const ErrorCode code = ErrorCodeOf(payload.status());
      if (code != ErrorCode::kNotFound && code != ErrorCode::kVerificationFailed &&
          code != ErrorCode::kFailedPrecondition) {
        return payload.status();
      }
    }
    history.entries.push_back(std::move(h));
  }
  return history;
}

absl::StatusOr<uint64_t> AccessTrail::RecordSharing(const SharingTrailRecord& record) {
  const std::shared_ptr<const AccessSnapshot> snapshot = state_->engine->snapshot();
  return RecordSharing(*snapshot, record);
}

absl::StatusOr<uint64_t> AccessTrail::RecordSharing(const AccessSnapshot& snapshot,
                                                    const SharingTrailRecord& record) {
  SOCLE_RETURN_IF_ERROR(ValidateSharing(record));
  v1::SharingRecord r;
  r.set_share(record.share);
  state_->DescribeParty(snapshot, record.emitter, r.mutable_emitter());
  state_->DescribeParty(snapshot, record.recipient, r.mutable_recipient());
  r.set_person(record.person);
  r.set_basis(static_cast<v1::SharingBasis>(record.basis));
  r.set_purpose(record.purpose);
  r.mutable_items()->Reserve(static_cast<int>(record.items.size()));
  for (const SharingTrailRecord::Item& item : record.items) {
    v1::SharingRecord::Item* out = r.add_items();
    out->set_item(item.item);
    out->set_category(item.category);
    out->set_content_sha256(item.content_sha256);
  }
  r.set_granted(record.granted);
  r.set_failed_check(record.failed_check);
  r.set_overrides_opposition(record.overrides_opposition);
  v1::SharingRecord::PriorInformation* information = r.mutable_information();
  information->set_kind(
      static_cast<v1::SharingRecord::PriorInformation::Kind>(record.information.kind));
  information->set_revision(record.information.revision);
  for (uint64_t revision : record.information.informed_revisions) {
    information->add_informed_revisions(revision);
  }
  information->set_exception(
      static_cast<v1::InformationException::Kind>(record.information.exception));
  information->set_follow_up_open(record.information.follow_up_open);
  r.set_consent_revision(record.consent_revision);
  r.mutable_involvement()->set_kind(
      static_cast<v1::PersonInvolvement::Kind>(record.involvement.kind));
  r.mutable_involvement()->set_reason(record.involvement.reason);
  r.set_revision(snapshot.revision());
  r.set_policy_digest(state_->policy_digest);
  const std::string payload = r.SerializeAsString();
  NewLedgerEntry entry;
  entry.type = LedgerEntryType::kSharingDecision;
  entry.time = record.time;
  entry.person = record.person;
  entry.payload = payload;
  // Durable before the share takes effect: a share that cannot be recorded does not happen.
  SOCLE_ASSIGN_OR_RETURN(const uint64_t ticket,
                         state_->ledger->Append(absl::MakeConstSpan(&entry, 1)));
  return state_->ledger->WaitDurable(ticket);
}

namespace {

// The sharing log's record of a decision socle::Share took.
SharingTrailRecord TrailRecordOf(const SharingOutcome& o) {
  SharingTrailRecord r;
  r.share = o.share;
  r.emitter.professional = o.emitter;
  r.recipient.professional = o.recipient;
  r.person = o.person;
  r.basis = o.basis;
  r.purpose = o.purpose;
  r.items = o.items;
  r.granted = o.granted;
  if (!o.granted) r.failed_check = std::string(Name(o.failed));
  r.overrides_opposition = o.overrides_opposition;
  using Information = SharingTrailRecord::Information;
  if (o.exception_revision != 0) {
    r.information.kind = Information::Kind::kException;
    r.information.revision = o.exception_revision;
    r.information.exception = static_cast<Information::Exception>(o.exception);
    r.information.follow_up_open = o.follow_up_open;
  } else if (!o.information_revisions.empty()) {
    r.information.kind = Information::Kind::kInformed;
    r.information.revision = o.information_revisions.back();
    r.information.informed_revisions = o.information_revisions;
  }
  r.consent_revision = o.consent_revision;
  r.involvement.kind = o.involvement;
  r.involvement.reason = o.involvement_reason;
  r.time = o.time;
  return r;
}

}  // namespace

absl::StatusOr<SharingOutcome> AccessTrail::Share(AccessEngine& engine,
                                                  const SharingRequest& request) {
  if (&engine != state_->engine) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "AccessTrail::Share: the engine is not the trail's");
  }
  // What the log would refuse is refused before anything is granted: bad input changes nothing.
  SOCLE_RETURN_IF_ERROR(ValidateSharedItems(request.items));
  SOCLE_ASSIGN_OR_RETURN(SharingOutcome outcome, socle::Share(engine, request));
  const absl::StatusOr<uint64_t> recorded =
      RecordSharing(*engine.snapshot(), TrailRecordOf(outcome));
  if (!recorded.ok()) {
    if (outcome.granted) {
      // No share stands without its entry: the grant is taken back (the attempt left nothing
      // in the log, and the caller gets the log's error).
      (void)RevokeShare(engine, outcome.person, outcome.recipient, outcome.share, outcome.emitter);
    }
    return recorded.status();
  }
  return outcome;
}

absl::StatusOr<std::vector<CurrentAccess>> AccessTrail::CurrentAccessList(
    absl::string_view person) const {
  const AccessEngine& engine = *state_->engine;
  const std::optional<uint32_t> id = engine.FindPerson(person);
  if (!id.has_value()) {
    return MakeError(ErrorCode::kNotFound, "CurrentAccessList: the person is not in the directory");
  }
  const auto snapshot = engine.snapshot();
  SOCLE_ASSIGN_OR_RETURN(const std::vector<AccessHolder> holders, snapshot->ListAccessHolders(*id));
  std::vector<CurrentAccess> out;
  out.reserve(holders.size());
  for (const AccessHolder& holder : holders) {
    CurrentAccess a;
    a.professional = std::string(engine.ProfessionalName(holder.professional));
    if (auto facts = access_internal::DescribeProfessional(*snapshot, holder.professional)) {
      a.role = std::string(facts->role);
      a.structure = std::string(facts->structure);
    }
    switch (holder.basis) {
      case AccessBasis::kTeam:
        a.basis = "team";
        a.team = std::string(engine.TeamName(holder.team));
        break;
      case AccessBasis::kReferent:
        a.basis = "referent";
        break;
      case AccessBasis::kGrant:
        a.basis = "grant";
        break;
      case AccessBasis::kBreakGlass:
        a.basis = "break_glass";
        break;
    }
    a.expires_at = holder.expires_at;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace socle
