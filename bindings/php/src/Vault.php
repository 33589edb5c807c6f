<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Encryption at rest with one data key per person, and crypto-shredding. Records are bound to
 * (tenant, person, record, schema version).
 */
final class Vault
{
    private function __construct(private CData $handle)
    {
    }

    /**
     * Opens (or creates, mode 0600) the vault database at $dbPath for $tenant.
     * Storage::openVault() opens the vault of a Storage (a directory or a PostgreSQL database).
     */
    public static function open(KeyProvider $provider, string $dbPath, string $tenant): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_vault*');
        $error = Library::newError();
        Library::check($ffi->socle_vault_open($provider->handle(), $dbPath, $tenant,
            strlen($tenant), null, FFI::addr($out), FFI::addr($error)), $error);
        return new self($out);
    }

    /** @internal Storage::openVault(). */
    public static function openIn(KeyProvider $provider, Storage $storage, string $tenant): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_vault*');
        $error = Library::newError();
        Library::check($ffi->socle_vault_open_in($provider->handle(), $storage->handle(),
            $tenant, strlen($tenant), null, FFI::addr($out), FFI::addr($error)), $error);
        return new self($out);
    }

    /** Encrypts $plaintext for the record; the result is SOCLE_VAULT_SEAL_OVERHEAD bytes longer. */
    public function sealRecord(string $personId, string $recordId, string $plaintext,
                               int $schemaVersion = 1): string
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $error = Library::newError();
        $input = Library::bytes($plaintext);
        try {
            Library::check($ffi->socle_vault_seal_record($this->handle, $personId,
                strlen($personId), $recordId, strlen($recordId), $schemaVersion, $input,
                strlen($plaintext), FFI::addr($out), FFI::addr($error)), $error);
        } finally {
            FFI::memset($input, 0, FFI::sizeof($input));
        }
        return Library::take($out);
    }

    /**
     * Decrypts what sealRecord() returned for the same record. SOCLE_E_VERIFICATION_FAILED for
     * altered or misplaced bytes, SOCLE_E_NOT_FOUND once the person was shredded.
     */
    public function openRecord(string $personId, string $recordId, string $sealed,
                               int $schemaVersion = 1): string
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $error = Library::newError();
        Library::check($ffi->socle_vault_open_record($this->handle, $personId, strlen($personId),
            $recordId, strlen($recordId), $schemaVersion, Library::bytes($sealed),
            strlen($sealed), FFI::addr($out), FFI::addr($error)), $error);
        return Library::take($out);
    }

    /** Crypto-shredding: every record sealed for the person becomes unreadable for good. */
    public function shredPerson(string $personId): void
    {
        $ffi = Library::ffi();
        $error = Library::newError();
        Library::check($ffi->socle_vault_shred_person($this->handle, $personId,
            strlen($personId), FFI::addr($error)), $error);
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    public function __destruct()
    {
        Library::ffi()->socle_vault_free($this->handle);
    }
}
