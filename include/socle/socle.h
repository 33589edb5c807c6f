/*
 * socle.h: the stable C ABI of socle, the privacy core of the digital social case file.
 *
 * Conventions (docs/c-api.md explains each, with a worked example):
 * - Names: socle_<type>_<verb>. A function that acts on a handle is prefixed by the handle's type
 *   (socle_access_engine_decide acts on a socle_access_engine); a constructor by the type it makes
 *   (socle_vault_open makes a socle_vault). Free functions are prefixed by their module
 *   (socle_nir_check). Each name says what the C++ API's name says (AccessEngine::Decide).
 * - Parameter order: (1) the handle acted on, if any; (2) the inputs; (3) the outputs, every one
 *   named `out` or `out_*`, a caller-provided array followed by its `out_*_capacity`; (4) the
 *   `socle_error** error`, last in every call that can fail. A constructor's new handle is its
 *   output `out`.
 * - Inputs: bytes and strings are a pointer and a `*_len` (no NUL needed unless said); an array
 *   is a pointer and a `*_count`; an array of strings is `const char* const*` with a parallel
 *   `const size_t*` of lengths. Several arrays of one length share one `count`, given first.
 * - Every fallible call returns an int32_t status: SOCLE_OK (0) or one of the frozen SOCLE_E_*
 *   codes below. Details come through the optional `socle_error** error` (pass NULL if you do not
 *   want them); a thread-local copy of the last message is only a convenience. On failure the
 *   outputs are left empty (NULL handles, empty buffers, numbers 0) unless the call says
 *   otherwise.
 * - Handles are opaque and each *_free() accepts NULL. Immutable handles are thread-safe; each
 *   type says which it is.
 * - Owned output bytes go through socle_buffer, released with socle_buffer_free(); never free()
 *   our memory. Borrowed strings live as long as the handle they come from.
 * - Versioned structs start with a `version` field and only grow at their end.
 * - No exception crosses this boundary; no message contains a secret or a personal identifier.
 * - Booleans are int32_t (0 or 1); enums are int32_t constants.
 */
#ifndef SOCLE_SOCLE_H_
#define SOCLE_SOCLE_H_

#include <stddef.h>
#include <stdint.h>

#ifndef SOCLE_API
#if defined(_WIN32)
#define SOCLE_API
#else
#define SOCLE_API __attribute__((visibility("default")))
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Version. The SONAME of libsocle is its major version.                                      */

#define SOCLE_VERSION_MAJOR 0
#define SOCLE_VERSION_MINOR 10
#define SOCLE_VERSION_PATCH 0
#define SOCLE_VERSION_NUMBER \
  (SOCLE_VERSION_MAJOR * 10000 + SOCLE_VERSION_MINOR * 100 + SOCLE_VERSION_PATCH)

/* "MAJOR.MINOR.PATCH" of the library actually loaded. Static storage; thread-safe. */
SOCLE_API const char* socle_version_string(void);
/* SOCLE_VERSION_NUMBER of the library actually loaded. Thread-safe. */
SOCLE_API uint32_t socle_version_number(void);

/* ------------------------------------------------------------------------------------------ */
/* Status codes: frozen values, equal to socle::ErrorCode in socle/error.hpp.                 */

#define SOCLE_OK 0
#define SOCLE_E_INVALID_ARGUMENT 1
#define SOCLE_E_NOT_FOUND 2
#define SOCLE_E_ALREADY_EXISTS 3
#define SOCLE_E_PERMISSION_DENIED 4
#define SOCLE_E_FAILED_PRECONDITION 5
#define SOCLE_E_OUT_OF_RANGE 6
#define SOCLE_E_RESOURCE_EXHAUSTED 7
#define SOCLE_E_INTERNAL 8
#define SOCLE_E_NO_MEMORY 9
#define SOCLE_E_IO 10
#define SOCLE_E_PARSE 11
#define SOCLE_E_POLICY_INVALID 12
#define SOCLE_E_VERIFICATION_FAILED 13
#define SOCLE_E_UNSUPPORTED 14
#define SOCLE_E_DATA_LOSS 15
#define SOCLE_E_LOG_TAMPER_ATTEMPT 16

/* The stable name of a status code ("POLICY_INVALID"), or "UNKNOWN". Static storage. */
SOCLE_API const char* socle_status_name(int32_t status);

/* Initialises the library (libsodium). Idempotent and thread-safe; every other call also
 * initialises on first use, so calling it is optional but lets a program fail early. */
SOCLE_API int32_t socle_init(void);

/* ------------------------------------------------------------------------------------------ */
/* Errors. A socle_error is owned by the caller and released with socle_error_free().          */
/* It is immutable: its accessors are thread-safe.                                            */

typedef struct socle_error socle_error;

#define SOCLE_SEVERITY_ERROR 1
#define SOCLE_SEVERITY_WARNING 2

/* Releases an error; NULL is accepted. */
SOCLE_API void socle_error_free(socle_error* error);
/* The status code (SOCLE_OK only for a validation report that holds warnings only). */
SOCLE_API int32_t socle_error_code(const socle_error* error);
/* A one-line summary, NUL-terminated, borrowed from `error`. */
SOCLE_API const char* socle_error_message(const socle_error* error);
/* Policy problems carry one diagnostic per problem found (0 for other errors). */
SOCLE_API size_t socle_error_diagnostic_count(const socle_error* error);
/* The accessors of diagnostic `index` (< count) follow; out-of-range indexes give NULL or 0,
 * strings are NUL-terminated and borrowed from `error`. This one: SOCLE_SEVERITY_*. */
SOCLE_API int32_t socle_error_diagnostic_severity(const socle_error* error, size_t index);
/* The stable code of diagnostic `index` ("unknown_role"…). */
SOCLE_API const char* socle_error_diagnostic_code(const socle_error* error, size_t index);
/* Where in the policy diagnostic `index` points ("activities[2].purpose"). */
SOCLE_API const char* socle_error_diagnostic_path(const socle_error* error, size_t index);
/* The 1-based line of diagnostic `index` in the policy text, or 0. */
SOCLE_API int32_t socle_error_diagnostic_line(const socle_error* error, size_t index);
/* The 1-based column of diagnostic `index` in the policy text, or 0. */
SOCLE_API int32_t socle_error_diagnostic_column(const socle_error* error, size_t index);
/* The sentence of diagnostic `index`. */
SOCLE_API const char* socle_error_diagnostic_message(const socle_error* error, size_t index);

/* The message of the last failed call on this thread, or "" if none. Borrowed until the next
 * socle call on this thread. Only a convenience: prefer the socle_error out-parameter. */
SOCLE_API const char* socle_last_error_message(void);

/* ------------------------------------------------------------------------------------------ */
/* Buffers: owned output bytes. Zero-initialise one, pass its address, release it with         */
/* socle_buffer_free() (which wipes the bytes and resets the struct; safe on an empty buffer). */

typedef struct socle_buffer {
  uint8_t* data; /* NUL-terminated as a convenience for text (not counted in size) */
  size_t size;
} socle_buffer;

/* Wipes and releases the bytes of `buffer` and resets it to empty; NULL and an empty buffer
 * are accepted. */
SOCLE_API void socle_buffer_free(socle_buffer* buffer);

/* ------------------------------------------------------------------------------------------ */
/* Policy: the register of processing activities and the rules socle enforces.                */
/* A socle_policy is immutable: every call on it is thread-safe.                              */

typedef struct socle_policy socle_policy;

#define SOCLE_POLICY_DIGEST_BYTES 32

#define SOCLE_REGISTER_MARKDOWN 1
#define SOCLE_REGISTER_JSON 2

/* Parses, validates and compiles the policy in protobuf text format. On failure *out is set to
 * NULL and the status is SOCLE_E_PARSE or SOCLE_E_POLICY_INVALID, with every problem as a
 * diagnostic of *error. `source_name` (may be NULL) only names the text in messages. */
SOCLE_API int32_t socle_policy_load(const char* text, size_t text_len, const char* source_name,
                                    socle_policy** out, socle_error** error);
/* As socle_policy_load, reading the NUL-terminated `path` (SOCLE_E_IO if unreadable). */
SOCLE_API int32_t socle_policy_load_file(const char* path, socle_policy** out, socle_error** error);
/* Validates without keeping the result: SOCLE_OK when the policy is valid, otherwise as
 * socle_policy_load. When `error` is not NULL and there is anything to report, *error receives
 * every diagnostic, warnings included; for a valid policy with warnings only, its
 * socle_error_code() is SOCLE_OK. *error is NULL when there is nothing to report. */
SOCLE_API int32_t socle_policy_validate(const char* text, size_t text_len, const char* source_name,
                                        socle_error** error);
/* Releases a policy; NULL is accepted. Handles made from it keep what they need. */
SOCLE_API void socle_policy_free(socle_policy* policy);

/* The policy's id, NUL-terminated, borrowed from `policy`. */
SOCLE_API const char* socle_policy_id(const socle_policy* policy);
/* The policy's revision, NUL-terminated, borrowed from `policy`. */
SOCLE_API const char* socle_policy_revision(const socle_policy* policy);
/* Copies the 32-byte digest into out (out_capacity must be >= SOCLE_POLICY_DIGEST_BYTES). */
SOCLE_API int32_t socle_policy_digest(const socle_policy* policy, uint8_t* out, size_t out_capacity,
                                      socle_error** error);
/* The digest as 64 lower-case hex characters, borrowed from `policy`. */
SOCLE_API const char* socle_policy_digest_hex(const socle_policy* policy);
/* The number of processing activities of the policy. */
SOCLE_API size_t socle_policy_activity_count(const socle_policy* policy);
/* The number of roles of the policy. */
SOCLE_API size_t socle_policy_role_count(const socle_policy* policy);
/* The number of data categories of the policy. */
SOCLE_API size_t socle_policy_data_category_count(const socle_policy* policy);
/* Renders the register (SOCLE_REGISTER_MARKDOWN, SOCLE_REGISTER_JSON or SOCLE_REGISTER_JSONLD,
 * section "The register in French and as DPV JSON-LD") into *out, in French, the default: the
 * same as socle_policy_render_register_lang(policy, format, SOCLE_REGISTER_LANG_FR, out, error);
 * for English, call that with SOCLE_REGISTER_LANG_EN. */
SOCLE_API int32_t socle_policy_render_register(const socle_policy* policy, int32_t format,
                                               socle_buffer* out, socle_error** error);

/* ------------------------------------------------------------------------------------------ */
/* Access decisions: need-to-know, habilitations, masks, blocks, break-the-glass, explained.  */
/* (section engine: begin) */
/*
 * A socle_access_engine decides whether a professional may do an action on an item of a person's
 * file, for a purpose (an activity of the policy), from the policy and from its state: the
 * directory (professionals, teams, persons and the teams assigned to their case, referents) and the
 * facts recorded by or for the person (masks, blocks, break-the-glass sessions, objections to
 * emergency access, grants). Deny by default; a deny wins. docs/access-rules.md lists every rule,
 * reason code and obligation.
 *
 * Every change is a state event (proto/socle/v1/events.proto) and advances the revision by one;
 * every decision carries the revision it was computed on. A change that fails changes nothing.
 * Decisions take dense uint32_t ids, looked up once with socle_access_engine_find_*(); they never
 * block on writers.
 *
 * Thread safety: a socle_access_engine is safe for concurrent use by any number of threads
 * (decisions and updates alike). Error messages never contain a person's id, an item id or a
 * justification.
 */

typedef struct socle_access_engine socle_access_engine;
/* The trace of one decision (socle_access_engine_explain). */
typedef struct socle_explanation socle_explanation;

/* "No id": a request without author, a person without referent. */
#define SOCLE_NO_ID 0xFFFFFFFFu

/* Actions (= socle::Action, proto socle.v1.Action). */
#define SOCLE_ACTION_READ 1
#define SOCLE_ACTION_WRITE 2
#define SOCLE_ACTION_DELETE 3
#define SOCLE_ACTION_EXPORT 4
#define SOCLE_ACTION_PRINT 5
#define SOCLE_ACTION_SHARE 6

/* Entry kinds (= socle::EntryKind, proto socle.v1.EntryKind). */
#define SOCLE_ENTRY_FACT 1
#define SOCLE_ENTRY_APPRECIATION 2
#define SOCLE_ENTRY_THIRD_PARTY_INFORMATION 3
#define SOCLE_ENTRY_WORKING_NOTE 4

/* Secrecy status of a professional (= socle::SecrecyStatus); 0: the role's. */
#define SOCLE_SECRECY_NONE 1
#define SOCLE_SECRECY_BY_PROFESSION 2
#define SOCLE_SECRECY_BY_MISSION 3

#define SOCLE_EFFECT_DENY 0
#define SOCLE_EFFECT_ALLOW 1

/* Reason codes (frozen; = socle::Reason). Allowed reasons are below 20. */
#define SOCLE_REASON_ALLOWED 1
#define SOCLE_REASON_ALLOWED_AUTHOR_OF_MASKED 2
#define SOCLE_REASON_ALLOWED_REFERENT_OF_MASKED 3
#define SOCLE_REASON_ALLOWED_BREAK_GLASS 4
#define SOCLE_REASON_ALLOWED_BY_GRANT 5
#define SOCLE_REASON_ALLOWED_ARCHIVIST 6 /* an archivist's reasoned read of the archive */
#define SOCLE_REASON_ALLOWED_UNDER_RESTRICTION 7 /* restricted, with a justification (art. 18(2)) */
#define SOCLE_REASON_PROFESSIONAL_LEFT 20
#define SOCLE_REASON_BLOCKED 21
#define SOCLE_REASON_WORKING_NOTE 22
#define SOCLE_REASON_NOT_ASSIGNED 23
#define SOCLE_REASON_BREAK_GLASS_EXPIRED 24
#define SOCLE_REASON_ROLE_DOES_NOT_ALLOW 25
#define SOCLE_REASON_CATEGORY_OUTSIDE_PURPOSE 26
#define SOCLE_REASON_NOT_BOUND_BY_SECRECY 27
#define SOCLE_REASON_ENTRY_KIND_RESTRICTED 28
#define SOCLE_REASON_MASKED 29
#define SOCLE_REASON_INVALID_REQUEST 30
#define SOCLE_REASON_NO_CONSENT 31
#define SOCLE_REASON_OBJECTION_PENDING 32
#define SOCLE_REASON_OBJECTION_UPHELD 33
#define SOCLE_REASON_ITEM_NOT_SHARED 34
#define SOCLE_REASON_ARCHIVED 35 /* past its active phase: only an archivist, with a reason */
#define SOCLE_REASON_RESTRICTED 36 /* restricted (art. 18): stored only, no justification given */
#define SOCLE_REASON_ERASED 37     /* the person's whole file was erased (art. 17) */

/* Obligations (bit flags, frozen). Every decision carries SOCLE_OBLIGATION_LOG. */
#define SOCLE_OBLIGATION_LOG 0x01u
#define SOCLE_OBLIGATION_BREAK_GLASS_FLAG 0x02u /* log it with the break-the-glass flag */
#define SOCLE_OBLIGATION_NOTIFY_PERSON 0x04u    /* tell the person afterwards */
#define SOCLE_OBLIGATION_NOTIFY_REFERENT 0x08u  /* tell the person's referent afterwards */
#define SOCLE_OBLIGATION_OPEN_REVIEW 0x10u      /* open a review (reviewer or DPO) */
#define SOCLE_OBLIGATION_SHOW_PLACEHOLDER 0x20u /* show "masked item", without content */

/* How an item is shown (socle_access_engine_filter_view). */
#define SOCLE_VIEW_ABSENT 0
#define SOCLE_VIEW_VISIBLE 1
#define SOCLE_VIEW_PLACEHOLDER 2

/* Who a mask hides the item from. */
#define SOCLE_AUDIENCE_EVERYONE 1     /* audience_id empty */
#define SOCLE_AUDIENCE_ROLE 2         /* audience_id: a role of the policy */
#define SOCLE_AUDIENCE_PROFESSIONAL 3 /* audience_id: a professional */

/* One question. Fill it with socle_access_request_init(), then set the ids. `item` (may be NULL)
 * is the vendor's item id, compared with the person's item masks; `masked` is the vendor's own
 * per-item mask (hidden from all but the author, and the referent when the policy says so).
 * `time_unix_seconds` 0 means now by the engine's clock; a time earlier than the clock counts as
 * the clock's (it never reopens an expired session or grant). The struct only grows at its end; the
 * `version` of the first request of an array tells its layout (version 1 ends at item_len; version
 * 2 adds restriction_justification). */
#define SOCLE_ACCESS_REQUEST_VERSION 2
typedef struct socle_access_request {
  uint32_t version; /* SOCLE_ACCESS_REQUEST_VERSION */
  uint32_t actor;   /* professional */
  int32_t action;   /* SOCLE_ACTION_* */
  uint32_t person;
  uint32_t category;  /* data category of the policy */
  uint32_t purpose;   /* activity of the policy */
  int32_t entry_kind; /* SOCLE_ENTRY_* */
  uint32_t author;    /* professional who wrote the item, or SOCLE_NO_ID */
  int32_t masked;     /* 0 or 1 */
  int32_t reserved;   /* 0 */
  int64_t time_unix_seconds;
  const char* item;
  size_t item_len;
  /* Version 2. SOCLE_RESTRICTION_JUSTIFICATION_* (0: none): why the request goes ahead although
   * the person's file or the item is restricted (GDPR art. 18(2)); see "Restriction and
   * rectification" below. */
  int32_t restriction_justification;
  int32_t reserved2; /* 0 */
} socle_access_request;

typedef struct socle_decision {
  int32_t effect;       /* SOCLE_EFFECT_* */
  int32_t reason;       /* SOCLE_REASON_* */
  uint32_t rule;        /* what decided; socle_access_engine_rule_name() renders it */
  uint32_t obligations; /* SOCLE_OBLIGATION_* flags */
  uint64_t revision;    /* the state revision the decision was computed on */
} socle_decision;

/* Sets version, read, fact, no author, not masked, no item, now; ids to SOCLE_NO_ID. */
SOCLE_API void socle_access_request_init(socle_access_request* request);
/* The stable name of a reason ("role_does_not_allow"), or "unspecified". Static storage. */
SOCLE_API const char* socle_reason_name(int32_t reason);

/* Creates an engine over `policy` (which the engine keeps alive itself; the caller may free its
 * handle at once), with an empty directory at revision 0. */
SOCLE_API int32_t socle_access_engine_create(const socle_policy* policy, socle_access_engine** out,
                                             socle_error** error);
/* Releases the engine; NULL is accepted. */
SOCLE_API void socle_access_engine_free(socle_access_engine* engine);
/* Freezes the engine's clock at `unix_seconds` (tests, demos); 0 returns to the real clock. The
 * clock never goes backwards: a time earlier than the latest one the engine has seen (set, or
 * read from the real clock) leaves it at that latest time, so expired sessions and grants stay
 * expired. State events dated more than 5 minutes after the engine's clock are refused. */
SOCLE_API void socle_access_engine_set_time(socle_access_engine* engine, int64_t unix_seconds);
/* The current state revision (0 for NULL). */
SOCLE_API uint64_t socle_access_engine_revision(const socle_access_engine* engine);
/* Waits until the revision is at least `revision` or `timeout_ms` passes; *out_reached is 1 or 0.
 */
SOCLE_API int32_t socle_access_engine_wait_for_revision(const socle_access_engine* engine,
                                                        uint64_t revision, int64_t timeout_ms,
                                                        int32_t* out_reached, socle_error** error);

/* Dense ids (AccessEngine::Find*): *out receives the dense id of the string id. SOCLE_E_NOT_FOUND
 * when the id is not in the directory (professionals, persons, teams) or the policy (categories,
 * purposes). On any failure *out is SOCLE_NO_ID. */
SOCLE_API int32_t socle_access_engine_find_professional(const socle_access_engine* engine,
                                                        const char* id, size_t id_len,
                                                        uint32_t* out, socle_error** error);
/* The dense id of a person (SOCLE_E_NOT_FOUND never names the person). */
SOCLE_API int32_t socle_access_engine_find_person(const socle_access_engine* engine, const char* id,
                                                  size_t id_len, uint32_t* out,
                                                  socle_error** error);
/* The dense id of a team of the directory. */
SOCLE_API int32_t socle_access_engine_find_team(const socle_access_engine* engine, const char* id,
                                                size_t id_len, uint32_t* out, socle_error** error);
/* The dense id of a data category of the policy. */
SOCLE_API int32_t socle_access_engine_find_category(const socle_access_engine* engine,
                                                    const char* id, size_t id_len, uint32_t* out,
                                                    socle_error** error);
/* The dense id of a processing activity (a purpose) of the policy. */
SOCLE_API int32_t socle_access_engine_find_purpose(const socle_access_engine* engine,
                                                   const char* id, size_t id_len, uint32_t* out,
                                                   socle_error** error);
/* The string id of a dense id, NUL-terminated, borrowed from `engine`; "" if unknown. */
SOCLE_API const char* socle_access_engine_professional_name(const socle_access_engine* engine,
                                                            uint32_t id);
/* The string id of a dense person id, as socle_access_engine_professional_name. */
SOCLE_API const char* socle_access_engine_person_name(const socle_access_engine* engine,
                                                      uint32_t id);
/* The string id of a dense team id, as socle_access_engine_professional_name. */
SOCLE_API const char* socle_access_engine_team_name(const socle_access_engine* engine, uint32_t id);
/* What a decision's `rule` names ("habilitations[2]", "masking"…), into *out. */
SOCLE_API int32_t socle_access_engine_rule_name(const socle_access_engine* engine, uint32_t rule,
                                                socle_buffer* out, socle_error** error);

/* Each write below is one or more state events; *out_revision (may be NULL) receives the new
 * revision. Ids are pointer and length; lists of teams or categories are arrays of strings
 * (pointers and lengths, as `team_lens`), never separated text. */

/* Bulk load in the workload's TSV format (see docs/access-rules.md); all or nothing, errors name
 * the line. */
SOCLE_API int32_t socle_access_engine_load_directory_tsv(
    socle_access_engine* engine, const char* professionals, size_t professionals_len,
    const char* persons, size_t persons_len, uint64_t* out_revision, socle_error** error);
/* The same, from two NUL-terminated file paths. */
SOCLE_API int32_t socle_access_engine_load_directory_tsv_files(socle_access_engine* engine,
                                                               const char* professionals_path,
                                                               const char* persons_path,
                                                               uint64_t* out_revision,
                                                               socle_error** error);
/* Bulk loads from arrays (one element per record, all or nothing; errors name the index).
 * Record i has team_counts[i] teams, the next ones of `teams`/`team_lens` (the teams of all records
 * back to back, sum(team_counts) strings; `teams` may be NULL when that sum is 0). Professionals:
 * ids, roles, teams; `secrecy` (may be NULL) SOCLE_SECRECY_* or 0 for the role's. Persons: ids,
 * teams; `referents` (may be NULL, as may any of its elements) professional ids. */
SOCLE_API int32_t socle_access_engine_load_professionals(
    socle_access_engine* engine, size_t count, const char* const* ids, const size_t* id_lens,
    const char* const* roles, const size_t* role_lens, const size_t* team_counts,
    const char* const* teams, const size_t* team_lens, const int32_t* secrecy,
    uint64_t* out_revision, socle_error** error);
/* Bulk load of persons from arrays, as socle_access_engine_load_professionals. */
SOCLE_API int32_t socle_access_engine_load_persons(
    socle_access_engine* engine, size_t count, const char* const* ids, const size_t* id_lens,
    const size_t* team_counts, const char* const* teams, const size_t* team_lens,
    const char* const* referents, const size_t* referent_lens, uint64_t* out_revision,
    socle_error** error);
/* Applies one serialized socle.v1.StateEvent (e.g. from the state ledger). */
SOCLE_API int32_t socle_access_engine_apply_event(socle_access_engine* engine, const uint8_t* event,
                                                  size_t event_len, uint64_t* out_revision,
                                                  socle_error** error);
/* Applies a serialized socle.v1.StateEventBatch, all or nothing. */
SOCLE_API int32_t socle_access_engine_apply_event_batch(socle_access_engine* engine,
                                                        const uint8_t* batch, size_t batch_len,
                                                        uint64_t* out_revision,
                                                        socle_error** error);
/* Creates or replaces a professional; `secrecy` SOCLE_SECRECY_* or 0 for the role's. */
SOCLE_API int32_t socle_access_engine_upsert_professional(
    socle_access_engine* engine, const char* id, size_t id_len, const char* role, size_t role_len,
    const char* const* teams, const size_t* team_lens, size_t team_count, int32_t secrecy,
    uint64_t* out_revision, socle_error** error);
/* The professional leaves: every later decision for them is a denial
 * (SOCLE_REASON_PROFESSIONAL_LEFT). */
SOCLE_API int32_t socle_access_engine_professional_leaves(socle_access_engine* engine,
                                                          const char* id, size_t id_len,
                                                          uint64_t* out_revision,
                                                          socle_error** error);
/* Creates or replaces a person; `referent` may be empty (none). */
SOCLE_API int32_t socle_access_engine_upsert_person(socle_access_engine* engine, const char* id,
                                                    size_t id_len, const char* const* teams,
                                                    const size_t* team_lens, size_t team_count,
                                                    const char* referent, size_t referent_len,
                                                    uint64_t* out_revision, socle_error** error);
/* Assigns the person's case to `team`. */
SOCLE_API int32_t socle_access_engine_assign(socle_access_engine* engine, const char* person,
                                             size_t person_len, const char* team, size_t team_len,
                                             uint64_t* out_revision, socle_error** error);
/* Removes `team` from the person's case (SOCLE_E_NOT_FOUND if it was not assigned). */
SOCLE_API int32_t socle_access_engine_unassign(socle_access_engine* engine, const char* person,
                                               size_t person_len, const char* team, size_t team_len,
                                               uint64_t* out_revision, socle_error** error);
/* `referent` empty: the person has no referent any more. */
SOCLE_API int32_t socle_access_engine_set_referent(socle_access_engine* engine, const char* person,
                                                   size_t person_len, const char* referent,
                                                   size_t referent_len, uint64_t* out_revision,
                                                   socle_error** error);
/* Masks one item (item non-empty, category empty) or one data category (the reverse) of the
 * person's file from an audience (SOCLE_AUDIENCE_*). Revoking takes the same arguments. */
SOCLE_API int32_t socle_access_engine_set_mask(socle_access_engine* engine, const char* person,
                                               size_t person_len, const char* item, size_t item_len,
                                               const char* category, size_t category_len,
                                               int32_t audience, const char* audience_id,
                                               size_t audience_id_len, uint64_t* out_revision,
                                               socle_error** error);
/* Revokes a mask set by socle_access_engine_set_mask, with the same arguments. */
SOCLE_API int32_t socle_access_engine_revoke_mask(socle_access_engine* engine, const char* person,
                                                  size_t person_len, const char* item,
                                                  size_t item_len, const char* category,
                                                  size_t category_len, int32_t audience,
                                                  const char* audience_id, size_t audience_id_len,
                                                  uint64_t* out_revision, socle_error** error);
/* The person blocks `professional` from their file (a deny that wins). */
SOCLE_API int32_t socle_access_engine_block(socle_access_engine* engine, const char* person,
                                            size_t person_len, const char* professional,
                                            size_t professional_len, uint64_t* out_revision,
                                            socle_error** error);
/* Lifts a block set by socle_access_engine_block. */
SOCLE_API int32_t socle_access_engine_unblock(socle_access_engine* engine, const char* person,
                                              size_t person_len, const char* professional,
                                              size_t professional_len, uint64_t* out_revision,
                                              socle_error** error);
/* Opens a break-the-glass session of `actor` on `person`, now, for `duration_seconds` (0: the
 * policy's maximum). SOCLE_E_PERMISSION_DENIED if the person objected to emergency access, blocked
 * the actor, or the actor's role may not; SOCLE_E_FAILED_PRECONDITION if the policy disables it;
 * SOCLE_E_OUT_OF_RANGE for a negative or too long duration; SOCLE_E_NOT_FOUND for an unknown
 * reason code. *out_expires_at_unix_seconds (may be NULL): when it ends. */
SOCLE_API int32_t socle_access_engine_open_break_glass(
    socle_access_engine* engine, const char* actor, size_t actor_len, const char* person,
    size_t person_len, const char* reason_code, size_t reason_code_len, const char* justification,
    size_t justification_len, int64_t duration_seconds, int64_t* out_expires_at_unix_seconds,
    uint64_t* out_revision, socle_error** error);
/* Closes the open break-the-glass session of `actor` on `person`. */
SOCLE_API int32_t socle_access_engine_close_break_glass(socle_access_engine* engine,
                                                        const char* actor, size_t actor_len,
                                                        const char* person, size_t person_len,
                                                        uint64_t* out_revision,
                                                        socle_error** error);
/* Recording an objection to emergency access ends the person's open sessions at once. */
SOCLE_API int32_t socle_access_engine_record_emergency_access_objection(socle_access_engine* engine,
                                                                        const char* person,
                                                                        size_t person_len,
                                                                        uint64_t* out_revision,
                                                                        socle_error** error);
/* Withdraws the person's objection to emergency access. */
SOCLE_API int32_t socle_access_engine_revoke_emergency_access_objection(socle_access_engine* engine,
                                                                        const char* person,
                                                                        size_t person_len,
                                                                        uint64_t* out_revision,
                                                                        socle_error** error);
/* Grants `professional` access to the person's file for `categories` (none: all) until
 * `expires_at_unix_seconds` (0: until revoked). */
SOCLE_API int32_t socle_access_engine_grant(socle_access_engine* engine, const char* person,
                                            size_t person_len, const char* professional,
                                            size_t professional_len, const char* const* categories,
                                            const size_t* category_lens, size_t category_count,
                                            int64_t expires_at_unix_seconds, uint64_t* out_revision,
                                            socle_error** error);
/* Revokes the grant of `professional` on the person's file. */
SOCLE_API int32_t socle_access_engine_revoke_grant(socle_access_engine* engine, const char* person,
                                                   size_t person_len, const char* professional,
                                                   size_t professional_len, uint64_t* out_revision,
                                                   socle_error** error);

/* Decides one request into *out. An unknown id or value: SOCLE_E_NOT_FOUND or
 * SOCLE_E_INVALID_ARGUMENT naming the field, and *out is a denial with
 * SOCLE_REASON_INVALID_REQUEST. */
SOCLE_API int32_t socle_access_engine_decide(const socle_access_engine* engine,
                                             const socle_access_request* request,
                                             socle_decision* out, socle_error** error);
/* Decides requests[0..count) into out[0..count) on one snapshot. Invalid requests are denied with
 * SOCLE_REASON_INVALID_REQUEST and the others decided all the same; the status then names the
 * first invalid one. */
SOCLE_API int32_t socle_access_engine_decide_many(const socle_access_engine* engine,
                                                  const socle_access_request* requests,
                                                  size_t count, socle_decision* out,
                                                  socle_error** error);
