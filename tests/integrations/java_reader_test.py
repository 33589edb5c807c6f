#!/usr/bin/env python3
"""integrations/java without socle: the generated classes of fr.socle.v1 and
SocleExportReader.java compiled with javac against protobuf.jar and bcprov.jar only (no socle
jar, no JNA, no libsocle), then run on files socle's C++ writer wrote (exportfile_fixture): signed
files of every kind decoded as their generated types with their fields checked; a sealed dataset
verified without its key and its records refused as key_required; tampered copies refused with
the problem and the offset socle names; every byte of a small file flipped in turn, each copy
refused by a RefusedException and nothing else.

Usage: java_reader_test.py JAVAC JAVA PROTOBUF_JAR BCPROV_JAR FIXTURE_PROGRAM SOURCE_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def main():
    javac, java, protobuf_jar, bcprov_jar, fixture, source_dir, work = sys.argv[1:8]
    shutil.rmtree(work, ignore_errors=True)
    classes = os.path.join(work, "classes")
    os.makedirs(classes)
    sources = [os.path.join(HERE, "ExportReaderCheck.java")]
    for root, _, files in os.walk(os.path.join(source_dir, "integrations", "java", "src")):
        sources += [os.path.join(root, f) for f in files if f.endswith(".java")]
    jars = protobuf_jar + os.pathsep + bcprov_jar
    proc = subprocess.run([javac, "-nowarn", "-encoding", "UTF-8", "-d", classes, "-cp", jars]
                          + sorted(sources), capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stdout + proc.stderr)
        print("FAIL: javac")
        return 1
    class_path = classes + os.pathsep + jars

    def run(*args):
        proc = subprocess.run([java, "-cp", class_path, "ExportReaderCheck"] + list(args),
                              capture_output=True, text=True)
        return proc.returncode, proc.stdout.strip(), proc.stderr.strip()

    def write(name, kind, n, recipients=()):
        path = os.path.join(work, name)
        issuer = subprocess.run([fixture, path, str(kind), str(n), path + ".expected"]
                                + list(recipients), check=True, capture_output=True,
                                text=True).stdout.strip()
        return path, issuer

    for kind in range(1, 6):
        for n in (0, 1, 25):
            path, issuer = write("k%d_%d.socle" % (kind, n), kind, n)
            rc, out, err = run("read", path, issuer, str(kind), str(n))
            check(rc == 0 and out == "ok %d" % n, "kind %d, %d records: %s %s" % (kind, n, out,
                                                                                  err))

    # A signed access request with several frames, and tampered copies of it.
    path, issuer = write("signed.socle", 1, 40)
    rc, out, err = run("read", path, issuer, "1", "40")
    check(rc == 0 and out == "ok 40", "signed access request: %s %s" % (out, err))
    rc, out, err = run("verify", path, issuer)
    check(rc == 0 and out == "verified", "signed, verifyAll: %s %s" % (out, err))
    rc, _, err = run("verify", path, "00" * 32)
    check(rc == 1 and err == "untrusted_issuer at byte 16", "another issuer: %s" % err)
    data = open(path, "rb").read()
    first_frame = 16 + int.from_bytes(data[12:16], "little") + 64
    first_n = int.from_bytes(data[first_frame + 28:first_frame + 32], "little")
    second_frame = first_frame + 32 + first_n + 64

    # The trailer: its length M (uint32) then M bytes, at the end of the file.
    trailer = next(t for t in range(len(data) - 4, first_frame, -1)
                   if int.from_bytes(data[t:t + 4], "little") == len(data) - t - 4)

    def variant(name, content):
        p = os.path.join(work, name)
        with open(p, "wb") as f:
            f.write(content)
        rc, out, err = run("records", p)
        return err if rc == 1 else "exit %d: %s %s" % (rc, out, err)

    for name, at, want in (("header", 40, "altered at byte 16"),
                           ("frame", first_frame + 100, "altered at byte %d" % first_frame),
                           ("frame2", second_frame + 40, "altered at byte %d" % second_frame),
                           ("signature", second_frame - 1, "altered at byte %d" % first_frame),
                           ("trailer", len(data) - 10, "altered at byte %d" % trailer)):
        flipped = bytearray(data)
        flipped[at] ^= 1
        got = variant("flip_%s.socle" % name, bytes(flipped))
        check(got == want, "flipped %s: %s, want %s" % (name, got, want))
    for cut in (5, 14, first_frame + 10, len(data) // 2, len(data) - 1):
        got = variant("cut.socle", data[:cut])
        check(got == "truncated at byte %d" % cut, "cut at %d: %s" % (cut, got))
    check(variant("ext.socle", data + b"\0") == "trailing_bytes at byte %d" % len(data),
          "trailing bytes")
    check(variant("magic.socle", b"PK" + data[2:]) == "not_an_export at byte 0", "magic")
    check(variant("big.socle", data[:12] + (5 << 20).to_bytes(4, "little") + data[16:])
          == "too_large at byte 12", "header length")

    # Every byte of a small file flipped in turn: refused, by a RefusedException only.
    path, issuer = write("flips.socle", 1, 2)
    rc, out, err = run("flips", path)
    check(rc == 0 and out.startswith("refused "), "flips: %s %s" % (out, err))

    # A sealed dataset: verified without its key; its records need libsodium.
    recipient = "11" * 32  # any X25519 public key: the check never opens the file
    path, issuer = write("sealed.socle", 3, 40, [recipient])
    rc, out, err = run("verify", path, issuer)
    check(rc == 0 and out == "verified", "sealed, verifyAll: %s %s" % (out, err))
    rc, _, err = run("records", path)
    check(rc == 1 and err.startswith("key_required at byte "), "sealed, records: %s" % err)
    data = open(path, "rb").read()
    first_frame = 16 + int.from_bytes(data[12:16], "little") + 64
    flipped = bytearray(data)
    flipped[first_frame + 100] ^= 1
    p = os.path.join(work, "sealed_flip.socle")
    with open(p, "wb") as f:
        f.write(bytes(flipped))
    rc, _, err = run("verify", p, issuer)
    check(rc == 1 and err == "altered at byte %d" % first_frame, "sealed, flipped: %s" % err)

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("java reader: every signed file decoded as its generated types, a sealed file verified, "
          "every tampered copy refused")
    return 0


if __name__ == "__main__":
    sys.exit(main())
