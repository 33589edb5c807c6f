/* The access engine through the C ABI, as a vendor writing C uses it: compiled as C11, linked
 * against libsocle only. Decides the three request files of the shared workload one call at a
 * time, as an array of requests and as columns (0 mismatches expected), then runs the rules that
 * have state (masks, blocks, break-the-glass expiring at the exact second, objections) and bad
 * input.
 *
 * usage: access_capi_test POLICY_FILE WORKLOAD_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "socle/socle.h"

static char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* data = malloc((size_t)size + 1);
  if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) exit(2);
  data[size] = 0;
  fclose(f);
  *len = (size_t)size;
  return data;
}

static int expected_reason(const char* s) {
  if (strcmp(s, "allow") == 0) return SOCLE_REASON_ALLOWED;
  if (strcmp(s, "allow_own_masked") == 0) return SOCLE_REASON_ALLOWED_AUTHOR_OF_MASKED;
  if (strcmp(s, "deny_not_in_team") == 0) return SOCLE_REASON_NOT_ASSIGNED;
  if (strcmp(s, "deny_role_category") == 0) return SOCLE_REASON_ROLE_DOES_NOT_ALLOW;
  if (strcmp(s, "deny_masked") == 0) return SOCLE_REASON_MASKED;
  return -1;
}

static uint32_t id_of(int32_t (*lookup)(const socle_access_engine*, const char*, size_t, uint32_t*,
                                        socle_error**),
                      const socle_access_engine* engine, const char* id) {
  uint32_t out = SOCLE_NO_ID;
  int32_t status = lookup(engine, id, strlen(id), &out, NULL);
  return status == SOCLE_OK ? out : SOCLE_NO_ID;
}

typedef struct workload {
  size_t count;
  socle_access_request* requests;
  int* expected_effect;
  int* expected_reason;
  char* text; /* the file; requests' item ids point into it */
} workload;

/* Splits `line` (NUL-terminated) into tab-separated fields in place. */
static int split(char* line, char** fields, int max) {
  int n = 0;
  fields[n++] = line;
  for (char* p = line; *p != 0 && n < max; ++p) {
    if (*p == '\t') {
      *p = 0;
      fields[n++] = p + 1;
    }
  }
  return n;
}

static void read_workload(const socle_access_engine* engine, const char* dir, const char* name,
                          uint32_t purpose, workload* w) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  size_t len = 0;
  w->text = read_file(path, &len);
  w->count = 0;
  for (size_t i = 0; i < len; ++i) w->count += w->text[i] == '\n';
  w->requests = calloc(w->count, sizeof *w->requests);
  w->expected_effect = calloc(w->count, sizeof(int));
  w->expected_reason = calloc(w->count, sizeof(int));
  size_t n = 0;
  char* line = w->text;
  while (n < w->count && *line != 0) {
    char* end = strchr(line, '\n');
    if (end != NULL) *end = 0;
    char* f[9];
    if (split(line, f, 9) == 9) {
      socle_access_request* r = &w->requests[n];
      socle_access_request_init(r);
      r->actor = id_of(socle_access_engine_find_professional, engine, f[0]);
      r->action = strcmp(f[1], "write") == 0 ? SOCLE_ACTION_WRITE : SOCLE_ACTION_READ;
      r->item = f[2];
      r->item_len = strlen(f[2]);
      r->person = id_of(socle_access_engine_find_person, engine, f[3]);
      r->category = id_of(socle_access_engine_find_category, engine, f[4]);
      r->purpose = purpose;
      r->masked = strcmp(f[5], "1") == 0;
      r->author = id_of(socle_access_engine_find_professional, engine, f[6]);
      w->expected_effect[n] = strcmp(f[7], "allow") == 0 ? SOCLE_EFFECT_ALLOW : SOCLE_EFFECT_DENY;
      w->expected_reason[n] = expected_reason(f[8]);
      CHECK_MSG(r->actor != SOCLE_NO_ID && r->person != SOCLE_NO_ID && r->category != SOCLE_NO_ID,
                "%s line %zu: unknown id", name, n + 1);
      ++n;
    }
    if (end == NULL) break;
    line = end + 1;
  }
  w->count = n;
}

static void free_workload(workload* w) {
  free(w->requests);
  free(w->expected_effect);
  free(w->expected_reason);
  free(w->text);
}