/* The same with one array per field (for bindings that hold columns). NULL optional columns:
 * entry_kinds (all facts), authors (none), masked (none), items/item_lens (no item ids). Outputs
 * may be NULL except out_effects; *out_revision (may be NULL) receives the snapshot's revision. */
SOCLE_API int32_t socle_access_engine_decide_columns(
    const socle_access_engine* engine, size_t count, const uint32_t* actors, const int32_t* actions,
    const uint32_t* persons, const uint32_t* categories, const uint32_t* purposes,
    const int32_t* entry_kinds, const uint32_t* authors, const int32_t* masked,
    const char* const* items, const size_t* item_lens, int64_t time_unix_seconds,
    int32_t* out_effects, int32_t* out_reasons, uint32_t* out_rules, uint32_t* out_obligations,
    uint64_t* out_revision, socle_error** error);
/* The decision and a trace of every check, passed or failed, with the rule it rests on, into a new
 * explanation *out (released with socle_explanation_free). Fails as socle_access_engine_decide. */
SOCLE_API int32_t socle_access_engine_explain(const socle_access_engine* engine,
                                              const socle_access_request* request,
                                              socle_explanation** out, socle_error** error);
/* How each item of a file is shown (one request per item): SOCLE_VIEW_* into out[i]. */
SOCLE_API int32_t socle_access_engine_filter_view(const socle_access_engine* engine,
                                                  const socle_access_request* items, size_t count,
                                                  int32_t* out, socle_error** error);
/* The persons `actor` may access for (action, category, purpose), sorted by dense id, into
 * out[0..*out_count); `out` has room for `out_capacity` ids (may be NULL when 0).
 * SOCLE_E_OUT_OF_RANGE when the room is too small: *out_count then tells the size needed. */
SOCLE_API int32_t socle_access_engine_list_persons(const socle_access_engine* engine,
                                                   uint32_t actor, uint32_t category,
                                                   uint32_t purpose, int32_t action,
                                                   int64_t time_unix_seconds, uint32_t* out,
                                                   size_t out_capacity, size_t* out_count,
                                                   socle_error** error);
/* An explanation (socle_access_engine_explain): immutable, so its accessors are thread-safe.
 * Strings are NUL-terminated and borrowed from it; an index out of range gives "" or 0. */
SOCLE_API void socle_explanation_free(socle_explanation* explanation);
/* The decision explained, into *out. */
SOCLE_API void socle_explanation_decision(const socle_explanation* explanation,
                                          socle_decision* out);
/* The number of steps: one per check, in the order the engine ran them. */
SOCLE_API size_t socle_explanation_step_count(const socle_explanation* explanation);
/* The check of step `index` ("need_to_know", "habilitation"…; docs/access-rules.md lists them). */
SOCLE_API const char* socle_explanation_step_check(const socle_explanation* explanation,
                                                   size_t index);
/* 1 when the check of step `index` passed, else 0. */
SOCLE_API int32_t socle_explanation_step_passed(const socle_explanation* explanation, size_t index);
/* 1 for the step that gave the decision its reason (exactly one step), else 0. */
SOCLE_API int32_t socle_explanation_step_decisive(const socle_explanation* explanation,
                                                  size_t index);
/* The policy element the step rests on ("habilitations[2]", "activities[0]", "masking"…). */
SOCLE_API const char* socle_explanation_step_rule(const socle_explanation* explanation,
                                                  size_t index);
/* A sentence a DPO can read. */
SOCLE_API const char* socle_explanation_step_detail(const socle_explanation* explanation,
                                                    size_t index);
/* The whole trace as text (a heading with the decision, one line per step) into *out. */
SOCLE_API int32_t socle_explanation_to_text(const socle_explanation* explanation, socle_buffer* out,
                                            socle_error** error);
/* (section engine: end) */

/* ------------------------------------------------------------------------------------------ */
/* Storage: where the vault and the ledgers live (docs/postgresql.md).                         */
/* (section storage: begin) */
/*
 * One location chooses the backend of the vault, the access trail and the state ledger: a
 * directory (SQLite files vault.db and <ledger name>.db, the default) or a PostgreSQL database
 * named by a libpq URI ("postgresql://..." or "postgres://..."), shared by every application
 * server. A socle_storage is immutable: every call on it is thread-safe.
 */

typedef struct socle_storage socle_storage;

/* Opens the NUL-terminated `location`: a directory (created with mode 0700 if absent) or a
 * PostgreSQL URI, which needs `witness_dir`, a local directory of this server for the ledgers'
 * witness files (created 0700 if absent; NULL or "" for a directory: each witness beside its
 * file). Connects to nothing yet. A file where the directory should be, a malformed URI (never
 * quoted: it may hold a password) or a URI without `witness_dir` is SOCLE_E_INVALID_ARGUMENT.
 * On success *out owns the storage, released with socle_storage_free(). */
SOCLE_API int32_t socle_storage_open(const char* location, const char* witness_dir,
                                     socle_storage** out, socle_error** error);
/* Releases the storage; NULL is accepted. Vaults and ledgers opened in it stay open. */
SOCLE_API void socle_storage_free(socle_storage* storage);
/* 1 when the storage is a PostgreSQL database, 0 for a directory (or NULL). */
SOCLE_API int32_t socle_storage_is_postgresql(const socle_storage* storage);
/* The location as shown in messages (a URI without its password or query), NUL-terminated,
 * borrowed from `storage`. */
SOCLE_API const char* socle_storage_location(const socle_storage* storage);

/* (section storage: end) */

/* ------------------------------------------------------------------------------------------ */
/* Vault: keys, encryption at rest, crypto-shredding.                                         */
/* (section vault: begin) */
/*
 * One random 32-byte data key per person, wrapped by a master key held by a key provider, kept
 * in an SQLite database; records sealed with XChaCha20-Poly1305 bound to (tenant, person,
 * record, schema version). docs/keys.md has the formats and the threat model.
 *
 * Errors: any failed unwrap or decryption (wrong passphrase, altered or misplaced ciphertext)
 * is SOCLE_E_VERIFICATION_FAILED with one generic message. Opening a record of a person whose
 * key was shredded (or never created) is SOCLE_E_NOT_FOUND. No message contains a key, a
 * passphrase, a person id or a record id.
 *
 * Thread safety: socle_key_provider and socle_vault handles are safe for concurrent use from
 * any number of threads. socle_vault_options is not synchronised (build it on one thread).
 */

typedef struct socle_key_provider socle_key_provider;
typedef struct socle_vault socle_vault;
typedef struct socle_vault_options socle_vault_options;

/* Data keys, tenant keys and pseudonymisation secrets are this long. */
#define SOCLE_VAULT_KEY_BYTES 32
/* A sealed record is this many bytes longer than its plaintext. */
#define SOCLE_VAULT_SEAL_OVERHEAD 45
/* Argon2id parameters of a new key file: pass 0 and 0 for the default (opslimit 3, 256 MiB:
 * about 0.5 s to unlock). Parameters below libsodium's INTERACTIVE set (2 and 64 MiB) are
 * refused (SOCLE_E_INVALID_ARGUMENT); socle_key_provider_open_key_file refuses a file that uses
 * them (SOCLE_E_FAILED_PRECONDITION). */
#define SOCLE_KDF_OPSLIMIT_DEFAULT 0
#define SOCLE_KDF_MEMLIMIT_DEFAULT 0

/* Creates a new key file at the NUL-terminated `path` (SOCLE_E_ALREADY_EXISTS if present; the
 * file is written atomically with mode 0600) holding master key version 1, protected by the
 * passphrase (`passphrase_len` >= 8 bytes; copied, then wiped; never stored). On success *out
 * owns a provider, released with socle_key_provider_free(). */
SOCLE_API int32_t socle_key_provider_create_key_file(const char* path, const uint8_t* passphrase,
                                                     size_t passphrase_len, uint64_t opslimit,
                                                     uint64_t memlimit_bytes,
                                                     socle_key_provider** out, socle_error** error);
/* Opens and unlocks an existing key file (its stored Argon2id cost is paid here). A wrong
 * passphrase or an altered file is SOCLE_E_VERIFICATION_FAILED; a file that is not a key file
 * is SOCLE_E_PARSE. */
SOCLE_API int32_t socle_key_provider_open_key_file(const char* path, const uint8_t* passphrase,
                                                   size_t passphrase_len, socle_key_provider** out,
                                                   socle_error** error);
/* Re-protects a key file provider's file under a new passphrase and Argon2id cost (0, 0 for
 * the default). The master keys do not change. SOCLE_E_INVALID_ARGUMENT for a provider that is
 * not a key file. */
SOCLE_API int32_t socle_key_provider_change_passphrase(socle_key_provider* provider,
                                                       const uint8_t* new_passphrase,
                                                       size_t new_passphrase_len, uint64_t opslimit,
                                                       uint64_t memlimit_bytes,
                                                       socle_error** error);

/* A key provider backed by your HSM or KMS. Every callback returns SOCLE_OK or one of the
 * SOCLE_E_* codes (passed on to the caller of the vault with a generic message naming the
 * callback; an unknown value becomes SOCLE_E_INTERNAL). socle calls them from any thread,
 * possibly concurrently: they must be thread-safe. They must not throw (socle catches C++
 * exceptions anyway and reports SOCLE_E_INTERNAL) and may use errno freely (socle saves and
 * restores it around every call). `associated_data` must be bound to the wrapped bytes (a KMS
 * encryption context, an AEAD's associated data): unwrap must fail for any other. */
#define SOCLE_KEY_PROVIDER_CALLBACKS_VERSION 1
/* The room socle gives a wrap callback for its output. */
#define SOCLE_WRAPPED_KEY_MAX_BYTES 4096
typedef struct socle_key_provider_callbacks {
  /* SOCLE_KEY_PROVIDER_CALLBACKS_VERSION. The struct only ever grows at its end. */
  uint32_t version;
  /* Passed to every callback as is; socle never dereferences it. */
  void* user_data;
  /* A stable, public id of your master key (NUL-terminated, 1 to 256 printable ASCII bytes;
   * copied). A vault database is bound to one key id. */
  const char* key_id;
  /* Required: the master key version that wraps new keys (>= 1). */
  int32_t (*current_version)(void* user_data, uint32_t* out_version);
  /* Required: wraps the `key_len` bytes of `key` under master key version `key_version`,
   * writing at most `out_capacity` (SOCLE_WRAPPED_KEY_MAX_BYTES) bytes to `out` and their
   * number to *out_len. `key` is wiped by socle after the call. */
  int32_t (*wrap)(void* user_data, uint32_t key_version, const uint8_t* key, size_t key_len,
                  const uint8_t* associated_data, size_t associated_data_len, uint8_t* out,
                  size_t out_capacity, size_t* out_len);
  /* Required: the reverse; writes the key (SOCLE_VAULT_KEY_BYTES) to `out` (socle wipes it
   * after use). Return SOCLE_E_VERIFICATION_FAILED when the bytes do not authenticate. */
  int32_t (*unwrap)(void* user_data, uint32_t key_version, const uint8_t* wrapped,
                    size_t wrapped_len, const uint8_t* associated_data, size_t associated_data_len,
                    uint8_t* out, size_t out_capacity, size_t* out_len);
  /* Optional (NULL: you rotate in your HSM, and socle_vault_rotate_master_key re-wraps under
   * whatever current_version says): creates a new master key version, makes it current, returns it.
   */
  int32_t (*rotate)(void* user_data, uint32_t* out_new_version);
  /* Optional (NULL: socle never destroys your versions): destroys versions < `version`. */
  int32_t (*retire_before)(void* user_data, uint32_t version);
  /* Optional: called once, when the last handle using the provider is released. */
  void (*destroy)(void* user_data);
} socle_key_provider_callbacks;

/* Creates a provider over `callbacks` (copied; `callbacks->version` must be >= 1). On success
 * *out owns it; on failure `destroy` is not called. */
SOCLE_API int32_t socle_key_provider_create_from_callbacks(
    const socle_key_provider_callbacks* callbacks, socle_key_provider** out, socle_error** error);
/* The provider's key id, NUL-terminated, borrowed from `provider`. */
SOCLE_API const char* socle_key_provider_key_id(const socle_key_provider* provider);
/* Releases the handle. A vault opened with it keeps its own reference, so the provider may be
 * freed right after socle_vault_open(); `destroy` runs when the last user is gone. */
SOCLE_API void socle_key_provider_free(socle_key_provider* provider);

/* Vault options: an opaque object with setters, so it can grow. Owned by the caller. */
SOCLE_API int32_t socle_vault_options_new(socle_vault_options** out, socle_error** error);
/* Releases vault options; NULL is accepted. */
SOCLE_API void socle_vault_options_free(socle_vault_options* options);
/* How many persons' unwrapped keys stay cached in memory (default 4096; 0 turns it off). */
SOCLE_API int32_t socle_vault_options_set_cache_capacity(socle_vault_options* options,
                                                         size_t capacity, socle_error** error);
/* How long an unwrapped key stays cached (default 300 s; must be >= 1). */
SOCLE_API int32_t socle_vault_options_set_cache_ttl_seconds(socle_vault_options* options,
                                                            uint32_t seconds, socle_error** error);

/* Opens the vault database at the NUL-terminated `db_path` (created with mode 0600 if missing)
 * for `tenant` (1 to 128 bytes). `provider` is not consumed (the vault keeps a reference).
 * `options` may be NULL for the defaults; it is copied. On success *out owns the vault,
 * released with socle_vault_free(). */
SOCLE_API int32_t socle_vault_open(socle_key_provider* provider, const char* db_path,
                                   const char* tenant, size_t tenant_len,
                                   const socle_vault_options* options, socle_vault** out,
                                   socle_error** error);
/* socle_vault_open on `storage`: its directory's vault.db, or its PostgreSQL database (the
 * schema socle_vault). */
SOCLE_API int32_t socle_vault_open_in(socle_key_provider* provider, const socle_storage* storage,
                                      const char* tenant, size_t tenant_len,
                                      const socle_vault_options* options, socle_vault** out,
                                      socle_error** error);
/* Closes the vault and releases it; NULL is accepted. Cached keys are wiped. */
SOCLE_API void socle_vault_free(socle_vault* vault);

/* Encrypts `plaintext` for the record (person id 1 to 256 bytes, record id 0 to 256 bytes,
 * the caller's schema version), creating the person's data key on first use. *out receives
 * plaintext_len + SOCLE_VAULT_SEAL_OVERHEAD bytes, released with socle_buffer_free(). */
SOCLE_API int32_t socle_vault_seal_record(socle_vault* vault, const char* person_id,
                                          size_t person_id_len, const char* record_id,
                                          size_t record_id_len, uint32_t schema_version,
                                          const uint8_t* plaintext, size_t plaintext_len,
                                          socle_buffer* out, socle_error** error);
/* Decrypts what socle_vault_seal_record returned for the same record into *out (wiped by
 * socle_buffer_free()). SOCLE_E_VERIFICATION_FAILED for any altered, truncated or misplaced
 * ciphertext; SOCLE_E_NOT_FOUND when the person's key was shredded. */
SOCLE_API int32_t socle_vault_open_record(socle_vault* vault, const char* person_id,
                                          size_t person_id_len, const char* record_id,
                                          size_t record_id_len, uint32_t schema_version,
                                          const uint8_t* sealed, size_t sealed_len,
                                          socle_buffer* out, socle_error** error);
/* Crypto-shredding: deletes the person's key (overwritten on disk, database rewritten, WAL
 * truncated, wiped from memory); every record sealed for them becomes unreadable for good.
 * SOCLE_OK only once no copy remains in the database file or its WAL;
 * SOCLE_E_FAILED_PRECONDITION when another connection's read snapshot keeps the WAL (the key is
 * already gone: call it again later, or the next open finishes it). SOCLE_E_NOT_FOUND when the
 * person has no key. */
SOCLE_API int32_t socle_vault_shred_person(socle_vault* vault, const char* person_id,
                                           size_t person_id_len, socle_error** error);
/* Rotates the master key and re-wraps every key of the database under it, in batches that each
 * commit on their own, with the provider called outside any lock (seals and opens keep going;
 * records are not touched). A failure keeps the batches done and calling it again finishes.
 * With `retire_previous` (0 or 1) older master key versions are then destroyed by the provider,
 * once every key is re-wrapped. SOCLE_E_FAILED_PRECONDITION when another process made a newer
 * version current meanwhile (call it again). `out_version` (may be NULL) receives the new
 * version. */
SOCLE_API int32_t socle_vault_rotate_master_key(socle_vault* vault, int32_t retire_previous,
                                                uint32_t* out_version, socle_error** error);
/* The current pseudonymisation master secret version (>= 1). */
SOCLE_API int32_t socle_vault_current_pseudonym_version(socle_vault* vault, uint32_t* out,
                                                        socle_error** error);
/* Adds a new pseudonymisation master secret version and makes it current. */
SOCLE_API int32_t socle_vault_rotate_pseudonym_secret(socle_vault* vault, uint32_t* out_version,
                                                      socle_error** error);
/* Destroys an old pseudonymisation secret version for good (not the current one). */
SOCLE_API int32_t socle_vault_destroy_pseudonym_secret(socle_vault* vault, uint32_t version,
                                                       socle_error** error);
/* Integrity check and restore test: SQLite's integrity_check, then unwraps every key of the
 * tenant. SOCLE_E_DATA_LOSS when any fails. */
SOCLE_API int32_t socle_vault_verify(socle_vault* vault, socle_error** error);
/* (section vault: end) */

/* ------------------------------------------------------------------------------------------ */
/* The ledger and the access trail: tamper-evident logs, who read whose file and why.         */
/* (section ledger: begin) */
/*
 * A socle_ledger is an append-only list of entries in its own SQLite file, hashed into a Merkle
 * tree (RFC 9162) and committed to by signed checkpoints (C2SP signed notes, Ed25519); its keys
 * live in a socle_vault. What an entry says about a person is sealed under the person's vault key
 * and the person is named only by a pseudonym: shredding the person makes the entries unreadable
 * while every proof and checkpoint stays valid. docs/ledger.md describes the format.
 *
 * A socle_access_trail decides and records in one call: its decide functions ask the engine and
 * append one entry per decision before they return (a decision that cannot be recorded is not
 * returned: show nothing). A person's history (socle_access_trail_history) is readable by the
 * person themselves or by a professional whose role has the SECURITY_AUDITOR capability, and
 * the read is itself recorded.
 *
 * Thread safety: socle_ledger and socle_access_trail are safe for concurrent use;
 * socle_ledger_options is used by one thread at a time; socle_history and socle_ledger_entries
 * are immutable. Messages never contain a person's id, an item id or a justification.
 */

typedef struct socle_ledger socle_ledger;
typedef struct socle_ledger_options socle_ledger_options;
/* A page of a ledger's entries (socle_ledger_read_entries): immutable. */
typedef struct socle_ledger_entries socle_ledger_entries;
typedef struct socle_access_trail socle_access_trail;
/* One page of a person's history (socle_access_trail_history): immutable. */
typedef struct socle_history socle_history;

/* When an appended entry is on disk (= socle::Durability). */
#define SOCLE_DURABILITY_SYNC 0  /* fsync'd before the append returns */
#define SOCLE_DURABILITY_GROUP 1 /* the default: group commit, wait_durable/flush to wait */
#define SOCLE_DURABILITY_NONE 2  /* group commit without fsync: tests and benchmarks only */

/* What an entry records (= socle::LedgerEntryType). */
#define SOCLE_LEDGER_ENTRY_ACCESS_DECISION 1
#define SOCLE_LEDGER_ENTRY_OPERATION 2
#define SOCLE_LEDGER_ENTRY_TAMPER_ALERT 3
#define SOCLE_LEDGER_ENTRY_STATE_EVENT 4
#define SOCLE_LEDGER_ENTRY_SHARING_DECISION 5 /* a share, granted or refused */

/* Bytes of a leaf hash, a root and each hash of a proof. */
#define SOCLE_LEDGER_HASH_BYTES 32

/* Privileged operations the trail records (= socle::TrailOperation). */
#define SOCLE_TRAIL_OPERATION_TOKEN_REVERSAL 1
#define SOCLE_TRAIL_OPERATION_KEY_ROTATION 2
#define SOCLE_TRAIL_OPERATION_CRYPTO_SHREDDING 3
#define SOCLE_TRAIL_OPERATION_POLICY_LOADED 4
#define SOCLE_TRAIL_OPERATION_TRAIL_READ 5
#define SOCLE_TRAIL_OPERATION_EXPORT 6
#define SOCLE_TRAIL_OPERATION_SHARE 7

/* Ledger options: an opaque object with setters, so it can grow. Owned by the caller; the
 * defaults are group commit within 10 ms, a checkpoint every 10,000 entries or 5 s, the witness
 * file beside the database. */
SOCLE_API int32_t socle_ledger_options_new(socle_ledger_options** out, socle_error** error);
/* Releases ledger options; NULL is accepted. */
SOCLE_API void socle_ledger_options_free(socle_ledger_options* options);
/* SOCLE_DURABILITY_*. */
SOCLE_API int32_t socle_ledger_options_set_durability(socle_ledger_options* options,
                                                      int32_t durability, socle_error** error);
/* How long an entry may wait in the group-commit queue (100 to 1,000,000 µs). */
SOCLE_API int32_t socle_ledger_options_set_group_commit_delay_micros(socle_ledger_options* options,
                                                                     uint32_t micros,
                                                                     socle_error** error);
/* A checkpoint is signed after this many entries (0: never by count). */
SOCLE_API int32_t socle_ledger_options_set_checkpoint_every(socle_ledger_options* options,
                                                            uint64_t entries, socle_error** error);
/* …or when the oldest entry not yet covered is this old (0: never by time). */
SOCLE_API int32_t socle_ledger_options_set_checkpoint_interval_millis(
    socle_ledger_options* options, uint32_t millis, socle_error** error);
/* Where the last checkpoint is also kept, outside the database (NUL-terminated; NULL or "": the
 * database's path + ".checkpoint"). Copied. */
SOCLE_API int32_t socle_ledger_options_set_witness_path(socle_ledger_options* options,
                                                        const char* path, socle_error** error);

/* Opens the ledger `name` ("access_trail", "state": 1 to 64 bytes of [a-z0-9_.-]) in the SQLite
 * file at the NUL-terminated `db_path` (created with mode 0600 if missing), its keys held by
 * `vault`, which the ledger keeps alive itself (the caller may free its handle at once).
 * `options` may be NULL for the defaults; it is copied. Another ledger's or tenant's file is
 * SOCLE_E_FAILED_PRECONDITION. On success *out owns the ledger, released with
 * socle_ledger_free(). */
SOCLE_API int32_t socle_ledger_open(socle_vault* vault, const char* db_path, const char* name,
                                    size_t name_len, const socle_ledger_options* options,
                                    socle_ledger** out, socle_error** error);
/* socle_ledger_open on `storage`: its directory's <name>.db, or its PostgreSQL database (the
 * schema socle_<name>, name at most 57 bytes). Options without a witness path get the
 * storage's: beside the file, or <witness_dir>/<name>.checkpoint. */
SOCLE_API int32_t socle_ledger_open_in(socle_vault* vault, const socle_storage* storage,
                                       const char* name, size_t name_len,
                                       const socle_ledger_options* options, socle_ledger** out,
                                       socle_error** error);
/* Flushes the queue, closes and releases the ledger; NULL is accepted. A trail created on it
 * keeps it open until the trail is freed. */
SOCLE_API void socle_ledger_free(socle_ledger* ledger);
/* The ledger's name, NUL-terminated, borrowed from `ledger`. */
SOCLE_API const char* socle_ledger_name(const socle_ledger* ledger);
/* The checkpoints' origin line ("socle/<tenant>/<name>"), borrowed from `ledger`. */
SOCLE_API const char* socle_ledger_origin(const socle_ledger* ledger);
/* The C2SP note verifier key of the checkpoints ("<origin>+<key hash>+<base64 key>"), borrowed
 * from `ledger`: give it to third parties who verify checkpoints without socle. */
SOCLE_API const char* socle_ledger_verifier_key(const socle_ledger* ledger);

/* Appends one entry of `type` (SOCLE_LEDGER_ENTRY_*), stamped now, with the serialized record
 * `payload`. `person` (may be empty) is who the entry is about: the ledger stores only their
 * pseudonym and seals the payload under their vault key. *out_ticket receives a ticket for
 * socle_ledger_wait_durable. SOCLE_E_FAILED_PRECONDITION (nothing appended) when the person's
 * key was shredded. */
SOCLE_API int32_t socle_ledger_append(socle_ledger* ledger, int32_t type, const char* person,
                                      size_t person_len, const uint8_t* payload,
                                      size_t payload_len, uint64_t* out_ticket,
                                      socle_error** error);
/* Waits until the entries of `ticket` are durable; *out_index (may be NULL) receives the index
 * of the first of them. */
SOCLE_API int32_t socle_ledger_wait_durable(socle_ledger* ledger, uint64_t ticket,
                                            uint64_t* out_index, socle_error** error);
/* Waits until everything appended so far through `ledger` is durable. */
SOCLE_API int32_t socle_ledger_flush(socle_ledger* ledger, socle_error** error);
/* The number of entries in the database (every process's) into *out. */
SOCLE_API int32_t socle_ledger_size(socle_ledger* ledger, uint64_t* out, socle_error** error);
/* Flushes, then signs a checkpoint of the current tree (or returns the latest if it already
 * covers the tree). *out_note receives the C2SP signed note (released with socle_buffer_free);
 * *out_size its tree size; out_root (SOCLE_LEDGER_HASH_BYTES bytes of room) its root. */
SOCLE_API int32_t socle_ledger_checkpoint(socle_ledger* ledger, socle_buffer* out_note,
                                          uint64_t* out_size, uint8_t* out_root,
                                          size_t out_root_capacity, socle_error** error);
/* An inclusion proof (RFC 9162) of entry `index` in the tree of `tree_size` entries (0: the
 * latest checkpoint's size, which *out_tree_size receives). out_leaf_hash has room for
 * SOCLE_LEDGER_HASH_BYTES bytes; the proof's hashes go back to back into out_hashes, which has
 * room for `out_hashes_capacity` bytes (may be NULL when 0), and *out_hash_count tells how many.
 * SOCLE_E_OUT_OF_RANGE when index >= tree_size or tree_size > size, or when out_hashes is too
 * small: *out_hash_count then tells how many hashes it needs. */
SOCLE_API int32_t socle_ledger_prove_inclusion(socle_ledger* ledger, uint64_t index,
                                               uint64_t tree_size, uint64_t* out_tree_size,
                                               uint8_t* out_leaf_hash,
                                               size_t out_leaf_hash_capacity, uint8_t* out_hashes,
                                               size_t out_hashes_capacity, size_t* out_hash_count,
                                               socle_error** error);
/* Recomputes every leaf hash, row MAC and checkpoint and compares with the witness file.
 * *out_ok is 1 when all is as appended; otherwise 0, *out_first_bad_index names the first entry
 * that is not (for a bad checkpoint: its size) and *out_problem (may be NULL) receives a sentence
 * without personal data. *out_entries (may be NULL) receives how many entries were checked.
 * SOCLE_OK either way; an error only when the database cannot be read. */
SOCLE_API int32_t socle_ledger_verify(socle_ledger* ledger, int32_t* out_ok,
                                      uint64_t* out_entries, uint64_t* out_first_bad_index,
                                      socle_buffer* out_problem, socle_error** error);
/* Up to `max_count` entries from `begin`, in order (fewer at the end, none past it), into a new
 * page *out (released with socle_ledger_entries_free). */
SOCLE_API int32_t socle_ledger_read_entries(socle_ledger* ledger, uint64_t begin,
                                            size_t max_count, socle_ledger_entries** out,
                                            socle_error** error);
/* Entries are never changed: always SOCLE_E_LOG_TAMPER_ATTEMPT, after appending a tamper alert
 * that names `actor` and the index. */
SOCLE_API int32_t socle_ledger_update_entry(socle_ledger* ledger, uint64_t index,
                                            const char* actor, size_t actor_len,
                                            socle_error** error);
/* Entries are never removed: always SOCLE_E_LOG_TAMPER_ATTEMPT, after appending a tamper alert
 * that names `actor` and the index. */
SOCLE_API int32_t socle_ledger_delete_entry(socle_ledger* ledger, uint64_t index,
                                            const char* actor, size_t actor_len,
                                            socle_error** error);
/* Retention: removes the bytes of every entry older than `cutoff_unix_seconds` and keeps its
 * leaf hash, so proofs and checkpoints still verify. *out (may be NULL) receives how many
 * entries were pruned. */
SOCLE_API int32_t socle_ledger_prune_before(socle_ledger* ledger, int64_t cutoff_unix_seconds,
                                            uint64_t* out, socle_error** error);

/* Releases a page of entries; NULL is accepted. An index out of range gives 0 or "". */
SOCLE_API void socle_ledger_entries_free(socle_ledger_entries* entries);
/* The number of entries of the page. */
SOCLE_API size_t socle_ledger_entries_count(const socle_ledger_entries* entries);
/* The ledger index of entry `index` of the page. */
SOCLE_API uint64_t socle_ledger_entries_index(const socle_ledger_entries* entries, size_t index);
/* Its type (SOCLE_LEDGER_ENTRY_*). */
SOCLE_API int32_t socle_ledger_entries_type(const socle_ledger_entries* entries, size_t index);
/* Its time, in seconds since the Unix epoch. */
SOCLE_API int64_t socle_ledger_entries_time_unix_seconds(const socle_ledger_entries* entries,
                                                         size_t index);
/* 1 when the retention period removed its bytes, else 0. */
SOCLE_API int32_t socle_ledger_entries_pruned(const socle_ledger_entries* entries, size_t index);
/* Its stored bytes (the serialized socle.v1.LedgerEntry the leaf hashes; empty when pruned) into
 * *out, and its leaf hash into out_leaf_hash (SOCLE_LEDGER_HASH_BYTES bytes of room; may be NULL
 * when out_leaf_hash_capacity is 0). SOCLE_E_OUT_OF_RANGE for an index past the page. */
SOCLE_API int32_t socle_ledger_entries_bytes(const socle_ledger_entries* entries, size_t index,
                                             socle_buffer* out, uint8_t* out_leaf_hash,
                                             size_t out_leaf_hash_capacity, socle_error** error);

/* Creates a trail that records the decisions of `engine` in `ledger` (opened with the name
 * "access_trail"). The trail keeps the ledger alive itself (the caller may free its handle);
 * `engine` must outlive the trail. Records the policy the engine decides under. */
SOCLE_API int32_t socle_access_trail_create(socle_ledger* ledger,
                                            const socle_access_engine* engine,
                                            socle_access_trail** out, socle_error** error);
/* Releases the trail; NULL is accepted. */
SOCLE_API void socle_access_trail_free(socle_access_trail* trail);
/* Decides `request` as socle_access_engine_decide and records the decision (sealed for the
 * person) before returning it in *out. `justification` is the professional's (break-the-glass),
 * may be empty. When the decision cannot be recorded the call fails and *out is a denial: show
 * nothing. */
SOCLE_API int32_t socle_access_trail_decide(socle_access_trail* trail,
                                            const socle_access_request* request,
                                            const char* justification, size_t justification_len,
                                            socle_decision* out, socle_error** error);
