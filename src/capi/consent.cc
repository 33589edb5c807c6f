// The C ABI of representatives, consents, objections and consent receipts (include/socle/socle.h,
// "Consent, objections, representatives"): socle/representation.hpp, socle/consent.hpp and
// socle/consent_receipt.hpp, converted and called. No rule lives here: the engine checks ids,
// givers, dates and states; this layer checks pointers, lengths and the constants' ranges, so that
// a bad value is refused with the parameter's name before anything is recorded.
#include "socle/consent.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "capi/capi_internal.h"
#include "socle/access.hpp"
#include "socle/consent_receipt.hpp"
#include "socle/error.hpp"
#include "socle/generalise.hpp"
#include "socle/ledger.hpp"
#include "socle/representation.hpp"
#include "socle/socle.h"

namespace {

using socle::capi::EngineOf;
using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputChannel;
using socle::capi::InputDay;
using socle::capi::InputEnum;
using socle::capi::InputString;
using socle::capi::InputTexts;
using socle::capi::InputView;
using socle::capi::LedgerOf;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::Written;

// The frozen constants of the ABI are the C++ values, one for one.
#define SOCLE_CAPI_REPRESENTATIONS(X)                                                           \
  X(SOCLE_REPRESENTATION_PARENTAL_AUTHORITY, socle::RepresentativeKind::kParentalAuthority)     \
  X(SOCLE_REPRESENTATION_GUARDIANSHIP, socle::RepresentativeKind::kGuardianship)                \
  X(SOCLE_REPRESENTATION_CURATORSHIP, socle::RepresentativeKind::kCuratorship)                  \
  X(SOCLE_REPRESENTATION_FAMILY_AUTHORISATION, socle::RepresentativeKind::kFamilyAuthorisation) \
  X(SOCLE_REPRESENTATION_PROXY, socle::RepresentativeKind::kProxy)
#define SOCLE_CAPI_CONSENT_SCOPES(X)                                  \
  X(SOCLE_CONSENT_SCOPE_PROCESSING, socle::ConsentScope::kProcessing) \
  X(SOCLE_CONSENT_SCOPE_SHARING, socle::ConsentScope::kSharing)
#define SOCLE_CAPI_CONSENT_CHANNELS(X)                                 \
  X(SOCLE_CONSENT_CHANNEL_IN_PERSON, socle::ConsentChannel::kInPerson) \
  X(SOCLE_CONSENT_CHANNEL_PAPER, socle::ConsentChannel::kPaper)        \
  X(SOCLE_CONSENT_CHANNEL_ONLINE, socle::ConsentChannel::kOnline)      \
  X(SOCLE_CONSENT_CHANNEL_PHONE, socle::ConsentChannel::kPhone)
#define SOCLE_CAPI_CONSENT_STATES(X)                                                    \
  X(SOCLE_CONSENT_STATE_VALID, socle::ConsentState::kValid)                             \
  X(SOCLE_CONSENT_STATE_NOT_GIVEN, socle::ConsentState::kNotGiven)                      \
  X(SOCLE_CONSENT_STATE_WITHDRAWN, socle::ConsentState::kWithdrawn)                     \
  X(SOCLE_CONSENT_STATE_REPLACED, socle::ConsentState::kReplaced)                       \
  X(SOCLE_CONSENT_STATE_EXPIRED, socle::ConsentState::kExpired)                         \
  X(SOCLE_CONSENT_STATE_CASE_CLOSED, socle::ConsentState::kCaseClosed)                  \
  X(SOCLE_CONSENT_STATE_INCOMPLETE_FOR_MINOR, socle::ConsentState::kIncompleteForMinor) \
  X(SOCLE_CONSENT_STATE_INCOMPLETE_FOR_ADULT, socle::ConsentState::kIncompleteForAdult) \
  X(SOCLE_CONSENT_STATE_CATEGORY_NOT_COVERED, socle::ConsentState::kCategoryNotCovered) \
  X(SOCLE_CONSENT_STATE_RECIPIENT_NOT_COVERED, socle::ConsentState::kRecipientNotCovered)
#define SOCLE_CAPI_OBJECTION_KINDS(X)                                   \
  X(SOCLE_OBJECTION_KIND_PROCESSING, socle::ObjectionKind::kProcessing) \
  X(SOCLE_OBJECTION_KIND_SHARING, socle::ObjectionKind::kSharing)
#define SOCLE_CAPI_OBJECTION_DECISIONS(X)                             \
  X(SOCLE_OBJECTION_OUTCOME_UPHELD, socle::ObjectionOutcome::kUpheld) \
  X(SOCLE_OBJECTION_OUTCOME_COMPELLING_LEGITIMATE_GROUNDS,            \
    socle::ObjectionOutcome::kCompellingLegitimateGrounds)            \
  X(SOCLE_OBJECTION_OUTCOME_LEGAL_CLAIMS, socle::ObjectionOutcome::kLegalClaims)
SOCLE_CAPI_REPRESENTATIONS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_CONSENT_SCOPES(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_CONSENT_CHANNELS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_CONSENT_STATES(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_OBJECTION_KINDS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_OBJECTION_DECISIONS(SOCLE_CAPI_ASSERT_SAME)
static_assert(SOCLE_OBJECTION_OUTCOME_PENDING ==
              static_cast<int32_t>(socle::ObjectionOutcome::kPending));

// The inputs of the tables above (each family is numbered without gaps).
int32_t InputKind(int32_t kind, socle::RepresentativeKind* out, socle_error** error) {
  return InputEnum(kind, SOCLE_REPRESENTATION_PARENTAL_AUTHORITY, SOCLE_REPRESENTATION_PROXY,
                   "kind", "SOCLE_REPRESENTATION_*", out, error);
}

int32_t InputScope(int32_t scope, socle::ConsentScope* out, socle_error** error) {
  return InputEnum(scope, SOCLE_CONSENT_SCOPE_PROCESSING, SOCLE_CONSENT_SCOPE_SHARING, "scope",
                   "SOCLE_CONSENT_SCOPE_*", out, error);
}

int32_t InputObjectionKind(int32_t kind, socle::ObjectionKind* out, socle_error** error) {
  return InputEnum(kind, SOCLE_OBJECTION_KIND_PROCESSING, SOCLE_OBJECTION_KIND_SHARING, "kind",
                   "SOCLE_OBJECTION_KIND_*", out, error);
}

// A decision: any outcome but PENDING.
int32_t InputOutcome(int32_t outcome, socle::ObjectionOutcome* out, socle_error** error) {
  return InputEnum(
      outcome, SOCLE_OBJECTION_OUTCOME_UPHELD, SOCLE_OBJECTION_OUTCOME_LEGAL_CLAIMS, "outcome",
      "SOCLE_OBJECTION_OUTCOME_* (UPHELD, COMPELLING_LEGITIMATE_GROUNDS, LEGAL_CLAIMS)", out,
      error);
}

// Sets one string field of a consent spec: the spec is unchanged when the input is refused.
int32_t SetText(socle_consent_spec* spec, std::string socle::ConsentSpec::*field, const char* text,
                size_t len, const char* name, socle_error** error);
// Appends to one list field of a consent spec.
int32_t AddText(socle_consent_spec* spec, std::vector<std::string> socle::ConsentSpec::*field,
                const char* text, size_t len, const char* name, socle_error** error);

}  // namespace

namespace socle::capi {

int32_t InputChannel(int32_t channel, ConsentChannel* out, socle_error** error) {
  return InputEnum(channel, SOCLE_CONSENT_CHANNEL_IN_PERSON, SOCLE_CONSENT_CHANNEL_PHONE, "channel",
                   "SOCLE_CONSENT_CHANNEL_*", out, error);
}

}  // namespace socle::capi

struct socle_consent_spec {
  socle::ConsentSpec spec;
};

namespace {

int32_t SetText(socle_consent_spec* spec, std::string socle::ConsentSpec::*field, const char* text,
                size_t len, const char* name, socle_error** error) {
  return socle::capi::SetText(spec, &socle_consent_spec::spec, field, text, len, "spec", name,
                              error);
}

int32_t AddText(socle_consent_spec* spec, std::vector<std::string> socle::ConsentSpec::*field,
                const char* text, size_t len, const char* name, socle_error** error) {
  return socle::capi::AddText(spec, &socle_consent_spec::spec, field, text, len, "spec", name,
                              error);
}

}  // namespace

const char* socle_consent_state_name(int32_t state) {
  const auto NameOf = [](socle::ConsentState s) { return socle::Name(s); };
  switch (state) { SOCLE_CAPI_CONSENT_STATES(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

// ---- Representatives ----------------------------------------------------------------------------

int32_t socle_access_engine_set_representative(
    socle_access_engine* engine, const char* person, size_t person_len, const char* representative,
    size_t representative_len, int32_t kind, const char* from, size_t from_len, const char* to,
    size_t to_len, const char* reference, size_t reference_len, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[4];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {representative, representative_len, "representative"},
                                            {reference, reference_len, "reference"},
                                            {recorded_by, recorded_by_len, "recorded_by"}},
                                           v, error));
    socle::RepresentativeSpec spec;
    SOCLE_CAPI_RETURN_IF_FAILED(InputKind(kind, &spec.kind, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputDay(from, from_len, "from", &spec.from, error));
    if (to_len != 0 || to != nullptr) {
      absl::string_view to_view;
      SOCLE_CAPI_RETURN_IF_FAILED(InputView(to, to_len, "to", &to_view, error));
      if (!to_view.empty()) {
        absl::CivilDay last;
        SOCLE_CAPI_RETURN_IF_FAILED(InputDay(to, to_len, "to", &last, error));
        spec.to = last;
      }
    }
    spec.person = std::string(v[0]);
    spec.representative = std::string(v[1]);
    spec.reference = std::string(v[2]);
    spec.recorded_by = std::string(v[3]);
    return Written(socle::SetRepresentative(EngineOf(*engine), spec), out_revision, error);
  });
}

int32_t socle_access_engine_end_representative(socle_access_engine* engine, const char* person,
                                               size_t person_len, const char* representative,
                                               size_t representative_len, int32_t kind,
                                               const char* last_day, size_t last_day_len,
                                               const char* recorded_by, size_t recorded_by_len,
                                               uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[3];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {representative, representative_len, "representative"},
                                            {recorded_by, recorded_by_len, "recorded_by"}},
                                           v, error));
    socle::RepresentativeKind cxx_kind = socle::RepresentativeKind::kParentalAuthority;
    SOCLE_CAPI_RETURN_IF_FAILED(InputKind(kind, &cxx_kind, error));
    absl::CivilDay day;
    SOCLE_CAPI_RETURN_IF_FAILED(InputDay(last_day, last_day_len, "last_day", &day, error));
    return Written(socle::EndRepresentative(EngineOf(*engine), v[0], v[1], cxx_kind, day, v[2]),
                   out_revision, error);
  });
}

