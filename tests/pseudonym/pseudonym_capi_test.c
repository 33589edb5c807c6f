/* The pseudonymisation C ABI as a vendor uses it: compiled as C11, linked against libsocle only.
 * Usage: pseudonym_capi_test POLICY WORK_DIR (tests/pseudonym/policy.textproto, an empty
 * directory for a key file and a vault). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* What the hook saw: a vendor's access trail in miniature. */
typedef struct {
  int calls;
  int last_outcome;
  uint32_t last_token_version;
  char last_actor[64];
  char last_reason[64];
  int64_t last_time;
  int refuse;
} trail;

static int32_t record(void* user_data, const socle_reversal_event* event) {
  trail* t = (trail*)user_data;
  t->calls++;
  t->last_outcome = event->outcome;
  t->last_token_version = event->token_version;
  snprintf(t->last_actor, sizeof t->last_actor, "%.*s", (int)event->actor_len, event->actor);
  snprintf(t->last_reason, sizeof t->last_reason, "%.*s", (int)event->reason_len, event->reason);
  t->last_time = event->time_unix_micros;
  CHECK(event->version == SOCLE_REVERSAL_EVENT_VERSION);
  if (t->refuse == 2) {
    errno = EDOM; /* vendor code may use errno freely */
    return 12345; /* not a status */
  }
  return t->refuse ? SOCLE_E_IO : SOCLE_OK;
}

/* The hook is vendor code, called like every callback: its errno does not leak, and a value that
 * is not a status becomes SOCLE_E_INTERNAL naming the hook, the identifier withheld. */
static void test_hook_is_called_as_vendor_code(const socle_policy* policy,
                                               const socle_pseudonym_secrets* secrets) {
  trail t;
  memset(&t, 0, sizeof t);
  t.refuse = 2;
  socle_pseudonymizer_options* options = NULL;
  CHECK_RC(socle_pseudonymizer_options_new(&options, NULL), SOCLE_OK);
  CHECK_RC(socle_pseudonymizer_options_set_reversal_hook(options, record, &t, NULL), SOCLE_OK);
  socle_pseudonymizer* p = NULL;
  CHECK_RC(socle_pseudonymizer_create(policy, secrets, options, &p, NULL), SOCLE_OK);
  socle_pseudonymizer_options_free(options);
  char token[SOCLE_TOKEN_MAX_TEXT_LEN];
  size_t token_len = 0;
  CHECK_RC(socle_pseudonymizer_create_token(p, "suivi", 5, (const uint8_t*)"P-7", 3, token,
                                            sizeof token, &token_len, NULL),
           SOCLE_OK);
  socle_buffer out = {0};
  socle_error* error = NULL;
  const char* reason = "demande de la personne";
  errno = ERANGE;
  CHECK_RC(socle_pseudonymizer_reverse_token(p, "agent-42", 8, "dpo", 3, reason, strlen(reason),
                                             "suivi", 5, token, token_len, &out, &error),
           SOCLE_E_INTERNAL);
  CHECK(errno == ERANGE);
  CHECK(t.calls == 1);
  CHECK(out.data == NULL && out.size == 0);
  CHECK(error != NULL && strstr(socle_error_message(error), "could not be recorded") != NULL);
  CHECK(error != NULL && strstr(socle_error_message(error), "P-7") == NULL);
  socle_error_free(error);
  socle_pseudonymizer_free(p);
}

static void master(uint8_t out[32], uint32_t version) {
  for (int i = 0; i < 32; ++i) out[i] = (uint8_t)(32 * (version - 1) + i);
}

static char work_path[4096];
static const char* in_work(const char* dir, const char* name) {
  snprintf(work_path, sizeof work_path, "%s/%s", dir, name);
  return work_path;
}

static socle_pseudonymizer* from_vault(const socle_policy* policy, const socle_vault* vault,
                                       trail* t) {
  socle_pseudonymizer_options* options = NULL;
  CHECK_RC(socle_pseudonymizer_options_new(&options, NULL), SOCLE_OK);
  CHECK_RC(socle_pseudonymizer_options_set_reversal_hook(options, record, t, NULL), SOCLE_OK);
  CHECK_RC(socle_pseudonymizer_options_set_reversal_rate_limit(options, 4, 3600, NULL), SOCLE_OK);
  socle_pseudonymizer* p = NULL;
  CHECK_RC(socle_pseudonymizer_create_from_vault(policy, vault, options, &p, NULL), SOCLE_OK);
  socle_pseudonymizer_options_free(options);
  return p;
}

