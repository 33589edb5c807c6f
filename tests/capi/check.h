/* The checks of socle's C tests (compiled as C11; socle_add_capi_test puts this header on their
 * include path). Each check counts a pass, or prints the failed condition with its file and line
 * and counts a failure; a test's main() ends with `return check_report("name");`, which prints
 * "name: N passed, N failed" and returns the exit status. One copy per test program (static).
 *
 *   CHECK(cond)                  the condition
 *   CHECK_MSG(cond, fmt, ...)    the same, printing a printf-style detail when it fails
 *   CHECK_RC(call, expected)     a call's status, printing both status names and the last message
 *   CHECK_OK(status, error)      a status that must be SOCLE_OK, printing the error's message
 *
 * and what the tests of the engine's areas all start from or check the same way:
 *
 *   S(text)                      a NUL-terminated string as the (pointer, length) the ABI takes
 *   check_refusal(...)           a refused call: its code, its error, what its message names and
 *                                what it must never show
 *   check_policy_file(path)      a policy loaded from a file
 *   check_engine_on(policy, ...) an engine on a policy, its clock set, its directory loaded
 *   check_engine(path, ...)      the same from a policy file
 *   check_vault(...)             a vault on a new key file in the work directory
 *   check_trail(vault, engine)   an access trail on a ledger of that vault ("trail.db")
 *   check_set_work(dir), path_of(name), check_remove(names)
 *                                the work directory of a test that writes files, a file in it, and
 *                                a previous run's files removed
 */
#ifndef SOCLE_TESTS_CAPI_CHECK_H_
#define SOCLE_TESTS_CAPI_CHECK_H_

#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

#define S(text) (text), strlen(text)

/* A refused call: `rc` is `expected`, the error is there with that code, its message names `name`
 * (unless NULL) and shows none of the strings of the NULL-terminated `forbidden` (ids and secrets a
 * message must never carry; NULL for none). Frees the error. */
static inline void check_refusal(int32_t rc, socle_error* error, int32_t expected, const char* name,
                                 const char* const* forbidden) {
  CHECK_MSG(rc == expected, "returned %s, expected %s", socle_status_name(rc),
            socle_status_name(expected));
  CHECK(error != NULL);
  if (error == NULL) return;
  const char* message = socle_error_message(error);
  CHECK(socle_error_code(error) == rc);
  if (name != NULL) CHECK_MSG(strstr(message, name) != NULL, "'%s' lacks '%s'", message, name);
  for (; forbidden != NULL && *forbidden != NULL; ++forbidden) {
    CHECK_MSG(strstr(message, *forbidden) == NULL, "'%s' shows '%s'", message, *forbidden);
  }
  socle_error_free(error);
}

/* The policy in the file `path`; NULL (a failed check) when it does not load. */
static inline socle_policy* check_policy_file(const char* path) {
  socle_policy* policy = NULL;
  socle_error* error = NULL;
  const int32_t rc = socle_policy_load_file(path, &policy, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  return rc == SOCLE_OK ? policy : NULL;
}

/* An engine on `policy` (the caller keeps it) with its clock at `now` (Unix seconds) and the
 * directory `professionals` and `persons` (TSV) loaded; NULL when the engine cannot be created.
 * Each step is a check. */
static inline socle_access_engine* check_engine_on(const socle_policy* policy, int64_t now,
                                                   const char* professionals, const char* persons) {
  socle_access_engine* engine = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_access_engine_create(policy, &engine, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  if (rc != SOCLE_OK) return NULL;
  socle_access_engine_set_time(engine, now);
  rc = socle_access_engine_load_directory_tsv(engine, S(professionals), S(persons), NULL, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  return engine;
}

/* check_engine_on with the policy of the file `policy_path` (freed once the engine has it); NULL
 * when either fails. */
static inline socle_access_engine* check_engine(const char* policy_path, int64_t now,
                                                const char* professionals, const char* persons) {
  socle_policy* policy = check_policy_file(policy_path);
  if (policy == NULL) return NULL;
  socle_access_engine* engine = check_engine_on(policy, now, professionals, persons);
  socle_policy_free(policy);
  return engine;
}

/* The work directory of a test that writes files (its WORK_DIR argument): set once with
 * check_set_work; path_of(name) is the file `name` in it. path_of alternates between two buffers,
 * so one call may take two paths. */
static inline char* check_work(void) {
  static char work[4096];
  return work;
}
static inline void check_set_work(const char* dir) { snprintf(check_work(), 4096, "%s", dir); }
static inline const char* path_of(const char* name) {
  static char path[2][4200];
  static int which = 0;
  which ^= 1;
  snprintf(path[which], sizeof path[which], "%s/%s", check_work(), name);
  return path[which];
}

/* Removes the files of the NULL-terminated `names` from the work directory (a previous run's). */
static inline void check_remove(const char* const* names) {
  for (; *names != NULL; ++names) remove(path_of(*names));
}

/* A vault in the work directory: the key file `key_file` created with `passphrase` (at a test's
 * Argon2id cost), then the vault `vault_file` of the tenant `tenant` opened with it. NULL when the
 * key file cannot be created; each step is a check. */
static inline socle_vault* check_vault(const char* key_file, const char* passphrase,
                                       const char* vault_file, const char* tenant) {
  socle_key_provider* provider = NULL;
  socle_error* error = NULL;
  const int32_t rc = socle_key_provider_create_key_file(
      path_of(key_file), (const uint8_t*)passphrase, strlen(passphrase), 2, (uint64_t)64 << 20,
      &provider, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  if (rc != SOCLE_OK) return NULL;
  socle_vault* vault = NULL;
  CHECK(socle_vault_open(provider, path_of(vault_file), S(tenant), NULL, &vault, NULL) == SOCLE_OK);
  socle_key_provider_free(provider);
  return vault;
}

/* An access trail of `engine` on the ledger "trail.db" (durability NONE: a test's) of `vault`,
 * which the caller keeps; NULL for a NULL vault. Each step is a check. */
static inline socle_access_trail* check_trail(socle_vault* vault, socle_access_engine* engine) {
  if (vault == NULL) return NULL;
  socle_ledger_options* options = NULL;
  CHECK(socle_ledger_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_ledger_options_set_durability(options, SOCLE_DURABILITY_NONE, NULL) == SOCLE_OK);
  socle_ledger* ledger = NULL;
  CHECK(socle_ledger_open(vault, path_of("trail.db"), S("access_trail"), options, &ledger, NULL) ==
        SOCLE_OK);
  socle_ledger_options_free(options);
  socle_access_trail* trail = NULL;
  CHECK(socle_access_trail_create(ledger, engine, &trail, NULL) == SOCLE_OK);
  socle_ledger_free(ledger);
  return trail;
}

/* Prints the counts and returns the exit status of the test program. */
static int check_report(const char* program) {
  printf("%s: %d passed, %d failed\n", program, passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}

#endif /* SOCLE_TESTS_CAPI_CHECK_H_ */
