/* The ledger and the access trail through the C ABI, as a vendor writing C uses them: compiled as
 * C11, linked against libsocle only. A vault and a ledger, decisions recorded through the trail
 * (one, a batch, columns), an operation, the person's history read by an auditor and by the
 * person, with proofs checked against the ledger's own, verification, the refused edits and a
 * reader who may not read. A storage location (socle_storage_open) opening a vault and a ledger
 * in a directory, and, given a file holding a PostgreSQL URI, in that database.
 *
 * usage: ledger_capi_test POLICY_FILE WORK_DIR [POSTGRES_CONNINFO_FILE] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "socle/socle.h"

static uint32_t id_of(int32_t (*lookup)(const socle_access_engine*, const char*, size_t, uint32_t*,
                                        socle_error**),
                      const socle_access_engine* engine, const char* id) {
  uint32_t out = SOCLE_NO_ID;
  return lookup(engine, id, strlen(id), &out, NULL) == SOCLE_OK ? out : SOCLE_NO_ID;
}

static socle_access_engine* make_engine(const char* policy_path) {
  socle_policy* policy = NULL;
  socle_access_engine* engine = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_policy_load_file(policy_path, &policy, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  if (rc != SOCLE_OK) return NULL;
  CHECK(socle_access_engine_create(policy, &engine, NULL) == SOCLE_OK);
  socle_policy_free(policy);
  const char* team = "pole-social";
  const size_t team_len = strlen(team);
  CHECK(socle_access_engine_upsert_professional(engine, S("ass1"), S("ass"), &team, &team_len, 1, 0,
                                                NULL, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_upsert_professional(engine, S("sec1"), S("secretaire_accueil"), &team,
                                                &team_len, 1, 0, NULL, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_upsert_professional(engine, S("aud1"), S("auditeur_securite"), NULL,
                                                NULL, 0, 0, NULL, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_upsert_person(engine, S("P-1"), &team, &team_len, 1, S(""), NULL,
                                          NULL) == SOCLE_OK);
  CHECK(socle_access_engine_upsert_person(engine, S("P-2"), &team, &team_len, 1, S(""), NULL,
                                          NULL) == SOCLE_OK);
  return engine;
}

static socle_access_request request(const socle_access_engine* engine, const char* actor,
                                    const char* person, const char* category) {
  socle_access_request r;
  socle_access_request_init(&r);
  r.actor = id_of(socle_access_engine_find_professional, engine, actor);
  r.person = id_of(socle_access_engine_find_person, engine, person);
  r.category = id_of(socle_access_engine_find_category, engine, category);
  r.purpose = id_of(socle_access_engine_find_purpose, engine, "accompagnement_social");
  r.item = "note-7";
  r.item_len = 6;
  return r;
}

/* Checks entry `i`'s proof of a history page against the ledger's own proof of that index. */
static void check_proof(socle_ledger* ledger, const socle_history* h, size_t i) {
  uint8_t leaf[SOCLE_LEDGER_HASH_BYTES], hashes[64 * SOCLE_LEDGER_HASH_BYTES];
  uint8_t leaf2[SOCLE_LEDGER_HASH_BYTES], hashes2[64 * SOCLE_LEDGER_HASH_BYTES];
  size_t count = 0, count2 = 0;
  uint64_t tree_size = 0;
  CHECK(socle_history_entry_proof(h, i, leaf, sizeof leaf, hashes, sizeof hashes, &count, NULL) ==
        SOCLE_OK);
  CHECK(socle_ledger_prove_inclusion(
            ledger, socle_history_entry_index(h, i), socle_history_checkpoint_size(h), &tree_size,
            leaf2, sizeof leaf2, hashes2, sizeof hashes2, &count2, NULL) == SOCLE_OK);
  CHECK(tree_size == socle_history_checkpoint_size(h));
  CHECK(count == count2);
  CHECK(memcmp(leaf, leaf2, sizeof leaf) == 0);
  CHECK(memcmp(hashes, hashes2, count * SOCLE_LEDGER_HASH_BYTES) == 0);
  if (count > 0) {
    /* Too little room: OUT_OF_RANGE, and the count it needs. */
    size_t needed = 0;
    CHECK(socle_history_entry_proof(h, i, leaf, sizeof leaf, hashes, SOCLE_LEDGER_HASH_BYTES - 1,
                                    &needed, NULL) == SOCLE_E_OUT_OF_RANGE);
    CHECK(needed == count);
  }
}

