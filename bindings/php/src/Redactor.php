<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Redacts free text: the identities the case file knows, then NIRs, phone numbers, e-mails,
 * IBANs and birth dates found by their shape. Immutable.
 */
final class Redactor
{
    private function __construct(private CData $handle)
    {
    }

    /**
     * @param list<array{0: int, 1: int, 2: string}> $identities [kind (Native::SOCLE_IDENTITY_*),
     *        person number, value]
     */
    public static function create(array $identities = []): self
    {
        $ffi = Library::ffi();
        $n = count($identities);
        $values = array_map(static fn(array $i): string => $i[2], array_values($identities));
        [, , $block] = Library::strings($values);
        $c = $n > 0 ? $ffi->new("socle_known_identity[{$n}]") : null;
        $offset = 0;
        foreach (array_values($identities) as $i => [$kind, $person, $value]) {
            $c[$i]->kind = $kind;
            $c[$i]->person = $person;
            $c[$i]->value = FFI::addr($block[$offset]);
            $c[$i]->value_len = strlen($value);
            $offset += strlen($value);
        }
        $out = $ffi->new('socle_redactor*');
        $error = Library::newError();
        Library::check($ffi->socle_redactor_create($c === null ? null : FFI::addr($c[0]), $n,
            null, FFI::addr($out), FFI::addr($error)), $error);
        return new self($out);
    }

    /** From the text format of `socle redact --known` (docs/redaction.md). */
    public static function fromText(string $known): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_redactor*');
        $error = Library::newError();
        Library::check($ffi->socle_redactor_create_from_text($known, strlen($known), null,
            FFI::addr($out), FFI::addr($error)), $error);
        return new self($out);
    }

    public function redact(string $text): Redaction
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $n = Native::SOCLE_REDACTION_TYPE_COUNT;
        $counts = $ffi->new("uint64_t[{$n}]");
        $error = Library::newError();
        Library::check($ffi->socle_redactor_redact($this->handle, $text, strlen($text),
            FFI::addr($out), FFI::addr($counts[0]), $n, FFI::addr($error)), $error);
        $byType = [];
        for ($i = 0; $i < $n; $i++) {
            $byType[Library::string($ffi->socle_redaction_type_name($i))] = $counts[$i];
        }
        return new Redaction(Library::take($out), $byType);
    }

    public function __destruct()
    {
        Library::ffi()->socle_redactor_free($this->handle);
    }
}
