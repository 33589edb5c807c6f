package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.AccessEngine;
import fr.socle.AccessTrail;
import fr.socle.Export;
import fr.socle.ExportFileException;
import fr.socle.ExportReader;
import fr.socle.ExportSigningKey;
import fr.socle.ExportWriter;
import fr.socle.KeyProvider;
import fr.socle.Ledger;
import fr.socle.Policy;
import fr.socle.RecipientKey;
import fr.socle.SocleException;
import fr.socle.Vault;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Export files from Java (label `java`), run by CTest (tests/java/CMakeLists.txt) as
 * {@code java -Djna.library.path=<build> fr.socle.test.ExportTest <case>} with SOCLE_SOURCE_DIR
 * and SOCLE_TEST_TMP set. Exit code 0 only when every check of the case passed.
 */
public final class ExportTest {
    private static final long NOW = 1900000000L;
    private static final Path SOURCE = Path.of(env("SOCLE_SOURCE_DIR", "."));
    private static final String IDENTITY =
            "{\"person\": \"P-1\", \"familyName\": \"Martin\", \"givenNames\": \"L\u00e9a\"}";

    private ExportTest() {}

    /** The entries of P-1's file, as a database cursor would give them (one at a time). */
    private static Iterable<String> entries() {
        String[] kinds = {"FACT", "PROFESSIONAL_APPRECIATION", "THIRD_PARTY_INFORMATION",
            "WORKING_NOTE"};
        return () -> new Iterator<>() {
            private int i = 0;

            @Override
            public boolean hasNext() {
                return i < kinds.length;
            }

            @Override
            public String next() {
                String json = "{\"id\": \"note-" + i + "\", \"person\": \"P-1\", \"category\": "
                        + "\"social\", \"kind\": \"" + kinds[i] + "\", \"author\": \"ass1\", "
                        + "\"createdAt\": \"2030-03-01T09:30:00Z\", \"purpose\": "
                        + "\"accompagnement_social\", \"text\": \"Compte rendu " + i + "\"}";
                i++;
                return json;
            }
        };
    }

    private interface WithTrail {
        void run(AccessTrail trail, ExportSigningKey signing, Policy policy, Path dir)
                throws Exception;
    }

