// The C ABI of two-person activation (socle.h, "Two-person activation of a policy";
// socle/policy_approval.hpp): approval keys, signed approvals, activation, the policy in force.
#include "socle/policy_approval.hpp"

#include <string>

#include "capi/capi_internal.h"
#include "socle/socle.h"

using socle::capi::EngineOf;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputTexts;
using socle::capi::InputView;
using socle::capi::NamedInput;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetNumbers;
using socle::capi::TrailOf;
using socle::capi::Written;

namespace {

#define SOCLE_CAPI_APPROVAL_CONSTANTS(X)                                      \
  X(SOCLE_POLICY_ACTIVATION_NONE, socle::PolicyActivationMode::kNone)         \
  X(SOCLE_POLICY_ACTIVATION_INITIAL, socle::PolicyActivationMode::kInitial)   \
  X(SOCLE_POLICY_ACTIVATION_APPROVED, socle::PolicyActivationMode::kApproved) \
  X(SOCLE_POLICY_ACTIVATION_DEVELOPMENT, socle::PolicyActivationMode::kDevelopment)
SOCLE_CAPI_APPROVAL_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)

}  // namespace

extern "C" {

int32_t socle_policy_approval_key_generate(const char* name, size_t name_len,
                                           socle_buffer* out_signer_key,
                                           socle_buffer* out_verifier_key, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out_signer_key);
    ResetBuffer(out_verifier_key);
    if (out_signer_key == nullptr) return NullArgument(error, "out_signer_key");
    if (out_verifier_key == nullptr) return NullArgument(error, "out_verifier_key");
    absl::string_view view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(name, name_len, "name", &view, error));
    absl::StatusOr<socle::ApprovalKeyPair> key = socle::GenerateApprovalKey(view);
    if (!key.ok()) return FromStatus(error, key.status());
    SOCLE_CAPI_RETURN_IF_FAILED(FillBuffer(out_signer_key, key->signer_key.view(), error));
    return FillBuffer(out_verifier_key, key->verifier_key, error);
  });
}

int32_t socle_policy_approval_sign(const socle_policy* previous, const socle_policy* next,
                                   const char* professional, size_t professional_len,
                                   const uint8_t* signer_key, size_t signer_key_len,
                                   socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (out == nullptr) return NullArgument(error, "out");
    if (previous == nullptr) return NullArgument(error, "previous");
    if (next == nullptr) return NullArgument(error, "next");
    absl::string_view texts[2];
    SOCLE_CAPI_RETURN_IF_FAILED(InputTexts(
        {NamedInput{professional, professional_len, "professional"},
         NamedInput{reinterpret_cast<const char*>(signer_key), signer_key_len, "signer_key"}},
        texts, error));
    const socle::SecretBytes key(texts[1]);
    absl::StatusOr<std::string> note =
        socle::SignPolicyApproval(previous->policy, next->policy, texts[0], key);
    if (!note.ok()) return FromStatus(error, note.status());
    return FillBuffer(out, *note, error);
  });
}

int32_t socle_access_engine_register_approval_key(socle_access_engine* engine,
                                                  const char* professional, size_t professional_len,
                                                  const char* verifier_key, size_t verifier_key_len,
                                                  const char* recorded_by, size_t recorded_by_len,
                                                  uint64_t* out_revision, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (engine == nullptr) return NullArgument(error, "engine");
    absl::string_view texts[3];
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputTexts({NamedInput{professional, professional_len, "professional"},
                    NamedInput{verifier_key, verifier_key_len, "verifier_key"},
                    NamedInput{recorded_by, recorded_by_len, "recorded_by"}},
                   texts, error));
    return Written(socle::RegisterApprovalKey(EngineOf(*engine), texts[0], texts[1], texts[2]),
                   out_revision, error);
  });
}

int32_t socle_access_trail_record_policy_approval(socle_access_trail* trail,
                                                  socle_access_engine* engine,
                                                  const socle_policy* next, const char* approval,
                                                  size_t approval_len, uint64_t* out_revision,
                                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (trail == nullptr) return NullArgument(error, "trail");
    if (engine == nullptr) return NullArgument(error, "engine");
    if (next == nullptr) return NullArgument(error, "next");
    absl::string_view view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(approval, approval_len, "approval", &view, error));
    return Written(
        socle::RecordPolicyApproval(EngineOf(*engine), next->policy, view, &TrailOf(*trail)),
        out_revision, error);
  });
}

int32_t socle_access_trail_activate_policy(socle_access_trail* trail, socle_access_engine* engine,
                                           const socle_policy* next, const char* actor,
                                           size_t actor_len, uint64_t* out_revision,
                                           socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_revision);
    if (trail == nullptr) return NullArgument(error, "trail");
    if (engine == nullptr) return NullArgument(error, "engine");
    if (next == nullptr) return NullArgument(error, "next");
    absl::string_view view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(actor, actor_len, "actor", &view, error));
    return Written(socle::ActivatePolicy(EngineOf(*engine), next->policy, view, &TrailOf(*trail)),
                   out_revision, error);
  });
}

int32_t socle_access_engine_policy_in_force(const socle_access_engine* engine, int32_t* out_mode,
                                            socle_buffer* out_digest_hex,
                                            uint64_t* out_pending_approvals, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_mode, out_pending_approvals);
    ResetBuffer(out_digest_hex);
    if (engine == nullptr) return NullArgument(error, "engine");
    const socle::PolicyGovernanceStatus g = EngineOf(*engine).snapshot()->Governance();
    if (out_mode != nullptr) *out_mode = static_cast<int32_t>(g.mode);
    if (out_pending_approvals != nullptr) *out_pending_approvals = g.approvals.size();
    if (out_digest_hex != nullptr) return FillBuffer(out_digest_hex, g.policy_digest, error);
    return SOCLE_OK;
  });
}

}  // extern "C"