static void decide_workload(const socle_access_engine* engine, const char* dir, const char* name,
                            uint32_t purpose) {
  workload w;
  read_workload(engine, dir, name, purpose, &w);
  CHECK_MSG(w.count == 20000, "%s: %zu requests", name, w.count);

  /* One call per decision. */
  size_t mismatches = 0;
  for (size_t i = 0; i < w.count; ++i) {
    socle_decision d;
    socle_error* error = NULL;
    int32_t status = socle_access_engine_decide(engine, &w.requests[i], &d, &error);
    CHECK_OK(status, error);
    socle_error_free(error);
    if (d.effect != w.expected_effect[i] || d.reason != w.expected_reason[i]) {
      if (++mismatches <= 5) {
        fprintf(stderr, "%s line %zu: got %s\n", name, i + 1, socle_reason_name(d.reason));
      }
    }
    CHECK_MSG((d.obligations & SOCLE_OBLIGATION_LOG) != 0, "decisions are logged");
  }
  CHECK_MSG(mismatches == 0, "%s: %zu mismatches, one call per decision", name, mismatches);
  printf("%s: %zu decisions, %zu mismatches (one call per decision)\n", name, w.count, mismatches);

  /* An array of requests. */
  socle_decision* out = calloc(w.count, sizeof *out);
  socle_error* error = NULL;
  int32_t status = socle_access_engine_decide_many(engine, w.requests, w.count, out, &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  mismatches = 0;
  for (size_t i = 0; i < w.count; ++i) {
    mismatches += out[i].effect != w.expected_effect[i] || out[i].reason != w.expected_reason[i];
  }
  CHECK_MSG(mismatches == 0, "%s: %zu mismatches in socle_access_engine_decide_many", name,
            mismatches);
  printf("%s: %zu decisions, %zu mismatches (socle_access_engine_decide_many)\n", name, w.count,
         mismatches);

  /* Columns. */
  uint32_t* actors = malloc(w.count * sizeof(uint32_t));
  int32_t* actions = malloc(w.count * sizeof(int32_t));
  uint32_t* persons = malloc(w.count * sizeof(uint32_t));
  uint32_t* categories = malloc(w.count * sizeof(uint32_t));
  uint32_t* purposes = malloc(w.count * sizeof(uint32_t));
  uint32_t* authors = malloc(w.count * sizeof(uint32_t));
  int32_t* masked = malloc(w.count * sizeof(int32_t));
  int32_t* effects = malloc(w.count * sizeof(int32_t));
  int32_t* reasons = malloc(w.count * sizeof(int32_t));
  for (size_t i = 0; i < w.count; ++i) {
    actors[i] = w.requests[i].actor;
    actions[i] = w.requests[i].action;
    persons[i] = w.requests[i].person;
    categories[i] = w.requests[i].category;
    purposes[i] = w.requests[i].purpose;
    authors[i] = w.requests[i].author;
    masked[i] = w.requests[i].masked;
  }
  uint64_t revision = 0;
  status = socle_access_engine_decide_columns(engine, w.count, actors, actions, persons, categories,
                                              purposes, NULL, authors, masked, NULL, NULL, 0,
                                              effects, reasons, NULL, NULL, &revision, &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  CHECK_MSG(revision == socle_access_engine_revision(engine), "columns carry the revision");
  mismatches = 0;
  for (size_t i = 0; i < w.count; ++i) {
    mismatches += effects[i] != w.expected_effect[i] || reasons[i] != w.expected_reason[i];
  }
  CHECK_MSG(mismatches == 0, "%s: %zu mismatches in socle_access_engine_decide_columns", name,
            mismatches);
  printf("%s: %zu decisions, %zu mismatches (socle_access_engine_decide_columns)\n", name, w.count,
         mismatches);

  /* A file view: masked denials are placeholders. */
  int32_t* shown = malloc(w.count * sizeof(int32_t));
  status = socle_access_engine_filter_view(engine, w.requests, w.count, shown, &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  mismatches = 0;
  for (size_t i = 0; i < w.count; ++i) {
    const int want = w.expected_effect[i] == SOCLE_EFFECT_ALLOW    ? SOCLE_VIEW_VISIBLE
                     : w.expected_reason[i] == SOCLE_REASON_MASKED ? SOCLE_VIEW_PLACEHOLDER
                                                                   : SOCLE_VIEW_ABSENT;
    mismatches += shown[i] != want;
  }
  CHECK_MSG(mismatches == 0, "%s: %zu mismatches in socle_access_engine_filter_view", name,
            mismatches);

  free(shown);
  free(actors);
  free(actions);
  free(persons);
  free(categories);
  free(purposes);
  free(authors);
  free(masked);
  free(effects);
  free(reasons);
  free(out);
  free_workload(&w);
}

/* A request on the scenario engine by string ids. */
static socle_access_request request(const socle_access_engine* engine, const char* actor,
                                    const char* person, const char* category) {
  socle_access_request r;
  socle_access_request_init(&r);
  r.actor = id_of(socle_access_engine_find_professional, engine, actor);
  r.person = id_of(socle_access_engine_find_person, engine, person);
  r.category = id_of(socle_access_engine_find_category, engine, category);
  r.purpose = id_of(socle_access_engine_find_purpose, engine, "accompagnement");
  return r;
}

static int32_t reason_of(const socle_access_engine* engine, socle_access_request r) {
  socle_decision d;
  int32_t status = socle_access_engine_decide(engine, &r, &d, NULL);
  CHECK_MSG(status == SOCLE_OK, "decide: %s", socle_last_error_message());
  return d.reason;
}

static void scenario(const socle_policy* policy) {
  socle_access_engine* engine = NULL;
  socle_error* error = NULL;
  int32_t status = socle_access_engine_create(policy, &engine, &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  if (engine == NULL) return;
  /* The engine's clock never goes backwards: freeze it a day ahead of the real time, on the hour.
   */
  const int64_t t0 = ((int64_t)time(NULL) / 3600 + 24) * 3600;
  socle_access_engine_set_time(engine, t0);

  const char professionals[] =
      "sw1\tsocial_worker\tt1\nsw2\tsocial_worker\tt1\nsw3\tsocial_worker\tt2\n"
      "sec1\tsecretary\tt1\n";
  const char persons[] = "x1\tt1\nx2\tt2\nx3\tt1\tsw3\n";
  uint64_t revision = 0;
  status = socle_access_engine_load_directory_tsv(engine, S(professionals), S(persons), &revision,
                                                  &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  CHECK_MSG(revision == 7, "revision %llu", (unsigned long long)revision);

  /* Bulk loads from C arrays: two professionals, then two persons (one with a referent). */
  {
    const char* ids[] = {"sw8", "sw9"};
    const size_t id_lens[] = {3, 3};
    const char* roles[] = {"social_worker", "social_worker"};
    const size_t role_lens[] = {13, 13};
    /* sw8 is in t8; sw9 in t8 and t9: the teams of every record back to back. */
    const size_t team_counts[] = {1, 2};
    const char* teams[] = {"t8", "t8", "t9"};
    const size_t team_lens[] = {2, 2, 2};
    status = socle_access_engine_load_professionals(engine, 2, ids, id_lens, roles, role_lens,
                                                    team_counts, teams, team_lens, NULL, &revision,
                                                    &error);
    CHECK_OK(status, error);
    socle_error_free(error);
    const char* pids[] = {"x8", "x9"};
    const size_t pid_lens[] = {2, 2};
    const size_t pteam_counts[] = {1, 1};
    const char* pteams[] = {"t8", "t7"};
    const size_t pteam_lens[] = {2, 2};
    const char* referents[] = {NULL, "sw9"};
    const size_t referent_lens[] = {0, 3};
    status =
        socle_access_engine_load_persons(engine, 2, pids, pid_lens, pteam_counts, pteams,
                                         pteam_lens, referents, referent_lens, &revision, &error);
    CHECK_OK(status, error);
    socle_error_free(error);
    CHECK_MSG(revision == 11, "revision %llu", (unsigned long long)revision);
    CHECK_MSG(reason_of(engine, request(engine, "sw8", "x8", "social")) == SOCLE_REASON_ALLOWED,
              "loaded team");
    CHECK_MSG(reason_of(engine, request(engine, "sw9", "x9", "social")) == SOCLE_REASON_ALLOWED,
              "loaded referent");
    CHECK_MSG(
        reason_of(engine, request(engine, "sw8", "x9", "social")) == SOCLE_REASON_NOT_ASSIGNED,
        "loaded, not assigned");
    const char* bad_roles[] = {"social_worker", "astronaut"};
    const size_t bad_role_lens[] = {13, 9};
    status =
        socle_access_engine_load_professionals(engine, 2, ids, id_lens, bad_roles, bad_role_lens,
                                               team_counts, teams, team_lens, NULL, NULL, &error);
    CHECK_MSG(status == SOCLE_E_NOT_FOUND, "%s", socle_status_name(status));
    CHECK_MSG(error != NULL && strstr(socle_error_message(error), "professionals[1]") != NULL,
              "names the index: %s", error != NULL ? socle_error_message(error) : "");
    socle_error_free(error);
    CHECK_MSG(socle_access_engine_revision(engine) == 11, "nothing loaded");
  }

  CHECK_MSG(reason_of(engine, request(engine, "sw1", "x1", "social")) == SOCLE_REASON_ALLOWED,
            "team");
  CHECK_MSG(reason_of(engine, request(engine, "sw1", "x2", "social")) == SOCLE_REASON_NOT_ASSIGNED,
            "other team");
  CHECK_MSG(reason_of(engine, request(engine, "sw3", "x3", "social")) == SOCLE_REASON_ALLOWED,
            "referent");
  CHECK_MSG(reason_of(engine, request(engine, "sec1", "x1", "social")) ==
                SOCLE_REASON_ROLE_DOES_NOT_ALLOW,
            "matrix");

  /* A failed write changes nothing and leaves *out_revision 0. */
  {
    uint64_t failed_revision = 42;
    CHECK_MSG(socle_access_engine_assign(engine, S("nobody"), S("t1"), &failed_revision, NULL) ==
                  SOCLE_E_NOT_FOUND,
              "assign an unknown person");
    CHECK_MSG(failed_revision == 0, "revision %llu", (unsigned long long)failed_revision);
  }

  /* Reassignment between two decisions. */
  CHECK_MSG(socle_access_engine_assign(engine, S("x2"), S("t1"), &revision, NULL) == SOCLE_OK,
            "assign");
  CHECK_MSG(reason_of(engine, request(engine, "sw1", "x2", "social")) == SOCLE_REASON_ALLOWED,
            "after assign");
  CHECK_MSG(socle_access_engine_unassign(engine, S("x2"), S("t1"), &revision, NULL) == SOCLE_OK,
            "unassign");
  CHECK_MSG(reason_of(engine, request(engine, "sw1", "x2", "social")) == SOCLE_REASON_NOT_ASSIGNED,
            "after unassign");

  /* A masked item: the author keeps access; the placeholder is signalled. */
  CHECK_MSG(
      socle_access_engine_set_mask(engine, S("x1"), S("doc-1"), NULL, 0, SOCLE_AUDIENCE_EVERYONE,
                                   NULL, 0, &revision, NULL) == SOCLE_OK,
      "set mask");
  socle_access_request r = request(engine, "sw2", "x1", "social");
  r.item = "doc-1";
  r.item_len = 5;
  r.author = id_of(socle_access_engine_find_professional, engine, "sw1");
  socle_decision d;
  CHECK_MSG(socle_access_engine_decide(engine, &r, &d, NULL) == SOCLE_OK, "decide");
  CHECK_MSG(d.reason == SOCLE_REASON_MASKED, "masked: %s", socle_reason_name(d.reason));
  CHECK_MSG(d.obligations == (SOCLE_OBLIGATION_LOG | SOCLE_OBLIGATION_SHOW_PLACEHOLDER),
            "placeholder");
  CHECK_MSG(d.revision == revision, "decision revision");
  r.actor = r.author;
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_ALLOWED_AUTHOR_OF_MASKED, "author");
  CHECK_MSG(
      socle_access_engine_revoke_mask(engine, S("x1"), S("doc-1"), NULL, 0, SOCLE_AUDIENCE_EVERYONE,
                                      NULL, 0, &revision, NULL) == SOCLE_OK,
      "revoke mask");
  r.actor = id_of(socle_access_engine_find_professional, engine, "sw2");
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_ALLOWED, "unmasked");

  /* Blocks. */
  CHECK_MSG(socle_access_engine_block(engine, S("x1"), S("sw2"), &revision, NULL) == SOCLE_OK,
            "block");
  CHECK_MSG(reason_of(engine, request(engine, "sw2", "x1", "social")) == SOCLE_REASON_BLOCKED,
            "blocked");
  CHECK_MSG(socle_access_engine_unblock(engine, S("x1"), S("sw2"), &revision, NULL) == SOCLE_OK,
            "unblock");

  /* Break-the-glass, expiring at the exact second. */
  int64_t expires = 0;
  status =
      socle_access_engine_open_break_glass(engine, S("sw3"), S("x1"), S("astreinte"),
                                           S("Appel de nuit"), 3600, &expires, &revision, &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  CHECK_MSG(expires == t0 + 3600, "expires at %lld", (long long)expires);
  r = request(engine, "sw3", "x1", "social");
  CHECK_MSG(socle_access_engine_decide(engine, &r, &d, NULL) == SOCLE_OK, "decide");
  CHECK_MSG(d.reason == SOCLE_REASON_ALLOWED_BREAK_GLASS, "break-glass: %s",
            socle_reason_name(d.reason));
  CHECK_MSG((d.obligations & (SOCLE_OBLIGATION_BREAK_GLASS_FLAG | SOCLE_OBLIGATION_NOTIFY_PERSON |
                              SOCLE_OBLIGATION_OPEN_REVIEW)) ==
                (SOCLE_OBLIGATION_BREAK_GLASS_FLAG | SOCLE_OBLIGATION_NOTIFY_PERSON |
                 SOCLE_OBLIGATION_OPEN_REVIEW),
            "break-glass obligations");
  r.time_unix_seconds = expires - 1;
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_ALLOWED_BREAK_GLASS, "one second before");
  r.time_unix_seconds = expires;
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_BREAK_GLASS_EXPIRED, "at the second");
  socle_access_engine_set_time(engine, expires);
  r.time_unix_seconds = 0;
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_BREAK_GLASS_EXPIRED, "by the engine's clock");
  /* Neither the clock moved back nor an earlier request time reopens it. */
  socle_access_engine_set_time(engine, t0);
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_BREAK_GLASS_EXPIRED, "clock set back");
  socle_access_engine_set_time(engine, 0);
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_BREAK_GLASS_EXPIRED, "back to the real clock");
  r.time_unix_seconds = t0 + 60;
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_BREAK_GLASS_EXPIRED, "earlier request time");
  r.time_unix_seconds = 0;

  /* An objection while a session is open ends it; refusals change nothing. */
  CHECK_MSG(socle_access_engine_open_break_glass(engine, S("sw3"), S("x1"), S("astreinte"),
                                                 S("Encore"), 0, NULL, &revision, NULL) == SOCLE_OK,
            "reopen");
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_ALLOWED_BREAK_GLASS, "reopened");
  CHECK_MSG(socle_access_engine_record_emergency_access_objection(engine, S("x1"), &revision,
                                                                  NULL) == SOCLE_OK,
            "objection");
  CHECK_MSG(reason_of(engine, r) == SOCLE_REASON_BREAK_GLASS_EXPIRED, "ended by the objection");
  const uint64_t before = socle_access_engine_revision(engine);
  status = socle_access_engine_open_break_glass(engine, S("sw3"), S("x1"), S("astreinte"),
                                                S("Encore"), 0, NULL, NULL, &error);
  CHECK_MSG(status == SOCLE_E_PERMISSION_DENIED, "%s", socle_status_name(status));
  CHECK_MSG(error != NULL && strstr(socle_error_message(error), "objected") != NULL, "message");
  socle_error_free(error);
  status = socle_access_engine_open_break_glass(engine, S("sw3"), S("x2"), S("astreinte"),
                                                S("Encore"), -60, NULL, NULL, &error);
  CHECK_MSG(status == SOCLE_E_OUT_OF_RANGE, "negative duration: %s", socle_status_name(status));
  socle_error_free(error);
  CHECK_MSG(socle_access_engine_revision(engine) == before, "revision unchanged");

  /* Bad requests: clear errors, a denial with invalid_request. */
  r = request(engine, "sw1", "x1", "social");
  r.person = 424242;
  status = socle_access_engine_decide(engine, &r, &d, &error);
  CHECK_MSG(status == SOCLE_E_NOT_FOUND, "%s", socle_status_name(status));
  CHECK_MSG(error != NULL && strstr(socle_error_message(error), "person") != NULL,
            "names the field");
  CHECK_MSG(d.effect == SOCLE_EFFECT_DENY && d.reason == SOCLE_REASON_INVALID_REQUEST, "invalid");
  socle_error_free(error);
  r = request(engine, "sw1", "x1", "social");
  r.version = 0;
  CHECK_MSG(socle_access_engine_decide(engine, &r, &d, NULL) == SOCLE_E_INVALID_ARGUMENT,
            "version 0");
  uint32_t id = 0;
  CHECK_MSG(socle_access_engine_find_person(engine, S("nobody"), &id, NULL) == SOCLE_E_NOT_FOUND,
            "lookup");
  CHECK_MSG(id == SOCLE_NO_ID, "no id");
  CHECK_MSG(
      socle_access_engine_find_purpose(engine, S("astrologie"), &id, NULL) == SOCLE_E_NOT_FOUND,
      "purpose");
  const char* p9_teams[] = {"t1"};
  const size_t p9_team_lens[] = {2};
  CHECK_MSG(socle_access_engine_upsert_professional(engine, S("p9"), S("astronaut"), p9_teams,
                                                    p9_team_lens, 1, 0, NULL,
                                                    &error) == SOCLE_E_NOT_FOUND,
            "unknown role");
  CHECK_MSG(error != NULL && strstr(socle_error_message(error), "astronaut") != NULL, "role named");
  socle_error_free(error);
  CHECK_MSG(socle_access_engine_revision(engine) == before, "revision unchanged");

  /* Explain, rule names, lists. */
  socle_buffer text = {0};
  socle_explanation* explanation = NULL;
  r = request(engine, "sec1", "x1", "social");
  status = socle_access_engine_explain(engine, &r, &explanation, &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  socle_explanation_decision(explanation, &d);
  CHECK_MSG(d.reason == SOCLE_REASON_ROLE_DOES_NOT_ALLOW, "explained: %s",
            socle_reason_name(d.reason));
  {
    /* Exactly one decisive step, failed, resting on a habilitation; every step has a check. */
    size_t decisive = 0;
    const size_t steps = socle_explanation_step_count(explanation);
    CHECK_MSG(steps > 0, "steps");
    for (size_t i = 0; i < steps; ++i) {
      CHECK_MSG(socle_explanation_step_check(explanation, i)[0] != 0, "step %zu has a check", i);
      if (socle_explanation_step_decisive(explanation, i)) {
        ++decisive;
        CHECK_MSG(socle_explanation_step_passed(explanation, i) == 0, "the decisive step failed");
        CHECK_MSG(strstr(socle_explanation_step_rule(explanation, i), "habilitations") != NULL,
                  "decisive rule: %s", socle_explanation_step_rule(explanation, i));
        CHECK_MSG(socle_explanation_step_detail(explanation, i)[0] != 0, "detail");
      }
    }
    CHECK_MSG(decisive == 1, "%zu decisive steps", decisive);
    CHECK_MSG(strcmp(socle_explanation_step_check(explanation, steps), "") == 0 &&
                  socle_explanation_step_passed(explanation, steps) == 0,
              "out of range");
  }
  CHECK_MSG(socle_explanation_to_text(explanation, &text, NULL) == SOCLE_OK, "to_text");
  CHECK_MSG(
      text.data != NULL && strstr((const char*)text.data, "DENY (role_does_not_allow)") != NULL,
      "explanation");
  socle_buffer_free(&text);
  socle_explanation_free(explanation);
  socle_explanation_free(NULL);
  status = socle_access_engine_rule_name(engine, d.rule, &text, NULL);
  CHECK_MSG(status == SOCLE_OK && strstr((const char*)text.data, "habilitations") != NULL, "rule");
  socle_buffer_free(&text);
  CHECK_MSG(
      strcmp(socle_reason_name(SOCLE_REASON_NOT_BOUND_BY_SECRECY), "not_bound_by_secrecy") == 0,
      "reason names");

  uint32_t listed[4];
  size_t count = 0;
  const uint32_t sw1 = id_of(socle_access_engine_find_professional, engine, "sw1");
  const uint32_t social = id_of(socle_access_engine_find_category, engine, "social");
  const uint32_t purpose = id_of(socle_access_engine_find_purpose, engine, "accompagnement");
  status = socle_access_engine_list_persons(engine, sw1, social, purpose, SOCLE_ACTION_READ, 0,
                                            listed, 1, &count, NULL);
  CHECK_MSG(status == SOCLE_E_OUT_OF_RANGE && count == 2, "too small: %s %zu",
            socle_status_name(status), count);
  count = 0;
  status = socle_access_engine_list_persons(engine, sw1, social, purpose, SOCLE_ACTION_READ, 0,
                                            listed, 4, &count, NULL);
  CHECK_MSG(status == SOCLE_OK && count == 2, "list: %zu", count);
  CHECK_MSG(strcmp(socle_access_engine_person_name(engine, listed[0]), "x1") == 0 &&
                strcmp(socle_access_engine_person_name(engine, listed[1]), "x3") == 0,
            "sorted persons");
  CHECK_MSG(strcmp(socle_access_engine_professional_name(engine, sw1), "sw1") == 0, "names");
  uint32_t t9 = SOCLE_NO_ID;
  CHECK_MSG(socle_access_engine_find_team(engine, S("t9"), &t9, NULL) == SOCLE_OK, "find team");
  CHECK_MSG(strcmp(socle_access_engine_team_name(engine, t9), "t9") == 0, "team name");
  CHECK_MSG(socle_access_engine_find_team(engine, S("t99"), &t9, NULL) == SOCLE_E_NOT_FOUND &&
                t9 == SOCLE_NO_ID,
            "unknown team");
  CHECK_MSG(strcmp(socle_access_engine_team_name(engine, 424242), "") == 0, "unknown team id");

  /* Teams are arrays of strings: a team id may contain a comma (only the TSV format separates
   * teams with commas). "t,1" is one team, neither "t" nor "1". */
  {
    const char* comma_teams[] = {"t,1", "t9"};
    const size_t comma_team_lens[] = {3, 2};
    CHECK_MSG(
        socle_access_engine_upsert_professional(engine, S("sw7"), S("social_worker"), comma_teams,
                                                comma_team_lens, 2, 0, NULL, &error) == SOCLE_OK,
        "team with a comma: %s", error != NULL ? socle_error_message(error) : "");
    socle_error_free(error);
    error = NULL;
    CHECK_MSG(socle_access_engine_upsert_person(engine, S("x7"), comma_teams, comma_team_lens, 1,
                                                NULL, 0, NULL, &error) == SOCLE_OK,
              "person in a team with a comma: %s", error != NULL ? socle_error_message(error) : "");
    socle_error_free(error);
    error = NULL;
    uint32_t comma_team = SOCLE_NO_ID;
    CHECK_MSG(socle_access_engine_find_team(engine, S("t,1"), &comma_team, NULL) == SOCLE_OK &&
                  strcmp(socle_access_engine_team_name(engine, comma_team), "t,1") == 0,
              "the team 't,1'");
    CHECK_MSG(socle_access_engine_find_team(engine, S("t"), &comma_team, NULL) == SOCLE_E_NOT_FOUND,
              "no team 't'");
    CHECK_MSG(reason_of(engine, request(engine, "sw7", "x7", "social")) == SOCLE_REASON_ALLOWED,
              "shared team with a comma");
    CHECK_MSG(
        reason_of(engine, request(engine, "sw8", "x7", "social")) == SOCLE_REASON_NOT_ASSIGNED,
        "other team");
    /* A grant lists categories the same way. */
    const char* categories[] = {"social"};
    const size_t category_lens[] = {6};
    CHECK_MSG(socle_access_engine_grant(engine, S("x7"), S("sw8"), categories, category_lens, 1, 0,
                                        NULL, NULL) == SOCLE_OK,
              "grant");
    CHECK_MSG(
        reason_of(engine, request(engine, "sw8", "x7", "social")) == SOCLE_REASON_ALLOWED_BY_GRANT,
        "granted category");
    CHECK_MSG(socle_access_engine_grant(engine, S("x7"), S("sw8"), NULL, category_lens, 1, 0, NULL,
                                        &error) == SOCLE_E_INVALID_ARGUMENT,
              "NULL categories with a count");
    CHECK_MSG(error != NULL && strstr(socle_error_message(error), "categories") != NULL,
              "names the parameter");
    socle_error_free(error);
    error = NULL;
  }

  int32_t reached = 0;
  CHECK_MSG(socle_access_engine_wait_for_revision(engine, socle_access_engine_revision(engine), 0,
                                                  &reached, NULL) == SOCLE_OK &&
                reached == 1,
            "reached");
  CHECK_MSG(socle_access_engine_wait_for_revision(engine, socle_access_engine_revision(engine) + 1,
                                                  5, &reached, NULL) == SOCLE_OK &&
                reached == 0,
            "timeout");
  socle_access_engine_free(engine);
  socle_access_engine_free(NULL);
}

