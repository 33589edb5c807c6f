/* Erasure through the C ABI (socle_access_engine_decide_erasure, socle_access_trail_erase…), as a
 * vendor writing C uses it: compiled as C11, linked against libsocle only. A legal hold refuses
 * with LEGAL_CLAIMS and records nothing; lifted, the whole file is erased: the tombstone is
 * listed, the vault key is gone, every decision is denied ERASED, the restore filter skips the
 * person, and reapplying the tombstones finds nothing more to shred. Bad input fails without
 * output and without naming the person.
 *
 * usage: erasure_capi_test POLICY_FILE WORK_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

#define NOW 4102444800 /* 2100-01-01 00:00:00 UTC, ahead of the real clock */

static int contains(const socle_buffer* b, const char* text) {
  const size_t n = strlen(text);
  if (b->data == NULL || b->size < n) return 0;
  for (size_t i = 0; i + n <= b->size; ++i) {
    if (memcmp(b->data + i, text, n) == 0) return 1;
  }
  return 0;
}

static uint32_t id_of(int32_t (*lookup)(const socle_access_engine*, const char*, size_t, uint32_t*,
                                        socle_error**),
                      const socle_access_engine* engine, const char* id) {
  uint32_t out = SOCLE_NO_ID;
  return lookup(engine, id, strlen(id), &out, NULL) == SOCLE_OK ? out : SOCLE_NO_ID;
}

