package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.AccessEngine;
import fr.socle.AccessRequest;
import fr.socle.AccessTrail;
import fr.socle.Erasure;
import fr.socle.ExportSigningKey;
import fr.socle.KeyProvider;
import fr.socle.Ledger;
import fr.socle.Policy;
import fr.socle.Restriction;
import fr.socle.Retention;
import fr.socle.RetentionSweep;
import fr.socle.ShareRequest;
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
 * Erasure, restriction, rectification and the retention sweep from Java (fr.socle.Erasure,
 * Restriction, RetentionSweep), run by CTest (tests/java/CMakeLists.txt) as {@code java
 * -Djna.library.path=<build> fr.socle.test.ErasureTest <case>} with SOCLE_SOURCE_DIR set. On the
 * CCAS example (the sweep, the restriction, the rectification) and on the erasure contract of
 * tests/access (the CCAS's categories all rest on a legal obligation while their retention
 * runs). Exit code 0 only when every check of the case passed.
 */
public final class ErasureTest {
    private static final long NOW = 4102444800L; // 2100-01-01 00:00 UTC, ahead of the real clock
    private static final Path SOURCE = Path.of(env("SOCLE_SOURCE_DIR", "."));
    private static final String ADDENDUM = "\nhabilitations { role: \"crip_departement\" actions:"
            + " [READ] data_categories: [\"administrative\", \"social\"] }\n";

    private ErasureTest() {}

    /** The CCAS example, the CRIP habilitated to receive; P-3's file is held by no team. */
    private static AccessEngine ccas() throws Exception {
        String text = Files.readString(SOURCE.resolve("examples/policies/ccas.textproto"))
                + ADDENDUM;
        AccessEngine engine = new AccessEngine(Policy.load(text, "ccas"));
        engine.setTime(NOW);
        engine.loadDirectoryTsv("ass1\tass\tpole-social\tccas\n"
                + "resp1\tresponsable_service\tpole-social\tccas\n"
                + "crip1\tcrip_departement\tcrip\tDépartement\n",
                "P-1\tpole-social\tass1\nP-3\t\tass1\n");
        return engine;
    }

    /** A vault, its ledger and a trail over `engine`, in a fresh directory. */
    private static final class Store implements AutoCloseable {
        final KeyProvider provider;
        final Vault vault;
        final Ledger ledger;
        final AccessTrail trail;

        Store(AccessEngine engine, String name) throws Exception {
            Path dir = Files.createTempDirectory(Path.of(env("SOCLE_TEST_TMP",
                    System.getProperty("java.io.tmpdir"))), name);
            provider = KeyProvider.createKeyFile(dir.resolve("master.key").toString(),
                    "erasure binding test".getBytes(StandardCharsets.UTF_8), 2, 64L << 20);
            vault = Vault.open(provider, dir.resolve("vault.db").toString(), "ccas");
            ledger = Ledger.open(vault, dir.resolve("trail.db").toString(), "access_trail",
                    SocleLibrary.SOCLE_DURABILITY_NONE);
            trail = AccessTrail.create(ledger, engine);
        }

