// `socle access explain`: loads a policy and a directory (the workload's TSV format), decides one
// request and prints the trace a DPO reads: every check, passed or failed, with the policy rule.
#include "socle/access.hpp"

#include <iostream>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/engine.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/restriction.hpp"
#include "socle/trail.hpp"

namespace socle::cli {
namespace {

constexpr char kAccessUsage[] =
    "usage: socle access explain --policy FILE [--professionals FILE --persons FILE]\n"
    "         --actor ID --person ID --category ID --purpose ACTIVITY [--action read]\n"
    "         [--kind fact|appreciation|third_party_information|working_note]\n"
    "         [--item ID] [--masked] [--author ID] [--at 2026-03-01T10:00:00Z]\n"
    "         [--restriction-justification subject_consent|legal_claims|\n"
    "                                      protection_of_others|important_public_interest]\n"
    "         [(--trail DB --vault VAULT_DB | --storage LOCATION [--witness-dir DIR])\n"
    "          --key KEY_FILE [--tenant T] [--witness PATH]]\n"
    "  Decides whether the professional may do the action on the item of the person's file for\n"
    "  the purpose, and prints every check with the policy rule it rests on. The directory files\n"
    "  use the access workload's TSV format (docs/access-rules.md). With --trail, the decision\n"
    "  is also made through the access trail of the ledger DB and recorded there (the key\n"
    "  file's passphrase from SOCLE_PASSPHRASE or standard input; `socle audit` reads it).\n"
    "  With --storage, the vault and the trail are those of one location (docs/postgresql.md):\n"
    "  a directory holding vault.db and access_trail.db, or a PostgreSQL URI, which needs\n"
    "  --witness-dir, a local directory for the witness files.\n"
    "  Without --professionals and --persons, --storage (and --key) give the state of record:\n"
    "  the directory, consents, objections, shares and mandates that `socle directory`,\n"
    "  `consent`, `objection`, `share` and `mandate` recorded there; the decision is then\n"
    "  recorded in its access trail.\n";

int Usage(Io io, const std::string& problem) {
  io.err << "socle access: " << problem << "\n" << kAccessUsage;
  return kExitUsage;
}

int Failed(Io io, const absl::Status& status) {
  io.err << "socle access: " << status.message() << "\n";
  return ExitCodeForFailure(status);
}

bool ParseAction(const std::string& s, Action* out) {
  for (int a = 1; a < kActionCount; ++a) {
    if (s == Name(static_cast<Action>(a))) {
      *out = static_cast<Action>(a);
      return true;
    }
  }
  return false;
}

bool ParseKind(const std::string& s, EntryKind* out) {
  for (int k = 1; k < kEntryKindCount; ++k) {
    if (s == Name(static_cast<EntryKind>(k))) {
      *out = static_cast<EntryKind>(k);
      return true;
    }
  }
  return false;
}

int Explain(const std::vector<std::string>& args, Io io) {
  if (WantsHelp(args)) {
    io.out << kAccessUsage;
    return kExitOk;
  }
  static const char* const kValued[] = {
      "--policy",  "--professionals", "--persons",     "--actor",
      "--person",  "--category",      "--action",      "--purpose",
      "--item",    "--author",        "--kind",        "--at",
      "--trail",   "--vault",         "--key",         "--tenant",
      "--witness", "--storage",       "--witness-dir", "--restriction-justification"};
  std::map<std::string, std::string> values;
  bool masked = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool has_value = false;
    if (const size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      has_value = true;
    }
    if (flag == "--masked" && !has_value) {
      masked = true;
      continue;
    }
    bool known = false;
    for (const char* name : kValued) known |= flag == name;
    if (!known) return Usage(io, absl::StrCat("unexpected argument '", flag, "'"));
    if (!has_value) {
      if (i + 1 >= args.size()) return Usage(io, absl::StrCat(flag, " needs a value"));
      value = args[++i];
    }
    values[flag] = value;
  }
  for (const char* required : {"--policy", "--actor", "--person", "--category", "--purpose"}) {
    if (!values.count(required)) return Usage(io, absl::StrCat(required, " is required"));
  }
  // Without the directory's files, the engine is the state of record of --storage: its
  // directory, consents, objections, shares and mandates (`socle consent|share|mandate`).
  const bool of_record = !values.count("--professionals") && !values.count("--persons");
  if (of_record && !values.count("--storage")) {
    return Usage(io,
                 "--professionals and --persons are required (or --storage, whose state of "
                 "record holds the directory)");
  }
  if (!of_record && (!values.count("--professionals") || !values.count("--persons"))) {
    return Usage(io, "give both --professionals and --persons, or neither (with --storage)");
  }

