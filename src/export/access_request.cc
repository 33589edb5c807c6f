// The access request (art. 15) and portability (art. 20) files: socle/access_request.hpp.
#include "socle/access_request.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "core/proto_time.h"
#include "core/status_macros.h"
#include "export/case_file.h"
#include "export/export_recorder.h"
#include "exportfile/format.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"
#include "socle/person_summary.hpp"
#include "socle/representation.hpp"
#include "socle/v1/export.pb.h"

namespace socle {
namespace {

using export_internal::ToProto;

static_assert(static_cast<int>(EntryKind::kFact) == v1::FACT);
static_assert(static_cast<int>(EntryKind::kAppreciation) == v1::PROFESSIONAL_APPRECIATION);
static_assert(static_cast<int>(EntryKind::kThirdPartyInformation) == v1::THIRD_PARTY_INFORMATION);
static_assert(static_cast<int>(EntryKind::kWorkingNote) == v1::WORKING_NOTE);

constexpr absl::string_view kThirdPartyReason = "third_party_information";

template <typename Record>
absl::Status Write(ExportWriter& writer, const Record& record) {
  return writer.Add(record.SerializeAsString());
}

// What both kinds check before anything is recorded or written.
struct Prepared {
  const v1::Policy* policy = nullptr;
  std::shared_ptr<const AccessSnapshot> snapshot;
  absl::Time at;
};

absl::StatusOr<Prepared> Prepare(AccessTrail& trail, const PersonExportRequest& request,
                                 absl::string_view what) {
  const AccessEngine& engine = trail.engine();
  const std::string& person = request.identity.person;
  if (person.empty() || request.requested_by.empty() || request.handled_by.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(what,
                                  ": the person, the requester and the professional who "
                                  "handles the request are required"));
  }
  if (!engine.FindPerson(person).has_value()) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(what, ": the person is not in the directory"));
  }
  if (!engine.FindProfessional(request.handled_by).has_value()) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(what,
                                  ": the professional who handles the request is not in "
                                  "the directory"));
  }
  Prepared p;
  p.policy = &policy_internal::Compiled(engine.policy()).source;
  p.snapshot = engine.snapshot();
  p.at = request.at == absl::InfinitePast() ? engine.clock().Now() : request.at;
  if (request.requested_by != person) {
    // A legal representative in force on the day of the request (REQ-09).
    const absl::CivilDay day = absl::ToCivilDay(p.at, absl::UTCTimeZone());
    SOCLE_ASSIGN_OR_RETURN(const std::vector<RepresentativeInfo> in_force,
                           RepresentativesOn(*p.snapshot, person, day));
    bool found = false;
    for (const RepresentativeInfo& r : in_force) found |= r.representative == request.requested_by;
    if (!found) {
      return MakeError(ErrorCode::kPermissionDenied,
                       absl::StrCat(what,
                                    ": the requester is neither the person nor one of "
                                    "their legal representatives in force"));
    }
  }
  return p;
}

// Checks entry number `n` (from 1) of the stream; the message names its position only.
absl::Status CheckEntry(const Prepared& p, const AccessEngine& engine, const std::string& person,
                        const CaseEntry& e, uint64_t n) {
  auto bad = [n](absl::string_view problem) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("entry ", n, " of the stream ", problem));
  };
  if (e.person != person) return bad("is about another person");
  if (e.id.empty()) return bad("has no id");
  if (e.kind == EntryKind::kUnspecified || static_cast<int>(e.kind) >= kEntryKindCount) {
    return bad("has no valid kind");
  }
  if (!engine.policy().FindDataCategory(e.category).has_value()) {
    return bad("has a category the policy does not declare");
  }
  if (!e.purpose.empty() && !engine.policy().FindActivity(e.purpose).has_value()) {
    return bad("has a purpose that is not an activity of the policy");
  }
  if (e.kind == EntryKind::kAppreciation &&
      (e.author.empty() || e.created_at == absl::InfinitePast())) {
    return bad("is a professional appreciation without its author and date");
  }
  if (!e.released_by.empty() && !engine.FindProfessional(e.released_by).has_value()) {
    return bad("was released by a professional who is not in the directory");
  }
  (void)p;
  return absl::OkStatus();
}

