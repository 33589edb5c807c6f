// `socle demo`: socle at work on a synthetic social service, step by step.
//
// The demo is the main job a newcomer runs first. It is built from Steps that share a
// DemoContext; each capability of socle adds its own step (access decisions, the access trail,
// exports…) and may add a line to the summary printed at the end. A step that fails makes the
// demo exit non-zero, so the demo doubles as an end-to-end check.
#include <chrono>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/embedded.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/socle.h"

namespace socle::cli {
namespace {

struct DemoContext {
  std::ostream& out;
  // The example policies, by file name ("policies/ccas.textproto").
  std::map<std::string, Policy> policies;
  // Lines for the summary, added by the steps.
  std::vector<std::string> summary;
};

class Step {
 public:
  virtual ~Step() = default;
  virtual std::string Title() const = 0;
  virtual absl::Status Run(DemoContext& ctx) = 0;
};

bool IsBroken(const EmbeddedFile& f) { return absl::StrContains(f.name, "/broken/"); }
bool IsPolicy(const EmbeddedFile& f) { return absl::EndsWith(f.name, ".textproto"); }

// 1. The DPO's policies: each one is the register of processing activities of a service.
class LoadPolicies final : public Step {
 public:
  std::string Title() const override { return "Load the services' policies (the registers)"; }
  absl::Status Run(DemoContext& ctx) override {
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      if (!IsPolicy(f) || IsBroken(f)) continue;
      std::vector<Diagnostic> diagnostics;
      auto policy = Policy::Load(f.bytes, &diagnostics);
      if (!policy.ok()) {
        for (const auto& d : diagnostics) ctx.out << "    " << d.ToString(f.name) << "\n";
        return MakeError(ErrorCodeOf(policy.status()),
                         absl::StrCat(f.name, " does not load: ", policy.status().message()));
      }
      ctx.out << absl::StrFormat("  %-34s policy '%s' rev. %s: %d activities, %d roles, "
                                 "%d data categories\n",
                                 f.name, policy->id(), policy->revision(),
                                 policy->activity_count(), policy->role_count(),
                                 policy->data_category_count());
      ctx.out << "  " << std::string(34, ' ') << " digest " << policy->digest_hex().substr(0, 16)
              << "…";
      if (!diagnostics.empty()) ctx.out << "  (" << diagnostics.size() << " warning(s))";
      ctx.out << "\n";
      ctx.policies.emplace(std::string(f.name), *std::move(policy));
    }
    if (ctx.policies.empty()) {
      return MakeError(ErrorCode::kNotFound, "no example policy is embedded in this program");
    }
    ctx.summary.push_back(absl::StrCat(ctx.policies.size(), " policies loaded and validated"));
    return absl::OkStatus();
  }
};

// 2. What a DPO gets wrong, and how socle says so: each broken policy is refused as a whole.
class ShowValidation final : public Step {
 public:
  std::string Title() const override { return "What validation catches in a broken policy"; }
  absl::Status Run(DemoContext& ctx) override {
    int refused = 0, problems = 0;
    for (const EmbeddedFile& f : EmbeddedFiles()) {
      if (!IsPolicy(f) || !IsBroken(f)) continue;
      std::vector<Diagnostic> diagnostics;
      auto policy = Policy::Load(f.bytes, &diagnostics);
      if (policy.ok()) {
        return MakeError(ErrorCode::kInternal,
                         absl::StrCat(f.name, " should have been refused but loaded"));
      }
      ++refused;
      ctx.out << "  " << f.name << " is refused (" << ErrorCodeName(ErrorCodeOf(policy.status()))
              << "), nothing of it is loaded:\n";
      for (const auto& d : diagnostics) {
        ctx.out << "    " << d.ToString(f.name) << "\n";
        problems += d.severity == Diagnostic::Severity::kError;
      }
    }
    if (refused == 0) {
      return MakeError(ErrorCode::kNotFound, "no broken example policy is embedded");
    }
    ctx.summary.push_back(absl::StrCat(refused, " broken policy refused, ", problems,
                                       " problems located to the line"));
    return absl::OkStatus();
  }
};

// 3. The register of processing activities (GDPR art. 30) as the DPO signs it.
class PrintRegister final : public Step {
 public:
  std::string Title() const override { return "The register of processing activities (art. 30)"; }
  absl::Status Run(DemoContext& ctx) override {
    auto it = ctx.policies.find("policies/ccas.textproto");
    if (it == ctx.policies.end()) it = ctx.policies.begin();
    if (it == ctx.policies.end()) {
      return MakeError(ErrorCode::kFailedPrecondition, "no policy was loaded");
    }
    auto markdown = it->second.RenderRegister(RegisterFormat::kMarkdown);
    if (!markdown.ok()) return markdown.status();
    ctx.out << "  (" << it->first << ", Markdown; `socle policy register FILE --format json` "
            << "gives the same as JSON)\n\n"
            << *markdown;
    ctx.summary.push_back(absl::StrCat("register rendered: ", it->second.activity_count(),
                                       " activities with art. 30(1) (a)-(g)"));
    return absl::OkStatus();
  }
};

std::vector<std::unique_ptr<Step>> Steps() {
  std::vector<std::unique_ptr<Step>> steps;
  steps.push_back(std::make_unique<LoadPolicies>());
  steps.push_back(std::make_unique<ShowValidation>());
  steps.push_back(std::make_unique<PrintRegister>());
  return steps;
}

}  // namespace

int Demo(const std::vector<std::string>& args, Io io) {
  if (!args.empty()) {
    io.err << "usage: socle demo\n";
    return kExitUsage;
  }
  if (socle_init() != SOCLE_OK) {
    io.err << "socle: initialisation failed: " << socle_last_error_message() << "\n";
    return kExitFailure;
  }
  DemoContext ctx{io.out, {}, {}};
  io.out << "socle " << socle_version_string()
         << " demo: the privacy core of a digital social case file, on synthetic services\n";
  struct Outcome {
    std::string title;
    absl::Status status;
    double millis;
  };
  std::vector<Outcome> outcomes;
  int number = 0;
  for (const auto& step : Steps()) {
    ++number;
    io.out << "\n== " << number << ". " << step->Title() << " ==\n";
    const auto start = std::chrono::steady_clock::now();
    absl::Status status = step->Run(ctx);
    const double millis =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count();
    if (!status.ok()) io.out << "  FAILED: " << status.message() << "\n";
    outcomes.push_back({step->Title(), status, millis});
  }
  io.out << "\n== Summary ==\n";
  bool ok = true;
  number = 0;
  for (const auto& o : outcomes) {
    io.out << absl::StrFormat("  %d. %-52s %-6s %8.1f ms\n", ++number, o.title,
                              o.status.ok() ? "ok" : "FAILED", o.millis);
    ok &= o.status.ok();
  }
  for (const auto& line : ctx.summary) io.out << "  - " << line << "\n";
  io.out << (ok ? "demo completed\n" : "demo FAILED\n");
  return ok ? kExitOk : kExitFailure;
}

}  // namespace socle::cli
