#!/usr/bin/env python3
"""The integrators' pure-Python reader (integrations/python/socle_export: read.py and the
protoc-generated record types; python3-protobuf and python3-nacl, no socle code) reads what
socle's C++ writer wrote: every kind, signed and sealed to two recipients, the same record bytes,
every record decoded as its generated type with its fields checked, and the same decoding through
the FileDescriptorSet the header carries; it refuses a stranger's key, another issuer, altered,
truncated and extended copies at the offsets socle names, before handing out any record of an
altered frame. python_reader.py (the command-line form) prints a file and a refusal.

Usage: python_reader_test.py FIXTURE_PROGRAM INTEGRATIONS_PYTHON_DIR
"""
import io
import json
import os
import subprocess
import sys
import tempfile

import nacl.public
from google.protobuf import descriptor_pool, json_format, message_factory

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def read(socle_export, data, key=None, issuer=None, raw=False):
    """(header, records, None) or (None, records yielded before the refusal, Refused)."""
    got = []
    try:
        reader = socle_export.Reader(io.BytesIO(data), secret_key=key, trusted_issuer=issuer,
                                     raw=raw)
        for record in reader:
            got.append(record)
    except socle_export.Refused as e:
        return None, got, e
    check(reader.trailer is not None and reader.trailer.record_count == len(got),
          "trailer set after the iteration")
    return reader.header, got, None


def check_typed(socle_export, kind, records, name):
    """Every record is an instance of its kind's generated class, with the fields
    tests/exportfile/test_util.h's SampleRecord gave it."""
    for i, r in enumerate(records):
        where = "%s: record %d" % (name, i)
        check(type(r) is socle_export.RECORD_TYPES[kind], where + ": type %s" % type(r).__name__)
        prefix = "note %d " % i
        if kind == socle_export.PSEUDONYMISED_DATASET:
            check(r.subject == "pseudo-%d" % i and len(r.fields) == 1
                  and r.fields[0].name == "age_band" and r.fields[0].value.startswith(prefix),
                  where + ": dataset fields")
        elif kind == socle_export.AUDIT_EXTRACT:
            check(r.WhichOneof("record") == "entry" and r.entry.index == i
                  and r.entry.bytes.startswith(prefix.encode()), where + ": audit entry")
        else:
            e = r.entry
            check(r.WhichOneof("record") == "entry" and e.id == "e%d" % i and e.person == "p1"
                  and e.category == "social" and e.title == "Visite"
                  and e.text.startswith(prefix) and e.created_at.seconds == 1700000000 + i,
                  where + ": entry fields")
            check(len(e.text) == len(prefix) + (300000 if i % 10 == 9 else 0),
                  where + ": text length")


def check_header_descriptors(header, raw, typed, name):
    """The header's FileDescriptorSet decodes each record as the generated class does."""
    pool = descriptor_pool.DescriptorPool()
    for file_proto in header.descriptors.file:
        pool.Add(file_proto)
    cls = message_factory.MessageFactory(pool).GetPrototype(
        pool.FindMessageTypeByName(header.record_type))
    for i, (data, message) in enumerate(zip(raw, typed)):
        dynamic = cls()
        dynamic.ParseFromString(data)
        check(json_format.MessageToDict(dynamic) == json_format.MessageToDict(message),
              "%s: record %d: header descriptors and generated class differ" % (name, i))


