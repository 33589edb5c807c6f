package fr.socle;

import com.sun.jna.ptr.PointerByReference;
import fr.socle.jna.SocleLibrary;
import java.nio.charset.StandardCharsets;

/**
 * Consent receipts (socle/consent_receipt.hpp; docs/consent-and-sharing.md): issued from the
 * state ledger of an engine of record (the event of revision r is its entry r - 1), verified by
 * anyone holding the two public keys. The writes (representatives, consents, objections) are
 * methods of {@link AccessEngine}; a consent is described by a {@link ConsentSpec}, its status is
 * a {@link ConsentStatus}.
 */
public final class Consent {
    private Consent() {}

    /** A receipt {@link #verifyReceipt} checked: the entry it proves and its JSON-LD document. */
    public record VerifiedReceipt(long index, String json) {}

    /**
     * The receipt of the consent event at entry `index` of the state ledger: a C2SP signed note
     * whose text is the JSON-LD document, carrying the entry, its inclusion proof and a
     * checkpoint. `policy` is the policy the events were recorded under.
     */
    public static String issueReceipt(Ledger stateLedger, Policy policy, long index) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_ledger_issue_consent_receipt(stateLedger.pointer(),
                policy.pointer(), index, out, error);
        byte[] receipt = Socle.take(out);
        Socle.check(status, error);
        return new String(receipt, StandardCharsets.UTF_8);
    }

    /** The verifier key of the receipts issued from the state ledger (public). */
    public static String receiptVerifierKey(Ledger stateLedger) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_ledger_consent_receipt_verifier_key(stateLedger.pointer(),
                out, error);
        byte[] key = Socle.take(out);
        Socle.check(status, error);
        return new String(key, StandardCharsets.UTF_8);
    }

    /**
     * Checks a receipt with the receipts verifier key and the state ledger's checkpoint
     * verifier key ({@link Ledger#verifierKey}): both signatures, the inclusion proof and the
     * JSON-LD fields against the entry's event. SOCLE_E_VERIFICATION_FAILED on any failure.
     */
    public static VerifiedReceipt verifyReceipt(String receipt, String receiptsVerifierKey,
            String checkpointVerifierKey) {
        SocleLibrary.Buffer out = new SocleLibrary.Buffer();
        long[] index = new long[1];
        PointerByReference error = new PointerByReference();
        int status = Socle.lib().socle_consent_receipt_verify(receipt,
                Socle.size(Socle.utf8Length(receipt)), receiptsVerifierKey,
                Socle.size(Socle.utf8Length(receiptsVerifierKey)), checkpointVerifierKey,
                Socle.size(Socle.utf8Length(checkpointVerifierKey)), out, index, error);
        byte[] json = Socle.take(out);
        Socle.check(status, error);
        return new VerifiedReceipt(index[0], new String(json, StandardCharsets.UTF_8));
    }
}
