/* Two-person activation of a policy through the C ABI (REQ-62; docs/policy-approval.md), as a
 * vendor writing C uses it: compiled as C11, linked against libsocle only. On a state ledger the
 * CCAS policy is in force from its first opening; the front desk's wider matrix opens only once
 * the DPO and the head of service approved it and it was activated, with its trail operations;
 * one approval, the same twice, a forged signature and development mode as the issue lists them.
 *
 * usage: approval_test CCAS_POLICY_FILE WORK_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

#define NOW 4102444800 /* 2100-01-01 00:00:00 UTC, ahead of the real clock */

static const char kFrontDesk[] =
    "habilitations { role: \"secretaire_accueil\"  actions: [READ, WRITE, PRINT] "
    "data_categories: [\"administrative\"] }";
static const char kFrontDeskSocial[] =
    "habilitations { role: \"secretaire_accueil\"  actions: [READ, WRITE, PRINT] "
    "data_categories: [\"administrative\", \"social\"] }";

/* The CCAS policy of `path` with the front desk reading social data too; NULL on failure. */
static socle_policy* wider_policy(const char* path) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  static char text[1 << 20];
  const size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  const char* at = strstr(text, kFrontDesk);
  CHECK(at != NULL);
  if (at == NULL) return NULL;
  static char out[(1 << 20) + 256];
  const size_t head = (size_t)(at - text);
  memcpy(out, text, head);
  memcpy(out + head, kFrontDeskSocial, strlen(kFrontDeskSocial));
  strcpy(out + head + strlen(kFrontDeskSocial), at + strlen(kFrontDesk));
  socle_policy* policy = NULL;
  CHECK_RC(socle_policy_load(out, strlen(out), "wider.textproto", &policy, NULL), SOCLE_OK);
  return policy;
}

static socle_ledger* state_ledger(socle_vault* vault) {
  socle_ledger_options* options = NULL;
  CHECK(socle_ledger_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_ledger_options_set_durability(options, SOCLE_DURABILITY_NONE, NULL) == SOCLE_OK);
  socle_ledger* ledger = NULL;
  CHECK_RC(socle_ledger_open(vault, path_of("state.db"), S("state"), options, &ledger, NULL),
           SOCLE_OK);
  socle_ledger_options_free(options);
  return ledger;
}

