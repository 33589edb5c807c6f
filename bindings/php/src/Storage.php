<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Where the vault and the ledgers live (socle_storage; docs/postgresql.md). One location chooses
 * the backend of the vault, the access trail and the state ledger at once: a directory (SQLite
 * files vault.db and <ledger name>.db, created with mode 0700 if absent) or a PostgreSQL
 * database named by a libpq URI ("postgresql://…" or "postgres://…"), shared by every
 * application server, which then needs $witnessDir, a local directory of this server for the
 * ledgers' witness files.
 *
 *     $storage = Storage::open('/var/lib/ccas');
 *     $vault = $storage->openVault($provider, 'ccas-1');
 *     $trail = $storage->openLedger($vault, 'access_trail');
 *
 * Messages name a URI without its password or query. Immutable: safe for concurrent use. The
 * vaults and ledgers it opened stay open when it is destroyed.
 */
final class Storage
{
    private function __construct(private CData $handle)
    {
    }

    /**
     * Opens $location, a directory or a PostgreSQL URI. Connects to nothing yet: openVault()
     * and openLedger() connect. A file where the directory should be, a malformed URI (never
     * quoted: it may hold a password) or a URI without $witnessDir is
     * SOCLE_E_INVALID_ARGUMENT.
     */
    public static function open(string $location, ?string $witnessDir = null): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_storage*');
        $error = Library::newError();
        Library::check($ffi->socle_storage_open($location, $witnessDir, FFI::addr($out),
            FFI::addr($error)), $error);
        return new self($out);
    }

    /** Whether the location is a PostgreSQL database (false: a directory). */
    public function isPostgresql(): bool
    {
        return Library::ffi()->socle_storage_is_postgresql($this->handle) === 1;
    }

    /** The location as shown in messages (a URI without its password or query). */
    public function location(): string
    {
        return Library::string(Library::ffi()->socle_storage_location($this->handle));
    }

    /** Vault::open() on this storage: the directory's vault.db, or the database's schema. */
    public function openVault(KeyProvider $provider, string $tenant): Vault
    {
        return Vault::openIn($provider, $this, $tenant);
    }

    /**
     * Ledger::open() on this storage: the directory's <name>.db, or the database's schema
     * socle_<name> (name at most 57 bytes). The witness is beside the file, or
     * <witnessDir>/<name>.checkpoint. $durability: Native::SOCLE_DURABILITY_* (null: group
     * commit).
     */
    public function openLedger(Vault $vault, string $name = 'access_trail',
                               ?int $durability = null): Ledger
    {
        return Ledger::openIn($vault, $this, $name, $durability);
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    public function __destruct()
    {
        Library::ffi()->socle_storage_free($this->handle);
    }
}
