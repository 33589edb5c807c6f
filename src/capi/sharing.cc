// The C ABI of sharing under professional secrecy, prior information and mandates
// (include/socle/socle.h, "Sharing under professional secrecy, prior information, mandates"): thin
// translations to socle/sharing.hpp, socle/mandate.hpp and AccessTrail::Share (socle/trail.hpp).
#include "socle/sharing.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "capi/capi_internal.h"
#include "socle/mandate.hpp"
#include "socle/socle.h"
#include "socle/trail.hpp"
#include "socle/vocabulary.hpp"

namespace {

using socle::capi::EngineOf;
using socle::capi::Fail;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputEnum;
using socle::capi::InputList;
using socle::capi::InputString;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::Written;

#define SOCLE_CAPI_SHARING_BASES(X)                                                           \
  X(SOCLE_SHARING_BASIS_CSP_L1110_4_II, socle::SharingBasis::kCspL1110_4_II)                  \
  X(SOCLE_SHARING_BASIS_CSP_L1110_4_III_TEAM, socle::SharingBasis::kCspL1110_4_IIITeam)       \
  X(SOCLE_SHARING_BASIS_CSP_L1110_4_III_CONSENT, socle::SharingBasis::kCspL1110_4_IIIConsent) \
  X(SOCLE_SHARING_BASIS_CASF_L226_2_2, socle::SharingBasis::kCasfL226_2_2)                    \
  X(SOCLE_SHARING_BASIS_CASF_L226_2_1, socle::SharingBasis::kCasfL226_2_1)                    \
  X(SOCLE_SHARING_BASIS_CASF_L121_6_2, socle::SharingBasis::kCasfL121_6_2)                    \
  X(SOCLE_SHARING_BASIS_CP_226_14, socle::SharingBasis::kCp226_14)                            \
  X(SOCLE_SHARING_BASIS_LEGAL_OBLIGATION, socle::SharingBasis::kLegalObligation)
SOCLE_CAPI_SHARING_BASES(SOCLE_CAPI_ASSERT_SAME)

#define SOCLE_CAPI_SHARING_CHECKS(X)                                                             \
  X(SOCLE_SHARING_CHECK_NONE, socle::SharingCheck::kNone)                                        \
  X(SOCLE_SHARING_CHECK_NO_BASIS, socle::SharingCheck::kNoBasis)                                 \
  X(SOCLE_SHARING_CHECK_PARTY_NOT_IDENTIFIED, socle::SharingCheck::kPartyNotIdentified)          \
  X(SOCLE_SHARING_CHECK_EMITTER_NOT_BOUND_BY_SECRECY,                                            \
    socle::SharingCheck::kEmitterNotBoundBySecrecy)                                              \
  X(SOCLE_SHARING_CHECK_RECIPIENT_NOT_BOUND_BY_SECRECY,                                          \
    socle::SharingCheck::kRecipientNotBoundBySecrecy)                                            \
  X(SOCLE_SHARING_CHECK_NOT_IN_CARE_OF_SAME_PERSON, socle::SharingCheck::kNotInCareOfSamePerson) \
  X(SOCLE_SHARING_CHECK_NOT_IN_SAME_CARE_TEAM, socle::SharingCheck::kNotInSameCareTeam)          \
  X(SOCLE_SHARING_CHECK_PURPOSE_NOT_ALLOWED, socle::SharingCheck::kPurposeNotAllowed)            \
  X(SOCLE_SHARING_CHECK_NO_ITEM_SELECTED, socle::SharingCheck::kNoItemSelected)                  \
  X(SOCLE_SHARING_CHECK_WHOLE_FILE_NOT_ALLOWED, socle::SharingCheck::kWholeFileNotAllowed)       \
  X(SOCLE_SHARING_CHECK_ITEM_OUTSIDE_SHARING_RULE, socle::SharingCheck::kItemOutsideSharingRule) \
  X(SOCLE_SHARING_CHECK_ITEM_OUTSIDE_RECIPIENT_HABILITATIONS,                                    \
    socle::SharingCheck::kItemOutsideRecipientHabilitations)                                     \
  X(SOCLE_SHARING_CHECK_PERSON_NOT_INFORMED, socle::SharingCheck::kPersonNotInformed)            \
  X(SOCLE_SHARING_CHECK_NO_SHARING_CONSENT, socle::SharingCheck::kNoSharingConsent)              \
  X(SOCLE_SHARING_CHECK_PERSON_OBJECTS_TO_SHARING, socle::SharingCheck::kPersonObjectsToSharing) \
  X(SOCLE_SHARING_CHECK_ONWARD_DISCLOSURE_FORBIDDEN,                                             \
    socle::SharingCheck::kOnwardDisclosureForbidden)
SOCLE_CAPI_SHARING_CHECKS(SOCLE_CAPI_ASSERT_SAME)

#define SOCLE_CAPI_MANDATE_STATES(X)                            \
  X(SOCLE_MANDATE_STATE_ACTIVE, socle::MandateState::kActive)   \
  X(SOCLE_MANDATE_STATE_REVOKED, socle::MandateState::kRevoked) \
  X(SOCLE_MANDATE_STATE_EXPIRED, socle::MandateState::kExpired)
SOCLE_CAPI_MANDATE_STATES(SOCLE_CAPI_ASSERT_SAME)

#define SOCLE_CAPI_MANDATE_VERDICTS(X)                                                             \
  X(SOCLE_MANDATE_VERDICT_ALLOWED, socle::MandateVerdict::kAllowed)                                \
  X(SOCLE_MANDATE_VERDICT_PROCEDURE_NOT_IN_MANDATE, socle::MandateVerdict::kProcedureNotInMandate) \
  X(SOCLE_MANDATE_VERDICT_REVOKED, socle::MandateVerdict::kRevoked)                                \
  X(SOCLE_MANDATE_VERDICT_EXPIRED, socle::MandateVerdict::kExpired)                                \
  X(SOCLE_MANDATE_VERDICT_NOT_YET_CREATED, socle::MandateVerdict::kNotYetCreated)                  \
  X(SOCLE_MANDATE_VERDICT_OTHER_STRUCTURE, socle::MandateVerdict::kOtherStructure)                 \
  X(SOCLE_MANDATE_VERDICT_ROLE_NOT_ALLOWED, socle::MandateVerdict::kRoleNotAllowed)                \
  X(SOCLE_MANDATE_VERDICT_PROFESSIONAL_LEFT, socle::MandateVerdict::kProfessionalLeft)             \
  X(SOCLE_MANDATE_VERDICT_REPRESENTATION_REQUIRED, socle::MandateVerdict::kRepresentationRequired)
SOCLE_CAPI_MANDATE_VERDICTS(SOCLE_CAPI_ASSERT_SAME)

// The other constants of the section: no name function, only the check that C and C++ agree.
#define SOCLE_CAPI_SHARING_CONSTANTS(X)                                                            \
  X(SOCLE_PERSON_INVOLVEMENT_PRESENT, socle::PersonInvolvementKind::kPresent)                      \
  X(SOCLE_PERSON_INVOLVEMENT_INFORMED_BEFOREHAND,                                                  \
    socle::PersonInvolvementKind::kInformedBeforehand)                                             \
  X(SOCLE_PERSON_INVOLVEMENT_NOT_INFORMED, socle::PersonInvolvementKind::kNotInformed)             \
  X(SOCLE_PERSON_INVOLVEMENT_PRESENT, socle::MandateInvolvement::Kind::kPresent)                   \
  X(SOCLE_PERSON_INVOLVEMENT_INFORMED_BEFOREHAND,                                                  \
    socle::MandateInvolvement::Kind::kInformedBeforehand)                                          \
  X(SOCLE_PERSON_INVOLVEMENT_NOT_INFORMED, socle::MandateInvolvement::Kind::kNotInformed)          \
  X(SOCLE_INFORMATION_EXCEPTION_URGENCY, socle::InformationExceptionKind::kUrgency)                \
  X(SOCLE_INFORMATION_EXCEPTION_IMPOSSIBILITY, socle::InformationExceptionKind::kImpossibility)    \
  X(SOCLE_INFORMATION_EXCEPTION_CONTRARY_TO_CHILD_INTEREST,                                        \
    socle::InformationExceptionKind::kContraryToChildInterest)                                     \
  X(SOCLE_INFORMATION_EXCEPTION_URGENCY,                                                           \
    socle::SharingTrailRecord::Information::Exception::kUrgency)                                   \
  X(SOCLE_INFORMATION_EXCEPTION_IMPOSSIBILITY,                                                     \
    socle::SharingTrailRecord::Information::Exception::kImpossibility)                             \
  X(SOCLE_INFORMATION_EXCEPTION_CONTRARY_TO_CHILD_INTEREST,                                        \
    socle::SharingTrailRecord::Information::Exception::kContraryToChildInterest)                   \
  X(SOCLE_INFORM_CHANNEL_IN_PERSON, socle::InformChannel::kInPerson)                               \
  X(SOCLE_INFORM_CHANNEL_PAPER, socle::InformChannel::kPaper)                                      \
  X(SOCLE_INFORM_CHANNEL_ONLINE, socle::InformChannel::kOnline)                                    \
  X(SOCLE_INFORM_CHANNEL_PHONE, socle::InformChannel::kPhone)                                      \
  X(SOCLE_INFORM_RELATION_PERSON, socle::InformRelation::kPerson)                                  \
  X(SOCLE_INFORM_RELATION_PARENTAL_AUTHORITY, socle::InformRelation::kParentalAuthority)           \
  X(SOCLE_INFORM_RELATION_GUARDIAN, socle::InformRelation::kGuardian)                              \
  X(SOCLE_INFORM_RELATION_CHILD, socle::InformRelation::kChild)                                    \
  X(SOCLE_SHARING_INFORMATION_NONE, socle::SharingTrailRecord::Information::Kind::kNone)           \
  X(SOCLE_SHARING_INFORMATION_INFORMED, socle::SharingTrailRecord::Information::Kind::kInformed)   \
  X(SOCLE_SHARING_INFORMATION_EXCEPTION, socle::SharingTrailRecord::Information::Kind::kException) \
  X(SOCLE_MANDATE_ATTESTATION_BYTES,                                                               \
    std::tuple_size_v<decltype(socle::CreatedMandate::attestation_sha256)>)
SOCLE_CAPI_SHARING_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)

