#!/usr/bin/env python3
"""`socle rights` and `socle breach` end to end (issue 13), each invocation a new process over one
storage directory (the engine of record over the state ledger).

Rights requests: received by the person and by her guardian (attributed to him), a request by a
curator whose measure has ended refused, the DPO's lists (open, overdue, due within N days, the
person's) on given days with their deadlines and days left or late, an extension recorded in time
accepted and one past the first deadline refused, a "no action" closing refused without the
complaint information. Breaches: recorded, the authority notified late without a reason refused
and with one accepted, the overdue list at a given instant, a closed breach still listed.
Refusals exit 1 and usage errors 2, with a message that never holds a person id.

Usage: rights_test.py SOCLE POLICY
"""
import datetime
import os
import sys

import cli_harness

ADULT, WARD, GUARDIAN, CURATOR = "usager-ab12", "usager-cd34", "tuteur-ef56", "curateur-gh78"
HARNESS = cli_harness.Harness("correct horse battery staple (rights test)",
                              person_ids=(ADULT, WARD, GUARDIAN, CURATOR))
check, run, no_person_id = HARNESS.check, HARNESS.run, HARNESS.no_person_id


def main():
    socle, policy = (os.path.abspath(a) for a in sys.argv[1:3])
    with HARNESS.workdir("socle-rights-test-"):
        with open("pros.tsv", "w") as f:
            f.write("ass.durand\tass\tpole_social\tccas\n")
        with open("persons.tsv", "w") as f:
            f.write("%s\tpole_social\tass.durand\t1984-05-12\n" % ADULT)
            f.write("%s\tpole_social\tass.durand\t1950-02-03\n" % WARD)
            f.write("%s\t\t\t1970-01-01\n%s\t\t\t1971-01-01\n" % (GUARDIAN, CURATOR))
        engine = ["--storage", "ccas", "--key", "k.key", "--policy", policy]
        socle_run = HARNESS.engine_runner(socle, engine)
        HARNESS.init_keys(socle)
        code, out, err = socle_run(["directory", "load"], "--professionals", "pros.tsv",
                                   "--persons", "persons.tsv")
        check(code == 0, "directory load: %d %s %s" % (code, out, err))
        for person, rep, kind, start, end in ((WARD, GUARDIAN, "guardianship", "2020-01-01", None),
                                              (ADULT, CURATOR, "curatorship", "2019-01-01",
                                               "2025-12-31")):
            args = ["--person", person, "--representative", rep, "--kind", kind, "--from", start,
                    "--recorded-by", "ass.durand"]
            if end:
                args += ["--to", end]
            code, out, err = socle_run(["representative", "set"], *args)
            check(code == 0, "representative set: %d %s %s" % (code, out, err))

        def receive(request, person, received_at, *more):
            return socle_run(["rights", "receive"], "--request", request, "--kind", "access",
                             "--person", person, "--received-at", received_at, "--recorded-by",
                             "ass.durand", *more)

        # 31 January + 1 month = 28 February; 23:30 UTC on 31 December is 1 January in Paris.
        code, out, err = receive("r-jan", ADULT, "2026-01-31T10:00:00Z")
        check(code == 0 and "received 2026-01-31 (Europe/Paris), due 2026-02-28" in out,
              "receive r-jan: %d %s %s" % (code, out, err))
        code, out, err = receive("r-ny", ADULT, "2025-12-31T23:30:00Z", "--channel", "online")
        check(code == 0 and "received 2026-01-01 (Europe/Paris), due 2026-02-01" in out,
              "receive r-ny: %d %s %s" % (code, out, err))
        code, out, err = receive("r-oct", WARD, "2026-10-20T09:00:00Z", "--requester", GUARDIAN)
        check(code == 0 and "due 2026-11-20" in out, "receive by the guardian: %d %s %s" %
              (code, out, err))
        code, out, err = receive("r-cur", ADULT, "2026-10-20T09:00:00Z", "--requester", CURATOR)
        check(code == 1 and "PERMISSION_DENIED" in err and "REQ-09" in err,
              "a curator whose measure ended: %d %s %s" % (code, out, err))
        no_person_id(err, "a curator whose measure ended")
        code, _, err = socle_run(["rights", "receive"], "--request", "x", "--kind", "gossip",
                                 "--person", ADULT, "--received-at", "2026-10-20T09:00:00Z",
                                 "--recorded-by", "ass.durand")
        check(code == 2 and "--kind is access" in err, "a bad kind: %d %s" % (code, err))
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        code, out, err = receive("r-now", ADULT, now.isoformat().replace("+00:00", "Z"))
        check(code == 0, "receive r-now: %d %s %s" % (code, out, err))

        # The DPO's lists on given days.
        code, out, err = socle_run(["rights", "list"], "--overdue", "--at", "2026-02-10")
        check(code == 0 and "r-ny:" in out and "9 days late" in out and "r-jan" not in out,
              "overdue on 10 February: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["rights", "list"], "--due-within", "20", "--at", "2026-02-10")
        check(code == 0 and "r-jan:" in out and "18 days left" in out and "r-ny" not in out,
              "due within 20 days of 10 February: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["rights", "list"], "--at", "2026-11-21")
        check(code == 0 and out.count("\n  ") == 4 and "by %s (guardianship)" % GUARDIAN in out
              and "1 day late" in out, "open requests: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["rights", "list"], "--person", WARD, "--at", "2026-11-20")
        check(code == 0 and "r-oct:" in out and "due today" in out and "r-jan" not in out,
              "the ward's open requests: %d %s %s" % (code, out, err))
        code, _, err = socle_run(["rights", "list"], "--overdue", "--due-within", "3")
        check(code == 2, "two list modes: %d %s" % (code, err))
        code, _, err = socle_run(["rights", "list"], "--at", "20-11-2026")
        check(code == 2 and "--at is a date" in err, "a bad day: %d %s" % (code, err))

        # An extension: refused past the first deadline, accepted within it, then only once.
        extend = ["--justification", "many files to gather", "--recorded-by", "ass.durand",
                  "--notified-at", now.isoformat().replace("+00:00", "Z")]
        code, _, err = socle_run(["rights", "extend"], "--request", "r-oct", *extend)
        check(code == 1 and "extension_too_late" in err, "a late extension: %d %s" % (code, err))
        no_person_id(err, "a late extension")
        code, out, err = socle_run(["rights", "extend"], "--request", "r-now", *extend)
        check(code == 0 and "extended: due" in out, "an extension: %d %s %s" % (code, out, err))
        code, _, err = socle_run(["rights", "extend"], "--request", "r-now", *extend)
        check(code == 1 and "FAILED_PRECONDITION" in err, "a second extension: %d %s" %
              (code, err))

        # Closing with no action needs the complaint information.
        code, _, err = socle_run(["rights", "close"], "--request", "r-jan", "--no-action",
                                 "--reasons", "manifestly unfounded", "--recorded-by",
                                 "ass.durand")
        check(code == 1 and "INVALID_ARGUMENT" in err and "CNIL" in err,
              "no action without complaint information: %d %s" % (code, err))
        code, out, err = socle_run(["rights", "close"], "--request", "r-jan", "--no-action",
                                   "--reasons", "manifestly unfounded",
                                   "--complaint-information", "told of the CNIL and the courts",
                                   "--recorded-by", "ass.durand")
        check(code == 0 and "closed (no action)" in out, "no action: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["rights", "list"], "--all", "--at", "2026-11-21")
        check(code == 0 and "r-jan: access" in out and "no_action" in out and
              "closed " in out, "the whole register: %d %s %s" % (code, out, err))

        # Breaches.
        record = ["--aware-at", "2026-11-02T08:00:00Z", "--nature", "confidentiality,lost_laptop",
                  "--recorded-by", "ass.durand"]
        code, out, err = socle_run(["breach", "record"], "--breach", "b-1", "--risk", "high_risk",
                                   "--persons", "40", *record)
        check(code == 0 and "notify the authority by 2026-11-05 08:00:00 UTC" in out and
              "persons to be told: yes" in out, "breach record: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["breach", "record"], "--breach", "b-2", "--risk", "high_risk",
                                   "--unintelligible", "sealed by the vault, keys not exposed",
                                   *record)
        check(code == 0 and "persons to be told: no" in out, "breach record, sealed: %d %s %s" %
              (code, out, err))
        code, _, err = socle_run(["breach", "record"], "--breach", "b-3", "--risk", "risk",
                                 "--aware-at", "2026-11-02T08:00:00Z", "--nature",
                                 "Jean Dupont", "--recorded-by", "ass.durand")
        check(code == 1 and "Jean" not in err, "a name in the nature: %d %s" % (code, err))
        code, out, err = socle_run(["breach", "list"], "--overdue", "--at",
                                   "2026-11-05T08:00:00Z")
        check(code == 0 and "none" in out, "nothing overdue at T + 72 h: %d %s %s" %
              (code, out, err))
        code, out, err = socle_run(["breach", "list"], "--overdue", "--at",
                                   "2026-11-05T08:00:01Z")
        check(code == 0 and "b-1:" in out and "b-2:" in out, "overdue after 72 h: %d %s %s" %
              (code, out, err))
        notify = ["--breach", "b-1", "--notified-at", "2026-11-05T09:00:00Z", "--recorded-by",
                  "ass.durand"]
        code, _, err = socle_run(["breach", "notify-authority"], *notify)
        check(code == 1 and "72 hours" in err, "late without a reason: %d %s" % (code, err))
        code, out, err = socle_run(["breach", "notify-authority"], *(notify + [
            "--delay-reason", "the processor told us late", "--reference", "CNIL-123"]))
        check(code == 0, "late with a reason: %d %s %s" % (code, out, err))
        code, _, err = socle_run(["breach", "close"], "--breach", "b-1", "--recorded-by",
                                 "ass.durand")
        check(code == 1 and "persons" in err, "close before the persons are told: %d %s" %
              (code, err))
        code, out, err = socle_run(["breach", "notify-persons"], "--breach", "b-1",
                                   "--notified-at", "2026-11-06T09:00:00Z", "--means", "letter",
                                   "--recorded-by", "ass.durand")
        check(code == 0, "notify persons: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["breach", "close"], "--breach", "b-1", "--recorded-by",
                                   "ass.durand")
        check(code == 0 and "kept in the register" in out, "close: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["breach", "list"])
        check(code == 0 and "b-1: high_risk" in out and "closed 20" in out and
              "late: the processor told us late" in out and "b-2: high_risk" in out and
              "data unintelligible" in out, "the register: %d %s %s" % (code, out, err))
    return HARNESS.finish()


if __name__ == "__main__":
    sys.exit(main())
