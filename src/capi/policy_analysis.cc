// The C ABI of the policy analysis (include/socle/socle.h, "Policy analysis: properties proven
// over every case"; socle/policy_analysis.hpp; docs/policy-analysis.md). No rule lives here: the
// calls convert, call PolicyAnalysis and DiffPolicies, and return their JSON reports.
#include "socle/policy_analysis.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/capi_internal.h"
#include "socle/socle.h"

// An analysis (socle_policy_analysis_create): immutable, it holds its own copy of the policy.
struct socle_policy_analysis {
  std::unique_ptr<socle::PolicyAnalysis> analysis;
};

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputEnum;
using socle::capi::InputView;
using socle::capi::InputViews;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;

#define SOCLE_CAPI_ANALYSIS_CONSTANTS(X)                      \
  X(SOCLE_ANALYSIS_LANG_FR, socle::AnalysisLanguage::kFrench) \
  X(SOCLE_ANALYSIS_LANG_EN, socle::AnalysisLanguage::kEnglish)
SOCLE_CAPI_ANALYSIS_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)

// The report of `results` into *out, and how many of them do not hold into *out_failed.
int32_t Report(const socle::PolicyAnalysis& analysis,
               const std::vector<socle::PropertyResult>& results, socle_buffer* out,
               uint64_t* out_failed, socle_error** error) {
  uint64_t failed = 0;
  for (const socle::PropertyResult& r : results) failed += r.holds ? 0 : 1;
  SOCLE_CAPI_RETURN_IF_FAILED(FillBuffer(out, analysis.ReportJson(results), error));
  if (out_failed != nullptr) *out_failed = failed;
  return SOCLE_OK;
}

}  // namespace

extern "C" {

int32_t socle_policy_analysis_create(const socle_policy* policy, socle_policy_analysis** out,
                                     socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (policy == nullptr) return NullArgument(error, "policy");
    absl::StatusOr<std::unique_ptr<socle::PolicyAnalysis>> analysis =
        socle::PolicyAnalysis::Create(policy->policy);
    if (!analysis.ok()) return FromStatus(error, analysis.status());
    *out = new socle_policy_analysis{*std::move(analysis)};
    return SOCLE_OK;
  });
}

void socle_policy_analysis_free(socle_policy_analysis* analysis) { delete analysis; }

uint64_t socle_policy_analysis_space_size(const socle_policy_analysis* analysis) {
  return analysis == nullptr ? 0 : analysis->analysis->space_size();
}

int32_t socle_policy_analysis_prove_declared(const socle_policy_analysis* analysis,
                                             const char* const* ids, const size_t* id_lens,
                                             size_t id_count, socle_buffer* out,
                                             uint64_t* out_failed, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    ResetNumbers(out_failed);
    if (analysis == nullptr) return NullArgument(error, "analysis");
    if (out == nullptr) return NullArgument(error, "out");
    std::vector<absl::string_view> wanted;
    SOCLE_CAPI_RETURN_IF_FAILED(InputViews(ids, id_lens, id_count, "ids", &wanted, error));
    std::vector<socle::PropertyResult> results = analysis->analysis->ProveDeclared();
    if (!wanted.empty()) {
      // As `socle policy prove --property`: the named ones, in the order asked.
      std::vector<socle::PropertyResult> chosen;
      chosen.reserve(wanted.size());
      for (size_t i = 0; i < wanted.size(); ++i) {
        auto it = std::find_if(results.begin(), results.end(),
                               [&](const socle::PropertyResult& r) { return r.id == wanted[i]; });
        if (it == results.end()) {
          return Fail(error, SOCLE_E_NOT_FOUND,
                      absl::StrCat("ids[", i, "]: the policy declares no property of that id"));
        }
        chosen.push_back(*it);
      }
      results = std::move(chosen);
    }
    return Report(*analysis->analysis, results, out, out_failed, error);
  });
}

int32_t socle_policy_analysis_prove(const socle_policy_analysis* analysis, const char* statement,
                                    size_t statement_len, socle_buffer* out, uint64_t* out_failed,
                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    ResetNumbers(out_failed);
    if (analysis == nullptr) return NullArgument(error, "analysis");
    if (out == nullptr) return NullArgument(error, "out");
    absl::string_view text;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(statement, statement_len, "statement", &text, error));
    absl::StatusOr<socle::PropertyResult> result = analysis->analysis->Prove(text);
    if (!result.ok()) {
      // "at character 12: expected ..." (the statement's words, never a person's data).
      return Fail(error, static_cast<int32_t>(socle::ErrorCodeOf(result.status())),
                  absl::StrCat("statement: ", result.status().message()));
    }
    return Report(*analysis->analysis, {*std::move(result)}, out, out_failed, error);
  });
}

int32_t socle_policy_analysis_diff_policies(const socle_policy_analysis* before,
                                            const socle_policy_analysis* after, int32_t language,
                                            socle_buffer* out, socle_buffer* out_summary,
                                            uint64_t* out_changed_cases, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    ResetBuffer(out_summary);
    ResetNumbers(out_changed_cases);
    if (before == nullptr) return NullArgument(error, "before");
    if (after == nullptr) return NullArgument(error, "after");
    if (out == nullptr) return NullArgument(error, "out");
    socle::AnalysisLanguage lang;
    SOCLE_CAPI_RETURN_IF_FAILED(InputEnum(language, SOCLE_ANALYSIS_LANG_FR, SOCLE_ANALYSIS_LANG_EN,
                                          "language", "SOCLE_ANALYSIS_LANG_*", &lang, error));
    const socle::PolicyDiff diff = socle::DiffPolicies(*before->analysis, *after->analysis);
    // Both texts first, so that nothing can throw once a buffer holds memory.
    const std::string json = diff.Json(lang);
    std::string summary;
    if (out_summary != nullptr) {
      for (const std::string& sentence : diff.Summary(lang)) {
        absl::StrAppend(&summary, sentence, "\n");
      }
      SOCLE_CAPI_RETURN_IF_FAILED(FillBuffer(out_summary, summary, error));
    }
    const int32_t rc = FillBuffer(out, json, error);
    if (rc != SOCLE_OK) {
      socle_buffer_free(out_summary);
      return rc;
    }
    if (out_changed_cases != nullptr) *out_changed_cases = diff.changed_cases;
    return SOCLE_OK;
  });
}

}  // extern "C"
