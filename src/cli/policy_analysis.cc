// `socle policy prove`, and the properties part of `socle policy check` (docs/policy-analysis.md).
#include "socle/policy_analysis.hpp"

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "socle/policy.hpp"

namespace socle::cli {
namespace {

constexpr char kProveUsage[] =
    "usage: socle policy prove FILE [--property ID]... [--statement TEXT] [--format text|json]\n"
    "  Proves the policy's properties (or only those named, or one statement given here) over\n"
    "  every case, with the access engine's own decisions; prints, for a property that does not\n"
    "  hold, its smallest counter-example and the engine's explanation. Exit 1 when one does\n"
    "  not hold. Grammar: docs/policy-analysis.md.\n";

constexpr char kDiffUsage[] =
    "usage: socle policy diff OLD NEW [--format text|json] [--lang fr|en] [--details]\n"
    "  Every case (role, action, category, purpose, kind, relation, situation) whose outcome\n"
    "  differs between the two policies, decided by the access engine under each: a summary\n"
    "  in plain French (or English), then with --details each group of cases with the policy\n"
    "  element that decides it on each side. Exit 0 whether or not they differ.\n";

std::string OutcomeText(const CaseOutcome& o) {
  if (!o.possible) return "cannot occur";
  return absl::StrCat(o.effect == Effect::kAllow ? "allow" : "deny", " (", Name(o.reason), ", ",
                      o.rule, ")");
}

// The policy of `path`, its diagnostics printed when it does not load.
absl::StatusOr<Policy> LoadFile(const std::string& path, Io io) {
  std::vector<Diagnostic> diagnostics;
  absl::StatusOr<Policy> policy = Policy::LoadFile(path, &diagnostics);
  if (!policy.ok()) {
    for (const Diagnostic& d : diagnostics) io.err << d.ToString(path) << "\n";
  }
  return policy;
}

void PrintIndented(absl::string_view text, std::ostream& out) {
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    out << "      " << line << "\n";
  }
}

}  // namespace

size_t PrintPropertyResults(const PolicyAnalysis& analysis,
                            const std::vector<PropertyResult>& results, double millis,
                            std::ostream& out) {
  size_t failed = 0;
  out << results.size() << (results.size() == 1 ? " property" : " properties") << " over "
      << analysis.space_size() << " cases (" << millis << " ms)\n";
  for (const PropertyResult& r : results) {
    if (!r.holds) ++failed;
    out << "  " << (r.holds ? "holds  " : "FAILS  ") << (r.id.empty() ? "(statement)" : r.id)
        << ": " << r.statement << "\n";
    if (r.cases == 0) {
      out << "      the statement covers no case\n";
    } else {
      out << "      " << r.cases << " cases, " << r.decisions << " decisions\n";
    }
    if (r.example) {
      out << "    " << (r.forall ? "counter-example: " : "witness: ") << r.description << "\n"
          << "    decision: " << (r.decision.allowed() ? "allow" : "deny") << " ("
          << Name(r.decision.reason) << ", " << analysis.RuleName(r.decision.rule) << ")\n";
      if (r.forall) PrintIndented(r.explanation, out);
    } else if (!r.forall && !r.holds) {
      out << "    no case meets it\n";
    }
  }
  return failed;
}

