/* Restriction (GDPR art. 18) and rectification (art. 16, 19) through the C ABI, as a vendor
 * writing C uses them: compiled as C11, linked against libsocle only. A restricted item is denied
 * without a justification and allowed with one (a version 2 request), a version 1 request array
 * (the layout before restriction_justification) is still read with its own stride, lifting needs
 * the prior notice, a rectification changes the item's current version and a statement needs a
 * contested item; bad input fails without naming the person.
 *
 * usage: restriction_capi_test POLICY_FILE */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* Ahead of the real clock, which the engine's clock never goes back behind. */
#define NOW 4102444800 /* 2100-01-01 00:00:00 UTC */

/* A version 1 request: the struct as it was before restriction_justification. */
typedef struct request_v1 {
  uint32_t version, actor;
  int32_t action;
  uint32_t person, category, purpose;
  int32_t entry_kind;
  uint32_t author;
  int32_t masked, reserved;
  int64_t time_unix_seconds;
  const char* item;
  size_t item_len;
} request_v1;

static int32_t reason_of(const socle_access_engine* engine, const socle_access_request* r) {
  socle_decision d;
  memset(&d, 0, sizeof d);
  if (socle_access_engine_decide(engine, r, &d, NULL) != SOCLE_OK) return -1;
  return d.reason;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICY_FILE\n", argv[0]);
    return 2;
  }
  CHECK(offsetof(socle_access_request, restriction_justification) == sizeof(request_v1));
  CHECK_RC(socle_init(), SOCLE_OK);
  const char* pros = "sw1\tsocial_worker\tt1\nsw2\tsocial_worker\tt1\n";
  const char* persons = "x1\tt1\nx2\tt1\n";
  socle_access_engine* engine = check_engine(argv[1], NOW, pros, persons);
  if (engine == NULL) return check_report("restriction_capi_test");
  socle_error* error = NULL;
  int32_t status = SOCLE_OK;

  socle_access_request r;
  socle_access_request_init(&r);
  CHECK(r.version == SOCLE_ACCESS_REQUEST_VERSION && r.version == 2);
  CHECK(r.restriction_justification == SOCLE_RESTRICTION_JUSTIFICATION_NONE);
  CHECK_RC(socle_access_engine_find_professional(engine, "sw1", 3, &r.actor, NULL), SOCLE_OK);
  CHECK_RC(socle_access_engine_find_person(engine, "x1", 2, &r.person, NULL), SOCLE_OK);
  CHECK_RC(socle_access_engine_find_category(engine, "social", 6, &r.category, NULL), SOCLE_OK);
  CHECK_RC(socle_access_engine_find_purpose(engine, "accompagnement", 14, &r.purpose, NULL),
           SOCLE_OK);
  r.item = "note-1";
  r.item_len = 6;
  CHECK(reason_of(engine, &r) == SOCLE_REASON_ALLOWED);

  /* Restricted: denied; with a justification of art. 18(2), allowed under restriction. */
  uint64_t revision = 0;
  CHECK_RC(socle_access_engine_restrict(engine, "x1", 2, "note-1", 6,
                                        SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED, NULL, 0, "sw1",
                                        3, &revision, NULL),
           SOCLE_OK);
  CHECK(revision == socle_access_engine_revision(engine));
  CHECK(reason_of(engine, &r) == SOCLE_REASON_RESTRICTED);
  CHECK(strcmp(socle_reason_name(SOCLE_REASON_RESTRICTED), "restricted") == 0);
  CHECK(strcmp(socle_reason_name(SOCLE_REASON_ALLOWED_UNDER_RESTRICTION),
               "allowed_under_restriction") == 0);
  CHECK(strcmp(socle_access_request_justification_name(
                   SOCLE_RESTRICTION_JUSTIFICATION_PROTECTION_OF_OTHERS),
               "protection_of_others") == 0);
  r.restriction_justification = SOCLE_RESTRICTION_JUSTIFICATION_LEGAL_CLAIMS;
  CHECK(reason_of(engine, &r) == SOCLE_REASON_ALLOWED_UNDER_RESTRICTION);
  r.restriction_justification = 99;
  socle_decision d;
  CHECK_RC(socle_access_engine_decide(engine, &r, &d, NULL), SOCLE_E_INVALID_ARGUMENT);
  r.restriction_justification = SOCLE_RESTRICTION_JUSTIFICATION_NONE;
  int32_t restricted = 0, ground = 0;
  CHECK_RC(socle_access_engine_restricted(engine, "x1", 2, "note-1", 6, &restricted, &ground, NULL),
           SOCLE_OK);
  CHECK(restricted == 1 && ground == SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED);
  CHECK_RC(socle_access_engine_restricted(engine, "x1", 2, "note-2", 6, &restricted, &ground, NULL),
           SOCLE_OK);
  CHECK(restricted == 0 && ground == 0);
  /* The list: the one in force, set now, not yet notified nor lifted. */
  char expected[160];
  socle_buffer listed = {0};
  size_t listed_count = 0;
  CHECK_RC(socle_access_engine_restrictions(engine, "x1", 2, 0, &listed, &listed_count, NULL),
           SOCLE_OK);
  snprintf(expected, sizeof expected, "note-1\t%d\t1\t%lld\t0\t0\t\n",
           SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED, (long long)NOW);
  CHECK(listed_count == 1 && listed.size == strlen(expected) &&
        memcmp(listed.data, expected, listed.size) == 0);
  socle_buffer_free(&listed);

  /* A version 1 array: read with the version 1 stride, without a justification. */
  request_v1 old[2];
  memset(old, 0, sizeof old);
  for (int i = 0; i < 2; ++i) {
    old[i].version = 1;
    old[i].actor = r.actor;
    old[i].action = SOCLE_ACTION_READ;
    old[i].person = r.person;
    old[i].category = r.category;
    old[i].purpose = r.purpose;
    old[i].entry_kind = SOCLE_ENTRY_FACT;
    old[i].author = SOCLE_NO_ID;
  }
  old[0].item = "note-1";
  old[0].item_len = 6;
  old[1].item = "note-2";
  old[1].item_len = 6;
  socle_decision many[2];
  CHECK_RC(socle_access_engine_decide_many(engine, (const socle_access_request*)old, 2, many, NULL),
           SOCLE_OK);
  CHECK(many[0].reason == SOCLE_REASON_RESTRICTED);
  CHECK(many[1].reason == SOCLE_REASON_ALLOWED);

  /* Lifting needs the prior notice (art. 18(3)). */
  status =
      socle_access_engine_lift_restriction(engine, "x1", 2, "note-1", 6, "sw1", 3, NULL, &error);
  CHECK(status == SOCLE_E_FAILED_PRECONDITION);
  CHECK(error != NULL && strstr(socle_error_message(error), "prior notice") != NULL);
  CHECK(error != NULL && strstr(socle_error_message(error), "x1") == NULL);
  socle_error_free(error);
  error = NULL;
  CHECK_RC(socle_access_engine_notify_restriction_lift(engine, "x1", 2, "note-1", 6, 0, 99, "sw1",
                                                       3, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  socle_access_engine_set_time(engine, NOW + 60);
  CHECK_RC(socle_access_engine_notify_restriction_lift(
               engine, "x1", 2, "note-1", 6, 0, SOCLE_CONSENT_CHANNEL_PAPER, "sw1", 3, NULL, NULL),
           SOCLE_OK);
  CHECK_RC(socle_access_engine_lift_restriction(engine, "x1", 2, "note-1", 6, "sw1", 3, NULL, NULL),
           SOCLE_OK);
  CHECK(reason_of(engine, &r) == SOCLE_REASON_ALLOWED);
  /* Lifted: out of the list of those in force, in the whole list with its notice and lift. */
  CHECK_RC(socle_access_engine_restrictions(engine, "x1", 2, 0, &listed, &listed_count, NULL),
           SOCLE_OK);
  CHECK(listed_count == 0 && listed.size == 0);
  socle_buffer_free(&listed);
  CHECK_RC(socle_access_engine_restrictions(engine, "x1", 2, 1, &listed, &listed_count, NULL),
           SOCLE_OK);
  snprintf(expected, sizeof expected, "note-1\t%d\t0\t%lld\t%lld\t%lld\t\n",
           SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED, (long long)NOW, (long long)(NOW + 60),
           (long long)(NOW + 60));
  CHECK(listed_count == 1 && listed.size == strlen(expected) &&
        memcmp(listed.data, expected, listed.size) == 0);
  socle_buffer_free(&listed);
  status =
      socle_access_engine_restrictions(engine, "nobody-77", 9, 1, &listed, &listed_count, &error);
  CHECK(status == SOCLE_E_NOT_FOUND);
  CHECK(error != NULL && strstr(socle_error_message(error), "nobody-77") == NULL);
  socle_error_free(error);
  error = NULL;
  CHECK_RC(socle_access_engine_restrictions(engine, "x1", 2, 1, NULL, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);

  /* Rectification: the current version changes; a statement needs a contested item. */
  uint8_t a[32], b[32], s[32], current[32];
  memset(a, 'a', 32);
  memset(b, 'b', 32);
  memset(s, 's', 32);
  int32_t known = 1;
  CHECK_RC(socle_access_engine_current_item_version(engine, "x1", 2, "note-1", 6, current, 32,
                                                    &known, NULL),
           SOCLE_OK);
  CHECK(known == 0);
  CHECK_RC(
      socle_access_engine_record_person_statement(engine, "x1", 2, "st-1", 4, "note-1", 6, NULL, 0,
                                                  s, 32, NULL, 0, "sw1", 3, NULL, NULL),
      SOCLE_E_FAILED_PRECONDITION);
  CHECK_RC(socle_access_engine_record_rectification(engine, "x1", 2, "r-1", 3, "note-1", 6,
                                                    "social", 6, a, 32, b, 16, 1, NULL, 0, NULL, 0,
                                                    "sw2", 3, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT); /* a 16-byte hash */
  CHECK_RC(socle_access_engine_record_rectification(engine, "x1", 2, "r-1", 3, "note-1", 6,
                                                    "social", 6, a, 32, b, 32, 1, NULL, 0, NULL, 0,
                                                    "sw2", 3, NULL, NULL),
           SOCLE_OK);
  CHECK_RC(socle_access_engine_current_item_version(engine, "x1", 2, "note-1", 6, current, 32,
                                                    &known, NULL),
           SOCLE_OK);
  CHECK(known == 1 && memcmp(current, b, 32) == 0);
  CHECK_RC(
      socle_access_engine_record_person_statement(engine, "x1", 2, "st-1", 4, "note-1", 6, NULL, 0,
                                                  s, 32, NULL, 0, "sw1", 3, NULL, NULL),
      SOCLE_OK);
  /* Never shared: no notice queued, and none can be marked. */
  socle_buffer pending = {0};
  size_t count = 99;
  CHECK_RC(
      socle_access_engine_pending_rectification_notices(engine, "x1", 2, &pending, &count, NULL),
      SOCLE_OK);
  CHECK(count == 0 && pending.size == 0);
  socle_buffer_free(&pending);
  CHECK_RC(socle_access_engine_record_rectification_notified(engine, "x1", 2, "r-1", 3, "sw2", 3, 0,
                                                             SOCLE_CONSENT_CHANNEL_ONLINE, "sw1", 3,
                                                             NULL, NULL),
           SOCLE_E_FAILED_PRECONDITION);

  /* Bad input. */
  status = socle_access_engine_restrict(engine, "nobody-secret", 13, "", 0,
                                        SOCLE_RESTRICTION_GROUND_LEGAL_CLAIMS, NULL, 0, "sw1", 3,
                                        NULL, &error);
  CHECK(status == SOCLE_E_NOT_FOUND);
  CHECK(error != NULL && strstr(socle_error_message(error), "nobody-secret") == NULL);
  socle_error_free(error);
  error = NULL;
  CHECK_RC(socle_access_engine_restrict(engine, "x1", 2, "", 0, 0, NULL, 0, "sw1", 3, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_restrict(NULL, "x1", 2, "", 0, 1, NULL, 0, "sw1", 3, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_restrict(engine, NULL, 2, "", 0, 1, NULL, 0, "sw1", 3, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_current_item_version(engine, "x1", 2, "note-1", 6, current, 31,
                                                    &known, NULL),
           SOCLE_E_OUT_OF_RANGE);

  socle_access_engine_free(engine);
  return check_report("restriction_capi_test");
}
