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
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cli/commands.h"
#include "cli/embedded.h"
#include <cstdlib>
#include <filesystem>

#include "socle/access.hpp"
#include "socle/pseudonym.hpp"
#include "socle/redact.hpp"
#include "socle/vault.hpp"
#include "socle/clock.hpp"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/version.hpp"

namespace socle::cli {
namespace {

#define SOCLE_DEMO_RETURN_IF_ERROR(expr)    \
  do {                                      \
    const absl::Status demo_status_ = (expr); \
    if (!demo_status_.ok()) return demo_status_; \
  } while (0)

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

// 4. Who may read what: four professionals look at the same file; the person masks an item and
// blocks a professional; a colleague from another team breaks the glass.
class AccessDecisions final : public Step {
 public:
  std::string Title() const override { return "Who may read this file, and why (access engine)"; }
  absl::Status Run(DemoContext& ctx) override {
    auto it = ctx.policies.find("policies/ccas.textproto");
    if (it == ctx.policies.end()) {
      return MakeError(ErrorCode::kFailedPrecondition, "the CCAS policy was not loaded");
    }
    FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 11, 23, 9, 0, 0), absl::UTCTimeZone()));
    AccessEngine::Options options;
    options.clock = &clock;
    auto engine_or = AccessEngine::Create(it->second, options);
    if (!engine_or.ok()) return engine_or.status();
    AccessEngine& engine = **engine_or;

    // The synthetic service: one team follows the person; a CESF of another antenna does not.
    DirectoryData directory;
    auto pro = [&](const char* id, const char* role, const char* team) {
      directory.professionals.push_back({id, role, {team}, "ccas", SecrecyStatus::kUnspecified, ""});
    };
    pro("secretaire.martin", "secretaire_accueil", "pole_social");
    pro("stagiaire.leroy", "stagiaire_ass", "pole_social");
    pro("ass.durand", "ass", "pole_social");
    pro("infirmier.bernard", "infirmier", "pole_social");
    pro("ass.petit", "ass", "pole_social");
    pro("cesf.moreau", "cesf", "antenne_nord");
    directory.persons.push_back({"usager-0001", {"pole_social"}, "ass.durand", "1984-05-12"});
    SOCLE_DEMO_RETURN_IF_ERROR(engine.LoadDirectory(directory).status());
    ctx.out << "  CCAS team pole_social follows person usager-0001 (referent ass.durand);\n"
            << "  cesf.moreau works at another antenna and is not assigned.\n";

    struct Item {
      const char* id;
      const char* category;
      EntryKind kind;
      const char* author;
    };
    const std::vector<Item> items = {
        {"note-accueil", "administrative", EntryKind::kFact, "secretaire.martin"},
        {"evaluation-sociale", "social", EntryKind::kFact, "ass.durand"},
        {"suivi-sante", "health", EntryKind::kFact, "infirmier.bernard"},
        {"appreciation-budget", "social", EntryKind::kAppreciation, "ass.durand"},
    };
    // The person masks the appreciation from everyone, and blocks ass.petit.
    SOCLE_DEMO_RETURN_IF_ERROR(
        engine.SetMask({"usager-0001", "appreciation-budget", "", MaskAudience::kEveryone, ""})
            .status());
    SOCLE_DEMO_RETURN_IF_ERROR(engine.Block("usager-0001", "ass.petit").status());
    ctx.out << "  The person masks appreciation-budget from everyone and blocks ass.petit.\n\n";

    const uint32_t person = *engine.FindPerson("usager-0001");
    const uint32_t purpose = *engine.FindPurpose("accompagnement_social");
    auto request = [&](const char* actor, const Item& item) {
      AccessRequest r;
      r.actor = *engine.FindProfessional(actor);
      r.action = Action::kRead;
      r.person = person;
      r.category = *engine.FindCategory(item.category);
      r.purpose = purpose;
      r.kind = item.kind;
      r.author = *engine.FindProfessional(item.author);
      r.item = item.id;
      return r;
    };

    // The file as each professional sees it.
    const std::vector<const char*> actors = {"secretaire.martin", "stagiaire.leroy",
                                             "ass.durand",        "infirmier.bernard",
                                             "ass.petit",         "cesf.moreau"};
    ctx.out << absl::StrFormat("  %-18s", "");
    for (const Item& item : items) ctx.out << absl::StrFormat(" %-20s", item.id);
    ctx.out << "\n";
    for (const char* actor : actors) {
      std::vector<AccessRequest> requests;
      for (const Item& item : items) requests.push_back(request(actor, item));
      std::vector<Visibility> view(requests.size());
      SOCLE_DEMO_RETURN_IF_ERROR(engine.snapshot()->FilterView(requests, absl::MakeSpan(view)));
      ctx.out << absl::StrFormat("  %-18s", actor);
      for (size_t i = 0; i < view.size(); ++i) {
        auto decision = engine.Decide(requests[i]);
        if (!decision.ok()) return decision.status();
        const char* shown = view[i] == Visibility::kVisible       ? "shown"
                            : view[i] == Visibility::kPlaceholder ? "[masked item]"
                                                                  : "-";
        ctx.out << absl::StrFormat(" %-20s", absl::StrCat(shown, decision->allowed() ? "" : "*"));
      }
      ctx.out << "\n";
    }
    ctx.out << "  (* denied; why, for three of them:)\n\n";