    private static void withTrail(String name, WithTrail body) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(env("SOCLE_TEST_TMP",
                System.getProperty("java.io.tmpdir"))), name);
        String text = Files.readString(SOURCE.resolve("examples/policies/ccas.textproto"),
                StandardCharsets.UTF_8);
        try (Policy policy = Policy.load(text, "ccas");
             AccessEngine engine = new AccessEngine(policy);
             KeyProvider provider = KeyProvider.createKeyFile(dir.resolve("master.key").toString(),
                     "export test".getBytes(StandardCharsets.UTF_8), 2, 64L << 20);
             Vault vault = Vault.open(provider, dir.resolve("vault.db").toString(), "ccas");
             Ledger ledger = Ledger.open(vault, dir.resolve("trail.db").toString(),
                     "access_trail", SocleLibrary.SOCLE_DURABILITY_NONE);
             AccessTrail trail = AccessTrail.create(ledger, engine);
             ExportSigningKey signing = ExportSigningKey.fromVault(vault)) {
            engine.setTime(NOW);
            engine.loadDirectoryTsv("ass1\tass\tpole-social\tccas\n"
                    + "aud1\tauditeur_securite\t\tccas\n", "P-1\tpole-social\n");
            body.run(trail, signing, policy, dir);
        }
    }

    private static List<String> readAll(ExportReader reader) {
        List<String> records = new ArrayList<>();
        for (String record : reader) {
            records.add(record);
        }
        return records;
    }

    private static void roundTrip() throws Exception {
        withTrail("export-round-trip", (trail, signing, policy, dir) -> {
            RecipientKey key = RecipientKey.generate();
            check(key.publicKey().length == 32 && key.secretKey().length == 32, "key sizes");
            try (RecipientKey again = RecipientKey.fromSecret(key.secretKey())) {
                check(Arrays.equals(again.publicKey(), key.publicKey()), "key from its secret");
            }

            // Signed.
            String signed = dir.resolve("p1.socle").toString();
            AccessTrail.ExportReport report;
            try (ExportWriter writer = ExportWriter.create(signed, signing,
                    SocleLibrary.SOCLE_EXPORT_KIND_ACCESS_REQUEST, "CCAS de Test", List.of(),
                    policy, null)) {
                report = trail.writeAccessRequest(IDENTITY, entries(), "P-1", "ass1", writer);
            }
            check(report.entries() == 2 && report.withheld() == 1 && report.leftOut() == 1,
                    "entries written, withheld, left out: " + report);
            try (ExportReader reader = ExportReader.open(signed, null,
                    List.of(signing.publicKey()))) {
                check(reader.kind() == SocleLibrary.SOCLE_EXPORT_KIND_ACCESS_REQUEST, "kind");
                check(reader.kindName().equals("access_request"), "kind name");
                check(!reader.sealed(), "signed only");
                check(Arrays.equals(reader.issuerPublicKey(), signing.publicKey()), "issuer");
                check(reader.headerJson().contains("CCAS de Test"), "header");
                List<String> records = readAll(reader);
                check(records.size() == report.records(), "every record");
                check(records.get(0).contains("\"family_name\":\"Martin\""), "identity: "
                        + records.get(0));
                String all = String.join("\n", records);
                check(all.contains("Compte rendu 0") && !all.contains("Compte rendu 3"),
                        "a fact, never the working note");
                check(reader.recordsRead() == report.records(), "records read");
            }
            Export.Verification verified = Export.verify(signed, null, List.of());
            check(verified.records() == report.records() && !verified.sealed(), "verified");

            // Sealed to the person's key.
            String sealed = dir.resolve("sealed.socle").toString();
            try (ExportWriter writer = ExportWriter.create(sealed, signing,
                    SocleLibrary.SOCLE_EXPORT_KIND_ACCESS_REQUEST, "CCAS de Test",
                    List.of(ExportWriter.Recipient.of(key, "La personne")), null, null)) {
                report = trail.writeAccessRequest(IDENTITY, entries(), "P-1", "ass1", writer);
            }
            try (ExportReader reader = ExportReader.open(sealed, key, List.of())) {
                check(reader.sealed() && readAll(reader).size() == report.records(),
                        "sealed: every record");
            }
            check(Export.verify(sealed, null, List.of()).sealed(), "verified without the key");
            SocleException e = expectError(() -> {
                try (RecipientKey other = RecipientKey.generate();
                     ExportReader reader = ExportReader.open(sealed, other, List.of())) {
                    readAll(reader);
                }
            }, SocleLibrary.SOCLE_E_PERMISSION_DENIED, "another key");
            check(e instanceof ExportFileException && ((ExportFileException) e).problem()
                    == SocleLibrary.SOCLE_EXPORT_PROBLEM_NOT_A_RECIPIENT, "not a recipient");

            // Portability and an audit extract.
            String portability = dir.resolve("portability.socle").toString();
            try (ExportWriter writer = ExportWriter.create(portability, signing,
                    SocleLibrary.SOCLE_EXPORT_KIND_PORTABILITY, "", List.of(), policy,
                    AccessTrail.portabilityNotice(policy))) {
                report = trail.writePortability(IDENTITY, entries(), "P-1", "ass1", writer);
            }
            check(report.entries() == 0, "public task: nothing carried");
            check(Export.verify(portability, null, List.of()).kind()
                    == SocleLibrary.SOCLE_EXPORT_KIND_PORTABILITY, "portability kind");
            try (ExportWriter writer = ExportWriter.create(dir.resolve("audit.socle").toString(),
                    signing, SocleLibrary.SOCLE_EXPORT_KIND_AUDIT_EXTRACT, "", List.of(), null,
                    null)) {
                report = trail.writeAuditExtract("aud1", 0, 0, 0, writer);
            }
            check(report.entries() > 0 && report.checkpointSize() >= report.entries(), "audit");
            check(Export.portabilityJsonSchema().contains("2020-12"), "schema");
        });
    }

    private static void refused() throws Exception {
        withTrail("export-refused", (trail, signing, policy, dir) -> {
            String signed = dir.resolve("p1.socle").toString();
            try (ExportWriter writer = ExportWriter.create(signed, signing,
                    SocleLibrary.SOCLE_EXPORT_KIND_ACCESS_REQUEST, "", List.of(), null, null)) {
                trail.writeAccessRequest(IDENTITY, entries(), "P-1", "ass1", writer);
            }
            byte[] bytes = Files.readAllBytes(Path.of(signed));
            bytes[bytes.length - 200] ^= 1;
            Path tampered = dir.resolve("tampered.socle");
            Files.write(tampered, bytes);
            try (ExportReader reader = ExportReader.open(tampered.toString())) {
                readAll(reader);
                check(false, "a tampered file read");
            } catch (ExportFileException e) {
                check(e.problem() != SocleLibrary.SOCLE_EXPORT_PROBLEM_NONE, "a problem");
                check(e.offset() > 0 && e.offset() < bytes.length, "offset " + e.offset());
                check(!e.problemName().isEmpty(), "its name");
            }
            Files.write(dir.resolve("zip.socle"), "PK\u0003\u0004 not an export"
                    .getBytes(StandardCharsets.UTF_8));
            SocleException e = expectError(
                    () -> ExportReader.open(dir.resolve("zip.socle").toString()).close(),
                    SocleLibrary.SOCLE_E_PARSE, "not an export");
            check(e instanceof ExportFileException && ((ExportFileException) e).problem()
                    == SocleLibrary.SOCLE_EXPORT_PROBLEM_NOT_AN_EXPORT, "not an export: problem");
            expectError(() -> ExportReader.open(signed, null, List.of(new byte[32])).close(),
                    SocleLibrary.SOCLE_E_VERIFICATION_FAILED, "an untrusted issuer");
            expectError(() -> RecipientKey.fromSecret(new byte[5]),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "secret", "a short secret");
            expectError(() -> ExportWriter.create(dir.resolve("x.socle").toString(), signing, 9,
                    "", List.of(), null, null), SocleLibrary.SOCLE_E_INVALID_ARGUMENT,
                    "a bad kind");
            expectError(() -> ExportWriter.create(dir.resolve("x.socle").toString(), signing,
                    SocleLibrary.SOCLE_EXPORT_KIND_ACCESS_REQUEST, "",
                    List.of(new ExportWriter.Recipient(new byte[31], "x")), null, null),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "a short recipient key");

            // A failing iterator: its exception, as is; no file.
            Path broken = dir.resolve("broken.socle");
            Iterable<String> failing = () -> new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public String next() {
                    throw new IllegalStateException("database gone");
                }
            };
            try (ExportWriter writer = ExportWriter.create(broken.toString(), signing,
                    SocleLibrary.SOCLE_EXPORT_KIND_ACCESS_REQUEST, "", List.of(), null, null)) {
                trail.writeAccessRequest(IDENTITY, failing, "P-1", "ass1", writer);
                check(false, "a failing iterator went through");
            } catch (IllegalStateException x) {
                check(x.getMessage().equals("database gone"), "the iterator's own exception");
            }
            check(!Files.exists(broken), "no file left");
            try (ExportWriter writer = ExportWriter.create(broken.toString(), signing,
                    SocleLibrary.SOCLE_EXPORT_KIND_ACCESS_REQUEST, "", List.of(), null, null)) {
                expectError(() -> trail.writeAccessRequest(IDENTITY, List.of(), "ass1", "ass1",
                        writer), SocleLibrary.SOCLE_E_PERMISSION_DENIED, "not the person");
                expectError(() -> trail.writeAccessRequest(IDENTITY,
                        List.of("{\"kind\": \"NOT_A_KIND\"}"), "P-1", "ass1", writer),
                        SocleLibrary.SOCLE_E_PARSE, "a bad entry");
            }
            check(!Files.exists(broken), "still no file");

            // A hand-written file, read as bytes.
            String dataset = dir.resolve("dataset.socle").toString();
            byte[] record = {0x0a, 0x02, 'h', 'i'};
            try (ExportWriter writer = ExportWriter.create(dataset, signing,
                    SocleLibrary.SOCLE_EXPORT_KIND_PSEUDONYMISED_DATASET, "", List.of(), null,
                    null)) {
                writer.add(record);
                check(writer.finish().records() == 1, "one record");
            }
            try (ExportReader reader = ExportReader.open(dataset)) {
                check(Arrays.equals(reader.nextBytes(), record) && reader.nextBytes() == null,
                        "raw record");
            }
        });
    }

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.of(
                "round_trip", ExportTest::roundTrip,
                "refused", ExportTest::refused);
        Harness.run("ExportTest", cases, args);
    }
}