static int32_t reverse(const socle_pseudonymizer* p, const char* token, size_t token_len) {
  socle_buffer out = {0};
  const int32_t rc = socle_pseudonymizer_reverse_token(p, "agent-7", 7, "dpo", 3, "motif", 5,
                                                       "suivi", 5, token, token_len, &out, NULL);
  socle_buffer_free(&out);
  return rc;
}

/* With a vault, retirement and the reversal limit belong to the vault: a pseudonymizer made from
 * it later, or from the vault reopened, sees what another one did. */
static void test_controls_in_the_vault(const socle_policy* policy, const char* dir) {
  static const uint8_t kPass[] = "correct horse battery staple";
  const char* db = in_work(dir, "controls.db");
  char db_path[4096];
  snprintf(db_path, sizeof db_path, "%s", db);
  remove(db_path);
  remove(in_work(dir, "controls.key"));
  socle_key_provider* provider = NULL;
  CHECK_RC(socle_key_provider_create_key_file(in_work(dir, "controls.key"), kPass, sizeof kPass - 1,
                                              2, 64u << 20, &provider,
                                              NULL), /* libsodium's INTERACTIVE floor */
           SOCLE_OK);
  if (provider == NULL) return;
  trail t;
  memset(&t, 0, sizeof t);
  socle_vault* vault = NULL;
  CHECK_RC(socle_vault_open(provider, db_path, "ccas", 4, NULL, &vault, NULL), SOCLE_OK);
  if (vault == NULL) return;
  socle_pseudonymizer* p0 = from_vault(policy, vault, &t);
  char token[SOCLE_TOKEN_MAX_TEXT_LEN];
  size_t token_len = 0;
  CHECK_RC(socle_pseudonymizer_create_token(p0, "suivi", 5, (const uint8_t*)"personne-7", 10, token,
                                            sizeof token, &token_len, NULL),
           SOCLE_OK);
  uint32_t version = 0;
  CHECK_RC(socle_vault_rotate_pseudonym_secret(vault, &version, NULL), SOCLE_OK);
  socle_pseudonymizer* pa = from_vault(policy, vault, &t);
  socle_pseudonymizer* pb = from_vault(policy, vault, &t);
  CHECK_RC(reverse(pb, token, token_len), SOCLE_OK);  /* 1 of 4 */
  CHECK_RC(socle_pseudonymizer_retire(pa, 1, NULL), SOCLE_OK);
  CHECK_RC(reverse(pb, token, token_len), SOCLE_E_FAILED_PRECONDITION); /* 2 of 4 */
  CHECK_RC(reverse(p0, token, token_len), SOCLE_E_FAILED_PRECONDITION); /* 3 of 4 */
  socle_vault_free(vault);
  vault = NULL;
  /* Reopened: still retired, and the same actor has one reversal left. */
  CHECK_RC(socle_vault_open(provider, db_path, "ccas", 4, NULL, &vault, NULL), SOCLE_OK);
  socle_pseudonymizer* pc = from_vault(policy, vault, &t);
  CHECK_RC(reverse(pc, token, token_len), SOCLE_E_FAILED_PRECONDITION); /* 4 of 4 */
  CHECK_RC(reverse(pc, token, token_len), SOCLE_E_RESOURCE_EXHAUSTED);
  CHECK_RC(reverse(pa, token, token_len), SOCLE_E_RESOURCE_EXHAUSTED);
  socle_pseudonymizer_free(pc);
  socle_pseudonymizer_free(pb);
  socle_pseudonymizer_free(pa);
  socle_pseudonymizer_free(p0);
  socle_vault_free(vault);
  socle_key_provider_free(provider);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s POLICY WORK_DIR\n", argv[0]);
    return 2;
  }
  CHECK_RC(socle_init(), SOCLE_OK);
  socle_policy* policy = NULL;
  CHECK_RC(socle_policy_load_file(argv[1], &policy, NULL), SOCLE_OK);
  if (policy == NULL) return 1;

  /* Secrets: versions 1 and 2; a short one is refused with no secret in the message. */
  socle_pseudonym_secrets* secrets = NULL;
  CHECK_RC(socle_pseudonym_secrets_new(&secrets, NULL), SOCLE_OK);
  uint8_t m[32];
  socle_error* error = NULL;
  master(m, 1);
  CHECK_RC(socle_pseudonym_secrets_add(secrets, 1, m, 15, &error), SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && socle_error_code(error) == SOCLE_E_INVALID_ARGUMENT);
  socle_error_free(error);
  CHECK_RC(socle_pseudonym_secrets_add(secrets, 1, m, sizeof m, NULL), SOCLE_OK);
  CHECK_RC(socle_pseudonym_secrets_add(secrets, 1, m, sizeof m, NULL), SOCLE_E_ALREADY_EXISTS);
  test_hook_is_called_as_vendor_code(policy, secrets);

  /* A version-1 pseudonymizer first: the known answers of kat_test.cc. */
  trail t;
  memset(&t, 0, sizeof t);
  socle_pseudonymizer_options* options = NULL;
  CHECK_RC(socle_pseudonymizer_options_new(&options, NULL), SOCLE_OK);
  CHECK_RC(socle_pseudonymizer_options_set_reversal_hook(options, record, &t, NULL), SOCLE_OK);
  CHECK_RC(socle_pseudonymizer_options_set_reversal_rate_limit(options, 3, 3600, NULL), SOCLE_OK);
  CHECK_RC(socle_pseudonymizer_options_set_reversal_rate_limit(options, 0, 3600, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  socle_pseudonymizer* p1 = NULL;
  CHECK_RC(socle_pseudonymizer_create(policy, secrets, options, &p1, NULL), SOCLE_OK);
  CHECK(socle_pseudonymizer_current_version(p1) == 1);
  CHECK(socle_pseudonymizer_domain_kind(p1, "suivi", 5) == SOCLE_PSEUDONYM_KIND_PERSON);
  CHECK(socle_pseudonymizer_domain_kind(p1, "evaluation", 10) == SOCLE_PSEUDONYM_KIND_RELATIONSHIP);
  CHECK(socle_pseudonymizer_domain_kind(p1, "stats_defaut", 12) ==
        SOCLE_PSEUDONYM_KIND_TRANSACTION);
  CHECK(socle_pseudonymizer_domain_kind(p1, "nope", 4) == 0);

  socle_pseudonym_context* ctx = NULL;
  CHECK_RC(socle_pseudonymizer_new_context(p1, "suivi", 5, NULL, 0, 0, &ctx, NULL), SOCLE_OK);
  uint8_t text[SOCLE_PSEUDONYM_TEXT_LEN];
  const char* id = "personne-000042";
  CHECK_RC(socle_pseudonym_context_compute(ctx, (const uint8_t*)id, strlen(id),
                                           SOCLE_PSEUDONYM_FORMAT_TEXT, text, sizeof text, NULL),
           SOCLE_OK);
  CHECK(memcmp(text, "P0001uQMTaVANaV_YO4KaKwG1qA", SOCLE_PSEUDONYM_TEXT_LEN) == 0);
  CHECK_RC(socle_pseudonym_context_compute(ctx, (const uint8_t*)id, 0, SOCLE_PSEUDONYM_FORMAT_TEXT,
                                           text, sizeof text, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_pseudonym_context_compute(ctx, (const uint8_t*)id, strlen(id), 7, text,
                                           sizeof text, NULL),
           SOCLE_E_INVALID_ARGUMENT);

  /* Batch: identifiers back to back with their lengths; fixed-width records out. */
  enum { N = 300 };
  char ids[N * 16];
  size_t lens[N];
  size_t offset = 0;
  for (int i = 0; i < N; ++i) {
    int n = snprintf(ids + offset, sizeof ids - offset, "usager-%d", i);
    lens[i] = (size_t)n;
    offset += (size_t)n;
  }
  static uint8_t batch_text[N * SOCLE_PSEUDONYM_TEXT_LEN];
  static uint8_t batch_bin[N * SOCLE_PSEUDONYM_BYTES];
  CHECK_RC(socle_pseudonym_context_compute_batch(ctx, (const uint8_t*)ids, lens, N,
                                                 SOCLE_PSEUDONYM_FORMAT_TEXT, batch_text,
                                                 sizeof batch_text, NULL),
           SOCLE_OK);
  CHECK_RC(socle_pseudonym_context_compute_batch(ctx, (const uint8_t*)ids, lens, N,
                                                 SOCLE_PSEUDONYM_FORMAT_BINARY, batch_bin,
                                                 sizeof batch_bin, NULL),
           SOCLE_OK);
  CHECK_RC(socle_pseudonym_context_compute_batch(ctx, (const uint8_t*)ids, lens, N,
                                                 SOCLE_PSEUDONYM_FORMAT_BINARY, batch_bin,
                                                 sizeof batch_bin - 1, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  offset = 0;
  for (int i = 0; i < N; ++i) {
    uint8_t one[SOCLE_PSEUDONYM_TEXT_LEN], bin[SOCLE_PSEUDONYM_BYTES];
    CHECK_RC(socle_pseudonym_context_compute(ctx, (const uint8_t*)ids + offset, lens[i],
                                             SOCLE_PSEUDONYM_FORMAT_TEXT, one, sizeof one, NULL),
             SOCLE_OK);
    CHECK_RC(socle_pseudonym_context_compute(ctx, (const uint8_t*)ids + offset, lens[i],
                                             SOCLE_PSEUDONYM_FORMAT_BINARY, bin, sizeof bin, NULL),
             SOCLE_OK);
    CHECK(memcmp(one, batch_text + i * SOCLE_PSEUDONYM_TEXT_LEN, SOCLE_PSEUDONYM_TEXT_LEN) == 0);
    CHECK(memcmp(bin, batch_bin + i * SOCLE_PSEUDONYM_BYTES, SOCLE_PSEUDONYM_BYTES) == 0);
    offset += lens[i];
  }

  /* Transaction contexts: fresh per context. */
  socle_pseudonym_context* t1 = NULL;
  socle_pseudonym_context* t2 = NULL;
  CHECK_RC(socle_pseudonymizer_new_context(p1, "stats", 5, NULL, 0, 0, &t1, NULL), SOCLE_OK);
  CHECK_RC(socle_pseudonymizer_new_context(p1, "stats", 5, NULL, 0, 0, &t2, NULL), SOCLE_OK);
  uint8_t a[SOCLE_PSEUDONYM_BYTES], a2[SOCLE_PSEUDONYM_BYTES], b[SOCLE_PSEUDONYM_BYTES];
  CHECK_RC(socle_pseudonym_context_compute(t1, (const uint8_t*)id, strlen(id),
                                           SOCLE_PSEUDONYM_FORMAT_BINARY, a, sizeof a, NULL),
           SOCLE_OK);
  CHECK_RC(socle_pseudonym_context_compute(t1, (const uint8_t*)id, strlen(id),
                                           SOCLE_PSEUDONYM_FORMAT_BINARY, a2, sizeof a2, NULL),
           SOCLE_OK);
  CHECK_RC(socle_pseudonym_context_compute(t2, (const uint8_t*)id, strlen(id),
                                           SOCLE_PSEUDONYM_FORMAT_BINARY, b, sizeof b, NULL),
           SOCLE_OK);
  CHECK(memcmp(a, a2, sizeof a) == 0);
  CHECK(memcmp(a, b, sizeof a) != 0);
  socle_pseudonym_context_free(t1);
  socle_pseudonym_context_free(t2);
  CHECK_RC(socle_pseudonymizer_new_context(p1, "evaluation", 10, NULL, 0, 0, &t1, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(t1 == NULL);
  CHECK_RC(socle_pseudonymizer_new_context(p1, "nope", 4, NULL, 0, 0, &t1, NULL),
           SOCLE_E_NOT_FOUND);

  /* Tokens and the privileged reversal. */
  char token[SOCLE_TOKEN_MAX_TEXT_LEN];
  size_t token_len = 0;
  CHECK_RC(socle_pseudonymizer_create_token(p1, "suivi", 5, (const uint8_t*)id, strlen(id), token,
                                            sizeof token, &token_len, NULL),
           SOCLE_OK);
  CHECK(token_len == 80);
  CHECK(memcmp(token,
               "K0001itMiy9v11LS0Y4VTcx_So7zzE1FXIRYGvCOD2iZzE4hwc1hqp3v558QfA5xX7fkLRWKuFmGpROQ",
               80) == 0);
  CHECK_RC(socle_pseudonymizer_create_token(p1, "stats", 5, (const uint8_t*)id, strlen(id), token,
                                            sizeof token, &token_len, NULL),
           SOCLE_E_FAILED_PRECONDITION);
  CHECK_RC(socle_pseudonymizer_create_token(p1, "suivi", 5, (const uint8_t*)id, strlen(id), token,
                                            sizeof token, &token_len, NULL),
           SOCLE_OK);

  socle_buffer out = {0};
  const char* reason = "demande de la personne";
  CHECK_RC(socle_pseudonymizer_reverse_token(p1, "agent-42", 8, "ass", 3, reason, strlen(reason),
                                             "suivi", 5, token, token_len, &out, NULL),
           SOCLE_E_PERMISSION_DENIED);
  CHECK(t.calls == 1 && t.last_outcome == SOCLE_E_PERMISSION_DENIED);
  CHECK_RC(socle_pseudonymizer_reverse_token(p1, "agent-42", 8, "dpo", 3, reason, strlen(reason),
                                             "suivi", 5, token, token_len, &out, NULL),
           SOCLE_OK);
  CHECK(out.size == strlen(id) && memcmp(out.data, id, out.size) == 0);
  socle_buffer_free(&out);
  CHECK(t.calls == 2 && t.last_outcome == SOCLE_OK && t.last_token_version == 1);
  CHECK(strcmp(t.last_actor, "agent-42") == 0 && strcmp(t.last_reason, reason) == 0);
  CHECK(t.last_time > 1600000000000000LL);
  token[20] ^= 1;
  CHECK_RC(socle_pseudonymizer_reverse_token(p1, "agent-42", 8, "dpo", 3, reason, strlen(reason),
                                             "suivi", 5, token, token_len, &out, &error),
           SOCLE_E_VERIFICATION_FAILED);
  CHECK(error != NULL && strcmp(socle_error_message(error), "verification failed") == 0);
  socle_error_free(error);
  token[20] ^= 1;
  t.refuse = 1; /* the trail is down: the identifier is withheld */
  CHECK_RC(socle_pseudonymizer_reverse_token(p1, "agent-42", 8, "dpo", 3, reason, strlen(reason),
                                             "suivi", 5, token, token_len, &out, NULL),
           SOCLE_E_IO);
  CHECK(out.data == NULL);
  t.refuse = 0;
  /* Capacity 3 per hour: the 4th call is throttled. */
  CHECK_RC(socle_pseudonymizer_reverse_token(p1, "agent-42", 8, "dpo", 3, reason, strlen(reason),
                                             "suivi", 5, token, token_len, &out, NULL),
           SOCLE_E_RESOURCE_EXHAUSTED);
  CHECK(t.calls == 5 && t.last_outcome == SOCLE_E_RESOURCE_EXHAUSTED);

  /* Rotation: add version 2, rotate version-1 pseudonyms, compare with fresh ones. */
  master(m, 2);
  CHECK_RC(socle_pseudonym_secrets_add(secrets, 2, m, sizeof m, NULL), SOCLE_OK);
  socle_pseudonymizer* p2 = NULL;
  CHECK_RC(socle_pseudonymizer_create(policy, secrets, NULL, &p2, NULL), SOCLE_OK);
  CHECK(socle_pseudonymizer_current_version(p2) == 2);
  static char rotated[N * SOCLE_PSEUDONYM_TEXT_LEN];
  CHECK_RC(socle_pseudonymizer_rotate(p2, "suivi", 5, (const char*)batch_text, N, rotated,
                                      sizeof rotated, NULL),
           SOCLE_OK);
  socle_pseudonym_context* ctx2 = NULL;
  CHECK_RC(socle_pseudonymizer_new_context(p2, "suivi", 5, NULL, 0, 0, &ctx2, NULL), SOCLE_OK);
  static uint8_t fresh[N * SOCLE_PSEUDONYM_TEXT_LEN];
  CHECK_RC(
      socle_pseudonym_context_compute_batch(ctx2, (const uint8_t*)ids, lens, N,
                                            SOCLE_PSEUDONYM_FORMAT_TEXT, fresh, sizeof fresh, NULL),
      SOCLE_OK);
  CHECK(memcmp(rotated, fresh, sizeof fresh) == 0);
  CHECK(rotated[1] == '0' && rotated[4] == '2');
  batch_text[SOCLE_PSEUDONYM_TEXT_LEN + 7] = '+'; /* not base64url */
  CHECK_RC(socle_pseudonymizer_rotate(p2, "suivi", 5, (const char*)batch_text, N, rotated,
                                      sizeof rotated, NULL),
           SOCLE_E_PARSE);
  CHECK_RC(socle_pseudonymizer_retire(p2, 1, NULL), SOCLE_OK);
  CHECK_RC(socle_pseudonymizer_retire(p2, 2, NULL), SOCLE_E_FAILED_PRECONDITION);
  CHECK_RC(socle_pseudonymizer_new_context(p2, "suivi", 5, NULL, 0, 1, &t1, NULL),
           SOCLE_E_FAILED_PRECONDITION);

  /* NULL handles and out-parameters. */
  CHECK_RC(socle_pseudonymizer_create(policy, secrets, NULL, NULL, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_pseudonym_context_compute(NULL, (const uint8_t*)id, 1, 1, text, sizeof text, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  socle_pseudonymizer_free(NULL);
  socle_pseudonym_context_free(NULL);
  socle_pseudonym_secrets_free(NULL);
  socle_pseudonymizer_options_free(NULL);

  socle_pseudonym_context_free(ctx2);
  socle_pseudonym_context_free(ctx);
  socle_pseudonymizer_free(p2);
  socle_pseudonymizer_free(p1);
  socle_pseudonymizer_options_free(options);
  socle_pseudonym_secrets_free(secrets);
  test_controls_in_the_vault(policy, argv[2]);
  socle_policy_free(policy);
  return check_report("pseudonym C ABI");
}