// ---- The consent spec ---------------------------------------------------------------------------

int32_t socle_consent_spec_new(socle_consent_spec** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_consent_spec{};
    return SOCLE_OK;
  });
}

void socle_consent_spec_free(socle_consent_spec* spec) { delete spec; }

int32_t socle_consent_spec_set_person(socle_consent_spec* spec, const char* person,
                                      size_t person_len, socle_error** error) {
  return SetText(spec, &socle::ConsentSpec::person, person, person_len, "person", error);
}

int32_t socle_consent_spec_set_purpose(socle_consent_spec* spec, const char* purpose,
                                       size_t purpose_len, socle_error** error) {
  return SetText(spec, &socle::ConsentSpec::purpose, purpose, purpose_len, "purpose", error);
}

int32_t socle_consent_spec_set_scope(socle_consent_spec* spec, int32_t scope, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (spec == nullptr) return NullArgument(error, "spec");
    return InputScope(scope, &spec->spec.scope, error);
  });
}

int32_t socle_consent_spec_set_information(socle_consent_spec* spec, const char* version,
                                           size_t version_len, const uint8_t* sha256,
                                           size_t sha256_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (spec == nullptr) return NullArgument(error, "spec");
    absl::string_view version_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(version, version_len, "version", &version_view, error));
    absl::string_view digest;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(sha256, sha256_len, "sha256", &digest, error));
    if (digest.size() != 32) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  absl::StrCat("sha256 is ", digest.size(),
                               " bytes; the SHA-256 of the information text is 32 bytes"));
    }
    spec->spec.information_version.assign(version_view.data(), version_view.size());
    spec->spec.information_sha256.assign(digest.data(), digest.size());
    return SOCLE_OK;
  });
}

