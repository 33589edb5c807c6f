/* The register in French and as DPV JSON-LD through the C ABI (socle.h, "The register in French
 * and as DPV JSON-LD"), as a vendor uses it: French by default and by SOCLE_REGISTER_LANG_FR,
 * English on request, the JSON's language field, the JSON-LD's DPV context and activity nodes,
 * and bad formats and languages refused with the parameter named. Compiled as C11, linked
 * against libsocle only. Usage: register_capi_test EXAMPLES_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "socle/socle.h"

static char path[4200];

static int render(const socle_policy* policy, int32_t format, int32_t language, socle_buffer* out) {
  return socle_policy_render_register_lang(policy, format, language, out, NULL) == SOCLE_OK &&
         out->data != NULL && out->size > 0 && out->data[out->size] == 0;
}

static int contains(const socle_buffer* b, const char* text) {
  return b->data != NULL && strstr((const char*)b->data, text) != NULL;
}

/* The number of times `text` occurs in `b`. */
static size_t count(const socle_buffer* b, const char* text) {
  size_t n = 0;
  const char* at = (const char*)b->data;
  while (at != NULL && (at = strstr(at, text)) != NULL) {
    ++n;
    at += strlen(text);
  }
  return n;
}

static void test_languages(const socle_policy* policy) {
  socle_buffer fr = {0}, fr_default = {0}, en = {0};
  CHECK(render(policy, SOCLE_REGISTER_MARKDOWN, SOCLE_REGISTER_LANG_FR, &fr));
  CHECK(socle_policy_render_register(policy, SOCLE_REGISTER_MARKDOWN, &fr_default, NULL) ==
        SOCLE_OK);
  CHECK(fr.size == fr_default.size && memcmp(fr.data, fr_default.data, fr.size) == 0);
  CHECK(contains(&fr, "# Registre des activités de traitement — "));
  const char* headings[] = {"| (b) Finalité(s) | ",
                            "| (b) Base légale | RGPD art. 6(1)(",
                            "| (c) Catégories de personnes concernées | ",
                            "| (c) Catégories de données | ",
                            "| (c) Données sensibles | ",
                            "| (d) Destinataires | ",
                            "| (e) Transferts hors UE | aucun |",
                            "| (f) Durées de conservation | ",
                            "| (g) Mesures de sécurité | "};
  const size_t activities = socle_policy_activity_count(policy);
  for (size_t i = 0; i < sizeof headings / sizeof headings[0]; ++i) {
    CHECK(count(&fr, headings[i]) == activities);
  }
  CHECK(contains(&fr, "base active 2 ans à compter du dernier contact émanant de la personne"));
  CHECK(!contains(&fr, "Security measures"));

  CHECK(render(policy, SOCLE_REGISTER_MARKDOWN, SOCLE_REGISTER_LANG_EN, &en));
  CHECK(contains(&en, "# Register of processing activities — "));
  CHECK(count(&en, "| (g) Security measures | ") == activities);
  CHECK(contains(&en, "active 2 years from the last contact coming from the person"));
  CHECK(!contains(&en, "Mesures de sécurité"));
  socle_buffer_free(&fr);
  socle_buffer_free(&fr_default);
  socle_buffer_free(&en);

  socle_buffer json = {0};
  CHECK(render(policy, SOCLE_REGISTER_JSON, SOCLE_REGISTER_LANG_EN, &json));
  CHECK(contains(&json, "\"language\": \"en\""));
  socle_buffer_free(&json);
  CHECK(render(policy, SOCLE_REGISTER_JSON, SOCLE_REGISTER_LANG_FR, &json));
  CHECK(contains(&json, "\"language\": \"fr\""));
  CHECK(contains(&json, "\"legal_basis\": \"RGPD art. 6(1)("));
  socle_buffer_free(&json);
}

