/* The person summary through the C ABI (socle_access_engine_person_summary), as a vendor writing
 * C uses it: compiled as C11, linked against libsocle only. A person with a mask, a block and a
 * break-the-glass session on a frozen clock: the JSON names each, the binary encoding differs
 * from it, an earlier time leaves the session out, and bad input (an unknown person, a format
 * that does not exist, NULLs) fails without output and without naming the person.
 *
 * usage: summary_capi_test POLICY_FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* Ahead of the real clock, which the engine's clock never goes back behind. */
#define NOW 4102444800 /* 2100-01-01 00:00:00 UTC */

/* Whether the buffer's bytes contain `text`. */
static int contains(const socle_buffer* b, const char* text) {
  const size_t n = strlen(text);
  if (b->data == NULL || b->size < n) return 0;
  for (size_t i = 0; i + n <= b->size; ++i) {
    if (memcmp(b->data + i, text, n) == 0) return 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICY_FILE\n", argv[0]);
    return 2;
  }
  CHECK_RC(socle_init(), SOCLE_OK);
  const char* pros = "sw1\tsocial_worker\tt1\nhp1\thealth_professional\tt2\nsec1\tsecretary\tt1\n";
  const char* persons = "x1\tt1\tsw1\t1990-05-17\nx2\tt1\n";
  socle_access_engine* engine = check_engine(argv[1], NOW, pros, persons);
  if (engine == NULL) return check_report("summary_capi_test");
  socle_error* error = NULL;
  int32_t status = SOCLE_OK;
  CHECK_RC(socle_access_engine_set_mask(engine, "x1", 2, "note-7", 6, NULL, 0,
                                        SOCLE_AUDIENCE_EVERYONE, NULL, 0, NULL, NULL),
           SOCLE_OK);
  CHECK_RC(socle_access_engine_block(engine, "x1", 2, "sec1", 4, NULL, NULL), SOCLE_OK);
  socle_access_engine_set_time(engine, NOW + 600);
  int64_t expires = 0;
  CHECK_RC(socle_access_engine_open_break_glass(engine, "hp1", 3, "x1", 2, "urgence_vitale", 14,
                                                "appel du 115", 12, 3600, &expires, NULL, NULL),
           SOCLE_OK);

  socle_buffer json = {0};
  status = socle_access_engine_person_summary(engine, "x1", 2, 0, SOCLE_SUMMARY_FORMAT_JSON, &json,
                                              &error);
  CHECK_OK(status, error);
  CHECK(contains(&json, "\"person\":\"x1\""));
  CHECK(contains(&json, "\"birth_date\":\"1990-05-17\""));
  CHECK(contains(&json, "\"item\":\"note-7\""));
  CHECK(contains(&json, "\"blocked\":[\"sec1\"]"));
  CHECK(contains(&json, "\"reason_code\":\"urgence_vitale\""));
  CHECK(contains(&json, "\"basis\":\"BREAK_GLASS\""));
  CHECK(contains(&json, "\"basis\":\"REFERENT\""));
  CHECK(contains(&json, "\"at\":\"2100-01-01T00:10:00Z\""));
  CHECK(!contains(&json, "\"professional\":\"sec1\"")); /* blocked: no access */

  socle_buffer binary = {0};
  CHECK_RC(socle_access_engine_person_summary(engine, "x1", 2, 0, SOCLE_SUMMARY_FORMAT_BINARY,
                                              &binary, NULL),
           SOCLE_OK);
  CHECK(binary.size > 0 && binary.size < json.size);
  CHECK(contains(&binary, "urgence_vitale") && !contains(&binary, "\"reason_code\""));

  socle_buffer earlier = {0};
  CHECK_RC(socle_access_engine_person_summary(engine, "x1", 2, NOW + 60, SOCLE_SUMMARY_FORMAT_JSON,
                                              &earlier, NULL),
           SOCLE_OK);
  CHECK(contains(&earlier, "\"break_glass_sessions\":[]"));
  CHECK(contains(&earlier, "\"at\":\"2100-01-01T00:01:00Z\""));

  /* Bad input: no output, a status, and never the person's id in the message. */
  socle_buffer none = {0};
  status = socle_access_engine_person_summary(engine, "inconnu-4711", 12, 0,
                                              SOCLE_SUMMARY_FORMAT_JSON, &none, &error);
  CHECK_RC(status, SOCLE_E_NOT_FOUND);
  CHECK(error != NULL && strstr(socle_error_message(error), "inconnu-4711") == NULL);
  CHECK(none.size == 0);
  socle_error_free(error);
  error = NULL;
  CHECK_RC(socle_access_engine_person_summary(engine, "x1", 2, 0, 3, &none, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(none.size == 0);
  CHECK_RC(socle_access_engine_person_summary(engine, NULL, 2, 0, SOCLE_SUMMARY_FORMAT_JSON, &none,
                                              NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(
      socle_access_engine_person_summary(NULL, "x1", 2, 0, SOCLE_SUMMARY_FORMAT_JSON, &none, NULL),
      SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(
      socle_access_engine_person_summary(engine, "x1", 2, 0, SOCLE_SUMMARY_FORMAT_JSON, NULL, NULL),
      SOCLE_E_INVALID_ARGUMENT);

  socle_buffer_free(&json);
  socle_buffer_free(&binary);
  socle_buffer_free(&earlier);
  socle_access_engine_free(engine);
  return check_report("summary_capi_test");
}
