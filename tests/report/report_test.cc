// The person's own report (socle/person_report.hpp): every section's facts, French dates and
// durations, empty sections, withheld entries, appreciations, the history's flags, hostile
// strings in every field kind, and bad input.
#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "export/person_report.h"
#include "report/fixture.h"
#include "socle/access.hpp"
#include "socle/error.hpp"
#include "socle/person_report.hpp"

namespace socle::report_test {
namespace {

using export_internal::PersonReportBuilder;

std::string Render(const std::vector<v1::AccessRequestRecord>& records,
                   const PersonReportOptions& options = {}) {
  auto html = RenderPersonReport(Serialise(records), options);
  BOOST_REQUIRE(html.ok());
  return *html;
}

// The text a reader sees: tags removed, the character references the builder writes decoded
// (one pass, so "&amp;amp;" reads "&amp;").
std::string VisibleText(const std::string& html) {
  std::string out;
  out.reserve(html.size());
  bool in_tag = false;
  for (size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (in_tag) {
      if (c == '>') in_tag = false;
      continue;
    }
    if (c == '<') {
      in_tag = true;
      continue;
    }
    if (c == '&') {
      static const std::pair<const char*, char> kRefs[] = {
          {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
      bool decoded = false;
      for (const auto& [ref, ch] : kRefs) {
        if (html.compare(i, std::char_traits<char>::length(ref), ref) == 0) {
          out.push_back(ch);
          i += std::char_traits<char>::length(ref) - 1;
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out.push_back(c);
  }
  return out;
}

bool Has(const std::string& text, const std::string& fact) {
  return text.find(fact) != std::string::npos;
}

#define CHECK_FACT(text, fact) BOOST_CHECK_MESSAGE(Has(text, fact), "missing: " << (fact))

BOOST_AUTO_TEST_SUITE(person_report)

BOOST_AUTO_TEST_CASE(a_self_contained_page_for_a_phone_and_a_printer) {
  const std::string html = Render(FixtureRecords());
  BOOST_TEST(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_FACT(html, "<html lang=\"fr\">");
  CHECK_FACT(html, "<meta charset=\"utf-8\">");
  CHECK_FACT(html, "name=\"viewport\" content=\"width=device-width, initial-scale=1\"");
  CHECK_FACT(html, "Content-Security-Policy\" content=\"default-src 'none'");
  CHECK_FACT(html, "@media print");
  CHECK_FACT(html, "font-size:1rem");
  // Nothing runs and nothing is fetched.
  BOOST_TEST(!Has(html, "<script"));
  BOOST_TEST(!Has(html, "src="));
  BOOST_TEST(!Has(html, "http://"));
  BOOST_TEST(!Has(html, "https://"));
  BOOST_TEST(!Has(html, "<link"));
  BOOST_TEST(!Has(html, "url("));
  BOOST_TEST(!Has(html, "@import"));
}

BOOST_AUTO_TEST_CASE(who_the_person_is) {
  const std::string text = VisibleText(Render(FixtureRecords()));
  CHECK_FACT(text, "Vos données : Camille Andrée Lambert");
  CHECK_FACT(text, "Réponse à votre demande d’accès à vos données (article 15 du RGPD)");
  CHECK_FACT(text, "Établi le 3 décembre 2026 à 14 h 05.");
  CHECK_FACT(text, "Les heures sont données à l’heure de Paris.");
  CHECK_FACT(text, "Date de naissance1er mars 1984");
  CHECK_FACT(text, "Lieu de naissanceBordeaux");
  CHECK_FACT(text, "Adresse12 rue des Lilas");
  CHECK_FACT(text, "Code postal33000");
  CHECK_FACT(text, "CommuneVilleneuve");
  CHECK_FACT(text, "Téléphone01 99 00 12 34");
  CHECK_FACT(text, "Courrielcamille.lambert@example.org");
  CHECK_FACT(text, "Numéro de votre dossierP-1042");
  CHECK_FACT(text, "Votre référent(e)Sophie Durand");
  CHECK_FACT(text, "Équipes qui suivent votre dossierequipe-rsa");
  // In short.
  CHECK_FACT(text,
             "2 éléments vous concernant sont dans votre dossier ; 1 autre ne vous est pas "
             "montré parce qu’il concerne d’autres personnes.");
  CHECK_FACT(text, "1 partage de votre dossier.");
  CHECK_FACT(text, "6 accès enregistrés dans le journal, dont 1 refusé et 1 en urgence");
}

BOOST_AUTO_TEST_CASE(what_is_kept_why_and_for_how_long) {
  const std::string text = VisibleText(Render(FixtureRecords()));
  CHECK_FACT(text, "Accompagnement social des bénéficiaires du RSA");
  CHECK_FACT(text, "À quoi cela sertVous aider dans vos démarches d’insertion");
  CHECK_FACT(text, "une mission d’intérêt public (article 6.1.e du RGPD) ; texte : CASF L.262-27");
  CHECK_FACT(text, "CAF de la Gironde (partenaire) — texte : CASF L.262-40");
  CHECK_FACT(text,
             "Ressources et prestations : gardées 2 ans après votre dernier contact avec nous (ou "
             "celui de votre représentant), puis 5 ans en archive intermédiaire (accès très "
             "restreint), puis elles sont supprimées. (Référence : CNIL délib. 2023-095.)");
  CHECK_FACT(text,
             "Santé : gardées 2 ans et 6 mois après la clôture de votre dossier, puis elles "
             "sont rendues anonymes.");
}

BOOST_AUTO_TEST_CASE(entries_grouped_by_category_with_appreciations_signed_and_dated) {
  const std::string text = VisibleText(Render(FixtureRecords()));
  // Categories by label: Logement before Ressources et prestations.
  const size_t logement = text.find("Logement", text.find("Les éléments sont regroupés"));
  const size_t ressources = text.find("Ressources et prestations", logement);
  BOOST_TEST(logement != std::string::npos);
  BOOST_TEST(ressources != std::string::npos);
  CHECK_FACT(text, "Bilan logement");
  CHECK_FACT(text, "Appréciation professionnelle de Sophie Durand, le 14 juillet 2026 à 12 h 00");
  CHECK_FACT(text, "Situation stabilisée depuis le relogement.");
  CHECK_FACT(text, "Ouverture du droit au RSA");
  CHECK_FACT(text, "Fait — enregistré le 15 mars 2026 à 10 h 00 par Sophie Durand");
  CHECK_FACT(text, "Pour : Accompagnement social des bénéficiaires du RSA");
  CHECK_FACT(text, "Information que vous nous avez donnée.");
  CHECK_FACT(text, "Droit ouvert en mars.\nPremier versement en avril.");
  CHECK_FACT(text, "Montant mensuel607,75 €");
  // The withheld entry is marked in its place, in its category.
  CHECK_FACT(text,
             "Élément non communiqué (enregistré le 1er juin 2026) — retenue : information "
             "concernant un tiers.");
  BOOST_TEST(text.find("retenue : information concernant un tiers") < ressources);
  // A working note is never shown, even when a vendor sends one.
  BOOST_TEST(!Has(text, "NOTE-DE-TRAVAIL"));
  BOOST_TEST(!Has(text, "Brouillon personnel"));
}

BOOST_AUTO_TEST_CASE(shares_consents_objections_representatives_mandates) {
  const std::string text = VisibleText(Render(FixtureRecords()));
  CHECK_FACT(text, "4 mai 2026 à 10 h 30");
  CHECK_FACT(text, "Marc Bernard (CAF de la Gironde)");
  CHECK_FACT(text,
             "partage hors de l’équipe, avec votre consentement (article L.1110-4 III du "
             "code de la santé publique)");
  CHECK_FACT(text, "Historique des décisions de partage");
  CHECK_FACT(text, "partage accordé");
  CHECK_FACT(text,
             "consentement au partage hors de l’équipe, donné le 10 février 2026 à 10 h 30 "
             "sur un formulaire signé par P-1042 — en vigueur.");
  CHECK_FACT(text, "retiré depuis le 5 janvier 2026 à 16 h 45 (retiré par P-1042).");
  CHECK_FACT(text, "Vous pouvez retirer un consentement à tout moment");
  CHECK_FACT(text,
             "Opposition à l’utilisation de vos données pour : statistiques, enregistrée "
             "le 2 avril 2026 à 14 h 00 — acceptée : le traitement s’arrête pour vous "
             "(décision du 20 avril 2026). Motif : Situation particulière reconnue.");
  CHECK_FACT(text, "(article 21 du RGPD)");
  CHECK_FACT(text, "Jeanne Moreau — curatelle, depuis le 15 janvier 2025 (en cours).");
  CHECK_FACT(text,
             "France Services Villeneuve, créé par Paul Lefebvre le 2 mai 2026, jusqu’au 2 "
             "mai 2027 — en cours. Démarches : Logement (en cours, utilisé 3 fois).");
  CHECK_FACT(text, "votre référent(e)");
}

BOOST_AUTO_TEST_CASE(who_opened_the_file_when_and_why) {
  const std::string html = Render(FixtureRecords());
  const std::string text = VisibleText(html);
  CHECK_FACT(text,
             "1er avril 2026 à 9 h 30Sophie DurandAssistant(e) de service socialCCAS de "
             "VilleneuveConsultation — Ressources et prestationsPour : Accompagnement "
             "social des bénéficiaires du RSA");
  CHECK_FACT(text,
             "1er avril 2026 à 9 h 31pro-inconnuMédecinCentre médico-socialConsultation — "
             "SantéRefusé : ce professionnel ne suit pas votre dossier");
  CHECK_FACT(text, "Bris de glace (accès d’urgence) : Personne retrouvée inconsciente");
  CHECK_FACT(text, "Partage vers Marc Bernard (CAF de la Gironde)");
  CHECK_FACT(text, "Export de votre dossier");
  CHECK_FACT(text, "Réponse à la demande d’accès");
  CHECK_FACT(text, "Détail illisible : les données de cette ligne ont été effacées.");
  CHECK_FACT(text, "point de contrôle de 42 entrées");
  CHECK_FACT(html, "<tr class=\"refused\"><td data-label=\"Date\">1er avril 2026 à 9 h 31");
  CHECK_FACT(html, "<tr class=\"urgent\"><td data-label=\"Date\">1er avril 2026 à 9 h 32");
}

BOOST_AUTO_TEST_CASE(how_to_complain_and_whom_to_contact) {
  const std::string text = VisibleText(Render(FixtureRecords()));
  CHECK_FACT(text, "Responsable du traitementCCAS de Villeneuve");
  CHECK_FACT(text, "Adresse1 place de la Mairie, 33000 Villeneuve");
  CHECK_FACT(text, "Délégué(e) à la protection des donnéesClaire Martin");
  CHECK_FACT(text, "Pour le joindredpo@ccas-villeneuve.example");
  CHECK_FACT(text, "Commission nationale de l’informatique et des libertés (CNIL)");
  CHECK_FACT(text, "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07");
}

BOOST_AUTO_TEST_CASE(empty_sections_say_so) {
  auto html = RenderPersonReport({});
  BOOST_REQUIRE(html.ok());
  const std::string text = VisibleText(*html);
  for (const char* sentence : {
           "Aucune donnée d’identité enregistrée.",
           "Aucune finalité enregistrée.",
           "Aucune durée de conservation enregistrée.",
           "Aucun élément enregistré dans votre dossier.",
           "Aucun partage enregistré.",
           "Aucun consentement enregistré.",
           "Aucune opposition enregistrée.",
           "Aucun représentant légal enregistré.",
           "Aucun mandat enregistré.",
           "Aucun professionnel n’a accès à votre dossier aujourd’hui.",
           "Aucune consultation enregistrée.",
           "Les coordonnées du délégué à la protection des données ne figurent pas dans ce "
           "document",
       }) {
    CHECK_FACT(text, sentence);
  }
  BOOST_TEST(!Has(text, "Historique des décisions de partage"));
  BOOST_TEST(!Has(text, "Preuve :"));
}

BOOST_AUTO_TEST_CASE(hostile_strings_render_as_text_in_every_field_kind) {
  const std::string html = Render(FixtureRecords(/*hostile=*/true));
  // No markup of the records' reaches the page.
  BOOST_TEST(!Has(html, "<script"));
  BOOST_TEST(!Has(html, "<img"));
  BOOST_TEST(!Has(html, "onerror=alert(1)>"));
  size_t style_ends = 0;
  for (size_t at = html.find("</style>"); at != std::string::npos;
       at = html.find("</style>", at + 1)) {
    ++style_ends;
  }
  BOOST_TEST(style_ends == 1u);  // ours
  // And each field reads exactly as the records hold it.
  const std::string text = VisibleText(html);
  for (const char* field : {
           "CCAS de Villeneuve",                      // controller: in <title> too
           "1 place de la Mairie, 33000 Villeneuve",  // controller address
           "accueil@ccas-villeneuve.example",         // controller contact
           "Claire Martin",                           // DPO
           "dpo@ccas-villeneuve.example",
           "Ressources et prestations",       // category label
           "Assistant(e) de service social",  // role label
           "Sophie Durand",                   // a professional's name
           "Jeanne Moreau",                   // a representative's name
           "Lambert",
           "Camille Andrée",
           "Bordeaux",
           "12 rue des Lilas",
           "33000",
           "Villeneuve",
           "01 99 00 12 34",
           "camille.lambert@example.org",                     // identity
           "Accompagnement social des bénéficiaires du RSA",  // activity name
           "Vous aider dans vos démarches d’insertion",       // purpose
           "CASF L.262-27",
           "CAF de la Gironde",
           "CASF L.262-40",
           "CNIL délib. 2023-095",
           "Ouverture du droit au RSA",
           "Premier versement en avril.",  // entry title, text
           "Montant mensuel",
           "607,75 €",  // entry field
           "equipe-rsa",
           "ateliers_collectifs",
           "statistiques",  // summary ids
           "Situation particulière reconnue",
           "France Services Villeneuve",
           "Logement",
           "pro-inconnu",
           "Centre médico-social",
           "SAMU social",  // history
           "Personne retrouvée inconsciente",
           "export",
           "Réponse à la demande d’accès",
           "socle-trail+1a2b3c4d+AXyz",  // checkpoint
       }) {
    CHECK_FACT(text, std::string(field) + kHostile);
  }
}

BOOST_AUTO_TEST_CASE(an_unknown_withheld_reason_is_shown_as_text) {
  auto records = FixtureRecords();
  for (auto& r : records) {
    if (r.has_withheld()) r.mutable_withheld()->set_reason(std::string("secret<b>") + kHostile);
  }
  const std::string html = Render(records);
  BOOST_TEST(!Has(html, "<b>"));
  CHECK_FACT(VisibleText(html), std::string("retenue : secret<b>") + kHostile);
}

BOOST_AUTO_TEST_CASE(dates_in_french_in_the_chosen_zone) {
  PersonReportOptions utc;
  utc.time_zone = "UTC";
  std::string text = VisibleText(Render(FixtureRecords(), utc));
  CHECK_FACT(text, "Établi le 3 décembre 2026 à 13 h 05.");
  CHECK_FACT(text, "Les heures sont données en temps universel (UTC).");
  PersonReportOptions bogus;
  bogus.time_zone = "Nulle/Part";
  text = VisibleText(Render(FixtureRecords(), bogus));
  CHECK_FACT(text, "Établi le 3 décembre 2026 à 13 h 05.");
  CHECK_FACT(text, "le fuseau demandé n’a pas pu être chargé");
  // Out-of-range times do not crash and say so.
  auto records = FixtureRecords();
  records[0].mutable_context()->mutable_issued_at()->set_seconds(INT64_MAX);
  CHECK_FACT(VisibleText(Render(records)), "Établi le date invalide.");
}

BOOST_AUTO_TEST_CASE(durations_and_reasons_in_words) {
  BOOST_TEST(export_internal::MonthsInFrench(24) == "2 ans");
  BOOST_TEST(export_internal::MonthsInFrench(30) == "2 ans et 6 mois");
  BOOST_TEST(export_internal::MonthsInFrench(12) == "1 an");
  BOOST_TEST(export_internal::MonthsInFrench(13) == "1 an et 1 mois");
  BOOST_TEST(export_internal::MonthsInFrench(6) == "6 mois");
  BOOST_TEST(export_internal::MonthsInFrench(0) == "0 mois");
  // Every reason the engine can give has its French words.
  for (int32_t value = 1; value < 64; ++value) {
    const absl::string_view name = Name(static_cast<Reason>(value));
    if (name == "unspecified") continue;
    BOOST_CHECK_MESSAGE(!export_internal::ReasonInFrench(name).empty(), "no words for " << name);
  }
}

BOOST_AUTO_TEST_CASE(bad_records_are_refused_without_their_content) {
  PersonReportBuilder builder;
  absl::Status status = builder.Add(absl::string_view("\xff\xff\xff\xff garbage"));
  BOOST_TEST((ErrorCodeOf(status) == ErrorCode::kParse));
  status = builder.Add(absl::string_view(""));  // parses, holds no record
  BOOST_TEST((ErrorCodeOf(status) == ErrorCode::kParse));
  v1::AccessRequestRecord identity;
  identity.mutable_identity()->set_family_name("Lambert-Secret");
  BOOST_TEST(builder.Add(identity.SerializeAsString()).ok());
  status = builder.Add(identity.SerializeAsString());
  BOOST_TEST((ErrorCodeOf(status) == ErrorCode::kInvalidArgument));
  BOOST_TEST(!Has(std::string(status.message()), "Lambert"));
  // The refused records changed nothing: the page holds the one identity.
  const std::string text = VisibleText(builder.Finish());
  CHECK_FACT(text, "NomLambert-Secret");
  // Decoded records (a reader's) go in the same way.
  BOOST_TEST((ErrorCodeOf(builder.Add(std::unique_ptr<v1::AccessRequestRecord>())) ==
              ErrorCode::kInvalidArgument));
  auto entry = std::make_unique<v1::AccessRequestRecord>();
  entry->mutable_entry()->set_title("Titre décodé");
  BOOST_TEST(builder.Add(std::move(entry)).ok());
  CHECK_FACT(VisibleText(builder.Finish()), "Titre décodé");
  BOOST_TEST((ErrorCodeOf(builder.Add(std::make_unique<v1::AccessRequestRecord>(identity))) ==
              ErrorCode::kInvalidArgument));
  // The public function reports the first bad record.
  auto html = RenderPersonReport({identity.SerializeAsString(), std::string("\x0a\xff", 2)});
  BOOST_TEST((ErrorCodeOf(html.status()) == ErrorCode::kParse));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle::report_test
