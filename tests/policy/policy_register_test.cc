// The register of processing activities (GDPR art. 30(1)): for every activity of the example
// policies, the Markdown shows the seven fields (a)-(g) with what the DPO wrote, and the JSON
// parses as socle.v1.Register and carries every activity. French is the default, under the
// headings of the CNIL's model register; English is asked for; the DPV JSON-LD carries the same
// facts (tests/cli/register_test.py checks its vocabulary with Python's json).
#include <boost/test/unit_test.hpp>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/v1/register.pb.h"
#include "test_util.h"

namespace socle {
namespace {

using policy_testing::DataPath;
using policy_testing::ExamplePath;
using policy_testing::ParseProto;
using policy_testing::ReadFile;

const char* const kExamples[] = {"ccas.textproto", "departement.textproto"};

// The Markdown section of one activity: from its heading to the next heading of the same level.
std::string Section(const std::string& markdown, const v1::Activity& activity) {
  const std::string anchor = absl::StrCat("(`", activity.id(), "`)");
  size_t at = markdown.find(anchor);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "no section for " << activity.id());
  at = markdown.rfind("\n#", at);
  BOOST_REQUIRE(at != std::string::npos);
  size_t end = markdown.find("\n## ", at + 1);
  if (end == std::string::npos) end = markdown.size();
  return markdown.substr(at, end - at);
}

// The table row of the section whose label starts with `field`, e.g. "(d)"; several rows may
// share a letter ((b) purpose and legal basis, (c) persons and data), so all are joined.
std::string Rows(const std::string& section, absl::string_view field) {
  std::string rows;
  for (absl::string_view line : absl::StrSplit(section, '\n')) {
    if (absl::StartsWith(line, absl::StrCat("| ", field))) absl::StrAppend(&rows, line, "\n");
  }
  return rows;
}

BOOST_AUTO_TEST_SUITE(policy_register)

BOOST_AUTO_TEST_CASE(markdown_has_all_seven_fields_for_every_activity) {
  for (const char* name : kExamples) {
    const std::string text = ReadFile(ExamplePath(name));
    const v1::Policy proto = ParseProto(text);
    const absl::StatusOr<Policy> policy = Policy::Load(text);
    BOOST_REQUIRE(policy.ok());
    const absl::StatusOr<std::string> markdown =
        policy->RenderRegister(RegisterFormat::kMarkdown, RegisterLanguage::kEnglish);
    BOOST_REQUIRE_MESSAGE(markdown.ok(), markdown.status().ToString());
    BOOST_TEST(absl::StrContains(*markdown, proto.controller().name()));
    BOOST_TEST(absl::StrContains(*markdown, policy->digest_hex()));

    std::map<std::string, std::string> category_labels, person_labels;
    for (const auto& c : proto.data_categories()) category_labels[c.id()] = c.label();
    for (const auto& p : proto.person_categories()) person_labels[p.id()] = p.label();

    for (const v1::Activity& a : proto.activities()) {
      BOOST_TEST_CONTEXT(name << " / " << a.id()) {
        const std::string section = Section(*markdown, a);
        BOOST_TEST(absl::StrContains(section, a.name()));
        // (a) the controller and the DPO
        const std::string ra = Rows(section, "(a)");
        BOOST_TEST(absl::StrContains(ra, proto.controller().name()), ra);
        BOOST_TEST(absl::StrContains(ra, proto.dpo().name()), ra);
        // (b) the purpose and its legal basis
        const std::string rb = Rows(section, "(b)");
        BOOST_TEST(absl::StrContains(rb, a.purpose()), rb);
        BOOST_TEST(absl::StrContains(rb, a.legal_basis_reference()), rb);
        BOOST_TEST(absl::StrContains(rb, "6(1)"), rb);
        if (!a.offence_data_authorisation().empty()) {
          BOOST_TEST(absl::StrContains(rb, a.offence_data_authorisation()), rb);
        }
        if (a.special_category_conditions_size() > 0) BOOST_TEST(absl::StrContains(rb, "9(2)"), rb);
        // (c) the categories of persons and of data
        const std::string rc = Rows(section, "(c)");
        for (const auto& p : a.person_categories()) {
          BOOST_TEST(absl::StrContains(rc, person_labels[p]), p << " missing from " << rc);
        }
        for (const auto& c : a.data_categories()) {
          BOOST_TEST(absl::StrContains(rc, category_labels[c]), c << " missing from " << rc);
        }
        // (d) the recipients
        const std::string rd = Rows(section, "(d)");
        for (const auto& r : a.recipients()) {
          BOOST_TEST(absl::StrContains(rd, r.name()), r.name() << " missing from " << rd);
        }
        // (e) the transfers: the examples make none, and the register says so.
        const std::string re = Rows(section, "(e)");
        BOOST_TEST(!re.empty());
        BOOST_TEST(absl::StrContains(re, "none"), re);
        // (f) the retention of every category
        const std::string rf = Rows(section, "(f)");
        for (const auto& r : a.retention()) {
          BOOST_TEST(absl::StrContains(rf, r.data_category() + ":"), r.data_category()
                                                                         << " missing from " << rf);
        }
        // (g) the security measures
        const std::string rg = Rows(section, "(g)");
        BOOST_TEST(!rg.empty());
        for (const auto& m : a.security_measures()) {
          BOOST_TEST(absl::StrContains(rg, m), m << " missing from " << rg);
        }
        if (!a.dpia_reference().empty()) BOOST_TEST(absl::StrContains(section, a.dpia_reference()));
      }
    }
  }
}

// Retention summaries speak of what the DPO wrote: the prevention rule's hard stop at 25 and its
// intermediate archive, the APA rule's six years after the end of the right.
BOOST_AUTO_TEST_CASE(markdown_retention_summaries) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("departement.textproto"));
  BOOST_REQUIRE(policy.ok());
  const absl::StatusOr<std::string> markdown =
      policy->RenderRegister(RegisterFormat::kMarkdown, RegisterLanguage::kEnglish);
  BOOST_REQUIRE(markdown.ok());
  const v1::Policy proto = ParseProto(ReadFile(ExamplePath("departement.textproto")));
  for (const auto& a : proto.activities()) {
    const std::string rf = Rows(Section(*markdown, a), "(f)");
    if (a.id() == "prevention_specialisee") {
      BOOST_TEST(absl::StrContains(rf, "25"), rf);
      BOOST_TEST(absl::StrContains(rf, "3 years"), rf);
    }
    if (a.id() == "apa_ash") BOOST_TEST(absl::StrContains(rf, "6 years"), rf);
  }
}

