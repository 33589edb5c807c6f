package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.AccessEngine;
import fr.socle.AccessRequest;
import fr.socle.AccessTrail;
import fr.socle.KeyProvider;
import fr.socle.Ledger;
import fr.socle.MandateCreated;
import fr.socle.Policy;
import fr.socle.ShareRequest;
import fr.socle.SharingOutcome;
import fr.socle.SharingRecord;
import fr.socle.SocleException;
import fr.socle.Vault;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sharing under professional secrecy, prior information and mandates from Java (label `java`),
 * run by CTest (tests/java/CMakeLists.txt) as
 * {@code java -Djna.library.path=<build> fr.socle.test.SharingTest <case>} with SOCLE_SOURCE_DIR
 * and SOCLE_TEST_TMP set. Exit code 0 only when every check of the case passed.
 */
public final class SharingTest {
    private static final long NOW = 1900000000L; // the engine's fixed clock (2030)
    private static final Path SOURCE = Path.of(env("SOCLE_SOURCE_DIR", "."));
    /**
     * A habilitation of the CRIP (the CCAS example gives its external recipients none: every
     * share to them fails check 5, the recipient's habilitations) and a mandates section.
     */
    private static final String ADDENDUM = "\nhabilitations { role: \"crip_departement\" "
            + "actions: [READ] data_categories: [\"administrative\", \"social\"] }\n";
    private static final String PROFESSIONALS = "ass1\tass\tpole-social\tccas\n"
            + "ass2\tass\tpole-social\tccas\n"
            + "sec1\tsecretaire_accueil\tpole-social\tccas\n"
            + "aud1\tauditeur_securite\t\tccas\n"
            + "crip1\tcrip_departement\tcrip\tDépartement\n";


    private SharingTest() {}





    private static AccessEngine engine() throws Exception {
        String text = Files.readString(SOURCE.resolve("examples/policies/ccas.textproto"),
                StandardCharsets.UTF_8) + ADDENDUM;
        try (Policy policy = Policy.load(text, "ccas+mandates")) {
            AccessEngine engine = new AccessEngine(policy);
            engine.setTime(NOW);
            engine.loadDirectoryTsv(PROFESSIONALS, "P-1\tpole-social\n");
            return engine;
        }
    }

