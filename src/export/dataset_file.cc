// The pseudonymised dataset over the vendor's structs, written to an export file
// (socle/dataset.hpp).
#include <string>
#include <vector>

#include "core/status_macros.h"
#include "export/case_file.h"
#include "export/dataset.h"
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

absl::Status DatasetBuilder::Write(const PersonCaseFile& file, ExportWriter& writer) {
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
  for (const v1::DatasetRecord& r : records) {
    SOCLE_RETURN_IF_ERROR(writer.Add(r.SerializeAsString()));
  }
  return absl::OkStatus();
}

}  // namespace socle
