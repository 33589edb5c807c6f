#!/usr/bin/env python3
"""`socle policy check|prove|diff` end to end (issue 15, docs/policy-analysis.md) on the example
policies: their declared properties hold (exit 0); a policy with a property that does not hold
still loads, and check and prove print its smallest counter-example with the engine's explanation
and exit 1; --statement proves one statement, --property chooses; JSON as socle.v1.PropertyReport
and socle.v1.PolicyDiffReport; a bad statement names its character and exits 1; usage errors
exit 2. `policy diff`: a policy and itself differ in no case; a one-line change of the matrix is
summed up in French (English with --lang en) and detailed with the rule on each side.
`policy register NEW --previous OLD`: the register's "what changed" section, in French by default
and in English, as Markdown, JSON (field `changes`) and JSON-LD; a policy against itself says
that no access decision changed. `policy check` of a policy without properties says so and
builds no world.

Usage: analysis_test.py SOCLE CCAS_POLICY DEPARTEMENT_POLICY
"""
import json
import os
import re
import sys

import cli_harness

HARNESS = cli_harness.Harness("unused")
check, run = HARNESS.check, HARNESS.run

FRONT_DESK = ('habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, PRINT] '
              'data_categories: ["administrative"] }')
FRONT_DESK_SOCIAL = ('habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, PRINT] '
                     'data_categories: ["administrative", "social"] }')


CCAS_ID = "ccas_villeneuve_sur_garance"


