// Policy load time (parse + validate + compile) for the example policies and a generated large
// one (200 roles × 40 data categories), measured next to the physical limits of the same run:
// protobuf's text-format parser alone on the same bytes, and a raw BLAKE2b pass over them. Also
// the throughput of the habilitation lookup (Policy::Allows) that sits on every decision.
//
// BM_PolicyValidateHostile: hostile policies up to the 16 MiB size cap (issue 7, defect 5):
// unknown ids in one list, in thousands of lists, as repeated fields on one line, deep nesting,
// and a valid policy with the largest declarations. Each must validate in well under a second
// (before the fix, 2,000 unknown ids in one list took seconds: locations rescanned the text for
// every diagnostic). tests/policy/policy_hostile_test.cc checks what they report.
//
// Run from a release build (see README.md in this folder):
//   build/rel4/benchmarks/policy_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "harness.h"
#include "socle/policy.hpp"
#include "socle/v1/policy.pb.h"
#include "socle/vocabulary.hpp"

namespace socle {
namespace {

enum class Workload { kCcas, kDepartement, kGenerated };

constexpr int kGeneratedRoles = 200;
constexpr int kGeneratedCategories = 40;
constexpr int kCategoriesPerActivity = 5;  // 8 activities cover the 40 categories

// A valid policy of `roles` roles and `categories` data categories: one habilitation row per
// role over about two thirds of the categories, activities that together declare every category
// with one retention rule each, sharing rules, break-the-glass and the other sections, so that
// every validation check has work to do.
std::string GeneratePolicy(int roles, int categories) {
  auto category_id = [](int c) { return absl::StrCat("category_", c); };
  auto role_id = [](int r) { return absl::StrCat("role_", r); };
  // Every tenth category is a special category; every fifth role is not bound by secrecy and so
  // is never granted one.
  auto is_special = [](int c) { return c % 10 == 3; };
  auto has_secrecy = [](int r) { return r % 5 != 4; };

  std::string t;
  absl::StrAppend(&t, "format_version: 1\nid: \"generated_", roles, "x", categories,
                  "\"\nrevision: \"benchmark\"\n");
  absl::StrAppend(&t,
                  "controller {\n  name: \"Département de synthèse\"\n  address: \"1 rue du "
                  "Banc d'essai\"\n  contact: \"dpd@synthese.example\"\n  public_authority: "
                  "true\n  public_archives: true\n}\n",
                  "dpo { name: \"Délégué à la protection des données\" contact: "
                  "\"dpd@synthese.example\" }\n");
  for (int c = 0; c < categories; ++c) {
    absl::StrAppend(&t, "data_categories { id: \"", category_id(c), "\" label: \"Catégorie ", c,
                    "\" sensitivity: ", is_special(c) ? "SPECIAL_CATEGORY" : "ORDINARY", " }\n");
  }
  absl::StrAppend(&t,
                  "person_categories { id: \"personne_accompagnee\" label: \"Personnes "
                  "accompagnées\" }\n",
                  "person_categories { id: \"membre_foyer\" label: \"Membres du foyer\" }\n",
                  "person_categories { id: \"tiers\" label: \"Tiers mentionnés\" }\n");
  for (int a = 0; a * kCategoriesPerActivity < categories; ++a) {
    const int first = a * kCategoriesPerActivity;
    const int last = std::min(categories, first + kCategoriesPerActivity);
    bool special = false;
    std::string list;
    for (int c = first; c < last; ++c) {
      absl::StrAppend(&list, c == first ? "" : ", ", "\"", category_id(c), "\"");
      special |= is_special(c);
    }
    absl::StrAppend(&t, "activities {\n  id: \"activity_", a, "\"\n  name: \"Activité ", a,
                    "\"\n  purpose: \"Accompagnement social, volet ", a,
                    "\"\n  purpose_kind: SOCIAL_SUPPORT\n  legal_basis: PUBLIC_TASK\n"
                    "  legal_basis_reference: \"CASF L.123-2\"\n  public_task: true\n");
    if (special) absl::StrAppend(&t, "  special_category_conditions: HEALTH_OR_SOCIAL_CARE\n");
    absl::StrAppend(&t, "  data_categories: [", list, "]\n",
                    "  person_categories: [\"personne_accompagnee\", \"membre_foyer\", "
                    "\"tiers\"]\n",
                    "  recipients { name: \"Travailleurs sociaux du service\" kind: INTERNAL }\n",
                    "  recipients { name: \"Partenaires (CAF, CPAM)\" kind: PARTNER legal_basis: "
                    "\"CSP L.1110-4\" }\n");
    for (int c = first; c < last; ++c) {
      absl::StrAppend(&t, "  retention { data_category: \"", category_id(c),
                      "\" start: LAST_CONTACT_FROM_PERSON active_months: 24 end_action: DELETE "
                      "source: \"CNIL délib. 2023-095\" }\n");
    }
    absl::StrAppend(&t,
                    "  security_measures: \"Authentification forte\"\n"
                    "  security_measures: \"Traçabilité des accès\"\n"
                    "  dpia_reference: \"AIPD-",
                    a, "\"\n}\n");
  }
  for (int r = 0; r < roles; ++r) {
    absl::StrAppend(
        &t, "roles { id: \"", role_id(r), "\" label: \"Rôle ", r, "\" secrecy: ",
        has_secrecy(r) ? "BY_PROFESSION secrecy_reference: \"CASF L.411-3\"" : "SECRECY_NONE",
        r == 0 ? " capabilities: [REVIEWER, DPO_ROLE]" : "", " }\n");
  }
  for (int r = 0; r < roles; ++r) {
    std::string list;
    for (int c = 0; c < categories; ++c) {
      if ((r + c) % 3 == 0) continue;
      if (is_special(c) && !has_secrecy(r)) continue;
      absl::StrAppend(&list, list.empty() ? "" : ", ", "\"", category_id(c), "\"");
    }
    absl::StrAppend(&t, "habilitations { role: \"", role_id(r), "\" actions: [READ, WRITE, PRINT",
                    r % 2 == 0 ? ", SHARE" : "", "] data_categories: [", list, "] }\n");
  }
  // Sharing within the team, towards the first roles bound by secrecy.
  std::string recipients;
  for (int r = 0; r < roles && r < 20; ++r) {
    if (has_secrecy(r))
      absl::StrAppend(&recipients, recipients.empty() ? "" : ", ", "\"", role_id(r), "\"");
  }
  std::string all_categories;
  for (int c = 0; c < categories; ++c) {
    absl::StrAppend(&all_categories, c == 0 ? "" : ", ", "\"", category_id(c), "\"");
  }
  absl::StrAppend(&t,
                  "sharing_rules { id: \"equipe\" basis: CSP_L1110_4_III_TEAM "
                  "data_categories: [",
                  all_categories, "] recipient_roles: [", recipients, "] }\n");
  absl::StrAppend(&t, "masking { mode: SIGNALLED referent_keeps_access: true }\n",
                  "break_glass { enabled: true max_duration_minutes: 240 ",
                  "reason_codes { id: \"danger\" label: \"Danger grave et imminent\" } ",
                  "reviewer_roles: [\"", role_id(0), "\"] allowed_roles: [", recipients, "] }\n",
                  "pseudonym_domains { id: \"stats\" kind: TRANSACTION recipient: "
                  "\"Observatoire\" activity: \"activity_0\" }\n",
                  "statistics { small_cell_threshold: 11 dominance_percent: 85 }\n",
                  "log_retention { months: 12 }\n");
  return t;
}

// The text of a workload, or nullopt (with the reason in `why`) when an example is missing.
const std::string* Text(Workload workload, std::string* why) {
  static const std::optional<std::string> ccas =
      socle_bench::TryReadFile(socle_bench::ExamplesDir() + "/policies/ccas.textproto");
  static const std::optional<std::string> departement =
      socle_bench::TryReadFile(socle_bench::ExamplesDir() + "/policies/departement.textproto");
  static const std::string generated = GeneratePolicy(kGeneratedRoles, kGeneratedCategories);
  switch (workload) {
    case Workload::kCcas:
      if (!ccas) *why = "examples/policies/ccas.textproto not found";
      return ccas ? &*ccas : nullptr;
    case Workload::kDepartement:
      if (!departement) *why = "examples/policies/departement.textproto not found";
      return departement ? &*departement : nullptr;
    case Workload::kGenerated:
      return &generated;
  }
  return nullptr;
}

// Fetches the workload and checks that it loads; false (and the benchmark skipped) otherwise.
bool Prepare(benchmark::State& state, Workload workload, const std::string** text) {
  std::string why;
  *text = Text(workload, &why);
  if (*text == nullptr) {
    state.SkipWithError(why.c_str());
    return false;
  }
  std::vector<Diagnostic> diagnostics;
  if (!Policy::Load(**text, &diagnostics).ok()) {
    why = "the policy does not load";
    for (const Diagnostic& d : diagnostics) {
      if (d.severity == Diagnostic::Severity::kError) {
        absl::StrAppend(&why, ": ", d.ToString("policy"));
        break;
      }
    }
    state.SkipWithError(why.c_str());
    return false;
  }
  state.counters["policy_bytes"] = static_cast<double>((*text)->size());
  return true;
}

void SetRates(benchmark::State& state, const std::string& text) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(text.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));  // policies per second
}

