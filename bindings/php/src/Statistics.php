<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Anonymous statistics tables (REQ-53; socle/statistics.hpp, socle/statistics_release.hpp;
 * docs/statistics.md, "C ABI and bindings"), as static functions over an AccessTrail.
 *
 * A table is given as its dimension names and one column of labels per dimension (already
 * generalised: age bands, communes; never an identifier), added in one call of the C ABI, with
 * optional amounts in cents. A release is an associative array: name, dimensions, categories
 * (one list per dimension), noisy, primary_suppressed, secondary_suppressed, rows (one array per
 * cell in row-major order, the last dimension fastest: a label per dimension ('total' for a
 * margin), status (SOCLE_CELL_STATUS_*), count and sum (null when withheld)), json, csv. socle's
 * handles are freed before the function returns. Bad input throws a SocleException whose message
 * names the record's position and the dimension, never a label.
 */
final class Statistics
{
    private function __construct()
    {
    }

    /**
     * Protects the table by suppression under the policy's rules (the p% rule at $pPercent, 0:
     * off), audits it, records the release in $trail and returns it.
     *
     * @param list<string> $dimensions
     * @param list<list<string>> $columns one list of labels per dimension
     * @param ?list<int> $amounts cents, one per record (null: a table without amounts)
     * @return array<string, mixed>
     */
    public static function publish(AccessTrail $trail, array $dimensions, array $columns,
                                   ?array $amounts, string $name, string $activity,
                                   string $actor, int $pPercent = 0): array
    {
        $ffi = Library::ffi();
        $table = self::table($dimensions, $columns, $amounts);
        try {
            $out = $ffi->new('socle_statistics_release*');
            $error = Library::newError();
            Library::check($ffi->socle_access_trail_publish_table($trail->handle(), $table,
                $name, strlen($name), $activity, strlen($activity), $actor, strlen($actor),
                $pPercent, FFI::addr($out), FFI::addr($error)), $error);
            return self::release($out);
        } finally {
            $ffi->socle_statistics_table_free($table);
        }
    }

    /**
     * Charges the release to $dataset's privacy budget in $engine (the trail's engine), adds
     * noise (SOCLE_NOISE_*, parameter $numerator/$denominator: the Laplace scale or the Gaussian
     * variance), records it in $trail and returns it (every cell SOCLE_CELL_STATUS_NOISY).
     *
     * @param list<string> $dimensions
     * @param list<list<string>> $columns
     * @param ?list<int> $amounts
     * @return array<string, mixed>
     */
    public static function publishNoisy(AccessTrail $trail, AccessEngine $engine,
                                        array $dimensions, array $columns, ?array $amounts,
                                        string $name, string $activity, string $actor,
                                        string $dataset, int $numerator, int $denominator = 1,
                                        int $mechanism = Native::SOCLE_NOISE_DISCRETE_LAPLACE,
                                        int $recordsPerPerson = 1, int $amountBound = 0): array
    {
        $ffi = Library::ffi();
        $options = $ffi->new('socle_noise_options*');
        $error = Library::newError();
        Library::check($ffi->socle_noise_options_new(FFI::addr($options), FFI::addr($error)),
            $error);
        $table = null;
        try {
            $error = Library::newError();
            Library::check($ffi->socle_noise_options_set_dataset($options, $dataset,
                strlen($dataset), FFI::addr($error)), $error);
            $error = Library::newError();
            Library::check($ffi->socle_noise_options_set_mechanism($options, $mechanism,
                FFI::addr($error)), $error);
            $error = Library::newError();
            Library::check($ffi->socle_noise_options_set_parameter($options, $numerator,
                $denominator, FFI::addr($error)), $error);
            $error = Library::newError();
            Library::check($ffi->socle_noise_options_set_records_per_person($options,
                $recordsPerPerson, FFI::addr($error)), $error);
            $error = Library::newError();
            Library::check($ffi->socle_noise_options_set_amount_bound($options, $amountBound,
                FFI::addr($error)), $error);
            $table = self::table($dimensions, $columns, $amounts);
            $out = $ffi->new('socle_statistics_release*');
            $error = Library::newError();
            Library::check($ffi->socle_access_trail_publish_noisy_table($trail->handle(),
                $engine->handle(), $table, $name, strlen($name), $activity, strlen($activity),
                $actor, strlen($actor), $options, FFI::addr($out), FFI::addr($error)), $error);
            return self::release($out);
        } finally {
            if ($table !== null) {
                $ffi->socle_statistics_table_free($table);
            }
            $ffi->socle_noise_options_free($options);
        }
    }

