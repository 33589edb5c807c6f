// The table builder: labels interned per dimension, records summed into a flat array of base
// cells (mixed radix over each dimension's capacity, regrown like a vector when a dimension gets
// a new label past it), margins computed once at the end.
//
// Add is the hot path (docs/statistics.md, "Speed"): per dimension, the label is looked up in a
// small open-addressing index keyed by a cheap hash of its bytes, compared without a call; the
// cell update has no branch on the data. (A cache of the previous record's label per dimension
// was measured and dropped: on shuffled records its mispredicted branch costs more than the
// lookup it saves.)
#include "stats/table.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/interner.h"
#include "core/status_macros.h"
#include "socle/error.hpp"
#include "socle/nir.hpp"
#include "socle/statistics.hpp"

namespace socle {
namespace {

// Loads for the short labels of a table ("35-39", "75", "food"): the first and the last 8 (or 4)
// bytes of a label of 4 to 16 bytes, which overlap for a short one and together cover it.
inline void LabelWords(const char* p, size_t n, uint64_t& a, uint64_t& b) {
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
  } else if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    a = lo;
    b = hi;
  } else {
    // 0 to 3 bytes: the first, middle and last cover them.
    const unsigned char* u = reinterpret_cast<const unsigned char*>(p);
    a = n == 0 ? 0 : uint64_t{u[0]} | uint64_t{u[n / 2]} << 8 | uint64_t{u[n - 1]} << 16;
    b = 0;
  }
}

// Whether two labels are equal, without a call to memcmp for labels of up to 16 bytes.
inline bool SameLabel(absl::string_view x, absl::string_view y) {
  const size_t n = x.size();
  if (n != y.size()) return false;
  if (n > 16) return x == y;
  uint64_t x0, x1, y0, y1;
  LabelWords(x.data(), n, x0, x1);
  LabelWords(y.data(), n, y0, y1);
  return ((x0 ^ y0) | (x1 ^ y1)) == 0;
}

// One dimension's labels to their ids, for Add: open addressing with linear probing over a
// power-of-two array of slots at most half full. A label's hash is its words (LabelWords) folded
// by a 128-bit multiplication with a per-process seed (absl::Hash's, so a hostile vendor cannot
// aim collisions at it; absl::Hash itself past 16 bytes). A slot keeps its label's hash, so a
// probe compares bytes only on a hash match. The labels it views are the interner's (stable
// storage).
class LabelIndex {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  LabelIndex() : slots_(16), seed_(absl::Hash<uint64_t>()(0x9e3779b97f4a7c15u) | 1) {}

  uint64_t Hash(absl::string_view label) const {
    const size_t n = label.size();
    if (n > 16) return absl::Hash<absl::string_view>()(label);
    uint64_t a, b;
    LabelWords(label.data(), n, a, b);
    const unsigned __int128 m = static_cast<unsigned __int128>(a ^ seed_) *
                                (b ^ 0xc2b2ae3d27d4eb4fu ^ (seed_ >> 7) ^ (uint64_t{n} << 56));
    return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
  }

  uint32_t Find(absl::string_view label, uint64_t hash) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.id == kAbsent) return kAbsent;
      if (s.hash == hash && SameLabel(s.label, label)) return s.id;
    }
  }

  // `label` is not in the index yet and outlives it.
  void Insert(absl::string_view label, uint32_t id) {
    if (2 * (used_ + 1) > slots_.size()) {
      std::vector<Slot> old(slots_.size() * 2);
      old.swap(slots_);
      for (const Slot& s : old) {
        if (s.id != kAbsent) Place(s);
      }
    }
    Place(Slot{Hash(label), label, id});
    ++used_;
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    absl::string_view label;
    uint32_t id = kAbsent;
  };

  void Place(const Slot& slot) {
    const size_t mask = slots_.size() - 1;
    size_t i = slot.hash & mask;
    while (slots_[i].id != kAbsent) i = (i + 1) & mask;
    slots_[i] = slot;
  }

  std::vector<Slot> slots_;
  size_t used_ = 0;
  uint64_t seed_;
};

}  // namespace

StatisticsTable::StatisticsTable(std::vector<StatisticsDimension> dimensions,
                                 std::vector<TableCell> cells, bool has_amounts)
    : dimensions_(std::move(dimensions)), cells_(std::move(cells)), has_amounts_(has_amounts) {
  strides_.assign(dimensions_.size(), 1);
  for (size_t d = dimensions_.size(); d-- > 1;) {
    strides_[d - 1] = strides_[d] * (dimensions_[d].categories.size() + 1);
  }
}