/* ---------------------------------------------------------------------------------------------
 * Every on/off option of the policy both ways (as tests/access/policy_options_test.cc): the
 * actors whose outcome must not change with an option, and the one whose outcome must, through
 * socle_access_engine_decide, socle_access_engine_explain and socle_access_engine_filter_view. */

/* `text` with the first `from` replaced by `to` (malloc'ed), or NULL when `from` is absent. */
static char* replaced(const char* text, const char* from, const char* to) {
  const char* at = strstr(text, from);
  if (at == NULL) return NULL;
  const size_t head = (size_t)(at - text), from_len = strlen(from), to_len = strlen(to);
  char* out = malloc(strlen(text) - from_len + to_len + 1);
  if (out == NULL) exit(2);
  memcpy(out, text, head);
  memcpy(out + head, to, to_len);
  strcpy(out + head + to_len, at + from_len);
  return out;
}

enum {
  OPTION_REVEALS,
  OPTION_REFERENT_KEEPS,
  OPTION_SILENT,
  OPTION_BREAK_GLASS_OFF,
  OPTION_SECRETARY_REFERENT,
  OPTION_COUNT
};
static const struct {
  const char* name;
  const char* off;
  const char* on;
} kOptions[OPTION_COUNT] = {
    {"break_glass.reveals_masked_items", "reveals_masked_items: false",
     "reveals_masked_items: true"},
    {"masking.referent_keeps_access", "referent_keeps_access: false",
     "referent_keeps_access: true"},
    {"masking.mode (silent)", "mode: SIGNALLED", "mode: SILENT"},
    {"break_glass.enabled (off)", "enabled: true", "enabled: false"},
    {"roles[secretary].referent",
     "roles { id: \"secretary\" label: \"Secrétaire\" secrecy: SECRECY_NONE }",
     "roles { id: \"secretary\" label: \"Secrétaire\" secrecy: SECRECY_NONE referent: true }"},
};

