/* The policy analysis through the C ABI (socle_policy_analysis; docs/policy-analysis.md, "From C
 * and the bindings"), as a vendor writing C uses it: compiled as C11, linked against libsocle
 * only. The example policy's declared properties all hold (the JSON report and the plain count
 * agree); a filter by id keeps the order asked and refuses an unknown id; an ad hoc statement
 * that is false is refuted with a counter-example, a true one holds; statements that do not parse
 * or name what the policy lacks are refused with the character where they go wrong; a policy
 * diffed with itself changes nothing, a one-line variant changes the front desk's cases, in French
 * and in English; NULLs and a bad language are refused, naming the parameter.
 *
 * usage: policy_analysis_capi_test POLICY_FILE (examples/policies/ccas.textproto) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

/* The line of the matrix the variant changes (as tests/analysis/diff_test.cc). */
static const char kFrontDesk[] =
    "habilitations { role: \"secretaire_accueil\"  actions: [READ, WRITE, PRINT] "
    "data_categories: [\"administrative\"] }";
static const char kFrontDeskSocial[] =
    "habilitations { role: \"secretaire_accueil\"  actions: [READ, WRITE, PRINT] "
    "data_categories: [\"administrative\", \"social\"] }";

/* How many times `needle` occurs in the buffer. */
static size_t count_in(const socle_buffer* b, const char* needle) {
  const size_t n = strlen(needle);
  size_t found = 0;
  for (size_t i = 0; b->data != NULL && i + n <= b->size; ++i) {
    if (memcmp(b->data + i, needle, n) == 0) ++found;
  }
  return found;
}

/* The file `path` as a NUL-terminated string (malloc'd), NULL if unreadable. */
static char* read_file(const char* path) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  const long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* text = malloc((size_t)size + 1);
  if (text != NULL && fread(text, 1, (size_t)size, f) != (size_t)size) {
    free(text);
    text = NULL;
  }
  fclose(f);
  if (text != NULL) text[size] = 0;
  return text;
}

/* `text` with its one occurrence of `from` replaced by `to` (malloc'd); NULL when `from` is not
 * there. */
static char* replace_once(const char* text, const char* from, const char* to) {
  const char* at = strstr(text, from);
  if (at == NULL) return NULL;
  const size_t head = (size_t)(at - text), from_len = strlen(from), to_len = strlen(to);
  char* out = malloc(strlen(text) - from_len + to_len + 1);
  if (out == NULL) return NULL;
  memcpy(out, text, head);
  memcpy(out + head, to, to_len);
  strcpy(out + head + to_len, at + from_len);
  return out;
}

