/* The checks of socle's C tests (compiled as C11; socle_add_capi_test puts this header on their
 * include path). Each check counts a pass, or prints the failed condition with its file and line
 * and counts a failure; a test's main() ends with `return check_report("name");`, which prints
 * "name: N passed, N failed" and returns the exit status. One copy per test program (static).
 *
 *   CHECK(cond)                  the condition
 *   CHECK_MSG(cond, fmt, ...)    the same, printing a printf-style detail when it fails
 *   CHECK_RC(call, expected)     a call's status, printing both status names and the last message
 *   CHECK_OK(status, error)      a status that must be SOCLE_OK, printing the error's message
 */
#ifndef SOCLE_TESTS_CAPI_CHECK_H_
#define SOCLE_TESTS_CAPI_CHECK_H_

#include <stdint.h>
#include <stdio.h>

#include "socle/socle.h"

static int passed = 0;
static int failed = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (cond) {                                                                \
      ++passed;                                                                \
    } else {                                                                   \
      ++failed;                                                                \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define CHECK_MSG(cond, ...)                                                   \
  do {                                                                         \
    if (cond) {                                                                \
      ++passed;                                                                \
    } else {                                                                   \
      ++failed;                                                                \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
    }                                                                          \
  } while (0)

#define CHECK_RC(call, expected)                                        \
  do {                                                                  \
    const int32_t check_rc_ = (call);                                   \
    CHECK_MSG(check_rc_ == (expected), "returned %s (%s), expected %s", \
              socle_status_name(check_rc_), socle_last_error_message(), \
              socle_status_name(expected));                             \
  } while (0)

#define CHECK_OK(status, error)                                        \
  CHECK_MSG((status) == SOCLE_OK, "%s: %s", socle_status_name(status), \
            (error) != NULL ? socle_error_message(error) : socle_last_error_message())

/* Prints the counts and returns the exit status of the test program. */
static int check_report(const char* program) {
  printf("%s: %d passed, %d failed\n", program, passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}

#endif /* SOCLE_TESTS_CAPI_CHECK_H_ */
