// The engine of record of the `socle` commands that record facts (engine.h), and
// `socle directory load`, which puts the directory into it.
#include "cli/engine.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "socle/error.hpp"
#include "socle/storage.hpp"

namespace socle::cli {

std::string Flags::Parse(const std::vector<std::string>& args, const std::set<std::string>& valued,
                         const std::set<std::string>& switches) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_value = false;
    if (name.rfind("--", 0) != 0) return absl::StrCat("unexpected argument '", name, "'");
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "--passphrase" || name == "--password") {
      return "the passphrase is never taken from the command line: use SOCLE_PASSPHRASE or "
             "standard input";
    }
    if (switches.count(name) && !has_value) {
      on_.insert(name);
      continue;
    }
    if (!valued.count(name)) return absl::StrCat("unexpected argument '", name, "'");
    if (!has_value) {
      if (i + 1 >= args.size()) return name + " needs a value";
      value = args[++i];
    }
    values_[name].push_back(value);
  }
  return "";
}

std::string Flags::Get(const std::string& flag) const {
  auto it = values_.find(flag);
  return it == values_.end() || it->second.empty() ? std::string() : it->second.back();
}

std::vector<std::string> Flags::List(const std::string& flag) const {
  std::vector<std::string> out;
  auto it = values_.find(flag);
  if (it == values_.end()) return out;
  for (const std::string& v : it->second) {
    for (absl::string_view piece : absl::StrSplit(v, ',', absl::SkipWhitespace())) {
      out.emplace_back(absl::StripAsciiWhitespace(piece));
    }
  }
  return out;
}

std::string CheckEngineFlags(const Flags& flags) {
  for (const char* required : {"--storage", "--key", "--policy"}) {
    if (flags.Get(required).empty()) return absl::StrCat(required, " is required");
  }
  return "";
}

absl::StatusOr<std::unique_ptr<OpenedEngine>> OpenEngine(const Flags& flags, bool create_state,
                                                         bool with_trail, std::istream& in, Io io) {
  const std::string location = flags.Get("--storage");
  const bool uri =
      absl::StartsWith(location, "postgresql://") || absl::StartsWith(location, "postgres://");
  // Opening creates what is missing: a mistyped directory must not become an empty storage, nor
  // a mistyped key file path an error about a passphrase.
  std::vector<std::string> required = {flags.Get("--policy"), flags.Get("--key")};
  if (!uri) {
    std::error_code ec;
    if (!std::filesystem::is_directory(location, ec)) {
      return MakeError(ErrorCode::kNotFound, absl::StrCat("no such directory: ", location));
    }
    const std::filesystem::path dir(location);
    required.push_back((dir / "vault.db").string());
    if (!create_state) required.push_back((dir / "state.db").string());
  }
  for (const std::string& path : required) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return MakeError(ErrorCode::kNotFound, absl::StrCat("no such file: ", path));
    }
  }
  auto opened = std::make_unique<OpenedEngine>();
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::LoadFile(flags.Get("--policy"), &diagnostics);
  if (!policy.ok()) {
    for (const Diagnostic& d : diagnostics) io.err << d.ToString(flags.Get("--policy")) << "\n";
    return policy.status();
  }
  opened->policy = std::make_unique<Policy>(*std::move(policy));

  StorageOptions storage_options;
  storage_options.witness_dir = flags.Get("--witness-dir");
  auto storage = Storage::Open(location, storage_options);
  if (!storage.ok()) return storage.status();
  auto passphrase = ReadPassphrase(in, io);
  if (!passphrase.ok()) return passphrase.status();
  auto provider = KeyFileProvider::Open(flags.Get("--key"), *passphrase);
  if (!provider.ok()) return provider.status();
  const std::string tenant = flags.Has("--tenant") ? flags.Get("--tenant") : "default";
  auto vault = storage->OpenVault(std::shared_ptr<KeyProvider>(*std::move(provider)), tenant);
  if (!vault.ok()) return vault.status();
  opened->vault = std::shared_ptr<Vault>(*std::move(vault));
  LedgerOptions options;
  options.durability = Durability::kSync;  // a command's events are on disk when it exits
  auto state = storage->OpenLedger(opened->vault, "state", options);
  if (!state.ok()) return state.status();
  opened->state_ledger = std::shared_ptr<Ledger>(*std::move(state));
  opened->record = std::make_shared<StateLedger>(opened->state_ledger);
  auto engine = AccessEngine::Open(*opened->policy, opened->record);
  if (!engine.ok()) return engine.status();
  opened->engine = *std::move(engine);
  if (with_trail) {
    auto trail_ledger = storage->OpenLedger(opened->vault, "access_trail", options);
    if (!trail_ledger.ok()) return trail_ledger.status();
    opened->trail_ledger = std::shared_ptr<Ledger>(*std::move(trail_ledger));
    auto trail = AccessTrail::Create(opened->trail_ledger, *opened->engine);
    if (!trail.ok()) return trail.status();
    opened->trail = *std::move(trail);
  }
  return opened;
}

bool ParseTimeFlag(const std::string& text, absl::Time* out) {
  std::string error;
  return absl::ParseTime(absl::RFC3339_full, text, out, &error);
}

bool ParseDayFlag(const std::string& text, absl::CivilDay* out) {
  return text.size() == 10 && absl::ParseCivilTime(text, out);
}

