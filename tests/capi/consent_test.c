/* Representatives, consents, objections and consent receipts through the C ABI, as a vendor
 * writing C uses them: compiled as C11, linked against libsocle only. An engine of record on a
 * state ledger; a minor under 15 whose consent needs both parents; a consent given, checked,
 * withdrawn; an objection pending, then decided; a receipt issued, verified and refused once
 * altered; hostile input refused with the parameter named and the state unchanged.
 *
 * usage: consent_capi_test POLICY_FILE WORK_DIR (the workload policy: an activity that rests on
 * consent is added to it here) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* 2040-06-01 12:00 UTC: later than the real clock, which the engine's clock never goes below. On
 * that day `child` (born 2025-06-02) is 14 years and 364 days old, `teen` (born 2025-06-01) 15. */
#define DAY 2222164800

static const char kProfessionals[] = "sw1\tsocial_worker\tt1\nmgr1\tmanager\tt1\n";
static const char kPersons[] =
    "child\tt1\t\t2025-06-02\n"
    "teen\tt1\t\t2025-06-01\n"
    "mother\tt1\t\t1995-01-02\n"
    "father\tt1\t\t1993-07-14\n"
    "adult\tt1\t\t1970-06-01\n";

/* The text of `path` appended to `text[0, *len)` (NULL: none yet); exits when unreadable. */
static char* append_file(char* text, size_t* len, const char* path) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  const long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = realloc(text, *len + (size_t)size + 1);
  if (text == NULL || fread(text + *len, 1, (size_t)size, f) != (size_t)size) exit(2);
  fclose(f);
  *len += (size_t)size;
  text[*len] = '\0';
  return text;
}

static const uint8_t kSha256[32] = {
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a,
    0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a};

/* A PROCESSING consent of `person` to the workshops, given by `given_by[0, count)`. */
static socle_consent_spec* workshop_consent(const char* person, const char* const* given_by,
                                            size_t count) {
  socle_consent_spec* spec = NULL;
  CHECK(socle_consent_spec_new(&spec, NULL) == SOCLE_OK);
  CHECK(socle_consent_spec_set_person(spec, S(person), NULL) == SOCLE_OK);
  CHECK(socle_consent_spec_set_purpose(spec, S("atelier"), NULL) == SOCLE_OK);
  CHECK(socle_consent_spec_set_scope(spec, SOCLE_CONSENT_SCOPE_PROCESSING, NULL) == SOCLE_OK);
  CHECK(socle_consent_spec_set_information(spec, S("notice-ateliers-v3"), kSha256, 32, NULL) ==
        SOCLE_OK);
  CHECK(socle_consent_spec_set_channel(spec, SOCLE_CONSENT_CHANNEL_PAPER, NULL) == SOCLE_OK);
  CHECK(socle_consent_spec_set_evidence_reference(spec, S("formulaire 2040-117"), NULL) ==
        SOCLE_OK);
  CHECK(socle_consent_spec_set_recorded_by(spec, S("sw1"), NULL) == SOCLE_OK);
  for (size_t i = 0; i < count; ++i) {
    CHECK(socle_consent_spec_add_given_by(spec, S(given_by[i]), NULL) == SOCLE_OK);
  }
  return spec;
}

