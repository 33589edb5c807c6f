/* Export files through the C ABI, as a vendor writing C uses them: compiled as C11, linked against
 * libsocle only. An access request written through the trail from a C entry source, signed and
 * then sealed to a recipient, read back record by record (bytes and JSON) and verified; a
 * portability file and an audit extract; a tampered copy refused with its problem and offset; an
 * entry source that fails with a vendor error, one that returns an unknown code, one that sets
 * has_entry wrong (errno kept, no file left); hostile inputs (NULLs, bad kinds, short keys) each
 * with its error code.
 *
 * usage: export_capi_test POLICY_FILE WORK_DIR */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

static int file_exists(const char* path) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return 0;
  fclose(f);
  return 1;
}

static const char kProfessionals[] =
    "ass1\tass\tpole-social\tccas\n"
    "aud1\tauditeur_securite\t\tccas\n";
static const char kPersons[] = "P-1\tpole-social\n";

static socle_policy* policy;
static socle_access_engine* engine;
static socle_vault* vault;
static socle_access_trail* trail;

static void setup(const char* policy_path) {
  policy = check_policy_file(policy_path);
  engine = check_engine_on(policy, 1900000000, kProfessionals, kPersons);

  vault = check_vault("e.key", "export C test", "e.vault", "ccas");
  trail = check_trail(vault, engine);
}

/* ---- The vendor's entry sources ---- */

typedef struct entries {
  int next;
  int fail_at;       /* -1: never */
  int32_t fail_with; /* what the callback returns at fail_at */
  int32_t bad_has;   /* when not 0 or 1: written into has_entry at fail_at, returning SOCLE_OK */
  int errno_inside;  /* errno the callback leaves behind */
} entries;

static int32_t entry_source(void* user_data, socle_case_entry* entry, int32_t* has_entry) {
  entries* e = (entries*)user_data;
  errno = e->errno_inside;
  if (e->next == e->fail_at) {
    if (e->bad_has != 0) {
      *has_entry = e->bad_has;
      return SOCLE_OK;
    }
    return e->fail_with;
  }
  static const int32_t kinds[] = {SOCLE_ENTRY_FACT, SOCLE_ENTRY_FACT, SOCLE_ENTRY_APPRECIATION,
                                  SOCLE_ENTRY_THIRD_PARTY_INFORMATION, SOCLE_ENTRY_WORKING_NOTE};
  const int n = (int)(sizeof kinds / sizeof kinds[0]);
  if (e->next >= n) {
    *has_entry = 0;
    return SOCLE_OK;
  }
  char id[32];
  snprintf(id, sizeof id, "note-%d", e->next);
  int32_t rc = socle_case_entry_set_id(entry, S(id), NULL);
  rc |= socle_case_entry_set_person(entry, S("P-1"), NULL);
  rc |= socle_case_entry_set_category(entry, S("social"), NULL);
  rc |= socle_case_entry_set_kind(entry, kinds[e->next], NULL);
  rc |= socle_case_entry_set_author(entry, S("ass1"), NULL);
  rc |= socle_case_entry_set_created_unix_seconds(entry, 1899990000, NULL);
  rc |= socle_case_entry_set_purpose(entry, S("accompagnement_social"), NULL);
  rc |= socle_case_entry_set_title(entry, S("Entretien"), NULL);
  rc |= socle_case_entry_set_text(entry, S("Texte libre de l'entretien."), NULL);
  rc |= socle_case_entry_add_field(entry, S("motif"), S("logement"), NULL);
  ++e->next;
  *has_entry = 1;
  return rc;
}

static socle_person_identity* identity(void) {
  socle_person_identity* id = NULL;
  CHECK(socle_person_identity_new(&id, NULL) == SOCLE_OK);
  CHECK(socle_person_identity_set_person(id, S("P-1"), NULL) == SOCLE_OK);
  CHECK(socle_person_identity_set_family_name(id, S("Martin"), NULL) == SOCLE_OK);
  CHECK(socle_person_identity_set_given_names(id,
                                              S("L\xc3\xa9"
                                                "a"),
                                              NULL) == SOCLE_OK);
  CHECK(socle_person_identity_set_birth_date(id, S("1990-04-02"), NULL) == SOCLE_OK);
  return id;
}

