// `socle export access-request|portability|audit`: the export files that answer a person's rights
// of access (art. 15) and portability (art. 20), and an auditor's extract of the access trail,
// written from the engine of record (engine.h). The vendor's identity and entries come as JSON
// files (socle/case_file.hpp); the file is signed by the tenant's export key (derived from the
// vault) and, with --recipient, sealed to each recipient's public key.
#include "cli/export_write.h"

#include <fstream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/access_request.hpp"
#include "socle/audit_extract.hpp"
#include "socle/case_file.hpp"
#include "socle/dataset.hpp"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/person_report.hpp"
#include "socle/pseudonym.hpp"
#include "socle/training_mirror.hpp"

namespace socle::cli {
namespace {

constexpr char kExportWriteUsage[] =
    "usage: socle export access-request ENGINE_OPTIONS PERSON_OPTIONS [--html FILE]\n"
    "       socle export portability    ENGINE_OPTIONS PERSON_OPTIONS\n"
    "       socle export audit          ENGINE_OPTIONS --auditor PRO --out FILE [--from N]\n"
    "                                   [--to N] [--since N] [--recipient KEY[=LABEL]]...\n"
    "       socle export dataset        ENGINE_OPTIONS --profile P --handled-by PRO --input FILE\n"
    "                                   --out FILE [--recipient KEY[=LABEL]]...\n"
    "       socle export mirror         ENGINE_OPTIONS --handled-by PRO --input FILE --out FILE\n"
    "                                   [--recipient KEY[=LABEL]]...\n"
    "PERSON_OPTIONS: --person ID --requested-by ID --handled-by PRO --identity FILE\n"
    "                --entries FILE --out FILE [--recipient KEY[=LABEL]]...\n"
    "  --identity: the person's identity as the JSON of socle.v1.Identity\n"
    "  --entries:  the person's file, one JSON socle.v1.Entry per line (JSON Lines)\n"
    "  --recipient: seal the file to this X25519 public key (64 hex digits, from\n"
    "               `socle export keygen`); repeat for several recipients. Without it the\n"
    "               file is signed, not encrypted\n"
    "\n"
    "  access-request: everything about the person they may see (GDPR art. 15): identity,\n"
    "                  consents, objections, representatives, mandates, shares, every entry\n"
    "                  but working notes (third-party information withheld and marked unless\n"
    "                  released), purposes, legal bases, recipients, retention, and the access\n"
    "                  history with its proofs. --html also writes the person's own report\n"
    "  portability:    the data the person provided under consent or contract (art. 20); the\n"
    "                  header says whether the right applies\n"
    "  dataset:        a pseudonymised dataset through the policy's pseudonymisation profile\n"
    "                  P (docs/pseudonymised-datasets.md): each person's pseudonym in the\n"
    "                  profile's domain, fields dropped, generalised, pseudonymised or\n"
    "                  redacted as it says, never a NIR; the header carries the source's\n"
    "                  retention. --input: one JSON socle.v1.CaseFile per line\n"
    "  mirror:         a training copy of a file base with every identity faked (French\n"
    "                  names, fiction phone numbers, NIRs no one holds, dates shifted per\n"
    "                  person); --input: one JSON socle.v1.CaseFile per line\n"
    "                  ({\"identity\": {...}, \"entries\": [...]}); nothing reversible is kept\n"
    "  audit:          the access trail's entries [--from, --to) with their proofs against a\n"
    "                  checkpoint signed now, and (--since N) the proof that the checkpoint of\n"
    "                  size N you hold is a prefix of it; needs a SECURITY_AUDITOR\n"
    "Every export is recorded in the access trail. Prints the file's record count and size.\n"
    "\n";

// Reads --identity and --entries; the entries are streamed from the file as the export asks.
struct PersonInput {
  PersonExportRequest request;
  std::ifstream entries;
  uint64_t line = 0;

