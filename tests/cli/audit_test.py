#!/usr/bin/env python3
"""`socle audit` and `socle access explain --trail` from the outside (issue 9).

A key file, a vault and an access trail are made with the CLI itself; decisions are recorded
through `socle access explain --trail`; then every audit subcommand is run and its output is
checked with hashlib (the proofs lead to the checkpoint's root) and with the independent
verifier tests/ledger/verify_ledger.py. A copy of the trail is tampered with through Python's
sqlite3 (triggers dropped, one byte of one body changed): `audit verify` must exit 1 naming that
exact index, and so must the independent verifier refuse it. Bad input (missing files, a wrong
passphrase, a file that is not a ledger, bad options) gives a clear message and its exit code.

Usage: audit_test.py SOCLE VERIFY_LEDGER_PY POLICY [--verifier-only]
"""
import base64
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

PASSPHRASE = "correct horse battery staple (audit test)"
FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL " + what)


def run(argv, env_pass=PASSPHRASE, stdin=b""):
    env = dict(os.environ)
    env.pop("SOCLE_PASSPHRASE", None)
    if env_pass is not None:
        env["SOCLE_PASSPHRASE"] = env_pass
    proc = subprocess.run(argv, input=stdin, capture_output=True, env=env, timeout=120)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def inclusion_root(index, size, leaf, path):
    """RFC 9162 §2.1.3.2."""
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def tamper(path, index):
    """What an attacker with the file does: drop the trigger, change one byte of one body."""
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER entries_no_update")
    (body,) = db.execute("SELECT body FROM entries WHERE idx = ?", (index,)).fetchone()
    body = bytearray(body)
    body[len(body) // 2] ^= 0x01
    db.execute("UPDATE entries SET body = ? WHERE idx = ?", (bytes(body), index))
    db.commit()
    db.close()


def main():
    socle, verify_ledger, policy = (os.path.abspath(a) for a in sys.argv[1:4])
    verifier_only = "--verifier-only" in sys.argv[4:]
    work = tempfile.mkdtemp(prefix="socle-audit-test-")
    try:
        os.chdir(work)
        with open("pros.tsv", "w") as f:
            f.write("ass.durand\tass\tpole_social\tccas\n"
                    "aud.rssi\tauditeur_securite\t\tccas\n"
                    "cesf.moreau\tcesf\tantenne_nord\tccas\n")
        with open("persons.tsv", "w") as f:
            f.write("usager-0001\tpole_social\tass.durand\nusager-0002\tpole_social\tass.durand\n")
        code, out, err = run([socle, "keys", "init", "--key-file", "k.key", "--db", "v.db",
                              "--kdf", "interactive"])
        check(code == 0, "keys init: %d %s" % (code, err))
        keys = ["--vault", "v.db", "--key", "k.key"]
        directory = ["--policy", policy, "--professionals", "pros.tsv", "--persons", "persons.tsv"]

        def decide(actor, person, item):
            code, out, err = run([socle, "access", "explain"] + directory +
                                 ["--actor", actor, "--person", person, "--category", "social",
                                  "--purpose", "accompagnement_social", "--item", item,
                                  "--trail", "t.db"] + keys)
            check(code == 0 and "recorded in the access trail" in out,
                  "access explain --trail: %d %s %s" % (code, out[-200:], err))

        decide("ass.durand", "usager-0001", "note-1")   # entries 0 (policy), 1
        decide("cesf.moreau", "usager-0001", "note-2")  # 2 (policy), 3: denied
        decide("ass.durand", "usager-0002", "note-3")   # 4 (policy), 5: another person

        code, out, err = run([socle, "audit", "checkpoint", "t.db"] + keys)
        check(code == 0 and out.startswith("socle/default/access_trail\n6\n"),
              "audit checkpoint: %d %r %s" % (code, out, err))
        vkey = out.rsplit("verifier key: ", 1)[-1].strip()
        check(vkey.startswith("socle/default/access_trail+"), "verifier key: %r" % vkey)
        checkpoint_root = base64.b64decode(out.split("\n")[2])

        # The independent verifier: the file's rows hash to the signed root.
        code, out, err = run(["/usr/bin/python3", verify_ledger, "t.db", "--verifier-key", vkey])
        check(code == 0 and out.startswith("ok: 6 entries"),
              "verify_ledger.py on the trail: %d %s %s" % (code, out, err))
        other_key = vkey[:-2] + ("A=" if not vkey.endswith("A=") else "B=")
        code, out, _ = run(["/usr/bin/python3", verify_ledger, "t.db", "--verifier-key",
                            other_key])
        check(code != 0, "verify_ledger.py accepted another key: %s" % out)

        shutil.copy("t.db", "copy.db")
        shutil.copy("t.db.checkpoint", "copy.db.checkpoint")  # its witness, as of the copy
        tamper("copy.db", 3)
        code, out, _ = run(["/usr/bin/python3", verify_ledger, "copy.db"])
        check(code == 1 and "entry 3" in out,
              "verify_ledger.py on the tampered copy: %d %s" % (code, out))
        if verifier_only:
            return report()

        # prove: the printed proof leads, with hashlib only, to the checkpoint's root.
        code, out, err = run([socle, "audit", "prove", "t.db", "--index", "3"] + keys)
        lines = out.split("\n")
        check(code == 0 and lines[0] == "entry 3 of 6", "audit prove: %d %s %s" % (code, out, err))
        if code == 0:
            leaf = base64.b64decode(lines[1].split(": ")[1])
            count = int(lines[2].split("(")[1].split(" ")[0])
            path = [base64.b64decode(l) for l in lines[3:3 + count]]
            check(inclusion_root(3, 6, leaf, path) == checkpoint_root,
                  "the printed proof does not lead to the checkpoint's root")
            db = sqlite3.connect("t.db")
            (body,) = db.execute("SELECT body FROM entries WHERE idx = 3").fetchone()
            db.close()
            check(hashlib.sha256(b"\x00" + body).digest() == leaf,
                  "the leaf hash is not SHA-256(0x00 || stored bytes)")
        code, out, err = run([socle, "audit", "prove", "t.db", "--index", "9"] + keys)
        check(code == 1 and "OUT_OF_RANGE" in err, "prove past the end: %d %s" % (code, err))
        code, out, err = run([socle, "audit", "prove", "t.db", "--index", "1", "--size", "2"] +
                             keys)
        check(code == 0 and "entry 1 of 2" in out and "proof: ok" in out,
              "prove --size 2: %d %s %s" % (code, out, err))

        # history: the auditor reads usager-0001's entries and nothing about usager-0002.
        code, out, err = run([socle, "audit", "history", "t.db", "--person", "usager-0001",
                              "--reader", "aud.rssi"] + keys + directory)
        check(code == 0, "audit history: %d %s" % (code, err))
        entries = [l for l in out.split("\n") if l.startswith("#")]
        check([l.split()[0] for l in entries][:2] == ["#1", "#3"],
              "history entries: %r" % entries)
        check(all(l.endswith("proof: ok") for l in entries), "a history line without its proof")
        check("who: ass.durand  role: ass  structure: ccas  action: read  item: note-1  "
              "category: social  purpose: accompagnement_social  outcome: allowed" in out,
              "the allowed decision's fields: %s" % out)
        check("who: cesf.moreau" in out and "outcome: denied" in out, "the denial: %s" % out)
        check("note-3" not in out and "usager-0002" not in out, "another person's entry shown")
        # REQ-55: who may read the file now, and why (usager-0001: team pole_social, referent
        # ass.durand); cesf.moreau (antenne_nord) may not.
        check("who may read this file now:\n  ass.durand (ass, ccas): team pole_social\n"
              "  ass.durand (ass, ccas): referent\n" in out, "the current access list: %s" % out)
        check("  cesf.moreau" not in out, "a professional without access listed: %s" % out)
        check("checkpoint (signature verified with " + vkey in out, "the checkpoint: %s" % out)
        # The person reads their own history; the read above is in it.
        code, out, err = run([socle, "audit", "history", "t.db", "--person", "usager-0001",
                              "--as-person", "--limit", "10"] + keys + directory)
        check(code == 0 and "operation: trail_read  who: aud.rssi" in out,
              "history --as-person: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "audit", "history", "t.db", "--person", "usager-0001",
                              "--since", "2999-01-01T00:00:00Z", "--as-person"] + keys +
                             directory)
        check(code == 0 and "(0 entries)" in out, "history --since the future: %s %s" % (out, err))
        # A professional who is not an auditor is refused, and the refusal is recorded.
        code, out, err = run([socle, "audit", "history", "t.db", "--person", "usager-0001",
                              "--reader", "ass.durand"] + keys + directory)
        check(code == 1 and "PERMISSION_DENIED" in err and "usager-0001" not in err,
              "history by a non-auditor: %d %s" % (code, err))

        code, out, err = run([socle, "audit", "verify", "t.db"] + keys)
        check(code == 0 and out.startswith("ok: ") and " entries, " in out,
              "audit verify: %d %s %s" % (code, out, err))
        # The passphrase on standard input works as well.
        code, out, err = run([socle, "audit", "verify", "t.db"] + keys, env_pass=None,
                             stdin=(PASSPHRASE + "\n").encode())
        check(code == 0, "audit verify, passphrase on stdin: %d %s" % (code, err))

        # The tampered copy: verify exits 1 and names entry 3.
        code, out, err = run([socle, "audit", "verify", "copy.db"] + keys)
        check(code == 1 and out.startswith("FAILED at entry 3: "),
              "audit verify on the tampered copy: %d %r %s" % (code, out, err))

        # Bad input: a clear message and an exit code, never a crash.
        code, _, err = run([socle, "audit", "verify", "missing.db"] + keys)
        check(code == 1 and "no such file: missing.db" in err, "missing ledger: %d %s" % (code, err))
        check(not os.path.exists("missing.db"), "a missing ledger was created")
        code, _, err = run([socle, "audit", "verify", "t.db", "--vault", "v.db", "--key",
                            "nokey.key"])
        check(code == 1 and "nokey.key" in err, "missing key file: %d %s" % (code, err))
        code, _, err = run([socle, "audit", "verify", "t.db"] + keys,
                           env_pass="not the passphrase at all")
        check(code == 1 and "VERIFICATION_FAILED" in err and "not the passphrase" not in err,
              "wrong passphrase: %d %s" % (code, err))
        with open("notaledger.db", "wb") as f:
            f.write(b"this is not an SQLite database, just text" * 50)
        code, _, err = run([socle, "audit", "verify", "notaledger.db"] + keys)
        check(code == 1 and "DATA_LOSS" in err and "not a database" in err,
              "not a ledger: %d %s" % (code, err))
        code, _, err = run([socle, "audit", "verify", "v.db"] + keys)  # an SQLite file, a vault
        check(code == 1 and err.startswith("socle audit: "), "a vault as a ledger: %d %s" %
              (code, err))
        code, _, err = run([socle, "audit", "verify", "t.db", "--vault", "v.db"])
        check(code == 2 and "--key is required" in err, "no --key: %d %s" % (code, err))
        code, _, err = run([socle, "audit", "prove", "t.db", "--index", "x"] + keys)
        check(code == 2, "bad --index: %d %s" % (code, err))
        code, _, err = run([socle, "audit", "history", "t.db", "--person", "usager-0001"] + keys +
                           directory)
        check(code == 2 and "exactly one of --reader" in err, "no reader: %d %s" % (code, err))
        code, _, err = run([socle, "audit", "history", "t.db", "--person", "usager-0001",
                            "--as-person", "--since", "yesterday"] + keys + directory)
        check(code == 2 and "RFC 3339" in err, "bad --since: %d %s" % (code, err))
        code, _, err = run([socle, "audit", "frobnicate"])
        check(code == 2 and "unknown subcommand" in err, "unknown subcommand: %d %s" % (code, err))
        code, _, err = run([socle, "audit", "verify", "t.db", "--passphrase", "x"] + keys)
        check(code == 2 and "never taken from the command line" in err, "--passphrase: %s" % err)
        return report()
    finally:
        os.chdir("/")
        shutil.rmtree(work, ignore_errors=True)


def report():
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