static socle_export_writer* writer_for(const char* path, const socle_export_signing_key* key,
                                       int32_t kind, const socle_export_recipient_key* recipient) {
  socle_export_writer_options* options = NULL;
  CHECK(socle_export_writer_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_export_writer_options_set_kind(options, kind, NULL) == SOCLE_OK);
  CHECK(socle_export_writer_options_set_issuer(options, S("CCAS de Test"), NULL) == SOCLE_OK);
  uint8_t digest[SOCLE_POLICY_DIGEST_BYTES];
  CHECK(socle_policy_digest(policy, digest, sizeof digest, NULL) == SOCLE_OK);
  CHECK(socle_export_writer_options_set_policy(options, S(socle_policy_id(policy)),
                                               S(socle_policy_revision(policy)), digest,
                                               sizeof digest, NULL) == SOCLE_OK);
  if (kind == SOCLE_EXPORT_KIND_PORTABILITY) {
    socle_buffer notice = {0};
    CHECK(socle_policy_portability_notice(policy, &notice, NULL) == SOCLE_OK);
    CHECK(notice.size > 0);
    CHECK(socle_export_writer_options_set_notice(options, notice.data, notice.size, NULL) ==
          SOCLE_OK);
    socle_buffer_free(&notice);
  }
  if (recipient != NULL) {
    uint8_t public_key[SOCLE_EXPORT_KEY_BYTES];
    CHECK(socle_export_recipient_key_public_key(recipient, public_key, sizeof public_key, NULL) ==
          SOCLE_OK);
    CHECK(socle_export_writer_options_add_recipient(options, public_key, sizeof public_key,
                                                    S("Observatoire"), NULL) == SOCLE_OK);
  }
  socle_export_writer* writer = NULL;
  socle_error* error = NULL;
  const int32_t rc = socle_export_writer_create(path, key, options, &writer, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  socle_export_writer_options_free(options);
  return writer;
}

/* Reads every record of `path` as JSON; returns the count, or -1 on error (*error filled). */
static int64_t read_all(const char* path, const socle_export_reader_options* options,
                        const char* must_contain, socle_error** error) {
  socle_export_reader* reader = NULL;
  int32_t rc = socle_export_reader_open(path, options, &reader, error);
  if (rc != SOCLE_OK) return -1;
  int64_t n = 0;
  int found = must_contain == NULL;
  for (;;) {
    socle_buffer json = {0};
    int32_t has = 0;
    rc = socle_export_reader_next_json(reader, &json, &has, error);
    if (rc != SOCLE_OK) {
      n = -1;
      break;
    }
    if (!has) {
      CHECK(json.size == 0);
      break;
    }
    CHECK(json.size > 0 && json.data[0] == '{');
    if (must_contain != NULL && strstr((const char*)json.data, must_contain) != NULL) found = 1;
    socle_buffer_free(&json);
    ++n;
  }
  CHECK(n < 0 || (uint64_t)n == socle_export_reader_records_read(reader));
  CHECK_MSG(found || n < 0, "no record holds %s", must_contain);
  socle_export_reader_free(reader);
  return n;
}

static void test_keys(void) {
  socle_export_recipient_key* key = NULL;
  CHECK(socle_export_recipient_key_generate(&key, NULL) == SOCLE_OK);
  uint8_t secret[SOCLE_EXPORT_KEY_BYTES], public_key[SOCLE_EXPORT_KEY_BYTES];
  uint8_t again[SOCLE_EXPORT_KEY_BYTES];
  CHECK(socle_export_recipient_key_secret_key(key, secret, sizeof secret, NULL) == SOCLE_OK);
  CHECK(socle_export_recipient_key_public_key(key, public_key, sizeof public_key, NULL) ==
        SOCLE_OK);
  socle_export_recipient_key* copy = NULL;
  CHECK(socle_export_recipient_key_from_secret(secret, sizeof secret, &copy, NULL) == SOCLE_OK);
  CHECK(socle_export_recipient_key_public_key(copy, again, sizeof again, NULL) == SOCLE_OK);
  CHECK(memcmp(public_key, again, sizeof again) == 0);
  CHECK(memcmp(public_key, secret, sizeof secret) != 0);

  /* Short keys and buffers, NULLs: each refused with its code, outputs left empty. */
  socle_export_recipient_key* bad = (socle_export_recipient_key*)1;
  socle_error* error = NULL;
  CHECK_RC(socle_export_recipient_key_from_secret(secret, 31, &bad, &error),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(bad == NULL);
  CHECK(strstr(socle_error_message(error), "secret") != NULL);
  socle_error_free(error);
  CHECK_RC(socle_export_recipient_key_from_secret(NULL, 32, &bad, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_recipient_key_from_secret(secret, 32, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_recipient_key_public_key(key, again, 31, NULL), SOCLE_E_OUT_OF_RANGE);
  CHECK_RC(socle_export_recipient_key_secret_key(key, NULL, 32, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_recipient_key_public_key(NULL, again, 32, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_signing_key_from_vault(NULL, NULL, NULL), SOCLE_E_INVALID_ARGUMENT);
  socle_export_signing_key* signing = (socle_export_signing_key*)1;
  CHECK_RC(socle_export_signing_key_from_vault(NULL, &signing, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK(signing == NULL);
  socle_export_recipient_key_free(copy);
  socle_export_recipient_key_free(key);
  socle_export_recipient_key_free(NULL);
  socle_export_signing_key_free(NULL);

  /* The vault's key is the same key each time it is derived. */
  socle_export_signing_key* a = NULL;
  socle_export_signing_key* b = NULL;
  CHECK(socle_export_signing_key_from_vault(vault, &a, NULL) == SOCLE_OK);
  CHECK(socle_export_signing_key_from_vault(vault, &b, NULL) == SOCLE_OK);
  uint8_t pa[SOCLE_EXPORT_KEY_BYTES], pb[SOCLE_EXPORT_KEY_BYTES];
  CHECK(socle_export_signing_key_public_key(a, pa, sizeof pa, NULL) == SOCLE_OK);
  CHECK(socle_export_signing_key_public_key(b, pb, sizeof pb, NULL) == SOCLE_OK);
  CHECK(memcmp(pa, pb, sizeof pa) == 0);
  socle_export_signing_key_free(a);
  socle_export_signing_key_free(b);
}

static void test_names(void) {
  CHECK(strcmp(socle_export_kind_name(SOCLE_EXPORT_KIND_ACCESS_REQUEST), "access_request") == 0);
  CHECK(strcmp(socle_export_kind_name(99), "unspecified") == 0);
  CHECK(strcmp(socle_export_problem_name(SOCLE_EXPORT_PROBLEM_TRUNCATED), "truncated") == 0);
  CHECK(strcmp(socle_export_problem_name(-1), "unspecified") == 0);
  CHECK(socle_error_export_problem(NULL) == SOCLE_EXPORT_PROBLEM_NONE);
  CHECK(socle_error_export_offset(NULL) == 0);
  const char* schema = socle_export_portability_json_schema();
  CHECK(schema != NULL && schema[0] == '{' && strstr(schema, "2020-12") != NULL);
}

static void test_signed_access_request(const socle_export_signing_key* key) {
  const char* path = path_of("access-signed.socle");
  socle_export_writer* writer = writer_for(path, key, SOCLE_EXPORT_KIND_ACCESS_REQUEST, NULL);
  socle_person_identity* id = identity();
  entries source = {0, -1, SOCLE_OK, 0, 0};
  socle_export_report* report = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_access_trail_write_access_request(
      trail, id, S("P-1"), S("ass1"), 0, entry_source, &source, writer, &report, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(source.next == 5);
  /* 5 entries: the working note left out, the third-party information withheld. */
  CHECK_MSG(socle_export_report_entries(report) == 3, "%llu",
            (unsigned long long)socle_export_report_entries(report));
  CHECK(socle_export_report_withheld(report) == 1);
  CHECK(socle_export_report_left_out(report) == 1);
  CHECK(socle_export_report_checkpoint_size(report) == 0);
  const uint64_t records = socle_export_report_records(report);
  CHECK(records > 3);
  CHECK(socle_export_report_bytes(report) > 0);
  socle_export_report_free(report);
  socle_export_report_free(NULL);
  socle_export_writer_free(writer);
  CHECK(file_exists(path));

  /* Read back, trusting the tenant's key: every record, as JSON. */
  uint8_t issuer[SOCLE_EXPORT_KEY_BYTES];
  CHECK(socle_export_signing_key_public_key(key, issuer, sizeof issuer, NULL) == SOCLE_OK);
  socle_export_reader_options* options = NULL;
  CHECK(socle_export_reader_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_export_reader_options_add_trusted_issuer(options, issuer, sizeof issuer, NULL) ==
        SOCLE_OK);
  const int64_t n = read_all(path, options, "Martin", &error);
  CHECK_MSG(n == (int64_t)records, "%lld records: %s", (long long)n,
            error != NULL ? socle_error_message(error) : "");
  socle_error_free(error);
  error = NULL;

  /* The header, the kind, the issuer; raw records. */
  socle_export_reader* reader = NULL;
  CHECK(socle_export_reader_open(path, options, &reader, NULL) == SOCLE_OK);
  CHECK(socle_export_reader_kind(reader) == SOCLE_EXPORT_KIND_ACCESS_REQUEST);
  CHECK(socle_export_reader_sealed(reader) == 0);
  uint8_t read_issuer[SOCLE_EXPORT_KEY_BYTES];
  CHECK(socle_export_reader_issuer_public_key(reader, read_issuer, sizeof read_issuer, NULL) ==
        SOCLE_OK);
  CHECK(memcmp(read_issuer, issuer, sizeof issuer) == 0);
  socle_buffer header = {0};
  CHECK(socle_export_reader_header(reader, &header, NULL) == SOCLE_OK);
  CHECK(header.size > 0);
  socle_buffer_free(&header);
  CHECK(socle_export_reader_header_json(reader, &header, NULL) == SOCLE_OK);
  CHECK_MSG(strstr((const char*)header.data, "CCAS de Test") != NULL, "%s", header.data);
  socle_buffer_free(&header);
  socle_buffer record = {0};
  int32_t has = 0;
  CHECK(socle_export_reader_next(reader, &record, &has, NULL) == SOCLE_OK);
  CHECK(has == 1 && record.size > 0);
  socle_buffer_free(&record);
  CHECK(socle_export_reader_records_read(reader) == 1);
  CHECK(socle_export_reader_failure_problem(reader) == SOCLE_EXPORT_PROBLEM_NONE);
  socle_export_reader_free(reader);

  /* Verified whole. */
  int32_t kind = 0, sealed = -1;
  uint64_t verified = 0, bytes = 0;
  CHECK(socle_export_verify_file(path, options, &kind, &sealed, &verified, &bytes, NULL) ==
        SOCLE_OK);
  CHECK(kind == SOCLE_EXPORT_KIND_ACCESS_REQUEST && sealed == 0 && verified == records &&
        bytes > 0);

  /* Another trusted issuer: refused at the header. */
  socle_export_reader_options* others = NULL;
  CHECK(socle_export_reader_options_new(&others, NULL) == SOCLE_OK);
  uint8_t stranger[SOCLE_EXPORT_KEY_BYTES] = {7};
  CHECK(socle_export_reader_options_add_trusted_issuer(others, stranger, sizeof stranger, NULL) ==
        SOCLE_OK);
  reader = (socle_export_reader*)1;
  CHECK_RC(socle_export_reader_open(path, others, &reader, &error), SOCLE_E_VERIFICATION_FAILED);
  CHECK(reader == NULL);
  CHECK(socle_error_export_problem(error) == SOCLE_EXPORT_PROBLEM_UNTRUSTED_ISSUER);
  socle_error_free(error);
  error = NULL;
  socle_export_reader_options_free(others);

  /* A tampered copy: a byte of the body flipped, refused at its offset. */
  FILE* f = fopen(path, "rb");
  static uint8_t bytes_of[1 << 20];
  const size_t size = fread(bytes_of, 1, sizeof bytes_of, f);
  fclose(f);
  CHECK(size == bytes);
  bytes_of[size - 200] ^= 0x01;
  const char* tampered = path_of("access-tampered.socle");
  f = fopen(tampered, "wb");
  fwrite(bytes_of, 1, size, f);
  fclose(f);
  CHECK(read_all(tampered, options, NULL, &error) == -1);
  CHECK_MSG(socle_error_export_problem(error) != SOCLE_EXPORT_PROBLEM_NONE, "%s",
            error != NULL ? socle_error_message(error) : "no error");
  CHECK(socle_error_export_offset(error) > 0 && socle_error_export_offset(error) < size);
  socle_error_free(error);
  error = NULL;
  CHECK(socle_export_verify_file(tampered, options, &kind, &sealed, &verified, &bytes, &error) !=
        SOCLE_OK);
  CHECK(kind == 0 && verified == 0 && bytes == 0);
  CHECK(socle_error_export_problem(error) != SOCLE_EXPORT_PROBLEM_NONE);
  socle_error_free(error);
  error = NULL;

  /* A truncated copy: the reader fails at the end, and stays failed. */
  f = fopen(tampered, "wb");
  fwrite(bytes_of, 1, size - 300, f);
  fclose(f);
  CHECK(socle_export_reader_open(tampered, options, &reader, NULL) == SOCLE_OK);
  int32_t rc_next = SOCLE_OK;
  for (int i = 0; i < 100000 && rc_next == SOCLE_OK; ++i) {
    rc_next = socle_export_reader_next(reader, &record, &has, &error);
    socle_buffer_free(&record);
    if (rc_next == SOCLE_OK && !has) break;
  }
  CHECK_RC(rc_next, SOCLE_E_DATA_LOSS);
  CHECK(socle_error_export_problem(error) == SOCLE_EXPORT_PROBLEM_TRUNCATED);
  CHECK(socle_export_reader_failure_problem(reader) == SOCLE_EXPORT_PROBLEM_TRUNCATED);
  CHECK(socle_export_reader_failure_offset(reader) == socle_error_export_offset(error));
  socle_error_free(error);
  error = NULL;
  socle_export_reader_free(reader);

  /* Not an export at all. */
  f = fopen(tampered, "wb");
  fputs("PK\x03\x04 a zip, not an export", f);
  fclose(f);
  CHECK_RC(socle_export_reader_open(tampered, NULL, &reader, &error), SOCLE_E_PARSE);
  CHECK(socle_error_export_problem(error) == SOCLE_EXPORT_PROBLEM_NOT_AN_EXPORT);
  socle_error_free(error);
  error = NULL;
  CHECK_RC(socle_export_reader_open(path_of("missing.socle"), NULL, &reader, &error),
           SOCLE_E_NOT_FOUND);
  CHECK(socle_error_export_problem(error) == SOCLE_EXPORT_PROBLEM_NONE);
  socle_error_free(error);
  socle_export_reader_options_free(options);
  socle_person_identity_free(id);
}

static void test_sealed_access_request(const socle_export_signing_key* key) {
  socle_export_recipient_key* recipient = NULL;
  socle_export_recipient_key* stranger = NULL;
  CHECK(socle_export_recipient_key_generate(&recipient, NULL) == SOCLE_OK);
  CHECK(socle_export_recipient_key_generate(&stranger, NULL) == SOCLE_OK);
  const char* path = path_of("access-sealed.socle");
  socle_export_writer* writer = writer_for(path, key, SOCLE_EXPORT_KIND_ACCESS_REQUEST, recipient);
  socle_person_identity* id = NULL;
  CHECK(socle_person_identity_new(&id, NULL) == SOCLE_OK);
  socle_error* error = NULL;
  const char json[] = "{\"person\": \"P-1\", \"familyName\": \"Dubois\"}";
  int32_t rc = socle_person_identity_set_json(id, S(json), &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  entries source = {0, -1, SOCLE_OK, 0, 0};
  socle_export_report* report = NULL;
  rc = socle_access_trail_write_access_request(trail, id, S("P-1"), S("ass1"), 1900000100,
                                               entry_source, &source, writer, &report, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  const uint64_t records = socle_export_report_records(report);
  socle_export_report_free(report);
  socle_export_writer_free(writer);

  /* Without a key: the header opens, the first record needs the key. Verified without it. */
  socle_export_reader* reader = NULL;
  int64_t n = read_all(path, NULL, NULL, &error);
  CHECK(n == -1);
  CHECK_MSG(socle_error_export_problem(error) == SOCLE_EXPORT_PROBLEM_KEY_REQUIRED, "%s",
            socle_export_problem_name(socle_error_export_problem(error)));
  socle_error_free(error);
  error = NULL;
  int32_t sealed = 0;
  CHECK(socle_export_verify_file(path, NULL, NULL, &sealed, NULL, NULL, NULL) == SOCLE_OK);
  CHECK(sealed == 1);

  /* Another recipient's key: refused. */
  socle_export_reader_options* options = NULL;
  CHECK(socle_export_reader_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_export_reader_options_set_key(options, stranger, NULL) == SOCLE_OK);
  CHECK(socle_export_reader_options_set_limits(options, 0, 0, 0, NULL) == SOCLE_OK);
  CHECK(read_all(path, options, NULL, &error) == -1);
  CHECK(socle_error_export_problem(error) == SOCLE_EXPORT_PROBLEM_NOT_A_RECIPIENT);
  CHECK(socle_error_code(error) == SOCLE_E_PERMISSION_DENIED);
  socle_error_free(error);
  error = NULL;

  /* The recipient's key (from its stored secret): every record. */
  uint8_t secret[SOCLE_EXPORT_KEY_BYTES];
  CHECK(socle_export_recipient_key_secret_key(recipient, secret, sizeof secret, NULL) == SOCLE_OK);
  socle_export_recipient_key* restored = NULL;
  CHECK(socle_export_recipient_key_from_secret(secret, sizeof secret, &restored, NULL) == SOCLE_OK);
  CHECK(socle_export_reader_options_set_key(options, restored, NULL) == SOCLE_OK);
  socle_export_recipient_key_free(restored); /* the options keep a copy */
  n = read_all(path, options, "Dubois", &error);
  CHECK_MSG(n == (int64_t)records, "%lld: %s", (long long)n,
            error != NULL ? socle_error_message(error) : "");
  socle_error_free(error);
  error = NULL;
  CHECK(socle_export_reader_open(path, options, &reader, NULL) == SOCLE_OK);
  CHECK(socle_export_reader_sealed(reader) == 1);
  socle_export_reader_free(reader);

  /* A header limit below the header's size: too large. */
  CHECK(socle_export_reader_options_set_limits(options, 16, 0, 0, NULL) == SOCLE_OK);
  CHECK_RC(socle_export_reader_open(path, options, &reader, &error), SOCLE_E_RESOURCE_EXHAUSTED);
  CHECK(socle_error_export_problem(error) == SOCLE_EXPORT_PROBLEM_TOO_LARGE);
  socle_error_free(error);
  socle_export_reader_options_free(options);
  socle_person_identity_free(id);
  socle_export_recipient_key_free(recipient);
  socle_export_recipient_key_free(stranger);
}

static void test_failing_sources(const socle_export_signing_key* key) {
  socle_person_identity* id = identity();
  socle_export_report* report = (socle_export_report*)1;
  socle_error* error = NULL;

  /* The vendor's own error (its database is gone): returned as is; no file. */
  const char* path = path_of("vendor-error.socle");
  socle_export_writer* writer = writer_for(path, key, SOCLE_EXPORT_KIND_ACCESS_REQUEST, NULL);
  entries source = {0, 2, SOCLE_E_IO, 0, EBADF};
  errno = ENOENT;
  int32_t rc = socle_access_trail_write_access_request(
      trail, id, S("P-1"), S("ass1"), 0, entry_source, &source, writer, &report, &error);
  CHECK(errno == ENOENT);
  CHECK_RC(rc, SOCLE_E_IO);
  CHECK(report == NULL);
  CHECK(strstr(socle_error_message(error), "entry source") != NULL);
  socle_error_free(error);
  error = NULL;
  socle_export_writer_free(writer);
  CHECK(!file_exists(path));

  /* No exception, but a code that is no status: SOCLE_E_INTERNAL, naming the source only. */
  writer = writer_for(path, key, SOCLE_EXPORT_KIND_ACCESS_REQUEST, NULL);
  entries unknown = {0, 1, 12345, 0, 0};
  rc = socle_access_trail_write_access_request(trail, id, S("P-1"), S("ass1"), 0, entry_source,
                                               &unknown, writer, &report, &error);
  CHECK_RC(rc, SOCLE_E_INTERNAL);
  CHECK(strstr(socle_error_message(error), "entry source") != NULL);
  CHECK(strstr(socle_error_message(error), "P-1") == NULL);
  socle_error_free(error);
  error = NULL;
  socle_export_writer_free(writer);
  CHECK(!file_exists(path));

  /* SOCLE_OK with has_entry neither 0 nor 1: SOCLE_E_INTERNAL. */
  writer = writer_for(path, key, SOCLE_EXPORT_KIND_ACCESS_REQUEST, NULL);
  entries bad_has = {0, 0, SOCLE_OK, 7, 0};
  CHECK_RC(socle_access_trail_write_access_request(trail, id, S("P-1"), S("ass1"), 0, entry_source,
                                                   &bad_has, writer, &report, NULL),
           SOCLE_E_INTERNAL);
  socle_export_writer_free(writer);
  CHECK(!file_exists(path));

  /* Someone who may not ask; an unknown professional; an unknown person. */
  writer = writer_for(path, key, SOCLE_EXPORT_KIND_ACCESS_REQUEST, NULL);
  CHECK_RC(socle_access_trail_write_access_request(trail, id, S("ass1"), S("ass1"), 0, NULL, NULL,
                                                   writer, &report, NULL),
           SOCLE_E_PERMISSION_DENIED);
  CHECK_RC(socle_access_trail_write_access_request(trail, id, S("P-1"), S("nobody"), 0, NULL, NULL,
                                                   writer, &report, NULL),
           SOCLE_E_NOT_FOUND);
  /* NULLs: named, nothing written. */
  CHECK_RC(socle_access_trail_write_access_request(NULL, id, S("P-1"), S("ass1"), 0, NULL, NULL,
                                                   writer, &report, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_trail_write_access_request(trail, NULL, S("P-1"), S("ass1"), 0, NULL, NULL,
                                                   writer, &report, &error),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(strstr(socle_error_message(error), "identity") != NULL);
  socle_error_free(error);
  error = NULL;
  CHECK_RC(socle_access_trail_write_access_request(trail, id, NULL, 3, S("ass1"), 0, NULL, NULL,
                                                   writer, &report, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_trail_write_access_request(trail, id, S("P-1"), S("ass1"), 0, NULL, NULL,
                                                   NULL, &report, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_trail_write_access_request(trail, id, S("P-1"), S("ass1"), 0, NULL, NULL,
                                                   writer, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  socle_export_writer_free(writer);
  CHECK(!file_exists(path));
  socle_person_identity_free(id);
}

static void test_portability_and_audit(const socle_export_signing_key* key) {
  const char* path = path_of("portability.socle");
  socle_export_writer* writer = writer_for(path, key, SOCLE_EXPORT_KIND_PORTABILITY, NULL);
  socle_person_identity* id = identity();
  entries source = {0, -1, SOCLE_OK, 0, 0};
  socle_export_report* report = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_access_trail_write_portability(trail, id, S("P-1"), S("ass1"), 0, entry_source,
                                                    &source, writer, &report, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  /* The example's activities rest on a public task: no entry is carried (art. 20(3)). */
  CHECK(socle_export_report_entries(report) == 0);
  CHECK(socle_export_report_left_out(report) == 5);
  const uint64_t records = socle_export_report_records(report);
  socle_export_report_free(report);
  socle_export_writer_free(writer);
  CHECK(read_all(path, NULL, NULL, &error) == (int64_t)records);
  socle_error_free(error);
  error = NULL;
  socle_person_identity_free(id);

  path = path_of("audit.socle");
  writer = writer_for(path, key, SOCLE_EXPORT_KIND_AUDIT_EXTRACT, NULL);
  rc = socle_access_trail_write_audit_extract(trail, S("aud1"), 0, 0, 0, writer, &report, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(socle_export_report_entries(report) > 0);
  CHECK(socle_export_report_checkpoint_size(report) >= socle_export_report_entries(report));
  socle_export_report_free(report);
  socle_export_writer_free(writer);
  int32_t kind = 0;
  CHECK(socle_export_verify_file(path, NULL, &kind, NULL, NULL, NULL, NULL) == SOCLE_OK);
  CHECK(kind == SOCLE_EXPORT_KIND_AUDIT_EXTRACT);

  /* A professional without SECURITY_AUDITOR. */
  writer = writer_for(path_of("audit-refused.socle"), key, SOCLE_EXPORT_KIND_AUDIT_EXTRACT, NULL);
  report = (socle_export_report*)1;
  CHECK_RC(socle_access_trail_write_audit_extract(trail, S("ass1"), 0, 0, 0, writer, &report, NULL),
           SOCLE_E_PERMISSION_DENIED);
  CHECK(report == NULL);
  CHECK_RC(socle_access_trail_write_audit_extract(trail, S("aud1"), 0, 0, 0, NULL, &report, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  socle_export_writer_free(writer);
  CHECK(!file_exists(path_of("audit-refused.socle")));
}

static void test_writer_and_hostile_inputs(const socle_export_signing_key* key) {
  socle_export_writer_options* options = NULL;
  socle_error* error = NULL;
  CHECK(socle_export_writer_options_new(&options, NULL) == SOCLE_OK);
  /* Bad kinds, short keys, NULL with a length, a short digest: refused, named. */
  CHECK_RC(socle_export_writer_options_set_kind(options, 0, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_writer_options_set_kind(options, 7, &error), SOCLE_E_INVALID_ARGUMENT);
  CHECK(strstr(socle_error_message(error), "SOCLE_EXPORT_KIND_") != NULL);
  socle_error_free(error);
  error = NULL;
  CHECK_RC(socle_export_writer_options_set_kind(NULL, 1, NULL), SOCLE_E_INVALID_ARGUMENT);
  uint8_t short_key[31] = {1};
  CHECK_RC(
      socle_export_writer_options_add_recipient(options, short_key, sizeof short_key, S("x"), NULL),
      SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_writer_options_add_recipient(options, NULL, 32, S("x"), NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_writer_options_set_issuer(options, NULL, 4, &error),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(strstr(socle_error_message(error), "issuer") != NULL);
  socle_error_free(error);
  error = NULL;
  const uint8_t digest[5] = {0};
  CHECK_RC(
      socle_export_writer_options_set_policy(options, S("p"), S("r"), digest, sizeof digest, NULL),
      SOCLE_E_INVALID_ARGUMENT);
  uint8_t key65[32] = {3};
  for (int i = 0; i < 64; ++i) {
    key65[1] = (uint8_t)i;
    CHECK(socle_export_writer_options_add_recipient(options, key65, sizeof key65, S("r"), NULL) ==
          SOCLE_OK);
  }
  CHECK_RC(socle_export_writer_options_add_recipient(options, key65, sizeof key65, S("r"), NULL),
           SOCLE_E_OUT_OF_RANGE);
  socle_export_writer_options_free(options);
  socle_export_writer_options_free(NULL);

  socle_case_entry* entry = NULL;
  CHECK(socle_case_entry_new(&entry, NULL) == SOCLE_OK);
  CHECK_RC(socle_case_entry_set_kind(entry, 0, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_case_entry_set_kind(entry, 5, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_case_entry_set_provided_by_person(entry, 2, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_case_entry_set_text(NULL, S("x"), NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_case_entry_add_field(entry, S("name"), NULL, 2, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_case_entry_set_json(entry, S("{\"kind\": \"NOT_A_KIND\"}"), &error),
           SOCLE_E_PARSE);
  CHECK(strstr(socle_error_message(error), "NOT_A_KIND") == NULL ||
        strstr(socle_error_message(error), "kind") != NULL);
  socle_error_free(error);
  error = NULL;
  CHECK(socle_case_entry_set_json(entry,
                                  S("{\"id\": \"n1\", \"kind\": \"PROFESSIONAL_APPRECIATION\"}"),
                                  NULL) == SOCLE_OK);
  socle_case_entry_free(entry);
  socle_case_entry_free(NULL);
  socle_person_identity* id = NULL;
  CHECK(socle_person_identity_new(&id, NULL) == SOCLE_OK);
  CHECK_RC(socle_person_identity_set_json(id, S("not json"), NULL), SOCLE_E_PARSE);
  CHECK_RC(socle_person_identity_set_nir(id, NULL, 13, NULL), SOCLE_E_INVALID_ARGUMENT);
  socle_person_identity_free(id);
  socle_person_identity_free(NULL);

  /* A writer: NULLs refused; a record added by hand; finished once; an unwritable place. */
  CHECK(socle_export_writer_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_export_writer_options_set_kind(options, SOCLE_EXPORT_KIND_PSEUDONYMISED_DATASET,
                                             NULL) == SOCLE_OK);
  CHECK(socle_export_writer_options_set_pseudonym_domain(options, S("stats"), NULL) == SOCLE_OK);
  CHECK(socle_export_writer_options_set_pseudonymisation_profile(options, S("p1"), NULL) ==
        SOCLE_OK);
  CHECK(socle_export_writer_options_set_created_unix_seconds(options, 1900000000, NULL) ==
        SOCLE_OK);
  socle_export_writer* writer = (socle_export_writer*)1;
  CHECK_RC(socle_export_writer_create(NULL, key, options, &writer, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK(writer == NULL);
  CHECK_RC(socle_export_writer_create(path_of("w.socle"), NULL, options, &writer, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_writer_create(path_of("w.socle"), key, NULL, &writer, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_writer_create("/nonexistent-dir/w.socle", key, options, &writer, NULL),
           SOCLE_E_IO);
  CHECK(socle_export_writer_create(path_of("w.socle"), key, options, &writer, NULL) == SOCLE_OK);
  const uint8_t record[] = {0x0a, 0x02, 'h', 'i'};
  CHECK(socle_export_writer_add(writer, record, sizeof record, NULL) == SOCLE_OK);
  CHECK_RC(socle_export_writer_add(writer, NULL, 4, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_writer_add(NULL, record, sizeof record, NULL), SOCLE_E_INVALID_ARGUMENT);
  uint64_t records = 0, bytes = 0;
  CHECK(socle_export_writer_finish(writer, &records, &bytes, NULL) == SOCLE_OK);
  CHECK(records == 1 && bytes > 0);
  CHECK(socle_export_writer_finish(writer, &records, &bytes, NULL) != SOCLE_OK);
  CHECK(records == 0 && bytes == 0);
  socle_export_writer_free(writer);
  socle_export_writer_free(NULL);
  socle_export_writer_options_free(options);

  socle_export_reader* reader = NULL;
  CHECK(socle_export_reader_open(path_of("w.socle"), NULL, &reader, NULL) == SOCLE_OK);
  CHECK(socle_export_reader_kind(reader) == SOCLE_EXPORT_KIND_PSEUDONYMISED_DATASET);
  socle_buffer out = {0};
  int32_t has = 0;
  CHECK(socle_export_reader_next(reader, &out, &has, NULL) == SOCLE_OK);
  CHECK(has == 1 && out.size == sizeof record && memcmp(out.data, record, sizeof record) == 0);
  socle_buffer_free(&out);
  CHECK(socle_export_reader_next(reader, &out, &has, NULL) == SOCLE_OK);
  CHECK(has == 0 && out.size == 0);
  CHECK_RC(socle_export_reader_next(reader, &out, NULL, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_reader_next(NULL, &out, &has, NULL), SOCLE_E_INVALID_ARGUMENT);
  uint8_t small[8];
  CHECK_RC(socle_export_reader_issuer_public_key(reader, small, sizeof small, NULL),
           SOCLE_E_OUT_OF_RANGE);
  socle_export_reader_free(reader);
  socle_export_reader_free(NULL);
  CHECK_RC(socle_export_reader_open(NULL, NULL, &reader, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_export_reader_open(path_of("w.socle"), NULL, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_export_reader_kind(NULL) == 0);
  CHECK(socle_export_reader_records_read(NULL) == 0);

  socle_export_reader_options* reader_options = NULL;
  CHECK(socle_export_reader_options_new(&reader_options, NULL) == SOCLE_OK);
  CHECK_RC(socle_export_reader_options_add_trusted_issuer(reader_options, short_key,
                                                          sizeof short_key, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_export_reader_options_set_key(reader_options, NULL, NULL) == SOCLE_OK);
  CHECK_RC(socle_export_reader_options_set_limits(NULL, 1, 1, 1, NULL), SOCLE_E_INVALID_ARGUMENT);
  socle_export_reader_options_free(reader_options);
  socle_export_reader_options_free(NULL);
  CHECK_RC(socle_export_verify_file(NULL, NULL, NULL, NULL, NULL, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_policy_portability_notice(policy, NULL, NULL), SOCLE_E_INVALID_ARGUMENT);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s POLICY_FILE WORK_DIR\n", argv[0]);
    return 2;
  }
  check_set_work(argv[2]);
  static const char* const kFiles[] = {
      "e.key",        "e.vault",      "e.vault-wal",         "e.vault-shm", "trail.db",
      "trail.db-wal", "trail.db-shm", "trail.db.checkpoint", NULL};
  check_remove(kFiles);
  CHECK(socle_init() == SOCLE_OK);
  setup(argv[1]);
  if (trail == NULL) return check_report("export_capi_test");
  socle_export_signing_key* key = NULL;
  CHECK(socle_export_signing_key_from_vault(vault, &key, NULL) == SOCLE_OK);
  test_names();
  test_keys();
  test_signed_access_request(key);
  test_sealed_access_request(key);
  test_failing_sources(key);
  test_portability_and_audit(key);
  test_writer_and_hostile_inputs(key);
  socle_export_signing_key_free(key);
  socle_access_trail_free(trail);
  socle_vault_free(vault);
  socle_access_engine_free(engine);
  socle_policy_free(policy);
  return check_report("export_capi_test");
}
