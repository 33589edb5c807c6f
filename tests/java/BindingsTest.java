package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.AccessEngine;
import fr.socle.AccessRequest;
import fr.socle.AccessTrail;
import fr.socle.Decision;
import fr.socle.Diagnostic;
import fr.socle.Explanation;
import fr.socle.KeyProvider;
import fr.socle.Ledger;
import fr.socle.Policy;
import fr.socle.PseudonymContext;
import fr.socle.Pseudonymizer;
import fr.socle.Redactor;
import fr.socle.SocleException;
import fr.socle.Storage;
import fr.socle.Vault;
import fr.socle.jna.SocleLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java binding's tests (label `java`), run by CTest (tests/java/CMakeLists.txt) as
 * {@code java -Djna.library.path=<build> fr.socle.test.BindingsTest <case>} with
 * SOCLE_SOURCE_DIR, SOCLE_ACCESS_WORKLOAD_DIR and SOCLE_TEST_TMP set. Exit code 0 only when every
 * check of the case passed.
 */
public final class BindingsTest {
    private static final String PURPOSE = "accompagnement";
    private static final List<String> REQUEST_FILES =
            List.of("requests_allowed.tsv", "requests_denied.tsv", "requests_mixed.tsv");
    private static final Map<String, Integer> EXPECTED_REASONS = Map.of(
            "allow", SocleLibrary.SOCLE_REASON_ALLOWED,
            "allow_own_masked", SocleLibrary.SOCLE_REASON_ALLOWED_AUTHOR_OF_MASKED,
            "deny_not_in_team", SocleLibrary.SOCLE_REASON_NOT_ASSIGNED,
            "deny_role_category", SocleLibrary.SOCLE_REASON_ROLE_DOES_NOT_ALLOW,
            "deny_masked", SocleLibrary.SOCLE_REASON_MASKED);

    private static final Path SOURCE = Path.of(env("SOCLE_SOURCE_DIR", "."));
    private static final Path WORKLOAD = Path.of(env("SOCLE_ACCESS_WORKLOAD_DIR",
            SOURCE.resolve("tests/access/workload").toString()));

    private BindingsTest() {}





    record Row(String professional, String action, String record, String person,
            String category, boolean masked, String author, String decision, String reason) {}