// What a program pays to get a usable Policy: parse, validate, compile, digest.
void BM_PolicyLoad(benchmark::State& state, Workload workload) {
  const std::string* text;
  if (!Prepare(state, workload, &text)) return;
  for (auto _ : state) {
    absl::StatusOr<Policy> policy = Policy::Load(*text);
    benchmark::DoNotOptimize(policy);
  }
  SetRates(state, *text);
}

// Parse and validate with locations, without compiling (what `socle policy check` does).
void BM_PolicyValidate(benchmark::State& state, Workload workload) {
  const std::string* text;
  if (!Prepare(state, workload, &text)) return;
  for (auto _ : state) {
    std::vector<Diagnostic> diagnostics = Policy::Validate(*text);
    benchmark::DoNotOptimize(diagnostics);
  }
  SetRates(state, *text);
}

// Physical limit 1: protobuf's text-format parser alone, into a fresh message.
void BM_TextFormatParseOnly(benchmark::State& state, Workload workload) {
  const std::string* text;
  if (!Prepare(state, workload, &text)) return;
  for (auto _ : state) {
    v1::Policy message;
    const bool ok = google::protobuf::TextFormat::ParseFromString(*text, &message);
    if (!ok) {
      state.SkipWithError("protobuf could not parse the policy");
      break;
    }
    benchmark::DoNotOptimize(message);
  }
  SetRates(state, *text);
}

