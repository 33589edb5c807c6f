/* The rights request register through the C ABI, as a vendor writing C uses it: compiled as C11,
 * linked against libsocle only. An access request received, listed among the person's open
 * requests and due soon, overdue the day after its deadline, extended in time, answered; a
 * rectification whose extension comes after the first deadline (refused: "extension_too_late:"),
 * then closed with no action; a withdrawal; the register; each function given a bad input
 * refused with a message that names the parameter and never the person or the request.
 *
 * usage: rights_capi_test POLICY_FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* 2100-01-01 00:00:00 UTC (01:00 in Paris). */
#define NOW 4102444800
#define DAY 86400

#define SECRET "SECRET-4242"

static const char kProfessionals[] = "ass1\tass\tpole-social\tccas\n";
static const char kPersons[] = "P-1\tpole-social\n";

static void check_refused(int32_t rc, socle_error* error, int32_t expected, const char* name) {
  static const char* const kNeverShown[] = {SECRET, "P-1", NULL};
  check_refusal(rc, error, expected, name, kNeverShown);
}

/* A query's list, which must succeed. */
static socle_rights_requests* must(int32_t rc, socle_rights_requests* list, socle_error* error) {
  CHECK_OK(rc, error);
  socle_error_free(error);
  return list;
}

static int32_t receive(socle_access_engine* engine, const char* id, int32_t kind,
                       socle_error** error) {
  return socle_access_engine_record_rights_request(
      engine, S(id), kind, S("P-1"), S(""), 0, SOCLE_CONSENT_CHANNEL_PAPER, S("ass1"), NULL, error);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICY_FILE\n", argv[0]);
    return 2;
  }
  CHECK_RC(socle_init(), SOCLE_OK);
  socle_access_engine* engine = check_engine(argv[1], NOW, kProfessionals, kPersons);
  if (engine == NULL) return check_report("rights_capi_test");
  socle_error* error = NULL;
  int32_t rc = SOCLE_OK;

  /* Received. */
  uint64_t revision = 0;
  const uint64_t before = socle_access_engine_revision(engine);
  rc = socle_access_engine_record_rights_request(
      engine, S("DA-1"), SOCLE_RIGHTS_REQUEST_KIND_ACCESS, S("P-1"), S(""), NOW - 3600,
      SOCLE_CONSENT_CHANNEL_PAPER, S("ass1"), &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(revision == before + 1);
  revision = 9;
  rc = socle_access_engine_record_rights_request(engine, S(SECRET), 7, S("P-1"), S(""), 0,
                                                 SOCLE_CONSENT_CHANNEL_PAPER, S("ass1"), &revision,
                                                 &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "kind");
  CHECK(revision == 0);
  rc =
      socle_access_engine_record_rights_request(engine, S(SECRET), SOCLE_RIGHTS_REQUEST_KIND_ACCESS,
                                                S("P-1"), S(""), 0, 0, S("ass1"), NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "channel");
  rc = socle_access_engine_record_rights_request(engine, NULL, 5, SOCLE_RIGHTS_REQUEST_KIND_ACCESS,
                                                 S("P-1"), S(""), 0, SOCLE_CONSENT_CHANNEL_PAPER,
                                                 S("ass1"), NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "request");
  rc = socle_access_engine_record_rights_request(
      engine, S(SECRET), SOCLE_RIGHTS_REQUEST_KIND_ACCESS, S("P-SECRET-4242"), S(""), 0,
      SOCLE_CONSENT_CHANNEL_PAPER, S("ass1"), NULL, &error);
  CHECK(rc != SOCLE_OK);
  check_refused(rc, error, rc, NULL);
  rc = receive(engine, "DA-1", SOCLE_RIGHTS_REQUEST_KIND_ACCESS, &error); /* the id is taken */
  CHECK(rc != SOCLE_OK);
  check_refused(rc, error, rc, NULL);
  CHECK(socle_access_engine_revision(engine) == before + 1);

  /* Its deadline, and the lists. */
  socle_rights_requests* list = NULL;
  rc = socle_access_engine_get_rights_request(engine, S("DA-1"), S(""), &list, &error);
  list = must(rc, list, error);
  CHECK(socle_rights_requests_count(list) == 1);
  CHECK(strcmp(socle_rights_requests_request(list, 0), "DA-1") == 0);
  CHECK(socle_rights_requests_kind(list, 0) == SOCLE_RIGHTS_REQUEST_KIND_ACCESS);
  CHECK(strcmp(socle_rights_requests_person(list, 0), "P-1") == 0);
  CHECK(socle_rights_requests_requester_kind(list, 0) == 0);
  CHECK(socle_rights_requests_channel(list, 0) == SOCLE_CONSENT_CHANNEL_PAPER);
  CHECK(strcmp(socle_rights_requests_recorded_by(list, 0), "ass1") == 0);
  CHECK(socle_rights_requests_received_unix_seconds(list, 0) == NOW - 3600);
  CHECK(strcmp(socle_rights_requests_received_day(list, 0), "2100-01-01") == 0);
  CHECK(strcmp(socle_rights_requests_first_deadline(list, 0), "2100-02-01") == 0);
  CHECK(strcmp(socle_rights_requests_deadline(list, 0), "2100-02-01") == 0);
  CHECK(socle_rights_requests_status(list, 0) == SOCLE_RIGHTS_REQUEST_STATUS_OPEN);
  CHECK(socle_rights_requests_days_left(list, 0) == 31);
  CHECK(socle_rights_requests_extension_months(list, 0) == 0);
  CHECK(socle_rights_requests_closed_unix_seconds(list, 0) == 0);
  CHECK(socle_rights_requests_revision(list, 0) == before + 1);
  CHECK(strcmp(socle_rights_requests_request(list, 1), "") == 0); /* out of range */
  CHECK(socle_rights_requests_kind(list, 1) == 0);
  socle_rights_requests_free(list);
  list = (socle_rights_requests*)&list;
  rc = socle_access_engine_get_rights_request(engine, S(SECRET), S(""), &list, &error);
  check_refused(rc, error, SOCLE_E_NOT_FOUND, NULL);
  CHECK(list == NULL);
  rc = socle_access_engine_get_rights_request(engine, S("DA-1"), S("01/02/2100"), &list, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "day");

  rc = socle_access_engine_open_rights_requests(engine, S("P-1"), S(""), &list, &error);
  list = must(rc, list, error);
  CHECK(socle_rights_requests_count(list) == 1);
  socle_rights_requests_free(list);
  rc = socle_access_engine_open_rights_requests(engine, S("P-SECRET-4242"), S(""), &list, &error);
  check_refused(rc, error, SOCLE_E_NOT_FOUND, NULL);

  rc = socle_access_engine_rights_requests_due_within(engine, S("2100-01-25"), 7, &list, &error);
  list = must(rc, list, error);
  CHECK(socle_rights_requests_count(list) == 1);
  CHECK(socle_rights_requests_days_left(list, 0) == 7);
  socle_rights_requests_free(list);
  rc = socle_access_engine_rights_requests_due_within(engine, S("2100-01-20"), 7, &list, &error);
  list = must(rc, list, error);
  CHECK(socle_rights_requests_count(list) == 0);
  socle_rights_requests_free(list);
  rc = socle_access_engine_rights_requests_due_within(engine, S(""), -1, &list, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "days");

  rc = socle_access_engine_overdue_rights_requests(engine, S("2100-02-01"), &list, &error);
  list = must(rc, list, error);
  CHECK(socle_rights_requests_count(list) == 0); /* due by the end of its day */
  socle_rights_requests_free(list);
  rc = socle_access_engine_overdue_rights_requests(engine, S("2100-02-02"), &list, &error);
  list = must(rc, list, error);
  CHECK(socle_rights_requests_count(list) == 1);
  CHECK(socle_rights_requests_days_left(list, 0) == -1);
  socle_rights_requests_free(list);
  rc = socle_access_engine_overdue_rights_requests(engine, S("2100-2-2"), &list, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "day");

  /* Extended in time, once. */
  rc = socle_access_engine_extend_rights_request(engine, S("DA-1"), S("Dossier volumineux"), 0, 2,
                                                 S("ass1"), &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  rc = socle_access_engine_extend_rights_request(engine, S("DA-1"), S("Encore"), 0, 1, S("ass1"),
                                                 NULL, &error);
  check_refused(rc, error, SOCLE_E_FAILED_PRECONDITION, NULL);
  rc = socle_access_engine_extend_rights_request(engine, S("DA-1"), NULL, 3, 0, 1, S("ass1"), NULL,
                                                 &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "justification");
  rc = socle_access_engine_get_rights_request(engine, S("DA-1"), S(""), &list, &error);
  list = must(rc, list, error);
  CHECK(socle_rights_requests_extension_months(list, 0) == 2);
  CHECK(strcmp(socle_rights_requests_deadline(list, 0), "2100-04-01") == 0);
  CHECK(strcmp(socle_rights_requests_justification(list, 0), "Dossier volumineux") == 0);
  CHECK(socle_rights_requests_extension_notified_unix_seconds(list, 0) == NOW);
  socle_rights_requests_free(list);

  /* A rectification: the person told of an extension after the first deadline. */
  rc = receive(engine, "DR-2", SOCLE_RIGHTS_REQUEST_KIND_RECTIFICATION, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  socle_access_engine_set_time(engine, NOW + 40 * DAY);
  rc = socle_access_engine_extend_rights_request(engine, S("DR-2"), S("Pièces à obtenir"), 0, 2,
                                                 S("ass1"), NULL, &error);
  CHECK(rc == SOCLE_E_FAILED_PRECONDITION);
  CHECK(error != NULL && strncmp(socle_error_message(error), "extension_too_late:", 19) == 0);
  check_refused(rc, error, SOCLE_E_FAILED_PRECONDITION, NULL);
  rc = socle_access_engine_extend_rights_request(engine, S("DR-2"), S("x"), 0, 3, S("ass1"), NULL,
                                                 &error);
  CHECK(rc != SOCLE_OK);
  check_refused(rc, error, rc, NULL);

  /* Closed: answered; with no action only with the reasons and the complaint information. */
  rc = socle_access_engine_close_rights_request(engine, S("DA-1"), 0, S(""), S(""), S("ass1"),
                                                &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  rc = socle_access_engine_close_rights_request(engine, S("DR-2"), 1, S(""), S(""), S("ass1"), NULL,
                                                &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, NULL);
  rc = socle_access_engine_close_rights_request(engine, S("DR-2"), 2, S(""), S(""), S("ass1"), NULL,
                                                &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "no_action");
  rc = socle_access_engine_close_rights_request(
      engine, S("DR-2"), 1, S("Les données sont exactes (pièces au dossier)"),
      S("Vous pouvez saisir la CNIL ou le tribunal judiciaire"), S("ass1"), NULL, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);

  /* Withdrawn by the person. */
  rc = receive(engine, "DE-3", SOCLE_RIGHTS_REQUEST_KIND_ERASURE, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  rc = socle_access_engine_withdraw_rights_request(engine, S("DE-3"), S(""), S("ass1"), &revision,
                                                   &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  rc = socle_access_engine_withdraw_rights_request(engine, S(SECRET), S(""), S("ass1"), NULL,
                                                   &error);
  check_refused(rc, error, SOCLE_E_NOT_FOUND, NULL);

  rc = socle_access_engine_rights_register(engine, S(""), &list, &error);
  list = must(rc, list, error);
  CHECK(socle_rights_requests_count(list) == 3);
  CHECK(socle_rights_requests_status(list, 0) == SOCLE_RIGHTS_REQUEST_STATUS_ANSWERED);
  CHECK(socle_rights_requests_closed_unix_seconds(list, 0) == NOW + 40 * DAY);
  CHECK(socle_rights_requests_days_left(list, 0) > 0); /* answered before its deadline */
  CHECK(socle_rights_requests_status(list, 1) == SOCLE_RIGHTS_REQUEST_STATUS_NO_ACTION);
  CHECK(socle_rights_requests_days_left(list, 1) < 0); /* answered late */
  CHECK(strstr(socle_rights_requests_complaint_information(list, 1), "CNIL") != NULL);
  CHECK(strstr(socle_rights_requests_reasons(list, 1), "exactes") != NULL);
  CHECK(socle_rights_requests_status(list, 2) == SOCLE_RIGHTS_REQUEST_STATUS_WITHDRAWN);
  socle_rights_requests_free(list);
  rc = socle_access_engine_rights_register(engine, S("x"), &list, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "day");
  rc = socle_access_engine_rights_register(NULL, S(""), &list, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "engine");

  CHECK(strcmp(socle_rights_request_kind_name(SOCLE_RIGHTS_REQUEST_KIND_PORTABILITY),
               "portability") == 0);
  CHECK(strcmp(socle_rights_request_kind_name(0), "unspecified") == 0);
  CHECK(strcmp(socle_rights_request_status_name(SOCLE_RIGHTS_REQUEST_STATUS_NO_ACTION),
               "no_action") == 0);
  CHECK(socle_rights_requests_count(NULL) == 0);
  socle_rights_requests_free(NULL);

  socle_access_engine_free(engine);
  return check_report("rights_capi_test");
}
