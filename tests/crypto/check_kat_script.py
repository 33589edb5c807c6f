#!/usr/bin/env python3
"""Runs a known-answer derivation script and checks that every value it prints is frozen in the
C++ tests of its module (issue 7: "the KAT derivation scripts run by CTest").

The derivation scripts (tests/pseudonym/reference_vectors.py, tests/vault/cross_check_vectors.py)
recompute socle's vectors with code that shares nothing with socle and print one `label value`
per line. A value that no C++ test of the folder holds means the C++ test and the independent
derivation disagree (or the vector was dropped): the test fails and names it.

Usage: check_kat_script.py PYTHON SCRIPT TEST_DIR [--min-values N]
Exit 77 (CTest's skip) when the script needs a Python package that is not installed.
C++ string literals split over lines ("ab" "cd") are joined before searching.
"""
import pathlib
import re
import subprocess
import sys


def normalise(text):
    # Keep only the characters values are made of: joins "ab"\n  "cd" into abcd.
    return re.sub(r"[^A-Za-z0-9_-]", "", text).lower()


def main():
    args = sys.argv[1:]
    min_values = 1
    if "--min-values" in args:
        i = args.index("--min-values")
        min_values = int(args[i + 1])
        del args[i:i + 2]
    python, script, test_dir = args
    proc = subprocess.run([python, script], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 and "ModuleNotFoundError" in proc.stderr:
        print("SKIPPED: %s needs a package this Python lacks:\n%s" % (script, proc.stderr))
        return 77  # SKIP_RETURN_CODE
    if proc.returncode != 0:
        print("%s failed (exit %d):\n%s%s" % (script, proc.returncode, proc.stdout, proc.stderr))
        return 1
    sources = ""
    for path in sorted(pathlib.Path(test_dir).glob("*")):
        if path.suffix in (".cc", ".h", ".c"):
            sources += normalise(path.read_text(encoding="utf-8", errors="replace"))
    checked, missing = 0, []
    for line in proc.stdout.splitlines():
        fields = line.split()
        if not fields:
            continue
        if "unavailable" in line:
            print("SKIPPED (the derivation needs a missing package): " + line)
            continue
        value = fields[-1]
        if len(value) < 16:
            continue  # not a vector (a count, a word)
        checked += 1
        if normalise(value) not in sources:
            missing.append(line)
        else:
            print("ok   " + line)
    for line in missing:
        print("MISSING from the C++ tests of %s: %s" % (test_dir, line))
    if checked < min_values:
        print("only %d values printed by %s; expected at least %d" % (checked, script, min_values))
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