const v1::Activity* FindActivity(const v1::Policy& policy, absl::string_view id) {
  for (const v1::Activity& a : policy.activities()) {
    if (a.id() == id) return &a;
  }
  return nullptr;
}

void FillActivity(const v1::Activity& a, v1::ActivityNotice* out) {
  out->set_activity(a.id());
  out->set_name(a.name());
  out->set_purpose(a.purpose());
  out->set_legal_basis(a.legal_basis());
  out->set_legal_basis_reference(a.legal_basis_reference());
  *out->mutable_recipients() = a.recipients();
  *out->mutable_retention() = a.retention();
}

bool PortabilityApplies(const v1::Activity& a) {
  return a.legal_basis() == v1::CONSENT || a.legal_basis() == v1::CONTRACT;
}

void FillHistory(const HistoryEntry& h, v1::HistoryRecord* out) {
  out->set_index(h.index);
  core::SetTimestampIfFinite(h.time, [out] { return out->mutable_time(); });
  out->set_type(static_cast<uint32_t>(h.type));
  out->set_readable(h.readable);
  out->set_actor(h.actor);
  out->set_role(h.role);
  out->set_structure(h.structure);
  out->set_action(static_cast<uint32_t>(h.action));
  out->set_item(h.item);
  out->set_category(h.category);
  out->set_purpose(h.purpose);
  out->set_allowed(h.allowed);
  out->set_reason(h.reason);
  out->set_rule(h.rule);
  out->set_break_glass(h.break_glass);
  out->set_justification(h.justification);
  out->set_operation(h.operation);
  out->set_detail(h.detail);
  if (h.sharing.has_value()) {
    out->set_sharing_recipient(h.sharing->recipient.professional);
    out->set_sharing_basis(std::string(Name(h.sharing->basis)));
  }
  out->set_proof_tree_size(h.proof.tree_size);
  for (const LedgerHash& hash : h.proof.hashes) {
    out->add_proof_hashes(reinterpret_cast<const char*>(hash.data()), hash.size());
  }
  out->set_leaf_hash(reinterpret_cast<const char*>(h.proof.leaf_hash.data()),
                     h.proof.leaf_hash.size());
}

void FillCheckpoint(const LedgerCheckpoint& c, const std::string& verifier_key,
                    v1::CheckpointRecord* out) {
  out->set_size(c.size);
  out->set_root(reinterpret_cast<const char*>(c.root.data()), c.root.size());
  out->set_note(c.note);
  out->set_verifier_key(verifier_key);
}

// What the person's report needs to name things: the controller, the DPO, labels.
void FillContext(const v1::Policy& policy, const PersonExportRequest& request, absl::Time at,
                 v1::ReportContext* out) {
  *out->mutable_controller() = policy.controller();
  *out->mutable_dpo() = policy.dpo();
  core::SetTimestampIfFinite(at, [out] { return out->mutable_issued_at(); });
  *out->mutable_categories() = policy.data_categories();
  for (const v1::Role& role : policy.roles()) {
    v1::ReportContext::Label* label = out->add_roles();
    label->set_id(role.id());
    label->set_label(role.label());
  }
  for (const auto& [id, name] : request.display_names) {
    v1::ReportContext::Label* label = out->add_names();
    label->set_id(id);
    label->set_label(name);
  }
  out->set_time_zone(request.time_zone);
}

// What becomes of one entry of the vendor's stream in a kind's file.
enum class Disposition {
  kWritten,   // the entry, whole
  kWithheld,  // a marker in its place (third-party information, access request)
  kLeftOut,   // nothing
};