  EntrySource Source() {
    return [this](CaseEntry* entry) -> absl::StatusOr<bool> {
      std::string text;
      while (std::getline(entries, text)) {
        ++line;
        if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
        auto parsed = ParseCaseEntryJson(text);
        if (!parsed.ok()) {
          return MakeError(ErrorCode::kParse,
                           absl::StrCat("--entries line ", line, ": ", parsed.status().message()));
        }
        *entry = std::move(*parsed);
        return true;
      }
      if (entries.bad()) return MakeError(ErrorCode::kIo, "--entries could not be read");
      return false;
    };
  }
};

absl::Status ReadPersonInput(const Flags& flags, PersonInput* in) {
  std::ifstream identity_file(flags.Get("--identity"), std::ios::binary);
  if (!identity_file) return MakeError(ErrorCode::kIo, "--identity cannot be opened");
  const std::string identity_json((std::istreambuf_iterator<char>(identity_file)),
                                  std::istreambuf_iterator<char>());
  auto identity = ParsePersonIdentityJson(identity_json);
  if (!identity.ok()) {
    return MakeError(ErrorCode::kParse, absl::StrCat("--identity: ", identity.status().message()));
  }
  if (!identity->person.empty() && identity->person != flags.Get("--person")) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--identity is about another person than --person");
  }
  in->request.identity = std::move(*identity);
  in->request.identity.person = flags.Get("--person");
  in->request.requested_by = flags.Get("--requested-by");
  in->request.handled_by = flags.Get("--handled-by");
  in->entries.open(flags.Get("--entries"), std::ios::binary);
  if (!in->entries) return MakeError(ErrorCode::kIo, "--entries cannot be opened");
  return absl::OkStatus();
}

void PrintSummary(const Reporter& r, absl::string_view what, const ExportFileSummary& file) {
  r.io.out << what << ": " << file.records << " records, " << file.bytes << " bytes, written to "
           << "the file given by --out\n";
}

int PersonExport(const Flags& flags, const EngineOpener& open, const Reporter& r, ExportKind kind) {
  std::vector<ExportRecipient> recipients;
  std::string problem;
  if (!ParseRecipients(flags, &recipients, &problem)) return r.Usage(problem);
  PersonInput input;
  if (auto s = ReadPersonInput(flags, &input); !s.ok()) return r.Failed(s);
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  OpenedEngine& engine = **opened;
  const std::string notice =
      kind == ExportKind::kPortability ? PortabilityNotice(*engine.policy) : std::string();
  auto writer = OpenWriter(flags, engine, kind, std::move(recipients), notice);
  if (!writer.ok()) return r.Failed(writer.status());
  RecordKeepingWriter tee(**writer);
  auto report = kind == ExportKind::kPortability
                    ? WritePortability(*engine.trail, input.request, input.Source(), **writer)
                    : WriteAccessRequest(*engine.trail, input.request, input.Source(), tee);
  if (!report.ok()) return r.Failed(report.status());
  if (flags.Has("--html")) {
    if (auto s = WritePersonReportHtml(flags.Get("--html"), tee.records); !s.ok()) {
      return r.Failed(s);
    }
    r.io.out << "the person's report written to the file given by --html\n";
  }
  r.io.out << Name(kind) << ": " << report->entries << " entries, " << report->withheld
           << " withheld (third-party information), " << report->left_out << " left out, "
           << report->history_entries << " lines of history\n";
  PrintSummary(r, "file", report->file);
  return kExitOk;
}

int AccessRequest(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  return PersonExport(flags, open, r, ExportKind::kAccessRequest);
}

int Portability(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  return PersonExport(flags, open, r, ExportKind::kPortability);
}

bool ParseCount(const Flags& flags, const std::string& flag, uint64_t* out) {
  if (!flags.Has(flag)) return true;
  return absl::SimpleAtoi(flags.Get(flag), out);
}

int AuditExtractCommand(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  AuditExtractRequest request;
  request.auditor = flags.Get("--auditor");
  if (!ParseCount(flags, "--from", &request.begin) || !ParseCount(flags, "--to", &request.end) ||
      !ParseCount(flags, "--since", &request.since_size)) {
    return r.Usage("--from, --to and --since are entry counts");
  }
  std::vector<ExportRecipient> recipients;
  std::string problem;
  if (!ParseRecipients(flags, &recipients, &problem)) return r.Usage(problem);
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  auto writer = OpenWriter(flags, **opened, ExportKind::kAuditExtract, std::move(recipients));
  if (!writer.ok()) return r.Failed(writer.status());
  auto report = WriteAuditExtract(*(*opened)->trail, request, **writer);
  if (!report.ok()) return r.Failed(report.status());
  r.io.out << "audit_extract: " << report->entries << " entries, checkpoint of "
           << report->checkpoint_size << " entries\n";
  PrintSummary(r, "file", report->file);
  return kExitOk;
}

// The persons of --input, one JSON socle.v1.CaseFile per line, read as the export asks; errors
// name the line, never its content.
struct CaseFileInput {
  std::ifstream input;
  uint64_t line = 0;

