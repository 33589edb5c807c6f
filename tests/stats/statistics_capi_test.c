/* Anonymous statistics through the C ABI (REQ-53, issue 14), as a vendor writing C uses it:
 * compiled as C11, linked against libsocle only. A 3 × 3 table (age band × commune) added in one
 * batch call, with one cell of 2: suppressed with its complements, its count withheld, the
 * margins published; JSON and CSV; a signed .socle statistics file written and verified; a noisy
 * release charged to the privacy budget, then a second one refused because the budget is spent;
 * hostile input (no dimension, an empty label, a negative amount, NULLs, a policy with k < 3)
 * refused with its code and a message naming what is wrong, never a label.
 *
 * usage: statistics_capi_test POLICY_FILE WORK_DIR (tests/stats/statistics_policy.textproto) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

#define NOW 1900000000 /* 2030-03-17 17:46:40 UTC */

static void check_refused(int32_t rc, socle_error** error, int32_t code, const char* named) {
  static const char* const kLabels[] = {"18-29", "Albi", "Castres", "secret-label", NULL};
  check_refusal(rc, *error, code, named, kLabels);
  *error = NULL;
}

static int contains(const uint8_t* data, size_t size, const char* needle) {
  const size_t n = strlen(needle);
  for (size_t i = 0; i + n <= size; ++i) {
    if (memcmp(data + i, needle, n) == 0) return 1;
  }
  return 0;
}

/* The table of tests/access/statistics_release_test.cc: ages × communes, 2 records in
 * (18-29, Albi) and 20 + 3a + c in the others, added in one call (dimension-major). */