// The durations of kMandateDurationsDays, in its order.
static_assert(socle::kMandateDurationsDays[0] == SOCLE_MANDATE_DURATION_DAY);
static_assert(socle::kMandateDurationsDays[1] == SOCLE_MANDATE_DURATION_MONTH);
static_assert(socle::kMandateDurationsDays[2] == SOCLE_MANDATE_DURATION_SEMESTER);
static_assert(socle::kMandateDurationsDays[3] == SOCLE_MANDATE_DURATION_YEAR);
static_assert(std::size(socle::kMandateDurationsDays) == 4);

absl::Time TimeOf(int64_t unix_seconds) {
  return unix_seconds == 0 ? absl::InfinitePast() : absl::FromUnixSeconds(unix_seconds);
}

int64_t SecondsOf(absl::Time time) {
  return time == absl::InfinitePast() || time == absl::InfiniteFuture() ? 0
                                                                        : absl::ToUnixSeconds(time);
}

// The person's involvement of a mandate call.
int32_t InputInvolvement(int32_t kind, const char* reason, size_t reason_len,
                         socle::MandateInvolvement* out, socle_error** error) {
  SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(kind, SOCLE_PERSON_INVOLVEMENT_PRESENT,
                                        SOCLE_PERSON_INVOLVEMENT_NOT_INFORMED, "involvement",
                                        "SOCLE_PERSON_INVOLVEMENT_*", error));
  absl::string_view r;
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(reason, reason_len, "involvement_reason", &r, error));
  out->kind = static_cast<socle::MandateInvolvement::Kind>(kind);
  out->reason = std::string(r);
  return SOCLE_OK;
}

}  // namespace

