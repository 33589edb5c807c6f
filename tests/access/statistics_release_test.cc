// Releasing statistics tables (issue 14; socle/statistics_release.hpp, socle/privacy_budget.hpp):
// the privacy budget declared in the policy and kept in the engine's state (charged before the
// release, refused when spent, the same after a replay and a snapshot), the suppressed and the
// noisy release recorded in the trail with the document's digest, and the renderings (JSON, CSV,
// the .socle statistics file) holding aggregates only.
#include "socle/statistics_release.hpp"

#include <boost/test/unit_test.hpp>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "../vault/test_util.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "crypto/crypto.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/ledger.hpp"
#include "socle/noise.hpp"
#include "socle/policy.hpp"
#include "socle/privacy_budget.hpp"
#include "socle/statistics.hpp"
#include "socle/trail.hpp"
#include "socle/v1/ledger.pb.h"
#include "socle/v1/statistics.pb.h"
#include "socle/vault.hpp"
#include "stats/noise.h"
#include "test_util.h"

namespace socle::access_testing {
namespace {

constexpr absl::string_view kStatisticsActivity = R"(
activities {
  id: "rapport_activite"
  name: "Rapport d'activité annuel"
  purpose: "Produire les tableaux d'activité annuels du service"
  purpose_kind: STATISTICS
  legal_basis: PUBLIC_TASK
  legal_basis_reference: "CASF L.123-2"
  public_task: true
  data_categories: ["administrative"]
  person_categories: ["personne_accompagnee"]
  recipients { name: "Conseil départemental" kind: INTERNAL }
  retention { data_category: "administrative" start: CREATION active_months: 24 end_action: DELETE }
}
)";

// The workload policy with a statistics activity and two budgets: "activite" (ε = 1, pure) and
// "activite_zcdp" (ε = 2, δ = 10^-6).
std::string StatisticsPolicy(absl::string_view budgets = R"(
statistics {
  small_cell_threshold: 3
  privacy_budgets {
    id: "activite" activity: "rapport_activite"
    epsilon { numerator: 1 denominator: 1 }
  }
  privacy_budgets {
    id: "activite_zcdp" activity: "rapport_activite"
    epsilon { numerator: 2 denominator: 1 }
    delta { numerator: 1 denominator: 1000000 }
  }
}
)") {
  return PolicyVariant({}, absl::StrCat(kStatisticsActivity, budgets));
}

PrivacyCharge Laplace(absl::string_view release, uint64_t scale_num, uint64_t scale_den = 1) {
  PrivacyCharge c;
  c.release = std::string(release);
  c.mechanism = NoiseMechanism::kDiscreteLaplace;
  c.sensitivity = Rational{1, 1};
  c.parameter = Rational{scale_num, scale_den};
  return c;
}

struct ReleaseFixture {
  ReleaseFixture() : policy(LoadPolicy(StatisticsPolicy())) {
    AccessEngine::Options options;
    options.clock = &clock;
    auto opened = AccessEngine::Open(policy, record, options);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    engine = std::move(*opened);
    DirectoryData d;
    d.professionals = {{"sw1", "social_worker", {"t1"}}};
    d.persons.push_back({"person-alpha", {"t1"}});
    BOOST_REQUIRE(engine->LoadDirectory(d).ok());
    LedgerOptions lo;
    lo.clock = &clock;
    lo.checkpoint_every = 0;
    lo.checkpoint_interval = absl::ZeroDuration();
    lo.group_commit_delay = absl::Milliseconds(1);
    auto opened_ledger = Ledger::Open(dir.File("trail.db"), vault, "access_trail", lo);
    BOOST_REQUIRE_MESSAGE(opened_ledger.ok(), opened_ledger.status().ToString());
    ledger = std::shared_ptr<Ledger>(std::move(*opened_ledger));
    auto created = AccessTrail::Create(ledger, *engine);
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    trail = std::move(*created);
  }

