#!/usr/bin/python3
"""`socle policy register` end to end: French by default under the CNIL model register's
headings, `--lang en` for English, the JSON's `language`, and the DPV JSON-LD read with Python's
json module: its @context maps each prefix to its vocabulary's namespace, it uses only the DPV
terms listed below (each checked against DPV 2.x: the w3c/dpv repository's 2.3/dpv/dpv.csv and
2.3/legal/eu/gdpr/eu-gdpr.csv), and each activity node carries its purpose, legal basis, data,
data subjects, recipients and retention. With --previous, the register's record dct:replaces the
previous one (Dublin Core) and describes the changes with adms:versionNotes (ADMS, as DCAT's
versioning guidelines do), in the register's language.

Usage: register_test.py SOCLE_BINARY EXAMPLES_POLICIES_DIR
"""
import json
import os
import re
import subprocess
import sys

# The DPV terms the JSON-LD may use (https://w3id.org/dpv#), all present in DPV 2.3.
DPV_TERMS = {
    # classes
    "Process", "Purpose", "LegalBasis", "DataTransferLegalBasis", "PersonalData",
    "SensitivePersonalData", "SpecialCategoryPersonalData", "DataSubject", "Recipient",
    "DataProcessor", "ThirdParty", "Authority", "DataController", "DataProtectionOfficer",
    "Representative", "StorageDuration", "TemporalDuration", "TechnicalOrganisationalMeasure",
    "ThirdCountry", "DPIA", "DataProcessingRecord",
    # properties
    "hasPurpose", "hasLegalBasis", "hasPersonalData", "hasDataSubject", "hasRecipient",
    "hasDataController", "hasDataProtectionOfficer", "hasRepresentative", "hasStorageCondition",
    "hasDuration", "hasTechnicalOrganisationalMeasure", "hasThirdCountry", "hasImpactAssessment",
    "hasName", "hasAddress", "hasContact",
}
# The EU GDPR extension's legal bases (https://w3id.org/dpv/legal/eu/gdpr#).
GDPR_TERM = re.compile(r"^(A6-1-[a-f]|A9-2-[a-j])$")
CONTEXT = {
    "dpv": "https://w3id.org/dpv#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "socle": "urn:socle:register:v1#",
    "adms": "http://www.w3.org/ns/adms#",
}
# The other vocabularies' terms the document uses.
OTHER_TERMS = {
    "dct": {"title", "identifier", "description", "hasVersion", "language", "hasPart",
            "replaces"},
    "adms": {"versionNotes"},
    "skos": {"prefLabel", "note"},
    "time": {"Duration", "numericDuration", "unitType", "unitMonth"},
    "xsd": {"decimal"},
    "socle": {"policyDigest"},
}
CNIL_ROWS = ["(b) Finalité(s)", "(b) Base légale", "(c) Catégories de personnes concernées",
             "(c) Catégories de données", "(c) Données sensibles", "(d) Destinataires",
             "(e) Transferts hors UE", "(f) Durées de conservation", "(g) Mesures de sécurité"]

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL " + what)


def run(socle, *args):
    proc = subprocess.run([socle, "policy", "register", *args], stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=60)
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def compact_terms(value, found):
    """Every compact IRI (prefix:term) used as a key, a @type or an @id, into found."""
    if isinstance(value, dict):
        for key, item in value.items():
            if ":" in key and not key.startswith("@"):
                found.add(key)
            if key == "@type":
                for t in (item if isinstance(item, list) else [item]):
                    found.add(t)
            elif key == "@id" and isinstance(item, str) and not item.startswith("urn:"):
                found.add(item)
            else:
                compact_terms(item, found)
    elif isinstance(value, list):
        for item in value:
            compact_terms(item, found)


