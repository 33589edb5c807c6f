// The closed vocabularies: stable names, frozen values equal to the protobuf schema's enums, and
// what each French sharing basis demands.
#include "socle/vocabulary.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <set>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "socle/v1/policy.pb.h"

namespace socle {
namespace {

namespace pb = ::socle::v1;

template <typename A, typename B>
constexpr bool Same(A a, B b) {
  return static_cast<int32_t>(a) == static_cast<int32_t>(b);
}

// Every value of every enum that has a protobuf twin, pairwise.
static_assert(Same(DataSensitivity::kUnspecified, pb::DATA_SENSITIVITY_UNSPECIFIED));
static_assert(Same(DataSensitivity::kOrdinary, pb::ORDINARY));
static_assert(Same(DataSensitivity::kSpecialCategory, pb::SPECIAL_CATEGORY));
static_assert(Same(DataSensitivity::kOffence, pb::OFFENCE));
static_assert(Same(DataSensitivity::kNir, pb::NIR));

static_assert(Same(EntryKind::kUnspecified, pb::ENTRY_KIND_UNSPECIFIED));
static_assert(Same(EntryKind::kFact, pb::FACT));
static_assert(Same(EntryKind::kAppreciation, pb::PROFESSIONAL_APPRECIATION));
static_assert(Same(EntryKind::kThirdPartyInformation, pb::THIRD_PARTY_INFORMATION));
static_assert(Same(EntryKind::kWorkingNote, pb::WORKING_NOTE));

static_assert(Same(Action::kUnspecified, pb::ACTION_UNSPECIFIED));
static_assert(Same(Action::kRead, pb::READ));
static_assert(Same(Action::kWrite, pb::WRITE));
static_assert(Same(Action::kDelete, pb::DELETE));
static_assert(Same(Action::kExport, pb::EXPORT));
static_assert(Same(Action::kPrint, pb::PRINT));
static_assert(Same(Action::kShare, pb::SHARE));

static_assert(Same(LegalBasis::kUnspecified, pb::LEGAL_BASIS_UNSPECIFIED));
static_assert(Same(LegalBasis::kConsent, pb::CONSENT));
static_assert(Same(LegalBasis::kContract, pb::CONTRACT));
static_assert(Same(LegalBasis::kLegalObligation, pb::LEGAL_OBLIGATION));
static_assert(Same(LegalBasis::kVitalInterests, pb::VITAL_INTERESTS));
static_assert(Same(LegalBasis::kPublicTask, pb::PUBLIC_TASK));
static_assert(Same(LegalBasis::kLegitimateInterests, pb::LEGITIMATE_INTERESTS));

static_assert(Same(SpecialCategoryCondition::kUnspecified,
                   pb::SPECIAL_CATEGORY_CONDITION_UNSPECIFIED));
static_assert(Same(SpecialCategoryCondition::kExplicitConsent, pb::EXPLICIT_CONSENT));
static_assert(Same(SpecialCategoryCondition::kEmploymentAndSocialProtection,
                   pb::EMPLOYMENT_AND_SOCIAL_PROTECTION));
static_assert(Same(SpecialCategoryCondition::kVitalInterests, pb::VITAL_INTERESTS_OF_PERSON));
static_assert(Same(SpecialCategoryCondition::kNotForProfitBody, pb::NOT_FOR_PROFIT_BODY));
static_assert(Same(SpecialCategoryCondition::kMadePublicByPerson, pb::MADE_PUBLIC_BY_PERSON));
static_assert(Same(SpecialCategoryCondition::kLegalClaims, pb::LEGAL_CLAIMS));
static_assert(Same(SpecialCategoryCondition::kSubstantialPublicInterest,
                   pb::SUBSTANTIAL_PUBLIC_INTEREST));
static_assert(Same(SpecialCategoryCondition::kHealthOrSocialCare, pb::HEALTH_OR_SOCIAL_CARE));
static_assert(Same(SpecialCategoryCondition::kPublicHealth, pb::PUBLIC_HEALTH));
static_assert(Same(SpecialCategoryCondition::kArchivingResearchStatistics,
                   pb::ARCHIVING_RESEARCH_STATISTICS));

static_assert(Same(SecrecyStatus::kUnspecified, pb::SECRECY_STATUS_UNSPECIFIED));
static_assert(Same(SecrecyStatus::kNone, pb::SECRECY_NONE));
static_assert(Same(SecrecyStatus::kByProfession, pb::BY_PROFESSION));
static_assert(Same(SecrecyStatus::kByMission, pb::BY_MISSION));

static_assert(Same(SharingBasis::kUnspecified, pb::SHARING_BASIS_UNSPECIFIED));
static_assert(Same(SharingBasis::kCspL1110_4_II, pb::CSP_L1110_4_II));
static_assert(Same(SharingBasis::kCspL1110_4_IIITeam, pb::CSP_L1110_4_III_TEAM));
static_assert(Same(SharingBasis::kCspL1110_4_IIIConsent, pb::CSP_L1110_4_III_CONSENT));
static_assert(Same(SharingBasis::kCasfL226_2_2, pb::CASF_L226_2_2));
static_assert(Same(SharingBasis::kCasfL226_2_1, pb::CASF_L226_2_1));
static_assert(Same(SharingBasis::kCasfL121_6_2, pb::CASF_L121_6_2));
static_assert(Same(SharingBasis::kCp226_14, pb::CP_226_14));
static_assert(Same(SharingBasis::kLegalObligation, pb::SHARING_LEGAL_OBLIGATION));

static_assert(Same(ControllerCapability::kUnspecified, pb::CONTROLLER_CAPABILITY_UNSPECIFIED));
static_assert(Same(ControllerCapability::kLilArt46, pb::LIL_ART46));

// The number of values of each enum (0 included); the values are 0…count-1.
constexpr int kDataSensitivityCount = 5;
constexpr int kLegalBasisCount = 7;
constexpr int kConditionCount = 11;
constexpr int kSecrecyCount = 4;
constexpr int kSharingBasisCount = 9;
constexpr int kCapabilityCount = 2;

bool IsLowerSnake(absl::string_view s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

template <typename E>
void CheckNames(int count) {
  BOOST_TEST(Name(static_cast<E>(0)) == "unspecified");
  std::set<std::string> seen;
  for (int v = 1; v < count; ++v) {
    const absl::string_view name = Name(static_cast<E>(v));
    BOOST_TEST_CONTEXT("value " << v << " named " << name) {
      BOOST_TEST(name != "unspecified");
      BOOST_TEST(IsLowerSnake(name));
      BOOST_TEST(seen.insert(std::string(name)).second);
    }
  }
  // Values outside the list are "unspecified", never another value's name.
  BOOST_TEST(Name(static_cast<E>(count)) == "unspecified");
  BOOST_TEST(Name(static_cast<E>(-1)) == "unspecified");
}

template <typename E>
void CheckLegalReferences(int count) {
  BOOST_TEST(LegalReference(static_cast<E>(0)) == "unspecified");
  std::set<std::string> seen;
  for (int v = 1; v < count; ++v) {
    const absl::string_view ref = LegalReference(static_cast<E>(v));
    BOOST_TEST_CONTEXT("value " << v << " cites " << ref) {
      BOOST_TEST(ref != "unspecified");
      BOOST_TEST(seen.insert(std::string(ref)).second);
    }
  }
  BOOST_TEST(LegalReference(static_cast<E>(count)) == "unspecified");
}

// The schema must not grow a value that the C++ vocabulary does not know.
void CheckProtoEnum(const google::protobuf::EnumDescriptor* descriptor, int count) {
  BOOST_TEST_CONTEXT(descriptor->full_name()) {
    BOOST_TEST(descriptor->value_count() == count);
    for (int v = 0; v < count; ++v) BOOST_TEST(descriptor->FindValueByNumber(v) != nullptr);
  }
}

BOOST_AUTO_TEST_SUITE(vocabulary)

BOOST_AUTO_TEST_CASE(names_are_unique_and_specified_except_zero) {
  CheckNames<DataSensitivity>(kDataSensitivityCount);
  CheckNames<EntryKind>(kEntryKindCount);
  CheckNames<Action>(kActionCount);
  CheckNames<LegalBasis>(kLegalBasisCount);
  CheckNames<SpecialCategoryCondition>(kConditionCount);
  CheckNames<SecrecyStatus>(kSecrecyCount);
  CheckNames<SharingBasis>(kSharingBasisCount);
  CheckNames<ControllerCapability>(kCapabilityCount);
}

BOOST_AUTO_TEST_CASE(some_names_as_rendered_in_registers) {
  BOOST_TEST(Name(LegalBasis::kPublicTask) == "public_task");
  BOOST_TEST(Name(EntryKind::kThirdPartyInformation) == "third_party_information");
  BOOST_TEST(Name(Action::kShare) == "share");
  BOOST_TEST(Name(SharingBasis::kCasfL226_2_2) == "casf_l226_2_2");
  BOOST_TEST(Name(SecrecyStatus::kByMission) == "by_mission");
}

BOOST_AUTO_TEST_CASE(legal_references_are_unique) {
  CheckLegalReferences<LegalBasis>(kLegalBasisCount);
  CheckLegalReferences<SpecialCategoryCondition>(kConditionCount);
  CheckLegalReferences<SharingBasis>(kSharingBasisCount);
  BOOST_TEST(LegalReference(LegalBasis::kPublicTask) == "GDPR art. 6(1)(e) public task");
  BOOST_TEST(LegalReference(SharingBasis::kCasfL226_2_2) == "CASF L.226-2-2");
}

BOOST_AUTO_TEST_CASE(values_equal_the_protobuf_enums) {
  // Value by value at compile time (static_asserts above); here the sizes, so that a value
  // added to the schema alone is caught.
  CheckProtoEnum(pb::DataSensitivity_descriptor(), kDataSensitivityCount);
  CheckProtoEnum(pb::EntryKind_descriptor(), kEntryKindCount);
  CheckProtoEnum(pb::Action_descriptor(), kActionCount);
  CheckProtoEnum(pb::LegalBasis_descriptor(), kLegalBasisCount);
  CheckProtoEnum(pb::SpecialCategoryCondition_descriptor(), kConditionCount);
  CheckProtoEnum(pb::SecrecyStatus_descriptor(), kSecrecyCount);
  CheckProtoEnum(pb::SharingBasis_descriptor(), kSharingBasisCount);
  CheckProtoEnum(pb::ControllerCapability_descriptor(), kCapabilityCount);
}

// REQUIREMENTS.md, "What a sharing decision checks": rows 2 (both bound by secrecy: L.226-2-2,
// L.121-6-2, L.1110-4), 3 (same person: L.121-6-2, L.1110-4), 7 (consent: L.1110-4 III outside
// the team) and 8 (an objection does not block the mandatory reports 226-14 CP and L.226-2-1).
struct SharingRow {
  SharingBasis basis;
  bool secrecy_of_both;
  bool same_case;
  bool consent;
  bool mandatory_report;
};
constexpr SharingRow kSharingTable[] = {
    {SharingBasis::kUnspecified, false, false, false, false},
    {SharingBasis::kCspL1110_4_II, true, true, false, false},
    {SharingBasis::kCspL1110_4_IIITeam, true, true, false, false},
    {SharingBasis::kCspL1110_4_IIIConsent, true, true, true, false},
    {SharingBasis::kCasfL226_2_2, true, true, false, false},
    {SharingBasis::kCasfL226_2_1, false, false, false, true},
    {SharingBasis::kCasfL121_6_2, true, true, false, false},
    {SharingBasis::kCp226_14, false, false, false, true},
    {SharingBasis::kLegalObligation, false, false, false, false},
};
static_assert(std::size(kSharingTable) == kSharingBasisCount);

BOOST_AUTO_TEST_CASE(sharing_bases_demand_what_the_law_says) {
  for (const SharingRow& row : kSharingTable) {
    BOOST_TEST_CONTEXT("sharing basis " << Name(row.basis)) {
      BOOST_TEST(SharingRequiresSecrecyOfBoth(row.basis) == row.secrecy_of_both);
      BOOST_TEST(SharingRequiresSameCase(row.basis) == row.same_case);
      BOOST_TEST(SharingRequiresConsent(row.basis) == row.consent);
      BOOST_TEST(SharingIsMandatoryReport(row.basis) == row.mandatory_report);
    }
  }
  // A value outside the closed list demands nothing and permits nothing special.
  const auto unknown = static_cast<SharingBasis>(kSharingBasisCount);
  BOOST_TEST(!SharingRequiresConsent(unknown));
  BOOST_TEST(!SharingIsMandatoryReport(unknown));
}

BOOST_AUTO_TEST_CASE(a_mandatory_report_never_needs_consent) {
  for (int v = 0; v < kSharingBasisCount; ++v) {
    const auto basis = static_cast<SharingBasis>(v);
    if (SharingIsMandatoryReport(basis)) BOOST_TEST(!SharingRequiresConsent(basis));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace socle