  // The trail's operations about no person: "operation actor detail".
  std::vector<v1::OperationRecord> Releases() {
    auto entries = ledger->ReadEntries(0, 1000);
    BOOST_REQUIRE(entries.ok());
    std::vector<v1::OperationRecord> out;
    for (const auto& stored : *entries) {
      v1::LedgerEntry e;
      BOOST_REQUIRE(e.ParseFromString(stored.bytes));
      v1::OperationRecord op;
      if (e.payload().empty() || !op.ParseFromString(e.payload())) continue;
      if (op.operation() == v1::OperationRecord::STATISTICS_RELEASE) out.push_back(op);
    }
    return out;
  }

  vault_testing::TempDir dir;
  std::shared_ptr<Vault> vault = vault_testing::LoadVault(
      vault_testing::NewKeyFile(dir.File("master.key")), dir.File("vault.db"));
  FakeClock clock{absl::FromUnixSeconds(Scenario::kStart)};
  Policy policy;
  std::shared_ptr<MemoryEngineRecord> record = std::make_shared<MemoryEngineRecord>();
  std::unique_ptr<AccessEngine> engine;
  std::shared_ptr<Ledger> ledger;
  std::unique_ptr<AccessTrail> trail;
};

// A 3 × 3 table of age band × commune: one cell of 2 (REQ-53), the rest large; amounts of 100
// cents each, one of 5,000.
StatisticsTable SmallTable(bool amounts = false) {
  TableBuilder::Options options;
  options.amounts = amounts;
  auto builder = TableBuilder::Create({"age_band", "commune"}, options);
  BOOST_REQUIRE(builder.ok());
  const char* ages[] = {"18-29", "30-44", "45-59"};
  const char* communes[] = {"Albi", "Castres", "Gaillac"};
  for (int a = 0; a < 3; ++a) {
    for (int c = 0; c < 3; ++c) {
      const int n = (a == 0 && c == 0) ? 2 : 20 + 3 * a + c;
      for (int i = 0; i < n; ++i) {
        const int64_t amount = !amounts ? 0 : (a == 2 && c == 2 && i == 0) ? 5000 : 100;
        BOOST_REQUIRE(builder->Add({ages[a], communes[c]}, amount).ok());
      }
    }
  }
  auto table = std::move(*builder).Finish();
  BOOST_REQUIRE(table.ok());
  return *std::move(table);
}

StatisticsPublication Publication(absl::string_view name = "activite_2026") {
  return StatisticsPublication{std::string(name), "rapport_activite", "sw1"};
}

BOOST_AUTO_TEST_SUITE(statistics_release)

// The policy declares the budgets; bad declarations are refused with their code and path.
BOOST_AUTO_TEST_CASE(budgets_are_checked_in_the_policy) {
  struct Case {
    std::string budget;
    std::string code;
  } cases[] = {
      {R"(privacy_budgets { id: "b" activity: "nowhere" epsilon { numerator: 1 denominator: 1 } })",
       "reference.unknown"},
      {R"(privacy_budgets { id: "b" activity: "accompagnement" epsilon { numerator: 1 denominator: 1 } })",
       "statistics.budget_activity_not_statistics"},
      {R"(privacy_budgets { id: "b" activity: "rapport_activite" })",
       "statistics.budget_epsilon_missing"},
      {R"(privacy_budgets { id: "b" activity: "rapport_activite" epsilon { numerator: 0 denominator: 1 } })",
       "statistics.budget_invalid"},
      {R"(privacy_budgets { id: "b" activity: "rapport_activite" epsilon { numerator: 1 denominator: 0 } })",
       "statistics.budget_invalid"},
      {R"(privacy_budgets { id: "b" activity: "rapport_activite" epsilon { numerator: 1 denominator: 1 } delta { numerator: 1 denominator: 1 } })",
       "statistics.budget_invalid"},
      {R"(privacy_budgets { id: "b" activity: "rapport_activite" epsilon { numerator: 1 denominator: 1 } }
          privacy_budgets { id: "b" activity: "rapport_activite" epsilon { numerator: 1 denominator: 1 } })",
       "id.duplicate"},
      {R"(privacy_budgets { id: "Bad Id" activity: "rapport_activite" epsilon { numerator: 1 denominator: 1 } })",
       "id.invalid"},
  };
  for (const Case& c : cases) {
    std::vector<Diagnostic> diagnostics;
    auto loaded = Policy::Load(
        PolicyVariant({}, absl::StrCat(kStatisticsActivity, "statistics { ", c.budget, " }")),
        &diagnostics);
    BOOST_TEST(!loaded.ok(), c.code);
    bool found = false;
    for (const Diagnostic& d : diagnostics) {
      if (d.code == c.code) {
        found = true;
        BOOST_TEST(absl::StartsWith(d.path, "statistics.privacy_budgets"), d.path);
      }
    }
    BOOST_TEST(found, c.code);
  }
}

