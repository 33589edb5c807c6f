// The person's own report (socle/person_report.hpp, docs/person-report.md): the records of an
// access request gathered one by one, then rendered once as an HTML page in plain French.
#ifndef SOCLE_EXPORT_PERSON_REPORT_H_
#define SOCLE_EXPORT_PERSON_REPORT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/arena.h"
#include "socle/person_report.hpp"
#include "socle/v1/export.pb.h"

namespace socle::export_internal {

// Gathers the records of one access request (constant work per record: a parse into an arena and
// a pointer kept), then renders the page in one pass over them. The records live in one protobuf
// arena: a report of 15,000 records holds some 200,000 strings, and their one-by-one allocation
// and release were a third of the render's time. Thread safety: one thread at a time.
class PersonReportBuilder {
 public:
  explicit PersonReportBuilder(PersonReportOptions options = {});

  // Adds one serialised socle.v1.AccessRequestRecord. A record that does not parse, holds no
  // record, or repeats the identity, the summary or the context is refused and changes nothing.
  absl::Status Add(absl::string_view serialized_access_request_record);
  // The same for a record already decoded (a reader's): the builder takes it.
  absl::Status Add(std::unique_ptr<v1::AccessRequestRecord> record);

  // The page, from the records added so far (it may be called again after more are added).
  std::string Finish() const;

 private:
  // Files the record (owned by arena_) under its kind.
  absl::Status File(v1::AccessRequestRecord* record);

  google::protobuf::Arena arena_;  // owns every record below; declared first, destroyed last
  PersonReportOptions options_;
  uint64_t records_ = 0;
  const v1::Identity* identity_ = nullptr;
  const v1::PersonSummary* summary_ = nullptr;
  const v1::ReportContext* context_ = nullptr;
  std::vector<const v1::ActivityNotice*> activities_;
  std::vector<const v1::Entry*> entries_;
  std::vector<const v1::WithheldEntry*> withheld_;
  std::vector<const v1::HistoryRecord*> history_;
  std::vector<const v1::CheckpointRecord*> checkpoints_;
};

// The French words the page uses for the access engine's refusal reasons, by the reason's stable
// name (socle::Name(Reason)); empty for a name it does not know. Exposed for the tests, which
// check that every Reason has its words.
absl::string_view ReasonInFrench(absl::string_view reason_name);

// "2 ans et 6 mois", "1 an", "6 mois": a number of months in words for the person.
std::string MonthsInFrench(uint32_t months);

}  // namespace socle::export_internal

#endif  // SOCLE_EXPORT_PERSON_REPORT_H_
