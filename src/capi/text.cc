// The C ABI of the text modules (include/socle/socle.h, "Text"): the NIR, generalisation of
// quasi-identifiers, free-text redaction.
#include <cstring>
#include <string>
#include <utility>
#include <vector>

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
  explicit socle_redactor(socle::Redactor r) : redactor(std::move(r)) {}
  socle::Redactor redactor;
};

namespace {

using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::NullArgument;

static_assert(SOCLE_NIR_LENGTH == socle::kNirLength);
static_assert(SOCLE_NIR_OK == static_cast<int32_t>(socle::NirProblem::kNone));
static_assert(SOCLE_NIR_BAD_LENGTH == static_cast<int32_t>(socle::NirProblem::kLength));
static_assert(SOCLE_NIR_BAD_CHARACTER == static_cast<int32_t>(socle::NirProblem::kCharacter));
static_assert(SOCLE_NIR_BAD_SEX == static_cast<int32_t>(socle::NirProblem::kSex));
static_assert(SOCLE_NIR_BAD_KEY == static_cast<int32_t>(socle::NirProblem::kKey));
static_assert(SOCLE_NIR_WARN_PROVISIONAL == static_cast<uint32_t>(socle::NirWarning::kProvisional));
static_assert(SOCLE_NIR_WARN_MONTH_UNKNOWN ==
              static_cast<uint32_t>(socle::NirWarning::kMonthUnknown));
static_assert(SOCLE_NIR_WARN_MONTH_IMPLAUSIBLE ==
              static_cast<uint32_t>(socle::NirWarning::kMonthImplausible));
static_assert(SOCLE_NIR_WARN_PLACE_IMPLAUSIBLE ==
              static_cast<uint32_t>(socle::NirWarning::kPlaceImplausible));
static_assert(SOCLE_NIR_WARN_COMMUNE_ZERO ==
              static_cast<uint32_t>(socle::NirWarning::kCommuneZero));
static_assert(SOCLE_NIR_WARN_ORDER_ZERO == static_cast<uint32_t>(socle::NirWarning::kOrderZero));
static_assert(SOCLE_DATE_MONTH == static_cast<int32_t>(socle::DateGranularity::kMonth));
static_assert(SOCLE_DATE_YEAR == static_cast<int32_t>(socle::DateGranularity::kYear));
static_assert(SOCLE_IDENTITY_NAME == static_cast<int32_t>(socle::IdentityKind::kName));
static_assert(SOCLE_IDENTITY_FIRST_NAME == static_cast<int32_t>(socle::IdentityKind::kFirstName));
static_assert(SOCLE_IDENTITY_ADDRESS == static_cast<int32_t>(socle::IdentityKind::kAddress));
static_assert(SOCLE_IDENTITY_PHONE == static_cast<int32_t>(socle::IdentityKind::kPhone));
static_assert(SOCLE_IDENTITY_EMAIL == static_cast<int32_t>(socle::IdentityKind::kEmail));
static_assert(SOCLE_IDENTITY_NIR == static_cast<int32_t>(socle::IdentityKind::kNir));
static_assert(SOCLE_IDENTITY_BIRTH_DATE == static_cast<int32_t>(socle::IdentityKind::kBirthDate));
static_assert(SOCLE_REDACTION_PERSON == static_cast<int32_t>(socle::RedactionType::kPerson));
static_assert(SOCLE_REDACTION_NIR == static_cast<int32_t>(socle::RedactionType::kNir));
static_assert(SOCLE_REDACTION_PHONE == static_cast<int32_t>(socle::RedactionType::kPhone));
static_assert(SOCLE_REDACTION_EMAIL == static_cast<int32_t>(socle::RedactionType::kEmail));
static_assert(SOCLE_REDACTION_IBAN == static_cast<int32_t>(socle::RedactionType::kIban));
static_assert(SOCLE_REDACTION_ADDRESS == static_cast<int32_t>(socle::RedactionType::kAddress));
static_assert(SOCLE_REDACTION_BIRTH_DATE == static_cast<int32_t>(socle::RedactionType::kBirthDate));
static_assert(SOCLE_REDACTION_TYPE_COUNT == socle::kRedactionTypeCount);

absl::string_view View(const char* data, size_t len) {
  return len == 0 ? absl::string_view() : absl::string_view(data, len);
}

void ResetBuffer(socle_buffer* b) {
  if (b != nullptr) {
    b->data = nullptr;
    b->size = 0;
  }
}

// Overwrites memory that held an identifier; the volatile pointer keeps the stores.
void Wipe(void* p, size_t n) {
  volatile unsigned char* v = static_cast<volatile unsigned char*>(p);
  while (n-- > 0) *v++ = 0;
}

void FillCounts(const socle::RedactionReport& report, uint64_t* counts, size_t counts_len) {
  if (counts == nullptr) return;
  for (size_t i = 0; i < counts_len; ++i) {
    counts[i] = i < socle::kRedactionTypeCount ? report.counts[i] : 0;
  }
}

absl::StatusOr<absl::CivilDay> ParseDate(const char* text, size_t len, const char* what) {
  if (text == nullptr && len != 0) {
    return socle::MakeError(socle::ErrorCode::kInvalidArgument,
                            std::string(what) + " must not be NULL");
  }
  auto day = socle::ParseIsoDate(View(text, len));
  if (!day.ok()) {
    return socle::MakeError(socle::ErrorCodeOf(day.status()),
                            std::string(what) + ": " + std::string(day.status().message()));
  }
  return day;
}

}  // namespace

