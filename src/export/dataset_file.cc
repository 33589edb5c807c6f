// The pseudonymised dataset over the vendor's structs, written to an export file
// (socle/dataset.hpp).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "core/status_macros.h"
#include "export/case_file.h"
#include "export/dataset.h"
#include "export/export_recorder.h"
#include "exportfile/format.h"
#include "policy/compiled_policy.h"
#include "socle/dataset.hpp"
#include "socle/error.hpp"
#include "socle/v1/export.pb.h"

namespace socle {

absl::StatusOr<DatasetBuilder> DatasetBuilder::Create(const Policy& policy,
                                                      absl::string_view profile,
                                                      const Pseudonymizer& pseudonymizer,
                                                      absl::CivilDay reference) {
  const v1::Policy& source = policy_internal::Compiled(policy).source;
  for (const v1::PseudonymisationProfile& p : source.pseudonymisation_profiles()) {
    if (p.id() != profile) continue;
    const bool relationship =
        pseudonymizer.domain_kind(p.domain()) == std::optional(PseudonymKind::kRelationship);
    SOCLE_ASSIGN_OR_RETURN(
        PseudonymContext context,
        pseudonymizer.NewContext(p.domain(), relationship ? absl::string_view(p.id()) : ""));
    return Create(policy, profile, std::move(context), reference);
  }
  return MakeError(ErrorCode::kNotFound,
                   "DatasetBuilder: the policy declares no pseudonymisation profile of that id");
}

absl::StatusOr<std::vector<std::string>> DatasetBuilder::Add(const PersonCaseFile& file) {
  v1::Identity identity;
  export_internal::ToProto(file.identity, &identity);
  std::vector<v1::Entry> entries(file.entries.size());
  std::vector<const v1::Entry*> pointers(file.entries.size());
  for (size_t i = 0; i < file.entries.size(); ++i) {
    export_internal::ToProto(file.entries[i], &entries[i]);
    pointers[i] = &entries[i];
  }
  std::vector<v1::DatasetRecord> records;
  SOCLE_RETURN_IF_ERROR(impl_->Add(identity, pointers, &records));
  std::vector<std::string> out;
  out.reserve(records.size());
  for (const v1::DatasetRecord& r : records) out.push_back(r.SerializeAsString());
  return out;
}

CaseFileSource CaseFilesFrom(const std::vector<PersonCaseFile>& files) {
  return [&files, next = size_t{0}](PersonCaseFile* file) mutable -> absl::StatusOr<bool> {
    if (next == files.size()) return false;
    *file = files[next++];
    return true;
  };
}

absl::StatusOr<BulkExportReport> WriteDataset(AccessTrail& trail, DatasetBuilder& builder,
                                              const CaseFileSource& source, ExportWriter& writer,
                                              const BulkExportOptions& options) {
  SOCLE_RETURN_IF_ERROR(
      exportfile::RequireWriterKind(writer, ExportKind::kPseudonymisedDataset, "WriteDataset"));
  SOCLE_ASSIGN_OR_RETURN(
      export_internal::ExportBatcher batcher,
      export_internal::ExportBatcher::Create(
          trail, writer, options, absl::StrCat("pseudonymised_dataset ", builder.profile()),
          "WriteDataset"));
  PersonCaseFile file;
  for (uint64_t n = 1;; ++n) {
    SOCLE_ASSIGN_OR_RETURN(const bool more, source(&file));
    if (!more) break;
    absl::StatusOr<std::vector<std::string>> records = builder.Add(file);
    if (!records.ok()) {
      return MakeError(ErrorCodeOf(records.status()),
                       absl::StrCat("WriteDataset: person ", n, ": ", records.status().message()));
    }
    SOCLE_RETURN_IF_ERROR(batcher.Add(file.identity.person, *std::move(records)));
  }
  return batcher.Finish();
}

}  // namespace socle
