#include "policy/register.h"

#include <array>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/substitute.h"
#include "core/json_writer.h"
#include "google/protobuf/util/json_util.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"
#include "socle/vocabulary.hpp"

namespace socle::policy_internal {
namespace {

using core::Json;

// ---- The texts of each language ---------------------------------------------------------------
//
// Every word socle writes in a register comes from one of these two tables; the code below never
// holds a sentence, so both languages are rendered by the same lines. `$0`, `$1`… are
// absl::Substitute's placeholders. The French headings are those of the CNIL's model register
// ("modèle de registre de base", https://www.cnil.fr/sites/default/files/atoms/files/
// registre_rgpd_basique.pdf, and the page "Le registre des activités de traitement"): the
// identification block of the organisation and of its DPO, then one "fiche de registre" per
// activity with its purposes, categories of persons and of data, sensitive data, recipients,
// transfers outside the EU, retention periods and security measures; socle adds the legal basis
// (art. 6, 9 and 10), which the CNIL recommends recording beside the purpose.
struct RegisterTexts {
  absl::string_view code;  // BCP 47: the register's `language` and JSON-LD's @language
  absl::string_view list_separator;
  absl::string_view label_value;  // "$0: $1"

  // The Markdown document.
  absl::string_view title;
  absl::string_view preamble;  // $0 policy id, $1 revision part, $2 digest
  absl::string_view revision;  // $0 revision
  absl::string_view controller_section;
  absl::string_view controller;
  absl::string_view address;
  absl::string_view contact;
  absl::string_view representative;
  absl::string_view dpo;
  absl::string_view activity_heading;  // $0 name
  absl::string_view table_head;
  absl::string_view row_controller;
  absl::string_view dpo_inline;  // "; DPO: $0"
  absl::string_view row_purpose;
  absl::string_view row_legal_basis;
  absl::string_view special_categories;  // $0 conditions
  absl::string_view offence_data;        // $0 authorisation
  absl::string_view row_persons;
  absl::string_view row_data;
  absl::string_view row_sensitive;
  absl::string_view no_sensitive;
  absl::string_view row_recipients;
  absl::string_view row_pseudonymised;
  absl::string_view row_transfers;
  absl::string_view no_transfer;
  absl::string_view row_retention;
  absl::string_view row_security;
  absl::string_view no_security;
  absl::string_view row_sdc;
  absl::string_view row_dpia;

  // The "what changed" section of a register rendered with a previous policy.
  absl::string_view changes_section;
  absl::string_view changes_previous;  // $0 policy id, $1 revision part, $2 digest prefix
  absl::string_view changes_count;     // $0 cases compared, $1 cases whose decision changed
  absl::string_view changes_none;
  absl::string_view changes_scope;

  // Generated sentences.
  absl::string_view (*legal_basis)(LegalBasis);
  absl::string_view (*condition)(SpecialCategoryCondition);
  std::array<absl::string_view, 5> sensitivity;      // by DataSensitivity
  std::array<absl::string_view, 5> recipient_kind;   // by v1::Recipient::Kind
  std::array<absl::string_view, 7> retention_start;  // by v1::RetentionRule::Start
  std::array<absl::string_view, 4> retention_end;    // by v1::RetentionRule::EndAction
  absl::string_view month, months, year, years;
  std::string (*ordinal)(uint32_t);
  absl::string_view retention_active;        // $0 duration, $1 start
  absl::string_view retention_intermediate;  // $0 duration
  absl::string_view retention_then;          // $0 end action
  absl::string_view retention_hard_stop;     // $0 ordinal age
  absl::string_view sdc_tables;              // $0 k, $1 dominance percent
  absl::string_view sdc_budget;              // $0 dataset, $1 ε, $2 δ
  absl::string_view pseudonymised;  // $0 recipient, $1 profile, $2 purpose, $3 domain, $4 linkage
  absl::string_view pseudonyms_linked;
  absl::string_view pseudonyms_fresh;

