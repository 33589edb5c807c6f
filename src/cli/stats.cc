// `socle stats`: anonymous statistics tables from a CSV file of records (issue 14,
// docs/statistics.md, "Command line"): each dimension a column generalised on the way in
// (socle/statistics_input.hpp), the table protected by suppression and the attacker's audit or
// noised under a privacy budget of the policy (socle/statistics_release.hpp), the release
// recorded in the access trail of the state of record, then written as JSON, CSV or a signed
// `.socle` statistics file; and the budget left of a dataset.
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "cli/export_write.h"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/privacy_budget.hpp"
#include "socle/rights.hpp"
#include "socle/statistics.hpp"
#include "socle/statistics_input.hpp"
#include "socle/statistics_release.hpp"

namespace socle::cli {
namespace {

constexpr char kStatsUsage[] =
    "usage: socle stats table  ENGINE_OPTIONS --by DIMENSIONS --from FILE.csv --name NAME\n"
    "                          --activity ACTIVITY --actor PRO [--amount COLUMN]\n"
    "                          [--at YYYY-MM-DD] [--format json|csv|socle] [--out FILE]\n"
    "                          [--recipient KEY[=LABEL]]...\n"
    "                          [--noise laplace|gaussian --dataset D (--scale T | --sigma2 S)\n"
    "                           [--records-per-person N] [--amount-bound CENTS]]\n"
    "       socle stats budget ENGINE_OPTIONS --dataset D\n"
    "DIMENSIONS: 1 to 4 of COLUMN[:GENERALISATION], comma-separated (or --by repeated);\n"
    "  GENERALISATION: age_band_5[+N] or age_band_10[+N] (a birth date YYYY-MM-DD to its age\n"
    "  band on --at, default today in Europe/Paris; +N: one open band from age N), month, year\n"
    "  (a date), departement (an INSEE commune code), departement_postcode (a postcode),\n"
    "  brackets=B1/B2/... (an integer amount). Without one, the value is the label.\n"
    "  e.g. --by birth_date:age_band_10+80,commune:departement,help\n"
    "\n"
    "  table:  reads FILE.csv (RFC 4180, a header line naming the columns; one record per\n"
    "          person; streamed), --amount: a column of amounts in cents (integers >= 0).\n"
    "          Without --noise, small cells and dominant contributions are suppressed under\n"
    "          the policy's statistics rules, with secondary suppression and the attacker's\n"
    "          audit (refused when a cell could be narrowed). With --noise, the release is\n"
    "          charged to the budget of dataset D first (refused when spent), then exact\n"
    "          discrete Laplace (--scale T) or Gaussian (--sigma2 S) noise is added (T, S: an\n"
    "          integer or a fraction such as 1/2); --records-per-person: the counts'\n"
    "          sensitivity (default 1); --amount-bound: the sums are noised and released, every\n"
    "          amount at most CENTS. ACTIVITY is a statistics activity of the policy, PRO the\n"
    "          professional who releases the table: the release is recorded in the access\n"
    "          trail. --format json (default) or csv go to standard output, or to --out;\n"
    "          socle writes a signed .socle file to --out (--recipient seals it).\n"
    "  budget: dataset D's privacy budget (epsilon, delta) and the releases charged to it.\n"
    "Errors in FILE.csv name the line and the column, never the value.\n"
    "\n";

// "3" or "1/2": a positive rational; false otherwise.
bool ParseRational(const std::string& text, Rational* out) {
  const std::pair<std::string, std::string> parts = absl::StrSplit(text, absl::MaxSplits('/', 1));
  uint64_t num = 0, den = 1;
  if (!absl::SimpleAtoi(parts.first, &num)) return false;
  if (text.find('/') != std::string::npos && !absl::SimpleAtoi(parts.second, &den)) return false;
  if (num == 0 || den == 0) return false;
  *out = Rational{num, den};
  return true;
}

// Reads --from into a table: the header, then each record generalised and added. Errors name
// the line (RecordGeneraliser's own, and the builder's, prefixed with it).
absl::StatusOr<StatisticsTable> ReadTable(const std::string& path,
                                          std::vector<DimensionSpec> dimensions,
                                          const std::string& amount_column,
                                          absl::CivilDay reference) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return MakeError(ErrorCode::kIo, "--from cannot be opened");
  CsvRecordReader reader(file);
  std::vector<std::string> header;
  auto first = reader.Next(&header);
  if (!first.ok()) return first.status();
  if (!*first) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "--from is empty: no header and no record (an empty table is not published)");
  }
  auto generaliser =
      RecordGeneraliser::Create(std::move(dimensions), amount_column, header, reference);
  if (!generaliser.ok()) return generaliser.status();
  TableBuilder::Options options;
  options.amounts = generaliser->has_amounts();
  auto builder = TableBuilder::Create(generaliser->DimensionNames(), options);
  if (!builder.ok()) return builder.status();
  std::vector<std::string> fields;
  std::vector<absl::string_view> values;
  std::vector<std::string> labels;
  std::vector<absl::string_view> label_views;
  for (;;) {
    auto next = reader.Next(&fields);
    if (!next.ok()) return next.status();
    if (!*next) break;
    values.assign(fields.begin(), fields.end());
    int64_t amount = 0;
    if (auto s = generaliser->Apply(values, reader.line(), &labels, &amount); !s.ok()) return s;
    label_views.assign(labels.begin(), labels.end());
    if (auto s = builder->Add(label_views, amount); !s.ok()) {
      return MakeError(ErrorCodeOf(s), absl::StrCat("line ", reader.line(), ": ", s.message()));
    }
  }
  if (builder->records() == 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "--from holds no record after its header (an empty table is not published)");
  }
  return std::move(*builder).Finish();
}

