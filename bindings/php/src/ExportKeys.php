<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * @internal What the export classes share: keys as bytes, the checks of a refused file.
 */
final class ExportKeys
{
    public const BYTES = Native::SOCLE_EXPORT_KEY_BYTES;

    private function __construct()
    {
    }

    /** A 32-byte key copied out of a handle by $function(handle, out, capacity, error). */
    public static function copy(string $function, CData $handle): string
    {
        $ffi = Library::ffi();
        $out = $ffi->new('uint8_t[' . self::BYTES . ']');
        $error = Library::newError();
        Library::check($ffi->$function($handle, $out, self::BYTES, FFI::addr($error)), $error);
        try {
            return FFI::string($out, self::BYTES);
        } finally {
            FFI::memset($out, 0, self::BYTES);
        }
    }

    /** Raw bytes from 32 bytes or 64 hex digits, or a key object's public key. */
    public static function bytes(string|RecipientKey|ExportSigningKey $key): string
    {
        if (!is_string($key)) {
            return $key->publicKey();
        }
        if (strlen($key) === 2 * self::BYTES && ctype_xdigit($key)) {
            return (string) hex2bin($key);
        }
        return $key;
    }

    /**
     * As Library::check(), throwing an ExportFileException when the error names a problem of the
     * file (its problem and offset).
     */
    public static function check(int $status, CData $error): void
    {
        if ($status === Native::SOCLE_OK) {
            return;
        }
        $ffi = Library::ffi();
        $problem = FFI::isNull($error) ? 0 : $ffi->socle_error_export_problem($error);
        if ($problem === Native::SOCLE_EXPORT_PROBLEM_NONE) {
            Library::check($status, $error);
        }
        $message = Library::string($ffi->socle_error_message($error));
        $offset = $ffi->socle_error_export_offset($error);
        $ffi->socle_error_free($error);
        throw new ExportFileException($status, Library::string($ffi->socle_status_name($status)),
            $message, $problem, $offset);
    }

    /**
     * Reader options: trusted issuers (32 bytes or hex each), a recipient key (or its 32-byte
     * secret), the limits (0: default). The caller frees them with socle_export_reader_options_free.
     *
     * @param list<string|ExportSigningKey> $trustedIssuers
     */
    public static function readerOptions(RecipientKey|string|null $key, array $trustedIssuers,
                                         int $maxHeaderBytes = 0, int $maxRecordBytes = 0,
                                         int $maxRecipients = 0): CData
    {
        $ffi = Library::ffi();
        $options = $ffi->new('socle_export_reader_options*');
        $error = Library::newError();
        Library::check($ffi->socle_export_reader_options_new(FFI::addr($options),
            FFI::addr($error)), $error);
        try {
            foreach ($trustedIssuers as $issuer) {
                $bytes = self::bytes($issuer);
                Library::check($ffi->socle_export_reader_options_add_trusted_issuer($options,
                    Library::bytes($bytes), strlen($bytes), FFI::addr($error)), $error);
            }
            if ($key !== null) {
                $recipient = is_string($key) ? RecipientKey::fromSecret($key) : $key;
                Library::check($ffi->socle_export_reader_options_set_key($options,
                    $recipient->handle(), FFI::addr($error)), $error);
            }
            Library::check($ffi->socle_export_reader_options_set_limits($options,
                $maxHeaderBytes, $maxRecordBytes, $maxRecipients, FFI::addr($error)), $error);
        } catch (\Throwable $e) {
            $ffi->socle_export_reader_options_free($options);
            throw $e;
        }
        return $options;
    }
}