extern "C" {

// ---- NIR ------------------------------------------------------------------------------------

int32_t socle_nir_check(const char* text, size_t text_len, int32_t* out_problem,
                        uint32_t* out_warnings, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (text == nullptr && text_len != 0) return NullArgument(error, "text");
    const socle::NirCheck check = socle::CheckNir(View(text, text_len));
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
    if (text == nullptr && text_len != 0) return NullArgument(error, "text");
    auto nir = socle::ParseNir(View(text, text_len));
    if (!nir.ok()) return FromStatus(error, nir.status());
    const int32_t rc = FillBuffer(out, nir->view(), error);
    Wipe(nir->chars.data(), nir->chars.size());
    return rc;
  });
}

int32_t socle_nir_key(const char* body, size_t body_len, int32_t* out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    if (body == nullptr && body_len != 0) return NullArgument(error, "body");
    auto key = socle::NirKey(View(body, body_len));
    if (!key.ok()) return FromStatus(error, key.status());
    *out = *key;
    return SOCLE_OK;
  });
}

// ---- Generalisation -------------------------------------------------------------------------

int32_t socle_generalise_birth_year(const char* birth, size_t birth_len, int32_t* out,
                                    socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    auto day = ParseDate(birth, birth_len, "birth");
    if (!day.ok()) return FromStatus(error, day.status());
    *out = static_cast<int32_t>(day->year());
    return SOCLE_OK;
  });
}

int32_t socle_generalise_age_band(const char* birth, size_t birth_len, const char* reference,
                                  size_t reference_len, int32_t width, int32_t open_from,
                                  int32_t* out_low, int32_t* out_high, socle_buffer* out_label,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out_low == nullptr) return NullArgument(error, "out_low");
    if (out_high == nullptr) return NullArgument(error, "out_high");
    ResetBuffer(out_label);
    auto b = ParseDate(birth, birth_len, "birth");
    if (!b.ok()) return FromStatus(error, b.status());
    auto r = ParseDate(reference, reference_len, "reference");
    if (!r.ok()) return FromStatus(error, r.status());
    auto band = socle::AgeBandAt(*b, *r, width, open_from);
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
    auto day = ParseDate(date, date_len, "date");
    if (!day.ok()) return FromStatus(error, day.status());
    return FillBuffer(
        out, socle::GeneraliseDate(*day, static_cast<socle::DateGranularity>(granularity)), error);
  });
}

int32_t socle_generalise_postcode(const char* postcode, size_t postcode_len, socle_buffer* out,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    ResetBuffer(out);
    if (postcode == nullptr && postcode_len != 0) return NullArgument(error, "postcode");
    auto dep = socle::DepartementFromPostcode(View(postcode, postcode_len));
    if (!dep.ok()) return FromStatus(error, dep.status());
    return FillBuffer(out, *dep, error);
  });
}