struct socle_share_request {
  socle::SharingRequest request;
};

struct socle_sharing_outcome {
  socle::SharingOutcome outcome;  // its strings are the NUL-terminated borrowed ones
};

namespace {

// The sharing record of history entry `index`, or nullptr (out of range, another type).
const socle::SharingTrailRecord* SharingAt(const socle_history* history, size_t index) {
  const socle::HistoryEntry* e = socle::capi::HistoryEntryAt(history, index);
  return e == nullptr || !e->sharing.has_value() ? nullptr : &*e->sharing;
}

const socle::SharedItem* SharingItemAt(const socle_history* history, size_t index, size_t item) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr || item >= s->items.size() ? nullptr : &s->items[item];
}

const socle::PersonToInform* PersonToInformAt(const socle_sharing_outcome* outcome, size_t index) {
  if (outcome == nullptr || index >= outcome->outcome.persons_to_inform.size()) return nullptr;
  return &outcome->outcome.persons_to_inform[index];
}

// The borrowed string `member` of an outcome ("" for NULL).
const char* OutcomeText(const socle_sharing_outcome* outcome,
                        std::string socle::SharingOutcome::*member) {
  return outcome == nullptr ? "" : (outcome->outcome.*member).c_str();
}

// A share checked (CheckShare) or made and recorded (AccessTrail::Share) into a new *out.
template <typename Decide>
int32_t Outcome(const socle_share_request* request, socle_sharing_outcome** out,
                socle_error** error, Decide&& decide) {
  if (request == nullptr) return NullArgument(error, "request");
  absl::StatusOr<socle::SharingOutcome> outcome = decide(request->request);
  if (!outcome.ok()) return FromStatus(error, outcome.status());
  *out = new socle_sharing_outcome{*std::move(outcome)};
  return SOCLE_OK;
}

}  // namespace