  // The JSON-LD document.
  absl::string_view jsonld_title;    // $0 controller
  absl::string_view jsonld_offence;  // the art. 10 authorisation's label
};

absl::string_view FrenchLegalBasis(LegalBasis value) {
  switch (value) {
    case LegalBasis::kConsent:
      return "RGPD art. 6(1)(a) consentement";
    case LegalBasis::kContract:
      return "RGPD art. 6(1)(b) exécution d'un contrat";
    case LegalBasis::kLegalObligation:
      return "RGPD art. 6(1)(c) obligation légale";
    case LegalBasis::kVitalInterests:
      return "RGPD art. 6(1)(d) sauvegarde des intérêts vitaux";
    case LegalBasis::kPublicTask:
      return "RGPD art. 6(1)(e) mission d'intérêt public";
    case LegalBasis::kLegitimateInterests:
      return "RGPD art. 6(1)(f) intérêts légitimes";
    default:
      return "non précisée";
  }
}

absl::string_view FrenchCondition(SpecialCategoryCondition value) {
  switch (value) {
    case SpecialCategoryCondition::kExplicitConsent:
      return "RGPD art. 9(2)(a) consentement explicite";
    case SpecialCategoryCondition::kEmploymentAndSocialProtection:
      return "RGPD art. 9(2)(b) droit du travail, de la sécurité sociale et de la protection "
             "sociale";
    case SpecialCategoryCondition::kVitalInterests:
      return "RGPD art. 9(2)(c) sauvegarde des intérêts vitaux";
    case SpecialCategoryCondition::kNotForProfitBody:
      return "RGPD art. 9(2)(d) organisme à but non lucratif";
    case SpecialCategoryCondition::kMadePublicByPerson:
      return "RGPD art. 9(2)(e) données manifestement rendues publiques par la personne";
    case SpecialCategoryCondition::kLegalClaims:
      return "RGPD art. 9(2)(f) constatation, exercice ou défense d'un droit en justice";
    case SpecialCategoryCondition::kSubstantialPublicInterest:
      return "RGPD art. 9(2)(g) motif d'intérêt public important";
    case SpecialCategoryCondition::kHealthOrSocialCare:
      return "RGPD art. 9(2)(h) prise en charge sanitaire ou sociale";
    case SpecialCategoryCondition::kPublicHealth:
      return "RGPD art. 9(2)(i) intérêt public dans le domaine de la santé publique";
    case SpecialCategoryCondition::kArchivingResearchStatistics:
      return "RGPD art. 9(2)(j) archivage, recherche scientifique ou historique, statistiques";
    default:
      return "non précisée";
  }
}

// "1er", "25e": the French abbreviated ordinals.
std::string FrenchOrdinal(uint32_t n) { return absl::StrCat(n, n == 1 ? "er" : "e"); }

// "1st", "2nd", "3rd", "11th", "21st", "25th".
std::string EnglishOrdinal(uint32_t n) {
  const uint32_t tens = n % 100;
  absl::string_view suffix = "th";
  if (tens < 11 || tens > 13) {
    if (n % 10 == 1) suffix = "st";
    if (n % 10 == 2) suffix = "nd";
    if (n % 10 == 3) suffix = "rd";
  }
  return absl::StrCat(n, suffix);
}

constexpr RegisterTexts kFrench = {
    .code = "fr",
    .list_separator = " ; ",
    .label_value = "$0 : $1",
    .title = "Registre des activités de traitement",
    .preamble = "RGPD article 30(1). Politique `$0`$1, empreinte `$2`.",
    .revision = ", révision $0",
    .controller_section = "Responsable de traitement et délégué à la protection des données",
    .controller = "Responsable de traitement",
    .address = "Adresse",
    .contact = "Contact",
    .representative = "Représentant",
    .dpo = "Délégué à la protection des données (DPO)",
    .activity_heading = "Fiche de registre : $0",
    .table_head = "RGPD art. 30(1)",
    .row_controller = "(a) Responsable de traitement",
    .dpo_inline = " ; DPO : $0",
    .row_purpose = "(b) Finalité(s)",
    .row_legal_basis = "(b) Base légale",
    .special_categories = "catégories particulières : $0",
    .offence_data = "données d'infraction : $0",
    .row_persons = "(c) Catégories de personnes concernées",
    .row_data = "(c) Catégories de données",
    .row_sensitive = "(c) Données sensibles",
    .no_sensitive = "aucune",
    .row_recipients = "(d) Destinataires",
    .row_pseudonymised = "(d) Jeux de données pseudonymisés",
    .row_transfers = "(e) Transferts hors UE",
    .no_transfer = "aucun",
    .row_retention = "(f) Durées de conservation",
    .row_security = "(g) Mesures de sécurité",
    .no_security = "non décrites",
    .row_sdc = "(g) Contrôle de la divulgation statistique",
    .row_dpia = "AIPD",
    .changes_section = "Modifications depuis la version précédente",
    .changes_previous = "Version précédente : politique `$0`$1, empreinte `$2…`.",
    .changes_count = "Décisions d'accès comparées sur $0 cas ; décision modifiée : $1 cas.",
    .changes_none = "Aucune modification des décisions d'accès.",
    .changes_scope =
        "Seules les décisions d'accès sont comparées, cas par cas, par le moteur d'accès ; les "
        "autres rubriques se lisent dans les fiches ci-dessous.",
    .legal_basis = &FrenchLegalBasis,
    .condition = &FrenchCondition,
    .sensitivity = {"non précisée", "courante", "catégorie particulière (RGPD art. 9)",
                    "infractions et condamnations (RGPD art. 10)", "NIR (identifiant restreint)"},
    .recipient_kind = {"non précisé", "interne", "partenaire", "autorité", "sous-traitant"},
    .retention_start = {"à compter d'un point de départ non précisé",
                        "à compter du dernier contact émanant de la personne ou de son "
                        "représentant",
                        "à compter de la fin du droit", "à compter de la fin de l'accompagnement",
                        "à compter de la clôture du dossier", "à compter de la création",
                        "à compter de la fin du mandat"},
    .retention_end = {"non précisé", "suppression", "anonymisation",
                      "versement aux archives définitives"},
    .month = "mois",
    .months = "mois",
    .year = "an",
    .years = "ans",
    .ordinal = &FrenchOrdinal,
    .retention_active = "base active $0 $1",
    .retention_intermediate = ", puis archivage intermédiaire $0",
    .retention_then = ", puis $0",
    .retention_hard_stop = " ; au plus tard au $0 anniversaire de la personne",
    .sdc_tables =
        "tableaux publiés : agrégats uniquement ; petites cellules : k = $0 avec secret "
        "secondaire prouvé par un audit LP ; dominance : $1 %",
    .sdc_budget =
        "confidentialité différentielle, jeu de données `$0` : budget ε = $1, δ = $2 "
        "pour toute la durée de vie du jeu de données",
    .pseudonymised = "$0 : jeu de données pseudonymisé `$1` pour $2 (domaine `$3`, $4)",
    .pseudonyms_linked = "pseudonymes liés d'un export à l'autre",
    .pseudonyms_fresh = "pseudonymes nouveaux à chaque export",
    .jsonld_title = "Registre des activités de traitement de $0",
    .jsonld_offence =
        "Données relatives aux condamnations pénales et aux infractions (RGPD art. "
        "10)",
};

constexpr RegisterTexts kEnglish = {
    .code = "en",
    .list_separator = "; ",
    .label_value = "$0: $1",
    .title = "Register of processing activities",
    .preamble = "GDPR article 30(1). Policy `$0`$1, digest `$2`.",
    .revision = ", revision $0",
    .controller_section = "Controller and data protection officer",
    .controller = "Controller",
    .address = "Address",
    .contact = "Contact",
    .representative = "Representative",
    .dpo = "Data protection officer",
    .activity_heading = "$0",
    .table_head = "Art. 30(1)",
    .row_controller = "(a) Controller",
    .dpo_inline = "; DPO: $0",
    .row_purpose = "(b) Purpose",
    .row_legal_basis = "(b) Legal basis",
    .special_categories = "special categories: $0",
    .offence_data = "offence data: $0",
    .row_persons = "(c) Categories of persons",
    .row_data = "(c) Categories of personal data",
    .row_sensitive = "(c) Sensitive data",
    .no_sensitive = "none",
    .row_recipients = "(d) Recipients",
    .row_pseudonymised = "(d) Pseudonymised datasets",
    .row_transfers = "(e) Transfers outside the EU",
    .no_transfer = "none",
    .row_retention = "(f) Retention",
    .row_security = "(g) Security measures",
    .no_security = "not described",
    .row_sdc = "(g) Statistical disclosure control",
    .row_dpia = "DPIA",
    .changes_section = "Changes since the previous version",
    .changes_previous = "Previous version: policy `$0`$1, digest `$2…`.",
    .changes_count = "Access decisions compared over $0 cases; decision changed: $1 cases.",
    .changes_none = "No change in the access decisions.",
    .changes_scope =
        "Only the access decisions are compared, case by case, by the access engine; the other "
        "rubrics are in the entries below.",
    .legal_basis = static_cast<absl::string_view (*)(LegalBasis)>(&LegalReference),
    .condition = static_cast<absl::string_view (*)(SpecialCategoryCondition)>(&LegalReference),
    .sensitivity = {"unspecified", "ordinary", "special category (GDPR art. 9)",
                    "criminal convictions and offences (GDPR art. 10)",
                    "NIR (restricted identifier)"},
    .recipient_kind = {"unspecified", "internal", "partner", "authority", "processor"},
    .retention_start = {"from an unspecified start",
                        "from the last contact coming from the person or their representative",
                        "from the end of the right", "from the end of the follow-up",
                        "from the closure of the case", "from creation",
                        "from the end of the mandate"},
    .retention_end = {"unspecified", "deleted", "anonymised", "sent to definitive archives"},
    .month = "month",
    .months = "months",
    .year = "year",
    .years = "years",
    .ordinal = &EnglishOrdinal,
    .retention_active = "active $0 $1",
    .retention_intermediate = ", then intermediate archive $0",
    .retention_then = ", then $0",
    .retention_hard_stop = "; in any case at the person's $0 birthday",
    .sdc_tables =
        "published tables: aggregates only; small cells: k = $0 with secondary "
        "suppression proven by an LP audit; dominance: $1 %",
    .sdc_budget =
        "differential privacy, dataset `$0`: budget ε = $1, δ = $2 for the dataset's life",
    .pseudonymised = "$0: pseudonymised dataset `$1` for $2 (domain `$3`, $4)",
    .pseudonyms_linked = "pseudonyms linked across exports",
    .pseudonyms_fresh = "fresh pseudonyms in every export",
    .jsonld_title = "Register of processing activities of $0",
    .jsonld_offence = "Personal data relating to criminal convictions and offences (GDPR art. 10)",
};

const RegisterTexts& TextsFor(RegisterLanguage language) {
  return language == RegisterLanguage::kEnglish ? kEnglish : kFrench;
}

const RegisterTexts& TextsOf(const v1::Register& reg) {
  return reg.language() == kEnglish.code ? kEnglish : kFrench;
}

// An enum value as an index into a table of `N` texts; 0 (unspecified) when out of range.
template <size_t N>
absl::string_view Pick(const std::array<absl::string_view, N>& texts, int value) {
  return value > 0 && static_cast<size_t>(value) < N ? texts[value] : texts[0];
}

// The DataSensitivity a register's stable sensitivity code names.
DataSensitivity SensitivityOf(absl::string_view code) {
  for (const DataSensitivity s : {DataSensitivity::kOrdinary, DataSensitivity::kSpecialCategory,
                                  DataSensitivity::kOffence, DataSensitivity::kNir}) {
    if (Name(s) == code) return s;
  }
  return DataSensitivity::kUnspecified;
}

bool IsSensitive(absl::string_view code) {
  const DataSensitivity s = SensitivityOf(code);
  return s != DataSensitivity::kOrdinary && s != DataSensitivity::kUnspecified;
}

std::string Months(const RegisterTexts& t, uint32_t months) {
  if (months % 12 == 0 && months > 0) {
    return absl::StrCat(months / 12, " ", months == 12 ? t.year : t.years);
  }
  return absl::StrCat(months, " ", months == 1 ? t.month : t.months);
}

std::string RetentionSummary(const RegisterTexts& t, const v1::RetentionRule& r) {
  std::string s = absl::Substitute(t.retention_active, Months(t, r.active_months()),
                                   Pick(t.retention_start, r.start()));
  if (r.intermediate_months() > 0) {
    absl::StrAppend(&s,
                    absl::Substitute(t.retention_intermediate, Months(t, r.intermediate_months())));
  }
  absl::StrAppend(&s, absl::Substitute(t.retention_then, Pick(t.retention_end, r.end_action())));
  if (r.hard_stop_age_years() > 0) {
    absl::StrAppend(&s,
                    absl::Substitute(t.retention_hard_stop, t.ordinal(r.hard_stop_age_years())));
  }
  if (!r.source().empty()) absl::StrAppend(&s, " (", r.source(), ")");
  return s;
}

// Markdown table cells: no pipes or line breaks may break the table.
std::string Cell(absl::string_view text) {
  if (text.empty()) return "—";
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}, {"\r", " "}});
}

