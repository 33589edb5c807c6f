/*
 * socle.h: the stable C ABI of socle, the privacy core of the digital social case file.
 *
 * Conventions (see docs/ARCHITECTURE.md):
 * - Every fallible call returns an int32_t status: SOCLE_OK (0) or one of the frozen SOCLE_E_*
 *   codes below. Details come through the optional `socle_error** error` out-parameter (pass NULL
 *   if you do not want them); a thread-local copy of the last message is only a convenience.
 * - Out-parameters come first. Handles are opaque; each *_free() accepts NULL.
 * - Input bytes are a pointer and a length; strings need not be NUL-terminated unless said.
 * - Owned output goes through socle_buffer, released with socle_buffer_free(); never free() our
 *   memory. Borrowed strings live as long as the handle they come from.
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
#define SOCLE_VERSION_MINOR 1
#define SOCLE_VERSION_PATCH 0
#define SOCLE_VERSION_NUMBER (SOCLE_VERSION_MAJOR * 10000 + SOCLE_VERSION_MINOR * 100 + SOCLE_VERSION_PATCH)

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

SOCLE_API void socle_error_free(socle_error* error);
/* The status code (SOCLE_OK only for a validation report that holds warnings only). */
SOCLE_API int32_t socle_error_code(const socle_error* error);
/* A one-line summary, NUL-terminated, borrowed from `error`. */
SOCLE_API const char* socle_error_message(const socle_error* error);
/* Policy problems carry one diagnostic per problem found (0 for other errors). */
SOCLE_API size_t socle_error_diagnostic_count(const socle_error* error);
/* Accessors of diagnostic `index` (< count); out-of-range indexes give NULL or 0.
 * Strings are NUL-terminated and borrowed from `error`. */
SOCLE_API int32_t socle_error_diagnostic_severity(const socle_error* error, size_t index);
SOCLE_API const char* socle_error_diagnostic_code(const socle_error* error, size_t index);
SOCLE_API const char* socle_error_diagnostic_path(const socle_error* error, size_t index);
SOCLE_API int32_t socle_error_diagnostic_line(const socle_error* error, size_t index);
SOCLE_API int32_t socle_error_diagnostic_column(const socle_error* error, size_t index);
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
SOCLE_API int32_t socle_policy_load(socle_policy** out, const char* text, size_t text_len,
                                    const char* source_name, socle_error** error);
/* As socle_policy_load, reading the NUL-terminated `path` (SOCLE_E_IO if unreadable). */
SOCLE_API int32_t socle_policy_load_file(socle_policy** out, const char* path,
                                         socle_error** error);
/* Validates without keeping the result: SOCLE_OK when the policy is valid, otherwise as
 * socle_policy_load. When `error` is not NULL and there is anything to report, *error receives
 * every diagnostic, warnings included; for a valid policy with warnings only, its
 * socle_error_code() is SOCLE_OK. *error is NULL when there is nothing to report. */
SOCLE_API int32_t socle_policy_validate(const char* text, size_t text_len,
                                        const char* source_name, socle_error** error);
SOCLE_API void socle_policy_free(socle_policy* policy);

/* The policy's id and revision, NUL-terminated, borrowed from `policy`. */
SOCLE_API const char* socle_policy_id(const socle_policy* policy);
SOCLE_API const char* socle_policy_revision(const socle_policy* policy);
/* Copies the 32-byte digest into out (out_len must be >= SOCLE_POLICY_DIGEST_BYTES). */
SOCLE_API int32_t socle_policy_digest(const socle_policy* policy, uint8_t* out, size_t out_len,
                                      socle_error** error);
/* The digest as 64 lower-case hex characters, borrowed from `policy`. */
SOCLE_API const char* socle_policy_digest_hex(const socle_policy* policy);
SOCLE_API size_t socle_policy_activity_count(const socle_policy* policy);
SOCLE_API size_t socle_policy_role_count(const socle_policy* policy);
SOCLE_API size_t socle_policy_data_category_count(const socle_policy* policy);
/* Renders the register (SOCLE_REGISTER_MARKDOWN or SOCLE_REGISTER_JSON) into *out. */
SOCLE_API int32_t socle_policy_render_register(const socle_policy* policy, int32_t format,
                                               socle_buffer* out, socle_error** error);

/* ------------------------------------------------------------------------------------------ */
/* Vault: keys, encryption at rest, crypto-shredding.                                         */
/* (section vault: begin) */
/* (section vault: end) */

/* ------------------------------------------------------------------------------------------ */
/* Pseudonymisation: domains, keyed pseudonyms, reversible tokens, rotation.                  */
/* (section pseudonym: begin) */
/* (section pseudonym: end) */

/* ------------------------------------------------------------------------------------------ */
/* Text: the NIR, generalisation of quasi-identifiers, free-text redaction.                   */
/* (section text: begin) */
/* (section text: end) */

#ifdef __cplusplus
}
#endif

#endif /* SOCLE_SOCLE_H_ */
