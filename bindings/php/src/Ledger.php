<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * A tamper-evident, append-only ledger (a Merkle tree with signed checkpoints) in its own SQLite
 * file or PostgreSQL schema, its keys in a Vault (which the ledger keeps alive). Safe for
 * concurrent use; freed when the object is destroyed. docs/ledger.md.
 */
final class Ledger
{
    private function __construct(private CData $handle)
    {
    }

    /**
     * Opens the ledger $name ("access_trail", "state") in $dbPath (created, mode 0600, if
     * missing). $durability: Native::SOCLE_DURABILITY_* (null: group commit).
     * Storage::openLedger() opens a ledger of a Storage (a directory or a PostgreSQL database).
     */
    public static function open(Vault $vault, string $dbPath, string $name = 'access_trail',
                                ?int $durability = null): self
    {
        return self::withOptions($durability, static fn(FFI $ffi, CData $options, CData $out,
                                                        CData $error): int =>
            $ffi->socle_ledger_open($vault->handle(), $dbPath, $name, strlen($name), $options,
                $out, $error));
    }

    /** @internal Storage::openLedger(). */
    public static function openIn(Vault $vault, Storage $storage, string $name,
                                  ?int $durability): self
    {
        return self::withOptions($durability, static fn(FFI $ffi, CData $options, CData $out,
                                                        CData $error): int =>
            $ffi->socle_ledger_open_in($vault->handle(), $storage->handle(), $name,
                strlen($name), $options, $out, $error));
    }

    /** Calls $open(ffi, options, socle_ledger**, socle_error**) with the options set. */
    private static function withOptions(?int $durability, callable $open): self
    {
        $ffi = Library::ffi();
        $options = $ffi->new('socle_ledger_options*');
        $error = Library::newError();
        Library::check($ffi->socle_ledger_options_new(FFI::addr($options), FFI::addr($error)),
            $error);
        try {
            if ($durability !== null) {
                $error = Library::newError();
                Library::check($ffi->socle_ledger_options_set_durability($options, $durability,
                    FFI::addr($error)), $error);
            }
            $out = $ffi->new('socle_ledger*');
            $error = Library::newError();
            Library::check($open($ffi, $options, FFI::addr($out), FFI::addr($error)), $error);
        } finally {
            $ffi->socle_ledger_options_free($options);
        }
        return new self($out);
    }

    public function __destruct()
    {
        Library::ffi()->socle_ledger_free($this->handle);
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    /** The checkpoints' origin line ("socle/<tenant>/<name>"). */
    public function origin(): string
    {
        return Library::string(Library::ffi()->socle_ledger_origin($this->handle));
    }

    /** The C2SP note verifier key of the checkpoints, for third parties. */
    public function verifierKey(): string
    {
        return Library::string(Library::ffi()->socle_ledger_verifier_key($this->handle));
    }

    /**
     * Appends one entry of $type (Native::SOCLE_LEDGER_ENTRY_*), sealed for $person when not
     * empty; returns its ticket for waitDurable().
     */
    public function append(int $type, string $payload, string $person = ''): int
    {
        $ffi = Library::ffi();
        $ticket = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_ledger_append($this->handle, $type, $person, strlen($person),
            Library::bytes($payload), strlen($payload), FFI::addr($ticket), FFI::addr($error)),
            $error);
        return $ticket->cdata;
    }

