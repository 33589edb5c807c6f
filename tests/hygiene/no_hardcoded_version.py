#!/usr/bin/env python3
"""The version lives in one place: SOCLE_VERSION_MAJOR/MINOR/PATCH in include/socle/socle.h.
CMake (cmake/socleVersion.cmake), the conan recipe (set_version) and the Python package read it
from there, and the SONAME, the .pc files and socleConfigVersion.cmake derive from CMake's
PROJECT_VERSION. This test fails when the current version ("MAJOR.MINOR.PATCH") is written
anywhere else in the source tree: a copy that would silently go stale at the next bump. Prose that
records history may name versions: docs/ and changelogs are allowed.

Usage: no_hardcoded_version.py SOURCE_DIR
       no_hardcoded_version.py --self-test   (plants a copy in a scratch tree: it must be found)
"""
import os
import pathlib
import re
import sys
import tempfile

HEADER = "include/socle/socle.h"
# Prose about releases, and folders that are not sources.
ALLOWED_PREFIXES = ("docs/",)
ALLOWED_NAMES = re.compile(r"^(CHANGELOG|CHANGES|NEWS)(\.\w+)?$", re.IGNORECASE)
SKIPPED_DIRS = {".git", "__pycache__", ".pytest_cache", "node_modules", ".venv"}


def header_version(root):
    text = (root / HEADER).read_text(encoding="utf-8")
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        match = re.search(r"^#define SOCLE_VERSION_%s +([0-9]+) *$" % part, text, re.MULTILINE)
        if not match:
            raise SystemExit("%s: no '#define SOCLE_VERSION_%s <number>' line" % (HEADER, part))
        parts.append(match.group(1))
    return parts


def offenders(root):
    major, minor, patch = header_version(root)
    # The dotted version, not inside a longer number or version (1.2.3 but not 11.2.3 or 1.2.3.4).
    pattern = re.compile(r"(?<![\w.])%s\.%s\.%s(?![\w]|\.\d)" % (major, minor, patch))
    found = []
    for directory, dirs, files in os.walk(root):
        rel_dir = pathlib.Path(directory).relative_to(root).as_posix()
        # Build trees (build/, build-*/, any folder holding a CMakeCache.txt) are not sources.
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("build")
                         and not (pathlib.Path(directory, d, "CMakeCache.txt")).exists())
        for name in sorted(files):
            rel = name if rel_dir == "." else rel_dir + "/" + name
            if rel == HEADER or rel.startswith(ALLOWED_PREFIXES) or ALLOWED_NAMES.match(name):
                continue
            try:
                text = pathlib.Path(directory, name).read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # binary files
            for number, line in enumerate(text.splitlines(), 1):
                if pattern.search(line):
                    found.append("%s:%d: %s" % (rel, number, line.strip()))
    return found


def self_test():
    with tempfile.TemporaryDirectory() as scratch:
        root = pathlib.Path(scratch)
        (root / "include/socle").mkdir(parents=True)
        (root / "include/socle/socle.h").write_text(
            "#define SOCLE_VERSION_MAJOR 3\n#define SOCLE_VERSION_MINOR 14\n"
            "#define SOCLE_VERSION_PATCH 2\n", encoding="utf-8")
        (root / "docs").mkdir()
        (root / "docs/release.md").write_text("socle 3.14.2 is out\n", encoding="utf-8")
        (root / "CHANGELOG.md").write_text("## 3.14.2\n", encoding="utf-8")
        (root / "build-x").mkdir()
        (root / "build-x/CMakeCache.txt").write_text("CMAKE_PROJECT_VERSION=3.14.2\n")
        (root / "ok.py").write_text("NOT_IT = '13.14.2', '3.14.25', '3.14.2.1'\n")
        if offenders(root):
            print("self-test: allowed or unrelated text was reported: %s" % offenders(root))
            return 1
        (root / "pyproject.toml").write_text('version = "3.14.2"\n', encoding="utf-8")
        found = offenders(root)
        if found != ['pyproject.toml:1: version = "3.14.2"']:
            print("self-test: a planted copy of the version was not reported: %s" % found)
            return 1
    print("self-test: a planted copy is reported, allowed places are not")
    return 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = pathlib.Path(sys.argv[1])
    found = offenders(root)
    for line in found:
        print("the version is hard-coded; derive it from %s: %s" % (HEADER, line))
    print("%d hard-coded copies of version %s" % (len(found), ".".join(header_version(root))))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
