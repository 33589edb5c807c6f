// `socle demo`: socle at work on a synthetic social service, step by step.
//
// The demo is the main job a newcomer runs first. It is built from Steps that share a
// DemoContext; each capability of socle adds its own step (access decisions, the access trail,
// exports…) and may add a line to the summary printed at the end. A step that fails makes the
// demo exit non-zero, so the demo doubles as an end-to-end check.
#include <sodium.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <ostream>
#include <random>
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
#include "cli/export_write.h"
#include "socle/access.hpp"
#include "socle/access_request.hpp"
#include "socle/case_file.hpp"
#include "socle/clock.hpp"
#include "socle/consent.hpp"
#include "socle/dataset.hpp"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/ledger.hpp"
#include "socle/mandate.hpp"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"
#include "socle/policy_approval.hpp"
#include "socle/privacy_budget.hpp"
#include "socle/pseudonym.hpp"
#include "socle/redact.hpp"
#include "socle/representation.hpp"
#include "socle/retention.hpp"
#include "socle/retention_sweep.hpp"
#include "socle/rights.hpp"
#include "socle/sharing.hpp"
#include "socle/statistics.hpp"
#include "socle/statistics_input.hpp"
#include "socle/statistics_release.hpp"
#include "socle/trail.hpp"
#include "socle/vault.hpp"
#include "socle/version.hpp"

namespace socle::cli {
namespace {

#define SOCLE_DEMO_RETURN_IF_ERROR(expr)         \
  do {                                           \
    const absl::Status demo_status_ = (expr);    \
    if (!demo_status_.ok()) return demo_status_; \
  } while (0)

// A scratch directory, removed with everything in it when the demo ends.
struct ScratchDir {
  std::filesystem::path path;
  ~ScratchDir() {
    std::error_code ignored;
    if (!path.empty()) std::filesystem::remove_all(path, ignored);
  }
};

absl::StatusOr<std::unique_ptr<ScratchDir>> MakeScratchDir(absl::string_view what) {
  std::error_code ec;
  auto dir = std::make_unique<ScratchDir>();
  dir->path =
      std::filesystem::temp_directory_path(ec) / absl::StrCat("socle-demo-", what, "-", ::getpid());
  std::filesystem::create_directories(dir->path, ec);
  if (ec) return MakeError(ErrorCode::kIo, "cannot create a scratch directory for the demo");
  return dir;
}

// The access step's service, kept for the trail's step. Members are destroyed in reverse order:
// the trail before the ledger and the engine it uses, the scratch directory last.
struct DemoService {
  std::unique_ptr<ScratchDir> dir;
  std::unique_ptr<FakeClock> clock;
  std::shared_ptr<Vault> vault;
  std::unique_ptr<AccessEngine> engine;
  std::shared_ptr<Ledger> ledger;
  std::unique_ptr<AccessTrail> trail;
  std::string ledger_path;
  LedgerOptions ledger_options;
};

struct DemoContext {
  std::ostream& out;
  // The example policies, by file name ("policies/ccas.textproto").
  std::map<std::string, Policy> policies;
  // Lines for the summary, added by the steps.
  std::vector<std::string> summary;
  // Set by the access step: the engine, and the access trail every decision went through.
  std::unique_ptr<DemoService> service;
  // `socle demo --out DIR`: where the export step keeps its files (empty: a scratch directory).
  std::string out_dir;
};

// A key file and a vault in `dir` (the demo's Argon2id parameters: real files use Moderate).
absl::StatusOr<std::unique_ptr<Vault>> DemoVault(const std::filesystem::path& dir,
                                                 absl::string_view tenant) {
  KeyFileOptions key_options;
  key_options.kdf = PassphraseKdfParams::Interactive();
  const SecretBytes passphrase(absl::string_view("correct horse battery staple (demo)"));
  auto provider = KeyFileProvider::Create((dir / "ccas.key").string(), passphrase, key_options);
  if (!provider.ok()) return provider.status();
  return Vault::Open(std::shared_ptr<KeyProvider>(*std::move(provider)),
                     (dir / "vault.db").string(), tenant);
}

// What someone with the file and the sqlite3 shell can do: a consistent copy of the ledger
// (VACUUM INTO), its update trigger dropped, one byte of entry `index` changed. Through SQLite's
// C API because socle offers no way to change an entry, on purpose.
absl::Status CopyAndTamper(const std::string& from, const std::string& to, uint64_t index) {
  sqlite3* db = nullptr;
  auto fail = [&](absl::string_view what) {
    const std::string message = absl::StrCat("tampering with the copy: ", what, ": ",
                                             db != nullptr ? sqlite3_errmsg(db) : "no memory");
    sqlite3_close(db);
    return MakeError(ErrorCode::kIo, message);
  };
  if (sqlite3_open_v2(from.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return fail("open the ledger");
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "VACUUM INTO ?", -1, &stmt, nullptr) != SQLITE_OK) {
    return fail("prepare the copy");
  }
  sqlite3_bind_text(stmt, 1, to.c_str(), -1, SQLITE_TRANSIENT);
  const int copied = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (copied != SQLITE_DONE) return fail("copy");
  sqlite3_close(db);
  db = nullptr;
  if (sqlite3_open_v2(to.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    return fail("open the copy");
  }
  if (sqlite3_exec(db, "DROP TRIGGER entries_no_update", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return fail("drop the trigger");
  }
  if (sqlite3_prepare_v2(db, "SELECT body FROM entries WHERE idx = ?", -1, &stmt, nullptr) !=
      SQLITE_OK) {
    return fail("read the entry");
  }
  sqlite3_bind_int64(stmt, 1, static_cast<sqlite3_int64>(index));
  std::string body;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    body.assign(static_cast<const char*>(sqlite3_column_blob(stmt, 0)),
                static_cast<size_t>(sqlite3_column_bytes(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  if (body.empty()) return fail("the entry has no bytes");
  body[body.size() / 2] ^= 0x01;
  if (sqlite3_prepare_v2(db, "UPDATE entries SET body = ? WHERE idx = ?", -1, &stmt, nullptr) !=
      SQLITE_OK) {
    return fail("prepare the change");
  }
  sqlite3_bind_blob(stmt, 1, body.data(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(stmt, 2, static_cast<sqlite3_int64>(index));
  const int changed = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (changed != SQLITE_DONE) return fail("change the entry");
  sqlite3_close(db);
  return absl::OkStatus();
}

// The steps after the access step run on the service it opened.
absl::Status AfterAccessStep(const DemoContext& ctx) {
  return ctx.service != nullptr
             ? absl::OkStatus()
             : MakeError(ErrorCode::kFailedPrecondition, "the access step did not run");
}

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
      ctx.out << absl::StrFormat(
          "  %-34s policy '%s' rev. %s: %d activities, %d roles, "
          "%d data categories\n",
          f.name, policy->id(), policy->revision(), policy->activity_count(), policy->role_count(),
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
    // In French, as the DPO files it (the CNIL model's headings); --lang en gives English.
    auto markdown = it->second.RenderRegister(RegisterFormat::kMarkdown, RegisterLanguage::kFrench);
    if (!markdown.ok()) return markdown.status();
    ctx.out << "  (" << it->first << ", Markdown in French; `socle policy register FILE --format "
            << "json|jsonld --lang fr|en` gives the same as JSON or as DPV JSON-LD, in French or "
            << "English)\n\n"
            << *markdown;
    ctx.summary.push_back(absl::StrCat("register rendered: ", it->second.activity_count(),
                                       " activities with art. 30(1) (a)-(g)"));
    return absl::OkStatus();
  }
};

// The CCAS example policy as loaded by the first step, and its text: the policy analysis steps
// change one line of the text.
struct CcasExample {
  const Policy* policy = nullptr;
  absl::string_view text;
};
absl::StatusOr<CcasExample> Ccas(const DemoContext& ctx) {
  constexpr absl::string_view kName = "policies/ccas.textproto";
  CcasExample out;
  const auto it = ctx.policies.find(std::string(kName));
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.name == kName) out.text = f.bytes;
  }
  if (it == ctx.policies.end() || out.text.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition, "the CCAS policy was not loaded");
  }
  out.policy = &it->second;
  return out;
}

// 4. What the DPO declares about the access rules (the policy's `properties`), proven over every
// case with the access engine's own decisions; then a one-line change of the policy and what it
// changes, as `socle policy diff` sums it up in French, and the declared property it breaks.
class ProveDeclaredProperties final : public Step {
 public:
  std::string Title() const override { return "What the DPO declares, proven (policy analysis)"; }
  absl::Status Run(DemoContext& ctx) override {
    const absl::StatusOr<CcasExample> ccas = Ccas(ctx);
    if (!ccas.ok()) return ccas.status();
    const absl::string_view text = ccas->text;
    auto start = std::chrono::steady_clock::now();
    auto analysis = PolicyAnalysis::Create(*ccas->policy);
    if (!analysis.ok()) return analysis.status();
    const std::vector<PropertyResult> results = (*analysis)->ProveDeclared();
    ctx.out << "  policies/ccas.textproto: " << results.size() << " properties over "
            << (*analysis)->space_size() << " cases ("
            << absl::StrFormat("%.0f", MillisSince(start)) << " ms, the engine's own decisions)\n";
    size_t failed = 0;
    for (const PropertyResult& r : results) {
      ctx.out << "    " << (r.holds ? "holds  " : "FAILS  ") << r.id << "\n";
      if (!r.holds) ++failed;
    }
    if (results.empty() || failed > 0) {
      return MakeError(ErrorCode::kInternal, "the CCAS policy's declared properties must hold");
    }

    // One line changed: the trainee joins the readers of the professionals' appreciations.
    constexpr absl::string_view kReaders = "reader_roles: [\"ass\", ";
    const size_t at = text.find(kReaders);
    if (at == absl::string_view::npos) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the CCAS policy has no appreciation readers to change");
    }
    const std::string variant_text =
        absl::StrCat(text.substr(0, at), "reader_roles: [\"stagiaire_ass\", \"ass\", ",
                     text.substr(at + kReaders.size()));
    auto variant = Policy::Load(variant_text);
    if (!variant.ok()) return variant.status();
    start = std::chrono::steady_clock::now();
    auto variant_analysis = PolicyAnalysis::Create(*variant);
    if (!variant_analysis.ok()) return variant_analysis.status();
    const PolicyDiff diff = DiffPolicies(**analysis, **variant_analysis);
    const std::vector<std::string> summary = diff.Summary(AnalysisLanguage::kFrench);
    ctx.out << "  One line changed: entry_kinds PROFESSIONAL_APPRECIATION gains the reader "
               "stagiaire_ass.\n"
            << "  socle policy diff (in French): " << diff.cases << " cases compared, "
            << diff.changed_cases << " changed (" << absl::StrFormat("%.0f", MillisSince(start))
            << " ms)\n";
    for (const std::string& line : summary) ctx.out << "    - " << line << "\n";
    std::string broken;
    for (const PropertyResult& r : (*variant_analysis)->ProveDeclared()) {
      if (r.holds) continue;
      ctx.out << "  and the variant breaks " << r.id << ": counter-example " << r.description
              << "\n";
      if (broken.empty()) broken = r.id;
    }
    if (summary.empty() || broken.empty()) {
      return MakeError(ErrorCode::kInternal,
                       "the trainee reading appreciations must change decisions and break a "
                       "declared property");
    }
    ctx.summary.push_back(absl::StrCat(
        results.size(), " declared properties proven over ", (*analysis)->space_size(),
        " cases; a one-line variant changes ", diff.changed_cases, " and breaks ", broken));
    return absl::OkStatus();
  }

 private:
  static double MillisSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  }
};

// 5. A new policy takes effect with two approvals (REQ-62; docs/policy-approval.md): on a state
// of record (in memory here) the DPO and the head of service each approve a stricter statistics
// threshold, a change no access decision shows; one approval is refused, two activate it, and
// the record then opens only with the new policy.
class ApprovePolicyChange final : public Step {
 public:
  std::string Title() const override {
    return "A new policy takes effect with two approvals (two-person activation)";
  }
  absl::Status Run(DemoContext& ctx) override {
    const absl::StatusOr<CcasExample> ccas = Ccas(ctx);
    if (!ccas.ok()) return ccas.status();
    const absl::string_view text = ccas->text;
    constexpr absl::string_view kThreshold = "small_cell_threshold: 11";
    const size_t at = text.find(kThreshold);
    if (at == absl::string_view::npos) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the CCAS policy has no small-cell threshold");
    }
    const Policy& current = *ccas->policy;
    auto next = Policy::Load(absl::StrCat(text.substr(0, at), "small_cell_threshold: 15",
                                          text.substr(at + kThreshold.size())));
    if (!next.ok()) return next.status();
    FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 11, 2, 9, 0, 0), absl::UTCTimeZone()));
    AccessEngine::Options options;
    options.clock = &clock;
    auto record = std::make_shared<MemoryEngineRecord>();
    auto engine = AccessEngine::Open(current, record, options);
    if (!engine.ok()) return engine.status();
    DirectoryData directory;
    directory.professionals = {{"dpo.martin", "dpo", {"direction"}},
                               {"resp.leroux", "responsable_service", {"pole_social"}}};
    if (auto loaded = (*engine)->LoadDirectory(directory); !loaded.ok()) return loaded.status();
    std::map<std::string, std::string> notes;
    for (const char* who : {"dpo.martin", "resp.leroux"}) {
      auto key = GenerateApprovalKey(who);
      if (!key.ok()) return key.status();
      auto registered = RegisterApprovalKey(**engine, who, key->verifier_key, "dpo.martin");
      if (!registered.ok()) return registered.status();
      auto note = SignPolicyApproval(current, *next, who, key->signer_key);
      if (!note.ok()) return note.status();
      notes[who] = *std::move(note);
    }
    auto before = PolicyAnalysis::CreatePair(current, *next);
    if (!before.ok()) return before.status();
    const PolicyDiff diff = DiffPolicies(*before->first, *before->second);
    ctx.out << "  small_cell_threshold 11 -> 15: " << diff.changed_cases
            << " access decisions change, the digest does: it needs two approvals\n";
    if (auto r = RecordPolicyApproval(**engine, *next, notes["dpo.martin"]); !r.ok()) {
      return r.status();
    }
    auto alone = ActivatePolicy(**engine, *next, "dpo.martin");
    ctx.out << "  the DPO's approval alone: "
            << (alone.ok() ? "activated" : ErrorCodeName(ErrorCodeOf(alone.status()))) << "\n";
    if (auto r = RecordPolicyApproval(**engine, *next, notes["resp.leroux"]); !r.ok()) {
      return r.status();
    }
    auto activated = ActivatePolicy(**engine, *next, "resp.leroux");
    if (!activated.ok()) return activated.status();
    ctx.out << "  with the head of service's: in force from state revision " << *activated
            << " (each approval an Ed25519 signed note over both digests and the summary of "
               "changes)\n";
    auto old_again = AccessEngine::Open(current, record, options);
    auto reopened = AccessEngine::Open(*next, record, options);
    if (!reopened.ok()) return reopened.status();
    ctx.out << "  the former policy now opens the record: "
            << (old_again.ok() ? "yes" : ErrorCodeName(ErrorCodeOf(old_again.status())))
            << "; the new one: yes\n";
    if (alone.ok() || old_again.ok()) {
      return MakeError(ErrorCode::kInternal, "one approval must not activate a policy");
    }
    ctx.summary.push_back(absl::StrCat(
        "a policy change activated with two approvals (DPO + head of service), refused with one"));
    return absl::OkStatus();
  }
};