static void test_trail(const char* policy_path) {
  socle_error* error = NULL;
  socle_key_provider* provider = NULL;
  int32_t rc = socle_key_provider_create_key_file(path_of("l.key"), (const uint8_t*)"ledger C test",
                                                  13, 2, (uint64_t)64 << 20, &provider, &error);
  CHECK_OK(rc, error);
  if (rc != SOCLE_OK) return;
  socle_vault* vault = NULL;
  CHECK(socle_vault_open(provider, path_of("l.vault"), S("ccas-lyon"), NULL, &vault, NULL) ==
        SOCLE_OK);
  socle_key_provider_free(provider);

  socle_ledger_options* options = NULL;
  CHECK(socle_ledger_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_ledger_options_set_durability(options, 7, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_ledger_options_set_durability(options, SOCLE_DURABILITY_SYNC, NULL) == SOCLE_OK);
  CHECK(socle_ledger_options_set_group_commit_delay_micros(options, 10, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_ledger_options_set_checkpoint_every(options, 0, NULL) == SOCLE_OK);
  CHECK(socle_ledger_options_set_checkpoint_interval_millis(options, 0, NULL) == SOCLE_OK);
  CHECK(socle_ledger_options_set_witness_path(options, path_of("trail.witness"), NULL) == SOCLE_OK);
  socle_ledger* ledger = NULL;
  CHECK(socle_ledger_open(vault, path_of("trail.db"), S("Not A Name"), options, &ledger, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(ledger == NULL);
  rc = socle_ledger_open(vault, path_of("trail.db"), S("access_trail"), options, &ledger, &error);
  CHECK_OK(rc, error);
  socle_ledger_options_free(options);
  socle_vault_free(vault); /* the ledger keeps the vault alive */
  if (rc != SOCLE_OK) return;
  CHECK(strcmp(socle_ledger_name(ledger), "access_trail") == 0);
  CHECK(strcmp(socle_ledger_origin(ledger), "socle/ccas-lyon/access_trail") == 0);
  CHECK(strncmp(socle_ledger_verifier_key(ledger), "socle/ccas-lyon/access_trail+", 29) == 0);

  socle_access_engine* engine = make_engine(policy_path);
  if (engine == NULL) return;
  socle_access_trail* trail = NULL;
  CHECK(socle_access_trail_create(ledger, engine, &trail, NULL) == SOCLE_OK);
  socle_ledger_free(ledger); /* the trail keeps the ledger open */
  ledger = NULL;

  uint64_t size0 = 0;
  /* One decision, allowed, and one denied: each is an entry. */
  socle_access_request allowed = request(engine, "ass1", "P-1", "social");
  socle_access_request denied = request(engine, "sec1", "P-1", "social");
  socle_decision d;
  CHECK(socle_access_trail_decide(trail, &allowed, NULL, 0, &d, NULL) == SOCLE_OK);
  CHECK(d.effect == SOCLE_EFFECT_ALLOW);
  CHECK(socle_access_trail_decide(trail, &denied, S("urgence"), &d, NULL) == SOCLE_OK);
  CHECK(d.effect == SOCLE_EFFECT_DENY);
  /* A batch of three, one of them invalid (unknown actor). */
  socle_access_request batch[3] = {allowed, denied, allowed};
  batch[2].actor = 12345;
  socle_decision out[3];
  /* The status names the invalid one; the others are decided all the same. */
  CHECK(socle_access_trail_decide_many(trail, batch, 3, out, NULL) != SOCLE_OK);
  CHECK(out[0].effect == SOCLE_EFFECT_ALLOW && out[1].effect == SOCLE_EFFECT_DENY);
  CHECK(out[2].effect == SOCLE_EFFECT_DENY && out[2].reason == SOCLE_REASON_INVALID_REQUEST);
  /* Columns: P-2 read by ass1. */
  const uint32_t actors[1] = {allowed.actor};
  const int32_t actions[1] = {SOCLE_ACTION_READ};
  const uint32_t persons[1] = {id_of(socle_access_engine_find_person, engine, "P-2")};
  const uint32_t categories[1] = {allowed.category};
  const uint32_t purposes[1] = {allowed.purpose};
  int32_t effects[1] = {-1};
  uint64_t revision = 0;
  CHECK(socle_access_trail_decide_columns(trail, 1, actors, actions, persons, categories, purposes,
                                          NULL, NULL, NULL, NULL, NULL, 0, effects, NULL, NULL,
                                          NULL, &revision, NULL) == SOCLE_OK);
  CHECK(effects[0] == SOCLE_EFFECT_ALLOW);
  CHECK(revision == out[0].revision && revision > 0);
  CHECK(socle_access_trail_record_operation(trail, SOCLE_TRAIL_OPERATION_EXPORT, S("ass1"),
                                            S("P-1"), S("export pdf"), NULL) == SOCLE_OK);
  CHECK(socle_access_trail_record_operation(trail, 99, S("ass1"), S("P-1"), S("x"), NULL) ==
        SOCLE_E_INVALID_ARGUMENT);

  /* The history of P-1, read by the auditor: the decisions about P-1 and the export. */
  socle_history* h = NULL;
  rc = socle_access_trail_history(trail, S("P-1"), S("aud1"), 0, 0, 0, -1, 100, &h, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  if (rc == SOCLE_OK) {
    const size_t n = socle_history_entry_count(h);
    size_t decisions = 0, operations = 0;
    for (size_t i = 0; i < n; ++i) {
      CHECK(socle_history_entry_readable(h, i) == 1);
      if (socle_history_entry_type(h, i) == SOCLE_LEDGER_ENTRY_ACCESS_DECISION) {
        if (decisions == 0) {
          CHECK(strcmp(socle_history_entry_actor(h, i), "ass1") == 0);
          CHECK(strcmp(socle_history_entry_role(h, i), "ass") == 0);
          CHECK(strcmp(socle_history_entry_category(h, i), "social") == 0);
          CHECK(strcmp(socle_history_entry_purpose(h, i), "accompagnement_social") == 0);
          CHECK(strcmp(socle_history_entry_item(h, i), "note-7") == 0);
          CHECK(socle_history_entry_action(h, i) == SOCLE_ACTION_READ);
          CHECK(socle_history_entry_allowed(h, i) == 1);
          CHECK(strcmp(socle_history_entry_reason(h, i), "allowed") == 0);
          CHECK(socle_history_entry_rule(h, i)[0] != 0);
        }
        if (decisions == 1) {
          CHECK(strcmp(socle_history_entry_actor(h, i), "sec1") == 0);
          CHECK(socle_history_entry_allowed(h, i) == 0);
          CHECK(strcmp(socle_history_entry_justification(h, i), "urgence") == 0);
        }
        ++decisions;
      } else if (strcmp(socle_history_entry_operation(h, i), "export") == 0) {
        CHECK(strcmp(socle_history_entry_detail(h, i), "export pdf") == 0);
        ++operations;
      }
      CHECK(socle_history_entry_time_unix_seconds(h, i) > 1700000000);
    }
    /* 2 + the batch's 3 (the invalid request is recorded too: its person is known). */
    CHECK_MSG(decisions == 5, "%zu decisions about P-1", decisions);
    CHECK(operations == 1);
    CHECK(socle_history_next_after(h) == -1);
    CHECK(strncmp(socle_history_checkpoint_note(h), "socle/ccas-lyon/access_trail\n", 29) == 0);
    /* Out of range: "" and 0, and OUT_OF_RANGE for the proof. */
    CHECK(strcmp(socle_history_entry_actor(h, n), "") == 0);
    size_t count = 0;
    CHECK(socle_history_entry_proof(h, n, NULL, 0, NULL, 0, &count, NULL) == SOCLE_E_OUT_OF_RANGE);
  }

  /* Paging: one entry a page, through next_after, reaches every entry once. */
  size_t paged = 0;
  int64_t after = -1;
  do {
    socle_history* page = NULL;
    if (socle_access_trail_history(trail, S("P-1"), S("P-1"), 1, 0, 0, after, 1, &page, NULL) !=
        SOCLE_OK) {
      CHECK(0);
      break;
    }
    paged += socle_history_entry_count(page);
    after = socle_history_next_after(page);
    socle_history_free(page);
  } while (after != -1 && paged < 100);
  CHECK_MSG(paged >= 6, "%zu entries paged", paged); /* + the auditor's read */

  /* A reader who is neither the person nor an auditor: refused. */
  socle_history* refused = NULL;
  CHECK(socle_access_trail_history(trail, S("P-1"), S("sec1"), 0, 0, 0, -1, 100, &refused, NULL) ==
        SOCLE_E_PERMISSION_DENIED);
  CHECK(refused == NULL);

  /* Who may read P-1's file now (REQ-55): ass1 and sec1 through the team pole-social. */
  socle_current_access* access = NULL;
  CHECK(socle_access_trail_current_access(trail, S("P-1"), &access, NULL) == SOCLE_OK);
  CHECK(socle_current_access_count(access) == 2);
  CHECK(strcmp(socle_current_access_professional(access, 0), "ass1") == 0);
  CHECK(strcmp(socle_current_access_role(access, 0), "ass") == 0);
  CHECK(strcmp(socle_current_access_basis(access, 0), "team") == 0);
  CHECK(strcmp(socle_current_access_team(access, 0), "pole-social") == 0);
  CHECK(socle_current_access_expires_unix_seconds(access, 0) == 0);
  CHECK(strcmp(socle_current_access_professional(access, 1), "sec1") == 0);
  CHECK(strcmp(socle_current_access_professional(access, 2), "") == 0); /* out of range */
  socle_current_access_free(access);
  access = NULL;
  CHECK(socle_access_trail_current_access(trail, S("nobody"), &access, NULL) == SOCLE_E_NOT_FOUND);
  CHECK(access == NULL);

  socle_access_trail_free(trail);
  socle_access_engine_free(engine);

  /* The ledger again: size, checkpoint, proofs, verification, the refused edits. */
  CHECK(socle_vault_open(NULL, path_of("l.vault"), S("ccas-lyon"), NULL, &vault, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_key_provider_open_key_file(path_of("l.key"), (const uint8_t*)"ledger C test", 13,
                                         &provider, NULL) == SOCLE_OK);
  CHECK(socle_vault_open(provider, path_of("l.vault"), S("ccas-lyon"), NULL, &vault, NULL) ==
        SOCLE_OK);
  socle_key_provider_free(provider);
  rc = socle_ledger_open(vault, path_of("trail.db"), S("access_trail"), NULL, &ledger, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  socle_vault_free(vault);
  if (ledger == NULL) {
    socle_history_free(h);
    return;
  }
  CHECK(socle_ledger_size(ledger, &size0, NULL) == SOCLE_OK);
  CHECK(size0 >= 8);
  if (h != NULL) {
    for (size_t i = 0; i < socle_history_entry_count(h); ++i) check_proof(ledger, h, i);
    socle_history_free(h);
  }
  socle_buffer note = {0};
  uint64_t cp_size = 0;
  uint8_t root[SOCLE_LEDGER_HASH_BYTES];
  CHECK(socle_ledger_checkpoint(ledger, &note, &cp_size, root, sizeof root, NULL) == SOCLE_OK);
  CHECK(cp_size == size0);
  CHECK(note.size > 0 && memcmp(note.data, "socle/ccas-lyon/access_trail\n", 29) == 0);
  socle_buffer_free(&note);

  uint64_t ticket = 0, first = 0;
  CHECK(socle_ledger_append(ledger, SOCLE_LEDGER_ENTRY_OPERATION, NULL, 0,
                            (const uint8_t*)"\x08\x01", 2, &ticket, NULL) == SOCLE_OK);
  CHECK(socle_ledger_wait_durable(ledger, ticket, &first, NULL) == SOCLE_OK);
  CHECK(first == size0);
  CHECK(socle_ledger_append(ledger, 42, NULL, 0, NULL, 0, &ticket, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_ledger_flush(ledger, NULL) == SOCLE_OK);

  socle_ledger_entries* entries = NULL;
  CHECK(socle_ledger_read_entries(ledger, 0, 1000, &entries, NULL) == SOCLE_OK);
  CHECK(socle_ledger_entries_count(entries) == size0 + 1);
  CHECK(socle_ledger_entries_index(entries, 3) == 3);
  CHECK(socle_ledger_entries_type(entries, (size_t)size0) == SOCLE_LEDGER_ENTRY_OPERATION);
  CHECK(socle_ledger_entries_pruned(entries, 0) == 0);
  socle_buffer bytes = {0};
  uint8_t leaf[SOCLE_LEDGER_HASH_BYTES], leaf2[SOCLE_LEDGER_HASH_BYTES];
  CHECK(socle_ledger_entries_bytes(entries, 1, &bytes, leaf, sizeof leaf, NULL) == SOCLE_OK);
  CHECK(bytes.size > 0);
  socle_buffer_free(&bytes);
  size_t count = 0;
  uint64_t tree = 0;
  CHECK(socle_ledger_prove_inclusion(ledger, 1, 0, &tree, leaf2, sizeof leaf2, NULL, 0, &count,
                                     NULL) == SOCLE_E_OUT_OF_RANGE); /* needs room for hashes */
  CHECK(count > 0);
  CHECK(memcmp(leaf, leaf2, sizeof leaf) == 0);
  CHECK(socle_ledger_entries_bytes(entries, 100000, &bytes, NULL, 0, NULL) == SOCLE_E_OUT_OF_RANGE);
  socle_ledger_entries_free(entries);

  /* Edits are refused and recorded. */
  CHECK(socle_ledger_update_entry(ledger, 1, S("admin"), NULL) == SOCLE_E_LOG_TAMPER_ATTEMPT);
  CHECK(socle_ledger_delete_entry(ledger, 1, S("admin"), &error) == SOCLE_E_LOG_TAMPER_ATTEMPT);
  CHECK(error != NULL && socle_error_code(error) == SOCLE_E_LOG_TAMPER_ATTEMPT);
  socle_error_free(error);
  uint64_t size1 = 0;
  CHECK(socle_ledger_flush(ledger, NULL) == SOCLE_OK);
  CHECK(socle_ledger_size(ledger, &size1, NULL) == SOCLE_OK);
  CHECK(size1 == size0 + 3);
  CHECK(socle_ledger_read_entries(ledger, size0 + 1, 10, &entries, NULL) == SOCLE_OK);
  CHECK(socle_ledger_entries_count(entries) == 2);
  CHECK(socle_ledger_entries_type(entries, 0) == SOCLE_LEDGER_ENTRY_TAMPER_ALERT);
  CHECK(socle_ledger_entries_type(entries, 1) == SOCLE_LEDGER_ENTRY_TAMPER_ALERT);
  socle_ledger_entries_free(entries);

  int32_t ok = 0;
  uint64_t checked = 0, bad = 0;
  socle_buffer problem = {0};
  CHECK(socle_ledger_verify(ledger, &ok, &checked, &bad, &problem, NULL) == SOCLE_OK);
  CHECK_MSG(ok == 1, "%.*s", (int)problem.size, problem.data ? (const char*)problem.data : "");
  CHECK(checked == size1);
  socle_buffer_free(&problem);
  uint64_t pruned = 99;
  CHECK(socle_ledger_prune_before(ledger, 1000000000, &pruned, NULL) == SOCLE_OK);
  CHECK(pruned == 0);
  socle_ledger_free(ledger);
}

static void test_bad_arguments(void) {
  socle_ledger* ledger = NULL;
  CHECK(socle_ledger_open(NULL, "x", S("access_trail"), NULL, &ledger, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_ledger_size(NULL, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
  socle_decision d;
  CHECK(socle_access_trail_decide(NULL, NULL, NULL, 0, &d, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(d.effect == SOCLE_EFFECT_DENY && d.reason == SOCLE_REASON_INVALID_REQUEST);
  CHECK(socle_history_entry_count(NULL) == 0);
  CHECK(socle_history_next_after(NULL) == -1);
  CHECK(strcmp(socle_ledger_origin(NULL), "") == 0);
  socle_ledger_free(NULL);
  socle_access_trail_free(NULL);
  socle_history_free(NULL);
  socle_ledger_entries_free(NULL);
  socle_ledger_options_free(NULL);
}

/* The engine of record on a state ledger: reopened, it has the same state; two engines on one
 * file (two handles, as two processes) catch up with each other. */
static void test_state_ledger(const char* policy_path) {
  socle_error* error = NULL;
  socle_key_provider* provider = NULL;
  int32_t rc = socle_key_provider_create_key_file(path_of("s.key"), (const uint8_t*)"state C test",
                                                  12, 2, (uint64_t)64 << 20, &provider, &error);
  CHECK_OK(rc, error);
  if (rc != SOCLE_OK) return;
  socle_vault* vault = NULL;
  CHECK(socle_vault_open(provider, path_of("s.vault"), S("ccas-lyon"), NULL, &vault, NULL) ==
        SOCLE_OK);
  socle_key_provider_free(provider);
  socle_policy* policy = NULL;
  CHECK(socle_policy_load_file(policy_path, &policy, NULL) == SOCLE_OK);
  socle_ledger* a_ledger = NULL;
  socle_ledger* b_ledger = NULL;
  CHECK(socle_ledger_open(vault, path_of("state.db"), S("state"), NULL, &a_ledger, NULL) ==
        SOCLE_OK);
  CHECK(socle_ledger_open(vault, path_of("state.db"), S("state"), NULL, &b_ledger, NULL) ==
        SOCLE_OK);
  socle_vault_free(vault);
  if (policy == NULL || a_ledger == NULL || b_ledger == NULL) return;

  socle_access_engine* a = NULL;
  CHECK(socle_access_engine_open(policy, NULL, &a, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_access_engine_open(policy, a_ledger, &a, NULL) == SOCLE_OK);
  const char* team = "pole-social";
  const size_t team_len = strlen(team);
  CHECK(socle_access_engine_upsert_professional(a, S("ass1"), S("ass"), &team, &team_len, 1, 0,
                                                NULL, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_upsert_person(a, S("P-1"), &team, &team_len, 1, S(""), NULL, NULL) ==
        SOCLE_OK);
  CHECK(socle_access_engine_save_snapshot(a, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_upsert_person(a, S("P-2"), &team, &team_len, 1, S(""), NULL, NULL) ==
        SOCLE_OK);
  const uint64_t revision = socle_access_engine_revision(a);
  CHECK(revision == 4); /* revision 1: the policy's activation */

  /* b, opened on the same file, starts where a is; after a writes again, b's write is refused
   * until it catches up. */
  socle_access_engine* b = NULL;
  CHECK(socle_access_engine_open(policy, b_ledger, &b, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_revision(b) == revision);
  socle_access_request r = request(b, "ass1", "P-2", "social");
  socle_decision d;
  CHECK(socle_access_engine_decide(b, &r, &d, NULL) == SOCLE_OK);
  CHECK(d.effect == SOCLE_EFFECT_ALLOW);
  CHECK(socle_access_engine_block(a, S("P-2"), S("ass1"), NULL, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_upsert_person(b, S("P-3"), &team, &team_len, 1, S(""), NULL, NULL) ==
        SOCLE_E_FAILED_PRECONDITION);
  uint64_t caught = 0;
  CHECK(socle_access_engine_catch_up(b, &caught, NULL) == SOCLE_OK);
  CHECK(caught == revision + 1);
  CHECK(socle_access_engine_decide(b, &r, &d, NULL) == SOCLE_OK);
  CHECK(d.effect == SOCLE_EFFECT_DENY); /* blocked, as on a */
  CHECK(socle_access_engine_upsert_person(b, S("P-3"), &team, &team_len, 1, S(""), NULL, NULL) ==
        SOCLE_OK);
  CHECK(socle_access_engine_catch_up(NULL, &caught, NULL) == SOCLE_E_INVALID_ARGUMENT);

  /* An engine without a record has no snapshot. */
  socle_access_engine* plain = NULL;
  CHECK(socle_access_engine_create(policy, &plain, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_save_snapshot(plain, NULL) == SOCLE_E_FAILED_PRECONDITION);
  socle_access_engine_free(plain);

  socle_access_engine_free(a);
  socle_access_engine_free(b);
  socle_ledger_free(a_ledger);
  socle_ledger_free(b_ledger);
  socle_policy_free(policy);
}

/* A vault and a ledger opened through a storage location (a directory, or a PostgreSQL URI with
 * a witness directory), appended to and verified; and the location's own errors. */
static void test_storage(const char* location, const char* witness_dir) {
  socle_storage* storage = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_storage_open(location, witness_dir, &storage, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  if (rc != SOCLE_OK) return;
  const int postgres = strncmp(location, "postgres", 8) == 0;
  CHECK(socle_storage_is_postgresql(storage) == postgres);
  CHECK(strstr(socle_storage_location(storage), "password") == NULL);

  /* On a server, a tenant and a ledger of this run (its schemas outlive the test); in the work
   * directory, fixed names (main() removes the files first). */
  char tenant[64] = "ccas-storage", name[64] = "storage_trail";
  const unsigned run =
      postgres ? (unsigned)time(NULL) ^ (unsigned)clock() ^ (unsigned)(uintptr_t)&rc : 0;
  if (postgres) {
    snprintf(tenant, sizeof tenant, "ccas-storage-%u", run);
    snprintf(name, sizeof name, "capi_%u", run);
  }
  socle_key_provider* provider = NULL;
  char key[4200];
  snprintf(key, sizeof key, "%s/storage-%u.key", check_work(), run);
  remove(key);
  CHECK(socle_key_provider_create_key_file(key, (const uint8_t*)"storage C test", 14, 2,
                                           (uint64_t)64 << 20, &provider, NULL) == SOCLE_OK);
  socle_vault* vault = NULL;
  rc = socle_vault_open_in(provider, storage, tenant, strlen(tenant), NULL, &vault, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  socle_key_provider_free(provider);
  socle_ledger* ledger = NULL;
  if (vault != NULL) {
    rc = socle_ledger_open_in(vault, storage, name, strlen(name), NULL, &ledger, &error);
    CHECK_OK(rc, error);
    socle_error_free(error);
    error = NULL;
  }
  socle_storage_free(storage); /* what it opened stays open */
  if (ledger != NULL) {
    uint64_t ticket = 0;
    for (int i = 0; i < 3; ++i) {
      CHECK(socle_ledger_append(ledger, SOCLE_LEDGER_ENTRY_OPERATION, S("P-1"),
                                (const uint8_t*)"stored", 6, &ticket, NULL) == SOCLE_OK);
    }
    CHECK(socle_ledger_flush(ledger, NULL) == SOCLE_OK);
    uint64_t size = 0, entries = 0, bad = 0;
    int32_t ok = 0;
    socle_buffer problem = {0};
    CHECK(socle_ledger_size(ledger, &size, NULL) == SOCLE_OK && size == 3);
    CHECK(socle_ledger_verify(ledger, &ok, &entries, &bad, &problem, NULL) == SOCLE_OK);
    CHECK(ok == 1 && entries == 3);
    socle_buffer_free(&problem);
    socle_ledger_free(ledger);
  }
  socle_vault_free(vault);
  remove(key);
}

static void test_storage_errors(void) {
  socle_storage* storage = NULL;
  socle_error* error = NULL;
  CHECK(socle_storage_open(NULL, NULL, &storage, NULL) == SOCLE_E_INVALID_ARGUMENT);
  /* A file where the directory should be. */
  CHECK(socle_storage_open(path_of("l.key"), NULL, &storage, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(storage == NULL);
  /* A URI needs a witness directory; a malformed one is refused without quoting it. */
  CHECK(socle_storage_open("postgresql://ccas:s3cr3t@db.internal/ccas", NULL, &storage, &error) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "witness_dir") != NULL &&
        strstr(socle_error_message(error), "s3cr3t") == NULL);
  socle_error_free(error);
  error = NULL;
  CHECK(socle_storage_open("postgresql://ccas:s3cr3t@db.internal/ccas?frobnicate=1", path_of("w"),
                           &storage, &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "s3cr3t") == NULL);
  socle_error_free(error);
  CHECK(socle_storage_is_postgresql(NULL) == 0);
  CHECK(strcmp(socle_storage_location(NULL), "") == 0);
  CHECK(socle_vault_open_in(NULL, NULL, S("t"), NULL, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
}

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: %s POLICY_FILE WORK_DIR [POSTGRES_CONNINFO_FILE]\n", argv[0]);
    return 2;
  }
  check_set_work(argv[2]);
  /* A clean work directory: a witness left by an earlier run (another key) would not verify. */
  static const char* const kFiles[] = {"l.key",
                                       "l.vault",
                                       "l.vault-wal",
                                       "l.vault-shm",
                                       "trail.db",
                                       "trail.db-wal",
                                       "trail.db-shm",
                                       "trail.witness",
                                       "trail.db.checkpoint",
                                       "s.key",
                                       "s.vault",
                                       "s.vault-wal",
                                       "s.vault-shm",
                                       "state.db",
                                       "state.db-wal",
                                       "state.db-shm",
                                       "state.db.checkpoint",
                                       "storage/vault.db",
                                       "storage/vault.db-wal",
                                       "storage/vault.db-shm",
                                       "storage/storage_trail.db",
                                       "storage/storage_trail.db-wal",
                                       "storage/storage_trail.db-shm",
                                       "storage/storage_trail.db.checkpoint",
                                       NULL};
  check_remove(kFiles);
  CHECK(socle_init() == SOCLE_OK);
  test_trail(argv[1]);
  test_state_ledger(argv[1]);
  test_bad_arguments();
  test_storage(path_of("storage"), NULL);
  test_storage_errors();
  if (argc == 4) {
    char uri[4096] = "";
    FILE* f = fopen(argv[3], "r");
    CHECK(f != NULL && fgets(uri, sizeof uri, f) != NULL);
    if (f != NULL) fclose(f);
    uri[strcspn(uri, "\n")] = '\0';
    test_storage(uri, path_of("pg-witness"));
  }
  return check_report("ledger_capi_test");
}
