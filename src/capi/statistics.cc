// The C ABI of anonymous statistics (include/socle/socle.h, "Statistics"): socle/statistics.hpp,
// socle/statistics_release.hpp and socle/privacy_budget.hpp converted and called. No rule lives
// here: the builder checks labels and amounts, the release functions the rules, the activity,
// the budget; this layer checks pointers, lengths and the constants.
#include "socle/statistics.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/capi_internal.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/noise.hpp"
#include "socle/privacy_budget.hpp"
#include "socle/socle.h"
#include "socle/statistics_release.hpp"
#include "socle/trail.hpp"

struct socle_table_builder {
  std::optional<socle::TableBuilder> builder;  // empty once finished
  size_t dimensions = 0;
  bool amounts = false;
};

struct socle_statistics_table {
  socle::StatisticsTable table;
};

struct socle_noise_options {
  socle::NoiseOptions options;
};

struct socle_statistics_release {
  socle::StatisticsRelease release;
  socle::StatisticsPublication publication;
};

struct socle_privacy_budget {
  socle::PrivacyBudget budget;
};

namespace {

using socle::capi::EngineOf;
using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputEnum;
using socle::capi::InputList;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::SetText;
using socle::capi::TrailOf;
using socle::capi::WriterOf;

#define SOCLE_CAPI_CELL_STATUSES(X)                                                  \
  X(SOCLE_CELL_STATUS_PUBLISHED, socle::CellStatus::kPublished)                      \
  X(SOCLE_CELL_STATUS_PRIMARY_SUPPRESSED, socle::CellStatus::kPrimarySuppressed)     \
  X(SOCLE_CELL_STATUS_SECONDARY_SUPPRESSED, socle::CellStatus::kSecondarySuppressed) \
  X(SOCLE_CELL_STATUS_NOISY, socle::CellStatus::kNoisy)
#define SOCLE_CAPI_NOISE_MECHANISMS(X)                                     \
  X(SOCLE_NOISE_DISCRETE_LAPLACE, socle::NoiseMechanism::kDiscreteLaplace) \
  X(SOCLE_NOISE_DISCRETE_GAUSSIAN, socle::NoiseMechanism::kDiscreteGaussian)
SOCLE_CAPI_CELL_STATUSES(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_NOISE_MECHANISMS(SOCLE_CAPI_ASSERT_SAME)

// The publication of a publishing call: its three labels, checked by InputView.
int32_t InputPublication(const char* name, size_t name_len, const char* activity,
                         size_t activity_len, const char* actor, size_t actor_len,
                         socle::StatisticsPublication* out, socle_error** error) {
  SOCLE_CAPI_RETURN_IF_FAILED(socle::capi::InputString(name, name_len, "name", &out->name, error));
  SOCLE_CAPI_RETURN_IF_FAILED(
      socle::capi::InputString(activity, activity_len, "activity", &out->activity, error));
  return socle::capi::InputString(actor, actor_len, "actor", &out->actor, error);
}

int32_t Released(absl::StatusOr<socle::StatisticsRelease> release,
                 socle::StatisticsPublication publication, socle_statistics_release** out,
                 socle_error** error) {
  if (!release.ok()) return FromStatus(error, release.status());
  *out = new socle_statistics_release{*std::move(release), std::move(publication)};
  return SOCLE_OK;
}

const socle::ReleasedCell* CellAt(const socle_statistics_release* r, size_t index) {
  return r != nullptr && index < r->release.cells.size() ? &r->release.cells[index] : nullptr;
}

const socle::StatisticsDimension* DimensionAt(const socle_statistics_release* r, size_t d) {
  return r != nullptr && d < r->release.dimensions.size() ? &r->release.dimensions[d] : nullptr;
}

// The options' setters: a NULL handle is refused, a refused value leaves the options as they were.
template <typename Set>
int32_t SetNoise(socle_noise_options* options, socle_error** error, Set&& set) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    return set(options->options);
  });
}

}  // namespace

// ---- The builder and the table ------------------------------------------------------------------