def check_jsonld(text, language, where):
    doc = json.loads(text)
    check(doc.get("@context") == CONTEXT, f"{where}: @context {doc.get('@context')}")
    terms = set()
    compact_terms(doc["@graph"], terms)
    for term in sorted(terms):
        prefix, _, name = term.partition(":")
        if prefix == "dpv":
            check(name in DPV_TERMS, f"{where}: {term} is not one of the DPV terms listed")
        elif prefix == "eu-gdpr":
            check(GDPR_TERM.match(name) is not None, f"{where}: {term} is not a GDPR legal basis")
        else:
            check(name in OTHER_TERMS.get(prefix, set()), f"{where}: unexpected term {term}")
    # socle's sentences are in the register's language; what the DPO wrote is French.
    languages = set(re.findall(r'"@language": "([a-z]+)"', text))
    check(languages == {language, "fr"}, f"{where}: languages {languages}")
    record = [n for n in doc["@graph"] if n.get("@type") == "dpv:DataProcessingRecord"]
    check(len(record) == 1 and record[0]["dct:title"]["@language"] == language
          and record[0]["dct:language"] == language, f"{where}: the register node")
    processes = [n for n in doc["@graph"] if n.get("@type") == "dpv:Process"]
    controllers = [n for n in doc["@graph"] if n.get("@type") == "dpv:DataController"]
    check(len(controllers) == 1, f"{where}: one controller")
    if controllers:
        dpo = controllers[0].get("dpv:hasDataProtectionOfficer", {})
        check(dpo.get("@type") == "dpv:DataProtectionOfficer" and dpo.get("dpv:hasName"),
              f"{where}: the DPO")
    for node in processes:
        what = f"{where} / {node.get('dct:identifier')}"
        check(node["dpv:hasDataController"] == {"@id": controllers[0]["@id"]} if controllers
              else False, f"{what}: controller")
        purpose = node["dpv:hasPurpose"]
        check(purpose["@type"] == "dpv:Purpose" and purpose["dct:description"]["@value"]
              and purpose["dct:description"]["@language"] == "fr", f"{what}: purpose")
        bases = node["dpv:hasLegalBasis"]
        check(bases and re.match(r"^eu-gdpr:A6-1-[a-f]$", bases[0]["@id"]), f"{what}: art. 6")
        label = bases[0]["skos:prefLabel"]
        check(label["@language"] == language and label["@value"].startswith(
            "RGPD art. 6(1)(" if language == "fr" else "GDPR art. 6(1)("), f"{what}: {label}")
        for key, kind in (("dpv:hasPersonalData", "dpv:PersonalData"),
                          ("dpv:hasDataSubject", "dpv:DataSubject"),
                          ("dpv:hasRecipient", "dpv:Recipient")):
            items = node.get(key, [])
            check(len(items) > 0, f"{what}: {key}")
            for item in items:
                types = item["@type"] if isinstance(item["@type"], list) else [item["@type"]]
                check(kind in types, f"{what}: {key} typed {types}")
        data_ids = {d["@id"] for d in node["dpv:hasPersonalData"]}
        storage = node.get("dpv:hasStorageCondition", [])
        check(len(storage) > 0, f"{what}: retention")
        for s in storage:
            check(s["@type"] == "dpv:StorageDuration", f"{what}: storage type")
            check(s["dpv:hasPersonalData"]["@id"] in data_ids, f"{what}: retention of its data")
            d = s["dpv:hasDuration"]
            check(int(d["time:numericDuration"]["@value"]) > 0
                  and d["time:unitType"] == {"@id": "time:unitMonth"}, f"{what}: duration {d}")
            check(s["dct:description"]["@language"] == language, f"{what}: retention text")
    return doc, processes


def main():
    socle, policies = sys.argv[1], sys.argv[2]
    for name in ("ccas.textproto", "departement.textproto"):
        path = os.path.join(policies, name)
        code, json_fr, err = run(socle, path, "--format", "json")
        check(code == 0, f"{name}: json exit {code}: {err}")
        register = json.loads(json_fr)
        activities = len(register["entries"])
        check(register["language"] == "fr", f"{name}: French by default")

        code, md, err = run(socle, path)
        check(code == 0, f"{name}: markdown exit {code}: {err}")
        check(md.startswith("# Registre des activités de traitement — "), f"{name}: French title")
        for row in CNIL_ROWS:
            check(md.count(f"| {row} | ") == activities, f"{name}: {row} in every fiche")
        check(md.count("\n## Fiche de registre : ") == activities, f"{name}: one fiche each")
        code, md_fr, _ = run(socle, path, "--lang", "fr", "--format", "md")
        check(md_fr == md, f"{name}: --lang fr is the default")

        code, md_en, err = run(socle, path, "--lang", "en")
        check(code == 0, f"{name}: --lang en exit {code}: {err}")
        check(md_en.startswith("# Register of processing activities — "), f"{name}: English")
        check(md_en.count("| (g) Security measures | ") == activities, f"{name}: English rows")
        check("Mesures de sécurité" not in md_en and "base active" not in md_en,
              f"{name}: no French sentence in English")
        code, json_en, _ = run(socle, path, "--format=json", "--lang=en")
        check(json.loads(json_en)["language"] == "en", f"{name}: JSON language en")

        for language in ("fr", "en"):
            code, text, err = run(socle, path, "--format", "jsonld", "--lang", language)
            check(code == 0, f"{name}: jsonld {language} exit {code}: {err}")
            _, processes = check_jsonld(text, language, f"{name} jsonld {language}")
            check(len(processes) == activities, f"{name}: one dpv:Process per activity")

    # With a previous version (the CCAS's policy against itself: the vocabulary is checked here,
    # the content in analysis_test.py).
    path = os.path.join(policies, "ccas.textproto")
    for language in ("fr", "en"):
        code, text, err = run(socle, path, "--previous", os.path.join(policies, "ccas.textproto"),
                              "--format", "jsonld", "--lang", language)
        check(code == 0, f"--previous jsonld {language} exit {code}: {err}")
        doc, _ = check_jsonld(text, language, f"--previous jsonld {language}")
        record = [n for n in doc["@graph"] if n.get("@type") == "dpv:DataProcessingRecord"][0]
        previous = record.get("dct:replaces", {})
        check(previous.get("dct:identifier") == "ccas_villeneuve_sur_garance"
              and "@id" not in previous
              and len(previous.get("socle:policyDigest", "")) == 64,
              f"--previous {language}: dct:replaces {previous}")
        notes = record.get("adms:versionNotes", [])
        check(notes and all(n["@language"] == language for n in notes),
              f"--previous {language}: adms:versionNotes {notes}")

    code, out, err = run(socle, path, "--lang", "de")
    check(code == 2 and "unknown language 'de'" in err and out == "",
          f"--lang de: {code} {err}")
    code, out, err = run(socle, path, "--format", "xml")
    check(code == 2 and "jsonld" in err, f"--format xml: {code} {err}")
    code, out, err = run(socle, "--help")
    check(code == 0 and "--lang fr|en" in out and "jsonld" in out, f"--help: {out}")

    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("register: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