int32_t socle_consent_spec_set_channel(socle_consent_spec* spec, int32_t channel,
                                       socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (spec == nullptr) return NullArgument(error, "spec");
    return InputChannel(channel, &spec->spec.channel, error);
  });
}

int32_t socle_consent_spec_set_evidence_reference(socle_consent_spec* spec, const char* reference,
                                                  size_t reference_len, socle_error** error) {
  return SetText(spec, &socle::ConsentSpec::evidence_reference, reference, reference_len,
                 "reference", error);
}

int32_t socle_consent_spec_set_notice_language(socle_consent_spec* spec, const char* language,
                                               size_t language_len, socle_error** error) {
  return SetText(spec, &socle::ConsentSpec::notice_language, language, language_len, "language",
                 error);
}

int32_t socle_consent_spec_set_expires_unix_seconds(socle_consent_spec* spec,
                                                    int64_t expires_unix_seconds,
                                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (spec == nullptr) return NullArgument(error, "spec");
    spec->spec.expires_at = expires_unix_seconds == 0 ? absl::InfiniteFuture()
                                                      : absl::FromUnixSeconds(expires_unix_seconds);
    return SOCLE_OK;
  });
}

int32_t socle_consent_spec_set_supports(socle_consent_spec* spec, const char* supports,
                                        size_t supports_len, socle_error** error) {
  return SetText(spec, &socle::ConsentSpec::supports, supports, supports_len, "supports", error);
}

