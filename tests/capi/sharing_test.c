/* Sharing under professional secrecy, prior information and mandates through the C ABI, as a
 * vendor writing C uses them: compiled as C11, linked against libsocle only. A share to the CRIP
 * refused until the person is informed, then granted through the trail; the recipient reads
 * exactly the shared item; the sharing entry in the person's history; a mandate created, used,
 * revoked, then refused; hostile inputs (a 366-day mandate, NULL with a length, unknown ids)
 * refused with clear errors and nothing changed.
 *
 * usage: sharing_capi_test POLICY_FILE WORK_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* The example policy with a mandates section (the CCAS is a habilitated structure), and a
 * habilitation of the CRIP (the example gives its external recipients none, so the sharing
 * checklist refuses every share to them: check 5, the recipient's habilitations). */
static const char kMandates[] =
    "\nhabilitations { role: \"crip_departement\" actions: [READ]"
    " data_categories: [\"administrative\", \"social\"] }\n";

static const char kProfessionals[] =
    "ass1\tass\tpole-social\tccas\n"
    "ass2\tass\tpole-social\tccas\n"
    "sec1\tsecretaire_accueil\tpole-social\tccas\n"
    "aud1\tauditeur_securite\t\tccas\n"
    "crip1\tcrip_departement\tcrip\tD\xc3\xa9partement\n";
static const char kPersons[] = "P-1\tpole-social\n";