int32_t socle_table_builder_create(const char* const* names, const size_t* name_lens,
                                   size_t name_count, int32_t with_amounts,
                                   socle_table_builder** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (with_amounts != 0 && with_amounts != 1) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "with_amounts must be 0 or 1");
    }
    std::vector<std::string> list;
    SOCLE_CAPI_RETURN_IF_FAILED(InputList(names, name_lens, name_count, "names", &list, error));
    socle::TableBuilder::Options options;
    options.amounts = with_amounts == 1;
    auto builder = socle::TableBuilder::Create(std::move(list), options);
    if (!builder.ok()) return FromStatus(error, builder.status());
    *out = new socle_table_builder{std::move(*builder), name_count, options.amounts};
    return SOCLE_OK;
  });
}

void socle_table_builder_free(socle_table_builder* builder) { delete builder; }

int32_t socle_table_builder_add_columns(socle_table_builder* builder, size_t record_count,
                                        const char* const* labels, const size_t* label_lens,
                                        const int64_t* amounts, uint64_t* out_added,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_added);
    if (builder == nullptr) return NullArgument(error, "builder");
    if (!builder->builder.has_value()) {
      return Fail(error, SOCLE_E_FAILED_PRECONDITION, "the table builder is already finished");
    }
    if (record_count == 0) return SOCLE_OK;
    if (labels == nullptr) return NullArgument(error, "labels");
    if (label_lens == nullptr) return NullArgument(error, "label_lens");
    if (builder->amounts && amounts == nullptr) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "amounts is NULL but the table was created with amounts");
    }
    if (!builder->amounts && amounts != nullptr) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "amounts must be NULL: the table was created without amounts");
    }
    const size_t dims = builder->dimensions;
    absl::string_view record[socle::kMaxStatisticsDimensions];
    for (size_t r = 0; r < record_count; ++r) {
      for (size_t d = 0; d < dims; ++d) {
        const size_t at = d * record_count + r;
        if (!socle::capi::InputFits(labels[at], label_lens[at])) {
          return Fail(
              error, SOCLE_E_INVALID_ARGUMENT,
              absl::StrCat("record ", r, ": the label of dimension ", d, " is NULL with a length"));
        }
        record[d] = absl::string_view(labels[at], label_lens[at]);
      }
      const absl::Status added =
          builder->builder->Add(absl::MakeConstSpan(record, dims), amounts ? amounts[r] : 0);
      if (!added.ok()) {
        return Fail(error, static_cast<int32_t>(socle::ErrorCodeOf(added)),
                    absl::StrCat("records[", r, "] of this call: ", added.message()));
      }
      if (out_added != nullptr) *out_added = r + 1;
    }
    return SOCLE_OK;
  });
}

uint64_t socle_table_builder_records(const socle_table_builder* builder) {
  if (builder == nullptr || !builder->builder.has_value()) return 0;
  return static_cast<uint64_t>(builder->builder->records());
}

int32_t socle_table_builder_finish(socle_table_builder* builder, socle_statistics_table** out,
                                   socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (builder == nullptr) return NullArgument(error, "builder");
    if (!builder->builder.has_value()) {
      return Fail(error, SOCLE_E_FAILED_PRECONDITION, "the table builder is already finished");
    }
    socle::TableBuilder consumed = *std::move(builder->builder);
    builder->builder.reset();
    auto table = std::move(consumed).Finish();
    if (!table.ok()) return FromStatus(error, table.status());
    *out = new socle_statistics_table{*std::move(table)};
    return SOCLE_OK;
  });
}

void socle_statistics_table_free(socle_statistics_table* table) { delete table; }

uint64_t socle_statistics_table_record_count(const socle_statistics_table* table) {
  return table == nullptr ? 0 : static_cast<uint64_t>(table->table.record_count());
}

size_t socle_statistics_table_cell_count(const socle_statistics_table* table) {
  return table == nullptr ? 0 : table->table.cell_count();
}

// ---- Publishing ---------------------------------------------------------------------------------

