<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/** The issuer's Ed25519 key of export files. Immutable; its seed never leaves the library. */
final class ExportSigningKey
{
    private function __construct(private CData $handle)
    {
    }

    /** The tenant's key, derived from its vault: every process of the tenant signs alike. */
    public static function fromVault(Vault $vault): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_export_signing_key*');
        $error = Library::newError();
        Library::check($ffi->socle_export_signing_key_from_vault($vault->handle(),
            FFI::addr($out), FFI::addr($error)), $error);
        return new self($out);
    }

    /** A new random key (tests, one-off files). */
    public static function generate(): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_export_signing_key*');
        $error = Library::newError();
        Library::check($ffi->socle_export_signing_key_generate(FFI::addr($out),
            FFI::addr($error)), $error);
        return new self($out);
    }

    /** The 32-byte Ed25519 public key, for readers' trusted issuers. */
    public function publicKey(): string
    {
        return ExportKeys::copy('socle_export_signing_key_public_key', $this->handle);
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    public function __destruct()
    {
        Library::ffi()->socle_export_signing_key_free($this->handle);
    }
}
