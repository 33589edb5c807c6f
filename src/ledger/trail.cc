#include "socle/trail.hpp"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "access/facts.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/v1/ledger.pb.h"
#include "socle/v1/policy.pb.h"
#include "socle/vault.hpp"

namespace socle {

namespace {

constexpr size_t kMaxHistoryPage = 10000;
constexpr uint32_t kSecurityAuditor = 1u << v1::Role::SECURITY_AUDITOR;

v1::OperationRecord::Operation ToProto(TrailOperation operation) {
  return static_cast<v1::OperationRecord::Operation>(operation);
}

absl::string_view OperationName(v1::OperationRecord::Operation operation) {
  switch (operation) {
    case v1::OperationRecord::TOKEN_REVERSAL: return "token_reversal";
    case v1::OperationRecord::KEY_ROTATION: return "key_rotation";
    case v1::OperationRecord::CRYPTO_SHREDDING: return "crypto_shredding";
    case v1::OperationRecord::POLICY_LOADED: return "policy_loaded";
    case v1::OperationRecord::TRAIL_READ: return "trail_read";
    case v1::OperationRecord::EXPORT: return "export";
    case v1::OperationRecord::SHARE: return "share";
    case v1::OperationRecord::UPDATE_ATTEMPT: return "update_attempt";
    case v1::OperationRecord::DELETE_ATTEMPT: return "delete_attempt";
    default: return "unspecified";
  }
}

bool IsOperation(TrailOperation operation) {
  const int v = static_cast<int>(operation);
  return v >= 1 && v <= 7;
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
  // The policy this process decides under, with its digest, opens its part of the trail.
  SOCLE_RETURN_IF_ERROR(state->Operation(v1::OperationRecord::POLICY_LOADED, "socle", "",
                                         engine.policy().digest_hex(), false));
  return std::unique_ptr<AccessTrail>(new AccessTrail(std::move(state)));
}

Ledger& AccessTrail::ledger() const { return *state_->ledger; }

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
  // The record of a shredding must stay readable once the person's key is gone: in clear, and
  // without their id (the entry still carries their pseudonym).
  const bool seal = !person.empty() && operation != TrailOperation::kCryptoShredding;
  return state_->Operation(ToProto(operation), actor, person, detail, seal);
}

namespace {

// Appends one operation and waits until it is durable.
absl::Status RecordDurably(Ledger& ledger, v1::OperationRecord::Operation operation,
                           absl::string_view actor, absl::string_view person,
                           absl::string_view detail, absl::string_view policy_digest,
                           uint64_t revision) {
  if (actor.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty actor");
  v1::OperationRecord record;
  record.set_operation(operation);
  record.set_actor(std::string(actor));
  record.set_detail(std::string(detail));
  record.set_policy_digest(std::string(policy_digest));
  record.set_revision(revision);
  const std::string payload = record.SerializeAsString();
  NewLedgerEntry entry;
  entry.type = LedgerEntryType::kOperation;
  entry.person = person;
  entry.payload = payload;
  entry.seal = false;  // the record carries no person id: it must outlive a shred
  SOCLE_ASSIGN_OR_RETURN(const uint64_t ticket, ledger.Append(absl::MakeConstSpan(&entry, 1)));
  return ledger.WaitDurable(ticket).status();
}

}  // namespace

absl::Status AccessTrail::ShredPerson(absl::string_view actor, absl::string_view person) {
  if (person.empty()) return MakeError(ErrorCode::kInvalidArgument, "ShredPerson: empty person");
  SOCLE_RETURN_IF_ERROR(RecordDurably(*state_->ledger, v1::OperationRecord::CRYPTO_SHREDDING,
                                      actor, person, "the person's data key was destroyed",
                                      state_->policy_digest, state_->engine->revision()));
  return state_->ledger->vault().ShredPerson(person);
}

absl::StatusOr<RotationReport> AccessTrail::RotateMasterKey(absl::string_view actor,
                                                            bool retire_previous) {
  SOCLE_RETURN_IF_ERROR(RecordDurably(
      *state_->ledger, v1::OperationRecord::KEY_ROTATION, actor, {},
      retire_previous ? "master key rotated, older versions retired" : "master key rotated",
      state_->policy_digest, state_->engine->revision()));
  return state_->ledger->vault().RotateMasterKey(retire_previous);
}

ReversalHook AccessTrail::ReversalRecorder() {
  State* state = state_.get();
  return [state](const ReversalEvent& event) -> absl::Status {
    const std::string detail =
        absl::StrCat(event.outcome == ErrorCode::kOk ? "granted" : "refused", " (",
                     ErrorCodeName(event.outcome), "), role ", event.role, ", reason ",
                     event.reason, ", domain ", event.domain);
    return RecordDurably(*state->ledger, v1::OperationRecord::TOKEN_REVERSAL, event.actor, {},
                         detail, state->policy_digest, state->engine->revision());
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
  if (!query.reader_is_person) {
    const std::optional<uint32_t> reader = state_->engine->FindProfessional(query.reader);
    const auto snapshot = state_->engine->snapshot();
    const auto facts =
        reader.has_value() ? access_internal::DescribeProfessional(*snapshot, *reader)
                           : std::nullopt;
    if (!facts.has_value() || facts->left || (facts->capabilities & kSecurityAuditor) == 0) {
      SOCLE_RETURN_IF_ERROR(state_->Operation(v1::OperationRecord::TRAIL_READ, query.reader,
                                              query.person, "history read refused", false));
      return MakeError(ErrorCode::kPermissionDenied,
                       "History: reading the trail needs a role with the SECURITY_AUDITOR "
                       "capability (the refusal was recorded)");
    }
  }
  SOCLE_RETURN_IF_ERROR(state_->Operation(
      v1::OperationRecord::TRAIL_READ, query.reader_is_person ? "person" : query.reader,
      query.person,
      query.reader_is_person ? "history read by the person" : "history read by an auditor",
      false));  // in clear: the read of a shredded person's history is recorded too
  Ledger& ledger = *state_->ledger;
  PersonHistory history;
  SOCLE_ASSIGN_OR_RETURN(history.checkpoint, ledger.Checkpoint());
  SOCLE_ASSIGN_OR_RETURN(std::vector<StoredLedgerEntry> stored,
                         ledger.EntriesAbout(query.person, query.from, query.to, query.after,
                                             query.limit + 1));
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
  history.entries.reserve(stored.size());
  v1::AccessRecord access;
  v1::OperationRecord operation;
  for (size_t i = 0; i < stored.size(); ++i) {
    const StoredLedgerEntry& s = stored[i];
    HistoryEntry h;
    h.index = s.index;
    h.time = s.time;
    h.type = s.type;
    h.proof = std::move(proofs[i]);
    auto payload = s.pruned ? absl::StatusOr<SecretBytes>(absl::NotFoundError("pruned"))
                            : ledger.OpenPayload(s, query.person);
    if (payload.ok()) {
      const absl::string_view bytes(reinterpret_cast<const char*>(payload->data()),
                                    payload->size());
      if (s.type == LedgerEntryType::kAccessDecision && access.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
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
      } else if (s.type != LedgerEntryType::kAccessDecision && operation.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
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

absl::StatusOr<std::vector<CurrentAccess>> AccessTrail::CurrentAccessList(
    absl::string_view person) const {
  const AccessEngine& engine = *state_->engine;
  const std::optional<uint32_t> id = engine.FindPerson(person);
  if (!id.has_value()) {
    return MakeError(ErrorCode::kNotFound, "CurrentAccessList: the person is not in the directory");
  }
  const auto snapshot = engine.snapshot();
  SOCLE_ASSIGN_OR_RETURN(const std::vector<AccessHolder> holders,
                         snapshot->ListAccessHolders(*id));
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
      case AccessBasis::kReferent: a.basis = "referent"; break;
      case AccessBasis::kGrant: a.basis = "grant"; break;
      case AccessBasis::kBreakGlass: a.basis = "break_glass"; break;
    }
    a.expires_at = holder.expires_at;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace socle