BOOST_AUTO_TEST_CASE(markdown_declares_a_transfer_when_there_is_one) {
  std::string text = ReadFile(DataPath("valid/minimal.textproto"));
  const std::string from = "  security_measures: \"Authentification forte\"\n";
  text.replace(
      text.find(from), 0,
      "  transfers { country: \"CH\" safeguard: \"Décision d'adéquation de la Commission\" }\n");
  const absl::StatusOr<Policy> policy = Policy::Load(text);
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().ToString());
  const absl::StatusOr<std::string> markdown =
      policy->RenderRegister(RegisterFormat::kMarkdown, RegisterLanguage::kEnglish);
  BOOST_REQUIRE(markdown.ok());
  const std::string re = Rows(*markdown, "(e)");
  BOOST_TEST(absl::StrContains(re, "CH"), re);
  BOOST_TEST(absl::StrContains(re, "Décision d'adéquation"), re);
}

// A statistics activity states how its tables are protected: the small-cell and dominance rules
// and its differential-privacy budgets; other activities have no such row.
BOOST_AUTO_TEST_CASE(markdown_states_statistical_disclosure_control) {
  std::string text = ReadFile(ExamplePath("ccas.textproto"));
  const std::string from = "statistics {\n";
  BOOST_REQUIRE(text.find(from) != std::string::npos);
  const size_t at = text.find("purpose_kind: STATISTICS");
  BOOST_REQUIRE(at != std::string::npos);
  const size_t id_at = text.rfind("id: \"", at) + 5;
  const std::string activity = text.substr(id_at, text.find('"', id_at) - id_at);
  text.replace(text.find(from), from.size(),
               absl::StrCat(from, "  privacy_budgets { id: \"activite\" activity: \"", activity,
                            "\" epsilon { numerator: 1 denominator: 2 } }\n"));
  const absl::StatusOr<Policy> policy = Policy::Load(text);
  BOOST_REQUIRE_MESSAGE(policy.ok(), policy.status().ToString());
  const absl::StatusOr<std::string> markdown =
      policy->RenderRegister(RegisterFormat::kMarkdown, RegisterLanguage::kEnglish);
  BOOST_REQUIRE(markdown.ok());
  const std::string rows = Rows(*markdown, "(g) Statistical disclosure control");
  BOOST_TEST(absl::StrContains(rows, "small cells: k = "), rows);
  BOOST_TEST(absl::StrContains(rows, "dataset `activite`: budget ε = 1/2, δ = 0"), rows);
  // One row per statistics activity, none for the others.
  const std::vector<std::string> lines = absl::StrSplit(rows, '\n', absl::SkipEmpty());
  BOOST_TEST(lines.size() == 2u);
}

