package fr.socle;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Anonymous statistics tables (REQ-53; socle/statistics.hpp, socle/statistics_release.hpp;
 * docs/statistics.md, "C ABI and bindings"), as static methods over an AccessTrail.
 *
 * <p>A table is given as its dimension names and one column of labels per dimension (already
 * generalised: age bands, communes; never an identifier), added in one call of the C ABI, with
 * optional amounts in cents. socle's handles are freed before a method returns. Bad input throws a
 * SocleException whose message names the record's position and the dimension, never a label.
 */
public final class Statistics {
    private Statistics() {}

    /**
     * One cell: its label on each dimension ("total" for a margin), its status
     * (SOCLE_CELL_STATUS_*), its count and sum (null when withheld).
     */
    public record Row(List<String> labels, int status, Long count, Long sum) {}

    /**
     * A release: its cells in row-major order (the last dimension fastest), JSON
     * (socle.v1.StatisticsDocument in protobuf's JSON mapping) and CSV.
     */
    public record Release(String name, List<String> dimensions, List<List<String>> categories,
            boolean noisy, long primarySuppressed, long secondarySuppressed, List<Row> rows,
            String json, String csv) {}

    /** A dataset's privacy budget: each value {numerator, denominator}. */
    public record Budget(long[] epsilon, long[] delta, long[] laplaceEpsilonSpent,
            long[] rhoSpent, long charges) {}

    /**
     * Protects the table by suppression under the policy's rules (the p% rule at `pPercent`, 0:
     * off), audits it, records the release in `trail` and returns it. `amounts`: null for a
     * table without amounts.
     */
    public static Release publish(AccessTrail trail, List<String> dimensions,
            List<List<String>> columns, long[] amounts, String name, String activity,
            String actor, int pPercent) {
        SocleLibrary lib = Socle.lib();
        Pointer table = table(dimensions, columns, amounts);
        try {
            PointerByReference out = new PointerByReference();
            PointerByReference error = new PointerByReference();
            Socle.check(lib.socle_access_trail_publish_table(trail.pointer(), table, name,
                    Erasure.len(name), activity, Erasure.len(activity), actor, Erasure.len(actor),
                    pPercent, out, error), error);
            return release(out.getValue());
        } finally {
            lib.socle_statistics_table_free(table);
        }
    }