absl::StatusOr<size_t> StatisticsTable::CellIndex(absl::Span<const uint32_t> coordinates) const {
  if (coordinates.size() != dimensions_.size()) {
    return MakeError(ErrorCode::kOutOfRange,
                     absl::StrCat("a cell of this table has ", dimensions_.size(),
                                  " coordinates, not ", coordinates.size()));
  }
  size_t index = 0;
  for (size_t d = 0; d < coordinates.size(); ++d) {
    if (coordinates[d] > dimensions_[d].total()) {
      return MakeError(
          ErrorCode::kOutOfRange,
          absl::StrCat("coordinate ", coordinates[d], " of dimension '", dimensions_[d].name,
                       "' is past its total (", dimensions_[d].total(), ")"));
    }
    index += coordinates[d] * strides_[d];
  }
  return index;
}

absl::StatusOr<size_t> StatisticsTable::CellIndexOf(
    absl::Span<const absl::string_view> labels) const {
  if (labels.size() != dimensions_.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("a cell of this table has ", dimensions_.size(), " labels, not ",
                                  labels.size()));
  }
  std::vector<uint32_t> coordinates(labels.size());
  for (size_t d = 0; d < labels.size(); ++d) {
    const StatisticsDimension& dim = dimensions_[d];
    if (labels[d].empty() || labels[d] == stats::kTotalLabel) {
      coordinates[d] = dim.total();
      continue;
    }
    const auto it = std::lower_bound(dim.categories.begin(), dim.categories.end(), labels[d]);
    if (it == dim.categories.end() || *it != labels[d]) {
      return MakeError(ErrorCode::kNotFound,
                       absl::StrCat("dimension '", dim.name, "' has no such label"));
    }
    coordinates[d] = static_cast<uint32_t>(it - dim.categories.begin());
  }
  return CellIndex(coordinates);
}

std::vector<uint32_t> StatisticsTable::Coordinates(size_t index) const {
  std::vector<uint32_t> coordinates(dimensions_.size());
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    coordinates[d] = static_cast<uint32_t>(index / strides_[d]);
    index %= strides_[d];
  }
  return coordinates;
}

std::string StatisticsTable::Describe(size_t index) const {
  const std::vector<uint32_t> coordinates = Coordinates(index);
  std::string out;
  for (size_t d = 0; d < dimensions_.size(); ++d) {
    const StatisticsDimension& dim = dimensions_[d];
    absl::StrAppend(
        &out, d == 0 ? "" : ", ", dim.name, "=",
        coordinates[d] == dim.total() ? stats::kTotalLabel : dim.categories[coordinates[d]]);
  }
  return out;
}

struct TableBuilder::Impl {
  Options options;
  std::vector<std::string> names;
  std::vector<core::Interner> interners;
  std::vector<LabelIndex> index;
  size_t dims = 0;
  // The base array's capacity per dimension and its strides (row-major over the capacities).
  std::array<size_t, kMaxStatisticsDimensions> capacity{};
  std::array<size_t, kMaxStatisticsDimensions> stride{};
  std::vector<TableCell> cells;
  int64_t records = 0;

  void Layout(const std::array<size_t, kMaxStatisticsDimensions>& new_capacity) {
    std::array<size_t, kMaxStatisticsDimensions> new_stride{};
    size_t total = 1;
    for (size_t d = dims; d-- > 0;) {
      new_stride[d] = total;
      total *= new_capacity[d];
    }
    std::vector<TableCell> grown(total);
    if (!cells.empty()) {
      // Every old base cell moves to its place under the new strides.
      std::array<size_t, kMaxStatisticsDimensions> at{};
      for (size_t i = 0; i < cells.size(); ++i) {
        size_t to = 0;
        for (size_t d = 0; d < dims; ++d) to += at[d] * new_stride[d];
        grown[to] = cells[i];
        for (size_t d = dims; d-- > 0;) {
          if (++at[d] < capacity[d]) break;
          at[d] = 0;
        }
      }
    }
    cells = std::move(grown);
    capacity = new_capacity;
    stride = new_stride;
  }

  // Room for label `id` on dimension `d`: doubling the capacity, or growing by an eighth once
  // the array would pass twice the largest table, so memory stays within a few times the table.
  void Reserve(size_t d, size_t id) {
    if (id < capacity[d]) return;
    std::array<size_t, kMaxStatisticsDimensions> next = capacity;
    next[d] = std::max(id + 1, std::min(capacity[d] * 2, options.max_categories));
    size_t product = 1;
    for (size_t e = 0; e < dims; ++e) product *= next[e];
    if (product > 2 * options.max_cells) next[d] = id + 1 + (id + 1) / 8;
    Layout(next);
  }
};