const char* MechanismName(NoiseMechanism m) {
  return m == NoiseMechanism::kDiscreteGaussian ? "gaussian" : "laplace";
}

std::string Spent(const PrivacyBudget& budget) {
  return absl::StrCat("epsilon ", budget.epsilon().ToString(), ", delta ",
                      budget.delta().ToString(), "; spent: epsilon ",
                      budget.laplace_epsilon_spent().ToString(), " (laplace), rho ",
                      budget.rho_spent().ToString(), " (gaussian), ", budget.charges().size(),
                      budget.charges().size() == 1 ? " release" : " releases");
}

int Table(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  std::vector<DimensionSpec> dimensions;
  for (const std::string& text : flags.List("--by")) {
    auto spec = DimensionSpec::Parse(text);
    if (!spec.ok()) return r.Usage(absl::StrCat("--by: ", spec.status().message()));
    dimensions.push_back(*std::move(spec));
  }
  if (dimensions.empty()) return r.Usage("--by names no column");
  const std::string format = flags.Has("--format") ? flags.Get("--format") : "json";
  if (format != "json" && format != "csv" && format != "socle") {
    return r.Usage("--format is json, csv or socle");
  }
  if (format == "socle" && !flags.Has("--out")) return r.Usage("--format socle needs --out");
  std::vector<ExportRecipient> recipients;
  std::string problem;
  if (!ParseRecipients(flags, &recipients, &problem)) return r.Usage(problem);
  if (!recipients.empty() && format != "socle") {
    return r.Usage("--recipient seals a .socle file: give --format socle");
  }
  absl::CivilDay reference = RightsDayOf(absl::Now());
  if (flags.Has("--at") && !ParseDayFlag(flags.Get("--at"), &reference)) {
    return r.Usage("--at is not a date YYYY-MM-DD");
  }
  const bool noisy = flags.Has("--noise");
  NoiseOptions noise;
  if (noisy) {
    const std::string mechanism = flags.Get("--noise");
    const std::string parameter_flag = mechanism == "gaussian" ? "--sigma2" : "--scale";
    if (mechanism == "laplace") {
      noise.mechanism = NoiseMechanism::kDiscreteLaplace;
    } else if (mechanism == "gaussian") {
      noise.mechanism = NoiseMechanism::kDiscreteGaussian;
    } else {
      return r.Usage("--noise is laplace or gaussian");
    }
    if (!flags.Has("--dataset")) return r.Usage("--noise needs --dataset");
    if (flags.Has(mechanism == "gaussian" ? "--scale" : "--sigma2")) {
      return r.Usage("--scale goes with laplace, --sigma2 with gaussian");
    }
    if (!ParseRational(flags.Get(parameter_flag), &noise.parameter)) {
      return r.Usage(parameter_flag + " is a positive integer or fraction (1/2)");
    }
    noise.dataset = flags.Get("--dataset");
    if (flags.Has("--records-per-person") &&
        (!absl::SimpleAtoi(flags.Get("--records-per-person"), &noise.records_per_person) ||
         noise.records_per_person == 0)) {
      return r.Usage("--records-per-person is a positive integer");
    }
    if (flags.Has("--amount-bound") &&
        (!absl::SimpleAtoi(flags.Get("--amount-bound"), &noise.amount_bound) ||
         noise.amount_bound <= 0)) {
      return r.Usage("--amount-bound is a positive number of cents");
    }
  } else {
    for (const char* f :
         {"--dataset", "--scale", "--sigma2", "--records-per-person", "--amount-bound"}) {
      if (flags.Has(f)) return r.Usage(absl::StrCat(f, " goes with --noise"));
    }
  }

  // The records first: a bad file is refused before the passphrase is asked for.
  auto table =
      ReadTable(flags.Get("--from"), std::move(dimensions), flags.Get("--amount"), reference);
  if (!table.ok()) return r.Failed(table.status());
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  OpenedEngine& o = **opened;
  const StatisticsPublication publication{flags.Get("--name"), flags.Get("--activity"),
                                          flags.Get("--actor")};
  // The output is opened before the release is recorded: a file that cannot be written is
  // refused before anything is spent or recorded (a FileSink leaves no file until closed).
  std::unique_ptr<ExportWriter> writer;
  std::unique_ptr<ExportSink> sink;
  if (format == "socle") {
    auto made = OpenWriter(flags, o, ExportKind::kStatisticsTable, std::move(recipients));
    if (!made.ok()) return r.Failed(made.status());
    writer = *std::move(made);
  } else if (flags.Has("--out")) {
    auto made = FileSink(flags.Get("--out"));
    if (!made.ok()) return r.Failed(made.status());
    sink = *std::move(made);
  }
  auto release =
      noisy ? PublishNoisyTable(*o.engine, *o.trail, *table, publication, noise)
            : PublishTable(*o.trail, *table, StatisticsRules::FromPolicy(*o.policy), publication);
  if (!release.ok()) return r.Failed(release.status());

  // The summary goes where the document does not.
  std::ostream& summary = flags.Has("--out") ? r.io.out : r.io.err;
  if (writer != nullptr) {
    auto file = WriteStatisticsExport(*release, publication, *writer);
    if (!file.ok()) return r.Failed(file.status());
    summary << "statistics_table: " << file->records << " records, " << file->bytes
            << " bytes, written to the file given by --out\n";
  } else {
    const std::string text =
        format == "csv" ? StatisticsCsv(*release) : StatisticsJson(*release, publication) + "\n";
    if (sink != nullptr) {
      if (auto s = sink->Write(text); !s.ok()) return r.Failed(s);
      if (auto s = sink->Close(); !s.ok()) return r.Failed(s);
      summary << "table written to the file given by --out (" << format << ")\n";
    } else {
      r.io.out << text;
    }
  }
  std::vector<std::string> names;
  for (const StatisticsDimension& d : release->dimensions) {
    names.push_back(absl::StrCat(d.name, " (", d.categories.size(), ")"));
  }
  summary << "table " << publication.name << ": " << table->record_count() << " records, "
          << release->cells.size() << " cells, " << absl::StrJoin(names, " x ") << "\n";
  if (release->noise.has_value()) {
    const NoisyReleaseRecord& n = *release->noise;
    summary << "noise: " << MechanismName(n.mechanism) << ", "
            << (n.mechanism == NoiseMechanism::kDiscreteGaussian ? "sigma2 " : "scale ")
            << noise.parameter.ToString() << ", " << n.records_per_person << " record(s) per person"
            << (n.amount_bound > 0 ? ", sums noised" : "")
            << (n.clamped ? ", negative cells set to 0" : "") << "; charged to " << n.dataset
            << " at state revision " << n.revision << ":";
    for (const PrivacyCharge& c : n.charges) {
      summary << " " << c.release << " epsilon " << c.epsilon.ToString() << " rho "
              << c.rho.ToString() << ";";
    }
    summary << "\n";
    auto budget = PrivacyBudgetOf(*o.engine->snapshot(), n.dataset);
    if (budget.ok()) summary << "budget " << n.dataset << ": " << Spent(*budget) << "\n";
  } else {
    summary << "suppressed: " << release->primary_suppressed << " primary, "
            << release->secondary_suppressed
            << " secondary; audit: " << (release->audit.ok ? "ok" : "FAILED") << ", "
            << release->audit.entries.size() << " intervals, " << release->audit.linear_programs
            << " linear programs\n";
  }
  summary << "recorded in the access trail (statistics_release by " << publication.actor << ")\n";
  return kExitOk;
}

int Budget(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  const auto snapshot = (*opened)->engine->snapshot();
  const std::string dataset = flags.Get("--dataset");
  auto budget = PrivacyBudgetOf(*snapshot, dataset);
  if (!budget.ok()) return r.Failed(budget.status());
  r.io.out << "budget " << dataset << ": " << Spent(*budget) << "\n";
  for (const RecordedPrivacyCharge& c : PrivacyChargesOf(*snapshot, dataset)) {
    r.io.out << "  " << c.charge.release << "\t" << MechanismName(c.charge.mechanism)
             << "\tepsilon " << c.charge.epsilon.ToString() << "\trho " << c.charge.rho.ToString()
             << "\t" << ShowTime(c.recorded_at) << "\t" << c.recorded_by << "\trevision "
             << c.revision << "\n";
  }
  return kExitOk;
}

}  // namespace

int Stats(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle stats", std::string(kStatsUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"table",
       {"--by", "--from", "--name", "--activity", "--actor"},
       {"--amount", "--at", "--format", "--out", "--recipient", "--noise", "--dataset", "--scale",
        "--sigma2", "--records-per-person", "--amount-bound"},
       {},
       true,
       true,
       Table},
      {"budget", {"--dataset"}, {}, {}, false, false, Budget},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
