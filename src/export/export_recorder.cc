#include "export/export_recorder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "socle/error.hpp"

namespace socle::export_internal {

namespace {

constexpr size_t kMinBatchBytes = size_t{1} << 10;
constexpr size_t kMaxBatchBytes = size_t{64} << 20;

}  // namespace

absl::Status RecordExport(AccessTrail& trail, absl::string_view handled_by,
                          absl::Span<const std::string> persons, absl::string_view detail) {
  return trail.RecordOperations(TrailOperation::kExport, handled_by, persons, detail);
}

absl::StatusOr<ExportBatcher> ExportBatcher::Create(AccessTrail& trail, ExportWriter& writer,
                                                    const BulkExportOptions& options,
                                                    std::string detail, std::string call) {
  if (options.handled_by.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, absl::StrCat(call, ": handled_by is empty"));
  }
  if (options.batch_persons == 0 || options.batch_persons > AccessTrail::kMaxOperationPersons) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        absl::StrCat(call, ": batch_persons must be 1 to ", AccessTrail::kMaxOperationPersons));
  }
  if (options.batch_bytes < kMinBatchBytes || options.batch_bytes > kMaxBatchBytes) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat(call, ": batch_bytes must be 1 KiB to 64 MiB"));
  }
  if (!trail.engine().FindProfessional(options.handled_by).has_value()) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat(call,
                                  ": the professional who makes the export is not in the "
                                  "directory"));
  }
  return ExportBatcher(trail, writer, options, std::move(detail), std::move(call));
}

ExportBatcher::ExportBatcher(AccessTrail& trail, ExportWriter& writer,
                             const BulkExportOptions& options, std::string detail, std::string call)
    : trail_(&trail),
      writer_(&writer),
      options_(options),
      detail_(std::move(detail)),
      call_(std::move(call)) {}

absl::Status ExportBatcher::Add(absl::string_view person, std::vector<std::string> records) {
  persons_.emplace_back(person);
  for (std::string& r : records) {
    bytes_ += r.size();
    records_.push_back(std::move(r));
  }
  if (persons_.size() >= options_.batch_persons || bytes_ >= options_.batch_bytes) return Flush();
  return absl::OkStatus();
}

absl::Status ExportBatcher::Flush() {
  if (persons_.empty()) return absl::OkStatus();
  // Durable before the first record of the batch reaches the writer: a person is never in a
  // file without the line in their history.
  const absl::Status recorded = RecordExport(*trail_, options_.handled_by, persons_, detail_);
  if (!recorded.ok()) {
    return MakeError(ErrorCodeOf(recorded),
                     absl::StrCat(call_, ": the export of persons ", report_.persons + 1, " to ",
                                  report_.persons + persons_.size(),
                                  " could not be recorded, none of their records was written: ",
                                  recorded.message()));
  }
  ++report_.batches;
  for (const std::string& r : records_) SOCLE_RETURN_IF_ERROR(writer_->Add(r));
  report_.persons += persons_.size();
  report_.records += records_.size();
  persons_.clear();
  records_.clear();
  bytes_ = 0;
  return absl::OkStatus();
}

absl::StatusOr<BulkExportReport> ExportBatcher::Finish() {
  SOCLE_RETURN_IF_ERROR(Flush());
  SOCLE_ASSIGN_OR_RETURN(report_.file, writer_->Finish());
  return report_;
}

}  // namespace socle::export_internal
