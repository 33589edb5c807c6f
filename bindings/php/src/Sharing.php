<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * @internal The calls behind AccessEngine::checkShare(), AccessTrail::share(),
 * AccessEngine::revokeShare(), recordPersonInformed(), recordInformationException(), and the
 * sharing record of a history entry (section "Sharing under professional secrecy, prior
 * information, mandates" of socle.h).
 */
final class Sharing
{
    /** Runs $decide(request, socle_sharing_outcome**, socle_error**) and reads the outcome. */
    public static function decide(ShareRequest $request, callable $decide): SharingOutcome
    {
        $ffi = Library::ffi();
        $c = $request->toC();
        try {
            $out = $ffi->new('socle_sharing_outcome*');
            $error = Library::newError();
            Library::check($decide($c, FFI::addr($out), FFI::addr($error)), $error);
            try {
                return SharingOutcome::fromC($out);
            } finally {
                $ffi->socle_sharing_outcome_free($out);
            }
        } finally {
            $ffi->socle_share_request_free($c);
        }
    }

    /** Runs $write(uint64_t* out_revision, socle_error**) and returns the revision. */
    public static function write(callable $write): int
    {
        $revision = Library::ffi()->new('uint64_t');
        $error = Library::newError();
        Library::check($write(FFI::addr($revision), FFI::addr($error)), $error);
        return $revision->cdata;
    }

    /**
     * The sharing record of history entry $i (type SOCLE_LEDGER_ENTRY_SHARING_DECISION), or null
     * for another type. Items are [item id, category id] pairs.
     *
     * @return array<string, mixed>|null
     */
    public static function historyRecord(CData $history, int $i): ?array
    {
        $ffi = Library::ffi();
        if ($ffi->socle_history_entry_type($history, $i) !==
                Native::SOCLE_LEDGER_ENTRY_SHARING_DECISION ||
            $ffi->socle_history_entry_readable($history, $i) !== 1) {
            return null;
        }
        $items = [];
        $n = $ffi->socle_history_entry_sharing_item_count($history, $i);
        for ($k = 0; $k < $n; $k++) {
            $items[] = [Library::string($ffi->socle_history_entry_sharing_item($history, $i, $k)),
                Library::string($ffi->socle_history_entry_sharing_item_category($history, $i,
                    $k))];
        }
        $informed = [];
        $n = $ffi->socle_history_entry_sharing_informed_revision_count($history, $i);
        for ($k = 0; $k < $n; $k++) {
            $informed[] = $ffi->socle_history_entry_sharing_informed_revision($history, $i, $k);
        }
        return [
            'share' => Library::string($ffi->socle_history_entry_sharing_share($history, $i)),
            'basis' => $ffi->socle_history_entry_sharing_basis($history, $i),
            'recipient' =>
                Library::string($ffi->socle_history_entry_sharing_recipient($history, $i)),
            'recipient_role' =>
                Library::string($ffi->socle_history_entry_sharing_recipient_role($history, $i)),
            'recipient_structure' => Library::string(
                $ffi->socle_history_entry_sharing_recipient_structure($history, $i)),
            'items' => $items,
            'information' => $ffi->socle_history_entry_sharing_information($history, $i),
            'information_revision' =>
                $ffi->socle_history_entry_sharing_information_revision($history, $i),
            'informed_revisions' => $informed,
            'information_exception' =>
                $ffi->socle_history_entry_sharing_information_exception($history, $i),
            'follow_up_open' =>
                $ffi->socle_history_entry_sharing_follow_up_open($history, $i) === 1,
            'consent_revision' => $ffi->socle_history_entry_sharing_consent_revision($history, $i),
            'overrides_opposition' =>
                $ffi->socle_history_entry_sharing_overrides_opposition($history, $i) === 1,
            'involvement' => $ffi->socle_history_entry_sharing_involvement($history, $i),
        ];
    }
}
