<?php

declare(strict_types=1);

namespace Socle;

/** One problem of a policy: where (path, line, column; 0 when unknown) and what. */
final class Diagnostic
{
    public function __construct(
        public readonly int $severity,   // Native::SOCLE_SEVERITY_*
        public readonly string $code,    // "statistics.threshold_too_low"
        public readonly string $path,    // "statistics.small_cell_threshold"
        public readonly int $line,
        public readonly int $column,
        public readonly string $message
    ) {
    }

    public function isError(): bool
    {
        return $this->severity === Native::SOCLE_SEVERITY_ERROR;
    }

    public function __toString(): string
    {
        $kind = $this->isError() ? 'error' : 'warning';
        $code = $this->code !== '' ? " [{$this->code}]" : '';
        return "{$this->line}:{$this->column}: {$kind}: {$this->message}{$code}";
    }
}