    private static ShareRequest alert(String share) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256")
                .digest("note 1".getBytes(StandardCharsets.UTF_8));
        return new ShareRequest("ass1", "crip1", "P-1",
                SocleLibrary.SOCLE_SHARING_BASIS_CASF_L226_2_1, "accompagnement_social", share,
                List.of(new ShareRequest.Item("note-1", "social", hash)));
    }

    private static int read(AccessEngine engine, String item, String category) {
        return engine.decide(AccessRequest.of(engine.findProfessional("crip1"),
                engine.findPerson("P-1"), engine.findCategory(category),
                engine.findPurpose("accompagnement_social")).withItem(item)).reason();
    }

    private static void share() throws Exception {
        Path dir = Files.createTempDirectory(Path.of(env("SOCLE_TEST_TMP",
                System.getProperty("java.io.tmpdir"))), "sharing");
        try (AccessEngine engine = engine();
             KeyProvider provider = KeyProvider.createKeyFile(dir.resolve("master.key").toString(),
                     "sharing test".getBytes(StandardCharsets.UTF_8), 2, 64L << 20);
             Vault vault = Vault.open(provider, dir.resolve("vault.db").toString(), "ccas");
             Ledger ledger = Ledger.open(vault, dir.resolve("trail.db").toString(),
                     "access_trail", SocleLibrary.SOCLE_DURABILITY_NONE);
             AccessTrail trail = AccessTrail.create(ledger, engine)) {
            check(read(engine, "note-1", "social") == SocleLibrary.SOCLE_REASON_NOT_ASSIGNED,
                    "not assigned");
            long before = engine.revision();
            SharingOutcome refused = trail.share(alert("alert-1"));
            check(!refused.granted(), "refused before the person is informed");
            check(refused.failed() == SocleLibrary.SOCLE_SHARING_CHECK_PERSON_NOT_INFORMED,
                    "failed " + refused.failedName() + ": " + refused.sentence());
            check(refused.failedName().equals("person_not_informed"), "failed name");
            check(!refused.sentence().contains("P-1"), "no person id in the sentence");
            check(engine.revision() == before, "a refusal changes nothing");

            long informed = engine.recordPersonInformed("P-1", "", "alert-1", "crip1",
                    List.of("social"), SocleLibrary.SOCLE_INFORM_CHANNEL_IN_PERSON, "", "ass1");
            check(engine.checkShare(alert("alert-1")).granted(), "the check grants");
            check(engine.revision() == informed, "the check records nothing");
            SharingOutcome granted = trail.share(alert("alert-1"));
            check(granted.granted() && granted.failed() == SocleLibrary.SOCLE_SHARING_CHECK_NONE,
                    "granted");
            check(granted.revision() == engine.revision(), "the grant's revision");
            check(granted.items().size() == 1 && granted.items().get(0).item().equals("note-1"),
                    "items");
            check(granted.informationRevisions().equals(List.of(informed)), "evidence");

            check(read(engine, "note-1", "social") == SocleLibrary.SOCLE_REASON_ALLOWED_BY_GRANT,
                    "the shared item");
            check(read(engine, "note-2", "social") == SocleLibrary.SOCLE_REASON_ITEM_NOT_SHARED,
                    "another item");
            check(read(engine, "note-1", "administrative")
                    == SocleLibrary.SOCLE_REASON_ITEM_NOT_SHARED, "another category");
            long at = engine.revision();
            expectError(() -> trail.share(alert("alert-1")),
                    SocleLibrary.SOCLE_E_ALREADY_EXISTS, "the same share id");
            check(engine.revision() == at, "nothing recorded");

            List<AccessTrail.HistoryEntry> sharing = trail.history("P-1", "aud1", false, 0, 0, -1,
                    100).entries().stream()
                    .filter(e -> e.type() == SocleLibrary.SOCLE_LEDGER_ENTRY_SHARING_DECISION)
                    .toList();
            check(sharing.size() == 2, sharing.size() + " sharing entries");
            if (sharing.size() == 2) {
                check(!sharing.get(0).allowed()
                        && sharing.get(0).reason().equals("person_not_informed"), "the refusal");
                check(sharing.get(1).allowed() && sharing.get(1).actor().equals("ass1"),
                        "the grant");
                SharingRecord record = sharing.get(1).sharing();
                check(record != null
                        && record.basis() == SocleLibrary.SOCLE_SHARING_BASIS_CASF_L226_2_1,
                        "basis");
                check(record != null && record.share().equals("alert-1")
                        && record.recipient().equals("crip1")
                        && record.recipientRole().equals("crip_departement"), "recipient");
                check(record != null && record.items().size() == 1
                        && record.items().get(0).category().equals("social"), "items");
                check(record != null
                        && record.information() == SocleLibrary.SOCLE_SHARING_INFORMATION_INFORMED
                        && record.informationRevision() == informed, "evidence in the history");
            }
            engine.revokeShare("P-1", "crip1", "alert-1", "ass1");
            check(read(engine, "note-1", "social") != SocleLibrary.SOCLE_REASON_ALLOWED_BY_GRANT,
                    "revoked");
            expectError(() -> engine.revokeShare("P-1", "crip1", "alert-1", "ass1"),
                    SocleLibrary.SOCLE_E_NOT_FOUND, "revoked twice");

            long exception = engine.recordInformationException("P-1", "alert-2",
                    SocleLibrary.SOCLE_INFORMATION_EXCEPTION_URGENCY, "danger", "ass1");
            SharingOutcome urgent = engine.checkShare(alert("alert-2"));
            check(urgent.granted()
                    && urgent.exception() == SocleLibrary.SOCLE_INFORMATION_EXCEPTION_URGENCY
                    && urgent.exceptionRevision() == exception && urgent.followUpOpen(),
                    "urgency");
        }
    }

    private static void hostile() throws Exception {
        try (AccessEngine engine = engine()) {
            long before = engine.revision();
            SocleException e = expectError(() -> engine.checkShare(
                    alert("alert-1").withPerson("P-404")), SocleLibrary.SOCLE_E_NOT_FOUND,
                    "an unknown person");
            check(e == null || !e.getMessage().contains("P-404"), "the person never named");
            expectError(() -> engine.checkShare(alert("alert-1").withItems(List.of(
                    new ShareRequest.Item("note-1", "social", new byte[5])))),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "a short content hash");
            expectError(() -> engine.checkShare(alert("alert-1").withBasis(99)),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "an unknown basis");
            expectError(() -> engine.recordPersonInformed("P-1", "", "s", "crip1",
                    List.of("social"), 9, "", "ass1"), SocleLibrary.SOCLE_E_INVALID_ARGUMENT,
                    "an unknown channel");
            expectError(() -> engine.recordInformationException("P-1", "s", 0, "", "ass1"),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "an unknown exception");
            check(engine.revision() == before, "nothing changed");
        }
    }

    private static void mandates() throws Exception {
        int present = SocleLibrary.SOCLE_PERSON_INVOLVEMENT_PRESENT;
        try (AccessEngine engine = engine()) {
            long before = engine.revision();
            SocleException e = expectError(() -> engine.createMandate("m-1", "P-1",
                    "ccas", List.of("papiers", "logement"), 366, "attestation v1",
                    "ass1", present, ""), SocleLibrary.SOCLE_E_OUT_OF_RANGE, "366 days");
            check(e == null || e.getMessage().contains("366"), "the duration named");
            expectError(() -> engine.createMandate("m-1", "P-1", "ccas",
                    List.of("papiers"), 31, "attestation v1", "sec1", present, ""),
                    SocleLibrary.SOCLE_E_PERMISSION_DENIED, "a secretary");
            expectError(() -> engine.createMandate("m-1", "P-404", "ccas",
                    List.of("papiers"), 31, "attestation v1", "ass1", present, ""),
                    SocleLibrary.SOCLE_E_NOT_FOUND, "an unknown person");
            check(engine.revision() == before, "nothing changed");

            MandateCreated created = engine.createMandate("m-1", "P-1", "ccas",
                    List.of("papiers", "logement"), SocleLibrary.SOCLE_MANDATE_DURATION_MONTH,
                    "attestation v1", "ass1", present, "");
            check(created.revision() == before + 1, "revision");
            check(created.attestationSha256().length == 32
                    && !Arrays.equals(created.attestationSha256(), new byte[32]), "attestation");
            check(created.expiresAtUnixSeconds() == NOW + 31 * 86400L, "expiry");
            check(engine.checkMandate("m-1", "papiers", "ass2", 0)
                    == SocleLibrary.SOCLE_MANDATE_VERDICT_ALLOWED, "allowed");
            check(engine.checkMandate("m-1", "papiers", "sec1", 0)
                    == SocleLibrary.SOCLE_MANDATE_VERDICT_ROLE_NOT_ALLOWED, "role not allowed");
            engine.useMandate("m-1", "papiers", "ass2", present, "");
            engine.revokeMandate("m-1", List.of("papiers"), true, "ass1");
            check(engine.checkMandate("m-1", "papiers", "ass2", 0)
                    == SocleLibrary.SOCLE_MANDATE_VERDICT_REVOKED, "revoked");
            check(engine.checkMandate("m-1", "logement", "ass2", 0)
                    == SocleLibrary.SOCLE_MANDATE_VERDICT_ALLOWED, "housing still allowed");
            long at = engine.revision();
            expectError(() -> engine.useMandate("m-1", "papiers", "ass2", present, ""),
                    SocleLibrary.SOCLE_E_PERMISSION_DENIED, "a revoked procedure");
            expectError(() -> engine.checkMandate("m-404", "papiers", "ass2", 0),
                    SocleLibrary.SOCLE_E_NOT_FOUND, "an unknown mandate");
            check(engine.revision() == at, "nothing recorded");
        }
    }

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.of(
                "share", SharingTest::share,
                "hostile", SharingTest::hostile,
                "mandates", SharingTest::mandates);
        Harness.run("SharingTest", cases, args);
    }
}