int32_t socle_access_trail_publish_table(socle_access_trail* trail,
                                         const socle_statistics_table* table, const char* name,
                                         size_t name_len, const char* activity, size_t activity_len,
                                         const char* actor, size_t actor_len, uint32_t p_percent,
                                         socle_statistics_release** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (trail == nullptr) return NullArgument(error, "trail");
    if (table == nullptr) return NullArgument(error, "table");
    socle::StatisticsPublication publication;
    SOCLE_CAPI_RETURN_IF_FAILED(InputPublication(name, name_len, activity, activity_len, actor,
                                                 actor_len, &publication, error));
    socle::AccessTrail& t = TrailOf(*trail);
    socle::StatisticsRules rules = socle::StatisticsRules::FromPolicy(t.engine().policy());
    if (p_percent != 0) rules.p_percent = p_percent;
    auto release = socle::PublishTable(t, table->table, rules, publication);
    return Released(std::move(release), std::move(publication), out, error);
  });
}

int32_t socle_noise_options_new(socle_noise_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_noise_options{};
    return SOCLE_OK;
  });
}

void socle_noise_options_free(socle_noise_options* options) { delete options; }

int32_t socle_noise_options_set_dataset(socle_noise_options* options, const char* dataset,
                                        size_t dataset_len, socle_error** error) {
  return SetText(options, &socle_noise_options::options, &socle::NoiseOptions::dataset, dataset,
                 dataset_len, "options", "dataset", error);
}

int32_t socle_noise_options_set_mechanism(socle_noise_options* options, int32_t mechanism,
                                          socle_error** error) {
  return SetNoise(options, error, [&](socle::NoiseOptions& o) -> int32_t {
    return InputEnum(mechanism, SOCLE_NOISE_DISCRETE_LAPLACE, SOCLE_NOISE_DISCRETE_GAUSSIAN,
                     "mechanism", "SOCLE_NOISE_*", &o.mechanism, error);
  });
}

int32_t socle_noise_options_set_parameter(socle_noise_options* options, uint64_t numerator,
                                          uint64_t denominator, socle_error** error) {
  return SetNoise(options, error, [&](socle::NoiseOptions& o) -> int32_t {
    if (numerator == 0 || denominator == 0) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "the noise parameter's numerator and denominator must be positive");
    }
    o.parameter = socle::Rational{numerator, denominator};
    return SOCLE_OK;
  });
}

int32_t socle_noise_options_set_records_per_person(socle_noise_options* options,
                                                   uint32_t records_per_person,
                                                   socle_error** error) {
  return SetNoise(options, error, [&](socle::NoiseOptions& o) -> int32_t {
    if (records_per_person == 0) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "records_per_person must be at least 1");
    }
    o.records_per_person = records_per_person;
    return SOCLE_OK;
  });
}

int32_t socle_noise_options_set_amount_bound(socle_noise_options* options, int64_t amount_bound,
                                             socle_error** error) {
  return SetNoise(options, error, [&](socle::NoiseOptions& o) -> int32_t {
    if (amount_bound < 0) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "amount_bound must not be negative");
    }
    o.amount_bound = amount_bound;
    return SOCLE_OK;
  });
}

int32_t socle_noise_options_set_clamp_negative(socle_noise_options* options, int32_t clamp_negative,
                                               socle_error** error) {
  return SetNoise(options, error, [&](socle::NoiseOptions& o) -> int32_t {
    if (clamp_negative != 0 && clamp_negative != 1) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "clamp_negative must be 0 or 1");
    }
    o.clamp_negative = clamp_negative == 1;
    return SOCLE_OK;
  });
}

