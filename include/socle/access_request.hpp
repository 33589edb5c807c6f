// socle/access_request.hpp: the person's rights of access (GDPR art. 15, REQ-11, REQ-60) and to
// portability (art. 20, REQ-15), answered as `.socle` export files (socle/export_file.hpp).
//
// WriteAccessRequest writes everything about the person that they are entitled to see: their
// identity, what the person's report needs to name things (the controller and DPO, the labels of
// categories and roles: socle.v1.ReportContext), the summary of their consents, objections,
// representatives, mandates and shares (socle/person_summary.hpp), every entry of their file the
// vendor hands over (never a working note; third-party information withheld and marked in its place
// unless a professional released it; appreciations with their author and date), the activities
// their data serves with purposes, legal bases, recipients and retention periods, and the access
// history of their file with the proof of each line (socle/trail.hpp). The vendor streams the
// entries (socle/case_file.hpp); the file is written as they come, in constant memory.
//
// WritePortability writes the data the person provided (entries marked provided_by_person) of the
// activities where the right applies: basis consent or contract (art. 20(1)(a)); the header's
// notice says whether it applies, and why not (a public task, art. 20(3)).
//
// Both record the export in the access trail (operation "export", by the professional who
// prepares it) before writing: an export that cannot be recorded is not written. Both finish the
// writer.
//
// Thread safety: the functions may run concurrently (the trail is thread-safe); each writer is
// used by one call.
#ifndef SOCLE_ACCESS_REQUEST_HPP_
#define SOCLE_ACCESS_REQUEST_HPP_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "socle/case_file.hpp"
#include "socle/export.hpp"
#include "socle/export_file.hpp"
#include "socle/trail.hpp"

namespace socle {

struct SOCLE_CXX_API PersonExportRequest {
  PersonIdentity identity;  // identity.person: whose file (required, a person of the directory)
  // Who asked: the person, or one of their legal representatives in force (a person of the
  // directory); PERMISSION_DENIED otherwise.
  std::string requested_by;
  // The professional of the directory who prepares the answer; recorded in the trail.
  std::string handled_by;
  absl::Time at = absl::InfinitePast();  // InfinitePast: now
  // For the person's report (socle/person_report.hpp), optional: display names of the
  // professionals and persons the file names by id (id, name), and the IANA time zone the
  // report shows times in (empty: Europe/Paris).
  std::vector<std::pair<std::string, std::string>> display_names;
  std::string time_zone;
};

// What was written.
struct SOCLE_CXX_API PersonExportReport {
  uint64_t entries = 0;          // entries written
  uint64_t withheld = 0;         // third-party entries withheld (marked in the file)
  uint64_t left_out = 0;         // working notes, and entries not carried (portability)
  uint64_t history_entries = 0;  // lines of the access history (access request)
  ExportFileSummary file;
};

// `writer` must have been created with ExportKind::kAccessRequest. Errors: INVALID_ARGUMENT for
// an entry about another person, of an unknown category or activity, or an appreciation without
// author or date (naming the entry's position in the stream, never its content); NOT_FOUND for an
// unknown person or professional; PERMISSION_DENIED for a requester who may not ask; the trail's
// and the writer's errors. On error the writer is left unfinished (a FileSink leaves no file).
SOCLE_CXX_API absl::StatusOr<PersonExportReport> WriteAccessRequest(
    AccessTrail& trail, const PersonExportRequest& request, const EntrySource& entries,
    ExportWriter& writer);

// The header's notice for a portability file of `person`: whether the right applies, for which
// activities, and the JSON Schema of the records' JSON form. Pass it, serialized, as
// ExportWriterOptions::notice.
SOCLE_CXX_API std::string PortabilityNotice(const Policy& policy);

// `writer` must have been created with ExportKind::kPortability and PortabilityNotice(policy).
// The same errors as WriteAccessRequest.
SOCLE_CXX_API absl::StatusOr<PersonExportReport> WritePortability(
    AccessTrail& trail, const PersonExportRequest& request, const EntrySource& entries,
    ExportWriter& writer);

// The JSON Schema (draft 2020-12) of a portability record's JSON form (protobuf's JSON mapping of
// socle.v1.PortabilityRecord), as published in docs/schemas/portability-record.schema.json.
SOCLE_CXX_API absl::string_view PortabilityJsonSchema();

// The CSV form of a portability file's entries (RFC 4180, UTF-8, comma-separated, CRLF): one row
// per entry with the columns of PortabilityCsvHeader(); structured fields in one column as
// "name=value" pairs separated by "; ". PortabilityCsvRow returns "" for the identity record and
// PARSE for bytes that are not a socle.v1.PortabilityRecord.
SOCLE_CXX_API std::string PortabilityCsvHeader();
SOCLE_CXX_API absl::StatusOr<std::string> PortabilityCsvRow(absl::string_view serialized_record);

}  // namespace socle

#endif  // SOCLE_ACCESS_REQUEST_HPP_