    auto explain = [&](const char* actor, const Item& item) -> absl::Status {
      auto explanation = engine.Explain(request(actor, item));
      if (!explanation.ok()) return explanation.status();
      ctx.out << "  " << actor << " reads " << item.id << ":\n";
      for (absl::string_view line : absl::StrSplit(explanation->ToString(), '\n')) {
        if (!line.empty()) ctx.out << "    " << line << "\n";
      }
      return absl::OkStatus();
    };
    SOCLE_DEMO_RETURN_IF_ERROR(explain("secretaire.martin", items[2]));
    SOCLE_DEMO_RETURN_IF_ERROR(explain("stagiaire.leroy", items[3]));
    SOCLE_DEMO_RETURN_IF_ERROR(explain("ass.petit", items[1]));

    // Break-the-glass: the CESF of the other antenna, in an emergency, for 2 hours.
    BreakGlassRequest glass;
    glass.actor = "cesf.moreau";
    glass.person = "usager-0001";
    glass.reason_code = "mise_a_l_abri";
    glass.justification = "Mise à l'abri un samedi, référente absente";
    glass.duration = absl::Hours(2);
    auto session = engine.OpenBreakGlass(glass);
    if (!session.ok()) return session.status();
    ctx.out << "\n  cesf.moreau breaks the glass (mise_a_l_abri, 2 h):\n";
    auto during = engine.Decide(request("cesf.moreau", items[1]));
    if (!during.ok()) return during.status();
    const uint32_t o = during->obligations;
    ctx.out << "    reads evaluation-sociale: " << Name(during->reason) << "; obligations:"
            << ((o & obligation::kBreakGlassFlag) ? " log-as-break-the-glass" : "")
            << ((o & obligation::kNotifyPerson) ? " notify-person" : "")
            << ((o & obligation::kNotifyReferent) ? " notify-referent" : "")
            << ((o & obligation::kOpenReview) ? " open-review" : "") << "\n";
    auto masked = engine.Decide(request("cesf.moreau", items[3]));
    if (!masked.ok()) return masked.status();
    ctx.out << "    reads appreciation-budget (masked): " << Name(masked->reason) << "\n";
    clock.Advance(absl::Hours(2));
    auto after = engine.Decide(request("cesf.moreau", items[1]));
    if (!after.ok()) return after.status();
    ctx.out << "    two hours later: " << Name(after->reason) << "\n";
    if (!during->allowed() || masked->allowed() || after->allowed()) {
      return MakeError(ErrorCode::kInternal, "break-the-glass did not behave as the policy says");
    }
    ctx.summary.push_back(absl::StrCat("access: ", actors.size(), " professionals × ",
                                       items.size(), " items decided and explained at revision ",
                                       engine.revision()));
    return absl::OkStatus();
  }
};

// 5. What leaves the service, and what is kept: the person's notes sealed under their own key,
// pseudonyms per domain from the vault's secret, a note redacted before it is shared, and the
// key shredded at the end of retention.
class KeysPseudonymsRedaction final : public Step {
 public:
  std::string Title() const override {
    return "Keys, pseudonyms and redaction (vault, pseudonym)";
  }
  absl::Status Run(DemoContext& ctx) override {
    auto it = ctx.policies.find("policies/ccas.textproto");
    if (it == ctx.policies.end()) {
      return MakeError(ErrorCode::kFailedPrecondition, "the CCAS policy was not loaded");
    }
    // A scratch directory for the key file and the vault's SQLite database.
    std::error_code ec;
    const auto dir = std::filesystem::temp_directory_path(ec) /
                     absl::StrCat("socle-demo-", ::getpid());
    std::filesystem::create_directories(dir, ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot create a scratch directory for the demo");
    struct Cleanup {
      std::filesystem::path dir;
      ~Cleanup() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
      }
    } cleanup{dir};

    KeyFileOptions key_options;
    key_options.kdf = PassphraseKdfParams::Interactive();  // the demo's; real files: Moderate
    const SecretBytes passphrase(absl::string_view("correct horse battery staple (demo)"));
    auto provider = KeyFileProvider::Create((dir / "ccas.key").string(), passphrase, key_options);
    if (!provider.ok()) return provider.status();
    std::shared_ptr<KeyProvider> shared_provider = *std::move(provider);
    auto vault_or = Vault::Open(shared_provider, (dir / "vault.db").string(), "ccas_villeneuve");
    if (!vault_or.ok()) return vault_or.status();
    Vault& vault = **vault_or;
    ctx.out << "  Key file (Argon2id) and vault (SQLite) created in a scratch directory.\n";

    const std::string note =
        "Entretien du 23/11 avec Mme Rose Lefèvre-Martin (née le 12/05/1984), joignable au "
        "06 12 34 56 78 ou rose.lefevre@example.org. NIR 2 84 05 75 112 345 28. Sa fille Inès "
        "est scolarisée ; Mme Lefèvre-Martin demande une aide au loyer.";
    auto sealed = vault.SealRecord({"usager-0001", "note-42"}, absl::Span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(note.data()), note.size()));
    if (!sealed.ok()) return sealed.status();
    auto opened = vault.OpenRecord({"usager-0001", "note-42"}, *sealed);
    if (!opened.ok() || opened->view() != note) {
      return MakeError(ErrorCode::kInternal, "a sealed note did not open to itself");
    }
    auto moved = vault.OpenRecord({"usager-0002", "note-42"}, *sealed);
    ctx.out << "  A note sealed for usager-0001 (" << sealed->size()
            << " bytes) opens for her; moved to another person: "
            << (moved.ok() ? "opened (WRONG)" : ErrorCodeName(ErrorCodeOf(moved.status())))
            << "\n";

