#include "cli/commands.h"

#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <istream>
#include <ostream>

#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"
#include "socle/version.hpp"

namespace socle::cli {
namespace {

int ExitCodeFor(const absl::Status& status) {
  switch (ErrorCodeOf(status)) {
    case ErrorCode::kParse:
    case ErrorCode::kPolicyInvalid:
      return kExitInvalidInput;
    default:
      return kExitFailure;
  }
}

void PrintDiagnostics(const std::vector<Diagnostic>& diagnostics, const std::string& source,
                      std::ostream& err) {
  for (const Diagnostic& d : diagnostics) err << d.ToString(source) << "\n";
}

constexpr char kCheckUsage[] =
    "usage: socle policy check FILE\n"
    "  Validates the policy and prints every problem with its line and column (at most 100,\n"
    "  then how many more), then its digest; then proves its properties over every case\n"
    "  (socle policy prove), or says it declares none. Exit 1 when the policy is invalid or a\n"
    "  property does not hold.\n";
constexpr char kRegisterUsage[] =
    "usage: socle policy register FILE [--previous OLD] [--format md|json|jsonld] [--lang fr|en]\n"
    "  Renders the register of processing activities (GDPR art. 30(1)) of a valid policy:\n"
    "  --format md      Markdown, one fiche per activity (the default)\n"
    "           json    JSON, schema socle.v1.Register (proto/socle/v1/register.proto)\n"
    "           jsonld  JSON-LD in the W3C Data Privacy Vocabulary (https://w3id.org/dpv)\n"
    "  --lang fr        French, under the headings of the CNIL's model register (the default)\n"
    "         en        English\n"
    "  --previous OLD   adds a section on what changed since the policy OLD: its revision and\n"
    "                   digest, and every change of an access decision summed up in the\n"
    "                   register's language (socle policy diff OLD FILE)\n";
constexpr char kVersionUsage[] =
    "usage: socle version\n  Prints the version of the socle library the program runs with.\n";

}  // namespace

int ExitCodeForFailure(const absl::Status& status) {
  switch (ErrorCodeOf(status)) {
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
    case ErrorCode::kNoMemory:
      return kExitFailure;
    default:
      return kExitInvalidInput;
  }
}

bool WantsHelp(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

absl::StatusOr<SecretBytes> ReadPassphrase(std::istream& in, Io io) {
  constexpr size_t kMaxPassphraseBytes = 1024;
  if (const char* env = std::getenv("SOCLE_PASSPHRASE"); env != nullptr && *env != '\0') {
    return SecretBytes(absl::string_view(env));
  }
  const bool terminal = &in == &std::cin && isatty(STDIN_FILENO) == 1;
  termios saved{};
  bool echo_off = false;
  if (terminal) {
    io.err << "passphrase: " << std::flush;
    if (tcgetattr(STDIN_FILENO, &saved) == 0) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      echo_off = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  }
  SecretBytes buffer(kMaxPassphraseBytes);
  size_t n = 0;
  bool too_long = false;
  for (int c = in.get(); c != std::char_traits<char>::eof() && c != '\n'; c = in.get()) {
    if (n < buffer.size()) {
      buffer.data()[n++] = static_cast<uint8_t>(c);
    } else {
      too_long = true;
    }
  }
  if (echo_off) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  if (terminal) io.err << "\n";
  if (n > 0 && buffer.data()[n - 1] == '\r') --n;
  if (too_long) {
    return MakeError(ErrorCode::kInvalidArgument, "the passphrase is longer than 1024 bytes");
  }
  if (n == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "no passphrase: set SOCLE_PASSPHRASE or write it on the first line of "
                     "standard input");
  }
  return SecretBytes(buffer.data(), n);
}

namespace {

// The properties of a valid policy, proven (policy_analysis.cc prints them).
int CheckProperties(const Policy& policy, Io io) {
  // Without properties there is nothing to prove: no world is built (an access engine of its
  // own with one professional per role and relation and one person per situation).
  if (DeclaredPropertyCount(policy) == 0) {
    io.out << "0 properties declared: nothing to prove (the policy's `properties` section, "
              "docs/policy-analysis.md)\n";
    return kExitOk;
  }
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<PolicyAnalysis>> analysis = PolicyAnalysis::Create(policy);
  if (!analysis.ok()) {
    io.err << "socle: " << analysis.status().message() << "\n";
    return ExitCodeForFailure(analysis.status());
  }
  const std::vector<PropertyResult> results = (*analysis)->ProveDeclared();
  const double millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return PrintPropertyResults(**analysis, results, millis, io.out) == 0 ? kExitOk
                                                                        : kExitInvalidInput;
}

}  // namespace

int PolicyCheck(const std::vector<std::string>& args, Io io) {
  if (WantsHelp(args)) {
    io.out << kCheckUsage;
    return kExitOk;
  }
  if (args.size() != 1) {
    io.err << kCheckUsage;
    return kExitUsage;
  }
  const std::string& path = args[0];
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::LoadFile(path, &diagnostics);
  PrintDiagnostics(diagnostics, path, io.err);
  if (!policy.ok()) {
    if (diagnostics.empty()) io.err << "socle: " << policy.status().message() << "\n";
    size_t errors = 0;
    bool truncated = false;
    for (const auto& d : diagnostics) {
      if (d.severity != Diagnostic::Severity::kError) continue;
      if (d.code == "diagnostics.truncated") {
        truncated = true;
      } else {
        ++errors;
      }
    }
    if (errors > 0) {
      io.err << path << ": " << errors << (errors == 1 ? " error" : " errors")
             << (truncated ? " shown, and more\n" : "\n");
    }
    return ExitCodeFor(policy.status());
  }
  io.out << path << ": valid policy '" << policy->id() << "'";
  if (!policy->revision().empty()) io.out << " (revision " << policy->revision() << ")";
  io.out << ": " << policy->activity_count() << " activities, " << policy->role_count()
         << " roles, " << policy->data_category_count() << " data categories";
  if (!diagnostics.empty()) io.out << ", " << diagnostics.size() << " warning(s)";
  io.out << "\ndigest " << policy->digest_hex() << "\n";
  return CheckProperties(*policy, io);
}

int PolicyRegister(const std::vector<std::string>& args, Io io) {
  if (WantsHelp(args)) {
    io.out << kRegisterUsage;
    return kExitOk;
  }
  std::string path, previous_path;
  RegisterFormat format = RegisterFormat::kMarkdown;
  RegisterLanguage language = RegisterLanguage::kFrench;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string option;
    std::string value;
    for (const char* name : {"--format", "--lang", "--previous"}) {
      const std::string prefix = std::string(name) + "=";
      if (a == name && i + 1 < args.size()) {
        option = name;
        value = args[++i];
      } else if (a.rfind(prefix, 0) == 0) {
        option = name;
        value = a.substr(prefix.size());
      }
    }
    if (option.empty()) {
      if (!a.empty() && a[0] != '-' && path.empty()) {
        path = a;
        continue;
      }
      io.err << "socle policy register: unexpected argument '" << a << "'\n" << kRegisterUsage;
      return kExitUsage;
    }
    if (option == "--previous") {
      if (value.empty() || !previous_path.empty()) {
        io.err << "socle policy register: --previous takes one policy file\n" << kRegisterUsage;
        return kExitUsage;
      }
      previous_path = value;
    } else if (option == "--lang") {
      if (value == "fr") {
        language = RegisterLanguage::kFrench;
      } else if (value == "en") {
        language = RegisterLanguage::kEnglish;
      } else {
        io.err << "socle policy register: unknown language '" << value << "'; use fr or en\n";
        return kExitUsage;
      }
    } else if (value == "md" || value == "markdown") {
      format = RegisterFormat::kMarkdown;
    } else if (value == "json") {
      format = RegisterFormat::kJson;
    } else if (value == "jsonld") {
      format = RegisterFormat::kJsonLd;
    } else {
      io.err << "socle policy register: unknown format '" << value << "'; use md, json or jsonld\n";
      return kExitUsage;
    }
  }
  if (path.empty()) {
    io.err << kRegisterUsage;
    return kExitUsage;
  }
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::LoadFile(path, &diagnostics);
  if (!policy.ok()) {
    PrintDiagnostics(diagnostics, path, io.err);
    if (diagnostics.empty()) io.err << "socle: " << policy.status().message() << "\n";
    return ExitCodeFor(policy.status());
  }
  absl::StatusOr<std::string> text;
  if (previous_path.empty()) {
    text = policy->RenderRegister(format, language);
  } else {
    diagnostics.clear();
    auto previous = Policy::LoadFile(previous_path, &diagnostics);
    if (!previous.ok()) {
      PrintDiagnostics(diagnostics, previous_path, io.err);
      io.err << "socle policy register: --previous " << previous_path << ": "
             << previous.status().message() << "\n";
      return ExitCodeFor(previous.status());
    }
    text = RenderRegisterWithChanges(*previous, *policy, format, language);
  }
  if (!text.ok()) {
    io.err << "socle: " << text.status().message() << "\n";
    return ExitCodeForFailure(text.status());
  }
  io.out << *text;
  if (!text->empty() && text->back() != '\n') io.out << "\n";
  return kExitOk;
}

int Version(const std::vector<std::string>& args, Io io) {
  if (WantsHelp(args)) {
    io.out << kVersionUsage;
    return kExitOk;
  }
  if (!args.empty()) {
    io.err << kVersionUsage;
    return kExitUsage;
  }
  io.out << "socle " << VersionString() << "\n";
  return kExitOk;
}

}  // namespace socle::cli