static socle_policy_analysis* analyse(const socle_policy* policy) {
  socle_policy_analysis* analysis = NULL;
  socle_error* error = NULL;
  const int32_t rc = socle_policy_analysis_create(policy, &analysis, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  return analysis;
}

static void test_declared(const socle_policy_analysis* analysis, const socle_policy* policy) {
  socle_buffer report = {0};
  uint64_t not_holding = 99;
  socle_error* error = NULL;
  int32_t rc =
      socle_policy_analysis_prove_declared(analysis, NULL, NULL, 0, &report, &not_holding, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  /* The example's seven properties, all holding: the count and the report say the same. */
  CHECK_MSG(not_holding == 0, "%llu properties do not hold", (unsigned long long)not_holding);
  CHECK(count_in(&report, "\"holds\": true") == 7);
  CHECK(count_in(&report, "\"holds\": false") == 0);
  CHECK(count_in(&report, "\"id\": \"stagiaires_sans_appreciations\"") == 1);
  CHECK(count_in(&report, "\"id\": \"ass_lit_la_sante_des_personnes_suivies\"") == 1);
  CHECK(count_in(&report, socle_policy_digest_hex(policy)) == 1);
  char space[64];
  snprintf(space, sizeof space, "\"space_size\": \"%llu\"",
           (unsigned long long)socle_policy_analysis_space_size(analysis));
  CHECK_MSG(count_in(&report, space) == 1, "no %s", space);
  CHECK(socle_policy_analysis_space_size(analysis) > 1000);
  /* The exists property has its witness, which the engine allows. */
  CHECK(count_in(&report, "\"effect\": \"allow\"") >= 1);
  socle_buffer_free(&report);

  /* Two of them by id, in the order asked. */
  static const char* const kIds[] = {"archives_pour_les_archivistes",
                                     "stagiaires_sans_appreciations"};
  const size_t lens[] = {strlen(kIds[0]), strlen(kIds[1])};
  rc = socle_policy_analysis_prove_declared(analysis, kIds, lens, 2, &report, &not_holding, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(not_holding == 0);
  CHECK(count_in(&report, "\"holds\": true") == 2);
  const char* text = (const char*)report.data;
  const char* first = text != NULL ? strstr(text, kIds[0]) : NULL;
  const char* second = text != NULL ? strstr(text, kIds[1]) : NULL;
  CHECK(first != NULL && second != NULL && first < second);
  socle_buffer_free(&report);

  /* An id the policy does not declare: NOT_FOUND naming its index; outputs emptied. */
  static const char* const kUnknown[] = {"stagiaires_sans_appreciations", "no_such_property"};
  const size_t unknown_lens[] = {strlen(kUnknown[0]), strlen(kUnknown[1])};
  not_holding = 99;
  rc = socle_policy_analysis_prove_declared(analysis, kUnknown, unknown_lens, 2, &report,
                                            &not_holding, &error);
  check_refusal(rc, error, SOCLE_E_NOT_FOUND, "ids[1]", NULL);
  error = NULL;
  CHECK(report.data == NULL && report.size == 0);
  CHECK(not_holding == 0);
}

static void test_statement(const socle_policy_analysis* analysis) {
  socle_buffer report = {0};
  uint64_t not_holding = 99;
  socle_error* error = NULL;
  /* False: someone reads something. Refuted with the smallest counter-example. */
  int32_t rc = socle_policy_analysis_prove(analysis, S("forall action = read: deny"), &report,
                                           &not_holding, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(not_holding == 1);
  CHECK(count_in(&report, "\"holds\": false") == 1);
  CHECK(count_in(&report, "\"statement\": \"forall action = read: deny\"") == 1);
  CHECK(count_in(&report, "\"id\": \"\"") == 1); /* an ad hoc statement has no id */
  CHECK(count_in(&report, "\"example\": {") == 1);
  CHECK(count_in(&report, "\"effect\": \"allow\"") == 1); /* the counter-example is allowed */
  CHECK(count_in(&report, "\"explanation\": \"\"") == 0);
  socle_buffer_free(&report);

  /* True: an assistant of the team reads the health data of a person followed. Need not be
   * NUL-terminated: the length counts. */
  const char statement[] = "exists role = ass and action = read and relation = team: allowXYZ";
  rc = socle_policy_analysis_prove(analysis, statement, strlen(statement) - 3, &report,
                                   &not_holding, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(not_holding == 0);
  CHECK(count_in(&report, "\"holds\": true") == 1);
  CHECK(count_in(&report, "\"forall\": false") == 1);
  socle_buffer_free(&report);
  /* The count may be NULL. */
  rc =
      socle_policy_analysis_prove(analysis, S("forall action = read: deny"), &report, NULL, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(report.size > 0);
  socle_buffer_free(&report);

  /* Bad statements: INVALID_ARGUMENT, the message says at which character. */
  struct {
    const char* text;
    const char* where;
  } const kBad[] = {
      {"forall action = read deny", "at character 22"},   /* no colon */
      {"forall role = nobody: deny", "at character 8"},   /* its condition names no role */
      {"forall action = read: maybe", "at character 23"}, /* not an outcome */
      {"", "statement"},
  };
  for (size_t i = 0; i < sizeof kBad / sizeof kBad[0]; ++i) {
    not_holding = 99;
    rc = socle_policy_analysis_prove(analysis, S(kBad[i].text), &report, &not_holding, &error);
    if (error != NULL) fprintf(stderr, "  '%s': %s\n", kBad[i].text, socle_error_message(error));
    check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, kBad[i].where, NULL);
    error = NULL;
    CHECK(report.data == NULL && report.size == 0);
    CHECK(not_holding == 0);
  }
  /* NULL with a length; NULL handle and buffer. */
  rc = socle_policy_analysis_prove(analysis, NULL, 3, &report, &not_holding, &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "statement", NULL);
  rc = socle_policy_analysis_prove(NULL, S("forall action = read: deny"), &report, NULL, &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "analysis", NULL);
  rc = socle_policy_analysis_prove(analysis, S("forall action = read: deny"), NULL, NULL, &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "out", NULL);
  rc = socle_policy_analysis_prove_declared(NULL, NULL, NULL, 0, &report, NULL, &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "analysis", NULL);
  CHECK(socle_policy_analysis_space_size(NULL) == 0);
}

static void test_diff(const socle_policy_analysis* analysis, const char* policy_text) {
  socle_error* error = NULL;
  socle_buffer json = {0}, summary = {0};
  uint64_t changed = 99;

  /* A policy and itself (a second analysis of the same text): nothing changes. */
  socle_policy* same_policy = NULL;
  int32_t rc = socle_policy_load(S(policy_text), "same", &same_policy, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  socle_policy_analysis* same = analyse(same_policy);
  socle_policy_free(same_policy); /* the analysis keeps its copy */
  rc = socle_policy_analysis_diff_policies(analysis, same, SOCLE_ANALYSIS_LANG_FR, &json, &summary,
                                           &changed, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(changed == 0);
  CHECK(summary.size == 0);
  CHECK(count_in(&json, "\"changed_cases\": \"0\"") == 1);
  CHECK(count_in(&json, "\"changes\": []") == 1);
  socle_buffer_free(&json);
  socle_buffer_free(&summary);
  socle_policy_analysis_free(same);

  /* One line of the matrix: the front desk now reads, writes and prints social data. */
  char* variant_text = replace_once(policy_text, kFrontDesk, kFrontDeskSocial);
  CHECK(variant_text != NULL);
  if (variant_text == NULL) return;
  socle_policy* variant_policy = NULL;
  rc = socle_policy_load(S(variant_text), "variant", &variant_policy, &error);
  free(variant_text);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  if (variant_policy == NULL) return;
  socle_policy_analysis* variant = analyse(variant_policy);
  socle_policy_free(variant_policy);
  rc = socle_policy_analysis_diff_policies(analysis, variant, SOCLE_ANALYSIS_LANG_FR, &json,
                                           &summary, &changed, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(changed > 0);
  char changed_json[64];
  snprintf(changed_json, sizeof changed_json, "\"changed_cases\": \"%llu\"",
           (unsigned long long)changed);
  CHECK_MSG(count_in(&json, changed_json) == 1, "no %s", changed_json);
  CHECK(count_in(&json, "\"role\": \"secretaire_accueil\"") > 0);
  CHECK(count_in(&json, "\"category\": \"social\"") > 0);
  /* Every group is the front desk's (as many roles as groups). */
  CHECK(count_in(&json, "\"role\": ") == count_in(&json, "\"role\": \"secretaire_accueil\""));
  CHECK(count_in(&summary, "« secretaire_accueil » peut désormais ") >= 1);
  CHECK(count_in(&summary, "« social »") >= 1);
  CHECK(summary.size > 0 && summary.data[summary.size - 1] == '\n');
  /* The summary of the JSON is the same sentences. */
  CHECK(count_in(&json, "peut désormais") == count_in(&summary, "peut désormais"));
  socle_buffer_free(&json);
  socle_buffer_free(&summary);

  /* In English; the summary and the count may be left out. */
  rc = socle_policy_analysis_diff_policies(analysis, variant, SOCLE_ANALYSIS_LANG_EN, &json,
                                           &summary, NULL, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(count_in(&summary, "'secretaire_accueil' may now ") >= 1);
  CHECK(count_in(&summary, "peut désormais") == 0);
  CHECK(count_in(&json, "may now") >= 1);
  socle_buffer_free(&json);
  socle_buffer_free(&summary);
  rc = socle_policy_analysis_diff_policies(variant, analysis, SOCLE_ANALYSIS_LANG_EN, &json, NULL,
                                           &changed, &error);
  CHECK_OK(rc, error);
  socle_error_free(error);
  error = NULL;
  CHECK(changed > 0);
  CHECK(count_in(&json, "may no longer") >= 1);
  socle_buffer_free(&json);

  /* A language out of the constants, NULLs: refused, naming the parameter, outputs empty. */
  changed = 99;
  rc = socle_policy_analysis_diff_policies(analysis, variant, 3, &json, &summary, &changed, &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "language", NULL);
  CHECK(json.data == NULL && summary.data == NULL && changed == 0);
  rc = socle_policy_analysis_diff_policies(analysis, NULL, SOCLE_ANALYSIS_LANG_FR, &json, NULL,
                                           NULL, &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "after", NULL);
  rc = socle_policy_analysis_diff_policies(NULL, variant, SOCLE_ANALYSIS_LANG_FR, &json, NULL, NULL,
                                           &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "before", NULL);
  rc = socle_policy_analysis_diff_policies(analysis, variant, SOCLE_ANALYSIS_LANG_FR, NULL, NULL,
                                           NULL, &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "out", NULL);
  socle_policy_analysis_free(variant);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICY_FILE\n", argv[0]);
    return 2;
  }
  char* text = read_file(argv[1]);
  CHECK(text != NULL);
  socle_policy* policy = check_policy_file(argv[1]);
  if (text == NULL || policy == NULL) return check_report("policy_analysis_capi_test");

  /* NULL policy and NULL out. */
  socle_policy_analysis* analysis = NULL;
  socle_error* error = NULL;
  int32_t rc = socle_policy_analysis_create(NULL, &analysis, &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "policy", NULL);
  CHECK(analysis == NULL);
  rc = socle_policy_analysis_create(policy, NULL, &error);
  check_refusal(rc, error, SOCLE_E_INVALID_ARGUMENT, "out", NULL);
  socle_policy_analysis_free(NULL);

  analysis = analyse(policy);
  if (analysis != NULL) {
    test_declared(analysis, policy);
    test_statement(analysis);
    test_diff(analysis, text);
  }
  socle_policy_analysis_free(analysis);
  socle_policy_free(policy);
  free(text);
  return check_report("policy_analysis_capi_test");
}
