<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Retention, the rights request register and the breach register (socle/retention.hpp,
 * socle/rights.hpp, socle/breach.hpp; docs/retention-and-rights.md), as static functions over
 * an AccessEngine. Every write returns the new revision and records nothing when it throws a
 * SocleException naming the parameter. Days are 'YYYY-MM-DD' in Europe/Paris ('' today by the
 * engine's clock); times are Unix seconds (0: now by the engine's clock). Lists are arrays of
 * associative arrays whose keys are the C accessors' names (socle_retention_*,
 * socle_rights_requests_*, socle_breaches_*).
 */
final class Retention
{
    private function __construct()
    {
    }

    // --- Retention -------------------------------------------------------------------------

    /** A contact with $person on $day ('' today) from $originator (SOCLE_CONTACT_ORIGINATOR_*). */
    public static function recordContact(AccessEngine $engine, string $person, string $recordedBy,
                                         int $originator = Native::SOCLE_CONTACT_ORIGINATOR_PERSON,
                                         string $representative = '', string $day = ''): int
    {
        return Library::writeEngine('socle_access_engine_record_contact', $engine, $person,
            strlen($person), $originator, $representative, strlen($representative), $day,
            strlen($day), $recordedBy, strlen($recordedBy));
    }

    /** $person's right of $activity in course ($lastDay '') or ended on $lastDay. */
    public static function recordRight(AccessEngine $engine, string $person, string $activity,
                                       string $lastDay = ''): int
    {
        return Library::writeEngine('socle_access_engine_record_right', $engine,
            $person, strlen($person),
            $activity, strlen($activity), $lastDay, strlen($lastDay));
    }

    /** As recordRight(), for a follow-up programme of $activity. */
    public static function recordFollowUp(AccessEngine $engine, string $person, string $activity,
                                          string $lastDay = ''): int
    {
        return Library::writeEngine('socle_access_engine_record_follow_up', $engine, $person,
            strlen($person), $activity, strlen($activity), $lastDay, strlen($lastDay));
    }

    /** $person's death on $day. */
    public static function recordDeath(AccessEngine $engine, string $person, string $day): int
    {
        return Library::writeEngine('socle_access_engine_record_death', $engine,
            $person, strlen($person),
            $day, strlen($day));
    }

