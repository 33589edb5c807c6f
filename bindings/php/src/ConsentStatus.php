<?php

declare(strict_types=1);

namespace Socle;

/**
 * Whether a consent is valid (AccessEngine::consentStatus()): its state
 * (Native::SOCLE_CONSENT_STATE_*) and the revision of the consent the answer rests on (0 when
 * none was given).
 */
final class ConsentStatus
{
    public function __construct(public readonly int $state, public readonly int $revision)
    {
    }

    public function valid(): bool
    {
        return $this->state === Native::SOCLE_CONSENT_STATE_VALID;
    }

    /** The stable name of the state ("valid", "incomplete_for_minor"…). */
    public function name(): string
    {
        return Library::string(Library::ffi()->socle_consent_state_name($this->state));
    }
}
