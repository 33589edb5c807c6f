// The C ABI of the text modules (include/socle/socle.h, "Text"): the NIR, generalisation of
// quasi-identifiers, free-text redaction.
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "capi/capi_internal.h"
#include "socle/error.hpp"
#include "socle/generalise.hpp"
#include "socle/nir.hpp"
#include "socle/redact.hpp"
#include "socle/socle.h"

struct socle_redactor_options {
  socle::RedactorOptions options;
};

struct socle_redactor {
  socle::Redactor redactor;
};

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputView;
using socle::capi::InputViews;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::Wipe;

#define SOCLE_CAPI_NIR_CONSTANTS(X)                                         \
  X(SOCLE_NIR_LENGTH, socle::kNirLength)                                    \
  X(SOCLE_NIR_OK, socle::NirProblem::kNone)                                 \
  X(SOCLE_NIR_BAD_LENGTH, socle::NirProblem::kLength)                       \
  X(SOCLE_NIR_BAD_CHARACTER, socle::NirProblem::kCharacter)                 \
  X(SOCLE_NIR_BAD_SEX, socle::NirProblem::kSex)                             \
  X(SOCLE_NIR_BAD_KEY, socle::NirProblem::kKey)                             \
  X(SOCLE_NIR_WARN_PROVISIONAL, socle::NirWarning::kProvisional)            \
  X(SOCLE_NIR_WARN_MONTH_UNKNOWN, socle::NirWarning::kMonthUnknown)         \
  X(SOCLE_NIR_WARN_MONTH_IMPLAUSIBLE, socle::NirWarning::kMonthImplausible) \
  X(SOCLE_NIR_WARN_PLACE_IMPLAUSIBLE, socle::NirWarning::kPlaceImplausible) \
  X(SOCLE_NIR_WARN_COMMUNE_ZERO, socle::NirWarning::kCommuneZero)           \
  X(SOCLE_NIR_WARN_ORDER_ZERO, socle::NirWarning::kOrderZero)
#define SOCLE_CAPI_GENERALISE_CONSTANTS(X)            \
  X(SOCLE_DATE_MONTH, socle::DateGranularity::kMonth) \
  X(SOCLE_DATE_YEAR, socle::DateGranularity::kYear)
#define SOCLE_CAPI_IDENTITY_KINDS(X)                            \
  X(SOCLE_IDENTITY_NAME, socle::IdentityKind::kName)            \
  X(SOCLE_IDENTITY_FIRST_NAME, socle::IdentityKind::kFirstName) \
  X(SOCLE_IDENTITY_ADDRESS, socle::IdentityKind::kAddress)      \
  X(SOCLE_IDENTITY_PHONE, socle::IdentityKind::kPhone)          \
  X(SOCLE_IDENTITY_EMAIL, socle::IdentityKind::kEmail)          \
  X(SOCLE_IDENTITY_NIR, socle::IdentityKind::kNir)              \
  X(SOCLE_IDENTITY_BIRTH_DATE, socle::IdentityKind::kBirthDate)
#define SOCLE_CAPI_REDACTION_TYPES(X)                        \
  X(SOCLE_REDACTION_PERSON, socle::RedactionType::kPerson)   \
  X(SOCLE_REDACTION_NIR, socle::RedactionType::kNir)         \
  X(SOCLE_REDACTION_PHONE, socle::RedactionType::kPhone)     \
  X(SOCLE_REDACTION_EMAIL, socle::RedactionType::kEmail)     \
  X(SOCLE_REDACTION_IBAN, socle::RedactionType::kIban)       \
  X(SOCLE_REDACTION_ADDRESS, socle::RedactionType::kAddress) \
  X(SOCLE_REDACTION_BIRTH_DATE, socle::RedactionType::kBirthDate)
