<?php

declare(strict_types=1);

namespace Socle;

/**
 * One access question, in dense ids (AccessEngine::find*). The defaults are those of
 * socle_access_request_init(): read, a fact, no author, not masked, no item, now, no
 * restriction justification ($restrictionJustification: SOCLE_RESTRICTION_JUSTIFICATION_*, the
 * ground of GDPR art. 18(2) for reading an item whose processing is restricted).
 */
final class AccessRequest
{
    public function __construct(
        public int $actor,
        public int $person,
        public int $category,
        public int $purpose,
        public int $action = Native::SOCLE_ACTION_READ,
        public int $entryKind = Native::SOCLE_ENTRY_FACT,
        public int $author = Native::SOCLE_NO_ID,
        public bool $masked = false,
        public ?string $item = null,
        public int $timeUnixSeconds = 0,
        public int $restrictionJustification = Native::SOCLE_RESTRICTION_JUSTIFICATION_NONE
    ) {
    }
}