static int32_t mode_of(const socle_access_engine* engine, uint64_t* pending) {
  int32_t mode = -1;
  CHECK_RC(socle_access_engine_policy_in_force(engine, &mode, NULL, pending, NULL), SOCLE_OK);
  return mode;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s CCAS_POLICY_FILE WORK_DIR\n", argv[0]);
    return 2;
  }
  check_set_work(argv[2]);
  static const char* const kFiles[] = {
      "a.key",        "a.vault",  "a.vault-wal",  "a.vault-shm",  "state.db", "state.db-wal",
      "state.db-shm", "trail.db", "trail.db-wal", "trail.db-shm", NULL};
  check_remove(kFiles);
  CHECK_RC(socle_init(), SOCLE_OK);
  socle_policy* ccas = check_policy_file(argv[1]);
  socle_policy* wider = wider_policy(argv[1]);
  socle_vault* vault = check_vault("a.key", "approval C test", "a.vault", "ccas");
  if (ccas == NULL || wider == NULL || vault == NULL) return check_report("approval_capi_test");
  socle_ledger* ledger = state_ledger(vault);
  socle_error* error = NULL;
  uint64_t revision = 0, pending = 99;

  /* A new ledger takes the CCAS policy as its first. */
  socle_access_engine* engine = NULL;
  CHECK_RC(socle_access_engine_open(ccas, ledger, &engine, NULL), SOCLE_OK);
  if (engine == NULL) return check_report("approval_capi_test");
  socle_access_engine_set_time(engine, NOW);
  CHECK(mode_of(engine, &pending) == SOCLE_POLICY_ACTIVATION_INITIAL);
  CHECK(pending == 0);
  socle_buffer digest = {0};
  CHECK_RC(socle_access_engine_policy_in_force(engine, NULL, &digest, NULL, NULL), SOCLE_OK);
  CHECK(digest.data != NULL &&
        strcmp((const char*)digest.data, socle_policy_digest_hex(ccas)) == 0);
  socle_buffer_free(&digest);
  CHECK_RC(socle_access_engine_load_directory_tsv(
               engine,
               S("dpo1\tdpo\tdirection\nresp1\tresponsable_service\tpole_social\n"
                 "ass1\tass\tpole_social\n"),
               S("p1\tpole_social\n"), NULL, NULL),
           SOCLE_OK);
  socle_access_trail* trail = check_trail(vault, engine);

  /* Keys: generated, registered. */
  socle_buffer signer[2] = {{0}, {0}}, verifier[2] = {{0}, {0}};
  const char* const who[2] = {"dpo1", "resp1"};
  for (int i = 0; i < 2; ++i) {
    CHECK_RC(socle_policy_approval_key_generate(S(who[i]), &signer[i], &verifier[i], NULL),
             SOCLE_OK);
    CHECK(signer[i].size > 0 && strncmp((const char*)signer[i].data, "PRIVATE+KEY+", 12) == 0);
    CHECK_RC(
        socle_access_engine_register_approval_key(engine, S(who[i]), (const char*)verifier[i].data,
                                                  verifier[i].size, S("dpo1"), &revision, NULL),
        SOCLE_OK);
  }
  socle_buffer scratch = {(uint8_t*)"x", 1}, scratch_verifier = {0};
  CHECK_RC(socle_policy_approval_key_generate(S("bad name"), &scratch, &scratch_verifier, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(scratch.size == 0 && scratch.data == NULL); /* emptied before failing */

  /* Approvals, each signed by its professional. */
  socle_buffer note[2] = {{0}, {0}};
  for (int i = 0; i < 2; ++i) {
    CHECK_RC(socle_policy_approval_sign(ccas, wider, S(who[i]), signer[i].data, signer[i].size,
                                        &note[i], NULL),
             SOCLE_OK);
  }
  /* A forged one: resp1's name, a key nobody registered. */
  socle_buffer forger = {0}, forger_verifier = {0}, forged = {0};
  CHECK_RC(socle_policy_approval_key_generate(S("resp1"), &forger, &forger_verifier, NULL),
           SOCLE_OK);
  CHECK_RC(
      socle_policy_approval_sign(ccas, wider, S("resp1"), forger.data, forger.size, &forged, NULL),
      SOCLE_OK);
  const int32_t rc = socle_access_trail_record_policy_approval(
      trail, engine, wider, (const char*)forged.data, forged.size, &revision, &error);
  check_refusal(rc, error, SOCLE_E_VERIFICATION_FAILED, "approval key", NULL);
  error = NULL;

  CHECK_RC(socle_access_trail_record_policy_approval(
               trail, engine, wider, (const char*)note[0].data, note[0].size, &revision, NULL),
           SOCLE_OK);
  /* One approval: not in force. */
  CHECK_RC(socle_access_trail_activate_policy(trail, engine, wider, S("dpo1"), &revision, NULL),
           SOCLE_E_FAILED_PRECONDITION);
  /* The same approval twice. */
  CHECK_RC(socle_access_trail_record_policy_approval(
               trail, engine, wider, (const char*)note[0].data, note[0].size, &revision, NULL),
           SOCLE_E_ALREADY_EXISTS);
  CHECK_RC(socle_access_trail_record_policy_approval(
               trail, engine, wider, (const char*)note[1].data, note[1].size, &revision, NULL),
           SOCLE_OK);
  CHECK(mode_of(engine, &pending) == SOCLE_POLICY_ACTIVATION_INITIAL);
  CHECK(pending == 2);
  uint64_t activated = 0;
  CHECK_RC(socle_access_trail_activate_policy(trail, engine, wider, S("resp1"), &activated, NULL),
           SOCLE_OK);
  CHECK(activated > revision);
  /* The engine of the former policy writes no more. */
  CHECK_RC(socle_access_engine_assign(engine, S("p1"), S("direction"), &revision, NULL),
           SOCLE_E_FAILED_PRECONDITION);
  socle_access_trail_free(trail);
  socle_access_engine_free(engine);

  /* The ledger opens with the new policy, not with the former one. */
  engine = NULL;
  CHECK_RC(socle_access_engine_open(ccas, ledger, &engine, NULL), SOCLE_E_FAILED_PRECONDITION);
  CHECK(engine == NULL);
  CHECK_RC(socle_access_engine_open(wider, ledger, &engine, NULL), SOCLE_OK);
  if (engine != NULL) {
    CHECK(mode_of(engine, &pending) == SOCLE_POLICY_ACTIVATION_APPROVED);
    CHECK(pending == 0);
    CHECK(socle_access_engine_revision(engine) == activated);
    socle_access_engine_free(engine);
  }
  /* Development mode runs the former one unapproved, and says so. */
  engine = NULL;
  CHECK_RC(socle_access_engine_open_mode(ccas, ledger, 7, &engine, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(
      socle_access_engine_open_mode(ccas, ledger, SOCLE_ENGINE_OPEN_DEVELOPMENT, &engine, NULL),
      SOCLE_OK);
  if (engine != NULL) {
    CHECK(mode_of(engine, NULL) == SOCLE_POLICY_ACTIVATION_DEVELOPMENT);
    socle_access_engine_free(engine);
  }
  CHECK_RC(socle_access_engine_policy_in_force(NULL, NULL, NULL, NULL, NULL),
           SOCLE_E_INVALID_ARGUMENT);

  for (int i = 0; i < 2; ++i) {
    socle_buffer_free(&signer[i]);
    socle_buffer_free(&verifier[i]);
    socle_buffer_free(&note[i]);
  }
  socle_buffer_free(&forger);
  socle_buffer_free(&forger_verifier);
  socle_buffer_free(&forged);
  socle_ledger_free(ledger);
  socle_vault_free(vault);
  socle_policy_free(ccas);
  socle_policy_free(wider);
  return check_report("approval_capi_test");
}
