package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.AccessEngine;
import fr.socle.AccessRequest;
import fr.socle.Consent;
import fr.socle.ConsentSpec;
import fr.socle.ConsentStatus;
import fr.socle.KeyProvider;
import fr.socle.Ledger;
import fr.socle.Policy;
import fr.socle.SocleException;
import fr.socle.Vault;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * Representatives, consents, objections and consent receipts from Java (fr.socle.Consent,
 * ConsentSpec, ConsentStatus, AccessEngine's consent methods), run by CTest
 * (tests/java/CMakeLists.txt) as {@code java -Djna.library.path=<build>
 * fr.socle.test.ConsentTest <case>} with SOCLE_SOURCE_DIR and SOCLE_TEST_TMP set. Exit code 0
 * only when every check of the case passed.
 */
public final class ConsentTest {
    // 2040-06-01 12:00 UTC: later than the real clock (the engine's clock never goes back). On
    // that day `child` (born 2025-06-02) is 14 years and 364 days old, `teen` (born 2025-06-01) 15.
    private static final long DAY = 2222164800L;
    private static final int PROCESSING = SocleLibrary.SOCLE_CONSENT_SCOPE_PROCESSING;

    private static final Path SOURCE = Path.of(env("SOCLE_SOURCE_DIR", "."));

    private ConsentTest() {}





    private static Policy policy() throws Exception {
        String text = Files.readString(SOURCE.resolve("tests/access/workload_policy.textproto"));
        String atelier =
                Files.readString(SOURCE.resolve("tests/access/consent_activity.textproto"));
        return Policy.load(text + atelier, "workload + atelier");
    }

    private static void prepare(AccessEngine engine) {
        engine.setTime(DAY);
        engine.loadDirectoryTsv("sw1\tsocial_worker\tt1\nmgr1\tmanager\tt1\n",
                "child\tt1\t\t2025-06-02\nteen\tt1\t\t2025-06-01\nmother\tt1\t\t1995-01-02\n"
                        + "father\tt1\t\t1993-07-14\nadult\tt1\t\t1970-06-01\n");
        for (String parent : List.of("mother", "father")) {
            engine.setRepresentative("child", parent,
                    SocleLibrary.SOCLE_REPRESENTATION_PARENTAL_AUTHORITY, "2025-06-02", "",
                    "livret de famille", "sw1");
        }
    }

    private static ConsentSpec workshops(String person, List<String> givenBy) throws Exception {
        byte[] notice = MessageDigest.getInstance("SHA-256")
                .digest("Notice des ateliers, version 3".getBytes(StandardCharsets.UTF_8));
        return ConsentSpec.of(person, "atelier", givenBy, "notice-ateliers-v3", notice, "sw1")
                .withChannel(SocleLibrary.SOCLE_CONSENT_CHANNEL_PAPER, "formulaire 2040-117");
    }

    private static int reason(AccessEngine engine, String person, String purpose) {
        return engine.decide(AccessRequest.of(engine.findProfessional("sw1"),
                engine.findPerson(person), engine.findCategory("social"),
                engine.findPurpose(purpose))).reason();
    }

    private static void consents() throws Exception {
        try (Policy policy = policy(); AccessEngine engine = new AccessEngine(policy)) {
            prepare(engine);
            ConsentStatus status = engine.consentStatus("child", "atelier");
            check(status.state() == SocleLibrary.SOCLE_CONSENT_STATE_NOT_GIVEN
                    && status.revision() == 0, "nothing is consented by default");
            check(reason(engine, "child", "atelier") == SocleLibrary.SOCLE_REASON_NO_CONSENT,
                    "no_consent");
            long incomplete = engine.giveConsent(workshops("child", List.of("child", "mother")));
            check(incomplete == engine.revision(), "the grant returns the revision");
            status = engine.consentStatus("child", "atelier");
            check(status.name().equals("incomplete_for_minor") && !status.valid()
                    && status.revision() == incomplete, "under 15, one parent is not enough");
            long given = engine.giveConsent(
                    workshops("child", List.of("child", "mother", "father")));
            status = engine.consentStatus("child", "atelier", PROCESSING, 0, "social", null);
            check(status.valid() && status.revision() == given, "the child and both parents");
            check(reason(engine, "child", "atelier") == SocleLibrary.SOCLE_REASON_ALLOWED,
                    "allowed");
            engine.giveConsent(workshops("teen", List.of("teen")));
            check(engine.consentStatus("teen", "atelier").valid(), "at 15, the teen alone");
            // The person summary (REQ-55): the JSON of socle.v1.PersonSummary, both consents.
            String summary = engine.personSummary("child");
            check(summary.contains("\"purpose\":\"atelier\"")
                    && summary.contains("\"notice_language\":\"fr\"")
                    && summary.indexOf("\"VALID\"") > 0, "the person summary");

            engine.setTime(DAY + 3600);
            engine.withdrawConsent("child", "atelier", PROCESSING, "father",
                    SocleLibrary.SOCLE_CONSENT_CHANNEL_PHONE, "sw1");
            status = engine.consentStatus("child", "atelier");
            check(status.state() == SocleLibrary.SOCLE_CONSENT_STATE_WITHDRAWN
                    && status.revision() == given, "withdrawn");
            check(engine.consentStatus("child", "atelier", PROCESSING, DAY, null, null).valid(),
                    "valid as it was then");
            check(reason(engine, "child", "atelier") == SocleLibrary.SOCLE_REASON_NO_CONSENT,
                    "no_consent after the withdrawal");
            expectError(() -> engine.withdrawConsent("child", "atelier", PROCESSING, "father",
                    SocleLibrary.SOCLE_CONSENT_CHANNEL_PHONE, "sw1"),
                    SocleLibrary.SOCLE_E_NOT_FOUND, "", "nothing left to withdraw");
            engine.endRepresentative("child", "mother",
                    SocleLibrary.SOCLE_REPRESENTATION_PARENTAL_AUTHORITY, "2040-06-30", "sw1");
        }
    }

    private static void objection() throws Exception {
        try (Policy policy = policy(); AccessEngine engine = new AccessEngine(policy)) {
            prepare(engine);
            engine.recordObjection("adult", SocleLibrary.SOCLE_OBJECTION_KIND_PROCESSING,
                    "accompagnement", "adult", "", "sw1");
            check(reason(engine, "adult", "accompagnement")
                    == SocleLibrary.SOCLE_REASON_OBJECTION_PENDING, "objection_pending");
            expectError(() -> engine.recordObjection("adult",
                    SocleLibrary.SOCLE_OBJECTION_KIND_PROCESSING, "accompagnement", "adult", "",
                    "sw1"), SocleLibrary.SOCLE_E_ALREADY_EXISTS, "", "not twice");
            engine.decideObjection("adult", "accompagnement",
                    SocleLibrary.SOCLE_OBJECTION_OUTCOME_UPHELD, "aucun motif impérieux", "mgr1");
            check(reason(engine, "adult", "accompagnement")
                    == SocleLibrary.SOCLE_REASON_OBJECTION_UPHELD, "objection_upheld");
            engine.withdrawObjection("adult", SocleLibrary.SOCLE_OBJECTION_KIND_PROCESSING,
                    "accompagnement", "sw1");
            check(reason(engine, "adult", "accompagnement") == SocleLibrary.SOCLE_REASON_ALLOWED,
                    "allowed once withdrawn");
        }
    }

    private static void hostile() throws Exception {
        try (Policy policy = policy(); AccessEngine engine = new AccessEngine(policy)) {
            prepare(engine);
            long before = engine.revision();
            ConsentSpec spec = workshops("adult", List.of("adult"));
            byte[] shortDigest = java.util.Arrays.copyOf(spec.informationSha256(), 31);
            expectError(() -> engine.giveConsent(spec.withInformation("v3", shortDigest)),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "sha256", "a 31-byte SHA-256");
            expectError(() -> engine.giveConsent(spec.withPurpose("nothing_such")),
                    SocleLibrary.SOCLE_E_NOT_FOUND, "", "an unknown purpose");
            expectError(() -> engine.giveConsent(spec.withScope(3)),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "scope", "a scope out of range");
            expectError(() -> engine.consentStatus("adult", "atelier", 9, 0, null, null),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "scope", "a status of scope 9");
            expectError(() -> engine.withdrawConsent("adult", "atelier", PROCESSING, "adult", 42,
                    "sw1"), SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "channel", "channel 42");
            expectError(() -> engine.setRepresentative("adult", "mother",
                    SocleLibrary.SOCLE_REPRESENTATION_GUARDIANSHIP, "2040-02-30", null,
                    "jugement", "sw1"), SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "from",
                    "a day that does not exist");
            expectError(() -> engine.decideObjection("adult", "accompagnement",
                    SocleLibrary.SOCLE_OBJECTION_OUTCOME_PENDING, "x", "mgr1"),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "outcome", "PENDING is no decision");
            check(engine.revision() == before, "nothing recorded");
            check(engine.consentStatus("adult", "atelier").state()
                    == SocleLibrary.SOCLE_CONSENT_STATE_NOT_GIVEN, "still not given");
        }
    }

    private static void receipt() throws Exception {
        Path dir = Files.createTempDirectory(Path.of(env("SOCLE_TEST_TMP",
                System.getProperty("java.io.tmpdir"))), "java-consent-");
        try (Policy policy = policy();
             KeyProvider provider = KeyProvider.createKeyFile(dir.resolve("master.key").toString(),
                     "consent test passphrase".getBytes(StandardCharsets.UTF_8), 2, 64L << 20);
             Vault vault = Vault.open(provider, dir.resolve("vault.db").toString(), "ccas-lyon");
             Ledger state = Ledger.open(vault, dir.resolve("state.db").toString(), "state");
             AccessEngine engine = AccessEngine.open(policy, state)) {
            prepare(engine);
            long revision = engine.giveConsent(workshops("teen", List.of("teen")));
            String receipt = Consent.issueReceipt(state, policy, revision - 1);
            String key = Consent.receiptVerifierKey(state);
            Consent.VerifiedReceipt checked =
                    Consent.verifyReceipt(receipt, key, state.verifierKey());
            check(checked.index() == revision - 1, "the receipt proves the entry of the grant");
            check(checked.json().startsWith("{") && checked.json().contains("atelier"),
                    "the JSON-LD document");
            String altered = receipt.replace("notice-ateliers-v3", "notice-ateliers-v4");
            check(!altered.equals(receipt), "the receipt names the notice");
            expectError(() -> Consent.verifyReceipt(altered, key, state.verifierKey()),
                    SocleLibrary.SOCLE_E_VERIFICATION_FAILED, "", "an altered receipt");
            expectError(() -> Consent.issueReceipt(state, policy, 0),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "", "entry 0 is not a consent");
        }
    }

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.of(
                "consents", ConsentTest::consents,
                "objection", ConsentTest::objection,
                "hostile", ConsentTest::hostile,
                "receipt", ConsentTest::receipt);
        Harness.run("ConsentTest", cases, args);
    }
}
