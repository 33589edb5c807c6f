// The export lines of the access trail, shared by every kind of export (issue 12: every export
// is an entry in the access trail and in the person's history). A person's export (access
// request, portability) records its one line before the file is written; an export of many
// persons (pseudonymised dataset, training mirror) goes through an ExportBatcher, which records
// each batch of persons before it writes any of the batch's records. The detail of a line names
// the kind and, for a dataset, the profile ("pseudonymised_dataset observatoire_abs",
// "training_mirror", "access_request", "portability"): never a recipient or their key.
#ifndef SOCLE_SRC_EXPORT_EXPORT_RECORDER_H_
#define SOCLE_SRC_EXPORT_EXPORT_RECORDER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "socle/dataset.hpp"
#include "socle/export_file.hpp"
#include "socle/trail.hpp"

namespace socle::export_internal {

// Records that `handled_by` exported the files of `persons` (one "export" line in each person's
// history, described by `detail`), durable on return: AccessTrail::RecordOperations.
absl::Status RecordExport(AccessTrail& trail, absl::string_view handled_by,
                          absl::Span<const std::string> persons, absl::string_view detail);

// The persons of a many-person export, gathered into batches: a full batch is recorded in the
// trail (one append), then its records are written. Nothing of a batch is written unless the
// whole batch was recorded. One thread at a time; the trail and the writer must outlive it.
class ExportBatcher {
 public:
  // INVALID_ARGUMENT for an empty handled_by or batch sizes out of range, NOT_FOUND when
  // handled_by is not in the trail's directory. `call` prefixes the messages.
  static absl::StatusOr<ExportBatcher> Create(AccessTrail& trail, ExportWriter& writer,
                                              const BulkExportOptions& options, std::string detail,
                                              std::string call);

  // One person and their serialised records; recorded and written with their batch.
  absl::Status Add(absl::string_view person, std::vector<std::string> records);
  // Records and writes the last batch, then finishes the file.
  absl::StatusOr<BulkExportReport> Finish();

 private:
  ExportBatcher(AccessTrail& trail, ExportWriter& writer, const BulkExportOptions& options,
                std::string detail, std::string call);
  absl::Status Flush();

  AccessTrail* trail_;
  ExportWriter* writer_;
  BulkExportOptions options_;
  std::string detail_;
  std::string call_;
  std::vector<std::string> persons_;  // the batch's persons, in order
  std::vector<std::string> records_;  // their records, in order
  size_t bytes_ = 0;                  // the size of records_
  BulkExportReport report_;
};

}  // namespace socle::export_internal

#endif  // SOCLE_SRC_EXPORT_EXPORT_RECORDER_H_
