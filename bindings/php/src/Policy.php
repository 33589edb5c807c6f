<?php

declare(strict_types=1);

namespace Socle;

use FFI\CData;

/** A loaded, validated policy (immutable). Freed when the object is destroyed. */
final class Policy
{
    private function __construct(private CData $handle)
    {
    }

    /**
     * Parses, validates and compiles a policy in protobuf text format. A SocleException with
     * status SOCLE_E_PARSE or SOCLE_E_POLICY_INVALID carries one Diagnostic per problem.
     */
    public static function load(string $text, ?string $sourceName = null): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_policy*');
        $error = Library::newError();
        $status = $ffi->socle_policy_load($text, strlen($text), $sourceName, \FFI::addr($out),
            \FFI::addr($error));
        Library::check($status, $error);
        return new self($out);
    }

    public static function loadFile(string $path): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_policy*');
        $error = Library::newError();
        Library::check($ffi->socle_policy_load_file($path, \FFI::addr($out), \FFI::addr($error)),
            $error);
        return new self($out);
    }

    public function id(): string
    {
        return Library::string(Library::ffi()->socle_policy_id($this->handle));
    }

    public function revision(): string
    {
        return Library::string(Library::ffi()->socle_policy_revision($this->handle));
    }

    public function digestHex(): string
    {
        return Library::string(Library::ffi()->socle_policy_digest_hex($this->handle));
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    public function __destruct()
    {
        Library::ffi()->socle_policy_free($this->handle);
    }
}
