#!/usr/bin/env python3
"""`socle erase` end to end (GDPR art. 17, REQ-13), each invocation a new process over one storage
directory (the engine of record over the state ledger).

A legal hold refuses every category with legal_claims and records nothing; an exception asserted
by the controller refuses with its name; lifted, the whole file is erased: the tombstone is
listed, the person's key is crypto-shredded, every decision about them is denied (erased). The
vault's database restored from a copy taken before the erasure brings the key back: `erase
reapply` shreds it again (once). Refusals exit 1 and usage errors 2, with messages that never hold
a person id.

Usage: erasure_test.py SOCLE POLICY
"""
import os
import shutil
import sys

import cli_harness

ERASED, KEPT = "usager-ab12", "usager-cd34"
HARNESS = cli_harness.Harness("correct horse battery staple (erasure test)",
                              person_ids=(ERASED, KEPT))
check, run, no_person_id = HARNESS.check, HARNESS.run, HARNESS.no_person_id


def main():
    socle, policy = (os.path.abspath(a) for a in sys.argv[1:3])
    with HARNESS.workdir("socle-erasure-test-"):
        with open("pros.tsv", "w") as f:
            f.write("sw1\tsocial_worker\tt1\nmgr1\tmanager\tt1\n")
        with open("persons.tsv", "w") as f:
            f.write("%s\tt1\n%s\tt1\n" % (ERASED, KEPT))
        engine = ["--storage", "ccas", "--key", "k.key", "--policy", policy]
        socle_run = HARNESS.engine_runner(socle, engine)
        HARNESS.init_keys(socle)
        code, out, err = socle_run(["directory", "load"], "--professionals", "pros.tsv",
                                   "--persons", "persons.tsv")
        check(code == 0, "directory load: %d %s %s" % (code, out, err))

        def explain(person):
            return socle_run(["access", "explain"], "--actor", "sw1", "--person", person,
                             "--category", "administrative", "--purpose", "accompagnement")

        # A decision recorded in the trail: the person has a vault key from now on.
        code, out, err = explain(ERASED)
        check(code == 0 and "ALLOW (allowed)" in out, "explain before: %d %s %s" % (code, out, err))

        # A legal hold: refused with legal_claims, nothing recorded.
        code, out, err = socle_run(["erase", "hold"], "--person", ERASED, "--reason",
                                   "contentieux", "--reference", "TJ-2026-1", "--recorded-by",
                                   "mgr1")
        check(code == 0 and "legal hold recorded" in out, "hold: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["erase", "decide"], "--person", ERASED)
        check(code == 0 and "0 of 4 categories to erase" in out and
              "administrative: legal_claims (legal_hold)" in out,
              "decide under a hold: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["erase", "apply"], "--person", ERASED, "--recorded-by", "mgr1")
        check(code == 0 and "nothing erased" in out, "apply under a hold: %d %s %s" %
              (code, out, err))
        code, out, err = socle_run(["erase", "tombstones"])
        check(code == 0 and out == "", "no tombstone yet: %d %r %s" % (code, out, err))
        code, out, err = socle_run(["erase", "lift"], "--person", ERASED, "--recorded-by", "mgr1")
        check(code == 0 and "legal hold lifted" in out, "lift: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["erase", "lift"], "--person", ERASED, "--recorded-by", "mgr1")
        check(code == 1 and "FAILED_PRECONDITION" in err, "lift twice: %d %s %s" % (code, out, err))
        no_person_id(err, "lift twice")

        # An exception asserted by the controller, for one category.
        code, out, err = socle_run(["erase", "decide"], "--person", ERASED, "--category", "social",
                                   "--assert", "statistics_89", "--at", "2026-12-05")
        check(code == 0 and "erasure decided on 2026-12-05" in out and
              "social: statistics_89 (request)" in out, "asserted: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["erase", "decide"], "--person", ERASED, "--assert", "whim")
        check(code == 2 and "--assert is legal_obligation" in err, "bad --assert: %d %s" %
              (code, err))
        code, out, err = socle_run(["erase", "decide"], "--person", ERASED, "--category", "nope")
        check(code == 1 and "NOT_FOUND" in err and "categories[0]" in err,
              "unknown category: %d %s" % (code, err))
        code, out, err = socle_run(["erase", "decide"], "--person", "nobody-99")
        check(code == 1 and "NOT_FOUND" in err and "nobody-99" not in err,
              "unknown person: %d %s" % (code, err))

        # The backup of the vault, taken before the erasure.
        os.mkdir("backup")
        for name in ("vault.db", "vault.db-wal"):
            if os.path.exists(os.path.join("ccas", name)):
                shutil.copy(os.path.join("ccas", name), os.path.join("backup", name))

        code, out, err = socle_run(["erase", "apply"], "--person", ERASED, "--recorded-by", "mgr1")
        check(code == 0 and "whole file erased: tombstone at state revision" in out and
              "the person's key was crypto-shredded" in out and
              "rows of: administrative, social, financial, health" in out,
              "apply: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["erase", "tombstones"])
        lines = out.splitlines()
        check(code == 0 and len(lines) == 1 and lines[0].startswith(ERASED + "\t") and
              lines[0].split("\t")[2:5] == ["", "", "mgr1"], "tombstones: %d %r %s" %
              (code, out, err))
        revision = lines[0].split("\t")[5] if lines else "0"
        code, out, err = socle_run(["erase", "tombstones"], "--since", revision)
        check(code == 0 and out == "", "tombstones since: %d %r %s" % (code, out, err))
        # Denied as erased; and the trail records nothing more about them (nothing may be sealed
        # for a shredded person), so the command fails after printing the decision.
        code, out, err = explain(ERASED)
        check(code == 1 and "DENY (erased)" in out and "crypto-shredded" in err,
              "explain after: %d %s %s" % (code, out, err))
        no_person_id(err, "explain after")
        code, out, err = explain(KEPT)
        check(code == 0 and "ALLOW (allowed)" in out, "the other person: %d %s %s" %
              (code, out, err))
        # Run again (as after a crash): nothing more to shred.
        code, out, err = socle_run(["erase", "apply"], "--person", ERASED, "--recorded-by", "mgr1")
        check(code == 0 and "erased earlier" in out and "already gone" in out,
              "apply again: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["erase", "hold"], "--person", ERASED, "--reason", "x",
                                   "--recorded-by", "mgr1")
        check(code == 1 and "FAILED_PRECONDITION" in err, "hold on an erased person: %d %s" %
              (code, err))
        no_person_id(err, "hold on an erased person")

        # The restore: the old vault over the current one brings the key back; reapply shreds it.
        for name in ("vault.db", "vault.db-wal", "vault.db-shm"):
            path = os.path.join("ccas", name)
            if os.path.exists(path):
                os.remove(path)
        for name in os.listdir("backup"):
            shutil.copy(os.path.join("backup", name), os.path.join("ccas", name))
        code, out, err = socle_run(["erase", "reapply"])
        check(code == 0 and "1 key shredded again" in out, "reapply: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["erase", "reapply"])
        check(code == 0 and "0 keys shredded again" in out, "reapply twice: %d %s %s" %
              (code, out, err))

        code, out, err = socle_run(["erase", "apply"], "--person", KEPT)
        check(code == 2, "apply without --recorded-by: %d %s" % (code, err))
    return HARNESS.finish()


if __name__ == "__main__":
    sys.exit(main())
