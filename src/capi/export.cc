// The C ABI of export files (include/socle/socle.h, "Export files"): socle/export_file.hpp (keys,
// writer, reader, the record printer), socle/case_file.hpp (the vendor's identity and entries),
// socle/access_request.hpp and socle/audit_extract.hpp (what the access trail writes), converted
// and called. The vendor's entry source is called through CallVendor like every callback.
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "capi/capi_internal.h"
#include "socle/access_request.hpp"
#include "socle/audit_extract.hpp"
#include "socle/case_file.hpp"
#include "socle/error.hpp"
#include "socle/export_file.hpp"
#include "socle/secret_bytes.hpp"
#include "socle/socle.h"
#include "socle/vocabulary.hpp"

// ---- Handles ------------------------------------------------------------------------------------

struct socle_export_signing_key {
  socle::ExportSigningKey key;
};

const socle::ExportSigningKey& socle::capi::SigningKeyOf(const socle_export_signing_key& key) {
  return key.key;
}

struct socle_export_recipient_key {
  socle::ExportRecipientKey key;
};

struct socle_export_writer_options {
  socle::ExportWriterOptions options;
};

struct socle_export_writer {
  std::unique_ptr<socle::ExportWriter> writer;
};

socle::ExportWriter& socle::capi::WriterOf(socle_export_writer& writer) { return *writer.writer; }

struct socle_person_identity {
  socle::PersonIdentity identity;
};

struct socle_case_entry {
  socle::CaseEntry entry;
};

struct socle_export_report {
  uint64_t entries = 0;
  uint64_t withheld = 0;
  uint64_t left_out = 0;
  uint64_t history_entries = 0;
  uint64_t checkpoint_size = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;
};

struct socle_export_reader_options {
  socle::ExportReaderOptions options;  // options.key is unset: see `key`
  std::optional<socle::ExportRecipientKey> key;
};

struct socle_export_reader {
  std::optional<socle::ExportRecipientKey> key;  // the options' key, alive as long as the reader
  std::unique_ptr<socle::ExportReader> reader;
  std::unique_ptr<socle::ExportRecordPrinter> printer;  // made on first use of a JSON call
  std::string record;                                   // reused by each call to next
};

namespace {

using socle::capi::CallVendor;
using socle::capi::Fail;
using socle::capi::FillBuffer;
using socle::capi::FromStatus;
using socle::capi::Guard;
using socle::capi::InputEnum;
using socle::capi::InputView;
using socle::capi::NullArgument;
using socle::capi::ResetBuffer;
using socle::capi::ResetHandle;
using socle::capi::ResetNumbers;
using socle::capi::SetText;
using socle::capi::Wipe;

// The frozen constants of the ABI are the C++ values, one for one.
#define SOCLE_CAPI_EXPORT_KINDS(X)                                                     \
  X(SOCLE_EXPORT_KIND_ACCESS_REQUEST, socle::ExportKind::kAccessRequest)               \
  X(SOCLE_EXPORT_KIND_PORTABILITY, socle::ExportKind::kPortability)                    \
  X(SOCLE_EXPORT_KIND_PSEUDONYMISED_DATASET, socle::ExportKind::kPseudonymisedDataset) \
  X(SOCLE_EXPORT_KIND_AUDIT_EXTRACT, socle::ExportKind::kAuditExtract)                 \
  X(SOCLE_EXPORT_KIND_TRAINING_MIRROR, socle::ExportKind::kTrainingMirror)             \
  X(SOCLE_EXPORT_KIND_STATISTICS_TABLE, socle::ExportKind::kStatisticsTable)
#define SOCLE_CAPI_EXPORT_PROBLEMS(X)                                              \
  X(SOCLE_EXPORT_PROBLEM_NONE, socle::ExportProblem::kNone)                        \
  X(SOCLE_EXPORT_PROBLEM_NOT_AN_EXPORT, socle::ExportProblem::kNotAnExport)        \
  X(SOCLE_EXPORT_PROBLEM_UNKNOWN_VERSION, socle::ExportProblem::kUnknownVersion)   \
  X(SOCLE_EXPORT_PROBLEM_MALFORMED, socle::ExportProblem::kMalformed)              \
  X(SOCLE_EXPORT_PROBLEM_TOO_LARGE, socle::ExportProblem::kTooLarge)               \
  X(SOCLE_EXPORT_PROBLEM_TRUNCATED, socle::ExportProblem::kTruncated)              \
  X(SOCLE_EXPORT_PROBLEM_REORDERED, socle::ExportProblem::kReordered)              \
  X(SOCLE_EXPORT_PROBLEM_ALTERED, socle::ExportProblem::kAltered)                  \
  X(SOCLE_EXPORT_PROBLEM_FOREIGN, socle::ExportProblem::kForeign)                  \
  X(SOCLE_EXPORT_PROBLEM_UNTRUSTED_ISSUER, socle::ExportProblem::kUntrustedIssuer) \
  X(SOCLE_EXPORT_PROBLEM_NOT_A_RECIPIENT, socle::ExportProblem::kNotARecipient)    \
  X(SOCLE_EXPORT_PROBLEM_KEY_REQUIRED, socle::ExportProblem::kKeyRequired)         \
  X(SOCLE_EXPORT_PROBLEM_TRAILING_BYTES, socle::ExportProblem::kTrailingBytes)
SOCLE_CAPI_EXPORT_KINDS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_EXPORT_PROBLEMS(SOCLE_CAPI_ASSERT_SAME)
SOCLE_CAPI_ASSERT_SAME(SOCLE_EXPORT_KEY_BYTES, socle::kExportKeyBytes)

// The default limits the options' setter falls back to.
constexpr socle::ExportLimits kDefaultLimits{};

// An absl::Time from Unix seconds, 0 meaning "unset" (now, or unknown).
absl::Time TimeOrUnset(int64_t unix_seconds) {
  return unix_seconds == 0 ? absl::InfinitePast() : absl::FromUnixSeconds(unix_seconds);
}

// A 32-byte key input, refused with the parameter's name for another length.
int32_t InputKey(const uint8_t* data, size_t len, const char* name, socle::ExportPublicKey* out,
                 socle_error** error) {
  if (data == nullptr) return NullArgument(error, name);
  if (len != socle::kExportKeyBytes) {
    return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                absl::StrCat(name, " must be ", socle::kExportKeyBytes, " bytes, not ", len));
  }
  std::memcpy(out->data(), data, out->size());
  return SOCLE_OK;
}