// Physical limit 2: one BLAKE2b-256 pass over the same bytes (the digest's primitive).
void BM_RawBlake2b(benchmark::State& state, Workload workload) {
  const std::string* text;
  if (!Prepare(state, workload, &text)) return;
  if (sodium_init() < 0) {
    state.SkipWithError("libsodium could not be initialised");
    return;
  }
  unsigned char out[crypto_generichash_BYTES];
  for (auto _ : state) {
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(text->data()),
                       text->size(), nullptr, 0);
    benchmark::DoNotOptimize(out);
  }
  SetRates(state, *text);
}

// The habilitation lookup on the generated policy: a batch of pseudo-random (role, action,
// category) triples, drawn once with a fixed seed.
void BM_PolicyAllows(benchmark::State& state) {
  const std::string* text;
  if (!Prepare(state, Workload::kGenerated, &text)) return;
  const absl::StatusOr<Policy> policy = Policy::Load(*text);
  struct Query {
    uint32_t role;
    Action action;
    uint32_t category;
  };
  constexpr size_t kQueries = 4096;
  std::vector<Query> queries;
  queries.reserve(kQueries);
  std::mt19937 random(20260301);
  std::uniform_int_distribution<uint32_t> role(0, static_cast<uint32_t>(policy->role_count()) - 1);
  std::uniform_int_distribution<uint32_t> category(
      0, static_cast<uint32_t>(policy->data_category_count()) - 1);
  std::uniform_int_distribution<int> action(1, kActionCount - 1);
  for (size_t i = 0; i < kQueries; ++i) {
    queries.push_back({role(random), static_cast<Action>(action(random)), category(random)});
  }
  int64_t allowed = 0;
  for (auto _ : state) {
    for (const Query& q : queries) allowed += policy->Allows(q.role, q.action, q.category);
    benchmark::DoNotOptimize(allowed);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kQueries);  // lookups/s
  state.counters["allowed_share"] =
      static_cast<double>(allowed) / (static_cast<double>(state.iterations()) * kQueries);
}

enum class Hostile { kOneList, kManyLists, kOneLine, kDeepNesting, kLargeValid };