static int32_t reason_for(const socle_access_engine* engine, const char* person) {
  socle_access_request r;
  socle_access_request_init(&r);
  r.actor = id_of(socle_access_engine_find_professional, engine, "sw1");
  r.person = id_of(socle_access_engine_find_person, engine, person);
  r.category = id_of(socle_access_engine_find_category, engine, "administrative");
  r.purpose = id_of(socle_access_engine_find_purpose, engine, "accompagnement");
  socle_decision d;
  if (socle_access_engine_decide(engine, &r, &d, NULL) != SOCLE_OK) return -1;
  return d.reason;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s POLICY_FILE WORK_DIR\n", argv[0]);
    return 2;
  }
  check_set_work(argv[2]);
  static const char* const kFiles[] = {"e.key",        "e.vault",       "e.vault-wal",
                                       "e.vault-shm",  "trail.db",      "trail.db-wal",
                                       "trail.db-shm", "trail.witness", NULL};
  check_remove(kFiles);
  CHECK_RC(socle_init(), SOCLE_OK);
  const char* pros = "sw1\tsocial_worker\tt1\nmgr1\tmanager\tt1\n";
  const char* persons = "x1\tt1\nx2\tt1\n";
  socle_access_engine* engine = check_engine(argv[1], NOW, pros, persons);
  if (engine == NULL) return check_report("erasure_capi_test");
  socle_error* error = NULL;
  int32_t rc = SOCLE_OK;

  socle_key_provider* provider = NULL;
  rc = socle_key_provider_create_key_file(path_of("e.key"), (const uint8_t*)"erasure C test", 14, 2,
                                          (uint64_t)64 << 20, &provider, &error);
  CHECK_OK(rc, error);
  if (rc != SOCLE_OK) return check_report("erasure_capi_test");
  socle_vault* vault = NULL;
  CHECK_RC(socle_vault_open(provider, path_of("e.vault"), S("ccas-lyon"), NULL, &vault, NULL),
           SOCLE_OK);
  socle_key_provider_free(provider);
  socle_ledger_options* options = NULL;
  CHECK_RC(socle_ledger_options_new(&options, NULL), SOCLE_OK);
  CHECK_RC(socle_ledger_options_set_witness_path(options, path_of("trail.witness"), NULL),
           SOCLE_OK);
  socle_ledger* ledger = NULL;
  CHECK_RC(socle_ledger_open(vault, path_of("trail.db"), S("access_trail"), options, &ledger, NULL),
           SOCLE_OK);
  socle_ledger_options_free(options);
  socle_access_trail* trail = NULL;
  CHECK_RC(socle_access_trail_create(ledger, engine, &trail, NULL), SOCLE_OK);
  socle_ledger_free(ledger);
  if (trail == NULL) return check_report("erasure_capi_test");

  /* The vendor's case data for x1, sealed under x1's key. */
  const uint8_t note[] = "note du dossier";
  socle_buffer sealed = {0};
  CHECK_RC(
      socle_vault_seal_record(vault, S("x1"), S("case-1"), 1, note, sizeof note, &sealed, NULL),
      SOCLE_OK);
  socle_buffer opened = {0};
  CHECK_RC(socle_vault_open_record(vault, S("x1"), S("case-1"), 1, sealed.data, sealed.size,
                                   &opened, NULL),
           SOCLE_OK);
  socle_buffer_free(&opened);
  CHECK(reason_for(engine, "x1") == SOCLE_REASON_ALLOWED);

  /* A legal hold: every category refused with LEGAL_CLAIMS, nothing recorded. */
  uint64_t revision = 0;
  CHECK_RC(socle_access_engine_set_legal_hold(engine, S("x1"), S("contentieux"), S("TJ-1"),
                                              S("mgr1"), &revision, NULL),
           SOCLE_OK);
  CHECK(revision == socle_access_engine_revision(engine));
  socle_erasure* erasure = NULL;
  CHECK_RC(socle_access_engine_decide_erasure(engine, S("x1"), NULL, NULL, 0, 0, NULL, 0, &erasure,
                                              NULL),
           SOCLE_OK);
  CHECK(socle_erasure_whole(erasure) == 1);
  CHECK(socle_erasure_all_erased(erasure) == 0);
  CHECK(socle_erasure_category_count(erasure) == 4);
  for (size_t i = 0; i < socle_erasure_category_count(erasure); ++i) {
    CHECK(socle_erasure_category_erase(erasure, i) == 0);
    CHECK(socle_erasure_category_exception(erasure, i) == SOCLE_ERASURE_EXCEPTION_LEGAL_CLAIMS);
    CHECK(strcmp(socle_erasure_category_rule(erasure, i), "legal_hold") == 0);
  }
  CHECK(strcmp(socle_erasure_category(erasure, 0), "administrative") == 0);
  CHECK(strcmp(socle_erasure_category(erasure, 99), "") == 0);
  socle_buffer text = {0};
  CHECK_RC(socle_erasure_text(erasure, &text, NULL), SOCLE_OK);
  CHECK(contains(&text, "administrative: legal_claims (legal_hold)"));
  socle_buffer_free(&text);
  socle_erasure_free(erasure);
  erasure = NULL;
  CHECK_RC(socle_access_trail_erase(trail, engine, S("x1"), NULL, NULL, 0, 0, NULL, 0, S("mgr1"),
                                    &erasure, NULL),
           SOCLE_OK);
  CHECK(socle_erasure_recorded(erasure) == 0);
  CHECK(socle_erasure_vendor_delete_count(erasure) == 0);
  CHECK(socle_access_engine_revision(engine) == revision);
  socle_erasure_free(erasure);
  erasure = NULL;
  CHECK(strcmp(socle_erasure_exception_name(SOCLE_ERASURE_EXCEPTION_LEGAL_CLAIMS),
               "legal_claims") == 0);
  CHECK(strcmp(socle_erasure_exception_name(42), "unspecified") == 0);

  /* Asserted by the controller: one category, statistics. */
  const char* social = "social";
  const size_t social_len = strlen(social);
  CHECK_RC(socle_access_engine_lift_legal_hold(engine, S("x1"), S("mgr1"), &revision, NULL),
           SOCLE_OK);
  CHECK_RC(socle_access_engine_lift_legal_hold(engine, S("x1"), S("mgr1"), &revision, NULL),
           SOCLE_E_FAILED_PRECONDITION);
  CHECK_RC(socle_access_engine_decide_erasure(engine, S("x1"), &social, &social_len, 1,
                                              SOCLE_ERASURE_ASSERT_STATISTICS_89, S("2100-01-01"),
                                              &erasure, NULL),
           SOCLE_OK);
  CHECK(socle_erasure_whole(erasure) == 0);
  CHECK(socle_erasure_category_count(erasure) == 1);
  CHECK(socle_erasure_category_exception(erasure, 0) == SOCLE_ERASURE_EXCEPTION_STATISTICS_89);
  CHECK(strcmp(socle_erasure_category_rule(erasure, 0), "request") == 0);
  socle_erasure_free(erasure);
  erasure = NULL;

  /* The whole file erased: tombstone, key shredded, denied, filtered. */
  CHECK_RC(socle_access_trail_erase(trail, engine, S("x1"), NULL, NULL, 0, 0, NULL, 0, S("mgr1"),
                                    &erasure, &error),
           SOCLE_OK);
  socle_error_free(error);
  error = NULL;
  CHECK(socle_erasure_recorded(erasure) == 1);
  CHECK(socle_erasure_whole_erased(erasure) == 1);
  CHECK(socle_erasure_key_shredded(erasure) == 1);
  CHECK(socle_erasure_revision(erasure) == socle_access_engine_revision(engine));
  CHECK(socle_erasure_vendor_delete_count(erasure) == 4);
  CHECK(strcmp(socle_erasure_vendor_delete(erasure, 3), "health") == 0);
  CHECK(strcmp(socle_erasure_vendor_delete(erasure, 4), "") == 0);
  socle_erasure_free(erasure);
  erasure = NULL;
  CHECK_RC(socle_vault_open_record(vault, S("x1"), S("case-1"), 1, sealed.data, sealed.size,
                                   &opened, NULL),
           SOCLE_E_NOT_FOUND);
  CHECK(opened.data == NULL);
  CHECK(reason_for(engine, "x1") == SOCLE_REASON_ERASED);
  CHECK(reason_for(engine, "x2") == SOCLE_REASON_ALLOWED);
  socle_buffer tombstones = {0};
  CHECK_RC(socle_access_engine_tombstones(engine, 0, &tombstones, NULL), SOCLE_OK);
  CHECK(contains(&tombstones, "x1\t2100-01-01\t\t\tmgr1\t"));
  socle_buffer_free(&tombstones);
  CHECK_RC(socle_access_engine_tombstones(engine, socle_access_engine_revision(engine), &tombstones,
                                          NULL),
           SOCLE_OK);
  CHECK(tombstones.size == 0);
  socle_buffer_free(&tombstones);
  int32_t erased = -1;
  CHECK_RC(socle_access_engine_erased_row(engine, S("x1"), S("social"), &erased, NULL), SOCLE_OK);
  CHECK(erased == 1);
  CHECK_RC(socle_access_engine_erased_row(engine, S("x2"), NULL, 0, &erased, NULL), SOCLE_OK);
  CHECK(erased == 0);
  uint64_t shredded = 99;
  CHECK_RC(socle_vault_reapply_tombstones(vault, engine, &shredded, NULL), SOCLE_OK);
  CHECK(shredded == 0);
  /* Decided again: already erased; a write about them refused. */
  CHECK_RC(socle_access_engine_decide_erasure(engine, S("x1"), NULL, NULL, 0, 0, NULL, 0, &erasure,
                                              NULL),
           SOCLE_E_FAILED_PRECONDITION);
  CHECK(erasure == NULL);
  CHECK_RC(socle_access_engine_set_legal_hold(engine, S("x1"), S("x"), NULL, 0, S("mgr1"),
                                              &revision, NULL),
           SOCLE_E_FAILED_PRECONDITION);
  CHECK(revision == 0);

  /* Bad input. */
  CHECK_RC(socle_access_engine_decide_erasure(engine, S("x2"), NULL, NULL, 0, 1u << 9, NULL, 0,
                                              &erasure, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(
      socle_access_engine_decide_erasure(NULL, S("x2"), NULL, NULL, 0, 0, NULL, 0, &erasure, NULL),
      SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_decide_erasure(engine, S("x2"), NULL, NULL, 0, 0, S("2100-13-01"),
                                              &erasure, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_decide_erasure(engine, S("nobody"), NULL, NULL, 0, 0, NULL, 0,
                                              &erasure, &error),
           SOCLE_E_NOT_FOUND);
  CHECK(error != NULL && strstr(socle_error_message(error), "nobody") == NULL);
  socle_error_free(error);
  error = NULL;
  CHECK_RC(socle_access_trail_erase(NULL, engine, S("x2"), NULL, NULL, 0, 0, NULL, 0, S("mgr1"),
                                    &erasure, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_erasure_category_count(NULL) == 0);
  socle_erasure_free(NULL);

  socle_buffer_free(&sealed);
  socle_access_trail_free(trail);
  socle_vault_free(vault);
  socle_access_engine_free(engine);
  return check_report("erasure_capi_test");
}
