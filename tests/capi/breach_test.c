/* The breach register through the C ABI, as a vendor writing C uses it: compiled as C11, linked
 * against libsocle only. A high-risk breach recorded, overdue for the authority past 72 hours,
 * its late notification refused without a reason and accepted with one, the persons told, then
 * closed (refused before); an unlikely-risk breach needs its assessment; each function given a
 * bad input refused with a message that names the parameter and never the breach's id.
 *
 * usage: breach_capi_test POLICY_FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

#define NOW 4102444800 /* 2100-01-01 00:00:00 UTC */
#define HOUR 3600

#define SECRET "VIOL-SECRET-4242"

static const char kProfessionals[] = "dpo1\tdpo\t\tccas\n";
static const char kPersons[] = "P-1\tpole-social\n";

static void check_refused(int32_t rc, socle_error* error, int32_t expected, const char* name) {
  static const char* const kNeverShown[] = {SECRET, NULL};
  check_refusal(rc, error, expected, name, kNeverShown);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICY_FILE\n", argv[0]);
    return 2;
  }
  CHECK_RC(socle_init(), SOCLE_OK);
  socle_access_engine* engine = check_engine(argv[1], NOW, kProfessionals, kPersons);
  if (engine == NULL) return check_report("breach_capi_test");
  socle_error* error = NULL;
  int32_t rc = SOCLE_OK;

  const char* nature[] = {"confidentiality", "lost_laptop"};
  const size_t nature_lens[] = {15, 11};
  uint64_t revision = 0;
  const uint64_t before = socle_access_engine_revision(engine);
  rc = socle_access_engine_record_breach(engine, S("V-1"), NOW - HOUR, nature, nature_lens, 2,
                                         SOCLE_BREACH_RISK_HIGH, S(""), 0, S(""), 120, 300,
                                         S("dpo1"), &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(revision == before + 1);

  /* Bad inputs: nothing recorded. */
  revision = 5;
  rc = socle_access_engine_record_breach(engine, S(SECRET), NOW, nature, nature_lens, 2, 0, S(""),
                                         0, S(""), 1, 1, S("dpo1"), &revision, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "risk");
  CHECK(revision == 0);
  rc = socle_access_engine_record_breach(engine, S(SECRET), NOW, nature, nature_lens, 2,
                                         SOCLE_BREACH_RISK_RISK, S(""), 2, S(""), 1, 1, S("dpo1"),
                                         NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "unintelligible");
  rc = socle_access_engine_record_breach(engine, S(SECRET), NOW, nature, NULL, 2,
                                         SOCLE_BREACH_RISK_RISK, S(""), 0, S(""), 1, 1, S("dpo1"),
                                         NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "nature");
  const char* free_text[] = {"Ordinateur de Mme X perdu"};
  const size_t free_text_lens[] = {25};
  rc = socle_access_engine_record_breach(engine, S(SECRET), NOW, free_text, free_text_lens, 1,
                                         SOCLE_BREACH_RISK_RISK, S(""), 0, S(""), 1, 1, S("dpo1"),
                                         NULL, &error);
  CHECK(rc == SOCLE_E_INVALID_ARGUMENT);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, NULL);
  rc = socle_access_engine_record_breach(engine, S(SECRET), NOW, nature, nature_lens, 2,
                                         SOCLE_BREACH_RISK_UNLIKELY, S(""), 0, S(""), 1, 1,
                                         S("dpo1"), NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, NULL);
  CHECK(socle_access_engine_revision(engine) == before + 1);
  /* Unlikely to result in a risk, with its assessment: not notified, in the register all the
   * same. */
  rc = socle_access_engine_record_breach(
      engine, S("V-2"), NOW - HOUR, nature, nature_lens, 1, SOCLE_BREACH_RISK_UNLIKELY,
      S("Courriel envoyé au mauvais service interne, supprimé sans lecture"), 0, S(""), 1, 1,
      S("dpo1"), NULL, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);

  socle_breaches* list = NULL;
  rc = socle_access_engine_get_breach(engine, S("V-1"), &list, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(socle_breaches_count(list) == 1);
  CHECK(strcmp(socle_breaches_breach(list, 0), "V-1") == 0);
  CHECK(socle_breaches_aware_unix_seconds(list, 0) == NOW - HOUR);
  CHECK(socle_breaches_nature_count(list, 0) == 2);
  CHECK(strcmp(socle_breaches_nature(list, 0, 1), "lost_laptop") == 0);
  CHECK(strcmp(socle_breaches_nature(list, 0, 2), "") == 0);
  CHECK(socle_breaches_risk(list, 0) == SOCLE_BREACH_RISK_HIGH);
  CHECK(socle_breaches_unintelligible(list, 0) == 0);
  CHECK(socle_breaches_persons_concerned(list, 0) == 120);
  CHECK(socle_breaches_records_concerned(list, 0) == 300);
  CHECK(strcmp(socle_breaches_recorded_by(list, 0), "dpo1") == 0);
  CHECK(socle_breaches_authority_notification_required(list, 0) == 1);
  CHECK(socle_breaches_authority_deadline_unix_seconds(list, 0) == NOW - HOUR + 72 * HOUR);
  CHECK(socle_breaches_authority_notified_unix_seconds(list, 0) == 0);
  CHECK(socle_breaches_person_notification_required(list, 0) == 1);
  CHECK(socle_breaches_closed_unix_seconds(list, 0) == 0);
  CHECK(socle_breaches_revision(list, 0) == before + 1);
  CHECK(socle_breaches_risk(list, 3) == 0); /* out of range */
  socle_breaches_free(list);
  list = (socle_breaches*)&list;
  rc = socle_access_engine_get_breach(engine, S(SECRET), &list, &error);
  check_refused(rc, error, SOCLE_E_NOT_FOUND, NULL);
  CHECK(list == NULL);

  /* Overdue for the authority after 72 hours; closing is refused while notifications lack. */
  rc = socle_access_engine_overdue_breach_notifications(engine, 0, &list, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(socle_breaches_count(list) == 0);
  socle_breaches_free(list);
  rc = socle_access_engine_overdue_breach_notifications(engine, NOW + 72 * HOUR, &list, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(socle_breaches_count(list) == 1 && strcmp(socle_breaches_breach(list, 0), "V-1") == 0);
  socle_breaches_free(list);
  rc = socle_access_engine_overdue_breach_notifications(engine, 0, NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "out");
  rc = socle_access_engine_close_breach(engine, S("V-1"), S("dpo1"), NULL, &error);
  check_refused(rc, error, SOCLE_E_FAILED_PRECONDITION, NULL);

  socle_access_engine_set_time(engine, NOW + 80 * HOUR);
  rc = socle_access_engine_notify_breach_authority(engine, S("V-1"), 0, S(""), S(""), S("dpo1"),
                                                   NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, NULL);
  rc = socle_access_engine_notify_breach_authority(engine, S("V-1"), 0, NULL, 9, S(""), S("dpo1"),
                                                   NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "delay_reason");
  rc = socle_access_engine_notify_breach_authority(
      engine, S("V-1"), 0, S("Ampleur établie au troisième jour (inventaire du poste)"),
      S("CNIL-2100-0001"), S("dpo1"), &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  rc = socle_access_engine_notify_breach_persons(engine, S("V-1"), 0, S("letter"), S("dpo1"),
                                                 &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  rc = socle_access_engine_notify_breach_persons(engine, S(SECRET), 0, S("letter"), S("dpo1"), NULL,
                                                 &error);
  check_refused(rc, error, SOCLE_E_NOT_FOUND, NULL);
  rc = socle_access_engine_close_breach(engine, S("V-1"), S("dpo1"), &revision, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  rc = socle_access_engine_close_breach(engine, NULL, 2, S("dpo1"), NULL, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "breach");

  rc = socle_access_engine_breach_register(engine, &list, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  CHECK(socle_breaches_count(list) == 2);
  CHECK(socle_breaches_authority_notified_unix_seconds(list, 0) == NOW + 80 * HOUR);
  CHECK(socle_breaches_authority_notified_late(list, 0) == 1);
  CHECK(strstr(socle_breaches_delay_reason(list, 0), "troisième jour") != NULL);
  CHECK(strcmp(socle_breaches_authority_reference(list, 0), "CNIL-2100-0001") == 0);
  CHECK(socle_breaches_persons_notified_unix_seconds(list, 0) == NOW + 80 * HOUR);
  CHECK(strcmp(socle_breaches_persons_notification_means(list, 0), "letter") == 0);
  CHECK(socle_breaches_closed_unix_seconds(list, 0) == NOW + 80 * HOUR);
  CHECK(socle_breaches_authority_notification_required(list, 1) == 0);
  CHECK(strstr(socle_breaches_assessment(list, 1), "sans lecture") != NULL);
  CHECK(strcmp(socle_breaches_unintelligible_reason(list, 1), "") == 0);
  socle_breaches_free(list);
  rc = socle_access_engine_breach_register(NULL, &list, &error);
  check_refused(rc, error, SOCLE_E_INVALID_ARGUMENT, "engine");

  CHECK(strcmp(socle_breach_risk_name(SOCLE_BREACH_RISK_HIGH), "high_risk") == 0);
  CHECK(strcmp(socle_breach_risk_name(0), "unspecified") == 0);
  CHECK(socle_breaches_count(NULL) == 0);
  socle_breaches_free(NULL);

  socle_access_engine_free(engine);
  return check_report("breach_capi_test");
}
