#!/usr/bin/env python3
"""Writes the seeds of export_reader_fuzzer into this folder, with the C++ writer.

    make_seeds.py EXPORTFILE_FIXTURE   (build/dev/tests/exportfile/exportfile_fixture)

A seed's first byte picks the fuzzer's mode: 0x00 then a whole file, 0x01 then the content of
one frame (delimited records). Files: each kind with 0, 1 and 3 records, signed and sealed to
the fuzzer's recipient key (secret: 32 bytes of 0x42), and altered, truncated and extended
copies; frame contents: records, a record longer than its frame, a varint of 2^63.
"""
import os
import subprocess
import sys
import tempfile

import nacl.bindings

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    fixture = sys.argv[1]
    recipient = nacl.bindings.crypto_scalarmult_base(b"\x42" * 32).hex()
    tmp = tempfile.mkdtemp()
    for name in os.listdir(HERE):
        if name.endswith(".bin"):
            os.remove(os.path.join(HERE, name))

    def seed(name, data):
        with open(os.path.join(HERE, name + ".bin"), "wb") as f:
            f.write(data)

    sample = None
    for kind in range(1, 6):
        for sealed in (False, True):
            for n in (0, 1, 3):
                path = os.path.join(tmp, "f.socle")
                args = [fixture, path, str(kind), str(n), path + ".expected"]
                if sealed:
                    args.append(recipient)
                subprocess.run(args, check=True, capture_output=True)
                data = open(path, "rb").read()
                name = "kind%d_%s_%d" % (kind, "sealed" if sealed else "signed", n)
                if kind in (1, 3) or n == 3:
                    seed(name, b"\0" + data)
                if kind == 3 and n == 3:
                    sample = (sealed, data)
                    tag = "sealed" if sealed else "signed"
                    seed("truncated_" + tag, b"\0" + data[:len(data) - 40])
                    seed("extended_" + tag, b"\0" + data + b"\0")
                    altered = bytearray(data)
                    altered[len(data) - 200] ^= 1
                    seed("altered_" + tag, b"\0" + bytes(altered))
    seed("not_an_export", b"\0PK\x03\x04")
    seed("version_2", b"\0\x89SOCLE\r\n\x02\x00\x00\x00")
    seed("huge_header", b"\0\x89SOCLE\r\n\x01\x00\x00\x00\xff\xff\xff\xff")
    # Frame contents (mode 0x01).
    seed("content_empty", b"\1")
    seed("content_records", b"\1\x03abc\x00\x05hello")
    seed("content_overrun", b"\1\x10abc")
    seed("content_huge_varint", b"\1\xff\xff\xff\xff\xff\xff\xff\xff\x7f")
    seed("content_long_varint", b"\1" + b"\x80" * 11 + b"\x01")


if __name__ == "__main__":
    main()