/* Decides requests[0..count) into out[0..count) on one snapshot, as
 * socle_access_engine_decide_many, and records every decision in one append. Invalid requests are
 * denied with SOCLE_REASON_INVALID_REQUEST (and recorded when their person is known); the status
 * then names the first one. When the decisions cannot be recorded the call fails and none may be
 * shown. */
SOCLE_API int32_t socle_access_trail_decide_many(socle_access_trail* trail,
                                                 const socle_access_request* requests,
                                                 size_t count, socle_decision* out,
                                                 socle_error** error);
/* The same with one array per field, as socle_access_engine_decide_columns (NULL optional
 * columns: entry_kinds, authors, masked, items/item_lens; outputs may be NULL except
 * out_effects), on one snapshot whose revision *out_revision (may be NULL) receives, every
 * decision recorded in one append. */
SOCLE_API int32_t socle_access_trail_decide_columns(
    socle_access_trail* trail, size_t count, const uint32_t* actors, const int32_t* actions,
    const uint32_t* persons, const uint32_t* categories, const uint32_t* purposes,
    const int32_t* entry_kinds, const uint32_t* authors, const int32_t* masked,
    const char* const* items, const size_t* item_lens, int64_t time_unix_seconds,
    int32_t* out_effects, int32_t* out_reasons, uint32_t* out_rules, uint32_t* out_obligations,
    uint64_t* out_revision, socle_error** error);
/* Records a privileged operation (SOCLE_TRAIL_OPERATION_*) by `actor`, about `person` (may be
 * empty: about no person). `detail` is a few words for the reader: no secret, no identifier. */
SOCLE_API int32_t socle_access_trail_record_operation(socle_access_trail* trail, int32_t operation,
                                                      const char* actor, size_t actor_len,
                                                      const char* person, size_t person_len,
                                                      const char* detail, size_t detail_len,
                                                      socle_error** error);
/* One page of the history of `person`, read by `reader` (a professional whose role has
 * SECURITY_AUDITOR, or with reader_is_person 1 the person themselves), entries with
 * from <= time < to (0: unbounded), after index `after` (-1 for the first page), at most
 * `limit` (1 to 10,000), each with its inclusion proof against the page's checkpoint, into a new
 * *out (released with socle_history_free). SOCLE_E_PERMISSION_DENIED (recorded) for any other
 * reader; the read itself is recorded. */
SOCLE_API int32_t socle_access_trail_history(socle_access_trail* trail, const char* person,
                                             size_t person_len, const char* reader,
                                             size_t reader_len, int32_t reader_is_person,
                                             int64_t from_unix_seconds, int64_t to_unix_seconds,
                                             int64_t after, size_t limit, socle_history** out,
                                             socle_error** error);

/* Releases a history page; NULL is accepted. Its strings are NUL-terminated and borrowed from
 * it; an index out of range gives 0 or "". */
SOCLE_API void socle_history_free(socle_history* history);
/* The number of entries of the page. */
SOCLE_API size_t socle_history_entry_count(const socle_history* history);
/* The `after` of the next page; -1 when this page is the last. */
SOCLE_API int64_t socle_history_next_after(const socle_history* history);
/* The signed note of the checkpoint every proof leads to (verify it with the ledger's verifier
 * key). */
SOCLE_API const char* socle_history_checkpoint_note(const socle_history* history);
/* The tree size of that checkpoint. */
SOCLE_API uint64_t socle_history_checkpoint_size(const socle_history* history);
/* The ledger index of entry `index`. */
SOCLE_API uint64_t socle_history_entry_index(const socle_history* history, size_t index);
/* Its time, in seconds since the Unix epoch. */
SOCLE_API int64_t socle_history_entry_time_unix_seconds(const socle_history* history,
                                                        size_t index);
/* Its type (SOCLE_LEDGER_ENTRY_*). */
SOCLE_API int32_t socle_history_entry_type(const socle_history* history, size_t index);
/* 0 when it cannot be read any more (the person's key was shredded, or its bytes were pruned);
 * its proof still holds. */
SOCLE_API int32_t socle_history_entry_readable(const socle_history* history, size_t index);
/* The professional's id (access decisions and operations). */
SOCLE_API const char* socle_history_entry_actor(const socle_history* history, size_t index);
/* Their role at the time. */
SOCLE_API const char* socle_history_entry_role(const socle_history* history, size_t index);
/* Their structure at the time. */
SOCLE_API const char* socle_history_entry_structure(const socle_history* history, size_t index);
/* The action (SOCLE_ACTION_*; 0 for an operation). */
SOCLE_API int32_t socle_history_entry_action(const socle_history* history, size_t index);
/* The item id. */
SOCLE_API const char* socle_history_entry_item(const socle_history* history, size_t index);
/* The data category. */
SOCLE_API const char* socle_history_entry_category(const socle_history* history, size_t index);
/* The purpose (activity). */
SOCLE_API const char* socle_history_entry_purpose(const socle_history* history, size_t index);
/* 1 when the access was allowed, else 0. */
SOCLE_API int32_t socle_history_entry_allowed(const socle_history* history, size_t index);
/* The reason's name ("allowed", "not_assigned"…). */
SOCLE_API const char* socle_history_entry_reason(const socle_history* history, size_t index);
/* The policy element that decided. */
SOCLE_API const char* socle_history_entry_rule(const socle_history* history, size_t index);
/* 1 for a break-the-glass access, else 0. */
SOCLE_API int32_t socle_history_entry_break_glass(const socle_history* history, size_t index);
/* The professional's justification, when they gave one. */
SOCLE_API const char* socle_history_entry_justification(const socle_history* history,
                                                        size_t index);
/* The engine revision the decision was computed on. */
SOCLE_API uint64_t socle_history_entry_revision(const socle_history* history, size_t index);
/* For an operation: what was done ("trail_read", "crypto_shredding"…). */
SOCLE_API const char* socle_history_entry_operation(const socle_history* history, size_t index);
/* For an operation: its short detail. */
SOCLE_API const char* socle_history_entry_detail(const socle_history* history, size_t index);
/* The inclusion proof of entry `index` in the checkpoint's tree: its leaf hash into
 * out_leaf_hash (SOCLE_LEDGER_HASH_BYTES bytes of room), its hashes back to back into
 * out_hashes (room for out_hashes_capacity bytes; may be NULL when 0), their number into
 * *out_hash_count. SOCLE_E_OUT_OF_RANGE for an index past the page, or when out_hashes is too
 * small: *out_hash_count then tells how many hashes it needs. */
SOCLE_API int32_t socle_history_entry_proof(const socle_history* history, size_t index,
                                            uint8_t* out_leaf_hash, size_t out_leaf_hash_capacity,
                                            uint8_t* out_hashes, size_t out_hashes_capacity,
                                            size_t* out_hash_count, socle_error** error);

/* Who may read a person's file now, and why (REQ-55; socle_access_trail_current_access):
 * immutable. Its strings are NUL-terminated and borrowed from it; an index out of range gives 0
 * or "". */
typedef struct socle_current_access socle_current_access;

/* The professionals who may read `person`'s file now and on what basis, one per professional
 * and basis, into a new *out (released with socle_current_access_free). SOCLE_E_NOT_FOUND when
 * the person is not in the directory. */
SOCLE_API int32_t socle_access_trail_current_access(const socle_access_trail* trail,
                                                    const char* person, size_t person_len,
                                                    socle_current_access** out,
                                                    socle_error** error);
/* Releases the list; NULL is accepted. */
SOCLE_API void socle_current_access_free(socle_current_access* access);
/* The number of lines of the list. */
SOCLE_API size_t socle_current_access_count(const socle_current_access* access);
/* The professional's id. */
SOCLE_API const char* socle_current_access_professional(const socle_current_access* access,
                                                        size_t index);
/* Their role (a Role id of the policy). */
SOCLE_API const char* socle_current_access_role(const socle_current_access* access, size_t index);
/* Their structure, or "". */
SOCLE_API const char* socle_current_access_structure(const socle_current_access* access,
                                                     size_t index);
/* Why: "team", "referent", "grant" or "break_glass". */
SOCLE_API const char* socle_current_access_basis(const socle_current_access* access, size_t index);
/* For "team": the team shared with the person's case; "" otherwise. */
SOCLE_API const char* socle_current_access_team(const socle_current_access* access, size_t index);
/* When a grant or a break-the-glass session ends (Unix seconds); 0 when it does not. */
SOCLE_API int64_t socle_current_access_expires_unix_seconds(const socle_current_access* access,
                                                            size_t index);

/* ===== What the person sees: the person summary (REQ-55) ===== */

/* The formats of socle_access_engine_person_summary. */
#define SOCLE_SUMMARY_FORMAT_JSON 1   /* socle.v1.PersonSummary in protobuf's JSON mapping */
#define SOCLE_SUMMARY_FORMAT_BINARY 2 /* socle.v1.PersonSummary, protobuf binary encoding */

/* Everything recorded by or for `person` that bears on who may read their file and what was
 * done on their behalf, as it stood at `at_unix_seconds` (0: now by the engine's clock): consents
 * and how they ended, objections and decisions, representatives, masks, blocks, mandates, shares
 * with their recipients, items and bases, prior information still owed, open break-the-glass
 * sessions, and who can reach the file and why (proto/socle/v1/person_summary.proto;
 * include/socle/person_summary.hpp says what an earlier time shows). Written into *out, which
 * the caller releases with socle_buffer_free: JSON (UTF-8, not NUL-terminated; the proto's field
 * names, enums by name) or the binary encoding, per `format`. Reads one immutable snapshot: safe
 * on any thread. SOCLE_E_NOT_FOUND when the person is not in the directory (the message names no
 * id); SOCLE_E_INVALID_ARGUMENT for another format. */
SOCLE_API int32_t socle_access_engine_person_summary(const socle_access_engine* engine,
                                                     const char* person, size_t person_len,
                                                     int64_t at_unix_seconds, int32_t format,
                                                     socle_buffer* out, socle_error** error);

/* Opens an engine of record over `policy` on the state ledger `ledger` (a ledger opened with
 * the name "state"): the state is rebuilt from the ledger's newest snapshot and the events after
 * it, and every change the engine applies from then on is written to the ledger before it is
 * published (a change that cannot be written is refused and changes nothing). The engine keeps
 * the policy and the ledger alive. `policy` must be the ledger's policy in force (a new ledger
 * takes it as its first; docs/policy-approval.md): SOCLE_E_FAILED_PRECONDITION for another
 * policy until two professionals approved and activated it. SOCLE_E_DATA_LOSS for a damaged
 * ledger or snapshot. The same as socle_access_engine_open_mode with SOCLE_ENGINE_OPEN_IN_FORCE. */
SOCLE_API int32_t socle_access_engine_open(const socle_policy* policy, const socle_ledger* ledger,
                                           socle_access_engine** out, socle_error** error);
/* How socle_access_engine_open_mode opens a ledger. */
#define SOCLE_ENGINE_OPEN_IN_FORCE 0    /* the policy must be the ledger's policy in force */
#define SOCLE_ENGINE_OPEN_DEVELOPMENT 1 /* runs a policy not approved, for development; the
                                           ledger and the access trail record it */
SOCLE_API int32_t socle_access_engine_open_mode(const socle_policy* policy,
                                                const socle_ledger* ledger, int32_t mode,
                                                socle_access_engine** out, socle_error** error);
/* Writes a snapshot of the engine's state to its state ledger, so that the next open replays
 * only the events after it. SOCLE_E_FAILED_PRECONDITION for an engine made by
 * socle_access_engine_create. */
SOCLE_API int32_t socle_access_engine_save_snapshot(socle_access_engine* engine,
                                                    socle_error** error);
/* Applies the events another process appended to the state ledger since this engine's
 * revision; *out_revision is the new revision. A change refused with SOCLE_E_FAILED_PRECONDITION
 * because another process wrote first succeeds after a catch-up. */
SOCLE_API int32_t socle_access_engine_catch_up(socle_access_engine* engine,
                                               uint64_t* out_revision, socle_error** error);
/* Keeps an engine of record caught up in the background: one thread waits for its state
 * ledger to grow and applies what other processes and servers appended, as
 * socle_access_engine_catch_up does, so that a block or a withdrawn consent recorded on one
 * server denies on every server that follows. On PostgreSQL the thread is told of each append
 * when it commits (LISTEN/NOTIFY on a connection of its own) and reads the ledger's size every
 * `poll_interval_ms` in case a notification was lost (0: 1000; 1 to 60000); on SQLite it looks
 * at the database every 2 ms. After an error it tries again `retry_delay_ms` later (0: 100; 1
 * to 5000), doubling up to 5 s, and keeps the error (socle_access_engine_follower_status).
 * SOCLE_E_FAILED_PRECONDITION for an engine made by socle_access_engine_create or one already
 * following; SOCLE_E_OUT_OF_RANGE for an interval out of range. socle_access_engine_free stops
 * the follower. */
SOCLE_API int32_t socle_access_engine_follow(socle_access_engine* engine, uint32_t poll_interval_ms,
                                             uint32_t retry_delay_ms, socle_error** error);
/* Stops the follower, interrupting its wait, and returns once its thread has ended. Does
 * nothing when the engine is not following (or is NULL). */
SOCLE_API void socle_access_engine_stop_following(socle_access_engine* engine);
/* What the follower did. Returns the outcome of its last wait and catch-up: SOCLE_OK, or that
 * error's code with its message in *error (the engine then keeps deciding on the revision it
 * has, which every decision states). Unlike other calls, the outputs are set either way:
 * *out_following 1 while it runs, *out_failures its failed attempts since it started,
 * *out_in_step_at_unix_millis when it last found the engine in step with the ledger (the
 * engine's clock; 0 before the first time). SOCLE_OK with *out_following 0 when not following. */
SOCLE_API int32_t socle_access_engine_follower_status(const socle_access_engine* engine,
                                                      int32_t* out_following,
                                                      uint64_t* out_failures,
                                                      int64_t* out_in_step_at_unix_millis,
                                                      socle_error** error);
/* The most recent error of the follower since it started, kept after later attempts succeeded:
 * its code (and its message in *error), or SOCLE_OK when there was none. */
SOCLE_API int32_t socle_access_engine_follower_last_error(const socle_access_engine* engine,
                                                          socle_error** error);

/* ===== Sharing under professional secrecy, prior information, mandates (socle/sharing.hpp, socle/mandate.hpp) ===== */
/*
 * A share (secret partagé) names one legal basis of the closed list and is checked against every
 * line of the sharing checklist (docs/consent-and-sharing.md); a refusal names the check that
 * failed. A granted share is recorded as an item-level grant: the recipient then reads exactly the
 * shared items, for the share's purpose. socle_access_trail_share decides, records the grant and
 * writes the outcome, granted or refused, in the person's history (the way a product shares).
 * Mandates (Aidants Connect) let the professionals of a habilitated structure carry out
 * procedures on a person's behalf, for 1, 31, 182 or 365 days.
 *
 * Thread safety: socle_share_request is used by one thread at a time (fill it, then pass it);
 * socle_sharing_outcome is immutable. The engine and trail calls are as thread-safe as their
 * handles. Messages never contain a person id, an item id or a justification.
 */

typedef struct socle_share_request socle_share_request;
/* The decision on a share (socle_access_engine_check_share, socle_access_trail_share): immutable.
 * Its strings are NUL-terminated and borrowed from it; an index out of range gives 0 or "". */
typedef struct socle_sharing_outcome socle_sharing_outcome;

/* The legal bases of a share, a closed list (= socle::SharingBasis). */
#define SOCLE_SHARING_BASIS_CSP_L1110_4_II 1          /* professionals caring for the person */
#define SOCLE_SHARING_BASIS_CSP_L1110_4_III_TEAM 2    /* within the same care team */
#define SOCLE_SHARING_BASIS_CSP_L1110_4_III_CONSENT 3 /* outside the team, with consent */
#define SOCLE_SHARING_BASIS_CASF_L226_2_2 4           /* child protection */
#define SOCLE_SHARING_BASIS_CASF_L226_2_1 5           /* child-protection alert to the CRIP */
#define SOCLE_SHARING_BASIS_CASF_L121_6_2 6           /* coordinator, maire, département */
#define SOCLE_SHARING_BASIS_CP_226_14 7               /* report to the authorities */
#define SOCLE_SHARING_BASIS_LEGAL_OBLIGATION 8        /* another legal obligation, requisition */

/* The check of the sharing checklist that refused a share (frozen; = socle::SharingCheck). */
#define SOCLE_SHARING_CHECK_NONE 0 /* granted */
#define SOCLE_SHARING_CHECK_NO_BASIS 1
#define SOCLE_SHARING_CHECK_PARTY_NOT_IDENTIFIED 2
#define SOCLE_SHARING_CHECK_EMITTER_NOT_BOUND_BY_SECRECY 3
#define SOCLE_SHARING_CHECK_RECIPIENT_NOT_BOUND_BY_SECRECY 4
#define SOCLE_SHARING_CHECK_NOT_IN_CARE_OF_SAME_PERSON 5
#define SOCLE_SHARING_CHECK_NOT_IN_SAME_CARE_TEAM 6
#define SOCLE_SHARING_CHECK_PURPOSE_NOT_ALLOWED 7
#define SOCLE_SHARING_CHECK_NO_ITEM_SELECTED 8
#define SOCLE_SHARING_CHECK_WHOLE_FILE_NOT_ALLOWED 9
#define SOCLE_SHARING_CHECK_ITEM_OUTSIDE_SHARING_RULE 10
#define SOCLE_SHARING_CHECK_ITEM_OUTSIDE_RECIPIENT_HABILITATIONS 11
#define SOCLE_SHARING_CHECK_PERSON_NOT_INFORMED 12
#define SOCLE_SHARING_CHECK_NO_SHARING_CONSENT 13
#define SOCLE_SHARING_CHECK_PERSON_OBJECTS_TO_SHARING 14
#define SOCLE_SHARING_CHECK_ONWARD_DISCLOSURE_FORBIDDEN 15

/* Whether the person took part in what was done for them (REQ-61; = PersonInvolvement). */
#define SOCLE_PERSON_INVOLVEMENT_PRESENT 1
#define SOCLE_PERSON_INVOLVEMENT_INFORMED_BEFOREHAND 2
#define SOCLE_PERSON_INVOLVEMENT_NOT_INFORMED 3 /* with a reason */

/* Why the person could not be told before a share (= socle::InformationExceptionKind). */
#define SOCLE_INFORMATION_EXCEPTION_URGENCY 1
#define SOCLE_INFORMATION_EXCEPTION_IMPOSSIBILITY 2
#define SOCLE_INFORMATION_EXCEPTION_CONTRARY_TO_CHILD_INTEREST 3 /* a minor; justification */

/* How the person was told (= socle::InformChannel). */
#define SOCLE_INFORM_CHANNEL_IN_PERSON 1
#define SOCLE_INFORM_CHANNEL_PAPER 2
#define SOCLE_INFORM_CHANNEL_ONLINE 3
#define SOCLE_INFORM_CHANNEL_PHONE 4

/* Who is to be told of a share (= socle::InformRelation). */
#define SOCLE_INFORM_RELATION_PERSON 1
#define SOCLE_INFORM_RELATION_PARENTAL_AUTHORITY 2
#define SOCLE_INFORM_RELATION_GUARDIAN 3
#define SOCLE_INFORM_RELATION_CHILD 4 /* offered, not required */

/* The evidence of prior information a recorded share relied on (= SharingTrailRecord). */
#define SOCLE_SHARING_INFORMATION_NONE 0
#define SOCLE_SHARING_INFORMATION_INFORMED 1
#define SOCLE_SHARING_INFORMATION_EXCEPTION 2

/* The durations a mandate may have, in days; nothing else is accepted. */
#define SOCLE_MANDATE_DURATION_DAY 1
#define SOCLE_MANDATE_DURATION_MONTH 31
#define SOCLE_MANDATE_DURATION_SEMESTER 182
#define SOCLE_MANDATE_DURATION_YEAR 365
/* Bytes of a mandate's attestation hash (SHA-256; socle/mandate.hpp gives its encoding). */
#define SOCLE_MANDATE_ATTESTATION_BYTES 32

/* The state of a mandate's authorisation (= socle::MandateState). */
#define SOCLE_MANDATE_STATE_ACTIVE 1
#define SOCLE_MANDATE_STATE_REVOKED 2
#define SOCLE_MANDATE_STATE_EXPIRED 3

/* Whether a use of a mandate is allowed, or why not (frozen; = socle::MandateVerdict). */
#define SOCLE_MANDATE_VERDICT_ALLOWED 0
#define SOCLE_MANDATE_VERDICT_PROCEDURE_NOT_IN_MANDATE 1
#define SOCLE_MANDATE_VERDICT_REVOKED 2
#define SOCLE_MANDATE_VERDICT_EXPIRED 3
#define SOCLE_MANDATE_VERDICT_NOT_YET_CREATED 4
#define SOCLE_MANDATE_VERDICT_OTHER_STRUCTURE 5
#define SOCLE_MANDATE_VERDICT_ROLE_NOT_ALLOWED 6
#define SOCLE_MANDATE_VERDICT_PROFESSIONAL_LEFT 7
#define SOCLE_MANDATE_VERDICT_REPRESENTATION_REQUIRED 8

/* The stable name of a basis ("l226_2_2"…), or "unspecified". Static storage. */
SOCLE_API const char* socle_sharing_basis_name(int32_t basis);
/* The stable name of a check ("person_not_informed"…; "none" for SOCLE_SHARING_CHECK_NONE), or
 * "unspecified". Static storage. */
SOCLE_API const char* socle_sharing_check_name(int32_t check);
/* "active", "revoked", "expired", or "unspecified". Static storage. */
SOCLE_API const char* socle_mandate_state_name(int32_t state);
/* "allowed", "procedure_not_in_mandate"…, or "unspecified". Static storage. */
SOCLE_API const char* socle_mandate_verdict_name(int32_t verdict);

/* A share request: an opaque object with setters, owned by the caller, used by one thread at a
 * time. Every string is copied. Required: emitter, recipient, person, basis, purpose, share id,
 * items (or the whole file) and the person's involvement. */
SOCLE_API int32_t socle_share_request_new(socle_share_request** out, socle_error** error);
/* Releases a share request; NULL is accepted. */
SOCLE_API void socle_share_request_free(socle_share_request* request);
/* The professional who shares, the one who receives, and the person whose data is shared. */
SOCLE_API int32_t socle_share_request_set_parties(socle_share_request* request, const char* emitter,
                                                  size_t emitter_len, const char* recipient,
                                                  size_t recipient_len, const char* person,
                                                  size_t person_len, socle_error** error);
/* The basis (SOCLE_SHARING_BASIS_*; 0 is refused by the check as SOCLE_SHARING_CHECK_NO_BASIS). */
SOCLE_API int32_t socle_share_request_set_basis(socle_share_request* request, int32_t basis,
                                                socle_error** error);
/* The purpose: an activity id of the policy. */
SOCLE_API int32_t socle_share_request_set_purpose(socle_share_request* request, const char* purpose,
                                                  size_t purpose_len, socle_error** error);
/* The share's id, chosen by the caller, unique for the person. */
SOCLE_API int32_t socle_share_request_set_share(socle_share_request* request, const char* share,
                                                size_t share_len, socle_error** error);
/* Adds an item: the vendor's item id, its data category (a category id of the policy), and the
 * SHA-256 of the content shared (32 bytes, or NULL and 0 when the caller keeps none; carried to
 * the sharing log, not checked). */
SOCLE_API int32_t socle_share_request_add_item(socle_share_request* request, const char* item,
                                               size_t item_len, const char* category,
                                               size_t category_len, const uint8_t* content_sha256,
                                               size_t content_sha256_len, socle_error** error);
/* 1: the whole file instead of selected items (refused unless a sharing rule allows it). */
SOCLE_API int32_t socle_share_request_set_whole_file(socle_share_request* request,
                                                     int32_t whole_file, socle_error** error);
/* The person's involvement (SOCLE_PERSON_INVOLVEMENT_*; NOT_INFORMED needs `reason`). */
SOCLE_API int32_t socle_share_request_set_involvement(socle_share_request* request, int32_t kind,
                                                      const char* reason, size_t reason_len,
                                                      socle_error** error);
/* When the share happens (0: now by the engine's clock). */
SOCLE_API int32_t socle_share_request_set_time_unix_seconds(socle_share_request* request,
                                                            int64_t unix_seconds,
                                                            socle_error** error);

/* Checks `request` against the sharing checklist on the engine's current snapshot, recording
 * nothing, into a new *out (released with socle_sharing_outcome_free). An unknown emitter,
 * recipient or person and a share id already used for the person are errors
 * (SOCLE_E_NOT_FOUND, SOCLE_E_ALREADY_EXISTS); every other failure is a refused outcome naming
 * its check. */
SOCLE_API int32_t socle_access_engine_check_share(const socle_access_engine* engine,
                                                  const socle_share_request* request,
                                                  socle_sharing_outcome** out, socle_error** error);
/* Shares and records in one call (AccessTrail::Share): checks `request` on `engine` (the trail's
 * engine: SOCLE_E_FAILED_PRECONDITION otherwise), records the grant when granted, then writes the
 * outcome, granted or refused, in the person's history; if that record cannot be written the
 * grant is taken back and the error returned. *out as socle_access_engine_check_share; request
 * errors as there, nothing recorded. */
SOCLE_API int32_t socle_access_trail_share(socle_access_trail* trail, socle_access_engine* engine,
                                           const socle_share_request* request,
                                           socle_sharing_outcome** out, socle_error** error);
/* Ends one share's grant (the share stays in the person's history); `recorded_by` is the
 * professional who records it. SOCLE_E_NOT_FOUND when no such share is in force. */
SOCLE_API int32_t socle_access_engine_revoke_share(socle_access_engine* engine, const char* person,
                                                   size_t person_len, const char* recipient,
                                                   size_t recipient_len, const char* share,
                                                   size_t share_len, const char* recorded_by,
                                                   size_t recorded_by_len, uint64_t* out_revision,
                                                   socle_error** error);
/* Records that the person (or `informed`, a representative valid today; empty: the person) was
 * told, before share `share`, that `categories` would be shared with `recipient`, through
 * `channel` (SOCLE_INFORM_CHANNEL_*). `maturity_assessment`: for a child told, the
 * professional's age and maturity assessment (may be empty otherwise). */
SOCLE_API int32_t socle_access_engine_record_person_informed(
    socle_access_engine* engine, const char* person, size_t person_len, const char* informed,
    size_t informed_len, const char* share, size_t share_len, const char* recipient,
    size_t recipient_len, const char* const* categories, const size_t* category_lens,
    size_t category_count, int32_t channel, const char* maturity_assessment,
    size_t maturity_assessment_len, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error);
/* Records why the person could not be told before share `share` (SOCLE_INFORMATION_EXCEPTION_*),
 * decided by `recorded_by`; CONTRARY_TO_CHILD_INTEREST needs a minor and a justification. An
 * urgency or impossibility keeps a follow-up "inform the person" open until a
 * socle_access_engine_record_person_informed for the share. */
SOCLE_API int32_t socle_access_engine_record_information_exception(
    socle_access_engine* engine, const char* person, size_t person_len, const char* share,
    size_t share_len, int32_t kind, const char* justification, size_t justification_len,
    const char* recorded_by, size_t recorded_by_len, uint64_t* out_revision, socle_error** error);

/* Releases an outcome; NULL is accepted. */
SOCLE_API void socle_sharing_outcome_free(socle_sharing_outcome* outcome);
/* 1 when the share is granted (every check passed), else 0. */
SOCLE_API int32_t socle_sharing_outcome_granted(const socle_sharing_outcome* outcome);
/* The check that refused it (SOCLE_SHARING_CHECK_*; NONE when granted); socle_sharing_check_name
 * names it. */
SOCLE_API int32_t socle_sharing_outcome_failed(const socle_sharing_outcome* outcome);
/* Why, in a sentence for a DPO (never a person id, an item id or a justification). */
SOCLE_API const char* socle_sharing_outcome_sentence(const socle_sharing_outcome* outcome);
/* 1 for a mandatory report made although the person objects to sharing, else 0. */
SOCLE_API int32_t socle_sharing_outcome_overrides_opposition(const socle_sharing_outcome* outcome);
/* The share's id. */
SOCLE_API const char* socle_sharing_outcome_share(const socle_sharing_outcome* outcome);
/* The emitter's id. */
SOCLE_API const char* socle_sharing_outcome_emitter(const socle_sharing_outcome* outcome);
/* The recipient's id. */
SOCLE_API const char* socle_sharing_outcome_recipient(const socle_sharing_outcome* outcome);
/* The basis (SOCLE_SHARING_BASIS_*). */
SOCLE_API int32_t socle_sharing_outcome_basis(const socle_sharing_outcome* outcome);
/* The purpose (an activity id). */
SOCLE_API const char* socle_sharing_outcome_purpose(const socle_sharing_outcome* outcome);
/* 1 for a whole-file share, else 0. */
SOCLE_API int32_t socle_sharing_outcome_whole_file(const socle_sharing_outcome* outcome);
/* The number of items requested (a whole-file share lists none). */
SOCLE_API size_t socle_sharing_outcome_item_count(const socle_sharing_outcome* outcome);
/* The id of item `index`. */
SOCLE_API const char* socle_sharing_outcome_item(const socle_sharing_outcome* outcome,
                                                 size_t index);
/* The data category of item `index`. */
SOCLE_API const char* socle_sharing_outcome_item_category(const socle_sharing_outcome* outcome,
                                                          size_t index);
/* The number of data categories the grant covers. */
SOCLE_API size_t socle_sharing_outcome_category_count(const socle_sharing_outcome* outcome);
/* Category `index` of the grant. */
SOCLE_API const char* socle_sharing_outcome_category(const socle_sharing_outcome* outcome,
                                                     size_t index);
/* The number of prior-information records the share relied on. */
SOCLE_API size_t
socle_sharing_outcome_information_revision_count(const socle_sharing_outcome* outcome);
/* The state revision of prior-information record `index`. */
SOCLE_API uint64_t socle_sharing_outcome_information_revision(const socle_sharing_outcome* outcome,
                                                              size_t index);
/* The state revision of the information exception relied on, or 0. */
SOCLE_API uint64_t socle_sharing_outcome_exception_revision(const socle_sharing_outcome* outcome);
/* Its kind (SOCLE_INFORMATION_EXCEPTION_*), or 0 when none was relied on. */
SOCLE_API int32_t socle_sharing_outcome_exception(const socle_sharing_outcome* outcome);
/* 1 while the deferred information of an urgency or impossibility is still to be recorded. */
SOCLE_API int32_t socle_sharing_outcome_follow_up_open(const socle_sharing_outcome* outcome);
/* The state revision of the consent relied on, or 0. */
SOCLE_API uint64_t socle_sharing_outcome_consent_revision(const socle_sharing_outcome* outcome);
/* The number of persons to tell of the share (REQ-28). */
SOCLE_API size_t socle_sharing_outcome_person_to_inform_count(const socle_sharing_outcome* outcome);
/* The id of person to inform `index`. */
SOCLE_API const char* socle_sharing_outcome_person_to_inform(const socle_sharing_outcome* outcome,
                                                             size_t index);