// Copies a 32-byte key into caller memory.
int32_t OutputKey(const uint8_t* key, uint8_t* out, size_t out_capacity, socle_error** error) {
  if (out == nullptr) return NullArgument(error, "out");
  if (out_capacity < socle::kExportKeyBytes) {
    return Fail(error, SOCLE_E_OUT_OF_RANGE,
                absl::StrCat("out_capacity is ", out_capacity, "; a key needs ",
                             socle::kExportKeyBytes, " bytes"));
  }
  std::memcpy(out, key, socle::kExportKeyBytes);
  return SOCLE_OK;
}

// FromStatus, keeping the problem and offset of a refused file in the error object.
int32_t FromExportStatus(socle_error** error, const absl::Status& status) {
  const int32_t rc = FromStatus(error, status);
  const socle::ExportFailure failure = socle::ExportFailureOf(status);
  if (rc != SOCLE_OK && error != nullptr && *error != nullptr &&
      failure.problem != socle::ExportProblem::kNone) {
    (*error)->export_problem = static_cast<int32_t>(failure.problem);
    (*error)->export_offset = failure.offset;
  }
  return rc;
}

void WipeString(std::string& s) {
  Wipe(s.data(), s.size());
  s.clear();
}

void WipeIdentity(socle::PersonIdentity& i) {
  for (std::string* s : {&i.person, &i.family_name, &i.given_names, &i.birth_date, &i.birth_place,
                         &i.address, &i.postcode, &i.commune, &i.phone, &i.email, &i.nir}) {
    WipeString(*s);
  }
}

void WipeEntry(socle::CaseEntry& e) {
  for (std::string* s :
       {&e.id, &e.person, &e.category, &e.author, &e.purpose, &e.title, &e.text, &e.released_by}) {
    WipeString(*s);
  }
  for (auto& [name, value] : e.fields) {
    WipeString(name);
    WipeString(value);
  }
}

int32_t SetOption(socle_export_writer_options* options,
                  std::string socle::ExportWriterOptions::*field, const char* text, size_t len,
                  const char* name, socle_error** error) {
  return SetText(options, &socle_export_writer_options::options, field, text, len, "options", name,
                 error);
}

int32_t SetIdentity(socle_person_identity* identity, std::string socle::PersonIdentity::*field,
                    const char* text, size_t len, const char* name, socle_error** error) {
  return SetText(identity, &socle_person_identity::identity, field, text, len, "identity", name,
                 error);
}

int32_t SetEntry(socle_case_entry* entry, std::string socle::CaseEntry::*field, const char* text,
                 size_t len, const char* name, socle_error** error) {
  return SetText(entry, &socle_case_entry::entry, field, text, len, "entry", name, error);
}

// The vendor's C entry source as an EntrySource: each entry is filled into a fresh handle, and the
// callback's status and its has_entry are checked (CallVendor: errno kept, exceptions stopped).
socle::EntrySource WrapEntrySource(socle_entry_source source, void* user_data) {
  if (source == nullptr) {
    return [](socle::CaseEntry*) -> absl::StatusOr<bool> { return false; };
  }
  return [source, user_data](socle::CaseEntry* entry) -> absl::StatusOr<bool> {
    socle_case_entry filled;
    int32_t has_entry = -1;
    absl::Status called = CallVendor("export: the entry source",
                                     [&] { return source(user_data, &filled, &has_entry); });
    if (!called.ok()) {
      WipeEntry(filled.entry);
      return called;
    }
    if (has_entry == 0) {
      WipeEntry(filled.entry);
      return false;
    }
    if (has_entry != 1) {
      WipeEntry(filled.entry);
      return socle::MakeError(socle::ErrorCode::kInternal,
                              "export: the entry source set has_entry to neither 0 nor 1");
    }
    WipeEntry(*entry);
    *entry = std::move(filled.entry);
    return true;
  };
}

