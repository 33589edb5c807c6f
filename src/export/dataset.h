// The pseudonymised dataset (issue 12): a person's identity and entries through a
// pseudonymisation profile of the policy (proto/socle/v1/policy.proto, PseudonymisationProfile)
// into socle.v1.DatasetRecord rows, and the DatasetNotice the file's header carries (REQ-52).
// The public face is include/socle/dataset.hpp; the export writer uses this one to skip a
// serialisation round trip. docs/pseudonymised-datasets.md explains the rules.
#ifndef SOCLE_SRC_EXPORT_DATASET_H_
#define SOCLE_SRC_EXPORT_DATASET_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "policy/profile_fields.h"
#include "socle/dataset.hpp"
#include "socle/generalise.hpp"
#include "socle/policy.hpp"
#include "socle/pseudonym.hpp"
#include "socle/redact.hpp"
#include "socle/v1/export.pb.h"
#include "socle/v1/policy.pb.h"

namespace socle::export_internal {

// Applies one profile with one PseudonymContext (one export). Not thread-safe (it counts in
// `stats`): one thread at a time.
class DatasetTransform {
 public:
  // NOT_FOUND for an unknown profile; INVALID_ARGUMENT when `context` belongs to another domain
  // than the profile's.
  static absl::StatusOr<DatasetTransform> Create(const Policy& policy, absl::string_view profile,
                                                 PseudonymContext context,
                                                 absl::CivilDay reference);

  // Appends the person's records to `out`: one per entry of the profile's activity when the
  // profile releases an entry field, otherwise one for the person. INVALID_ARGUMENT (nothing
  // appended) when the identity has no person id.
  absl::Status Add(const v1::Identity& identity, absl::Span<const v1::Entry* const> entries,
                   std::vector<v1::DatasetRecord>* out);

  const v1::DatasetNotice& notice() const { return notice_; }
  const v1::PseudonymisationProfile& profile() const { return profile_; }
  const DatasetStats& stats() const { return stats_; }
  const PseudonymContext& context() const { return context_; }

 private:
  struct FieldPlan {
    std::string name;
    policy_internal::ProfileField field;
    v1::PseudonymisationProfile::Treatment treatment;
    v1::PseudonymisationProfile::Generalisation generalisation;
    std::optional<AmountBrackets> brackets;
    int open_from_age = 0;
  };

  explicit DatasetTransform(PseudonymContext context) : context_(std::move(context)) {}

  // The value of a field for one person (and one entry, or none), or nullopt when absent.
  std::optional<std::string> Raw(const FieldPlan& plan, const v1::Identity& identity,
                                 const v1::Entry* entry) const;
  // Appends the treated value of `plan` to `record`, or nothing (and counts why).
  void Emit(const FieldPlan& plan, const v1::Identity& identity, const v1::Entry* entry,
            const Redactor* redactor, v1::DatasetRecord* record);
  std::optional<std::string> Generalise(const FieldPlan& plan, absl::string_view value) const;
  bool Releases(const v1::Entry& entry) const;

  PseudonymContext context_;
  v1::PseudonymisationProfile profile_;
  v1::DatasetNotice notice_;
  absl::CivilDay reference_;
  std::vector<FieldPlan> plans_;
  bool per_entry_ = false;
  bool needs_redactor_ = false;
  absl::flat_hash_set<std::string> categories_;  // the activity's, minus NIR categories
  DatasetStats stats_;
  std::string scratch_;
};

// The identities of the person's file, for the redactor: names, first names (each one of several
// too), address, phone, e-mail, NIR and birth date, all as person 1.
std::vector<KnownIdentity> KnownIdentitiesOf(const v1::Identity& identity);
// The redactor of the person's identities; those it refuses (a one-letter name, a malformed NIR)
// are left out, so it fails only on resource limits.
absl::StatusOr<Redactor> RedactorFor(const v1::Identity& identity);

}  // namespace socle::export_internal

#endif  // SOCLE_SRC_EXPORT_DATASET_H_