/* Their relation to the person (SOCLE_INFORM_RELATION_*). */
SOCLE_API int32_t
socle_sharing_outcome_person_to_inform_relation(const socle_sharing_outcome* outcome, size_t index);
/* 1 when telling them is required for the share, 0 when only offered (the child). */
SOCLE_API int32_t
socle_sharing_outcome_person_to_inform_required(const socle_sharing_outcome* outcome, size_t index);
/* 1 when their information for this share is recorded, else 0. */
SOCLE_API int32_t
socle_sharing_outcome_person_to_inform_informed(const socle_sharing_outcome* outcome, size_t index);
/* The revision of the snapshot the checks read. */
SOCLE_API uint64_t socle_sharing_outcome_checked_revision(const socle_sharing_outcome* outcome);
/* A recorded grant's revision (socle_access_trail_share), else 0. */
SOCLE_API uint64_t socle_sharing_outcome_revision(const socle_sharing_outcome* outcome);
/* When the share was decided, in seconds since the Unix epoch. */
SOCLE_API int64_t socle_sharing_outcome_time_unix_seconds(const socle_sharing_outcome* outcome);

/* The sharing entries of a person's history (socle_access_trail_history; type
 * SOCLE_LEDGER_ENTRY_SHARING_DECISION). For such an entry, socle_history_entry_actor, _role and
 * _structure are the emitter's, _purpose the share's, _allowed whether it was granted and _reason
 * the failed check's name. For any other entry, or an index out of range, these give 0 or "". */
/* The share's id. */
SOCLE_API const char* socle_history_entry_sharing_share(const socle_history* history, size_t index);
/* The basis (SOCLE_SHARING_BASIS_*). */
SOCLE_API int32_t socle_history_entry_sharing_basis(const socle_history* history, size_t index);
/* The recipient's id. */
SOCLE_API const char* socle_history_entry_sharing_recipient(const socle_history* history,
                                                            size_t index);
/* The recipient's role, as recorded. */
SOCLE_API const char* socle_history_entry_sharing_recipient_role(const socle_history* history,
                                                                 size_t index);
/* The recipient's structure, as recorded. */
SOCLE_API const char* socle_history_entry_sharing_recipient_structure(const socle_history* history,
                                                                      size_t index);
/* The number of items shared (or requested, when refused). */
SOCLE_API size_t socle_history_entry_sharing_item_count(const socle_history* history, size_t index);
/* The id of item `item` of the entry. */
SOCLE_API const char* socle_history_entry_sharing_item(const socle_history* history, size_t index,
                                                       size_t item);
/* The data category of item `item` of the entry. */
SOCLE_API const char* socle_history_entry_sharing_item_category(const socle_history* history,
                                                                size_t index, size_t item);
/* How the person was told beforehand (SOCLE_SHARING_INFORMATION_*). */
SOCLE_API int32_t socle_history_entry_sharing_information(const socle_history* history,
                                                          size_t index);
/* The state revision of that information or exception, or 0. */
SOCLE_API uint64_t socle_history_entry_sharing_information_revision(const socle_history* history,
                                                                    size_t index);
/* SOCLE_SHARING_INFORMATION_INFORMED: how many PersonInformed events the share rests on (one per
 * person to inform: for a minor, each holder of parental authority), else 0. */
SOCLE_API size_t socle_history_entry_sharing_informed_revision_count(const socle_history* history,
                                                                     size_t index);
/* The state revision of the `informed`-th of them (0 when out of range). */
SOCLE_API uint64_t socle_history_entry_sharing_informed_revision(const socle_history* history,
                                                                 size_t index, size_t informed);
/* For an exception: its kind (SOCLE_INFORMATION_EXCEPTION_*), else 0. */
SOCLE_API int32_t socle_history_entry_sharing_information_exception(const socle_history* history,
                                                                    size_t index);
/* 1 while the deferred information of an urgency or impossibility was still to be recorded. */
SOCLE_API int32_t socle_history_entry_sharing_follow_up_open(const socle_history* history,
                                                             size_t index);
/* The state revision of the consent relied on, or 0. */
SOCLE_API uint64_t socle_history_entry_sharing_consent_revision(const socle_history* history,
                                                                size_t index);
/* 1 for a mandatory report made although the person objects to sharing, else 0. */
SOCLE_API int32_t socle_history_entry_sharing_overrides_opposition(const socle_history* history,
                                                                   size_t index);
/* The person's involvement (SOCLE_PERSON_INVOLVEMENT_*). */
SOCLE_API int32_t socle_history_entry_sharing_involvement(const socle_history* history,
                                                          size_t index);

/* Creates mandate `mandate` (the vendor's id, unique) for `person`, held by `structure` (a
 * habilitated structure), for `procedures` (procedure ids of the policy) and `duration_days`
 * (SOCLE_MANDATE_DURATION_*: 1, 31, 182 or 365), shown to the person as `template_version`,
 * created by `aidant` (a professional of the structure whose role may), with the person's
 * involvement (SOCLE_PERSON_INVOLVEMENT_*; NOT_INFORMED needs `involvement_reason`). The
 * attestation's SHA-256 goes into out_attestation_sha256 (SOCLE_MANDATE_ATTESTATION_BYTES of
 * room), its expiry into *out_expires_at_unix_seconds (may be NULL). SOCLE_E_OUT_OF_RANGE for
 * another duration; SOCLE_E_PERMISSION_DENIED for an aidant who may not; SOCLE_E_ALREADY_EXISTS
 * for a known mandate id or a procedure already mandated ("procedure_already_mandated:");
 * SOCLE_E_FAILED_PRECONDITION ("representation_required:") for a person under a measure of
 * representation. */
SOCLE_API int32_t socle_access_engine_create_mandate(
    socle_access_engine* engine, const char* mandate, size_t mandate_len, const char* person,
    size_t person_len, const char* structure, size_t structure_len, const char* const* procedures,
    const size_t* procedure_lens, size_t procedure_count, uint32_t duration_days,
    const char* template_version, size_t template_version_len, const char* aidant,
    size_t aidant_len, int32_t involvement, const char* involvement_reason,
    size_t involvement_reason_len, uint8_t* out_attestation_sha256,
    size_t out_attestation_sha256_capacity, int64_t* out_expires_at_unix_seconds,
    uint64_t* out_revision, socle_error** error);
/* Records that `professional` acted for the person under `mandate` for `procedure`, with the
 * person's involvement. SOCLE_E_PERMISSION_DENIED (nothing recorded) unless
 * socle_access_engine_check_mandate allows it now; its message names the verdict. */
SOCLE_API int32_t socle_access_engine_use_mandate(socle_access_engine* engine, const char* mandate,
                                                  size_t mandate_len, const char* procedure,
                                                  size_t procedure_len, const char* professional,
                                                  size_t professional_len, int32_t involvement,
                                                  const char* involvement_reason,
                                                  size_t involvement_reason_len,
                                                  uint64_t* out_revision, socle_error** error);
/* Revokes `procedures` of `mandate` (none: every authorisation still in force), at once.
 * `by_person` 1: the person revoked it (any active professional records it); 0: the structure
 * did at the person's request, and `recorded_by` must be one of its professionals.
 * SOCLE_E_NOT_FOUND when a named procedure, or every one, is not in force. */
SOCLE_API int32_t socle_access_engine_revoke_mandate(
    socle_access_engine* engine, const char* mandate, size_t mandate_len,
    const char* const* procedures, const size_t* procedure_lens, size_t procedure_count,
    int32_t by_person, const char* recorded_by, size_t recorded_by_len, uint64_t* out_revision,
    socle_error** error);
/* Whether `professional` may act under `mandate` for `procedure` at `time_unix_seconds` (0, or
 * a time before the engine's clock: now), into *out_verdict (SOCLE_MANDATE_VERDICT_*); records
 * nothing. SOCLE_E_NOT_FOUND for an unknown mandate, procedure or professional. On any
 * failure *out_verdict is -1 (never SOCLE_MANDATE_VERDICT_ALLOWED, which is 0). */
SOCLE_API int32_t socle_access_engine_check_mandate(
    const socle_access_engine* engine, const char* mandate, size_t mandate_len,
    const char* procedure, size_t procedure_len, const char* professional, size_t professional_len,
    int64_t time_unix_seconds, int32_t* out_verdict, socle_error** error);

/* (section ledger: end) */

/* ------------------------------------------------------------------------------------------ */
/* ===== Consent, objections, representatives (socle/consent.hpp) ===== */
/* (section consent: begin) */
/*
 * The person's legal representatives (socle/representation.hpp), consents and objections
 * (socle/consent.hpp) and consent receipts (socle/consent_receipt.hpp), as facts the access
 * engine records and enforces (docs/consent-and-sharing.md). Every write is one state event
 * and returns the new revision in *out_revision; a refused write changes nothing. Ids are the
 * directory's (persons, professionals) and the policy's (activities, categories, roles); dates
 * are ISO 8601 text "YYYY-MM-DD". Messages never name a person, an item or free text.
 *
 * Thread safety: the writes are serialised by the engine and the queries read an immutable
 * snapshot, as every engine call. socle_consent_spec is not synchronised (fill it on one
 * thread, then pass it to socle_access_engine_give_consent, which copies what it needs).
 */

/* Kinds of representation (frozen; = socle::RepresentativeKind). */
#define SOCLE_REPRESENTATION_PARENTAL_AUTHORITY 1   /* autorité parentale */
#define SOCLE_REPRESENTATION_GUARDIANSHIP 2         /* tutelle */
#define SOCLE_REPRESENTATION_CURATORSHIP 3          /* curatelle */
#define SOCLE_REPRESENTATION_FAMILY_AUTHORISATION 4 /* habilitation familiale */
#define SOCLE_REPRESENTATION_PROXY 5                /* mandat de protection future */

/* What a consent is for (frozen; = socle::ConsentScope). */
#define SOCLE_CONSENT_SCOPE_PROCESSING 1 /* the activity rests on consent (art. 6(1)(a)) */
#define SOCLE_CONSENT_SCOPE_SHARING 2    /* sharing outside the care team (CSP L.1110-4 III) */

/* How a consent was given or withdrawn (frozen; = socle::ConsentChannel). */
#define SOCLE_CONSENT_CHANNEL_IN_PERSON 1
#define SOCLE_CONSENT_CHANNEL_PAPER 2 /* a signed form */
#define SOCLE_CONSENT_CHANNEL_ONLINE 3
#define SOCLE_CONSENT_CHANNEL_PHONE 4

/* Whether a consent is valid, and why not (frozen; = socle::ConsentState). */
#define SOCLE_CONSENT_STATE_VALID 1
#define SOCLE_CONSENT_STATE_NOT_GIVEN 2 /* the default: none given */
#define SOCLE_CONSENT_STATE_WITHDRAWN 3
#define SOCLE_CONSENT_STATE_REPLACED 4 /* a later grant for the same purpose and scope */
#define SOCLE_CONSENT_STATE_EXPIRED 5
#define SOCLE_CONSENT_STATE_CASE_CLOSED 6            /* SHARING: the person's case closed */
#define SOCLE_CONSENT_STATE_INCOMPLETE_FOR_MINOR 7   /* under 15: the minor and every parent */
#define SOCLE_CONSENT_STATE_INCOMPLETE_FOR_ADULT 8   /* not the person nor their representative */
#define SOCLE_CONSENT_STATE_CATEGORY_NOT_COVERED 9   /* the category asked about is not listed */
#define SOCLE_CONSENT_STATE_RECIPIENT_NOT_COVERED 10 /* SHARING: the recipient is not listed */

/* What an objection is to (frozen; = socle::ObjectionKind). */
#define SOCLE_OBJECTION_KIND_PROCESSING 1 /* GDPR art. 21, to one activity */
#define SOCLE_OBJECTION_KIND_SHARING 2    /* CSP L.1110-4 IV, to every share */

/* The controller's decision on an objection (frozen; = socle::ObjectionOutcome). */
#define SOCLE_OBJECTION_OUTCOME_PENDING 0
#define SOCLE_OBJECTION_OUTCOME_UPHELD 1                        /* the processing stops */
#define SOCLE_OBJECTION_OUTCOME_COMPELLING_LEGITIMATE_GROUNDS 2 /* the processing resumes */
#define SOCLE_OBJECTION_OUTCOME_LEGAL_CLAIMS 3                  /* the processing resumes */

/* What a grant records, filled with setters (so it can grow). Not synchronised. */
typedef struct socle_consent_spec socle_consent_spec;

/* The stable name of a consent state ("valid", "not_given", "incomplete_for_minor"…), or
 * "unspecified". Static storage. */
SOCLE_API const char* socle_consent_state_name(int32_t state);

/* Records that `representative` (a person of the directory) represents `person` as `kind`
 * (SOCLE_REPRESENTATION_*) from the day `from` to the day `to` (empty: until ended);
 * `reference` is the judgment or the family record book, `recorded_by` the professional.
 * Parental authority needs the person's birth date and ends the day before their 18th
 * birthday; the other rules are socle/representation.hpp's (SOCLE_E_FAILED_PRECONDITION). */