int32_t socle_access_trail_publish_noisy_table(
    socle_access_trail* trail, socle_access_engine* engine, const socle_statistics_table* table,
    const char* name, size_t name_len, const char* activity, size_t activity_len, const char* actor,
    size_t actor_len, const socle_noise_options* noise, socle_statistics_release** out,
    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (trail == nullptr) return NullArgument(error, "trail");
    if (engine == nullptr) return NullArgument(error, "engine");
    if (table == nullptr) return NullArgument(error, "table");
    if (noise == nullptr) return NullArgument(error, "noise");
    socle::StatisticsPublication publication;
    SOCLE_CAPI_RETURN_IF_FAILED(InputPublication(name, name_len, activity, activity_len, actor,
                                                 actor_len, &publication, error));
    socle::AccessTrail& t = TrailOf(*trail);
    socle::AccessEngine& e = EngineOf(*engine);
    if (&t.engine() != &e) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "engine is not the engine the trail decides for");
    }
    auto release = socle::PublishNoisyTable(e, t, table->table, publication, noise->options);
    return Released(std::move(release), std::move(publication), out, error);
  });
}

// ---- The release --------------------------------------------------------------------------------

void socle_statistics_release_free(socle_statistics_release* release) { delete release; }

const char* socle_statistics_release_name(const socle_statistics_release* release) {
  return release == nullptr ? "" : release->publication.name.c_str();
}

size_t socle_statistics_release_dimension_count(const socle_statistics_release* release) {
  return release == nullptr ? 0 : release->release.dimensions.size();
}

const char* socle_statistics_release_dimension_name(const socle_statistics_release* release,
                                                    size_t dimension) {
  const socle::StatisticsDimension* d = DimensionAt(release, dimension);
  return d == nullptr ? "" : d->name.c_str();
}

size_t socle_statistics_release_category_count(const socle_statistics_release* release,
                                               size_t dimension) {
  const socle::StatisticsDimension* d = DimensionAt(release, dimension);
  return d == nullptr ? 0 : d->categories.size();
}

const char* socle_statistics_release_category(const socle_statistics_release* release,
                                              size_t dimension, size_t index) {
  const socle::StatisticsDimension* d = DimensionAt(release, dimension);
  return d == nullptr || index >= d->categories.size() ? "" : d->categories[index].c_str();
}

size_t socle_statistics_release_cell_count(const socle_statistics_release* release) {
  return release == nullptr ? 0 : release->release.cells.size();
}

int32_t socle_statistics_release_cell_status(const socle_statistics_release* release,
                                             size_t index) {
  const socle::ReleasedCell* c = CellAt(release, index);
  return c == nullptr ? 0 : static_cast<int32_t>(c->status);
}

int32_t socle_statistics_release_cell_has_count(const socle_statistics_release* release,
                                                size_t index) {
  const socle::ReleasedCell* c = CellAt(release, index);
  return c != nullptr && c->count.has_value() ? 1 : 0;
}

int64_t socle_statistics_release_cell_count_value(const socle_statistics_release* release,
                                                  size_t index) {
  const socle::ReleasedCell* c = CellAt(release, index);
  return c != nullptr && c->count.has_value() ? *c->count : 0;
}

int32_t socle_statistics_release_cell_has_sum(const socle_statistics_release* release,
                                              size_t index) {
  const socle::ReleasedCell* c = CellAt(release, index);
  return c != nullptr && c->sum.has_value() ? 1 : 0;
}

int64_t socle_statistics_release_cell_sum(const socle_statistics_release* release, size_t index) {
  const socle::ReleasedCell* c = CellAt(release, index);
  return c != nullptr && c->sum.has_value() ? *c->sum : 0;
}

int32_t socle_statistics_release_cells(const socle_statistics_release* release, size_t first,
                                       size_t count, int32_t* out_statuses, int64_t* out_counts,
                                       int64_t* out_sums, int32_t* out_flags, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (release == nullptr) return NullArgument(error, "release");
    if (count == 0) return SOCLE_OK;
    if (out_statuses == nullptr) return NullArgument(error, "out_statuses");
    if (out_counts == nullptr) return NullArgument(error, "out_counts");
    const size_t cells = release->release.cells.size();
    if (first > cells || count > cells - first) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE,
                  absl::StrCat("cells [", first, ", ", first, " + ", count,
                               ") pass the last cell (", cells, " cells)"));
    }
    for (size_t i = 0; i < count; ++i) {
      const socle::ReleasedCell& c = release->release.cells[first + i];
      out_statuses[i] = static_cast<int32_t>(c.status);
      out_counts[i] = c.count.value_or(0);
      if (out_sums != nullptr) out_sums[i] = c.sum.value_or(0);
      if (out_flags != nullptr) {
        out_flags[i] = (c.count.has_value() ? 1 : 0) | (c.sum.has_value() ? 2 : 0);
      }
    }
    return SOCLE_OK;
  });
}

