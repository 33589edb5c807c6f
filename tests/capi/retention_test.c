/* Retention through the C ABI, as a vendor writing C uses it: compiled as C11, linked against
 * libsocle only. On the example CCAS policy (financial papers of aides_facultatives: 24 months
 * active after the last contact from the person, then 36 months of intermediate archive; the
 * other rules of the category end sooner once the case is closed and the file is older than the
 * 36 months of the research study; the head of service is the archivist): the facts recorded
 * (a first contact a year ago, one today, the case closed, a right, a follow-up, a death), the
 * phase of each category before and after the change, an ordinary professional refused
 * (SOCLE_REASON_ARCHIVED), the archivist refused without a reason and allowed with one, the
 * reason recorded in the trail; each function given a bad input refused with a message that
 * names the parameter and never the person.
 *
 * usage: retention_capi_test POLICY_FILE WORK_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* 2100-01-01 00:00:00 UTC (ahead of the real clock, which the engine's never goes behind). */
#define NOW 4102444800
/* 2102-06-01 12:00:00 UTC: after the 24 months of the active phase. */
#define LATER 4178606400

/* A person id that must never appear in a message. */
#define SECRET_PERSON "P-SECRET-4242"

static const char kProfessionals[] =
    "ass1\tass\tpole-social\tccas\n"
    "resp1\tresponsable_service\tpole-social\tccas\n";
static const char kPersons[] = "P-1\tpole-social\tass1\nP-2\tpole-social\n";

/* The failure `rc` with its error: the code expected, a message naming `name` (if not NULL) and
 * never the secret person. Frees the error. */
static void check_refused(int32_t rc, socle_error* error, int32_t expected, const char* name) {
  static const char* const kNeverShown[] = {SECRET_PERSON, "P-1", NULL};
  check_refusal(rc, error, expected, name, kNeverShown);
}

static socle_access_trail* make_trail(socle_access_engine* engine) {
  static const char* const kFiles[] = {"r.key",
                                       "r.vault",
                                       "trail.db",
                                       "trail.db-wal",
                                       "trail.db-shm",
                                       "trail.db.checkpoint",
                                       "trail.db.checkpoint.lock",
                                       NULL};
  check_remove(kFiles);
  socle_vault* vault = check_vault("r.key", "retention C test", "r.vault", "ccas");
  socle_access_trail* trail = check_trail(vault, engine);
  socle_vault_free(vault);
  return trail;
}

/* The line of `category` in a retention list (its dense id is its index). */
static size_t line_of(const socle_access_engine* engine, const char* category) {
  uint32_t id = SOCLE_NO_ID;
  CHECK(socle_access_engine_find_category(engine, S(category), &id, NULL) == SOCLE_OK);
  return id;
}

