// What `socle export` and `socle demo` share to write export files.
#ifndef SOCLE_SRC_CLI_EXPORT_WRITE_H_
#define SOCLE_SRC_CLI_EXPORT_WRITE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "socle/export_file.hpp"

namespace socle::cli {

// Passes records on to `inner` and keeps them: the person's report is rendered from the very
// records the access-request file holds, even when the file is sealed to others.
class RecordKeepingWriter final : public ExportWriter {
 public:
  explicit RecordKeepingWriter(ExportWriter& inner) : inner_(inner) {}
  absl::Status Add(absl::string_view record) override {
    records.emplace_back(record);
    return inner_.Add(record);
  }
  absl::StatusOr<ExportFileSummary> Finish() override { return inner_.Finish(); }
  std::vector<std::string> records;

 private:
  ExportWriter& inner_;
};

// Renders the access-request records as the person's report (socle/person_report.hpp) into
// `path` (written whole or not at all).
absl::Status WritePersonReportHtml(const std::string& path,
                                   const std::vector<std::string>& records);

}  // namespace socle::cli

#endif  // SOCLE_SRC_CLI_EXPORT_WRITE_H_
