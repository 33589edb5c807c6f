#!/usr/bin/env python3
"""The committed protoc-generated modules of the export records
(integrations/python/socle_export/v1, integrations/java/src/fr/socle/v1) are what tools/generate-export-modules.py gives from today's
.proto files: it regenerates them in a temporary directory and fails, naming each file, on any
difference, missing or extra file (a .proto changed without running the script).

Usage: export_modules_up_to_date.py SOURCE_DIR PROTOC
       export_modules_up_to_date.py --self-test SOURCE_DIR PROTOC
Exits 77 (skipped, with the reason) when protoc is absent, or is another version than the one
that generated the committed files (its output differs in ways that say nothing of the .proto).
"""
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

GENERATED = [os.path.join("python", "socle_export", "v1"),
             os.path.join("java", "src", "fr", "socle", "v1")]
SKIP = 77


def differences(committed_root, fresh_root):
    """Each generated file that differs, is missing or is extra, as a relative path."""
    problems = []
    for sub in GENERATED:
        a = os.path.join(committed_root, sub)
        b = os.path.join(fresh_root, sub)
        have = set(os.listdir(a)) if os.path.isdir(a) else set()
        want = set(os.listdir(b))
        problems += ["missing: %s" % os.path.join(sub, f) for f in sorted(want - have)]
        problems += ["not generated (stale): %s" % os.path.join(sub, f)
                     for f in sorted(have - want)]
        problems += ["differs: %s" % os.path.join(sub, f) for f in sorted(have & want)
                     if not filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False)]
    return problems


def generate(source_dir, protoc, out):
    subprocess.run(["/usr/bin/python3", os.path.join(source_dir, "tools",
                                                     "generate-export-modules.py"),
                    "--protoc", protoc, "--out", out], check=True, stdout=subprocess.DEVNULL)


def main(argv):
    self_test = argv[:1] == ["--self-test"]
    if self_test:
        argv = argv[1:]
    source_dir, protoc = argv[:2]
    found = shutil.which(protoc) if protoc else None
    if not found:
        print("SKIPPED: protoc not found (%r): install protobuf-compiler "
              "(tools/debian-packages.txt)" % protoc)
        return SKIP
    version = subprocess.run([found, "--version"], capture_output=True, text=True).stdout.strip()
    committed = os.path.join(source_dir, "integrations")
    with open(os.path.join(committed, GENERATED[0], "export_pb2.py")) as f:
        match = re.search(r"with (libprotoc [\d.]+) from", f.readline())
    if not match:
        print("FAIL: export_pb2.py has no generator banner")
        return 1
    if match.group(1) != version:
        print("SKIPPED: the committed modules come from %s, this protoc is %s: regenerate them "
              "with Debian 12's protobuf-compiler" % (match.group(1), version))
        return SKIP
    with tempfile.TemporaryDirectory(prefix="socle_export_modules_") as tmp:
        generate(source_dir, found, tmp)
        if self_test:
            # The comparison sees a changed byte, a removed file and an extra file.
            copy = os.path.join(tmp, "copy")
            for sub in GENERATED:
                shutil.copytree(os.path.join(tmp, sub), os.path.join(copy, sub))
            if differences(copy, tmp):
                print("FAIL: a copy differs from itself")
                return 1
            py = os.path.join(copy, GENERATED[0])
            with open(os.path.join(py, "events_pb2.py"), "a") as f:
                f.write("\n")
            os.remove(os.path.join(py, "policy_pb2.py"))
            open(os.path.join(copy, GENERATED[1], "Stale.java"), "w").close()
            got = differences(copy, tmp)
            want = ["missing: %s" % os.path.join(GENERATED[0], "policy_pb2.py"),
                    "not generated (stale): %s" % os.path.join(GENERATED[1], "Stale.java"),
                    "differs: %s" % os.path.join(GENERATED[0], "events_pb2.py")]
            if sorted(got) != sorted(want):
                print("FAIL: self-test found %s" % got)
                return 1
            print("export modules self-test: a changed, a missing and a stale file found")
            return 0
        problems = differences(committed, tmp)
    if problems:
        for p in problems:
            print("FAIL: integrations/%s" % p)
        print("The export modules are not what the .proto files give: run "
              "tools/generate-export-modules.py and commit the result.")
        return 1
    print("export modules: up to date with proto/socle/v1 (%s)" % version)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
