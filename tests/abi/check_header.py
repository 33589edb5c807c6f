#!/usr/bin/python3
"""Checks the conventions of the C ABI header (include/socle/socle.h) that a compiler cannot.

For every SOCLE_API function:
  1. a doc comment: the declaration is directly preceded by its own /* ... */ comment;
  2. its name: socle_<type>_... where <type> is the handle type of its first parameter (the
     receiver, `socle_x*` or `const socle_x*`), or of its `socle_x** out` (a constructor);
     otherwise a module prefix of MODULES;
  3. outputs: every parameter named `out` or `out_*` is a non-const pointer, or a `size_t
     out_*_capacity`, and all of them come after every input;
  4. inputs: the only non-const pointer inputs are the receiver (first parameter) and
     `void* user_data`;
  5. errors: `socle_error** error` is the last parameter of every function that returns an
     int32_t status. An int32_t function without it must be a value accessor of an immutable
     handle (first parameter `const socle_x*`), or be listed in NO_ERROR_PARAMETER with why.

Usage: check_header.py HEADER      exits 1 and lists every problem
       check_header.py --self-test  feeds small broken headers: each rule must catch its own
"""
import re
import sys

# Prefixes of the functions that act on no handle (socle_<module>_...).
MODULES = {
    "version", "status", "error", "last_error", "buffer", "reason", "access_request", "nir",
    "generalise", "redaction", "policy",
    # The name functions of the sharing and mandate constants (socle_sharing_check_name…).
    "sharing_basis", "sharing_check", "mandate_state", "mandate_verdict",
    # The name functions of the consent constants and the consent receipts' free functions.
    "consent_state", "consent_receipt",
    # Export files: the kinds' and problems' names, the portability schema, verify_file.
    "export",
    # The name functions of the retention, rights request and breach constants.
    "retention_phase", "rights_request_kind", "rights_request_status", "breach_risk",
    # The name function of the erasure exceptions (socle_erasure_exception_name).
    "erasure_exception",
    # The retention sweep's deletion certificates (socle_deletion_certificate_verify).
    "deletion_certificate",
}
# int32_t functions that report a status without a socle_error** (reviewed exceptions).
NO_ERROR_PARAMETER = {
    # Frozen since 0.1; the only failure is libsodium's initialisation, which has no detail.
    "socle_init",
}
# Non-const pointer inputs besides the receiver (reviewed exceptions): (function, parameter).
MUTABLE_INPUTS = {
    # AccessTrail::Share(AccessEngine&, ...): the share is a write on the engine (its grant) and
    # on the trail (its entry); the trail's engine, named so that C and C++ say the same.
    ("socle_access_trail_share", "engine"),
    # Erase(AccessEngine&, AccessTrail&, ...): the tombstone is a write on the engine, the shred
    # is recorded by the trail; as for the share.
    ("socle_access_trail_erase", "engine"),
    # WriteAccessRequest(AccessTrail&, ..., ExportWriter&) and its siblings: the trail records the
    # export, the writer receives its records and is finished; C and C++ say the same.
    ("socle_access_trail_write_access_request", "writer"),
    ("socle_access_trail_write_portability", "writer"),
    ("socle_access_trail_write_audit_extract", "writer"),
    # Sweep(AccessEngine&, AccessTrail&, ...): the sweep's purges and certificates are writes on
    # the engine, its shredding and certificates entries of the trail; C and C++ say the same.
    ("socle_access_trail_retention_sweep", "engine"),
    # PublishNoisyTable(AccessEngine&, AccessTrail&, ...): the budget's charge is a write on the
    # engine, the release an entry of the trail; as for the sweep.
    ("socle_access_trail_publish_noisy_table", "engine"),
    # WriteStatisticsExport(release, publication, ExportWriter&): the writer receives the records
    # and is finished, as for the trail's exports.
    ("socle_statistics_release_write_export", "writer"),
    # RecordPolicyApproval / ActivatePolicy(AccessEngine&, ..., AccessTrail*): the approval and
    # the activation are events of the engine's state ledger and operations of the trail.
    ("socle_access_trail_record_policy_approval", "engine"),
    ("socle_access_trail_activate_policy", "engine"),
}

