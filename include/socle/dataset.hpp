// socle/dataset.hpp: pseudonymised datasets (issue 12; REQ-44, REQ-46 to REQ-50, REQ-52).
//
// A statistics office or a research partner receives records, not people: each person's
// identity and case-file entries go through a *pseudonymisation profile* the DPO declared in the
// policy (`pseudonymisation_profiles`). The record's subject is the person's pseudonym in the
// profile's domain (fresh per export unless the domain declares linkage, REQ-48); each field the
// profile lists is dropped, pseudonymised, generalised (age band, year, month, département,
// amount bracket), kept, or, for free text, redacted; every other field is dropped. The NIR is
// never released: besides the policy's refusal, every value that leaves is scanned for a
// NIR-shaped number and left out if it holds one. docs/pseudonymised-datasets.md has examples.
//
// Records and notice are protobuf bytes (socle.v1.DatasetRecord, socle.v1.DatasetNotice in
// proto/socle/v1/export.proto); input identities and entries too (socle.v1.Identity,
// socle.v1.Entry), so this header needs no protobuf.
#ifndef SOCLE_DATASET_HPP_
#define SOCLE_DATASET_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "socle/case_file.hpp"
#include "socle/export.hpp"
#include "socle/export_file.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"
#include "socle/trail.hpp"

namespace socle {

namespace export_internal {
class DatasetTransform;
}

// A value longer than this (in bytes) is left out of the dataset, whatever the profile says.
inline constexpr size_t kMaxDatasetValueBytes = 1u << 20;

// What a builder left out, by reason. Counts only, never a value.
struct DatasetStats {
  uint64_t persons = 0;
  uint64_t records = 0;
  uint64_t entries_outside_activity = 0;   // another activity, a working note, a NIR category
  uint64_t nir_values_dropped = 0;         // a value that held a NIR-shaped number (REQ-44)
  uint64_t identifier_values_dropped = 0;  // a kept value that held one of the person's identities
  uint64_t unreadable_values = 0;          // a value a generalisation could not read (dropped)
  uint64_t oversized_values = 0;           // longer than kMaxDatasetValueBytes (dropped)
};

// Builds the records of one export through one profile. Thread safety: one thread at a time
// (Add counts into stats()); notice() may be read at any time.
class SOCLE_CXX_API DatasetBuilder {
 public:
  // `profile` is a pseudonymisation profile id of `policy`; `context` is the export's
  // PseudonymContext, opened on the profile's domain (Pseudonymizer::NewContext) and owned by the
  // builder from now on: one context per export. `reference` is the day ages are computed on
  // (the export's date). NOT_FOUND for an unknown profile, INVALID_ARGUMENT for a context of
  // another domain.
  static absl::StatusOr<DatasetBuilder> Create(const Policy& policy, absl::string_view profile,
                                               PseudonymContext context, absl::CivilDay reference);
  DatasetBuilder(DatasetBuilder&&) noexcept;
  DatasetBuilder& operator=(DatasetBuilder&&) noexcept;
  ~DatasetBuilder();

  // One person: `identity` is a serialised socle.v1.Identity, each of `entries` a serialised
  // socle.v1.Entry. Returns serialised socle.v1.DatasetRecord messages: one per entry recorded
  // for the profile's activity (working notes and NIR categories never count) when the profile
  // lists an entry field, otherwise one for the person. PARSE for bytes that are not such
  // messages, INVALID_ARGUMENT for an identity without a person id; on error nothing is counted.
  // The same, opening the export's context on the profile's domain itself (a RELATIONSHIP domain
  // takes the profile's id as its relationship label). NOT_FOUND for an unknown profile.
  static absl::StatusOr<DatasetBuilder> Create(const Policy& policy, absl::string_view profile,
                                               const Pseudonymizer& pseudonymizer,
                                               absl::CivilDay reference);

