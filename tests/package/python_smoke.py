"""What a vendor runs first after installing the socle Python package (tests/package): load a
policy, get a policy error with its line, decide, redact. Prints what the package tests check.

Usage: python3 python_smoke.py POLICY_FILE
"""

import importlib.metadata
import sys

import socle

policy = socle.Policy.load_file(sys.argv[1])
print(f"socle: {socle.version()}")
print(f"package version: {socle.__version__}")
try:
    print(f"distribution: {importlib.metadata.version('socle')}")
except importlib.metadata.PackageNotFoundError:
    print("distribution: none")
print(f"package: {socle.__file__}")
print(f"library: {socle.library_path}")
print(f"digest: {policy.digest_hex}")
try:
    socle.Policy.load('format_version: 1\nid: "broken"\ncolour: "blue"\n')
except socle.ParseError as e:
    print(f"policy error line: {e.diagnostics[0].line}")
with socle.AccessEngine.create(policy) as engine:
    print(f"engine revision: {engine.revision}")
print("redacted: " + socle.redact("Mme Rose Martin, 06 12 34 56 78",
                                  known=[("first_name", "Rose", 1), ("name", "Martin", 1)]))
