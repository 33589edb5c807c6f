// The C ABI of the register's languages and of its DPV JSON-LD format (include/socle/socle.h,
// "The register in French and as DPV JSON-LD"; socle/policy.hpp, Policy::RenderRegister).
#include <string>

#include "capi/capi_internal.h"
#include "socle/policy.hpp"
#include "socle/socle.h"

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;

#define SOCLE_CAPI_REGISTER_CONSTANTS(X)                       \
  X(SOCLE_REGISTER_MARKDOWN, socle::RegisterFormat::kMarkdown) \
  X(SOCLE_REGISTER_JSON, socle::RegisterFormat::kJson)         \
  X(SOCLE_REGISTER_JSONLD, socle::RegisterFormat::kJsonLd)     \
  X(SOCLE_REGISTER_LANG_FR, socle::RegisterLanguage::kFrench)  \
  X(SOCLE_REGISTER_LANG_EN, socle::RegisterLanguage::kEnglish)
SOCLE_CAPI_REGISTER_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)

}  // namespace

extern "C" {

int32_t socle_policy_render_register_lang(const socle_policy* policy, int32_t format,
                                          int32_t language, socle_buffer* out,
                                          socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (policy == nullptr) return NullArgument(error, "policy");
    if (out == nullptr) return NullArgument(error, "out");
    if (format != SOCLE_REGISTER_MARKDOWN && format != SOCLE_REGISTER_JSON &&
        format != SOCLE_REGISTER_JSONLD) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "format is " + std::to_string(format) +
                      "; use SOCLE_REGISTER_MARKDOWN (1), SOCLE_REGISTER_JSON (2) or "
                      "SOCLE_REGISTER_JSONLD (3)");
    }
    if (language != SOCLE_REGISTER_LANG_FR && language != SOCLE_REGISTER_LANG_EN) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "language is " + std::to_string(language) +
                      "; use SOCLE_REGISTER_LANG_FR (1) or SOCLE_REGISTER_LANG_EN (2)");
    }
    auto text = policy->policy.RenderRegister(static_cast<socle::RegisterFormat>(format),
                                              static_cast<socle::RegisterLanguage>(language));
    if (!text.ok()) return FromStatus(error, text.status());
    return FillBuffer(out, *text, error);
  });
}

}  // extern "C"
