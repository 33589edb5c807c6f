<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * A recipient's X25519 key pair for sealed export files. Immutable. Keep secretKey(); give
 * publicKey() (or publicKeyHex()) to the issuer.
 */
final class RecipientKey
{
    private function __construct(private CData $handle)
    {
    }

    public static function generate(): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_export_recipient_key*');
        $error = Library::newError();
        Library::check($ffi->socle_export_recipient_key_generate(FFI::addr($out),
            FFI::addr($error)), $error);
        return new self($out);
    }

    /** The key pair of a stored 32-byte secret key (SOCLE_E_INVALID_ARGUMENT otherwise). */
    public static function fromSecret(string $secret): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_export_recipient_key*');
        $error = Library::newError();
        $bytes = Library::bytes($secret);
        try {
            Library::check($ffi->socle_export_recipient_key_from_secret($bytes, strlen($secret),
                FFI::addr($out), FFI::addr($error)), $error);
        } finally {
            FFI::memset($bytes, 0, FFI::sizeof($bytes));
        }
        return new self($out);
    }

    /** The 32-byte public key. */
    public function publicKey(): string
    {
        return ExportKeys::copy('socle_export_recipient_key_public_key', $this->handle);
    }

    public function publicKeyHex(): string
    {
        return bin2hex($this->publicKey());
    }

    /** The 32-byte secret key, to store it. */
    public function secretKey(): string
    {
        return ExportKeys::copy('socle_export_recipient_key_secret_key', $this->handle);
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    public function __destruct()
    {
        Library::ffi()->socle_export_recipient_key_free($this->handle);
    }
}