        @Override
        public void close() {
            trail.close();
            ledger.close();
            vault.close();
            provider.close();
        }
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void sweep() throws Exception {
        try (AccessEngine engine = ccas(); Store store = new Store(engine, "sweep");
             ExportSigningKey key = ExportSigningKey.generate()) {
            // The last contact six years ago: every category is past its retention, and the CCAS
            // (a public body) waits for the archives service's visa before eliminating.
            Retention.recordContact(engine, "P-3", SocleLibrary.SOCLE_CONTACT_ORIGINATOR_PERSON,
                    "", "2094-01-01", "ass1");
            byte[] sealed = store.vault.sealRecord("P-3", "note-1", utf8("note du dossier"), 1);
            long before = engine.revision();
            RetentionSweep.Report plan = RetentionSweep.plan(engine, "2100-01-01");
            check(plan.purged() == 0 && plan.awaitingVisa() > 0 && plan.todo().isEmpty(),
                    "the plan: everything awaits a visa");
            check(engine.revision() == before, "a plan records nothing");
            RetentionSweep.Report waiting = RetentionSweep.sweep(store.trail, engine, key,
                    "2100-01-01", 10, "ass1");
            check(waiting.day().equals("2100-01-01") && !waiting.resumed()
                    && waiting.purged() == 0 && waiting.certificates().isEmpty(),
                    "a sweep without a visa purges nothing");

            RetentionSweep.recordEliminationVisa(engine, "VISA-1", "financial", "2100-01-01",
                    "resp1");
            RetentionSweep.Report report = RetentionSweep.sweep(store.trail, engine, key,
                    "2100-01-01", 1000, "ass1");
            check(report.purged() == 1 && report.shredded() == 0
                    && report.awaitingVisa() == waiting.awaitingVisa() - 1,
                    "the financial papers purged, the rest still waits");
            check(report.todo().equals(List.of(new RetentionSweep.ToDo("P-3", "financial",
                    SocleLibrary.SOCLE_RETENTION_END_ACTION_DELETE,
                    report.todo().get(0).rule(), "VISA-1")))
                    && report.todo().get(0).rule().startsWith("activities["),
                    "the vendor's to-do list names the category: " + report.todo());
            check(report.certificates().size() == 1, "one certificate");
            RetentionSweep.Certificate certificate = report.certificates().get(0);
            check(certificate.category().equals("financial") && certificate.count() == 1
                    && certificate.visa().equals("VISA-1")
                    && certificate.signature().length == 64, "the certificate");
            check(!new String(certificate.certificate(), StandardCharsets.ISO_8859_1)
                    .contains("P-3"), "it names no person");
            RetentionSweep.verifyCertificate(certificate.certificate(), certificate.signature());
            byte[] altered = certificate.certificate().clone();
            altered[altered.length / 2] ^= 1;
            expectError(() -> RetentionSweep.verifyCertificate(altered, certificate.signature()),
                    SocleLibrary.SOCLE_E_VERIFICATION_FAILED, "an altered certificate");
            RetentionSweep.Report again = RetentionSweep.sweep(store.trail, engine, key,
                    "2100-01-01", 1000, "ass1");
            check(again.purged() == 0 && again.certificates().isEmpty(), "nothing purged twice");
            check(Arrays.equals(store.vault.openRecord("P-3", "note-1", sealed),
                    utf8("note du dossier")), "the key stays while categories wait");
            expectError(() -> RetentionSweep.recordEliminationVisa(engine, "VISA-2", "social",
                    "01/01/2100", "resp1"), SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "through",
                    "a day not ISO");
            expectError(() -> RetentionSweep.sweep(store.trail, engine, key, "2100-01-01", 0,
                    "ass1"), SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "batch_size",
                    "an empty batch");
        }
    }