    /**
     * Charges the release to `dataset`'s privacy budget in `engine` (the trail's engine), adds
     * discrete Laplace noise of scale numerator/denominator (one record per person, sums not
     * released), records it in `trail` and returns it (every cell SOCLE_CELL_STATUS_NOISY).
     */
    public static Release publishNoisy(AccessTrail trail, AccessEngine engine,
            List<String> dimensions, List<List<String>> columns, String name, String activity,
            String actor, String dataset, long numerator, long denominator) {
        SocleLibrary lib = Socle.lib();
        PointerByReference options = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_noise_options_new(options, error), error);
        Pointer noise = options.getValue();
        Pointer table = null;
        try {
            error = new PointerByReference();
            Socle.check(lib.socle_noise_options_set_dataset(noise, dataset, Erasure.len(dataset),
                    error), error);
            error = new PointerByReference();
            Socle.check(lib.socle_noise_options_set_parameter(noise, numerator, denominator,
                    error), error);
            table = table(dimensions, columns, null);
            PointerByReference out = new PointerByReference();
            error = new PointerByReference();
            Socle.check(lib.socle_access_trail_publish_noisy_table(trail.pointer(),
                    engine.pointer(), table, name, Erasure.len(name), activity,
                    Erasure.len(activity), actor, Erasure.len(actor), noise, out, error), error);
            return release(out.getValue());
        } finally {
            if (table != null) {
                lib.socle_statistics_table_free(table);
            }
            lib.socle_noise_options_free(noise);
        }
    }

    /** `dataset`'s privacy budget on the engine's current snapshot. */
    public static Budget privacyBudget(AccessEngine engine, String dataset) {
        SocleLibrary lib = Socle.lib();
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_access_engine_privacy_budget(engine.pointer(), dataset,
                Erasure.len(dataset), out, error), error);
        Pointer b = out.getValue();
        try {
            return new Budget(
                    new long[] {lib.socle_privacy_budget_epsilon_numerator(b),
                        lib.socle_privacy_budget_epsilon_denominator(b)},
                    new long[] {lib.socle_privacy_budget_delta_numerator(b),
                        lib.socle_privacy_budget_delta_denominator(b)},
                    new long[] {lib.socle_privacy_budget_laplace_epsilon_spent_numerator(b),
                        lib.socle_privacy_budget_laplace_epsilon_spent_denominator(b)},
                    new long[] {lib.socle_privacy_budget_rho_spent_numerator(b),
                        lib.socle_privacy_budget_rho_spent_denominator(b)},
                    lib.socle_privacy_budget_charge_count(b).longValue());
        } finally {
            lib.socle_privacy_budget_free(b);
        }
    }

    /** The finished table of the records (one add call); the caller frees it. */
    private static Pointer table(List<String> dimensions, List<List<String>> columns,
            long[] amounts) {
        SocleLibrary lib = Socle.lib();
        Socle.Strings names = Socle.Strings.of(dimensions);
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        Socle.check(lib.socle_table_builder_create(names.pointers, names.lengths,
                Socle.size(dimensions.size()), amounts == null ? 0 : 1, out, error), error);
        Pointer builder = out.getValue();
        try {
            int count = columns.isEmpty() ? 0 : columns.get(0).size();
            List<String> flat = new ArrayList<>();
            for (List<String> column : columns) {
                if (column.size() != count) {
                    throw new IllegalArgumentException("every column needs one label per record");
                }
                flat.addAll(column);
            }
            Socle.Strings labels = Socle.Strings.of(flat);
            error = new PointerByReference();
            Socle.check(lib.socle_table_builder_add_columns(builder, Socle.size(count),
                    labels.pointers, labels.lengths, amounts, null, error), error);
            PointerByReference table = new PointerByReference();
            error = new PointerByReference();
            Socle.check(lib.socle_table_builder_finish(builder, table, error), error);
            return table.getValue();
        } finally {
            lib.socle_table_builder_free(builder);
        }
    }

    private static String text(SocleLibrary.Buffer buffer, int status, PointerByReference error) {
        byte[] bytes = Socle.take(buffer);
        Socle.check(status, error);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The release `r` as a record; `r` is freed. */
    private static Release release(Pointer r) {
        SocleLibrary lib = Socle.lib();
        try {
            List<String> dimensions = new ArrayList<>();
            List<List<String>> categories = new ArrayList<>();
            long n = lib.socle_statistics_release_dimension_count(r).longValue();
            for (long d = 0; d < n; d++) {
                dimensions.add(lib.socle_statistics_release_dimension_name(r, Socle.size(d)));
                List<String> list = new ArrayList<>();
                long m = lib.socle_statistics_release_category_count(r, Socle.size(d))
                        .longValue();
                for (long i = 0; i < m; i++) {
                    list.add(lib.socle_statistics_release_category(r, Socle.size(d),
                            Socle.size(i)));
                }
                categories.add(list);
            }
            int cells = (int) lib.socle_statistics_release_cell_count(r).longValue();
            int[] statuses = new int[Math.max(1, cells)];
            long[] counts = new long[Math.max(1, cells)];
            long[] sums = new long[Math.max(1, cells)];
            int[] flags = new int[Math.max(1, cells)];
            PointerByReference error = new PointerByReference();
            Socle.check(lib.socle_statistics_release_cells(r, Socle.size(0), Socle.size(cells),
                    statuses, counts, sums, flags, error), error);
            List<Row> rows = new ArrayList<>(cells);
            int[] index = new int[dimensions.size()];
            for (int i = 0; i < cells; i++) {
                List<String> labels = new ArrayList<>();
                for (int d = 0; d < index.length; d++) {
                    List<String> c = categories.get(d);
                    labels.add(index[d] < c.size() ? c.get(index[d]) : "total");
                }
                rows.add(new Row(List.copyOf(labels), statuses[i],
                        (flags[i] & 1) != 0 ? counts[i] : null,
                        (flags[i] & 2) != 0 ? sums[i] : null));
                for (int d = index.length - 1; d >= 0; d--) { // the last dimension fastest
                    if (++index[d] <= categories.get(d).size()) {
                        break;
                    }
                    index[d] = 0;
                }
            }
            SocleLibrary.Buffer json = new SocleLibrary.Buffer();
            error = new PointerByReference();
            String jsonText = text(json, lib.socle_statistics_release_json(r, json, error), error);
            SocleLibrary.Buffer csv = new SocleLibrary.Buffer();
            error = new PointerByReference();
            String csvText = text(csv, lib.socle_statistics_release_csv(r, csv, error), error);
            return new Release(lib.socle_statistics_release_name(r), List.copyOf(dimensions),
                    List.copyOf(categories), lib.socle_statistics_release_noisy(r) == 1,
                    lib.socle_statistics_release_primary_suppressed(r),
                    lib.socle_statistics_release_secondary_suppressed(r), List.copyOf(rows),
                    jsonText, csvText);
        } finally {
            lib.socle_statistics_release_free(r);
        }
    }
}