// The checks shared by the person's exports: the request converted, the report given out.
int32_t WritePersonExport(socle_access_trail* trail, const socle_person_identity* identity,
                          const char* requested_by, size_t requested_by_len, const char* handled_by,
                          size_t handled_by_len, int64_t at_unix_seconds,
                          socle_entry_source entries, void* user_data, socle_export_writer* writer,
                          socle_export_report** out, socle_error** error,
                          absl::StatusOr<socle::PersonExportReport> (*write)(
                              socle::AccessTrail&, const socle::PersonExportRequest&,
                              const socle::EntrySource&, socle::ExportWriter&)) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (trail == nullptr) return NullArgument(error, "trail");
    if (identity == nullptr) return NullArgument(error, "identity");
    if (writer == nullptr) return NullArgument(error, "writer");
    socle::PersonExportRequest request;
    absl::string_view by, handler;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(requested_by, requested_by_len, "requested_by", &by, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(handled_by, handled_by_len, "handled_by", &handler, error));
    request.identity = identity->identity;
    request.requested_by = std::string(by);
    request.handled_by = std::string(handler);
    request.at = TimeOrUnset(at_unix_seconds);
    auto report = write(socle::capi::TrailOf(*trail), request, WrapEntrySource(entries, user_data),
                        *writer->writer);
    WipeIdentity(request.identity);
    if (!report.ok()) return FromStatus(error, report.status());
    *out = new socle_export_report{
        report->entries,      report->withheld,  report->left_out, report->history_entries, 0,
        report->file.records, report->file.bytes};
    return SOCLE_OK;
  });
}

// The printer of a reader's records (made once).
int32_t PrinterOf(socle_export_reader* reader, socle_error** error) {
  if (reader->printer != nullptr) return SOCLE_OK;
  auto printer = socle::ExportRecordPrinter::Create(reader->reader->header());
  if (!printer.ok()) return FromStatus(error, printer.status());
  reader->printer = std::move(*printer);
  return SOCLE_OK;
}

// The next record into reader->record; *out_has_record says whether there was one.
int32_t NextRecord(socle_export_reader* reader, int32_t* out_has_record, socle_error** error) {
  WipeString(reader->record);
  auto more = reader->reader->Next(&reader->record);
  if (!more.ok()) return FromExportStatus(error, more.status());
  *out_has_record = *more ? 1 : 0;
  return SOCLE_OK;
}

// The options a reader or a verification reads: the handle's, with its key (or the defaults).
socle::ExportReaderOptions ReaderOptions(const socle_export_reader_options* options,
                                         const std::optional<socle::ExportRecipientKey>& key) {
  socle::ExportReaderOptions out;
  if (options != nullptr) out = options->options;
  out.key = key.has_value() ? &*key : nullptr;
  return out;
}

// A copy of the options' key (a key holds a secret, so copies are explicit).
absl::StatusOr<std::optional<socle::ExportRecipientKey>> KeyOf(
    const socle_export_reader_options* options) {
  if (options == nullptr || !options->key.has_value()) {
    return std::optional<socle::ExportRecipientKey>();
  }
  auto copy = socle::ExportRecipientKey::FromSecret(options->key->secret_key());
  if (!copy.ok()) return copy.status();
  return std::optional<socle::ExportRecipientKey>(std::move(*copy));
}

}  // namespace

extern "C" {

// ---- Names and errors ---------------------------------------------------------------------------

const char* socle_export_kind_name(int32_t kind) {
  const auto NameOf = [](socle::ExportKind k) { return socle::Name(k); };
  switch (kind) { SOCLE_CAPI_EXPORT_KINDS(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

const char* socle_export_problem_name(int32_t problem) {
  const auto NameOf = [](socle::ExportProblem p) { return socle::Name(p); };
  switch (problem) { SOCLE_CAPI_EXPORT_PROBLEMS(SOCLE_CAPI_NAME_CASE) }
  return "unspecified";
}

int32_t socle_error_export_problem(const socle_error* error) {
  return error == nullptr ? SOCLE_EXPORT_PROBLEM_NONE : error->export_problem;
}

uint64_t socle_error_export_offset(const socle_error* error) {
  return error == nullptr ? 0 : error->export_offset;
}

// ---- Keys ---------------------------------------------------------------------------------------

int32_t socle_export_signing_key_from_vault(socle_vault* vault, socle_export_signing_key** out,
                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (vault == nullptr) return NullArgument(error, "vault");
    auto key = socle::ExportSigningKey::FromVault(*vault->vault);
    if (!key.ok()) return FromStatus(error, key.status());
    *out = new socle_export_signing_key{std::move(*key)};
    return SOCLE_OK;
  });
}

int32_t socle_export_signing_key_generate(socle_export_signing_key** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_export_signing_key{socle::ExportSigningKey::Generate()};
    return SOCLE_OK;
  });
}