int32_t socle_consent_spec_set_security_measures(socle_consent_spec* spec, const char* measures,
                                                 size_t measures_len, socle_error** error) {
  return SetText(spec, &socle::ConsentSpec::security_measures, measures, measures_len, "measures",
                 error);
}

int32_t socle_consent_spec_set_recorded_by(socle_consent_spec* spec, const char* professional,
                                           size_t professional_len, socle_error** error) {
  return SetText(spec, &socle::ConsentSpec::recorded_by, professional, professional_len,
                 "professional", error);
}

int32_t socle_consent_spec_add_given_by(socle_consent_spec* spec, const char* id, size_t id_len,
                                        socle_error** error) {
  return AddText(spec, &socle::ConsentSpec::given_by, id, id_len, "id", error);
}

int32_t socle_consent_spec_add_category(socle_consent_spec* spec, const char* category,
                                        size_t category_len, socle_error** error) {
  return AddText(spec, &socle::ConsentSpec::categories, category, category_len, "category", error);
}

int32_t socle_consent_spec_add_recipient(socle_consent_spec* spec, const char* professional,
                                         size_t professional_len, socle_error** error) {
  return AddText(spec, &socle::ConsentSpec::recipients, professional, professional_len,
                 "professional", error);
}

int32_t socle_consent_spec_add_recipient_role(socle_consent_spec* spec, const char* role,
                                              size_t role_len, socle_error** error) {
  return AddText(spec, &socle::ConsentSpec::recipient_roles, role, role_len, "role", error);
}

// ---- Consents -----------------------------------------------------------------------------------