def main():
    fixture, integrations = sys.argv[1:3]
    sys.path.insert(0, integrations)
    import socle_export

    tmp = tempfile.mkdtemp(prefix="socle_pyreader_")

    def write(name, kind, n, recipients=()):
        path = os.path.join(tmp, name)
        expected = path + ".expected"
        out = subprocess.run([fixture, path, str(kind), str(n), expected] + list(recipients),
                             check=True, capture_output=True, text=True).stdout.strip()
        records = [bytes.fromhex(line.strip()) for line in open(expected) if line.strip()]
        with open(path, "rb") as f:
            return path, f.read(), records, bytes.fromhex(out)

    keys = [nacl.public.PrivateKey.generate() for _ in range(3)]
    secrets = [bytes(k) for k in keys]
    recipients = [bytes(keys[0].public_key).hex(), bytes(keys[1].public_key).hex()]

    for kind in range(1, 6):
        for sealed in (False, True):
            for n in (0, 1, 40):
                name = "k%d_%s_%d.socle" % (kind, "sealed" if sealed else "signed", n)
                _, data, expected, issuer = write(name, kind, n, recipients if sealed else ())
                key = secrets[0] if sealed else None
                header, raw, err = read(socle_export, data, key, issuer, raw=True)
                check(err is None, "%s: refused: %s" % (name, err))
                if err is not None:
                    continue
                check(raw == expected, "%s: records differ" % name)
                check(header.kind == kind and bool(header.recipients) == sealed
                      and header.record_type == socle_export.RECORD_TYPES[kind].DESCRIPTOR
                      .full_name and header.issuer_public_key == issuer, "%s: header" % name)
                _, typed, err = read(socle_export, data, key, issuer)
                check(err is None and len(typed) == n, "%s: typed read: %s" % (name, err))
                check_typed(socle_export, kind, typed, name)
                check_header_descriptors(header, raw, typed, name)
                if sealed:
                    _, got2, err = read(socle_export, data, secrets[1], raw=True)
                    check(err is None and got2 == expected,
                          "%s: second recipient: %s" % (name, err))
                    _, _, err = read(socle_export, data, secrets[2])
                    check(str(err) == "not_a_recipient at byte 16",
                          "%s: stranger: %s" % (name, err))
                    _, _, err = read(socle_export, data)
                    check(err is not None and err.problem == "key_required",
                          "%s: no key: %s" % (name, err))

    # Tampered copies: a sealed dataset and a signed access request with several frames.
    for kind, sealed in ((3, True), (1, False)):
        name = "tamper_k%d_%s" % (kind, "sealed" if sealed else "signed")
        _, data, expected, issuer = write(name + ".socle", kind, 40,
                                          recipients if sealed else ())
        key = secrets[0] if sealed else None
        _, _, err = read(socle_export, data, key, b"\0" * 32)
        check(str(err) == "untrusted_issuer at byte 16", "%s: another issuer: %s" % (name, err))
        header_length = int.from_bytes(data[12:16], "little")
        first_frame = 16 + header_length + 64

        def variant(content):
            _, got, err = read(socle_export, content, key)
            return got, (str(err) if err else None)

        flipped = bytearray(data)
        flipped[first_frame + 100] ^= 1
        got, err = variant(bytes(flipped))
        check(err == "altered at byte %d" % first_frame and not got,
              "%s: altered frame: %s, %d records handed out" % (name, err, len(got)))
        flipped = bytearray(data)
        flipped[40] ^= 1
        check(variant(bytes(flipped))[1] == "altered at byte 16", "%s: altered header" % name)
        # The second frame: the records of the first are handed out, none of the second.
        first_n = int.from_bytes(data[first_frame + 28:first_frame + 32], "little")
        second_frame = first_frame + 32 + first_n + 64
        flipped = bytearray(data)
        flipped[second_frame + 40] ^= 1
        got, err = variant(bytes(flipped))
        check(err == "altered at byte %d" % second_frame and 0 < len(got) < 40,
              "%s: altered second frame: %s after %d records" % (name, err, len(got)))
        # Frames 0 and 1 swapped.
        third_frame = second_frame + 32 + int.from_bytes(
            data[second_frame + 28:second_frame + 32], "little") + 64
        swapped = (data[:first_frame] + data[second_frame:third_frame]
                   + data[first_frame:second_frame] + data[third_frame:])
        check(variant(swapped)[1] == "reordered at byte %d" % first_frame,
              "%s: reordered: %s" % (name, variant(swapped)[1]))
        for cut in (5, 14, first_frame + 10, len(data) // 2, len(data) - 1):
            err = variant(data[:cut])[1]
            check(err == "truncated at byte %d" % cut, "%s: cut at %d: %s" % (name, cut, err))
        check(variant(data + b"\0")[1] == "trailing_bytes at byte %d" % len(data),
              "%s: trailing bytes" % name)
        check(variant(b"PK" + data[2:])[1] == "not_an_export at byte 0", "%s: magic" % name)
        check(variant(data[:8] + b"\2\0\0\0" + data[12:])[1] == "unknown_version at byte 8",
              "%s: version" % name)
        check(variant(data[:12] + (5 << 20).to_bytes(4, "little") + data[16:])[1]
              == "too_large at byte 12", "%s: header length" % name)

        # Hostile frame headers, refused before the content is read or allocated.
        def frame_field(at, value):
            return data[:first_frame + at] + value + data[first_frame + at + len(value):]

        check(variant(frame_field(28, b"\xff\xff\xff\xff"))[1]
              == "too_large at byte %d" % first_frame, "%s: frame length" % name)
        check(variant(frame_field(24, b"\x02"))[1] == "malformed at byte %d" % first_frame,
              "%s: unknown flag" % name)
        check(variant(frame_field(0, bytes(16)))[1] == "foreign at byte %d" % first_frame,
              "%s: foreign frame" % name)

    # Every byte of a small signed file flipped in turn (one in 61 inside the header's
    # descriptors): each copy is refused with a Refused, never another exception, and whatever
    # records were handed out before the refusal are the writer's own, unchanged.
    _, data, expected, issuer = write("flips.socle", 1, 2)
    header_end = 16 + int.from_bytes(data[12:16], "little")
    positions = [p for p in range(len(data)) if p < 64 or p >= header_end - 64 or p % 61 == 0]
    refused = 0
    for p in positions:
        flipped = bytearray(data)
        flipped[p] ^= 0x40
        try:
            _, got, err = read(socle_export, bytes(flipped), issuer=issuer, raw=True)
        except Exception as e:  # anything but Refused is a defect
            check(False, "flip at %d: %s: %s" % (p, type(e).__name__, e))
            continue
        check(got == expected[:len(got)], "flip at %d: a changed record handed out" % p)
        refused += err is not None
    check(refused == len(positions), "flips: %d of %d refused" % (refused, len(positions)))

    # The command-line form prints a file and refuses a tampered one.
    path, data, expected, issuer = write("cli.socle", 1, 3)
    cli = os.path.join(HERE, "python_reader.py")
    proc = subprocess.run([sys.executable, cli, path, "--issuer", issuer.hex()],
                          capture_output=True, text=True)
    check(proc.returncode == 0, "cli: %s" % proc.stderr)
    if proc.returncode == 0:
        out = json.loads(proc.stdout)
        check(out["records"] == [r.hex() for r in expected]
              and json.loads(out["decoded"][2])["entry"]["id"] == "e2", "cli: records")
    with open(path, "ab") as f:
        f.write(b"\0")
    proc = subprocess.run([sys.executable, cli, path], capture_output=True, text=True)
    check(proc.returncode == 1 and proc.stderr.strip() == "trailing_bytes at byte %d" % len(data),
          "cli: refused: %s" % proc.stderr)

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("python reader: every file read and decoded as its generated type, every tampered "
          "copy refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