BOOST_AUTO_TEST_CASE(json_parses_and_carries_every_activity) {
  for (const char* name : kExamples) {
    BOOST_TEST_CONTEXT(name) {
      const std::string text = ReadFile(ExamplePath(name));
      const v1::Policy proto = ParseProto(text);
      const absl::StatusOr<Policy> policy = Policy::Load(text);
      BOOST_REQUIRE(policy.ok());
      const absl::StatusOr<std::string> json = policy->RenderRegister(RegisterFormat::kJson);
      BOOST_REQUIRE_MESSAGE(json.ok(), json.status().ToString());

      v1::Register reg;
      google::protobuf::util::JsonParseOptions options;  // unknown fields are an error
      const auto status = google::protobuf::util::JsonStringToMessage(*json, &reg, options);
      BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
      BOOST_TEST(reg.format_version() == 1u);
      BOOST_TEST(reg.policy_id() == proto.id());
      BOOST_TEST(reg.policy_revision() == proto.revision());
      BOOST_TEST(reg.policy_digest() == policy->digest_hex());
      BOOST_TEST(reg.controller().name() == proto.controller().name());
      BOOST_TEST(reg.controller().contact() == proto.controller().contact());
      BOOST_TEST(reg.dpo().name() == proto.dpo().name());
      BOOST_TEST(reg.dpo().contact() == proto.dpo().contact());

      BOOST_REQUIRE(reg.entries_size() == proto.activities_size());
      for (int i = 0; i < proto.activities_size(); ++i) {
        const v1::Activity& a = proto.activities(i);
        const v1::RegisterEntry& e = reg.entries(i);
        BOOST_TEST_CONTEXT(a.id()) {
          BOOST_TEST(e.activity_id() == a.id());
          BOOST_TEST(e.name() == a.name());
          BOOST_TEST(e.purpose() == a.purpose());
          BOOST_TEST(!e.legal_basis().empty());
          BOOST_TEST(e.legal_basis_reference() == a.legal_basis_reference());
          BOOST_TEST(e.special_category_conditions_size() == a.special_category_conditions_size());
          BOOST_TEST(e.offence_data_authorisation() == a.offence_data_authorisation());
          BOOST_REQUIRE(e.person_categories_size() == a.person_categories_size());
          for (int j = 0; j < a.person_categories_size(); ++j) {
            BOOST_TEST(e.person_categories(j).id() == a.person_categories(j));
            BOOST_TEST(!e.person_categories(j).label().empty());
          }
          BOOST_REQUIRE(e.data_categories_size() == a.data_categories_size());
          for (int j = 0; j < a.data_categories_size(); ++j) {
            BOOST_TEST(e.data_categories(j).id() == a.data_categories(j));
            BOOST_TEST(!e.data_categories(j).label().empty());
            BOOST_TEST(!e.data_categories(j).sensitivity().empty());
          }
          BOOST_REQUIRE(e.recipients_size() == a.recipients_size());
          for (int j = 0; j < a.recipients_size(); ++j) {
            BOOST_TEST(e.recipients(j).name() == a.recipients(j).name());
          }
          BOOST_TEST(e.transfers_size() == a.transfers_size());
          BOOST_REQUIRE(e.retention_size() == a.retention_size());
          for (int j = 0; j < a.retention_size(); ++j) {
            BOOST_TEST(e.retention(j).data_category() == a.retention(j).data_category());
            BOOST_TEST(!e.retention(j).summary().empty());
            BOOST_TEST(e.retention(j).rule().active_months() == a.retention(j).active_months());
          }
          BOOST_TEST(e.security_measures_size() == a.security_measures_size());
          BOOST_TEST(e.dpia_reference() == a.dpia_reference());
        }
      }
    }
  }
}