DECLARATION = re.compile(r"SOCLE_API\s+([^;{}()]*?)\b(socle_\w+)\s*\(([^;]*?)\)\s*;", re.S)
COMMENT_LINE = re.compile(r"//[^\n]*")


def handles_of(text):
    """Opaque handles (typedef struct socle_x socle_x;) and public structs."""
    opaque = set(re.findall(r"typedef\s+struct\s+(socle_\w+)\s+\1\s*;", text))
    structs = set(re.findall(r"typedef\s+struct\s+(socle_\w+)\s*\{", text))
    return opaque, structs


def split_parameters(params):
    params = " ".join(params.split())
    if params in ("", "void"):
        return []
    out, depth, current = [], 0, ""
    for c in params:
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if c == "," and depth == 0:
            out.append(current.strip())
            current = ""
        else:
            current += c
    out.append(current.strip())
    result = []
    for p in out:
        m = re.match(r"(.*?)(\w+)$", p)
        if not m:
            result.append((p, ""))
        else:
            result.append((" ".join(m.group(1).replace("*", " * ").split()).replace(" *", "*"),
                           m.group(2)))
    return result


def handle_type(ptype, handles, stars=1):
    """socle_x when ptype is `socle_x*` / `const socle_x*` (stars=1) or `socle_x**` (stars=2)."""
    m = re.fullmatch(r"(const )?(socle_\w+)" + r"\*" * stars, ptype)
    if m and m.group(2) in handles and (stars == 1 or not m.group(1)):
        return m.group(2)
    return None


def is_output(ptype, name):
    if name != "out" and not name.startswith("out_"):
        return None
    if re.fullmatch(r"out_\w+_capacity|out_capacity", name) and ptype == "size_t":
        return True
    return ptype.endswith("*") and not ptype.startswith("const ")


def check(text):
    """The list of problems of a header's text, each naming the function."""
    problems = []
    opaque, structs = handles_of(text)
    for m in DECLARATION.finditer(text):
        ret, name, params = " ".join(m.group(1).split()), m.group(2), split_parameters(m.group(3))

        def problem(what):
            problems.append(f"{name}: {what}")

        # 1. Its own doc comment, right above it.
        before = COMMENT_LINE.sub("", text[: m.start()]).rstrip()
        if not before.endswith("*/"):
            problem("no doc comment directly above the declaration (/* ... */)")

        # 2. The name.
        allowed = []
        if params:
            receiver = handle_type(params[0][0], opaque)
            if receiver:
                allowed.append(receiver)
        for ptype, pname in params:
            made = handle_type(ptype, opaque, stars=2)
            if made and pname == "out":
                allowed.append(made)
        if allowed:
            if not any(name.startswith(h + "_") for h in allowed):
                problem(f"the name should start with {' or '.join(h + '_' for h in allowed)}")
        elif not any(name.startswith(f"socle_{mod}_") for mod in MODULES | structs_prefixes(
                structs)) and name not in NO_ERROR_PARAMETER:
            problem("the name starts with no handle type and no module prefix")

        # 3. Outputs after every input; 4. no other non-const pointer input.
        error_param = None
        seen_output = False
        for i, (ptype, pname) in enumerate(params):
            if ptype == "socle_error**":
                error_param = i
                if pname != "error":
                    problem(f"the socle_error** parameter is named {pname!r}, not 'error'")
                continue
            output = is_output(ptype, pname)
            if output is False:
                problem(f"output {pname!r} is not a non-const pointer (or a size_t *_capacity)")
            if output:
                seen_output = True
                continue
            if seen_output:
                problem(f"input {pname!r} comes after an output")
            pointer = ptype.endswith("*") and not ptype.startswith("const ")
            if pointer and i != 0 and not (ptype == "void*" and pname == "user_data") and \
                    (name, pname) not in MUTABLE_INPUTS:
                problem(f"non-const pointer input {pname!r}: name it out_* or make it const")

        # 5. socle_error** error last in every int32_t status call.
        if error_param is not None and error_param != len(params) - 1:
            problem("socle_error** error is not the last parameter")
        if ret == "int32_t" and error_param is None and name not in NO_ERROR_PARAMETER:
            accessor = params and handle_type(params[0][0], opaque) and \
                params[0][0].startswith("const ")
            if not accessor:
                problem("returns a status without a socle_error** error last parameter")
    return problems


