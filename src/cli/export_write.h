// What `socle export` and `socle demo` share to write export files.
#ifndef SOCLE_SRC_CLI_EXPORT_WRITE_H_
#define SOCLE_SRC_CLI_EXPORT_WRITE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "socle/export_file.hpp"

namespace socle::cli {

class Flags;
struct OpenedEngine;

// The recipients of --recipient KEY[=LABEL] (repeatable); false with the problem otherwise.
bool ParseRecipients(const Flags& flags, std::vector<ExportRecipient>* out, std::string* problem);

// The writer of `kind` to --out, signed with the tenant's export key (from the vault), with the
// policy's names, sealed to `recipients` when there are any.
absl::StatusOr<std::unique_ptr<ExportWriter>> OpenWriter(const Flags& flags, OpenedEngine& opened,
                                                         ExportKind kind,
                                                         std::vector<ExportRecipient> recipients,
                                                         std::string notice = {},
                                                         std::string domain = {},
                                                         std::string profile = {});

// Passes records on to `inner` and keeps them: the person's report is rendered from the very
// records the access-request file holds, even when the file is sealed to others.
class RecordKeepingWriter final : public ExportWriter {
 public:
  explicit RecordKeepingWriter(ExportWriter& inner) : inner_(inner) {}
  ExportKind kind() const override { return inner_.kind(); }
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