extern "C" {

// ---- Names --------------------------------------------------------------------------------------

const char* socle_sharing_basis_name(int32_t basis) {
  const auto NameOf = [](socle::SharingBasis b) { return socle::Name(b); };
  switch (basis) { SOCLE_CAPI_SHARING_BASES(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

const char* socle_sharing_check_name(int32_t check) {
  const auto NameOf = [](socle::SharingCheck c) { return socle::Name(c); };
  switch (check) { SOCLE_CAPI_SHARING_CHECKS(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

const char* socle_mandate_state_name(int32_t state) {
  const auto NameOf = [](socle::MandateState s) {
    return absl::string_view(socle::MandateStateName(s));
  };
  switch (state) { SOCLE_CAPI_MANDATE_STATES(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

const char* socle_mandate_verdict_name(int32_t verdict) {
  const auto NameOf = [](socle::MandateVerdict v) {
    return absl::string_view(socle::MandateVerdictName(v));
  };
  switch (verdict) { SOCLE_CAPI_MANDATE_VERDICTS(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

// ---- Share requests -----------------------------------------------------------------------------

int32_t socle_share_request_new(socle_share_request** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_share_request{};
    return SOCLE_OK;
  });
}

void socle_share_request_free(socle_share_request* request) { delete request; }

int32_t socle_share_request_set_parties(socle_share_request* request, const char* emitter,
                                        size_t emitter_len, const char* recipient,
                                        size_t recipient_len, const char* person, size_t person_len,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (request == nullptr) return NullArgument(error, "request");
    // Checked before anything is copied, so a refused call leaves the request as it was.
    absl::string_view e, r, p;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(emitter, emitter_len, "emitter", &e, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recipient, recipient_len, "recipient", &r, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    request->request.emitter = std::string(e);
    request->request.recipient = std::string(r);
    request->request.person = std::string(p);
    return SOCLE_OK;
  });
}

int32_t socle_share_request_set_basis(socle_share_request* request, int32_t basis,
                                      socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (request == nullptr) return NullArgument(error, "request");
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(basis, 0, SOCLE_SHARING_BASIS_LEGAL_OBLIGATION, "basis",
                                          "SOCLE_SHARING_BASIS_*", error));
    request->request.basis = static_cast<socle::SharingBasis>(basis);
    return SOCLE_OK;
  });
}

int32_t socle_share_request_set_purpose(socle_share_request* request, const char* purpose,
                                        size_t purpose_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (request == nullptr) return NullArgument(error, "request");
    return InputString(purpose, purpose_len, "purpose", &request->request.purpose, error);
  });
}

int32_t socle_share_request_set_share(socle_share_request* request, const char* share,
                                      size_t share_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (request == nullptr) return NullArgument(error, "request");
    return InputString(share, share_len, "share", &request->request.share, error);
  });
}

int32_t socle_share_request_add_item(socle_share_request* request, const char* item,
                                     size_t item_len, const char* category, size_t category_len,
                                     const uint8_t* content_sha256, size_t content_sha256_len,
                                     socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (request == nullptr) return NullArgument(error, "request");
    absl::string_view i, c, h;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(item, item_len, "item", &i, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(category, category_len, "category", &c, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(content_sha256, content_sha256_len, "content_sha256", &h, error));
    if (!h.empty() && h.size() != 32) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  absl::StrCat("content_sha256 is ", h.size(), " bytes; a SHA-256 is 32"));
    }
    request->request.items.push_back({std::string(i), std::string(c), std::string(h)});
    return SOCLE_OK;
  });
}

int32_t socle_share_request_set_whole_file(socle_share_request* request, int32_t whole_file,
                                           socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (request == nullptr) return NullArgument(error, "request");
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(whole_file, 0, 1, "whole_file", "0 or 1", error));
    request->request.whole_file = whole_file != 0;
    return SOCLE_OK;
  });
}

int32_t socle_share_request_set_involvement(socle_share_request* request, int32_t kind,
                                            const char* reason, size_t reason_len,
                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (request == nullptr) return NullArgument(error, "request");
    socle::MandateInvolvement involvement;
    SOCLE_CAPI_RETURN_IF_FAILED(InputInvolvement(kind, reason, reason_len, &involvement, error));
    request->request.involvement = static_cast<socle::PersonInvolvementKind>(kind);
    request->request.involvement_reason = std::move(involvement.reason);
    return SOCLE_OK;
  });
}

