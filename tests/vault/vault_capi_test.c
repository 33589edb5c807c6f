/* The vault's C ABI used the way a vendor would: compiled as C11, linked against libsocle only.
 * A key file, records sealed and opened, misplaced ciphertexts, shredding, rotation, and a key
 * provider over callbacks (a toy "HSM") whose failures come back as clean statuses.
 * Usage: vault_capi_test WORK_DIR */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

static const uint8_t kPass[] = "vault C test passphrase";
#define PASS_LEN (sizeof kPass - 1)
/* libsodium's INTERACTIVE Argon2id cost: the cheapest a key file may use outside C++ tests. */
#define KDF_OPS 2
#define KDF_MEM ((uint64_t)64 << 20)
static const char kNote[] = "Visite a domicile : besoin d'aide menagere.";

static void test_key_file_and_records(void) {
  socle_key_provider* provider = NULL;
  socle_error* error = NULL;
  remove(path_of("c.key"));
  remove(path_of("c.db"));
  /* Below libsodium's INTERACTIVE Argon2id cost is for tests only: the C ABI refuses it. */
  CHECK(socle_key_provider_create_key_file(path_of("c.key"), kPass, PASS_LEN, 1, 8192, &provider,
                                           NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(provider == NULL);
  int32_t rc = socle_key_provider_create_key_file(path_of("c.key"), kPass, PASS_LEN, KDF_OPS,
                                                  KDF_MEM, &provider, &error);
  CHECK(rc == SOCLE_OK);
  if (rc != SOCLE_OK) {
    fprintf(stderr, "  %s\n", socle_error_message(error));
    socle_error_free(error);
    return;
  }
  CHECK(strncmp(socle_key_provider_key_id(provider), "kf-", 3) == 0);

  /* A wrong passphrase: one generic error, nothing else. */
  socle_key_provider* wrong = NULL;
  rc = socle_key_provider_open_key_file(path_of("c.key"), (const uint8_t*)"not it at all", 13,
                                        &wrong, &error);
  CHECK(rc == SOCLE_E_VERIFICATION_FAILED);
  CHECK(wrong == NULL);
  CHECK(error != NULL && socle_error_code(error) == SOCLE_E_VERIFICATION_FAILED);
  socle_error_free(error);
  error = NULL;

  socle_vault_options* options = NULL;
  CHECK(socle_vault_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_vault_options_set_cache_capacity(options, 16, NULL) == SOCLE_OK);
  CHECK(socle_vault_options_set_cache_ttl_seconds(options, 0, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_vault_options_set_cache_ttl_seconds(options, 60, NULL) == SOCLE_OK);
  socle_vault* vault = NULL;
  rc = socle_vault_open(provider, path_of("c.db"), "ccas-lyon", 9, options, &vault, &error);
  socle_vault_options_free(options);
  socle_key_provider_free(provider); /* the vault keeps its own reference */
  CHECK(rc == SOCLE_OK);
  if (rc != SOCLE_OK) {
    fprintf(stderr, "  %s\n", socle_error_message(error));
    socle_error_free(error);
    return;
  }

  socle_buffer sealed = {0};
  rc = socle_vault_seal_record(vault, "P-000123", 8, "note-1", 6, 1, (const uint8_t*)kNote,
                               strlen(kNote), &sealed, NULL);
  CHECK(rc == SOCLE_OK);
  CHECK(sealed.size == strlen(kNote) + SOCLE_VAULT_SEAL_OVERHEAD);
  CHECK(sealed.data != NULL && sealed.data[0] == 0x01);

  socle_buffer plain = {0};
  rc = socle_vault_open_record(vault, "P-000123", 8, "note-1", 6, 1, sealed.data, sealed.size,
                               &plain, NULL);
  CHECK(rc == SOCLE_OK);
  CHECK(plain.size == strlen(kNote) && memcmp(plain.data, kNote, plain.size) == 0);
  socle_buffer_free(&plain);

  /* Another person, another record, another schema version, a flipped byte. */
  CHECK(socle_vault_seal_record(vault, "P-000124", 8, "x", 1, 1, (const uint8_t*)"x", 1, &plain,
                                NULL) == SOCLE_OK);
  socle_buffer_free(&plain);
  CHECK(socle_vault_open_record(vault, "P-000124", 8, "note-1", 6, 1, sealed.data, sealed.size,
                                &plain, NULL) == SOCLE_E_VERIFICATION_FAILED);
  CHECK(socle_vault_open_record(vault, "P-000123", 8, "note-2", 6, 1, sealed.data, sealed.size,
                                &plain, NULL) == SOCLE_E_VERIFICATION_FAILED);
  CHECK(socle_vault_open_record(vault, "P-000123", 8, "note-1", 6, 2, sealed.data, sealed.size,
                                &plain, NULL) == SOCLE_E_VERIFICATION_FAILED);
  sealed.data[sealed.size - 1] ^= 1;
  rc = socle_vault_open_record(vault, "P-000123", 8, "note-1", 6, 1, sealed.data, sealed.size,
                               &plain, &error);
  CHECK(rc == SOCLE_E_VERIFICATION_FAILED);
  CHECK(error != NULL && strcmp(socle_error_message(error), "verification failed") == 0);
  socle_error_free(error);
  error = NULL;
  CHECK(plain.data == NULL && plain.size == 0);
  sealed.data[sealed.size - 1] ^= 1;

  /* Rotation, then the pseudonymisation secrets. */
  uint32_t version = 0;
  CHECK(socle_vault_rotate_master_key(vault, 1, &version, NULL) == SOCLE_OK);
  CHECK(version == 2);
  CHECK(socle_vault_rotate_master_key(vault, 7, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_vault_open_record(vault, "P-000123", 8, "note-1", 6, 1, sealed.data, sealed.size,
                                &plain, NULL) == SOCLE_OK);
  socle_buffer_free(&plain);
  CHECK(socle_vault_current_pseudonym_version(vault, &version, NULL) == SOCLE_OK && version == 1);
  CHECK(socle_vault_rotate_pseudonym_secret(vault, &version, NULL) == SOCLE_OK && version == 2);
  CHECK(socle_vault_destroy_pseudonym_secret(vault, 2, NULL) == SOCLE_E_FAILED_PRECONDITION);
  CHECK(socle_vault_destroy_pseudonym_secret(vault, 1, NULL) == SOCLE_OK);
  CHECK(socle_vault_verify(vault, NULL) == SOCLE_OK);

  /* Shredding makes the record unreadable for good. */
  CHECK(socle_vault_shred_person(vault, "P-000123", 8, NULL) == SOCLE_OK);
  CHECK(socle_vault_open_record(vault, "P-000123", 8, "note-1", 6, 1, sealed.data, sealed.size,
                                &plain, NULL) == SOCLE_E_NOT_FOUND);
  CHECK(socle_vault_shred_person(vault, "P-000123", 8, NULL) == SOCLE_E_NOT_FOUND);

  /* NULL arguments are statuses, not crashes. */
  CHECK(socle_vault_seal_record(NULL, "P", 1, "r", 1, 1, NULL, 0, &plain, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_vault_seal_record(vault, NULL, 3, "r", 1, 1, NULL, 0, &plain, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_vault_seal_record(vault, "P", 1, "r", 1, 1, NULL, 0, NULL, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_vault_open(NULL, NULL, NULL, 0, NULL, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
  socle_buffer_free(&sealed);
  socle_vault_free(vault);
  socle_vault_free(NULL);
  socle_key_provider_free(NULL);

  /* The passphrase can change; the data stays readable. */
  CHECK(socle_key_provider_open_key_file(path_of("c.key"), kPass, PASS_LEN, &provider, NULL) ==
        SOCLE_OK);
  CHECK(socle_key_provider_change_passphrase(provider, (const uint8_t*)"a brand new passphrase", 22,
                                             KDF_OPS, KDF_MEM, NULL) == SOCLE_OK);
  socle_key_provider_free(provider);
  CHECK(socle_key_provider_open_key_file(path_of("c.key"), kPass, PASS_LEN, &provider, NULL) ==
        SOCLE_E_VERIFICATION_FAILED);
  CHECK(socle_key_provider_open_key_file(path_of("c.key"), (const uint8_t*)"a brand new passphrase",
                                         22, &provider, NULL) == SOCLE_OK);
  socle_key_provider_free(provider);
}

/* ---- A toy HSM behind the callbacks. Its "wrapping" only XORs (it is a test double, not
 * cryptography), but it binds the associated data and the version, as a real one must. ---- */

enum { FAIL_NONE, FAIL_IO, FAIL_UNKNOWN_CODE, FAIL_SHORT_KEY, FAIL_ERRNO_ONLY };

typedef struct toy_hsm {
  uint32_t current;
  int fail_unwrap;
  int destroyed;
  int calls;
} toy_hsm;

static int32_t toy_current(void* user_data, uint32_t* out_version) {
  toy_hsm* hsm = (toy_hsm*)user_data;
  ++hsm->calls;
  errno = EPIPE; /* socle restores errno around every callback */
  *out_version = hsm->current;
  return SOCLE_OK;
}

static int32_t toy_wrap(void* user_data, uint32_t version, const uint8_t* key, size_t key_len,
                        const uint8_t* ad, size_t ad_len, uint8_t* out, size_t cap,
                        size_t* out_len) {
  toy_hsm* hsm = (toy_hsm*)user_data;
  ++hsm->calls;
  errno = EIO;
  if (8 + ad_len + key_len > cap) return SOCLE_E_OUT_OF_RANGE;
  memcpy(out, &version, 4);
  memcpy(out + 4, &ad_len, 4);
  memcpy(out + 8, ad, ad_len);
  for (size_t i = 0; i < key_len; ++i) out[8 + ad_len + i] = key[i] ^ (uint8_t)(0x5a + version);
  *out_len = 8 + ad_len + key_len;
  return SOCLE_OK;
}

static int32_t toy_unwrap(void* user_data, uint32_t version, const uint8_t* wrapped,
                          size_t wrapped_len, const uint8_t* ad, size_t ad_len, uint8_t* out,
                          size_t cap, size_t* out_len) {
  toy_hsm* hsm = (toy_hsm*)user_data;
  ++hsm->calls;
  errno = ENOENT;
  if (hsm->fail_unwrap == FAIL_IO) return SOCLE_E_IO;
  if (hsm->fail_unwrap == FAIL_UNKNOWN_CODE) return 999;
  uint32_t v = 0;
  uint32_t len = 0;
  if (wrapped_len < 8) return SOCLE_E_VERIFICATION_FAILED;
  memcpy(&v, wrapped, 4);
  memcpy(&len, wrapped + 4, 4);
  if (v != version || len != ad_len || wrapped_len != 8 + ad_len + SOCLE_VAULT_KEY_BYTES ||
      memcmp(wrapped + 8, ad, ad_len) != 0 || cap < SOCLE_VAULT_KEY_BYTES) {
    return SOCLE_E_VERIFICATION_FAILED;
  }
  for (size_t i = 0; i < SOCLE_VAULT_KEY_BYTES; ++i) {
    out[i] = wrapped[8 + ad_len + i] ^ (uint8_t)(0x5a + version);
  }
  *out_len = hsm->fail_unwrap == FAIL_SHORT_KEY ? 16 : SOCLE_VAULT_KEY_BYTES;
  return SOCLE_OK;
}

static int32_t toy_rotate(void* user_data, uint32_t* out_new_version) {
  toy_hsm* hsm = (toy_hsm*)user_data;
  *out_new_version = ++hsm->current;
  return SOCLE_OK;
}

static void toy_destroy(void* user_data) { ++((toy_hsm*)user_data)->destroyed; }

static socle_key_provider_callbacks toy_callbacks(toy_hsm* hsm) {
  socle_key_provider_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = SOCLE_KEY_PROVIDER_CALLBACKS_VERSION;
  cb.user_data = hsm;
  cb.key_id = "toy-hsm:key/1";
  cb.current_version = toy_current;
  cb.wrap = toy_wrap;
  cb.unwrap = toy_unwrap;
  cb.rotate = toy_rotate;
  cb.retire_before = NULL;
  cb.destroy = toy_destroy;
  return cb;
}

static void test_callback_provider(void) {
  toy_hsm hsm = {1, FAIL_NONE, 0, 0};
  socle_key_provider_callbacks cb = toy_callbacks(&hsm);
  socle_key_provider* provider = NULL;
  socle_error* error = NULL;

  /* Bad structs are refused, and destroy is not called for them. */
  cb.version = 0;
  CHECK(socle_key_provider_create_from_callbacks(&cb, &provider, NULL) == SOCLE_E_INVALID_ARGUMENT);
  cb.version = SOCLE_KEY_PROVIDER_CALLBACKS_VERSION;
  cb.unwrap = NULL;
  CHECK(socle_key_provider_create_from_callbacks(&cb, &provider, NULL) == SOCLE_E_INVALID_ARGUMENT);
  cb.unwrap = toy_unwrap;
  cb.key_id = "";
  CHECK(socle_key_provider_create_from_callbacks(&cb, &provider, NULL) == SOCLE_E_INVALID_ARGUMENT);
  cb.key_id = "toy-hsm:key/1";
  CHECK(hsm.destroyed == 0);

  CHECK(socle_key_provider_create_from_callbacks(&cb, &provider, NULL) == SOCLE_OK);
  CHECK(strcmp(socle_key_provider_key_id(provider), "toy-hsm:key/1") == 0);
  remove(path_of("hsm.db"));
  socle_vault* vault = NULL;
  int32_t rc = socle_vault_open(provider, path_of("hsm.db"), "dept-69", 7, NULL, &vault, &error);
  CHECK(rc == SOCLE_OK);
  if (rc != SOCLE_OK) {
    fprintf(stderr, "  %s\n", socle_error_message(error));
    socle_error_free(error);
    socle_key_provider_free(provider);
    return;
  }
  CHECK(hsm.calls > 0);

  socle_buffer sealed = {0};
  socle_buffer plain = {0};
  CHECK(socle_vault_seal_record(vault, "P-1", 3, "r", 1, 1, (const uint8_t*)"hello", 5, &sealed,
                                NULL) == SOCLE_OK);
  uint32_t version = 0;
  CHECK(socle_vault_rotate_master_key(vault, 1, &version, NULL) ==
        SOCLE_OK); /* no retire_before: kept */
  CHECK(version == 2);

  /* A new vault (empty cache) must unwrap: every failure of the HSM is a clean status. */
  socle_vault* cold = NULL;
  CHECK(socle_vault_open(provider, path_of("hsm.db"), "dept-69", 7, NULL, &cold, NULL) == SOCLE_OK);
  hsm.fail_unwrap = FAIL_IO;
  rc = socle_vault_open_record(cold, "P-1", 3, "r", 1, 1, sealed.data, sealed.size, &plain, &error);
  CHECK(rc == SOCLE_E_IO);
  CHECK(error != NULL && strstr(socle_error_message(error), "unwrap callback failed") != NULL);
  socle_error_free(error);
  error = NULL;
  hsm.fail_unwrap = FAIL_UNKNOWN_CODE;
  CHECK(socle_vault_open_record(cold, "P-1", 3, "r", 1, 1, sealed.data, sealed.size, &plain,
                                NULL) == SOCLE_E_INTERNAL);
  hsm.fail_unwrap = FAIL_SHORT_KEY;
  CHECK(socle_vault_open_record(cold, "P-1", 3, "r", 1, 1, sealed.data, sealed.size, &plain,
                                NULL) == SOCLE_E_VERIFICATION_FAILED);
  hsm.fail_unwrap = FAIL_NONE;
  /* The unwrap callback sets errno to ENOENT; the caller's errno survives the call. */
  errno = ERANGE;
  CHECK(socle_vault_open_record(cold, "P-1", 3, "r", 1, 1, sealed.data, sealed.size, &plain,
                                NULL) == SOCLE_OK);
  CHECK(errno == ERANGE);
  CHECK(plain.size == 5 && memcmp(plain.data, "hello", 5) == 0);
  socle_buffer_free(&plain);
  socle_buffer_free(&sealed);

  /* destroy runs once, when the last user (provider handle or vault) is gone. */
  socle_key_provider_free(provider);
  CHECK(hsm.destroyed == 0);
  socle_vault_free(vault);
  CHECK(hsm.destroyed == 0);
  socle_vault_free(cold);
  CHECK(hsm.destroyed == 1);
}

/* A minimal valid policy with one PERSON pseudonymisation domain. */
static const char kPolicy[] =
    "format_version: 1\n"
    "id: \"vault_c\"\n"
    "controller { name: \"CCAS\" contact: \"dpo@example.org\" }\n"
    "data_categories { id: \"social\" sensitivity: ORDINARY }\n"
    "person_categories { id: \"person\" }\n"
    "roles { id: \"ass\" secrecy: BY_PROFESSION secrecy_reference: \"CASF L.411-3\" }\n"
    "activities {\n"
    "  id: \"etude\" purpose: \"etude longitudinale\" purpose_kind: STATISTICS\n"
    "  legal_basis: PUBLIC_TASK legal_basis_reference: \"CASF L.123-1\"\n"
    "  data_categories: \"social\" person_categories: \"person\"\n"
    "  recipients { name: \"laboratoire\" kind: PARTNER }\n"
    "  retention { data_category: \"social\" start: CREATION active_months: 24 end_action: DELETE "
    "}\n"
    "  security_measures: \"chiffrement\"\n"
    "}\n"
    "pseudonym_domains { id: \"recherche\" kind: PERSON activity: \"etude\"\n"
    "  linkage_justification: \"trois vagues\" }\n";

/* Pseudonyms whose secret stays in the vault: the same person gets the same PERSON pseudonym from
 * two vault handles on the same database. */
static void test_pseudonyms_from_vault(void) {
  socle_policy* policy = NULL;
  CHECK(socle_policy_load(kPolicy, strlen(kPolicy), "vault_c", &policy, NULL) == SOCLE_OK);
  socle_key_provider* provider = NULL;
  remove(path_of("p.key"));
  remove(path_of("p.db"));
  CHECK(socle_key_provider_create_key_file(path_of("p.key"), kPass, PASS_LEN, KDF_OPS, KDF_MEM,
                                           &provider, NULL) == SOCLE_OK);
  char first[SOCLE_PSEUDONYM_TEXT_LEN], second[SOCLE_PSEUDONYM_TEXT_LEN];
  char* outs[2] = {first, second};
  for (int round = 0; round < 2 && policy != NULL && provider != NULL; ++round) {
    socle_vault* vault = NULL;
    CHECK(socle_vault_open(provider, path_of("p.db"), "ccas", 4, NULL, &vault, NULL) == SOCLE_OK);
    socle_pseudonymizer* pseudonymizer = NULL;
    socle_error* error = NULL;
    int32_t rc = socle_pseudonymizer_create_from_vault(policy, vault, NULL, &pseudonymizer, &error);
    CHECK(rc == SOCLE_OK);
    if (rc != SOCLE_OK) fprintf(stderr, "  %s\n", socle_error_message(error));
    socle_error_free(error);
    socle_vault_free(vault); /* the pseudonymizer keeps what it needs */
    socle_pseudonym_context* context = NULL;
    CHECK(socle_pseudonymizer_new_context(pseudonymizer, "recherche", 9, NULL, 0, 0, &context,
                                          NULL) == SOCLE_OK);
    CHECK(socle_pseudonym_context_compute(context, (const uint8_t*)"usager-1", 8,
                                          SOCLE_PSEUDONYM_FORMAT_TEXT, (uint8_t*)outs[round],
                                          SOCLE_PSEUDONYM_TEXT_LEN, NULL) == SOCLE_OK);
    socle_pseudonym_context_free(context);
    socle_pseudonymizer_free(pseudonymizer);
  }
  CHECK(first[0] == 'P');
  CHECK(memcmp(first, second, SOCLE_PSEUDONYM_TEXT_LEN) == 0);
  socle_pseudonymizer* none = (socle_pseudonymizer*)1;
  CHECK(socle_pseudonymizer_create_from_vault(policy, NULL, NULL, &none, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(none == NULL);
  socle_key_provider_free(provider);
  socle_policy_free(policy);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: vault_capi_test WORK_DIR\n");
    return 2;
  }
  check_set_work(argv[1]);
  CHECK(socle_init() == SOCLE_OK);
  test_key_file_and_records();
  test_callback_provider();
  test_pseudonyms_from_vault();
  return check_report("vault C ABI");
}
