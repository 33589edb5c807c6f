#!/usr/bin/env python3
"""`socle directory|representative|consent|objection|share|mandate` end to end (issue 11), and
`socle access explain` / `socle audit history` on the same state of record.

Every command runs on one temporary storage directory (made by `socle keys init --storage`),
each invocation a new process: what one records, the next one reads (the engine of record over
the state ledger, state.db). The story: a 14-year-old and her two parents (a consent of the
minor alone is not enough, with both parents it is valid), its history with inclusion proofs and
its signed receipt checked by `consent verify` (and refused once one byte changes), a withdrawal;
an objection recorded, repeated (refused), decided; a share refused until the parents were told,
then granted, the recipient reading exactly the shared items, the refusal and the grant in the
person's history in plain words; an information exception's follow-up; a mandate used, refused
to a trainee, revoked, then refused. Refusals exit 1 and usage errors 2, with a message that
never holds a person id.

Usage: consent_test.py SOCLE POLICY
"""
import datetime
import hashlib
import json
import os
import sys

import cli_harness

# The persons of the directory: none of these may appear in an error message.
MINOR, MOTHER, FATHER, ADULT = "usager-lea-7f3a", "mere-lea-51c2", "pere-lea-09d4", "usager-ab12"
HARNESS = cli_harness.Harness("correct horse battery staple (consent test)",
                              person_ids=(MINOR, MOTHER, FATHER, ADULT))
check, run, no_person_id = HARNESS.check, HARNESS.run, HARNESS.no_person_id


def born_years_ago(years, days_more):
    today = datetime.date.today()
    try:
        anniversary = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        anniversary = today.replace(year=today.year - years, day=28)
    return (anniversary - datetime.timedelta(days=days_more)).isoformat()