std::string RecipientText(const RegisterTexts& t, const v1::Recipient& r) {
  std::string s = absl::StrCat(r.name(), " (", Pick(t.recipient_kind, r.kind()));
  if (!r.legal_basis().empty()) absl::StrAppend(&s, ", ", r.legal_basis());
  return absl::StrCat(s, ")");
}

// The digest as the "what changed" section names the previous policy: its first 16 hex digits.
constexpr size_t kDigestPrefix = 16;

std::string ChangesCount(const RegisterTexts& t, const v1::PolicyChanges& c) {
  return absl::Substitute(t.changes_count, c.cases(), c.changed_cases());
}

std::string Fraction(const v1::PrivacyRational& r) {
  return r.denominator() == 1 ? absl::StrCat(r.numerator())
                              : absl::StrCat(r.numerator(), "/", r.denominator());
}

}  // namespace

v1::Register BuildRegister(const CompiledPolicy& c, RegisterLanguage language) {
  const RegisterTexts& t = TextsFor(language);
  const v1::Policy& p = c.source;
  v1::Register reg;
  reg.set_format_version(1);
  reg.set_language(std::string(t.code));
  reg.set_policy_id(p.id());
  reg.set_policy_revision(p.revision());
  reg.set_policy_digest(c.digest_hex);
  *reg.mutable_controller() = p.controller();
  *reg.mutable_dpo() = p.dpo();

  absl::flat_hash_map<std::string, const v1::DataCategory*> categories;
  for (const auto& d : p.data_categories()) categories[d.id()] = &d;
  absl::flat_hash_map<std::string, const v1::PersonCategory*> persons;
  for (const auto& d : p.person_categories()) persons[d.id()] = &d;

  for (const v1::Activity& a : p.activities()) {
    v1::RegisterEntry* e = reg.add_entries();
    e->set_activity_id(a.id());
    e->set_name(a.name());
    e->set_purpose(a.purpose());
    e->set_legal_basis(std::string(t.legal_basis(static_cast<LegalBasis>(a.legal_basis()))));
    e->set_legal_basis_reference(a.legal_basis_reference());
    for (int condition : a.special_category_conditions()) {
      e->add_special_category_conditions(
          std::string(t.condition(static_cast<SpecialCategoryCondition>(condition))));
    }
    e->set_offence_data_authorisation(a.offence_data_authorisation());
    for (const auto& id : a.person_categories()) {
      v1::NamedCategory* n = e->add_person_categories();
      n->set_id(id);
      if (auto it = persons.find(id); it != persons.end()) n->set_label(it->second->label());
    }
    for (const auto& id : a.data_categories()) {
      v1::NamedCategory* n = e->add_data_categories();
      n->set_id(id);
      if (auto it = categories.find(id); it != categories.end()) {
        n->set_label(it->second->label());
        n->set_sensitivity(
            std::string(Name(static_cast<DataSensitivity>(it->second->sensitivity()))));
      }
    }
    *e->mutable_recipients() = a.recipients();
    *e->mutable_transfers() = a.transfers();
    for (const auto& r : a.retention()) {
      v1::RetentionLine* line = e->add_retention();
      line->set_data_category(r.data_category());
      line->set_summary(RetentionSummary(t, r));
      *line->mutable_rule() = r;
    }
    *e->mutable_security_measures() = a.security_measures();
    if (a.purpose_kind() == v1::Activity::STATISTICS) {
      const v1::Statistics& s = p.statistics();
      e->add_statistical_disclosure_control(absl::Substitute(
          t.sdc_tables,
          s.has_small_cell_threshold() ? s.small_cell_threshold() : kDefaultSmallCellThreshold,
          s.has_dominance_percent() ? s.dominance_percent() : kDefaultDominancePercent));
      for (const v1::PrivacyBudgetDeclaration& b : s.privacy_budgets()) {
        if (b.activity() != a.id()) continue;
        e->add_statistical_disclosure_control(
            absl::Substitute(t.sdc_budget, b.id(), Fraction(b.epsilon()),
                             b.has_delta() ? Fraction(b.delta()) : std::string("0")));
      }
    }
    e->set_dpia_reference(a.dpia_reference());
    for (const v1::PseudonymisationProfile& profile : p.pseudonymisation_profiles()) {
      if (profile.activity() != a.id()) continue;
      std::string recipient = profile.recipient();
      bool linked = false;
      for (const v1::PseudonymDomain& d : p.pseudonym_domains()) {
        if (d.id() != profile.domain()) continue;
        if (recipient.empty()) recipient = d.recipient();
        linked = d.kind() == v1::PseudonymDomain::PERSON ||
                 d.kind() == v1::PseudonymDomain::RELATIONSHIP;
      }
      e->add_pseudonymised_datasets(
          absl::Substitute(t.pseudonymised, recipient, profile.id(), profile.purpose(),
                           profile.domain(), linked ? t.pseudonyms_linked : t.pseudonyms_fresh));
    }
  }
  return reg;
}