SOCLE_CAPI_NIR_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_GENERALISE_CONSTANTS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_IDENTITY_KINDS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_REDACTION_TYPES(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_ASSERT_SAME(SOCLE_REDACTION_TYPE_COUNT, socle::kRedactionTypeCount)

void FillCounts(const socle::RedactionReport& report, uint64_t* counts, size_t counts_len) {
  if (counts == nullptr) return;
  for (size_t i = 0; i < counts_len; ++i) {
    counts[i] = i < socle::kRedactionTypeCount ? report.counts[i] : 0;
  }
}

// An ISO 8601 date input; errors name `name`, never the date.
int32_t InputDate(const char* text, size_t len, const char* name, absl::CivilDay* out,
                  socle_error** error) {
  absl::string_view view;
  SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, len, name, &view, error));
  auto day = socle::ParseIsoDate(view);
  if (!day.ok()) {
    return Fail(error, static_cast<int32_t>(socle::ErrorCodeOf(day.status())),
                std::string(name) + ": " + std::string(day.status().message()));
  }
  *out = *day;
  return SOCLE_OK;
}

}  // namespace

extern "C" {

// ---- NIR ------------------------------------------------------------------------------------

int32_t socle_nir_check(const char* text, size_t text_len, int32_t* out_problem,
                        uint32_t* out_warnings, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_problem, out_warnings);
    absl::string_view text_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, text_len, "text", &text_view, error));
    const socle::NirCheck check = socle::CheckNir(text_view);
    if (out_problem != nullptr) *out_problem = static_cast<int32_t>(check.problem);
    if (out_warnings != nullptr) *out_warnings = check.warnings;
    if (check.ok()) return SOCLE_OK;
    return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                "NIR: invalid (" + std::string(socle::NirProblemName(check.problem)) + ")");
  });
}

int32_t socle_nir_normalise(const char* text, size_t text_len, socle_buffer* out,
                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    ResetBuffer(out);
    absl::string_view text_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, text_len, "text", &text_view, error));
    auto nir = socle::ParseNir(text_view);
    if (!nir.ok()) return FromStatus(error, nir.status());
    const int32_t rc = FillBuffer(out, nir->view(), error);
    Wipe(nir->chars.data(), nir->chars.size());
    return rc;
  });
}

int32_t socle_nir_key(const char* body, size_t body_len, int32_t* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out);
    if (out == nullptr) return NullArgument(error, "out");
    absl::string_view body_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(body, body_len, "body", &body_view, error));
    auto key = socle::NirKey(body_view);
    if (!key.ok()) return FromStatus(error, key.status());
    *out = *key;
    return SOCLE_OK;
  });
}

// ---- Generalisation -------------------------------------------------------------------------

int32_t socle_generalise_birth_year(const char* birth, size_t birth_len, int32_t* out,
                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out);
    if (out == nullptr) return NullArgument(error, "out");
    absl::CivilDay day;
    SOCLE_CAPI_RETURN_IF_FAILED(InputDate(birth, birth_len, "birth", &day, error));
    *out = static_cast<int32_t>(day.year());
    return SOCLE_OK;
  });
}

int32_t socle_generalise_age_band(const char* birth, size_t birth_len, const char* reference,
                                  size_t reference_len, int32_t width, int32_t open_from,
                                  int32_t* out_low, int32_t* out_high, socle_buffer* out_label,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_low, out_high);
    if (out_low == nullptr) return NullArgument(error, "out_low");
    if (out_high == nullptr) return NullArgument(error, "out_high");
    ResetBuffer(out_label);
    absl::CivilDay b, r;
    SOCLE_CAPI_RETURN_IF_FAILED(InputDate(birth, birth_len, "birth", &b, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputDate(reference, reference_len, "reference", &r, error));
    auto band = socle::AgeBandAt(b, r, width, open_from);
    if (!band.ok()) return FromStatus(error, band.status());
    *out_low = band->low;
    *out_high = band->high.has_value() ? *band->high : -1;
    if (out_label != nullptr) return FillBuffer(out_label, band->Label(), error);
    return SOCLE_OK;
  });
}

