// socle/audit_extract.hpp: a range of the access trail for an auditor (a CNIL inspection, the
// DPO, a court), as a `.socle` export file (socle/export_file.hpp, kind kAuditExtract).
//
// The file holds a checkpoint of the trail signed now, every entry of the range exactly as it is
// hashed into the tree (its payload stays sealed under the person's key: the extract proves what
// happened and when, the persons' details stay with the persons' keys), each with its inclusion
// proof against that checkpoint, and, when the auditor holds an earlier checkpoint, the proof that
// the trail they saw then is a prefix of today's (nothing was rewritten since).
//
// Thread safety: may run concurrently with the trail's other calls; the writer is used by one
// call.
#ifndef SOCLE_AUDIT_EXTRACT_HPP_
#define SOCLE_AUDIT_EXTRACT_HPP_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "socle/export.hpp"
#include "socle/export_file.hpp"
#include "socle/trail.hpp"

namespace socle {

struct SOCLE_CXX_API AuditExtractRequest {
  std::string auditor;  // a professional whose role has SECURITY_AUDITOR
  uint64_t begin = 0;   // the entries [begin, end) of the trail
  uint64_t end = 0;     // 0: up to the checkpoint signed now
  // The size of a checkpoint the auditor already holds (0: none): the file then proves it is a
  // prefix of the new checkpoint.
  uint64_t since_size = 0;
};

struct SOCLE_CXX_API AuditExtractReport {
  uint64_t entries = 0;
  uint64_t checkpoint_size = 0;
  ExportFileSummary file;
};

// `writer` must have been created with ExportKind::kAuditExtract. PERMISSION_DENIED (recorded)
// for an auditor without SECURITY_AUDITOR; OUT_OF_RANGE for a range or since_size beyond the
// checkpoint; the ledger's and the writer's errors. Finishes the writer.
SOCLE_CXX_API absl::StatusOr<AuditExtractReport> WriteAuditExtract(
    AccessTrail& trail, const AuditExtractRequest& request, ExportWriter& writer);

}  // namespace socle

#endif  // SOCLE_AUDIT_EXTRACT_HPP_