std::string RenderMarkdown(const v1::Register& reg) {
  const RegisterTexts& t = TextsOf(reg);
  const auto row = [&](std::string* out, absl::string_view label, absl::string_view value) {
    absl::StrAppend(out, "| ", label, " | ", value, " |\n");
  };
  std::string out;
  const auto& c = reg.controller();
  absl::StrAppend(&out, "# ", t.title, " — ", Cell(c.name()), "\n\n");
  absl::StrAppend(&out,
                  absl::Substitute(t.preamble, reg.policy_id(),
                                   reg.policy_revision().empty()
                                       ? std::string()
                                       : absl::Substitute(t.revision, reg.policy_revision()),
                                   reg.policy_digest()),
                  "\n\n");
  if (reg.has_changes()) {
    const v1::PolicyChanges& ch = reg.changes();
    absl::StrAppend(&out, "## ", t.changes_section, "\n\n");
    absl::StrAppend(&out,
                    absl::Substitute(t.changes_previous, ch.previous_policy_id(),
                                     ch.previous_revision().empty()
                                         ? std::string()
                                         : absl::Substitute(t.revision, ch.previous_revision()),
                                     ch.previous_digest().substr(0, kDigestPrefix)),
                    "\n", ChangesCount(t, ch), "\n\n");
    if (ch.summary().empty()) {
      absl::StrAppend(&out, t.changes_none, "\n\n");
    } else {
      for (const std::string& line : ch.summary()) {
        absl::StrAppend(&out, "- ", absl::StrReplaceAll(line, {{"\n", " "}, {"\r", " "}}), "\n");
      }
      out.push_back('\n');
    }
    absl::StrAppend(&out, t.changes_scope, "\n\n");
  }
  absl::StrAppend(&out, "## ", t.controller_section, "\n\n| | |\n|---|---|\n");
  row(&out, t.controller, Cell(c.name()));
  row(&out, t.address, Cell(c.address()));
  row(&out, t.contact, Cell(c.contact()));
  row(&out, t.representative, Cell(c.representative()));
  row(&out, t.dpo,
      absl::StrCat(Cell(reg.dpo().name()), reg.dpo().contact().empty()
                                               ? ""
                                               : absl::StrCat(", ", Cell(reg.dpo().contact()))));
  out.push_back('\n');

  for (const v1::RegisterEntry& e : reg.entries()) {
    absl::StrAppend(
        &out, "## ",
        absl::Substitute(t.activity_heading, Cell(e.name().empty() ? e.activity_id() : e.name())),
        " (`", e.activity_id(), "`)\n\n");
    absl::StrAppend(&out, "| ", t.table_head, " | |\n|---|---|\n");
    row(&out, t.row_controller,
        absl::StrCat(Cell(c.name()), absl::Substitute(t.dpo_inline, Cell(reg.dpo().name()))));
    std::string basis = e.legal_basis();
    if (!e.legal_basis_reference().empty()) {
      absl::StrAppend(&basis, " — ", e.legal_basis_reference());
    }
    if (!e.special_category_conditions().empty()) {
      absl::StrAppend(&basis, t.list_separator,
                      absl::Substitute(t.special_categories,
                                       absl::StrJoin(e.special_category_conditions(), ", ")));
    }
    if (!e.offence_data_authorisation().empty()) {
      absl::StrAppend(&basis, t.list_separator,
                      absl::Substitute(t.offence_data, e.offence_data_authorisation()));
    }
    row(&out, t.row_purpose, Cell(e.purpose()));
    row(&out, t.row_legal_basis, Cell(basis));
    std::vector<std::string> persons, data, sensitive;
    for (const auto& n : e.person_categories()) {
      persons.push_back(n.label().empty() ? n.id() : n.label());
    }
    for (const auto& n : e.data_categories()) {
      const std::string label = n.label().empty() ? n.id() : n.label();
      data.push_back(label);
      if (IsSensitive(n.sensitivity())) {
        sensitive.push_back(absl::StrCat(
            label, " — ", Pick(t.sensitivity, static_cast<int>(SensitivityOf(n.sensitivity())))));
      }
    }
    row(&out, t.row_persons, Cell(absl::StrJoin(persons, t.list_separator)));
    row(&out, t.row_data, Cell(absl::StrJoin(data, t.list_separator)));
    row(&out, t.row_sensitive,
        sensitive.empty() ? std::string(t.no_sensitive)
                          : Cell(absl::StrJoin(sensitive, t.list_separator)));
    std::vector<std::string> recipients;
    for (const auto& r : e.recipients()) recipients.push_back(RecipientText(t, r));
    row(&out, t.row_recipients, Cell(absl::StrJoin(recipients, t.list_separator)));
    if (!e.pseudonymised_datasets().empty()) {
      row(&out, t.row_pseudonymised,
          Cell(absl::StrJoin(e.pseudonymised_datasets(), t.list_separator)));
    }
    std::vector<std::string> transfers;
    for (const auto& tr : e.transfers()) {
      transfers.push_back(absl::StrCat(tr.country(), " (", tr.safeguard(), ")"));
    }
    row(&out, t.row_transfers,
        transfers.empty() ? std::string(t.no_transfer)
                          : Cell(absl::StrJoin(transfers, t.list_separator)));
    std::vector<std::string> retention;
    for (const auto& r : e.retention()) {
      retention.push_back(absl::Substitute(t.label_value, r.data_category(), r.summary()));
    }
    row(&out, t.row_retention, Cell(absl::StrJoin(retention, t.list_separator)));
    row(&out, t.row_security,
        e.security_measures().empty()
            ? std::string(t.no_security)
            : Cell(absl::StrJoin(e.security_measures(), t.list_separator)));
    if (!e.statistical_disclosure_control().empty()) {
      row(&out, t.row_sdc,
          Cell(absl::StrJoin(e.statistical_disclosure_control(), t.list_separator)));
    }
    row(&out, t.row_dpia, Cell(e.dpia_reference()));
    out.push_back('\n');
  }
  return out;
}

