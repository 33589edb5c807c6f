<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * The access decision engine over a Policy: a directory, then decisions. Ids are looked up once
 * with find*() and passed as dense integers. `new AccessEngine($policy)` starts empty in memory;
 * AccessEngine::open($policy, $stateLedger) is an engine of record, rebuilt from and written to
 * a state ledger. Freed when the object is destroyed.
 */
final class AccessEngine
{
    private CData $handle;

    public function __construct(Policy $policy)
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_access_engine*');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_create($policy->handle(), FFI::addr($out),
            FFI::addr($error)), $error);
        $this->handle = $out;
    }

    /**
     * An engine of record over $policy on the state ledger $ledger (a Ledger opened with the
     * name "state"): its state is rebuilt from the newest snapshot and the events after it, and
     * every change it applies is written to the ledger before it is published (a change that
     * cannot be written throws and changes nothing). The engine keeps the policy and the ledger
     * alive. $policy must be the ledger's policy in force (a new ledger takes it as its first;
     * docs/policy-approval.md): SOCLE_E_FAILED_PRECONDITION for another one until two
     * professionals approved it and it was activated (PolicyApproval), unless $development (the
     * ledger records it). SOCLE_E_DATA_LOSS for a damaged ledger.
     */
    public static function open(Policy $policy, Ledger $ledger, bool $development = false): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_access_engine*');
        $error = Library::newError();
        $mode = $development ? Native::SOCLE_ENGINE_OPEN_DEVELOPMENT
                             : Native::SOCLE_ENGINE_OPEN_IN_FORCE;
        Library::check($ffi->socle_access_engine_open_mode($policy->handle(), $ledger->handle(),
            $mode, FFI::addr($out), FFI::addr($error)), $error);
        // The constructor creates an engine of its own: this one is already made.
        $engine = (new \ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $engine->handle = $out;
        return $engine;
    }

    public function __destruct()
    {
        Library::ffi()->socle_access_engine_free($this->handle);
    }

    /**
     * Writes a snapshot of the state to the engine's state ledger, so that the next open()
     * replays only the events after it. Throws SOCLE_E_FAILED_PRECONDITION for an engine made
     * with `new` (it has no ledger).
     */
    public function saveSnapshot(): void
    {
        $error = Library::newError();
        Library::check(Library::ffi()->socle_access_engine_save_snapshot($this->handle,
            FFI::addr($error)), $error);
    }

    /**
     * Applies the events other processes appended to the state ledger; returns the new
     * revision. A change refused with SOCLE_E_FAILED_PRECONDITION (another process wrote
     * first) succeeds after it.
     */
    public function catchUp(): int
    {
        $ffi = Library::ffi();
        $revision = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_catch_up($this->handle, FFI::addr($revision),
            FFI::addr($error)), $error);
        return $revision->cdata;
    }

    /**
     * Keeps the engine of record caught up in the background: a thread waits for the state
     * ledger to grow (on PostgreSQL it is told of each append as it commits, and reads the
     * ledger's size every $pollIntervalMs in case a notification was lost; 0: 1000) and applies
     * what other processes and servers appended; after an error it tries again $retryDelayMs
     * later (0: 100). Stopped by stopFollowing() or when the engine is released.
     * SOCLE_E_FAILED_PRECONDITION for an engine without a state ledger or already following.
     */
    public function follow(int $pollIntervalMs = 0, int $retryDelayMs = 0): void
    {
        $ffi = Library::ffi();
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_follow($this->handle, $pollIntervalMs,
            $retryDelayMs, FFI::addr($error)), $error);
    }

    /** Stops the follower (its wait is interrupted); returns once its thread has ended. */
    public function stopFollowing(): void
    {
        Library::ffi()->socle_access_engine_stop_following($this->handle);
    }

    /**
     * What the follower did: ['following' => bool, 'failures' => int, 'inStepAtUnixMillis' =>
     * int (0: never yet), 'error' => the SocleException of its last attempt or null, 'lastError'
     * => the most recent since it started, or null].
     *
     * @return array{following: bool, failures: int, inStepAtUnixMillis: int,
     *     error: ?SocleException, lastError: ?SocleException}
     */
    public function followerStatus(): array
    {
        $ffi = Library::ffi();
        $following = $ffi->new('int32_t');
        $failures = $ffi->new('uint64_t');
        $inStep = $ffi->new('int64_t');
        $status = null;
        $error = Library::newError();
        try {
            Library::check($ffi->socle_access_engine_follower_status($this->handle,
                FFI::addr($following), FFI::addr($failures), FFI::addr($inStep),
                FFI::addr($error)), $error);
        } catch (SocleException $e) {
            $status = $e;
        }
        $last = null;
        $error = Library::newError();
        try {
            Library::check($ffi->socle_access_engine_follower_last_error($this->handle,
                FFI::addr($error)), $error);
        } catch (SocleException $e) {
            $last = $e;
        }
        return ['following' => $following->cdata !== 0, 'failures' => $failures->cdata,
            'inStepAtUnixMillis' => $inStep->cdata, 'error' => $status, 'lastError' => $last];
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    public function revision(): int
    {
        return Library::ffi()->socle_access_engine_revision($this->handle);
    }

    /** Freezes the engine's clock (tests, demos); 0 returns to the real clock. */
    public function setTime(int $unixSeconds): void
    {
        Library::ffi()->socle_access_engine_set_time($this->handle, $unixSeconds);
    }

    /** Loads professionals and persons in the workload's TSV format; returns the revision. */
    public function loadDirectoryTsv(string $professionals, string $persons): int
    {
        $ffi = Library::ffi();
        $revision = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_load_directory_tsv($this->handle, $professionals,
            strlen($professionals), $persons, strlen($persons), FFI::addr($revision),
            FFI::addr($error)), $error);
        return $revision->cdata;
    }

    /** The same from two files. */
    public function loadDirectoryTsvFiles(string $professionalsPath, string $personsPath): int
    {
        $ffi = Library::ffi();
        $revision = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_load_directory_tsv_files($this->handle,
            $professionalsPath, $personsPath, FFI::addr($revision), FFI::addr($error)), $error);
        return $revision->cdata;
    }

    public function findProfessional(string $id): int
    {
        return $this->find('socle_access_engine_find_professional', $id);
    }

    public function findPerson(string $id): int
    {
        return $this->find('socle_access_engine_find_person', $id);
    }

    public function findTeam(string $id): int
    {
        return $this->find('socle_access_engine_find_team', $id);
    }

    public function findCategory(string $id): int
    {
        return $this->find('socle_access_engine_find_category', $id);
    }

    public function findPurpose(string $id): int
    {
        return $this->find('socle_access_engine_find_purpose', $id);
    }

    private function find(string $function, string $id): int
    {
        $ffi = Library::ffi();
        $out = $ffi->new('uint32_t');
        $error = Library::newError();
        Library::check($ffi->$function($this->handle, $id, strlen($id), FFI::addr($out),
            FFI::addr($error)), $error);
        return $out->cdata;
    }

    public function personName(int $id): string
    {
        return Library::string(Library::ffi()->socle_access_engine_person_name($this->handle, $id));
    }

    public function professionalName(int $id): string
    {
        return Library::string(
            Library::ffi()->socle_access_engine_professional_name($this->handle, $id));
    }

    /** What a decision's rule names ("habilitations[2]"). */
    public function ruleName(int $rule): string
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_rule_name($this->handle, $rule, FFI::addr($out),
            FFI::addr($error)), $error);
        return Library::take($out);
    }

    public function decide(AccessRequest $request): Decision
    {
        $ffi = Library::ffi();
        [$c, $keep] = $this->requests([$request]);
        $out = $ffi->new('socle_decision');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_decide($this->handle, FFI::addr($c[0]),
            FFI::addr($out), FFI::addr($error)), $error);
        return Decision::fromC($out);
    }

    /**
     * Decides every request on one snapshot, in one call. An invalid request is denied with
     * SOCLE_REASON_INVALID_REQUEST; with $strict (the default) the call then throws the first
     * one's error.
     *
     * @param list<AccessRequest> $requests
     * @return list<Decision>
     */
    public function decideMany(array $requests, bool $strict = true): array
    {
        $n = count($requests);
        if ($n === 0) {
            return [];
        }
        $ffi = Library::ffi();
        [$c, $keep] = $this->requests($requests);
        $out = $ffi->new("socle_decision[{$n}]");
        $error = Library::newError();
        $status = $ffi->socle_access_engine_decide_many($this->handle, FFI::addr($c[0]), $n,
            FFI::addr($out[0]), FFI::addr($error));
        if ($strict) {
            Library::check($status, $error);
        } elseif (!FFI::isNull($error)) {
            $ffi->socle_error_free($error);
        }
        $decisions = [];
        for ($i = 0; $i < $n; $i++) {
            $decisions[] = Decision::fromC($out[$i]);
        }
        return $decisions;
    }

    public function explain(AccessRequest $request): Explanation
    {
        $ffi = Library::ffi();
        [$c, $keep] = $this->requests([$request]);
        $out = $ffi->new('socle_explanation*');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_explain($this->handle, FFI::addr($c[0]),
            FFI::addr($out), FFI::addr($error)), $error);
        try {
            $decision = $ffi->new('socle_decision');
            $ffi->socle_explanation_decision($out, FFI::addr($decision));
            $steps = [];
            $count = $ffi->socle_explanation_step_count($out);
            for ($i = 0; $i < $count; $i++) {
                $steps[] = new ExplanationStep(
                    Library::string($ffi->socle_explanation_step_check($out, $i)),
                    $ffi->socle_explanation_step_passed($out, $i) === 1,
                    $ffi->socle_explanation_step_decisive($out, $i) === 1,
                    Library::string($ffi->socle_explanation_step_rule($out, $i)),
                    Library::string($ffi->socle_explanation_step_detail($out, $i))
                );
            }
            $text = $ffi->new('socle_buffer');
            $error = Library::newError();
            Library::check($ffi->socle_explanation_to_text($out, FFI::addr($text),
                FFI::addr($error)), $error);
            return new Explanation(Decision::fromC($decision), $steps, Library::take($text));
        } finally {
            $ffi->socle_explanation_free($out);
        }
    }

    /**
     * How each item of a file is shown (one request per item): Native::SOCLE_VIEW_* per item.
     *
     * @param list<AccessRequest> $items
     * @return list<int>
     */
    public function filterView(array $items): array
    {
        $n = count($items);
        if ($n === 0) {
            return [];
        }
        $ffi = Library::ffi();
        [$c, $keep] = $this->requests($items);
        $out = $ffi->new("int32_t[{$n}]");
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_filter_view($this->handle, FFI::addr($c[0]), $n,
            FFI::addr($out[0]), FFI::addr($error)), $error);
        $views = [];
        for ($i = 0; $i < $n; $i++) {
            $views[] = $out[$i];
        }
        return $views;
    }

    /**
     * The persons (dense ids, sorted) $actor may access for (action, category, purpose).
     *
     * @return list<int>
     */
    public function listPersons(int $actor, int $category, int $purpose,
                                int $action = Native::SOCLE_ACTION_READ,
                                int $timeUnixSeconds = 0): array
    {
        $ffi = Library::ffi();
        $count = $ffi->new('size_t');
        $capacity = 1024;
        while (true) {
            $out = $ffi->new("uint32_t[{$capacity}]");
            $error = Library::newError();
            $status = $ffi->socle_access_engine_list_persons($this->handle, $actor, $category,
                $purpose, $action, $timeUnixSeconds, FFI::addr($out[0]), $capacity,
                FFI::addr($count), FFI::addr($error));
            if ($status === Native::SOCLE_E_OUT_OF_RANGE && $count->cdata > $capacity) {
                if (!FFI::isNull($error)) {
                    $ffi->socle_error_free($error);
                }
                $capacity = $count->cdata;
                continue;
            }
            Library::check($status, $error);
            $persons = [];
            for ($i = 0; $i < $count->cdata; $i++) {
                $persons[] = $out[$i];
            }
            return $persons;
        }
    }

    /**
     * An array of socle_access_request, and what must stay alive while C reads it (also used by
     * AccessTrail).
     *
     * @internal
     * @param list<AccessRequest> $requests
     * @return array{0: CData, 1: mixed}
     */
    public function requests(array $requests): array
    {
        $ffi = Library::ffi();
        $n = count($requests);
        $c = $ffi->new("socle_access_request[{$n}]");
        $items = [];
        foreach ($requests as $r) {
            $items[] = $r->item ?? '';
        }
        [, , $block] = Library::strings($items);
        $offset = 0;
        foreach (array_values($requests) as $i => $r) {
            $q = $c[$i];
            $q->version = Native::SOCLE_ACCESS_REQUEST_VERSION;
            $q->actor = $r->actor;
            $q->action = $r->action;
            $q->person = $r->person;
            $q->category = $r->category;
            $q->purpose = $r->purpose;
            $q->entry_kind = $r->entryKind;
            $q->author = $r->author;
            $q->masked = $r->masked ? 1 : 0;
            $q->reserved = 0;
            $q->time_unix_seconds = $r->timeUnixSeconds;
            $q->restriction_justification = $r->restrictionJustification;
            if ($r->item !== null) {
                $q->item = FFI::addr($block[$offset]);
                $q->item_len = strlen($r->item);
                $offset += strlen($r->item);
            } else {
                $q->item = null;
                $q->item_len = 0;
            }
        }
        return [$c, $block];
    }

    // -- Sharing under professional secrecy, prior information, mandates -----------------------

    /**
     * Checks $request against the sharing checklist on the current state, recording nothing.
     * An unknown emitter, recipient or person (SOCLE_E_NOT_FOUND) or a share id already used
     * for the person (SOCLE_E_ALREADY_EXISTS) throw; every other failure is a refused outcome
     * naming its check.
     */
    public function checkShare(ShareRequest $request): SharingOutcome
    {
        return Sharing::decide($request, fn(CData $c, CData $out, CData $error): int =>
            Library::ffi()->socle_access_engine_check_share($this->handle, $c, $out, $error));
    }

    /** Ends one share's grant (it stays in the history); SOCLE_E_NOT_FOUND when none. */
    public function revokeShare(string $person, string $recipient, string $share,
                                string $recordedBy): int
    {
        return Sharing::write(fn(CData $revision, CData $error): int =>
            Library::ffi()->socle_access_engine_revoke_share($this->handle, $person,
                strlen($person), $recipient, strlen($recipient), $share, strlen($share),
                $recordedBy, strlen($recordedBy), $revision, $error));
    }

    /**
     * Records that the person (or $informed, a representative valid today) was told, before
     * share $share, that $categories would be shared with $recipient
     * (Native::SOCLE_INFORM_CHANNEL_*); returns the revision.
     *
     * @param list<string> $categories
     */
    public function recordPersonInformed(string $person, string $share, string $recipient,
                                         array $categories, string $recordedBy,
                                         string $informed = '',
                                         int $channel = Native::SOCLE_INFORM_CHANNEL_IN_PERSON,
                                         string $maturityAssessment = ''): int
    {
        [$pointers, $lengths, $block] = Library::strings($categories);
        return Sharing::write(fn(CData $revision, CData $error): int =>
            Library::ffi()->socle_access_engine_record_person_informed($this->handle, $person,
                strlen($person), $informed, strlen($informed), $share, strlen($share),
                $recipient, strlen($recipient), $pointers, $lengths, count($categories),
                $channel, $maturityAssessment, strlen($maturityAssessment), $recordedBy,
                strlen($recordedBy), $revision, $error));
    }

    /**
     * Records why the person could not be told before share $share
     * (Native::SOCLE_INFORMATION_EXCEPTION_*), decided by $recordedBy; returns the revision.
     */
    public function recordInformationException(string $person, string $share, int $kind,
                                               string $recordedBy,
                                               string $justification = ''): int
    {
        return Sharing::write(fn(CData $revision, CData $error): int =>
            Library::ffi()->socle_access_engine_record_information_exception($this->handle,
                $person, strlen($person), $share, strlen($share), $kind, $justification,
                strlen($justification), $recordedBy, strlen($recordedBy), $revision, $error));
    }

    /**
     * Creates mandate $mandate for $person, held by $structure, for $procedures and
     * $durationDays (1, 31, 182 or 365: SOCLE_E_OUT_OF_RANGE otherwise), created by $aidant,
     * with the person's involvement (Native::SOCLE_PERSON_INVOLVEMENT_*).
     *
     * @param list<string> $procedures
     */
    public function createMandate(string $mandate, string $person, string $structure,
                                  array $procedures, int $durationDays, string $templateVersion,
                                  string $aidant,
                                  int $involvement = Native::SOCLE_PERSON_INVOLVEMENT_PRESENT,
                                  string $involvementReason = ''): MandateCreated
    {
        $ffi = Library::ffi();
        [$pointers, $lengths, $block] = Library::strings($procedures);
        $hash = $ffi->new('uint8_t[' . Native::SOCLE_MANDATE_ATTESTATION_BYTES . ']');
        $expires = $ffi->new('int64_t');
        $revision = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_create_mandate($this->handle, $mandate,
            strlen($mandate), $person, strlen($person), $structure, strlen($structure),
            $pointers, $lengths, count($procedures), $durationDays, $templateVersion,
            strlen($templateVersion), $aidant, strlen($aidant), $involvement, $involvementReason,
            strlen($involvementReason), FFI::addr($hash[0]),
            Native::SOCLE_MANDATE_ATTESTATION_BYTES, FFI::addr($expires), FFI::addr($revision),
            FFI::addr($error)), $error);
        return new MandateCreated($revision->cdata,
            FFI::string($hash, Native::SOCLE_MANDATE_ATTESTATION_BYTES), $expires->cdata);
    }

    /**
     * Records that $professional acted for the person under $mandate for $procedure;
     * SOCLE_E_PERMISSION_DENIED (nothing recorded) unless checkMandate() allows it.
     */
    public function useMandate(string $mandate, string $procedure, string $professional,
                               int $involvement = Native::SOCLE_PERSON_INVOLVEMENT_PRESENT,
                               string $involvementReason = ''): int
    {
        return Sharing::write(fn(CData $revision, CData $error): int =>
            Library::ffi()->socle_access_engine_use_mandate($this->handle, $mandate,
                strlen($mandate), $procedure, strlen($procedure), $professional,
                strlen($professional), $involvement, $involvementReason,
                strlen($involvementReason), $revision, $error));
    }

    /**
     * Revokes $procedures of $mandate (none: every one in force), by the person ($byPerson) or
     * by the structure at their request; returns the revision.
     *
     * @param list<string> $procedures
     */
    public function revokeMandate(string $mandate, string $recordedBy, array $procedures = [],
                                  bool $byPerson = false): int
    {
        [$pointers, $lengths, $block] = Library::strings($procedures);
        return Sharing::write(fn(CData $revision, CData $error): int =>
            Library::ffi()->socle_access_engine_revoke_mandate($this->handle, $mandate,
                strlen($mandate), $pointers, $lengths, count($procedures), $byPerson ? 1 : 0,
                $recordedBy, strlen($recordedBy), $revision, $error));
    }

    /**
     * Whether $professional may act under $mandate for $procedure (now, or at
     * $timeUnixSeconds): Native::SOCLE_MANDATE_VERDICT_* (ALLOWED or why not); records nothing.
     */
    public function checkMandate(string $mandate, string $procedure, string $professional,
                                 int $timeUnixSeconds = 0): int
    {
        $ffi = Library::ffi();
        $verdict = $ffi->new('int32_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_check_mandate($this->handle, $mandate,
            strlen($mandate), $procedure, strlen($procedure), $professional,
            strlen($professional), $timeUnixSeconds, FFI::addr($verdict), FFI::addr($error)),
            $error);
        return $verdict->cdata;
    }

    /**
     * What the person sees (REQ-55): everything recorded by or for $person that bears on who may
     * read their file, as it stood at $atUnixSeconds (0: now by the engine's clock), as the JSON
     * of socle.v1.PersonSummary (proto/socle/v1/person_summary.proto): consents and their
     * history, objections, representatives, masks, blocks, mandates, shares with their
     * recipients, items and bases, prior information still owed, open break-the-glass sessions,
     * and who can reach the file and why. json_decode() it for an array. A SocleException with
     * code SOCLE_E_NOT_FOUND for a person not in the directory.
     */
    public function personSummary(string $person, int $atUnixSeconds = 0): string
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_buffer');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_person_summary($this->handle, $person,
            strlen($person), $atUnixSeconds, Native::SOCLE_SUMMARY_FORMAT_JSON, FFI::addr($out),
            FFI::addr($error)), $error);
        return Library::take($out);
    }

    // -- representatives, consents, objections (socle/consent.hpp; Consent.php) ----------------

    /** Runs a write of the consent section: ($this->handle, ...$arguments, &revision, &error). */
    private function consentWrite(string $function, mixed ...$arguments): int
    {
        $ffi = Library::ffi();
        $revision = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->$function($this->handle,
            ...[...$arguments, FFI::addr($revision), FFI::addr($error)]), $error);
        return $revision->cdata;
    }

    /**
     * Records that $representative (a person of the directory) represents $person as $kind
     * (Native::SOCLE_REPRESENTATION_*) from the day $from to the day $to ('YYYY-MM-DD'; '' until
     * ended). Parental authority needs the person's birth date and ends the day before their
     * 18th birthday. Returns the new revision.
     */
    public function setRepresentative(string $person, string $representative, int $kind,
                                      string $from, string $to, string $reference,
                                      string $recordedBy): int
    {
        return $this->consentWrite('socle_access_engine_set_representative', $person,
            strlen($person), $representative, strlen($representative), $kind, $from,
            strlen($from), $to, strlen($to), $reference, strlen($reference), $recordedBy,
            strlen($recordedBy));
    }

    /** Ends the representation of $kind by $representative on $lastDay ('YYYY-MM-DD'). */
    public function endRepresentative(string $person, string $representative, int $kind,
                                      string $lastDay, string $recordedBy): int
    {
        return $this->consentWrite('socle_access_engine_end_representative', $person,
            strlen($person), $representative, strlen($representative), $kind, $lastDay,
            strlen($lastDay), $recordedBy, strlen($recordedBy));
    }

    /** Records the consent $spec describes; returns the new revision. */
    public function giveConsent(ConsentSpec $spec): int
    {
        $handle = $spec->handle();
        try {
            return $this->consentWrite('socle_access_engine_give_consent', $handle);
        } finally {
            Library::ffi()->socle_consent_spec_free($handle);
        }
    }

    /**
     * Withdraws the consent in force for ($person, $purpose, $scope): $withdrawnBy is the
     * person or a representative in force, $channel Native::SOCLE_CONSENT_CHANNEL_*.
     */
    public function withdrawConsent(string $person, string $purpose, string $withdrawnBy,
                                    int $channel, string $recordedBy,
                                    int $scope = Native::SOCLE_CONSENT_SCOPE_PROCESSING): int
    {
        return $this->consentWrite('socle_access_engine_withdraw_consent', $person,
            strlen($person), $purpose, strlen($purpose), $scope, $withdrawnBy,
            strlen($withdrawnBy), $channel, $recordedBy, strlen($recordedBy));
    }

    /**
     * Whether $person has a valid consent of $scope for $purpose at $atUnixSeconds (0: now),
     * covering $category and (SHARING) $recipient when not empty.
     */
    public function consentStatus(string $person, string $purpose,
                                  int $scope = Native::SOCLE_CONSENT_SCOPE_PROCESSING,
                                  int $atUnixSeconds = 0, string $category = '',
                                  string $recipient = ''): ConsentStatus
    {
        $ffi = Library::ffi();
        $state = $ffi->new('int32_t');
        $revision = $ffi->new('uint64_t');
        $error = Library::newError();
        Library::check($ffi->socle_access_engine_consent_status($this->handle, $person,
            strlen($person), $purpose, strlen($purpose), $scope, $atUnixSeconds, $category,
            strlen($category), $recipient, strlen($recipient), FFI::addr($state),
            FFI::addr($revision), FFI::addr($error)), $error);
        return new ConsentStatus($state->cdata, $revision->cdata);
    }

    /**
     * Records an objection of $kind (Native::SOCLE_OBJECTION_KIND_*): PROCESSING to the activity
     * $purpose (suspended for the person until decided), SHARING to every share ($purpose '',
     * $informedEvidence required).
     */
    public function recordObjection(string $person, int $kind, string $purpose,
                                    string $objectedBy, string $recordedBy,
                                    string $informedEvidence = ''): int
    {
        return $this->consentWrite('socle_access_engine_record_objection', $person,
            strlen($person), $kind, $purpose, strlen($purpose), $objectedBy, strlen($objectedBy),
            $informedEvidence, strlen($informedEvidence), $recordedBy, strlen($recordedBy));
    }

    /**
     * The controller's decision on the pending objection to $purpose: $outcome
     * Native::SOCLE_OBJECTION_OUTCOME_* other than PENDING, with its justification.
     */
    public function decideObjection(string $person, string $purpose, int $outcome,
                                    string $justification, string $recordedBy): int
    {
        return $this->consentWrite('socle_access_engine_decide_objection', $person,
            strlen($person), $purpose, strlen($purpose), $outcome, $justification,
            strlen($justification), $recordedBy, strlen($recordedBy));
    }

    /** The person withdraws a standing objection ($purpose '' for SHARING). */
    public function withdrawObjection(string $person, int $kind, string $purpose,
                                      string $recordedBy): int
    {
        return $this->consentWrite('socle_access_engine_withdraw_objection', $person,
            strlen($person), $kind, $purpose, strlen($purpose), $recordedBy,
            strlen($recordedBy));
    }
}
