<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * The right to erasure (GDPR art. 17; socle/erasure.hpp; docs/retention-and-rights.md), as static
 * functions over an AccessEngine (and its AccessTrail, which shreds, and a Vault restored from a
 * backup): a decision per data category (erase, or refuse with the art. 17(3) exception and the
 * policy element it rests on), the erasure itself (the tombstone recorded first, then the
 * person's vault key crypto-shredded), the tombstones a restore reads, and legal holds. socle
 * holds no case data: the vendor deletes its rows of the categories 'vendor_delete' lists.
 *
 * An erasure is an associative array: whole, all_erased, categories (a list of arrays with keys
 * category, erase, exception (SOCLE_ERASURE_EXCEPTION_*), rule, detail), text, recorded,
 * revision, whole_erased, key_shredded, vendor_delete (category ids). socle's object is freed
 * before the function returns. Writes return the new revision; bad input throws a
 * SocleException with the C error's code and a message naming the parameter, never a person.
 * Days are 'YYYY-MM-DD' ('' today by the engine's clock, Europe/Paris). Thread safety: as the
 * engine's (writes serialised, queries on immutable snapshots).
 */
final class Erasure
{
    private function __construct()
    {
    }

    /**
     * Decides the erasure of $person's $categories (DataCategory ids; [] the whole file) on $day,
     * with the exceptions $asserted (SOCLE_ERASURE_ASSERT_* flags). Nothing is recorded.
     *
     * @param list<string> $categories
     * @return array<string, mixed>
     */
    public static function decide(AccessEngine $engine, string $person, array $categories = [],
                                  int $asserted = 0, string $day = ''): array
    {
        $ffi = Library::ffi();
        [$pointers, $lengths, $block] = Library::strings($categories);
        $out = $ffi->new('socle_erasure*');
        $error = Library::newError();
        $status = $ffi->socle_access_engine_decide_erasure($engine->handle(), $person,
            strlen($person), $pointers, $lengths, count($categories), $asserted, $day,
            strlen($day), FFI::addr($out), FFI::addr($error));
        unset($block);
        Library::check($status, $error);
        return self::erasure($out);
    }

    /**
     * Decides as decide() (today) and erases what may be: the tombstone first ($rightsRequest:
     * the erasure request it answers, or ''), then, for a whole file, the person's key shredded
     * through $trail (the trail of $engine).
     *
     * @param list<string> $categories
     * @return array<string, mixed>
     */
    public static function erase(AccessTrail $trail, AccessEngine $engine, string $person,
                                 string $recordedBy, array $categories = [], int $asserted = 0,
                                 string $rightsRequest = ''): array
    {
        $ffi = Library::ffi();
        [$pointers, $lengths, $block] = Library::strings($categories);
        $out = $ffi->new('socle_erasure*');
        $error = Library::newError();
        $status = $ffi->socle_access_trail_erase($trail->handle(), $engine->handle(), $person,
            strlen($person), $pointers, $lengths, count($categories), $asserted, $rightsRequest,
            strlen($rightsRequest), $recordedBy, strlen($recordedBy), FFI::addr($out),
            FFI::addr($error));
        unset($block);
        Library::check($status, $error);
        return self::erasure($out);
    }

    /** SOCLE_ERASURE_EXCEPTION_* as its stable name ("legal_claims"…). */
    public static function exceptionName(int $exception): string
    {
        return Library::string(Library::ffi()->socle_erasure_exception_name($exception));
    }

    /**
     * The tombstones recorded after $sinceRevision (0: all), in order: keys person, day,
     * categories (list; [] the whole file), rights_request, recorded_by, revision.
     *
     * @return list<array<string, mixed>>
     */
    public static function tombstones(AccessEngine $engine, int $sinceRevision = 0): array
    {
        $ffi = Library::ffi();
        $buffer = $ffi->new('socle_buffer');
        $error = Library::newError();
        $status = $ffi->socle_access_engine_tombstones($engine->handle(), $sinceRevision,
            FFI::addr($buffer), FFI::addr($error));
        $lines = [];
        foreach (Library::rows($status, $buffer, $error) as $row) {
            [$person, $day, $categories, $request, $recordedBy, $revision] = $row;
            $lines[] = [
                'person' => $person,
                'day' => $day,
                'categories' => $categories === '' ? [] : explode(',', $categories),
                'rights_request' => $request,
                'recorded_by' => $recordedBy,
                'revision' => (int) $revision,
            ];
        }
        return $lines;
    }

    /** Whether a restore must skip the vendor's row of $person in $category ('' the person). */
    public static function erasedRow(AccessEngine $engine, string $person,
                                     string $category = ''): bool
    {
        $ffi = Library::ffi();
        $erased = $ffi->new('int32_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_erased_row($engine->handle(), $person,
            strlen($person), $category, strlen($category), FFI::addr($erased),
            FFI::addr($error)), $error);
        return $erased->cdata === 1;
    }

    /**
     * After restoring $vault's database from a backup: shreds again the key of every person whose
     * whole file $engine has a tombstone for. Returns the number of keys shredded.
     */
    public static function reapplyTombstones(Vault $vault, AccessEngine $engine): int
    {
        $ffi = Library::ffi();
        $shredded = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_vault_reapply_tombstones($vault->handle(), $engine->handle(),
            FFI::addr($shredded), FFI::addr($error)), $error);
        return $shredded->cdata;
    }

    /** Holds $person's file for legal claims (art. 17(3)(e)); $reason required. */
    public static function setLegalHold(AccessEngine $engine, string $person, string $reason,
                                        string $recordedBy, string $reference = ''): int
    {
        return Library::writeEngine('socle_access_engine_set_legal_hold', $engine, $person,
            strlen($person), $reason, strlen($reason), $reference, strlen($reference),
            $recordedBy, strlen($recordedBy));
    }

    /** Lifts the hold (SOCLE_E_FAILED_PRECONDITION when none stands). */
    public static function liftLegalHold(AccessEngine $engine, string $person,
                                         string $recordedBy): int
    {
        return Library::writeEngine('socle_access_engine_lift_legal_hold', $engine, $person,
            strlen($person), $recordedBy, strlen($recordedBy));
    }


    /** @return array<string, mixed> the erasure $out as an array; $out is freed. */
    private static function erasure(CData $out): array
    {
        $ffi = Library::ffi();
        try {
            $text = $ffi->new('socle_buffer');
            $error = Library::newError();
            $status = $ffi->socle_erasure_text($out, FFI::addr($text), FFI::addr($error));
            $sentence = Library::take($text);
            Library::check($status, $error);
            $categories = [];
            for ($i = 0, $n = $ffi->socle_erasure_category_count($out); $i < $n; $i++) {
                $categories[] = [
                    'category' => Library::string($ffi->socle_erasure_category($out, $i)),
                    'erase' => $ffi->socle_erasure_category_erase($out, $i) === 1,
                    'exception' => $ffi->socle_erasure_category_exception($out, $i),
                    'rule' => Library::string($ffi->socle_erasure_category_rule($out, $i)),
                    'detail' => Library::string($ffi->socle_erasure_category_detail($out, $i)),
                ];
            }
            $delete = [];
            for ($i = 0, $n = $ffi->socle_erasure_vendor_delete_count($out); $i < $n; $i++) {
                $delete[] = Library::string($ffi->socle_erasure_vendor_delete($out, $i));
            }
            return [
                'whole' => $ffi->socle_erasure_whole($out) === 1,
                'all_erased' => $ffi->socle_erasure_all_erased($out) === 1,
                'categories' => $categories,
                'text' => $sentence,
                'recorded' => $ffi->socle_erasure_recorded($out) === 1,
                'revision' => $ffi->socle_erasure_revision($out),
                'whole_erased' => $ffi->socle_erasure_whole_erased($out) === 1,
                'key_shredded' => $ffi->socle_erasure_key_shredded($out) === 1,
                'vendor_delete' => $delete,
            ];
        } finally {
            $ffi->socle_erasure_free($out);
        }
    }
}