int32_t socle_share_request_set_time_unix_seconds(socle_share_request* request,
                                                  int64_t unix_seconds, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (request == nullptr) return NullArgument(error, "request");
    request->request.time = TimeOf(unix_seconds);
    return SOCLE_OK;
  });
}

// ---- Shares and prior information ---------------------------------------------------------------

int32_t socle_access_engine_check_share(const socle_access_engine* engine,
                                        const socle_share_request* request,
                                        socle_sharing_outcome** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (engine == nullptr) return NullArgument(error, "engine");
    return Outcome(request, out, error, [&](const socle::SharingRequest& r) {
      return socle::CheckShare(*EngineOf(*engine).snapshot(), r);
    });
  });
}

int32_t socle_access_trail_share(socle_access_trail* trail, socle_access_engine* engine,
                                 const socle_share_request* request, socle_sharing_outcome** out,
                                 socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (trail == nullptr) return NullArgument(error, "trail");
    if (engine == nullptr) return NullArgument(error, "engine");
    return Outcome(request, out, error, [&](const socle::SharingRequest& r) {
      return socle::capi::TrailOf(*trail).Share(EngineOf(*engine), r);
    });
  });
}

int32_t socle_access_engine_revoke_share(socle_access_engine* engine, const char* person,
                                         size_t person_len, const char* recipient,
                                         size_t recipient_len, const char* share, size_t share_len,
                                         const char* recorded_by, size_t recorded_by_len,
                                         uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view p, r, s, b;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(person, person_len, "person", &p, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recipient, recipient_len, "recipient", &r, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(share, share_len, "share", &s, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &b, error));
    absl::StatusOr<uint64_t> revision = socle::RevokeShare(EngineOf(*engine), p, r, s, b);
    return Written(revision, out_revision, error);
  });
}