// The sensitivity names in the register are the stable lower_snake names of the vocabulary.
BOOST_AUTO_TEST_CASE(json_sensitivity_names) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("departement.textproto"));
  BOOST_REQUIRE(policy.ok());
  const absl::StatusOr<std::string> json = policy->RenderRegister(RegisterFormat::kJson);
  BOOST_REQUIRE(json.ok());
  v1::Register reg;
  BOOST_REQUIRE(google::protobuf::util::JsonStringToMessage(*json, &reg).ok());
  std::map<std::string, std::string> sensitivity;
  for (const auto& e : reg.entries()) {
    for (const auto& c : e.data_categories()) sensitivity[c.id()] = c.sensitivity();
  }
  BOOST_TEST(sensitivity["administrative"] == "ordinary");
  BOOST_TEST(sensitivity["health"] == "special_category");
  BOOST_TEST(sensitivity["procedures_penales"] == "offence");
  BOOST_TEST(sensitivity["nir"] == "nir");
}

BOOST_AUTO_TEST_CASE(markdown_and_json_are_deterministic) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("ccas.textproto"));
  BOOST_REQUIRE(policy.ok());
  for (RegisterFormat format :
       {RegisterFormat::kMarkdown, RegisterFormat::kJson, RegisterFormat::kJsonLd}) {
    for (RegisterLanguage language : {RegisterLanguage::kFrench, RegisterLanguage::kEnglish}) {
      const auto first = policy->RenderRegister(format, language);
      const auto second = policy->RenderRegister(format, language);
      BOOST_REQUIRE(first.ok());
      BOOST_REQUIRE(second.ok());
      BOOST_TEST(*first == *second);
    }
  }
}

// ---- French, the default: the CNIL model register's headings ---------------------------------

// The headings of the CNIL's model register (identification block, then one "fiche de registre"
// per activity), each prefixed with its letter of art. 30(1).
const char* const kCnilRows[] = {
    "| (a) Responsable de traitement | ",
    "| (b) Finalité(s) | ",
    "| (b) Base légale | ",
    "| (c) Catégories de personnes concernées | ",
    "| (c) Catégories de données | ",
    "| (c) Données sensibles | ",
    "| (d) Destinataires | ",
    "| (e) Transferts hors UE | ",
    "| (f) Durées de conservation | ",
    "| (g) Mesures de sécurité | ",
};

BOOST_AUTO_TEST_CASE(french_is_the_default_with_every_cnil_heading) {
  for (const char* name : kExamples) {
    BOOST_TEST_CONTEXT(name) {
      const std::string text = ReadFile(ExamplePath(name));
      const v1::Policy proto = ParseProto(text);
      const absl::StatusOr<Policy> policy = Policy::Load(text);
      BOOST_REQUIRE(policy.ok());
      const absl::StatusOr<std::string> markdown =
          policy->RenderRegister(RegisterFormat::kMarkdown);
      BOOST_REQUIRE_MESSAGE(markdown.ok(), markdown.status().ToString());
      const auto french =
          policy->RenderRegister(RegisterFormat::kMarkdown, RegisterLanguage::kFrench);
      BOOST_REQUIRE(french.ok());
      BOOST_TEST(*markdown == *french);
      BOOST_TEST(absl::StartsWith(*markdown, "# Registre des activités de traitement — "));
      BOOST_TEST(absl::StrContains(*markdown, "RGPD article 30(1). Politique `"));
      // The identification block of the organisation and of its DPO.
      BOOST_TEST(absl::StrContains(
          *markdown, "## Responsable de traitement et délégué à la protection des données\n"));
      BOOST_TEST(absl::StrContains(*markdown, absl::StrCat("| Responsable de traitement | ",
                                                           proto.controller().name(), " |")));
      BOOST_TEST(absl::StrContains(
          *markdown,
          absl::StrCat("| Délégué à la protection des données (DPO) | ", proto.dpo().name())));
      for (const v1::Activity& a : proto.activities()) {
        BOOST_TEST_CONTEXT(a.id()) {
          const std::string section = Section(*markdown, a);
          BOOST_TEST(absl::StartsWith(section, absl::StrCat("\n## Fiche de registre : ", a.name())),
                     section.substr(0, 80));
          for (const char* heading : kCnilRows) {
            BOOST_TEST(absl::StrContains(section, heading), heading << " missing");
          }
          // The examples transfer nothing outside the EU, and say so in French.
          BOOST_TEST(absl::StrContains(section, "| (e) Transferts hors UE | aucun |"));
          // No English heading or sentence is left in a French register.
          for (const char* english : {"Legal basis", "Retention", "Recipients", "Security measures",
                                      "then deleted", "GDPR art.", "from the "}) {
            BOOST_TEST(!absl::StrContains(section, english), english << " in " << section);
          }
        }
      }
    }
  }
}

