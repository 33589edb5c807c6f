<?php

declare(strict_types=1);

namespace Socle;

/**
 * A mandate just created (AccessEngine::createMandate()): the state revision, the SHA-256 of its
 * attestation (32 bytes, to print on it; socle/mandate.hpp gives the encoding) and its expiry.
 */
final class MandateCreated
{
    public function __construct(
        public readonly int $revision,
        public readonly string $attestationSha256,
        public readonly int $expiresAtUnixSeconds
    ) {
    }
}
