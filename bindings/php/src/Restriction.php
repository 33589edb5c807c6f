<?php

declare(strict_types=1);

namespace Socle;

use FFI;

/**
 * Restriction of processing (GDPR art. 18) and rectification (art. 16 and 19):
 * socle/restriction.hpp and socle/rectification.hpp as static functions over an AccessEngine. A restricted file ($item
 * '') or item is stored only: decisions on it are denied (SOCLE_REASON_RESTRICTED) unless the
 * AccessRequest's $restrictionJustification names one of art. 18(2)'s
 * (SOCLE_RESTRICTION_JUSTIFICATION_*; then SOCLE_REASON_ALLOWED_UNDER_RESTRICTION). Lifting needs
 * the person told beforehand (art. 18(3)). socle holds no content: a rectification gives the raw
 * 32-byte SHA-256 of the version replaced and of the new one, the person's statement its SHA-256
 * only; each queues one notice per professional the item was shared with (art. 19).
 *
 * Writes return the new revision; bad input throws a SocleException with the C error's code and
 * a message naming the parameter, never a person. Times are Unix seconds (0: now by the engine's
 * clock). Thread safety: as the engine's.
 */
final class Restriction
{
    private function __construct()
    {
    }

    /**
     * Restricts $person's whole file ($item '') or one item on $ground
     * (SOCLE_RESTRICTION_GROUND_*). SOCLE_E_ALREADY_EXISTS when one is in force on the item.
     */
    public static function restrict(AccessEngine $engine, string $person, string $item,
                                    int $ground, string $recordedBy,
                                    string $rightsRequest = ''): int
    {
        return Library::writeEngine('socle_access_engine_restrict', $engine,
            $person, strlen($person),
            $item, strlen($item), $ground, $rightsRequest, strlen($rightsRequest), $recordedBy,
            strlen($recordedBy));
    }

    /** The person was told at $notifiedAt (0 now) through $channel that the lift is coming. */
    public static function notifyLift(AccessEngine $engine, string $person, string $item,
                                      string $recordedBy,
                                      int $channel = Native::SOCLE_CONSENT_CHANNEL_IN_PERSON,
                                      int $notifiedAt = 0): int
    {
        return Library::writeEngine('socle_access_engine_notify_restriction_lift', $engine, $person,
            strlen($person), $item, strlen($item), $notifiedAt, $channel, $recordedBy,
            strlen($recordedBy));
    }

    /** Lifts the restriction on $item (SOCLE_E_FAILED_PRECONDITION: none, or no prior notice). */
    public static function lift(AccessEngine $engine, string $person, string $item,
                                string $recordedBy): int
    {
        return Library::writeEngine('socle_access_engine_lift_restriction', $engine, $person,
            strlen($person), $item, strlen($item), $recordedBy, strlen($recordedBy));
    }

