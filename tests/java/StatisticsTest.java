package fr.socle.test;

import static fr.socle.test.Harness.check;
import static fr.socle.test.Harness.env;
import static fr.socle.test.Harness.expectError;

import fr.socle.AccessEngine;
import fr.socle.AccessTrail;
import fr.socle.KeyProvider;
import fr.socle.Ledger;
import fr.socle.Policy;
import fr.socle.SocleException;
import fr.socle.Statistics;
import fr.socle.Vault;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Anonymous statistics from Java (fr.socle.Statistics; REQ-53), run by CTest
 * (tests/java/CMakeLists.txt) as {@code java -Djna.library.path=<build>
 * fr.socle.test.StatisticsTest <case>} with SOCLE_SOURCE_DIR set, on
 * tests/stats/statistics_policy.textproto (the workload policy with a statistics activity and
 * two privacy budgets). Exit code 0 only when every check of the case passed.
 */
public final class StatisticsTest {
    private static final long NOW = 1900000000L;
    private static final Path SOURCE = Path.of(env("SOCLE_SOURCE_DIR", "."));
    private static final List<String> DIMENSIONS = List.of("age_band", "commune");

    private StatisticsTest() {}

    /** An engine on the statistics policy and a trail over it, in a fresh directory. */
    private static final class Store implements AutoCloseable {
        final AccessEngine engine;
        final KeyProvider provider;
        final Vault vault;
        final Ledger ledger;
        final AccessTrail trail;

        Store(String name) throws Exception {
            String text = Files.readString(
                    SOURCE.resolve("tests/stats/statistics_policy.textproto"));
            engine = new AccessEngine(Policy.load(text, "statistics"));
            engine.setTime(NOW);
            engine.loadDirectoryTsv("sw1\tsocial_worker\tt1\n", "P-1\tt1\n");
            Path dir = Files.createTempDirectory(Path.of(env("SOCLE_TEST_TMP",
                    System.getProperty("java.io.tmpdir"))), name);
            provider = KeyProvider.createKeyFile(dir.resolve("master.key").toString(),
                    "statistics binding test".getBytes(StandardCharsets.UTF_8), 2, 64L << 20);
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

    /** Ages × communes: 2 records in (18-29, Albi), 20 + 3a + c in the others. */
    private static List<List<String>> columns() {
        String[] ages = {"18-29", "30-44", "45-59"};
        String[] communes = {"Albi", "Castres", "Gaillac"};
        List<String> a = new ArrayList<>();
        List<String> c = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                int n = (i == 0 && j == 0) ? 2 : 20 + 3 * i + j;
                for (int k = 0; k < n; k++) {
                    a.add(ages[i]);
                    c.add(communes[j]);
                }
            }
        }
        return List.of(a, c);
    }

    static void publish() throws Exception {
        try (Store s = new Store("publish")) {
            Statistics.Release r = Statistics.publish(s.trail, DIMENSIONS, columns(), null,
                    "activite_2026", "rapport_activite", "sw1", 0);
            check(r.name().equals("activite_2026"), "its name");
            check(r.categories().get(1).equals(List.of("Albi", "Castres", "Gaillac")),
                    "the communes, sorted");
            check(r.primarySuppressed() == 1 && r.secondarySuppressed() >= 3,
                    "the cell of 2 and its complements");
            check(r.rows().size() == 16, "every cell, margins included");
            Statistics.Row first = r.rows().get(0);
            check(first.labels().equals(List.of("18-29", "Albi"))
                    && first.status() == SocleLibrary.SOCLE_CELL_STATUS_PRIMARY_SUPPRESSED
                    && first.count() == null, "the cell of 2 withheld");
            check(r.rows().get(10).count() == 28L, "45-59 in Gaillac");
            Statistics.Row total = r.rows().get(15);
            check(total.labels().equals(List.of("total", "total")) && total.count() == 198L,
                    "the grand total");
            check(r.json().contains("\"PRIMARY_SUPPRESSED\"") && r.json().contains("activite_2026"),
                    "JSON");
            check(r.csv().contains("total,total,published,198,,,,,\r\n"), "CSV");
        }
    }

    static void noisy() throws Exception {
        try (Store s = new Store("noisy")) {
            Statistics.Budget budget = Statistics.privacyBudget(s.engine, "activite");
            check(Arrays.equals(budget.epsilon(), new long[] {1, 1}) && budget.charges() == 0,
                    "ε = 1, nothing spent");
            for (int round = 0; round < 2; round++) {
                Statistics.Release r = Statistics.publishNoisy(s.trail, s.engine, DIMENSIONS,
                        columns(), "bruite", "rapport_activite", "sw1", "activite", 2, 1);
                check(r.noisy(), "noisy");
                check(r.rows().stream().allMatch(
                        x -> x.status() == SocleLibrary.SOCLE_CELL_STATUS_NOISY
                                && x.count() != null), "every cell noisy and published");
                long row = r.rows().get(0).count() + r.rows().get(1).count()
                        + r.rows().get(2).count();
                check(row == r.rows().get(3).count(), "additive margins");
            }
            check(Arrays.equals(Statistics.privacyBudget(s.engine, "activite")
                    .laplaceEpsilonSpent(), new long[] {1, 1}), "the budget spent");
            expectError(() -> Statistics.publishNoisy(s.trail, s.engine, DIMENSIONS, columns(),
                    "bruite", "rapport_activite", "sw1", "activite", 2, 1),
                    SocleLibrary.SOCLE_E_RESOURCE_EXHAUSTED, "a third release");
        }
    }

    static void hostile() throws Exception {
        try (Store s = new Store("hostile")) {
            expectError(() -> Statistics.publish(s.trail, List.of(), List.of(), null, "t",
                    "rapport_activite", "sw1", 0), SocleLibrary.SOCLE_E_INVALID_ARGUMENT,
                    "dimensions", "no dimension");
            SocleException e = expectError(() -> Statistics.publish(s.trail, List.of("age"),
                    List.of(List.of("18-29", "")), null, "t", "rapport_activite", "sw1", 0),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "records[1]", "an empty label");
            check(e != null && !e.getMessage().contains("18-29"), "never the label");
            expectError(() -> Statistics.publish(s.trail, List.of("age"), List.of(List.of("18-29")),
                    new long[] {-1}, "t", "rapport_activite", "sw1", 0),
                    SocleLibrary.SOCLE_E_INVALID_ARGUMENT, "negative", "a negative amount");
            expectError(() -> Statistics.privacyBudget(s.engine, "nope"),
                    SocleLibrary.SOCLE_E_NOT_FOUND, "an unknown dataset");
        }
    }

    public static void main(String[] args) {
        Map<String, Harness.Call> cases = Map.of(
                "publish", StatisticsTest::publish,
                "noisy", StatisticsTest::noisy,
                "hostile", StatisticsTest::hostile);
        Harness.run("StatisticsTest", cases, args);
    }
}
