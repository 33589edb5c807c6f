// The audit extract: socle/audit_extract.hpp.
#include "socle/audit_extract.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "exportfile/format.h"
#include "socle/error.hpp"
#include "socle/v1/export.pb.h"

namespace socle {
namespace {

// Entries are read, proved and written this many at a time: memory stays bounded.
constexpr size_t kBatch = 4096;

std::string Bytes(const LedgerHash& h) {
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

}  // namespace

absl::StatusOr<AuditExtractReport> WriteAuditExtract(AccessTrail& trail,
                                                     const AuditExtractRequest& request,
                                                     ExportWriter& writer) {
  SOCLE_RETURN_IF_ERROR(
      exportfile::RequireWriterKind(writer, ExportKind::kAuditExtract, "WriteAuditExtract"));
  if (request.end != 0 && request.end < request.begin) {
    return MakeError(ErrorCode::kInvalidArgument, "WriteAuditExtract: `end` is before `begin`");
  }
  // The read is recorded (or its refusal) before anything is read.
  SOCLE_RETURN_IF_ERROR(trail.AdmitAuditor(
      request.auditor,
      absl::StrCat("audit extract of entries ", request.begin, " to ",
                   request.end == 0 ? std::string("the checkpoint") : absl::StrCat(request.end))));
  Ledger& ledger = trail.ledger();
  SOCLE_ASSIGN_OR_RETURN(const LedgerCheckpoint checkpoint, ledger.Checkpoint());
  const uint64_t end = request.end == 0 ? checkpoint.size : request.end;
  if (end > checkpoint.size || request.begin > end || request.since_size > checkpoint.size) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("WriteAuditExtract: the range or the earlier checkpoint goes "
                                  "beyond the trail's checkpoint of ",
                                  checkpoint.size, " entries"));
  }
  AuditExtractReport report;
  report.checkpoint_size = checkpoint.size;
  v1::AuditRecord record;
  v1::CheckpointRecord* c = record.mutable_checkpoint();
  c->set_size(checkpoint.size);
  c->set_root(Bytes(checkpoint.root));
  c->set_note(checkpoint.note);
  c->set_verifier_key(ledger.verifier_key());
  SOCLE_RETURN_IF_ERROR(writer.Add(record.SerializeAsString()));
  if (request.since_size != 0) {
    SOCLE_ASSIGN_OR_RETURN(const std::vector<LedgerHash> hashes,
                           ledger.ProveConsistency(request.since_size, checkpoint.size));
    record.Clear();
    v1::ConsistencyProof* p = record.mutable_consistency();
    p->set_size1(request.since_size);
    p->set_size2(checkpoint.size);
    for (const LedgerHash& h : hashes) p->add_hashes(Bytes(h));
    SOCLE_RETURN_IF_ERROR(writer.Add(record.SerializeAsString()));
  }
  std::vector<uint64_t> indexes;
  for (uint64_t at = request.begin; at < end;) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(kBatch, end - at));
    SOCLE_ASSIGN_OR_RETURN(const std::vector<StoredLedgerEntry> stored,
                           ledger.ReadEntries(at, want));
    if (stored.empty()) {
      return MakeError(ErrorCode::kDataLoss,
                       absl::StrCat("WriteAuditExtract: entry ", at, " cannot be read"));
    }
    indexes.clear();
    for (const StoredLedgerEntry& s : stored) indexes.push_back(s.index);
    SOCLE_ASSIGN_OR_RETURN(const std::vector<LedgerInclusionProof> proofs,
                           ledger.ProveInclusions(indexes, checkpoint.size));
    for (size_t i = 0; i < stored.size(); ++i) {
      record.Clear();
      v1::AuditEntry* e = record.mutable_entry();
      e->set_index(stored[i].index);
      e->set_bytes(stored[i].bytes);  // empty when the retention period removed it
      e->set_leaf_hash(Bytes(stored[i].leaf_hash));
      e->set_pruned(stored[i].pruned);
      for (const LedgerHash& h : proofs[i].hashes) e->add_proof_hashes(Bytes(h));
      SOCLE_RETURN_IF_ERROR(writer.Add(record.SerializeAsString()));
      ++report.entries;
    }
    at = stored.back().index + 1;
  }
  SOCLE_ASSIGN_OR_RETURN(report.file, writer.Finish());
  return report;
}

}  // namespace socle