BOOST_FIXTURE_TEST_CASE(charges_are_state_and_exhaustion_is_refused, ReleaseFixture) {
  auto fresh = PrivacyBudgetOf(*engine->snapshot(), "activite");
  BOOST_REQUIRE_MESSAGE(fresh.ok(), fresh.status().ToString());
  BOOST_TEST(fresh->epsilon().ToString() == "1");
  BOOST_TEST(fresh->charges().empty());

  // ε 1/2, then 1/3 + 1/6 in one batch: exactly ε = 1.
  auto first = ChargePrivacyBudget(*engine, "activite", {Laplace("t1", 2)}, "sw1");
  BOOST_REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  auto second =
      ChargePrivacyBudget(*engine, "activite", {Laplace("t2", 3), Laplace("t3", 6)}, "sw1");
  BOOST_REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  auto spent = PrivacyBudgetOf(*engine->snapshot(), "activite");
  BOOST_REQUIRE(spent.ok());
  BOOST_TEST(spent->laplace_epsilon_spent().ToString() == "1");
  const std::vector<RecordedPrivacyCharge> charges =
      PrivacyChargesOf(*engine->snapshot(), "activite");
  BOOST_REQUIRE_EQUAL(charges.size(), 3u);
  BOOST_TEST(charges[0].recorded_by == "sw1");
  BOOST_TEST(charges[0].charge.epsilon.ToString() == "1/2");
  BOOST_TEST(charges[2].charge.epsilon.ToString() == "1/6");
  BOOST_TEST(charges[0].recorded_at == clock.Now());

  // Spent: the smallest release is refused and nothing changes.
  const uint64_t revision = engine->snapshot()->revision();
  auto refused = ChargePrivacyBudget(*engine, "activite", {Laplace("t4", 1000000)}, "sw1");
  BOOST_TEST((ErrorCodeOf(refused.status()) == ErrorCode::kResourceExhausted));
  BOOST_TEST(engine->snapshot()->revision() == revision);
  BOOST_TEST(PrivacyChargesOf(*engine->snapshot(), "activite").size() == 3u);
  // A batch whose second charge does not fit charges neither.
  auto other =
      ChargePrivacyBudget(*engine, "activite_zcdp", {Laplace("a", 1), Laplace("b", 1)}, "sw1");
  BOOST_REQUIRE(other.ok());  // ε 2 of 2
  auto partial = ChargePrivacyBudget(*engine, "activite_zcdp",
                                     {Laplace("c", 1, 1000000), Laplace("d", 1)}, "sw1");
  BOOST_TEST((ErrorCodeOf(partial.status()) == ErrorCode::kResourceExhausted));
  BOOST_TEST(PrivacyChargesOf(*engine->snapshot(), "activite_zcdp").size() == 2u);

  // Bad input, state unchanged.
  BOOST_TEST(
      (ErrorCodeOf(ChargePrivacyBudget(*engine, "nope", {Laplace("x", 1)}, "sw1").status()) ==
       ErrorCode::kNotFound));
  BOOST_TEST(
      (ErrorCodeOf(ChargePrivacyBudget(*engine, "activite", {Laplace("", 1)}, "sw1").status()) ==
       ErrorCode::kInvalidArgument));
  BOOST_TEST((ErrorCodeOf(ChargePrivacyBudget(*engine, "activite", {}, "sw1").status()) ==
              ErrorCode::kInvalidArgument));
  BOOST_TEST((
      ErrorCodeOf(ChargePrivacyBudget(*engine, "activite", {Laplace("x", 1, 0)}, "sw1").status()) ==
      ErrorCode::kInvalidArgument));
  BOOST_TEST(!ChargePrivacyBudget(*engine, "activite", {Laplace("x", 1)}, "nobody").ok());
  BOOST_TEST(
      (ErrorCodeOf(PrivacyBudgetOf(*engine->snapshot(), "nope").status()) == ErrorCode::kNotFound));
  BOOST_TEST(engine->snapshot()->revision() == revision + 2);
}

