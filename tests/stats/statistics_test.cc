// The statistics tables (REQ-53): the builder and its margins, primary suppression (frequency,
// dominance, p%), the hypercube method, and the attacker's LP audit, which is checked against
// intervals computed by hand and must catch a leaking pattern.
#include "socle/statistics.hpp"

#include <glpk.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "stats/audit.h"

namespace socle {

// For Boost.Test's messages.
std::ostream& operator<<(std::ostream& out, ErrorCode code) { return out << ErrorCodeName(code); }
std::ostream& operator<<(std::ostream& out, CellStatus status) {
  return out << static_cast<int>(status);
}

namespace {

using Labels = std::vector<absl::string_view>;

// A 2-dimension table from a grid of counts: grid[r][c] records with labels ("r<r>", "c<c>").
StatisticsTable CountTable(const std::vector<std::vector<int>>& grid) {
  auto builder = TableBuilder::Create({"row", "col"});
  BOOST_REQUIRE(builder.ok());
  for (size_t r = 0; r < grid.size(); ++r) {
    for (size_t c = 0; c < grid[r].size(); ++c) {
      const std::string row = absl::StrCat("r", r), col = absl::StrCat("c", c);
      for (int i = 0; i < grid[r][c]; ++i) {
        BOOST_REQUIRE(builder->Add(Labels{row, col}).ok());
      }
    }
  }
  auto table = std::move(*builder).Finish();
  BOOST_REQUIRE_MESSAGE(table.ok(), table.status());
  return *std::move(table);
}

size_t Index(const StatisticsTable& table, Labels labels) {
  auto index = table.CellIndexOf(labels);
  BOOST_REQUIRE_MESSAGE(index.ok(), index.status());
  return *index;
}

const AuditEntry* Entry(const AuditReport& report, size_t cell, Measure measure) {
  for (const AuditEntry& e : report.entries) {
    if (e.cell == cell && e.measure == measure) return &e;
  }
  return nullptr;
}

StatisticsRules Rules(uint32_t k) {
  StatisticsRules rules;
  rules.small_cell_threshold = k;
  return rules;
}

// Every sensitive cell of `release` has an audit entry that covers its requirement, and no
// published cell counts 1 to k - 1.
void CheckRelease(const StatisticsTable& table, const StatisticsRelease& release) {
  BOOST_TEST(release.audit.ok);
  const int64_t k = release.rules.small_cell_threshold;
  size_t suppressed = 0;
  for (size_t i = 0; i < release.cells.size(); ++i) {
    const ReleasedCell& cell = release.cells[i];
    if (cell.status == CellStatus::kPublished) {
      BOOST_REQUIRE(cell.count.has_value());
      BOOST_TEST((*cell.count == 0 || *cell.count >= k), table.Describe(i));
      BOOST_TEST(*cell.count == table.cell(i).count);
    } else {
      ++suppressed;
      BOOST_TEST(!cell.count.has_value());
      BOOST_TEST(!cell.sum.has_value());
      const AuditEntry* e = Entry(release.audit, i, Measure::kCount);
      BOOST_REQUIRE(e != nullptr);
      BOOST_TEST(e->ok);
      if (cell.status == CellStatus::kPrimarySuppressed && table.cell(i).count < k) {
        BOOST_TEST(e->sensitive);
        BOOST_TEST(e->min <= 0);
        BOOST_TEST((!e->max.has_value() || *e->max >= k), table.Describe(i));
      }
    }
  }
  BOOST_TEST(suppressed == release.primary_suppressed + release.secondary_suppressed);
  BOOST_TEST(release.audit.entries.size() == suppressed * (table.has_amounts() ? 2 : 1));
}

BOOST_AUTO_TEST_SUITE(statistics_table)

BOOST_AUTO_TEST_CASE(margins_counts_sums_and_largest_contributions) {
  auto builder = TableBuilder::Create({"age_band", "commune"}, {.amounts = true});
  BOOST_REQUIRE(builder.ok());
  // Labels arrive out of order: the table sorts them.
  BOOST_TEST(builder->Add(Labels{"40-44", "75056"}, 500).ok());
  BOOST_TEST(builder->Add(Labels{"35-39", "75056"}, 300).ok());
  BOOST_TEST(builder->Add(Labels{"35-39", "13055"}, 200).ok());
  BOOST_TEST(builder->Add(Labels{"35-39", "75056"}, 700).ok());
  BOOST_TEST(builder->Add(Labels{"35-39", "75056"}, 100).ok());
  BOOST_TEST(builder->records() == 5);
  auto table = std::move(*builder).Finish();
  BOOST_REQUIRE(table.ok());
  BOOST_TEST(table->dimensions()[0].categories == (std::vector<std::string>{"35-39", "40-44"}));
  BOOST_TEST(table->dimensions()[1].categories == (std::vector<std::string>{"13055", "75056"}));
  BOOST_TEST(table->cell_count() == 9u);
  const TableCell& c = table->cell(Index(*table, {"35-39", "75056"}));
  BOOST_TEST(c.count == 3);
  BOOST_TEST(c.sum == 1100);
  BOOST_TEST(c.largest == 700);
  BOOST_TEST(c.second_largest == 300);
  const TableCell& row = table->cell(Index(*table, {"35-39", "total"}));
  BOOST_TEST(row.count == 4);
  BOOST_TEST(row.sum == 1300);
  BOOST_TEST(row.largest == 700);
  BOOST_TEST(row.second_largest == 300);
  const TableCell& col = table->cell(Index(*table, {"total", "75056"}));
  BOOST_TEST(col.count == 4);
  BOOST_TEST(col.sum == 1600);
  BOOST_TEST(col.largest == 700);
  BOOST_TEST(col.second_largest == 500);
  const TableCell& all = table->cell(Index(*table, {"total", "total"}));
  BOOST_TEST(all.count == 5);
  BOOST_TEST(all.sum == 1800);
  BOOST_TEST(table->record_count() == 5);
  BOOST_TEST(table->cell(Index(*table, {"40-44", "13055"})).count == 0);
  BOOST_TEST(table->Describe(Index(*table, {"total", "13055"})) == "age_band=total, commune=13055");
}

// Many labels force the builder to regrow its base array on every dimension; the result must
// equal a direct count.
BOOST_AUTO_TEST_CASE(regrowth_keeps_every_cell) {
  std::mt19937 rng(7);
  auto builder = TableBuilder::Create({"a", "b", "c"});
  BOOST_REQUIRE(builder.ok());
  std::vector<int64_t> expected(40 * 30 * 20);
  for (int i = 0; i < 50000; ++i) {
    const int a = rng() % 40, b = rng() % 30, c = rng() % 20;
    const std::string la = absl::StrCat("a", 100 + a), lb = absl::StrCat("b", 100 + b),
                      lc = absl::StrCat("c", 100 + c);
    BOOST_REQUIRE(builder->Add(Labels{la, lb, lc}).ok());
    ++expected[(a * 30 + b) * 20 + c];
  }
  auto table = std::move(*builder).Finish();
  BOOST_REQUIRE(table.ok());
  BOOST_TEST(table->cell_count() == 41u * 31u * 21u);
  for (int a = 0; a < 40; ++a) {
    for (int b = 0; b < 30; ++b) {
      int64_t row = 0;
      for (int c = 0; c < 20; ++c) {
        const int64_t got =
            table->cell(*table->CellIndex({uint32_t(a), uint32_t(b), uint32_t(c)})).count;
        BOOST_REQUIRE_EQUAL(got, expected[(a * 30 + b) * 20 + c]);
        row += got;
      }
      BOOST_REQUIRE_EQUAL(table->cell(*table->CellIndex({uint32_t(a), uint32_t(b), 20u})).count,
                          row);
    }
  }
  BOOST_TEST(table->record_count() == 50000);
}

// The builder's label index compares a label of up to 16 bytes as two overlapping words (or its
// first, middle and last byte under 4 bytes) and hashes longer ones with absl::Hash: labels that
// differ in one byte only, at every position and length from 1 to 40, stay distinct categories,
// and 3,000 labels make the index grow several times.
BOOST_AUTO_TEST_CASE(labels_differing_in_one_byte_stay_distinct) {
  auto builder = TableBuilder::Create({"label"});
  BOOST_REQUIRE(builder.ok());
  std::map<std::string, int64_t> expected;
  std::mt19937 rng(16);
  for (size_t length = 1; length <= 40; ++length) {
    const std::string base(length, 'x');
    for (size_t at = 0; at < length; ++at) {
      std::string label = base;
      label[at] = 'y';
      expected[label] += 0;
      expected[base] += 0;
    }
  }
  for (int i = 0; i < 3000; ++i) expected[absl::StrCat("category-", i * 7919)] += 0;
  std::vector<std::string> labels;
  for (const auto& [label, count] : expected) labels.push_back(label);
  for (int r = 0; r < 40000; ++r) {
    const std::string& label = labels[rng() % labels.size()];
    BOOST_REQUIRE(builder->Add(Labels{label}).ok());
    ++expected[label];
  }
  auto table = std::move(*builder).Finish();
  BOOST_REQUIRE(table.ok());
  size_t seen = 0;
  for (const auto& [label, count] : expected) {
    if (count == 0) continue;
    ++seen;
    BOOST_REQUIRE_EQUAL(table->cell(Index(*table, {label})).count, count);
  }
  BOOST_TEST(table->dimensions()[0].categories.size() == seen);
  BOOST_TEST(table->record_count() == 40000);
}

// Near the cell limit the builder grows a dimension's capacity by an eighth instead of doubling
// it (the base array stays within twice the largest table): the counts stay exact.
BOOST_AUTO_TEST_CASE(regrowth_near_the_cell_limit) {
  std::mt19937 rng(11);
  auto builder = TableBuilder::Create({"a", "b"}, {.max_cells = 1000});
  BOOST_REQUIRE(builder.ok());
  std::vector<int64_t> expected(20 * 40);
  for (int i = 0; i < 20000; ++i) {
    // Labels first seen in increasing order, so each new one passes the capacity.
    const int a = std::min<int>(i / 50, static_cast<int>(rng() % 20));
    const int b = std::min<int>(i / 25, static_cast<int>(rng() % 40));
    const std::string la = absl::StrCat("a", 100 + a), lb = absl::StrCat("b", 100 + b);
    BOOST_REQUIRE(builder->Add(Labels{la, lb}).ok());
    ++expected[a * 40 + b];
  }
  auto table = std::move(*builder).Finish();
  BOOST_REQUIRE(table.ok());
  BOOST_TEST(table->cell_count() == 21u * 41u);
  for (uint32_t a = 0; a < 20; ++a) {
    for (uint32_t b = 0; b < 40; ++b) {
      BOOST_REQUIRE_EQUAL(table->cell(*table->CellIndex({a, b})).count, expected[a * 40 + b]);
    }
  }
}

BOOST_AUTO_TEST_CASE(hostile_input_gives_clear_errors) {
  // A million distinct values on one dimension: refused from the 10,001st, naming the dimension
  // and never repeating the value; the table keeps what it accepted.
  auto builder = TableBuilder::Create({"commune", "help"});
  BOOST_REQUIRE(builder.ok());
  int refused = 0;
  absl::Status first;
  for (int i = 0; i < 1000000; ++i) {
    const std::string value = absl::StrCat("unique-", i);
    absl::Status s = builder->Add(Labels{value, "food"});
    if (!s.ok()) {
      if (refused++ == 0) first = s;
    }
  }
  BOOST_TEST(refused == 1000000 - 10000);
  BOOST_TEST(ErrorCodeOf(first) == ErrorCode::kResourceExhausted);
  BOOST_TEST(first.message().find("dimension 'commune'") != absl::string_view::npos, first);
  BOOST_TEST(first.message().find("unique-") == absl::string_view::npos, first);
  BOOST_TEST(builder->records() == 10000);

  // Too many cells in all.
  auto wide = TableBuilder::Create({"a", "b"}, {.max_cells = 100});
  BOOST_REQUIRE(wide.ok());
  absl::Status s;
  for (int i = 0; i < 20 && s.ok(); ++i) s = wide->Add(Labels{absl::StrCat(i), absl::StrCat(i)});
  BOOST_TEST(ErrorCodeOf(s) == ErrorCode::kResourceExhausted);
  BOOST_TEST(s.message().find("dimension 'b'") != absl::string_view::npos, s);

  // An empty table.
  auto empty = TableBuilder::Create({"age_band"});
  BOOST_REQUIRE(empty.ok());
  auto no_table = std::move(*empty).Finish();
  BOOST_TEST(ErrorCodeOf(no_table.status()) == ErrorCode::kFailedPrecondition);
  BOOST_TEST(no_table.status().message().find("no record") != absl::string_view::npos);

  // Negative amounts, amounts without amounts, wrong arity, empty labels.
  auto sums = TableBuilder::Create({"age_band"}, {.amounts = true});
  BOOST_REQUIRE(sums.ok());
  s = sums->Add(Labels{"35-39"}, -123456);
  BOOST_TEST(ErrorCodeOf(s) == ErrorCode::kInvalidArgument);
  BOOST_TEST(s.message().find("negative amount") != absl::string_view::npos, s);
  BOOST_TEST(s.message().find("123456") == absl::string_view::npos, s);
  BOOST_TEST(ErrorCodeOf(sums->Add(Labels{"35-39", "x"})) == ErrorCode::kInvalidArgument);
  BOOST_TEST(ErrorCodeOf(sums->Add(Labels{""})) == ErrorCode::kInvalidArgument);
  BOOST_TEST(sums->records() == 0);
  auto counts = TableBuilder::Create({"age_band"});
  BOOST_REQUIRE(counts.ok());
  BOOST_TEST(ErrorCodeOf(counts->Add(Labels{"35-39"}, 5)) == ErrorCode::kInvalidArgument);

  // Sums overflowing 64 bits.
  BOOST_TEST(sums->Add(Labels{"a"}, INT64_MAX).ok());
  BOOST_TEST(ErrorCodeOf(sums->Add(Labels{"a"}, 1)) == ErrorCode::kOutOfRange);
  BOOST_TEST(sums->Add(Labels{"b"}, INT64_MAX).ok());
  BOOST_TEST(ErrorCodeOf(std::move(*sums).Finish().status()) == ErrorCode::kOutOfRange);

  // Dimensions.
  BOOST_TEST(ErrorCodeOf(TableBuilder::Create({}).status()) == ErrorCode::kInvalidArgument);
  BOOST_TEST(ErrorCodeOf(TableBuilder::Create({"a", "b", "c", "d", "e"}).status()) ==
             ErrorCode::kInvalidArgument);
  BOOST_TEST(ErrorCodeOf(TableBuilder::Create({"a", "a"}).status()) == ErrorCode::kInvalidArgument);
  BOOST_TEST(ErrorCodeOf(TableBuilder::Create({"a", ""}).status()) == ErrorCode::kInvalidArgument);
}

// REQ-60: appreciations and third-party information feed statistics only when selected
// individually; working notes never; a refused record changes nothing.
BOOST_AUTO_TEST_CASE(appreciations_and_third_party_information_are_kept_out) {
  auto builder = TableBuilder::Create({"age_band"});
  BOOST_REQUIRE(builder.ok());
  using Origin = TableBuilder::RecordOrigin;
  const absl::string_view label[] = {"30-34"};
  BOOST_TEST(builder->Add(label, 0, Origin{EntryKind::kFact, false}).ok());
  const auto appreciation = builder->Add(label, 0, Origin{EntryKind::kAppreciation, false});
  BOOST_TEST(ErrorCodeOf(appreciation) == ErrorCode::kFailedPrecondition);
  BOOST_TEST(absl::StrContains(appreciation.message(), "REQ-60"), appreciation.message());
  BOOST_TEST(
      ErrorCodeOf(builder->Add(label, 0, Origin{EntryKind::kThirdPartyInformation, false})) ==
      ErrorCode::kFailedPrecondition);
  BOOST_TEST(ErrorCodeOf(builder->Add(label, 0, Origin{EntryKind::kWorkingNote, true})) ==
             ErrorCode::kFailedPrecondition);
  BOOST_TEST(ErrorCodeOf(builder->Add(label, 0, Origin{EntryKind::kUnspecified, false})) ==
             ErrorCode::kInvalidArgument);
  BOOST_TEST(builder->records() == 1);
  // REQ-44: a NIR is never a category (a valid one, with or without separators).
  const absl::string_view nir[] = {"2 85 03 75 111 222 03"};
  const auto refused = builder->Add(nir, 0);
  BOOST_TEST(ErrorCodeOf(refused) == ErrorCode::kInvalidArgument);
  BOOST_TEST(absl::StrContains(refused.message(), "REQ-44"), refused.message());
  BOOST_TEST(!absl::StrContains(refused.message(), "85 03"), refused.message());
  BOOST_TEST(builder->records() == 1);
  BOOST_TEST(builder->Add(label, 0, Origin{EntryKind::kAppreciation, true}).ok());
  BOOST_TEST(builder->Add(label, 0, Origin{EntryKind::kThirdPartyInformation, true}).ok());
  auto table = std::move(*builder).Finish();
  BOOST_REQUIRE(table.ok());
  BOOST_TEST(table->record_count() == 3);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(statistics_rules)

std::string ExamplePolicy() {
  std::ifstream in(std::string(SOCLE_EXAMPLES_DIR) + "/policies/ccas.textproto");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

BOOST_AUTO_TEST_CASE(k_below_3_is_rejected_by_the_policy_and_the_rules) {
  const std::string text = ExamplePolicy();
  BOOST_REQUIRE(text.find("small_cell_threshold: 11") != std::string::npos);
  auto policy = Policy::Load(text);
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status());
  const StatisticsRules rules = StatisticsRules::FromPolicy(*policy);
  BOOST_TEST(rules.small_cell_threshold == 11u);
  BOOST_TEST(rules.dominance_percent == 85u);

  auto seven = Policy::Load(
      absl::StrReplaceAll(text, {{"small_cell_threshold: 11", "small_cell_threshold: 7"}}));
  BOOST_REQUIRE(seven.ok());
  BOOST_TEST(StatisticsRules::FromPolicy(*seven).small_cell_threshold == 7u);

  std::vector<Diagnostic> diagnostics;
  auto two = Policy::Load(
      absl::StrReplaceAll(text, {{"small_cell_threshold: 11", "small_cell_threshold: 2"}}),
      &diagnostics);
  BOOST_TEST(ErrorCodeOf(two.status()) == ErrorCode::kPolicyInvalid);
  bool found = false;
  for (const Diagnostic& d : diagnostics) found |= d.code == "statistics.threshold_too_low";
  BOOST_TEST(found);

  BOOST_TEST(ErrorCodeOf(Rules(2).Validate()) == ErrorCode::kInvalidArgument);
  BOOST_TEST(Rules(3).Validate().ok());
  StatisticsRules bad_dominance;
  bad_dominance.dominance_percent = 40;
  BOOST_TEST(ErrorCodeOf(bad_dominance.Validate()) == ErrorCode::kInvalidArgument);
  StatisticsRules bad_p;
  bad_p.p_percent = 0;
  BOOST_TEST(ErrorCodeOf(bad_p.Validate()) == ErrorCode::kInvalidArgument);
  const StatisticsTable table = CountTable({{5, 5}, {5, 5}});
  BOOST_TEST(ErrorCodeOf(ProtectTable(table, Rules(2)).status()) == ErrorCode::kInvalidArgument);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(statistics_suppression)

// REQ-53: a cell of 2 is masked, and at least one complementary cell in its row and in its
// column.
BOOST_AUTO_TEST_CASE(req53_cell_of_two_masked_with_complements_in_row_and_column) {
  const StatisticsTable table = CountTable({{20, 2, 30, 25},  //
                                            {40, 35, 28, 31},
                                            {22, 19, 45, 50}});
  auto release = ProtectTable(table, Rules(11));
  BOOST_REQUIRE_MESSAGE(release.ok(), release.status());
  const size_t small = Index(table, {"r0", "c1"});
  BOOST_TEST(release->cells[small].status == CellStatus::kPrimarySuppressed);
  BOOST_TEST(!release->cells[small].count.has_value());
  int in_row = 0, in_column = 0;
  for (int c = 0; c < 4; ++c) {
    if (c == 1) continue;
    in_row += release->cells[Index(table, {"r0", absl::StrCat("c", c)})].status ==
              CellStatus::kSecondarySuppressed;
  }
  for (int r = 0; r < 3; ++r) {
    if (r == 0) continue;
    in_column += release->cells[Index(table, {absl::StrCat("r", r), "c1"})].status ==
                 CellStatus::kSecondarySuppressed;
  }
  BOOST_TEST(in_row >= 1);
  BOOST_TEST(in_column >= 1);
  BOOST_TEST(release->primary_suppressed == 1u);
  // A 2-dimension hypercube: the cell and three complements, no more.
  BOOST_TEST(release->secondary_suppressed == 3u);
  const AuditEntry* e = Entry(release->audit, small, Measure::kCount);
  BOOST_REQUIRE(e != nullptr);
  BOOST_TEST(e->sensitive);
  BOOST_TEST(e->required_min == 0);
  BOOST_TEST(e->required_max == 11);
  BOOST_TEST(e->min == 0);
  BOOST_TEST(e->max.has_value());
  BOOST_TEST(*e->max >= 11);
  CheckRelease(table, *release);
}

// Hiding the small cell alone is useless: its row total gives it back. The audit sees an interval
// of width 0; the hypercube method then protects it.
BOOST_AUTO_TEST_CASE(primary_only_suppression_leaks_and_the_audit_catches_it) {
  const StatisticsTable table = CountTable({{20, 2, 30}, {40, 35, 28}});
  auto protection = PrimarySuppression(table, Rules(11));
  BOOST_REQUIRE(protection.ok());
  const size_t small = Index(table, {"r0", "c1"});
  std::vector<bool> naive(table.cell_count());
  size_t sensitive = 0;
  for (size_t i = 0; i < naive.size(); ++i) {
    naive[i] = (*protection)[i].sensitive();
    sensitive += naive[i];
  }
  BOOST_TEST(sensitive == 1u);
  BOOST_TEST((*protection)[small].rules == uint32_t{kFrequencyRule});
  auto leak = AuditSuppression(table, *protection, naive);
  BOOST_REQUIRE(leak.ok());
  BOOST_TEST(!leak->ok);
  const AuditEntry* e = Entry(*leak, small, Measure::kCount);
  BOOST_REQUIRE(e != nullptr);
  BOOST_TEST(e->min == 2);
  BOOST_TEST(e->max.has_value());
  BOOST_TEST(*e->max == 2);
  BOOST_TEST(!e->ok);

  auto fixed = SecondarySuppression(table, *protection);
  BOOST_REQUIRE(fixed.ok());
  auto audit = AuditSuppression(table, *protection, *fixed);
  BOOST_REQUIRE(audit.ok());
  BOOST_TEST(audit->ok);
  e = Entry(*audit, small, Measure::kCount);
  BOOST_REQUIRE(e != nullptr);
  BOOST_TEST(e->min == 0);
  BOOST_TEST(*e->max >= 11);
}

// The audit's intervals against ones computed by hand. In a 2×3 table with a 2×2 block
// suppressed, the block moves by t along (+, -, -, +): a ∈ [a - min(a, d), a + min(b, c)].
BOOST_AUTO_TEST_CASE(audit_intervals_match_the_hand_computed_ones) {
  const StatisticsTable table = CountTable({{20, 6, 30}, {9, 35, 28}});
  std::vector<CellProtection> none(table.cell_count());
  std::vector<bool> hidden(table.cell_count());
  for (Labels l :
       {Labels{"r0", "c0"}, Labels{"r0", "c1"}, Labels{"r1", "c0"}, Labels{"r1", "c1"}}) {
    hidden[Index(table, l)] = true;
  }
  auto audit = AuditSuppression(table, none, hidden);
  BOOST_REQUIRE(audit.ok());
  BOOST_TEST(audit->ok);
  BOOST_TEST(audit->entries.size() == 4u);
  BOOST_TEST(audit->linear_programs <= 8);  // a minimum already seen at 0 is not solved
  const AuditEntry* a = Entry(*audit, Index(table, {"r0", "c0"}), Measure::kCount);
  BOOST_REQUIRE(a != nullptr);
  BOOST_TEST(a->min == 20 - 20);  // min(a, d) = min(20, 35)
  BOOST_TEST(*a->max == 20 + 6);  // min(b, c) = min(6, 9)
  const AuditEntry* b = Entry(*audit, Index(table, {"r0", "c1"}), Measure::kCount);
  BOOST_TEST(b->min == 0);        // b - min(b, c)
  BOOST_TEST(*b->max == 6 + 20);  // b + min(a, d)

  // One row: a category and its total hidden, the total unbounded above.
  const StatisticsTable line = CountTable({{20, 6, 30}});
  std::vector<CellProtection> none_line(line.cell_count());
  std::vector<bool> hidden_line(line.cell_count());
  hidden_line[Index(line, {"r0", "c1"})] = true;
  hidden_line[Index(line, {"r0", "total"})] = true;
  hidden_line[Index(line, {"total", "c1"})] = true;
  hidden_line[Index(line, {"total", "total"})] = true;
  auto open = AuditSuppression(line, none_line, hidden_line);
  BOOST_REQUIRE(open.ok());
  const AuditEntry* c1 = Entry(*open, Index(line, {"r0", "c1"}), Measure::kCount);
  BOOST_TEST(c1->min == 0);
  BOOST_TEST(!c1->max.has_value());
}

BOOST_AUTO_TEST_CASE(dominance_with_one_large_contributor) {
  auto builder = TableBuilder::Create({"help", "year"}, {.amounts = true});
  BOOST_REQUIRE(builder.ok());
  // 12 records in every cell (no frequency rule); in (housing, 2024) one contribution is 90 % of
  // the sum.
  for (const char* help : {"food", "housing", "energy"}) {
    for (const char* year : {"2023", "2024", "2025"}) {
      for (int i = 0; i < 12; ++i) {
        int64_t amount = 10000 + 100 * i;
        if (absl::string_view(help) == "housing" && absl::string_view(year) == "2024") {
          amount = i == 0 ? 1000000 : 10000;
        }
        BOOST_REQUIRE(builder->Add(Labels{help, year}, amount).ok());
      }
    }
  }
  auto table = std::move(*builder).Finish();
  BOOST_REQUIRE(table.ok());
  const size_t big = Index(*table, {"housing", "2024"});
  BOOST_TEST(table->cell(big).sum == 1110000);
  auto protection = PrimarySuppression(*table, StatisticsRules());
  BOOST_REQUIRE(protection.ok());
  BOOST_TEST((*protection)[big].rules == uint32_t{kDominanceRule});
  // ⌈100 · 1,000,000 / 85⌉ - 1,110,000 = 1,176,471 - 1,110,000
  BOOST_TEST((*protection)[big].sum_upper == 66471);
  BOOST_TEST((*protection)[big].sum_lower == 66471);
  BOOST_TEST((*protection)[big].count_upper == 0);
  size_t sensitive = 0;
  for (const CellProtection& p : *protection) sensitive += p.sensitive();
  BOOST_TEST(sensitive == 1u);  // its margins are not dominated: 1,000,000 of 1,461,000+

  auto release = ProtectTable(*table, StatisticsRules());
  BOOST_REQUIRE_MESSAGE(release.ok(), release.status());
  BOOST_TEST(release->cells[big].status == CellStatus::kPrimarySuppressed);
  BOOST_TEST(!release->cells[big].sum.has_value());
  const AuditEntry* e = Entry(release->audit, big, Measure::kSum);
  BOOST_REQUIRE(e != nullptr);
  BOOST_TEST(e->sensitive);
  BOOST_TEST(e->ok);
  BOOST_TEST(e->min <= 1110000 - 66471);
  BOOST_TEST(*e->max >= 1110000 + 66471);
  for (size_t i = 0; i < release->cells.size(); ++i) {
    if (release->cells[i].status == CellStatus::kPublished) {
      BOOST_TEST(release->cells[i].sum.has_value());
      BOOST_TEST(*release->cells[i].sum == table->cell(i).sum);
    }
  }
  CheckRelease(*table, *release);

  // Under a 100 % dominance rule nothing is dominated.
  StatisticsRules lax;
  lax.dominance_percent = 100;
  auto none = PrimarySuppression(*table, lax);
  BOOST_TEST((*none)[big].rules == 0u);
}

BOOST_AUTO_TEST_CASE(p_percent_rule) {
  auto builder = TableBuilder::Create({"help"}, {.amounts = true});
  BOOST_REQUIRE(builder.ok());
  // food: 500 + 400 + 10 × 5: the others than the two largest are 50 < 10 % of 500.
  BOOST_TEST(builder->Add(Labels{"food"}, 500).ok());
  BOOST_TEST(builder->Add(Labels{"food"}, 400).ok());
  for (int i = 0; i < 10; ++i) BOOST_TEST(builder->Add(Labels{"food"}, 5).ok());
  for (int i = 0; i < 12; ++i) BOOST_TEST(builder->Add(Labels{"energy"}, 100).ok());
  auto table = std::move(*builder).Finish();
  BOOST_REQUIRE(table.ok());
  StatisticsRules rules;
  auto without = PrimarySuppression(*table, rules);
  BOOST_TEST((*without)[Index(*table, {"food"})].rules == 0u);
  rules.p_percent = 20;
  auto with = PrimarySuppression(*table, rules);
  const CellProtection& p = (*with)[Index(*table, {"food"})];
  BOOST_TEST(p.rules == uint32_t{kPPercentRule});
  BOOST_TEST(p.sum_upper == 50);  // ⌈(20 · 500 - 100 · 50) / 100⌉
  // A 1-dimension table: hiding food and energy (12 records, cheaper than the total's 24) leaves
  // the attacker their sum only.
  auto release = ProtectTable(*table, rules);
  BOOST_REQUIRE_MESSAGE(release.ok(), release.status());
  CheckRelease(*table, *release);
  BOOST_TEST(release->cells[Index(*table, {"energy"})].status == CellStatus::kSecondarySuppressed);
  BOOST_TEST(release->cells[Index(*table, {"total"})].status == CellStatus::kPublished);
  const AuditEntry* e = Entry(release->audit, Index(*table, {"food"}), Measure::kSum);
  BOOST_REQUIRE(e != nullptr);
  BOOST_TEST(e->min == 0);
  BOOST_TEST(*e->max == 2150);  // the published total
}

// A table whose grand total is below k: every non-empty cell is hidden. No single hypercube takes
// the grand total (3) down to 0, but its children are hidden too: the audit proves it.
BOOST_AUTO_TEST_CASE(table_below_k_publishes_no_count) {
  const StatisticsTable table = CountTable({{2, 0}, {0, 1}});
  auto release = ProtectTable(table, Rules(11));
  BOOST_REQUIRE_MESSAGE(release.ok(), release.status());
  for (size_t i = 0; i < table.cell_count(); ++i) {
    const ReleasedCell& cell = release->cells[i];
    BOOST_TEST((table.cell(i).count == 0) == cell.count.has_value(), table.Describe(i));
  }
  CheckRelease(table, *release);
}

// Random tables of 2 to 4 dimensions with many small cells: every release passes the audit and
// publishes no small cell.
BOOST_AUTO_TEST_CASE(random_tables_are_protected_and_pass_the_audit) {
  std::mt19937 rng(2024);
  int released = 0;
  for (int round = 0; round < 24; ++round) {
    const size_t dims = 2 + round % 3;
    std::vector<std::string> names;
    std::vector<int> sizes;
    for (size_t d = 0; d < dims; ++d) {
      names.push_back(absl::StrCat("d", d));
      sizes.push_back(2 + rng() % (dims == 4 ? 3 : 5));
    }
    auto builder = TableBuilder::Create(names, {.amounts = round % 2 == 1});
    BOOST_REQUIRE(builder.ok());
    const int records = 200 + rng() % 2000;
    std::vector<std::string> labels(dims);
    for (int r = 0; r < records; ++r) {
      // Skewed: low categories are frequent, high ones rare.
      for (size_t d = 0; d < dims; ++d) {
        const int v = std::min<int>(sizes[d] - 1, std::geometric_distribution<int>(0.45)(rng));
        labels[d] = absl::StrCat("v", v);
      }
      const int64_t amount = round % 2 == 1 ? (rng() % 50 == 0 ? 500000 : rng() % 5000) : 0;
      BOOST_REQUIRE(builder->Add(Labels(labels.begin(), labels.end()), amount).ok());
    }
    auto table = std::move(*builder).Finish();
    BOOST_REQUIRE(table.ok());
    auto release = ProtectTable(*table, Rules(5));
    BOOST_REQUIRE_MESSAGE(release.ok(), release.status());
    ++released;
    CheckRelease(*table, *release);
    for (const AuditEntry& e : release->audit.entries) BOOST_TEST(e.ok);
  }
  BOOST_TEST(released == 24);
}

BOOST_AUTO_TEST_SUITE_END()

// The attacker's exact interval for one measure of cell `target`, solved from scratch on every
// suppressed cell at once (the cells' values as unknowns, no block, no warm start, no skip): the
// reference the audit is compared with. Bounds rounded as the audit rounds them.
std::pair<int64_t, std::optional<int64_t>> ReferenceInterval(const StatisticsTable& table,
                                                             const std::vector<bool>& suppressed,
                                                             size_t target, Measure measure) {
  auto value = [&](size_t i) {
    return static_cast<double>(measure == Measure::kCount ? table.cell(i).count
                                                          : table.cell(i).sum);
  };
  glp_prob* lp = glp_create_prob();
  std::vector<int> column(table.cell_count());
  int columns = 0;
  for (size_t i = 0; i < table.cell_count(); ++i) {
    if (!suppressed[i]) continue;
    column[i] = ++columns;
    glp_add_cols(lp, 1);
    glp_set_col_bnds(lp, columns, GLP_LO, 0.0, 0.0);
  }
  std::vector<int> ia{0}, ja{0};
  std::vector<double> ar{0.0};
  int rows = 0;
  for (size_t d = 0; d < table.dimensions().size(); ++d) {
    const uint32_t n = table.dimensions()[d].total();
    for (size_t i = 0; i < table.cell_count(); ++i) {
      if (table.Coordinates(i)[d] != n) continue;
      // cell i (a total on d) = the sum of its n children along d.
      std::vector<std::pair<size_t, double>> terms{{i, 1.0}};
      for (uint32_t c = 0; c < n; ++c) terms.push_back({i - (n - c) * table.stride(d), -1.0});
      double rhs = 0;
      bool any = false;
      for (const auto& [cell, coefficient] : terms) {
        if (suppressed[cell]) {
          any = true;
        } else {
          rhs -= coefficient * value(cell);
        }
      }
      if (!any) continue;
      glp_add_rows(lp, 1);
      ++rows;
      glp_set_row_bnds(lp, rows, GLP_FX, rhs, rhs);
      for (const auto& [cell, coefficient] : terms) {
        if (!suppressed[cell]) continue;
        ia.push_back(rows);
        ja.push_back(column[cell]);
        ar.push_back(coefficient);
      }
    }
  }
  if (ia.size() > 1) {
    glp_load_matrix(lp, static_cast<int>(ia.size() - 1), ia.data(), ja.data(), ar.data());
  }
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  glp_set_obj_coef(lp, column[target], 1.0);
  std::pair<int64_t, std::optional<int64_t>> out;
  for (int dir : {GLP_MIN, GLP_MAX}) {
    glp_set_obj_dir(lp, dir);
    glp_std_basis(lp);
    BOOST_REQUIRE(glp_simplex(lp, &parm) == 0);
    const int status = glp_get_status(lp);
    if (dir == GLP_MAX && status == GLP_UNBND) continue;
    BOOST_REQUIRE(status == GLP_OPT);
    const double v = glp_get_obj_val(lp);
    const double tol = 1e-6 * std::max(1.0, std::fabs(v));
    if (dir == GLP_MIN) {
      out.first = static_cast<int64_t>(std::ceil(v - tol));
    } else {
      out.second = static_cast<int64_t>(std::floor(v + tol));
    }
  }
  glp_delete_prob(lp);
  return out;
}

BOOST_AUTO_TEST_SUITE(audit_early_exit)

// In a large block the audit stops a sensitive cell's runs once its requirement is proven and
// runs nothing for an entry without requirement (forced here on small blocks). On 200 random
// 3×4×3 tables with random suppression patterns and protection levels (some covered, some not),
// every bound marked exact equals the reference's, every other lies inside the reference interval
// and, for a sensitive cell, covers the requirement, and every verdict is the reference's. With
// exact blocks every bound is exact.
BOOST_AUTO_TEST_CASE(matches_the_full_attacker_problem_on_random_tables) {
  std::mt19937 rng(1405);
  int early = 0, exact = 0, refused = 0, unbounded = 0;
  for (int round = 0; round < 200; ++round) {
    auto builder = TableBuilder::Create({"a", "b", "c"}, {.amounts = true});
    BOOST_REQUIRE(builder.ok());
    const int records = 20 + static_cast<int>(rng() % 150);
    for (int r = 0; r < records; ++r) {
      const std::string a = absl::StrCat(rng() % 3), b = absl::StrCat(rng() % 4),
                        c = absl::StrCat(rng() % 3);
      BOOST_REQUIRE(builder->Add(Labels{a, b, c}, static_cast<int64_t>(rng() % 1000)).ok());
    }
    auto table = std::move(*builder).Finish();
    BOOST_REQUIRE(table.ok());
    std::vector<bool> suppressed(table->cell_count());
    std::vector<CellProtection> protection(table->cell_count());
    const uint32_t density = 2 + rng() % 5;  // 2/10 to 6/10 of the cells suppressed
    for (size_t i = 0; i < table->cell_count(); ++i) {
      suppressed[i] = rng() % 10 < density;
      if (!suppressed[i] || rng() % 2 == 0) continue;
      const TableCell& cell = table->cell(i);
      CellProtection& p = protection[i];
      p.rules = kFrequencyRule;
      p.count_lower = static_cast<int64_t>(rng() % (cell.count + 1));
      p.count_upper = static_cast<int64_t>(rng() % 12);
      p.sum_lower = static_cast<int64_t>(rng() % (cell.sum + 1));
      p.sum_upper = static_cast<int64_t>(rng() % 3000);
    }
    auto fast = stats::Audit(*table, protection, suppressed, {.exact_block_cells = 0});
    BOOST_REQUIRE_MESSAGE(fast.ok(), fast.status());
    auto full = stats::Audit(*table, protection, suppressed, {.exact_block_cells = SIZE_MAX});
    BOOST_REQUIRE_MESSAGE(full.ok(), full.status());
    BOOST_REQUIRE(fast->entries.size() == full->entries.size());
    BOOST_TEST(fast->ok == full->ok);
    refused += !full->ok;
    for (size_t j = 0; j < fast->entries.size(); ++j) {
      const AuditEntry& e = fast->entries[j];
      const AuditEntry& f = full->entries[j];
      const auto [min, max] = ReferenceInterval(*table, suppressed, e.cell, e.measure);
      const std::string where = absl::StrCat("round ", round, ", ", table->Describe(e.cell),
                                             e.measure == Measure::kCount ? " count" : " sum");
      BOOST_TEST(f.min_exact);
      BOOST_TEST(f.max_exact);
      BOOST_TEST(f.min == min, where);
      BOOST_TEST((f.max == max), where);
      unbounded += !max.has_value();
      if (e.sensitive) {
        const bool ok = min <= e.required_min && (!max.has_value() || *max >= e.required_max);
        BOOST_TEST(e.ok == ok, where);
        BOOST_TEST(f.ok == ok, where);
      }
      if (e.min_exact) {
        BOOST_TEST(e.min == min, where);
        ++exact;
      } else {
        // An inner bound; for a sensitive cell, one that covers the requirement.
        BOOST_TEST(e.min >= min, where);
        BOOST_TEST((!e.sensitive || e.min <= e.required_min), where);
        ++early;
      }
      if (e.max_exact) {
        BOOST_TEST((e.max == max), where);
        ++exact;
      } else {
        BOOST_REQUIRE(e.max.has_value());
        BOOST_TEST((!max.has_value() || *max >= *e.max), where);
        BOOST_TEST((!e.sensitive || *e.max >= e.required_max), where);
        ++early;
      }
    }
  }
  // The cases the comparison needs all occur: early exits, exact bounds, refusals, unbounded
  // maxima.
  BOOST_TEST(early > 100);
  BOOST_TEST(exact > 100);
  BOOST_TEST(refused > 10);
  BOOST_TEST(unbounded > 10);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
