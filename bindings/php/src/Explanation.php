<?php

declare(strict_types=1);

namespace Socle;

/** A decision and the trace of every check the engine ran for it. */
final class Explanation
{
    /** @param list<ExplanationStep> $steps */
    public function __construct(
        public readonly Decision $decision,
        public readonly array $steps,
        public readonly string $text
    ) {
    }

    /** The step that gave the decision its reason. */
    public function decisiveStep(): ?ExplanationStep
    {
        foreach ($this->steps as $step) {
            if ($step->decisive) {
                return $step;
            }
        }
        return null;
    }

    public function __toString(): string
    {
        return $this->text;
    }
}
