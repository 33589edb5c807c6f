/* Lengths a C caller passes are checked before any arithmetic (issue 7, defect 6): a length near
 * SIZE_MAX must come back as a clean error, without allocating, reading past the buffer or
 * aborting, and must leave the vault unchanged. Compiled as C11 and linked against libsocle only.
 * The key provider is a toy "HSM" over callbacks, so the test needs no key file.
 * Usage: length_limits_capi_test WORK_DIR */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* A toy provider: the "wrapped" key is version || key XOR a constant. */
static int32_t toy_current(void* user_data, uint32_t* out_version) {
  (void)user_data;
  *out_version = 1;
  return SOCLE_OK;
}

static int32_t toy_wrap(void* user_data, uint32_t version, const uint8_t* key, size_t key_len,
                        const uint8_t* ad, size_t ad_len, uint8_t* out, size_t cap,
                        size_t* out_len) {
  (void)user_data;
  (void)ad;
  (void)ad_len;
  if (4 + key_len > cap) return SOCLE_E_OUT_OF_RANGE;
  memcpy(out, &version, 4);
  for (size_t i = 0; i < key_len; ++i) out[4 + i] = key[i] ^ 0x5a;
  *out_len = 4 + key_len;
  return SOCLE_OK;
}

static int32_t toy_unwrap(void* user_data, uint32_t version, const uint8_t* wrapped,
                          size_t wrapped_len, const uint8_t* ad, size_t ad_len, uint8_t* out,
                          size_t cap, size_t* out_len) {
  (void)user_data;
  (void)ad;
  (void)ad_len;
  uint32_t v = 0;
  if (wrapped_len != 4 + SOCLE_VAULT_KEY_BYTES || cap < SOCLE_VAULT_KEY_BYTES) {
    return SOCLE_E_VERIFICATION_FAILED;
  }
  memcpy(&v, wrapped, 4);
  if (v != version) return SOCLE_E_VERIFICATION_FAILED;
  for (size_t i = 0; i < SOCLE_VAULT_KEY_BYTES; ++i) out[i] = wrapped[4 + i] ^ 0x5a;
  *out_len = SOCLE_VAULT_KEY_BYTES;
  return SOCLE_OK;
}

static socle_vault* open_vault(const char* work) {
  socle_key_provider_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = SOCLE_KEY_PROVIDER_CALLBACKS_VERSION;
  cb.key_id = "toy-hsm:length-limits";
  cb.current_version = toy_current;
  cb.wrap = toy_wrap;
  cb.unwrap = toy_unwrap;
  socle_key_provider* provider = NULL;
  if (socle_key_provider_create_from_callbacks(&cb, &provider, NULL) != SOCLE_OK) return NULL;
  char path[4200];
  snprintf(path, sizeof path, "%s/length_limits.db", work);
  remove(path);
  socle_vault* vault = NULL;
  socle_error* error = NULL;
  const int32_t rc = socle_vault_open(provider, path, "t", 1, NULL, &vault, &error);
  if (rc != SOCLE_OK) fprintf(stderr, "socle_vault_open: %s\n", socle_error_message(error));
  socle_error_free(error);
  socle_key_provider_free(provider);
  return vault;
}

/* Sealing: every length whose sealed size would wrap (45 + len) or exceed the AEAD limit. */
static void test_seal_huge_lengths(socle_vault* vault) {
  static const uint8_t small[64] = {0};
  const size_t lengths[] = {SIZE_MAX,      SIZE_MAX - 44, SIZE_MAX - 45,
                            SIZE_MAX - 60, SIZE_MAX / 2,  ((size_t)1 << 40) + 1};
  for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; ++i) {
    socle_buffer out = {0};
    socle_error* error = NULL;
    const int32_t rc =
        socle_vault_seal_record(vault, "P-new", 5, "r", 1, 1, small, lengths[i], &out, &error);
    CHECK(rc == SOCLE_E_INVALID_ARGUMENT);
    CHECK(error != NULL && socle_error_code(error) == SOCLE_E_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(socle_error_message(error), "cannot seal") != NULL);
    CHECK(out.data == NULL && out.size == 0);
    socle_error_free(error);
  }
  /* Nothing changed: the refused seals created no key for the new person. */
  CHECK(socle_vault_shred_person(vault, "P-new", 5, NULL) == SOCLE_E_NOT_FOUND);

  /* The limit itself is a size, not a crash: a small record still seals and opens. */
  socle_buffer sealed = {0};
  socle_buffer plain = {0};
  CHECK(socle_vault_seal_record(vault, "P-1", 3, "r", 1, 1, (const uint8_t*)"hello", 5, &sealed,
                                NULL) == SOCLE_OK);
  CHECK(sealed.size == 5 + SOCLE_VAULT_SEAL_OVERHEAD);
  /* Opening with a huge length: refused as a forgery before any buffer is sized from it. */
  socle_error* error = NULL;
  CHECK(socle_vault_open_record(vault, "P-1", 3, "r", 1, 1, sealed.data, SIZE_MAX - 10, &plain,
                                &error) == SOCLE_E_VERIFICATION_FAILED);
  CHECK(plain.data == NULL && plain.size == 0);
  socle_error_free(error);
  CHECK(socle_vault_open_record(vault, "P-1", 3, "r", 1, 1, sealed.data, sealed.size, &plain,
                                NULL) == SOCLE_OK);
  CHECK(plain.size == 5 && memcmp(plain.data, "hello", 5) == 0);
  socle_buffer_free(&sealed);
  socle_buffer_free(&plain);
}