static socle_access_engine* make_engine(const char* policy_path) {
  FILE* f = fopen(policy_path, "rb");
  CHECK(f != NULL);
  if (f == NULL) return NULL;
  static char text[1 << 20];
  size_t n = fread(text, 1, sizeof text - sizeof kMandates, f);
  fclose(f);
  memcpy(text + n, kMandates, sizeof kMandates);
  socle_policy* policy = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_policy_load(text, n + sizeof kMandates - 1, "ccas+mandates", &policy, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  if (rc != SOCLE_OK) return NULL;
  socle_access_engine* engine = check_engine_on(policy, 1900000000, kProfessionals, kPersons);
  socle_policy_free(policy);
  return engine;
}

static socle_access_trail* make_trail(socle_access_engine* engine) {
  socle_vault* vault = check_vault("s.key", "sharing C test", "s.vault", "ccas");
  socle_access_trail* trail = check_trail(vault, engine);
  socle_vault_free(vault);
  return trail;
}

/* The decision of a read of `item` (category `category`) of P-1 by `actor`. */
static int32_t read_reason(const socle_access_engine* engine, const char* actor,
                           const char* category, const char* item) {
  socle_access_request r;
  socle_access_request_init(&r);
  CHECK(socle_access_engine_find_professional(engine, S(actor), &r.actor, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_find_person(engine, S("P-1"), &r.person, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_find_category(engine, S(category), &r.category, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_find_purpose(engine, S("accompagnement_social"), &r.purpose, NULL) ==
        SOCLE_OK);
  r.item = item;
  r.item_len = strlen(item);
  socle_decision d;
  CHECK(socle_access_engine_decide(engine, &r, &d, NULL) == SOCLE_OK);
  return d.reason;
}

static socle_share_request* alert_request(const char* share) {
  static const uint8_t hash[32] = {1, 2, 3};
  socle_share_request* r = NULL;
  CHECK(socle_share_request_new(&r, NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_parties(r, S("ass1"), S("crip1"), S("P-1"), NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_basis(r, SOCLE_SHARING_BASIS_CASF_L226_2_1, NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_purpose(r, S("accompagnement_social"), NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_share(r, S(share), NULL) == SOCLE_OK);
  CHECK(socle_share_request_add_item(r, S("note-1"), S("social"), hash, sizeof hash, NULL) ==
        SOCLE_OK);
  CHECK(socle_share_request_set_involvement(r, SOCLE_PERSON_INVOLVEMENT_INFORMED_BEFOREHAND, NULL,
                                            0, NULL) == SOCLE_OK);
  return r;
}

static void test_share(socle_access_engine* engine, socle_access_trail* trail) {
  socle_share_request* r = alert_request("alert-1");
  socle_sharing_outcome* o = NULL;
  socle_error* error = NULL;

  /* Before the person is told: refused, naming the check; nothing recorded in the state. */
  CHECK(read_reason(engine, "crip1", "social", "note-1") == SOCLE_REASON_NOT_ASSIGNED);
  const uint64_t before = socle_access_engine_revision(engine);
  int32_t rc = socle_access_trail_share(trail, engine, r, &o, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(socle_sharing_outcome_granted(o) == 0);
  CHECK(socle_sharing_outcome_failed(o) == SOCLE_SHARING_CHECK_PERSON_NOT_INFORMED);
  CHECK_MSG(
      strcmp(socle_sharing_check_name(socle_sharing_outcome_failed(o)), "person_not_informed") == 0,
      "%s: %s", socle_sharing_check_name(socle_sharing_outcome_failed(o)),
      socle_sharing_outcome_sentence(o));
  CHECK(strlen(socle_sharing_outcome_sentence(o)) > 0);
  CHECK(strstr(socle_sharing_outcome_sentence(o), "P-1") == NULL);
  CHECK(socle_sharing_outcome_revision(o) == 0);
  CHECK(socle_access_engine_revision(engine) == before);
  socle_sharing_outcome_free(o);

  /* The person is told; the check (recording nothing) then grants, and so does the trail. */
  const char* category = "social";
  const size_t category_len = strlen(category);
  uint64_t informed = 0;
  rc = socle_access_engine_record_person_informed(
      engine, S("P-1"), NULL, 0, S("alert-1"), S("crip1"), &category, &category_len, 1,
      SOCLE_INFORM_CHANNEL_IN_PERSON, NULL, 0, S("ass1"), &informed, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(informed == before + 1);
  CHECK(socle_access_engine_check_share(engine, r, &o, NULL) == SOCLE_OK);
  CHECK(socle_sharing_outcome_granted(o) == 1);
  CHECK(socle_sharing_outcome_revision(o) == 0);
  CHECK(socle_access_engine_revision(engine) == informed);
  socle_sharing_outcome_free(o);
  /* The refused attempt took the share id "alert-1" in the log only: the state has no share. */
  rc = socle_access_trail_share(trail, engine, r, &o, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(socle_sharing_outcome_granted(o) == 1);
  CHECK(socle_sharing_outcome_failed(o) == SOCLE_SHARING_CHECK_NONE);
  CHECK(socle_sharing_outcome_revision(o) == socle_access_engine_revision(engine));
  CHECK(strcmp(socle_sharing_outcome_share(o), "alert-1") == 0);
  CHECK(strcmp(socle_sharing_outcome_emitter(o), "ass1") == 0);
  CHECK(strcmp(socle_sharing_outcome_recipient(o), "crip1") == 0);
  CHECK(socle_sharing_outcome_basis(o) == SOCLE_SHARING_BASIS_CASF_L226_2_1);
  CHECK(socle_sharing_outcome_item_count(o) == 1);
  CHECK(strcmp(socle_sharing_outcome_item(o, 0), "note-1") == 0);
  CHECK(strcmp(socle_sharing_outcome_item_category(o, 0), "social") == 0);
  CHECK(strcmp(socle_sharing_outcome_item(o, 1), "") == 0);
  CHECK(socle_sharing_outcome_information_revision_count(o) == 1);
  CHECK(socle_sharing_outcome_information_revision(o, 0) == informed);
  CHECK(socle_sharing_outcome_exception(o) == 0);
  socle_sharing_outcome_free(o);

  /* The recipient reads exactly the shared item. */
  CHECK(read_reason(engine, "crip1", "social", "note-1") == SOCLE_REASON_ALLOWED_BY_GRANT);
  CHECK(read_reason(engine, "crip1", "social", "note-2") == SOCLE_REASON_ITEM_NOT_SHARED);
  CHECK(read_reason(engine, "crip1", "administrative", "note-1") == SOCLE_REASON_ITEM_NOT_SHARED);

  /* The same share id again: an error, nothing recorded. */
  const uint64_t after = socle_access_engine_revision(engine);
  CHECK_RC(socle_access_trail_share(trail, engine, r, &o, NULL), SOCLE_E_ALREADY_EXISTS);
  CHECK(o == NULL);
  CHECK(socle_access_engine_revision(engine) == after);
  socle_share_request_free(r);

  /* The sharing entries in the person's history, read by the auditor: refused, then granted. */
  socle_history* h = NULL;
  rc = socle_access_trail_history(trail, S("P-1"), S("aud1"), 0, 0, 0, -1, 100, &h, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  size_t found = 0;
  for (size_t i = 0; i < socle_history_entry_count(h); ++i) {
    if (socle_history_entry_type(h, i) != SOCLE_LEDGER_ENTRY_SHARING_DECISION) {
      CHECK(socle_history_entry_sharing_basis(h, i) == 0);
      CHECK(strcmp(socle_history_entry_sharing_share(h, i), "") == 0);
      continue;
    }
    ++found;
    CHECK(socle_history_entry_sharing_basis(h, i) == SOCLE_SHARING_BASIS_CASF_L226_2_1);
    CHECK(strcmp(socle_sharing_basis_name(socle_history_entry_sharing_basis(h, i)),
                 "unspecified") != 0);
    CHECK(strcmp(socle_history_entry_sharing_share(h, i), "alert-1") == 0);
    CHECK(strcmp(socle_history_entry_actor(h, i), "ass1") == 0);
    CHECK(strcmp(socle_history_entry_sharing_recipient(h, i), "crip1") == 0);
    CHECK(strcmp(socle_history_entry_sharing_recipient_role(h, i), "crip_departement") == 0);
    CHECK(socle_history_entry_sharing_item_count(h, i) == 1);
    CHECK(strcmp(socle_history_entry_sharing_item(h, i, 0), "note-1") == 0);
    CHECK(strcmp(socle_history_entry_sharing_item_category(h, i, 0), "social") == 0);
    CHECK(strcmp(socle_history_entry_sharing_item(h, i, 1), "") == 0);
    CHECK(socle_history_entry_sharing_involvement(h, i) ==
          SOCLE_PERSON_INVOLVEMENT_INFORMED_BEFOREHAND);
    if (found == 1) {
      CHECK(socle_history_entry_allowed(h, i) == 0);
      CHECK(strcmp(socle_history_entry_reason(h, i), "person_not_informed") == 0);
      CHECK(socle_history_entry_sharing_information(h, i) == SOCLE_SHARING_INFORMATION_NONE);
    } else {
      CHECK(socle_history_entry_allowed(h, i) == 1);
      CHECK(socle_history_entry_sharing_information(h, i) == SOCLE_SHARING_INFORMATION_INFORMED);
      CHECK(socle_history_entry_sharing_information_revision(h, i) == informed);
    }
  }
  CHECK_MSG(found == 2, "%zu sharing entries", found);
  CHECK(socle_history_entry_sharing_item_count(h, 999) == 0);
  CHECK(socle_history_entry_sharing_item_count(NULL, 0) == 0);
  socle_history_free(h);

  /* Revoked: the item is no longer readable; revoking again is NOT_FOUND. */
  uint64_t revision = 0;
  CHECK(socle_access_engine_revoke_share(engine, S("P-1"), S("crip1"), S("alert-1"), S("ass1"),
                                         &revision, NULL) == SOCLE_OK);
  CHECK(revision == socle_access_engine_revision(engine));
  CHECK(read_reason(engine, "crip1", "social", "note-1") != SOCLE_REASON_ALLOWED_BY_GRANT);
  CHECK_RC(socle_access_engine_revoke_share(engine, S("P-1"), S("crip1"), S("alert-1"), S("ass1"),
                                            &revision, NULL),
           SOCLE_E_NOT_FOUND);
  CHECK(revision == 0);

  /* An exception instead of the information: an urgency keeps a follow-up open. */
  CHECK(socle_access_engine_record_information_exception(
            engine, S("P-1"), S("alert-2"), SOCLE_INFORMATION_EXCEPTION_URGENCY, S("danger"),
            S("ass1"), &revision, NULL) == SOCLE_OK);
  r = alert_request("alert-2");
  CHECK(socle_access_engine_check_share(engine, r, &o, NULL) == SOCLE_OK);
  CHECK(socle_sharing_outcome_granted(o) == 1);
  CHECK(socle_sharing_outcome_exception(o) == SOCLE_INFORMATION_EXCEPTION_URGENCY);
  CHECK(socle_sharing_outcome_exception_revision(o) == revision);
  CHECK(socle_sharing_outcome_follow_up_open(o) == 1);
  socle_sharing_outcome_free(o);
  socle_share_request_free(r);
}

static void test_share_hostile(socle_access_engine* engine, socle_access_trail* trail,
                               const char* policy_path) {
  const uint64_t before = socle_access_engine_revision(engine);
  socle_share_request* r = NULL;
  socle_sharing_outcome* o = NULL;
  socle_error* error = NULL;
  CHECK_RC(socle_share_request_new(NULL, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_share_request_new(&r, NULL) == SOCLE_OK);
  /* NULL with a length: refused, naming the parameter; the request keeps its parties. */
  CHECK(socle_share_request_set_parties(r, S("ass1"), S("crip1"), S("P-1"), NULL) == SOCLE_OK);
  CHECK_RC(socle_share_request_set_parties(r, S("ass2"), NULL, 5, S("P-1"), &error),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "recipient") != NULL);
  socle_error_free(error);
  CHECK_RC(socle_share_request_add_item(r, NULL, 3, S("social"), NULL, 0, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(
      socle_share_request_add_item(r, S("note-1"), S("social"), (const uint8_t*)"short", 5, NULL),
      SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_share_request_set_basis(r, 99, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_share_request_set_involvement(r, 0, NULL, 0, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_share_request_set_whole_file(r, 2, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_share_request_set_purpose(NULL, S("x"), NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_share_request_set_basis(r, SOCLE_SHARING_BASIS_CASF_L226_2_1, NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_purpose(r, S("accompagnement_social"), NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_share(r, S("hostile"), NULL) == SOCLE_OK);
  /* An item without its hash: the check needs none, the trail refuses it before any grant. */
  CHECK(socle_share_request_add_item(r, S("note-1"), S("social"), NULL, 0, NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_involvement(r, SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, NULL) ==
        SOCLE_OK);
  const uint64_t before_unhashed = socle_access_engine_revision(engine);
  CHECK_RC(socle_access_trail_share(trail, engine, r, &o, &error), SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "content_sha256") != NULL);
  socle_error_free(error);
  error = NULL;
  CHECK(o == NULL);
  CHECK(socle_access_engine_revision(engine) == before_unhashed);
  socle_share_request_free(r);
  r = NULL;
  CHECK(socle_share_request_new(&r, NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_basis(r, SOCLE_SHARING_BASIS_CASF_L226_2_1, NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_purpose(r, S("accompagnement_social"), NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_share(r, S("hostile"), NULL) == SOCLE_OK);
  static const uint8_t note_hash[32] = {7};
  CHECK(socle_share_request_add_item(r, S("note-1"), S("social"), note_hash, 32, NULL) == SOCLE_OK);
  CHECK(socle_share_request_set_involvement(r, SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, NULL) ==
        SOCLE_OK);
  /* An unknown person: NOT_FOUND, never naming the person; nothing recorded. */
  CHECK(socle_share_request_set_parties(r, S("ass1"), S("crip1"), S("P-404"), NULL) == SOCLE_OK);
  CHECK_RC(socle_access_trail_share(trail, engine, r, &o, &error), SOCLE_E_NOT_FOUND);
  CHECK(o == NULL);
  CHECK(error != NULL && strstr(socle_error_message(error), "P-404") == NULL);
  socle_error_free(error);
  CHECK_RC(socle_access_engine_check_share(engine, r, &o, NULL), SOCLE_E_NOT_FOUND);
  CHECK_RC(socle_access_engine_check_share(engine, NULL, &o, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_check_share(NULL, r, &o, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_check_share(engine, r, NULL, NULL), SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_trail_share(trail, NULL, r, &o, NULL), SOCLE_E_INVALID_ARGUMENT);
  /* Another engine than the trail's: refused, nothing recorded in either. */
  CHECK(socle_share_request_set_parties(r, S("ass1"), S("crip1"), S("P-1"), NULL) == SOCLE_OK);
  socle_access_engine* other = make_engine(policy_path);
  if (other != NULL) {
    const uint64_t other_before = socle_access_engine_revision(other);
    CHECK_RC(socle_access_trail_share(trail, other, r, &o, NULL), SOCLE_E_FAILED_PRECONDITION);
    CHECK(o == NULL);
    CHECK(socle_access_engine_revision(other) == other_before);
  }
  socle_access_engine_free(other);
  socle_share_request_free(r);
  socle_share_request_free(NULL);
  socle_sharing_outcome_free(NULL);
  CHECK(socle_sharing_outcome_granted(NULL) == 0);
  CHECK(strcmp(socle_sharing_outcome_share(NULL), "") == 0);
  /* Bad prior-information records. */
  uint64_t revision = 7;
  CHECK_RC(socle_access_engine_record_person_informed(engine, S("P-1"), NULL, 0, S("s"), S("crip1"),
                                                      NULL, NULL, 0, 9, NULL, 0, S("ass1"),
                                                      &revision, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(revision == 0);
  CHECK_RC(socle_access_engine_record_person_informed(engine, NULL, 3, NULL, 0, S("s"), S("crip1"),
                                                      NULL, NULL, 0, SOCLE_INFORM_CHANNEL_PAPER,
                                                      NULL, 0, S("ass1"), &revision, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_record_information_exception(engine, S("P-1"), S("s"), 0, NULL, 0,
                                                            S("ass1"), &revision, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_revoke_share(engine, S("P-1"), S("crip1"), S("nothing"), S("ass1"),
                                            &revision, NULL),
           SOCLE_E_NOT_FOUND);
  CHECK(socle_access_engine_revision(engine) == before);
  /* Names of unknown values. */
  CHECK(strcmp(socle_sharing_check_name(99), "unspecified") == 0);
  CHECK(strcmp(socle_sharing_check_name(SOCLE_SHARING_CHECK_NONE), "none") == 0);
  CHECK(strcmp(socle_sharing_basis_name(0), "unspecified") == 0);
  CHECK(strcmp(socle_mandate_verdict_name(-1), "unspecified") == 0);
  CHECK(strcmp(socle_mandate_state_name(SOCLE_MANDATE_STATE_REVOKED), "revoked") == 0);
}

static int32_t check_mandate(const socle_access_engine* engine, const char* mandate,
                             const char* procedure, const char* professional) {
  int32_t verdict = -2;
  CHECK(socle_access_engine_check_mandate(engine, S(mandate), S(procedure), S(professional), 0,
                                          &verdict, NULL) == SOCLE_OK);
  return verdict;
}

static void test_mandates(socle_access_engine* engine) {
  const char* procedures[] = {"papiers", "logement"};
  const size_t procedure_lens[] = {7, 8};
  uint8_t attestation[SOCLE_MANDATE_ATTESTATION_BYTES];
  int64_t expires = 0;
  uint64_t revision = 0;
  socle_error* error = NULL;

  /* Hostile first: a 366-day mandate, NULL with a length, a small buffer, an unknown person. */
  const uint64_t before = socle_access_engine_revision(engine);
  CHECK_RC(socle_access_engine_create_mandate(
               engine, S("m-1"), S("P-1"), S("ccas"), procedures, procedure_lens, 2, 366,
               S("attestation v1"), S("ass1"), SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0,
               attestation, sizeof attestation, &expires, &revision, &error),
           SOCLE_E_OUT_OF_RANGE);
  CHECK(error != NULL && strstr(socle_error_message(error), "366") != NULL);
  socle_error_free(error);
  CHECK(expires == 0 && revision == 0);
  CHECK_RC(socle_access_engine_create_mandate(
               engine, S("m-1"), NULL, 4, S("ccas"), procedures, procedure_lens, 2,
               SOCLE_MANDATE_DURATION_MONTH, S("attestation v1"), S("ass1"),
               SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, attestation, sizeof attestation, &expires,
               &revision, &error),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "person") != NULL);
  socle_error_free(error);
  CHECK_RC(socle_access_engine_create_mandate(engine, S("m-1"), S("P-1"), S("ccas"), procedures,
                                              procedure_lens, 2, SOCLE_MANDATE_DURATION_MONTH,
                                              S("attestation v1"), S("ass1"),
                                              SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0,
                                              attestation, 16, &expires, &revision, NULL),
           SOCLE_E_OUT_OF_RANGE);
  CHECK_RC(socle_access_engine_create_mandate(
               engine, S("m-1"), S("P-404"), S("ccas"), procedures, procedure_lens, 2,
               SOCLE_MANDATE_DURATION_MONTH, S("attestation v1"), S("ass1"),
               SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, attestation, sizeof attestation, &expires,
               &revision, &error),
           SOCLE_E_NOT_FOUND);
  CHECK(error != NULL && strstr(socle_error_message(error), "P-404") == NULL);
  socle_error_free(error);
  /* A secretary may not create one. */
  CHECK_RC(socle_access_engine_create_mandate(
               engine, S("m-1"), S("P-1"), S("ccas"), procedures, procedure_lens, 2,
               SOCLE_MANDATE_DURATION_MONTH, S("attestation v1"), S("sec1"),
               SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, attestation, sizeof attestation, &expires,
               &revision, NULL),
           SOCLE_E_PERMISSION_DENIED);
  CHECK(socle_access_engine_revision(engine) == before);

  /* Created for a month, with its attestation hash. */
  int32_t rc = socle_access_engine_create_mandate(
      engine, S("m-1"), S("P-1"), S("ccas"), procedures, procedure_lens, 2,
      SOCLE_MANDATE_DURATION_MONTH, S("attestation v1"), S("ass1"),
      SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, attestation, sizeof attestation, &expires,
      &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(revision == before + 1);
  CHECK(expires == 1900000000 + 31 * 86400);
  static const uint8_t zero[SOCLE_MANDATE_ATTESTATION_BYTES];
  CHECK(memcmp(attestation, zero, sizeof zero) != 0);
  /* The same id again: ALREADY_EXISTS. */
  CHECK_RC(socle_access_engine_create_mandate(
               engine, S("m-1"), S("P-1"), S("ccas"), procedures, procedure_lens, 1,
               SOCLE_MANDATE_DURATION_DAY, S("attestation v1"), S("ass1"),
               SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, attestation, sizeof attestation, &expires,
               &revision, NULL),
           SOCLE_E_ALREADY_EXISTS);

  /* Used by another aidant of the structure; the secretary may not. */
  CHECK(check_mandate(engine, "m-1", "papiers", "ass2") == SOCLE_MANDATE_VERDICT_ALLOWED);
  CHECK(check_mandate(engine, "m-1", "papiers", "sec1") == SOCLE_MANDATE_VERDICT_ROLE_NOT_ALLOWED);
  CHECK(socle_access_engine_use_mandate(engine, S("m-1"), S("papiers"), S("ass2"),
                                        SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, &revision,
                                        NULL) == SOCLE_OK);
  CHECK(revision == socle_access_engine_revision(engine));
  uint64_t at = socle_access_engine_revision(engine);
  CHECK_RC(
      socle_access_engine_use_mandate(engine, S("m-1"), S("papiers"), S("sec1"),
                                      SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, &revision, NULL),
      SOCLE_E_PERMISSION_DENIED);
  CHECK(socle_access_engine_revision(engine) == at);

  /* Revoked by the person (papers only), then refused; housing stays. */
  const char* papers = "papiers";
  const size_t papers_len = 7;
  CHECK(socle_access_engine_revoke_mandate(engine, S("m-1"), &papers, &papers_len, 1, 1, S("ass1"),
                                           &revision, NULL) == SOCLE_OK);
  CHECK(check_mandate(engine, "m-1", "papiers", "ass2") == SOCLE_MANDATE_VERDICT_REVOKED);
  CHECK(strcmp(socle_mandate_verdict_name(SOCLE_MANDATE_VERDICT_REVOKED), "revoked") == 0);
  CHECK(check_mandate(engine, "m-1", "logement", "ass2") == SOCLE_MANDATE_VERDICT_ALLOWED);
  at = socle_access_engine_revision(engine);
  CHECK_RC(
      socle_access_engine_use_mandate(engine, S("m-1"), S("papiers"), S("ass2"),
                                      SOCLE_PERSON_INVOLVEMENT_PRESENT, NULL, 0, &revision, NULL),
      SOCLE_E_PERMISSION_DENIED);
  CHECK_RC(socle_access_engine_revoke_mandate(engine, S("m-1"), &papers, &papers_len, 1, 1,
                                              S("ass1"), &revision, NULL),
           SOCLE_E_NOT_FOUND);
  CHECK(socle_access_engine_revision(engine) == at);

  /* Unknown ids and bad arguments of the check: clear errors, no verdict. */
  int32_t verdict = 0;
  CHECK_RC(socle_access_engine_check_mandate(engine, S("m-404"), S("papiers"), S("ass2"), 0,
                                             &verdict, NULL),
           SOCLE_E_NOT_FOUND);
  CHECK(verdict == -1);
  CHECK_RC(socle_access_engine_check_mandate(engine, NULL, 2, S("papiers"), S("ass2"), 0, &verdict,
                                             NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(
      socle_access_engine_check_mandate(engine, S("m-1"), S("papiers"), S("ass2"), 0, NULL, NULL),
      SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_use_mandate(engine, S("m-1"), S("logement"), S("ass2"), 7, NULL, 0,
                                           &revision, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK_RC(socle_access_engine_revoke_mandate(engine, S("m-1"), NULL, NULL, 1, 1, S("ass1"),
                                              &revision, NULL),
           SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_access_engine_revision(engine) == at);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s POLICY_FILE WORK_DIR\n", argv[0]);
    return 2;
  }
  check_set_work(argv[2]);
  static const char* const kFiles[] = {
      "s.key",        "s.vault",      "s.vault-wal",         "s.vault-shm", "trail.db",
      "trail.db-wal", "trail.db-shm", "trail.db.checkpoint", NULL};
  check_remove(kFiles);
  CHECK(socle_init() == SOCLE_OK);
  socle_access_engine* engine = make_engine(argv[1]);
  socle_access_trail* trail = engine != NULL ? make_trail(engine) : NULL;
  if (trail != NULL) {
    test_share(engine, trail);
    test_share_hostile(engine, trail, argv[1]);
    test_mandates(engine);
  }
  socle_access_trail_free(trail);
  socle_access_engine_free(engine);
  return check_report("sharing_capi_test");
}