int32_t socle_generalise_date(const char* date, size_t date_len, int32_t granularity,
                              socle_buffer* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    ResetBuffer(out);
    if (granularity != SOCLE_DATE_MONTH && granularity != SOCLE_DATE_YEAR) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "granularity is " + std::to_string(granularity) +
                      "; use SOCLE_DATE_MONTH (1) or SOCLE_DATE_YEAR (2)");
    }
    absl::CivilDay day;
    SOCLE_CAPI_RETURN_IF_FAILED(InputDate(date, date_len, "date", &day, error));
    return FillBuffer(
        out, socle::GeneraliseDate(day, static_cast<socle::DateGranularity>(granularity)), error);
  });
}

int32_t socle_generalise_postcode(const char* postcode, size_t postcode_len, socle_buffer* out,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    ResetBuffer(out);
    absl::string_view postcode_view;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(postcode, postcode_len, "postcode", &postcode_view, error));
    auto dep = socle::DepartementFromPostcode(postcode_view);
    if (!dep.ok()) return FromStatus(error, dep.status());
    return FillBuffer(out, *dep, error);
  });
}

int32_t socle_generalise_insee_commune(const char* code, size_t code_len, socle_buffer* out,
                                       socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    ResetBuffer(out);
    absl::string_view code_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(code, code_len, "code", &code_view, error));
    auto dep = socle::DepartementFromInseeCode(code_view);
    if (!dep.ok()) return FromStatus(error, dep.status());
    return FillBuffer(out, *dep, error);
  });
}

int32_t socle_generalise_amount(const int64_t* bounds, size_t bound_count, int64_t amount,
                                size_t* out_index, socle_buffer* out_label, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_index);
    if (out_index == nullptr) return NullArgument(error, "out_index");
    ResetBuffer(out_label);
    if (bounds == nullptr && bound_count != 0) return NullArgument(error, "bounds");
    if (bound_count > 1000) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "amount brackets: give 1 to 1000 bounds");
    }
    auto brackets =
        socle::AmountBrackets::Create(std::vector<int64_t>(bounds, bounds + bound_count));
    if (!brackets.ok()) return FromStatus(error, brackets.status());
    const socle::AmountBrackets::Bracket b = brackets->Find(amount);
    *out_index = b.index;
    if (out_label != nullptr) return FillBuffer(out_label, b.Label(), error);
    return SOCLE_OK;
  });
}

// ---- Redaction ------------------------------------------------------------------------------

const char* socle_redaction_type_name(int32_t type) {
  const auto NameOf = [](socle::RedactionType t) { return socle::RedactionTypeName(t); };
  switch (type) { SOCLE_CAPI_REDACTION_TYPES(SOCLE_CAPI_NAME_CASE) }
  return "";
}

int32_t socle_redactor_options_new(socle_redactor_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_redactor_options{};
    return SOCLE_OK;
  });
}

void socle_redactor_options_free(socle_redactor_options* options) { delete options; }

int32_t socle_redactor_options_set_recognisers(socle_redactor_options* options,
                                               uint32_t recognisers, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    if ((recognisers & ~static_cast<uint32_t>(SOCLE_RECOGNISE_ALL)) != 0) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  "recognisers: unknown bits (use SOCLE_RECOGNISE_*)");
    }
    socle::RedactorOptions& o = options->options;
    o.nir = (recognisers & SOCLE_RECOGNISE_NIR) != 0;
    o.phone = (recognisers & SOCLE_RECOGNISE_PHONE) != 0;
    o.email = (recognisers & SOCLE_RECOGNISE_EMAIL) != 0;
    o.iban = (recognisers & SOCLE_RECOGNISE_IBAN) != 0;
    o.birth_date = (recognisers & SOCLE_RECOGNISE_BIRTH_DATE) != 0;
    return SOCLE_OK;
  });
}