static int32_t state_of(const socle_access_engine* engine, const char* person, uint64_t* revision) {
  int32_t state = 0;
  socle_error* error = NULL;
  const int32_t rc = socle_access_engine_consent_status(engine, S(person), S("atelier"),
                                                        SOCLE_CONSENT_SCOPE_PROCESSING, 0, NULL, 0,
                                                        NULL, 0, &state, revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  return state;
}

/* The reason of sw1 reading `person`'s social data for `purpose`. */
static int32_t reason_of(const socle_access_engine* engine, const char* person,
                         const char* purpose) {
  socle_access_request r;
  socle_access_request_init(&r);
  CHECK(socle_access_engine_find_professional(engine, S("sw1"), &r.actor, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_find_person(engine, S(person), &r.person, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_find_category(engine, S("social"), &r.category, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_find_purpose(engine, S(purpose), &r.purpose, NULL) == SOCLE_OK);
  socle_decision d;
  CHECK(socle_access_engine_decide(engine, &r, &d, NULL) == SOCLE_OK);
  return d.reason;
}

/* A failed call: `rc` is `code` and the error's message names `parameter`. `*error` (read after
 * the call) is freed and reset. */
static void check_refused(int32_t rc, socle_error** error, int32_t code, const char* parameter) {
  check_refusal(rc, *error, code, parameter, NULL);
  *error = NULL;
}

static void test_representatives_and_consents(socle_access_engine* engine) {
  uint64_t revision = 0;
  socle_error* error = NULL;
  for (int i = 0; i < 2; ++i) {
    const char* parent = i == 0 ? "mother" : "father";
    int32_t rc = socle_access_engine_set_representative(
        engine, S("child"), S(parent), SOCLE_REPRESENTATION_PARENTAL_AUTHORITY, S("2025-06-02"),
        NULL, 0, S("livret de famille"), S("sw1"), &revision, &error);
    CHECK_OK(rc, error);
    socle_error_free(error);
    CHECK(revision == socle_access_engine_revision(engine));
  }
  /* Curatorship protects adults: refused for a minor, nothing recorded. */
  const uint64_t before = socle_access_engine_revision(engine);
  CHECK_RC(socle_access_engine_set_representative(
               engine, S("child"), S("mother"), SOCLE_REPRESENTATION_CURATORSHIP, S("2025-06-02"),
               NULL, 0, S("jugement"), S("sw1"), &revision, NULL),
           SOCLE_E_FAILED_PRECONDITION);
  CHECK(revision == 0 && socle_access_engine_revision(engine) == before);

  /* Nothing is consented by default. */
  uint64_t consent_revision = 99;
  CHECK(state_of(engine, "child", &consent_revision) == SOCLE_CONSENT_STATE_NOT_GIVEN);
  CHECK(consent_revision == 0);
  CHECK(reason_of(engine, "child", "atelier") == SOCLE_REASON_NO_CONSENT);
  CHECK(strcmp(socle_consent_state_name(SOCLE_CONSENT_STATE_NOT_GIVEN), "not_given") == 0);
  CHECK(strcmp(socle_consent_state_name(SOCLE_CONSENT_STATE_INCOMPLETE_FOR_MINOR),
               "incomplete_for_minor") == 0);
  CHECK(strcmp(socle_consent_state_name(77), "unspecified") == 0);

  /* Under 15: the child and one parent are not enough. */
  const char* const two[] = {"child", "mother"};
  socle_consent_spec* spec = workshop_consent("child", two, 2);
  uint64_t incomplete = 0;
  CHECK_OK(socle_access_engine_give_consent(engine, spec, &incomplete, &error), error);
  socle_error_free(error);
  socle_consent_spec_free(spec);
  CHECK(incomplete == socle_access_engine_revision(engine));
  CHECK(state_of(engine, "child", &consent_revision) == SOCLE_CONSENT_STATE_INCOMPLETE_FOR_MINOR);
  CHECK(consent_revision == incomplete);
  CHECK(reason_of(engine, "child", "atelier") == SOCLE_REASON_NO_CONSENT);

  /* The child and both parents: valid, and the engine allows the workshops. */
  const char* const three[] = {"child", "mother", "father"};
  spec = workshop_consent("child", three, 3);
  uint64_t given = 0;
  CHECK_OK(socle_access_engine_give_consent(engine, spec, &given, &error), error);
  socle_error_free(error);
  socle_consent_spec_free(spec);
  CHECK(given == incomplete + 1);
  CHECK(state_of(engine, "child", &consent_revision) == SOCLE_CONSENT_STATE_VALID);
  CHECK(consent_revision == given);
  CHECK(reason_of(engine, "child", "atelier") == SOCLE_REASON_ALLOWED);

  /* At 15, the teen's own consent. */
  const char* const teen[] = {"teen"};
  spec = workshop_consent("teen", teen, 1);
  CHECK(socle_access_engine_give_consent(engine, spec, &revision, NULL) == SOCLE_OK);
  socle_consent_spec_free(spec);
  CHECK(state_of(engine, "teen", NULL) == SOCLE_CONSENT_STATE_VALID);

  /* An hour later, a parent withdraws it: the same parameters as the grant, no more. */
  socle_access_engine_set_time(engine, DAY + 3600);
  uint64_t withdrawn = 0;
  CHECK_OK(socle_access_engine_withdraw_consent(
               engine, S("child"), S("atelier"), SOCLE_CONSENT_SCOPE_PROCESSING, S("father"),
               SOCLE_CONSENT_CHANNEL_PHONE, S("sw1"), &withdrawn, &error),
           error);
  socle_error_free(error);
  CHECK(withdrawn == socle_access_engine_revision(engine));
  CHECK(state_of(engine, "child", &consent_revision) == SOCLE_CONSENT_STATE_WITHDRAWN);
  CHECK(consent_revision == given);
  CHECK(reason_of(engine, "child", "atelier") == SOCLE_REASON_NO_CONSENT);
  /* Before the withdrawal, it was valid (the answer at a time). */
  int32_t state = 0;
  CHECK(socle_access_engine_consent_status(engine, S("child"), S("atelier"),
                                           SOCLE_CONSENT_SCOPE_PROCESSING, DAY, S("social"), NULL,
                                           0, &state, NULL, NULL) == SOCLE_OK);
  CHECK(state == SOCLE_CONSENT_STATE_VALID);
  /* Nothing left to withdraw. */
  CHECK_RC(socle_access_engine_withdraw_consent(
               engine, S("child"), S("atelier"), SOCLE_CONSENT_SCOPE_PROCESSING, S("father"),
               SOCLE_CONSENT_CHANNEL_PHONE, S("sw1"), &revision, NULL),
           SOCLE_E_NOT_FOUND);

  /* The representation ends: the mother's parental authority stops on a day. */
  CHECK_OK(socle_access_engine_end_representative(engine, S("child"), S("mother"),
                                                  SOCLE_REPRESENTATION_PARENTAL_AUTHORITY,
                                                  S("2040-06-30"), S("sw1"), &revision, &error),
           error);
  socle_error_free(error);
  CHECK_RC(socle_access_engine_end_representative(engine, S("child"), S("adult"),
                                                  SOCLE_REPRESENTATION_GUARDIANSHIP,
                                                  S("2040-06-30"), S("sw1"), &revision, NULL),
           SOCLE_E_NOT_FOUND);
}

static void test_objection(socle_access_engine* engine) {
  uint64_t revision = 0;
  socle_error* error = NULL;
  CHECK(reason_of(engine, "adult", "accompagnement") == SOCLE_REASON_ALLOWED);
  CHECK_OK(socle_access_engine_record_objection(engine, S("adult"), SOCLE_OBJECTION_KIND_PROCESSING,
                                                S("accompagnement"), S("adult"), NULL, 0, S("sw1"),
                                                &revision, &error),
           error);
  socle_error_free(error);
  CHECK(revision == socle_access_engine_revision(engine));
  CHECK(reason_of(engine, "adult", "accompagnement") == SOCLE_REASON_OBJECTION_PENDING);
  /* While it stands, not twice. */
  CHECK_RC(socle_access_engine_record_objection(engine, S("adult"), SOCLE_OBJECTION_KIND_PROCESSING,
                                                S("accompagnement"), S("adult"), NULL, 0, S("sw1"),
                                                &revision, NULL),
           SOCLE_E_ALREADY_EXISTS);
  /* PENDING is not a decision. */
  const uint64_t before = socle_access_engine_revision(engine);
  check_refused(socle_access_engine_decide_objection(
                    engine, S("adult"), S("accompagnement"), SOCLE_OBJECTION_OUTCOME_PENDING,
                    S("aucun motif"), S("mgr1"), &revision, &error),
                &error, SOCLE_E_INVALID_ARGUMENT, "outcome");
  CHECK(socle_access_engine_revision(engine) == before);
  CHECK(reason_of(engine, "adult", "accompagnement") == SOCLE_REASON_OBJECTION_PENDING);
  CHECK_OK(socle_access_engine_decide_objection(
               engine, S("adult"), S("accompagnement"), SOCLE_OBJECTION_OUTCOME_UPHELD,
               S("aucun motif impérieux"), S("mgr1"), &revision, &error),
           error);
  socle_error_free(error);
  CHECK(reason_of(engine, "adult", "accompagnement") == SOCLE_REASON_OBJECTION_UPHELD);
  CHECK_RC(socle_access_engine_decide_objection(engine, S("adult"), S("accompagnement"),
                                                SOCLE_OBJECTION_OUTCOME_UPHELD, S("encore"),
                                                S("mgr1"), &revision, NULL),
           SOCLE_E_NOT_FOUND);
  CHECK_OK(
      socle_access_engine_withdraw_objection(engine, S("adult"), SOCLE_OBJECTION_KIND_PROCESSING,
                                             S("accompagnement"), S("sw1"), &revision, &error),
      error);
  socle_error_free(error);
  CHECK(reason_of(engine, "adult", "accompagnement") == SOCLE_REASON_ALLOWED);
}

/* Bad input: refused, the parameter named, nothing recorded. */
static void test_hostile_input(socle_access_engine* engine) {
  const uint64_t before = socle_access_engine_revision(engine);
  uint64_t revision = 7;
  socle_error* error = NULL;
  socle_consent_spec* spec = NULL;
  CHECK(socle_consent_spec_new(NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
  socle_consent_spec_free(NULL);

  const char* const adult[] = {"adult"};
  spec = workshop_consent("adult", adult, 1);
  /* NULL with a length. */
  check_refused(socle_consent_spec_set_person(spec, NULL, 5, &error), &error,
                SOCLE_E_INVALID_ARGUMENT, "person");
  check_refused(socle_consent_spec_add_given_by(spec, NULL, 3, &error), &error,
                SOCLE_E_INVALID_ARGUMENT, "id");
  /* A 31-byte digest: refused, the spec keeps its 32 bytes. */
  check_refused(socle_consent_spec_set_information(spec, S("v4"), kSha256, 31, &error), &error,
                SOCLE_E_INVALID_ARGUMENT, "sha256");
  check_refused(socle_consent_spec_set_scope(spec, 3, &error), &error, SOCLE_E_INVALID_ARGUMENT,
                "scope");
  check_refused(socle_consent_spec_set_channel(spec, 0, &error), &error, SOCLE_E_INVALID_ARGUMENT,
                "channel");
  check_refused(socle_consent_spec_set_person(NULL, S("adult"), &error), &error,
                SOCLE_E_INVALID_ARGUMENT, "spec");
  /* The refusals left the spec as it was: it still gives a valid consent. */
  uint64_t given = 0;
  CHECK_OK(socle_access_engine_give_consent(engine, spec, &given, &error), error);
  socle_error_free(error);
  CHECK(given == before + 1);
  CHECK(state_of(engine, "adult", NULL) == SOCLE_CONSENT_STATE_VALID);
  const uint64_t after = socle_access_engine_revision(engine);

  /* An unknown purpose: NOT_FOUND, nothing recorded, the purpose's id not echoed beyond it. */
  CHECK(socle_consent_spec_set_purpose(spec, S("nothing_such"), NULL) == SOCLE_OK);
  CHECK_RC(socle_access_engine_give_consent(engine, spec, &revision, NULL), SOCLE_E_NOT_FOUND);
  CHECK(revision == 0);
  CHECK(socle_access_engine_give_consent(NULL, spec, &revision, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_access_engine_give_consent(engine, NULL, &revision, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  /* A notice language that is no BCP 47 tag: refused naming the field, nothing recorded. */
  CHECK(socle_consent_spec_set_purpose(spec, S("atelier"), NULL) == SOCLE_OK);
  CHECK(socle_consent_spec_set_notice_language(spec, S("pas une langue"), NULL) == SOCLE_OK);
  CHECK(socle_access_engine_give_consent(engine, spec, &revision, &error) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "notice_language") != NULL);
  CHECK(error != NULL && strstr(socle_error_message(error), "pas une langue") == NULL);
  socle_error_free(error);
  error = NULL;
  CHECK(socle_access_engine_revision(engine) == after);
  CHECK(socle_consent_spec_set_notice_language(NULL, S("fr"), NULL) == SOCLE_E_INVALID_ARGUMENT);
  socle_consent_spec_free(spec);

  int32_t state = 5;
  CHECK_RC(socle_access_engine_consent_status(engine, S("adult"), S("nothing_such"),
                                              SOCLE_CONSENT_SCOPE_PROCESSING, 0, NULL, 0, NULL, 0,
                                              &state, &revision, NULL),
           SOCLE_E_NOT_FOUND);
  CHECK(state == 0 && revision == 0);
  check_refused(socle_access_engine_consent_status(engine, S("adult"), NULL, 4,
                                                   SOCLE_CONSENT_SCOPE_PROCESSING, 0, NULL, 0, NULL,
                                                   0, &state, &revision, &error),
                &error, SOCLE_E_INVALID_ARGUMENT, "purpose");
  check_refused(socle_access_engine_consent_status(engine, S("adult"), S("atelier"), 9, 0, NULL, 0,
                                                   NULL, 0, &state, &revision, &error),
                &error, SOCLE_E_INVALID_ARGUMENT, "scope");
  check_refused(socle_access_engine_withdraw_consent(engine, S("adult"), S("atelier"),
                                                     SOCLE_CONSENT_SCOPE_PROCESSING, S("adult"), 42,
                                                     S("sw1"), &revision, &error),
                &error, SOCLE_E_INVALID_ARGUMENT, "channel");
  check_refused(socle_access_engine_withdraw_consent(
                    engine, S("adult"), S("atelier"), SOCLE_CONSENT_SCOPE_PROCESSING, NULL, 2,
                    SOCLE_CONSENT_CHANNEL_PAPER, S("sw1"), &revision, &error),
                &error, SOCLE_E_INVALID_ARGUMENT, "withdrawn_by");
  check_refused(socle_access_engine_record_objection(
                    engine, S("adult"), SOCLE_OBJECTION_KIND_PROCESSING, NULL, 14, S("adult"), NULL,
                    0, S("sw1"), &revision, &error),
                &error, SOCLE_E_INVALID_ARGUMENT, "purpose");
  check_refused(
      socle_access_engine_record_objection(engine, S("adult"), 0, S("accompagnement"), S("adult"),
                                           NULL, 0, S("sw1"), &revision, &error),
      &error, SOCLE_E_INVALID_ARGUMENT, "kind");
  check_refused(socle_access_engine_set_representative(
                    engine, S("adult"), S("mother"), SOCLE_REPRESENTATION_GUARDIANSHIP,
                    S("2040-02-30"), NULL, 0, S("jugement"), S("sw1"), &revision, &error),
                &error, SOCLE_E_INVALID_ARGUMENT, "from");
  check_refused(socle_access_engine_set_representative(
                    engine, S("adult"), S("mother"), SOCLE_REPRESENTATION_GUARDIANSHIP,
                    S("2040-02-03"), S("03/02/2041"), S("jugement"), S("sw1"), &revision, &error),
                &error, SOCLE_E_INVALID_ARGUMENT, "to");
  check_refused(
      socle_access_engine_set_representative(engine, S("adult"), S("mother"), 6, S("2040-02-03"),
                                             NULL, 0, S("jugement"), S("sw1"), &revision, &error),
      &error, SOCLE_E_INVALID_ARGUMENT, "kind");
  check_refused(socle_access_engine_end_representative(
                    NULL, S("adult"), S("mother"), SOCLE_REPRESENTATION_GUARDIANSHIP,
                    S("2040-02-03"), S("sw1"), &revision, &error),
                &error, SOCLE_E_INVALID_ARGUMENT, "engine");
  CHECK(revision == 0);
  CHECK(socle_access_engine_revision(engine) == after);
  CHECK(state_of(engine, "adult", NULL) == SOCLE_CONSENT_STATE_VALID);
}

/* The receipt of the child's consent: issued, verified, refused once altered. */
static void test_receipts(socle_ledger* ledger, const socle_policy* policy, uint64_t revision) {
  socle_error* error = NULL;
  socle_buffer receipt = {0};
  CHECK_OK(socle_ledger_issue_consent_receipt(ledger, policy, revision - 1, &receipt, &error),
           error);
  socle_error_free(error);
  CHECK(receipt.size > 0);
  CHECK(receipt.data != NULL && strstr((const char*)receipt.data, "ConsentRecord") != NULL);
  socle_buffer key = {0};
  CHECK_OK(socle_ledger_consent_receipt_verifier_key(ledger, &key, &error), error);
  socle_error_free(error);
  const char* checkpoint_key = socle_ledger_verifier_key(ledger);

  socle_buffer json = {0};
  uint64_t index = 0;
  CHECK_OK(
      socle_consent_receipt_verify((const char*)receipt.data, receipt.size, (const char*)key.data,
                                   key.size, S(checkpoint_key), &json, &index, &error),
      error);
  socle_error_free(error);
  CHECK(index == revision - 1);
  CHECK(json.size > 0 && strstr((const char*)json.data, "atelier") != NULL);
  socle_buffer_free(&json);

  /* One byte changed: VERIFICATION_FAILED, nothing out. */
  receipt.data[receipt.size / 2] ^= 0x01;
  CHECK_RC(
      socle_consent_receipt_verify((const char*)receipt.data, receipt.size, (const char*)key.data,
                                   key.size, S(checkpoint_key), &json, &index, NULL),
      SOCLE_E_VERIFICATION_FAILED);
  CHECK(json.size == 0 && index == 0);
  /* The keys swapped: they do not belong together. */
  receipt.data[receipt.size / 2] ^= 0x01;
  CHECK(socle_consent_receipt_verify((const char*)receipt.data, receipt.size, S(checkpoint_key),
                                     (const char*)key.data, key.size, &json, &index,
                                     NULL) != SOCLE_OK);
  CHECK(socle_consent_receipt_verify(NULL, 10, (const char*)key.data, key.size, S(checkpoint_key),
                                     &json, &index, NULL) == SOCLE_E_INVALID_ARGUMENT);

  /* Entry 0 is the directory, not a consent; past the end there is nothing. */
  socle_buffer none = {0};
  CHECK_RC(socle_ledger_issue_consent_receipt(ledger, policy, 0, &none, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_ledger_issue_consent_receipt(ledger, policy, 1000000, &none, NULL),
           SOCLE_E_OUT_OF_RANGE);
  CHECK(none.size == 0);
  CHECK(socle_ledger_issue_consent_receipt(NULL, policy, 1, &none, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  socle_buffer_free(&key);
  socle_buffer_free(&receipt);
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s POLICY_FILE CONSENT_ACTIVITY_FILE WORK_DIR\n", argv[0]);
    return 2;
  }
  check_set_work(argv[3]);
  static const char* const kFiles[] = {"c.key",        "c.vault",       "c.vault-wal",
                                       "c.vault-shm",  "state.db",      "state.db-wal",
                                       "state.db-shm", "state.witness", NULL};
  check_remove(kFiles);

  size_t policy_len = 0;
  char* policy_text = append_file(append_file(NULL, &policy_len, argv[1]), &policy_len, argv[2]);
  socle_policy* policy = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_policy_load(policy_text, policy_len, "workload + atelier", &policy, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  free(policy_text);
  if (rc != SOCLE_OK) return check_report("consent_capi_test");

  socle_key_provider* provider = NULL;
  CHECK(socle_key_provider_create_key_file(path_of("c.key"), (const uint8_t*)"consent C test", 14,
                                           2, (uint64_t)64 << 20, &provider, NULL) == SOCLE_OK);
  socle_vault* vault = NULL;
  CHECK(socle_vault_open(provider, path_of("c.vault"), S("ccas-lyon"), NULL, &vault, NULL) ==
        SOCLE_OK);
  socle_key_provider_free(provider);
  socle_ledger_options* options = NULL;
  CHECK(socle_ledger_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_ledger_options_set_witness_path(options, path_of("state.witness"), NULL) == SOCLE_OK);
  socle_ledger* ledger = NULL;
  CHECK(socle_ledger_open(vault, path_of("state.db"), S("state"), options, &ledger, NULL) ==
        SOCLE_OK);
  socle_ledger_options_free(options);
  socle_vault_free(vault);
  socle_access_engine* engine = NULL;
  rc = socle_access_engine_open(policy, ledger, &engine, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  if (rc != SOCLE_OK) return check_report("consent_capi_test");
  socle_access_engine_set_time(engine, DAY);
  CHECK(socle_access_engine_load_directory_tsv(engine, S(kProfessionals), S(kPersons), NULL,
                                               NULL) == SOCLE_OK);

  test_representatives_and_consents(engine);
  test_objection(engine);
  test_hostile_input(engine);

  /* The child's complete consent is the revision after the incomplete one; find it again. */
  uint64_t consent_revision = 0;
  int32_t state = 0;
  CHECK(socle_access_engine_consent_status(engine, S("child"), S("atelier"),
                                           SOCLE_CONSENT_SCOPE_PROCESSING, DAY, NULL, 0, NULL, 0,
                                           &state, &consent_revision, NULL) == SOCLE_OK);
  CHECK(consent_revision > 1);
  test_receipts(ledger, policy, consent_revision);

  socle_access_engine_free(engine);
  socle_ledger_free(ledger);
  socle_policy_free(policy);
  return check_report("consent_capi_test");
}
