<?php

declare(strict_types=1);

namespace Socle;

use FFI;

/**
 * Consent receipts (socle/consent_receipt.hpp; docs/consent-and-sharing.md): issued from the
 * state ledger of an engine of record (the event of revision r is its entry r - 1), verified by
 * anyone holding the two public keys. The writes (representatives, consents, objections) are
 * methods of AccessEngine; a consent is described by a ConsentSpec, its status is a
 * ConsentStatus.
 */
final class Consent
{
    private function __construct()
    {
    }

    /**
     * The receipt of the consent event at entry $index of the state ledger: a C2SP signed note
     * whose text is the JSON-LD document, carrying the entry, its inclusion proof and a
     * checkpoint. $policy is the policy the events were recorded under.
     */
    public static function issueReceipt(Ledger $stateLedger, Policy $policy, int $index): string
    {
        $ffi = Library::ffi();
        $buffer = $ffi->new('socle_buffer');
        $error = Library::newError();
        $status = $ffi->socle_ledger_issue_consent_receipt($stateLedger->handle(),
            $policy->handle(), $index, FFI::addr($buffer), FFI::addr($error));
        $receipt = Library::take($buffer);
        Library::check($status, $error);
        return $receipt;
    }

    /** The verifier key of the receipts issued from the state ledger (public). */
    public static function receiptVerifierKey(Ledger $stateLedger): string
    {
        $ffi = Library::ffi();
        $buffer = $ffi->new('socle_buffer');
        $error = Library::newError();
        $status = $ffi->socle_ledger_consent_receipt_verifier_key($stateLedger->handle(),
            FFI::addr($buffer), FFI::addr($error));
        $key = Library::take($buffer);
        Library::check($status, $error);
        return $key;
    }

    /**
     * Checks a receipt with the receipts verifier key and the state ledger's checkpoint
     * verifier key (Ledger::verifierKey()): both signatures, the inclusion proof and the JSON-LD
     * fields against the entry's event. Returns ['index' => the entry, 'json' => the verified
     * JSON-LD document]; throws SOCLE_E_VERIFICATION_FAILED on any failure.
     *
     * @return array{index: int, json: string}
     */
    public static function verifyReceipt(string $receipt, string $receiptsVerifierKey,
                                         string $checkpointVerifierKey): array
    {
        $ffi = Library::ffi();
        $buffer = $ffi->new('socle_buffer');
        $index = $ffi->new('uint64_t');
        $error = Library::newError();
        $status = $ffi->socle_consent_receipt_verify($receipt, strlen($receipt),
            $receiptsVerifierKey, strlen($receiptsVerifierKey), $checkpointVerifierKey,
            strlen($checkpointVerifierKey), FFI::addr($buffer), FFI::addr($index),
            FFI::addr($error));
        $json = Library::take($buffer);
        Library::check($status, $error);
        return ['index' => $index->cdata, 'json' => $json];
    }
}
