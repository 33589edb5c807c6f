// The register with its "what changed" section (socle/policy_analysis.hpp,
// RenderRegisterWithChanges): Markdown, JSON and DPV JSON-LD, in French and in English, with the
// previous policy named and DiffPolicies' summary in the register's language; a policy against
// itself says that no access decision changed; the plain register has no such section.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "analysis_testing.h"
#include "google/protobuf/util/json_util.h"
#include "socle/error.hpp"
#include "socle/policy.hpp"
#include "socle/policy_analysis.hpp"
#include "socle/v1/register.pb.h"

namespace socle {
namespace {

using analysis_testing::Analyse;
using analysis_testing::Example;
using analysis_testing::kFrontDesk;
using analysis_testing::kFrontDeskSocial;
using analysis_testing::Load;
using analysis_testing::Replace;

// The CCAS policy, a new revision of it where the front desk also handles social data, and the
// summary DiffPolicies gives of the change in each language.
struct Revisions {
  std::string before_text = Example("ccas.textproto");
  std::string after_text = Replace(Replace(before_text, kFrontDesk, kFrontDeskSocial),
                                   "revision: \"", "revision: \"suivante-");
  Policy before = Load(before_text);
  Policy after = Load(after_text);
  PolicyDiff diff = DiffPolicies(*Analyse(before_text), *Analyse(after_text));
};

std::string Render(const Policy& previous, const Policy& current, RegisterFormat format,
                   RegisterLanguage language) {
  absl::StatusOr<std::string> text = RenderRegisterWithChanges(previous, current, format, language);
  BOOST_TEST_REQUIRE(text.ok(), text.status());
  return *std::move(text);
}

v1::Register ParseJson(const std::string& text) {
  v1::Register reg;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &reg);
  BOOST_TEST_REQUIRE(status.ok(), status.ToString());
  return reg;
}

BOOST_AUTO_TEST_SUITE(register_changes)

BOOST_AUTO_TEST_CASE(markdown_names_the_previous_version_and_sums_up_the_change) {
  const Revisions r;
  BOOST_TEST_REQUIRE(r.diff.changed_cases > 0u);
  BOOST_TEST_REQUIRE(!r.before.revision().empty());
  struct Case {
    RegisterLanguage language;
    AnalysisLanguage summary_language;
    const char* heading;
    const char* previous;
    const char* revision;
    const char* count;
    const char* first_fiche;
  };
  for (const Case& c : std::vector<Case>{
           {RegisterLanguage::kFrench, AnalysisLanguage::kFrench,
            "\n## Modifications depuis la version précédente\n\n",
            "Version précédente : politique `", ", révision ", "Décisions d'accès comparées sur ",
            "\n## Fiche de registre : "},
           {RegisterLanguage::kEnglish, AnalysisLanguage::kEnglish,
            "\n## Changes since the previous version\n\n", "Previous version: policy `",
            ", revision ", "Access decisions compared over ", "\n## "}}) {
    const std::string md = Render(r.before, r.after, RegisterFormat::kMarkdown, c.language);
    const size_t section = md.find(c.heading);
    BOOST_TEST_REQUIRE(section != std::string::npos, md.substr(0, 2000));
    // After the preamble (which names the current revision), before the controller and fiches.
    BOOST_TEST(md.find(std::string(r.after.revision())) < section);
    BOOST_TEST(absl::StrContains(
        md, absl::StrCat(c.previous, r.before.id(), "`", c.revision, r.before.revision(), ", ",
                         c.language == RegisterLanguage::kFrench ? "empreinte `" : "digest `",
                         r.before.digest_hex().substr(0, 16), "…`.")));
    BOOST_TEST(absl::StrContains(md, absl::StrCat(c.count, r.diff.cases)));
    const std::vector<std::string> summary = r.diff.Summary(c.summary_language);
    BOOST_TEST_REQUIRE(!summary.empty());
    size_t last = section;
    for (const std::string& line : summary) {
      const size_t at = md.find(absl::StrCat("\n- ", line, "\n"));
      BOOST_TEST(at != std::string::npos, line);
      BOOST_TEST(at > last);  // in the summary's order
      last = at;
    }
    BOOST_TEST(md.find(c.first_fiche, section + 1) > last);
    BOOST_TEST(!absl::StrContains(md, "Aucune modification"));
  }
  // The French summary says what changed in words a DPO reads.
  const std::string md =
      Render(r.before, r.after, RegisterFormat::kMarkdown, RegisterLanguage::kFrench);
  BOOST_TEST(absl::StrContains(
      md, "\n- « secretaire_accueil » peut désormais lire, écrire, imprimer « social »"));
}

BOOST_AUTO_TEST_CASE(json_carries_the_changes_in_field_changes) {
  const Revisions r;
  for (const RegisterLanguage language : {RegisterLanguage::kFrench, RegisterLanguage::kEnglish}) {
    const v1::Register reg = ParseJson(Render(r.before, r.after, RegisterFormat::kJson, language));
    BOOST_TEST(reg.language() == (language == RegisterLanguage::kFrench ? "fr" : "en"));
    BOOST_TEST(reg.policy_digest() == r.after.digest_hex());
    BOOST_TEST_REQUIRE(reg.has_changes());
    const v1::PolicyChanges& ch = reg.changes();
    BOOST_TEST(ch.previous_policy_id() == std::string(r.before.id()));
    BOOST_TEST(ch.previous_revision() == std::string(r.before.revision()));
    BOOST_TEST(ch.previous_digest() == r.before.digest_hex());
    BOOST_TEST(ch.cases() == r.diff.cases);
    BOOST_TEST(ch.changed_cases() == r.diff.changed_cases);
    const std::vector<std::string> summary =
        r.diff.Summary(language == RegisterLanguage::kFrench ? AnalysisLanguage::kFrench
                                                             : AnalysisLanguage::kEnglish);
    BOOST_TEST(std::vector<std::string>(ch.summary().begin(), ch.summary().end()) == summary,
               boost::test_tools::per_element());
  }
  // The plain register has no `changes`.
  absl::StatusOr<std::string> plain = r.after.RenderRegister(RegisterFormat::kJson);
  BOOST_TEST_REQUIRE(plain.ok());
  BOOST_TEST(!ParseJson(*plain).has_changes());
  BOOST_TEST(!absl::StrContains(*plain, "\"changes\""));
}

BOOST_AUTO_TEST_CASE(jsonld_replaces_the_previous_record_with_version_notes) {
  const Revisions r;
  for (const RegisterLanguage language : {RegisterLanguage::kFrench, RegisterLanguage::kEnglish}) {
    const bool fr = language == RegisterLanguage::kFrench;
    const std::string doc = Render(r.before, r.after, RegisterFormat::kJsonLd, language);
    BOOST_TEST(absl::StrContains(doc, "\"adms\": \"http://www.w3.org/ns/adms#\""));
    const size_t replaces = doc.find("\"dct:replaces\"");
    BOOST_TEST_REQUIRE(replaces != std::string::npos);
    BOOST_TEST(doc.find(absl::StrCat("\"socle:policyDigest\": \"", r.before.digest_hex(), "\""),
                        replaces) != std::string::npos);
    BOOST_TEST(doc.find(absl::StrCat("\"dct:hasVersion\": \"", r.before.revision(), "\""),
                        replaces) != std::string::npos);
    const size_t notes = doc.find("\"adms:versionNotes\"");
    BOOST_TEST_REQUIRE(notes != std::string::npos);
    for (const std::string& line :
         r.diff.Summary(fr ? AnalysisLanguage::kFrench : AnalysisLanguage::kEnglish)) {
      BOOST_TEST(doc.find(absl::StrCat("\"@value\": \"", line, "\""), notes) != std::string::npos,
                 line);
    }
    BOOST_TEST(doc.find(absl::StrCat("\"@language\": \"", fr ? "fr" : "en", "\""), notes) !=
               std::string::npos);
  }
  absl::StatusOr<std::string> plain = r.after.RenderRegister(RegisterFormat::kJsonLd);
  BOOST_TEST_REQUIRE(plain.ok());
  BOOST_TEST(!absl::StrContains(*plain, "dct:replaces"));
  BOOST_TEST(!absl::StrContains(*plain, "adms:versionNotes"));
}

BOOST_AUTO_TEST_CASE(an_identical_policy_says_no_access_decision_changed) {
  const Policy p = Load(Example("ccas.textproto"));
  const std::string fr = Render(p, p, RegisterFormat::kMarkdown, RegisterLanguage::kFrench);
  BOOST_TEST(absl::StrContains(fr, "\nAucune modification des décisions d'accès.\n"));
  BOOST_TEST(absl::StrContains(fr, "décision modifiée : 0 cas."));
  BOOST_TEST(!absl::StrContains(fr, "\n- "));
  const std::string en = Render(p, p, RegisterFormat::kMarkdown, RegisterLanguage::kEnglish);
  BOOST_TEST(absl::StrContains(en, "\nNo change in the access decisions.\n"));
  BOOST_TEST(absl::StrContains(en, "decision changed: 0 cases."));
  const v1::Register reg =
      ParseJson(Render(p, p, RegisterFormat::kJson, RegisterLanguage::kFrench));
  BOOST_TEST_REQUIRE(reg.has_changes());
  BOOST_TEST(reg.changes().changed_cases() == 0u);
  BOOST_TEST(reg.changes().cases() > 0u);
  BOOST_TEST(reg.changes().summary().empty());
  BOOST_TEST(reg.changes().previous_digest() == reg.policy_digest());
  const std::string ld = Render(p, p, RegisterFormat::kJsonLd, RegisterLanguage::kEnglish);
  BOOST_TEST(absl::StrContains(ld, "\"No change in the access decisions.\""));
  // Without a previous policy, no such section at all.
  absl::StatusOr<std::string> plain = p.RenderRegister(RegisterFormat::kMarkdown);
  BOOST_TEST_REQUIRE(plain.ok());
  BOOST_TEST(!absl::StrContains(*plain, "Modifications depuis"));
  BOOST_TEST(!absl::StrContains(*plain, "Aucune modification"));
}

BOOST_AUTO_TEST_CASE(a_format_or_language_out_of_the_enums_is_refused) {
  const Policy p = Load(Example("ccas.textproto"));
  const auto bad_format = RenderRegisterWithChanges(p, p, static_cast<RegisterFormat>(9));
  BOOST_TEST(!bad_format.ok());
  BOOST_TEST((ErrorCodeOf(bad_format.status()) == ErrorCode::kInvalidArgument));
  BOOST_TEST(absl::StrContains(bad_format.status().message(), "unknown register format 9"));
  const auto bad_language =
      RenderRegisterWithChanges(p, p, RegisterFormat::kMarkdown, static_cast<RegisterLanguage>(7));
  BOOST_TEST(!bad_language.ok());
  BOOST_TEST(absl::StrContains(bad_language.status().message(), "unknown register language 7"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