    static void erasure() throws Exception {
        String text = Files.readString(SOURCE.resolve("tests/access/erasure_policy.textproto"));
        try (AccessEngine engine = new AccessEngine(Policy.load(text, "erasure"));
             Store store = new Store(engine, "erasure")) {
            engine.setTime(NOW);
            engine.loadDirectoryTsv("sw1\tsocial_worker\tt1\nmgr1\tmanager\tt1\n",
                    "x1\tt1\nx2\tt1\n");
            java.util.function.ToIntFunction<String> reason = person -> engine.decide(
                    AccessRequest.of(engine.findProfessional("sw1"), engine.findPerson(person),
                            engine.findCategory("administrative"),
                            engine.findPurpose("accompagnement"))).reason();
            byte[] sealed = store.vault.sealRecord("x1", "case-1", utf8("note du dossier"), 1);
            check(reason.applyAsInt("x1") == SocleLibrary.SOCLE_REASON_ALLOWED, "allowed before");

            long revision = Erasure.setLegalHold(engine, "x1", "contentieux", "TJ-1", "mgr1");
            Erasure.Result held = Erasure.decide(engine, "x1", List.of(), 0, "");
            check(held.whole() && !held.allErased() && held.categories().size() == 4,
                    "the whole file decided");
            for (Erasure.Category c : held.categories()) {
                check(!c.erase()
                        && c.exception() == SocleLibrary.SOCLE_ERASURE_EXCEPTION_LEGAL_CLAIMS
                        && c.rule().equals("legal_hold"), c.category() + " held");
            }
            check(held.text().contains("administrative: legal_claims (legal_hold)"), "its text");
            check(Erasure.exceptionName(SocleLibrary.SOCLE_ERASURE_EXCEPTION_LEGAL_CLAIMS)
                    .equals("legal_claims"), "the exception name");
            Erasure.Result refused = Erasure.erase(store.trail, engine, "x1", List.of(), 0, "",
                    "mgr1");
            check(!refused.recorded() && refused.vendorDelete().isEmpty()
                    && engine.revision() == revision, "no erasure under a hold");

            Erasure.liftLegalHold(engine, "x1", "mgr1");
            expectError(() -> Erasure.liftLegalHold(engine, "x1", "mgr1"),
                    SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "no hold to lift");
            Erasure.Result asserted = Erasure.decide(engine, "x1", List.of("social"),
                    SocleLibrary.SOCLE_ERASURE_ASSERT_STATISTICS_89, "2100-01-01");
            check(!asserted.whole() && asserted.categories().equals(List.of(new Erasure.Category(
                    "social", false, SocleLibrary.SOCLE_ERASURE_EXCEPTION_STATISTICS_89,
                    "request", asserted.categories().get(0).detail()))),
                    "an exception asserted: " + asserted.categories());

            Erasure.Result done = Erasure.erase(store.trail, engine, "x1", List.of(), 0, "",
                    "mgr1");
            check(done.recorded() && done.wholeErased() && done.keyShredded()
                    && done.revision() == engine.revision(), "erased, the key shredded");
            check(done.vendorDelete().equals(List.of("administrative", "social", "financial",
                    "health")), "the vendor's rows to delete: " + done.vendorDelete());
            expectError(() -> store.vault.openRecord("x1", "case-1", sealed),
                    SocleLibrary.SOCLE_E_NOT_FOUND, "the sealed record is unreadable");
            check(reason.applyAsInt("x1") == SocleLibrary.SOCLE_REASON_ERASED,
                    "a decision about them denied");
            check(reason.applyAsInt("x2") == SocleLibrary.SOCLE_REASON_ALLOWED,
                    "the others unchanged");
            check(Erasure.tombstones(engine, 0).equals(List.of(new Erasure.Tombstone("x1",
                    "2100-01-01", List.of(), "", "mgr1", done.revision()))),
                    "the person in the tombstones: " + Erasure.tombstones(engine, 0));
            check(Erasure.tombstones(engine, done.revision()).isEmpty(), "none after it");
            check(Erasure.erasedRow(engine, "x1", "social") && !Erasure.erasedRow(engine, "x2", ""),
                    "the rows a restore skips");
            check(Erasure.reapplyTombstones(store.vault, engine) == 0, "shredded already");
            expectError(() -> Erasure.decide(engine, "x1", List.of(), 0, ""),
                    SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "erased already");

            expectError(() -> Erasure.decide(engine, "x2", List.of(), 1 << 9, ""),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "an exception that does not exist");
            SocleException e = expectError(() -> Erasure.decide(engine, "P-SECRET-77", List.of(),
                    0, ""), SocleLibrary.SOCLE_E_NOT_FOUND, "an unknown person");
            check(e == null || !e.getMessage().contains("P-SECRET-77"), "not named");
        }
    }

    static void restriction() throws Exception {
        try (AccessEngine engine = ccas()) {
            AccessRequest read = AccessRequest.of(engine.findProfessional("ass1"),
                    engine.findPerson("P-1"), engine.findCategory("social"),
                    engine.findPurpose("accompagnement_social")).withItem("note-1");
            check(engine.decide(read).allowed(), "allowed before");
            long revision = Restriction.restrict(engine, "P-1", "note-1",
                    SocleLibrary.SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED, "", "ass1");
            check(revision == engine.revision(), "the restriction is the last event");
            check(Restriction.restricted(engine, "P-1", "note-1")
                    == SocleLibrary.SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED,
                    "restricted, and why");
            check(Restriction.restricted(engine, "P-1", "note-2") == 0, "the other items not");
            List<Restriction.Info> inForce = Restriction.restrictions(engine, "P-1", false);
            check(inForce.size() == 1 && inForce.get(0).item().equals("note-1")
                    && inForce.get(0).inForce()
                    && inForce.get(0).ground()
                            == SocleLibrary.SOCLE_RESTRICTION_GROUND_ACCURACY_CONTESTED
                    && inForce.get(0).setUnixSeconds() > 0
                    && inForce.get(0).liftedUnixSeconds() == 0, "listed in force");
            check(engine.decide(read).reason() == SocleLibrary.SOCLE_REASON_RESTRICTED,
                    "an ordinary read denied");
            AccessRequest justified = read.withRestrictionJustification(
                    SocleLibrary.SOCLE_RESTRICTION_JUSTIFICATION_LEGAL_CLAIMS);
            check(engine.decide(justified).reason()
                    == SocleLibrary.SOCLE_REASON_ALLOWED_UNDER_RESTRICTION,
                    "allowed with a justification of art. 18(2)");
            check(Restriction.justificationName(justified.restrictionJustification())
                    .equals("legal_claims"), "the justification name");
            expectError(() -> engine.decide(read.withRestrictionJustification(99)),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "a justification that does not exist");

            SocleException e = expectError(() -> Restriction.lift(engine, "P-1", "note-1",
                    "ass1"), SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "prior notice",
                    "a lift without the prior notice");
            check(e == null || !e.getMessage().contains("P-1"), "the message does not say who");
            Restriction.notifyLift(engine, "P-1", "note-1", 0,
                    SocleLibrary.SOCLE_CONSENT_CHANNEL_PAPER, "ass1");
            Restriction.lift(engine, "P-1", "note-1", "ass1");
            check(engine.decide(read).allowed()
                    && Restriction.restricted(engine, "P-1", "note-1") == 0, "lifted");
            check(Restriction.restrictions(engine, "P-1", false).isEmpty(), "none in force");
            List<Restriction.Info> all = Restriction.restrictions(engine, "P-1", true);
            check(all.size() == 1 && !all.get(0).inForce()
                    && all.get(0).notifiedUnixSeconds() > 0
                    && all.get(0).liftedUnixSeconds() >= all.get(0).notifiedUnixSeconds(),
                    "listed lifted, with its notice");
            expectError(() -> Restriction.restrict(engine, "P-1", "", 0, "", "ass1"),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "ground",
                    "a ground that does not exist");
        }
    }

