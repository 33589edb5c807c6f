// The person's own report (socle/person_report.hpp, issue 12): an access request for a person
// with 5,000 entries (30 % appreciations, about 500 bytes of text each, 2 fields, 12 categories),
// 100 withheld entries, 10,000 history records (200 professionals, 5 % refused, 1 % break the
// glass, 1 % sharing decisions), a summary (20 consents, 40 shares, 5 objections, 3 mandates, 60
// access holders), 4 activities and a context with every label.
// Measured:
//   - BM_PersonReport: RenderPersonReport on the serialised records (parse every record, then
//     render the page): the target is 50 ms;
//   - BM_PersonReport_RenderOnly: PersonReportBuilder::Finish alone, on records already parsed
//     (the page's own work: sorting, labels, dates, escaping), to split the cost;
//   - beside them, in the same run, the raw limits over the same record strings the page shows:
//     BM_Raw_Parse (ParseFromString of every record), BM_Raw_Concatenate (appending every string
//     to one reserved buffer: memcpy speed) and BM_Raw_Escape (html::AppendEscaped of the same
//     strings: the escaping the page cannot skip).
//
// Run from a release build (see README.md in this folder):
//   build/rel/benchmarks/person_report_benchmark --benchmark_repetitions=5
//       (add --benchmark_report_aggregates_only=true)
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "export/html.h"
#include "export/person_report.h"
#include "socle/person_report.hpp"
#include "socle/v1/export.pb.h"

namespace socle {
namespace {

constexpr int kEntries = 5000;
constexpr int kWithheld = 100;
constexpr int kHistory = 10000;
constexpr int kProfessionals = 200;
constexpr int kCategories = 12;

google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

// A deterministic paragraph of French social-work prose, about `bytes` long, varied by `seed`.
std::string Prose(uint32_t seed, size_t bytes) {
  static const char* kWords[] = {
      "Madame",   "rencontrée", "au",          "CCAS",        "pour",        "un",
      "point",    "sur",        "sa",          "situation",   "financière",  "et",
      "le",       "logement",   "—",           "démarches",   "engagées",    "auprès",
      "de",       "la",         "CAF",         "dossier",     "complété",    "l’échéancier",
      "prévu",    "à",          "partir",      "du",          "mois",        "prochain.",
      "Elle",     "souhaite",   "être",        "accompagnée", "dans",        "recherche",
      "d’emploi", "(entretien", "prévu).",     "Enfants",     "scolarisés",  "santé",
      "stable",   "aide",       "alimentaire", "accordée",    "&",           "suivi",
      "renforcé", "«",          "urgence",     "»",           "éventuelle.", "Relogement"};
  constexpr uint32_t kCount = sizeof(kWords) / sizeof(kWords[0]);
  std::string out;
  out.reserve(bytes + 16);
  uint32_t x = seed * 2654435761u + 1;
  while (out.size() < bytes) {
    x = x * 1664525u + 1013904223u;
    if (!out.empty()) out.push_back((x >> 28) == 0 ? '\n' : ' ');
    out.append(kWords[(x >> 8) % kCount]);
  }
  return out;
}

std::string Category(int i) { return absl::StrCat("categorie_", i % kCategories); }
std::string Professional(int i) { return absl::StrCat("pro-", i % kProfessionals); }

struct Workload {
  std::vector<v1::AccessRequestRecord> records;
  std::vector<std::string> serialised;
  std::vector<std::string> strings;  // every record string the page shows
  size_t string_bytes = 0;
  size_t html_bytes = 0;

