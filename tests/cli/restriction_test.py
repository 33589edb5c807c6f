#!/usr/bin/env python3
"""`socle restrict` and `socle rectify` end to end (issue 13, REQ-14 and REQ-12), each invocation a
new process over one storage directory (the engine of record over the state ledger).

Restriction: an item restricted for contested accuracy; the read of it is denied (restricted) and
allowed with a justification of art. 18(2) (`access explain --restriction-justification`); the
lift refused without the prior notice, accepted once the person was told; the list in force and
with the lifted ones. Rectification: an item shared with two professionals is rectified (hashes
of files), the history shows the previous version with its actor, one notice per prior recipient
is queued, marking one leaves the other; a version that is not the current one is refused; the
person's statement on the contested item. Refusals exit 1 and usage errors 2, with a message that
never holds a person id.

Usage: restriction_test.py SOCLE POLICY
"""
import hashlib
import os
import sys

import cli_harness

PERSON = "usager-rs42"
HARNESS = cli_harness.Harness("correct horse battery staple (restriction test)",
                              person_ids=(PERSON,))
check, run, no_person_id = HARNESS.check, HARNESS.run, HARNESS.no_person_id


def main():
    socle, policy = (os.path.abspath(a) for a in sys.argv[1:3])
    with HARNESS.workdir("socle-restriction-test-"):
        with open("pros.tsv", "w") as f:
            f.write("ass.durand\tass\tpole_social\tccas\n")
            f.write("cesf.martin\tcesf\tpole_social\tccas\n")
            f.write("inf.petit\tinfirmier\tpole_social\tccas\n")
        with open("persons.tsv", "w") as f:
            f.write("%s\tpole_social\tass.durand\t1984-05-12\n" % PERSON)
        engine = ["--storage", "ccas", "--key", "k.key", "--policy", policy]
        socle_run = HARNESS.engine_runner(socle, engine)
        HARNESS.init_keys(socle)
        code, out, err = socle_run(["directory", "load"], "--professionals", "pros.tsv",
                                   "--persons", "persons.tsv")
        check(code == 0, "directory load: %d %s %s" % (code, out, err))

        def explain(item, *more):
            return socle_run(["access", "explain"], "--actor", "ass.durand", "--person", PERSON,
                             "--category", "social", "--purpose", "accompagnement_social",
                             "--item", item, *more)

        # --- Restriction -----------------------------------------------------------------------
        code, out, err = explain("eval-1")
        check(code == 0 and "ALLOW (allowed)" in out, "before: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["restrict", "set"], "--person", PERSON, "--item", "eval-1",
                                   "--ground", "accuracy_contested", "--recorded-by",
                                   "ass.durand")
        check(code == 0 and "item eval-1 restricted (accuracy_contested)" in out,
              "restrict set: %d %s %s" % (code, out, err))
        code, out, err = explain("eval-1")
        check(code == 0 and "DENY (restricted)" in out and "[FAIL] restriction:" in out and
              "18(1)(a)" in out, "a restricted read: %d %s %s" % (code, out, err))
        code, out, err = explain("eval-1", "--restriction-justification", "legal_claims")
        check(code == 0 and "ALLOW (allowed_under_restriction)" in out,
              "a justified read: %d %s %s" % (code, out, err))
        code, out, err = explain("eval-2")
        check(code == 0 and "ALLOW (allowed)" in out, "another item: %d %s %s" % (code, out, err))
        code, _, err = explain("eval-1", "--restriction-justification", "curiosity")
        check(code == 2 and "--restriction-justification is" in err,
              "a bad justification: %d %s" % (code, err))
        code, _, err = socle_run(["restrict", "set"], "--person", PERSON, "--item", "eval-1",
                                 "--ground", "boredom", "--recorded-by", "ass.durand")
        check(code == 2 and "--ground is" in err, "a bad ground: %d %s" % (code, err))
        code, _, err = socle_run(["restrict", "set"], "--person", PERSON, "--item", "eval-1",
                                 "--ground", "legal_claims", "--recorded-by", "ass.durand")
        check(code == 1 and "ALREADY_EXISTS" in err, "restricted twice: %d %s" % (code, err))
        no_person_id(err, "restricted twice")

        code, _, err = socle_run(["restrict", "lift"], "--person", PERSON, "--item", "eval-1",
                                 "--recorded-by", "ass.durand")
        check(code == 1 and "FAILED_PRECONDITION" in err and "prior notice" in err,
              "a lift without notice: %d %s" % (code, err))
        no_person_id(err, "a lift without notice")
        code, out, err = socle_run(["restrict", "notify"], "--person", PERSON, "--item",
                                   "eval-1", "--channel", "paper", "--recorded-by", "ass.durand")
        check(code == 0 and "prior notice of the lift recorded (paper" in out,
              "restrict notify: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["restrict", "list"], "--person", PERSON)
        check(code == 0 and "item eval-1: accuracy_contested" in out and
              "person told of the lift" in out and "in force" in out,
              "restrict list: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["restrict", "lift"], "--person", PERSON, "--item", "eval-1",
                                   "--recorded-by", "ass.durand")
        check(code == 0 and "restriction lifted" in out, "restrict lift: %d %s %s" %
              (code, out, err))
        code, out, err = explain("eval-1")
        check(code == 0 and "ALLOW (allowed)" in out, "after the lift: %d %s %s" %
              (code, out, err))
        code, out, err = socle_run(["restrict", "list"], "--person", PERSON)
        check(code == 0 and "restrictions in force: none" in out,
              "nothing in force: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["restrict", "list"], "--person", PERSON, "--all")
        check(code == 0 and "lifted " in out and "by ass.durand" in out,
              "the history: %d %s %s" % (code, out, err))

        # --- Rectification ---------------------------------------------------------------------
        with open("v1.txt", "w") as f:
            f.write("Situation: 3 enfants\n")
        with open("v2.txt", "w") as f:
            f.write("Situation: 2 enfants\n")
        with open("statement.txt", "w") as f:
            f.write("Je conteste l'appreciation portee sur ma situation.\n")
        v1 = hashlib.sha256(open("v1.txt", "rb").read()).hexdigest()
        for recipient, share in (("cesf.martin", "eq-1"), ("inf.petit", "eq-2")):
            code, out, err = socle_run(["share", "informed"], "--person", PERSON, "--share",
                                       share, "--recipient", recipient, "--categories", "social",
                                       "--recorded-by", "ass.durand")
            check(code == 0, "share informed %s: %d %s %s" % (share, code, out, err))
            code, out, err = socle_run(["share", "record"], "--emitter", "ass.durand",
                                       "--recipient", recipient, "--person", PERSON, "--basis",
                                       "csp_l1110_4_iii_team", "--purpose",
                                       "accompagnement_social", "--share", share, "--item",
                                       "eval-1:social:" + v1, "--involvement", "present")
            check(code == 0 and "granted" in out, "share %s: %d %s %s" % (share, code, out, err))
        code, out, err = socle_run(["rectify", "record"], "--person", PERSON, "--rectification",
                                   "rect-1", "--item", "eval-1", "--category", "social",
                                   "--previous-file", "v1.txt", "--new-file", "v2.txt",
                                   "--contested", "--recorded-by", "ass.durand")
        check(code == 0 and "rectification rect-1 recorded" in out and
              "2 recipients to notify (art. 19)" in out,
              "rectify record: %d %s %s" % (code, out, err))
        code, _, err = socle_run(["rectify", "record"], "--person", PERSON, "--rectification",
                                 "rect-2", "--item", "eval-1", "--previous-file", "v1.txt",
                                 "--new-sha256", "cd" * 32, "--recorded-by", "ass.durand")
        check(code == 1 and "FAILED_PRECONDITION" in err and "current version" in err,
              "a stale version: %d %s" % (code, err))
        no_person_id(err, "a stale version")
        code, _, err = socle_run(["rectify", "record"], "--person", PERSON, "--rectification",
                                 "rect-2", "--item", "eval-1", "--previous-sha256", "abc",
                                 "--new-file", "v2.txt", "--recorded-by", "ass.durand")
        check(code == 2 and "64 hexadecimal digits" in err, "a short hash: %d %s" % (code, err))
        code, out, err = socle_run(["rectify", "statement"], "--person", PERSON,
                                   "--rectification", "st-1", "--item", "eval-1",
                                   "--statement-file", "statement.txt", "--recorded-by",
                                   "ass.durand")
        check(code == 0 and "the person's statement recorded as st-1" in out,
              "rectify statement: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["rectify", "notices"], "--person", PERSON, "--item",
                                   "eval-1")
        check(code == 0 and "rect-1: item eval-1, rectified" in out and
              "by ass.durand, %s... -> " % v1[:16] in out and "st-1: item eval-1, statement" in out
              and "rect-1 (item eval-1) to cesf.martin" in out and
              "rect-1 (item eval-1) to inf.petit" in out,
              "rectify notices: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["rectify", "notified"], "--person", PERSON, "--rectification",
                                   "rect-1", "--recipient", "cesf.martin", "--channel", "online",
                                   "--recorded-by", "ass.durand")
        check(code == 0 and "notice of rect-1 to cesf.martin recorded" in out,
              "rectify notified: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["rectify", "notices"], "--person", PERSON)
        check(code == 0 and "rect-1 (item eval-1) to cesf.martin" not in out and
              "rect-1 (item eval-1) to inf.petit" in out,
              "one notice left: %d %s %s" % (code, out, err))
        code, _, err = socle_run(["rectify", "notified"], "--person", PERSON, "--rectification",
                                 "rect-1", "--recipient", "cesf.martin", "--recorded-by",
                                 "ass.durand")
        check(code == 1 and "ALREADY_EXISTS" in err, "notified twice: %d %s" % (code, err))
        code, _, err = socle_run(["rectify", "notices"], "--person", "nobody")
        check(code == 1 and "NOT_FOUND" in err and "nobody" not in err,
              "an unknown person: %d %s" % (code, err))
    return HARNESS.finish()


if __name__ == "__main__":
    sys.exit(main())