    static void rectification() throws Exception {
        try (AccessEngine engine = ccas(); Store store = new Store(engine, "rectification")) {
            byte[] v1 = sha256("Situation: 3 enfants");
            byte[] v2 = sha256("Situation: 2 enfants");
            byte[] statement = sha256("Je conteste l'appreciation");
            engine.recordPersonInformed("P-1", "", "s-1", "crip1", List.of("social"),
                    SocleLibrary.SOCLE_INFORM_CHANNEL_IN_PERSON, "", "ass1");
            check(store.trail.share(new ShareRequest("ass1", "crip1", "P-1",
                    SocleLibrary.SOCLE_SHARING_BASIS_CASF_L226_2_1, "accompagnement_social",
                    "s-1", List.of(new ShareRequest.Item("eval-1", "social", v1)))).granted(),
                    "shared with the CRIP");
            check(Restriction.currentVersion(engine, "P-1", "eval-1") == null, "never rectified");
            expectError(() -> Restriction.recordPersonStatement(engine, "P-1", "st-1", "eval-1",
                    "", statement, "", "ass1"), SocleLibrary.SOCLE_E_FAILED_PRECONDITION,
                    "a statement on an item not contested");

            Restriction.recordRectification(engine, "P-1", "rect-1", "eval-1", "social", v1, v2,
                    true, null, "", "ass1");
            check(Arrays.equals(Restriction.currentVersion(engine, "P-1", "eval-1"), v2),
                    "the new version");
            check(Restriction.pendingNotices(engine, "P-1").equals(List.of(
                    new Restriction.Notice("rect-1", "eval-1", "crip1", NOW))),
                    "the recipient of the share to notify");
            Restriction.recordPersonStatement(engine, "P-1", "st-1", "eval-1", "", statement, "",
                    "ass1");
            check(Restriction.pendingNotices(engine, "P-1").stream()
                    .map(Restriction.Notice::rectification).toList()
                    .equals(List.of("rect-1", "st-1")), "the statement is told too");
            expectError(() -> Restriction.recordRectification(engine, "P-1", "rect-2", "eval-1",
                    "", v1, v2, false, null, "", "ass1"),
                    SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "current version",
                    "a version that is not the current one");
            Restriction.recordNotified(engine, "P-1", "rect-1", "crip1", 0,
                    SocleLibrary.SOCLE_CONSENT_CHANNEL_ONLINE, "ass1");
            check(Restriction.pendingNotices(engine, "P-1").stream()
                    .map(Restriction.Notice::rectification).toList().equals(List.of("st-1")),
                    "one notice left");
            expectError(() -> Restriction.recordNotified(engine, "P-1", "rect-1", "crip1", 0,
                    SocleLibrary.SOCLE_CONSENT_CHANNEL_ONLINE, "ass1"),
                    SocleLibrary.SOCLE_E_ALREADY_EXISTS, "notified twice");
            expectError(() -> Restriction.recordRectification(engine, "P-1", "rect-3", "eval-1",
                    "", v2, Arrays.copyOf(v2, 16), false, null, "", "ass1"),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "new_sha256", "a 16-byte hash");
        }
    }

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.of(
                "sweep", ErasureTest::sweep,
                "erasure", ErasureTest::erasure,
                "restriction", ErasureTest::restriction,
                "rectification", ErasureTest::rectification);
        Harness.run("ErasureTest", cases, args);
    }
}