  Workload() {
    const int64_t t0 = absl::ToUnixSeconds(
        absl::FromCivil(absl::CivilSecond(2024, 1, 8, 9, 0, 0), absl::UTCTimeZone()));
    {
      v1::ReportContext& c = *records.emplace_back().mutable_context();
      c.mutable_controller()->set_name("CCAS de Villeneuve");
      c.mutable_controller()->set_address("1 place de la Mairie, 33000 Villeneuve");
      c.mutable_dpo()->set_name("Claire Martin");
      c.mutable_dpo()->set_contact("dpo@ccas-villeneuve.example");
      *c.mutable_issued_at() = At(t0 + 3 * 365 * 86400);
      for (int i = 0; i < kCategories; ++i) {
        v1::DataCategory& d = *c.add_categories();
        d.set_id(Category(i));
        d.set_label(absl::StrCat("Catégorie d’informations n° ", i));
      }
      for (int i = 0; i < 8; ++i) {
        v1::ReportContext::Label& r = *c.add_roles();
        r.set_id(absl::StrCat("role_", i));
        r.set_label(absl::StrCat("Fonction professionnelle ", i));
      }
      for (int i = 0; i < kProfessionals; ++i) {
        v1::ReportContext::Label& n = *c.add_names();
        n.set_id(Professional(i));
        n.set_label(absl::StrCat("Prénom Nom-", i));
      }
      c.set_time_zone("Europe/Paris");
    }
    {
      v1::Identity& id = *records.emplace_back().mutable_identity();
      id.set_person("P-1042");
      id.set_family_name("Lambert");
      id.set_given_names("Camille Andrée");
      id.set_birth_date("1984-03-01");
      id.set_address("12 rue des Lilas");
      id.set_postcode("33000");
      id.set_commune("Villeneuve");
    }
    for (int a = 0; a < 4; ++a) {
      v1::ActivityNotice& n = *records.emplace_back().mutable_activity();
      n.set_activity(absl::StrCat("activite_", a));
      n.set_name(absl::StrCat("Accompagnement social n° ", a));
      n.set_purpose(Prose(a, 160));
      n.set_legal_basis(v1::PUBLIC_TASK);
      n.set_legal_basis_reference("CASF L.123-5");
      for (int r = 0; r < 3; ++r) {
        v1::Recipient& rec = *n.add_recipients();
        rec.set_name(absl::StrCat("Partenaire ", r));
        rec.set_kind(v1::Recipient::PARTNER);
        rec.set_legal_basis("CASF L.262-40");
      }
      for (int c = 0; c < kCategories; ++c) {
        v1::RetentionRule& k = *n.add_retention();
        k.set_data_category(Category(c));
        k.set_start(v1::RetentionRule::LAST_CONTACT_FROM_PERSON);
        k.set_active_months(24 + c);
        k.set_intermediate_months(60);
        k.set_end_action(v1::RetentionRule::DELETE);
        k.set_source("CNIL délib. 2023-095");
      }
    }
    for (int i = 0; i < kEntries; ++i) {
      v1::Entry& e = *records.emplace_back().mutable_entry();
      e.set_id(absl::StrCat("E-", i));
      e.set_person("P-1042");
      e.set_category(Category(i * 7));
      e.set_kind(i % 10 < 3 ? v1::PROFESSIONAL_APPRECIATION : v1::FACT);
      e.set_author(Professional(i * 13));
      *e.mutable_created_at() = At(t0 + int64_t{i} * 17000);
      e.set_purpose(absl::StrCat("activite_", i % 4));
      e.set_title(Prose(i + 100000, 40));
      e.set_text(Prose(i, 480));
      for (int f = 0; f < 2; ++f) {
        v1::Entry::Field& field = *e.add_fields();
        field.set_name(absl::StrCat("Champ ", f));
        field.set_value(absl::StrCat(i * 3 + f, ",00 €"));
      }
    }
    for (int i = 0; i < kWithheld; ++i) {
      v1::WithheldEntry& w = *records.emplace_back().mutable_withheld();
      w.set_id(absl::StrCat("W-", i));
      w.set_category(Category(i));
      *w.mutable_created_at() = At(t0 + int64_t{i} * 800000);
      w.set_reason("third_party_information");
    }
    {
      v1::PersonSummary& s = *records.emplace_back().mutable_summary();
      s.set_person("P-1042");
      s.set_referent(Professional(1));
      s.add_teams("equipe-rsa");
      for (int i = 0; i < 20; ++i) {
        v1::PersonSummary::Consent& c = *s.add_consents();
        c.set_purpose(absl::StrCat("activite_", i % 4));
        c.set_scope(v1::ConsentGiven::SHARING);
        c.add_given_by("P-1042");
        c.set_channel(v1::PAPER);
        *c.mutable_given_at() = At(t0 + int64_t{i} * 86400 * 30);
        c.set_state(i % 3 == 0 ? v1::PersonSummary::Consent::WITHDRAWN
                               : v1::PersonSummary::Consent::VALID);
        if (i % 3 == 0) *c.mutable_ended_at() = At(t0 + int64_t{i} * 86400 * 31);
      }
      for (int i = 0; i < 5; ++i) {
        v1::PersonSummary::Objection& o = *s.add_objections();
        o.set_kind(v1::ObjectionRecorded::PROCESSING);
        o.set_purpose("activite_3");
        *o.mutable_recorded_at() = At(t0 + int64_t{i} * 86400 * 60);
        o.set_outcome(v1::PersonSummary::Objection::UPHELD);
        o.set_justification(Prose(i, 80));
      }
      for (int i = 0; i < 3; ++i) {
        v1::PersonSummary::Mandate& m = *s.add_mandates();
        m.set_structure("France Services Villeneuve");
        m.set_aidant(Professional(i));
        *m.mutable_created_at() = At(t0 + int64_t{i} * 86400 * 90);
        m.set_state(v1::PersonSummary::Mandate::ACTIVE);
        m.add_procedures()->set_procedure("Logement");
      }
      for (int i = 0; i < 40; ++i) {
        v1::PersonSummary::Share& sh = *s.add_shares();
        sh.set_emitter(Professional(i));
        sh.set_recipient(Professional(i + 50));
        sh.set_basis(v1::CSP_L1110_4_III_CONSENT);
        sh.set_purpose("activite_0");
        sh.add_categories(Category(i));
        *sh.mutable_at() = At(t0 + int64_t{i} * 86400 * 20);
        sh.set_active(i % 2 == 0);
      }
      for (int i = 0; i < 60; ++i) {
        v1::PersonSummary::AccessHolder& a = *s.add_access();
        a.set_professional(Professional(i));
        a.set_role(absl::StrCat("role_", i % 8));
        a.set_structure("CCAS de Villeneuve");
        a.set_basis(v1::PersonSummary::AccessHolder::TEAM);
      }
    }
    for (int i = 0; i < kHistory; ++i) {
      v1::HistoryRecord& h = *records.emplace_back().mutable_history();
      h.set_index(static_cast<uint64_t>(i) * 37);
      *h.mutable_time() = At(t0 + int64_t{i} * 9000);
      h.set_readable(true);
      h.set_actor(Professional(i * 7));
      h.set_role(absl::StrCat("role_", i % 8));
      h.set_structure(i % 2 ? "CCAS de Villeneuve" : "Centre médico-social de Villeneuve");
      h.set_action(1 + i % 5);
      h.set_category(Category(i));
      h.set_purpose(absl::StrCat("activite_", i % 4));
      if (i % 100 == 7) {
        h.set_type(5);
        h.set_sharing_recipient(Professional(i + 3));
        h.set_sharing_basis("CSP_L1110_4_III_CONSENT");
        h.set_allowed(true);
      } else {
        h.set_type(1);
        h.set_allowed(i % 20 != 3);
        h.set_reason(i % 20 == 3 ? "not_assigned" : "allowed");
      }
      if (i % 100 == 50) {
        h.set_break_glass(true);
        h.set_justification("Personne hospitalisée en urgence");
      }
      for (int p = 0; p < 14; ++p) h.add_proof_hashes(std::string(32, static_cast<char>(p)));
      h.set_leaf_hash(std::string(32, 'x'));
    }
    {
      v1::CheckpointRecord& c = *records.emplace_back().mutable_checkpoint();
      c.set_size(370000);
      c.set_verifier_key("socle-trail+1a2b3c4d+AXyz");
    }
    for (const v1::AccessRequestRecord& r : records) serialised.push_back(r.SerializeAsString());
    // The record strings the page shows (a lower bound of what it must copy and escape).
    const auto keep = [&](const std::string& s) {
      if (!s.empty()) strings.push_back(s);
    };
    for (const v1::AccessRequestRecord& r : records) {
      if (r.has_entry()) {
        keep(r.entry().title());
        keep(r.entry().text());
        keep(r.entry().author());
        for (const auto& f : r.entry().fields()) {
          keep(f.name());
          keep(f.value());
        }
      } else if (r.has_history()) {
        keep(r.history().actor());
        keep(r.history().role());
        keep(r.history().structure());
        keep(r.history().purpose());
        keep(r.history().justification());
      }
    }
    for (const std::string& s : strings) string_bytes += s.size();
    html_bytes = RenderPersonReport(serialised)->size();
  }
};

const Workload& TheWorkload() {
  static const Workload* workload = new Workload();
  return *workload;
}

void Counters(benchmark::State& state, size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["records"] = static_cast<double>(TheWorkload().serialised.size());
}

void BM_PersonReport(benchmark::State& state) {
  const Workload& w = TheWorkload();
  for (auto _ : state) {
    absl::StatusOr<std::string> html = RenderPersonReport(w.serialised);
    if (!html.ok()) {
      state.SkipWithError("RenderPersonReport failed");
      return;
    }
    benchmark::DoNotOptimize(html->data());
  }
  Counters(state, w.html_bytes);
  state.counters["html_MB"] = static_cast<double>(w.html_bytes) / 1e6;
}
BENCHMARK(BM_PersonReport)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_PersonReport_RenderOnly(benchmark::State& state) {
  const Workload& w = TheWorkload();
  export_internal::PersonReportBuilder builder;
  for (const std::string& record : w.serialised) {
    if (!builder.Add(record).ok()) {
      state.SkipWithError("Add failed");
      return;
    }
  }
  for (auto _ : state) {
    std::string html = builder.Finish();
    benchmark::DoNotOptimize(html.data());
  }
  Counters(state, w.html_bytes);
}
BENCHMARK(BM_PersonReport_RenderOnly)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_Raw_Parse(benchmark::State& state) {
  const Workload& w = TheWorkload();
  size_t bytes = 0;
  for (const std::string& s : w.serialised) bytes += s.size();
  for (auto _ : state) {
    for (const std::string& s : w.serialised) {
      v1::AccessRequestRecord r;
      benchmark::DoNotOptimize(r.ParseFromString(s));
    }
  }
  Counters(state, bytes);
}
BENCHMARK(BM_Raw_Parse)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_Raw_Concatenate(benchmark::State& state) {
  const Workload& w = TheWorkload();
  for (auto _ : state) {
    std::string out;
    out.reserve(w.string_bytes);
    for (const std::string& s : w.strings) out.append(s);
    benchmark::DoNotOptimize(out.data());
  }
  Counters(state, w.string_bytes);
}
BENCHMARK(BM_Raw_Concatenate)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void BM_Raw_Escape(benchmark::State& state) {
  const Workload& w = TheWorkload();
  for (auto _ : state) {
    std::string out;
    out.reserve(w.string_bytes + w.string_bytes / 8);
    for (const std::string& s : w.strings) html::AppendEscaped(out, s);
    benchmark::DoNotOptimize(out.data());
  }
  Counters(state, w.string_bytes);
}
BENCHMARK(BM_Raw_Escape)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
}  // namespace socle

BENCHMARK_MAIN();
