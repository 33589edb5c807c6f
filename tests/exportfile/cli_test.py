#!/usr/bin/env python3
"""`socle export keygen|verify|dump|open` end to end, on files the C++ writer wrote
(exportfile_fixture): a recipient key made by keygen opens a file sealed to it; verify names the
problem and its offset for a tampered copy and checks --issuer; dump decodes every record; open
writes JSON lines only once the whole file verified.

Usage: cli_test.py SOCLE FIXTURE_PROGRAM
"""
import json
import os
import stat
import subprocess
import sys
import tempfile

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def main():
    socle, fixture = sys.argv[1:3]
    tmp = tempfile.mkdtemp(prefix="socle_export_cli_")

    def run(*args):
        p = subprocess.run([socle, "export"] + list(args), capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=120)
        return p.returncode, p.stdout, p.stderr

    key = os.path.join(tmp, "me.key")
    rc, out, err = run("keygen", "--out", key)
    check(rc == 0, "keygen: %s" % err)
    public = out.strip()
    check(len(public) == 64 and int(public, 16) >= 0, "keygen prints a public key")
    check(stat.S_IMODE(os.stat(key).st_mode) == 0o600, "the key file is 0600")
    secret = open(key).read().strip()
    check(len(secret) == 64 and secret != public, "the key file holds the secret")
    check(public not in err and secret not in out + err, "the secret is never printed")
    rc, _, err = run("keygen", "--out", key)
    check(rc == 1 and open(key).read().strip() == secret, "keygen never overwrites: %s" % err)

    path = os.path.join(tmp, "dataset.socle")
    issuer = subprocess.run([fixture, path, "3", "25", path + ".expected", public], check=True,
                            capture_output=True, text=True).stdout.strip()
    expected = [line.strip() for line in open(path + ".expected") if line.strip()]

    rc, out, err = run("verify", path)
    check(rc == 0 and out.startswith("ok: pseudonymised_dataset, sealed, 25 records"),
          "verify without the key: %s %s" % (out, err))
    check(issuer in out, "verify names the issuer")
    rc, out, err = run("verify", path, "--issuer", issuer, "--key-file", key)
    check(rc == 0, "verify with issuer and key: %s" % err)
    rc, out, err = run("verify", path, "--issuer", "ab" * 32)
    check(rc == 1 and "untrusted issuer at byte 16" in err, "another issuer: %s" % err)
    rc, out, err = run("verify", path, "--issuer", "zz")
    check(rc == 2, "a malformed --issuer is a usage error")

    data = open(path, "rb").read()
    header_length = int.from_bytes(data[12:16], "little")
    first_frame = 16 + header_length + 64
    bad = os.path.join(tmp, "bad.socle")
    with open(bad, "wb") as f:
        f.write(data[:first_frame + 50] + bytes([data[first_frame + 50] ^ 1])
                + data[first_frame + 51:])
    rc, out, err = run("verify", bad)
    check(rc == 1 and "export file: altered at byte %d" % first_frame in err,
          "a tampered copy: %s" % err)
    cut = os.path.join(tmp, "cut.socle")
    with open(cut, "wb") as f:
        f.write(data[:len(data) - 10])
    rc, out, err = run("verify", cut)
    check(rc == 1 and "truncated at byte %d" % (len(data) - 10) in err, "a cut copy: %s" % err)

    rc, out, err = run("dump", path)
    check(rc == 1 and "key required" in err, "dump of a sealed file needs a key: %s" % err)
    rc, out, err = run("dump", path, "--json", "--key-file", key)
    check(rc == 0, "dump --json: %s" % err)
    lines = out.splitlines()
    check(len(lines) == 26, "dump --json: a header and 25 records (%d lines)" % len(lines))
    if len(lines) == 26:
        header = json.loads(lines[0])["header"]
        check(header["issuer"] == "CCAS de Lyon" and header["kind"] == "PSEUDONYMISED_DATASET",
              "dump: the header")
        for i, line in enumerate(lines[1:]):
            record = json.loads(line)
            check(record["subject"] == "pseudo-%d" % i, "dump: record %d" % i)
    rc, out, err = run("dump", path, "--key-file", key)
    check(rc == 0 and "# record 25" in out and 'subject: "pseudo-24"' in out, "dump as text")

    opened = os.path.join(tmp, "records.jsonl")
    rc, out, err = run("open", path, "--key", key, "--out", opened)
    check(rc == 0, "open: %s" % err)
    check(os.path.exists(opened) and stat.S_IMODE(os.stat(opened).st_mode) == 0o600,
          "open writes a 0600 file")
    if os.path.exists(opened):
        rows = [json.loads(line) for line in open(opened)]
        check(len(rows) == len(expected) and rows[3]["subject"] == "pseudo-3", "open: records")
    refused = os.path.join(tmp, "refused.jsonl")
    rc, out, err = run("open", bad, "--key", key, "--out", refused)
    check(rc == 1 and not os.path.exists(refused), "open of a tampered copy writes nothing")
    check(not [n for n in os.listdir(tmp) if ".tmp." in n], "no temporary file left")
    other = os.path.join(tmp, "other.key")
    run("keygen", "--out", other)
    rc, out, err = run("open", path, "--key", other, "--out", refused)
    check(rc != 0 and "not a recipient at byte 16" in err, "open with a stranger's key: %s" % err)

    rc, out, err = run("frobnicate")
    check(rc == 2, "an unknown subcommand is a usage error")

    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    print("socle export: every command checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