def structs_prefixes(structs):
    return {s[len("socle_"):] for s in structs}


# ---- Self-test: one small header per rule, each broken once; the good one passes. ---------
GOOD = """
typedef struct socle_error socle_error;
typedef struct socle_thing socle_thing;
typedef struct socle_buffer { int x; } socle_buffer;
/* Makes a thing. */
SOCLE_API int32_t socle_thing_create(const char* name, size_t name_len, socle_thing** out,
                                     socle_error** error);
/* Frees it. */
SOCLE_API void socle_thing_free(socle_thing* thing);
/* A value. */
SOCLE_API int32_t socle_thing_size(const socle_thing* thing);
/* Reads it. */
SOCLE_API int32_t socle_thing_read(socle_thing* thing, void* user_data, uint8_t* out,
                                   size_t out_capacity, size_t* out_len, socle_error** error);
/* A pure function. */
SOCLE_API int32_t socle_nir_key(const char* body, size_t body_len, int32_t* out,
                                socle_error** error);
"""

BROKEN = {
    "no doc comment": (
        "/* Frees it. */\nSOCLE_API void socle_thing_free(socle_thing* thing);",
        "SOCLE_API void socle_thing_free(socle_thing* thing);"),
    "should start with socle_thing_": (
        "socle_thing_free(socle_thing* thing)", "socle_other_free(socle_thing* thing)"),
    "no module prefix": ("socle_nir_key(", "socle_key_of_nir("),
    "is not a non-const pointer": ("int32_t* out,\n", "const int32_t* out,\n"),
    "comes after an output": (
        "uint8_t* out,\n                                   size_t out_capacity, size_t* out_len,",
        "uint8_t* out,\n                                   size_t out_capacity, size_t count,"),
    "non-const pointer input": ("void* user_data", "void* context"),
    "is not the last parameter": (
        "socle_thing_create(const char* name, size_t name_len, socle_thing** out,\n"
        "                                     socle_error** error)",
        "socle_thing_create(socle_error** error, const char* name, size_t name_len,\n"
        "                                     socle_thing** out)"),
    "without a socle_error** error": (
        "socle_nir_key(const char* body, size_t body_len, int32_t* out,\n"
        "                                socle_error** error)",
        "socle_nir_key(const char* body, size_t body_len, int32_t* out)"),
}


def self_test():
    failures = 0
    good = check(GOOD)
    if good:
        print("self-test: the good header has problems:", *good, sep="\n  ")
        failures += 1
    for expected, (old, new) in BROKEN.items():
        if old not in GOOD:
            print(f"self-test: case {expected!r} does not apply to the good header")
            failures += 1
            continue
        problems = check(GOOD.replace(old, new, 1))
        if not any(expected in p for p in problems):
            print(f"self-test: a header with {expected!r} passed; problems: {problems}")
            failures += 1
    print(f"self-test: {len(BROKEN)} broken headers, {failures} failure(s)")
    return 1 if failures else 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) != 2:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        text = f.read()
    count = len(DECLARATION.findall(text))
    problems = check(text)
    for p in problems:
        print(p)
    print(f"{argv[1]}: {count} functions, {len(problems)} problem(s)")
    if count == 0:
        print("no SOCLE_API declaration found: the parser no longer reads this header")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
