#!/usr/bin/env python3
"""docs/export-format.md, section 7 ("Worked example"), against a file the current code writes:
an empty signed access request from exportfile_fixture. The page's header length L, the offsets it
derives from L (the header signature, the frame, the trailer) and its recipe for the three hashes
must hold, so the worked example cannot silently go stale when the schema grows.

The fixture writes every file with the same creation time (a whole second), so the header's
length is the same in every run, and changes only with the issuer's name and the record types'
descriptors (a new field in any .proto the export records import).

Usage: doc_example_test.py FIXTURE_PROGRAM DOC INTEGRATIONS_PYTHON_DIR
"""
import hashlib
import os
import re
import struct
import subprocess
import sys
import tempfile

fixture, doc_path, integrations = sys.argv[1:4]
sys.path.insert(0, integrations)
from socle_export.v1 import export_pb2  # noqa: E402

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


doc = open(doc_path, encoding="utf-8").read()
section = doc[doc.index("## 7. Worked example"):doc.index("## 8.")]
m = re.search(r"The header is ([\d,]+) bytes \(`L` = `0x([0-9a-f]+)`\)", section)
check(m is not None, "the page states the header's length")
doc_length = int(m.group(1).replace(",", ""))
check(int(m.group(2), 16) == doc_length, "the page's L in decimal and in hex agree")

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "empty.socle")
    subprocess.run([fixture, path, "1", "0", os.path.join(tmp, "expected")], check=True,
                   stdout=subprocess.DEVNULL)
    data = open(path, "rb").read()

length = struct.unpack("<I", data[12:16])[0]
check(length == doc_length, f"header length: the page says {doc_length}, the file has {length}")

L = doc_length
offsets = {
    "header signature": 16 + L,
    "frame": 80 + L,
    "trailer": 80 + L + 96,
}
for what, offset in offsets.items():
    check(f"{offset:08x}" in section, f"the page shows the {what} at 0x{offset:08x}")
check(f"bytes 0x10 .. 0x{16 + L - 1:x}" in section, "header_hash's range")
check(f"bytes 0 .. 0x{80 + L - 1:x}" in section, "body_hash's range")
check(f"data[:0x{80 + L:x}] + frame_hash + data[0x{80 + L + 32:x}:0x{80 + L + 96:x}]" in section,
      "the Python line's slices")

# The recipe, on the file's own offsets: it gives the body hash the trailer carries.
f = 80 + length
frame_hash = hashlib.blake2b(data[f:f + 32], digest_size=32).digest()
body_hash = hashlib.blake2b(data[:f] + frame_hash + data[f + 32:f + 96], digest_size=32).digest()
trailer_length = struct.unpack("<I", data[f + 96:f + 100])[0]
trailer = export_pb2.ExportTrailer()
trailer.ParseFromString(data[f + 100:f + 100 + trailer_length])
check(trailer.body_hash == body_hash, "the page's recipe gives the trailer's body_hash")
check(len(data) == f + 100 + trailer_length, "nothing after the trailer")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("docs/export-format.md section 7 holds")
