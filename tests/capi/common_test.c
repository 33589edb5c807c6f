/* What every call of the C ABI shares, as a vendor uses it: versions and initialisation, status
 * names, errors (the optional socle_error**, the thread-local last message) and buffers.
 * Compiled as C11, linked against libsocle only. The calls that fail here are only means to get
 * an error or a buffer. Usage: common_capi_test */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

static void test_version_and_init(void) {
  CHECK(socle_init() == SOCLE_OK);
  CHECK(socle_init() == SOCLE_OK); /* idempotent */
  CHECK(socle_version_number() == SOCLE_VERSION_NUMBER);
  char expected[32];
  snprintf(expected, sizeof expected, "%d.%d.%d", SOCLE_VERSION_MAJOR, SOCLE_VERSION_MINOR,
           SOCLE_VERSION_PATCH);
  CHECK(strcmp(socle_version_string(), expected) == 0);
  CHECK(strcmp(socle_status_name(SOCLE_E_POLICY_INVALID), "POLICY_INVALID") == 0);
  CHECK(strcmp(socle_status_name(SOCLE_OK), "OK") == 0);
  CHECK(strcmp(socle_status_name(9999), "UNKNOWN") == 0);
}

static void test_errors(void) {
  /* A failed call fills *error when asked, and only then; the last message is kept per thread. */
  socle_error* error = (socle_error*)1; /* must be reset */
  int32_t key = 0;
  CHECK(socle_nir_key("x", 1, NULL, &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && error != (socle_error*)1);
  if (error == NULL || error == (socle_error*)1) return;
  CHECK(socle_error_code(error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(strstr(socle_error_message(error), "out") != NULL); /* names the NULL parameter */
  CHECK(strcmp(socle_last_error_message(), socle_error_message(error)) == 0);
  /* Not a policy error: no diagnostics, and every out-of-range accessor is NULL or 0. */
  CHECK(socle_error_diagnostic_count(error) == 0);
  CHECK(socle_error_diagnostic_code(error, 0) == NULL);
  CHECK(socle_error_diagnostic_path(error, 0) == NULL);
  CHECK(socle_error_diagnostic_message(error, 0) == NULL);
  CHECK(socle_error_diagnostic_line(error, 0) == 0);
  CHECK(socle_error_diagnostic_column(error, 0) == 0);
  CHECK(socle_error_diagnostic_severity(error, 0) == 0);
  socle_error_free(error);

  /* A successful call resets *error to NULL. */
  error = (socle_error*)1;
  CHECK(socle_nir_key("2 85 03 75 111 222", 18, &key, &error) == SOCLE_OK);
  CHECK(error == NULL && key == 3);
  /* Without an error object the status and the last message still tell. */
  CHECK(socle_nir_key(NULL, 3, &key, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(strstr(socle_last_error_message(), "body") != NULL);

  /* A failed call leaves its number outputs 0. */
  key = 99;
  CHECK(socle_nir_key("2 85 03", 7, &key, NULL) != SOCLE_OK);
  CHECK(key == 0);
  int32_t low = 7, high = 7;
  CHECK(socle_generalise_age_band("1990-01-01", 10, "1980-01-01", 10, 5, 0, &low, &high, NULL,
                                  NULL) == SOCLE_E_OUT_OF_RANGE);
  CHECK(low == 0 && high == 0);

  /* NULL is accepted everywhere an error is read or freed. */
  socle_error_free(NULL);
  CHECK(socle_error_code(NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(strcmp(socle_error_message(NULL), "") == 0);
  CHECK(socle_error_diagnostic_count(NULL) == 0);
}

static void test_buffers(void) {
  socle_buffer out = {0};
  CHECK(socle_generalise_date("2024-03-17", 10, SOCLE_DATE_MONTH, &out, NULL) == SOCLE_OK);
  CHECK(out.size == 7 && out.data != NULL && memcmp(out.data, "2024-03", 7) == 0);
  CHECK(out.data != NULL && out.data[out.size] == 0); /* NUL-terminated as a convenience */
  socle_buffer_free(&out);
  CHECK(out.data == NULL && out.size == 0);
  socle_buffer_free(&out); /* freeing twice is harmless */
  socle_buffer_free(NULL);
  /* A failed call leaves the buffer empty, whatever it held before. */
  out.data = (uint8_t*)"not ours";
  out.size = 8;
  CHECK(socle_generalise_date("2024-13-40", 10, SOCLE_DATE_MONTH, &out, NULL) != SOCLE_OK);
  CHECK(out.data == NULL && out.size == 0);
}

int main(void) {
  test_version_and_init();
  test_errors();
  test_buffers();
  return check_report("common C ABI");
}