int32_t socle_access_engine_record_person_informed(
    socle_access_engine* engine, const char* person, size_t person_len, const char* informed,
    size_t informed_len, const char* share, size_t share_len, const char* recipient,
    size_t recipient_len, const char* const* categories, const size_t* category_lens,
    size_t category_count, int32_t channel, const char* maturity_assessment,
    size_t maturity_assessment_len, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    socle::InformationSpec spec;
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(person, person_len, "person", &spec.person, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(informed, informed_len, "informed", &spec.informed, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(share, share_len, "share", &spec.share, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(recipient, recipient_len, "recipient", &spec.recipient, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputList(categories, category_lens, category_count, "categories",
                                          &spec.categories, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(channel, SOCLE_INFORM_CHANNEL_IN_PERSON,
                                          SOCLE_INFORM_CHANNEL_PHONE, "channel",
                                          "SOCLE_INFORM_CHANNEL_*", error));
    spec.channel = static_cast<socle::InformChannel>(channel);
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(maturity_assessment, maturity_assessment_len,
                                            "maturity_assessment", &spec.maturity_assessment,
                                            error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(recorded_by, recorded_by_len, "recorded_by", &spec.recorded_by, error));
    absl::StatusOr<uint64_t> revision = socle::RecordPersonInformed(EngineOf(*engine), spec);
    socle::capi::Wipe(spec.person.data(), spec.person.size());
    return Written(revision, out_revision, error);
  });
}

int32_t socle_access_engine_record_information_exception(
    socle_access_engine* engine, const char* person, size_t person_len, const char* share,
    size_t share_len, int32_t kind, const char* justification, size_t justification_len,
    const char* recorded_by, size_t recorded_by_len, uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    socle::InformationExceptionSpec spec;
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(person, person_len, "person", &spec.person, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(share, share_len, "share", &spec.share, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(kind, SOCLE_INFORMATION_EXCEPTION_URGENCY,
                                          SOCLE_INFORMATION_EXCEPTION_CONTRARY_TO_CHILD_INTEREST,
                                          "kind", "SOCLE_INFORMATION_EXCEPTION_*", error));
    spec.kind = static_cast<socle::InformationExceptionKind>(kind);
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(justification, justification_len, "justification", &spec.justification, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(recorded_by, recorded_by_len, "recorded_by", &spec.recorded_by, error));
    absl::StatusOr<uint64_t> revision = socle::RecordInformationException(EngineOf(*engine), spec);
    socle::capi::Wipe(spec.person.data(), spec.person.size());
    socle::capi::Wipe(spec.justification.data(), spec.justification.size());
    return Written(revision, out_revision, error);
  });
}

// ---- An outcome ---------------------------------------------------------------------------------

void socle_sharing_outcome_free(socle_sharing_outcome* outcome) { delete outcome; }

int32_t socle_sharing_outcome_granted(const socle_sharing_outcome* outcome) {
  return outcome != nullptr && outcome->outcome.granted ? 1 : 0;
}

int32_t socle_sharing_outcome_failed(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : static_cast<int32_t>(outcome->outcome.failed);
}

const char* socle_sharing_outcome_sentence(const socle_sharing_outcome* outcome) {
  return OutcomeText(outcome, &socle::SharingOutcome::sentence);
}

int32_t socle_sharing_outcome_overrides_opposition(const socle_sharing_outcome* outcome) {
  return outcome != nullptr && outcome->outcome.overrides_opposition ? 1 : 0;
}

const char* socle_sharing_outcome_share(const socle_sharing_outcome* outcome) {
  return OutcomeText(outcome, &socle::SharingOutcome::share);
}

const char* socle_sharing_outcome_emitter(const socle_sharing_outcome* outcome) {
  return OutcomeText(outcome, &socle::SharingOutcome::emitter);
}

const char* socle_sharing_outcome_recipient(const socle_sharing_outcome* outcome) {
  return OutcomeText(outcome, &socle::SharingOutcome::recipient);
}

int32_t socle_sharing_outcome_basis(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : static_cast<int32_t>(outcome->outcome.basis);
}

const char* socle_sharing_outcome_purpose(const socle_sharing_outcome* outcome) {
  return OutcomeText(outcome, &socle::SharingOutcome::purpose);
}

int32_t socle_sharing_outcome_whole_file(const socle_sharing_outcome* outcome) {
  return outcome != nullptr && outcome->outcome.whole_file ? 1 : 0;
}

size_t socle_sharing_outcome_item_count(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : outcome->outcome.items.size();
}

const char* socle_sharing_outcome_item(const socle_sharing_outcome* outcome, size_t index) {
  if (outcome == nullptr || index >= outcome->outcome.items.size()) return "";
  return outcome->outcome.items[index].item.c_str();
}

const char* socle_sharing_outcome_item_category(const socle_sharing_outcome* outcome,
                                                size_t index) {
  if (outcome == nullptr || index >= outcome->outcome.items.size()) return "";
  return outcome->outcome.items[index].category.c_str();
}

size_t socle_sharing_outcome_category_count(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : outcome->outcome.categories.size();
}

const char* socle_sharing_outcome_category(const socle_sharing_outcome* outcome, size_t index) {
  if (outcome == nullptr || index >= outcome->outcome.categories.size()) return "";
  return outcome->outcome.categories[index].c_str();
}

size_t socle_sharing_outcome_information_revision_count(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : outcome->outcome.information_revisions.size();
}

uint64_t socle_sharing_outcome_information_revision(const socle_sharing_outcome* outcome,
                                                    size_t index) {
  if (outcome == nullptr || index >= outcome->outcome.information_revisions.size()) return 0;
  return outcome->outcome.information_revisions[index];
}

uint64_t socle_sharing_outcome_exception_revision(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : outcome->outcome.exception_revision;
}

int32_t socle_sharing_outcome_exception(const socle_sharing_outcome* outcome) {
  // The C++ field keeps its default (urgency) when no exception was relied on: 0 says "none".
  if (outcome == nullptr || outcome->outcome.exception_revision == 0) return 0;
  return static_cast<int32_t>(outcome->outcome.exception);
}

int32_t socle_sharing_outcome_follow_up_open(const socle_sharing_outcome* outcome) {
  return outcome != nullptr && outcome->outcome.follow_up_open ? 1 : 0;
}

uint64_t socle_sharing_outcome_consent_revision(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : outcome->outcome.consent_revision;
}

size_t socle_sharing_outcome_person_to_inform_count(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : outcome->outcome.persons_to_inform.size();
}

const char* socle_sharing_outcome_person_to_inform(const socle_sharing_outcome* outcome,
                                                   size_t index) {
  const socle::PersonToInform* p = PersonToInformAt(outcome, index);
  return p == nullptr ? "" : p->person.c_str();
}

int32_t socle_sharing_outcome_person_to_inform_relation(const socle_sharing_outcome* outcome,
                                                        size_t index) {
  const socle::PersonToInform* p = PersonToInformAt(outcome, index);
  return p == nullptr ? 0 : static_cast<int32_t>(p->relation);
}

int32_t socle_sharing_outcome_person_to_inform_required(const socle_sharing_outcome* outcome,
                                                        size_t index) {
  const socle::PersonToInform* p = PersonToInformAt(outcome, index);
  return p != nullptr && p->required ? 1 : 0;
}

int32_t socle_sharing_outcome_person_to_inform_informed(const socle_sharing_outcome* outcome,
                                                        size_t index) {
  const socle::PersonToInform* p = PersonToInformAt(outcome, index);
  return p != nullptr && p->informed ? 1 : 0;
}

uint64_t socle_sharing_outcome_checked_revision(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : outcome->outcome.checked_revision;
}

uint64_t socle_sharing_outcome_revision(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : outcome->outcome.revision;
}

int64_t socle_sharing_outcome_time_unix_seconds(const socle_sharing_outcome* outcome) {
  return outcome == nullptr ? 0 : SecondsOf(outcome->outcome.time);
}

// ---- Sharing entries of a history ---------------------------------------------------------------

const char* socle_history_entry_sharing_share(const socle_history* history, size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? "" : s->share.c_str();
}

int32_t socle_history_entry_sharing_basis(const socle_history* history, size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? 0 : static_cast<int32_t>(s->basis);
}

const char* socle_history_entry_sharing_recipient(const socle_history* history, size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? "" : s->recipient.professional.c_str();
}

const char* socle_history_entry_sharing_recipient_role(const socle_history* history, size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? "" : s->recipient.role.c_str();
}

const char* socle_history_entry_sharing_recipient_structure(const socle_history* history,
                                                            size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? "" : s->recipient.structure.c_str();
}

size_t socle_history_entry_sharing_item_count(const socle_history* history, size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? 0 : s->items.size();
}

const char* socle_history_entry_sharing_item(const socle_history* history, size_t index,
                                             size_t item) {
  const socle::SharedItem* i = SharingItemAt(history, index, item);
  return i == nullptr ? "" : i->item.c_str();
}

const char* socle_history_entry_sharing_item_category(const socle_history* history, size_t index,
                                                      size_t item) {
  const socle::SharedItem* i = SharingItemAt(history, index, item);
  return i == nullptr ? "" : i->category.c_str();
}

int32_t socle_history_entry_sharing_information(const socle_history* history, size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? 0 : static_cast<int32_t>(s->information.kind);
}

uint64_t socle_history_entry_sharing_information_revision(const socle_history* history,
                                                          size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? 0 : s->information.revision;
}

size_t socle_history_entry_sharing_informed_revision_count(const socle_history* history,
                                                           size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? 0 : s->information.informed_revisions.size();
}

uint64_t socle_history_entry_sharing_informed_revision(const socle_history* history, size_t index,
                                                       size_t informed) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  if (s == nullptr || informed >= s->information.informed_revisions.size()) return 0;
  return s->information.informed_revisions[informed];
}