    /** Waits until the entries of $ticket are durable; returns the index of the first. */
    public function waitDurable(int $ticket): int
    {
        $ffi = Library::ffi();
        $index = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_ledger_wait_durable($this->handle, $ticket, FFI::addr($index),
            FFI::addr($error)), $error);
        return $index->cdata;
    }

    public function flush(): void
    {
        $error = Library::newError();
        Library::check(Library::ffi()->socle_ledger_flush($this->handle, FFI::addr($error)),
            $error);
    }

    /** The number of entries in the database. */
    public function size(): int
    {
        $ffi = Library::ffi();
        $out = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_ledger_size($this->handle, FFI::addr($out), FFI::addr($error)),
            $error);
        return $out->cdata;
    }

    /**
     * Signs a checkpoint of the current tree (or returns the latest if it covers it).
     *
     * @return array{size: int, root: string, note: string}
     */
    public function checkpoint(): array
    {
        $ffi = Library::ffi();
        $note = $ffi->new('socle_buffer');
        $size = $ffi->new('uint64_t');
        $root = $ffi->new('uint8_t[' . Native::SOCLE_LEDGER_HASH_BYTES . ']');
        $error = Library::newError();
        Library::check($ffi->socle_ledger_checkpoint($this->handle, FFI::addr($note),
            FFI::addr($size), $root, Native::SOCLE_LEDGER_HASH_BYTES, FFI::addr($error)), $error);
        return ['size' => $size->cdata, 'note' => Library::take($note),
            'root' => FFI::string($root, Native::SOCLE_LEDGER_HASH_BYTES)];
    }

    /**
     * The inclusion proof of entry $index in the tree of $treeSize entries (0: the latest
     * checkpoint's).
     *
     * @return array{tree_size: int, leaf_hash: string, hashes: list<string>}
     */
    public function proveInclusion(int $index, int $treeSize = 0): array
    {
        $ffi = Library::ffi();
        $size = $ffi->new('uint64_t');
        $leaf = $ffi->new('uint8_t[' . Native::SOCLE_LEDGER_HASH_BYTES . ']');
        $capacity = 64 * Native::SOCLE_LEDGER_HASH_BYTES;
        $hashes = $ffi->new("uint8_t[{$capacity}]");
        $count = $ffi->new('size_t');
        $error = Library::newError();
        Library::check($ffi->socle_ledger_prove_inclusion($this->handle, $index, $treeSize,
            FFI::addr($size), $leaf, Native::SOCLE_LEDGER_HASH_BYTES, $hashes, $capacity,
            FFI::addr($count), FFI::addr($error)), $error);
        $raw = $count->cdata > 0
            ? FFI::string($hashes, $count->cdata * Native::SOCLE_LEDGER_HASH_BYTES) : '';
        return ['tree_size' => $size->cdata,
            'leaf_hash' => FFI::string($leaf, Native::SOCLE_LEDGER_HASH_BYTES),
            'hashes' => $raw === '' ? [] : str_split($raw, Native::SOCLE_LEDGER_HASH_BYTES)];
    }

    /**
     * Recomputes every hash, row MAC and checkpoint.
     *
     * @return array{ok: bool, entries: int, first_bad_index: int, problem: string}
     */
    public function verify(): array
    {
        $ffi = Library::ffi();
        $ok = $ffi->new('int32_t');
        $entries = $ffi->new('uint64_t');
        $bad = $ffi->new('uint64_t');
        $problem = $ffi->new('socle_buffer');
        $error = Library::newError();
        Library::check($ffi->socle_ledger_verify($this->handle, FFI::addr($ok),
            FFI::addr($entries), FFI::addr($bad), FFI::addr($problem), FFI::addr($error)), $error);
        return ['ok' => $ok->cdata === 1, 'entries' => $entries->cdata,
            'first_bad_index' => $bad->cdata, 'problem' => Library::take($problem)];
    }

    /** Always throws SOCLE_E_LOG_TAMPER_ATTEMPT, after recording a tamper alert. */
    public function updateEntry(int $index, string $actor): void
    {
        $error = Library::newError();
        Library::check(Library::ffi()->socle_ledger_update_entry($this->handle, $index, $actor,
            strlen($actor), FFI::addr($error)), $error);
    }

    /** Always throws SOCLE_E_LOG_TAMPER_ATTEMPT, after recording a tamper alert. */
    public function deleteEntry(int $index, string $actor): void
    {
        $error = Library::newError();
        Library::check(Library::ffi()->socle_ledger_delete_entry($this->handle, $index, $actor,
            strlen($actor), FFI::addr($error)), $error);
    }
}