static void facts(socle_access_engine* engine) {
  uint64_t revision = 0;
  socle_error* error = NULL;
  /* The file was opened a year ago (its first contact, which CREATION rules count from); the
   * person came again today; then their case closes (the team unassigned; ass1 stays referent). */
  int32_t rc =
      socle_access_engine_record_contact(engine, S("P-1"), SOCLE_CONTACT_ORIGINATOR_PERSON, NULL, 0,
                                         S("2099-01-01"), S("ass1"), NULL, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  const uint64_t before = socle_access_engine_revision(engine);
  rc = socle_access_engine_record_contact(engine, S("P-1"), SOCLE_CONTACT_ORIGINATOR_PERSON, NULL,
                                          0, S(""), S("ass1"), &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(revision == before + 1);

  /* Contacts: an originator that does not exist, a date that is not one, NULL with a length, an
   * unknown person, a representative who is none. */
  revision = 7;
  rc = socle_access_engine_record_contact(engine, S("P-1"), 9, NULL, 0, S(""), S("ass1"), &revision,
                                          &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "originator");
  CHECK(revision == 0);
  rc = socle_access_engine_record_contact(engine, S("P-1"), SOCLE_CONTACT_ORIGINATOR_PERSON, NULL,
                                          0, S("2100-13-01"), S("ass1"), NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "day");
  rc = socle_access_engine_record_contact(engine, NULL, 3, SOCLE_CONTACT_ORIGINATOR_PERSON, NULL, 0,
                                          S(""), S("ass1"), NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "person");
  rc = socle_access_engine_record_contact(engine, S(SECRET_PERSON), SOCLE_CONTACT_ORIGINATOR_PERSON,
                                          NULL, 0, S(""), S("ass1"), NULL, &error);
  CHECK(rc != SOCLE_OK);
  check_refused(rc, error, rc, NULL);
  rc = socle_access_engine_record_contact(engine, S("P-1"), SOCLE_CONTACT_ORIGINATOR_REPRESENTATIVE,
                                          S(""), S(""), S("ass1"), NULL, &error);
  CHECK(rc != SOCLE_OK);
  check_refused(rc, error, rc, NULL);
  CHECK(socle_access_engine_record_contact(NULL, S("P-1"), SOCLE_CONTACT_ORIGINATOR_PERSON, NULL, 0,
                                           S(""), S("ass1"), NULL,
                                           NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_access_engine_revision(engine) == before + 1); /* nothing refused was recorded */

  /* A right in course and a follow-up that ended; a death (of another person). */
  rc = socle_access_engine_record_right(engine, S("P-1"), S("aides_facultatives"), S(""), &revision,
                                        &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(revision == before + 2);
  rc = socle_access_engine_record_right(engine, S("P-1"), S("no_such_activity"), S(""), NULL,
                                        &error);
  CHECK(rc != SOCLE_OK);
  check_refused(rc, error, rc, NULL);
  rc = socle_access_engine_record_right(engine, S("P-1"), S("aides_facultatives"), S("soon"), NULL,
                                        &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "last_day");
  rc = socle_access_engine_record_follow_up(engine, S("P-1"), S("accompagnement_social"),
                                            S("2099-12-31"), &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(revision == before + 3);
  rc = socle_access_engine_record_follow_up(engine, S(SECRET_PERSON), S("accompagnement_social"),
                                            S(""), NULL, &error);
  CHECK(rc != SOCLE_OK);
  check_refused(rc, error, rc, NULL);
  rc = socle_access_engine_record_death(engine, S("P-2"), S("2099-12-30"), &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(revision == before + 4);
  rc = socle_access_engine_record_death(engine, S("P-2"), S(""), NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "day");
  CHECK(socle_access_engine_revision(engine) == before + 4);
  CHECK(socle_access_engine_unassign(engine, S("P-1"), S("pole-social"), NULL, NULL) == SOCLE_OK);
}

static void phases(socle_access_engine* engine) {
  const size_t financial = line_of(engine, "financial");
  socle_retention* r = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_access_engine_retention(engine, S("P-1"), S(""), &r, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(socle_retention_count(r) > financial);
  CHECK(socle_retention_category(r, financial) == financial);
  CHECK(socle_retention_phase(r, financial) == SOCLE_RETENTION_PHASE_ACTIVE);
  CHECK_MSG(strncmp(socle_retention_next_change(r, financial), "2102-01-0", 9) == 0, "%s",
            socle_retention_next_change(r, financial));
  CHECK(socle_retention_start(r, financial) == SOCLE_RETENTION_START_LAST_CONTACT_FROM_PERSON);
  CHECK(strcmp(socle_retention_start_day(r, financial), "2100-01-01") == 0);
  CHECK(socle_retention_end_action(r, financial) == SOCLE_RETENTION_END_ACTION_DELETE);
  CHECK(socle_retention_activity(r, financial) != SOCLE_NO_ID);
  CHECK(socle_retention_rule_index(r, financial) != SOCLE_NO_ID);
  CHECK(strstr(socle_retention_source(r, financial), "2023-095") != NULL);
  CHECK(socle_retention_hard_stop(r, financial) == 0);
  /* Out of range: zeros and empty strings, never a crash. */
  CHECK(socle_retention_phase(r, 100000) == 0);
  CHECK(strcmp(socle_retention_since(r, 100000), "") == 0);
  CHECK(socle_retention_category(r, 100000) == SOCLE_NO_ID);
  CHECK(socle_retention_count(NULL) == 0);
  socle_retention_free(r);

  r = NULL;
  rc = socle_access_engine_retention(engine, S("P-1"), S("2102-06-01"), &r, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(socle_retention_phase(r, financial) == SOCLE_RETENTION_PHASE_INTERMEDIATE_ARCHIVE);
  CHECK(strcmp(socle_retention_since(r, financial), "2102-01-01") == 0);
  /* The rule that keeps it: aides_facultatives', 36 months of archive, then the end. */
  CHECK(strcmp(socle_retention_next_change(r, financial), "2105-01-01") == 0);
  CHECK(strstr(socle_retention_source(r, financial), "obligations comptables") != NULL);
  CHECK(socle_retention_next_phase(r, financial) == SOCLE_RETENTION_PHASE_AWAITING_VISA ||
        socle_retention_next_phase(r, financial) == SOCLE_RETENTION_PHASE_DUE);
  /* A category with no archive is at its end (the CCAS's records are public archives: the end
   * waits for the archives service's visa). */
  CHECK(socle_retention_phase(r, line_of(engine, "family")) == SOCLE_RETENTION_PHASE_AWAITING_VISA);
  socle_retention_free(r);

  r = (socle_retention*)&r; /* must be reset */
  rc = socle_access_engine_retention(engine, S(SECRET_PERSON), S(""), &r, &error);
  check_refused(rc, error, SOCLE_E_NOT_FOUND, NULL);
  CHECK(r == NULL);
  rc = socle_access_engine_retention(engine, S("P-1"), S("1 June 2102"), &r, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "day");
  CHECK(r == NULL);
  rc = socle_access_engine_retention(engine, S("P-1"), S(""), NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "out");

  CHECK(strcmp(socle_retention_phase_name(SOCLE_RETENTION_PHASE_INTERMEDIATE_ARCHIVE),
               "intermediate_archive") == 0);
  CHECK(strcmp(socle_retention_phase_name(SOCLE_RETENTION_PHASE_AWAITING_VISA), "awaiting_visa") ==
        0);
  CHECK(strcmp(socle_retention_phase_name(99), "unspecified") == 0);
}

static void archive(socle_access_engine* engine, socle_access_trail* trail) {
  socle_access_engine_set_time(engine, LATER);
  socle_access_request request;
  socle_access_request_init(&request);
  CHECK(socle_access_engine_find_professional(engine, S("ass1"), &request.actor, NULL) == SOCLE_OK);
  CHECK(socle_access_engine_find_person(engine, S("P-1"), &request.person, NULL) == SOCLE_OK);
  request.category = (uint32_t)line_of(engine, "financial");
  CHECK(socle_access_engine_find_purpose(engine, S("aides_facultatives"), &request.purpose, NULL) ==
        SOCLE_OK);
  socle_decision d;
  CHECK(socle_access_engine_decide(engine, &request, &d, NULL) == SOCLE_OK);
  CHECK(d.effect == SOCLE_EFFECT_DENY && d.reason == SOCLE_REASON_ARCHIVED);
  CHECK(strcmp(socle_reason_name(SOCLE_REASON_ARCHIVED), "archived") == 0);
  CHECK(strcmp(socle_reason_name(SOCLE_REASON_ALLOWED_ARCHIVIST), "allowed_archivist") == 0);
  /* A reason does not open the archive to someone who is not an archivist. */
  static const char kWhy[] = "Recours contentieux sur l'aide remboursable";
  CHECK(socle_access_engine_decide_with_archive_reason(engine, &request, S(kWhy), &d, NULL) ==
        SOCLE_OK);
  CHECK(d.reason == SOCLE_REASON_ARCHIVED);

  CHECK(socle_access_engine_find_professional(engine, S("resp1"), &request.actor, NULL) ==
        SOCLE_OK);
  /* Without a reason the archivist is an outsider to the closed case (need-to-know decides). */
  CHECK(socle_access_engine_decide_with_archive_reason(engine, &request, S(""), &d, NULL) ==
        SOCLE_OK);
  CHECK(d.effect == SOCLE_EFFECT_DENY && d.reason == SOCLE_REASON_NOT_ASSIGNED);
  CHECK(socle_access_engine_decide_with_archive_reason(engine, &request, S(kWhy), &d, NULL) ==
        SOCLE_OK);
  CHECK(d.effect == SOCLE_EFFECT_ALLOW && d.reason == SOCLE_REASON_ALLOWED_ARCHIVIST);
  /* Read only. */
  request.action = SOCLE_ACTION_EXPORT;
  CHECK(socle_access_engine_decide_with_archive_reason(engine, &request, S(kWhy), &d, NULL) ==
        SOCLE_OK);
  CHECK(d.effect == SOCLE_EFFECT_DENY);
  request.action = SOCLE_ACTION_READ;

  socle_error* error = NULL;
  int32_t rc =
      socle_access_engine_decide_with_archive_reason(engine, &request, NULL, 4, &d, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "archive_reason");
  CHECK(d.effect == SOCLE_EFFECT_DENY && d.reason == SOCLE_REASON_INVALID_REQUEST);
  rc = socle_access_engine_decide_with_archive_reason(engine, NULL, S(kWhy), &d, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "request");

  if (trail == NULL) return;
  rc = socle_access_trail_decide_with_archive_reason(trail, &request, S(kWhy), &d, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(d.reason == SOCLE_REASON_ALLOWED_ARCHIVIST);
  rc = socle_access_trail_decide_with_archive_reason(trail, &request, NULL, 4, &d, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "archive_reason");
  socle_history* h = NULL;
  rc = socle_access_trail_history(trail, S("P-1"), S("P-1"), 1, 0, 0, -1, 100, &h, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  int found = 0;
  for (size_t i = 0; i < socle_history_entry_count(h); ++i) {
    if (strcmp(socle_history_entry_reason(h, i), "allowed_archivist") == 0 &&
        strcmp(socle_history_entry_justification(h, i), kWhy) == 0 &&
        strcmp(socle_history_entry_actor(h, i), "resp1") == 0) {
      ++found;
    }
  }
  CHECK_MSG(found == 1, "%d archivist reads in the trail", found);
  socle_history_free(h);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s POLICY_FILE WORK_DIR\n", argv[0]);
    return 2;
  }
  check_set_work(argv[2]);
  CHECK_RC(socle_init(), SOCLE_OK);
  socle_access_engine* engine = check_engine(argv[1], NOW, kProfessionals, kPersons);
  if (engine == NULL) return check_report("retention_capi_test");

  facts(engine);
  phases(engine);
  socle_access_trail* trail = make_trail(engine);
  archive(engine, trail);
  socle_access_trail_free(trail);
  socle_access_engine_free(engine);
  return check_report("retention_capi_test");
}
