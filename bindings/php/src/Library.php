<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Loads libsocle through PHP's FFI (the declarations of socle_ffi.h, generated from socle.h) and
 * turns failed calls into SocleException.
 *
 * The library is the file named by the environment variable SOCLE_LIBRARY when it is set (and
 * only that one), else the default soname libsocle.so.<major>, found by the dynamic linker
 * (LD_LIBRARY_PATH, ldconfig's cache).
 *
 * @internal The public API is the other classes of Socle\.
 */
final class Library
{
    private static ?FFI $ffi = null;

    private function __construct()
    {
    }

    public static function ffi(): FFI
    {
        if (self::$ffi === null) {
            self::$ffi = self::load();
        }
        return self::$ffi;
    }

    /** What is loaded when SOCLE_LIBRARY is not set. */
    public static function defaultName(): string
    {
        return 'libsocle.so.' . Native::SOCLE_VERSION_MAJOR;
    }

    private static function load(): FFI
    {
        if (!extension_loaded('ffi')) {
            throw new \RuntimeException('socle needs PHP\'s FFI extension (Debian: php8.2-common provides it)');
        }
        $explicit = getenv('SOCLE_LIBRARY');
        $name = ($explicit !== false && $explicit !== '') ? $explicit : self::defaultName();
        $header = file_get_contents(Native::HEADER_FILE);
        if ($header === false) {
            throw new \RuntimeException('cannot read ' . Native::HEADER_FILE);
        }
        try {
            $ffi = FFI::cdef($header, $name);
        } catch (FFI\Exception $e) {
            throw new \RuntimeException(
                "cannot load libsocle from {$name}: {$e->getMessage()}; set SOCLE_LIBRARY to the "
                . 'path of libsocle.so.N or install socle where the dynamic linker finds it',
                0,
                $e
            );
        }
        // The declarations must match the loaded library: the same major version, and until 1.0
        // (when the ABI may still change on purpose) the same minor version too.
        $number = $ffi->socle_version_number();
        $major = intdiv($number, 10000);
        $minor = intdiv($number, 100) % 100;
        if ($major !== Native::SOCLE_VERSION_MAJOR || $minor < Native::SOCLE_VERSION_MINOR
            || ($major === 0 && $minor !== Native::SOCLE_VERSION_MINOR)) {
            throw new \RuntimeException(sprintf(
                '%s is socle %s, but these bindings were generated for %d.%d',
                $name,
                Library::string($ffi->socle_version_string()),
                Native::SOCLE_VERSION_MAJOR,
                Native::SOCLE_VERSION_MINOR
            ));
        }
        return $ffi;
    }

    /** The version of the loaded library, "MAJOR.MINOR.PATCH". */
    public static function version(): string
    {
        return self::string(self::ffi()->socle_version_string());
    }

    /** A new `socle_error*` to pass by address as the last argument of a call. */
    public static function newError(): CData
    {
        return self::ffi()->new('socle_error*');
    }

    /**
     * Throws the SocleException of a failed call (status != SOCLE_OK), releasing the
     * socle_error; does nothing on success.
     */
    public static function check(int $status, CData $error): void
    {
        if ($status === Native::SOCLE_OK) {
            return;
        }
        $ffi = self::ffi();
        $diagnostics = [];
        $message = '';
        if (!FFI::isNull($error)) {
            $message = Library::string($ffi->socle_error_message($error));
            $count = $ffi->socle_error_diagnostic_count($error);
            for ($i = 0; $i < $count; $i++) {
                $diagnostics[] = new Diagnostic(
                    $ffi->socle_error_diagnostic_severity($error, $i),
                    self::string($ffi->socle_error_diagnostic_code($error, $i)),
                    self::string($ffi->socle_error_diagnostic_path($error, $i)),
                    $ffi->socle_error_diagnostic_line($error, $i),
                    $ffi->socle_error_diagnostic_column($error, $i),
                    self::string($ffi->socle_error_diagnostic_message($error, $i))
                );
            }
            $ffi->socle_error_free($error);
        } else {
            $message = Library::string($ffi->socle_last_error_message());
        }
        throw new SocleException($status, self::string($ffi->socle_status_name($status)),
            $message, $diagnostics);
    }

    /**
     * A borrowed NUL-terminated string, '' for NULL. PHP's FFI already converts the `const char*`
     * results of functions into strings (or null); a CData comes from a struct field.
     */
    public static function string(string|CData|null $text): string
    {
        if ($text === null || is_string($text)) {
            return $text ?? '';
        }
        return FFI::isNull($text) ? '' : FFI::string($text);
    }

    /** A `uint8_t[n]` copy of $bytes (PHP passes strings only to char pointers). */
    public static function bytes(string $bytes): CData
    {
        $n = strlen($bytes);
        $buffer = self::ffi()->new('uint8_t[' . max(1, $n) . ']');
        if ($n > 0) {
            FFI::memcpy($buffer, $bytes, $n);
        }
        return $buffer;
    }

    /** The bytes of a socle_buffer, which is then wiped and released. */
    /**
     * The lines of a buffer a list call filled ("field<TAB>field...<LF>" each), as arrays of
     * fields, after the call's status is checked; the buffer is freed either way.
     */
    public static function rows(int $status, CData $buffer, CData $error): array
    {
        $text = self::take($buffer);
        self::check($status, $error);
        $rows = [];
        foreach (explode("\n", $text) as $line) {
            if ($line !== '') {
                $rows[] = explode("\t", $line);
            }
        }
        return $rows;
    }

    /** Calls the engine write `$function($engine, ...$arguments, &revision, &error)`. */
    public static function writeEngine(string $function, AccessEngine $engine,
                                       mixed ...$arguments): int
    {
        $ffi = self::ffi();
        $revision = $ffi->new('uint64_t');
        $error = self::newError();
        self::check($ffi->$function($engine->handle(),
            ...[...$arguments, FFI::addr($revision), FFI::addr($error)]), $error);
        return $revision->cdata;
    }

    public static function take(CData $buffer): string
    {
        try {
            return $buffer->size > 0 ? FFI::string($buffer->data, $buffer->size) : '';
        } finally {
            self::ffi()->socle_buffer_free(FFI::addr($buffer));
        }
    }

    /**
     * An array of strings as C wants it: `const char* const*` and `const size_t*` lengths. Every
     * string is copied into one block, so the result holds everything the call reads.
     *
     * @param list<string> $strings
     * @return array{0: ?CData, 1: ?CData, 2: CData} pointers, lengths, and the block (one byte
     *         longer than the strings, so every string has an address) to keep alive
     */
    public static function strings(array $strings): array
    {
        $ffi = self::ffi();
        $n = count($strings);
        $joined = implode('', $strings);
        $block = $ffi->new('char[' . (strlen($joined) + 1) . ']');
        if ($joined !== '') {
            FFI::memcpy($block, $joined, strlen($joined));
        }
        if ($n === 0) {
            return [null, null, $block];
        }
        $pointers = $ffi->new("const char*[{$n}]");
        $lengths = $ffi->new("size_t[{$n}]");
        $offset = 0;
        foreach (array_values($strings) as $i => $s) {
            $pointers[$i] = FFI::addr($block[$offset]);
            $lengths[$i] = strlen($s);
            $offset += strlen($s);
        }
        return [$pointers, $lengths, $block];
    }
}