BOOST_FIXTURE_TEST_CASE(gaussian_needs_delta, ReleaseFixture) {
  PrivacyCharge g = Laplace("g", 32);
  g.mechanism = NoiseMechanism::kDiscreteGaussian;  // σ² = 32, ρ = 1/64
  BOOST_TEST((ErrorCodeOf(ChargePrivacyBudget(*engine, "activite", {g}, "sw1").status()) ==
              ErrorCode::kFailedPrecondition));
  auto charged = ChargePrivacyBudget(*engine, "activite_zcdp", {g}, "sw1");
  BOOST_REQUIRE_MESSAGE(charged.ok(), charged.status().ToString());
  auto budget = PrivacyBudgetOf(*engine->snapshot(), "activite_zcdp");
  BOOST_REQUIRE(budget.ok());
  BOOST_TEST(budget->rho_spent().ToString() == "1/64");
  // ρ = 1/8 would cost 1/8 + 2·sqrt(ρ·ln(10^6)) ≈ 2.75 > ε = 2: refused.
  PrivacyCharge big = Laplace("big", 4);
  big.mechanism = NoiseMechanism::kDiscreteGaussian;
  BOOST_TEST((ErrorCodeOf(ChargePrivacyBudget(*engine, "activite_zcdp", {big}, "sw1").status()) ==
              ErrorCode::kResourceExhausted));
}

