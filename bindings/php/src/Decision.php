<?php

declare(strict_types=1);

namespace Socle;

/** The answer to an AccessRequest. */
final class Decision
{
    public function __construct(
        public readonly int $effect,       // Native::SOCLE_EFFECT_*
        public readonly int $reason,       // Native::SOCLE_REASON_*
        public readonly int $rule,         // AccessEngine::ruleName() renders it
        public readonly int $obligations,  // Native::SOCLE_OBLIGATION_* bits
        public readonly int $revision
    ) {
    }

    /** @internal From a socle_decision. */
    public static function fromC(\FFI\CData $d): self
    {
        return new self($d->effect, $d->reason, $d->rule, $d->obligations, $d->revision);
    }

    public function allowed(): bool
    {
        return $this->effect === Native::SOCLE_EFFECT_ALLOW;
    }

    /** The stable name of the reason ("role_does_not_allow"). */
    public function reasonName(): string
    {
        return Library::string(Library::ffi()->socle_reason_name($this->reason));
    }
}
