// An ExportWriter that keeps the records it is given in memory, for the tests of the export kinds
// (access request, portability, audit extract, dataset, training mirror): a test reads back what
// a kind wrote, record by record, without the file format. Header-only; include it as
// "../support/export_recording.h" from a test folder. Not thread-safe.
#ifndef SOCLE_TESTS_SUPPORT_EXPORT_RECORDING_H_
#define SOCLE_TESTS_SUPPORT_EXPORT_RECORDING_H_

#include <boost/test/unit_test.hpp>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "socle/export_file.hpp"

namespace socle::test_support {

// Records each Add(); Finish() marks it finished (a later Add() is refused, as a real writer's
// is) and reports the number of records. `on_add`, when set, runs before each record is kept (to
// look at the trail at that moment).
class RecordingWriter final : public ExportWriter {
 public:
  // A writer of `kind`: the kind's write function refuses a writer of another kind.
  explicit RecordingWriter(ExportKind kind) : kind_(kind) {}
  ExportKind kind() const override { return kind_; }
  absl::Status Add(absl::string_view record) override {
    if (finished) return absl::FailedPreconditionError("finished");
    if (on_add) on_add();
    records.emplace_back(record);
    return absl::OkStatus();
  }
  absl::StatusOr<ExportFileSummary> Finish() override {
    finished = true;
    ExportFileSummary s;
    s.records = records.size();
    return s;
  }
  // Every record parsed as `Record` (a socle.v1 message); a record that does not parse fails the
  // test.
  template <typename Record>
  std::vector<Record> Parsed() const {
    std::vector<Record> out(records.size());
    for (size_t i = 0; i < records.size(); ++i) BOOST_REQUIRE(out[i].ParseFromString(records[i]));
    return out;
  }

  std::vector<std::string> records;
  bool finished = false;
  std::function<void()> on_add;

 private:
  ExportKind kind_;
};

}  // namespace socle::test_support

#endif  // SOCLE_TESTS_SUPPORT_EXPORT_RECORDING_H_