std::string Hex(absl::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool ParseChannel(const std::string& text, ConsentChannel* out) {
  static const std::map<std::string, ConsentChannel> kNames = {
      {"", ConsentChannel::kInPerson},
      {"in_person", ConsentChannel::kInPerson},
      {"paper", ConsentChannel::kPaper},
      {"online", ConsentChannel::kOnline},
      {"phone", ConsentChannel::kPhone}};
  auto it = kNames.find(text);
  if (it == kNames.end()) return false;
  *out = it->second;
  return true;
}

const char* ChannelName(ConsentChannel channel) {
  switch (channel) {
    case ConsentChannel::kPaper:
      return "paper";
    case ConsentChannel::kOnline:
      return "online";
    case ConsentChannel::kPhone:
      return "phone";
    default:
      return "in_person";
  }
}

std::string Sha256Flag(const Flags& flags, const std::string& hex_flag,
                       const std::string& file_flag, bool required, std::string* out) {
  out->clear();
  if (flags.Has(hex_flag) && flags.Has(file_flag)) {
    return absl::StrCat("give exactly one of ", hex_flag, " HEX and ", file_flag, " FILE");
  }
  if (flags.Has(hex_flag)) {
    if (!FromHex(flags.Get(hex_flag), out) || out->size() != 32) {
      return absl::StrCat(hex_flag, " must be 64 hexadecimal digits");
    }
    return "";
  }
  if (!flags.Has(file_flag)) {
    return required
               ? absl::StrCat("give exactly one of ", hex_flag, " HEX and ", file_flag, " FILE")
               : "";
  }
  std::ifstream file(flags.Get(file_flag), std::ios::binary);
  if (!file) return absl::StrCat("cannot read ", flags.Get(file_flag));
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  out->assign(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out->data()),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return "";
}

bool FromHex(absl::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]), lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string ShowTime(absl::Time t) {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

int Reporter::Usage(const std::string& problem) const {
  io.err << command << ": " << problem << "\n" << usage;
  return kExitUsage;
}

int Reporter::Failed(const absl::Status& status) const {
  io.err << command << ": " << ErrorCodeName(ErrorCodeOf(status)) << ": " << status.message()
         << "\n";
  return ExitCodeForFailure(status);
}

int RunEngineCommand(const Reporter& reporter, const std::vector<EngineSubcommand>& subcommands,
                     const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "help" || WantsHelp(args)) {
    (args.empty() ? reporter.io.err : reporter.io.out) << reporter.usage;
    return args.empty() ? kExitUsage : kExitOk;
  }
  const EngineSubcommand* sub = nullptr;
  for (const EngineSubcommand& s : subcommands) {
    if (s.name == args[0]) sub = &s;
  }
  if (sub == nullptr) return reporter.Usage(absl::StrCat("unknown subcommand '", args[0], "'"));
  std::set<std::string> valued = EngineFlagNames();
  valued.insert(sub->valued.begin(), sub->valued.end());
  valued.insert(sub->required.begin(), sub->required.end());
  Flags flags;
  if (const std::string problem = flags.Parse(
          std::vector<std::string>(args.begin() + 1, args.end()), valued, sub->switches);
      !problem.empty()) {
    return reporter.Usage(problem);
  }
  if (const std::string problem = CheckEngineFlags(flags); !problem.empty()) {
    return reporter.Usage(problem);
  }
  for (const std::string& required : sub->required) {
    if (flags.Get(required).empty()) return reporter.Usage(required + " is required");
  }
  std::unique_ptr<OpenedEngine> opened;
  const EngineOpener open = [&]() -> absl::StatusOr<OpenedEngine*> {
    if (opened == nullptr) {
      auto made = OpenEngine(flags, sub->writes, sub->with_trail, std::cin, reporter.io);
      if (!made.ok()) return made.status();
      opened = *std::move(made);
    }
    return opened.get();
  };
  return sub->run(flags, open, reporter);
}

namespace {

constexpr char kDirectoryUsage[] =
    "usage: socle directory load ENGINE_OPTIONS --professionals FILE --persons FILE\n"
    "  Loads (upserts) the professionals and persons of the two TSV files (the access\n"
    "  workload's format, docs/access-rules.md; a person's fourth column is the birth date)\n"
    "  into the state of record, as events of the state ledger. All or nothing.\n";

}  // namespace

int Directory(const std::vector<std::string>& args, Io io) {
  if (args.empty() || args[0] == "help" || WantsHelp(args)) {
    (args.empty() ? io.err : io.out) << kDirectoryUsage << kEngineOptionsHelp;
    return args.empty() ? kExitUsage : kExitOk;
  }
  auto usage = [&](const std::string& problem) {
    io.err << "socle directory: " << problem << "\n" << kDirectoryUsage;
    return kExitUsage;
  };
  if (args[0] != "load") return usage(absl::StrCat("unknown subcommand '", args[0], "'"));
  Flags flags;
  std::set<std::string> valued = EngineFlagNames();
  valued.insert({"--professionals", "--persons"});
  const std::string problem =
      flags.Parse(std::vector<std::string>(args.begin() + 1, args.end()), valued, {});
  if (!problem.empty()) return usage(problem);
  if (const std::string p = CheckEngineFlags(flags); !p.empty()) return usage(p);
  for (const char* required : {"--professionals", "--persons"}) {
    if (flags.Get(required).empty()) return usage(absl::StrCat(required, " is required"));
  }
  auto failed = [&](const absl::Status& status) {
    io.err << "socle directory: " << ErrorCodeName(ErrorCodeOf(status)) << ": " << status.message()
           << "\n";
    return ExitCodeForFailure(status);
  };
  auto opened = OpenEngine(flags, /*create_state=*/true, /*with_trail=*/false, std::cin, io);
  if (!opened.ok()) return failed(opened.status());
  auto revision = (*opened)->engine->LoadDirectoryTsvFiles(flags.Get("--professionals"),
                                                           flags.Get("--persons"));
  if (!revision.ok()) return failed(revision.status());
  io.out << "directory loaded: state revision " << *revision << "\n";
  return kExitOk;
}

}  // namespace socle::cli