  absl::StatusOr<bool> Next(PersonCaseFile* file) {
    std::string text;
    while (std::getline(input, text)) {
      ++line;
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank line
      auto parsed = ParsePersonCaseFileJson(text);
      if (!parsed.ok()) {
        return MakeError(ErrorCodeOf(parsed.status()),
                         absl::StrCat("--input line ", line, ": ", parsed.status().message()));
      }
      *file = *std::move(parsed);
      return true;
    }
    if (input.bad()) return MakeError(ErrorCode::kIo, "--input could not be read");
    return false;
  }
};

absl::Status OpenCaseFileInput(const Flags& flags, CaseFileInput* in) {
  in->input.open(flags.Get("--input"), std::ios::binary);
  if (!in->input) return MakeError(ErrorCode::kIo, "--input cannot be opened");
  return absl::OkStatus();
}

// Each person's export is recorded in their history by the library before their records are
// written (WriteDataset, WriteTrainingMirror: docs/exports.md, "What the trail records").
BulkExportOptions BulkOptions(const Flags& flags) {
  BulkExportOptions options;
  options.handled_by = flags.Get("--handled-by");
  return options;
}

// Checked before --out is created (the library checks it again).
absl::Status CheckHandledBy(const Flags& flags, const OpenedEngine& engine) {
  if (!engine.engine->FindProfessional(flags.Get("--handled-by")).has_value()) {
    return MakeError(ErrorCode::kNotFound, "--handled-by is not in the directory");
  }
  return absl::OkStatus();
}

int Dataset(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  std::vector<ExportRecipient> recipients;
  std::string problem;
  if (!ParseRecipients(flags, &recipients, &problem)) return r.Usage(problem);
  CaseFileInput input;
  if (auto s = OpenCaseFileInput(flags, &input); !s.ok()) return r.Failed(s);
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  OpenedEngine& engine = **opened;
  const std::string profile = flags.Get("--profile");
  auto pseudonymizer = Pseudonymizer::Create(*engine.policy, *engine.vault);
  if (!pseudonymizer.ok()) return r.Failed(pseudonymizer.status());
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  auto builder = DatasetBuilder::Create(*engine.policy, profile, **pseudonymizer, today);
  if (!builder.ok()) return r.Failed(builder.status());
  if (auto s = CheckHandledBy(flags, engine); !s.ok()) return r.Failed(s);
  auto writer = OpenWriter(flags, engine, ExportKind::kPseudonymisedDataset, std::move(recipients),
                           builder->Notice(), std::string(builder->domain()), profile);
  if (!writer.ok()) return r.Failed(writer.status());
  auto report = WriteDataset(
      *engine.trail, *builder, [&input](PersonCaseFile* file) { return input.Next(file); },
      **writer, BulkOptions(flags));
  if (!report.ok()) return r.Failed(report.status());
  const DatasetStats& stats = builder->stats();
  r.io.out << "pseudonymised_dataset: " << report->persons << " persons, " << report->records
           << " records; left out: " << stats.entries_outside_activity
           << " entries outside the activity, " << stats.nir_values_dropped
           << " values holding a NIR, " << stats.identifier_values_dropped
           << " values holding an identity\n";
  r.io.out << "recorded in the access trail: one export line in each person's history\n";
  PrintSummary(r, "file", report->file);
  return kExitOk;
}

// The training mirror of every person of --input, one JSON socle.v1.CaseFile per line.
int Mirror(const Flags& flags, const EngineOpener& open, const Reporter& r) {
  std::vector<ExportRecipient> recipients;
  std::string problem;
  if (!ParseRecipients(flags, &recipients, &problem)) return r.Usage(problem);
  CaseFileInput input;
  if (auto s = OpenCaseFileInput(flags, &input); !s.ok()) return r.Failed(s);
  auto mirror = TrainingMirror::Create();
  if (!mirror.ok()) return r.Failed(mirror.status());
  auto opened = open();
  if (!opened.ok()) return r.Failed(opened.status());
  OpenedEngine& engine = **opened;
  if (auto s = CheckHandledBy(flags, engine); !s.ok()) return r.Failed(s);
  auto writer = OpenWriter(flags, engine, ExportKind::kTrainingMirror, std::move(recipients));
  if (!writer.ok()) return r.Failed(writer.status());
  auto report = WriteTrainingMirror(
      *engine.trail, *mirror,
      [&input](PersonCaseFile* file, std::string*) { return input.Next(file); }, **writer,
      BulkOptions(flags));
  if (!report.ok()) return r.Failed(report.status());
  r.io.out << "training_mirror: " << report->persons << " persons\n";
  r.io.out << "recorded in the access trail: one export line in each person's history\n";
  PrintSummary(r, "file", report->file);
  return kExitOk;
}

}  // namespace

