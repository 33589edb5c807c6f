/* The policy through the C ABI, as a vendor uses it: loading the example policies, their digest
 * and register, a broken policy's diagnostics, bad arguments. Compiled as C11, linked against
 * libsocle only. Usage: policy_capi_test EXAMPLES_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

static char examples[4096];

static const char* example(const char* name) {
  static char path[4200];
  snprintf(path, sizeof path, "%s/policies/%s", examples, name);
  return path;
}

static void test_load_examples(void) {
  const char* names[] = {"ccas.textproto", "departement.textproto"};
  for (size_t i = 0; i < 2; ++i) {
    socle_policy* policy = NULL;
    socle_error* error = NULL;
    int32_t rc = socle_policy_load_file(example(names[i]), &policy, &error);
    CHECK(rc == SOCLE_OK);
    CHECK(error == NULL);
    if (rc != SOCLE_OK) {
      fprintf(stderr, "  %s: %s\n", names[i], socle_error_message(error));
      socle_error_free(error);
      continue;
    }
    CHECK(policy != NULL);
    CHECK(strlen(socle_policy_id(policy)) > 0);
    CHECK(socle_policy_activity_count(policy) > 0);
    CHECK(socle_policy_role_count(policy) > 0);
    CHECK(socle_policy_data_category_count(policy) > 0);

    uint8_t digest[SOCLE_POLICY_DIGEST_BYTES];
    CHECK(socle_policy_digest(policy, digest, sizeof digest, NULL) == SOCLE_OK);
    char hex[2 * SOCLE_POLICY_DIGEST_BYTES + 1];
    for (size_t k = 0; k < sizeof digest; ++k) sprintf(hex + 2 * k, "%02x", digest[k]);
    CHECK(strcmp(hex, socle_policy_digest_hex(policy)) == 0);
    uint8_t small[8];
    CHECK(socle_policy_digest(policy, small, sizeof small, NULL) == SOCLE_E_OUT_OF_RANGE);

    socle_buffer md = {0};
    CHECK(socle_policy_render_register(policy, SOCLE_REGISTER_MARKDOWN, &md, NULL) == SOCLE_OK);
    CHECK(md.size > 0 && md.data != NULL && md.data[md.size] == 0);
    /* French, the default (the CNIL model register's headings). */
    CHECK(md.data != NULL && strstr((const char*)md.data, "(g) Mesures de sécurité") != NULL);
    socle_buffer_free(&md);
    CHECK(md.data == NULL && md.size == 0);
    socle_buffer_free(&md); /* freeing twice is harmless */

    socle_buffer json = {0};
    CHECK(socle_policy_render_register(policy, SOCLE_REGISTER_JSON, &json, NULL) == SOCLE_OK);
    CHECK(json.size > 0 && json.data[0] == '{');
    socle_buffer_free(&json);

    socle_buffer bad = {0};
    error = NULL;
    CHECK(socle_policy_render_register(policy, 7, &bad, &error) == SOCLE_E_INVALID_ARGUMENT);
    CHECK(error != NULL && socle_error_code(error) == SOCLE_E_INVALID_ARGUMENT);
    CHECK(bad.data == NULL);
    socle_error_free(error);

    /* Loading the same text twice gives the same digest. */
    socle_policy* again = NULL;
    CHECK(socle_policy_load_file(example(names[i]), &again, NULL) == SOCLE_OK);
    CHECK(again != NULL &&
          strcmp(socle_policy_digest_hex(again), socle_policy_digest_hex(policy)) == 0);
    socle_policy_free(again);
    socle_policy_free(policy);
  }
}

static const char kBroken[] =
    "format_version: 1\n"
    "id: \"broken\"\n"
    "controller { name: \"CCAS\" contact: \"dpo@example.org\" }\n"
    "data_categories { id: \"social\" sensitivity: ORDINARY }\n"
    "person_categories { id: \"person\" }\n"
    "roles { id: \"ass\" secrecy: BY_PROFESSION secrecy_reference: \"CASF L.411-3\" }\n"
    "activities {\n"
    "  id: \"support\" purpose: \"accompagnement\" purpose_kind: ADMINISTRATION\n"
    "  data_categories: \"social\" person_categories: \"person\"\n"
    "  recipients { name: \"service\" kind: INTERNAL }\n"
    "  retention { data_category: \"social\" start: CREATION active_months: 24 end_action: DELETE "
    "}\n"
    "  security_measures: \"chiffrement\"\n"
    "}\n"
    "statistics { small_cell_threshold: 2 }\n";

