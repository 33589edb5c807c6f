/* The C ABI of the text modules (NIR, generalisation, redaction) used the way a vendor would:
 * compiled as C11, linked against libsocle only. Also checks that no error message repeats an
 * identifier it was given. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* The buffer holds exactly `expected` (and a NUL after it). */
static int buffer_is(const socle_buffer* b, const char* expected) {
  return b->data != NULL && b->size == strlen(expected) && b->data[b->size] == 0 &&
         memcmp(b->data, expected, b->size) == 0;
}

/* The error's message does not contain `secret`; frees the error. */
static int message_hides(socle_error* error, const char* secret) {
  int ok = error != NULL && strstr(socle_error_message(error), secret) == NULL &&
           strstr(socle_last_error_message(), secret) == NULL;
  if (!ok && error != NULL) fprintf(stderr, "  message: %s\n", socle_error_message(error));
  socle_error_free(error);
  return ok;
}

static void test_nir(void) {
  const char* nir = "2 85 03 75 111 222 03";
  int32_t problem = -1;
  uint32_t warnings = 99;
  CHECK(socle_nir_check(nir, strlen(nir), &problem, &warnings, NULL) == SOCLE_OK);
  CHECK(problem == SOCLE_NIR_OK && warnings == 0);

  const char* corsica = "2 81 02 2a 247 003 65";
  CHECK(socle_nir_check(corsica, strlen(corsica), NULL, NULL, NULL) == SOCLE_OK);
  const char* provisional = "7 93 02 99 352 004 27";
  CHECK(socle_nir_check(provisional, strlen(provisional), &problem, &warnings, NULL) == SOCLE_OK);
  CHECK(warnings == SOCLE_NIR_WARN_PROVISIONAL);

  socle_error* error = NULL;
  const char* wrong = "2 85 03 75 111 222 04";
  CHECK(socle_nir_check(wrong, strlen(wrong), &problem, NULL, &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(problem == SOCLE_NIR_BAD_KEY);
  CHECK(socle_error_code(error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(message_hides(error, "85 03"));
  CHECK(socle_nir_check("2850375111222", 13, &problem, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(problem == SOCLE_NIR_BAD_LENGTH);
  CHECK(socle_nir_check("585037511122203", 15, &problem, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(problem == SOCLE_NIR_BAD_SEX);
  CHECK(socle_nir_check("28503751112220x", 15, &problem, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(problem == SOCLE_NIR_BAD_CHARACTER);

  socle_buffer out = {0};
  CHECK(socle_nir_normalise(corsica, strlen(corsica), &out, NULL) == SOCLE_OK);
  CHECK(buffer_is(&out, "281022A24700365"));
  CHECK(out.size == SOCLE_NIR_LENGTH);
  socle_buffer_free(&out);
  CHECK(socle_nir_normalise(wrong, strlen(wrong), &out, &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(out.data == NULL && out.size == 0);
  CHECK(message_hides(error, "222"));

  int32_t key = 0;
  CHECK(socle_nir_key("2 85 03 75 111 222", 18, &key, NULL) == SOCLE_OK);
  CHECK(key == 3);
  CHECK(socle_nir_key("2 81 02 2A 247 003", 18, &key, NULL) == SOCLE_OK);
  CHECK(key == 65);
  CHECK(socle_nir_key("x", 1, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
}

static void test_generalisation(void) {
  int32_t year = 0;
  CHECK(socle_generalise_birth_year("1985-03-12", 10, &year, NULL) == SOCLE_OK);
  CHECK(year == 1985);
  socle_error* error = NULL;
  CHECK(socle_generalise_birth_year("1985-02-30", 10, &year, &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(message_hides(error, "1985"));

  int32_t low = 0, high = 0;
  socle_buffer label = {0};
  CHECK(socle_generalise_age_band("2008-02-29", 10, "2023-02-28", 10, 5, 0, &low, &high, &label,
                                  NULL) == SOCLE_OK);
  CHECK(low == 10 && high == 14);
  CHECK(buffer_is(&label, "10-14"));
  socle_buffer_free(&label);
  CHECK(socle_generalise_age_band("2008-02-29", 10, "2023-03-01", 10, 5, 0, &low, &high, &label,
                                  NULL) == SOCLE_OK);
  CHECK(low == 15 && high == 19);
  socle_buffer_free(&label);
  CHECK(socle_generalise_age_band("1930-01-01", 10, "2024-06-01", 10, 10, 90, &low, &high, NULL,
                                  NULL) == SOCLE_OK);
  CHECK(low == 90 && high == -1);
  CHECK(socle_generalise_age_band("2025-01-01", 10, "2024-06-01", 10, 5, 0, &low, &high, NULL,
                                  NULL) == SOCLE_E_OUT_OF_RANGE);
  CHECK(socle_generalise_age_band("1990-01-01", 10, "2024-06-01", 10, 7, 0, &low, &high, NULL,
                                  NULL) == SOCLE_E_INVALID_ARGUMENT);

  socle_buffer out = {0};
  CHECK(socle_generalise_date("2024-03-09", 10, SOCLE_DATE_MONTH, &out, NULL) == SOCLE_OK);
  CHECK(buffer_is(&out, "2024-03"));
  socle_buffer_free(&out);
  CHECK(socle_generalise_date("2024-03-09", 10, SOCLE_DATE_YEAR, &out, NULL) == SOCLE_OK);
  CHECK(buffer_is(&out, "2024"));
  socle_buffer_free(&out);
  CHECK(socle_generalise_date("2024-03-09", 10, 3, &out, NULL) == SOCLE_E_INVALID_ARGUMENT);

  const char* postcodes[][2] = {
      {"20090", "2A"}, {"20620", "2B"}, {"97133", "977"}, {"97400", "974"}, {"75011", "75"}};
  for (size_t i = 0; i < sizeof postcodes / sizeof postcodes[0]; ++i) {
    CHECK(socle_generalise_postcode(postcodes[i][0], 5, &out, NULL) == SOCLE_OK);
    CHECK(buffer_is(&out, postcodes[i][1]));
    socle_buffer_free(&out);
  }
  CHECK(socle_generalise_postcode("98000", 5, &out, &error) == SOCLE_E_NOT_FOUND);
  CHECK(message_hides(error, "98000"));
  CHECK(socle_generalise_insee_commune("2B033", 5, &out, NULL) == SOCLE_OK);
  CHECK(buffer_is(&out, "2B"));
  socle_buffer_free(&out);
  CHECK(socle_generalise_insee_commune("99350", 5, &out, NULL) == SOCLE_E_NOT_FOUND);

  const int64_t bounds[] = {500, 1000, 1500};
  size_t index = 99;
  CHECK(socle_generalise_amount(bounds, 3, 999, &index, &label, NULL) == SOCLE_OK);
  CHECK(index == 1);
  CHECK(buffer_is(&label, "[500, 1000)"));
  socle_buffer_free(&label);
  CHECK(socle_generalise_amount(bounds, 3, 1500, &index, NULL, NULL) == SOCLE_OK);
  CHECK(index == 3);
  const int64_t unsorted[] = {1000, 500};
  CHECK(socle_generalise_amount(unsorted, 2, 1, &index, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_generalise_amount(NULL, 0, 1, &index, NULL, NULL) == SOCLE_E_INVALID_ARGUMENT);
}

static void test_redactor(void) {
  const socle_known_identity ids[] = {
      {SOCLE_IDENTITY_FIRST_NAME, 1, "Rose", 4},
      {SOCLE_IDENTITY_NAME, 1, "Martin", 6},
      {SOCLE_IDENTITY_FIRST_NAME, 2, "Lucas", 5},
      {SOCLE_IDENTITY_NAME, 2, "Martin", 6},
      {SOCLE_IDENTITY_ADDRESS, 0, "12 rue des Lilas, 75011 Paris", 29},
      {SOCLE_IDENTITY_BIRTH_DATE, 1, "1985-03-12", 10},
  };
  socle_redactor* redactor = NULL;
  CHECK(socle_redactor_create(ids, sizeof ids / sizeof ids[0], NULL, &redactor, NULL) == SOCLE_OK);
  CHECK(redactor != NULL);

  const char* text =
      "Mme Rose MARTIN, 12 rue des Lilas, tel 06 12 34 56 78, avec Lucas (le 12.03.1985).";
  socle_buffer out = {0};
  uint64_t counts[SOCLE_REDACTION_TYPE_COUNT + 2];
  memset(counts, 0xFF, sizeof counts);
  CHECK(socle_redactor_redact(redactor, text, strlen(text), &out, counts,
                              SOCLE_REDACTION_TYPE_COUNT + 2, NULL) == SOCLE_OK);
  CHECK(buffer_is(&out,
                  "Mme [PERSONNE-1], [ADRESSE], tel [T\xC3\x89L\xC3\x89PHONE], avec [PERSONNE-2] "
                  "(le [DATE-NAISSANCE])."));
  CHECK(counts[SOCLE_REDACTION_PERSON] == 2);
  CHECK(counts[SOCLE_REDACTION_ADDRESS] == 1);
  CHECK(counts[SOCLE_REDACTION_PHONE] == 1);
  CHECK(counts[SOCLE_REDACTION_BIRTH_DATE] == 1);
  CHECK(counts[SOCLE_REDACTION_NIR] == 0);
  CHECK(counts[SOCLE_REDACTION_TYPE_COUNT] == 0 && counts[SOCLE_REDACTION_TYPE_COUNT + 1] == 0);
  socle_buffer_free(&out);

  /* Batch: each text numbered on its own, one buffer, the ends of each output. */
  const char* texts[] = {"Lucas et Rose", "", "Rose, NIR 2 85 03 75 111 222 03"};
  const size_t lens[] = {strlen(texts[0]), 0, strlen(texts[2])};
  size_t ends[3] = {0, 0, 0};
  CHECK(socle_redactor_redact_batch(redactor, texts, lens, 3, &out, ends, counts, 2, NULL) ==
        SOCLE_OK);
  const char* first = "[PERSONNE-1] et [PERSONNE-2]";
  const char* third = "[PERSONNE-1], NIR [NIR]";
  CHECK(ends[0] == strlen(first) && ends[1] == ends[0] && ends[2] == ends[1] + strlen(third));
  CHECK(out.size == ends[2]);
  CHECK(out.data != NULL && memcmp(out.data, first, strlen(first)) == 0);
  CHECK(out.data != NULL && memcmp(out.data + ends[1], third, strlen(third)) == 0);
  CHECK(counts[SOCLE_REDACTION_PERSON] == 3 && counts[SOCLE_REDACTION_NIR] == 1);
  socle_buffer_free(&out);
  CHECK(socle_redactor_redact_batch(redactor, NULL, NULL, 0, &out, NULL, NULL, 0, NULL) ==
        SOCLE_OK);
  CHECK(out.size == 0);
  socle_buffer_free(&out);
  CHECK(socle_redactor_redact(NULL, "x", 1, &out, NULL, 0, NULL) == SOCLE_E_INVALID_ARGUMENT);
  socle_redactor_free(redactor);

  /* Precise names by default (NULL options): the colours stay. */
  {
    const char* known_colours = "first_name Rose\nname Blanc\n";
    CHECK(socle_redactor_create_from_text(known_colours, strlen(known_colours), NULL, &redactor,
                                          NULL) == SOCLE_OK);
    const char* text = "Rose Blanc, robe rose, vin blanc, mme blanc";
    CHECK(socle_redactor_redact(redactor, text, strlen(text), &out, NULL, 0, NULL) == SOCLE_OK);
    CHECK(buffer_is(&out, "[PERSONNE-1], robe rose, vin blanc, mme [PERSONNE-1]"));
    socle_buffer_free(&out);
    socle_redactor_free(redactor);
    /* The aggressive mode, asked for explicitly. */
    socle_redactor_options* aggressive = NULL;
    CHECK(socle_redactor_options_new(&aggressive, NULL) == SOCLE_OK);
    CHECK(socle_redactor_options_set_common_words_need_capital(aggressive, 0, NULL) == SOCLE_OK);
    CHECK(socle_redactor_create_from_text(known_colours, strlen(known_colours), aggressive,
                                          &redactor, NULL) == SOCLE_OK);
    socle_redactor_options_free(aggressive);
    CHECK(socle_redactor_redact(redactor, text, strlen(text), &out, NULL, 0, NULL) == SOCLE_OK);
    CHECK(buffer_is(&out, "[PERSONNE-1], robe [PERSONNE-1], vin [PERSONNE-1], mme [PERSONNE-1]"));
    socle_buffer_free(&out);
    socle_redactor_free(redactor);
  }

  /* Options: recognisers off, common words. */
  socle_redactor_options* options = NULL;
  CHECK(socle_redactor_options_new(&options, NULL) == SOCLE_OK);
  CHECK(socle_redactor_options_set_recognisers(
            options, SOCLE_RECOGNISE_ALL & ~(uint32_t)SOCLE_RECOGNISE_PHONE, NULL) == SOCLE_OK);
  CHECK(socle_redactor_options_set_recognisers(options, 0x100, NULL) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(socle_redactor_options_set_common_words_need_capital(options, 1, NULL) == SOCLE_OK);
  CHECK(socle_redactor_options_set_common_words_need_capital(options, 2, NULL) ==
        SOCLE_E_INVALID_ARGUMENT);
  const char* known = "first_name Rose\nname Blanc\n";
  CHECK(socle_redactor_create_from_text(known, strlen(known), options, &redactor, NULL) ==
        SOCLE_OK);
  socle_redactor_options_free(options);
  const char* colours = "Rose Blanc, robe rose, vin blanc, 06 12 34 56 78";
  CHECK(socle_redactor_redact(redactor, colours, strlen(colours), &out, NULL, 0, NULL) == SOCLE_OK);
  CHECK(buffer_is(&out, "[PERSONNE-1], robe rose, vin blanc, 06 12 34 56 78"));
  socle_buffer_free(&out);
  socle_redactor_free(redactor);
  socle_redactor_free(NULL);
  socle_redactor_options_free(NULL);

  /* Errors name the identity by index and kind, never by value. */
  socle_error* error = NULL;
  const socle_known_identity bad[] = {{SOCLE_IDENTITY_NAME, 1, "Martin", 6},
                                      {SOCLE_IDENTITY_NIR, 1, "2 85 03 75 111", 14}};
  CHECK(socle_redactor_create(bad, 2, NULL, &redactor, &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(redactor == NULL);
  CHECK(error != NULL && strstr(socle_error_message(error), "identity 1") != NULL);
  CHECK(message_hides(error, "85 03"));
  const socle_known_identity wrong_kind[] = {{42, 1, "Martin", 6}};
  CHECK(socle_redactor_create(wrong_kind, 1, NULL, &redactor, &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(message_hides(error, "Martin"));
  const char* typo = "name Martin\nRose Martin\n";
  CHECK(socle_redactor_create_from_text(typo, strlen(typo), NULL, &redactor, &error) ==
        SOCLE_E_PARSE);
  CHECK(message_hides(error, "Rose"));

  CHECK(strcmp(socle_redaction_type_name(SOCLE_REDACTION_PERSON), "PERSONNE") == 0);
  CHECK(strcmp(socle_redaction_type_name(SOCLE_REDACTION_BIRTH_DATE), "DATE-NAISSANCE") == 0);
  CHECK(strcmp(socle_redaction_type_name(SOCLE_REDACTION_TYPE_COUNT), "") == 0);
  CHECK(strcmp(socle_redaction_type_name(-1), "") == 0);
}

int main(void) {
  CHECK(socle_init() == SOCLE_OK);
  test_nir();
  test_generalisation();
  test_redactor();
  return check_report("text C ABI");
}