// 6. Who may read what: four professionals look at the same file; the person masks an item and
// blocks a professional; a colleague from another team breaks the glass. Every decision goes
// through the access trail (a real ledger file), as a product's screens would.
class AccessDecisions final : public Step {
 public:
  std::string Title() const override { return "Who may read this file, and why (access engine)"; }
  absl::Status Run(DemoContext& ctx) override {
    auto it = ctx.policies.find("policies/ccas.textproto");
    if (it == ctx.policies.end()) {
      return MakeError(ErrorCode::kFailedPrecondition, "the CCAS policy was not loaded");
    }
    auto service = std::make_unique<DemoService>();
    auto dir = MakeScratchDir("trail");
    if (!dir.ok()) return dir.status();
    service->dir = *std::move(dir);
    service->clock = std::make_unique<FakeClock>(
        absl::FromCivil(absl::CivilSecond(2026, 11, 23, 9, 0, 0), absl::UTCTimeZone()));
    FakeClock& clock = *service->clock;
    AccessEngine::Options options;
    options.clock = &clock;
    auto engine_or = AccessEngine::Create(it->second, options);
    if (!engine_or.ok()) return engine_or.status();
    service->engine = *std::move(engine_or);
    AccessEngine& engine = *service->engine;
    auto vault = DemoVault(service->dir->path, "ccas_villeneuve");
    if (!vault.ok()) return vault.status();
    service->vault = *std::move(vault);
    service->ledger_path = (service->dir->path / "access_trail.db").string();
    service->ledger_options.durability = Durability::kSync;
    service->ledger_options.clock = &clock;
    auto ledger =
        Ledger::Open(service->ledger_path, service->vault, "access_trail", service->ledger_options);
    if (!ledger.ok()) return ledger.status();
    service->ledger = *std::move(ledger);
    auto trail_or = AccessTrail::Create(service->ledger, engine);
    if (!trail_or.ok()) return trail_or.status();
    service->trail = *std::move(trail_or);
    AccessTrail& trail = *service->trail;

    // The synthetic service: one team follows the person; a CESF of another antenna does not.
    DirectoryData directory;
    auto pro = [&](const char* id, const char* role, const char* team) {
      directory.professionals.push_back(
          {id, role, {team}, "ccas", SecrecyStatus::kUnspecified, ""});
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
    const std::vector<const char*> actors = {"secretaire.martin", "stagiaire.leroy", "ass.durand",
                                             "infirmier.bernard", "ass.petit",       "cesf.moreau"};
    ctx.out << absl::StrFormat("  %-18s", "");
    for (const Item& item : items) ctx.out << absl::StrFormat(" %-20s", item.id);
    ctx.out << "\n";
    for (const char* actor : actors) {
      std::vector<AccessRequest> requests;
      for (const Item& item : items) requests.push_back(request(actor, item));
      std::vector<Visibility> view(requests.size());
      SOCLE_DEMO_RETURN_IF_ERROR(engine.snapshot()->FilterView(requests, absl::MakeSpan(view)));
      // The screen that opens the four items: four decisions, recorded in one append.
      std::vector<Decision> decisions(requests.size());
      SOCLE_DEMO_RETURN_IF_ERROR(trail.DecideMany(requests, absl::MakeSpan(decisions)));
      ctx.out << absl::StrFormat("  %-18s", actor);
      for (size_t i = 0; i < view.size(); ++i) {
        const Decision* decision = &decisions[i];
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
    auto during = trail.Decide(request("cesf.moreau", items[1]), glass.justification);
    if (!during.ok()) return during.status();
    const uint32_t o = during->obligations;
    ctx.out << "    reads evaluation-sociale: " << Name(during->reason) << "; obligations:"
            << ((o & obligation::kBreakGlassFlag) ? " log-as-break-the-glass" : "")
            << ((o & obligation::kNotifyPerson) ? " notify-person" : "")
            << ((o & obligation::kNotifyReferent) ? " notify-referent" : "")
            << ((o & obligation::kOpenReview) ? " open-review" : "") << "\n";
    auto masked = trail.Decide(request("cesf.moreau", items[3]), glass.justification);
    if (!masked.ok()) return masked.status();
    ctx.out << "    reads appreciation-budget (masked): " << Name(masked->reason) << "\n";
    clock.Advance(absl::Hours(2));
    auto after = trail.Decide(request("cesf.moreau", items[1]));
    if (!after.ok()) return after.status();
    ctx.out << "    two hours later: " << Name(after->reason) << "\n";
    if (!during->allowed() || masked->allowed() || after->allowed()) {
      return MakeError(ErrorCode::kInternal, "break-the-glass did not behave as the policy says");
    }
    auto recorded = service->ledger->Size();
    if (!recorded.ok()) return recorded.status();
    ctx.out << "  Every decision above is in the access trail: " << *recorded
            << " entries in a ledger file.\n";
    ctx.summary.push_back(absl::StrCat("access: ", actors.size(), " professionals × ", items.size(),
                                       " items decided and explained at revision ",
                                       engine.revision(), ", all recorded"));
    ctx.service = std::move(service);
    return absl::OkStatus();
  }
};

// 7. The access trail: the person reads who looked at her file, each line with its inclusion
// proof checked against the signed checkpoint; then someone changes one byte of a copy of the
// ledger file, and Verify names the entry.
class AccessTrailHistory final : public Step {
 public:
  std::string Title() const override { return "Access trail: history, proofs, a tampered copy"; }
  absl::Status Run(DemoContext& ctx) override {
    SOCLE_DEMO_RETURN_IF_ERROR(AfterAccessStep(ctx));
    DemoService& service = *ctx.service;
    Ledger& ledger = *service.ledger;
    HistoryQuery query;
    query.person = "usager-0001";
    query.reader = "usager-0001";
    query.reader_is_person = true;  // her right of access, authenticated by the product
    query.limit = 1000;
    auto history = service.trail->History(query);
    if (!history.ok()) return history.status();
    const std::string problem =
        CheckCheckpoint(history->checkpoint, ledger.verifier_key(), ledger.origin());
    if (!problem.empty()) return MakeError(ErrorCode::kVerificationFailed, problem);
    ctx.out << "  usager-0001 reads her history (" << history->entries.size()
            << " entries; the read itself is the last):\n";
    uint64_t decisions = 0, tampered = 0;
    bool have_target = false;
    for (const HistoryEntry& e : history->entries) {
      if (!InclusionProofHolds(e.proof, history->checkpoint.root)) {
        return MakeError(ErrorCode::kVerificationFailed,
                         absl::StrCat("the proof of entry ", e.index, " does not verify"));
      }
      if (e.type == LedgerEntryType::kAccessDecision) {
        ++decisions;
        // The entry an attacker would like to change: the break-the-glass read.
        if (e.break_glass && e.allowed && !have_target) {
          tampered = e.index;
          have_target = true;
        }
      }
      ctx.out << "    " << FormatHistoryEntry(e) << "  proof: ok\n";
    }
    if (!have_target) {
      return MakeError(ErrorCode::kInternal, "the break-the-glass read is not in the history");
    }
    ctx.out << "  Every proof leads to this checkpoint, whose signature verifies with "
            << ledger.verifier_key() << ":\n";
    for (absl::string_view line : absl::StrSplit(history->checkpoint.note, '\n')) {
      if (!line.empty()) ctx.out << "    " << line << "\n";
    }
    auto verified = ledger.Verify();
    if (!verified.ok()) return verified.status();
    if (!verified->ok) {
      return MakeError(ErrorCode::kDataLoss,
                       absl::StrCat("the demo's own ledger does not verify at entry ",
                                    verified->first_bad_index, ": ", verified->problem));
    }
    ctx.out << "  Verify on the ledger file: ok, " << verified->entries << " entries, "
            << verified->checkpoints << " checkpoints.\n";

    // The attack: a copy of the file, the trigger dropped, one byte of the break-the-glass
    // entry changed with SQLite. The copy keeps its witness file (the last checkpoint).
    const std::string copy = (service.dir->path / "access_trail.copy.db").string();
    SOCLE_DEMO_RETURN_IF_ERROR(CopyAndTamper(service.ledger_path, copy, tampered));
    std::error_code ec;
    std::filesystem::copy_file(service.ledger_path + ".checkpoint", copy + ".checkpoint", ec);
    if (ec) return MakeError(ErrorCode::kIo, "cannot copy the witness file");
    LedgerOptions options = service.ledger_options;
    auto copied = Ledger::Open(copy, service.vault, "access_trail", options);
    if (!copied.ok()) return copied.status();
    auto caught = (*copied)->Verify();
    if (!caught.ok()) return caught.status();
    ctx.out << "  A copy with one byte of entry " << tampered
            << " changed (trigger dropped, sqlite3): Verify says ";
    if (caught->ok) {
      ctx.out << "ok (WRONG)\n";
      return MakeError(ErrorCode::kInternal, "a tampered ledger verified");
    }
    ctx.out << "FAILED at entry " << caught->first_bad_index << ": " << caught->problem << "\n";
    if (caught->first_bad_index != tampered) {
      return MakeError(ErrorCode::kInternal, "Verify named another entry than the changed one");
    }
    ctx.summary.push_back(absl::StrCat("trail: ", decisions,
                                       " decisions in usager-0001's "
                                       "history, every proof verified; the tampered entry ",
                                       tampered, " named"));
    return absl::OkStatus();
  }
};

// 11. What leaves the service, and what is kept: the person's notes sealed under their own key,
// pseudonyms per domain from the vault's secret, a note redacted before it is shared, and the
// key shredded at the end of retention.
class KeysPseudonymsRedaction final : public Step {
 public:
  std::string Title() const override { return "Keys, pseudonyms and redaction (vault, pseudonym)"; }
  absl::Status Run(DemoContext& ctx) override {
    auto it = ctx.policies.find("policies/ccas.textproto");
    if (it == ctx.policies.end()) {
      return MakeError(ErrorCode::kFailedPrecondition, "the CCAS policy was not loaded");
    }
    // A scratch directory for the key file and the vault's SQLite database.
    std::error_code ec;
    const auto dir =
        std::filesystem::temp_directory_path(ec) / absl::StrCat("socle-demo-", ::getpid());
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
    auto sealed = vault.SealRecord(
        {"usager-0001", "note-42"},
        absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(note.data()), note.size()));
    if (!sealed.ok()) return sealed.status();
    auto opened = vault.OpenRecord({"usager-0001", "note-42"}, *sealed);
    if (!opened.ok() || opened->view() != note) {
      return MakeError(ErrorCode::kInternal, "a sealed note did not open to itself");
    }
    auto moved = vault.OpenRecord({"usager-0002", "note-42"}, *sealed);
    ctx.out << "  A note sealed for usager-0001 (" << sealed->size()
            << " bytes) opens for her; moved to another person: "
            << (moved.ok() ? "opened (WRONG)" : ErrorCodeName(ErrorCodeOf(moved.status()))) << "\n";

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
            << "  usager-0001 in two research waves (PERSON, linkage declared): " << r1->ToText()
            << " / " << r2->ToText() << "\n";
    if (*p1 == *p2 || !(*r1 == *r2)) {
      return MakeError(ErrorCode::kInternal, "pseudonym linkage does not follow the domains");
    }

    // The note, redacted before it goes to a partner: the file's own identities first.
    const std::vector<KnownIdentity> known = {
        {IdentityKind::kName, "Lefèvre-Martin", 1},
        {IdentityKind::kFirstName, "Rose", 1},
        {IdentityKind::kFirstName, "Inès", 2},
        {IdentityKind::kName, "Lefèvre", 2},
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

// The SHA-256 of a text (the information text shown, an item's content), for the demo's facts.
std::string Sha256(absl::string_view text) {
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return out;
}

absl::Status Expect(bool holds, absl::string_view what) {
  return holds ? absl::OkStatus()
               : MakeError(ErrorCode::kInternal, absl::StrCat("unexpected outcome: ", what));
}

// 8. A 14-year-old and her two parents: a consent-based activity needs the minor AND both
// holders of parental authority; then an information préoccupante to the CRIP, refused until the
// parents were told, and the CRIP reading exactly what was shared. Through the access step's
// engine and trail, as a product would.
class MinorConsentAndSharing final : public Step {
 public:
  std::string Title() const override { return "A minor's consent, a share under secrecy"; }
  absl::Status Run(DemoContext& ctx) override {
    SOCLE_DEMO_RETURN_IF_ERROR(AfterAccessStep(ctx));
    DemoService& service = *ctx.service;
    AccessEngine& engine = *service.engine;
    AccessTrail& trail = *service.trail;
    service.clock->Advance(absl::Hours(1));

    // Léa (usager-0014), born 10 March 2012, followed by pole_social; her mother and father hold
    // parental authority. The CRIP's evaluator is of the département, assigned to no CCAS file.
    SOCLE_DEMO_RETURN_IF_ERROR(
        engine.UpsertPerson({"usager-0014", {"pole_social"}, "ass.durand", "2012-03-10"}).status());
    SOCLE_DEMO_RETURN_IF_ERROR(engine.UpsertPerson({"mere-0014", {}, "", "1985-01-02"}).status());
    SOCLE_DEMO_RETURN_IF_ERROR(engine.UpsertPerson({"pere-0014", {}, "", "1983-07-14"}).status());
    SOCLE_DEMO_RETURN_IF_ERROR(engine
                                   .UpsertProfessional({"crip.roux",
                                                        "evaluateur_crip",
                                                        {"crip_47"},
                                                        "departement",
                                                        SecrecyStatus::kUnspecified,
                                                        ""})
                                   .status());
    for (const char* parent : {"mere-0014", "pere-0014"}) {
      RepresentativeSpec rep;
      rep.person = "usager-0014";
      rep.representative = parent;
      rep.kind = RepresentativeKind::kParentalAuthority;
      rep.from = absl::CivilDay(2012, 3, 10);
      rep.reference = "livret de famille";
      rep.recorded_by = "ass.durand";
      SOCLE_DEMO_RETURN_IF_ERROR(SetRepresentative(engine, rep).status());
    }
    ctx.out << "  usager-0014 is 14 (born 2012-03-10); mere-0014 and pere-0014 hold parental "
               "authority.\n";

    // The workshops rest on consent (art. 6(1)(a)).
    const std::string information = "Ateliers collectifs du CCAS : notice d'information v2026-09";
    ConsentSpec consent;
    consent.person = "usager-0014";
    consent.purpose = "ateliers_collectifs";
    consent.given_by = {"usager-0014"};
    consent.information_version = "ateliers-2026-09";
    consent.information_sha256 = Sha256(information);
    consent.channel = ConsentChannel::kPaper;
    consent.evidence_reference = "FORM-ATELIERS-0014";
    consent.recorded_by = "ass.durand";
    AccessRequest request;
    request.actor = *engine.FindProfessional("ass.durand");
    request.person = *engine.FindPerson("usager-0014");
    request.category = *engine.FindCategory("administrative");
    request.purpose = *engine.FindPurpose("ateliers_collectifs");
    request.author = request.actor;
    request.item = "inscription-atelier";

    auto alone = GiveConsent(engine, consent);
    if (!alone.ok()) return alone.status();
    auto alone_status = ConsentStatusAt(*engine.snapshot(), "usager-0014", "ateliers_collectifs",
                                        ConsentScope::kProcessing);
    if (!alone_status.ok()) return alone_status.status();
    auto refused = trail.Decide(request);
    if (!refused.ok()) return refused.status();
    ctx.out << "  Léa alone signs the workshops' form: consent " << Name(alone_status->state)
            << "; ass.durand opens her registration for the workshops: " << Name(refused->reason)
            << "\n";
    SOCLE_DEMO_RETURN_IF_ERROR(Expect(alone_status->state == ConsentState::kIncompleteForMinor &&
                                          refused->reason == Reason::kNoConsent,
                                      "a 14-year-old's consent alone must not be enough"));
    consent.given_by = {"usager-0014", "mere-0014", "pere-0014"};
    consent.evidence_reference = "FORM-ATELIERS-0014-bis";
    auto together = GiveConsent(engine, consent);
    if (!together.ok()) return together.status();
    auto allowed = trail.Decide(request);
    if (!allowed.ok()) return allowed.status();
    ctx.out << "  Léa and both parents sign: the same request is " << Name(allowed->reason)
            << " (consent of revision " << *together << ", which replaces " << *alone << ")\n";
    SOCLE_DEMO_RETURN_IF_ERROR(Expect(allowed->allowed(), "the minor and both parents consent"));

    // An information préoccupante to the CRIP (CASF L.226-2-1): social and family items only.
    const std::vector<SharedItem> items = {
        {"evaluation-0014", "social", Sha256("Évaluation sociale de la situation de Léa")},
        {"foyer-0014", "family", Sha256("Composition du foyer")},
    };
    SharingRequest share;
    share.emitter = "ass.durand";
    share.recipient = "crip.roux";
    share.person = "usager-0014";
    share.basis = SharingBasis::kCasfL226_2_1;
    share.purpose = "accompagnement_social";
    share.items = items;
    share.share = "ip-2026-0014";
    share.involvement = PersonInvolvementKind::kNotInformed;
    share.involvement_reason = "les parents ne sont pas encore informés";
    auto first = trail.Share(engine, share);
    if (!first.ok()) return first.status();
    ctx.out << "\n  ass.durand shares 2 items with crip.roux (CASF L.226-2-1): "
            << (first->granted ? "granted" : "REFUSED") << ", check " << Name(first->failed)
            << ":\n    " << first->sentence << "\n";
    SOCLE_DEMO_RETURN_IF_ERROR(
        Expect(!first->granted && first->failed == SharingCheck::kPersonNotInformed,
               "a share before the parents were told must be refused"));
    for (const char* parent : {"mere-0014", "pere-0014"}) {
      InformationSpec told;
      told.person = "usager-0014";
      told.informed = parent;
      told.share = share.share;
      told.recipient = "crip.roux";
      told.categories = {"social", "family"};
      told.channel = InformChannel::kInPerson;
      told.recorded_by = "ass.durand";
      SOCLE_DEMO_RETURN_IF_ERROR(RecordPersonInformed(engine, told).status());
    }
    share.involvement = PersonInvolvementKind::kInformedBeforehand;
    share.involvement_reason.clear();
    auto second = trail.Share(engine, share);
    if (!second.ok()) return second.status();
    ctx.out << "  Both parents are told (what, to whom) and it is recorded; the same share: "
            << (second->granted ? "granted" : "REFUSED") << " at revision " << second->revision
            << "\n";
    SOCLE_DEMO_RETURN_IF_ERROR(Expect(second->granted, "the share after prior information"));

    // The CRIP reads exactly what was shared, and nothing else of the file.
    struct Read {
      const char* item;
      const char* category;
      bool expected;
    };
    for (const Read& read :
         {Read{"evaluation-0014", "social", true}, Read{"foyer-0014", "family", true},
          Read{"note-accueil-0014", "administrative", false}}) {
      AccessRequest r;
      r.actor = *engine.FindProfessional("crip.roux");
      r.person = *engine.FindPerson("usager-0014");
      r.category = *engine.FindCategory(read.category);
      r.purpose = *engine.FindPurpose("accompagnement_social");
      r.author = *engine.FindProfessional("ass.durand");
      r.item = read.item;
      auto decision = trail.Decide(r);
      if (!decision.ok()) return decision.status();
      ctx.out << "    crip.roux reads " << read.item << ": " << Name(decision->reason) << "\n";
      SOCLE_DEMO_RETURN_IF_ERROR(Expect(decision->allowed() == read.expected,
                                        "the recipient reads exactly the shared items"));
    }
    auto recipients = ItemRecipients(*engine.snapshot(), "usager-0014", "evaluation-0014");
    if (!recipients.ok()) return recipients.status();
    ctx.out << "  Were evaluation-0014 rectified, socle lists whom to tell: "
            << (recipients->empty() ? std::string("nobody") : (*recipients)[0]) << "\n";

    // What the family reads in Léa's history: both decisions, in plain words.
    HistoryQuery query;
    query.person = "usager-0014";
    query.reader = "usager-0014";
    query.reader_is_person = true;
    query.limit = 1000;
    auto history = trail.History(query);
    if (!history.ok()) return history.status();
    int sharing = 0;
    ctx.out << "  Her history shows the sharing decisions (proofs checked):\n";
    for (const HistoryEntry& e : history->entries) {
      if (!InclusionProofHolds(e.proof, history->checkpoint.root)) {
        return MakeError(ErrorCode::kVerificationFailed,
                         absl::StrCat("the proof of entry ", e.index, " does not verify"));
      }
      if (e.type != LedgerEntryType::kSharingDecision) continue;
      ++sharing;
      ctx.out << "    " << FormatHistoryEntry(e) << "\n";
    }
    SOCLE_DEMO_RETURN_IF_ERROR(Expect(sharing == 2,
                                      "the refused and the granted share are in "
                                      "the person's history"));
    ctx.summary.push_back(
        "consent: a 14-year-old alone -> no_consent, with both parents -> allowed; share "
        "refused (person_not_informed), then granted; the CRIP reads 2 shared items, not a "
        "third");
    return absl::OkStatus();
  }
};

// 9. The person objects to a processing, the controller decides; an aidant acts under a mandate,
// which the person then revokes.
class ObjectionAndMandate final : public Step {
 public:
  std::string Title() const override { return "An objection, and a mandate used then revoked"; }
  absl::Status Run(DemoContext& ctx) override {
    SOCLE_DEMO_RETURN_IF_ERROR(AfterAccessStep(ctx));
    DemoService& service = *ctx.service;
    AccessEngine& engine = *service.engine;
    AccessTrail& trail = *service.trail;
    service.clock->Advance(absl::Hours(1));

    AccessRequest read;
    read.actor = *engine.FindProfessional("ass.durand");
    read.person = *engine.FindPerson("usager-0001");
    read.category = *engine.FindCategory("social");
    read.purpose = *engine.FindPurpose("accompagnement_social");
    read.author = read.actor;
    read.item = "evaluation-sociale";
    ObjectionSpec objection;
    objection.person = "usager-0001";
    objection.kind = ObjectionKind::kProcessing;
    objection.purpose = "accompagnement_social";
    objection.objected_by = "usager-0001";
    objection.recorded_by = "ass.durand";
    SOCLE_DEMO_RETURN_IF_ERROR(RecordObjection(engine, objection).status());
    auto pending = trail.Decide(read);
    if (!pending.ok()) return pending.status();
    ctx.out << "  usager-0001 objects to accompagnement_social (art. 21): ass.durand reads "
               "evaluation-sociale: "
            << Name(pending->reason) << "\n";
    SOCLE_DEMO_RETURN_IF_ERROR(DecideObjection(engine, "usager-0001", "accompagnement_social",
                                               ObjectionOutcome::kCompellingLegitimateGrounds,
                                               "Procédure d'expulsion en cours : le suivi "
                                               "protège la personne",
                                               "ass.durand")
                                   .status());
    auto resumed = trail.Decide(read);
    if (!resumed.ok()) return resumed.status();
    ctx.out << "  The controller decides (compelling legitimate grounds): " << Name(resumed->reason)
            << "\n";
    SOCLE_DEMO_RETURN_IF_ERROR(
        Expect(pending->reason == Reason::kObjectionPending && resumed->allowed(),
               "an objection suspends until decided"));

    // A mandate held by the CCAS (Aidants Connect model) for housing and money procedures.
    MandateSpec spec;
    spec.mandate = "mandat-2026-0001";
    spec.person = "usager-0001";
    spec.structure = "ccas";
    spec.procedures = {"logement", "argent"};
    spec.duration_days = 31;
    spec.template_version = "attestation-2026-01";
    spec.aidant = "cesf.moreau";
    spec.involvement.kind = MandateInvolvement::Kind::kPresent;
    auto created = CreateMandate(engine, spec);
    if (!created.ok()) return created.status();
    std::string attestation;
    for (uint8_t b : created->attestation_sha256)
      absl::StrAppend(&attestation, absl::Hex(b, absl::kZeroPad2));
    ctx.out << "\n  cesf.moreau creates " << spec.mandate
            << " (logement, argent; 31 days), attestation " << attestation.substr(0, 16) << "…\n";
    MandateInvolvement present;
    present.kind = MandateInvolvement::Kind::kPresent;
    SOCLE_DEMO_RETURN_IF_ERROR(
        UseMandate(engine, spec.mandate, "logement", "cesf.moreau", present).status());
    auto trainee = CheckMandate(*engine.snapshot(), spec.mandate, "logement", "stagiaire.leroy");
    if (!trainee.ok()) return trainee.status();
    ctx.out << "  She files the housing application under it: recorded. The trainee may not: "
            << MandateVerdictName(*trainee) << "\n";
    SOCLE_DEMO_RETURN_IF_ERROR(
        RevokeMandate(engine, spec.mandate, {}, /*by_person=*/true, "cesf.moreau").status());
    auto after = UseMandate(engine, spec.mandate, "logement", "cesf.moreau", present);
    auto verdict = CheckMandate(*engine.snapshot(), spec.mandate, "logement", "cesf.moreau");
    if (!verdict.ok()) return verdict.status();
    ctx.out << "  usager-0001 revokes it; a use afterwards: "
            << (after.ok() ? "recorded (WRONG)" : ErrorCodeName(ErrorCodeOf(after.status())))
            << " (" << MandateVerdictName(*verdict) << ")\n";
    SOCLE_DEMO_RETURN_IF_ERROR(Expect(*trainee == MandateVerdict::kRoleNotAllowed && !after.ok() &&
                                          *verdict == MandateVerdict::kRevoked,
                                      "a revoked mandate must not be usable"));
    ctx.summary.push_back(
        "objection: pending -> denied, decided -> allowed; mandate used, trainee refused, "
        "revoked, use refused");
    return absl::OkStatus();
  }
};

// What leaves the service (issue 12): the person's access request (art. 15) and its report in
// plain French, a pseudonymised dataset for the statistics office, both verified, and a tampered
// copy refused at its offset. With `socle demo --out DIR` the files are kept in DIR.
class Exports final : public Step {
 public:
  std::string Title() const override { return "What leaves the service (export files)"; }
  absl::Status Run(DemoContext& ctx) override {
    SOCLE_DEMO_RETURN_IF_ERROR(AfterAccessStep(ctx));
    DemoService& service = *ctx.service;
    const std::filesystem::path dir =
        ctx.out_dir.empty() ? service.dir->path : std::filesystem::path(ctx.out_dir);
    service.clock->Advance(absl::Hours(1));

    // The person's file as the vendor's product holds it.
    PersonCaseFile file;
    file.identity = {
        "usager-0001",    "Lefèvre-Martin",           "Rose",  "1984-05-12",
        "Agen",           "12 rue des Lilas",         "47300", "Villeneuve-sur-Garance",
        "06 12 34 56 78", "rose.lefevre@example.org", ""};
    auto entry = [&](const char* id, const char* category, EntryKind kind, const char* author,
                     const char* text) {
      CaseEntry e;
      e.id = id;
      e.person = "usager-0001";
      e.category = category;
      e.kind = kind;
      e.author = author;
      e.created_at = service.clock->Now() - absl::Hours(24 * 10);
      e.purpose = "accompagnement_social";
      e.title = id;
      e.text = text;
      return e;
    };
    file.entries = {
        entry("note-accueil", "administrative", EntryKind::kFact, "secretaire.martin",
              "Mme Rose Lefèvre-Martin se présente pour une aide au loyer."),
        entry("evaluation-sociale", "social", EntryKind::kFact, "ass.durand",
              "Loyer de 640 euros, ressources de 1 240 euros par mois."),
        entry("appreciation-budget", "social", EntryKind::kAppreciation, "ass.durand",
              "Mme Lefèvre-Martin tient son budget avec rigueur."),
        entry("signalement-voisin", "family", EntryKind::kThirdPartyInformation, "ass.durand",
              "Un voisin rapporte des difficultés avec l'ancien conjoint."),
        entry("brouillon", "social", EntryKind::kWorkingNote, "ass.durand",
              "Penser à appeler la CAF."),
    };
    file.entries[1].fields = {{"ressources_mensuelles", "1240"}};

    auto key = ExportSigningKey::FromVault(*service.vault);
    if (!key.ok()) return key.status();
    const Policy& policy = service.engine->policy();
    auto options = [&](ExportKind kind) {
      ExportWriterOptions o;
      o.kind = kind;
      o.issuer = "CCAS de Villeneuve-sur-Garance";
      o.policy_id = std::string(policy.id());
      o.policy_revision = std::string(policy.revision());
      o.policy_digest.assign(reinterpret_cast<const char*>(policy.digest().data()),
                             policy.digest().size());
      return o;
    };

    // 1. The access request, with the person's own report rendered from the same records.
    const std::string access_path = (dir / "acces-usager-0001.socle").string();
    auto sink = FileSink(access_path);
    if (!sink.ok()) return sink.status();
    auto writer = ExportWriter::Create(std::move(*sink), *key, options(ExportKind::kAccessRequest));
    if (!writer.ok()) return writer.status();
    RecordKeepingWriter tee(**writer);
    PersonExportRequest request;
    request.identity = file.identity;
    request.requested_by = "usager-0001";
    request.handled_by = "ass.durand";
    auto report = WriteAccessRequest(*service.trail, request, EntriesFrom(file.entries), tee);
    if (!report.ok()) return report.status();
    const std::string html_path = (dir / "acces-usager-0001.html").string();
    SOCLE_DEMO_RETURN_IF_ERROR(WritePersonReportHtml(html_path, tee.records));
    ctx.out << "  Access request (art. 15) for usager-0001: " << report->entries << " entries, "
            << report->withheld << " withheld (third-party information, marked), "
            << report->left_out << " working note left out, " << report->history_entries
            << " lines of access history with proofs; " << report->file.bytes
            << " bytes, signed.\n  The person's report: one HTML page in plain French ("
            << std::filesystem::file_size(html_path) << " bytes).\n";

    // 2. A pseudonymised dataset for the statistics office (profile observatoire_abs).
    auto pseudonymizer = Pseudonymizer::Create(policy, *service.vault);
    if (!pseudonymizer.ok()) return pseudonymizer.status();
    auto builder =
        DatasetBuilder::Create(policy, "observatoire_abs", **pseudonymizer,
                               absl::ToCivilDay(service.clock->Now(), absl::UTCTimeZone()));
    if (!builder.ok()) return builder.status();
    const std::string dataset_path = (dir / "observatoire-abs.socle").string();
    auto dataset_sink = FileSink(dataset_path);
    if (!dataset_sink.ok()) return dataset_sink.status();
    ExportWriterOptions dataset_options = options(ExportKind::kPseudonymisedDataset);
    dataset_options.pseudonym_domain = std::string(builder->domain());
    dataset_options.pseudonymisation_profile = "observatoire_abs";
    dataset_options.notice = builder->Notice();
    const ExportRecipientKey observatory = ExportRecipientKey::Generate();
    dataset_options.recipients.push_back({observatory.public_key(), "Observatoire social"});
    auto dataset = ExportWriter::Create(std::move(*dataset_sink), *key, dataset_options);
    if (!dataset.ok()) return dataset.status();
    // The export is recorded in the person's history before their records are written.
    BulkExportOptions bulk;
    bulk.handled_by = "ass.durand";
    const std::vector<PersonCaseFile> persons = {file};
    auto dataset_report =
        WriteDataset(*service.trail, *builder, CaseFilesFrom(persons), **dataset, bulk);
    if (!dataset_report.ok()) return dataset_report.status();
    const ExportFileSummary* dataset_summary = &dataset_report->file;
    ctx.out << "  Pseudonymised dataset for the statistics office: " << dataset_report->records
            << " records (ages in 5-year bands, département, month, resources in brackets,\n"
            << "  a fresh pseudonym per export), sealed to the observatory's key; "
            << dataset_summary->bytes << " bytes; the export is a line of usager-0001's history.\n";

    // 3. Both verified as a recipient would; the observatory opens its file.
    ExportReaderOptions verify;
    verify.trusted_issuers = {key->public_key()};
    auto access_ok = VerifyExport(*FileSource(access_path), verify);
    if (!access_ok.ok()) return access_ok.status();
    verify.key = &observatory;
    auto dataset_ok = VerifyExport(*FileSource(dataset_path), verify);
    if (!dataset_ok.ok()) return dataset_ok.status();
    const std::string bytes = ReadWholeFile(dataset_path);
    const bool no_identity = !absl::StrContains(bytes, "Lefèvre") &&
                             !absl::StrContains(bytes, "usager-0001") &&
                             !absl::StrContains(bytes, "1984-05-12");
    ctx.out << "  Verified: access request " << access_ok->records << " records, dataset "
            << dataset_ok->records << " records, both signed by the CCAS; no name, id or birth "
            << "date in the dataset's bytes: " << (no_identity ? "yes" : "NO") << "\n";

    // 4. One byte changed in a copy: refused, with where.
    std::string tampered = ReadWholeFile(access_path);
    const size_t flipped = tampered.size() * 3 / 4;  // in the records, past the header
    tampered[flipped] ^= 0x01;
    auto refused = VerifyExport(MemorySource(tampered), verify);
    const ExportFailure failure = ExportFailureOf(refused.status());
    ctx.out << "  A copy with one byte changed at byte " << flipped << ": "
            << (refused.ok() ? "accepted (WRONG)" : std::string(Name(failure.problem)))
            << " at byte " << failure.offset << "\n";
    if (!ctx.out_dir.empty()) {
      ctx.out << "  Files kept in " << dir.string() << ": acces-usager-0001.socle, "
              << "acces-usager-0001.html, observatoire-abs.socle\n";
    }
    SOCLE_DEMO_RETURN_IF_ERROR(Expect(report->withheld == 1 && report->left_out == 1 &&
                                          no_identity && !refused.ok() &&
                                          failure.problem != ExportProblem::kNone,
                                      "the exports must withhold, verify and refuse a tamper"));
    ctx.summary.push_back(
        absl::StrCat("exports: access request (", report->entries,
                     " entries, 1 withheld) and its HTML report, "
                     "a sealed pseudonymised dataset, both verified; a tampered copy refused (",
                     Name(failure.problem), " at byte ", failure.offset, ")"));
    return absl::OkStatus();
  }

 private:
  static std::string ReadWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
};

// The département's yearly activity table (issue 14): a year of synthetic records of the
// children supported by the ASE, read through the statistics input (birth dates to 5-year age
// bands), protected by small-cell and secondary suppression with the attacker's audit, then a
// noisy variant charged to the ODPE's privacy budget, declared in the policy.
class YearlyStatistics final : public Step {
 public:
  std::string Title() const override { return "The yearly activity table (statistics)"; }
  absl::Status Run(DemoContext& ctx) override {
    auto it = ctx.policies.find("policies/departement.textproto");
    if (it == ctx.policies.end()) {
      return MakeError(ErrorCode::kFailedPrecondition, "the département's policy was not loaded");
    }
    const Policy& policy = it->second;
    auto dir = MakeScratchDir("stats");
    if (!dir.ok()) return dir.status();
    FakeClock clock(absl::FromCivil(absl::CivilSecond(2027, 1, 15, 10, 0, 0), absl::UTCTimeZone()));
    AccessEngine::Options options;
    options.clock = &clock;
    auto engine = AccessEngine::Create(policy, options);
    if (!engine.ok()) return engine.status();
    DirectoryData directory;
    directory.professionals.push_back(
        {"odpe.garcia", "charge_etudes_odpe", {"odpe"}, "cd", SecrecyStatus::kUnspecified, ""});
    SOCLE_DEMO_RETURN_IF_ERROR((*engine)->LoadDirectory(directory).status());
    auto vault = DemoVault((*dir)->path, "departement_haute_garance");
    if (!vault.ok()) return vault.status();
    LedgerOptions ledger_options;
    ledger_options.clock = &clock;
    auto ledger =
        Ledger::Open(((*dir)->path / "access_trail.db").string(),
                     std::shared_ptr<Vault>(*std::move(vault)), "access_trail", ledger_options);
    if (!ledger.ok()) return ledger.status();
    auto trail = AccessTrail::Create(std::shared_ptr<Ledger>(*std::move(ledger)), **engine);
    if (!trail.ok()) return trail.status();

    // The records, as the product would export them: a birth date, an INSEE commune code and a
    // type of help per child (one record per child and year). A fixed seed: the same every run.
    const std::vector<std::pair<const char*, int>> communes = {
        {"47001", 430}, {"47002", 310}, {"47003", 240}, {"47004", 150}, {"47005", 45}};
    std::mt19937_64 random(14);
    auto generaliser = RecordGeneraliser::Create(
        {*DimensionSpec::Parse("birth_date:age_band_5"), *DimensionSpec::Parse("commune")}, "",
        {"birth_date", "commune"}, absl::CivilDay(2026, 12, 31));
    if (!generaliser.ok()) return generaliser.status();
    auto builder = TableBuilder::Create(generaliser->DimensionNames());
    if (!builder.ok()) return builder.status();
    std::vector<std::string> labels;
    uint64_t line = 1;
    for (const auto& [commune, children] : communes) {
      for (int i = 0; i < children; ++i) {
        const absl::CivilDay birth =
            absl::CivilDay(2009, 1, 1) + static_cast<int>(random() % (18 * 365));
        const std::string birth_text = absl::FormatCivilTime(birth);
        const std::vector<absl::string_view> raw = {birth_text, commune};
        int64_t amount = 0;
        SOCLE_DEMO_RETURN_IF_ERROR(generaliser->Apply(raw, ++line, &labels, &amount));
        const std::vector<absl::string_view> views(labels.begin(), labels.end());
        SOCLE_DEMO_RETURN_IF_ERROR(builder->Add(views));
      }
    }
    auto table = std::move(*builder).Finish();
    if (!table.ok()) return table.status();
    const StatisticsRules rules = StatisticsRules::FromPolicy(policy);
    const StatisticsPublication publication{"ase_2026", "observatoire_protection_enfance",
                                            "odpe.garcia"};
    auto release = PublishTable(**trail, *table, rules, publication);
    if (!release.ok()) return release.status();
    ctx.out << "  " << table->record_count()
            << " children supported by the ASE in 2026 (synthetic records, fixed seed): age band "
               "(5 years, on 2026-12-31) x commune, "
            << table->cell_count() << " cells with the margins.\n"
            << "  k = " << rules.small_cell_threshold
            << " (the policy): " << release->primary_suppressed << " suppressed as too small, "
            << release->secondary_suppressed
            << " more so that none can be recomputed from the margins; the attacker's LP audit: "
            << (release->audit.ok ? "ok" : "FAILED") << " (" << release->audit.linear_programs
            << " linear programs). The suppressed cells, as the attacker bounds them:\n";
    // The suppressed cells, the too-small ones first, with the interval an attacker computes
    // from the published cells (exact bounds only: an inner bound is for the controller).
    int shown = 0;
    for (const CellStatus status :
         {CellStatus::kPrimarySuppressed, CellStatus::kSecondarySuppressed}) {
      for (const AuditEntry& e : release->audit.entries) {
        if (e.measure != Measure::kCount || release->cells[e.cell].status != status ||
            !e.min_exact || !e.max_exact || shown == 6) {
          continue;
        }
        ++shown;
        ctx.out << "    " << table->Describe(e.cell) << ": "
                << (status == CellStatus::kPrimarySuppressed ? "too small" : "secondary")
                << ", the count lies in [" << e.min << ", "
                << (e.max ? absl::StrCat(*e.max) : std::string("unbounded")) << "]\n";
      }
    }
    ctx.out << "  Released and recorded in the access trail (statistics_release by "
            << publication.actor << ", with the SHA-256 of the published document).\n";
    SOCLE_DEMO_RETURN_IF_ERROR(Expect(release->audit.ok && release->primary_suppressed > 0 &&
                                          release->secondary_suppressed > 0 && shown > 0,
                                      "the small commune's cells must be suppressed and audited"));

    // The same table with differential privacy: charged to the budget first.
    NoiseOptions noise;
    noise.dataset = "odpe_tableaux_annuels";
    noise.parameter = Rational{2, 1};
    auto noisy = PublishNoisyTable(**engine, **trail, *table,
                                   {"ase_2026_dp", publication.activity, publication.actor}, noise);
    if (!noisy.ok()) return noisy.status();
    auto budget = PrivacyBudgetOf(*(*engine)->snapshot(), noise.dataset);
    if (!budget.ok()) return budget.status();
    // What is left of a pure budget: ε − Σε (exact, on small fractions).
    const Rational total = budget->epsilon(), spent = budget->laplace_epsilon_spent();
    const Rational left =
        Rational{total.numerator * spent.denominator - spent.numerator * total.denominator,
                 total.denominator * spent.denominator}
            .Reduced();
    ctx.out << "  The DP variant: discrete Laplace noise of scale 2 on every cell, margins summed "
               "from the noisy cells; charged epsilon = "
            << noisy->noise->charges[0].epsilon.ToString() << " to " << noise.dataset
            << " (the policy's budget: epsilon " << total.ToString() << "): " << left.ToString()
            << " left.\n";
    noise.parameter = Rational{1, 1};
    auto over = PublishNoisyTable(**engine, **trail, *table,
                                  {"ase_2026_dp2", publication.activity, publication.actor}, noise);
    ctx.out << "  A second noisy release at scale 1 (epsilon = 1): "
            << (over.ok() ? std::string("released (WRONG)")
                          : std::string(ErrorCodeName(ErrorCodeOf(over.status()))))
            << ", the budget unchanged.\n";
    SOCLE_DEMO_RETURN_IF_ERROR(
        Expect(!over.ok() && ErrorCodeOf(over.status()) == ErrorCode::kResourceExhausted,
               "a release beyond the budget must be refused"));
    ctx.summary.push_back(absl::StrCat(
        "statistics: the ASE's 2026 table with ",
        release->primary_suppressed + release->secondary_suppressed,
        " cells suppressed and audited, a noisy variant charged to the ODPE's budget, a second "
        "one refused"));
    return absl::OkStatus();
  }
};

// Two years later (issue 13): the synthetic clock moves on two years; the file's financial papers
// pass to the intermediate archive (REQ-35), where an ordinary professional is refused and the
// archivist reads with a reason recorded in the trail; an access request (art. 15) answered within
// its month, and an extension refused because the person was told after the first deadline
// (art. 12(3)). Runs last: it moves the shared clock two years on.
class RetentionAndRights final : public Step {
 public:
  std::string Title() const override { return "Two years later: the archive and the rights"; }
  absl::Status Run(DemoContext& ctx) override {
    SOCLE_DEMO_RETURN_IF_ERROR(AfterAccessStep(ctx));
    DemoService& service = *ctx.service;
    AccessEngine& engine = *service.engine;
    AccessTrail& trail = *service.trail;
    FakeClock& clock = *service.clock;
    clock.Advance(absl::Hours(1));
    const uint32_t financial = *engine.FindCategory("financial");

    // The file was opened in June 2025 (its first contact); the person comes to the reception
    // desk today (the last contact from the person), and their accompaniment ends: the team is
    // unassigned, which closes the case (ass.durand stays their referent).
    ContactSpec contact;
    contact.person = "usager-0001";
    contact.originator = ContactOriginator::kPerson;
    contact.recorded_by = "secretaire.martin";
    contact.day = absl::CivilDay(2025, 6, 2);
    SOCLE_DEMO_RETURN_IF_ERROR(RecordContact(engine, contact).status());
    contact.day = std::nullopt;
    SOCLE_DEMO_RETURN_IF_ERROR(RecordContact(engine, contact).status());
    SOCLE_DEMO_RETURN_IF_ERROR(engine.Unassign("usager-0001", "pole_social").status());
    auto phase_of = [&](absl::CivilDay day) -> absl::StatusOr<RetentionStatus> {
      auto all = engine.Retention("usager-0001", day);
      if (!all.ok()) return all.status();
      return (*all)[financial];
    };
    const absl::CivilDay today = RightsDayOf(clock.Now());
    auto before = phase_of(today);
    if (!before.ok()) return before.status();
    ctx.out << "  " << absl::FormatCivilTime(today)
            << ": usager-0001 comes to the desk (last contact from the person), then the case is "
               "closed.\n  The financial papers are "
            << RetentionPhaseName(before->phase) << " until "
            << RetentionDayText(before->next_change)
            << " (24 months after the last contact; then 36 months of intermediate archive for "
               "the aides facultatives' accounts).\n";

    // Two years and a week pass without the person coming back.
    clock.Advance(absl::Hours(24 * (365 * 2 + 7)));
    const absl::CivilDay later = RightsDayOf(clock.Now());
    auto after = phase_of(later);
    if (!after.ok()) return after.status();
    ctx.out << "  The clock moves two years on, to " << absl::FormatCivilTime(later)
            << ": the financial papers are now in the " << RetentionPhaseName(after->phase)
            << " (since " << RetentionDayText(after->since) << ", until "
            << RetentionDayText(after->next_change) << ").\n";
    SOCLE_DEMO_RETURN_IF_ERROR(
        Expect(before->phase == RetentionPhase::kActive &&
                   after->phase == RetentionPhase::kIntermediateArchive,
               "the financial papers must move to the intermediate archive after two years"));

    // The CCAS has no archives service: the head of service reads the archive, with a reason.
    ProfessionalEntry head{"responsable.garnier", "responsable_service", {"pole_social"}, "ccas"};
    SOCLE_DEMO_RETURN_IF_ERROR(engine.UpsertProfessional(head).status());
    AccessRequest read;
    read.actor = *engine.FindProfessional("ass.durand");
    read.person = *engine.FindPerson("usager-0001");
    read.category = financial;
    read.purpose = *engine.FindPurpose("aides_facultatives");
    read.item = "justificatifs-aide-2026";
    auto ordinary = trail.Decide(read);
    if (!ordinary.ok()) return ordinary.status();
    ctx.out << "  ass.durand (the referent) opens justificatifs-aide-2026: "
            << (ordinary->allowed() ? "allowed" : "denied") << " (" << Name(ordinary->reason)
            << ")\n";
    read.actor = *engine.FindProfessional("responsable.garnier");
    auto no_reason = trail.Decide(read);
    if (!no_reason.ok()) return no_reason.status();
    constexpr absl::string_view kWhy =
        "Recours gracieux sur l'aide remboursable de 2026 : vérification du dossier comptable";
    read.archive_reason = kWhy;
    auto before_size = service.ledger->Size();
    if (!before_size.ok()) return before_size.status();
    auto archivist = trail.Decide(read, kWhy);
    if (!archivist.ok()) return archivist.status();
    auto after_size = service.ledger->Size();
    if (!after_size.ok()) return after_size.status();
    ctx.out << "  responsable.garnier (archivist) without a reason: "
            << (no_reason->allowed() ? "allowed" : "denied") << " (" << Name(no_reason->reason)
            << "); with one (\"recours gracieux\"): "
            << (archivist->allowed() ? "allowed" : "denied") << " (" << Name(archivist->reason)
            << "), recorded in the access trail with its reason (entry " << *before_size << ").\n";
    SOCLE_DEMO_RETURN_IF_ERROR(Expect(
        ordinary->reason == Reason::kArchived && !no_reason->allowed() &&
            archivist->reason == Reason::kAllowedArchivist && *after_size == *before_size + 1,
        "only the archivist, with a reason, reads the intermediate archive, and it is recorded"));

    // An access request (art. 15): received today, due in one calendar month, answered in 12 days.
    RightsRequestSpec request;
    request.request = "DA-2028-001";
    request.kind = RightsRequestKind::kAccess;
    request.person = "usager-0001";
    request.received_at = clock.Now();
    request.channel = ConsentChannel::kPaper;
    request.recorded_by = "secretaire.martin";
    SOCLE_DEMO_RETURN_IF_ERROR(RecordRightsRequest(engine, request).status());
    auto received = GetRightsRequest(*engine.snapshot(), request.request, RightsDayOf(clock.Now()));
    if (!received.ok()) return received.status();
    clock.Advance(absl::Hours(24 * 12));
    SOCLE_DEMO_RETURN_IF_ERROR(
        CloseRightsRequest(engine, request.request, false, "", "", "ass.durand").status());
    auto answered = GetRightsRequest(*engine.snapshot(), request.request, RightsDayOf(clock.Now()));
    if (!answered.ok()) return answered.status();
    ctx.out << "\n  Access request " << request.request << " received "
            << absl::FormatCivilTime(received->received_day) << " (letter), due "
            << absl::FormatCivilTime(received->deadline) << " (one month, GDPR art. 12(3)); "
            << "answered 12 days later: " << RightsRequestStatusName(answered->status) << ", "
            << answered->days_left << " days before its deadline.\n";

    // A rectification request the service lets slip: the person is told of an extension only
    // after the first deadline, which art. 12(3) does not allow.
    request.request = "DR-2028-002";
    request.kind = RightsRequestKind::kRectification;
    request.received_at = clock.Now();
    SOCLE_DEMO_RETURN_IF_ERROR(RecordRightsRequest(engine, request).status());
    auto late_one = GetRightsRequest(*engine.snapshot(), request.request, RightsDayOf(clock.Now()));
    if (!late_one.ok()) return late_one.status();
    clock.Advance(absl::Hours(24 * 33));
    auto extension = ExtendRightsRequest(
        engine, request.request, "Pièces à obtenir auprès de la CAF", clock.Now(), 2, "ass.durand");
    const std::vector<RightsRequestInfo> overdue =
        OverdueRightsRequests(*engine.snapshot(), RightsDayOf(clock.Now()));
    ctx.out << "  Rectification request " << request.request << " received "
            << absl::FormatCivilTime(late_one->received_day) << ", due "
            << absl::FormatCivilTime(late_one->first_deadline) << "; on "
            << absl::FormatCivilTime(RightsDayOf(clock.Now()))
            << " the service tells the person it needs two more months: "
            << (extension.ok() ? "accepted (WRONG)"
                               : std::string(ErrorCodeName(ErrorCodeOf(extension.status()))))
            << " (the person must be told by the first deadline).\n"
            << "  The DPO's overdue list now shows " << overdue.size() << " request(s)"
            << (overdue.empty() ? ""
                                : absl::StrCat(", ", overdue[0].request, " late by ",
                                               -overdue[0].days_left, " days"))
            << ".\n";
    SOCLE_DEMO_RETURN_IF_ERROR(
        Expect(answered->status == RightsRequestStatus::kAnswered && answered->days_left >= 0 &&
                   !extension.ok() &&
                   absl::StartsWith(extension.status().message(), "extension_too_late:") &&
                   overdue.size() == 1 && overdue[0].request == request.request,
               "an access request answered in time, and an extension notified too late refused"));

    // The sweep at the end of retention (REQ-36). The file's other categories ended with the
    // two years; the CCAS's records are public archives, so they await the archives service's
    // elimination visa and nothing is destroyed: the sweep lists them and keeps them.
    auto signing_key = ExportSigningKey::FromVault(*service.vault);
    if (!signing_key.ok()) return signing_key.status();
    SweepOptions sweep;
    sweep.day = RightsDayOf(clock.Now());
    sweep.recorded_by = "responsable.garnier";
    auto held = Sweep(engine, trail, *signing_key, sweep);
    if (!held.ok()) return held.status();
    ctx.out << "  Sweep of " << absl::FormatCivilTime(sweep.day) << ": " << held->awaiting_visa
            << " categories of the file await the archives service's visa (public archives), "
            << held->purged << " purged, " << held->certificates.size() << " certificate.\n";
    // The archives service signs the elimination visa for the administrative papers; the next
    // day's sweep purges them: the vendor's to-do list, a signed certificate recorded in the trail.
    clock.Advance(absl::Hours(24));
    EliminationVisa visa{"AD-VISA-2028-031", "administrative", sweep.day, "responsable.garnier"};
    SOCLE_DEMO_RETURN_IF_ERROR(RecordEliminationVisa(engine, visa).status());
    sweep.day = RightsDayOf(clock.Now());
    auto swept = Sweep(engine, trail, *signing_key, sweep);
    if (!swept.ok()) return swept.status();
    const bool certified =
        swept->certificates.size() == 1 &&
        VerifyDeletionCertificate(swept->certificates[0].bytes, swept->certificates[0].signature)
            .ok();
    ctx.out << "  Visa " << visa.reference
            << " recorded for the administrative papers; the sweep of "
            << absl::FormatCivilTime(sweep.day) << " purges " << swept->purged << ":\n";
    for (const VendorTask& task : swept->todo) {
      ctx.out << "    to do by the product: " << RetentionEndActionName(task.action) << " the "
              << task.category << " rows of " << task.person << " (" << task.rule << ")\n";
    }
    for (const DeletionCertificate& c : swept->certificates) {
      ctx.out << "    deletion certificate: " << c.category << ", " << c.count << " item(s), "
              << RetentionDayText(c.sweep_day) << ", " << c.rule << ", visa " << c.visa_reference
              << ", no content; signature " << (certified ? "verified" : "NOT VERIFIED")
              << ", recorded in the access trail\n";
    }
    SOCLE_DEMO_RETURN_IF_ERROR(Expect(held->purged == 0 && held->awaiting_visa > 0 &&
                                          held->certificates.empty() && swept->purged == 1 &&
                                          swept->shredded == 0 && certified,
                                      "the sweep must wait for the visa, then purge and certify"));

    ctx.summary.push_back(
        "two years later: financial papers in the intermediate archive, ass.durand denied "
        "(archived), the archivist's reasoned read allowed and recorded; an access request "
        "answered in time, an extension notified too late refused; a sweep waiting for the "
        "archives' visa, then purging with a signed certificate");
    return absl::OkStatus();
  }
};

std::vector<std::unique_ptr<Step>> Steps() {
  std::vector<std::unique_ptr<Step>> steps;
  steps.push_back(std::make_unique<LoadPolicies>());
  steps.push_back(std::make_unique<ShowValidation>());
  steps.push_back(std::make_unique<PrintRegister>());
  steps.push_back(std::make_unique<ProveDeclaredProperties>());
  steps.push_back(std::make_unique<ApprovePolicyChange>());
  steps.push_back(std::make_unique<AccessDecisions>());
  steps.push_back(std::make_unique<AccessTrailHistory>());
  steps.push_back(std::make_unique<MinorConsentAndSharing>());
  steps.push_back(std::make_unique<ObjectionAndMandate>());
  steps.push_back(std::make_unique<Exports>());
  steps.push_back(std::make_unique<KeysPseudonymsRedaction>());
  steps.push_back(std::make_unique<YearlyStatistics>());
  steps.push_back(std::make_unique<RetentionAndRights>());
  return steps;
}

}  // namespace

int Demo(const std::vector<std::string>& args, Io io) {
  constexpr char kDemoUsage[] =
      "usage: socle demo [--out DIR]\n"
      "  Runs socle on a synthetic social service: policies, the properties the DPO declares\n"
      "  proven over every case and what a one-line change does, access decisions recorded in the\n"
      "  access trail, its verification, a minor's consent, a share under professional\n"
      "  secrecy, an objection, a mandate, the vault, pseudonyms and redaction (temporary\n"
      "  files only), and the export files: an access request with the person's report and a\n"
      "  pseudonymised dataset, verified, and a tampered copy refused; the département's yearly\n"
      "  activity table with its suppressed cells, the attacker's audit and a noisy variant\n"
      "  charged to a privacy budget; then, two years later\n"
      "  on its synthetic clock, a file in the intermediate archive read by the archivist with\n"
      "  a reason, an access request answered in time and an extension refused as too late.\n"
      "  --out DIR keeps the three export files in DIR (created if missing).\n";
  if (WantsHelp(args)) {
    io.out << kDemoUsage;
    return kExitOk;
  }
  std::string out_dir;
  if (args.size() == 2 && args[0] == "--out") {
    out_dir = args[1];
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec) {
      io.err << "socle demo: cannot create the directory given by --out\n";
      return kExitFailure;
    }
  } else if (!args.empty()) {
    io.err << kDemoUsage;
    return kExitUsage;
  }
  DemoContext ctx{io.out, {}, {}, nullptr, out_dir};
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
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
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
