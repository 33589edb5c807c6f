<?php

declare(strict_types=1);

namespace Socle;

/** A redacted text and how many placeholders of each type it holds ("PERSONNE" => 2…). */
final class Redaction
{
    /** @param array<string, int> $counts */
    public function __construct(public readonly string $text, public readonly array $counts)
    {
    }

    public function __toString(): string
    {
        return $this->text;
    }
}