bool ParseRecipients(const Flags& flags, std::vector<ExportRecipient>* out, std::string* problem) {
  for (const std::string& value : flags.List("--recipient")) {
    const std::pair<std::string, std::string> parts =
        absl::StrSplit(value, absl::MaxSplits('=', 1));
    auto key = ParsePublicKeyHex(parts.first);
    if (!key.ok()) {
      *problem = "--recipient is not a public key of 64 hex digits";
      return false;
    }
    out->push_back({*key, parts.second});
  }
  return true;
}

absl::StatusOr<std::unique_ptr<ExportWriter>> OpenWriter(const Flags& flags, OpenedEngine& opened,
                                                         ExportKind kind,
                                                         std::vector<ExportRecipient> recipients,
                                                         std::string notice, std::string domain,
                                                         std::string profile) {
  auto key = ExportSigningKey::FromVault(*opened.vault);
  if (!key.ok()) return key.status();
  auto sink = FileSink(flags.Get("--out"));
  if (!sink.ok()) return sink.status();
  ExportWriterOptions options;
  options.kind = kind;
  options.issuer = std::string(opened.policy->id());
  options.policy_id = std::string(opened.policy->id());
  options.policy_revision = std::string(opened.policy->revision());
  const auto& digest = opened.policy->digest();
  options.policy_digest.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
  options.notice = std::move(notice);
  options.pseudonym_domain = std::move(domain);
  options.pseudonymisation_profile = std::move(profile);
  options.recipients = std::move(recipients);
  return ExportWriter::Create(std::move(*sink), *key, options);
}

absl::Status WritePersonReportHtml(const std::string& path,
                                   const std::vector<std::string>& records) {
  auto html = RenderPersonReport(records);
  if (!html.ok()) return html.status();
  auto sink = FileSink(path);
  if (!sink.ok()) return sink.status();
  if (auto w = (*sink)->Write(*html); !w.ok()) return w;
  return (*sink)->Close();
}

bool IsExportWriteSubcommand(const std::string& sub) {
  return sub == "access-request" || sub == "portability" || sub == "audit" || sub == "mirror" ||
         sub == "dataset";
}

int ExportWrite(const std::vector<std::string>& args, Io io) {
  const Reporter r{"socle export", std::string(kExportWriteUsage) + kEngineOptionsHelp, io};
  const std::vector<EngineSubcommand> subs = {
      {"access-request",
       {"--person", "--requested-by", "--handled-by", "--identity", "--entries", "--out"},
       {"--recipient", "--html"},
       {},
       false,
       true,
       AccessRequest},
      {"portability",
       {"--person", "--requested-by", "--handled-by", "--identity", "--entries", "--out"},
       {"--recipient"},
       {},
       false,
       true,
       Portability},
      {"audit",
       {"--auditor", "--out"},
       {"--from", "--to", "--since", "--recipient"},
       {},
       false,
       true,
       AuditExtractCommand},
      {"dataset",
       {"--profile", "--handled-by", "--input", "--out"},
       {"--recipient"},
       {},
       false,
       true,
       Dataset},
      {"mirror", {"--handled-by", "--input", "--out"}, {"--recipient"}, {}, false, true, Mirror},
  };
  return RunEngineCommand(r, subs, args);
}

}  // namespace socle::cli
