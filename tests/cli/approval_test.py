#!/usr/bin/env python3
"""`socle policy keygen|approve|approval-key|activate` end to end (REQ-62,
docs/policy-approval.md): a change of the CCAS matrix takes effect on the state of record only
with the approvals of two professionals, one the DPO. Keys are private files; one approval is
refused and stays recorded; the new policy does not open before its activation, the former one no
longer after it.

Usage: approval_test.py SOCLE_BINARY CCAS_POLICY
"""
import os
import stat
import sys

import cli_harness

HARNESS = cli_harness.Harness("approval test passphrase")
check = HARNESS.check

FRONT_DESK = ('habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, PRINT] '
              'data_categories: ["administrative"] }')
FRONT_DESK_SOCIAL = ('habilitations { role: "secretaire_accueil"  actions: [READ, WRITE, PRINT] '
                     'data_categories: ["administrative", "social"] }')


def main():
    socle, policy = (os.path.abspath(a) for a in sys.argv[1:3])
    run = HARNESS.run
    with HARNESS.workdir("socle-approval-test-"):
        text = open(policy, encoding="utf-8").read()
        check(FRONT_DESK in text, "the front desk's line is not in the CCAS policy")
        with open("new.textproto", "w", encoding="utf-8") as f:
            f.write(text.replace(FRONT_DESK, FRONT_DESK_SOCIAL))
        with open("pros.tsv", "w") as f:
            f.write("dpo1\tdpo\tdirection\tccas\n"
                    "resp1\tresponsable_service\tpole_social\tccas\n"
                    "ass1\tass\tpole_social\tccas\n")
        with open("persons.tsv", "w") as f:
            f.write("p1\tpole_social\tass1\t1984-05-12\n")
        HARNESS.init_keys(socle)
        old = HARNESS.engine_runner(socle, ["--storage", "ccas", "--key", "k.key", "--policy",
                                            policy])
        new = HARNESS.engine_runner(socle, ["--storage", "ccas", "--key", "k.key", "--policy",
                                            "new.textproto"])
        code, out, err = old(["directory", "load"], "--professionals", "pros.tsv", "--persons",
                             "persons.tsv")
        check(code == 0, "directory load: %d %s" % (code, err))

        # Keys: private files, never overwritten; the verifier key recorded.
        verifier = {}
        for who in ("dpo1", "resp1"):
            code, out, err = run([socle, "policy", "keygen", "--professional", who, "--out",
                                  who + ".key"], no_passphrase=True)
            check(code == 0 and out.startswith(who + "+"), "keygen %s: %d %s" % (who, code, err))
            mode = stat.S_IMODE(os.stat(who + ".key").st_mode)
            check(mode == 0o600, "%s.key has mode %o" % (who, mode))
            check("PRIVATE+KEY+" + who in open(who + ".key").read(), "%s.key holds no key" % who)
            check("PRIVATE" not in out, "keygen printed the signer key")
            verifier[who] = out.strip()
            code, out, err = old(["policy", "approval-key"], "--professional", who,
                                 "--verifier-key", verifier[who], "--actor", "dpo1")
            check(code == 0 and "approval key recorded" in out,
                  "approval-key %s: %d %s" % (who, code, err))
        code, _, err = run([socle, "policy", "keygen", "--professional", "dpo1", "--out",
                            "dpo1.key"], no_passphrase=True)
        check(code == 1 and "never overwritten" in err, "keygen over a key: %d %s" % (code, err))

        # Each approver reads the summary and signs.
        for who in ("dpo1", "resp1"):
            code, out, err = run([socle, "policy", "approve", policy, "new.textproto",
                                  "--professional", who, "--signer-key", who + ".key", "--out",
                                  who + ".approval"], no_passphrase=True)
            check(code == 0, "approve %s: %d %s" % (who, code, err))
            check("secretaire_accueil" in err and "social" in err,
                  "approve %s does not show the summary: %s" % (who, err))
            note = open(who + ".approval").read()
            check(note.startswith("socle policy approval v1\npolicy ") and
                  ("\n\n— %s " % who) in note, "approval of %s: %r" % (who, note))

        # Before its activation the new policy does not open the state of record.
        code, _, err = new(["directory", "load"], "--professionals", "pros.tsv", "--persons",
                           "persons.tsv")
        check(code == 1 and "not the policy in force" in err and "0 approval(s)" in err,
              "new policy before approvals: %d %s" % (code, err))

        # One approval: recorded, not enough.
        code, out, err = old(["policy", "activate"], "--new", "new.textproto", "--actor", "dpo1",
                             "--approval", "dpo1.approval")
        check(code == 1 and "approval recorded" in out and "1 distinct approver" in err,
              "activate with one approval: %d %s %s" % (code, out, err))
        # The same approval again is refused.
        code, out, err = old(["policy", "activate"], "--new", "new.textproto", "--actor", "dpo1",
                             "--approval", "dpo1.approval")
        check(code == 1 and "ALREADY_EXISTS" in err, "the same approval twice: %d %s" % (code, err))
        # A tampered approval does not verify.
        tampered = open("resp1.approval").read().replace("professional resp1",
                                                         "professional ass1")
        with open("tampered.approval", "w") as f:
            f.write(tampered)
        code, _, err = old(["policy", "activate"], "--new", "new.textproto", "--actor", "dpo1",
                           "--approval", "tampered.approval")
        check(code == 1 and "tampered.approval" in err, "a tampered approval: %d %s" % (code, err))

        # The second approval: in force.
        code, out, err = old(["policy", "activate"], "--new", "new.textproto", "--actor", "resp1",
                             "--approval", "resp1.approval")
        check(code == 0 and "in force from state revision" in out,
              "activate with two approvals: %d %s %s" % (code, out, err))
        code, out, err = new(["directory", "load"], "--professionals", "pros.tsv", "--persons",
                             "persons.tsv")
        check(code == 0, "the new policy after its activation: %d %s" % (code, err))
        code, _, err = old(["directory", "load"], "--professionals", "pros.tsv", "--persons",
                           "persons.tsv")
        check(code == 1 and "not the policy in force" in err,
              "the former policy after the activation: %d %s" % (code, err))
        # Every subcommand answers --help.
        for sub in ("keygen", "approve", "approval-key", "activate"):
            code, out, _ = run([socle, "policy", sub, "--help"], no_passphrase=True)
            check(code == 0 and "two distinct professionals" in out, "%s --help" % sub)
    return HARNESS.finish()


if __name__ == "__main__":
    sys.exit(main())
