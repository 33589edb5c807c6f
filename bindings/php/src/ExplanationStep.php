<?php

declare(strict_types=1);

namespace Socle;

/** One check of an Explanation: which, whether it passed, the policy element it rests on. */
final class ExplanationStep
{
    public function __construct(
        public readonly string $check,   // "need_to_know", "habilitation"…
        public readonly bool $passed,
        public readonly bool $decisive,
        public readonly string $rule,    // "habilitations[2]"
        public readonly string $detail   // a sentence a DPO can read
    ) {
    }
}
