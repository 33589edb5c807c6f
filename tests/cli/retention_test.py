#!/usr/bin/env python3
"""`socle retention` end to end (issue 13, REQ-36), each invocation a new process over one
storage directory (the engine of record over the state ledger), under the CCAS example policy,
whose records are public archives.

A contact from the person recorded in 2020; the status shows the categories awaiting the visa;
a dry run plans and records nothing; a sweep without a visa purges nothing and issues no
certificate (the items stay AWAITING_VISA); the elimination visa of one category recorded (a
second visa with the same reference refused); the next sweep purges that category under the
visa, hands the vendor its row and issues one certificate; a sweep run again purges and certifies
nothing more; a sweep before the previous one's day is refused. Refusals exit 1 and usage errors
2, with a message that never holds a person id.

Usage: retention_test.py SOCLE POLICY
"""
import datetime
import os
import sys
import zoneinfo

import cli_harness

PERSON, OTHER = "usager-ab12", "usager-cd34"
HARNESS = cli_harness.Harness("correct horse battery staple (retention test)",
                              person_ids=(PERSON, OTHER))
check, run, no_person_id = HARNESS.check, HARNESS.run, HARNESS.no_person_id


def main():
    socle, policy = (os.path.abspath(a) for a in sys.argv[1:3])
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Paris")).date().isoformat()
    with HARNESS.workdir("socle-retention-test-"):
        with open("pros.tsv", "w") as f:
            f.write("ass.durand\tass\tpole_social\tccas\n")
        with open("persons.tsv", "w") as f:
            # No team: no case in course, so only the rules counting from contacts vote.
            f.write("%s\t\t\t1984-05-12\n%s\t\t\t1990-01-01\n" % (PERSON, OTHER))
        engine = ["--storage", "ccas", "--key", "k.key", "--policy", policy]
        socle_run = HARNESS.engine_runner(socle, engine)
        HARNESS.init_keys(socle)
        code, out, err = socle_run(["directory", "load"], "--professionals", "pros.tsv",
                                   "--persons", "persons.tsv")
        check(code == 0, "directory load: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["retention", "contact"], "--person", PERSON, "--date",
                                   "2020-01-10", "--recorded-by", "ass.durand")
        check(code == 0 and "contact recorded" in out, "contact: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["retention", "contact"], "--person", OTHER, "--date",
                                   "2099-01-01", "--recorded-by", "ass.durand")
        check(code == 1 and "date" in err, "a contact in the future: %d %s" % (code, err))
        no_person_id(err, "a contact in the future")

        code, out, err = socle_run(["retention", "status"], "--person", PERSON, "--at",
                                   "2026-01-01")
        check(code == 0 and "administrative: awaiting_visa since " in out and
              "CNIL délib. 2023-095" in out and "nir: active since -" in out,
              "status: %d %s %s" % (code, out, err))

        sweep = ["--at", today, "--recorded-by", "ass.durand"]
        code, out, err = socle_run(["retention", "sweep"], *(sweep + ["--dry-run"]))
        check(code == 0 and "dry run" in out and "purged: 0" in out and "certificates: 0" in out,
              "dry run: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["retention", "sweep"], *sweep)
        check(code == 0 and "purged: 0, shredded: 0, awaiting visa: " in out and
              "awaiting visa: 0" not in out and "certificates: 0" in out and
              "%s administrative: active -> awaiting_visa" % PERSON in out,
              "sweep without a visa: %d %s %s" % (code, out, err))

        visa = ["--reference", "V-2026-001", "--category", "administrative", "--through", today,
                "--recorded-by", "ass.durand"]
        code, out, err = socle_run(["retention", "visa"], *visa)
        check(code == 0 and "elimination visa V-2026-001 recorded" in out,
              "visa: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["retention", "visa"], *visa)
        check(code == 1 and "already" in err, "the same visa twice: %d %s" % (code, err))
        code, out, err = socle_run(["retention", "visa"], "--reference", "V-2", "--category",
                                   "nothing", "--through", today, "--recorded-by", "ass.durand")
        check(code == 1 and "category" in err, "a visa of no category: %d %s" % (code, err))

        code, out, err = socle_run(["retention", "sweep"], *sweep)
        check(code == 0 and "(resumed)" in out and "purged: 1, " in out and
              "certificates: 1" in out and "administrative: 1 item, delete" in out and
              "visa V-2026-001, sha256 " in out and
              "%s administrative: delete (" % PERSON in out,
              "sweep with the visa: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["retention", "sweep"], *sweep)
        check(code == 0 and "purged: 0" in out and "certificates: 0" in out,
              "sweep again: %d %s %s" % (code, out, err))

        code, out, err = socle_run(["retention", "sweep"], "--at", "2020-01-01", "--recorded-by",
                                   "ass.durand")
        check(code == 1 and "previous sweep" in err, "a sweep back in time: %d %s" % (code, err))
        no_person_id(err, "a sweep back in time")
        code, out, err = socle_run(["retention", "status"], "--person", "usager-zz99")
        check(code == 1, "status of nobody: %d %s" % (code, err))

        for args in (["--recorded-by", "ass.durand"], ["--at", "yesterday", "--recorded-by", "x"],
                     sweep + ["--batch-size", "0"]):
            code, out, err = socle_run(["retention", "sweep"], *args)
            check(code == 2, "usage error %s: %d %s" % (args, code, err))
    return HARNESS.finish()


if __name__ == "__main__":
    sys.exit(main())
