<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/** The policy's pseudonym domains with keys derived from master secrets. */
final class Pseudonymizer
{
    private function __construct(private CData $handle)
    {
    }

    /**
     * From master secrets held in memory: [version => secret bytes (16 to 64)], the highest
     * version being the current one.
     *
     * @param array<int, string> $secrets
     */
    public static function fromSecrets(Policy $policy, array $secrets): self
    {
        $ffi = Library::ffi();
        $held = $ffi->new('socle_pseudonym_secrets*');
        $error = Library::newError();
        Library::check($ffi->socle_pseudonym_secrets_new(FFI::addr($held), FFI::addr($error)),
            $error);
        try {
            foreach ($secrets as $version => $secret) {
                $bytes = Library::bytes($secret);
                $error = Library::newError();
                $status = $ffi->socle_pseudonym_secrets_add($held, $version, $bytes,
                    strlen($secret), FFI::addr($error));
                FFI::memset($bytes, 0, FFI::sizeof($bytes));
                Library::check($status, $error);
            }
            $out = $ffi->new('socle_pseudonymizer*');
            $error = Library::newError();
            Library::check($ffi->socle_pseudonymizer_create($policy->handle(), $held, null,
                FFI::addr($out), FFI::addr($error)), $error);
            return new self($out);
        } finally {
            $ffi->socle_pseudonym_secrets_free($held);
        }
    }

    /** From the pseudonymisation secrets held in a vault (they never leave socle). */
    public static function fromVault(Policy $policy, Vault $vault): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_pseudonymizer*');
        $error = Library::newError();
        Library::check($ffi->socle_pseudonymizer_create_from_vault($policy->handle(),
            $vault->handle(), null, FFI::addr($out), FFI::addr($error)), $error);
        return new self($out);
    }

    public function currentVersion(): int
    {
        return Library::ffi()->socle_pseudonymizer_current_version($this->handle);
    }

    /**
     * The pseudonyms of one export to $domain. $relationship names the relationship of a
     * RELATIONSHIP domain ('' otherwise); $version 0 is the current one.
     */
    public function context(string $domain, string $relationship = '', int $version = 0):
    PseudonymContext
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_pseudonym_context*');
        $error = Library::newError();
        Library::check($ffi->socle_pseudonymizer_new_context($this->handle, $domain,
            strlen($domain), $relationship === '' ? null : $relationship, strlen($relationship),
            $version, FFI::addr($out), FFI::addr($error)), $error);
        return new PseudonymContext($out);
    }

    public function __destruct()
    {
        Library::ffi()->socle_pseudonymizer_free($this->handle);
    }
}