// French retention sentences, in the CNIL's words (base active, archivage intermédiaire), with
// the French ordinal of the prevention rule's hard stop.
BOOST_AUTO_TEST_CASE(french_retention_sentences) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("departement.textproto"));
  BOOST_REQUIRE(policy.ok());
  const absl::StatusOr<std::string> markdown = policy->RenderRegister(RegisterFormat::kMarkdown);
  BOOST_REQUIRE(markdown.ok());
  const v1::Policy proto = ParseProto(ReadFile(ExamplePath("departement.textproto")));
  int checked = 0;
  for (const auto& a : proto.activities()) {
    const std::string rf = Rows(Section(*markdown, a), "(f)");
    if (a.id() == "prevention_specialisee") {
      BOOST_TEST(absl::StrContains(
                     rf,
                     "administrative : base active 1 mois à compter de la fin de "
                     "l'accompagnement, puis archivage intermédiaire 3 ans, puis suppression ; "
                     "au plus tard au 25e anniversaire de la personne (CNIL délib. 2014-262 "
                     "art. 5)"),
                 rf);
      ++checked;
    }
    if (a.id() == "apa_ash") {
      BOOST_TEST(absl::StrContains(rf,
                                   "base active 6 ans à compter de la fin du droit, puis "
                                   "anonymisation (CASF R.232-46)"),
                 rf);
      ++checked;
    }
    if (a.id() == "accompagnement_social_polyvalent") {
      BOOST_TEST(absl::StrContains(rf,
                                   "base active 2 ans à compter du dernier contact émanant de "
                                   "la personne ou de son représentant, puis suppression"),
                 rf);
      ++checked;
    }
  }
  BOOST_TEST(checked == 3);
}

// The legal basis in French: the GDPR article as the RGPD's, its French name, the reference the
// DPO wrote, the art. 9(2) conditions and the art. 10 authorisation.
BOOST_AUTO_TEST_CASE(french_legal_basis) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("departement.textproto"));
  BOOST_REQUIRE(policy.ok());
  const absl::StatusOr<std::string> markdown = policy->RenderRegister(RegisterFormat::kMarkdown);
  BOOST_REQUIRE(markdown.ok());
  const v1::Policy proto = ParseProto(ReadFile(ExamplePath("departement.textproto")));
  for (const auto& a : proto.activities()) {
    const std::string section = Section(*markdown, a);
    const std::string rb = Rows(section, "(b) Base légale");
    BOOST_TEST_CONTEXT(a.id()) {
      BOOST_TEST(absl::StrContains(rb, absl::StrCat(" — ", a.legal_basis_reference())), rb);
      if (a.id() == "accompagnement_social_polyvalent") {
        BOOST_TEST(absl::StrContains(rb, "| RGPD art. 6(1)(e) mission d'intérêt public — "), rb);
        BOOST_TEST(absl::StrContains(rb,
                                     "catégories particulières : RGPD art. 9(2)(h) prise en charge "
                                     "sanitaire ou sociale"),
                   rb);
      }
      if (a.id() == "informations_preoccupantes") {
        BOOST_TEST(absl::StrContains(rb, "| RGPD art. 6(1)(c) obligation légale — "), rb);
        BOOST_TEST(absl::StrContains(rb,
                                     "RGPD art. 9(2)(g) motif d'intérêt public important, "
                                     "RGPD art. 9(2)(h)"),
                   rb);
        BOOST_TEST(absl::StrContains(rb, "données d'infraction : LIL art. 46"), rb);
        const std::string sensitive = Rows(section, "(c) Données sensibles");
        BOOST_TEST(absl::StrContains(sensitive, " — catégorie particulière (RGPD art. 9)"),
                   sensitive);
        BOOST_TEST(absl::StrContains(sensitive, " — infractions et condamnations (RGPD art. 10)"),
                   sensitive);
      }
    }
  }
}

