#!/usr/bin/env python3
"""The `socle` command line is a client of the public C++ API, like a vendor program (issue 8).

Every file of src/cli may include only
  - the public C++ headers, "socle/NAME.hpp" that exist in include/socle/ (never socle/socle.h,
    the C ABI),
  - the command line's own headers, "cli/NAME.h" that exist in src/cli/,
  - Abseil ("absl/...") and system headers (<...>, except <socle/...> forms of the above);
and its code (comments and string literals aside) names nothing the C header declares (socle_*
functions and types, SOCLE_* macros), no `*_internal` namespace, no CompiledPolicy and no
Policy::compiled(). With --binary, the `socle` program must need libsocle_cxx and not libsocle.

Before it checks the tree, the script checks itself on files made to break each rule: a check
that would let them through fails the test.

Usage: public_api_only.py SOURCE_DIR [--binary SOCLE --readelf READELF]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.MULTILINE)
FORBIDDEN_CODE = [
    (re.compile(r"\b\w+_internal\b"), "an internal namespace"),
    (re.compile(r"\bCompiledPolicy\b"), "the compiled policy (an internal type)"),
    (re.compile(r"(\.|->)\s*compiled\s*\(\s*\)"), "Policy::compiled() (not public API)"),
]


def strip_comments_and_strings(text):
    """The code of a C++ file with comments, string and character literals blanked (the lines
    stay where they were). Preprocessor lines are kept: their includes are checked apart."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (min(j + 1, n) - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def c_header_names(socle_h):
    """Every identifier socle.h declares or defines: its macros, functions and types."""
    text = strip_comments_and_strings(open(socle_h, encoding="utf-8").read())
    names = set(re.findall(r"#\s*define\s+(SOCLE_\w+)", text))
    names |= set(re.findall(r"\b(socle_\w+)\b", text))
    # The export macro and the include guard are how the header works, not what it offers.
    names -= {"SOCLE_API", "SOCLE_SOCLE_H_"}
    return names


def check_tree(cli_dir, public_dir, c_names):
    """Problems of every source file under cli_dir, as 'file:line: problem' strings."""
    problems = []
    public = {f for f in os.listdir(public_dir) if f.endswith(".hpp")}
    own = {f for f in os.listdir(cli_dir) if f.endswith(".h")}
    files = sorted(f for f in os.listdir(cli_dir) if f.endswith((".cc", ".h")))
    if not files:
        problems.append("%s: no source file found" % cli_dir)
    for name in files:
        path = os.path.join(cli_dir, name)
        text = open(path, encoding="utf-8").read()

        def where(offset):
            return "%s:%d" % (path, text.count("\n", 0, offset) + 1)

        for m in INCLUDE_RE.finditer(text):
            bracket, header = m.group(1), m.group(2)
            allowed = False
            if header.startswith("socle/"):
                allowed = header[len("socle/"):] in public
            elif bracket == '"':
                allowed = header.startswith("absl/") or (
                    header.startswith("cli/") and header[len("cli/"):] in own)
            else:
                allowed = True  # the standard library and the system
            if not allowed:
                problems.append("%s: includes %s%s%s, which is not the public C++ API" %
                                (where(m.start()), bracket, header, ">" if bracket == "<" else '"'))
        code = strip_comments_and_strings(text)
        code = re.sub(r"^\s*#\s*include[^\n]*", "", code, flags=re.MULTILINE)
        for m in re.finditer(r"\b(socle_\w+|SOCLE_\w+)\b", code):
            if m.group(1) in c_names:
                problems.append("%s: uses %s from the C ABI (socle.h); use the C++ API" %
                                (where(m.start()), m.group(1)))
        for pattern, what in FORBIDDEN_CODE:
            for m in pattern.finditer(code):
                problems.append("%s: uses %s (%s)" % (where(m.start()), m.group(0).strip(), what))
    return problems