// The one loop over the vendor's entries of both kinds: reads the stream to its end, checks each
// entry (CheckEntry: an error names its position, never its content), and lets `decide` fill
// `record` (cleared) from the entry and say what becomes of it; the record of a written or
// withheld entry is written. Counts each entry in `report`.
template <typename Record, typename Decide>
absl::Status WriteEntries(const Prepared& p, const AccessEngine& engine, const std::string& person,
                          const EntrySource& entries, Decide decide, Record& record,
                          ExportWriter& writer, PersonExportReport& report) {
  CaseEntry entry;
  for (uint64_t n = 1;; ++n) {
    SOCLE_ASSIGN_OR_RETURN(const bool more, entries(&entry));
    if (!more) return absl::OkStatus();
    SOCLE_RETURN_IF_ERROR(CheckEntry(p, engine, person, entry, n));
    record.Clear();
    switch (decide(entry, record)) {
      case Disposition::kLeftOut:
        ++report.left_out;
        continue;
      case Disposition::kWithheld:
        ++report.withheld;
        break;
      case Disposition::kWritten:
        ++report.entries;
        break;
    }
    SOCLE_RETURN_IF_ERROR(Write(writer, record));
  }
}

// The person's whole history, page by page, each page after the checkpoint its proofs lead to.
absl::StatusOr<uint64_t> WriteHistory(AccessTrail& trail, const PersonExportRequest& request,
                                      ExportWriter& writer) {
  HistoryQuery query;
  query.person = request.identity.person;
  query.reader = request.requested_by;
  query.reader_is_person = true;
  query.limit = 10000;
  uint64_t written = 0;
  uint64_t last_checkpoint = 0;
  v1::AccessRequestRecord record;
  const std::string& verifier_key = trail.ledger().verifier_key();
  for (;;) {
    SOCLE_ASSIGN_OR_RETURN(const PersonHistory page, trail.History(query));
    if (page.checkpoint.size != last_checkpoint) {
      record.Clear();
      FillCheckpoint(page.checkpoint, verifier_key, record.mutable_checkpoint());
      SOCLE_RETURN_IF_ERROR(Write(writer, record));
      last_checkpoint = page.checkpoint.size;
    }
    for (const HistoryEntry& h : page.entries) {
      record.Clear();
      FillHistory(h, record.mutable_history());
      SOCLE_RETURN_IF_ERROR(Write(writer, record));
      ++written;
    }
    if (page.next_after < 0) break;
    query.after = page.next_after;
  }
  return written;
}

}  // namespace

absl::StatusOr<PersonExportReport> WriteAccessRequest(AccessTrail& trail,
                                                      const PersonExportRequest& request,
                                                      const EntrySource& entries,
                                                      ExportWriter& writer) {
  SOCLE_RETURN_IF_ERROR(
      exportfile::RequireWriterKind(writer, ExportKind::kAccessRequest, "WriteAccessRequest"));
  SOCLE_ASSIGN_OR_RETURN(const Prepared p, Prepare(trail, request, "WriteAccessRequest"));
  const AccessEngine& engine = trail.engine();
  const std::string& person = request.identity.person;
  // Recorded first: an export that cannot be recorded is not written.
  SOCLE_RETURN_IF_ERROR(export_internal::RecordExport(
      trail, request.handled_by, absl::MakeConstSpan(&person, 1), "access_request"));

  PersonExportReport report;
  v1::AccessRequestRecord record;
  ToProto(request.identity, record.mutable_identity());
  SOCLE_RETURN_IF_ERROR(Write(writer, record));

  SOCLE_ASSIGN_OR_RETURN(const PersonSummary summary, SummarisePerson(*p.snapshot, person, p.at));
  record.Clear();
  if (!record.mutable_summary()->ParseFromString(SerializePersonSummary(summary))) {
    return MakeError(ErrorCode::kInternal, "WriteAccessRequest: the person summary does not parse");
  }
  SOCLE_RETURN_IF_ERROR(Write(writer, record));

  record.Clear();
  FillContext(*p.policy, request, p.at, record.mutable_context());
  SOCLE_RETURN_IF_ERROR(Write(writer, record));

  // The activities the person's data serves: those of their entries, consents, objections and
  // shares.
  absl::btree_set<std::string> activities;
  for (const ConsentInfo& c : summary.consents) activities.insert(c.purpose);
  for (const ObjectionInfo& o : summary.objections) {
    if (!o.purpose.empty()) activities.insert(o.purpose);
  }
  for (const ShareInfo& s : summary.shares) {
    if (!s.purpose.empty()) activities.insert(s.purpose);
  }

  // Working notes are their author's alone, never part of the file; third-party information
  // not released by a professional is marked as withheld.
  auto decide = [&activities](const CaseEntry& entry, v1::AccessRequestRecord& out) {
    if (!entry.purpose.empty()) activities.insert(entry.purpose);
    if (entry.kind == EntryKind::kWorkingNote) return Disposition::kLeftOut;
    if (entry.kind == EntryKind::kThirdPartyInformation && entry.released_by.empty()) {
      v1::WithheldEntry* w = out.mutable_withheld();
      w->set_id(entry.id);
      w->set_category(entry.category);
      core::SetTimestampIfFinite(entry.created_at, [w] { return w->mutable_created_at(); });
      w->set_reason(std::string(kThirdPartyReason));
      return Disposition::kWithheld;
    }
    ToProto(entry, out.mutable_entry());
    return Disposition::kWritten;
  };
  SOCLE_RETURN_IF_ERROR(WriteEntries(p, engine, person, entries, decide, record, writer, report));

  for (const std::string& id : activities) {
    const v1::Activity* a = FindActivity(*p.policy, id);
    if (a == nullptr) continue;
    record.Clear();
    FillActivity(*a, record.mutable_activity());
    SOCLE_RETURN_IF_ERROR(Write(writer, record));
  }

  SOCLE_ASSIGN_OR_RETURN(report.history_entries, WriteHistory(trail, request, writer));
  SOCLE_ASSIGN_OR_RETURN(report.file, writer.Finish());
  return report;
}

