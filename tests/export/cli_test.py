#!/usr/bin/env python3
"""`socle export access-request|portability|dataset|mirror|audit|report` end to end (issue 12).

One storage directory (socle keys init --storage), a directory of professionals and persons, a
person's case file as JSON; then every kind of export is written by the `socle` program, verified,
dumped and, for the access request, rendered as the person's report. Checks what each file holds
(and does not: no working note, no withheld third-party text, no name or NIR in a dataset or a
mirror), a sealed copy opened by its recipient only, a tampered copy refused at its offset, and
errors that never name a person or quote an entry.

Usage: cli_test.py SOCLE POLICY SCHEMA (docs/schemas/portability-record.schema.json)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

PASSPHRASE = "correct horse battery staple (export test)"
FAILURES = []
PERSON = "usager-rose-4c1e"
NIR = "284057511234528"
DATASET_BRACKET = "[1000, 1500)"


def check(condition, what):
    if not condition:
        FAILURES.append(what)
        print("FAIL " + what)


def run(argv):
    env = dict(os.environ)
    env["SOCLE_PASSPHRASE"] = PASSPHRASE
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                          timeout=120)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def entry(id_, kind, category="social", text="", provided=False, purpose="accompagnement_social",
          fields=None):
    e = {"id": id_, "person": PERSON, "category": category, "kind": kind, "author": "ass.durand",
         "created_at": "2026-11-02T09:30:00Z", "purpose": purpose, "title": "Entretien " + id_,
         "text": text}
    if provided:
        e["provided_by_person"] = True
    if fields:
        e["fields"] = [{"name": k, "value": v} for k, v in fields.items()]
    return e


def main():
    global SCHEMA_FILE
    socle, policy, SCHEMA_FILE = (os.path.abspath(a) for a in sys.argv[1:4])
    work = tempfile.mkdtemp(prefix="socle-export-test-")
    try:
        os.chdir(work)
        with open("pros.tsv", "w") as f:
            f.write("ass.durand\tass\tpole_social\tccas\n"
                    "audit.martin\tauditeur_securite\t\tccas\n")
        with open("persons.tsv", "w") as f:
            f.write("%s\tpole_social\tass.durand\t1984-05-12\n" % PERSON)
        identity = {"person": PERSON, "family_name": "Lefèvre-Martin", "given_names": "Rose",
                    "birth_date": "1984-05-12", "postcode": "47300", "commune": "Villeneuve-sur-Lot",
                    "phone": "06 12 34 56 78", "email": "rose.lefevre@example.org", "nir": NIR}
        with open("identity.json", "w") as f:
            json.dump(identity, f, ensure_ascii=False)
        entries = [
            entry("note-1", "FACT", text="Demande d'aide au loyer de Mme Lefèvre-Martin."),
            entry("appreciation-1", "PROFESSIONAL_APPRECIATION",
                  text="Mme Lefèvre-Martin est très investie."),
            entry("tiers-1", "THIRD_PARTY_INFORMATION", text="Le voisin signale des cris."),
            entry("brouillon-1", "WORKING_NOTE", text="A revoir avec la cheffe."),
            entry("budget-1", "FACT", category="financial", fields={"ressources_mensuelles": "1240"}),
            entry("inscription-1", "FACT", category="family", provided=True,
                  purpose="ateliers_collectifs", text="Inscription à l'atelier cuisine.",
                  fields={"enfants": "2"}),
        ]
        with open("entries.jsonl", "w") as f:
            for e in entries:
                f.write(json.dumps(e, ensure_ascii=False) + "\n")
        with open("base.jsonl", "w") as f:
            f.write(json.dumps({"identity": identity, "entries": entries}, ensure_ascii=False) +
                    "\n")

        engine = ["--storage", "ccas", "--key", "k.key", "--policy", policy]
        code, _, err = run([socle, "keys", "init", "--key-file", "k.key", "--storage", "ccas",
                            "--kdf", "interactive"])
        check(code == 0, "keys init: %d %s" % (code, err))
        code, out, err = run([socle, "directory", "load"] + engine +
                             ["--professionals", "pros.tsv", "--persons", "persons.tsv"])
        check(code == 0, "directory load: %d %s %s" % (code, out, err))
        person = ["--person", PERSON, "--requested-by", PERSON, "--handled-by", "ass.durand",
                  "--identity", "identity.json", "--entries", "entries.jsonl"]

        # The access request, signed, with the person's report.
        code, out, err = run([socle, "export", "access-request"] + engine + person +
                             ["--out", "acces.socle", "--html", "acces.html"])
        check(code == 0 and "4 entries, 1 withheld" in out and "1 left out" in out,
              "access-request: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "export", "verify", "acces.socle"])
        check(code == 0 and "access_request, signed" in out, "verify: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "export", "dump", "acces.socle", "--json"])
        check(code == 0, "dump: %d %s" % (code, err))
        records = [json.loads(line) for line in out.splitlines()]
        kinds = [next(iter(r)) for r in records[1:]]
        check("identity" in kinds and "summary" in kinds and "context" in kinds and
              "activity" in kinds and "history" in kinds and "checkpoint" in kinds,
              "the access request's record kinds: %s" % sorted(set(kinds)))
        ids = [r["entry"]["id"] for r in records[1:] if "entry" in r]
        check(sorted(ids) == ["appreciation-1", "budget-1", "inscription-1", "note-1"],
              "entries of the access request: %s" % ids)
        withheld = [r["withheld"] for r in records[1:] if "withheld" in r]
        check(len(withheld) == 1 and withheld[0]["reason"] == "third_party_information",
              "withheld: %s" % withheld)
        check("Le voisin" not in out and "A revoir" not in out,
              "third-party text or a working note in the file")
        history = [r["history"] for r in records[1:] if "history" in r]
        check(any(h.get("operation") == "export" and h.get("detail") == "access_request"
                  for h in history), "the export is not in the person's history")
        html = open("acces.html", encoding="utf-8").read()
        check("Lefèvre-Martin" in html and "<script" not in html and
              "information concernant un tiers" in html, "the person's report")
        # The report again, from the file alone.
        code, out, err = run([socle, "export", "report", "acces.socle", "--out", "again.html"])
        check(code == 0 and os.path.getsize("again.html") > 1000,
              "report FILE: %d %s %s" % (code, out, err))

        # A tampered copy is refused at its offset.
        data = bytearray(open("acces.socle", "rb").read())
        data[len(data) // 2] ^= 0x01
        open("tampered.socle", "wb").write(bytes(data))
        code, out, err = run([socle, "export", "verify", "tampered.socle"])
        check(code == 1 and "at byte" in err, "tampered: %d %s %s" % (code, out, err))

        # Sealed to a recipient: verifiable by anyone, readable by the recipient only.
        code, pub, err = run([socle, "export", "keygen", "--out", "dpo.key"])
        check(code == 0 and len(pub.strip()) == 64, "keygen: %d %s" % (code, err))
        code, out, err = run([socle, "export", "access-request"] + engine + person +
                             ["--out", "sealed.socle", "--recipient", pub.strip() + "=DPO"])
        check(code == 0, "sealed access-request: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "export", "verify", "sealed.socle"])
        check(code == 0 and "sealed" in out, "verify sealed: %d %s %s" % (code, out, err))
        check(b"Lefevre" not in open("sealed.socle", "rb").read() and
              "Lefèvre".encode() not in open("sealed.socle", "rb").read(),
              "a name in clear in a sealed file")
        code, out, err = run([socle, "export", "open", "sealed.socle", "--key", "dpo.key",
                              "--out", "opened.jsonl"])
        check(code == 0 and "Lefèvre-Martin" in open("opened.jsonl", encoding="utf-8").read(),
              "open sealed: %d %s %s" % (code, out, err))

        # Portability: what the person provided under consent (the workshops), not what the
        # public task of social support holds; the records follow the published JSON Schema.
        code, out, err = run([socle, "export", "portability"] + engine + person +
                             ["--out", "porta.socle"])
        check(code == 0 and "1 entries" in out, "portability: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "export", "dump", "porta.socle", "--csv"])
        lines = out.splitlines()
        check(code == 0 and lines[0].startswith("id,category,kind") and len(lines) == 2 and
              lines[1].startswith("inscription-1,family,FACT"), "dump --csv: %d %s" % (code, out))
        code, out, err = run([socle, "export", "dump", "porta.socle", "--json"])
        lines = out.splitlines()
        header = json.loads(lines[0])["header"]
        check(header.get("portability", {}).get("right_applies") is True and
              header["portability"].get("activities") == ["ateliers_collectifs"],
              "portability notice: %s" % header.get("portability"))
        import jsonschema
        schema = json.loads(header["portability"]["json_schema"])
        with open(SCHEMA_FILE, encoding="utf-8") as f:
            check(json.load(f) == schema, "the file's schema is not the published one")
        for line in lines[1:]:
            try:
                jsonschema.validate(json.loads(line), schema)
            except jsonschema.ValidationError as e:
                check(False, "a portability record breaks the schema: %s" % e.message)

        # A pseudonymised dataset for the observatory: no name, no NIR, no phone, no id.
        code, out, err = run([socle, "export", "dataset"] + engine +
                             ["--profile", "observatoire_abs", "--handled-by", "ass.durand",
                              "--input", "base.jsonl", "--out", "stats.socle"])
        check(code == 0 and "1 persons" in out, "dataset: %d %s %s" % (code, out, err))
        blob = open("stats.socle", "rb").read()
        for secret in ("Lefèvre", "Rose", NIR, "06 12 34 56 78", PERSON, "1984-05-12"):
            check(secret.encode() not in blob, "the dataset holds an identifier")
        code, out, err = run([socle, "export", "dump", "stats.socle", "--json"])
        rows = [json.loads(line) for line in out.splitlines()[1:]]
        values = {f["name"]: f["value"] for r in rows for f in r.get("fields", [])}
        check(code == 0 and values.get("ressources_mensuelles") == DATASET_BRACKET and
              values.get("postcode") == "47", "the dataset's generalised values: %s" % values)

        # A training mirror: the same shape, no original identity.
        code, out, err = run([socle, "export", "mirror"] + engine +
                             ["--handled-by", "ass.durand", "--input", "base.jsonl", "--out",
                              "mirror.socle"])
        check(code == 0 and "1 persons" in out, "mirror: %d %s %s" % (code, out, err))
        code, out, err = run([socle, "export", "dump", "mirror.socle", "--json"])
        for secret in ("Lefèvre", "Rose", NIR, "12 34 56 78", PERSON):
            check(secret not in out, "the mirror holds an original identity")

        # Both exports are lines of the person's own history, with their proofs (issue 12).
        code, out, err = run([socle, "audit", "history", "--storage", "ccas", "--key", "k.key",
                              "--policy", policy, "--person", PERSON, "--as-person"])
        lines = out.splitlines()
        for detail in ("pseudonymised_dataset observatoire_abs", "training_mirror"):
            mine = [l for l in lines if "operation: export  who: ass.durand  detail: " + detail in l]
            check(code == 0 and len(mine) == 1 and mine[0].endswith("proof: ok"),
                  "the %s export is not once in the person's history: %d %s %s" %
                  (detail, code, out, err))

        # A dataset whose recording is refused (an unknown professional) writes no file.
        code, out, err = run([socle, "export", "dataset"] + engine +
                             ["--profile", "observatoire_abs", "--handled-by", "nobody",
                              "--input", "base.jsonl", "--out", "refused.socle"])
        check(code != 0 and not os.path.exists("refused.socle"),
              "a dataset by an unknown professional: %d %s %s" % (code, out, err))

        # An audit extract: refused to a social worker, written for the auditor.
        code, out, err = run([socle, "export", "audit"] + engine +
                             ["--auditor", "ass.durand", "--out", "audit.socle"])
        check(code == 1 and not os.path.exists("audit.socle"),
              "audit by a social worker: %d %s" % (code, err))
        code, out, err = run([socle, "export", "audit"] + engine +
                             ["--auditor", "audit.martin", "--out", "audit.socle"])
        check(code == 0 and "audit_extract" in out, "audit: %d %s %s" % (code, out, err))

        # Bad input: an entry of another person is refused by its line, never quoted.
        with open("bad.jsonl", "w") as f:
            f.write(json.dumps(entry("secret-entry", "FACT", text="confidentiel")).replace(
                PERSON, "someone-else") + "\n")
        bad = list(person)
        bad[bad.index("entries.jsonl")] = "bad.jsonl"
        code, out, err = run([socle, "export", "access-request"] + engine + bad +
                             ["--out", "bad.socle"])
        check(code == 1 and "entry 1 of the stream" in err and "secret-entry" not in err and
              "confidentiel" not in err and PERSON not in err and not os.path.exists("bad.socle"),
              "bad entry: %d %s" % (code, err))
        code, out, err = run([socle, "export", "access-request"] + engine + person +
                             ["--out", "x.socle", "--recipient", "not-a-key"])
        check(code == 2, "bad recipient: %d %s" % (code, err))
    finally:
        os.chdir("/")
        shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
