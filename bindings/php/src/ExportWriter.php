<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Writes one .socle export file at $path, signed with $signingKey, sealed to $recipients (public
 * keys as 32 bytes or hex, RecipientKey objects, or [key, label] pairs; none: signed only). add()
 * records (serialized messages of the kind's record type), then finish(). The file appears only
 * when finished: a writer destroyed before leaves none. One thread at a time.
 */
final class ExportWriter
{
    private CData $handle;

    /** @param list<string|RecipientKey|array{0: string|RecipientKey, 1: string}> $recipients */
    public function __construct(string $path, ExportSigningKey $signingKey,
                                int $kind = Native::SOCLE_EXPORT_KIND_ACCESS_REQUEST,
                                string $issuer = '', array $recipients = [],
                                ?Policy $policy = null, string $notice = '')
    {
        $ffi = Library::ffi();
        $options = $ffi->new('socle_export_writer_options*');
        $error = Library::newError();
        Library::check($ffi->socle_export_writer_options_new(FFI::addr($options),
            FFI::addr($error)), $error);
        try {
            Library::check($ffi->socle_export_writer_options_set_kind($options, $kind,
                FFI::addr($error)), $error);
            Library::check($ffi->socle_export_writer_options_set_issuer($options, $issuer,
                strlen($issuer), FFI::addr($error)), $error);
            if ($policy !== null) {
                $digest = (string) hex2bin($policy->digestHex());
                Library::check($ffi->socle_export_writer_options_set_policy($options,
                    $policy->id(), strlen($policy->id()), $policy->revision(),
                    strlen($policy->revision()), Library::bytes($digest), strlen($digest),
                    FFI::addr($error)), $error);
            }
            Library::check($ffi->socle_export_writer_options_set_notice($options,
                Library::bytes($notice), strlen($notice), FFI::addr($error)), $error);
            foreach ($recipients as $recipient) {
                $label = '';
                if (is_array($recipient)) {
                    [$recipient, $label] = $recipient;
                }
                $key = ExportKeys::bytes($recipient);
                Library::check($ffi->socle_export_writer_options_add_recipient($options,
                    Library::bytes($key), strlen($key), $label, strlen($label),
                    FFI::addr($error)), $error);
            }
            $out = $ffi->new('socle_export_writer*');
            Library::check($ffi->socle_export_writer_create($path, $signingKey->handle(),
                $options, FFI::addr($out), FFI::addr($error)), $error);
            $this->handle = $out;
        } finally {
            $ffi->socle_export_writer_options_free($options);
        }
    }

    public function add(string $record): void
    {
        $ffi = Library::ffi();
        $error = Library::newError();
        Library::check($ffi->socle_export_writer_add($this->handle, Library::bytes($record),
            strlen($record), FFI::addr($error)), $error);
    }

    /**
     * Writes the trailer and makes the file visible.
     *
     * @return array{records: int, bytes: int}
     */
    public function finish(): array
    {
        $ffi = Library::ffi();
        $records = $ffi->new('uint64_t');
        $bytes = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_export_writer_finish($this->handle, FFI::addr($records),
            FFI::addr($bytes), FFI::addr($error)), $error);
        return ['records' => $records->cdata, 'bytes' => $bytes->cdata];
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            Library::ffi()->socle_export_writer_free($this->handle);
        }
    }
}
