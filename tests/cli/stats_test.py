#!/usr/bin/env python3
"""`socle stats` end to end (issue 14, REQ-53), each invocation a new process over one storage
directory (the engine of record and its access trail), on the département's example policy
(k = 11, the budget odpe_tableaux_annuels: epsilon 1, delta 10^-6).

REQ-53's case from a CSV this test writes: birth dates and INSEE commune codes generalised to age
bands and communes kept as is, one cell of 2 masked with at least one complementary cell in its
row and one in its column, the margins published, as JSON, CSV and a signed .socle file that
`socle export verify` accepts. A noisy release charged to the budget, a second one that spends
the rest, a third refused (RESOURCE_EXHAUSTED) with the budget unchanged. Each release is a new
entry of the access trail. Hostile input: a missing column, an empty value, a negative amount, a
million distinct values of one variable, an empty file and a header alone, a broken quote, each
refused with exit 1, the line and the column, and never the refused value; usage errors exit 2.

Usage: stats_test.py SOCLE POLICY
"""
import csv
import json
import os
import re
import sys

import cli_harness

HARNESS = cli_harness.Harness("correct horse battery staple (stats test)")
check, run = HARNESS.check, HARNESS.run

AGES = {"0-4": "2024-06-01", "5-9": "2019-06-01", "10-14": "2014-06-01"}
COMMUNES = ["47001", "47002", "47003"]


