package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.Policy;
import fr.socle.jna.SocleLibrary;
import java.nio.file.Path;
import java.util.Map;

/**
 * The register of processing activities from Java (fr.socle.Policy.renderRegister), run by CTest
 * (tests/java/CMakeLists.txt) as {@code java -Djna.library.path=<build>
 * fr.socle.test.RegisterTest <case>} with SOCLE_SOURCE_DIR set, on
 * examples/policies/ccas.textproto. Exit code 0 only when every check of the case passed.
 */
public final class RegisterTest {
    private static final Path SOURCE = Path.of(env("SOCLE_SOURCE_DIR", "."));

    private RegisterTest() {}

    private static Policy policy() {
        return Policy.loadFile(SOURCE.resolve("examples/policies/ccas.textproto").toString());
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }

    static void languages() {
        Policy policy = policy();
        String json = policy.renderRegister("json", "fr");
        int activities = count(json, "\"activity_id\": ");
        check(activities > 0, "activities");
        check(json.contains("\"language\": \"fr\""), "the JSON's language");
        String french = policy.renderRegister();
        check(french.equals(policy.renderRegister("markdown", "fr")), "French is the default");
        check(french.startsWith("# Registre des activités de traitement"), "the French title");
        for (String heading : new String[] {"| (b) Finalité(s) |",
                "| (b) Base légale | RGPD art. 6(1)(", "| (c) Catégories de personnes concernées |",
                "| (c) Données sensibles |", "| (e) Transferts hors UE | aucun |",
                "| (f) Durées de conservation |", "| (g) Mesures de sécurité |"}) {
            check(count(french, heading) == activities, heading + " in every fiche");
        }
        String english = policy.renderRegister("md", "en");
        check(english.startsWith("# Register of processing activities"), "the English title");
        check(count(english, "| (g) Security measures |") == activities, "English headings");
        check(!english.contains("Mesures de sécurité"), "no French left in English");
        check(policy.renderRegister("json", "en").contains("\"language\": \"en\""), "json en");
    }

    static void jsonld() {
        Policy policy = policy();
        int activities = count(policy.renderRegister("json", "fr"), "\"activity_id\": ");
        for (String language : new String[] {"fr", "en"}) {
            String doc = policy.renderRegister("jsonld", language);
            check(doc.contains("\"dpv\": \"https://w3id.org/dpv#\""), "the DPV namespace");
            check(count(doc, "\"@type\": \"dpv:Process\"") == activities,
                    "one dpv:Process per activity");
            // The activity's lists (a recipient's legal basis and a retention's data are not).
            for (String key : new String[] {"\"dpv:hasPurpose\": {",
                    "\"dpv:hasLegalBasis\": [", "\"dpv:hasPersonalData\": [",
                    "\"dpv:hasDataSubject\": [", "\"dpv:hasRecipient\": [",
                    "\"dpv:hasStorageCondition\": ["}) {
                check(count(doc, key) == activities, key + " on every activity");
            }
            // socle's sentences in the register's language, the DPO's text in French.
            check(doc.contains("\"@language\": \"" + language + "\""), "texts in " + language);
            check(doc.contains(language.equals("fr") ? "\"@value\": \"RGPD art. 6(1)("
                                                     : "\"@value\": \"GDPR art. 6(1)("),
                    "the legal basis in " + language);
            check(language.equals("en") || !doc.contains("\"@language\": \"en\""),
                    "no English in a French register");
        }
    }

    static void refused() {
        Policy policy = policy();
        expectError(() -> policy.renderRegister("markdown", "de"),
                SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "language", "an unknown language");
        expectError(() -> policy.renderRegister("xml", "fr"),
                SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "format", "an unknown format");
    }

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.of(
                "languages", RegisterTest::languages,
                "jsonld", RegisterTest::jsonld,
                "refused", RegisterTest::refused);
        Harness.run("RegisterTest", cases, args);
    }
}