// The budget is the events': a snapshot and a replay of the state ledger give the same charges.
BOOST_FIXTURE_TEST_CASE(charges_survive_snapshot_and_replay, ReleaseFixture) {
  BOOST_REQUIRE(ChargePrivacyBudget(*engine, "activite", {Laplace("a", 4)}, "sw1").ok());
  BOOST_REQUIRE(engine->SaveSnapshot().ok());
  BOOST_REQUIRE(ChargePrivacyBudget(*engine, "activite", {Laplace("b", 4)}, "sw1").ok());
  PrivacyCharge g = Laplace("g", 50);
  g.mechanism = NoiseMechanism::kDiscreteGaussian;
  BOOST_REQUIRE(ChargePrivacyBudget(*engine, "activite_zcdp", {g}, "sw1").ok());

  const auto state_of = [](const AccessEngine& e) {
    std::vector<std::string> out;
    for (const char* dataset : {"activite", "activite_zcdp"}) {
      for (const RecordedPrivacyCharge& r : PrivacyChargesOf(*e.snapshot(), dataset)) {
        out.push_back(absl::StrCat(dataset, " ", r.charge.release, " ", r.charge.epsilon.ToString(),
                                   " ", r.charge.rho.ToString(), " ", r.recorded_by, " ",
                                   r.revision));
      }
      auto b = PrivacyBudgetOf(*e.snapshot(), dataset);
      BOOST_REQUIRE(b.ok());
      out.push_back(
          absl::StrCat(b->laplace_epsilon_spent().ToString(), " ", b->rho_spent().ToString()));
    }
    return out;
  };
  const std::vector<std::string> expected = state_of(*engine);
  BOOST_TEST(expected.size() == 5u);

  AccessEngine::Options options;
  options.clock = &clock;
  auto reopened = AccessEngine::Open(policy, record, options);
  BOOST_REQUIRE_MESSAGE(reopened.ok(), reopened.status().ToString());
  BOOST_TEST(state_of(**reopened) == expected, boost::test_tools::per_element());

  auto events_only = EventsOnly(*record);
  auto replayed = AccessEngine::Open(policy, events_only, options);
  BOOST_REQUIRE_MESSAGE(replayed.ok(), replayed.status().ToString());
  BOOST_TEST(state_of(**replayed) == expected, boost::test_tools::per_element());

  // The policy lowers the budget below what was spent: nothing more can be charged.
  Policy lowered = LoadPolicy(StatisticsPolicy(R"(
statistics {
  privacy_budgets { id: "activite" activity: "rapport_activite" epsilon { numerator: 1 denominator: 4 } }
  privacy_budgets { id: "activite_zcdp" activity: "rapport_activite" epsilon { numerator: 2 denominator: 1 } delta { numerator: 1 denominator: 1000000 } }
}
)"));
  // A policy change outside two-person activation (REQ-62): development mode.
  options.development_mode = true;
  auto under_lowered = AccessEngine::Open(lowered, events_only, options);  // no snapshot
  BOOST_REQUIRE_MESSAGE(under_lowered.ok(), under_lowered.status().ToString());
  BOOST_TEST((ErrorCodeOf(PrivacyBudgetOf(*(*under_lowered)->snapshot(), "activite").status()) ==
              ErrorCode::kResourceExhausted));
  BOOST_TEST((
      ErrorCodeOf(
          ChargePrivacyBudget(**under_lowered, "activite", {Laplace("c", 1000)}, "sw1").status()) ==
      ErrorCode::kResourceExhausted));
}

// REQ-53 through the release: the cell of 2 is suppressed with complements in its row and
// column, the audit's intervals are published, the trail records the release with the digest
// of the very document rendered.
BOOST_FIXTURE_TEST_CASE(suppressed_release_is_recorded, ReleaseFixture) {
  const StatisticsTable table = SmallTable();
  const StatisticsRules rules = StatisticsRules::FromPolicy(policy);
  BOOST_TEST(rules.small_cell_threshold == 3u);
  auto release = PublishTable(*trail, table, rules, Publication());
  BOOST_REQUIRE_MESSAGE(release.ok(), release.status().ToString());
  BOOST_TEST(release->primary_suppressed == 1u);
  BOOST_TEST(release->secondary_suppressed >= 3u);  // a rectangle: its row, its column, the corner
  const size_t two = *table.CellIndexOf({"18-29", "Albi"});
  BOOST_TEST(!release->cells[two].count.has_value());

  const std::vector<v1::OperationRecord> recorded = Releases();
  BOOST_REQUIRE_EQUAL(recorded.size(), 1u);
  BOOST_TEST(recorded[0].actor() == "sw1");
  const std::string bytes = StatisticsDocumentBytes(*release, Publication());
  const std::string digest = crypto::ToHex(crypto::Sha256(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())));
  BOOST_TEST(absl::StrContains(recorded[0].detail(), digest), recorded[0].detail());
  BOOST_TEST(absl::StrContains(recorded[0].detail(), "table 'activite_2026'"));

  // The document: aggregates and the audit's intervals; never a contribution.
  v1::StatisticsDocument doc;
  BOOST_REQUIRE(doc.ParseFromString(bytes));
  BOOST_TEST(doc.cells_size() == 16);
  BOOST_TEST(doc.table().protection().suppression().primary_suppressed() == 1u);
  const v1::StatisticsCell& cell = doc.cells(static_cast<int>(two));
  BOOST_TEST(cell.status() == v1::StatisticsCell::PRIMARY_SUPPRESSED);
  BOOST_TEST(!cell.has_count());
  BOOST_TEST(cell.has_count_min());
  BOOST_TEST(cell.count_min() == 0);
  BOOST_TEST((!cell.has_count_max() || cell.count_max() >= 3));
  BOOST_TEST(doc.cells(15).labels(0) == "total");
  BOOST_TEST(doc.cells(15).count() == table.record_count());

  // CSV: a header and one line per cell, the suppressed count empty.
  const std::string csv = StatisticsCsv(*release);
  const std::vector<std::string> lines = absl::StrSplit(csv, "\r\n", absl::SkipEmpty());
  BOOST_REQUIRE_EQUAL(lines.size(), 17u);
  BOOST_TEST(lines[0] == "age_band,commune,status,count,sum,count_min,count_max,sum_min,sum_max");
  BOOST_TEST(absl::StartsWith(lines[1 + two], "18-29,Albi,primary_suppressed,,,0,"),
             lines[1 + two]);
  BOOST_TEST(lines[16] == absl::StrCat("total,total,published,", table.record_count(), ",,,,,"));
  // JSON: protobuf's mapping of the same document.
  const std::string json = StatisticsJson(*release, Publication());
  BOOST_TEST(absl::StrContains(json, "\"PRIMARY_SUPPRESSED\""));
  BOOST_TEST(absl::StrContains(json, "\"activite_2026\""));

  // The .socle statistics file: the table, then one record per cell, signed; read back.
  const ExportSigningKey signing = ExportSigningKey::Generate();
  ExportWriterOptions wo;
  wo.kind = ExportKind::kStatisticsTable;
  wo.issuer = "Conseil départemental";
  std::string file;
  auto writer = ExportWriter::Create(StringSink(&file), signing, wo);
  BOOST_REQUIRE_MESSAGE(writer.ok(), writer.status().ToString());
  BOOST_TEST(((*writer)->kind() == ExportKind::kStatisticsTable));
  // A writer made for another kind is refused before anything is written to it.
  {
    ExportWriterOptions other = wo;
    other.kind = ExportKind::kAuditExtract;
    std::string other_file;
    auto wrong = ExportWriter::Create(StringSink(&other_file), signing, other);
    BOOST_REQUIRE_MESSAGE(wrong.ok(), wrong.status().ToString());
    BOOST_TEST(((*wrong)->kind() == ExportKind::kAuditExtract));
    const std::string header_only = other_file;
    auto refused = WriteStatisticsExport(*release, Publication(), **wrong);
    BOOST_TEST((ErrorCodeOf(refused.status()) == ErrorCode::kInvalidArgument));
    BOOST_TEST(refused.status().message() ==
               "WriteStatisticsExport: the writer was made for exports of kind audit_extract, "
               "not statistics_table");
    BOOST_TEST(other_file == header_only);
    // Nothing was added: the wrong writer still finishes an empty file.
    auto empty = (*wrong)->Finish();
    BOOST_REQUIRE_MESSAGE(empty.ok(), empty.status().ToString());
    BOOST_TEST(empty->records == 0u);
  }
  auto summary = WriteStatisticsExport(*release, Publication(), **writer);
  BOOST_REQUIRE_MESSAGE(summary.ok(), summary.status().ToString());
  auto reader = ExportReader::Open(MemorySource(file), ExportReaderOptions{});
  BOOST_REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
  BOOST_TEST(((*reader)->kind() == ExportKind::kStatisticsTable));
  std::vector<v1::StatisticsRecord> records;
  std::string bytes_read;
  while (true) {
    auto next = (*reader)->Next(&bytes_read);
    BOOST_REQUIRE_MESSAGE(next.ok(), next.status().ToString());
    if (!*next) break;
    BOOST_REQUIRE(records.emplace_back().ParseFromString(bytes_read));
  }
  BOOST_REQUIRE_EQUAL(records.size(), 17u);
  BOOST_TEST(records[0].table().name() == "activite_2026");
  BOOST_TEST(records[1 + two].cell().status() == v1::StatisticsCell::PRIMARY_SUPPRESSED);
  BOOST_TEST(summary->records == 17u);
}