def write_records(path, small=2):
    """Age band x commune: the cell (0-4, 47001) counts `small`, the others 20 to 28; amounts of
    100 cents."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["birth_date", "commune", "help", "amount"])
        for a, birth in enumerate(AGES.values()):
            for c, commune in enumerate(COMMUNES):
                n = small if (a, c) == (0, 0) else 20 + 3 * a + c
                for i in range(n):
                    w.writerow([birth, commune, "aed" if i % 2 else "placement", "100"])


def cells_by_labels(document):
    return {tuple(c["labels"]): c for c in document["cells"]}


def main():
    socle, policy = (os.path.abspath(a) for a in sys.argv[1:3])
    with HARNESS.workdir("socle-stats-test-"):
        with open("pros.tsv", "w") as f:
            f.write("odpe1\tcharge_etudes_odpe\todpe\n")
        with open("persons.tsv", "w") as f:
            f.write("mineur-0001\todpe\n")
        engine = ["--storage", "cd", "--key", "k.key", "--policy", policy]
        socle_run = HARNESS.engine_runner(socle, engine)
        HARNESS.init_keys(socle, storage="cd")
        code, out, err = socle_run(["directory", "load"], "--professionals", "pros.tsv",
                                   "--persons", "persons.tsv")
        check(code == 0, "directory load: %d %s %s" % (code, out, err))
        write_records("records.csv")
        release = ["--name", "ase_2026", "--activity", "observatoire_protection_enfance",
                   "--actor", "odpe1", "--at", "2026-12-31"]

        def table(*args):
            return socle_run(["stats", "table"], *(release + list(args)))

        def trail_size():
            if not os.path.exists(os.path.join("cd", "access_trail.db")):
                return 0
            code, out, err = run([socle, "audit", "verify", "--storage", "cd", "--key",
                                  "k.key"])
            m = re.search(r"(\d+) entries", out)
            check(code == 0 and m, "audit verify: %d %s %s" % (code, out, err))
            return int(m.group(1)) if m else -1

        # REQ-53: the cell of 2 is masked, with a complementary cell in its row and its column.
        before = trail_size()
        code, out, err = table("--by", "birth_date:age_band_5,commune", "--from", "records.csv")
        check(code == 0, "table json: %d %s" % (code, err))
        document = json.loads(out) if code == 0 else {"cells": [], "table": {}}
        cells = cells_by_labels(document)
        small = cells.get(("0-4", "47001"), {})
        check(small.get("status") == "PRIMARY_SUPPRESSED" and "count" not in small,
              "the cell of 2 is suppressed without its count: %s" % small)
        row = [c for k, c in cells.items() if k[0] == "0-4" and k[1] not in ("47001", "total")]
        column = [c for k, c in cells.items() if k[1] == "47001" and k[0] not in ("0-4", "total")]
        check(any(c["status"] == "SECONDARY_SUPPRESSED" for c in row),
              "a complementary cell in its row: %s" % row)
        check(any(c["status"] == "SECONDARY_SUPPRESSED" for c in column),
              "a complementary cell in its column: %s" % column)
        grand = cells.get(("total", "total"), {})
        check(grand.get("status") == "PUBLISHED" and grand.get("count") == "198",
              "the grand total is published: %s" % grand)
        check(small.get("countMin") == "0" and int(small.get("countMax", "0")) >= 11,
              "the attacker's interval of the cell of 2 covers 0 to k: %s" % small)
        dims = document["table"].get("dimensions", [])
        check([d["name"] for d in dims] == ["age_band", "commune"] and
              dims[0]["categories"] == ["0-4", "10-14", "5-9"],
              "the dimensions and their generalised labels: %s" % dims)
        check("1984" not in out and "2024-06-01" not in out, "no birth date in the output")
        check("suppressed: 1 primary" in err and "audit: ok" in err and
              "recorded in the access trail" in err, "the summary on stderr: %s" % err)
        after = trail_size()
        # Each process that opens the trail records its policy_loaded line, then the release.
        check(after == before + 2, "the release is in the access trail: %d then %d" %
              (before, after))

        # CSV, to a file.
        code, out, err = table("--by", "birth_date:age_band_5,commune", "--from", "records.csv",
                               "--format", "csv", "--out", "t.csv")
        check(code == 0 and "written to the file given by --out" in out,
              "table csv: %d %s %s" % (code, out, err))
        if code == 0:
            with open("t.csv", newline="") as f:
                lines = list(csv.reader(f))
            check(lines[0][:3] == ["age_band", "commune", "status"], "csv header: %s" % lines[0])
            by = {(l[0], l[1]): l for l in lines[1:]}
            check(by[("0-4", "47001")][3] == "" and by[("10-14", "47002")][3] == "27" and
                  by[("total", "total")][3] == "198", "csv cells: %s" % by)

        # A signed .socle statistics file with amounts, and export verify accepts it.
        code, out, err = table("--by", "birth_date:age_band_5,help", "--from", "records.csv",
                               "--amount", "amount", "--format", "socle", "--out", "t.socle")
        check(code == 0 and "statistics_table:" in out, "table socle: %d %s %s" %
              (code, out, err))
        code, out, err = run([socle, "export", "verify", "t.socle"])
        check(code == 0, "export verify the statistics file: %d %s %s" % (code, out, err))

        # Differential privacy: 1/2 + 1/2 of epsilon 1, then refused.
        noisy = ["--by", "birth_date:age_band_5,commune", "--from", "records.csv", "--noise",
                 "laplace", "--dataset", "odpe_tableaux_annuels", "--scale", "2"]
        code, out, err = table(*noisy)
        check(code == 0 and "epsilon 1/2" in err and "NOISY" in out,
              "noisy release: %d %s" % (code, err))
        check("budget odpe_tableaux_annuels: epsilon 1, delta 1/1000000; spent: epsilon 1/2" in
              err, "the budget after one release: %s" % err)
        code, out, err = table(*noisy)
        check(code == 0 and "spent: epsilon 1 (laplace)" in err, "second noisy release: %d %s" %
              (code, err))
        before = trail_size()
        code, out, err = table(*noisy)
        check(code == 1 and "RESOURCE_EXHAUSTED" in err and out == "",
              "the budget exhausted: refused: %d %s" % (code, err))
        check(trail_size() == before + 1, "a refused release is not recorded (policy_loaded only)")
        code, out, err = socle_run(["stats", "budget"], "--dataset", "odpe_tableaux_annuels")
        check(code == 0 and "spent: epsilon 1 (laplace), rho 0 (gaussian), 2 releases" in out and
              out.count("ase_2026") == 2, "stats budget: %d %s %s" % (code, out, err))
        code, out, err = table("--by", "commune", "--from", "records.csv", "--noise", "gaussian",
                               "--dataset", "odpe_tableaux_annuels", "--sigma2", "1/2")
        check(code == 1 and "RESOURCE_EXHAUSTED" in err, "gaussian over a spent budget: %d %s" %
              (code, err))

        # Hostile input: exit 1, the line and the column, never the value.
        def refused(name, text, by, expected, code_name="INVALID_ARGUMENT", secret=None,
                    amount=None):
            with open(name, "w") as f:
                f.write(text)
            args = ["--by", by, "--from", name] + (["--amount", amount] if amount else [])
            code, out, err = table(*args)
            check(code == 1 and code_name in err and expected in err and out == "",
                  "%s: %d %s" % (name, code, err))
            if secret is not None:
                check(secret not in err, "%s: the error repeats the value: %s" % (name, err))

        refused("missing.csv", "birth_date,help\n2014-06-01,aed\n", "birth_date:age_band_5,commune",
                "column 'commune' is not in the header")
        refused("empty_value.csv", "birth_date,commune\n2014-06-01,47001\n2013-02-03,\n",
                "birth_date:age_band_5,commune", "line 3, column 'commune': empty",
                secret="2013-02-03")
        refused("negative.csv", "birth_date,amount\n2014-06-01,100\n2012-07-08,-4200\n",
                "birth_date:age_band_5", "line 3, column 'amount': a negative amount",
                secret="4200", amount="amount")
        refused("bad_date.csv", "birth_date\n1999-02-30\n", "birth_date:age_band_10",
                "line 2, column 'birth_date': not a date", secret="1999-02-30")
        refused("country.csv", "commune\n99134\n", "commune:departement",
                "line 2, column 'commune': a code that names no", "NOT_FOUND", secret="99134")
        refused("quote.csv", "commune\n\"47001\n", "commune", "line 2: a quote is never closed")
        refused("empty.csv", "", "commune", "--from is empty", "FAILED_PRECONDITION")
        refused("header.csv", "commune\r\n", "commune", "no record after its header",
                "FAILED_PRECONDITION")
        with open("million.csv", "w") as f:
            f.write("person_ref\n")
            f.write("".join("ref-%07d\n" % i for i in range(1000000)))
        code, out, err = table("--by", "person_ref", "--from", "million.csv")
        check(code == 1 and "RESOURCE_EXHAUSTED" in err and "line 10002:" in err and
              "person_ref" in err and "ref-" not in err,
              "a million distinct values: %d %s" % (code, err))

        # Usage errors: exit 2.
        for args, expected in [
            (["--by", "commune:weekly", "--from", "records.csv"], "--by: dimension 'commune'"),
            (["--by", "commune", "--from", "records.csv", "--format", "xml"], "--format is"),
            (["--by", "commune", "--from", "records.csv", "--format", "socle"], "needs --out"),
            (["--by", "commune", "--from", "records.csv", "--noise", "laplace", "--dataset", "d",
              "--scale", "0"], "--scale is a positive"),
            (["--by", "commune", "--from", "records.csv", "--noise", "laplace"], "needs --dataset"),
            (["--by", "commune", "--from", "records.csv", "--scale", "2"], "goes with --noise"),
            (["--by", "commune", "--from", "records.csv", "--at", "31/12/2026"], "--at is not"),
        ]:
            code, out, err = table(*args)
            check(code == 2 and expected in err, "usage %s: %d %s" % (args, code, err))
    return HARNESS.finish()


if __name__ == "__main__":
    sys.exit(main())