  absl::StatusOr<std::vector<std::string>> Add(absl::string_view identity,
                                               absl::Span<const absl::string_view> entries);
  // The same from the vendor's structs (socle/case_file.hpp). Add computes records and writes
  // nothing: a file is written, and each person's export recorded, by WriteDataset below.
  absl::StatusOr<std::vector<std::string>> Add(const PersonCaseFile& file);

  // The serialised socle.v1.DatasetNotice for the file's header: the source activity, the
  // purpose and recipient, the activity's retention rules (the dataset inherits them, REQ-52)
  // and whether linkage is declared (a PERSON or RELATIONSHIP domain).
  std::string Notice() const;
  // The profile's domain, for the file's header.
  absl::string_view domain() const;
  // The profile's id.
  const std::string& profile() const;
  const DatasetStats& stats() const;

 private:
  explicit DatasetBuilder(std::unique_ptr<export_internal::DatasetTransform> impl);
  std::unique_ptr<export_internal::DatasetTransform> impl_;
};

// --- Writing a file of many persons, each person's export recorded --------------------------
//
// Every export is a line of the access trail in the person's own history (issue 12): a dataset
// or a training mirror records an "export" operation about each person whose file went into
// it, before any of that person's records is written. The writers below read the persons one by
// one, gather them into batches (BulkExportOptions), record a batch in the trail in one ledger
// append (AccessTrail::RecordOperations, durable on return), then write the batch's records. An
// export that cannot be recorded stops there: no record of an unrecorded person is ever written,
// and the file is left unfinished (a reader reports it truncated). docs/exports.md, "What the
// trail records".

// The vendor's persons, one at a time (a database cursor): fill *file and return true, or
// return false at the end. An error stops the export and is returned as is.
using CaseFileSource = std::function<absl::StatusOr<bool>(PersonCaseFile* file)>;
// A CaseFileSource over a vector the caller keeps alive.
SOCLE_CXX_API CaseFileSource CaseFilesFrom(const std::vector<PersonCaseFile>& files);

struct SOCLE_CXX_API BulkExportOptions {
  // The professional who makes the export (an id of the engine's directory): the actor of
  // every line it records. Required.
  std::string handled_by;
  // A batch is recorded, then written, when it holds this many persons (1 to
  // AccessTrail::kMaxOperationPersons)…
  size_t batch_persons = 1000;
  // …or this many bytes of records (1 KiB to 64 MiB), whichever comes first: the memory a
  // batch holds before it is written.
  size_t batch_bytes = size_t{8} << 20;
};

struct SOCLE_CXX_API BulkExportReport {
  uint64_t persons = 0;    // persons written (each with its line in the trail)
  uint64_t records = 0;    // records written
  uint64_t batches = 0;    // ledger appends of export lines
  ExportFileSummary file;  // the finished file
};

// Writes the dataset of every person of `source` through `builder` to `writer` (created with
// ExportKind::kPseudonymisedDataset, the builder's domain and profile and Notice()), then
// finishes the file. Each person's history gets the line "export: pseudonymised_dataset
// <profile>" by options.handled_by before their records are written. Errors: INVALID_ARGUMENT
// for an empty handled_by or batch sizes out of range, NOT_FOUND when handled_by is not in the
// trail's directory (nothing recorded, nothing written); then the source's, Add's (naming the
// person's position in the source, never an id), RecordOperations' (FAILED_PRECONDITION for a
// crypto-shredded person: the batch is refused) and the writer's. Records of the batches
// recorded before an error are in the (unfinished) file; none of a batch that was not recorded.
SOCLE_CXX_API absl::StatusOr<BulkExportReport> WriteDataset(AccessTrail& trail,
                                                            DatasetBuilder& builder,
                                                            const CaseFileSource& source,
                                                            ExportWriter& writer,
                                                            const BulkExportOptions& options);

}  // namespace socle

#endif  // SOCLE_DATASET_HPP_
