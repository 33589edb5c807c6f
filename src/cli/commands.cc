#include "cli/commands.h"

#include <ostream>

#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/socle.h"

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

}  // namespace

int PolicyCheck(const std::vector<std::string>& args, Io io) {
  if (args.size() != 1) {
    io.err << "usage: socle policy check FILE\n";
    return kExitUsage;
  }
  const std::string& path = args[0];
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::LoadFile(path, &diagnostics);
  PrintDiagnostics(diagnostics, path, io.err);
  if (!policy.ok()) {
    if (diagnostics.empty()) io.err << "socle: " << policy.status().message() << "\n";
    size_t errors = 0;
    for (const auto& d : diagnostics) errors += d.severity == Diagnostic::Severity::kError;
    if (errors > 0) io.err << path << ": " << errors << (errors == 1 ? " error\n" : " errors\n");
    return ExitCodeFor(policy.status());
  }
  io.out << path << ": valid policy '" << policy->id() << "'";
  if (!policy->revision().empty()) io.out << " (revision " << policy->revision() << ")";
  io.out << ": " << policy->activity_count() << " activities, " << policy->role_count()
         << " roles, " << policy->data_category_count() << " data categories";
  if (!diagnostics.empty()) io.out << ", " << diagnostics.size() << " warning(s)";
  io.out << "\ndigest " << policy->digest_hex() << "\n";
  return kExitOk;
}

int PolicyRegister(const std::vector<std::string>& args, Io io) {
  std::string path;
  RegisterFormat format = RegisterFormat::kMarkdown;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string value;
    if (a == "--format" && i + 1 < args.size()) {
      value = args[++i];
    } else if (a.rfind("--format=", 0) == 0) {
      value = a.substr(9);
    } else if (!a.empty() && a[0] != '-' && path.empty()) {
      path = a;
      continue;
    } else {
      io.err << "socle policy register: unexpected argument '" << a << "'\n"
             << "usage: socle policy register FILE [--format md|json]\n";
      return kExitUsage;
    }
    if (value == "md" || value == "markdown") {
      format = RegisterFormat::kMarkdown;
    } else if (value == "json") {
      format = RegisterFormat::kJson;
    } else {
      io.err << "socle policy register: unknown format '" << value << "'; use md or json\n";
      return kExitUsage;
    }
  }
  if (path.empty()) {
    io.err << "usage: socle policy register FILE [--format md|json]\n";
    return kExitUsage;
  }
  std::vector<Diagnostic> diagnostics;
  auto policy = Policy::LoadFile(path, &diagnostics);
  if (!policy.ok()) {
    PrintDiagnostics(diagnostics, path, io.err);
    if (diagnostics.empty()) io.err << "socle: " << policy.status().message() << "\n";
    return ExitCodeFor(policy.status());
  }
  auto text = policy->RenderRegister(format);
  if (!text.ok()) {
    io.err << "socle: " << text.status().message() << "\n";
    return kExitFailure;
  }
  io.out << *text;
  if (!text->empty() && text->back() != '\n') io.out << "\n";
  return kExitOk;
}

int Version(const std::vector<std::string>& args, Io io) {
  if (!args.empty()) {
    io.err << "usage: socle version\n";
    return kExitUsage;
  }
  io.out << "socle " << socle_version_string() << "\n";
  return kExitOk;
}

}  // namespace socle::cli