int32_t socle_export_signing_key_public_key(const socle_export_signing_key* key, uint8_t* out,
                                            size_t out_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (key == nullptr) return NullArgument(error, "key");
    return OutputKey(key->key.public_key().data(), out, out_capacity, error);
  });
}

void socle_export_signing_key_free(socle_export_signing_key* key) { delete key; }

int32_t socle_export_recipient_key_generate(socle_export_recipient_key** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_export_recipient_key{socle::ExportRecipientKey::Generate()};
    return SOCLE_OK;
  });
}

int32_t socle_export_recipient_key_from_secret(const uint8_t* secret, size_t secret_len,
                                               socle_export_recipient_key** out,
                                               socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (secret == nullptr) return NullArgument(error, "secret");
    if (secret_len != socle::kExportKeyBytes) {
      return Fail(
          error, SOCLE_E_INVALID_ARGUMENT,
          absl::StrCat("secret must be ", socle::kExportKeyBytes, " bytes, not ", secret_len));
    }
    auto key = socle::ExportRecipientKey::FromSecret(socle::SecretBytes(secret, secret_len));
    if (!key.ok()) return FromStatus(error, key.status());
    *out = new socle_export_recipient_key{std::move(*key)};
    return SOCLE_OK;
  });
}

int32_t socle_export_recipient_key_public_key(const socle_export_recipient_key* key, uint8_t* out,
                                              size_t out_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (key == nullptr) return NullArgument(error, "key");
    return OutputKey(key->key.public_key().data(), out, out_capacity, error);
  });
}

int32_t socle_export_recipient_key_secret_key(const socle_export_recipient_key* key, uint8_t* out,
                                              size_t out_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (key == nullptr) return NullArgument(error, "key");
    return OutputKey(key->key.secret_key().data(), out, out_capacity, error);
  });
}

void socle_export_recipient_key_free(socle_export_recipient_key* key) { delete key; }

// ---- Writer options and writer ------------------------------------------------------------------

int32_t socle_export_writer_options_new(socle_export_writer_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_export_writer_options{};
    return SOCLE_OK;
  });
}

void socle_export_writer_options_free(socle_export_writer_options* options) { delete options; }

int32_t socle_export_writer_options_set_kind(socle_export_writer_options* options, int32_t kind,
                                             socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    return InputEnum(kind, SOCLE_EXPORT_KIND_ACCESS_REQUEST, SOCLE_EXPORT_KIND_STATISTICS_TABLE,
                     "kind", "SOCLE_EXPORT_KIND_*", &options->options.kind, error);
  });
}

int32_t socle_export_writer_options_set_issuer(socle_export_writer_options* options,
                                               const char* issuer, size_t issuer_len,
                                               socle_error** error) {
  return SetOption(options, &socle::ExportWriterOptions::issuer, issuer, issuer_len, "issuer",
                   error);
}

int32_t socle_export_writer_options_set_created_unix_seconds(socle_export_writer_options* options,
                                                             int64_t created_unix_seconds,
                                                             socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    options->options.created_at = TimeOrUnset(created_unix_seconds);
    return SOCLE_OK;
  });
}

int32_t socle_export_writer_options_set_policy(socle_export_writer_options* options, const char* id,
                                               size_t id_len, const char* revision,
                                               size_t revision_len, const uint8_t* digest,
                                               size_t digest_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    absl::string_view id_view, revision_view, digest_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(id, id_len, "id", &id_view, error));
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputView(revision, revision_len, "revision", &revision_view, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(digest, digest_len, "digest", &digest_view, error));
    if (digest_len != 0 && digest_len != SOCLE_POLICY_DIGEST_BYTES) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT,
                  absl::StrCat("digest must be ", SOCLE_POLICY_DIGEST_BYTES,
                               " bytes or empty, not ", digest_len));
    }
    options->options.policy_id = std::string(id_view);
    options->options.policy_revision = std::string(revision_view);
    options->options.policy_digest = std::string(digest_view);
    return SOCLE_OK;
  });
}

int32_t socle_export_writer_options_set_pseudonym_domain(socle_export_writer_options* options,
                                                         const char* domain, size_t domain_len,
                                                         socle_error** error) {
  return SetOption(options, &socle::ExportWriterOptions::pseudonym_domain, domain, domain_len,
                   "domain", error);
}

int32_t socle_export_writer_options_set_pseudonymisation_profile(
    socle_export_writer_options* options, const char* profile, size_t profile_len,
    socle_error** error) {
  return SetOption(options, &socle::ExportWriterOptions::pseudonymisation_profile, profile,
                   profile_len, "profile", error);
}

