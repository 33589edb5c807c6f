/* The retention sweep through the C ABI (REQ-36), as a vendor writing C uses it: compiled as C11,
 * linked against libsocle only. A person whose whole file is due and one still active; a dry run
 * that records nothing; the sweep: the to-do list, the person's keys shredded in the vault, one
 * signed certificate per category that verifies (and not once altered) and names no person; a
 * second run that does nothing more; an elimination visa recorded once; hostile input refused
 * with the parameter named.
 *
 * usage: retention_sweep_capi_test POLICY_FILE WORK_DIR (the workload policy: four categories kept
 * 24 months after the last contact from the person, then deleted) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

#define NOW 1900000000 /* 2030-03-17 17:46:40 UTC */

static size_t put_varint(uint8_t* out, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  out[n++] = (uint8_t)v;
  return n;
}

/* A serialized socle.v1.StateEvent: contact_recorded (field 40) from the person on `date`, at
 * NOW. Written by hand: a C vendor has no protobuf runtime. */
static void record_contact(socle_access_engine* engine, const char* person, const char* date) {
  uint8_t contact[256], event[512];
  size_t c = 0, e = 0;
  contact[c++] = 0x0a; /* person = 1 */
  contact[c++] = (uint8_t)strlen(person);
  memcpy(contact + c, person, strlen(person));
  c += strlen(person);
  contact[c++] = 0x10; /* originator = 2: PERSON */
  contact[c++] = 0x01;
  contact[c++] = 0x22; /* date = 4 */
  contact[c++] = (uint8_t)strlen(date);
  memcpy(contact + c, date, strlen(date));
  c += strlen(date);
  event[e++] = 0x08; /* format_version = 1 */
  event[e++] = 0x01;
  uint8_t seconds[16];
  const size_t s = put_varint(seconds, NOW);
  event[e++] = 0x12; /* at = 2 (Timestamp.seconds = 1) */
  event[e++] = (uint8_t)(s + 1);
  event[e++] = 0x08;
  memcpy(event + e, seconds, s);
  e += s;
  e += put_varint(event + e, (40u << 3) | 2u); /* contact_recorded = 40 */
  event[e++] = (uint8_t)c;
  memcpy(event + e, contact, c);
  e += c;
  socle_error* error = NULL;
  const int32_t rc = socle_access_engine_apply_event(engine, event, e, NULL, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
}

static void check_refused(int32_t rc, socle_error** error, int32_t code, const char* parameter) {
  check_refusal(rc, *error, code, parameter, NULL);
  *error = NULL;
}

static int contains(const uint8_t* data, size_t size, const char* needle) {
  const size_t n = strlen(needle);
  for (size_t i = 0; i + n <= size; ++i) {
    if (memcmp(data + i, needle, n) == 0) return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s POLICY_FILE WORK_DIR\n", argv[0]);
    return 2;
  }
  check_set_work(argv[2]);
  static const char* const kFiles[] = {
      "r.key",        "r.vault",      "r.vault-wal",         "r.vault-shm", "trail.db",
      "trail.db-wal", "trail.db-shm", "trail.db.checkpoint", NULL};
  check_remove(kFiles);
  CHECK(socle_init() == SOCLE_OK);

  /* The engine, on the workload policy, at NOW. */
  FILE* f = fopen(argv[1], "rb");
  CHECK(f != NULL);
  if (f == NULL) return check_report("retention_sweep_capi_test");
  static char text[1 << 20];
  const size_t n = fread(text, 1, sizeof text, f);
  fclose(f);
  socle_policy* policy = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_policy_load(text, n, "workload", &policy, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  socle_access_engine* engine =
      check_engine_on(policy, NOW, "sw1\tsocial_worker\tt1\n", "P-1\tt1\nP-2\tt1\n");
  socle_policy_free(policy);
  if (engine == NULL) return check_report("retention_sweep_capi_test");

  /* The trail on a vault; the vault kept to seal a record of P-1. */
  socle_vault* vault = check_vault("r.key", "sweep C test", "r.vault", "ccas");
  socle_access_trail* trail = check_trail(vault, engine);
  socle_export_signing_key* key = NULL;
  CHECK(socle_export_signing_key_generate(&key, NULL) == SOCLE_OK);
  if (engine == NULL || trail == NULL || key == NULL || vault == NULL) {
    return check_report("retention_sweep_capi_test");
  }

  record_contact(engine, "P-1", "2019-03-01"); /* due since 2021-03-01 */
  record_contact(engine, "P-2", "2029-06-01"); /* active until 2031-06-01 */
  static const uint8_t kNote[] = "case note";
  socle_buffer sealed = {0};
  CHECK(socle_vault_seal_record(vault, S("P-1"), S("note-1"), 1, kNote, sizeof kNote, &sealed,
                                NULL) == SOCLE_OK);

  /* Hostile input: refused, the parameter named, nothing recorded. */
  const uint64_t before = socle_access_engine_revision(engine);
  socle_sweep_report* report = NULL;
  rc = socle_access_trail_retention_sweep(trail, NULL, key, S("2030-03-17"), 100, S("sw1"), &report,
                                          &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "engine");
  rc = socle_access_trail_retention_sweep(NULL, engine, key, S("2030-03-17"), 100, S("sw1"),
                                          &report, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "trail");
  rc = socle_access_trail_retention_sweep(trail, engine, NULL, S("2030-03-17"), 100, S("sw1"),
                                          &report, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "key");
  rc = socle_access_trail_retention_sweep(trail, engine, key, S("2030-3-17"), 100, S("sw1"),
                                          &report, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "day");
  rc = socle_access_trail_retention_sweep(trail, engine, key, S("2030-03-17"), 0, S("sw1"), &report,
                                          &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "batch_size");
  rc = socle_access_trail_retention_sweep(trail, engine, key, NULL, 5, 100, S("sw1"), &report,
                                          &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "day");
  rc = socle_access_engine_plan_retention_sweep(engine, S("tomorrow"), &report, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "day");
  CHECK(report == NULL);
  CHECK(socle_access_engine_revision(engine) == before);

  /* A dry run: the plan, nothing recorded. */
  rc = socle_access_engine_plan_retention_sweep(engine, S("2030-03-17"), &report, &error);
  CHECK_OK(rc, error);
  CHECK(socle_sweep_report_purged(report) == 4);
  CHECK(socle_sweep_report_todo_count(report) == 4);
  CHECK(socle_sweep_report_certificate_count(report) == 0);
  CHECK(socle_sweep_report_shredded(report) == 0);
  CHECK(socle_access_engine_revision(engine) == before);
  socle_sweep_report_free(report);
  report = NULL;

  /* The sweep. */
  rc = socle_access_trail_retention_sweep(trail, engine, key, S("2030-03-17"), 100, S("sw1"),
                                          &report, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(strcmp(socle_sweep_report_day(report), "2030-03-17") == 0);
  CHECK(socle_sweep_report_resumed(report) == 0);
  CHECK(socle_sweep_report_purged(report) == 4);
  CHECK(socle_sweep_report_shredded(report) == 1);
  CHECK(socle_sweep_report_awaiting_visa(report) == 0);
  CHECK(socle_sweep_report_change_count(report) == 4);
  CHECK(socle_sweep_report_todo_count(report) == 4);
  for (size_t i = 0; i < socle_sweep_report_todo_count(report); ++i) {
    CHECK(strcmp(socle_sweep_report_todo_person(report, i), "P-1") == 0);
    CHECK(socle_sweep_report_todo_action(report, i) == SOCLE_RETENTION_END_ACTION_DELETE);
    CHECK(strncmp(socle_sweep_report_todo_rule(report, i), "activities[0].retention[", 24) == 0);
    CHECK(strcmp(socle_sweep_report_todo_visa(report, i), "") == 0);
  }
  CHECK(strcmp(socle_sweep_report_todo_person(report, 99), "") == 0);
  CHECK(socle_sweep_report_todo_action(report, 99) == 0);
  CHECK(socle_sweep_report_certificate_count(report) == 4);
  for (size_t i = 0; i < socle_sweep_report_certificate_count(report); ++i) {
    CHECK(socle_sweep_report_certificate_count_of(report, i) == 1);
    CHECK(socle_sweep_report_certificate_end_action(report, i) ==
          SOCLE_RETENTION_END_ACTION_DELETE);
    CHECK(strlen(socle_sweep_report_certificate_category(report, i)) > 0);
    socle_buffer bytes = {0}, signature = {0};
    rc = socle_sweep_report_certificate_bytes(report, i, &bytes, &signature, &error);
    CHECK_OK(rc, error);
    CHECK(signature.size == 64);
    CHECK(!contains(bytes.data, bytes.size, "P-1") && !contains(bytes.data, bytes.size, "P-2"));
    CHECK(socle_deletion_certificate_verify(bytes.data, bytes.size, signature.data, signature.size,
                                            NULL) == SOCLE_OK);
    bytes.data[bytes.size / 2] ^= 1;
    CHECK(socle_deletion_certificate_verify(bytes.data, bytes.size, signature.data, signature.size,
                                            NULL) == SOCLE_E_VERIFICATION_FAILED);
    socle_buffer_free(&bytes);
    socle_buffer_free(&signature);
  }
  socle_buffer none = {0}, none_signature = {0};
  rc = socle_sweep_report_certificate_bytes(report, 4, &none, &none_signature, &error);
  check_refused(rc, &error, SOCLE_E_OUT_OF_RANGE, "index");
  socle_sweep_report_free(report);
  report = NULL;
  /* P-1's keys are gone: the sealed record is unreadable. */
  socle_buffer opened = {0};
  CHECK(socle_vault_open_record(vault, S("P-1"), S("note-1"), 1, sealed.data, sealed.size, &opened,
                                NULL) == SOCLE_E_NOT_FOUND);
  socle_buffer_free(&opened);

  /* Again: nothing more. */
  rc = socle_access_trail_retention_sweep(trail, engine, key, S("2030-03-17"), 100, S("sw1"),
                                          &report, &error);
  CHECK_OK(rc, error);
  CHECK(socle_sweep_report_resumed(report) == 1);
  CHECK(socle_sweep_report_purged(report) == 0);
  CHECK(socle_sweep_report_certificate_count(report) == 0);
  socle_sweep_report_free(report);

  /* An elimination visa, recorded once. */
  uint64_t revision = 0;
  rc = socle_access_engine_record_elimination_visa(engine, S("V-1"), S("administrative"),
                                                   S("2030-03-17"), S("sw1"), &revision, &error);
  CHECK_OK(rc, error);
  CHECK(revision == socle_access_engine_revision(engine));
  rc = socle_access_engine_record_elimination_visa(engine, S("V-1"), S("social"), S("2030-03-17"),
                                                   S("sw1"), &revision, &error);
  check_refused(rc, &error, SOCLE_E_ALREADY_EXISTS, "reference");
  CHECK(revision == 0);
  rc = socle_access_engine_record_elimination_visa(engine, S("V-2"), S("social"), S("17/03/2030"),
                                                   S("sw1"), &revision, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "through");

  socle_buffer_free(&sealed);
  socle_export_signing_key_free(key);
  socle_access_trail_free(trail);
  socle_vault_free(vault);
  socle_access_engine_free(engine);
  return check_report("retention_sweep_capi_test");
}
