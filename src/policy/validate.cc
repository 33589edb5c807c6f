#include "policy/validate.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "policy/compiled_policy.h"
#include "policy/profile_fields.h"
#include "policy/property.h"
#include "socle/privacy_budget.hpp"

namespace socle::policy_internal {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr size_t kMaxIdLength = 64;

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  if (id[0] < 'a' || id[0] > 'z') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Strict UTF-8 (no overlongs, no surrogates): proto3 strings must be UTF-8, and escapes in the
// text format ("\377") can produce bytes that are not.
bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else
      return false;
    if (n >= s.size() - i) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

std::string Path(absl::string_view list, int index) { return absl::StrCat(list, "[", index, "]"); }
std::string Path(absl::string_view list, int index, absl::string_view field) {
  return absl::StrCat(list, "[", index, "].", field);
}

class Validator {
 public:
  Validator(const v1::Policy& policy, std::vector<Diagnostic>* out) : p_(policy), out_(out) {}

  void Run() {
    CheckEnums(p_, "");
    if (p_.format_version() != 1) {
      Error("format_version.unsupported", "format_version",
            absl::StrCat("format_version is ", p_.format_version(),
                         "; this version of socle reads format_version: 1"));
    }
    if (p_.id().empty()) {
      Error("id.missing", "id", "the policy has no id");
    } else if (!IsValidId(p_.id())) {
      Error("id.invalid", "id", InvalidIdMessage("the policy id", p_.id()));
    }
    CheckController();
    CheckSizes();
    CollectDeclarations();
    CheckActivities();
    CheckRoles();
    CheckHabilitations();
    CheckSharingRules();
    CheckBreakGlass();
    CheckEntryKinds();
    CheckMandates();
    CheckPseudonymDomains();
    CheckPseudonymisationProfiles();
    CheckStatistics();
    CheckLogRetention();
    CheckProperties();
    CheckUnusedCategories();
    ReportTruncation();
  }

 private:
  struct CategoryInfo {
    DataSensitivity sensitivity;
  };
  struct RoleInfo {
    v1::SecrecyStatus secrecy;
    uint32_t capabilities;
  };

  void Report(Diagnostic::Severity severity, absl::string_view code, std::string path,
              std::string message) {
    if (reported_ >= kMaxReportedDiagnostics) {
      ++(severity == Diagnostic::Severity::kError ? suppressed_errors_ : suppressed_warnings_);
      return;
    }
    ++reported_;
    Diagnostic d;
    d.severity = severity;
    d.code = std::string(code);
    d.path = std::move(path);
    d.message = std::move(message);
    out_->push_back(std::move(d));
  }
  void Error(absl::string_view code, std::string path, std::string message) {
    Report(Diagnostic::Severity::kError, code, std::move(path), std::move(message));
  }
  void Warning(absl::string_view code, std::string path, std::string message) {
    Report(Diagnostic::Severity::kWarning, code, std::move(path), std::move(message));
  }

  static std::string InvalidIdMessage(absl::string_view what, absl::string_view id) {
    return absl::StrCat(what, " '", id.substr(0, kMaxIdLength), id.size() > kMaxIdLength ? "…" : "",
                        "' is not a valid id: use 1 to 64 characters a-z, 0-9 and _, starting "
                        "with a letter");
  }