// A hostile text of about `bytes` bytes (the example ccas policy followed by the hostile part).
std::string HostilePolicy(Hostile kind, size_t bytes) {
  std::string why;
  std::string t = *Text(Workload::kCcas, &why);
  switch (kind) {
    case Hostile::kOneList:
      t += "habilitations { role: \"ass\" actions: [READ] data_categories: [";
      for (int i = 0; t.size() < bytes; ++i) absl::StrAppend(&t, i ? ", " : "", "\"u", i, "\"");
      t += "] }\n";
      break;
    case Hostile::kManyLists:
      for (int r = 0; t.size() < bytes; ++r) {
        absl::StrAppend(&t, "habilitations { role: \"ass\" actions: [READ] data_categories: [\"x",
                        r, "\", \"y", r, "\"] }\n");
      }
      break;
    case Hostile::kOneLine:
      t += "habilitations { role: \"ass\" actions: [READ] ";
      for (int i = 0; t.size() < bytes; ++i) absl::StrAppend(&t, "data_categories: \"u", i, "\" ");
      t += "}\n";
      break;
    case Hostile::kDeepNesting:
      t += "activities { ";
      while (t.size() < bytes) t += "retention { ";
      break;
    case Hostile::kLargeValid:
      // As many roles and categories as the size allows (about 10 bytes per role × category,
      // within the 1024 × 1024 the policy accepts), every category used by an activity.
      {
        const int n = std::min(1000, static_cast<int>(std::sqrt(static_cast<double>(bytes) / 10)));
        t = GeneratePolicy(n, n);
      }
      break;
  }
  return t;
}

void BM_PolicyValidateHostile(benchmark::State& state, Hostile kind) {
  const std::string text = HostilePolicy(kind, static_cast<size_t>(state.range(0)));
  if (text.size() > kMaxPolicyBytes) {
    state.SkipWithError("the generated policy is above the size cap");
    return;
  }
  size_t count = 0;
  for (auto _ : state) {
    std::vector<Diagnostic> diagnostics = Policy::Validate(text);
    count = diagnostics.size();
    benchmark::DoNotOptimize(diagnostics);
  }
  state.counters["policy_bytes"] = static_cast<double>(text.size());
  state.counters["diagnostics"] = static_cast<double>(count);
  SetRates(state, text);
}

// The physical limit for the same hostile texts: protobuf's text-format parser alone (with the
// location tree socle asks for), which validation cannot beat.
void BM_TextFormatParseHostile(benchmark::State& state, Hostile kind) {
  const std::string text = HostilePolicy(kind, static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    v1::Policy message;
    google::protobuf::TextFormat::ParseInfoTree tree;
    google::protobuf::TextFormat::Parser parser;
    parser.WriteLocationsTo(&tree);
    benchmark::DoNotOptimize(parser.ParseFromString(text, &message));
  }
  SetRates(state, text);
}

constexpr int64_t kSmallHostile = 64 << 10;
constexpr int64_t kNearCap = (16 << 20) - (64 << 10);

BENCHMARK_CAPTURE(BM_PolicyValidateHostile, one_list, Hostile::kOneList)
    ->Arg(kSmallHostile)->Arg(kNearCap)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_PolicyValidateHostile, many_lists, Hostile::kManyLists)
    ->Arg(kSmallHostile)->Arg(kNearCap)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_PolicyValidateHostile, one_line, Hostile::kOneLine)
    ->Arg(kSmallHostile)->Arg(kNearCap)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_PolicyValidateHostile, deep_nesting, Hostile::kDeepNesting)
    ->Arg(kNearCap)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_PolicyValidateHostile, large_valid, Hostile::kLargeValid)
    ->Arg(kSmallHostile)->Arg(kNearCap)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_CAPTURE(BM_TextFormatParseHostile, one_list, Hostile::kOneList)
    ->Arg(kNearCap)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_TextFormatParseHostile, many_lists, Hostile::kManyLists)
    ->Arg(kNearCap)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_TextFormatParseHostile, one_line, Hostile::kOneLine)
    ->Arg(kNearCap)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_CAPTURE(BM_PolicyLoad, ccas, Workload::kCcas)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PolicyLoad, departement, Workload::kDepartement)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PolicyLoad, generated_200x40, Workload::kGenerated)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PolicyValidate, ccas, Workload::kCcas)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PolicyValidate, departement, Workload::kDepartement)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PolicyValidate, generated_200x40, Workload::kGenerated)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_TextFormatParseOnly, ccas, Workload::kCcas)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_TextFormatParseOnly, departement, Workload::kDepartement)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_TextFormatParseOnly, generated_200x40, Workload::kGenerated)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_RawBlake2b, ccas, Workload::kCcas)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_RawBlake2b, departement, Workload::kDepartement)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_RawBlake2b, generated_200x40, Workload::kGenerated)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PolicyAllows);

}  // namespace
}  // namespace socle

BENCHMARK_MAIN();