def main():
    socle, ccas, departement = sys.argv[1:4]
    with open(ccas, encoding="utf-8") as f:
        ccas_text = f.read()
    check(FRONT_DESK in ccas_text, "the front desk's row is in the example")

    # The examples' own properties hold.
    for path in (ccas, departement):
        code, out, err = run([socle, "policy", "check", path])
        check(code == 0, "check %s: %d %s" % (path, code, err))
        check("7 properties over" in out and "FAILS" not in out, "check %s: %s" % (path, out))
        code, out, err = run([socle, "policy", "prove", path, "--format", "json"])
        check(code == 0, "prove json %s: %d %s" % (path, code, err))
        report = json.loads(out)
        check(report["format_version"] == 1 and len(report["properties"]) == 7,
              "prove json: %s" % out[:300])
        check(all(p["holds"] for p in report["properties"]), "all hold: %s" % out[:300])
        check(int(report["space_size"]) > 10000000, "space: %s" % report["space_size"])

    with cli_harness.tempfile.TemporaryDirectory(prefix="socle-analysis-") as work:
        # A property that does not hold: the policy loads, the finding exits 1.
        false_path = os.path.join(work, "false.textproto")
        with open(false_path, "w", encoding="utf-8") as f:
            f.write(ccas_text + '\nproperties { id: "faux" statement: '
                    '"forall relation = none and action = read: deny" }\n')
        code, out, err = run([socle, "policy", "check", false_path])
        check(code == 1, "check of a false property exits 1: %d" % code)
        check("FAILS  faux" in out, "check names the failing property: %s" % out)
        check("counter-example: role responsable_service, action read" in out and
              "relation none, archived" in out, "the smallest counter-example: %s" % out)
        check("allowed_archivist" in out, "its decision: %s" % out)
        code, out, err = run([socle, "policy", "prove", false_path, "--property", "faux",
                              "--format", "json"])
        check(code == 1, "prove --property faux exits 1: %d %s" % (code, err))
        finding = json.loads(out)["properties"]
        check(len(finding) == 1 and not finding[0]["holds"], "one finding: %s" % out[:300])
        example = finding[0]["example"]
        check(example["relation"] == "none" and example["situation"] == ["archived"] and
              finding[0]["reason"] == "allowed_archivist", "the example: %s" % example)
        check("archive" in finding[0]["explanation"], "the explanation: %s" % finding[0])

        # One statement from the command line; a bad one names its character.
        code, out, err = run([socle, "policy", "prove", ccas, "--statement",
                              "exists role = ass and action = read and category = health: allow"])
        check(code == 0 and "witness: role ass" in out, "--statement: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "policy", "prove", ccas, "--statement",
                              "forall role = stagiaire: deny"])
        check(code == 1 and "at character 8: 'stagiaire' is not a role" in err,
              "bad statement: %d %s" % (code, err))
        code, out, err = run([socle, "policy", "prove", ccas, "--property", "absent"])
        check(code == 1 and "no property 'absent'" in err, "unknown property: %d %s" % (code, err))
        for argv in ([], ["--format", "xml", ccas], [ccas, "--statement", "x", "--property", "y"],
                     [ccas, "--bogus"]):
            code, _, _ = run([socle, "policy", "prove"] + argv)
            check(code == 2, "prove %s is a usage error: %d" % (argv, code))

        # The diff: nothing against itself; a one-line change summed up and detailed.
        code, out, err = run([socle, "policy", "diff", ccas, ccas])
        check(code == 0 and " 0 changed, in 0 groups" in out, "self diff: %d %s %s" % (code, out, err))
        wide_path = os.path.join(work, "wide.textproto")
        with open(wide_path, "w", encoding="utf-8") as f:
            f.write(ccas_text.replace(FRONT_DESK, FRONT_DESK_SOCIAL))
        code, out, err = run([socle, "policy", "diff", ccas, wide_path, "--details"])
        check(code == 0, "diff: %d %s" % (code, err))
        lines = [l for l in out.splitlines() if l.startswith("  - ")]
        check(lines and lines[0].startswith(
            "  - « secretaire_accueil » peut désormais lire, écrire, imprimer « social »"),
            "the French summary: %s" % out[:500])
        check(all("secretaire_accueil" in l for l in lines), "only the front desk: %s" % lines)
        check("after:  allow (allowed, habilitations[4])" in out, "details: %s" % out[:800])
        code, out, _ = run([socle, "policy", "diff", ccas, wide_path, "--lang", "en"])
        check("'secretaire_accueil' may now read, write, print 'social'" in out,
              "the English summary: %s" % out[:500])
        code, out, _ = run([socle, "policy", "diff", wide_path, ccas, "--format", "json"])
        report = json.loads(out)
        check(int(report["changed_cases"]) > 0 and "ne peut plus lire" in report["summary"][0],
              "the reverse diff as JSON: %s" % out[:400])
        check(all(g["example"]["role"] == "secretaire_accueil" for g in report["changes"]),
              "JSON groups")
        for argv in ([ccas], [ccas, ccas, "--lang", "de"], [ccas, ccas, "--bogus"]):
            code, _, _ = run([socle, "policy", "diff"] + argv)
            check(code == 2, "diff %s is a usage error: %d" % (argv, code))
        code, _, err = run([socle, "policy", "diff", ccas, os.path.join(work, "missing")])
        check(code != 0 and "missing" in err, "a missing file: %d %s" % (code, err))

        # The register with what changed since the previous policy.
        _, diff_fr, _ = run([socle, "policy", "diff", ccas, wide_path])
        summary_fr = [l[4:] for l in diff_fr.splitlines() if l.startswith("  - ")]
        check(summary_fr, "the diff's French summary: %s" % diff_fr[:300])
        code, md, err = run([socle, "policy", "register", wide_path, "--previous", ccas])
        check(code == 0, "register --previous: %d %s" % (code, err))
        section = md.find("\n## Modifications depuis la version précédente\n")
        check(0 < section < md.find("\n## Fiche de registre : "),
              "the French section, before the fiches: %s" % md[:1500])
        check(re.search(r"Version précédente : politique `" + CCAS_ID + r"`, révision [^,]+, "
                        r"empreinte `[0-9a-f]{16}…`\.", md) is not None,
              "the previous version named: %s" % md[section:section + 400])
        for line in summary_fr:
            check("\n- %s\n" % line in md, "the diff's sentence in the register: %s" % line)
        code, md_en, err = run([socle, "policy", "register", wide_path, "--previous", ccas,
                                "--lang", "en"])
        check(code == 0 and "\n## Changes since the previous version\n" in md_en and
              "\n- 'secretaire_accueil' may now read, write, print 'social'" in md_en and
              "Modifications" not in md_en, "the English section: %d %s" % (code, md_en[:1500]))
        code, out, err = run([socle, "policy", "register", wide_path, "--previous=" + ccas,
                              "--format", "json"])
        changes = json.loads(out).get("changes", {}) if code == 0 else {}
        check(changes.get("previous_policy_id") == CCAS_ID and
              len(changes.get("previous_digest", "")) == 64 and
              changes.get("summary") == summary_fr and int(changes.get("changed_cases", 0)) > 0,
              "JSON changes: %d %s %s" % (code, changes, err))
        code, out, err = run([socle, "policy", "register", wide_path, "--previous", ccas,
                              "--format", "jsonld", "--lang", "en"])
        record = [n for n in json.loads(out)["@graph"]
                  if n.get("@type") == "dpv:DataProcessingRecord"] if code == 0 else []
        check(len(record) == 1 and record[0]["dct:replaces"]["dct:identifier"] == CCAS_ID and
              any(n["@value"].startswith("'secretaire_accueil' may now read")
                  for n in record[0]["adms:versionNotes"]),
              "JSON-LD dct:replaces and adms:versionNotes: %d %s" % (code, out[:600]))
        code, md, err = run([socle, "policy", "register", ccas, "--previous", ccas])
        check(code == 0 and "\nAucune modification des décisions d'accès.\n" in md and
              "décision modifiée : 0 cas." in md, "no change: %d %s" % (code, md[:800]))
        code, out, err = run([socle, "policy", "register", ccas])
        check(code == 0 and "Modifications depuis" not in out, "no section without --previous")
        code, out, err = run([socle, "policy", "register", ccas, "--previous",
                              os.path.join(work, "missing")])
        check(code != 0 and out == "" and "--previous" in err,
              "a missing previous: %d %s" % (code, err))
        code, _, err = run([socle, "policy", "register", ccas, "--previous"])
        check(code == 2, "--previous without a file is a usage error: %d %s" % (code, err))
        code, out, _ = run([socle, "policy", "register", "--help"])
        check(code == 0 and "--previous OLD" in out, "register --help: %s" % out)

        # A policy without properties: check says so and proves nothing.
        bare_path = os.path.join(work, "bare.textproto")
        with open(bare_path, "w", encoding="utf-8") as f:
            f.write(ccas_text[:ccas_text.index("\nproperties {") + 1])
        code, out, err = run([socle, "policy", "check", bare_path])
        check(code == 0, "check without properties: %d %s" % (code, err))
        check("valid policy '%s'" % CCAS_ID in out and
              "0 properties declared: nothing to prove" in out and " over " not in out,
              "check without properties: %s" % out)
    return HARNESS.finish()


if __name__ == "__main__":
    sys.exit(main())