TableBuilder::TableBuilder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TableBuilder::TableBuilder(TableBuilder&&) noexcept = default;
TableBuilder& TableBuilder::operator=(TableBuilder&&) noexcept = default;
TableBuilder::~TableBuilder() = default;

absl::StatusOr<TableBuilder> TableBuilder::Create(std::vector<std::string> dimension_names,
                                                  Options options) {
  if (dimension_names.empty() || dimension_names.size() > kMaxStatisticsDimensions) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("a statistics table has 1 to ", kMaxStatisticsDimensions,
                                  " dimensions, not ", dimension_names.size()));
  }
  if (options.max_categories == 0 || options.max_cells < 2) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "TableBuilder::Options: max_categories must be at least 1 and max_cells "
                     "at least 2");
  }
  absl::flat_hash_set<std::string> seen;
  for (size_t d = 0; d < dimension_names.size(); ++d) {
    if (dimension_names[d].empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("dimension ", d + 1, " has an empty name"));
    }
    if (!seen.insert(dimension_names[d]).second) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("dimension '", dimension_names[d], "' is named twice"));
    }
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->dims = dimension_names.size();
  impl->names = std::move(dimension_names);
  impl->interners.resize(impl->dims);
  impl->index.resize(impl->dims);
  std::array<size_t, kMaxStatisticsDimensions> initial{};
  for (size_t d = 0; d < impl->dims; ++d) initial[d] = std::min<size_t>(8, options.max_categories);
  impl->Layout(initial);
  return TableBuilder(std::move(impl));
}

int64_t TableBuilder::records() const { return impl_->records; }

absl::Status TableBuilder::Add(absl::Span<const absl::string_view> labels, int64_t amount,
                               RecordOrigin origin) {
  const int64_t record = impl_->records + 1;
  switch (origin.kind) {
    case EntryKind::kFact:
      return Add(labels, amount);
    case EntryKind::kAppreciation:
    case EntryKind::kThirdPartyInformation:
      if (origin.individually_selected) return Add(labels, amount);
      return MakeError(
          ErrorCode::kFailedPrecondition,
          absl::StrCat("record ", record, " comes from ",
                       origin.kind == EntryKind::kAppreciation ? "a professional appreciation"
                                                               : "third-party information",
                       ", which feeds statistics only when selected individually (REQ-60)"));
    case EntryKind::kWorkingNote:
      return MakeError(ErrorCode::kFailedPrecondition,
                       absl::StrCat("record ", record,
                                    " comes from a working note, which never feeds statistics "
                                    "(it is its author's alone)"));
    default:
      break;
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   absl::StrCat("record ", record, " has no entry kind (RecordOrigin::kind)"));
}

absl::Status TableBuilder::Add(absl::Span<const absl::string_view> labels, int64_t amount) {
  Impl& s = *impl_;
  if (labels.size() != s.dims) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("record ", s.records + 1, " has ", labels.size(),
                                  " labels; the table has ", s.dims, " dimensions"));
  }
  if (amount != 0) {
    if (!s.options.amounts) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("record ", s.records + 1,
                                    " has an amount but the table was created without amounts "
                                    "(TableBuilder::Options::amounts)"));
    }
    if (amount < 0) {
      return MakeError(ErrorCode::kInvalidArgument,
                       absl::StrCat("record ", s.records + 1,
                                    " has a negative amount; amounts are non-negative cents"));
    }
  }
  std::array<uint32_t, kMaxStatisticsDimensions> ids{};
  bool all_known = true;
  for (size_t d = 0; d < s.dims; ++d) {
    ids[d] = s.index[d].Find(labels[d], s.index[d].Hash(labels[d]));
    all_known &= ids[d] != LabelIndex::kAbsent;
  }
  if (!all_known) {
    // The new labels are checked together before any is interned, so a refused record leaves no
    // empty category behind.
    size_t cells = 1;
    for (size_t d = 0; d < s.dims; ++d) {
      size_t size = s.interners[d].size();
      if (ids[d] == LabelIndex::kAbsent) {
        if (labels[d].empty()) {
          return MakeError(ErrorCode::kInvalidArgument,
                           absl::StrCat("record ", s.records + 1, ": dimension '", s.names[d],
                                        "' has an empty label"));
        }
        // REQ-44: a NIR never reaches a published table, not even as a category. Checked once
        // per new label (known labels skip it), so the hot path is unchanged.
        if (!FindNirs(labels[d]).empty()) {
          return MakeError(ErrorCode::kInvalidArgument,
                           absl::StrCat("record ", s.records + 1, ": dimension '", s.names[d],
                                        "' has a label holding a NIR, which never goes into "
                                        "statistics (REQ-44)"));
        }
        if (size >= s.options.max_categories) {
          return MakeError(
              ErrorCode::kResourceExhausted,
              absl::StrCat("dimension '", s.names[d], "' has more than ", s.options.max_categories,
                           " distinct labels: generalise it (age bands, "
                           "départements, brackets) before tabulating"));
        }
        ++size;
      }
      cells *= size + 1;
      if (cells > s.options.max_cells) {
        return MakeError(ErrorCode::kResourceExhausted,
                         absl::StrCat("the table would have more than ", s.options.max_cells,
                                      " cells (dimension '", s.names[d], "' has ", size,
                                      " labels): generalise a dimension or drop one"));
      }
    }
    for (size_t d = 0; d < s.dims; ++d) {
      if (ids[d] != LabelIndex::kAbsent) continue;
      ids[d] = s.interners[d].Intern(labels[d]);
      s.index[d].Insert(s.interners[d].Name(ids[d]), ids[d]);
      s.Reserve(d, ids[d]);
    }
  }
  size_t index = 0;
  for (size_t d = 0; d < s.dims; ++d) index += ids[d] * s.stride[d];
  TableCell& cell = s.cells[index];
  // Without amounts, amount is 0 and so is every sum and contribution: the same code, no branch.
  {
    int64_t sum;
    if (__builtin_add_overflow(cell.sum, amount, &sum)) {
      return MakeError(
          ErrorCode::kOutOfRange,
          absl::StrCat("record ", s.records + 1, ": a cell's sum of amounts overflows 64 bits"));
    }
    cell.sum = sum;
    // The two largest, without a branch: the new largest is the greater of the amount and the
    // old largest; the new second the greater of the old second and the lesser of those two.
    const int64_t largest = cell.largest;
    cell.largest = std::max(amount, largest);
    cell.second_largest = std::max(cell.second_largest, std::min(amount, largest));
  }
  ++cell.count;
  ++s.records;
  return absl::OkStatus();
}