BOOST_FIXTURE_TEST_CASE(release_refuses_bad_input_and_records_nothing, ReleaseFixture) {
  const StatisticsTable table = SmallTable();
  const StatisticsRules rules = StatisticsRules::FromPolicy(policy);
  StatisticsPublication p = Publication();
  p.activity = "accompagnement";
  BOOST_TEST((ErrorCodeOf(PublishTable(*trail, table, rules, p).status()) ==
              ErrorCode::kFailedPrecondition));
  p.activity = "nowhere";
  BOOST_TEST((ErrorCodeOf(PublishTable(*trail, table, rules, p).status()) == ErrorCode::kNotFound));
  p = Publication("");
  BOOST_TEST(
      (ErrorCodeOf(PublishTable(*trail, table, rules, p).status()) == ErrorCode::kInvalidArgument));
  p = Publication("bad\nname");
  BOOST_TEST(
      (ErrorCodeOf(PublishTable(*trail, table, rules, p).status()) == ErrorCode::kInvalidArgument));
  StatisticsRules k2 = rules;
  k2.small_cell_threshold = 2;
  BOOST_TEST((ErrorCodeOf(PublishTable(*trail, table, k2, Publication()).status()) ==
              ErrorCode::kInvalidArgument));
  NoiseOptions noise;
  noise.dataset = "activite";
  noise.parameter = Rational{2, 1};
  noise.amount_bound = 100;  // the table has no amounts
  BOOST_TEST(
      (ErrorCodeOf(PublishNoisyTable(*engine, *trail, table, Publication(), noise).status()) ==
       ErrorCode::kInvalidArgument));
  noise.amount_bound = 0;
  noise.records_per_person = 0;
  BOOST_TEST(
      (ErrorCodeOf(PublishNoisyTable(*engine, *trail, table, Publication(), noise).status()) ==
       ErrorCode::kInvalidArgument));
  BOOST_TEST(Releases().empty());
  BOOST_TEST(PrivacyChargesOf(*engine->snapshot(), "activite").empty());
}

