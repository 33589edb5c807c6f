// socle/person_report.hpp: the person's own report, an access request (GDPR art. 15) rendered as
// one self-contained HTML page in plain French for the person (art. 12: concise, intelligible,
// plain language). docs/person-report.md shows a page and says what each section comes from.
//
// The input is the records of an access-request file (socle.v1.AccessRequestRecord, serialised):
// the identity, the person's summary (consents, objections, representatives, mandates, shares),
// the activities (purposes, legal bases, recipients, retention), the entries and the withheld
// entries, the access history and its checkpoints, and optionally a ReportContext (controller,
// DPO, issue date, labels). The page says who the person is in the file, what is kept and why,
// for how long, who it was shared with and on what basis, their consents and objections, their
// representatives and mandates, who opened their file, when and why, and how to complain.
//
// The page holds no script and loads nothing (inline CSS, a Content-Security-Policy that forbids
// everything else); it is readable on a phone and prints to PDF. Every string taken from the
// records is escaped: a name holding `<script>` is shown as text.
//
// Thread safety: RenderPersonReport is a pure function; it may run on any thread.
#ifndef SOCLE_PERSON_REPORT_HPP_
#define SOCLE_PERSON_REPORT_HPP_

#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "socle/export.hpp"

namespace socle {

struct PersonReportOptions {
  // The IANA time zone the page shows times in. Empty: the records' ReportContext.time_zone, else
  // "Europe/Paris". When the zone cannot be loaded (no tzdata), times are shown in UTC and the
  // page says so.
  std::string time_zone;
};

// Renders the serialised socle.v1.AccessRequestRecord messages of one access request as an HTML
// page (UTF-8). The records may come in any order; entries are grouped by data category and the
// history keeps the order given (the trail's). Fails with kParse when a record does not parse or
// holds no record, and kInvalidArgument when the identity, the summary or the context appears
// twice; the messages name the record's position, never its content.
SOCLE_CXX_API absl::StatusOr<std::string> RenderPersonReport(
    absl::Span<const std::string> serialized_records, const PersonReportOptions& options = {});

}  // namespace socle

#endif  // SOCLE_PERSON_REPORT_HPP_