def main():
    socle, policy = (os.path.abspath(a) for a in sys.argv[1:3])
    with HARNESS.workdir("socle-consent-test-"):
        birth = born_years_ago(14, 30)  # 14 years and a month old today
        with open("pros.tsv", "w") as f:
            f.write("ass.durand\tass\tpole_social\tccas\n"
                    "cesf.moreau\tcesf\tpole_social\tccas\n"
                    "stagiaire.leroy\tstagiaire_ass\tpole_social\tccas\n"
                    "crip.roux\tevaluateur_crip\tcrip_47\tdepartement\n")
        with open("persons.tsv", "w") as f:
            f.write("%s\tpole_social\tass.durand\t%s\n" % (MINOR, birth))
            f.write("%s\t\t\t1985-01-02\n%s\t\t\t1983-07-14\n" % (MOTHER, FATHER))
            f.write("%s\tpole_social\tass.durand\t1984-05-12\n" % ADULT)
        with open("notice.txt", "w") as f:
            f.write("Ateliers collectifs : notice d'information v2026-09\n")
        notice_sha = hashlib.sha256(open("notice.txt", "rb").read()).hexdigest()
        with open("evaluation.txt", "w") as f:
            f.write("Évaluation sociale\n")
        engine = ["--storage", "ccas", "--key", "k.key", "--policy", policy]
        socle_run = HARNESS.engine_runner(socle, engine)

        # Reads before anything is recorded: no state ledger yet, and none created.
        HARNESS.init_keys(socle)
        code, _, err = socle_run(["consent", "status"], "--person", MINOR, "--purpose",
                                 "ateliers_collectifs")
        check(code == 1 and "no such file: ccas/state.db" in err and
              not os.path.exists("ccas/state.db"), "status before any write: %d %s" % (code, err))

        code, out, err = socle_run(["directory", "load"], "--professionals", "pros.tsv",
                                   "--persons", "persons.tsv")
        check(code == 0 and "directory loaded: state revision" in out,
              "directory load: %d %s %s" % (code, out, err))
        check(os.path.isfile("ccas/state.db"), "no ccas/state.db")

        # Representatives: both parents hold parental authority from the birth.
        for parent in (MOTHER, FATHER):
            code, out, err = socle_run(["representative", "set"], "--person", MINOR,
                                       "--representative", parent, "--kind",
                                       "parental_authority", "--from", birth, "--reference",
                                       "livret de famille", "--recorded-by", "ass.durand")
            check(code == 0 and "representative recorded (parental_authority)" in out,
                  "representative set: %d %s %s" % (code, out, err))
        code, _, err = socle_run(["representative", "set"], "--person", MINOR,
                                 "--representative", MOTHER, "--kind", "grand_parent", "--from",
                                 birth, "--recorded-by", "ass.durand")
        check(code == 2 and "--kind is parental_authority" in err, "a bad kind: %d %s" %
              (code, err))
        no_person_id(err, "a bad kind")
        # Curatorship protects adults: refused for a minor, and nothing recorded.
        code, _, err = socle_run(["representative", "set"], "--person", MINOR,
                                 "--representative", FATHER, "--kind", "curatorship", "--from",
                                 birth, "--recorded-by", "ass.durand")
        check(code == 1, "curatorship of a minor: %d %s" % (code, err))
        no_person_id(err, "curatorship of a minor")

        # The minor alone: recorded, and not enough (under 15, LIL art. 45).
        give = ["--person", MINOR, "--purpose", "ateliers_collectifs", "--information-version",
                "ateliers-2026-09", "--information-file", "notice.txt", "--channel", "paper",
                "--recorded-by", "ass.durand"]
        code, out, err = socle_run(["consent", "give"], *(give + ["--given-by", MINOR,
                                                                  "--evidence", "FORM-1"]))
        check(code == 0 and "status now: incomplete_for_minor" in out,
              "consent give, the minor alone: %d %s %s" % (code, out, err))
        explain = ["--actor", "ass.durand", "--person", MINOR, "--category", "administrative",
                   "--purpose", "ateliers_collectifs"]
        code, out, err = socle_run(["access", "explain"], *explain)
        check(code == 0 and "DENY (no_consent)" in out and "recorded in the access trail" in out,
              "access explain on the state of record, no consent: %d %s %s" % (code, out, err))
        # With both parents: valid, in a later process.
        code, out, err = socle_run(["consent", "give"], *(give + [
            "--given-by", "%s,%s" % (MINOR, MOTHER), "--given-by", FATHER, "--evidence",
            "FORM-2"]))
        check(code == 0 and "status now: valid" in out, "consent give, with both parents: %d %s %s"
              % (code, out, err))
        code, out, err = socle_run(["consent", "status"], "--person", MINOR, "--purpose",
                                   "ateliers_collectifs")
        check(code == 0 and out.startswith("ateliers_collectifs (processing): valid (consent of "
                                           "state revision"),
              "consent status persists: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["access", "explain"], *explain)
        check(code == 0 and "ALLOW (allowed)" in out, "access explain with the consent: %d %s %s"
              % (code, out, err))

        # History: both consents, who gave them, the information text's hash, proofs checked.
        code, out, err = socle_run(["consent", "history"], "--person", MINOR, "--proofs")
        check(code == 0, "consent history: %d %s" % (code, err))
        check("ateliers_collectifs (processing): replaced" in out and
              "ateliers_collectifs (processing): valid" in out,
              "history: replaced, then valid: %s" % out)
        check("by %s, %s, %s;" % (MINOR, MOTHER, FATHER) in out, "history: the givers: %s" % out)
        check(out.count("sha256 " + notice_sha) == 2, "history: the information hash: %s" % out)
        check("channel: paper; evidence: FORM-1" in out and "evidence: FORM-2" in out,
              "history: channel and evidence: %s" % out)
        check("%s: parental_authority from %s" % (MOTHER, birth) in out,
              "history: the representatives: %s" % out)
        check(out.count("proof: ok") == 2 and "every proof leads to this checkpoint" in out and
              "socle/default/state\n" in out, "history --proofs: %s" % out)

        # The receipt: a signed note whose text is the JSON-LD record; verified with the keys.
        code, receipt, err = socle_run(["consent", "receipt"], "--person", MINOR, "--purpose",
                                       "ateliers_collectifs")
        check(code == 0, "consent receipt: %d %s" % (code, err))
        text = receipt[:receipt.rfind("\n\n") + 1]
        try:
            document = json.loads(text)
            check("@context" in document and "dpv" in json.dumps(document["@context"]),
                  "the receipt is JSON-LD with the DPV context")
        except ValueError as e:
            check(False, "the receipt's text is not JSON: %s %r" % (e, receipt[:200]))
        check(MOTHER in receipt and FATHER in receipt, "the receipt names who gave it")
        with open("receipt.txt", "w") as f:
            f.write(receipt)
        code, keys, err = socle_run(["consent", "keys"])
        check(code == 0 and keys.startswith("receipts key:   socle/default/state/consent-receipts+"),
              "consent keys: %d %s %s" % (code, keys, err))
        receipts_key = keys.split("\n")[0].split()[-1]
        checkpoint_key = keys.split("\n")[1].split()[-1]
        verify = [socle, "consent", "verify", "receipt.txt", "--receipts-key", receipts_key,
                  "--checkpoint-key", checkpoint_key]
        code, out, err = run(verify, no_passphrase=True)  # no engine, no passphrase
        check(code == 0 and out.startswith("receipt verified: given ateliers_collectifs") and
              "by %s, %s, %s" % (MINOR, MOTHER, FATHER) in out,
              "consent verify: %d %s %s" % (code, out, err))
        with open("receipt.txt", "w") as f:
            f.write(receipt.replace("ateliers-2026-09", "ateliers-2026-10", 1))
        code, out, err = run(verify, no_passphrase=True)
        check(code == 1 and "VERIFICATION_FAILED" in err, "a changed receipt: %d %s %s" %
              (code, out, err))

        # Withdrawal: the same channel, no more than the grant.
        code, out, err = socle_run(["consent", "withdraw"], "--person", MINOR, "--purpose",
                                   "ateliers_collectifs", "--withdrawn-by", MOTHER, "--channel",
                                   "paper", "--recorded-by", "ass.durand")
        check(code == 0 and "consent withdrawn for ateliers_collectifs" in out,
              "consent withdraw: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["consent", "status"], "--person", MINOR, "--purpose",
                                   "ateliers_collectifs")
        check(code == 0 and ": withdrawn" in out, "status after withdrawal: %d %s" % (code, out))
        code, out, err = socle_run(["consent", "history"], "--person", MINOR)
        check("withdrawn " in out and "by %s (paper)" % MOTHER in out,
              "history after withdrawal: %s" % out)
        code, _, err = socle_run(["consent", "withdraw"], "--person", MINOR, "--purpose",
                                 "ateliers_collectifs", "--withdrawn-by", MOTHER,
                                 "--recorded-by", "ass.durand")
        check(code == 1 and "NOT_FOUND" in err, "a second withdrawal: %d %s" % (code, err))
        no_person_id(err, "a second withdrawal")
        # Refusals of the input: no consent for a purpose that is not consent-based, a malformed
        # hash, an unknown person.
        code, _, err = socle_run(["consent", "give"], "--person", ADULT, "--purpose",
                                 "accompagnement_social", "--given-by", ADULT,
                                 "--information-version", "v1", "--information-sha256",
                                 notice_sha, "--recorded-by", "ass.durand")
        check(code == 1 and "FAILED_PRECONDITION" in err, "a consent to a public task: %d %s" %
              (code, err))
        no_person_id(err, "a consent to a public task")
        code, _, err = socle_run(["consent", "give"], "--person", ADULT, "--purpose",
                                 "ateliers_collectifs", "--given-by", ADULT,
                                 "--information-version", "v1", "--information-sha256", "abc",
                                 "--recorded-by", "ass.durand")
        check(code == 2 and "64 hexadecimal digits" in err, "a short hash: %d %s" % (code, err))
        code, _, err = socle_run(["consent", "history"], "--person", "usager-inconnu-99")
        check(code == 1 and "NOT_FOUND" in err and "usager-inconnu-99" not in err,
              "an unknown person: %d %s" % (code, err))

        # An objection (art. 21) suspends the processing until the controller decides.
        objection = ["--person", ADULT, "--purpose", "accompagnement_social", "--objected-by",
                     ADULT, "--recorded-by", "ass.durand"]
        code, out, err = socle_run(["objection", "record"], *objection)
        check(code == 0 and "objection recorded (to accompagnement_social)" in out,
              "objection record: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["access", "explain"], "--actor", "ass.durand", "--person",
                                   ADULT, "--category", "social", "--purpose",
                                   "accompagnement_social")
        check(code == 0 and "DENY (objection_pending)" in out, "objection pending: %s %s" %
              (out, err))
        code, _, err = socle_run(["objection", "record"], *objection)
        check(code == 1 and "ALREADY_EXISTS" in err, "the same objection twice: %d %s" %
              (code, err))
        no_person_id(err, "the same objection twice")
        code, _, err = socle_run(["objection", "decide"], "--person", ADULT, "--purpose",
                                 "accompagnement_social", "--outcome", "maybe", "--justification",
                                 "x", "--recorded-by", "ass.durand")
        check(code == 2 and "--outcome is upheld" in err, "a bad outcome: %d %s" % (code, err))
        code, out, err = socle_run(["objection", "decide"], "--person", ADULT, "--purpose",
                                   "accompagnement_social", "--outcome", "upheld",
                                   "--justification", "La personne peut être accompagnée "
                                   "ailleurs", "--recorded-by", "ass.durand")
        check(code == 0 and "decided: upheld" in out, "objection decide: %d %s %s" %
              (code, out, err))
        code, out, err = socle_run(["consent", "history"], "--person", ADULT)
        check("to accompagnement_social: upheld" in out, "history: the objection: %s" % out)
        code, out, err = socle_run(["objection", "withdraw"], "--person", ADULT, "--purpose",
                                   "accompagnement_social", "--recorded-by", "ass.durand")
        check(code == 0 and "objection withdrawn" in out, "objection withdraw: %d %s %s" %
              (code, out, err))

        # A share to the CRIP about the minor: refused until both parents were told.
        share = ["--emitter", "ass.durand", "--recipient", "crip.roux", "--person", MINOR,
                 "--basis", "casf_l226_2_1", "--purpose", "accompagnement_social", "--share",
                 "ip-1", "--item", "evaluation-1:social:@evaluation.txt", "--item",
                 "foyer-1:family:" + "ab" * 32]
        code, out, err = socle_run(["share", "check"], *share)
        check(code == 1 and "REFUSED at check person_not_informed (line 6 of the sharing "
              "checklist)" in out and "to fix: tell the person first" in out and
              "(checked on state revision" in out,
              "share check, not informed: %d %s %s" % (code, out, err))
        code, _, err = socle_run(["share", "record"], *(share[:-2] + [
            "--item", "foyer-1:family", "--involvement", "present"]))
        check(code == 2 and "every --item carries the SHA-256" in err,
              "share record without a hash: %d %s" % (code, err))
        code, _, err = socle_run(["share", "record"], *share)
        check(code == 2 and "--involvement is required" in err,
              "share record without involvement: %d %s" % (code, err))
        code, out, err = socle_run(["share", "record"], *(share + [
            "--involvement", "not_informed", "--involvement-reason", "parents pas encore vus"]))
        check(code == 1 and "REFUSED at check person_not_informed" in out and
              "recorded: the refusal in the access trail" in out,
              "share record, refused: %d %s %s" % (code, out, err))
        for parent in (MOTHER, FATHER):
            code, out, err = socle_run(["share", "informed"], "--person", MINOR, "--informed",
                                       parent, "--share", "ip-1", "--recipient", "crip.roux",
                                       "--categories", "social,family", "--recorded-by",
                                       "ass.durand")
            check(code == 0 and "prior information recorded for share ip-1" in out,
                  "share informed: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["share", "record"], *(share + [
            "--involvement", "informed_beforehand"]))
        check(code == 0 and "granted: every check of the sharing checklist passed" in out and
              "recorded: the grant at state revision" in out,
              "share record, granted: %d %s %s" % (code, out, err))
        # The recipient reads exactly the shared items, for that purpose.
        for item, category, expected in (("evaluation-1", "social", "ALLOW (allowed_by_grant)"),
                                         ("note-9", "administrative", "DENY (item_not_shared)")):
            code, out, err = socle_run(["access", "explain"], "--actor", "crip.roux", "--person",
                                       MINOR, "--category", category, "--purpose",
                                       "accompagnement_social", "--item", item)
            check(code == 0 and expected in out, "the CRIP reads %s: %s %s" % (item, out, err))
        code, out, err = socle_run(["share", "recipients"], "--person", MINOR, "--item",
                                   "evaluation-1")
        check(code == 0 and "was shared with 1 professional:\n  crip.roux\n" in out,
              "share recipients: %d %s %s" % (code, out, err))
        # Both decisions are in the person's history, in plain words, proofs checked.
        code, out, err = socle_run(["audit", "history"], "--person", MINOR, "--as-person")
        check(code == 0 and "outcome: REFUSED, failed check: person_not_informed" in out and
              "outcome: granted  information: 2 persons informed beforehand (state revisions " in out and
              "under casf_l226_2_1 (CASF L.226-2-1)" in out and
              "to crip.roux (evaluateur_crip, departement" in out and
              "items: evaluation-1 (social), foyer-1 (family)" in out and
              'the person was not informed ("parents pas encore vus")' in out,
              "audit history, sharing decisions: %d %s %s" % (code, out, err))
        # An exception leaves a follow-up open; a revocation keeps the share in the list.
        code, out, err = socle_run(["share", "exception"], "--person", MINOR, "--share", "ip-2",
                                   "--kind", "urgency", "--justification", "hospitalisation",
                                   "--recorded-by", "ass.durand")
        check(code == 0 and "follow-up open" in out, "share exception: %d %s %s" %
              (code, out, err))
        code, out, err = socle_run(["share", "revoke"], "--person", MINOR, "--recipient",
                                   "crip.roux", "--share", "ip-1", "--recorded-by", "ass.durand")
        check(code == 0 and "share ip-1 revoked" in out, "share revoke: %d %s %s" %
              (code, out, err))
        code, out, err = socle_run(["share", "list"], "--person", MINOR)
        check(code == 0 and "ip-1: revoked" in out and "follow-up open: share ip-2" in out,
              "share list: %d %s %s" % (code, out, err))
        code, _, err = socle_run(["share", "revoke"], "--person", MINOR, "--recipient",
                                 "crip.roux", "--share", "ip-1", "--recorded-by", "ass.durand")
        check(code == 1 and "NOT_FOUND" in err, "revoking twice: %d %s" % (code, err))
        no_person_id(err, "revoking twice")
        code, _, err = socle_run(["share", "check"], *(share[:6] + ["--basis", "friendship"] +
                                                       share[8:]))
        check(code == 2 and "--basis is one of" in err, "a bad basis: %d %s" % (code, err))

        # A mandate: created, used, refused to a trainee, revoked, then refused.
        create = ["--mandate", "m-1", "--person", ADULT, "--structure", "ccas", "--procedures",
                  "logement,argent", "--template-version", "attestation-v1", "--aidant",
                  "cesf.moreau", "--involvement", "present"]
        code, _, err = socle_run(["mandate", "create"], *(create + ["--days", "366"]))
        check(code == 1 and "OUT_OF_RANGE" in err, "a mandate of 366 days: %d %s" % (code, err))
        no_person_id(err, "a mandate of 366 days")
        code, out, err = socle_run(["mandate", "create"], *(create + ["--days", "31"]))
        check(code == 0 and "mandate m-1 created" in out and "attestation sha256: " in out,
              "mandate create: %d %s %s" % (code, out, err))
        use = ["--mandate", "m-1", "--procedure", "logement", "--professional", "cesf.moreau",
               "--involvement", "present"]
        code, out, err = socle_run(["mandate", "use"], *use)
        check(code == 0 and "use of mandate m-1 for logement recorded" in out,
              "mandate use: %d %s %s" % (code, out, err))
        code, out, err = socle_run(["mandate", "check"], "--mandate", "m-1", "--procedure",
                                   "logement", "--professional", "stagiaire.leroy")
        check(code == 1 and out.endswith(": role_not_allowed\n"), "mandate check, a trainee: "
              "%d %s %s" % (code, out, err))
        code, _, err = socle_run(["mandate", "revoke"], "--mandate", "m-1", "--recorded-by",
                                 "cesf.moreau")
        check(code == 2 and "--by-person and --by-structure" in err,
              "mandate revoke without who: %d %s" % (code, err))
        code, out, err = socle_run(["mandate", "revoke"], "--mandate", "m-1", "--by-person",
                                   "--recorded-by", "cesf.moreau")
        check(code == 0 and "revoked (every procedure in force, by the person)" in out,
              "mandate revoke: %d %s %s" % (code, out, err))
        code, _, err = socle_run(["mandate", "use"], *use)
        check(code == 1 and "PERMISSION_DENIED" in err and "revoked" in err,
              "a use after revocation: %d %s" % (code, err))
        no_person_id(err, "a use after revocation")
        code, out, err = socle_run(["mandate", "list"], "--person", ADULT)
        check(code == 0 and "m-1: revoked, held by ccas" in out and
              "logement: revoked" in out and "1 use" in out and "record kept until" in out,
              "mandate list: %d %s %s" % (code, out, err))

        # What the person sees (REQ-55): the person summary, as JSON.
        code, out, err = socle_run(["person", "summary"], "--person", MINOR)
        summary = json.loads(out) if code == 0 else {}
        check(code == 0 and summary.get("person") == MINOR and
              any(c["given_by"] == [MINOR, MOTHER, FATHER] for c in summary["consents"]) and
              any(s["recipient"] == "crip.roux" for s in summary["shares"]) and
              {r["representative"] for r in summary["representatives"]} >= {MOTHER, FATHER},
              "person summary of the minor: %d %s %s" % (code, out[:300], err))
        code, out, err = socle_run(["person", "summary"], "--person", ADULT)
        summary = json.loads(out) if code == 0 else {}
        check(code == 0 and [m["state"] for m in summary.get("mandates", [])] == ["REVOKED"],
              "person summary of the adult: %d %s %s" % (code, out[:300], err))
        code, _, err = socle_run(["person", "summary"], "--person", "usager-inconnu-99")
        check(code == 1 and "NOT_FOUND" in err and "usager-inconnu-99" not in err,
              "person summary of an unknown person: %d %s" % (code, err))
        code, _, err = socle_run(["person", "summary"], "--person", MINOR, "--at", "hier")
        check(code == 2 and "--at is not an RFC 3339 time" in err,
              "person summary, a bad --at: %d %s" % (code, err))

        # The state ledger verifies, and so does the trail.
        code, out, err = run([socle, "audit", "verify", "--storage", "ccas", "--key", "k.key",
                              "--ledger", "state"])
        check(code == 0 and out.startswith("ok: "), "the state ledger verifies: %d %s %s" %
              (code, out, err))

        # Bad locations and flags: clear messages, their exit codes, nothing created.
        code, _, err = run([socle, "consent", "status", "--storage", "nowhere", "--key", "k.key",
                            "--policy", policy, "--person", MINOR, "--purpose", "x"])
        check(code == 1 and "no such directory: nowhere" in err and
              not os.path.exists("nowhere"), "a missing storage: %d %s" % (code, err))
        code, _, err = run([socle, "consent", "status", "--key", "k.key", "--policy", policy,
                            "--person", MINOR, "--purpose", "x"])
        check(code == 2 and "--storage is required" in err, "no --storage: %d %s" % (code, err))
        code, _, err = socle_run(["consent", "status"], "--person", MINOR)
        check(code == 2 and "--purpose is required" in err, "no --purpose: %d %s" % (code, err))
        code, _, err = socle_run(["consent", "status"], "--person", MINOR, "--purpose", "x",
                                 "--passphrase", "secret")
        check(code == 2 and "never taken from the command line" in err,
              "a passphrase flag: %d %s" % (code, err))
        code, _, err = run([socle, "consent", "status"] + engine + ["--person", MINOR,
                                                                     "--purpose",
                                                                     "ateliers_collectifs"],
                           env_pass="wrong passphrase")
        check(code != 0 and code != 2, "a wrong passphrase: %d %s" % (code, err))
        no_person_id(err, "a wrong passphrase")
        code, _, err = socle_run(["consent", "sign"])
        check(code == 2 and "unknown subcommand 'sign'" in err, "an unknown subcommand: %d %s" %
              (code, err))
    return HARNESS.finish()


if __name__ == "__main__":
    sys.exit(main())