static void test_jsonld(const socle_policy* policy) {
  socle_buffer ld = {0};
  CHECK(render(policy, SOCLE_REGISTER_JSONLD, SOCLE_REGISTER_LANG_FR, &ld));
  CHECK(ld.data != NULL && ld.data[0] == '{');
  CHECK(contains(&ld, "\"dpv\": \"https://w3id.org/dpv#\""));
  CHECK(contains(&ld, "\"eu-gdpr\": \"https://w3id.org/dpv/legal/eu/gdpr#\""));
  const size_t activities = socle_policy_activity_count(policy);
  CHECK(count(&ld, "\"@type\": \"dpv:Process\"") == activities);
  CHECK(count(&ld, "\"dpv:hasPurpose\"") == activities);
  CHECK(count(&ld, "\"dpv:hasLegalBasis\": [") == activities);
  CHECK(count(&ld, "\"dpv:hasStorageCondition\"") == activities);
  CHECK(contains(&ld, "\"dpv:hasDataProtectionOfficer\""));
  CHECK(contains(&ld, "\"@language\": \"fr\""));
  CHECK(!contains(&ld, "\"@language\": \"en\""));
  CHECK(contains(&ld, "\"@value\": \"RGPD art. 6(1)("));
  socle_buffer_free(&ld);
  /* The old entry point renders the JSON-LD too, in French. */
  CHECK(socle_policy_render_register(policy, SOCLE_REGISTER_JSONLD, &ld, NULL) == SOCLE_OK);
  CHECK(contains(&ld, "\"@language\": \"fr\""));
  socle_buffer_free(&ld);
  /* In English, what socle writes is "en"; what the DPO wrote stays "fr". */
  CHECK(render(policy, SOCLE_REGISTER_JSONLD, SOCLE_REGISTER_LANG_EN, &ld));
  CHECK(contains(&ld, "\"@value\": \"GDPR art. 6(1)("));
  CHECK(!contains(&ld, "\"@value\": \"RGPD art. 6(1)("));
  CHECK(contains(&ld, "\"@language\": \"en\""));
  socle_buffer_free(&ld);
}

static void test_refused(const socle_policy* policy) {
  socle_buffer out = {0};
  socle_error* error = NULL;
  CHECK(socle_policy_render_register_lang(policy, SOCLE_REGISTER_MARKDOWN, 3, &out, &error) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "language") != NULL);
  CHECK(out.data == NULL && out.size == 0);
  socle_error_free(error);
  error = NULL;
  CHECK(socle_policy_render_register_lang(policy, 4, SOCLE_REGISTER_LANG_FR, &out, &error) ==
        SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "format") != NULL);
  CHECK(out.data == NULL);
  socle_error_free(error);
  error = NULL;
  CHECK(socle_policy_render_register_lang(NULL, SOCLE_REGISTER_JSON, SOCLE_REGISTER_LANG_FR, &out,
                                          &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "policy") != NULL);
  socle_error_free(error);
  error = NULL;
  CHECK(socle_policy_render_register_lang(policy, SOCLE_REGISTER_JSON, SOCLE_REGISTER_LANG_FR, NULL,
                                          &error) == SOCLE_E_INVALID_ARGUMENT);
  CHECK(error != NULL && strstr(socle_error_message(error), "out") != NULL);
  socle_error_free(error);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s EXAMPLES_DIR\n", argv[0]);
    return 2;
  }
  CHECK(socle_init() == SOCLE_OK);
  snprintf(path, sizeof path, "%s/policies/ccas.textproto", argv[1]);
  socle_policy* policy = NULL;
  socle_error* error = NULL;
  if (socle_policy_load_file(path, &policy, &error) != SOCLE_OK) {
    fprintf(stderr, "%s: %s\n", path, socle_error_message(error));
    socle_error_free(error);
    return 1;
  }
  test_languages(policy);
  test_jsonld(policy);
  test_refused(policy);
  socle_policy_free(policy);
  return check_report("register_capi_test");
}