    /**
     * $dataset's privacy budget on the engine's current snapshot: epsilon, delta,
     * laplace_epsilon_spent, rho_spent as [numerator, denominator], and charges.
     *
     * @return array<string, mixed>
     */
    public static function privacyBudget(AccessEngine $engine, string $dataset): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_privacy_budget*');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_privacy_budget($engine->handle(), $dataset,
            strlen($dataset), FFI::addr($out), FFI::addr($error)), $error);
        try {
            $budget = ['charges' => $ffi->socle_privacy_budget_charge_count($out)];
            foreach (['epsilon', 'delta', 'laplace_epsilon_spent', 'rho_spent'] as $name) {
                $numerator = "socle_privacy_budget_{$name}_numerator";
                $denominator = "socle_privacy_budget_{$name}_denominator";
                $budget[$name] = [$ffi->$numerator($out), $ffi->$denominator($out)];
            }
            return $budget;
        } finally {
            $ffi->socle_privacy_budget_free($out);
        }
    }

    /** The finished table (socle_statistics_table*) of the records, in one add call. */
    private static function table(array $dimensions, array $columns, ?array $amounts): CData
    {
        $ffi = Library::ffi();
        [$names, $nameLens, $keepNames] = Library::strings(array_values($dimensions));
        $builder = $ffi->new('socle_table_builder*');
        $error = Library::newError();
        Library::check($ffi->socle_table_builder_create($names, $nameLens, count($dimensions),
            $amounts === null ? 0 : 1, FFI::addr($builder), FFI::addr($error)), $error);
        try {
            $count = count($columns) > 0 ? count($columns[0]) : 0;
            $flat = [];
            foreach ($columns as $column) {
                if (count($column) !== $count) {
                    throw new \InvalidArgumentException('every column needs one label per record');
                }
                array_push($flat, ...array_values($column));
            }
            [$labels, $labelLens, $keepLabels] = Library::strings($flat);
            $cAmounts = null;
            if ($amounts !== null) {
                $cAmounts = $ffi->new('int64_t[' . max(1, $count) . ']');
                foreach (array_values($amounts) as $i => $amount) {
                    $cAmounts[$i] = $amount;
                }
            }
            $error = Library::newError();
            Library::check($ffi->socle_table_builder_add_columns($builder, $count, $labels,
                $labelLens, $cAmounts, null, FFI::addr($error)), $error);
            $table = $ffi->new('socle_statistics_table*');
            $error = Library::newError();
            Library::check($ffi->socle_table_builder_finish($builder, FFI::addr($table),
                FFI::addr($error)), $error);
            return $table;
        } finally {
            $ffi->socle_table_builder_free($builder);
        }
    }

    /** @return array<string, mixed> the release $out as an array; $out is freed. */
    private static function release(CData $out): array
    {
        $ffi = Library::ffi();
        try {
            $dimensions = [];
            $categories = [];
            for ($d = 0, $n = $ffi->socle_statistics_release_dimension_count($out); $d < $n; $d++) {
                $dimensions[] = Library::string(
                    $ffi->socle_statistics_release_dimension_name($out, $d));
                $list = [];
                for ($i = 0, $m = $ffi->socle_statistics_release_category_count($out, $d);
                     $i < $m; $i++) {
                    $list[] = Library::string($ffi->socle_statistics_release_category($out, $d, $i));
                }
                $categories[] = $list;
            }
            $cells = $ffi->socle_statistics_release_cell_count($out);
            $size = max(1, $cells);
            $statuses = $ffi->new("int32_t[{$size}]");
            $counts = $ffi->new("int64_t[{$size}]");
            $sums = $ffi->new("int64_t[{$size}]");
            $flags = $ffi->new("int32_t[{$size}]");
            $error = Library::newError();
            Library::check($ffi->socle_statistics_release_cells($out, 0, $cells, $statuses,
                $counts, $sums, $flags, FFI::addr($error)), $error);
            $rows = [];
            $index = array_fill(0, count($dimensions), 0);
            for ($i = 0; $i < $cells; $i++) {
                $row = [];
                foreach ($dimensions as $d => $dimension) {
                    $row[$dimension] = $categories[$d][$index[$d]] ?? 'total';
                }
                $row['status'] = $statuses[$i];
                $row['count'] = ($flags[$i] & 1) ? $counts[$i] : null;
                $row['sum'] = ($flags[$i] & 2) ? $sums[$i] : null;
                $rows[] = $row;
                for ($d = count($dimensions) - 1; $d >= 0; $d--) {  // the last dimension fastest
                    if (++$index[$d] <= count($categories[$d])) {
                        break;
                    }
                    $index[$d] = 0;
                }
            }
            $json = $ffi->new('socle_buffer');
            $error = Library::newError();
            $status = $ffi->socle_statistics_release_json($out, FFI::addr($json),
                FFI::addr($error));
            $jsonText = Library::take($json);
            Library::check($status, $error);
            $csv = $ffi->new('socle_buffer');
            $error = Library::newError();
            $status = $ffi->socle_statistics_release_csv($out, FFI::addr($csv), FFI::addr($error));
            $csvText = Library::take($csv);
            Library::check($status, $error);
            return [
                'name' => Library::string($ffi->socle_statistics_release_name($out)),
                'dimensions' => $dimensions,
                'categories' => $categories,
                'noisy' => $ffi->socle_statistics_release_noisy($out) === 1,
                'primary_suppressed' => $ffi->socle_statistics_release_primary_suppressed($out),
                'secondary_suppressed' =>
                    $ffi->socle_statistics_release_secondary_suppressed($out),
                'rows' => $rows,
                'json' => $jsonText,
                'csv' => $csvText,
            ];
        } finally {
            $ffi->socle_statistics_release_free($out);
        }
    }
}