int32_t socle_access_engine_give_consent(socle_access_engine* engine,
                                         const socle_consent_spec* spec, uint64_t* out_revision,
                                         socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (spec == nullptr) return NullArgument(error, "spec");
    return Written(socle::GiveConsent(EngineOf(*engine), spec->spec), out_revision, error);
  });
}

int32_t socle_access_engine_withdraw_consent(socle_access_engine* engine, const char* person,
                                             size_t person_len, const char* purpose,
                                             size_t purpose_len, int32_t scope,
                                             const char* withdrawn_by, size_t withdrawn_by_len,
                                             int32_t channel, const char* recorded_by,
                                             size_t recorded_by_len, uint64_t* out_revision,
                                             socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[4];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {purpose, purpose_len, "purpose"},
                                            {withdrawn_by, withdrawn_by_len, "withdrawn_by"},
                                            {recorded_by, recorded_by_len, "recorded_by"}},
                                           v, error));
    socle::ConsentScope cxx_scope = socle::ConsentScope::kProcessing;
    SOCLE_CAPI_RETURN_IF_FAILED(InputScope(scope, &cxx_scope, error));
    socle::ConsentChannel cxx_channel = socle::ConsentChannel::kInPerson;
    SOCLE_CAPI_RETURN_IF_FAILED(InputChannel(channel, &cxx_channel, error));
    return Written(
        socle::WithdrawConsent(EngineOf(*engine), v[0], v[1], cxx_scope, v[2], cxx_channel, v[3]),
        out_revision, error);
  });
}

int32_t socle_access_engine_consent_status(const socle_access_engine* engine, const char* person,
                                           size_t person_len, const char* purpose,
                                           size_t purpose_len, int32_t scope,
                                           int64_t at_unix_seconds, const char* category,
                                           size_t category_len, const char* recipient,
                                           size_t recipient_len, int32_t* out_state,
                                           uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_state, out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    if (out_state == nullptr) return NullArgument(error, "out_state");
    absl::string_view v[4];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {purpose, purpose_len, "purpose"},
                                            {category, category_len, "category"},
                                            {recipient, recipient_len, "recipient"}},
                                           v, error));
    socle::ConsentScope cxx_scope = socle::ConsentScope::kProcessing;
    SOCLE_CAPI_RETURN_IF_FAILED(InputScope(scope, &cxx_scope, error));
    const absl::Time at =
        at_unix_seconds == 0 ? absl::InfinitePast() : absl::FromUnixSeconds(at_unix_seconds);
    auto status = socle::ConsentStatusAt(*EngineOf(*engine).snapshot(), v[0], v[1], cxx_scope, at,
                                         v[2], v[3]);
    if (!status.ok()) return FromStatus(error, status.status());
    *out_state = static_cast<int32_t>(status->state);
    if (out_revision != nullptr) *out_revision = status->revision;
    return SOCLE_OK;
  });
}

// ---- Objections ---------------------------------------------------------------------------------

int32_t socle_access_engine_record_objection(socle_access_engine* engine, const char* person,
                                             size_t person_len, int32_t kind, const char* purpose,
                                             size_t purpose_len, const char* objected_by,
                                             size_t objected_by_len, const char* informed_evidence,
                                             size_t informed_evidence_len, const char* recorded_by,
                                             size_t recorded_by_len, uint64_t* out_revision,
                                             socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[5];
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputTexts({{person, person_len, "person"},
                    {purpose, purpose_len, "purpose"},
                    {objected_by, objected_by_len, "objected_by"},
                    {informed_evidence, informed_evidence_len, "informed_evidence"},
                    {recorded_by, recorded_by_len, "recorded_by"}},
                   v, error));
    socle::ObjectionSpec spec;
    SOCLE_CAPI_RETURN_IF_FAILED(InputObjectionKind(kind, &spec.kind, error));
    spec.person = std::string(v[0]);
    spec.purpose = std::string(v[1]);
    spec.objected_by = std::string(v[2]);
    spec.informed_evidence = std::string(v[3]);
    spec.recorded_by = std::string(v[4]);
    return Written(socle::RecordObjection(EngineOf(*engine), spec), out_revision, error);
  });
}

