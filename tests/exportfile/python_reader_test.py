#!/usr/bin/env python3
"""The Python reader of docs/export-format.md (python_reader.py: python3-protobuf and
python3-nacl, no socle code) reads what socle's C++ writer wrote: every kind, signed and sealed
to two recipients, the same record bytes and their decoding through the header's descriptors;
and it refuses a stranger's key, another issuer, altered, truncated and extended copies at the
offsets socle names.

Usage: python_reader_test.py FIXTURE_PROGRAM PROTOC PROTO_DIR
"""
import base64
import glob
import json
import os
import subprocess
import sys
import tempfile

import nacl.public

HERE = os.path.dirname(os.path.abspath(__file__))
READER = os.path.join(HERE, "python_reader.py")
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def main():
    fixture, protoc, proto_dir = sys.argv[1:4]
    tmp = tempfile.mkdtemp(prefix="socle_pyreader_")
    gen = os.path.join(tmp, "gen")
    os.makedirs(gen)
    subprocess.run([protoc, "--python_out=" + gen, "-I" + proto_dir]
                   + sorted(glob.glob(os.path.join(proto_dir, "socle", "v1", "*.proto"))),
                   check=True)

    def write(name, kind, n, recipients=()):
        path = os.path.join(tmp, name)
        expected = path + ".expected"
        out = subprocess.run([fixture, path, str(kind), str(n), expected] + list(recipients),
                             check=True, capture_output=True, text=True).stdout.strip()
        return path, [line.strip() for line in open(expected) if line.strip()], out

    def read(path, *extra):
        proc = subprocess.run([sys.executable, READER, path, "--proto-dir", gen] + list(extra),
                              capture_output=True, text=True)
        if proc.returncode == 0:
            return json.loads(proc.stdout), None
        return None, proc.stderr.strip()

    keys = []
    for i in range(3):
        key = nacl.public.PrivateKey.generate()
        key_file = os.path.join(tmp, "r%d.key" % i)
        with open(key_file, "w") as f:
            f.write(bytes(key).hex() + "\n")
        keys.append((key, key_file))
    recipients = [bytes(keys[0][0].public_key).hex(), bytes(keys[1][0].public_key).hex()]

    for kind in range(1, 6):
        for sealed in (False, True):
            for n in (0, 1, 40):
                name = "k%d_%s_%d.socle" % (kind, "sealed" if sealed else "signed", n)
                path, expected, issuer = write(name, kind, n, recipients if sealed else ())
                key_args = ["--key-file", keys[0][1]] if sealed else []
                got, err = read(path, "--issuer", issuer, *key_args)
                check(err is None, "%s: refused: %s" % (name, err))
                if got is None:
                    continue
                check(got["records"] == expected, "%s: records differ" % name)
                check(got["kind"] == kind and got["sealed"] == sealed, "%s: header" % name)
                for i, decoded in enumerate(got["decoded"]):
                    record = json.loads(decoded)
                    if kind == 4:  # AuditRecord: the text is in a bytes field (base64 in JSON)
                        text = base64.b64decode(record["entry"]["bytes"]).decode()
                    else:
                        text = decoded
                    check(("note %d " % i) in text, "%s: record %d decoded" % (name, i))
                if sealed:
                    got2, err = read(path, "--key-file", keys[1][1])
                    check(got2 is not None and got2["records"] == expected,
                          "%s: second recipient: %s" % (name, err))
                    _, err = read(path, "--key-file", keys[2][1])
                    check(err is not None and err.startswith("not_a_recipient at byte 16"),
                          "%s: stranger: %s" % (name, err))
                    _, err = read(path)
                    check(err is not None and err.startswith("key_required"),
                          "%s: no key: %s" % (name, err))

    # Tampered copies of a sealed file with several frames.
    path, expected, issuer = write("tamper.socle", 3, 40, recipients)
    data = open(path, "rb").read()
    key_args = ["--key-file", keys[0][1]]
    _, err = read(path, "--issuer", "00" * 32, *key_args)
    check(err == "untrusted_issuer at byte 16", "another issuer: %s" % err)

    def variant(name, content):
        p = os.path.join(tmp, name)
        with open(p, "wb") as f:
            f.write(content)
        return read(p, *key_args)[1]

    header_length = int.from_bytes(data[12:16], "little")
    first_frame = 16 + header_length + 64
    flipped = bytearray(data)
    flipped[first_frame + 100] ^= 1
    check(variant("flip.socle", bytes(flipped)) == "altered at byte %d" % first_frame,
          "altered frame")
    for cut in (5, 14, first_frame + 10, len(data) // 2, len(data) - 1):
        err = variant("cut.socle", data[:cut])
        check(err == "truncated at byte %d" % cut, "cut at %d: %s" % (cut, err))
    check(variant("ext.socle", data + b"\0") == "trailing_bytes at byte %d" % len(data),
          "trailing bytes")
    check(variant("magic.socle", b"PK" + data[2:]) == "not_an_export at byte 0", "magic")

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("python reader: every file read, every tampered copy refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
