// Releasing a statistics table (socle/statistics_release.hpp): suppression or noise, the trail's
// record, and the renderings (the .socle file's records, JSON, CSV).
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/proto_bytes.h"
#include "core/status_macros.h"
#include "crypto/crypto.h"
#include "exportfile/format.h"
#include "google/protobuf/util/json_util.h"
#include "policy/compiled_policy.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/statistics_release.hpp"
#include "socle/trail.hpp"
#include "socle/v1/statistics.pb.h"

namespace socle {
namespace {

constexpr size_t kMaxNameBytes = 128;
constexpr absl::string_view kTotalLabel = "total";

absl::Status Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

// The name is a label for the published file and the trail: printable, no control character.
absl::Status CheckPublication(const Policy& policy, const StatisticsPublication& publication) {
  if (publication.name.empty() || publication.name.size() > kMaxNameBytes) {
    return Invalid(absl::StrCat("statistics release: the table's name must be 1 to ", kMaxNameBytes,
                                " bytes"));
  }
  for (const char c : publication.name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Invalid("statistics release: the table's name holds a control character");
    }
  }
  if (publication.actor.empty()) {
    return Invalid("statistics release: the actor (the professional who releases it) is empty");
  }
  const policy_internal::CompiledPolicy& c = policy_internal::Compiled(policy);
  for (const v1::Activity& a : c.source.activities()) {
    if (a.id() != publication.activity) continue;
    if (a.purpose_kind() != v1::Activity::STATISTICS) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       absl::StrCat("statistics release: activity '", publication.activity,
                                    "' does not have the purpose STATISTICS"));
    }
    return absl::OkStatus();
  }
  return MakeError(ErrorCode::kNotFound,
                   absl::StrCat("statistics release: activity '", publication.activity,
                                "' is not an activity of the policy"));
}

v1::StatisticsCell::Status StatusOf(CellStatus s) {
  switch (s) {
    case CellStatus::kPublished:
      return v1::StatisticsCell::PUBLISHED;
    case CellStatus::kPrimarySuppressed:
      return v1::StatisticsCell::PRIMARY_SUPPRESSED;
    case CellStatus::kSecondarySuppressed:
      return v1::StatisticsCell::SECONDARY_SUPPRESSED;
    case CellStatus::kNoisy:
      return v1::StatisticsCell::NOISY;
  }
  return v1::StatisticsCell::STATUS_UNSPECIFIED;
}

v1::PrivacyRational ToProto(Rational r) {
  v1::PrivacyRational out;
  out.set_numerator(r.numerator);
  out.set_denominator(r.denominator);
  return out;
}

v1::StatisticsTableInfo TableInfo(const StatisticsRelease& release,
                                  const StatisticsPublication& publication) {
  v1::StatisticsTableInfo t;
  t.set_format_version(1);
  t.set_name(publication.name);
  t.set_activity(publication.activity);
  for (const StatisticsDimension& d : release.dimensions) {
    v1::StatisticsDimension* out = t.add_dimensions();
    out->set_name(d.name);
    for (const std::string& c : d.categories) out->add_categories(c);
  }
  t.set_has_amounts(release.has_amounts);
  t.set_cell_count(release.cells.size());
  if (release.noise) {
    const NoisyReleaseRecord& n = *release.noise;
    v1::StatisticsTableInfo::Noise* out = t.mutable_protection()->mutable_noise();
    out->set_dataset(n.dataset);
    out->set_mechanism(n.mechanism == NoiseMechanism::kDiscreteLaplace ? v1::DISCRETE_LAPLACE
                                                                       : v1::DISCRETE_GAUSSIAN);
    out->set_records_per_person(n.records_per_person);
    out->set_amount_bound(n.amount_bound);
    for (const PrivacyCharge& charge : n.charges) {
      v1::PrivacyCharge* c = out->add_charges();
      c->set_release(charge.release);
      c->set_mechanism(out->mechanism());
      *c->mutable_sensitivity() = ToProto(charge.sensitivity);
      *c->mutable_parameter() = ToProto(charge.parameter);
      *c->mutable_epsilon() = ToProto(charge.epsilon);
      *c->mutable_rho() = ToProto(charge.rho);
    }
    out->set_revision(n.revision);
    out->set_clamped(n.clamped);
  } else {
    v1::StatisticsTableInfo::Suppression* out = t.mutable_protection()->mutable_suppression();
    out->set_small_cell_threshold(release.rules.small_cell_threshold);
    out->set_dominance_percent(release.rules.dominance_percent);
    out->set_p_percent(release.rules.p_percent.value_or(0));
    out->set_primary_suppressed(release.primary_suppressed);
    out->set_secondary_suppressed(release.secondary_suppressed);
    out->set_audit_ok(release.audit.ok);
    out->set_linear_programs(release.audit.linear_programs);
  }
  return t;
}