SOCLE_API int32_t socle_access_engine_set_representative(
    socle_access_engine* engine, const char* person, size_t person_len, const char* representative,
    size_t representative_len, int32_t kind, const char* from, size_t from_len, const char* to,
    size_t to_len, const char* reference, size_t reference_len, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* Ends the representation of `kind` by `representative` that runs past `last_day`: its last
 * day becomes `last_day`. SOCLE_E_NOT_FOUND when there is none. */
SOCLE_API int32_t socle_access_engine_end_representative(
    socle_access_engine* engine, const char* person, size_t person_len, const char* representative,
    size_t representative_len, int32_t kind, const char* last_day, size_t last_day_len,
    const char* recorded_by, size_t recorded_by_len, uint64_t* out_revision, socle_error** error);

/* A new, empty consent spec into *out (scope PROCESSING, channel IN_PERSON, no expiry), released
 * with socle_consent_spec_free(). */
SOCLE_API int32_t socle_consent_spec_new(socle_consent_spec** out, socle_error** error);
/* Releases a consent spec; NULL is accepted. */
SOCLE_API void socle_consent_spec_free(socle_consent_spec* spec);
/* The person the consent is about. */
SOCLE_API int32_t socle_consent_spec_set_person(socle_consent_spec* spec, const char* person,
                                                size_t person_len, socle_error** error);
/* ONE activity id of the policy: there is no bundle. */
SOCLE_API int32_t socle_consent_spec_set_purpose(socle_consent_spec* spec, const char* purpose,
                                                 size_t purpose_len, socle_error** error);
/* SOCLE_CONSENT_SCOPE_*; another value is SOCLE_E_INVALID_ARGUMENT. */
SOCLE_API int32_t socle_consent_spec_set_scope(socle_consent_spec* spec, int32_t scope,
                                               socle_error** error);
/* The information text shown: its version (required) and its SHA-256 (`sha256_len` must be 32:
 * SOCLE_E_INVALID_ARGUMENT otherwise, and the spec is unchanged). */
SOCLE_API int32_t socle_consent_spec_set_information(socle_consent_spec* spec, const char* version,
                                                     size_t version_len, const uint8_t* sha256,
                                                     size_t sha256_len, socle_error** error);
/* SOCLE_CONSENT_CHANNEL_*; another value is SOCLE_E_INVALID_ARGUMENT. */
SOCLE_API int32_t socle_consent_spec_set_channel(socle_consent_spec* spec, int32_t channel,
                                                 socle_error** error);
/* Where the evidence is kept (a signed form's reference). */
SOCLE_API int32_t socle_consent_spec_set_evidence_reference(socle_consent_spec* spec,
                                                            const char* reference,
                                                            size_t reference_len,
                                                            socle_error** error);
/* The language of the information notice shown, a BCP 47 tag ("fr" when not set, "fr-FR",
 * "ar"...); a malformed tag is refused by socle_access_engine_give_consent, naming the field. */
SOCLE_API int32_t socle_consent_spec_set_notice_language(socle_consent_spec* spec,
                                                         const char* language,
                                                         size_t language_len, socle_error** error);
/* When the consent expires; 0: until withdrawn. */
SOCLE_API int32_t socle_consent_spec_set_expires_unix_seconds(socle_consent_spec* spec,
                                                              int64_t expires_unix_seconds,
                                                              socle_error** error);
/* SHARING: what the person was shown of the supports used. */
SOCLE_API int32_t socle_consent_spec_set_supports(socle_consent_spec* spec, const char* supports,
                                                  size_t supports_len, socle_error** error);
/* SHARING: what the person was shown of the security measures. */
SOCLE_API int32_t socle_consent_spec_set_security_measures(socle_consent_spec* spec,
                                                           const char* measures,
                                                           size_t measures_len,
                                                           socle_error** error);
/* The professional who records the consent. */
SOCLE_API int32_t socle_consent_spec_set_recorded_by(socle_consent_spec* spec,
                                                     const char* professional,
                                                     size_t professional_len, socle_error** error);
/* Adds who consents: the person's id or a representative's in force on the day (at least one;
 * under 15, the person and every holder of parental authority). */
SOCLE_API int32_t socle_consent_spec_add_given_by(socle_consent_spec* spec, const char* id,
                                                  size_t id_len, socle_error** error);
/* Adds a data category covered (none added: the purpose's). */
SOCLE_API int32_t socle_consent_spec_add_category(socle_consent_spec* spec, const char* category,
                                                  size_t category_len, socle_error** error);
/* SHARING: adds a professional who may receive. */
SOCLE_API int32_t socle_consent_spec_add_recipient(socle_consent_spec* spec,
                                                   const char* professional,
                                                   size_t professional_len, socle_error** error);
/* SHARING: adds a role of the policy whose members may receive. */
SOCLE_API int32_t socle_consent_spec_add_recipient_role(socle_consent_spec* spec, const char* role,
                                                        size_t role_len, socle_error** error);

/* Records the consent `spec` describes (event consent_given); a new grant for the same purpose
 * and scope replaces the previous one. SOCLE_E_NOT_FOUND for an unknown person, purpose,
 * category or recipient; SOCLE_E_FAILED_PRECONDITION for a PROCESSING consent to an activity
 * that does not rest on consent, or givers who cannot consent. */
SOCLE_API int32_t socle_access_engine_give_consent(socle_access_engine* engine,
                                                   const socle_consent_spec* spec,
                                                   uint64_t* out_revision, socle_error** error);
/* Withdraws the consent in force for (person, purpose, scope), with no more parameters than the
 * grant: `withdrawn_by` is the person or a representative in force, `channel`
 * SOCLE_CONSENT_CHANNEL_*. SOCLE_E_NOT_FOUND when no consent is in force. */
SOCLE_API int32_t socle_access_engine_withdraw_consent(
    socle_access_engine* engine, const char* person, size_t person_len, const char* purpose,
    size_t purpose_len, int32_t scope, const char* withdrawn_by, size_t withdrawn_by_len,
    int32_t channel, const char* recorded_by, size_t recorded_by_len, uint64_t* out_revision,
    socle_error** error);
/* Whether `person` has a valid consent of `scope` for `purpose` at `at_unix_seconds` (0: the
 * engine's clock now), covering `category` and (SHARING) `recipient` when not empty: *out_state
 * is SOCLE_CONSENT_STATE_*, *out_revision the revision of the consent the answer rests on (0
 * when none was given). SOCLE_E_NOT_FOUND for an unknown person, purpose, category or
 * recipient. */
SOCLE_API int32_t socle_access_engine_consent_status(
    const socle_access_engine* engine, const char* person, size_t person_len, const char* purpose,
    size_t purpose_len, int32_t scope, int64_t at_unix_seconds, const char* category,
    size_t category_len, const char* recipient, size_t recipient_len, int32_t* out_state,
    uint64_t* out_revision, socle_error** error);

/* Records an objection of `kind` (SOCLE_OBJECTION_KIND_*): PROCESSING to the activity `purpose`
 * (public task or legitimate interests: it is suspended for the person until decided), SHARING
 * to every share (`purpose` empty; `informed_evidence`, how the person was told of the right, is
 * required). `objected_by` is the person or a representative in force. SOCLE_E_FAILED_PRECONDITION
 * for an activity with no right to object; SOCLE_E_ALREADY_EXISTS while one stands. */
SOCLE_API int32_t socle_access_engine_record_objection(
    socle_access_engine* engine, const char* person, size_t person_len, int32_t kind,
    const char* purpose, size_t purpose_len, const char* objected_by, size_t objected_by_len,
    const char* informed_evidence, size_t informed_evidence_len, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* The controller's decision on the pending objection to `purpose`: `outcome`
 * SOCLE_OBJECTION_OUTCOME_* other than PENDING, with its `justification` (required).
 * SOCLE_E_NOT_FOUND when none is pending. */
SOCLE_API int32_t socle_access_engine_decide_objection(
    socle_access_engine* engine, const char* person, size_t person_len, const char* purpose,
    size_t purpose_len, int32_t outcome, const char* justification, size_t justification_len,
    const char* recorded_by, size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* The person withdraws a standing objection of `kind` (`purpose` empty for SHARING). */
SOCLE_API int32_t socle_access_engine_withdraw_objection(
    socle_access_engine* engine, const char* person, size_t person_len, int32_t kind,
    const char* purpose, size_t purpose_len, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error);

/* Consent receipts. The state ledger (opened with the name "state", under an engine of record:
 * socle_access_engine_open) holds every consent event: the event of revision r is its entry
 * r - 1. */

/* Issues the receipt of the consent event at entry `index` of the state ledger (a consent given
 * or withdrawn), into *out: a C2SP signed note whose text is the JSON-LD document (ISO/IEC TS
 * 27560, W3C DPV), carrying the entry, its inclusion proof and a checkpoint covering the whole
 * ledger (signed now if the latest does not). `policy` is the policy the events were recorded
 * under. SOCLE_E_INVALID_ARGUMENT when the entry is not a consent event, SOCLE_E_OUT_OF_RANGE
 * when there is no such entry, SOCLE_E_NOT_FOUND when its purpose is not an activity of
 * `policy`, SOCLE_E_FAILED_PRECONDITION when the entry was pruned. */
SOCLE_API int32_t socle_ledger_issue_consent_receipt(socle_ledger* ledger,
                                                     const socle_policy* policy, uint64_t index,
                                                     socle_buffer* out, socle_error** error);
/* The C2SP verifier key of the receipts issued from the state ledger `ledger` (public: give it,
 * with socle_ledger_verifier_key, to whoever checks receipts), into *out. */
SOCLE_API int32_t socle_ledger_consent_receipt_verifier_key(socle_ledger* ledger, socle_buffer* out,
                                                            socle_error** error);
/* Verifies a receipt with the receipts verifier key and the state ledger's checkpoint verifier
 * key: both signatures, the inclusion proof and the JSON-LD fields against the entry's event.
 * On success *out receives the verified JSON-LD document and *out_index the ledger entry it
 * proves. Any failed check is SOCLE_E_VERIFICATION_FAILED; SOCLE_E_INVALID_ARGUMENT only for keys
 * that cannot be parsed or do not belong together. */
SOCLE_API int32_t socle_consent_receipt_verify(const char* receipt, size_t receipt_len,
                                               const char* receipts_verifier_key,
                                               size_t receipts_verifier_key_len,
                                               const char* checkpoint_verifier_key,
                                               size_t checkpoint_verifier_key_len,
                                               socle_buffer* out, uint64_t* out_index,
                                               socle_error** error);
/* (section consent: end) */

/* ------------------------------------------------------------------------------------------ */
/* Pseudonymisation: domains, keyed pseudonyms, reversible tokens, rotation.                  */
/* (section pseudonym: begin) */
/*
 * Every pseudonym is computed in a domain of the policy (`pseudonym_domains`) with keys derived
 * from a pseudonymisation master secret (docs/pseudonyms.md). A PERSON domain gives each person
 * one stable pseudonym, a RELATIONSHIP domain one per relationship label, a TRANSACTION domain
 * (the default) a fresh, unlinkable one per context. There is no unkeyed variant.
 *
 * Text form of a pseudonym: 27 ASCII characters, a kind letter (P, R, T), the key version as 4
 * decimal digits, then the 16 bytes in base64url without padding ("P0001" + 22 characters).
 * Text form of a reversible token: 'K', 4 digits, base64url; its length depends only on the
 * padding bucket of the identifier (16/32/64/128/256 bytes): at most SOCLE_TOKEN_MAX_TEXT_LEN.
 */

#define SOCLE_PSEUDONYM_BYTES 16
#define SOCLE_PSEUDONYM_TEXT_LEN 27
#define SOCLE_TOKEN_MAX_TEXT_LEN 400
#define SOCLE_PSEUDONYM_MIN_SECRET_BYTES 16
#define SOCLE_PSEUDONYM_MAX_SECRET_BYTES 64
#define SOCLE_PSEUDONYM_MAX_VERSION 9999

/* Domain kinds (equal to the policy schema's PseudonymDomain.Kind). */
#define SOCLE_PSEUDONYM_KIND_PERSON 1
#define SOCLE_PSEUDONYM_KIND_RELATIONSHIP 2
#define SOCLE_PSEUDONYM_KIND_TRANSACTION 3

/* Output record formats of socle_pseudonym_context_compute and
 * socle_pseudonym_context_compute_batch. */
#define SOCLE_PSEUDONYM_FORMAT_TEXT 1   /* SOCLE_PSEUDONYM_TEXT_LEN chars per record, no NUL */
#define SOCLE_PSEUDONYM_FORMAT_BINARY 2 /* SOCLE_PSEUDONYM_BYTES bytes per record */

/* Master secrets held in memory (the other source is a vault:
 * socle_pseudonymizer_create_from_vault). Not thread-safe: fill it on one thread, pass it to
 * socle_pseudonymizer_create (which copies what it needs), then free it. It wipes its secrets when
 * freed. */
typedef struct socle_pseudonym_secrets socle_pseudonym_secrets;

/* New, empty in-memory master secrets into *out. */
SOCLE_API int32_t socle_pseudonym_secrets_new(socle_pseudonym_secrets** out, socle_error** error);
/* Copies the master secret of `version` (1..SOCLE_PSEUDONYM_MAX_VERSION; the highest version
 * added is the current one). SOCLE_E_INVALID_ARGUMENT for fewer than 16 or more than 64 bytes,
 * SOCLE_E_ALREADY_EXISTS for a version added twice. The caller keeps and wipes its own copy. */
SOCLE_API int32_t socle_pseudonym_secrets_add(socle_pseudonym_secrets* secrets, uint32_t version,
                                              const uint8_t* secret, size_t secret_len,
                                              socle_error** error);
/* Wipes and releases the secrets; NULL is accepted. */
SOCLE_API void socle_pseudonym_secrets_free(socle_pseudonym_secrets* secrets);

/* One reversal call, as reported to the hook. Never holds the token or the identifier. The
 * strings are borrowed for the duration of the callback only and are not NUL-terminated. */
#define SOCLE_REVERSAL_EVENT_VERSION 1
typedef struct socle_reversal_event {
  uint32_t version; /* SOCLE_REVERSAL_EVENT_VERSION; later versions only add fields at the end */
  const char* actor;
  size_t actor_len;
  const char* role;
  size_t role_len;
  const char* reason;
  size_t reason_len;
  const char* domain;
  size_t domain_len;
  uint32_t token_version;   /* 0 when the token could not be read */
  int32_t outcome;          /* the status the call returns; SOCLE_OK = identifier released */
  int64_t time_unix_micros; /* from the pseudonymizer's clock (UTC) */
} socle_reversal_event;

/* Receives every reversal call, successful or not, on the calling thread (possibly several
 * threads at once: it must be thread-safe; it must not call the same pseudonymizer). Return 0
 * once the event is recorded. Any other value withholds the identifier of a successful
 * reversal (the call then returns that value if it is a SOCLE_E_* code, else
 * SOCLE_E_INTERNAL). */
typedef int32_t (*socle_reversal_hook)(void* user_data, const socle_reversal_event* event);

/* Options of a pseudonymizer: an object with setters, read (copied) by socle_pseudonymizer_create.
 * Not thread-safe; free it whenever convenient after socle_pseudonymizer_create. */
typedef struct socle_pseudonymizer_options socle_pseudonymizer_options;

/* New options with the defaults into *out. */
SOCLE_API int32_t socle_pseudonymizer_options_new(socle_pseudonymizer_options** out,
                                                  socle_error** error);
/* Releases pseudonymizer options; NULL is accepted. */
SOCLE_API void socle_pseudonymizer_options_free(socle_pseudonymizer_options* options);
/* The first version of the chain (default 1): identifiers are pseudonymised with its key and
 * carried forward through later versions. Never change it for a deployment. */
SOCLE_API int32_t socle_pseudonymizer_options_set_base_version(socle_pseudonymizer_options* options,
                                                               uint32_t version,
                                                               socle_error** error);
/* Versions up to and including `version` are retired (default 0: none). With a vault this is
 * recorded in the vault, like socle_pseudonymizer_retire. */
SOCLE_API int32_t socle_pseudonymizer_options_set_retired_through(
    socle_pseudonymizer_options* options, uint32_t version, socle_error** error);
/* Each actor may reverse at most `capacity` tokens (1 to 100000) in any interval of
 * `window_seconds` (default 100 per 3600 s), counted in fixed windows: a call is allowed while
 * the current and the previous window hold fewer than `capacity` calls. Failed reversals count
 * too. With a vault the counts are kept in the vault, for every pseudonymizer made from it. */
SOCLE_API int32_t socle_pseudonymizer_options_set_reversal_rate_limit(
    socle_pseudonymizer_options* options, uint32_t capacity, int64_t window_seconds,
    socle_error** error);
/* Adds an allowed reversal reason code. With no code added, the reason is free text (1 to 500
 * printable bytes, not blank). With codes, the reason must equal one of them. */
SOCLE_API int32_t socle_pseudonymizer_options_add_reason_code(socle_pseudonymizer_options* options,
                                                              const char* code, size_t code_len,
                                                              socle_error** error);
/* The reversal hook and its user_data (borrowed: it must outlive the pseudonymizer). Without a
 * hook, socle_pseudonymizer_reverse_token always fails with SOCLE_E_FAILED_PRECONDITION. */
SOCLE_API int32_t socle_pseudonymizer_options_set_reversal_hook(
    socle_pseudonymizer_options* options, socle_reversal_hook hook, void* user_data,
    socle_error** error);

/* The pseudonymizer: the policy's domains with their derived keys. Thread-safe: every call on
 * it may run concurrently. It copies what it needs from `policy`, `secrets` and `options`,
 * which may be freed right after this call. `options` may be NULL (defaults). */
typedef struct socle_pseudonymizer socle_pseudonymizer;

/* Builds a pseudonymizer over `policy` and the in-memory `secrets` into *out. */
SOCLE_API int32_t socle_pseudonymizer_create(const socle_policy* policy,
                                             const socle_pseudonym_secrets* secrets,
                                             const socle_pseudonymizer_options* options,
                                             socle_pseudonymizer** out, socle_error** error);
/* As socle_pseudonymizer_create, with the pseudonymisation master secrets held in `vault` (every
 * version from the base to the current one must exist; SOCLE_E_NOT_FOUND otherwise). The secrets
 * never leave socle; the vault may be freed right after this call. */
SOCLE_API int32_t socle_pseudonymizer_create_from_vault(const socle_policy* policy,
                                                        const socle_vault* vault,
                                                        const socle_pseudonymizer_options* options,
                                                        socle_pseudonymizer** out,
                                                        socle_error** error);
/* Releases the pseudonymizer and wipes its keys; NULL is accepted. */
SOCLE_API void socle_pseudonymizer_free(socle_pseudonymizer* pseudonymizer);
/* The current secret version (the highest available), or 0 for NULL. */
SOCLE_API uint32_t socle_pseudonymizer_current_version(const socle_pseudonymizer* pseudonymizer);
/* The kind of `domain` (SOCLE_PSEUDONYM_KIND_*), or 0 when it is not a domain of the policy. */
SOCLE_API int32_t socle_pseudonymizer_domain_kind(const socle_pseudonymizer* pseudonymizer,
                                                  const char* domain, size_t domain_len);
/* Retires every version up to `version` (below the current one): no pseudonym or token of
 * those versions is output again and their tokens can no longer be reversed. Made from a vault,
 * this is recorded in the vault: every pseudonymizer of that database, in any process and after
 * a restart, refuses those versions too. */
SOCLE_API int32_t socle_pseudonymizer_retire(socle_pseudonymizer* pseudonymizer, uint32_t version,
                                             socle_error** error);

/* A pseudonym context: the pseudonyms of one export to one domain. For a RELATIONSHIP domain,
 * `relationship` (1 to 256 bytes) names the relationship; for other kinds it must be empty
 * (NULL, 0). `version` 0 means the current version. A TRANSACTION context draws a fresh random
 * secret: two contexts never give the same pseudonyms. The context owns copies of its keys and
 * may outlive the pseudonymizer. It is immutable: compute calls may run concurrently. */
typedef struct socle_pseudonym_context socle_pseudonym_context;

/* A new pseudonym context of `domain` into *out (see above). */
SOCLE_API int32_t socle_pseudonymizer_new_context(const socle_pseudonymizer* pseudonymizer,
                                                  const char* domain, size_t domain_len,
                                                  const char* relationship, size_t relationship_len,
                                                  uint32_t version, socle_pseudonym_context** out,
                                                  socle_error** error);
/* Wipes and releases the context; NULL is accepted. */
SOCLE_API void socle_pseudonym_context_free(socle_pseudonym_context* context);

/* The pseudonym of one identifier (1 or more bytes) into the caller's `out`: `format` is
 * SOCLE_PSEUDONYM_FORMAT_TEXT (out_capacity >= 27) or SOCLE_PSEUDONYM_FORMAT_BINARY (out_capacity
 * >= 16). No NUL is written. */
SOCLE_API int32_t socle_pseudonym_context_compute(const socle_pseudonym_context* context,
                                                  const uint8_t* id, size_t id_len, int32_t format,
                                                  uint8_t* out, size_t out_capacity,
                                                  socle_error** error);
/* Batch: `count` identifiers back to back in `ids`, their lengths in `id_lens[count]`; the
 * pseudonyms are written as fixed-width records, in order, into the caller's `out`, which must
 * be exactly count * 27 (text) or count * 16 (binary) bytes. Nothing is allocated. Fails as a
 * whole if any identifier is empty. */
SOCLE_API int32_t socle_pseudonym_context_compute_batch(const socle_pseudonym_context* context,
                                                        const uint8_t* ids, const size_t* id_lens,
                                                        size_t count, int32_t format, uint8_t* out,
                                                        size_t out_capacity, socle_error** error);

/* Rotation to the current version: `pseudonyms` holds `count` pseudonym text forms of `domain` (27
 * chars each, back to back, any version from the base to the current one); `out` (exactly
 * count * 27 chars) receives them carried forward with the newer keys. Only the old pseudonyms
 * are read, never an identifier. PERSON and RELATIONSHIP domains only. */
SOCLE_API int32_t socle_pseudonymizer_rotate(const socle_pseudonymizer* pseudonymizer,
                                             const char* domain, size_t domain_len,
                                             const char* pseudonyms, size_t count, char* out,
                                             size_t out_capacity, socle_error** error);

/* A reversible token for `id` (1 to 255 bytes) in `domain` (PERSON or RELATIONSHIP; the same
 * identifier always gives the same token), written into the caller's `out` (out_capacity >=
 * SOCLE_TOKEN_MAX_TEXT_LEN is always enough); *out_len receives its length. No NUL. */
SOCLE_API int32_t socle_pseudonymizer_create_token(const socle_pseudonymizer* pseudonymizer,
                                                   const char* domain, size_t domain_len,
                                                   const uint8_t* id, size_t id_len, char* out,
                                                   size_t out_capacity, size_t* out_len,
                                                   socle_error** error);
/* The privileged reversal of a token (REQ-49): `role` must be a role of the policy with the
 * PSEUDONYM_REVERSAL capability (else SOCLE_E_PERMISSION_DENIED), `actor` the individual asking
 * and `reason` why (see the reason options); each actor is rate-limited
 * (SOCLE_E_RESOURCE_EXHAUSTED). A token that does not authenticate gives
 * SOCLE_E_VERIFICATION_FAILED with no detail. Every call is reported to the hook before it
 * returns. On success the identifier goes to *out (release it with socle_buffer_free, which
 * wipes it). Thread-safe. */
SOCLE_API int32_t socle_pseudonymizer_reverse_token(
    const socle_pseudonymizer* pseudonymizer, const char* actor, size_t actor_len, const char* role,
    size_t role_len, const char* reason, size_t reason_len, const char* domain, size_t domain_len,
    const char* token, size_t token_len, socle_buffer* out, socle_error** error);
/* (section pseudonym: end) */

/* ------------------------------------------------------------------------------------------ */
/* Text: the NIR, generalisation of quasi-identifiers, free-text redaction.                   */
/* (section text: begin) */
/* None of these calls ever puts an identifier (a NIR, a name, a date) in an error message.     */
/* docs/redaction.md describes every rule.                                                     */

/* -- The NIR (French social security number): 13 characters and a 2-digit key. The free
 *    functions below are pure: thread-safe, and they allocate nothing but their outputs. */

#define SOCLE_NIR_LENGTH 15

/* Why a text is not a NIR (the *out_problem of socle_nir_check). */
#define SOCLE_NIR_OK 0
#define SOCLE_NIR_BAD_LENGTH 1    /* not 15 characters once separators are removed */
#define SOCLE_NIR_BAD_CHARACTER 2 /* not a digit (or 2A/2B at positions 6-7) */
#define SOCLE_NIR_BAD_SEX 3       /* first digit not 1, 2, 3, 4, 7 or 8 */
#define SOCLE_NIR_BAD_KEY 4       /* key != 97 - (number mod 97), 2A/2B counted as 19/18 */

/* Plausibility warnings of a valid NIR (bits of *out_warnings). */
#define SOCLE_NIR_WARN_PROVISIONAL 0x01       /* sex digit 3, 4, 7 or 8: not a definitive NIR */
#define SOCLE_NIR_WARN_MONTH_UNKNOWN 0x02     /* month 20-42 or 50-99: month not known */
#define SOCLE_NIR_WARN_MONTH_IMPLAUSIBLE 0x04 /* month 00, 13-19 or 43-49 */
#define SOCLE_NIR_WARN_PLACE_IMPLAUSIBLE 0x08 /* département 00, 970, 979, 980-983, 989... */
#define SOCLE_NIR_WARN_COMMUNE_ZERO 0x10
#define SOCLE_NIR_WARN_ORDER_ZERO 0x20

/* Validates the NIR in text[0, text_len); spaces, no-break spaces, dots and dashes between
 * characters are ignored, 2a/2b are accepted. SOCLE_OK when valid; SOCLE_E_INVALID_ARGUMENT
 * when not, with *out_problem saying why. `out_problem` and `out_warnings` may be NULL; they are
 * set on every call that gets that far (*out_problem = SOCLE_NIR_OK and the warning bits when
 * valid; 0 when the call fails before checking, on a NULL text). */
SOCLE_API int32_t socle_nir_check(const char* text, size_t text_len, int32_t* out_problem,
                                  uint32_t* out_warnings, socle_error** error);
/* The normalised NIR (15 characters, no separators, upper-case 2A/2B) into *out, which the
 * caller releases with socle_buffer_free (it wipes the bytes). Fails as socle_nir_check. */
SOCLE_API int32_t socle_nir_normalise(const char* text, size_t text_len, socle_buffer* out,
                                      socle_error** error);
/* The key (1-97) of a 13-character NIR body into *out. */
SOCLE_API int32_t socle_nir_key(const char* body, size_t body_len, int32_t* out,
                                socle_error** error);

/* -- Generalisation of quasi-identifiers (REQ-50). Pure functions: thread-safe. Dates are
 *    ISO 8601 text "YYYY-MM-DD". Text outputs go into a socle_buffer the caller releases. */

#define SOCLE_DATE_MONTH 1 /* "2024-03" */
#define SOCLE_DATE_YEAR 2  /* "2024" */

/* The year of a birth date into *out. */
SOCLE_API int32_t socle_generalise_birth_year(const char* birth, size_t birth_len, int32_t* out,
                                              socle_error** error);
/* The age band of a person born on `birth` at the date `reference`: `width` is 5 or 10;
 * `open_from` is 0, or a multiple of the width from which every age falls in one open band
 * ("90+"). *out_low and *out_high are the band's bounds (inclusive; *out_high is -1 for the open
 * band). `out_label` (may be NULL) receives "35-39" or "90+". SOCLE_E_OUT_OF_RANGE when the
 * reference date is before the birth date. A person born on 29 February is a year older on
 * 1 March in common years. */
SOCLE_API int32_t socle_generalise_age_band(const char* birth, size_t birth_len,
                                            const char* reference, size_t reference_len,
                                            int32_t width, int32_t open_from, int32_t* out_low,
                                            int32_t* out_high, socle_buffer* out_label,
                                            socle_error** error);
/* A date reduced to its month or its year (SOCLE_DATE_MONTH, SOCLE_DATE_YEAR). */
SOCLE_API int32_t socle_generalise_date(const char* date, size_t date_len, int32_t granularity,
                                        socle_buffer* out, socle_error** error);
/* The département ("75", "2A", "971"…) of a 5-digit French postcode. SOCLE_E_NOT_FOUND for
 * codes no département uses (Monaco 980xx, unassigned Corsican ranges…). */
SOCLE_API int32_t socle_generalise_postcode(const char* postcode, size_t postcode_len,
                                            socle_buffer* out, socle_error** error);
/* The département of an INSEE commune code ("2A004" -> "2A", "97411" -> "974").
 * SOCLE_E_NOT_FOUND for country codes (99xxx) and codes of no département. */
SOCLE_API int32_t socle_generalise_insee_commune(const char* code, size_t code_len,
                                                 socle_buffer* out, socle_error** error);
/* The bracket of `amount` among `bound_count` strictly increasing `bounds` (1 to 1000): index
 * 0 is below bounds[0], index bound_count is at or above the last bound. `out_label` (may be NULL)
 * receives "< 500", "[500, 1000)" or ">= 1500". */
SOCLE_API int32_t socle_generalise_amount(const int64_t* bounds, size_t bound_count, int64_t amount,
                                          size_t* out_index, socle_buffer* out_label,
                                          socle_error** error);

/* -- Free-text redaction. A socle_redactor is built once from the identities the case file
 *    knows, then redacts any number of notes: those identities (regardless of case, accents,
 *    hyphens and spacing), then NIRs, French phone numbers, e-mails, IBANs and dates of birth
 *    found by their shape. Replacements are typed placeholders, [PERSONNE-1], [NIR],
 *    [TÉLÉPHONE], [EMAIL], [IBAN], [ADRESSE], [DATE-NAISSANCE], numbered per text for persons.
 *    A socle_redactor is immutable: every call on it is thread-safe. Text is UTF-8; invalid
 *    bytes become U+FFFD in the output. */

typedef struct socle_redactor socle_redactor;
/* Options of a redactor being built. Not synchronised: use one from one thread at a time. It
 * is copied by socle_redactor_create and may be freed right after. */
typedef struct socle_redactor_options socle_redactor_options;

/* The kinds of known identities. */
#define SOCLE_IDENTITY_NAME 1       /* surname: family, usage or birth name */
#define SOCLE_IDENTITY_FIRST_NAME 2 /* of the person or of a relative */
#define SOCLE_IDENTITY_ADDRESS 3    /* "12 rue des Lilas, 75011 Paris" */
#define SOCLE_IDENTITY_PHONE 4
#define SOCLE_IDENTITY_EMAIL 5
#define SOCLE_IDENTITY_NIR 6        /* 15 characters, or 13 without the key */
#define SOCLE_IDENTITY_BIRTH_DATE 7 /* "YYYY-MM-DD"; found in any common format */

/* One known identity. `value` is borrowed for the duration of socle_redactor_create only. Names
 * and first names with the same `person` number are one individual: one placeholder number. */
typedef struct socle_known_identity {
  int32_t kind; /* SOCLE_IDENTITY_* */
  uint32_t person;
  const char* value; /* UTF-8, need not be NUL-terminated */
  size_t value_len;
} socle_known_identity;

/* The placeholder types: indexes of the `counts` arrays below. */
#define SOCLE_REDACTION_PERSON 0
#define SOCLE_REDACTION_NIR 1
#define SOCLE_REDACTION_PHONE 2
#define SOCLE_REDACTION_EMAIL 3
#define SOCLE_REDACTION_IBAN 4
#define SOCLE_REDACTION_ADDRESS 5
#define SOCLE_REDACTION_BIRTH_DATE 6
#define SOCLE_REDACTION_TYPE_COUNT 7

/* The recognisers of undeclared identifiers (bits for socle_redactor_options_set_recognisers;
 * all are on by default). Known identities are always redacted. */
#define SOCLE_RECOGNISE_NIR 0x01
#define SOCLE_RECOGNISE_PHONE 0x02
#define SOCLE_RECOGNISE_EMAIL 0x04
#define SOCLE_RECOGNISE_IBAN 0x08
#define SOCLE_RECOGNISE_BIRTH_DATE 0x10
#define SOCLE_RECOGNISE_ALL 0x1F

/* The placeholder name of a type ("PERSONNE", "TÉLÉPHONE" in UTF-8…), or "" for an unknown
 * type. Static storage; thread-safe. */
SOCLE_API const char* socle_redaction_type_name(int32_t type);

/* New options with the defaults: every recogniser on, common words matched in any case. */
SOCLE_API int32_t socle_redactor_options_new(socle_redactor_options** out, socle_error** error);
/* Releases redactor options; NULL is accepted. */
SOCLE_API void socle_redactor_options_free(socle_redactor_options* options);
/* Which recognisers run (SOCLE_RECOGNISE_* bits). SOCLE_E_INVALID_ARGUMENT for unknown bits. */
SOCLE_API int32_t socle_redactor_options_set_recognisers(socle_redactor_options* options,
                                                         uint32_t recognisers, socle_error** error);
/* 1 (the default): precise names. A known name that is also an everyday French word (Rose,
 * Blanc, Petit…) is redacted where it is used as a name (a capital, a civility before it, or
 * another name of the person beside it), not in "une rose" or "un petit problème"; no known name
 * is redacted inside a place name ("Saint-Martin-d'Hères"). 0: the aggressive mode, every
 * case-insensitive match (better recall of names written in lower case, lower precision). */
SOCLE_API int32_t socle_redactor_options_set_common_words_need_capital(
    socle_redactor_options* options, int32_t enabled, socle_error** error);

/* Builds a redactor from `identity_count` identities (`identities` may be NULL when the count
 * is 0). `options` may be NULL (defaults). SOCLE_E_INVALID_ARGUMENT names a bad identity by its
 * index and kind, never its value; SOCLE_E_RESOURCE_EXHAUSTED beyond 64 persons. */
SOCLE_API int32_t socle_redactor_create(const socle_known_identity* identities,
                                        size_t identity_count,
                                        const socle_redactor_options* options, socle_redactor** out,
                                        socle_error** error);
/* As socle_redactor_create, reading the identities from the text format of `socle redact --known`
 * (one "kind value" per line, `person` between individuals; docs/redaction.md). SOCLE_E_PARSE
 * gives the line number only. */
SOCLE_API int32_t socle_redactor_create_from_text(const char* known, size_t known_len,
                                                  const socle_redactor_options* options,
                                                  socle_redactor** out, socle_error** error);
/* Releases the redactor; NULL is accepted. */
SOCLE_API void socle_redactor_free(socle_redactor* redactor);

/* Redacts text[0, text_len) into *out (released with socle_buffer_free). When `out_counts` is
 * not NULL, out_counts[i] receives the number of placeholders of type i for i < out_counts_capacity
 * (entries beyond SOCLE_REDACTION_TYPE_COUNT are set to 0). */
SOCLE_API int32_t socle_redactor_redact(const socle_redactor* redactor, const char* text,
                                        size_t text_len, socle_buffer* out, uint64_t* out_counts,
                                        size_t out_counts_capacity, socle_error** error);
/* Redacts `count` texts (texts[i] of text_lens[i] bytes; each numbered on its own) into one
 * buffer *out, the outputs one after the other: output i is out->data[out_ends[i-1], out_ends[i])
 * with out_ends[-1] = 0; `out_ends` has `count` entries, filled by the call. `out_counts` as above,
 * summed over the batch. One call for many notes keeps bindings out of the hot loop. */
SOCLE_API int32_t socle_redactor_redact_batch(const socle_redactor* redactor,
                                              const char* const* texts, const size_t* text_lens,
                                              size_t count, socle_buffer* out, size_t* out_ends,
                                              uint64_t* out_counts, size_t out_counts_capacity,
                                              socle_error** error);
/* (section text: end) */

/* ------------------------------------------------------------------------------------------ */
/* ===== Export files (socle/export_file.hpp, socle/case_file.hpp, socle/access_request.hpp, socle/audit_extract.hpp) ===== */
/* (section export: begin) */
/*
 * `.socle` export files (docs/export-format.md): a header, signed frames of records, a trailer;
 * a sealed file encrypts the records to one or more recipients' X25519 keys. A writer adds
 * records one by one; the access trail writes the person's exports (access request, portability)
 * and the auditor's extract into a writer; a reader checks every frame before it returns a
 * record. Records are socle.v1 messages (proto/socle/v1/export.proto); the reader also gives them
 * in protobuf's JSON mapping, decoded with the descriptors the file carries.
 *
 * Thread safety: keys are immutable (every call thread-safe); options, writers, readers,
 * identities and entries are used by one thread at a time. A refused file's problem and byte
 * offset are in the socle_error (socle_error_export_problem, socle_error_export_offset) and,
 * after a failed socle_export_reader_next, on the reader. Messages never hold a key, a name or
 * an entry's content.
 */

/* Kinds of export files (ExportKind; socle.v1.ExportKind). */
#define SOCLE_EXPORT_KIND_ACCESS_REQUEST 1        /* socle.v1.AccessRequestRecord (art. 15) */
#define SOCLE_EXPORT_KIND_PORTABILITY 2           /* socle.v1.PortabilityRecord (art. 20) */
#define SOCLE_EXPORT_KIND_PSEUDONYMISED_DATASET 3 /* socle.v1.DatasetRecord */
#define SOCLE_EXPORT_KIND_AUDIT_EXTRACT 4         /* socle.v1.AuditRecord */
#define SOCLE_EXPORT_KIND_TRAINING_MIRROR 5       /* socle.v1.MirrorRecord */
#define SOCLE_EXPORT_KIND_STATISTICS_TABLE 6      /* socle.v1.StatisticsRecord */

/* Why a file was refused (ExportProblem). */
#define SOCLE_EXPORT_PROBLEM_NONE 0
#define SOCLE_EXPORT_PROBLEM_NOT_AN_EXPORT 1    /* the magic is wrong */
#define SOCLE_EXPORT_PROBLEM_UNKNOWN_VERSION 2  /* a format version this build does not read */
#define SOCLE_EXPORT_PROBLEM_MALFORMED 3        /* a header, frame or record does not parse */
#define SOCLE_EXPORT_PROBLEM_TOO_LARGE 4        /* a length beyond the reader's limits */
#define SOCLE_EXPORT_PROBLEM_TRUNCATED 5        /* the input ends before the trailer */
#define SOCLE_EXPORT_PROBLEM_REORDERED 6        /* a frame out of its place */
#define SOCLE_EXPORT_PROBLEM_ALTERED 7          /* a signature, hash or tag does not match */
#define SOCLE_EXPORT_PROBLEM_FOREIGN 8          /* a frame of another file */
#define SOCLE_EXPORT_PROBLEM_UNTRUSTED_ISSUER 9 /* signed by a key the caller does not trust */
#define SOCLE_EXPORT_PROBLEM_NOT_A_RECIPIENT 10 /* sealed, and the key is no recipient's */
#define SOCLE_EXPORT_PROBLEM_KEY_REQUIRED 11    /* sealed, and no key was given */
#define SOCLE_EXPORT_PROBLEM_TRAILING_BYTES 12  /* bytes after the trailer */

/* The size of every export key (an Ed25519 public key, an X25519 public or secret key). */
#define SOCLE_EXPORT_KEY_BYTES 32

/* The stable name of a kind ("access_request"…), or "unspecified". Static storage. */
SOCLE_API const char* socle_export_kind_name(int32_t kind);
/* The stable name of a problem ("truncated"…), or "unspecified". Static storage. */
SOCLE_API const char* socle_export_problem_name(int32_t problem);
/* Why the call that filled `error` refused an export file (SOCLE_EXPORT_PROBLEM_*), or
 * SOCLE_EXPORT_PROBLEM_NONE when the error is not about a file's content (or NULL). */
SOCLE_API int32_t socle_error_export_problem(const socle_error* error);
/* The byte of the file where that problem was found (0 with SOCLE_EXPORT_PROBLEM_NONE). */
SOCLE_API uint64_t socle_error_export_offset(const socle_error* error);

/* The issuer's Ed25519 signing key. Immutable; its seed never leaves the library. */
typedef struct socle_export_signing_key socle_export_signing_key;
/* A recipient's X25519 key pair. Immutable. The recipient keeps the secret key; the issuer is
 * given the public key. */
typedef struct socle_export_recipient_key socle_export_recipient_key;

/* The tenant's export signing key, derived from the vault's ledger secret "exports" (created on
 * first use), so every process of the tenant signs with the same key. The key does not keep the
 * vault. */
SOCLE_API int32_t socle_export_signing_key_from_vault(socle_vault* vault,
                                                      socle_export_signing_key** out,
                                                      socle_error** error);
/* A new random signing key (tests, one-off files: a reader cannot tell it from the tenant's). */
SOCLE_API int32_t socle_export_signing_key_generate(socle_export_signing_key** out,
                                                    socle_error** error);
/* Copies the 32-byte public key into out (out_capacity >= SOCLE_EXPORT_KEY_BYTES, else
 * SOCLE_E_OUT_OF_RANGE). */
SOCLE_API int32_t socle_export_signing_key_public_key(const socle_export_signing_key* key,
                                                      uint8_t* out, size_t out_capacity,
                                                      socle_error** error);
/* Wipes and releases a signing key; NULL is accepted. */
SOCLE_API void socle_export_signing_key_free(socle_export_signing_key* key);

/* A new random recipient key pair. */
SOCLE_API int32_t socle_export_recipient_key_generate(socle_export_recipient_key** out,
                                                      socle_error** error);
/* The key pair of a 32-byte X25519 secret key (copied; wipe your copy). SOCLE_E_INVALID_ARGUMENT
 * for another length. */
SOCLE_API int32_t socle_export_recipient_key_from_secret(const uint8_t* secret, size_t secret_len,
                                                         socle_export_recipient_key** out,
                                                         socle_error** error);
/* Copies the 32-byte public key into out (out_capacity >= SOCLE_EXPORT_KEY_BYTES, else
 * SOCLE_E_OUT_OF_RANGE): give it to the issuer. */
SOCLE_API int32_t socle_export_recipient_key_public_key(const socle_export_recipient_key* key,
                                                        uint8_t* out, size_t out_capacity,
                                                        socle_error** error);
/* Copies the 32-byte secret key into out (out_capacity >= SOCLE_EXPORT_KEY_BYTES, else
 * SOCLE_E_OUT_OF_RANGE), to store it; wipe the copy after use. */
SOCLE_API int32_t socle_export_recipient_key_secret_key(const socle_export_recipient_key* key,
                                                        uint8_t* out, size_t out_capacity,
                                                        socle_error** error);
/* Wipes and releases a recipient key; NULL is accepted. */
SOCLE_API void socle_export_recipient_key_free(socle_export_recipient_key* key);

/* What a writer puts in the header (ExportWriterOptions): an object with setters, copied by
 * socle_export_writer_create. One thread at a time. A setter refuses a bad value, naming the
 * parameter, and leaves the options as they were. */
typedef struct socle_export_writer_options socle_export_writer_options;

/* New options: an access request, no issuer name, created now, signed (no recipient). */
SOCLE_API int32_t socle_export_writer_options_new(socle_export_writer_options** out,
                                                  socle_error** error);
/* Releases writer options; NULL is accepted. */
SOCLE_API void socle_export_writer_options_free(socle_export_writer_options* options);
/* The kind of file (SOCLE_EXPORT_KIND_*). */
SOCLE_API int32_t socle_export_writer_options_set_kind(socle_export_writer_options* options,
                                                       int32_t kind, socle_error** error);
/* The controller's name, shown to readers. */
SOCLE_API int32_t socle_export_writer_options_set_issuer(socle_export_writer_options* options,
                                                         const char* issuer, size_t issuer_len,
                                                         socle_error** error);
/* The creation time written in the header (Unix seconds; 0: when the writer is created). */
SOCLE_API int32_t socle_export_writer_options_set_created_unix_seconds(
    socle_export_writer_options* options, int64_t created_unix_seconds, socle_error** error);
/* The policy the file was written under: its id, revision and 32-byte digest (digest_len 0: no
 * digest; see socle_policy_digest). SOCLE_E_INVALID_ARGUMENT for a digest of another length. */
SOCLE_API int32_t socle_export_writer_options_set_policy(socle_export_writer_options* options,
                                                         const char* id, size_t id_len,
                                                         const char* revision, size_t revision_len,
                                                         const uint8_t* digest, size_t digest_len,
                                                         socle_error** error);
/* The pseudonymisation domain of the records' pseudonyms (datasets), or "". */
SOCLE_API int32_t socle_export_writer_options_set_pseudonym_domain(
    socle_export_writer_options* options, const char* domain, size_t domain_len,
    socle_error** error);
/* The pseudonymisation profile the records went through (datasets), or "". */
SOCLE_API int32_t socle_export_writer_options_set_pseudonymisation_profile(
    socle_export_writer_options* options, const char* profile, size_t profile_len,
    socle_error** error);
/* The kind's notice, serialized: socle_policy_portability_notice for a portability file, a
 * socle.v1.DatasetNotice for a dataset; empty for the other kinds. */
SOCLE_API int32_t socle_export_writer_options_set_notice(socle_export_writer_options* options,
                                                         const uint8_t* notice, size_t notice_len,
                                                         socle_error** error);
/* Seals the file to one more recipient: its 32-byte X25519 public key and a label shown to
 * people ("Observatoire départemental"; not secret, not an id). Without recipients the file is
 * signed, not sealed. SOCLE_E_INVALID_ARGUMENT for a key of another length; SOCLE_E_OUT_OF_RANGE
 * beyond 64 recipients. */
SOCLE_API int32_t socle_export_writer_options_add_recipient(socle_export_writer_options* options,
                                                            const uint8_t* public_key,
                                                            size_t public_key_len,
                                                            const char* label, size_t label_len,
                                                            socle_error** error);

/* Writes one file. One thread at a time. */
typedef struct socle_export_writer socle_export_writer;

/* A writer of the file `path` (NUL-terminated), signed with `key`, its header per `options`
 * (copied; the writer does not keep `key` or `options`). The file is written beside `path` and
 * renamed onto it by socle_export_writer_finish: a reader never sees half a file, and a writer
 * freed before finishing leaves none. SOCLE_E_IO when the directory cannot be written. */
SOCLE_API int32_t socle_export_writer_create(const char* path, const socle_export_signing_key* key,
                                             const socle_export_writer_options* options,
                                             socle_export_writer** out, socle_error** error);
/* Adds one record: a serialized message of the kind's record type (not checked against it).
 * SOCLE_E_INVALID_ARGUMENT beyond 16 MiB; SOCLE_E_FAILED_PRECONDITION once finished. */
SOCLE_API int32_t socle_export_writer_add(socle_export_writer* writer, const uint8_t* record,
                                          size_t record_len, socle_error** error);
/* Writes the trailer and makes the file durable and visible; *out_records and *out_bytes (may
 * be NULL) receive the records written and the file's size. A writer finishes once. */
SOCLE_API int32_t socle_export_writer_finish(socle_export_writer* writer, uint64_t* out_records,
                                             uint64_t* out_bytes, socle_error** error);
/* Releases a writer; an unfinished one leaves no file. NULL is accepted. */
SOCLE_API void socle_export_writer_free(socle_export_writer* writer);

/* The vendor's case file, as the person's exports read it (socle/case_file.hpp): who the person
 * is, and the entries of their file. socle never keeps them. One thread at a time; every setter
 * copies its value, refuses a bad one naming the parameter, and leaves the handle as it was. */
typedef struct socle_person_identity socle_person_identity;
/* One entry of the person's file (a note, a document, a form), filled by the vendor's entry
 * source. */
typedef struct socle_case_entry socle_case_entry;

/* A new identity, every field empty (unknown). */
SOCLE_API int32_t socle_person_identity_new(socle_person_identity** out, socle_error** error);
/* Wipes and releases an identity; NULL is accepted. */
SOCLE_API void socle_person_identity_free(socle_person_identity* identity);
/* Replaces every field with those of its JSON form (protobuf's JSON mapping of
 * socle.v1.Identity: {"person": "x1", "familyName": "Martin", …}). SOCLE_E_PARSE names what is
 * wrong, never the content. */
SOCLE_API int32_t socle_person_identity_set_json(socle_person_identity* identity, const char* json,
                                                 size_t json_len, socle_error** error);
/* The vendor's id of the person: whose file (required by the exports). */
SOCLE_API int32_t socle_person_identity_set_person(socle_person_identity* identity,
                                                   const char* person, size_t person_len,
                                                   socle_error** error);
/* The family name. */
SOCLE_API int32_t socle_person_identity_set_family_name(socle_person_identity* identity,
                                                        const char* family_name,
                                                        size_t family_name_len,
                                                        socle_error** error);
/* The given names. */
SOCLE_API int32_t socle_person_identity_set_given_names(socle_person_identity* identity,
                                                        const char* given_names,
                                                        size_t given_names_len,
                                                        socle_error** error);
/* The birth date, YYYY-MM-DD. */
SOCLE_API int32_t socle_person_identity_set_birth_date(socle_person_identity* identity,
                                                       const char* birth_date,
                                                       size_t birth_date_len, socle_error** error);
/* The birth place. */
SOCLE_API int32_t socle_person_identity_set_birth_place(socle_person_identity* identity,
                                                        const char* birth_place,
                                                        size_t birth_place_len,
                                                        socle_error** error);
/* The street and number. */
SOCLE_API int32_t socle_person_identity_set_address(socle_person_identity* identity,
                                                    const char* address, size_t address_len,
                                                    socle_error** error);
/* The postcode. */
SOCLE_API int32_t socle_person_identity_set_postcode(socle_person_identity* identity,
                                                     const char* postcode, size_t postcode_len,
                                                     socle_error** error);
/* The commune. */
SOCLE_API int32_t socle_person_identity_set_commune(socle_person_identity* identity,
                                                    const char* commune, size_t commune_len,
                                                    socle_error** error);
/* The phone number. */
SOCLE_API int32_t socle_person_identity_set_phone(socle_person_identity* identity,
                                                  const char* phone, size_t phone_len,
                                                  socle_error** error);
/* The e-mail address. */
SOCLE_API int32_t socle_person_identity_set_email(socle_person_identity* identity,
                                                  const char* email, size_t email_len,
                                                  socle_error** error);
/* The NIR: only for an activity whose policy says nir_authorised. */
SOCLE_API int32_t socle_person_identity_set_nir(socle_person_identity* identity, const char* nir,
                                                size_t nir_len, socle_error** error);

/* A new entry: a fact, every other field empty. */
SOCLE_API int32_t socle_case_entry_new(socle_case_entry** out, socle_error** error);
/* Wipes and releases an entry; NULL is accepted. */
SOCLE_API void socle_case_entry_free(socle_case_entry* entry);
/* Replaces every field with those of its JSON form (protobuf's JSON mapping of socle.v1.Entry:
 * {"id": "note-12", "person": "x1", "category": "social", "kind": "FACT", "createdAt":
 * "2026-11-02T09:30:00Z", "text": "…"}). SOCLE_E_PARSE names what is wrong, never the content. */
SOCLE_API int32_t socle_case_entry_set_json(socle_case_entry* entry, const char* json,
                                            size_t json_len, socle_error** error);
/* The vendor's id of the entry. */
SOCLE_API int32_t socle_case_entry_set_id(socle_case_entry* entry, const char* id, size_t id_len,
                                          socle_error** error);
/* Whose file it belongs to. */
SOCLE_API int32_t socle_case_entry_set_person(socle_case_entry* entry, const char* person,
                                              size_t person_len, socle_error** error);
/* Its data category (a category of the policy). */
SOCLE_API int32_t socle_case_entry_set_category(socle_case_entry* entry, const char* category,
                                                size_t category_len, socle_error** error);
/* Its kind (SOCLE_ENTRY_*: fact, appreciation, third-party information, working note). */
SOCLE_API int32_t socle_case_entry_set_kind(socle_case_entry* entry, int32_t kind,
                                            socle_error** error);
/* Its author (a professional of the directory). */
SOCLE_API int32_t socle_case_entry_set_author(socle_case_entry* entry, const char* author,
                                              size_t author_len, socle_error** error);
/* When it was written (Unix seconds; 0, the default: unknown). */
SOCLE_API int32_t socle_case_entry_set_created_unix_seconds(socle_case_entry* entry,
                                                            int64_t created_unix_seconds,
                                                            socle_error** error);
/* The activity it was recorded for. */
SOCLE_API int32_t socle_case_entry_set_purpose(socle_case_entry* entry, const char* purpose,
                                               size_t purpose_len, socle_error** error);
/* 1: given by the person (what portability carries, art. 20); 0 (the default) otherwise. */
SOCLE_API int32_t socle_case_entry_set_provided_by_person(socle_case_entry* entry,
                                                          int32_t provided_by_person,
                                                          socle_error** error);
/* Its title. */
SOCLE_API int32_t socle_case_entry_set_title(socle_case_entry* entry, const char* title,
                                             size_t title_len, socle_error** error);
/* Its free text. */
SOCLE_API int32_t socle_case_entry_set_text(socle_case_entry* entry, const char* text,
                                            size_t text_len, socle_error** error);
/* Appends one structured field: its name and value. */
SOCLE_API int32_t socle_case_entry_add_field(socle_case_entry* entry, const char* name,
                                             size_t name_len, const char* value, size_t value_len,
                                             socle_error** error);
/* Third-party information (art. 15(4)) released to the person by this professional, who judged
 * it can be shown; "" (the default): withheld from access requests. */
SOCLE_API int32_t socle_case_entry_set_released_by(socle_case_entry* entry, const char* released_by,
                                                   size_t released_by_len, socle_error** error);

/* The vendor's entries, one per call, in any order (a database cursor): fill `entry` (new and
 * empty at each call, owned by socle: do not free it), set *has_entry to 1 and return SOCLE_OK;
 * at the end set *has_entry to 0 and return SOCLE_OK. Any other return stops the export: a
 * SOCLE_E_* code is returned as is, anything else as SOCLE_E_INTERNAL, with a message naming the
 * entry source only. Called on the thread of the export call; errno is kept. */
typedef int32_t (*socle_entry_source)(void* user_data, socle_case_entry* entry, int32_t* has_entry);

/* What the person's exports and the audit extract wrote. Opaque, immutable. */
typedef struct socle_export_report socle_export_report;

/* Writes the person's access request (GDPR art. 15) into `writer` (created with
 * SOCLE_EXPORT_KIND_ACCESS_REQUEST), and finishes it: `identity` (identity.person: whose file), the
 * summary of their consents, objections, representatives, mandates and shares, every entry
 * `entries` gives (NULL: none; never a working note; third-party information withheld and
 * marked unless released; appreciations with author and date), the activities, and the access
 * history of their file with its proofs. `requested_by` is the person or one of their
 * representatives in force; `handled_by` the professional who prepares it (recorded in the trail
 * before anything is written: an export that cannot be recorded is not written);
 * `at_unix_seconds` 0: now. SOCLE_E_INVALID_ARGUMENT for an entry about another person, of an
 * unknown category or activity, or an appreciation without author or date (naming its position,
 * never its content); SOCLE_E_NOT_FOUND for an unknown person or professional;
 * SOCLE_E_PERMISSION_DENIED for a requester who may not ask; the entry source's error. On error
 * the writer is left unfinished (free it: no file). */
SOCLE_API int32_t socle_access_trail_write_access_request(
    socle_access_trail* trail, const socle_person_identity* identity, const char* requested_by,
    size_t requested_by_len, const char* handled_by, size_t handled_by_len, int64_t at_unix_seconds,
    socle_entry_source entries, void* user_data, socle_export_writer* writer,
    socle_export_report** out, socle_error** error);
/* Writes the data the person provided (entries marked provided_by_person) of the activities where
 * the right to portability applies (GDPR art. 20) into `writer` (created with
 * SOCLE_EXPORT_KIND_PORTABILITY and the notice of socle_policy_portability_notice), and finishes
 * it. The parameters and errors of socle_access_trail_write_access_request. */
SOCLE_API int32_t socle_access_trail_write_portability(
    socle_access_trail* trail, const socle_person_identity* identity, const char* requested_by,
    size_t requested_by_len, const char* handled_by, size_t handled_by_len, int64_t at_unix_seconds,
    socle_entry_source entries, void* user_data, socle_export_writer* writer,
    socle_export_report** out, socle_error** error);
/* Writes the entries [begin, end) of the trail (end 0: up to the checkpoint signed now), each
 * with its inclusion proof, for `auditor` (a professional whose role has SECURITY_AUDITOR) into
 * `writer` (created with SOCLE_EXPORT_KIND_AUDIT_EXTRACT), and finishes it; `since_size` (0:
 * none) is the size of a checkpoint the auditor already holds, proved a prefix of the new one.
 * SOCLE_E_PERMISSION_DENIED (recorded) for another auditor; SOCLE_E_OUT_OF_RANGE for a range or
 * since_size beyond the checkpoint. */
SOCLE_API int32_t socle_access_trail_write_audit_extract(
    socle_access_trail* trail, const char* auditor, size_t auditor_len, uint64_t begin,
    uint64_t end, uint64_t since_size, socle_export_writer* writer, socle_export_report** out,
    socle_error** error);
/* Releases a report; NULL is accepted. */
SOCLE_API void socle_export_report_free(socle_export_report* report);
/* Entries written (the person's exports; the audit extract's trail entries). */
SOCLE_API uint64_t socle_export_report_entries(const socle_export_report* report);
/* Third-party entries withheld (marked in the file). */
SOCLE_API uint64_t socle_export_report_withheld(const socle_export_report* report);
/* Working notes, and entries portability does not carry, left out. */
SOCLE_API uint64_t socle_export_report_left_out(const socle_export_report* report);
/* Lines of the access history (access request). */
SOCLE_API uint64_t socle_export_report_history_entries(const socle_export_report* report);
/* The size of the checkpoint the audit extract proves against (0 for the person's exports). */
SOCLE_API uint64_t socle_export_report_checkpoint_size(const socle_export_report* report);
/* Records in the file. */
SOCLE_API uint64_t socle_export_report_records(const socle_export_report* report);
/* The file's size in bytes. */
SOCLE_API uint64_t socle_export_report_bytes(const socle_export_report* report);

/* The header's notice of a portability file under `policy` (socle.v1.PortabilityNotice,
 * serialized: whether the right applies, for which activities, and the records' JSON Schema),
 * into *out: pass it to socle_export_writer_options_set_notice. */
SOCLE_API int32_t socle_policy_portability_notice(const socle_policy* policy, socle_buffer* out,
                                                  socle_error** error);
/* The JSON Schema (draft 2020-12) of a portability record's JSON form, as published in
 * docs/schemas/portability-record.schema.json. NUL-terminated, static storage. */
SOCLE_API const char* socle_export_portability_json_schema(void);

/* What a reader checks (ExportReaderOptions): an object with setters, copied by
 * socle_export_reader_open and socle_export_verify_file. One thread at a time. */
typedef struct socle_export_reader_options socle_export_reader_options;

/* New options: any issuer, no key, the default limits (4 MiB header, 16 MiB record, 64
 * recipients). */
SOCLE_API int32_t socle_export_reader_options_new(socle_export_reader_options** out,
                                                  socle_error** error);
/* Wipes and releases reader options; NULL is accepted. */
SOCLE_API void socle_export_reader_options_free(socle_export_reader_options* options);
/* Trusts one more issuer's 32-byte Ed25519 public key: once any is trusted, a file signed by
 * another key is refused (SOCLE_EXPORT_PROBLEM_UNTRUSTED_ISSUER). Without any, the caller checks
 * socle_export_reader_issuer_public_key itself. */
SOCLE_API int32_t socle_export_reader_options_add_trusted_issuer(
    socle_export_reader_options* options, const uint8_t* public_key, size_t public_key_len,
    socle_error** error);
/* The recipient key that opens a sealed file (copied; NULL: none). */
SOCLE_API int32_t socle_export_reader_options_set_key(socle_export_reader_options* options,
                                                      const socle_export_recipient_key* key,
                                                      socle_error** error);
/* Hard limits on the lengths read from a file (0 keeps a limit's default). */
SOCLE_API int32_t socle_export_reader_options_set_limits(socle_export_reader_options* options,
                                                         uint64_t max_header_bytes,
                                                         uint64_t max_record_bytes,
                                                         uint64_t max_recipients,
                                                         socle_error** error);

/* Reads one file, record by record, each only after the frame holding it was verified. One
 * thread at a time. */
typedef struct socle_export_reader socle_export_reader;

/* Opens the file `path` (NUL-terminated) and checks its header; `options` may be NULL
 * (defaults). A refused file is SOCLE_E_DATA_LOSS, SOCLE_E_VERIFICATION_FAILED,
 * SOCLE_E_UNSUPPORTED… with its problem and offset in *error (socle_error_export_problem). */
SOCLE_API int32_t socle_export_reader_open(const char* path,
                                           const socle_export_reader_options* options,
                                           socle_export_reader** out, socle_error** error);
/* Releases a reader; NULL is accepted. */
SOCLE_API void socle_export_reader_free(socle_export_reader* reader);
/* The file's kind (SOCLE_EXPORT_KIND_*). */
SOCLE_API int32_t socle_export_reader_kind(const socle_export_reader* reader);
/* 1 when the file is sealed, 0 when it is only signed. */
SOCLE_API int32_t socle_export_reader_sealed(const socle_export_reader* reader);
/* Copies the issuer's 32-byte Ed25519 public key into out (out_capacity >=
 * SOCLE_EXPORT_KEY_BYTES, else SOCLE_E_OUT_OF_RANGE). */
SOCLE_API int32_t socle_export_reader_issuer_public_key(const socle_export_reader* reader,
                                                        uint8_t* out, size_t out_capacity,
                                                        socle_error** error);
/* The header as serialized in the file (socle.v1.ExportHeader), into *out. */
SOCLE_API int32_t socle_export_reader_header(const socle_export_reader* reader, socle_buffer* out,
                                             socle_error** error);
/* The header in protobuf's JSON mapping, without its descriptors (one line, UTF-8), into *out. */
SOCLE_API int32_t socle_export_reader_header_json(const socle_export_reader* reader,
                                                  socle_buffer* out, socle_error** error);
/* The next record's bytes into *out and *out_has_record 1; at the end, once the trailer
 * verified, an empty *out and *out_has_record 0. A file is accepted only when this returned
 * *out_has_record 0 without error. A refused file is an error whose problem and offset are in
 * *error and on the reader (socle_export_reader_failure_problem); the reader then stays failed. */
SOCLE_API int32_t socle_export_reader_next(socle_export_reader* reader, socle_buffer* out,
                                           int32_t* out_has_record, socle_error** error);
/* As socle_export_reader_next, the record in protobuf's JSON mapping (one line, UTF-8), decoded
 * with the descriptors the file carries. SOCLE_E_PARSE for a record that is not of the file's
 * record type. */
SOCLE_API int32_t socle_export_reader_next_json(socle_export_reader* reader, socle_buffer* out,
                                                int32_t* out_has_record, socle_error** error);
/* The records returned so far. */
SOCLE_API uint64_t socle_export_reader_records_read(const socle_export_reader* reader);
/* After a failed socle_export_reader_next: why (SOCLE_EXPORT_PROBLEM_*); NONE otherwise. */
SOCLE_API int32_t socle_export_reader_failure_problem(const socle_export_reader* reader);
/* After a failed socle_export_reader_next: the byte where the problem was found; 0 otherwise. */
SOCLE_API uint64_t socle_export_reader_failure_offset(const socle_export_reader* reader);

/* Reads the file `path` through and checks every frame and the trailer; `options` may be NULL.
 * Without a key a sealed file is checked (signatures, order, trailer) without being decrypted.
 * On success *out_kind (SOCLE_EXPORT_KIND_*), *out_sealed, *out_records and *out_bytes (each may
 * be NULL) describe it; a refused file is an error whose problem and offset are in *error
 * (socle_error_export_problem). */
SOCLE_API int32_t socle_export_verify_file(const char* path,
                                           const socle_export_reader_options* options,
                                           int32_t* out_kind, int32_t* out_sealed,
                                           uint64_t* out_records, uint64_t* out_bytes,
                                           socle_error** error);
/* (section export: end) */

/* ------------------------------------------------------------------------------------------ */
/* ===== Retention: the facts it counts from, the phase of each category, the archivist's read (socle/retention.hpp) ===== */
/* (section retention: begin) */
/*
 * How long a person's file is kept (REQ-32 to REQ-35; docs/retention-and-rights.md). The vendor
 * records the facts retention counts from (a contact with who it came from, the right to a
 * benefit, a follow-up programme, the person's death); the engine knows the case closure and the
 * mandates itself. From these and the policy's retention rules, socle_access_engine_retention
 * gives the phase of every data category of the person's file on a day: ACTIVE, then
 * INTERMEDIATE_ARCHIVE (only an ARCHIVIST reads it, with a reason: SOCLE_REASON_ARCHIVED denies
 * the others), then DUE or AWAITING_VISA. Every write is one state event and returns the new
 * revision in *out_revision; a refused write changes nothing. Days are ISO 8601 text
 * "YYYY-MM-DD" in Europe/Paris; an empty day means today by the engine's clock.
 *
 * Thread safety: as every engine call (writes serialised, queries on an immutable snapshot);
 * a socle_retention is immutable. Messages never name a person or quote a reason.
 */

/* Retention phases (frozen; = socle::RetentionPhase). */
#define SOCLE_RETENTION_PHASE_ACTIVE 1
#define SOCLE_RETENTION_PHASE_INTERMEDIATE_ARCHIVE 2
#define SOCLE_RETENTION_PHASE_DUE 3           /* to delete or anonymise (the end action) */
#define SOCLE_RETENTION_PHASE_AWAITING_VISA 4 /* waits for the archives service's visa */

/* What a retention rule counts from (frozen; = socle::RetentionStart). */
#define SOCLE_RETENTION_START_UNSPECIFIED 0
#define SOCLE_RETENTION_START_LAST_CONTACT_FROM_PERSON 1
#define SOCLE_RETENTION_START_END_OF_RIGHT 2
#define SOCLE_RETENTION_START_END_OF_FOLLOW_UP 3
#define SOCLE_RETENTION_START_CASE_CLOSURE 4
#define SOCLE_RETENTION_START_CREATION 5
#define SOCLE_RETENTION_START_END_OF_MANDATE 6

/* What happens at the end of a rule (frozen; = socle::RetentionEndAction). */
#define SOCLE_RETENTION_END_ACTION_UNSPECIFIED 0
#define SOCLE_RETENTION_END_ACTION_DELETE 1
#define SOCLE_RETENTION_END_ACTION_ANONYMISE 2
#define SOCLE_RETENTION_END_ACTION_DEFINITIVE_ARCHIVE 3

/* Who a contact came from (frozen; = socle::ContactOriginator). Only the person, or a
 * representative in force that day, restart the clock of LAST_CONTACT_FROM_PERSON. */
#define SOCLE_CONTACT_ORIGINATOR_PERSON 1
#define SOCLE_CONTACT_ORIGINATOR_REPRESENTATIVE 2
#define SOCLE_CONTACT_ORIGINATOR_PROFESSIONAL 3
#define SOCLE_CONTACT_ORIGINATOR_BATCH 4

/* The phase of every data category of one person's file on one day: immutable. Line i is the
 * category of dense id i (socle_access_engine_find_category). Its strings are NUL-terminated and
 * borrowed from it; an index out of range gives 0, "" or SOCLE_NO_ID. */
typedef struct socle_retention socle_retention;

/* "active", "intermediate_archive", "due", "awaiting_visa"; "unspecified" for another value.
 * Static storage. */
SOCLE_API const char* socle_retention_phase_name(int32_t phase);

/* Records a contact with `person` on `day` ("" today), from `originator`
 * (SOCLE_CONTACT_ORIGINATOR_*); `representative` is required for REPRESENTATIVE (a
 * representative in force that day) and empty otherwise; `recorded_by` the professional, or "". */
SOCLE_API int32_t socle_access_engine_record_contact(
    socle_access_engine* engine, const char* person, size_t person_len, int32_t originator,
    const char* representative, size_t representative_len, const char* day, size_t day_len,
    const char* recorded_by, size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* Records that `person`'s right of the activity `activity` (a policy activity) is in course
 * (`last_day` "") or ended on `last_day`. */
SOCLE_API int32_t socle_access_engine_record_right(socle_access_engine* engine, const char* person,
                                                   size_t person_len, const char* activity,
                                                   size_t activity_len, const char* last_day,
                                                   size_t last_day_len, uint64_t* out_revision,
                                                   socle_error** error);
/* The same for a follow-up programme of `activity`. */
SOCLE_API int32_t socle_access_engine_record_follow_up(
    socle_access_engine* engine, const char* person, size_t person_len, const char* activity,
    size_t activity_len, const char* last_day, size_t last_day_len, uint64_t* out_revision,
    socle_error** error);
/* Records `person`'s death on `day` (required). */
SOCLE_API int32_t socle_access_engine_record_death(socle_access_engine* engine, const char* person,
                                                   size_t person_len, const char* day,
                                                   size_t day_len, uint64_t* out_revision,
                                                   socle_error** error);

/* The phase of every data category of `person`'s file on `day` ("" today) into a new *out
 * (released with socle_retention_free). SOCLE_E_NOT_FOUND when the person is not in the
 * directory. */
SOCLE_API int32_t socle_access_engine_retention(const socle_access_engine* engine,
                                                const char* person, size_t person_len,
                                                const char* day, size_t day_len,
                                                socle_retention** out, socle_error** error);
/* Releases the list; NULL is accepted. */
SOCLE_API void socle_retention_free(socle_retention* retention);
/* The number of lines (the policy's data categories). */
SOCLE_API size_t socle_retention_count(const socle_retention* retention);
/* The dense id of the line's data category. */
SOCLE_API uint32_t socle_retention_category(const socle_retention* retention, size_t index);
/* SOCLE_RETENTION_PHASE_* on the day asked. */
SOCLE_API int32_t socle_retention_phase(const socle_retention* retention, size_t index);
/* The first day of the phase, "YYYY-MM-DD"; "" when it began before anything was recorded. */
SOCLE_API const char* socle_retention_since(const socle_retention* retention, size_t index);
/* The first day of the next phase; "" when no recorded fact schedules it yet. */
SOCLE_API const char* socle_retention_next_change(const socle_retention* retention, size_t index);
/* The next phase (SOCLE_RETENTION_PHASE_*), meaningful when next_change is not "". */
SOCLE_API int32_t socle_retention_next_phase(const socle_retention* retention, size_t index);
/* SOCLE_RETENTION_END_ACTION_* of the rule that decided. */
SOCLE_API int32_t socle_retention_end_action(const socle_retention* retention, size_t index);
/* The rule that decided: the policy's activities[activity].retention[rule_index]; SOCLE_NO_ID
 * when no activity declares the category. */
SOCLE_API uint32_t socle_retention_activity(const socle_retention* retention, size_t index);
/* The index of the rule in its activity's retention list; SOCLE_NO_ID without a rule. */
SOCLE_API uint32_t socle_retention_rule_index(const socle_retention* retention, size_t index);
/* What the rule counts from (SOCLE_RETENTION_START_*) and the day it counts from ("" while the
 * right, follow-up or case is in course). */
SOCLE_API int32_t socle_retention_start(const socle_retention* retention, size_t index);
/* The day the rule counts from, "YYYY-MM-DD"; "" while in course. */
SOCLE_API const char* socle_retention_start_day(const socle_retention* retention, size_t index);
/* 1 when the phase or the next change is the rule's age stop. */
SOCLE_API int32_t socle_retention_hard_stop(const socle_retention* retention, size_t index);
/* The rule's legal source, as the policy writes it; "" when none. */
SOCLE_API const char* socle_retention_source(const socle_retention* retention, size_t index);

/* socle_access_engine_decide with an archive reason: an ARCHIVIST reading a category in the
 * intermediate archive is allowed (SOCLE_REASON_ALLOWED_ARCHIVIST) only with a reason (why the
 * archive is consulted: a litigation, a legal obligation); without one, or for anyone else, the
 * answer is SOCLE_REASON_ARCHIVED. (socle_access_request cannot grow: socle_access_request_init
 * writes the whole struct without knowing the caller's size, so the reason is a parameter.)
 * `archive_reason` may be empty (then this is socle_access_engine_decide). On failure *out is a
 * denial with SOCLE_REASON_INVALID_REQUEST. */
SOCLE_API int32_t socle_access_engine_decide_with_archive_reason(
    const socle_access_engine* engine, const socle_access_request* request,
    const char* archive_reason, size_t archive_reason_len, socle_decision* out,
    socle_error** error);
/* The same, decided and recorded in the trail (as socle_access_trail_decide); the reason is
 * recorded as the entry's justification, so the person and the auditors read why the archive was
 * consulted. */
SOCLE_API int32_t socle_access_trail_decide_with_archive_reason(
    socle_access_trail* trail, const socle_access_request* request, const char* archive_reason,
    size_t archive_reason_len, socle_decision* out, socle_error** error);
/* (section retention: end) */

/* ------------------------------------------------------------------------------------------ */
/* ===== Rights requests: the register and its deadlines (socle/rights.hpp) ===== */
/* (section rights: begin) */
/*
 * The register of the person's rights requests (GDPR art. 12(3)-(4), 15 to 21; REQ-09, REQ-10;
 * docs/retention-and-rights.md). A request is received, may be extended once (1 or 2 months, only
 * when the person was told on or before the first deadline: otherwise SOCLE_E_FAILED_PRECONDITION
 * whose message starts "extension_too_late:"), and is closed (answered, or no action with the
 * reasons and the complaint information) or withdrawn. The deadline is the receipt day in
 * Europe/Paris + 1 month. Every write is one state event and returns the new revision in
 * *out_revision; a refused write changes nothing. Times are Unix seconds (0: the engine's clock
 * now); days are "YYYY-MM-DD" in Europe/Paris ("" today by the engine's clock).
 *
 * Thread safety: as every engine call; a socle_rights_requests is immutable. Messages never name
 * a person or a request, nor quote free text.
 */

/* Kinds of request (frozen; = socle::RightsRequestKind). */
#define SOCLE_RIGHTS_REQUEST_KIND_ACCESS 1        /* art. 15 */
#define SOCLE_RIGHTS_REQUEST_KIND_RECTIFICATION 2 /* art. 16 */
#define SOCLE_RIGHTS_REQUEST_KIND_ERASURE 3       /* art. 17 */
#define SOCLE_RIGHTS_REQUEST_KIND_RESTRICTION 4   /* art. 18 */
#define SOCLE_RIGHTS_REQUEST_KIND_PORTABILITY 5   /* art. 20 */
#define SOCLE_RIGHTS_REQUEST_KIND_OBJECTION 6     /* art. 21 */

/* Where a request stands (frozen; = socle::RightsRequestStatus). */
#define SOCLE_RIGHTS_REQUEST_STATUS_OPEN 0
#define SOCLE_RIGHTS_REQUEST_STATUS_ANSWERED 1
#define SOCLE_RIGHTS_REQUEST_STATUS_NO_ACTION 2
#define SOCLE_RIGHTS_REQUEST_STATUS_WITHDRAWN 3

/* A list of requests with their days counted on one day: immutable. Its strings are
 * NUL-terminated and borrowed from it; an index out of range gives 0 or "". */
typedef struct socle_rights_requests socle_rights_requests;

/* "access", "rectification", "erasure", "restriction", "portability", "objection"; "unspecified"
 * for another value. Static storage. */
SOCLE_API const char* socle_rights_request_kind_name(int32_t kind);
/* "open", "answered", "no_action", "withdrawn"; "unspecified" for another value. */
SOCLE_API const char* socle_rights_request_status_name(int32_t status);

/* Records the request `request` (the vendor's id, unique) of `kind`
 * (SOCLE_RIGHTS_REQUEST_KIND_*) about `person`, made by `requester` (the person, "" for the
 * person, or a representative in force on the receipt day), received at `received_unix_seconds`
 * (not after the engine's clock) by `channel` (SOCLE_CONSENT_CHANNEL_*), recorded by
 * `recorded_by`. */
SOCLE_API int32_t socle_access_engine_record_rights_request(
    socle_access_engine* engine, const char* request, size_t request_len, int32_t kind,
    const char* person, size_t person_len, const char* requester, size_t requester_len,
    int64_t received_unix_seconds, int32_t channel, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* Extends the deadline of `request` by `months` (1 or 2) further months, with a justification;
 * the person was told at `notified_unix_seconds`. */
SOCLE_API int32_t socle_access_engine_extend_rights_request(
    socle_access_engine* engine, const char* request, size_t request_len,
    const char* justification, size_t justification_len, int64_t notified_unix_seconds,
    uint32_t months, const char* recorded_by, size_t recorded_by_len, uint64_t* out_revision,
    socle_error** error);
/* Closes `request` as answered (`no_action` 0) or with no action taken (`no_action` 1: `reasons`
 * and `complaint_information` required, art. 12(4)). */
SOCLE_API int32_t socle_access_engine_close_rights_request(
    socle_access_engine* engine, const char* request, size_t request_len, int32_t no_action,
    const char* reasons, size_t reasons_len, const char* complaint_information,
    size_t complaint_information_len, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error);
/* The requester withdraws `request`: `withdrawn_by` is the person ("") or a representative in
 * force today. */
SOCLE_API int32_t socle_access_engine_withdraw_rights_request(
    socle_access_engine* engine, const char* request, size_t request_len, const char* withdrawn_by,
    size_t withdrawn_by_len, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error);

/* The request `request`, a list of one, days counted on `day`. SOCLE_E_NOT_FOUND for an unknown
 * id. Each query writes a new *out, released with socle_rights_requests_free. */
SOCLE_API int32_t socle_access_engine_get_rights_request(const socle_access_engine* engine,
                                                         const char* request, size_t request_len,
                                                         const char* day, size_t day_len,
                                                         socle_rights_requests** out,
                                                         socle_error** error);
/* The open requests about `person`, by deadline. SOCLE_E_NOT_FOUND for a person not in the
 * directory. */
SOCLE_API int32_t socle_access_engine_open_rights_requests(const socle_access_engine* engine,
                                                           const char* person, size_t person_len,
                                                           const char* day, size_t day_len,
                                                           socle_rights_requests** out,
                                                           socle_error** error);
/* Every request of the register, open and closed, in the order received. */
SOCLE_API int32_t socle_access_engine_rights_register(const socle_access_engine* engine,
                                                      const char* day, size_t day_len,
                                                      socle_rights_requests** out,
                                                      socle_error** error);
/* The DPO's overdue list: the open requests whose deadline is before `day`, most late first. */
SOCLE_API int32_t socle_access_engine_overdue_rights_requests(const socle_access_engine* engine,
                                                              const char* day, size_t day_len,
                                                              socle_rights_requests** out,
                                                              socle_error** error);
/* The DPO's due-soon list: the open requests due from `day` to `day` + `days` (0 or more)
 * included, soonest first. */
SOCLE_API int32_t socle_access_engine_rights_requests_due_within(
    const socle_access_engine* engine, const char* day, size_t day_len, int64_t days,
    socle_rights_requests** out, socle_error** error);

/* Releases the list; NULL is accepted. */
SOCLE_API void socle_rights_requests_free(socle_rights_requests* requests);
/* The number of requests of the list. */
SOCLE_API size_t socle_rights_requests_count(const socle_rights_requests* requests);
/* The request's id, its kind (SOCLE_RIGHTS_REQUEST_KIND_*) and the person it is about. */
SOCLE_API const char* socle_rights_requests_request(const socle_rights_requests* requests,
                                                    size_t index);
/* The request's kind (SOCLE_RIGHTS_REQUEST_KIND_*). */
SOCLE_API int32_t socle_rights_requests_kind(const socle_rights_requests* requests, size_t index);
/* The person the request is about. */
SOCLE_API const char* socle_rights_requests_person(const socle_rights_requests* requests,
                                                   size_t index);
/* Who made it: the person, or the representative, whose kind (SOCLE_REPRESENTATION_*) is then
 * given (0 for the person). */
SOCLE_API const char* socle_rights_requests_requester(const socle_rights_requests* requests,
                                                      size_t index);
/* The representative's kind (SOCLE_REPRESENTATION_*); 0 when the person made it. */
SOCLE_API int32_t socle_rights_requests_requester_kind(const socle_rights_requests* requests,
                                                       size_t index);
/* How it was received (SOCLE_CONSENT_CHANNEL_*). */
SOCLE_API int32_t socle_rights_requests_channel(const socle_rights_requests* requests,
                                                size_t index);
/* The professional who recorded it. */
SOCLE_API const char* socle_rights_requests_recorded_by(const socle_rights_requests* requests,
                                                        size_t index);
/* When it was received (Unix seconds). */
SOCLE_API int64_t socle_rights_requests_received_unix_seconds(
    const socle_rights_requests* requests, size_t index);
/* The receipt day, the first deadline (receipt + 1 month) and the deadline (extended or not),
 * "YYYY-MM-DD" in Europe/Paris; due by the end of the deadline's day. */
SOCLE_API const char* socle_rights_requests_received_day(const socle_rights_requests* requests,
                                                         size_t index);
/* The first deadline: the receipt day + 1 month, "YYYY-MM-DD". */
SOCLE_API const char* socle_rights_requests_first_deadline(const socle_rights_requests* requests,
                                                           size_t index);
/* The deadline, extended or not, "YYYY-MM-DD"; due by the end of that day. */
SOCLE_API const char* socle_rights_requests_deadline(const socle_rights_requests* requests,
                                                     size_t index);
/* 0 when not extended; otherwise the months added, its justification and when the person was
 * told (0: not extended). */
SOCLE_API uint32_t socle_rights_requests_extension_months(const socle_rights_requests* requests,
                                                          size_t index);
/* The extension's justification; "" when not extended. */
SOCLE_API const char* socle_rights_requests_justification(const socle_rights_requests* requests,
                                                          size_t index);
/* When the person was told of the extension; 0 when not extended. */
SOCLE_API int64_t socle_rights_requests_extension_notified_unix_seconds(
    const socle_rights_requests* requests, size_t index);
/* SOCLE_RIGHTS_REQUEST_STATUS_*, and when it was closed or withdrawn (0: open). */
SOCLE_API int32_t socle_rights_requests_status(const socle_rights_requests* requests,
                                               size_t index);
/* When it was closed or withdrawn (Unix seconds); 0 while open. */
SOCLE_API int64_t socle_rights_requests_closed_unix_seconds(const socle_rights_requests* requests,
                                                            size_t index);
/* Closed with no action: the reasons and the complaint information given. */
SOCLE_API const char* socle_rights_requests_reasons(const socle_rights_requests* requests,
                                                    size_t index);
/* Closed with no action: the information given on complaining to the CNIL and seeking a
 * judicial remedy. */
SOCLE_API const char* socle_rights_requests_complaint_information(
    const socle_rights_requests* requests, size_t index);
/* Days from the query's day (open) or the closing day (closed) to the deadline: 0 due that day,
 * negative when late. */
SOCLE_API int64_t socle_rights_requests_days_left(const socle_rights_requests* requests,
                                                  size_t index);
/* The revision of the event that recorded its receipt. */
SOCLE_API uint64_t socle_rights_requests_revision(const socle_rights_requests* requests,
                                                  size_t index);
/* (section rights: end) */

/* ------------------------------------------------------------------------------------------ */
/* ===== Personal data breaches: the register and its notifications (socle/breach.hpp) ===== */
/* (section breach: begin) */
/*
 * The register of personal data breaches (GDPR art. 33, 34; REQ-20; docs/retention-and-rights.md).
 * A breach is recorded with the time the controller became aware of it, its nature in category
 * words ([a-z0-9_-], no personal data), a risk level and approximate counts. The authority is
 * notified within 72 hours of awareness (later only with a reason for the delay); the persons are
 * told of a high-risk breach unless the data were unintelligible (art. 34(3)(a), asserted with its
 * reason); closing deletes nothing and is refused while a required notification is missing.
 * Every write is one state event and returns the new revision in *out_revision. Times are Unix
 * seconds (0: the engine's clock now).
 *
 * Thread safety: as every engine call; a socle_breaches is immutable. Messages never quote the
 * breach's id or free text.
 */

/* Risk to the persons (frozen; = socle::BreachRisk). */
#define SOCLE_BREACH_RISK_UNLIKELY 1 /* the authority is not notified; assessment required */
#define SOCLE_BREACH_RISK_RISK 2     /* the authority is notified */
#define SOCLE_BREACH_RISK_HIGH 3     /* the authority and the persons */

/* A list of breaches: immutable. Its strings are NUL-terminated and borrowed from it; an index
 * out of range gives 0 or "". */
typedef struct socle_breaches socle_breaches;

/* "unlikely", "risk", "high_risk"; "unspecified" for another value. Static storage. */
SOCLE_API const char* socle_breach_risk_name(int32_t risk);

/* Records the breach `breach` (the vendor's id, unique), known since `aware_unix_seconds` (not
 * after the engine's clock), of nature `nature` (category words, an array of strings), `risk`
 * (SOCLE_BREACH_RISK_*), `assessment` (required for UNLIKELY: why), `unintelligible` 0 or 1 with
 * its reason (required when 1), the approximate counts of persons and records concerned, recorded
 * by `recorded_by`. */
SOCLE_API int32_t socle_access_engine_record_breach(
    socle_access_engine* engine, const char* breach, size_t breach_len, int64_t aware_unix_seconds,
    const char* const* nature, const size_t* nature_lens, size_t nature_count, int32_t risk,
    const char* assessment, size_t assessment_len, int32_t unintelligible,
    const char* unintelligible_reason, size_t unintelligible_reason_len,
    uint64_t persons_concerned, uint64_t records_concerned, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* The authority was notified at `notified_unix_seconds`; `delay_reason` is required when that is
 * later than awareness + 72 h; `reference` is the authority's, or "". */
SOCLE_API int32_t socle_access_engine_notify_breach_authority(
    socle_access_engine* engine, const char* breach, size_t breach_len,
    int64_t notified_unix_seconds, const char* delay_reason, size_t delay_reason_len,
    const char* reference, size_t reference_len, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error);
/* The persons were told at `notified_unix_seconds`, by `means` (letter, e-mail, public
 * communication). */
SOCLE_API int32_t socle_access_engine_notify_breach_persons(
    socle_access_engine* engine, const char* breach, size_t breach_len,
    int64_t notified_unix_seconds, const char* means, size_t means_len, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* Closes the handling of `breach`; it stays in the register. */
SOCLE_API int32_t socle_access_engine_close_breach(socle_access_engine* engine, const char* breach,
                                                   size_t breach_len, const char* recorded_by,
                                                   size_t recorded_by_len, uint64_t* out_revision,
                                                   socle_error** error);

/* Every breach of the register, closed or not, in the order recorded, into a new *out (released
 * with socle_breaches_free). */
SOCLE_API int32_t socle_access_engine_breach_register(const socle_access_engine* engine,
                                                      socle_breaches** out, socle_error** error);
/* The breach `breach`, a list of one. SOCLE_E_NOT_FOUND for an unknown id. */
SOCLE_API int32_t socle_access_engine_get_breach(const socle_access_engine* engine,
                                                 const char* breach, size_t breach_len,
                                                 socle_breaches** out, socle_error** error);
/* The breaches whose authority notification is required, not made, and past its deadline at
 * `at_unix_seconds` (0: now), most late first. */
SOCLE_API int32_t socle_access_engine_overdue_breach_notifications(
    const socle_access_engine* engine, int64_t at_unix_seconds, socle_breaches** out,
    socle_error** error);

/* Releases the list; NULL is accepted. */
SOCLE_API void socle_breaches_free(socle_breaches* breaches);
/* The number of breaches of the list. */
SOCLE_API size_t socle_breaches_count(const socle_breaches* breaches);
/* The breach's id (the vendor's). */
SOCLE_API const char* socle_breaches_breach(const socle_breaches* breaches, size_t index);
/* When the controller became aware of it (Unix seconds). */
SOCLE_API int64_t socle_breaches_aware_unix_seconds(const socle_breaches* breaches, size_t index);
/* The nature's words: their number, and word `word` of line `index`. */
SOCLE_API size_t socle_breaches_nature_count(const socle_breaches* breaches, size_t index);
/* Word `word` of the nature of line `index`; "" out of range. */
SOCLE_API const char* socle_breaches_nature(const socle_breaches* breaches, size_t index,
                                            size_t word);
/* SOCLE_BREACH_RISK_*, the assessment, and the unintelligibility asserted (0 or 1) and why. */
SOCLE_API int32_t socle_breaches_risk(const socle_breaches* breaches, size_t index);
/* Why the risk is unlikely (required for UNLIKELY); or "". */
SOCLE_API const char* socle_breaches_assessment(const socle_breaches* breaches, size_t index);
/* 1 when the data were asserted unintelligible (art. 34(3)(a)), else 0. */
SOCLE_API int32_t socle_breaches_unintelligible(const socle_breaches* breaches, size_t index);
/* Why the data were unintelligible; or "". */
SOCLE_API const char* socle_breaches_unintelligible_reason(const socle_breaches* breaches,
                                                           size_t index);
/* The approximate number of persons concerned. */
SOCLE_API uint64_t socle_breaches_persons_concerned(const socle_breaches* breaches, size_t index);
/* The approximate number of records concerned. */
SOCLE_API uint64_t socle_breaches_records_concerned(const socle_breaches* breaches, size_t index);
/* The professional who recorded it. */
SOCLE_API const char* socle_breaches_recorded_by(const socle_breaches* breaches, size_t index);
/* The authority: whether it must be notified (0 or 1), by when (awareness + 72 h), when it was
 * (0: not yet), whether that was late (0 or 1), the reason for the delay and its reference. */
SOCLE_API int32_t socle_breaches_authority_notification_required(const socle_breaches* breaches,
                                                                  size_t index);
/* The authority's deadline: awareness + 72 hours (Unix seconds). */
SOCLE_API int64_t socle_breaches_authority_deadline_unix_seconds(const socle_breaches* breaches,
                                                                 size_t index);
/* When the authority was notified (Unix seconds); 0: not yet. */
SOCLE_API int64_t socle_breaches_authority_notified_unix_seconds(const socle_breaches* breaches,
                                                                 size_t index);
/* 1 when the authority was notified after its deadline, else 0. */
SOCLE_API int32_t socle_breaches_authority_notified_late(const socle_breaches* breaches,
                                                         size_t index);
/* The reason for a late notification; or "". */
SOCLE_API const char* socle_breaches_delay_reason(const socle_breaches* breaches, size_t index);
/* The authority's reference; or "". */
SOCLE_API const char* socle_breaches_authority_reference(const socle_breaches* breaches,
                                                         size_t index);
/* The persons: whether they must be told (0 or 1), when they were (0: not yet), by what means. */
SOCLE_API int32_t socle_breaches_person_notification_required(const socle_breaches* breaches,
                                                              size_t index);
/* When the persons were told (Unix seconds); 0: not yet. */
SOCLE_API int64_t socle_breaches_persons_notified_unix_seconds(const socle_breaches* breaches,
                                                               size_t index);
/* How the persons were told; or "". */
SOCLE_API const char* socle_breaches_persons_notification_means(const socle_breaches* breaches,
                                                                size_t index);
/* When its handling was closed (0: open). */
SOCLE_API int64_t socle_breaches_closed_unix_seconds(const socle_breaches* breaches, size_t index);
/* The revision of the event that recorded it. */
SOCLE_API uint64_t socle_breaches_revision(const socle_breaches* breaches, size_t index);
/* (section breach: end) */

/* ------------------------------------------------------------------------------------------ */
/* ===== Erasure (socle/erasure.hpp) ===== */
/* (section erasure: begin) */
/*
 * The right to erasure (GDPR art. 17; socle/erasure.hpp): a decision per data category (erase, or
 * refuse with the art. 17(3) exception and the policy element it rests on), the erasure itself
 * (the tombstone recorded first, then the person's vault key crypto-shredded through the access
 * trail), the tombstones a restore from backup reads, and legal holds. socle holds no case data:
 * the vendor deletes its rows of the categories the answer lists (active store, search indexes,
 * caches, derived pseudonymised datasets). After a whole erasure every decision about the person
 * is denied with SOCLE_REASON_ERASED and no list shows them. Messages never name a person.
 *
 * Thread safety: writes are serialised by the engine, reads use an immutable snapshot, as every
 * engine call; a socle_erasure is immutable (safe to read from several threads).
 */

/* Why a category is not erased (frozen; = socle::ErasureException). */
#define SOCLE_ERASURE_EXCEPTION_NONE 0
#define SOCLE_ERASURE_EXCEPTION_LEGAL_OBLIGATION 1          /* art. 17(3)(b), art. 6(1)(c) */
#define SOCLE_ERASURE_EXCEPTION_PUBLIC_TASK 2               /* art. 17(3)(b), art. 6(1)(e) */
#define SOCLE_ERASURE_EXCEPTION_ARCHIVING_PUBLIC_INTEREST 3 /* art. 17(3)(d) */
#define SOCLE_ERASURE_EXCEPTION_STATISTICS_89 4             /* art. 17(3)(d), art. 89 */
#define SOCLE_ERASURE_EXCEPTION_LEGAL_CLAIMS 5              /* art. 17(3)(e) */
#define SOCLE_ERASURE_EXCEPTION_ALREADY_ERASED 6            /* an earlier erasure took it */

/* Exceptions the controller asserts for every category asked for (bit flags, frozen). */
#define SOCLE_ERASURE_ASSERT_LEGAL_OBLIGATION (1u << 0)
#define SOCLE_ERASURE_ASSERT_PUBLIC_TASK (1u << 1)
#define SOCLE_ERASURE_ASSERT_ARCHIVING_PUBLIC_INTEREST (1u << 2)
#define SOCLE_ERASURE_ASSERT_STATISTICS_89 (1u << 3)
#define SOCLE_ERASURE_ASSERT_LEGAL_CLAIMS (1u << 4)

/* A decision on an erasure, and what was done when it came from socle_access_trail_erase. */
typedef struct socle_erasure socle_erasure;

/* The stable name of an exception ("legal_claims"…), or "unspecified". Static storage. */
SOCLE_API const char* socle_erasure_exception_name(int32_t exception);

/* Decides the erasure of `person`'s `categories` (DataCategory ids; count 0: the whole file) on
 * the legal day `day` ("YYYY-MM-DD"; empty: today by the engine's clock, Europe/Paris), with the
 * exceptions `asserted` (SOCLE_ERASURE_ASSERT_*), into *out (released with socle_erasure_free).
 * Nothing is recorded. SOCLE_E_NOT_FOUND for a person or a category unknown;
 * SOCLE_E_FAILED_PRECONDITION when the whole file was erased already. */
SOCLE_API int32_t socle_access_engine_decide_erasure(
    const socle_access_engine* engine, const char* person, size_t person_len,
    const char* const* categories, const size_t* category_lens, size_t category_count,
    uint32_t asserted, const char* day, size_t day_len, socle_erasure** out, socle_error** error);
/* Decides as socle_access_engine_decide_erasure (today) and erases what may be: records the
 * tombstone first (`request`: the erasure rights request it answers, or empty; `recorded_by`: the
 * professional), then, for a whole file, shreds the person's key through `trail`. A whole file
 * erased earlier is not decided again: its key is shredded if a crash left it. *out says what was
 * done (socle_erasure_recorded, _key_shredded, _vendor_delete…). */
SOCLE_API int32_t socle_access_trail_erase(
    socle_access_trail* trail, socle_access_engine* engine, const char* person, size_t person_len,
    const char* const* categories, const size_t* category_lens, size_t category_count,
    uint32_t asserted, const char* request, size_t request_len, const char* recorded_by,
    size_t recorded_by_len, socle_erasure** out, socle_error** error);
/* Releases an erasure; NULL is accepted. */
SOCLE_API void socle_erasure_free(socle_erasure* erasure);
/* 1 when the request covered the whole file. */
SOCLE_API int32_t socle_erasure_whole(const socle_erasure* erasure);
/* 1 when every category asked for is erased (now or earlier). */
SOCLE_API int32_t socle_erasure_all_erased(const socle_erasure* erasure);
/* The categories decided, by category id. */
SOCLE_API size_t socle_erasure_category_count(const socle_erasure* erasure);
/* Category `index`: its id, its rule and its detail (borrowed, valid as long as the erasure; ""
 * out of range), whether it is erased (1) and its exception (SOCLE_ERASURE_EXCEPTION_*). */
SOCLE_API const char* socle_erasure_category(const socle_erasure* erasure, size_t index);
/* 1 when category `index` is erased (or to erase), 0 otherwise. */
SOCLE_API int32_t socle_erasure_category_erase(const socle_erasure* erasure, size_t index);
/* Its exception (SOCLE_ERASURE_EXCEPTION_*; NONE when erased or out of range). */
SOCLE_API int32_t socle_erasure_category_exception(const socle_erasure* erasure, size_t index);
/* The policy element the answer rests on ("activities[2] (id)", "legal_hold", "request"; "" when
 * erased). Borrowed. */
SOCLE_API const char* socle_erasure_category_rule(const socle_erasure* erasure, size_t index);
/* A sentence a DPO can read. Borrowed. */
SOCLE_API const char* socle_erasure_category_detail(const socle_erasure* erasure, size_t index);
/* The decision as text (UTF-8, one line per category) into *out. */
SOCLE_API int32_t socle_erasure_text(const socle_erasure* erasure, socle_buffer* out,
                                     socle_error** error);
/* From socle_access_trail_erase (0 otherwise): a tombstone was recorded now, at revision
 * socle_erasure_revision; the whole file is erased; this call destroyed the person's key. */
SOCLE_API int32_t socle_erasure_recorded(const socle_erasure* erasure);
/* The state revision of the tombstone recorded now (0 if none). */
SOCLE_API uint64_t socle_erasure_revision(const socle_erasure* erasure);
/* 1 when the whole file is erased (now or earlier). */
SOCLE_API int32_t socle_erasure_whole_erased(const socle_erasure* erasure);
/* 1 when this call destroyed the person's vault key. */
SOCLE_API int32_t socle_erasure_key_shredded(const socle_erasure* erasure);
/* From socle_access_trail_erase: the categories whose rows the vendor deletes now (borrowed; ""
 * out of range). */
SOCLE_API size_t socle_erasure_vendor_delete_count(const socle_erasure* erasure);
/* Category id `index` of those (borrowed; "" out of range). */
SOCLE_API const char* socle_erasure_vendor_delete(const socle_erasure* erasure, size_t index);

/* The tombstones recorded after `since_revision` (0: all), in order, as text into *out: one line
 * per erasure, tab-separated: person, day (YYYY-MM-DD), categories (comma-separated; empty: the
 * whole file), rights request, recorded_by, revision. */
SOCLE_API int32_t socle_access_engine_tombstones(const socle_access_engine* engine,
                                                 uint64_t since_revision, socle_buffer* out,
                                                 socle_error** error);
/* *out_erased 1 when a restore from backup must skip the vendor's row of `person` in `category`
 * (empty: the person as a whole), 0 otherwise (an unknown person included). */
SOCLE_API int32_t socle_access_engine_erased_row(const socle_access_engine* engine,
                                                 const char* person, size_t person_len,
                                                 const char* category, size_t category_len,
                                                 int32_t* out_erased, socle_error** error);
/* After restoring `vault`'s database from a backup: shreds again the key of every person whose
 * whole file `engine` has a tombstone for; *out_shredded keys were shredded. */
SOCLE_API int32_t socle_vault_reapply_tombstones(socle_vault* vault,
                                                 const socle_access_engine* engine,
                                                 uint64_t* out_shredded, socle_error** error);
/* Holds `person`'s file for legal claims (art. 17(3)(e)): `reason` required, `reference`
 * optional. No erasure proceeds while it stands. */
SOCLE_API int32_t socle_access_engine_set_legal_hold(
    socle_access_engine* engine, const char* person, size_t person_len, const char* reason,
    size_t reason_len, const char* reference, size_t reference_len, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* Lifts the hold; SOCLE_E_FAILED_PRECONDITION when none stands. */
SOCLE_API int32_t socle_access_engine_lift_legal_hold(socle_access_engine* engine,
                                                      const char* person, size_t person_len,
                                                      const char* recorded_by,
                                                      size_t recorded_by_len,
                                                      uint64_t* out_revision, socle_error** error);
/* (section erasure: end) */

/* ------------------------------------------------------------------------------------------ */
/* (section restriction and rectification: begin) */
/* Restriction of processing (GDPR art. 18) and rectification (art. 16 and 19): the C twin of
 * socle/restriction.hpp and socle/rectification.hpp. A restricted file (item empty) or item is
 * stored only: decisions on it are denied with SOCLE_REASON_RESTRICTED unless the request's
 * restriction_justification names one of art. 18(2)'s, then allowed with
 * SOCLE_REASON_ALLOWED_UNDER_RESTRICTION (every other check first). Lifting needs the person told
 * beforehand (art. 18(3)). socle holds no content: a rectification gives the SHA-256 of the version
 * replaced and of the new one; the person's statement, its SHA-256 only. Each record queues one
 * notice per professional the item was shared with before (art. 19). Every write is one state
 * event and returns the new revision in *out_revision (may be NULL); the engine is safe for
 * concurrent use. Strings are (pointer, length); `item` may be empty where noted. */

/* Justifications of art. 18(2) (socle_access_request.restriction_justification). */
#define SOCLE_RESTRICTION_JUSTIFICATION_NONE 0
#define SOCLE_RESTRICTION_JUSTIFICATION_SUBJECT_CONSENT 1
#define SOCLE_RESTRICTION_JUSTIFICATION_LEGAL_CLAIMS 2
#define SOCLE_RESTRICTION_JUSTIFICATION_PROTECTION_OF_OTHERS 3
#define SOCLE_RESTRICTION_JUSTIFICATION_IMPORTANT_PUBLIC_INTEREST 4

/* Grounds of art. 18(1). */
#define SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED 1  /* (a) */
#define SOCLE_RESTRICTION_GROUND_UNLAWFUL_PROCESSING 2 /* (b) the person opposes erasure */
#define SOCLE_RESTRICTION_GROUND_LEGAL_CLAIMS 3        /* (c) */
#define SOCLE_RESTRICTION_GROUND_OBJECTION_PENDING 4   /* (d) */

/* The stable name of a justification ("legal_claims"), or "unspecified". Static storage. */
SOCLE_API const char* socle_access_request_justification_name(int32_t justification);

/* Restricts the person's whole file (`item` empty) or one item, on `ground`
 * (SOCLE_RESTRICTION_GROUND_*), answering the rights request `rights_request` (may be empty).
 * SOCLE_E_ALREADY_EXISTS when one is in force on the same item. */
SOCLE_API int32_t socle_access_engine_restrict(socle_access_engine* engine, const char* person,
                                               size_t person_len, const char* item, size_t item_len,
                                               int32_t ground, const char* rights_request,
                                               size_t rights_request_len, const char* recorded_by,
                                               size_t recorded_by_len, uint64_t* out_revision,
                                               socle_error** error);
/* Records that the person was told, at `notified_unix_seconds` (0: now), through `channel`
 * (SOCLE_CONSENT_CHANNEL_*), that the restriction on `item` is going to be lifted. */
SOCLE_API int32_t socle_access_engine_notify_restriction_lift(
    socle_access_engine* engine, const char* person, size_t person_len, const char* item,
    size_t item_len, int64_t notified_unix_seconds, int32_t channel, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* Lifts the restriction on `item`. SOCLE_E_FAILED_PRECONDITION when none is in force or when the
 * prior notice to the person was not recorded. */
SOCLE_API int32_t socle_access_engine_lift_restriction(socle_access_engine* engine,
                                                       const char* person, size_t person_len,
                                                       const char* item, size_t item_len,
                                                       const char* recorded_by,
                                                       size_t recorded_by_len,
                                                       uint64_t* out_revision, socle_error** error);
/* Whether a restriction in force covers a request on `item` (empty: a request naming no item):
 * *out_restricted 0 or 1, and *out_ground (may be NULL) its SOCLE_RESTRICTION_GROUND_* or 0. */
SOCLE_API int32_t socle_access_engine_restricted(const socle_access_engine* engine,
                                                 const char* person, size_t person_len,
                                                 const char* item, size_t item_len,
                                                 int32_t* out_restricted, int32_t* out_ground,
                                                 socle_error** error);

/* The person's restrictions, in the order set, one line each, into *out (UTF-8):
 * "item<TAB>ground<TAB>in_force<TAB>set_unix_seconds<TAB>notified_unix_seconds<TAB>
 * lifted_unix_seconds<TAB>rights_request<LF>" (item empty: the whole file; ground a
 * SOCLE_RESTRICTION_GROUND_*; in_force 0 or 1; a time not recorded is 0). With `include_lifted`
 * 0, only those in force. *out_count (may be NULL) receives their number. SOCLE_E_NOT_FOUND for
 * a person not in the directory. */
SOCLE_API int32_t socle_access_engine_restrictions(const socle_access_engine* engine,
                                                   const char* person, size_t person_len,
                                                   int32_t include_lifted, socle_buffer* out,
                                                   size_t* out_count, socle_error** error);

/* Records a new version of `item` (rectification id `rectification`, unique for the person):
 * `previous_sha256` and `new_sha256` are 32 bytes each, the first the item's current version;
 * `category` (may be empty) is the item's data category; `contested` (0 or 1): the person still
 * contests its accuracy; `statement_sha256` (NULL and 0: none) the person's statement.
 * SOCLE_E_FAILED_PRECONDITION when previous_sha256 is not the current version. */
SOCLE_API int32_t socle_access_engine_record_rectification(
    socle_access_engine* engine, const char* person, size_t person_len, const char* rectification,
    size_t rectification_len, const char* item, size_t item_len, const char* category,
    size_t category_len, const uint8_t* previous_sha256, size_t previous_sha256_len,
    const uint8_t* new_sha256, size_t new_sha256_len, int32_t contested,
    const uint8_t* statement_sha256, size_t statement_sha256_len, const char* rights_request,
    size_t rights_request_len, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error);
/* Attaches the person's statement (its 32-byte SHA-256; the text stays with you) to a contested
 * item, as record `rectification`. SOCLE_E_FAILED_PRECONDITION when the item is not contested. */
SOCLE_API int32_t socle_access_engine_record_person_statement(
    socle_access_engine* engine, const char* person, size_t person_len, const char* rectification,
    size_t rectification_len, const char* item, size_t item_len, const char* category,
    size_t category_len, const uint8_t* statement_sha256, size_t statement_sha256_len,
    const char* rights_request, size_t rights_request_len, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* Records that `recipient` was told of `rectification` at `notified_unix_seconds` (0: now)
 * through `channel` (SOCLE_CONSENT_CHANNEL_*). SOCLE_E_FAILED_PRECONDITION when no notice to them
 * is queued, SOCLE_E_ALREADY_EXISTS when already recorded. */
SOCLE_API int32_t socle_access_engine_record_rectification_notified(
    socle_access_engine* engine, const char* person, size_t person_len, const char* rectification,
    size_t rectification_len, const char* recipient, size_t recipient_len,
    int64_t notified_unix_seconds, int32_t channel, const char* recorded_by, size_t recorded_by_len,
    uint64_t* out_revision, socle_error** error);
/* The person's notices still to send, one line each, oldest first, into *out (UTF-8):
 * "rectification<TAB>item<TAB>recipient<TAB>queued_unix_seconds<LF>". *out_count (may be NULL)
 * receives their number. */
SOCLE_API int32_t socle_access_engine_pending_rectification_notices(
    const socle_access_engine* engine, const char* person, size_t person_len, socle_buffer* out,
    size_t* out_count, socle_error** error);
/* The SHA-256 of the item's current version (the new one of its last rectification) into
 * out[0, 32) (out_capacity >= 32) and *out_known 1; *out_known 0 when it was never rectified. */
SOCLE_API int32_t socle_access_engine_current_item_version(const socle_access_engine* engine,
                                                           const char* person, size_t person_len,
                                                           const char* item, size_t item_len,
                                                           uint8_t* out, size_t out_capacity,
                                                           int32_t* out_known, socle_error** error);
/* (section restriction and rectification: end) */

/* ------------------------------------------------------------------------------------------ */
/* Retention sweep (socle/retention_sweep.hpp; REQ-36): at the end of retention, the purge of  */
/* what is due, the crypto-shredding of persons whose whole file is due, the vendor's to-do    */
/* list, signed deletion certificates, and the archives service's elimination visas.          */
/* A sweep writes through the engine (serialised by it); run one sweep at a time per tenant.  */
/* (section retention sweep) */

/* A to-do row's or a certificate's end action is a SOCLE_RETENTION_END_ACTION_* (section
 * retention): what the vendor does with the rows of a purged (person, category). ANONYMISE: the
 * vendor anonymises them (socle does not see them); DEFINITIVE_ARCHIVE: the vendor transfers them
 * to the archives service. */

/* A sweep's report: immutable; its strings are NUL-terminated and borrowed from it; an index out
 * of range gives 0 or "". */
typedef struct socle_sweep_report socle_sweep_report;

/* Runs the retention sweep on `day` ("YYYY-MM-DD", no later than the engine's today in
 * Europe/Paris) into a new *out: purges in batches of `batch_size` persons (1 to 10000) what is
 * due on `engine` (and what awaited a visa now recorded), crypto-shreds through `trail` the
 * persons whose every category with a rule is purged (none to transfer to the archives), and
 * issues one certificate per (category, rule, end action) signed with `key` and recorded in
 * `trail`. `recorded_by` is an active professional. A sweep that failed halfway is finished by
 * the next call (any day not before it): nothing is purged or certified twice. */
SOCLE_API int32_t socle_access_trail_retention_sweep(
    socle_access_trail* trail, socle_access_engine* engine, const socle_export_signing_key* key,
    const char* day, size_t day_len, size_t batch_size, const char* recorded_by,
    size_t recorded_by_len, socle_sweep_report** out, socle_error** error);
/* The plan of a sweep on `day` (a dry run) into a new *out: the same changes, to-do list and
 * counts; nothing recorded, nothing shredded, no certificate. Any day may be planned. */
SOCLE_API int32_t socle_access_engine_plan_retention_sweep(const socle_access_engine* engine,
                                                           const char* day, size_t day_len,
                                                           socle_sweep_report** out,
                                                           socle_error** error);
/* Releases a report; NULL is accepted. */
SOCLE_API void socle_sweep_report_free(socle_sweep_report* report);
/* The sweep's day ("YYYY-MM-DD"). */
SOCLE_API const char* socle_sweep_report_day(const socle_sweep_report* report);
/* 1 when a sweep of the same day had begun and this call finished it, else 0. */
SOCLE_API int32_t socle_sweep_report_resumed(const socle_sweep_report* report);
/* The (person, category) items purged by this call (planned, in a dry run). */
SOCLE_API uint64_t socle_sweep_report_purged(const socle_sweep_report* report);
/* The persons crypto-shredded by this call. */
SOCLE_API uint64_t socle_sweep_report_shredded(const socle_sweep_report* report);
/* The (person, category) items still awaiting an elimination visa. */
SOCLE_API uint64_t socle_sweep_report_awaiting_visa(const socle_sweep_report* report);
/* The (person, category) whose phase changed since the previous sweep's day. */
SOCLE_API size_t socle_sweep_report_change_count(const socle_sweep_report* report);
/* The rows of the vendor's to-do list: row `index` is the rows of one category of one person
 * to delete, anonymise or transfer. */
SOCLE_API size_t socle_sweep_report_todo_count(const socle_sweep_report* report);
/* The person of row `index`. */
SOCLE_API const char* socle_sweep_report_todo_person(const socle_sweep_report* report,
                                                     size_t index);
/* The data category of row `index`. */
SOCLE_API const char* socle_sweep_report_todo_category(const socle_sweep_report* report,
                                                       size_t index);
/* The end action of row `index` (SOCLE_RETENTION_END_ACTION_*). */
SOCLE_API int32_t socle_sweep_report_todo_action(const socle_sweep_report* report, size_t index);
/* The rule of row `index` ("activities[i].retention[j]" of the policy). */
SOCLE_API const char* socle_sweep_report_todo_rule(const socle_sweep_report* report,
                                                   size_t index);
/* The elimination visa that released row `index`, or "" when it awaited none. */
SOCLE_API const char* socle_sweep_report_todo_visa(const socle_sweep_report* report,
                                                   size_t index);
/* The certificates issued by this call (none in a dry run). No person id, no content. */
SOCLE_API size_t socle_sweep_report_certificate_count(const socle_sweep_report* report);
/* The data category of certificate `index`. */
SOCLE_API const char* socle_sweep_report_certificate_category(const socle_sweep_report* report,
                                                              size_t index);
/* The (person, category) items certificate `index` counts. */
SOCLE_API uint64_t socle_sweep_report_certificate_count_of(const socle_sweep_report* report,
                                                           size_t index);
/* The end action of certificate `index` (SOCLE_RETENTION_END_ACTION_*). */
SOCLE_API int32_t socle_sweep_report_certificate_end_action(const socle_sweep_report* report,
                                                            size_t index);
/* The elimination visa of certificate `index`, or "". */
SOCLE_API const char* socle_sweep_report_certificate_visa(const socle_sweep_report* report,
                                                          size_t index);
/* Certificate `index`'s bytes (socle.v1.DeletionCertificate, proto/socle/v1/retention.proto)
 * into *out_certificate and its 64-byte Ed25519 signature into *out_signature.
 * SOCLE_E_OUT_OF_RANGE for an index past the end. */
SOCLE_API int32_t socle_sweep_report_certificate_bytes(const socle_sweep_report* report,
                                                       size_t index, socle_buffer* out_certificate,
                                                       socle_buffer* out_signature,
                                                       socle_error** error);
/* SOCLE_OK when `signature` is the signature of `certificate` by the signer key it names;
 * SOCLE_E_VERIFICATION_FAILED otherwise. Compare that key with the tenant's export key too. */
SOCLE_API int32_t socle_deletion_certificate_verify(const uint8_t* certificate,
                                                    size_t certificate_len,
                                                    const uint8_t* signature, size_t signature_len,
                                                    socle_error** error);
/* Records the archives service's elimination visa `reference` (unique) for `category`: items
 * awaiting a visa since `through` ("YYYY-MM-DD", no later than today) or before are purged at
 * the next sweep (Code du patrimoine R212-14). *out_revision (may be NULL): the state revision. */
SOCLE_API int32_t socle_access_engine_record_elimination_visa(
    socle_access_engine* engine, const char* reference, size_t reference_len, const char* category,
    size_t category_len, const char* through, size_t through_len, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* (section retention sweep: end) */

/* (section statistics) */

/* Anonymous statistics tables (REQ-53, issue 14; socle/statistics.hpp and
 * socle/statistics_release.hpp in C++, docs/statistics.md "C ABI and bindings"): a
 * socle_table_builder takes the records (one generalised label per dimension, an optional amount
 * in cents), socle_table_builder_finish makes the confidential socle_statistics_table, and the
 * access trail publishes it, protected by suppression (socle_access_trail_publish_table) or by
 * differential-privacy noise charged to a privacy budget
 * (socle_access_trail_publish_noisy_table), as an immutable socle_statistics_release. */

/* A released cell's status (= socle::CellStatus). */
#define SOCLE_CELL_STATUS_PUBLISHED 0
#define SOCLE_CELL_STATUS_PRIMARY_SUPPRESSED 1   /* sensitive: count and sum withheld */
#define SOCLE_CELL_STATUS_SECONDARY_SUPPRESSED 2 /* withheld to protect a sensitive cell */
#define SOCLE_CELL_STATUS_NOISY 3                /* published with differential-privacy noise */

/* A noisy release's mechanism (= socle::NoiseMechanism). */
#define SOCLE_NOISE_DISCRETE_LAPLACE 1  /* pure ε-DP; the parameter is the scale t */
#define SOCLE_NOISE_DISCRETE_GAUSSIAN 2 /* ρ-zCDP; the parameter is the variance σ² */

/* Builds a table from streamed records: one thread at a time. */
typedef struct socle_table_builder socle_table_builder;
/* A finished table with every margin: immutable. Confidential (it holds each cell's largest
 * contributions): it is never rendered, only published. */
typedef struct socle_statistics_table socle_statistics_table;
/* The options of a noisy release: one thread at a time; read (copied) by the publishing call. */
typedef struct socle_noise_options socle_noise_options;
/* A released table: immutable, every call thread-safe; its strings are NUL-terminated and
 * borrowed from it; an index out of range gives 0 or "". Aggregates only. */
typedef struct socle_statistics_release socle_statistics_release;
/* A dataset's privacy budget as read on one snapshot: immutable. */
typedef struct socle_privacy_budget socle_privacy_budget;

/* A new builder into *out for the dimensions `names` (1 to 4 distinct non-empty names, as
 * pointers and lengths). `with_amounts` (0 or 1): whether records carry amounts in cents (the
 * table then has sums, checked by the dominance and p% rules). SOCLE_E_INVALID_ARGUMENT for no
 * dimension, more than 4, an empty or repeated name. */
SOCLE_API int32_t socle_table_builder_create(const char* const* names, const size_t* name_lens,
                                             size_t name_count, int32_t with_amounts,
                                             socle_table_builder** out, socle_error** error);
/* Releases a builder (finished or not); NULL is accepted. */
SOCLE_API void socle_table_builder_free(socle_table_builder* builder);
/* Adds `record_count` records in one call. `labels` and `label_lens` hold
 * record_count × dimension_count strings, dimension-major: the labels of dimension 0 for every
 * record, then those of dimension 1..., so label d of record r is labels[d * record_count + r]
 * (one column per dimension, as a data frame holds them). `amounts` (record_count values, cents,
 * non-negative) is required with amounts and must be NULL without. Records are added in order:
 * on a refused record the ones before it stay added, *out_added (may be NULL) says how many, and
 * the message names the record's position in the call ("records[i]") and its dimension, never
 * a label or an amount. SOCLE_E_INVALID_ARGUMENT (an empty label, a negative amount, amounts missing or
 * unexpected), SOCLE_E_RESOURCE_EXHAUSTED (too many labels on a dimension, too many cells),
 * SOCLE_E_FAILED_PRECONDITION (the builder is finished). */
SOCLE_API int32_t socle_table_builder_add_columns(socle_table_builder* builder, size_t record_count,
                                                  const char* const* labels,
                                                  const size_t* label_lens, const int64_t* amounts,
                                                  uint64_t* out_added, socle_error** error);
/* The records added so far (0 for NULL or a finished builder). */
SOCLE_API uint64_t socle_table_builder_records(const socle_table_builder* builder);
/* Finishes the table into *out: every margin summed. The builder is consumed (later calls are
 * SOCLE_E_FAILED_PRECONDITION) and still freed with socle_table_builder_free.
 * SOCLE_E_FAILED_PRECONDITION when no record was added, SOCLE_E_OUT_OF_RANGE when a sum
 * overflows 64 bits. */
SOCLE_API int32_t socle_table_builder_finish(socle_table_builder* builder,
                                             socle_statistics_table** out, socle_error** error);
/* Releases a table; NULL is accepted. */
SOCLE_API void socle_statistics_table_free(socle_statistics_table* table);
/* The number of records (the grand total's count). */
SOCLE_API uint64_t socle_statistics_table_record_count(const socle_statistics_table* table);
/* The number of cells, margins included: Π (categories of dimension d + 1). */
SOCLE_API size_t socle_statistics_table_cell_count(const socle_statistics_table* table);

/* Protects `table` by suppression under the rules of the trail's policy (its statistics block:
 * k ≥ 3, dominance; the policy refuses k < 3 when it is loaded), with the p% rule at
 * `p_percent` (1 to 99; 0: off), audits it, records the release in `trail` (operation
 * "statistics_release" by `actor`) and returns it into *out. `name`: the table's name (a label,
 * 1 to 128 bytes); `activity`: a STATISTICS activity of the policy. SOCLE_E_INVALID_ARGUMENT
 * (a bad name or p_percent), SOCLE_E_NOT_FOUND (no such activity), SOCLE_E_FAILED_PRECONDITION
 * (not a statistics activity, or a cell that cannot be protected: coarsen the table), and the
 * trail's errors; nothing is recorded on a refusal. */
SOCLE_API int32_t socle_access_trail_publish_table(
    socle_access_trail* trail, const socle_statistics_table* table, const char* name,
    size_t name_len, const char* activity, size_t activity_len, const char* actor, size_t actor_len,
    uint32_t p_percent, socle_statistics_release** out, socle_error** error);

/* New noise options into *out: no dataset, SOCLE_NOISE_DISCRETE_LAPLACE, parameter 1/1, one
 * record per person, amount bound 0 (sums not released), negative cells clamped. */
SOCLE_API int32_t socle_noise_options_new(socle_noise_options** out, socle_error** error);
/* Releases options; NULL is accepted. */
SOCLE_API void socle_noise_options_free(socle_noise_options* options);
/* The privacy budget charged: a statistics.privacy_budgets id of the policy. */
SOCLE_API int32_t socle_noise_options_set_dataset(socle_noise_options* options, const char* dataset,
                                                  size_t dataset_len, socle_error** error);
/* The mechanism, SOCLE_NOISE_*; another value is SOCLE_E_INVALID_ARGUMENT. */
SOCLE_API int32_t socle_noise_options_set_mechanism(socle_noise_options* options, int32_t mechanism,
                                                    socle_error** error);
/* The counts' Laplace scale t or Gaussian variance σ², as numerator/denominator (both > 0, else
 * SOCLE_E_INVALID_ARGUMENT); sums use it times the amount bound (its square for Gaussian). */
SOCLE_API int32_t socle_noise_options_set_parameter(socle_noise_options* options,
                                                    uint64_t numerator, uint64_t denominator,
                                                    socle_error** error);
/* The most records one person contributes (≥ 1, else SOCLE_E_INVALID_ARGUMENT). */
SOCLE_API int32_t socle_noise_options_set_records_per_person(socle_noise_options* options,
                                                             uint32_t records_per_person,
                                                             socle_error** error);
/* Sums are noised and released when > 0: every amount must be at most this many cents (a larger
 * one refuses the release). Negative: SOCLE_E_INVALID_ARGUMENT. */
SOCLE_API int32_t socle_noise_options_set_amount_bound(socle_noise_options* options,
                                                       int64_t amount_bound, socle_error** error);
/* 1: negative noisy base cells become 0 before the margins are summed; 0: published as drawn. */
SOCLE_API int32_t socle_noise_options_set_clamp_negative(socle_noise_options* options,
                                                         int32_t clamp_negative,
                                                         socle_error** error);
/* Charges the release to the options' dataset budget in `engine` (the trail's engine), adds
 * noise (libsodium's generator), sums the margins, records the release in `trail` and returns it
 * into *out (every cell SOCLE_CELL_STATUS_NOISY). Refused before the charge, nothing changed:
 * SOCLE_E_INVALID_ARGUMENT (bad options or name, an amount above the bound), the activity's
 * errors as socle_access_trail_publish_table, SOCLE_E_NOT_FOUND (no such dataset),
 * SOCLE_E_RESOURCE_EXHAUSTED (the budget left is too small), SOCLE_E_FAILED_PRECONDITION (a
 * Gaussian release under δ = 0). An error after the charge leaves the budget spent. */
SOCLE_API int32_t socle_access_trail_publish_noisy_table(
    socle_access_trail* trail, socle_access_engine* engine, const socle_statistics_table* table,
    const char* name, size_t name_len, const char* activity, size_t activity_len, const char* actor,
    size_t actor_len, const socle_noise_options* noise, socle_statistics_release** out,
    socle_error** error);

/* Releases a release; NULL is accepted. */
SOCLE_API void socle_statistics_release_free(socle_statistics_release* release);
/* The table's name. */
SOCLE_API const char* socle_statistics_release_name(const socle_statistics_release* release);
/* The number of dimensions (1 to 4). */
SOCLE_API size_t socle_statistics_release_dimension_count(const socle_statistics_release* release);
/* The name of dimension `dimension`. */
SOCLE_API const char* socle_statistics_release_dimension_name(
    const socle_statistics_release* release, size_t dimension);
/* The number of categories of dimension `dimension` (its total excluded). */
SOCLE_API size_t socle_statistics_release_category_count(const socle_statistics_release* release,
                                                         size_t dimension);
/* Category `index` of dimension `dimension` (sorted labels). */
SOCLE_API const char* socle_statistics_release_category(const socle_statistics_release* release,
                                                        size_t dimension, size_t index);
/* The number of cells, margins included. Cells are in row-major order over (category or total)
 * per dimension, the last dimension fastest; on dimension d the total is coordinate
 * category_count(d): cell index = Σ coordinate_d × Π_{e>d} (category_count(e) + 1). The last cell
 * is the grand total. */
SOCLE_API size_t socle_statistics_release_cell_count(const socle_statistics_release* release);
/* Cell `index`'s status (SOCLE_CELL_STATUS_*; 0 out of range). */
SOCLE_API int32_t socle_statistics_release_cell_status(const socle_statistics_release* release,
                                                       size_t index);
/* 1 when cell `index` has a published count (not suppressed), else 0. */
SOCLE_API int32_t socle_statistics_release_cell_has_count(const socle_statistics_release* release,
                                                          size_t index);
/* Cell `index`'s published count (noisy for a noisy release; 0 without one). */
SOCLE_API int64_t socle_statistics_release_cell_count_value(const socle_statistics_release* release,
                                                            size_t index);
/* 1 when cell `index` has a published sum (a table with amounts, not suppressed; for a noisy
 * release, an amount bound was set), else 0. */
SOCLE_API int32_t socle_statistics_release_cell_has_sum(const socle_statistics_release* release,
                                                        size_t index);
/* Cell `index`'s published sum in cents (0 without one). */
SOCLE_API int64_t socle_statistics_release_cell_sum(const socle_statistics_release* release,
                                                    size_t index);
/* Cells [first, first + count) in one call (for bindings): their statuses, counts and sums into
 * caller arrays of `count` elements (out_sums may be NULL); a withheld value is 0, and
 * out_flags[i] (may be NULL) has bit 1 when the count is published and bit 2 when the sum is.
 * SOCLE_E_OUT_OF_RANGE when the range passes the last cell. */
SOCLE_API int32_t socle_statistics_release_cells(const socle_statistics_release* release,
                                                 size_t first, size_t count, int32_t* out_statuses,
                                                 int64_t* out_counts, int64_t* out_sums,
                                                 int32_t* out_flags, socle_error** error);
/* 1 when the release is noisy (differential privacy), else 0. */
SOCLE_API int32_t socle_statistics_release_noisy(const socle_statistics_release* release);
/* The cells suppressed as sensitive (primary suppression). */
SOCLE_API uint64_t
socle_statistics_release_primary_suppressed(const socle_statistics_release* release);
/* The cells suppressed to protect the sensitive ones (secondary suppression). */
SOCLE_API uint64_t
socle_statistics_release_secondary_suppressed(const socle_statistics_release* release);
/* The release as JSON (socle.v1.StatisticsDocument in protobuf's JSON mapping: labels, counts,
 * sums, the audit's intervals of suppressed cells, the noise's parameters) into *out. */
SOCLE_API int32_t socle_statistics_release_json(const socle_statistics_release* release,
                                                socle_buffer* out, socle_error** error);
/* The release as CSV (RFC 4180, CRLF): a header line, then one line per cell in cell order: one
 * column per dimension (its label, "total" for a margin), status, count, sum, count_min,
 * count_max, sum_min, sum_max. */
SOCLE_API int32_t socle_statistics_release_csv(const socle_statistics_release* release,
                                               socle_buffer* out, socle_error** error);
/* Writes the release into `writer` (created with SOCLE_EXPORT_KIND_STATISTICS_TABLE): the table's
 * record, then one record per cell; finishes the file. *out_records and *out_bytes (may be NULL):
 * what was written. The writer's errors. */
SOCLE_API int32_t socle_statistics_release_write_export(const socle_statistics_release* release,
                                                        socle_export_writer* writer,
                                                        uint64_t* out_records, uint64_t* out_bytes,
                                                        socle_error** error);

/* `dataset`'s privacy budget on the engine's current snapshot into *out: its (ε, δ) as the
 * policy declares it and what the recorded releases spent. SOCLE_E_NOT_FOUND when the policy
 * declares no such dataset; SOCLE_E_RESOURCE_EXHAUSTED when the recorded charges exceed a budget
 * the policy has since lowered. */
SOCLE_API int32_t socle_access_engine_privacy_budget(const socle_access_engine* engine,
                                                     const char* dataset, size_t dataset_len,
                                                     socle_privacy_budget** out,
                                                     socle_error** error);
/* Releases a budget; NULL is accepted. */
SOCLE_API void socle_privacy_budget_free(socle_privacy_budget* budget);
/* ε, as numerator and denominator. */
SOCLE_API uint64_t socle_privacy_budget_epsilon_numerator(const socle_privacy_budget* budget);
/* ε's denominator. */
SOCLE_API uint64_t socle_privacy_budget_epsilon_denominator(const socle_privacy_budget* budget);
/* δ (0 for a pure budget). */
SOCLE_API uint64_t socle_privacy_budget_delta_numerator(const socle_privacy_budget* budget);
/* δ's denominator. */
SOCLE_API uint64_t socle_privacy_budget_delta_denominator(const socle_privacy_budget* budget);
/* Σ ε of the discrete Laplace releases charged, in lowest terms. */
SOCLE_API uint64_t
socle_privacy_budget_laplace_epsilon_spent_numerator(const socle_privacy_budget* budget);
/* The Laplace ε spent's denominator. */
SOCLE_API uint64_t
socle_privacy_budget_laplace_epsilon_spent_denominator(const socle_privacy_budget* budget);
/* Σ ρ of the discrete Gaussian releases charged (zCDP), in lowest terms. */
SOCLE_API uint64_t socle_privacy_budget_rho_spent_numerator(const socle_privacy_budget* budget);
/* The ρ spent's denominator. */
SOCLE_API uint64_t socle_privacy_budget_rho_spent_denominator(const socle_privacy_budget* budget);
/* The number of charges recorded (one per noised measure of each release). */
SOCLE_API size_t socle_privacy_budget_charge_count(const socle_privacy_budget* budget);
/* (section statistics: end) */

/* ------------------------------------------------------------------------------------------ */
/* ===== The register in French and as DPV JSON-LD (socle/policy.hpp, RegisterLanguage) ===== */
/* (section register language: begin) */
/*
 * The register of processing activities (GDPR art. 30(1)) in the language of the DPO who files
 * it: French (the default) under the headings of the CNIL's model register ("fiche de registre":
 * Finalité(s), Base légale, Catégories de personnes concernées, Catégories de données, Données
 * sensibles, Destinataires, Transferts hors UE, Durées de conservation, Mesures de sécurité), or
 * English. Every sentence socle writes (legal bases, retention periods, statistical disclosure
 * control, pseudonymised datasets) is in that language; what the DPO wrote is copied as written.
 * SOCLE_REGISTER_JSONLD is the register in the W3C Data Privacy Vocabulary (https://w3id.org/dpv)
 * as JSON-LD: one dpv:Process per activity, texts tagged with the language.
 * A socle_policy is immutable: these calls are thread-safe. docs/policy-reference.md, "The
 * register", shows the three formats.
 */

/* The register as JSON-LD in the W3C Data Privacy Vocabulary (a socle_policy_render_register*
 * format, after SOCLE_REGISTER_MARKDOWN 1 and SOCLE_REGISTER_JSON 2). */
#define SOCLE_REGISTER_JSONLD 3

/* The register's language. */
#define SOCLE_REGISTER_LANG_FR 1
#define SOCLE_REGISTER_LANG_EN 2

/* Renders the register of `policy` in `format` (SOCLE_REGISTER_MARKDOWN, SOCLE_REGISTER_JSON or
 * SOCLE_REGISTER_JSONLD) and `language` (SOCLE_REGISTER_LANG_FR or SOCLE_REGISTER_LANG_EN) into
 * *out, which the caller releases with socle_buffer_free (UTF-8 text). SOCLE_E_INVALID_ARGUMENT
 * naming the parameter for a format or language out of these constants; *out is then empty. */
SOCLE_API int32_t socle_policy_render_register_lang(const socle_policy* policy, int32_t format,
                                                    int32_t language, socle_buffer* out,
                                                    socle_error** error);
/* (section register language: end) */

/* ------------------------------------------------------------------------------------------ */
/* ===== Policy analysis: properties proven over every case (socle/policy_analysis.hpp) ===== */
/* (section policy analysis: begin) */
/*
 * A policy is finite: roles × actions × data categories × purposes × entry kinds, times the few
 * facts of a situation that change a decision (relation to the person, author, masked, blocked,
 * consented, objected, archived, restricted, justified). A socle_policy_analysis builds, on an
 * access engine of its own (in memory, fixed clock), one professional per role and relation and
 * one person per situation, and decides every case with the engine's own decision: a property
 * the DPO declares in the policy (its `properties` section), or a statement given here, is proven
 * or refuted over every case it covers, with the smallest counter-example and the engine's
 * explanation of it; two analyses compared give every case whose outcome changes, and a summary
 * of the change in plain French or English. docs/policy-analysis.md gives the grammar of
 * statements and the JSON reports (proto/socle/v1/analysis.proto: socle.v1.PropertyReport and
 * socle.v1.PolicyDiffReport, in protobuf's JSON mapping with the proto's field names, every
 * field printed; 64-bit numbers are JSON strings there). So that a C caller need not parse JSON
 * to know pass or fail, each call also gives a plain count: the properties that do not hold, the
 * cases whose outcome changes.
 *
 * Thread safety: a socle_policy_analysis is immutable once created; every call on it is
 * thread-safe.
 */

typedef struct socle_policy_analysis socle_policy_analysis;

/* The language of a diff's summary (= socle::AnalysisLanguage). */
#define SOCLE_ANALYSIS_LANG_FR 1
#define SOCLE_ANALYSIS_LANG_EN 2

/* Builds the analysis of `policy` (its world, on an engine of its own) into a new *out, released
 * with socle_policy_analysis_free. The analysis keeps a copy of the policy: the caller may free
 * `policy` at once. On failure *out is NULL. */
SOCLE_API int32_t socle_policy_analysis_create(const socle_policy* policy,
                                               socle_policy_analysis** out, socle_error** error);
/* Releases an analysis; NULL is accepted. */
SOCLE_API void socle_policy_analysis_free(socle_policy_analysis* analysis);
/* The number of cases of the whole space that can occur (0 for NULL). */
SOCLE_API uint64_t socle_policy_analysis_space_size(const socle_policy_analysis* analysis);

/* Proves the policy's declared properties: all of them in the policy's order when `id_count` is
 * 0, otherwise those whose ids are `ids` (with their lengths `id_lens`), in that order. *out
 * receives the report as JSON (socle.v1.PropertyReport; released with socle_buffer_free) and
 * *out_failed (may be NULL) the number of properties in it that do not hold. SOCLE_E_NOT_FOUND
 * naming the index for an id the policy does not declare; on failure *out is empty and
 * *out_failed 0. */
SOCLE_API int32_t socle_policy_analysis_prove_declared(const socle_policy_analysis* analysis,
                                                       const char* const* ids,
                                                       const size_t* id_lens, size_t id_count,
                                                       socle_buffer* out, uint64_t* out_failed,
                                                       socle_error** error);
/* Proves `statement` ("forall role = stagiaire_ass and action = read: deny", the grammar of
 * docs/policy-analysis.md; UTF-8, need not be NUL-terminated). *out receives the report of this
 * one statement as JSON (socle.v1.PropertyReport with one property, its id empty) and *out_failed
 * (may be NULL) 1 when it does not hold, 0 when it holds. SOCLE_E_INVALID_ARGUMENT for a statement
 * that does not parse or names what the policy does not declare, the message saying at which
 * character ("at character 12: ..."); *out is then empty and *out_failed 0. */
SOCLE_API int32_t socle_policy_analysis_prove(const socle_policy_analysis* analysis,
                                              const char* statement, size_t statement_len,
                                              socle_buffer* out, uint64_t* out_failed,
                                              socle_error** error);

/* Every case whose outcome differs between the policy of `before` and that of `after` (roles,
 * categories and activities matched by id; C++ DiffPolicies). *out receives the difference as
 * JSON (socle.v1.PolicyDiffReport, its summary in `language`: SOCLE_ANALYSIS_LANG_FR or
 * SOCLE_ANALYSIS_LANG_EN); *out_summary (may be NULL) the same summary as plain UTF-8 text, one
 * sentence per (role, kind of change, relation), each ended by a line feed (empty when nothing
 * changes); *out_changed_cases (may be NULL) the number of cases whose outcome changes (0: the
 * policies decide every case alike). SOCLE_E_INVALID_ARGUMENT naming `language` for a value out
 * of these constants; on failure the buffers are empty and the count 0. */
SOCLE_API int32_t socle_policy_analysis_diff_policies(
    const socle_policy_analysis* before, const socle_policy_analysis* after, int32_t language,
    socle_buffer* out, socle_buffer* out_summary, uint64_t* out_changed_cases, socle_error** error);
/* (section policy analysis: end) */

/* ---- Two-person activation of a policy (REQ-62; docs/policy-approval.md) -------------------
 * A new policy takes effect on a state ledger once two distinct professionals, one whose role
 * holds DPO_ROLE in the policy in force, approved it: each registers an approval key once, signs
 * an approval (a C2SP signed note over the new policy's digest, the policy in force's and the
 * digest of the summary of changes of access), the approvals are recorded, then the policy is
 * activated; every step is an event of the state ledger and, with a trail, an operation of the
 * access trail. The engine running the former policy then refuses writes: open the ledger again
 * with the new policy (socle_access_engine_open). Thread-safe as the engine is.
 */

/* How the policy in force came into force (socle_access_engine_policy_in_force). */
#define SOCLE_POLICY_ACTIVATION_NONE 0        /* an engine without a ledger */
#define SOCLE_POLICY_ACTIVATION_INITIAL 1     /* the ledger's first policy */
#define SOCLE_POLICY_ACTIVATION_APPROVED 2    /* two approvals, one with DPO_ROLE */
#define SOCLE_POLICY_ACTIVATION_DEVELOPMENT 3 /* SOCLE_ENGINE_OPEN_DEVELOPMENT: not approved */

/* A fresh Ed25519 approval key named `name` (no '+', no white space; the professional's id is a
 * good name): *out_signer_key gets the signer key (a secret, "PRIVATE+KEY+..."; keep it where
 * only its holder reads it; the buffer is wiped by socle_buffer_free), *out_verifier_key the
 * verifier key to register. */
SOCLE_API int32_t socle_policy_approval_key_generate(const char* name, size_t name_len,
                                                     socle_buffer* out_signer_key,
                                                     socle_buffer* out_verifier_key,
                                                     socle_error** error);
/* The approval by `professional` of `next` in place of `previous` (the policy in force), signed
 * with their signer key, into *out (a signed note, UTF-8). Builds both policies' analyses for the
 * summary of changes (tens of milliseconds). */
SOCLE_API int32_t socle_policy_approval_sign(const socle_policy* previous, const socle_policy* next,
                                             const char* professional, size_t professional_len,
                                             const uint8_t* signer_key, size_t signer_key_len,
                                             socle_buffer* out, socle_error** error);
/* Records `verifier_key` as the approval key of `professional` (an active professional), by
 * `recorded_by`. SOCLE_E_ALREADY_EXISTS when another professional holds that key. */
SOCLE_API int32_t socle_access_engine_register_approval_key(
    socle_access_engine* engine, const char* professional, size_t professional_len,
    const char* verifier_key, size_t verifier_key_len, const char* recorded_by,
    size_t recorded_by_len, uint64_t* out_revision, socle_error** error);
/* Records an approval (socle_policy_approval_sign's note) of `next` on `engine`, which runs the
 * policy in force, and in `trail` (an operation policy_approval). SOCLE_E_INVALID_ARGUMENT when it
 * approves another policy or another summary of changes; SOCLE_E_VERIFICATION_FAILED when it is
 * not signed by the approver's registered key; SOCLE_E_ALREADY_EXISTS when they already approved
 * this change. */
SOCLE_API int32_t socle_access_trail_record_policy_approval(
    socle_access_trail* trail, socle_access_engine* engine, const socle_policy* next,
    const char* approval, size_t approval_len, uint64_t* out_revision, socle_error** error);
/* Activates `next` with the approvals recorded for it, by `actor`, recorded in `trail` too (an
 * operation policy_activation). SOCLE_E_FAILED_PRECONDITION unless two distinct professionals,
 * still active, approved this change, one holding DPO_ROLE in the policy in force. */
SOCLE_API int32_t socle_access_trail_activate_policy(socle_access_trail* trail,
                                                     socle_access_engine* engine,
                                                     const socle_policy* next, const char* actor,
                                                     size_t actor_len, uint64_t* out_revision,
                                                     socle_error** error);
/* The ledger's policy in force: *out_mode (SOCLE_POLICY_ACTIVATION_*), its digest in hex
 * (*out_digest_hex; empty for NONE) and the number of approvals recorded since its activation
 * (*out_pending_approvals). Each out parameter may be NULL. */
SOCLE_API int32_t socle_access_engine_policy_in_force(const socle_access_engine* engine,
                                                      int32_t* out_mode,
                                                      socle_buffer* out_digest_hex,
                                                      uint64_t* out_pending_approvals,
                                                      socle_error** error);
/* (section policy approval: end) */

#ifdef __cplusplus
}
#endif

#endif /* SOCLE_SOCLE_H_ */
