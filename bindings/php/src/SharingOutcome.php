<?php

declare(strict_types=1);

namespace Socle;

use FFI\CData;

/**
 * The decision on a share (socle_sharing_outcome): granted, or the check of the sharing
 * checklist that failed (Native::SOCLE_SHARING_CHECK_*, named by $failedName) with a sentence for
 * a DPO; and what the sharing log records. Items are [item id, category id] pairs.
 */
final class SharingOutcome
{
    /**
     * @param list<array{0: string, 1: string}> $items
     * @param list<string> $categories
     * @param list<int> $informationRevisions
     * @param list<array{person: string, relation: int, required: bool, informed: bool}> $personsToInform
     */
    public function __construct(
        public readonly bool $granted,
        public readonly int $failed,
        public readonly string $failedName,
        public readonly string $sentence,
        public readonly bool $overridesOpposition,
        public readonly string $share,
        public readonly string $emitter,
        public readonly string $recipient,
        public readonly int $basis,
        public readonly string $purpose,
        public readonly bool $wholeFile,
        public readonly array $items,
        public readonly array $categories,
        public readonly array $informationRevisions,
        public readonly int $exception,            // Native::SOCLE_INFORMATION_EXCEPTION_*, or 0
        public readonly int $exceptionRevision,
        public readonly bool $followUpOpen,
        public readonly int $consentRevision,
        public readonly array $personsToInform,
        public readonly int $checkedRevision,
        public readonly int $revision,             // a recorded grant's revision, else 0
        public readonly int $timeUnixSeconds
    ) {
    }

    /** @internal From a socle_sharing_outcome*, which the caller frees. */
    public static function fromC(CData $o): self
    {
        $ffi = Library::ffi();
        $items = [];
        for ($i = 0, $n = $ffi->socle_sharing_outcome_item_count($o); $i < $n; $i++) {
            $items[] = [Library::string($ffi->socle_sharing_outcome_item($o, $i)),
                Library::string($ffi->socle_sharing_outcome_item_category($o, $i))];
        }
        $categories = [];
        for ($i = 0, $n = $ffi->socle_sharing_outcome_category_count($o); $i < $n; $i++) {
            $categories[] = Library::string($ffi->socle_sharing_outcome_category($o, $i));
        }
        $revisions = [];
        $n = $ffi->socle_sharing_outcome_information_revision_count($o);
        for ($i = 0; $i < $n; $i++) {
            $revisions[] = $ffi->socle_sharing_outcome_information_revision($o, $i);
        }
        $persons = [];
        for ($i = 0, $n = $ffi->socle_sharing_outcome_person_to_inform_count($o); $i < $n; $i++) {
            $persons[] = [
                'person' => Library::string($ffi->socle_sharing_outcome_person_to_inform($o, $i)),
                'relation' => $ffi->socle_sharing_outcome_person_to_inform_relation($o, $i),
                'required' => $ffi->socle_sharing_outcome_person_to_inform_required($o, $i) === 1,
                'informed' => $ffi->socle_sharing_outcome_person_to_inform_informed($o, $i) === 1,
            ];
        }
        $failed = $ffi->socle_sharing_outcome_failed($o);
        return new self(
            $ffi->socle_sharing_outcome_granted($o) === 1,
            $failed,
            Library::string($ffi->socle_sharing_check_name($failed)),
            Library::string($ffi->socle_sharing_outcome_sentence($o)),
            $ffi->socle_sharing_outcome_overrides_opposition($o) === 1,
            Library::string($ffi->socle_sharing_outcome_share($o)),
            Library::string($ffi->socle_sharing_outcome_emitter($o)),
            Library::string($ffi->socle_sharing_outcome_recipient($o)),
            $ffi->socle_sharing_outcome_basis($o),
            Library::string($ffi->socle_sharing_outcome_purpose($o)),
            $ffi->socle_sharing_outcome_whole_file($o) === 1,
            $items,
            $categories,
            $revisions,
            $ffi->socle_sharing_outcome_exception($o),
            $ffi->socle_sharing_outcome_exception_revision($o),
            $ffi->socle_sharing_outcome_follow_up_open($o) === 1,
            $ffi->socle_sharing_outcome_consent_revision($o),
            $persons,
            $ffi->socle_sharing_outcome_checked_revision($o),
            $ffi->socle_sharing_outcome_revision($o),
            $ffi->socle_sharing_outcome_time_unix_seconds($o)
        );
    }
}