int32_t socle_export_writer_options_set_notice(socle_export_writer_options* options,
                                               const uint8_t* notice, size_t notice_len,
                                               socle_error** error) {
  return SetOption(options, &socle::ExportWriterOptions::notice,
                   reinterpret_cast<const char*>(notice), notice_len, "notice", error);
}

int32_t socle_export_writer_options_add_recipient(socle_export_writer_options* options,
                                                  const uint8_t* public_key, size_t public_key_len,
                                                  const char* label, size_t label_len,
                                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    socle::ExportRecipient recipient;
    SOCLE_CAPI_RETURN_IF_FAILED(
        InputKey(public_key, public_key_len, "public_key", &recipient.public_key, error));
    absl::string_view label_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(label, label_len, "label", &label_view, error));
    if (options->options.recipients.size() >= kDefaultLimits.max_recipients) {
      return Fail(error, SOCLE_E_OUT_OF_RANGE,
                  absl::StrCat("a file is sealed to at most ", kDefaultLimits.max_recipients,
                               " recipients"));
    }
    recipient.label = std::string(label_view);
    options->options.recipients.push_back(std::move(recipient));
    return SOCLE_OK;
  });
}

int32_t socle_export_writer_create(const char* path, const socle_export_signing_key* key,
                                   const socle_export_writer_options* options,
                                   socle_export_writer** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (path == nullptr) return NullArgument(error, "path");
    if (key == nullptr) return NullArgument(error, "key");
    if (options == nullptr) return NullArgument(error, "options");
    auto sink = socle::FileSink(path);
    if (!sink.ok()) return FromStatus(error, sink.status());
    auto writer = socle::ExportWriter::Create(std::move(*sink), key->key, options->options);
    if (!writer.ok()) return FromStatus(error, writer.status());
    *out = new socle_export_writer{std::move(*writer)};
    return SOCLE_OK;
  });
}

int32_t socle_export_writer_add(socle_export_writer* writer, const uint8_t* record,
                                size_t record_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (writer == nullptr) return NullArgument(error, "writer");
    absl::string_view view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(record, record_len, "record", &view, error));
    return FromStatus(error, writer->writer->Add(view));
  });
}

int32_t socle_export_writer_finish(socle_export_writer* writer, uint64_t* out_records,
                                   uint64_t* out_bytes, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_records, out_bytes);
    if (writer == nullptr) return NullArgument(error, "writer");
    auto summary = writer->writer->Finish();
    if (!summary.ok()) return FromStatus(error, summary.status());
    if (out_records != nullptr) *out_records = summary->records;
    if (out_bytes != nullptr) *out_bytes = summary->bytes;
    return SOCLE_OK;
  });
}

void socle_export_writer_free(socle_export_writer* writer) { delete writer; }

// ---- The vendor's case file ---------------------------------------------------------------------

int32_t socle_person_identity_new(socle_person_identity** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_person_identity{};
    return SOCLE_OK;
  });
}

void socle_person_identity_free(socle_person_identity* identity) {
  if (identity == nullptr) return;
  WipeIdentity(identity->identity);
  delete identity;
}

int32_t socle_person_identity_set_json(socle_person_identity* identity, const char* json,
                                       size_t json_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (identity == nullptr) return NullArgument(error, "identity");
    absl::string_view view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(json, json_len, "json", &view, error));
    auto parsed = socle::ParsePersonIdentityJson(view);
    if (!parsed.ok()) return FromStatus(error, parsed.status());
    WipeIdentity(identity->identity);
    identity->identity = std::move(*parsed);
    return SOCLE_OK;
  });
}

#define SOCLE_CAPI_IDENTITY_SETTER(field)                                                       \
  int32_t socle_person_identity_set_##field(socle_person_identity* identity, const char* field, \
                                            size_t field##_len, socle_error** error) {          \
    return SetIdentity(identity, &socle::PersonIdentity::field, field, field##_len, #field,     \
                       error);                                                                  \
  }
SOCLE_CAPI_IDENTITY_SETTER(person)
SOCLE_CAPI_IDENTITY_SETTER(family_name)
SOCLE_CAPI_IDENTITY_SETTER(given_names)
SOCLE_CAPI_IDENTITY_SETTER(birth_date)
SOCLE_CAPI_IDENTITY_SETTER(birth_place)
SOCLE_CAPI_IDENTITY_SETTER(address)
SOCLE_CAPI_IDENTITY_SETTER(postcode)
SOCLE_CAPI_IDENTITY_SETTER(commune)
SOCLE_CAPI_IDENTITY_SETTER(phone)
SOCLE_CAPI_IDENTITY_SETTER(email)
SOCLE_CAPI_IDENTITY_SETTER(nir)
#undef SOCLE_CAPI_IDENTITY_SETTER

int32_t socle_case_entry_new(socle_case_entry** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_case_entry{};
    return SOCLE_OK;
  });
}