enum {
  TEAM_MASKED,
  TEAM_OTHER,
  REFERENT_MASKED,
  REFERENT_OTHER,
  AUTHOR_MASKED,
  SESSION_MASKED,
  SESSION_OTHER,
  EXPIRED_MASKED,
  EXPIRED_OTHER,
  OUTSIDER_OTHER,
  SECRETARY,
  ACTOR_COUNT
};
static const struct {
  const char* name;
  const char* professional;
  const char* person;
  const char* category;
  const char* item;
  const char* author;
  int32_t base_reason; /* every option off */
} kActors[ACTOR_COUNT] = {
    {"team member, masked item", "sw1", "x3", "social", "r1", NULL, SOCLE_REASON_MASKED},
    {"team member, other item", "sw1", "x3", "social", "r2", NULL, SOCLE_REASON_ALLOWED},
    {"referent, masked item", "sw3", "x3", "social", "r1", NULL, SOCLE_REASON_MASKED},
    {"referent, other item", "sw3", "x3", "social", "r2", NULL, SOCLE_REASON_ALLOWED},
    {"author, masked item", "sw2", "x3", "social", "r1", "sw2",
     SOCLE_REASON_ALLOWED_AUTHOR_OF_MASKED},
    {"session, masked item", "sw4", "x3", "social", "r1", NULL, SOCLE_REASON_MASKED},
    {"session, other item", "sw4", "x3", "social", "r2", NULL, SOCLE_REASON_ALLOWED_BREAK_GLASS},
    {"expired session, masked item", "sw5", "x3", "social", "r1", NULL,
     SOCLE_REASON_BREAK_GLASS_EXPIRED},
    {"expired session, other item", "sw5", "x3", "social", "r2", NULL,
     SOCLE_REASON_BREAK_GLASS_EXPIRED},
    {"outsider, other item", "sw6", "x3", "social", "r2", NULL, SOCLE_REASON_NOT_ASSIGNED},
    {"secretary of x2", "sec1", "x2", "administrative", "r3", NULL, SOCLE_REASON_NOT_ASSIGNED},
};