// Calls `cell(index, record)` for every cell in the table's order, the audit's intervals
// included.
template <typename Fn>
void ForEachCell(const StatisticsRelease& release, Fn&& cell) {
  const size_t k = release.dimensions.size();
  std::vector<uint32_t> at(k, 0);
  size_t next_audit = 0;
  const std::vector<AuditEntry>& audit = release.audit.entries;
  v1::StatisticsCell out;
  for (size_t i = 0; i < release.cells.size(); ++i) {
    const ReleasedCell& c = release.cells[i];
    out.Clear();
    for (size_t d = 0; d < k; ++d) {
      out.add_coordinates(at[d]);
      const std::vector<std::string>& categories = release.dimensions[d].categories;
      out.add_labels(at[d] < categories.size() ? categories[at[d]] : std::string(kTotalLabel));
    }
    out.set_status(StatusOf(c.status));
    if (c.count) out.set_count(*c.count);
    if (c.sum) out.set_sum(*c.sum);
    for (; next_audit < audit.size() && audit[next_audit].cell <= i; ++next_audit) {
      const AuditEntry& e = audit[next_audit];
      if (e.cell != i) continue;
      // Only exact bounds: what the attacker computes from the published table anyway. A bound
      // the audit did not make exact (a large block: AuditEntry::min_exact) may sit at the
      // cell's true value or its requirement, which are confidential.
      if (e.measure == Measure::kCount) {
        if (e.min_exact) out.set_count_min(e.min);
        if (e.max && e.max_exact) out.set_count_max(*e.max);
      } else {
        if (e.min_exact) out.set_sum_min(e.min);
        if (e.max && e.max_exact) out.set_sum_max(*e.max);
      }
    }
    cell(i, out);
    for (size_t d = k; d-- > 0;) {  // the last dimension fastest
      if (++at[d] <= release.dimensions[d].categories.size()) break;
      at[d] = 0;
    }
  }
}

v1::StatisticsDocument Document(const StatisticsRelease& release,
                                const StatisticsPublication& publication) {
  v1::StatisticsDocument doc;
  *doc.mutable_table() = TableInfo(release, publication);
  doc.mutable_cells()->Reserve(static_cast<int>(release.cells.size()));
  ForEachCell(release, [&](size_t, const v1::StatisticsCell& c) { *doc.add_cells() = c; });
  return doc;
}

std::string ProtectionSummary(const StatisticsRelease& release) {
  if (release.noise) {
    const NoisyReleaseRecord& n = *release.noise;
    std::vector<std::string> costs;
    for (const PrivacyCharge& c : n.charges) {
      costs.push_back(n.mechanism == NoiseMechanism::kDiscreteLaplace
                          ? absl::StrCat("ε ", c.epsilon.ToString())
                          : absl::StrCat("ρ ", c.rho.ToString()));
    }
    return absl::StrCat(
        n.mechanism == NoiseMechanism::kDiscreteLaplace ? "discrete Laplace" : "discrete Gaussian",
        " noise charged to dataset '", n.dataset, "' (", absl::StrJoin(costs, " + "),
        ") at revision ", n.revision);
  }
  return absl::StrCat("k ", release.rules.small_cell_threshold, ", dominance ",
                      release.rules.dominance_percent, " %, ", release.primary_suppressed,
                      " primary and ", release.secondary_suppressed,
                      " secondary suppressions, audit passed");
}

