<?php

declare(strict_types=1);

namespace Socle;

/**
 * A failed socle call: the status code (SOCLE_E_*, also getCode()), its stable name
 * ("POLICY_INVALID"), the message, and for a policy one Diagnostic per problem found.
 */
class SocleException extends \RuntimeException
{
    /** @param list<Diagnostic> $diagnostics */
    public function __construct(
        private readonly int $status,
        private readonly string $statusName,
        string $message,
        private readonly array $diagnostics = []
    ) {
        $text = $message;
        foreach ($diagnostics as $d) {
            $text .= "\n  " . $d;
        }
        parent::__construct($text, $status);
    }

    /** SOCLE_E_* (Native::SOCLE_E_PARSE…). */
    public function status(): int
    {
        return $this->status;
    }

    public function statusName(): string
    {
        return $this->statusName;
    }

    /** @return list<Diagnostic> */
    public function diagnostics(): array
    {
        return $this->diagnostics;
    }
}
