<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * The retention sweep (socle/retention_sweep.hpp; REQ-36; docs/retention-and-rights.md): at the
 * end of retention, the purge of what is due, the crypto-shredding of persons whose whole file is
 * due, the vendor's to-do list, signed deletion certificates, and the archives service's
 * elimination visas (Code du patrimoine R212-14).
 *
 * A report is an associative array: day, resumed, purged, shredded, awaiting_visa, changes, todo
 * (a list of arrays: person, category, action (SOCLE_RETENTION_END_ACTION_*), rule, visa) and
 * certificates (a list of arrays: category, count, end_action, visa, certificate (the bytes of a
 * socle.v1.DeletionCertificate), signature (64 bytes, Ed25519)). socle's report is freed before
 * the function returns. Bad input throws a SocleException naming the parameter. A sweep writes
 * through the engine (serialised by it); run one sweep at a time per tenant.
 */
final class RetentionSweep
{
    private function __construct()
    {
    }

    /**
     * Runs the sweep on $day ('YYYY-MM-DD', no later than today) through $trail (the trail of
     * $engine), in batches of $batchSize persons (1 to 10000), certificates signed with $key.
     * A sweep that failed halfway is finished by the next call.
     *
     * @return array<string, mixed>
     */
    public static function sweep(AccessTrail $trail, AccessEngine $engine, ExportSigningKey $key,
                                 string $day, string $recordedBy, int $batchSize = 1000): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_sweep_report*');
        $error = Library::newError();
        Library::check($ffi->socle_access_trail_retention_sweep($trail->handle(),
            $engine->handle(), $key->handle(), $day, strlen($day), $batchSize, $recordedBy,
            strlen($recordedBy), FFI::addr($out), FFI::addr($error)), $error);
        return self::report($out);
    }

    /**
     * The plan of a sweep on $day ('' today), a dry run: the same to-do list and counts, nothing
     * recorded, nothing shredded, no certificate.
     *
     * @return array<string, mixed>
     */
    public static function plan(AccessEngine $engine, string $day = ''): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_sweep_report*');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_plan_retention_sweep($engine->handle(), $day,
            strlen($day), FFI::addr($out), FFI::addr($error)), $error);
        return self::report($out);
    }

    /**
     * Records the archives service's elimination visa $reference (unique) for $category: items
     * awaiting a visa since $through ('YYYY-MM-DD') or before are purged at the next sweep.
     */
    public static function recordEliminationVisa(AccessEngine $engine, string $reference,
                                                 string $category, string $through,
                                                 string $recordedBy): int
    {
        return Library::writeEngine('socle_access_engine_record_elimination_visa', $engine,
            $reference,
            strlen($reference), $category, strlen($category), $through, strlen($through),
            $recordedBy, strlen($recordedBy));
    }

    /**
     * Checks that $signature is the signature of $certificate by the signer key it names; throws
     * a SocleException (SOCLE_E_VERIFICATION_FAILED) otherwise. Compare that key with the
     * tenant's export key too.
     */
    public static function verifyCertificate(string $certificate, string $signature): void
    {
        $ffi = Library::ffi();
        $error = Library::newError();
        Library::check($ffi->socle_deletion_certificate_verify(Library::bytes($certificate),
            strlen($certificate), Library::bytes($signature), strlen($signature),
            FFI::addr($error)), $error);
    }

    /** @return array<string, mixed> the report $out as an array; $out is freed. */
    private static function report(CData $out): array
    {
        $ffi = Library::ffi();
        try {
            $todo = [];
            for ($i = 0, $n = $ffi->socle_sweep_report_todo_count($out); $i < $n; $i++) {
                $todo[] = [
                    'person' => Library::string($ffi->socle_sweep_report_todo_person($out, $i)),
                    'category' => Library::string(
                        $ffi->socle_sweep_report_todo_category($out, $i)),
                    'action' => $ffi->socle_sweep_report_todo_action($out, $i),
                    'rule' => Library::string($ffi->socle_sweep_report_todo_rule($out, $i)),
                    'visa' => Library::string($ffi->socle_sweep_report_todo_visa($out, $i)),
                ];
            }
            $certificates = [];
            for ($i = 0, $n = $ffi->socle_sweep_report_certificate_count($out); $i < $n; $i++) {
                $bytes = $ffi->new('socle_buffer');
                $signature = $ffi->new('socle_buffer');
                $error = Library::newError();
                $status = $ffi->socle_sweep_report_certificate_bytes($out, $i,
                    FFI::addr($bytes), FFI::addr($signature), FFI::addr($error));
                $certificate = Library::take($bytes);
                $signed = Library::take($signature);
                Library::check($status, $error);
                $certificates[] = [
                    'category' => Library::string(
                        $ffi->socle_sweep_report_certificate_category($out, $i)),
                    'count' => $ffi->socle_sweep_report_certificate_count_of($out, $i),
                    'end_action' => $ffi->socle_sweep_report_certificate_end_action($out, $i),
                    'visa' => Library::string(
                        $ffi->socle_sweep_report_certificate_visa($out, $i)),
                    'certificate' => $certificate,
                    'signature' => $signed,
                ];
            }
            return [
                'day' => Library::string($ffi->socle_sweep_report_day($out)),
                'resumed' => $ffi->socle_sweep_report_resumed($out) === 1,
                'purged' => $ffi->socle_sweep_report_purged($out),
                'shredded' => $ffi->socle_sweep_report_shredded($out),
                'awaiting_visa' => $ffi->socle_sweep_report_awaiting_visa($out),
                'changes' => $ffi->socle_sweep_report_change_count($out),
                'todo' => $todo,
                'certificates' => $certificates,
            ];
        } finally {
            $ffi->socle_sweep_report_free($out);
        }
    }
}