    /**
     * The phase of every data category of $person's file on $day ('' today), by dense category
     * id: keys category, phase (SOCLE_RETENTION_PHASE_*), since, next_change, next_phase,
     * end_action, activity, rule_index, start, start_day, hard_stop, source.
     *
     * @return list<array<string, int|string|bool>>
     */
    public static function phases(AccessEngine $engine, string $person, string $day = ''): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_retention*');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_retention($engine->handle(), $person,
            strlen($person), $day, strlen($day), FFI::addr($out), FFI::addr($error)), $error);
        try {
            $lines = [];
            for ($i = 0, $n = $ffi->socle_retention_count($out); $i < $n; $i++) {
                $lines[] = [
                    'category' => $ffi->socle_retention_category($out, $i),
                    'phase' => $ffi->socle_retention_phase($out, $i),
                    'since' => Library::string($ffi->socle_retention_since($out, $i)),
                    'next_change' => Library::string($ffi->socle_retention_next_change($out, $i)),
                    'next_phase' => $ffi->socle_retention_next_phase($out, $i),
                    'end_action' => $ffi->socle_retention_end_action($out, $i),
                    'activity' => $ffi->socle_retention_activity($out, $i),
                    'rule_index' => $ffi->socle_retention_rule_index($out, $i),
                    'start' => $ffi->socle_retention_start($out, $i),
                    'start_day' => Library::string($ffi->socle_retention_start_day($out, $i)),
                    'hard_stop' => $ffi->socle_retention_hard_stop($out, $i) === 1,
                    'source' => Library::string($ffi->socle_retention_source($out, $i)),
                ];
            }
            return $lines;
        } finally {
            $ffi->socle_retention_free($out);
        }
    }

    /** SOCLE_RETENTION_PHASE_* as its stable name ("intermediate_archive"…). */
    public static function phaseName(int $phase): string
    {
        return Library::string(Library::ffi()->socle_retention_phase_name($phase));
    }

    /**
     * AccessEngine::decide() with the reason an archivist gives for reading the intermediate
     * archive (SOCLE_REASON_ALLOWED_ARCHIVIST; SOCLE_REASON_ARCHIVED for anyone else, or
     * without a reason). With $trail the decision is recorded, the reason as its justification.
     */
    public static function decideWithArchiveReason(AccessEngine $engine, AccessRequest $request,
                                                   string $archiveReason,
                                                   ?AccessTrail $trail = null): Decision
    {
        $ffi = Library::ffi();
        [$c, $keep] = $engine->requests([$request]);
        $out = $ffi->new('socle_decision');
        $error = Library::newError();
        $status = $trail === null
            ? $ffi->socle_access_engine_decide_with_archive_reason($engine->handle(),
                FFI::addr($c[0]), $archiveReason, strlen($archiveReason), FFI::addr($out),
                FFI::addr($error))
            : $ffi->socle_access_trail_decide_with_archive_reason($trail->handle(),
                FFI::addr($c[0]), $archiveReason, strlen($archiveReason), FFI::addr($out),
                FFI::addr($error));
        unset($keep);
        Library::check($status, $error);
        return Decision::fromC($out);
    }

    // --- Rights requests -------------------------------------------------------------------

    /**
     * Records the request $request of $kind (SOCLE_RIGHTS_REQUEST_KIND_*) about $person, made by
     * $requester ('' the person), received at $receivedAt (0 now) by $channel.
     */
    public static function recordRightsRequest(
        AccessEngine $engine,
        string $request,
        int $kind,
        string $person,
        string $recordedBy,
        string $requester = '',
        int $receivedAt = 0,
        int $channel = Native::SOCLE_CONSENT_CHANNEL_IN_PERSON
    ): int {
        return Library::writeEngine('socle_access_engine_record_rights_request', $engine, $request,
            strlen($request), $kind, $person, strlen($person), $requester, strlen($requester),
            $receivedAt, $channel, $recordedBy, strlen($recordedBy));
    }

    /** Extends $request by $months (1 or 2); the person was told at $notifiedAt (0 now). */
    public static function extendRightsRequest(AccessEngine $engine, string $request,
                                               string $justification, int $months,
                                               string $recordedBy, int $notifiedAt = 0): int
    {
        return Library::writeEngine('socle_access_engine_extend_rights_request', $engine, $request,
            strlen($request), $justification, strlen($justification), $notifiedAt, $months,
            $recordedBy, strlen($recordedBy));
    }

    /** Closes $request: answered, or with no action ($reasons and $complaintInformation). */
    public static function closeRightsRequest(AccessEngine $engine, string $request,
                                              string $recordedBy, bool $noAction = false,
                                              string $reasons = '',
                                              string $complaintInformation = ''): int
    {
        return Library::writeEngine('socle_access_engine_close_rights_request', $engine, $request,
            strlen($request), $noAction ? 1 : 0, $reasons, strlen($reasons),
            $complaintInformation, strlen($complaintInformation), $recordedBy,
            strlen($recordedBy));
    }

    /** The requester withdraws $request ($withdrawnBy '' the person). */
    public static function withdrawRightsRequest(AccessEngine $engine, string $request,
                                                 string $recordedBy,
                                                 string $withdrawnBy = ''): int
    {
        return Library::writeEngine('socle_access_engine_withdraw_rights_request', $engine,
            $request,
            strlen($request), $withdrawnBy, strlen($withdrawnBy), $recordedBy,
            strlen($recordedBy));
    }

    /** @return array<string, int|string> the request $request, days counted on $day. */
    public static function getRightsRequest(AccessEngine $engine, string $request,
                                            string $day = ''): array
    {
        return self::requests('socle_access_engine_get_rights_request', $engine->handle(),
            $request, strlen($request), $day, strlen($day))[0];
    }

    /** @return list<array<string, int|string>> the open requests about $person, by deadline. */
    public static function openRightsRequests(AccessEngine $engine, string $person,
                                              string $day = ''): array
    {
        return self::requests('socle_access_engine_open_rights_requests', $engine->handle(),
            $person, strlen($person), $day, strlen($day));
    }

    /** @return list<array<string, int|string>> every request, in the order received. */
    public static function rightsRegister(AccessEngine $engine, string $day = ''): array
    {
        return self::requests('socle_access_engine_rights_register', $engine->handle(), $day,
            strlen($day));
    }

    /** @return list<array<string, int|string>> open requests past their deadline on $day. */
    public static function overdueRightsRequests(AccessEngine $engine, string $day = ''): array
    {
        return self::requests('socle_access_engine_overdue_rights_requests', $engine->handle(),
            $day, strlen($day));
    }

    /** @return list<array<string, int|string>> open requests due from $day to $day + $days. */
    public static function rightsRequestsDueWithin(AccessEngine $engine, int $days,
                                                   string $day = ''): array
    {
        return self::requests('socle_access_engine_rights_requests_due_within',
            $engine->handle(), $day, strlen($day), $days);
    }

    // --- Breaches --------------------------------------------------------------------------

    /**
     * Records the breach $breach known since $awareAt (0 now), of $nature (category words),
     * $risk (SOCLE_BREACH_RISK_*; UNLIKELY needs $assessment).
     *
     * @param list<string> $nature
     */
    public static function recordBreach(AccessEngine $engine, string $breach, int $awareAt,
                                        array $nature, int $risk, string $recordedBy,
                                        string $assessment = '', bool $unintelligible = false,
                                        string $unintelligibleReason = '',
                                        int $personsConcerned = 0, int $recordsConcerned = 0): int
    {
        [$pointers, $lengths, $block] = Library::strings($nature);
        $revision = Library::writeEngine('socle_access_engine_record_breach', $engine, $breach,
            strlen($breach), $awareAt, $pointers, $lengths, count($nature), $risk, $assessment,
            strlen($assessment), $unintelligible ? 1 : 0, $unintelligibleReason,
            strlen($unintelligibleReason), $personsConcerned, $recordsConcerned, $recordedBy,
            strlen($recordedBy));
        unset($block);
        return $revision;
    }

    /** The authority was notified at $notifiedAt (0 now); $delayReason past the 72 hours. */
    public static function notifyBreachAuthority(AccessEngine $engine, string $breach,
                                                 string $recordedBy, int $notifiedAt = 0,
                                                 string $delayReason = '',
                                                 string $reference = ''): int
    {
        return Library::writeEngine('socle_access_engine_notify_breach_authority', $engine, $breach,
            strlen($breach), $notifiedAt, $delayReason, strlen($delayReason), $reference,
            strlen($reference), $recordedBy, strlen($recordedBy));
    }

    /** The persons were told at $notifiedAt (0 now) by $means. */
    public static function notifyBreachPersons(AccessEngine $engine, string $breach,
                                               string $means, string $recordedBy,
                                               int $notifiedAt = 0): int
    {
        return Library::writeEngine('socle_access_engine_notify_breach_persons', $engine, $breach,
            strlen($breach), $notifiedAt, $means, strlen($means), $recordedBy,
            strlen($recordedBy));
    }

    /** Closes the handling of $breach (it stays in the register). */
    public static function closeBreach(AccessEngine $engine, string $breach,
                                       string $recordedBy): int
    {
        return Library::writeEngine('socle_access_engine_close_breach', $engine,
            $breach, strlen($breach),
            $recordedBy, strlen($recordedBy));
    }

    /** @return list<array<string, mixed>> every breach, in the order recorded. */
    public static function breachRegister(AccessEngine $engine): array
    {
        return self::breaches('socle_access_engine_breach_register', $engine->handle());
    }

    /** @return array<string, mixed> the breach $breach. */
    public static function getBreach(AccessEngine $engine, string $breach): array
    {
        return self::breaches('socle_access_engine_get_breach', $engine->handle(), $breach,
            strlen($breach))[0];
    }

    /** @return list<array<string, mixed>> breaches late for the authority at $at (0 now). */
    public static function overdueBreachNotifications(AccessEngine $engine, int $at = 0): array
    {
        return self::breaches('socle_access_engine_overdue_breach_notifications',
            $engine->handle(), $at);
    }

    // --- Helpers ---------------------------------------------------------------------------


    /** @return list<array<string, int|string>> */
    private static function requests(string $function, mixed ...$arguments): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_rights_requests*');
        $error = Library::newError();
        Library::check($ffi->$function(...[...$arguments, FFI::addr($out), FFI::addr($error)]),
            $error);
        try {
            $lines = [];
            $text = ['request', 'person', 'requester', 'recorded_by', 'received_day',
                'first_deadline', 'deadline', 'justification', 'reasons',
                'complaint_information'];
            $numbers = ['kind', 'requester_kind', 'channel', 'received_unix_seconds',
                'extension_months', 'extension_notified_unix_seconds', 'status',
                'closed_unix_seconds', 'days_left', 'revision'];
            for ($i = 0, $n = $ffi->socle_rights_requests_count($out); $i < $n; $i++) {
                $line = [];
                foreach ($text as $key) {
                    $line[$key] = Library::string($ffi->{"socle_rights_requests_{$key}"}($out, $i));
                }
                foreach ($numbers as $key) {
                    $line[$key] = $ffi->{"socle_rights_requests_{$key}"}($out, $i);
                }
                $lines[] = $line;
            }
            return $lines;
        } finally {
            $ffi->socle_rights_requests_free($out);
        }
    }

    /** @return list<array<string, mixed>> */
    private static function breaches(string $function, mixed ...$arguments): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_breaches*');
        $error = Library::newError();
        Library::check($ffi->$function(...[...$arguments, FFI::addr($out), FFI::addr($error)]),
            $error);
        try {
            $lines = [];
            $text = ['breach', 'assessment', 'unintelligible_reason', 'recorded_by',
                'delay_reason', 'authority_reference', 'persons_notification_means'];
            $numbers = ['aware_unix_seconds', 'risk', 'unintelligible', 'persons_concerned',
                'records_concerned', 'authority_notification_required',
                'authority_deadline_unix_seconds', 'authority_notified_unix_seconds',
                'authority_notified_late', 'person_notification_required',
                'persons_notified_unix_seconds', 'closed_unix_seconds', 'revision'];
            for ($i = 0, $n = $ffi->socle_breaches_count($out); $i < $n; $i++) {
                $line = [];
                foreach ($text as $key) {
                    $line[$key] = Library::string($ffi->{"socle_breaches_{$key}"}($out, $i));
                }
                foreach ($numbers as $key) {
                    $line[$key] = $ffi->{"socle_breaches_{$key}"}($out, $i);
                }
                $line['nature'] = [];
                for ($w = 0, $m = $ffi->socle_breaches_nature_count($out, $i); $w < $m; $w++) {
                    $line['nature'][] = Library::string($ffi->socle_breaches_nature($out, $i, $w));
                }
                $lines[] = $line;
            }
            return $lines;
        } finally {
            $ffi->socle_breaches_free($out);
        }
    }
}