// The JSON carries the register's language and the same sentences as the Markdown in it; the
// stable codes (ids, sensitivity) do not change with the language.
BOOST_AUTO_TEST_CASE(json_language_field_and_strings) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("departement.textproto"));
  BOOST_REQUIRE(policy.ok());
  std::map<std::string, v1::Register> by_language;
  for (const auto& [language, code] :
       {std::pair{RegisterLanguage::kFrench, "fr"}, std::pair{RegisterLanguage::kEnglish, "en"}}) {
    const absl::StatusOr<std::string> json =
        policy->RenderRegister(RegisterFormat::kJson, language);
    BOOST_REQUIRE(json.ok());
    v1::Register reg;
    BOOST_REQUIRE(google::protobuf::util::JsonStringToMessage(*json, &reg).ok());
    BOOST_TEST(reg.language() == code);
    BOOST_TEST(absl::StrContains(*json, absl::StrCat("\"language\": \"", code, "\"")));
    const absl::StatusOr<std::string> markdown =
        policy->RenderRegister(RegisterFormat::kMarkdown, language);
    BOOST_REQUIRE(markdown.ok());
    for (const auto& e : reg.entries()) {
      BOOST_TEST(absl::StrContains(*markdown, e.legal_basis()), e.legal_basis());
      for (const auto& r : e.retention()) {
        BOOST_TEST(absl::StrContains(*markdown, r.summary()), r.summary());
      }
    }
    by_language[code] = std::move(reg);
  }
  const v1::Register& fr = by_language["fr"];
  const v1::Register& en = by_language["en"];
  BOOST_REQUIRE(fr.entries_size() == en.entries_size());
  for (int i = 0; i < fr.entries_size(); ++i) {
    BOOST_TEST(absl::StartsWith(fr.entries(i).legal_basis(), "RGPD art. 6(1)("));
    BOOST_TEST(absl::StartsWith(en.entries(i).legal_basis(), "GDPR art. 6(1)("));
    BOOST_REQUIRE(fr.entries(i).retention_size() == en.entries(i).retention_size());
    for (int j = 0; j < fr.entries(i).retention_size(); ++j) {
      BOOST_TEST(absl::StrContains(fr.entries(i).retention(j).summary(), "base active "));
      BOOST_TEST(absl::StartsWith(en.entries(i).retention(j).summary(), "active "));
    }
    for (int j = 0; j < fr.entries(i).data_categories_size(); ++j) {
      BOOST_TEST(fr.entries(i).data_categories(j).sensitivity() ==
                 en.entries(i).data_categories(j).sensitivity());
    }
  }
}

// Both languages are rendered by the same code from two tables of texts: every activity has the
// same rows in the same order, only the words differ.
BOOST_AUTO_TEST_CASE(both_languages_have_the_same_rows) {
  for (const char* name : kExamples) {
    const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath(name));
    BOOST_REQUIRE(policy.ok());
    const auto fr = policy->RenderRegister(RegisterFormat::kMarkdown, RegisterLanguage::kFrench);
    const auto en = policy->RenderRegister(RegisterFormat::kMarkdown, RegisterLanguage::kEnglish);
    BOOST_REQUIRE(fr.ok());
    BOOST_REQUIRE(en.ok());
    const auto letters = [](const std::string& markdown) {
      std::vector<std::string> out;
      for (absl::string_view line : absl::StrSplit(markdown, '\n')) {
        if (absl::StartsWith(line, "## ")) out.emplace_back("## ");  // the fiche's title
        if (absl::StartsWith(line, "| (")) out.emplace_back(line.substr(0, 5));  // "| (b)"
      }
      return out;
    };
    BOOST_TEST(letters(*fr) == letters(*en), name);
    BOOST_TEST(*fr != *en);
  }
}

