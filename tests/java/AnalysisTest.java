package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.AccessEngine;
import fr.socle.AccessTrail;
import fr.socle.KeyProvider;
import fr.socle.Ledger;
import fr.socle.Policy;
import fr.socle.PolicyAnalysis;
import fr.socle.PolicyApproval;
import fr.socle.Vault;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Policy analysis from Java (fr.socle.PolicyAnalysis; docs/policy-analysis.md, "From C and the
 * bindings"), run by CTest (tests/java/CMakeLists.txt) as {@code java -Djna.library.path=<build>
 * fr.socle.test.AnalysisTest <case>} with SOCLE_SOURCE_DIR set, on
 * examples/policies/ccas.textproto. Exit code 0 only when every check of the case passed.
 */
public final class AnalysisTest {
    private static final Path SOURCE = Path.of(env("SOCLE_SOURCE_DIR", "."));
    // The line of the matrix the variant changes (as tests/analysis/diff_test.cc).
    private static final String FRONT_DESK = "habilitations { role: \"secretaire_accueil\"  "
            + "actions: [READ, WRITE, PRINT] data_categories: [\"administrative\"] }";
    private static final String FRONT_DESK_SOCIAL = "habilitations { role: "
            + "\"secretaire_accueil\"  actions: [READ, WRITE, PRINT] data_categories: "
            + "[\"administrative\", \"social\"] }";

    private AnalysisTest() {}

    private static String ccas() throws Exception {
        return Files.readString(SOURCE.resolve("examples/policies/ccas.textproto"),
                StandardCharsets.UTF_8);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }

    static void prove() throws Exception {
        Policy policy = Policy.load(ccas(), "ccas");
        PolicyAnalysis analysis = PolicyAnalysis.create(policy);
        PolicyAnalysis.Report report = analysis.prove();
        check(report.holds() && report.failed() == 0, "every declared property holds");
        check(count(report.json(), "\"holds\": true") == 7, "the seven properties");
        check(report.json().contains(policy.digestHex()), "the policy digest");
        check(report.json().contains("\"space_size\": \"" + analysis.spaceSize() + "\""),
                "the space size");
        PolicyAnalysis.Report chosen = analysis.prove(
                List.of("archives_pour_les_archivistes", "stagiaires_sans_appreciations"));
        String json = chosen.json();
        check(count(json, "\"holds\": true") == 2, "two by id");
        check(json.indexOf("archives_pour_les_archivistes")
                < json.indexOf("stagiaires_sans_appreciations"), "in the order asked");
        expectError(() -> analysis.prove(List.of("no_such_property")),
                SocleLibrary.SOCLE_E_NOT_FOUND, "ids[0]", "an unknown id");

        // A false statement: refuted, with its counter-example and the engine's explanation.
        PolicyAnalysis.Report refuted = analysis.proveStatement("forall action = read: deny");
        check(!refuted.holds() && refuted.failed() == 1, "refuted");
        check(refuted.json().contains("\"holds\": false")
                && refuted.json().contains("\"example\": {")
                && refuted.json().contains("\"effect\": \"allow\""), "the counter-example");
        check(analysis.proveStatement(
                "exists role = ass and action = read and relation = team: allow").holds(),
                "a witness");
        expectError(() -> analysis.proveStatement("forall action = read deny"),
                SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "at character 22", "no colon");
        expectError(() -> analysis.proveStatement("forall role = nobody: deny"),
                SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "at character 8", "an unknown role");
        analysis.close();
    }

    static void diff() throws Exception {
        String text = ccas();
        Policy before = Policy.load(text, "before");
        PolicyAnalysis.Diff same = PolicyAnalysis.diffPolicies(before,
                Policy.load(text, "same"), "fr");
        check(!same.changed() && same.changedCases() == 0 && same.summary().isEmpty(),
                "a policy and itself do not differ");
        check(same.json().contains("\"changes\": []"), "no change group");

        check(text.contains(FRONT_DESK), "the front desk line");
        Policy variant = Policy.load(text.replace(FRONT_DESK, FRONT_DESK_SOCIAL), "variant");
        PolicyAnalysis.Diff diff = PolicyAnalysis.diffPolicies(before, variant, "fr");
        check(diff.changed() && diff.changedCases() > 0, "the variant differs");
        check(diff.json().contains("\"changed_cases\": \"" + diff.changedCases() + "\""),
                "the JSON's count");
        check(count(diff.json(), "\"role\": ")
                == count(diff.json(), "\"role\": \"secretaire_accueil\""),
                "only the front desk's cases");
        check(diff.summary().stream().anyMatch(
                s -> s.contains("« secretaire_accueil » peut désormais")), "the French summary");
        PolicyAnalysis.Diff english = PolicyAnalysis.diffPolicies(before, variant, "en");
        check(english.changedCases() == diff.changedCases(), "the same cases");
        check(english.summary().stream().anyMatch(
                s -> s.contains("'secretaire_accueil' may now")), "the English summary");
        expectError(() -> PolicyAnalysis.diffPolicies(before, variant, "de"),
                SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "language", "an unknown language");
    }