static socle_statistics_table* small_table(void) {
  static const char* const kNames[] = {"age_band", "commune"};
  static const size_t kNameLens[] = {8, 7};
  static const char* const kAges[] = {"18-29", "30-44", "45-59"};
  static const char* const kCommunes[] = {"Albi", "Castres", "Gaillac"};
  socle_table_builder* builder = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_table_builder_create(kNames, kNameLens, 2, 0, &builder, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  if (builder == NULL) return NULL;
  enum { kMax = 400 };
  static const char* labels[2 * kMax];
  static size_t lens[2 * kMax];
  size_t count = 0;
  for (int a = 0; a < 3; ++a) {
    for (int c = 0; c < 3; ++c) {
      const int n = (a == 0 && c == 0) ? 2 : 20 + 3 * a + c;
      for (int i = 0; i < n; ++i) {
        labels[count] = kAges[a];
        lens[count] = strlen(kAges[a]);
        labels[kMax + count] = kCommunes[c];
        lens[kMax + count] = strlen(kCommunes[c]);
        ++count;
      }
    }
  }
  /* Dimension-major: the communes follow the ages directly. */
  memmove(labels + count, labels + kMax, count * sizeof labels[0]);
  memmove(lens + count, lens + kMax, count * sizeof lens[0]);
  uint64_t added = 0;
  rc = socle_table_builder_add_columns(builder, count, labels, lens, NULL, &added, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(added == count);
  CHECK(socle_table_builder_records(builder) == count);
  socle_statistics_table* table = NULL;
  rc = socle_table_builder_finish(builder, &table, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  /* Finished: consumed. */
  CHECK(socle_table_builder_records(builder) == 0);
  rc = socle_table_builder_add_columns(builder, 1, labels, lens, NULL, &added, &error);
  check_refused(rc, &error, SOCLE_E_FAILED_PRECONDITION, "finished");
  socle_statistics_table* again = NULL;
  rc = socle_table_builder_finish(builder, &again, &error);
  check_refused(rc, &error, SOCLE_E_FAILED_PRECONDITION, "finished");
  CHECK(again == NULL);
  socle_table_builder_free(builder);
  return table;
}

static void hostile_builders(void) {
  socle_table_builder* builder = NULL;
  socle_error* error = NULL;
  /* No dimension. */
  int32_t rc = socle_table_builder_create(NULL, NULL, 0, 0, &builder, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "dimension");
  CHECK(builder == NULL);
  /* Five dimensions; an empty name; a repeated one; with_amounts not a boolean. */
  static const char* const kFive[] = {"a", "b", "c", "d", "e"};
  static const size_t kOnes[] = {1, 1, 1, 1, 1};
  rc = socle_table_builder_create(kFive, kOnes, 5, 0, &builder, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "dimension");
  static const char* const kEmpty[] = {"a", ""};
  static const size_t kEmptyLens[] = {1, 0};
  rc = socle_table_builder_create(kEmpty, kEmptyLens, 2, 0, &builder, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "name");
  static const char* const kTwice[] = {"a", "a"};
  rc = socle_table_builder_create(kTwice, kOnes, 2, 0, &builder, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "a");
  rc = socle_table_builder_create(kFive, kOnes, 1, 2, &builder, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "with_amounts");
  rc = socle_table_builder_create(kFive, kOnes, 1, 0, NULL, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "out");

  /* A table with amounts: an empty label in record 1, a negative amount in record 2. */
  static const char* const kNames[] = {"age_band", "help"};
  static const size_t kNameLens[] = {8, 4};
  rc = socle_table_builder_create(kNames, kNameLens, 2, 1, &builder, &error);
  CHECK_OK(rc, error);
  if (builder == NULL) return;
  static const char* const kLabels[] = {"18-29", "secret-label", "18-29", "rsa", "", "rsa"};
  static const size_t kLens[] = {5, 12, 5, 3, 0, 3};
  static const int64_t kAmounts[] = {100, 200, 300};
  uint64_t added = 7;
  rc = socle_table_builder_add_columns(builder, 3, kLabels, kLens, kAmounts, &added, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "records[1]");
  CHECK(added == 1); /* record 0 stays added */
  CHECK(socle_table_builder_records(builder) == 1);
  static const int64_t kNegative[] = {100, -5};
  static const char* const kTwo[] = {"18-29", "30-44", "rsa", "rsa"};
  static const size_t kTwoLens[] = {5, 5, 3, 3};
  rc = socle_table_builder_add_columns(builder, 2, kTwo, kTwoLens, kNegative, &added, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "records[1]");
  CHECK(added == 1);
  CHECK(socle_table_builder_records(builder) == 2);
  /* Amounts missing in a table with amounts; NULL labels; a label NULL with a length. */
  rc = socle_table_builder_add_columns(builder, 2, kTwo, kTwoLens, NULL, &added, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "amounts");
  rc = socle_table_builder_add_columns(builder, 2, NULL, kTwoLens, kAmounts, &added, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "labels");
  static const char* const kNull[] = {"18-29", NULL};
  static const size_t kNullLens[] = {5, 3};
  rc = socle_table_builder_add_columns(builder, 1, kNull, kNullLens, kAmounts, &added, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "dimension 1");
  rc = socle_table_builder_add_columns(NULL, 1, kTwo, kTwoLens, kAmounts, &added, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "builder");
  socle_table_builder_free(builder);

  /* Amounts given to a table without amounts; an empty table cannot be finished. */
  rc = socle_table_builder_create(kNames, kNameLens, 2, 0, &builder, &error);
  CHECK_OK(rc, error);
  if (builder == NULL) return;
  rc = socle_table_builder_add_columns(builder, 2, kTwo, kTwoLens, kAmounts, &added, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "amounts");
  socle_statistics_table* table = NULL;
  rc = socle_table_builder_finish(builder, &table, &error);
  check_refused(rc, &error, SOCLE_E_FAILED_PRECONDITION, "record");
  CHECK(table == NULL);
  socle_table_builder_free(builder);
  socle_table_builder_free(NULL);
  socle_statistics_table_free(NULL);

  /* 10,001 distinct labels on one dimension: past the builder's 10,000 (a variable that was not
   * generalised), RESOURCE_EXHAUSTED naming the dimension; the first 10,000 stay added. */
  enum { kMany = 10001 };
  static char texts[kMany][8];
  static const char* many[kMany];
  static size_t many_lens[kMany];
  for (int i = 0; i < kMany; ++i) {
    snprintf(texts[i], sizeof texts[i], "c%05d", i);
    many[i] = texts[i];
    many_lens[i] = strlen(texts[i]);
  }
  static const char* const kCode[] = {"code_postal"};
  static const size_t kCodeLen[] = {11};
  rc = socle_table_builder_create(kCode, kCodeLen, 1, 0, &builder, &error);
  CHECK_OK(rc, error);
  if (builder == NULL) return;
  rc = socle_table_builder_add_columns(builder, kMany, many, many_lens, NULL, &added, &error);
  check_refused(rc, &error, SOCLE_E_RESOURCE_EXHAUSTED, "code_postal");
  CHECK(added == 10000);
  socle_table_builder_free(builder);
}

/* k < 3 cannot be set: the only way is the policy, and the policy refuses it. */
static void threshold_below_three_refused(const char* policy_text, size_t n) {
  char* text = malloc(n + 1);
  CHECK(text != NULL);
  if (text == NULL) return;
  memcpy(text, policy_text, n);
  text[n] = 0;
  char* k = strstr(text, "small_cell_threshold: 3");
  CHECK(k != NULL);
  if (k != NULL) k[strlen("small_cell_threshold: ")] = '2';
  socle_policy* policy = NULL;
  socle_error* error = NULL;
  const int32_t rc = socle_policy_load(text, n, "k2", &policy, &error);
  CHECK(rc != SOCLE_OK);
  CHECK(policy == NULL);
  CHECK(error != NULL);
  if (error != NULL) {
    int found = strstr(socle_error_message(error), "small_cell_threshold") != NULL;
    for (size_t i = 0; i < socle_error_diagnostic_count(error); ++i) {
      if (strstr(socle_error_diagnostic_path(error, i), "small_cell_threshold") != NULL) found = 1;
    }
    CHECK_MSG(found, "'%s' does not name small_cell_threshold", socle_error_message(error));
  }
  socle_error_free(error);
  free(text);
}

static void suppressed_release(socle_access_trail* trail, const socle_statistics_table* table) {
  socle_statistics_release* release = NULL;
  socle_error* error = NULL;
  /* Hostile publications first: nothing is released. */
  int32_t rc = socle_access_trail_publish_table(trail, table, S(""), S("rapport_activite"),
                                                S("sw1"), 0, &release, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "name");
  rc = socle_access_trail_publish_table(trail, table, S("t"), S("nowhere"), S("sw1"), 0, &release,
                                        &error);
  check_refused(rc, &error, SOCLE_E_NOT_FOUND, "activity");
  rc = socle_access_trail_publish_table(trail, table, S("t"), S("accompagnement"), S("sw1"), 0,
                                        &release, &error);
  check_refused(rc, &error, SOCLE_E_FAILED_PRECONDITION, "statistics");
  rc = socle_access_trail_publish_table(trail, table, S("t"), S("rapport_activite"), S("sw1"), 100,
                                        &release, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "p_percent");
  rc = socle_access_trail_publish_table(trail, NULL, S("t"), S("rapport_activite"), S("sw1"), 0,
                                        &release, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "table");
  rc = socle_access_trail_publish_table(NULL, table, S("t"), S("rapport_activite"), S("sw1"), 0,
                                        &release, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "trail");
  rc = socle_access_trail_publish_table(trail, table, NULL, 3, S("rapport_activite"), S("sw1"), 0,
                                        &release, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "name");
  CHECK(release == NULL);

  rc = socle_access_trail_publish_table(trail, table, S("activite_2026"), S("rapport_activite"),
                                        S("sw1"), 0, &release, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  if (release == NULL) return;
  CHECK(strcmp(socle_statistics_release_name(release), "activite_2026") == 0);
  CHECK(socle_statistics_release_noisy(release) == 0);
  CHECK(socle_statistics_release_dimension_count(release) == 2);
  CHECK(strcmp(socle_statistics_release_dimension_name(release, 0), "age_band") == 0);
  CHECK(strcmp(socle_statistics_release_dimension_name(release, 1), "commune") == 0);
  CHECK(strcmp(socle_statistics_release_dimension_name(release, 2), "") == 0);
  CHECK(socle_statistics_release_category_count(release, 1) == 3);
  CHECK(strcmp(socle_statistics_release_category(release, 1, 2), "Gaillac") == 0);
  CHECK(strcmp(socle_statistics_release_category(release, 1, 3), "") == 0);
  CHECK(socle_statistics_release_cell_count(release) == 16);
  CHECK(socle_statistics_table_cell_count(table) == 16);
  /* REQ-53: the cell of 2 (18-29, Albi: cell 0) suppressed with complements in its row, its
   * column and the opposite corner. */
  CHECK(socle_statistics_release_primary_suppressed(release) == 1);
  CHECK(socle_statistics_release_secondary_suppressed(release) >= 3);
  CHECK(socle_statistics_release_cell_status(release, 0) == SOCLE_CELL_STATUS_PRIMARY_SUPPRESSED);
  CHECK(socle_statistics_release_cell_has_count(release, 0) == 0);
  CHECK(socle_statistics_release_cell_count_value(release, 0) == 0);
  CHECK(socle_statistics_release_cell_has_sum(release, 0) == 0);
  int secondary = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (socle_statistics_release_cell_status(release, i) ==
        SOCLE_CELL_STATUS_SECONDARY_SUPPRESSED) {
      ++secondary;
      CHECK(socle_statistics_release_cell_has_count(release, i) == 0);
    }
  }
  CHECK(secondary == (int)socle_statistics_release_secondary_suppressed(release));
  /* The grand total: every record. */
  CHECK(socle_statistics_release_cell_status(release, 15) == SOCLE_CELL_STATUS_PUBLISHED);
  CHECK(socle_statistics_release_cell_has_count(release, 15) == 1);
  CHECK(socle_statistics_release_cell_count_value(release, 15) ==
        (int64_t)socle_statistics_table_record_count(table));
  CHECK(socle_statistics_release_cell_count_value(release, 15) == 198);
  /* (45-59, Gaillac), cell 2 * 4 + 2 = 10: 20 + 6 + 2 records, published. */
  CHECK(socle_statistics_release_cell_count_value(release, 10) == 28);
  CHECK(socle_statistics_release_cell_status(release, 10) == SOCLE_CELL_STATUS_PUBLISHED);
  /* Out of range: 0. */
  CHECK(socle_statistics_release_cell_count_value(release, 16) == 0);
  CHECK(socle_statistics_release_cell_status(NULL, 0) == 0);

  /* The batch read agrees with the accessors. */
  int32_t statuses[16];
  int64_t counts[16], sums[16];
  int32_t flags[16];
  rc = socle_statistics_release_cells(release, 0, 16, statuses, counts, sums, flags, &error);
  CHECK_OK(rc, error);
  for (size_t i = 0; i < 16; ++i) {
    CHECK(statuses[i] == socle_statistics_release_cell_status(release, i));
    CHECK(counts[i] == socle_statistics_release_cell_count_value(release, i));
    CHECK(flags[i] == socle_statistics_release_cell_has_count(release, i));
    CHECK(sums[i] == 0);
  }
  rc = socle_statistics_release_cells(release, 10, 7, statuses, counts, NULL, NULL, &error);
  check_refused(rc, &error, SOCLE_E_OUT_OF_RANGE, "16 cells");
  rc = socle_statistics_release_cells(release, 0, 1, NULL, counts, NULL, NULL, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "out_statuses");

  /* JSON and CSV: aggregates, the suppressed count empty. */
  socle_buffer json = {0};
  rc = socle_statistics_release_json(release, &json, &error);
  CHECK_OK(rc, error);
  CHECK(contains(json.data, json.size, "\"PRIMARY_SUPPRESSED\""));
  CHECK(contains(json.data, json.size, "\"activite_2026\""));
  socle_buffer_free(&json);
  socle_buffer csv = {0};
  rc = socle_statistics_release_csv(release, &csv, &error);
  CHECK_OK(rc, error);
  CHECK(contains(csv.data, csv.size,
                 "age_band,commune,status,count,sum,count_min,count_max,sum_min,sum_max\r\n"));
  CHECK(contains(csv.data, csv.size, "18-29,Albi,primary_suppressed,,,0,"));
  CHECK(contains(csv.data, csv.size, "total,total,published,198,,,,,\r\n"));
  socle_buffer_free(&csv);
  rc = socle_statistics_release_json(NULL, &json, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "release");
  rc = socle_statistics_release_csv(release, NULL, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "out");

  /* The .socle statistics file: signed, verified, 1 + 16 records. */
  socle_export_signing_key* key = NULL;
  CHECK(socle_export_signing_key_generate(&key, NULL) == SOCLE_OK);
  socle_export_writer_options* options = NULL;
  CHECK(socle_export_writer_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_export_writer_options_set_kind(options, SOCLE_EXPORT_KIND_STATISTICS_TABLE, NULL) ==
        SOCLE_OK);
  CHECK(socle_export_writer_options_set_issuer(options, S("Conseil départemental"), NULL) ==
        SOCLE_OK);
  socle_export_writer* writer = NULL;
  rc = socle_export_writer_create(path_of("activite_2026.socle"), key, options, &writer, &error);
  CHECK_OK(rc, error);
  /* A writer made for another kind is refused before anything is written to it. */
  CHECK(socle_export_writer_options_set_kind(options, SOCLE_EXPORT_KIND_ACCESS_REQUEST, NULL) ==
        SOCLE_OK);
  socle_export_writer* wrong = NULL;
  rc = socle_export_writer_create(path_of("wrong_kind.socle"), key, options, &wrong, &error);
  CHECK_OK(rc, error);
  rc = socle_statistics_release_write_export(release, wrong, NULL, NULL, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT,
                "the writer was made for exports of kind access_request, not statistics_table");
  uint64_t wrong_records = 1;
  rc = socle_export_writer_finish(wrong, &wrong_records, NULL, &error);
  CHECK_OK(rc, error);
  CHECK(wrong_records == 0);
  socle_export_writer_free(wrong);
  socle_export_writer_options_free(options);
  rc = socle_statistics_release_write_export(release, NULL, NULL, NULL, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "writer");
  uint64_t records = 0, bytes = 0;
  rc = socle_statistics_release_write_export(release, writer, &records, &bytes, &error);
  CHECK_OK(rc, error);
  CHECK(records == 17);
  CHECK(bytes > 0);
  socle_export_writer_free(writer);
  uint8_t issuer[SOCLE_EXPORT_KEY_BYTES];
  CHECK(socle_export_signing_key_public_key(key, issuer, sizeof issuer, NULL) == SOCLE_OK);
  socle_export_reader_options* read_options = NULL;
  CHECK(socle_export_reader_options_new(&read_options, NULL) == SOCLE_OK);
  CHECK(socle_export_reader_options_add_trusted_issuer(read_options, issuer, sizeof issuer, NULL) ==
        SOCLE_OK);
  int32_t kind = 0, sealed = 1;
  uint64_t read_records = 0, read_bytes = 0;
  rc = socle_export_verify_file(path_of("activite_2026.socle"), read_options, &kind, &sealed,
                                &read_records, &read_bytes, &error);
  CHECK_OK(rc, error);
  CHECK(kind == SOCLE_EXPORT_KIND_STATISTICS_TABLE);
  CHECK(strcmp(socle_export_kind_name(kind), "statistics_table") == 0);
  CHECK(sealed == 0);
  CHECK(read_records == 17);
  CHECK(read_bytes == bytes);
  socle_export_reader_options_free(read_options);
  socle_export_signing_key_free(key);
  socle_statistics_release_free(release);
  socle_statistics_release_free(NULL);
}

static void noisy_release(socle_access_trail* trail, socle_access_engine* engine,
                          socle_access_engine* other, const socle_statistics_table* table) {
  socle_error* error = NULL;
  socle_privacy_budget* budget = NULL;
  int32_t rc = socle_access_engine_privacy_budget(engine, S("activite"), &budget, &error);
  CHECK_OK(rc, error);
  if (budget == NULL) return;
  CHECK(socle_privacy_budget_epsilon_numerator(budget) == 1);
  CHECK(socle_privacy_budget_epsilon_denominator(budget) == 1);
  CHECK(socle_privacy_budget_delta_numerator(budget) == 0);
  CHECK(socle_privacy_budget_laplace_epsilon_spent_numerator(budget) == 0);
  CHECK(socle_privacy_budget_charge_count(budget) == 0);
  socle_privacy_budget_free(budget);
  rc = socle_access_engine_privacy_budget(engine, S("nope"), &budget, &error);
  check_refused(rc, &error, SOCLE_E_NOT_FOUND, NULL);
  CHECK(budget == NULL);

  /* The options: bad values refused, the options unchanged. */
  socle_noise_options* noise = NULL;
  CHECK(socle_noise_options_new(&noise, NULL) == SOCLE_OK);
  rc = socle_noise_options_set_mechanism(noise, 3, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "mechanism");
  rc = socle_noise_options_set_parameter(noise, 1, 0, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "parameter");
  rc = socle_noise_options_set_records_per_person(noise, 0, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "records_per_person");
  rc = socle_noise_options_set_amount_bound(noise, -1, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "amount_bound");
  rc = socle_noise_options_set_clamp_negative(noise, 2, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "clamp_negative");
  rc = socle_noise_options_set_dataset(NULL, S("activite"), &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "options");
  CHECK(socle_noise_options_set_mechanism(noise, SOCLE_NOISE_DISCRETE_LAPLACE, NULL) == SOCLE_OK);
  CHECK(socle_noise_options_set_parameter(noise, 2, 1, NULL) == SOCLE_OK); /* ε = 1/2 */
  CHECK(socle_noise_options_set_records_per_person(noise, 1, NULL) == SOCLE_OK);
  CHECK(socle_noise_options_set_clamp_negative(noise, 1, NULL) == SOCLE_OK);

  /* No dataset, an unknown one, an engine that is not the trail's: refused, nothing charged. */
  socle_statistics_release* release = NULL;
  rc = socle_access_trail_publish_noisy_table(
      trail, engine, table, S("bruite"), S("rapport_activite"), S("sw1"), noise, &release, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "dataset");
  CHECK(socle_noise_options_set_dataset(noise, S("nope"), NULL) == SOCLE_OK);
  rc = socle_access_trail_publish_noisy_table(
      trail, engine, table, S("bruite"), S("rapport_activite"), S("sw1"), noise, &release, &error);
  check_refused(rc, &error, SOCLE_E_NOT_FOUND, "dataset");
  CHECK(socle_noise_options_set_dataset(noise, S("activite"), NULL) == SOCLE_OK);
  rc = socle_access_trail_publish_noisy_table(
      trail, other, table, S("bruite"), S("rapport_activite"), S("sw1"), noise, &release, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "engine");
  rc = socle_access_trail_publish_noisy_table(
      trail, engine, table, S("bruite"), S("rapport_activite"), S("sw1"), NULL, &release, &error);
  check_refused(rc, &error, SOCLE_E_INVALID_ARGUMENT, "noise");

  /* Two releases at ε = 1/2 spend the budget of 1; a third is refused. */
  for (int round = 0; round < 2; ++round) {
    rc = socle_access_trail_publish_noisy_table(trail, engine, table, S("bruite"),
                                                S("rapport_activite"), S("sw1"), noise, &release,
                                                &error);
    CHECK_OK(rc, error);
    socle_error_free(error);
    error = NULL;
    if (release == NULL) continue;
    CHECK(socle_statistics_release_noisy(release) == 1);
    CHECK(socle_statistics_release_cell_count(release) == 16);
    /* Every cell noisy, the sums withheld (no amount bound), the margins additive: each row's
     * total is the sum of its cells. */
    for (size_t i = 0; i < 16; ++i) {
      CHECK(socle_statistics_release_cell_status(release, i) == SOCLE_CELL_STATUS_NOISY);
      CHECK(socle_statistics_release_cell_has_count(release, i) == 1);
      CHECK(socle_statistics_release_cell_has_sum(release, i) == 0);
    }
    for (size_t a = 0; a < 4; ++a) {
      int64_t row = 0;
      for (size_t c = 0; c < 3; ++c)
        row += socle_statistics_release_cell_count_value(release, a * 4 + c);
      CHECK(row == socle_statistics_release_cell_count_value(release, a * 4 + 3));
    }
    socle_buffer json = {0};
    CHECK(socle_statistics_release_json(release, &json, NULL) == SOCLE_OK);
    CHECK(contains(json.data, json.size, "\"NOISY\""));
    socle_buffer_free(&json);
    socle_statistics_release_free(release);
    release = NULL;
  }
  rc = socle_access_trail_publish_noisy_table(
      trail, engine, table, S("bruite"), S("rapport_activite"), S("sw1"), noise, &release, &error);
  check_refused(rc, &error, SOCLE_E_RESOURCE_EXHAUSTED, NULL);
  CHECK(release == NULL);
  socle_noise_options_free(noise);
  socle_noise_options_free(NULL);

  rc = socle_access_engine_privacy_budget(engine, S("activite"), &budget, &error);
  CHECK_OK(rc, error);
  if (budget == NULL) return;
  CHECK(socle_privacy_budget_laplace_epsilon_spent_numerator(budget) == 1);
  CHECK(socle_privacy_budget_laplace_epsilon_spent_denominator(budget) == 1);
  CHECK(socle_privacy_budget_rho_spent_numerator(budget) == 0);
  CHECK(socle_privacy_budget_charge_count(budget) == 2);
  socle_privacy_budget_free(budget);
  socle_privacy_budget_free(NULL);
  /* The zCDP budget: δ = 10^-6. */
  rc = socle_access_engine_privacy_budget(engine, S("activite_zcdp"), &budget, &error);
  CHECK_OK(rc, error);
  if (budget == NULL) return;
  CHECK(socle_privacy_budget_epsilon_numerator(budget) == 2);
  CHECK(socle_privacy_budget_delta_numerator(budget) == 1);
  CHECK(socle_privacy_budget_delta_denominator(budget) == 1000000);
  socle_privacy_budget_free(budget);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s POLICY_FILE WORK_DIR\n", argv[0]);
    return 2;
  }
  check_set_work(argv[2]);
  static const char* const kFiles[] = {
      "s.key",        "s.vault",      "s.vault-wal",         "s.vault-shm",         "trail.db",
      "trail.db-wal", "trail.db-shm", "trail.db.checkpoint", "activite_2026.socle", NULL};
  check_remove(kFiles);
  CHECK(socle_init() == SOCLE_OK);
  FILE* f = fopen(argv[1], "rb");
  CHECK(f != NULL);
  if (f == NULL) return check_report("statistics_capi_test");
  static char text[1 << 20];
  const size_t n = fread(text, 1, sizeof text, f);
  fclose(f);
  socle_policy* policy = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_policy_load(text, n, "statistics", &policy, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  if (policy == NULL) return check_report("statistics_capi_test");
  socle_access_engine* engine =
      check_engine_on(policy, NOW, "sw1\tsocial_worker\tt1\n", "P-1\tt1\n");
  socle_access_engine* other =
      check_engine_on(policy, NOW, "sw1\tsocial_worker\tt1\n", "P-1\tt1\n");
  socle_policy_free(policy);
  socle_vault* vault = check_vault("s.key", "statistics C test", "s.vault", "ccas");
  socle_access_trail* trail = check_trail(vault, engine);
  if (engine == NULL || other == NULL || trail == NULL) return check_report("statistics_capi_test");

  hostile_builders();
  threshold_below_three_refused(text, n);
  socle_statistics_table* table = small_table();
  if (table != NULL) {
    CHECK(socle_statistics_table_record_count(table) == 198);
    suppressed_release(trail, table);
    noisy_release(trail, engine, other, table);
  }
  socle_statistics_table_free(table);
  socle_access_trail_free(trail);
  socle_vault_free(vault);
  socle_access_engine_free(other);
  socle_access_engine_free(engine);
  return check_report("statistics_capi_test");
}
