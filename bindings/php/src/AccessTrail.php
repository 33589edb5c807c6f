<?php

declare(strict_types=1);

namespace Socle;

use FFI;
use FFI\CData;

/**
 * Decides and records: every decision decide() and decideMany() return is already in the trail
 * ledger (if it cannot be recorded they throw: show nothing). A person's history is read by the
 * person or by a SECURITY_AUDITOR, and each read is recorded. Keeps its ledger and engine alive.
 */
final class AccessTrail
{
    private function __construct(private CData $handle, private Ledger $ledger,
                                 private AccessEngine $engine)
    {
    }

    public static function create(Ledger $ledger, AccessEngine $engine): self
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_access_trail*');
        $error = Library::newError();
        Library::check($ffi->socle_access_trail_create($ledger->handle(), $engine->handle(),
            FFI::addr($out), FFI::addr($error)), $error);
        return new self($out, $ledger, $engine);
    }

    public function __destruct()
    {
        Library::ffi()->socle_access_trail_free($this->handle);
    }

    /** @internal */
    public function handle(): CData
    {
        return $this->handle;
    }

    /**
     * Writes the person's access request (GDPR art. 15) to the file $out, signed with
     * $signingKey and sealed to $recipients (none: signed only): $identity (socle.v1.Identity's
     * JSON form, ['person' => 'P-1', 'familyName' => 'Martin']), every entry of $entries (arrays
     * as socle.v1.Entry; any iterable, a generator streams them one at a time), the person's
     * summary and the access history of their file. $requestedBy is the person or their
     * representative, $handledBy the professional who prepares it (recorded in the trail first).
     * On error no file is left; an exception thrown by $entries is thrown again as is.
     *
     * @param array<string, mixed> $identity
     * @param iterable<array<string, mixed>> $entries
     * @param list<string|RecipientKey|array{0: string|RecipientKey, 1: string}> $recipients
     * @return array<string, int> entries, withheld, left_out, history_entries, records, bytes
     */
    public function writeAccessRequest(array $identity, iterable $entries, string $requestedBy,
                                       string $handledBy, string $out,
                                       ExportSigningKey $signingKey, array $recipients = [],
                                       string $issuer = '', int $at = 0): array
    {
        return Export::writePerson('socle_access_trail_write_access_request', $this->handle,
            $identity, $entries, $requestedBy, $handledBy, $out, $signingKey, $recipients,
            $issuer, $at, Native::SOCLE_EXPORT_KIND_ACCESS_REQUEST, '', null);
    }

    /**
     * As writeAccessRequest(), the data the person provided of the activities where portability
     * applies (GDPR art. 20), with $policy's notice in the header.
     *
     * @param array<string, mixed> $identity
     * @param iterable<array<string, mixed>> $entries
     * @param list<string|RecipientKey|array{0: string|RecipientKey, 1: string}> $recipients
     * @return array<string, int>
     */
    public function writePortability(Policy $policy, array $identity, iterable $entries,
                                     string $requestedBy, string $handledBy, string $out,
                                     ExportSigningKey $signingKey, array $recipients = [],
                                     string $issuer = '', int $at = 0): array
    {
        return Export::writePerson('socle_access_trail_write_portability', $this->handle,
            $identity, $entries, $requestedBy, $handledBy, $out, $signingKey, $recipients,
            $issuer, $at, Native::SOCLE_EXPORT_KIND_PORTABILITY,
            Export::portabilityNotice($policy), $policy);
    }

    /**
     * Writes the entries [$begin, $end) of the trail ($end 0: all) with their proofs for
     * $auditor (a SECURITY_AUDITOR) to the file $out; $sinceSize: a checkpoint the auditor holds.
     *
     * @param list<string|RecipientKey|array{0: string|RecipientKey, 1: string}> $recipients
     * @return array<string, int> entries, checkpoint_size, records, bytes…
     */
    public function writeAuditExtract(string $auditor, string $out, ExportSigningKey $signingKey,
                                      int $begin = 0, int $end = 0, int $sinceSize = 0,
                                      array $recipients = [], string $issuer = ''): array
    {
        return Export::writeAudit($this->handle, $auditor, $out, $signingKey, $begin, $end,
            $sinceSize, $recipients, $issuer);
    }

    /** As AccessEngine::decide(), recorded; $justification is the professional's. */
    public function decide(AccessRequest $request, string $justification = ''): Decision
    {
        $ffi = Library::ffi();
        [$c, $keep] = $this->engine->requests([$request]);
        $out = $ffi->new('socle_decision');
        $error = Library::newError();
        Library::check($ffi->socle_access_trail_decide($this->handle, FFI::addr($c[0]),
            $justification, strlen($justification), FFI::addr($out), FFI::addr($error)), $error);
        return Decision::fromC($out);
    }

    /**
     * As AccessEngine::decideMany(), on one snapshot, every decision recorded in one append.
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
        [$c, $keep] = $this->engine->requests($requests);
        $out = $ffi->new("socle_decision[{$n}]");
        $error = Library::newError();
        $status = $ffi->socle_access_trail_decide_many($this->handle, FFI::addr($c[0]), $n,
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

    /** Records a privileged operation (Native::SOCLE_TRAIL_OPERATION_*). */
    public function recordOperation(int $operation, string $actor, string $person = '',
                                    string $detail = ''): void
    {
        $error = Library::newError();
        Library::check(Library::ffi()->socle_access_trail_record_operation($this->handle,
            $operation, $actor, strlen($actor), $person, strlen($person), $detail,
            strlen($detail), FFI::addr($error)), $error);
    }

    /**
     * Who may read $person's file now, and why (REQ-55): one line per professional and basis.
     * Throws SOCLE_E_NOT_FOUND when the person is not in the directory.
     *
     * @return list<CurrentAccess>
     */
    public function currentAccess(string $person): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_current_access*');
        $error = Library::newError();
        Library::check($ffi->socle_access_trail_current_access($this->handle, $person,
            strlen($person), FFI::addr($out), FFI::addr($error)), $error);
        try {
            $lines = [];
            $count = $ffi->socle_current_access_count($out);
            for ($i = 0; $i < $count; $i++) {
                $expires = $ffi->socle_current_access_expires_unix_seconds($out, $i);
                $lines[] = new CurrentAccess(
                    Library::string($ffi->socle_current_access_professional($out, $i)),
                    Library::string($ffi->socle_current_access_role($out, $i)),
                    Library::string($ffi->socle_current_access_structure($out, $i)),
                    Library::string($ffi->socle_current_access_basis($out, $i)),
                    Library::string($ffi->socle_current_access_team($out, $i)),
                    $expires !== 0 ? $expires : null
                );
            }
            return $lines;
        } finally {
            $ffi->socle_current_access_free($out);
        }
    }

    /**
     * One page of $person's history read by $reader (a SECURITY_AUDITOR, or with
     * $readerIsPerson the person), after index $after (-1: the first page). Times are Unix
     * seconds (0: unbounded).
     *
     * @return array{entries: list<array<string, mixed>>, next_after: int, checkpoint_note: string}
     */
    public function history(string $person, string $reader, bool $readerIsPerson = false,
                            int $after = -1, int $limit = 100, int $from = 0, int $to = 0): array
    {
        $ffi = Library::ffi();
        $out = $ffi->new('socle_history*');
        $error = Library::newError();
        Library::check($ffi->socle_access_trail_history($this->handle, $person, strlen($person),
            $reader, strlen($reader), $readerIsPerson ? 1 : 0, $from, $to, $after, $limit,
            FFI::addr($out), FFI::addr($error)), $error);
        try {
            $entries = [];
            $count = $ffi->socle_history_entry_count($out);
            for ($i = 0; $i < $count; $i++) {
                $entries[] = [
                    'index' => $ffi->socle_history_entry_index($out, $i),
                    'time' => $ffi->socle_history_entry_time_unix_seconds($out, $i),
                    'type' => $ffi->socle_history_entry_type($out, $i),
                    'readable' => $ffi->socle_history_entry_readable($out, $i) === 1,
                    'actor' => Library::string($ffi->socle_history_entry_actor($out, $i)),
                    'role' => Library::string($ffi->socle_history_entry_role($out, $i)),
                    'structure' => Library::string($ffi->socle_history_entry_structure($out, $i)),
                    'action' => $ffi->socle_history_entry_action($out, $i),
                    'item' => Library::string($ffi->socle_history_entry_item($out, $i)),
                    'category' => Library::string($ffi->socle_history_entry_category($out, $i)),
                    'purpose' => Library::string($ffi->socle_history_entry_purpose($out, $i)),
                    'allowed' => $ffi->socle_history_entry_allowed($out, $i) === 1,
                    'reason' => Library::string($ffi->socle_history_entry_reason($out, $i)),
                    'rule' => Library::string($ffi->socle_history_entry_rule($out, $i)),
                    'break_glass' => $ffi->socle_history_entry_break_glass($out, $i) === 1,
                    'justification' =>
                        Library::string($ffi->socle_history_entry_justification($out, $i)),
                    'revision' => $ffi->socle_history_entry_revision($out, $i),
                    'operation' => Library::string($ffi->socle_history_entry_operation($out, $i)),
                    'detail' => Library::string($ffi->socle_history_entry_detail($out, $i)),
                    // A sharing decision: its record (Sharing::historyRecord); null otherwise.
                    'sharing' => Sharing::historyRecord($out, $i),
                ];
            }
            return ['entries' => $entries,
                'next_after' => $ffi->socle_history_next_after($out),
                'checkpoint_note' => Library::string($ffi->socle_history_checkpoint_note($out))];
        } finally {
            $ffi->socle_history_free($out);
        }
    }

    /**
     * Shares and records in one call: checks $request on the trail's engine, records the grant
     * when granted, and writes the outcome, granted or refused, in the person's history. Errors
     * as AccessEngine::checkShare(), nothing recorded.
     */
    public function share(ShareRequest $request): SharingOutcome
    {
        return Sharing::decide($request, fn(CData $c, CData $out, CData $error): int =>
            Library::ffi()->socle_access_trail_share($this->handle, $this->engine->handle(), $c,
                $out, $error));
    }
}