def check_binary(binary, readelf):
    out = subprocess.run([readelf, "-d", binary], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)
    problems = []
    if not any(n.startswith("libsocle_cxx.so") for n in needed):
        problems.append("%s does not need libsocle_cxx (needs %s)" % (binary, ", ".join(needed)))
    for n in needed:
        if re.match(r"libsocle\.so", n):
            problems.append("%s needs %s, the C ABI; the CLI must use only the C++ API" %
                            (binary, n))
    return problems


SELF_TEST_CASES = {
    # file content -> a word the problem must mention
    '#include "socle/socle.h"\n': "socle/socle.h",
    "#include <socle/socle.h>\n": "socle/socle.h",
    '#include "policy/compiled_policy.h"\n': "compiled_policy",
    '#include "src/policy/policy_internal.h"\n': "src/policy",
    '#include "crypto/crypto.h"\n': "crypto/crypto.h",
    '#include "socle/not_a_header.hpp"\n': "not_a_header",
    '#include "cli/not_ours.h"\n': "not_ours",
    "auto h() { return pseudonym_internal::Base64UrlLength(3); }\n": "pseudonym_internal",
    "void k(const Policy& p) { auto c = p.compiled(); }\n": "compiled()",
    "const CompiledPolicy* q;\n": "CompiledPolicy",
}
SELF_TEST_CLEAN = (
    '#include "cli/commands.h"\n#include "socle/policy.hpp"\n#include "absl/strings/str_cat.h"\n'
    "#include <string>\n#include <unistd.h>\n"
    "// socle_init() and SOCLE_OK in a comment, pseudonym_internal too.\n"
    'const char* s = "socle_version_string() SOCLE_OK x.compiled()";\n'
    "#define SOCLE_CLI_OWN_MACRO 1\nint socle_cli_helper();\n")


def self_test(c_names):
    """The checks catch each kind of breach and pass a clean file: false when one does not."""
    ok = True
    cases = dict(SELF_TEST_CASES)
    function = min(n for n in c_names if n.startswith("socle_"))
    cases["int f() { return %s(); }\n" % function] = function
    cases["int g() { return SOCLE_OK; }\n"] = "SOCLE_OK"
    with tempfile.TemporaryDirectory() as tmp:
        cli_dir = os.path.join(tmp, "cli")
        public_dir = os.path.join(tmp, "include")
        os.makedirs(cli_dir)
        os.makedirs(public_dir)
        for name in ("policy.hpp", "version.hpp"):
            open(os.path.join(public_dir, name), "w").close()
        open(os.path.join(cli_dir, "commands.h"), "w").close()
        clean = os.path.join(cli_dir, "clean.cc")
        with open(clean, "w") as f:
            f.write(SELF_TEST_CLEAN)
        problems = check_tree(cli_dir, public_dir, c_names)
        if problems:
            print("SELF-TEST FAIL: a clean file was refused: %s" % problems)
            ok = False
        os.remove(clean)
        for content, word in cases.items():
            bad = os.path.join(cli_dir, "bad.cc")
            with open(bad, "w") as f:
                f.write(content)
            problems = check_tree(cli_dir, public_dir, c_names)
            if not any(word in p for p in problems):
                print("SELF-TEST FAIL: %r was not refused (problems: %s)" % (content, problems))
                ok = False
            os.remove(bad)
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source_dir")
    parser.add_argument("--binary")
    parser.add_argument("--readelf", default="readelf")
    args = parser.parse_args()
    c_names = c_header_names(os.path.join(args.source_dir, "include", "socle", "socle.h"))
    if not {"SOCLE_OK", "SOCLE_VERSION_MAJOR"} <= c_names or \
            not any(n.startswith("socle_") for n in c_names):
        print("FAIL: the names of socle.h were not found (parsed %d)" % len(c_names))
        return 1
    if not self_test(c_names):
        return 1
    problems = check_tree(os.path.join(args.source_dir, "src", "cli"),
                          os.path.join(args.source_dir, "include", "socle"), c_names)
    if args.binary:
        problems += check_binary(args.binary, args.readelf)
    for p in problems:
        print("FAIL " + p)
    if not problems:
        print("src/cli uses only the public C++ API (%d names of socle.h refused)" % len(c_names))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