std::unique_ptr<NoiseSource> SeededNoise() {
  auto source = stats::SeededRandomSource::Create(SecretBytes(std::string(32, 's')));
  BOOST_REQUIRE(source.ok());
  return std::make_unique<NoiseSource>(std::move(*source));
}

// The noisy release: charged first (two charges with sums), every cell noisy, additive, recorded;
// the budget's end refuses the next release before any noise is drawn.
BOOST_FIXTURE_TEST_CASE(noisy_release_charges_the_budget, ReleaseFixture) {
  const StatisticsTable table = SmallTable(/*amounts=*/true);
  NoiseOptions noise;
  noise.dataset = "activite";
  noise.parameter = Rational{4, 1};  // ε = 1/4 for the counts, 1/4 for the sums
  noise.amount_bound = 5000;
  auto source = SeededNoise();
  auto release = PublishNoisyTable(*engine, *trail, table, Publication(), noise, source.get());
  BOOST_REQUIRE_MESSAGE(release.ok(), release.status().ToString());
  BOOST_REQUIRE(release->noise.has_value());
  BOOST_REQUIRE_EQUAL(release->noise->charges.size(), 2u);
  BOOST_TEST(release->noise->charges[0].epsilon.ToString() == "1/4");
  BOOST_TEST(release->noise->charges[1].epsilon.ToString() == "1/4");
  BOOST_TEST(release->noise->charges[1].parameter.ToString() == "20000");
  BOOST_TEST(release->has_amounts);
  // Additive: every margin is the sum of its cells, whatever the noise.
  const size_t n = 4;  // 3 categories and the total per dimension
  for (size_t a = 0; a < n; ++a) {
    int64_t row = 0, row_sum = 0;
    for (size_t c = 0; c < 3; ++c) {
      row += *release->cells[a * n + c].count;
      row_sum += *release->cells[a * n + c].sum;
    }
    BOOST_TEST(*release->cells[a * n + 3].count == row);
    BOOST_TEST(*release->cells[a * n + 3].sum == row_sum);
  }
  for (const ReleasedCell& c : release->cells) {
    BOOST_TEST((c.status == CellStatus::kNoisy));
    BOOST_TEST(*c.count >= 0);  // clamped base cells
  }
  auto budget = PrivacyBudgetOf(*engine->snapshot(), "activite");
  BOOST_REQUIRE(budget.ok());
  BOOST_TEST(budget->laplace_epsilon_spent().ToString() == "1/2");
  const std::vector<v1::OperationRecord> recorded = Releases();
  BOOST_REQUIRE_EQUAL(recorded.size(), 1u);
  BOOST_TEST(absl::StrContains(recorded[0].detail(),
                               "discrete Laplace noise charged to dataset "
                               "'activite' (ε 1/4 + ε 1/4)"),
             recorded[0].detail());

  // An amount above the bound is refused before any charge.
  noise.amount_bound = 4999;
  BOOST_TEST(
      (ErrorCodeOf(PublishNoisyTable(*engine, *trail, table, Publication("b"), noise, source.get())
                       .status()) == ErrorCode::kInvalidArgument));
  // The second release at the same ε fits exactly; a third is refused, nothing recorded.
  noise.amount_bound = 5000;
  BOOST_REQUIRE(
      PublishNoisyTable(*engine, *trail, table, Publication("c"), noise, source.get()).ok());
  auto refused = PublishNoisyTable(*engine, *trail, table, Publication("d"), noise, source.get());
  BOOST_TEST((ErrorCodeOf(refused.status()) == ErrorCode::kResourceExhausted));
  BOOST_TEST(Releases().size() == 2u);
  BOOST_TEST(PrivacyChargesOf(*engine->snapshot(), "activite").size() == 4u);
}

