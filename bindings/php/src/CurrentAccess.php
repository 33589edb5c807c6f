<?php

declare(strict_types=1);

namespace Socle;

/** One line of AccessTrail::currentAccess(): who may read the file now, and why. */
final class CurrentAccess
{
    public function __construct(
        public readonly string $professional,
        public readonly string $role,        // a Role id of the policy
        public readonly string $structure,   // or ""
        public readonly string $basis,       // "team", "referent", "grant", "break_glass"
        public readonly string $team,        // for "team": the team shared with the case; or ""
        public readonly ?int $expiresAt      // Unix seconds a grant or session ends; null: no end
    ) {
    }
}