/* The reason of `actor` with option `option` on or off. */
static int32_t option_reason(int option, int on, int actor) {
  int32_t reason = kActors[actor].base_reason;
  if (!on) return reason;
  switch (option) {
    case OPTION_REVEALS:
      if (actor == SESSION_MASKED) reason = SOCLE_REASON_ALLOWED_BREAK_GLASS;
      break;
    case OPTION_REFERENT_KEEPS:
      if (actor == REFERENT_MASKED) reason = SOCLE_REASON_ALLOWED_REFERENT_OF_MASKED;
      break;
    case OPTION_BREAK_GLASS_OFF:
      if (actor == SESSION_MASKED || actor == SESSION_OTHER || actor == EXPIRED_MASKED ||
          actor == EXPIRED_OTHER) {
        reason = SOCLE_REASON_NOT_ASSIGNED;
      }
      break;
    case OPTION_SECRETARY_REFERENT:
      if (actor == SECRETARY) reason = SOCLE_REASON_ALLOWED;
      break;
    default:
      break;
  }
  return reason;
}

static void option_both_ways(const char* policy_text, int option, int on) {
  char* text = on ? replaced(policy_text, kOptions[option].off, kOptions[option].on)
                  : replaced(policy_text, "", "");
  CHECK_MSG(text != NULL, "%s: the policy has no '%s'", kOptions[option].name,
            kOptions[option].off);
  if (text == NULL) return;
  socle_policy* policy = NULL;
  socle_access_engine* engine = NULL;
  CHECK_MSG(socle_policy_load(text, strlen(text), "policy", &policy, NULL) == SOCLE_OK,
            "%s: load: %s", kOptions[option].name, socle_last_error_message());
  free(text);
  if (policy == NULL) return;
  CHECK_MSG(socle_access_engine_create(policy, &engine, NULL) == SOCLE_OK, "engine");
  socle_policy_free(policy);
  if (engine == NULL) return;
  const int64_t t0 = ((int64_t)time(NULL) / 3600 + 24) * 3600;
  socle_access_engine_set_time(engine, t0);
  const char professionals[] =
      "sw1\tsocial_worker\tt1\nsw2\tsocial_worker\tt1\nsw3\tsocial_worker\tt2\n"
      "sw4\tsocial_worker\tt3\nsw5\tsocial_worker\tt3\nsw6\tsocial_worker\tt3\n"
      "sec1\tsecretary\tt1\n";
  const char persons[] = "x1\tt1\nx2\tt2\nx3\tt1\tsw3\n";
  CHECK_MSG(socle_access_engine_load_directory_tsv(engine, S(professionals), S(persons), NULL,
                                                   NULL) == SOCLE_OK,
            "load: %s", socle_last_error_message());
  CHECK_MSG(socle_access_engine_set_mask(engine, S("x3"), S("r1"), NULL, 0, SOCLE_AUDIENCE_EVERYONE,
                                         NULL, 0, NULL, NULL) == SOCLE_OK,
            "mask");
  const int break_glass = !(on && option == OPTION_BREAK_GLASS_OFF);
  const int32_t opened = socle_access_engine_open_break_glass(
      engine, S("sw4"), S("x3"), S("astreinte"), S("Nuit"), 0, NULL, NULL, NULL);
  CHECK_MSG(opened == (break_glass ? SOCLE_OK : SOCLE_E_FAILED_PRECONDITION), "%s: open: %s",
            kOptions[option].name, socle_status_name(opened));
  socle_access_engine_open_break_glass(engine, S("sw5"), S("x3"), S("astreinte"), S("Nuit"), 0,
                                       NULL, NULL, NULL);
  socle_access_engine_set_time(engine, t0 + 60);
  if (break_glass) {
    CHECK_MSG(
        socle_access_engine_close_break_glass(engine, S("sw5"), S("x3"), NULL, NULL) == SOCLE_OK,
        "close");
  }
  socle_access_engine_set_time(engine, t0 + 120);
  const int32_t named = socle_access_engine_set_referent(engine, S("x2"), S("sec1"), NULL, NULL);
  const int secretary_may = on && option == OPTION_SECRETARY_REFERENT;
  CHECK_MSG(named == (secretary_may ? SOCLE_OK : SOCLE_E_FAILED_PRECONDITION),
            "%s %s: referent: %s", kOptions[option].name, on ? "on" : "off",
            socle_status_name(named));

  socle_access_request requests[ACTOR_COUNT];
  int32_t view[ACTOR_COUNT];
  for (int a = 0; a < ACTOR_COUNT; ++a) {
    requests[a] = request(engine, kActors[a].professional, kActors[a].person, kActors[a].category);
    requests[a].item = kActors[a].item;
    requests[a].item_len = strlen(kActors[a].item);
    if (kActors[a].author != NULL) {
      requests[a].author = id_of(socle_access_engine_find_professional, engine, kActors[a].author);
    }
  }
  CHECK_MSG(socle_access_engine_filter_view(engine, requests, ACTOR_COUNT, view, NULL) == SOCLE_OK,
            "view");
  const int silent = on && option == OPTION_SILENT;
  for (int a = 0; a < ACTOR_COUNT; ++a) {
    const int32_t want = option_reason(option, on, a);
    const int allowed = want < 20;
    const int placeholder = want == SOCLE_REASON_MASKED && !silent;
    socle_decision d;
    CHECK_MSG(socle_access_engine_decide(engine, &requests[a], &d, NULL) == SOCLE_OK, "decide");
    CHECK_MSG(d.reason == want, "%s %s, %s: %s (expected %s)", kOptions[option].name,
              on ? "on" : "off", kActors[a].name, socle_reason_name(d.reason),
              socle_reason_name(want));
    CHECK_MSG(((d.obligations & SOCLE_OBLIGATION_SHOW_PLACEHOLDER) != 0) == placeholder,
              "%s %s, %s: placeholder obligation", kOptions[option].name, on ? "on" : "off",
              kActors[a].name);
    const int32_t want_view = allowed       ? SOCLE_VIEW_VISIBLE
                              : placeholder ? SOCLE_VIEW_PLACEHOLDER
                                            : SOCLE_VIEW_ABSENT;
    CHECK_MSG(view[a] == want_view, "%s %s, %s: view %d (expected %d)", kOptions[option].name,
              on ? "on" : "off", kActors[a].name, view[a], want_view);
    socle_decision explained;
    socle_buffer text = {0};
    socle_explanation* explanation = NULL;
    CHECK_MSG(socle_access_engine_explain(engine, &requests[a], &explanation, NULL) == SOCLE_OK,
              "explain");
    socle_explanation_decision(explanation, &explained);
    CHECK_MSG(socle_explanation_to_text(explanation, &text, NULL) == SOCLE_OK, "to_text");
    socle_explanation_free(explanation);
    CHECK_MSG(explained.reason == want, "%s %s, %s: explained %s", kOptions[option].name,
              on ? "on" : "off", kActors[a].name, socle_reason_name(explained.reason));
    const char* trace = text.data != NULL ? (const char*)text.data : "";
    const char* decides = strstr(trace, "<= decides");
    CHECK_MSG(decides != NULL && strstr(decides + 1, "<= decides") == NULL, "one decisive check");
    if (allowed)
      CHECK_MSG(strstr(trace, "[FAIL]") == NULL, "%s: allowed, yet a check failed", trace);
    if (want == SOCLE_REASON_ALLOWED_BREAK_GLASS && a == SESSION_MASKED) {
      CHECK_MSG(strstr(trace, "reveals_masked_items") != NULL, "%s", trace);
    }
    socle_buffer_free(&text);
  }
  socle_access_engine_free(engine);
}