int32_t socle_statistics_release_noisy(const socle_statistics_release* release) {
  return release != nullptr && release->release.noise.has_value() ? 1 : 0;
}

uint64_t socle_statistics_release_primary_suppressed(const socle_statistics_release* release) {
  return release == nullptr ? 0 : release->release.primary_suppressed;
}

uint64_t socle_statistics_release_secondary_suppressed(const socle_statistics_release* release) {
  return release == nullptr ? 0 : release->release.secondary_suppressed;
}

int32_t socle_statistics_release_json(const socle_statistics_release* release, socle_buffer* out,
                                      socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (out == nullptr) return NullArgument(error, "out");
    if (release == nullptr) return NullArgument(error, "release");
    return FillBuffer(out, socle::StatisticsJson(release->release, release->publication), error);
  });
}

int32_t socle_statistics_release_csv(const socle_statistics_release* release, socle_buffer* out,
                                     socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (out == nullptr) return NullArgument(error, "out");
    if (release == nullptr) return NullArgument(error, "release");
    return FillBuffer(out, socle::StatisticsCsv(release->release), error);
  });
}

int32_t socle_statistics_release_write_export(const socle_statistics_release* release,
                                              socle_export_writer* writer, uint64_t* out_records,
                                              uint64_t* out_bytes, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_records, out_bytes);
    if (release == nullptr) return NullArgument(error, "release");
    if (writer == nullptr) return NullArgument(error, "writer");
    auto summary =
        socle::WriteStatisticsExport(release->release, release->publication, WriterOf(*writer));
    if (!summary.ok()) return FromStatus(error, summary.status());
    if (out_records != nullptr) *out_records = summary->records;
    if (out_bytes != nullptr) *out_bytes = summary->bytes;
    return SOCLE_OK;
  });
}

// ---- The privacy budget -------------------------------------------------------------------------

int32_t socle_access_engine_privacy_budget(const socle_access_engine* engine, const char* dataset,
                                           size_t dataset_len, socle_privacy_budget** out,
                                           socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view id;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(dataset, dataset_len, "dataset", &id, error));
    auto budget = socle::PrivacyBudgetOf(*EngineOf(*engine).snapshot(), id);
    if (!budget.ok()) return FromStatus(error, budget.status());
    *out = new socle_privacy_budget{*std::move(budget)};
    return SOCLE_OK;
  });
}

void socle_privacy_budget_free(socle_privacy_budget* budget) { delete budget; }

#define SOCLE_CAPI_BUDGET_RATIONAL(name, getter)                                           \
  uint64_t socle_privacy_budget_##name##_numerator(const socle_privacy_budget* budget) {   \
    return budget == nullptr ? 0 : budget->budget.getter().numerator;                      \
  }                                                                                        \
  uint64_t socle_privacy_budget_##name##_denominator(const socle_privacy_budget* budget) { \
    return budget == nullptr ? 1 : budget->budget.getter().denominator;                    \
  }
SOCLE_CAPI_BUDGET_RATIONAL(epsilon, epsilon)
SOCLE_CAPI_BUDGET_RATIONAL(delta, delta)
SOCLE_CAPI_BUDGET_RATIONAL(laplace_epsilon_spent, laplace_epsilon_spent)
SOCLE_CAPI_BUDGET_RATIONAL(rho_spent, rho_spent)
#undef SOCLE_CAPI_BUDGET_RATIONAL

size_t socle_privacy_budget_charge_count(const socle_privacy_budget* budget) {
  return budget == nullptr ? 0 : budget->budget.charges().size();
}