static const char kPolicy[] =
    "format_version: 1\n"
    "id: \"length_limits\"\n"
    "controller { name: \"CCAS\" contact: \"dpo@example.org\" }\n"
    "data_categories { id: \"social\" sensitivity: ORDINARY }\n"
    "person_categories { id: \"person\" }\n"
    "roles { id: \"ass\" secrecy: BY_PROFESSION secrecy_reference: \"CASF L.411-3\" }\n"
    "activities {\n"
    "  id: \"etude\" purpose: \"etude\" purpose_kind: STATISTICS\n"
    "  legal_basis: PUBLIC_TASK legal_basis_reference: \"CASF L.123-1\"\n"
    "  data_categories: \"social\" person_categories: \"person\"\n"
    "  recipients { name: \"laboratoire\" kind: PARTNER }\n"
    "  retention { data_category: \"social\" start: CREATION active_months: 24 end_action: DELETE "
    "}\n"
    "  security_measures: \"chiffrement\"\n"
    "}\n"
    "pseudonym_domains { id: \"recherche\" kind: PERSON activity: \"etude\"\n"
    "  linkage_justification: \"trois vagues\" }\n";

/* A batch whose identifier lengths add up past SIZE_MAX, and counts whose output size would
 * wrap: refused before any identifier is read. */
static void test_pseudonym_batch_lengths(socle_vault* vault) {
  socle_policy* policy = NULL;
  CHECK(socle_policy_load(kPolicy, strlen(kPolicy), "length_limits", &policy, NULL) == SOCLE_OK);
  socle_pseudonymizer* pseudonymizer = NULL;
  CHECK(policy != NULL && socle_pseudonymizer_create_from_vault(policy, vault, NULL, &pseudonymizer,
                                                                NULL) == SOCLE_OK);
  socle_pseudonym_context* context = NULL;
  CHECK(pseudonymizer != NULL &&
        socle_pseudonymizer_new_context(pseudonymizer, "recherche", 9, NULL, 0, 0, &context,
                                        NULL) == SOCLE_OK);
  if (context != NULL) {
    const uint8_t ids[] = "abcdef";
    /* Each length fits a string view (at most PTRDIFF_MAX); their sum wraps at the third. */
    const size_t lens[] = {PTRDIFF_MAX, PTRDIFF_MAX, 3};
    uint8_t out[3 * SOCLE_PSEUDONYM_BYTES];
    socle_error* error = NULL;
    CHECK(socle_pseudonym_context_compute_batch(context, ids, lens, 3,
                                                SOCLE_PSEUDONYM_FORMAT_BINARY, out, sizeof out,
                                                &error) == SOCLE_E_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(socle_error_message(error), "SIZE_MAX") != NULL);
    socle_error_free(error);
    error = NULL;
    /* count * record would wrap to a small number. */
    const size_t count = SIZE_MAX / SOCLE_PSEUDONYM_BYTES + 2;
    CHECK(socle_pseudonym_context_compute_batch(
              context, ids, lens, count, SOCLE_PSEUDONYM_FORMAT_BINARY, out,
              (count * SOCLE_PSEUDONYM_BYTES), &error) == SOCLE_E_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(socle_error_message(error), "cannot fit") != NULL);
    socle_error_free(error);
  }
  socle_pseudonym_context_free(context);
  socle_pseudonymizer_free(pseudonymizer);
  socle_policy_free(policy);
}

/* A serialized event longer than protobuf's int size: refused, not truncated. The bytes are an
 * empty (all-default) event followed by nothing the length claims; the old cast of 2^32 to int
 * made it a 0-byte event that was parsed and applied (refused later, for another reason). */