absl::StatusOr<StatisticsTable> TableBuilder::Finish() && {
  Impl& s = *impl_;
  if (s.records == 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the table has no record: an empty table is not published");
  }
  const size_t dims = s.dims;
  std::vector<StatisticsDimension> dimensions(dims);
  // rank[d][id]: the position of interned label `id` among the sorted labels.
  std::vector<std::vector<uint32_t>> rank(dims);
  for (size_t d = 0; d < dims; ++d) {
    const core::Interner& interner = s.interners[d];
    std::vector<uint32_t> order(interner.size());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return interner.Name(a) < interner.Name(b); });
    rank[d].resize(order.size());
    dimensions[d].name = s.names[d];
    for (uint32_t r = 0; r < order.size(); ++r) {
      rank[d][order[r]] = r;
      dimensions[d].categories.emplace_back(interner.Name(order[r]));
    }
  }
  std::vector<size_t> radix(dims), stride(dims);
  size_t total = 1;
  for (size_t d = dims; d-- > 0;) {
    radix[d] = dimensions[d].categories.size() + 1;
    stride[d] = total;
    total *= radix[d];
  }
  std::vector<TableCell> cells(total);
  // The base cells, from the builder's layout to the table's.
  std::array<uint32_t, kMaxStatisticsDimensions> at{};
  for (;;) {
    size_t from = 0, to = 0;
    for (size_t d = 0; d < dims; ++d) {
      from += at[d] * s.stride[d];
      to += rank[d][at[d]] * stride[d];
    }
    cells[to] = s.cells[from];
    size_t d = dims;
    while (d-- > 0) {
      if (++at[d] < radix[d] - 1) break;
      at[d] = 0;
    }
    if (d == SIZE_MAX) break;
  }
  // Margins, one dimension after the other: a cell whose coordinate on `d` is the total is the
  // sum of its children along `d`. A cell that is a total on several dimensions is computed
  // again by each; the last pass reads children complete on every earlier dimension.
  for (size_t d = 0; d < dims; ++d) {
    const size_t n = radix[d] - 1;
    for (size_t i = 0; i < total; ++i) {
      if ((i / stride[d]) % radix[d] != n) continue;
      TableCell sum;
      for (size_t c = 0; c < n; ++c) {
        const TableCell& child = cells[i - (n - c) * stride[d]];
        sum.count += child.count;
        if (__builtin_add_overflow(sum.sum, child.sum, &sum.sum)) {
          return MakeError(ErrorCode::kOutOfRange,
                           absl::StrCat("a margin of dimension '", dimensions[d].name,
                                        "': the sum of amounts overflows 64 bits"));
        }
        stats::MergeLargest(child, sum);
      }
      cells[i] = sum;
    }
  }
  return StatisticsTable(std::move(dimensions), std::move(cells), s.options.amounts);
}

}  // namespace socle