  AccessRequest request;
  if (values.count("--action") && !ParseAction(values["--action"], &request.action)) {
    return Usage(io, absl::StrCat("unknown action '", values["--action"],
                                  "' (read, write, delete, export, print, share)"));
  }
  if (values.count("--kind") && !ParseKind(values["--kind"], &request.kind)) {
    return Usage(io, absl::StrCat("unknown entry kind '", values["--kind"],
                                  "' (fact, appreciation, third_party_information, "
                                  "working_note)"));
  }
  if (values.count("--at")) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, values["--at"], &request.time, &error)) {
      return Usage(io,
                   absl::StrCat("--at '", values["--at"], "' is not an RFC 3339 time: ", error));
    }
  }

  std::unique_ptr<AccessEngine> own_engine;
  std::unique_ptr<OpenedEngine> of_record_engine;
  if (of_record) {
    if (values.count("--trail") || values.count("--vault") || values.count("--witness")) {
      return Usage(io,
                   "the state of record goes with --storage, not --trail, --vault or --witness");
    }
    std::vector<std::string> engine_args;
    for (const char* flag : {"--storage", "--key", "--policy", "--tenant", "--witness-dir"}) {
      if (values.count(flag)) engine_args.insert(engine_args.end(), {flag, values[flag]});
    }
    Flags engine_flags;
    if (const std::string p = engine_flags.Parse(engine_args, EngineFlagNames(), {}); !p.empty()) {
      return Usage(io, p);
    }
    if (const std::string p = CheckEngineFlags(engine_flags); !p.empty()) return Usage(io, p);
    auto opened =
        OpenEngine(engine_flags, /*create_state=*/false, /*with_trail=*/true, std::cin, io);
    if (!opened.ok()) return Failed(io, opened.status());
    of_record_engine = *std::move(opened);
  } else {
    std::vector<Diagnostic> diagnostics;
    auto policy = Policy::LoadFile(values["--policy"], &diagnostics);
    if (!policy.ok()) {
      for (const Diagnostic& d : diagnostics) io.err << d.ToString(values["--policy"]) << "\n";
      return Failed(io, policy.status());
    }
    auto engine = AccessEngine::Create(*policy);
    if (!engine.ok()) return Failed(io, engine.status());
    own_engine = *std::move(engine);
    auto loaded = own_engine->LoadDirectoryTsvFiles(values["--professionals"], values["--persons"]);
    if (!loaded.ok()) return Failed(io, loaded.status());
  }

  AccessEngine& e = of_record ? *of_record_engine->engine : *own_engine;
  auto find = [&](const char* flag, std::optional<uint32_t> id, absl::string_view what,
                  uint32_t* out) -> bool {
    if (!id) {
      io.err << "socle access: " << flag << " '" << values[flag] << "' is not " << what << "\n";
      return false;
    }
    *out = *id;
    return true;
  };
  if (!find("--actor", e.FindProfessional(values["--actor"]), "a professional of the directory",
            &request.actor) ||
      !find("--person", e.FindPerson(values["--person"]), "a person of the directory",
            &request.person) ||
      !find("--category", e.FindCategory(values["--category"]), "a data category of the policy",
            &request.category) ||
      !find("--purpose", e.FindPurpose(values["--purpose"]), "an activity of the policy",
            &request.purpose)) {
    return kExitInvalidInput;
  }
  if (values.count("--author") && !find("--author", e.FindProfessional(values["--author"]),
                                        "a professional of the directory", &request.author)) {
    return kExitInvalidInput;
  }
  LedgerFlags trail_flags;
  const bool recorded_in_storage = values.count("--storage") > 0;
  if (recorded_in_storage && (values.count("--trail") || values.count("--vault"))) {
    return Usage(io,
                 "--storage holds the trail and the vault: give it, or --trail and --vault, "
                 "not both");
  }
  if (!recorded_in_storage && values.count("--witness-dir")) {
    return Usage(io, "--witness-dir goes with --storage");
  }
  if (values.count("--trail") || recorded_in_storage) {
    // (operator[] inserts an empty value: every presence check is above.)
    trail_flags.db = values["--trail"];
    trail_flags.vault = values["--vault"];
    trail_flags.storage = values["--storage"];
    trail_flags.witness_dir = values["--witness-dir"];
    trail_flags.key = values["--key"];
    if (values.count("--tenant")) trail_flags.tenant = values["--tenant"];
    trail_flags.witness = values["--witness"];
    if (recorded_in_storage && (trail_flags.storage.empty() || trail_flags.key.empty())) {
      return Usage(io, "--storage needs a location and --key");
    }
    if (!recorded_in_storage &&
        (trail_flags.db.empty() || trail_flags.vault.empty() || trail_flags.key.empty())) {
      return Usage(io, "--trail needs --vault and --key");
    }
  } else {
    for (const char* flag : {"--vault", "--key", "--tenant", "--witness"}) {
      if (values.count(flag)) {
        return Usage(io, absl::StrCat(flag, " goes with --trail or --storage"));
      }
    }
  }
  request.masked = masked;
  // Why a restricted item is processed all the same (GDPR art. 18(2); socle/restriction.hpp).
  if (values.count("--restriction-justification")) {
    const auto justification =
        RestrictionJustificationFromName(values["--restriction-justification"]);
    if (!justification || *justification == RestrictionJustification::kNone) {
      return Usage(
          io,
          "--restriction-justification is subject_consent, legal_claims, protection_of_others or "
          "important_public_interest");
    }
    request.restriction_justification = *justification;
  }
  const std::string item = values.count("--item") ? values["--item"] : std::string();
  request.item = item;

  auto explanation = e.Explain(request);
  if (!explanation.ok()) return Failed(io, explanation.status());
  io.out << values["--actor"] << " " << Name(request.action) << " " << values["--category"]
         << " of " << values["--person"] << " for " << values["--purpose"];
  if (!item.empty()) io.out << " (item " << item << ")";
  io.out << "\n" << explanation->ToString();
  io.out << "decided by: " << e.RuleName(explanation->decision.rule) << "\n";
  if (trail_flags.db.empty() && trail_flags.storage.empty()) return kExitOk;

  // The recorded path: the same request decided through the trail, which appends the entry
  // before it answers.
  std::optional<OpenedLedger> own_ledger;
  std::unique_ptr<AccessTrail> own_trail;
  AccessTrail* trail = nullptr;
  Ledger* ledger = nullptr;
  if (of_record) {
    trail = of_record_engine->trail.get();
    ledger = of_record_engine->trail_ledger.get();
  } else {
    auto opened = OpenLedger(trail_flags, /*create_ledger=*/true, std::cin, io);
    if (!opened.ok()) return Failed(io, opened.status());
    own_ledger = *std::move(opened);
    auto made = AccessTrail::Create(own_ledger->ledger, e);
    if (!made.ok()) return Failed(io, made.status());
    own_trail = *std::move(made);
    trail = own_trail.get();
    ledger = own_ledger->ledger.get();
  }
  auto recorded = trail->Decide(request);
  if (!recorded.ok()) return Failed(io, recorded.status());
  if (recorded->allowed() != explanation->decision.allowed() ||
      recorded->reason != explanation->decision.reason) {
    return Failed(io, MakeError(ErrorCode::kInternal,
                                "the recorded decision differs from the explained one"));
  }
  auto size = ledger->Size();
  if (!size.ok()) return Failed(io, size.status());
  io.out << "recorded in the access trail (" << *size << " entries)\n";
  return kExitOk;
}

}  // namespace

int Access(const std::vector<std::string>& args, Io io) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? io.err : io.out) << kAccessUsage;
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "explain") {
    return Explain(std::vector<std::string>(args.begin() + 1, args.end()), io);
  }
  return Usage(io, absl::StrCat("unknown subcommand '", args[0], "'"));
}

}  // namespace socle::cli
