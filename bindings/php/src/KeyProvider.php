<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/** Holds the master key that wraps the vault's data keys: a passphrase-protected key file. */
final class KeyProvider
{
    private function __construct(private CData $handle)
    {
    }

    /**
     * Creates a new key file (mode 0600) protected by $passphrase (8 bytes or more). Argon2id
     * cost: 0 and 0 for the default; below 2 and 64 MiB is refused.
     */
    public static function createKeyFile(string $path, string $passphrase, int $opslimit = 0,
                                         int $memlimitBytes = 0): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_key_provider*');
        $error = Library::newError();
        $secret = Library::bytes($passphrase);
        try {
            Library::check($ffi->socle_key_provider_create_key_file($path, $secret,
                strlen($passphrase), $opslimit, $memlimitBytes, FFI::addr($out),
                FFI::addr($error)), $error);
        } finally {
            FFI::memset($secret, 0, FFI::sizeof($secret));
        }
        return new self($out);
    }

    /** Opens and unlocks an existing key file (SOCLE_E_VERIFICATION_FAILED: wrong passphrase). */
    public static function openKeyFile(string $path, string $passphrase): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_key_provider*');
        $error = Library::newError();
        $secret = Library::bytes($passphrase);
        try {
            Library::check($ffi->socle_key_provider_open_key_file($path, $secret,
                strlen($passphrase), FFI::addr($out), FFI::addr($error)), $error);
        } finally {
            FFI::memset($secret, 0, FFI::sizeof($secret));
        }
        return new self($out);
    }

    public function keyId(): string
    {
        return Library::string(Library::ffi()->socle_key_provider_key_id($this->handle));
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    public function __destruct()
    {
        Library::ffi()->socle_key_provider_free($this->handle);
    }
}
