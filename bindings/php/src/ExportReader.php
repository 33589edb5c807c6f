<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Reads one .socle export file: iterating (foreach) yields each record decoded from its JSON
 * form (protobuf's JSON mapping with the .proto field names, decoded with the descriptors the
 * file carries) as an associative array, each only after the frame holding it was verified; the
 * iteration ends once the trailer verified. A refused file throws ExportFileException (problem,
 * offset), at the header or at the record where it was found. One thread at a time; iterate once.
 *
 * @implements \IteratorAggregate<int, array<string, mixed>>
 */
final class ExportReader implements \IteratorAggregate
{
    private CData $handle;

    /**
     * $key (a RecipientKey or its 32-byte secret) opens a sealed file; $trustedIssuers (32-byte
     * public keys, hex, or ExportSigningKey objects), when given, are the only issuers accepted.
     *
     * @param list<string|ExportSigningKey> $trustedIssuers
     */
    public function __construct(string $path, RecipientKey|string|null $key = null,
                                array $trustedIssuers = [], int $maxHeaderBytes = 0,
                                int $maxRecordBytes = 0)
    {
        $ffi = Library::ffi();
        $options = ExportKeys::readerOptions($key, $trustedIssuers, $maxHeaderBytes,
            $maxRecordBytes);
        $out = $ffi->new('socle_export_reader*');
        $error = Library::newError();
        try {
            ExportKeys::check($ffi->socle_export_reader_open($path, $options, FFI::addr($out),
                FFI::addr($error)), $error);
        } finally {
            $ffi->socle_export_reader_options_free($options);
        }
        $this->handle = $out;
    }

    /** Native::SOCLE_EXPORT_KIND_*. */
    public function kind(): int
    {
        return Library::ffi()->socle_export_reader_kind($this->handle);
    }

    /** "access_request", "portability"… */
    public function kindName(): string
    {
        return Library::string(Library::ffi()->socle_export_kind_name($this->kind()));
    }

    public function sealed(): bool
    {
        return Library::ffi()->socle_export_reader_sealed($this->handle) === 1;
    }

    /** The issuer's 32-byte Ed25519 public key. */
    public function issuerPublicKey(): string
    {
        return ExportKeys::copy('socle_export_reader_issuer_public_key', $this->handle);
    }

    /**
     * The header without its descriptors, decoded from its JSON form.
     *
     * @return array<string, mixed>
     */
    public function header(): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $error = Library::newError();
        Library::check($ffi->socle_export_reader_header_json($this->handle, FFI::addr($out),
            FFI::addr($error)), $error);
        return json_decode(Library::take($out), true, 512, JSON_THROW_ON_ERROR);
    }

    /**
     * The next record as JSON text, or null at the end (the trailer verified).
     */
    public function nextJson(): ?string
    {
        return $this->next('socle_export_reader_next_json');
    }

    /** The next record's serialized bytes (for protoc-generated classes), or null at the end. */
    public function nextBytes(): ?string
    {
        return $this->next('socle_export_reader_next');
    }

    /** @return \Generator<int, array<string, mixed>> */
    public function getIterator(): \Generator
    {
        while (($json = $this->nextJson()) !== null) {
            yield json_decode($json, true, 512, JSON_THROW_ON_ERROR);
        }
    }

    public function recordsRead(): int
    {
        return Library::ffi()->socle_export_reader_records_read($this->handle);
    }

    private function next(string $function): ?string
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $has = $ffi->new('int32_t');
        $error = Library::newError();
        ExportKeys::check($ffi->$function($this->handle, FFI::addr($out), FFI::addr($has),
            FFI::addr($error)), $error);
        $record = Library::take($out);
        return $has->cdata === 1 ? $record : null;
    }

    public function __destruct()
    {
        Library::ffi()->socle_export_reader_free($this->handle);
    }
}