// The trail's record, durable before the release is returned.
absl::Status RecordRelease(AccessTrail& trail, const StatisticsRelease& release,
                           const StatisticsPublication& publication) {
  const std::string bytes = StatisticsDocumentBytes(release, publication);
  const crypto::Hash256 digest = crypto::Sha256(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  return trail.RecordOperation(
      TrailOperation::kStatisticsRelease, publication.actor, {},
      absl::StrCat("table '", publication.name, "' (activity '", publication.activity,
                   "'): ", release.cells.size(), " cells; ", ProtectionSummary(release),
                   "; document sha256 ", crypto::ToHex(digest)));
}

// a·b for the sums' parameters, OUT_OF_RANGE when it leaves 64 bits.
absl::StatusOr<uint64_t> Times(uint64_t a, uint64_t b, absl::string_view what) {
  uint64_t out;
  if (__builtin_mul_overflow(a, b, &out)) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("noisy release: ", what, " leaves 64 bits: use a smaller ",
                                  "amount_bound or parameter"));
  }
  return out;
}

}  // namespace

std::string StatisticsDocumentBytes(const StatisticsRelease& release,
                                    const StatisticsPublication& publication) {
  return core::DeterministicBytes(Document(release, publication));
}

std::string StatisticsJson(const StatisticsRelease& release,
                           const StatisticsPublication& publication) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  std::string out;
  // Printing a generated message with valid UTF-8 labels cannot fail; a label that is not UTF-8
  // (TableBuilder does not check) is printed by protobuf with replacement, never dropped.
  (void)google::protobuf::util::MessageToJsonString(Document(release, publication), &out, options);
  return out;
}

