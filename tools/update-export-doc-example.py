#!/usr/bin/python3
"""Regenerates docs/export-format.md section 7's numbers (header length, offsets, hashes) from a
file the current code writes, after a .proto change grew the header's descriptors.

Usage: tools/update-export-doc-example.py build/dev/tests/exportfile/exportfile_fixture docs/export-format.md
(the test exportfile.doc_example checks the page)."""
import hashlib, re, struct, subprocess, sys, tempfile, os
fixture, doc_path = sys.argv[1:3]
doc = open(doc_path, encoding="utf-8").read()
sec_start = doc.index("## 7. Worked example"); sec_end = doc.index("## 8.")
sec = doc[sec_start:sec_end]
m = re.search(r"The header is ([\d,]+) bytes", sec)
oldL = int(m.group(1).replace(",", ""))
with tempfile.TemporaryDirectory() as tmp:
    p = os.path.join(tmp, "e.socle")
    subprocess.run([fixture, p, "1", "0", os.path.join(tmp, "x")], check=True, stdout=subprocess.DEVNULL)
    data = open(p, "rb").read()
L = struct.unpack("<I", data[12:16])[0]
H = lambda b: hashlib.blake2b(b, digest_size=32).hexdigest()
def hx(b): return " ".join(f"{x:02x}" for x in b)
rep = []
def off(o, old): return (f"{o:08x}", f"{o+ (L-oldL):08x}")
for o in (16 + oldL, 80 + oldL, 80 + oldL + 96):
    rep.append((f"{o:08x}", f"{o + (L - oldL):08x}"))
for v in (16 + oldL - 1, 80 + oldL - 1, 80 + oldL, 80 + oldL + 32, 80 + oldL + 96, oldL):
    rep.append((f"0x{v:x}", f"0x{v + (L - oldL):x}"))
rep.append((f"{oldL:,}", f"{L:,}"))
rep.append((f"{80+oldL:,}", f"{80+L:,}"))
rep.append((f"L = {oldL}", f"L = {L}"))
rep.append((hx(struct.pack('<I', oldL)), hx(struct.pack('<I', L))))
# values from the file
header = data[16:16+L]
frame = data[80+L:80+L+32]
frame_sig = data[80+L+32:80+L+96]
header_hash = H(data[16:16+L]); frame_hash = H(frame)
body_hash = H(data[:80+L] + bytes.fromhex(frame_hash) + frame_sig)
trailer = data[80+L+96:]
new = sec
for a, b in rep:
    new = new.replace(a, b)
# hashes
hs = re.findall(r"= ([0-9a-f]{64})", new)
new = new.replace(hs[0], header_hash).replace(hs[1], frame_hash).replace(hs[2], body_hash)
print("L", oldL, "->", L, "; body hash in trailer:", trailer[6:38].hex() == body_hash)
open(doc_path, "w", encoding="utf-8").write(doc[:sec_start] + new + doc[sec_end:])
print("header key bytes", hx(header[18:30]), "frame", hx(frame[:16]))
print("trailer", hx(trailer[:40]))
print("frame sig", hx(frame_sig[:8]))