int32_t socle_access_engine_decide_objection(socle_access_engine* engine, const char* person,
                                             size_t person_len, const char* purpose,
                                             size_t purpose_len, int32_t outcome,
                                             const char* justification, size_t justification_len,
                                             const char* recorded_by, size_t recorded_by_len,
                                             uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[4];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {purpose, purpose_len, "purpose"},
                                            {justification, justification_len, "justification"},
                                            {recorded_by, recorded_by_len, "recorded_by"}},
                                           v, error));
    socle::ObjectionOutcome cxx_outcome = socle::ObjectionOutcome::kPending;
    SOCLE_CAPI_RETURN_IF_FAILED(InputOutcome(outcome, &cxx_outcome, error));
    return Written(socle::DecideObjection(EngineOf(*engine), v[0], v[1], cxx_outcome, v[2], v[3]),
                   out_revision, error);
  });
}

int32_t socle_access_engine_withdraw_objection(socle_access_engine* engine, const char* person,
                                               size_t person_len, int32_t kind, const char* purpose,
                                               size_t purpose_len, const char* recorded_by,
                                               size_t recorded_by_len, uint64_t* out_revision,
                                               socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view v[3];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts({{person, person_len, "person"},
                                            {purpose, purpose_len, "purpose"},
                                            {recorded_by, recorded_by_len, "recorded_by"}},
                                           v, error));
    socle::ObjectionKind cxx_kind = socle::ObjectionKind::kProcessing;
    SOCLE_CAPI_RETURN_IF_FAILED(InputObjectionKind(kind, &cxx_kind, error));
    return Written(socle::WithdrawObjection(EngineOf(*engine), v[0], cxx_kind, v[1], v[2]),
                   out_revision, error);
  });
}

// ---- Consent receipts ---------------------------------------------------------------------------

int32_t socle_ledger_issue_consent_receipt(socle_ledger* ledger, const socle_policy* policy,
                                           uint64_t index, socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (ledger == nullptr) return NullArgument(error, "ledger");
    if (policy == nullptr) return NullArgument(error, "policy");
    if (out == nullptr) return NullArgument(error, "out");
    socle::StateLedger state(LedgerOf(ledger));
    auto receipt = socle::IssueConsentReceipt(state, policy->policy, index);
    if (!receipt.ok()) return FromStatus(error, receipt.status());
    return FillBuffer(out, *receipt, error);
  });
}

int32_t socle_ledger_consent_receipt_verifier_key(socle_ledger* ledger, socle_buffer* out,
                                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (ledger == nullptr) return NullArgument(error, "ledger");
    if (out == nullptr) return NullArgument(error, "out");
    auto key = socle::ConsentReceiptVerifierKey(*LedgerOf(ledger));
    if (!key.ok()) return FromStatus(error, key.status());
    return FillBuffer(out, *key, error);
  });
}

int32_t socle_consent_receipt_verify(const char* receipt, size_t receipt_len,
                                     const char* receipts_verifier_key,
                                     size_t receipts_verifier_key_len,
                                     const char* checkpoint_verifier_key,
                                     size_t checkpoint_verifier_key_len, socle_buffer* out,
                                     uint64_t* out_index, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    ResetNumbers(out_index);
    if (out == nullptr) return NullArgument(error, "out");
    absl::string_view v[3];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts(
        {{receipt, receipt_len, "receipt"},
         {receipts_verifier_key, receipts_verifier_key_len, "receipts_verifier_key"},
         {checkpoint_verifier_key, checkpoint_verifier_key_len, "checkpoint_verifier_key"}},
        v, error));
    auto verified = socle::VerifyConsentReceipt(v[0], v[1], v[2]);
    if (!verified.ok()) return FromStatus(error, verified.status());
    SOCLE_CAPI_RETURN_IF_FAILED(FillBuffer(out, verified->json, error));
    if (out_index != nullptr) *out_index = verified->event.index;
    return SOCLE_OK;
  });
}
