<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Export files (docs/exports.md): verify a file, and the person's exports and the auditor's
 * extract written through the access trail (AccessTrail::writeAccessRequest() and its siblings
 * call these).
 */
final class Export
{
    private function __construct()
    {
    }

    /**
     * Reads the file through and checks every frame and the trailer (without $key, a sealed file
     * is checked without being decrypted). Throws ExportFileException for a refused file.
     *
     * @param list<string|ExportSigningKey> $trustedIssuers
     * @return array{kind: int, sealed: bool, records: int, bytes: int}
     */
    public static function verify(string $path, RecipientKey|string|null $key = null,
                                  array $trustedIssuers = []): array
    {
        $ffi = Library::ffi();
        $options = ExportKeys::readerOptions($key, $trustedIssuers);
        $kind = $ffi->new('int32_t');
        $sealed = $ffi->new('int32_t');
        $records = $ffi->new('uint64_t');
        $bytes = $ffi->new('uint64_t');
        $error = Library::newError();
        try {
            ExportKeys::check($ffi->socle_export_verify_file($path, $options, FFI::addr($kind),
                FFI::addr($sealed), FFI::addr($records), FFI::addr($bytes), FFI::addr($error)),
                $error);
        } finally {
            $ffi->socle_export_reader_options_free($options);
        }
        return ['kind' => $kind->cdata, 'sealed' => $sealed->cdata === 1,
            'records' => $records->cdata, 'bytes' => $bytes->cdata];
    }

    /** The JSON Schema (draft 2020-12) of a portability record's JSON form. */
    public static function portabilityJsonSchema(): string
    {
        return Library::string(Library::ffi()->socle_export_portability_json_schema());
    }

    /**
     * @internal AccessTrail::writeAccessRequest() and writePortability().
     *
     * @param array<string, mixed> $identity
     * @param iterable<array<string, mixed>> $entries
     * @param list<string|RecipientKey|array{0: string|RecipientKey, 1: string}> $recipients
     * @return array<string, int>
     */
    public static function writePerson(string $function, CData $trail, array $identity,
                                       iterable $entries, string $requestedBy,
                                       string $handledBy, string $out,
                                       ExportSigningKey $signingKey, array $recipients,
                                       string $issuer, int $at, int $kind, string $notice,
                                       ?Policy $policy): array
    {
        $ffi = Library::ffi();
        $id = $ffi->new('socle_person_identity*');
        $error = Library::newError();
        Library::check($ffi->socle_person_identity_new(FFI::addr($id), FFI::addr($error)), $error);
        try {
            $json = json_encode((object) $identity, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE);
            Library::check($ffi->socle_person_identity_set_json($id, $json, strlen($json),
                FFI::addr($error)), $error);
            $writer = new ExportWriter($out, $signingKey, $kind, $issuer, $recipients, $policy,
                $notice);
            // The entries are pulled one at a time by the C entry source (a generator streams);
            // an exception stops the export and is thrown again here, as is.
            $iterator = (static function () use ($entries): \Generator {
                yield from $entries;
            })();
            $started = false;
            $raised = null;
            $source = static function ($userData, $entry, $hasEntry) use (
                $ffi, $iterator, &$started, &$raised
            ): int {
                try {
                    if ($started) {
                        $iterator->next();
                    }
                    $started = true;
                    if (!$iterator->valid()) {
                        $hasEntry[0] = 0;
                        return Native::SOCLE_OK;
                    }
                    $text = json_encode((object) $iterator->current(),
                        JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE);
                    $error = $ffi->new('socle_error*');
                    Library::check($ffi->socle_case_entry_set_json($entry, $text, strlen($text),
                        FFI::addr($error)), $error);
                    $hasEntry[0] = 1;
                    return Native::SOCLE_OK;
                } catch (\Throwable $e) {
                    $raised = $e;
                    return $e instanceof SocleException && $e->status() > 0
                        ? $e->status() : Native::SOCLE_E_INTERNAL;
                }
            };
            $report = $ffi->new('socle_export_report*');
            $status = $ffi->$function($trail, $id, $requestedBy, strlen($requestedBy),
                $handledBy, strlen($handledBy), $at, $source, null, $writer->handle(),
                FFI::addr($report), FFI::addr($error));
            if ($status !== Native::SOCLE_OK && $raised !== null) {
                if (!FFI::isNull($error)) {
                    $ffi->socle_error_free($error);
                }
                throw $raised;
            }
            Library::check($status, $error);
            return self::report($report);
        } finally {
            $ffi->socle_person_identity_free($id);
        }
    }

    /**
     * @internal AccessTrail::writeAuditExtract().
     *
     * @param list<string|RecipientKey|array{0: string|RecipientKey, 1: string}> $recipients
     * @return array<string, int>
     */
    public static function writeAudit(CData $trail, string $auditor, string $out,
                                      ExportSigningKey $signingKey, int $begin, int $end,
                                      int $sinceSize, array $recipients, string $issuer): array
    {
        $ffi = Library::ffi();
        $writer = new ExportWriter($out, $signingKey, Native::SOCLE_EXPORT_KIND_AUDIT_EXTRACT,
            $issuer, $recipients);
        $report = $ffi->new('socle_export_report*');
        $error = Library::newError();
        Library::check($ffi->socle_access_trail_write_audit_extract($trail, $auditor,
            strlen($auditor), $begin, $end, $sinceSize, $writer->handle(), FFI::addr($report),
            FFI::addr($error)), $error);
        return self::report($report);
    }

    /** @internal The header's notice of a portability file under $policy. */
    public static function portabilityNotice(Policy $policy): string
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $error = Library::newError();
        Library::check($ffi->socle_policy_portability_notice($policy->handle(), FFI::addr($out),
            FFI::addr($error)), $error);
        return Library::take($out);
    }

    /** @return array<string, int> */
    private static function report(CData $report): array
    {
        $ffi = Library::ffi();
        try {
            $fields = [];
            foreach (['entries', 'withheld', 'left_out', 'history_entries', 'checkpoint_size',
                         'records', 'bytes'] as $name) {
                $fields[$name] = $ffi->{'socle_export_report_' . $name}($report);
            }
            return $fields;
        } finally {
            $ffi->socle_export_report_free($report);
        }
    }
}