void socle_case_entry_free(socle_case_entry* entry) {
  if (entry == nullptr) return;
  WipeEntry(entry->entry);
  delete entry;
}

int32_t socle_case_entry_set_json(socle_case_entry* entry, const char* json, size_t json_len,
                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (entry == nullptr) return NullArgument(error, "entry");
    absl::string_view view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(json, json_len, "json", &view, error));
    auto parsed = socle::ParseCaseEntryJson(view);
    if (!parsed.ok()) return FromStatus(error, parsed.status());
    WipeEntry(entry->entry);
    entry->entry = std::move(*parsed);
    return SOCLE_OK;
  });
}

#define SOCLE_CAPI_ENTRY_SETTER(field)                                                   \
  int32_t socle_case_entry_set_##field(socle_case_entry* entry, const char* field,       \
                                       size_t field##_len, socle_error** error) {        \
    return SetEntry(entry, &socle::CaseEntry::field, field, field##_len, #field, error); \
  }
SOCLE_CAPI_ENTRY_SETTER(id)
SOCLE_CAPI_ENTRY_SETTER(person)
SOCLE_CAPI_ENTRY_SETTER(category)
SOCLE_CAPI_ENTRY_SETTER(author)
SOCLE_CAPI_ENTRY_SETTER(purpose)
SOCLE_CAPI_ENTRY_SETTER(title)
SOCLE_CAPI_ENTRY_SETTER(text)
SOCLE_CAPI_ENTRY_SETTER(released_by)
#undef SOCLE_CAPI_ENTRY_SETTER

int32_t socle_case_entry_set_kind(socle_case_entry* entry, int32_t kind, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (entry == nullptr) return NullArgument(error, "entry");
    return InputEnum(kind, SOCLE_ENTRY_FACT, SOCLE_ENTRY_WORKING_NOTE, "kind", "SOCLE_ENTRY_*",
                     &entry->entry.kind, error);
  });
}

int32_t socle_case_entry_set_created_unix_seconds(socle_case_entry* entry,
                                                  int64_t created_unix_seconds,
                                                  socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (entry == nullptr) return NullArgument(error, "entry");
    entry->entry.created_at = TimeOrUnset(created_unix_seconds);
    return SOCLE_OK;
  });
}

int32_t socle_case_entry_set_provided_by_person(socle_case_entry* entry, int32_t provided_by_person,
                                                socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (entry == nullptr) return NullArgument(error, "entry");
    if (provided_by_person != 0 && provided_by_person != 1) {
      return Fail(error, SOCLE_E_INVALID_ARGUMENT, "provided_by_person must be 0 or 1");
    }
    entry->entry.provided_by_person = provided_by_person == 1;
    return SOCLE_OK;
  });
}

int32_t socle_case_entry_add_field(socle_case_entry* entry, const char* name, size_t name_len,
                                   const char* value, size_t value_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (entry == nullptr) return NullArgument(error, "entry");
    absl::string_view name_view, value_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(name, name_len, "name", &name_view, error));
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(value, value_len, "value", &value_view, error));
    entry->entry.fields.emplace_back(std::string(name_view), std::string(value_view));
    return SOCLE_OK;
  });
}

// ---- What the access trail writes ---------------------------------------------------------------

int32_t socle_access_trail_write_access_request(socle_access_trail* trail,
                                                const socle_person_identity* identity,
                                                const char* requested_by, size_t requested_by_len,
                                                const char* handled_by, size_t handled_by_len,
                                                int64_t at_unix_seconds, socle_entry_source entries,
                                                void* user_data, socle_export_writer* writer,
                                                socle_export_report** out, socle_error** error) {
  return WritePersonExport(trail, identity, requested_by, requested_by_len, handled_by,
                           handled_by_len, at_unix_seconds, entries, user_data, writer, out, error,
                           &socle::WriteAccessRequest);
}

int32_t socle_access_trail_write_portability(socle_access_trail* trail,
                                             const socle_person_identity* identity,
                                             const char* requested_by, size_t requested_by_len,
                                             const char* handled_by, size_t handled_by_len,
                                             int64_t at_unix_seconds, socle_entry_source entries,
                                             void* user_data, socle_export_writer* writer,
                                             socle_export_report** out, socle_error** error) {
  return WritePersonExport(trail, identity, requested_by, requested_by_len, handled_by,
                           handled_by_len, at_unix_seconds, entries, user_data, writer, out, error,
                           &socle::WritePortability);
}

int32_t socle_access_trail_write_audit_extract(socle_access_trail* trail, const char* auditor,
                                               size_t auditor_len, uint64_t begin, uint64_t end,
                                               uint64_t since_size, socle_export_writer* writer,
                                               socle_export_report** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (trail == nullptr) return NullArgument(error, "trail");
    if (writer == nullptr) return NullArgument(error, "writer");
    socle::AuditExtractRequest request;
    absl::string_view auditor_view;
    SOCLE_CAPI_RETURN_IF_FAILED(InputView(auditor, auditor_len, "auditor", &auditor_view, error));
    request.auditor = std::string(auditor_view);
    request.begin = begin;
    request.end = end;
    request.since_size = since_size;
    auto report = socle::WriteAuditExtract(socle::capi::TrailOf(*trail), request, *writer->writer);
    if (!report.ok()) return FromStatus(error, report.status());
    *out = new socle_export_report{
        report->entries,   0, 0, 0, report->checkpoint_size, report->file.records,
        report->file.bytes};
    return SOCLE_OK;
  });
}