BOOST_AUTO_TEST_CASE(unknown_format_or_language_is_an_invalid_argument) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("ccas.textproto"));
  BOOST_REQUIRE(policy.ok());
  const auto format = policy->RenderRegister(static_cast<RegisterFormat>(4));
  BOOST_TEST((ErrorCodeOf(format.status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST(absl::StrContains(format.status().message(), "format 4"));
  const auto language =
      policy->RenderRegister(RegisterFormat::kMarkdown, static_cast<RegisterLanguage>(3));
  BOOST_TEST((ErrorCodeOf(language.status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST(absl::StrContains(language.status().message(), "language 3"));
}

// ---- DPV JSON-LD --------------------------------------------------------------------------------

const google::protobuf::Value* Member(const google::protobuf::Value& node, const std::string& key) {
  const auto& fields = node.struct_value().fields();
  const auto it = fields.find(key);
  return it == fields.end() ? nullptr : &it->second;
}

// The JSON-LD parses (protobuf's JSON parser into google.protobuf.Value), has one dpv:Process per
// activity carrying its purpose, legal bases, data, subjects, recipients and retention, the
// controller with its DPO, and every text tagged with the register's language.
BOOST_AUTO_TEST_CASE(jsonld_has_one_process_per_activity) {
  for (const char* name : kExamples) {
    const std::string text = ReadFile(ExamplePath(name));
    const v1::Policy proto = ParseProto(text);
    const absl::StatusOr<Policy> policy = Policy::Load(text);
    BOOST_REQUIRE(policy.ok());
    for (const auto& [language, code] : {std::pair{RegisterLanguage::kFrench, "fr"},
                                         std::pair{RegisterLanguage::kEnglish, "en"}}) {
      BOOST_TEST_CONTEXT(name << " / " << code) {
        const auto jsonld = policy->RenderRegister(RegisterFormat::kJsonLd, language);
        BOOST_REQUIRE_MESSAGE(jsonld.ok(), jsonld.status().ToString());
        google::protobuf::Value doc;
        const auto status = google::protobuf::util::JsonStringToMessage(*jsonld, &doc);
        BOOST_REQUIRE_MESSAGE(status.ok(), status.ToString());
        const google::protobuf::Value* context = Member(doc, "@context");
        BOOST_REQUIRE(context != nullptr);
        BOOST_TEST(Member(*context, "dpv")->string_value() == "https://w3id.org/dpv#");
        BOOST_TEST(Member(*context, "eu-gdpr")->string_value() ==
                   "https://w3id.org/dpv/legal/eu/gdpr#");
        const google::protobuf::Value* graph = Member(doc, "@graph");
        BOOST_REQUIRE(graph != nullptr);
        std::map<std::string, const google::protobuf::Value*> processes;
        const google::protobuf::Value* controller = nullptr;
        for (const auto& node : graph->list_value().values()) {
          const google::protobuf::Value* type = Member(node, "@type");
          if (type == nullptr) continue;
          if (type->string_value() == "dpv:Process") {
            processes[Member(node, "dct:identifier")->string_value()] = &node;
          }
          if (type->string_value() == "dpv:DataController") controller = &node;
        }
        BOOST_REQUIRE(controller != nullptr);
        BOOST_TEST(Member(*controller, "dpv:hasName")->string_value() == proto.controller().name());
        const google::protobuf::Value* dpo = Member(*controller, "dpv:hasDataProtectionOfficer");
        BOOST_REQUIRE(dpo != nullptr);
        BOOST_TEST(Member(*dpo, "dpv:hasName")->string_value() == proto.dpo().name());
        BOOST_REQUIRE(processes.size() == static_cast<size_t>(proto.activities_size()));
        for (const v1::Activity& a : proto.activities()) {
          BOOST_TEST_CONTEXT(a.id()) {
            BOOST_REQUIRE(processes.count(a.id()) == 1u);
            const google::protobuf::Value& node = *processes[a.id()];
            const google::protobuf::Value* purpose = Member(node, "dpv:hasPurpose");
            BOOST_REQUIRE(purpose != nullptr);
            const google::protobuf::Value* description = Member(*purpose, "dct:description");
            BOOST_TEST(Member(*description, "@value")->string_value() == a.purpose());
            // What the DPO wrote is French; what socle wrote is in the register's language.
            BOOST_TEST(Member(*description, "@language")->string_value() == "fr");
            const auto& bases = Member(node, "dpv:hasLegalBasis")->list_value().values();
            BOOST_REQUIRE(!bases.empty());
            const google::protobuf::Value* label = Member(bases[0], "skos:prefLabel");
            BOOST_REQUIRE(label != nullptr);
            BOOST_TEST(Member(*label, "@language")->string_value() == code);
            BOOST_TEST(absl::StartsWith(
                Member(*label, "@value")->string_value(),
                code == std::string("fr") ? "RGPD art. 6(1)(" : "GDPR art. 6(1)("));
            const std::string article = absl::StrCat(
                "eu-gdpr:A6-1-", std::string(1, static_cast<char>('a' + a.legal_basis() - 1)));
            BOOST_TEST(Member(bases[0], "@id")->string_value() == article);
            size_t gdpr9 = 0;
            for (const auto& b : bases) {
              const auto* id = Member(b, "@id");
              if (id != nullptr && absl::StartsWith(id->string_value(), "eu-gdpr:A9-2-")) ++gdpr9;
            }
            BOOST_TEST(gdpr9 == static_cast<size_t>(a.special_category_conditions_size()));
            BOOST_TEST(Member(node, "dpv:hasPersonalData")->list_value().values_size() ==
                       a.data_categories_size());
            BOOST_TEST(Member(node, "dpv:hasDataSubject")->list_value().values_size() ==
                       a.person_categories_size());
            BOOST_TEST(Member(node, "dpv:hasRecipient")->list_value().values_size() >=
                       a.recipients_size());
            const auto& storage = Member(node, "dpv:hasStorageCondition")->list_value().values();
            BOOST_TEST(storage.size() == static_cast<size_t>(a.retention_size()));
            for (const auto& st : storage) {
              const google::protobuf::Value* summary = Member(st, "dct:description");
              BOOST_TEST(Member(*summary, "@language")->string_value() == code);
            }
            BOOST_TEST(
                Member(node, "dpv:hasTechnicalOrganisationalMeasure")->list_value().values_size() >=
                a.security_measures_size());
          }
        }
      }
    }
  }
}

// Special categories are typed as such; art. 10 data and the NIR as sensitive only.
BOOST_AUTO_TEST_CASE(jsonld_types_sensitive_data) {
  const absl::StatusOr<Policy> policy = Policy::LoadFile(ExamplePath("departement.textproto"));
  BOOST_REQUIRE(policy.ok());
  const auto jsonld = policy->RenderRegister(RegisterFormat::kJsonLd);
  BOOST_REQUIRE(jsonld.ok());
  google::protobuf::Value doc;
  BOOST_REQUIRE(google::protobuf::util::JsonStringToMessage(*jsonld, &doc).ok());
  std::map<std::string, std::set<std::string>> types;
  for (const auto& node : Member(doc, "@graph")->list_value().values()) {
    const auto* data = Member(node, "dpv:hasPersonalData");
    if (data == nullptr || !data->has_list_value()) continue;
    for (const auto& d : data->list_value().values()) {
      const auto* type = Member(d, "@type");
      std::set<std::string>& set = types[Member(d, "dct:identifier")->string_value()];
      if (type->has_list_value()) {
        for (const auto& t : type->list_value().values()) set.insert(t.string_value());
      } else {
        set.insert(type->string_value());
      }
    }
  }
  BOOST_TEST(types["health"].count("dpv:SpecialCategoryPersonalData") == 1u);
  BOOST_TEST(types["health"].count("dpv:SensitivePersonalData") == 1u);
  BOOST_TEST(types["procedures_penales"].count("dpv:SensitivePersonalData") == 1u);
  BOOST_TEST(types["procedures_penales"].count("dpv:SpecialCategoryPersonalData") == 0u);
  BOOST_TEST(types["nir"].count("dpv:SensitivePersonalData") == 1u);
  BOOST_TEST((types["administrative"] == std::set<std::string>{"dpv:PersonalData"}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