    private static List<Row> readRows(String name) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(WORKLOAD.resolve(name), StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            rows.add(new Row(f[0], f[1], f[2], f[3], f[4], f[5].equals("1"), f[6], f[7], f[8]));
        }
        check(rows.size() == 20000, name + ": " + rows.size() + " rows");
        return rows;
    }

    private static AccessEngine workloadEngine(Policy policy) {
        AccessEngine engine = new AccessEngine(policy);
        long revision = engine.loadDirectoryTsvFiles(WORKLOAD.resolve("professionals.tsv").toString(),
                WORKLOAD.resolve("persons.tsv").toString());
        // One event per professional (2,000) and per person (100,000).
        check(revision == 102000 && engine.revision() == 102000, "revision " + revision);
        return engine;
    }

    private static List<AccessRequest> requestsOf(AccessEngine engine, List<Row> rows) {
        int purpose = engine.findPurpose(PURPOSE);
        Map<String, Integer> categories = new HashMap<>();
        List<AccessRequest> requests = new ArrayList<>(rows.size());
        for (Row r : rows) {
            int category = categories.computeIfAbsent(r.category(), engine::findCategory);
            requests.add(AccessRequest.of(engine.findProfessional(r.professional()),
                            engine.findPerson(r.person()), category, purpose)
                    .withAction(r.action().equals("write") ? SocleLibrary.SOCLE_ACTION_WRITE
                            : SocleLibrary.SOCLE_ACTION_READ)
                    .withAuthor(engine.findProfessional(r.author()))
                    .withMasked(r.masked())
                    .withItem(r.record()));
        }
        return requests;
    }

    /** Decisions that differ from the file's expectations (effect or reason). */
    private static int mismatches(String name, List<Row> rows, List<Decision> decisions,
            boolean quiet) {
        if (decisions.size() != rows.size()) {
            System.err.println(name + ": " + decisions.size() + " decisions for " + rows.size()
                    + " requests");
            return Math.max(1, rows.size());
        }
        int wrong = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Decision d = decisions.get(i);
            if (d.allowed() != r.decision().equals("allow")
                    || d.reason() != EXPECTED_REASONS.get(r.reason())
                    || (d.obligations() & SocleLibrary.SOCLE_OBLIGATION_LOG) == 0) {
                if (++wrong <= 5 && !quiet) {
                    System.err.println(name + " line " + (i + 1) + ": expected " + r.reason()
                            + ", got " + d.reasonName());
                }
            }
        }
        return wrong;
    }

    static void workloadOneCall() throws IOException {
        try (Policy policy = Policy.loadFile(
                     SOURCE.resolve("tests/access/workload_policy.textproto").toString());
             AccessEngine engine = workloadEngine(policy)) {
            for (String name : REQUEST_FILES) {
                List<Row> rows = readRows(name);
                List<Decision> decisions = new ArrayList<>();
                for (AccessRequest request : requestsOf(engine, rows)) {
                    decisions.add(engine.decide(request));
                }
                int wrong = mismatches(name, rows, decisions, false);
                check(wrong == 0, name + ", one call per request: " + wrong + " mismatches");
                check(decisions.get(0).revision() == 102000, "decisions carry the revision");
            }
            // The comparison itself can fail: the same decisions against flipped expectations.
            List<Row> rows = readRows("requests_mixed.tsv").subList(0, 10);
            List<Decision> decisions = engine.decideMany(requestsOf(engine, rows));
            List<Row> flipped = new ArrayList<>();
            for (Row r : rows) {
                flipped.add(new Row(r.professional(), r.action(), r.record(), r.person(),
                        r.category(), r.masked(), r.author(),
                        r.decision().equals("allow") ? "deny" : "allow", r.reason()));
            }
            check(mismatches("flipped", flipped, decisions, true) == 10,
                    "the mismatch count sees a wrong decision");
        }
    }

    static void workloadBatch() throws IOException {
        try (Policy policy = Policy.loadFile(
                     SOURCE.resolve("tests/access/workload_policy.textproto").toString());
             AccessEngine engine = workloadEngine(policy)) {
            for (String name : REQUEST_FILES) {
                List<Row> rows = readRows(name);
                int wrong = mismatches(name, rows, engine.decideMany(requestsOf(engine, rows)),
                        false);
                check(wrong == 0, name + ", one batch call: " + wrong + " mismatches");
            }

            // requests_denied.tsv line 1: p872 shares no team with x50757.
            AccessRequest request = AccessRequest.of(engine.findProfessional("p872"),
                            engine.findPerson("x50757"), engine.findCategory("administrative"),
                            engine.findPurpose(PURPOSE))
                    .withAuthor(engine.findProfessional("p953")).withItem("r20001");
            Explanation e = engine.explain(request);
            check(!e.decision().allowed()
                            && e.decision().reason() == SocleLibrary.SOCLE_REASON_NOT_ASSIGNED,
                    "explain: the decision");
            check(e.decision().equals(engine.decide(request)), "explain gives what decide gives");
            check(e.decisiveStep().map(s -> s.check().equals("need_to_know") && !s.passed())
                    .orElse(false), "explain: need_to_know is the decisive step");
            check(e.steps().stream().filter(Explanation.Step::decisive).count() == 1,
                    "explain: exactly one decisive step");
            check(e.text().contains("not_assigned"), "explain: the text names the reason");
            check(!engine.ruleName(e.decision().rule()).isEmpty(), "ruleName");

            AccessRequest visible = AccessRequest.of(engine.findProfessional("p23"),
                    engine.findPerson("x70058"), engine.findCategory("health"),
                    engine.findPurpose(PURPOSE));
            check(Arrays.equals(engine.filterView(List.of(visible, request)),
                    new int[] {SocleLibrary.SOCLE_VIEW_VISIBLE, SocleLibrary.SOCLE_VIEW_ABSENT}),
                    "filterView");

            // list_persons is what deciding every person gives.
            int actor = engine.findProfessional("p23");
            int category = engine.findCategory("administrative");
            int purpose = engine.findPurpose(PURPOSE);
            int[] listed = engine.listPersons(actor, category, purpose);
            List<AccessRequest> everyone = new ArrayList<>();
            for (int person = 0; person < 100000; person++) {
                everyone.add(AccessRequest.of(actor, person, category, purpose));
            }
            List<Decision> all = engine.decideMany(everyone);
            int[] allowed = new int[all.size()];
            int n = 0;
            for (int person = 0; person < all.size(); person++) {
                if (all.get(person).allowed()) {
                    allowed[n++] = person;
                }
            }
            check(listed.length > 1024 && Arrays.equals(listed, Arrays.copyOf(allowed, n)),
                    "listPersons equals deciding everyone (" + listed.length + " persons)");
            expectError(() -> engine.findPerson("nobody"), SocleLibrary.SOCLE_E_NOT_FOUND,
                    "an unknown person");
        }
    }

    static void policyError() {
        SocleException e = expectError(() -> Policy.load(
                        "format_version: 1\nid: \"broken\"\ncolour: \"blue\"\n", "broken.textproto"),
                SocleLibrary.SOCLE_E_PARSE, "an unknown field");
        if (e != null) {
            check(e.statusName().equals("PARSE"), "status name");
            check(!e.diagnostics().isEmpty() && e.diagnostics().get(0).line() == 3
                    && e.diagnostics().get(0).message().contains("colour"),
                    "the parse error is on line 3");
            check(e.getMessage().contains("broken.textproto"), "the message names the source");
        }
        e = expectError(() -> Policy.load("format_version: 1\nid: \"broken\"\n"
                        + "revision: \"test\"\nstatistics {\n  small_cell_threshold: 2\n}\n",
                        "broken.textproto"),
                SocleLibrary.SOCLE_E_POLICY_INVALID, "a semantic error");
        if (e != null) {
            List<Diagnostic> threshold = e.diagnostics().stream()
                    .filter(d -> d.code().equals("statistics.threshold_too_low")).toList();
            check(e.diagnostics().size() > 1, "every problem is reported");
            check(threshold.size() == 1 && threshold.get(0).line() == 5
                    && threshold.get(0).column() == 3
                    && threshold.get(0).path().equals("statistics.small_cell_threshold")
                    && threshold.get(0).isError(), "the threshold diagnostic is at 5:3");
            check(e.getMessage().contains("5:3: error: "), "the message holds 5:3");
        }
        try (Policy policy = Policy.loadFile(
                SOURCE.resolve("examples/policies/ccas.textproto").toString())) {
            check(!policy.id().isEmpty() && policy.digestHex().length() == 64,
                    "a valid policy loads");
        }
    }

    static void vault() throws IOException {
        Path dir = Files.createTempDirectory(Path.of(env("SOCLE_TEST_TMP",
                System.getProperty("java.io.tmpdir"))), "java-vault-");
        String key = dir.resolve("master.key").toString();
        String db = dir.resolve("vault.db").toString();
        byte[] passphrase = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
        byte[] note = "Entretien du 3 mars : situation stable.\0\u00ff"
                .getBytes(StandardCharsets.UTF_8);
        byte[] sealed;
        // The weakest Argon2id cost socle accepts (libsodium's INTERACTIVE set): a fast test.
        try (KeyProvider provider = KeyProvider.createKeyFile(key, passphrase, 2, 64L << 20);
             Vault vault = Vault.open(provider, db, "ccas-1")) {
            check(!provider.keyId().isEmpty(), "the key file has an id");
            expectError(() -> KeyProvider.createKeyFile(key, passphrase, 2, 64L << 20),
                    SocleLibrary.SOCLE_E_ALREADY_EXISTS, "a second key file at the same path");
            expectError(() -> KeyProvider.openKeyFile(key,
                            "wrong passphrase".getBytes(StandardCharsets.UTF_8)),
                    SocleLibrary.SOCLE_E_VERIFICATION_FAILED, "a wrong passphrase");
            sealed = vault.sealRecord("x1", "note-7", note, 1);
            check(sealed.length == note.length + SocleLibrary.SOCLE_VAULT_SEAL_OVERHEAD,
                    "sealed size");
            check(Arrays.equals(vault.openRecord("x1", "note-7", sealed), note), "the round trip");
            byte[] tampered = sealed.clone();
            tampered[tampered.length - 1] ^= 1;
            expectError(() -> vault.openRecord("x1", "note-7", tampered),
                    SocleLibrary.SOCLE_E_VERIFICATION_FAILED, "altered bytes");
            expectError(() -> vault.openRecord("x1", "note-8", sealed),
                    SocleLibrary.SOCLE_E_VERIFICATION_FAILED, "another record");
        }
        // Reopened from the key file, the same vault opens the record; then shredding.
        try (KeyProvider provider = KeyProvider.openKeyFile(key, passphrase);
             Vault vault = Vault.open(provider, db, "ccas-1")) {
            check(Arrays.equals(vault.openRecord("x1", "note-7", sealed), note),
                    "after reopening");
            vault.shredPerson("x1");
            expectError(() -> vault.openRecord("x1", "note-7", sealed),
                    SocleLibrary.SOCLE_E_NOT_FOUND, "a shredded person");
        }
        // A closed handle refuses to be used (no use after free).
        Vault closed;
        try (KeyProvider provider = KeyProvider.openKeyFile(key, passphrase)) {
            closed = Vault.open(provider, db, "ccas-1");
        }
        closed.close();
        closed.close();  // idempotent
        try {
            closed.shredPerson("x2");
            check(false, "a closed vault must refuse calls");
        } catch (IllegalStateException expected) {
            // as documented
        }

        // Pseudonyms from in-memory secrets, in the PERSON domain of the example policy.
        byte[] secret = new byte[32];
        Arrays.fill(secret, (byte) 0x42);
        try (Policy policy = Policy.loadFile(
                     SOURCE.resolve("examples/policies/ccas.textproto").toString());
             Pseudonymizer p = Pseudonymizer.fromSecrets(policy, Map.of(1, secret));
             PseudonymContext context = p.context("recherche_non_recours")) {
            check(p.currentVersion() == 1, "current version");
            String one = context.compute("x1");
            check(one.length() == SocleLibrary.SOCLE_PSEUDONYM_TEXT_LEN && one.startsWith("P0001"),
                    "pseudonym text form: " + one);
            check(context.compute("x1").equals(one) && !context.compute("x2").equals(one),
                    "a PERSON domain is stable per person");
            check(context.compute("x1".getBytes(StandardCharsets.UTF_8), true).length
                    == SocleLibrary.SOCLE_PSEUDONYM_BYTES, "binary form");
            check(context.computeMany(List.of("x1", "x2"))
                    .equals(List.of(one, context.compute("x2"))), "batch");
            expectError(() -> p.context("no_such_domain"), SocleLibrary.SOCLE_E_NOT_FOUND,
                    "an unknown domain");
            expectError(() -> Pseudonymizer.fromSecrets(policy,
                            Map.of(1, "short".getBytes(StandardCharsets.UTF_8))),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "a too short secret");
        }
    }

    static void ledger() throws IOException {
        Path dir = Files.createTempDirectory(Path.of(env("SOCLE_TEST_TMP",
                System.getProperty("java.io.tmpdir"))), "java-ledger-");
        byte[] passphrase = "ledger passphrase".getBytes(StandardCharsets.UTF_8);
        List<AccessRequest> requests = new ArrayList<>();
        try (Policy policy = Policy.loadFile(
                     SOURCE.resolve("tests/access/workload_policy.textproto").toString());
             AccessEngine engine = workloadEngine(policy);
             KeyProvider provider = KeyProvider.createKeyFile(dir.resolve("master.key").toString(),
                     passphrase, 2, 64L << 20);
             Vault vault = Vault.open(provider, dir.resolve("vault.db").toString(), "ccas-1");
             Ledger ledger = Ledger.open(vault, dir.resolve("trail.db").toString(),
                     "access_trail", SocleLibrary.SOCLE_DURABILITY_SYNC);
             AccessTrail trail = AccessTrail.create(ledger, engine)) {
            check(ledger.origin().equals("socle/ccas-1/access_trail"), "origin " + ledger.origin());
            check(ledger.verifierKey().startsWith("socle/ccas-1/access_trail+"), "verifier key");
            requests.addAll(requestsOf(engine, readRows("requests_mixed.tsv")).subList(0, 4));
            Decision one = trail.decide(requests.get(0), "justification");
            List<Decision> many = trail.decideMany(requests);
            check(many.get(0).equals(one), "the batch decides as the single call");
            check(engine.decide(requests.get(1)).equals(many.get(1)),
                    "the trail decides as the engine");
            String person = engine.personName(requests.get(0).person());
            trail.recordOperation(SocleLibrary.SOCLE_TRAIL_OPERATION_EXPORT, "someone", person,
                    "export pdf");
            long expected = 1 + requests.stream()
                    .filter(r -> r.person() == requests.get(0).person()).count();

            // The person reads their history, one entry a page; proofs match the ledger's.
            int decisions = 0;
            int operations = 0;
            long after = -1;
            for (int pages = 0; pages < 100; pages++) {
                AccessTrail.HistoryPage page = trail.history(person, person, true, 0, 0, after, 1);
                for (AccessTrail.HistoryEntry e : page.entries()) {
                    if (e.type() == SocleLibrary.SOCLE_LEDGER_ENTRY_ACCESS_DECISION) {
                        decisions++;
                        check(e.readable() && !e.category().isEmpty() && !e.reason().isEmpty(),
                                "a readable decision");
                    } else if (e.operation().equals("export")) {
                        operations++;
                        check(e.detail().equals("export pdf"), "the operation detail");
                    }
                    Ledger.Proof proof = ledger.proveInclusion(e.index(), page.checkpointSize());
                    check(Arrays.equals(proof.leafHash(), e.proof().leafHash())
                            && proof.hashes().size() == e.proof().hashes().size(),
                            "the history's proof is the ledger's");
                }
                check(page.checkpointNote().startsWith("socle/ccas-1/access_trail\n"),
                        "the checkpoint note");
                after = page.nextAfter();
                if (after == -1) {
                    break;
                }
            }
            check(decisions == expected, decisions + " decisions, expected " + expected);
            check(operations == 1, "the export is in the history");
            expectError(() -> trail.history(person, "nobody", false, 0, 0, -1, 10),
                    SocleLibrary.SOCLE_E_PERMISSION_DENIED, "a reader who may not read");

            Ledger.Checkpoint checkpoint = ledger.checkpoint();
            check(checkpoint.size() == ledger.size() && checkpoint.root().length == 32,
                    "the checkpoint covers the ledger");
            long ticket = ledger.append(SocleLibrary.SOCLE_LEDGER_ENTRY_OPERATION,
                    new byte[] {8, 1}, "");
            check(ledger.waitDurable(ticket) == checkpoint.size(), "the appended index");
            expectError(() -> ledger.updateEntry(0, "admin"),
                    SocleLibrary.SOCLE_E_LOG_TAMPER_ATTEMPT, "an update");
            expectError(() -> ledger.deleteEntry(0, "admin"),
                    SocleLibrary.SOCLE_E_LOG_TAMPER_ATTEMPT, "a delete");
            ledger.flush();
            Ledger.Verification verification = ledger.verify();
            check(verification.ok() && verification.entries() == checkpoint.size() + 3,
                    "verified: " + verification.problem());
        }
    }

    static void storage() throws IOException {
        Path dir = freshDir("storage");
        byte[] passphrase = "storage passphrase".getBytes(StandardCharsets.UTF_8);
        Path location = dir.resolve("ccas"); // absent: created
        byte[] sealed;
        try (KeyProvider provider = KeyProvider.createKeyFile(dir.resolve("master.key").toString(),
                passphrase, 2, 64L << 20)) {
            Vault vault;
            Ledger ledger;
            try (Storage storage = Storage.open(location.toString())) {
                check(!storage.isPostgresql() && storage.location().equals(location.toString()),
                        "a directory: " + storage.location());
                vault = storage.openVault(provider, "ccas-1");
                ledger = storage.openLedger(vault, "access_trail",
                        SocleLibrary.SOCLE_DURABILITY_SYNC);
            }
            // The vault and the ledger outlive the storage.
            try (vault; ledger) {
                check(Files.isDirectory(location)
                        && Files.getPosixFilePermissions(location).equals(
                                java.nio.file.attribute.PosixFilePermissions.fromString(
                                        "rwx------")), "the directory, 0700");
                check(Files.isRegularFile(location.resolve("vault.db"))
                        && Files.isRegularFile(location.resolve("access_trail.db")),
                        "vault.db and access_trail.db in the directory");
                sealed = vault.sealRecord("x1", "note-1", "visite");
                check(new String(vault.openRecord("x1", "note-1", sealed),
                        StandardCharsets.UTF_8).equals("visite"), "a record seals and opens");
                check(ledger.origin().equals("socle/ccas-1/access_trail"),
                        "origin " + ledger.origin());
                for (int i = 0; i < 3; i++) {
                    ledger.waitDurable(ledger.append(SocleLibrary.SOCLE_LEDGER_ENTRY_OPERATION,
                            new byte[] {8, 1}, "x1"));
                }
                check(ledger.checkpoint().size() == 3, "three entries");
                check(Files.isRegularFile(location.resolve("access_trail.db.checkpoint")),
                        "the witness beside the file");
                Ledger.Verification verification = ledger.verify();
                check(verification.ok() && verification.entries() == 3,
                        "verified: " + verification.problem());
            }

            // The same location again: the same vault and ledger.
            try (Storage storage = Storage.open(location.toString());
                 Vault again = storage.openVault(provider, "ccas-1");
                 Ledger trail = storage.openLedger(again, "access_trail");
                 Vault other = storage.openVault(provider, "ccas-2")) {
                check(new String(again.openRecord("x1", "note-1", sealed),
                        StandardCharsets.UTF_8).equals("visite"), "the record reopens");
                check(trail.size() == 3 && trail.verify().ok(), "the ledger reopens, verifies");
                expectError(() -> storage.openLedger(other, "access_trail").close(),
                        SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "another tenant's ledger");
                expectError(() -> storage.openLedger(again, "Not A Name").close(),
                        SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "a bad ledger name");
            }

            // A witness directory.
            try (Storage storage = Storage.open(dir.resolve("data").toString(),
                         dir.resolve("witness").toString());
                 Vault v = storage.openVault(provider, "ccas-1");
                 Ledger state = storage.openLedger(v, "state")) {
                state.waitDurable(state.append(SocleLibrary.SOCLE_LEDGER_ENTRY_STATE_EVENT,
                        new byte[] {1}, ""));
                state.checkpoint();
                check(Files.isRegularFile(dir.resolve("witness/state.checkpoint"))
                        && Files.isRegularFile(dir.resolve("data/state.db")),
                        "the witness in the witness directory");
            }
        }

        // INVALID_ARGUMENT: a file as location; a URI without a witness directory, its password
        // never said.
        Path file = Files.writeString(dir.resolve("a-file"), "a file");
        SocleException e = expectError(() -> Storage.open(file.toString()).close(),
                SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "a file as location");
        check(e != null && e.getMessage().contains(file.toString()), "the path is said");
        check(Files.readString(file).equals("a file"), "the file untouched");
        String uri = "postgresql://ccas:s3cr3t-pw@db.internal:5432/ccas?sslmode=require";
        for (String witness : Arrays.asList(null, "")) {
            e = expectError(() -> Storage.open(uri, witness).close(),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "a URI without a witness directory");
            check(e != null && e.getMessage().contains("witness")
                    && !e.getMessage().contains("s3cr3t-pw")
                    && !e.getMessage().contains("sslmode"),
                    "no password in " + (e == null ? "" : e.getMessage()));
        }
        e = expectError(() -> Storage.open("postgresql://ccas:s3cr3t-pw@[db", dir.toString())
                .close(), SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "a malformed URI");
        check(e != null && !e.getMessage().contains("s3cr3t-pw"), "a malformed URI unsaid");
        try (Storage storage = Storage.open(uri, dir.resolve("pg-witness").toString())) {
            check(storage.isPostgresql()
                    && storage.location().equals("postgresql://ccas@db.internal:5432/ccas"),
                    "a URI shown without its password: " + storage.location());
        }
    }

    private static Path freshDir(String name) throws IOException {
        return Files.createTempDirectory(Path.of(env("SOCLE_TEST_TMP",
                System.getProperty("java.io.tmpdir"))), "java-" + name + "-");
    }

    private static Policy examplePolicy(String name) {
        return Policy.loadFile(SOURCE.resolve("examples/policies/" + name + ".textproto")
                .toString());
    }

    /** Whether `professional` may read the "social" category of `person`'s file on `engine`. */
    private static boolean readsSocial(AccessEngine engine, String professional, String person) {
        return engine.decide(AccessRequest.of(engine.findProfessional(professional),
                engine.findPerson(person), engine.findCategory("social"),
                engine.findPurpose("accompagnement_social"))).allowed();
    }

    static void currentAccess() throws IOException {
        Path dir = freshDir("current-access");
        try (Policy policy = examplePolicy("ccas");
             AccessEngine engine = new AccessEngine(policy);
             KeyProvider provider = KeyProvider.createKeyFile(dir.resolve("master.key").toString(),
                     "ledger passphrase".getBytes(StandardCharsets.UTF_8), 2, 64L << 20);
             Vault vault = Vault.open(provider, dir.resolve("vault.db").toString(), "ccas-1");
             Ledger ledger = Ledger.open(vault, dir.resolve("trail.db").toString(),
                     "access_trail", SocleLibrary.SOCLE_DURABILITY_SYNC);
             AccessTrail trail = AccessTrail.create(ledger, engine)) {
            engine.loadDirectoryTsv("ass1\tass\tpole-social\n"
                            + "sec1\tsecretaire_accueil\tpole-social\n"
                            + "aud1\tauditeur_securite\t\nass2\tass\tpole-insertion\n",
                    "P-1\tpole-social\tass2\nP-2\tpole-social\n");
            List<AccessTrail.CurrentAccess> lines = trail.currentAccess("P-1");
            List<String> summary = new ArrayList<>();
            for (AccessTrail.CurrentAccess a : lines) {
                summary.add(a.professional() + " " + a.role() + " " + a.basis() + " " + a.team());
                check(!a.expires() && a.expiresAtUnixSeconds() == 0 && a.structure().isEmpty(),
                        a.professional() + ": no end, no structure");
            }
            summary.sort(null); // the C ABI promises no order
            check(summary.equals(List.of("ass1 ass team pole-social", "ass2 ass referent ",
                    "sec1 secretaire_accueil team pole-social")), "P-1: " + summary);
            boolean immutable = false;
            try {
                lines.add(lines.get(0));
            } catch (UnsupportedOperationException e) {
                immutable = true;
            }
            check(immutable, "the list is immutable");
            // ass2 is P-1's referent only: not on P-2's list; the auditor is on no list.
            List<String> p2 = new ArrayList<>();
            for (AccessTrail.CurrentAccess a : trail.currentAccess("P-2")) {
                p2.add(a.professional() + " " + a.basis());
            }
            p2.sort(null);
            check(p2.equals(List.of("ass1 team", "sec1 team")), "P-2: " + p2);
            check(readsSocial(engine, "ass2", "P-1") && !readsSocial(engine, "ass2", "P-2")
                    && !readsSocial(engine, "aud1", "P-1"), "the list agrees with the decisions");
            expectError(() -> trail.currentAccess("nobody"), SocleLibrary.SOCLE_E_NOT_FOUND,
                    "an unknown person");
        }
    }

    static void engineOfRecord() throws IOException {
        Path dir = freshDir("engine-of-record");
        String state = dir.resolve("state.db").toString();
        try (Policy policy = examplePolicy("ccas");
             KeyProvider provider = KeyProvider.createKeyFile(dir.resolve("master.key").toString(),
                     "ledger passphrase".getBytes(StandardCharsets.UTF_8), 2, 64L << 20);
             Vault vault = Vault.open(provider, dir.resolve("vault.db").toString(), "ccas-1");
             // Two handles on one state ledger, as two processes would have.
             Ledger stateA = Ledger.open(vault, state, "state");
             Ledger stateB = Ledger.open(vault, state, "state");
             AccessEngine a = AccessEngine.open(policy, stateA)) {
            check(stateA.origin().equals("socle/ccas-1/state"), "origin " + stateA.origin());
            check(a.revision() == 1, "a new state ledger: revision 1, its policy's activation");
            check(a.loadDirectoryTsv("ass1\tass\tpole-social\n", "P-1\tpole-social\n") == 3,
                    "two events");
            a.saveSnapshot();
            // Another policy than the one in force does not open the ledger
            // (docs/policy-approval.md).
            try (Policy other = examplePolicy("departement")) {
                expectError(() -> AccessEngine.open(other, stateB).close(),
                        SocleLibrary.SOCLE_E_FAILED_PRECONDITION,
                        "another policy than the one in force");
            }
            check(a.loadDirectoryTsv("", "P-2\tpole-social\n") == 4,
                    "an event after the snapshot");
            check(stateA.size() == 4, "every event is in the state ledger: " + stateA.size());

            try (AccessEngine b = AccessEngine.open(policy, stateB)) {
                check(b.revision() == 4 && b.revision() == a.revision(),
                        "reopened at revision " + b.revision());
                check(readsSocial(b, "ass1", "P-2") && readsSocial(a, "ass1", "P-2"),
                        "the reopened engine decides as the first");

                // a moves P-2 out of ass1's team; b has not seen it: its own write is refused.
                check(a.loadDirectoryTsv("", "P-2\tpole-insertion\n") == 5, "a writes revision 5");
                check(!readsSocial(a, "ass1", "P-2"), "a: ass1 no longer reads P-2");
                expectError(() -> b.loadDirectoryTsv("", "P-3\tpole-social\n"),
                        SocleLibrary.SOCLE_E_FAILED_PRECONDITION, "a write on a stale engine");
                check(b.revision() == 4 && readsSocial(b, "ass1", "P-2"),
                        "the refused write changed nothing");
                expectError(() -> b.findPerson("P-3"), SocleLibrary.SOCLE_E_NOT_FOUND,
                        "the refused person");
                check(b.catchUp() == 5 && b.revision() == 5, "b catches up to revision 5");
                check(!readsSocial(b, "ass1", "P-2"), "b: ass1 no longer reads P-2");
                check(b.loadDirectoryTsv("", "P-3\tpole-social\n") == 6,
                        "after the catch-up b writes");
                check(a.catchUp() == 6 && readsSocial(a, "ass1", "P-3"), "a sees what b wrote");
                check(b.catchUp() == 6, "nothing new: the same revision");
                check(stateB.size() == 6, "six events in the state ledger");

                // b follows the state ledger: a's next write reaches it without a catch-up.
                b.follow(60000, 0);  // only the ledger's watch can be in time
                check(b.followerStatus().following(), "b follows");
                expectError(() -> b.follow(0, 0), SocleLibrary.SOCLE_E_FAILED_PRECONDITION,
                        "following twice");
                check(a.loadDirectoryTsv("", "P-4\tpole-social\n") == 7, "a writes revision 7");
                for (int i = 0; i < 10000 && b.revision() < 7; i++) {
                    sleepMillis(1);
                }
                check(b.revision() == 7 && readsSocial(b, "ass1", "P-4"), "b followed a");
                AccessEngine.FollowerStatus status = b.followerStatus();
                check(status.failures() == 0 && status.error() == null
                        && status.lastError() == null && status.inStepAtUnixMillis() > 0,
                        "the follower had no error");
                b.stopFollowing();
                check(!b.followerStatus().following(), "b stopped following");
            }
            try (AccessEngine memory = new AccessEngine(policy)) {
                expectError(memory::saveSnapshot, SocleLibrary.SOCLE_E_FAILED_PRECONDITION,
                        "a snapshot of an engine without a ledger");
            }
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void redaction() {
        try (Redactor redactor = Redactor.create(List.of(
                new Redactor.Identity(SocleLibrary.SOCLE_IDENTITY_NAME, 1, "Martin"),
                new Redactor.Identity(SocleLibrary.SOCLE_IDENTITY_FIRST_NAME, 1, "Rose")))) {
            Redactor.Redaction r = redactor.redact(
                    "Mme ROSE martin (tél. 06.12.34.56.78) écrit depuis rose.m@example.fr.");
            check(r.text().equals("Mme [PERSONNE-1] (tél. [TÉLÉPHONE]) écrit depuis [EMAIL]."),
                    "redacted: " + r.text());
            check(r.counts().get("PERSONNE") == 1 && r.counts().get("TÉLÉPHONE") == 1
                    && r.counts().get("EMAIL") == 1 && r.counts().get("NIR") == 0,
                    "counts per type: " + r.counts());
        }
        try (Redactor fromText = Redactor.fromText(
                "name Martin\nfirst_name Rose\nperson\nfirst_name Lucas\nname Martin\n")) {
            check(fromText.redact("Rose Martin et son fils Lucas Martin").text()
                    .equals("[PERSONNE-1] et son fils [PERSONNE-2]"), "the --known text format");
        }
        SocleException e = expectError(() -> Redactor.fromText("name Martin\nnot_a_kind x\n"),
                SocleLibrary.SOCLE_E_PARSE, "a bad known-identities text");
        check(e == null || e.getMessage().contains("2"), "the parse error names the line");
    }

    /** JNA binds lazily: check now that the library exports every function of the interface. */
    static void symbols() {
        com.sun.jna.NativeLibrary library = com.sun.jna.NativeLibrary.getInstance("socle");
        int count = 0;
        for (java.lang.reflect.Method m : SocleLibrary.class.getDeclaredMethods()) {
            try {
                library.getFunction(m.getName());
                count++;
            } catch (UnsatisfiedLinkError e) {
                check(false, m.getName() + " is not exported by " + library.getFile());
            }
        }
        check(count > 100, count + " functions");
        check(fr.socle.Socle.version().equals(SocleLibrary.SOCLE_VERSION_MAJOR + "."
                + SocleLibrary.SOCLE_VERSION_MINOR + "." + SocleLibrary.SOCLE_VERSION_PATCH),
                "the version of the loaded library: " + fr.socle.Socle.version());
    }

    /** Every Structure has the size the C compiler gives its struct (SOCLE_STRUCT_SIZES). */
    static void layout() throws ReflectiveOperationException {
        Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
        for (String pair : env("SOCLE_STRUCT_SIZES", "").split(",")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=");
                sizes.put(kv[0], Integer.parseInt(kv[1]));
            }
        }
        check(sizes.size() >= 6, "struct sizes from CMake: " + sizes);
        int structures = 0;
        for (Class<?> c : SocleLibrary.class.getDeclaredClasses()) {
            if (com.sun.jna.Structure.class.isAssignableFrom(c)) {
                structures++;
            }
        }
        check(structures == sizes.size(), structures + " Structure classes for " + sizes.size()
                + " structs in socle.h");
        for (Map.Entry<String, Integer> e : sizes.entrySet()) {
            // socle_access_request -> AccessRequest, as bindings/generate.py names them.
            StringBuilder name = new StringBuilder();
            for (String part : e.getKey().replaceFirst("^socle_", "").split("_")) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
            Class<?> c = Class.forName(SocleLibrary.class.getName() + "$" + name);
            int size = ((com.sun.jna.Structure) c.getDeclaredConstructor().newInstance()).size();
            check(size == e.getValue(), "sizeof(" + e.getKey() + "): " + size + " in Java, "
                    + e.getValue() + " in C");
        }
    }

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.ofEntries(
                Map.entry("layout", BindingsTest::layout),
                Map.entry("symbols", BindingsTest::symbols),
                Map.entry("workload_one_call", BindingsTest::workloadOneCall),
                Map.entry("workload_batch", BindingsTest::workloadBatch),
                Map.entry("policy_error", BindingsTest::policyError),
                Map.entry("vault", BindingsTest::vault),
                Map.entry("ledger", BindingsTest::ledger),
                Map.entry("current_access", BindingsTest::currentAccess),
                Map.entry("engine_of_record", BindingsTest::engineOfRecord),
                Map.entry("redaction", BindingsTest::redaction),
                Map.entry("storage", BindingsTest::storage));
        Harness.run("BindingsTest", cases, args);
    }
}
