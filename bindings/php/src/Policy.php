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

    /**
     * The register of processing activities (GDPR art. 30(1) a-g for every activity) as
     * 'markdown' (alias 'md'), 'json' (schema socle.v1.Register) or 'jsonld' (JSON-LD in the W3C
     * Data Privacy Vocabulary), in $language 'fr' (the default: the headings of the CNIL's model
     * register) or 'en'. A SocleException with SOCLE_E_INVALID_ARGUMENT for any other format or
     * language.
     */
    public function renderRegister(string $format = 'markdown', string $language = 'fr'): string
    {
        $formats = [
            'markdown' => Native::SOCLE_REGISTER_MARKDOWN,
            'md' => Native::SOCLE_REGISTER_MARKDOWN,
            'json' => Native::SOCLE_REGISTER_JSON,
            'jsonld' => Native::SOCLE_REGISTER_JSONLD,
        ];
        $languages = [
            'fr' => Native::SOCLE_REGISTER_LANG_FR,
            'en' => Native::SOCLE_REGISTER_LANG_EN,
        ];
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $error = Library::newError();
        // An unknown name goes to the library as 0, which refuses it and names the parameter.
        $status = $ffi->socle_policy_render_register_lang($this->handle, $formats[$format] ?? 0,
            $languages[$language] ?? 0, \FFI::addr($out), \FFI::addr($error));
        $text = Library::take($out);
        Library::check($status, $error);
        return $text;
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