    /**
     * The SOCLE_RESTRICTION_GROUND_* of the restriction in force covering a request on $item (''
     * a request naming no item), or null when none covers it.
     */
    public static function restricted(AccessEngine $engine, string $person,
                                      string $item = ''): ?int
    {
        $ffi = Library::ffi();
        $restricted = $ffi->new('int32_t');
        $ground = $ffi->new('int32_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_restricted($engine->handle(), $person,
            strlen($person), $item, strlen($item), FFI::addr($restricted), FFI::addr($ground),
            FFI::addr($error)), $error);
        return $restricted->cdata === 1 ? $ground->cdata : null;
    }

    /**
     * The person's restrictions in the order set (those in force; the lifted ones too with
     * $includeLifted): arrays with item ('' the whole file), ground (SOCLE_RESTRICTION_GROUND_*),
     * in_force, set_unix_seconds, notified_unix_seconds and lifted_unix_seconds (0: not
     * recorded), rights_request.
     */
    public static function restrictions(AccessEngine $engine, string $person,
                                        bool $includeLifted = true): array
    {
        $ffi = Library::ffi();
        $buffer = $ffi->new('socle_buffer');
        $error = Library::newError();
        $status = $ffi->socle_access_engine_restrictions($engine->handle(), $person,
            strlen($person), $includeLifted ? 1 : 0, FFI::addr($buffer), null, FFI::addr($error));
        $out = [];
        foreach (Library::rows($status, $buffer, $error) as $row) {
            [$item, $ground, $inForce, $set, $notified, $lifted, $request] = $row;
            $out[] = ['item' => $item, 'ground' => (int) $ground, 'in_force' => $inForce === '1',
                'set_unix_seconds' => (int) $set, 'notified_unix_seconds' => (int) $notified,
                'lifted_unix_seconds' => (int) $lifted, 'rights_request' => $request];
        }
        return $out;
    }

    /** SOCLE_RESTRICTION_JUSTIFICATION_* as its stable name ("legal_claims"…). */
    public static function justificationName(int $justification): string
    {
        return Library::string(
            Library::ffi()->socle_access_request_justification_name($justification));
    }

    /**
     * Records a new version of $item: $previousSha256 (the current version) and $newSha256 are
     * raw 32-byte digests; $contested: the person still contests its accuracy;
     * $statementSha256 (null: none) their statement.
     */
    public static function recordRectification(
        AccessEngine $engine,
        string $person,
        string $rectification,
        string $item,
        string $previousSha256,
        string $newSha256,
        string $recordedBy,
        string $category = '',
        bool $contested = false,
        ?string $statementSha256 = null,
        string $rightsRequest = ''
    ): int {
        $previous = Library::bytes($previousSha256);
        $new = Library::bytes($newSha256);
        $statement = $statementSha256 === null ? null : Library::bytes($statementSha256);
        return Library::writeEngine('socle_access_engine_record_rectification', $engine, $person,
            strlen($person), $rectification, strlen($rectification), $item, strlen($item),
            $category, strlen($category), $previous, strlen($previousSha256), $new,
            strlen($newSha256), $contested ? 1 : 0, $statement,
            $statementSha256 === null ? 0 : strlen($statementSha256), $rightsRequest,
            strlen($rightsRequest), $recordedBy, strlen($recordedBy));
    }

    /** Attaches the person's statement (its raw SHA-256) to a contested item. */
    public static function recordPersonStatement(AccessEngine $engine, string $person,
                                                 string $rectification, string $item,
                                                 string $statementSha256, string $recordedBy,
                                                 string $category = '',
                                                 string $rightsRequest = ''): int
    {
        return Library::writeEngine('socle_access_engine_record_person_statement', $engine, $person,
            strlen($person), $rectification, strlen($rectification), $item, strlen($item),
            $category, strlen($category), Library::bytes($statementSha256),
            strlen($statementSha256), $rightsRequest, strlen($rightsRequest), $recordedBy,
            strlen($recordedBy));
    }

    /** $recipient was told of $rectification at $notifiedAt (0 now) through $channel. */
    public static function recordNotified(AccessEngine $engine, string $person,
                                          string $rectification, string $recipient,
                                          string $recordedBy,
                                          int $channel = Native::SOCLE_CONSENT_CHANNEL_IN_PERSON,
                                          int $notifiedAt = 0): int
    {
        return Library::writeEngine('socle_access_engine_record_rectification_notified', $engine,
            $person, strlen($person), $rectification, strlen($rectification), $recipient,
            strlen($recipient), $notifiedAt, $channel, $recordedBy, strlen($recordedBy));
    }

    /**
     * The person's notices still to send, oldest first: keys rectification, item, recipient,
     * queued_unix_seconds.
     *
     * @return list<array<string, int|string>>
     */
    public static function pendingNotices(AccessEngine $engine, string $person): array
    {
        $ffi = Library::ffi();
        $buffer = $ffi->new('socle_buffer');
        $error = Library::newError();
        $status = $ffi->socle_access_engine_pending_rectification_notices($engine->handle(),
            $person, strlen($person), FFI::addr($buffer), null, FFI::addr($error));
        $lines = [];
        foreach (Library::rows($status, $buffer, $error) as $row) {
            [$rectification, $item, $recipient, $queued] = $row;
            $lines[] = ['rectification' => $rectification, 'item' => $item,
                'recipient' => $recipient, 'queued_unix_seconds' => (int) $queued];
        }
        return $lines;
    }

    /** The raw SHA-256 of $item's current version, or null when it was never rectified. */
    public static function currentVersion(AccessEngine $engine, string $person,
                                          string $item): ?string
    {
        $ffi = Library::ffi();
        $out = $ffi->new('uint8_t[32]');
        $known = $ffi->new('int32_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_current_item_version($engine->handle(),
            $person, strlen($person), $item, strlen($item), $out, 32, FFI::addr($known),
            FFI::addr($error)), $error);
        return $known->cdata === 1 ? FFI::string($out, 32) : null;
    }
}