    // Pseudonyms from the vault's pseudonymisation secret, per the policy's domains.
    auto pseudonymizer = Pseudonymizer::Create(it->second, vault);
    if (!pseudonymizer.ok()) return pseudonymizer.status();
    auto export1 = (*pseudonymizer)->NewContext("stats_abs");
    auto export2 = (*pseudonymizer)->NewContext("stats_abs");
    auto research1 = (*pseudonymizer)->NewContext("recherche_non_recours");
    auto research2 = (*pseudonymizer)->NewContext("recherche_non_recours");
    if (!export1.ok()) return export1.status();
    if (!export2.ok()) return export2.status();
    if (!research1.ok()) return research1.status();
    if (!research2.ok()) return research2.status();
    auto p1 = export1->Compute("usager-0001");
    auto p2 = export2->Compute("usager-0001");
    auto r1 = research1->Compute("usager-0001");
    auto r2 = research2->Compute("usager-0001");
    if (!p1.ok() || !p2.ok() || !r1.ok() || !r2.ok()) {
      return MakeError(ErrorCode::kInternal, "a pseudonym could not be computed");
    }
    ctx.out << "  usager-0001 in two statistics exports (TRANSACTION): " << p1->ToText() << " / "
            << p2->ToText() << "\n"
            << "  usager-0001 in two research waves (PERSON, linkage declared): "
            << r1->ToText() << " / " << r2->ToText() << "\n";
    if (*p1 == *p2 || !(*r1 == *r2)) {
      return MakeError(ErrorCode::kInternal, "pseudonym linkage does not follow the domains");
    }

    // The note, redacted before it goes to a partner: the file's own identities first.
    const std::vector<KnownIdentity> known = {
        {IdentityKind::kName, "Lefèvre-Martin", 1}, {IdentityKind::kFirstName, "Rose", 1},
        {IdentityKind::kFirstName, "Inès", 2},      {IdentityKind::kName, "Lefèvre", 2},
    };
    auto redactor = Redactor::Create(known);
    if (!redactor.ok()) return redactor.status();
    RedactionReport report;
    const std::string redacted = redactor->Redact(note, &report);
    ctx.out << "  Redacted for a partner:\n    " << redacted << "\n    (" << report.ToString()
            << ")\n";

    // End of retention: the person's key is shredded; every copy of the note becomes noise.
    SOCLE_DEMO_RETURN_IF_ERROR(vault.ShredPerson("usager-0001"));
    auto after = vault.OpenRecord({"usager-0001", "note-42"}, *sealed);
    ctx.out << "  After crypto-shredding usager-0001's key, opening the note: "
            << (after.ok() ? "opened (WRONG)" : ErrorCodeName(ErrorCodeOf(after.status()))) << "\n";
    if (after.ok() || moved.ok()) {
      return MakeError(ErrorCode::kInternal, "a record opened where it must not");
    }
    ctx.summary.push_back(absl::StrCat("keys: 1 note sealed, moved copy refused, key shredded; ",
                                       report.total(), " identifiers redacted"));
    return absl::OkStatus();
  }
};

std::vector<std::unique_ptr<Step>> Steps() {
  std::vector<std::unique_ptr<Step>> steps;
  steps.push_back(std::make_unique<LoadPolicies>());
  steps.push_back(std::make_unique<ShowValidation>());
  steps.push_back(std::make_unique<PrintRegister>());
  steps.push_back(std::make_unique<AccessDecisions>());
  steps.push_back(std::make_unique<KeysPseudonymsRedaction>());
  return steps;
}

}  // namespace

int Demo(const std::vector<std::string>& args, Io io) {
  constexpr char kDemoUsage[] =
      "usage: socle demo\n"
      "  Runs socle on a synthetic social service: policies, access decisions, the vault,\n"
      "  pseudonyms and redaction (temporary files only).\n";
  if (WantsHelp(args)) {
    io.out << kDemoUsage;
    return kExitOk;
  }
  if (!args.empty()) {
    io.err << kDemoUsage;
    return kExitUsage;
  }
  DemoContext ctx{io.out, {}, {}};
  io.out << "socle " << VersionString()
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