int PolicyProve(const std::vector<std::string>& args, Io io) {
  if (WantsHelp(args)) {
    io.out << kProveUsage;
    return kExitOk;
  }
  std::string path, statement, format = "text";
  std::vector<std::string> ids;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "--property" || a == "--statement" || a == "--format") && i + 1 < args.size()) {
      const std::string& value = args[++i];
      if (a == "--property") {
        ids.push_back(value);
      } else if (a == "--statement") {
        statement = value;
      } else {
        format = value;
      }
    } else if (!a.empty() && a[0] != '-' && path.empty()) {
      path = a;
    } else {
      io.err << "socle policy prove: unexpected argument '" << a << "'\n" << kProveUsage;
      return kExitUsage;
    }
  }
  if (path.empty() || (format != "text" && format != "json") ||
      (!statement.empty() && !ids.empty())) {
    io.err << kProveUsage;
    return kExitUsage;
  }
  std::vector<Diagnostic> diagnostics;
  absl::StatusOr<Policy> policy = Policy::LoadFile(path, &diagnostics);
  if (!policy.ok()) {
    for (const Diagnostic& d : diagnostics) io.err << d.ToString(path) << "\n";
    io.err << "socle policy prove: " << policy.status().message() << "\n";
    return ExitCodeForFailure(policy.status());
  }
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<PolicyAnalysis>> analysis = PolicyAnalysis::Create(*policy);
  if (!analysis.ok()) {
    io.err << "socle policy prove: " << analysis.status().message() << "\n";
    return ExitCodeForFailure(analysis.status());
  }
  std::vector<PropertyResult> results;
  if (!statement.empty()) {
    absl::StatusOr<PropertyResult> r = (*analysis)->Prove(statement);
    if (!r.ok()) {
      io.err << "socle policy prove: --statement: " << r.status().message() << "\n";
      return kExitInvalidInput;
    }
    results.push_back(*std::move(r));
  } else {
    results = (*analysis)->ProveDeclared();
    if (!ids.empty()) {
      std::vector<PropertyResult> chosen;
      for (const std::string& id : ids) {
        bool found = false;
        for (const PropertyResult& r : results) {
          if (r.id != id) continue;
          chosen.push_back(r);
          found = true;
        }
        if (!found) {
          io.err << "socle policy prove: --property: the policy has no property '" << id << "'\n";
          return kExitInvalidInput;
        }
      }
      results = std::move(chosen);
    }
  }
  const double millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  size_t failed = 0;
  for (const PropertyResult& r : results) failed += r.holds ? 0 : 1;
  if (format == "json") {
    io.out << (*analysis)->ReportJson(results) << "\n";
  } else {
    io.out << path << ": policy '" << policy->id() << "', ";
    PrintPropertyResults(**analysis, results, millis, io.out);
  }
  return failed == 0 ? kExitOk : kExitInvalidInput;
}

int PolicyDiffCommand(const std::vector<std::string>& args, Io io) {
  if (WantsHelp(args)) {
    io.out << kDiffUsage;
    return kExitOk;
  }
  std::vector<std::string> paths;
  std::string format = "text", lang = "fr";
  bool details = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if ((a == "--format" || a == "--lang") && i + 1 < args.size()) {
      (a == "--format" ? format : lang) = args[++i];
    } else if (a == "--details") {
      details = true;
    } else if (!a.empty() && a[0] != '-') {
      paths.push_back(a);
    } else {
      io.err << "socle policy diff: unexpected argument '" << a << "'\n" << kDiffUsage;
      return kExitUsage;
    }
  }
  if (paths.size() != 2 || (format != "text" && format != "json") ||
      (lang != "fr" && lang != "en")) {
    io.err << kDiffUsage;
    return kExitUsage;
  }
  const auto start = std::chrono::steady_clock::now();
  std::optional<Policy> policies[2];
  for (int i = 0; i < 2; ++i) {
    absl::StatusOr<Policy> p = LoadFile(paths[i], io);
    if (!p.ok()) {
      io.err << "socle policy diff: " << paths[i] << ": " << p.status().message() << "\n";
      return ExitCodeForFailure(p.status());
    }
    policies[i] = *std::move(p);
  }
  // Both worlds at once (two threads where there are two cores).
  auto sides = PolicyAnalysis::CreatePair(*policies[0], *policies[1]);
  if (!sides.ok()) {
    io.err << "socle policy diff: " << sides.status().message() << "\n";
    return ExitCodeForFailure(sides.status());
  }
  const PolicyDiff diff = DiffPolicies(*sides->first, *sides->second);
  const double millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const AnalysisLanguage language =
      lang == "fr" ? AnalysisLanguage::kFrench : AnalysisLanguage::kEnglish;
  if (format == "json") {
    io.out << diff.Json(language) << "\n";
    return kExitOk;
  }
  io.out << paths[0] << " -> " << paths[1] << ": " << diff.cases << " cases compared, "
         << diff.changed_cases << " changed, in " << diff.changes.size() << " groups (" << millis
         << " ms)\n";
  for (const std::string& line : diff.Summary(language)) io.out << "  - " << line << "\n";
  if (details) {
    for (const PolicyChange& c : diff.changes) {
      io.out << "  " << c.cases << " cases like: role " << c.role << ", action " << Name(c.action)
             << ", category " << c.category << ", purpose " << c.purpose << ", kind "
             << Name(c.kind) << ", relation " << Name(c.relation) << "\n"
             << "      before: " << OutcomeText(c.before) << "\n"
             << "      after:  " << OutcomeText(c.after) << "\n";
    }
  }
  return kExitOk;
}

}  // namespace socle::cli