static void every_option_both_ways(const char* policy_path) {
  size_t len = 0;
  char* text = read_file(policy_path, &len);
  for (int option = 0; option < OPTION_COUNT; ++option) {
    option_both_ways(text, option, 0);
    option_both_ways(text, option, 1);
  }
  free(text);
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s POLICY_FILE WORKLOAD_DIR\n", argv[0]);
    return 2;
  }
  socle_policy* policy = NULL;
  socle_error* error = NULL;
  int32_t status = socle_policy_load_file(argv[1], &policy, &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  if (policy == NULL) return 1;

  socle_access_engine* engine = NULL;
  status = socle_access_engine_create(policy, &engine, &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  char professionals[4096], persons[4096];
  snprintf(professionals, sizeof professionals, "%s/professionals.tsv", argv[2]);
  snprintf(persons, sizeof persons, "%s/persons.tsv", argv[2]);
  uint64_t revision = 0;
  status = socle_access_engine_load_directory_tsv_files(engine, professionals, persons, &revision,
                                                        &error);
  CHECK_OK(status, error);
  socle_error_free(error);
  CHECK_MSG(revision == 102000, "revision %llu", (unsigned long long)revision);

  uint32_t purpose = SOCLE_NO_ID;
  CHECK_MSG(
      socle_access_engine_find_purpose(engine, "accompagnement", 14, &purpose, NULL) == SOCLE_OK,
      "purpose");
  decide_workload(engine, argv[2], "requests_allowed.tsv", purpose);
  decide_workload(engine, argv[2], "requests_denied.tsv", purpose);
  decide_workload(engine, argv[2], "requests_mixed.tsv", purpose);

  /* An engine without a state ledger has nothing to follow (tests/python and the PostgreSQL
   * suite follow real ledgers); the status calls answer all the same. */
  status = socle_access_engine_follow(engine, 0, 0, &error);
  CHECK_MSG(status == SOCLE_E_FAILED_PRECONDITION && error != NULL, "follow without a record: %d",
            status);
  socle_error_free(error);
  error = NULL;
  CHECK_MSG(socle_access_engine_follow(NULL, 0, 0, NULL) == SOCLE_E_INVALID_ARGUMENT,
            "follow(NULL)");
  socle_access_engine_stop_following(engine); /* not following: nothing to do */
  socle_access_engine_stop_following(NULL);
  int32_t following = -1;
  uint64_t failures = 99;
  int64_t in_step = -1;
  status = socle_access_engine_follower_status(engine, &following, &failures, &in_step, &error);
  CHECK_MSG(status == SOCLE_OK && error == NULL && following == 0 && failures == 0 && in_step == 0,
            "follower status: %d %d", status, following);
  CHECK_MSG(socle_access_engine_follower_status(engine, NULL, &failures, &in_step, NULL) ==
                SOCLE_E_INVALID_ARGUMENT,
            "follower status without out_following");
  CHECK_MSG(socle_access_engine_follower_last_error(engine, &error) == SOCLE_OK && error == NULL,
            "no follower error");
  socle_access_engine_free(engine);

  scenario(policy);
  socle_policy_free(policy);
  every_option_both_ways(argv[1]);
  return check_report("access C ABI");
}