void socle_export_report_free(socle_export_report* report) { delete report; }

uint64_t socle_export_report_entries(const socle_export_report* report) {
  return report == nullptr ? 0 : report->entries;
}

uint64_t socle_export_report_withheld(const socle_export_report* report) {
  return report == nullptr ? 0 : report->withheld;
}

uint64_t socle_export_report_left_out(const socle_export_report* report) {
  return report == nullptr ? 0 : report->left_out;
}

uint64_t socle_export_report_history_entries(const socle_export_report* report) {
  return report == nullptr ? 0 : report->history_entries;
}

uint64_t socle_export_report_checkpoint_size(const socle_export_report* report) {
  return report == nullptr ? 0 : report->checkpoint_size;
}

uint64_t socle_export_report_records(const socle_export_report* report) {
  return report == nullptr ? 0 : report->records;
}

uint64_t socle_export_report_bytes(const socle_export_report* report) {
  return report == nullptr ? 0 : report->bytes;
}

int32_t socle_policy_portability_notice(const socle_policy* policy, socle_buffer* out,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (policy == nullptr) return NullArgument(error, "policy");
    if (out == nullptr) return NullArgument(error, "out");
    return FillBuffer(out, socle::PortabilityNotice(policy->policy), error);
  });
}

const char* socle_export_portability_json_schema(void) {
  return socle::PortabilityJsonSchema().data();  // a string literal: NUL-terminated
}

// ---- Reader -------------------------------------------------------------------------------------

int32_t socle_export_reader_options_new(socle_export_reader_options** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    *out = new socle_export_reader_options{};
    return SOCLE_OK;
  });
}

void socle_export_reader_options_free(socle_export_reader_options* options) { delete options; }

int32_t socle_export_reader_options_add_trusted_issuer(socle_export_reader_options* options,
                                                       const uint8_t* public_key,
                                                       size_t public_key_len, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    socle::ExportPublicKey key;
    SOCLE_CAPI_RETURN_IF_FAILED(InputKey(public_key, public_key_len, "public_key", &key, error));
    options->options.trusted_issuers.push_back(key);
    return SOCLE_OK;
  });
}

int32_t socle_export_reader_options_set_key(socle_export_reader_options* options,
                                            const socle_export_recipient_key* key,
                                            socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    if (key == nullptr) {
      options->key.reset();
      return SOCLE_OK;
    }
    auto copy = socle::ExportRecipientKey::FromSecret(key->key.secret_key());
    if (!copy.ok()) return FromStatus(error, copy.status());
    options->key.emplace(std::move(*copy));
    return SOCLE_OK;
  });
}

int32_t socle_export_reader_options_set_limits(socle_export_reader_options* options,
                                               uint64_t max_header_bytes, uint64_t max_record_bytes,
                                               uint64_t max_recipients, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (options == nullptr) return NullArgument(error, "options");
    socle::ExportLimits& limits = options->options.limits;
    limits.max_header_bytes = max_header_bytes == 0 ? kDefaultLimits.max_header_bytes
                                                    : static_cast<size_t>(max_header_bytes);
    limits.max_record_bytes = max_record_bytes == 0 ? kDefaultLimits.max_record_bytes
                                                    : static_cast<size_t>(max_record_bytes);
    limits.max_recipients =
        max_recipients == 0 ? kDefaultLimits.max_recipients : static_cast<size_t>(max_recipients);
    return SOCLE_OK;
  });
}

int32_t socle_export_reader_open(const char* path, const socle_export_reader_options* options,
                                 socle_export_reader** out, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    SOCLE_CAPI_RETURN_IF_FAILED(ResetHandle(out, error));
    if (path == nullptr) return NullArgument(error, "path");
    auto handle = std::make_unique<socle_export_reader>();
    auto key = KeyOf(options);
    if (!key.ok()) return FromStatus(error, key.status());
    handle->key = std::move(*key);
    auto source = socle::FileSource(path);
    if (!source.ok()) return FromStatus(error, source.status());
    auto reader =
        socle::ExportReader::Open(std::move(*source), ReaderOptions(options, handle->key));
    if (!reader.ok()) return FromExportStatus(error, reader.status());
    handle->reader = std::move(*reader);
    *out = handle.release();
    return SOCLE_OK;
  });
}

void socle_export_reader_free(socle_export_reader* reader) {
  if (reader == nullptr) return;
  WipeString(reader->record);
  delete reader;
}