int32_t socle_redactor_options_set_common_words_need_capital(socle_redactor_options* options,
                                                             int32_t enabled, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    if (enabled != 0 && enabled != 1) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "enabled must be 0 or 1");
    }
    options->options.common_words_need_capital = enabled == 1;
    return SOCLE_OK;
  });
}

int32_t socle_redactor_create(const socle_known_identity* identities, size_t identity_count,
                              const socle_redactor_options* options, socle_redactor** out,
                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (identities == nullptr && identity_count != 0) return NullArgument(error, "identities");
    std::vector<socle::KnownIdentity> known(identity_count);
    for (size_t i = 0; i < identity_count; ++i) {
      const socle_known_identity& id = identities[i];
      absl::string_view value;
      SOCLE_CAPI_RETURN_IF_FAILED(InputView(
          id.value, id.value_len, absl::StrCat("identities[", i, "].value"), &value, error));
      known[i].kind = static_cast<socle::IdentityKind>(id.kind);
      known[i].person = id.person;
      known[i].value = std::string(value);
    }
    auto redactor = socle::Redactor::Create(
        known, options != nullptr ? options->options : socle::RedactorOptions{});
    for (auto& k : known) Wipe(k.value.data(), k.value.size());
    if (!redactor.ok()) return FromStatus(error, redactor.status());
    *out = new socle_redactor{*std::move(redactor)};
    return SOCLE_OK;
  });
}

int32_t socle_redactor_create_from_text(const char* known, size_t known_len,
                                        const socle_redactor_options* options, socle_redactor** out,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    absl::string_view known_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(known, known_len, "known", &known_view, error));
    auto identities = socle::ParseKnownIdentities(known_view);
    if (!identities.ok()) return FromStatus(error, identities.status());
    auto redactor = socle::Redactor::Create(
        *identities, options != nullptr ? options->options : socle::RedactorOptions{});
    for (auto& k : *identities) Wipe(k.value.data(), k.value.size());
    if (!redactor.ok()) return FromStatus(error, redactor.status());
    *out = new socle_redactor{*std::move(redactor)};
    return SOCLE_OK;
  });
}

void socle_redactor_free(socle_redactor* redactor) { delete redactor; }

int32_t socle_redactor_redact(const socle_redactor* redactor, const char* text, size_t text_len,
                              socle_buffer* out, uint64_t* out_counts, size_t out_counts_capacity,
                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (redactor == nullptr) return NullArgument(error, "redactor");
    if (out == nullptr) return NullArgument(error, "out");
    absl::string_view text_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(text, text_len, "text", &text_view, error));
    socle::RedactionReport report;
    std::string redacted;
    redactor->redactor.RedactTo(text_view, &redacted, &report);
    const int32_t rc = FillBuffer(out, redacted, error);
    if (rc == SOCLE_OK) FillCounts(report, out_counts, out_counts_capacity);
    return rc;
  });
}

int32_t socle_redactor_redact_batch(const socle_redactor* redactor, const char* const* texts,
                                    const size_t* text_lens, size_t count, socle_buffer* out,
                                    size_t* out_ends, uint64_t* out_counts,
                                    size_t out_counts_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (redactor == nullptr) return NullArgument(error, "redactor");
    if (out == nullptr) return NullArgument(error, "out");
    std::vector<absl::string_view> views;
    SOCLE_CAPI_RETURN_IF_FAILED(InputViews(texts, text_lens, count, "texts", &views, error));
    if (count != 0 && out_ends == nullptr) return NullArgument(error, "out_ends");
    socle::RedactionReport total;
    std::string all;
    std::string one;
    for (size_t i = 0; i < count; ++i) {
      socle::RedactionReport report;
      redactor->redactor.RedactTo(views[i], &one, &report);
      all += one;
      out_ends[i] = all.size();
      total.Add(report);
    }
    const int32_t rc = FillBuffer(out, all, error);
    if (rc == SOCLE_OK) FillCounts(total, out_counts, out_counts_capacity);
    return rc;
  });
}

}  // extern "C"