int32_t socle_history_entry_sharing_information_exception(const socle_history* history,
                                                          size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? 0 : static_cast<int32_t>(s->information.exception);
}

int32_t socle_history_entry_sharing_follow_up_open(const socle_history* history, size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s != nullptr && s->information.follow_up_open ? 1 : 0;
}

uint64_t socle_history_entry_sharing_consent_revision(const socle_history* history, size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? 0 : s->consent_revision;
}

int32_t socle_history_entry_sharing_overrides_opposition(const socle_history* history,
                                                         size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s != nullptr && s->overrides_opposition ? 1 : 0;
}

int32_t socle_history_entry_sharing_involvement(const socle_history* history, size_t index) {
  const socle::SharingTrailRecord* s = SharingAt(history, index);
  return s == nullptr ? 0 : static_cast<int32_t>(s->involvement.kind);
}

// ---- Mandates -----------------------------------------------------------------------------------

int32_t socle_access_engine_create_mandate(
    socle_access_engine* engine, const char* mandate, size_t mandate_len, const char* person,
    size_t person_len, const char* structure, size_t structure_len, const char* const* procedures,
    const size_t* procedure_lens, size_t procedure_count, uint32_t duration_days,
    const char* template_version, size_t template_version_len, const char* aidant,
    size_t aidant_len, int32_t involvement, const char* involvement_reason,
    size_t involvement_reason_len, uint8_t* out_attestation_sha256,
    size_t out_attestation_sha256_capacity, int64_t* out_expires_at_unix_seconds,
    uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_expires_at_unix_seconds, out_revision);
    if (out_attestation_sha256 == nullptr) return NullArgument(error, "out_attestation_sha256");
    if (out_attestation_sha256_capacity < SOCLE_MANDATE_ATTESTATION_BYTES) {
      return Fail(
          error, SOCLE_E_OUT_OF_RANGE,
          absl::StrCat("out_attestation_sha256 has room for ", out_attestation_sha256_capacity,
                       " bytes; the hash needs ", SOCLE_MANDATE_ATTESTATION_BYTES));
    }
    std::memset(out_attestation_sha256, 0, SOCLE_MANDATE_ATTESTATION_BYTES);
    if (engine == nullptr) return NullArgument(error, "engine");
    socle::MandateSpec spec;
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(mandate, mandate_len, "mandate", &spec.mandate, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(person, person_len, "person", &spec.person, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputString(structure, structure_len, "structure", &spec.structure, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputList(procedures, procedure_lens, procedure_count, "procedures",
                                          &spec.procedures, error));
    spec.duration_days = duration_days;
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(template_version, template_version_len,
                                            "template_version", &spec.template_version, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputString(aidant, aidant_len, "aidant", &spec.aidant, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputInvolvement(involvement, involvement_reason,
                                                 involvement_reason_len, &spec.involvement, error));
    absl::StatusOr<socle::CreatedMandate> created = socle::CreateMandate(EngineOf(*engine), spec);
    socle::capi::Wipe(spec.person.data(), spec.person.size());
    if (!created.ok()) return FromStatus(error, created.status());
    std::memcpy(out_attestation_sha256, created->attestation_sha256.data(),
                created->attestation_sha256.size());
    if (out_expires_at_unix_seconds != nullptr) {
      *out_expires_at_unix_seconds = SecondsOf(created->expires_at);
    }
    if (out_revision != nullptr) *out_revision = created->revision;
    return SOCLE_OK;
  });
}