static void test_broken_policy(void) {
  socle_policy* policy = (socle_policy*)1; /* must be reset to NULL */
  socle_error* error = NULL;
  int32_t rc = socle_policy_load(kBroken, strlen(kBroken), "broken.textproto", &policy, &error);
  CHECK(rc == SOCLE_E_POLICY_INVALID);
  CHECK(policy == NULL);
  CHECK(error != NULL);
  if (error == NULL) return;
  CHECK(socle_error_code(error) == SOCLE_E_POLICY_INVALID);
  CHECK(strstr(socle_error_message(error), "broken.textproto") != NULL);
  CHECK(strcmp(socle_last_error_message(), socle_error_message(error)) == 0);
  size_t n = socle_error_diagnostic_count(error);
  int found_basis = 0, found_threshold = 0;
  for (size_t i = 0; i < n; ++i) {
    const char* code = socle_error_diagnostic_code(error, i);
    if (strcmp(code, "activity.legal_basis_missing") == 0) {
      found_basis = 1;
      CHECK(socle_error_diagnostic_line(error, i) == 7); /* the activity's line */
      CHECK(strcmp(socle_error_diagnostic_path(error, i), "activities[0].legal_basis") == 0);
    }
    if (strcmp(code, "statistics.threshold_too_low") == 0) {
      found_threshold = 1;
      CHECK(socle_error_diagnostic_line(error, i) == 14);
      CHECK(socle_error_diagnostic_column(error, i) > 1);
      CHECK(socle_error_diagnostic_severity(error, i) == SOCLE_SEVERITY_ERROR);
    }
    CHECK(strlen(socle_error_diagnostic_message(error, i)) > 0);
  }
  CHECK(found_basis && found_threshold);
  CHECK(socle_error_diagnostic_code(error, n) == NULL); /* out of range */
  CHECK(socle_error_diagnostic_line(error, n) == 0);
  socle_error_free(error);

  /* validate: same verdict, no handle. */
  error = NULL;
  CHECK(socle_policy_validate(kBroken, strlen(kBroken), NULL, &error) == SOCLE_E_POLICY_INVALID);
  CHECK(error != NULL && socle_error_diagnostic_count(error) == n);
  socle_error_free(error);

  /* syntax error: PARSE with a line and a column */
  const char syntax[] = "format_version: 1\nid: \"x\"\nnot_a_field: 3\n";
  error = NULL;
  CHECK(socle_policy_load(syntax, strlen(syntax), NULL, &policy, &error) == SOCLE_E_PARSE);
  CHECK(error != NULL && socle_error_diagnostic_count(error) == 1);
  if (error != NULL && socle_error_diagnostic_count(error) == 1) {
    CHECK(strcmp(socle_error_diagnostic_code(error, 0), "syntax") == 0);
    CHECK(socle_error_diagnostic_line(error, 0) == 3);
  }
  socle_error_free(error);
}

static void test_bad_arguments(void) {
  socle_error* error = NULL;
  CHECK(socle_policy_load("x", 1, NULL, NULL, &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "out") != NULL);
  socle_error_free(error);
  socle_policy* policy = NULL;
  CHECK(socle_policy_load(NULL, 5, NULL, &policy, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_policy_load_file(NULL, &policy, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_policy_load_file("/nonexistent/policy.textproto", &policy, NULL) == SOCLE_E_IO);
  CHECK(policy == NULL);
  CHECK(socle_policy_load("", 0, NULL, &policy, NULL) == SOCLE_E_POLICY_INVALID);
  CHECK(socle_policy_digest(NULL, NULL, 0, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_policy_render_register(NULL, SOCLE_REGISTER_JSON, NULL, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  /* NULL handles are accepted by accessors and free functions. */
  socle_policy_free(NULL);
  CHECK(socle_policy_activity_count(NULL) == 0);
  CHECK(strcmp(socle_policy_id(NULL), "") == 0);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: policy_capi_test EXAMPLES_DIR\n");
    return 2;
  }
  snprintf(examples, sizeof examples, "%s", argv[1]);
  test_load_examples();
  test_broken_policy();
  test_bad_arguments();
  return check_report("policy C ABI");
}
