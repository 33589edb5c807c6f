// `socle keys init|rotate|shred`: the vault's key file and database from the command line.
//
// The passphrase comes from the environment variable SOCLE_PASSPHRASE or from the first line
// of standard input (without echo on a terminal), never from the command line, where `ps` and
// shell histories would show it.
#include <filesystem>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "socle/error.hpp"
#include "socle/secret_bytes.hpp"
#include "socle/storage.hpp"
#include "socle/vault.hpp"

namespace socle::cli {
namespace {

constexpr char kUsage[] =
    "usage: socle keys init   --key-file FILE VAULT [--tenant T] [--kdf moderate|interactive|"
    "sensitive]\n"
    "       socle keys rotate --key-file FILE VAULT [--tenant T] [--keep-old]\n"
    "       socle keys shred  --key-file FILE VAULT --person ID [--tenant T]\n"
    "VAULT: --db DB | --storage LOCATION [--witness-dir DIR]\n"
    "\n"
    "The vault is the database file DB, or that of a storage location (docs/postgresql.md): a\n"
    "directory, whose vault.db it is (init creates the directory), or a PostgreSQL URI.\n"
    "The passphrase is read from SOCLE_PASSPHRASE, or else from the first line of standard\n"
    "input; never from the command line. The tenant defaults to 'default'.\n";

struct Flags {
  std::string command;
  std::string key_file;
  std::string db;
  std::string storage;      // instead of db: a directory or a postgresql:// URI
  std::string witness_dir;  // with a URI storage
  std::string tenant = "default";
  std::string person;
  std::string kdf = "moderate";
  bool keep_old = false;
};

int Usage(Io io, const std::string& problem) {
  io.err << "socle keys: " << problem << "\n" << kUsage;
  return kExitUsage;
}

// Parses `--name value` and `--name=value`; returns an empty string on success, else the
// problem (which never repeats a value: a misplaced passphrase must not be echoed).
std::string Parse(const std::vector<std::string>& args, Flags& flags) {
  if (args.empty()) return "missing subcommand";
  flags.command = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool has_value = false;
    const size_t eq = name.find('=');
    if (name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "--passphrase" || name == "--password") {
      return "the passphrase is never taken from the command line: use SOCLE_PASSPHRASE or "
             "standard input";
    }
    if (name == "--keep-old") {
      if (has_value) return "--keep-old takes no value";
      flags.keep_old = true;
      continue;
    }
    std::string* target = nullptr;
    if (name == "--key-file") target = &flags.key_file;
    if (name == "--db") target = &flags.db;
    if (name == "--storage") target = &flags.storage;
    if (name == "--witness-dir") target = &flags.witness_dir;
    if (name == "--tenant") target = &flags.tenant;
    if (name == "--person") target = &flags.person;
    if (name == "--kdf") target = &flags.kdf;
    if (target == nullptr) return "unexpected argument at position " + std::to_string(i + 1);
    if (!has_value) {
      if (i + 1 >= args.size()) return name + " needs a value";
      value = args[++i];
    }
    *target = value;
  }
  if (flags.key_file.empty()) return "--key-file is required";
  if (!flags.db.empty() && !flags.storage.empty()) return "--db and --storage: give one";
  if (flags.db.empty() && flags.storage.empty()) return "--db (or --storage) is required";
  if (flags.storage.empty() && !flags.witness_dir.empty()) {
    return "--witness-dir goes with --storage";
  }
  return "";
}

int ExitCodeFor(const absl::Status& status) {
  switch (ErrorCodeOf(status)) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound:
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kVerificationFailed:
    case ErrorCode::kParse:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kUnsupported:
      return kExitInvalidInput;
    default:
      return kExitFailure;
  }
}

int Fail(Io io, const absl::Status& status) {
  io.err << "socle keys: " << ErrorCodeName(ErrorCodeOf(status)) << ": " << status.message()
         << "\n";
  return ExitCodeFor(status);
}

