package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.Policy;
import fr.socle.PolicyAnalysis;
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

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.of(
                "prove", AnalysisTest::prove,
                "diff", AnalysisTest::diff);
        Harness.run("AnalysisTest", cases, args);
    }
}
