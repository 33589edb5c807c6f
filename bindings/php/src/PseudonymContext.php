<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/** The pseudonyms of one export to one domain (Pseudonymizer::context()). Immutable. */
final class PseudonymContext
{
    /** @internal */
    public function __construct(private CData $handle)
    {
    }

    /** The pseudonym of $id: its text form (27 characters), or its 16 bytes with $binary. */
    public function compute(string $id, bool $binary = false): string
    {
        $ffi = Library::ffi();
        $size = $binary ? Native::SOCLE_PSEUDONYM_BYTES : Native::SOCLE_PSEUDONYM_TEXT_LEN;
        $out = $ffi->new("uint8_t[{$size}]");
        $error = Library::newError();
        Library::check($ffi->socle_pseudonym_context_compute($this->handle, Library::bytes($id),
            strlen($id), $binary ? Native::SOCLE_PSEUDONYM_FORMAT_BINARY
                : Native::SOCLE_PSEUDONYM_FORMAT_TEXT, $out, $size, FFI::addr($error)), $error);
        return FFI::string($out, $size);
    }

    /**
     * The pseudonyms of many identifiers in one call.
     *
     * @param list<string> $ids
     * @return list<string>
     */
    public function computeMany(array $ids, bool $binary = false): array
    {
        $n = count($ids);
        if ($n === 0) {
            return [];
        }
        $ffi = Library::ffi();
        $size = $binary ? Native::SOCLE_PSEUDONYM_BYTES : Native::SOCLE_PSEUDONYM_TEXT_LEN;
        [, $lengths, $block] = Library::strings($ids);
        $out = $ffi->new('uint8_t[' . ($n * $size) . ']');
        $error = Library::newError();
        Library::check($ffi->socle_pseudonym_context_compute_batch($this->handle,
            $ffi->cast('const uint8_t*', FFI::addr($block[0])), $lengths, $n,
            $binary ? Native::SOCLE_PSEUDONYM_FORMAT_BINARY : Native::SOCLE_PSEUDONYM_FORMAT_TEXT,
            $out, $n * $size, FFI::addr($error)), $error);
        return str_split(FFI::string($out, $n * $size), $size);
    }

    public function __destruct()
    {
        Library::ffi()->socle_pseudonym_context_free($this->handle);
    }
}
