#include "policy/register.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "policy/compiled_policy.h"
#include "socle/error.hpp"
#include "socle/vocabulary.hpp"

namespace socle::policy_internal {
namespace {

std::string StartText(v1::RetentionRule::Start start) {
  switch (start) {
    case v1::RetentionRule::LAST_CONTACT_FROM_PERSON:
      return "from the last contact coming from the person or their representative";
    case v1::RetentionRule::END_OF_RIGHT:
      return "from the end of the right";
    case v1::RetentionRule::END_OF_FOLLOW_UP:
      return "from the end of the follow-up";
    case v1::RetentionRule::CASE_CLOSURE:
      return "from the closure of the case";
    case v1::RetentionRule::CREATION:
      return "from creation";
    case v1::RetentionRule::END_OF_MANDATE:
      return "from the end of the mandate";
    default:
      return "from an unspecified start";
  }
}

std::string EndText(v1::RetentionRule::EndAction action) {
  switch (action) {
    case v1::RetentionRule::DELETE:
      return "deleted";
    case v1::RetentionRule::ANONYMISE:
      return "anonymised";
    case v1::RetentionRule::DEFINITIVE_ARCHIVE:
      return "sent to definitive archives";
    default:
      return "unspecified";
  }
}

std::string Months(uint32_t months) {
  if (months % 12 == 0) return absl::StrCat(months / 12, months == 12 ? " year" : " years");
  return absl::StrCat(months, months == 1 ? " month" : " months");
}

std::string RetentionSummary(const v1::RetentionRule& r) {
  std::string s = absl::StrCat("active ", Months(r.active_months()), " ", StartText(r.start()));
  if (r.intermediate_months() > 0) {
    absl::StrAppend(&s, ", then intermediate archive ", Months(r.intermediate_months()));
  }
  absl::StrAppend(&s, ", then ", EndText(r.end_action()));
  if (r.hard_stop_age_years() > 0) {
    absl::StrAppend(&s, "; in any case at the person's ", r.hard_stop_age_years(), "th birthday");
  }
  if (!r.source().empty()) absl::StrAppend(&s, " (", r.source(), ")");
  return s;
}

// Markdown table cells: no pipes or line breaks may break the table.
std::string Cell(absl::string_view text) {
  if (text.empty()) return "—";
  return absl::StrReplaceAll(text, {{"|", "\\|"}, {"\n", " "}, {"\r", " "}});
}

std::string Recipient(const v1::Recipient& r) {
  std::string kind;
  switch (r.kind()) {
    case v1::Recipient::INTERNAL:
      kind = "internal";
      break;
    case v1::Recipient::PARTNER:
      kind = "partner";
      break;
    case v1::Recipient::AUTHORITY:
      kind = "authority";
      break;
    case v1::Recipient::PROCESSOR:
      kind = "processor";
      break;
    default:
      kind = "unspecified";
      break;
  }
  std::string s = absl::StrCat(r.name(), " (", kind);
  if (!r.legal_basis().empty()) absl::StrAppend(&s, ", ", r.legal_basis());
  return absl::StrCat(s, ")");
}

}  // namespace

v1::Register BuildRegister(const CompiledPolicy& c) {
  const v1::Policy& p = c.source;
  v1::Register reg;
  reg.set_format_version(1);
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
    e->set_legal_basis(std::string(LegalReference(static_cast<LegalBasis>(a.legal_basis()))));
    e->set_legal_basis_reference(a.legal_basis_reference());
    for (int condition : a.special_category_conditions()) {
      e->add_special_category_conditions(
          std::string(LegalReference(static_cast<SpecialCategoryCondition>(condition))));
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
      line->set_summary(RetentionSummary(r));
      *line->mutable_rule() = r;
    }
    *e->mutable_security_measures() = a.security_measures();
    if (a.purpose_kind() == v1::Activity::STATISTICS) {
      const v1::Statistics& s = p.statistics();
      e->add_statistical_disclosure_control(absl::StrCat(
          "published tables: aggregates only; small cells: k = ",
          s.has_small_cell_threshold() ? s.small_cell_threshold() : kDefaultSmallCellThreshold,
          " with secondary suppression proven by an LP audit; dominance: ",
          s.has_dominance_percent() ? s.dominance_percent() : kDefaultDominancePercent, " %"));
      for (const v1::PrivacyBudgetDeclaration& b : s.privacy_budgets()) {
        if (b.activity() != a.id()) continue;
        const auto fraction = [](const v1::PrivacyRational& r) {
          return r.denominator() == 1 ? absl::StrCat(r.numerator())
                                      : absl::StrCat(r.numerator(), "/", r.denominator());
        };
        e->add_statistical_disclosure_control(absl::StrCat(
            "differential privacy, dataset `", b.id(), "`: budget ε = ", fraction(b.epsilon()),
            ", δ = ", b.has_delta() ? fraction(b.delta()) : "0", " for the dataset's life"));
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
      e->add_pseudonymised_datasets(absl::StrCat(
          recipient, ": pseudonymised dataset `", profile.id(), "` for ", profile.purpose(),
          " (domain `", profile.domain(), "`, ",
          linked ? "pseudonyms linked across exports" : "fresh pseudonyms in every export", ")"));
    }
  }
  return reg;
}

std::string RenderMarkdown(const v1::Register& reg) {
  std::string out;
  const auto& c = reg.controller();
  absl::StrAppend(&out, "# Register of processing activities — ", Cell(c.name()), "\n\n");
  absl::StrAppend(
      &out, "GDPR article 30(1). Policy `", reg.policy_id(), "`",
      reg.policy_revision().empty() ? "" : absl::StrCat(", revision ", reg.policy_revision()),
      ", digest `", reg.policy_digest(), "`.\n\n");
  absl::StrAppend(&out, "## Controller\n\n");
  absl::StrAppend(&out, "| | |\n|---|---|\n");
  absl::StrAppend(&out, "| Controller | ", Cell(c.name()), " |\n");
  absl::StrAppend(&out, "| Address | ", Cell(c.address()), " |\n");
  absl::StrAppend(&out, "| Contact | ", Cell(c.contact()), " |\n");
  absl::StrAppend(&out, "| Representative | ", Cell(c.representative()), " |\n");
  absl::StrAppend(&out, "| Data protection officer | ", Cell(reg.dpo().name()),
                  reg.dpo().contact().empty() ? "" : absl::StrCat(", ", Cell(reg.dpo().contact())),
                  " |\n\n");

  for (const v1::RegisterEntry& e : reg.entries()) {
    absl::StrAppend(&out, "## ", Cell(e.name().empty() ? e.activity_id() : e.name()), " (`",
                    e.activity_id(), "`)\n\n");
    absl::StrAppend(&out, "| Art. 30(1) | |\n|---|---|\n");
    absl::StrAppend(&out, "| (a) Controller | ", Cell(c.name()), "; DPO: ", Cell(reg.dpo().name()),
                    " |\n");
    std::string basis = e.legal_basis();
    if (!e.legal_basis_reference().empty())
      absl::StrAppend(&basis, " — ", e.legal_basis_reference());
    if (!e.special_category_conditions().empty()) {
      absl::StrAppend(
          &basis, "; special categories: ", absl::StrJoin(e.special_category_conditions(), ", "));
    }
    if (!e.offence_data_authorisation().empty()) {
      absl::StrAppend(&basis, "; offence data: ", e.offence_data_authorisation());
    }
    absl::StrAppend(&out, "| (b) Purpose | ", Cell(e.purpose()), " |\n");
    absl::StrAppend(&out, "| (b) Legal basis | ", Cell(basis), " |\n");
    std::vector<std::string> persons, data;
    for (const auto& n : e.person_categories()) {
      persons.push_back(n.label().empty() ? n.id() : n.label());
    }
    for (const auto& n : e.data_categories()) {
      std::string s = n.label().empty() ? n.id() : n.label();
      if (n.sensitivity() != "ordinary" && !n.sensitivity().empty()) {
        absl::StrAppend(&s, " [", n.sensitivity(), "]");
      }
      data.push_back(std::move(s));
    }
    absl::StrAppend(&out, "| (c) Categories of persons | ", Cell(absl::StrJoin(persons, "; ")),
                    " |\n");
    absl::StrAppend(&out, "| (c) Categories of personal data | ", Cell(absl::StrJoin(data, "; ")),
                    " |\n");
    std::vector<std::string> recipients;
    for (const auto& r : e.recipients()) recipients.push_back(Recipient(r));
    absl::StrAppend(&out, "| (d) Recipients | ", Cell(absl::StrJoin(recipients, "; ")), " |\n");
    if (!e.pseudonymised_datasets().empty()) {
      absl::StrAppend(&out, "| (d) Pseudonymised datasets | ",
                      Cell(absl::StrJoin(e.pseudonymised_datasets(), "; ")), " |\n");
    }
    std::vector<std::string> transfers;
    for (const auto& t : e.transfers()) {
      transfers.push_back(absl::StrCat(t.country(), " (", t.safeguard(), ")"));
    }
    absl::StrAppend(&out, "| (e) Transfers outside the EU | ",
                    transfers.empty() ? "none" : Cell(absl::StrJoin(transfers, "; ")), " |\n");
    std::vector<std::string> retention;
    for (const auto& r : e.retention()) {
      retention.push_back(absl::StrCat(r.data_category(), ": ", r.summary()));
    }
    absl::StrAppend(&out, "| (f) Retention | ", Cell(absl::StrJoin(retention, "; ")), " |\n");
    absl::StrAppend(&out, "| (g) Security measures | ",
                    e.security_measures().empty()
                        ? "not described"
                        : Cell(absl::StrJoin(e.security_measures(), "; ")),
                    " |\n");
    if (!e.statistical_disclosure_control().empty()) {
      absl::StrAppend(&out, "| (g) Statistical disclosure control | ",
                      Cell(absl::StrJoin(e.statistical_disclosure_control(), "; ")), " |\n");
    }
    absl::StrAppend(&out, "| DPIA | ", Cell(e.dpia_reference()), " |\n\n");
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

}  // namespace socle::policy_internal