std::string Mebibytes(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// The vault of --db, or of --storage; `*shown` names it for the output (a URI without its
// password). Only `init` may create the storage's directory or its vault.db: elsewhere a
// mistyped directory must not become an empty vault.
absl::StatusOr<std::unique_ptr<Vault>> OpenVaultOf(const Flags& flags,
                                                   std::shared_ptr<KeyProvider> provider,
                                                   bool create, std::string* shown) {
  *shown = flags.db;
  if (flags.storage.empty()) return Vault::Open(std::move(provider), flags.db, flags.tenant);
  // A URI (the prefixes Storage::Open recognises) names no local path.
  const bool uri = absl::StartsWith(flags.storage, "postgresql://") ||
                   absl::StartsWith(flags.storage, "postgres://");
  std::error_code ec;
  if (!create && !uri &&
      !std::filesystem::is_regular_file(std::filesystem::path(flags.storage) / "vault.db", ec)) {
    return MakeError(ErrorCode::kNotFound,
                     absl::StrCat("no such file: ",
                                  (std::filesystem::path(flags.storage) / "vault.db").string()));
  }
  StorageOptions options;
  options.witness_dir = flags.witness_dir;
  auto storage = Storage::Open(flags.storage, options);
  if (!storage.ok()) return storage.status();
  *shown = storage->postgres() ? storage->shown_location()
                               : (std::filesystem::path(flags.storage) / "vault.db").string();
  return storage->OpenVault(std::move(provider), flags.tenant);
}

int Init(const Flags& flags, const SecretBytes& passphrase, Io io) {
  KeyFileOptions options;
  if (flags.kdf == "moderate") {
    options.kdf = PassphraseKdfParams::Moderate();
  } else if (flags.kdf == "interactive") {
    options.kdf = PassphraseKdfParams::Interactive();
  } else if (flags.kdf == "sensitive") {
    options.kdf = PassphraseKdfParams::Sensitive();
  } else {
    return Usage(io, "--kdf must be moderate, interactive or sensitive");
  }
  if (!flags.storage.empty()) {
    // A location Storage refuses (a file, a URI without --witness-dir) is said before the key
    // file is created.
    StorageOptions storage_options;
    storage_options.witness_dir = flags.witness_dir;
    auto storage = Storage::Open(flags.storage, storage_options);
    if (!storage.ok()) return Fail(io, storage.status());
  }
  auto provider = KeyFileProvider::Create(flags.key_file, passphrase, options);
  if (!provider.ok()) return Fail(io, provider.status());
  const std::string key_id = (*provider)->KeyId();
  std::string shown;
  auto vault = OpenVaultOf(flags, std::shared_ptr<KeyProvider>(std::move(*provider)),
                           /*create=*/true, &shown);
  if (!vault.ok()) {
    io.err << "socle keys: the key file " << flags.key_file
           << " was created, but the database could not be prepared\n";
    return Fail(io, vault.status());
  }
  io.out << "key file " << flags.key_file << " created: master key " << key_id
         << ", version 1, Argon2id opslimit " << options.kdf.opslimit << ", memlimit "
         << Mebibytes(options.kdf.memlimit_bytes) << "\n"
         << "vault database " << shown << " ready for tenant " << flags.tenant << "\n";
  return kExitOk;
}

absl::StatusOr<std::unique_ptr<Vault>> OpenVault(const Flags& flags,
                                                 const SecretBytes& passphrase) {
  auto provider = KeyFileProvider::Open(flags.key_file, passphrase);
  if (!provider.ok()) return provider.status();
  std::string shown;
  return OpenVaultOf(flags, std::shared_ptr<KeyProvider>(std::move(*provider)),
                     /*create=*/false, &shown);
}

int Rotate(const Flags& flags, const SecretBytes& passphrase, Io io) {
  auto vault = OpenVault(flags, passphrase);
  if (!vault.ok()) return Fail(io, vault.status());
  const auto report = (*vault)->RotateMasterKey(/*retire_previous=*/!flags.keep_old);
  if (!report.ok()) return Fail(io, report.status());
  io.out << "master key version " << report->master_version << ": " << report->rewrapped
         << " keys re-wrapped; "
         << (report->retired_previous ? "older versions destroyed" : "older versions kept") << "\n";
  return kExitOk;
}

int Shred(const Flags& flags, const SecretBytes& passphrase, Io io) {
  if (flags.person.empty()) return Usage(io, "--person is required");
  auto vault = OpenVault(flags, passphrase);
  if (!vault.ok()) return Fail(io, vault.status());
  const absl::Status shredded = (*vault)->ShredPerson(flags.person);
  if (!shredded.ok()) return Fail(io, shredded);
  // The person id is not repeated: this output may end up in a log.
  io.out << "person key shredded: every record sealed for this person is unreadable\n";
  return kExitOk;
}

}  // namespace

// `args` are the words after `socle keys`.
int Keys(const std::vector<std::string>& args, Io io) {
  if (WantsHelp(args) || (!args.empty() && args[0] == "help")) {
    io.out << kUsage;
    return kExitOk;
  }
  Flags flags;
  const std::string problem = Parse(args, flags);
  if (!problem.empty()) return Usage(io, problem);
  if (flags.command != "init" && flags.command != "rotate" && flags.command != "shred") {
    return Usage(io, "unknown subcommand");
  }
  if (flags.command == "shred" && flags.person.empty()) return Usage(io, "--person is required");
  auto passphrase = ReadPassphrase(std::cin, io);
  if (!passphrase.ok()) return Fail(io, passphrase.status());
  if (flags.command == "init") return Init(flags, *passphrase, io);
  if (flags.command == "rotate") return Rotate(flags, *passphrase, io);
  return Shred(flags, *passphrase, io);
}

}  // namespace socle::cli
