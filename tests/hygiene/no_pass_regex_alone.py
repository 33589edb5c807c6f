#!/usr/bin/env python3
"""No CTest test may pass on PASS_REGULAR_EXPRESSION: CTest then ignores the exit code, so a
program that prints the expected line and crashes passes (issue 7). Use
tests/capi/run_and_match.cmake, which checks the exit code and the output. This test scans every
CMakeLists.txt and *.cmake file of the source tree (build trees excluded).

Usage: no_pass_regex_alone.py SOURCE_DIR
"""
import pathlib
import sys

ALLOWED = {"tests/hygiene/no_pass_regex_alone.py"}


def main():
    root = pathlib.Path(sys.argv[1])
    offenders = []
    for path in list(root.rglob("CMakeLists.txt")) + list(root.rglob("*.cmake")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("build") or "/build/" in rel or rel in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace")
                                      .splitlines(), 1):
            code = line.split("#", 1)[0]
            if "PASS_REGULAR_EXPRESSION" in code:
                offenders.append("%s:%d: %s" % (rel, number, line.strip()))
    for o in offenders:
        print("PASS_REGULAR_EXPRESSION ignores the exit code; use run_and_match.cmake: " + o)
    print("%d offending lines" % len(offenders))
    return 1 if offenders else 0


if __name__ == "__main__":
    sys.exit(main())