int32_t socle_access_engine_use_mandate(socle_access_engine* engine, const char* mandate,
                                        size_t mandate_len, const char* procedure,
                                        size_t procedure_len, const char* professional,
                                        size_t professional_len, int32_t involvement,
                                        const char* involvement_reason,
                                        size_t involvement_reason_len, uint64_t* out_revision,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view m, p, who;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(mandate, mandate_len, "mandate", &m, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(procedure, procedure_len, "procedure", &p, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(professional, professional_len, "professional", &who, error));
    socle::MandateInvolvement inv;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputInvolvement(involvement, involvement_reason, involvement_reason_len, &inv, error));
    absl::StatusOr<uint64_t> revision = socle::UseMandate(EngineOf(*engine), m, p, who, inv);
    return Written(revision, out_revision, error);
  });
}

int32_t socle_access_engine_revoke_mandate(socle_access_engine* engine, const char* mandate,
                                           size_t mandate_len, const char* const* procedures,
                                           const size_t* procedure_lens, size_t procedure_count,
                                           int32_t by_person, const char* recorded_by,
                                           size_t recorded_by_len, uint64_t* out_revision,
                                           socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view m, b;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(mandate, mandate_len, "mandate", &m, error));
    std::vector<std::string> list;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputList(procedures, procedure_lens, procedure_count, "procedures", &list, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(by_person, 0, 1, "by_person", "0 or 1", error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(recorded_by, recorded_by_len, "recorded_by", &b, error));
    absl::StatusOr<uint64_t> revision =
        socle::RevokeMandate(EngineOf(*engine), m, list, by_person != 0, b);
    return Written(revision, out_revision, error);
  });
}

int32_t socle_access_engine_check_mandate(const socle_access_engine* engine, const char* mandate,
                                          size_t mandate_len, const char* procedure,
                                          size_t procedure_len, const char* professional,
                                          size_t professional_len, int64_t time_unix_seconds,
                                          int32_t* out_verdict, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out_verdict == nullptr) return NullArgument(error, "out_verdict");
    // A failed check is never "allowed" (SOCLE_MANDATE_VERDICT_ALLOWED is 0): -1, no verdict.
    *out_verdict = -1;
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view m, p, who;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(mandate, mandate_len, "mandate", &m, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(procedure, procedure_len, "procedure", &p, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(professional, professional_len, "professional", &who, error));
    absl::StatusOr<socle::MandateVerdict> verdict =
        socle::CheckMandate(*EngineOf(*engine).snapshot(), m, p, who, TimeOf(time_unix_seconds));
    if (!verdict.ok()) return FromStatus(error, verdict.status());
    *out_verdict = static_cast<int32_t>(*verdict);
    return SOCLE_OK;
  });
}

}  // extern "C"