absl::StatusOr<std::string> RenderJson(const v1::Register& reg) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  const auto status = google::protobuf::util::MessageToJsonString(reg, &out, options);
  if (!status.ok()) {
    return MakeError(ErrorCode::kInternal,
                     absl::StrCat("rendering the register as JSON failed: ", status.ToString()));
  }
  return out;
}

// ---- DPV JSON-LD ----------------------------------------------------------------------------
//
// The register in the W3C Data Privacy Vocabulary (DPV 2.x, https://w3id.org/dpv#) and its EU
// GDPR extension (https://w3id.org/dpv/legal/eu/gdpr#), as socle's consent receipts already
// write it (src/ledger/consent_receipt.cc): one dpv:Process node per activity, with
// dpv:hasPurpose, dpv:hasLegalBasis (eu-gdpr:A6-1-x and A9-2-x, and the French text the DPO cited
// as a dpv:LegalBasis), dpv:hasPersonalData (typed dpv:SensitivePersonalData and
// dpv:SpecialCategoryPersonalData where they are), dpv:hasDataSubject, dpv:hasRecipient
// (dpv:DataProcessor, dpv:ThirdParty, dpv:Authority), dpv:hasThirdCountry, dpv:hasStorageCondition
// (a dpv:StorageDuration per category with a dpv:TemporalDuration in OWL-Time months, as DPV's
// example E0011 writes durations), dpv:hasTechnicalOrganisationalMeasure and
// dpv:hasImpactAssessment; the controller with dpv:hasDataProtectionOfficer. What socle writes
// carries the register's language as @language, what the DPO wrote "fr" (Written below). DPV
// has no term for a policy digest: it is socle's own.
namespace {

// An IRI segment from an id: policy ids are lower_snake ASCII already (id.invalid), but a
// register must stay a valid document whatever it is given, so anything else is %-encoded.
std::string IriSegment(absl::string_view id) {
  std::string out;
  for (const char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
        c == '-' || c == '.') {
      out.push_back(ch);
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

// What the DPO wrote in the policy is French whatever the register's language: socle's policies
// are written in French (ids are ASCII, "put the French text in `label`": the diagnostic
// id.invalid), and a French label tagged "en" would mislead a reader.
constexpr absl::string_view kPolicyTextLanguage = "fr";

Json Written(absl::string_view text) {
  Json j = Json::Obj();
  j.Add("@value", Json::Str(text));
  j.Add("@language", Json::Str(kPolicyTextLanguage));
  return j;
}

// What socle wrote, in the register's language.
Json Text(absl::string_view text, const RegisterTexts& t) {
  Json j = Json::Obj();
  j.Add("@value", Json::Str(text));
  j.Add("@language", Json::Str(t.code));
  return j;
}

Json Types(std::initializer_list<absl::string_view> types) {
  Json j = Json::Arr();
  for (absl::string_view type : types) j.Push(Json::Str(type));
  return j;
}

// eu-gdpr's term for a GDPR art. 6(1) basis or an art. 9(2) condition ("A6-1-e", "A9-2-h").
std::string GdprTerm(absl::string_view article, int letter_index) {
  return absl::StrCat("eu-gdpr:", article, std::string(1, static_cast<char>('a' + letter_index)));
}

Json DescribedNode(absl::string_view type, Json description) {
  Json j = Json::Obj();
  j.Add("@type", Json::Str(type));
  j.Add("dct:description", std::move(description));
  return j;
}

}  // namespace

std::string RenderJsonLd(const CompiledPolicy& policy, const v1::Register& reg) {
  const RegisterTexts& t = TextsOf(reg);
  const std::string base = absl::StrCat("urn:socle:policy:", IriSegment(reg.policy_id()), ":");
  const std::string controller_id = absl::StrCat(base, "controller");

  Json context = Json::Obj();
  context.Add("dpv", Json::Str("https://w3id.org/dpv#"));
  context.Add("eu-gdpr", Json::Str("https://w3id.org/dpv/legal/eu/gdpr#"));
  context.Add("dct", Json::Str("http://purl.org/dc/terms/"));
  context.Add("skos", Json::Str("http://www.w3.org/2004/02/skos/core#"));
  context.Add("time", Json::Str("http://www.w3.org/2006/time#"));
  context.Add("xsd", Json::Str("http://www.w3.org/2001/XMLSchema#"));
  context.Add("socle", Json::Str("urn:socle:register:v1#"));
  context.Add("adms", Json::Str("http://www.w3.org/ns/adms#"));

  Json graph = Json::Arr();

  Json record = Json::Obj();
  record.Add("@id", Json::Str(absl::StrCat(base, "register")));
  record.Add("@type", Json::Str("dpv:DataProcessingRecord"));
  record.Add("dct:title", Text(absl::Substitute(t.jsonld_title, reg.controller().name()), t));
  record.Add("dct:identifier", Json::Str(reg.policy_id()));
  if (!reg.policy_revision().empty()) {
    record.Add("dct:hasVersion", Json::Str(reg.policy_revision()));
  }
  record.Add("dct:language", Json::Str(t.code));
  record.Add("socle:policyDigest", Json::Str(reg.policy_digest()));
  record.Add("dpv:hasDataController", Json::Id(controller_id));
  Json parts = Json::Arr();
  for (const v1::RegisterEntry& e : reg.entries()) {
    parts.Push(Json::Id(absl::StrCat(base, "activity:", IriSegment(e.activity_id()))));
  }
  record.Add("dct:hasPart", std::move(parts));
  if (reg.has_changes()) {
    // The previous version as DCAT's versioning guidelines write a version chain: the record
    // dct:replaces the previous one (a blank node: both versions may share the policy's id), and
    // adms:versionNotes describes the changes, one note per sentence, in the register's language.
    // DPV has no term of its own for versions: it reuses Dublin Core's.
    const v1::PolicyChanges& ch = reg.changes();
    Json previous = Json::Obj();
    previous.Add("@type", Json::Str("dpv:DataProcessingRecord"));
    previous.Add("dct:identifier", Json::Str(ch.previous_policy_id()));
    if (!ch.previous_revision().empty()) {
      previous.Add("dct:hasVersion", Json::Str(ch.previous_revision()));
    }
    previous.Add("socle:policyDigest", Json::Str(ch.previous_digest()));
    record.Add("dct:replaces", std::move(previous));
    Json notes = Json::Arr();
    notes.Push(Text(ChangesCount(t, ch), t));
    if (ch.summary().empty()) notes.Push(Text(t.changes_none, t));
    for (const std::string& line : ch.summary()) notes.Push(Text(line, t));
    notes.Push(Text(t.changes_scope, t));
    record.Add("adms:versionNotes", std::move(notes));
  }
  graph.Push(std::move(record));

  const v1::Controller& c = reg.controller();
  Json controller = Json::Obj();
  controller.Add("@id", Json::Str(controller_id));
  controller.Add("@type", Json::Str("dpv:DataController"));
  controller.Add("dpv:hasName", Json::Str(c.name()));
  if (!c.siren().empty())
    controller.Add("dct:identifier", Json::Str(absl::StrCat("SIREN ", c.siren())));
  if (!c.address().empty()) controller.Add("dpv:hasAddress", Json::Str(c.address()));
  if (!c.contact().empty()) controller.Add("dpv:hasContact", Json::Str(c.contact()));
  if (!c.representative().empty()) {
    Json representative = Json::Obj();
    representative.Add("@type", Json::Str("dpv:Representative"));
    representative.Add("dpv:hasName", Json::Str(c.representative()));
    controller.Add("dpv:hasRepresentative", std::move(representative));
  }
  if (!reg.dpo().name().empty() || !reg.dpo().contact().empty()) {
    Json dpo = Json::Obj();
    dpo.Add("@id", Json::Str(absl::StrCat(base, "dpo")));
    dpo.Add("@type", Json::Str("dpv:DataProtectionOfficer"));
    if (!reg.dpo().name().empty()) dpo.Add("dpv:hasName", Json::Str(reg.dpo().name()));
    if (!reg.dpo().contact().empty()) dpo.Add("dpv:hasContact", Json::Str(reg.dpo().contact()));
    controller.Add("dpv:hasDataProtectionOfficer", std::move(dpo));
  }
  graph.Push(std::move(controller));

  for (int i = 0; i < reg.entries_size(); ++i) {
    const v1::RegisterEntry& e = reg.entries(i);
    const v1::Activity* a =
        i < policy.source.activities_size() ? &policy.source.activities(i) : nullptr;
    const std::string id = absl::StrCat(base, "activity:", IriSegment(e.activity_id()));
    Json node = Json::Obj();
    node.Add("@id", Json::Str(id));
    node.Add("@type", Json::Str("dpv:Process"));
    node.Add("dct:identifier", Json::Str(e.activity_id()));
    if (!e.name().empty()) node.Add("dct:title", Written(e.name()));
    node.Add("dpv:hasDataController", Json::Id(controller_id));

    Json purpose = Json::Obj();
    purpose.Add("@id", Json::Str(absl::StrCat(id, ":purpose")));
    purpose.Add("@type", Json::Str("dpv:Purpose"));
    purpose.Add("dct:description", Written(e.purpose()));
    node.Add("dpv:hasPurpose", std::move(purpose));

    Json bases = Json::Arr();
    if (a != nullptr && a->legal_basis() >= v1::CONSENT &&
        a->legal_basis() <= v1::LEGITIMATE_INTERESTS) {
      Json basis = Json::Obj();
      basis.Add("@id", Json::Str(GdprTerm("A6-1-", a->legal_basis() - v1::CONSENT)));
      basis.Add("skos:prefLabel", Text(e.legal_basis(), t));
      bases.Push(std::move(basis));
    }
    if (!e.legal_basis_reference().empty()) {
      bases.Push(DescribedNode("dpv:LegalBasis", Written(e.legal_basis_reference())));
    }
    for (int k = 0; a != nullptr && k < a->special_category_conditions_size(); ++k) {
      const int condition = a->special_category_conditions(k);
      if (condition < v1::EXPLICIT_CONSENT || condition > v1::ARCHIVING_RESEARCH_STATISTICS)
        continue;
      Json basis = Json::Obj();
      basis.Add("@id", Json::Str(GdprTerm("A9-2-", condition - v1::EXPLICIT_CONSENT)));
      if (k < e.special_category_conditions_size()) {
        basis.Add("skos:prefLabel", Text(e.special_category_conditions(k), t));
      }
      bases.Push(std::move(basis));
    }
    if (!e.offence_data_authorisation().empty()) {
      Json offence = DescribedNode("dpv:LegalBasis", Written(e.offence_data_authorisation()));
      offence.Add("skos:prefLabel", Text(t.jsonld_offence, t));
      bases.Push(std::move(offence));
    }
    node.Add("dpv:hasLegalBasis", std::move(bases));

    Json data = Json::Arr();
    for (const v1::NamedCategory& n : e.data_categories()) {
      Json d = Json::Obj();
      d.Add("@id", Json::Str(absl::StrCat(base, "data:", IriSegment(n.id()))));
      switch (SensitivityOf(n.sensitivity())) {
        case DataSensitivity::kSpecialCategory:
          d.Add("@type", Types({"dpv:PersonalData", "dpv:SensitivePersonalData",
                                "dpv:SpecialCategoryPersonalData"}));
          break;
        case DataSensitivity::kOffence:
        case DataSensitivity::kNir:
          d.Add("@type", Types({"dpv:PersonalData", "dpv:SensitivePersonalData"}));
          break;
        default:
          d.Add("@type", Json::Str("dpv:PersonalData"));
          break;
      }
      d.Add("dct:identifier", Json::Str(n.id()));
      d.Add("skos:prefLabel", Written(n.label().empty() ? n.id() : n.label()));
      if (IsSensitive(n.sensitivity())) {
        d.Add("skos:note",
              Text(Pick(t.sensitivity, static_cast<int>(SensitivityOf(n.sensitivity()))), t));
      }
      data.Push(std::move(d));
    }
    node.Add("dpv:hasPersonalData", std::move(data));

    Json subjects = Json::Arr();
    for (const v1::NamedCategory& n : e.person_categories()) {
      Json s = Json::Obj();
      s.Add("@id", Json::Str(absl::StrCat(base, "subject:", IriSegment(n.id()))));
      s.Add("@type", Json::Str("dpv:DataSubject"));
      s.Add("dct:identifier", Json::Str(n.id()));
      s.Add("skos:prefLabel", Written(n.label().empty() ? n.id() : n.label()));
      subjects.Push(std::move(s));
    }
    node.Add("dpv:hasDataSubject", std::move(subjects));

    Json recipients = Json::Arr();
    for (const v1::Recipient& r : e.recipients()) {
      Json j = Json::Obj();
      switch (r.kind()) {
        case v1::Recipient::PARTNER:
          j.Add("@type", Types({"dpv:Recipient", "dpv:ThirdParty"}));
          break;
        case v1::Recipient::AUTHORITY:
          j.Add("@type", Types({"dpv:Recipient", "dpv:Authority"}));
          break;
        case v1::Recipient::PROCESSOR:
          j.Add("@type", Types({"dpv:Recipient", "dpv:DataProcessor"}));
          break;
        default:
          j.Add("@type", Json::Str("dpv:Recipient"));
          break;
      }
      j.Add("dpv:hasName", Json::Str(r.name()));
      j.Add("skos:note", Text(Pick(t.recipient_kind, r.kind()), t));
      if (!r.legal_basis().empty()) {
        j.Add("dpv:hasLegalBasis", DescribedNode("dpv:LegalBasis", Written(r.legal_basis())));
      }
      recipients.Push(std::move(j));
    }
    for (const std::string& line : e.pseudonymised_datasets()) {
      recipients.Push(DescribedNode("dpv:Recipient", Text(line, t)));
    }
    node.Add("dpv:hasRecipient", std::move(recipients));

    if (!e.transfers().empty()) {
      Json countries = Json::Arr();
      for (const v1::Transfer& tr : e.transfers()) {
        Json country = Json::Obj();
        country.Add("@type", Json::Str("dpv:ThirdCountry"));
        country.Add("dct:identifier", Json::Str(tr.country()));
        if (!tr.safeguard().empty()) {
          country.Add("dpv:hasLegalBasis",
                      DescribedNode("dpv:DataTransferLegalBasis", Written(tr.safeguard())));
        }
        countries.Push(std::move(country));
      }
      node.Add("dpv:hasThirdCountry", std::move(countries));
    }

    Json storage = Json::Arr();
    for (const v1::RetentionLine& r : e.retention()) {
      Json duration = Json::Obj();
      duration.Add("@type", Types({"dpv:TemporalDuration", "time:Duration"}));
      Json months = Json::Obj();
      months.Add("@value", Json::Str(absl::StrCat(static_cast<uint64_t>(r.rule().active_months()) +
                                                  r.rule().intermediate_months())));
      months.Add("@type", Json::Str("xsd:decimal"));
      duration.Add("time:numericDuration", std::move(months));
      duration.Add("time:unitType", Json::Id("time:unitMonth"));
      Json s = Json::Obj();
      s.Add("@type", Json::Str("dpv:StorageDuration"));
      s.Add("dpv:hasPersonalData",
            Json::Id(absl::StrCat(base, "data:", IriSegment(r.data_category()))));
      s.Add("dpv:hasDuration", std::move(duration));
      s.Add("dct:description", Text(r.summary(), t));
      storage.Push(std::move(s));
    }
    node.Add("dpv:hasStorageCondition", std::move(storage));

    Json measures = Json::Arr();
    for (const std::string& m : e.security_measures()) {
      measures.Push(DescribedNode("dpv:TechnicalOrganisationalMeasure", Written(m)));
    }
    for (const std::string& m : e.statistical_disclosure_control()) {
      measures.Push(DescribedNode("dpv:TechnicalOrganisationalMeasure", Text(m, t)));
    }
    node.Add("dpv:hasTechnicalOrganisationalMeasure", std::move(measures));

    if (!e.dpia_reference().empty()) {
      Json dpia = Json::Obj();
      dpia.Add("@type", Json::Str("dpv:DPIA"));
      dpia.Add("dct:identifier", Json::Str(e.dpia_reference()));
      node.Add("dpv:hasImpactAssessment", std::move(dpia));
    }
    graph.Push(std::move(node));
  }

  Json document = Json::Obj();
  document.Add("@context", std::move(context));
  document.Add("@graph", std::move(graph));
  std::string out;
  document.Write(0, &out);
  out.push_back('\n');
  return out;
}

absl::Status CheckRegisterOptions(RegisterFormat format, RegisterLanguage language) {
  if (language != RegisterLanguage::kFrench && language != RegisterLanguage::kEnglish) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("unknown register language ", static_cast<int32_t>(language),
                                  "; use french (1) or english (2)"));
  }
  if (format != RegisterFormat::kMarkdown && format != RegisterFormat::kJson &&
      format != RegisterFormat::kJsonLd) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("unknown register format ", static_cast<int32_t>(format),
                                  "; use markdown (1), json (2) or jsonld (3)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RenderRegister(const CompiledPolicy& policy, RegisterFormat format,
                                           RegisterLanguage language,
                                           const v1::PolicyChanges* changes) {
  if (absl::Status status = CheckRegisterOptions(format, language); !status.ok()) return status;
  v1::Register reg = BuildRegister(policy, language);
  if (changes != nullptr) *reg.mutable_changes() = *changes;
  switch (format) {
    case RegisterFormat::kMarkdown:
      return RenderMarkdown(reg);
    case RegisterFormat::kJson:
      return RenderJson(reg);
    case RegisterFormat::kJsonLd:
      return RenderJsonLd(policy, reg);
  }
  return MakeError(ErrorCode::kInternal, "unreachable register format");
}

}  // namespace socle::policy_internal