// A seeded stream that runs `before_first_fill` once, when the release first draws noise: after
// its charges are recorded, before it reads them back.
class InterleavingSource final : public RandomSource {
 public:
  explicit InterleavingSource(std::function<void()> before_first_fill)
      : before_first_fill_(std::move(before_first_fill)) {
    auto seeded = stats::SeededRandomSource::Create(SecretBytes(std::string(32, 'i')));
    BOOST_REQUIRE(seeded.ok());
    seeded_ = std::move(*seeded);
  }
  void Fill(absl::Span<uint8_t> out) override {
    if (before_first_fill_) std::exchange(before_first_fill_, nullptr)();
    seeded_->Fill(out);
  }

 private:
  std::function<void()> before_first_fill_;
  std::unique_ptr<stats::SeededRandomSource> seeded_;
};

// Another release charging the same dataset just before ours, and one just after ours (between
// our charge and the release reading its charges back): the release lists its own charges only,
// at the revisions of its own batch.
BOOST_FIXTURE_TEST_CASE(noisy_release_lists_its_own_charges_only, ReleaseFixture) {
  const PrivacyCharge before = Laplace("autre_avant: counts", 16);
  auto charged = ChargePrivacyBudget(*engine, "activite", absl::MakeConstSpan(&before, 1), "sw1");
  BOOST_REQUIRE_MESSAGE(charged.ok(), charged.status().ToString());
  const uint64_t before_revision = *charged;

  uint64_t after_revision = 0;
  NoiseSource source(std::make_unique<InterleavingSource>([&] {
    const PrivacyCharge after[] = {Laplace("autre_apres: counts", 8),
                                   Laplace("autre_apres: sums", 8)};
    auto charged_after = ChargePrivacyBudget(*engine, "activite", after, "sw1");
    BOOST_REQUIRE_MESSAGE(charged_after.ok(), charged_after.status().ToString());
    after_revision = *charged_after;
  }));
  const StatisticsTable table = SmallTable(/*amounts=*/true);
  NoiseOptions noise;
  noise.dataset = "activite";
  noise.parameter = Rational{4, 1};
  noise.amount_bound = 5000;
  auto release = PublishNoisyTable(*engine, *trail, table, Publication(), noise, &source);
  BOOST_REQUIRE_MESSAGE(release.ok(), release.status().ToString());
  BOOST_REQUIRE(release->noise.has_value());
  const NoisyReleaseRecord& own = *release->noise;
  BOOST_TEST(own.revision == before_revision + 2);  // our batch: the two revisions after it
  BOOST_TEST(after_revision == own.revision + 2);   // the other release's, after ours
  std::vector<std::string> labels;
  for (const PrivacyCharge& c : own.charges) labels.push_back(c.release);
  const std::vector<std::string> expected = {"activite_2026: counts", "activite_2026: sums"};
  BOOST_TEST(labels == expected, boost::test_tools::per_element());
  BOOST_REQUIRE_EQUAL(own.charges.size(), 2u);
  BOOST_TEST(own.charges[0].epsilon.ToString() == "1/4");
  BOOST_TEST(own.charges[1].parameter.ToString() == "20000");

  // The dataset holds all five, in the order applied; the trail names only ours.
  std::vector<std::string> all;
  for (const RecordedPrivacyCharge& r : PrivacyChargesOf(*engine->snapshot(), "activite")) {
    all.push_back(absl::StrCat(r.charge.release, "@", r.revision - before_revision));
  }
  const std::vector<std::string> expected_all = {"autre_avant: counts@0", "activite_2026: counts@1",
                                                 "activite_2026: sums@2", "autre_apres: counts@3",
                                                 "autre_apres: sums@4"};
  BOOST_TEST(all == expected_all, boost::test_tools::per_element());
  const std::vector<v1::OperationRecord> recorded = Releases();
  BOOST_REQUIRE_EQUAL(recorded.size(), 1u);
  BOOST_TEST(absl::StrContains(recorded[0].detail(), "(ε 1/4 + ε 1/4)"), recorded[0].detail());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::access_testing