static void test_event_lengths(void) {
  socle_policy* policy = NULL;
  CHECK(socle_policy_load(kPolicy, strlen(kPolicy), "length_limits", &policy, NULL) == SOCLE_OK);
  socle_access_engine* engine = NULL;
  CHECK(policy != NULL && socle_access_engine_create(policy, &engine, NULL) == SOCLE_OK);
  if (engine != NULL) {
    static const uint8_t event[16] = {0};
    const size_t lengths[] = {(size_t)1 << 32, ((size_t)1 << 31), SIZE_MAX / 2};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; ++i) {
      socle_error* error = NULL;
      CHECK(socle_access_engine_apply_event(engine, event, lengths[i], NULL, &error) ==
            SOCLE_E_RESOURCE_EXHAUSTED);
      CHECK(error != NULL && strstr(socle_error_message(error), "at most 2 GiB") != NULL);
      socle_error_free(error);
      error = NULL;
      CHECK(socle_access_engine_apply_event_batch(engine, event, lengths[i], NULL, &error) ==
            SOCLE_E_RESOURCE_EXHAUSTED);
      socle_error_free(error);
    }
    CHECK(socle_access_engine_revision(engine) == 0); /* nothing was applied */
  }
  socle_access_engine_free(engine);
  socle_policy_free(policy);
}

/* Text lengths larger than any string (above PTRDIFF_MAX): a clean INVALID_ARGUMENT naming the
 * parameter, never a trap in the string views the library builds. */
static void test_string_lengths(void) {
  socle_error* error = NULL;
  CHECK(socle_nir_check("x", SIZE_MAX, NULL, NULL, &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "text") != NULL);
  socle_error_free(error);
  error = NULL;

  socle_policy* policy = NULL;
  CHECK(socle_policy_load(kPolicy, strlen(kPolicy), "length_limits", &policy, NULL) == SOCLE_OK);
  socle_access_engine* engine = NULL;
  CHECK(policy != NULL && socle_access_engine_create(policy, &engine, NULL) == SOCLE_OK);
  if (engine != NULL) {
    uint32_t id = 0;
    CHECK(socle_access_engine_find_person(engine, "x", SIZE_MAX, &id, &error) ==
          SOCLE_E_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(socle_error_message(error), "id") != NULL);
    socle_error_free(error);
    error = NULL;
    /* An element of an array of strings. */
    const char* teams[] = {"t1", "t2"};
    const size_t team_lens[] = {2, SIZE_MAX};
    CHECK(socle_access_engine_upsert_person(engine, "x1", 2, teams, team_lens, 2, NULL, 0, NULL,
                                            &error) == SOCLE_E_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(socle_error_message(error), "teams[1]") != NULL);
    socle_error_free(error);
    error = NULL;
    /* A request's item: refused, and the decision is a denial. */
    socle_access_request request;
    socle_access_request_init(&request);
    request.item = "doc";
    request.item_len = SIZE_MAX;
    socle_decision decision;
    CHECK(socle_access_engine_decide(engine, &request, &decision, &error) ==
          SOCLE_E_INVALID_ARGUMENT);
    CHECK(decision.effect == SOCLE_EFFECT_DENY && decision.reason == SOCLE_REASON_INVALID_REQUEST);
    socle_error_free(error);
    error = NULL;
    const uint32_t ids[1] = {0};
    const int32_t actions[1] = {SOCLE_ACTION_READ};
    const char* items[1] = {"doc"};
    const size_t item_lens[1] = {SIZE_MAX};
    int32_t effects[1] = {SOCLE_EFFECT_ALLOW};
    CHECK(socle_access_engine_decide_columns(engine, 1, ids, actions, ids, ids, ids, NULL, NULL,
                                             NULL, items, item_lens, 0, effects, NULL, NULL, NULL,
                                             NULL, &error) == SOCLE_E_INVALID_ARGUMENT);
    CHECK(error != NULL && strstr(socle_error_message(error), "item_lens[0]") != NULL);
    CHECK(effects[0] == SOCLE_EFFECT_DENY);
    socle_error_free(error);
    CHECK(socle_access_engine_revision(engine) == 0); /* nothing was applied */
  }
  socle_access_engine_free(engine);
  socle_policy_free(policy);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s WORK_DIR\n", argv[0]);
    return 2;
  }
  socle_vault* vault = open_vault(argv[1]);
  CHECK(vault != NULL);
  if (vault != NULL) {
    test_seal_huge_lengths(vault);
    test_pseudonym_batch_lengths(vault);
    test_event_lengths();
    test_string_lengths();
    socle_vault_free(vault);
  }
  return check_report("length limits");
}
