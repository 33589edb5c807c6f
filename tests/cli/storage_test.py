#!/usr/bin/env python3
"""`socle keys|access explain|audit ... --storage` (issue 10): one location instead of the
ledger's and the vault's files (socle::Storage, docs/postgresql.md).

A vault is made with `socle keys init --storage DIR`; decisions are recorded through
`socle access explain --storage DIR`, which puts the trail in DIR/access_trail.db; every audit
subcommand reads it through --storage, and the old flags (DB --vault) read the same file. A
witness directory keeps the witness file there. Bad input: a missing directory or ledger is
NOT_FOUND and nothing is created; a file as location and a PostgreSQL URI without
--witness-dir are INVALID_ARGUMENT without the URI's password; mixed flags are usage errors.

Usage: storage_test.py SOCLE POLICY
"""
import os
import shutil
import subprocess
import sys
import tempfile

PASSPHRASE = "correct horse battery staple (storage test)"
FAILURES = []


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL " + what)


def run(argv):
    env = dict(os.environ, SOCLE_PASSPHRASE=PASSPHRASE)
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                          timeout=120)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def main():
    socle, policy = (os.path.abspath(a) for a in sys.argv[1:3])
    work = tempfile.mkdtemp(prefix="socle-storage-test-")
    try:
        os.chdir(work)
        with open("pros.tsv", "w") as f:
            f.write("ass.durand\tass\tpole_social\tccas\n"
                    "cesf.moreau\tcesf\tantenne_nord\tccas\n")
        with open("persons.tsv", "w") as f:
            f.write("usager-0001\tpole_social\tass.durand\n")
        directory = ["--policy", policy, "--professionals", "pros.tsv", "--persons", "persons.tsv"]

        def decide(actor, location):
            return run([socle, "access", "explain"] + directory +
                       ["--actor", actor, "--person", "usager-0001", "--category", "social",
                        "--purpose", "accompagnement_social", "--key", "k.key"] + location)

        # keys init --storage creates the directory and its vault.db.
        code, out, err = run([socle, "keys", "init", "--key-file", "k.key", "--storage", "ccas",
                              "--kdf", "interactive"])
        check(code == 0 and "vault database ccas/vault.db ready" in out,
              "keys init --storage: %d %s %s" % (code, out, err))
        check(os.path.isfile("ccas/vault.db"), "no ccas/vault.db")
        storage = ["--storage", "ccas", "--key", "k.key"]

        # Recorded through the storage: the trail is the directory's access_trail.db.
        for actor in ("ass.durand", "cesf.moreau"):  # allowed, then denied
            code, out, err = decide(actor, ["--storage", "ccas"])
            check(code == 0 and "recorded in the access trail" in out,
                  "access explain --storage: %d %s %s" % (code, out[-200:], err))
        check(os.path.isfile("ccas/access_trail.db"), "no ccas/access_trail.db")

        code, out, err = run([socle, "audit", "verify"] + storage)
        check(code == 0 and out.startswith("ok: 4 entries"),
              "audit verify --storage: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "audit", "checkpoint"] + storage)
        check(code == 0 and out.startswith("socle/default/access_trail\n4\n"),
              "audit checkpoint --storage: %d %r %s" % (code, out, err))
        check(os.path.isfile("ccas/access_trail.db.checkpoint"), "the witness beside the file")
        code, out, err = run([socle, "audit", "prove", "--index", "3"] + storage)
        check(code == 0 and out.startswith("entry 3 of 4") and "proof: ok" in out,
              "audit prove --storage: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "audit", "history", "--person", "usager-0001",
                              "--as-person"] + storage + directory)
        check(code == 0 and "who: cesf.moreau" in out and "outcome: denied" in out,
              "audit history --storage: %d %s %s" % (code, out, err))
        # The same files through the old flags.
        code, out, err = run([socle, "audit", "verify", "ccas/access_trail.db", "--vault",
                              "ccas/vault.db", "--key", "k.key"])
        # (audit history recorded its policy and its read: 6 entries.)
        check(code == 0 and out.startswith("ok: 6 entries, "),
              "audit verify DB --vault on the storage's files: %d %s %s" % (code, out, err))

        # A witness directory.
        os.mkdir("data", 0o700)
        code, _, err = run([socle, "keys", "init", "--key-file", "k2.key", "--db", "data/vault.db",
                            "--kdf", "interactive"])
        check(code == 0, "keys init data: %d %s" % (code, err))
        code, out, err = run([socle, "access", "explain"] + directory +
                             ["--actor", "ass.durand", "--person", "usager-0001", "--category",
                              "social", "--purpose", "accompagnement_social", "--key", "k2.key",
                              "--storage", "data", "--witness-dir", "witness"])
        check(code == 0 and "recorded in the access trail (2 entries)" in out,
              "access explain --witness-dir: %d %s %s" % (code, out[-200:], err))
        code, out, err = run([socle, "audit", "checkpoint", "--storage", "data", "--witness-dir",
                              "witness", "--key", "k2.key"])
        check(code == 0 and os.path.isfile("witness/access_trail.checkpoint"),
              "the witness in the witness directory: %d %s" % (code, err))
        check(not os.path.exists("data/access_trail.db.checkpoint"), "a witness beside the file")

        # keys rotate and shred through the storage.
        code, out, err = run([socle, "keys", "rotate", "--key-file", "k.key", "--storage", "ccas"])
        check(code == 0 and "master key version 2" in out,
              "keys rotate --storage: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "audit", "verify"] + storage)
        check(code == 0 and out.startswith("ok: "), "verify after rotate: %d %s" % (code, err))

        # Bad input: a clear message and an exit code; nothing created.
        code, _, err = run([socle, "keys", "shred", "--key-file", "k.key", "--storage", "nowhere",
                            "--person", "usager-0001"])
        check(code == 1 and "no such file: nowhere/vault.db" in err and
              not os.path.exists("nowhere"), "keys shred, a missing storage: %d %s" % (code, err))
        code, _, err = run([socle, "keys", "init", "--key-file", "k3.key", "--storage",
                            "postgresql://ccas:s3cr3t-pw@db.internal/ccas", "--kdf",
                            "interactive"])
        check(code == 1 and "witness_dir" in err and "s3cr3t-pw" not in err and
              not os.path.exists("k3.key"), "keys init, a URI without --witness-dir: %d %s" %
              (code, err))
        code, _, err = run([socle, "keys", "init", "--key-file", "k3.key", "--storage", "ccas",
                            "--db", "x.db"])
        check(code == 2 and "give one" in err, "keys init --storage --db: %d %s" % (code, err))
        code, _, err = run([socle, "audit", "verify", "--storage", "nowhere", "--key", "k.key"])
        check(code == 1 and "NOT_FOUND" in err and "no such directory: nowhere" in err,
              "a missing directory: %d %s" % (code, err))
        check(not os.path.exists("nowhere"), "a missing directory was created")
        code, _, err = decide("ass.durand", ["--storage", "nowhere"])
        check(code == 1 and "no such directory: nowhere" in err and not os.path.exists("nowhere"),
              "access explain, a missing directory: %d %s" % (code, err))
        os.mkdir("empty", 0o700)
        shutil.copy("ccas/vault.db", "empty/vault.db")
        code, _, err = run([socle, "audit", "verify", "--storage", "empty", "--key", "k.key"])
        check(code == 1 and "no such file: empty/access_trail.db" in err,
              "a storage without the ledger: %d %s" % (code, err))
        check(not os.path.exists("empty/access_trail.db"), "a missing ledger was created")
        os.mkdir("novault", 0o700)
        code, _, err = decide("ass.durand", ["--storage", "novault"])
        check(code == 1 and "no such file: novault/vault.db" in err
              and os.listdir("novault") == [], "a storage without a vault: %d %s" % (code, err))
        code, _, err = run([socle, "audit", "verify", "--storage", "pros.tsv", "--key", "k.key"])
        check(code == 1 and "INVALID_ARGUMENT" in err and "not a directory" in err,
              "a file as location: %d %s" % (code, err))
        uri = "postgresql://ccas:s3cr3t-pw@db.internal/ccas?sslmode=require"
        code, _, err = run([socle, "audit", "verify", "--storage", uri, "--key", "k.key"])
        check(code == 1 and "INVALID_ARGUMENT" in err and "witness_dir" in err
              and "s3cr3t-pw" not in err and "sslmode" not in err,
              "a URI without --witness-dir: %d %s" % (code, err))
        code, _, err = decide("ass.durand", ["--storage", uri])
        check(code == 1 and "witness_dir" in err and "s3cr3t-pw" not in err,
              "access explain, a URI without --witness-dir: %d %s" % (code, err))
        for argv, expected in (
                (["audit", "verify", "ccas/access_trail.db"] + storage, "not both"),
                (["audit", "verify", "--vault", "ccas/vault.db"] + storage, "not both"),
                (["audit", "verify", "--storage", "ccas"], "--key is required"),
                (["audit", "verify", "ccas/access_trail.db", "--vault", "ccas/vault.db", "--key",
                  "k.key", "--witness-dir", "w"], "--witness-dir goes with --storage"),
                (["audit", "verify", "--key", "k.key"], "(or --storage) is required")):
            code, _, err = run([socle] + argv)
            check(code == 2 and expected in err, "%s: %d %s" % (" ".join(argv), code, err))
        for extra, expected in ((["--storage", "ccas", "--trail", "t.db"], "not both"),
                                (["--storage", "ccas", "--vault", "ccas/vault.db"], "not both"),
                                (["--trail", "t.db", "--vault", "ccas/vault.db",
                                  "--witness-dir", "w"], "--witness-dir goes with --storage")):
            code, _, err = decide("ass.durand", extra)
            check(code == 2 and expected in err, "access explain %s: %d %s" % (extra, code, err))
        check(not os.path.exists("t.db") and not os.path.exists("w"), "a usage error created files")

        # The help texts say it.
        for argv in (["audit", "--help"], ["access", "explain", "--help"], ["keys", "--help"]):
            code, out, _ = run([socle] + argv)
            check(code == 0 and "--storage LOCATION" in out and "--witness-dir DIR" in out,
                  "%s: %s" % (" ".join(argv), out))
        return report()
    finally:
        os.chdir("/")
        shutil.rmtree(work, ignore_errors=True)


def report():
    print("%d failure(s)" % len(FAILURES))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