    // Two-person activation (REQ-62; docs/policy-approval.md): the front desk's wider matrix
    // opens a state ledger only once the DPO and the head of service approved it and it was
    // activated.
    static void approval() throws Exception {
        String text = ccas();
        Policy current = Policy.load(text, "current");
        Policy wider = Policy.load(text.replace(FRONT_DESK, FRONT_DESK_SOCIAL), "wider");
        Path dir = Files.createTempDirectory(Path.of(env("SOCLE_TEST_TMP",
                System.getProperty("java.io.tmpdir"))), "java-approval-");
        byte[] passphrase = "approval passphrase".getBytes(StandardCharsets.UTF_8);
        try (KeyProvider provider = KeyProvider.createKeyFile(
                     dir.resolve("master.key").toString(), passphrase, 2, 64L << 20);
             Vault vault = Vault.open(provider, dir.resolve("vault.db").toString(), "ccas");
             Ledger state = Ledger.open(vault, dir.resolve("state.db").toString(), "state")) {
            long revision;
            try (AccessEngine engine = AccessEngine.open(current, state);
                 Ledger trailLedger = Ledger.open(vault, dir.resolve("trail.db").toString(),
                         "access_trail")) {
                PolicyApproval.InForce first = PolicyApproval.inForce(engine);
                check(first.mode() == SocleLibrary.SOCLE_POLICY_ACTIVATION_INITIAL
                        && first.digest().equals(current.digestHex()), "the first policy");
                engine.loadDirectoryTsv(
                        "dpo1\tdpo\tdirection\nresp1\tresponsable_service\tpole-social\n", "");
                try (AccessTrail trail = AccessTrail.create(trailLedger, engine)) {
                    String[] who = {"dpo1", "resp1"};
                    String[] notes = new String[2];
                    for (int i = 0; i < 2; ++i) {
                        PolicyApproval.KeyPair key = PolicyApproval.generateKey(who[i]);
                        PolicyApproval.registerKey(engine, who[i], key.verifierKey(), "dpo1");
                        notes[i] = PolicyApproval.sign(current, wider, who[i], key.signerKey());
                    }
                    PolicyApproval.KeyPair forger = PolicyApproval.generateKey("resp1");
                    expectError(() -> PolicyApproval.record(trail, engine, wider,
                            PolicyApproval.sign(current, wider, "resp1", forger.signerKey())),
                            SocleLibrary.SOCLE_E_VERIFICATION_FAILED, "approval key",
                            "a forged signature");
                    PolicyApproval.record(trail, engine, wider, notes[0]);
                    expectError(() -> PolicyApproval.activate(trail, engine, wider, "dpo1"),
                            SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "distinct",
                            "one approval");
                    expectError(() -> PolicyApproval.record(trail, engine, wider, notes[0]),
                            SocleLibrary.SOCLE_E_ALREADY_EXISTS, "already approved",
                            "the same approval twice");
                    PolicyApproval.record(trail, engine, wider, notes[1]);
                    check(PolicyApproval.inForce(engine).pendingApprovals() == 2, "two pending");
                    revision = PolicyApproval.activate(trail, engine, wider, "resp1");
                }
            }
            expectError(() -> AccessEngine.open(current, state),
                    SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "not the policy in force",
                    "the former policy after the activation");
            try (AccessEngine reopened = AccessEngine.open(wider, state)) {
                PolicyApproval.InForce now = PolicyApproval.inForce(reopened);
                check(now.mode() == SocleLibrary.SOCLE_POLICY_ACTIVATION_APPROVED
                        && now.digest().equals(wider.digestHex())
                        && reopened.revision() == revision, "the new policy in force");
            }
            try (AccessEngine development = AccessEngine.open(current, state, true)) {
                check(PolicyApproval.inForce(development).mode()
                        == SocleLibrary.SOCLE_POLICY_ACTIVATION_DEVELOPMENT, "development mode");
            }
        }
    }

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.of(
                "prove", AnalysisTest::prove,
                "diff", AnalysisTest::diff,
                "approval", AnalysisTest::approval);
        Harness.run("AnalysisTest", cases, args);
    }
}
