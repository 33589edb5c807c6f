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

  // One person from the vendor's structs (socle/case_file.hpp), their records written to
  // `writer` (created with ExportKind::kPseudonymisedDataset, the builder's domain and profile
  // and Notice()). Add's errors, then the writer's.
  absl::Status Write(const PersonCaseFile& file, ExportWriter& writer);

  absl::StatusOr<std::vector<std::string>> Add(absl::string_view identity,
                                               absl::Span<const absl::string_view> entries);

  // The serialised socle.v1.DatasetNotice for the file's header: the source activity, the
  // purpose and recipient, the activity's retention rules (the dataset inherits them, REQ-52)
  // and whether linkage is declared (a PERSON or RELATIONSHIP domain).
  std::string Notice() const;
  // The profile's domain, for the file's header.
  absl::string_view domain() const;
  const DatasetStats& stats() const;

 private:
  explicit DatasetBuilder(std::unique_ptr<export_internal::DatasetTransform> impl);
  std::unique_ptr<export_internal::DatasetTransform> impl_;
};

}  // namespace socle

#endif  // SOCLE_DATASET_HPP_