int32_t socle_generalise_insee_commune(const char* code, size_t code_len, socle_buffer* out,
                                       socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    ResetBuffer(out);
    if (code == nullptr && code_len != 0) return NullArgument(error, "code");
    auto dep = socle::DepartementFromInseeCode(View(code, code_len));
    if (!dep.ok()) return FromStatus(error, dep.status());
    return FillBuffer(out, *dep, error);
  });
}

int32_t socle_generalise_amount(const int64_t* bounds, size_t bound_count, int64_t amount,
                                size_t* out_index, socle_buffer* out_label, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
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
  if (type < 0 || type >= SOCLE_REDACTION_TYPE_COUNT) return "";
  // RedactionTypeName returns views of string literals, so .data() is NUL-terminated.
  return socle::RedactionTypeName(static_cast<socle::RedactionType>(type)).data();
}

int32_t socle_redactor_options_new(socle_redactor_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = new socle_redactor_options();
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
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (identities == nullptr && identity_count != 0) return NullArgument(error, "identities");
    std::vector<socle::KnownIdentity> known(identity_count);
    for (size_t i = 0; i < identity_count; ++i) {
      const socle_known_identity& id = identities[i];
      if (id.value == nullptr && id.value_len != 0) {
        return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                    "identity " + std::to_string(i) + ": value must not be NULL");
      }
      known[i].kind = static_cast<socle::IdentityKind>(id.kind);
      known[i].person = id.person;
      if (id.value_len != 0) known[i].value.assign(id.value, id.value_len);
    }
    auto redactor = socle::Redactor::Create(
        known, options != nullptr ? options->options : socle::RedactorOptions{});
    for (auto& k : known) Wipe(k.value.data(), k.value.size());
    if (!redactor.ok()) return FromStatus(error, redactor.status());
    *out = new socle_redactor(*std::move(redactor));
    return SOCLE_OK;
  });
}

int32_t socle_redactor_create_from_text(const char* known, size_t known_len,
                                        const socle_redactor_options* options, socle_redactor** out,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (out == nullptr) return NullArgument(error, "out");
    *out = nullptr;
    if (known == nullptr && known_len != 0) return NullArgument(error, "known");
    auto identities = socle::ParseKnownIdentities(View(known, known_len));
    if (!identities.ok()) return FromStatus(error, identities.status());
    auto redactor = socle::Redactor::Create(
        *identities, options != nullptr ? options->options : socle::RedactorOptions{});
    for (auto& k : *identities) Wipe(k.value.data(), k.value.size());
    if (!redactor.ok()) return FromStatus(error, redactor.status());
    *out = new socle_redactor(*std::move(redactor));
    return SOCLE_OK;
  });
}

void socle_redactor_free(socle_redactor* redactor) { delete redactor; }

int32_t socle_redactor_redact(const socle_redactor* redactor, const char* text, size_t text_len,
                              socle_buffer* out, uint64_t* out_counts, size_t out_counts_capacity,
                              socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (redactor == nullptr) return NullArgument(error, "redactor");
    if (out == nullptr) return NullArgument(error, "out");
    ResetBuffer(out);
    if (text == nullptr && text_len != 0) return NullArgument(error, "text");
    socle::RedactionReport report;
    std::string redacted;
    redactor->redactor.RedactTo(View(text, text_len), &redacted, &report);
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
    if (redactor == nullptr) return NullArgument(error, "redactor");
    if (out == nullptr) return NullArgument(error, "out");
    ResetBuffer(out);
    if (count != 0 && (texts == nullptr || text_lens == nullptr || out_ends == nullptr)) {
      return NullArgument(error, texts == nullptr       ? "texts"
                                 : text_lens == nullptr ? "text_lens"
                                                        : "out_ends");
    }
    for (size_t i = 0; i < count; ++i) {
      if (texts[i] == nullptr && text_lens[i] != 0) {
        return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                    "texts[" + std::to_string(i) + "] must not be NULL");
      }
    }
    socle::RedactionReport total;
    std::string all;
    std::string one;
    for (size_t i = 0; i < count; ++i) {
      socle::RedactionReport report;
      redactor->redactor.RedactTo(View(texts[i], text_lens[i]), &one, &report);
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