std::string StatisticsCsv(const StatisticsRelease& release) {
  const auto quote = [](absl::string_view field) {
    if (field.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(field);
    std::string out = "\"";
    for (const char c : field) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
    return out;
  };
  std::string out;
  for (const StatisticsDimension& d : release.dimensions) absl::StrAppend(&out, quote(d.name), ",");
  out.append("status,count,sum,count_min,count_max,sum_min,sum_max\r\n");
  const auto optional = [](bool has, int64_t v) { return has ? absl::StrCat(v) : std::string(); };
  ForEachCell(release, [&](size_t, const v1::StatisticsCell& c) {
    for (const std::string& label : c.labels()) absl::StrAppend(&out, quote(label), ",");
    std::string status = v1::StatisticsCell::Status_Name(c.status());
    absl::AsciiStrToLower(&status);
    absl::StrAppend(&out, status, ",", optional(c.has_count(), c.count()), ",",
                    optional(c.has_sum(), c.sum()), ",", optional(c.has_count_min(), c.count_min()),
                    ",", optional(c.has_count_max(), c.count_max()), ",",
                    optional(c.has_sum_min(), c.sum_min()), ",",
                    optional(c.has_sum_max(), c.sum_max()), "\r\n");
  });
  return out;
}

absl::StatusOr<ExportFileSummary> WriteStatisticsExport(const StatisticsRelease& release,
                                                        const StatisticsPublication& publication,
                                                        ExportWriter& writer) {
  SOCLE_RETURN_IF_ERROR(
      exportfile::RequireWriterKind(writer, ExportKind::kStatisticsTable, "WriteStatisticsExport"));
  v1::StatisticsRecord record;
  *record.mutable_table() = TableInfo(release, publication);
  SOCLE_RETURN_IF_ERROR(writer.Add(record.SerializeAsString()));
  absl::Status status;
  ForEachCell(release, [&](size_t, const v1::StatisticsCell& c) {
    if (!status.ok()) return;
    *record.mutable_cell() = c;
    status = writer.Add(record.SerializeAsString());
  });
  SOCLE_RETURN_IF_ERROR(status);
  return writer.Finish();
}

absl::StatusOr<StatisticsRelease> PublishTable(AccessTrail& trail, const StatisticsTable& table,
                                               const StatisticsRules& rules,
                                               const StatisticsPublication& publication) {
  SOCLE_RETURN_IF_ERROR(CheckPublication(trail.engine().policy(), publication));
  SOCLE_ASSIGN_OR_RETURN(StatisticsRelease release, ProtectTable(table, rules));
  SOCLE_RETURN_IF_ERROR(RecordRelease(trail, release, publication));
  return release;
}

absl::StatusOr<StatisticsRelease> PublishNoisyTable(AccessEngine& engine, AccessTrail& trail,
                                                    const StatisticsTable& table,
                                                    const StatisticsPublication& publication,
                                                    const NoiseOptions& noise,
                                                    NoiseSource* source) {
  SOCLE_RETURN_IF_ERROR(CheckPublication(engine.policy(), publication));
  if (&trail.engine() != &engine) {
    return Invalid("noisy release: the trail decides for another engine");
  }
  if (noise.records_per_person == 0) {
    return Invalid("noisy release: records_per_person is 0; one person contributes at least 1");
  }
  if (noise.parameter.denominator == 0 || noise.parameter.numerator == 0) {
    return Invalid("noisy release: the noise parameter must be a fraction above 0");
  }
  if (noise.amount_bound < 0) return Invalid("noisy release: amount_bound is negative");
  const bool sums = noise.amount_bound > 0;
  if (sums && !table.has_amounts()) {
    return Invalid("noisy release: amount_bound is set but the table has no amounts");
  }

  // The base cells (every coordinate below its total), in row-major order.
  const size_t k = table.dimensions().size();
  std::vector<size_t> shape(k);
  size_t base_cells = 1;
  for (size_t d = 0; d < k; ++d) {
    shape[d] = table.dimensions()[d].categories.size();
    base_cells *= shape[d];
  }
  std::vector<int64_t> counts, amounts;
  counts.reserve(base_cells);
  if (sums) amounts.reserve(base_cells);
  std::vector<uint32_t> at(k, 0);
  for (size_t b = 0; b < base_cells; ++b) {
    size_t index = 0;
    for (size_t d = 0; d < k; ++d) index += at[d] * table.stride(d);
    const TableCell& cell = table.cell(index);
    counts.push_back(cell.count);
    if (sums) {
      if (cell.largest > noise.amount_bound) {
        return Invalid(
            "noisy release: an amount is above amount_bound; the sums' sensitivity would not "
            "hold (raise the bound, or cap amounts before adding the records)");
      }
      amounts.push_back(cell.sum);
    }
    for (size_t d = k; d-- > 0;) {
      if (++at[d] < shape[d]) break;
      at[d] = 0;
    }
  }

  // The charges: counts of L1 (or L2) sensitivity r; sums of sensitivity r·B with the parameter
  // scaled by B (Laplace) or B² (Gaussian), so both cost the same ε (or ρ).
  const bool laplace = noise.mechanism == NoiseMechanism::kDiscreteLaplace;
  if (!laplace && noise.mechanism != NoiseMechanism::kDiscreteGaussian) {
    return Invalid("noisy release: unknown noise mechanism");
  }
  std::vector<PrivacyCharge> charges(1);
  charges[0].release = absl::StrCat(publication.name, ": counts");
  charges[0].mechanism = noise.mechanism;
  charges[0].sensitivity = Rational{noise.records_per_person, 1};
  charges[0].parameter = noise.parameter;
  Rational sum_parameter;
  if (sums) {
    const uint64_t b = static_cast<uint64_t>(noise.amount_bound);
    SOCLE_ASSIGN_OR_RETURN(const uint64_t sensitivity,
                           Times(noise.records_per_person, b, "the sums' sensitivity"));
    uint64_t scale = b;
    if (!laplace) {
      SOCLE_ASSIGN_OR_RETURN(scale, Times(b, b, "amount_bound²"));
    }
    SOCLE_ASSIGN_OR_RETURN(const uint64_t numerator,
                           Times(noise.parameter.numerator, scale, "the sums' parameter"));
    sum_parameter = Rational{numerator, noise.parameter.denominator};
    PrivacyCharge& c = charges.emplace_back();
    c.release = absl::StrCat(publication.name, ": sums");
    c.mechanism = noise.mechanism;
    c.sensitivity = Rational{sensitivity, 1};
    c.parameter = sum_parameter;
  }
  // Parameters the sampler would refuse are refused before anything is charged.
  const uint64_t largest = std::max(
      noise.parameter.numerator / noise.parameter.denominator,
      sum_parameter.denominator == 0 ? 0 : sum_parameter.numerator / sum_parameter.denominator);
  if (largest > (laplace ? NoiseSource::kMaxScale : NoiseSource::kMaxSigma2)) {
    return MakeError(ErrorCode::kOutOfRange,
                     "noisy release: the noise parameter (or the sums', times amount_bound) is "
                     "above the sampler's limit");
  }

  SOCLE_ASSIGN_OR_RETURN(const uint64_t revision,
                         ChargePrivacyBudget(engine, noise.dataset, charges, publication.actor));

  std::unique_ptr<NoiseSource> own;
  if (source == nullptr) {
    own = std::make_unique<NoiseSource>();
    source = own.get();
  }
  const auto add = [&](Rational parameter, std::vector<int64_t>& values) {
    return laplace ? source->AddDiscreteLaplace(parameter, absl::MakeSpan(values))
                   : source->AddDiscreteGaussian(parameter, absl::MakeSpan(values));
  };
  SOCLE_RETURN_IF_ERROR(add(noise.parameter, counts));
  if (sums) SOCLE_RETURN_IF_ERROR(add(sum_parameter, amounts));
  MarginOptions margins;
  margins.clamp_negative_base = noise.clamp_negative;
  SOCLE_ASSIGN_OR_RETURN(const std::vector<int64_t> count_cells,
                         AddMargins(shape, counts, margins));
  std::vector<int64_t> sum_cells;
  if (sums) {
    SOCLE_ASSIGN_OR_RETURN(sum_cells, AddMargins(shape, amounts, margins));
  }

  StatisticsRelease release;
  release.dimensions = table.dimensions();
  release.has_amounts = sums;
  release.cells.resize(count_cells.size());
  for (size_t i = 0; i < count_cells.size(); ++i) {
    ReleasedCell& out = release.cells[i];
    out.status = CellStatus::kNoisy;
    out.count = count_cells[i];
    if (sums) out.sum = sum_cells[i];
  }
  NoisyReleaseRecord record;
  record.dataset = noise.dataset;
  record.mechanism = noise.mechanism;
  record.records_per_person = noise.records_per_person;
  record.amount_bound = noise.amount_bound;
  record.revision = revision;
  record.clamped = noise.clamp_negative;
  // The charges as the engine priced them: exactly the events of our batch. The engine applies a
  // batch under its write lock, one revision per event, and returns the last: our n charges are
  // the revisions revision - n + 1 … revision. A charge of the same dataset applied just before
  // ours (another thread, or another process's event caught up from the record) is at most
  // revision - n, one applied since (before this snapshot) is above revision: neither is listed.
  const uint64_t first = revision - charges.size() + 1;  // revision ≥ n: our batch is in it
  for (const RecordedPrivacyCharge& r : PrivacyChargesOf(*engine.snapshot(), noise.dataset)) {
    if (r.revision >= first && r.revision <= revision) record.charges.push_back(r.charge);
  }
  if (record.charges.size() != charges.size()) {
    return MakeError(
        ErrorCode::kInternal,
        absl::StrCat("noisy release: the engine's revisions ", first, " to ", revision, " hold ",
                     record.charges.size(), " charges of the dataset, not ", charges.size()));
  }
  release.noise = std::move(record);
  SOCLE_RETURN_IF_ERROR(RecordRelease(trail, release, publication));
  return release;
}

}  // namespace socle