std::string PortabilityNotice(const Policy& policy) {
  const v1::Policy& source = policy_internal::Compiled(policy).source;
  v1::PortabilityNotice notice;
  for (const v1::Activity& a : source.activities()) {
    if (PortabilityApplies(a)) notice.add_activities(a.id());
  }
  notice.set_right_applies(notice.activities_size() > 0);
  if (!notice.right_applies()) {
    notice.set_reason(
        "Le droit à la portabilité ne s'applique pas : les traitements de ce service reposent "
        "sur une mission d'intérêt public ou une obligation légale, pas sur le consentement ni "
        "sur un contrat (RGPD, article 20, paragraphes 1 et 3). Le droit d'accès (article 15) "
        "s'applique toujours.");
  }
  notice.set_json_schema(std::string(PortabilityJsonSchema()));
  return notice.SerializeAsString();
}

absl::StatusOr<PersonExportReport> WritePortability(AccessTrail& trail,
                                                    const PersonExportRequest& request,
                                                    const EntrySource& entries,
                                                    ExportWriter& writer) {
  SOCLE_RETURN_IF_ERROR(
      exportfile::RequireWriterKind(writer, ExportKind::kPortability, "WritePortability"));
  SOCLE_ASSIGN_OR_RETURN(const Prepared p, Prepare(trail, request, "WritePortability"));
  const AccessEngine& engine = trail.engine();
  const std::string& person = request.identity.person;
  // Recorded first, as every export (export_recorder.h).
  SOCLE_RETURN_IF_ERROR(export_internal::RecordExport(
      trail, request.handled_by, absl::MakeConstSpan(&person, 1), "portability"));
  PersonExportReport report;
  v1::PortabilityRecord record;
  ToProto(request.identity, record.mutable_identity());
  SOCLE_RETURN_IF_ERROR(Write(writer, record));
  // Art. 20 carries what the person provided, under consent or contract, and nothing of third
  // parties or of a professional's own notes.
  auto decide = [&p](const CaseEntry& entry, v1::PortabilityRecord& out) {
    const v1::Activity* a = FindActivity(*p.policy, entry.purpose);
    if (!entry.provided_by_person || a == nullptr || !PortabilityApplies(*a) ||
        entry.kind == EntryKind::kWorkingNote || entry.kind == EntryKind::kThirdPartyInformation) {
      return Disposition::kLeftOut;
    }
    ToProto(entry, out.mutable_entry());
    return Disposition::kWritten;
  };
  SOCLE_RETURN_IF_ERROR(WriteEntries(p, engine, person, entries, decide, record, writer, report));
  SOCLE_ASSIGN_OR_RETURN(report.file, writer.Finish());
  return report;
}

}  // namespace socle