  // Every enum field must hold a value of its enum: proto3 enums are open, so the text parser
  // accepts numbers such as `legal_basis: 42`.
  void CheckEnums(const Message& message, const std::string& prefix) {
    const Reflection* reflection = message.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    reflection->ListFields(message, &fields);
    for (const FieldDescriptor* field : fields) {
      const std::string name =
          prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
      const int count = field->is_repeated() ? reflection->FieldSize(message, field) : 1;
      for (int i = 0; i < count; ++i) {
        // Built only for a problem: lists may hold millions of elements.
        auto path = [&] { return field->is_repeated() ? Path(name, i) : name; };
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
          const int value = field->is_repeated()
                                ? reflection->GetRepeatedEnumValue(message, field, i)
                                : reflection->GetEnumValue(message, field);
          if (field->enum_type()->FindValueByNumber(value) == nullptr) {
            Error("enum.unknown_value", path(),
                  absl::StrCat(value, " is not a value of ", field->enum_type()->name()));
          } else if (value == 0 && field->is_repeated()) {
            // In a list, "unspecified" would count as an entry (an art. 9(2) condition, an
            // action) while meaning nothing.
            Error("enum.unspecified_in_list", path(),
                  absl::StrCat(field->enum_type()->FindValueByNumber(0)->name(),
                               " (0) means \"not specified\" and cannot be an entry of ",
                               field->name()));
          }
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
          std::string scratch;
          const std::string& value =
              field->is_repeated()
                  ? reflection->GetRepeatedStringReference(message, field, i, &scratch)
                  : reflection->GetStringReference(message, field, &scratch);
          if (!IsValidUtf8(value)) {
            Error("string.invalid_utf8", path(), "this text is not valid UTF-8");
          }
        } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          CheckEnums(field->is_repeated() ? reflection->GetRepeatedMessage(message, field, i)
                                          : reflection->GetMessage(message, field),
                     path());
        }
      }
    }
  }

  void CheckController() {
    const bool has_controller = p_.has_controller();
    const v1::Controller& c = p_.controller();
    if (!has_controller || c.name().empty()) {
      Error("controller.missing", has_controller ? "controller.name" : "controller",
            "the register must name the controller (GDPR art. 30(1)(a)): set controller.name");
    }
    if (has_controller && c.contact().empty()) {
      Error("controller.contact_missing", "controller.contact",
            "the register must give the controller's contact details (art. 30(1)(a))");
    }
    if (c.public_authority() && (p_.dpo().name().empty() || p_.dpo().contact().empty())) {
      Error("dpo.missing", p_.has_dpo() ? "dpo" : "controller.public_authority",
            "a public authority must designate a data protection officer (GDPR art. 37(1)(a)): "
            "set dpo.name and dpo.contact");
    }
  }

  void CheckSizes() {
    if (p_.roles_size() > kMaxRoles) {
      Error("policy.too_many_entries", Path("roles", kMaxRoles),
            absl::StrCat("the policy declares ", p_.roles_size(), " roles; at most ", kMaxRoles,
                         " are accepted"));
    }
    if (p_.data_categories_size() > kMaxDataCategories) {
      Error("policy.too_many_entries", Path("data_categories", kMaxDataCategories),
            absl::StrCat("the policy declares ", p_.data_categories_size(),
                         " data categories; at most ", kMaxDataCategories, " are accepted"));
    }
  }

  bool HasCapability(v1::ControllerCapability capability) const {
    for (int c : p_.controller().capabilities()) {
      if (c == capability) return true;
    }
    return false;
  }

  // Registers the ids of a list, reporting missing, invalid and duplicate ones.
  template <typename List, typename OnEntry>
  void Declare(const List& list, absl::string_view field, absl::string_view what,
               OnEntry on_entry) {
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < list.size(); ++i) {
      const std::string& id = list.Get(i).id();
      const std::string path = Path(field, i, "id");
      if (id.empty()) {
        Error("id.missing", path, absl::StrCat("this ", what, " has no id"));
        continue;
      }
      if (!IsValidId(id)) {
        Error("id.invalid", path, InvalidIdMessage(absl::StrCat("the ", what, " id"), id));
        continue;
      }
      if (!seen.insert(id).second) {
        Error("id.duplicate", path, absl::StrCat("the ", what, " id '", id, "' is declared twice"));
        continue;
      }
      on_entry(id, list.Get(i), i);
    }
  }

  void CollectDeclarations() {
    Declare(p_.data_categories(), "data_categories", "data category",
            [&](const std::string& id, const v1::DataCategory& c, int i) {
              if (c.sensitivity() == v1::DATA_SENSITIVITY_UNSPECIFIED) {
                Error("data_category.sensitivity_missing",
                      Path("data_categories", i, "sensitivity"),
                      absl::StrCat("data category '", id,
                                   "' has no sensitivity: ORDINARY, SPECIAL_CATEGORY (art. 9), "
                                   "OFFENCE (art. 10) or NIR"));
              }
              if (c.sensitivity() == v1::OFFENCE && !HasCapability(v1::LIL_ART46)) {
                Error("controller.offence_capability_missing",
                      Path("data_categories", i, "sensitivity"),
                      absl::StrCat("data category '", id,
                                   "' holds offence data, which only a controller authorised by "
                                   "loi Informatique et Libertés art. 46 may process: add "
                                   "LIL_ART46 to controller.capabilities or remove the category"));
              }
              categories_.emplace(id, CategoryInfo{static_cast<DataSensitivity>(c.sensitivity())});
            });
    Declare(p_.person_categories(), "person_categories", "person category",
            [&](const std::string& id, const v1::PersonCategory&, int) {
              person_categories_.insert(id);
            });
    Declare(p_.roles(), "roles", "role", [&](const std::string& id, const v1::Role& r, int) {
      uint32_t caps = 0;
      for (int c : r.capabilities()) {
        if (c >= 0 && c < 32) caps |= 1u << c;
      }
      roles_.emplace(id, RoleInfo{r.secrecy(), caps});
    });
    Declare(p_.activities(), "activities", "activity",
            [&](const std::string& id, const v1::Activity& a, int) {
              activities_.insert(id);
              if (a.purpose_kind() == v1::Activity::STATISTICS) statistics_activities_.insert(id);
            });
    Declare(p_.sharing_rules(), "sharing_rules", "sharing rule",
            [&](const std::string&, const v1::SharingRule&, int) {});
    Declare(p_.pseudonym_domains(), "pseudonym_domains", "pseudonymisation domain",
            [&](const std::string& id, const v1::PseudonymDomain& d, int) {
              domains_.emplace(id, &d);
            });
    Declare(p_.pseudonymisation_profiles(), "pseudonymisation_profiles", "pseudonymisation profile",
            [&](const std::string&, const v1::PseudonymisationProfile&, int) {});
    Declare(p_.break_glass().reason_codes(), "break_glass.reason_codes", "reason code",
            [&](const std::string&, const v1::BreakGlass::ReasonCode&, int) {});
  }

  // A path given as a string, or as a function that builds it (only for a problem).
  static std::string PathOf(std::string path) { return path; }
  template <typename MakePath>
  static std::string PathOf(MakePath&& make_path) {
    return make_path();
  }

  // Reports an unknown reference; returns whether `id` names a declared entry. `path` is the
  // field path or a function returning it, called only when the reference is reported.
  template <typename Set, typename PathOrMaker>
  bool Known(const Set& set, const std::string& id, absl::string_view what, PathOrMaker&& path) {
    if (set.contains(id)) return true;
    if (reported_ >= kMaxReportedDiagnostics) {  // only counted: skip building the message
      ++suppressed_errors_;
      return false;
    }
    Error("reference.unknown", PathOf(std::forward<PathOrMaker>(path)),
          absl::StrCat("unknown ", what, " '", id.substr(0, kMaxIdLength), "': declare it first"));
    return false;
  }

  void CheckActivities() {
    if (p_.activities().empty()) {
      Error("activity.none", "activities",
            "the register has no processing activity: declare at least one");
    }
    for (int i = 0; i < p_.activities_size(); ++i) CheckActivity(p_.activities(i), i);
  }

  void CheckActivity(const v1::Activity& a, int i) {
    const std::string at = Path("activities", i);
    const std::string who = absl::StrCat("activity '", a.id(), "'");
    auto field = [&](absl::string_view f) { return absl::StrCat(at, ".", f); };

    if (a.purpose().empty()) {
      Error("activity.purpose_missing", field("purpose"),
            absl::StrCat(who, " has no purpose (art. 30(1)(b))"));
    }
    if (a.purpose_kind() == v1::Activity::PURPOSE_KIND_UNSPECIFIED) {
      Error("activity.purpose_kind_missing", field("purpose_kind"),
            absl::StrCat(who, " has no purpose_kind (SOCIAL_SUPPORT, ALERTS, BENEFITS…)"));
    }
    if (a.legal_basis() == v1::LEGAL_BASIS_UNSPECIFIED) {
      Error("activity.legal_basis_missing", field("legal_basis"),
            absl::StrCat(who, " has no legal basis: set exactly one GDPR art. 6(1) basis"));
    }
    if ((a.legal_basis() == v1::LEGAL_OBLIGATION || a.legal_basis() == v1::PUBLIC_TASK) &&
        a.legal_basis_reference().empty()) {
      Error("activity.legal_basis_reference_missing", field("legal_basis_reference"),
            absl::StrCat(who,
                         " relies on a legal obligation or a public task, which must be laid down "
                         "by law (art. 6(3)): cite the text in legal_basis_reference"));
    }
    if (a.legal_basis() == v1::LEGITIMATE_INTERESTS && a.public_task() &&
        p_.controller().public_authority()) {
      Error("activity.legitimate_interests_public_authority", field("legal_basis"),
            absl::StrCat(who,
                         " is a public task of a public authority, which cannot rely on "
                         "legitimate interests (art. 6(1) last paragraph): use PUBLIC_TASK"));
    }
    if (a.data_categories().empty()) {
      Error("activity.data_categories_missing", field("data_categories"),
            absl::StrCat(who, " declares no category of personal data (art. 30(1)(c))"));
    }
    if (a.person_categories().empty()) {
      Error("activity.person_categories_missing", field("person_categories"),
            absl::StrCat(who, " declares no category of persons (art. 30(1)(c))"));
    }
    if (a.recipients().empty()) {
      Error("activity.recipients_missing", field("recipients"),
            absl::StrCat(who, " declares no category of recipients (art. 30(1)(d))"));
    }
    if (a.security_measures().empty()) {
      Warning("activity.security_measures_missing", field("security_measures"),
              absl::StrCat(who, " describes no security measure (art. 30(1)(g))"));
    }
    const bool needs_dpia = a.purpose_kind() == v1::Activity::SOCIAL_SUPPORT ||
                            a.purpose_kind() == v1::Activity::ALERTS ||
                            a.purpose_kind() == v1::Activity::CHILD_PROTECTION;
    if (needs_dpia && a.dpia_reference().empty()) {
      Error("activity.dpia_missing", field("dpia_reference"),
            absl::StrCat(who,
                         " is social support, alert handling or child protection, which needs a "
                         "DPIA (CNIL délib. 2018-327): set dpia_reference"));
    }

    absl::flat_hash_set<std::string> declared;
    bool uses_special = false, uses_offence = false, uses_nir = false;
    int nir_index = 0;
    for (int j = 0; j < a.data_categories_size(); ++j) {
      const std::string& c = a.data_categories(j);
      const std::string path = Path(field("data_categories"), j);
      if (!Known(categories_, c, "data category", path)) continue;
      declared.insert(c);
      switch (categories_.at(c).sensitivity) {
        case DataSensitivity::kSpecialCategory:
          uses_special = true;
          break;
        case DataSensitivity::kOffence:
          uses_offence = true;
          break;
        case DataSensitivity::kNir:
          uses_nir = true;
          nir_index = j;
          break;
        default:
          break;
      }
      used_categories_.insert(c);
    }
    for (int j = 0; j < a.person_categories_size(); ++j) {
      Known(person_categories_, a.person_categories(j), "person category",
            Path(field("person_categories"), j));
    }
    if (uses_special && a.special_category_conditions().empty()) {
      Error("activity.special_category_condition_missing", field("special_category_conditions"),
            absl::StrCat(who,
                         " processes special categories of data (art. 9): name the art. 9(2) "
                         "condition that allows it"));
    }
    if (uses_offence && a.offence_data_authorisation().empty()) {
      Error(
          "activity.offence_authorisation_missing", field("offence_data_authorisation"),
          absl::StrCat(who, " processes offence data (art. 10): cite the text that authorises it"));
    }
    if (uses_nir && a.purpose_kind() == v1::Activity::STATISTICS) {
      Error("activity.nir_in_statistics", Path(field("data_categories"), nir_index),
            absl::StrCat(who,
                         " is a statistics activity and lists the NIR, which never goes into "
                         "statistics (REQ-44): remove the category"));
    } else if (uses_nir && !a.nir_authorised()) {
      Error("activity.nir_not_authorised", field("nir_authorised"),
            absl::StrCat(who,
                         " uses the NIR, which may only be processed where a text authorises it: "
                         "set nir_authorised after checking, or remove the category"));
    }
    for (int j = 0; j < a.recipients_size(); ++j) {
      const v1::Recipient& r = a.recipients(j);
      if (r.name().empty()) {
        Error("recipient.name_missing", Path(field("recipients"), j, "name"),
              absl::StrCat(who, " has a recipient without a name"));
      }
      if (r.kind() == v1::Recipient::KIND_UNSPECIFIED) {
        Error("recipient.kind_missing", Path(field("recipients"), j, "kind"),
              absl::StrCat(who,
                           " has a recipient without a kind (INTERNAL, PARTNER, AUTHORITY, "
                           "PROCESSOR)"));
      }
    }
    for (int j = 0; j < a.transfers_size(); ++j) {
      if (a.transfers(j).safeguard().empty()) {
        Error("activity.transfer_safeguard_missing", Path(field("transfers"), j, "safeguard"),
              absl::StrCat(who,
                           " transfers data outside the EU without a documented safeguard "
                           "(art. 30(1)(e), art. 46)"));
      }
    }
    CheckRetention(a, at, who, declared);
  }

  void CheckRetention(const v1::Activity& a, const std::string& at, const std::string& who,
                      const absl::flat_hash_set<std::string>& declared) {
    absl::flat_hash_set<std::string> covered;
    for (int j = 0; j < a.retention_size(); ++j) {
      const v1::RetentionRule& r = a.retention(j);
      const std::string rule = Path(absl::StrCat(at, ".retention"), j);
      const std::string cat_path = absl::StrCat(rule, ".data_category");
      if (r.data_category().empty()) {
        Error("retention.category_not_in_activity", cat_path,
              absl::StrCat(who, " has a retention rule that names no data category"));
      } else if (Known(categories_, r.data_category(), "data category", cat_path)) {
        if (!declared.contains(r.data_category())) {
          Error("retention.category_not_in_activity", cat_path,
                absl::StrCat(who, " has a retention rule for '", r.data_category(),
                             "', which is not one of its data categories"));
        } else if (!covered.insert(r.data_category()).second) {
          Error("retention.duplicate", cat_path,
                absl::StrCat(who, " has two retention rules for '", r.data_category(), "'"));
        }
      }
      if (r.start() == v1::RetentionRule::START_UNSPECIFIED) {
        Error("retention.start_missing", absl::StrCat(rule, ".start"),
              absl::StrCat(who, ": a retention rule must say when it starts counting"));
      }
      // Counting from an end event (end of the follow-up, of the right, of the mandate, closure)
      // the active phase may be over at once, with only an intermediate archive after it.
      const bool from_end_event = r.start() == v1::RetentionRule::END_OF_FOLLOW_UP ||
                                  r.start() == v1::RetentionRule::END_OF_RIGHT ||
                                  r.start() == v1::RetentionRule::END_OF_MANDATE ||
                                  r.start() == v1::RetentionRule::CASE_CLOSURE;
      if (r.active_months() == 0 && !(from_end_event && r.intermediate_months() > 0)) {
        Error("retention.duration_missing", absl::StrCat(rule, ".active_months"),
              absl::StrCat(who,
                           ": a retention rule needs active_months > 0 (0 is allowed only from "
                           "an end event followed by an intermediate archive)"));
      }
      if (r.active_months() > kMaxRetentionMonths ||
          r.intermediate_months() > kMaxRetentionMonths) {
        Error("retention.duration_out_of_range",
              absl::StrCat(rule, r.active_months() > kMaxRetentionMonths ? ".active_months"
                                                                         : ".intermediate_months"),
              absl::StrCat(who, ": a retention phase lasts at most ", kMaxRetentionMonths,
                           " months (100 years)"));
      }
      if (r.hard_stop_age_years() > kMaxRetentionAgeYears) {
        Error("retention.duration_out_of_range", absl::StrCat(rule, ".hard_stop_age_years"),
              absl::StrCat(who, ": hard_stop_age_years is at most ", kMaxRetentionAgeYears));
      }
      if (r.end_action() == v1::RetentionRule::END_ACTION_UNSPECIFIED) {
        Error("retention.end_action_missing", absl::StrCat(rule, ".end_action"),
              absl::StrCat(who,
                           ": a retention rule must say what happens at its end (DELETE, "
                           "ANONYMISE or DEFINITIVE_ARCHIVE)"));
      }
    }
    for (int j = 0; j < a.data_categories_size(); ++j) {
      const std::string& c = a.data_categories(j);
      if (declared.contains(c) && !covered.contains(c)) {
        Error("retention.missing", Path(absl::StrCat(at, ".data_categories"), j),
              absl::StrCat(who, " has no retention rule for its data category '", c,
                           "' (art. 30(1)(f))"));
        covered.insert(c);  // report each category once
      }
    }
  }

  void CheckRoles() {
    if (p_.roles().empty()) {
      Error("role.none", "roles", "the policy declares no role: nobody could access anything");
    }
    for (int i = 0; i < p_.roles_size(); ++i) {
      const v1::Role& r = p_.roles(i);
      if (r.secrecy() == v1::SECRECY_STATUS_UNSPECIFIED) {
        Error("role.secrecy_missing", Path("roles", i, "secrecy"),
              absl::StrCat("role '", r.id(),
                           "' has no secrecy status: SECRECY_NONE, BY_PROFESSION or BY_MISSION "
                           "(REQ-21)"));
      } else if (r.secrecy() != v1::SECRECY_NONE && r.secrecy_reference().empty()) {
        Error("role.secrecy_reference_missing", Path("roles", i, "secrecy_reference"),
              absl::StrCat("role '", r.id(),
                           "' is bound by secrecy: cite the text (e.g. CASF L.411-3)"));
      }
    }
  }

  void CheckHabilitations() {
    for (int i = 0; i < p_.habilitations_size(); ++i) {
      const v1::Habilitation& h = p_.habilitations(i);
      const std::string at = Path("habilitations", i);
      const bool role_known = Known(roles_, h.role(), "role", absl::StrCat(at, ".role"));
      if (h.actions().empty()) {
        Error("habilitation.actions_missing", absl::StrCat(at, ".actions"),
              "a habilitation row grants no action");
      }
      if (h.data_categories().empty()) {
        Error("habilitation.categories_missing", absl::StrCat(at, ".data_categories"),
              "a habilitation row names no data category");
      }
      for (int j = 0; j < h.data_categories_size(); ++j) {
        const std::string& c = h.data_categories(j);
        auto path = [&] { return Path(absl::StrCat(at, ".data_categories"), j); };
        if (!Known(categories_, c, "data category", path) || !role_known) continue;
        const DataSensitivity s = categories_.at(c).sensitivity;
        if ((s == DataSensitivity::kSpecialCategory || s == DataSensitivity::kOffence) &&
            roles_.at(h.role()).secrecy == v1::SECRECY_NONE) {
          Error(
              "habilitation.special_category_without_secrecy", path(),
              absl::StrCat("role '", h.role(), "' is not bound by secrecy and cannot be granted '",
                           c, "', a special category (GDPR art. 9(3), REQ-03)"));
        }
      }
    }
  }

  void CheckSharingRules() {
    for (int i = 0; i < p_.sharing_rules_size(); ++i) {
      const v1::SharingRule& s = p_.sharing_rules(i);
      const std::string at = Path("sharing_rules", i);
      if (s.basis() == v1::SHARING_BASIS_UNSPECIFIED) {
        Error("sharing.basis_missing", absl::StrCat(at, ".basis"),
              absl::StrCat("sharing rule '", s.id(), "' names no legal basis"));
      }
      if (s.data_categories().empty()) {
        Error("sharing.categories_missing", absl::StrCat(at, ".data_categories"),
              absl::StrCat("sharing rule '", s.id(), "' names no data category"));
      }
      if (s.recipient_roles().empty()) {
        Error("sharing.recipients_missing", absl::StrCat(at, ".recipient_roles"),
              absl::StrCat("sharing rule '", s.id(), "' names no recipient role"));
      }
      for (int j = 0; j < s.data_categories_size(); ++j) {
        Known(categories_, s.data_categories(j), "data category",
              [&] { return Path(absl::StrCat(at, ".data_categories"), j); });
      }
      const auto basis = static_cast<SharingBasis>(s.basis());
      for (int j = 0; j < s.recipient_roles_size(); ++j) {
        const std::string& r = s.recipient_roles(j);
        auto path = [&] { return Path(absl::StrCat(at, ".recipient_roles"), j); };
        if (!Known(roles_, r, "role", path)) continue;
        if (SharingRequiresSecrecyOfBoth(basis) && roles_.at(r).secrecy == v1::SECRECY_NONE) {
          Error(
              "sharing.recipient_without_secrecy", path(),
              absl::StrCat("sharing rule '", s.id(), "' uses ", LegalReference(basis),
                           ", which requires a recipient bound by secrecy; role '", r, "' is not"));
        }
      }
    }
  }

  void CheckBreakGlass() {
    const v1::BreakGlass& b = p_.break_glass();
    if (b.max_duration_minutes() > kMaxBreakGlassMinutes) {
      Error("break_glass.duration_out_of_range", "break_glass.max_duration_minutes",
            absl::StrCat("break-the-glass sessions last at most ", kMaxBreakGlassMinutes,
                         " minutes (24 h); got ", b.max_duration_minutes()));
    }
    if (!b.enabled()) return;
    if (b.reason_codes().empty()) {
      Error("break_glass.reason_codes_missing", "break_glass.reason_codes",
            "break-the-glass is enabled without reason codes to choose from (REQ-58)");
    }
    if (b.reviewer_roles().empty()) {
      Error("break_glass.reviewer_missing", "break_glass.reviewer_roles",
            "break-the-glass is enabled but nobody reviews the sessions (REQ-58 (vi))");
    }
    constexpr uint32_t kReviewers = (1u << v1::Role::REVIEWER) | (1u << v1::Role::DPO_ROLE);
    for (int j = 0; j < b.reviewer_roles_size(); ++j) {
      const std::string& r = b.reviewer_roles(j);
      const std::string path = Path("break_glass.reviewer_roles", j);
      if (!Known(roles_, r, "role", path)) continue;
      if ((roles_.at(r).capabilities & kReviewers) == 0) {
        Error("break_glass.reviewer_not_capable", path,
              absl::StrCat("role '", r,
                           "' reviews break-the-glass sessions but has neither the "
                           "REVIEWER nor the DPO_ROLE capability"));
      }
    }
    for (int j = 0; j < b.allowed_roles_size(); ++j) {
      Known(roles_, b.allowed_roles(j), "role", Path("break_glass.allowed_roles", j));
    }
  }

  // Entry-kind rules (REQ-60): one rule per kind at most, known reader roles, and no reader for a
  // working note, which is its author's alone whatever the policy says.
  void CheckEntryKinds() {
    absl::flat_hash_set<int> kinds;
    for (int i = 0; i < p_.entry_kinds_size(); ++i) {
      const v1::EntryKindRule& rule = p_.entry_kinds(i);
      const std::string at = Path("entry_kinds", i);
      if (rule.kind() == v1::ENTRY_KIND_UNSPECIFIED) {
        Error("entry_kind.kind_missing", absl::StrCat(at, ".kind"),
              "an entry-kind rule names no kind: FACT, PROFESSIONAL_APPRECIATION or "
              "THIRD_PARTY_INFORMATION");
      } else if (!kinds.insert(rule.kind()).second) {
        Error("entry_kind.duplicate", absl::StrCat(at, ".kind"),
              absl::StrCat("two entry-kind rules for ", v1::EntryKind_Name(rule.kind()),
                           ": keep one"));
      }
      if (rule.kind() == v1::WORKING_NOTE && !rule.reader_roles().empty()) {
        Error("entry_kind.working_note_readers", absl::StrCat(at, ".reader_roles"),
              "a working note is its author's alone and is never part of the file (REQ-60): "
              "remove reader_roles or share the content as another kind of entry");
      }
      for (int j = 0; j < rule.reader_roles_size(); ++j) {
        Known(roles_, rule.reader_roles(j), "role", Path(absl::StrCat(at, ".reader_roles"), j));
      }
    }
  }

  // Mandates (REQ-63 to REQ-66): declared procedure domains with their labels, habilitated
  // structures and roles without repeats, and records kept at least 6 years after their end.
  void CheckMandates() {
    if (!p_.has_mandates()) return;
    const v1::Mandates& m = p_.mandates();
    if (m.procedures().empty()) {
      Error("mandates.procedures_missing", "mandates.procedures",
            "the mandates section declares no procedure domain (démarche): declare them, e.g. "
            "papers, family, social, work, housing, transport, money, justice, abroad, leisure");
    }
    Declare(m.procedures(), "mandates.procedures", "procedure domain",
            [&](const std::string& id, const v1::Mandates::Procedure& procedure, int i) {
              if (procedure.label().empty()) {
                Error("mandates.procedure_label_missing", Path("mandates.procedures", i, "label"),
                      absl::StrCat("procedure domain '", id,
                                   "' has no label: the mandate's attestation shows it"));
              }
            });
    if (m.habilitated_structures().empty()) {
      Warning("mandates.unusable", "mandates.habilitated_structures",
              "no structure is habilitated to hold mandates: none can be created");
    }
    absl::flat_hash_set<std::string> structures;
    for (int i = 0; i < m.habilitated_structures_size(); ++i) {
      const std::string& structure = m.habilitated_structures(i);
      const std::string path = Path("mandates.habilitated_structures", i);
      if (structure.empty()) {
        Error("mandates.structure_empty", path, "a habilitated structure has no name");
      } else if (!structures.insert(structure).second) {
        Error("mandates.duplicate", path,
              absl::StrCat("structure '", structure.substr(0, kMaxIdLength), "' is listed twice"));
      }
    }
    if (m.roles().empty()) {
      Warning("mandates.unusable", "mandates.roles",
              "no role may create or use mandates: list the roles of the salaried aidants");
    }
    absl::flat_hash_set<std::string> roles;
    for (int i = 0; i < m.roles_size(); ++i) {
      const std::string& role = m.roles(i);
      const std::string path = Path("mandates.roles", i);
      if (!Known(roles_, role, "role", path)) continue;
      if (!roles.insert(role).second) {
        Error("mandates.duplicate", path, absl::StrCat("role '", role, "' is listed twice"));
      }
    }
    if (m.has_retention_years_after_end()) {
      const uint32_t years = m.retention_years_after_end();
      if (years < kMinMandateRetentionYears) {
        Error("mandates.retention_out_of_range", "mandates.retention_years_after_end",
              absl::StrCat("mandate records are kept at least ", kMinMandateRetentionYears,
                           " years after the mandate ends (REQ-66); got ", years));
      } else if (years > kMaxMandateRetentionYears) {
        Error("mandates.retention_out_of_range", "mandates.retention_years_after_end",
              absl::StrCat("retention_years_after_end is ", years, "; at most ",
                           kMaxMandateRetentionYears, " are accepted"));
      }
    }
  }

  void CheckPseudonymDomains() {
    for (int i = 0; i < p_.pseudonym_domains_size(); ++i) {
      const v1::PseudonymDomain& d = p_.pseudonym_domains(i);
      const std::string at = Path("pseudonym_domains", i);
      if (!d.activity().empty()) {
        Known(activities_, d.activity(), "activity", absl::StrCat(at, ".activity"));
      }
      if ((d.kind() == v1::PseudonymDomain::PERSON ||
           d.kind() == v1::PseudonymDomain::RELATIONSHIP) &&
          d.linkage_justification().empty()) {
        Error("pseudonym.linkage_justification_missing", absl::StrCat(at, ".linkage_justification"),
              absl::StrCat("domain '", d.id(),
                           "' links pseudonyms across exports: document why in "
                           "linkage_justification, or use TRANSACTION pseudonyms (REQ-48)"));
      }
    }
  }

  void CheckPseudonymisationProfiles() {
    for (int i = 0; i < p_.pseudonymisation_profiles_size(); ++i) {
      CheckPseudonymisationProfile(p_.pseudonymisation_profiles(i), i);
    }
  }

  void CheckPseudonymisationProfile(const v1::PseudonymisationProfile& profile, int i) {
    using Profile = v1::PseudonymisationProfile;
    const std::string at = Path("pseudonymisation_profiles", i);
    auto field = [&](absl::string_view f) { return absl::StrCat(at, ".", f); };
    const std::string who = absl::StrCat("pseudonymisation profile '", profile.id(), "'");

    const v1::PseudonymDomain* domain = nullptr;
    if (profile.domain().empty()) {
      Error("profile.domain_missing", field("domain"),
            absl::StrCat(who,
                         " names no pseudonymisation domain: set domain to a "
                         "pseudonym_domains id (REQ-47)"));
    } else if (Known(domains_, profile.domain(), "pseudonymisation domain", field("domain"))) {
      domain = domains_.at(profile.domain());
    }
    if (profile.activity().empty()) {
      Error("profile.activity_missing", field("activity"),
            absl::StrCat(who,
                         " names no activity: the dataset inherits the retention and the "
                         "access rules of the activity its records come from (REQ-52)"));
    } else {
      Known(activities_, profile.activity(), "activity", field("activity"));
    }
    if (profile.purpose().empty()) {
      Error("profile.purpose_missing", field("purpose"),
            absl::StrCat(who, " has no purpose: say what the dataset is for"));
    }
    if (profile.recipient().empty() && (domain == nullptr || domain->recipient().empty())) {
      Error("profile.recipient_missing", field("recipient"),
            absl::StrCat(who, " names no recipient, and neither does its domain"));
    }

    absl::flat_hash_set<std::string> seen;
    for (int j = 0; j < profile.fields_size(); ++j) {
      const Profile::FieldTreatment& f = profile.fields(j);
      const std::string fat = absl::StrCat(at, ".fields[", j, "]");
      auto ffield = [&](absl::string_view name) { return absl::StrCat(fat, ".", name); };
      if (!IsValidId(f.name())) {
        Error("profile.field_name_invalid", ffield("name"),
              absl::StrCat(who,
                           ": a field name must be an Identity field, an entry attribute "
                           "or an entry field's name (1 to 64 characters a-z, 0-9 and _, "
                           "starting with a letter)"));
        continue;
      }
      if (!seen.insert(f.name()).second) {
        Error("profile.field_duplicate", ffield("name"),
              absl::StrCat(who, " lists the field '", f.name(), "' twice"));
        continue;
      }
      CheckFieldTreatment(f, who, ffield);
    }
  }

  template <typename FieldPath>
  void CheckFieldTreatment(const v1::PseudonymisationProfile::FieldTreatment& f,
                           const std::string& who, FieldPath&& ffield) {
    using Profile = v1::PseudonymisationProfile;
    const ProfileField kind = FindProfileField(f.name());
    const std::string what = absl::StrCat(who, ", field '", f.name(), "'");
    const auto t = f.treatment();
    if (t == Profile::TREATMENT_UNSPECIFIED) {
      Error("profile.treatment_missing", ffield("treatment"),
            absl::StrCat(what,
                         " has no treatment: DROP, PSEUDONYMISE, GENERALISE, KEEP or "
                         "REDACT"));
      return;
    }
    if (kind == ProfileField::kNir) {
      if (t != Profile::DROP) {
        Error("profile.nir_forbidden", ffield("treatment"),
              absl::StrCat(what,
                           ": the NIR is never part of a pseudonymised dataset, not even "
                           "pseudonymised (REQ-44); use DROP or leave it out"));
      }
      return;
    }
    if (IsDirectIdentifier(kind) && (t == Profile::KEEP || t == Profile::PSEUDONYMISE)) {
      Error("profile.identifier_forbidden", ffield("treatment"),
            absl::StrCat(what,
                         " is a direct identifier: it is never kept nor pseudonymised (the "
                         "record's subject already is the person's pseudonym; REQ-46)",
                         kind == ProfileField::kBirthDate
                             ? "; generalise it (AGE_BAND_5, AGE_BAND_10, BIRTH_YEAR) or drop it"
                             : "; drop it"));
      return;
    }
    if (IsFreeText(kind) && t != Profile::DROP && t != Profile::REDACT) {
      Error("profile.free_text_forbidden", ffield("treatment"),
            absl::StrCat(what,
                         " is free text: it is released only through REDACT (the "
                         "redactor), or dropped"));
      return;
    }
    if (t == Profile::REDACT && !IsFreeText(kind) && kind != ProfileField::kEntryField) {
      Error("profile.treatment_not_applicable", ffield("treatment"),
            absl::StrCat(what, ": REDACT applies to free text (text, title, entry fields)"));
      return;
    }
    const auto g = f.generalisation();
    if (t != Profile::GENERALISE) {
      if (g != Profile::GENERALISATION_UNSPECIFIED || !f.bracket_bounds().empty() ||
          f.open_from_age() != 0) {
        Error("profile.generalisation_invalid", ffield("generalisation"),
              absl::StrCat(what, " has a generalisation but its treatment is not GENERALISE"));
      }
      if (t == Profile::PSEUDONYMISE &&
          (kind == ProfileField::kCreatedAt || kind == ProfileField::kKind)) {
        Error("profile.treatment_not_applicable", ffield("treatment"),
              absl::StrCat(what,
                           ": a date or a kind of entry is kept or generalised, not "
                           "pseudonymised"));
      }
      return;
    }
    if (g == Profile::GENERALISATION_UNSPECIFIED) {
      Error("profile.generalisation_missing", ffield("generalisation"),
            absl::StrCat(what,
                         " is generalised without a generalisation: AGE_BAND_5, "
                         "AGE_BAND_10, BIRTH_YEAR, DATE_MONTH, DATE_YEAR, DEPARTEMENT or "
                         "AMOUNT_BRACKETS"));
      return;
    }
    const bool entry_field = kind == ProfileField::kEntryField;
    bool applies = false;
    switch (g) {
      case Profile::AGE_BAND_5:
      case Profile::AGE_BAND_10:
      case Profile::BIRTH_YEAR:
        applies = entry_field || kind == ProfileField::kBirthDate;
        break;
      case Profile::DATE_MONTH:
        applies = entry_field || kind == ProfileField::kCreatedAt;
        break;
      case Profile::DATE_YEAR:
        applies =
            entry_field || kind == ProfileField::kCreatedAt || kind == ProfileField::kBirthDate;
        break;
      case Profile::DEPARTEMENT:
        applies = entry_field || kind == ProfileField::kPostcode ||
                  kind == ProfileField::kCommune || kind == ProfileField::kBirthPlace;
        break;
      case Profile::AMOUNT_BRACKETS:
        applies = entry_field;
        break;
      default:
        break;
    }
    if (!applies) {
      Error("profile.treatment_not_applicable", ffield("generalisation"),
            absl::StrCat(what, ": ", Profile::Generalisation_Name(g),
                         " does not apply to this field (docs/pseudonymised-datasets.md lists "
                         "which generalisation fits which field)"));
      return;
    }
    const bool age_band = g == Profile::AGE_BAND_5 || g == Profile::AGE_BAND_10;
    if (g == Profile::AMOUNT_BRACKETS) {
      bool increasing = !f.bracket_bounds().empty() && f.bracket_bounds_size() <= 1000;
      for (int k = 1; increasing && k < f.bracket_bounds_size(); ++k) {
        increasing = f.bracket_bounds(k - 1) < f.bracket_bounds(k);
      }
      if (!increasing) {
        Error("profile.generalisation_invalid", ffield("bracket_bounds"),
              absl::StrCat(what,
                           ": AMOUNT_BRACKETS needs 1 to 1000 strictly increasing "
                           "bracket_bounds"));
      }
    } else if (!f.bracket_bounds().empty()) {
      Error("profile.generalisation_invalid", ffield("bracket_bounds"),
            absl::StrCat(what, ": bracket_bounds apply only to AMOUNT_BRACKETS"));
    }
    if (f.open_from_age() != 0) {
      const uint32_t width = g == Profile::AGE_BAND_5 ? 5 : 10;
      if (!age_band || f.open_from_age() % width != 0 || f.open_from_age() > 150) {
        Error("profile.generalisation_invalid", ffield("open_from_age"),
              absl::StrCat(what,
                           ": open_from_age applies to AGE_BAND_5 and AGE_BAND_10 only, "
                           "as a multiple of the band's width up to 150"));
      }
    }
  }

  void CheckStatistics() {
    const v1::Statistics& s = p_.statistics();
    if (s.has_small_cell_threshold() && s.small_cell_threshold() < 3) {
      Error("statistics.threshold_too_low", "statistics.small_cell_threshold",
            absl::StrCat("small_cell_threshold is ", s.small_cell_threshold(),
                         "; it must be at least 3 (INSEE frequency rule, REQ-53); 10 or 11 is "
                         "usual for data on persons"));
    }
    if (s.has_dominance_percent() && (s.dominance_percent() < 50 || s.dominance_percent() > 100)) {
      Error("statistics.dominance_out_of_range", "statistics.dominance_percent",
            absl::StrCat("dominance_percent is ", s.dominance_percent(),
                         "; it must be between 50 and 100 (85 is INSEE's rule)"));
    }
    Declare(s.privacy_budgets(), "statistics.privacy_budgets", "privacy budget",
            [&](const std::string& id, const v1::PrivacyBudgetDeclaration& b, int i) {
              const std::string at = Path("statistics.privacy_budgets", i);
              if (Known(activities_, b.activity(), "activity", absl::StrCat(at, ".activity")) &&
                  !statistics_activities_.contains(b.activity())) {
                Error("statistics.budget_activity_not_statistics", absl::StrCat(at, ".activity"),
                      absl::StrCat("privacy budget '", id, "': activity '", b.activity(),
                                   "' does not have the purpose STATISTICS"));
              }
              if (!b.has_epsilon()) {
                Error("statistics.budget_epsilon_missing", absl::StrCat(at, ".epsilon"),
                      absl::StrCat("privacy budget '", id,
                                   "' has no epsilon: write it as a fraction, e.g. epsilon { "
                                   "numerator: 1 denominator: 1 }"));
                return;
              }
              const Rational epsilon{b.epsilon().numerator(), b.epsilon().denominator()};
              const Rational delta = b.has_delta()
                                         ? Rational{b.delta().numerator(), b.delta().denominator()}
                                         : Rational{0, 1};
              const auto budget = PrivacyBudget::Create(epsilon, delta);
              if (!budget.ok()) {
                Error("statistics.budget_invalid", at,
                      absl::StrCat("privacy budget '", id, "': ", budget.status().message()));
              }
            });
  }

  // Properties (docs/policy-analysis.md): ids unique, statements that parse and name only what
  // the policy declares. Whether they hold is the analysis's to say (`socle policy check`).
  void CheckProperties() {
    absl::flat_hash_set<std::string> ids;
    for (int i = 0; i < p_.properties_size(); ++i) {
      const v1::Property& property = p_.properties(i);
      auto field = [&](absl::string_view f) { return Path("properties", i, f); };
      if (!IsValidId(property.id())) {
        Error("property.id_invalid", field("id"),
              InvalidIdMessage("the property id", property.id()));
      } else if (!ids.insert(property.id()).second) {
        Error("property.id_duplicate", field("id"),
              absl::StrCat("property '", property.id(), "' is declared twice"));
      }
      if (property.statement().empty()) {
        Error("property.statement_missing", field("statement"),
              "the property has no statement (docs/policy-analysis.md gives the grammar)");
        continue;
      }
      absl::StatusOr<PropertyStatement> statement = ParsePropertyStatement(property.statement());
      if (!statement.ok()) {
        Error("property.statement_syntax", field("statement"),
              std::string(statement.status().message()));
        continue;
      }
      if (absl::StatusOr<PropertyDomain> domain = ResolveProperty(*statement, p_); !domain.ok()) {
        Error("property.unknown_name", field("statement"), std::string(domain.status().message()));
      }
    }
  }

  void CheckLogRetention() {
    const v1::LogRetention& l = p_.log_retention();
    if (!l.has_months()) return;
    const uint32_t m = l.months();
    if (m < 6 || m > 36) {
      Error("log_retention.out_of_range", "log_retention.months",
            absl::StrCat("access logs are kept 6 to 12 months, at most 36 with a documented "
                         "internal-control justification (CNIL délib. 2021-122); got ",
                         m));
    } else if (m > 12 && l.internal_control_justification().empty()) {
      Error("log_retention.justification_missing", "log_retention.internal_control_justification",
            absl::StrCat("keeping access logs ", m,
                         " months needs a documented internal-control justification "
                         "(CNIL délib. 2021-122)"));
    }
  }

  void CheckUnusedCategories() {
    for (int i = 0; i < p_.data_categories_size(); ++i) {
      const std::string& id = p_.data_categories(i).id();
      if (categories_.contains(id) && !used_categories_.contains(id)) {
        Warning("data_category.unused", Path("data_categories", i, "id"),
                absl::StrCat("data category '", id, "' is used by no activity"));
      }
    }
  }

  void ReportTruncation() {
    const size_t suppressed = suppressed_errors_ + suppressed_warnings_;
    if (suppressed == 0) return;
    Diagnostic d;
    d.severity =
        suppressed_errors_ > 0 ? Diagnostic::Severity::kError : Diagnostic::Severity::kWarning;
    d.code = kTruncatedCode;
    d.message =
        absl::StrCat(suppressed, " more problems not shown (", suppressed_errors_,
                     suppressed_errors_ == 1 ? " error, " : " errors, ", suppressed_warnings_,
                     suppressed_warnings_ == 1 ? " warning" : " warnings", "): only the first ",
                     kMaxReportedDiagnostics, " are reported; fix them and check again");
    out_->push_back(std::move(d));
  }

  const v1::Policy& p_;
  std::vector<Diagnostic>* out_;
  size_t reported_ = 0;
  size_t suppressed_errors_ = 0;
  size_t suppressed_warnings_ = 0;
  absl::flat_hash_map<std::string, CategoryInfo> categories_;
  absl::flat_hash_map<std::string, RoleInfo> roles_;
  absl::flat_hash_set<std::string> person_categories_;
  absl::flat_hash_set<std::string> activities_;
  absl::flat_hash_set<std::string> statistics_activities_;  // purpose_kind STATISTICS
  absl::flat_hash_set<std::string> used_categories_;
  absl::flat_hash_map<std::string, const v1::PseudonymDomain*> domains_;
};

}  // namespace

void ValidatePolicy(const v1::Policy& policy, std::vector<Diagnostic>* out) {
  Validator(policy, out).Run();
}

}  // namespace socle::policy_internal
