// `socle retention`: the retention of a person's file (socle/retention.hpp), the contacts it
// counts from, the sweep at the end of retention with its deletion certificates, and the
// archives service's elimination visas (socle/retention_sweep.hpp), in the state of record.
#include "socle/retention.hpp"

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/retention_sweep.hpp"

namespace socle::cli {
namespace {

constexpr char kRetentionUsage[] =
    "usage: socle retention status  ENGINE_OPTIONS --person ID [--at YYYY-MM-DD]\n"
    "       socle retention contact ENGINE_OPTIONS --person ID --date YYYY-MM-DD\n"
    "                               --recorded-by PRO\n"
    "                               [--from person|representative|professional|batch]\n"
    "                               [--representative ID]\n"
    "       socle retention sweep   ENGINE_OPTIONS --at YYYY-MM-DD --recorded-by PRO\n"
    "                               [--dry-run] [--batch-size N]\n"
    "       socle retention visa    ENGINE_OPTIONS --reference REF --category CAT\n"
    "                               --through YYYY-MM-DD --recorded-by PRO\n"
    "\n"
    "  status:  one line per data category: its phase on --at (default: today in\n"
    "           Europe/Paris), since when, the next change, the rule and its legal source\n"
    "  contact: a contact with the person (from the person by default; only the person or a\n"
    "           representative in force restart the retention clock)\n"
    "  sweep:   lists what changed phase since the previous sweep, hands the vendor the rows to\n"
    "           delete, anonymise or transfer (to do), crypto-shreds the persons whose whole\n"
    "           file is due, and issues one signed deletion certificate per category, rule and\n"
    "           end action (recorded in the access trail); --dry-run only plans. Run again\n"
    "           after a failure: it finishes the job and counts nothing twice\n"
    "  visa:    the archives service's elimination visa for CAT: items awaiting a visa since\n"
    "           --through or before are purged at the next sweep (Code du patrimoine R212-14)\n"
    "\n";

std::string Day(int32_t day) { return RetentionDayText(day); }

const char* ActionName(RetentionEndAction action) {
  switch (action) {
    case RetentionEndAction::kDelete:
      return "delete";
    case RetentionEndAction::kAnonymise:
      return "anonymise (by the vendor)";
    case RetentionEndAction::kDefinitiveArchive:
      return "transfer to the archives service";
    case RetentionEndAction::kUnspecified:
      break;
  }
  return "unspecified";
}

int Status(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  absl::CivilDay at;
  const bool given = flags.Has("--at");
  if (given && !ParseDayFlag(flags.Get("--at"), &at)) {
    return r.Usage("--at is not a date (YYYY-MM-DD)");
  }
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  const AccessEngine& engine = *(*opened)->engine;
  auto all = engine.Retention(flags.Get("--person"),
                              given ? std::optional<absl::CivilDay>(at) : std::nullopt);
  if (!all.ok()) return r.Failed(all.status());
  r.io.out << "retention of " << flags.Get("--person")
           << (given ? absl::StrCat(" on ", absl::FormatCivilTime(at)) : std::string(" today"))
           << ":\n";
  for (const RetentionStatus& s : *all) {
    r.io.out << "  " << engine.policy().DataCategoryName(s.category) << ": "
             << RetentionPhaseName(s.phase) << " since " << Day(s.since) << ", next "
             << (s.next_change == kNoRetentionDay
                     ? std::string("-")
                     : absl::StrCat(RetentionPhaseName(s.next_phase), " on ", Day(s.next_change)));
    if (s.activity == 0xFFFFFFFFu) {
      r.io.out << ", no rule\n";
    } else {
      r.io.out << ", rule activities[" << s.activity << "].retention[" << s.rule_index << "]"
               << (s.end_action == RetentionEndAction::kUnspecified
                       ? ""
                       : absl::StrCat(" then ", ActionName(s.end_action)))
               << " (" << s.source << ")\n";
    }
  }
  return kExitOk;
}

int Contact(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  static const std::map<std::string, ContactOriginator> kFrom = {
      {"person", ContactOriginator::kPerson},
      {"representative", ContactOriginator::kRepresentative},
      {"professional", ContactOriginator::kProfessional},
      {"batch", ContactOriginator::kBatch}};
  ContactSpec spec;
  spec.person = flags.Get("--person");
  if (flags.Has("--from")) {
    auto it = kFrom.find(flags.Get("--from"));
    if (it == kFrom.end()) {
      return r.Usage("--from is person, representative, professional or batch");
    }
    spec.originator = it->second;
  }
  spec.representative = flags.Get("--representative");
  absl::CivilDay day;
  if (!ParseDayFlag(flags.Get("--date"), &day)) return r.Usage("--date is not a date (YYYY-MM-DD)");
  spec.day = day;
  spec.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordContact(*(*opened)->engine, spec);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "contact recorded: state revision " << *revision << "\n";
  return kExitOk;
}

int RunSweep(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  SweepOptions options;
  if (!ParseDayFlag(flags.Get("--at"), &options.day)) {
    return r.Usage("--at is not a date (YYYY-MM-DD)");
  }
  if (flags.Has("--batch-size")) {
    uint64_t n = 0;
    if (!absl::SimpleAtoi(flags.Get("--batch-size"), &n) || n == 0 || n > kMaxSweepBatchPersons) {
      return r.Usage(absl::StrCat("--batch-size is 1 to ", kMaxSweepBatchPersons));
    }
    options.batch_size = n;
  }
  options.dry_run = flags.Has("--dry-run");
  options.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  OpenedEngine& o = **opened;
  absl::StatusOr<SweepReport> report;
  if (options.dry_run) {
    report = PlanSweep(*o.engine, options.day);
  } else {
    auto key = ExportSigningKey::FromVault(*o.vault);
    if (!key.ok()) return r.Failed(key.status());
    report = Sweep(*o.engine, *o.trail, *key, options);
  }
  if (!report.ok()) return r.Failed(report.status());
  std::ostream& out = r.io.out;
  out << "retention sweep on " << Day(report->day)
      << (options.dry_run ? " (dry run: nothing recorded, nothing shredded)"
                          : (report->resumed ? " (resumed)" : ""))
      << ":\n";
  out << "changes: " << report->changes.size() << "\n";
  for (const RetentionChange& c : report->changes) {
    out << "  " << c.person << " " << c.category << ": " << RetentionPhaseName(c.from) << " -> "
        << RetentionPhaseName(c.to) << " since " << Day(c.since) << "\n";
  }
  out << "to do (vendor): " << report->todo.size() << "\n";
  for (const VendorTask& t : report->todo) {
    out << "  " << t.person << " " << t.category << ": " << ActionName(t.action) << " (" << t.rule
        << (t.visa_reference.empty() ? "" : ", visa " + t.visa_reference) << ")\n";
  }
  out << "purged: " << report->purged << ", shredded: " << report->shredded
      << ", awaiting visa: " << report->awaiting_visa << "\n";
  out << "certificates: " << report->certificates.size() << "\n";
  for (const DeletionCertificate& c : report->certificates) {
    out << "  " << c.category << ": " << c.count << (c.count == 1 ? " item" : " items") << ", "
        << ActionName(c.end_action) << ", " << c.rule << ", swept " << Day(c.sweep_day)
        << (c.visa_reference.empty() ? "" : ", visa " + c.visa_reference) << ", sha256 "
        << Hex(absl::string_view(reinterpret_cast<const char*>(c.sha256.data()), c.sha256.size()))
        << ", state revision " << c.revision << "\n";
  }
  return kExitOk;
}

int Visa(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  EliminationVisa visa;
  visa.reference = flags.Get("--reference");
  visa.category = flags.Get("--category");
  if (!ParseDayFlag(flags.Get("--through"), &visa.through)) {
    return r.Usage("--through is not a date (YYYY-MM-DD)");
  }
  visa.recorded_by = flags.Get("--recorded-by");
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto revision = RecordEliminationVisa(*(*opened)->engine, visa);
  if (!revision.ok()) return r.Failed(revision.status());
  r.io.out << "elimination visa " << visa.reference << " recorded for " << visa.category
           << " through " << absl::FormatCivilTime(visa.through) << ": state revision " << *revision
           << "\n";
  return kExitOk;
}

}  // namespace

int Retention(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle retention", std::string(kRetentionUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"status", {"--person"}, {"--at"}, {}, false, false, Status},
      {"contact",
       {"--person", "--date", "--recorded-by"},
       {"--from", "--representative"},
       {},
       true,
       false,
       Contact},
      {"sweep", {"--at", "--recorded-by"}, {"--batch-size"}, {"--dry-run"}, true, true, RunSweep},
      {"visa",
       {"--reference", "--category", "--through", "--recorded-by"},
       {},
       {},
       true,
       false,
       Visa},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