int32_t socle_export_reader_kind(const socle_export_reader* reader) {
  return reader == nullptr ? 0 : static_cast<int32_t>(reader->reader->kind());
}

int32_t socle_export_reader_sealed(const socle_export_reader* reader) {
  return reader != nullptr && reader->reader->sealed() ? 1 : 0;
}

int32_t socle_export_reader_issuer_public_key(const socle_export_reader* reader, uint8_t* out,
                                              size_t out_capacity, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    if (reader == nullptr) return NullArgument(error, "reader");
    return OutputKey(reader->reader->issuer_public_key().data(), out, out_capacity, error);
  });
}

int32_t socle_export_reader_header(const socle_export_reader* reader, socle_buffer* out,
                                   socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (reader == nullptr) return NullArgument(error, "reader");
    if (out == nullptr) return NullArgument(error, "out");
    return FillBuffer(out, reader->reader->header(), error);
  });
}

int32_t socle_export_reader_header_json(const socle_export_reader* reader, socle_buffer* out,
                                        socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    if (reader == nullptr) return NullArgument(error, "reader");
    if (out == nullptr) return NullArgument(error, "out");
    // The printer is a cache of the reader: made here on first use, as by next_json.
    auto* mutable_reader = const_cast<socle_export_reader*>(reader);
    SOCLE_CAPI_RETURN_IF_FAILED(PrinterOf(mutable_reader, error));
    auto json = reader->printer->Header(socle::ExportRecordPrinter::Format::kJson);
    if (!json.ok()) return FromStatus(error, json.status());
    return FillBuffer(out, *json, error);
  });
}

int32_t socle_export_reader_next(socle_export_reader* reader, socle_buffer* out,
                                 int32_t* out_has_record, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    ResetNumbers(out_has_record);
    if (reader == nullptr) return NullArgument(error, "reader");
    if (out == nullptr) return NullArgument(error, "out");
    if (out_has_record == nullptr) return NullArgument(error, "out_has_record");
    SOCLE_CAPI_RETURN_IF_FAILED(NextRecord(reader, out_has_record, error));
    if (*out_has_record == 0) return SOCLE_OK;
    const int32_t rc = FillBuffer(out, reader->record, error);
    if (rc != SOCLE_OK) *out_has_record = 0;
    return rc;
  });
}

int32_t socle_export_reader_next_json(socle_export_reader* reader, socle_buffer* out,
                                      int32_t* out_has_record, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetBuffer(out);
    ResetNumbers(out_has_record);
    if (reader == nullptr) return NullArgument(error, "reader");
    if (out == nullptr) return NullArgument(error, "out");
    if (out_has_record == nullptr) return NullArgument(error, "out_has_record");
    SOCLE_CAPI_RETURN_IF_FAILED(PrinterOf(reader, error));
    int32_t has_record = 0;
    SOCLE_CAPI_RETURN_IF_FAILED(NextRecord(reader, &has_record, error));
    if (has_record == 0) return SOCLE_OK;
    auto json = reader->printer->Record(reader->record, socle::ExportRecordPrinter::Format::kJson);
    if (!json.ok()) return FromStatus(error, json.status());
    const int32_t rc = FillBuffer(out, *json, error);
    WipeString(*json);
    if (rc == SOCLE_OK) *out_has_record = 1;
    return rc;
  });
}

uint64_t socle_export_reader_records_read(const socle_export_reader* reader) {
  return reader == nullptr ? 0 : reader->reader->records_read();
}

int32_t socle_export_reader_failure_problem(const socle_export_reader* reader) {
  return reader == nullptr ? SOCLE_EXPORT_PROBLEM_NONE
                           : static_cast<int32_t>(reader->reader->failure().problem);
}

uint64_t socle_export_reader_failure_offset(const socle_export_reader* reader) {
  return reader == nullptr ? 0 : reader->reader->failure().offset;
}

int32_t socle_export_verify_file(const char* path, const socle_export_reader_options* options,
                                 int32_t* out_kind, int32_t* out_sealed, uint64_t* out_records,
                                 uint64_t* out_bytes, socle_error** error) {
  return Guard(error, [&]() -> int32_t {
    ResetNumbers(out_kind, out_sealed, out_records, out_bytes);
    if (path == nullptr) return NullArgument(error, "path");
    auto key = KeyOf(options);
    if (!key.ok()) return FromStatus(error, key.status());
    auto source = socle::FileSource(path);
    if (!source.ok()) return FromStatus(error, source.status());
    auto verified = socle::VerifyExport(std::move(*source), ReaderOptions(options, *key));
    if (!verified.ok()) return FromExportStatus(error, verified.status());
    if (out_kind != nullptr) *out_kind = static_cast<int32_t>(verified->kind);
    if (out_sealed != nullptr) *out_sealed = verified->sealed ? 1 : 0;
    if (out_records != nullptr) *out_records = verified->records;
    if (out_bytes != nullptr) *out_bytes = verified->bytes;
    return SOCLE_OK;
  });
}

}  // extern "C"
