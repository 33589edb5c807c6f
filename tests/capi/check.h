/* The checks of socle's C tests (compiled as C11): CHECK counts a pass, or prints the failed
 * condition with its file and line and counts a failure; a test's main() ends by printing
 * "N passed, N failed" and returning `failed == 0 ? 0 : 1`. One copy per test program (static). */
#ifndef SOCLE_TESTS_CAPI_CHECK_H_
#define SOCLE_TESTS_CAPI_CHECK_H_

#include <stdio.h>

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

#endif /* SOCLE_TESTS_CAPI_CHECK_H_ */
