#include "socle/vocabulary.hpp"

namespace socle {

absl::string_view Name(DataSensitivity value) {
  switch (value) {
    case DataSensitivity::kOrdinary: return "ordinary";
    case DataSensitivity::kSpecialCategory: return "special_category";
    case DataSensitivity::kOffence: return "offence";
    case DataSensitivity::kNir: return "nir";
    default: return "unspecified";
  }
}

absl::string_view Name(EntryKind value) {
  switch (value) {
    case EntryKind::kFact: return "fact";
    case EntryKind::kAppreciation: return "appreciation";
    case EntryKind::kThirdPartyInformation: return "third_party_information";
    case EntryKind::kWorkingNote: return "working_note";
    default: return "unspecified";
  }
}

absl::string_view Name(Action value) {
  switch (value) {
    case Action::kRead: return "read";
    case Action::kWrite: return "write";
    case Action::kDelete: return "delete";
    case Action::kExport: return "export";
    case Action::kPrint: return "print";
    case Action::kShare: return "share";
    default: return "unspecified";
  }
}

absl::string_view Name(LegalBasis value) {
  switch (value) {
    case LegalBasis::kConsent: return "consent";
    case LegalBasis::kContract: return "contract";
    case LegalBasis::kLegalObligation: return "legal_obligation";
    case LegalBasis::kVitalInterests: return "vital_interests";
    case LegalBasis::kPublicTask: return "public_task";
    case LegalBasis::kLegitimateInterests: return "legitimate_interests";
    default: return "unspecified";
  }
}

absl::string_view Name(SpecialCategoryCondition value) {
  switch (value) {
    case SpecialCategoryCondition::kExplicitConsent: return "explicit_consent";
    case SpecialCategoryCondition::kEmploymentAndSocialProtection:
      return "employment_and_social_protection";
    case SpecialCategoryCondition::kVitalInterests: return "vital_interests";
    case SpecialCategoryCondition::kNotForProfitBody: return "not_for_profit_body";
    case SpecialCategoryCondition::kMadePublicByPerson: return "made_public_by_person";
    case SpecialCategoryCondition::kLegalClaims: return "legal_claims";
    case SpecialCategoryCondition::kSubstantialPublicInterest:
      return "substantial_public_interest";
    case SpecialCategoryCondition::kHealthOrSocialCare: return "health_or_social_care";
    case SpecialCategoryCondition::kPublicHealth: return "public_health";
    case SpecialCategoryCondition::kArchivingResearchStatistics:
      return "archiving_research_statistics";
    default: return "unspecified";
  }
}

absl::string_view Name(SecrecyStatus value) {
  switch (value) {
    case SecrecyStatus::kNone: return "none";
    case SecrecyStatus::kByProfession: return "by_profession";
    case SecrecyStatus::kByMission: return "by_mission";
    default: return "unspecified";
  }
}

absl::string_view Name(SharingBasis value) {
  switch (value) {
    case SharingBasis::kCspL1110_4_II: return "csp_l1110_4_ii";
    case SharingBasis::kCspL1110_4_IIITeam: return "csp_l1110_4_iii_team";
    case SharingBasis::kCspL1110_4_IIIConsent: return "csp_l1110_4_iii_consent";
    case SharingBasis::kCasfL226_2_2: return "casf_l226_2_2";
    case SharingBasis::kCasfL226_2_1: return "casf_l226_2_1";
    case SharingBasis::kCasfL121_6_2: return "casf_l121_6_2";
    case SharingBasis::kCp226_14: return "cp_226_14";
    case SharingBasis::kLegalObligation: return "legal_obligation";
    default: return "unspecified";
  }
}

absl::string_view Name(ControllerCapability value) {
  switch (value) {
    case ControllerCapability::kLilArt46: return "lil_art46";
    default: return "unspecified";
  }
}

absl::string_view LegalReference(LegalBasis value) {
  switch (value) {
    case LegalBasis::kConsent: return "GDPR art. 6(1)(a) consent";
    case LegalBasis::kContract: return "GDPR art. 6(1)(b) contract";
    case LegalBasis::kLegalObligation: return "GDPR art. 6(1)(c) legal obligation";
    case LegalBasis::kVitalInterests: return "GDPR art. 6(1)(d) vital interests";
    case LegalBasis::kPublicTask: return "GDPR art. 6(1)(e) public task";
    case LegalBasis::kLegitimateInterests: return "GDPR art. 6(1)(f) legitimate interests";
    default: return "unspecified";
  }
}

absl::string_view LegalReference(SpecialCategoryCondition value) {
  switch (value) {
    case SpecialCategoryCondition::kExplicitConsent: return "GDPR art. 9(2)(a) explicit consent";
    case SpecialCategoryCondition::kEmploymentAndSocialProtection:
      return "GDPR art. 9(2)(b) employment and social protection law";
    case SpecialCategoryCondition::kVitalInterests: return "GDPR art. 9(2)(c) vital interests";
    case SpecialCategoryCondition::kNotForProfitBody:
      return "GDPR art. 9(2)(d) not-for-profit body";
    case SpecialCategoryCondition::kMadePublicByPerson:
      return "GDPR art. 9(2)(e) made public by the person";
    case SpecialCategoryCondition::kLegalClaims: return "GDPR art. 9(2)(f) legal claims";
    case SpecialCategoryCondition::kSubstantialPublicInterest:
      return "GDPR art. 9(2)(g) substantial public interest";
    case SpecialCategoryCondition::kHealthOrSocialCare:
      return "GDPR art. 9(2)(h) health or social care";
    case SpecialCategoryCondition::kPublicHealth: return "GDPR art. 9(2)(i) public health";
    case SpecialCategoryCondition::kArchivingResearchStatistics:
      return "GDPR art. 9(2)(j) archiving, research or statistics";
    default: return "unspecified";
  }
}

absl::string_view LegalReference(SharingBasis value) {
  switch (value) {
    case SharingBasis::kCspL1110_4_II: return "CSP L.1110-4 II";
    case SharingBasis::kCspL1110_4_IIITeam: return "CSP L.1110-4 III (same care team)";
    case SharingBasis::kCspL1110_4_IIIConsent: return "CSP L.1110-4 III (consent)";
    case SharingBasis::kCasfL226_2_2: return "CASF L.226-2-2";
    case SharingBasis::kCasfL226_2_1: return "CASF L.226-2-1";
    case SharingBasis::kCasfL121_6_2: return "CASF L.121-6-2";
    case SharingBasis::kCp226_14: return "Code pénal 226-14";
    case SharingBasis::kLegalObligation: return "legal obligation or requisition";
    default: return "unspecified";
  }
}

bool SharingRequiresSecrecyOfBoth(SharingBasis basis) {
  switch (basis) {
    case SharingBasis::kCspL1110_4_II:
    case SharingBasis::kCspL1110_4_IIITeam:
    case SharingBasis::kCspL1110_4_IIIConsent:
    case SharingBasis::kCasfL226_2_2:
    case SharingBasis::kCasfL121_6_2:
      return true;
    default:
      return false;
  }
}

bool SharingRequiresSameCase(SharingBasis basis) { return SharingRequiresSecrecyOfBoth(basis); }

bool SharingRequiresConsent(SharingBasis basis) {
  return basis == SharingBasis::kCspL1110_4_IIIConsent;
}

bool SharingIsMandatoryReport(SharingBasis basis) {
  return basis == SharingBasis::kCp226_14 || basis == SharingBasis::kCasfL226_2_1;
}

}  // namespace socle
